"""The fonts a picture's text is drawn in, and the characters they have.

Text is drawn in DejaVu Sans (matplotlib's own), falling back, glyph by glyph, to fonts
for Chinese, Japanese, Korean and emoji where the machine has them. A character that no
font has would be drawn as a box, with a warning per glyph: `missing` finds those before
any drawing, so that a render can refuse them in one line.
"""
from __future__ import annotations

from functools import cache

MAIN = "DejaVu Sans"
FALLBACKS = ("Noto Sans CJK JP", "Noto Sans CJK SC", "Noto Sans CJK KR", "WenQuanYi Zen Hei",
             "Noto Color Emoji", "Noto Emoji", "Symbola")
# Below this code point (Latin, Greek, Cyrillic, punctuation, super- and subscripts, arrows,
# mathematical operators) DejaVu Sans has the characters scenes use: no need to look.
COVERED_BELOW = 0x2400


@cache
def families() -> tuple[str, ...]:
    """The font families text is drawn in, in order: DejaVu Sans, then the installed fallbacks."""
    from matplotlib import font_manager

    installed = {font.name for font in font_manager.fontManager.ttflist}
    return (MAIN,) + tuple(family for family in FALLBACKS if family in installed)


def missing(text: str) -> str:
    """The characters of `text` that no font of `families()` has, in order, once each."""
    rare = [c for c in dict.fromkeys(text) if ord(c) >= COVERED_BELOW and not c.isspace()]
    if not rare:
        return ""
    have = _characters()
    return "".join(c for c in rare if ord(c) not in have)


@cache
def _characters() -> frozenset[int]:
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    codes: set[int] = set()
    for family in families():
        path = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
        codes.update(FT2Font(path).get_charmap())
    return frozenset(codes)
