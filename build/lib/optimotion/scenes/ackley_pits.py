"""Ackley from (2, 2): every optimizer settles in the nearest pit, adaptive or not.

The Advanced Optimizers chapter's comparison: 200 steps at lr 0.05, kept in [−3, 3]².
"""
from optimotion import Adagrad, Adam, Momentum, RMSprop, Scene, even_motion

GROUP = "Valleys, saddles and pits"

# The Advanced Optimizers chapter's comparison: 200 steps at lr 0.05 from (2, 2), every point clipped to the box
# [-3, 3]^2 (`bounds`). The seed differentiated x^2 + sin^2(1.5 x) + ... by hand instead
# of Ackley; here autograd gives Ackley's true gradient, which holds all four in the pit
# next to the start. Its early stop at f < 0.01 is never reached, so it is left out.
SCENE = Scene(
    surface="ackley",
    start=(2.0, 2.0),
    optimizers=[
        Momentum(lr=0.05, momentum=0.9),
        Adagrad(lr=0.05, eps=1e-8),
        RMSprop(lr=0.05, alpha=0.9),
        Adam(lr=0.05),
    ],
    epochs=200,
    bounds=((-3.0, 3.0), (-3.0, 3.0)),
    show_epoch=even_motion(50),  # they settle by epoch 50: frames follow their motion
    title="Ackley from (2, 2), kept in [−3, 3]²",
)
