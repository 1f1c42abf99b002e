"""Sparse gradients: Adagrad's steps shrink for good; RMSprop forgets and jumps at each rare one.

The Advanced Optimizers chapter's exercise: lr 0.5, alpha = 0.9, 200 steps of one sample each.
"""
from optimotion import Adagrad, Racer, RMSprop, Scene, every

GROUP = "Adaptive steps"

# The Advanced Optimizers chapter's exercise: lr 0.5, rho 0.9, eps 1e-8, 200 steps, a gradient that is 0 most of
# the time. Here the sparsity is real: one sample per step from a data set whose x is 5
# in 13 of 100 samples and 0 otherwise, so the gradient in w is 0 on most steps.
SCENE = Scene(
    surface="sparse_line_fit",
    start=(0.0, 0.0),
    optimizers=[
        Racer(Adagrad(lr=0.5, eps=1e-8), label="Adagrad(lr=0.5)", batch_size=1),
        Racer(RMSprop(lr=0.5, alpha=0.9), label="RMSprop(lr=0.5, alpha=0.9)", batch_size=1),
    ],
    epochs=200,
    show_epoch=every(2),
    seed=42,
    title="Sparse gradients: a rare feature, one sample a step",
)
