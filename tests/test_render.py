"""Rendering a short scene, the line decimation, and the atomic GIF writer."""
import io
import os
import re
from unittest import mock

import numpy as np
import pytest
from matplotlib.lines import Line2D
from PIL import Image, ImageSequence

import optimotion
from conftest import drawer, drawn_artists, reel_of
from optimotion import scenes
from optimotion.draw import lines, pool
from optimotion.draw import style as looks
from optimotion.draw.frames import compact
from optimotion.draw.picture import WIDEST_NUMBER
from optimotion.draw.stage import stage_for
from optimotion.draw.style import Style
from optimotion.optimizers import SGD, Adam
from optimotion.output import encoders, files
from optimotion.scenes import Scene, every
from optimotion.simulation.runner import simulate


@pytest.fixture(scope="module")
def short_run():
    scene = Scene("bowl", start=(1.5, -1.0), optimizers=[SGD(lr=0.05), Adam(lr=0.1)], epochs=30,
                  show_epoch=every(5))
    return simulate(scene)


def frames_of(run, style, jobs=1):
    stage = stage_for(run.scene)
    return pool.render_frames(stage, reel_of(run, stage), style, jobs=jobs)


@pytest.fixture(scope="module")
def frames(short_run):
    return list(drawer(short_run, Style(width=320, height=180)).frames())


def test_one_frame_per_sampled_epoch_at_the_requested_size(frames):
    assert len(frames) == 7
    assert all(frame.shape == (180, 320, 3) and frame.dtype == np.uint8 for frame in frames)
    assert not any(np.array_equal(a, b) for a, b in zip(frames, frames[1:]))


def _has_colour(frame, hex_colour, tolerance=12):
    rgb = np.array([int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)])
    return np.any(np.all(np.abs(frame.astype(int) - rgb) <= tolerance, axis=-1))


def test_every_racer_is_drawn_in_its_colour(frames):
    for colour in looks.COLORS[:2]:
        assert _has_colour(frames[-1], colour)
    assert not _has_colour(frames[-1], looks.COLORS[2])


def test_gif_has_the_frames_loop_and_hold(frames, tmp_path):
    path = tmp_path / "short.gif"
    size = files.write_bytes(encoders.encode_gif(frames, 10), path)
    assert size == path.stat().st_size > 0
    with Image.open(path) as gif:
        assert gif.n_frames == 7 and gif.size == (320, 180)
        assert gif.info["loop"] == 0
        durations = [frame.info["duration"] for frame in ImageSequence.Iterator(gif)]
    assert durations == [encoders.FIRST_FRAME_HOLD_MS] + [100] * 5 + [encoders.LAST_FRAME_HOLD_MS]
    assert list(tmp_path.iterdir()) == [path]


def test_gif_pixels_stay_close_to_the_rendered_frames(frames, tmp_path):
    path = tmp_path / "short.gif"
    files.write_bytes(encoders.encode_gif(frames, 10), path)
    with Image.open(path) as gif:
        for index, decoded in enumerate(ImageSequence.Iterator(gif)):
            error = np.abs(np.asarray(decoded.convert("RGB"), dtype=int) - frames[index]).mean()
            assert error < 4.0, (index, error)  # a wrong or per-frame palette gives > 20


def test_diverged_racer_is_reported_not_drawn():
    scene = Scene("bowl", start=(1.0, 1.0), optimizers=[SGD(lr=100.0), Adam(lr=0.1)], epochs=400,
                  show_epoch=every(100))
    run = simulate(scene)
    picture = drawer(run, Style(width=320, height=180))
    last_snap = picture.artists(len(picture.frame_epochs) - 1)
    texts = [artist.get_text() for artist in last_snap if hasattr(artist, "get_text")]
    at = run.diverged_at[0, 0]
    assert any(f"diverged at epoch {at}" in text or f"diverged at {at}" in text for text in texts)
    views = [ax for _, ax in picture.picture.position_axes]
    tips = [artist for artist in last_snap if artist.axes in views
            and getattr(artist, "get_marker", lambda: "None")() not in ("None", "")]
    solid = [tip for tip in tips if tip.get_markerfacecolor() != picture.style.paper]
    assert len(solid) == 1  # only the racer still running has a current-position marker
    assert len(tips) <= 2  # the diverged one at most where it was last seen, hollow


def test_decimate_keeps_each_columns_extremes_and_the_exact_last_point():
    rng = np.random.default_rng(0)
    x = np.arange(100_000, dtype=float)
    y = np.cumsum(rng.standard_normal(x.size))
    kept_x, kept_y = lines.decimate(x, y, columns=200, x_max=x[-1] + 1)
    assert len(kept_x) <= 4 * 200 + 50
    assert kept_x[-1] == x[-1] and kept_y[-1] == y[-1]
    edges = np.linspace(0, x.size, 201).astype(int)
    for lo, hi in zip(edges[:-1], edges[1:]):
        inside = (kept_x >= lo) & (kept_x < hi)
        assert kept_y[inside].min() == y[lo:hi].min() and kept_y[inside].max() == y[lo:hi].max()


def test_decimate_leaves_short_lines_alone():
    x, y = np.arange(10.0), np.arange(10.0) ** 2
    assert lines.decimate(x, y, columns=100)[1] is y


@pytest.mark.parametrize("failure", [OSError(28, "No space left on device"), KeyboardInterrupt()],
                         ids=["disk full", "interrupted"])
def test_a_failed_write_keeps_the_previous_file_and_leaves_no_temporary(frames, tmp_path, monkeypatch, failure):
    path = tmp_path / "scene.gif"
    path.write_bytes(b"previous good gif")

    def fail(descriptor):  # the data is in the temporary file; on disk it is not
        raise failure

    monkeypatch.setattr(os, "fsync", fail)
    with pytest.raises(type(failure)):
        files.write_bytes(encoders.encode_gif(frames, 10), path)
    assert path.read_bytes() == b"previous good gif"
    assert os.listdir(tmp_path) == ["scene.gif"]


def test_output_that_is_a_directory_is_refused(frames, tmp_path):
    with pytest.raises(files.OutputError, match="is a directory"):
        files.write_bytes(encoders.encode_gif(frames, 10), tmp_path)


def test_missing_output_directories_are_created(frames, tmp_path):
    path = tmp_path / "a" / "b" / "scene.gif"
    files.write_bytes(encoders.encode_gif(frames, 10), path)
    assert path.exists()


def test_decimation_is_stable_as_the_line_grows():
    y = np.sin(np.arange(50_000) / 300.0)
    x = np.arange(y.size, dtype=float)
    short_x, _ = lines.decimate(x[:20_000], y[:20_000], columns=100, x_max=50_000)
    long_x, _ = lines.decimate(x, y, columns=100, x_max=50_000)
    completed_buckets = short_x[short_x < 19_500]
    assert np.isin(completed_buckets, long_x).all()


def test_frames_do_not_depend_on_the_number_of_processes():
    scene = Scene("bowl", start=(1.5, -1.0), optimizers=[SGD(lr=0.05), Adam(lr=0.1)], epochs=80,
                  show_epoch=every(5))
    run, style = simulate(scene), Style(width=320, height=180)
    one, two = frames_of(run, style, jobs=1), frames_of(run, style, jobs=2)
    assert len(one) == len(two) == 17
    assert all(np.array_equal(a, b) for a, b in zip(one, two))


def test_a_small_render_draws_in_this_process_whatever_the_start_method():
    """A forked worker draws its own static picture first: the saddle at 320x180 took as long
    on two processes as on one, with 1.7 times the CPU."""
    from optimotion.draw import pool

    for method in ("fork", "spawn"):
        with mock.patch.object(pool, "start_method", return_value=method):
            assert pool.default_jobs(63, 320 * 180) == 1
            assert pool.default_jobs(63, 1920 * 1080) == min(2, os.cpu_count() or 1)


def test_a_drawer_attached_again_draws_the_same_frames():
    """A worker draws several shares of a render and attaches the run to its drawer for
    each: a legend row wrapped for the first share changed the fit of the next (with two
    processes himmelblau_basins at 480x270 said "z = " from frame 12 on, not before)."""
    from conftest import drawer
    from optimotion import scenes

    run = simulate(scenes.load("himmelblau_basins").with_options(epochs=30))
    drawer_ = drawer(run, Style(width=480, height=270, view="contour"))
    assert drawer_.picture.wrapped  # the case: a row wrapped to fit
    last = len(drawer_.frame_epochs) - 1
    first = list(drawer_.frames([0, last]))
    drawer_.attach(drawer_.reel)
    again = list(drawer_.frames([0, last]))
    assert all(np.array_equal(a, b) for a, b in zip(first, again))


def test_epoch_line_cut_at_any_epoch_equals_decimating_the_cut_line():
    rng = np.random.default_rng(3)
    values = np.cumsum(rng.standard_normal(20_001))
    values[15_000:] = np.nan  # diverged: frames show the line only up to epoch 14,999
    line = lines.EpochLine(values, columns=150)
    epochs = np.arange(values.size, dtype=float)
    for last in (600, 601, 7_777, 13_333, 14_999):
        x, y = line.upto(last)
        expected_x, expected_y = lines.decimate(epochs[: last + 1], values[: last + 1], 150, x_max=20_000)
        assert np.array_equal(x, expected_x) and np.array_equal(y, expected_y), last
        assert x[-1] == last


def test_monotext_looks_like_matplotlib_text():
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from optimotion.draw.monotext import MonoText

    def ink(draw):
        fig = Figure(figsize=(3, 0.6), dpi=100)
        canvas = FigureCanvasAgg(fig)
        draw(fig)
        canvas.draw()
        darkness = 255 - np.asarray(canvas.buffer_rgba())[:, :, :3].mean(axis=2)
        columns, rows = np.flatnonzero(darkness.sum(axis=0) > 30), np.flatnonzero(darkness.sum(axis=1) > 30)
        return darkness.sum(), columns[-1] - columns[0], (rows[0], rows[-1])

    text = "z = -6.43e+31"
    reference = ink(lambda fig: fig.text(0.1, 0.3, text, family="monospace", fontsize=10.5))
    ours = ink(lambda fig: fig.add_artist(MonoText(0.1, 0.3, text, transform=fig.transFigure, size=10.5)))
    assert abs(ours[0] - reference[0]) < 0.1 * reference[0]       # same amount of ink
    assert abs(ours[1] - reference[1]) <= 3                        # same width, in pixels
    assert all(abs(a - b) <= 2 for a, b in zip(ours[2], reference[2]))  # same baseline and height


def _gif_images(data: bytes) -> tuple[int, list[tuple[bool, int | None]]]:
    """A GIF's global table size and, per image, (has a local table, transparent index).

    A parser of its own, so that the structure is checked independently of Pillow.
    """
    assert data[:6] == b"GIF89a"
    flags = data[10]
    table = 2 ** ((flags & 7) + 1) if flags & 0x80 else 0
    pos, images, transparent = 13 + 3 * table, [], None
    while data[pos] != 0x3B:
        if data[pos] == 0x21:  # extension: a graphic control extension says the transparent index
            if data[pos + 1] == 0xF9:
                transparent = data[pos + 6] if data[pos + 3] & 1 else None
            pos += 2
            while data[pos]:
                pos += data[pos] + 1
            pos += 1
        else:
            assert data[pos] == 0x2C
            local = bool(data[pos + 9] & 0x80)
            pos += 10 + (3 * 2 ** ((data[pos + 9] & 7) + 1) if local else 0) + 1
            while data[pos]:
                pos += data[pos] + 1
            pos += 1
            images.append((local, transparent))
            transparent = None
    return table, images


def test_gif_stores_its_palette_once_and_unchanged_pixels_as_one_spare_index(frames):
    data = encoders.encode_gif(frames, fps=10)
    table, images = _gif_images(data)
    assert table and len(images) == len(frames)
    assert not any(local for local, _ in images)  # no copy of the palette per frame
    palette = encoders.quantized(frames)[0].getpalette()
    spare = {index for _, index in images[1:]}
    assert spare == {len(palette) // 3}  # the entry after the fitted colours, no pixel's colour
    with Image.open(io.BytesIO(data)) as gif:
        for index, (decoded, expected) in enumerate(zip(ImageSequence.Iterator(gif), encoders.quantized(frames))):
            assert np.array_equal(np.asarray(decoded.convert("RGB")), np.asarray(expected.convert("RGB"))), index


def test_a_growing_z_line_keeps_its_old_pixels():
    """Only the end of a long z line changes between frames (no re-simplified old part)."""
    scene = Scene("bowl", start=(1.5, -1.0), optimizers=[SGD(lr=0.001), Adam(lr=0.002)], epochs=3000,
                  show_epoch=every(150))
    picture = drawer(simulate(scene), Style(width=480, height=270))
    frames = list(picture.frames())
    box = picture.picture.ax_z.get_window_extent()
    rows = slice(round(270 - box.y1) + 1, round(270 - box.y0) - 1)
    columns = slice(round(box.x0) + 2, round(box.x1) - 1)
    counter = (slice(0, round(0.35 * box.height)), slice(round(0.5 * box.width), None))  # top right: counter, pace
    for k in range(1, len(frames)):
        difference = (frames[k][rows, columns] != frames[k - 1][rows, columns]).any(axis=2)
        difference[counter] = False
        changed = np.flatnonzero(difference.any(axis=0))
        tip = picture.picture.ax_z.transData.transform((scene.frame_epochs[k - 1], 0))[0] - columns.start
        assert changed.size and changed.min() >= tip - 4, (k, changed.min(), tip)


def test_live_values_keep_their_column_with_three_significant_digits():
    from optimotion.draw.monotext import MonoText

    scene = Scene("saddle", start=(20.75, 0.5), epochs=4000, optimizers=[SGD(lr=0.0002), Adam(lr=0.002)])
    picture = drawer(simulate(scene), Style(width=480, height=270))  # from 430 to 11.4 and 49.4: both in view
    texts = [a.get_text() for a in drawn_artists(picture)
             if isinstance(a, MonoText) and a.get_transform() is picture.picture.ax_legend.transAxes]
    assert len(texts) == 2 * len(scene.frame_epochs)
    assert len({len(text) for text in texts}) == 1 and all(text.startswith("z = ") for text in texts)
    assert {"z = 430 ", "z = 11.4", "z = 49.4"} <= set(texts)  # widths differ; the column does not


@pytest.mark.parametrize("value, shown", [(0.0, "0"), (430.0, "430"), (-674.25, "-674"), (12.34, "12.3"),
                                          (0.012345, "0.0123"), (999.7, "1,000"), (5240.3, "5,240"),
                                          (0.00099996, "0.001"), (-6.43e31, "-6.43e+31"), (7.891e-31, "7.89e-31")])
def test_live_values_show_three_significant_digits(value, shown):
    assert compact(value) == shown


def test_crisp_monotext_is_one_bit_ink():
    from optimotion.draw.monotext import MonoText

    image = MonoText(0, 0, "epoch 3,750", transform=None, size=10.5, crisp=True).image(dpi=100)
    assert set(np.unique(image[..., 3])) == {0, 255}
    assert (image[..., 3] == 255).sum() > 100


def test_an_orbit_turns_the_3d_view_and_keeps_the_rest():
    scene = Scene("saddle", start=(-14.0, 0.01), optimizers=[SGD(lr=0.005), Adam(lr=0.05)], epochs=40,
                  show_epoch=every(10))
    run = simulate(scene)
    still = drawer(run, Style(width=320, height=180))
    turning = drawer(run, Style(width=320, height=180, orbit=60))
    fixed, turned = list(still.frames()), list(turning.frames())
    assert np.array_equal(fixed[0], turned[0])  # the orbit starts from the surface's own view
    ax = next(ax for kind, ax in turning.picture.position_axes if kind == "3d")
    assert ax.azim == pytest.approx(scene.surface.view[1] + 60)
    left = slice(0, int(320 * 0.33))  # the legend and most of the z plot: not turned
    for a, b in zip(fixed, turned):
        assert np.array_equal(a[:, left], b[:, left])
    moved = (turned[-1][:, left.stop:] != fixed[-1][:, left.stop:]).any(axis=2).mean()
    assert moved > 0.2  # the surface itself is seen from elsewhere, not only the markers
    assert all(np.array_equal(a, b) for a, b in
               zip(turned, frames_of(run, Style(width=320, height=180, orbit=60), jobs=2)))


def test_an_orbit_must_be_a_finite_angle():
    with pytest.raises(ValueError, match="orbit"):
        Style(orbit=float("nan"))


def test_a_racer_that_leaves_the_view_is_hollow_where_it_was_last_seen_and_its_value_goes_on():
    from optimotion.draw.monotext import MonoText

    scene = Scene("saddle", start=(14.0, 1.0), optimizers=[SGD(lr=0.05), Adam(lr=0.01)], epochs=60,
                  show_epoch=every(10))
    run = simulate(scene)
    picture = drawer(run, Style(width=320, height=180, view="contour"))
    contour = picture.picture.position_axes[0][1]
    (x0, x1), (y0, y1) = scene.surface.domain
    path = run.positions[:, 0, 0]
    outside = (path[:, 0] < x0) | (path[:, 0] > x1) | (path[:, 1] < y0) | (path[:, 1] > y1)
    left = int(np.argmax(outside))
    assert 0 < left < 60 and outside[left:].all()  # SGD leaves for good; Adam stays
    seen_hollow = False
    for index, epoch in enumerate(picture.frame_epochs):
        drawn = picture.artists(index)
        tips = {line.get_marker(): line for line in drawn if line.axes is contour and isinstance(line, Line2D)
                and line.get_marker() not in ("None", "")}
        numbers = {round(a.y, 6): a.get_text() for a in drawn if isinstance(a, MonoText)}
        legend_markers = [line for line in drawn if line.axes is picture.picture.ax_legend and isinstance(line, Line2D)]
        sgd, adam = tips[picture.styles[0]["marker"]], tips[picture.styles[1]["marker"]]
        sgd_number = numbers[round(picture.picture.legend_rows[0], 6)]
        assert sgd_number.split("=")[-1].strip() == compact(run.values[epoch, 0, 0])  # the value, as the z line
        if epoch < left:
            assert sgd.get_markerfacecolor() != picture.style.paper and legend_markers == []
            assert np.allclose(np.ravel(sgd.get_data()), path[epoch])
        else:  # never drawn where it is not: where it was last in view, hollow, and hollow in the legend too
            assert sgd.get_markerfacecolor() == picture.style.paper
            assert np.allclose(np.ravel(sgd.get_data()), path[left - 1])
            assert [m.get_markerfacecolor() for m in legend_markers] == [picture.style.paper]
            seen_hollow = True
        assert adam.get_markerfacecolor() != picture.style.paper
        for artist in drawn:
            artist.remove()
    assert seen_hollow


def test_a_racer_at_the_floor_of_a_log_scale_is_not_outside():
    """Near Rosenbrock's minimum z falls below the log axis' floor: still in view, solid."""
    scene = Scene("rosenbrock", start=(0.9, 0.8), optimizers=[Adam(lr=0.01)], epochs=400, show_epoch=every(100))
    run = simulate(scene)
    assert run.values[-1, 0, 0] < scene.surface.zlim[0]
    picture = drawer(run, Style(width=320, height=180))
    views = [ax for _, ax in picture.picture.position_axes]
    tips = [line for line in drawn_artists(picture) if isinstance(line, Line2D) and line.axes in views
            and line.get_marker() == picture.styles[0]["marker"]]
    assert len(tips) == 5 and all(line.get_markerfacecolor() != picture.style.paper for line in tips)


@pytest.mark.parametrize("view", ["3d", "both"])
def test_long_labels_leave_room_for_the_widest_live_value(view):
    from optimotion.draw.monotext import MonoText

    scene = Scene("saddle", start=(20.0, 0.5), epochs=30, show_epoch=every(10),
                  optimizers={"a rather long label for a racer, lr = 0.001": SGD(lr=0.001),
                              "short": SGD(lr=2.0)})  # the second runs off far: -6e+31-like values
    picture = drawer(simulate(scene), Style(width=480, height=270, view=view))
    drawn = drawn_artists(picture)
    layout = picture.picture.canvas.get_renderer()
    labels = {round(t.get_position()[1], 6): t.get_window_extent(layout) for t in picture.picture.ax_legend.texts}
    values = [a for a in drawn if isinstance(a, MonoText) and a.get_transform() is picture.picture.ax_legend.transAxes]
    views = [ax.get_window_extent(layout) for _, ax in picture.picture.position_axes]
    assert values and len(labels) >= 2 and picture.picture.cut_rows() == []  # a long label may take two lines
    for value in values:
        x1 = picture.picture.ax_legend.transAxes.transform((value.x, value.y))[0]
        x0 = x1 - value.extent(picture.style.dpi)[0]
        assert x0 > labels[round(value.y, 6)].x1  # no overlap with its row's label
        assert all(x1 <= view.x0 for view in views)  # nor with the position view


def test_tick_labels_stay_grey_in_the_gif(tmp_path):
    """Antialiased text must not borrow a tint from the surface in the shared palette."""
    scene = scenes.load("saddle").with_options(epochs=300)
    style = Style(width=1280, height=720)
    picture = drawer(simulate(scene), style)
    frames = list(picture.frames(indices=[0, len(scene.frame_epochs) - 1]))
    colors = looks.key_colors(style, [st["color"] for st in picture.styles])
    with Image.open(io.BytesIO(encoders.encode_gif(frames, 10, colors))) as gif:
        gif.seek(1)
        decoded = np.asarray(gif.convert("RGB")).astype(int)
    box = picture.picture.ax_z.get_window_extent()
    labels = decoded[round(720 - box.y1): round(720 - box.y0), : round(box.x0) - 2]  # left of the z plot
    ink, tinted = labels.min(axis=2) < 230, labels.max(axis=2) - labels.min(axis=2) > 12
    assert ink.sum() > 500 and (ink & tinted).sum() < 0.02 * ink.sum()  # was a quarter, some glyphs purple


def test_no_live_value_is_wider_than_the_room_kept_for_it():
    values = [sign * 10.0 ** e * m for sign in (1, -1) for e in range(-320, 308) for m in (1.0, 1.234, 9.996)]
    values += [float("inf"), -float("inf"), float("nan"), 5e-324, 99_999.4, -99_999.6]
    assert max(len(compact(v)) for v in values) == len(WIDEST_NUMBER)


def test_a_grid_of_many_starts_costs_what_it_shows(monkeypatch):
    """900 starts: one artist of each kind per racer (not one per start), and the trails
    of all starts together within MANY_POINTS (a sparser stride, not fewer starts)."""
    from matplotlib.collections import LineCollection

    from optimotion.draw import frames

    monkeypatch.setattr(lines, "MANY_POINTS", 9_000)
    scene = scenes.Scene("himmelblau", start=scenes.grid((-4, 4), (-4, 4), 30),
                         optimizers=[SGD(lr=0.01), Adam(lr=0.05)], epochs=40, show_epoch=scenes.every(10))
    movie = optimotion.render(scene, size=(320, 180), view="contour", jobs=1, poster=True)
    drawer = frames.FrameDrawer(movie.stage, movie.style, movie.reel)
    assert drawer.stride == 4  # 40 epochs x 900 starts over 9,000 points
    artists = drawer.artists(len(drawer.frame_epochs) - 1)
    assert len(artists) <= 2 * 4 + 3  # per racer: z lines, trails, markers (and z exits); legend values, counter
    trails = [a for a in artists if isinstance(a, LineCollection) and a.axes in dict(drawer.picture.position_axes)
              .values()]
    assert len(trails) == 2 and all(len(t.get_segments()) == 900 for t in trails)  # one per start
    assert all(sum(len(s) for s in t.get_segments()) <= 9_000 + 2 * 900 for t in trails)  # (+ each piece's ends)
    for artist in artists:
        artist.remove()
    # every start's end is where the run says
    ends = movie.run.positions[-1]
    tips = [a for a in artists if getattr(a, "get_marker", lambda: None)() == drawer.styles[0]["marker"]]
    assert tips and np.allclose(np.sort(np.asarray(tips[0].get_xdata())), np.sort(ends[0, :, 0]))


def test_a_long_render_says_so_before_it_starts(monkeypatch, cli, tmp_path):
    from optimotion import estimate
    from optimotion.animation import SlowRenderWarning, style_for

    monkeypatch.setattr(estimate, "LONG_RENDER", 0.0)
    said = []
    optimotion.render("saddle", epochs=5, size=(64, 36), jobs=1, poster=True, notice=said.append)
    assert len(said) == 1 and re.fullmatch(r"this render will take about \d+ s, mostly [\w ,x]+; fewer epochs, "
                                           r"starts or frames, or a smaller size, take less", said[0]), said
    with pytest.warns(SlowRenderWarning, match="this render will take about"):
        optimotion.render("saddle", epochs=5, size=(64, 36), jobs=1, poster=True)
    loud = cli("saddle", "--epochs", "5", "--size", "64x36", "--jobs", "1", "--out", tmp_path / "a.gif")
    assert loud.returncode == 0 and loud.stderr.startswith("animate: this render will take about")
    monkeypatch.setattr(estimate, "LONG_RENDER", 30.0)
    grid = scenes.load("himmelblau_basins").with_options(start=scenes.grid((-5, 5), (-5, 5), 100))
    costs = estimate.render_seconds(grid, style_for(size=(4096, 4096)), 2, 63, 0.001)
    assert sum(costs.values()) > 30 and estimate.notice(grid, style_for(), 2, 63, costs)
    assert sum(estimate.render_seconds(scenes.load("saddle"), style_for(), 2, 63, 1e-4).values()) < 30


def test_each_frame_says_its_pace_under_the_counter():
    from optimotion.draw.monotext import MonoText

    run = simulate(scenes.load("saddle"))
    picture = drawer(run, Style(width=480, height=270))
    for index in (0, 1, 20, 55):
        texts = [a.get_text() for a in picture.artists(index) if isinstance(a, MonoText)]
        step = picture.frame_epochs[index] - picture.frame_epochs[index - 1] if index else 0
        assert (f"+{step:,} a frame" in texts) == (index > 0)
        for artist in picture.artists(index):
            artist.remove()
