"""Proofs of finiteness (kzgame.numeric.bounds) and the compiled kernel that relies on them.

A kernel does not test a value the bounds prove finite within the guard; it tests the
guard on the inputs instead and, where an input is beyond it, the kernel that tests
everything decides.  These tests check the bounds against evaluation at random points,
and that both kernels give the numpy backend's codes and errors on either side of the
guard."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import kzgame
from kzgame.errors import ParameterError
from kzgame.game import Game, chance, decision, outcome
from kzgame.numeric import kernels
from kzgame.numeric.bounds import GUARDS, LIMIT, choose_guard, magnitude_bounds, unit_interval

a, b, q, r = sp.symbols("a b q r")
DOMAINS = {"a": (-math.inf, math.inf), "b": (0.0, math.inf), "q": (0.0, 1.0), "r": (0.0, 1.0)}


@st.composite
def polynomials(draw):
    """A random polynomial in a, b, q (sums, products, small powers, Max/Min)."""
    leaves = st.sampled_from([a, b, q, sp.Integer(2), sp.Rational(-3, 4), sp.Rational(7, 2)])

    def grow(depth):
        if depth == 0:
            return draw(leaves)
        kind = draw(st.sampled_from(["add", "mul", "pow", "max", "min", "leaf"]))
        if kind == "leaf":
            return draw(leaves)
        x, y = grow(depth - 1), grow(depth - 1)
        return {"add": lambda: x + y, "mul": lambda: x * y, "pow": lambda: x ** draw(
            st.integers(0, 3)), "max": lambda: sp.Max(x, y), "min": lambda: sp.Min(x, y)}[kind]()

    return grow(draw(st.integers(1, 4)))


@settings(deadline=None, max_examples=60)
@given(expr=polynomials(), seed=st.integers(0, 2**32 - 1))
def test_a_bound_holds_at_random_points_within_the_guard(expr, seed):
    guard = 2.0**32
    bounds = magnitude_bounds([("x0", expr), ("y", 2 * sp.Symbol("x0") - a)], DOMAINS, guard)
    assert "x0" in bounds and "y" in bounds  # a polynomial of small degree is always bounded
    f = sp.lambdify([a, b, q], expr, "math")
    rng = np.random.default_rng(seed)
    for _ in range(20):
        scale = guard * rng.choice([1e-30, 1e-6, 1.0])
        pa, pb, pq = rng.uniform(-scale, scale), rng.uniform(0, scale), rng.uniform(0, 1)
        x = float(f(pa, pb, pq))
        assert abs(x) <= bounds["x0"] * (1 + 1e-12)
        assert abs(2 * x - pa) <= bounds["y"] * (1 + 1e-12)


def test_what_is_not_claimed_bounded():
    got = magnitude_bounds(
        [("d", 1 / a), ("e", sp.exp(a)), ("s", sp.sqrt(b)), ("h", a / 2 + 1), ("k", 1 / (q + 1)),
         ("m", sp.Symbol("d") + 1), ("p", a**200)],
        DOMAINS, 2.0**64,
    )  # fmt: skip
    # division by a parameter that can be 0, exp, sqrt, what uses them, and a power that
    # would overflow are not bounded; division by a constant or by something >= 1 is.
    assert set(got) == {"h", "k"}
    assert got["k"] == 1.0 and got["h"] == 2.0**63 + 1


def test_partial_sums_and_products_count_not_only_the_total():
    x, y, z, w = sp.symbols("x y z w")
    near = {"x": (0.0, 2.0**998), "y": (0.0, 2.0**998), "z": (0.0, 2.0**-700),
            "w": (2.0**998, 2.0**999)}
    # |x + y - w| <= 2^998, but its terms' magnitudes add up to 2^1000 (the limit); x*y*z
    # is at most 2^1296 * 2^-700, but x*y, computed first, overflows.  Neither is claimed;
    # x - y (terms adding up to 2^999) is.
    got = magnitude_bounds([("s", x + y - w), ("p", x * y * z), ("d", x - y)], near, math.inf)
    assert got == {"d": 2.0**998}


def test_choose_guard_takes_the_largest_guard_that_proves_as_much():
    g, b_ = choose_guard([("x", a**3)], DOMAINS, ["x"])
    assert g == 2.0**256 and b_["x"] == 2.0**768  # 2^256 cubed is below 2^1000
    g, _ = choose_guard([("x", a**5)], DOMAINS, ["x"])
    assert g == 2.0**128  # 2^256 to the fifth would overflow
    assert choose_guard([("x", sp.exp(a))], DOMAINS, ["x"]) == (math.inf, {})
    assert GUARDS == tuple(sorted(GUARDS, reverse=True))
    assert LIMIT * 2.0**23 < 1.7976931348623157e308


@pytest.mark.parametrize(("expr", "proved"), [
    (q, True), (1 - q, True), (q * r, True), (-q, False), (2 * q, False), (q + r, False),
    (a, False), (1 - q * r, False), (sp.Rational(1, 2), True),
])  # fmt: skip
def test_unit_interval_is_proved_only_for_one_exact_operation(expr, proved):
    assert unit_interval(expr, DOMAINS) is proved
    if proved:  # and it holds at the domain's corners, evaluated as printed code would
        f = sp.lambdify([q, r], expr, "math")
        assert all(0.0 <= f(x, y) <= 1.0 for x in (0.0, 1.0, 0.3) for y in (0.0, 1.0, 0.7))


def _cubic():
    return Game(decision("A", {"x": outcome(A=0), "y": outcome(A="a**3 - b")}),
                parameters={"a": "real", "b": "real"})


def test_the_guarded_kernel_tests_the_guard_instead_of_proved_gains():
    g = _cubic()
    ic = kernels.induction_code(g)
    assert ic.gains.guard == 2.0**256 and set(ic.guarded) == set(ic.finite) != set()
    fast, exact = kernels.kernel_source(g), kernels.kernel_source(g, exact=True)
    assert "abs(a) <= " in fast and "< inf)" not in fast.split("bad_gain |=")[1].split("\n")[0]
    assert "abs(a) <= " not in exact and "(abs(g0_2) < inf)" in exact


def test_beyond_the_guard_the_exact_kernel_decides_as_numpy_does():
    g = _cubic()
    # 1e80 is beyond the guard 2^256 (1.2e77) but its cube is finite: classified, by the
    # exact kernel, as numpy does; 1e103 cubed overflows: the same error in both backends.
    arrays = {"a": np.array([1.0, -2.0, 1e80, -1e80]), "b": np.array([0.5, 0.0, 1.0, 1e300])}
    want = kzgame.classify(g, backend="numpy", **arrays)
    assert want.tolist() == [1, 0, 1, 0]
    assert kzgame.classify(g, backend="numba", **arrays).tolist() == want.tolist()
    for backend in ("numpy", "numba"):
        with pytest.raises(ParameterError, match="a=1e\\+103"):
            kzgame.classify(g, backend=backend, a=np.array([1.0, 1e103]), b=0.0)


@settings(deadline=None, max_examples=25)
@given(st.lists(st.floats(-1e90, 1e90) | st.sampled_from([0.0, 1e77, 2.0**256, -(2.0**256)]),
                min_size=1, max_size=30),
       st.floats(0.0, 1.0))
def test_codes_on_either_side_of_the_guard_equal_numpy(xs, p):
    g = Game(decision("A", {
        "x": outcome(A="a**3", B=1),
        "y": chance({"h": ("q", outcome(A="a*a*a + 1", B=0)), "t": ("1 - q", outcome(A=0, B=2))}),
    }), parameters={"a": "real", "q": "unit"})  # fmt: skip
    a_ = np.array(xs)
    want = kzgame.classify(g, backend="numpy", a=a_, q=p)
    assert kzgame.classify(g, backend="numba", a=a_, q=p).tolist() == want.tolist()
    ic = kernels.induction_code(g)
    assert ic.probabilities == ()  # q and 1 - q are proved in [0, 1]: not tested
