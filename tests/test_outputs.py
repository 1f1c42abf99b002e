"""The output rule and the stream policy (issue 13's first two classes).

Outputs: a plain file is replaced atomically, keeping its permissions, owner and links; a
read-only one is not replaced; anything else (a device, a FIFO, a stream) is written in
place, as cp would. Device nodes and FIFOs are made here, in the test's own folder, never
the machine's /dev. Streams: the report is best-effort, never fatal.
"""
import contextlib
import io
import os
import stat
import sys
import threading

import pytest
from PIL import Image

from optimotion.output import encoders, files

TINY = ["saddle", "--epochs", "10", "--size", "64x36", "--jobs", "1"]
root_only = pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="mknod needs root")
posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX devices, FIFOs and streams")


def is_gif(data: bytes) -> bool:
    return data.startswith(b"GIF89a") and data.endswith(b";")


def untouched(folder, expected):
    assert sorted(os.listdir(folder)) == sorted(expected)


# -- devices and FIFOs: written in place -----------------------------------------------------
@root_only
def test_a_null_device_stays_a_device(cli, tmp_path):
    null = tmp_path / "null"
    os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    done = cli(*TINY, "--out", null)
    assert done.returncode == 0 and stat.S_ISCHR(os.stat(null).st_mode) and os.stat(null).st_rdev == os.makedev(1, 3)
    untouched(tmp_path, ["null"])


@root_only
def test_a_full_device_says_no_space_and_stays_a_device(cli, tmp_path):
    full = tmp_path / "full"
    os.mknod(full, stat.S_IFCHR | 0o666, os.makedev(1, 7))
    done = cli(*TINY, "--out", full)
    assert done.returncode == 1 and done.stderr == f"animate: error: cannot write {full}: No space left on device\n"
    assert stat.S_ISCHR(os.stat(full).st_mode)
    untouched(tmp_path, ["full"])


@posix_only
def test_a_fifo_gets_the_bytes_and_stays_a_fifo(cli, tmp_path):
    fifo = tmp_path / "pipe.gif"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    done = cli(*TINY, "--out", fifo)
    reader.join(timeout=60)
    assert done.returncode == 0 and is_gif(received[0]) and stat.S_ISFIFO(os.stat(fifo).st_mode)
    untouched(tmp_path, ["pipe.gif"])


# -- plain files: replaced atomically, keeping what they were ---------------------------------
def test_a_link_to_a_file_keeps_pointing_at_it_and_the_file_is_new(cli, tmp_path):
    target, link = tmp_path / "real.gif", tmp_path / "link.gif"
    target.write_bytes(b"old")
    link.symlink_to(target)
    assert cli(*TINY, "--out", link).returncode == 0
    assert link.is_symlink() and os.readlink(link) == str(target) and is_gif(target.read_bytes())
    untouched(tmp_path, ["real.gif", "link.gif"])


def test_a_private_file_stays_private(cli, tmp_path):
    path = tmp_path / "mine.gif"
    path.write_bytes(b"old")
    path.chmod(0o600)
    assert cli(*TINY, "--out", path).returncode == 0
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600 and is_gif(path.read_bytes())


def test_a_read_only_file_is_not_replaced(cli, tmp_path):
    path = tmp_path / "keep.gif"
    path.write_bytes(b"old")
    path.chmod(0o444)
    done = cli(*TINY, "--out", path)
    assert done.returncode == 1 and done.stderr.startswith(f"animate: error: {path} is read-only, so it is not")
    assert path.read_bytes() == b"old" and done.stderr.count("\n") == 1
    untouched(tmp_path, ["keep.gif"])


def test_a_dangling_link_is_not_written_through(cli, tmp_path):
    link = tmp_path / "link.gif"
    link.symlink_to(tmp_path / "missing" / "x.gif")
    done = cli(*TINY, "--out", link)
    assert done.returncode == 1 and "which does not exist" in done.stderr and link.is_symlink()
    untouched(tmp_path, ["link.gif"])


def test_a_name_at_the_file_systems_limit_is_written(cli, tmp_path):
    path = tmp_path / ("n" * (255 - len(".gif")) + ".gif")
    assert cli(*TINY, "--out", path).returncode == 0 and is_gif(path.read_bytes())
    untouched(tmp_path, [path.name])


@pytest.mark.parametrize("out, message", [
    ("newdir/", "newdir/ ends in '/', so it names a folder: give a file name, e.g. newdir/saddle.gif"),
    ("", "--out is empty: give a file name (or - for standard output)"),
])
def test_a_folder_name_or_an_empty_name_is_refused(cli, tmp_path, out, message):
    done = cli(*TINY, "--out", out, cwd=tmp_path)
    assert done.returncode in (1, 2) and done.stderr.endswith(f"{message}\n") and done.stderr.count("\n") == 1
    untouched(tmp_path, [])


def test_a_png_whose_overview_cannot_be_written_keeps_the_earlier_poster(cli, tmp_path):
    poster = tmp_path / "scene.png"
    poster.write_bytes(b"earlier poster")
    (tmp_path / "scene-overview.png").mkdir()  # the overview's path is taken by a folder
    done = cli(*TINY, "--out", poster)
    assert done.returncode == 1 and "scene-overview.png" in done.stderr
    assert poster.read_bytes() == b"earlier poster"
    untouched(tmp_path, ["scene.png", "scene-overview.png"])


def test_a_failed_write_removes_the_folders_it_made(tmp_path, monkeypatch):
    def full_disk(*args):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(encoders.os, "replace", full_disk)
    with pytest.raises(OSError, match="No space"):
        files.write_bytes(b"GIF89a;", tmp_path / "a" / "b" / "scene.gif")
    untouched(tmp_path, [])


# -- the streams (in this process: each stream is one that fails the way a real one does) ----
class Failing(io.TextIOWrapper):
    """A text stream whose writes fail as a closed pipe or a full device fails."""

    def __init__(self, error):
        super().__init__(io.BytesIO(), encoding="utf-8")
        self.error = error

    def write(self, text):
        raise self.error


def run_with(stdout=None, stderr=None, *args):
    """cli.main(args) with these streams; (exit code, what stderr got if it is ours)."""
    from optimotion import cli

    with contextlib.redirect_stdout(stdout or io.StringIO()), contextlib.redirect_stderr(stderr):
        try:
            return cli.main([str(arg) for arg in args])
        except SystemExit as exit:  # argparse's usage errors
            return exit.code


def test_out_dash_is_standard_output_and_the_report_goes_to_stderr(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    stdout, stderr = io.TextIOWrapper(io.BytesIO(), encoding="utf-8"), io.StringIO()
    assert run_with(stdout, stderr, *TINY, "--out", "-") == 0
    stdout.flush()
    assert is_gif(stdout.buffer.getvalue()) and stderr.getvalue().startswith("-: 6 frames, ")
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("error", [BrokenPipeError(32, "Broken pipe"), OSError(28, "No space left on device")],
                         ids=["| true", "a full device"])
def test_a_report_that_cannot_be_printed_does_not_undo_a_finished_render(tmp_path, error):
    stderr = io.StringIO()
    assert run_with(Failing(error), stderr, *TINY, "--out", tmp_path / "a.gif") == 0
    assert stderr.getvalue() == "" and is_gif((tmp_path / "a.gif").read_bytes())


def test_a_closed_stderr_is_not_an_error(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "stderr", None)  # started with 2>&-: Python has no sys.stderr
    assert run_with(io.StringIO(), None, *TINY, "--out", tmp_path / "b.gif") == 0
    assert run_with(io.StringIO(), None, "saddle", "--out", tmp_path / "c.gif", "--epochs", "0") == 2
    assert is_gif((tmp_path / "b.gif").read_bytes()) and not (tmp_path / "c.gif").exists()


def test_a_path_the_terminal_cannot_encode_is_written_as_escapes(tmp_path):
    out, stdout = tmp_path / "θ-saddle.gif", io.TextIOWrapper(io.BytesIO(), encoding="ascii")
    assert run_with(stdout, io.StringIO(), *TINY, "--out", out) == 0
    stdout.flush()
    assert stdout.buffer.getvalue().decode("ascii").startswith(str(tmp_path / "\\u03b8-saddle.gif") + ": 6 frames")
    with Image.open(out) as gif:
        assert gif.n_frames == 6
