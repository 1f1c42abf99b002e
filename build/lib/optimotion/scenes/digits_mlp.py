"""A real network: SGD, momentum and Adam train an MLP on the digits, drawn on the plane of the race."""
from optimotion import SGD, Adam, Momentum, Scene
from optimotion.surfaces import DIGITS_MLP

GROUP = "Real networks"

SCENE = Scene(
    surface=DIGITS_MLP,
    start=DIGITS_MLP.initial(seed=0),
    optimizers={"SGD lr 0.01": SGD(lr=0.01), "Momentum lr 0.01": Momentum(lr=0.01), "Adam lr 0.01": Adam(lr=0.01)},
    epochs=200,
    title="A real network: a 64-64-10 MLP learns the digits",
)
