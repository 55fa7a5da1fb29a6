"""classify (vectorized) equals solve (one period) point by point, and the tie rule."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from strategies import params, tie_prone_params

import kzgame
from kzgame import Strategy
from kzgame.model import PROTOCOLS
from kzgame.params import PARAMETERS

ARRAY_PARAMS = [k for k in PARAMETERS if k not in ("discount_r", "discount_e")]


@st.composite
def broadcast_grids(draw):
    """Parameter arrays of random mutually broadcastable shapes, valid values."""
    n = len(ARRAY_PARAMS)
    shapes = draw(hnp.mutually_broadcastable_shapes(num_shapes=n, max_dims=3, max_side=4))
    points = draw(st.lists(params(), min_size=1, max_size=6))
    out = {}
    for name, shape in zip(ARRAY_PARAMS, shapes.input_shapes, strict=True):
        idx = draw(hnp.arrays(np.intp, shape, elements=st.integers(0, len(points) - 1)))
        values = np.array([pt[name] for pt in points])
        # surplus scales the other money values in params(); keep it fixed so that
        # mixing points keeps every value in its domain
        out[name] = values[idx] if name != "surplus" else np.full(shape, 1.0)
    return out, shapes.result_shape


@given(broadcast_grids(), st.sampled_from(list(PROTOCOLS)))
@settings(max_examples=100)
def test_classify_equals_solve_pointwise(grid, protocol):
    arrays, shape = grid
    codes = kzgame.classify(protocol=protocol, **arrays)
    assert codes.shape == shape
    assert codes.dtype == np.int8
    full = {k: np.broadcast_to(v, shape) for k, v in arrays.items()}
    for index in np.ndindex(shape):
        period = kzgame.Period(**{k: float(v[index]) for k, v in full.items()})
        assert codes[index] == kzgame.solve(period, protocol=protocol).strategy.code


@given(tie_prone_params(), st.sampled_from(list(PROTOCOLS)))
def test_classify_equals_solve_on_knife_edges(p, protocol):
    code = kzgame.classify(protocol=protocol, **p)
    assert code == kzgame.solve(kzgame.Period(**p), protocol=protocol).strategy.code


def test_scalars_in_zero_d_out():
    out = kzgame.classify(share=0.5, outside_r=0.0, outside_e=0.0, indispensability=0.5,
                          survival=0.5, invest_cost=0.0)
    assert out.shape == () and out.dtype == np.int8


def test_classify_broadcasts_like_numpy():
    iota = np.linspace(0, 1, 5)[:, None]
    o_r = np.linspace(0, 0.5, 3)[None, :]
    codes = kzgame.classify(share=0.5, outside_r=o_r, outside_e=0.0, indispensability=iota,
                            survival=0.8, invest_cost=0.05)
    assert codes.shape == (5, 3)
    # a lower outside option for R (larger stake) means invest at every iota
    assert np.all(codes[:, 0] == Strategy.INVEST.code)


# --- ties: the documented rule, at exact knife edges (dyadic values: exact arithmetic) ---

TIE_BASE = dict(surplus=1.0, share=0.5, outside_e=0.0, power=0.5, holdup_cost=0.0)


def test_tie_invest_accept_goes_to_accept():
    # G_I = (1 - q) D_R - c = 0.5 * 0.25 - 0.125 = 0 exactly
    p = dict(TIE_BASE, outside_r=0.25, survival=0.5, invest_cost=0.125, indispensability=0.0)
    r = kzgame.solve(kzgame.Period(**p))
    assert r.gain_invest == 0.0 and r.strategy == Strategy.ACCEPT and r.margin == 0.0
    nudged = kzgame.solve(kzgame.Period(**{**p, "invest_cost": 0.125 - 2**-20}))
    assert nudged.strategy == Strategy.INVEST


def test_tie_hold_up_accept_goes_to_accept():
    # G_H = q (beta iota D_E - (1 - beta) D_R) - h = 0.5 (0.5*0.25*0.5 - 0.5*0.125) = 0
    p = dict(TIE_BASE, outside_r=0.375, survival=0.5, invest_cost=0.5, indispensability=0.25)
    r = kzgame.solve(kzgame.Period(**p))
    assert r.gain_holdup == 0.0 and r.strategy == Strategy.ACCEPT
    assert kzgame.solve(kzgame.Period(**{**p, "indispensability": 0.25 + 2**-20})).strategy == (
        Strategy.HOLD_UP
    )


def test_tie_hold_up_invest_goes_to_invest():
    # D_R = 0.125, D_E = 0.5, q = 0.5: G_I = 0.0625 - c; G_H = 0.5 (0.25 iota - 0.0625)
    # iota = 1: G_H = 0.09375; c = -0.03125 impossible, so take c = 0 and iota with
    # G_H = 0.0625: 0.25 iota - 0.0625 = 0.125 -> iota = 0.75
    p = dict(TIE_BASE, outside_r=0.375, survival=0.5, invest_cost=0.0, indispensability=0.75)
    r = kzgame.solve(kzgame.Period(**p))
    assert r.gain_holdup == r.gain_invest == 0.0625
    assert r.strategy == Strategy.INVEST
    assert kzgame.solve(kzgame.Period(**{**p, "indispensability": 0.75 + 2**-20})).strategy == (
        Strategy.HOLD_UP
    )


def test_tie_exit_accept_goes_to_accept_and_refused_hold_up_is_exit():
    # D_R = 0: G_X = 0 ties accept; D_R < 0 with E refusing: exit, not a refused hold-up
    p = dict(TIE_BASE, outside_r=0.5, survival=0.5, invest_cost=0.5, indispensability=0.0)
    assert kzgame.solve(kzgame.Period(**p)).strategy == Strategy.ACCEPT
    # D_R = -0.25, D_E = 0.125, iota = 1: gains from agreement q(D_R + D_E) < 0, E refuses;
    # with h = 0 the refused hold-up pays exactly what exit pays: R exits.
    p2 = dict(TIE_BASE, outside_r=0.75, outside_e=0.375, survival=0.5, invest_cost=0.5,
              indispensability=1.0)
    r = kzgame.solve(kzgame.Period(**p2))
    assert not r.e_concedes
    assert r.gain_holdup_realized == r.gain_exit
    assert r.strategy == Strategy.EXIT


def test_e_concedes_on_a_tie():
    # gains from agreement q (D_R + iota D_E) = 0 exactly: E is indifferent and concedes
    p = dict(TIE_BASE, outside_r=0.75, outside_e=0.25, survival=0.5, invest_cost=0.5,
             indispensability=1.0)
    assert kzgame.solve(kzgame.Period(**p)).e_concedes


@pytest.mark.parametrize("atol", [1e-9, 1e-3])
def test_atol_widens_ties_toward_the_earlier_strategy(atol):
    p = dict(TIE_BASE, outside_r=0.25, survival=0.5, indispensability=0.0,
             invest_cost=0.125 - atol / 2)  # G_I = atol / 2 > 0
    assert kzgame.classify(**p) == Strategy.INVEST.code
    assert kzgame.classify(**p, atol=atol) == Strategy.ACCEPT.code


def test_atol_must_be_non_negative():
    with pytest.raises(kzgame.ParameterError, match="atol"):
        kzgame.classify(**TIE_BASE, outside_r=0.0, survival=0.5, invest_cost=0.0,
                        indispensability=0.0, atol=-1.0)
