"""optimotion: optimizers racing across loss surfaces, step for step as torch.optim moves them.

    import optimotion
    movie = optimotion.render("saddle", size=(640, 360))   # an Animation; inline in Jupyter
    movie.save("saddle.gif")                               # gif, mp4, webp, png, csv or html

A scene of your own:

    from optimotion import Scene, SGD, Adam
    scene = Scene(surface="rosenbrock", start=(-1.5, 2.0), optimizers=[SGD(lr=1e-3), Adam(lr=0.05)], epochs=2000)
    optimotion.render(scene).save("race.gif")

The command line is `animate` (or `python -m optimotion`); the docs directive is the
Sphinx extension `optimotion.sphinxext`.
"""
from importlib.metadata import PackageNotFoundError, version

from optimotion import optimizers, scenes, surfaces
from optimotion.animation import Animation, Saved, SlowRenderWarning, render
from optimotion.errors import FitError, OptionError, SceneError, SceneExit, UnknownScene
from optimotion.optimizers import (
    SGD,
    Adadelta,
    Adagrad,
    Adam,
    Adamax,
    AdamW,
    EMAMomentum,
    Lion,
    Momentum,
    NAdam,
    Nesterov,
    Optimizer,
    RAdam,
    RMSprop,
    schedules,
)
from optimotion.scenes import Racer, Scene, Variants, even_motion, every, grid, show_epoch
from optimotion.surfaces import Model, Network, Surface

try:
    __version__ = version("optimotion")
except PackageNotFoundError:  # pragma: no cover - the package is always installed to be imported
    __version__ = "0+unknown"

__all__ = [
    "Adadelta", "Adagrad", "Adam", "Adamax", "AdamW", "Animation", "EMAMomentum", "FitError", "Lion", "Model",
    "Momentum", "NAdam", "Nesterov", "Network", "OptionError", "Optimizer", "RAdam", "RMSprop", "Racer", "SGD",
    "Saved", "Scene", "SceneError", "SceneExit", "SlowRenderWarning", "Surface", "UnknownScene", "Variants",
    "__version__", "even_motion", "every", "grid", "optimizers", "render", "scenes", "schedules", "show_epoch",
    "surfaces",
]
