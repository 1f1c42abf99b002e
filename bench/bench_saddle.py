"""Time `animate saddle --size 711x400` against the Optimizers notebook's pipeline.

The two run alternately in one process tree, `--rounds` times each, so machine noise hits
both alike; the figures are medians and their ratios.

    python bench/bench_saddle.py [--rounds 3] [--shared ../shared]
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = parser.parse_args()
    reference = args.shared / "bench" / "seed004_reference.py"
    if not reference.exists():
        sys.exit(f"bench: baseline not found: {reference} (pass --shared)")
    with tempfile.TemporaryDirectory() as tmp:
        ours_gif, base_gif = Path(tmp) / "ours.gif", Path(tmp) / "baseline.gif"
        ours_cmd = [sys.executable, "animate.py", "saddle", "--size", "711x400", "--quiet", "--out", str(ours_gif)]
        base_cmd = [sys.executable, str(reference), str(base_gif)]
        ours, base = [], []
        for round_ in range(args.rounds):
            base.append(timed(base_cmd))
            ours.append(timed(ours_cmd))
            print(f"round {round_ + 1}: baseline {base[-1]:.2f} s, animate.py {ours[-1]:.2f} s", flush=True)
        ours_bytes, base_bytes = ours_gif.stat().st_size, base_gif.stat().st_size
    t_ours, t_base = statistics.median(ours), statistics.median(base)
    print(f"wall time: animate.py {t_ours:.2f} s, baseline {t_base:.2f} s, ratio {t_ours / t_base:.3f}x")
    print(f"GIF bytes: animate.py {ours_bytes:,}, baseline {base_bytes:,}, ratio {ours_bytes / base_bytes:.3f}x")


if __name__ == "__main__":
    main()
