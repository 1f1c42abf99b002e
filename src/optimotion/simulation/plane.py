"""The plane of a race over many parameters: where a model's training is drawn.

A scene over a `surfaces.Model` moves in `dim` dimensions (thousands). After the run, the
top two principal directions of all racers' trajectories together (every recorded
epoch of every racer and start, stacked, around their common mean) span a plane (Li et
al. 2018, "Visualizing the Loss Landscape of Neural Nets", section 7, with one plane for
all racers so that the race stays fair). The picture then draws:

* the training loss *on that plane*, on a grid fitted to the projected paths plus a
  margin (one batched evaluation: `Model.loss_on_plane`);
* each racer's path projected on it, on that surface (the loss on the plane there, which
  the z plot draws dotted beside the racer's own training loss);
* how much of the trajectories' variance each direction holds ("PC1, 71%") and how far
  each racer is off the plane: ``|| (theta - centre) - projection || / || theta - centre ||``.

Memory: a run records its full parameter vectors at most at `SNAPSHOTS` epochs, spread
evenly (within `SNAPSHOT_BYTES`), for the principal directions; where that is not every
epoch, the scene is simulated a second time (the run is deterministic: same seed, same
steps) and each epoch is projected as it is made. What is kept per epoch is then two
coordinates, the loss and the distance off the plane per trajectory.
"""
from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import NamedTuple

import numpy as np

from optimotion.errors import PlaneError
from optimotion.simulation import runner

SNAPSHOT_BYTES = 256 * 2**20  # full parameter vectors kept for the principal directions ...
SNAPSHOTS = 1000              # ... at most at this many epochs (of all trajectories together)
GRID_POINTS = 36              # a side of the plane's grid (style.mesh: the 3-D mesh and the map share it)
MARGIN = 0.25                 # the grid reaches this share of the paths' span past them


@dataclass(frozen=True, eq=False)
class Plane:
    """centre (dim,), directions (2, dim) orthonormal, explained: the share of the
    trajectories' variance along each direction."""
    centre: np.ndarray
    directions: np.ndarray
    explained: tuple[float, float]

    def project(self, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Plane coordinates (..., 2) and the relative distance off the plane (...) of
        parameter vectors theta (..., dim): 0 on the plane, 1 at a right angle to it."""
        offset = theta - self.centre
        coords = offset @ self.directions.T
        # The part of the offset off the plane, subtracted as a vector: |offset|² - |coords|²
        # would cancel to rounding (1e-8 after the root) for a point on the plane.
        residual = offset - coords @ self.directions
        length = np.linalg.norm(offset, axis=-1)
        with np.errstate(invalid="ignore", divide="ignore"):
            off = np.where(length > 0, np.linalg.norm(residual, axis=-1) / np.where(length > 0, length, 1), 0.0)
        return coords, off


def plane_of(points: np.ndarray, forward: np.ndarray | None = None) -> Plane:
    """The principal plane of `points` (N, dim): their mean and the top two right singular
    vectors of the centred points (through the N x N Gram matrix: N is small, dim large).
    `forward` (dim,), if given, fixes the signs: it points to positive coordinates on both axes."""
    points = points[np.all(np.isfinite(points), axis=1)]
    centre = points.mean(axis=0)
    offsets = points - centre
    gram = offsets @ offsets.T
    eigenvalues, vectors = np.linalg.eigh(gram)
    order = np.argsort(eigenvalues)[::-1]
    eigenvalues, vectors = np.maximum(eigenvalues[order], 0.0), vectors[:, order]
    total = float(eigenvalues.sum())
    if not len(points) or not np.any(np.ptp(points, axis=0) > 0) or not total > 0 or not np.isfinite(total):
        raise PlaneError("the racers did not move from their start: there is no plane to draw them on")
    directions = []
    for k in range(2):
        if eigenvalues[k] > total * 1e-24:
            direction = offsets.T @ vectors[:, k] / np.sqrt(eigenvalues[k])
        else:  # the paths lie on a line: any direction at a right angle to the first
            direction = np.zeros(points.shape[1])
            direction[np.argmin(np.abs(directions[0]))] = 1.0
        for other in directions:  # (re-orthogonalised: the Gram route loses a little)
            direction = direction - (direction @ other) * other
        direction = direction / np.linalg.norm(direction)
        if forward is not None and direction @ forward < 0:
            direction = -direction
        directions.append(direction)
    explained = (float(eigenvalues[0] / total), float(eigenvalues[1] / total))
    return Plane(centre, np.array(directions), explained)


@dataclass(frozen=True, eq=False)
class PlaneRun:
    """A race over a model, on its plane: `run` is a `runner.Run` whose positions are the
    plane coordinates (epochs + 1, racers, starts, 2), values the true training loss and
    `off_plane` each trajectory's distance off the plane; `accuracy` (racers, starts)
    the test accuracy at the end (NaN where the model has none, or the run diverged)."""
    run: runner.Run
    plane: Plane
    accuracy: np.ndarray


def one_blas_thread():
    """numpy's BLAS on one thread while it runs (as it was afterwards): a step's products
    are small, and a BLAS thread per core only waits on the others, badly so on a busy
    machine (threadpoolctl comes with scikit-learn)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def _kept_epochs(scene) -> np.ndarray:
    """The epochs whose full parameter vectors the first pass keeps (see the module doc)."""
    n_trajectories = len(scene.racers) * len(scene.starts)
    room = max(2, min(SNAPSHOTS // max(1, n_trajectories) + 1,
                      SNAPSHOT_BYTES // (8 * scene.surface.dim * n_trajectories)))
    return np.unique(np.linspace(0, scene.epochs, min(room, scene.epochs + 1)).round().astype(int))


def passes(scene) -> int:
    """How many times a race over a model is simulated: twice where the first pass cannot
    keep every epoch."""
    return 1 if len(_kept_epochs(scene)) == scene.epochs + 1 else 2


def race(scene, progress: Callable = None) -> PlaneRun:
    """Simulate a scene over a model and project it on its plane (see the module doc)."""
    progress = progress or (lambda phase, total: contextlib.nullcontext(None))
    model = scene.surface
    keep = _kept_epochs(scene)
    with progress("simulate", scene.epochs) as advance, one_blas_thread():
        run = runner.simulate(scene, progress=advance, keep=keep, record_state=False)
    if np.all((run.diverged_at != runner.NEVER) & (run.diverged_at <= 1)):
        raise PlaneError("every racer diverged at its first step (the loss overflowed or became NaN), so there is "
                         "no path to draw a plane through: a smaller learning rate keeps the loss finite")
    snapshots = run.positions  # (kept, racers, starts, dim)
    first = snapshots[:, 0, 0]
    ends = first[np.all(np.isfinite(first), axis=1)]
    plane = plane_of(snapshots.reshape(-1, model.dim), forward=ends[-1] - ends[0])
    last = snapshots[-1]  # the last epoch is always kept (NaN for a diverged trajectory)
    if len(keep) == scene.epochs + 1:
        coords, off = plane.project(snapshots)
    else:
        coords = np.full(run.values.shape + (2,), np.nan)
        off = np.full(run.values.shape, np.nan)
        shape = run.values.shape[1:]

        def project(epoch: int, points: np.ndarray, alive: np.ndarray) -> None:
            at, away = plane.project(points)
            coords[epoch] = np.where(alive[:, None], at, np.nan).reshape(shape + (2,))
            off[epoch] = np.where(alive, away, np.nan).reshape(shape)

        with progress("project", scene.epochs) as advance, one_blas_thread():
            runner.simulate(scene, progress=advance, keep=(), observe=project, record_state=False)
    accuracy = np.full(run.diverged_at.shape, np.nan)
    if callable(getattr(model, "test_accuracy", None)):
        finite = np.all(np.isfinite(last), axis=-1)
        accuracy[finite] = model.test_accuracy(last[finite].T)
    plane_loss = np.full(run.values.shape, np.nan)  # where the picture draws each racer: the loss there
    on = np.all(np.isfinite(coords), axis=-1)
    with one_blas_thread():
        plane_loss[on] = model.loss_on_plane(plane.centre, plane.directions, coords[on].T)
    flat = replace(run, positions=coords, off_plane=off, kept=None, plane_loss=plane_loss)
    return PlaneRun(flat, plane, accuracy)


class Landscape(NamedTuple):
    """The loss on a race's plane, sampled on a grid fitted to the projected paths:
    `xs`, `ys`, `zs` (mesh, mesh), and the grid's `domain` ((x0, x1), (y0, y1))."""
    xs: np.ndarray
    ys: np.ndarray
    zs: np.ndarray
    domain: tuple


def landscape(scene, plane_run: PlaneRun, mesh: int = GRID_POINTS, progress: Callable = None) -> Landscape:
    """The model's loss on the plane of its race, on one `mesh`-by-`mesh` grid over the
    projected paths plus MARGIN (one batched evaluation)."""
    progress = progress or (lambda phase, total: contextlib.nullcontext(None))
    model, plane = scene.surface, plane_run.plane
    domain = _domain(plane_run.run.positions)
    (x0, x1), (y0, y1) = domain
    xs, ys = np.meshgrid(np.linspace(x0, x1, mesh), np.linspace(y0, y1, mesh))
    with progress("landscape", xs.size) as advance:
        zs = model.loss_on_plane(plane.centre, plane.directions, np.stack([xs.ravel(), ys.ravel()]),
                                 progress=advance).reshape(xs.shape)
    return Landscape(xs, ys, zs, domain)


def _domain(coords: np.ndarray) -> tuple:
    """The projected paths' box plus MARGIN of its span on every side, its shorter side
    at least half its longer one."""
    points = coords.reshape(-1, 2)
    points = points[np.all(np.isfinite(points), axis=1)]
    lo, hi = points.min(axis=0), points.max(axis=0)
    span = hi - lo
    span = np.where(span > 0, span, max(float(span.max()), 1e-12) * 0.5)
    lo, hi = lo - MARGIN * span, hi + MARGIN * span
    # Both axes are distances in the same space, drawn in equal units: the shorter side
    # gets more of the landscape around the paths, up to half the longer one.
    short = int(np.argmin(hi - lo))
    grow = max(0.0, 0.5 * float(np.max(hi - lo)) - float(hi[short] - lo[short]))
    lo[short], hi[short] = lo[short] - grow / 2, hi[short] + grow / 2
    return tuple((float(a), float(b)) for a, b in zip(lo, hi))

