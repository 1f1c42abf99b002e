"""Equal tuning: every racer's learning rate picked by the same search, so that no race
is won by a better-tuned optimizer.

Each racer gets the same `trials` learning rates, log-spaced over LOW..HIGH (wide enough
that the largest diverge) and rounded to three significant digits (the value a label
shows is the value raced). A schedule keeps its shape: its peak (first argument) is what
is tried. Each trial is raced from every one of the scene's starts for the scene's
epochs; its score is its final value, the mean over the starts (and, where the scene has
gradient noise or mini-batches, over NOISE_SEEDS seeds), and a trial that diverges from
any start scores worst. Among the trials within TIE of the best score, the first to
settle wins: the one that comes (and stays) within SETTLE of its own final value
soonest. The search is deterministic: every trial is raced in the same lockstep chunk of
BATCH whatever the number of processes, so the same trials give the same picks anywhere.
"""
from __future__ import annotations

import contextlib
import dataclasses
import math
import multiprocessing
import os
import re
import signal
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import NamedTuple

import numpy as np

from optimotion import processes, scenes
from optimotion.optimizers.base import format_value
from optimotion.simulation import runner

LOW, HIGH = 1e-4, 10.0  # the learning rates every racer is tried at, log-spaced between
TIE = 1e-6              # scores this close (relative; absolute below 1) are a tie ...
SETTLE = 1e-3           # ... won by the first to stay within this (relative) of its own final value
NOISE_SEEDS = 3         # a noisy scene's trials: the mean over this many seeds
BATCH = 12              # trials raced in lockstep in one simulation


class Tuning(NamedTuple):
    """The search and what it found.

    lrs:     (trials,) the learning rates every racer was tried at.
    scores:  (racers, trials) each trial's final value, the mean over starts (and seeds);
             inf where it diverged.
    settled: (racers, trials) the epoch from which it stays within SETTLE of its final value.
    picks:   (racers,) the index into `lrs` each racer got.
    seeds:   how many noise seeds each score is the mean of.
    start:   the value at the start, the mean over the starts (what a score is better than
             if the racer learned anything).
    """
    lrs: np.ndarray
    scores: np.ndarray
    settled: np.ndarray
    picks: tuple[int, ...]
    seeds: int
    start: float
    low: float = LOW
    high: float = HIGH

    @property
    def picked_lrs(self) -> list[float]:
        return [float(self.lrs[k]) for k in self.picks]

    @property
    def picked_scores(self) -> list[float]:
        return [float(self.scores[r, k]) for r, k in enumerate(self.picks)]

    def stamp(self, value_name: str = "z") -> str:
        """What the picture says of the search: "lr tuned: 16 trials each over 1e-4..10, final z"."""
        seeds = f", {self.seeds} seeds" if self.seeds > 1 else ""
        return f"lr tuned: {len(self.lrs)} trials each over {_short(self.low)}..{_short(self.high)}, " \
            f"final {value_name}{seeds}"


def _short(x: float) -> str:
    """1e-4, 0.01, 10: a bound as people write it."""
    mantissa, exponent = f"{x:.2e}".split("e")
    return f"{float(mantissa):g}e{int(exponent)}" if abs(int(exponent)) > 2 else f"{x:g}"


def trial_lrs(trials: int, low: float = LOW, high: float = HIGH) -> np.ndarray:
    """`trials` learning rates, log-spaced from `low` to `high`, to three significant digits."""
    trials = scenes.check_tune(trials)
    return np.array([float(f"{lr:.3g}") for lr in np.geomspace(low, high, trials)])


def seeds_for(scene) -> list[int]:
    """The noise seeds a trial is raced with: the scene's, and more where it is noisy."""
    noisy = scene.noise > 0 or any(racer.noise for racer in scene.racers) or \
        any(racer.batch_size is not None for racer in scene.racers)
    return [scene.seed + k for k in range(NOISE_SEEDS if noisy else 1)]


def tasks_for(scene, trials: int) -> list[tuple[int, slice]]:
    """The simulations a search takes: one per racer and chunk of BATCH trials."""
    chunks = [slice(k, min(k + BATCH, trials)) for k in range(0, trials, BATCH)]
    return [(r, chunk) for r in range(len(scene.racers)) for chunk in chunks]


def tune(scene, trials: int, jobs: int = 1, progress: Callable[[int], None] | None = None,
         tick: Callable[[], None] | None = None) -> Tuning:
    """The equal search over `scene`'s racers (see the module's doc), in up to `jobs`
    processes; `progress(n)` is told of each simulation done."""
    lrs = trial_lrs(trials)
    seeds = seeds_for(scene)
    tasks = tasks_for(scene, len(lrs))
    scores = np.full((len(scene.racers), len(lrs)), np.inf)
    settled = np.zeros((len(scene.racers), len(lrs)), dtype=int)
    start = math.nan
    for (r, chunk), (score, settle, at_start) in zip(tasks, _results(scene, tasks, lrs, seeds, jobs, tick)):
        scores[r, chunk], settled[r, chunk], start = score, settle, at_start
        if progress is not None:
            progress(1)
    picks = tuple(pick(scores[r], settled[r]) for r in range(len(scene.racers)))
    return Tuning(lrs, scores, settled, picks, len(seeds), float(start))


def pick(scores: np.ndarray, settled: np.ndarray) -> int:
    """The trial with the best (lowest) score; among those within TIE of it, the first to
    settle (then the smaller learning rate). Every trial diverged: the smallest."""
    finite = np.isfinite(scores)
    if not finite.any():
        return 0
    best = float(np.min(scores[finite]))
    ties = np.flatnonzero(finite & (np.abs(scores - best) <= TIE * max(1.0, abs(best))))
    return int(min(ties, key=lambda k: (settled[k], k)))


def tuned_scene(scene, tuning: Tuning):
    """`scene` with each racer at its picked learning rate, labelled so that the lr shows
    in a short legend: "Adam lr 0.0464" (the optimizer's own label where two racers of one
    optimizer need their other hyperparameters told apart); a label of the scene's own
    that says its lr ("SGD lr 0.01") says the picked one instead, another gets
    " · lr 0.0464"."""
    kinds = [type(racer.optimizer).__name__ for racer in scene.racers]
    racers = []
    for racer, kind, lr in zip(scene.racers, kinds, tuning.picked_lrs):
        optimizer = with_lr(racer.optimizer, lr)
        written = f"lr {format_value(racer.optimizer.lr)}"
        if racer.label is not None and re.search(rf"\b{re.escape(written)}\b", racer.label):
            label = re.sub(rf"\b{re.escape(written)}\b", f"lr {format_value(lr)}", racer.label)
        elif racer.label is not None:
            label = f"{racer.label} · lr {format_value(lr)}"
        elif kinds.count(kind) > 1 or callable(optimizer.lr):
            label = optimizer.label
        else:
            label = f"{kind} lr {format_value(lr)}"
        racers.append(dataclasses.replace(racer, optimizer=optimizer, label=label))
    return dataclasses.replace(scene, optimizers=racers, tune=None)


def with_lr(optimizer, lr: float):
    """`optimizer` at learning rate `lr`; a schedule keeps its shape, peaking at `lr`."""
    schedule = optimizer.lr
    if callable(schedule) and dataclasses.is_dataclass(schedule):
        first = dataclasses.fields(schedule)[0].name
        return dataclasses.replace(optimizer, lr=dataclasses.replace(schedule, **{first: lr}))
    return dataclasses.replace(optimizer, lr=lr)


def trial_scene(scene, r: int, lrs, seed: int):
    """Racer `r` of `scene` once at each of `lrs`, in lockstep, with noise seed `seed`."""
    racer = scene.racers[r]
    trials = [dataclasses.replace(racer, optimizer=with_lr(racer.optimizer, float(lr)), label=None) for lr in lrs]
    return dataclasses.replace(scene, optimizers=trials, seed=seed, variants=None, glyphs=None, slow_start=0,
                               tune=None)


def jobs_for(scene, jobs: int, tasks: int) -> int:
    """The processes a search runs in: one where they would not fork (the scene's functions
    would have to be pickled to reach a new interpreter) or the scene is a model's (its
    matrix products already use every processor: two processes that both do were measured
    twice as slow as one)."""
    if processes.start_method() != "fork" or scene.over_model:
        return 1
    return max(1, min(jobs, tasks, os.cpu_count() or 1))


def _results(scene, tasks, lrs, seeds, jobs: int, tick) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Each task's (scores, settled), in order: in `jobs` processes where the scene can be
    had there by forking (a scene's functions need not pickle), else here, in turn."""
    if jobs_for(scene, jobs, len(tasks)) == 1:
        for task in tasks:
            if tick is not None:
                tick()
            yield _trial_task(scene, task, lrs, seeds)
        return
    global _SCENE
    _SCENE = scene
    executor = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork"), initializer=_start_worker)
    interrupted = True
    try:
        yield from executor.map(_forked_task, tasks, [lrs] * len(tasks), [seeds] * len(tasks))
        interrupted = False
    finally:
        _SCENE = None
        if interrupted:  # stop the workers now, not after their current trial
            for process in list((getattr(executor, "_processes", None) or {}).values()):
                with contextlib.suppress(Exception):
                    process.terminate()
        executor.shutdown(wait=True, cancel_futures=True)


_SCENE = None  # in a forked tuning process: the scene it inherited


def _start_worker() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops us
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    processes.end_with_parent()


def _forked_task(task, lrs, seeds):
    return _trial_task(_SCENE, task, lrs, seeds)


def _trial_task(scene, task, lrs, seeds) -> tuple[np.ndarray, np.ndarray, float]:
    """One racer at the learning rates of one chunk, raced in lockstep from every start:
    each trial's score and the epoch it settled (the latest over the seeds), and the value
    at the start."""
    r, chunk = task
    scores, settled = [], []
    for seed in seeds:
        trial = trial_scene(scene, r, lrs[chunk], seed)
        with np.errstate(all="ignore"):  # values near the largest float overflow in a mean: inf, as they should
            run = runner.simulate(trial, keep=(), record_state=False)
            alive = np.all(run.diverged_at == runner.NEVER, axis=1)  # (trials,): from every start
            final = run.values[-1].mean(axis=1)  # a mean past the largest float counts as diverged
            scores.append(np.where(alive & np.isfinite(final), final, np.inf))
            settled.append(settle_epochs(run.values))
    with np.errstate(all="ignore"):
        return np.mean(scores, axis=0), np.max(settled, axis=0), float(run.values[0, 0].mean())


def settle_epochs(values: np.ndarray) -> np.ndarray:
    """For values (epochs + 1, trials, starts): the epoch from which each trial's mean over
    the starts stays within SETTLE (relative; absolute below 1) of its final value."""
    mean = values.mean(axis=2)
    final = mean[-1]
    with np.errstate(invalid="ignore"):
        far = ~(np.abs(mean - final) <= SETTLE * np.maximum(1.0, np.abs(final)))
    last_far = np.where(far.any(axis=0), mean.shape[0] - 1 - np.argmax(far[::-1], axis=0), -1)
    return last_far + 1

