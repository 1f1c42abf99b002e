"""Convex: logistic regression on the digits, where SGD, momentum and Adam all reach one minimum."""
from optimotion import SGD, Adam, Momentum, Scene
from optimotion.surfaces import DIGITS_LOGISTIC

GROUP = "Real networks"

SCENE = Scene(
    surface=DIGITS_LOGISTIC,
    start=DIGITS_LOGISTIC.initial(seed=0),
    optimizers={"SGD lr 1": SGD(lr=1.0), "Momentum lr 0.1": Momentum(lr=0.1), "Adam lr 0.02": Adam(lr=0.02)},
    epochs=300,
    title="Convex, one minimum: logistic regression on the digits",
)
