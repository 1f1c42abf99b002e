"""Momentum builds speed along a ravine: its velocity lines up with the floor and grows; SGD bounces.

Distill's "Why Momentum Really Works", from the optimizers' own state: at each racer, the
dashed arrow is the gradient (as the step plain gradient descent would take), the bold one
the velocity momentum carries into the step, the solid one the step taken. Plain SGD's
step is its gradient, which points across the narrow ravine: it zig-zags, then crawls
along the floor. Momentum's velocity adds up the gradients' part along the floor, while
their parts across the walls, alternating, cancel. The first two updates are shown in
order: the gradient, the velocity it updates, the step.
"""
from optimotion import SGD, Momentum, Scene, every

GROUP = "Momentum"

SCENE = Scene(
    surface="long_valley",
    start=(-5.5, -1.0),
    optimizers={"SGD": SGD(lr=0.15), "momentum 0.7": Momentum(lr=0.15, momentum=0.7)},
    epochs=40,
    show_epoch=every(1),
    glyphs=("gradient", "momentum", "step"),
    glyph_scale=5,
    slow_start=2,
    view="contour",
    title="Momentum builds speed along the ravine",
)
