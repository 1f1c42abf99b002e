"""What a path that leads nowhere is, in words: a loop of symbolic links, or a link to nothing."""
from __future__ import annotations

import errno
import os

LOOP = "a loop of symbolic links"


def broken_link(path: str | os.PathLike) -> str | None:
    """LOOP (at `path`, or a folder on its way), "a symbolic link to X, which does not
    exist", or None where `path` leads somewhere or is simply not there."""
    try:
        os.stat(path)
    except OSError as error:
        if error.errno == errno.ELOOP:
            return LOOP
        if os.path.islink(path):
            return f"a symbolic link to {os.readlink(path)}, which does not exist"
    return None
