"""Child processes that leave the caller's world alone: which start method is safe here,
the caller's `__main__` not run again in a new interpreter, and children that end with
their parent. Used by the drawing processes (`draw.pool`), the tuning search
(`simulation.tuning`) and the command's batch of scenes (`batch`).
"""
from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import threading
import time
import types
from collections.abc import Iterator

GENTLE_END = 5.0  # seconds a child whose parent died has to clean up before it just ends


def start_method() -> str:
    chosen = multiprocessing.get_start_method(allow_none=True)
    if chosen is not None:
        return chosen
    # fork copies only the calling thread: with others running (a Jupyter kernel, a
    # progress monitor) a lock they held stays locked forever in the child.
    safe = sys.platform.startswith("linux") and threading.active_count() == 1
    return "fork" if safe else "spawn"


@contextlib.contextmanager
def callers_world_kept(method: str) -> Iterator[None]:
    """While child processes start by `method`: a new interpreter (spawn, forkserver) is
    not given the caller's `__main__` to run again (a script without a main guard would
    run its top level once per process; the children need nothing from it), and the
    start method, if the caller chose none, is left unchosen (starting a child fixes it)."""
    chosen = multiprocessing.get_start_method(allow_none=True)
    main = sys.modules.get("__main__")
    if method != "fork":
        sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if method != "fork":
            sys.modules["__main__"] = main
        if chosen is None and multiprocessing.get_start_method(allow_none=True) is not None:
            multiprocessing.set_start_method(None, force=True)


def end_with_parent(gently: bool = False) -> None:
    """Make this child process end when its parent does, however the parent ended (even
    kill -9): a thread waits on the parent's sentinel. `gently`: by a SIGTERM to itself
    first, so that the main thread cleans up what it was writing (its handler must raise)."""
    threading.Thread(target=_end_with_parent, args=(gently,), daemon=True).start()


def _end_with_parent(gently: bool) -> None:
    parent = multiprocessing.parent_process()
    if parent is not None:
        multiprocessing.connection.wait([parent.sentinel])
        if gently:
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(GENTLE_END)  # the main thread ends the process before this does
        os._exit(0)
