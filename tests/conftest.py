import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def render_recording(picture) -> tuple[list, list]:
    """All frames of a `renderer.Renderer`, and the moving artists they drew, all together
    (a frame's artists leave the figure once drawn, so they are recorded as they come)."""
    drawn, snap = [], picture._snap_frame

    def recording(*args):
        artists = snap(*args)
        drawn.extend(artists)
        return artists

    picture._snap_frame = recording
    return list(picture.frames()), drawn


@pytest.fixture
def cli():
    """Run animate.py as a user would; returns the CompletedProcess."""
    def run(*args, cwd=ROOT, timeout=120, **kwargs):
        return subprocess.run([sys.executable, str(ROOT / "animate.py"), *map(str, args)], cwd=cwd,
                              capture_output=True, text=True, timeout=timeout, **kwargs)
    return run
