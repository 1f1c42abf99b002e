"""Stochastic gradients: the same SGD with more and more gradient noise jitters around the minimum.

Seeded Gaussian noise on every gradient (σ = 0, 5, 20), so the picture is reproducible.
"""
from optimotion import SGD, Racer, Scene

GROUP = "Noisy gradients"

SCENE = Scene(
    surface="elliptic_bowl",
    start=(-4.0, 2.0),
    optimizers=[
        Racer(SGD(lr=0.02), label="exact gradient", noise=0.0),
        Racer(SGD(lr=0.02), label="noise σ = 5", noise=5.0),
        Racer(SGD(lr=0.02), label="noise σ = 20", noise=20.0),
    ],
    epochs=300,
    seed=7,
    title="SGD with gradient noise on an ill-conditioned bowl",
)
