import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def cli():
    """Run animate.py as a user would; returns the CompletedProcess."""
    def run(*args, cwd=ROOT, timeout=120, **kwargs):
        return subprocess.run([sys.executable, str(ROOT / "animate.py"), *map(str, args)], cwd=cwd,
                              capture_output=True, text=True, timeout=timeout, **kwargs)
    return run
