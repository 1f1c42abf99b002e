"""What the picture shows of a scene, as plain data: its text, its geometry, and the
surface sampled once on the grids the views draw.

The renderer draws from a `Stage` and the run's `runner.Tracks` alone. Neither holds a function,
so both pickle under any start method (a surface defined in a notebook cell included),
and drawing never evaluates the surface again.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import NamedTuple

import numpy as np

from optimotion.draw.style import BASIN_COLORS

CONTOUR_POINTS = 120  # a side of the contour map's grid
CURVE_POINTS = 400    # samples of a 1-D curve


class Grid(NamedTuple):
    """A surface sampled for a view: coordinates and heights as plotted (clipped, log10)."""
    xs: np.ndarray
    ys: np.ndarray  # None for a 1-D curve
    zs: np.ndarray


@dataclass(frozen=True, eq=False)
class Stage:
    title: str
    labels: tuple[str, ...]
    dim: int                   # 1 or 2
    domain: tuple              # ((xmin, xmax),) or ((xmin, xmax), (ymin, ymax))
    zlim: tuple                # (zmin, zmax) of the surface, before log10
    log_z: bool
    camera: tuple              # (elevation, azimuth) of the 3-D view
    epochs: int
    starts: np.ndarray         # (n_starts, dim)
    start_heights: np.ndarray  # (n_starts,), as plotted
    minima: np.ndarray         # (n_minima, dim)
    minima_heights: np.ndarray
    saddles: np.ndarray        # (n_saddle_points, dim)
    saddle_heights: np.ndarray
    kinds: tuple[str, ...]     # each racer's optimizer, by class name: its colour and marker
    mesh: Grid | None          # the 3-D surface (2-D scenes)
    contour: Grid | None       # the contour map (2-D scenes)
    curve: Grid | None         # the curve (1-D scenes)
    axis_names: tuple[str, str] = ("x", "y")  # a model's plane: ("PC1, 71%", "PC2, 18%")
    value_name: str = "z"      # what the z plot and the live values call a value ("loss")
    caption: str = ""          # a line under the title: what the views show, where that is not plain
    named_live_values: bool = True  # the live column says "z = 0.706" (False: "0.706", the z plot names it)
    equal_axes: bool = False   # x and y in the same units (a model's plane): the views keep them equal
    marks_on_surface: bool = False  # a model's plane: racers drawn on the surface (the loss on the plane)
    end_notes: tuple[str, ...] = ()  # what each racer's live value adds at the last epoch ("test 97.2%")
    step_name: str = "epoch"   # what one update is called: "step" where racers draw batches (an epoch is a pass)
    local_minima: tuple = ()   # minima that are not global, each (dim,) ...
    local_minima_heights: tuple = ()  # ... and their heights, as plotted
    basin_colors: tuple[str, ...] = ()  # one optimizer from several starts: a colour per minimum (the
                                        # global ones, then the local ones), each start drawn in the
                                        # colour of the one it reaches (`Reel.reached`)

    @property
    def all_minima(self) -> np.ndarray:
        """The global minima, then the local ones: (n, dim), in the order of `basin_colors`."""
        return np.concatenate([self.minima, np.asarray(self.local_minima, dtype=float).reshape(-1, self.dim)])

    @property
    def all_minima_heights(self) -> np.ndarray:
        """The heights of `all_minima`, as plotted."""
        return np.concatenate([self.minima_heights, np.asarray(self.local_minima_heights, dtype=float)])

    @property
    def n_starts(self) -> int:
        return len(self.starts)

    @property
    def zlim_plotted(self) -> tuple[float, float]:
        z0, z1 = self.zlim
        return (float(np.log10(z0)), float(np.log10(z1))) if self.log_z else (z0, z1)

    @property
    def live_name(self) -> str:
        """What the legend's live column calls a racer's value: "z" (over several starts
        too, where it gives the lowest to the highest: "z = -9 to -0.418")."""
        return self.value_name

    @property
    def live_prefix(self) -> str:
        """What comes before a live value: "z = ", or nothing."""
        return f"{self.live_name} = " if self.named_live_values else ""

    def plotted(self, values):
        return plotted(values, self.zlim, self.log_z)

    def heights(self, positions: np.ndarray, values: np.ndarray) -> np.ndarray:
        """How high the 3-D view draws racers at `positions` (..., dim) with `values` (...):
        at their values, as plotted; on a model's plane, on the surface under them (the
        surface is the loss on the plane, and a racer off the plane has another: the z plot
        and the live numbers say that one)."""
        return self.height_at(positions) if self.marks_on_surface else self.plotted(values)

    def height_at(self, points: np.ndarray) -> np.ndarray:
        """The plotted surface under `points` (..., dim), read off the finest grid this
        stage sampled (bilinear; clamped to the domain): where a glyph's far end sits in
        the 3-D view, without evaluating the surface again."""
        points = np.asarray(points, dtype=float)
        if self.dim == 1:
            return np.interp(points[..., 0], self.curve.xs, self.curve.zs)
        grid = self.contour
        xs, ys = grid.xs[0], grid.ys[:, 0]
        fx = np.clip(np.interp(points[..., 0], xs, np.arange(len(xs))), 0, len(xs) - 1.000001)
        fy = np.clip(np.interp(points[..., 1], ys, np.arange(len(ys))), 0, len(ys) - 1.000001)
        i, j = fy.astype(int), fx.astype(int)
        dy, dx = fy - i, fx - j
        zs = grid.zs
        return ((1 - dy) * ((1 - dx) * zs[i, j] + dx * zs[i, j + 1])
                + dy * ((1 - dx) * zs[i + 1, j] + dx * zs[i + 1, j + 1]))


def lower_median(values) -> float | None:
    """The median of the finite values, the lower of the middle two when they are even in
    number (so that it is a value one of them has); None if none is finite."""
    values = np.asarray(values, dtype=float)
    finite = np.sort(values[np.isfinite(values)])
    return float(finite[(len(finite) - 1) // 2]) if len(finite) else None


def plotted(values, zlim, log_z: bool):
    """Values as plotted: clipped to the z-limits, and log10 for a log-scaled surface."""
    clipped = np.clip(values, *zlim)
    return np.log10(clipped) if log_z else clipped


class Reel(NamedTuple):
    """What the frames of one run show: its numbers, which epochs, and how the z plot
    fits them (all worked out before any frame is drawn)."""
    tracks: object             # runner.Tracks
    frame_epochs: tuple[int, ...]
    in_view: np.ndarray        # (epochs + 1, racers, starts): inside the plotted domain and z-limits
    z_range: tuple[float, float]
    z_log: bool
    phases: tuple = ()         # per frame: None, or the part of a slow-started update it shows (PHASES)
    reached: np.ndarray | None = None  # (racers, starts): the minimum (of `Stage.all_minima`) each
                                       # start ends at, -1 for none; where the stage colours basins


#: A slow-started update, a frame each: the gradient (with the state it meets), the state
#: the gradient changes, then the step; each held SLOW_HOLD_MS at least.
PHASES = ("gradient", "state", "step")
SLOW_HOLD_MS = 900


def slow_start(frame_epochs, updates: int) -> tuple[list[int], tuple]:
    """The frames of a run whose first `updates` updates are shown in order (PHASES):
    their epochs and phases, then the rule's frames from epoch `updates` on."""
    if not updates:
        return list(frame_epochs), ()
    slow = [(epoch, phase) for epoch in range(updates) for phase in PHASES]
    rest = [(epoch, None) for epoch in sorted({updates, *frame_epochs}) if epoch >= updates]
    epochs, phases = zip(*(slow + rest))
    return list(epochs), tuple(phases)


def reel_for(stage: Stage, tracks, frame_epochs, phases: tuple = ()) -> Reel:
    """The z plot is fitted to what the run records while in view (a racer that has left
    the view, or diverged, may leave it too, and is marked where it does), on a log scale
    where the surface asks for it or the values span more than three decades."""
    positions, values = tracks.positions, tracks.values
    low, high = np.array(stage.domain, dtype=float).T
    with np.errstate(invalid="ignore"):
        inside = np.all((positions >= low) & (positions <= high), axis=-1)
        z0, z1 = stage.zlim
        # Below a log axis' floor is still in view: the surface is cut there, near its minimum.
        inside &= (values <= z1) & ((values >= z0) | (stage.log_z & (values > 0)))
    shown = values[inside & np.isfinite(values)]
    if tracks.plane_loss is not None:  # a model's race: the z plot draws the loss under each racer too
        shown = np.concatenate([shown, tracks.plane_loss[np.isfinite(tracks.plane_loss)]])
    if not shown.size:
        shown = np.array(stage.zlim, dtype=float)
    lo, hi = float(shown.min()), float(shown.max())
    log = bool(lo > 0 and (stage.log_z or hi / lo > 1e3))
    if log:
        margin = max(np.log10(hi / lo), 1.0) * 0.05
        z_range = (lo / 10**margin, hi * 10**margin)
    else:
        margin = (hi - lo) * 0.05 or max(abs(hi), 1.0) * 0.05
        z_range = (lo - margin, hi + margin)
    reached = reached_minima(positions[-1], stage.all_minima, stage.domain) if stage.basin_colors else None
    return Reel(tracks, tuple(int(e) for e in frame_epochs), inside, z_range, log, tuple(phases), reached)


def start_colors(stage: Stage, reached, own: str) -> list[str] | None:
    """Where the stage colours basins: each start's colour (one racer's `reached`), its
    minimum's, or `own` (the racer's) for a start that reaches none; else None."""
    if not stage.basin_colors or reached is None or len(stage.labels) != 1:
        return None
    return [stage.basin_colors[m] if m >= 0 else own for m in reached[0]]


REACHED_WITHIN = 0.01  # of the domain's sides: an end this close to a minimum has reached it


def reached_minima(ends: np.ndarray, minima: np.ndarray, domain) -> np.ndarray:
    """Which of `minima` (n, dim) each end (..., dim) has reached: the index of the
    nearest, where it is within REACHED_WITHIN of the domain's sides of it; else -1 (a
    racer still on its way, or diverged)."""
    ends = np.asarray(ends, dtype=float)
    if not len(minima):
        return np.full(ends.shape[:-1], -1)
    sides = np.array([high - low for low, high in domain], dtype=float)
    with np.errstate(invalid="ignore"):
        apart = np.linalg.norm((ends[..., None, :] - minima) / sides, axis=-1)  # (..., n), differences first
        nearest = np.argmin(np.nan_to_num(apart, nan=np.inf), axis=-1)
        close = np.take_along_axis(apart, nearest[..., None], axis=-1)[..., 0] <= REACHED_WITHIN
    return np.where(close, nearest, -1)


def one_line(text: str) -> str:
    """A title or label as the picture writes it: on one line (a newline in a legend
    label would run into the next row), runs of spaces as one."""
    return " ".join(text.split())


def default_title(name: str) -> str:
    """The title of a scene that gives none: its surface's name ("long_valley": "Long
    valley"), which claims nothing. A surface's description says what it usually teaches,
    and a run may show otherwise."""
    return name.replace("_", " ").strip().capitalize() or "Optimizers"


def _snap(line: np.ndarray, value: float) -> None:
    """Move the inner grid line nearest `value` onto it, where the line stays in order."""
    i = int(np.argmin(np.abs(line[1:-1] - value))) + 1 if len(line) > 2 else 0
    if 0 < i < len(line) - 1 and line[i - 1] < value < line[i + 1]:
        line[i] = value


def stage_for(scene, mesh: int = 36) -> Stage:
    """Sample `scene`'s surface for every view (a `mesh`-by-`mesh` 3-D surface)."""
    surface = scene.surface

    def heights(points) -> np.ndarray:
        points = np.asarray(points, dtype=float).reshape(-1, surface.dim)
        if not len(points):
            return np.zeros(0)
        with np.errstate(all="ignore"):
            return np.atleast_1d(np.asarray(surface.f(points.T), dtype=float))

    def grid(n: int, through_minima: bool = False) -> Grid:
        (x0, x1), (y0, y1) = surface.domain
        lines = [np.linspace(x0, x1, n), np.linspace(y0, y1, n)]
        if through_minima:  # the 3-D surface's tip where the minimum is (Ackley's star hung 20 px under it)
            for point in surface.minima:
                for line, value in zip(lines, point):
                    _snap(line, value)
        xs, ys = np.meshgrid(*lines)
        with np.errstate(all="ignore"):
            zs = np.asarray(surface.f(np.stack([xs, ys])), dtype=float)
        if zs.shape != xs.shape:
            from optimotion.simulation.runner import SurfaceError

            raise SurfaceError(f"the surface must give one number per point: for a {n}x{n} grid of points it gave "
                               f"shape {zs.shape} (does it sum or stack over all points?)")
        return Grid(xs, ys, plot(np.nan_to_num(zs, nan=surface.zlim[1])))

    def plot(values):
        return plotted(values, surface.zlim, surface.log_z)

    curve = None
    if surface.dim == 1:
        (x0, x1), = surface.domain
        xs = np.linspace(x0, x1, CURVE_POINTS)
        with np.errstate(all="ignore"):
            curve = Grid(xs, None, plot(np.asarray(surface.f(xs[None, :]), dtype=float)))
    minima = np.array(surface.minima, dtype=float).reshape(-1, surface.dim)
    saddles = np.array(surface.saddle_points, dtype=float).reshape(-1, surface.dim)
    local_minima = np.array(getattr(surface, "local_minima", ()), dtype=float).reshape(-1, surface.dim)
    # One optimizer from several starts to one of several minima: the lesson is where each
    # start ends, so colour says that (the optimizer is named in the legend, in ink).
    n_minima = len(minima) + len(local_minima)
    basins = len(scene.racers) == 1 and len(scene.starts) > 1 and 2 <= n_minima <= len(BASIN_COLORS)
    return Stage(
        title=one_line(scene.title or default_title(surface.name)),
        labels=tuple(one_line(racer.name) for racer in scene.racers),
        dim=surface.dim, domain=surface.domain, zlim=surface.zlim, log_z=surface.log_z,
        camera=tuple(surface.view[:2]), epochs=scene.epochs,
        starts=np.array(scene.starts, dtype=float), start_heights=plot(heights(scene.starts)),
        minima=minima, minima_heights=plot(heights(minima)),
        saddles=saddles, saddle_heights=plot(heights(saddles)),
        kinds=tuple(type(racer.optimizer).__name__ for racer in scene.racers),
        mesh=grid(mesh, through_minima=True) if surface.dim == 2 else None,
        contour=grid(CONTOUR_POINTS) if surface.dim == 2 else None, curve=curve,
        equal_axes=bool(getattr(surface, "equal_axes", False)),
        axis_names=tuple(getattr(surface, "axis_names", ("x", "y"))) + ("y",) * (2 - surface.dim),
        value_name=getattr(surface, "value_name", "z"),
        local_minima=tuple(local_minima), local_minima_heights=tuple(plot(heights(local_minima))),
        step_name="step" if any(getattr(racer, "batch_size", None) for racer in scene.racers) else "epoch",
        basin_colors=BASIN_COLORS[:n_minima] if basins else (),
        caption=" · ".join(filter(None, ("colour: the minimum each start reaches" if basins else "",
                                         "hollow star: a local minimum" if len(local_minima) else ""))))


LOG_SPAN = 100  # a model's loss spanning more than this factor is drawn on log scales


def plane_stage(scene, plane_run, landscape) -> Stage:
    """What the picture shows of a race over a model (`plane.race`): the loss on its plane
    (`plane.landscape`, which both views draw), and the racers' labels with their test
    accuracy."""
    model, run, plane = scene.surface, plane_run.run, plane_run.plane
    xs, ys, zs = landscape.xs, landscape.ys, landscape.zs
    values = run.values[np.isfinite(run.values)]
    everything = np.concatenate([zs[np.isfinite(zs)], values])
    lo, hi = float(everything.min()), float(everything.max())
    log_z = bool(getattr(model, "log_z", True) and lo > 0 and hi / lo > LOG_SPAN)
    if hi <= lo:
        hi = lo + max(abs(lo), 1.0)
    zlim = (lo, hi)
    grid = Grid(xs, ys, plotted(np.nan_to_num(zs, nan=hi, posinf=hi), zlim, log_z))
    labels = tuple(one_line(racer.name) for racer in scene.racers)
    pc1, pc2 = (f"{share:.0%}" for share in plane.explained)
    stage = Stage(
        title=one_line(scene.title or default_title(model.name)),
        labels=labels, dim=2, domain=landscape.domain, zlim=zlim, log_z=log_z, camera=(35.0, -60.0),
        epochs=scene.epochs, starts=run.positions[0, 0], start_heights=np.zeros(len(run.positions[0, 0])),
        minima=np.zeros((0, 2)), minima_heights=np.zeros(0), saddles=np.zeros((0, 2)), saddle_heights=np.zeros(0),
        kinds=tuple(type(racer.optimizer).__name__ for racer in scene.racers),
        mesh=grid, contour=grid, curve=None,
        axis_names=(f"PC1: {pc1}", f"PC2: {pc2}"), value_name="loss",
        named_live_values=False, equal_axes=True, marks_on_surface=True,
        end_notes=tuple(_accuracy_note(plane_run.accuracy[r]) for r in range(len(scene.racers))),
        caption="surface, marks, thin dotted lines: loss on the paths' plane · other lines, numbers: each racer's own")
    return replace(stage, start_heights=stage.height_at(stage.starts))  # the starts on the surface too


def _accuracy_note(accuracy: np.ndarray) -> str:
    """"test 97.2%" for a racer (the median over its starts), or nothing."""
    middle = lower_median(accuracy)
    return "" if middle is None else f"test {middle:.1%}"
