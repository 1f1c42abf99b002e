"""Find a scene by name or path and load its `SCENE`.

Loading a scene runs its Python code, as `make` runs a Makefile's commands. A bare name
resolves only among the built-in scenes (this folder); anything with a path separator, `..` or a `.py` suffix
is a path and must point to an existing `.py` file.
"""
from __future__ import annotations

import ast
import contextlib
import difflib
import importlib.abc
import importlib.machinery
import importlib.resources
import importlib.util
import itertools
import os
import sys
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from optimotion import links, stops
from optimotion.errors import OLD_PACKAGES, SceneError, UnknownScene, old_import

from ._scene import Scene

#: The built-in scene files: the package's own data (a folder in any ordinary install).
SCENES_DIR = Path(str(importlib.resources.files("optimotion.scenes")))
#: The order of the groups in `--list` and in docs/gallery.md: the order of a course.
GROUPS = ("Getting started", "Learning rate", "Momentum", "Adaptive steps", "Noisy gradients",
          "Where you start", "Valleys, saddles and pits", "Real networks")
_counter = itertools.count()


@dataclass(frozen=True)
class SceneInfo:
    """What --list shows of a scene, read without running its code."""
    name: str
    path: Path
    description: str
    group: str


def names() -> list[str]:
    """The built-in scenes' names, sorted."""
    return sorted(path.stem for path in SCENES_DIR.glob("*.py") if not path.stem.startswith("_"))


def info(name_or_path: str | os.PathLike) -> SceneInfo:
    """Name, description (the docstring's first line) and group, without running the file."""
    path = resolve(name_or_path)
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except (SyntaxError, UnicodeDecodeError, OSError) as error:
        return SceneInfo(path.stem, path, f"(cannot read: {error.__class__.__name__})", "Other")
    doc = (ast.get_docstring(tree) or "").strip()
    group = "Other"
    for node in tree.body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name) and node.targets[0].id == "GROUP"
                and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)):
            group = node.value.value
    return SceneInfo(path.stem, path, doc.splitlines()[0] if doc else "", group)


def by_group() -> list[tuple[str, list[SceneInfo]]]:
    """The built-in scenes, grouped, in course order (GROUPS, then others, "Other" last)."""
    groups: dict[str, list[SceneInfo]] = {}
    for name in names():
        item = info(name)
        groups.setdefault(item.group, []).append(item)

    def rank(group: str):
        return (group == "Other", GROUPS.index(group) if group in GROUPS else len(GROUPS), group)
    return [(group, groups[group]) for group in sorted(groups, key=rank)]


def resolve(name_or_path: str | os.PathLike) -> Path:
    """The file behind a scene name or path; SceneError if there is none."""
    text = os.fspath(name_or_path)
    looks_like_path = (os.sep in text or "/" in text or (os.altsep and os.altsep in text)
                       or ".." in text or text.endswith(".py"))
    if looks_like_path:
        path = Path(text).expanduser()
        if not path.exists():
            raise SceneError(_why_missing(path, text))
        if path.is_dir():
            raise SceneError(f"scene path is a directory, not a .py file: {text}")
        if path.suffix != ".py":
            raise SceneError(f"a scene file must be a .py file: {text}")
        return path.resolve()
    if text in names():
        return SCENES_DIR / f"{text}.py"
    known = names()
    close = [name for name in known if name.lower() == text.lower()] or \
        difflib.get_close_matches(text.lower(), known, n=3, cutoff=0.5)
    hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    raise UnknownScene(f"unknown scene {text!r}.{hint} Known scenes: {', '.join(known)}")


def _why_missing(path: Path, text: str) -> str:
    """What a scene path that does not lead to a file is: a loop of links, a dangling link,
    a folder that is not there, or nothing at all."""
    broken = links.broken_link(path)
    if broken == links.LOOP:
        return f"scene path is {broken}: {text}"
    if broken is not None:
        return f"scene file not found: {text} is {broken}"
    try:
        os.stat(path)
    except PermissionError:
        return f"scene file cannot be reached (permission denied on a folder of it): {text}"
    except OSError:
        pass
    return f"scene file not found: {text}"


def helper_files(name_or_path: str | os.PathLike) -> tuple[Path, ...]:
    """The helper modules beside a scene file that its last load imported (what else a
    cache of its render depends on)."""
    return _HELPERS.get(resolve(name_or_path), ())


_HELPERS: dict[Path, tuple[Path, ...]] = {}


def load(name_or_path: str | os.PathLike) -> Scene:
    """Run the scene file and return its SCENE; SceneError (one line) on any failure."""
    path = resolve(name_or_path)
    module_name = f"_optimotion_scene_{next(_counter)}"  # registered while it runs: dataclasses look it up
    spec = importlib.util.spec_from_file_location(module_name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        with _helpers_beside(path.parent) as helpers, stops.handlers_kept():
            spec.loader.exec_module(module)
        _HELPERS[path] = tuple(helpers)
    except SyntaxError as error:
        raise SceneError(f"{path}:{error.lineno}: syntax error: {error.msg}") from None
    except BaseException as error:  # a scene file is user code: report any failure as one line
        if isinstance(error, SystemExit):
            raise SceneError(f"{path}: the scene called exit({error.code})") from None
        if not isinstance(error, Exception):
            raise  # Ctrl-C, or a stop signal: a stop, not the scene's fault
        line = _line_in(path, error)
        where = f"{path}:{line}" if line else str(path)
        if isinstance(error, ImportError) and error.name in OLD_PACKAGES:
            failure = SceneError(f"{where}: {old_import(error.name)}")
        else:
            failure = SceneError(f"{where}: {error.__class__.__name__}: {' '.join(str(error).split())}")
        failure.original = error
        raise failure from None
    finally:
        sys.modules.pop(module_name, None)
    scene = getattr(module, "SCENE", None)
    if scene is None:
        raise SceneError(f"{path}: defines no SCENE (expected SCENE = Scene(...))")
    if not isinstance(scene, Scene):
        raise SceneError(f"{path}: SCENE must be an optimotion.Scene, got {type(scene).__name__}")
    return scene


class _Beside(importlib.abc.MetaPathFinder):
    """Finds a top-level module in one folder, after everything else has looked: a scene's
    helper module beside it, as `python scene.py` would find it (but never in place of a
    module of the same name on sys.path). Remembers what it found."""

    def __init__(self, folder: Path):
        self.folder, self.found = str(folder), []

    def find_spec(self, name, path=None, target=None):
        if path is not None:
            return None  # a submodule: its package knows where it is
        spec = importlib.machinery.PathFinder.find_spec(name, [self.folder])
        if spec is not None:
            self.found.append(name)
        return spec


@contextlib.contextmanager
def _helpers_beside(folder: Path) -> Iterator[list[Path]]:
    """While a scene runs, `import helper` also finds helper.py beside it; afterwards
    the helpers it loaded leave `sys.modules` with the finder, and their files are in the
    list this yields."""
    finder, files = _Beside(folder), []
    sys.meta_path.append(finder)
    try:
        yield files
    finally:
        with contextlib.suppress(ValueError):
            sys.meta_path.remove(finder)
        for name in finder.found:
            module = sys.modules.get(name)
            if module is not None and Path(getattr(module, "__file__", None) or "/").parent == Path(finder.folder):
                files.append(Path(module.__file__))
                del sys.modules[name]


def _line_in(path: Path, error: BaseException) -> int | None:
    """The line of the scene file where the error passed through, if it did."""
    line = None
    for frame in traceback.extract_tb(error.__traceback__):
        if Path(frame.filename).resolve() == path:
            line = frame.lineno
    return line
