"""Lion, the sign-momentum optimizer found by program search (not in torch.optim)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, NamedTuple

import numpy as np

from .base import Optimizer, Schedule, as_array, frozen, zeros_like


class LionState(NamedTuple):
    step: int
    exp_avg: np.ndarray


@dataclass(frozen=True)
class Lion(Optimizer):
    r"""Lion, EvoLved Sign Momentum (Chen et al. 2023, "Symbolic Discovery of
    Optimization Algorithms", Algorithm 2).

    With ``x`` the parameters, ``g`` the gradient and ``m`` the momentum (0 at the
    start)::

        c = beta1 * m + (1 - beta1) * g
        x = x - lr * (sign(c) + weight_decay * x)
        m = beta2 * m + (1 - beta2) * g

    Every coordinate moves by exactly ``lr`` per step (plus the decoupled decay),
    whatever the gradient's size; ``sign(0) = 0``.  The paper suggests an lr 3-10x
    smaller than AdamW's, with a weight_decay 3-10x larger.  There is no torch
    reference; the rule follows the paper's pseudo-code (the decay uses the same
    scheduled lr).

    Args:
        lr: learning rate, or a schedule (0-based step -> lr); default 1e-4.
        betas: ``(beta1, beta2)``, each in [0, 1): interpolation for the step, and
            decay of the momentum.
        weight_decay: decoupled weight decay (>= 0).
    """

    lr: float | Schedule = 1e-4
    betas: tuple[float, float] = (0.9, 0.99)
    weight_decay: float = 0.0
    decoupled_weight_decay: ClassVar[bool] = True
    moment_key: ClassVar[str] = "exp_avg"
    default_glyphs: ClassVar[tuple[str, ...]] = ("momentum", "step")

    def _validate(self) -> None:
        super()._validate()
        self._check_betas()
        self._check_real("weight_decay")

    def init(self, params) -> LionState:
        return LionState(0, zeros_like(params))

    def update(self, grads, state: LionState, params) -> tuple[np.ndarray, LionState]:
        step = state.step + 1
        beta1, beta2 = self.betas
        x, g, m = as_array(params), as_array(grads), state.exp_avg
        c = beta1 * m + (1 - beta1) * g
        lr = self.lr_at(step)
        _, decay = self._weight_decay(x, g, lr)
        m = frozen(beta2 * m + (1 - beta2) * g)
        return -lr * np.sign(c) + decay, LionState(step, m)
