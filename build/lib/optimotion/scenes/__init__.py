"""Scenes: declarations of what to animate, one per file in this folder.

A scene file `scenes/<name>.py` defines `SCENE = Scene(...)`; its docstring's first line
is what `animate --list` shows, and an optional `GROUP = "..."` sorts it there.
"""

if __name__ != "optimotion.scenes":  # this folder of a clone imported as a package of its own
    from optimotion.errors import old_import

    raise ImportError(old_import("scenes"), name="scenes")
from ._loader import GROUPS, SceneError, SceneInfo, UnknownScene, by_group, helper_files, info, load, names, resolve
from ._scene import (
    MAX_EPOCHS,
    TUNE_TRIALS,
    EvenMotion,
    Racer,
    Scene,
    Variants,
    check_tune,
    even_motion,
    every,
    grid,
    show_epoch,
)

__all__ = ["GROUPS", "MAX_EPOCHS", "TUNE_TRIALS", "by_group", "check_tune",
           "Racer", "Scene", "SceneError", "SceneInfo", "UnknownScene", "Variants",
           "EvenMotion", "even_motion", "every", "grid", "helper_files", "info", "load", "names", "resolve",
           "show_epoch"]
