"""The mistakes a user can make, as exceptions whose message is one line.

Every one of them derives from `Mistake`: the command line prints its message as one
line and exits with its `exit_code`, never with a traceback. Messages name the library's
keyword options (`max_epochs`, `orbit`); `option` says which one a mistake concerns, so
that the command line can add its flag without editing the text.
"""
from __future__ import annotations


class Mistake(Exception):
    """A mistake the user can fix; the message says what, and how, in one line."""

    exit_code = 1
    option: str | None = None  # the keyword option concerned, if one


class OptionError(Mistake, ValueError):
    """An option of `render` or `save` that breaks its rule."""

    def __init__(self, message: str, option: str | None = None):
        super().__init__(message)
        self.option = option

    def __reduce__(self):  # pickles with its option (from a render in another process)
        return type(self), (str(self), self.option)


class LimitError(OptionError):
    """A value over a safety limit that the caller may lift with `option`."""


class FitError(OptionError):
    """`max_bytes` cannot be met."""


class SceneError(Mistake):
    """A scene that cannot be found or loaded. `original` is what the scene file raised."""

    original: BaseException | None = None

    @property
    def option(self) -> str | None:  # a limit the scene file ran into is still that option's
        return getattr(self.original, "option", None)


class UnknownScene(SceneError):
    """A scene name that is not a built-in scene."""

    exit_code = 2


class SurfaceError(Mistake, ValueError):
    """A surface that cannot be raced: no number, no gradient, complex values, ..."""


class PlaneError(Mistake, ValueError):
    """A race over a model that has no plane to be drawn on."""


class OutputError(Mistake, OSError):
    """An output path that cannot be written."""


class SceneExit(Exception):
    """The scene's own code (its surface, a schedule, its frame rule) called sys.exit: in
    a library call that would end the caller's program, so it is an error instead, with
    the traceback of the call (which names the file and line)."""


class SlowRenderWarning(UserWarning):
    """A render that will take long, said before it starts."""


#: The top-level packages scene files imported before optimotion was one package.
OLD_PACKAGES = ("optimizers", "scenes", "surfaces")


def old_import(package: str) -> str:
    """What to write instead of `from optimizers import ...` (or scenes, surfaces)."""
    return (f"`from {package} import ...` is the old form; write `from optimotion import ...` "
            f"(or `from optimotion.{package} import ...`)")
