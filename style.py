"""What the picture looks like, independent of the run: size, text scale, theme, palette.

`Style` holds the rules of every look option (sizes, dots per inch, orbit, theme, view),
enforced when a Style is made, so the command line, a script and a notebook share them.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import validation

VIEWS = ("3d", "contour", "both")
THEMES = ("light", "dark")
PRESETS = {"blog": (960, 540), "slides": (1280, 720), "square": (800, 800)}
MIN_SIDE, MAX_SIDE = 16, 4096
MIN_DPI, MAX_DPI = 50, 150  # beyond these the text no longer fits the layout
MAX_ORBIT = 3600  # ten turns: more would only spin

# Okabe-Ito: distinguishable with every common colour-vision deficiency; lines also
# differ by dash pattern and marker, so they survive greyscale printing.
COLORS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
DASHES = ("-", "--", "-.", ":")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "h")

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
    def paper(self) -> str:
        return THEME_RC[self.theme]["axes.facecolor"]

    @property
    def ink(self) -> str:
        return THEME_RC[self.theme]["text.color"]


def racer_style(racer_index: int, theme: str = "light") -> dict:
    color = COLORS[racer_index % len(COLORS)]
    if theme == "dark":  # dark blue and black vanish on dark slides: use sky blue and white
        color = {"#0072B2": "#56B4E9", "#56B4E9": "#0072B2", "#000000": "#F0F0F0"}.get(color, color)
    return dict(color=color, linestyle=DASHES[racer_index % len(DASHES)],
                marker=MARKERS[racer_index % len(MARKERS)])


NAMED = {"white": "#ffffff", "black": "#000000"}


def rgb(color: str) -> np.ndarray:
    """"#rrggbb" (or "white", "black") as three floats in [0, 1]."""
    color = NAMED.get(color, color)
    return np.array([int(color[i:i + 2], 16) for i in (1, 3, 5)]) / 255


def hex_color(rgb_values) -> str:
    return "#" + "".join(f"{round(float(c) * 255):02x}" for c in rgb_values)


def key_colors(style: Style, n_racers: int) -> list[str]:
    """Colours that must survive palette reduction exactly: racers, text, background, and
    the greys of antialiased text (else its edges may take a tint from the surface)."""
    rc = THEME_RC[style.theme]
    colors = [rgb(racer_style(r, style.theme)["color"]) for r in range(n_racers)]
    paper, ink = rgb(rc["figure.facecolor"]), rgb(rc["xtick.color"])
    greys = [share * ink + (1 - share) * paper for share in np.arange(1, 8) / 8]
    fixed = [rgb(c) for c in (rc["figure.facecolor"], rc["text.color"], "black", "white")]
    return [hex_color(c) for c in colors + fixed + greys]

