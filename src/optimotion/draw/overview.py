"""A still for print: the whole trails on a contour map (the curve in 1-D), with a legend."""
from __future__ import annotations

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from optimotion.draw import fonts, layout
from optimotion.draw.lines import trail_stride
from optimotion.draw.picture import draw_view, stage_racer_styles
from optimotion.draw.stage import Reel, Stage, start_colors
from optimotion.draw.style import Style
from optimotion.simulation.runner import NEVER, Tracks


def overview(stage: Stage, reel: Reel, style: Style = Style()) -> np.ndarray:
    """The overview still of a run (`Reel`), (height, width, 3) uint8."""
    tracks = reel.tracks
    stride = trail_stride(stage.epochs, stage.n_starts)
    with matplotlib.rc_context({**style.rc, "font.family": list(fonts.families())}):
        fig = Figure(figsize=(style.width / style.dpi, style.height / style.dpi), dpi=style.dpi)
        canvas = FigureCanvasAgg(fig)
        layout.fit_title(fig, stage.title, style.text_size(1.3))
        ax = fig.add_axes((0.08, 0.1, 0.62, 0.8))
        draw_view("curve" if stage.dim == 1 else "contour", ax, stage, style)
        handles = []
        for r, (label, st) in enumerate(zip(stage.labels, stage_racer_styles(stage, style))):
            colors = start_colors(stage, reel.reached, st["color"]) or [st["color"]] * stage.n_starts
            trails = []  # one artist per racer for all its starts (a grid of thousands included)
            for s in range(stage.n_starts):
                diverged = tracks.diverged_at[r, s]
                last = stage.epochs if diverged == NEVER else diverged - 1
                index = np.unique(np.append(np.arange(0, last + 1, stride), last))
                path = tracks.positions[index, r, s]
                y = stage.plotted(tracks.values[index, r, s]) if stage.dim == 1 else path[:, 1]
                trails.append(np.column_stack([path[:, 0], y]))
            ax.add_collection(LineCollection(trails, colors=colors, linestyles=st["linestyle"], linewidths=1.8))
            ends = np.array([trail[-1] for trail in trails])
            for color in dict.fromkeys(colors):
                mine = [c == color for c in colors]
                ax.plot(ends[mine, 0], ends[mine, 1], marker=st["marker"], color=color, markeredgecolor=style.edge,
                        linestyle="", markersize=8)
            handles.append(Line2D([], [], markersize=7, markeredgecolor=style.edge,
                                  label=label + divergence_note(tracks, r), **st))
        legend = fig.legend(handles=handles, loc="center left", bbox_to_anchor=(0.71, 0.5),
                            fontsize=style.text_size(0.9), frameon=False)
        for text in legend.get_texts():
            text.set_parse_math(False)  # a label is plain text: "$5" is five dollars
        canvas.draw()
    return np.asarray(canvas.buffer_rgba())[:, :, :3].copy()


def divergence_note(tracks: Tracks, r: int) -> str:
    diverged = tracks.diverged_at[r]
    hit = diverged[diverged != NEVER]
    if not len(hit):
        return ""
    if len(diverged) == 1 and tracks.no_gradient is not None and tracks.no_gradient[r, 0]:
        return f" (no gradient at epoch {int(hit.min()) - 1:,})"
    return f" (diverged at epoch {int(hit.min()):,})" if len(diverged) == 1 else f" ({len(hit)} diverged)"
