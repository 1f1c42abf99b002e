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
import time
from pathlib import Path

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2
EXIT_SIGINT, EXIT_SIGTERM = 130, 143
MAX_PIXELS = 4096


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


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}") from None
    if not (0 < value < float("inf")):
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="animate.py",
        description="Animate optimizers racing across a loss surface and write a GIF.",
        epilog="Scenes are Python files in scenes/ (or anywhere, given by path) that define "
               "SCENE = Scene(...); loading one runs its code. See README.md for writing your own.",
    )
    parser.add_argument("scene", nargs="?", help="a built-in scene name (see --list) or a path to a scene .py file")
    parser.add_argument("--list", action="store_true", help="list the built-in scenes with a line each, then exit")
    parser.add_argument("--out", metavar="PATH", help="output file (default: output/<scene>.gif)")
    parser.add_argument("--size", metavar="WxH", type=parse_size, default=(960, 540),
                        help="frame size in pixels (default: 960x540)")
    parser.add_argument("--epochs", metavar="N", type=positive_int,
                        help="override the scene's number of epochs")
    parser.add_argument("--max-epochs", metavar="N", type=positive_int,
                        help="lift the safety limit on epochs (default: 2,000,000)")
    parser.add_argument("--fps", metavar="F", type=positive_float, default=10.0,
                        help="frames per second (default: 10; the last frame is held 2 s)")
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress bar and no summary line")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return run(args, parser)
    except UserError as error:
        print(f"animate.py: error: {error}", file=sys.stderr)
        return error.code
    except KeyboardInterrupt:
        print("animate.py: interrupted; nothing was written", file=sys.stderr)
        return EXIT_SIGINT
    except Terminated:
        print("animate.py: terminated; nothing was written", file=sys.stderr)
        return EXIT_SIGTERM


class Terminated(Exception):
    """SIGTERM, turned into an exception so that clean-up code runs."""


def _on_sigterm(signum, frame):
    raise Terminated()


def run(args, parser) -> int:
    import scenes

    if args.list:
        print_list(scenes)
        return EXIT_OK
    if not args.scene:
        parser.print_usage(sys.stderr)
        raise UserError("name a scene to render, e.g. `python animate.py saddle` (--list shows them)", EXIT_USAGE)
    signal.signal(signal.SIGTERM, _on_sigterm)

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

    out = Path(args.out) if args.out else Path("output") / f"{Path(args.scene).stem}.gif"
    if out.is_dir():
        raise UserError(f"--out is a directory: {out} (give a file name, e.g. {out / 'scene.gif'})")
    if out.suffix.lower() != ".gif":
        raise UserError(f"--out must end in .gif, got {out}")

    import renderer
    import runner
    import writer

    show_progress = not args.quiet and sys.stderr.isatty()
    with progress_bar(scene.epochs, "simulate", show_progress) as advance:
        try:
            run_ = runner.simulate(scene, progress=advance)
        except runner.SurfaceError as error:
            raise UserError(str(error)) from None
    width, height = args.size
    style = renderer.Style(width=width, height=height)
    with progress_bar(frames_wanted, "render", show_progress) as advance:
        frames = renderer.render_frames(run_, style, jobs=min(2, os.cpu_count() or 1), progress=advance)
    try:
        size = writer.write_gif(frames, out, fps=args.fps,
                                key_colors=renderer.key_colors(style, len(run_.labels)))
    except writer.OutputError as error:
        raise UserError(str(error)) from None
    except OSError as error:
        raise UserError(f"cannot write {out}: {error.strerror or error}") from None
    elapsed = time.perf_counter() - started
    if not args.quiet:
        diverged = sum(1 for d in run_.diverged_at.ravel() if d != runner.NEVER)
        note = f", {diverged} diverged" if diverged else ""
        print(f"{out}: {len(frames)} frames, {size:,} bytes, {elapsed:.1f} s{note}")
    return EXIT_OK


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
        self.bar = tqdm(total=self.total, desc=f"{self.phase:>8}", unit="", leave=False,
                        file=sys.stderr, dynamic_ncols=True)
        return self.bar.update

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.close()
        return False


if __name__ == "__main__":
    sys.exit(main())
