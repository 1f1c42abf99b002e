"""A real network on real data: the digits models, their race on its plane, the CSV."""
import csv
import io
import json
from pathlib import Path

import autograd
import numpy as np
import pytest

from optimotion import animation, scenes, surfaces
from optimotion.draw.stage import plane_stage
from optimotion.optimizers import SGD, Adam, AdamW, Momentum
from optimotion.scenes import Scene, Variants, even_motion
from optimotion.simulation import plane, runner
from optimotion.surfaces import DIGITS_LOGISTIC, DIGITS_MLP
from optimotion.surfaces.networks import digits

pytestmark = pytest.mark.xdist_group("networks")  # one worker loads scikit-learn and the digits
GOLDEN = Path(__file__).resolve().parent / "golden"
SHORT = 30  # epochs of the races drawn here: enough for paths that bend


def short_mlp(**changes) -> Scene:
    return scenes.load("digits_mlp").with_options(epochs=SHORT, **changes)


@pytest.fixture(scope="module")
def movie():
    """digits_mlp over SHORT epochs, drawn small: its last frame only."""
    return animation.render(short_mlp(), size=(480, 270), poster=True, jobs=1)


def numpy_forward(theta: np.ndarray, x: np.ndarray) -> np.ndarray:
    """The MLP's logits written out with plain numpy, for the checks below."""
    w1, b1 = theta[:4096].reshape(64, 64), theta[4096:4160]
    w2, b2 = theta[4160:4800].reshape(64, 10), theta[4800:]
    return np.maximum(x @ w1 + b1, 0) @ w2 + b2


# ----- the models ------------------------------------------------------------------
def test_the_digits_are_seed_000s_split():
    data = digits()
    assert data.x_train.shape == (1437, 64) and data.x_test.shape == (360, 64)
    both = np.concatenate([data.x_train, data.x_test])
    assert np.allclose(both.mean(axis=0), 0, atol=1e-12)  # standardised over all images, then split
    assert DIGITS_MLP.dim == 4810 and DIGITS_LOGISTIC.dim == 650
    assert surfaces.get("digits_mlp") is DIGITS_MLP


def test_the_loss_is_the_mean_cross_entropy_written_out():
    theta = DIGITS_MLP.initial(0)
    data = digits()
    z = numpy_forward(theta, data.x_train)
    z = z - z.max(axis=1, keepdims=True)
    expected = np.mean(np.log(np.exp(z).sum(axis=1)) - z[np.arange(len(z)), data.y_train])
    assert abs(DIGITS_MLP.f(theta) - expected) < 1e-12
    batch = np.stack([theta, 0.5 * theta], axis=1)
    assert np.allclose(DIGITS_MLP.f(batch), [DIGITS_MLP.f(theta), DIGITS_MLP.f(0.5 * theta)], rtol=0, atol=1e-12)


@pytest.mark.parametrize("model", [DIGITS_MLP, DIGITS_LOGISTIC], ids=lambda m: m.name)
def test_the_gradient_matches_finite_differences(model):
    theta = model.initial(0) + 0.01  # off the zero biases: every ReLU's side is settled
    gradient = autograd.grad(model.f)(theta)
    rng = np.random.default_rng(3)
    directions = [rng.standard_normal(model.dim) for _ in range(3)] + [np.eye(model.dim)[np.argmax(np.abs(gradient))]]
    for direction in directions:
        direction = direction / np.linalg.norm(direction)
        h = 1e-5
        central = (model.f(theta + h * direction) - model.f(theta - h * direction)) / (2 * h)
        assert abs(central - gradient @ direction) < 1e-8 * max(1.0, abs(central))
    # the runner's batched call gives each vector its own gradient
    values, gradients = runner.value_and_gradient(model.f, np.stack([theta, theta * 0.9]))
    assert np.allclose(gradients[0], gradient, rtol=0, atol=1e-14)
    assert np.allclose(gradients[1], autograd.grad(model.f)(theta * 0.9), rtol=0, atol=1e-14)


def test_the_loss_on_a_plane_is_the_loss_at_its_points():
    rng = np.random.default_rng(5)
    for model in (DIGITS_MLP, DIGITS_LOGISTIC):
        centre = model.initial(1)
        directions = rng.standard_normal((2, model.dim)) * 0.1
        ab = rng.standard_normal((2, 21))  # not a multiple of a chunk
        points = centre[:, None] + directions.T @ ab
        assert np.allclose(model.loss_on_plane(centre, directions, ab), model.loss_of(points), rtol=0, atol=1e-12)


# ----- torch.optim ------------------------------------------------------------------
TORCH_CASES = {"sgd": SGD(lr=0.01), "momentum": Momentum(lr=0.01), "adam": Adam(lr=0.01),
               "adamw": AdamW(lr=0.01, weight_decay=0.1)}


def test_the_mlp_trains_as_torch_optim_does():
    """make_digits_golden.py: torch 2.13's SGD, momentum, Adam and AdamW on the same data
    and weights, in float64."""
    meta = json.loads((GOLDEN / "digits.json").read_text())
    golden = np.load(GOLDEN / "digits.npz")
    assert {case: spec["kwargs"] for case, spec in meta["cases"].items()} == {
        "sgd": {"lr": 0.01}, "momentum": {"lr": 0.01, "momentum": 0.9}, "adam": {"lr": 0.01},
        "adamw": {"lr": 0.01, "weight_decay": 0.1}}
    assert meta["epochs"] >= 50
    scene = Scene(DIGITS_MLP, start=DIGITS_MLP.initial(0), optimizers=TORCH_CASES, epochs=meta["epochs"])
    run = runner.simulate(scene, keep=meta["snapshot_epochs"])
    assert run.positions.shape == (len(meta["snapshot_epochs"]), 4, 1, 4810)
    for r, case in enumerate(TORCH_CASES):
        assert np.max(np.abs(run.values[:, r, 0] - golden[f"{case}_loss"])) < 1e-9, case
        for k, epoch in enumerate(meta["snapshot_epochs"]):
            assert np.max(np.abs(run.positions[k, r, 0] - golden[f"{case}_at_{epoch}"])) < 1e-9, (case, epoch)
    assert golden["adam_loss"][-1] < golden["sgd_loss"][-1] / 10  # the lesson is in the numbers too


def test_digits_mlp_is_the_notebooks_setup():
    scene = scenes.load("digits_mlp")
    assert scene.surface is DIGITS_MLP and scene.epochs == 200
    assert [type(r.optimizer).__name__ for r in scene.racers] == ["SGD", "Momentum", "Adam"]
    assert all(r.optimizer.lr == 0.01 for r in scene.racers) and scene.racers[1].optimizer.momentum == 0.9
    assert np.array_equal(scene.starts[0], DIGITS_MLP.initial(0))
    assert abs(DIGITS_MLP.f(scene.starts[0]) - np.load(GOLDEN / "digits.npz")["sgd_loss"][0]) < 1e-12
    for name in ("digits_logistic", "digits_adamw"):
        assert scenes.load(name).over_model and scenes.info(name).group == "Real networks"


# ----- the plane --------------------------------------------------------------------
def test_the_plane_is_the_top_two_principal_directions():
    rng = np.random.default_rng(7)
    points = rng.standard_normal((90, 300)) * np.linspace(3, 0.1, 300) + 4.0
    found = plane.plane_of(points)
    _, s, vt = np.linalg.svd(points - points.mean(axis=0), full_matrices=False)
    assert np.allclose(found.centre, points.mean(axis=0), rtol=0, atol=1e-12)
    assert np.allclose(found.directions @ found.directions.T, np.eye(2), rtol=0, atol=1e-12)
    for k in range(2):
        assert abs(abs(found.directions[k] @ vt[k]) - 1) < 1e-10
    assert np.allclose(found.explained, s[:2] ** 2 / np.sum(s**2), rtol=1e-10, atol=0)


def test_distance_off_the_plane():
    rng = np.random.default_rng(8)
    found = plane.plane_of(rng.standard_normal((20, 50)))
    u, v = found.directions
    other = rng.standard_normal(50)
    other -= (other @ u) * u + (other @ v) * v
    other /= np.linalg.norm(other)
    coords, off = found.project(found.centre + np.stack([2 * u - v, other, u + other]))
    assert np.allclose(coords[0], [2, -1]) and np.allclose(off, [0, 1, np.sqrt(0.5)], rtol=0, atol=1e-12)
    # points on the plane, near and far: off it by no more than rounding, on any BLAS (a
    # difference of squared lengths would leave ~1e-8 here, the root of 1e-16)
    ab = rng.uniform(-1e3, 1e3, (200, 2))
    _, off = found.project(found.centre + ab @ found.directions)
    assert off.max() <= 1e-12


def test_a_race_is_drawn_on_the_plane_of_its_own_trajectories(movie):
    run, found = movie.run, movie.plane
    with plane.one_blas_thread():  # as the race runs: the same sums in the same order
        full = runner.simulate(short_mlp())  # every epoch's 4,810 numbers
    stacked = full.positions.reshape(-1, DIGITS_MLP.dim)
    _, s, vt = np.linalg.svd(stacked - stacked.mean(axis=0), full_matrices=False)
    for k in range(2):
        assert abs(abs(found.directions[k] @ vt[k]) - 1) < 1e-8
    assert np.allclose(found.explained, s[:2] ** 2 / np.sum(s**2), rtol=1e-8, atol=0)
    assert np.allclose(run.positions, (full.positions - found.centre) @ found.directions.T, rtol=0, atol=1e-10)
    assert np.array_equal(run.values, full.values)  # the z plot: the true training loss
    # the start and every end lie inside the grid, with room around them
    (x0, x1), (y0, y1) = movie.stage.domain
    for point in (run.positions[0, 0, 0], *run.positions[-1, :, 0]):
        assert x0 < point[0] < x1 and y0 < point[1] < y1
    assert movie.stage.contour.xs[0, 0] == x0 and movie.stage.contour.ys[-1, -1] == y1
    pc1, pc2 = found.explained
    assert movie.stage.axis_names == (f"PC1: {pc1:.0%}", f"PC2: {pc2:.0%}")
    assert movie.stage.equal_axes
    (x0, x1), (y0, y1) = movie.stage.domain
    assert min(x1 - x0, y1 - y0) >= 0.5 * max(x1 - x0, y1 - y0) - 1e-12
    z0, z1 = movie.stage.zlim
    assert z0 <= np.nanmin(run.values) and np.nanmax(run.values) <= z1 and movie.stage.log_z


def test_the_grid_is_the_loss_on_the_plane_not_transposed(movie):
    stage, found = movie.stage, movie.plane
    xs, ys, zs = stage.contour
    i, j = 3, xs.shape[1] - 5  # a row and a column apart from the diagonal
    theta = found.centre + xs[i, j] * found.directions[0] + ys[i, j] * found.directions[1]
    assert abs(zs[i, j] - np.log10(DIGITS_MLP.f(theta))) < 1e-12


def test_memory_is_bounded_by_a_second_pass(monkeypatch):
    scene = scenes.load("digits_logistic").with_options(epochs=SHORT)
    monkeypatch.setattr(plane, "SNAPSHOTS", 12)  # 4 epochs of 3 racers: the rest is simulated again
    raced = plane.race(scene)
    full = runner.simulate(scene)
    coords, off = raced.plane.project(full.positions)
    assert np.allclose(raced.run.positions, coords, rtol=0, atol=1e-10)
    assert np.allclose(raced.run.off_plane, off, rtol=0, atol=1e-10)


def test_the_picture_says_loss_and_accuracy(movie):
    run, stage = movie.run, movie.stage
    data = digits()
    last = runner.simulate(short_mlp(), keep=[SHORT]).positions[0, :, 0]
    from optimotion.draw.frames import FrameDrawer, compact

    drawer = FrameDrawer(stage, movie.style, movie.reel)
    for r, label in enumerate(stage.labels):
        accuracy = np.mean(np.argmax(numpy_forward(last[r], data.x_test), axis=1) == data.y_test)
        assert "test" not in label  # known at the end only: said at the end only, not from epoch 0
        assert movie.test_accuracy[r, 0] == accuracy
        assert drawer.live_content(r, SHORT) == ("number", f"{compact(run.values[SHORT, r, 0])} · test {accuracy:.1%}")
        # The racer's own loss alone: its distance off the plane swung near the paths' centre
        # ("97% off" mid-run); the CSV and the summary keep it.
        assert drawer.live_content(r, SHORT - 1) == ("number", compact(run.values[SHORT - 1, r, 0]))
    summary = movie.summary()
    assert summary[0].startswith(f"the plane of the race holds {movie.plane.explained[0]:.0%} (PC1)")
    assert summary[3].startswith(f"Adam lr 0.01: training loss {run.values[-1, 2, 0]:.4g}, test accuracy")


def test_the_csv_has_every_epoch_with_plane_coordinates(movie):
    rows = list(csv.reader(io.StringIO(movie.to_bytes("csv").decode())))
    assert rows[0] == ["epoch", "racer", "start", "pc1", "pc2", "loss", "off_plane", "plane_loss"]
    assert len(rows) == 1 + (SHORT + 1) * 3
    table = np.array([[float(x) for x in row[3:]] for row in rows[1:]]).reshape(SHORT + 1, 3, 5)
    assert np.array_equal(table[..., :2], movie.run.positions[:, :, 0])
    assert np.array_equal(table[..., 2], movie.run.values[:, :, 0])
    assert np.array_equal(table[..., 4], movie.run.plane_loss[:, :, 0])
    assert [row[1] for row in rows[1:4]] == ["SGD lr 0.01", "Momentum lr 0.01", "Adam lr 0.01"]


def test_what_a_model_scene_cannot_have():
    start = DIGITS_LOGISTIC.initial(0)
    with pytest.raises(ValueError, match="no box to clamp"):
        Scene(DIGITS_LOGISTIC, start=start, optimizers=[SGD()], bounds=((-1, 1), (-1, 1)))
    with pytest.raises(ValueError, match="known only after the run"):
        Scene(DIGITS_LOGISTIC, start=start, optimizers=[SGD()], show_epoch=even_motion())
    with pytest.raises(ValueError, match="leave out variants"):
        Scene(DIGITS_LOGISTIC, start=start, optimizers=[SGD(lr=0.1)], variants=Variants("lr", (0.1, 1.0)))
    with pytest.raises(ValueError, match="a point of 650 numbers"):
        Scene(DIGITS_LOGISTIC, start=(0.0, 0.0), optimizers=[SGD()])
    with pytest.raises(ValueError, match=r"the digits have 64 pixel features and 10 classes, so sizes must be "
                                         r"\(64, \.\.\., 10\), got \(60, 32, 10\)"):
        surfaces.Network("mine", (60, 32, 10))
    with pytest.raises(plane.PlaneError, match="did not move"):
        plane.plane_of(np.tile(start, (5, 1)))


class Stretched(surfaces.Model):
    """sum_i scale_i * theta_i^2 over 20,000 parameters: a model of the simplest kind."""
    name, dim, description = "stretched", 20_000, "A long quadratic bowl."
    scales = np.geomspace(1e-3, 1.0, 20_000)

    def f(self, theta):
        import autograd.numpy as anp

        return anp.sum((self.scales * anp.transpose(theta)) * anp.transpose(theta), axis=-1)


def test_any_model_races_in_bounded_memory(monkeypatch):
    """20,000 parameters: the plane comes from at most SNAPSHOTS epochs' vectors (here 40),
    every epoch's coordinates from a second pass."""
    monkeypatch.setattr(plane, "SNAPSHOTS", 40)
    kept = []
    simulate = runner.simulate

    def recording(scene, progress=None, keep=None, observe=None, record_state=True):
        kept.append(None if keep is None else len(keep))
        return simulate(scene, progress, keep, observe, record_state)

    monkeypatch.setattr(runner, "simulate", recording)
    model = Stretched()
    start = np.random.default_rng(0).standard_normal(model.dim)
    scene = Scene(model, start=start, optimizers={"SGD": SGD(lr=0.4), "Adam": Adam(lr=0.01)}, epochs=400)
    raced = plane.race(scene)
    assert kept == [21, 0]  # snapshots for the plane, then a pass that projects
    assert raced.run.positions.shape == (401, 2, 1, 2) and raced.run.kept is None
    assert np.all(np.isnan(raced.accuracy))  # no test set: no accuracy
    stage = plane_stage(scene, raced, plane.landscape(scene, raced, mesh=8))
    assert stage.labels == ("SGD", "Adam") and stage.value_name == "loss"
    assert stage.title == "Stretched"  # a scene without a title: its surface's name, which claims nothing
    assert np.all(np.diff(raced.run.values[:, 0, 0]) < 0)  # SGD on a bowl: down at every step


def test_mini_batches_on_a_network_use_their_own_batch():
    scene = Scene(DIGITS_LOGISTIC, start=DIGITS_LOGISTIC.initial(0), epochs=3,
                  optimizers=[scenes.Racer(SGD(lr=0.5), label="batch", batch_size=32), SGD(lr=0.5)])
    run = runner.simulate(scene)
    first_batch = np.argsort(np.random.default_rng(np.random.SeedSequence(0).spawn(1)[0])
                             .random((1, DIGITS_LOGISTIC.n_samples)), axis=1)[:, :32]
    gradient = autograd.grad(lambda t: DIGITS_LOGISTIC.batch_loss(t[:, None], first_batch)[0])(scene.starts[0])
    assert np.allclose(run.positions[1, 0, 0], scene.starts[0] - 0.5 * gradient, rtol=0, atol=1e-12)
    assert not np.allclose(run.positions[1, 0, 0], run.positions[1, 1, 0])


def test_a_model_racer_is_drawn_on_the_surface_of_its_plane(movie):
    """The surface is the loss on the plane; a racer off the plane has another loss. Its
    mark sits on the surface at its place on the plane (it was drawn at its own loss:
    under the surface, or floating above it); the z plot keeps its own loss."""
    stage, run = movie.stage, movie.run
    positions = run.positions[-1, :, 0]
    on_surface = stage.height_at(positions)
    assert np.array_equal(stage.heights(positions, run.values[-1, :, 0]), on_surface)
    assert not np.allclose(on_surface, stage.plotted(run.values[-1, :, 0]), rtol=0, atol=1e-3)  # the gap is real
    assert np.allclose(stage.start_heights, stage.height_at(stage.starts))


def test_the_z_plot_draws_the_loss_on_the_plane_under_each_racer_dotted(movie):
    """The marks sit on the plane, at the loss there; the gap to a racer's own loss was only
    said in the caption. The z plot now draws that loss, dotted, under each racer's own
    line: the model's loss (its plain forward pass) at the racer's projection."""
    from matplotlib.lines import Line2D

    from optimotion.draw.frames import FrameDrawer
    from optimotion.draw.style import faded

    run, model = movie.run, movie.scene.surface
    centre, directions = movie.plane.centre, movie.plane.directions
    for epoch in (0, SHORT // 2, SHORT):
        for r in range(len(movie.scene.racers)):
            theta = centre + run.positions[epoch, r, 0] @ directions
            expected = model.f(theta)
            assert abs(run.plane_loss[epoch, r, 0] - expected) <= 1e-9 * expected, (epoch, r)
    assert np.all(np.abs(run.plane_loss - run.values)[1:] > 1e-6)  # off the plane: another loss
    drawer = FrameDrawer(movie.stage, movie.style, movie.reel)
    artists = drawer.artists(len(drawer.frame_epochs) - 1)
    dotted = [a for a in artists if isinstance(a, Line2D) and a.axes is drawer.picture.ax_z
              and a.get_linestyle() == ":"]
    assert len(dotted) == len(movie.scene.racers)
    for r, line in enumerate(dotted):
        assert np.array_equal(line.get_ydata(), run.plane_loss[:, r, 0])
        assert line.get_color() == faded(drawer.styles[r]["color"], movie.style.paper)  # told from its own line
    lo, hi = movie.reel.z_range
    assert lo <= np.nanmin(run.plane_loss) and np.nanmax(run.plane_loss) <= hi  # the z plot holds them
    assert "thin dotted lines: loss on the paths' plane" in movie.stage.caption


def test_the_page_draws_the_loss_on_the_plane_where_the_gif_does(movie, tmp_path):
    import base64
    import zlib

    from conftest import page_data
    from optimotion.draw.frames import FrameDrawer
    from optimotion.output.page import SUBPIXELS

    path = tmp_path / "mlp.html"
    movie.save(path)
    data = page_data(path)
    tracks = json.loads(zlib.decompress(base64.b64decode(data["runs"][0]["tracks"])))
    drawer = FrameDrawer(movie.stage, movie.style, movie.reel)
    z = drawer.picture.ax_z.transData.transform
    for r, racer in enumerate(tracks["racers"]):
        pixels = np.cumsum(racer["starts"][0]["zPlane"]) / SUBPIXELS  # from the top
        epochs = np.arange(SHORT + 1)
        expected = movie.style.height - z(np.column_stack([epochs, movie.run.plane_loss[:, r, 0]]))[:, 1]
        assert np.abs(pixels - expected).max() <= 1 / 16 + 1e-9
        assert data["racers"][r]["planeDashes"] and data["racers"][r]["planeWidth"] < data["racers"][r]["lineWidth"]
