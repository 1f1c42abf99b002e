"""Regenerate tests/golden/state.json: torch.optim's state after every step (needs torch;
the tests do not).

    python3 -m venv /work/torchenv
    /work/torchenv/bin/pip install torch==2.13.0 numpy
    /work/torchenv/bin/python tests/golden/make_state_golden.py

For each case (a torch optimizer and its kwargs) the parameters start at START on the
bowl f(x, y) = x**2 + 10 * y**2 and take STEPS steps. After t steps (t = 0 ... STEPS) the
file holds the parameters, the gradient at them (what step t + 1 takes) and every tensor
of `optimizer.state_dict()["state"][0]` but `step`, by its torch name: what a CSV row of
epoch t carries (`grad_x`, `exp_avg_x`, ...). float64, foreach=False.
"""

from __future__ import annotations

import json
from pathlib import Path

import torch

HERE = Path(__file__).resolve().parent
STEPS = 25
START = (-2.5, 1.5)

torch.set_default_dtype(torch.float64)

CASES = [
    ("SGD", {"lr": 0.02, "momentum": 0.9}),
    ("SGD", {"lr": 0.02, "momentum": 0.9, "nesterov": True}),
    ("SGD", {"lr": 0.02, "momentum": 0.5, "dampening": 0.1, "weight_decay": 0.05}),
    ("Adam", {"lr": 0.05}),
    ("Adam", {"lr": 0.05, "amsgrad": True, "weight_decay": 0.05}),
    ("AdamW", {"lr": 0.05, "weight_decay": 0.2}),
    ("Adamax", {"lr": 0.05}),
    ("NAdam", {"lr": 0.05}),
    ("RAdam", {"lr": 0.05}),
    ("RMSprop", {"lr": 0.05}),
    ("RMSprop", {"lr": 0.02, "centered": True, "momentum": 0.5, "alpha": 0.95}),
    ("Adagrad", {"lr": 0.5, "lr_decay": 0.01, "initial_accumulator_value": 0.1}),
    ("Adadelta", {"lr": 1.0, "rho": 0.95, "eps": 1e-4}),
]


def bowl(p: torch.Tensor) -> torch.Tensor:
    return p[0] ** 2 + 10 * p[1] ** 2


def run(name: str, kwargs: dict) -> dict:
    p = torch.tensor(START, requires_grad=True)
    optimizer = getattr(torch.optim, name)([p], foreach=False, **kwargs)
    rows = []
    for t in range(STEPS + 1):
        optimizer.zero_grad()
        bowl(p).backward()
        state = optimizer.state_dict()["state"].get(0, {})
        tensors = {key: value.tolist() for key, value in state.items()
                   if key != "step" and isinstance(value, torch.Tensor) and value.shape == p.shape}
        rows.append({"params": p.detach().tolist(), "grad": p.grad.tolist(), "state": tensors})
        if t < STEPS:
            optimizer.step()
    return {"optimizer": name, "kwargs": kwargs, "rows": rows}


def main() -> None:
    golden = {"torch": torch.__version__, "surface": "x**2 + 10 * y**2", "start": START, "steps": STEPS,
              "cases": [run(name, kwargs) for name, kwargs in CASES]}
    (HERE / "state.json").write_text(json.dumps(golden, indent=1) + "\n")
    print(f"state.json: {len(CASES)} cases of {STEPS} steps, torch {torch.__version__}")


if __name__ == "__main__":
    main()
