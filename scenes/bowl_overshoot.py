"""On a round bowl SGD at lr 0.1 glides in; momentum and Adam overshoot the minimum and swing back.

Seed 003's comparison on x² + y²: 30 steps from (5, 5), Adam at lr 0.5.
"""
from optimizers import SGD, Adam, Momentum
from scenes import Scene, every

GROUP = "Getting started"

SCENE = Scene(
    surface="bowl",
    start=(5.0, 5.0),
    optimizers=[
        SGD(lr=0.1),
        Momentum(lr=0.1, momentum=0.9),
        Adam(lr=0.5),
    ],
    epochs=30,
    show_epoch=every(1),
    title="The bowl x² + y² from (5, 5)",
)
