"""Regenerate the torch reference files in tests/golden/ (needs torch; the tests do not).

    python3 -m venv /work/torchenv
    /work/torchenv/bin/pip install torch==2.13.0 numpy
    /work/torchenv/bin/python tests/golden/make_golden.py

Writes, next to this file:
  optimizers.json  one record per case: torch optimizer name + kwargs, optional lr
                   schedule (a function name in optimizers.schedules + kwargs), surface,
                   start, number of steps, torch version;
  optimizers.npz   the trajectory of each case, key = case id, shape (steps + 1, 2),
                   row 0 the start;
  schedules.json   lr values of torch.optim.lr_scheduler for each schedule spec.

Trajectories run in float64 (torch.set_default_dtype(torch.float64), so NAdam's
mu_product is float64 too) with foreach=False (torch's single-tensor loops).
Schedulers step after each optimizer step, as torch recommends.
"""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path

import numpy as np
import torch

HERE = Path(__file__).resolve().parent
STEPS = 300

torch.set_default_dtype(torch.float64)
warnings.filterwarnings("ignore")  # scheduler-order warnings of the schedule dumps

# -- surfaces: the same formulas as in tests/test_optimizers.py --------------------

SURFACES = {
    # name: (f(x, y), start)
    "saddle": (lambda x, y: x**2 - y**2, (-1.5, 0.25)),
    "rosenbrock": (lambda x, y: (1 - x) ** 2 + 100 * (y - x**2) ** 2, (-1.5, 0.5)),
    "bowl": (lambda x, y: x**2 + 10 * y**2, (-2.5, 1.5)),
}

# learning rates per family of optimizer, per surface (keep every run finite)
LR = {
    "sgd": {"saddle": 0.01, "rosenbrock": 5e-4, "bowl": 0.02},
    "adaptive": {"saddle": 0.05, "rosenbrock": 0.01, "bowl": 0.05},
    "adagrad": {"saddle": 0.5, "rosenbrock": 0.1, "bowl": 0.5},
    "adadelta": {"saddle": 1.0, "rosenbrock": 1.0, "bowl": 1.0},
    # RAdam's first steps (rho_t <= 5) are plain momentum SGD: it needs SGD's lr
    # on the steep Rosenbrock valley or it diverges before rectification starts
    "radam": {"saddle": 0.05, "rosenbrock": 5e-4, "bowl": 0.05},
    # for variants whose closed loop turns chaotic at the "adaptive" lr (last-bit
    # differences of the gradient would then grow past the tolerance)
    "calm": {"saddle": 0.02, "rosenbrock": 2e-3, "bowl": 0.02},
}

# (torch optimizer, kwargs without lr, lr family, schedule or None)
# a schedule is (name in optimizers.schedules, kwargs without the base lr); its base
# lr is the family's lr
CONFIGS = [
    ("SGD", {}, "sgd", None),
    ("SGD", {"momentum": 0.9}, "sgd", None),
    ("SGD", {"momentum": 0.9, "dampening": 0.5}, "sgd", None),
    ("SGD", {"momentum": 0.9, "nesterov": True}, "sgd", None),
    ("SGD", {"weight_decay": 0.1}, "sgd", None),
    ("SGD", {"momentum": 0.5, "dampening": 0.1, "weight_decay": 0.05}, "sgd", None),
    ("Adam", {}, "adaptive", None),
    ("Adam", {"amsgrad": True}, "adaptive", None),
    ("Adam", {"weight_decay": 0.1}, "adaptive", None),
    ("Adam", {"betas": (0.8, 0.99), "eps": 1e-3}, "adaptive", None),
    ("Adam", {"weight_decay": 0.1, "decoupled_weight_decay": True}, "adaptive", None),
    ("Adam", {"weight_decay": 0.05, "amsgrad": True}, "adaptive", None),
    ("AdamW", {}, "adaptive", None),
    ("AdamW", {"amsgrad": True}, "adaptive", None),
    ("AdamW", {"weight_decay": 0.2, "betas": (0.85, 0.99), "eps": 1e-6}, "adaptive",
     None),
    ("Adagrad", {}, "adagrad", None),
    ("Adagrad", {"lr_decay": 0.01}, "adagrad", None),
    ("Adagrad", {"initial_accumulator_value": 0.5}, "adagrad", None),
    ("Adagrad", {"weight_decay": 0.1, "eps": 1e-6}, "adagrad", None),
    ("RMSprop", {}, "adaptive", None),
    ("RMSprop", {"alpha": 0.9}, "adaptive", None),
    ("RMSprop", {"centered": True}, "adaptive", None),
    ("RMSprop", {"momentum": 0.9}, "adaptive", None),
    ("RMSprop", {"weight_decay": 0.1, "eps": 1e-4}, "adaptive", None),
    ("RMSprop", {"centered": True, "momentum": 0.5, "alpha": 0.95}, "calm", None),
    ("Adamax", {}, "adaptive", None),
    ("Adamax", {"weight_decay": 0.1, "eps": 1e-4}, "adaptive", None),
    ("Adamax", {"betas": (0.85, 0.99)}, "adaptive", None),
    ("NAdam", {}, "adaptive", None),
    ("NAdam", {"momentum_decay": 0.01, "betas": (0.8, 0.99), "eps": 1e-4}, "adaptive",
     None),
    ("NAdam", {"weight_decay": 0.1}, "adaptive", None),
    ("NAdam", {"weight_decay": 0.1, "decoupled_weight_decay": True}, "adaptive", None),
    ("RAdam", {}, "radam", None),
    ("RAdam", {"weight_decay": 0.1}, "radam", None),
    ("RAdam", {"weight_decay": 0.1, "decoupled_weight_decay": True}, "radam", None),
    ("RAdam", {"betas": (0.9, 0.9), "eps": 1e-4}, "radam", None),
    ("Adadelta", {}, "adadelta", None),
    ("Adadelta", {"rho": 0.95, "eps": 1e-4}, "adadelta", None),
    ("Adadelta", {"weight_decay": 0.1, "eps": 1e-4}, "adadelta", None),
    # with lr schedules
    ("SGD", {"momentum": 0.9}, "sgd", ("cosine_annealing_lr", {"t_max": STEPS})),
    ("Adam", {}, "adaptive", ("one_cycle_lr", {"total_steps": STEPS})),
    ("AdamW", {}, "adaptive", ("cosine_annealing_lr", {"t_max": 100, "eta_min": 1e-3})),
    ("Adagrad", {"lr_decay": 0.01}, "adagrad", ("exponential_lr", {"gamma": 0.99})),
    ("RMSprop", {"momentum": 0.5}, "adaptive", ("linear_lr", {"start_factor": 0.25,
                                                               "total_iters": 50})),
    ("NAdam", {}, "adaptive", ("warmup_cosine", {"warmup": 20, "t_max": 280})),
    ("RAdam", {}, "radam", ("step_lr", {"step_size": 50, "gamma": 0.5})),
    ("Adamax", {}, "adaptive", ("step_lr", {"step_size": 30})),
    ("Adadelta", {}, "adadelta", ("exponential_lr", {"gamma": 0.995})),
]

# schedule specs for schedules.json: (name, kwargs, number of values)
SCHEDULES = [
    ("step_lr", {"lr": 0.1, "step_size": 30}, 500),
    ("step_lr", {"lr": 0.5, "step_size": 7, "gamma": 0.9}, 500),
    ("exponential_lr", {"lr": 0.1, "gamma": 0.99}, 500),
    ("exponential_lr", {"lr": 2.0, "gamma": 0.95}, 500),
    ("cosine_annealing_lr", {"lr": 0.1, "t_max": 100}, 500),
    ("cosine_annealing_lr", {"lr": 0.05, "t_max": 300, "eta_min": 1e-3}, 500),
    ("cosine_annealing_lr", {"lr": 1.0, "t_max": 7, "eta_min": 0.1}, 500),
    ("linear_lr", {"lr": 0.1}, 500),
    ("linear_lr", {"lr": 0.3, "start_factor": 0.01, "end_factor": 0.5,
                   "total_iters": 200}, 500),
    ("linear_lr", {"lr": 0.3, "start_factor": 1.0, "end_factor": 0.0,
                   "total_iters": 100}, 500),
    ("warmup_cosine", {"lr": 0.1, "warmup": 10, "t_max": 100}, 500),
    ("warmup_cosine", {"lr": 0.02, "warmup": 50, "t_max": 300, "start_factor": 0.1,
                       "eta_min": 1e-4}, 500),
    ("one_cycle_lr", {"max_lr": 0.1, "total_steps": 300}, 301),
    ("one_cycle_lr", {"max_lr": 1.0, "total_steps": 1000, "pct_start": 0.25,
                      "div_factor": 10.0, "final_div_factor": 100.0}, 1001),
    ("one_cycle_lr", {"max_lr": 0.5, "total_steps": 37, "pct_start": 0.5}, 38),
]


def torch_scheduler(opt: torch.optim.Optimizer, name: str, kw: dict):
    """The torch scheduler for a schedule spec (the optimizer's lr is the base lr)."""
    sched = torch.optim.lr_scheduler
    kw = {k: v for k, v in kw.items() if k not in ("lr", "max_lr")}
    if name == "step_lr":
        return sched.StepLR(opt, **kw)
    if name == "exponential_lr":
        return sched.ExponentialLR(opt, **kw)
    if name == "cosine_annealing_lr":
        return sched.CosineAnnealingLR(opt, T_max=kw["t_max"],
                                       eta_min=kw.get("eta_min", 0.0))
    if name == "linear_lr":
        return sched.LinearLR(opt, **kw)
    if name == "warmup_cosine":
        warm = sched.LinearLR(opt, start_factor=kw.get("start_factor", 1.0 / 3),
                              total_iters=kw["warmup"])
        cos = sched.CosineAnnealingLR(opt, T_max=kw["t_max"],
                                      eta_min=kw.get("eta_min", 0.0))
        return sched.SequentialLR(opt, [warm, cos], milestones=[kw["warmup"]])
    if name == "one_cycle_lr":
        max_lr = opt.param_groups[0]["lr"]
        kw = {"pct_start": 0.3, **kw}
        kw["pct_start"] = float(kw["pct_start"])
        return sched.OneCycleLR(opt, max_lr, cycle_momentum=False, **kw)
    raise ValueError(name)


def run_case(name: str, kwargs: dict, lr: float, schedule, surface: str):
    f, start = SURFACES[surface]
    p = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    opt = getattr(torch.optim, name)([p], lr=lr, foreach=False, **kwargs)
    sched = torch_scheduler(opt, schedule[0], schedule[1]) if schedule else None
    traj = [p.detach().clone()]
    for _ in range(STEPS):
        opt.zero_grad()
        f(p[0], p[1]).backward()
        opt.step()
        if sched is not None:
            sched.step()
        traj.append(p.detach().clone())
    return torch.stack(traj).numpy()


def schedule_values(name: str, kw: dict, n: int) -> list[float]:
    base = kw.get("lr", kw.get("max_lr"))
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=base)
    sched = torch_scheduler(opt, name, kw)
    values = []
    for k in range(n):
        values.append(float(opt.param_groups[0]["lr"]))
        if k < n - 1:
            opt.step()
            sched.step()
    return values


def main() -> None:
    cases, arrays = [], {}
    for name, kwargs, family, schedule in CONFIGS:
        for surface in SURFACES:
            lr = LR[family][surface]
            traj = run_case(name, kwargs, lr, schedule, surface)
            if not np.all(np.isfinite(traj)):
                raise RuntimeError(f"{name} {kwargs} on {surface} is not finite")
            case_id = f"{len(cases):03d}"
            spec = None
            if schedule:
                key = "max_lr" if schedule[0] == "one_cycle_lr" else "lr"
                spec = {"name": schedule[0], "kwargs": {key: lr, **schedule[1]}}
            cases.append({
                "id": case_id, "optimizer": name,
                "kwargs": {"lr": lr, **kwargs}, "schedule": spec,
                "surface": surface, "start": list(SURFACES[surface][1]),
                "steps": STEPS,
            })
            arrays[case_id] = traj
    meta = {"torch": torch.__version__, "cases": cases}
    (HERE / "optimizers.json").write_text(json.dumps(meta, indent=1) + "\n")
    np.savez_compressed(HERE / "optimizers.npz", **arrays)

    scheds = [{"name": n, "kwargs": kw, "values": schedule_values(n, kw, count)}
              for n, kw, count in SCHEDULES]
    text = json.dumps({"torch": torch.__version__, "schedules": scheds})
    (HERE / "schedules.json").write_text(text + "\n")
    assert all(math.isfinite(v) for s in scheds for v in s["values"])
    print(f"{len(cases)} optimizer cases, {len(scheds)} schedules")


if __name__ == "__main__":
    main()
