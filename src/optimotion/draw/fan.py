"""Markers that would hide each other, spread apart: the end state told apart.

Racers that end within a marker of each other (four optimizers at Rosenbrock's minimum)
would be drawn one over another, the last hiding the rest. `spread` moves such markers
onto a small circle around where they are, far enough apart that each shows whole; the
frame draws a thin line from each moved marker back to its racer's true place.
"""
from __future__ import annotations

import numpy as np

CLOSE = 0.75    # markers nearer than this share of the larger one's size are spread apart
APART = 1.15    # spread markers are this share of the largest one's size apart, centre to centre
AROUND = 1.4    # and at least this far from the cluster's centre (its true place, and a minimum's star, show
                # between them)


def clusters(points: np.ndarray, sizes: np.ndarray) -> list[list[int]]:
    """The groups of markers (indices, in order) each of which is joined by markers
    nearer than CLOSE of the larger one's size: `points` (n, 2) and `sizes` (n,) in
    pixels. Markers alone are not listed."""
    n = len(points)
    group = list(range(n))

    def root(i: int) -> int:
        while group[i] != i:
            group[i] = group[group[i]]
            i = group[i]
        return i

    for i in range(n):
        for j in range(i + 1, n):
            if np.hypot(*(points[i] - points[j])) < CLOSE * max(sizes[i], sizes[j]):
                group[root(j)] = root(i)
    found: dict[int, list[int]] = {}
    for i in range(n):
        found.setdefault(root(i), []).append(i)
    return [members for members in found.values() if len(members) > 1]


def spread(points, sizes, row: bool = False) -> np.ndarray:
    """Where to draw each marker, (n, 2) pixels: where it is, or, where it would hide
    another, on a circle around its cluster's centre, each APART of the largest size from
    the next, in the order of their own directions from the centre (the first on top
    where they coincide). With `row`, side by side at the cluster's height, in the order
    of their own x (a 1-D view, where a height is read as a value, and the steps' last
    row lies on the plot's edge): one left of another stays left of it."""
    points = np.asarray(points, dtype=float).reshape(-1, 2)
    sizes = np.asarray(sizes, dtype=float)
    placed = points.copy()
    for members in clusters(points, sizes):
        k, largest = len(members), float(sizes[members].max())
        centre = points[members].mean(axis=0)
        offsets = points[members] - centre
        if row:
            order = np.argsort(offsets[:, 0], kind="stable")
            slots = np.empty(k)
            slots[order] = np.arange(k) - (k - 1) / 2
            placed[members] = centre + np.outer(slots, [APART * largest, 0.0])
            continue
        radius = max(AROUND * largest, APART * largest / (2 * np.sin(np.pi / k)))
        # Clockwise from the top, in the order of their own bearings (ties: racer order).
        bearing = np.where(np.hypot(*offsets.T) > 1e-9, (np.pi / 2 - np.arctan2(offsets[:, 1], offsets[:, 0]))
                           % (2 * np.pi), 0.0)
        order = np.argsort(bearing, kind="stable")
        slots = np.empty(k)
        slots[order] = np.arange(k)
        angles = np.pi / 2 - 2 * np.pi * slots / k
        placed[members] = centre + radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    return placed
