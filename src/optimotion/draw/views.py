"""What a position view plots of a racer: its point in the view's own coordinates, and
where that is in the figure's pixels."""
from __future__ import annotations

import numpy as np
from mpl_toolkits.mplot3d import proj3d


def view_coords(kind: str, positions: np.ndarray, heights: np.ndarray, epochs) -> tuple:
    """Points of a position view in its own coordinates: (x, y, height) on a 3-D surface,
    (x, height) on a 1-D curve, (x, epoch) in the steps under it, (x, y) on a map.
    `positions` (..., dim); `heights` and `epochs` one per position."""
    if kind == "3d":
        return positions[..., 0], positions[..., 1], heights
    if kind == "curve":
        return positions[..., 0], heights
    if kind == "steps":
        return positions[..., 0], np.broadcast_to(epochs, np.shape(heights)).astype(float)
    return positions[..., 0], positions[..., 1]


def view_pixels(kind: str, ax, *coords) -> np.ndarray:
    """Points in a view's own coordinates ((x, y, z) in 3-D) in the figure's pixels, (n, 2),
    by the view's own transforms (as the frames draw)."""
    with np.errstate(all="ignore"):
        if kind == "3d":
            xs, ys, _ = proj3d.proj_transform(*(np.atleast_1d(c) for c in coords), ax.get_proj())
            coords = (xs, ys)
        return ax.transData.transform(np.column_stack([np.atleast_1d(np.asarray(c, dtype=float)) for c in coords]))


def position_pixels(kind: str, ax, positions: np.ndarray, heights: np.ndarray, epochs=0) -> np.ndarray:
    """Positions (n, dim) at their heights and epochs in a view's figure pixels, (n, 2)."""
    return view_pixels(kind, ax, *view_coords(kind, positions, heights, epochs))
