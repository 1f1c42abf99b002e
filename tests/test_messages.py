"""Messages that say what and where (issue 13's last class, in part)."""
import math

import autograd.numpy as anp
import pytest

import optimotion
from optimotion import scenes
from optimotion.optimizers import SGD, Adam
from optimotion.scenes import Scene
from optimotion.simulation import runner
from optimotion.surfaces import Surface


def render(f):
    surface = Surface(name="mine", f=f, domain=((-1, 1), (-1, 1)), zlim=(0, 4))
    scene = Scene(surface, start=(0.5, 0.5), optimizers=[SGD(lr=0.1)], epochs=3)
    return optimotion.render(scene, size=(64, 36), jobs=1)


def _math_exp(xy):
    x, y = xy
    return math.exp(x[0]) + y**2


def _sums_every_point(xy):
    x, y = xy
    return anp.sum(x**2 + y**2) if anp.ndim(x) > 1 else x**2 + y**2


@pytest.mark.parametrize("f, message", [
    (lambda x, y: x**2 + y**2, r"the surface must take one argument, the point \(write `def f\(xy\): x, y = xy`\), "
                               r"but it takes x, y"),
    (_math_exp, r"the surface calls plain numpy or math on what autograd passes it \(must be real number, not "
                r"ArrayBox\): write it with `import autograd.numpy as np`"),
    (_sums_every_point, r"the surface must give one number per point: for a \d+x\d+ grid of points it gave shape \(\)"),
])
def test_a_surface_written_the_wrong_way_says_how_to_write_it(f, message):
    with pytest.raises(runner.SurfaceError, match=message):
        render(f)


def test_a_schedule_must_take_the_step():
    with pytest.raises(ValueError, match=r"Adam: lr must be a number or a schedule: a function of the step index"):
        Adam(lr=lambda: 0.1)
    assert Adam(lr=lambda step: 0.1 / (1 + step)).lr_at(3) == pytest.approx(0.1 / 3)


def test_a_name_in_the_wrong_case_is_found_as_a_suggestion(cli):
    done = cli("SADDLE")
    assert done.returncode == 2 and "unknown scene 'SADDLE'. Did you mean 'saddle'?" in done.stderr


def test_a_scene_imports_a_helper_module_beside_it(tmp_path):
    (tmp_path / "my_helpers.py").write_text("from optimotion.optimizers import SGD\nRACERS = [SGD(lr=0.1)]\n")
    (tmp_path / "scene.py").write_text("from my_helpers import RACERS\nfrom optimotion.scenes import Scene\n"
                                       "SCENE = Scene('bowl', start=(1.0, 1.0), optimizers=RACERS, epochs=3)\n")
    import sys

    before = list(sys.path), list(sys.meta_path)
    assert scenes.load(tmp_path / "scene.py").racers[0].optimizer == SGD(lr=0.1)
    assert (sys.path, sys.meta_path) == before  # found while the scene loaded, and only then
    assert "my_helpers" not in sys.modules


def _steps(xy):
    x, y = xy
    return anp.round(x) ** 2 + (y > 0) * 1.0


def test_a_surface_without_a_gradient_is_refused_but_a_start_at_a_minimum_is_not():
    message = r"has a gradient of 0 everywhere autograd looks \(25 points over its domain, where it takes values " \
              r"from 0 to 2\), so nothing would move"
    with pytest.raises(runner.SurfaceError, match=message):
        render(_steps)
    bowl = Surface(name="bowl_here", f=lambda xy: xy[0] ** 2 + xy[1] ** 2, domain=((-1, 1), (-1, 1)), zlim=(0, 2))
    movie = optimotion.render(Scene(bowl, start=(0.0, 0.0), optimizers=[SGD(lr=0.1)], epochs=3), size=(64, 36), jobs=1)
    assert movie.run.values.tolist() == [[[0.0]]] * 4  # it starts where it ends: nothing to say


def _cone(xy):
    x, y = xy
    return anp.sqrt(x**2 + y**2)


def test_a_tip_without_a_gradient_is_not_called_a_divergence(cli, tmp_path):
    from optimotion.draw.frames import FrameDrawer

    surface = Surface(name="cone", f=_cone, domain=((-1, 1), (-1, 1)), zlim=(0, 2))
    scene = Scene(surface, start=(0.5, 0.0), optimizers=[SGD(lr=0.5)], epochs=6)  # one step lands on the tip
    movie = optimotion.render(scene, size=(960, 540), jobs=1)
    assert movie.run.no_gradient.tolist() == [[True]] and movie.run.diverged_at.tolist() == [[2]]
    assert movie.run.values[:2, 0, 0].tolist() == [0.5, 0.0]
    assert FrameDrawer(movie.stage, movie.style, movie.reel).live_content(0, 6) == ("note", "no gradient at epoch 1")
    assert movie.diverged == 1 and movie.without_gradient == 1
    scene_file = tmp_path / "cone.py"
    scene_file.write_text("import autograd.numpy as anp\nfrom optimotion import SGD, Scene, Surface\n"
                          "S = Surface(name='cone', f=lambda xy: anp.sqrt(xy[0]**2 + xy[1]**2), domain=((-1, 1), "
                          "(-1, 1)), zlim=(0, 2))\nSCENE = Scene(S, start=(0.5, 0.0), optimizers=[SGD(lr=0.5)], "
                          "epochs=6)\n")
    done = cli(scene_file, "--size", "64x36", "--out", tmp_path / "cone.gif")
    assert done.returncode == 0 and ", 1 stopped where autograd gives no gradient (a tip or a kink)" in done.stdout
    assert "diverged" not in done.stdout


def test_a_scene_path_that_loops_or_dangles_says_so(tmp_path):
    loop = tmp_path / "loop.py"
    loop.symlink_to(loop)
    with pytest.raises(scenes.SceneError, match=r"^scene path is a loop of symbolic links: .*loop\.py$"):
        scenes.load(str(loop))
    dangling = tmp_path / "gone.py"
    dangling.symlink_to(tmp_path / "moved.py")
    with pytest.raises(scenes.SceneError, match=r"^scene file not found: .*gone\.py is a symbolic link to "
                                                r".*moved\.py, which does not exist$"):
        scenes.load(str(dangling))


def test_an_output_folder_that_is_a_dangling_link_says_so(cli, tmp_path):
    (tmp_path / "out").symlink_to(tmp_path / "nowhere")
    done = cli("saddle", "--size", "64x36", "--epochs", "5", "--out", tmp_path / "out" / "x.gif")
    assert done.returncode != 0 and done.stdout == ""
    assert done.stderr == (f"animate: error: cannot write to {tmp_path / 'out'}: {tmp_path / 'out'} is a symbolic "
                        f"link to {tmp_path / 'nowhere'}, which does not exist\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"] and not (tmp_path / "nowhere").exists()


def test_how_ffmpeg_ended_in_words():
    from optimotion.output import encoders

    assert encoders._ended(-25) == "killed by SIGXFSZ (the file size limit, ulimit -f)"
    assert encoders._ended(-9) == "killed by SIGKILL (out of memory, or kill -9)"
    assert encoders._ended(1) == "exit status 1"


def test_a_negative_number_after_an_option_is_its_value(cli, tmp_path):
    from optimotion.cli import build_parser

    parser = build_parser()
    assert parser.values_joined(["saddle", "--orbit", "-1e2", "-q", "--fps", "-inf"]) == [
        "saddle", "--orbit=-1e2", "-q", "--fps=-inf"]
    done = cli("saddle", "--fps", "-1e3")
    assert done.returncode == 2 and "argument --fps: expected 0.01 to 120 frames per second, got '-1e3'" in done.stderr
    assert parser.parse_args(parser.values_joined(["saddle", "--orbit", "-1e2"])).orbit == -100


def test_all_runs_at_most_as_many_scenes_as_processors():
    import os

    from optimotion import batch

    assert batch.scene_jobs(64) == (os.cpu_count() or 1) and batch.scene_jobs(1) == 1
    assert batch.scene_jobs(None) == (os.cpu_count() or 1)
