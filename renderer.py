"""Frames from a recorded run: position views beside a z-value-versus-epoch plot.

celluloid's `Camera` captures the frames: each frame's moving artists (trails, current
positions, z lines, live values, the epoch counter) are created and `snap()`ped. The
static picture (surface, axes, ticks, legend handles, start and minimum markers) is drawn
once; each frame restores that background and draws only its own artists on top
(blitting). Nothing is drawn twice, and markers are never hidden behind the surface.

Long runs cost what their frames cost, not their epochs: z lines keep the extremes of
each pixel column and trails a fixed subsample, both with the moving tip exact, and both
stable from frame to frame (so the GIF stores only what changed).

Nothing here computes optimizer math: positions and values come from the `Run`; the
surface function is only sampled to draw the surface itself.
"""
from __future__ import annotations

import contextlib
import math
import multiprocessing
import multiprocessing.connection
import os
import signal
from dataclasses import dataclass
from typing import Callable, Iterator, Sequence

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
from celluloid import Camera  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402
from matplotlib.colors import to_hex, to_rgba  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402
from mpl_toolkits.mplot3d.art3d import Line3D, Line3DCollection  # noqa: E402

from monotext import MonoText  # noqa: E402
from runner import NEVER, Run  # noqa: E402
from scenes import Scene  # noqa: E402

VIEWS = ("3d", "contour", "both")
THEMES = ("light", "dark")
# Okabe-Ito: distinguishable with every common colour-vision deficiency; lines also
# differ by dash pattern and marker, so they survive greyscale printing.
COLORS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
DASHES = ("-", "--", "-.", ":")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "h")
TRAIL_POINTS = 600       # a trail keeps about this many points, plus its exact tip
FADE_FRAMES = 2          # a trail segment fades over this many frames ...
FADE_FLOOR = 0.5         # ... down to this opacity
GAP = 0.04               # between a legend label and the live column, in legend widths
WIDEST_NUMBER = "-1.23e-100"  # the widest text `_compact` gives

THEME_RC = {
    "light": {"figure.facecolor": "white", "axes.facecolor": "white", "text.color": "#1a1a1a",
              "axes.labelcolor": "#1a1a1a", "axes.edgecolor": "#444444", "xtick.color": "#333333",
              "ytick.color": "#333333", "grid.color": "#b0b0b0"},
    "dark": {"figure.facecolor": "#14171c", "axes.facecolor": "#14171c", "text.color": "#e8e8e8",
             "axes.labelcolor": "#e8e8e8", "axes.edgecolor": "#9a9a9a", "xtick.color": "#cfcfcf",
             "ytick.color": "#cfcfcf", "grid.color": "#5a5a5a"},
}
# Path simplification starts once a line has 128 points and then redraws its old part a
# little differently: a growing line must keep its old pixels for the GIF's differences.
STEADY_RC = {"path.simplify": False}


@dataclass(frozen=True)
class Style:
    """What the picture looks like, independent of the run."""
    width: int = 960
    height: int = 540
    dpi: int = 100
    theme: str = "light"
    view: str = "3d"
    mesh: int = 36
    orbit: float = 0.0  # degrees the 3-D view turns (azimuth) from the first frame to the last

    def __post_init__(self):
        if not math.isfinite(self.orbit):
            raise ValueError(f"orbit must be a finite number of degrees, got {self.orbit!r}")
        if self.theme not in THEMES:
            raise ValueError(f"theme must be one of {', '.join(THEMES)}, got {self.theme!r}")
        if self.view not in VIEWS:
            raise ValueError(f"view must be one of {', '.join(VIEWS)}, got {self.view!r}")

    @property
    def font_scale(self) -> float:
        """Text grows with the frame so that it stays legible at half size."""
        return float(np.clip(min(self.width / 960, self.height / 540), 0.55, 2.0))


def racer_style(racer_index: int, theme: str = "light") -> dict:
    color = COLORS[racer_index % len(COLORS)]
    if theme == "dark":  # dark blue and black vanish on dark slides: use sky blue and white
        color = {"#0072B2": "#56B4E9", "#56B4E9": "#0072B2", "#000000": "#F0F0F0"}.get(color, color)
    return dict(color=color, linestyle=DASHES[racer_index % len(DASHES)],
                marker=MARKERS[racer_index % len(MARKERS)])


def decimate(x: np.ndarray, y: np.ndarray, columns: int, x_max: float | None = None):
    """At most ~4 points per pixel column of a line whose x increases, keeping what shows.

    Columns split [x[0], x_max] into equal buckets (fixed by `x_max`, not by the length of
    the line, so a growing line keeps the same points frame after frame). Each bucket
    keeps its first, lowest, highest and last point; the very last point is always kept.
    """
    n = len(x)
    if n <= 4 * columns:
        return x, y
    x_max = x[-1] if x_max is None else x_max
    # Multiplying before dividing makes this floor(i * columns / n) exactly for integer x.
    bucket = np.minimum(((x - x[0]) * columns / max(x_max - x[0], 1e-300)).astype(np.int64), columns - 1)
    starts = np.flatnonzero(np.r_[True, bucket[1:] != bucket[:-1]])
    ends = np.r_[starts[1:], n] - 1
    keep = np.zeros(n, dtype=bool)
    keep[starts] = keep[ends] = True
    finite = np.isfinite(y)
    low = np.minimum.reduceat(np.where(finite, y, np.inf), starts)
    high = np.maximum.reduceat(np.where(finite, y, -np.inf), starts)
    per_point = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, n]))
    keep |= finite & ((y == low[per_point]) | (y == high[per_point]))
    return x[keep], y[keep]


class EpochLine:
    """One z-versus-epoch line, decimated once for the whole run, cut at any epoch.

    The same points as `decimate(epochs[:last + 1], values[:last + 1], columns, x_max=N)`,
    but complete columns are summarised once, so a frame costs its last column, not the
    number of epochs it shows.
    """

    def __init__(self, values: np.ndarray, columns: int):
        self.values, self.columns = values, columns
        self.n = len(values) - 1  # x runs over epochs 0..n
        self.dense = len(values) <= 4 * columns
        if self.dense:
            return
        # Column b holds the epochs i with i * columns // n == b (the last one also holds n).
        self.bucket_start = -((-np.arange(columns) * self.n) // columns)
        ends = np.append(self.bucket_start[1:], self.n + 1)
        kept = []
        for start, end in zip(self.bucket_start, ends):  # a loop over columns, not epochs
            segment = values[start:end]
            finite = np.isfinite(segment)
            keep = np.zeros(end - start, dtype=bool)
            keep[0] = keep[-1] = True
            if finite.any():
                low, high = segment[finite].min(), segment[finite].max()
                keep |= finite & ((segment == low) | (segment == high))
            kept.append(start + np.flatnonzero(keep))
        self.kept = np.concatenate(kept)

    def upto(self, last: int) -> tuple[np.ndarray, np.ndarray]:
        """Epochs and values of the line from epoch 0 to `last`, as drawn."""
        if self.dense:
            return np.arange(last + 1), self.values[: last + 1]
        start = self.bucket_start[min(last * self.columns // self.n, self.columns - 1)]
        before = self.kept[: np.searchsorted(self.kept, start, side="left")]
        tail_x, _ = decimate(np.arange(start, last + 1, dtype=float), self.values[start: last + 1], 1)
        index = np.concatenate([before, tail_x.astype(np.int64)])
        return index, self.values[index]


def transform_z(values, surface):
    """Values as plotted: clipped to the z-limits, and log10 for a log-scaled surface."""
    z0, z1 = surface.zlim
    clipped = np.clip(values, z0, z1)
    return np.log10(clipped) if surface.log_z else clipped


class Renderer:
    """Builds the static figure for a scene once, then yields one RGB frame per sampled epoch.

    Give it a `Run`, or a `Scene` now and the run later (`attach`): the static picture
    needs only the scene, so it can be drawn while the simulation is still running.
    """

    def __init__(self, subject: Run | Scene, style: Style = Style()):
        self.run = subject if isinstance(subject, Run) else None
        self.scene = subject.scene if isinstance(subject, Run) else subject
        self.style, self.surface = style, self.scene.surface
        self.labels = tuple(racer.name for racer in self.scene.racers)
        self.epochs = self.scene.epochs
        self.frame_epochs = self.scene.frame_epochs
        self.fs = 10.5 * style.font_scale
        self.stride = max(1, self.epochs // TRAIL_POINTS)
        self._epoch_lines: dict[tuple[int, int], EpochLine] = {}
        self._number_width_cache = None
        self._background = None
        with self._theme():
            self.fig = Figure(figsize=(style.width / style.dpi, style.height / style.dpi), dpi=style.dpi)
            self.canvas = FigureCanvasAgg(self.fig)
            self.camera = Camera(self.fig)
            self._build_static()
        # celluloid gives an artist created before the first snap() to frame 0; taking
        # that first snapshot now makes the static artists an explicit background.
        self.camera.snap()

    def attach(self, run: Run) -> None:
        """The run whose frames to draw (its scene must be this renderer's)."""
        self.run, self._epoch_lines, self._number_width_cache = run, {}, None

    @property
    def _orbiting(self) -> list:
        """The 3-D axes that turn from frame to frame (none without an orbit)."""
        return [ax for kind, ax in self.position_axes if kind == "3d"] if self.style.orbit else []

    def draw_background(self) -> None:
        """Draw the static picture once and keep its pixels (before any moving artist).

        A turning 3-D view is not part of it: each frame draws that view anew.
        """
        if self._background is None:
            with self._theme():
                for ax in self._orbiting:
                    ax.set_visible(False)
                self.canvas.draw()
                self._background = self.canvas.copy_from_bbox(self.fig.bbox)
                for ax in self._orbiting:
                    ax.set_visible(True)

    def _turn(self, frame_index: int, snap: list) -> None:
        """Draw each orbiting 3-D view, static part only, at this frame's azimuth."""
        elevation, azimuth = self.surface.view[:2]
        turned = azimuth + self.style.orbit * frame_index / max(len(self.frame_epochs) - 1, 1)
        for artist in snap:
            artist.set_visible(False)
        for ax in self._orbiting:
            ax.view_init(elevation, turned)
            self.fig.draw_artist(ax)
        for artist in snap:
            artist.set_visible(True)

    def _theme(self):
        return matplotlib.rc_context({**THEME_RC[self.style.theme], **STEADY_RC})

    # -- static picture ---------------------------------------------------------------
    def _layout(self) -> tuple[tuple, tuple, list[tuple[str, tuple]]]:
        """Axes rectangles (figure fractions): z plot, legend, and each position view."""
        style, wide = self.style, self.style.width / self.style.height > 1.2
        kinds = ["curve"] if self.surface.dim == 1 else \
            {"3d": ["3d"], "contour": ["contour"], "both": ["contour", "3d"]}[style.view]
        if wide:
            left = 0.27 if len(kinds) == 2 else 0.33
            # The legend sits above the z plot: with the live values near the top, where
            # runs start, a GIF frame's changed rectangle stays short in the early frames.
            z_rect, legend_rect = (0.09, 0.12, left - 0.005, 0.52), (0.01, 0.68, left + 0.07, 0.23)
            if len(kinds) == 2:
                rects = {"contour": (0.43, 0.12, 0.24, 0.76), "3d": (0.68, 0.07, 0.28, 0.84)}
            else:
                flat = (left + 0.16, 0.12, 0.80 - left, 0.76)
                rects = {"3d": (left + 0.1, 0.04, 0.9 - left, 0.88), "contour": flat, "curve": flat}
        else:
            z_rect, legend_rect = (0.11, 0.08, 0.40, 0.25), (0.55, 0.02, 0.45, 0.33)
            if len(kinds) == 2:
                rects = {"contour": (0.09, 0.45, 0.38, 0.45), "3d": (0.5, 0.38, 0.5, 0.56)}
            else:
                flat = (0.12, 0.45, 0.82, 0.45)
                rects = {"3d": (0.02, 0.37, 0.96, 0.57), "contour": flat, "curve": flat}
        return z_rect, legend_rect, [(kind, rects[kind]) for kind in kinds]

    def _build_static(self):
        fig = self.fig
        self._add_title(fig)
        z_rect, legend_rect, views = self._layout()
        self.ax_z = fig.add_axes(z_rect)
        self.ax_legend = fig.add_axes(legend_rect)
        self.ax_legend.set_axis_off()
        self.position_axes = []
        build = {"curve": self._build_curve, "contour": self._build_contour, "3d": self._build_3d}
        for kind, rect in views:
            ax = fig.add_axes(rect, **({"projection": "3d", "computed_zorder": False} if kind == "3d" else {}))
            build[kind](ax)
            self.position_axes.append((kind, ax))
        self._build_z_plot()
        self._build_legend()

    def _add_title(self, fig: Figure) -> None:
        """The scene's title (or the surface's name and description), made to fit the width:
        smaller, down to 70%, then cut with an ellipsis."""
        text = self.scene.title or f"{self.surface.name}: {self.surface.description}"
        title = fig.text(0.5, 0.985, text, ha="center", va="top", fontsize=self.fs * 1.3, weight="bold")
        layout, room = fig.canvas.get_renderer(), 0.97 * fig.bbox.width
        width = title.get_window_extent(layout).width
        if width > room:
            title.set_fontsize(self.fs * 1.3 * max(0.7, room / width))
        while title.get_window_extent(layout).width > room and len(text) > 1:
            text = text[:-1]
            title.set_text(text.rstrip(" ,;:—-") + "…")

    def _build_z_plot(self):
        ax, (z0, z1) = self.ax_z, self.surface.zlim
        ax.set_xlim(0, self.epochs)
        if self.surface.log_z:
            ax.set_yscale("log")
        ax.set_ylim(z0, z1)
        ax.set_xlabel("epoch", fontsize=self.fs)
        ax.set_ylabel("z" + (" (log scale)" if self.surface.log_z else ""), fontsize=self.fs, labelpad=1)
        ax.tick_params(labelsize=self.fs * 0.85)
        ax.grid(True, alpha=0.35)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
        ax.xaxis.get_major_locator().set_params(nbins=4)

    def _build_legend(self):
        ax, n = self.ax_legend, len(self.labels)
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        self.legend_rows = 0.86 - np.arange(n) * min(0.24, 0.76 / max(n - 1, 1))
        fs = self.fs * (0.95 if n <= 4 else 0.8)
        texts = []
        for r, label in enumerate(self.labels):
            st = racer_style(r, self.style.theme)
            y = self.legend_rows[r]
            ax.add_line(Line2D([0.05, 0.17], [y, y], linewidth=2, color=st["color"], linestyle=st["linestyle"]))
            ax.add_line(Line2D([0.11], [y], marker=st["marker"], markersize=fs * 0.7, color=st["color"],
                               markeredgecolor=self._edge))
            texts.append(ax.text(0.2, y, label, va="center", fontsize=fs))
        self._fit_labels(texts, fs)

    def _fit_labels(self, texts: list, fs: float) -> None:
        """Leave room right of the labels for the live column at its widest: smaller labels
        (down to 75%), then cut ones with an ellipsis. The column may use the free space
        between the legend and a view to its right."""
        ax, layout = self.ax_legend, self.canvas.get_renderer()
        box = ax.get_window_extent(layout)
        right = 0.995 * self.fig.bbox.width
        for _, view in self.position_axes:
            other = view.get_window_extent(layout)
            if other.x0 > box.x0 and other.y1 > box.y0 and other.y0 < box.y1:
                right = min(right, other.x0 - 4)
        self._column_limit = (right - box.x0) / box.width
        widest = ("median z = " if len(self.scene.starts) > 1 else "z = ") + WIDEST_NUMBER
        reserve = self._live_extent(widest) / box.width
        room = self._column_limit - reserve - GAP - 0.2

        def ends() -> list[float]:
            return [(t.get_window_extent(layout).x1 - box.x0) / box.width - 0.2 for t in texts]

        if texts and max(ends()) > room:
            for t in texts:
                t.set_fontsize(fs * max(0.75, room / max(ends())))
        for t, end in zip(texts, ends()):
            text = t.get_text()
            while end > room and len(text) > 1:
                text = text[:-1]
                t.set_text(text.rstrip(" ,=(") + "…")
                end = (t.get_window_extent(layout).x1 - box.x0) / box.width - 0.2
        self._labels_end = 0.2 + max(ends(), default=0)

    def _live_extent(self, text: str, **props) -> float:
        """The width in pixels of a live-column text."""
        props = {"size": self.fs * 0.9, "crisp": True, **props}
        return MonoText(0, 0, text, transform=None, **props).extent(self.style.dpi)[0]

    def _live_text(self, y: float, text: str, **props) -> None:
        """A text of the legend's live column: right-aligned at the legend's right edge, or
        further right (up to the next view) where the longest label would touch it."""
        artist = MonoText(0, y, text, transform=self.ax_legend.transAxes, ha="right", va="center",
                          **{"size": self.fs * 0.9, **props})
        width = artist.extent(self.style.dpi)[0] / self.ax_legend.get_window_extent().width
        artist.x = min(max(0.98, self._labels_end + GAP + width), self._column_limit)
        self.ax_legend.add_artist(artist)

    @property
    def _edge(self):
        return "black" if self.style.theme == "light" else "white"

    def _surface_grid(self, n):
        (x0, x1), (y0, y1) = self.surface.domain
        xs, ys = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
        with np.errstate(all="ignore"):
            zs = np.asarray(self.surface.f(np.stack([xs, ys])), dtype=float)
        return xs, ys, transform_z(np.nan_to_num(zs, nan=self.surface.zlim[1]), self.surface)

    def _zlim_plotted(self):
        z0, z1 = self.surface.zlim
        return (np.log10(z0), np.log10(z1)) if self.surface.log_z else (z0, z1)

    def _build_3d(self, ax):
        surface, fs = self.surface, self.fs
        xs, ys, zs = self._surface_grid(self.style.mesh)
        # Opaque faces tinted towards the background: translucent faces would show seams
        # where neighbours overlap, and the moving artists are blitted on top anyway.
        lo, hi = self._zlim_plotted()
        tint = matplotlib.colormaps["viridis"](np.clip((zs - lo) / (hi - lo), 0, 1))
        background = np.array(to_rgba(THEME_RC[self.style.theme]["axes.facecolor"]))
        faces = 0.5 * tint + 0.5 * background
        ax.plot_surface(xs, ys, zs, facecolors=faces, linewidth=0, edgecolor="none", antialiased=False,
                        shade=False, rcount=self.style.mesh, ccount=self.style.mesh)
        (x0, x1), (y0, y1) = surface.domain
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_zlim(*self._zlim_plotted())
        for name, axis in (("x", ax.xaxis), ("y", ax.yaxis), ("z", ax.zaxis)):
            axis.set_pane_color((1, 1, 1, 0) if self.style.theme == "dark" else (0.95, 0.95, 0.95, 1))
        ax.set_xlabel("x", fontsize=fs, labelpad=-2)
        ax.set_ylabel("y", fontsize=fs, labelpad=-2)
        ax.set_zlabel("log₁₀ z" if surface.log_z else "z", fontsize=fs, labelpad=-1)
        ax.tick_params(labelsize=fs * 0.8, pad=0)
        for axis in (ax.xaxis, ax.yaxis, ax.zaxis):
            axis.get_major_locator().set_params(nbins=5)
        ax.grid(False)
        ax.view_init(*surface.view)
        self._mark_starts_and_minima(ax, three_d=True)

    def _build_contour(self, ax):
        xs, ys, zs = self._surface_grid(120)
        ax.contourf(xs, ys, zs, levels=14, cmap="viridis", alpha=0.55)
        ax.contour(xs, ys, zs, levels=14, colors=self._edge, linewidths=0.4, alpha=0.35)
        (x0, x1), (y0, y1) = self.surface.domain
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_xlabel("x", fontsize=self.fs)
        ax.set_ylabel("y", fontsize=self.fs)
        ax.tick_params(labelsize=self.fs * 0.85)
        ax.set_aspect("auto")
        self._mark_starts_and_minima(ax, three_d=False)

    def _build_curve(self, ax):
        (x0, x1), = self.surface.domain
        xs = np.linspace(x0, x1, 400)
        with np.errstate(all="ignore"):
            ys = np.asarray(self.surface.f(xs[None, :]), dtype=float)
        ax.plot(xs, transform_z(ys, self.surface), color=self._edge, linewidth=1.5, alpha=0.7)
        ax.set_xlim(x0, x1)
        ax.set_ylim(*self._zlim_plotted())
        ax.set_xlabel("θ", fontsize=self.fs)
        ax.set_ylabel("log₁₀ f(θ)" if self.surface.log_z else "f(θ)", fontsize=self.fs)
        ax.tick_params(labelsize=self.fs * 0.85)
        ax.grid(True, alpha=0.35)
        self._mark_starts_and_minima(ax, three_d=False)

    def _mark_starts_and_minima(self, ax, three_d: bool):
        surface = self.surface
        for point, kind in [(p, "start") for p in self.scene.starts] + [(m, "min") for m in surface.minima]:
            point = np.asarray(point, dtype=float)
            with np.errstate(all="ignore"):
                z = float(transform_z(surface.f(point), surface))
            start_size = 7 if len(self.scene.starts) <= 4 else 3.5  # a grid of starts must not hide the view
            marker = dict(marker="o", markersize=start_size, markerfacecolor="white", markeredgecolor="black",
                          markeredgewidth=1 if start_size > 4 else 0.6) \
                if kind == "start" else dict(marker="*", markersize=14, color="gold", markeredgecolor="black")
            coords = ([point[0]], [point[1]], [z]) if three_d else \
                (([point[0]], [z]) if surface.dim == 1 else ([point[0]], [point[1]]))
            ax.plot(*coords, linestyle="", zorder=6, **marker)

    # -- frames -------------------------------------------------------------------------
    def _trail_pieces(self, last: int) -> list[tuple[np.ndarray, float]]:
        """The trail up to epoch `last` as pieces (epoch indices, opacity), oldest first.

        A piece per frame interval over the last FADE_FRAMES frames, fading with its age in
        frames, and one piece for everything older at FADE_FLOOR. Points sit on multiples
        of the stride (plus the piece ends), so old pieces do not change between frames.
        """
        frame_epochs, k = self.frame_epochs, self._frame_index
        first = max(0, k - FADE_FRAMES)
        pieces = [(0, frame_epochs[first], k - first)]
        pieces += [(frame_epochs[j - 1], frame_epochs[j] if j < k else last, k - j) for j in range(first + 1, k + 1)]
        out = []
        for start, end, age in pieces:
            end = min(end, last)
            if end <= start:
                continue
            inner = np.arange((start // self.stride + 1) * self.stride, end, self.stride)
            alpha = float(np.clip(1.0 - age * (1.0 - FADE_FLOOR) / FADE_FRAMES, FADE_FLOOR, 1.0))
            out.append((np.concatenate([[start], inner, [end]]), alpha))
        return out

    def _epoch_line(self, r: int, s: int) -> EpochLine:
        key = (r, s)
        if key not in self._epoch_lines:
            self._epoch_lines[key] = EpochLine(self.run.values[:, r, s], int(self.style.width * 0.35))
        return self._epoch_lines[key]

    def _snap_frame(self, frame_index: int, epoch: int) -> list:
        self._frame_index = frame_index
        run, surface, fs = self.run, self.surface, self.fs
        notes = []
        multi = run.positions.shape[2] > 1
        for r in range(len(run.labels)):
            st = racer_style(r, self.style.theme)
            for s in range(run.positions.shape[2]):
                diverged = run.diverged_at[r, s]
                last = epoch if diverged == NEVER or diverged > epoch else diverged - 1
                self._add_line("z", self.ax_z, self._epoch_line(r, s).upto(last),
                               color=st["color"], linestyle=st["linestyle"],
                               linewidth=1.2 if multi else 1.8, alpha=0.7 if multi else 1.0)
                pieces = [(run.positions[index, r, s], transform_z(run.values[index, r, s], surface), alpha)
                          for index, alpha in self._trail_pieces(last)]
                if pieces:
                    for kind, ax in self.position_axes:
                        self._draw_trail(kind, ax, pieces, st)
                if last == epoch:
                    tip, z_tip = run.positions[epoch, r, s], transform_z(run.values[epoch, r, s], surface)
                    for kind, ax in self.position_axes:
                        self._draw_tip(kind, ax, tip, z_tip, st)
                elif not multi:
                    notes.append((r, diverged))
            self._live_value(r, epoch, st, notes)
        background = to_rgba(THEME_RC[self.style.theme]["axes.facecolor"], 0.85)
        # The count right-aligned in a field as wide as it gets: the word stays put.
        counter = f"epoch {epoch:>{len(f'{self.frame_epochs[-1]:,}')},}"
        self.ax_z.add_artist(MonoText(0.97, 0.95, counter, transform=self.ax_z.transAxes, ha="right",
                                      va="top", size=fs, color=THEME_RC[self.style.theme]["text.color"],
                                      background=background, crisp=True))
        return self.camera.snap()

    @staticmethod
    def _coords(kind, path, z):
        if kind == "3d":
            return path[..., 0], path[..., 1], z
        return (path[..., 0], z) if kind == "curve" else (path[..., 0], path[..., 1])

    def _add_line(self, kind, ax, coords, **props):
        """A moving line, added without ax.plot's autoscaling and property cycling."""
        if kind == "3d":
            line = Line3D(*coords, axlim_clip=True, **props)
        else:
            line = Line2D(*coords, **props)
        ax.add_artist(line)

    def _draw_trail(self, kind, ax, pieces, st):
        """A trail as one collection: a polyline per piece, each with its own opacity.

        With many starts the trails are thinner and fainter, so that they do not hide the view.
        """
        many = len(self.scene.starts) > 4
        rgb = to_rgba(st["color"])[:3]
        colors = [(*rgb, alpha * (0.6 if many else 1.0)) for _, _, alpha in pieces]
        segments = [np.column_stack(self._coords(kind, path, z)) for path, z, _ in pieces]
        width = 1.2 if many else 1.8
        if kind == "3d":
            trail = Line3DCollection(segments, colors=colors, linewidths=width, linestyles=st["linestyle"],
                                     axlim_clip=True)
        else:
            trail = LineCollection(segments, colors=colors, linewidths=width, linestyles=st["linestyle"])
        ax.add_collection(trail, autolim=False)

    def _draw_tip(self, kind, ax, tip, z, st):
        """The racer's marker; hollow, on the edge of the view, once it has left the domain.

        (A height beyond the z-limits is not "left": the surface is cut there too, and the
        marker sits on the cut.)
        """
        low, high = np.array(self.surface.domain, dtype=float).T
        inside = np.clip(tip, low, high)
        outside = not np.array_equal(inside, tip)
        self._add_line(kind, ax, [np.atleast_1d(c) for c in self._coords(kind, inside, z)],
                       marker=st["marker"], markersize=8.5, color=st["color"], linestyle="",
                       **(dict(markerfacecolor="none", markeredgewidth=1.6) if outside
                          else dict(markeredgecolor=self._edge)))

    def _live_number(self, r: int, epoch: int) -> str | None:
        """Racer r's z at `epoch` as the legend shows it (a median over several starts),
        or None once every start has diverged."""
        diverged = self.run.diverged_at[r]
        values = self.run.values[epoch, r][(diverged == NEVER) | (diverged > epoch)]
        if not len(values):
            return None
        return _compact(values[0] if len(diverged) == 1 else np.median(values))

    def _number_width(self) -> int:
        """The widest live number of the run: the live column is laid out for it."""
        if self._number_width_cache is None:
            self._number_width_cache = max((len(text) for r in range(len(self.labels)) for epoch in self.frame_epochs
                                            if (text := self._live_number(r, epoch)) is not None), default=0)
        return self._number_width_cache

    def _live_value(self, r, epoch, st, notes):
        """The legend's live column: this racer's z now, or when it diverged."""
        y = self.legend_rows[r]
        if notes and notes[-1][0] == r:
            self._live_text(y, f"diverged at epoch {notes[-1][1]:,}", size=self.fs * 0.85, color="white",
                            weight="bold", background=to_rgba(st["color"], 0.95), crisp=False)
            return
        number = self._live_number(r, epoch)
        if number is None:
            return
        name = "z" if len(self.scene.starts) == 1 else "median z"
        # Left-aligned in a column as wide as the widest number: "z =" never moves.
        text = f"{name} = {number:<{self._number_width()}}"
        self._live_text(y, text, color=st["color"], crisp=True)

    def frames(self, progress: Callable[[int], None] | None = None,
               indices: Sequence[int] | None = None) -> Iterator[np.ndarray]:
        """Yield frames (height, width, 3) uint8, all or only those at `indices`."""
        if self.run is None:
            raise ValueError("no run to draw: Renderer(run) or attach(run) first")
        indices = range(len(self.frame_epochs)) if indices is None else indices
        self.draw_background()
        with self._theme():
            for i in indices:
                snap = self._snap_frame(i, self.frame_epochs[i])
                self.canvas.restore_region(self._background)
                if self._orbiting:
                    self._turn(i, snap)
                for artist in snap:
                    if hasattr(artist, "do_3d_projection"):
                        artist.do_3d_projection()
                    artist.axes.draw_artist(artist)
                    artist.remove()  # drawn: the figure keeps only its static artists
                # A fresh camera, its first snapshot the static picture again, so that
                # the next snapshot's cost does not grow with the frames already drawn.
                self.camera = Camera(self.fig)
                self.camera.snap()
                yield np.asarray(self.canvas.buffer_rgba())[:, :, :3].copy()
                if progress is not None:
                    progress(1)

    def overview(self) -> np.ndarray:
        """A still: the whole trails on a contour map (the curve in 1-D), for print."""
        with self._theme():
            fig = Figure(figsize=self.fig.get_size_inches(), dpi=self.style.dpi)
            canvas = FigureCanvasAgg(fig)
            self._add_title(fig)
            ax = fig.add_axes((0.08, 0.1, 0.62, 0.8))
            (self._build_curve if self.surface.dim == 1 else self._build_contour)(ax)
            self._frame_index = len(self.frame_epochs) + FADE_FRAMES
            handles = []
            for r, label in enumerate(self.run.labels):
                st = racer_style(r, self.style.theme)
                for s in range(self.run.positions.shape[2]):
                    diverged = self.run.diverged_at[r, s]
                    last = self.run.epochs if diverged == NEVER else diverged - 1
                    index = np.unique(np.append(np.arange(0, last + 1, self.stride), last))
                    path = self.run.positions[index, r, s]
                    y = transform_z(self.run.values[index, r, s], self.surface) if self.surface.dim == 1 else path[:, 1]
                    ax.plot(path[:, 0], y, color=st["color"], linestyle=st["linestyle"], linewidth=1.8)
                    ax.plot([path[-1, 0]], [y[-1]], marker=st["marker"], color=st["color"],
                            markeredgecolor=self._edge, linestyle="", markersize=8)
                note = _divergence_note(self.run, r)
                handles.append(Line2D([], [], markersize=7, markeredgecolor=self._edge, label=label + note, **st))
            fig.legend(handles=handles, loc="center left", bbox_to_anchor=(0.71, 0.5), fontsize=self.fs * 0.9,
                       frameon=False)
            canvas.draw()
        return np.asarray(canvas.buffer_rgba())[:, :, :3].copy()


def _divergence_note(run: Run, r: int) -> str:
    diverged = run.diverged_at[r]
    hit = diverged[diverged != NEVER]
    if not len(hit):
        return ""
    return f" (diverged at epoch {int(hit.min()):,})" if len(diverged) == 1 else f" ({len(hit)} diverged)"


def _compact(value: float) -> str:
    """A live value for the legend: three significant digits, whole numbers up to 99,999."""
    value = float(value)
    if value == 0:
        return "0"
    rounded = float(f"{value:.3g}")
    if 1e-3 <= abs(rounded) < 1e3:
        return f"{rounded:.3g}"
    if 1e3 <= abs(rounded) < 1e5:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def key_colors(style: Style, n_racers: int) -> list[str]:
    """Colours that must survive palette reduction exactly: racers, text, background, and
    the greys of antialiased text (else its edges may take a tint from the surface)."""
    rc = THEME_RC[style.theme]
    colors = [racer_style(r, style.theme)["color"] for r in range(n_racers)]
    paper, ink = np.array(to_rgba(rc["figure.facecolor"])[:3]), np.array(to_rgba(rc["xtick.color"])[:3])
    greys = [tuple(share * ink + (1 - share) * paper) for share in np.arange(1, 8) / 8]
    return [to_hex(c) for c in colors + [rc["figure.facecolor"], rc["text.color"], "black", "white"] + greys]


def render_frames(run: Run, style: Style, jobs: int = 1, progress: Callable[[int], None] | None = None,
                  indices: Sequence[int] | None = None) -> list[np.ndarray]:
    """The frames of a run (all, or those at `indices`), in up to `jobs` processes."""
    with FramePool(run.scene, style, jobs) as pool:
        return pool.render(run, progress=progress, indices=indices)


class FramePool:
    """Processes that draw a scene's static picture at once, then frames when a run comes.

    Started before the simulation, each forked process builds and draws the figure while
    the simulation runs; `render(run)` then sends each the run and a contiguous share of
    the frames. A run too big to send cheaply (over EAGER_LIMIT numbers) is not sent: the
    processes start only when it is done, and inherit it. Every process draws the same
    figure, so the pixels, and the file bytes, do not depend on `jobs`. With one job, or
    without `fork`, everything happens in this process.
    """

    EAGER_LIMIT = 1_000_000

    def __init__(self, scene: Scene, style: Style, jobs: int = 1):
        self.scene, self.style, self.workers = scene, style, []
        self.jobs = max(1, min(jobs, len(scene.frame_epochs) // 8))
        if "fork" not in multiprocessing.get_all_start_methods():
            self.jobs = 1
        numbers = (scene.epochs + 1) * len(scene.racers) * len(scene.starts) * (scene.surface.dim + 1)
        self.send_run = numbers <= self.EAGER_LIMIT
        if self.jobs > 1 and self.send_run:
            self._start(scene)

    def _start(self, subject: Scene | Run) -> None:
        context = multiprocessing.get_context("fork")
        try:
            for _ in range(self.jobs):
                parent_end, child_end = context.Pipe()
                parent_ends = [connection for _, connection in self.workers] + [parent_end]
                process = context.Process(target=_frame_worker, args=(subject, self.style, child_end, parent_ends),
                                          daemon=True)
                process.start()
                child_end.close()
                self.workers.append((process, parent_end))
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> "FramePool":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def render(self, run: Run, progress: Callable[[int], None] | None = None,
               indices: Sequence[int] | None = None) -> list[np.ndarray]:
        indices = list(range(len(run.scene.frame_epochs)) if indices is None else indices)
        if self.jobs == 1:
            return list(Renderer(run, self.style).frames(progress=progress, indices=indices))
        if not self.workers:
            self._start(run)  # they inherit the run
        arrays = (run.positions, run.values, run.diverged_at) if self.send_run else None
        chunks = np.array_split(np.array(indices, dtype=int), len(self.workers))
        for (_, connection), chunk in zip(self.workers, chunks):
            connection.send((arrays, chunk.tolist()))
        # Read whichever process has a frame ready: a pipe holds less than one frame, so
        # reading the processes one after the other would make them take turns.
        shares = {connection: [] for _, connection in self.workers}
        expected = {connection: len(chunk) for (_, connection), chunk in zip(self.workers, chunks)}
        pending = [connection for connection in shares if expected[connection]]
        while pending:
            for connection in multiprocessing.connection.wait(pending):
                try:
                    message = connection.recv_bytes()
                except EOFError:
                    raise RuntimeError("a render process died without a frame") from None
                if message.startswith(b"ERROR:"):
                    raise RuntimeError(f"a render process failed: {message[6:].decode(errors='replace')}")
                height, width = np.frombuffer(message[:8], dtype=np.int32)
                shares[connection].append(np.frombuffer(message, dtype=np.uint8, offset=8).reshape(height, width, 3))
                if len(shares[connection]) == expected[connection]:
                    pending.remove(connection)
                if progress is not None:
                    progress(1)
        return [frame for _, connection in self.workers for frame in shares[connection]]

    def close(self) -> None:
        for process, connection in self.workers:
            with contextlib.suppress(OSError):
                connection.close()
            if process.is_alive():
                process.terminate()
            process.join()
        self.workers = []


def _frame_worker(subject: Scene | Run, style: Style, connection, parent_ends) -> None:
    """In a forked process: draw the static picture, then frames for each run sent.

    It ends when the parent closes its end of the pipe, or exits in any way: the parent's
    ends copied into this process by fork are closed first, so that the pipe can close.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops us
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    with contextlib.suppress(OSError):
        os.nice(5)  # the static picture is drawn while the parent simulates: let that go first
    for end in parent_ends:
        end.close()
    try:
        picture = Renderer(subject, style)
        picture.draw_background()
        while True:
            arrays, indices = connection.recv()
            if arrays is not None:
                positions, values, diverged_at = arrays
                picture.attach(Run(scene=picture.scene, labels=picture.labels, positions=positions,
                                   values=values, diverged_at=diverged_at))
            for frame in picture.frames(indices=indices):
                header = np.array(frame.shape[:2], dtype=np.int32).tobytes()
                connection.send_bytes(header + frame.tobytes())
    except EOFError:  # the parent is done with us
        pass
    except BaseException as error:  # report to the parent; a traceback here helps no user
        with contextlib.suppress(OSError):
            connection.send_bytes(f"ERROR:{error.__class__.__name__}: {error}".encode())
    finally:
        os._exit(0)
