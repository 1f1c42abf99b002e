"""Try it: Adam against SGD on (x − 3)², with a slider for Adam's lr on the web page.

The Advanced Optimizers chapter's "Try it in the browser": 60 steps from x = 0, SGD at lr 0.1, Adam at lr 0.3
(its value in the seed; the GIF shows it). `--format html` simulates Adam at each lr of
the sweep as well, and the page switches between them while it plays: at 0.03 Adam is
still at x = 1.6 after 60 steps, at 0.1 it arrives with a small overshoot, at 0.3 it
overshoots to 3.8 and swings back, at 1.0 it crosses 3 seven times.
"""
from optimotion import SGD, Adam, Scene, Variants, every

GROUP = "Adaptive steps"

SCENE = Scene(
    surface="parabola_1d",
    start=0.0,
    optimizers=[SGD(lr=0.1), Adam(lr=0.3)],
    epochs=60,
    show_epoch=every(1),
    variants=Variants("lr", (0.03, 0.1, 0.3, 0.6, 1.0), racer=1),
    title="SGD and Adam on (x − 3)²",
)
