"""Each racer's own state, as the picture draws it at its marker: arrows and a box.

Read from the run's `StateRecord` (what the optimizers held and did), never worked out
again: the "gradient" arrow is -lr times the gradient the next update takes (the step
plain gradient descent would make), "momentum" -lr times the velocity or first moment,
"step" the update actually made, and the "box" has the update's step size per
coordinate as its sides. Every arrow of a scene is drawn at one scale, and every box at
another, each a round number said on the picture ("arrows ×20"); an arrow is drawn from
the racer's position at the frame's epoch, on the surface.
"""
from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

ARROWS = ("gradient", "momentum", "step")
TARGET = 0.12        # a typical arrow as a share of the view's shorter side ...
TARGET_BOX = 0.25    # ... and a typical box's longer side
SLOW_REACH = 0.5     # the longest arrow of a slow start, at most
NICE = (1, 2, 5)     # scales are these times a power of ten


class GlyphTracks(NamedTuple):
    """What the frames draw of each racer's state (shapes as `Tracks.positions`)."""
    arrows: dict          # name in ARROWS -> (epochs + 1, racers, starts, dim), in the parameters' units
    boxes: np.ndarray     # the step size per coordinate
    shown: tuple          # per racer: the glyphs it shows, in drawing order
    arrow_scale: float    # every arrow is drawn this many times its length ...
    box_scale: float      # ... and every box this many times its sides
    key: str              # the line that says so, under the title


def glyph_tracks(scene, state, positions: np.ndarray, domain, frame_epochs) -> GlyphTracks | None:
    """The glyphs of a run of `scene` (its `StateRecord`), scaled for the frames at
    `frame_epochs`; None for a scene that shows none."""
    shown = tuple(scene.racer_glyphs(r) for r in range(len(scene.racers)))
    if state is None or not any(shown):
        return None
    lr = state.lr[:, :, None, None]
    moments = np.full_like(state.gradients, np.nan)
    for r, key in enumerate(state.moment_keys):
        if key is not None:
            moments[:, r] = state.tensors[key][:, r]
    arrows = {"gradient": -lr * state.gradients, "momentum": -lr * moments, "step": state.steps}
    side = min(hi - lo for lo, hi in domain)
    frames = np.asarray(frame_epochs, dtype=int)
    lengths = [np.linalg.norm(arrows[name][frames, r], axis=-1).ravel()
               for r, names in enumerate(shown) for name in names if name in ARROWS]
    sides = [np.abs(state.effective_lr[frames, r]).max(axis=-1).ravel() for r, names in enumerate(shown)
             if "box" in names]
    arrow_scale, box_scale = _scale(lengths, TARGET * side), _scale(sides, TARGET_BOX * side)
    if scene.glyph_scale is not None:
        arrow_scale = float(scene.glyph_scale)
    elif scene.slow_start:  # the updates shown in order are the ones taught: they stay in view
        taught = [np.linalg.norm(arrows[name][:scene.slow_start, r], axis=-1).ravel()
                  for r, names in enumerate(shown) for name in names if name in ARROWS]
        arrow_scale = min(arrow_scale, _scale([np.array([np.nanmax(np.concatenate(taught))])], SLOW_REACH * side))
    kinds = {name for names in shown for name in names}
    return GlyphTracks(arrows, state.effective_lr, shown, arrow_scale, box_scale, _key(kinds, arrow_scale, box_scale))


def _scale(values: list, length: float) -> float:
    """A round scale at which the middle value (of those > 0, at the frames) is drawn
    about `length` long: larger ones reach the view's edge and are cut there, and say so."""
    values = np.concatenate(values) if values else np.zeros(0)
    values = values[np.isfinite(values) & (values > 0)]
    if not len(values):
        return 1.0
    wanted = length / float(np.median(values))
    power = 10.0 ** math.floor(math.log10(wanted))
    return max(n * power for n in NICE if n * power <= wanted)


def times(scale: float) -> str:
    """A scale as the picture says it: "×20", "×0.5"."""
    return f"×{scale:g}"


def _key(kinds: set, arrow_scale: float, box_scale: float) -> str:
    parts = []
    arrows = [text for name, text in (("step", "— step"), ("gradient", "┄ −lr·gradient"),
                                      ("momentum", "━ −lr·momentum")) if name in kinds]
    if arrows:
        parts.append(f"arrows {times(arrow_scale)}: " + ", ".join(arrows))
    if "box" in kinds:
        parts.append(f"□ step size per axis {times(box_scale)}")
    return " · ".join(parts)
