"""Scene in, file out: simulate, render, encode, write, in that order.

This is the library call behind `python animate.py SCENE`; the CLI only parses options
and reports. `progress(phase, total)` may give a context manager that yields an
`advance(n)` function (or None) for each phase: "simulate", "render", "encode".
"""
from __future__ import annotations

import contextlib
import os
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

import numpy as np

import renderer
import runner
import writer
from scenes import Scene

# --max-bytes: every 2nd frame while SMOOTH_FRAMES are left, then smaller pictures down to
# MIN_SIDE, then every 2nd frame again down to MIN_FRAMES.
MIN_SIDE = 160
SMOOTH_FRAMES = 30
MIN_FRAMES = 8


class FitError(ValueError):
    """--max-bytes cannot be met."""


@dataclass(frozen=True)
class Options:
    fmt: str = "gif"
    style: renderer.Style = renderer.Style()
    fps: float = 10.0
    jobs: int = field(default_factory=lambda: min(2, os.cpu_count() or 1))
    max_bytes: int | None = None


@dataclass(frozen=True)
class Result:
    path: Path
    frames: int
    bytes: int
    seconds: float
    diverged: int
    extra_paths: tuple[Path, ...] = ()
    notes: tuple[str, ...] = ()


def _no_progress(phase, total):
    return contextlib.nullcontext(None)


def render(scene: Scene, out: str | os.PathLike, options: Options = Options(),
           progress: Callable = _no_progress) -> Result:
    started = time.perf_counter()
    out = Path(out)
    style, fps = options.style, options.fps
    indices = list(range(len(scene.frame_epochs)))
    if options.fmt == "png":
        indices = indices[-1:]  # a poster: only the last frame is drawn
    # The render processes draw the static picture while the simulation runs.
    with renderer.FramePool(scene, style, options.jobs if len(indices) > 1 else 1) as pool:
        with progress("simulate", scene.epochs) as advance:
            run = runner.simulate(scene, progress=advance)
        with progress("render", len(indices)) as advance:
            frames = pool.render(run, progress=advance, indices=indices)
    kept_every, shrunk = 1, False
    while True:
        with progress("encode", 1) as advance:
            data = writer.encode(frames, options.fmt, fps, renderer.key_colors(style, len(run.labels)))
            if advance:
                advance(1)
        if options.max_bytes is None or len(data) <= options.max_bytes:
            break
        fewer = indices[:-1][::2] + indices[-1:]
        width, height = int(style.width * 0.8) // 2 * 2, int(style.height * 0.8) // 2 * 2
        can_shrink = min(width, height) >= MIN_SIDE
        if options.fmt in ("gif", "webp", "mp4") and len(fewer) >= (SMOOTH_FRAMES if can_shrink else MIN_FRAMES):
            by_index = dict(zip(indices, frames))
            indices, frames = fewer, [by_index[i] for i in fewer]
            fps /= 2
            kept_every *= 2
            continue
        if not can_shrink:
            raise FitError(f"cannot fit in {options.max_bytes:,} bytes: {len(data):,} bytes even at "
                           f"{style.width}x{style.height} with {len(indices)} frames")
        style = replace(style, width=width, height=height)
        shrunk = True
        with progress("render", len(indices)) as advance:
            frames = renderer.render_frames(run, style, jobs=options.jobs, progress=advance, indices=indices)
    size = writer.write_bytes(data, out)
    extra = []
    if options.fmt == "png":
        overview = out.with_name(f"{out.stem}-overview{out.suffix}")
        writer.write_bytes(writer.encode_png(renderer.Renderer(run, style).overview()), overview)
        extra.append(overview)
    notes = ([f"kept 1 frame in {kept_every} at {fps:g} fps"] if kept_every > 1 else []) \
        + ([f"shrank to {style.width}x{style.height}"] if shrunk else [])
    if notes:
        notes = [f"to fit --max-bytes {options.max_bytes:,}: " + ", ".join(notes)]
    diverged = int(np.sum(run.diverged_at != runner.NEVER))
    return Result(out, len(frames), size, time.perf_counter() - started, diverged, tuple(extra), tuple(notes))
