"""Variants: a scene's sweep of one hyperparameter, simulated ahead for the page's slider."""
import numpy as np
import pytest

import optimotion
from conftest import page_data
from optimotion import scenes
from optimotion.optimizers import SGD, Adam
from optimotion.scenes import Scene, Variants
from optimotion.simulation import runner


def scene_with(variants, optimizers=None):
    return Scene("bowl", start=(1.0, 1.0), optimizers=optimizers or [SGD(lr=0.1), Adam(lr=0.1)], epochs=10,
                 variants=variants)


@pytest.mark.parametrize("variants, message", [
    (Variants("lr", (0.01, 0.1), racer=2), "racer=2, but the scene has 2 racer"),
    (Variants("momentum", (0.0, 0.9), racer=1), "Adam has no hyperparameter 'momentum'"),
    (Variants("lr", (0.1, -1.0), racer=1), "lr must be"),
    (Variants("lr", (0.01, 0.3), racer=1), r"racer 'Adam\(lr=0.1\)' has lr=0.1, which is not among the values"),
    (Variants("lr", (0.1, 0.1), racer=1), "the values must differ"),
    ("lr", "variants must be Variants"),
])
def test_a_sweep_that_cannot_be_made_says_why(variants, message):
    with pytest.raises(ValueError, match=message):
        scene_with(variants)


@pytest.mark.parametrize("arguments, message", [
    (("lr", (0.1,)), "give 2 to 12 values"), (("lr", 0.1), "values must be a list"),
    (("", (0.1, 0.2)), "param must be"), (("lr", (0.1, 0.2), -1), "racer"),
])
def test_variants_check_their_own_fields(arguments, message):
    with pytest.raises(ValueError, match=message):
        Variants(*arguments)


def test_each_variant_is_the_scene_with_that_value_and_the_scene_as_written_is_the_default():
    scene = scenes.load("try_adam_lr")
    variants = scene.variant_scenes()
    assert [v.racers[1].name for v in variants] == [f"Adam(lr={lr})" for lr in ("0.03", "0.1", "0.3", "0.6", "1")]
    assert scene.variant_default == 2 and scene.variant_title == "Adam lr"
    assert all(v.racers[0] == scene.racers[0] and v.variants is None for v in variants)
    default = runner.simulate(scene)
    assert np.array_equal(runner.simulate(variants[2]).positions, default.positions)
    # The lesson the slider shows: a small lr has not arrived after 60 steps, a large one swings.
    ends = {lr: runner.simulate(v).positions[:, 1, 0, 0] for lr, v in zip(scene.variants.values, variants)}
    crossings = {lr: int(np.sum(np.diff(np.sign(x - 3)) != 0)) for lr, x in ends.items()}
    assert ends[0.03][-1] < 2 and crossings[0.03] == 0 and crossings[0.3] < crossings[1.0]


def test_the_page_carries_every_variant_and_the_gif_the_default():
    movie = optimotion.render("try_adam_lr", size=(320, 180), jobs=1, poster=True)
    assert movie.stage.labels == ("SGD(lr=0.1)", "Adam(lr=0.3)")
    data = page_data(movie.to_bytes("html").decode("utf-8"))
    assert data["variants"] == {"name": "Adam lr", "values": ["0.03", "0.1", "0.3", "0.6", "1"], "default": 2}
    assert [run["labels"][1] for run in data["runs"]] == [f"Adam(lr={v})" for v in data["variants"]["values"]]
    assert all(run["labelImage"].startswith("data:image/png;base64,") for run in data["runs"])
