"""How smooth the GIF's surface is, and what it costs: the palette then and now, side by side.

For each frame size and theme, the saddle is rendered once; its GIF is encoded with each
palette size, and its last frame compared with the poster (the PNG, unreduced) over the
surface: both blurred 3x3 (what the eye averages), the largest channel difference per
pixel, its 95th percentile in levels of 255. The surface is the pixels of no mark's colour,
3 px or more from any, and coloured (the map's tint, not the grey panes).

    python bench/bench_banding.py [--sizes 711x400,960x540,1920x1080] [--themes light,dark]
"""
from __future__ import annotations

import argparse
import io
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image

import optimotion
from optimotion.draw import style as looks
from optimotion.output import encoders

OLD = (55, 0)  # the palette before issue 19: 55 colours, a median cut without k-means passes


def blurred(image: np.ndarray) -> np.ndarray:
    padded = np.pad(image, ((1, 1), (1, 1), (0, 0)), mode="edge")
    height, width = image.shape[:2]
    return sum(padded[i:i + height, j:j + width] for i in range(3) for j in range(3)) / 9


def surface_mask(poster: np.ndarray, keys: np.ndarray) -> np.ndarray:
    is_key = (poster[:, :, None, :] == keys[None, None]).all(axis=3).any(axis=2)
    near = np.lib.stride_tricks.sliding_window_view(np.pad(is_key, 3), (7, 7)).any(axis=(2, 3))
    colourful = poster.max(axis=2) - poster.min(axis=2) > 12
    return ~near & colourful


def banding(gif: bytes, poster: np.ndarray, mask: np.ndarray) -> float:
    with Image.open(io.BytesIO(gif)) as image:
        image.seek(image.n_frames - 1)
        last = np.asarray(image.convert("RGB")).astype(float)
    return float(np.percentile(np.abs(blurred(last) - blurred(poster)).max(axis=2)[mask], 95))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="711x400,960x540,1920x1080")
    parser.add_argument("--themes", default="light,dark")
    args = parser.parse_args()
    print(f"{'size':>10} {'theme':>6}  {'palette':>8} {'GIF bytes':>10} {'p95 levels':>10}")
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes.split(","):
            width, height = (int(side) for side in size.split("x"))
            for theme in args.themes.split(","):
                movie = optimotion.render("saddle", size=(width, height), theme=theme, jobs=1)
                poster_path = movie.save(Path(tmp) / f"{size}-{theme}.png").path
                poster = np.asarray(Image.open(poster_path).convert("RGB")).astype(float)
                keys = np.array([looks.rgb(c) * 255 for c in movie.key_colors(movie.style)]).round()
                mask = surface_mask(poster, keys)
                for colors, refining in (OLD, (encoders.GIF_COLORS, encoders.PALETTE_REFINING)):
                    saved = encoders.GIF_COLORS, encoders.PALETTE_REFINING
                    encoders.GIF_COLORS, encoders.PALETTE_REFINING = colors, refining
                    try:
                        gif = movie.to_bytes("gif")
                    finally:
                        encoders.GIF_COLORS, encoders.PALETTE_REFINING = saved
                    print(f"{size:>10} {theme:>6}  {colors:>8} {len(gif):>10,} {banding(gif, poster, mask):>10.1f}",
                          flush=True)


if __name__ == "__main__":
    main()
