"""Each optimizer's state, as the CSV carries it, equals torch.optim's `state_dict()` after
as many steps (tests/golden/state.json, made by tests/golden/make_state_golden.py)."""
import csv
import io
import json
from pathlib import Path

import pytest

import optimotion
from optimotion.output import encoders
from optimotion.simulation import runner

GOLDEN = json.loads((Path(__file__).parent / "golden" / "state.json").read_text())
BOWL = optimotion.Surface(name="golden_bowl", f=lambda xy: xy[0] ** 2 + 10 * xy[1] ** 2,
                          domain=((-3.0, 3.0), (-3.0, 3.0)), zlim=(0.0, 100.0))
TOLERANCE = 1e-9


def case_id(case: dict) -> str:
    return case["optimizer"] + "(" + ", ".join(f"{k}={v}" for k, v in case["kwargs"].items()) + ")"


def ours(name: str, kwargs: dict) -> optimotion.Optimizer:
    return getattr(optimotion, name)(**{k: tuple(v) if isinstance(v, list) else v for k, v in kwargs.items()})


def csv_rows(optimizer: optimotion.Optimizer, steps: int) -> list[dict]:
    """The CSV of a race of `optimizer` alone over the golden bowl, row by row."""
    scene = optimotion.Scene(BOWL, start=tuple(GOLDEN["start"]), optimizers=[optimizer], epochs=steps)
    run = runner.simulate(scene)
    text = encoders.encode_csv(run.labels, run.positions, run.values, state=run.state).decode()
    return list(csv.DictReader(io.StringIO(text)))


def mismatches(case: dict, rows: list[dict]) -> list[tuple]:
    """(epoch, column, ours, torch's) wherever the CSV differs from torch by more than
    TOLERANCE (relative to the value, or absolute below 1)."""
    found = []
    for epoch, (row, golden) in enumerate(zip(rows, case["rows"])):
        expected = {"x": golden["params"][0], "y": golden["params"][1],
                    "grad_x": golden["grad"][0], "grad_y": golden["grad"][1]}
        for key, (x, y) in golden["state"].items():
            expected[f"{key}_x"], expected[f"{key}_y"] = x, y
        for column, theirs in expected.items():
            mine = float(row[column]) if row.get(column) else None
            if mine is None or abs(mine - theirs) > TOLERANCE * max(1.0, abs(theirs)):
                found.append((epoch, column, mine, theirs))
    return found


@pytest.mark.parametrize("case", GOLDEN["cases"], ids=case_id)
def test_the_csv_state_is_torch_s_state_dict_at_every_step(case):
    rows = csv_rows(ours(case["optimizer"], case["kwargs"]), GOLDEN["steps"])
    assert len(rows) == GOLDEN["steps"] + 1
    assert mismatches(case, rows) == []
    keys = {key for golden in case["rows"] for key in golden["state"]}
    others = {column[:-2] for column in rows[0] if column.endswith("_x")} - keys - {"grad"}
    assert all(row[f"{key}_x"] == "" for key in others for row in rows)  # none but its own


def test_a_wrong_moment_is_caught():
    """The check itself can fail: Adam with beta1 off by 1e-6 has a first moment off
    by more than the tolerance within a few steps, and nothing else yet."""
    case = next(c for c in GOLDEN["cases"] if c["optimizer"] == "Adam" and c["kwargs"] == {"lr": 0.05})
    wrong = mismatches(case, csv_rows(optimotion.Adam(lr=0.05, betas=(0.9 + 1e-6, 0.999)), GOLDEN["steps"]))
    assert wrong and wrong[0][1] in ("exp_avg_x", "exp_avg_y") and wrong[0][0] == 1


def test_columns_are_named_as_torch_names_the_state():
    scene = optimotion.Scene("saddle", start=(1.0, 0.5), epochs=2, optimizers=[
        optimotion.Momentum(lr=0.01), optimotion.Adam(lr=0.01), optimotion.RMSprop(lr=0.01, centered=True)])
    header = optimotion.render(scene, size=(64, 36), jobs=1, poster=True).to_bytes("csv").decode().split("\n")[0]
    assert header == ("epoch,racer,start,x,y,z,grad_x,grad_y,momentum_buffer_x,momentum_buffer_y,exp_avg_x,"
                      "exp_avg_y,exp_avg_sq_x,exp_avg_sq_y,square_avg_x,square_avg_y,grad_avg_x,grad_avg_y")
    one_d = optimotion.Scene("parabola_1d", start=(0.0,), epochs=2, optimizers=[optimotion.Adagrad(lr=0.1)])
    header = optimotion.render(one_d, size=(64, 36), jobs=1, poster=True).to_bytes("csv").decode().split("\n")[0]
    assert header == "epoch,racer,start,x,z,grad_x,sum_x"
