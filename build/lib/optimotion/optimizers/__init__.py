"""Optimizers as pure functions over explicit state, with torch.optim's semantics.

    from optimotion.optimizers import Adam
    opt = Adam(lr=0.02)
    state = opt.init(x)
    updates, state = opt.update(grad(x), state, x)
    x = x + updates

See ``optimizers.base`` for the interface and ``optimizers.schedules`` for learning-rate
schedules.  ``ALL`` maps each class name to its class (``by_name`` looks one up).
"""

if __name__ != "optimotion.optimizers":  # this folder of a clone imported as a package of its own
    from optimotion.errors import old_import

    raise ImportError(old_import("optimizers"), name="optimizers")

from . import schedules
from .adam import Adam, Adamax, AdamW, NAdam, RAdam
from .adaptive import Adadelta, Adagrad, RMSprop
from .base import Optimizer, Schedule
from .lion import Lion
from .sgd import SGD, EMAMomentum, Momentum, Nesterov

ALL: dict[str, type[Optimizer]] = {
    cls.__name__: cls
    for cls in (SGD, Momentum, Nesterov, EMAMomentum, Adagrad, RMSprop, Adadelta,
                Adam, AdamW, Adamax, NAdam, RAdam, Lion)
}


def by_name(name: str) -> type[Optimizer]:
    """The optimizer class called ``name`` (case-insensitive): ``by_name("adam")``."""
    for key, cls in ALL.items():
        if key.lower() == name.lower():
            return cls
    raise ValueError(f"unknown optimizer {name!r}; choose from {', '.join(ALL)}")


__all__ = ["ALL", "by_name", "Optimizer", "Schedule", "schedules", *ALL]
