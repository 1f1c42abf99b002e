"""Learning-rate schedules: torch.optim.lr_scheduler's values (recorded), reprs, checks."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest

from optimotion.optimizers import schedules
from optimotion.optimizers.schedules import (
    cosine_annealing_lr,
    exponential_lr,
    linear_lr,
    one_cycle_lr,
    step_lr,
    warmup_cosine,
)

GOLDEN = json.loads((Path(__file__).parent / "golden" / "schedules.json").read_text())


def spec_id(spec: dict) -> str:
    return repr(getattr(schedules, spec["name"])(**spec["kwargs"]))


@pytest.mark.parametrize("spec", GOLDEN["schedules"], ids=spec_id)
def test_matches_torch(spec):
    """Every value within 1e-12 relative of torch's (exact zeros stay zeros)."""
    schedule = getattr(schedules, spec["name"])(**spec["kwargs"])
    ref = np.array(spec["values"])
    ours = np.array([schedule(k) for k in range(len(ref))])
    np.testing.assert_allclose(ours, ref, rtol=1e-12, atol=0)


def test_goldens_cover_every_schedule():
    assert {s["name"] for s in GOLDEN["schedules"]} == set(schedules.__all__)


@pytest.mark.parametrize("schedule, text", [
    (cosine_annealing_lr(0.1, t_max=100), "cosine(0.1, t_max=100)"),
    (cosine_annealing_lr(0.1, 100, eta_min=1e-5), "cosine(0.1, t_max=100, eta_min=1e-05)"),
    (step_lr(0.5, 30), "step(0.5, step_size=30)"),
    (step_lr(0.5, 30, gamma=0.5), "step(0.5, step_size=30, gamma=0.5)"),
    (exponential_lr(1, 0.99), "exponential(1, gamma=0.99)"),
    (linear_lr(0.01), "linear(0.01)"),
    (linear_lr(0.01, start_factor=0.1, total_iters=20),
     "linear(0.01, start_factor=0.1, total_iters=20)"),
    (warmup_cosine(0.02, warmup=10, t_max=200), "warmup_cosine(0.02, warmup=10, t_max=200)"),
    (one_cycle_lr(0.1, 300), "one_cycle(0.1, total_steps=300)"),
    (one_cycle_lr(0.1, 300, pct_start=0.25), "one_cycle(0.1, total_steps=300, pct_start=0.25)"),
], ids=lambda v: v if isinstance(v, str) else "")
def test_repr_is_short(schedule, text):
    assert repr(schedule) == text


@pytest.mark.parametrize("make, message", [
    (lambda: step_lr(0, 10), "step: lr must be a finite number > 0, got 0"),
    (lambda: step_lr(0.1, 0), "step: step_size must be an integer >= 1, got 0"),
    (lambda: step_lr(0.1, 2.5), "step: step_size must be an integer >= 1, got 2.5"),
    (lambda: step_lr(0.1, 10, gamma=-0.5), "step: gamma must be a finite number > 0"),
    (lambda: exponential_lr(0.1, 0), "exponential: gamma must be a finite number > 0, got 0"),
    (lambda: exponential_lr("0.1", 0.9), "exponential: lr must be a finite number > 0, got '0.1'"),
    (lambda: exponential_lr(float("nan"), 0.9), "exponential: lr must be a finite number > 0"),
    (lambda: cosine_annealing_lr(0.1, 0), "cosine: t_max must be an integer >= 1, got 0"),
    (lambda: cosine_annealing_lr(0.1, True), "cosine: t_max must be an integer >= 1, got True"),
    (lambda: cosine_annealing_lr(0.1, 10, eta_min=-1), "cosine: eta_min must be a finite number >= 0"),
    (lambda: linear_lr(0.1, start_factor=0), "linear: start_factor must be a number in (0, 1], got 0"),
    (lambda: linear_lr(0.1, end_factor=1.5), "linear: end_factor must be a number in [0, 1], got 1.5"),
    (lambda: linear_lr(0.1, total_iters=0), "linear: total_iters must be an integer >= 1"),
    (lambda: warmup_cosine(0.1, 0, 100), "warmup_cosine: warmup must be an integer >= 1, got 0"),
    (lambda: warmup_cosine(0.1, 10, -5), "warmup_cosine: t_max must be an integer >= 1"),
    (lambda: warmup_cosine(0.1, 10, 100, start_factor=2), "warmup_cosine: start_factor must be"),
    (lambda: one_cycle_lr(0.1, 1), "one_cycle: total_steps must be an integer >= 2, got 1"),
    (lambda: one_cycle_lr(0.1, 100, pct_start=1.5), "one_cycle: pct_start must be a number in [0, 1]"),
    (lambda: one_cycle_lr(0.1, 100, pct_start=0.01), "one_cycle: pct_start must be such that 1 <"),
    (lambda: one_cycle_lr(0.1, 100, div_factor=0), "one_cycle: div_factor must be a finite number > 0"),
], ids=lambda v: v if isinstance(v, str) else "")
def test_invalid_arguments_raise(make, message):
    with pytest.raises(ValueError) as info:
        make()
    assert str(info.value).startswith(message)


@pytest.mark.parametrize("bad", [-1, 1.5, "3", None])
def test_step_index_must_be_a_natural_number(bad):
    with pytest.raises(ValueError, match="cosine: step must be an integer >= 0"):
        cosine_annealing_lr(0.1, 10)(bad)


def test_numpy_integer_steps_return_floats():
    value = exponential_lr(0.1, 0.5)(np.int64(3))
    assert type(value) is float and value == 0.1 * 0.5**3


def test_schedules_are_immutable_values():
    s = cosine_annealing_lr(0.1, 100)
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.lr = 1.0
    assert s == cosine_annealing_lr(0.1, 100) and hash(s) == hash(cosine_annealing_lr(0.1, 100))
    assert s != cosine_annealing_lr(0.1, 101)


def test_shapes_of_the_curves():
    cos = cosine_annealing_lr(0.1, 50, eta_min=0.01)
    assert cos(0) == 0.1 and cos(50) == pytest.approx(0.01) and cos(100) == pytest.approx(0.1)
    warm = warmup_cosine(0.1, warmup=10, t_max=90, start_factor=0.1)
    assert warm(0) == pytest.approx(0.01) and warm(10) == 0.1 and warm(100) == 0.0
    cycle = one_cycle_lr(1.0, 100)
    values = [cycle(k) for k in range(100)]
    assert values[0] == pytest.approx(0.04) and max(values) == pytest.approx(1.0)
    assert values[-1] == pytest.approx(0.04 / 1e4)
    assert cycle(101) == cycle(10_000) == pytest.approx(0.04 / 1e4)  # torch raises here
    steps = step_lr(1.0, 3, gamma=0.5)
    assert [steps(k) for k in range(7)] == [1, 1, 1, 0.5, 0.5, 0.5, 0.25]
    assert [linear_lr(0.3, total_iters=3)(k) for k in (0, 3, 9)] == pytest.approx(
        [0.1, 0.3, 0.3])
