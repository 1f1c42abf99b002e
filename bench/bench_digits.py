"""Time `animate digits_mlp` phase by phase, and its training against a plain loop.

Prints the wall time of the whole command (median of `--rounds` runs, the 30 s budget
beside it), then one in-process run's phases: loading the digits (scikit-learn), the
simulation (autograd, three racers in lockstep), the plane (principal directions and
projection), the landscape (the loss on the plane's grid, one batched evaluation), drawing
the frames and encoding the GIF. The simulation is compared, as a ratio in the same run,
with a baseline: the Gradient Descent Variants notebook's method, the three optimizers trained one after another with
hand-written numpy backpropagation (written here for the comparison).

    python bench/bench_digits.py [--rounds 3]
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from optimotion import scenes
from optimotion.animation import style_for
from optimotion.draw import pool
from optimotion.draw.stage import plane_stage, reel_for
from optimotion.draw.style import key_colors, racer_styles
from optimotion.output import encoders
from optimotion.simulation import plane
from optimotion.surfaces.networks import digits

ROOT = Path(__file__).resolve().parent.parent

BUDGET = 30.0


def command_seconds(rounds: int) -> list[float]:
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        command = [sys.executable, "animate.py", "digits_mlp", "--quiet", "--out", str(Path(tmp) / "d.gif")]
        for _ in range(rounds):
            started = time.perf_counter()
            subprocess.run(command, check=True, cwd=ROOT)
            times.append(time.perf_counter() - started)
    return times


def baseline_training(scene) -> float:
    """The Gradient Descent Variants notebook's way: each optimizer in turn, gradients by
    hand-written backpropagation."""
    data = digits()
    x, onehot = data.x_train, np.eye(10)[data.y_train]
    started = time.perf_counter()
    for racer in scene.racers:
        theta = scene.starts[0].copy()
        state = racer.optimizer.init(theta)
        for _ in range(scene.epochs):
            w1, b1 = theta[:4096].reshape(64, 64), theta[4096:4160]
            w2, b2 = theta[4160:4800].reshape(64, 10), theta[4800:]
            z1 = x @ w1 + b1
            a1 = np.maximum(z1, 0)
            z2 = a1 @ w2 + b2
            p = np.exp(z2 - z2.max(axis=1, keepdims=True))
            p /= p.sum(axis=1, keepdims=True)
            d2 = (p - onehot) / len(x)
            d1 = (d2 @ w2.T) * (z1 > 0)
            gradient = np.concatenate([(x.T @ d1).ravel(), d1.sum(0), (a1.T @ d2).ravel(), d2.sum(0)])
            update, state = racer.optimizer.update(gradient, state, theta)
            theta = theta + update
    return time.perf_counter() - started


def phases() -> dict[str, float]:
    times = {}
    started = time.perf_counter()
    digits()
    times["load the digits"] = time.perf_counter() - started
    scene = scenes.load("digits_mlp")
    style = style_for()
    clock = {}

    def progress(phase, total):
        import contextlib

        @contextlib.contextmanager
        def timing():
            begun = time.perf_counter()
            yield None
            clock[phase] = clock.get(phase, 0.0) + time.perf_counter() - begun
        return timing()

    started = time.perf_counter()
    raced = plane.race(scene, progress)
    simulated = clock.get("simulate", 0.0) + clock.get("project", 0.0)
    times["simulate (autograd, lockstep)"] = simulated
    times["plane (PCA, projection)"] = time.perf_counter() - started - simulated
    stage = plane_stage(scene, raced, plane.landscape(scene, raced, style.mesh, progress))
    times["landscape (grid of the plane)"] = clock["landscape"]
    reel = reel_for(stage, raced.run.tracks, scene.frame_epochs)
    started = time.perf_counter()
    frames = pool.render_frames(stage, reel, style, 2, list(range(len(reel.frame_epochs))))
    times[f"draw {len(frames)} frames (2 processes)"] = time.perf_counter() - started
    started = time.perf_counter()
    colors = key_colors(style, [st["color"] for st in racer_styles(stage.kinds)])
    encoders.encode(frames, "gif", 10.0, colors)
    times["encode the GIF"] = time.perf_counter() - started
    times["baseline: the Gradient Descent Variants notebook's loop, one racer after another"] = baseline_training(scene)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    wall = command_seconds(args.rounds)
    print(f"animate digits_mlp: {statistics.median(wall):.2f} s (median of {args.rounds}; "
          f"budget {BUDGET:.0f} s, ratio {statistics.median(wall) / BUDGET:.2f})")
    times = phases()
    for phase, seconds in times.items():
        print(f"  {phase:<52} {seconds:6.2f} s")
    ours = times["simulate (autograd, lockstep)"]
    base = times["baseline: the Gradient Descent Variants notebook's loop, one racer after another"]
    print(f"simulation against the baseline: {ours / base:.2f}x")


if __name__ == "__main__":
    main()
