"""Payoffs, gains and the subgame-perfect choice against values computed by hand.

Each case below was worked out on paper from MODEL.md (the arithmetic is in
the comments), independently of the code.
"""

import numpy as np
import pytest

import kzgame
from kzgame.equilibrium import normal_form
from kzgame.games import period_game

# rows of the normal form: invest, accept, hold-up, exit; columns: concede, refuse
CASES = [
    pytest.param(
        # D_R = 0.6 - 0.3 = 0.3, D_E = 0.4 - 0.1 = 0.3
        # u(A) = (0.9*0.6 + 0.1*0.3, 0.9*0.4 + 0.1*0.1) = (0.57, 0.37)
        # d_E = 0.2*0.37 + 0.8*0.1 = 0.154; gains from agreement 0.94 - 0.3 - 0.154 = 0.486
        # H,C: (0.3 + 0.243, 0.154 + 0.243)
        dict(share=0.6, outside_r=0.3, outside_e=0.1, indispensability=0.8, survival=0.9,
             invest_cost=0.05),
        [[0.55, 0.55], [0.57, 0.57], [0.543, 0.3], [0.3, 0.3]],
        [[0.4, 0.4], [0.37, 0.37], [0.397, 0.154], [0.154, 0.154]],
        dict(invest=-0.02, holdup=-0.027, exit=-0.27, concedes=True, concession=-0.027),
        "accept",
        id="accept",
    ),
    pytest.param(
        # V = 2: D_R = 1 - 0.9 = 0.1, D_E = 1 - 0.2 = 0.8
        # u(A) = (0.5*1 + 0.5*0.9, 0.5*1 + 0.5*0.2) = (0.95, 0.6); d_E = 0.2 (iota = 1)
        # gains from agreement 1.55 - 0.9 - 0.2 = 0.45; H,C: (0.9 + 0.6*0.45 - 0.05, 0.2 + 0.4*0.45)
        dict(surplus=2.0, share=0.5, outside_r=0.9, outside_e=0.2, indispensability=1.0,
             survival=0.5, invest_cost=0.3, power=0.6, holdup_cost=0.05),
        [[0.7, 0.7], [0.95, 0.95], [1.12, 0.85], [0.9, 0.9]],
        [[1.0, 1.0], [0.6, 0.6], [0.38, 0.2], [0.2, 0.2]],
        dict(invest=-0.25, holdup=0.17, exit=-0.05, concedes=True, concession=0.22),
        "hold-up",
        id="hold-up",
    ),
    pytest.param(
        # D_R = 0.6, D_E = 0.1; u(A) = (0.46, 0.26); d_E = 0.7*0.26 + 0.3*0.2 = 0.242
        # gains from agreement 0.72 - 0.1 - 0.242 = 0.378; H,C: (0.1 + 0.189, 0.242 + 0.189)
        dict(share=0.7, outside_r=0.1, outside_e=0.2, indispensability=0.3, survival=0.6,
             invest_cost=0.1),
        [[0.6, 0.6], [0.46, 0.46], [0.289, 0.1], [0.1, 0.1]],
        [[0.3, 0.3], [0.26, 0.26], [0.431, 0.242], [0.242, 0.242]],
        dict(invest=0.14, holdup=-0.171, exit=-0.36, concedes=True, concession=-0.171),
        "invest",
        id="invest",
    ),
    pytest.param(
        # D_R = -0.2, D_E = 0.4; u(A) = (0.4, 0.5); d_E = 0.8*0.5 + 0.2*0.3 = 0.46
        # gains from agreement 0.9 - 0.5 - 0.46 = -0.06 < 0: E refuses a hold-up
        # H,C: (0.5 - 0.03 - 0.1, 0.46 - 0.03); H,R: (0.5 - 0.1, 0.46)
        dict(share=0.3, outside_r=0.5, outside_e=0.3, indispensability=0.2, survival=0.5,
             invest_cost=0.1, holdup_cost=0.1),
        [[0.2, 0.2], [0.4, 0.4], [0.37, 0.4], [0.5, 0.5]],
        [[0.7, 0.7], [0.5, 0.5], [0.43, 0.46], [0.46, 0.46]],
        dict(invest=-0.2, holdup=-0.03, exit=0.1, concedes=False, concession=0.07),
        "exit",
        id="exit",
    ),
]


#: The order of the rows of A and B in CASES (as the hand computations were written).
CASE_ROWS = ("invest", "accept", "hold-up", "exit")


@pytest.mark.parametrize(("params", "A", "B", "gains", "strategy"), CASES)
def test_normal_form_matches_hand_computation(params, A, B, gains, strategy):
    got_A, got_B = normal_form(kzgame.Period(**params))
    # the cases' rows are in CASE_ROWS order; the normal form's in R's tie order
    rows = [CASE_ROWS.index(m) for m in period_game.R_MOVES]
    np.testing.assert_allclose(got_A, np.array(A)[rows], rtol=0, atol=1e-12)
    np.testing.assert_allclose(got_B, np.array(B)[rows], rtol=0, atol=1e-12)


@pytest.mark.parametrize(("params", "A", "B", "gains", "strategy"), CASES)
def test_gains_and_choice_match_hand_computation(params, A, B, gains, strategy):
    r = kzgame.solve(kzgame.Period(**params))
    assert r.gain_invest == pytest.approx(gains["invest"], abs=1e-12)
    assert r.gain_holdup == pytest.approx(gains["holdup"], abs=1e-12)
    assert r.gain_exit == pytest.approx(gains["exit"], abs=1e-12)
    assert r.e_concedes is gains["concedes"]
    assert r.concession == pytest.approx(gains["concession"], abs=1e-12)
    assert r.strategy == strategy
    # The SPE payoffs are the normal-form cell of R's move and E's reply.
    row, col = CASE_ROWS.index(strategy), 0 if gains["concedes"] else 1
    assert (r.payoff_r, r.payoff_e) == pytest.approx((A[row][col], B[row][col]), abs=1e-12)


def test_exact_normal_form_agrees_with_float():
    params = CASES[1].values[0]
    A, B = normal_form(kzgame.Period(**params))
    EA, EB = normal_form(kzgame.Period(**params), exact=True)
    np.testing.assert_allclose(EA.astype(float), A, rtol=0, atol=1e-12)
    np.testing.assert_allclose(EB.astype(float), B, rtol=0, atol=1e-12)


@pytest.mark.parametrize(
    ("protocol", "u_hc"),
    [
        # hold-up case above: gains from agreement 0.45, o_R = 0.9, h = 0.05, d_E = 0.2
        ("nash", (0.9 + 0.6 * 0.45 - 0.05, 0.2 + 0.4 * 0.45)),
        # Rubinstein, delta_R = 0.9, delta_E = 0.8: R's share (1 - 0.8) / (1 - 0.72) = 5/7
        ("rubinstein", (0.9 + 5 / 7 * 0.45 - 0.05, 0.2 + 2 / 7 * 0.45)),
        # ultimatum: R takes all the gains from agreement
        ("ultimatum", (0.9 + 0.45 - 0.05, 0.2)),
        # outside option: o_R = 0.9 < u_R(A) = 0.95 does not bind, so the status quo stays
        ("outside-option", (0.95 - 0.05, 0.6)),
    ],
)
def test_hold_up_split_under_each_protocol(protocol, u_hc):
    params = dict(CASES[1].values[0], discount_r=0.9, discount_e=0.8)
    A, B = normal_form(kzgame.Period(**params), protocol=protocol)
    assert (A[2, 0], B[2, 0]) == pytest.approx(u_hc, abs=1e-12)
    assert (A[2, 1], B[2, 1]) == pytest.approx((0.85, 0.2), abs=1e-12)  # breakdown
