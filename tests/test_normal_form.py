"""The normal form: every SPE is a Nash equilibrium; non-credible threats are found;
nashpy's points (support and vertex enumeration) all lie in the exact equilibrium set."""

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from strategies import params, tie_prone_params

import kzgame
from kzgame import Strategy
from kzgame.equilibrium import equilibrium_set, nashpy_equilibria, normal_form
from kzgame.model import PROTOCOLS, R_MOVES

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


def spe_point(period, protocol):
    r = kzgame.solve(period, protocol=protocol)
    sigma_r = tuple(Fraction(int(m == r.strategy.value)) for m in R_MOVES)
    return r, sigma_r, Fraction(int(r.e_concedes))


@given(tie_prone_params(), protocols)
def test_spe_is_a_nash_equilibrium_and_marked_subgame_perfect(p, protocol):
    period = kzgame.Period(**p)
    A, B = normal_form(period, protocol, exact=True)
    r, sigma_r, p_concede = spe_point(period, protocol)
    assert is_nash(A, B, sigma_r, p_concede)
    pieces = [pc for comp in equilibrium_set(A, B) for pc in comp.pieces]
    holding = [pc for pc in pieces if pc.contains(sigma_r, (p_concede, 1 - p_concede), tol=0)]
    assert holding, "the SPE is in no reported piece"
    assert any(
        pc.subgame_perfect is not None
        and pc.subgame_perfect[0] <= p_concede <= pc.subgame_perfect[1]
        for pc in holding
    )


@given(tie_prone_params(), protocols)
def test_every_vertex_of_every_piece_is_a_nash_equilibrium(p, protocol):
    A, B = normal_form(kzgame.Period(**p), protocol, exact=True)
    for comp in equilibrium_set(A, B):
        for pc in comp.pieces:
            for sigma_r, sigma_e in pc.vertices():
                assert is_nash(A, B, sigma_r, sigma_e[0])
            # and a point inside the piece: uniform mix of the support, midpoint of p
            mid = (pc.concede[0] + pc.concede[1]) / 2
            mix = tuple(Fraction(int(m in pc.support), len(pc.support)) for m in R_MOVES)
            assert is_nash(A, B, mix, mid)


@given(tie_prone_params(), protocols)
def test_pure_equilibria_found_by_brute_force_are_in_the_set(p, protocol):
    """Brute force over the pure profiles and a fine grid of E's mixtures."""
    A, B = normal_form(kzgame.Period(**p), protocol, exact=True)
    comps = equilibrium_set(A, B)
    for k in range(4):
        sigma_r = tuple(Fraction(int(j == k)) for j in range(4))
        for n in range(17):
            q = Fraction(n, 16)
            in_set = any(c.contains(sigma_r, (q, 1 - q), tol=0) for c in comps)
            assert in_set == is_nash(A, B, sigma_r, q)


@given(tie_prone_params(), protocols)
def test_non_credible_refusal_deters_a_profitable_hold_up(p, protocol):
    """Where the SPE is a hold-up that E strictly prefers to concede to, the normal form
    also has equilibria in which R does not hold up because E 'would refuse' (p = 0):
    Nash, not subgame perfect."""
    period = kzgame.Period(**p)
    A, B = normal_form(period, protocol, exact=True)
    r = kzgame.solve(period, protocol=protocol)
    strict_concession = B[2, 0] > B[2, 1]
    deterred = [
        pc
        for comp in equilibrium_set(A, B)
        for pc in comp.pieces
        if "hold-up" not in pc.support and pc.concede[0] == 0
    ]
    if r.strategy == Strategy.HOLD_UP and strict_concession:
        assert deterred
        # E's refusal (p = 0) is not credible: no deterred point with p = 0 is an SPE
        assert all(pc.subgame_perfect is None or pc.subgame_perfect[0] > 0 for pc in deterred)


def test_non_credible_refusal_example():
    # hold-up pays 0.125 more than accept if E concedes; E would concede (strictly)
    period = kzgame.Period(share=0.5, outside_r=0.25, outside_e=0.0, indispensability=1.0,
                           survival=1.0, invest_cost=0.1)
    comps = equilibrium_set(*normal_form(period, exact=True))
    assert [c.pieces[0].support for c in comps] == [("accept",), ("hold-up",)]
    deterred, spe = comps
    # accept is a best reply while E concedes w.p. <= (0.5 - 0.25) / (0.625 - 0.25) = 2/3
    assert deterred.pieces[0].concede == (0, Fraction(2, 3))
    assert not deterred.subgame_perfect and spe.subgame_perfect


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
    comps = equilibrium_set(A, B)
    for sigma_r, sigma_e in eqs:
        assert any(c.contains(sigma_r, sigma_e, tol=1e-7 * scale) for c in comps)


def test_nashpy_degeneracy_warning_is_reported_not_hidden():
    period = kzgame.Period(share=0.6, outside_r=0.3, outside_e=0.1, indispensability=0.8,
                           survival=0.9, invest_cost=0.05)
    r = kzgame.solve(period)
    eqs, messages = r.nashpy("support_enumeration")
    assert any("degenerate" in m for m in messages)
    # nashpy finds the two ends of the accept component; kzgame reports the whole segment
    assert len(eqs) == 2
    (comp,) = r.equilibria
    assert comp.pieces[0].support == ("accept",) and comp.pieces[0].concede == (0.0, 1.0)


def test_fully_degenerate_game_does_not_crash():
    """All of R's payoffs equal (s = 0, o_R = 0, c = 0, q = 0): nashpy's vertex enumeration
    fails; the failure is reported, and the exact set is still given: every move of R
    pays R the same, so one piece holds all four moves and every p."""
    period = kzgame.Period(share=0.0, outside_r=0.0, outside_e=0.0, indispensability=0.0,
                           survival=0.0, invest_cost=0.0)
    r = kzgame.solve(period)
    eqs, messages = r.nashpy("vertex_enumeration")
    assert eqs == [] and any("failed" in m for m in messages)
    (comp,) = r.equilibria
    assert set(comp.pieces[0].support) == set(R_MOVES)
    assert comp.pieces[0].concede == (0.0, 1.0)
    assert r.strategy == Strategy.ACCEPT


def test_equilibrium_set_rejects_a_game_that_is_not_a_period_game():
    A = np.zeros((4, 2))
    A[0, 1] = 1.0
    with pytest.raises(kzgame.KzgameError, match="depends on E's move"):
        equilibrium_set(A, np.zeros((4, 2)))
    with pytest.raises(kzgame.KzgameError, match="4x2"):
        equilibrium_set(np.zeros((2, 4)), np.zeros((4, 2)))
    with pytest.raises(kzgame.KzgameError, match="unknown nashpy method"):
        nashpy_equilibria(np.zeros((4, 2)), np.zeros((4, 2)), method="guess")


def test_equilibrium_set_rejects_non_finite_payoffs():
    """A NaN or an overflowed float payoff gave an empty set (every finite game has an
    equilibrium) or a wrong one; it is an error, and the exact game still answers."""
    A = np.array([[1.0, 1.0], [0.0, 0.0], [np.nan, 0.0], [0.0, 0.0]])
    with pytest.raises(kzgame.KzgameError, match=r"A\[2, 0\] = nan"):
        equilibrium_set(A, np.zeros((4, 2)))
    # o_R - h = -1e308 - 1e308 overflows to -inf in float arithmetic
    period = kzgame.Period(share=0.5, outside_r=-1e308, outside_e=0.0, indispensability=1.0,
                           survival=0.5, invest_cost=0.0, holdup_cost=1e308)
    with pytest.raises(kzgame.KzgameError, match="finite"):
        equilibrium_set(*normal_form(period))
    (comp,) = equilibrium_set(*normal_form(period, exact=True))
    assert [pc.support for pc in comp.pieces] == [("invest",)]
    assert comp.pieces[0].concede == (0, 1)
