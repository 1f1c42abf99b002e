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
