"""What a position view plots of a racer: its point in the view's own coordinates."""
from __future__ import annotations

import numpy as np


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
