"""Rosenbrock from (−1, 1): momentum and Adam reach (1, 1); GD and RMSprop trail along the valley.

The Gradient Descent Variants notebook's comparison: 5,000 steps.
"""
from optimotion import SGD, Adam, Momentum, RMSprop, Scene

GROUP = "Valleys, saddles and pits"

# The Gradient Descent Variants notebook's comparison: its RMSProp averages squared gradients with beta = 0.9
# (torch's alpha), its momentum is torch's `v = 0.9 v + g; x -= lr v`.
SCENE = Scene(
    surface="rosenbrock",
    start=(-1.0, 1.0),
    optimizers=[
        SGD(lr=0.001),
        Momentum(lr=0.001, momentum=0.9),
        RMSprop(lr=0.005, alpha=0.9),
        Adam(lr=0.01),
    ],
    epochs=5000,
    title="Rosenbrock from (−1, 1)",
)
