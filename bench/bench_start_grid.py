"""What a start anywhere weighs: the page with a start grid against the same page without.

    python bench/bench_start_grid.py --side 10

Writes each scene's page at 960x540 with and without `start_grid=SIDE` (in memory) and
prints their bytes and ratio, and the seconds the render with the grid took against the
one without. Issue 21's budget: under 4x the page without.
"""
from __future__ import annotations

import argparse
import time

import optimotion

BUDGET = 4.0
SCENES = ("saddle", "rosenbrock_race", "momentum_builds", "himmelblau_basins", "local_minima_1d")


def page(scene: str, **options) -> tuple[int, float]:
    started = time.perf_counter()
    data = optimotion.render(scene, poster=True, **options).to_bytes("html")
    return len(data), time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--side", type=int, default=10)
    parser.add_argument("--scenes", nargs="*", default=SCENES)
    args = parser.parse_args()
    print(f"{'scene':<20} {'without':>10} {'with':>10} {'ratio':>6} {'time ratio':>10}")
    worst = 0.0
    for scene in args.scenes:
        plain, plain_s = page(scene)
        grid, grid_s = page(scene, start_grid=args.side)
        worst = max(worst, grid / plain)
        print(f"{scene:<20} {plain:>10,} {grid:>10,} {grid / plain:>5.2f}x {grid_s / plain_s:>9.2f}x")
    print(f"worst ratio {worst:.2f}x (budget {BUDGET}x): {'within' if worst < BUDGET else 'OVER'}")


if __name__ == "__main__":
    main()
