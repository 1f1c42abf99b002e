"""The package as a user installs it: a wheel with one top-level name, installed in a new
virtual environment and run from an empty folder, far from the clone.

The wheel is built from a copy of the clone's files without build isolation (the dev
requirements have setuptools: nothing is downloaded); the new environment borrows this
one's dependencies through a path file, so that installing takes a second, not minutes.
"""
import json
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from PIL import Image

import optimotion
from conftest import ROOT

pytestmark = pytest.mark.xdist_group("package")  # one wheel, one environment for these tests

SOURCES = ("pyproject.toml", "README.md", "src", "optimizers", "surfaces", "scenes")
SMALL = ("--size", "160x90", "--epochs", "20", "-q")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    copy = tmp_path_factory.mktemp("source")
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        else:
            shutil.copy(source, copy / name)
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "--disable-pip-version-check", "-w", str(out), str(copy)], check=True, capture_output=True)
    return next(out.glob("optimotion-*.whl"))


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """A new virtual environment with the wheel installed: its bin folder."""
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    (Path(site) / "borrowed.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")  # the dependencies
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps",
                    "--disable-pip-version-check", str(wheel)], check=True, capture_output=True)
    return venv / "bin"


def run(command, folder, **kwargs):
    """`command` in `folder`, with a home of its own elsewhere (matplotlib keeps a cache there)."""
    home = folder.parent / f"{folder.name}-home"
    home.mkdir(exist_ok=True)
    return subprocess.run([str(part) for part in command], cwd=folder, capture_output=True, text=True, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "HOME": str(home)}, **kwargs)


def test_the_wheel_holds_one_package_and_its_command(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        entry_points = archive.read(next(n for n in names if n.endswith(".dist-info/entry_points.txt"))).decode()
    assert {name.split("/")[0] for name in names} == {"optimotion", wheel.name.split("-py3")[0] + ".dist-info"}
    assert "animate = optimotion.cli:console" in entry_points
    for part in ("optimotion/output/web/player.js", "optimotion/scenes/saddle.py", "optimotion/optimizers/adam.py",
                 "optimotion/surfaces/networks.py", "optimotion/sphinxext.py", "optimotion/__main__.py"):
        assert part in names
    assert not any(name.startswith(("optimotion/tests", "optimotion/bench", "optimotion/docs")) for name in names)


def test_animate_saddle_writes_under_the_folder_it_runs_in(installed, tmp_path):
    done = run([installed / "animate", "saddle", *SMALL], tmp_path)
    assert done.returncode == 0, done.stderr
    with Image.open(tmp_path / "output" / "saddle.gif") as gif:
        assert gif.size == (160, 90) and gif.n_frames == 11  # show_epoch over 0..20: every 2nd
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output"]


def test_a_scene_file_anywhere_and_the_old_import_form(installed, tmp_path):
    (tmp_path / "mine.py").write_text('"""Mine."""\nfrom optimotion import SGD, Adam, Scene\n'
                                      'SCENE = Scene("bowl", start=(1.0, 2.0), optimizers=[SGD(lr=0.1), '
                                      'Adam(lr=0.1)], epochs=10)\n')
    done = run([installed / "animate", "mine.py", *SMALL], tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "output" / "mine.gif").stat().st_size > 1000
    (tmp_path / "old.py").write_text("from optimizers import SGD\nfrom scenes import Scene\n")
    old = run([installed / "animate", "old.py", *SMALL], tmp_path)
    assert old.returncode == 1 and old.stderr.count("\n") == 1
    assert "old.py:1: `from optimizers import ...` is the old form; write `from optimotion import ...`" in old.stderr


def test_python_m_and_import_from_anywhere(installed, tmp_path):
    listed = run([installed / "python", "-m", "optimotion", "--list"], tmp_path)
    assert listed.returncode == 0 and "  saddle " in listed.stdout and "Real networks:" in listed.stdout
    script = ("import json, optimotion; m = optimotion.render('saddle', size=(160, 90), epochs=20);"
              "s = m.save('s.gif'); print(json.dumps([optimotion.__file__, s.frames, optimotion.__version__]))")
    done = run([installed / "python", "-c", script], tmp_path)
    assert done.returncode == 0, done.stderr
    where, frames, version = json.loads(done.stdout)
    assert Path(where).is_relative_to(installed.parent) and frames == 11 and version == optimotion.__version__
    assert (tmp_path / "s.gif").exists()
