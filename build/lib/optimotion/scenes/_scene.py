"""The `Scene` record: what to animate, declared, never executed here."""
from __future__ import annotations

import dataclasses
import functools
import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from optimotion import surfaces, validation
from optimotion.optimizers import Optimizer
from optimotion.optimizers.base import _takes_one_argument, format_value

#: Upper bound on epochs unless a scene or the CLI (`--max-epochs`) lifts it: the run keeps
#: every position in memory (16 bytes per epoch and trajectory in 2-D).
MAX_EPOCHS = 2_000_000
MAX_RACERS = 12   # racers a legend shows apart (colours, markers, rows)
MAX_VARIANTS = 12  # every variant is simulated ahead of time and carried in the page
TUNE_TRIALS = (2, 200)  # a tuning search's trials per racer, at least and at most
GLYPHS = ("gradient", "momentum", "box", "step")  # what a racer's state can show, drawn in this order
MAX_GLYPH_STARTS = 4
MAX_STARTS = 1_000_000  # start points a race holds (every racer runs from each)
MAX_SLOW_START = 10
MODEL_BYTES = 4 * 2**30  # what racing a model may take (its gradients over every trajectory at once)


#: The default frame rule's phases: from each epoch on, a frame every so many epochs.
PACES = ((0, 2), (30, 5), (50, 10), (100, 25), (500, 50), (1000, 250))


def show_epoch(epoch: int) -> bool:
    """Dense early, sparse late, at an even step within each phase (63 frames for 4,000
    epochs): every 2nd epoch below 30, every 5th below 50, every 10th below 100, every
    25th below 500, every 50th below 1,000, then every 250th. The Optimizers notebook's
    rule had overlapping phases (frames at 300, 315, 350, 360, 400, 405, ...: the motion
    stuttered); the frames say when the pace changes ("+250 a frame")."""
    start, step = next((start, step) for start, step in reversed(PACES) if epoch >= start)
    return (epoch - start) % step == 0


def _show_epoch_picks(epochs: int) -> list[int]:
    """`show_epoch`'s epochs up to `epochs`, by arithmetic."""
    bounds = [start for start, _ in PACES[1:]] + [epochs + 1]
    return [epoch for (start, step), end in zip(PACES, bounds) for epoch in range(start, min(end, epochs + 1), step)]


show_epoch.picks = _show_epoch_picks


class EvenMotion:
    """A frame rule worked out from the run: `frames` frames, at the epochs where the
    racers have moved equal distances on screen (the mean over racers and starts of each
    step's length, in fractions of the plotted domain, positions held to the domain).

    Where a run moves fast early and crawls late (most runs), the default rule's frames
    jump early and then stand still; these frames keep the motion even. Epoch 0 and the
    last epoch are always frames, and there are `frames` of them (all the epochs, if the
    run has fewer): where one step covers several even distances (a first leap), the
    frames it would have had go to the rest of the run.
    """

    def __init__(self, frames: int = 60):
        self.frames = validation.integer("frames", frames, 2)

    def __repr__(self) -> str:
        return f"even_motion({self.frames})"

    def pick(self, positions: np.ndarray, domain) -> list[int]:
        """The frame epochs for recorded `positions` (epochs + 1, racers, starts, dim)."""
        low, high = np.array(domain, dtype=float).T
        with np.errstate(all="ignore"):
            on_screen = (np.clip(positions, low, high) - low) / (high - low)
            steps = np.sqrt(np.sum(np.diff(on_screen, axis=0) ** 2, axis=-1))  # (epochs, racers, starts)
        travelled = np.concatenate([[0.0], np.cumsum(np.nanmean(np.nan_to_num(steps, nan=0.0), axis=(1, 2)))])
        epochs = len(travelled) - 1
        wanted = min(self.frames, epochs + 1)
        if travelled[-1] <= 0:  # nothing moves: spread the frames over the epochs
            return sorted({int(e) for e in np.round(np.linspace(0, epochs, wanted))})

        def crossings(count: int) -> np.ndarray:  # the epochs where the motion crosses `count` even marks
            marks = np.linspace(0, travelled[-1], count)
            return np.unique(np.concatenate([[0, epochs], np.searchsorted(travelled, marks, side="left")]))

        # One step can cross several marks (a racer's first leap): those marks share one
        # epoch. Finer marks, until the distinct epochs are enough; then every k-th of them.
        count, found = wanted, crossings(wanted)
        while len(found) < wanted and count < 64 * (epochs + 1):
            count *= 2
            found = crossings(count)
        if len(found) < wanted:  # fewer epochs move than frames asked: the rest spread in time
            still = np.setdiff1d(np.arange(epochs + 1), found)
            found = np.union1d(found, still[np.round(np.linspace(0, len(still) - 1, wanted - len(found))).astype(int)])
        keep = np.unique(np.round(np.linspace(0, len(found) - 1, wanted)).astype(int))
        return found[keep].astype(int).tolist()


def even_motion(frames: int = 60) -> EvenMotion:
    """The frame rule that keeps the racers' motion even on screen (see `EvenMotion`)."""
    return EvenMotion(frames)


def every(n: int) -> Callable[[int], bool]:
    """A frame rule that shows every n-th epoch."""
    if not isinstance(n, numbers.Integral) or n < 1:
        raise ValueError(f"every(n): n must be a positive integer, got {n!r}")

    def rule(epoch: int) -> bool:
        return epoch % n == 0

    rule.__name__ = f"every({n})"
    rule.picks = lambda epochs: list(range(0, epochs + 1, n))
    return rule


def grid(x_range: tuple[float, float], y_range: tuple[float, float], n: int | tuple[int, int]):
    """Start points on an n-by-n grid spanning the two ranges (ends included)."""
    nx, ny = (n, n) if isinstance(n, numbers.Integral) else n
    if nx * ny > MAX_STARTS:  # before a tuple of each is made
        raise ValueError(f"grid: {nx:,} x {ny:,} = {nx * ny:,} starts are more than the {MAX_STARTS:,} a race "
                         "holds; give fewer points a side")
    xs, ys = np.meshgrid(np.linspace(*x_range, nx), np.linspace(*y_range, ny))
    return tuple(zip(xs.ravel().tolist(), ys.ravel().tolist()))


@dataclass(frozen=True)
class Variants:
    """A sweep of one hyperparameter of one racer: the web page's "try it" slider.

    `Variants("lr", (0.01, 0.03, 0.1, 0.3, 1.0), racer=1)` makes the page simulate the scene
    once for each value of racer 1's `lr` and switch between them while it plays. The scene
    as written is the default variant (what the GIF, MP4 and PNG show), so the racer's own
    value must be one of `values`. `racer` is the racer's place in `optimizers`, from 0.
    """
    param: str
    values: tuple
    racer: int = 0

    def __post_init__(self):
        if not isinstance(self.param, str) or not self.param:
            raise ValueError(f"Variants: param must be a hyperparameter's name, got {self.param!r}")
        if isinstance(self.values, (str, bytes)) or not isinstance(self.values, Sequence):
            raise ValueError(f"Variants: values must be a list of values, got {self.values!r}")
        object.__setattr__(self, "values", tuple(self.values))
        if not 2 <= len(self.values) <= MAX_VARIANTS:
            raise ValueError(f"Variants: give 2 to {MAX_VARIANTS} values, got {len(self.values)}")
        validation.integer("racer", self.racer, 0)


@dataclass(frozen=True)
class Racer:
    """One optimizer in a scene, with its legend label and its own gradient noise.

    `noise` (a standard deviation) and `clip_norm` override the scene's for this racer;
    None means "use the scene's".

    `batch_size` (data surfaces only, e.g. `surfaces.LINE_FIT`): each epoch this racer
    steps along the true gradient of the loss on `batch_size` samples, drawn afresh
    (distinct within a batch) for every start from the scene's seeded generator; None
    means the full data set.
    """
    optimizer: Optimizer
    label: str | None = None
    noise: float | None = None
    clip_norm: float | None = None
    batch_size: int | None = None

    def __post_init__(self):
        if not isinstance(self.optimizer, Optimizer):
            raise ValueError(f"Racer needs an optimizer, got {self.optimizer!r}")
        if self.label is not None and (not isinstance(self.label, str) or not self.label.strip()):
            raise ValueError(f"a racer's label must be a non-empty string, got {self.label!r}")
        _check_non_negative("noise", self.noise, allow_none=True)
        _check_positive("clip_norm", self.clip_norm, allow_none=True)
        if self.batch_size is not None:
            _check_positive_int("batch_size", self.batch_size)

    @property
    def name(self) -> str:
        return self.label if self.label is not None else self.optimizer.label


@dataclass(frozen=True)
class Scene:
    """A surface, where to start, who races, for how long, and which epochs to show.

    `start` is one point (x, y) or a sequence of points; every optimizer runs from each.
    `optimizers` is a sequence of optimizers or `Racer`s, or a dict {label: optimizer}.
    `noise` adds seeded Gaussian noise (standard deviation `noise`, generator `seed`) to
    every gradient; `clip_norm` rescales any gradient longer than it.
    `bounds` ((xmin, xmax), (ymin, ymax)) -- ((xmin, xmax),) in 1-D -- clamps every
    position into that box after each step (projected descent, as the Advanced Optimizers
    chapter clips to [-3, 3]); the optimizers' states are left as they are.
    `glyphs` draws each racer's own state at its marker: "auto" (each optimizer's own
    set, `Optimizer.default_glyphs`), or names from GLYPHS: "gradient" (as -lr times the
    gradient: the step plain gradient descent would take), "momentum" (-lr times the
    velocity or first moment), "step" (the update actually made), "box" (the step size per
    coordinate); None or () draws none. The arrows are drawn `glyph_scale` times their
    length (default: a round number that makes a typical one legible; the picture says
    which). `slow_start` shows the first that many updates in
    order, a frame each for the gradient, the state and the step, before the race runs.
    `view` is the position view the scene is best seen in ("3d", "contour" or "both"),
    unless a render asks for another. `tune` (2 to 200) races every racer at the learning
    rate the same search of that many trials picks for it (`simulation/tuning.py`): its
    own is then the page's "as written" alternative.
    """
    surface: surfaces.Surface | str
    start: Sequence
    optimizers: Sequence
    epochs: int = 1000
    show_epoch: Callable[[int], bool] = show_epoch
    title: str = ""
    noise: float = 0.0
    seed: int = 0
    clip_norm: float | None = None
    max_epochs: int = MAX_EPOCHS
    bounds: tuple | None = None
    variants: Variants | None = None
    glyphs: str | Sequence[str] | None = None
    glyph_scale: float | None = None
    slow_start: int = 0
    view: str | None = None
    tune: int | None = None
    racers: tuple[Racer, ...] = field(init=False, repr=False)
    starts: np.ndarray = field(init=False, repr=False)

    def __post_init__(self):
        surface = self.surface
        if isinstance(surface, str):
            surface = surfaces.get(surface)
        if not isinstance(surface, (surfaces.Surface, surfaces.Model)):
            raise ValueError(f"surface must be a Surface, a Model or a surface name, got {surface!r:.80}")
        object.__setattr__(self, "surface", surface)
        object.__setattr__(self, "racers", _as_racers(self.optimizers))
        object.__setattr__(self, "starts", _as_starts(self.start, surface.dim))
        _check_positive_int("max_epochs", self.max_epochs)
        _check_positive_int("epochs", self.epochs)
        if self.epochs > self.max_epochs:
            raise validation.LimitError(
                f"epochs={self.epochs:,} is over the limit of {self.max_epochs:,} "
                "(memory grows with epochs); lift it with max_epochs", option="max_epochs")
        if not (callable(self.show_epoch) or isinstance(self.show_epoch, EvenMotion)):
            raise ValueError(f"show_epoch must be a function epoch -> bool, got {self.show_epoch!r}")
        if not isinstance(self.show_epoch, EvenMotion) and not _takes_one_argument(self.show_epoch):
            raise ValueError("show_epoch must be a function of the epoch, epoch -> True or False, but "
                             f"{getattr(self.show_epoch, '__name__', 'it')} does not take one argument")
        if not isinstance(self.title, str):
            raise ValueError(f"title must be a string, got {self.title!r}")
        _check_non_negative("noise", self.noise)
        _check_positive("clip_norm", self.clip_norm, allow_none=True)
        validation.integer("seed", self.seed, 0)
        _check_batches(self.racers, surface)
        if self.over_model:
            _check_model_scene(self)
        if self.bounds is not None:
            object.__setattr__(self, "bounds", _as_bounds(self.bounds, self.starts))
        if self.variants is not None:
            _check_variants(self.variants, self.racers)
        object.__setattr__(self, "glyphs", _as_glyphs(self.glyphs))
        validation.integer("slow_start", self.slow_start, 0)
        _check_positive("glyph_scale", self.glyph_scale, allow_none=True)
        if self.tune is not None:
            check_tune(self.tune)
            if self.variants is not None:
                raise ValueError("tune picks every racer's lr by one search, and variants sweep a hyperparameter by "
                                 "hand: use one of them")
        if self.view not in (None, "3d", "contour", "both"):
            raise ValueError(f"view must be '3d', 'contour' or 'both' (the position view it is best seen in), "
                             f"got {self.view!r}")
        if self.glyphs and self.over_model:
            raise ValueError(f"glyphs: model {surface.name!r} is drawn on the plane of its race, where a state of "
                             f"{surface.dim:,} numbers has no arrow; leave out glyphs")
        if self.glyphs and len(self.starts) > MAX_GLYPH_STARTS:
            raise ValueError(f"glyphs are drawn for at most {MAX_GLYPH_STARTS} starts (arrows at {len(self.starts)} "
                             "would hide each other); leave out glyphs, or race from fewer starts")
        if self.slow_start > min(self.epochs, MAX_SLOW_START):
            raise ValueError(f"slow_start must be at most {min(self.epochs, MAX_SLOW_START)} (the epochs, and "
                             f"{MAX_SLOW_START} updates shown in order), got {self.slow_start}")

    def racer_glyphs(self, r: int) -> tuple[str, ...]:
        """The glyphs racer `r` shows: the scene's, or, for "auto", its optimizer's own."""
        if self.glyphs == "auto":
            return tuple(self.racers[r].optimizer.default_glyphs)
        return self.glyphs or ()

    @property
    def variant_default(self) -> int:
        """Which of `variants.values` the scene as written has (0 without variants)."""
        if self.variants is None:
            return 0
        racer = self.racers[self.variants.racer]
        return _value_index(self.variants.values, getattr(racer.optimizer, self.variants.param))

    @property
    def variant_title(self) -> str:
        """What the page's slider is called: the optimizer and the hyperparameter ("Adam lr")."""
        racer = self.racers[self.variants.racer]
        return f"{type(racer.optimizer).__name__} {self.variants.param}"

    def variant_scenes(self) -> tuple[Scene, ...]:
        """The scene once per value of `variants` (itself, for its own value); a racer with
        the optimizer's own label gets the variant's label."""
        if self.variants is None:
            return (self,)
        sweep, racers = self.variants, list(self.racers)
        out = []
        for value in sweep.values:
            racer = racers[sweep.racer]
            changed = replace(racer, optimizer=replace(racer.optimizer, **{sweep.param: value}))
            out.append(replace(self, optimizers=racers[:sweep.racer] + [changed] + racers[sweep.racer + 1:],
                               variants=None))
        return tuple(out)

    @property
    def over_model(self) -> bool:
        """Whether the race runs over a model's parameter vector (`surfaces.Model`), drawn
        on the plane of its trajectories (`plane.py`), not over a 2-D surface."""
        return isinstance(self.surface, surfaces.Model)

    @property
    def follows_the_run(self) -> bool:
        """Whether the frames are picked from the run (`even_motion`), not by epoch alone."""
        return isinstance(self.show_epoch, EvenMotion)

    @functools.cached_property
    def picked_epochs(self) -> list[int]:
        """The epochs the rule picks among 0 to `epochs` (worked out once: a million epochs
        take a while); empty for a rule that follows the run."""
        if self.follows_the_run:
            return []
        rule = self.show_epoch
        if hasattr(rule, "picks"):  # a rule that knows its epochs by arithmetic: no call per epoch
            return rule.picks(self.epochs)
        picked = []
        for epoch in range(self.epochs + 1):
            shown = rule(epoch)
            if not isinstance(shown, (bool, np.bool_, int, np.integer)):
                raise ValueError(f"show_epoch must give True or False for an epoch, got {shown!r:.60} for epoch "
                                 f"{epoch}")
            if shown:
                picked.append(epoch)
        return picked

    @functools.cached_property
    def frame_epochs(self) -> list[int]:
        """The epochs drawn as frames, in order: those the rule picks, and the last epoch
        always, so the last frame is the end of the run."""
        if self.follows_the_run:
            raise ValueError("this scene's frames follow the run (even_motion): use frame_epochs_for(run)")
        picked = self.picked_epochs
        return picked + [self.epochs] if not picked or picked[-1] != self.epochs else picked

    @property
    def frame_count(self) -> int:
        """How many frames, known before the run."""
        slow = 3 * self.slow_start  # a slow-started update is three frames (draw.stage.PHASES)
        if self.follows_the_run:
            return min(self.show_epoch.frames, self.epochs + 1) + slow
        return slow + len({self.slow_start, *(e for e in self.frame_epochs if e >= self.slow_start)}) if slow \
            else len(self.frame_epochs)

    def frame_epochs_for(self, positions: np.ndarray) -> list[int]:
        """The frame epochs of a run with these recorded positions."""
        if self.follows_the_run:
            return self.show_epoch.pick(positions, self.surface.domain)
        return self.frame_epochs

    def with_options(self, **changes) -> Scene:
        """A copy with some fields replaced (what the CLI's overrides use)."""
        return replace(self, **changes)


def _as_glyphs(glyphs) -> str | tuple[str, ...]:
    """None, "auto", or a tuple of GLYPHS names in drawing order ("none" and () are ())."""
    if glyphs is None or glyphs == "none":
        return ()
    if glyphs == "auto":
        return "auto"
    names = glyphs.split(",") if isinstance(glyphs, str) else glyphs
    if not isinstance(names, Sequence) or not all(isinstance(name, str) for name in names):
        raise ValueError(f"glyphs must be 'auto', 'none' or names from {', '.join(GLYPHS)}, got {glyphs!r}")
    names = [name.strip() for name in names]
    unknown = [name for name in names if name not in GLYPHS]
    if unknown:
        raise ValueError(f"glyphs: unknown {', '.join(map(repr, unknown))}; choose 'auto', 'none' or from "
                         f"{', '.join(GLYPHS)}")
    return tuple(name for name in GLYPHS if name in names)


def _as_racers(optimizers) -> tuple[Racer, ...]:
    if isinstance(optimizers, dict):
        entries = [Racer(opt, label=label) if not isinstance(opt, Racer) else replace(opt, label=label)
                   for label, opt in optimizers.items()]
    elif isinstance(optimizers, (str, bytes)) or not isinstance(optimizers, Sequence):
        raise ValueError("optimizers must be a list of optimizers or a dict {label: optimizer}, "
                         f"got {optimizers!r}")
    else:
        entries = [opt if isinstance(opt, Racer) else Racer(opt) for opt in optimizers]
    if not entries:
        raise ValueError("optimizers is empty: a scene needs at least one optimizer")
    if len(entries) > MAX_RACERS:
        raise ValueError(f"{len(entries)} optimizers are more than a legend (and an eye) tells apart: at most "
                         f"{MAX_RACERS}; split the race into scenes, or race one optimizer from many starts "
                         "(start=[...])")
    names = [racer.name for racer in entries]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ValueError(f"duplicate optimizer labels {duplicates}: give each a distinct label "
                         "(Racer(opt, label=...) or a dict {label: optimizer})")
    return tuple(entries)


def _check_model_scene(scene: Scene) -> None:
    """What a race over a model's parameters cannot have: a plotting box drawn before the run."""
    name, model = scene.surface.name, scene.surface
    if model.dim < 2:
        raise ValueError(f"model {name!r} has {model.dim} parameter: a race over a model is drawn on the plane of "
                         "its paths, which takes 2 or more; write a one-parameter loss as a 1-D Surface")
    needs = model.memory_bytes(len(scene.racers) * len(scene.starts))
    if needs > MODEL_BYTES:
        raise ValueError(f"model {name!r} ({model.dim:,} parameters) would take {needs / 2**30:.1f} GiB of memory "
                         f"to race {len(scene.racers) * len(scene.starts)} trajectories at once, over the limit of "
                         f"{MODEL_BYTES / 2**30:.0f} GiB: fewer or smaller layers, or fewer racers or starts")
    if scene.bounds is not None:
        raise ValueError(f"bounds: model {name!r} has {scene.surface.dim:,} parameters and no box to clamp them to; "
                         "leave out bounds")
    if scene.follows_the_run:
        raise ValueError(f"even_motion: model {name!r} is drawn on the plane of its race, which is known only "
                         "after the run; give a show_epoch rule such as every(k)")
    if scene.variants is not None:
        raise ValueError(f"variants: the page of model {name!r} draws one plane, fitted to one run; leave out "
                         "variants")


def _value_index(values: tuple, value) -> int:
    """Where `value` is among `values`, compared as labels show them (-1: not there)."""
    shown = format_value(value)
    return next((k for k, candidate in enumerate(values) if format_value(candidate) == shown), -1)


def _check_variants(sweep: Variants, racers: tuple[Racer, ...]) -> None:
    if not isinstance(sweep, Variants):
        raise ValueError(f"variants must be Variants(param, values, racer=...), got {sweep!r}")
    if sweep.racer >= len(racers):
        raise ValueError(f"Variants: racer={sweep.racer}, but the scene has {len(racers)} racer(s), "
                         f"numbered from 0")
    racer = racers[sweep.racer]
    optimizer = racer.optimizer
    names = [f.name for f in dataclasses.fields(optimizer)]
    if sweep.param not in names:
        raise ValueError(f"Variants: {type(optimizer).__name__} has no hyperparameter {sweep.param!r} "
                         f"(it has {', '.join(names)})")
    for value in sweep.values:
        replace(optimizer, **{sweep.param: value})  # an invalid value says so, as the optimizer does
    shown = [format_value(v) for v in sweep.values]
    if len(set(shown)) != len(shown):
        raise ValueError(f"Variants: the values must differ, got {', '.join(shown)}")
    if _value_index(sweep.values, getattr(optimizer, sweep.param)) < 0:
        raise ValueError(f"Variants: racer {racer.name!r} has {sweep.param}="
                         f"{format_value(getattr(optimizer, sweep.param))}, which is not among the values "
                         f"({', '.join(shown)}): the scene as written is the default variant")


def _check_batches(racers, surface) -> None:
    """batch_size needs a data surface (one with `n_samples` and `batch_loss`)."""
    for racer in racers:
        if racer.batch_size is None:
            continue
        n_samples = getattr(surface, "n_samples", None)
        if n_samples is None or not callable(getattr(surface, "batch_loss", None)):
            raise ValueError(f"racer {racer.name!r} has batch_size={racer.batch_size}, but surface "
                             f"{surface.name!r} has no data to draw batches from (use a data "
                             "surface such as 'line_fit')")
        if racer.batch_size > n_samples:
            raise ValueError(f"racer {racer.name!r}: batch_size={racer.batch_size} is more than the "
                             f"{n_samples} samples of surface {surface.name!r}")


def check_tune(trials) -> int:
    """A tuning search's number of trials (`Scene.tune`)."""
    low, high = TUNE_TRIALS
    return validation.integer("tune", trials, low, high, expected=f"a number of trials from {low} to {high}")


def _as_bounds(bounds, starts: np.ndarray) -> tuple:
    """((lo, hi), ...) per coordinate, finite with lo < hi, holding every start point."""
    dim = starts.shape[1]
    try:
        box = np.asarray(bounds, dtype=float)
    except (TypeError, ValueError):
        box = None
    if box is None or box.shape != (dim, 2) or not np.all(np.isfinite(box)) or np.any(box[:, 0] >= box[:, 1]):
        raise ValueError(f"bounds must be {dim} pair(s) (lo, hi) of finite numbers with lo < hi, "
                         f"got {bounds!r}")
    outside = np.any((starts < box[:, 0]) | (starts > box[:, 1]), axis=1)
    if np.any(outside):
        raise ValueError(f"start point {tuple(starts[np.argmax(outside)].tolist())} lies outside "
                         f"bounds {bounds!r}")
    return tuple((float(lo), float(hi)) for lo, hi in box)


def _as_starts(start, dim: int) -> np.ndarray:
    """One point or a sequence of points -> an array of shape (n_starts, dim)."""
    if _has_bool(start):
        raise ValueError(f"start points must be numbers, not True or False, got {start!r:.80}")
    try:
        points = np.asarray(start, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"start must be a point of {dim} numbers or a list of such points, "
                         f"got {start!r}") from None
    if points.ndim == 0 and dim == 1:
        points = points.reshape(1, 1)
    elif points.ndim == 1 and points.shape[0] == dim:
        points = points.reshape(1, dim)
    elif dim == 1 and points.ndim == 1:
        points = points.reshape(-1, 1)
    if points.ndim != 2 or points.shape[1] != dim or points.shape[0] == 0:
        raise ValueError(f"start must be a point of {dim} numbers or a list of such points, "
                         f"got shape {np.shape(start)} ({start!r:.60})")
    if not np.all(np.isfinite(points)):
        raise ValueError(f"start points must be finite numbers, got {start!r:.80}")
    if len(points) > MAX_STARTS:
        raise ValueError(f"{len(points):,} start points are more than the {MAX_STARTS:,} a race holds")
    return points


def _has_bool(value) -> bool:
    """True or False somewhere in a point or a list of points (numpy would read them as 1 and 0)."""
    if isinstance(value, np.ndarray):
        return value.dtype == bool or (value.dtype == object and any(_has_bool(v) for v in value.ravel()))
    if isinstance(value, (list, tuple)):
        return any(_has_bool(v) for v in value)
    return isinstance(value, (bool, np.bool_))


def _check_positive_int(name, value):
    validation.integer(name, value, 1)


def _check_positive(name, value, allow_none=False):
    if not (value is None and allow_none):
        validation.real(name, value, 0, lo_open=True)


def _check_non_negative(name, value, allow_none=False):
    if not (value is None and allow_none):
        validation.real(name, value, 0)
