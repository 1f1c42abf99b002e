"""Each optimizer's state drawn where it acts (issue 20): glyphs read from the run's own
state, one honest scale, cut and dotted where they must be, a slow start in order."""
import io

import numpy as np
import pytest
from PIL import Image

import optimotion
from optimotion.draw.frames import FrameDrawer
from optimotion.draw.glyphs import glyph_tracks
from optimotion.draw.stage import reel_for, slow_start, stage_for
from optimotion.output import encoders
from optimotion.simulation import runner

SMALL = dict(size=(320, 180), jobs=1)


def drawer_for(scene, view="contour"):
    """A FrameDrawer of `scene`, its reel as `render` makes it (glyphs, slow start)."""
    run = runner.simulate(scene)
    style = optimotion.animation.style_for(size=(480, 270), view=view)
    stage = stage_for(scene, style.mesh)
    epochs, phases = slow_start(scene.frame_epochs_for(run.positions), scene.slow_start)
    tracks = run.tracks._replace(glyphs=glyph_tracks(scene, run.state, run.positions, stage.domain, epochs))
    return run, FrameDrawer(stage, style, reel_for(stage, tracks, epochs, phases))


@pytest.fixture(scope="module")
def valley():
    scene = optimotion.Scene("long_valley", start=(-5.5, -1.0), epochs=30, glyphs=("gradient", "momentum", "step"),
                             optimizers=[optimotion.SGD(lr=0.15), optimotion.Momentum(lr=0.15, momentum=0.7)])
    return drawer_for(scene)


def test_the_arrows_are_the_state_the_run_recorded(valley):
    run, drawer = valley
    glyphs, state = drawer.tracks.glyphs, run.state
    np.testing.assert_array_equal(glyphs.arrows["gradient"], -state.lr[:, :, None, None] * state.gradients)
    np.testing.assert_array_equal(glyphs.arrows["step"][:-1], np.diff(run.positions, axis=0))
    buffer = state.tensors["momentum_buffer"]
    np.testing.assert_array_equal(glyphs.arrows["momentum"][:, 1], -state.lr[:, 1, None, None] * buffer[:, 1])
    assert np.all(np.isnan(glyphs.arrows["momentum"][:, 0]))  # plain SGD has no velocity to draw


def test_a_drawn_arrow_is_scale_times_the_vector_from_the_marker(valley):
    run, drawer = valley
    glyphs, epoch = drawer.tracks.glyphs, 20
    shapes = {(shape.r, shape.name): shape for shape in drawer.glyph_shapes(epoch)}
    for (r, name), shape in shapes.items():
        tip = run.positions[epoch, r, 0]
        np.testing.assert_allclose(shape.points[0], tip, rtol=0, atol=1e-12)
        if not shape.cut:
            np.testing.assert_allclose(shape.points[1] - tip, glyphs.arrow_scale * glyphs.arrows[name][epoch, r, 0],
                                       rtol=1e-12, atol=1e-12)
    assert set(shapes) == {(0, "gradient"), (0, "step"), (1, "gradient"), (1, "momentum"), (1, "step")}


def test_the_scale_is_said_on_the_picture_and_long_arrows_are_cut_at_the_edge(valley):
    run, drawer = valley
    glyphs = drawer.tracks.glyphs
    assert glyphs.key.startswith(f"arrows ×{glyphs.arrow_scale:g}: — step, ┄ −lr·gradient, ━ −lr·momentum")
    assert drawer.picture._caption.get_text() == glyphs.key
    low, high = np.array(drawer.stage.domain).T
    cut = [shape for epoch in drawer.frame_epochs for shape in drawer.glyph_shapes(epoch) if shape.cut]
    assert cut  # the first steps, times the scale, leave the view
    for shape in cut:
        end = shape.points[1]
        assert np.all(end >= low - 1e-9) and np.all(end <= high + 1e-9)
        assert np.min(np.abs(np.concatenate([end - low, high - end]))) < 1e-9  # on the edge


def test_a_tiny_arrow_is_a_dot_and_a_racer_out_of_view_has_none():
    scene = optimotion.Scene("bowl", start=(1.0, 1.0), epochs=200, glyphs=("step",), glyph_scale=1,
                             optimizers=[optimotion.SGD(lr=0.1)])
    run, drawer = drawer_for(scene)
    late = drawer.glyph_shapes(150)
    assert len(late) == 1 and late[0].dot  # converged: a step of 1e-15 is a dot, not nothing
    assert drawer.glyph_shapes(200) == []  # the last epoch: no step follows it
    gone = optimotion.Scene("saddle", start=(20.75, 0.5), epochs=600, glyphs="auto",
                            optimizers=[optimotion.SGD(lr=0.005)])
    run, drawer = drawer_for(gone)
    assert not drawer.reel.in_view[600, 0, 0] and drawer.glyph_shapes(600) == []


def test_glyphs_sit_on_the_surface_in_3d():
    scene = optimotion.Scene("bowl", start=(3.0, 2.0), epochs=10, glyphs=("gradient",),
                             optimizers=[optimotion.SGD(lr=0.05)])
    run, drawer = drawer_for(scene, view="3d")
    shape, = drawer.glyph_shapes(4)
    xs, ys, zs = drawer.glyph_points("3d", shape, 0)
    # the tail at the racer's height; the head on the surface, read off the sampled grid
    assert abs(zs[0] - drawer.stage.plotted(run.values[4, 0, 0])) < 0.2
    assert abs(zs[1] - (xs[1] ** 2 + ys[1] ** 2)) < 0.2


def test_a_slow_start_shows_each_update_in_order_and_holds_it():
    scene = optimotion.Scene("bowl", start=(3.0, 2.0), epochs=20, glyphs="auto", slow_start=2,
                             optimizers=[optimotion.Momentum(lr=0.05)], show_epoch=optimotion.every(5))
    movie = optimotion.render(scene, **SMALL)
    assert movie.reel.frame_epochs[:7] == (0, 0, 0, 1, 1, 1, 2) and len(movie.frames) == scene.frame_count
    assert movie.reel.phases[:6] == ("gradient", "state", "step") * 2 and movie.reel.phases[6] is None
    with Image.open(io.BytesIO(movie.to_bytes("gif"))) as gif:
        durations = []
        for k in range(gif.n_frames):
            gif.seek(k)
            durations.append(gif.info["duration"])
    assert durations[0] == 1000 and durations[1:6] == [900] * 5 and durations[6] == 100
    drawer = FrameDrawer(movie.stage, movie.style, movie.reel)
    names = [{shape.name for shape in drawer.glyph_shapes(0, phase)} for phase in ("gradient", "state", "step")]
    assert names == [{"gradient", "momentum"}, {"gradient", "momentum"}, {"gradient", "momentum", "step"}]
    assert drawer.phase_note(0, "state") == "update 1: the state it updates"


def test_the_default_glyphs_follow_the_optimizer_family():
    assert optimotion.SGD(lr=0.1).default_glyphs == ("gradient", "step")
    assert optimotion.Momentum(lr=0.1).default_glyphs == ("gradient", "momentum", "step")
    assert optimotion.Adam(lr=0.1).default_glyphs == ("gradient", "box", "step")
    assert optimotion.RMSprop(lr=0.1).default_glyphs == ("gradient", "box", "step")


@pytest.mark.parametrize("kwargs, message", [
    (dict(glyphs="arrows"), "glyphs: unknown 'arrows'"),
    (dict(glyphs="auto", start=[(1.0, 1.0)] * 5), "glyphs are drawn for at most 4 starts"),
    (dict(slow_start=11, epochs=100), "slow_start must be at most 10"),
])
def test_glyph_options_that_cannot_be_drawn_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        optimotion.Scene(**{"surface": "bowl", "start": (1.0, 1.0), "optimizers": [optimotion.SGD(lr=0.1)],
                            "epochs": 5, **kwargs})


def test_the_box_is_the_step_size_per_coordinate():
    scene = optimotion.Scene("stretched_bowl", start=(-5.0, 1.5), epochs=20, glyphs=("box",),
                             optimizers=[optimotion.SGD(lr=0.15), optimotion.Adam(lr=0.1)])
    run, drawer = drawer_for(scene)
    scale = drawer.tracks.glyphs.box_scale
    sgd, adam = sorted(drawer.glyph_shapes(10), key=lambda shape: shape.r)
    np.testing.assert_allclose(np.ptp(sgd.points, axis=0), [0.15 * scale] * 2, rtol=1e-12)  # one lr: a square
    sides = np.ptp(adam.points, axis=0)
    np.testing.assert_allclose(sides, run.state.effective_lr[10, 1, 0] * scale, rtol=1e-12)
    assert sides[0] > 5 * sides[1]  # the flat axis's step size is the larger


def test_the_command_line_takes_glyphs_and_a_slow_start(cli, tmp_path):
    done = cli("saddle", "--epochs", "10", "--size", "160x90", "--glyphs", "gradient,step", "--slow-start", "2",
               "--out", tmp_path / "s.gif")
    # 3 frames for each of 2 updates, then the rule's 6 from epoch 2 on
    assert done.returncode == 0 and done.stdout.startswith(f"{tmp_path / 's.gif'}: 11 frames")


def test_a_bench_of_what_glyphs_cost_exists():
    """Their cost is measured by bench/bench_glyphs.py (a figure, not a timed test)."""
    from conftest import ROOT

    assert "1.3" in (ROOT / "bench" / "bench_glyphs.py").read_text()


def test_the_page_carries_the_frames_glyphs_in_the_gif_s_pixels():
    from conftest import page_data

    scene = optimotion.Scene("bowl", start=(3.0, 2.0), epochs=10, glyphs=("gradient", "step"), slow_start=1,
                             optimizers=[optimotion.SGD(lr=0.05)], view="contour")
    movie = optimotion.render(scene, size=(320, 180), jobs=1, poster=True)
    run = page_data(movie.to_bytes("html").decode())["runs"][0]
    assert len(run["glyphs"]) == len(run["frames"]) == len(run["holds"]) == len(run["notes"])
    assert run["holds"][:3] == [900] * 3 and run["notes"][1] == "update 1: the state it updates"
    first = run["glyphs"][0]  # the gradient phase: the gradient arrow alone
    assert [item[2] for item in first] == [0]
    assert run["states"][5][0][0].startswith("grad (") and encoders.FORMATS
