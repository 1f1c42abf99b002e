"""No text is clipped or overlaps another, in any preset, view, theme and dpi: the title,
axis labels, tick labels (2-D and 3-D), legend labels, live values, badges and counter."""
import itertools
import math

import numpy as np
import pytest
from matplotlib.transforms import Bbox

from conftest import drawer
from optimotion import scenes
from optimotion.draw.monotext import MonoText
from optimotion.draw.style import PRESETS, Style
from optimotion.optimizers import SGD, Adam, RMSprop
from optimotion.simulation.runner import simulate

RUNS = {}


def _run(name):
    if name not in RUNS:
        scene = scenes.load(name)
        RUNS[name] = simulate(scene.with_options(epochs=min(scene.epochs, 300)))
    return RUNS[name]


def text_boxes(picture, drawn) -> list[tuple[str, Bbox]]:
    """Every text of a frame with its box in pixels (only ticks inside the axis' limits:
    matplotlib makes, but never draws, the others)."""
    fig, renderer = picture.fig, picture.canvas.get_renderer()
    boxes = [("title", t.get_window_extent(renderer)) for t in fig.texts if t.get_text()]
    for ax in fig.axes:
        name = "3d" if hasattr(ax, "zaxis") else "legend" if ax is picture.ax_legend else "z" if ax is picture.ax_z \
            else "view"
        for axis in [ax.xaxis, ax.yaxis] + ([ax.zaxis] if hasattr(ax, "zaxis") else []):
            if axis.label.get_visible() and axis.label.get_text():
                boxes.append((f"{name} {axis.axis_name} label", axis.label.get_window_extent(renderer)))
            # (on a log axis, in decades: a slack of the linear span would take in 1e-21 below 1.6e-11)
            scale = math.log10 if axis.get_scale() == "log" else float
            lo, hi = sorted(scale(v) for v in axis.get_view_interval())
            slack = 1e-9 * (hi - lo)
            for tick in axis.get_major_ticks():
                loc = tick.get_loc()
                if (scale is float or loc > 0) and lo - slack <= scale(loc) <= hi + slack:
                    for label in (tick.label1, tick.label2):
                        if label.get_visible() and label.get_text():
                            boxes.append((f"{name} {axis.axis_name} tick", label.get_window_extent(renderer)))
        boxes += [(f"{name} text", t.get_window_extent(renderer)) for t in ax.texts if t.get_text()]
    for artist in drawn:
        if isinstance(artist, MonoText):
            width, height = artist.extent(picture.style.dpi)
            x, y = artist.get_transform().transform((artist.x, artist.y))
            x -= {"left": 0, "center": width / 2, "right": width}[artist.ha]
            y -= {"bottom": 0, "center": height / 2, "top": height}[artist.va]
            boxes.append(("live", Bbox.from_bounds(x, y, width, height)))
    return boxes


def layout_problems(picture, drawn) -> list[str]:
    picture.canvas.draw()
    boxes = text_boxes(picture, drawn)
    width, height = picture.fig.bbox.width, picture.fig.bbox.height
    problems = [f"{name} leaves the figure: {box.bounds}" for name, box in boxes
                if box.x0 < -0.5 or box.y0 < -0.5 or box.x1 > width + 0.5 or box.y1 > height + 0.5]
    for (one, a), (other, b) in itertools.combinations(boxes, 2):
        if min(a.x1, b.x1) - max(a.x0, b.x0) > 1 and min(a.y1, b.y1) - max(a.y0, b.y0) > 1:
            problems.append(f"{one} {a.bounds} overlaps {other} {b.bounds}")
    return problems


# The largest dpi in every preset and view, the smallest and the default in the default preset; the
# dark theme (the same layout in other colours) once; scenes with log scales, many starts,
# four racers, a 1-D curve where their texts are largest.
CASES = [("saddle", preset, view, "light", dpi)
         for preset, view, dpi in itertools.product(PRESETS, ["3d", "contour", "both"], [150])]
CASES += [("saddle", "blog", "both", "light", dpi) for dpi in (50, 100)]
CASES += [("saddle", "slides", "both", "dark", 150)]
CASES += [(name, "blog", "both", "light", 150) for name in ("rosenbrock_race", "himmelblau_basins")]
CASES += [("learning_rates", "square", "3d", "light", 150)]


@pytest.mark.parametrize("name, preset, view, theme, dpi", CASES)
def test_no_text_is_clipped_or_overlaps(name, preset, view, theme, dpi):
    width, height = PRESETS[preset]
    picture = drawer(_run(name), Style(width=width, height=height, view=view, theme=theme, dpi=dpi))
    drawn = picture.artists(len(picture.frame_epochs) - 1)  # the last frame: the longest numbers and notes
    assert layout_problems(picture.picture, drawn) == []


def test_the_check_finds_an_overlap():
    """The test above can fail: two texts placed on top of each other are found."""
    picture = drawer(_run("saddle"), Style(width=480, height=270))
    picture.picture.fig.text(0.5, 0.985, "a title", ha="center", va="top")
    assert any("title" in problem and "overlaps" in problem for problem in layout_problems(picture.picture, []))


def test_live_notes_take_the_short_form_rather_than_crowd_the_labels_out():
    """A long note ("diverged at epoch 10") takes the short form ("diverged at 10") where it
    would cut a label; where there is room, the long one."""
    scene = scenes.load("saddle").with_options(optimizers=[SGD(lr=10.0), Adam(lr=0.005), RMSprop(lr=0.005)],
                                              epochs=300)
    run = simulate(scene)
    assert 0 < run.diverged_at[0, 0] < 300  # overflowed
    said = f"{run.diverged_at[0, 0]:,}"
    for dpi, note in ((150, f"diverged at {said}"), (100, f"diverged at epoch {said}")):
        picture = drawer(run, Style(width=960, height=540, dpi=dpi))
        texts = [a.get_text() for a in picture.artists(len(picture.frame_epochs) - 1) if hasattr(a, "get_text")]
        assert note in texts
    assert [t.get_text() for t in picture.picture.label_texts] == list(picture.stage.labels)  # at dpi 100


@pytest.mark.parametrize("name, view", [("saddle", "3d"), ("saddle", "both"), ("saddle_escape", "3d"),
                                        ("warmup_cosine", "3d"), ("learning_rates", "3d")])
def test_no_label_is_cut_while_the_legend_has_room(name, view):
    """Each label leaves room for its own row's live column, not for the widest note of
    any row: the hero scene's 'RMSprop(lr=0.005)' was cut to 'RMSprop(lr=0.0…' beside an
    empty third of its row, because another row would say 'left the view at epoch 3,499'."""
    picture = drawer(_run(name), Style(view=view)).picture
    assert [t.get_text() for t in picture.label_texts] == list(picture.stage.labels)
    assert all(t.get_fontsize() >= 0.75 * picture.fs * 0.95 for t in picture.label_texts)


SMALLEST = ["ackley_pits", "batch_size_zigzag", "parabola_race", "rosenbrock_adam_crawls", "rosenbrock_race",
            "saddle_escape", "sparse_gradients", "warmup_cosine", "learning_rates", "adam_equalises"]


@pytest.mark.parametrize("name", SMALLEST)
def test_at_the_smallest_size_no_label_is_cut_and_no_text_leaves_the_frame(name):
    """At 480x270 (the notebook's size) labels were cut with room to spare below them
    ('Adagrad(lr=0.05, eps…', 'RMSprop(lr=0.005, alph…'), two titles were cut, and the
    3-D views' axis labels stood out of the frame. A label too long for its row now gives
    its value a line of its own under it, and its own words that line's start."""
    picture = drawer(_run(name), Style(width=480, height=270))
    drawn = picture.artists(len(picture.frame_epochs) - 1)
    assert picture.picture.cut_rows() == []
    assert not picture.picture._title.get_text().endswith("…")
    assert layout_problems(picture.picture, drawn) == []


@pytest.mark.parametrize("name, dpi", [("rosenbrock_race", 50), ("rosenbrock_race", 150), ("ackley_pits", 150),
                                       ("saddle", 50), ("local_minima_1d", 150), ("batch_size_zigzag", 50)])
def test_at_the_smallest_size_every_dpi_keeps_text_apart(name, dpi):
    """At 480x270, --dpi 50 put legend rows 13 px apart under live values 19 px tall, and
    3-D labels on their ticks (their offsets are in points); --dpi 150 drew 15 px text and
    markers half as large again in a frame laid out for 10 px: labels, ticks and the counter
    ran over each other and out of the frame. Text keeps its smallest size in pixels and
    its room at any dpi; a frame gets the dpi it holds (100 at 480x270, 150 from 960x540)."""
    style = Style(width=480, height=270, dpi=dpi)
    assert style.dpi == min(dpi, 100)
    assert Style(width=720, height=405, dpi=150).dpi == 125 and Style(dpi=150).dpi == 150
    picture = drawer(_run(name), style)
    drawn = picture.artists(len(picture.frame_epochs) - 1)
    assert picture.picture.cut_rows() == []
    assert layout_problems(picture.picture, drawn) == []


@pytest.mark.parametrize("name, size, view, dpi", [("batch_size_zigzag", (1920, 1080), "3d", 100),
                                                   ("local_minima_1d", (1280, 720), "3d", 150),
                                                   ("batch_size_zigzag", (480, 270), "both", 100),
                                                   ("saddle", (480, 270), "both", 100),
                                                   ("momentum_builds", (480, 270), "both", 100)])
def test_labels_keep_their_room_as_the_text_grows_and_the_view_shrinks(name, size, view, dpi):
    """At 1920x1080 the 3-D view's "MSE" met its tick labels (mplot3d's offsets are fixed
    points, the text had doubled); at 1280x720 and dpi 150 a caption ran into the legend's
    first live value; a 3-D view 130 px wide beside a map crowded four z tick labels, and
    the saddle's z label stood out of the frame's right edge, and momentum_builds' 3-D y
    label met the map's last x tick label."""
    picture = drawer(_run(name), Style(width=size[0], height=size[1], view=view, dpi=dpi))
    drawn = picture.artists(len(picture.frame_epochs) - 1)
    assert layout_problems(picture.picture, drawn) == []


@pytest.mark.parametrize("name, view", [("momentum_builds", "3d"), ("parabola_race", "3d"),
                                        ("sparse_gradients", "both")])
def test_a_phones_tall_picture_keeps_every_text_in_the_frame_and_apart(name, view):
    """The page's phone layout (570x960 at 150 dpi): a 1-D curve's y label stood 5 px out
    of the frame's left edge, a 3-D z label the camera puts on the left 4 px, and the 3-D
    view's x label ran into the epoch counter under it."""
    from optimotion.output.page import phone_style

    style = phone_style(Style(view=view))
    picture = drawer(_run(name), style)
    drawn = picture.artists(len(picture.frame_epochs) - 1)
    assert layout_problems(picture.picture, drawn) == []


def test_a_legend_handle_shows_its_dash_pattern_twice():
    """At 480x270 a handle was 23 px and one dash-dot 29 px: RMSprop's handle looked solid."""
    picture = drawer(_run("rosenbrock_race"), Style(width=480, height=270)).picture
    handles = [line for line in picture.ax_legend.get_lines() if len(line.get_xdata()) == 2]
    assert len(handles) == 4
    for handle in handles[1:]:  # dashed, dash-dot, dotted
        x0, x1 = picture.ax_legend.transData.transform(np.column_stack([handle.get_xdata(), [0, 0]]))[:, 0]
        _, pattern = handle._dash_pattern  # points, as drawn (scaled by the width)
        assert 2 * sum(pattern) * picture.style.dpi / 72 <= (x1 - x0) * (1 + 1e-9)


def test_a_wrapped_value_is_nearer_its_own_label_than_the_next_rows():
    """A teacher read a value on a line of its own, midway between two labels, as the next
    row's."""
    picture = drawer(_run("rosenbrock_race"), Style(width=480, height=270)).picture
    wrapped = [r for r in picture.wrapped if r < len(picture.stage.labels) - 1]
    assert wrapped
    for r in wrapped:
        above = picture.legend_rows[r] - picture.value_rows[r]
        below = picture.value_rows[r] - picture.legend_rows[r + 1]
        assert below >= 1.3 * above


@pytest.mark.parametrize("name", ["rosenbrock_race", "batch_size_zigzag"])
def test_a_3d_z_label_reads_upwards_wherever_the_camera_puts_its_axis(name):
    """Rosenbrock's camera puts the z axis on the left, where matplotlib's turn made
    "log10 z" read downwards, its letters upside down."""
    picture = drawer(_run(name), Style(view="3d")).picture
    picture.canvas.draw()
    (_, view), = picture.position_axes
    assert view.zaxis.label.get_rotation() == 90


def test_a_caption_too_wide_for_its_line_goes_on_two_not_cut():
    """On a phone's page the network scenes' caption was cut to '... solid, numbers…', the
    one explanation of their dotted lines."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from optimotion.draw import layout

    fig = Figure(figsize=(3.8, 6.4), dpi=150)
    canvas = FigureCanvasAgg(fig)
    title = layout.fit_title(fig, "Weight decay", 12)
    text = "surface, marks, thin dotted lines: loss on the paths' plane · other lines, numbers: each racer's own"
    line = layout.fit_subtitle(fig, title, text, 7)
    assert line.get_text() == text.replace(" · ", "\n")
    assert line.get_window_extent(canvas.get_renderer()).width <= 0.97 * fig.bbox.width
    assert line.get_window_extent(canvas.get_renderer()).y1 <= title.get_window_extent(canvas.get_renderer()).y0


@pytest.mark.parametrize("view", ["3d", "both"])
def test_the_basins_counts_keep_off_every_text(view):
    """Each ring's "13 starts" takes the corner round it with the fewest trail points under
    it, clear of the other counts and of the view's tick and axis labels (a 3-D view's y
    tick "2.5" was under one)."""
    picture = drawer(_run("himmelblau_basins"), Style(view=view))
    drawn = picture.artists(len(picture.frame_epochs) - 1)
    assert len(picture.picture._basin_counts) == 4 * (2 if view == "both" else 1)
    assert layout_problems(picture.picture, drawn) == []


def test_a_label_too_long_for_its_line_goes_on_under_it_before_its_value():
    scene = scenes.load("saddle").with_options(
        optimizers={"SGD(lr=0.001, momentum=0, dampening=0)": SGD(lr=0.001), "Adam": Adam(lr=0.1)},
        epochs=60)
    picture = drawer(simulate(scene), Style(width=480, height=270))
    drawn = picture.artists(len(picture.frame_epochs) - 1)
    shown = picture.picture
    assert list(shown.wrapped) == [0] and shown.label_rests[0] is not None and shown.cut_rows() == []
    rest = shown.label_rests[0].get_window_extent(shown.canvas.get_renderer())
    value = next(a for a in drawn if isinstance(a, MonoText) and a.y == shown.value_rows[0])
    x1 = shown.ax_legend.transAxes.transform((value.x, value.y))[0]
    assert x1 - value.extent(shown.style.dpi)[0] > rest.x1  # the value after the label's rest, on its line
    assert layout_problems(shown, drawn) == []


def text_sizes(picture, drawn) -> list[tuple[str, float]]:
    """Every text of a frame with its size (em) in pixels."""
    fig, pixels = picture.fig, picture.style.dpi / 72
    sizes = [("title", t.get_fontsize() * pixels) for t in fig.texts if t.get_text()]
    for ax in [ax for ax in fig.axes if ax.axison]:
        for axis in [ax.xaxis, ax.yaxis] + ([ax.zaxis] if hasattr(ax, "zaxis") else []):
            if axis.label.get_text():
                sizes.append((f"{axis.axis_name} label {axis.label.get_text()!r}", axis.label.get_fontsize() * pixels))
            sizes += [(f"{axis.axis_name} tick", tick.label1.get_fontsize() * pixels)
                      for tick in axis.get_major_ticks()]
        sizes += [(f"text {t.get_text()!r}", t.get_fontsize() * pixels) for t in ax.texts if t.get_text()]
    sizes += [(f"live {a.text!r}", a.size * pixels) for a in drawn if isinstance(a, MonoText)]
    return sizes


@pytest.mark.parametrize("name, size, dpi", [("saddle", (480, 270), 100), ("warmup_cosine", (480, 270), 100),
                                             ("saddle_escape", (480, 270), 100), ("saddle", (960, 540), 50),
                                             ("himmelblau_basins", (800, 800), 50)])
def test_no_text_is_smaller_than_ten_pixels(name, size, dpi):
    """The notebook's 480x270 drew its legend and ticks at about 5-7 px."""
    picture = drawer(_run(name), Style(width=size[0], height=size[1], dpi=dpi))
    drawn = picture.artists(len(picture.frame_epochs) - 1)
    sizes = text_sizes(picture.picture, drawn)
    assert len(sizes) > 15
    small = [(what, round(px, 1)) for what, px in sizes if px < 9.99]
    assert small == []


def test_a_phones_tall_picture_has_no_text_under_ten_css_pixels():
    """The page's phone layout is drawn at 1.5 pixels a CSS pixel: its ticks were 6.7 to
    8.7 CSS pixels and its pace 9.2, where the rule for the picture is 10."""
    from optimotion.output.page import PHONE_DENSITY, phone_style

    picture = drawer(_run("saddle"), phone_style(Style()))
    drawn = picture.artists(len(picture.frame_epochs) - 1)
    sizes = text_sizes(picture.picture, drawn)
    assert len(sizes) > 15
    assert [(what, round(px / PHONE_DENSITY, 1)) for what, px in sizes if px < 10 * PHONE_DENSITY - 0.01] == []
    assert layout_problems(picture.picture, drawn) == []


def test_both_views_on_a_phone_stand_one_over_the_other_and_fill_its_width():
    """Side by side in the phone's tall picture the map was a square a third of the width
    wide, between blank bands."""
    from optimotion.output.page import phone_style

    picture = drawer(_run("saddle"), phone_style(Style(view="both")))
    drawn = picture.artists(len(picture.frame_epochs) - 1)
    (_, contour), (_, view) = picture.picture.position_axes
    renderer = picture.picture.canvas.get_renderer()
    top, bottom = contour.get_window_extent(renderer), view.get_window_extent(renderer)
    assert top.y0 > bottom.y1 - 1 and top.width > 0.4 * picture.style.width
    assert layout_problems(picture.picture, drawn) == []


@pytest.mark.parametrize("name, size, view, dpi", [("rosenbrock_race", (640, 360), "3d", 100),
                                                   ("momentum_builds", (960, 540), "3d", 150)])
def test_the_counter_keeps_left_of_a_3d_z_label_beside_it(name, size, view, dpi):
    """Where the camera puts a 3-D view's z label on its left, the label reached over the
    z plot's top right corner, where the epoch counter is."""
    picture = drawer(_run(name), Style(width=size[0], height=size[1], view=view, dpi=dpi))
    assert layout_problems(picture.picture, picture.artists(len(picture.frame_epochs) - 1)) == []
