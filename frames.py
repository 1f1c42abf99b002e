"""The moving part of each frame, drawn over the static picture (blitting).

Each frame's moving artists (trails, current positions, z lines, live values, the epoch
counter) are created and captured with celluloid's `Camera.snap()`; the frame restores
the static picture's pixels and draws only those artists on top, then they leave the
figure. Nothing is drawn twice, markers are never hidden behind the surface, and a frame
does not depend on the frames drawn before it (so any process may draw any frame).

Long runs cost what their frames cost, not their epochs: z lines keep the extremes of
each pixel column and trails a fixed subsample, both with the moving tip exact, and both
stable from frame to frame. Positions and values come from the `Tracks` as recorded.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

import numpy as np
from celluloid import Camera
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgba
from matplotlib.lines import Line2D
from mpl_toolkits.mplot3d.art3d import Line3D, Line3DCollection
from PIL import Image

import layout
from lines import EpochLine
from monotext import MonoText
from picture import LIVE_SIZE, Picture
from runner import NEVER, Tracks
from stage import Stage
from style import Style, racer_style

TRAIL_POINTS = 600       # a trail keeps about this many points, plus its exact tip
FADE_FRAMES = 2          # a trail segment fades over this many frames ...
FADE_FLOOR = 0.5         # ... down to this opacity


class FrameDrawer:
    """Draws the frames of a run over a scene's `Picture`.

    Build it from the stage alone, so that the static picture can be drawn before the
    run exists (`Picture(...).background()`), then `attach` the run's tracks.
    """

    def __init__(self, stage: Stage, style: Style = Style(), tracks: Tracks | None = None,
                 frame_epochs: Sequence[int] = ()):
        self.stage, self.style = stage, style
        self.picture = Picture(stage, style)
        self.stride = max(1, stage.epochs // TRAIL_POINTS)
        self.attach(tracks, frame_epochs)

    def attach(self, tracks: Tracks | None, frame_epochs: Sequence[int]) -> None:
        """The run whose frames to draw (its scene must be this drawer's), and the epochs
        its frames show."""
        self.tracks, self.frame_epochs = tracks, tuple(frame_epochs)
        self._epoch_lines, self._number_width = {}, None

    # -- a frame's artists ----------------------------------------------------------------
    def artists(self, index: int) -> list:
        """The moving artists of frame `index`, added to the figure, not yet drawn.

        (Public for inspection: what a frame shows, artist by artist.)
        """
        with self.picture.theme():
            return self._artists(index)

    def _artists(self, index: int) -> list:
        if self.tracks is None:
            raise ValueError("no run to draw: FrameDrawer(stage, style, tracks) or attach(tracks) first")
        camera = Camera(self.picture.fig)
        camera.snap()  # the static picture: the next snapshot holds only this frame's artists
        self._add_frame_artists(index, self.frame_epochs[index])
        return camera.snap()

    def frames(self, indices: Sequence[int] | None = None,
               progress: Callable[[int], None] | None = None) -> Iterator[np.ndarray]:
        """Yield frames (height, width, 3) uint8, all or only those at `indices`."""
        indices = range(len(self.frame_epochs)) if indices is None else indices
        picture = self.picture
        background = picture.background()
        for i in indices:
            with picture.theme():
                drawn = self._artists(i)
                picture.canvas.restore_region(background)
                if picture.orbiting:
                    self._turn(i, drawn)
                for artist in drawn:
                    if hasattr(artist, "do_3d_projection"):
                        artist.do_3d_projection()
                    artist.axes.draw_artist(artist)
                    artist.remove()  # drawn: the figure keeps only its static artists
                # (Pillow drops the alpha channel three times faster than numpy's strided copy)
                frame = np.asarray(Image.fromarray(np.asarray(picture.canvas.buffer_rgba())).convert("RGB"))
            yield frame
            if progress is not None:
                progress(1)

    def _turn(self, frame_index: int, drawn: list) -> None:
        """Draw each orbiting 3-D view, static part only, at this frame's azimuth."""
        elevation, azimuth = self.stage.camera
        turned = azimuth + self.style.orbit * frame_index / max(len(self.frame_epochs) - 1, 1)
        for artist in drawn:
            artist.set_visible(False)
        for ax in self.picture.orbiting:
            ax.view_init(elevation, turned)
            self.picture.fig.draw_artist(ax)
        for artist in drawn:
            artist.set_visible(True)

    def _add_frame_artists(self, frame_index: int, epoch: int) -> None:
        tracks, stage, picture = self.tracks, self.stage, self.picture
        notes = []
        multi = stage.n_starts > 1
        for r in range(len(stage.labels)):
            st = racer_style(r, self.style.theme)
            for s in range(stage.n_starts):
                diverged = tracks.diverged_at[r, s]
                last = epoch if diverged == NEVER or diverged > epoch else diverged - 1
                self._add_line("z", picture.ax_z, self._epoch_line(r, s).upto(last),
                               color=st["color"], linestyle=st["linestyle"],
                               linewidth=1.2 if multi else 1.8, alpha=0.7 if multi else 1.0)
                pieces = [(tracks.positions[index, r, s], stage.plotted(tracks.values[index, r, s]), alpha)
                          for index, alpha in self._trail_pieces(frame_index, last)]
                if pieces:
                    for kind, ax in picture.position_axes:
                        self._draw_trail(kind, ax, pieces, st)
                if last == epoch:
                    tip, z_tip = tracks.positions[epoch, r, s], stage.plotted(tracks.values[epoch, r, s])
                    for kind, ax in picture.position_axes:
                        self._draw_tip(kind, ax, tip, z_tip, st)
                elif not multi:
                    notes.append((r, diverged))
            self._live_value(r, epoch, st, notes)
        background = to_rgba(self.style.paper, 0.85)
        # The count right-aligned in a field as wide as it gets: the word stays put.
        counter = f"epoch {epoch:>{len(f'{self.frame_epochs[-1]:,}')},}"
        picture.ax_z.add_artist(MonoText(0.97, 0.95, counter, transform=picture.ax_z.transAxes, ha="right",
                                         va="top", size=picture.fs, color=self.style.ink,
                                         background=background, crisp=True))

    def _trail_pieces(self, frame_index: int, last: int) -> list[tuple[np.ndarray, float]]:
        """The trail up to epoch `last` as pieces (epoch indices, opacity), oldest first.

        A piece per frame interval over the last FADE_FRAMES frames, fading with its age in
        frames, and one piece for everything older at FADE_FLOOR. Points sit on multiples
        of the stride (plus the piece ends), so old pieces do not change between frames.
        """
        frame_epochs, k = self.frame_epochs, frame_index
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
            self._epoch_lines[key] = EpochLine(self.tracks.values[:, r, s], int(self.style.width * 0.35))
        return self._epoch_lines[key]

    @staticmethod
    def _coords(kind, path, z):
        if kind == "3d":
            return path[..., 0], path[..., 1], z
        return (path[..., 0], z) if kind == "curve" else (path[..., 0], path[..., 1])

    @staticmethod
    def _add_line(kind, ax, coords, **props):
        """A moving line, added without ax.plot's autoscaling and property cycling."""
        ax.add_artist(Line3D(*coords, axlim_clip=True, **props) if kind == "3d" else Line2D(*coords, **props))

    def _draw_trail(self, kind, ax, pieces, st):
        """A trail as one collection: a polyline per piece, each with its own opacity.

        With many starts the trails are thinner and fainter, so that they do not hide the view.
        """
        many = self.stage.n_starts > 4
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
        low, high = np.array(self.stage.domain, dtype=float).T
        inside = np.clip(tip, low, high)
        outside = not np.array_equal(inside, tip)
        self._add_line(kind, ax, [np.atleast_1d(c) for c in self._coords(kind, inside, z)],
                       marker=st["marker"], markersize=8.5, color=st["color"], linestyle="",
                       **(dict(markerfacecolor="none", markeredgewidth=1.6) if outside
                          else dict(markeredgecolor=self.style.edge)))

    # -- the legend's live column ---------------------------------------------------------
    def _live_number(self, r: int, epoch: int) -> str | None:
        """Racer r's z at `epoch` as the legend shows it (a median over several starts),
        or None once every start has diverged."""
        diverged = self.tracks.diverged_at[r]
        values = self.tracks.values[epoch, r][(diverged == NEVER) | (diverged > epoch)]
        if not len(values):
            return None
        return compact(values[0] if len(diverged) == 1 else np.median(values))

    def _widest_number(self) -> int:
        """The widest live number of the run: the live column is laid out for it."""
        if self._number_width is None:
            self._number_width = max((len(text) for r in range(len(self.stage.labels))
                                      for epoch in self.frame_epochs
                                      if (text := self._live_number(r, epoch)) is not None), default=0)
        return self._number_width

    def _live_value(self, r, epoch, st, notes):
        """The legend's live column: this racer's z now, or when it diverged."""
        y = self.picture.legend_rows[r]
        if notes and notes[-1][0] == r:
            self._live_text(y, f"diverged at epoch {notes[-1][1]:,}", size=self.picture.fs * 0.85, color="white",
                            weight="bold", background=to_rgba(st["color"], 0.95), crisp=False)
            return
        number = self._live_number(r, epoch)
        if number is None:
            return
        name = "z" if self.stage.n_starts == 1 else "median z"
        # Left-aligned in a column as wide as the widest number: "z =" never moves.
        self._live_text(y, f"{name} = {number:<{self._widest_number()}}", color=st["color"], crisp=True)

    def _live_text(self, y: float, text: str, **props) -> None:
        """A text of the legend's live column: right-aligned at the legend's right edge, or
        further right (up to the next view) where the longest label would touch it."""
        picture = self.picture
        artist = MonoText(0, y, text, transform=picture.ax_legend.transAxes, ha="right", va="center",
                          **{"size": picture.fs * LIVE_SIZE, **props})
        width = artist.extent(self.style.dpi)[0] / picture.ax_legend.get_window_extent().width
        artist.x = min(max(0.98, picture.labels_end + layout.GAP + width), picture.column_limit)
        picture.ax_legend.add_artist(artist)


def compact(value: float) -> str:
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
