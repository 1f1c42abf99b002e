"""Rendering cost follows frames, not epochs: 62 frames of a 4,000- vs a 1,000,000-epoch run.

Both runs are the saddle scene (same start and optimizers); the long one uses the Optimizers notebook's
frame rule stretched by 250, so both have the same 62 frames. Simulation is not timed
(it grows with epochs by nature); rendering is timed, best of `--rounds`, alternately.

    python bench/bench_epoch_scaling.py [--rounds 3] [--long 1000000]
"""
from __future__ import annotations

import argparse
import time

from optimotion import scenes
from optimotion.draw import pool
from optimotion.draw.stage import reel_for, stage_for
from optimotion.draw.style import Style
from optimotion.simulation.runner import simulate


def stretched(factor: int):
    def rule(epoch: int) -> bool:
        return epoch % factor == 0 and scenes.show_epoch(epoch // factor)
    return rule


def render_seconds(run, jobs: int) -> float:
    started = time.perf_counter()
    stage = stage_for(run.scene)
    reel = reel_for(stage, run.tracks, run.scene.frame_epochs)
    frames = pool.render_frames(stage, reel, Style(width=711, height=400), jobs=jobs)
    assert len(frames) == 63
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--long", type=int, default=1_000_000)
    args = parser.parse_args()
    base = scenes.load("saddle")
    factor = args.long // base.epochs
    short_run = simulate(base)
    started = time.perf_counter()
    long_run = simulate(base.with_options(epochs=args.long, show_epoch=stretched(factor)))
    print(f"simulated {args.long:,} epochs in {time.perf_counter() - started:.1f} s (not part of the ratio)")
    for jobs in (1, 2):
        short, long = [], []
        for _ in range(args.rounds):
            short.append(render_seconds(short_run, jobs))
            long.append(render_seconds(long_run, jobs))
        print(f"render, {jobs} process(es): {base.epochs:,} epochs {min(short):.2f} s, "
              f"{args.long:,} epochs {min(long):.2f} s, ratio {min(long) / min(short):.2f}x")


if __name__ == "__main__":
    main()
