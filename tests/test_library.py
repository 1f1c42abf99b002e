"""The library's front door: `optimotion.render(...)` in memory, `save` by suffix, CSV, and a
caller's world left as it was (matplotlib, signals, umask, priority, start method)."""
import base64
import csv
import io
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import textwrap

import autograd.numpy as anp
import imageio_ffmpeg
import matplotlib
import numpy as np
import pytest
from PIL import Image

import optimotion
from conftest import ROOT, page_data
from optimotion import animation, cli, scenes
from optimotion.optimizers import SGD, Adam
from optimotion.scenes import Scene, every
from optimotion.surfaces import Surface

TINY = dict(epochs=40, size=(160, 90), jobs=1)  # the tests of processes say jobs=2


@pytest.fixture(scope="module")
def saddle():
    return optimotion.render("saddle", **TINY)


def test_render_gives_the_run_and_every_frame_in_memory(saddle):
    scene = scenes.load("saddle").with_options(epochs=40)
    assert isinstance(saddle, optimotion.Animation)
    assert saddle.frame_epochs == scene.frame_epochs and len(saddle.frames) == len(scene.frame_epochs)
    assert all(frame.shape == (90, 160, 3) and frame.dtype == np.uint8 for frame in saddle.frames)
    assert saddle.run.positions.shape == (41, 3, 1, 2) and saddle.run.values.shape == (41, 3, 1)
    assert saddle.run.labels == ("SGD(lr=0.005)", "Adam(lr=0.005)", "RMSprop(lr=0.005)")


def test_a_scene_a_name_and_a_path_render_alike(saddle):
    path = ROOT / "scenes" / "saddle.py"
    for subject in (scenes.load("saddle"), str(path), path):
        again = optimotion.render(subject, **TINY)
        assert all(np.array_equal(a, b) for a, b in zip(again.frames, saddle.frames))


def test_save_takes_the_format_from_the_suffix(saddle, tmp_path):
    for suffix, decoder_format in (("gif", "GIF"), ("webp", "WEBP"), ("png", "PNG")):
        saved = saddle.save(tmp_path / f"s.{suffix}")
        with Image.open(saved.path) as image:
            assert image.format == decoder_format and image.size == (160, 90)
            assert getattr(image, "n_frames", 1) == (1 if suffix == "png" else len(saddle.frames))
    saved = saddle.save(tmp_path / "s.mp4")
    reader = imageio_ffmpeg.read_frames(str(saved.path))
    meta = next(reader)
    reader.close()
    assert meta["codec"].startswith("h264") and meta["size"] == (160, 90)
    with open(saddle.save(tmp_path / "s.csv").path, newline="") as handle:
        assert next(csv.reader(handle))[:8] == ["epoch", "racer", "start", "x", "y", "z", "grad_x", "grad_y"]
    assert saddle.to_bytes("gif") == (tmp_path / "s.gif").read_bytes()


def test_save_refuses_an_unknown_or_contradicted_format_and_writes_nothing(saddle, tmp_path):
    with pytest.raises(animation.OptionError, match="unknown output format 'avi'"):
        saddle.save(tmp_path / "s.avi")
    with pytest.raises(animation.OptionError, match=r"does not end in \.gif"):
        saddle.save(tmp_path / "s.mp4", format="gif")
    assert list(tmp_path.iterdir()) == []


def test_csv_holds_every_epoch_and_sgd_follows_the_closed_form_on_the_saddle(tmp_path):
    """z = x² − y²: SGD's step is x ← x − 2·lr·x, y ← y + 2·lr·y, so from (20.75, 0.5)
    x_t = 20.75 (1 − 2 lr)^t and y_t = 0.5 (1 + 2 lr)^t."""
    movie = optimotion.render("saddle", epochs=500, size=(160, 90), poster=True)
    with open(movie.save(tmp_path / "saddle.csv").path, newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 501 * 3
    sgd = [row for row in rows if row["racer"] == "SGD(lr=0.005)"]
    t = np.array([int(row["epoch"]) for row in sgd])
    assert np.array_equal(t, np.arange(501)) and {row["start"] for row in sgd} == {"0"}
    x, y, z = (np.array([float(row[k]) for row in sgd]) for k in "xyz")
    np.testing.assert_allclose(x, 20.75 * (1 - 2 * 0.005) ** t, rtol=1e-12)
    np.testing.assert_allclose(y, 0.5 * (1 + 2 * 0.005) ** t, rtol=1e-12)
    np.testing.assert_allclose(z, x**2 - y**2, rtol=1e-12)
    assert np.array_equal(x, movie.run.positions[:, 0, 0, 0])  # full precision: repr round-trips


def test_csv_of_a_1d_scene_has_x_only_and_one_row_per_start(tmp_path):
    scene = Scene("parabola_1d", start=[1.5, -2.0], optimizers=[SGD(lr=0.1), Adam(lr=0.1)], epochs=5,
                  show_epoch=every(5))
    text = optimotion.render(scene, size=(160, 90)).to_bytes("csv").decode()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["epoch", "racer", "start", "x", "z", "grad_x", "exp_avg_x", "exp_avg_sq_x"]
    assert len(rows) == 1 + 6 * 2 * 2
    assert rows[1][:4] == ["0", "SGD(lr=0.1)", "0", "1.5"] and rows[2][:4] == ["0", "SGD(lr=0.1)", "1", "-2.0"]


@pytest.mark.parametrize("options, message", [
    (dict(size=(0, 0)), r"width must be a whole number of pixels from 16 to 4096, got 0"),
    (dict(size=(100000, 100000)), r"from 16 to 4096"),
    (dict(size="big"), r"size must be a pair"),
    (dict(preset="poster"), r"preset must be one of blog, slides, square, got 'poster'"),
    (dict(dpi=0), r"dpi must be 50 to 150 dots per inch, got 0"),
    (dict(orbit=float("nan")), r"orbit must be degrees between -3600 and 3600"),
    (dict(fps=0), r"fps must be 0\.01 to 120 frames per second"),
    (dict(jobs=0), r"jobs must be a positive integer, got 0"),
    (dict(theme="neon"), r"theme must be one of light, dark"),
    (dict(view="side"), r"view must be one of 3d, contour, both"),
    (dict(epochs=0), r"epochs must be a positive integer, got 0"),
])
def test_every_option_rule_is_the_librarys_and_says_which_option(options, message):
    with pytest.raises(ValueError, match=message):
        optimotion.render("saddle", **options)


def test_frames_that_would_not_fit_in_memory_are_refused_before_any_work():
    scene = Scene("bowl", start=(1, 1), optimizers=[SGD(lr=0.1)], epochs=100, show_epoch=every(1))  # 101 frames
    with pytest.raises(animation.OptionError, match=r"^101 frames of 4096x4096 would take 6\.5 GiB of memory, "
                       r"over the limit of 4 GiB: show fewer epochs .* or use a smaller size$"):
        optimotion.render(scene, size=(4096, 4096))
    # saddle's 63 frames at 4096x4096 peaked at 5.3 GB: refused; its 22 frames of 60 epochs peaked at 2,531 MB
    assert animation.memory_peak(63, animation.style_for(size=(4096, 4096)), 2) > 4 * 2**30
    assert abs(animation.memory_peak(22, animation.style_for(size=(4096, 4096)), 2) / 2**20 - 2531) < 0.05 * 2531
    assert optimotion.render(scene, size=(4096, 4096), poster=True).frames[-1].shape == (4096, 4096, 3)


def test_the_style_itself_refuses_what_render_refuses():
    from optimotion.draw import style

    for bad in (dict(dpi=0), dict(width=100000), dict(height=3), dict(orbit=1e9)):
        with pytest.raises(ValueError):
            style.Style(**bad)


def test_too_many_epochs_names_the_keyword_that_lifts_the_limit():
    with pytest.raises(ValueError, match=r"over the limit of 2,000,000 .*lift it with max_epochs$"):
        optimotion.render("saddle", epochs=3_000_000)
    assert optimotion.render("saddle", epochs=3, max_epochs=3, size=(160, 90)).run.epochs == 3


def test_rendering_leaves_rcparams_signal_handlers_umask_and_start_method_alone(tmp_path):
    before = dict(matplotlib.rcParams)
    handlers = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    umask = os.umask(0o022)
    os.umask(umask)
    method = multiprocessing.get_start_method(allow_none=True)
    optimotion.render("saddle", **{**TINY, "jobs": 2}).save(tmp_path / "s.gif")
    assert cli.main(["saddle", "--epochs", "4", "--size", "160x90", "-q", "--out", str(tmp_path / "t.gif")]) == 0
    assert dict(matplotlib.rcParams) == before
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == handlers
    assert os.umask(umask) == umask
    assert multiprocessing.get_start_method(allow_none=True) == method


ISOLATION = textwrap.dedent('''
    import json, os, signal, sys
    import matplotlib
    matplotlib.use("svg")
    matplotlib.rcParams["lines.linewidth"] = 7.5
    def mine(signum, frame):
        pass
    signal.signal(signal.SIGINT, mine)
    signal.signal(signal.SIGTERM, mine)
    os.umask(0o027)
    import optimotion
    after_import = (matplotlib.get_backend(), signal.getsignal(signal.SIGINT) is mine)
    modules = set(sys.modules)
    movie = optimotion.render("saddle", epochs=30, size=(160, 90), jobs=2)
    saved = movie.save(os.path.join(sys.argv[2], "s.gif"))
    print(json.dumps({
        "backend": [after_import[0], matplotlib.get_backend()],
        "linewidth": matplotlib.rcParams["lines.linewidth"],
        "handlers": [after_import[1], signal.getsignal(signal.SIGINT) is mine,
                     signal.getsignal(signal.SIGTERM) is mine],
        "umask": os.umask(0), "nice": os.nice(0),
        "scene modules": sorted(m for m in set(sys.modules) - modules if m.startswith("_optimotion_scene")),
        "mode": oct(os.stat(saved.path).st_mode & 0o777),
    }))
''')


def test_import_and_render_in_a_fresh_interpreter_keep_the_callers_settings(tmp_path):
    """Import-time effects need a fresh interpreter: this one has imported animate long ago."""
    script = tmp_path / "isolation.py"
    script.write_text(ISOLATION)
    done = subprocess.run([sys.executable, str(script), str(ROOT), str(tmp_path)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen["backend"] == ["svg", "svg"] and seen["linewidth"] == 7.5
    assert seen["handlers"] == [True, True, True]
    assert seen["umask"] == 0o027 and seen["nice"] == os.nice(0)
    assert seen["scene modules"] == [] and seen["mode"] == "0o640"  # 0644 less the caller's umask


def _ripple(xy):
    x, y = xy
    return x**2 + y**2 + anp.sin(3 * x)


def test_spawn_with_two_jobs_gives_the_bytes_of_one_job(tmp_path):
    """A scene made here, with a surface that is a lambda (no pickle could send it): the
    render processes get only plain data, so the spawn start method works too."""
    surface = Surface(name="ripple", f=lambda xy: _ripple(xy), domain=((-2, 2), (-2, 2)), zlim=(-1, 9))
    scene = Scene(surface, start=(1.8, 1.5), optimizers=[SGD(lr=0.05), Adam(lr=0.1)], epochs=60,
                  show_epoch=every(4))
    one = optimotion.render(scene, size=(160, 90), jobs=1).to_bytes("gif")
    previous = multiprocessing.get_start_method(allow_none=True)
    multiprocessing.set_start_method("spawn", force=True)
    try:
        two = optimotion.render(scene, size=(160, 90), jobs=2)
    finally:
        multiprocessing.set_start_method(previous, force=True)
    assert len(two.frames) == 16 and two.to_bytes("gif") == one


def test_jobs_are_capped_at_what_helps():
    from optimotion.draw import pool

    assert pool.useful_jobs(64, frames=1000) <= (os.cpu_count() or 1)
    assert pool.useful_jobs(8, frames=10) == 1  # too few frames to repay a second process
    assert pool.useful_jobs(1, frames=1000) == 1


def test_the_inline_display_is_the_player_at_most_640_wide(saddle):
    html = saddle._repr_html_()
    assert html.startswith('<iframe srcdoc="') and 'title="Escaping a saddle' in html
    data = page_data(html)
    assert (data["width"], data["height"]) == (160, 90) and data["runs"][0]["frames"] == saddle.frame_epochs
    big = optimotion.render("saddle", epochs=40, size=(1280, 720), jobs=1, poster=True)
    data = page_data(big._repr_html_())
    assert (data["width"], data["height"]) == (640, 360) and data["runs"][0]["frames"][-1] == 40
    with Image.open(io.BytesIO(base64.b64decode(data["background"].split(",")[1]))) as picture:
        assert picture.size == (640, 360)


def test_an_orbiting_view_shows_inline_as_its_gif():
    """The page draws the 3-D view once: an orbit is a GIF inline, and an error as a page."""
    turning = optimotion.render("saddle", orbit=30, **TINY)
    html = turning._repr_html_()
    assert html.startswith('<img src="data:image/gif;base64,')
    with Image.open(io.BytesIO(base64.b64decode(html.split("base64,")[1].split('"')[0]))) as gif:
        assert gif.size == (160, 90) and gif.n_frames == len(turning.frames)
    with pytest.raises(animation.OptionError, match="orbit"):
        turning.to_bytes("html")
