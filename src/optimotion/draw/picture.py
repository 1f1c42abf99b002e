"""The static picture of a scene, drawn once: title, axes, surface views, z plot, legend.

It needs only the `Stage` (no run), so it can be drawn while the simulation still runs.
The figure is matplotlib's object API on an Agg canvas: no pyplot, no backend switch, and
every setting inside an `rc_context`, so the caller's matplotlib is left as it was.
"""
from __future__ import annotations

import matplotlib
import numpy as np
from matplotlib import patheffects
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter

from optimotion.draw import fonts, layout
from optimotion.draw.monotext import MonoText
from optimotion.draw.stage import Stage
from optimotion.draw.style import GOLD, SADDLE_MARK, SURFACE_MAP, Style, faded, key_colors, racer_styles
from optimotion.draw.views import position_pixels, view_coords

LIVE_PAD = 1            # points around a live number or note (the page pads its copy alike)
LEGEND_MARKER_X = 0.11  # where a legend row's marker sits, in the legend's width
HANDLE = (0.03, 0.17)   # where its line runs, in the legend's width ...
HANDLE_WIDTH = 2.0      # ... and how wide (points)
WRAP_GAP = 0.35         # lines under a wrapped row, before the next: its value reads as its own

WIDEST_NUMBER = "-1.23e-100"  # the widest text a live value takes (see frames.compact)
LIVE_SIZE = 1.0               # live values and the epoch counter, in the picture's font size ...
MIN_LIVE_PIXELS = 11.0        # ... but never smaller (its em, in pixels: digits 8 px tall)
BADGE_SIZE = 0.75             # "diverged at epoch N"
MPL3D_LABEL_OFFSET = 21.0  # points mplot3d adds to a 3-D axis label's pad (axis3d.Axis.draw) ...
MPL3D_TICK_OFFSET = 8.0    # ... and to its tick labels' (axis3d.Axis._get_updated_ticks)
MARGIN = 0.04                 # a 1-D curve's room under its lowest z, and the steps' beyond their first and last epoch


class Picture:
    """The figure of a scene in a style, with its static artists drawn.

    `ax_z`, `ax_legend` and `position_axes` ((kind, axes), kind "3d", "contour" or
    "curve") are where the frames add their moving artists; `legend_rows` are the legend
    entries' heights, `label_texts` their labels' Text artists (as fitted), and a live
    value sits right of its row's `labels_ends`, before `column_limit` (legend widths).
    """

    def __init__(self, stage: Stage, style: Style = Style()):
        self.stage, self.style, self.fs = stage, style, style.text_size()
        self.racer_styles = stage_racer_styles(stage, style)
        self._background, self._z_fit, self._live_size = None, None, None
        self._counter_corner = None  # (the z plot's box and limits, the corner): see frames.counter_corner
        with self.theme():
            self.fig = Figure(figsize=(style.width / style.dpi, style.height / style.dpi), dpi=style.dpi)
            self.canvas = FigureCanvasAgg(self.fig)
            self._title = layout.fit_title(self.fig, stage.title, self.style.text_size(1.3), style.smallest_text)
            self._caption = layout.fit_subtitle(self.fig, self._title, stage.caption, self.style.text_size(0.75)) \
                if stage.caption else None
            # Legend rows that take more than a line, and how many more: 1, the live value on a
            # line of its own under the label; 2, the label on two lines and the value on a third.
            self.wrapped: dict[int, int] = {}
            rects = layout.rectangles(style.width, style.height, stage.dim, style.view, style.dpi, len(stage.labels),
                                      self.label_size, self._under_title())
            self.ax_z = self.fig.add_axes(rects.z_plot)
            self.ax_legend = self.fig.add_axes(rects.legend)
            self.ax_legend.set_axis_off()
            self.position_axes = []
            for kind, rect in rects.views:
                ax = self.fig.add_axes(rect, **({"projection": "3d", "computed_zorder": False} if kind == "3d" else {}))
                draw_view(kind, ax, stage, style)
                self.position_axes.append((kind, ax))
            self._build_z_plot()
            self._build_legend()

    @property
    def label_size(self) -> float:
        """The legend labels' size, before they are fitted."""
        return self.style.text_size(0.95 if len(self.stage.labels) <= 4 else 0.8)

    def theme(self):
        return matplotlib.rc_context({**self.style.rc, "font.family": list(fonts.families())})

    @property
    def orbiting(self) -> list:
        """The 3-D axes that turn from frame to frame (none without an orbit)."""
        return [ax for kind, ax in self.position_axes if kind == "3d"] if self.style.orbit else []

    def background(self):
        """The static picture's pixels, drawn once (a turning 3-D view is not part of it:
        each frame draws that view anew)."""
        if self._background is None:
            with self.theme():
                for ax in self.orbiting:
                    ax.set_visible(False)
                self.canvas.draw()
                self._background = self.canvas.copy_from_bbox(self.fig.bbox)
                for ax in self.orbiting:
                    ax.set_visible(True)
        return self._background

    def set_caption(self, text: str) -> None:
        """The line under the title, known only once the run is (a glyphs' key and its
        scales); the static picture is drawn again if it changes (and laid out again if
        the legend must move down under it: fit the legend again after this)."""
        if (self._caption.get_text() if self._caption is not None else "") == text:
            return
        before = self._under_title()
        with self.theme():
            if self._caption is not None:
                self._caption.remove()
            size = self.style.text_size(0.75)
            self._caption = layout.fit_subtitle(self.fig, self._title, text, size) if text else None
        self._background = None
        if self._under_title() != before:
            self.wrap([])

    def count_basins(self, counts, trail_points: np.ndarray, trail_heights: np.ndarray) -> None:
        """Beside each minimum's ring, in its colour, how many starts reach it ("12 starts"):
        which colour is which minimum, and that each is reached (`Stage.basin_colors`). Of
        the four corners round the ring, the one the fewest of the trails' points
        (`trail_points` (n, dim) at `trail_heights`) run under, in the view, clear of the
        other counts. Drawn into the static picture (the page shows it too); a 3-D view
        that turns has none."""
        for artist in getattr(self, "_basin_counts", []):
            artist.remove()
        self._basin_counts = []
        off = 0.9 * self.style.text_size()
        corners = [(off, off, "left", "bottom"), (-off, off, "right", "bottom"), (off, -off, "left", "top"),
                   (-off, -off, "right", "top")]
        with self.theme():
            self.fig.draw_without_rendering()  # the 3-D views' projections
            renderer = self.canvas.get_renderer()
            for kind, ax in self.position_axes:
                box = ax.get_window_extent()
                if kind == "steps" or (kind == "3d" and self.style.orbit):
                    continue
                placed = [text.get_window_extent(renderer) for text in _axis_texts(ax)]  # kept clear of too
                trail = position_pixels(kind, ax, trail_points, trail_heights)
                for point, height, color, count in zip(self.stage.all_minima, self.stage.all_minima_heights,
                                                       self.stage.basin_colors, counts):
                    if not count:
                        continue
                    x, y = position_pixels(kind, ax, point[None], np.array([height]))[0]
                    label = ax.annotate(
                        f"{count} start{'s' if count > 1 else ''}", (x, y), xycoords="figure pixels",
                        xytext=(off, off),
                        textcoords="offset points", color=color, fontsize=self.style.text_size(0.85), weight="bold",
                        zorder=7, annotation_clip=False,
                        path_effects=[patheffects.withStroke(linewidth=2.5, foreground=self.style.paper)])

                    if box.width < 3 * label.get_window_extent(renderer).width:
                        label.remove()  # a view too small for its counts: the rings and colours say it
                        break
                    best = min(corners, key=lambda corner, label=label: _place(label, corner, box, placed, trail))
                    on_count, outside, _ = _place(label, best, box, placed, trail)
                    if on_count or outside:  # no clear corner for this one
                        label.remove()
                        continue
                    placed.append(label.get_window_extent(renderer))
                    self._basin_counts.append(label)
        self._background = None

    def _under_title(self) -> float:
        """Where the title and the line under it end, less a gap: in figure heights."""
        lowest = self._caption if self._caption is not None else self._title
        return lowest.get_window_extent(self.canvas.get_renderer()).y0 / self.fig.bbox.height - 0.01

    def fit_z(self, z_range: tuple[float, float], log: bool) -> None:
        """Fit the z plot to a run (`stage.Reel`): its limits and scale. The static picture
        is drawn again only if they change."""
        if self._z_fit == (tuple(z_range), log):
            return
        with self.theme():
            self.ax_z.set_yscale("log" if log else "linear")
            self.ax_z.set_ylim(*z_range)
            self.ax_z.set_ylabel(self.stage.value_name + (" (log scale)" if log else ""), fontsize=self.fs, labelpad=1)
        self._z_fit, self._background = (tuple(z_range), log), None

    @property
    def badge_size(self) -> float:
        """The size of a "diverged at epoch N" badge."""
        return self.style.text_size(BADGE_SIZE)

    @property
    def live_size(self) -> float:
        """The size of live values and the epoch counter: hinted, antialiased, bold digits,
        legible at half the picture's size (a phone, a slide thumbnail); no taller than
        the legend's rows are apart."""
        if self._live_size is None:
            smallest = MIN_LIVE_PIXELS * self.style.density * 72 / self.style.dpi * self.style.below_smallest
            size = max(self.style.text_size(LIVE_SIZE), smallest)
            while size > self.style.smallest_text and self.live_height(size) > self.line_pixels:
                size *= 0.95
            self._live_size = size
        return self._live_size

    def live_height(self, size: float) -> int:
        return MonoText(0, 0, "0", transform=None, size=size, weight="bold", pad=LIVE_PAD).extent(self.style.dpi)[1]

    def live_width(self, text: str, **props) -> float:
        """The width in pixels of a text of the live column."""
        props = {"size": self.live_size, "weight": "bold", "pad": LIVE_PAD, **props}
        return MonoText(0, 0, text, transform=None, **props).extent(self.style.dpi)[0]

    def _build_z_plot(self):
        ax, stage = self.ax_z, self.stage
        ax.set_xlim(0, stage.epochs)
        self.fit_z(stage.zlim, stage.log_z)  # the surface's limits, until a run is attached
        ax.set_xlabel(stage.step_name, fontsize=self.style.text_size())
        ax.tick_params(labelsize=self.style.text_size(0.85))
        ax.grid(True, alpha=0.35)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
        ax.xaxis.get_major_locator().set_params(nbins=4)

    def _build_legend(self):
        ax, n = self.ax_legend, len(self.stage.labels)
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        # A wrapped row takes two lines (its label, then its live value) or three, and a gap
        # under it: its value is nearer its own label than the next row's.
        heights = self._row_lines()
        lines = np.cumsum([0] + heights)
        spacing = layout.row_spacing(float(lines[-1]))
        self.legend_rows = 0.86 - lines[:-1] * spacing
        self.value_rows = self.legend_rows - np.array([self.wrapped.get(r, 0) for r in range(n)]) * spacing
        self._spacing = spacing
        # How far apart the legend's lines are, in pixels (a lone line has all the room).
        self.line_pixels = spacing * ax.get_window_extent().height if lines[-1] > 1 else float("inf")
        fs = self.label_size
        self.legend_marker_size = fs * 0.7
        texts = []
        for r, label in enumerate(self.stage.labels):
            st = self.racer_styles[r]
            y = self.legend_rows[r]
            ax.add_line(Line2D([HANDLE[0], HANDLE[1]], [y, y], linewidth=HANDLE_WIDTH, color=st["color"],
                               linestyle=self._handle_dashes(st["linestyle"])))
            ax.add_line(Line2D([LEGEND_MARKER_X], [y], marker=st["marker"], markersize=self.legend_marker_size,
                               color=st["color"], markeredgecolor=self.style.edge))
            texts.append(ax.text(layout.LABEL_X, y, label, va="center", fontsize=fs, parse_math=False))
        self.label_texts, self._label_size = texts, fs
        self.label_rests = [None] * n  # a wrapped row's label too long for its line: the rest, on its value's line
        # The live column may use the free space between the legend and a view to its right.
        self.fig.draw_without_rendering()  # the views' labels where they will be drawn
        renderer = self.canvas.get_renderer()
        box = ax.get_window_extent(renderer)
        right = 0.995 * self.fig.bbox.width
        for _, view in self.position_axes:
            other = view.get_tightbbox(renderer)  # with its tick labels
            if other.x0 > box.x0 and other.y1 > box.y0 and other.y0 < box.y1:
                right = min(right, other.x0 - 4)
        self.column_limit = (right - box.x0) / box.width
        widest = self.stage.live_prefix + WIDEST_NUMBER
        self.fit_legend(self.live_width(widest))

    def unwrap(self) -> None:
        """Every legend row on one line again, as before any `wrap`."""
        if self.wrapped:
            self.wrapped = {}
            self.wrap([])

    def _row_lines(self) -> list[float]:
        """How many of the legend's lines each row takes: 1, and its wrapped lines and a gap
        under it where it has any and a row follows."""
        n = len(self.stage.labels)
        return [1 + self.wrapped.get(r, 0) + (WRAP_GAP if self.wrapped.get(r) and r < n - 1 else 0) for r in range(n)]

    def _handle_dashes(self, linestyle: str):
        """A legend handle's dash pattern: the line's, shortened so that its pattern shows
        twice along the handle (at 480x270 one dash-dot was longer than the handle, which
        looked solid)."""
        pattern = dash_pattern(linestyle)
        if pattern is None:
            return linestyle
        handle = (HANDLE[1] - HANDLE[0]) * self.ax_legend.get_position().width * self.style.width
        cycle = sum(pattern) * HANDLE_WIDTH * self.style.dpi / 72  # pixels (dashes scale with the width)
        return (0, tuple(p * min(1.0, handle / (2 * cycle)) for p in pattern))

    def wrap(self, rows) -> None:
        """Give the live values of legend `rows` a line of their own, under their labels,
        which then take the legend's whole width (and, a row wrapped again, two lines): the
        legend grows and the z plot gives way (`layout.rectangles`). The live values' size
        is worked out again for the closer lines; fit the legend again after this."""
        for r in rows:  # a row wrapped once more: its value on a third line, under the label's two
            self.wrapped[r] = min(2, self.wrapped.get(r, 0) + 1)
        style, stage = self.style, self.stage
        rects = layout.rectangles(style.width, style.height, stage.dim, style.view, style.dpi,
                                  sum(self._row_lines()), self.label_size, self._under_title())
        with self.theme():
            self.ax_z.set_position(rects.z_plot)
            self.ax_legend.set_position(rects.legend)
            self.ax_legend.cla()
            self.ax_legend.set_axis_off()
            self._live_size = None
            self._build_legend()
        self._background = None

    def label_shown(self, r: int) -> str:
        """Row r's label as the legend shows it (its two parts joined, where it is split)."""
        rest = self.label_rests[r]
        return self.label_texts[r].get_text() + ("" if rest is None else " " + rest.get_text())

    def cut_rows(self) -> list[int]:
        """The legend rows whose label is cut."""
        return [r for r, label in enumerate(self.stage.labels) if self.label_shown(r) != label]

    def fit_legend(self, live_widths) -> None:
        """Make each label leave room for its row's live column, `live_widths` pixels wide
        (a row each, or one for all: the widest text a run shows there): the full labels
        where they fit, else smaller ones, then cut ones. The static picture is drawn again
        if that changes them."""
        if np.ndim(live_widths) == 0:
            live_widths = [float(live_widths)] * len(self.label_texts)
        before = [(self.label_shown(r), t.get_fontsize()) for r, t in enumerate(self.label_texts)]
        for r, (text, label) in enumerate(zip(self.label_texts, self.stage.labels)):
            text.set_text(label)
            text.set_fontsize(self._label_size)
            if self.label_rests[r] is not None:
                self.label_rests[r].remove()
                self.label_rests[r] = None
        box = self.ax_legend.get_window_extent(self.canvas.get_renderer())
        # A wrapped row's label has the whole width; its value starts where the label does.
        reserves = [0.0 if r in self.wrapped else width / box.width for r, width in enumerate(live_widths)]
        ends = layout.fit_labels(self.label_texts, self._label_size, box, reserves, self.column_limit,
                                 self.style.smallest_text)
        self.labels_ends = [layout.LABEL_X - layout.GAP if r in self.wrapped else end for r, end in enumerate(ends)]
        for r in self.wrapped:
            if self.label_texts[r].get_text() != self.stage.labels[r]:  # too long for a line: split it
                self.labels_ends[r] = self._split_label(r, live_widths[r] / box.width, box)
        if [(self.label_shown(r), t.get_fontsize()) for r, t in enumerate(self.label_texts)] != before:
            self._background = None

    def _split_label(self, r: int, reserve: float, box) -> float:
        """Split wrapped row r's label at the last space that lets its first part fill its
        line; the rest goes on the next line: the value's, before the value, or (a row
        wrapped twice) its own, the value under it; cut only if even that is too long.
        Return where the live value's line is taken up to, in legend widths."""
        text, label = self.label_texts[r], self.stage.labels[r]
        renderer = self.canvas.get_renderer()

        def end(artist) -> float:
            return (artist.get_window_extent(renderer).x1 - box.x0) / box.width

        cut = text.get_text()
        spaces = [i for i, c in enumerate(label) if c == " " and label[:i].strip()]
        for i in reversed(spaces):
            text.set_text(label[:i])
            if end(text) <= self.column_limit:
                break
        else:  # not even its first word fits: it stays cut
            text.set_text(cut)
            return self.labels_ends[r]
        rest = label[i + 1:]
        own_line = self.wrapped[r] > 1  # the rest on a line of its own, the value on the next
        artist = self.ax_legend.text(layout.LABEL_X, self.legend_rows[r] - self._spacing, rest, va="center",
                                     fontsize=text.get_fontsize(), parse_math=False)
        self.label_rests[r] = artist
        room = self.column_limit - (0.0 if own_line else reserve + layout.GAP)
        if end(artist) > room and len(rest) > 1:
            layout.cut_to_fit(artist, rest, " ,=(·", lambda: end(artist) <= room)
        return layout.LABEL_X - layout.GAP if own_line else end(artist)


DASH_NAMES = {"--": "dashed", "-.": "dashdot", ":": "dotted"}


def dash_pattern(linestyle: str) -> list[float] | None:
    """matplotlib's dash pattern of `linestyle` (in points at a width of 1), or None for a
    solid line."""
    return matplotlib.rcParams[f"lines.{DASH_NAMES[linestyle]}_pattern"] if linestyle in DASH_NAMES else None


def _axis_texts(ax) -> list:
    """A view's axis labels and the tick labels it draws, where it drew them (the ticks as
    drawn: `get_ticklabels` would place a 3-D view's anew, in 2-D)."""
    texts = []
    for axis in [ax.xaxis, ax.yaxis] + ([ax.zaxis] if hasattr(ax, "zaxis") else []):
        low, high = sorted(axis.get_view_interval())
        texts.append(axis.label)
        texts += [tick.label1 for tick in axis.get_major_ticks() if low <= tick.get_loc() <= high]
    return [text for text in texts if text.get_visible() and text.get_text()]


def _place(label, corner, box, placed, trail: np.ndarray) -> tuple:
    """Put `label` at `corner` (dx, dy in points, its alignments) of its point; how bad that
    is: on a placed label's box, out of the view's `box`, over how many `trail` pixels."""
    dx, dy, ha, va = corner
    label.xyann = (dx, dy)
    label.set_horizontalalignment(ha)
    label.set_verticalalignment(va)
    extent = label.get_window_extent(label.figure.canvas.get_renderer())
    outside = extent.x0 < box.x0 or extent.x1 > box.x1 or extent.y0 < box.y0 or extent.y1 > box.y1
    under = np.count_nonzero((trail[:, 0] >= extent.x0) & (trail[:, 0] <= extent.x1)
                             & (trail[:, 1] >= extent.y0) & (trail[:, 1] <= extent.y1))
    return any(extent.overlaps(other) for other in placed), outside, under


def stage_racer_styles(stage: Stage, style: Style) -> list[dict]:
    """Each racer's colour, dash and marker (`style.racer_styles`); in ink where the
    colours say which minimum each start reaches (`Stage.basin_colors`)."""
    styles = racer_styles(stage.kinds)
    return [{**st, "color": style.ink} for st in styles] if stage.basin_colors else styles


def stage_key_colors(stage: Stage, style: Style) -> list[str]:
    """The colours a scene's pictures keep exactly through palette reduction
    (`style.key_colors`): its racers' and its basins'."""
    racers = [st["color"] for st in stage_racer_styles(stage, style)]
    return key_colors(style, racers + list(stage.basin_colors) + plane_colors(stage, style))


def plane_colors(stage: Stage, style: Style) -> list[str]:
    """A race over a model: each racer's colour faded, for the loss on the plane under it
    (its own line keeps its colour); else none."""
    if not stage.marks_on_surface:
        return []
    return [faded(st["color"], style.paper) for st in stage_racer_styles(stage, style)]


def draw_view(kind: str, ax, stage: Stage, style: Style) -> None:
    """The static part of a position view: the surface, its axes, the start and minima."""
    {"3d": _draw_3d, "contour": _draw_contour, "curve": _draw_curve, "steps": _draw_steps}[kind](ax, stage, style)
    _mark_starts_and_minima(ax, stage, kind, style)



def _draw_3d(ax, stage: Stage, style: Style) -> None:
    fs = style.text_size()
    xs, ys, zs = stage.mesh
    # Opaque faces tinted towards the background: translucent faces would show seams
    # where neighbours overlap, and the moving artists are blitted on top anyway.
    lo, hi = stage.zlim_plotted
    faces = style.surface_colors((zs - lo) / (hi - lo))
    ax.plot_surface(xs, ys, zs, facecolors=faces, linewidth=0, edgecolor="none", antialiased=False,
                    shade=False, rcount=style.mesh, ccount=style.mesh)
    (x0, x1), (y0, y1) = stage.domain
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_zlim(*stage.zlim_plotted)
    for axis in (ax.xaxis, ax.yaxis, ax.zaxis):
        axis.set_pane_color((1, 1, 1, 0) if style.theme == "dark" else (0.95, 0.95, 0.95, 1))
    # mplot3d sets labels and tick labels off their axes by their pad plus a fixed offset,
    # in points, whatever the text's size: that room grows with the text (at 1920x1080 "MSE"
    # met its tick labels), and below 100 dpi, where the text keeps its smallest size in
    # pixels, it keeps the pixels it has at 100.
    keep = max(1.0, 100 / style.dpi) * max(1.0, style.font_scale)

    def offset(points: float, fixed: float) -> float:
        return (points + fixed) * keep - fixed

    ax.set_xlabel(stage.axis_names[0], fontsize=fs, labelpad=offset(2, MPL3D_LABEL_OFFSET))
    ax.set_ylabel(stage.axis_names[1], fontsize=fs, labelpad=offset(2, MPL3D_LABEL_OFFSET))
    z_label = f"log₁₀ {stage.value_name}" if stage.log_z else stage.value_name
    # Along the axis, as matplotlib turns a label of 5 characters: "MSE" across it met the ticks.
    # Turned a quarter, reading upwards: matplotlib's own turn follows the axis, and where the
    # camera puts the axis on the left it read downwards, its letters upside down.
    ax.zaxis.set_rotate_label(False if len(z_label) > 1 else None)
    ax.set_zlabel(z_label, fontsize=fs, labelpad=offset(1, MPL3D_LABEL_OFFSET),
                  **({"rotation": 90} if len(z_label) > 1 else {}))
    ax.tick_params(labelsize=style.text_size(0.8), pad=offset(0, MPL3D_TICK_OFFSET))
    # As many ticks as the view has room for (labels are about five characters wide), none
    # at the ends of x and y: their labels meet at the front corner.
    room = ax.get_position().width * style.width / (style.text_size(0.8) * style.dpi / 72 * 6)
    for axis in (ax.xaxis, ax.yaxis):
        axis.get_major_locator().set_params(nbins=int(np.clip(room / 1.5, 2, 5)), prune="both")
    ax.zaxis.get_major_locator().set_params(nbins=int(np.clip(room / 1.5, 2 if room < 3 else 3, 5)))
    if stage.equal_axes:  # the default box is (4, 4, 3): x and y keep their units' proportion
        longest = max(x1 - x0, y1 - y0)
        ax.set_box_aspect((4 * (x1 - x0) / longest, 4 * (y1 - y0) / longest, 3))
    ax.grid(False)
    ax.patch.set_visible(False)  # its rectangle is wider than its box: beside a contour map it would cover its edge
    ax.view_init(*stage.camera)


def _draw_contour(ax, stage: Stage, style: Style) -> None:
    xs, ys, zs = stage.contour
    ax.contourf(xs, ys, zs, levels=14, cmap=SURFACE_MAP, alpha=style.surface_tint + 0.05)
    ax.contour(xs, ys, zs, levels=14, colors=style.edge, linewidths=0.4, alpha=0.35)
    (x0, x1), (y0, y1) = stage.domain
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_xlabel(stage.axis_names[0], fontsize=style.text_size())
    ax.set_ylabel(stage.axis_names[1], fontsize=style.text_size())
    ax.tick_params(labelsize=style.text_size(0.85))
    ax.xaxis.get_major_locator().set_params(prune="lower")  # its first label would meet y's in the corner
    # Beside a 3-D view the map's room is tall and narrow: a round bowl would look oval.
    # Its units are kept equal there (the box shrinks to fit), unless the domain itself
    # is so long that the map would become a sliver.
    ratio = (y1 - y0) / (x1 - x0)
    equal = stage.equal_axes or (style.view == "both" and 0.5 <= ratio <= 2)
    ax.set_aspect("equal" if equal else "auto", adjustable="box")
    ax.apply_aspect()


def _draw_curve(ax, stage: Stage, style: Style) -> None:
    xs, _, zs = stage.curve
    ax.plot(xs, zs, color=style.edge, linewidth=1.5, alpha=0.7)
    (x0, x1), = stage.domain
    ax.set_xlim(x0, x1)
    lo, hi = stage.zlim_plotted
    ax.set_ylim(lo - MARGIN * (hi - lo), hi)  # a racer at the lowest z shows whole, not cut by the edge
    ax.set_ylabel(f"log₁₀ {stage.value_name}" if stage.log_z else stage.value_name, fontsize=style.text_size())
    ax.tick_params(labelsize=style.text_size(0.85), labelbottom=False)  # the steps under it say x
    ax.grid(True, alpha=0.35)


def _draw_steps(ax, stage: Stage, style: Style) -> None:
    """Under a 1-D curve, on its x axis: each racer's x at every step, time running down,
    so that a step that overshoots, a zig-zag or a crawl shows even where the curve's
    heights agree."""
    (x0, x1), = stage.domain
    ax.set_xlim(x0, x1)
    ax.set_ylim(stage.epochs * (1 + MARGIN), -stage.epochs * MARGIN)
    ax.set_xlabel(stage.axis_names[0], fontsize=style.text_size(), labelpad=1)
    ax.set_ylabel(stage.step_name, fontsize=style.text_size())
    ax.tick_params(labelsize=style.text_size(0.85))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.yaxis.get_major_locator().set_params(nbins=4, integer=True)
    ax.grid(True, alpha=0.35)


def _mark_starts_and_minima(ax, stage: Stage, kind: str, style: Style) -> None:
    scale = style.mark_scale
    # A grid of starts must not hide the view: smaller marks the more there are.
    start_size = scale * (7 if stage.n_starts <= 4 else max(1.2, 3.5 * min(1.0, (50 / stage.n_starts) ** 0.5)))
    start = dict(marker="o", markersize=start_size, markerfacecolor="white", markeredgecolor="black",
                 markeredgewidth=1 if start_size > 4 else 0.6)
    minimum = dict(marker="*", markersize=14 * scale, color=GOLD, markeredgecolor="black")
    saddle = dict(marker="X", markersize=10 * scale, color=SADDLE_MARK, markeredgecolor="black", markeredgewidth=scale)
    local = dict(marker="*", markersize=12 * scale, color="white", markeredgecolor="black", markeredgewidth=scale)
    locals_ = np.asarray(stage.local_minima, dtype=float).reshape(-1, stage.dim)
    if stage.basin_colors and kind != "steps":  # each minimum ringed in the colour of the starts that reach it
        for point, height, color in zip(stage.all_minima, stage.all_minima_heights, stage.basin_colors):
            ax.plot(*view_coords(kind, point[None], np.array([height]), 0), linestyle="", marker="o", zorder=5.5,
                    markersize=17 * scale, markerfacecolor="none", markeredgecolor=color, markeredgewidth=2 * scale)
    basin = dict(zip(map(tuple, stage.all_minima), stage.basin_colors))
    # One artist per kind of mark (a grid of 10,000 starts is one line of markers, not 10,000).
    for points, heights, marker in ((stage.starts, stage.start_heights, start),
                                    (stage.minima, stage.minima_heights, minimum),
                                    (stage.saddles, stage.saddle_heights, saddle),
                                    (locals_, stage.local_minima_heights, local)):
        if not len(points):
            continue
        points, heights = np.asarray(points, dtype=float), np.asarray(heights, dtype=float)
        if kind == "steps":  # a minimum: the line the racers would settle on; a start: at epoch 0
            if marker is minimum or marker is local:  # thin and dotted: no racer's line looks like it
                for point in points:
                    color = basin.get(tuple(point), style.ink if marker is minimum else "grey")
                    ax.axvline(point[0], color=color, linewidth=1.0 if color not in basin.values() else 1.5,
                               linestyle=(0, (1, 2)), alpha=0.8, zorder=1)
                continue
            if marker is saddle:
                continue
        coords = view_coords(kind, points, heights, 0)
        ax.plot(*coords, linestyle="", zorder=6, **marker)
