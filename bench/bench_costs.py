"""Measure the costs `estimate.py` works with, and compare its estimates with real renders.

Prints, per second on this machine: an optimizer's update per epoch, drawing a frame per
pixel and per trail point, encoding a GIF per pixel (each fitted from timed renders in
one process); then, for a few renders, the estimate against the time taken.

    python bench/bench_costs.py
"""
from __future__ import annotations

import time
from pathlib import Path

import numpy as np

import optimotion
from optimotion import estimate, scenes
from optimotion.animation import style_for
from optimotion.draw.frames import FrameDrawer
from optimotion.draw.stage import reel_for, stage_for
from optimotion.output import encoders
from optimotion.simulation import runner

ROOT = Path(__file__).resolve().parent.parent


def seconds(work) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def frame_seconds(scene, size) -> tuple[float, int]:
    """Seconds per frame (the mean over the scene's frames, the first one apart) and its points."""
    style = style_for(size=size)
    run = runner.simulate(scene)
    stage = stage_for(scene, style.mesh)
    drawer = FrameDrawer(stage, style, reel_for(stage, run.tracks, scene.frame_epochs))
    frames = drawer.frames()
    next(frames)  # the static picture
    count = len(scene.frame_epochs) - 1
    return seconds(lambda: list(frames)) / count, style.width * style.height


def main() -> None:
    saddle = scenes.load("saddle")
    runner.at_start(saddle)
    gradient = seconds(lambda: estimate.gradient_seconds(saddle))
    simulated = seconds(lambda: runner.simulate(saddle))
    update = max(0.0, simulated / saddle.epochs - gradient) / len(saddle.racers)
    small, small_pixels = frame_seconds(saddle, (480, 270))
    large, large_pixels = frame_seconds(saddle, (1920, 1080))
    per_pixel = (large - small) / (large_pixels - small_pixels)
    base = small - per_pixel * small_pixels
    crowd = scenes.load("himmelblau_basins").with_options(start=scenes.grid((-5, 5), (-5, 5), 40),
                                                           show_epoch=scenes.every(20))
    crowded, pixels = frame_seconds(crowd, (480, 270))
    points = estimate.frame_points(crowd, style_for(size=(480, 270)))
    per_point = max(0.0, crowded - base - per_pixel * pixels) / points
    print(f"a frame of saddle: {small * 1e3:.0f} ms at 480x270, {large * 1e3:.0f} ms at 1920x1080; "
          f"of a 1,600-start grid at 480x270: {crowded * 1e3:.0f} ms ({points:,} points)")
    frames = [np.zeros((540, 960, 3), np.uint8) + k for k in range(20)]
    per_encoded = seconds(lambda: encoders.encode(frames, "gif", 10)) / (20 * 960 * 540)
    print("measured (the constants in estimate.py):")
    print(f"  UPDATE_SECONDS  {update:.2e}   (estimate.py: {estimate.UPDATE_SECONDS:.2e})")
    print(f"  FRAME_SECONDS   {base:.2e}   (estimate.py: {estimate.FRAME_SECONDS:.2e})")
    print(f"  PIXEL_SECONDS   {per_pixel:.2e}   (estimate.py: {estimate.PIXEL_SECONDS:.2e})")
    print(f"  POINT_SECONDS   {per_point:.2e}   (estimate.py: {estimate.POINT_SECONDS:.2e})")
    print(f"  ENCODE_SECONDS  {per_encoded:.2e}   (estimate.py: {estimate.ENCODE_SECONDS:.2e})")
    print("estimate against a real render (2 processes):")
    cases = [("saddle", {}), ("saddle", {"size": (1920, 1080)}), ("digits_logistic", {}),
             (crowd, {"size": (960, 540)})]
    for scene, options in cases:
        loaded = scenes.load(scene) if isinstance(scene, str) else scene
        started = time.perf_counter()
        optimotion.render(loaded, jobs=2, notice=lambda text: None, **options).to_bytes("gif")
        took = time.perf_counter() - started
        style = style_for(size=options.get("size"))
        guess = sum(estimate.render_seconds(loaded, style, 2, loaded.frame_count,
                                            estimate.gradient_seconds(loaded)).values())
        name = scene if isinstance(scene, str) else f"a {len(loaded.starts):,}-start grid"
        print(f"  {name:<24} {style.width}x{style.height}: estimate {guess:6.1f} s, took {took:6.1f} s")


if __name__ == "__main__":
    main()
