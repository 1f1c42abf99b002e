"""Nothing a user does crashes the CLI or loses their work.

Every case runs the command line (`cli.main`, in this process unless the case needs a
real one: signals, rlimits, terminals, concurrent processes) and checks the exit code, the
one line on stderr (never a traceback) and the files left behind: an earlier good GIF at
the target path survives every failure byte for byte, and no temporary file is left over.
Where a real process needs something to go wrong at a precise moment (a full disk, a
signal during encoding) it runs a small wrapper script that patches one function and then
calls `cli.main()`, as `python animate.py` does.
"""
import contextlib
import io
import os
import re
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
import warnings

import autograd.numpy as anp
import numpy as np
import pytest
from PIL import Image

import optimotion
from conftest import ROOT, drawer, drawn_artists
from optimotion import surfaces
from optimotion.draw.style import Style
from optimotion.optimizers import SGD, Adam, Momentum, RMSprop
from optimotion.output import encoders, files
from optimotion.scenes import Scene, every
from optimotion.simulation import runner
from optimotion.simulation.runner import NEVER, simulate
from optimotion.surfaces import Surface

TINY = ("--epochs", "6", "--size", "160x90")  # 4 frames of saddle (epochs 0, 2, 4, 6)
posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX signals, rlimits and ptys")


# ----- helpers ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def good_gif(tmp_path_factory):
    """The bytes of a real, earlier GIF that every failure must leave as it was."""
    path = tmp_path_factory.mktemp("good") / "good.gif"
    optimotion.render("saddle", epochs=6, size=(160, 90)).save(path)
    return path.read_bytes()


@pytest.fixture
def target(tmp_path, good_gif):
    """out/scene.gif, holding the earlier good GIF."""
    path = tmp_path / "out" / "scene.gif"
    path.parent.mkdir()
    path.write_bytes(good_gif)
    return path


def assert_untouched(target, good_gif):
    assert target.read_bytes() == good_gif
    assert os.listdir(target.parent) == [target.name]  # no temporary file, nothing else


def assert_one_line(result, code, pattern, prefix="animate: error: "):
    """Exit `code`, nothing on stdout, and exactly one line on stderr matching `pattern`."""
    assert result.returncode == code, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr and "Warning" not in result.stderr, result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and result.stderr.endswith("\n"), result.stderr
    assert lines[0].startswith(prefix), lines[0]
    assert re.search(pattern, lines[0]), lines[0]


HEADER = '''"""A scene for a robustness test."""
import autograd.numpy as anp
from optimotion.optimizers import SGD, Adam
from optimotion.scenes import Racer, Scene, every
from optimotion.surfaces import Surface
'''


def scene_file(tmp_path, body, name="bad.py"):
    path = tmp_path / name
    path.write_text(HEADER + textwrap.dedent(body))
    return path


def line_of(path, text):
    """The 1-based number of the line of `path` that contains `text`."""
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if text in line)


# ----- naming a scene ---------------------------------------------------------------------

def test_unknown_scene_without_a_close_name_still_lists_the_scenes(cli):
    result = cli("zzqqxx")
    assert_one_line(result, 2, r"unknown scene 'zzqqxx'\. Known scenes: .*\bsaddle\b.*--list")
    assert "Did you mean" not in result.stderr


def test_a_bare_name_is_looked_up_only_in_scenes(cli, tmp_path):
    """`animate evil` never runs ./evil.py: loading a scene runs its code."""
    ran = tmp_path / "it-ran"
    (tmp_path / "evil.py").write_text(f"open({str(ran)!r}, 'w').close()\n")
    assert_one_line(cli("evil", cwd=tmp_path), 2, r"unknown scene 'evil'")
    assert not ran.exists()


@pytest.mark.parametrize("name, pattern", [
    ("../saddle", r"scene file not found: \.\./saddle"),
    ("scenes/saddle", r"scene file not found: scenes/saddle$"),
    ("scenes/../scenes/nope.py", r"scene file not found"),
    ("scenes", None),  # a bare name that happens to be a folder: not a scene
])
def test_a_name_with_a_separator_or_dotdot_is_a_path_to_an_existing_py_file(cli, name, pattern):
    if pattern is None:
        assert_one_line(cli(name), 2, r"unknown scene 'scenes'")
    else:
        assert_one_line(cli(name), 1, pattern)


def test_a_path_to_a_folder_or_a_non_py_file(cli, tmp_path):
    assert_one_line(cli(tmp_path / "."), 1, r"is a directory, not a \.py file")
    notes = tmp_path / "notes.txt"
    notes.write_text("SCENE = 1\n")
    assert_one_line(cli(notes), 1, r"must be a \.py file")


# ----- scene files that are broken --------------------------------------------------------

BROKEN = {
    "syntax error": ("SCENE = Scene('bowl', start=(1, 1),\n", r"bad\.py:\d+: syntax error: "),
    "raises in a helper": ("def helper():\n    return 1 / 0  # boom\n\nSCENE = helper()\n",
                           r"bad\.py:{boom}: ZeroDivisionError: division by zero$"),
    "multi-line message": ("raise ValueError('first line\\nsecond line')  # boom\n",
                           r"bad\.py:{boom}: ValueError: first line second line$"),
    "missing import": ("import no_such_module_here  # boom\n",
                       r"bad\.py:{boom}: ModuleNotFoundError: No module named 'no_such_module_here'"),
    "endless recursion": ("def f():\n    return f()  # boom\nf()\n", r"bad\.py:{boom}: RecursionError"),
    "exits": ("import sys\nsys.exit(0)\n", r"bad\.py: the scene called exit\(0\)"),
    "no SCENE": ("scene = Scene('bowl', start=(1, 1), optimizers=[SGD(lr=0.1)])\n",
                 r"bad\.py: defines no SCENE \(expected SCENE = Scene\(\.\.\.\)\)"),
    "SCENE of the wrong type": ("SCENE = {'surface': 'bowl', 'start': (1, 1)}\n",
                                r"bad\.py: SCENE must be an optimotion\.Scene, got dict"),
    "SCENE of the wrong shape": ("SCENE = [Scene('bowl', start=(1, 1), optimizers=[SGD(lr=0.1)])]\n",
                                 r"bad\.py: SCENE must be an optimotion\.Scene, got list"),
    "SCENE is the class": ("SCENE = Scene\n", r"bad\.py: SCENE must be an optimotion\.Scene, got type"),
}


@pytest.mark.parametrize("case", BROKEN)
def test_a_broken_scene_file_is_one_line_naming_the_file_and_line(cli, tmp_path, target, good_gif, case):
    body, pattern = BROKEN[case]
    path = scene_file(tmp_path, body)
    pattern = pattern.replace("{boom}", str(line_of(path, "# boom")) if "# boom" in body else "")
    assert_one_line(cli(path, "--out", target), 1, pattern)
    assert_untouched(target, good_gif)


# ----- invalid values -----------------------------------------------------------------

def _scene(**fields):
    args = dict(surface="'bowl'", start="(1.0, 1.0)", optimizers="[SGD(lr=0.1)]", epochs="6",
                show_epoch="every(2)") | fields
    return "SCENE = Scene(" + ", ".join(f"{k}={v}" for k, v in args.items()) + ")  # here\n"


SQRT = "Surface(name='sqrt', f=lambda xy: anp.sqrt(xy[0]) + xy[1], domain=((-1, 1), (-1, 1)), zlim=(-2, 2))"
PAIR = "Surface(name='pair', f=lambda xy: anp.stack([xy[0], xy[1]]), domain=((-1, 1), (-1, 1)), zlim=(-2, 2))"
WORDS = "Surface(name='words', f=lambda xy: 'low', domain=((-1, 1), (-1, 1)), zlim=(-2, 2))"
CONST = "Surface(name='flat', f=lambda xy: 3.0, domain=((-1, 1), (-1, 1)), zlim=(-2, 4))"

INVALID = {
    "lr = 0": (_scene(optimizers="[SGD(lr=0)]"), r"bad\.py:{here}: ValueError: SGD: lr must be a positive number"),
    "lr < 0": (_scene(optimizers="[Adam(lr=-0.01)]"), r"Adam: lr must be a positive number or a schedule, got -0\.01"),
    "lr not a number": (_scene(optimizers="[SGD(lr='fast')]"), r"SGD: lr must be .*got 'fast'"),
    "lr is NaN": (_scene(optimizers="[SGD(lr=float('nan'))]"), r"SGD: lr must be .*got nan"),
    "beta1 = 1": (_scene(optimizers="[Adam(betas=(1.0, 0.999))]"),
                  r"Adam: betas must be a pair of numbers in \[0, 1\)"),
    "beta2 < 0": (_scene(optimizers="[Adam(betas=(0.9, -0.5))]"),
                  r"betas must be a pair of numbers in \[0, 1\), got \(0\.9, -0\.5\)"),
    "betas not a pair": (_scene(optimizers="[Adam(betas=0.9)]"), r"betas must be a pair"),
    "epochs = 0": (_scene(epochs="0"), r"bad\.py:{here}: ValueError: epochs must be a positive integer, got 0"),
    "epochs < 0": (_scene(epochs="-10"), r"epochs must be a positive integer, got -10"),
    "epochs not an integer": (_scene(epochs="2.5"), r"epochs must be a positive integer, got 2\.5"),
    "epochs absurdly large": (_scene(epochs="10**12"),
                              r"epochs=1,000,000,000,000 is over the limit of 2,000,000 .*lift it with max_epochs "
                              r"\(on the command line: --max-epochs\)"),
    "start is NaN": (_scene(start="(float('nan'), 0.0)"), r"start points must be finite numbers"),
    "start is inf": (_scene(start="[(1.0, 1.0), (0.0, float('-inf'))]"), r"start points must be finite numbers"),
    "start of the wrong dimension": (_scene(start="(1.0, 2.0, 3.0)"), r"start must be a point of 2 numbers"),
    "1-D start on a 2-D surface": (_scene(start="1.0"), r"start must be a point of 2 numbers"),
    "no optimizers": (_scene(optimizers="[]"), r"optimizers is empty"),
    "duplicate labels": (_scene(optimizers="[SGD(lr=0.1), SGD(lr=0.1)]"),
                         r"duplicate optimizer labels \['SGD\(lr=0\.1\)'\]"),
    "duplicate given labels": (_scene(optimizers="[Racer(SGD(lr=0.1), label='a'), Racer(Adam(), label='a')]"),
                               r"duplicate optimizer labels \['a'\]"),
    "unknown surface": (_scene(surface="'bowll'"), r"unknown surface 'bowll'; did you mean 'bowl'"),
    "surface NaN at the start": (_scene(surface=SQRT, start="(-1.0, 0.0)"),
                                 r"error: surface 'sqrt' gives nan at the start point \(-1\.0, 0\.0\)$"),
    "surface gives a vector": (_scene(surface=PAIR, start="(0.5, 0.5)"), r"the surface must give one number per point"),
    "surface gives a constant": (_scene(surface=CONST, start="(0.5, 0.5)"), r"one number per point.*a constant\?"),
    "surface gives a string": (_scene(surface=WORDS, start="(0.5, 0.5)"), r"the surface must give numbers, got 'low'"),
    "surface raises": ("def f(xy):\n    raise RuntimeError('no such loss')  # boom\n"
                       + _scene(surface="Surface(name='f', f=f, domain=((-1, 1), (-1, 1)), zlim=(0, 1))"),
                       r"error: RuntimeError: no such loss \(.*bad\.py:{boom}\)$"),
    "schedule raises": ("def lr(k):\n    return 0.1 / (5 - k)  # boom\n" + _scene(optimizers="[SGD(lr=lr)]"),
                        r"error: ZeroDivisionError: float division by zero \(.*bad\.py:{boom}\)$"),
    "schedule gives lr < 0": (_scene(optimizers="[SGD(lr=lambda k: 0.1 if k < 4 else -0.1)]"),
                              r"SGD: the lr schedule gave -0\.1 for update 5; a schedule must give finite numbers "
                              r">= 0, as lr must$"),
    "schedule gives a string": (_scene(optimizers="[SGD(lr=lambda k: 'fast')]"), r"the lr schedule gave 'fast'"),
    "show_epoch raises": ("def show(epoch):\n    return epoch % 0 == 0  # boom\n" + _scene(show_epoch="show"),
                          r"error: ZeroDivisionError: integer modulo by zero \(.*bad\.py:{boom}\)$"),
    "show_epoch shows nothing": (_scene(show_epoch="lambda epoch: False"),
                                 r"the scene's show_epoch rule selects no epoch from 0 to 6$"),
}


@pytest.mark.parametrize("case", INVALID)
def test_an_invalid_value_is_one_line_saying_which_and_why(cli, tmp_path, target, good_gif, case):
    body, pattern = INVALID[case]
    path = scene_file(tmp_path, body)
    for mark in ("here", "boom"):
        pattern = pattern.replace(f"{{{mark}}}", str(line_of(path, f"# {mark}")) if f"# {mark}" in body else "")
    assert_one_line(cli(path, "--size", "160x90", "--out", target), 1, pattern)
    assert_untouched(target, good_gif)


def test_too_many_frames_for_memory_is_refused_before_any_work(cli, target, good_gif):
    """2,000,000 epochs (the limit) of saddle's frame rule are 8,047 frames: 12 GiB of pixels."""
    assert_one_line(cli("saddle", "--epochs", "2000000", "--out", target), 1,
                    r"8,047 frames of 960x540 would take 14\.2 GiB of memory, over the limit of 4 GiB: "
                    r"show fewer epochs .* or use a smaller size$")
    assert_untouched(target, good_gif)


# ----- bad options ------------------------------------------------------------------

@pytest.mark.parametrize("args, pattern", [
    (("--size", "0x0"), r"argument --size: expected WIDTHxHEIGHT, each side 16 to 4096 pixels .*, got '0x0'"),
    (("--size", "abc"), r"argument --size: expected WIDTHxHEIGHT, each side 16 to 4096 pixels .*, got 'abc'"),
    (("--size", "100x"), r"expected WIDTHxHEIGHT"),
    (("--fps", "-1"), r"argument --fps: expected 0.01 to 120 frames per second, got '-1'"),
    (("--fps", "nan"), r"argument --fps: expected 0.01 to 120 frames per second, got 'nan'"),
    (("--fps", "inf"), r"argument --fps: expected 0.01 to 120 frames per second, got 'inf'"),
    (("--fps", "0.001"), r"argument --fps: expected 0\.01 to 120 frames per second"),  # was a crash in the encoder
    (("--epochs", "-3"), r"argument --epochs: expected a positive integer"),
    (("--max-epochs", "0"), r"argument --max-epochs: expected a positive integer, got '0'"),
    (("--orbit", "nan"), r"argument --orbit: expected degrees between -3600 and 3600, got 'nan'"),
    (("--orbit", "ten"), r"argument --orbit: expected degrees between -3600 and 3600, got 'ten'"),
    (("--no-such-option",), r"unrecognized arguments: --no-such-option"),
])
def test_a_bad_option_is_one_line_and_exit_2(cli, target, good_gif, args, pattern):
    assert_one_line(cli("saddle", "--out", target, *args), 2, pattern + r".*--help")
    assert_untouched(target, good_gif)


def test_an_unknown_format_is_one_line_and_exit_2(cli, tmp_path, target, good_gif):
    assert_one_line(cli("saddle", *TINY, "--format", "avi", "--out", target), 2,
                    r"argument --format: invalid choice: 'avi'")
    assert_one_line(cli("saddle", *TINY, "--out", target.with_suffix(".avi")), 2, r"unknown output format 'avi'")
    assert_untouched(target, good_gif)


# ----- output ---------------------------------------------------------------------------

def test_missing_output_folders_are_created(cli, tmp_path):
    out = tmp_path / "a" / "b" / "c" / "scene.gif"
    result = cli("saddle", *TINY, "--out", out)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"{out}: 4 frames, ") and result.stderr == ""
    with Image.open(out) as gif:
        assert gif.n_frames == 4
    assert os.listdir(out.parent) == ["scene.gif"]


def test_output_under_a_file_is_refused(cli, tmp_path, target, good_gif):
    blocker = tmp_path / "out" / "plain-file"
    blocker.write_text("not a folder")
    assert_one_line(cli("saddle", *TINY, "--out", blocker / "sub" / "scene.gif"), 1,
                    r"cannot write to .*plain-file/sub: .*plain-file is a file, not a directory")
    assert blocker.read_text() == "not a folder"
    assert sorted(os.listdir(target.parent)) == ["plain-file", "scene.gif"] and target.read_bytes() == good_gif


@posix_only
@pytest.mark.skipif(os.name == "posix" and os.geteuid() == 0, reason="root writes into a read-only folder anyway; "
                    "test_a_read_only_location_as_any_user covers it")
def test_a_read_only_folder(cli, target, good_gif):
    target.parent.chmod(0o555)
    try:
        assert_one_line(cli("saddle", *TINY, "--out", target), 1, r"cannot write to .*out: Permission denied")
    finally:
        target.parent.chmod(0o755)
    assert_untouched(target, good_gif)


def test_a_read_only_location_as_any_user(cli):
    """/sys refuses new files even to root."""
    if not os.path.isdir("/sys/kernel"):
        pytest.skip("no /sys here (not Linux)")
    out = "/sys/kernel/animate-robustness-test.gif"
    result = cli("saddle", *TINY, "--out", out)
    if result.returncode == 0:
        os.remove(out)
        pytest.skip("/sys/kernel is writable here")
    assert_one_line(result, 1, r"cannot write to /sys/kernel: (Permission denied|Operation not permitted|Read-only)")


@posix_only
def test_a_file_size_limit_mid_write_keeps_the_earlier_file(cli_process, target, good_gif):
    """RLIMIT_FSIZE makes the kernel refuse the write past 2 kB, as a full disk would (EFBIG);
    Python ignores SIGXFSZ, so the write raises instead of killing the process."""
    import resource

    def limit():
        resource.setrlimit(resource.RLIMIT_FSIZE, (2048, 2048))

    result = cli_process("saddle", *TINY, "--out", target, preexec_fn=limit)
    assert_one_line(result, 1, r"cannot write .*scene\.gif: File too large")
    assert_untouched(target, good_gif)


FULL_DISK = '''
import errno, io, os, sys
out_dir, root = os.path.abspath(sys.argv[1]), sys.argv[2]
real_open = io.open


class FullDisk:
    """A file in out_dir that takes half of the first write, then the disk is full."""
    def __init__(self, f):
        self._f = f
    def write(self, data):
        self._f.write(bytes(data)[: len(data) // 2])
        self._f.flush()
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    def __getattr__(self, name):
        return getattr(self._f, name)
    def __enter__(self):
        return self
    def __exit__(self, *exc):
        self._f.close()


def full_open(file, mode="r", *args, **kwargs):
    f = real_open(file, mode, *args, **kwargs)
    writing = any(c in mode for c in "wax+")
    if writing and isinstance(file, (str, os.PathLike)) and os.path.dirname(os.path.abspath(file)) == out_dir:
        return FullDisk(f)
    return f


io.open = full_open
import builtins
builtins.open = full_open
sys.argv = ["animate"] + sys.argv[3:]
from optimotion import cli
sys.exit(cli.main())
'''


def test_a_full_disk_mid_write_keeps_the_earlier_file(tmp_path, target, good_gif):
    wrapper = tmp_path / "full_disk.py"
    wrapper.write_text(FULL_DISK)
    result = subprocess.run([sys.executable, str(wrapper), str(target.parent), str(ROOT), "saddle", *TINY,
                             "--out", str(target)], capture_output=True, text=True, timeout=120)
    assert_one_line(result, 1, r"cannot write .*scene\.gif: No space left on device")
    assert_untouched(target, good_gif)


# ----- interruption ---------------------------------------------------------------------

PHASES = '''
"""cli.main() with a marker file created once PHASE is under way (argv: ROOT MARKER PHASE ARGS...)."""
import contextlib, os, sys, time
root, marker, phase = sys.argv[1:4]
from optimotion import cli
from optimotion.draw import frames
from optimotion.output import files
from optimotion.simulation import runner
from PIL import GifImagePlugin, Image


def ready():
    with open(marker, "w"):
        pass


if phase == "simulate":  # a long real simulation, marked after 20 epochs
    real_value_and_gradient, calls = runner.value_and_gradient, []

    def counting(f, points):
        calls.append(None)
        if len(calls) == 20:
            ready()
        return real_value_and_gradient(f, points)
    runner.value_and_gradient = counting
elif phase == "swallowed":  # a library that catches BaseException, as autograd's `wraps` does
    real_value_and_gradient, calls = runner.value_and_gradient, []

    def swallowing(f, points):
        calls.append(None)
        if len(calls) >= 20:
            ready()
            try:
                time.sleep(0.01)
            except BaseException:
                pass
        return real_value_and_gradient(f, points)
    runner.value_and_gradient = swallowing
elif phase == "render":  # marked after the second frame, with more to come from two processes
    real_frames = frames.FrameDrawer.frames

    def marking_frames(self, *args, **kwargs):
        for i, frame in enumerate(real_frames(self, *args, **kwargs)):
            if i == 1:
                ready()
            yield frame
    frames.FrameDrawer.frames = marking_frames
elif phase == "encode":  # inside Pillow's save of the GIF
    real_save_all = Image.SAVE_ALL["GIF"]

    def slow_save_all(im, fp, filename):
        ready()
        time.sleep(60)
        return real_save_all(im, fp, filename)
    Image.SAVE_ALL["GIF"] = slow_save_all
elif phase == "write":  # the new file written next to the target, not yet renamed over it
    real_replace_staged = files.replace_staged

    def slow_replace_staged(staged):
        ready()
        time.sleep(60)
        return real_replace_staged(staged)
    files.replace_staged = slow_replace_staged
sys.argv = ["animate"] + sys.argv[4:]
sys.exit(cli.main())
'''


def _processes_mentioning(text):
    """Pids of live processes whose command line contains `text` (Linux /proc)."""
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as handle:
                    if text.encode() in handle.read():
                        pids.append(int(entry))
            except OSError:
                pass
    return pids


LONG_NOTICE = "animate: this render will take about"  # said first by a render as long as these


def _without_notice(err: str) -> str:
    return "".join(line for line in err.splitlines(keepends=True) if not line.startswith(LONG_NOTICE))


def _default_sigint():
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # even if whoever started pytest ignores Ctrl-C


@posix_only
# Every phase, each stop signal once (they share one handler, with their own exit codes and
# words): Ctrl-C while simulating, in a library that swallows it, and twice while drawing
# (said once); a hang-up (the terminal closed, SSH dropped) while encoding; SIGTERM while
# the new file is written beside the old one.
@pytest.mark.parametrize("phase, signum, code, word, times", [
    ("simulate", signal.SIGINT, 130, "interrupted", 1), ("swallowed", signal.SIGINT, 130, "interrupted", 1),
    ("render", signal.SIGINT, 130, "interrupted", 2), ("encode", signal.SIGHUP, 129, "hung up", 1),
    ("write", signal.SIGTERM, 143, "terminated", 1),
], ids=lambda value: getattr(value, "name", None) if isinstance(value, signal.Signals) else None)
def test_a_signal_ends_it_within_a_second_and_writes_nothing(tmp_path, target, good_gif, phase, signum, code, word,
                                                           times):
    wrapper, marker = tmp_path / "phases.py", tmp_path / f"{phase}.ready"
    wrapper.write_text(PHASES)
    epochs = "1000000" if phase in ("simulate", "swallowed") else "300"  # 300: 33 frames
    jobs = "2" if phase == "render" else "1"  # render processes to stop only where the signal finds them
    process = subprocess.Popen([sys.executable, str(wrapper), str(ROOT), str(marker), phase, "saddle",
                                "--epochs", epochs, "--size", "160x90", "--jobs", jobs, "--out", str(target)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               preexec_fn=_default_sigint)
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, f"never reached {phase}"
            time.sleep(0.01)
        if phase == "write":
            assert len(os.listdir(target.parent)) == 2  # the new file is there, beside the old one
        sent = time.monotonic()
        for _ in range(times):
            process.send_signal(signum)
            time.sleep(0.02)
        out, err = process.communicate(timeout=10)
        took = time.monotonic() - sent
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    # A second Ctrl-C after the clean-up ended, as Python exits, ends it the default way:
    # a shell says 130 for both.
    assert process.returncode == code or (times > 1 and process.returncode == -signum), (process.returncode, err)
    # The promise is a second (a watchdog ends the process 0.5 s after the signal); 5 s
    # still tells a stop from a render that goes on, on a loaded machine.
    assert took < 5.0, f"took {took:.2f} s to stop"
    assert out == "" and _without_notice(err) == f"animate: {word}; nothing was written\n"
    assert_untouched(target, good_gif)
    if os.path.isdir("/proc"):
        time.sleep(0.05)
        assert _processes_mentioning(str(marker)) == []  # no render process left behind


def _screen(output: str) -> list[str]:
    """What a terminal shows after `output`: carriage returns overwrite, escapes are dropped."""
    lines = []
    for raw in re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", output).replace("\r\n", "\n").split("\n"):
        line = ""
        for piece_index, piece in enumerate(raw.split("\r")):
            line = piece + line[len(piece):] if piece_index else piece
        if line.strip():
            lines.append(line.rstrip())
    return lines


@posix_only
def test_ctrl_c_at_a_terminal_leaves_one_line_and_no_progress_bar(tmp_path, target, good_gif):
    pty = pytest.importorskip("pty")
    import fcntl
    import select
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    process = subprocess.Popen([sys.executable, str(ROOT / "animate.py"), "saddle", "--epochs", "200000",
                                "--size", "160x90", "--out", str(target)],
                               stdin=subprocess.DEVNULL, stdout=slave, stderr=slave, preexec_fn=_default_sigint)
    os.close(slave)
    seen = b""

    def read(timeout):
        nonlocal seen
        ready, _, _ = select.select([master], [], [], timeout)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the other end closed
                return False
            seen += chunk
            return bool(chunk)
        return False

    try:
        deadline = time.monotonic() + 60
        while b"simulate" not in seen:
            assert time.monotonic() < deadline and process.poll() is None, seen
            read(0.1)
        process.send_signal(signal.SIGINT)
        process.wait(timeout=5)
        while read(0.2):
            pass
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(master)
    assert process.returncode == 130
    assert [line for line in _screen(seen.decode(errors="replace")) if not line.startswith(LONG_NOTICE)] == [
        "animate: interrupted; nothing was written"], seen
    assert_untouched(target, good_gif)


# ----- divergence -----------------------------------------------------------------------

DIVERGERS = [SGD(lr=10.0), SGD(lr=100.0), Momentum(lr=10.0), Momentum(lr=100.0), Adam(lr=100.0),
             RMSprop(lr=100.0)]


def _diverging_run(name):
    surface = surfaces.get(name)
    start = tuple(lo + 0.8 * (hi - lo) for lo, hi in surface.domain)
    scene = Scene(surface, start=start[0] if surface.dim == 1 else start, optimizers=DIVERGERS, epochs=200,
                  show_epoch=every(100))
    return scene, simulate(scene)


@pytest.mark.parametrize("name", surfaces.names())
def test_divergence_on_every_surface_is_nan_from_its_epoch_on_and_finite_before(name):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no numpy (or other) warning escapes
        scene, run = _diverging_run(name)
    for r in range(len(DIVERGERS)):
        d = run.diverged_at[r, 0]
        values, positions = run.values[:, r, 0], run.positions[:, r, 0]
        if d == NEVER:
            assert np.all(np.isfinite(values)) and np.all(np.isfinite(positions))
            continue
        assert 1 <= d <= 200
        assert np.all(np.isfinite(values[:d])) and np.all(np.isfinite(positions[:d]))
        assert np.all(np.isnan(values[d:])) and np.all(np.isnan(positions[d:]))


# Drawn: a curve, a log scale, a data surface, a quartic (overflows fastest), surfaces unbounded below.
@pytest.mark.parametrize("name", ["parabola_1d", "rosenbrock", "line_fit", "styblinski_tang", "saddle",
                                  "monkey_saddle"])
def test_divergence_renders_a_complete_gif_that_says_who_and_when(name):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        scene, run = _diverging_run(name)
        picture = drawer(run, Style(width=160, height=90, view="contour"))  # the cheapest view
        drawn = drawn_artists(picture)
        frames = list(picture.frames())
        data = encoders.encode(frames, "gif", 10)
    assert len(frames) == 3 and np.any(run.diverged_at != NEVER)
    said = [a.get_text() for a in drawn if callable(getattr(a, "get_text", None))]
    for r in range(len(DIVERGERS)):
        d = run.diverged_at[r, 0]
        if d != NEVER and d <= scene.frame_epochs[-1]:  # the last frame is the run's end, epoch 200
            assert {f"diverged at epoch {d:,}", f"diverged at {d:,}"} & set(said), (run.labels[r], d, said)
    with Image.open(io.BytesIO(data)) as gif:
        assert gif.n_frames == 3


@pytest.mark.parametrize("surface", ["saddle", "rosenbrock"])
def test_divergence_through_the_cli_is_quiet_and_reported(cli, tmp_path, surface):
    path = scene_file(tmp_path, f"""
        SCENE = Scene({surface!r}, start=[(0.5, 0.4), (-1.0, 1.5)], epochs=300, show_epoch=every(60),
                      optimizers=[SGD(lr=10.0), SGD(lr=100.0), Adam(lr=10.0), Adam(lr=100.0)])
        """, name="wild.py")
    out = tmp_path / "wild.gif"
    result = cli(path, "--size", "240x135", "--out", out)  # at 160x90 the legend's badges hide the counter
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # no numpy warnings on the terminal
    assert re.fullmatch(rf"{re.escape(str(out))}: 6 frames, [\d,]+ bytes, [\d.]+ s, [1-8] diverged\n", result.stdout)
    with Image.open(out) as gif:
        assert gif.n_frames == 6


# ----- concurrency ------------------------------------------------------------------

def test_two_renders_of_the_same_scene_at_once_leave_one_complete_file(tmp_path):
    out = tmp_path / "same.gif"
    command = [sys.executable, str(ROOT / "animate.py"), "saddle", *TINY, "-q", "--jobs", "1", "--out", str(out)]
    processes = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for _ in range(2)]
    results = [(p.wait(timeout=120), *p.communicate()) for p in processes]
    assert results == [(0, "", "")] * 2
    assert os.listdir(tmp_path) == ["same.gif"]
    with Image.open(out) as gif:
        assert gif.n_frames == 4
        gif.seek(3)  # every frame decodes
        gif.load()


ALL = '''
"""`animate all ...` with scenes/ pointed at a folder of tiny scenes (argv: ROOT SCENES ARGS...)."""
import os, sys
root, scene_dir = sys.argv[1:3]
from pathlib import Path
from optimotion.scenes import _loader
_loader.SCENES_DIR = Path(scene_dir)
from optimotion import cli
sys.argv = ["animate"] + sys.argv[3:]
sys.exit(cli.main())
'''

TINY_SCENE = '''"""Tiny {n}."""
from optimotion.optimizers import SGD, Adam
from optimotion.scenes import Scene, every
SCENE = Scene("bowl", start=({n}, 1.0), optimizers=[SGD(lr=0.1), Adam(lr=0.1)], epochs=8, show_epoch=every(2))
'''


def test_two_all_j2_at_once_leave_one_complete_file_per_scene(tmp_path):
    scene_dir = tmp_path / "scenes"
    scene_dir.mkdir()
    names = ["one", "two", "three"]
    for n, name in enumerate(names, 1):
        (scene_dir / f"{name}.py").write_text(TINY_SCENE.format(n=n))
    wrapper = tmp_path / "all.py"
    wrapper.write_text(ALL)
    command = [sys.executable, str(wrapper), str(ROOT), str(scene_dir), "all", "-j", "2", "--size", "96x54",
               "--force", "-q"]
    processes = [subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for _ in range(2)]
    results = [(p.wait(timeout=120), *p.communicate()) for p in processes]
    assert results == [(0, "", "")] * 2
    assert sorted(os.listdir(tmp_path / "output")) == sorted(f"{name}.gif" for name in names)
    for name in names:
        with Image.open(tmp_path / "output" / f"{name}.gif") as gif:
            assert gif.n_frames == 5 and gif.size == (96, 54)
            gif.seek(4)
            gif.load()


def _a_finished_pid() -> int:
    """The pid of a process that has ended (as a kill -9 leaves one)."""
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(done.stdout)


def test_what_a_killed_run_left_is_removed_by_the_next_one(tmp_path, monkeypatch):
    """kill -9 runs no clean-up: its `.part` beside the target and its MP4 folder in the
    temporary directory stay, and the next run removes them. What a live render holds is
    kept, whatever PID its name has (a render in another PID namespace, a container, names
    a PID that means nothing here), and so is what was made a moment ago."""
    dead = _a_finished_pid()
    left, fresh = tmp_path / f".animate-{dead}-0a1b2c3d.part", tmp_path / f".animate-{dead}-f2e5a000.part"
    held = tmp_path / f".animate-{dead}-11111111.part"  # a live render's, named with a PID not ours
    temporary = tmp_path / "tmp"
    old_video, live_video = temporary / f"animate-mp4-{dead}-xyz12345", temporary / f"animate-mp4-{dead}-abc12345"
    for part in (left, fresh, held):
        part.write_bytes(b"half a gif")
    for folder in (old_video, live_video):
        folder.mkdir(parents=True)
        (folder / "video.mp4").write_bytes(b"half a video")
    for path in (left, held, old_video, live_video):
        os.utime(path, (time.time() - 60, time.time() - 60))
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(held), str(live_video)], stdout=subprocess.PIPE)
    try:
        assert holder.stdout.readline() == b"holding\n"
        files.write_bytes(b"GIF89a;", tmp_path / "scene.gif")
        assert sorted(os.listdir(tmp_path)) == sorted([fresh.name, held.name, "scene.gif", "tmp"])
        monkeypatch.setattr(tempfile, "tempdir", str(temporary))
        frames = [np.zeros((16, 16, 3), np.uint8), np.full((16, 16, 3), 255, np.uint8)]
        assert encoders.encode(frames, "mp4", 10)[4:8] == b"ftyp"
        assert os.listdir(temporary) == [live_video.name]
    finally:
        holder.kill()
        holder.wait()


HOLDER = """
import fcntl, os, sys, time
held = [os.open(path, os.O_RDONLY) for path in sys.argv[1:]]
for descriptor in held:
    fcntl.flock(descriptor, fcntl.LOCK_EX)
print("holding", flush=True)
time.sleep(60)
"""


EXITING = {
    "surface": '''
import sys
import autograd.numpy as np
from optimotion.optimizers import SGD
from optimotion.scenes import Scene
from optimotion.surfaces import Surface

def bowl(xy):
    x, y = xy
    if np.size(x) == 1:
        sys.exit(3)
    return x**2 + y**2

SCENE = Scene(Surface(name="b", f=bowl, domain=((-2, 2), (-2, 2)), zlim=(0, 8)), start=(1.0, 1.0),
              optimizers=[SGD(lr=0.1)], epochs=5)
''',
    "schedule": '''
import sys
from optimotion.optimizers import SGD
from optimotion.scenes import Scene

def lr(step):
    if step == 3:
        sys.exit("stop here")
    return 0.1

SCENE = Scene("bowl", start=(1.0, 1.0), optimizers=[SGD(lr=lr)], epochs=5)
''',
    "frame rule": '''
import sys
from optimotion.optimizers import SGD
from optimotion.scenes import Scene

def show(epoch):
    sys.exit(0)

SCENE = Scene("bowl", start=(1.0, 1.0), optimizers=[SGD(lr=0.1)], epochs=5, show_epoch=show)
''',
}


@pytest.mark.parametrize("where", EXITING)
def test_scene_code_that_calls_sys_exit_is_one_line_not_the_end_of_the_program(cli, tmp_path, where):
    scene = tmp_path / "exits.py"
    scene.write_text(EXITING[where])
    done = cli(scene, "--size", "64x36", "--out", tmp_path / "x.gif")
    assert done.returncode == 1 and done.stderr.count("\n") == 1, done
    assert re.fullmatch(rf"animate: error: SceneExit: the scene's code called sys.exit\(.*\); raise an exception "
                        rf"to stop a render \({re.escape(str(scene))}:\d+\)\n", done.stderr), done.stderr
    assert sorted(os.listdir(tmp_path)) == ["exits.py"]


def _cone(xy):
    x, y = xy
    return anp.sqrt(x**2 + y**2)


def _complex_bowl(xy):
    x, y = xy
    return (x + 1j * y) ** 2


@pytest.mark.parametrize("surface, start, message", [
    (Surface(name="cone", f=_cone, domain=((-1, 1), (-1, 1)), zlim=(0, 2)), (0.0, 0.0),
     r"surface 'cone' has no gradient at the start point \(0.0, 0.0\) \(autograd gives \[nan, nan\] where the "
     r"surface is 0: a tip or a kink"),
    (Surface(name="complex", f=_complex_bowl, domain=((-1, 1), (-1, 1)), zlim=(0, 2)), (0.5, 0.5),
     r"the surface gives complex numbers \(such as 0\+0.5j\): a loss must be real"),
])
def test_a_surface_that_would_draw_a_wrong_picture_says_why_instead(surface, start, message):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # and no warning lines
        with pytest.raises(runner.SurfaceError, match=message):
            optimotion.render(Scene(surface, start=start, optimizers=[SGD(lr=0.1)], epochs=5), size=(64, 36), jobs=1)


@pytest.mark.parametrize("start", [(True, False), [(1.0, 2.0), (0.0, True)], np.array([True, False])])
def test_true_and_false_are_not_start_points(start):
    with pytest.raises(ValueError, match="start points must be numbers, not True or False"):
        Scene("bowl", start=start, optimizers=[SGD(lr=0.1)])


@posix_only
def test_standard_output_by_its_path_is_written_as_a_stream(tmp_path):
    """`--out /dev/stdout` (here a link of the test's own to /proc/self/fd/1) with stdout a
    file or a pipe: the file is the GIF, whole, and the report goes to stderr."""
    link = tmp_path / "stdout"
    link.symlink_to("/proc/self/fd/1")
    command = [sys.executable, str(ROOT / "animate.py"), "saddle", *TINY, "--jobs", "1", "--format", "png",
               "--out", str(link)]  # a PNG: on a stream, the poster alone
    redirected = tmp_path / "redirected.png"
    with open(redirected, "wb") as stdout:
        done = subprocess.run(command, stdout=stdout, stderr=subprocess.PIPE, text=True, timeout=120)
    assert done.returncode == 0 and re.fullmatch(r"-: 1 frame, [\d,]+ bytes, [\d.]+ s\n.*overview.*\n", done.stderr)
    assert link.is_symlink() and os.readlink(link) == "/proc/self/fd/1"  # not replaced by a file
    piped = subprocess.run(command, capture_output=True, timeout=120)
    assert piped.returncode == 0 and piped.stdout == redirected.read_bytes()
    with Image.open(redirected) as png:
        assert png.format == "PNG" and png.size == (160, 90)
        png.load()
    assert sorted(os.listdir(tmp_path)) == ["redirected.png", "stdout"]


SLOW_SCENE = '''"""Slow {n}."""
from optimotion.optimizers import SGD
from optimotion.scenes import Scene, every
SCENE = Scene("bowl", start=({n}, 1.0), optimizers=[SGD(lr=1e-6)], epochs=2_000_000, show_epoch=every(1_000_000))
'''


def _children_of(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError):
                with open(f"/proc/{entry}/stat") as handle:
                    if int(handle.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(entry))
    return found


@posix_only
def test_killing_all_ends_its_children_and_leaves_no_file(tmp_path):
    scene_dir = tmp_path / "scenes"
    scene_dir.mkdir()
    for n, name in enumerate(["one", "two"], 1):
        (scene_dir / f"{name}.py").write_text(SLOW_SCENE.format(n=n))
    wrapper = tmp_path / "all.py"
    wrapper.write_text(ALL)
    parent = subprocess.Popen([sys.executable, str(wrapper), str(ROOT), str(scene_dir), "all", "-j", "2", "-q"],
                              cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    children = []
    try:
        deadline = time.monotonic() + 60
        while len(children := _children_of(parent.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(children) == 2
        time.sleep(0.5)  # both are simulating
        parent.kill()
        parent.wait()
        deadline = time.monotonic() + 10
        while [pid for pid in children if _running(pid)] and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [pid for pid in children if _running(pid)]
        assert not (tmp_path / "output").exists() or os.listdir(tmp_path / "output") == []
    finally:  # a failure here must not leave them rendering
        parent.kill()
        for pid in children:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)


def _running(pid: int) -> bool:
    """Whether process `pid` exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False
