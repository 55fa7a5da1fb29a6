"""Hypothesis strategies for period parameters, shared by the test modules."""

from fractions import Fraction

from hypothesis import strategies as st

import kzgame


def unit(**kw):
    return st.floats(0.0, 1.0, allow_nan=False, **kw)


@st.composite
def params(draw, protocol_params: bool = False):
    """A dict of valid Period parameters (floats), outside options in [-1, 2] * V."""
    V = draw(st.floats(0.1, 10.0))
    p = dict(
        surplus=V,
        share=draw(unit()),
        outside_r=draw(st.floats(-1.0, 2.0)) * V,
        outside_e=draw(st.floats(-1.0, 2.0)) * V,
        indispensability=draw(unit()),
        survival=draw(unit()),
        invest_cost=draw(st.floats(0.0, 1.0)) * V,
        power=draw(st.floats(0.0, 1.0, exclude_min=True, exclude_max=True)),
        holdup_cost=draw(st.one_of(st.just(0.0), st.floats(0.0, 0.5))) * V,
    )
    if protocol_params:
        p["discount_r"] = draw(st.floats(0.0, 1.0, exclude_max=True))
        p["discount_e"] = draw(st.floats(0.0, 1.0, exclude_max=True))
    return p


def periods(**kw):
    return params(**kw).map(lambda p: kzgame.Period(**p))


def dyadic(lo, hi, denominator=16):
    """Multiples of 1/denominator in [lo, hi]: float arithmetic on them is often exact,
    so exact ties between gains really occur."""
    return st.integers(int(lo * denominator), int(hi * denominator)).map(
        lambda k: float(Fraction(k, denominator))
    )


@st.composite
def tie_prone_params(draw):
    """Parameters on a coarse dyadic grid, where knife edges are hit exactly."""
    return dict(
        surplus=1.0,
        share=draw(dyadic(0, 1, 4)),
        outside_r=draw(dyadic(-0.5, 1, 4)),
        outside_e=draw(dyadic(-0.5, 1, 4)),
        indispensability=draw(dyadic(0, 1, 4)),
        survival=draw(dyadic(0, 1, 4)),
        invest_cost=draw(dyadic(0, 0.5, 8)),
        power=draw(dyadic(0.25, 0.75, 4)),
        holdup_cost=draw(dyadic(0, 0.25, 8)),
    )
