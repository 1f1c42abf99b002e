"""What drawing each racer's state costs: a render with glyphs against the same without.

    python bench/bench_glyphs.py --rounds 5

Renders a scene (default: saddle at 711x400, glyphs "auto") with and without glyphs,
alternating in one run (the machine is shared and noisy), and prints the median times and
their ratio. Issue 20's budget: at most 1.3x.
"""
from __future__ import annotations

import argparse
import statistics
import time

import optimotion

BUDGET = 1.3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--scene", default="saddle")
    parser.add_argument("--size", default="711x400")
    args = parser.parse_args()
    size = tuple(int(side) for side in args.size.split("x"))
    optimotion.render(args.scene, size=(64, 36), epochs=5, jobs=1)  # imports and caches out of the timing
    times = {"without": [], "with": []}
    for round_ in range(args.rounds):
        for name, glyphs in (("without", "none"), ("with", "auto")):
            started = time.perf_counter()
            optimotion.render(args.scene, size=size, glyphs=glyphs).to_bytes("gif")
            times[name].append(time.perf_counter() - started)
        print(f"round {round_ + 1}: without {times['without'][-1]:.2f} s, with {times['with'][-1]:.2f} s", flush=True)
    without, with_ = statistics.median(times["without"]), statistics.median(times["with"])
    print(f"{args.scene} at {args.size}: without glyphs {without:.2f} s, with {with_:.2f} s, "
          f"ratio {with_ / without:.2f}x (budget {BUDGET}x)")


if __name__ == "__main__":
    main()
