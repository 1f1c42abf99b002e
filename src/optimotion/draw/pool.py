"""Frames drawn in several processes, with the standard library's process pool.

The workers are started before the simulation: each builds the scene's static picture
while the run is computed, then draws shares of the frames. They receive only plain data
(a `Stage`, a `Style`, the run's `Tracks`), so any start method works: fork where it is
safe (Linux, no other thread running), spawn otherwise (macOS, Windows, a Jupyter kernel),
or whatever the caller chose with `multiprocessing.set_start_method`. Every process draws
the same figure and no frame depends on another, so the pixels, and the file's bytes, are
the same for any number of processes.
"""
from __future__ import annotations

import contextlib
import logging
import multiprocessing
import multiprocessing.connection
import os
import signal
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from optimotion.draw.stage import Reel, Stage
from optimotion.draw.style import Style
from optimotion.processes import callers_world_kept, end_with_parent, start_method

MIN_FRAMES_PER_JOB = 8         # fewer frames than this per process: starting one costs more
SMALL_RUN_BYTES = 16 * 2**20   # a run this small is sent with every share, so shares can be small
FRAMES_PER_SHARE = 6


# Where workers start as fresh interpreters (spawn, forkserver), each costs about a second
# and a half before it draws: worth it only for about the drawing of the saddle at 960x540.
SPAWN_WORTH_PIXELS = 63 * 960 * 540
# Forked, a worker still draws its own static picture first (about 0.3 s): the saddle at
# 320x180 took 1.87 s on two processes and 1.83 s on one (1.7x the CPU), at 960x540 1.75 s
# against 2.04 s.
FORK_WORTH_PIXELS = 30 * 960 * 540


def default_jobs(frames: int | None = None, pixels: int | None = None) -> int:
    """Up to 2 processes (never more than the CPUs); one, in this process, for a render of
    `frames` frames of `pixels` pixels too small to repay starting (or forking) workers."""
    if frames is not None and pixels is not None:
        worth = FORK_WORTH_PIXELS if start_method() == "fork" else SPAWN_WORTH_PIXELS
        if frames * pixels < worth:
            return 1
    return min(2, os.cpu_count() or 1)


def useful_jobs(jobs: int, frames: int) -> int:
    """`jobs`, capped at the processors and at what the number of frames repays."""
    return max(1, min(jobs, os.cpu_count() or 1, frames // MIN_FRAMES_PER_JOB))


_drawer = None  # in a worker process: the scene's frames.FrameDrawer


def _start_worker(stage: Stage, style: Style, matplotlib_level: int) -> None:
    global _drawer
    logging.getLogger("matplotlib").setLevel(matplotlib_level)  # as quiet as its parent (a new interpreter)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops us
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    end_with_parent()
    with contextlib.suppress(OSError):
        os.nice(5)  # this worker's only: the simulation in the parent goes first
    from optimotion.draw.frames import FrameDrawer  # here: with fork, matplotlib loads while the parent simulates

    _drawer = FrameDrawer(stage, style)
    _drawer.picture.background()


def _draw_share(reel: Reel, indices: list[int]) -> list[np.ndarray]:
    _drawer.attach(reel)
    return list(_drawer.frames(indices))


def _nbytes(value) -> int:
    """The bytes of the arrays in `value` (a run's tracks, its glyphs), all told."""
    if isinstance(value, np.ndarray):
        return value.nbytes
    if isinstance(value, dict):
        return sum(_nbytes(item) for item in value.values())
    if isinstance(value, tuple):
        return sum(_nbytes(item) for item in value)
    return 0


def _ready() -> None:
    """A task that makes a worker start (and draw its background) now."""


class FramePool:
    """`jobs` processes that draw a scene's frames; one job draws them in this process."""

    def __init__(self, stage: Stage, style: Style, jobs: int, frames: int):
        self.stage, self.style = stage, style
        self.jobs = useful_jobs(jobs, frames)
        self.executor = None
        if self.jobs > 1:
            method = start_method()
            with callers_world_kept(method):
                self.executor = ProcessPoolExecutor(self.jobs, mp_context=multiprocessing.get_context(method),
                                                    initializer=_start_worker,
                                                    initargs=(stage, style, logging.getLogger("matplotlib").level))
                for _ in range(self.jobs):
                    self.executor.submit(_ready)  # starts the workers, here

    def __enter__(self) -> FramePool:
        return self

    def __exit__(self, kind, *_) -> None:
        self.close(interrupted=kind is not None)

    def render(self, reel: Reel, indices: Sequence[int] | None = None,
               progress: Callable[[int], None] | None = None) -> list[np.ndarray]:
        """The frames at `indices` (default: all) of the run's `reel`."""
        indices = list(range(len(reel.frame_epochs)) if indices is None else indices)
        if self.executor is None:
            from optimotion.draw.frames import FrameDrawer

            return list(FrameDrawer(self.stage, self.style, reel).frames(indices, progress))
        small = _nbytes(reel.tracks) <= SMALL_RUN_BYTES
        shares = max(self.jobs, len(indices) // FRAMES_PER_SHARE) if small else self.jobs
        chunks = [chunk.tolist() for chunk in np.array_split(np.array(indices, dtype=int), shares) if len(chunk)]
        frames = []
        for share in self.executor.map(_draw_share, [reel] * len(chunks), chunks):
            frames.extend(share)
            if progress is not None:
                progress(len(share))
        return frames

    def close(self, interrupted: bool = False) -> None:
        if self.executor is None:
            return
        executor, self.executor = self.executor, None
        if interrupted:  # stop the workers now, not after their current share
            for process in list((getattr(executor, "_processes", None) or {}).values()):
                with contextlib.suppress(Exception):
                    process.terminate()
        executor.shutdown(wait=True, cancel_futures=True)


def render_frames(stage: Stage, reel: Reel, style: Style, jobs: int = 1, indices: Sequence[int] | None = None,
                  progress: Callable[[int], None] | None = None) -> list[np.ndarray]:
    """The frames of a run (all, or those at `indices`), in up to `jobs` processes."""
    count = len(reel.frame_epochs) if indices is None else len(indices)
    with FramePool(stage, style, jobs, frames=count) as pool:
        return pool.render(reel, indices, progress)
