"""The simulation: step every trajectory of a scene in lockstep and record everything.

Every optimizer runs from every start point. Each epoch makes one batched autograd call
that gives the value and the gradient at all current positions, then each optimizer
updates its own rows. A mini-batch racer (`Racer(batch_size=k)` on a data surface) takes
one more call for the gradient of its own batch; values are always the full-data loss.
Nothing here draws.
"""
from __future__ import annotations

import contextlib
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

# The undecorated core: autograd's public make_vjp runs `wraps` on every call, which catches
# BaseException and so could swallow a Ctrl-C or SIGTERM arriving there.
from autograd.core import make_vjp

from optimotion.errors import SurfaceError
from optimotion.scenes import Scene

NEVER = -1  # `diverged_at` of a trajectory that stayed finite


class Tracks(NamedTuple):
    """A run's numbers alone, as the frames need them (see `Run`): plain arrays that
    pickle under any start method."""
    positions: np.ndarray
    values: np.ndarray
    diverged_at: np.ndarray
    off_plane: np.ndarray | None = None
    no_gradient: np.ndarray | None = None
    glyphs: object = None  # what the frames draw of each racer's state (draw.glyphs.GlyphTracks), if any
    plane_loss: np.ndarray | None = None  # a race over a model: the loss on its plane under each racer


class StateRecord(NamedTuple):
    """What the optimizers held and did at each epoch, read from their own states (shapes
    as `Run.positions`, NaN where a trajectory has diverged):

    gradients:    the gradient the update from that epoch takes (noise and clipping in it);
    steps:        that update, the next position less this one (NaN at the last epoch);
    effective_lr: that update's step size per coordinate (`Optimizer.effective_lr`);
    lr:           (epochs + 1, n_racers): that update's learning rate;
    tensors:      {torch's key: array}: the state after `epoch` updates, as torch's
                  `state_dict()` holds it after as many `step()`s (NaN for a racer
                  whose optimizer has no such tensor);
    keys:         each racer's keys of `tensors`.
    moment_keys:  each racer's velocity or first moment (a key of `tensors`), or None.
    """
    gradients: np.ndarray
    steps: np.ndarray
    effective_lr: np.ndarray
    lr: np.ndarray
    tensors: dict
    keys: tuple
    moment_keys: tuple


@dataclass(frozen=True)
class Run:
    """What a simulation recorded.

    positions:   (epochs + 1, n_racers, n_starts, dim); row 0 is the start.
    values:      (epochs + 1, n_racers, n_starts); the surface at each position.
    diverged_at: (n_racers, n_starts); the first epoch whose position or value was not
                 finite, or NEVER. From that epoch on, positions and values are NaN.
    kept:        the epochs whose positions were recorded, where not every epoch was
                 (`simulate(keep=...)`): positions is then (len(kept), n_racers, n_starts, dim).
    off_plane:   a race over a model drawn on its plane (`plane.race`): positions are
                 plane coordinates, and this (epochs + 1, n_racers, n_starts) how far
                 off the plane each one is, and plane_loss the loss on the plane at
                 those coordinates (where the picture draws the racer, not its own loss).
    no_gradient: (n_racers, n_starts) bool: the trajectory ended because autograd gave
                 no gradient (NaN) where the surface was finite, at epoch diverged_at - 1
                 (a cone's tip, sqrt(|x|) at 0): it did not blow up.
    state:       what each optimizer held and did at each epoch (`StateRecord`), or None
                 (a race over a model's thousands of parameters keeps none).
    """
    scene: Scene
    labels: tuple[str, ...]
    positions: np.ndarray
    values: np.ndarray
    diverged_at: np.ndarray
    kept: np.ndarray | None = None
    off_plane: np.ndarray | None = None
    no_gradient: np.ndarray | None = None
    state: StateRecord | None = None
    plane_loss: np.ndarray | None = None

    @property
    def epochs(self) -> int:
        return self.values.shape[0] - 1

    @property
    def tracks(self) -> Tracks:
        return Tracks(self.positions, self.values, self.diverged_at, self.off_plane, self.no_gradient,
                      plane_loss=self.plane_loss)


def value_and_gradient(f, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """f and its gradient at each row of `points` (K, dim), in one autograd pass."""
    try:
        vjp, values = make_vjp(f, points.T)
    except (TypeError, ValueError, AttributeError) as error:
        hint = _surface_hint(f, error)
        if hint is None:
            raise
        raise SurfaceError(hint).with_traceback(error.__traceback__) from None
    if np.iscomplexobj(values):
        first = np.ravel(values)[0] if np.size(values) else values
        raise SurfaceError(f"the surface gives complex numbers (such as {first:.3g}): a loss must be real; "
                           "take its abs() or real part in the surface if that is what you mean")
    if values is None:
        raise SurfaceError("the surface gave None: does it end with `return ...`?")
    if isinstance(values, (list, tuple)) or (isinstance(values, np.ndarray) and values.dtype == object):
        boxed = any("ArrayBox" in type(item).__name__ for item in np.ravel(np.array(values, dtype=object)))
        raise SurfaceError("the surface must give one number per point, as an array of autograd.numpy, but it gave "
                           + (f"a {type(values).__name__}" if isinstance(values, (list, tuple))
                              else "a plain numpy array")
                           + (" of autograd's values: build it with autograd.numpy (np.where, np.stack, np.array "
                              "of autograd.numpy), not plain numpy or a list" if boxed else f": {values!r:.60}"))
    try:
        values = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise SurfaceError(f"the surface must give numbers, got {values!r:.60}") from None
    if values.shape != (points.shape[0],):
        hint = " (a constant? write it in terms of xy, e.g. 0 * x + 3)" if values.shape == () else ""
        raise SurfaceError(f"the surface must give one number per point, got shape {values.shape} "
                           f"for {points.shape[0]} points{hint}")
    return values, np.asarray(vjp(np.ones_like(values))).T


def _surface_hint(f, error: Exception) -> str | None:
    """What a surface written the wrong way did, for its two usual mistakes; None if neither."""
    import inspect

    with contextlib.suppress(TypeError, ValueError):
        required = [p for p in inspect.signature(f).parameters.values()
                    if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        if len(required) != 1:
            names = ", ".join(p.name for p in required) or "nothing"
            return (f"the surface must take one argument, the point (write `def f(xy): x, y = xy`), but it takes "
                    f"{names}")
    if "ArrayBox" in str(error):
        return ("the surface calls plain numpy or math on what autograd passes it "
                f"({' '.join(str(error).split())[:80]}): write it with `import autograd.numpy as np`")
    return None


def at_start(scene: Scene, points: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The surface's values and gradients at the start points (`points`: every racer's
    copy of them); SurfaceError if it gives no number, or a non-finite one, at any."""
    points = scene.starts if points is None else points
    with np.errstate(all="ignore"), warnings.catch_warnings():
        # autograd warns of an f that ignores its input; the shape check says it better
        warnings.filterwarnings("ignore", message="Output seems independent of input")
        values, gradients = value_and_gradient(scene.surface.f, points)
    if not np.all(np.isfinite(values)):
        bad = int(np.argmax(~np.isfinite(values)))
        raise SurfaceError(f"surface {scene.surface.name!r} gives {values[bad]} at the start "
                           f"point {tuple(points[bad].tolist())}")
    if np.any(np.isnan(gradients)):  # (an infinite one is an overflow: the run diverges, and says so)
        bad = int(np.argmax(np.any(np.isnan(gradients), axis=1)))
        raise SurfaceError(f"surface {scene.surface.name!r} has no gradient at the start point "
                           f"{tuple(points[bad].tolist())} (autograd gives {gradients[bad].tolist()} where the "
                           f"surface is {values[bad]:.6g}: a tip or a kink, as of sqrt or abs at 0); start elsewhere")
    if not np.any(gradients) and hasattr(scene.surface, "domain"):
        _check_some_gradient(scene.surface)
    return values, gradients


def _check_some_gradient(surface) -> None:
    """Zero gradients at every start: a start at a minimum, or a surface autograd cannot
    differentiate (comparisons, rounding, casts give a gradient of 0 everywhere). The
    surface is looked at on a grid over its domain; if it takes different values there
    but its gradient is 0 at every point, nothing would ever move."""
    axes = [np.linspace(lo, hi, 7)[1:-1] for lo, hi in surface.domain]
    points = np.stack([a.ravel() for a in np.meshgrid(*axes)], axis=1)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Output seems independent of input")
        values, gradients = value_and_gradient(surface.f, points)
    finite = np.isfinite(values)
    if np.any(finite) and not np.any(gradients[finite]) and np.ptp(values[finite]) > 0:
        raise SurfaceError(f"surface {surface.name!r} has a gradient of 0 everywhere autograd looks ({len(points)} "
                           f"points over its domain, where it takes values from {values[finite].min():.3g} to "
                           f"{values[finite].max():.3g}), so nothing would move: comparisons (x > 0), rounding "
                           "(np.round, np.floor) and casts (astype(int)) have no gradient; write it with smooth "
                           "functions (np.where(x > 0, a, b) keeps the gradients of a and b)")


def simulate(scene: Scene, progress: Callable[[int], None] | None = None, keep=None,
             observe: Callable[[int, np.ndarray, np.ndarray], None] | None = None, record_state: bool = True,
             tick: Callable[[], None] | None = None) -> Run:
    """Run every racer from every start for `scene.epochs` epochs.

    `progress(n)` is called now and then with the number of epochs just completed.
    `record_state`: keep what each optimizer held and did at every epoch (`StateRecord`).
    `tick()` is called now and then, as `progress` is (the caller's check on the scene's code).
    `keep` (epochs in order; default all) says at which epochs positions are recorded:
    a model's thousands of parameters need not be kept at every epoch. `observe(epoch,
    points, alive)` sees every epoch's positions (n_racers * n_starts, dim), racer-major,
    and which trajectories are still finite.
    """
    racers, starts = scene.racers, scene.starts
    n_racers, n_starts, dim = len(racers), len(starts), starts.shape[1]
    n = n_racers * n_starts
    rows = [slice(r * n_starts, (r + 1) * n_starts) for r in range(n_racers)]
    f = scene.surface.f

    points = np.tile(starts, (n_racers, 1))  # (n, dim), racer-major
    kept = None if keep is None else np.asarray(keep, dtype=int).reshape(-1)
    slot = np.arange(scene.epochs + 1) if kept is None else np.full(scene.epochs + 1, -1)
    if kept is not None:
        slot[kept] = np.arange(len(kept))
    positions = np.full((scene.epochs + 1 if kept is None else len(kept), n, dim), np.nan)
    values = np.full((scene.epochs + 1, n), np.nan)
    diverged_at = np.full(n, NEVER)
    alive = np.ones(n, dtype=bool)
    no_gradient = np.zeros(n, dtype=bool)

    states = [racer.optimizer.init(points[row]) for racer, row in zip(racers, rows)]
    noise_sd = np.repeat([scene.noise if r.noise is None else r.noise for r in racers], n_starts)
    clip = np.repeat([_or_inf(scene.clip_norm if r.clip_norm is None else r.clip_norm)
                      for r in racers], n_starts)
    rng = np.random.default_rng(scene.seed) if np.any(noise_sd > 0) else None
    # Mini-batch racers: the gradient of their own batch's loss replaces the full one,
    # from a second stream of the scene's seed (the noise stream stays as it was).
    batched = [(rows[r], racer.batch_size) for r, racer in enumerate(racers) if racer.batch_size is not None]
    batch_rng = np.random.default_rng(np.random.SeedSequence(scene.seed).spawn(1)[0]) if batched else None
    lo, hi = (np.array(scene.bounds).T if scene.bounds is not None else (None, None))

    def batch_gradients(at: np.ndarray, gradients: np.ndarray) -> np.ndarray:
        for row, size in batched:
            gradients[row] = _batch_gradient(scene.surface, at[row], size, batch_rng)
        return gradients

    start_values, gradients = at_start(scene, points)
    record = _Recorder(scene, rows, n, dim) if record_state else None
    with np.errstate(all="ignore"):
        gradients = batch_gradients(points, gradients)
        if slot[0] >= 0:
            positions[0] = points
        values[0] = start_values
        if observe is not None:
            observe(0, points, alive)
        report_every = max(1, scene.epochs // 200)
        clipping = bool(np.any(np.isfinite(clip)))
        all_alive = True
        for epoch in range(1, scene.epochs + 1):
            if rng is not None:
                gradients = gradients + noise_sd[:, None] * rng.standard_normal(gradients.shape)
            if clipping:
                norms = np.sqrt(np.sum(gradients * gradients, axis=1))
                gradients = gradients * np.minimum(1.0, clip / norms)[:, None]
            stepped = points.copy()
            if record is not None:
                record.before(epoch - 1, gradients, states)
            for r, racer in enumerate(racers):
                before = states[r]
                answer = racer.optimizer.update(gradients[rows[r]], states[r], points[rows[r]])
                if epoch == 1:
                    _check_update(racer.optimizer, answer, points[rows[r]].shape)
                updates, states[r] = answer
                if record is not None:
                    record.update(epoch - 1, r, before, states[r])
                stepped[rows[r]] = points[rows[r]] + updates
            if lo is not None:
                stepped = np.clip(stepped, lo, hi)
            if record is not None:
                record.steps[epoch - 1] = stepped - points
            current, gradients = value_and_gradient(f, stepped)
            gradients = batch_gradients(stepped, gradients)
            if not np.isfinite(gradients.sum()):  # rare: a tip or a kink, or an overflow
                no_gradient |= alive & np.isfinite(current) & np.all(np.isfinite(stepped), axis=1) \
                    & np.any(np.isnan(gradients), axis=1)
            if all_alive and np.isfinite(current.sum() + stepped.sum()):  # the common case, cheaply
                points = stepped
                if slot[epoch] >= 0:
                    positions[slot[epoch]] = stepped
                values[epoch] = current
            else:
                finite = np.isfinite(current) & np.all(np.isfinite(stepped), axis=1)
                diverged_at[alive & ~finite] = epoch
                alive &= finite
                all_alive = bool(alive.all())
                # A diverged trajectory stops where it was: no NaN reaches the next gradient call.
                points = np.where(alive[:, None], stepped, points)
                if slot[epoch] >= 0:
                    positions[slot[epoch]] = np.where(alive[:, None], stepped, np.nan)
                values[epoch] = np.where(alive, current, np.nan)
            if observe is not None:
                observe(epoch, points, alive)
            if epoch % report_every == 0:
                if progress is not None:
                    progress(report_every)
                if tick is not None:
                    tick()
    if progress is not None and scene.epochs % report_every:
        progress(scene.epochs % report_every)
    state = None
    if record is not None:
        with np.errstate(all="ignore"):
            if rng is not None:  # the last epoch's gradient as the next update would see it
                gradients = gradients + noise_sd[:, None] * rng.standard_normal(gradients.shape)
            if clipping:
                norms = np.sqrt(np.sum(gradients * gradients, axis=1))
                gradients = gradients * np.minimum(1.0, clip / norms)[:, None]
        record.before(scene.epochs, gradients, states)
        state = record.finish(diverged_at, (scene.epochs + 1, n_racers, n_starts, dim))

    shape = (scene.epochs + 1, n_racers, n_starts)
    return Run(scene=scene, labels=tuple(r.name for r in racers),
               positions=positions.reshape((len(positions), n_racers, n_starts, dim)), values=values.reshape(shape),
               diverged_at=diverged_at.reshape(n_racers, n_starts), kept=kept,
               no_gradient=(no_gradient & (diverged_at != NEVER)).reshape(n_racers, n_starts), state=state)


def _check_update(optimizer, answer, shape: tuple) -> None:
    """An optimizer's `update` gives (updates, new state), the updates an array of numbers
    shaped as the points it moves; ValueError saying how it does not."""
    name = f"{type(optimizer).__name__}.update"
    if not isinstance(answer, tuple) or len(answer) != 2:
        raise ValueError(f"{name} must give (updates, new_state), got {answer!r:.60}")
    updates = answer[0]
    if not isinstance(updates, np.ndarray) or not np.issubdtype(updates.dtype, np.number):
        raise ValueError(f"{name} must give its updates as an array of numbers shaped as the points it moves "
                         f"{shape}, got {updates!r:.60}")
    if updates.shape != shape:
        raise ValueError(f"{name} gave updates of shape {updates.shape}, not the shape {shape} of the points it "
                         "moves (one row per start)")


class _Recorder:
    """Fills a `StateRecord` as the simulation goes (rows racer-major, as the points)."""

    def __init__(self, scene: Scene, rows: list[slice], n: int, dim: int):
        epochs = scene.epochs + 1
        self.racers, self.rows = scene.racers, rows
        self.gradients, self.steps, self.effective_lr = (np.full((epochs, n, dim), np.nan) for _ in range(3))
        self.lr = np.full((epochs, len(rows)), np.nan)
        starts = scene.starts
        initial = [racer.optimizer.init(starts) for racer in scene.racers]
        self.keys = [tuple(racer.optimizer.state_arrays(state)) for racer, state in zip(scene.racers, initial)]
        self.tensors = {key: np.full((epochs, n, dim), np.nan) for keys in self.keys for key in keys}
        self.moment_keys = tuple(key if key in keys else None for key, keys in
                                 zip((racer.optimizer.moment_key for racer in scene.racers), self.keys))

    def before(self, epoch: int, gradients: np.ndarray, states: list) -> None:
        """At `epoch`: the gradient its update takes, and each state after `epoch` updates."""
        self.gradients[epoch] = gradients
        for r, state in enumerate(states):
            for key in self.keys[r]:
                self.tensors[key][epoch, self.rows[r]] = getattr(state, key)

    def update(self, epoch: int, r: int, before, after) -> None:
        optimizer, row = self.racers[r].optimizer, self.rows[r]
        self.effective_lr[epoch, row] = optimizer.effective_lr(before, after, self.gradients[epoch, row].shape)
        self.lr[epoch, r] = optimizer.lr_at(after.step) if callable(optimizer.lr) else optimizer.lr

    def finish(self, diverged_at: np.ndarray, shape: tuple) -> StateRecord:
        """The record, NaN from each trajectory's divergence on."""
        epochs = np.arange(shape[0])[:, None]
        gone = (diverged_at != NEVER)[None] & (epochs >= diverged_at[None])  # (epochs, n)
        arrays = [self.gradients, self.steps, self.effective_lr, *self.tensors.values()]
        for array in arrays:
            array[gone] = np.nan
        # the step that left the view or diverged is no step the racer took
        self.steps[np.roll(gone, -1, axis=0) & ~gone] = np.nan
        return StateRecord(*(array.reshape(shape) for array in arrays[:3]), self.lr,
                           {key: array.reshape(shape) for key, array in self.tensors.items()}, tuple(self.keys),
                           self.moment_keys)


def _batch_gradient(surface, at: np.ndarray, size: int, rng: np.random.Generator) -> np.ndarray:
    """The gradient of each row's own batch loss: `size` distinct samples per row."""
    indices = np.argsort(rng.random((len(at), surface.n_samples)), axis=1)[:, :size]
    return value_and_gradient(lambda p: surface.batch_loss(p, indices), at)[1]


def _or_inf(value):
    return np.inf if value is None else float(value)
