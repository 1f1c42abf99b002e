"""Every built-in scene at once (`animate all`): which are up to date, and
rendering the others a few at a time, each in a process of its own.

A process per scene, not a pool: a scene that crashes its process (a scene file may
call `os._exit`) then costs only itself. The child gets plain values (the scene file's
path, the output path, the keyword options of `render`), so any start method works.
"""
from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from optimotion import errors, processes, report, scenes, stops


class Outcome(NamedTuple):
    name: str
    out: Path
    status: str  # "written", "up to date" or "failed"
    text: str    # what the render reported (lines), or the one-line error


def source_files() -> list[Path]:
    """The program's own source: every module of the package that a render runs (not the
    scene files, which are not modules of the package, nor the tests, docs or benches)."""
    from optimotion import animation  # noqa: F401  (with the two it imports when it draws: all that a render runs)
    from optimotion.draw import frames, overview  # noqa: F401

    return sorted(path for path in report.program_files() if path.suffix == ".py")


def is_up_to_date(out: Path, scene_file: Path) -> bool:
    """The output exists and is newer than the scene file and every source file."""
    try:
        built = out.stat().st_mtime_ns
        return all(built > path.stat().st_mtime_ns for path in [scene_file, *source_files()])
    except OSError:
        return False


def render_scene(scene_file: Path, out: Path, fmt: str, options: dict, max_bytes: int | None) -> tuple[int, str]:
    """Render one scene to `out`: (exit code, the report's lines, or the one-line error)."""
    from optimotion.animation import render_and_save

    try:
        saved, movie, seconds = render_and_save(str(scene_file), out, fmt, max_bytes, **options, notice=_silent)
        return 0, "\n".join(report.summary(saved, movie, seconds))
    except errors.Mistake as mistake:
        return mistake.exit_code, str(mistake)
    except (KeyboardInterrupt, stops.Terminated) as stop:
        return stops.stop_code(stops.signal_of(stop)), stops.stopped_by(stops.signal_of(stop))
    except BaseException as error:  # anything else as one line: the other scenes go on
        return 1, report.describe_failure(error)


def _silent(text: str) -> None:
    """`all` says what it wrote, no more (a picklable function: children may be spawned)."""


def _child(sender, *args) -> None:
    # The parent handles Ctrl-C and a hang-up, and stops us with SIGTERM, which raises
    # (`_stopping`), so that the file being written is cleaned up; a child ends with its parent.
    for name in ("SIGINT", "SIGHUP", "SIGQUIT"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stopping)
    processes.end_with_parent(gently=True)
    sender.send(render_scene(*args))
    sender.close()
    report.flush_and_exit(0)  # now, even if the scene's code left a thread running


def _stopping(signum, frame):
    signal.signal(signum, signal.SIG_DFL)  # once: a second SIGTERM ends it at once
    raise stops.Terminated(signum)


def scene_jobs(jobs: int | None) -> int:
    """How many scenes render at once: `jobs`, at most the processors (each scene renders
    in one process; more of them than processors only share the same cores, slower), and
    the processors by default."""
    cpus = os.cpu_count() or 1
    return cpus if jobs is None else max(1, min(jobs, cpus))


def render_all(folder: Path, fmt: str, options: dict, max_bytes: int | None = None, jobs: int | None = None,
               force: bool = False) -> Iterator[Outcome]:
    """Each built-in scene to folder/<scene>.<fmt>, rendered with the keyword `options` of
    `render` in a child process, `jobs` at a time (default: the CPUs).

    Yields an Outcome per scene as it ends. On any exception here (Ctrl-C) the children
    still running are stopped before it propagates.
    """
    jobs = scene_jobs(jobs)
    todo = []
    for name in scenes.names():
        out, scene_file = folder / f"{name}.{fmt}", scenes.resolve(name)
        if not force and is_up_to_date(out, scene_file):
            yield Outcome(name, out, "up to date", "")
        else:
            todo.append((name, out, scene_file))
    context = multiprocessing.get_context(processes.start_method())
    running: dict = {}  # receiving end -> (name, out, process)
    try:
        while todo or running:
            while todo and len(running) < jobs:
                name, out, scene_file = todo.pop(0)
                receiver, sender = context.Pipe(duplex=False)
                process = context.Process(target=_child, args=(sender, scene_file, out, fmt, options, max_bytes))
                with processes.callers_world_kept(context.get_start_method()):
                    process.start()
                sender.close()
                running[receiver] = (name, out, process)
            for receiver in multiprocessing.connection.wait(list(running)):
                name, out, process = running.pop(receiver)
                try:
                    code, text = receiver.recv()
                except EOFError:
                    code, text = 1, "the render process died"
                process.join()
                if code == 0 and process.exitcode == 0:
                    yield Outcome(name, out, "written", text)
                else:
                    if process.exitcode not in (0, None) and text == "the render process died":
                        text += f" (exit code {process.exitcode})"
                    yield Outcome(name, out, "failed", text)
    finally:
        for _, _, process in running.values():
            process.terminate()
        for _, _, process in running.values():
            process.join()
