"""z-versus-epoch lines with more epochs than pixels: what of them to draw.

A long line keeps, in each pixel column, its first, lowest, highest and last point, so
every extreme stays visible; the columns are fixed by the whole run, so a growing line
keeps the same points frame after frame (and the GIF stores only what changed).
"""
from __future__ import annotations

import numpy as np

TRAIL_POINTS = 600       # a trail keeps about this many points, plus its exact tip
MANY_POINTS = 150_000    # a racer's trails over all its starts keep at most about this many points
                         # in a frame, and so do its z lines: a grid of starts costs what it shows


def trail_stride(epochs: int, n_starts: int) -> int:
    """Epochs between a trail's points: about TRAIL_POINTS to a trail, and a racer's
    trails over all its starts within about MANY_POINTS."""
    return max(1, epochs // TRAIL_POINTS, -(-epochs * n_starts // MANY_POINTS))


def crowd_stride(epochs: int, n_starts: int) -> int:
    """Epochs between the points of the z lines of many starts: a racer's lines together
    within about MANY_POINTS."""
    return max(1, -(-epochs * n_starts // MANY_POINTS))


def decimate(x: np.ndarray, y: np.ndarray, columns: int, x_max: float | None = None):
    """At most ~4 points per pixel column of a line whose x increases, keeping what shows.

    Columns split [x[0], x_max] into equal buckets (fixed by `x_max`, not by the length of
    the line, so a growing line keeps the same points frame after frame). Each bucket
    keeps its first, lowest, highest and last point; the very last point is always kept.
    """
    n = len(x)
    if n <= 4 * columns:
        return x, y
    x_max = x[-1] if x_max is None else x_max
    # Multiplying before dividing makes this floor(i * columns / n) exactly for integer x.
    bucket = np.minimum(((x - x[0]) * columns / max(x_max - x[0], 1e-300)).astype(np.int64), columns - 1)
    starts = np.flatnonzero(np.r_[True, bucket[1:] != bucket[:-1]])
    ends = np.r_[starts[1:], n] - 1
    keep = np.zeros(n, dtype=bool)
    keep[starts] = keep[ends] = True
    finite = np.isfinite(y)
    low = np.minimum.reduceat(np.where(finite, y, np.inf), starts)
    high = np.maximum.reduceat(np.where(finite, y, -np.inf), starts)
    per_point = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, n]))
    keep |= finite & ((y == low[per_point]) | (y == high[per_point]))
    return x[keep], y[keep]


class EpochLine:
    """One z-versus-epoch line, decimated once for the whole run, cut at any epoch.

    The same points as `decimate(epochs[:last + 1], values[:last + 1], columns, x_max=N)`,
    but complete columns are summarised once, so a frame costs its last column, not the
    number of epochs it shows.
    """

    def __init__(self, values: np.ndarray, columns: int):
        self.values, self.columns = values, columns
        self.n = len(values) - 1  # x runs over epochs 0..n
        self.dense = len(values) <= 4 * columns
        if self.dense:
            return
        # Column b holds the epochs i with i * columns // n == b (the last one also holds n).
        self.bucket_start = -((-np.arange(columns) * self.n) // columns)
        ends = np.append(self.bucket_start[1:], self.n + 1)
        kept = []
        for start, end in zip(self.bucket_start, ends):  # a loop over columns, not epochs
            segment = values[start:end]
            finite = np.isfinite(segment)
            keep = np.zeros(end - start, dtype=bool)
            keep[0] = keep[-1] = True
            if finite.any():
                low, high = segment[finite].min(), segment[finite].max()
                keep |= finite & ((segment == low) | (segment == high))
            kept.append(start + np.flatnonzero(keep))
        self.kept = np.concatenate(kept)

    def upto(self, last: int) -> tuple[np.ndarray, np.ndarray]:
        """Epochs and values of the line from epoch 0 to `last`, as drawn."""
        if self.dense:
            return np.arange(last + 1), self.values[: last + 1]
        start = self.bucket_start[min(last * self.columns // self.n, self.columns - 1)]
        before = self.kept[: np.searchsorted(self.kept, start, side="left")]
        tail_x, _ = decimate(np.arange(start, last + 1, dtype=float), self.values[start: last + 1], 1)
        index = np.concatenate([before, tail_x.astype(np.int64)])
        return index, self.values[index]
