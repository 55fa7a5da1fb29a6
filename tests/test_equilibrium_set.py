"""The exact equilibrium set, cross-checked against Gambit and nashpy on 1,000+ periods.

Parameters are drawn from small rational grids, mostly dyadic (multiples of
1/4, 1/8: exact in binary, so ties between payoffs really happen), some not
(multiples of 1/3, 1/10: their binary values make near-ties).  For each
period and protocol:

* the extreme points of kzgame's components (:meth:`Component.vertices` over
  all components of ``equilibrium_set(period, protocol)``, the engine's
  generic code on the period game's tree) equal, as a set, the extreme
  equilibria of pygambit's ``enummixed_solve`` in rational arithmetic on the
  same normal form, which enumerates the vertices of the best-response
  polytopes independently;
* every equilibrium nashpy finds on the float game (support enumeration and
  vertex enumeration) lies in a component kzgame reports for that game --
  except where rounding left two payoffs an ulp apart and nashpy's tolerance
  calls them a tie: its point is then an epsilon-equilibrium (regret <= 1e-12)
  that lies in the set of the game with the tie restored; this is allowed
  only for non-dyadic parameters (such as 0.9, whose binary value is not
  9/10), and is counted.
"""

import warnings
from fractions import Fraction

import numpy as np
import pytest

from kzgame import NoSurplusWarning, Period
from kzgame.equilibrium import equilibrium_set, nashpy_equilibria, normal_form
from kzgame.game.nash import bimatrix_components
from kzgame.games.period_game import R_MOVES
from kzgame.model import PROTOCOLS

gbt = pytest.importorskip("pygambit", reason="pygambit (the 'gambit' extra) is not installed")

N_PERIODS = 1_000


def random_periods(n: int, seed: int):
    """``n`` (period, protocol) pairs from small rational grids, ties included."""
    rng = np.random.default_rng(seed)
    dyadic = {
        "surplus": [0.5, 1.0, 2.0],
        "share": [0.0, 0.25, 0.5, 0.75, 1.0],
        "outside_r": [k / 4 for k in range(-3, 6)],
        "outside_e": [k / 4 for k in range(-3, 6)],
        "indispensability": [0.0, 0.25, 0.5, 0.75, 1.0],
        "survival": [0.0, 0.25, 0.5, 0.75, 1.0],
        "invest_cost": [0.0, 0.125, 0.25],
        "power": [0.25, 0.5, 0.75],
        "holdup_cost": [0.0, 0.0, 0.125],
        "discount_r": [0.0, 0.5, 0.75],
        "discount_e": [0.0, 0.5, 0.75],
    }
    decimal = {
        "share": [0.1, 0.3, 1 / 3, 0.6, 0.9],
        "outside_r": [-0.3, 0.1, 0.2, 1 / 3, 0.7],
        "outside_e": [-0.2, 0.1, 0.3],
        "indispensability": [0.1, 1 / 3, 0.7],
        "survival": [0.1, 2 / 3, 0.9],
        "invest_cost": [0.05, 0.1],
        "power": [0.1, 1 / 3, 0.6],
        "discount_r": [0.3, 0.9],
        "discount_e": [0.3, 0.9],
    }
    protocols = list(PROTOCOLS)
    out = []
    for i in range(n):
        values = {k: float(rng.choice(v)) for k, v in dyadic.items()}
        if i % 4 == 3:  # a quarter of the periods: some non-dyadic values
            for k in rng.choice(list(decimal), size=3, replace=False):
                values[k] = float(rng.choice(decimal[k]))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", NoSurplusWarning)
            out.append((Period(**values), protocols[i % len(protocols)]))
    return out


PERIODS = random_periods(N_PERIODS, seed=2024)


def kzgame_vertices(components):
    return {
        (tuple(Fraction(x) for x in sigma_r), Fraction(sigma_e[0]))
        for comp in components
        for sigma_r, sigma_e in comp.vertices()
    }


def continuum(components) -> bool:
    """Whether some component holds more than one equilibrium."""
    return any(len(c.equilibria) > 1 for c in components)


def gambit_vertices(A, B):
    game = gbt.Game.from_arrays(A, B)
    r, e = list(game.players)
    concede = list(e.strategies)[0]
    return {
        (tuple(Fraction(eq[s]) for s in r.strategies), Fraction(eq[concede]))
        for eq in gbt.nash.enummixed_solve(game, rational=True).equilibria
    }


@pytest.fixture(scope="module")
def checked():
    """Run the cross-check once; the tests below read its tallies."""
    tally = dict(periods=0, ties=0, continua=0, nashpy_points=0, nashpy_near_ties=0, float_exact=0)
    failures = []
    for period, protocol in PERIODS:
        A, B = normal_form(period, protocol, exact=True)
        comps = equilibrium_set(period, protocol)
        ours = kzgame_vertices(comps)
        theirs = gambit_vertices(A, B)
        if ours != theirs:
            failures.append(("gambit", period, protocol, ours, theirs))
        tally["periods"] += 1
        H = R_MOVES.index("hold-up")
        others = [A[k, 0] for k in range(4) if k != H]
        tally["ties"] += len(set(others)) < 3 or A[H, 0] in others or B[H, 0] == B[H, 1]
        tally["continua"] += continuum(comps)
        # nashpy on the float game: every point lies in a component of that game
        Af, Bf = normal_form(period, protocol)
        fcomps = bimatrix_components(Af, Bf)  # the float game at its exact binary values
        if all(Fraction(x) == y for x, y in zip(np.r_[Af, Bf].flat, np.r_[A, B].flat, strict=True)):
            tally["float_exact"] += 1  # the float game is the exact game: same extreme points
            if {(tuple(float(x) for x in sr), float(p)) for sr, p in kzgame_vertices(fcomps)} != {
                (tuple(float(x) for x in sr), float(p)) for sr, p in ours
            }:
                failures.append(("float vs exact", period, protocol))
        for method in ("support_enumeration", "vertex_enumeration"):
            eqs, _warnings = nashpy_equilibria(Af, Bf, method=method)
            for sigma_r, sigma_e in eqs:
                tally["nashpy_points"] += 1
                if any(c.contains(sigma_r, sigma_e, tol=1e-7) for c in fcomps):
                    continue
                # nashpy decides ties with a tolerance: where the binary values of
                # decimal parameters left two payoffs an ulp apart, it may return an
                # epsilon-equilibrium.  Accept that only if it is one (regret <= 1e-12),
                # only for non-dyadic parameters, and only if it lies in the set of the
                # game whose near-ties are restored (payoffs rounded to 12 decimals).
                snapped = bimatrix_components(np.round(Af, 12), np.round(Bf, 12))
                if (
                    not is_dyadic(period)
                    and regret(Af, Bf, sigma_r, sigma_e) <= 1e-12
                    and any(c.contains(sigma_r, sigma_e, tol=1e-7) for c in snapped)
                ):
                    tally["nashpy_near_ties"] += 1
                else:
                    failures.append(("nashpy", method, period, protocol, sigma_r, sigma_e))
    return tally, failures


def is_dyadic(period: Period) -> bool:
    """Whether every parameter is a multiple of 1/64 (exact in binary, no hidden near-ties)."""
    return all(Fraction(v).denominator <= 64 for v in period.as_dict().values())


def regret(A, B, sigma_r, sigma_e) -> float:
    """How much either player could gain by deviating (0 at a Nash equilibrium)."""
    sigma_r, sigma_e = np.asarray(sigma_r, float), np.asarray(sigma_e, float)
    r = np.max(A @ sigma_e) - sigma_r @ A @ sigma_e
    e = np.max(sigma_r @ B) - sigma_r @ B @ sigma_e
    return float(max(r, e))


def test_extreme_points_equal_gambit_enummixed_and_nashpy_points_lie_in_components(checked):
    tally, failures = checked
    assert not failures, failures[:3]
    assert tally["periods"] >= 1_000


def test_the_sample_is_hard(checked):
    """The cross-check means something only if the periods include ties and continua."""
    tally, _ = checked
    assert tally["ties"] >= 200
    assert tally["continua"] >= 200  # components with an interval of E's concession
    assert tally["nashpy_points"] >= 2_000
    assert tally["float_exact"] >= 500  # dyadic periods: float and exact game coincide


@pytest.mark.parametrize("protocol", list(PROTOCOLS))
def test_every_protocol_is_covered(protocol):
    assert sum(p == protocol for _, p in PERIODS) >= 250


def test_no_negative_zero_in_descriptions():
    """Regression (old code): with negative payoffs the interval ends were -0.0 ("p in [-0, 1]");
    the engine reports exact Fractions."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NoSurplusWarning)
        p = Period(
            share=0.0,
            outside_r=-0.5,
            outside_e=0.0,
            indispensability=0.75,
            survival=0.9,
            invest_cost=0.05,
            surplus=0.5,
            power=0.6,
        )
    comps = equilibrium_set(p, "outside-option")
    ends = [x for c in comps for sr, se in c.vertices() for x in (*sr, *se)]
    assert all(isinstance(x, Fraction) for x in ends)
    assert "-0" not in "\n".join(c.describe() for c in comps)
