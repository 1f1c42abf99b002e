"""Simulation cost per epoch for 3, 100 and 1,000 trajectories on the saddle and on Ackley.

Every trajectory is stepped in one batched autograd call per epoch, so the cost should
grow far slower than the number of trajectories. Prints microseconds per epoch and the
ratio of 1,000 trajectories to 3.

    python bench/bench_simulation.py [--epochs 2000]
"""
from __future__ import annotations

import argparse
import time

import numpy as np

from optimotion.optimizers import SGD, Adam, RMSprop
from optimotion.scenes import Scene
from optimotion.simulation.runner import simulate

SURFACES = {"saddle": ((15.0, 25.0), (-1.0, 1.0)), "ackley": ((-2.5, 2.5), (-2.5, 2.5))}


def per_epoch_us(surface: str, trajectories: int, epochs: int) -> float:
    """Best of three runs, in microseconds per epoch; optimizers take turns over the starts."""
    (x0, x1), (y0, y1) = SURFACES[surface]
    rng = np.random.default_rng(0)
    optimizers = [SGD(lr=0.005), Adam(lr=0.005), RMSprop(lr=0.005)]
    n_racers = 3 if trajectories % 3 == 0 else 1 if trajectories < 3 else 2 if trajectories % 2 == 0 else 1
    per_racer = trajectories // n_racers
    starts = np.column_stack([rng.uniform(x0, x1, per_racer), rng.uniform(y0, y1, per_racer)])
    scene = Scene(surface, start=starts, optimizers=optimizers[:n_racers], epochs=epochs)
    assert scene.starts.shape[0] * len(scene.racers) == trajectories
    best = np.inf
    for _ in range(3):
        started = time.perf_counter()
        simulate(scene)
        best = min(best, time.perf_counter() - started)
    return best / epochs * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=2000)
    args = parser.parse_args()
    for surface in SURFACES:
        costs = {n: per_epoch_us(surface, n, args.epochs) for n in (3, 100, 1000)}
        row = ", ".join(f"{n:>5,} trajectories {us:6.1f} µs/epoch" for n, us in costs.items())
        print(f"{surface:>7}: {row}; 1,000 / 3 = {costs[1000] / costs[3]:.2f}x")


if __name__ == "__main__":
    main()
