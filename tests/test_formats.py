"""Every output format opens in an independent decoder; output is deterministic."""
import io
import re

import imageio_ffmpeg
import numpy as np
import pytest
from PIL import Image

import optimotion
from optimotion import animation, scenes
from optimotion.optimizers import SGD, Adam
from optimotion.output import encoders
from optimotion.scenes import Scene, every

SCENE = Scene("rosenbrock", start=(-1.5, 2.0), optimizers=[SGD(lr=1e-3), Adam(lr=0.05)], epochs=120,
              show_epoch=every(6))  # 21 frames: epochs 0, 6, ..., 120
SIZE = (320, 180)


def render(tmp_path, name, scene=SCENE, max_bytes=None, size=SIZE, jobs=1, **options):
    """Render through the library (in this process unless `jobs` says otherwise) and save
    to tmp_path/name: what was written."""
    return optimotion.render(scene, size=size, jobs=jobs, **options).save(tmp_path / name, max_bytes=max_bytes)


@pytest.mark.parametrize("fmt", ["gif", "webp"])
def test_animated_images_open_with_pillow(tmp_path, fmt):
    result = render(tmp_path, f"scene.{fmt}")
    with Image.open(result.path) as image:
        assert image.format == fmt.upper()
        assert image.n_frames == 21 and image.size == (320, 180)
        assert image.info.get("loop") == 0
    assert result.bytes == result.path.stat().st_size


def test_mp4_is_h264_yuv420p_with_the_frames_and_the_hold(tmp_path):
    result = render(tmp_path, "scene.mp4", fps=10)
    reader = imageio_ffmpeg.read_frames(str(result.path))
    meta = next(reader)
    reader.close()
    assert meta["size"] == (320, 180)
    assert meta["codec"].startswith("h264")
    assert "yuv420p" in meta["pix_fmt"]
    frames, seconds = imageio_ffmpeg.count_frames_and_secs(str(result.path))
    assert frames == 21 + 9 + 19  # 21 frames, the first held 1 s and the last 2 s at 10 fps
    assert seconds == pytest.approx(4.9, abs=0.15)


def test_mp4_with_odd_sides_is_padded_to_even(tmp_path):
    result = render(tmp_path, "odd.mp4", size=(321, 181))
    reader = imageio_ffmpeg.read_frames(str(result.path))
    assert next(reader)["size"] == (322, 182)
    reader.close()


def test_png_is_a_poster_and_an_overview(tmp_path):
    result = render(tmp_path, "poster.png")
    assert result.extra_paths == (tmp_path / "poster-overview.png",)
    for path in (result.path, *result.extra_paths):
        with Image.open(path) as image:
            assert image.format == "PNG" and image.size == (320, 180)


def test_poster_is_the_last_frame_of_the_animation(tmp_path):
    poster = render(tmp_path, "poster.png").path
    frames = optimotion.render(SCENE, size=SIZE, jobs=1).frames
    assert np.array_equal(np.asarray(Image.open(poster).convert("RGB")), frames[-1])


def test_same_scene_same_bytes_in_every_format_for_any_jobs(tmp_path):
    first = optimotion.render(SCENE, size=SIZE, jobs=1)
    second = optimotion.render(SCENE, size=SIZE, jobs=2)
    for fmt in ("gif", "webp", "mp4"):  # (the page's bytes: tests/test_page.py)
        assert first.save(tmp_path / f"a.{fmt}").path.read_bytes() == second.to_bytes(fmt), fmt


def test_max_bytes_trims_until_it_fits_and_says_so(tmp_path):
    movie = optimotion.render(SCENE, size=(480, 270), jobs=1)
    natural = movie.save(tmp_path / "natural.gif").bytes
    limit = int(natural * 0.7)
    result = movie.save(tmp_path / "fit.gif", max_bytes=limit)
    assert result.bytes <= limit
    assert result.notes and re.search(r"to fit in [\d,]+ bytes: .*(kept 1 frame in 2|shrank to)", result.notes[0])


def test_max_bytes_that_cannot_be_met_is_an_error(tmp_path):
    with pytest.raises(animation.FitError, match="cannot fit in 100 bytes"):
        render(tmp_path, "tiny.gif", max_bytes=100)
    assert not (tmp_path / "tiny.gif").exists()


def test_format_comes_from_the_suffix_and_a_clash_is_a_usage_error(cli, tmp_path):
    result = cli("saddle", "--epochs", "10", "--size", "160x90", "--out", tmp_path / "s.webp")
    assert result.returncode == 0, result.stderr
    assert Image.open(tmp_path / "s.webp").format == "WEBP"
    clash = cli("saddle", "--format", "gif", "--out", tmp_path / "s.mp4")
    assert clash.returncode == 2 and "does not end in .gif" in clash.stderr
    unknown = cli("saddle", "--format", "avi")
    assert unknown.returncode == 2 and "invalid choice: 'avi'" in unknown.stderr
    suffix = cli("saddle", "--out", tmp_path / "s.avi")
    assert suffix.returncode == 2 and "unknown output format 'avi'" in suffix.stderr


@pytest.mark.parametrize("name", ["warmup_cosine", "noisy_sgd"])
def test_schedule_and_noise_scenes_render_and_repeat_byte_for_byte(tmp_path, name):
    scene = scenes.load(name).with_options(epochs=150)
    first = render(tmp_path, "first.gif", scene)
    second = render(tmp_path, "second.gif", scene)
    assert first.frames == len(scene.frame_epochs) == 27
    assert first.path.read_bytes() == second.path.read_bytes()
    if name == "noisy_sgd":
        reseeded = render(tmp_path, "reseeded.gif", scene.with_options(seed=8))
        assert reseeded.path.read_bytes() != first.path.read_bytes()


def test_max_bytes_shrinks_the_picture_before_it_drops_below_30_frames(tmp_path):
    scene = SCENE.with_options(epochs=4000, show_epoch=scenes.show_epoch)  # 63 frames
    movie = optimotion.render(scene, size=(400, 226), jobs=1)  # 0.8 of it is still over 160 pixels a side
    natural = movie.save(tmp_path / "natural.gif")
    assert natural.frames == 63
    result = movie.save(tmp_path / "fit.gif", max_bytes=int(natural.bytes * 0.6))
    assert result.bytes <= natural.bytes * 0.6
    assert result.frames == 32  # halved once, then smaller: not a slide show
    assert re.fullmatch(r"to fit in [\d,]+ bytes: kept 1 frame in 2 at 5 fps, shrank to \d+x\d+", result.notes[0])


def _gif_durations(data: bytes) -> list[int]:
    durations = []
    with Image.open(io.BytesIO(data)) as gif:
        for index in range(gif.n_frames):
            gif.seek(index)
            durations.append(gif.info["duration"])
    return durations


def test_gif_delays_keep_the_rate_on_average_and_never_fall_under_what_browsers_show(tmp_path):
    frames = [np.zeros((8, 32, 3), np.uint8) for _ in range(25)]
    for k, frame in enumerate(frames):
        frame[:, k] = 255  # a line that moves: every frame differs (Pillow merges equal ones)
    middle = _gif_durations(encoders.encode_gif(frames, 15))[1:-1]
    assert set(middle) == {60, 70} and abs(sum(middle) / len(middle) - 1000 / 15) < 2  # not 60 throughout
    fast = _gif_durations(encoders.encode_gif(frames, 60))
    assert min(fast) == 20 and fast[0] == 1000 and fast[-1] == 2000
    movie = optimotion.render(SCENE, size=(64, 36), jobs=1, fps=60)
    saved = movie.save(tmp_path / "fast.gif")
    assert saved.notes == ("a GIF plays at most 50 frames per second (browsers slow shorter frames down to 10): "
                           "this one plays at 50, not 60",)


def test_more_frames_per_second_than_a_screen_shows_are_refused():
    with pytest.raises(animation.OptionError, match="fps must be 0.01 to 120 frames per second"):
        optimotion.render(SCENE, size=(64, 36), fps=100_000)
