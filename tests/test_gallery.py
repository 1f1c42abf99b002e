"""The gallery: each seed scene reproduces its notebook, through runner.simulate.

Where a seed printed numbers (the Optimizers-for-networks chapter's final losses; the
Gradient Descent notebook's final x, its batch-GD fit) they are checked digit for digit.
Elsewhere the seed's loop is restated here with the derivative written out, as the
notebook wrote it, and the runner (autograd gradients, torch.optim rules) must follow it
step for step. Then the mini-batch runner,
`bounds`, and `animate all`.
"""
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from autograd import grad
from PIL import Image

from optimotion import batch, cli, scenes, surfaces
from optimotion.optimizers import SGD
from optimotion.scenes import Racer, Scene
from optimotion.simulation.runner import NEVER, simulate

ROOT = Path(__file__).resolve().parent.parent


def run_scene(name, **changes):
    return simulate(scenes.load(name).with_options(**changes))


def path_of(run, racer, start=0):
    return run.positions[:, racer, start]


# ----- the Gradient Descent Variants notebook and 001: Rosenbrock -----

def rosenbrock_gradient(p):
    x, y = p
    return np.array([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)])


def seed_loop(start, steps, gradient, step_rule):
    """Iterate p <- step_rule(p, g, state, t) from start; returns the (steps + 1, dim) path."""
    p, state, path = np.array(start, dtype=float), {}, []
    path.append(p.copy())
    for t in range(1, steps + 1):
        p = step_rule(p, gradient(p), state, t)
        path.append(p.copy())
    return np.array(path)


def gd(lr):
    return lambda p, g, s, t: p - lr * g


def momentum(lr, beta):  # the Gradient Descent Variants notebook: v = beta v + g; p -= lr v
    def rule(p, g, s, t):
        s["v"] = beta * s.get("v", 0.0) + g
        return p - lr * s["v"]
    return rule


def ema_momentum(lr, beta):  # the Advanced Optimizers chapter: v = beta v + (1 - beta) g; p -= lr v
    def rule(p, g, s, t):
        s["v"] = beta * s.get("v", 0.0) + (1 - beta) * g
        return p - lr * s["v"]
    return rule


def rmsprop(lr, rho, eps=1e-8):
    def rule(p, g, s, t):
        s["s"] = rho * s.get("s", 0.0) + (1 - rho) * g * g
        return p - lr * g / (np.sqrt(s["s"]) + eps)
    return rule


def adagrad(lr, eps=1e-8):
    def rule(p, g, s, t):
        s["G"] = s.get("G", 0.0) + g * g
        return p - lr / (np.sqrt(s["G"]) + eps) * g
    return rule


def adam(lr, b1=0.9, b2=0.999, eps=1e-8, decay=0.0):
    def rule(p, g, s, t):
        s["m"] = b1 * s.get("m", 0.0) + (1 - b1) * g
        s["v"] = b2 * s.get("v", 0.0) + (1 - b2) * g * g
        m_hat, v_hat = s["m"] / (1 - b1**t), s["v"] / (1 - b2**t)
        return p - lr * m_hat / (np.sqrt(v_hat) + eps) - lr * decay * p
    return rule


def test_rosenbrock_adam_crawls_prints_seed_001s_final_losses():
    run = run_scene("rosenbrock_adam_crawls")
    assert run.epochs == 3000 and tuple(run.scene.starts[0]) == (-1.5, 0.5)
    printed = ["0.018139", "0.000000", "0.022272", "1.120996"]  # the Optimizers-for-networks chapter's table
    assert [f"{run.values[-1, r, 0]:.6f}" for r in range(4)] == printed


def test_rosenbrock_race_follows_seed_000s_four_loops():
    run = run_scene("rosenbrock_race", epochs=400)
    assert scenes.load("rosenbrock_race").epochs == 5000
    rules = [gd(0.001), momentum(0.001, 0.9), rmsprop(0.005, 0.9), adam(0.01)]
    for r, rule in enumerate(rules):
        expected = seed_loop((-1.0, 1.0), 400, rosenbrock_gradient, rule)
        np.testing.assert_allclose(path_of(run, r), expected, rtol=1e-9, atol=1e-12, err_msg=run.labels[r])


def test_rosenbrock_race_momentum_and_adam_arrive_gd_trails():
    run = run_scene("rosenbrock_race")
    final = dict(zip(run.labels, run.values[-1, :, 0]))
    assert final["Momentum(lr=0.001)"] < 1e-12 and final["Adam(lr=0.01)"] < 1e-8
    assert final["SGD(lr=0.001)"] > 1e-3 and final["RMSprop(lr=0.005, alpha=0.9)"] > 1e-3


# ----- the Advanced Optimizers chapter -----

def parabola_gradient(theta):
    return 2.0 * (theta - 3.0)


def test_parabola_race_follows_seed_002s_1d_loops():
    run = run_scene("parabola_race")
    assert run.epochs == 60
    rules = [ema_momentum(0.1, 0.9), adagrad(0.5), rmsprop(0.1, 0.9), adam(0.3)]
    for r, rule in enumerate(rules):
        expected = seed_loop((0.0,), 60, parabola_gradient, rule)
        np.testing.assert_allclose(path_of(run, r), expected, rtol=1e-12, atol=1e-12, err_msg=run.labels[r])


def test_momentum_sensitivity_is_seed_002s_exercise():
    run = run_scene("momentum_sensitivity")
    assert run.labels == ("beta = 0.0", "beta = 0.5", "beta = 0.9", "beta = 0.99") and run.epochs == 60
    for r, beta in enumerate((0.0, 0.5, 0.9, 0.99)):
        expected = seed_loop((0.0,), 60, parabola_gradient, ema_momentum(0.3, beta))
        np.testing.assert_allclose(path_of(run, r), expected, rtol=1e-12, atol=1e-12)
    overshoot = run.positions[:, :, 0, 0].max(axis=0) - 3
    assert list(overshoot) == sorted(overshoot)  # larger beta, larger overshoot


def test_adam_vs_adamw_is_seed_002s_exercise():
    """With lambda = 0.1 for the exercise's 0.01 (whose end is 0.04 from Adam's)."""
    run = run_scene("adam_vs_adamw")
    for r, decay in enumerate((0.0, 0.1)):
        expected = seed_loop((0.0,), 60, parabola_gradient, adam(0.3, decay=decay))
        np.testing.assert_allclose(path_of(run, r), expected, rtol=1e-12, atol=1e-12)


def test_ackley_pits_follows_seed_002s_loops_with_its_clip():
    run = run_scene("ackley_pits")
    assert run.scene.bounds == ((-3.0, 3.0), (-3.0, 3.0)) and run.epochs == 200
    ackley_gradient = grad(surfaces.ACKLEY.f)
    clip = lambda rule: (lambda p, g, s, t: np.clip(rule(p, g, s, t), -3, 3))  # noqa: E731
    rules = [momentum(0.05, 0.9), adagrad(0.05), rmsprop(0.05, 0.9), adam(0.05)]
    for r, rule in enumerate(rules):
        expected = seed_loop((2.0, 2.0), 200, ackley_gradient, clip(rule))
        np.testing.assert_allclose(path_of(run, r), expected, rtol=1e-9, atol=1e-12)
    # with Ackley's true gradient all four stay in the pit next to the start
    assert np.all(np.abs(run.positions[-1, :, 0] - 1.97) < 0.05)


def test_sparse_gradients_really_are_sparse_in_w():
    data = surfaces.SPARSE_LINE_FIT
    x = np.where(np.random.RandomState(42).rand(100) < 0.1, 5.0, 0.0)
    np.testing.assert_array_equal(data.x, x)
    run = run_scene("sparse_gradients")
    for r in range(2):
        steps = np.diff(path_of(run, r), axis=0)
        moved_w, moved_b = np.mean(steps[:, 0] != 0), np.mean(steps[:, 1] != 0)
        assert 0.05 < moved_w < 0.25 and moved_b == 1.0  # w moves only when a rare sample is drawn
    adagrad_w = np.abs(np.diff(path_of(run, 0)[:, 0]))
    w_steps = adagrad_w[adagrad_w > 0]
    assert w_steps[-1] < w_steps[0] / 5  # Adagrad's steps in w shrink for good ...
    rms_w = np.abs(np.diff(path_of(run, 1)[:, 0]))
    assert rms_w[100:].max() > 5 * w_steps[len(w_steps) // 2:].max()  # ... RMSprop's do not


# ----- the Gradient Descent notebook -----

def test_learning_rates_prints_seed_003s_final_x():
    run = run_scene("learning_rates")
    assert run.epochs == 30
    titles = [f"{run.positions[30, r, 0, 0]:.4f}" for r in range(4)]
    assert titles == ["4.3639", "0.0099", "0.0000", "0.0099"]  # 8 (1 - 2 lr)^30
    short = run_scene("learning_rates", epochs=20)  # the Gradient Descent notebook's first run: lr 0.1, 20 steps
    assert f"{short.positions[20, 1, 0, 0]:.6f}" == "0.092234"
    assert f"{short.values[20, 1, 0]:.6f}" == "5.008507"


def test_bowl_overshoot_is_seed_003s_comparison_started_off_the_diagonal():
    run = run_scene("bowl_overshoot")
    gradient = lambda p: 2 * p  # noqa: E731
    for r, rule in enumerate([gd(0.1), momentum(0.1, 0.9), adam(0.5)]):
        expected = seed_loop((5.0, 2.0), 30, gradient, rule)
        np.testing.assert_allclose(path_of(run, r), expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(run.positions[30, 0, 0], np.array([5.0, 2.0]) * 0.8**30, rtol=1e-12)
    # The lesson: SGD and momentum stay on the line to the minimum (y = 0.4 x), momentum
    # passing through it and back; Adam, stepping each coordinate alike, leaves that line.
    line = lambda r: np.abs(path_of(run, r)[:, 1] - 0.4 * path_of(run, r)[:, 0])  # noqa: E731
    assert line(0).max() < 1e-12 and line(1).max() < 1e-12 and line(2).max() > 1.0
    assert path_of(run, 1)[:, 0].min() < -1.0  # momentum overshoots past 0


def test_local_minima_1d_ends_where_seed_003s_legend_says():
    run = run_scene("local_minima_1d")
    gradient = lambda x: 4 * x**3 - 15 * x**2 + 8 * x + 3  # noqa: E731
    ends = []
    for s, start in enumerate((-1.0, 0.0, 2.0, 4.0)):
        expected = seed_loop((start,), 100, gradient, gd(0.01))
        np.testing.assert_allclose(run.positions[:, 0, s], expected, rtol=1e-12, atol=1e-12)
        ends.append(f"{run.positions[-1, 0, s, 0]:.2f}")
    assert ends == ["-0.25", "-0.25", "3.00", "3.00"]


def test_line_fit_is_seed_003s_data_and_its_least_squares_minimum():
    rng = np.random.RandomState(42)
    x = rng.randn(100)
    y = 2 * x + 3 + rng.randn(100) * 0.5
    surface = surfaces.LINE_FIT
    np.testing.assert_array_equal(surface.x, x)
    np.testing.assert_array_equal(surface.y, y)
    w, b = np.polyfit(x, y, 1)
    np.testing.assert_allclose(surface.minima[0], (w, b), rtol=1e-12)
    assert surface.min_value == pytest.approx(np.mean((w * x + b - y) ** 2), rel=1e-12)
    assert np.allclose(grad(surface.f)(np.array(surface.minima[0])), 0, atol=1e-12)


def test_batch_size_zigzag_full_batch_is_seed_003s_batch_gd():
    run = run_scene("batch_size_zigzag", epochs=100)
    data = surfaces.LINE_FIT
    w = b = 0.0
    for _ in range(100):  # the Gradient Descent notebook's batch GD: 100 steps at lr 0.1 on all the data
        error = w * data.x + b - data.y
        w, b = w - 0.1 * 2 * np.mean(error * data.x), b - 0.1 * 2 * np.mean(error)
    np.testing.assert_allclose(run.positions[100, 0, 0], (w, b), rtol=1e-12)


def test_single_sample_steps_follow_one_samples_true_gradient():
    run = run_scene("batch_size_zigzag", epochs=200)
    data = surfaces.LINE_FIT
    path = path_of(run, 2)  # one sample a step, lr 0.01
    for before, after in zip(path[:-1], path[1:]):
        error = before[0] * data.x + before[1] - data.y  # each sample's step: -lr * 2 e (x, 1)
        candidates = before - 0.01 * 2 * np.stack([error * data.x, error], axis=1)
        assert np.min(np.abs(candidates - after).max(axis=1)) < 1e-12
    # values are the full-data loss at every position, not the batch's
    np.testing.assert_allclose(run.values[:, 2, 0], data.f(path.T), rtol=1e-12)


def test_mini_batches_are_seeded_per_scene_and_per_start():
    scene = Scene("line_fit", start=[(0.0, 0.0), (0.0, 0.0)],
                  optimizers=[Racer(SGD(lr=0.05), batch_size=10)], epochs=30, seed=3)
    one, again = simulate(scene), simulate(scene)
    np.testing.assert_array_equal(one.positions, again.positions)
    assert not np.array_equal(one.positions[:, 0, 0], one.positions[:, 0, 1])  # own batches per start
    other = simulate(scene.with_options(seed=4))
    assert not np.array_equal(one.positions, other.positions)
    full = simulate(scene.with_options(optimizers=[Racer(SGD(lr=0.05), batch_size=100)]))
    plain = simulate(scene.with_options(optimizers=[SGD(lr=0.05)]))
    np.testing.assert_allclose(full.positions, plain.positions, rtol=1e-12)  # all 100 = full batch


@pytest.mark.parametrize("racer, surface, message", [
    (Racer(SGD(), batch_size=4), "bowl", "no data"),
    (Racer(SGD(), batch_size=101), "line_fit", "more than the 100 samples"),
])
def test_batch_size_needs_a_data_surface_with_enough_samples(racer, surface, message):
    with pytest.raises(ValueError, match=message):
        Scene(surface, start=(0.0, 0.0), optimizers=[racer])


@pytest.mark.parametrize("size", [0, -1, 2.5, True])
def test_batch_size_must_be_a_positive_integer(size):
    with pytest.raises(ValueError, match="batch_size"):
        Racer(SGD(), batch_size=size)


# ----- the other scenes -----

def test_warmup_cosine_survives_the_lr_that_diverges_from_a_cold_start():
    run = run_scene("warmup_cosine")
    cold, slow, warm = range(3)
    assert 0 < run.diverged_at[cold, 0] < 20 and run.diverged_at[warm, 0] == NEVER
    assert run.values[-1, warm, 0] < run.values[-1, slow, 0] / 100
    schedule = run.scene.racers[warm].optimizer.lr
    assert schedule(0) == pytest.approx(0.003 * 0.01) and schedule(100) == pytest.approx(0.003)
    assert schedule(999) == pytest.approx(0.0, abs=1e-7)


def test_saddle_escape_gd_leaves_last():
    run = run_scene("saddle_escape")
    escaped = [int(np.argmax(np.abs(run.positions[:, r, 0, 1]) > 2)) for r in range(4)]
    assert all(e > 0 for e in escaped)
    assert escaped[0] > 5 * max(escaped[1:])  # GD lingers; the other three leave fast


def test_himmelblau_basins_every_start_reaches_a_minimum_and_all_four_are_reached():
    run = run_scene("himmelblau_basins")
    assert run.positions.shape[2] == 49
    ends = run.positions[-1, 0]
    distances = np.linalg.norm(ends[:, None, :] - np.array(surfaces.HIMMELBLAU.minima)[None], axis=2)
    assert np.all(distances.min(axis=1) < 1e-6)
    assert set(distances.argmin(axis=1)) == {0, 1, 2, 3}


def test_bounds_clamp_every_step_and_are_checked():
    scene = Scene("bowl", start=(1.0, 1.0), optimizers=[SGD(lr=1.5)], epochs=5, bounds=((-2, 2), (-1.5, 1.5)))
    path = simulate(scene).positions[:, 0, 0]
    assert np.array_equal(path[1:], np.tile([[-2, -1.5], [2, 1.5]], (3, 1))[:5])  # clamped, not diverged
    with pytest.raises(ValueError, match="outside bounds"):
        Scene("bowl", start=(3.0, 0.0), optimizers=[SGD()], bounds=((-2, 2), (-2, 2)))
    with pytest.raises(ValueError, match="bounds must be"):
        Scene("bowl", start=(0.0, 0.0), optimizers=[SGD()], bounds=((2, -2), (-2, 2)))


def test_every_scene_has_a_group_and_a_one_line_lesson():
    for name in scenes.names():
        info = scenes.info(name)
        assert info.group != "Other", name
        assert 20 < len(info.description) <= 100, name


def test_gallery_page_shows_every_scene_with_a_small_still():
    page = (ROOT / "docs" / "gallery.md").read_text(encoding="utf-8")
    for name in scenes.names():
        assert f"animate {name} " in page and scenes.info(name).description in page, name
        still = ROOT / "docs" / "gallery" / f"{name}.png"
        assert still.exists() and still.stat().st_size < 60_000, name
        with Image.open(still) as image:
            assert image.size == (480, 270)


# ----- animate all -----

TINY = '''"""A tiny scene."""
from optimotion.optimizers import SGD
from optimotion.scenes import Scene, every
GROUP = "Test"
SCENE = Scene("bowl", start=(1.0, 1.0), optimizers=[SGD(lr=0.1)], epochs=6, show_epoch=every(2))
'''


def test_all_renders_each_scene_reports_failures_and_skips_up_to_date(tmp_path, monkeypatch, capsys):
    scene_dir = tmp_path / "scenes"
    scene_dir.mkdir()
    (scene_dir / "good.py").write_text(TINY)
    (scene_dir / "also_good.py").write_text(TINY.replace("(1.0, 1.0)", "(-1.0, 0.5)"))
    (scene_dir / "broken.py").write_text('"""Broken."""\nraise RuntimeError("boom")\n')
    (scene_dir / "dies.py").write_text('"""Dies."""\nimport os\nos._exit(3)\n')
    monkeypatch.setattr(scenes._loader, "SCENES_DIR", scene_dir)
    monkeypatch.chdir(tmp_path)

    assert cli.main(["all", "--size", "96x54", "-j", "2"]) == 1
    out, err = capsys.readouterr()
    assert sorted(line.split(":")[0] for line in out.splitlines()[:-1]) == ["output/also_good.gif", "output/good.gif"]
    assert "output/good.gif: 4 frames" in out
    assert out.splitlines()[-1].startswith("all: 4 scenes, 2 written, 0 up to date, 2 failed, ")
    errors = err.splitlines()
    assert len(errors) == 2
    assert any("broken" in line and "RuntimeError: boom" in line for line in errors)
    assert any("dies" in line and "died" in line for line in errors)
    for name in ("good", "also_good"):
        with Image.open(tmp_path / "output" / f"{name}.gif") as gif:
            assert gif.n_frames == 4 and gif.size == (96, 54)

    (scene_dir / "broken.py").unlink()
    (scene_dir / "dies.py").unlink()
    assert cli.main(["all", "--size", "96x54"]) == 0
    out, _ = capsys.readouterr()
    assert "output/good.gif: up to date" in out and out.splitlines()[-1].startswith("all: 2 scenes, 0 written, 2 up")

    os.utime(scene_dir / "good.py")  # an edited scene is rendered again, the other is not
    assert cli.main(["all", "--size", "96x54", "-q"]) == 0
    assert capsys.readouterr().out == ""
    output = tmp_path / "output"
    assert (output / "good.gif").stat().st_mtime_ns > (output / "also_good.gif").stat().st_mtime_ns

    assert cli.main(["all", "--size", "96x54", "--force"]) == 0
    assert "2 written" in capsys.readouterr().out


def test_all_refuses_out_and_force_needs_all(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["all", "--out", "x.gif"]) == 2
    assert cli.main(["saddle", "--force"]) == 2
    assert "--force only applies" in capsys.readouterr().err


def test_up_to_date_means_newer_than_the_scene_and_the_sources(tmp_path):
    scene_file, out = tmp_path / "s.py", tmp_path / "s.gif"
    scene_file.write_text(TINY)
    assert not batch.is_up_to_date(out, scene_file)
    out.write_bytes(b"GIF")
    assert batch.is_up_to_date(out, scene_file)
    newest = max(p.stat().st_mtime_ns for p in batch.source_files())
    os.utime(out, ns=(newest - 1, newest - 1))
    assert not batch.is_up_to_date(out, scene_file)
    own = ROOT / f"my_scene_{os.getpid()}.py"  # a user's own scene, saved in the clone
    own.write_text(TINY)
    try:
        scenes.load(str(own))
        scenes.load("saddle")
        sources = {p.relative_to(ROOT).as_posix() for p in batch.source_files()}
    finally:
        own.unlink()
    assert {"src/optimotion/simulation/runner.py", "src/optimotion/animation.py", "src/optimotion/draw/monotext.py",
            "surfaces/data.py", "scenes/_scene.py", "optimizers/adam.py"} <= sources
    assert own.name not in sources  # touching your own scene does not re-render the gallery
    assert "scenes/saddle.py" not in sources  # another scene's edit does not re-render this one
    assert not any(path.startswith(("tests/", ".venv/")) for path in sources)


@pytest.mark.skipif(not os.environ.get("GALLERY_RENDER"), reason="renders the whole gallery (~1 min): "
                    "set GALLERY_RENDER=1")
def test_all_renders_the_whole_gallery_from_a_clean_checkout(tmp_path):
    done = subprocess.run([sys.executable, str(ROOT / "animate.py"), "all"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, done.stderr
    for name in scenes.names():
        path = tmp_path / "output" / f"{name}.gif"
        with Image.open(path) as gif:
            assert gif.n_frames == len(scenes.load(name).frame_epochs) and gif.size == (960, 540)
        assert path.stat().st_size < 2_000_000, name
