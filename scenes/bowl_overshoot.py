"""Round bowl from (5, 5), 30 steps (seed 003): GD at lr 0.1 glides in; momentum and Adam (lr 0.5) overshoot and circle back."""
from optimizers import SGD, Adam, Momentum
from scenes import Scene, every

GROUP = "Getting started"

SCENE = Scene(
    surface="bowl",
    start=(5.0, 5.0),
    optimizers={
        "GD (lr = 0.1)": SGD(lr=0.1),
        "Momentum (lr = 0.1)": Momentum(lr=0.1, momentum=0.9),
        "Adam (lr = 0.5)": Adam(lr=0.5),
    },
    epochs=30,
    show_epoch=every(1),
    title="The bowl x² + y² from (5, 5); momentum β = 0.9 (seed 003)",
)
