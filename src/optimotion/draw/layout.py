"""Where things go: the axes rectangles of a frame, and text made to fit its room.

Rectangles are figure fractions (left, bottom, width, height). In a wide frame the
legend sits above the z plot on the left and the position view fills the right; in a tall
or square one the view is on top, the z plot bottom left and the legend bottom right.
"""
from __future__ import annotations

from typing import NamedTuple

from optimotion.draw.style import below_smallest

GAP = 0.04     # between a legend label and the live column, in legend widths
LABEL_X = 0.2  # where legend labels start, in legend widths
ROW_PIXELS = 16  # a legend row's height at 100 dpi: its live value at the smallest text size
LINE_EMS = 1.3   # and at least this many of its label's size
COUNTER_ROOM = 30  # pixels at 100 dpi above the z plot for the epoch counter (the smallest text)


def row_spacing(rows: float) -> float:
    """How far apart the legend's lines are, in legend heights, for `rows` lines (gaps
    between rows count as parts of lines)."""
    return min(0.24, 0.76 / max(rows - 1, 1))


class Rectangles(NamedTuple):
    z_plot: tuple
    legend: tuple
    views: list[tuple[str, tuple]]  # (kind, rectangle): kind is "3d", "contour" or "curve"


def view_kinds(dim: int, view: str) -> list[str]:
    if dim == 1:  # the curve, and under it each racer's x at every step (sharing the curve's x axis)
        return ["curve", "steps"]
    return {"3d": ["3d"], "contour": ["contour"], "both": ["contour", "3d"]}[view]


def rectangles(width: int, height: int, dim: int, view: str, dpi: int = 100, rows: int = 1,
               label_size: float = 0.0, top: float = 0.91) -> Rectangles:
    """The rectangles of a frame whose legend has `rows` lines of labels `label_size`
    points tall, under a title (and the line under it) that ends at `top`."""
    kinds = view_kinds(dim, view)
    # Left of and under the z plot: its tick labels and axis label, which grow with dpi and
    # keep at least the smallest text's size in a small frame.
    shrink = below_smallest(width, height)  # below 480x270 the text shrinks with the frame
    # Text grows with dpi from 100 up; below, it keeps its smallest size in pixels, as at 100.
    grow = max(1.0, dpi / 100)
    margin = min(0.3, max(0.09 * grow, 52 * shrink * grow / width))
    bottom = min(0.3, max(0.12, 36 * shrink * grow / height))
    # Of a 3-D view: its z label stands out right of its box, and its x label under it.
    right = 0.985 - max(0.05 * grow, 40 * shrink * grow / width)
    under = max(0.04, 28 * shrink * grow / height)
    if width / height > 1.2:
        left = 0.27 if len(kinds) == 2 and dim == 2 else 0.33
        # The legend sits above the z plot: with the live values near the top, where runs
        # start, a GIF frame's changed rectangle stays short in the early frames.
        z_right = left + 0.085 - 0.05 * (grow - 1)  # clear of the view's labels as they grow
        # A small frame or a long legend: the legend grows down, so that its rows keep room
        # for their live values, and the z plot gives way.
        # (the live values never get smaller than their smallest size in pixels, at any dpi)
        line = max(ROW_PIXELS * shrink * grow, LINE_EMS * label_size * dpi / 72)
        legend_height = max(0.23, line / row_spacing(rows) / height)
        top = min(0.91, top)
        legend_bottom = max(0.45, top - legend_height)
        z_top = min(0.64, legend_bottom - max(0.04, COUNTER_ROOM * shrink * grow / height))
        z_rect, legend_rect = (margin, bottom, z_right - margin, z_top - bottom), (0.01, legend_bottom, left + 0.07,
                                                                                   top - legend_bottom)
        flat_left = max(left + 0.16, z_right + 48 * shrink * grow / width)  # its y label clear of the z plot
        flat = (flat_left, bottom, 0.96 - flat_left, 0.88 - bottom)
        if dim == 1:
            rects = dict(zip(("curve", "steps"), _one_over_other(flat)))
        elif len(kinds) == 2:
            # the 3-D view narrow beside the map: its labels stand out further, its z label right
            inset = 6 * shrink * grow / width
            rects = {"contour": (0.43, 0.12, 0.24 - inset, 0.76),
                     "3d": (0.665 + inset, 0.07, right - 0.665 - 2 * inset, 0.84)}
        else:
            rects = {"3d": (left + 0.1, under, right - left - 0.1, 0.92 - under), "contour": flat, "curve": flat}
    else:
        z_rect, legend_rect = (margin + 0.02, 0.08, 0.49 - margin, 0.25), (0.55, 0.02, 0.43, 0.33)
        flat_left = max(0.12, margin + 0.02)  # its tick labels and y label, as the z plot's
        flat = (flat_left, 0.45, 0.94 - flat_left, 0.45)
        if dim == 1:
            rects = dict(zip(("curve", "steps"), _one_over_other(flat)))
        elif len(kinds) == 2 and height > 1.3 * width:  # a phone's: the map over the 3-D view, each full width
            # the 3-D view's x label clear of the counter under it
            rects = {"contour": (0.12, 0.68, 0.82, 0.26), "3d": (0.04, 0.43, right - 0.04, 0.23)}
        elif len(kinds) == 2:
            rects = {"contour": (0.1, 0.45, 0.37, 0.45), "3d": (0.5, 0.38, right - 0.5, 0.56)}
        else:
            aside = max(0.02, 30 * shrink * grow / width)  # a z label the camera puts on the left
            low = 0.37 + 0.05 * (grow - 1)  # its x label clear of the counter as the text grows
            rects = {"3d": (aside, low, right - aside, 0.94 - low), "contour": flat, "curve": flat}
    return Rectangles(z_rect, legend_rect, [(kind, rects[kind]) for kind in kinds])


CURVE_SHARE = 0.45  # of a 1-D scene's view: the curve's height, above the steps


def _one_over_other(rect: tuple) -> tuple[tuple, tuple]:
    """A 1-D scene's curve over its steps, in `rect`: the same width, so one x axis serves both."""
    x, y, width, height = rect
    curve = CURVE_SHARE * height
    return (x, y + height - curve, width, curve), (x, y, width, height - curve - 0.02)


def fit_title(fig, text: str, size: float, smallest: float = 0.0):
    """A title at the top of `fig`, made to fit its width: smaller, down to 70% (and not
    below `smallest` points), then cut with an ellipsis."""
    title = fig.text(0.5, 0.985, text, ha="center", va="top", fontsize=size, weight="bold", parse_math=False)
    layout, room = fig.canvas.get_renderer(), 0.97 * fig.bbox.width
    width = title.get_window_extent(layout).width
    if width > room:
        title.set_fontsize(max(size * max(0.7, room / width), min(size, smallest)))
    if title.get_window_extent(layout).width > room:
        cut_to_fit(title, text, " ,;:—-", lambda: title.get_window_extent(layout).width <= room)
    return title


def fit_subtitle(fig, title, text: str, size: float):
    """A line of plain text under `title`, centred; too wide for the figure, on two lines,
    split at the " · " that leaves the shorter longest line (a phone's page cut the
    network scenes' one explanation of their dotted lines), then cut to its width."""
    layout, room = fig.canvas.get_renderer(), 0.97 * fig.bbox.width
    below = title.get_window_extent(layout).y0 / fig.bbox.height - 0.004
    line = fig.text(0.5, below, text, ha="center", va="top", fontsize=size, parse_math=False, alpha=0.8,
                    linespacing=1.1)

    def fits() -> bool:
        return line.get_window_extent(layout).width <= room

    if not fits():
        parts = text.split(" · ")
        splits = [(" · ".join(parts[:k]), " · ".join(parts[k:])) for k in range(1, len(parts))]
        if splits:
            first, rest = min(splits, key=lambda pair: max(len(pair[0]), len(pair[1])))
            text = f"{first}\n{rest}"
            line.set_text(text)
    if not fits():
        cut_to_fit(line, text, " ,;:—-·", fits)
    return line


def cut_to_fit(artist, text: str, strip: str, fits) -> None:
    """Set `artist`'s text to the longest start of `text` (then "…") for which `fits()`:
    a binary search, as a cut text is no wider than a longer cut of it."""
    def cut(n: int) -> str:
        return text[:n].rstrip(strip) + "…"

    low, high = 1, len(text) - 1  # cut(low) is the shortest allowed
    while low < high:
        middle = (low + high + 1) // 2
        artist.set_text(cut(middle))
        if fits():
            low = middle
        else:
            high = middle - 1
    artist.set_text(cut(low))


LONG_LABEL = 3  # a label this many times the middle one's length is cut rather than shrinking all


def fit_labels(texts: list, size: float, legend_box, reserves: list[float], column_limit: float,
               smallest: float = 0.0) -> list[float]:
    """Shrink (down to 75% and not below `smallest` points, all alike), then cut with an ellipsis, the legend labels
    `texts` so that each leaves room for its own row's live column (`reserves`, widths in
    legend widths: the widest text that row shows) before `column_limit`; return where each
    label ends, in legend widths. A row whose live column is narrow lends its label the
    room another row's long note needs. A label more than LONG_LABEL times as long as the
    middle one is cut, and does not make the others smaller."""
    layout = texts[0].figure.canvas.get_renderer() if texts else None
    rooms = [column_limit - reserve - GAP - LABEL_X for reserve in reserves]

    def end(text) -> float:
        return (text.get_window_extent(layout).x1 - legend_box.x0) / legend_box.width - LABEL_X

    ends = [end(t) for t in texts]
    middle = sorted(ends)[(len(ends) - 1) // 2] if ends else 0
    squeeze = [room / e for e, room in zip(ends, rooms) if room < e <= LONG_LABEL * middle]
    if squeeze:
        for t in texts:
            t.set_fontsize(max(size * max(0.75, min(squeeze)), min(size, smallest)))
    for t, room in zip(texts, rooms):
        if end(t) > room and len(t.get_text()) > 1:
            cut_to_fit(t, t.get_text(), " ,=(·", lambda t=t, room=room: end(t) <= room)
    return [LABEL_X + end(t) for t in texts]
