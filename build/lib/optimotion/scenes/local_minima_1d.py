"""GD settles in whichever valley it starts in; only one of them is the global minimum.

The Gradient Descent notebook's x⁴ − 5x³ + 4x² + 3x from x = −1, 0, 2 and 4, lr 0.01, 100 steps.
"""
from optimotion import SGD, Scene, every

GROUP = "Where you start"

SCENE = Scene(
    surface="quartic_1d",
    start=[-1.0, 0.0, 2.0, 4.0],
    optimizers=[SGD(lr=0.01)],
    epochs=100,
    show_epoch=every(2),
    title="Different starts, different minima: x⁴ − 5x³ + 4x² + 3x",
)
