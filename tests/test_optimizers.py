"""Optimizers: parity with torch.optim (recorded goldens), batches, validation, labels.

The goldens in tests/golden/ come from tests/golden/make_golden.py (torch 2.13, float64,
foreach=False); torch is not needed here.  Gradients come from autograd, on the same
surface formulas as the generator's.
"""
from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import autograd.numpy as anp
import numpy as np
import pytest
from autograd import elementwise_grad

from optimotion import optimizers
from optimotion.optimizers import (
    ALL,
    SGD,
    Adadelta,
    Adagrad,
    Adam,
    Adamax,
    AdamW,
    EMAMomentum,
    Lion,
    Momentum,
    NAdam,
    Nesterov,
    Optimizer,
    RAdam,
    RMSprop,
    by_name,
    schedules,
)

GOLDEN = Path(__file__).parent / "golden"
META = json.loads((GOLDEN / "optimizers.json").read_text())
TRAJECTORIES = np.load(GOLDEN / "optimizers.npz")


def saddle(xy):
    x, y = xy
    return x**2 - y**2


def rosenbrock(xy):
    x, y = xy
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


def bowl(xy):
    x, y = xy
    return x**2 + 10 * y**2


SURFACES = {"saddle": saddle, "rosenbrock": rosenbrock, "bowl": bowl}
GRADS = {name: elementwise_grad(f) for name, f in SURFACES.items()}


def rows(grad):
    """A surface gradient over x, y = xy, applied to points stored as rows (..., 2)."""
    return lambda p: np.moveaxis(grad(np.moveaxis(p, -1, 0)), 0, -1)


def build(case: dict) -> Optimizer:
    kwargs = dict(case["kwargs"])
    if case["schedule"]:
        spec = case["schedule"]
        kwargs["lr"] = getattr(schedules, spec["name"])(**spec["kwargs"])
    return getattr(optimizers, case["optimizer"])(**kwargs)


def run(opt: Optimizer, grad, start, steps: int) -> np.ndarray:
    """Trajectory of ``steps`` updates from ``start``: shape (steps + 1, *start.shape)."""
    x = np.asarray(start, dtype=float)
    state = opt.init(x)
    path = [x]
    for _ in range(steps):
        updates, state = opt.update(grad(x), state, x)
        x = x + updates
        path.append(x)
    return np.array(path)


def max_relative_error(path: np.ndarray, ref: np.ndarray) -> float:
    """max over steps of |path - ref|_inf / |ref|_inf."""
    return float((np.abs(path - ref).max(axis=1) / np.abs(ref).max(axis=1)).max())


def case_id(case: dict) -> str:
    return f"{case['id']}-{build(case).label}-{case['surface']}"


# -- parity with torch ---------------------------------------------------------------

@pytest.fixture(scope="module")
def closed_loop() -> dict[str, np.ndarray]:
    """Each golden case replayed from its start with autograd's gradient.

    The cases on one surface advance in lockstep, so one autograd call per step
    serves all of them (the gradient of each point depends on that point alone).
    """
    paths = {}
    for surface, grad in GRADS.items():
        cases = [c for c in META["cases"] if c["surface"] == surface]
        opts = [build(c) for c in cases]
        x = np.array([c["start"] for c in cases], dtype=float)     # (n, 2)
        states = [opt.init(row) for opt, row in zip(opts, x)]
        path = [x]
        for _ in range(cases[0]["steps"]):
            g = grad(x.T).T
            rows = []
            for i, opt in enumerate(opts):
                updates, states[i] = opt.update(g[i], states[i], x[i])
                rows.append(x[i] + updates)
            x = np.array(rows)
            path.append(x)
        path = np.array(path)
        paths.update({c["id"]: path[:, i] for i, c in enumerate(cases)})
    return paths


@pytest.mark.parametrize("case", META["cases"], ids=case_id)
def test_matches_torch_trajectory(case, closed_loop):
    """Closed loop: our optimizer + autograd's gradient retrace torch's trajectory."""
    ref = TRAJECTORIES[case["id"]]
    assert max_relative_error(closed_loop[case["id"]], ref) <= 1e-9


@pytest.mark.parametrize("case", META["cases"], ids=case_id)
def test_matches_torch_step_by_step(case):
    """Open loop (exact-math check): from each of torch's points, our step lands on
    torch's next point up to rounding; chaos cannot amplify anything here."""
    ref = TRAJECTORIES[case["id"]]
    opt = build(case)
    grads = GRADS[case["surface"]](ref.T).T        # at all of torch's points at once
    state = opt.init(ref[0])
    worst = 0.0
    for k in range(case["steps"]):
        updates, state = opt.update(grads[k], state, ref[k])
        err = np.abs(ref[k] + updates - ref[k + 1]).max() / np.abs(ref[k + 1]).max()
        worst = max(worst, err)
    assert worst <= 1e-12


def test_goldens_cover_every_torch_option():
    """Each torch hyperparameter of each class appears off its default in some case."""
    seen = {(c["optimizer"], key) for c in META["cases"] for key in c["kwargs"]}
    for name in ("SGD", "Adam", "AdamW", "Adagrad", "RMSprop", "Adamax", "NAdam",
                 "RAdam", "Adadelta"):
        for field in dataclasses.fields(ALL[name]):
            assert (name, field.name) in seen, (name, field.name)
    assert {c["schedule"]["name"] for c in META["cases"] if c["schedule"]} == set(
        schedules.__all__)


# -- the seed notebook's table (the Optimizers-for-networks chapter) ------------------------------------------------

def _seed_rosenbrock(p):
    x, y = p
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


def _seed_rosenbrock_grad(p):
    x, y = p
    return np.array([-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)])


@pytest.mark.parametrize("opt, printed", [
    (SGD(lr=0.001), "0.018139"),
    (Momentum(lr=0.001), "0.000000"),         # seed: v = 0.9 v - lr g; x += v
    (RMSprop(lr=0.01, alpha=0.9), "0.022272"),  # seed's RMSProp decays with 0.9
    (Adam(lr=0.01), "1.120996"),
], ids=lambda v: v.label if isinstance(v, Optimizer) else v)
def test_reproduces_seed_001_table(opt, printed):
    """Rosenbrock from (-1.5, 0.5), 3000 steps, the seed's hand-written gradient; the
    seed prints the loss after the last step with 6 decimals."""
    path = run(opt, _seed_rosenbrock_grad, [-1.5, 0.5], 3000)
    assert f"{_seed_rosenbrock(path[-1]):.6f}" == printed


# -- the aliases and the non-torch optimizers ------------------------------------------

@pytest.mark.parametrize("alias, same", [
    (Momentum(lr=0.01), SGD(lr=0.01, momentum=0.9)),
    (Momentum(lr=0.01, momentum=0.5), SGD(lr=0.01, momentum=0.5)),
    (Nesterov(lr=0.01), SGD(lr=0.01, momentum=0.9, nesterov=True)),
], ids=lambda o: o.label)
def test_aliases_are_sgd(alias, same):
    a = run(alias, GRADS["bowl"], [-2.5, 1.5], 50)
    b = run(same, GRADS["bowl"], [-2.5, 1.5], 50)
    np.testing.assert_array_equal(a, b)
    assert isinstance(alias, SGD)


def test_ema_momentum_by_hand():
    opt = EMAMomentum(lr=0.1, beta=0.5)
    x = np.array([1.0, -2.0])
    state = opt.init(x)
    u1, state = opt.update(np.array([2.0, 4.0]), state, x)    # v = 0.5 * g
    np.testing.assert_allclose(u1, [-0.1, -0.2], rtol=1e-15)
    u2, state = opt.update(np.array([2.0, 0.0]), state, x)    # v = 0.5 v + 0.5 g
    np.testing.assert_allclose(u2, [-0.15, -0.1], rtol=1e-15)
    assert state.step == 2


def test_ema_momentum_differs_from_torch_momentum_only_at_the_start():
    """EMA form = torch SGD with dampening = momentum, except torch's b starts at g."""
    grad, start = GRADS["bowl"], [-2.5, 1.5]
    ema = run(EMAMomentum(lr=0.02, beta=0.9), grad, start, 200)
    torch_form = run(SGD(lr=0.02, momentum=0.9, dampening=0.9), grad, start, 200)
    assert not np.allclose(ema[1], torch_form[1])
    np.testing.assert_allclose(ema[1] - start, 0.1 * (torch_form[1] - start), rtol=1e-12)


def _lion_by_hand(lr, beta1, beta2, wd, x, grads):
    """Algorithm 2 of Chen et al. (2023), written out with plain floats."""
    m, out = [0.0] * len(x), []
    for g in grads:
        c = [beta1 * mi + (1 - beta1) * gi for mi, gi in zip(m, g)]
        sign = [(ci > 0) - (ci < 0) for ci in c]
        x = [xi - lr * (si + wd * xi) for xi, si in zip(x, sign)]
        m = [beta2 * mi + (1 - beta2) * gi for mi, gi in zip(m, g)]
        out.append(x)
    return out


@pytest.mark.parametrize("wd", [0.0, 0.1])
def test_lion_matches_algorithm_2(wd):
    grads = [[1.0, -2.0, 0.0], [-3.0, 0.5, 0.0], [-0.05, 1.0, 2.0], [0.0, 0.0, -1.0]]
    x0 = [0.5, -1.0, 2.0]
    expected = _lion_by_hand(0.01, 0.9, 0.99, wd, x0, grads)
    opt = Lion(lr=0.01, weight_decay=wd)
    x = np.array(x0)
    state = opt.init(x)
    for g, want in zip(grads, expected):
        updates, state = opt.update(np.array(g), state, x)
        x = x + updates
        np.testing.assert_allclose(x, want, rtol=1e-15, atol=1e-15)


def test_lion_moves_every_coordinate_by_lr():
    opt = Lion(lr=0.003)
    grads = rows(GRADS["rosenbrock"])
    x = np.array([[-1.5, 0.5], [0.3, 2.0], [1e-3, -4.0]])
    state = opt.init(x)
    for _ in range(20):
        updates, state = opt.update(grads(x), state, x)
        np.testing.assert_allclose(np.abs(updates), 0.003, rtol=1e-15)
        x = x + updates


# -- shapes and batches ----------------------------------------------------------------

# one configured instance of every class, options on, for the shape/purity tests
EVERY = [
    SGD(lr=0.01, momentum=0.9, weight_decay=0.01, nesterov=True),
    SGD(lr=0.01, momentum=0.5, dampening=0.3),
    Momentum(lr=0.01), Nesterov(lr=0.01), EMAMomentum(lr=0.01),
    Adagrad(lr=0.1, lr_decay=0.01, weight_decay=0.01, initial_accumulator_value=0.1),
    RMSprop(lr=0.01, momentum=0.5, centered=True, weight_decay=0.01),
    Adadelta(weight_decay=0.01),
    Adam(lr=0.02, amsgrad=True, weight_decay=0.01),
    Adam(lr=0.02, weight_decay=0.01, decoupled_weight_decay=True),
    AdamW(lr=0.02, amsgrad=True),
    Adamax(lr=0.02, weight_decay=0.01),
    NAdam(lr=0.02, weight_decay=0.01, decoupled_weight_decay=True),
    RAdam(lr=0.02, weight_decay=0.01),
    Lion(lr=0.01, weight_decay=0.1),
    Adam(lr=schedules.one_cycle_lr(0.05, total_steps=40)),
]


def test_every_class_is_exercised():
    assert {type(o) for o in EVERY} == set(ALL.values())


def _tilted_bowl(xy):
    """A calm surface that couples x and y, for the batch tests."""
    x, y = xy
    return x**2 + 2 * y**2 + x * y + anp.sin(3 * x)


@pytest.mark.parametrize("opt", EVERY, ids=lambda o: o.label)
def test_batch_rows_move_as_single_points(opt):
    starts = np.array([[-1.5, 0.5], [0.0, 0.0], [2.0, -1.0], [-0.5, 3.0], [1e-3, 1.0]])
    grad = rows(elementwise_grad(_tilted_bowl))
    batch = run(opt, grad, starts, 40)
    assert batch.shape == (41, 5, 2)
    assert np.all(np.isfinite(batch))
    for i, start in enumerate(starts):
        np.testing.assert_array_equal(batch[:, i], run(opt, grad, start, 40))


@pytest.mark.parametrize("opt", EVERY, ids=lambda o: o.label)
@pytest.mark.parametrize("shape", [(1,), (2,), (4, 1), (3, 2), (2, 3, 2)])
def test_any_shape_elementwise(opt, shape):
    """1-D problems, points, batches, grids: same shapes out, each element on its own."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=shape)
    grad = elementwise_grad(lambda p: anp.sum(p**2 * (1 + p)))
    path = run(opt, grad, x, 15)
    assert path.shape == (16, *shape)
    flat = x.reshape(-1)
    for i in range(flat.size):
        alone = run(opt, grad, flat[i:i + 1], 15)
        np.testing.assert_array_equal(path.reshape(16, -1)[:, i], alone[:, 0])


# -- purity and immutability -------------------------------------------------------------

@pytest.mark.parametrize("opt", EVERY, ids=lambda o: o.label)
def test_update_is_pure(opt):
    x = np.array([[-1.5, 0.5], [1.0, 2.0]])
    g = np.array([[3.0, -1.0], [0.5, 0.25]])
    x_copy, g_copy = x.copy(), g.copy()
    state = opt.init(x)
    state1 = opt.update(g, state, x)[1]
    snapshot = [np.copy(a) if isinstance(a, np.ndarray) else a for a in state1]
    u_a, s_a = opt.update(g, state1, x)
    u_b, s_b = opt.update(g, state1, x)     # same inputs, same outputs
    np.testing.assert_array_equal(x, x_copy)
    np.testing.assert_array_equal(g, g_copy)
    for before, after in zip(snapshot, state1):
        np.testing.assert_array_equal(before, after)
    np.testing.assert_array_equal(u_a, u_b)
    assert s_a.step == s_b.step == 2 and state.step == 0
    assert u_a.dtype == np.float64


@pytest.mark.parametrize("opt", EVERY, ids=lambda o: o.label)
def test_state_is_read_only(opt):
    x = np.zeros((3, 2))
    state = opt.init(x)
    state = opt.update(np.ones((3, 2)), state, x)[1]
    arrays = [a for a in state if isinstance(a, np.ndarray)]
    assert arrays
    for a in arrays:
        with pytest.raises(ValueError):
            a[...] = 1.0
    with pytest.raises(AttributeError):
        state.step = 5


@pytest.mark.parametrize("opt", EVERY, ids=lambda o: o.label)
def test_hyperparameters_are_frozen(opt):
    with pytest.raises(dataclasses.FrozenInstanceError):
        opt.lr = 1.0
    assert opt == dataclasses.replace(opt)
    assert hash(opt) == hash(dataclasses.replace(opt))


@pytest.mark.parametrize("opt", EVERY, ids=lambda o: o.label)
@pytest.mark.parametrize("bad", [np.inf, -np.inf, np.nan])
def test_non_finite_inputs_do_not_raise(opt, bad):
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    g = np.array([[bad, 1.0], [1.0, 1.0]])
    with np.errstate(all="ignore"):
        state = opt.init(x)
        for _ in range(3):
            updates, state = opt.update(g, state, x)
            x = x + updates
        updates, state = opt.update(np.ones((2, 2)), state, x * bad)
    assert updates.shape == (2, 2)
    assert np.all(np.isfinite(x[1]))     # the other point is untouched by the bad one


# -- learning rates and schedules ---------------------------------------------------------

def test_lr_at_uses_schedule_of_previous_index():
    calls = []

    def schedule(k):
        calls.append(k)
        return 0.1 * (k + 1)

    opt = SGD(lr=schedule)
    x = np.array([0.0])
    state = opt.init(x)
    for step in (1, 2, 3):
        updates, state = opt.update(np.array([1.0]), state, x)
        assert updates[0] == pytest.approx(-0.1 * step, rel=1e-15)
    assert calls == [0, 1, 2]
    assert opt.lr_at(1) == 0.1 and Adam(lr=0.3).lr_at(7) == 0.3


# -- validation -------------------------------------------------------------------------

@pytest.mark.parametrize("make, message", [
    (lambda: Adam(lr=-1), "Adam: lr must be a positive number or a schedule, got -1"),
    (lambda: SGD(lr=0), "SGD: lr must be a positive number or a schedule, got 0"),
    (lambda: SGD(lr=float("nan")), "SGD: lr must be a positive number or a schedule, got nan"),
    (lambda: RMSprop(lr=float("inf")), "RMSprop: lr must be a positive number"),
    (lambda: SGD(lr="0.1"), "SGD: lr must be a positive number or a schedule, got '0.1'"),
    (lambda: SGD(lr=True), "SGD: lr must be a positive number or a schedule, got True"),
    (lambda: Momentum(lr=None), "Momentum: lr must be a positive number or a schedule, got None"),
    (lambda: SGD(momentum=-0.1), "SGD: momentum must be a finite number >= 0, got -0.1"),
    (lambda: SGD(momentum="a lot"), "SGD: momentum must be a finite number >= 0"),
    (lambda: SGD(dampening=1.5), "SGD: dampening must be a number in [0, 1], got 1.5"),
    (lambda: SGD(weight_decay=-1e-3), "SGD: weight_decay must be a finite number >= 0"),
    (lambda: SGD(nesterov=True), "SGD: nesterov must be False unless momentum > 0 and dampening == 0"),
    (lambda: SGD(momentum=0.9, dampening=0.1, nesterov=True), "SGD: nesterov must be False unless"),
    (lambda: Nesterov(lr=0.1, momentum=0), "Nesterov: nesterov must be False unless"),
    (lambda: SGD(nesterov="yes"), "SGD: nesterov must be True or False, got 'yes'"),
    (lambda: Adam(betas=(0.9, 1.0)), "Adam: betas must be a pair of numbers in [0, 1), got (0.9, 1.0)"),
    (lambda: Adam(betas=(-0.1, 0.9)), "Adam: betas must be a pair of numbers in [0, 1)"),
    (lambda: Adam(betas=0.9), "Adam: betas must be a pair of numbers in [0, 1), got 0.9"),
    (lambda: Adam(betas=(0.9, 0.99, 0.999)), "Adam: betas must be a pair"),
    (lambda: NAdam(betas=(0.9, float("nan"))), "NAdam: betas must be a pair"),
    (lambda: Adam(eps=-1e-8), "Adam: eps must be a finite number >= 0, got -1e-08"),
    (lambda: Adam(amsgrad=1), "Adam: amsgrad must be True or False, got 1"),
    (lambda: AdamW(weight_decay=-0.01), "AdamW: weight_decay must be a finite number >= 0"),
    (lambda: Adagrad(lr_decay=-1), "Adagrad: lr_decay must be a finite number >= 0, got -1"),
    (lambda: Adagrad(initial_accumulator_value=-1), "Adagrad: initial_accumulator_value must be"),
    (lambda: RMSprop(alpha=1.5), "RMSprop: alpha must be a number in [0, 1], got 1.5"),
    (lambda: RMSprop(momentum=-1), "RMSprop: momentum must be a finite number >= 0"),
    (lambda: RMSprop(centered=None), "RMSprop: centered must be True or False, got None"),
    (lambda: Adadelta(rho=1.1), "Adadelta: rho must be a number in [0, 1], got 1.1"),
    (lambda: Adamax(eps=float("inf")), "Adamax: eps must be a finite number >= 0, got inf"),
    (lambda: NAdam(momentum_decay=-0.004), "NAdam: momentum_decay must be a finite number >= 0"),
    (lambda: RAdam(decoupled_weight_decay="no"), "RAdam: decoupled_weight_decay must be True or False"),
    (lambda: Lion(betas=(0.9, 1.2)), "Lion: betas must be a pair of numbers in [0, 1)"),
    (lambda: EMAMomentum(lr=0.1, beta=1.0), "EMAMomentum: beta must be a number in [0, 1), got 1.0"),
], ids=lambda v: v if isinstance(v, str) else "")
def test_invalid_hyperparameters_raise(make, message):
    with pytest.raises(ValueError) as info:
        make()
    text = str(info.value)
    assert text.startswith(message)
    assert "\n" not in text


@pytest.mark.parametrize("opt", [
    SGD(), SGD(momentum=0.9, nesterov=True), Adam(betas=[0.5, 0.6]), Adagrad(eps=0),
    RMSprop(alpha=0.0), Adadelta(rho=1.0), Lion(betas=(0.0, 0.0)), Adam(lr=np.float32(0.5)),
    SGD(lr=schedules.exponential_lr(0.1, 0.9)), SGD(lr=lambda k: 0.1),
], ids=lambda o: o.label)
def test_valid_edge_hyperparameters_are_accepted_normalised_and_descend(opt):
    if not callable(opt.lr):
        assert type(opt.lr) is float  # np.float32(0.5) became a Python float
    if hasattr(opt, "betas"):
        assert type(opt.betas) is tuple and all(type(b) is float for b in opt.betas)  # [0.5, 0.6] too
    x = np.ones(3)
    updates, _ = opt.update(np.ones(3), opt.init(x), x)
    assert np.all(np.isfinite(updates)) and np.all(updates < 0)  # a positive gradient: every step goes down


# -- labels -------------------------------------------------------------------------------

@pytest.mark.parametrize("opt, label", [
    (Adam(lr=0.02), "Adam(lr=0.02)"),
    (Adam(), "Adam(lr=0.001)"),
    (SGD(lr=0.005), "SGD(lr=0.005)"),
    (Momentum(lr=0.01), "Momentum(lr=0.01)"),
    (Nesterov(lr=0.01), "Nesterov(lr=0.01)"),
    (RMSprop(lr=0.01, alpha=0.9), "RMSprop(lr=0.01, alpha=0.9)"),
    (Adam(lr=1e-5, betas=(0.9, 0.99)), "Adam(lr=1e-05, betas=(0.9, 0.99))"),
    (Adam(lr=0.02, amsgrad=True), "Adam(lr=0.02, amsgrad=True)"),
    (AdamW(lr=0.01), "AdamW(lr=0.01)"),
    (AdamW(lr=0.01, weight_decay=0), "AdamW(lr=0.01, weight_decay=0)"),
    (SGD(lr=1, momentum=0.9), "SGD(lr=1, momentum=0.9)"),
    (SGD(lr=schedules.cosine_annealing_lr(0.1, t_max=100)), "SGD(lr=cosine(0.1, t_max=100))"),
    (Adam(lr=schedules.one_cycle_lr(0.1, 300)), "Adam(lr=one_cycle(0.1, total_steps=300))"),
    (EMAMomentum(lr=0.1), "EMAMomentum(lr=0.1)"),
    (Lion(lr=1e-4, weight_decay=0.1), "Lion(lr=0.0001, weight_decay=0.1)"),
    (NAdam(momentum_decay=0.01), "NAdam(lr=0.002, momentum_decay=0.01)"),
], ids=lambda v: v if isinstance(v, str) else "")
def test_label(opt, label):
    assert opt.label == label


# -- defaults and lookup -------------------------------------------------------------------

@pytest.mark.parametrize("cls, defaults", [
    (SGD, dict(lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False)),
    (Adam, dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False,
                decoupled_weight_decay=False)),
    (AdamW, dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False)),
    (Adagrad, dict(lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0,
                   eps=1e-10)),
    (RMSprop, dict(lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0,
                   centered=False)),
    (Adamax, dict(lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0)),
    (NAdam, dict(lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 momentum_decay=4e-3, decoupled_weight_decay=False)),
    (RAdam, dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 decoupled_weight_decay=False)),
    (Adadelta, dict(lr=1.0, rho=0.9, eps=1e-6, weight_decay=0)),
    (Lion, dict(lr=1e-4, betas=(0.9, 0.99), weight_decay=0)),
], ids=lambda v: v.__name__ if isinstance(v, type) else "")
def test_torch_defaults(cls, defaults):
    """The names, order and defaults of torch 2.13's constructors (minus torch-only flags)."""
    assert {f.name: f.default for f in dataclasses.fields(cls)} == defaults
    assert [f.name for f in dataclasses.fields(cls)] == list(defaults)


def test_lookup_by_name():
    assert by_name("adam") is Adam and by_name("RMSprop") is RMSprop
    assert set(ALL) == {"SGD", "Momentum", "Nesterov", "EMAMomentum", "Adagrad", "RMSprop",
                        "Adadelta", "Adam", "AdamW", "Adamax", "NAdam", "RAdam", "Lion"}
    with pytest.raises(ValueError, match="unknown optimizer 'adamm'"):
        by_name("adamm")


@pytest.mark.parametrize("cls", list(ALL.values()), ids=lambda c: c.__name__)
def test_docstring_states_rule_and_reference(cls):
    """The rule, before `Args:`, names every hyperparameter as the code does (`betas` as
    beta1 and beta2); a class that inherits its rule names the class it inherits it from."""
    doc = cls.__doc__
    assert "torch" in doc
    owner = next(base for base in cls.__mro__ if "update" in base.__dict__)
    if owner is not cls and owner.__name__ in ALL:
        assert f"Same rule as ``{owner.__name__}``" in doc
        return
    rule = doc.split("Args:")[0]
    assert re.search(r"\bx = x [-+] ", rule)
    for field in dataclasses.fields(cls):
        for name in (("beta1", "beta2") if field.name == "betas" else (field.name,)):
            assert re.search(rf"\b{name}\b", rule), name
