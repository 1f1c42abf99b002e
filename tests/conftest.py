import contextlib
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import pytest

ROOT = Path(__file__).resolve().parent.parent


def pytest_configure(config):
    """Render processes from a fork server that has imported the renderer once: a test
    process has threads (pytest-xdist's), so the library would otherwise spawn, and every
    render with two jobs would start two interpreters from scratch. (The library takes a
    start method its caller chose, as this one is chosen here.)"""
    import multiprocessing

    if "forkserver" in multiprocessing.get_all_start_methods():
        multiprocessing.set_forkserver_preload(["frames", "pool"])
        multiprocessing.set_start_method("forkserver", force=True)


CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium_path() -> str | None:
    found = os.environ.get("CHROMIUM") or next(
        (path for name in ("chromium", "chromium-browser", "google-chrome") if (path := shutil.which(name))), None)
    if found is None and os.environ.get("CI"):
        pytest.fail("CI needs Debian's chromium for the browser tests (.ci/run installs it)")
    return found


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium, driven by playwright: one per test process (the tests that use
    it are in the xdist group "browser", so they share one)."""
    path = chromium_path()
    if path is None:
        pytest.skip("no chromium on this machine (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Finished(NamedTuple):
    """What a command-line run left: as subprocess.CompletedProcess names it."""
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def cli(monkeypatch):
    """Run `animate ARGS` in this process (cli.main), in folder `cwd`."""
    from optimotion import cli

    def run(*args, cwd=ROOT):
        monkeypatch.chdir(cwd)
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = cli.main([str(arg) for arg in args])
            except SystemExit as exit:  # argparse's --help and usage errors
                code = exit.code
        return Finished(code, out.getvalue(), err.getvalue())
    return run


@pytest.fixture
def cli_process():
    """Run animate.py in a real process: for signals, streams, rlimits and terminals."""
    def run(*args, cwd=ROOT, timeout=120, **kwargs):
        return subprocess.run([sys.executable, str(ROOT / "animate.py"), *map(str, args)], cwd=cwd,
                              capture_output=True, text=True, timeout=timeout, **kwargs)
    return run


def page_data(page) -> dict:
    """The data a page of `--format html` carries (its run, pixels and texts), from the
    page's file, its text, or the iframe a notebook shows it in."""
    import html
    import json
    import os
    import re

    if isinstance(page, os.PathLike):
        page = Path(page).read_text(encoding="utf-8")
    if page.startswith("<iframe"):
        page = html.unescape(page.split('srcdoc="', 1)[1].split('"', 1)[0])
    found = re.search(r'<script type="application/json" id="data">(.*?)</script>', page, re.S)
    return json.loads(found.group(1))


def reel_of(run, stage):
    """A run's Reel, as a render makes it."""
    from optimotion.draw.stage import reel_for

    return reel_for(stage, run.tracks, run.scene.frame_epochs_for(run.positions))


def drawer(run, style):
    """A FrameDrawer for a run, as a render makes it."""
    from optimotion.draw.frames import FrameDrawer
    from optimotion.draw.stage import stage_for

    stage = stage_for(run.scene, style.mesh)
    return FrameDrawer(stage, style, reel_of(run, stage))


def drawn_artists(drawer) -> list:
    """The moving artists of every frame of `drawer`, frame after frame (left in the
    figure, for inspection: draw no frame with this drawer after it)."""
    return [artist for index in range(len(drawer.frame_epochs)) for artist in drawer.artists(index)]


def pytest_collection_modifyitems(items):
    """The long groups first (one worker each: a browser, a Jupyter kernel), so the many
    short tests fill the gaps around them instead of waiting behind them at the end."""
    grouped = [item for item in items if item.get_closest_marker("xdist_group")]
    items[:] = grouped + [item for item in items if not item.get_closest_marker("xdist_group")]
