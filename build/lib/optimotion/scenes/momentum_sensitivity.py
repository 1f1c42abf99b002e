"""The closer momentum's β is to 1, the further θ overshoots and the longer it swings.

The Advanced Optimizers chapter's exercise: (θ − 3)² from θ = 0, lr 0.3, 60 steps.
"""
from optimotion import EMAMomentum, Scene, every

GROUP = "Momentum"

# The Advanced Optimizers chapter's exercise: lr 0.3 from θ = 0, 60 steps, v = β v + (1 − β) g; θ −= lr v.
SCENE = Scene(
    surface="parabola_1d",
    start=0.0,
    optimizers={f"beta = {beta}": EMAMomentum(lr=0.3, beta=beta) for beta in (0.0, 0.5, 0.9, 0.99)},
    epochs=60,
    show_epoch=every(1),
    title="Momentum sensitivity: EMAMomentum(lr=0.3) on (x − 3)²",
)
