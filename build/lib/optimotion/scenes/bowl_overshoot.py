"""On a round bowl SGD glides in, momentum overshoots and swings back, Adam bends off the line.

The Gradient Descent notebook's comparison on x² + y², 30 steps, Adam at lr 0.5, started off the diagonal at (5, 2):
Adam steps every coordinate alike, so it leaves the straight line that SGD and momentum follow.
"""
from optimotion import SGD, Adam, Momentum, Scene, every

GROUP = "Getting started"

SCENE = Scene(
    surface="bowl",
    start=(5.0, 2.0),
    optimizers=[
        SGD(lr=0.1),
        Momentum(lr=0.1, momentum=0.9),
        Adam(lr=0.5),
    ],
    epochs=30,
    show_epoch=every(1),
    title="The bowl x² + y² from (5, 2)",
)
