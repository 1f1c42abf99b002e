"""A start anywhere: the race run from every point of a grid over the surface's domain,
ahead of time, so that the page can restart it from the grid point nearest a click with
trajectories as exact as the scene's own.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from optimotion import validation
from optimotion.simulation import runner

MIN_SIDE, MAX_SIDE = 2, 40  # points a side (a 40x40 grid is 1,600 races of every racer)


class StartGrid(NamedTuple):
    """points: (n, dim) the starts, x fastest; shape: points a side (nx,) or (nx, ny);
    spacing: the distance between neighbours along each axis; run: every racer from
    every point (its starts are `points`)."""
    points: np.ndarray
    shape: tuple[int, ...]
    spacing: tuple[float, ...]
    run: runner.Run


def check_side(side) -> int:
    return validation.integer("start_grid", side, MIN_SIDE, MAX_SIDE,
                              expected=f"a number of starts a side from {MIN_SIDE} to {MAX_SIDE}")


def grid_points(domain, side: int) -> tuple[np.ndarray, tuple[float, ...]]:
    """`side` points along each axis of `domain`, at the centres of equal cells (so that
    none lies on the domain's edge), x fastest; and their spacing."""
    axes = [lo + (np.arange(side) + 0.5) * (hi - lo) / side for lo, hi in domain]
    spacing = tuple(float((hi - lo) / side) for lo, hi in domain)
    if len(axes) == 1:
        return axes[0].reshape(-1, 1), spacing
    xs, ys = np.meshgrid(*axes)
    return np.column_stack([xs.ravel(), ys.ravel()]), spacing


def race_from_grid(scene, side: int, progress: Callable[[int], None] | None = None) -> StartGrid:
    """Every racer of `scene` from every point of a `side`-a-side grid over its surface's
    domain, within its `bounds` if it has them (glyphs and a slow start are the scene's
    own run's only)."""
    domain = scene.surface.domain
    if scene.bounds is not None:
        domain = [(max(lo, low), min(hi, high)) for (lo, hi), (low, high) in zip(domain, scene.bounds)]
    points, spacing = grid_points(domain, side)
    grid_scene = dataclasses.replace(scene, start=points, glyphs=None, slow_start=0, variants=None, tune=None)
    run = runner.simulate(grid_scene, progress=progress, record_state=False)
    return StartGrid(points, (side,) * points.shape[1], spacing, run)
