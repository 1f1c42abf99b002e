"""What the picture looks like, independent of the run: size, text scale, theme, palette.

`Style` holds the rules of every look option (sizes, dots per inch, orbit, theme, view),
enforced when a Style is made, so the command line, a script and a notebook share them.
"""
from __future__ import annotations

import colorsys
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from optimotion import validation

VIEWS = ("3d", "contour", "both")
THEMES = ("light", "dark")
PRESETS = {"blog": (960, 540), "slides": (1280, 720), "square": (800, 800)}
MIN_SIDE, MAX_SIDE = 16, 4096
MIN_DPI, MAX_DPI = 50, 150  # beyond these the text no longer fits the layout
MAX_ORBIT = 3600  # ten turns: more would only spin

# Okabe-Ito: distinguishable with every common colour-vision deficiency; lines also
# differ by dash pattern and marker, so they survive greyscale printing.
BLUE, VERMILION, GREEN, PURPLE, ORANGE, SKY = "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"
COLORS = (BLUE, VERMILION, GREEN, PURPLE, ORANGE, SKY)
DASHES = ("-", "--", "-.", ":")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "h")
# One optimizer, one colour and one marker, in every scene, so a course's GIFs agree:
# the momentum family in purple, the Adam family in vermilion and orange.
IDENTITY = {
    "SGD": (BLUE, "o"), "Momentum": (PURPLE, "s"), "Nesterov": (PURPLE, "P"), "EMAMomentum": (PURPLE, "X"),
    "Adam": (VERMILION, "^"), "AdamW": (ORANGE, "v"), "Adamax": (VERMILION, "<"), "NAdam": (ORANGE, ">"),
    "RAdam": (ORANGE, "d"), "RMSprop": (GREEN, "D"), "Adagrad": (SKY, "h"), "Adadelta": (SKY, "p"),
    "Lion": (GREEN, "H"),
}
DARK_THEME = {BLUE: SKY, SKY: BLUE}  # dark blue vanishes on a dark slide
GOLD = "#FFD700"       # the minima's stars
SADDLE_MARK = "#FFFFFF"  # the saddle points' crosses (black edge)

THEME_RC = {
    "light": {"figure.facecolor": "white", "axes.facecolor": "white", "text.color": "#1a1a1a",
              "axes.labelcolor": "#1a1a1a", "axes.edgecolor": "#444444", "xtick.color": "#333333",
              "ytick.color": "#333333", "grid.color": "#b0b0b0"},
    "dark": {"figure.facecolor": "#14171c", "axes.facecolor": "#14171c", "text.color": "#e8e8e8",
             "axes.labelcolor": "#e8e8e8", "axes.edgecolor": "#9a9a9a", "xtick.color": "#cfcfcf",
             "ytick.color": "#cfcfcf", "grid.color": "#5a5a5a"},
}
# Path simplification starts once a line has 128 points and then redraws its old part a
# little differently: a growing line must keep its old pixels for the GIF's differences.
STEADY_RC = {"path.simplify": False}


def check_size(width, height) -> tuple[int, int]:
    """(width, height) in pixels, each side from MIN_SIDE to MAX_SIDE."""
    expected = f"a whole number of pixels from {MIN_SIDE} to {MAX_SIDE}"
    return (validation.integer("width", width, MIN_SIDE, MAX_SIDE, expected=expected),
            validation.integer("height", height, MIN_SIDE, MAX_SIDE, expected=expected))


def check_dpi(dpi) -> int:
    return validation.integer("dpi", dpi, MIN_DPI, MAX_DPI, expected=f"{MIN_DPI} to {MAX_DPI} dots per inch")


def check_orbit(orbit) -> float:
    return validation.real("orbit", orbit, -MAX_ORBIT, MAX_ORBIT,
                           expected=f"degrees between -{MAX_ORBIT} and {MAX_ORBIT}")


def size_for(size=None, preset: str | None = None) -> tuple[int, int]:
    """The frame size: `size` (width, height) if given, else the preset's, else "blog"."""
    if preset is not None and preset not in PRESETS:
        raise ValueError(f"preset must be one of {', '.join(PRESETS)}, got {preset!r}")
    if size is None:
        return PRESETS[preset or "blog"]
    try:
        width, height = size
    except (TypeError, ValueError):
        raise ValueError(f"size must be a pair (width, height) in pixels, got {size!r}") from None
    return check_size(width, height)


@dataclass(frozen=True)
class Style:
    """What the picture looks like, independent of the run."""
    width: int = 960
    height: int = 540
    dpi: int = 100
    theme: str = "light"
    view: str = "3d"
    mesh: int = 36
    orbit: float = 0.0  # degrees the 3-D view turns (azimuth) from the first frame to the last

    def __post_init__(self):
        width, height = check_size(self.width, self.height)
        object.__setattr__(self, "width", width)
        object.__setattr__(self, "height", height)
        object.__setattr__(self, "dpi", check_dpi(self.dpi))
        object.__setattr__(self, "orbit", check_orbit(self.orbit))
        object.__setattr__(self, "mesh", validation.integer("mesh", self.mesh, 2, 400))
        if self.theme not in THEMES:
            raise ValueError(f"theme must be one of {', '.join(THEMES)}, got {self.theme!r}")
        if self.view not in VIEWS:
            raise ValueError(f"view must be one of {', '.join(VIEWS)}, got {self.view!r}")

    @property
    def font_scale(self) -> float:
        """Text grows with the frame so that it stays legible at half size."""
        return float(np.clip(min(self.width / 960, self.height / 540), 0.55, 2.0))

    @property
    def font_size(self) -> float:
        return 10.5 * self.font_scale

    @property
    def edge(self) -> str:
        """Marker edges and contour lines: the colour that stands out from the paper."""
        return "black" if self.theme == "light" else "white"

    @property
    def rc(self) -> dict:
        """The matplotlib settings the picture is drawn under (in an rc_context only)."""
        return {**THEME_RC[self.theme], **STEADY_RC}

    @property
    def surface_tint(self) -> float:
        """How much of the colour map the surface shows over the paper: half on white (the
        racers stand out), more on a dark slide (half of it there is a muddy olive)."""
        return 0.5 if self.theme == "light" else 0.8

    @property
    def paper(self) -> str:
        return THEME_RC[self.theme]["axes.facecolor"]

    @property
    def ink(self) -> str:
        return THEME_RC[self.theme]["text.color"]


def racer_styles(kinds: Sequence[str], theme: str = "light") -> list[dict]:
    """Colour, dash and marker of each racer, from its optimizer's name (`kinds`).

    An optimizer has its colour and marker in every scene (IDENTITY). Several racers of
    one optimizer (a sweep of a hyperparameter, or of noise) get ordered shades of its
    colour, dark to light in the scene's order; a racer whose colour another optimizer of
    the scene already has takes the next free palette colour. Dashes differ by position.
    """
    base = [IDENTITY.get(kind, (COLORS[i % len(COLORS)], MARKERS[i % len(MARKERS)])) for i, kind in enumerate(kinds)]
    colors: list[str] = [""] * len(kinds)
    owner: dict[str, str] = {}  # colour -> the optimizer that has it in this scene
    for kind, (color, _) in zip(kinds, base):
        if color in owner and owner[color] != kind:
            color = next((c for c in COLORS if c not in owner), color)
        owner.setdefault(color, kind)
        for i in [i for i, k in enumerate(kinds) if k == kind and not colors[i]]:
            colors[i] = color
    for color in set(colors):
        same = [i for i, c in enumerate(colors) if c == color]
        if len(same) > 1:
            for i, shade in zip(same, shades(color, len(same))):
                colors[i] = shade
    if theme == "dark":
        colors = [DARK_THEME.get(c, c) for c in colors]
    return [dict(color=color, linestyle=DASHES[i % len(DASHES)], marker=marker)
            for i, (color, (_, marker)) in enumerate(zip(colors, base))]


def shades(color: str, n: int) -> list[str]:
    """`n` ordered shades of `color`, dark to light, all of its hue."""
    hue, lightness, saturation = colorsys.rgb_to_hls(*rgb(color))
    return [hex_color(colorsys.hls_to_rgb(hue, level, saturation)) for level in np.linspace(0.22, 0.62, n)]


NAMED = {"white": "#ffffff", "black": "#000000"}


def rgb(color: str) -> np.ndarray:
    """"#rrggbb" (or "white", "black") as three floats in [0, 1]."""
    color = NAMED.get(color, color)
    return np.array([int(color[i:i + 2], 16) for i in (1, 3, 5)]) / 255


def hex_color(rgb_values) -> str:
    return "#" + "".join(f"{round(float(c) * 255):02x}" for c in rgb_values)


def key_colors(style: Style, racer_colors: Sequence[str]) -> list[str]:
    """Colours that must survive palette reduction exactly: racers, marks, text,
    background, and the greys of antialiased text (else its edges may take a tint from
    the surface)."""
    rc = THEME_RC[style.theme]
    paper, ink = rgb(rc["figure.facecolor"]), rgb(rc["xtick.color"])
    greys = [share * ink + (1 - share) * paper for share in np.arange(1, 8) / 8]
    fixed = [rgb(c) for c in (*racer_colors, GOLD, SADDLE_MARK, rc["figure.facecolor"], rc["text.color"],
                              "black", "white")]
    return [hex_color(c) for c in fixed + greys]
