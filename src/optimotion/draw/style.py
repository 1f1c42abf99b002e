"""What the picture looks like, independent of the run: size, text scale, theme, palette.

`Style` holds the rules of every look option (sizes, dots per inch, orbit, theme, view),
enforced when a Style is made, so the command line, a script and a notebook share them.
"""
from __future__ import annotations

import colorsys
import math
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
MIN_TEXT_PIXELS = 10  # no text smaller: legible in a notebook at 480x270 and on a phone

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
# A race of one optimizer from several starts over a surface with several minima colours
# each start by the minimum it reaches (the racer itself is drawn in ink): the palette in
# order, a colour per minimum (global ones first, then local ones).
BASIN_COLORS = COLORS
SURFACE_MAP = "viridis"
# How far apart (CIE 1976 Delta E in L*a*b*) the colours that must be told apart are: a
# racer and the surface under it, a sweep's shade and another optimizer's colour.
APART = 20.0
CLOSE = 40.0  # two optimizers' colours in one scene: less apart than this, they read as one family
PAPER_CONTRAST = 2.0  # a sweep's shade against either theme's paper (WCAG luminance ratio)
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


def below_smallest(width: int, height: int) -> float:
    """How much smaller than 480x270 a frame is (1 from there up): text limits shrink so."""
    return min(1.0, width / 480, height / 270)


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
    density: float = 1.0  # the picture's pixels a pixel of the screen it is shown on (a phone's page: 1.5)

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
        if not isinstance(self.density, (int, float)) or not 1 <= self.density <= 4:
            raise ValueError(f"density must be a number from 1 to 4, got {self.density!r}")
        # --dpi 150 at 480x270: text 15 px tall and markers half as large again, in a frame
        # laid out for 10 px: it overflowed. The frame gets the most it holds.
        object.__setattr__(self, "dpi", min(self.dpi, math.floor(self.dpi_room * self.density)))

    @property
    def font_scale(self) -> float:
        """Text grows and shrinks with the frame, but no smaller than 70% from 480x270 up,
        so that it stays legible at half size; below that, it shrinks with the frame."""
        scale = min(self.width / 960, self.height / 540)
        return float(min(max(scale, 0.7), 2.0) if scale >= 0.5 else 1.4 * scale)

    @property
    def dpi_room(self) -> int:
        """The most dpi whose larger text and lines the frame holds (in pixels of the screen
        it is shown on): MAX_DPI from 960x540 up, 100 at 480x270 and below (its text is
        at its smallest already), in proportion between. A Style asked for more has this."""
        scale = min(self.width / 960, self.height / 540)
        return int(100 + (MAX_DPI - 100) * float(np.clip((scale - 0.5) / 0.5, 0.0, 1.0)))

    @property
    def mark_scale(self) -> float:
        """Markers and lines grow with a frame larger than 960x540 (at 1920x1080 they
        stayed as small as at 960x540), as its text does; never smaller than there."""
        return max(1.0, self.font_scale)

    @property
    def font_size(self) -> float:
        return 10.5 * self.font_scale

    def text_size(self, share: float = 1.0) -> float:
        """The size in points of a text `share` of the picture's font size, but never less
        than MIN_TEXT_PIXELS tall (its em) in the frame."""
        return max(self.font_size * share, self.smallest_text)

    @property
    def smallest_text(self) -> float:
        """MIN_TEXT_PIXELS in points: no text of the picture is smaller, from 480x270 up
        (a smaller frame has smaller text), in pixels of the screen it is shown on."""
        return MIN_TEXT_PIXELS * self.density * 72 / self.dpi * self.below_smallest

    @property
    def below_smallest(self) -> float:
        return below_smallest(self.width, self.height)

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
        """How much of the colour map the surface shows over the paper: half, in either
        theme, so that every racer's colour stays APART from it (tests/test_truth.py)."""
        return 0.5

    def surface_colors(self, heights) -> np.ndarray:
        """The RGBA colours of the surface at `heights` from 0 (lowest) to 1."""
        import matplotlib  # here: the command line imports this module before it quiets matplotlib

        tint = matplotlib.colormaps[SURFACE_MAP](np.clip(heights, 0, 1))
        return self.surface_tint * tint + (1 - self.surface_tint) * np.array([*rgb(self.paper), 1.0])

    @property
    def paper(self) -> str:
        return THEME_RC[self.theme]["axes.facecolor"]

    @property
    def ink(self) -> str:
        return THEME_RC[self.theme]["text.color"]


def racer_styles(kinds: Sequence[str]) -> list[dict]:
    """Colour, dash and marker of each racer, from its optimizer's name (`kinds`).

    An optimizer has its colour and marker in every scene (IDENTITY), in both themes.
    Several racers of
    one optimizer (a sweep of a hyperparameter, or of noise) get ordered shades of its
    colour, dark to light in the scene's order; an optimizer whose colour another optimizer
    of the scene already has, or one less than CLOSE from it (Adam's vermilion and AdamW's
    orange, SGD's blue and Adagrad's sky blue), takes the next palette colour CLOSE or more
    from all those taken. Dashes differ by position.
    """
    base = [IDENTITY.get(kind, (COLORS[i % len(COLORS)], MARKERS[i % len(MARKERS)])) for i, kind in enumerate(kinds)]
    colors: list[str] = [""] * len(kinds)
    owner: dict[str, str] = {}  # colour -> the optimizer that has it in this scene
    own = {color for color, _ in base}  # the scene's optimizers' own colours: taken last
    for kind, (color, _) in zip(kinds, base):
        if kind in owner.values():
            color = next(c for c, k in owner.items() if k == kind)
        elif any(delta_e(rgb(color), rgb(other)) < CLOSE for other in owner):  # taken, or too like one taken
            free = [c for c in COLORS if all(delta_e(rgb(c), rgb(other)) >= CLOSE for other in owner)]
            color = next((c for c in free if c not in own), free[0] if free else color)
        owner.setdefault(color, kind)
        for i in [i for i, k in enumerate(kinds) if k == kind and not colors[i]]:
            colors[i] = color
    for color in set(colors):
        same = [i for i, c in enumerate(colors) if c == color]
        if len(same) > 1:
            for i, shade in zip(same, shades(color, len(same))):
                colors[i] = shade
    return [dict(color=color, linestyle=DASHES[i % len(DASHES)], marker=marker)
            for i, (color, (_, marker)) in enumerate(zip(colors, base))]


def shades(color: str, n: int) -> list[str]:
    """`n` ordered shades of `color`, dark to light, all of its hue: spread over the
    lightnesses around its own at which the shade stays APART from every other palette
    colour, and at PAPER_CONTRAST or more with both themes' paper (its live value is text
    on it), within 0.2 of its own lightness."""
    if n == 1:
        return [color]
    hue, lightness, saturation = colorsys.rgb_to_hls(*rgb(color))
    levels = np.linspace(max(0.12, lightness - 0.2), min(0.85, lightness + 0.2), 41)
    candidates = [np.array(colorsys.hls_to_rgb(hue, level, saturation)) for level in levels]
    others = [rgb(c) for c in COLORS if c != color]
    papers = [rgb(THEME_RC[theme]["axes.facecolor"]) for theme in THEMES]
    apart = np.array([min(delta_e(c, other) for other in others) >= APART
                      and min(contrast(c, paper) for paper in papers) >= PAPER_CONTRAST for c in candidates])
    home = int(np.argmin(abs(levels - lightness)))
    low = high = home
    while low > 0 and apart[low - 1]:
        low -= 1
    while high < len(levels) - 1 and apart[high + 1]:
        high += 1
    spread = np.linspace(levels[low], levels[high], n)
    return [hex_color(colorsys.hls_to_rgb(hue, level, saturation)) for level in spread]


SRGB_TO_XYZ = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])  # D65


def xyz(rgb_values) -> np.ndarray:
    """sRGB in [0, 1] (..., 3, or 4 with alpha) as CIE XYZ (D65); Y is the luminance."""
    rgb_values = np.asarray(rgb_values, dtype=float)[..., :3]
    linear = np.where(rgb_values <= 0.04045, rgb_values / 12.92, ((rgb_values + 0.055) / 1.055) ** 2.4)
    return linear @ SRGB_TO_XYZ.T


def lab(rgb_values) -> np.ndarray:
    """sRGB in [0, 1] (..., 3) as CIE L*a*b* (D65)."""
    f = xyz(rgb_values) / np.array([0.95047, 1.0, 1.08883])
    f = np.where(f > 216 / 24389, np.cbrt(f), (24389 / 27 * f + 16) / 116)
    return np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])], axis=-1)


def contrast(first, second) -> float:
    """The WCAG contrast ratio of two sRGB colours (arrays in [0, 1]): 1 to 21."""
    light, dark = sorted((float(xyz(first)[1]), float(xyz(second)[1])), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def delta_e(first, second) -> float:
    """CIE 1976 colour difference of two sRGB colours (arrays in [0, 1])."""
    return float(np.linalg.norm(lab(first) - lab(second)))


NAMED = {"white": "#ffffff", "black": "#000000"}


def rgb(color: str) -> np.ndarray:
    """"#rrggbb" (or "white", "black") as three floats in [0, 1]."""
    color = NAMED.get(color, color)
    return np.array([int(color[i:i + 2], 16) for i in (1, 3, 5)]) / 255


def hex_color(rgb_values) -> str:
    return "#" + "".join(f"{round(float(c) * 255):02x}" for c in rgb_values)


FADED = 0.45  # of the paper in a racer's faded colour (a model race's loss on the plane under it)


def faded(color: str, paper: str) -> str:
    """`color` FADED towards `paper`, as "#rrggbb": a racer's second line, told from its own."""
    return hex_color((1 - FADED) * rgb(color) + FADED * rgb(paper))


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
