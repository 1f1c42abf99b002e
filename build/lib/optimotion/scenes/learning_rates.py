"""Learning rate: 0.01 crawls, 0.1 glides, 0.5 lands in one step, 0.9 overshoots back and forth.

The Gradient Descent notebook's comparison: GD on f(x) = x² + 5 from x = 8, 30 steps.
"""
from optimotion import SGD, Scene, Surface, every


def lifted_parabola(xy):
    """f(x) = x^2 + 5: the Gradient Descent notebook's first curve; minimum 5 at 0."""
    x, = xy
    return x**2 + 5


LIFTED_PARABOLA = Surface(
    name="lifted_parabola", f=lifted_parabola, domain=((-9.0, 9.0),), zlim=(0.0, 90.0),
    minima=((0.0,),), min_value=5.0,
    description="f(x) = x² + 5: each GD step multiplies x by 1 − 2·lr.",
)

GROUP = "Learning rate"

SCENE = Scene(
    surface=LIFTED_PARABOLA,
    start=8.0,
    optimizers={f"lr = {lr}": SGD(lr=lr) for lr in (0.01, 0.1, 0.5, 0.9)},
    epochs=30,
    show_epoch=every(1),
    title="Effect of the learning rate: SGD on x² + 5 from x = 8",
)
