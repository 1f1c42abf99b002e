"""Loss surfaces for the optimizer race, found by name.

>>> import surfaces
>>> s = surfaces.get("saddle")
>>> s.dim, s.minima
(2, ())
>>> surfaces.names()[:3]
('parabola_1d', 'quartic_1d', 'bowl')

Every surface is also a module constant (``surfaces.SADDLE``, ...).
"""

if __name__ != "optimotion.surfaces":  # this folder of a clone imported as a package of its own
    from optimotion.errors import old_import

    raise ImportError(old_import("surfaces"), name="surfaces")

import difflib

from .base import Surface, UnknownSurface
from .benchmarks import (
    ACKLEY,
    BEALE,
    BOOTH,
    EGGHOLDER,
    GOLDSTEIN_PRICE,
    HIMMELBLAU,
    LEVI13,
    MATYAS,
    MCCORMICK,
    RASTRIGIN,
    ROSENBROCK,
    SIX_HUMP_CAMEL,
    STYBLINSKI_TANG,
    THREE_HUMP_CAMEL,
)
from .data import LINE_FIT, SPARSE_LINE_FIT, LineFit
from .networks import DIGITS_LOGISTIC, DIGITS_MLP, Model, Network
from .shapes import (
    BOWL,
    ELLIPTIC_BOWL,
    LONG_VALLEY,
    MONKEY_SADDLE,
    PARABOLA_1D,
    QUARTIC_1D,
    SADDLE,
    STRETCHED_BOWL,
)

# Registry order, the order of names(): 1-D curves, then convex shapes, saddles,
# valleys, and on to multimodal and rugged benchmarks.
_ALL = (
    PARABOLA_1D, QUARTIC_1D,
    BOWL, ELLIPTIC_BOWL, STRETCHED_BOWL, LONG_VALLEY, BOOTH, MATYAS,
    SADDLE, MONKEY_SADDLE,
    ROSENBROCK, BEALE, GOLDSTEIN_PRICE,
    HIMMELBLAU, THREE_HUMP_CAMEL, SIX_HUMP_CAMEL, STYBLINSKI_TANG, MCCORMICK,
    LEVI13, ACKLEY, RASTRIGIN, EGGHOLDER,
    LINE_FIT, SPARSE_LINE_FIT,  # data-driven: a model's loss over its parameters (surfaces/data.py)
)
_REGISTRY = {s.name: s for s in _ALL}
assert len(_REGISTRY) == len(_ALL), "duplicate surface name"
#: Losses over a model's parameter vector (surfaces/networks.py): raced in many dimensions,
#: drawn on the plane of the race (plane.py). `get` finds them too; `names` lists surfaces.
MODELS = {m.name: m for m in (DIGITS_MLP, DIGITS_LOGISTIC)}

__all__ = ["Surface", "UnknownSurface", "LineFit", "Model", "Network", "MODELS", "get", "names",
           "DIGITS_MLP", "DIGITS_LOGISTIC", *(s.name.upper() for s in _ALL)]


def names() -> tuple[str, ...]:
    """All registered surface names: 1-D first, then roughly from easy to rugged."""
    return tuple(_REGISTRY)


def get(name: str) -> Surface | Model:
    """The surface (or model, see `MODELS`) registered as ``name``; raises ``UnknownSurface``
    (a ``LookupError``) naming the closest matches otherwise."""
    try:
        return _REGISTRY[name] if name in _REGISTRY else MODELS[name]
    except (KeyError, TypeError):
        close = difflib.get_close_matches(str(name), names(), n=3, cutoff=0.5)
        hint = f"did you mean {', '.join(map(repr, close))}? " if close else ""
        raise UnknownSurface(
            f"unknown surface {name!r}; {hint}known: {', '.join(names())}") from None
