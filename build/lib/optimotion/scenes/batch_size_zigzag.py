"""Full-batch GD glides; mini-batch and single-sample SGD zig-zag along their own batch's gradient.

The Gradient Descent notebook's line fit y = w·x + b on its data set, from (w, b) = (0, 0).
"""
from optimotion import SGD, Racer, Scene

GROUP = "Noisy gradients"

# The Gradient Descent notebook's three variants from (w, b) = (0, 0) with its learning rates. One epoch here
# is one step: the seed ran 100 full-batch steps, 100 mini-batch steps (10 passes of 10
# batches of 10) and 1,000 single-sample steps; all three run 300 steps here, by when the
# slowest has reached the minimum's noise (beyond, the z plot was a flat line), seen from
# above, where the zig-zag across the valley shows.
SCENE = Scene(
    surface="line_fit",
    start=(0.0, 0.0),
    optimizers=[
        Racer(SGD(lr=0.1), label="all 100, SGD(lr=0.1)"),
        Racer(SGD(lr=0.05), label="batches of 10, SGD(lr=0.05)", batch_size=10),
        Racer(SGD(lr=0.01), label="one sample, SGD(lr=0.01)", batch_size=1),
    ],
    epochs=300,
    seed=42,
    view="contour",
    title="Full batch, mini-batch, one sample: SGD fits y = w·x + b",
)
