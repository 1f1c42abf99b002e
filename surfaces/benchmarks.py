"""Classic optimization test functions.

Formulas, minima and values as published in Wikipedia's "Test functions for
optimization" and the SFU Virtual Library of Simulation Experiments (Surjanovic &
Bingham, https://www.sfu.ca/~ssurjano/optimization.html). Where the published
location is rounded, the literal below is the same minimum refined to full float64
precision (Newton's method on the autograd gradient and Hessian, run from the
published point); the published digits are quoted next to it.
"""

import autograd.numpy as np

from .base import Surface


def rosenbrock(xy):
    """(1 - x)^2 + 100 (y - x^2)^2: a curved, flat-bottomed valley; minimum 0 at (1, 1)."""
    x, y = xy
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


def beale(xy):
    """(1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2; minimum 0 at (3, 0.5)."""
    x, y = xy
    return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2 + (2.625 - x + x * y**3) ** 2


def booth(xy):
    """(x + 2y - 7)^2 + (2x + y - 5)^2: a tilted quadratic bowl; minimum 0 at (1, 3)."""
    x, y = xy
    return (x + 2 * y - 7) ** 2 + (2 * x + y - 5) ** 2


def matyas(xy):
    """0.26 (x^2 + y^2) - 0.48 xy: a shallow diagonal trough; minimum 0 at (0, 0)."""
    x, y = xy
    return 0.26 * (x**2 + y**2) - 0.48 * x * y


def himmelblau(xy):
    """(x^2 + y - 11)^2 + (x + y^2 - 7)^2: four equal minima of value 0."""
    x, y = xy
    return (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2


def three_hump_camel(xy):
    """2x^2 - 1.05x^4 + x^6/6 + xy + y^2: minimum 0 at (0, 0) between two side humps."""
    x, y = xy
    return 2 * x**2 - 1.05 * x**4 + x**6 / 6 + x * y + y**2


def six_hump_camel(xy):
    """(4 - 2.1x^2 + x^4/3) x^2 + xy + (4y^2 - 4) y^2: two global among six local minima."""
    x, y = xy
    return (4 - 2.1 * x**2 + x**4 / 3) * x**2 + x * y + (4 * y**2 - 4) * y**2


def goldstein_price(xy):
    """[1 + (x+y+1)^2 (19 - 14x + 3x^2 - 14y + 6xy + 3y^2)]
     * [30 + (2x-3y)^2 (18 - 32x + 12x^2 + 48y - 36xy + 27y^2)];  minimum 3 at (0, -1)."""
    x, y = xy
    a = 1 + (x + y + 1) ** 2 * (19 - 14 * x + 3 * x**2 - 14 * y + 6 * x * y + 3 * y**2)
    b = 30 + (2 * x - 3 * y) ** 2 * (18 - 32 * x + 12 * x**2 + 48 * y - 36 * x * y + 27 * y**2)
    return a * b


def styblinski_tang(xy):
    """sum_i (x_i^4 - 16 x_i^2 + 5 x_i) / 2: four basins, the deepest at x_i = -2.9035."""
    x, y = xy
    return (x**4 - 16 * x**2 + 5 * x + y**4 - 16 * y**2 + 5 * y) / 2


def levi13(xy):
    """sin^2(3 pi x) + (x-1)^2 (1 + sin^2(3 pi y)) + (y-1)^2 (1 + sin^2(2 pi y)); minimum 0 at (1, 1)."""
    x, y = xy
    return (np.sin(3 * np.pi * x) ** 2
            + (x - 1) ** 2 * (1 + np.sin(3 * np.pi * y) ** 2)
            + (y - 1) ** 2 * (1 + np.sin(2 * np.pi * y) ** 2))


def ackley(xy):
    """20 (1 - exp(-0.2 r)) + (e - exp(mean cos 2 pi x_i)),  r = sqrt((x^2 + y^2) / 2).

    The published form is -20 exp(-0.2 r) - exp(...) + 20 + e; grouping the constants
    with their terms makes f(0, 0) exactly 0.0 instead of 4e-16.

    The outer term is a cone: r is not differentiable at the origin. r is written as
    |x + iy| / sqrt(2) so that autograd's own rule for abs applies, which returns 0,
    the minimum-norm subgradient, at 0 (sqrt(x^2 + y^2) would give 0 * inf = nan there,
    and sqrt(r^2 + tiny) would move the minimum value). The value is exact: numpy's
    complex abs is hypot, accurate even where x^2 + y^2 underflows.
    """
    x, y = xy
    r = np.abs(x + 1j * y) / np.sqrt(2.0)
    ripples = 0.5 * (np.cos(2 * np.pi * x) + np.cos(2 * np.pi * y))
    return 20 * (1 - np.exp(-0.2 * r)) + (np.e - np.exp(ripples))


def rastrigin(xy):
    """20 + sum_i (x_i^2 - 10 cos 2 pi x_i): a bowl covered in regular local minima; 0 at (0, 0)."""
    x, y = xy
    return 20 + x**2 - 10 * np.cos(2 * np.pi * x) + y**2 - 10 * np.cos(2 * np.pi * y)


def eggholder(xy):
    """-(y + 47) sin sqrt|x/2 + y + 47| - x sin sqrt|x - (y + 47)|.

    The published minimum, -959.6407 at (512, 404.2319), is the minimum over the box
    [-512, 512]^2 and sits on its edge x = 512: the gradient there is (-3.39, 0), not 0,
    because f keeps falling past the edge. Along the lines x/2 + y + 47 = 0 and
    x - y - 47 = 0 the sqrt|.| cusps give an infinite slope (autograd: nan or inf).
    """
    x, y = xy
    return (-(y + 47) * np.sin(np.sqrt(np.abs(x / 2 + (y + 47))))
            - x * np.sin(np.sqrt(np.abs(x - (y + 47)))))


def mccormick(xy):
    """sin(x + y) + (x - y)^2 - 1.5x + 2.5y + 1; minimum -sqrt(3)/2 - pi/3 at (1/2 - pi/3, -1/2 - pi/3)."""
    x, y = xy
    return np.sin(x + y) + (x - y) ** 2 - 1.5 * x + 2.5 * y + 1


ROSENBROCK = Surface(
    name="rosenbrock",
    f=rosenbrock,
    domain=((-2.0, 2.0), (-1.0, 3.0)),
    zlim=(1e-2, 3e3),
    minima=((1.0, 1.0),),
    min_value=0.0,
    view=(55, -110),
    description="Banana valley: easy to reach, slow to follow; momentum and Adam race along the floor.",
    log_z=True,
)

BEALE = Surface(
    name="beale",
    f=beale,
    domain=((-4.5, 4.5), (-4.5, 4.5)),
    zlim=(1e-1, 2e5),
    minima=((3.0, 0.5),),
    min_value=0.0,
    view=(45, -120),
    description="Flat plateau with steep corner walls: gradients span five decades.",
    log_z=True,
)

BOOTH = Surface(
    name="booth",
    f=booth,
    domain=((-10.0, 10.0), (-10.0, 10.0)),
    zlim=(0.0, 2500.0),
    minima=((1.0, 3.0),),
    min_value=0.0,
    view=(30, -60),
    description="Tilted, mildly ill-conditioned quadratic bowl: an easy warm-up away from the origin.",
)

MATYAS = Surface(
    name="matyas",
    f=matyas,
    domain=((-10.0, 10.0), (-10.0, 10.0)),
    zlim=(0.0, 100.0),
    minima=((0.0, 0.0),),
    min_value=0.0,
    view=(30, -60),
    description="Flat diagonal trough: tiny gradients along the floor starve plain SGD.",
)

HIMMELBLAU = Surface(
    name="himmelblau",
    f=himmelblau,
    domain=((-5.0, 5.0), (-5.0, 5.0)),
    zlim=(0.0, 600.0),  # above 504, its value at (4.5, 4.5): a grid of starts to ±4.5 all in view
    minima=(
        (3.0, 2.0),
        (-2.805118086952745, 3.131312518250573),    # published (-2.805118, 3.131312)
        (-3.779310253377747, -3.2831859912861696),  # published (-3.779310, -3.283186)
        (3.5844283403304917, -1.8481265269644034),  # published (3.584428, -1.848126)
    ),
    min_value=0.0,
    view=(40, -60),
    description="Four equal minima: the start decides which basin an optimizer ends in.",
)

THREE_HUMP_CAMEL = Surface(
    name="three_hump_camel",
    f=three_hump_camel,
    domain=((-2.0, 2.0), (-2.0, 2.0)),
    zlim=(0.0, 6.0),
    minima=((0.0, 0.0),),
    min_value=0.0,
    view=(30, -60),
    description="Global minimum flanked by two shallower local ones: momentum can hop over a hump.",
)

SIX_HUMP_CAMEL = Surface(
    name="six_hump_camel",
    f=six_hump_camel,
    domain=((-2.0, 2.0), (-1.0, 1.0)),
    zlim=(-1.5, 6.0),
    minima=(
        (0.08984201310031806, -0.7126564030207396),  # published (0.0898, -0.7126)
        (-0.08984201310031806, 0.7126564030207396),  # published (-0.0898, 0.7126)
    ),
    min_value=-1.0316284534898774,  # published -1.0316
    view=(35, -60),
    description="Six local minima, two global ones: which one you reach depends on where you start.",
)

GOLDSTEIN_PRICE = Surface(
    name="goldstein_price",
    f=goldstein_price,
    domain=((-2.0, 2.0), (-2.0, 2.0)),
    zlim=(1.0, 1e6),
    minima=((0.0, -1.0),),
    min_value=3.0,
    view=(35, -60),
    description="Values span six decades around a narrow minimum and several local ones.",
    log_z=True,
)

STYBLINSKI_TANG = Surface(
    name="styblinski_tang",
    f=styblinski_tang,
    domain=((-5.0, 5.0), (-5.0, 5.0)),
    zlim=(-80.0, 250.0),
    # x_i = -2.903534027771177 is the negative root of 4x^3 - 32x + 5 (the derivative
    # of x^4 - 16x^2 + 5x), published -2.903534; value 2 * -39.16616570377142.
    minima=((-2.903534027771177, -2.903534027771177),),
    min_value=-78.33233140754282,  # published -78.33233 (= 2 * -39.16617)
    view=(35, -60),
    description="Four basins of different depth: the nearest one is rarely the deepest.",
)

LEVI13 = Surface(
    name="levi13",
    f=levi13,
    domain=((-1.0, 3.0), (-1.0, 3.0)),
    zlim=(0.0, 20.0),
    minima=((1.0, 1.0),),
    min_value=0.0,
    view=(45, -120),
    description="Corrugated bowl: ripples trap small steps, momentum rides over them.",
)

ACKLEY = Surface(
    name="ackley",
    f=ackley,
    domain=((-3.0, 3.0), (-3.0, 3.0)),
    zlim=(0.0, 10.0),
    minima=((0.0, 0.0),),
    min_value=0.0,
    view=(35, -60),
    description="Egg-crate of local minima around one deep funnel: escaping small traps.",
)

RASTRIGIN = Surface(
    name="rastrigin",
    f=rastrigin,
    domain=((-5.12, 5.12), (-5.12, 5.12)),
    zlim=(0.0, 90.0),
    minima=((0.0, 0.0),),
    min_value=0.0,
    view=(35, -60),
    description="A bowl under a regular grid of local minima: gradient methods stop in the first pit.",
)

EGGHOLDER = Surface(
    name="eggholder",
    f=eggholder,
    domain=((-512.0, 512.0), (-512.0, 512.0)),
    zlim=(-1000.0, 1100.0),
    # On the edge x = 512 of the published search box; y refined from 404.2319.
    minima=((512.0, 404.2318051137578),),
    min_value=-959.6406627208507,  # published -959.6407
    view=(45, 30),
    description="Rugged, deceptive landscape whose best point lies on the edge of the box.",
)

MCCORMICK = Surface(
    name="mccormick",
    f=mccormick,
    domain=((-1.5, 4.0), (-3.0, 4.0)),
    zlim=(-3.0, 30.0),
    # Exact: grad = 0 gives cos(x + y) = -1/2 and x - y = 1. Published (-0.54719, -1.54719).
    minima=((0.5 - np.pi / 3, -0.5 - np.pi / 3),),
    min_value=-np.sqrt(3) / 2 - np.pi / 3,  # -1.913222954981036, published -1.9133
    view=(30, -60),
    description="A sloping valley with a sinusoidal bend: the minimum is off-centre and shallow.",
)
