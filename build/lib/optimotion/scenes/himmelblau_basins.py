"""Himmelblau's four minima: where GD starts decides which one it reaches.

49 starts on a 7 × 7 grid, all stepped in one batched simulation.
"""
from optimotion import SGD, Scene, even_motion, grid

GROUP = "Where you start"

SCENE = Scene(
    surface="himmelblau",
    start=grid((-4.5, 4.5), (-4.5, 4.5), 7),
    optimizers=[SGD(lr=0.01)],
    epochs=100,  # all 49 are within 1e-6 of a minimum by then: the z plot shows the descent, not the wait
    show_epoch=even_motion(60),  # the racers leap, then settle: frames follow their motion
    view="contour",  # from above, each start's path to its minimum shows; in 3-D they crossed hills
    title="Basins of Himmelblau's function: 49 starts, four minima",
)
