"""Messages that say what and where (issue 13's last class, in part)."""
import math

import autograd.numpy as anp
import pytest

import animate
import runner
import scenes
from optimizers import SGD, Adam
from scenes import Scene
from surfaces import Surface


def render(f):
    surface = Surface(name="mine", f=f, domain=((-1, 1), (-1, 1)), zlim=(0, 4))
    return animate.render(Scene(surface, start=(0.5, 0.5), optimizers=[SGD(lr=0.1)], epochs=3), size=(64, 36), jobs=1)


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
    (tmp_path / "my_helpers.py").write_text("from optimizers import SGD\nRACERS = [SGD(lr=0.1)]\n")
    (tmp_path / "scene.py").write_text("from my_helpers import RACERS\nfrom scenes import Scene\n"
                                       "SCENE = Scene('bowl', start=(1.0, 1.0), optimizers=RACERS, epochs=3)\n")
    import sys

    before = list(sys.path)
    assert scenes.load(tmp_path / "scene.py").racers[0].optimizer == SGD(lr=0.1)
    assert sys.path == before  # the folder was on the path only while the scene loaded
    assert "my_helpers" not in sys.modules
