"""AdamW adds a pull of lr·λ·θ toward 0 to each Adam step, whatever the gradient.

The Advanced Optimizers chapter's exercise: (θ − 3)² from θ = 0, lr 0.3, λ = 0.01, 60 steps.
"""
from optimotion import Adam, AdamW, Scene, every

GROUP = "Adaptive steps"

SCENE = Scene(
    surface="parabola_1d",
    start=0.0,
    optimizers=[
        Adam(lr=0.3),
        AdamW(lr=0.3, weight_decay=0.01),
    ],
    epochs=60,
    show_epoch=every(1),
    title="Adam vs AdamW on (x − 3)²",
)
