"""Himmelblau's four minima: where GD starts decides which one it reaches.

49 starts on a 7 × 7 grid, all stepped in one batched simulation.
"""
from optimotion import SGD, Scene, even_motion, grid

GROUP = "Where you start"

SCENE = Scene(
    surface="himmelblau",
    start=grid((-4.5, 4.5), (-4.5, 4.5), 7),
    optimizers=[SGD(lr=0.01)],
    epochs=300,
    show_epoch=even_motion(60),  # the racers settle early: frames follow their motion
    title="Basins of Himmelblau's function: 49 starts, four minima",
)
