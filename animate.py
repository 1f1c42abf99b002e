#!/usr/bin/env python3
"""Animate optimizers racing across a loss surface.

From the shell:

    python animate.py saddle              # writes output/saddle.gif
    python animate.py path/to/my_scene.py # any file that defines SCENE = Scene(...)
    python animate.py --list              # the built-in scenes

From Python or a notebook beside this file:

    import animate
    movie = animate.render("saddle", size=(640, 360))   # an Animation, shown inline in Jupyter
    movie.save("saddle.mp4")                            # gif, mp4, webp, png, csv or html by suffix

A scene file is Python code and loading it runs that code, as `make` runs a Makefile.
This module is the command line: it parses options, calls the library (`animation`) and
reports. Importing it changes nothing: signal handlers are installed only while `main`
runs, and put back after.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import os
import signal
import sys
import threading
import time
from pathlib import Path

import batch
import style as looks
import validation
from animation import MAX_FPS, MIN_FPS, Animation, FitError, OptionError, Saved, render
from scenes import Racer, Scene, SceneError, UnknownScene, every, grid, show_epoch
from writer import FORMATS

__all__ = ["Animation", "Racer", "Saved", "Scene", "every", "grid", "main", "render", "show_epoch"]

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2
FLAGS = {"max_epochs": "--max-epochs", "size": "--size", "epochs": "--epochs"}


class UserError(Exception):
    """A mistake the user can fix: reported as one line, never a traceback."""

    def __init__(self, message: str, code: int = EXIT_ERROR):
        super().__init__(message)
        self.code = code


# -- parsing: text to values; the library's own checks say what is allowed -----------------

def _number(text: str, convert, expected: str, check=None, out_of_range: str | None = None):
    """`text` as a number (`convert`: int or float), checked by the library's `check`; an
    argparse error that says what was expected otherwise."""
    try:
        value = convert(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}") from None
    try:
        return check(value) if check else value
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected {out_of_range or expected}, got {text!r}") from None


def parse_size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT in pixels, like 960x540, got {text!r}") from None
    try:
        return looks.check_size(width, height)
    except ValueError:
        raise argparse.ArgumentTypeError(f"each side must be between {looks.MIN_SIDE} and {looks.MAX_SIDE} "
                                         f"pixels, got {text!r}") from None


def positive_int(text: str) -> int:
    return _number(text, int, "a positive integer", lambda value: validation.integer("N", value, 1))


def positive_float(text: str) -> float:
    return _number(text, float, "a positive number", lambda value: validation.real("N", value, 0, lo_open=True))


def dots_per_inch(text: str) -> int:
    return _number(text, int, "a positive integer", looks.check_dpi,
                   f"{looks.MIN_DPI} to {looks.MAX_DPI} dots per inch")


def degrees(text: str) -> float:
    return _number(text, float, "a number of degrees", looks.check_orbit,
                   f"degrees between -{looks.MAX_ORBIT} and {looks.MAX_ORBIT}")


def frames_per_second(text: str) -> float:
    value = positive_float(text)
    if not MIN_FPS <= value <= MAX_FPS:  # a GIF frame lasts at most 655.35 s; screens show at most 120
        raise argparse.ArgumentTypeError(f"expected {MIN_FPS} to {MAX_FPS} frames per second, got {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="animate.py",
        description="Animate optimizers racing across a loss surface and write a GIF (or MP4, WebP, PNG, CSV).",
        epilog="Scenes are Python files in scenes/ (or anywhere, given by path) that define "
               "SCENE = Scene(...); loading one runs its code. See README.md for writing your own. "
               "`python animate.py all [-j N] [--force]` renders every built-in scene to "
               "output/<scene>.<format>, N at a time, with the other options applied to each. It skips "
               "a scene whose output is up to date: newer than the scene file and than every module "
               "of the program that a render imports (not the tests, not other scene files). "
               "Options are not remembered: after changing --size, --theme, ... use --force. Each "
               "failure is one line and the rest still render; the exit code is 1 if any failed.",
    )
    parser.add_argument("scene", nargs="?", help="a built-in scene name (see --list), a path to a scene .py file, "
                        "or `all`: every built-in scene")
    parser.add_argument("--list", action="store_true", help="list the built-in scenes with a line each, then exit")
    parser.add_argument("--out", metavar="PATH", help="output file (default: output/<scene>.<format>)")
    parser.add_argument("--size", metavar="WxH", type=parse_size,
                        help="frame size in pixels (default: 960x540)")
    parser.add_argument("--epochs", metavar="N", type=positive_int,
                        help="override the scene's number of epochs")
    parser.add_argument("--max-epochs", metavar="N", type=positive_int,
                        help="lift the safety limit on epochs (default: 2,000,000)")
    parser.add_argument("--fps", metavar="F", type=frames_per_second, default=10.0,
                        help="frames per second, 0.01 to 120 (default: 10; the first frame is held 1 s, the "
                             "last 2 s; a GIF or WebP plays at most 50)")
    parser.add_argument("--format", choices=FORMATS, metavar="{" + ",".join(FORMATS) + "}",
                        help="gif (default), mp4 (H.264, plays in PowerPoint, Keynote, browsers), webp "
                             "(animated), png (a poster: the last frame, plus PATH-overview.png with the "
                             "whole trails on a contour map), csv (every epoch of every racer: "
                             "epoch,racer,start,x,y,z), html (a self-contained web page that plays it: "
                             "pause, scrub, step, read values; for a blog or an iframe); inferred from "
                             "--out's suffix when omitted")
    parser.add_argument("--preset", choices=sorted(looks.PRESETS), help="frame size for a purpose: "
                        + ", ".join(f"{name} {w}x{h}" for name, (w, h) in looks.PRESETS.items()) + " (--size wins)")
    parser.add_argument("--theme", choices=looks.THEMES, default="light",
                        help="light (default) or dark, for dark slides")
    parser.add_argument("--view", choices=looks.VIEWS, default="3d",
                        help="position view: 3-D surface (default), top-down contour map, or both")
    parser.add_argument("--orbit", metavar="DEG", type=degrees, default=0.0,
                        help="turn the 3-D view by DEG degrees from the first frame to the last (e.g. 60; "
                             "negative turns the other way). The view is then redrawn every frame: rendering "
                             "is slower and a GIF about ten times larger (an MP4 much less). No effect "
                             "without a 3-D view")
    parser.add_argument("--dpi", type=dots_per_inch, default=100,
                        help=f"dots per inch, {looks.MIN_DPI} to {looks.MAX_DPI}: larger makes text and lines "
                             "bigger at the same size (default: 100); a larger --size also makes them bigger")
    parser.add_argument("--max-bytes", metavar="N", type=positive_int,
                        help="keep the file under N bytes: every 2nd frame (while 30 frames are left), then "
                             "smaller pictures (down to 160 pixels a side), then fewer frames again, until it "
                             "fits (says what it did)")
    parser.add_argument("--jobs", "-j", metavar="N", type=positive_int,
                        help="render in N processes (default: up to 2, never more than the CPUs; on macOS "
                             "and Windows only for more than 63 frames of 960x540); the output is the same "
                             "for any N. With `all`: N scenes at once, each in one process "
                             "(default and most: the number of CPUs)")
    parser.add_argument("--force", action="store_true",
                        help="with `all`: render every scene, even those whose output is up to date")
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress bar and no summary line")
    parser.error = _usage_error  # one line, no usage block
    return parser


def _usage_error(message: str):
    """argparse's error, as one line: what is wrong and where to look; exit code 2."""
    say(f"animate.py: error: {message} (python animate.py --help lists the options)", file=sys.stderr)
    sys.exit(EXIT_USAGE)


# -- signals: a stop raises, so clean-up runs; only while main runs ------------------------

class Terminated(BaseException):
    """A signal that ends a process (SIGTERM, SIGHUP, ...), turned into an exception so
    that clean-up code runs. A BaseException, as KeyboardInterrupt is, so that no
    library's `except Exception` swallows it. `signum` is the signal."""

    def __init__(self, signum: int = signal.SIGTERM):
        super().__init__(signum)
        self.signum = signum


# Every signal whose default is to end the process, and that a terminal, a shell or a
# service manager sends to say "stop": each ends a render the same way (clean-up, one
# line, exit code 128 + N). SIGINT is Ctrl-C; SIGPIPE stays as Python sets it (ignored:
# a closed pipe is an error on the write, see `say`).
STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR1",
                                                         "SIGUSR2", "SIGALRM") if hasattr(signal, name))
STOPPED = {signal.SIGINT: "interrupted", signal.SIGTERM: "terminated"}
if hasattr(signal, "SIGHUP"):
    STOPPED[signal.SIGHUP] = "hung up"


def stopped_by(signum: int) -> str:
    return STOPPED.get(signum) or f"stopped by {signal.Signals(signum).name}"


def stop_code(signum: int) -> int:
    return 128 + int(signum)


class StopSignals:
    """While active, SIGINT raises KeyboardInterrupt and every other STOP_SIGNALS raises
    Terminated (a signal that was ignored when we started stays ignored, as `nohup` wants).

    Only the first signal raises: a second Ctrl-C during the clean-up would interrupt the
    clean-up itself. A library may swallow even the first (autograd's `wraps` catches
    BaseException), so it also starts a watchdog that ends the process if it still runs
    0.5 s later. On exit the earlier handlers are put back.
    """

    def __init__(self):
        self.received = None  # the first stop signal, once one has arrived
        self._reported = threading.Lock()  # held once the stop has been reported
        self._watchdog = None
        self._saved = {}

    def __enter__(self) -> StopSignals:
        if threading.current_thread() is not threading.main_thread():
            return self  # signal handlers can only be set from the main thread
        for signum in STOP_SIGNALS:
            current = signal.getsignal(signum)
            if current is signal.SIG_IGN or (signum == signal.SIGINT and current is not signal.default_int_handler):
                continue
            self._saved[signum] = signal.signal(signum, self._on_signal)
        return self

    def __exit__(self, *exc) -> None:
        for signum, handler in self._saved.items():
            signal.signal(signum, handler)
        self.disarm()

    def disarm(self) -> None:
        """For code that caught the stop and reports it by itself (`all`)."""
        if self._watchdog is not None:
            self._watchdog.cancel()

    def _on_signal(self, signum, frame):
        if self.received is not None:
            return  # already stopping: let the clean-up finish (the watchdog has the last word)
        self.received = signum
        self._watchdog = threading.Timer(0.5, self._end, (signum,))
        self._watchdog.daemon = True
        self._watchdog.start()
        raise KeyboardInterrupt() if signum == signal.SIGINT else Terminated(signum)

    def _end(self, signum) -> None:
        """The watchdog's last resort: stop the child processes, say so, exit."""
        import multiprocessing

        for child in multiprocessing.active_children():
            child.terminate()
        os._exit(self.report(signum))

    def report(self, signum) -> int:
        """Say once that a signal stopped the render; its exit code."""
        if self._reported.acquire(blocking=False):
            say(f"animate.py: {stopped_by(signum)}; nothing was written", file=sys.stderr, flush=True)
        return stop_code(signum)


def say(text: str, file=None, flush: bool = True) -> None:
    """Print one line of the report. A report that can't be printed (a closed pipe, as in
    `| head`, a full device, a closed stream) is dropped: it never stops the work nor
    changes the exit code. Characters the stream's encoding lacks are written as escapes."""
    stream = sys.stdout if file is None else file
    if stream is None:  # started with the stream closed (2>&-)
        return
    try:
        try:
            print(text, file=stream, flush=flush)
        except UnicodeEncodeError:
            encoding = getattr(stream, "encoding", None) or "ascii"
            print(text.encode(encoding, "backslashreplace").decode(encoding), file=stream, flush=flush)
    except (OSError, ValueError):
        _drop(stream)


def _drop(stream) -> None:
    """Send the rest of a failed stream to nowhere, so that Python's last flush at exit
    does not fail on it again (and print a traceback of its own)."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)


def negative_values_joined(parser: argparse.ArgumentParser, argv: list[str]) -> list[str]:
    """`--orbit -1e2` as `--orbit=-1e2`: argparse takes a value that starts with "-" for an
    option unless it looks like "-1" or "-0.5", so "-1e2" or "-inf" would be "expected one
    argument" instead of the option's own message about the number."""
    takes_value = {option for action in parser._actions if action.option_strings and action.nargs is None
                   and action.const is None for option in action.option_strings}
    out, i = [], 0
    while i < len(argv):
        arg = argv[i]
        following = argv[i + 1] if i + 1 < len(argv) else None
        if arg in takes_value and following is not None and following.startswith("-") and _is_number(following):
            out.append(f"{arg}={following}")
            i += 2
            continue
        out.append(arg)
        i += 1
    return out


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(negative_values_joined(parser, sys.argv[1:] if argv is None else list(argv)))
    with StopSignals() as stops:
        try:
            return run(args, parser, stops)
        except UserError as error:
            say(f"animate.py: error: {error}", file=sys.stderr)
            return error.code
        except KeyboardInterrupt:
            return stops.report(signal.SIGINT)
        except Terminated as stop:
            return stops.report(stop.signum)
        except Exception as error:  # user code (a scene's surface, schedule, ...) or a bug: one line
            if stops.received is not None:  # C code (matplotlib, Pillow) can turn the stop into another error
                return stops.report(stops.received)
            say(f"animate.py: error: {describe_failure(error)}", file=sys.stderr)
            return EXIT_ERROR


def describe_failure(error: BaseException) -> str:
    """One line for an unexpected error: its type and message, and the file and line of
    the user's own code it came from (a scene file, its surface or schedule), if any."""
    import traceback

    program = Path(__file__).resolve().parent
    where = ""
    for frame in traceback.extract_tb(error.__traceback__):
        if frame.filename.startswith("<"):
            continue
        path = Path(frame.filename).resolve()
        ours = program in path.parents and not (path.parent == program / "scenes" and not path.name.startswith("_"))
        library = any(Path(prefix).resolve() in path.parents for prefix in (sys.prefix, sys.base_prefix))
        if not ours and not library:
            where = f" ({frame.filename}:{frame.lineno})"
    text = " ".join(str(error).split())
    return f"{error.__class__.__name__}{': ' + text if text else ''}{where}"


def user_error(error: Exception, out: Path | None = None) -> UserError | None:
    """The library's report of a mistake, as the command line says it; None for a failure
    that is no user mistake of a known kind (a bug, or the user's own code raising)."""
    import runner
    import writer

    if isinstance(error, UnknownScene):
        return UserError(str(error), EXIT_USAGE)
    original = error.original if isinstance(error, SceneError) else error
    message = str(error)
    if isinstance(original, validation.LimitError) and original.option in FLAGS:
        message += f" (on the command line: {FLAGS[original.option]} N)"
    if isinstance(error, (SceneError, OptionError, validation.LimitError, runner.SurfaceError, FitError,
                          writer.OutputError)):
        return UserError(message)
    if isinstance(error, OSError):
        return UserError(f"cannot write {out or error.filename}: {error.strerror or error}")
    return None


def run(args, parser, stops: StopSignals) -> int:
    import scenes

    if args.list:
        print_list(scenes)
        return EXIT_OK
    if not args.scene:
        parser.print_usage(sys.stderr)
        raise UserError("name a scene to render, e.g. `python animate.py saddle` (--list shows them)", EXIT_USAGE)
    if args.scene == "all":
        return render_all(args, stops)
    if args.force:
        raise UserError("--force only applies to `python animate.py all`", EXIT_USAGE)
    if args.out == "":
        raise UserError("--out is empty: give a file name (or - for standard output)", EXIT_USAGE)
    if args.out and args.out.endswith(("/", os.sep)) and not Path(args.out).is_dir():
        raise UserError(f"{args.out} ends in '/', so it names a folder: give a file name, e.g. {args.out}"
                        f"{Path(args.scene).stem}.{args.format or 'gif'}")
    fmt = output_format(args)
    to_stdout = args.out == "-" or is_standard_output(args.out)
    if to_stdout:  # the convention: standard output (`-`, or /dev/stdout); the report goes to stderr
        out = sys.stdout.buffer if hasattr(sys.stdout, "buffer") else sys.stdout
    else:
        out = Path(args.out) if args.out else Path("output") / f"{Path(args.scene).stem}.{fmt}"
        if out.is_dir():
            raise UserError(f"--out is a directory: {out} (give a file name, e.g. {out / ('scene.' + fmt)})")
    show_progress = not args.quiet and sys.stderr is not None and sys.stderr.isatty()
    options = {**render_options(args), "notice": _quiet if args.quiet else _say_long}
    return report(*render_and_save(args.scene, out, fmt, options, args.max_bytes, show_progress),
                  quiet=args.quiet, file=sys.stderr if to_stdout else None)


def render_options(args) -> dict:
    """The command line's options as the keyword options of `render`."""
    options = dict(epochs=args.epochs, max_epochs=args.max_epochs, size=args.size, preset=args.preset,
                   theme=args.theme, view=args.view, orbit=args.orbit, dpi=args.dpi, fps=args.fps)
    if args.jobs:
        options["jobs"] = args.jobs
    return options


def _say_long(text: str) -> None:
    say(f"animate.py: {text}", file=sys.stderr)


def _quiet(text: str) -> None:
    pass


def is_standard_output(path: str | None) -> bool:
    """Whether `path` is this process's standard output (/dev/stdout, /proc/self/fd/1, or
    the file it is redirected to): written as a path, the report printed after it would
    land on top of the file's first bytes."""
    if not path or sys.stdout is None:
        return False
    try:
        ours, theirs = os.fstat(sys.stdout.fileno()), os.stat(path)
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        return False
    return (ours.st_dev, ours.st_ino) == (theirs.st_dev, theirs.st_ino)


def render_and_save(scene: str, out: Path, fmt: str, options: dict, max_bytes: int | None,
                    show_progress: bool = False) -> tuple[Saved, Animation, float]:
    """Render and write one scene; a user's mistake raises UserError."""
    started = time.perf_counter()

    def progress(phase, total):
        return progress_bar(total, phase, show_progress)

    try:
        animation = render(scene, poster=fmt in ("png", "html", "csv"), progress=progress, **options)
        saved = animation.save(out, format=fmt, max_bytes=None if fmt == "csv" else max_bytes, progress=progress)
    except Exception as error:
        mistake = user_error(error, out)
        if mistake is None:
            raise
        raise mistake from None
    return saved, animation, time.perf_counter() - started


def report(saved: Saved, animation: Animation, seconds: float, quiet: bool = False, file=None) -> int:
    if not quiet:
        blew_up, stuck = animation.diverged - animation.without_gradient, animation.without_gradient
        note = (f", {blew_up} diverged" if blew_up else "") + \
            (f", {stuck} stopped where autograd gives no gradient (a tip or a kink)" if stuck else "")
        frames = f"{saved.frames} frame{'' if saved.frames == 1 else 's'}"
        what = f"{len(animation.run.values) * animation.run.values[0].size:,} rows" if saved.frames == 0 else frames
        say(f"{saved.path}: {what}, {saved.bytes:,} bytes, {seconds:.1f} s{note}", file=file)
        for path in saved.extra_paths:
            say(f"{path}: overview", file=file)
        for line in animation.summary():
            say(f"  {line}", file=file)
        for line in saved.notes:
            say(line.replace("max_bytes=", "--max-bytes "), file=file)
    return EXIT_OK


def output_format(args) -> str:
    """--format, or the suffix of --out, or gif; a clash between the two is a usage error."""
    import writer

    try:
        return writer.format_for(args.out, args.format)
    except ValueError:
        if args.format and args.out:
            raise UserError(f"--out {args.out} does not end in .{args.format} as --format {args.format} says",
                            EXIT_USAGE) from None
        suffix = Path(args.out).suffix.lower().lstrip(".")
        raise UserError(f"unknown output format {suffix!r} (from --out {args.out}); use one of: "
                        f"{', '.join(FORMATS)}", EXIT_USAGE) from None


# -- all: every built-in scene ------------------------------------------------------------

def render_all(args, stops: StopSignals) -> int:
    """`all`: every built-in scene to output/<scene>.<format>, `args.jobs` at a time, each
    in a process of its own, so that one failure, even a crash, costs only that scene."""
    if args.out:
        raise UserError("--out names one file; `all` writes output/<scene>.<format>", EXIT_USAGE)
    fmt = output_format(args)
    started = time.perf_counter()
    options = {**render_options(args), "jobs": 1, "notice": _quiet}  # `all` says what it wrote, no more
    counts = {"written": 0, "up to date": 0, "failed": 0}
    at_once = batch.scene_jobs(args.jobs)
    if args.jobs and at_once < args.jobs and not args.quiet:
        say(f"all: -j {args.jobs} is more than the {at_once} processors here: {at_once} scenes at a time "
            "(more processes would share the same cores, and be slower)", file=sys.stderr)
    try:
        for outcome in batch.render_all(Path("output"), fmt, _render_in_child, (options, args.max_bytes),
                                        jobs=args.jobs, force=args.force):
            if outcome.status == "up to date":
                counts["up to date"] += 1
                if not args.quiet:
                    say(f"{outcome.out}: up to date", flush=True)
            elif outcome.status == "written":
                counts["written"] += 1
                if not args.quiet and outcome.text.strip():
                    say(outcome.text.rstrip("\n"), flush=True)
            else:
                counts["failed"] += 1
                say(f"animate.py: error: {outcome.name}: {outcome.text}", file=sys.stderr, flush=True)
    except (KeyboardInterrupt, Terminated) as stop:
        stops.disarm()  # caught here, and said below
        signum = getattr(stop, "signum", signal.SIGINT)
        say(f"animate.py: {stopped_by(signum)}; {counts['written']} scenes were "
            "written, the ones in progress were not", file=sys.stderr)
        return stop_code(signum)
    if not args.quiet:
        total = sum(counts.values())
        say(f"all: {total} scenes, " + ", ".join(f"{n} {what}" for what, n in counts.items())
              + f", {time.perf_counter() - started:.1f} s")
    return EXIT_ERROR if counts["failed"] else EXIT_OK


def _render_in_child(scene_file: Path, out: Path, fmt: str, options: dict, max_bytes: int | None) -> tuple[int, str]:
    """In a child process of `all`: render one scene; (exit code, summary line or error)."""
    try:
        saved, animation, seconds = render_and_save(str(scene_file), out, fmt, options, max_bytes)
        import io

        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            report(saved, animation, seconds)
        return EXIT_OK, printed.getvalue()
    except UserError as error:
        return error.code, str(error)
    except KeyboardInterrupt:
        return stop_code(signal.SIGINT), stopped_by(signal.SIGINT)
    except BaseException as error:  # report anything as one line; the other scenes go on
        return EXIT_ERROR, describe_failure(error)


def print_list(scenes) -> None:
    grouped = scenes.by_group()
    width = max((len(item.name) for _, items in grouped for item in items), default=0)
    for group, items in grouped:
        say(f"{group}:")
        for item in items:
            say(f"  {item.name:<{width}}  {item.description}")


class progress_bar:
    """A tqdm bar on stderr when wanted, else a no-op; yields an `advance(n)` function."""

    def __init__(self, total: int, phase: str, enabled: bool):
        self.total, self.phase, self.enabled, self.bar = total, phase, enabled, None

    def __enter__(self):
        if not self.enabled:
            return None
        from tqdm import tqdm
        tqdm.monitor_interval = 0  # no monitor thread: the render processes may be forked
        # delay: tqdm() itself then draws nothing, so a Ctrl-C inside it (before __exit__ can
        # apply) leaves no bar behind on the terminal
        unit = {"simulate": " epochs", "project": " epochs", "landscape": " points", "render": " frames"}.get(
            self.phase, "")
        self.bar = tqdm(total=self.total, desc=f"{self.phase:>8}", leave=False, unit=unit,
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


if __name__ == "__main__":
    sys.exit(main())
