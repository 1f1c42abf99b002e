"""Equal tuning (`simulation/tuning.py`): the picks are a brute-force search's over the
same trials, whatever the number of processes; the race is raced at the picks; the
picture, the card, the page and the command say so."""
from __future__ import annotations

import math
import re

import numpy as np
import pytest

import optimotion
from optimotion import SGD, Adam, Momentum, RMSprop, Scene, Surface, estimate, processes, scenes
from optimotion.draw import tuning_card
from optimotion.draw.frames import compact
from optimotion.draw.style import Style
from optimotion.errors import OptionError
from optimotion.optimizers.base import format_value
from optimotion.optimizers.schedules import cosine_annealing_lr
from optimotion.simulation import runner, tuning


def _valley(xy):
    x, y = xy
    return 0.5 * x**2 + 4.0 * y**2 + 0.3 * x * y


VALLEY = Surface(name="valley", f=_valley, domain=((-3, 3), (-3, 3)), zlim=(0, 40))
SCENE = Scene(VALLEY, start=[(2.5, 1.5), (-2.0, 2.0)], epochs=200,
              optimizers=[SGD(lr=0.01), Momentum(lr=0.01), Adam(lr=0.01), RMSprop(lr=0.01)])


def brute_force(scene, lrs):
    """Every racer at every learning rate, each in a race of its own (no lockstep chunk),
    scored and picked by the rule as the module doc states it, written out again here."""
    scores = np.full((len(scene.racers), len(lrs)), math.inf)
    settle = np.zeros(scores.shape, dtype=int)
    for r, racer in enumerate(scene.racers):
        for k, lr in enumerate(lrs):
            alone = Scene(scene.surface, start=scene.start, epochs=scene.epochs,
                          optimizers=[type(racer.optimizer)(**{**vars(racer.optimizer), "lr": float(lr)})])
            run = runner.simulate(alone, record_state=False)
            with np.errstate(over="ignore"):
                mean = run.values[:, 0, :].mean(axis=1)  # over the starts
            if np.all(run.diverged_at == runner.NEVER) and math.isfinite(mean[-1]):
                scores[r, k] = mean[-1]
            tolerance = tuning.SETTLE * max(1.0, abs(mean[-1]))
            far = [e for e in range(len(mean)) if not abs(mean[e] - mean[-1]) <= tolerance]
            settle[r, k] = far[-1] + 1 if far else 0
    picks = []
    for r in range(len(scene.racers)):
        finite = [k for k in range(len(lrs)) if math.isfinite(scores[r, k])]
        if not finite:
            picks.append(0)
            continue
        best = min(scores[r, k] for k in finite)
        tied = [k for k in finite if abs(scores[r, k] - best) <= tuning.TIE * max(1.0, abs(best))]
        picks.append(sorted(tied, key=lambda k: (settle[r, k], k))[0])
    return scores, tuple(picks)


def test_the_picks_are_a_brute_force_search_over_the_same_trials():
    found = tuning.tune(SCENE, 14)
    scores, picks = brute_force(SCENE, found.lrs)
    assert found.picks == picks
    finite = np.isfinite(scores)
    assert np.array_equal(finite, np.isfinite(found.scores))
    assert np.all(np.abs(found.scores[finite] - scores[finite]) <= 1e-12 * np.maximum(1.0, np.abs(scores[finite])))
    assert not finite.all() and finite.any(axis=1).all()  # the range reaches divergence, and each racer some lr
    assert found.lrs[0] == 1e-4 and found.lrs[-1] == 10.0 and len(set(found.lrs)) == 14


def test_the_number_of_processes_changes_no_pick(monkeypatch):
    monkeypatch.setattr(processes, "start_method", lambda: "fork")
    assert tuning.jobs_for(SCENE, 2, 8) == min(2, __import__("os").cpu_count() or 1)
    alone, shared = tuning.tune(SCENE, 30, jobs=1), tuning.tune(SCENE, 30, jobs=2)
    assert alone.picks == shared.picks
    assert np.array_equal(alone.scores, shared.scores) and np.array_equal(alone.settled, shared.settled)


def test_a_tie_goes_to_the_first_to_settle_and_all_diverged_to_the_smallest():
    scores = np.array([3.0, 1.0, 1.0 + 1e-12, 1.0, math.inf])
    assert tuning.pick(scores, np.array([9, 50, 20, 20, 1])) == 2  # tied with 1 and 3; settled first
    assert tuning.pick(scores, np.array([9, 20, 20, 20, 1])) == 1  # settled together: the smaller lr
    assert tuning.pick(np.full(4, math.inf), np.zeros(4, dtype=int)) == 0


def test_a_noisy_scene_scores_the_mean_over_seeds():
    noisy = Scene(VALLEY, start=(2.5, 1.5), epochs=30, noise=0.5, seed=7, optimizers=[SGD(lr=0.01)])
    found = tuning.tune(noisy, 4)
    assert found.seeds == tuning.NOISE_SEEDS and "3 seeds" in found.stamp()
    by_seed = [runner.simulate(tuning.trial_scene(noisy, 0, found.lrs, seed), record_state=False).values[-1, :, 0]
               for seed in (7, 8, 9)]
    alive = np.isfinite(found.scores[0])
    assert np.allclose(found.scores[0][alive], np.mean(by_seed, axis=0)[alive], rtol=1e-12, atol=0)


def test_a_render_races_the_picks_and_says_so():
    movie = optimotion.render(SCENE, tune=10, size=(480, 270), poster=True)
    picked = movie.tuning.picked_lrs
    assert [racer.optimizer.lr for racer in movie.scene.racers] == picked
    assert movie.stage.labels == tuple(f"{name} lr {format_value(lr)}"
                                       for name, lr in zip(("SGD", "Momentum", "Adam", "RMSprop"), picked))
    assert movie.stage.caption == "lr tuned: 10 trials each over 1e-4..10, final z"
    direct = runner.simulate(Scene(VALLEY, start=SCENE.start, epochs=200, optimizers=[
        SGD(lr=picked[0]), Momentum(lr=picked[1]), Adam(lr=picked[2]), RMSprop(lr=picked[3])]))
    assert np.array_equal(movie.run.positions, direct.positions)
    # the untuned race is one alternative away in the page
    assert movie.alternatives.values == ("tuned: 10 trials each over 1e-4..10, final z", "as written")
    assert [r.optimizer.lr for r in movie.alternatives.scenes[1].racers] == [0.01] * 4
    summary = movie.tuning_summary()
    assert summary[2] == f"Adam lr {format_value(picked[2])}: final z " \
                         f"{compact(movie.tuning.picked_scores[2])}"


def test_a_schedule_keeps_its_shape_and_a_scene_can_ask_for_tuning():
    sgd = SGD(lr=cosine_annealing_lr(0.1, t_max=50))
    assert tuning.with_lr(sgd, 0.02).lr == cosine_annealing_lr(0.02, t_max=50)
    scene = Scene(VALLEY, start=(2.5, 1.5), epochs=20, optimizers=[sgd, Adam(lr=0.1)], tune=6)
    movie = optimotion.render(scene, size=(320, 180), poster=True)
    assert movie.tuning is not None and len(movie.tuning.lrs) == 6
    assert optimotion.render(scene, tune=0, size=(320, 180), poster=True).tuning is None


@pytest.mark.parametrize("trials", [1, 201, 2.5, "8"])
def test_a_number_of_trials_out_of_range_is_refused(trials):
    with pytest.raises(ValueError, match="tune must be a number of trials from 2 to 200, got"):
        optimotion.render(SCENE, tune=trials, poster=True)


def test_tuning_and_variants_are_refused_together():
    with pytest.raises(ValueError, match="tune picks every racer's lr by one search"):
        Scene(VALLEY, start=(1, 1), optimizers=[SGD(lr=0.1)], tune=4,
              variants=scenes.Variants("lr", (0.1, 0.2)))
    with pytest.raises(OptionError, match="leave out tune"):
        optimotion.render("try_adam_lr", tune=4, poster=True)


def test_the_card_holds_every_score_even_near_the_largest_float():
    lrs = tuning.trial_lrs(6)
    scores = np.array([[2.0, 0.5, 1e-3, 3e-7, 4e134, math.inf], [-1.0, -1e9, -5e307, 1.0, 2.0, 0.0]])
    found = tuning.Tuning(lrs, scores, np.zeros((2, 6), dtype=int), (3, 2), 1, 2.8)
    pixels = tuning_card.tuning_card(found, ["SGD lr 1", "Adam lr 2"], ["SGD", "Adam"], Style(480, 270))
    assert pixels.shape == (270, 480, 3)
    from matplotlib.figure import Figure
    ax = Figure().add_subplot()
    height, scale = tuning_card._y_axis(ax, scores[1])
    assert scale == " (signed log scale)" and np.all(np.isfinite(height(scores[1])))
    assert np.all(np.diff(height(np.sort(scores[1]))) >= 0)  # order kept
    height, scale = tuning_card._y_axis(ax, np.array([3e-7, 2.0, 1e301]))
    assert scale == " (log scale)" and np.allclose(height(np.array([1e-6, 1e301])), [-6, 301])


def test_the_estimate_counts_the_search(monkeypatch):
    slow = Scene(VALLEY, start=(2.5, 1.5), epochs=40, optimizers=[SGD(lr=0.01), Adam(lr=0.01)])
    widths = []
    monkeypatch.setattr(estimate, "gradient_seconds", lambda chunk: widths.append(len(chunk.racers)) or 0.01)
    each = 40 * (0.01 + estimate.UPDATE_SECONDS)  # a chunk's simulation: its epochs, one gradient call each
    assert estimate.tune_seconds(slow, 12, 1) == pytest.approx(2 * each)  # a chunk per racer
    assert estimate.tune_seconds(slow, 200, 1) == pytest.approx(2 * 17 * each)  # 17 chunks of 12 per racer
    assert widths == [12, 12]  # timed on a chunk as wide as the search's
    text = estimate.notice(slow, Style(), 1, 10, {"tune": 60.0, "simulate": 1.0, "render": 1.0, "encode": 0.1})
    assert "mostly tuning each of 2 racers' lr over 40 epochs a trial; fewer trials" in text


def test_the_command_line_tunes_writes_the_card_and_reports_the_picks(cli, tmp_path):
    done = cli("momentum_builds", "--tune", "4", "--size", "320x180", "--out", tmp_path / "m.gif")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[1] == f"{tmp_path / 'm-tuning.png'}: tuning card"
    assert lines[2] == "  lr tuned: 4 trials each over 1e-4..10, final z:"
    assert re.fullmatch(r"    SGD · lr \S+: final z \S+", lines[3]) and len(lines) == 5
    from PIL import Image
    assert Image.open(tmp_path / "m-tuning.png").size == (320, 180)
    for trials, said in (("1", "expected a number of trials from 2 to 200"), ("many", "expected a number of trials")):
        refused = cli("saddle", "--tune", trials, "--out", tmp_path / "x.gif")
        assert refused.returncode == 2 and said in refused.stderr and len(refused.stderr.splitlines()) == 1


def test_a_stream_gets_the_file_and_a_note_for_the_card():
    import io

    movie = optimotion.render(SCENE, tune=3, size=(160, 90), poster=True)
    saved = movie.save(io.BytesIO(), format="png")
    assert saved.notes[-1] == "the tuning card is not written: a stream holds one file"


def test_a_start_grid_covers_the_domain_within_the_bounds_at_cell_centres():
    from optimotion.simulation import start_grid

    boxed = Scene(VALLEY, start=(0.5, 0.5), epochs=5, optimizers=[SGD(lr=0.1)], bounds=((-1, 2), (-3, 3)))
    grid = start_grid.race_from_grid(boxed, 3)
    assert grid.spacing == (1.0, 2.0) and grid.shape == (3, 3)
    assert np.allclose(grid.points[:3], [(-0.5, -2), (0.5, -2), (1.5, -2)])  # x fastest
    assert np.array_equal(grid.run.positions[0, 0], grid.points)
    alone = Scene(VALLEY, start=(0.5, 0.0), epochs=5, optimizers=[SGD(lr=0.1)], bounds=((-1, 2), (-3, 3)))
    assert np.array_equal(grid.run.positions[:, 0, 4], runner.simulate(alone).positions[:, 0, 0])
    with pytest.raises(ValueError, match="start_grid must be a number of starts a side from 2 to 40"):
        optimotion.render(boxed, start_grid=41, poster=True)
    with pytest.raises(OptionError, match="start_grid: model 'digits_logistic' is drawn on the plane"):
        optimotion.render("digits_logistic", start_grid=4, poster=True)


def test_a_label_that_says_its_lr_says_the_tuned_one():
    scene = Scene(VALLEY, start=(2.5, 1.5), epochs=20, optimizers={"SGD lr 0.01": SGD(lr=0.01), "fast": Adam(lr=0.1),
                                                                  "SGD lr 0.015": SGD(lr=0.1)})
    found = tuning.Tuning(tuning.trial_lrs(3), np.ones((3, 3)), np.zeros((3, 3), dtype=int), (0, 1, 2), 1, 1.0)
    labels = [racer.name for racer in tuning.tuned_scene(scene, found).racers]
    assert labels == ["SGD lr 0.0001", "fast · lr 0.0316", "SGD lr 0.015 · lr 10"]  # "lr 0.015" is not its lr


def test_a_start_grid_keeps_the_page_under_four_times_its_weight():
    """At 960x540, the saddle: the heaviest grid of the built-in scenes against its page
    (bench/bench_start_grid.py measures them all, with the phone's layout; here the wide one)."""
    plain = optimotion.render("saddle", jobs=1, poster=True).page(phone=False)
    grid = optimotion.render("saddle", jobs=1, poster=True, start_grid=10).page(phone=False)
    assert len(plain) < len(grid) < 4 * len(plain)


def test_a_pick_that_ends_out_of_the_view_is_said_and_a_csv_says_where_the_card_is():
    import io

    movie = optimotion.render("saddle", tune=3, epochs=60, size=(160, 90), poster=True)
    assert movie.tuning_summary()[-1].startswith("SGD lr 10, Adam lr 10 and RMSprop lr 10 end out of the view: "
                                                 "the search scores the final value wherever a racer ends")
    saved = movie.save(io.BytesIO(), format="csv")
    assert saved.notes == ("the tuning card is not written beside a CSV: the run is the tuned race, the picks are in "
                           "tuning_summary() and on the command line's report",)
