"""The races a page offers beside the scene's own, each simulated ahead of time: a sweep
of one hyperparameter (`Scene.variants`), or a tuned race and the race as written.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from optimotion.optimizers.base import format_value
from optimotion.simulation import runner


class Alternatives(NamedTuple):
    """What the page's slider switches between.

    name:    what the slider is called ("Adam lr", "lr").
    values:  each race's name on it ("0.01", "tuned: 16 trials ...", "as written").
    scenes, runs: each race's scene and run; `default` is the one the GIF shows.
    caption: the line under the title the page's shared picture has (None: the stage's own;
             "" where the stage's caption is true of one race only).
    """
    name: str
    values: tuple[str, ...]
    scenes: tuple
    runs: tuple
    default: int = 0
    caption: str | None = None


def single(run: runner.Run) -> Alternatives:
    """No alternative: the run alone."""
    return Alternatives("", (), (run.scene,), (run,))


def of_variants(scene, run: runner.Run, progress: Callable) -> Alternatives:
    """A scene's `variants`: every value's run (the scene's own is `run`)."""
    variants, default = scene.variant_scenes(), scene.variant_default
    others = [variant for k, variant in enumerate(variants) if k != default]
    with progress("simulate", sum(variant.epochs for variant in others)) as advance:
        runs = tuple(run if k == default else runner.simulate(variant, progress=advance)
                     for k, variant in enumerate(variants))
    return Alternatives(scene.variant_title, tuple(format_value(v) for v in scene.variants.values), variants, runs,
                        default)


def of_tuning(run: runner.Run, as_written, stamp: str, progress: Callable) -> Alternatives:
    """The tuned race (`run`) and the scene as written, its own learning rates."""
    with progress("simulate", as_written.epochs) as advance:
        written = runner.simulate(as_written, progress=advance)
    return Alternatives("lr", (stamp.removeprefix("lr "), "as written"), (run.scene, as_written), (run, written),
                        0, caption="")
