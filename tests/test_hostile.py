"""Nothing breaks it, round three (issue 22): a test per class of what a hostile user met.

Each class is fixed where it arises; each test here fails on the code before the fix.
Device nodes and FIFOs, where needed, are made in the test's own folder.
"""
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import optimotion
from optimotion.output import files

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX processes, signals and flock")
SMALL = ("--epochs", "10", "--size", "96x54", "--jobs", "1")


def animate_process(*args, cwd, timeout=120, **kwargs):
    return subprocess.run([sys.executable, "-m", "optimotion", *map(str, args)], cwd=cwd, capture_output=True,
                          timeout=timeout, **kwargs)


# -- 2. where the report goes ------------------------------------------------------------------
@posix_only
def test_the_report_never_lands_in_a_file_on_standard_output_even_with_stderr_closed(tmp_path):
    expected = optimotion.render("saddle", epochs=10, size=(96, 54), jobs=1).to_bytes("gif")
    done = subprocess.run(["sh", "-c", f"exec {sys.executable} -m optimotion saddle --epochs 10 --size 96x54 "
                           "--jobs 1 --out - 2>&-"], cwd=tmp_path, capture_output=True, timeout=120)
    assert done.returncode == 0 and done.stdout == expected  # the file alone: no report after its last byte


# -- 3. an option applies to a format, or is refused -------------------------------------------
@pytest.mark.parametrize("fmt", ["png", "csv"])
def test_max_bytes_for_a_format_it_cannot_shrink_is_refused(cli, tmp_path, fmt):
    done = cli("saddle", *SMALL, "--max-bytes", "100", "--out", tmp_path / f"s.{fmt}")
    assert done.returncode == 1 and done.stderr.count("\n") == 1
    assert f"max_bytes applies to gif, webp, mp4, html, not {fmt}" in done.stderr and "--max-bytes" in done.stderr
    assert list(tmp_path.iterdir()) == []
    movie = optimotion.render("saddle", epochs=5, size=(64, 36), jobs=1, poster=True)
    with pytest.raises(optimotion.OptionError, match="max_bytes applies to"):
        movie.save(tmp_path / f"t.{fmt}", max_bytes=10**9)


# -- 4. concurrent renders never fight ---------------------------------------------------------
def test_a_folder_another_process_makes_at_the_same_moment_is_used(tmp_path, monkeypatch):
    real_mkdir = Path.mkdir

    def made_by_another_first(self, *args, **kwargs):
        real_mkdir(self)
        raise FileExistsError(17, "File exists", str(self))

    monkeypatch.setattr(Path, "mkdir", made_by_another_first)
    files.write_bytes(b"GIF89a;", tmp_path / "new" / "deeper" / "a.gif")
    assert (tmp_path / "new" / "deeper" / "a.gif").read_bytes() == b"GIF89a;"


def test_a_folder_another_process_removes_at_the_same_moment_is_made_again(tmp_path, monkeypatch):
    real_new_file_beside, calls = files._new_file_beside, []

    def removed_by_another_first(target):
        calls.append(target)
        if len(calls) == 1:  # the other write failed and removed the (empty) folder it made
            target.parent.rmdir()
        return real_new_file_beside(target)

    monkeypatch.setattr(files, "_new_file_beside", removed_by_another_first)
    files.write_bytes(b"GIF89a;", tmp_path / "new" / "a.gif")
    assert (tmp_path / "new" / "a.gif").read_bytes() == b"GIF89a;" and len(calls) == 2


@posix_only
def test_two_writes_of_one_pair_never_leave_one_file_of_each(tmp_path, monkeypatch):
    """A PNG's poster and overview are written as a pair: two writers at once leave one
    writer's pair, whichever came last, never one file of each. Writer A is slow between
    its two renames; writer B, started a moment later, is not."""
    real_replace = os.replace
    poster, overview = tmp_path / "p.png", tmp_path / "p-overview.png"

    def replace(source, target):
        slow = Path(source).read_bytes()[:1] == b"A" and Path(target) == poster
        real_replace(source, target)
        if slow:
            time.sleep(0.2)

    monkeypatch.setattr(os, "replace", replace)
    writers = [threading.Thread(target=files.write_files, args=([(name * 2, poster), (name * 3, overview)],))
               for name in (b"A", b"B")]
    writers[0].start()
    time.sleep(0.05)
    writers[1].start()
    for writer in writers:
        writer.join()
    assert (poster.read_bytes(), overview.read_bytes()) in ((b"AA", b"AAA"), (b"BB", b"BBB"))
    assert sorted(os.listdir(tmp_path)) == ["p-overview.png", "p.png"]


# -- 5. a scene's threads, signal handlers and top level never decide the tool's life -----------
THREADED_SCENE = '''"""Starts a thread that never ends."""
import threading, time
from optimotion import SGD, Scene
threading.Thread(target=time.sleep, args=(3600,), name="scene's own").start()
SCENE = Scene("bowl", start=(1.0, 2.0), optimizers=[SGD(lr=0.1)], epochs=5)
'''
DEAF_SCENE = '''"""Ignores the signals that say stop, then takes its time."""
import signal, time
import autograd.numpy as np
from optimotion import SGD, Scene, Surface
signal.signal(signal.SIGINT, signal.SIG_IGN)
signal.signal(signal.SIGTERM, signal.SIG_IGN)

def slow(xy):
    time.sleep(0.01)
    x, y = xy
    return x**2 + y**2

SCENE = Scene(Surface(name="slow", f=slow, domain=((-2, 2), (-2, 2)), zlim=(0, 8)), start=(1.0, 1.0),
              optimizers=[SGD(lr=0.01)], epochs=100_000)
'''
SCRIPT_WITHOUT_GUARD = '''
import sys, threading, time
with open(sys.argv[1], "a") as log:
    print("top level", file=log)
threading.Thread(target=time.sleep, args=(30,), daemon=True).start()  # so the library spawns
import multiprocessing, optimotion
movie = optimotion.render("saddle", epochs=300, size=(160, 90), jobs=2)
print(len(movie.frames), multiprocessing.get_start_method(allow_none=True))
'''


@posix_only
def test_a_thread_the_scene_starts_does_not_keep_the_command_running(tmp_path):
    (tmp_path / "threaded.py").write_text(THREADED_SCENE)
    started = time.monotonic()
    done = animate_process("threaded.py", *SMALL, cwd=tmp_path, timeout=60)
    assert done.returncode == 0 and time.monotonic() - started < 30, done.stderr
    assert done.stderr == b"" and (tmp_path / "output" / "threaded.gif").exists()


@posix_only
def test_all_ends_although_a_scene_leaves_a_thread_running(tmp_path):
    scene_dir = tmp_path / "scenes"
    scene_dir.mkdir()
    (scene_dir / "threaded.py").write_text(THREADED_SCENE)
    (scene_dir / "plain.py").write_text(THREADED_SCENE.replace("threading.Thread", "(lambda **k: None) or "
                                                               "threading.Thread").replace(".start()", ""))
    wrapper = tmp_path / "all.py"
    wrapper.write_text(ALL)
    done = subprocess.run([sys.executable, str(wrapper), str(scene_dir), "all", "--size", "96x54", "-j", "2"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "all: 2 scenes, 2 written, 0 up to date, 0 failed" in done.stdout


ALL = '''
import sys
from pathlib import Path
from optimotion.scenes import _loader
_loader.SCENES_DIR = Path(sys.argv[1])
from optimotion import cli
sys.argv = ["animate"] + sys.argv[2:]
cli.console()
'''


@posix_only
def test_a_scene_that_ignores_the_stop_signals_still_stops(tmp_path):
    import signal

    (tmp_path / "deaf.py").write_text(DEAF_SCENE)
    process = subprocess.Popen([sys.executable, "-m", "optimotion", "deaf.py", "--size", "96x54", "-q"], cwd=tmp_path,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(3)  # loaded, and simulating
    process.send_signal(signal.SIGTERM)
    try:
        _, err = process.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        raise
    assert process.returncode == 143 and err == "animate: terminated; nothing was written\n"


@posix_only
def test_a_script_without_a_main_guard_runs_its_top_level_once(tmp_path):
    (tmp_path / "script.py").write_text(SCRIPT_WITHOUT_GUARD)
    log = tmp_path / "log.txt"
    done = subprocess.run([sys.executable, "script.py", str(log)], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert log.read_text() == "top level\n"  # not once more per drawing process
    assert done.stdout == "33 None\n"  # and the start method left unchosen, as the script left it
