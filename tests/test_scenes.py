"""Scene declarations, the frame-sampling rule and the scene loader."""
import numpy as np
import pytest

from optimotion import scenes
from optimotion.optimizers import SGD, Adam
from optimotion.scenes import Racer, Scene, SceneError, UnknownScene, every, grid, show_epoch


def test_show_epoch_is_dense_early_and_sparse_late_at_even_steps():
    frames = [e for e in range(4000) if show_epoch(e)]
    assert len(frames) == 62
    assert frames[:16] == [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30]
    assert frames[16:25] == [35, 40, 45, 50, 60, 70, 80, 90, 100]
    assert frames[-3:] == [3250, 3500, 3750]
    assert 405 not in frames and 425 in frames and 1250 in frames and 1100 not in frames


def test_every():
    assert [e for e in range(10) if every(3)(e)] == [0, 3, 6, 9]
    with pytest.raises(ValueError):
        every(0)


def test_frame_epochs_follow_the_scene_rule():
    scene = Scene("bowl", start=(1.0, 1.0), optimizers=[SGD(lr=0.1)], epochs=30, show_epoch=every(10))
    assert scene.frame_epochs == [0, 10, 20, 30]  # the rule picks among 0 to 30: the end included


def test_the_last_epoch_is_always_the_last_frame():
    only_start = Scene("bowl", start=(1.0, 1.0), optimizers=[SGD(lr=0.1)], epochs=7, show_epoch=lambda e: e == 0)
    assert only_start.frame_epochs == [0, 7]
    saddle = scenes.load("saddle")
    assert len(saddle.frame_epochs) == 62 + 1 and saddle.frame_epochs[-2:] == [3750, 4000]
    assert Scene("bowl", start=(1.0, 1.0), optimizers=[SGD(lr=0.1)], epochs=200,
                 show_epoch=every(30)).frame_epochs[-2:] == [180, 200]


def test_even_motion_frames_split_the_distance_travelled_on_screen_evenly():
    from optimotion.simulation.runner import simulate

    scene = Scene("bowl", start=(4.0, 3.0), optimizers=[SGD(lr=0.01)], epochs=2000,
                  show_epoch=scenes.even_motion(40))
    assert scene.follows_the_run and scene.frame_count == 40
    run = simulate(scene)
    epochs = scene.frame_epochs_for(run.positions)
    assert epochs[0] == 0 and epochs[-1] == 2000 and len(epochs) <= 40 and epochs == sorted(set(epochs))
    (x0, x1), (y0, y1) = scene.surface.domain
    path = (run.positions[:, 0, 0] - [x0, y0]) / [x1 - x0, y1 - y0]
    hops = np.linalg.norm(np.diff(path[epochs], axis=0), axis=1)
    assert hops.max() < 2.5 * np.median(hops)  # even, where show_epoch's hops differ 100-fold
    default = scene.with_options(show_epoch=show_epoch).frame_epochs
    default_hops = np.linalg.norm(np.diff(path[default], axis=0), axis=1)
    assert np.sum(default_hops < 0.01 * default_hops.max()) >= len(default_hops) / 3  # a third stand still
    with pytest.raises(ValueError, match="follow the run"):
        _ = scene.frame_epochs


def test_starts_accept_one_point_or_many():
    one = Scene("bowl", start=(1.0, 2.0), optimizers=[SGD(lr=0.1)])
    many = Scene("bowl", start=[(1.0, 2.0), (3.0, 4.0), (5, 6)], optimizers=[SGD(lr=0.1)])
    assert one.starts.shape == (1, 2) and many.starts.shape == (3, 2)
    assert np.array_equal(many.starts[2], [5.0, 6.0])
    assert len(grid((-1, 1), (-2, 2), 3)) == 9


def test_labels_default_to_the_optimizer_label_and_can_be_given():
    scene = Scene("bowl", start=(1, 1), optimizers=[SGD(lr=0.1), Racer(Adam(lr=0.1), label="Adam")])
    assert [r.name for r in scene.racers] == ["SGD(lr=0.1)", "Adam"]
    as_dict = Scene("bowl", start=(1, 1), optimizers={"plain": SGD(lr=0.1), "adaptive": Adam()})
    assert [r.name for r in as_dict.racers] == ["plain", "adaptive"]


@pytest.mark.parametrize("kwargs, message", [
    (dict(optimizers=[]), "optimizers is empty"),
    (dict(optimizers=[SGD(lr=0.1), SGD(lr=0.1)]), "duplicate optimizer labels"),
    (dict(optimizers="SGD"), "list of optimizers"),
    (dict(optimizers=["SGD"]), "needs an optimizer"),
    (dict(epochs=0), "epochs must be a positive integer"),
    (dict(epochs=2.5), "epochs must be a positive integer"),
    (dict(epochs=10**9), "lift it with max_epochs"),
    (dict(start=(float("nan"), 0.0)), "finite"),
    (dict(start=(1.0, float("inf"))), "finite"),
    (dict(start=(1.0, 2.0, 3.0)), "point of 2 numbers"),
    (dict(start="here"), "point of 2 numbers"),
    (dict(noise=-1.0), "noise must be a non-negative number"),
    (dict(clip_norm=0.0), "clip_norm must be a positive number"),
    (dict(surface=42), "surface must be a Surface"),
])
def test_invalid_scenes_raise_a_clear_error(kwargs, message):
    args = dict(surface="bowl", start=(1.0, 1.0), optimizers=[SGD(lr=0.1)], epochs=10) | kwargs
    with pytest.raises(ValueError, match=message):
        Scene(**args)


def test_builtin_saddle_reproduces_seed_004():
    scene = scenes.load("saddle")
    assert scene.surface.name == "saddle"
    assert scene.starts.tolist() == [[20.75, 0.5]]
    assert [type(r.optimizer).__name__ for r in scene.racers] == ["SGD", "Adam", "RMSprop"]
    assert all(r.optimizer.lr == 0.005 for r in scene.racers)
    assert scene.epochs == 4000 and len(scene.frame_epochs) == 63


def test_every_builtin_scene_loads_and_has_a_description():
    for name in scenes.names():
        assert isinstance(scenes.load(name), Scene)
        assert scenes.info(name).description, name


def test_unknown_name_suggests_close_ones():
    with pytest.raises(UnknownScene, match="Did you mean 'saddle'") as caught:
        scenes.load("sadle")
    assert "Known scenes:" in str(caught.value)


def test_a_name_with_a_separator_is_a_path(tmp_path):
    with pytest.raises(SceneError, match="scene file not found"):
        scenes.load("../saddle")
    with pytest.raises(SceneError, match="scene file not found"):
        scenes.load(str(tmp_path / "missing.py"))
    (tmp_path / "notes.txt").write_text("SCENE = 1")
    with pytest.raises(SceneError, match=r"must be a \.py file"):
        scenes.load(str(tmp_path / "notes.txt"))


def test_loads_a_user_scene_file(tmp_path):
    path = tmp_path / "mine.py"
    path.write_text('"""Mine."""\nfrom optimotion.optimizers import SGD\nfrom optimotion.scenes import Scene\n'
                    'SCENE = Scene("bowl", start=(1, 1), optimizers=[SGD(lr=0.1)], epochs=5)\n')
    assert scenes.load(str(path)).epochs == 5
    assert scenes.info(str(path)).description == "Mine."


@pytest.mark.parametrize("source, message", [
    ("SCENE = (\n", r"mine\.py:1: syntax error"),
    ("x = 1\nraise RuntimeError('boom')\n", r"mine\.py:2: RuntimeError: boom"),
    ("from optimotion.optimizers import Adam\nx = 1\nSCENE = Adam(lr=-1)\n", r"mine\.py:3: ValueError: .*lr"),
    ("x = 1\n", r"defines no SCENE"),
    ("SCENE = 42\n", r"SCENE must be an optimotion\.Scene, got int"),
    ("import sys\nsys.exit(3)\n", r"called exit\(3\)"),
])
def test_broken_scene_files_give_one_line_naming_the_file(tmp_path, source, message):
    path = tmp_path / "mine.py"
    path.write_text(source)
    with pytest.raises(SceneError, match=message) as caught:
        scenes.load(str(path))
    assert "\n" not in str(caught.value)


def test_even_motion_gives_the_frames_it_is_asked_for():
    """Himmelblau's 49 starts leap in their first steps: equal distances would put 43 of
    60 frames on the same few epochs (17 frames). The frames a leap cannot use go to the
    rest of the run; a run shorter than the frames asked gets every epoch."""
    from optimotion.simulation import runner

    scene = scenes.load("himmelblau_basins")
    run = runner.simulate(scene)
    frames = scene.frame_epochs_for(run.positions)
    assert len(frames) == 60 == scene.frame_count and frames[0] == 0 and frames[-1] == scene.epochs
    assert frames == sorted(set(frames))
    short = scene.with_options(epochs=30)
    assert short.frame_epochs_for(runner.simulate(short).positions) == list(range(31))
    still = Scene("bowl", start=(0.0, 0.0), optimizers=[SGD(lr=0.1)], epochs=100,
                  show_epoch=scenes.even_motion(11))
    assert still.frame_epochs_for(runner.simulate(still).positions) == list(range(0, 101, 10))


def test_a_scene_without_a_title_is_named_by_its_surface_and_claims_nothing():
    from optimotion.draw.stage import stage_for

    untitled = Scene("saddle", start=(1.0, 0.5), optimizers=[SGD(lr=0.01)], epochs=5)
    assert stage_for(untitled, 4).title == "Saddle"  # not the description's "plain SGD lingers near the ridge"
    assert stage_for(untitled.with_options(surface="long_valley"), 4).title == "Long valley"


def test_the_default_frames_keep_an_even_step_within_each_phase():
    """The seed's rule had overlapping phases (frames at 300, 315, 350, 360, 400, 405, ...);
    each phase now has one step, and a phase's step only grows."""
    frames = show_epoch.picks(4000)
    assert frames == [e for e in range(4001) if show_epoch(e)] and len(frames) == 63
    steps = np.diff(frames)
    assert np.all(np.diff(steps) >= 0)  # the pace never falls back: no stutter
    assert sorted(set(steps.tolist())) == [2, 5, 10, 25, 50, 250]
