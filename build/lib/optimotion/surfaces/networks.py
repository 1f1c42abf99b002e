"""Real models on real data: the training loss of a small classifier over its parameters.

A `Network` is a loss over a parameter vector of `dim` numbers (every weight and bias of
the model, flattened), not over a plotting domain: a scene races optimizers on it as on
any surface, and the picture draws the race on the plane of its trajectories
(`plane.py`). The data is scikit-learn's handwritten digits as the Gradient Descent Variants notebook prepares them:
the 64 pixel features standardised over all 1,797 images (`StandardScaler`), then an
80/20 split with `random_state=42` (1,437 training and 360 test images).

``f(theta)`` is the mean softmax cross-entropy on the training set; theta is a vector
``(dim,)`` or a batch ``(dim, K)`` of K parameter vectors, giving a scalar or ``(K,)``, so
one call evaluates a whole grid of parameter vectors (in chunks, see `loss_of`).

The parameter vector of a network with layer sizes ``(n0, n1, ..., nL)`` is, layer by
layer, the weights ``W`` (n_in x n_out, row-major: ``x @ W``) then the biases ``b``, the
layout of ``torch.nn.Linear``'s ``weight.T`` and ``bias``. Hidden layers are ReLU.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import NamedTuple

import autograd.numpy as anp
import numpy as np

from optimotion import validation

__all__ = ["Model", "Network", "Digits", "digits", "DIGITS_MLP", "DIGITS_LOGISTIC"]

#: Parameter vectors evaluated per batch of `loss_of`: bounds the memory of a grid's
#: evaluation (each holds a (samples, width) activation per vector).
CHUNK = 48
TRAINING_SAMPLES = 1437  # the digits' training split: 80% of 1,797 (known without loading them)
PLANE_CHUNK = 8  # points of a plane's grid per batch: their activations stay in the cache


class Digits(NamedTuple):
    x_train: np.ndarray  # (1437, 64), standardised
    y_train: np.ndarray  # (1437,) class 0-9
    x_test: np.ndarray   # (360, 64)
    y_test: np.ndarray


@functools.cache
def digits() -> Digits:
    """The digits as the Gradient Descent Variants notebook prepares them: `load_digits`,
    standardised over all images, 80/20 split (seed 42).

    (scikit-learn is imported here, on first use: importing `surfaces` stays quick.)
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    data = load_digits()
    x = StandardScaler().fit_transform(data.data)
    x_train, x_test, y_train, y_test = train_test_split(x, data.target, test_size=0.2, random_state=42)
    arrays = [np.ascontiguousarray(a, dtype=float if a.dtype.kind == "f" else np.int64)
              for a in (x_train, y_train, x_test, y_test)]
    for a in arrays:
        a.flags.writeable = False
    return Digits(*arrays)


class Model:
    """What a scene needs of a loss over a parameter vector: `name`, `dim`, `f`,
    `description`, and for mini-batches `n_samples` and `batch_loss`. `test_accuracy`
    (or None) is what the picture reports at the end."""
    name: str
    dim: int
    description: str

    def f(self, theta):
        raise NotImplementedError

    def __call__(self, theta):
        return self.f(theta)

    def memory_bytes(self, trajectories: int) -> int:
        """About what racing `trajectories` at once takes: their parameters, gradients and
        optimizer states, and what autograd keeps to differentiate `f` (a model may know
        better: `Network.memory_bytes`)."""
        return 8 * self.dim * trajectories * 8

    def loss_of(self, theta, progress=None) -> np.ndarray:
        """`f` at many parameter vectors (dim, K), CHUNK at a time, without gradients."""
        theta = np.asarray(theta, dtype=float).reshape(self.dim, -1)
        out = np.empty(theta.shape[1])
        for k in range(0, theta.shape[1], CHUNK):
            with np.errstate(all="ignore"):
                out[k:k + CHUNK] = self.f(theta[:, k:k + CHUNK])
            if progress is not None:
                progress(min(CHUNK, theta.shape[1] - k))
        return out

    def loss_on_plane(self, centre, directions, ab, progress=None) -> np.ndarray:
        """The loss at ``centre + a * directions[0] + b * directions[1]`` for each column
        (a, b) of ab (2, K): a plane's grid, CHUNK points at a time (a model may know a
        quicker way: `Network.loss_on_plane`)."""
        ab = np.asarray(ab, dtype=float).reshape(2, -1)
        out = np.empty(ab.shape[1])
        for k in range(0, ab.shape[1], CHUNK):
            out[k:k + CHUNK] = self.loss_of(centre[:, None] + np.asarray(directions).T @ ab[:, k:k + CHUNK], progress)
        return out


@dataclass(frozen=True, eq=False)
class Network(Model):
    """A classifier with layer sizes ``sizes`` (input, hidden..., classes) on the digits.

    ``Network("digits_mlp", (64, 64, 10))`` is the Gradient Descent Variants notebook's MLP (4,810 parameters);
    ``(64, 10)`` is multinomial logistic regression (650). ``l2`` adds
    ``l2 / 2 * sum(theta ** 2)`` to the loss (0: none), which makes logistic regression
    strictly convex, with one minimum.
    """
    name: str
    sizes: tuple[int, ...]
    description: str = ""
    l2: float = 0.0
    log_z: bool = True
    dim: int = field(init=False)

    def __post_init__(self):
        if not isinstance(self.name, str) or not self.name.isidentifier():
            raise ValueError(f"name must be an identifier-like string, got {self.name!r}")
        sizes = tuple(validation.integer("sizes", n, 1) for n in self.sizes)
        if len(sizes) < 2:
            raise ValueError(f"{self.name}: sizes must be (inputs, ..., classes), got {self.sizes!r}")
        if sizes[0] != 64 or sizes[-1] != 10:
            raise ValueError(f"{self.name}: the digits have 64 pixel features and 10 classes, so sizes must be "
                             f"(64, ..., 10), got {self.sizes!r}")
        object.__setattr__(self, "sizes", sizes)
        object.__setattr__(self, "l2", validation.real("l2", self.l2, 0))
        object.__setattr__(self, "dim", sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:])))

    @property
    def n_samples(self) -> int:
        return len(digits().y_train)

    def memory_bytes(self, trajectories: int) -> int:
        """As `Model.memory_bytes`, and the activations autograd keeps: about four arrays of
        (training samples, units) per hidden layer and trajectory."""
        activations = TRAINING_SAMPLES * sum(self.sizes[1:]) * 4
        return 8 * trajectories * (activations + 8 * self.dim)

    def f(self, theta):
        """The mean cross-entropy on the training set: (dim,) -> scalar, (dim, K) -> (K,)."""
        data = digits()
        return self._penalised(theta, cross_entropy(theta, data.x_train, data.y_train, self.sizes))

    def _penalised(self, theta, loss):
        return loss + 0.5 * self.l2 * anp.sum(theta * theta, axis=0) if self.l2 else loss

    def batch_loss(self, theta, indices):
        """The loss on a batch of training samples per vector: theta (dim, K), indices (K, k)."""
        data = digits()
        return self._penalised(theta, cross_entropy(theta, data.x_train[indices], data.y_train[indices], self.sizes))

    def test_accuracy(self, theta) -> np.ndarray:
        """The share of test images classified right, per vector of theta (dim, K)."""
        data = digits()
        theta = np.asarray(theta, dtype=float).reshape(self.dim, -1)
        return np.concatenate([np.mean(np.argmax(logits(theta[:, k:k + CHUNK], data.x_test, self.sizes), axis=-1)
                                       == data.y_test, axis=-1) for k in range(0, theta.shape[1], CHUNK)])

    def initial(self, seed: int = 0) -> np.ndarray:
        """He-initialised parameters (the Gradient Descent Variants notebook's init): each W ~ N(0, 2 / n_in), b = 0,
        drawn layer by layer from ``numpy.random.default_rng(seed)``."""
        rng = np.random.default_rng(validation.integer("seed", seed, 0))
        parts = []
        for n_in, n_out in zip(self.sizes[:-1], self.sizes[1:]):
            parts += [(rng.standard_normal((n_in, n_out)) * np.sqrt(2.0 / n_in)).ravel(), np.zeros(n_out)]
        return np.concatenate(parts)

    def loss_on_plane(self, centre, directions, ab, progress=None) -> np.ndarray:
        """The training loss at ``centre + a * directions[0] + b * directions[1]`` for each
        column (a, b) of ab (2, K): `loss_of` on the plane, for a grid.

        The first layer's pre-activations are linear in the parameters, so on a plane they
        are A0 + a A1 + b A2 with three (samples, width) products worked out once; each
        point then costs the layers after the first only.
        """
        data, sizes = digits(), self.sizes
        ab = np.asarray(ab, dtype=float).reshape(2, -1)
        n_first = (sizes[0] + 1) * sizes[1]
        basis = np.stack([centre, *directions], axis=1)  # (dim, 3): the plane's origin and axes
        (w, b), = _unpacked(basis[:n_first], sizes[:2])  # w (3, n_in, n_out), b (3, 1, n_out)
        first = (np.matmul(data.x_train, w) + b).reshape(3, -1)  # (3, samples * n_out)
        rest = basis[n_first:]
        out = np.empty(ab.shape[1])
        for k in range(0, ab.shape[1], PLANE_CHUNK):
            a, c = ab[:, k:k + PLANE_CHUNK]
            with np.errstate(all="ignore"):
                z = (np.stack([np.ones_like(a), a, c], axis=1) @ first).reshape(len(a), -1, sizes[1])
                if len(sizes) > 2:
                    theta = rest[:, :1] + rest[:, 1:2] * a + rest[:, 2:] * c
                    z = logits(theta, np.maximum(z, 0.0, out=z), sizes[1:])
                out[k:k + PLANE_CHUNK] = mean_cross_entropy(z, data.y_train)
                if self.l2:
                    points = basis[:, :1] + basis[:, 1:2] * a + basis[:, 2:] * c
                    out[k:k + PLANE_CHUNK] += 0.5 * self.l2 * np.sum(points * points, axis=0)
            if progress is not None:
                progress(len(a))
        return out


def _unpacked(theta, sizes):
    """(W, b) per layer from theta (dim, K): W (K, n_in, n_out), b (K, 1, n_out)."""
    # Vector-major first: each reshape below then copies into C order, where matmul runs as
    # BLAS (a strided view of theta would take numpy's slow loop).
    rows, k, at, layers = anp.transpose(theta), theta.shape[1], 0, []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        w = anp.reshape(rows[:, at:at + n_in * n_out], (k, n_in, n_out))
        at += n_in * n_out
        b = anp.reshape(rows[:, at:at + n_out], (k, 1, n_out))
        at += n_out
        layers.append((w, b))
    return layers


def logits(theta, x, sizes):
    """The network's outputs for inputs x ((n, features), or (K, n, features): a batch per
    vector), for each of the K vectors of theta (dim, K): shape (K, n, classes)."""
    h = x
    layers = _unpacked(theta, sizes)
    for i, (w, b) in enumerate(layers):
        h = anp.matmul(h, w) + b
        if i < len(layers) - 1:
            h = h * (h > 0)  # ReLU, with torch's zero gradient at 0
    return h


def cross_entropy(theta, x, y, sizes):
    """mean_i [logsumexp(z_i) - z_i[y_i]] of the logits z, as torch.nn.functional.cross_entropy."""
    single = anp.ndim(theta) == 1
    if single:
        theta = anp.reshape(theta, (-1, 1))
    losses = mean_cross_entropy(logits(theta, x, sizes), y)
    return losses[0] if single else losses


def mean_cross_entropy(z, y):
    """The mean over samples of the cross-entropy of logits z (..., n, classes) for labels y (n,)."""
    top = anp.max(z, axis=-1, keepdims=True)
    log_norm = top[..., 0] + anp.log(anp.sum(anp.exp(z - top), axis=-1))
    picked = anp.sum(z * (np.arange(z.shape[-1]) == np.asarray(y)[..., None]), axis=-1)
    return anp.mean(log_norm - picked, axis=-1)


DIGITS_MLP = Network(
    "digits_mlp", (64, 64, 10),
    description="An MLP on scikit-learn's digits: 64 -> 64 ReLU -> 10, softmax cross-entropy.")

DIGITS_LOGISTIC = Network(
    "digits_logistic", (64, 10), l2=0.01,
    description="Logistic regression on scikit-learn's digits, L2 penalty 0.01: strictly convex, one minimum.")
