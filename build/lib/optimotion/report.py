"""What the command line says, and where it says it.

One rule for where words go: the report of what was written goes to standard output,
unless the file itself goes there (`--out -`, `/dev/stdout`), when it goes to standard
error; errors, notices and progress bars go to standard error. A stream that is closed,
or fails (a closed pipe as in `| head`, a full device), drops what it is given: never
fatal, and never moved onto another stream, which may be holding the file. Characters the
stream's encoding lacks are written as escapes.
"""
from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading
import traceback
import unicodedata
from pathlib import Path

STDOUT, STDERR = "stdout", "stderr"


def say(text: str, stream: str = STDOUT) -> None:
    """Print one line on this process's `stream` ("stdout" or "stderr"), as it is now."""
    out = getattr(sys, stream)
    if out is None:  # started with the stream closed (2>&-): nothing to say it on
        return
    # a control character in a message (a scene's own error text) would act on the terminal
    text = "".join(c if c == "\t" or unicodedata.category(c) != "Cc" else ascii(c)[1:-1] for c in text)
    try:
        try:
            print(text, file=out, flush=True)
        except UnicodeEncodeError:
            encoding = getattr(out, "encoding", None) or "ascii"
            print(text.encode(encoding, "backslashreplace").decode(encoding), file=out, flush=True)
    except (OSError, ValueError):
        _drop(out)


def _drop(stream) -> None:
    """Send the rest of a failed stream to nowhere, so that Python's last flush at exit
    does not fail on it again (and print a traceback of its own)."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)


@contextlib.contextmanager
def matplotlib_quiet():
    """While the command runs, matplotlib says only errors: the render's own checks say what
    matters, and a warning such as an unwritable MPLCONFIGDIR's is no part of the report."""
    logger = logging.getLogger("matplotlib")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


EXIT_WITHIN = 5.0  # seconds the exit handlers have, at the command's end


def end_process(code: int) -> None:
    """End the command with `code`, whatever a scene's code left behind: the processes it
    started end with it, its exit handlers run for at most EXIT_WITHIN seconds (with
    matplotlib's own clean-up), and no thread of its is waited for."""
    import atexit
    import multiprocessing

    for child in multiprocessing.active_children():
        child.kill()  # the scene's: our own have ended; a gentler signal would run its copy of our handlers
    handlers = threading.Thread(target=atexit._run_exitfuncs, daemon=True)
    handlers.start()
    handlers.join(EXIT_WITHIN)
    flush_and_exit(code)


def flush_and_exit(code: int) -> None:
    """End this process with `code` now: the standard streams flushed, no thread waited for
    (a scene's code may have started one that never ends)."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)


def is_standard_output(path: str | os.PathLike | None) -> bool:
    """Whether `path` is "-" or this process's standard output (/dev/stdout, /proc/self/fd/1,
    or the file it is redirected to): a file that goes where the report would."""
    if path is None:
        return False
    if os.fspath(path) == "-":
        return True
    if sys.stdout is None:
        return False
    try:
        ours, theirs = os.fstat(sys.stdout.fileno()), os.stat(path)
    except (OSError, ValueError, AttributeError):
        return False
    return (ours.st_dev, ours.st_ino) == (theirs.st_dev, theirs.st_ino)


def same_file(stream_name: str, path) -> bool:
    """Whether this process's `stream_name` ("stdout", "stderr") is the file at `path`, or
    the same file as the other standard stream when `path` is "-" (`> f 2>&1`)."""
    stream = getattr(sys, stream_name)
    try:
        ours = os.fstat(stream.fileno())
        if os.fspath(path) == "-":
            theirs = os.fstat(sys.stdout.fileno() if stream_name == "stderr" else sys.stderr.fileno())
        else:
            theirs = os.stat(path)
    except (OSError, ValueError, AttributeError):
        return False
    return (ours.st_dev, ours.st_ino) == (theirs.st_dev, theirs.st_ino)


def program_files() -> set[Path]:
    """The files of this program's loaded modules (never a scene file: scenes are loaded
    under names of their own)."""
    return {Path(module.__file__).resolve() for name, module in list(sys.modules.items())
            if (name == "optimotion" or name.startswith("optimotion.")) and getattr(module, "__file__", None)}


def describe_failure(error: BaseException) -> str:
    """One line for an error that is no known mistake: its type and message, and the file
    and line of the user's own code it came from (a scene file, its surface), if any."""
    ours = program_files()
    installed = [Path(prefix).resolve() for prefix in {sys.prefix, sys.base_prefix}]
    where = ""
    for frame in traceback.extract_tb(error.__traceback__):
        if frame.filename.startswith("<"):
            continue
        path = Path(frame.filename).resolve()
        if path not in ours and not any(prefix in path.parents for prefix in installed):
            where = f" ({frame.filename}:{frame.lineno})"
    text = " ".join(str(error).split())
    return f"{error.__class__.__name__}{': ' + text if text else ''}{where}"


def summary(saved, animation, seconds: float) -> list[str]:
    """What a render wrote, a line each: the file, its frames (or rows), bytes and time,
    what diverged; the overview beside a PNG; a model race's end; what was done to fit."""
    blew_up, stuck = animation.diverged - animation.without_gradient, animation.without_gradient
    note = (f", {blew_up} diverged" if blew_up else "") + \
        (f", {stuck} stopped where autograd gives no gradient (a tip or a kink)" if stuck else "")
    frames = f"{saved.frames} frame{'' if saved.frames == 1 else 's'}"
    what = f"{animation.run.values.size:,} rows" if saved.frames == 0 else frames
    lines = [f"{saved.path}: {what}, {saved.bytes:,} bytes, {seconds:.1f} s{note}"]
    lines += [f"{path}: {what}" for path, what in zip(saved.extra_paths, saved.extra_names)]
    lines += [f"  {line}" for line in animation.summary()]
    if animation.tuning is not None:
        lines += [f"  {animation.tuning.stamp(animation.stage.value_name)}:"]
        lines += [f"    {line}" for line in animation.tuning_summary()]
    return lines + list(saved.notes)


class progress_bar:
    """A tqdm bar on standard error when `enabled`, else a no-op; yields `advance(n)` or None."""

    UNITS = {"simulate": " epochs", "project": " epochs", "landscape": " points", "render": " frames"}

    def __init__(self, total: int, phase: str, enabled: bool):
        self.total, self.phase, self.enabled, self.bar = total, phase, enabled, None

    def __enter__(self):
        if not self.enabled:
            return None
        from tqdm import tqdm
        tqdm.monitor_interval = 0  # no monitor thread: the render processes may be forked
        # delay: tqdm() itself then draws nothing, so a Ctrl-C inside it (before __exit__ can
        # apply) leaves no bar behind on the terminal
        self.bar = tqdm(total=self.total, desc=f"{self.phase:>8}", leave=False, unit=self.UNITS.get(self.phase, ""),
                        file=sys.stderr, dynamic_ncols=True, delay=0.1)
        return self.bar.update

    def __exit__(self, *exc):
        if self.bar is not None:
            try:
                self.bar.close()
            finally:
                if exc[0] is not None:  # stopped mid-draw, tqdm may not know it drew: wipe the line
                    try:
                        columns = os.get_terminal_size(sys.stderr.fileno()).columns
                    except (OSError, ValueError):
                        columns = 80
                    sys.stderr.write("\r" + " " * (columns - 1) + "\r")
                    sys.stderr.flush()
        return False


def progress_for(enabled: bool):
    """A `progress(phase, total)` for `render` and `save`: bars on a terminal, when `enabled`."""
    def progress(phase: str, total: int):
        return progress_bar(total, phase, enabled)
    return progress
