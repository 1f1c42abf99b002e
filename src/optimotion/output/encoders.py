"""Frames to a file's bytes: GIF, WebP, MP4, PNG; and the run's numbers as CSV.

- gif: one palette shared by all frames, stored once (so Pillow stores only the
  rectangle that changed, unchanged pixels in it as a transparent index), no dithering
  (flat colours stay flat), loops forever, the first and last frames held by their durations.
- webp: animated, lossless over the GIF's palette-reduced frames, loops forever, same timing.
- mp4: H.264 in yuv420p, BT.709 and tagged so (what PowerPoint, Keynote and browsers
  play and assume), odd sides padded to even by repeating the edge, by the ffmpeg that
  the imageio-ffmpeg package ships; the first and last frames are repeated for their holds.
- png: a poster, one still image.
- csv: not a picture: every epoch of every racer and start, one row each
  (`epoch,racer,start,x,y,z`; `x` only in 1-D), numbers at full precision.
- html: a self-contained web page that plays the run (`page.py` makes its bytes).
"""
from __future__ import annotations

import csv
import errno
import io
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image

from optimotion.errors import OutputError
from optimotion.output.files import claimed_folder


FIRST_FRAME_HOLD_MS = 1000  # long enough to see where the racers start


LAST_FRAME_HOLD_MS = 2000


FORMATS = ("gif", "mp4", "webp", "png", "csv", "html")


PICTURE_FORMATS = FORMATS[:4]


# WebP key frames cost whole pictures; these animations are short and played from the
# start, so only the first frame is one (about half the bytes).
KEYFRAMES_NEVER = 10_000


def _ended(returncode: int) -> str:
    """How a child process ended, in words: "killed by SIGXFSZ (a file size limit)"."""
    if returncode is not None and returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            return f"killed by signal {-returncode}"
        why = {"SIGXFSZ": " (the file size limit, ulimit -f)", "SIGKILL": " (out of memory, or kill -9)",
               "SIGXCPU": " (the CPU time limit, ulimit -t)", "SIGSEGV": " (it crashed)"}.get(name, "")
        return f"killed by {name}{why}"
    return f"exit status {returncode}"


GIF_COLORS = 127  # the palette's entries; the 128th means "unchanged" (seven-bit codes)
PALETTE_REFINING = 2  # k-means passes after the median cut: the surface's shading without steps


def shared_palette(frames: Sequence[np.ndarray], key_colors: Sequence[str] = (), colors: int | None = None) \
        -> Image.Image:
    """One palette for the whole animation, fitted on the first, middle and last frames.

    `key_colors` ("#rrggbb") are added exactly, so that lines and text keep their colour.
    The rest of GIF_COLORS are fitted to what the keys are not, mostly the shaded surface:
    with 55 it fell into stepped bands (the saddle's surface, blurred 3x3, was 10 levels
    off the poster at the 95th percentile; 3 now, `bench/bench_banding.py`), and an
    ordered dither would cost more bytes than the entries do. 127 leaves the 128th entry
    of the GIF's table free to mean "unchanged": seven-bit codes.
    """
    colors = colors or GIF_COLORS
    keys = [bytes.fromhex(color.lstrip("#")) for color in dict.fromkeys(c.lower() for c in key_colors)]
    picks = sorted({0, len(frames) // 2, len(frames) - 1})
    pixels = np.concatenate([frames[i].reshape(-1, 3) for i in picks])
    # The fitted colours are for what the key colours are not (the surface, blended edges):
    # fitted on all pixels, they would spend entries next to the keys (a white beside white).
    rest = pixels[~np.isin(_packed(pixels), [int.from_bytes(key, "big") for key in keys])]
    sample = Image.fromarray((rest if len(rest) else pixels)[None])
    fitted = sample.quantize(colors=colors - len(keys), method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE,
                             kmeans=PALETTE_REFINING)
    entries = fitted.getpalette()[: 3 * (colors - len(keys))]
    palette = Image.new("P", (1, 1))
    palette.putpalette(entries + [channel for key in keys for channel in key])
    return palette


GIF_TICK_MS = 10           # a GIF's delays are whole centiseconds ...


GIF_SHORTEST_MS = 20       # ... and browsers show a shorter one as 100 ms


MAX_GIF_FPS = 1000 / GIF_SHORTEST_MS


def durations_ms(count: int, fps: float, tick_ms: int = 1, shortest_ms: int = 1,
                 holds: Sequence[int] = ()) -> list[int]:
    """Each frame's duration in whole `tick_ms`: 1/fps on average (the rounding carried
    from frame to frame, so 15 fps in centiseconds is 70, 70, 60, ... not 60 throughout),
    never under `shortest_ms`; the first held FIRST_FRAME_HOLD_MS and the last
    LAST_FRAME_HOLD_MS (a single frame: the longer), and a frame with a `holds` entry
    at least that many milliseconds (a slow-started update's)."""
    ends = [round(k * 1000 / fps / tick_ms) * tick_ms for k in range(count + 1)]
    durations = [max(shortest_ms, b - a) for a, b in zip(ends, ends[1:])]
    for index, hold in enumerate(holds):
        durations[index] = max(durations[index], round(hold / tick_ms) * tick_ms)
    durations[0] = max(durations[0], FIRST_FRAME_HOLD_MS)
    durations[-1] = max(durations[-1], LAST_FRAME_HOLD_MS)
    return durations


def gif_fps(fps: float) -> float:
    """The rate a GIF (or an animated WebP: browsers treat it alike) plays `fps` at: at
    most MAX_GIF_FPS (50), what its delays allow."""
    return min(fps, MAX_GIF_FPS)


def held_frames(count: int, fps: float, holds: Sequence[int] = ()) -> list[int]:
    """For a video at a constant `fps`: how many times each frame is repeated, so that the
    first and the last, and those with `holds`, are held as `durations_ms` holds them."""
    repeats = [max(1, round(hold / 1000 * fps)) for hold in holds] + [1] * (count - len(holds))
    repeats[0] = max(1, round(FIRST_FRAME_HOLD_MS / 1000 * fps))
    repeats[-1] = max(repeats[-1], round(LAST_FRAME_HOLD_MS / 1000 * fps))
    return repeats


def quantized(frames: Sequence[np.ndarray], key_colors: Sequence[str] = ()) -> list[Image.Image]:
    """The frames in one shared palette ("P" images), without dithering.

    A pixel of a key colour gets that colour's entry, exactly: Pillow's own mapping finds a
    near entry, not always the nearest (white could become a light grey, gold a nearby
    orange), and a mark must keep its colour in every format.
    """
    palette = shared_palette(frames, key_colors)
    packed_table = _packed(np.array(palette.getpalette(), dtype=np.uint8).reshape(-1, 3))
    keys = {int(color.lstrip("#"), 16) for color in key_colors}
    key_entries = [(key, int(np.flatnonzero(packed_table == key)[-1])) for key in sorted(keys)]
    images = []
    for frame in frames:
        image = Image.fromarray(frame).quantize(palette=palette, dither=Image.Dither.NONE)
        if key_entries:
            packed = _packed(frame)
            indices = None
            for key, entry in key_entries:  # a few keys: one comparison each beats a sorted search
                hit = packed == key
                if hit.any():
                    indices = np.asarray(image).copy() if indices is None else indices
                    indices[hit] = entry
            if indices is not None:
                image = Image.fromarray(indices, mode="P")
                image.putpalette(palette.getpalette())
        images.append(image)
    return images


def _packed(rgb: np.ndarray) -> np.ndarray:
    """Colours (..., 3) of uint8 as one number each, 0xRRGGBB (uint32)."""
    return (rgb[..., 0].astype(np.uint32) << 16) | (rgb[..., 1].astype(np.uint32) << 8) | rgb[..., 2]


def encode_gif(frames: Sequence[np.ndarray], fps: float, key_colors: Sequence[str] = (), holds=()) -> bytes:
    images = quantized(frames, key_colors)
    # One more table entry, a colour no pixel has, is the index for "unchanged" in the
    # frame differences. Giving Pillow the table keeps it global, not copied per frame.
    table = images[0].getpalette()
    unchanged = len(table) // 3
    table += _absent_color(table)
    for image in images:
        image.putpalette(table)
    buffer = io.BytesIO()
    images[0].save(buffer, format="GIF", save_all=True, append_images=images[1:],
                   duration=durations_ms(len(images), gif_fps(fps), GIF_TICK_MS, GIF_SHORTEST_MS, holds), loop=0,
                   optimize=True, disposal=1,
                   palette=bytes(table), transparency=unchanged)
    return buffer.getvalue()


def _absent_color(table: list[int]) -> list[int]:
    present = {tuple(table[i:i + 3]) for i in range(0, len(table), 3)}
    return list(next(c for c in ((255, 0, 255 - k) for k in range(256)) if c not in present))


def encode_webp(frames: Sequence[np.ndarray], fps: float, key_colors: Sequence[str] = (), holds=()) -> bytes:
    """Lossless WebP of the palette-reduced frames: the GIF's pixels, in about 60% of its bytes."""
    images = [image.convert("RGB") for image in quantized(frames, key_colors)]
    buffer = io.BytesIO()
    images[0].save(buffer, format="WEBP", save_all=True, append_images=images[1:],
                   duration=durations_ms(len(images), gif_fps(fps), holds=holds), loop=0, lossless=True, quality=50, method=4,
                   kmin=KEYFRAMES_NEVER - 1, kmax=KEYFRAMES_NEVER)
    return buffer.getvalue()


def encode_png(frame: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(frame).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _about_the_temporary_folder(error: OSError) -> bool:
    """Whether a failure of the MP4's encoding is the temporary folder's: it could not be
    made, or filled up."""
    return error.errno in (errno.ENOSPC, errno.EDQUOT, errno.ENOENT, errno.ENOTDIR, errno.EACCES, errno.EROFS) \
        or "No space left on device" in str(error)


def ffmpeg() -> str:
    """The ffmpeg that makes MP4s: imageio-ffmpeg's own, or the one IMAGEIO_FFMPEG_EXE names."""
    import imageio_ffmpeg

    named = os.environ.get("IMAGEIO_FFMPEG_EXE")
    if named and shutil.which(named) is None:
        raise OutputError(f"cannot make an MP4: IMAGEIO_FFMPEG_EXE names {named}, which is not a program here "
                          "(unset it to use the ffmpeg that imageio-ffmpeg ships)")
    try:
        return imageio_ffmpeg.get_ffmpeg_exe()
    except RuntimeError as error:
        raise OutputError(f"cannot make an MP4: no ffmpeg ({' '.join(str(error).split())})") from None


def encode_mp4(frames: Sequence[np.ndarray], fps: float, path: Path, holds=()) -> None:
    """H.264/yuv420p at `fps`, the first and last frames repeated for their holds; bit-exact output."""
    height, width = frames[0].shape[:2]
    pad_w, pad_h = width % 2, height % 2  # yuv420p needs even sides: repeat the edge pixel
    command = [ffmpeg(), "-nostdin", "-loglevel", "error", "-y",
               "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{width + pad_w}x{height + pad_h}",
               "-r", f"{fps}", "-i", "-", "-an",
               # RGB to BT.709 limited range, and tagged so: what players assume for HD (swscale
               # would convert with BT.601 and tag nothing, and every colour would shift)
               "-vf", "scale=out_color_matrix=bt709:out_range=tv,setparams=colorspace=bt709:color_primaries=bt709"
               ":color_trc=bt709:range=tv", "-colorspace", "bt709",
               "-color_primaries", "bt709", "-color_trc", "bt709", "-color_range", "tv",
               "-c:v", "libx264", "-preset", "medium", "-crf", "20",
               "-pix_fmt", "yuv420p", "-threads", "1", "-movflags", "+faststart",
               "-map_metadata", "-1", "-fflags", "+bitexact", "-flags:v", "+bitexact", "-f", "mp4", str(path)]
    try:
        process = subprocess.Popen(command, stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    except OSError as error:
        raise OutputError(f"cannot make an MP4: cannot run ffmpeg ({command[0]}): {error.strerror or error}") from None
    try:
        for frame, repeats in zip(frames, held_frames(len(frames), fps, holds)):
            if pad_w or pad_h:
                frame = np.pad(frame, ((0, pad_h), (0, pad_w), (0, 0)), mode="edge")
            data = np.ascontiguousarray(frame).tobytes()
            for _ in range(repeats):
                process.stdin.write(data)
        process.stdin.close()
        error = process.stderr.read().decode(errors="replace").strip()
        if process.wait() != 0:
            raise OSError(f"ffmpeg failed: {error.splitlines()[-1] if error else _ended(process.returncode)}")
        if not path.exists() or not path.stat().st_size:
            raise OutputError(f"cannot make an MP4: ffmpeg ({command[0]}) ended without writing the video")
    except BrokenPipeError:
        process.wait()
        error = process.stderr.read().decode(errors="replace").strip()
        raise OSError(f"ffmpeg failed: {error.splitlines()[-1] if error else _ended(process.returncode)}") from None
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def format_for(path: str | os.PathLike | None, fmt: str | None = None) -> str:
    """The output format: `fmt` if given, else the suffix of `path`, else gif.

    A format that the suffix contradicts, or an unknown one, is a ValueError.
    """
    suffix = Path(path).suffix.lower().lstrip(".") if path is not None else ""
    fmt = fmt.lower() if isinstance(fmt, str) else fmt
    if fmt is not None and fmt not in FORMATS:
        raise ValueError(f"unknown output format {fmt!r}; use one of: {', '.join(FORMATS)}")
    if fmt and suffix and suffix != fmt:
        raise ValueError(f"{path} does not end in .{fmt} as the format {fmt!r} says")
    fmt = fmt or suffix or "gif"
    if fmt not in FORMATS:
        raise ValueError(f"unknown output format {fmt!r} (from {path}); use one of: {', '.join(FORMATS)}")
    return fmt


def encode_csv(labels: Sequence[str], positions: np.ndarray, values: np.ndarray, names: Sequence[str] = "xyz",
               extras: Sequence[tuple[str, np.ndarray]] = (), state=None) -> bytes:
    """One row per epoch, racer and start: `epoch,racer,start,x,y,z` (1-D: no `y`).

    `positions` (epochs + 1, racers, starts, dim) and `values` (epochs + 1, racers, starts)
    as `runner.Run` records them; numbers as Python writes them back exactly (`repr`),
    NaN after a divergence as `nan`. A race over a model gives its plane coordinates and
    loss (`names` "pc1", "pc2", "loss") and, as `extras` (name, (epochs + 1, racers,
    starts)), its columns `off_plane` and `plane_loss` (the loss on the plane there).

    With the run's `state` (`runner.StateRecord`), then `grad_x,grad_y` (the gradient the
    update from that epoch takes) and, for each of the optimizers' state tensors by its
    torch name, `<key>_x,<key>_y` (`exp_avg_x`, `momentum_buffer_y`, ...): the state after
    `epoch` updates; empty for a racer whose optimizer has no such tensor.
    """
    epochs, n_racers, n_starts, dim = positions.shape
    labels = [spreadsheet_safe(label) for label in labels]
    axes = "xy"[:dim]
    out = io.StringIO()
    rows = csv.writer(out, lineterminator="\n")
    keys = list(state.tensors) if state is not None else []
    rows.writerow(["epoch", "racer", "start", *list(names)[:dim], list(names)[-1],
                   *(name for name, _ in extras),
                   *([f"{name}_{axis}" for name in ["grad", *keys] for axis in axes] if state is not None else [])])
    columns = [positions, values[..., None]] + [column[..., None] for _, column in extras]
    if state is not None:
        columns.append(state.gradients)
        for key in keys:  # absent: not a number, an empty cell
            has = np.array([key in racer_keys for racer_keys in state.keys])[None, :, None, None]
            columns.append(np.where(has, state.tensors[key], np.inf))
    table = np.concatenate(columns, axis=3).tolist()
    for epoch, at_epoch in enumerate(table):
        for label, by_start in zip(labels, at_epoch):
            for start, numbers in enumerate(by_start):
                rows.writerow([epoch, label, start, *("" if n == ABSENT else repr(n) for n in numbers)])
    return out.getvalue().encode()


ABSENT = float("inf")  # in the table: a state tensor the racer's optimizer does not have


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet reads as the start of a formula


def spreadsheet_safe(text: str) -> str:
    """A CSV cell that a spreadsheet shows as text: one that would start a formula gets a
    leading apostrophe (`'=1+1`), as spreadsheets themselves mark text."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def encode(frames: Sequence[np.ndarray], fmt: str, fps: float, key_colors: Sequence[str] = (),
           holds: Sequence[int] = ()) -> bytes:
    """The file's bytes in picture format `fmt` (png: the last frame, as a poster); a
    frame with a `holds` entry is shown at least that many milliseconds."""
    if not frames:
        raise ValueError("no frames to write")
    if fmt == "gif":
        return encode_gif(frames, fps, key_colors, holds)
    if fmt == "webp":
        return encode_webp(frames, fps, key_colors, holds)
    if fmt == "png":
        return encode_png(frames[-1])
    if fmt == "mp4":
        temporary = tempfile.gettempdir()
        try:
            with claimed_folder(temporary, "animate-mp4-") as folder:
                path = folder / "video.mp4"
                encode_mp4(frames, fps, path, holds)
                return path.read_bytes()
        except OSError as error:
            if isinstance(error, OutputError) or not _about_the_temporary_folder(error):
                raise
            raise OutputError(f"cannot make the MP4 in the temporary folder {temporary} (TMPDIR): "
                              f"{error.strerror or error}") from None
    raise ValueError(f"unknown picture format {fmt!r}; expected one of {', '.join(PICTURE_FORMATS)}")
