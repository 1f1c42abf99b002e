"""Per-coordinate adaptive step sizes: Adagrad, RMSprop, Adadelta (torch.optim semantics)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, NamedTuple

import numpy as np

from .base import Optimizer, Schedule, as_array, frozen, lerp, zeros_like


class AdagradState(NamedTuple):
    step: int
    sum: np.ndarray


@dataclass(frozen=True)
class Adagrad(Optimizer):
    r"""Adagrad (Duchi et al. 2011) as ``torch.optim.Adagrad``.

    With ``x`` the parameters, ``g`` the gradient, ``G`` the running sum of squared
    gradients (``initial_accumulator_value`` at the start) and ``t`` the step::

        g = g + weight_decay * x                        # if weight_decay != 0
        clr = lr / (1 + (t - 1) * lr_decay)
        G = G + g**2
        x = x - clr * g / (sqrt(G) + eps)

    eps (1e-10) sits outside the sqrt.  ``lr_decay`` divides the *current* lr, so with
    a schedule the two multiply: ``clr = lr(t - 1) / (1 + (t - 1) * lr_decay)``.

    Args:
        lr: learning rate, or a schedule; torch default 1e-2.
        lr_decay: learning-rate decay (>= 0).
        weight_decay: L2 penalty added to the gradient (>= 0).
        initial_accumulator_value: starting value of ``G`` (>= 0).
        eps: added to the denominator (>= 0).
    """

    default_glyphs: ClassVar[tuple[str, ...]] = ("gradient", "box", "step")

    lr: float | Schedule = 1e-2
    lr_decay: float = 0.0
    weight_decay: float = 0.0
    initial_accumulator_value: float = 0.0
    eps: float = 1e-10

    def _validate(self) -> None:
        super()._validate()
        self._check_real("lr_decay")
        self._check_real("weight_decay")
        self._check_real("initial_accumulator_value")
        self._check_real("eps")

    def init(self, params) -> AdagradState:
        G = np.full(np.shape(params), self.initial_accumulator_value, dtype=np.float64)
        return AdagradState(0, frozen(G))

    def update(self, grads, state: AdagradState, params
               ) -> tuple[np.ndarray, AdagradState]:
        step = state.step + 1
        x, g = as_array(params), as_array(grads)
        g, _ = self._weight_decay(x, g, 0.0)  # coupled: no extra update
        clr = self.lr_at(step) / (1 + (step - 1) * self.lr_decay)
        G = frozen(state.sum + g * g)
        return -clr * g / (np.sqrt(G) + self.eps), AdagradState(step, G)

    def effective_lr(self, before: AdagradState, after: AdagradState, shape: tuple) -> np.ndarray:
        """``clr / (sqrt(G) + eps)``: the step per unit of gradient, shrinking where G has grown."""
        clr = self.lr_at(after.step) / (1 + (after.step - 1) * self.lr_decay)
        return clr / (np.sqrt(after.sum) + self.eps)


class RMSpropState(NamedTuple):
    step: int
    square_avg: np.ndarray
    momentum_buffer: np.ndarray | None  # None when momentum == 0
    grad_avg: np.ndarray | None  # None unless centered


@dataclass(frozen=True)
class RMSprop(Optimizer):
    r"""RMSprop (Hinton, Coursera lecture 6e) as ``torch.optim.RMSprop``.

    With ``x`` the parameters, ``g`` the gradient, ``v`` the average of squared
    gradients, ``g_avg`` the average gradient and ``b`` the momentum buffer (all 0 at
    the start)::

        g = g + weight_decay * x                        # if weight_decay != 0
        v = alpha * v + (1 - alpha) * g**2
        g_avg = alpha * g_avg + (1 - alpha) * g         # if centered
        avg = sqrt(v - g_avg**2) + eps  if centered  else  sqrt(v) + eps
        b = momentum * b + g / avg                      # if momentum > 0
        x = x - lr * b                                  # if momentum > 0
        x = x - lr * g / avg                            # otherwise

    torch's alpha defaults to 0.99 (Hinton's lecture and many notes use 0.9), eps sits
    outside the sqrt, and ``v`` starts at 0 with no bias correction, so the first
    steps are ``1 / sqrt(1 - alpha)`` (10x for 0.99) longer than ``lr``.  Momentum
    accumulates the normalised step; lr multiplies the buffer.  Here alpha must lie
    in [0, 1] (torch only asks alpha >= 0).

    Args:
        lr: learning rate, or a schedule; torch default 1e-2.
        alpha: smoothing constant, in [0, 1].
        eps: added to the denominator (>= 0).
        weight_decay: L2 penalty added to the gradient (>= 0).
        momentum: momentum factor (>= 0).
        centered: normalise by the estimated variance instead of the raw second moment.
    """

    lr: float | Schedule = 1e-2
    alpha: float = 0.99
    eps: float = 1e-8
    weight_decay: float = 0.0
    momentum: float = 0.0
    centered: bool = False

    def _validate(self) -> None:
        super()._validate()
        self._check_real("alpha", 0.0, 1.0)
        self._check_real("eps")
        self._check_real("weight_decay")
        self._check_real("momentum")
        self._check_bool("centered")

    def init(self, params) -> RMSpropState:
        return RMSpropState(0, zeros_like(params),
                            zeros_like(params) if self.momentum > 0 else None,
                            zeros_like(params) if self.centered else None)

    def update(self, grads, state: RMSpropState, params
               ) -> tuple[np.ndarray, RMSpropState]:
        step = state.step + 1
        lr = self.lr_at(step)
        x, g = as_array(params), as_array(grads)
        g, _ = self._weight_decay(x, g, 0.0)  # coupled: no extra update
        v = frozen(state.square_avg * self.alpha + (1 - self.alpha) * g * g)
        g_avg = state.grad_avg
        if self.centered:
            g_avg = frozen(lerp(g_avg, g, 1 - self.alpha))
            avg = np.sqrt(v - g_avg * g_avg) + self.eps
        else:
            avg = np.sqrt(v) + self.eps
        b = state.momentum_buffer
        if self.momentum > 0:
            b = frozen(b * self.momentum + g / avg)
            updates = -lr * b
        else:
            updates = -lr * g / avg
        return updates, RMSpropState(step, v, b, g_avg)

    def effective_lr(self, before: RMSpropState, after: RMSpropState, shape: tuple) -> np.ndarray:
        """``lr / avg``: the step per unit of gradient (``avg = sqrt(v) + eps``, centred: of
        the variance)."""
        v = after.square_avg - (after.grad_avg * after.grad_avg if self.centered else 0.0)
        return self.lr_at(after.step) / (np.sqrt(v) + self.eps)

    @property
    def moment_key(self) -> str | None:
        return "momentum_buffer" if self.momentum > 0 else None

    default_glyphs: ClassVar[tuple[str, ...]] = ("gradient", "box", "step")


class AdadeltaState(NamedTuple):
    step: int
    square_avg: np.ndarray
    acc_delta: np.ndarray


@dataclass(frozen=True)
class Adadelta(Optimizer):
    r"""Adadelta (Zeiler 2012) as ``torch.optim.Adadelta``.

    With ``x`` the parameters, ``g`` the gradient, ``v`` the average of squared
    gradients and ``u`` the average of squared steps (both 0 at the start)::

        g = g + weight_decay * x                        # if weight_decay != 0
        v = rho * v + (1 - rho) * g**2
        delta = sqrt(u + eps) / sqrt(v + eps) * g
        u = rho * u + (1 - rho) * delta**2
        x = x - lr * delta

    The paper has no ``lr`` (torch's default lr = 1.0 recovers it); eps sits inside
    both square roots and sets the size of the first steps (about
    ``lr * sqrt(eps / (1 - rho)) * sign(g)``, tiny with eps = 1e-6).

    Args:
        lr: scales ``delta``, or a schedule; torch default 1.0.
        rho: averaging coefficient, in [0, 1].
        eps: added inside the square roots (>= 0).
        weight_decay: L2 penalty added to the gradient (>= 0).
    """

    lr: float | Schedule = 1.0
    rho: float = 0.9
    eps: float = 1e-6
    weight_decay: float = 0.0

    def _validate(self) -> None:
        super()._validate()
        self._check_real("rho", 0.0, 1.0)
        self._check_real("eps")
        self._check_real("weight_decay")

    def init(self, params) -> AdadeltaState:
        return AdadeltaState(0, zeros_like(params), zeros_like(params))

    def update(self, grads, state: AdadeltaState, params
               ) -> tuple[np.ndarray, AdadeltaState]:
        step = state.step + 1
        x, g = as_array(params), as_array(grads)
        g, _ = self._weight_decay(x, g, 0.0)  # coupled: no extra update
        v = frozen(state.square_avg * self.rho + (1 - self.rho) * g * g)
        delta = np.sqrt(state.acc_delta + self.eps) / np.sqrt(v + self.eps) * g
        u = frozen(state.acc_delta * self.rho + (1 - self.rho) * delta * delta)
        return -self.lr_at(step) * delta, AdadeltaState(step, v, u)

    def effective_lr(self, before: AdadeltaState, after: AdadeltaState, shape: tuple) -> np.ndarray:
        """``lr * sqrt(u + eps) / sqrt(v + eps)``, with the ``u`` the step was made with."""
        return self.lr_at(after.step) * np.sqrt(before.acc_delta + self.eps) / np.sqrt(after.square_avg + self.eps)

    default_glyphs: ClassVar[tuple[str, ...]] = ("gradient", "box", "step")
