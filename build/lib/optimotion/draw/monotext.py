"""Monospace text drawn from cached glyph images: for numbers that change every frame.

matplotlib lays out and rasterises a text from scratch at every draw (about 1.5 ms for a
short number), which makes live counters the costliest part of a blitted frame. A
`MonoText` rasterises each character once per size, with matplotlib's own text renderer,
and then only pastes cached cells side by side (a monospace font needs no layout).

`crisp=True` rasterises the glyphs without antialiasing, hinted to the pixel grid (as a
terminal draws them): a digit that changes then changes only its own ink, in one colour,
which is what keeps a GIF's frame differences small.
"""
from __future__ import annotations

import math
from functools import cache

import matplotlib
import numpy as np
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.colors import to_rgba
from matplotlib.font_manager import FontProperties


@cache
def _metrics(size: float, dpi: float, weight: str) -> tuple[int, int, int, FontProperties]:
    """Cell width and height, and the baseline's height in the cell, in pixels."""
    prop = FontProperties(family="monospace", size=size, weight=weight)
    probe = RendererAgg(8, 8, dpi)
    width, _, _ = probe.get_text_width_height_descent("0" * 10, prop, ismath=False)
    _, height, descent = probe.get_text_width_height_descent("lpÅ", prop, ismath=False)
    return round(width / 10), math.ceil(height) + 2, math.ceil(descent) + 1, prop


def cell(size: float, dpi: float, weight: str = "bold") -> tuple[int, int]:
    """The width and height in pixels of a character's cell (without padding)."""
    width, height, _, _ = _metrics(size, dpi, weight)
    return width, height


@cache
def _glyph(char: str, size: float, dpi: float, weight: str, crisp: bool = False) -> np.ndarray:
    """The coverage (0..1) of one character in its cell, shape (height, width)."""
    width, height, baseline, prop = _metrics(size, dpi, weight)
    canvas = RendererAgg(width + 4, height, dpi)
    gc = canvas.new_gc()
    gc.set_foreground("black")
    gc.set_antialiased(not crisp)
    # The font's own hinting shapes one-bit glyphs far better than the autohinter.
    with matplotlib.rc_context({"text.hinting": "native"} if crisp else {}):
        canvas.draw_text(gc, 2, height - baseline, char, prop, 0)  # measured from the top here
    gc.restore()
    coverage = np.asarray(canvas.buffer_rgba())[:, :, 3] / 255.0
    return coverage[:, 2: 2 + width].copy()


class MonoText(Artist):
    """A line of monospace text at (x, y) in `transform` coordinates, pasted from glyphs.

    Alignment as for matplotlib text: `ha` left/center/right, `va` top/center/bottom.
    `background` fills the text's box (with `pad` pixels) under it; `crisp` draws the
    glyphs without antialiasing.
    """

    def __init__(self, x, y, text, *, transform, size=10.0, color="black", weight="normal",
                 ha="left", va="baseline", background=None, pad=3, crisp=False):
        super().__init__()
        self.x, self.y, self.text = x, y, str(text)
        self.size, self.weight, self.ha, self.va, self.pad = size, weight, ha, va, pad
        self.crisp = crisp
        self.rgba = np.array(to_rgba(color))
        self.background = None if background is None else np.array(to_rgba(background))
        self.set_transform(transform)

    def get_text(self) -> str:
        return self.text

    def extent(self, dpi: float) -> tuple[int, int]:
        """Width and height in pixels, as drawn (with the padding)."""
        width, height, _, _ = _metrics(self.size, dpi, self.weight)
        return width * len(self.text) + 2 * self.pad, height + 2 * self.pad

    def image(self, dpi: float) -> np.ndarray:
        """The text as an RGBA uint8 image, first row at the top."""
        width, height, _, _ = _metrics(self.size, dpi, self.weight)
        coverage = np.hstack([_glyph(c, self.size, dpi, self.weight, self.crisp) for c in self.text]) \
            if self.text else np.zeros((height, 0))
        if self.pad:
            coverage = np.pad(coverage, self.pad)
        rgba = np.empty(coverage.shape + (4,))
        if self.background is None:
            rgba[:] = self.rgba
            rgba[..., 3] = coverage * self.rgba[3]
        else:  # text over an opaque-ish box: blend the colours, keep the box's alpha
            rgba[..., :3] = self.rgba[:3] * coverage[..., None] + self.background[:3] * (1 - coverage[..., None])
            rgba[..., 3] = np.maximum(self.background[3], coverage * self.rgba[3])
        return np.round(rgba * 255).astype(np.uint8)

    def draw(self, renderer):
        if not self.get_visible() or not self.text:
            return
        image = self.image(renderer.dpi)
        height, width = image.shape[:2]
        x, y = self.get_transform().transform((self.x, self.y))
        _, _, baseline, _ = _metrics(self.size, renderer.dpi, self.weight)
        x -= {"left": 0, "center": width / 2, "right": width}[self.ha]
        y -= {"bottom": 0, "baseline": baseline + self.pad, "center": height / 2, "top": height}[self.va]
        gc = renderer.new_gc()
        gc.set_clip_rectangle(None)
        renderer.draw_image(gc, round(x), round(y), image[::-1])  # Agg takes rows from the bottom
        gc.restore()
        self.stale = False
