"""The optimizer interface: immutable hyperparameters, explicit state, pure updates.

An optimizer is a frozen dataclass of hyperparameters with two pure methods::

    state = opt.init(params)
    updates, state = opt.update(grads, state, params)
    params = params + updates

``params`` may have any shape -- a point ``(2,)``, a batch ``(n, 2)``, a 1-D problem
``(1,)`` or ``(n, 1)``; every rule here works elementwise and never reduces across
axes, so a batch of points moves exactly as each point would alone.  Inputs are never
mutated, the arrays held in a state are read-only, and nothing raises on inf/NaN
(wrap calls in ``np.errstate(all="ignore")`` to silence numpy's warnings).

``lr`` is a number or a *schedule*: any callable from the 0-based step index to a
learning rate.  Update number ``k`` (counted from 1) uses ``lr(k - 1)``, the learning
rate torch would use with ``scheduler.step()`` called after each ``optimizer.step()``.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
from collections.abc import Callable
from typing import Any, ClassVar

import numpy as np

from optimotion import validation

Schedule = Callable[[int], float]
"""A learning-rate schedule: 0-based step index -> learning rate."""


@dataclasses.dataclass(frozen=True)
class Optimizer:
    """Base class of all optimizers; subclasses declare their hyperparameters as fields.

    Subclasses implement ``init`` and ``update`` and extend ``_validate``; the base
    class supplies ``lr_at`` (the learning rate of a given update) and ``label``.
    """

    def __post_init__(self) -> None:
        self._validate()

    # -- the interface --------------------------------------------------------------

    def init(self, params: Any) -> Any:
        """Return the initial state (step 0) for parameters shaped like ``params``."""
        raise NotImplementedError

    def update(self, grads: Any, state: Any, params: Any) -> tuple[np.ndarray, Any]:
        """Return ``(updates, new_state)``; the next point is ``params + updates``."""
        raise NotImplementedError

    # -- what the picture draws of a step (read from the state, never recomputed) ---------

    #: The state's velocity or first moment, by its torch name, if the optimizer has one.
    moment_key: ClassVar[str | None] = None
    #: The glyphs a racer of this optimizer shows when a scene asks for the defaults.
    default_glyphs: ClassVar[tuple[str, ...]] = ("gradient", "step")

    def state_arrays(self, state: Any) -> dict[str, np.ndarray]:
        """The state's per-coordinate tensors by their torch names (``exp_avg``,
        ``momentum_buffer``, ...): what ``state_dict()["state"]`` holds besides ``step``
        and scalars."""
        fields = state._asdict() if hasattr(state, "_asdict") else {}
        return {key: value for key, value in fields.items() if isinstance(value, np.ndarray)}

    def moment(self, state: Any) -> np.ndarray | None:
        """The velocity or first moment (``moment_key``), or None."""
        return None if self.moment_key is None else getattr(state, self.moment_key, None)

    def effective_lr(self, before: Any, after: Any, shape: tuple) -> np.ndarray:
        """The step size per coordinate (``shape``: the parameters') of the update from
        state ``before`` to ``after``: what multiplies the gradient, or the moment,
        coordinate by coordinate. Plain and momentum SGD: ``lr`` on every coordinate;
        the adaptive methods override it with their own denominators."""
        return np.full(shape, self.lr_at(after.step), dtype=np.float64)

    def lr_at(self, step: int) -> float:
        """The learning rate used by update number ``step`` (1-based): ``lr(step - 1)``."""
        lr = self.lr  # type: ignore[attr-defined]
        if callable(lr):
            value = lr(step - 1)
            if isinstance(value, np.ndarray) and value.ndim == 0:
                value = value.item()
            if not _is_real(value) or not math.isfinite(value) or value < 0:
                raise ValueError(f"{type(self).__name__}: the lr schedule gave {value!r} for update "
                                 f"{step}; a schedule must give finite numbers >= 0, as lr must")
            return float(value)
        return lr

    @property
    def label(self) -> str:
        """Short legend label: the class name, ``lr``, and the other hyperparameters
        that differ from the class defaults.

        ``Adam(lr=0.02)``, ``Momentum(lr=0.01)``, ``RMSprop(lr=0.01, alpha=0.9)``,
        ``SGD(lr=cosine(0.1, t_max=100))``.  ``lr`` is always shown: it is what a
        race between optimizers is usually about.
        """
        shown = []
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if (f.name == "lr" or f.default is dataclasses.MISSING
                    or not _same(value, f.default)):
                shown.append(f"{f.name}={format_value(value)}")
        return f"{type(self).__name__}({', '.join(shown)})"

    def _weight_decay(self, x: np.ndarray, g: np.ndarray, lr: float) -> tuple[np.ndarray, Any]:
        """torch's two weight decays, as (gradient, extra update), in one form for all.

        Coupled (L2, the default): ``g <- g + weight_decay*x``, no extra update.
        Decoupled (AdamW, Lion, ``decoupled_weight_decay=True``): ``g`` unchanged, extra
        update ``-lr*weight_decay*x``.
        """
        decay = self.weight_decay  # type: ignore[attr-defined]
        if decay == 0:
            return g, 0.0
        if getattr(self, "decoupled_weight_decay", False):
            return g, -lr * decay * x
        return g + decay * x, 0.0

    # -- validation -----------------------------------------------------------------

    def _validate(self) -> None:
        """Check (and normalise) the hyperparameters; raise ``ValueError`` if invalid."""
        lr = self.lr  # type: ignore[attr-defined]
        if callable(lr) and not isinstance(lr, type):
            if not _takes_one_argument(lr):
                self._fail("lr", "a number or a schedule: a function of the step index, step -> learning rate", lr)
            return
        self._set("lr", validation.real("lr", lr, 0, lo_open=True, owner=type(self).__name__,
                                        expected="a positive number or a schedule"))

    def _fail(self, name: str, expected: str, value: Any) -> None:
        raise ValueError(
            f"{type(self).__name__}: {name} must be {expected}, got {value!r}")

    def _set(self, name: str, value: Any) -> None:
        object.__setattr__(self, name, value)

    def _check_real(self, name: str, lo: float = 0.0, hi: float = math.inf, *,
                    lo_open: bool = False, hi_open: bool = False) -> None:
        """Require a finite real number in the interval; store it as a float."""
        self._set(name, validation.real(name, getattr(self, name), lo, hi, lo_open=lo_open, hi_open=hi_open,
                                        owner=type(self).__name__,
                                        expected=_describe(lo, hi, lo_open, hi_open)))

    def _check_bool(self, name: str) -> None:
        value = getattr(self, name)
        if not isinstance(value, (bool, np.bool_)):
            self._fail(name, "True or False", value)
        self._set(name, bool(value))

    def _check_betas(self, name: str = "betas") -> None:
        """Require a pair of numbers in [0, 1); store it as a tuple of floats."""
        value = getattr(self, name)
        expected = "a pair of numbers in [0, 1)"
        if isinstance(value, (str, bytes)) or not _is_pair(value):
            self._fail(name, expected, value)
        if not all(_is_real(b) and validation.in_interval(b, 0.0, 1.0, hi_open=True) for b in value):
            self._fail(name, expected, value)
        self._set(name, tuple(float(b) for b in value))


_is_real = validation.is_real


def _is_pair(value: Any) -> bool:
    try:
        return len(value) == 2
    except TypeError:
        return False


def _describe(lo: float, hi: float, lo_open: bool, hi_open: bool) -> str:
    """As torch's messages read: "a finite number >= 0", "a number in [0, 1)"."""
    if hi == math.inf:
        return f"a finite number {'>' if lo_open else '>='} {format_value(lo)}"
    return validation.describe(lo, hi, lo_open, hi_open)


def _same(a: Any, b: Any) -> bool:
    if _is_real(a) and _is_real(b):
        return float(a) == float(b)
    try:
        return bool(type(a) is type(b) and a == b)
    except Exception:  # e.g. a schedule with an exotic __eq__
        return False


def _takes_one_argument(function) -> bool:
    """Whether `function` can be called with one positional argument (a schedule's step)."""
    import inspect

    try:
        inspect.signature(function).bind(0)
    except TypeError:
        return False
    except ValueError:  # a builtin without a signature: let a call decide
        return True
    return True


def format_value(value: Any) -> str:
    """Compact text for a hyperparameter: ``0.005``, ``1e-05``, ``(0.9, 0.99)``, ``True``."""
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        value = float(value)
        short = f"{value:g}"
        return short if float(short) == value else repr(value)
    if isinstance(value, tuple):
        return "(" + ", ".join(format_value(v) for v in value) + ")"
    if callable(value) and not hasattr(type(value), "__dataclass_fields__"):
        return getattr(value, "__name__", None) or repr(value)
    return repr(value)


def as_array(x: Any) -> np.ndarray:
    """``x`` as a float64 array (no copy if it already is one)."""
    return np.asarray(x, dtype=np.float64)


def frozen(a: np.ndarray) -> np.ndarray:
    """Mark an array held by a state read-only, so states stay immutable records."""
    a.flags.writeable = False
    return a


def zeros_like(params: Any) -> np.ndarray:
    return frozen(np.zeros(np.shape(params), dtype=np.float64))


def lerp(a: np.ndarray, b: np.ndarray, w: float) -> np.ndarray:
    """``a + w * (b - a)``, rounded as torch's CPU ``lerp`` kernel rounds it."""
    if abs(w) < 0.5:
        return a + w * (b - a)
    return b - (b - a) * (1 - w)
