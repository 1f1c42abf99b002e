"""Data-driven surfaces: the loss of a model over its parameters, on a seeded data set.

``LINE_FIT`` is the mean-squared error of the line ``y = w * x + b`` over ``(w, b)``, on
the Gradient Descent notebook's data set: 100 points ``x ~ N(0, 1)``, ``y = 2x + 3 + N(0, 0.5^2)`` noise, drawn
from ``numpy.random.RandomState(42)`` as that notebook draws them.

``f`` is the loss on *all* the data, so the surface plots, and its minimum is the
least-squares fit, solved exactly. ``batch_loss(wb, indices)`` is the loss on a subset of
the samples, one subset per point: what mini-batch and single-sample SGD differentiate
(``Racer(..., batch_size=k)``, see ``runner.simulate``). Their zig-zag is the true
gradient of the batch they drew, not added noise.

``SPARSE_LINE_FIT`` is the same model on a rare feature (x is 5 in 13 of the 100
samples, else 0), so single-sample gradients in ``w`` are zero most of the time.

>>> from surfaces import LINE_FIT
>>> LINE_FIT.n_samples, [round(c, 3) for c in LINE_FIT.minima[0]]
(100, [1.928, 3.004])
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import autograd.numpy as anp
import numpy as np

from .base import Surface

__all__ = ["LineFit", "line_fit", "LINE_FIT", "SPARSE_LINE_FIT", "seed003_data", "sparse_data"]


@dataclass(frozen=True)
class LineFit(Surface):
    """The mean-squared error of ``y = w * x + b`` on the samples ``(x, y)``, over ``(w, b)``.

    Build one with ``line_fit(...)``, which derives ``f``, the exact minimum and the plot
    limits from the data. ``x`` and ``y`` are read-only float arrays of the same length.
    """

    x: np.ndarray = field(default=None, compare=False, repr=False)
    y: np.ndarray = field(default=None, compare=False, repr=False)

    def __post_init__(self):
        super().__post_init__()
        x, y = (np.array(v, dtype=float) for v in (self.x, self.y))
        if x.ndim != 1 or x.shape != y.shape or x.size == 0:
            raise ValueError(f"{self.name}: x and y must be 1-D arrays of the same, non-zero length")
        if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
            raise ValueError(f"{self.name}: the data must be finite")
        if self.dim != 2:
            raise ValueError(f"{self.name}: a line fit has two parameters (w, b)")
        x.flags.writeable = y.flags.writeable = False
        object.__setattr__(self, "x", x)
        object.__setattr__(self, "y", y)

    @property
    def n_samples(self) -> int:
        """How many data points the full loss averages over."""
        return self.x.size

    def batch_loss(self, wb, indices):
        """The loss on a batch of samples per point: ``wb`` is (2, K), ``indices`` (K, k);
        row i of ``indices`` picks the samples for point i. Returns shape (K,)."""
        w, b = wb
        residual = w[:, None] * self.x[indices] + b[:, None] - self.y[indices]
        return anp.mean(residual**2, axis=1)


def mean_squared_error(wb, x: np.ndarray, y: np.ndarray):
    """mean_i (w x_i + b - y_i)^2 for a point, a (2, K) batch or a (2, H, W) grid of (w, b)."""
    w, b = wb
    residual = anp.expand_dims(w, -1) * x + anp.expand_dims(b, -1) - y
    return anp.mean(residual**2, axis=-1)


def line_fit(name: str, x, y, domain, *, zlim=None, view=(30, -60), description="") -> LineFit:
    """A `LineFit` surface over ``domain`` = ((wmin, wmax), (bmin, bmax)).

    Its minimum is the least-squares line, solved exactly (``numpy.linalg.lstsq`` on
    ``[x, 1]``); ``zlim`` defaults to 0 up to the highest corner of the domain (the
    loss is a convex quadratic, so it peaks at a corner).
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    f = functools.partial(mean_squared_error, x=x, y=y)  # a plain function of wb, and picklable
    (w_star, b_star), *_ = np.linalg.lstsq(np.stack([x, np.ones_like(x)], axis=1), y, rcond=None)
    minimum = (float(w_star), float(b_star))
    if zlim is None:
        corners = np.array([(w, b) for w in domain[0] for b in domain[1]], dtype=float).T
        zlim = (0.0, float(np.max(f(corners))))
    return LineFit(name=name, f=f, domain=domain, zlim=zlim, minima=(minimum,),
                   min_value=float(f(np.array(minimum))), view=view, description=description,
                   axis_names=("w", "b"), value_name="MSE", x=x, y=y)


def seed003_data(n: int = 100, seed: int = 42) -> tuple[np.ndarray, np.ndarray]:
    """The Gradient Descent notebook's data set: ``x ~ N(0, 1)``, ``y = 2x + 3 + 0.5 N(0, 1)``, from
    ``RandomState(seed)``: first the n x's, then the n noise values."""
    rng = np.random.RandomState(seed)
    x = rng.randn(n)
    return x, 2 * x + 3 + rng.randn(n) * 0.5


def sparse_data(n: int = 100, seed: int = 42, rate: float = 0.1, value: float = 5.0):
    """A rare feature (the Advanced Optimizers chapter's sparse signal: 5 on 10% of draws, else 0, from
    ``RandomState(42).rand``): ``x = 5`` where ``rand() < 0.1``, else 0, and
    ``y = 2x + 3 + 0.5 N(0, 1)``. A single sample's gradient in ``w`` is ``2 r x``: zero
    whenever the sample's x is."""
    rng = np.random.RandomState(seed)
    x = np.where(rng.rand(n) < rate, value, 0.0)
    return x, 2 * x + 3 + rng.randn(n) * 0.5


LINE_FIT = line_fit(
    "line_fit", *seed003_data(),
    domain=((-0.5, 3.0), (-0.5, 4.0)),
    view=(60, -100),
    description="MSE of a line fit y = w x + b over (w, b) on seeded data: "
                "full-batch vs mini-batch vs single-sample SGD.",
)

SPARSE_LINE_FIT = line_fit(
    "sparse_line_fit", *sparse_data(),
    domain=((-0.5, 3.5), (-0.5, 5.0)),
    view=(60, -100),
    description="MSE of a line fit on a rare feature (x = 5 in 13 of 100 samples): "
                "single-sample gradients in w are mostly zero.",
)
