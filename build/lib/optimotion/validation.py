"""The one check for the numbers users give: hyperparameters, scene fields, render options.

Each check returns the value normalised (a float, an int) or raises `ValueError` with the
message "OWNER: NAME must be EXPECTED, got VALUE" (without "OWNER: " when there is none).
Booleans are not numbers here: `lr=True` is a mistake, not 1.0.
"""
from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

from optimotion.errors import LimitError  # noqa: F401  (raised by the checks' callers)

INF = math.inf


def is_real(value: Any) -> bool:
    """A real number (int, float, numpy scalar), not a bool."""
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def is_integer(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


def fail(name: str, expected: str, value: Any, owner: str = "") -> None:
    raise ValueError(f"{owner + ': ' if owner else ''}{name} must be {expected}, got {value!r}")


def format_number(value: float) -> str:
    """`0.005`, `1e-05`, `3`: the shortest text that reads back as the same number."""
    if is_integer(value):
        return str(int(value))
    short = f"{float(value):g}"
    return short if float(short) == float(value) else repr(float(value))


def describe(lo: float, hi: float, lo_open: bool = False, hi_open: bool = False) -> str:
    """The words for an interval: "a positive number", "a number in [0, 1)", ..."""
    if hi == INF:
        if lo == 0 and lo_open:
            return "a positive number"
        if lo == 0:
            return "a non-negative number"
        if lo == -INF:
            return "a finite number"
        return f"a finite number {'>' if lo_open else '>='} {format_number(lo)}"
    if lo == -INF:
        return f"a finite number {'<' if hi_open else '<='} {format_number(hi)}"
    left, right = "(" if lo_open else "[", ")" if hi_open else "]"
    return f"a number in {left}{format_number(lo)}, {format_number(hi)}{right}"


def in_interval(value: float, lo: float, hi: float, lo_open: bool = False, hi_open: bool = False) -> bool:
    if not math.isfinite(value):
        return False
    return (value > lo if lo_open else value >= lo) and (value < hi if hi_open else value <= hi)


def real(name: str, value: Any, lo: float = -INF, hi: float = INF, *, lo_open: bool = False,
         hi_open: bool = False, owner: str = "", expected: str | None = None) -> float:
    """`value` as a float, if it is a finite real number in the interval."""
    if not is_real(value) or not in_interval(float(value), lo, hi, lo_open, hi_open):
        fail(name, expected or describe(lo, hi, lo_open, hi_open), value, owner)
    return float(value)


def integer(name: str, value: Any, lo: int | None = None, hi: int | None = None, *,
            owner: str = "", expected: str | None = None) -> int:
    """`value` as an int, if it is an integer in [lo, hi]."""
    if expected is None:
        if lo == 1 and hi is None:
            expected = "a positive integer"
        elif lo == 0 and hi is None:
            expected = "a non-negative integer"
        elif hi is None:
            expected = f"an integer >= {lo}" if lo is not None else "an integer"
        else:
            expected = f"an integer from {lo} to {hi}"
    if not is_integer(value) or (lo is not None and value < lo) or (hi is not None and value > hi):
        fail(name, expected, value, owner)
    return int(value)


def optional(check, name: str, value: Any, *args, **kwargs):
    """`check(name, value, ...)`, or None when `value` is None."""
    return None if value is None else check(name, value, *args, **kwargs)
