"""Weight decay on a real network: Adam against AdamW's decoupled decay on the digits MLP."""
from optimotion import Adam, AdamW, Scene
from optimotion.surfaces import DIGITS_MLP

GROUP = "Real networks"

SCENE = Scene(
    surface=DIGITS_MLP,
    start=DIGITS_MLP.initial(seed=0),
    optimizers={"Adam lr 0.01": Adam(lr=0.01), "AdamW lr 0.01, decay 1": AdamW(lr=0.01, weight_decay=1.0)},
    epochs=200,
    title="Weight decay: AdamW trades training loss for smaller weights",
)
