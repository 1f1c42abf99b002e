"""Surfaces: published minima, autograd vs finite differences, shapes, registry, validation."""

import dataclasses

import numpy as onp
import pytest
from autograd import elementwise_grad, grad

from optimotion import surfaces
from optimotion.surfaces import Surface, UnknownSurface

NAMES = surfaces.names()
EXPECTED = {
    "saddle", "monkey_saddle", "bowl", "elliptic_bowl", "stretched_bowl", "long_valley", "rosenbrock",
    "beale", "booth", "matyas", "himmelblau", "three_hump_camel", "six_hump_camel",
    "goldstein_price", "styblinski_tang", "levi13", "ackley", "rastrigin", "eggholder",
    "mccormick", "parabola_1d", "quartic_1d", "line_fit", "sparse_line_fit",
}
# Published global minima (value and location, as printed in Wikipedia's "Test functions
# for optimization" / the SFU library), independent of the literals in the package.
PUBLISHED = {
    "bowl": (0.0, [(0, 0)]),
    "elliptic_bowl": (0.0, [(0, 0)]),
    "stretched_bowl": (0.0, [(0, 0)]),
    "long_valley": (0.0, [(0, 0)]),
    "rosenbrock": (0.0, [(1, 1)]),
    "beale": (0.0, [(3, 0.5)]),
    "booth": (0.0, [(1, 3)]),
    "matyas": (0.0, [(0, 0)]),
    "himmelblau": (0.0, [(3, 2), (-2.805118, 3.131312), (-3.779310, -3.283186),
                         (3.584428, -1.848126)]),
    "three_hump_camel": (0.0, [(0, 0)]),
    "six_hump_camel": (-1.0316, [(0.0898, -0.7126), (-0.0898, 0.7126)]),
    "goldstein_price": (3.0, [(0, -1)]),
    "styblinski_tang": (-78.33233, [(-2.903534, -2.903534)]),
    "levi13": (0.0, [(1, 1)]),
    "ackley": (0.0, [(0, 0)]),
    "rastrigin": (0.0, [(0, 0)]),
    "eggholder": (-959.6407, [(512, 404.2319)]),
    "mccormick": (-1.9133, [(-0.54719, -1.54719)]),
    "parabola_1d": (0.0, [(3,)]),
    "quartic_1d": (-9.0, [(3,)]),
    # not published: the least-squares line through the Gradient Descent notebook's data (numpy.polyfit; the
    # data set itself is checked in tests/test_gallery.py)
    "line_fit": (0.220908, [(1.928371, 3.003714)]),
    "sparse_line_fit": (0.196529, [(2.058714, 2.961295)]),
}


def random_points(s, n, seed):
    """(dim, n) points uniform in the surface's domain, seeded per surface."""
    rng = onp.random.default_rng([seed, *s.name.encode()])
    lo, hi = onp.array(s.domain).T
    return lo[:, None] + (hi - lo)[:, None] * rng.random((s.dim, n))


def central_fd(f, xy, widths, rel_h=1e-6):
    """Central finite differences of f at a (dim, K) batch, step rel_h * domain width."""
    out = onp.empty_like(xy)
    for i in range(xy.shape[0]):
        h = rel_h * widths[i]
        e = onp.zeros_like(xy)
        e[i] = h
        out[i] = (f(xy + e) - f(xy - e)) / (2 * h)
    return out


def fd_mismatch(s, g, xy):
    """Worst |autograd - FD| relative to the gradient's scale; < 1e-5 passes."""
    widths = onp.diff(onp.array(s.domain), axis=1)[:, 0]
    fd = central_fd(s.f, xy, widths)
    scale = 1.0 + onp.abs(fd).max(axis=0)  # per point
    return float((onp.abs(g - fd) / scale).max())


# ----- registry -----

def test_names_are_exactly_the_specified_surfaces_in_a_stable_order():
    assert set(NAMES) == EXPECTED and len(NAMES) == len(EXPECTED)
    assert NAMES[:2] == ("parabola_1d", "quartic_1d")  # 1-D first
    assert NAMES == surfaces.names()


@pytest.mark.parametrize("name", NAMES)
def test_get_returns_the_module_constant(name):
    s = surfaces.get(name)
    assert isinstance(s, Surface) and s.name == name
    assert getattr(surfaces, name.upper()) is s
    assert s.description and s.dim == len(s.domain)


def test_unknown_name_suggests_close_matches():
    with pytest.raises(UnknownSurface, match="rosenbrock") as err:
        surfaces.get("rosenbrok")
    assert isinstance(err.value, LookupError)
    with pytest.raises(LookupError, match="six_hump_camel"):
        surfaces.get("six_hump")


def test_saddle_is_seed_004s():
    s = surfaces.SADDLE
    assert s.domain == ((-5, 25), (-5, 25)) and s.zlim == (-650, 550) and s.view == (30, 130)
    assert s.minima == () and s.min_value is None
    assert s((3.0, 2.0)) == 5.0


def test_log_z_marks_the_huge_range_surfaces():
    assert {n for n in NAMES if surfaces.get(n).log_z} == {"rosenbrock", "beale", "goldstein_price"}


# ----- minima -----

@pytest.mark.parametrize("name", NAMES)
def test_declared_minima_match_the_published_ones(name):
    s = surfaces.get(name)
    if name in ("saddle", "monkey_saddle"):
        assert s.minima == () and s.min_value is None
        return
    value, locations = PUBLISHED[name]
    assert s.min_value == pytest.approx(value, abs=1e-4)
    assert len(s.minima) == len(locations)
    for m, published in zip(s.minima, locations):
        assert m == pytest.approx(published, abs=1e-4)
        assert float(s(onp.array(m))) == pytest.approx(value, abs=1e-4)
        assert float(s(onp.array(m))) == pytest.approx(s.min_value, abs=1e-12)


@pytest.mark.parametrize("name", [n for n in NAMES if surfaces.get(n).minima])
def test_gradient_vanishes_at_the_minima(name):
    """Zero gradient inside the domain; on its edge (eggholder) only pointing outward."""
    s = surfaces.get(name)
    for m in s.minima:
        g = grad(s.f)(onp.array(m))
        assert onp.all(onp.isfinite(g)), (m, g)
        for gi, c, (lo, hi) in zip(g, m, s.domain):
            if c == hi:
                assert gi <= 0, f"{name}: f still falls inward of the edge at {m}: {g}"
            elif c == lo:
                assert gi >= 0, f"{name}: f still falls inward of the edge at {m}: {g}"
            else:
                assert abs(gi) < 1e-8, f"{name}: gradient {g} at minimum {m}"


@pytest.mark.parametrize("name", NAMES)
def test_no_point_of_a_grid_beats_the_published_minimum(name):
    s = surfaces.get(name)
    axes = [onp.linspace(lo, hi, 101) for lo, hi in s.domain]
    z = s(onp.stack(onp.meshgrid(*axes)))
    if s.min_value is None:
        assert z.min() < z.max()
    else:
        assert z.min() >= s.min_value - 1e-9


def test_ackley_gradient_is_zero_not_nan_at_the_origin():
    g = elementwise_grad(surfaces.ACKLEY.f)(onp.zeros((2, 3)))
    assert onp.array_equal(g, onp.zeros((2, 3)))
    assert surfaces.ACKLEY((0.0, 0.0)) == 0.0
    # and the cone's true slope right next to it, even where x^2 underflows
    assert grad(surfaces.ACKLEY.f)(onp.array([1e-300, 0.0]))[0] == pytest.approx(4 / onp.sqrt(2))


# ----- gradients -----

@pytest.mark.parametrize("name", NAMES)
def test_autograd_matches_finite_differences(name):
    s = surfaces.get(name)
    xy = random_points(s, 25, seed=0)
    g = elementwise_grad(s.f)(xy)
    assert g.shape == xy.shape and onp.all(onp.isfinite(g))
    assert fd_mismatch(s, g, xy) < 1e-5


def test_finite_difference_check_catches_a_wrong_gradient():
    s = surfaces.ROSENBROCK
    xy = random_points(s, 25, seed=0)
    wrong = elementwise_grad(s.f)(xy) * 1.001
    assert fd_mismatch(s, wrong, xy) > 1e-5


@pytest.mark.parametrize("name", NAMES)
def test_gradient_is_finite_on_a_grid_through_the_centre(name):
    s = surfaces.get(name)
    axes = [onp.linspace(lo, hi, 9) for lo, hi in s.domain]
    g = elementwise_grad(s.f)(onp.stack(onp.meshgrid(*axes)))
    assert onp.all(onp.isfinite(g))


# ----- one function, three shapes -----

@pytest.mark.parametrize("name", NAMES)
def test_one_f_serves_a_point_a_batch_and_a_meshgrid(name):
    s = surfaces.get(name)
    batch = random_points(s, 12, seed=1)
    zb = s(batch)
    assert zb.shape == (12,)
    points = [s(batch[:, k]) for k in range(12)]
    assert all(onp.ndim(z) == 0 for z in points)
    onp.testing.assert_allclose(zb, points, rtol=1e-12, atol=1e-12)

    grid = batch.reshape(s.dim, 3, 4)
    onp.testing.assert_allclose(s(grid), zb.reshape(3, 4), rtol=1e-12, atol=1e-12)
    onp.testing.assert_allclose(s(tuple(batch[:, 0])), zb[0], rtol=1e-12)  # a plain tuple too

    gb = elementwise_grad(s.f)(batch)
    gp = onp.stack([grad(s.f)(batch[:, k]) for k in range(12)], axis=1)
    onp.testing.assert_allclose(gb, gp, rtol=1e-12, atol=1e-12)
    onp.testing.assert_allclose(elementwise_grad(s.f)(grid), gb.reshape(s.dim, 3, 4),
                                rtol=1e-12, atol=1e-12)


# ----- validation -----

GOOD = dict(name="toy", f=lambda xy: xy[0] ** 2, domain=((-1, 1), (-1, 1)), zlim=(0, 1))


@pytest.mark.parametrize("change, message", [
    (dict(domain=((1, -1), (-1, 1))), "ordered"),
    (dict(domain=((-1, 1), (0, 0))), "ordered"),
    (dict(domain=((-1, 1),) * 3), "domain"),
    (dict(domain=((-1, float("inf")), (-1, 1))), "finite"),
    (dict(zlim=(1, 0)), "ordered"),
    (dict(zlim=(0,)), "pair"),
    (dict(minima=((0, 0, 0),), min_value=0), "2 finite numbers"),
    (dict(minima=((5, 0),), min_value=0), "outside domain"),
    (dict(minima=((0, 0),)), "together"),
    (dict(min_value=0.0), "together"),
    (dict(minima=((0, 0),), min_value=-3), "outside zlim"),
    (dict(log_z=True), "log_z"),
    (dict(view=(30,)), "view"),
    (dict(name="two words"), "name"),
    (dict(f=3), "callable"),
    (dict(description="two\nlines"), "one line"),
])
def test_invalid_surfaces_are_rejected(change, message):
    with pytest.raises(ValueError, match=message):
        Surface(**{**GOOD, **change})


def test_valid_surface_is_normalised_and_frozen():
    s = Surface(**{**GOOD, "minima": [[0, 0]], "min_value": 0, "domain": [(-1, 1), [-1, 1]]})
    assert s.minima == ((0.0, 0.0),) and s.domain == ((-1.0, 1.0), (-1.0, 1.0))
    assert s.dim == 2 and s((0.5, 0.0)) == 0.25
    one_d = Surface(name="line", f=lambda xy: xy[0], domain=((0, 1),), zlim=(0, 1))
    assert one_d.dim == 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.zlim = (0, 2)
