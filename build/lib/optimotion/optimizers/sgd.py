"""Gradient descent with (optional) momentum: SGD, Momentum, Nesterov, EMAMomentum."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, NamedTuple

import numpy as np

from .base import Optimizer, Schedule, as_array, frozen, zeros_like


class SGDState(NamedTuple):
    step: int
    momentum_buffer: np.ndarray | None  # None when momentum == 0


@dataclass(frozen=True)
class SGD(Optimizer):
    r"""Stochastic gradient descent with torch's momentum (``torch.optim.SGD``).

    With ``x`` the parameters, ``g`` the gradient and ``b`` the momentum buffer::

        g = g + weight_decay * x                   # if weight_decay != 0
        b = g                                      # first step      } if momentum != 0
        b = momentum * b + (1 - dampening) * g     # later steps     }
        g = g + momentum * b  if nesterov  else b  #                 }
        x = x - lr * g

    Unlike the textbook (Sutskever et al. 2013: ``v = mu*v - lr*g; x = x + v``), lr
    multiplies the buffer rather than each gradient; the two agree for a constant lr
    but differ under a schedule.  The buffer is the gradient itself on the first step
    (no ``1 - dampening`` factor, no warm-up from zero).  Nesterov is torch's
    reformulation ``x -= lr * (g + momentum * b)``, not a look-ahead gradient.

    Args:
        lr: learning rate, or a schedule (0-based step -> lr).  torch default 1e-3.
        momentum: momentum factor ``mu`` (>= 0).
        dampening: dampening for momentum, in [0, 1] (torch does not check it).
        weight_decay: L2 penalty added to the gradient (>= 0).
        nesterov: use Nesterov momentum (needs momentum > 0 and dampening == 0).
    """

    lr: float | Schedule = 1e-3
    momentum: float = 0.0
    dampening: float = 0.0
    weight_decay: float = 0.0
    nesterov: bool = False
    moment_key: ClassVar[str] = "momentum_buffer"

    @property
    def default_glyphs(self) -> tuple[str, ...]:
        return ("gradient", "momentum", "step") if self.momentum else ("gradient", "step")

    def _validate(self) -> None:
        super()._validate()
        self._check_real("momentum")
        self._check_real("dampening", 0.0, 1.0)
        self._check_real("weight_decay")
        self._check_bool("nesterov")
        if self.nesterov and (self.momentum <= 0 or self.dampening != 0):
            self._fail("nesterov", "False unless momentum > 0 and dampening == 0",
                       self.nesterov)

    def init(self, params) -> SGDState:
        return SGDState(0, zeros_like(params) if self.momentum != 0 else None)

    def update(self, grads, state: SGDState, params) -> tuple[np.ndarray, SGDState]:
        step = state.step + 1
        x, g = as_array(params), as_array(grads)
        g, _ = self._weight_decay(x, g, 0.0)  # coupled: no extra update
        b = state.momentum_buffer
        if self.momentum != 0:
            if state.step == 0:
                b = frozen(g.copy())
            else:
                b = frozen(self.momentum * b + (1 - self.dampening) * g)
            g = g + self.momentum * b if self.nesterov else b
        return -self.lr_at(step) * g, SGDState(step, b)


@dataclass(frozen=True)
class Momentum(SGD):
    r"""SGD with heavy-ball momentum 0.9: ``SGD(lr, momentum=0.9)``.

    Same rule as ``SGD`` (torch's form: ``b = momentum * b + g``, ``b = g`` on the
    first step, ``x = x - lr * b``), only with ``momentum`` defaulting to 0.9 and
    ``lr`` required.
    """

    lr: float | Schedule
    momentum: float = 0.9


@dataclass(frozen=True)
class Nesterov(SGD):
    r"""SGD with Nesterov momentum 0.9: ``SGD(lr, momentum=0.9, nesterov=True)``.

    Same rule as ``SGD`` with ``nesterov=True`` (torch's form:
    ``b = momentum * b + g``, ``x = x - lr * (g + momentum * b)``), with ``lr``
    required.
    """

    lr: float | Schedule
    momentum: float = 0.9
    nesterov: bool = True


class EMAMomentumState(NamedTuple):
    step: int
    v: np.ndarray


@dataclass(frozen=True)
class EMAMomentum(Optimizer):
    r"""Momentum as an exponential moving average of gradients (no torch equivalent).

    With ``x`` the parameters, ``g`` the gradient and ``v`` the average (``v`` = 0
    at the start)::

        v = beta * v + (1 - beta) * g
        x = x - lr * v

    This is the form many course notes use (Ng's deep-learning course; Adam's first
    moment without bias correction).  It differs from torch's ``SGD(momentum=mu)``,
    whose buffer is a plain decayed *sum* ``b = mu * b + (1 - dampening) * g`` that
    starts at ``b = g``: here each gradient is scaled by ``1 - beta`` and ``v`` warms
    up from zero, so the first steps are ``1 - beta`` (10x) shorter and the steady
    step is ``lr * g`` instead of ``lr * g / (1 - mu)``.  ``EMAMomentum(lr, beta=mu)``
    is ``SGD(lr, momentum=mu, dampening=mu)`` except at the start: torch's buffer
    starts at ``g``, this one at ``(1 - mu) * g``.

    Args:
        lr: learning rate, or a schedule (0-based step -> lr).
        beta: averaging coefficient, in [0, 1).
    """

    lr: float | Schedule
    beta: float = 0.9
    moment_key: ClassVar[str] = "v"
    default_glyphs: ClassVar[tuple[str, ...]] = ("gradient", "momentum", "step")

    def _validate(self) -> None:
        super()._validate()
        self._check_real("beta", 0.0, 1.0, hi_open=True)

    def init(self, params) -> EMAMomentumState:
        return EMAMomentumState(0, zeros_like(params))

    def update(self, grads, state: EMAMomentumState, params
               ) -> tuple[np.ndarray, EMAMomentumState]:
        step = state.step + 1
        v = frozen(self.beta * state.v + (1 - self.beta) * as_array(grads))
        return -self.lr_at(step) * v, EMAMomentumState(step, v)
