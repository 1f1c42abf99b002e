"""Adam gives each axis its own step size: where gradients differ 100-fold, its box stretches along x.

The box at each racer has the update's step size per coordinate as its sides: plain
SGD's is a square (one learning rate for both axes), so its steps follow the steep y axis
and crawl along x; Adam's, lr / (sqrt(v) + eps) per axis, is long where the gradient has
been small, and its steps come out about as long along x as along y.
"""
from optimotion import SGD, Adam, Scene, every

GROUP = "Adaptive steps"

SCENE = Scene(
    surface="stretched_bowl",
    start=(-5.0, 1.5),
    optimizers=[SGD(lr=0.15), Adam(lr=0.1)],
    epochs=100,
    show_epoch=every(2),
    glyphs=("box", "step"),
    view="contour",
    title="Adam evens out the step sizes of the two axes",
)
