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

import copy
from collections.abc import Callable, Iterator, Sequence
from typing import NamedTuple

import numpy as np
from celluloid import Camera
from matplotlib import patheffects
from matplotlib.collections import LineCollection
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch
from matplotlib.transforms import IdentityTransform
from mpl_toolkits.mplot3d import proj3d
from mpl_toolkits.mplot3d.art3d import Line3D, Line3DCollection
from PIL import Image

from optimotion.draw import fan, layout
from optimotion.draw.lines import EpochLine, crowd_stride, trail_stride
from optimotion.draw.monotext import MonoText
from optimotion.draw.picture import LEGEND_MARKER_X, LIVE_PAD, Picture, plane_colors
from optimotion.draw.stage import Reel, Stage, lower_median, start_colors
from optimotion.draw.style import Style
from optimotion.draw.views import position_pixels, view_coords
from optimotion.simulation.runner import NEVER

TRAIL_WIDTH = 1.6        # lines of the last racer; each one before it is STACK_WIDTH wider
STACK_WIDTH = 0.7
NEWEST_WIDER = 1.0       # the trail's newest step, wider: the way it is going
PLANE_LINE = 0.7         # a model's race: the loss on the plane under a racer, dotted, this share of its width
MARKER_SIZE = 7.5        # markers of the last racer; each one before it is STACK_SIZE bigger
STACK_SIZE = 2.0
CROWD = 50               # starts beyond which markers shrink and trails thin
COUNTER_LIFT = 3          # pixels between the z plot's top right corner and the counter above it
PACE_GAP = 6              # pixels between the pace and the counter, on its left
COUNTER_PAD = 3
PACE_SIZE = 0.9             # the pace under the counter ("+250 a frame"), in the counter's size
LEADER_WIDTH = 1.0       # the line from a marker spread aside back to where its racer is
LEADER_DOT = 3.0         # the dot where it is
EXIT_MARKER_SIZE = 7     # the triangle where a z line leaves its plot, and its edge
EXIT_EDGE_WIDTH = 0.6
HOLLOW_EDGE_WIDTH = 1.6  # the edge of a marker left where its racer was last in view
LEGEND_HOLLOW_WIDTH = 1.4  # the same in the legend
GLYPH_WIDTH = 0.75       # a glyph's lines, in the racer's trail widths
GLYPH_BOLD = 1.8         # the momentum arrow, bolder
GLYPH_HEAD = 4.0         # an arrow head, in the glyph's line widths
DOT = 0.006              # an arrow shorter than this share of the view's shorter side is a dot
GLYPH_DASHES = (3, 2)    # the gradient arrow's dashes, in its line widths
NOTE_AT = (0.02, 0.97)   # a slow start's note, in the first view's axes
PHASE_GLYPHS = {None: ("gradient", "momentum", "box", "step"), "gradient": ("gradient", "momentum"),
                "state": ("gradient", "momentum", "box"), "step": ("gradient", "momentum", "box", "step")}


class GlyphShape(NamedTuple):
    """One glyph of one racer and start, in the parameters' coordinates: an arrow from
    points[0] to points[1] (`cut` by the view's edge, or a `dot` too short to point), or a
    box's outline (a bar in 1-D)."""
    r: int
    s: int
    name: str
    points: np.ndarray
    cut: bool
    dot: bool


class FrameDrawer:
    """Draws the frames of a run over a scene's `Picture`.

    Build it from the stage alone, so that the static picture can be drawn before the
    run exists (`Picture(...).background()`), then `attach` the run's `Reel`.
    """

    def __init__(self, stage: Stage, style: Style = Style(), reel: Reel | None = None):
        self.stage, self.style = stage, style
        self.picture = Picture(stage, style)
        self.styles = self.picture.racer_styles
        self.plane_colors = plane_colors(stage, style)  # a model's race: the loss on the plane, faded
        self.stride = trail_stride(stage.epochs, stage.n_starts)
        self.z_stride = crowd_stride(stage.epochs, stage.n_starts)  # z lines of many starts
        self.reel = None
        if reel is not None:
            self.attach(reel)

    def attach(self, reel: Reel) -> None:
        """The run whose frames to draw (its scene must be this drawer's). Attached again
        (a worker draws several shares), it fits the legend as the first time."""
        self._read(reel)
        self.picture.unwrap()  # else a row wrapped for the last run would change this one's fit
        self.picture.fit_z(reel.z_range, reel.z_log)
        if self.tracks.glyphs is not None:
            self.picture.set_caption(" · ".join(filter(None, (self.stage.caption, self.tracks.glyphs.key))))
        if self.start_colors is not None:  # how many starts reach each minimum, beside its ring
            points = self.tracks.positions[::self.stride, 0].reshape(-1, self.stage.dim)
            heights = self.stage.heights(points, self.tracks.values[::self.stride, 0].reshape(-1))
            self.picture.count_basins(np.bincount(reel.reached[0][reel.reached[0] >= 0],
                                                  minlength=len(self.stage.basin_colors)), points, heights)
        self._number_width, self._short_notes, self.live_prefix = None, False, self.stage.live_prefix
        self.picture.fit_legend(self._live_widths())
        if self.picture.cut_rows():  # the long notes cut a label: try the short ones
            self._short_notes = True
            self.picture.fit_legend(self._live_widths())
        if self.picture.cut_rows() and self.live_prefix:  # then the values without "z = "
            self.live_prefix = ""
            self.picture.fit_legend(self._live_widths())
        if cut := self.picture.cut_rows():  # then those rows keep only the room their own numbers take
            for r in cut:
                self._number_width[r] = self._own_widths[r]
            self.picture.fit_legend(self._live_widths())
        for _ in range(2):  # then their values go on a line of their own, under the labels; then a third
            if cut := self.picture.cut_rows():
                self.picture.wrap(cut)
                self.picture.fit_legend(self._live_widths())
        n, single = len(self.stage.labels), self.stage.n_starts == 1
        # Racers drawn first (lower in the legend) are wider and bigger, so that one that
        # runs exactly where another does still shows around it.
        scale = self.mark_scale = self.style.mark_scale
        self.widths = [scale * (TRAIL_WIDTH + (STACK_WIDTH * (n - 1 - r) if single else 0)) for r in range(n)]
        self.sizes = [scale * (MARKER_SIZE + (STACK_SIZE * (n - 1 - r) if single and n <= 6 else 0))
                      for r in range(n)]
        # A crowd of starts (a grid of hundreds): smaller markers and finer trails, so that
        # the surface still shows between them.
        crowd = self.stage.n_starts / CROWD
        self.many_width = scale * (1.0 if crowd <= 1 else max(0.4, crowd ** -0.25))
        if crowd > 1:
            self.sizes = [max(2.5, size * crowd ** -0.5) for size in self.sizes]

    def _read(self, reel: Reel) -> None:
        """What the frames look up in a run, worked out once."""
        self.reel, self.tracks, self.frame_epochs = reel, reel.tracks, reel.frame_epochs
        self.start_colors = start_colors(self.stage, reel.reached, self.styles[0]["color"])
        self._epoch_lines = {}
        # For each epoch, racer and start: the latest epoch up to it in view (-1: none yet).
        epochs = np.arange(len(reel.in_view)).reshape(-1, 1, 1)
        self._seen = np.maximum.accumulate(np.where(reel.in_view, epochs, -1), axis=0)
        # Where each z line first leaves the z plot (-1: never), and whether above it.
        lo, hi = reel.z_range
        with np.errstate(invalid="ignore"):
            out = (reel.tracks.values < lo) | (reel.tracks.values > hi)
        self._first_exit = np.where(out.any(axis=0), out.argmax(axis=0), -1)
        self._exit_above = np.take_along_axis(reel.tracks.values, np.maximum(self._first_exit, 0)[None], 0)[0] > hi

    def reading(self, stage: Stage, reel: Reel, short_notes: bool | None = None) -> FrameDrawer:
        """This drawer, reading another run of its scene (`stage` with that run's starts)
        on the same picture, laid out and fitted as it is: what the page shows of a start
        the reader picks; `short_notes` for its notes ("left at 20"). Its frames are not
        for drawing (the legend is fitted to this run)."""
        other = copy.copy(self)
        other.stage = stage
        if short_notes is not None:
            other._short_notes = short_notes
        other._read(reel._replace(z_range=self.reel.z_range, z_log=self.reel.z_log))
        return other

    # -- a frame's artists ----------------------------------------------------------------
    def artists(self, index: int) -> list:
        """The moving artists of frame `index`, added to the figure, not yet drawn.

        (Public for inspection: what a frame shows, artist by artist.)
        """
        with self.picture.theme():
            return self._artists(index)

    def _artists(self, index: int) -> list:
        if self.reel is None:
            raise ValueError("no run to draw: FrameDrawer(stage, style, reel) or attach(reel) first")
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
        stage, picture = self.stage, self.picture
        if stage.n_starts == 1:
            self._add_one_start(frame_index, epoch)
        else:
            self._add_many_starts(frame_index, epoch)
        if self.tracks.glyphs is not None:
            self._add_glyphs(epoch, self.reel.phases[frame_index] if self.reel.phases else None)
        for r in range(len(stage.labels)):
            self._live_value(r, epoch, self.styles[r])
        # The count right-aligned in a field as wide as it gets: the word stays put. Above
        # the z plot's top right corner, not in it: there it hid the lines that ran under it.
        counter = f"{self.stage.step_name} {epoch:>{len(f'{self.frame_epochs[-1]:,}')},}"
        x, y = counter_corner(picture)
        picture.ax_z.add_artist(MonoText(x, y, counter, transform=None, ha="right", pad=COUNTER_PAD, va="bottom",
                                        size=picture.live_size, weight="bold", color=self.style.ink,
                                        background=self.style.paper))
        pace = self.pace(frame_index)
        if pace:  # left of the counter: the frames' pace, so that a change of pace is seen, not felt
            picture.ax_z.add_artist(MonoText(*pace_corner(picture, counter), pace, transform=None, ha="right",
                                            pad=COUNTER_PAD, va="bottom", size=pace_size(picture),
                                            color=self.style.ink, background=self.style.paper))

    def pace(self, frame_index: int) -> str:
        """The epochs since the frame before, as the picture says them ("+250 a frame"),
        or nothing (the first frame; a slow start's parts of one update)."""
        epochs = self.frame_epochs
        step = epochs[frame_index] - epochs[frame_index - 1] if frame_index else 0
        return f"+{step:,} a frame" if step > 0 else ""

    def _add_one_start(self, frame_index: int, epoch: int) -> None:
        """Each racer's z line, z exit, trail and marker, from the scene's one start."""
        tracks, stage, picture = self.tracks, self.stage, self.picture
        for r in range(len(stage.labels)):
            st, width = self.styles[r], self.widths[r]
            diverged = tracks.diverged_at[r, 0]
            last = epoch if diverged == NEVER or diverged > epoch else diverged - 1
            line = self._epoch_line(r, 0).upto(last)
            if tracks.plane_loss is not None:  # where the views draw it: the loss on the plane there
                under = self._epoch_line(r, 0, plane=True).upto(last)
                self._add_line("z", picture.ax_z, under, color=self.plane_colors[r], linestyle=":",
                               linewidth=width * PLANE_LINE)
            self._add_line("z", picture.ax_z, line, color=st["color"], linestyle=st["linestyle"], linewidth=width)
            self._mark_z_exits(r, [0], last, st)
            pieces = [(tracks.positions[index, r, 0],
                       stage.heights(tracks.positions[index, r, 0], tracks.values[index, r, 0]), wide, index)
                      for index, wide in self._trail_pieces(frame_index, last)]
            if pieces:
                for kind, ax in picture.position_axes:
                    self._draw_trail(kind, ax, pieces, st, width)
        spread = self.spread_markers(frame_index)
        for r, seen, tip, z_tip in self._tips(epoch):
            for v, (kind, ax) in enumerate(picture.position_axes):
                self._draw_tip(kind, ax, tip, z_tip, seen, self.styles[r], self.sizes[r], seen != epoch,
                               spread[v].get(r))

    def _tips(self, epoch: int) -> list[tuple]:
        """Each racer's marker at `epoch` (one start): (r, epoch seen, position, height)
        where it is (seen at `epoch`), or where it was last in view (hollow); none before
        it is ever in view."""
        tips, tracks = [], self.tracks
        for r in range(len(self.stage.labels)):
            diverged = tracks.diverged_at[r, 0]
            last = epoch if diverged == NEVER or diverged > epoch else diverged - 1
            seen = self._last_seen(r, 0, last)
            if seen is not None:
                tip = tracks.positions[seen, r, 0]
                tips.append((r, seen, tip, self.stage.heights(tip, tracks.values[seen, r, 0])))
        return tips

    def spread_markers(self, frame_index: int) -> list[dict[int, tuple]]:
        """On the last frame, the racers' markers that would hide each other, spread apart
        (`fan.spread`): for each position view, {racer: (where it is, where its marker is
        drawn)} in the figure's pixels (y up); empty elsewhere, for several starts and in
        a turning view. (Public: the page spreads its markers alike.)"""
        views = self.picture.position_axes
        if frame_index != len(self.frame_epochs) - 1 or self.stage.n_starts != 1 or self.style.orbit:
            return [{} for _ in views]
        tips = self._tips(self.frame_epochs[frame_index])
        pixels = self.style.dpi / 72
        spread = []
        at = np.array([tip for _, _, tip, _ in tips]).reshape(-1, self.stage.dim)
        heights, seen = np.array([z for *_, z in tips], dtype=float), np.array([seen for _, seen, *_ in tips])
        for kind, ax in views:
            points = position_pixels(kind, ax, at, heights, seen)
            placed = fan.spread(points, [self.sizes[r] * pixels for r, *_ in tips], row=kind in ("curve", "steps"))
            spread.append({r: (tuple(points[i]), tuple(placed[i])) for i, (r, *_) in enumerate(tips)
                           if not np.allclose(points[i], placed[i])})
        return spread

    def _add_many_starts(self, frame_index: int, epoch: int) -> None:
        """A racer's artists over many starts, one of each kind for all its starts of a
        colour, from whole arrays: its z lines, z exits, trails and markers. All starts share the
        epochs drawn; a diverged one's NaN ends its lines where it ended."""
        stage = self.stage
        trail_epochs = np.unique(np.concatenate([index for index, _ in self._trail_pieces(frame_index, epoch)]
                                                or [np.array([0])]))
        z_epochs = np.unique(np.r_[np.arange(0, epoch, self.z_stride), epoch])
        for r in range(len(stage.labels)):
            for st, group in self.start_groups(r):
                self._add_starts(r, group, st, epoch, trail_epochs, z_epochs)

    def _add_starts(self, r: int, group: np.ndarray, st: dict, epoch: int, trail_epochs, z_epochs) -> None:
        """Racer r's artists over the starts of `group`, in the look `st`."""
        tracks, stage, picture = self.tracks, self.stage, self.picture
        values = tracks.values[:, r][:, group]
        heights = values[z_epochs].T
        lines = np.stack([np.broadcast_to(z_epochs, heights.shape), heights], axis=-1)
        picture.ax_z.add_collection(LineCollection(lines, colors=st["color"], linewidths=self.many_width,
                                                   linestyles=st["linestyle"]), autolim=False)
        self._mark_z_exits(r, group, epoch, st)
        paths = np.swapaxes(tracks.positions[trail_epochs, r][:, group], 0, 1)  # (starts, points, dim)
        path_heights = stage.heights(paths, values[trail_epochs].T)              # (starts, points)
        path_epochs = np.broadcast_to(trail_epochs, path_heights.shape)
        seen = self._seen[epoch, r]
        shown = group[seen[group] >= 0]
        for kind, ax in picture.position_axes:
            if len(trail_epochs) > 1:
                self._draw_trail(kind, ax, [(paths, path_heights, False, path_epochs)], st, self.many_width,
                                 batch=True)
            for hollow in (False, True):
                starts = shown[(seen[shown] != epoch) == hollow]
                if len(starts):
                    at = seen[starts]
                    tips = tracks.positions[at, r, starts]
                    self._draw_tip(kind, ax, tips, stage.heights(tips, tracks.values[at, r, starts]), at, st,
                                   self.sizes[r], hollow=hollow)

    def start_groups(self, r: int) -> list[tuple[dict, np.ndarray]]:
        """Racer r's starts by colour: (its style in that colour, the starts), one group
        for all of them unless the starts are coloured by the minimum they reach."""
        st = self.styles[r]
        if self.start_colors is None:
            return [(st, np.arange(self.stage.n_starts))]
        colors = np.array(self.start_colors)
        return [({**st, "color": color}, np.flatnonzero(colors == color)) for color in dict.fromkeys(self.start_colors)]

    def _last_seen(self, r: int, s: int, last: int) -> int | None:
        """The latest epoch up to `last` at which the racer was in view, or None."""
        seen = int(self._seen[last, r, s])
        return seen if seen >= 0 else None

    def _away_since(self, r: int, s: int, epoch: int) -> int | None:
        """The epoch the racer left the view, if it is out of view at `epoch`."""
        return None if self.reel.in_view[epoch, r, s] else int(self._seen[epoch, r, s]) + 1

    def _mark_z_exits(self, r: int, starts, last: int, st: dict) -> None:
        """Where the racer's z lines (from `starts`) first leave the z plot, up to epoch
        `last`: a triangle on its edge, pointing the way the values went."""
        exits, above = self._first_exit[r, starts], self._exit_above[r, starts]
        lo, hi = self.reel.z_range
        for up in (True, False):
            epochs = exits[(exits >= 0) & (exits <= last) & (above == up)]
            if len(epochs):
                self._add_line("z", self.picture.ax_z, (epochs, [hi if up else lo] * len(epochs)), linestyle="",
                               clip_on=False, marker="^" if up else "v", markersize=EXIT_MARKER_SIZE * self.mark_scale,
                               color=st["color"], markeredgecolor=self.style.edge,
                               markeredgewidth=EXIT_EDGE_WIDTH * self.mark_scale)

    def _trail_pieces(self, frame_index: int, last: int) -> list[tuple[np.ndarray, bool]]:
        """The trail up to epoch `last` as pieces (epoch indices, whether it is the newest),
        oldest first: everything up to the previous frame, then the step since, drawn wider.
        Points sit on multiples of the stride (plus the piece ends), so old pieces do not
        change between frames."""
        previous = self.frame_epochs[frame_index - 1] if frame_index > 0 else 0
        out = []
        for start, end, newest in ((0, previous, False), (previous, last, True)):
            end = min(end, last)
            if end <= start:
                continue
            inner = np.arange((start // self.stride + 1) * self.stride, end, self.stride)
            out.append((np.concatenate([[start], inner, [end]]), newest))
        return out

    def _epoch_line(self, r: int, s: int, plane: bool = False) -> EpochLine:
        """Racer r's z line from start s; with `plane`, the loss on a model's plane under it."""
        key = (r, s, plane)
        if key not in self._epoch_lines:
            values = (self.tracks.plane_loss if plane else self.tracks.values)[:, r, s]
            self._epoch_lines[key] = EpochLine(values, int(self.style.width * 0.35))
        return self._epoch_lines[key]

    @staticmethod
    def _add_line(kind, ax, coords, **props):
        """A moving line, added without ax.plot's autoscaling and property cycling."""
        ax.add_artist(Line3D(*coords, axlim_clip=True, **props) if kind == "3d" else Line2D(*coords, **props))

    def _draw_trail(self, kind, ax, pieces, st, width, batch=False):
        """A trail as one collection, opaque in the racer's colour (so it keeps its hue in
        every format): a polyline per piece, the newest wider. With `batch`, a piece holds
        many trails: paths (trails, points, dim), heights and epochs (trails, points)."""
        if batch:
            (paths, heights, _, epochs), = pieces
            segments = np.stack(view_coords(kind, paths, heights, epochs), axis=-1)
            widths = width
        else:
            segments = [np.column_stack(view_coords(kind, path, z, epochs)) for path, z, _, epochs in pieces]
            widths = [width * (NEWEST_WIDER if newest else 1.0) for _, _, newest, _ in pieces]
        if kind == "3d":
            trail = Line3DCollection(segments, colors=st["color"], linewidths=widths, linestyles=st["linestyle"],
                                     axlim_clip=True)
        else:
            trail = LineCollection(segments, colors=st["color"], linewidths=widths, linestyles=st["linestyle"])
        ax.add_collection(trail, autolim=False)

    def _draw_tip(self, kind, ax, tip, z, epoch, st, size, hollow, spread=None):
        """The racer's marker where it is; hollow where it was last seen, once it has left
        the view (the legend says since when). A `spread` marker ((where it is, where it
        is drawn), in pixels) is drawn aside, a thin line leading back to where it is."""
        scale = self.mark_scale
        look = dict(marker=st["marker"], markersize=size, color=st["color"], linestyle="",
                    **(dict(markerfacecolor=self.style.paper, markeredgewidth=HOLLOW_EDGE_WIDTH * scale) if hollow
                       else dict(markeredgecolor=self.style.edge)))
        if spread is None:
            self._add_line(kind, ax, [np.atleast_1d(c) for c in view_coords(kind, tip, z, epoch)], **look)
            return
        (x0, y0), (x1, y1) = spread
        ax.add_artist(Line2D([x0, x1], [y0, y1], transform=IdentityTransform(), color=st["color"],
                             linewidth=LEADER_WIDTH * scale, solid_capstyle="round", zorder=5,
                             path_effects=[patheffects.withStroke(linewidth=LEADER_WIDTH * scale * 2.5,
                                                                  foreground=self.style.paper)]))
        ax.add_artist(Line2D([x0], [y0], transform=IdentityTransform(), marker="o", markersize=LEADER_DOT * scale,
                             color=self.style.ink, linestyle="", zorder=5))
        ax.add_artist(Line2D([x1], [y1], transform=IdentityTransform(), zorder=6, clip_on=False, **look))

    # -- each racer's state: arrows and boxes ------------------------------------------------
    def glyph_shapes(self, epoch: int, phase: str | None = None) -> list[GlyphShape]:
        """Each racer's glyphs at `epoch`, from where it is (only while it is in view), in
        the position views' data coordinates. In a slow start, part of them: the gradient
        and the state it meets, then the state it makes (and the step size), then the
        step too. (Public: the page draws the same shapes.)"""
        glyphs, tracks, shapes = self.tracks.glyphs, self.tracks, []
        side = min(hi - lo for lo, hi in self.stage.domain)
        for r, names in enumerate(glyphs.shown):
            names = [name for name in names if name in PHASE_GLYPHS[phase]]
            for s in range(self.stage.n_starts):
                if not self.reel.in_view[epoch, r, s]:
                    continue
                tip = tracks.positions[epoch, r, s]
                for name in names:
                    if name == "box":
                        sides = glyphs.boxes[epoch, r, s] * glyphs.box_scale
                        if np.all(np.isfinite(sides)):
                            shapes.append(GlyphShape(r, s, name, self._box_corners(tip, sides), False, False))
                        continue
                    at = epoch + 1 if name == "momentum" and phase in ("state", "step") else epoch
                    vector = glyphs.arrows[name][min(at, len(glyphs.arrows[name]) - 1), r, s] * glyphs.arrow_scale
                    if np.all(np.isfinite(vector)):
                        head, cut = self._clipped(tip, tip + vector)
                        dot = bool(np.linalg.norm(head - tip) < DOT * side)  # too short to point: a dot
                        shapes.append(GlyphShape(r, s, name, np.array([tip, head]), cut, dot))
        return shapes

    def phase_note(self, epoch: int, phase: str | None) -> str:
        """What a slow-started frame shows of update `epoch + 1` ("" for other frames)."""
        if phase is None:
            return ""
        return f"update {epoch + 1}: " + {"gradient": "the gradient", "state": "the state it updates",
                                          "step": "the step"}[phase]

    def glyph_points(self, kind: str, shape: GlyphShape, epoch: int) -> tuple:
        """A shape's points at `epoch` in a view's own coordinates: on the surface in 3-D
        ((x, y, z), heights read off the stage), at the racer's height on a 1-D curve, on
        the epoch's row of the steps, as they are on a contour map."""
        points = shape.points
        if kind == "3d":
            return points[:, 0], points[:, 1], self.stage.height_at(points)
        if kind == "curve":  # the racer's height: an arrow's tail, a bar's middle
            at = points.mean(axis=0) if shape.name == "box" else points[0]
            return points[:, 0], np.full(len(points), float(self.stage.height_at(at)))
        if kind == "steps":
            return points[:, 0], np.full(len(points), float(epoch))
        return points[:, 0], points[:, 1]

    def _add_glyphs(self, epoch: int, phase: str | None) -> None:
        note = self.phase_note(epoch, phase)
        if note:
            _, ax = self.picture.position_axes[0]
            write = ax.text2D if hasattr(ax, "text2D") else ax.text  # a 3-D view's text in its axes' units
            write(*NOTE_AT, note, transform=ax.transAxes, va="top", ha="left", fontsize=self.picture.fs,
                  color=self.style.ink, weight="bold")
        for shape in self.glyph_shapes(epoch, phase):
            st, width = self.styles[shape.r], self.widths[shape.r] * GLYPH_WIDTH
            halo = [patheffects.withStroke(linewidth=width * 2.2, foreground=self.style.paper)]
            for kind, ax in self.picture.position_axes:
                coords = self.glyph_points(kind, shape, epoch)
                if shape.dot:
                    self._add_line(kind, ax, [c[:1] for c in coords], marker="o", markersize=width * 2.2,
                                   color=st["color"], linestyle="", markeredgecolor=self.style.paper,
                                   markeredgewidth=width * 0.6, zorder=5)
                elif shape.name == "box":
                    self._add_line(kind, ax, coords, color=st["color"], linewidth=width * 0.8, zorder=5,
                                   path_effects=halo, **({"marker": "|", "markersize": width * 5} if kind == "curve"
                                                         else {}))
                else:
                    ends = list(zip(*coords))
                    props = dict(color=st["color"], linewidth=width * (GLYPH_BOLD if shape.name == "momentum" else 1),
                                 linestyle=(0, GLYPH_DASHES) if shape.name == "gradient" else "-", shrinkA=0,
                                 shrinkB=0, mutation_scale=GLYPH_HEAD * width, zorder=5, path_effects=halo,
                                 arrowstyle="->" if shape.cut else "-|>")
                    ax.add_artist(Arrow3D(*ends, **props) if kind == "3d" else FancyArrowPatch(*ends, **props))

    def _clipped(self, tip: np.ndarray, head: np.ndarray) -> tuple[np.ndarray, bool]:
        """`head`, or where the arrow from `tip` leaves the domain (and True)."""
        low, high = np.array(self.stage.domain, dtype=float).T
        direction = head - tip
        with np.errstate(divide="ignore", invalid="ignore"):
            reach = np.where(direction > 0, (high - tip) / direction, np.where(direction < 0, (low - tip) / direction,
                                                                                np.inf))
        t = float(min(1.0, np.min(reach)))
        return tip + t * direction, t < 1.0

    def _box_corners(self, tip: np.ndarray, sides: np.ndarray) -> np.ndarray:
        """A rectangle with `sides` about the racer (a bar in 1-D), cut to the view."""
        low, high = np.array(self.stage.domain, dtype=float).T
        corners = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1], [-1, -1]])[:, :len(tip)]
        return np.clip(tip + corners * sides / 2, low, high)[: 2 if len(tip) == 1 else 5]

    # -- the legend's live column ---------------------------------------------------------
    def live_number(self, r: int, epoch: int) -> str | None:
        """Racer r's z at `epoch` as the legend shows it, in view or not (as the z plot
        draws it: the number and the line agree), or None once it is not finite. Over
        several starts: the lowest to the highest of those in view ("-9 to -0.418": a
        median said -9 where some starts had settled in another valley), None when none
        is."""
        values = self.tracks.values[epoch, r]
        if self.stage.n_starts > 1:
            values = values[self.reel.in_view[epoch, r]]
        values = values[np.isfinite(values)]
        if not len(values):
            return None
        if epoch == self.stage.epochs and self.stage.end_notes and self.stage.end_notes[r]:
            # known at the end only: said at the end only (a model's race, one start)
            return f"{self._said(lower_median(values))} · {self.stage.end_notes[r]}"
        low, high = self._said(values.min()), self._said(values.max())
        return low if low == high else f"{low} to {high}"

    def _said(self, value: float) -> str:
        """A live value as the legend writes it: `compact`, and 0 for rounding noise about zero."""
        lo, hi = self.reel.z_range
        if not self.reel.z_log and abs(value) < 1e-9 * max(abs(lo), abs(hi)):
            return "0"  # rounding noise around zero, not a value to read
        return compact(value)

    def widest_number(self, r: int) -> int:
        """The characters racer r's row of the live column is laid out for, so that its
        "z =" never moves: the widest number of the run, so that the rows' columns line up;
        or, in a row whose label that would cut, the row's own widest."""
        if self._number_width is None:
            self._own_widths = [max((len(text) for epoch in self.frame_epochs
                                     if (text := self.live_number(row, epoch)) is not None), default=0)
                                for row in range(len(self.stage.labels))]
            self._number_width = [max(self._own_widths)] * len(self._own_widths)
        return self._number_width[r]

    def live_content(self, r: int, epoch: int) -> tuple[str, str]:
        """What the legend's live column says of racer r at `epoch`: ("number", its z);
        ("away", its z) once it has left the view, its legend marker hollow as its marker
        in the view is (the z plot still draws its value, and the number says it); or
        ("note", since when it has diverged: "diverged at epoch N", or "diverged at N"
        where the long note would leave too little room for the labels)."""
        if self.stage.n_starts == 1:
            diverged = self.tracks.diverged_at[r, 0]
            away = self._away_since(r, 0, epoch)
            epoch_word = "" if self._short_notes else f"{self.stage.step_name} "
            if diverged != NEVER and diverged <= epoch:
                if self.tracks.no_gradient is not None and self.tracks.no_gradient[r, 0]:
                    return "note", f"no gradient at {epoch_word}{diverged - 1:,}"
                return "note", f"diverged at {epoch_word}{diverged:,}"
            number = self.live_number(r, epoch)
            return ("away" if away is not None else "number", number)
        number = self.live_number(r, epoch)
        return ("note", "all left the view") if number is None else ("number", number)

    def _live_widths(self) -> list[float]:
        """The widest text each racer's row of the live column shows in this run, in pixels."""
        widths = []
        for r in range(len(self.stage.labels)):
            number = self.picture.live_width(self.live_prefix + "0" * self.widest_number(r))
            notes = {text for epoch in self.frame_epochs for kind, text in [self.live_content(r, epoch)]
                     if kind == "note"}
            widths.append(max([number, *(self.picture.live_width(note, size=self.picture.badge_size)
                                         for note in notes)]))
        return widths

    def _live_value(self, r, epoch, st):
        """The legend's live column: this racer's z now; once it has diverged, since when.
        Its legend marker is hollow once it is out of the view, as its marker there is."""
        y = self.picture.legend_rows[r]
        kind, text = self.live_content(r, epoch)
        if kind == "note":
            self._live_text(r, text, size=self.picture.badge_size, color=self.style.paper,
                            background=st["color"])
        else:  # left-aligned in a column as wide as the widest number: "z =" never moves
            self._live_text(r, f"{self.live_prefix}{text:<{self.widest_number(r)}}", color=st["color"])
        if kind != "number":
            self.picture.ax_legend.add_artist(Line2D([LEGEND_MARKER_X], [y], marker=st["marker"], color=st["color"],
                                                     markersize=self.picture.legend_marker_size,
                                                     markerfacecolor=self.style.paper,
                                                     markeredgewidth=LEGEND_HOLLOW_WIDTH))

    def _live_text(self, r: int, text: str, **props) -> None:
        """A text of racer r's row of the live column: right-aligned at the legend's right
        edge, or further right (up to the next view) where its label would touch it; on
        the line under its label where the row is wrapped."""
        picture, y, labels_end = self.picture, self.picture.value_rows[r], self.picture.labels_ends[r]
        artist = MonoText(0, y, text, transform=picture.ax_legend.transAxes, ha="right", va="center",
                          **{"size": picture.live_size, "weight": "bold", "pad": LIVE_PAD, **props})
        legend_width = picture.ax_legend.get_window_extent().width
        width = artist.extent(self.style.dpi)[0] / legend_width
        room = picture.column_limit - labels_end - layout.GAP
        if width > room:  # not even a cut label leaves room (a small frame at a high dpi): smaller
            artist.size = max(4.0, artist.size * room / width)
            width = artist.extent(self.style.dpi)[0] / legend_width
        artist.x = min(max(0.98, labels_end + layout.GAP + width), picture.column_limit)
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


class Arrow3D(FancyArrowPatch):
    """An arrow between two points of a 3-D view, projected as the view is drawn (so it
    turns with an orbiting view), over the surface."""

    def __init__(self, start, end, **props):
        super().__init__((0, 0), (0, 0), **props)
        self._ends = np.array([start, end], dtype=float)

    def do_3d_projection(self, renderer=None):
        xs, ys, zs = proj3d.proj_transform(*self._ends.T, self.axes.get_proj())
        self.set_positions((xs[0], ys[0]), (xs[1], ys[1]))
        return float(np.min(zs))


def pace_size(picture) -> float:
    """The size of the pace under the counter: PACE_SIZE of the counter's, never below
    the smallest text."""
    return max(picture.live_size * PACE_SIZE, picture.style.smallest_text)


def counter_corner(picture) -> tuple[float, float]:
    """Where the epoch counter's box has its bottom right corner, in the figure's pixels:
    COUNTER_LIFT above the z plot's top right corner, or above its top tick label where
    that stands out of the plot (a log scale's 10⁴ at its top edge); left of a view's
    label that reaches over it (a 3-D z label the camera puts on the left)."""
    ax = picture.ax_z
    box = ax.get_window_extent()
    key = (tuple(box.bounds), ax.get_ylim(), ax.get_yscale())
    cached = picture._counter_corner
    if cached is not None and cached[0] == key:  # the same plot: the same corner (a frame's costliest part)
        return cached[1]
    renderer = picture.canvas.get_renderer()
    ax.yaxis.get_tightbbox(renderer)  # the ticks as they will be drawn (after a new fit of the limits too)
    top = box.y1
    for tick in ax.yaxis.get_major_ticks():  # matplotlib keeps ticks beyond the limits too, never drawn
        with np.errstate(all="ignore"):
            y = ax.transData.transform((0, tick.get_loc()))[1]
        if box.y0 - 0.5 <= y <= box.y1 + 0.5 and tick.label1.get_visible() and tick.label1.get_text():
            top = max(top, tick.label1.get_window_extent(renderer).y1)
    # Left of a position view's labels that stand out to the left of its box (a 3-D view's
    # z label), as the legend's live column keeps left of them.
    right, bottom = box.x1, top + COUNTER_LIFT
    height = picture.live_height(picture.live_size) + 2 * COUNTER_PAD
    for _, view in picture.position_axes:
        other = view.get_tightbbox(renderer)
        beside = other.x0 > box.x0 + box.width / 2  # a view right of the z plot, not over it (a tall frame's)
        if beside and other.x0 < right + 1 and other.y1 > bottom and other.y0 < bottom + height:
            right = min(right, other.x0 - 2)
    picture._counter_corner = (key, (float(right), float(bottom)))
    return picture._counter_corner[1]


def pace_corner(picture, counter: str) -> tuple[float, float]:
    """Where the pace's box has its bottom right corner, in the figure's pixels: PACE_GAP
    left of the box of the counter's text `counter` (as wide at every epoch)."""
    x, y = counter_corner(picture)
    width, _ = MonoText(0, 0, counter, transform=None, size=picture.live_size, weight="bold",
                        pad=COUNTER_PAD).extent(picture.style.dpi)
    return x - width - PACE_GAP, y
