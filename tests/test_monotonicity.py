"""Monotonicity of the classification (nash protocol), on stated domains.

* Raising iota never turns hold-up into something else.  Domain: the whole
  parameter space.  Why: hold-up is chosen only where D_E > 0
  (tests/test_kpr.py), and there G_H and E's concession margin both rise with
  iota while G_I and G_X do not move.  Outside D_E > 0 the mechanism reverses
  (G_H falls with iota): shown below.
* Raising o_R never turns accept or hold-up into invest.  Domain: the whole
  parameter space (G_I = (1 - q) D_R - c falls with o_R; G_H rises while E
  concedes; if E stops conceding, D_R < 0 and G_I < 0).
* Raising c never turns anything into invest (only G_I moves, downwards).
"""

import numpy as np
from hypothesis import assume, given
from hypothesis import strategies as st
from strategies import params, unit

import kzgame
from kzgame import Strategy


def strategy_of(p):
    return kzgame.solve(kzgame.Period(**p)).strategy


@given(params(), unit(), unit())
def test_raising_iota_keeps_hold_up(p, i1, i2):
    lo, hi = sorted((i1, i2))
    if strategy_of({**p, "indispensability": lo}) == Strategy.HOLD_UP:
        assert strategy_of({**p, "indispensability": hi}) == Strategy.HOLD_UP


@given(params(), st.floats(0.0, 3.0))
def test_raising_outside_r_never_yields_invest_from_accept_or_hold_up(p, rise):
    before = strategy_of(p)
    assume(before in (Strategy.ACCEPT, Strategy.HOLD_UP))
    after = strategy_of({**p, "outside_r": p["outside_r"] + rise * p["surplus"]})
    assert after != Strategy.INVEST


@given(params(), st.floats(0.0, 2.0))
def test_raising_cost_never_yields_invest(p, rise):
    before = strategy_of(p)
    after = strategy_of({**p, "invest_cost": p["invest_cost"] + rise * p["surplus"]})
    assert after == before or after != Strategy.INVEST


@given(params(), st.floats(0.0, 2.0))
def test_raising_cost_moves_only_away_from_invest(p, rise):
    """Stronger: if the strategy changes at all, it changes from invest."""
    before = strategy_of(p)
    after = strategy_of({**p, "invest_cost": p["invest_cost"] + rise * p["surplus"]})
    if after != before:
        assert before == Strategy.INVEST


# --- outside the domain of the iota argument --------------------------------------


@given(params(), unit(), unit())
def test_gain_from_hold_up_falls_with_iota_when_e_does_not_need_the_regime(p, i1, i2):
    """With D_E < 0 a higher iota lowers G_H: the 'indispensability helps R' mechanism
    holds only on D_E >= 0."""
    d_e = (1 - p["share"]) * p["surplus"] - p["outside_e"]
    assume(d_e < 0 and p["survival"] > 0)
    lo, hi = sorted((i1, i2))
    assume(hi > lo)

    def g_h(iota):
        return kzgame.solve(kzgame.Period(**{**p, "indispensability": iota})).gain_holdup

    assert g_h(hi) <= g_h(lo)
    if p["power"] * p["survival"] * (hi - lo) * -d_e > 1e-9 * max(1.0, abs(g_h(lo))):
        assert g_h(hi) < g_h(lo)


def test_raising_iota_turns_accept_into_hold_up_on_the_domain():
    """The direction the KPR table predicts, on a grid: accept -> hold-up as iota rises."""
    iota = np.linspace(0, 1, 101)
    codes = kzgame.classify(share=0.5, outside_r=0.45, outside_e=0.0, indispensability=iota,
                            survival=0.8, invest_cost=0.05)
    assert codes[0] == Strategy.ACCEPT.code and codes[-1] == Strategy.HOLD_UP.code
    assert np.all(np.diff(codes == Strategy.HOLD_UP.code) >= 0)  # one switch, never back
