"""How long a render will take, worked out before it starts, from costs measured here.

The simulation costs its epochs times one gradient call over every trajectory (timed at
the start, on the scene's own surface) plus the optimizers' updates; the frames cost
their pixels and the points they draw (trails and z lines, within `lines.MANY_POINTS`
per racer), shared by the drawing processes; the GIF costs its pixels. The constants are
per second on a 2-core machine, measured with `python bench/bench_costs.py`, which
prints them again; a faster machine finishes sooner than said.
"""
from __future__ import annotations

import math
import time

import numpy as np

from optimotion.draw.lines import crowd_stride, trail_stride
from optimotion.simulation import runner, tuning

LONG_RENDER = 30.0        # seconds: a render expected to take longer says so before it starts
STARTUP_SECONDS = 1.5     # the drawing processes and the static picture
UPDATE_SECONDS = 1.0e-5   # one optimizer's update of all its trajectories, per epoch (2-D)
FRAME_SECONDS = 2.0e-2    # drawing a frame: what it costs at any size
PIXEL_SECONDS = 1.0e-8    # ... and per pixel
POINT_SECONDS = 3.0e-7    # ... and per point of a trail (per view) or z line
ENCODE_SECONDS = 2.0e-8   # encoding the GIF, per pixel of a frame
PATH_SECONDS = 2.5e-5     # drawing one start's trail in a frame, of a scene of many starts (measured on
                          # 250,000 and 1,000,000 starts of 10 epochs: 23 microseconds a trail)


def gradient_seconds(scene) -> float:
    """The time of one epoch's work besides the updates' fixed cost: one gradient call over
    all of the scene's trajectories, and each racer's update from its starts, learning-rate
    schedule included (call it after `runner.at_start`, whose first call also loads what the
    surface needs)."""
    points = np.tile(scene.starts, (len(scene.racers), 1))
    times = []
    with np.errstate(all="ignore"):
        for _ in range(3):  # the quickest of three: the machine is shared
            started = time.perf_counter()
            _, gradients = runner.value_and_gradient(scene.surface.f, points)
            for k, racer in enumerate(scene.racers):
                rows = slice(k * len(scene.starts), (k + 1) * len(scene.starts))
                racer.optimizer.update(gradients[rows], racer.optimizer.init(points[rows]), points[rows])
            times.append(time.perf_counter() - started)
    return min(times)


def frame_points(scene, style) -> int:
    """The points a frame draws at most: trails in each view and z lines, of every racer."""
    n_starts, epochs = len(scene.starts), scene.epochs
    trail = (epochs // trail_stride(epochs, n_starts) + 2) * n_starts
    z_lines = (min(epochs + 1, style.width) if n_starts == 1
               else (epochs // crowd_stride(epochs, n_starts) + 2) * n_starts)
    views = 2 if style.view == "both" else 1
    return len(scene.racers) * (trail * views + z_lines)


def frame_paths(scene, style) -> int:
    """The trails a frame draws as paths of their own: one per start of every racer in each
    view, where a scene has several starts (one start's trail is one line per racer)."""
    n_starts = len(scene.starts)
    return 0 if n_starts == 1 else len(scene.racers) * n_starts * (2 if style.view == "both" else 1)


def render_seconds(scene, style, jobs: int, frames: int, gradient: float, passes: int = 1) -> dict:
    """The expected seconds of each phase ("simulate", "render", "encode") of rendering
    `frames` frames of `scene` in `style` with `jobs` processes; `gradient` is the time of
    one gradient call over all trajectories (`gradient_seconds`), `passes` the simulations
    a race over a model takes (2 when it is projected on a second pass)."""
    simulate = passes * scene.epochs * (gradient + UPDATE_SECONDS * len(scene.racers))
    per_frame = (FRAME_SECONDS + PIXEL_SECONDS * style.width * style.height + POINT_SECONDS * frame_points(scene, style)
                 + PATH_SECONDS * frame_paths(scene, style))
    render = STARTUP_SECONDS + frames * per_frame / max(1, min(jobs, frames))
    return {"simulate": simulate, "render": render, "encode": ENCODE_SECONDS * style.width * style.height * frames}


def tune_seconds(scene, trials: int, jobs: int) -> float:
    """The expected seconds of a tuning search (`simulation/tuning.py`): a simulation of
    the scene's epochs per racer, chunk of trials and seed, shared by `jobs` processes
    where they fork; a chunk's gradient call timed on a chunk as wide."""
    tasks = len(tuning.tasks_for(scene, trials)) * len(tuning.seeds_for(scene))
    width = min(trials, tuning.BATCH)
    chunk = tuning.trial_scene(scene, 0, tuning.trial_lrs(trials)[:width], scene.seed)
    each = scene.epochs * (gradient_seconds(chunk) + UPDATE_SECONDS)
    return tasks * each / tuning.jobs_for(scene, jobs, tasks)


def notice(scene, style, jobs: int, frames: int, seconds: dict) -> str | None:
    """What to say before a render expected to take over LONG_RENDER seconds, or None."""
    total = sum(seconds.values())
    if total <= LONG_RENDER:
        return None
    slowest = max(seconds, key=seconds.get)
    trajectories = len(scene.racers) * len(scene.starts)
    why = {"simulate": f"{scene.epochs:,} epochs of {trajectories:,} trajector{'y' if trajectories == 1 else 'ies'}",
           "render": f"{frames:,} frames of {style.width}x{style.height} with {trajectories:,} trails, "
                     f"in {jobs} process{'es' if jobs > 1 else ''}",
           "encode": f"encoding {frames:,} frames of {style.width}x{style.height}",
           "tune": f"tuning each of {len(scene.racers)} racers' lr over {scene.epochs:,} epochs a trial"}[slowest]
    fewer = "fewer trials, epochs or starts" if slowest == "tune" else \
        "fewer epochs, starts or frames, or a smaller size,"
    return f"this render will take about {_duration(total)}, mostly {why}; {fewer} take less"


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{math.ceil(seconds / 5) * 5:.0f} s"
    if seconds < 5400:
        return f"{math.ceil(seconds / 60):.0f} min"
    return f"{seconds / 3600:.1f} h"
