"""The command line: `animate` (also `python -m optimotion`, and `python animate.py` in a clone).

    animate saddle                 # writes output/saddle.gif under this folder
    animate path/to/my_scene.py    # any file that defines SCENE = Scene(...)
    animate --list                 # the built-in scenes
    animate all -j 2               # every built-in scene into output/

It parses the options, calls the library and reports. Every rule about a value lives in
the library, whose messages name its keyword options; this module adds the flag's name.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from optimotion import batch, errors, report, scenes, stops, validation
from optimotion.animation import MAX_FPS, MIN_FPS, check_fps, check_options_for, render_and_save
from optimotion.draw import style as looks
from optimotion.output.encoders import FORMATS, format_for
from optimotion.report import STDERR, STDOUT, say
from optimotion.simulation import start_grid

PROG = "animate"
DEFAULT_START_GRID = 10  # --start-grid alone: 100 starts, a page about 3x the one without
EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2
#: The flag of each keyword option, for messages that name the keyword.
FLAGS = {"epochs": "--epochs", "max_epochs": "--max-epochs", "size": "--size", "preset": "--preset",
         "theme": "--theme", "view": "--view", "orbit": "--orbit", "dpi": "--dpi", "fps": "--fps",
         "jobs": "--jobs", "max_bytes": "--max-bytes", "format": "--format", "glyphs": "--glyphs",
         "slow_start": "--slow-start", "tune": "--tune", "start_grid": "--start-grid"}


class Usage(errors.Mistake):
    """A command line that does not say what to do; exit code 2, as argparse's own."""

    exit_code = EXIT_USAGE


def checked(convert, check, expected: str):
    """An argparse type: `text` converted, then checked by the library; else "expected ..."."""
    def parse(text: str):
        try:
            return check(convert(text))
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}") from None
    return parse


def size(text: str) -> tuple[int, int]:
    width, _, height = text.lower().partition("x")
    return looks.check_size(int(width), int(height))


positive_int = checked(int, lambda n: validation.integer("N", n, 1), "a positive integer")
TYPES = {
    "size": checked(size, lambda wh: wh, f"WIDTHxHEIGHT, each side {looks.MIN_SIDE} to {looks.MAX_SIDE} pixels "
                                         "(like 960x540)"),
    "fps": checked(float, check_fps, f"{MIN_FPS} to {MAX_FPS} frames per second"),
    "dpi": checked(int, looks.check_dpi, f"{looks.MIN_DPI} to {looks.MAX_DPI} dots per inch"),
    "orbit": checked(float, looks.check_orbit, f"degrees between -{looks.MAX_ORBIT} and {looks.MAX_ORBIT}"),
    "slow_start": checked(int, lambda n: validation.integer("N", n, 0), "a number of updates, 0 or more"),
    "start_grid": checked(int, start_grid.check_side, f"a number of starts a side from {start_grid.MIN_SIDE} to "
                                                       f"{start_grid.MAX_SIDE}"),
    "tune": checked(int, lambda n: n if n == 0 else scenes.check_tune(n),
                    f"a number of trials from {scenes.TUNE_TRIALS[0]} to {scenes.TUNE_TRIALS[1]} (0: the scene's "
                    "own learning rates)"),
}


class Parser(argparse.ArgumentParser):
    """argparse, with one-line usage errors and a record of the options that take a value."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.takes_value: set[str] = set()

    def add_argument(self, *names, **kwargs):
        if names[0].startswith("-") and kwargs.get("action") is None:
            self.takes_value.update(names)
        return super().add_argument(*names, **kwargs)

    def error(self, message: str):
        raise Usage(f"{message} ({PROG} --help lists the options)")

    def values_joined(self, argv: list[str]) -> list[str]:
        """`--orbit -1e2` as `--orbit=-1e2`: argparse takes "-1e2" or "-inf" for an option."""
        out = []
        for arg in argv:
            if out and out[-1] in self.takes_value and arg.startswith("-") and _is_number(arg):
                out[-1] = f"{out[-1]}={arg}"
            else:
                out.append(arg)
        return out


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def build_parser() -> Parser:
    parser = Parser(prog=PROG, description="Animate optimizers racing across a loss surface: a GIF (or MP4, "
                    "WebP, PNG, CSV, a web page) of every optimizer stepping as torch.optim steps.",
                    epilog=f"`{PROG} all [-j N] [--force]` renders every built-in scene to "
                    "output/<scene>.<format>, N at a time, skipping those newer than their scene file and "
                    "the program (options are not remembered: after changing --size, --theme, ... add --force). "
                    "A scene file is Python code: loading it runs it. Docs: the README and docs/.")
    parser.add_argument("scene", nargs="?", help="a built-in scene (see --list), a path to a scene .py file, "
                        "or `all`: every built-in scene")
    parser.add_argument("--list", action="store_true", help="list the built-in scenes, then exit")
    parser.add_argument("--out", metavar="PATH", help="output file (default: output/<scene>.<format>; - for "
                        "standard output)")
    parser.add_argument("--format", choices=FORMATS, metavar="{" + ",".join(FORMATS) + "}",
                        help="gif (default), mp4, webp, png (the last frame, and PATH-overview.png), csv (every "
                             "epoch of every racer), html (a web page with a player); default: --out's suffix")
    parser.add_argument("--size", metavar="WxH", type=TYPES["size"], help="frame size in pixels (default: 960x540)")
    parser.add_argument("--preset", choices=sorted(looks.PRESETS), help="frame size for a purpose: "
                        + ", ".join(f"{name} {w}x{h}" for name, (w, h) in looks.PRESETS.items()) + " (--size wins)")
    parser.add_argument("--theme", choices=looks.THEMES, help="light (default) or dark")
    parser.add_argument("--view", choices=looks.VIEWS,
                        help="position view: 3d, contour (a top-down map) or both (default: the scene's, or 3d)")
    parser.add_argument("--orbit", metavar="DEG", type=TYPES["orbit"],
                        help="turn the 3-D view by DEG degrees over the animation (slower; a GIF ~10x larger)")
    parser.add_argument("--dpi", type=TYPES["dpi"],
                        help=f"{looks.MIN_DPI} to {looks.MAX_DPI}: larger text and lines at one size, as far as "
                             "the frame holds them (150 from 960x540 up, 100 at 480x270; default: 100)")
    parser.add_argument("--glyphs", metavar="LIST",
                        help="draw each racer's state at its marker: auto (each optimizer's own), none, or names "
                             "from gradient,momentum,box,step (default: the scene's)")
    parser.add_argument("--slow-start", metavar="N", type=TYPES["slow_start"],
                        help="show the first N updates in order: the gradient, the state, the step")
    parser.add_argument("--tune", metavar="N", type=TYPES["tune"],
                        help="race every optimizer at the lr an equal search of N trials picks for it (log-spaced "
                             "over 1e-4..10, scored by the final value over the starts); writes PATH-tuning.png "
                             "beside the file; 0: the scene's own learning rates")
    parser.add_argument("--start-grid", metavar="N", type=TYPES["start_grid"], nargs="?", const=DEFAULT_START_GRID,
                        help="html: a click on the map restarts the race from the nearest of an NxN grid of starts, "
                             f"each raced here (default N: {DEFAULT_START_GRID}; the page grows about 3x)")
    parser.add_argument("--epochs", metavar="N", type=positive_int, help="override the scene's number of epochs")
    parser.add_argument("--max-epochs", metavar="N", type=positive_int,
                        help="lift the safety limit on epochs (default: 2,000,000)")
    parser.add_argument("--fps", metavar="F", type=TYPES["fps"],
                        help="frames per second (default: 10; the first frame is held 1 s, the last 2 s)")
    parser.add_argument("--max-bytes", metavar="N", type=positive_int,
                        help="gif, webp, mp4: keep the file under N bytes (fewer frames, then smaller pictures; "
                             "says what it did); html: refuse a page over N bytes")
    parser.add_argument("--jobs", "-j", metavar="N", type=positive_int,
                        help="processes that draw (default: up to 2); with `all`: scenes at once (default: the CPUs)")
    parser.add_argument("--force", action="store_true", help="with `all`: render even the up-to-date scenes")
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress bar, no notices, no summary")
    return parser


def console() -> None:
    """The `animate` command: `main`, then the exit, whatever a scene's code left running
    (a thread, a process, an exit handler that waits): they do not decide the tool's life."""
    report.end_process(main())


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    with stops.StopSignals(lambda text: say(f"{PROG}: {text}", STDERR)) as stop_signals, report.matplotlib_quiet():
        try:
            args = parser.parse_args(parser.values_joined(sys.argv[1:] if argv is None else list(argv)))
            return run(args, parser, stop_signals)
        except errors.Mistake as mistake:
            hint = (f" (on the command line: {FLAGS[mistake.option]})" if mistake.option in FLAGS
                    else f" ({PROG} --list describes them)" if isinstance(mistake, errors.UnknownScene) else "")
            say(f"{PROG}: error: {mistake}{hint}", STDERR)
            return mistake.exit_code
        except (KeyboardInterrupt, stops.Terminated) as stop:
            return stop_signals.report(stops.signal_of(stop))
        except Exception as failure:  # a scene's own code raising, or a bug: one line
            if stop_signals.received is not None:  # C code can turn the stop into another error
                return stop_signals.report(stop_signals.received)
            say(f"{PROG}: error: {report.describe_failure(failure)}", STDERR)
            return EXIT_ERROR


def run(args, parser: Parser, stop_signals: stops.StopSignals) -> int:
    if args.list:
        for group, items in scenes.by_group():
            say(f"{group}:")
            width = max(len(item.name) for item in items)
            for item in items:
                say(f"  {item.name:<{width}}  {item.description}")
        return EXIT_OK
    if not args.scene:
        parser.print_usage(sys.stderr)
        raise Usage(f"name a scene to render, e.g. `{PROG} saddle` (--list shows them)")
    if args.scene != "all" and args.force:
        raise Usage(f"--force only applies to `{PROG} all`")
    if args.out is not None and args.scene == "all":
        raise Usage("--out names one file; `all` writes output/<scene>.<format>")
    if args.out == "":
        raise Usage("--out is empty: give a file name (or - for standard output)")
    try:
        fmt = format_for(None if args.out in (None, "-") else args.out, args.format)
    except ValueError as error:
        raise Usage(str(error)) from None
    options = dict(epochs=args.epochs, max_epochs=args.max_epochs, size=args.size, preset=args.preset,
                   theme=args.theme, view=args.view, orbit=args.orbit, dpi=args.dpi, fps=args.fps,
                   glyphs=args.glyphs, slow_start=args.slow_start, tune=args.tune, start_grid=args.start_grid)
    if args.jobs:
        options["jobs"] = args.jobs
    if args.scene == "all":
        check_options_for(fmt, max_bytes=args.max_bytes, **options)  # once, not once per scene
        return render_all(args, fmt, options, stop_signals)
    to_stdout = report.is_standard_output(args.out)
    where = STDERR if to_stdout else STDOUT  # never onto the file
    if to_stdout and sys.stdout is None:
        raise errors.OutputError("cannot write to standard output: it is closed")
    out = sys.stdout.buffer if to_stdout else args.out or str(Path("output") / f"{Path(args.scene).stem}.{fmt}")
    options["notice"] = (lambda text: None) if args.quiet else (lambda text: say(f"{PROG}: {text}", STDERR))
    progress = report.progress_for(not args.quiet and sys.stderr is not None and sys.stderr.isatty())
    saved, movie, seconds = render_and_save(args.scene, out, fmt, args.max_bytes, progress, **options)
    if not args.quiet and not report.same_file(where, args.out if args.out else saved.path):  # never into the file
        for line in report.summary(saved, movie, seconds):
            say(line, where)
    return EXIT_OK


def render_all(args, fmt: str, options: dict, stop_signals: stops.StopSignals) -> int:
    """Every built-in scene, each in a process of its own: one failure costs that scene only."""
    started = time.perf_counter()
    counts = {"written": 0, "up to date": 0, "failed": 0}
    at_once = batch.scene_jobs(args.jobs)
    if args.jobs and at_once < args.jobs and not args.quiet:
        say(f"all: -j {args.jobs} is more than the {at_once} processors here: {at_once} scenes at a time "
            "(more processes would share the same cores, and be slower)", STDERR)
    try:
        for outcome in batch.render_all(Path("output"), fmt, {**options, "jobs": 1},
                                        args.max_bytes, jobs=args.jobs, force=args.force):
            counts[outcome.status] += 1
            if outcome.status == "failed":
                say(f"{PROG}: error: {outcome.name}: {outcome.text}", STDERR)
            elif not args.quiet:
                say(f"{outcome.out}: up to date" if outcome.status == "up to date" else outcome.text)
    except (KeyboardInterrupt, stops.Terminated) as stop:
        stop_signals.disarm()  # caught here, and said below
        signum = stops.signal_of(stop)
        say(f"{PROG}: {stops.stopped_by(signum)}; {counts['written']} scenes were written, the ones in "
            "progress were not", STDERR)
        return stops.stop_code(signum)
    if not args.quiet:
        say(f"all: {sum(counts.values())} scenes, " + ", ".join(f"{n} {what}" for what, n in counts.items())
            + f", {time.perf_counter() - started:.1f} s")
    return EXIT_ERROR if counts["failed"] else EXIT_OK
