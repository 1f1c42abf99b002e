"""Rosenbrock from (−1.5, 0.5): momentum reaches (1, 1); Adam at lr 0.01 still crawls the valley.

The Optimizers-for-networks chapter's comparison: 3,000 steps; final losses 0.018139, 0.000000, 0.022272, 1.120996.
"""
from optimotion import SGD, Adam, Momentum, RMSprop, Scene

GROUP = "Valleys, saddles and pits"

# The Optimizers-for-networks chapter printed the final losses 0.018139, 0.000000, 0.022272 and 1.120996
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
