"""Frames to a file, atomically: the target is either the old file or the complete new one.

Formats:
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

import contextlib
import csv
import io
import os
import secrets
import shutil
import signal
import stat
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

import numpy as np
from PIL import Image

import links

FIRST_FRAME_HOLD_MS = 1000  # long enough to see where the racers start
LAST_FRAME_HOLD_MS = 2000
FORMATS = ("gif", "mp4", "webp", "png", "csv", "html")
PICTURE_FORMATS = FORMATS[:4]
# WebP key frames cost whole pictures; these animations are short and played from the
# start, so only the first frame is one (about half the bytes).
KEYFRAMES_NEVER = 10_000


class OutputError(OSError):
    """The output path cannot be written; the message is one line for the user."""


# Paths that name an open stream of this process, not a file: written in place.
STREAM_LINKS = ("/dev/stdout", "/dev/stderr", "/dev/fd/", "/proc/self/fd/")


class Target(NamedTuple):
    """Where an output goes, by the output rule (see `write_files`)."""
    path: Path           # what to write: the file itself, through any links
    in_place: bool       # a device, a FIFO or a stream: opened and written, as cp would
    mode: int | None     # an existing file's permissions, kept by its replacement
    owner: tuple | None  # an existing file's (uid, gid)


def output_target(target: str | os.PathLike) -> Target:
    """The output rule for `target`; OutputError (one line) for a path that can't be one.

    - A plain file (or a link to one) is replaced atomically: the new file takes its
      place, with its permissions and owner, and a link keeps pointing at it. A
      read-only file is not replaced.
    - A new file is created (its folders too) with mode 0644 less the umask.
    - Anything else that exists (a device such as /dev/null, a FIFO, /dev/stdout) is
      opened and written in place, as cp would; it is never replaced by a file.
    """
    text = os.fspath(target)
    if not text:
        raise OutputError("the output path is empty: give a file name")
    path = Path(text)
    if text.endswith(("/", os.sep)) and not path.is_dir():
        raise OutputError(f"{text} ends in '/', so it names a folder: give a file name, e.g. {text}animation.gif")
    try:
        info = os.stat(path)
    except FileNotFoundError:
        if path.is_symlink():
            raise OutputError(f"cannot write {path}: it is a link to {os.readlink(path)}, which does not exist "
                              "(a dangling link is not written through)") from None
        return Target(path, False, None, None)
    except NotADirectoryError:
        blocker = next((p for p in path.parents if p.exists() and not p.is_dir()), path.parent)
        raise OutputError(f"cannot write to {path.parent}: {blocker} is a file, not a directory") from None
    except OSError as error:
        raise OutputError(f"cannot write {path}: {error.strerror}") from None
    if stat.S_ISDIR(info.st_mode):
        raise OutputError(f"output path is a directory: {path}")
    if not stat.S_ISREG(info.st_mode) or text.startswith(STREAM_LINKS):
        return Target(path, True, None, None)
    if not info.st_mode & 0o222:
        raise OutputError(f"{path} is read-only, so it is not replaced (make it writable, or remove it)")
    return Target(Path(os.path.realpath(path)), False, stat.S_IMODE(info.st_mode), (info.st_uid, info.st_gid))


def write_bytes(data: bytes, target: str | os.PathLike) -> int:
    """Write `data` to `target` by the output rule (`output_target`); the size in bytes."""
    write_files([(data, target)])
    return len(data)


def write_files(items: Sequence[tuple[bytes, str | os.PathLike]]) -> None:
    """Write several outputs as one: every file is ready beside its target before any is
    replaced, so a failure (a full disk, an interruption, one path that can't be written)
    leaves every earlier file as it was, no temporary file, and no folder made for it."""
    targets = [output_target(path) for _, path in items]
    made: list[Path] = []
    staged: list[tuple[Path, Target]] = []
    try:
        for (data, _), target in zip(items, targets):
            if target.in_place:
                continue
            made += _make_folders(target.path.parent)
            with temporary_beside(target.path) as tmp:
                tmp.write_bytes(data)
                if target.mode is not None:
                    os.chmod(tmp, target.mode)
                    if os.geteuid() == 0 and target.owner != (os.geteuid(), os.getegid()):
                        os.chown(tmp, *target.owner)
                staged.append((tmp, target))
        for (data, _), target in zip(items, targets):
            if target.in_place:
                _write_in_place(data, target.path)
        for tmp, target in staged:
            os.replace(tmp, target.path)
        staged = []
    except BaseException:
        for tmp, _ in staged:
            with contextlib.suppress(OSError):
                tmp.unlink()
        for folder in reversed(made):
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise


def remove_leftovers(folder: Path, prefix: str, suffix: str = "") -> None:
    """Remove `PREFIX<pid>-...SUFFIX` files or folders in `folder` whose process is gone:
    what an earlier run could not clean up because it was killed (kill -9 runs no code)."""
    try:
        names = [entry.name for entry in os.scandir(folder)
                 if entry.name.startswith(prefix) and entry.name.endswith(suffix)]
    except OSError:
        return
    for name in names:
        pid = name[len(prefix):].split("-", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _running(int(pid)):
            path = folder / name
            with contextlib.suppress(OSError):
                shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()


def _running(pid: int) -> bool:
    if os.name == "nt":  # os.kill(pid, 0) would end the process there
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists, as another user's
        return True
    return True


def write_stream(data: bytes, stream) -> int:
    """Write `data` to an open binary stream (standard output for `--out -`)."""
    try:
        stream.write(data)
        stream.flush()
    except (OSError, ValueError) as error:
        name = getattr(stream, "name", "the stream")
        raise OutputError(f"cannot write {'standard output' if name in (1, '<stdout>') else name}: "
                          f"{getattr(error, 'strerror', None) or error}") from None
    return len(data)


def _write_in_place(data: bytes, path: Path) -> None:
    try:
        with open(path, "wb") as stream:
            stream.write(data)
    except OSError as error:
        raise OutputError(f"cannot write {path}: {error.strerror or error}") from None


def _make_folders(folder: Path) -> list[Path]:
    """Create `folder` and its missing parents; the ones made, outermost first."""
    missing = []
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    try:
        for made in reversed(missing):
            made.mkdir()
    except OSError as error:
        reason = _why_not_a_folder([folder, *missing[::-1]]) or error.strerror or error
        for made in missing:
            with contextlib.suppress(OSError):
                made.rmdir()
        raise OutputError(f"cannot write to {missing[0] if missing else folder}: {reason}") from None
    return missing[::-1]


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


def _why_not_a_folder(paths: list[Path]) -> str | None:
    """Why one of `paths` cannot be a folder to write into: a file, or a dangling or
    looping symbolic link (which `exists()` calls missing, and mkdir finds in the way)."""
    for path in paths:
        broken = links.broken_link(path)
        if broken is not None:
            return f"{path} is {broken}"
        if path.exists() and not path.is_dir():
            return f"{path} is a file, not a directory"
    return None


@contextlib.contextmanager
def temporary_beside(target: str | os.PathLike) -> Iterator[Path]:
    """A new temporary file beside `target`, on disk (fsynced) when the block succeeds,
    for the caller to rename over `target`; removed on any failure or interruption, so
    `target`, if it existed, is left byte for byte as it was. The new file gets mode 0644
    less the umask, applied by the kernel when the file is made (the umask itself is
    never changed).
    """
    target = Path(target)
    try:
        tmp = _new_file_beside(target)
    except OSError as error:
        raise OutputError(f"cannot write to {target.parent}: {error.strerror or error}") from None
    try:
        yield tmp
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def _new_file_beside(target: Path) -> Path:
    """An empty new file in target's folder, `.animate-PID-XXXXXXXX.part` (short: a name
    near the file system's limit still has room), mode 0644 less the umask. Parts left
    there by a process that no longer runs (kill -9, a power cut) are removed first."""
    remove_leftovers(target.parent, ".animate-", ".part")
    for _ in range(100):
        tmp = target.with_name(f".animate-{os.getpid()}-{secrets.token_hex(4)}.part")
        try:
            os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
            return tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name beside {target}")


def shared_palette(frames: Sequence[np.ndarray], key_colors: Sequence[str] = (), colors: int = 55) -> Image.Image:
    """One palette for the whole animation, fitted on the first, middle and last frames.

    `key_colors` ("#rrggbb") are added exactly, so that lines and text keep their colour.
    55 colours (the marks' own, then the rest fitted) show little loss on these
    flat-coloured pictures, and leave the 56th entry of the GIF's table free to mean
    "unchanged": six-bit codes, about a tenth fewer bytes than seven.
    """
    keys = [bytes.fromhex(color.lstrip("#")) for color in dict.fromkeys(c.lower() for c in key_colors)]
    picks = sorted({0, len(frames) // 2, len(frames) - 1})
    pixels = np.concatenate([frames[i].reshape(-1, 3) for i in picks])
    # The fitted colours are for what the key colours are not (the surface, blended edges):
    # fitted on all pixels, they would spend entries next to the keys (a white beside white).
    rest = pixels[~np.isin(_packed(pixels), [int.from_bytes(key, "big") for key in keys])]
    sample = Image.fromarray((rest if len(rest) else pixels)[None])
    fitted = sample.quantize(colors=colors - len(keys), method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    entries = fitted.getpalette()[: 3 * (colors - len(keys))]
    palette = Image.new("P", (1, 1))
    palette.putpalette(entries + [channel for key in keys for channel in key])
    return palette


GIF_TICK_MS = 10           # a GIF's delays are whole centiseconds ...
GIF_SHORTEST_MS = 20       # ... and browsers show a shorter one as 100 ms
MAX_GIF_FPS = 1000 / GIF_SHORTEST_MS


def durations_ms(count: int, fps: float, tick_ms: int = 1, shortest_ms: int = 1) -> list[int]:
    """Each frame's duration in whole `tick_ms`: 1/fps on average (the rounding carried
    from frame to frame, so 15 fps in centiseconds is 70, 70, 60, ... not 60 throughout),
    never under `shortest_ms`; the first held FIRST_FRAME_HOLD_MS and the last
    LAST_FRAME_HOLD_MS (a single frame: the longer)."""
    ends = [round(k * 1000 / fps / tick_ms) * tick_ms for k in range(count + 1)]
    durations = [max(shortest_ms, b - a) for a, b in zip(ends, ends[1:])]
    durations[0] = max(durations[0], FIRST_FRAME_HOLD_MS)
    durations[-1] = max(durations[-1], LAST_FRAME_HOLD_MS)
    return durations


def gif_fps(fps: float) -> float:
    """The rate a GIF (or an animated WebP: browsers treat it alike) plays `fps` at: at
    most MAX_GIF_FPS (50), what its delays allow."""
    return min(fps, MAX_GIF_FPS)


def held_frames(count: int, fps: float) -> list[int]:
    """For a video at a constant `fps`: how many times each frame is repeated, so that the
    first and the last are held as `durations_ms` holds them."""
    repeats = [1] * count
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


def encode_gif(frames: Sequence[np.ndarray], fps: float, key_colors: Sequence[str] = ()) -> bytes:
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
                   duration=durations_ms(len(images), gif_fps(fps), GIF_TICK_MS, GIF_SHORTEST_MS), loop=0,
                   optimize=True, disposal=1,
                   palette=bytes(table), transparency=unchanged)
    return buffer.getvalue()


def _absent_color(table: list[int]) -> list[int]:
    present = {tuple(table[i:i + 3]) for i in range(0, len(table), 3)}
    return list(next(c for c in ((255, 0, 255 - k) for k in range(256)) if c not in present))


def encode_webp(frames: Sequence[np.ndarray], fps: float, key_colors: Sequence[str] = ()) -> bytes:
    """Lossless WebP of the palette-reduced frames: the GIF's pixels, in about 60% of its bytes."""
    images = [image.convert("RGB") for image in quantized(frames, key_colors)]
    buffer = io.BytesIO()
    images[0].save(buffer, format="WEBP", save_all=True, append_images=images[1:],
                   duration=durations_ms(len(images), gif_fps(fps)), loop=0, lossless=True, quality=50, method=4,
                   kmin=KEYFRAMES_NEVER - 1, kmax=KEYFRAMES_NEVER)
    return buffer.getvalue()


def encode_png(frame: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(frame).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def encode_mp4(frames: Sequence[np.ndarray], fps: float, path: Path) -> None:
    """H.264/yuv420p at `fps`, the first and last frames repeated for their holds; bit-exact output."""
    import imageio_ffmpeg

    height, width = frames[0].shape[:2]
    pad_w, pad_h = width % 2, height % 2  # yuv420p needs even sides: repeat the edge pixel
    command = [imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-loglevel", "error", "-y",
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
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        for frame, repeats in zip(frames, held_frames(len(frames), fps)):
            if pad_w or pad_h:
                frame = np.pad(frame, ((0, pad_h), (0, pad_w), (0, 0)), mode="edge")
            data = np.ascontiguousarray(frame).tobytes()
            for _ in range(repeats):
                process.stdin.write(data)
        process.stdin.close()
        error = process.stderr.read().decode(errors="replace").strip()
        if process.wait() != 0:
            raise OSError(f"ffmpeg failed: {error.splitlines()[-1] if error else _ended(process.returncode)}")
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
    if fmt is not None and fmt not in FORMATS:
        raise ValueError(f"unknown output format {fmt!r}; use one of: {', '.join(FORMATS)}")
    if fmt and suffix and suffix != fmt:
        raise ValueError(f"{path} does not end in .{fmt} as the format {fmt!r} says")
    fmt = fmt or suffix or "gif"
    if fmt not in FORMATS:
        raise ValueError(f"unknown output format {fmt!r} (from {path}); use one of: {', '.join(FORMATS)}")
    return fmt


def encode_csv(labels: Sequence[str], positions: np.ndarray, values: np.ndarray, names: Sequence[str] = "xyz",
               off_plane: np.ndarray | None = None) -> bytes:
    """One row per epoch, racer and start: `epoch,racer,start,x,y,z` (1-D: no `y`).

    `positions` (epochs + 1, racers, starts, dim) and `values` (epochs + 1, racers, starts)
    as `runner.Run` records them; numbers as Python writes them back exactly (`repr`),
    NaN after a divergence as `nan`. A race over a model gives its plane coordinates and
    loss (`names` "pc1", "pc2", "loss") and a last column `off_plane`.
    """
    epochs, n_racers, n_starts, dim = positions.shape
    out = io.StringIO()
    rows = csv.writer(out, lineterminator="\n")
    rows.writerow(["epoch", "racer", "start", *list(names)[:dim], list(names)[-1],
                   *(["off_plane"] if off_plane is not None else [])])
    columns = [positions, values[..., None]] + ([off_plane[..., None]] if off_plane is not None else [])
    table = np.concatenate(columns, axis=3).tolist()
    for epoch, at_epoch in enumerate(table):
        for label, by_start in zip(labels, at_epoch):
            for start, numbers in enumerate(by_start):
                rows.writerow([epoch, label, start, *map(repr, numbers)])
    return out.getvalue().encode()


def encode(frames: Sequence[np.ndarray], fmt: str, fps: float, key_colors: Sequence[str] = ()) -> bytes:
    """The file's bytes in picture format `fmt` (png: the last frame, as a poster)."""
    if not frames:
        raise ValueError("no frames to write")
    if fmt == "gif":
        return encode_gif(frames, fps, key_colors)
    if fmt == "webp":
        return encode_webp(frames, fps, key_colors)
    if fmt == "png":
        return encode_png(frames[-1])
    if fmt == "mp4":
        remove_leftovers(Path(tempfile.gettempdir()), "animate-mp4-")
        with tempfile.TemporaryDirectory(prefix=f"animate-mp4-{os.getpid()}-") as folder:
            path = Path(folder) / "video.mp4"
            encode_mp4(frames, fps, path)
            return path.read_bytes()
    raise ValueError(f"unknown picture format {fmt!r}; expected one of {', '.join(PICTURE_FORMATS)}")

