"""Saddle race: SGD, Adam and RMSprop leave the ridge of z = x² − y²."""
from optimotion import SGD, Adam, RMSprop, Scene

GROUP = "Getting started"

SCENE = Scene(
    surface="saddle",
    start=(20.75, 0.5),
    optimizers=[SGD(lr=0.005), Adam(lr=0.005), RMSprop(lr=0.005)],
    epochs=4000,
    title="Escaping a saddle: z = x² − y²",
)
