"""The command line as a user runs it: outputs, messages and exit codes."""
import re

from PIL import Image

from conftest import ROOT


def test_renders_a_scene_and_reports_path_frames_bytes_seconds(cli, tmp_path):
    out = tmp_path / "saddle.gif"
    result = cli("saddle", "--epochs", "60", "--size", "320x180", "--out", out)
    assert result.returncode == 0, result.stderr
    match = re.fullmatch(r"(.+): (\d+) frames, ([\d,]+) bytes, ([\d.]+) s\n", result.stdout)
    assert match, result.stdout
    assert match[1] == str(out) and int(match[2]) == 21
    assert int(match[3].replace(",", "")) == out.stat().st_size
    assert result.stderr == ""  # not a terminal: no progress bar
    with Image.open(out) as gif:
        assert gif.n_frames == 21 and gif.size == (320, 180)


def test_default_output_goes_to_output_slash_scene_gif(cli, tmp_path):
    scene = tmp_path / "tiny.py"
    scene.write_text('"""Tiny."""\nfrom optimotion.optimizers import SGD\nfrom optimotion.scenes import Scene, every\n'
                     'SCENE = Scene("bowl", start=(1, 1), optimizers=[SGD(lr=0.1)], epochs=4, show_epoch=every(2))\n')
    result = cli(scene, "--size", "200x120", "--quiet", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "" and result.stderr == ""
    with Image.open(tmp_path / "output" / "tiny.gif") as gif:
        assert gif.n_frames == 3


def test_fps_sets_frame_duration(cli, tmp_path):
    out = tmp_path / "s.gif"
    assert cli("saddle", "--epochs", "10", "--size", "200x120", "--fps", "4", "--out", out, "-q").returncode == 0
    with Image.open(out) as gif:
        durations = []
        for index in range(gif.n_frames):
            gif.seek(index)
            durations.append(gif.info["duration"])
    assert durations == [1000] + [250] * (len(durations) - 2) + [2000]  # first held 1 s, last 2 s


def test_list_shows_each_scene_with_its_description(cli):
    result = cli("--list")
    assert result.returncode == 0
    assert re.search(r"^\s+saddle\s+Saddle race", result.stdout, re.M)


def test_help_explains_the_options(cli):
    result = cli("--help")
    assert result.returncode == 0
    for option in ("--list", "--out", "--size", "--epochs", "--fps", "--quiet"):
        assert option in result.stdout


def _one_line_error(result, code, pattern):
    assert result.returncode == code, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("animate: error:")]
    assert len(lines) == 1 and re.search(pattern, lines[0]), result.stderr


def test_unknown_scene_exits_2_with_did_you_mean_and_the_list(cli):
    result = cli("sadle")
    _one_line_error(result, 2, r"unknown scene 'sadle'\. Did you mean 'saddle'.*Known scenes: .*saddle")


def test_missing_scene_file(cli, tmp_path):
    _one_line_error(cli(tmp_path / "nope.py"), 1, r"scene file not found")


def test_no_scene_given_is_a_usage_error(cli):
    _one_line_error(cli(), 2, r"name a scene")


def test_bad_options_are_usage_errors(cli):
    for args, pattern in [(("--size", "0x0"), r"each side 16 to 4096"), (("--size", "abc"), r"WIDTHxHEIGHT"),
                          (("--fps", "-2"), r"0.01 to 120 frames per second"), (("--epochs", "0"), r"positive integer"),
                          (("--epochs", "ten"), r"positive integer")]:
        _one_line_error(cli("saddle", *args), 2, pattern)


def test_too_many_epochs_says_how_to_lift_the_limit(cli):
    _one_line_error(cli("saddle", "--epochs", "5000000"), 1, r"over the limit .*lift it with max_epochs .*--max-epochs")


def test_output_that_is_a_directory(cli, tmp_path):
    _one_line_error(cli("saddle", "--epochs", "5", "--out", tmp_path), 1, r"is a directory")


def test_broken_scene_file_names_file_and_line(cli, tmp_path):
    scene = tmp_path / "broken.py"
    scene.write_text("from optimotion.optimizers import Adam\n\nSCENE = Adam(lr=-1)\n")
    _one_line_error(cli(scene), 1, r"broken\.py:3: ValueError: .*lr")


def test_the_readme_gives_ci_s_commands_and_the_docs_every_option():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    setup, test = re.findall(r"```sh\n(.*?)\n```", readme, re.S)[:2]
    assert test == "python -m pytest -q" and test in ci.splitlines()
    assert "pip install -r requirements-dev.txt" in setup and "pip install --quiet --disable-pip-version-check " \
        "-r requirements-dev.txt" in ci
    from optimotion.cli import build_parser

    documented = (ROOT / "docs" / "command-line.md").read_text()
    options = [name for action in build_parser()._actions for name in action.option_strings]
    assert len(options) > 15 and [name for name in options if name not in documented] == ["-h", "--help"]
