"""Properties over random scenes (hypothesis, derandomized so every run sees the same cases).

- The runner, with random optimizers and hyperparameters in their valid ranges, random
  starts inside and far outside the plotting domain and random epoch counts, never raises
  (except the documented SurfaceError for a start where the surface is not finite) and
  emits no warning; every recorded value is finite, or the trajectory is marked diverged
  at its first non-finite value and is NaN from there on; and every step of it matches a
  fresh one-step computation from the recorded position.
- Tiny random scenes render to a file that opens with the expected number of frames.
"""
import dataclasses
import math
import tempfile
import warnings
from pathlib import Path

import numpy as np
from autograd import grad
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

import optimotion
from optimotion import optimizers, surfaces
from optimotion.optimizers import schedules
from optimotion.scenes import Racer, Scene, every
from optimotion.simulation.runner import NEVER, SurfaceError, simulate

DETERMINISTIC = dict(derandomize=True, database=None, deadline=None,
                     suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# ----- strategies ------------------------------------------------------------------------

unit = st.floats(0.0, 1.0)
below_one = st.floats(0.0, 0.999)
log_lr = st.floats(-4.0, 2.0).map(lambda e: 10.0 ** e)  # 1e-4 .. 100: tame to wild
schedule = st.one_of(
    st.builds(schedules.step_lr, log_lr, st.integers(1, 20), st.floats(0.01, 1.0)),
    st.builds(schedules.exponential_lr, log_lr, st.floats(0.5, 1.0)),
    st.builds(schedules.cosine_annealing_lr, log_lr, st.integers(1, 80), st.floats(0.0, 1e-3)),
)

#: Each hyperparameter's valid range (as the optimizers validate it), sampled to its edges.
HYPERPARAMETERS = {
    "lr": st.one_of(log_lr, log_lr, schedule),
    "momentum": st.one_of(st.just(0.0), st.floats(0.0, 1.5)),
    "dampening": unit,
    "weight_decay": st.one_of(st.just(0.0), st.floats(0.0, 1.0)),
    "nesterov": st.booleans(),
    "betas": st.tuples(below_one, below_one),
    "beta": below_one,
    "eps": st.one_of(st.just(0.0), st.floats(0.0, 1e-2), st.just(1e-8)),
    "amsgrad": st.booleans(),
    "decoupled_weight_decay": st.booleans(),
    "lr_decay": unit,
    "initial_accumulator_value": unit,
    "alpha": unit,
    "centered": st.booleans(),
    "rho": unit,
    "momentum_decay": st.floats(0.0, 0.1),
}


@st.composite
def an_optimizer(draw):
    cls = draw(st.sampled_from(sorted(optimizers.ALL.values(), key=lambda c: c.__name__)))
    kwargs = {f.name: draw(HYPERPARAMETERS[f.name]) for f in dataclasses.fields(cls)
              if f.init and f.name in HYPERPARAMETERS}
    if kwargs.get("nesterov"):  # torch's rule: Nesterov needs momentum and no dampening
        kwargs.update(momentum=draw(st.floats(0.01, 1.5)), dampening=0.0)
    return cls(**kwargs)


def coordinate(lo, hi):
    width = hi - lo
    return st.one_of(st.floats(lo, hi), st.floats(lo, hi),  # inside the plotting domain
                     st.floats(lo - 100 * width, hi + 100 * width),  # outside it
                     st.sampled_from([1e6, -1e8, 1e30, -1e160, 1e300]))  # far outside


@st.composite
def a_scene(draw, max_epochs=60, noise=False):
    surface = surfaces.get(draw(st.sampled_from(surfaces.names())))
    n_starts = draw(st.integers(1, 3))
    starts = [tuple(draw(coordinate(lo, hi)) for lo, hi in surface.domain) for _ in range(n_starts)]
    racers = [Racer(draw(an_optimizer()), label=f"racer {i}") for i in range(draw(st.integers(1, 3)))]
    extra = dict(clip_norm=draw(st.one_of(st.none(), st.floats(0.01, 10.0))))
    if noise:
        extra.update(noise=draw(st.floats(0.0, 5.0)), seed=draw(st.integers(0, 2**32)))
    return Scene(surface, start=starts, optimizers=racers, epochs=draw(st.integers(1, max_epochs)), **extra)


# ----- the runner ------------------------------------------------------------------------

def _finite_at_every_start(scene) -> bool:
    with np.errstate(all="ignore"):
        return all(np.isfinite(float(scene.surface.f(start))) for start in scene.starts)


def _simulate_quietly(scene):
    """simulate(), with any warning an error; None where the start itself is not finite."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            return simulate(scene)
        except SurfaceError as error:
            assert not _finite_at_every_start(scene), error  # the only documented refusal
            assert "at the start point" in str(error)
            return None


def _check_divergence_marks(run):
    """Finite up to `diverged_at`, NaN from it on; never diverged means finite throughout."""
    for r in range(run.values.shape[1]):
        for s in range(run.values.shape[2]):
            d = run.diverged_at[r, s]
            values, positions = run.values[:, r, s], run.positions[:, r, s]
            end = run.epochs + 1 if d == NEVER else d
            assert d == NEVER or 1 <= d <= run.epochs
            assert np.all(np.isfinite(values[:end])) and np.all(np.isfinite(positions[:end]))
            assert np.all(np.isnan(values[end:])) and np.all(np.isnan(positions[end:]))


def _clipped(g, clip_norm):
    if clip_norm is None:
        return g
    norm = math.sqrt(float(np.sum(g * g)))
    return g * min(1.0, clip_norm / norm) if norm > 0 else g


def _check_steps_against_one_step_replay(run):
    """Step k of every trajectory is one update from the *recorded* position k - 1 (with the
    optimizer state built from the recorded positions' gradients), not a replay that drifts."""
    scene, f = run.scene, run.scene.surface.f
    df = grad(f)
    for r, racer in enumerate(scene.racers):
        clip = scene.clip_norm if racer.clip_norm is None else racer.clip_norm
        for s in range(len(scene.starts)):
            d = run.diverged_at[r, s]
            x = run.positions[0, r, s]
            state = racer.optimizer.init(x)
            for k in range(1, run.epochs + 1 if d == NEVER else d + 1):
                with np.errstate(all="ignore"):
                    update, state = racer.optimizer.update(_clipped(df(x), clip), state, x)
                    stepped = x + update
                    value = float(f(stepped))
                if k == d:  # the marked epoch is the first whose step is not finite
                    assert not (np.all(np.isfinite(stepped)) and np.isfinite(value)), (k, stepped, value)
                    break
                recorded = run.positions[k, r, s]
                scale = np.abs(x) + np.abs(update) + 1e-300
                assert np.all(np.abs(recorded - stepped) <= 1e-9 * scale), (racer.name, k, recorded, stepped)
                assert math.isclose(run.values[k, r, s], float(f(recorded)), rel_tol=1e-9, abs_tol=1e-300)
                x = recorded


@settings(max_examples=40, **DETERMINISTIC)
@given(a_scene())
def test_runs_are_finite_or_marked_diverged_and_every_step_is_one_update(scene):
    run = _simulate_quietly(scene)
    if run is None:
        return
    assert run.positions.shape == (scene.epochs + 1, len(scene.racers), len(scene.starts), scene.surface.dim)
    assert np.array_equal(run.positions[0], np.broadcast_to(scene.starts, run.positions[0].shape))
    _check_divergence_marks(run)
    _check_steps_against_one_step_replay(run)


@settings(max_examples=30, **DETERMINISTIC)
@given(a_scene(max_epochs=200, noise=True))
def test_noisy_runs_are_finite_or_marked_diverged(scene):
    run = _simulate_quietly(scene)
    if run is not None:
        _check_divergence_marks(run)


@settings(max_examples=40, **DETERMINISTIC)
@given(an_optimizer(), st.integers(1, 3), st.data())
def test_an_optimizer_alone_never_raises_on_any_gradient(optimizer, dim, data):
    """update() takes any gradient, inf and NaN included, and gives an array of its shape."""
    g = st.one_of(st.floats(-1e6, 1e6), st.sampled_from([0.0, 1e300, -1e300, np.inf, -np.inf, np.nan]))
    x = np.array(data.draw(st.lists(st.floats(-1e3, 1e3), min_size=dim, max_size=dim)))
    state = optimizer.init(x)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("error")
        for _ in range(data.draw(st.integers(1, 5))):
            gradient = np.array(data.draw(st.lists(g, min_size=dim, max_size=dim)))
            update, state = optimizer.update(gradient, state, x)
            assert np.shape(update) == x.shape
            x = x + update


def test_a_growing_exponential_schedule_overflows_to_inf_not_an_error():
    assert schedules.exponential_lr(0.1, 2.0)(2000) == math.inf


# ----- rendering ------------------------------------------------------------------------

@st.composite
def a_tiny_scene(draw):
    surface = surfaces.get(draw(st.sampled_from(surfaces.names())))
    starts = [tuple(draw(st.floats(lo, hi)) for lo, hi in surface.domain) for _ in range(draw(st.integers(1, 2)))]
    racers = [Racer(draw(an_optimizer()), label=f"racer {i}") for i in range(draw(st.integers(1, 3)))]
    epochs = draw(st.integers(1, 30))
    return Scene(surface, start=starts, optimizers=racers, epochs=epochs, show_epoch=every(draw(st.integers(1, 12))))


@settings(max_examples=4, **DETERMINISTIC)
@given(a_tiny_scene(), st.sampled_from(["gif", "webp"]), st.integers(64, 200), st.integers(40, 120))
def test_tiny_random_scenes_render_to_a_file_with_the_expected_frames(scene, fmt, width, height):
    if not _finite_at_every_start(scene):
        return
    with tempfile.TemporaryDirectory() as folder, warnings.catch_warnings():
        warnings.simplefilter("error")
        out = Path(folder) / f"scene.{fmt}"
        result = optimotion.render(scene, size=(width, height), jobs=1).save(out)
        with Image.open(out) as image:
            assert image.format == fmt.upper()
            assert image.size == (width, height)
            assert getattr(image, "n_frames", 1) == len(scene.frame_epochs) == result.frames
            image.seek(image.n_frames - 1)  # the last frame decodes too
            image.load()
        assert [p.name for p in Path(folder).iterdir()] == [out.name]
