"""Run a command and print the peak memory of its whole process tree (Linux /proc).

Samples the resident memory of the command and all its children every 20 ms:

    python bench/peak_memory.py animate saddle --size 2048x2048 -q --out /tmp/s.gif
    python bench/peak_memory.py animate bench/many_starts.py --out /tmp/grid.gif
"""
from __future__ import annotations

import os
import subprocess
import sys
import time


def tree_bytes(root: int) -> int:
    """The resident bytes of `root` and its descendants now."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    parent = int(handle.read().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            children.setdefault(parent, []).append(int(entry))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        try:
            with open(f"/proc/{pid}/statm") as handle:
                total += int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except OSError:
            pass
        todo += children.get(pid, [])
    return total


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    started = time.perf_counter()
    process = subprocess.Popen(sys.argv[1:])
    peak = 0
    while process.poll() is None:
        peak = max(peak, tree_bytes(process.pid))
        time.sleep(0.02)
    print(f"peak {peak / 2**20:,.0f} MB, {time.perf_counter() - started:.1f} s, exit {process.returncode}")


if __name__ == "__main__":
    main()
