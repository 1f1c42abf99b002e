"""Teaching shapes: 1-D curves, bowls, valleys and saddles.

Each is the smallest surface that shows one behaviour of an optimizer. They need only
arithmetic, which autograd traces without ``autograd.numpy``.
"""

from .base import Surface

# ----- 1-D curves (seeds 002 and 003) -----

def parabola_1d(xy):
    """J(theta) = (theta - 3)^2: the 1-D quadratic of the Advanced Optimizers chapter; minimum 0 at 3."""
    theta, = xy
    return (theta - 3) ** 2


def quartic_1d(xy):
    """x^4 - 5x^3 + 4x^2 + 3x: the Gradient Descent notebook's non-convex curve, two valleys."""
    x, = xy
    return x**4 - 5 * x**3 + 4 * x**2 + 3 * x


# ----- bowls and valleys -----

def bowl(xy):
    """z = x^2 + y^2: the round bowl of the Gradient Descent notebook."""
    x, y = xy
    return x**2 + y**2


def elliptic_bowl(xy):
    """z = x^2 + 10 y^2: an axis-aligned bowl with condition number 10."""
    x, y = xy
    return x**2 + 10 * y**2


def long_valley(xy):
    """z = 5 (y - x/2)^2 + x^2 / 10: a narrow ravine along the slanted line y = x/2.

    Steep walls across the ravine, a floor that falls gently to the minimum at the
    origin (Hessian eigenvalues 12.5 and 0.16, condition number about 80). The ravine
    runs at an angle to both axes, so a per-coordinate step size (RMSprop, Adam)
    cannot simply rescale it away as it can for ``elliptic_bowl``.
    """
    x, y = xy
    return 5 * (y - x / 2) ** 2 + x**2 / 10


# ----- saddles -----

def saddle(xy):
    """z = x^2 - y^2: a saddle at the origin, no minimum (the Optimizers notebook)."""
    x, y = xy
    return x**2 - y**2


def monkey_saddle(xy):
    """z = x^3 - 3 x y^2: a flat saddle with three valleys; gradient and curvature vanish at 0."""
    x, y = xy
    return x**3 - 3 * x * y**2


PARABOLA_1D = Surface(
    name="parabola_1d",
    f=parabola_1d,
    domain=((-0.5, 6.5),),
    zlim=(-0.5, 12.5),
    minima=((3.0,),),
    min_value=0.0,
    description="1-D quadratic: every optimizer converges; compare speed and overshoot.",
)

QUARTIC_1D = Surface(
    name="quartic_1d",
    f=quartic_1d,
    domain=((-1.5, 4.5),),
    zlim=(-12.0, 50.0),
    # f'(x) = 4x^3 - 15x^2 + 8x + 3. np.roots([4, -15, 8, 3]) gives 3, 1, -0.25 to the
    # last bit, and indeed f'(x) = (x - 3)(x - 1)(4x + 1): a local minimum at x = -0.25
    # (f = -0.41796875), a local maximum at x = 1 (f = 3), the global minimum at x = 3.0
    # with f(3) = 81 - 135 + 36 + 9 = -9.0, both exact in float64.
    minima=((3.0,),),
    min_value=-9.0,
    local_minima=((-0.25,),),
    description="1-D curve with two valleys: start left of x = 1 and GD stops in the shallow one.",
)

BOWL = Surface(
    name="bowl",
    f=bowl,
    domain=((-6.0, 6.0), (-6.0, 6.0)),
    zlim=(0.0, 72.0),
    minima=((0.0, 0.0),),
    min_value=0.0,
    view=(30, -60),
    description="Round convex bowl: the baseline where every optimizer converges.",
)

ELLIPTIC_BOWL = Surface(
    name="elliptic_bowl",
    f=elliptic_bowl,
    domain=((-5.0, 5.0), (-5.0, 5.0)),
    zlim=(0.0, 275.0),
    minima=((0.0, 0.0),),
    min_value=0.0,
    view=(30, -60),
    description="Ill-conditioned bowl: SGD zig-zags across the steep axis, adaptive steps even it out.",
)

LONG_VALLEY = Surface(
    name="long_valley",
    f=long_valley,
    domain=((-6.0, 6.0), (-6.0, 6.0)),
    zlim=(0.0, 100.0),
    minima=((0.0, 0.0),),
    min_value=0.0,
    view=(35, -120),
    description="Narrow diagonal ravine: gradients bounce between the walls; momentum builds speed along the floor.",
)

SADDLE = Surface(
    name="saddle",
    f=saddle,
    domain=((-5.0, 25.0), (-5.0, 25.0)),
    zlim=(-650.0, 550.0),
    view=(30, 130),
    saddle_points=((0.0, 0.0),),
    description="Hyperbolic paraboloid: plain SGD lingers near the ridge, adaptive methods escape.",
)

MONKEY_SADDLE = Surface(
    name="monkey_saddle",
    f=monkey_saddle,
    domain=((-2.0, 2.0), (-2.0, 2.0)),
    zlim=(-16.0, 16.0),
    view=(30, -60),
    saddle_points=((0.0, 0.0),),
    description="Monkey saddle: a flat stationary point where even curvature vanishes; three ways down.",
)


def stretched_bowl(xy):
    """z = x^2 / 20 + 5 y^2: gradients a hundred times steeper across y than along x."""
    x, y = xy
    return x**2 / 20 + 5 * y**2


STRETCHED_BOWL = Surface(
    name="stretched_bowl",
    f=stretched_bowl,
    domain=((-6.0, 6.0), (-3.0, 3.0)),
    zlim=(0.0, 47.0),
    minima=((0.0, 0.0),),
    min_value=0.0,
    view=(35, -70),
    equal_axes=True,
    description="A bowl whose two axes have gradients a hundred times apart: one learning rate cannot suit both.",
)
