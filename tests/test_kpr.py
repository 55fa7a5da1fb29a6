"""The Kastner-Pearson-Rector table, derived as limits of the model (nash protocol).

|                          | R indispensable | R dispensable |
| outside options bad for R | invest          | invest        |
| outside options good for R| hold-up         | accept        |

Each row of the table is a statement on a stated domain; each is tested as a
hypothesis property there, and the tests at the end show what happens just
outside the domain.
"""

from hypothesis import assume, given
from hypothesis import strategies as st
from strategies import params, unit

import kzgame
from kzgame import Strategy


def strategy_of(p):
    return kzgame.solve(kzgame.Period(**p)).strategy


def stakes(p):
    return p["share"] * p["surplus"] - p["outside_r"], (1 - p["share"]) * p["surplus"] - p[
        "outside_e"
    ]


@given(params())
def test_dispensable_rising_power_never_holds_up(p):
    """iota = 0 (R dispensable): hold-up is never chosen, on the whole domain."""
    assert strategy_of({**p, "indispensability": 0.0}) != Strategy.HOLD_UP


@given(params(), unit(exclude_min=True, exclude_max=True))
def test_hold_up_never_chosen_near_iota_zero(p, frac):
    """iota -> 0 as a limit: with D_R > 0 and D_E > 0, no hold-up for iota below a positive
    bound that scales like (1 - beta) D_R / (beta D_E) (here: any fraction of it, capped at 1)."""
    d_r, d_e = stakes(p)
    assume(d_r > 0 and p["power"] * d_e > 0)
    bound = (1 - p["power"]) * d_r / (p["power"] * d_e)
    iota = min(1.0, frac * bound)
    assume(iota < bound)
    assert strategy_of({**p, "indispensability": iota}) != Strategy.HOLD_UP


@given(params(), unit())
def test_large_stake_never_holds_up_whatever_iota(p, iota):
    """D_R large relative to D_E, (1 - beta) D_R >= beta max(D_E, 0) with D_R >= 0:
    hold-up never pays, whatever iota."""
    d_r, d_e = stakes(p)
    assume(d_r >= 0 and (1 - p["power"]) * d_r >= p["power"] * max(d_e, 0.0) * (1 + 1e-9))
    assert strategy_of({**p, "indispensability": iota}) != Strategy.HOLD_UP


@given(params(), unit(), unit(), unit(), st.floats(0.5, 1.0))
def test_small_stake_high_iota_small_cost_holds_up(p, a, b, q_frac, iota):
    """D_E > 0, q > 0, iota >= 1/2, and D_R in [0, q beta iota D_E / 4],
    h <= q beta iota D_E / 4: hold-up is chosen.

    Then G_H - G_I >= q beta iota D_E - D_R - h >= q beta iota D_E / 2 > 0,
    G_H > 0 >= G_X, and E concedes."""
    d_r, d_e = stakes(p)
    assume(d_e > 1e-6)
    q = 0.05 + 0.95 * q_frac
    scale = q * p["power"] * iota * d_e / 4
    new_d_r = a * scale * (1 - 1e-9)
    point = {
        **p,
        "survival": q,
        "indispensability": iota,
        "outside_r": p["share"] * p["surplus"] - new_d_r,
        "holdup_cost": b * scale * (1 - 1e-9),
    }
    assume(scale > 1e-9)
    assert strategy_of(point) == Strategy.HOLD_UP


@given(params())
def test_unfavourable_outside_options_mean_invest(p):
    """Outside options bad for R: D_R large enough that (1 - q) D_R > c and invest beats
    hold-up (D_R > (q beta iota D_E + c) / (1 - q beta)): invest, indispensable or not."""
    d_r, d_e = stakes(p)
    q, beta, iota, c, h = (p[k] for k in ("survival", "power", "indispensability",
                                          "invest_cost", "holdup_cost"))
    assume(q < 1)
    need = max(c / (1 - q), (q * beta * iota * max(d_e, 0) + c) / (1 - q * beta))
    point = {**p, "outside_r": p["share"] * p["surplus"] - need * 1.01 - 1e-6}
    assert strategy_of(point) == Strategy.INVEST
    assert strategy_of({**point, "indispensability": 0.0}) == Strategy.INVEST


# --- outside the domain ---------------------------------------------------------------


@given(params(), unit(), unit())
def test_no_hold_up_when_e_does_not_need_the_regime(p, iota, excess):
    """Outside D_E > 0 the 'indispensable' column is empty: with D_E <= 0 (E loses nothing
    if the regime collapses) hold-up is never chosen, however indispensable R is.  The
    points are drawn on that domain (o_E = (1 - s) V + excess V, D_E = -excess V, 0
    included), not filtered into it, so that hypothesis never rejects most draws."""
    p = {**p, "outside_e": (1 - p["share"]) * p["surplus"] + excess * p["surplus"]}
    d_r, d_e = stakes(p)
    assert d_e <= 1e-12 * p["surplus"]
    assert strategy_of({**p, "indispensability": iota}) != Strategy.HOLD_UP


def test_no_hold_up_at_q_zero():
    """q = 0 (the regime dies anyway without investment): a hold-up gains nothing, so it is
    never chosen, even with iota = 1 and a large D_E."""
    p = dict(share=0.5, outside_r=0.5, outside_e=-2.0, indispensability=1.0, survival=0.0,
             invest_cost=1.0)
    assert strategy_of(p) == Strategy.ACCEPT
    assert strategy_of({**p, "survival": 0.5}) == Strategy.HOLD_UP
