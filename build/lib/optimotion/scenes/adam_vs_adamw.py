"""AdamW adds a pull of lr·λ·θ toward 0 to each Adam step, whatever the gradient.

The Advanced Optimizers chapter's exercise: (θ − 3)² from θ = 0, lr 0.3, 60 steps, with
λ = 0.1 where the chapter has 0.01: at 0.01 AdamW ends 0.04 from Adam, too little to see;
at 0.1 it settles at θ ≈ 2.82, left of the minimum, where the pull balances the gradient.
"""
from optimotion import Adam, AdamW, Scene, every

GROUP = "Adaptive steps"

SCENE = Scene(
    surface="parabola_1d",
    start=0.0,
    optimizers=[
        Adam(lr=0.3),
        AdamW(lr=0.3, weight_decay=0.1),
    ],
    epochs=60,
    show_epoch=every(1),
    title="AdamW's decay pulls it short of the minimum: (x − 3)²",
)
