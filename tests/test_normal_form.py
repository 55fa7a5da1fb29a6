"""The period game's normal form through the engine: every SPE is a Nash equilibrium flagged
subgame perfect; non-credible threats are found; the reported set is exactly the Nash set
(brute force over a grid of E's mixtures); nashpy's points all lie in it."""

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from strategies import params, tie_prone_params

import kzgame
from kzgame import Strategy
from kzgame.equilibrium import equilibrium_set, nashpy_equilibria, normal_form
from kzgame.game.nash import bimatrix_components
from kzgame.games.period_game import E_MOVES, R_MOVES
from kzgame.model import PROTOCOLS

protocols = st.sampled_from(list(PROTOCOLS))


def is_nash(A, B, sigma_r, p):
    """Direct check of the definition, exact on Fractions."""
    sigma_e = (p, 1 - p)
    u_r = [A[k, 0] * sigma_e[0] + A[k, 1] * sigma_e[1] for k in range(4)]
    u_e = [sum(sigma_r[k] * B[k, j] for k in range(4)) for j in range(2)]
    best_r = max(u_r)
    value_r = sum(sigma_r[k] * u_r[k] for k in range(4))
    value_e = sigma_e[0] * u_e[0] + sigma_e[1] * u_e[1]
    return value_r == best_r and value_e == max(u_e)


def test_rows_are_r_moves_in_tie_order_and_columns_e_replies():
    period = kzgame.Period(share=0.5, outside_r=0.25, outside_e=0.0, indispensability=1.0,
                           survival=0.5, invest_cost=0.0)
    r = kzgame.solve(period)
    (comp, *_) = r.equilibria
    assert comp.labels == (R_MOVES, E_MOVES) == (
        ("accept", "invest", "hold-up", "exit"), ("concede", "refuse"))
    assert [s.value for s in Strategy] == list(R_MOVES)
    A, B = r.normal_form
    EA, EB = normal_form(period, exact=True)
    assert np.array_equal(EA.astype(float), A) and np.array_equal(EB.astype(float), B)
    # accept: u_R(A) = q s V + (1 - q) o_R = 0.25 + 0.125; invest: s V - c = 0.5
    assert EA[0, 0] == EA[0, 1] == Fraction(3, 8) and EA[1, 0] == Fraction(1, 2)


@given(tie_prone_params(), protocols)
def test_spe_is_a_nash_equilibrium_and_flagged_subgame_perfect(p, protocol):
    period = kzgame.Period(**p)
    A, B = normal_form(period, protocol, exact=True)
    r = kzgame.solve(period, protocol=protocol)
    move = r.equilibrium.choices["root"]  # R's move (a refused hold-up's outcome is exit)
    sigma_r = tuple(Fraction(int(m == move)) for m in R_MOVES)
    p_concede = Fraction(int(r.e_concedes))
    assert is_nash(A, B, sigma_r, p_concede)
    holding = [c for c in r.equilibria if c.contains(sigma_r, (p_concede, 1 - p_concede))]
    assert len(holding) == 1, "the SPE is in no reported component, or in two"
    # a pure equilibrium is an extreme one, and the SPE is flagged subgame perfect
    (e,) = [e for e in holding[0].equilibria if e.strategies == (sigma_r, (p_concede,
                                                                           1 - p_concede))]
    assert e.subgame_perfect is True and holding[0].subgame_perfect is True


@given(tie_prone_params(), protocols)
def test_every_extreme_point_and_subset_midpoint_is_a_nash_equilibrium(p, protocol):
    A, B = normal_form(kzgame.Period(**p), protocol, exact=True)
    for comp in equilibrium_set(kzgame.Period(**p), protocol):
        for sigma_r, sigma_e in comp.vertices():
            assert is_nash(A, B, sigma_r, sigma_e[0])
        for s in comp.subsets:
            X, Y = s.extreme
            mid_r = tuple(sum(col) / len(X) for col in zip(*X, strict=True))
            mid_e = tuple(sum(col) / len(Y) for col in zip(*Y, strict=True))
            assert s.contains(mid_r, mid_e)
            assert is_nash(A, B, mid_r, mid_e[0])


@given(tie_prone_params(), protocols)
def test_the_set_is_exactly_the_nash_set_on_a_grid(p, protocol):
    """Brute force over R's pure moves, pairs of moves, and a grid of E's mixtures."""
    period = kzgame.Period(**p)
    A, B = normal_form(period, protocol, exact=True)
    comps = equilibrium_set(period, protocol)
    mixes = [tuple(Fraction(int(j == k)) for j in range(4)) for k in range(4)]
    mixes += [tuple(Fraction(int(j in (a, b)), 2) for j in range(4))
              for a in range(4) for b in range(a + 1, 4)]
    for sigma_r in mixes:
        for n in range(17):
            q = Fraction(n, 16)
            in_set = sum(c.contains(sigma_r, (q, 1 - q)) for c in comps)
            assert in_set <= 1  # components are disjoint
            assert bool(in_set) == is_nash(A, B, sigma_r, q)


@given(tie_prone_params(), protocols)
def test_non_credible_refusal_deters_a_profitable_hold_up(p, protocol):
    """Where the SPE is a hold-up that E strictly prefers to concede to, the normal form
    also has equilibria in which R does not hold up because E 'would refuse' (p = 0):
    Nash, not subgame perfect."""
    period = kzgame.Period(**p)
    A, B = normal_form(period, protocol, exact=True)
    r = kzgame.solve(period, protocol=protocol)
    H = R_MOVES.index("hold-up")
    if r.strategy == Strategy.HOLD_UP and B[H, 0] > B[H, 1]:
        deterred = [e for c in r.equilibria for e in c.equilibria
                    if e.strategies[0][H] == 0 and e.strategies[1][0] == 0]
        assert deterred
        assert all(e.subgame_perfect is False for e in deterred)


def test_non_credible_refusal_example():
    # hold-up pays 0.125 more than accept if E concedes; E would concede (strictly)
    period = kzgame.Period(share=0.5, outside_r=0.25, outside_e=0.0, indispensability=1.0,
                           survival=1.0, invest_cost=0.1)
    comps = equilibrium_set(period)
    deterred, spe = comps
    accept = (1, 0, 0, 0)
    # accept is a best reply while E concedes w.p. <= (0.5 - 0.25) / (0.625 - 0.25) = 2/3
    assert deterred.vertices() == [(accept, (Fraction(2, 3), Fraction(1, 3))), (accept, (0, 1))]
    assert deterred.contains(accept, (Fraction(1, 2), Fraction(1, 2)))
    assert not deterred.contains(accept, (Fraction(3, 4), Fraction(1, 4)))
    assert deterred.subgame_perfect is False and spe.subgame_perfect is True
    assert spe.vertices() == [((0, 0, 1, 0), (1, 0))]
    assert "not subgame perfect" in deterred.describe()


@settings(max_examples=60)
@given(st.one_of(params(), tie_prone_params()), protocols,
       st.sampled_from(["support_enumeration", "vertex_enumeration"]))
def test_nashpy_points_lie_in_the_reported_set(p, protocol, method):
    """Domain: payoffs that differ, differ by more than nashpy's float tolerance (its
    enumerations treat gaps of 1e-9 and, in vertex enumeration, even 5e-6 as ties and
    then return points that are only approximately equilibria; tests/
    test_equilibrium_set.py checks those points' regret instead)."""
    period = kzgame.Period(**p)
    A, B = normal_form(period, protocol)
    scale = max(1.0, float(np.abs(A).max()), float(np.abs(B).max()))
    for M in (A, B):
        gaps = np.abs(M.ravel()[:, None] - M.ravel()[None, :])
        assume(np.all((gaps == 0) | (gaps > 1e-4 * scale)))
    eqs, _messages = nashpy_equilibria(A, B, method=method)
    comps = bimatrix_components(A, B)  # the float game, floats at their exact values
    for sigma_r, sigma_e in eqs:
        assert any(c.contains(sigma_r, sigma_e, tol=1e-7) for c in comps)


def test_nashpy_degeneracy_warning_is_reported_not_hidden():
    period = kzgame.Period(share=0.6, outside_r=0.3, outside_e=0.1, indispensability=0.8,
                           survival=0.9, invest_cost=0.05)
    r = kzgame.solve(period)
    eqs, messages = r.nashpy("support_enumeration")
    assert any("degenerate" in m for m in messages)
    # nashpy finds the two ends of the accept component; kzgame reports the whole segment
    assert len(eqs) == 2
    (comp,) = r.equilibria
    assert comp.vertices() == [((1, 0, 0, 0), (1, 0)), ((1, 0, 0, 0), (0, 1))]
    assert [e.subgame_perfect for e in comp.equilibria] == [True, False]


def test_fully_degenerate_game_does_not_crash():
    """All of R's payoffs equal (s = 0, o_R = 0, c = 0, q = 0): nashpy's vertex enumeration
    fails; the failure is reported, and the exact set is still given: every move of R
    pays R the same, so one maximal Nash subset holds all four moves and every p."""
    period = kzgame.Period(share=0.0, outside_r=0.0, outside_e=0.0, indispensability=0.0,
                           survival=0.0, invest_cost=0.0)
    r = kzgame.solve(period)
    eqs, messages = r.nashpy("vertex_enumeration")
    assert eqs == [] and any("failed" in m for m in messages)
    (comp,) = r.equilibria
    (subset,) = comp.subsets
    assert len(subset.extreme[0]) == 4 and len(subset.extreme[1]) == 2
    assert len(comp.equilibria) == 8
    assert r.strategy == Strategy.ACCEPT


def test_bad_input_is_refused():
    with pytest.raises(kzgame.KzgameError, match="unknown nashpy method"):
        nashpy_equilibria(np.zeros((4, 2)), np.zeros((4, 2)), method="guess")
    with pytest.raises(kzgame.KzgameError, match=r"A is 4x2 but B is 2x4"):
        bimatrix_components(np.zeros((4, 2)), np.zeros((2, 4)))
    with pytest.raises(TypeError, match="kzgame.Period"):
        normal_form({"share": 0.5})
    with pytest.raises(kzgame.KzgameError, match="unknown protocol"):
        equilibrium_set(kzgame.Period(share=0.5, outside_r=0.0, outside_e=0.0,
                                      indispensability=0.5, survival=0.5, invest_cost=0.0),
                        "haggle")


def test_non_finite_payoffs_are_refused_and_the_exact_game_still_answers():
    """A NaN or an overflowed float payoff gave an empty set (every finite game has an
    equilibrium) or a wrong one; it is an error, and the exact game still answers."""
    A = np.array([[1.0, 1.0], [0.0, 0.0], [np.nan, 0.0], [0.0, 0.0]])
    with pytest.raises(kzgame.KzgameError, match=r"A\[2, 0\] = nan"):
        bimatrix_components(A, np.zeros((4, 2)))
    # o_R - h = -1e308 - 1e308 overflows to -inf in float arithmetic
    period = kzgame.Period(share=0.5, outside_r=-1e308, outside_e=0.0, indispensability=1.0,
                           survival=0.5, invest_cost=0.0, holdup_cost=1e308)
    with pytest.raises(kzgame.KzgameError, match="overflow"):
        normal_form(period)
    (comp,) = equilibrium_set(period)
    invest = (0, 1, 0, 0)
    assert comp.vertices() == [(invest, (1, 0)), (invest, (0, 1))]
