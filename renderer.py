"""Frames from a recorded run: a 3-D position view beside a z-value-versus-epoch plot.

celluloid's `Camera` captures the frames: each frame's moving artists (trails, current
positions, z lines, the epoch counter) are created and `snap()`ped. The static picture
(surface, axes, ticks, legend, start and minimum markers) is drawn once; each frame
restores that background and draws only its own artists on top (blitting), so nothing is
drawn twice and the markers are never hidden behind the surface.

Nothing here computes optimizer math: positions and values come from the `Run`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterator

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
from celluloid import Camera  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

from runner import NEVER, Run  # noqa: E402

# Okabe-Ito: distinguishable with every common colour-vision deficiency; lines also
# differ by dash pattern and marker, so they survive greyscale printing.
COLORS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
DASHES = ("-", "--", "-.", ":")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "h")


@dataclass(frozen=True)
class Style:
    """What the picture looks like, independent of the run."""
    width: int = 960
    height: int = 540
    dpi: int = 100
    mesh: int = 40


def style_of(racer_index: int) -> dict:
    return dict(color=COLORS[racer_index % len(COLORS)],
                linestyle=DASHES[racer_index % len(DASHES)],
                marker=MARKERS[racer_index % len(MARKERS)])


def decimate(x: np.ndarray, y: np.ndarray, columns: int) -> tuple[np.ndarray, np.ndarray]:
    """At most ~4 points per pixel column of a line sorted by x, keeping what shows.

    For each of `columns` equal-width buckets of x, keeps the first, lowest, highest and
    last point, in x order; the very last point is always kept exactly.
    """
    n = len(x)
    if n <= 4 * columns:
        return x, y
    edges = np.linspace(0, n, columns + 1).astype(int)
    keep = np.zeros(n, dtype=bool)
    keep[edges[:-1]] = True
    keep[np.maximum(edges[1:] - 1, 0)] = True
    starts = edges[:-1]
    # Per-bucket argmin/argmax with NaNs treated as missing.
    filled_low = np.where(np.isnan(y), np.inf, y)
    filled_high = np.where(np.isnan(y), -np.inf, y)
    low = np.minimum.reduceat(filled_low, starts)
    high = np.maximum.reduceat(filled_high, starts)
    bucket = np.repeat(np.arange(columns), np.diff(edges))
    keep |= filled_low == low[bucket]
    keep |= filled_high == high[bucket]
    # Ties can keep many equal points in a flat bucket; that only costs, never hides.
    return x[keep], y[keep]


class Renderer:
    """Builds the figure for a run once, then yields one RGB frame per sampled epoch."""

    def __init__(self, run: Run, style: Style = Style()):
        self.run, self.style = run, style
        scene = run.scene
        self.surface = scene.surface
        self.frame_epochs = scene.frame_epochs
        self.fig = Figure(figsize=(style.width / style.dpi, style.height / style.dpi), dpi=style.dpi)
        self.canvas = FigureCanvasAgg(self.fig)
        self.camera = Camera(self.fig)
        self._build_static()
        # celluloid gives an artist created before the first snap() to frame 0; taking
        # that first snapshot now makes the static artists an explicit background.
        self.background_artists = self.camera.snap()
        self._snaps: list[list] = []

    # -- static picture ---------------------------------------------------------------
    def _build_static(self):
        fig, run, surface = self.fig, self.run, self.surface
        title = run.scene.title or f"{surface.name}: {surface.description}"
        fig.text(0.5, 0.975, title, ha="center", va="top", fontsize=13, weight="bold")
        self.ax_z = fig.add_axes((0.075, 0.25, 0.33, 0.62))
        self.ax_3d = fig.add_axes((0.43, 0.07, 0.56, 0.86), projection="3d", computed_zorder=False)
        self._build_z_plot()
        self._build_3d_view()
        handles = [Line2D([], [], markersize=6, **style_of(r)) for r in range(len(run.labels))]
        fig.legend(handles, run.labels, loc="lower left", bbox_to_anchor=(0.02, 0.005),
                   ncols=1 if len(handles) > 4 else min(2, len(handles)), fontsize=10,
                   frameon=False, handlelength=2.6)

    def _build_z_plot(self):
        ax, zlim = self.ax_z, self.surface.zlim
        ax.set_xlim(0, self.run.epochs)
        ax.set_ylim(*zlim)
        ax.set_xlabel("epoch")
        ax.set_ylabel("z")
        ax.set_title("z value", fontsize=11)
        ax.grid(True, alpha=0.3)
        ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))

    def _build_3d_view(self):
        ax, surface = self.ax_3d, self.surface
        (x0, x1), (y0, y1) = surface.domain
        z0, z1 = surface.zlim
        xs, ys = np.meshgrid(np.linspace(x0, x1, self.style.mesh), np.linspace(y0, y1, self.style.mesh))
        zs = np.clip(np.asarray(surface.f(np.stack([xs, ys])), dtype=float), z0, z1)
        ax.plot_surface(xs, ys, zs, cmap="viridis", alpha=0.45, linewidth=0,
                        antialiased=False, rcount=self.style.mesh, ccount=self.style.mesh)
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_zlim(z0, z1)
        ax.set_xlabel("x")
        ax.set_ylabel("y")
        ax.set_zlabel("z")
        ax.view_init(*surface.view)
        for start in self.run.scene.starts:
            z = float(surface.f(start))
            ax.plot([start[0]], [start[1]], [np.clip(z, z0, z1)], marker="o", markersize=7,
                    markerfacecolor="white", markeredgecolor="black", linestyle="", zorder=5)
        for minimum in surface.minima:
            ax.plot([minimum[0]], [minimum[1]], [np.clip(float(surface.f(np.array(minimum))), z0, z1)],
                    marker="*", markersize=13, color="gold", markeredgecolor="black", linestyle="",
                    zorder=5)

    # -- frames -------------------------------------------------------------------------
    def _snap_frame(self, epoch: int):
        run, ax_z, ax_3d = self.run, self.ax_z, self.ax_3d
        z0, z1 = self.surface.zlim
        columns = int(self.style.width * 0.33)
        epochs = np.arange(epoch + 1)
        notes = []
        for r in range(len(run.labels)):
            st = style_of(r)
            for s in range(run.positions.shape[2]):
                diverged = run.diverged_at[r, s]
                last = epoch if diverged == NEVER or diverged > epoch else diverged - 1
                values = run.values[: last + 1, r, s]
                path = run.positions[: last + 1, r, s]
                ax_z.plot(*decimate(epochs[: last + 1], values, columns), color=st["color"],
                          linestyle=st["linestyle"], linewidth=1.8)
                ax_3d.plot(path[:, 0], path[:, 1], np.clip(values, z0, z1), color=st["color"],
                           linestyle=st["linestyle"], linewidth=1.5, alpha=0.9, axlim_clip=True)
                if last == epoch:
                    ax_3d.plot([path[-1, 0]], [path[-1, 1]], [values[-1]], marker=st["marker"],
                               markersize=8, color=st["color"], markeredgecolor="black",
                               linestyle="", axlim_clip=True)
                elif s == 0:
                    notes.append((f"{run.labels[r]} diverged at epoch {diverged:,}", st["color"]))
        ax_z.text(0.98, 0.96, f"epoch {epoch:,}", transform=ax_z.transAxes, ha="right", va="top",
                  fontsize=11, family="monospace",
                  bbox=dict(boxstyle="round,pad=0.25", facecolor="white", alpha=0.8, linewidth=0))
        for i, (note, color) in enumerate(notes):
            ax_z.text(0.02, 0.04 + 0.07 * i, note, transform=ax_z.transAxes, color=color,
                      fontsize=9, weight="bold")
        self._snaps.append(self.camera.snap())

    def frames(self, progress: Callable[[int], None] | None = None) -> Iterator[np.ndarray]:
        """Yield each frame as an (height, width, 3) uint8 array."""
        for epoch in self.frame_epochs:
            self._snap_frame(epoch)
        moving = [artist for snap in self._snaps for artist in snap]
        for artist in moving:
            artist.set_visible(False)
        self.canvas.draw()
        background = self.canvas.copy_from_bbox(self.fig.bbox)
        for snap in self._snaps:
            self.canvas.restore_region(background)
            for artist in snap:
                artist.set_visible(True)
                artist.axes.draw_artist(artist)
                artist.set_visible(False)
            yield np.asarray(self.canvas.buffer_rgba())[:, :, :3].copy()
            if progress is not None:
                progress(1)
