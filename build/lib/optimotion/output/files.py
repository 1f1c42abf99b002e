"""Output files, atomically: the target is either the old file or the complete new one.

The output rule (`output_target`): a plain file, or a link to one, is replaced atomically
keeping its permissions, owner and link; a new file's folders are made (and removed again
if the write fails); a device, a FIFO or a stream is written in place, as cp would; a
read-only file is not replaced. Several files are written as one (`write_files`): all, or
none of them.
"""
from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import shutil
import stat
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

from optimotion import links
from optimotion.errors import OutputError

try:
    import fcntl
except ImportError:  # Windows: no flock; leftovers of killed runs stay
    fcntl = None

FOLDER_TRIES = 5   # a folder made again, at most, when another process's failed write removes it
LEFTOVER_AGE = 10  # seconds: a temporary file younger than this is never taken for a leftover


# Paths that name one of this process's descriptors, not a file (/dev/stdout is a link to
# /proc/self/fd/1): written to that descriptor, never opened again.
DESCRIPTOR_PATHS = re.compile(r"^/(?:dev/fd|proc/self/fd|proc/(\d+)/fd)/(\d+)$")
STANDARD = {"/dev/stdin": 0, "/dev/stdout": 1, "/dev/stderr": 2}
STANDARD_NAMES = {0: "standard input", 1: "standard output", 2: "standard error"}


def _open_descriptors(limit: int = 256) -> frozenset[int]:
    found = set()
    for descriptor in range(limit):
        with contextlib.suppress(OSError):
            os.fstat(descriptor)
            found.add(descriptor)
    return frozenset(found)


#: The descriptors open when the package was imported: those the program was given (its
#: standard streams, a pipe of `--out >(gzip > x.gz)`); one it opened later (a font that
#: took the number of a closed stream) is never an output.
GIVEN = _open_descriptors()


class Target(NamedTuple):
    """Where an output goes, by the output rule (see `write_files`)."""
    path: Path           # what to write: the file itself, through any links
    in_place: bool       # a device, a FIFO or a stream: opened and written, as cp would
    mode: int | None     # an existing file's permissions, kept by its replacement
    owner: tuple | None  # an existing file's (uid, gid)
    descriptor: int | None = None  # a descriptor of this process that the path names: written to it


def descriptor_named(text: str) -> int | None:
    """The descriptor of this process that a path names (/dev/stdout, /dev/fd/N,
    /proc/self/fd/N, or a chain of links that leads to one of them), or None."""
    for _ in range(40):
        if text in STANDARD:
            return STANDARD[text]
        found = DESCRIPTOR_PATHS.match(text)
        if found and (found.group(1) is None or int(found.group(1)) == os.getpid()):
            return int(found.group(2))
        if not os.path.islink(text):
            return None
        link = os.readlink(text)
        text = link if os.path.isabs(link) else os.path.normpath(os.path.join(os.path.dirname(text), link))
    return None


def _descriptor_target(path: Path, descriptor: int) -> Target:
    """A path that names one of this process's descriptors: written to it, if the program
    was given it as an output (OutputError otherwise)."""
    name = STANDARD_NAMES.get(descriptor, f"descriptor {descriptor}")
    if descriptor == 0:
        raise OutputError(f"{path} is standard input, not an output")
    stream = {1: sys.stdout, 2: sys.stderr}.get(descriptor)
    closed = descriptor not in GIVEN or (descriptor in (1, 2) and (stream is None or _fileno(stream) != descriptor))
    try:
        os.fstat(descriptor)
    except OSError:
        closed = True
    if closed:
        raise OutputError(f"cannot write to {name} ({path}): it is closed, or this program opened that descriptor "
                          "itself; give a file name")
    return Target(path, True, None, None, descriptor)


def _fileno(stream) -> int | None:
    try:
        return stream.fileno()
    except (OSError, ValueError, AttributeError):
        return None


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
    descriptor = descriptor_named(text)
    if descriptor is not None:
        return _descriptor_target(path, descriptor)
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
    if not stat.S_ISREG(info.st_mode):
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
    leaves every earlier file as it was, no temporary file, and no folder made for it.

    Safe between processes: two writes of one new folder both succeed, and the folders one
    of them made are removed only if empty; two writes of the same pair of files (a PNG's
    poster and overview) replace them one pair after the other, never one file of each.
    """
    targets = [output_target(path) for _, path in items]
    made: list[Path] = []
    try:
        with contextlib.ExitStack() as claims:
            staged = []
            for (data, _), target in zip(items, targets):
                if not target.in_place:
                    tmp = _stage(data, target, claims, made)
                    staged.append((tmp, target.path))
            for (data, _), target in zip(items, targets):
                if target.in_place:
                    _write_in_place(data, target)
            replace_staged(staged)
    except BaseException:
        for folder in reversed(made):
            with contextlib.suppress(OSError):
                folder.rmdir()  # only if empty: another process may be writing into it
        raise


def _stage(data: bytes, target: Target, claims: contextlib.ExitStack, made: list[Path]) -> Path:
    """`data` in a new temporary file beside `target`, on disk, with the target's mode and
    owner, claimed by this process until `claims` closes; the folders made for it are added
    to `made` as they are made (so that a failure removes them). A folder that another
    process removes meanwhile (its own failed write) is made again."""
    for attempt in range(FOLDER_TRIES):
        made += _make_folders(target.path.parent)
        try:
            tmp = claims.enter_context(temporary_beside(target.path))
            break
        except OutputError:
            if target.path.parent.is_dir() or attempt == FOLDER_TRIES - 1:
                raise
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    if target.mode is not None:
        os.chmod(tmp, target.mode)
        if os.geteuid() == 0 and target.owner != (os.geteuid(), os.getegid()):
            os.chown(tmp, *target.owner)
    return tmp


def replace_staged(staged: Sequence[tuple[Path, Path]]) -> None:
    """Rename each staged file over its target; several at once under a lock on their
    folders, so that another process's pair is never interleaved with this one."""
    with _folders_locked(_distinct_folders([target for _, target in staged]) if len(staged) > 1 else []):
        for tmp, target in staged:
            os.replace(tmp, target)


def _distinct_folders(targets: Sequence[Path]) -> list[Path]:
    """The folders of `targets`, each once however it is named (a relative and an absolute
    path to one folder are one folder: a second lock on it would wait on the first
    forever), in one order for every process (by device and inode)."""
    folders = {}
    for target in targets:
        info = os.stat(target.parent)
        folders.setdefault((info.st_dev, info.st_ino), target.parent)
    return [folders[key] for key in sorted(folders)]


@contextlib.contextmanager
def _folders_locked(folders: Sequence[Path]) -> Iterator[None]:
    """An exclusive lock on each folder (flock: released by the kernel when the process
    ends, however it ends), taken in one order by every process, so none waits forever."""
    with contextlib.ExitStack() as held:
        if fcntl is not None:
            for folder in folders:
                descriptor = os.open(folder, os.O_RDONLY)
                held.callback(os.close, descriptor)
                fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield


def _claim(path: Path) -> int:
    """An open descriptor of `path` holding an exclusive lock: while it is open, the path is
    in use (see `remove_leftovers`); the kernel lets go when this process ends."""
    descriptor = os.open(path, os.O_RDONLY)
    if fcntl is not None:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return descriptor


def _claimed_by_someone(path: Path) -> bool:
    """Whether a live process (any, in any PID namespace on this machine) claims `path`."""
    try:
        descriptor = os.open(path, os.O_RDONLY)
    except OSError:
        return True  # gone already, or not ours to judge
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(descriptor)
    return False


#: What this program names its temporary files beside a target, and its MP4 folders in
#: the temporary directory: nothing else is ever taken for a leftover of its own.
PART = re.compile(r"^\.animate-\d+-[0-9a-f]{8}\.part$")
MP4_FOLDER = re.compile(r"^animate-mp4-\d+-[a-z0-9_]{8}$")


def remove_leftovers(folder: Path, name: re.Pattern, folders: bool = False) -> None:
    """Remove the files (or, with `folders`, the folders) in `folder` whose name is this
    program's (`name`: PART, MP4_FOLDER) and that no process claims: what an earlier run
    could not clean up because it was killed (kill -9 runs no code).

    A file in use is claimed by a lock its writer holds (`_claim`), which tells a live
    writer from a dead one in any PID namespace; one made in the last LEFTOVER_AGE seconds
    may not be claimed yet, and is left. Without flock (Windows), nothing is removed.
    """
    if fcntl is None:
        return
    try:
        entries = [entry for entry in os.scandir(folder) if name.match(entry.name)]
    except OSError:
        return
    now = time.time()
    for entry in entries:
        path = folder / entry.name
        with contextlib.suppress(OSError):
            if entry.is_symlink() or entry.is_dir(follow_symlinks=False) != folders:
                continue
            if now - entry.stat(follow_symlinks=False).st_mtime < LEFTOVER_AGE or _claimed_by_someone(path):
                continue
            shutil.rmtree(path) if folders else path.unlink()


@contextlib.contextmanager
def claimed_folder(parent: str | os.PathLike, prefix: str) -> Iterator[Path]:
    """A new temporary folder `PREFIX<pid>-XXXXXXXX` in `parent`, claimed while the block
    runs and removed after it; unclaimed leftovers of killed runs are removed first."""
    remove_leftovers(Path(parent), MP4_FOLDER, folders=True)
    folder = Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-", dir=parent))
    descriptor = _claim(folder)
    try:
        yield folder
    finally:
        os.close(descriptor)
        shutil.rmtree(folder, ignore_errors=True)


def write_stream(data: bytes, stream) -> int:
    """Write `data` to an open binary stream (standard output for `--out -`): every byte,
    or an OutputError (a pipe whose reader stopped early, as `| head`, is one)."""
    try:
        descriptor = _fileno(stream)
        if descriptor is None:
            stream.write(data)
            stream.flush()
        else:
            stream.flush()
            write_all(descriptor, data)
    except (OSError, ValueError) as error:
        name = getattr(stream, "name", "the stream")
        raise OutputError(f"cannot write {'standard output' if name in (1, '<stdout>') else name}: "
                          f"{getattr(error, 'strerror', None) or error}") from None
    return len(data)


def _write_in_place(data: bytes, target: Target) -> None:
    """A device or a FIFO, opened and written as cp would; a descriptor, written to."""
    try:
        if target.descriptor is not None:
            write_all(target.descriptor, data)
            return
        with open(target.path, "wb") as stream:
            stream.write(data)
    except OSError as error:
        raise OutputError(f"cannot write {target.path}: {error.strerror or error}") from None


def write_all(descriptor: int, data: bytes) -> None:
    """Every byte of `data` to `descriptor`, however many writes it takes (a pipe takes
    what it has room for); OSError if the reader is gone (a closed pipe, `| head`)."""
    view = memoryview(data)
    while view:
        written = os.write(descriptor, view)
        if written <= 0:
            raise OSError(errno.EPIPE, os.strerror(errno.EPIPE))
        view = view[written:]


def _make_folders(folder: Path) -> list[Path]:
    """Create `folder` and its missing parents; the ones this call made, outermost first."""
    missing = []
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    made = []
    try:
        for path in reversed(missing):
            try:
                path.mkdir()
                made.append(path)
            except FileExistsError:
                if not path.is_dir():
                    raise
                # another process made it at the same moment: it is theirs to remove
    except OSError as error:
        reason = _why_not_a_folder([folder, *missing[::-1]]) or error.strerror or error
        for path in reversed(made):
            with contextlib.suppress(OSError):
                path.rmdir()
        raise OutputError(f"cannot write to {missing[0] if missing else folder}: {reason}") from None
    return made


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
    """A new temporary file beside `target`, claimed by this process while the block runs,
    for the caller to fill and rename over `target`; removed on any failure or
    interruption, so `target`, if it existed, is left byte for byte as it was. The new
    file gets mode 0644 less the umask, applied by the kernel when the file is made (the
    umask itself is never changed).
    """
    target = Path(target)
    try:
        tmp, descriptor = _new_file_beside(target)
    except OSError as error:
        raise OutputError(f"cannot write to {target.parent}: {error.strerror or error}") from None
    try:
        yield tmp
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    finally:
        os.close(descriptor)


def _new_file_beside(target: Path) -> tuple[Path, int]:
    """An empty new file in target's folder, `.animate-PID-XXXXXXXX.part` (short: a name
    near the file system's limit still has room), mode 0644 less the umask, and the
    descriptor that claims it. Parts left there by killed runs are removed first."""
    remove_leftovers(target.parent, PART)
    for _ in range(100):
        tmp = target.with_name(f".animate-{os.getpid()}-{secrets.token_hex(4)}.part")
        try:
            descriptor = os.open(tmp, os.O_RDONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            continue
        if fcntl is not None:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return tmp, descriptor
    raise FileExistsError(f"no free temporary name beside {target}")
