"""On (θ − 3)² every optimizer converges; they differ in speed and overshoot.

The Advanced Optimizers chapter's 1-D comparison: 60 steps from θ = 0.
"""
from optimotion import Adagrad, Adam, EMAMomentum, RMSprop, Scene, every

GROUP = "Adaptive steps"

# The Advanced Optimizers chapter's 1-D comparison, 60 steps from θ = 0. Its momentum is the moving average
# v = 0.9 v + 0.1 g (EMAMomentum), its Adagrad and RMSprop use eps = 1e-8.
SCENE = Scene(
    surface="parabola_1d",
    start=0.0,
    optimizers=[
        EMAMomentum(lr=0.1, beta=0.9),
        Adagrad(lr=0.5, eps=1e-8),
        RMSprop(lr=0.1, alpha=0.9),
        Adam(lr=0.3),
    ],
    epochs=60,
    show_epoch=every(1),
    title="Four optimizers on (x − 3)²",
)
