"""Adam and its relatives: Adam, AdamW, Adamax, NAdam, RAdam (torch.optim semantics)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, NamedTuple

import numpy as np

from .base import Optimizer, Schedule, as_array, frozen, lerp, zeros_like


class AdamState(NamedTuple):
    step: int
    exp_avg: np.ndarray
    exp_avg_sq: np.ndarray
    max_exp_avg_sq: np.ndarray | None  # None unless amsgrad


class _AdamFamily(Optimizer):
    """What the Adam family draws: its first moment, its step per coordinate."""

    moment_key: ClassVar[str] = "exp_avg"
    default_glyphs: ClassVar[tuple[str, ...]] = ("gradient", "box", "step")

    def effective_lr(self, before, after, shape: tuple) -> np.ndarray:
        """``lr / (sqrt(v_hat) + eps)``: what multiplies the bias-corrected first moment."""
        return self.lr_at(after.step) / (np.sqrt(after.exp_avg_sq / (1 - self.betas[1] ** after.step)) + self.eps)


class _AdamRule(_AdamFamily):
    """The update shared by Adam and AdamW (no fields of its own)."""

    decoupled_weight_decay: bool

    def effective_lr(self, before: AdamState, after: AdamState, shape: tuple) -> np.ndarray:
        v = after.max_exp_avg_sq if self.amsgrad else after.exp_avg_sq
        return self.lr_at(after.step) / (np.sqrt(v) / (1 - self.betas[1] ** after.step) ** 0.5 + self.eps)

    def _validate(self) -> None:
        super()._validate()
        self._check_betas()
        self._check_real("eps")
        self._check_real("weight_decay")
        self._check_bool("amsgrad")
        if "decoupled_weight_decay" in self.__dataclass_fields__:
            self._check_bool("decoupled_weight_decay")

    def init(self, params) -> AdamState:
        return AdamState(0, zeros_like(params), zeros_like(params),
                         zeros_like(params) if self.amsgrad else None)

    def update(self, grads, state: AdamState, params) -> tuple[np.ndarray, AdamState]:
        step = state.step + 1
        lr = self.lr_at(step)
        beta1, beta2 = self.betas
        x, g = as_array(params), as_array(grads)
        g, decay = self._weight_decay(x, g, lr)
        m = frozen(lerp(state.exp_avg, g, 1 - beta1))
        v = frozen(state.exp_avg_sq * beta2 + (1 - beta2) * g * g)
        v_max = state.max_exp_avg_sq
        step_size = lr / (1 - beta1**step)
        bias_correction2_sqrt = (1 - beta2**step) ** 0.5
        if self.amsgrad:
            v_max = frozen(np.maximum(v_max, v))
            denom = np.sqrt(v_max) / bias_correction2_sqrt + self.eps
        else:
            denom = np.sqrt(v) / bias_correction2_sqrt + self.eps
        updates = -step_size * m / denom
        updates = updates + decay
        return updates, AdamState(step, m, v, v_max)


@dataclass(frozen=True)
class Adam(_AdamRule):
    r"""Adam (Kingma & Ba 2015) as ``torch.optim.Adam``.

    With ``x`` the parameters, ``g`` the gradient, ``m``/``v`` the first and second
    moments (both 0 at the start) and ``t`` the step number (1, 2, ...)::

        g = g + weight_decay * x                        # if weight_decay (coupled)
        x = x - lr * weight_decay * x                   # if decoupled_weight_decay
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        v_max = max(v_max, v)                           # if amsgrad; then v -> v_max
        x = x - lr / (1 - beta1**t) * m / (sqrt(v) / sqrt(1 - beta2**t) + eps)

    Same as the paper's ``m_hat / (sqrt(v_hat) + eps)``, but written as torch computes
    it (eps is added after the bias correction of ``sqrt(v)``).  With amsgrad, torch
    bias-corrects the running maximum of ``v`` (the AMSGrad paper has no correction).
    ``decoupled_weight_decay=True`` is exactly ``AdamW``.

    Args:
        lr: learning rate, or a schedule (0-based step -> lr).
        betas: ``(beta1, beta2)``, each in [0, 1).
        eps: added to the denominator (>= 0).
        weight_decay: weight decay coefficient (>= 0).
        amsgrad: use the running maximum of ``v`` (Reddi et al. 2018).
        decoupled_weight_decay: decay ``x`` directly (AdamW) instead of adding
            ``weight_decay * x`` to the gradient.
    """

    lr: float | Schedule = 1e-3
    betas: tuple[float, float] = (0.9, 0.999)
    eps: float = 1e-8
    weight_decay: float = 0.0
    amsgrad: bool = False
    decoupled_weight_decay: bool = False


@dataclass(frozen=True)
class AdamW(_AdamRule):
    r"""AdamW (Loshchilov & Hutter 2019) as ``torch.optim.AdamW``: Adam with decoupled
    weight decay, on by default.

    With ``x`` the parameters, ``g`` the gradient, ``m``/``v`` the moments (0 at the
    start) and ``t`` the step number::

        x = x - lr * weight_decay * x                   # before the Adam step
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        v_max = max(v_max, v)                           # if amsgrad; then v -> v_max
        x = x - lr / (1 - beta1**t) * m / (sqrt(v) / sqrt(1 - beta2**t) + eps)

    As in torch, the decay is multiplied by the (scheduled) ``lr``; the paper uses a
    separate schedule multiplier ``eta_t`` and an unscaled ``weight_decay``.

    Args:
        lr: learning rate, or a schedule (0-based step -> lr).
        betas: ``(beta1, beta2)``, each in [0, 1).
        eps: added to the denominator (>= 0).
        weight_decay: decoupled weight decay coefficient (>= 0); torch default 1e-2.
        amsgrad: use the running maximum of ``v``.
    """

    decoupled_weight_decay: ClassVar[bool] = True

    lr: float | Schedule = 1e-3
    betas: tuple[float, float] = (0.9, 0.999)
    eps: float = 1e-8
    weight_decay: float = 1e-2
    amsgrad: bool = False


class AdamaxState(NamedTuple):
    step: int
    exp_avg: np.ndarray
    exp_inf: np.ndarray


@dataclass(frozen=True)
class Adamax(_AdamFamily):
    r"""Adamax, Adam with the infinity norm (Kingma & Ba 2015, sec. 7), as
    ``torch.optim.Adamax``.

    With ``x`` the parameters, ``g`` the gradient, ``m`` the first moment and ``u`` the
    exponentially weighted infinity norm (both 0 at the start), ``t`` the step::

        g = g + weight_decay * x                        # if weight_decay != 0
        m = beta1 * m + (1 - beta1) * g
        u = max(beta2 * u, |g| + eps)
        x = x - lr / (1 - beta1**t) * m / u

    torch adds eps inside the max (the paper has no eps), so ``u >= eps`` and a zero
    gradient never divides by zero.

    Args:
        lr: learning rate, or a schedule; torch default 2e-3.
        betas: ``(beta1, beta2)``, each in [0, 1).
        eps: floor of ``u`` (>= 0).
        weight_decay: L2 penalty added to the gradient (>= 0).
    """

    lr: float | Schedule = 2e-3
    betas: tuple[float, float] = (0.9, 0.999)
    eps: float = 1e-8
    weight_decay: float = 0.0

    def _validate(self) -> None:
        super()._validate()
        self._check_betas()
        self._check_real("eps")
        self._check_real("weight_decay")

    def init(self, params) -> AdamaxState:
        return AdamaxState(0, zeros_like(params), zeros_like(params))

    def update(self, grads, state: AdamaxState, params) -> tuple[np.ndarray, AdamaxState]:
        step = state.step + 1
        beta1, beta2 = self.betas
        x, g = as_array(params), as_array(grads)
        g, _ = self._weight_decay(x, g, 0.0)
        m = frozen(lerp(state.exp_avg, g, 1 - beta1))
        u = frozen(np.maximum(state.exp_inf * beta2, np.abs(g) + self.eps))
        clr = self.lr_at(step) / (1 - beta1**step)
        return -clr * m / u, AdamaxState(step, m, u)

    def effective_lr(self, before: AdamaxState, after: AdamaxState, shape: tuple) -> np.ndarray:
        """``lr / u``: what multiplies the bias-corrected first moment."""
        return self.lr_at(after.step) / after.exp_inf


class NAdamState(NamedTuple):
    step: int
    exp_avg: np.ndarray
    exp_avg_sq: np.ndarray
    mu_product: float  # product of mu_1 ... mu_t


@dataclass(frozen=True)
class NAdam(_AdamFamily):
    r"""NAdam, Adam with Nesterov momentum (Dozat 2016), as ``torch.optim.NAdam``.

    With ``x`` the parameters, ``g`` the gradient, ``m``/``v`` the moments (0 at the
    start), ``t`` the step and ``mu_product`` the running product of the ``mu_t``::

        g = g + weight_decay * x                        # if weight_decay (coupled)
        x = x - lr * weight_decay * x                   # if decoupled_weight_decay
        mu_t      = beta1 * (1 - 0.5 * 0.96**(t * momentum_decay))
        mu_next   = beta1 * (1 - 0.5 * 0.96**((t + 1) * momentum_decay))
        mu_product = mu_product * mu_t
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        denom = sqrt(v / (1 - beta2**t)) + eps
        x = x - lr * (1 - mu_t) / (1 - mu_product) * g / denom
              - lr * mu_next / (1 - mu_product * mu_next) * m / denom

    The momentum coefficient warms up with Dozat's schedule ``mu_t`` (momentum_decay
    = 0.004 is the paper's psi), while ``m`` itself is averaged with the constant
    ``beta1``.  Unlike Adam, ``v`` is bias-corrected inside the sqrt, and eps is
    added to ``sqrt(v_hat)``.  torch keeps ``mu_product`` in its default dtype (float32
    unless ``torch.set_default_dtype(torch.float64)``); here it is a float64.

    Args:
        lr: learning rate, or a schedule; torch default 2e-3.
        betas: ``(beta1, beta2)``, each in [0, 1).
        eps: added to the denominator (>= 0).
        weight_decay: weight decay coefficient (>= 0).
        momentum_decay: psi of the ``mu_t`` schedule (>= 0).
        decoupled_weight_decay: decay ``x`` directly (as AdamW) instead of through
            the gradient.
    """

    lr: float | Schedule = 2e-3
    betas: tuple[float, float] = (0.9, 0.999)
    eps: float = 1e-8
    weight_decay: float = 0.0
    momentum_decay: float = 4e-3
    decoupled_weight_decay: bool = False

    def _validate(self) -> None:
        super()._validate()
        self._check_betas()
        self._check_real("eps")
        self._check_real("weight_decay")
        self._check_real("momentum_decay")
        self._check_bool("decoupled_weight_decay")

    def init(self, params) -> NAdamState:
        return NAdamState(0, zeros_like(params), zeros_like(params), 1.0)

    def update(self, grads, state: NAdamState, params) -> tuple[np.ndarray, NAdamState]:
        step = state.step + 1
        lr = self.lr_at(step)
        beta1, beta2 = self.betas
        x, g = as_array(params), as_array(grads)
        g, decay = self._weight_decay(x, g, lr)
        mu = beta1 * (1.0 - 0.5 * 0.96 ** (step * self.momentum_decay))
        mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((step + 1) * self.momentum_decay))
        mu_product = state.mu_product * mu
        m = frozen(lerp(state.exp_avg, g, 1 - beta1))
        v = frozen(state.exp_avg_sq * beta2 + (1 - beta2) * g * g)
        denom = np.sqrt(v / (1 - beta2**step)) + self.eps
        updates = ((-lr * (1.0 - mu) / (1.0 - mu_product)) * g / denom
                   + ((-lr * mu_next) / (1.0 - mu_product * mu_next)) * m / denom)
        updates = updates + decay
        return updates, NAdamState(step, m, v, mu_product)


class RAdamState(NamedTuple):
    step: int
    exp_avg: np.ndarray
    exp_avg_sq: np.ndarray


@dataclass(frozen=True)
class RAdam(_AdamFamily):
    r"""RAdam, rectified Adam (Liu et al. 2020), as ``torch.optim.RAdam``.

    With ``x`` the parameters, ``g`` the gradient, ``m``/``v`` the moments (0 at the
    start) and ``t`` the step::

        g = g + weight_decay * x                        # if weight_decay (coupled)
        x = x - lr * weight_decay * x                   # if decoupled_weight_decay
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        m_hat = m / (1 - beta1**t)
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * t * beta2**t / (1 - beta2**t)
        if rho_t > 5:
            r = sqrt((rho_t - 4) * (rho_t - 2) * rho_inf
                     / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
            x = x - lr * m_hat * sqrt(1 - beta2**t) / (sqrt(v) + eps) * r
        else:
            x = x - lr * m_hat                          # plain momentum SGD

    As torch: rectification starts once ``rho_t > 5`` (the paper's Algorithm 2 says
    ``rho_t > 4``; with the default beta2, rho_5 = 4.996 and rho_6 = 5.994, so
    torch rectifies from step 6 and the paper from step 5), and eps is added to the
    *uncorrected* ``sqrt(v)`` before multiplying by ``sqrt(1 - beta2**t)``.

    Args:
        lr: learning rate, or a schedule (0-based step -> lr).
        betas: ``(beta1, beta2)``, each in [0, 1).
        eps: added to ``sqrt(v)`` (>= 0).
        weight_decay: weight decay coefficient (>= 0).
        decoupled_weight_decay: decay ``x`` directly (as AdamW) instead of through
            the gradient.
    """

    lr: float | Schedule = 1e-3
    betas: tuple[float, float] = (0.9, 0.999)
    eps: float = 1e-8
    weight_decay: float = 0.0
    decoupled_weight_decay: bool = False

    def _validate(self) -> None:
        super()._validate()
        self._check_betas()
        self._check_real("eps")
        self._check_real("weight_decay")
        self._check_bool("decoupled_weight_decay")

    def init(self, params) -> RAdamState:
        return RAdamState(0, zeros_like(params), zeros_like(params))

    def update(self, grads, state: RAdamState, params) -> tuple[np.ndarray, RAdamState]:
        step = state.step + 1
        lr = self.lr_at(step)
        beta1, beta2 = self.betas
        x, g = as_array(params), as_array(grads)
        g, decay = self._weight_decay(x, g, lr)
        m = frozen(lerp(state.exp_avg, g, 1 - beta1))
        v = frozen(state.exp_avg_sq * beta2 + (1 - beta2) * g * g)
        bias_correction2 = 1 - beta2**step
        m_hat = m / (1 - beta1**step)
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * step * (beta2**step) / bias_correction2
        if rho_t > 5.0:
            r = ((rho_t - 4) * (rho_t - 2) * rho_inf
                 / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
            adaptive_lr = bias_correction2**0.5 / (np.sqrt(v) + self.eps)
            updates = -(m_hat * lr * adaptive_lr * r)
        else:
            updates = -(m_hat * lr)
        updates = updates + decay
        return updates, RAdamState(step, m, v)

    def effective_lr(self, before: RAdamState, after: RAdamState, shape: tuple) -> np.ndarray:
        """``lr * r * sqrt(1 - beta2**t) / (sqrt(v) + eps)`` once rectified; ``lr`` before."""
        step, (_, beta2) = after.step, self.betas
        lr, bias_correction2 = self.lr_at(step), 1 - beta2**step
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * step * (beta2**step) / bias_correction2
        if rho_t <= 5.0:
            return np.full(shape, lr)
        r = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
        return lr * r * bias_correction2**0.5 / (np.sqrt(after.exp_avg_sq) + self.eps)

