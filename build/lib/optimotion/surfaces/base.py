"""`Surface`: a loss function plus what it takes to draw it.

A surface is a plain function written with ``autograd.numpy`` and unpacked along
its leading axis (``x, y = xy``, or ``x, = xy`` in 1-D), so the one function serves

* a point            ``xy.shape == (2,)``        -> a scalar,
* a batch of points  ``xy.shape == (2, K)``      -> shape ``(K,)``,
* a meshgrid         ``xy.shape == (2, H, W)``   -> shape ``(H, W)``.

Gradients are never written by hand: ``autograd.grad(s.f)`` for a point and
``autograd.elementwise_grad(s.f)`` for a batch or a grid (points are independent,
so the elementwise gradient of a ``(2, K)`` batch is its ``(2, K)`` gradient).

The rest of the record is presentation: the plotting ``domain``, the ``zlim`` of the
3-D axes, the camera ``view`` and whether values span so many decades that the
renderer should draw ``log_z``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from optimotion import validation

__all__ = ["Surface", "UnknownSurface"]


class UnknownSurface(LookupError):
    """No surface is registered under this name; the message suggests close ones."""


def _finite(v) -> bool:
    return validation.is_real(v) and math.isfinite(v)


def _interval(value, what: str) -> tuple[float, float]:
    """(lo, hi) with finite lo < hi, as floats."""
    try:
        lo, hi = value
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be a pair (lo, hi), got {value!r}") from None
    if not (_finite(lo) and _finite(hi)):
        raise ValueError(f"{what} must hold finite numbers, got {value!r}")
    if not lo < hi:
        raise ValueError(f"{what} must be ordered lo < hi, got {value!r}")
    return float(lo), float(hi)


@dataclass(frozen=True)
class Surface:
    """A loss surface ``z = f(xy)`` over a 1-D or 2-D plotting domain.

    Args:
        name: the registry key, e.g. ``"saddle"``.
        f: ``f(xy)`` in ``autograd.numpy``; ``x, y = xy`` (``x, = xy`` in 1-D), so it
            takes a point ``(dim,)``, a batch ``(dim, K)`` or a meshgrid ``(dim, H, W)``.
        domain: the plotting domain, ``((xmin, xmax), (ymin, ymax))``; 1-D ``((xmin, xmax),)``.
        zlim: ``(zmin, zmax)`` of the plot. With ``log_z`` it must be positive and the
            renderer clips values below ``zmin`` before taking the log.
        minima: the known global minima, each a tuple of length ``dim``; ``()`` if none.
            They lie inside the (closed) domain; one may sit on its edge when the
            published minimum is a constrained one (eggholder).
        min_value: the published global minimum value; ``None`` exactly when ``minima``
            is empty.
        view: default camera ``(elev, azim)`` for ``Axes3D.view_init``.
        description: one line: what the surface shows or teaches.
        log_z: values span many decades; plot ``log10(z)`` (height and colour).
        equal_axes: draw x and y in the same units (where a length along x and one along
            y must compare, as for the glyphs' boxes).
        saddle_points: points where the gradient vanishes that are no minimum, each a
            tuple of length ``dim``, marked in the picture; ``()`` if none.
        local_minima: minima that are not global (where a racer may settle for less),
            each a tuple of length ``dim``, marked with a hollow star; ``()`` if none.
        axis_names: what the picture calls the coordinates, ``("w", "b")`` for a line
            fit's weight and bias; ``()``: x (and y).
        value_name: what the picture calls the value (``"MSE"``); ``"z"`` by default.

    Calling a surface calls ``f``::

        >>> from surfaces import BOWL
        >>> float(BOWL((3.0, 4.0)))
        25.0
    """

    name: str
    f: Callable
    domain: tuple
    zlim: tuple
    minima: tuple = ()
    min_value: float | None = None
    view: tuple = (30, -60)
    description: str = ""
    log_z: bool = False
    saddle_points: tuple = ()
    equal_axes: bool = False
    local_minima: tuple = ()
    axis_names: tuple = ()
    value_name: str = "z"

    def __post_init__(self):
        set_ = lambda field, value: object.__setattr__(self, field, value)  # frozen

        if not isinstance(self.name, str) or not self.name.isidentifier():
            raise ValueError(f"name must be an identifier-like string, got {self.name!r}")
        if not callable(self.f):
            raise ValueError(f"{self.name}: f must be callable, got {self.f!r}")

        if isinstance(self.domain, (str, bytes)) or len(self.domain) not in (1, 2):
            raise ValueError(
                f"{self.name}: domain must be ((xmin, xmax),) or ((xmin, xmax), (ymin, ymax)),"
                f" got {self.domain!r}"
            )
        axes = "xy"
        set_("domain", tuple(_interval(iv, f"{self.name}: domain[{axes[i]}]")
                             for i, iv in enumerate(self.domain)))
        set_("zlim", _interval(self.zlim, f"{self.name}: zlim"))
        if not isinstance(self.log_z, bool):
            raise ValueError(f"{self.name}: log_z must be a bool, got {self.log_z!r}")
        if self.log_z and self.zlim[0] <= 0:
            raise ValueError(f"{self.name}: log_z needs zlim > 0, got {self.zlim!r}")

        minima = []
        for m in self.minima:
            m = tuple(m) if not isinstance(m, (str, bytes)) else m
            if len(m) != self.dim or not all(_finite(c) for c in m):
                raise ValueError(
                    f"{self.name}: each minimum must be {self.dim} finite numbers, got {m!r}")
            if not all(lo <= c <= hi for c, (lo, hi) in zip(m, self.domain)):
                raise ValueError(f"{self.name}: minimum {m!r} lies outside domain {self.domain!r}")
            minima.append(tuple(float(c) for c in m))
        set_("minima", tuple(minima))
        for field, what in (("saddle_points", "saddle point"), ("local_minima", "local minimum")):
            points = []
            for point in getattr(self, field):
                point = tuple(point) if not isinstance(point, (str, bytes)) else point
                if len(point) != self.dim or not all(_finite(c) for c in point):
                    raise ValueError(f"{self.name}: each {what} must be {self.dim} finite numbers, got {point!r}")
                points.append(tuple(float(c) for c in point))
            set_(field, tuple(points))

        if self.min_value is not None:
            if not _finite(self.min_value):
                raise ValueError(f"{self.name}: min_value must be finite, got {self.min_value!r}")
            set_("min_value", float(self.min_value))
        if (self.min_value is None) != (not self.minima):
            raise ValueError(f"{self.name}: give minima and min_value together (or neither)")
        if self.min_value is not None and not self.log_z and not (
                self.zlim[0] <= self.min_value < self.zlim[1]):
            raise ValueError(
                f"{self.name}: min_value {self.min_value} is outside zlim {self.zlim!r}")

        try:
            elev, azim = self.view
        except (TypeError, ValueError):
            raise ValueError(f"{self.name}: view must be (elev, azim), got {self.view!r}") from None
        if not (_finite(elev) and _finite(azim)):
            raise ValueError(f"{self.name}: view must be finite numbers, got {self.view!r}")
        set_("view", (float(elev), float(azim)))
        if not isinstance(self.description, str) or "\n" in self.description:
            raise ValueError(f"{self.name}: description must be one line of text")
        names = tuple(self.axis_names) if not isinstance(self.axis_names, str) else None
        if names is None or len(names) not in (0, self.dim) or not all(
                isinstance(n, str) and n.strip() and "\n" not in n for n in names):
            raise ValueError(f"{self.name}: axis_names must be {self.dim} short names (or none), "
                             f"got {self.axis_names!r}")
        set_("axis_names", names or ("x", "y")[:self.dim])
        if not isinstance(self.value_name, str) or not self.value_name.strip() or "\n" in self.value_name:
            raise ValueError(f"{self.name}: value_name must be a short name, got {self.value_name!r}")

    @property
    def dim(self) -> int:
        """1 or 2: the number of coordinates of a point."""
        return len(self.domain)

    def __call__(self, xy):
        return self.f(xy)
