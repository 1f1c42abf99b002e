"""Warm-up + cosine: an lr that diverges from a cold start converges when eased in and annealed out.

The Gradient Descent Variants notebook's exercise: 100 steps of linear warm-up, then cosine decay;
momentum on Rosenbrock.
"""
from optimotion import Momentum, Scene
from optimotion.optimizers.schedules import warmup_cosine

GROUP = "Learning rate"

EPOCHS, WARMUP = 1000, 100

SCENE = Scene(
    surface="rosenbrock",
    start=(-1.5, 2.5),
    optimizers={
        "lr = 0.003": Momentum(lr=0.003),
        "lr = 0.001": Momentum(lr=0.001),
        "warm-up + cosine, 0.003": Momentum(
            lr=warmup_cosine(0.003, warmup=WARMUP, t_max=EPOCHS - WARMUP, start_factor=0.01)),
    },
    epochs=EPOCHS,
    title="Warm-up + cosine: momentum (β = 0.9) on Rosenbrock",
)
