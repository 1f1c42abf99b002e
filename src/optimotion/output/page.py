"""The web page: one self-contained HTML file that plays a run, for a blog post or a course.

The static picture is drawn once, on the same `Picture` the GIF's frames are drawn on, and
embedded in the GIF's palette (a lossless WebP). The moving parts (z lines, trails,
markers, live values, the epoch counter) are drawn by the page's script (`web/player.js`)
from the recorded run, at any epoch: every position and value is projected to pixels
here, by the transforms that draw the frames, and the texts are formatted here, by the
rules that write them in the GIF. Nothing is fetched: script, style, picture and data
are in the file.

A landscape picture also comes laid out tall, for a phone held upright (`phone_style`):
the same data built again by the same code for that picture, stored as what it changes
(`_overlay`, its pixels as they differ from the wide picture's, `_relative`); the player
shows whichever fits the window.

Where a render has alternatives (a scene's `variants`, a sweep of one hyperparameter; or
a tuned race and the race as written), each simulated by the render, the page offers a
slider between them; their z plots share one fit, so that the static picture serves them
all, and only the legend's labels are drawn per race.
"""
from __future__ import annotations

import base64
import importlib.resources
import io
import json
import math
import zlib
from dataclasses import replace
from typing import NamedTuple

import numpy as np
from matplotlib import rcParams
from matplotlib.markers import MarkerStyle
from PIL import Image

from optimotion.draw import layout, monotext
from optimotion.draw.frames import (
    COUNTER_PAD,
    counter_corner,
    pace_corner,
    EXIT_EDGE_WIDTH,
    LEADER_DOT,
    LEADER_WIDTH,
    EXIT_MARKER_SIZE,
    GLYPH_BOLD,
    GLYPH_DASHES,
    GLYPH_HEAD,
    GLYPH_WIDTH,
    HOLLOW_EDGE_WIDTH,
    LEGEND_HOLLOW_WIDTH,
    NEWEST_WIDER,
    NOTE_AT,
    PLANE_LINE,
    pace_size,
    FrameDrawer,
    compact,
)
from optimotion.draw.glyphs import glyph_tracks
from optimotion.draw.picture import BADGE_SIZE, LEGEND_MARKER_X, LIVE_PAD, dash_pattern, stage_key_colors
from optimotion.draw.views import position_pixels, view_pixels
from optimotion.draw.stage import SLOW_HOLD_MS, Reel, Stage, one_line, reel_for, slow_start
from optimotion.draw.style import Style, hex_color, rgb
from optimotion.output import encoders
from optimotion.output.markup import attribute_text, fill, script_json, script_text
from optimotion.simulation import runner
from optimotion.simulation.alternatives import Alternatives
from optimotion.simulation.start_grid import StartGrid

WEB = importlib.resources.files("optimotion.output") / "web"  # the player: the package's data
SUBPIXELS = 8          # positions are stored in 1/8 pixel
FAR = 1e5              # a pixel coordinate further out than this is stored as this


def build(alternatives: Alternatives, stage: Stage, style: Style, fps: float, reel: Reel | None = None,
          card: bytes | None = None, grid: StartGrid | None = None, phone: bool = True) -> bytes:
    """The page's bytes: `alternatives` are the races it plays (`Alternatives`: the
    scene's own run alone, or its variants, or a tuned race and the race as written),
    drawn as `stage` in `style`; `card` a PNG shown under the player (the tuning card);
    `grid` the default race from every point of a grid, for a start anywhere; `phone`
    whether a landscape picture also comes laid out tall, for a phone held upright
    (`phone_style`).

    `reel` is the default race's (its frame epochs and z fit), as the GIF drew it; with
    one race the page shows exactly that.
    """
    default, several = alternatives.default, len(alternatives.runs) > 1
    if alternatives.caption is not None:
        stage = replace(stage, caption=alternatives.caption)
    scenes_runs = list(zip(alternatives.scenes, alternatives.runs))
    stages = [stage if not several else replace(stage, labels=tuple(one_line(r.name) for r in scene_v.racers))
              for scene_v, _ in scenes_runs]
    reels = [reel if not several and reel is not None else _reel(scene_v, run_v, stage_v)
             for stage_v, (scene_v, run_v) in zip(stages, scenes_runs)]
    if several:  # one z plot for all: the static picture is the same for every race
        low, high = min(r.z_range[0] for r in reels), max(r.z_range[1] for r in reels)
        log = all(r.z_log for r in reels) and low > 0
        reels = [r._replace(z_range=(low, high), z_log=log) for r in reels]
    races = Races(stages, reels, [run_v for _, run_v in scenes_runs], default, several)
    data = {
        "fps": fps, "title": stage.title, "step": stage.step_name,
        "firstHold": encoders.FIRST_FRAME_HOLD_MS, "lastHold": encoders.LAST_FRAME_HOLD_MS,
        "paper": _hex(style.paper), "ink": _hex(style.ink), "edge": _hex(style.edge), "dpi": style.dpi,
        "exitUp": _marker_outline("^"), "exitDown": _marker_outline("v"),
        "variants": None if not several else {
            "name": alternatives.name, "values": list(alternatives.values), "default": default},
        "card": None if card is None else _data_uri(card),
        **_layout(races, style, grid),
    }
    tall = phone_style(style) if phone else None
    if tall is not None:  # what the tall picture changes: its pixels, and any text laid out anew
        tall_layout = _layout(races, tall, grid)
        _relative(data, tall_layout)
        data["phone"] = _overlay(data, {**data, **tall_layout})
        _pack_tracks(data["phone"])
    _pack_tracks(data)
    return _html(data, stage.title, style)


# -- the layouts: the picture as the style lays it out, and a phone's -------------------------
PHONE = (380, 640)  # the phone layout's picture in CSS pixels: about a phone's width, upright
PHONE_DENSITY = 1.5  # its pixels a CSS pixel (at 150 dpi): a phone's screen has 2 or 3


def phone_style(style: Style) -> Style | None:
    """The style of the page's phone layout: PHONE CSS pixels drawn at PHONE_DENSITY
    pixels each and as many dpi (150: 570x960), tall (the view on top, the z plot and the
    legend under it), so that on a phone held upright the picture fills the width, at
    about its own CSS size, with its text at about 10 CSS pixels and as sharp as the
    screen. None where the picture is not landscape (it is laid out tall already) or is
    no wider than that (a phone shows it whole)."""
    if style.width <= style.height or style.width <= PHONE[0]:
        return None
    width, height = (round(side * PHONE_DENSITY) for side in PHONE)
    return replace(style, width=width, height=height, dpi=round(100 * PHONE_DENSITY), density=PHONE_DENSITY)


class Races(NamedTuple):
    """The races a page plays, as `build` prepared them: each one's stage (its labels) and
    reel (frames, and the z fit they share), its run; the default's index."""
    stages: list[Stage]
    reels: list[Reel]
    runs: list[runner.Run]
    default: int
    several: bool


def _layout(races: Races, style: Style, grid: StartGrid | None) -> dict:
    """Everything of the page a picture's size decides, in `style`: the static picture,
    the racers' looks, where the views, the z plot and the counter are, and each race's
    (and a start grid's) tracks and legend in this picture's pixels."""
    drawers = [FrameDrawer(stage_v, style, reel_v) for stage_v, reel_v in zip(races.stages, races.reels)]
    first = drawers[races.default]
    colors = stage_key_colors(first.stage, style)
    label_box = _label_box(drawers)
    return {
        "width": style.width, "height": style.height,
        "background": _picture_uri(_static_picture(first), colors, "webp"),
        "racers": _racer_looks(first), "stride": first.stride,
        "views": [{"kind": kind, "clip": _box(first, ax)} for kind, ax in first.picture.position_axes],
        "z": _z_plot(first),
        "counter": _counter(first),
        "runs": [_run_data(drawer, label_box, colors, with_labels=races.several, run=run_v)
                 for drawer, run_v in zip(drawers, races.runs)],
        "grid": None if grid is None else _grid_data(first, grid),
    }


SAME = object()  # what `_overlay` answers where nothing differs


def _overlay(base, other):
    """What `other` changes of `base`, both data of the page built by the same code (for
    two layouts), for the player to lay over `base` (`overlay` in player.js): of a dict,
    the keys whose values differ, each as its own overlay; of a list as long as the
    other, the items that differ by index ({"3": ...}), unless it holds plain values and
    more than an eighth of them differ (then the list: pixels' deltas deflate better
    whole than picked out); else the value itself. SAME where nothing differs."""
    if isinstance(base, dict) and isinstance(other, dict):
        assert base.keys() <= other.keys(), "a key a layout lacks cannot be laid over"
        changes = {}
        for key, value in other.items():
            change = _overlay(base[key], value) if key in base else value
            if change is not SAME:
                changes[key] = change
        return changes or SAME
    if isinstance(base, list) and isinstance(other, list) and len(base) == len(other):
        changes = {str(i): change for i, (b, o) in enumerate(zip(base, other))
                   if (change := _overlay(b, o)) is not SAME}
        if not changes:
            return SAME
        nested = any(isinstance(o, (dict, list)) for o in other)
        return changes if nested or 8 * len(changes) < len(other) else other
    assert not (isinstance(base, list) and isinstance(other, dict)), "a dict laid over a list patches it"
    return SAME if base == other else other


def _starts(layout: dict):
    """Every track of a layout (each race's racers' starts, then each grid start's racers')."""
    for run in layout["runs"]:
        for racer in run["tracks"]["racers"]:
            yield from racer["starts"]
    for start in (layout["grid"] or {}).get("tracks", []):
        yield from start


def _relative(base: dict, other: dict) -> None:
    """Store `other`'s track pixels (another layout's, as exact) as they differ from a
    straight-line fit of `base`'s: in each view and direction, and in the z plot, a pixel
    p (in 1/SUBPIXELS) is floor(a * q + b + 0.5) + r, q the same point's in `base`, a and
    b fitted over all points ("fits"), r mostly -1, 0 or 1 ("residuals"). Where the two
    projections differ by a scale and a shift, as a tall view of the same camera does,
    that deflates to a third of the pixels' own deltas; where not, it is as exact, only
    larger. The player adds it up (`undelta` in player.js)."""
    pairs = list(zip(_starts(base), _starts(other), strict=True))
    if not pairs:
        return

    def fit(key) -> list[float]:
        q = np.concatenate([_steps(key(b)) for b, _ in pairs]).astype(float)
        p = np.concatenate([_steps(key(o)) for _, o in pairs]).astype(float)
        near = (np.abs(q) < FAR * SUBPIXELS) & (np.abs(p) < FAR * SUBPIXELS)
        if len(np.unique(q[near])) < 2:
            return [0.0, 0.0]
        return [float(f"{c:.10g}") for c in np.polyfit(q[near], p[near], 1)]

    views = [[fit(lambda t, v=v, i=i: t["views"][v][i]) for i in (0, 1)] for v in range(len(base["views"]))]
    z = fit(lambda t: t["z"])

    def residuals(q_deltas, p_deltas, line) -> list[int]:
        (a, b), q, p = line, _steps(q_deltas).astype(float), _steps(p_deltas)
        return (p - np.floor(a * q + b + 0.5).astype(np.int64)).tolist()

    for mine, theirs in pairs:
        theirs["residuals"] = {"views": [[residuals(qs, ps, line) for qs, ps, line in zip(qv, pv, lines)]
                                         for qv, pv, lines in zip(mine["views"], theirs["views"], views)],
                               "z": residuals(mine["z"], theirs["z"], z)}
        theirs["views"], theirs["z"] = mine["views"], mine["z"]  # the same as `base`'s: left out of its overlay
    other["fits"] = {"views": views, "z": z}


def _steps(deltas: list[int]) -> np.ndarray:
    """Delta-coded pixels (`_coded`) as they add up, in 1/SUBPIXELS."""
    return np.cumsum(np.asarray(deltas, dtype=np.int64))


def _pack_tracks(data: dict) -> None:
    """The tracks of each race and of a start grid (or their overlays), packed (`_packed`)."""
    runs = data.get("runs") or {}
    for run in runs.values() if isinstance(runs, dict) else runs:
        if "tracks" in run:
            run["tracks"] = _packed(run["tracks"])
    if data.get("grid") and "tracks" in data["grid"]:
        data["grid"]["tracks"] = _packed(data["grid"]["tracks"])


def _reel(scene, run: runner.Run, stage: Stage) -> Reel:
    """A variant's reel, as `render` makes the scene's own: its frames (a slow start's
    included) and its glyphs."""
    frame_epochs, phases = slow_start(scene.frame_epochs_for(run.positions), scene.slow_start)
    tracks = run.tracks._replace(glyphs=glyph_tracks(scene, run.state, run.positions, stage.domain, frame_epochs))
    return reel_for(stage, tracks, frame_epochs, phases)


def _hex(color: str) -> str:
    """"#rrggbb" for a colour the style names ("white"): the page appends an alpha to it."""
    return hex_color(rgb(color))


# -- the static picture ------------------------------------------------------------------
def _static_picture(drawer: FrameDrawer) -> np.ndarray:
    picture = drawer.picture
    picture.background()
    return np.asarray(Image.fromarray(np.asarray(picture.canvas.buffer_rgba())).convert("RGB"))


def _picture_uri(pixels: np.ndarray, colors, kind: str = "png") -> str:
    """A picture in the GIF's palette (the same colours, and a small file), as a data URI:
    a PNG, or a lossless WebP (the same pixels, in a fifth to a quarter fewer bytes; every
    browser that runs the player shows WebP)."""
    image, = encoders.quantized([pixels], colors)
    out = io.BytesIO()
    if kind == "webp":
        image.convert("RGB").save(out, format="WEBP", lossless=True, quality=100, method=4)
    else:
        image.save(out, format="PNG", optimize=True)
    return _data_uri(out.getvalue(), kind)


def _data_uri(image: bytes, kind: str = "png") -> str:
    return f"data:image/{kind};base64," + base64.b64encode(image).decode("ascii")


def _label_box(drawers) -> list[int]:
    """The pixels (canvas: from the top left) that every variant's legend labels fit in."""
    boxes = []
    for drawer in drawers:
        picture = drawer.picture
        renderer = picture.canvas.get_renderer()
        boxes += [t.get_window_extent(renderer) for t in picture.label_texts + picture.label_rests if t is not None]
    height = drawers[0].style.height
    x0, x1 = math.floor(min(b.x0 for b in boxes)) - 1, math.ceil(max(b.x1 for b in boxes)) + 1
    y0, y1 = math.floor(height - max(b.y1 for b in boxes)) - 1, math.ceil(height - min(b.y0 for b in boxes)) + 1
    return [max(0, x0), max(0, y0), x1 - max(0, x0), y1 - max(0, y0)]


def _box(drawer: FrameDrawer, ax) -> list[float]:
    """An axes' rectangle in canvas pixels: x, y from the top left, width, height."""
    box = ax.get_window_extent(drawer.picture.canvas.get_renderer())
    return [box.x0, drawer.style.height - box.y1, box.width, box.height]


# -- how each racer looks ----------------------------------------------------------------
def _points_to_pixels(points: float, dpi: float) -> float:
    return points * dpi / 72


def _marker_outline(marker: str) -> list[list[list[float]]]:
    """The marker's outline as polygons, in units of its size (matplotlib's own shape)."""
    style = MarkerStyle(marker)
    path = style.get_path().transformed(style.get_transform())
    return [[[round(float(x), 4), round(float(-y), 4)] for x, y in polygon] for polygon in path.to_polygons()]


def _dashes(linestyle: str, width_points: float, dpi: float) -> tuple[list[float], str]:
    """matplotlib's dash pattern for `linestyle` at this width, in pixels, and the cap as a
    canvas names it."""
    pattern = dash_pattern(linestyle) or []
    cap = rcParams["lines.dash_capstyle" if pattern else "lines.solid_capstyle"]
    scale = width_points if rcParams["lines.scale_dashes"] else 1.0
    return [_points_to_pixels(p * scale, dpi) for p in pattern], {"projecting": "square"}.get(cap, cap)


def _spread_place(place, height: int) -> list[float] | None:
    """A marker drawn aside ((where it is, where it is drawn), the figure's pixels, y up)
    in the page's pixels (y down): [x, y, x drawn, y drawn]."""
    if place is None:
        return None
    (x0, y0), (x1, y1) = place
    return [round(float(c), 2) for c in (x0, height - y0, x1, height - y1)]


def _racer_looks(drawer: FrameDrawer) -> list[dict]:
    dpi, single, scale = drawer.style.dpi, drawer.stage.n_starts == 1, drawer.mark_scale
    looks = []
    for r, st in enumerate(drawer.styles):
        width = drawer.widths[r] if single else 1.0
        dashes, cap = _dashes(st["linestyle"], width, dpi)
        plane_dashes, plane_cap = _dashes(":", width * PLANE_LINE, dpi)
        looks.append({
            "color": st["color"], "outline": _marker_outline(st["marker"]),
            "lineWidth": _points_to_pixels(width, dpi), "newestWidth": _points_to_pixels(width * NEWEST_WIDER, dpi),
            "dashes": dashes, "cap": cap,
            "planeWidth": _points_to_pixels(width * PLANE_LINE, dpi), "planeDashes": plane_dashes,
            "planeCap": plane_cap,
            "planeColor": drawer.plane_colors[r] if drawer.plane_colors else st["color"],
            "markerSize": _points_to_pixels(drawer.sizes[r], dpi),
            "edgeWidth": _points_to_pixels(rcParams["lines.markeredgewidth"], dpi),
            "hollowWidth": _points_to_pixels(HOLLOW_EDGE_WIDTH * scale, dpi),
            "exitSize": _points_to_pixels(EXIT_MARKER_SIZE * scale, dpi),
            "exitEdge": _points_to_pixels(EXIT_EDGE_WIDTH * scale, dpi),
            "glyph": _glyph_look(drawer.widths[r] * GLYPH_WIDTH, dpi),
            "leader": _points_to_pixels(LEADER_WIDTH * scale, dpi), "leaderDot": _points_to_pixels(LEADER_DOT * scale, dpi),
        })
    return looks


def _glyph_look(width: float, dpi: float) -> dict:
    """A racer's glyphs in pixels, as the frames draw them (matplotlib's arrow head: 0.4
    of the mutation scale long, 0.2 wide)."""
    head = GLYPH_HEAD * width
    return {"width": _points_to_pixels(width, dpi), "bold": _points_to_pixels(width * GLYPH_BOLD, dpi),
            "dashes": [_points_to_pixels(d * width, dpi) for d in GLYPH_DASHES],
            "box": _points_to_pixels(width * 0.8, dpi), "halo": _points_to_pixels(width * 2.2, dpi),
            "headLength": _points_to_pixels(0.4 * head, dpi), "headWidth": _points_to_pixels(0.2 * head, dpi),
            "dot": _points_to_pixels(width * 2.2, dpi)}


def _z_plot(drawer: FrameDrawer) -> dict:
    ax = drawer.picture.ax_z
    (x0, _), (x1, _) = ax.transData.transform([(0, 1), (1, 1)]) if drawer.stage.epochs else ((0, 0), (0, 0))
    return {"clip": _box(drawer, ax), "x0": float(x0), "dx": float(x1 - x0)}


def _counter(drawer: FrameDrawer) -> dict:
    picture, style = drawer.picture, drawer.style
    x, y = counter_corner(picture)  # the box's bottom right, above the z plot
    cell, height = monotext.cell(picture.live_size, style.dpi)
    digits = len(f"{drawer.stage.epochs:,}")
    _, pace_height = monotext.cell(pace_size(picture), style.dpi)
    pace_x, pace_y = pace_corner(picture, f"{drawer.stage.step_name} {'0' * digits}")
    return {"right": float(x), "top": float(style.height - y - height - 2 * COUNTER_PAD),
            "font": _points_to_pixels(picture.live_size, style.dpi), "cell": cell, "line": height, "pad": COUNTER_PAD,
            "digits": digits, "pace": pace_size(picture) / picture.live_size,
            "paceRight": float(pace_x), "paceTop": float(style.height - pace_y - pace_height - 2 * COUNTER_PAD)}


# -- one run (a variant) -----------------------------------------------------------------
def _run_data(drawer: FrameDrawer, label_box, colors, with_labels: bool, run: runner.Run | None = None) -> dict:
    picture, style, stage = drawer.picture, drawer.style, drawer.stage
    legend = picture.ax_legend
    box = legend.get_window_extent(picture.canvas.get_renderer())
    rows, value_rows = ([float(style.height - legend.transAxes.transform((0, y))[1]) for y in ys]
                        for ys in (picture.legend_rows, picture.value_rows))
    number_cell, number_line = monotext.cell(picture.live_size, style.dpi)
    note_size = picture.badge_size
    note_cell, note_line = monotext.cell(note_size, style.dpi)
    marker_x, _ = legend.transAxes.transform((LEGEND_MARKER_X, 0))
    data = {
        "labels": list(stage.labels),
        "frames": list(drawer.frame_epochs),
        "legend": {
            "x0": box.x0, "width": box.width, "rows": rows, "labelsEnd": picture.labels_ends,
            "gap": layout.GAP, "columnLimit": picture.column_limit, "markerX": float(marker_x),
            "markerSize": _points_to_pixels(picture.legend_marker_size, style.dpi),
            "hollowWidth": _points_to_pixels(LEGEND_HOLLOW_WIDTH, style.dpi),
            "valueRows": value_rows,  # a wrapped row's value is on the line under its label
            "rowHeight": float(picture.line_pixels if len(rows) > 1 else number_line * 2),
            "prefix": drawer.live_prefix, "value": stage.value_name,
            "widest": [drawer.widest_number(r) for r in range(len(stage.labels))],
            "number": {"font": _points_to_pixels(picture.live_size, style.dpi), "cell": number_cell,
                       "line": number_line, "pad": LIVE_PAD},
            "note": {"font": _points_to_pixels(note_size, style.dpi), "cell": note_cell, "line": note_line,
                     "pad": LIVE_PAD},
        },
        "tracks": _tracks(drawer),
        # The last frame's markers that would hide each other, drawn aside as the GIF draws
        # them: for each view, each racer's [where it is, where it is drawn] (x, y pixels), or null.
        "spread": [[_spread_place(spread.get(r), style.height) for r in range(len(stage.labels))]
                   for spread in drawer.spread_markers(len(drawer.frame_epochs) - 1)],
    }
    phases = drawer.reel.phases or (None,) * len(drawer.frame_epochs)
    data["holds"] = [SLOW_HOLD_MS if phase is not None else 0 for phase in phases]
    if drawer.tracks.glyphs is not None:
        data.update(_glyph_data(drawer, phases, run))
    if with_labels:
        x, y, w, h = label_box
        crop = _static_picture(drawer)[y:y + h, x:x + w]
        data["labelImage"], data["labelBox"] = _picture_uri(crop, colors), label_box
    return data


GLYPH_CODES = {"gradient": 0, "momentum": 1, "box": 2, "step": 3}


def _glyph_data(drawer: FrameDrawer, phases, run) -> dict:
    """Each frame's glyphs in canvas pixels, its note (a slow start's), and each racer's
    state as the hover text reads it."""
    picture, height = drawer.picture, drawer.style.height
    frames = []
    for epoch, phase in zip(drawer.frame_epochs, phases):
        items = []
        for shape in drawer.glyph_shapes(epoch, phase):
            for v, (kind, ax) in enumerate(picture.position_axes):
                pixels = view_pixels(kind, ax, *drawer.glyph_points(kind, shape, epoch))
                items.append([shape.r, shape.s, GLYPH_CODES[shape.name], v, int(shape.cut), int(shape.dot),
                              *(round(float(c), 1) for x, y in pixels for c in (x, height - y))])
        frames.append(items)
    _, first = picture.position_axes[0]
    x, y = first.transAxes.transform(NOTE_AT)
    return {"glyphs": frames, "notes": [drawer.phase_note(e, p) for e, p in zip(drawer.frame_epochs, phases)],
            "noteAt": [float(x), float(height - y), _points_to_pixels(picture.fs, drawer.style.dpi)],
            "states": [_state_texts(run, epoch) for epoch in drawer.frame_epochs]}


def _state_texts(run, epoch: int) -> list[list[str]]:
    """What each racer (and start) holds at `epoch`, as the hover reads it: "grad (41.5, -1)
    · exp_avg (4.15, -0.1)"."""
    state = run.state if run is not None else None
    if state is None:
        return []
    out = []
    for r, keys in enumerate(state.keys):
        texts = []
        for s in range(state.gradients.shape[2]):
            parts = [("grad", state.gradients[epoch, r, s])] + [(key, state.tensors[key][epoch, r, s]) for key in keys]
            texts.append(" · ".join(f"{name} ({', '.join(compact(v) for v in values)})" for name, values in parts
                                    if np.all(np.isfinite(values))))
        out.append(texts)
    return out


def _tracks(drawer: FrameDrawer) -> dict:
    """Every racer's pixels and texts at every epoch, delta-coded for the deflate."""
    stage, epochs = drawer.stage, drawer.tracks.values.shape[0] - 1
    racers = []
    for r in range(len(stage.labels)):
        live = [_live_text(drawer, r, epoch) for epoch in range(epochs + 1)]
        starts = [_start_track(drawer, r, s, hover=live if stage.n_starts == 1 else None)
                  for s in range(stage.n_starts)]
        racers.append({"starts": starts, "live": live})
    return {"racers": racers}


def _live_text(drawer: FrameDrawer, r: int, epoch: int) -> str:
    """The legend's live column at `epoch`, as the player reads it ("!" before a note, "^"
    before the number of a racer out of the view: its legend marker hollow)."""
    kind, text = drawer.live_content(r, epoch)
    return {"note": "!", "away": "^"}.get(kind, "") + text


def _start_track(drawer: FrameDrawer, r: int, s: int, hover: list[str] | None = None,
                 kept: np.ndarray | None = None) -> dict:
    """One racer from one start: its pixels in every view and in the z plot, whether in
    view and in the domain, where its z line leaves the plot, and (`hover`: the live
    texts, or None over several starts) what hovering its z line reads; at every epoch up
    to its last, or at the `kept` epochs only ("epochs" then lists them, delta-coded)."""
    picture, reel, stage, height = drawer.picture, drawer.reel, drawer.stage, drawer.style.height
    tracks = reel.tracks
    epochs = tracks.values.shape[0] - 1
    diverged = int(tracks.diverged_at[r, s])
    last = epochs if diverged == runner.NEVER else max(diverged - 1, 0)
    at = np.arange(last + 1) if kept is None else kept[kept <= last]
    positions, values = tracks.positions[at, r, s], tracks.values[at, r, s]
    plotted = stage.heights(positions, values)
    low, high = np.array(stage.domain, dtype=float).T
    with np.errstate(invalid="ignore"):
        z_pixels = picture.ax_z.transData.transform(np.column_stack([at, values]))
    in_domain = np.all((positions >= low) & (positions <= high), axis=-1)
    track = {
        "last": last,
        "views": [_coded(position_pixels(kind, ax, positions, plotted, at), height) for kind, ax in picture.position_axes],
        "z": _coded(z_pixels, height)[1],
        "inView": "".join("1" if v else "0" for v in reel.in_view[at, r, s]),
        "inDomain": "".join("1" if v else "0" for v in in_domain),
        "exit": _z_exit(drawer, tracks.values[: last + 1, r, s], height),
    }
    if tracks.plane_loss is not None:  # a model's race: the loss on the plane under it, dotted
        with np.errstate(invalid="ignore"):
            under = picture.ax_z.transData.transform(np.column_stack([at, tracks.plane_loss[at, r, s]]))
        track["zPlane"] = _coded(under, height)[1]
    if drawer.start_colors is not None:  # the colour of the minimum it reaches
        track["color"] = drawer.start_colors[s]
    if kept is None:
        track["values"] = _hover_texts(values, hover, *reel.z_range)
    else:
        track["epochs"] = np.diff(at, prepend=0).tolist()
    return track


# -- a start anywhere --------------------------------------------------------------------
GRID_POINTS = 120  # a start's trail and z line keep about this many epochs, besides its frames'


def _grid_data(drawer: FrameDrawer, grid: StartGrid) -> dict:
    """The race from every point of `grid`, for the player to restart from the one nearest
    a click: each point's pixels in every view (to find the nearest), and each racer's
    track from it at the kept epochs (the frames', every k-th for the trail and the z line,
    and where it enters or leaves the view and ends, so that every marker is where the
    GIF would draw it), with the live column's texts at the frames.

    The trade, at 960x540: the frames are the scene's own (its rule picks them from its own
    run); the trail and z line keep about GRID_POINTS epochs, drawn straight between; the
    hover reads values at the frames only; glyphs and a slow start are the scene's own
    run's. Positions are exact at every kept epoch (in 1/8 pixel, as the scene's own)."""
    stage = replace(drawer.stage, starts=grid.points, start_heights=drawer.stage.plotted(grid.run.values[0, 0]))
    frames = sorted(set(drawer.frame_epochs))
    reel = reel_for(stage, grid.run.tracks, frames)
    reader = drawer.reading(stage, reel, short_notes=True)  # the legend was laid out for the scene's own notes
    epochs = grid.run.values.shape[0] - 1
    every = max(1, -(-epochs // GRID_POINTS))
    common = np.union1d(np.arange(0, epochs + 1, every), frames)
    height = drawer.style.height
    starts = []
    for s in range(len(grid.points)):
        one = reader.reading(replace(stage, starts=grid.points[s:s + 1], start_heights=stage.start_heights[s:s + 1]),
                             reel._replace(tracks=_one_start(reel.tracks, s), in_view=reel.in_view[:, :, s:s + 1]))
        racers = []
        for r in range(len(stage.labels)):
            moved = np.flatnonzero(np.diff(reel.in_view[:, r, s].astype(np.int8)))  # the last epoch before a change
            diverged = int(reel.tracks.diverged_at[r, s])
            last = epochs if diverged == runner.NEVER else max(diverged - 1, 0)
            kept = np.union1d(common, np.concatenate([moved, moved + 1, [last]])).astype(int)
            track = _start_track(one, r, 0, kept=kept)
            track["live"] = [_live_text(one, r, epoch) for epoch in frames]
            racers.append(track)
        starts.append(racers)
    pixels = []
    for kind, ax in drawer.picture.position_axes:
        display = position_pixels(kind, ax, grid.points, stage.start_heights, 0)
        pixels.append([[round(float(x), 1), round(float(height - y), 1)] for x, y in display])
    return {
        "shape": list(grid.shape), "frames": frames, "pixels": pixels,
        "starts": [[compact(float(c)) for c in point] for point in grid.points],
        "spacing": [compact(d) for d in grid.spacing], "axes": list(stage.axis_names[:stage.dim]),
        "prefix": replace(stage, starts=grid.points[:1]).live_prefix if drawer.live_prefix else "",
        "tracks": starts,
    }


def _one_start(tracks: runner.Tracks, s: int) -> runner.Tracks:
    return tracks._replace(positions=tracks.positions[:, :, s:s + 1], values=tracks.values[:, :, s:s + 1],
                           diverged_at=tracks.diverged_at[:, s:s + 1],
                           no_gradient=None if tracks.no_gradient is None else tracks.no_gradient[:, s:s + 1])


def _hover_texts(values: np.ndarray, live: list[str] | None, lo: float, hi: float) -> list[str]:
    """What hovering the z line at each epoch reads: the value, as the legend writes it.
    Empty where the line is outside the plot (nothing to hover), or where the legend's
    live text already says it (one start: the player reads that instead)."""
    texts = []
    for epoch, value in enumerate(values.tolist()):
        text = compact(value) if lo <= value <= hi else ""
        texts.append("" if live is not None and live[epoch].lstrip("^") == text else text)
    return texts


def _coded(display: np.ndarray, height: int) -> list[list[int]]:
    """Display pixels as canvas pixels (from the top), in 1/SUBPIXELS, delta-coded."""
    with np.errstate(all="ignore"):
        canvas = np.column_stack([display[:, 0], height - display[:, 1]])
        canvas = np.nan_to_num(canvas, nan=FAR, posinf=FAR, neginf=-FAR)
        steps = np.round(np.clip(canvas, -FAR, FAR) * SUBPIXELS).astype(np.int64)
    deltas = np.diff(steps, axis=0, prepend=0)
    return [deltas[:, 0].tolist(), deltas[:, 1].tolist()]


def _z_exit(drawer: FrameDrawer, values: np.ndarray, height: int):
    """Where the z line first leaves the plot: [epoch, x, y (canvas), up], as the frames mark it."""
    lo, hi = drawer.reel.z_range
    with np.errstate(invalid="ignore"):
        out = np.flatnonzero((values < lo) | (values > hi))
    if not len(out):
        return None
    epoch = int(out[0])
    above = bool(values[epoch] > hi)
    x, y = drawer.picture.ax_z.transData.transform((epoch, hi if above else lo))
    return [epoch, float(x), float(height - y), above]


def _packed(data) -> str:
    """JSON, deflated (zlib), in base64: the page inflates it with DecompressionStream."""
    text = json.dumps(data, separators=(",", ":"), allow_nan=False)
    return base64.b64encode(zlib.compress(text.encode("utf-8"), 9)).decode("ascii")


# -- the file ----------------------------------------------------------------------------
def _compact(source: str) -> str:
    """The script or style without its indentation and whole-line comments (a tenth of a
    small page's bytes); the lines themselves stay as written."""
    lines = (line.strip() for line in source.splitlines())
    return "\n".join(line for line in lines if line and not line.startswith("//"))


def _player(with_grid: bool) -> str:
    """The player's script; the start anywhere's part only in a page with a grid."""
    grid = (WEB / "start_anywhere.js").read_text(encoding="utf-8") if with_grid else ""
    return (WEB / "player.js").read_text(encoding="utf-8").replace("  /* start anywhere */", grid, 1)


def _html(data: dict, title: str, style: Style) -> bytes:
    template = (WEB / "player.html").read_text(encoding="utf-8")
    values = {
        "title": attribute_text(title),
        "theme": attribute_text(style.theme),
        "css": script_text(_compact((WEB / "player.css").read_text(encoding="utf-8"))),
        "data": script_json(data),
        "script": script_text(_compact(_player(with_grid=data["grid"] is not None))),
    }
    return fill(template, values).encode("utf-8")
