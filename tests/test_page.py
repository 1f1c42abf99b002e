"""The web page (`--format html`) in a real browser: Debian's chromium, driven by playwright.

The pages are opened from disk, as a reader who downloaded one would. Without a chromium
these tests are skipped, except in CI (`CI` set), where that is a failure: `.ci/run`
installs it.
"""
import base64
import io
import json
import re
import zlib

import numpy as np
import pytest
from PIL import Image

import optimotion
from conftest import page_data
from optimotion.draw.frames import compact
from optimotion.optimizers import SGD
from optimotion.scenes import Scene, every

pytestmark = pytest.mark.xdist_group("browser")  # one browser for all these tests

SIZE = (480, 270)
VIEWPORT = {"width": 700, "height": 520}
PHONE = {"width": 390, "height": 844}  # a phone held upright, in CSS pixels
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture(scope="module")
def saddle(tmp_path_factory):
    """The saddle's animation and its page on disk."""
    movie = optimotion.render("saddle", size=SIZE, jobs=1)
    folder = tmp_path_factory.mktemp("page")
    path = folder / "saddle.html"
    movie.save(path)
    return movie, path


@pytest.fixture(scope="module")
def saddle_gif(saddle) -> bytes:
    return saddle[0].to_bytes("gif")


@pytest.fixture(scope="module")
def blog(tmp_path_factory):
    """The saddle at the default size (960x540), and its page on disk."""
    movie = optimotion.render("saddle", jobs=1)
    path = tmp_path_factory.mktemp("page") / "blog.html"
    movie.save(path)
    return movie, path


@pytest.fixture(scope="module")
def try_it(tmp_path_factory):
    movie = optimotion.render("try_adam_lr", size=SIZE, jobs=1, poster=True)
    path = tmp_path_factory.mktemp("page") / "try.html"
    movie.save(path)
    return movie, path


class Opened:
    """A page open in the browser, with what it asked for and what it logged."""

    def __init__(self, browser, path, fragment="", shared=None, **context):
        self.own = shared is None  # a context of its own only for other settings (reduced motion)
        self.context = shared or browser.new_context(**{"viewport": VIEWPORT, "device_scale_factor": 1, **context})
        self.page = self.context.new_page()
        self.requests, self.console = [], []
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("console", lambda message: self.console.append(f"{message.type}: {message.text}"))
        self.page.on("pageerror", lambda error: self.console.append(f"error: {error}"))
        self.page.goto(path.as_uri() + fragment)
        self.page.wait_for_function("document.body.dataset.ready", timeout=15_000)
        assert self.page.evaluate("document.body.dataset.ready") == "true", self.console

    @property
    def epoch(self) -> str:
        return self.page.inner_text("#epoch")

    def press(self, key: str, wait_ms: int = 50) -> None:
        self.page.keyboard.press(key)
        self.page.wait_for_timeout(wait_ms)

    def canvas_pixels(self) -> np.ndarray:
        """The canvas as drawn (RGBA), read back from the page."""
        url = self.page.evaluate("document.getElementById('canvas').toDataURL('image/png')")
        return np.asarray(Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))).convert("RGBA"))

    def stage_shot(self) -> np.ndarray:
        return np.asarray(Image.open(io.BytesIO(self.page.locator("#stage").screenshot())).convert("RGB"), dtype=int)

    def close(self):
        self.page.close()
        if self.own:
            self.context.close()


@pytest.fixture(scope="module")
def shared_context(browser):
    context = browser.new_context(viewport=VIEWPORT, device_scale_factor=1)
    yield context
    context.close()


@pytest.fixture
def opened(browser, saddle, shared_context):
    pages = []

    def open_page(path=None, fragment="", **context):
        page = Opened(browser, path or saddle[1], fragment, None if context else shared_context, **context)
        pages.append(page)
        return page
    yield open_page
    for page in pages:
        page.close()


def tracks_of(data: dict, run: int = 0) -> dict:
    """A run's tracks as the page carries them: JSON, deflated, in base64."""
    return json.loads(zlib.decompress(base64.b64decode(data["runs"][run]["tracks"])))


def colour_pixels(rgba: np.ndarray, color: str, tolerance: int = 40) -> int:
    target = np.array([int(color[i:i + 2], 16) for i in (1, 3, 5)])
    return int(np.sum((np.abs(rgba[..., :3].astype(int) - target).max(axis=-1) < tolerance) & (rgba[..., 3] > 200)))


# -- the file ------------------------------------------------------------------------------
def test_the_page_is_one_file_lighter_than_the_gif(saddle, blog):
    """One file, nothing fetched; at the default 960x540 lighter than the GIF (it holds
    every epoch's numbers, the GIF every frame's pixels: at 480x270 they weigh about the
    same), three quarters of it without the phone's layout, which adds about a third."""
    movie, path = saddle
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text)  # nothing to fetch
    assert "@import" not in text and "url(http" not in text and "@font-face" not in text
    page, gif = len(blog[1].read_bytes()), len(blog[0].to_bytes("gif"))
    phone = len(json.dumps(page_data(blog[1])["phone"], separators=(",", ":")))
    assert page < gif and page - phone < 0.75 * gif and phone < 0.4 * (page - phone)
    data = page_data(path)
    assert data["runs"][0]["frames"] == movie.frame_epochs and data["runs"][0]["frames"][-1] == 4000


def test_nothing_leaves_the_file_and_nothing_is_logged(opened, saddle):
    page = opened()
    page.press("End")
    page.page.mouse.move(300, 150)
    assert all(url == saddle[1].as_uri() or url.startswith("data:") for url in page.requests), page.requests
    assert page.console == []


# -- playing -------------------------------------------------------------------------------
def test_it_plays_by_itself_and_space_pauses(opened):
    page = opened()
    assert page.page.get_attribute("#play", "aria-label") == "Pause"
    page.page.wait_for_function("document.getElementById('epoch').textContent !== '0'", timeout=5_000)
    page.press(" ")
    paused = page.epoch
    page.page.wait_for_timeout(350)  # three frames at 10 fps
    assert page.epoch == paused and page.page.get_attribute("#play", "aria-label") == "Play"
    page.press(" ")
    page.page.wait_for_function(f"document.getElementById('epoch').textContent !== '{paused}'", timeout=5_000)


def test_reduced_motion_does_not_autoplay(opened):
    page = opened(reduced_motion="reduce")
    assert page.page.get_attribute("#play", "aria-label") == "Play"  # playing, it would say Pause at once
    page.page.wait_for_timeout(300)
    assert page.epoch == "0"


def test_keys_step_through_the_frames(opened, saddle):
    frames = saddle[0].frame_epochs
    page = opened()
    page.press("End")
    assert page.epoch == "4,000"
    page.press("Home")
    assert page.epoch == "0"
    page.press("ArrowRight")
    assert page.epoch == f"{frames[1]:,}"
    page.press("Shift+ArrowRight")
    assert page.epoch == f"{frames[11]:,}"
    page.press("ArrowLeft")
    assert page.epoch == f"{frames[10]:,}"
    page.press("End")
    page.press("ArrowRight")  # stays at the end
    assert page.epoch == "4,000"


def test_dragging_the_scrubber_scrubs(opened, saddle):
    frames = saddle[0].frame_epochs
    page = opened()
    page.press("Home")
    box = page.page.locator("#scrub").bounding_box()
    y = box["y"] + box["height"] / 2
    page.page.mouse.move(box["x"] + 4, y)
    page.page.mouse.down()
    page.page.mouse.move(box["x"] + box["width"] * 0.5, y, steps=8)
    page.page.mouse.up()
    index = int(page.page.input_value("#scrub"))
    assert 20 < index < 45 and page.epoch == f"{frames[index]:,}"
    page.page.wait_for_timeout(400)
    assert page.epoch == f"{frames[index]:,}"  # scrubbing paused it


def test_a_link_opens_any_recorded_epoch(opened, saddle):
    page = opened(fragment="#epoch=1234")  # not a frame epoch
    assert page.epoch == "1,234"
    page.page.wait_for_timeout(400)
    assert page.epoch == "1,234"  # a linked moment stays paused
    live = page.page.inner_text("#live-2")  # RMSprop's value at epoch 1,234, as the run recorded it
    assert live.split()[-1] == compact(saddle[0].run.values[1234, 2, 0])


def test_live_values_are_the_recorded_numbers(opened, saddle):
    movie = saddle[0]
    page = opened(fragment="#epoch=300")
    for r in range(3):
        assert page.page.inner_text(f"#live-{r}").split()[-1] == compact(movie.run.values[300, r, 0])
    page.press("End")
    assert page.page.inner_text("#live-0").split()[-1] == compact(movie.run.values[-1, 0, 0])  # left the
    # view at 394, its value goes on as its z line does


def test_the_pace_under_the_counter_is_the_gif_s(opened, saddle):
    page = opened(fragment="#epoch=2250")
    assert page.page.inner_text("#pace") == "+250 a frame"
    page.press("Home")
    assert page.page.locator("#pace").is_hidden()  # the first frame has no frame before it


def test_hovering_a_marker_or_a_line_reads_its_epoch_and_value(opened, saddle):
    movie = saddle[0]
    page = opened(fragment="#epoch=300")
    box = page.page.locator("#stage").bounding_box()
    x, y = page.page.evaluate("window.animatePlayer.markerAt(2)")  # RMSprop's marker, where the player drew it
    page.page.mouse.move(box["x"] + x, box["y"] + y)
    page.page.wait_for_timeout(100)
    assert page.page.inner_text("#tip") == f"RMSprop(lr=0.005) · epoch 300 · z = {compact(movie.run.values[300, 2, 0])}"
    data = page_data(saddle[1])
    z, sgd = data["z"], tracks_of(data)["racers"][0]["starts"][0]
    line_y = np.cumsum(sgd["z"])[100] / 8  # the page's own pixels of SGD's z line, at epoch 100
    page.page.mouse.move(box["x"] + z["x0"] + 100 * z["dx"], box["y"] + line_y + 3)
    page.page.wait_for_timeout(100)
    tip = re.fullmatch(r"SGD\(lr=0.005\) · epoch (\d+) · z = (\S+)", page.page.inner_text("#tip"))
    epoch = int(tip.group(1))  # one pixel column holds 1 / dx epochs: the one nearest the pointer
    assert abs(epoch - 100) <= 0.5 / z["dx"] + 1 and tip.group(2) == compact(movie.run.values[epoch, 0, 0])
    page.page.mouse.move(box["x"] + z["x0"] + 3000 * z["dx"], box["y"] + line_y + 3)  # no line there
    page.page.wait_for_timeout(100)
    assert page.page.locator("#tip").is_hidden()


# -- what it draws -------------------------------------------------------------------------
def test_a_racer_toggled_off_leaves_the_canvas(opened, saddle):
    page = opened()
    page.press("End")
    sgd = page_data(saddle[1])["racers"][0]["color"]
    assert colour_pixels(page.canvas_pixels(), sgd) > 200
    page.page.click("#legend .entry >> nth=0")
    assert page.page.get_attribute("#legend .entry >> nth=0", "aria-pressed") == "false"
    assert colour_pixels(page.canvas_pixels(), sgd) == 0
    page.page.click("#legend .entry >> nth=0")
    assert colour_pixels(page.canvas_pixels(), sgd) > 200


def test_screenshots_match_the_gif_frames(opened, saddle, saddle_gif):
    """The page and the GIF draw the same pixels, closely: the static picture is the same
    image (in the GIF's palette); the browser antialiases lines and markers a little
    differently from Agg, and draws the live numbers in its own copy of the font."""
    movie = saddle[0]
    shots = {}
    for index in (20, len(movie.frames) - 1):
        page = opened(fragment=f"#epoch={movie.frame_epochs[index]}")
        shot = page.stage_shot()
        with Image.open(io.BytesIO(saddle_gif)) as decoded:
            decoded.seek(index)
            gif = np.asarray(decoded.convert("RGB"), dtype=int)
        assert shot.shape == gif.shape
        error = np.abs(shot - gif)
        assert error.mean() < 2.5, (index, error.mean())
        assert np.mean(error.max(axis=-1) > 64) < 0.02, index
        shots[index] = shot
    first, last = shots.values()
    assert np.mean(np.abs(first - last).max(axis=-1) > 64) > 0.02  # two moments do differ


def test_markers_spread_apart_at_the_end_are_where_the_gif_draws_them(opened, tmp_path):
    """Two racers that run alike end on one point; the last frame draws their markers
    aside, each whole, a line leading back: the page as the GIF."""
    scene = Scene("bowl", start=(5.0, 2.0), epochs=40, show_epoch=every(10),
                  optimizers={"one": SGD(lr=0.1), "two": SGD(lr=0.1)})
    movie = optimotion.render(scene, size=SIZE, jobs=1)
    path = tmp_path / "together.html"
    movie.save(path)
    (spread,) = page_data(path)["runs"][0]["spread"]
    assert all(place is not None for place in spread)
    shot = opened(path, fragment=f"#epoch={movie.frame_epochs[-1]}").stage_shot()
    gif = movie.frames[-1].astype(int)
    colors = [np.array([int(look["color"][i:i + 2], 16) for i in (1, 3, 5)]) for look in page_data(path)["racers"]]
    for (_, _, x1, y1), color in zip(spread, colors):  # each marker drawn aside, in its colour, in both
        box = np.s_[round(y1) - 2: round(y1) + 3, round(x1) - 2: round(x1) + 3]
        assert np.abs(shot[box] - color).max() < 24 and np.abs(gif[box] - color).max() < 24, (x1, y1)
    left = opened(path, fragment=f"#epoch={movie.frame_epochs[-2]}").stage_shot()  # the frame before: not spread
    x0, y0, x1, y1 = spread[0]
    box = np.s_[round(y1) - 3: round(y1) + 4, round(x1) - 3: round(x1) + 4]
    assert np.abs(shot[box] - left[box]).max() > 64


def test_each_start_is_drawn_in_the_colour_of_the_minimum_it_reaches(opened, tmp_path):
    """As the GIF: one optimizer from four starts, two settling in the local minimum and
    two in the global one; each start's trail and marker in its minimum's colour."""
    movie = optimotion.render("local_minima_1d", size=SIZE, jobs=1)
    path = tmp_path / "basins.html"
    movie.save(path)
    data = page_data(path)
    stage = movie.stage
    local, global_ = stage.basin_colors[1], stage.basin_colors[0]
    assert [start["color"] for start in tracks_of(data)["racers"][0]["starts"]] == [local, local, global_, global_]
    assert data["racers"][0]["color"] == "#1a1a1a"  # the racer itself: ink
    canvas = opened(path, fragment=f"#epoch={stage.epochs}").canvas_pixels()
    assert colour_pixels(canvas, local, 24) > 100 and colour_pixels(canvas, global_, 24) > 100


# -- variants --------------------------------------------------------------------------------
def test_the_variant_slider_changes_the_trajectory(opened, try_it):
    movie, path = try_it
    page = opened(path, fragment="#epoch=20")
    data = page_data(path)
    assert data["variants"]["name"] == "Adam lr" and data["variants"]["values"] == ["0.03", "0.1", "0.3", "0.6", "1"]
    before = page.canvas_pixels()
    sgd_before, adam_before = page.page.inner_text("#live-0"), page.page.inner_text("#live-1")
    page.page.focus("#variant")
    page.press("ArrowRight")  # lr 0.3 -> 0.6
    assert page.page.inner_text("#variantValue") == "0.6" and page.epoch == "20"
    assert page.page.inner_text("#live-0") == sgd_before and page.page.inner_text("#live-1") != adam_before
    assert np.mean(np.any(page.canvas_pixels() != before, axis=-1)) > 0.001
    adam = data["racers"][1]["color"]
    assert colour_pixels(page.canvas_pixels(), adam) > 50


# -- a start anywhere, and a tuned race ---------------------------------------------------
@pytest.fixture(scope="module")
def anywhere(tmp_path_factory):
    """The saddle with a start anywhere (a 6x6 grid), in the contour view and the 3-D one."""
    movie = optimotion.render("saddle", size=SIZE, view="both", jobs=1, poster=True, start_grid=6)
    path = tmp_path_factory.mktemp("page") / "anywhere.html"
    movie.save(path)
    return movie, path


def test_a_click_on_the_map_restarts_the_race_from_the_nearest_grid_point(opened, anywhere):
    from optimotion.draw.frames import FrameDrawer
    from optimotion.draw.stage import reel_for
    from optimotion.draw.views import position_pixels
    from optimotion.output.page import SUBPIXELS
    from optimotion.simulation import runner

    movie, path = anywhere
    page = opened(path)
    g = 21  # the 4th point of the 4th row of a 6x6 grid
    for v in (1, 0):  # the contour map, then the 3-D view: a click beside a grid point snaps to it
        x, y = page.page.evaluate(f"animatePlayer.gridPoint({g}, {v})")
        box = page.page.locator("#stage").bounding_box()
        page.page.mouse.click(box["x"] + x + 4, box["y"] + y - 3)
        assert page.page.evaluate("animatePlayer.start") == g
    point = movie.start_grid.points[g]
    assert re.fullmatch(rf"Racing from \({compact(point[0])}, {compact(point[1])}\), the nearest point of a 6×6 "
                        r"grid, \S+ apart in x and \S+ in y\.", page.page.inner_text("#startText"))
    # the positions shown are a direct run's from that start, projected as the GIF projects them
    scene = movie.scene
    direct = runner.simulate(optimotion.Scene(scene.surface, start=tuple(point), optimizers=scene.optimizers,
                                              epochs=scene.epochs))
    drawer = FrameDrawer(movie.stage, movie.style, movie.reel)
    in_view = reel_for(movie.stage, direct.tracks, movie.reel.frame_epochs).in_view
    compared = 0
    for epoch in movie.reel.frame_epochs[1:4] + movie.reel.frame_epochs[-1:]:
        page.page.evaluate(f"animatePlayer.show({epoch})")
        for r in range(3):
            seen = [e for e in range(epoch + 1) if in_view[e, r, 0]]  # a racer out of view: where it left
            for v, (kind, ax) in enumerate(drawer.picture.position_axes):
                shown = page.page.evaluate(f"animatePlayer.markerAt({r}, 0, {v})")
                if not seen:
                    assert shown is None
                    continue
                at = direct.positions[seen[-1], r, 0]
                expected = position_pixels(kind, ax, at[None], movie.stage.plotted(direct.values[seen[-1], r, :1]))[0]
                assert abs(shown[0] - expected[0]) <= 1 / SUBPIXELS
                assert abs(shown[1] - (movie.style.height - expected[1])) <= 1 / SUBPIXELS
                compared += seen[-1] == epoch
        live = page.page.inner_text("#live-2")
        assert live.startswith("left") or live.split()[-1] == compact(direct.values[epoch, 2, 0])
    assert compared >= 6  # racers in view, in both views, at two moments
    page.press("Escape")
    assert page.page.evaluate("animatePlayer.start") is None
    assert page.page.inner_text("#startText").startswith("Click the map to race from anywhere")


def test_a_tuned_page_offers_the_race_as_written_and_shows_the_card(opened, tmp_path):
    movie = optimotion.render("rosenbrock_race", size=(320, 180), epochs=300, jobs=1, poster=True, tune=4)
    path = tmp_path / "tuned.html"
    movie.save(path)
    assert (tmp_path / "tuned-tuning.png").is_file()
    data = page_data(path)
    assert data["variants"] == {"name": "lr", "values": [movie.tuning.stamp().removeprefix("lr "), "as written"],
                                "default": 0}
    page = opened(path, fragment="#epoch=300")
    assert page.page.locator("#cardImage").is_visible()
    card = Image.open(io.BytesIO(base64.b64decode(data["card"].split(",", 1)[1])))
    assert card.size == (320, 180)
    tuned_live = page.page.inner_text("#live-3")
    page.page.focus("#variant")
    page.press("ArrowRight")
    assert page.page.inner_text("#variantValue") == "as written"
    assert page.page.inner_text("#live-3") != tuned_live


# -- on a phone ----------------------------------------------------------------------------
def css_font(page, element_id: str) -> float:
    """An element's font size on the screen, in CSS pixels (the picture's scale applied)."""
    return page.page.evaluate(f"parseFloat(getComputedStyle(document.getElementById('{element_id}')).fontSize)"
                              " * animatePlayer.scale")


def test_on_a_phone_the_picture_fills_the_screen_and_its_text_is_legible(opened, blog):
    """Issue 19: the 960x540 picture on a 390 px phone was scaled to 0.4 (text 4 to 6 px)
    and took a quarter of the screen. Held upright, the phone shows the tall layout."""
    page = opened(blog[1], fragment="#epoch=2250", viewport=PHONE, device_scale_factor=3)
    data = page_data(blog[1])
    assert page.page.evaluate("animatePlayer.layout") == "phone"
    assert page.page.evaluate("document.getElementById('picture').naturalWidth") == data["phone"]["width"]
    box = page.page.locator("#stage").bounding_box()
    assert box["width"] >= 0.95 * PHONE["width"] and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert box["height"] >= 0.6 * PHONE["height"]  # not a strip across a blank screen
    assert page.page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # nothing off the side
    for element in ("live-0", "live-1", "live-2", "counter"):
        assert css_font(page, element) >= 10, element
    # The legend is the tall picture's, under its view: its texts inside the picture, apart.
    view_bottom = box["y"] + sum(data["phone"]["views"]["0"]["clip"][1::2]) * page.page.evaluate("animatePlayer.scale")
    lives = [page.page.locator(f"#live-{r}").bounding_box() for r in range(3)]
    assert all(view_bottom < live["y"] and live["y"] + live["height"] <= box["y"] + box["height"] for live in lives)
    assert all(a["y"] + a["height"] <= b["y"] for a, b in zip(lives, lives[1:]))


def test_a_marker_in_the_phone_layout_is_where_the_tall_picture_projects_it(opened, saddle):
    from optimotion.draw.frames import FrameDrawer
    from optimotion.draw.views import position_pixels
    from optimotion.output.page import SUBPIXELS, phone_style

    movie, path = saddle
    tall = phone_style(movie.style)
    drawer = FrameDrawer(movie.stage, tall, movie.reel)  # the tall picture, as the page drew its background
    (kind, ax), = drawer.picture.position_axes
    page = opened(path, fragment="#epoch=300", viewport=PHONE)
    assert page.page.evaluate("animatePlayer.layout") == "phone"
    canvas = page.canvas_pixels()
    assert canvas.shape[:2] == (tall.height, tall.width)
    looks = page_data(path)["racers"]
    for r in range(3):
        at, value = movie.run.positions[300, r, :1], movie.run.values[300, r, :1]
        expected = position_pixels(kind, ax, at, movie.stage.heights(at, value))[0]
        x, y = page.page.evaluate(f"animatePlayer.markerAt({r})")
        assert abs(x - expected[0]) <= 1 / SUBPIXELS and abs(y - (tall.height - expected[1])) <= 1 / SUBPIXELS
    reach = int(looks[2]["markerSize"] / 2)  # the canvas has RMSprop's marker (drawn last) there
    assert colour_pixels(canvas[round(y) - reach:round(y) + reach + 1, round(x) - reach:round(x) + reach + 1],
                         looks[2]["color"]) > reach ** 2
    box, scale = page.page.locator("#stage").bounding_box(), page.page.evaluate("animatePlayer.scale")
    page.page.mouse.move(box["x"] + x * scale, box["y"] + y * scale)  # hovering it reads it
    page.page.wait_for_timeout(100)
    assert page.page.inner_text("#tip") == f"RMSprop(lr=0.005) · epoch 300 · z = {compact(movie.run.values[300, 2, 0])}"


def test_turning_to_a_phone_keeps_the_moment_the_racers_shown_and_the_start(opened, anywhere):
    """Desktop to phone and back, live: the frame, the pause, a hidden racer and a picked
    start stay; the grid point, its crosshair and the markers move to the tall picture's
    pixels."""
    from optimotion.draw.frames import FrameDrawer
    from optimotion.draw.views import position_pixels, view_pixels
    from optimotion.output.page import SUBPIXELS, phone_style

    movie, path = anywhere
    page = opened(path, viewport=DESKTOP)
    assert page.page.evaluate("animatePlayer.layout") == "page"
    g, grid = 21, movie.start_grid
    x, y = page.page.evaluate(f"animatePlayer.gridPoint({g}, 1)")
    box = page.page.locator("#stage").bounding_box()
    page.page.mouse.click(box["x"] + x, box["y"] + y)
    assert page.page.evaluate("animatePlayer.start") == g
    epoch = 40  # a frame's: the grid keeps its racers' positions there
    assert epoch in movie.reel.frame_epochs
    page.page.evaluate(f"animatePlayer.show({epoch})")
    page.page.click("#legend .entry >> nth=1")  # Adam hidden
    lives = [page.page.inner_text(f"#live-{r}").split()[-1] for r in (0, 2)]
    page.page.set_viewport_size(PHONE)
    page.page.wait_for_function("animatePlayer.layout === 'phone'", timeout=5_000)
    assert page.epoch == f"{epoch:,}" and page.page.evaluate("animatePlayer.start") == g
    assert page.page.get_attribute("#play", "aria-label") == "Play"  # still paused
    assert page.page.get_attribute("#legend .entry >> nth=1", "aria-pressed") == "false"
    assert [page.page.inner_text(f"#live-{r}").split()[-1] for r in (0, 2)] == lives
    tall = phone_style(movie.style)
    drawer = FrameDrawer(movie.stage, tall, movie.reel)
    canvas, looks = page.canvas_pixels(), page_data(path)["racers"]
    assert canvas.shape[:2] == (tall.height, tall.width) and colour_pixels(canvas, looks[1]["color"]) == 0
    heights = movie.stage.plotted(grid.run.values[0, 0, g:g + 1])
    for v, (kind, ax) in enumerate(drawer.picture.position_axes):
        coords = (grid.points[g:g + 1, 0], grid.points[g:g + 1, 1]) + ((heights,) if kind == "3d" else ())
        px, py = view_pixels(kind, ax, *coords)[0]
        x, y = page.page.evaluate(f"animatePlayer.gridPoint({g}, {v})")
        assert abs(x - px) <= 0.05 and abs(y - (tall.height - py)) <= 0.05
        ring = canvas[round(y) - 10:round(y) + 11, round(x) - 10:round(x) + 11]  # the crosshair, in ink
        assert colour_pixels(ring, page_data(path)["ink"]) > 10
        for r in (0, 2):  # the race from that point, in the tall picture
            at, value = grid.run.positions[epoch, r, g:g + 1], grid.run.values[epoch, r, g:g + 1]
            expected = position_pixels(kind, ax, at, movie.stage.heights(at, value))[0]
            shown = page.page.evaluate(f"animatePlayer.markerAt({r}, 0, {v})")
            assert abs(shown[0] - expected[0]) <= 1 / SUBPIXELS
            assert abs(shown[1] - (tall.height - expected[1])) <= 1 / SUBPIXELS
    page.page.set_viewport_size(DESKTOP)
    page.page.wait_for_function("animatePlayer.layout === 'page'", timeout=5_000)
    assert page.epoch == f"{epoch:,}" and page.page.evaluate("animatePlayer.start") == g
    assert page.page.evaluate(f"animatePlayer.gridPoint({g}, 1)") == page_data(path)["grid"]["pixels"][1][g]


def test_turning_to_a_phone_keeps_the_variant_and_the_play(opened, try_it):
    movie, path = try_it
    page = opened(path, viewport=DESKTOP)
    page.page.focus("#variant")
    page.press("ArrowRight")  # lr 0.3 -> 0.6
    page.page.set_viewport_size(PHONE)
    page.page.wait_for_function("animatePlayer.layout === 'phone'", timeout=5_000)
    assert page.page.evaluate("animatePlayer.variant") == 3 and page.page.inner_text("#variantValue") == "0.6"
    assert page.page.get_attribute("#play", "aria-label") == "Pause"  # still playing
    before = page.epoch
    page.page.wait_for_function(f"document.getElementById('epoch').textContent !== '{before}'", timeout=5_000)
    assert page.page.evaluate("document.getElementById('labels').naturalWidth") == \
        page_data(path)["phone"]["runs"]["3"]["labelBox"][2]  # the variant's labels, drawn tall


def test_a_phone_layout_only_for_a_landscape_picture_wider_than_a_phone():
    from optimotion.draw.style import Style
    from optimotion.output.page import phone_style

    for style in (Style(), Style(1280, 720, dpi=50, theme="dark")):  # 380x640 CSS pixels, drawn at 1.5 a pixel
        tall = phone_style(style)
        assert (tall.width, tall.height, tall.dpi, tall.theme) == (570, 960, 150, style.theme)
    assert phone_style(Style(800, 800)) is None and phone_style(Style(360, 200)) is None


# -- the command line ------------------------------------------------------------------------
def test_the_command_line_writes_a_page_by_format_or_suffix(cli, tmp_path):
    by_suffix = cli("saddle", "--epochs", "40", "--size", "320x180", "--out", tmp_path / "s.html")
    assert by_suffix.returncode == 0  # the frames of show_epoch over epochs 0 to 40:
    assert by_suffix.stdout.startswith(f"{tmp_path / 's.html'}: 18 frames, ")
    data = page_data(tmp_path / "s.html")
    assert (data["width"], data["height"]) == (320, 180) and data["runs"][0]["frames"][-1] == 40
    by_format = cli("saddle", "--epochs", "40", "--size", "320x180", "--format", "html", cwd=tmp_path)
    assert by_format.returncode == 0 and (tmp_path / "output" / "saddle.html").read_bytes() == \
        (tmp_path / "s.html").read_bytes()


@pytest.mark.parametrize("args, message", [
    (["--orbit", "30"], "orbit applies to gif, webp, mp4, png, not html: the web page draws the 3-D view once"),
    (["--max-bytes", "1000"], "cannot fit in 1,000 bytes: the page is"),
])
def test_what_a_page_cannot_do_is_one_line(cli, tmp_path, args, message):
    out = tmp_path / "s.html"
    done = cli("saddle", "--epochs", "40", "--size", "320x180", "--out", out, *args)
    assert done.returncode == 1 and done.stderr.startswith(f"animate: error: {message}")
    assert done.stderr.count("\n") == 1 and not out.exists() and list(tmp_path.iterdir()) == []


# -- strings are data ------------------------------------------------------------------------
HOSTILE_TITLE = 'Lesson 3" onload=alert(document.domain) x {{data}} {{script}} </title><script>alert(2)</script>'
HOSTILE_LABELS = ("<!--<script>", "</script><script>alert(3)</script>", "{{css}} & <b>bold</b>")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """A scene whose title and labels hold markup, script and the template's placeholders."""
    from optimotion.optimizers import SGD, Adam, RMSprop
    from optimotion.scenes import Scene

    scene = Scene(surface="saddle", start=(20.75, 0.5), epochs=40, title=HOSTILE_TITLE,
                  optimizers=dict(zip(HOSTILE_LABELS, (SGD(lr=0.005), Adam(lr=0.005), RMSprop(lr=0.005)))))
    movie = optimotion.render(scene, size=SIZE, jobs=1, poster=True)  # with a phone layout
    folder = tmp_path_factory.mktemp("hostile")
    page = folder / "page.html"
    movie.save(page)
    notebook = folder / "notebook.html"  # what Jupyter does with the output: puts it in its own page
    notebook.write_text(f"<!DOCTYPE html><html><body><h1>notebook</h1>{movie._repr_html_()}</body></html>",
                        encoding="utf-8")
    return page, notebook


def test_a_title_and_labels_are_text_in_the_page(hostile):
    text = hostile[0].read_text(encoding="utf-8")
    head, body = text.split("</head>", 1)
    assert head.count("<title>") == 1 and head.count("<script") == 0  # the title did not open an element
    assert body.count("<script") == 2  # the data and the player, no more
    data = page_data(hostile[0])
    assert data["title"] == HOSTILE_TITLE and data["runs"][0]["labels"] == list(HOSTILE_LABELS)
    assert data["phone"]["width"] == 570  # the phone's layout's data is data too


@pytest.mark.parametrize("which", ["page", "phone", "notebook"])
def test_no_script_of_a_scene_runs_in_the_page_or_the_notebook(browser, hostile, which):
    """Opened in Chromium, neither the page (on a desktop or a phone) nor the notebook's
    inline output fires a dialog, and the player runs, showing the labels as written."""
    context = browser.new_context(viewport=PHONE if which == "phone" else VIEWPORT)
    dialogs = []
    page = context.new_page()
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto((hostile[1] if which == "notebook" else hostile[0]).as_uri())
    frame = page.frame_locator("iframe") if which == "notebook" else page
    if which == "notebook":
        assert page.get_attribute("iframe", "sandbox") == "allow-scripts"  # no same origin: not the notebook's
        player = page.frames[1]
    else:
        player = page.main_frame
    player.wait_for_function("document.body.dataset.ready", timeout=15_000)
    assert player.evaluate("document.body.dataset.ready") == "true"
    assert player.evaluate("animatePlayer.layout") == ("phone" if which == "phone" else "page")
    labels = [frame.locator(f"#legend .entry >> nth={r}").get_attribute("aria-label") for r in range(3)]
    assert labels == [f"{label}: show or hide" for label in HOSTILE_LABELS]
    assert player.evaluate("document.title") == HOSTILE_TITLE
    page.wait_for_timeout(300)
    assert dialogs == []
    context.close()


# -- each racer's state --------------------------------------------------------------------
@pytest.fixture(scope="module")
def with_glyphs(tmp_path_factory):
    movie = optimotion.render("adam_equalises", size=SIZE, jobs=1)
    path = tmp_path_factory.mktemp("glyphs") / "glyphs.html"
    movie.save(path)
    return movie, path


def test_the_page_draws_the_gif_s_glyphs_and_a_toggle_hides_them(opened, with_glyphs):
    movie, path = with_glyphs
    index = 12
    page = opened(path, fragment=f"#epoch={movie.frame_epochs[index]}")
    shot = page.stage_shot()
    with Image.open(io.BytesIO(movie.to_bytes("gif"))) as decoded:
        decoded.seek(index)
        gif = np.asarray(decoded.convert("RGB"), dtype=int)
    assert np.abs(shot - gif).mean() < 2.5  # the glyphs where the GIF has them
    shown = page.canvas_pixels()
    page.page.click("#glyphs")
    hidden = page.canvas_pixels()
    changed = np.any(shown != hidden, axis=-1)
    assert changed.sum() > 100 and not np.any(hidden[changed][:, 3] > shown[changed][:, 3])  # glyphs gone, nothing new
    box = page.page.locator("#stage").bounding_box()
    x, y = page.page.evaluate("window.animatePlayer.markerAt(1)")
    page.page.mouse.move(box["x"] + x, box["y"] + y)
    page.page.wait_for_timeout(100)
    assert "grad (" in page.page.inner_text("#tip") and "exp_avg_sq (" in page.page.inner_text("#tip")
