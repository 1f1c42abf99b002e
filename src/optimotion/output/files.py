"""Output files, atomically: the target is either the old file or the complete new one.

The output rule (`output_target`): a plain file, or a link to one, is replaced atomically
keeping its permissions, owner and link; a new file's folders are made (and removed again
if the write fails); a device, a FIFO or a stream is written in place, as cp would; a
read-only file is not replaced. Several files are written as one (`write_files`): all, or
none of them.
"""
from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import stat
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

from optimotion import links
from optimotion.errors import OutputError


# Paths that name an open stream of this process, not a file: written in place.
STREAM_LINKS = ("/dev/stdout", "/dev/stderr", "/dev/fd/", "/proc/self/fd/")


class Target(NamedTuple):
    """Where an output goes, by the output rule (see `write_files`)."""
    path: Path           # what to write: the file itself, through any links
    in_place: bool       # a device, a FIFO or a stream: opened and written, as cp would
    mode: int | None     # an existing file's permissions, kept by its replacement
    owner: tuple | None  # an existing file's (uid, gid)


def output_target(target: str | os.PathLike, example: str = "animation.gif") -> Target:
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
        raise OutputError(f"{text} ends in '/', so it names a folder: give a file name, e.g. {text}{example}")
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
