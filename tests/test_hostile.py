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

import numpy as np
import pytest

import optimotion
from optimotion.output import files

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX processes, signals and flock")
SMALL = ("--epochs", "10", "--size", "96x54", "--jobs", "1")


def finished(process: subprocess.Popen, timeout: float) -> tuple:
    """The process's (stdout, stderr) once it ends; killed, and the test failed, if it has
    not ended within `timeout` seconds."""
    try:
        return process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        raise



def animate_process(*args, cwd, timeout=120, **kwargs):
    return subprocess.run([sys.executable, "-m", "optimotion", *map(str, args)], cwd=cwd, capture_output=True,
                          timeout=timeout, **kwargs)


# -- 2. where the report goes ------------------------------------------------------------------
@posix_only
def test_the_report_never_lands_in_a_file_on_standard_output_even_with_stderr_closed(tmp_path):
    expected = optimotion.render("saddle", epochs=5, size=(64, 36), jobs=1).to_bytes("gif")
    done = subprocess.run(["sh", "-c", f"exec {sys.executable} -m optimotion saddle --epochs 5 --size 64x36 "
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


@posix_only
def test_a_pair_whose_first_file_exists_is_written_in_one_folder_lock(tmp_path, monkeypatch):
    """An existing poster's path is followed to its real file (its links kept), a new
    overview's is not: one folder under two names. Both are written; neither waits on the
    other's lock (it did: forever)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "p.png").write_bytes(b"old")
    pair = [(b"new", "out/p.png"), (b"view", "out/p-overview.png")]
    writer = threading.Thread(target=files.write_files, args=(pair,), daemon=True)
    writer.start()
    writer.join(timeout=10)
    assert not writer.is_alive(), "the write waits on its own lock"
    assert (tmp_path / "out" / "p.png").read_bytes() == b"new"
    assert (tmp_path / "out" / "p-overview.png").read_bytes() == b"view"


# -- 5. a scene's threads, signal handlers and top level never decide the tool's life -----------
THREADED_SCENE = '''"""Starts a thread that never ends."""
import threading, time
from optimotion import SGD, Scene
threading.Thread(target=time.sleep, args=(3600,), name="scene's own").start()
SCENE = Scene("bowl", start=(1.0, 2.0), optimizers=[SGD(lr=0.1)], epochs=5)
'''
DEAF_SCENE = '''"""Ignores the signals that say stop, then takes its time."""
import os, signal, time
import autograd.numpy as np
from optimotion import SGD, Scene, Surface
signal.signal(signal.SIGINT, signal.SIG_IGN)
signal.signal(signal.SIGTERM, signal.SIG_IGN)

def slow(xy):
    open("simulating", "a").close()
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
    deadline = time.monotonic() + 30
    while not (tmp_path / "simulating").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.2)  # loaded, and simulating
    process.send_signal(signal.SIGTERM)
    _, err = finished(process, timeout=10)
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


# -- 6. inputs that reached a library unchecked -----------------------------------------------
def small(scene, **options):
    return optimotion.render(scene, **{"size": (64, 36), "jobs": 1, **options})


@pytest.mark.parametrize("title", ["bell \x07 here", "nul\x00", "escape \x1b[31mred"])
def test_control_characters_in_a_title_are_refused(title):
    scene = optimotion.Scene("bowl", start=(1.0, 1.0), optimizers=[optimotion.SGD(lr=0.1)], epochs=3, title=title)
    with pytest.raises(optimotion.OptionError, match=r"has control characters \(.*\), which are not text"):
        small(scene)


def test_models_that_cannot_be_raced_say_why_at_once():
    class Line(optimotion.Model):
        name, dim, description = "line", 1, "one parameter"

        def f(self, theta):
            return (theta[0] - 3) ** 2

    with pytest.raises(ValueError, match="has 1 parameter: a race over a model is drawn on the plane"):
        optimotion.Scene(Line(), start=[0.0], optimizers=[optimotion.SGD(lr=0.1)], epochs=3)
    wide = optimotion.Network("wide", (64, 100_000, 10))
    started = time.monotonic()
    with pytest.raises(ValueError, match=r"model 'wide' \(7,500,010 parameters\) would take [\d.]+ GiB of memory"):
        optimotion.Scene(wide, start=np.zeros(wide.dim), optimizers=[optimotion.SGD(lr=0.1)], epochs=3)
    assert time.monotonic() - started < 5


def test_a_model_whose_racers_all_diverge_says_so():
    from optimotion.surfaces import DIGITS_LOGISTIC

    scene = optimotion.Scene(DIGITS_LOGISTIC, start=DIGITS_LOGISTIC.initial(0), epochs=5,
                             optimizers=[optimotion.SGD(lr=1e300), optimotion.Adam(lr=1e300)])
    with pytest.raises(optimotion.errors.PlaneError, match="every racer diverged at its first step"):
        small(scene)


def test_even_motion_never_counts_more_frames_than_the_run_has():
    scene = optimotion.Scene("bowl", start=(1.0, 2.0), optimizers=[optimotion.SGD(lr=0.1)], epochs=100,
                             show_epoch=optimotion.even_motion(5000))
    assert scene.frame_count == 101
    said = []
    movie = optimotion.render(scene, jobs=1, notice=said.append)  # 960x540: memory for 101 frames, not 5,000
    assert len(movie.frames) <= 101 and said == []


def test_the_estimate_counts_a_slow_schedule_and_a_million_starts():
    from optimotion import animation, estimate

    def slow(step):
        time.sleep(0.001)
        return 0.01

    style = animation.style_for()
    scene = optimotion.Scene("bowl", start=(1.0, 2.0), optimizers=[optimotion.SGD(lr=slow)], epochs=100_000)
    seconds = estimate.render_seconds(scene, style, 1, 63, estimate.gradient_seconds(scene))
    assert seconds["simulate"] > 100 and estimate.notice(scene, style, 1, 63, seconds).startswith("this render")
    crowd = optimotion.Scene("himmelblau", start=optimotion.grid((-5, 5), (-5, 5), 500), epochs=10,
                             optimizers=[optimotion.SGD(lr=0.01)])
    seconds = estimate.render_seconds(crowd, style, 1, 7, estimate.gradient_seconds(crowd))
    assert 30 < sum(seconds.values()) < 120  # measured: 41 s (a million starts: 162 s)
    peak = animation.memory_peak(7, style, 1, 11 * 1_000_000)
    assert 1.5 * 2**30 < peak < 3 * 2**30  # measured for a million starts: 2,013 MB


def test_a_schedule_that_gives_inf_is_refused_as_lr_inf_is():
    with pytest.raises(ValueError, match="lr"):
        optimotion.SGD(lr=float("inf"))
    with pytest.raises(ValueError, match=r"the lr schedule gave inf for update 1; a schedule must give finite"):
        optimotion.SGD(lr=lambda step: float("inf")).lr_at(1)


def test_the_formats_doors_behave_alike(tmp_path, monkeypatch):
    import csv
    import io

    movie = small(optimotion.Scene("bowl", start=(1.0, 2.0), epochs=4, optimizers={
        "=HYPERLINK(\"http://x\")": optimotion.SGD(lr=0.1), "+1": optimotion.Adam(lr=0.1),
        "plain -1": optimotion.Momentum(lr=0.1)}))
    assert movie.to_bytes("GIF") == movie.to_bytes("gif")
    rows = list(csv.DictReader(io.StringIO(movie.to_bytes("csv").decode())))
    assert {row["racer"] for row in rows} == {"'=HYPERLINK(\"http://x\")", "'+1", "plain -1"}
    with pytest.raises(optimotion.errors.OutputError, match="the output path is empty"):
        movie.save("")
    with pytest.raises(optimotion.OptionError, match="give a binary stream"):
        movie.save(io.StringIO(), format="gif")
    monkeypatch.setenv("IMAGEIO_FFMPEG_EXE", str(tmp_path / "no-ffmpeg"))
    with pytest.raises(optimotion.errors.OutputError, match="IMAGEIO_FFMPEG_EXE names .*no-ffmpeg, which is not"):
        movie.save(tmp_path / "s.mp4")
    monkeypatch.delenv("IMAGEIO_FFMPEG_EXE")
    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("")
    monkeypatch.setattr("tempfile.tempdir", str(not_a_folder))
    with pytest.raises(optimotion.errors.OutputError, match=r"cannot make the MP4 in the temporary folder .*TMPDIR"):
        movie.save(tmp_path / "s.mp4")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]


# -- 7. messages that say what and how -------------------------------------------------------
def surface(f):
    return optimotion.Surface(name="mine", f=f, domain=((-1, 1), (-1, 1)), zlim=(0, 2))


def _plain_where(xy):
    import numpy

    return numpy.where(xy[0] > 0, xy[0] ** 2, xy[1] ** 2)


@pytest.mark.parametrize("f, message", [
    (_plain_where, r"gave a plain numpy array of autograd's values: build it with autograd\.numpy"),
    (lambda xy: [xy[0] ** 2, xy[1] ** 2], r"gave a list of autograd's values"),
    (lambda xy: None, r"the surface gave None: does it end with `return \.\.\.`\?"),
])
def test_a_surface_that_gives_no_array_of_numbers_says_how_to_write_it(f, message):
    scene = optimotion.Scene(surface(f), start=(0.5, 0.5), optimizers=[optimotion.SGD(lr=0.1)], epochs=3)
    with pytest.raises(optimotion.errors.SurfaceError, match=message):
        small(scene)


def test_an_update_of_the_wrong_shape_and_a_frame_rule_that_gives_an_array_say_so():
    import dataclasses

    @dataclasses.dataclass(frozen=True)
    class Flat(optimotion.SGD):
        def update(self, grads, state, params):
            updates, state = super().update(grads, state, params)
            return updates.ravel(), state

    scene = optimotion.Scene("bowl", start=(1.0, 2.0), optimizers=[Flat(lr=0.1)], epochs=3)
    with pytest.raises(ValueError, match=r"Flat\.update gave updates of shape \(2,\), not the shape \(1, 2\)"):
        small(scene)
    import numpy

    rule = optimotion.Scene("bowl", start=(1.0, 2.0), optimizers=[optimotion.SGD(lr=0.1)], epochs=3,
                            show_epoch=lambda epoch: numpy.array([True, False]))
    with pytest.raises(ValueError, match=r"show_epoch must give True or False for an epoch, got array"):
        small(rule)


def test_a_very_long_label_is_cut_and_leaves_the_others_their_size():
    from optimotion.draw.picture import Picture
    from optimotion.draw.stage import stage_for

    def label_sizes(labels):
        scene = optimotion.Scene("bowl", start=(1.0, 2.0), epochs=3, optimizers=dict(zip(labels, (
            optimotion.SGD(lr=0.1), optimotion.Adam(lr=0.1), optimotion.Momentum(lr=0.1)))))
        picture = Picture(stage_for(scene), optimotion.animation.style_for(size=(960, 540)))
        picture.background()
        return [text.get_fontsize() for text in picture.label_texts], [t.get_text() for t in picture.label_texts]

    plain, _ = label_sizes(["SGD", "Adam", "Momentum"])
    sizes, texts = label_sizes(["SGD", "Adam", "Momentum " * 60])
    assert sizes[:2] == plain[:2] and texts[2].endswith("…") and len(texts[2]) < 100


def test_a_run_too_long_for_memory_is_refused_before_any_frame_is_picked():
    scene = optimotion.Scene("saddle", start=(20.75, 0.5), optimizers=[optimotion.SGD(lr=0.005)], epochs=10**10,
                             max_epochs=10**10, show_epoch=lambda epoch: epoch % 10**9 == 0)
    started = time.monotonic()
    with pytest.raises(optimotion.OptionError, match=r"10,000,000,000 epochs of 1 trajectory \(racers times st"):
        small(scene)
    assert time.monotonic() - started < 5


@posix_only
def test_an_unwritable_matplotlib_folder_adds_nothing_to_a_run(tmp_path):
    (tmp_path / "a-file").write_text("")
    done = animate_process("saddle", *SMALL, "--out", "s.gif", cwd=tmp_path,
                           env={**os.environ, "MPLCONFIGDIR": str(tmp_path / "a-file" / "matplotlib")})
    assert done.returncode == 0 and done.stderr == b"" and done.stdout.startswith(b"s.gif: ")


# -- round three, second pass: what the hostile re-run found --------------------------------
@posix_only
@pytest.mark.parametrize("path, closing", [("/proc/self/fd/1", ">&-"), ("/dev/stdout", ">&-"),
                                            ("/dev/fd/2", "2>&-")])
def test_a_descriptor_path_of_a_closed_stream_is_refused_not_written_through(tmp_path, path, closing):
    """With standard output closed, the next file the program opens takes descriptor 1
    (matplotlib's font): /proc/self/fd/1 then names that file, which must not be written."""
    sentinel = tmp_path / "font.ttf"
    sentinel.write_bytes(b"a font")
    script = (f"import os; fd = os.open({str(sentinel)!r}, os.O_RDWR); import runpy, sys; "
              f"sys.argv = ['animate', 'saddle', '--epochs', '5', '--size', '64x36', '--out', {path!r}]; "
              "runpy.run_module('optimotion', run_name='__main__')")
    done = subprocess.run(["sh", "-c", f"exec {sys.executable} -c \"{script}\" {closing}"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and sentinel.read_bytes() == b"a font"
    if closing == ">&-":
        assert "it is closed, or this program opened that descriptor itself" in done.stderr


def test_a_descriptor_the_program_opened_itself_is_no_output(tmp_path):
    handle = open(tmp_path / "mine.bin", "wb")  # opened after the package: not given to the program
    try:
        with pytest.raises(optimotion.errors.OutputError, match="this program opened that descriptor itself"):
            files.output_target(f"/proc/self/fd/{handle.fileno()}")
    finally:
        handle.close()


@posix_only
def test_the_report_stays_out_of_a_file_on_both_streams(tmp_path):
    expected = optimotion.render("saddle", epochs=5, size=(64, 36), jobs=1).to_bytes("gif")
    for command in ("--out - > f.gif 2>&1", "--out f.gif > f.gif 2>&1"):
        done = subprocess.run(["sh", "-c", f"{sys.executable} -m optimotion saddle --epochs 5 --size 64x36 --jobs 1 "
                               f"{command}"], cwd=tmp_path, capture_output=True, timeout=120)
        assert done.returncode == 0 and (tmp_path / "f.gif").read_bytes() == expected, command


@pytest.mark.parametrize("args, message", [
    (("--format", "csv", "--fps", "20"), "fps applies to gif, webp, mp4, html, not csv: a CSV holds the run's numbers"),
    (("--format", "csv", "--theme", "dark"), "theme applies to gif, webp, mp4, png, html, not csv"),
    (("--format", "png", "--slow-start", "1"), "slow_start applies to gif, webp, mp4, html, not png"),
    (("--view", "contour", "--orbit", "30"), "orbit turns a 3-D view, and this one has none (a contour map)"),
])
def test_an_option_a_format_or_view_cannot_use_is_refused(cli, tmp_path, args, message):
    done = cli("saddle", "--epochs", "5", "--out", tmp_path / "s", *args)
    assert done.returncode == 1 and message in done.stderr and done.stderr.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


@posix_only
@pytest.mark.parametrize("scene", ["fork", "leftovers", "deaf"])
def test_what_a_scene_starts_never_doubles_holds_or_deafens_the_command(tmp_path, scene):
    import signal

    code = {
        "fork": "import os\nos.fork()\n",
        "leftovers": "import atexit, multiprocessing, time\natexit.register(time.sleep, 600)\n"
                     "multiprocessing.Process(target=time.sleep, args=(600,)).start()\n",
        "deaf": "",
    }[scene]
    surface = ("def f(xy):\n    signal.signal(signal.SIGTERM, signal.SIG_IGN)\n    time.sleep(0.01)\n"
               "    return xy[0] ** 2 + xy[1] ** 2\n"
               "S = Surface(name='deaf', f=f, domain=((-2, 2), (-2, 2)), zlim=(0, 8))\n") if scene == "deaf" else ""
    where = "S" if surface else "'bowl'"
    header = f'"""{scene}"""\nimport signal, time\nfrom optimotion import SGD, Scene, Surface\n'
    epochs = 100_000 if scene == "deaf" else 5
    (tmp_path / "s.py").write_text(f"{header}{code}{surface}SCENE = Scene({where}, start=(1.0, 2.0), "
                                   f"optimizers=[SGD(lr=0.01)], epochs={epochs})\n")
    process = subprocess.Popen([sys.executable, "-m", "optimotion", "s.py", "--size", "64x36", "-q"], cwd=tmp_path,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if scene == "deaf":
        time.sleep(3)
        process.send_signal(signal.SIGTERM)
    out, err = finished(process, timeout=30)
    if scene == "deaf":
        assert process.returncode == 143 and err == "animate: terminated; nothing was written\n"
    else:
        assert process.returncode == 0 and err == "" and (tmp_path / "output" / "s.gif").exists()


def test_a_huge_grid_and_a_folder_path_are_refused_at_once(tmp_path):
    started = time.monotonic()
    with pytest.raises(ValueError, match=r"grid: 20,000 x 20,000 = 400,000,000 starts are more than the 1,000,000"):
        optimotion.grid((-1, 1), (-1, 1), 20000)
    assert time.monotonic() - started < 1
    movie = optimotion.render("saddle", epochs=3, size=(64, 36), jobs=1, poster=True)
    with pytest.raises(optimotion.errors.OutputError, match="newdir/ ends in '/', so it names a folder"):
        movie.save(str(tmp_path / "newdir") + "/")
    assert list(tmp_path.iterdir()) == []


def test_a_users_own_part_folder_is_no_leftover_and_failed_folders_go(tmp_path, monkeypatch):
    notes = tmp_path / ".animate-my-notes.part"
    notes.mkdir()
    (notes / "keep.txt").write_text("mine")
    os.utime(notes, (time.time() - 60, time.time() - 60))
    files.write_bytes(b"GIF89a;", tmp_path / "a.gif")
    assert (notes / "keep.txt").read_text() == "mine"

    def full(descriptor):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OSError):
        files.write_bytes(b"GIF89a;", tmp_path / "new" / "deeper" / "b.gif")
    assert not (tmp_path / "new").exists()


def test_control_characters_in_an_error_reach_the_terminal_escaped(cli, tmp_path):
    (tmp_path / "loud.py").write_text('raise ValueError("\\x1b]0;HACKED\\x07\\x1b[31mred")\n')
    done = cli(tmp_path / "loud.py")
    assert done.returncode == 1 and "\x1b" not in done.stderr and "\x07" not in done.stderr
    assert "\\x1b]0;HACKED\\x07\\x1b[31mred" in done.stderr
