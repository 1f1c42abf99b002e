"""A 100x100 grid of starts on Himmelblau for 200 epochs: the cost of a crowd of trails."""
from optimotion.optimizers import SGD
from optimotion.scenes import Scene, grid

SCENE = Scene(surface="himmelblau", start=grid((-5, 5), (-5, 5), 100), optimizers=[SGD(lr=0.01)], epochs=200)
