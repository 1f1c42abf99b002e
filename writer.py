"""Frames to a file, atomically: the target is either the old file or the complete new one.

The GIF shares one palette across all frames (so Pillow can store only the part of each
frame that changed), uses no dithering (flat colours stay flat), loops forever and holds
the last frame by its duration.
"""
from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Iterator, Sequence

import numpy as np
from PIL import Image

LAST_FRAME_HOLD_MS = 2000


class OutputError(OSError):
    """The output path cannot be written; the message is one line for the user."""


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike) -> Iterator[Path]:
    """A temporary path beside `target`, renamed over it only if the block succeeds.

    On any failure or interruption the temporary file is removed and `target`, if it
    existed, is left byte for byte as it was.
    """
    target = Path(target)
    if target.is_dir():
        raise OutputError(f"output path is a directory: {target}")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    except OSError as error:
        raise OutputError(f"cannot write to {target.parent}: {error.strerror or error}") from None
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644 & ~_umask())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def shared_palette(frames: Sequence[np.ndarray], key_colors: Sequence[str] = (), colors: int = 128) -> Image.Image:
    """One palette for the whole animation, fitted on the first, middle and last frames.

    `key_colors` ("#rrggbb") are added exactly, so that lines and text keep their colour.
    Fewer than 256 colours leave an index free for "unchanged" pixels in frame differences;
    128 keep the codes short with no visible loss on these flat-coloured pictures.
    """
    keys = [bytes.fromhex(color.lstrip("#")) for color in dict.fromkeys(c.lower() for c in key_colors)]
    picks = sorted({0, len(frames) // 2, len(frames) - 1})
    sample = Image.fromarray(np.concatenate([frames[i] for i in picks], axis=0))
    fitted = sample.quantize(colors=colors - len(keys), method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    entries = fitted.getpalette()[: 3 * (colors - len(keys))]
    palette = Image.new("P", (1, 1))
    palette.putpalette(entries + [channel for key in keys for channel in key])
    return palette


def write_gif(frames: Sequence[np.ndarray], target: str | os.PathLike, fps: float,
              key_colors: Sequence[str] = ()) -> int:
    """Write an animated GIF of `frames` at `fps`; return its size in bytes."""
    if not frames:
        raise ValueError("no frames to write")
    palette = shared_palette(frames, key_colors)
    images = [Image.fromarray(frame).quantize(palette=palette, dither=Image.Dither.NONE)
              for frame in frames]
    frame_ms = 1000.0 / fps
    durations = [round(frame_ms)] * len(images)
    durations[-1] = max(durations[-1], LAST_FRAME_HOLD_MS)
    with atomic_path(target) as tmp:
        images[0].save(tmp, format="GIF", save_all=True, append_images=images[1:],
                       duration=durations, loop=0, optimize=True, disposal=1)
    return Path(target).stat().st_size
