"""Rosenbrock from (−1.5, 0.5): momentum reaches (1, 1); Adam at lr 0.01 still crawls the valley.

Seed 001's comparison: 3,000 steps; final losses 0.018139, 0.000000, 0.022272, 1.120996.
"""
from optimizers import SGD, Adam, Momentum, RMSprop
from scenes import Scene

GROUP = "Valleys, saddles and pits"

# Seed 001 printed the final losses 0.018139, 0.000000, 0.022272 and 1.120996
# (tests/test_gallery.py checks them through the runner).
SCENE = Scene(
    surface="rosenbrock",
    start=(-1.5, 0.5),
    optimizers=[
        SGD(lr=0.001),
        Momentum(lr=0.001, momentum=0.9),
        RMSprop(lr=0.01, alpha=0.9),
        Adam(lr=0.01),
    ],
    epochs=3000,
    title="Rosenbrock from (−1.5, 0.5)",
)
