"""x⁴ − 5x³ + 4x² + 3x from four starts (seed 003): GD settles in whichever valley it starts in, and only one is the global minimum."""
from optimizers import SGD
from scenes import Scene, every

GROUP = "Where you start"

SCENE = Scene(
    surface="quartic_1d",
    start=[-1.0, 0.0, 2.0, 4.0],
    optimizers={"GD (lr = 0.01)": SGD(lr=0.01)},
    epochs=100,
    show_epoch=every(2),
    title="Different starts, different minima: x⁴ − 5x³ + 4x² + 3x (seed 003)",
)
