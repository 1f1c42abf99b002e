#!/usr/bin/env python3
"""Animate optimizers racing across a loss surface.

    python animate.py saddle              # writes output/saddle.gif
    python animate.py path/to/my_scene.py # any file that defines SCENE = Scene(...)
    python animate.py --list              # the built-in scenes

A scene file is Python code and loading it runs that code, as `make` runs a Makefile.
"""
from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import time
from pathlib import Path

from writer import FORMATS  # light: numpy and Pillow only

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2
PRESETS = {"blog": (960, 540), "slides": (1280, 720), "square": (800, 800)}
EXIT_SIGINT, EXIT_SIGTERM = 130, 143
MAX_PIXELS = 4096
MIN_FPS = 0.01
MIN_DPI, MAX_DPI = 50, 150
MAX_ORBIT = 3600  # ten turns: more would only spin
MAX_FRAME_BYTES = 4 * 2**30  # the rendered frames are held in memory until encoded


class UserError(Exception):
    """A mistake the user can fix: reported as one line, never a traceback."""

    def __init__(self, message: str, code: int = EXIT_ERROR):
        super().__init__(message)
        self.code = code


def parse_size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT in pixels, like 960x540, got {text!r}") from None
    if not (16 <= width <= MAX_PIXELS and 16 <= height <= MAX_PIXELS):
        raise argparse.ArgumentTypeError(f"each side must be between 16 and {MAX_PIXELS} pixels, got {text!r}")
    return width, height


def _number(text: str, convert, expected: str, valid, out_of_range: str | None = None):
    """`text` as a number (`convert`: int or float), or an argparse error that says what
    was expected: `expected` if it is no number, `out_of_range` (or `expected`) if `valid`
    refuses it."""
    try:
        value = convert(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}") from None
    if not valid(value):
        raise argparse.ArgumentTypeError(f"expected {out_of_range or expected}, got {text!r}")
    return value


def positive_int(text: str) -> int:
    return _number(text, int, "a positive integer", lambda value: value > 0)


def positive_float(text: str) -> float:
    return _number(text, float, "a positive number", lambda value: 0 < value < float("inf"))


def dots_per_inch(text: str) -> int:  # beyond the bounds, the text no longer fits the layout
    return _number(text, int, "a positive integer", lambda value: MIN_DPI <= value <= MAX_DPI,
                   f"{MIN_DPI} to {MAX_DPI} dots per inch")


def degrees(text: str) -> float:
    return _number(text, float, "a number of degrees", lambda value: abs(value) <= MAX_ORBIT,
                   f"degrees between -{MAX_ORBIT} and {MAX_ORBIT}")


def frames_per_second(text: str) -> float:
    value = positive_float(text)
    if value < MIN_FPS:  # a GIF frame lasts at most 655.35 s
        raise argparse.ArgumentTypeError(f"expected at least {MIN_FPS} frames per second, got {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="animate.py",
        description="Animate optimizers racing across a loss surface and write a GIF (or MP4, WebP, PNG).",
        epilog="Scenes are Python files in scenes/ (or anywhere, given by path) that define "
               "SCENE = Scene(...); loading one runs its code. See README.md for writing your own. "
               "`python animate.py all [-j N] [--force]` renders every built-in scene to "
               "output/<scene>.<format>, N at a time, with the other options applied to each. It skips "
               "a scene whose output is up to date: newer than the scene file and than every source "
               "file of the program (*.py at the top level and in surfaces/, optimizers/, and scenes/_*.py). "
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
                        help="frames per second (default: 10; the last frame is held 2 s)")
    parser.add_argument("--format", choices=FORMATS, metavar="{gif,mp4,webp,png}",
                        help="gif (default), mp4 (H.264, plays in PowerPoint, Keynote, browsers), webp "
                             "(animated), png (a poster: the last frame, plus PATH-overview.png with the "
                             "whole trails on a contour map); inferred from --out's suffix when omitted")
    parser.add_argument("--preset", choices=sorted(PRESETS), help="frame size for a purpose: "
                        + ", ".join(f"{name} {w}x{h}" for name, (w, h) in PRESETS.items()) + " (--size wins)")
    parser.add_argument("--theme", choices=("light", "dark"), default="light",
                        help="light (default) or dark, for dark slides")
    parser.add_argument("--view", choices=("3d", "contour", "both"), default="3d",
                        help="position view: 3-D surface (default), top-down contour map, or both")
    parser.add_argument("--orbit", metavar="DEG", type=degrees, default=0.0,
                        help="turn the 3-D view by DEG degrees from the first frame to the last (e.g. 60; "
                             "negative turns the other way). The view is then redrawn every frame: rendering "
                             "is slower and a GIF about ten times larger (an MP4 much less). No effect "
                             "without a 3-D view")
    parser.add_argument("--dpi", type=dots_per_inch, default=100,
                        help=f"dots per inch, {MIN_DPI} to {MAX_DPI}: larger makes text and lines bigger at the "
                             "same size (default: 100); a larger --size also makes them bigger")
    parser.add_argument("--max-bytes", metavar="N", type=positive_int,
                        help="keep the file under N bytes: every 2nd frame (while 30 frames are left), then "
                             "smaller pictures (down to 160 pixels a side), then fewer frames again, until it "
                             "fits (says what it did)")
    parser.add_argument("--jobs", "-j", metavar="N", type=positive_int,
                        help="render in N processes (default: up to 2); the output is the same for any N. "
                             "With `all`: N scenes at once, each in one process (default: the number of CPUs)")
    parser.add_argument("--force", action="store_true",
                        help="with `all`: render every scene, even those whose output is up to date")
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress bar and no summary line")
    parser.error = _usage_error  # one line, no usage block
    return parser


def _usage_error(message: str):
    """argparse's error, as one line: what is wrong and where to look; exit code 2."""
    print(f"animate.py: error: {message} (python animate.py --help lists the options)", file=sys.stderr)
    sys.exit(EXIT_USAGE)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return run(args, parser)
    except UserError as error:
        print(f"animate.py: error: {error}", file=sys.stderr)
        return error.code
    except KeyboardInterrupt:
        return _report_stop(signal.SIGINT)
    except Terminated:
        return _report_stop(signal.SIGTERM)
    except Exception as error:  # user code (a scene's surface, schedule, ...) or a bug: one line
        if _stop_signal is not None:  # C code (matplotlib, Pillow) can turn the stop into another error
            return _report_stop(_stop_signal)
        print(f"animate.py: error: {describe_failure(error)}", file=sys.stderr)
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


class Terminated(BaseException):
    """SIGTERM, turned into an exception so that clean-up code runs. A BaseException, as
    KeyboardInterrupt is, so that no library's `except Exception` swallows it."""


_stop_signal = None  # the first SIGINT or SIGTERM, once one has arrived
_stop_reported = threading.Lock()  # held once the stop has been reported
_watchdog = None


def _disarm_watchdog() -> None:
    """For code that caught the stop and reports it by itself (`all`)."""
    if _watchdog is not None:
        _watchdog.cancel()


def _on_stop_signal(signum, frame):
    """Raise KeyboardInterrupt (SIGINT) or Terminated (SIGTERM), so that clean-up runs.

    A library may swallow even these (autograd's `wraps` catches BaseException), so the
    first signal also starts a watchdog that ends the process if it still runs 0.5 s later.
    """
    global _stop_signal, _watchdog
    if _stop_signal is None:
        _stop_signal = signum
        _watchdog = threading.Timer(0.5, lambda: os._exit(_report_stop(signum)))
        _watchdog.daemon = True
        _watchdog.start()
    raise KeyboardInterrupt() if signum == signal.SIGINT else Terminated()


def _report_stop(signum) -> int:
    """Say once (and only in the main process) that a signal stopped the render; its exit code."""
    import multiprocessing

    first = _stop_reported.acquire(blocking=False) if _stop_signal is not None else True  # vs the watchdog
    if first and multiprocessing.parent_process() is None:
        stopped = "interrupted" if signum == signal.SIGINT else "terminated"
        print(f"animate.py: {stopped}; nothing was written", file=sys.stderr, flush=True)
    return EXIT_SIGINT if signum == signal.SIGINT else EXIT_SIGTERM


def run(args, parser) -> int:
    signal.signal(signal.SIGTERM, _on_stop_signal)
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:  # not if SIGINT is ignored
        signal.signal(signal.SIGINT, _on_stop_signal)
    import scenes

    if args.list:
        print_list(scenes)
        return EXIT_OK
    if not args.scene:
        parser.print_usage(sys.stderr)
        raise UserError("name a scene to render, e.g. `python animate.py saddle` (--list shows them)", EXIT_USAGE)
    if args.scene == "all":
        return render_all(args)
    if args.force:
        raise UserError("--force only applies to `python animate.py all`", EXIT_USAGE)

    started = time.perf_counter()
    try:
        scene = scenes.load(args.scene)
    except scenes.UnknownScene as error:
        raise UserError(str(error), EXIT_USAGE) from None
    except scenes.SceneError as error:
        raise UserError(str(error)) from None
    overrides = {}
    if args.max_epochs is not None:
        overrides["max_epochs"] = args.max_epochs
    if args.epochs is not None:
        overrides["epochs"] = args.epochs
    try:
        scene = scene.with_options(**overrides)
    except ValueError as error:
        raise UserError(str(error)) from None
    frames_wanted = len(scene.frame_epochs)
    if frames_wanted == 0:
        raise UserError(f"the scene's show_epoch rule selects no epoch out of {scene.epochs:,}")

    fmt = output_format(args)
    out = Path(args.out) if args.out else Path("output") / f"{Path(args.scene).stem}.{fmt}"
    if out.is_dir():
        raise UserError(f"--out is a directory: {out} (give a file name, e.g. {out / ('scene.' + fmt)})")

    import pipeline
    import renderer
    import runner
    import writer

    width, height = args.size or PRESETS.get(args.preset, PRESETS["blog"])
    held = (1 if fmt == "png" else frames_wanted) * width * height * 3  # the frames, held in memory
    if held > MAX_FRAME_BYTES:
        raise UserError(f"{frames_wanted:,} frames of {width}x{height} would take {held / 2**30:.1f} GiB of memory, "
                        f"over the limit of {MAX_FRAME_BYTES / 2**30:.0f} GiB: show fewer epochs "
                        "(Scene(show_epoch=every(k)) or --epochs) or use a smaller --size")
    options = pipeline.Options(fmt=fmt, fps=args.fps, max_bytes=args.max_bytes,
                               **({"jobs": args.jobs} if args.jobs else {}),
                               style=renderer.Style(width=width, height=height, dpi=args.dpi,
                                                    theme=args.theme, view=args.view, orbit=args.orbit))
    show_progress = not args.quiet and sys.stderr.isatty()
    try:
        result = pipeline.render(scene, out, options,
                                 progress=lambda phase, total: progress_bar(total, phase, show_progress))
    except (runner.SurfaceError, pipeline.FitError) as error:
        raise UserError(str(error)) from None
    except writer.OutputError as error:
        raise UserError(str(error)) from None
    except OSError as error:
        raise UserError(f"cannot write {out}: {error.strerror or error}") from None
    if not args.quiet:
        note = f", {result.diverged} diverged" if result.diverged else ""
        seconds = time.perf_counter() - started
        frames = f"{result.frames} frame{'' if result.frames == 1 else 's'}"
        print(f"{result.path}: {frames}, {result.bytes:,} bytes, {seconds:.1f} s{note}")
        for path in result.extra_paths:
            print(f"{path}: overview")
        for line in result.notes:
            print(line)
    return EXIT_OK


def render_all(args) -> int:
    """`all`: every built-in scene to output/<scene>.<format>, `args.jobs` at a time.

    Each scene renders in its own process with the same options (`run` with that scene),
    so one failure, even a crash, costs only that scene.
    """
    import multiprocessing
    import multiprocessing.connection

    import scenes

    if args.out:
        raise UserError("--out names one file; `all` writes output/<scene>.<format>", EXIT_USAGE)
    fmt = output_format(args)
    started = time.perf_counter()
    jobs = args.jobs or os.cpu_count() or 1
    counts = {"written": 0, "up to date": 0, "failed": 0}
    todo = []
    for name in scenes.names():
        out = Path("output") / f"{name}.{fmt}"
        if not args.force and is_up_to_date(out, scenes.resolve(name)):
            counts["up to date"] += 1
            if not args.quiet:
                print(f"{out}: up to date", flush=True)
        else:
            todo.append(name)
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    running: dict = {}  # receiving end -> (scene, process)
    try:
        while todo or running:
            while todo and len(running) < jobs:
                name = todo.pop(0)
                receiver, sender = context.Pipe(duplex=False)
                process = context.Process(target=_render_one, args=(args, name, sender))
                process.start()
                sender.close()
                running[receiver] = (name, process)
            for receiver in multiprocessing.connection.wait(list(running)):
                name, process = running.pop(receiver)
                try:
                    code, text = receiver.recv()
                except EOFError:
                    code, text = EXIT_ERROR, "the render process died"
                process.join()
                if code == EXIT_OK and process.exitcode == 0:
                    counts["written"] += 1
                    if not args.quiet and text.strip():
                        print(text.rstrip("\n"), flush=True)
                else:
                    counts["failed"] += 1
                    if process.exitcode not in (0, None) and text == "the render process died":
                        text += f" (exit code {process.exitcode})"
                    print(f"animate.py: error: {name}: {text}", file=sys.stderr, flush=True)
    except (KeyboardInterrupt, Terminated) as stop:
        _disarm_watchdog()  # caught here, and said below
        for name, process in running.values():
            process.terminate()
        for name, process in running.values():
            process.join()
        interrupted = isinstance(stop, KeyboardInterrupt)
        print(f"animate.py: {'interrupted' if interrupted else 'terminated'}; {counts['written']} scenes were "
              "written, the ones in progress were not", file=sys.stderr)
        return EXIT_SIGINT if interrupted else EXIT_SIGTERM
    if not args.quiet:
        total = sum(counts.values())
        print(f"all: {total} scenes, " + ", ".join(f"{n} {what}" for what, n in counts.items())
              + f", {time.perf_counter() - started:.1f} s")
    return EXIT_ERROR if counts["failed"] else EXIT_OK


def _render_one(args, name: str, sender) -> None:
    """In a child process: render one scene as `python animate.py NAME` would, and send back
    (exit code, what it printed) or (exit code, the one-line error)."""
    import contextlib
    import io

    args = argparse.Namespace(**{**vars(args), "scene": name, "jobs": 1, "force": False})
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(io.StringIO()):
            code = run(args, build_parser())
        message = (code, printed.getvalue())
    except UserError as error:
        message = (error.code, str(error))
    except KeyboardInterrupt:
        message = (EXIT_SIGINT, "interrupted")
    except Terminated:
        message = (EXIT_SIGTERM, "terminated")
    except BaseException as error:  # report anything as one line; the other scenes go on
        message = (EXIT_ERROR, f"{error.__class__.__name__}: {error}".splitlines()[0])
    sender.send(message)
    sender.close()


def source_files() -> list[Path]:
    """The program's own source: every module a render imports, less the scene files.

    (Not every .py file in the folder: a user's own scene saved there is not the program.)
    """
    import pipeline  # noqa: F401  (it imports all that a render runs)

    root = Path(__file__).resolve().parent

    def is_program(path: Path) -> bool:
        parts = path.relative_to(root).parts
        if parts[0].startswith(".") or parts[0] in ("tests", "docs", "bench") or "site-packages" in parts:
            return False  # a virtual environment, or code that a render does not run
        return parts[0] != "scenes" or path.name.startswith("_")

    loaded = {Path(module.__file__).resolve() for module in list(sys.modules.values())
              if isinstance(getattr(module, "__file__", None), str)}
    return sorted(path for path in loaded if root in path.parents and path.suffix == ".py" and is_program(path))


def is_up_to_date(out: Path, scene_file: Path) -> bool:
    """The output exists and is newer than the scene file and every source file."""
    try:
        built = out.stat().st_mtime_ns
        return all(built > path.stat().st_mtime_ns for path in [scene_file, *source_files()])
    except OSError:
        return False


def output_format(args) -> str:
    """--format, or the suffix of --out, or gif; a clash between the two is a usage error."""
    suffix = Path(args.out).suffix.lower().lstrip(".") if args.out else ""
    if args.format and suffix and suffix != args.format:
        raise UserError(f"--out {args.out} does not end in .{args.format} as --format {args.format} says", EXIT_USAGE)
    fmt = args.format or suffix or "gif"
    if fmt not in FORMATS:
        raise UserError(f"unknown output format {fmt!r} (from --out {args.out}); use one of: "
                        f"{', '.join(FORMATS)}", EXIT_USAGE)
    return fmt


def print_list(scenes) -> None:
    infos = [scenes.info(name) for name in scenes.names()]
    groups: dict[str, list] = {}
    for item in infos:
        groups.setdefault(item.group, []).append(item)
    width = max((len(item.name) for item in infos), default=0)
    for group in sorted(groups, key=lambda g: (g == "Other", g)):
        print(f"{group}:")
        for item in groups[group]:
            print(f"  {item.name:<{width}}  {item.description}")


class progress_bar:
    """A tqdm bar on stderr when wanted, else a no-op; yields an `advance(n)` function."""

    def __init__(self, total: int, phase: str, enabled: bool):
        self.total, self.phase, self.enabled, self.bar = total, phase, enabled, None

    def __enter__(self):
        if not self.enabled:
            return None
        from tqdm import tqdm
        # delay: tqdm() itself then draws nothing, so a Ctrl-C inside it (before __exit__ can
        # apply) leaves no bar behind on the terminal
        unit = {"simulate": " epochs", "render": " frames"}.get(self.phase, "")
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
