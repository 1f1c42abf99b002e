"""A real network: seed 000's digits MLP trained by SGD, momentum and Adam, on the plane of its race."""
from optimizers import SGD, Adam, Momentum
from scenes import Scene
from surfaces import DIGITS_MLP

GROUP = "Real networks"

SCENE = Scene(
    surface=DIGITS_MLP,
    start=DIGITS_MLP.initial(seed=0),
    optimizers={"SGD": SGD(lr=0.01), "Momentum": Momentum(lr=0.01), "Adam": Adam(lr=0.01)},
    epochs=200,
    title="A real network: a 64-64-10 MLP learns the digits (lr 0.01)",
)
