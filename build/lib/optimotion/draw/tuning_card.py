"""The tuning card: each racer's score against the learning rate it was tried at, on one
log axis, its pick ringed; the value at the start a dotted line; a trial that ended above
it (it learned nothing, or blew up short of overflowing) an arrow, and one that diverged a
cross, in a shaded band above the data, a row per racer. How wide and how flat each curve is shows how sensitive
each method is to its learning rate.
"""
from __future__ import annotations

import math

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from optimotion.draw import fonts, layout
from optimotion.draw.frames import compact
from optimotion.draw.style import Style, racer_styles
from optimotion.optimizers.base import format_value

BAND = 0.06         # the band above the data, per racer with a trial there, in data heights
ABOVE = r"$\uparrow$"  # a trial that ended above the start (a triangle is a racer's marker)
TIE_TEXT = "a millionth"
LOG_SPAN = 1e3      # scores that span more than this ratio get a log (or symmetric log) axis


def tuning_card(tuning, labels, kinds, style: Style = Style(), title: str = "", value_name: str = "z") -> np.ndarray:
    """The card, (height, width, 3) uint8, at the animation's size and theme."""
    styles = racer_styles(kinds)
    # np.errstate: a symmetric log axis overflows in exp() for scores near the largest float
    with matplotlib.rc_context({**style.rc, "font.family": list(fonts.families())}), np.errstate(all="ignore"):
        fig = Figure(figsize=(style.width / style.dpi, style.height / style.dpi), dpi=style.dpi)
        canvas = FigureCanvasAgg(fig)
        heading = layout.fit_title(fig, f"{title} · tuning" if title else "Tuning", style.text_size(1.3))
        layout.fit_subtitle(fig, heading, tuning.stamp(value_name), style.text_size(0.75))
        ax = fig.add_axes((0.1, 0.13, 0.5, 0.72))
        ax.set_xscale("log")
        below = np.where(tuning.scores <= tuning.start, tuning.scores, np.inf)  # what the axis holds
        height, scale = _y_axis(ax, np.append(below, tuning.start))
        ax.set_xlabel("learning rate (each racer's peak lr)", fontsize=style.text_size())
        seeds = " (mean over seeds)" if tuning.seeds > 1 else ""
        ax.set_ylabel(f"final {value_name}{seeds}{scale}", fontsize=style.text_size())
        ax.tick_params(labelsize=style.text_size(0.85))
        ax.grid(True, which="major", alpha=0.35)
        ax.set_xlim(tuning.lrs[0] / 1.5, tuning.lrs[-1] * 1.5)
        handles = []
        for r, (label, st) in enumerate(zip(labels, styles)):
            scores, k = tuning.scores[r], tuning.picks[r]
            finite = np.isfinite(scores) & (scores <= tuning.start)
            ax.plot(tuning.lrs[finite], height(scores[finite]), color=st["color"], linestyle=st["linestyle"],
                    marker=st["marker"], markersize=5 * style.font_scale, markeredgecolor=style.edge,
                    markeredgewidth=0.6, linewidth=1.6, zorder=3)
            if finite[k]:
                ax.plot([tuning.lrs[k]], height(scores[k:k + 1]), marker="o", markersize=15 * style.font_scale,
                        markerfacecolor="none", markeredgecolor=st["color"], markeredgewidth=2.2, zorder=4)
            said = f"final {value_name} {compact(scores[k])}" if np.isfinite(scores[k]) else \
                f"all diverged: raced at lr {format_value(tuning.lrs[k])}"
            handles.append(Line2D([], [], color=st["color"], linestyle=st["linestyle"], marker=st["marker"],
                                  markeredgecolor=style.edge, label=f"{label}\n{said}"))
        ax.axhline(float(height(np.array([tuning.start]))[0]), color=style.ink, linestyle=":", linewidth=1.2,
                   zorder=2)
        low, high = ax.get_ylim()
        ax.set_yticks([tick for tick in ax.get_yticks() if low <= tick <= high])  # none in the band
        marked = [r for r in range(len(styles)) if np.any(~np.isfinite(tuning.scores[r])
                                                        | (tuning.scores[r] > tuning.start))]
        band = (high - low) * BAND * max(1, len(marked))
        ax.set_ylim(low, high + band)  # a band above the data for the trials it cannot hold
        if marked:
            ax.axhspan(high, high + band, color=style.ink, alpha=0.07, linewidth=0, zorder=1)
        for row, r in enumerate(marked):
            scores, st = tuning.scores[r], styles[r]
            y = high + band * (row + 0.5) / len(marked)
            for marks, marker in ((~np.isfinite(scores), "x"), (np.isfinite(scores) & (scores > tuning.start),
                                                                ABOVE)):
                if marks.any():
                    ax.plot(tuning.lrs[marks], np.full(marks.sum(), y), linestyle="", marker=marker,
                            color=st["color"], markersize=7 * style.font_scale, markeredgewidth=1.6, zorder=3)
        handles.append(Line2D([], [], linestyle="", marker="o", markersize=11, markerfacecolor="none",
                              markeredgecolor=style.ink, markeredgewidth=1.8,
                              label=f"the lr raced: the lowest final {value_name}\n(within {TIE_TEXT} of it, "
                                    "the first to settle)"))
        handles.append(Line2D([], [], linestyle="", marker=ABOVE, color=style.ink, markersize=9,
                              label="in the shaded band: ended above\nthe start"))
        handles.append(Line2D([], [], linestyle="", marker="x", color=style.ink, markeredgewidth=1.6,
                              label="in the shaded band: diverged\n(from any start)"))
        handles.append(Line2D([], [], linestyle=":", color=style.ink, label=f"the start: {value_name} "
                                                                            f"{compact(tuning.start)}"))
        legend = fig.legend(handles=handles, loc="center left", bbox_to_anchor=(0.63, 0.48), frameon=False,
                            fontsize=style.text_size(0.85), labelspacing=0.9)
        for text in legend.get_texts():
            text.set_parse_math(False)  # a label is plain text
        canvas.draw()
    return np.asarray(canvas.buffer_rgba())[:, :, :3].copy()


def _y_axis(ax, scores: np.ndarray):
    """How a score is placed on the y axis, and what the axis label adds: linear where the
    scores are few decades apart; log10 where all are positive and spread; where some are
    zero or negative, a signed log, sign(s) log10(1 + |s| / t) with t the smallest nonzero
    |score|. Both are drawn as heights on a linear axis ticked at powers of ten: matplotlib's
    own log and symlog axes fail on scores near the largest float, which a racer on an
    unbounded surface, or one that nearly diverged, reaches."""
    finite = scores[np.isfinite(scores)]
    nonzero = np.abs(finite[finite != 0])
    if not finite.size or not nonzero.size:
        return (lambda s: s), ""
    low, high = float(finite.min()), float(finite.max())
    if low > 0 and high / low > LOG_SPAN:
        powers = _powers(math.floor(math.log10(low)), math.ceil(math.log10(high)))
        ax.set_yticks([float(k) for k in powers], [f"$10^{{{k}}}$" for k in powers])
        return np.log10, " (log scale)"
    t = float(nonzero.min())
    if float(nonzero.max()) / t <= LOG_SPAN:
        return (lambda s: s), ""

    def height(s):
        return np.sign(s) * np.log10(1 + np.abs(s) / t)

    powers = _powers(math.ceil(math.log10(t)), math.floor(math.log10(float(nonzero.max()))))
    ticks, labels = [0.0], ["0"]
    for sign, side in ((1, high > 0), (-1, low < 0)):
        if side:
            ticks += [float(height(sign * 10.0 ** k)) for k in powers]
            labels += [f"${'-' if sign < 0 else ''}10^{{{k}}}$" for k in powers]
    ax.set_yticks(ticks, labels)
    return height, " (signed log scale)"


def _powers(first: int, last: int, most: int = 6) -> list[int]:
    """At most `most` exponents from `last` down to `first`, evenly stepped."""
    step = max(1, math.ceil((last - first + 1) / most))
    return list(range(last, first - 1, -step))
