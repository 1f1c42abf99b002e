"""The picture tells the truth: the GIF and WebP show the colours the poster shows, the
MP4 is tagged with the colour space it was converted with, the live digits are the
font's own rendering, and the z plot holds what it must."""
import io
import itertools
import re
import subprocess

import imageio_ffmpeg
import numpy as np
import pytest
from matplotlib.lines import Line2D
from matplotlib.transforms import IdentityTransform
from PIL import Image

import optimotion
from conftest import drawer
from optimotion import scenes
from optimotion.draw import fan
from optimotion.draw import style as looks
from optimotion.draw.frames import compact
from optimotion.draw.monotext import MonoText
from optimotion.draw.style import Style
from optimotion.optimizers import SGD, Adam
from optimotion.scenes import Scene, every
from optimotion.simulation.runner import simulate

SIZE = (480, 270)


@pytest.fixture(scope="module", params=["light", "dark"])
def saddle(request):
    return optimotion.render("saddle", epochs=300, size=SIZE, theme=request.param, jobs=1)


def _last_frame(data: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(data)) as image:
        image.seek(image.n_frames - 1)
        return np.asarray(image.convert("RGB")).astype(int)


@pytest.mark.parametrize("fmt", ["gif", "webp"])
def test_the_last_frame_shows_the_posters_colours(saddle, fmt, tmp_path):
    """Pixel by pixel against the PNG poster: every pixel that has one of the marks'
    colours there (racers, gold stars, text, paper) has exactly it; no pixel is far off."""
    poster = np.asarray(Image.open(saddle.save(tmp_path / "poster.png").path).convert("RGB")).astype(int)
    shown = _last_frame(saddle.to_bytes(fmt))
    keys = np.array([looks.rgb(c) * 255 for c in saddle.key_colors(saddle.style)]).round().astype(int)
    marked = (poster[:, :, None, :] == keys[None, None]).all(axis=3).any(axis=2)
    assert marked.sum() > 0.3 * marked.size  # paper, text, lines, markers
    assert np.array_equal(shown[marked], poster[marked])
    error = np.abs(shown - poster).max(axis=2)
    assert np.percentile(error, 99) <= 30 and error.mean() < 2.0  # edges blended with the surface


def _bench(name: str):
    """A benchmark script's module: its measure is the one the test holds to a bound."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "bench" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_gifs_surface_is_smooth(saddle, tmp_path):
    """With 55 colours the shaded surface fell into stepped bands: blurred 3x3, the saddle's
    surface was 10 levels off the poster at the 95th percentile (bench/bench_banding.py)."""
    bench_banding = _bench("bench_banding")
    poster = np.asarray(Image.open(saddle.save(tmp_path / "poster.png").path).convert("RGB")).astype(float)
    keys = np.array([looks.rgb(c) * 255 for c in saddle.key_colors(saddle.style)]).round()
    mask = bench_banding.surface_mask(poster, keys)
    assert mask.sum() > 5000
    assert bench_banding.banding(saddle.to_bytes("gif"), poster, mask) <= 4


def test_every_racer_and_the_gold_star_keep_their_hue_in_the_gif(tmp_path):
    """noisy_sgd's minimum star among the racers' shades: gold stays gold (it came out
    vermilion), each shade stays itself."""
    movie = optimotion.render("noisy_sgd", epochs=60, size=SIZE, jobs=1)
    with Image.open(io.BytesIO(movie.to_bytes("gif"))) as gif:
        first = np.asarray(gif.convert("RGB")).astype(int)  # the racers at the start: the star in view
        gif.seek(gif.n_frames - 1)
        last = np.asarray(gif.convert("RGB")).astype(int)
    gold = (looks.rgb(looks.GOLD) * 255).round().astype(int)
    assert (first == gold).all(axis=2).sum() >= 20
    for st in looks.racer_styles(movie.stage.kinds):
        rgb = (looks.rgb(st["color"]) * 255).round().astype(int)
        assert (last == rgb).all(axis=2).sum() >= 20, st["color"]


def test_one_optimizer_one_colour_and_marker_in_every_scene_and_shades_for_a_sweep():
    assert looks.racer_styles(["SGD", "Adam", "RMSprop"])[1] == looks.racer_styles(["Adam"])[0] | {"linestyle": "--"}
    assert looks.racer_styles(["Momentum", "Adam"])[1]["color"] == looks.racer_styles(["Adam"])[0]["color"]
    sweep = [st["color"] for st in looks.racer_styles(["SGD"] * 4)]
    lightness = [sum(looks.rgb(c)) for c in sweep]
    assert len(set(sweep)) == 4 and lightness == sorted(lightness)  # ordered shades, dark to light
    hues = {round(__import__("colorsys").rgb_to_hls(*looks.rgb(c))[0], 2) for c in sweep}
    assert len(hues) == 1


def test_an_optimizers_colour_is_the_same_in_both_themes():
    """The dark theme swapped blue and sky blue: SGD took Adagrad's colour."""
    from optimotion.draw.picture import Picture
    from optimotion.optimizers import Adagrad

    scene = Scene("bowl", start=(1.0, 1.0), optimizers=[SGD(lr=0.1), SGD(lr=0.2), Adagrad(lr=0.1), Adam(lr=0.1)],
                  epochs=4)  # a sweep's shades, and the two blues that were swapped
    movie = optimotion.render(scene, size=(320, 180), theme="dark", jobs=1)
    drawn = {theme: [st["color"] for st in Picture(movie.stage, looks.Style(320, 180, theme=theme)).racer_styles]
             for theme in looks.THEMES}
    assert drawn["dark"] == drawn["light"]
    assert drawn["dark"][2:] == [looks.GREEN, looks.VERMILION]  # Adagrad: sky blue is too like SGD's blue
    assert [looks.rgb(c)[2] > looks.rgb(c)[0] for c in drawn["dark"][:2]] == [True, True]  # SGD's blue shades


def test_two_optimizers_in_one_scene_never_share_a_family_of_colour():
    """adam_vs_adamw and digits_adamw drew Adam in vermilion and AdamW in orange (Delta E
    33): "two similar oranges". The second takes a palette colour CLOSE or more from every
    colour taken; an optimizer alone keeps its own, and one named first keeps its own."""
    from optimotion.draw.style import racer_styles

    for kinds in (("Adam", "AdamW"), ("SGD", "Adagrad", "Adam"), ("AdamW", "Adam"), ("Momentum", "Adagrad", "RMSprop")):
        colors = [st["color"] for st in racer_styles(kinds)]
        for a, b in itertools.combinations(colors, 2):
            assert looks.delta_e(looks.rgb(a), looks.rgb(b)) >= looks.CLOSE, (kinds, a, b)
        assert colors[0] == looks.IDENTITY[kinds[0]][0]
    assert [st["color"] for st in racer_styles(("SGD", "Adam", "Adam"))][0] == looks.BLUE
    assert racer_styles(("Adam", "AdamW"))[0]["color"] == looks.VERMILION
    assert racer_styles(("SGD", "Adagrad", "Adam"))[2]["color"] == looks.VERMILION  # Adagrad took no one's own


@pytest.mark.parametrize("theme", looks.THEMES)
def test_every_racer_colour_stands_out_from_every_colour_of_the_surface(theme):
    """RMSprop's green vanished on the dark theme's green surface (Delta E 6)."""
    style = looks.Style(theme=theme)
    surface = style.surface_colors(np.linspace(0, 1, 256))
    lit = np.concatenate([surface[:, :3] * light for light in (0.85, 1.0)])  # the 3-D view's darker faces
    for color in looks.COLORS:
        closest = min(looks.delta_e(looks.rgb(color), face) for face in lit)
        assert closest >= looks.APART - 4, (theme, color, closest)


def test_a_sweeps_shades_stay_apart_from_the_other_optimizers_colours_and_legible_on_paper():
    """SGD's lightest shade (#3db9ff) was nearly Adagrad's sky blue; the momentum family's
    lightest pink (#e8c3d8) was a faint live value on white."""
    assert looks.delta_e(looks.rgb("#3db9ff"), looks.rgb(looks.SKY)) < looks.APART  # the old shades fail
    assert looks.contrast(looks.rgb("#e8c3d8"), looks.rgb("#ffffff")) < looks.PAPER_CONTRAST
    for color in looks.COLORS:
        for shade in looks.shades(color, 5):
            for theme in looks.THEMES:
                assert looks.contrast(looks.rgb(shade), looks.rgb(looks.Style(theme=theme).paper)) >= 2.0
            for other in looks.COLORS:
                if other != color:
                    assert looks.delta_e(looks.rgb(shade), looks.rgb(other)) >= looks.APART, (color, shade, other)


def test_the_mp4_is_converted_and_tagged_bt709(tmp_path):
    path = optimotion.render("saddle", epochs=40, size=(320, 180)).save(tmp_path / "s.mp4").path
    probe = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-i", str(path)],
                           capture_output=True, text=True).stderr
    assert re.search(r"Video: h264 .*yuv420p\(tv, bt709, progressive\)", probe), probe


def test_an_odd_size_mp4_is_padded_and_says_so(tmp_path):
    saved = optimotion.render("saddle", epochs=10, size=(321, 181)).save(tmp_path / "odd.mp4")
    assert saved.notes == ("H.264 needs even sides: 321x181 was padded to 322x182 (the edge repeated)",)


@pytest.mark.parametrize("size", [6.0, 8.0, 10.5, 14.0, 21.0])
@pytest.mark.parametrize("weight", ["normal", "bold"])
def test_live_digits_are_the_fonts_own_rendering_of_the_string(size, weight):
    """Pasted from cached glyphs, the same pixels as matplotlib's text of the whole string."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

    def drawn(add) -> np.ndarray:
        fig = Figure(figsize=(3, 0.6), dpi=100)
        canvas = FigureCanvasAgg(fig)
        add(fig)
        canvas.draw()
        return np.asarray(canvas.buffer_rgba())[:, :, :3]

    text = "epoch 3,750  z = -6.43e+31"
    ours = drawn(lambda fig: fig.add_artist(MonoText(4, 12, text, transform=None, size=size, weight=weight, pad=0)))
    font = FontProperties(family="monospace", size=size, weight=weight)
    reference = drawn(lambda fig: fig.text(4, 12, text, fontproperties=font, transform=None))
    assert (255 - reference.astype(int)).sum() > 1000  # there is ink
    assert np.array_equal(ours, reference)


def test_the_z_plot_holds_every_value_of_a_racer_in_view():
    scene = Scene("rosenbrock", start=(-1.0, 1.0), optimizers=[SGD(lr=1e-3), Adam(lr=0.01)], epochs=3000,
                  show_epoch=every(500))
    run = simulate(scene)
    picture = drawer(run, looks.Style(width=320, height=180))
    lo, hi = picture.picture.ax_z.get_ylim()
    values = run.values[:, :, 0]
    assert values.min() < scene.surface.zlim[0]  # the old limits cut the winner off
    assert lo <= values.min() and values.max() <= hi and picture.picture.ax_z.get_yscale() == "log"


# -- the end state: markers that would hide each other are drawn apart ----------------------
def test_markers_at_one_place_are_spread_round_it_each_whole():
    points, sizes = np.array([[100.0, 50.0]] * 4 + [[300.0, 50.0]]), np.array([10.0, 12.0, 8.0, 10.0, 10.0])
    placed = fan.spread(points, sizes)
    group = placed[:4]
    apart = [np.hypot(*(a - b)) for i, a in enumerate(group) for b in group[i + 1:]]
    assert min(apart) >= fan.APART * 12 * (1 - 1e-12)                  # none hides another
    assert np.allclose(group.mean(axis=0), [100.0, 50.0])               # round where they are
    assert min(np.hypot(*(p - [100.0, 50.0])) for p in group) >= fan.AROUND * 12 * (1 - 1e-12)
    assert np.array_equal(placed[4], points[4])                        # a marker alone stays put
    assert fan.clusters(np.array([[0.0, 0.0], [20.0, 0.0]]), np.array([10.0, 10.0])) == []


@pytest.mark.parametrize("view", ["3d", "contour"])
def test_racers_that_end_together_are_told_apart_on_the_last_frame(view):
    """rosenbrock_race's last frame showed one marker where four racers ended: the last
    drawn hid the others. Two racers that run exactly alike end on one point: on the last
    frame each marker is drawn whole, aside, with a line back to that point; the page
    draws them where the GIF does."""
    scene = Scene("bowl", start=(5.0, 2.0), epochs=40, show_epoch=every(10),
                  optimizers={"one": SGD(lr=0.1), "two": SGD(lr=0.1)})
    drawer_ = drawer(simulate(scene), Style(width=480, height=270, view=view))
    last = len(drawer_.frame_epochs) - 1
    (spread,) = drawer_.spread_markers(last)
    assert sorted(spread) == [0, 1] and drawer_.spread_markers(last - 1) == [{}]
    (where_0, drawn_0), (where_1, drawn_1) = spread[0], spread[1]
    assert np.hypot(*np.subtract(where_0, where_1)) < 1e-6                      # one place ...
    size = max(drawer_.sizes) * drawer_.style.dpi / 72
    assert np.hypot(*np.subtract(drawn_0, drawn_1)) >= fan.APART * size * (1 - 1e-9)  # ... two markers apart
    markers = [a for a in drawer_.artists(last) if isinstance(a, Line2D) and a.get_markersize() in drawer_.sizes
               and isinstance(a.get_transform(), IdentityTransform)]
    assert sorted(tuple(np.round(np.ravel(a.get_xydata()), 6)) for a in markers) == \
        sorted(tuple(np.round(place, 6)) for place in (drawn_0, drawn_1))


# -- a 1-D race: the steps under the curve -------------------------------------------------
def test_a_1d_race_draws_each_racers_x_at_every_step_under_the_curve():
    """Every 1-D trail lies on the one curve, so learning_rates' lr 0.1 and lr 0.9 (both
    at z = 5) looked alike; under the curve, on its x axis, each racer's x at every step
    shows lr 0.9 crossing the minimum at every step."""
    from matplotlib.collections import LineCollection

    scene = scenes.load("learning_rates")
    drawer_ = drawer(simulate(scene), Style(width=480, height=270))
    kinds = [kind for kind, _ in drawer_.picture.position_axes]
    assert kinds == ["curve", "steps"]
    (_, curve), (_, steps) = drawer_.picture.position_axes
    assert steps.get_xlim() == curve.get_xlim() and steps.get_ylim()[0] > scene.epochs > 0 >= steps.get_ylim()[1]
    last = len(drawer_.frame_epochs) - 1
    trails = [a for a in drawer_.artists(last) if isinstance(a, LineCollection) and a.axes is steps]
    positions = drawer_.tracks.positions[:, :, 0, 0]
    for r, trail in enumerate(trails):
        points = np.concatenate(trail.get_segments())
        epochs = points[:, 1].astype(int)
        assert np.array_equal(points[:, 1], epochs) and epochs.max() == scene.epochs
        assert np.array_equal(points[:, 0], positions[epochs, r])  # x as recorded, at its own epoch
    fast = positions[:, 3]  # lr 0.9: 1 - 2 * 0.9 = -0.8, a sign change at every step
    assert np.all(np.sign(fast[1:11]) == -np.sign(fast[:10]))


def test_a_local_minimum_is_marked_apart_from_the_global_one():
    scene = scenes.load("local_minima_1d")
    drawer_ = drawer(simulate(scene.with_options(epochs=20)), Style(width=480, height=270))
    (_, curve), _ = drawer_.picture.position_axes
    hollow = [line for line in curve.get_lines() if line.get_marker() == "*" and line.get_markerfacecolor() == "white"]
    assert len(hollow) == 1
    x, z = hollow[0].get_xydata()[0]
    assert x == -0.25 and z == pytest.approx(float(scene.surface.f(np.array([[-0.25]]))[0]), abs=1e-12)
    assert "hollow star: a local minimum" in drawer_.stage.caption  # the picture says what it means


HIMMELBLAU_MINIMA = np.array([[3.0, 2.0], [-2.805118, 3.131312], [-3.779310, -3.283186], [3.584428, -1.848126]])


def test_one_optimizer_from_many_starts_colours_each_start_by_the_minimum_it_reaches():
    """himmelblau_basins drew its 49 trails in one blue: which start reaches which of the
    four minima could not be told. Each start's trail, marker and z line now take the
    colour of the minimum it ends at (the published minima, nearest by distance), each
    minimum is ringed in it, and the racer itself is in ink."""
    from matplotlib.collections import LineCollection

    from optimotion.draw.stage import stage_for

    run = simulate(scenes.load("himmelblau_basins"))
    style = Style(width=480, height=270, view="contour")
    drawer_ = drawer(run, style)
    stage = drawer_.stage
    ends = run.positions[-1, 0]
    published = np.argmin(np.linalg.norm(ends[:, None] - HIMMELBLAU_MINIMA, axis=-1), axis=1)
    assert np.linalg.norm(ends - HIMMELBLAU_MINIMA[published], axis=-1).max() < 1e-4
    own = np.argmin(np.linalg.norm(stage.minima[:, None] - HIMMELBLAU_MINIMA, axis=-1), axis=0)  # published -> stage
    expected = [stage.basin_colors[own[m]] for m in published]
    assert len(set(expected)) == 4 and drawer_.start_colors == expected
    assert drawer_.reel.in_view[0].all()  # every start drawn at epoch 0 (504 at (4.5, 4.5) was over the limits)
    said = {looks.hex_color(looks.rgb(t.get_color())): t.get_text() for t in drawer_.picture._basin_counts}
    assert said == {c.lower(): f"{expected.count(c)} starts" for c in stage.basin_colors}  # beside each ring
    assert drawer_.styles[0]["color"] == style.ink
    artists = drawer_.artists(len(drawer_.frame_epochs) - 1)
    (_, view), = drawer_.picture.position_axes
    trails = [a for a in artists if isinstance(a, LineCollection) and a.axes is view]
    assert len(trails) == 4
    for trail in trails:  # each colour's trails start at the starts that reach its minimum
        color = looks.hex_color(trail.get_colors()[0][:3])
        firsts = np.array([segment[0] for segment in trail.get_segments()])
        mine = stage.starts[[c.lower() == color for c in expected]]
        assert sorted(map(tuple, firsts)) == sorted(map(tuple, mine)), color
    rings = [line for line in view.get_lines() if line.get_marker() == "o" and line.get_markerfacecolor() == "none"]
    assert sorted(looks.hex_color(looks.rgb(r.get_markeredgecolor())) for r in rings) \
        == sorted(c.lower() for c in stage.basin_colors)
    two_racers = scenes.load("himmelblau_basins").with_options(optimizers=[SGD(lr=0.01), Adam(lr=0.1)])
    assert stage_for(two_racers).basin_colors == ()  # colours name optimizers there


def test_an_end_is_said_to_reach_a_minimum_only_when_it_is_close_to_it():
    from optimotion.draw.stage import reached_minima

    minima = np.array([[0.0, 0.0], [10.0, 0.0]])
    ends = np.array([[0.05, 0.0], [9.99, 0.02], [5.0, 0.0], [np.nan, np.nan], [0.3, 0.0]])
    assert reached_minima(ends, minima, ((-10, 10), (-10, 10))).tolist() == [0, 1, -1, -1, -1]


def test_in_a_1d_view_markers_spread_side_by_side_at_their_height():
    points, sizes = np.array([[50.0, 20.0]] * 3), np.array([10.0, 10.0, 10.0])
    placed = fan.spread(points, sizes, row=True)
    assert np.all(placed[:, 1] == 20.0) and np.allclose(np.diff(placed[:, 0]), fan.APART * 10)
    assert placed[:, 0].mean() == pytest.approx(50.0)


def test_markers_and_lines_grow_with_a_large_frame():
    """At 1920x1080 markers and lines stayed the size they have at 960x540 (text doubled)."""
    run = simulate(scenes.load("saddle").with_options(epochs=50))
    small, large = drawer(run, Style()), drawer(run, Style(width=1920, height=1080))
    assert np.allclose(np.divide(large.sizes, small.sizes), 2.0) and np.allclose(np.divide(large.widths,
                                                                                           small.widths), 2.0)
    assert drawer(run, Style(width=480, height=270)).sizes == small.sizes  # never smaller than at 960x540
    stars = [line.get_markersize() for _, ax in large.picture.position_axes for line in ax.get_lines()
             if line.get_marker() == "X"]
    assert stars == [20.0]  # the saddle point's cross, 10 at 960x540


def test_the_3d_surface_reaches_its_minimum():
    """Ackley's star hung below the surface's tip: no grid line of the mesh ran through (0, 0)."""
    from optimotion.draw.stage import stage_for

    stage = stage_for(scenes.load("ackley_pits"))
    xs, ys, zs = stage.mesh
    at = np.argwhere((xs == 0.0) & (ys == 0.0))
    assert len(at) == 1 and zs[tuple(at[0])] == pytest.approx(stage.minima_heights[0], abs=1e-9)
    assert np.all(np.diff(xs[0]) > 0) and np.all(np.diff(ys[:, 0]) > 0)


def test_a_3d_axis_at_the_default_size_has_more_than_one_tick_label():
    """Rosenbrock's x axis said only '0'."""
    drawer_ = drawer(simulate(scenes.load("rosenbrock_race").with_options(epochs=20)), Style())
    drawer_.picture.canvas.draw()
    (_, ax), = drawer_.picture.position_axes
    lo, hi = ax.get_xlim()
    shown = [t for t, loc in zip(ax.xaxis.get_major_ticks(), ax.get_xticks()) if lo < loc < hi and t.label1.get_text()]
    assert len(shown) >= 3


def test_several_starts_say_the_lowest_and_the_highest_value():
    """local_minima_1d's legend said 'median z = -9' while two of its four starts had
    settled in the other valley (z = -0.418)."""
    scene = scenes.load("local_minima_1d")
    drawer_ = drawer(simulate(scene), Style(width=480, height=270))
    values = drawer_.tracks.values[scene.epochs, 0]
    kind, text = drawer_.live_content(0, scene.epochs)
    assert kind == "number" and text == f"{compact(values.min())} to {compact(values.max())}"
    assert text.startswith("-9 to -0.418")


def test_a_race_of_batches_counts_steps_not_epochs():
    """batch_size_zigzag's axis said 'epoch' for one step (an epoch is a pass over the data:
    ten steps of its batches of 10)."""
    scene = scenes.load("batch_size_zigzag").with_options(epochs=20)
    drawer_ = drawer(simulate(scene), Style(width=480, height=270))
    texts = [a.text for a in drawer_.artists(len(drawer_.frame_epochs) - 1) if isinstance(a, MonoText)]
    assert "step 20" in texts and drawer_.picture.ax_z.get_xlabel() == "step"
    assert drawer(simulate(scenes.load("saddle").with_options(epochs=20)), Style()).picture.ax_z.get_xlabel() == "epoch"


def test_markers_spread_apart_keep_the_order_of_where_they_are():
    """adam_vs_adamw at 480x270 drew Adam (x 3.10) left of AdamW (x 2.82) on its last frame:
    the row was in racer order, not in the order of their x."""
    points, sizes = np.array([[103.0, 20.0], [100.0, 20.0], [101.0, 20.0]]), np.array([10.0, 10.0, 10.0])
    placed = fan.spread(points, sizes, row=True)
    assert list(np.argsort(placed[:, 0])) == list(np.argsort(points[:, 0]))
    ring = fan.spread(np.array([[50.0, 52.0], [50.0, 48.0]]), sizes[:2])  # one above the other
    assert ring[0, 1] > ring[1, 1]
