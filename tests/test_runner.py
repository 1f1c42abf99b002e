"""The simulation: lockstep batching, autograd gradients, divergence, noise."""
import warnings

import autograd.numpy as anp
import numpy as np
import pytest
from autograd import grad

from optimotion import surfaces
from optimotion.optimizers import SGD, Adam, RMSprop
from optimotion.scenes import Racer, Scene
from optimotion.simulation.runner import NEVER, SurfaceError, simulate, value_and_gradient


def test_lockstep_batch_equals_each_trajectory_stepped_alone():
    starts = [(1.5, -0.5), (-1.0, 2.0), (0.3, 0.3)]
    opts = [SGD(lr=2e-4, momentum=0.9), Adam(lr=0.02), RMSprop(lr=0.01)]
    scene = Scene("rosenbrock", start=starts, optimizers=opts, epochs=150)
    run = simulate(scene)
    f = scene.surface.f
    assert run.positions.shape == (151, 3, 3, 2) and run.values.shape == (151, 3, 3)
    for r, opt in enumerate(opts):
        for s, start in enumerate(starts):
            point = np.array(start, dtype=float)
            state = opt.init(point)
            expected = [point]
            for _ in range(150):
                updates, state = opt.update(grad(f)(point), state, point)
                point = point + updates
                expected.append(point)
            np.testing.assert_allclose(run.positions[:, r, s], expected, rtol=1e-13, atol=1e-13)
            np.testing.assert_allclose(run.values[:, r, s], [f(p) for p in expected], rtol=1e-13)


@pytest.mark.parametrize("name", ["saddle", "rosenbrock", "ackley", "bowl"])
def test_batched_gradients_match_central_finite_differences(name):
    surface = surfaces.get(name)
    rng = np.random.default_rng(1)
    (x0, x1), (y0, y1) = surface.domain
    points = np.column_stack([rng.uniform(x0, x1, 20), rng.uniform(y0, y1, 20)])
    values, gradients = value_and_gradient(surface.f, points)
    h = 1e-6 * np.maximum(1.0, np.abs(points))
    for axis in range(2):
        step = np.zeros_like(points)
        step[:, axis] = h[:, axis]
        fd = (surface.f((points + step).T) - surface.f((points - step).T)) / (2 * h[:, axis])
        np.testing.assert_allclose(gradients[:, axis], fd, rtol=1e-5, atol=1e-6 * np.max(np.abs(fd)))
    np.testing.assert_allclose(values, surface.f(points.T))


def test_divergence_is_marked_at_the_first_non_finite_epoch_without_warnings():
    scene = Scene("bowl", start=(1.0, 1.0), optimizers=[SGD(lr=100.0), Adam(lr=0.1)], epochs=400)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run = simulate(scene)
    first_bad = int(np.argmax(~np.isfinite(run.values[:, 0, 0])))
    assert 0 < first_bad < 400
    assert run.diverged_at[0, 0] == first_bad
    assert np.all(np.isfinite(run.values[:first_bad, 0, 0]))
    assert np.all(np.isnan(run.positions[first_bad:, 0, 0]))
    assert run.diverged_at[1, 0] == NEVER and np.all(np.isfinite(run.values[:, 1, 0]))


def test_noise_is_seeded_and_reproducible():
    base = dict(surface="bowl", start=(1.0, 1.0), optimizers=[SGD(lr=0.05)], epochs=50)
    quiet = simulate(Scene(**base))
    a, b = simulate(Scene(**base, noise=0.5, seed=7)), simulate(Scene(**base, noise=0.5, seed=7))
    c = simulate(Scene(**base, noise=0.5, seed=8))
    assert np.array_equal(a.positions, b.positions)
    assert not np.allclose(a.positions, c.positions)
    assert not np.allclose(a.positions, quiet.positions)


def test_per_racer_noise_overrides_the_scene():
    scene = Scene("bowl", start=(1.0, 1.0), epochs=20, noise=0.5,
                  optimizers=[Racer(SGD(lr=0.05), label="clean", noise=0.0), Racer(SGD(lr=0.05), label="noisy")])
    run = simulate(scene)
    clean = simulate(Scene("bowl", start=(1.0, 1.0), epochs=20, optimizers=[SGD(lr=0.05)]))
    assert np.array_equal(run.positions[:, 0], clean.positions[:, 0])
    assert not np.allclose(run.positions[:, 1], clean.positions[:, 0])


def test_clip_norm_bounds_the_sgd_step():
    scene = Scene("bowl", start=(40.0, -30.0), optimizers=[SGD(lr=0.1)], epochs=5, clip_norm=2.0)
    steps = np.linalg.norm(np.diff(simulate(scene).positions[:, 0, 0], axis=0), axis=1)
    np.testing.assert_allclose(steps, 0.2, rtol=1e-12)


def test_surface_not_finite_at_the_start_is_a_clear_error():
    sqrt_surface = surfaces.Surface(name="sqrt", f=lambda xy: anp.sqrt(xy[0]) + xy[1],
                                    domain=((-1, 1), (-1, 1)), zlim=(-2, 2))
    scene = Scene(sqrt_surface, start=(-1.0, 0.0), optimizers=[SGD(lr=0.1)], epochs=3)
    with pytest.raises(SurfaceError, match="gives nan at the start point"):
        with np.errstate(all="ignore"):
            simulate(scene)


def test_surface_must_be_scalar_per_point():
    vector_surface = surfaces.Surface(name="vector", f=lambda xy: anp.stack([xy[0], xy[1]]),
                                      domain=((-1, 1), (-1, 1)), zlim=(-2, 2))
    scene = Scene(vector_surface, start=(0.5, 0.5), optimizers=[SGD(lr=0.1)], epochs=3)
    with pytest.raises(SurfaceError, match="one number per point"):
        simulate(scene)
