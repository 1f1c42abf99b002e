"""Near a saddle point GD lingers on the ridge; momentum, RMSprop and Adam leave fast.

The Gradient Descent Variants notebook's saddle test with its four optimizers: z = x² − y² from (1, 0.01).
"""
import dataclasses

from optimotion import SGD, Adam, Momentum, RMSprop, Scene, surfaces

GROUP = "Valleys, saddles and pits"

# z = x² − y², drawn close around the saddle point instead of the Optimizers notebook's wide view.
NEAR_SADDLE = dataclasses.replace(surfaces.SADDLE, domain=((-2.0, 2.0), (-2.0, 2.0)),
                                  zlim=(-4.0, 4.0), view=(30, -60))

SCENE = Scene(
    surface=NEAR_SADDLE,
    start=(1.0, 0.01),
    optimizers=[   # the Gradient Descent Variants notebook's four optimizers and learning rates
        SGD(lr=0.001),
        Momentum(lr=0.001, momentum=0.9),
        RMSprop(lr=0.005, alpha=0.9),
        Adam(lr=0.01),
    ],
    epochs=3000,
    title="Escaping z = x² − y² from (1, 0.01)",
)
