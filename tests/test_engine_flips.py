"""smallest_flips of any game at the closed ends of a parameter's domain (issue 15, searches
that stop short; the engine's counterpart of the period game's fix in test_counterfactual).

A boundary through a closed end (p = 1 of a ``unit`` parameter, a cost = 0) gives the end
an outcome of its own by the tie rule (the first action in tie order whose value is at least
the best).  The search must probe the end even when the computed root is not exactly on it:
a few ulps (or a root finder's tolerance) inside, rounded just outside the domain (and
dropped), or within rounding of the current point on its other side.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kzgame
from kzgame.analysis import boundary, smallest_flips
from kzgame.analysis.games import MATCH, comparisons
from kzgame.game import Game, decision, outcome
from kzgame.games import crisis_bargaining, deterrence


def _flips(game, names=None, **point):
    return {(f.parameter, f.direction): f for f in smallest_flips(game, names, **point)}


def _assert_adjacent(game, point, f):
    """The flip is where solve changes: at f.value the new outcome, one float back the old."""
    assert kzgame.solve(game, **{**point, f.parameter: f.value}).outcome == f.new_outcome
    back = float(np.nextafter(f.value, f.current))
    assert kzgame.solve(game, **{**point, f.parameter: back}).outcome == f.outcome


def test_a_tie_at_the_end_with_the_root_exactly_on_it():
    g = Game(decision("A", {"x": outcome(A="p"), "y": outcome(A=1)}), parameters={"p": "unit"})
    (f,) = smallest_flips(g, p=0.5)
    assert (f.direction, f.value, f.critical, f.new_outcome) == ("increase", 1.0, 1.0, "x")


#: x wins the tie at p = 1; the root (-b + sqrt(b^2 + 4a(a + b))) / 2a is 1 up to rounding.
QUADRATIC = Game(
    decision("A", {"x": outcome(A="a*p**2 + b*p"), "y": outcome(A="a + b")}),
    parameters={"p": "unit", "a": "positive", "b": "positive"},
)


@pytest.mark.parametrize(("a", "b", "where"), [
    (1e-4, 1.0, "inside"),    # root 0.99999999999989: ~500 ulps inside the end
    (0.3, 0.7, "outside"),    # root 1 + a few ulps: outside the domain, dropped
    (1e-3, 1.0, "outside"),
])
def test_a_tie_at_the_end_with_the_root_off_it(a, b, where):
    (root,) = [r for r in boundary(QUADRATIC, "p", ("x", "y")).crossings(a=a, b=b)[0].ravel()
               if not math.isnan(r)] or [math.nan]
    # the member of the class: the computed root is not the end
    assert (root < 1.0) if where == "inside" else math.isnan(root)
    point = dict(p=0.5, a=a, b=b)
    assert kzgame.solve(QUADRATIC, **{**point, "p": 1.0}).outcome == "x"
    f = _flips(QUADRATIC, ["p"], **point)[("p", "increase")]
    assert f.value == 1.0 and f.new_outcome == "x"
    assert abs(f.critical - 1.0) <= 1e-6
    _assert_adjacent(QUADRATIC, point, f)
    # from the end itself: the first float inside is already the other outcome
    g = _flips(QUADRATIC, ["p"], **{**point, "p": 1.0})[("p", "decrease")]
    assert g.value == float(np.nextafter(1.0, 0.0)) and g.new_outcome == "y"
    assert abs(g.critical - 1.0) <= MATCH


@pytest.mark.parametrize("payoff", ["exp(p)", "p**5*a + b*p"])
def test_a_numeric_root_on_the_end(payoff):
    """The root finder reports a zero of D on a closed end (D = 0 exactly at p = 1)."""
    params = {"p": "unit"} if "a" not in payoff else {"p": "unit", "a": "positive",
                                                       "b": "positive"}
    tie = "exp(1)" if "a" not in payoff else "a + b"
    g = Game(decision("A", {"x": outcome(A=payoff), "y": outcome(A=tie)}), parameters=params)
    point = {"p": 0.5} if "a" not in payoff else dict(p=0.5, a=1e-4, b=1.0)
    bnd = boundary(g, "p", ("x", "y"))
    assert {r.method for r in bnd.roots} == {"numeric"}
    assert float(bnd.crossings(**point)[0].ravel()[0]) == 1.0
    f = _flips(g, ["p"], **point)[("p", "increase")]
    assert f.critical == 1.0 and f.new_outcome == "x"
    _assert_adjacent(g, point, f)


@pytest.mark.parametrize(("k_C", "new"), [(0.09, "war"), (0.7, "status quo")])
def test_deterrence_root_rounded_to_the_other_side_of_the_point(k_C, new):
    """k_D* = v - p v = 0.30000000000000004 at k_D = 0.3: the flip is one float below,
    and k_D = 0 (the closed end) has another outcome; no decrease was reported."""
    g = deterrence(audience_cost=False)
    point = dict(v=1.0, p=0.7, k_C=k_C, k_D=0.3)
    assert kzgame.solve(g, **point).outcome == "concession"
    assert kzgame.solve(g, **{**point, "k_D": 0.0}).outcome == new
    f = _flips(g, **point)[("k_D", "decrease")]
    assert f.value == float(np.nextafter(0.3, 0.0)) and f.new_outcome == new
    assert f.critical == pytest.approx(0.3, abs=1e-15)
    _assert_adjacent(g, point, f)


@pytest.mark.parametrize("audience_cost", [False, True])
def test_deterrence_flip_at_p_equal_one(audience_cost):
    """k_D = 0: the Defender concedes only at p = 1 (a tie, concede is first)."""
    g = deterrence(audience_cost=audience_cost)
    point = dict(v=0.3, p=0.7, k_C=0.1, k_D=0.0, **({"a": 0.05} if audience_cost else {}))
    f = _flips(g, **point)[("p", "increase")]
    assert (f.value, f.critical, f.new_outcome) == (1.0, 1.0, "concession")
    _assert_adjacent(g, point, f)


def test_crisis_bargaining_flips_next_to_the_point_and_at_the_end():
    g = crisis_bargaining()
    war = "A wins + B wins"
    # x* = p + c_B = 0.8999999999999999 and c_B* = x - p = 0.20000000000000007 lie on the
    # wrong side of the point: B fights one float beyond (and at x = 1, c_B = 0)
    point = dict(x=0.9, p=0.7, c_A=0.1, c_B=0.2)
    flips = _flips(g, **point)
    fx = flips[("x", "increase")]
    assert fx.value == float(np.nextafter(0.9, 1.0)) and fx.new_outcome == war
    fc = flips[("c_B", "decrease")]
    assert fc.value == float(np.nextafter(0.2, 0.0)) and fc.new_outcome == war
    for f in (fx, fc):
        _assert_adjacent(g, point, f)
    # x = 1, c_B = 0: B accepts only at p = 1 (the tie)
    point = dict(x=1.0, p=0.5, c_A=0.1, c_B=0.0)
    f = _flips(g, **point)[("p", "increase")]
    assert (f.value, f.critical, f.new_outcome) == (1.0, 1.0, "settlement")


_VALUES = [0.0, 0.01, 0.03, 0.09, 0.1, 0.2, 0.21, 0.3, 1 / 3, 0.5, 0.6, 2 / 3, 0.7, 0.9, 1.0]
_GAMES = {"deterrence": deterrence(False), "audience": deterrence(True),
          "crisis": crisis_bargaining()}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(sorted(_GAMES)), data=st.data())
def test_every_closed_end_with_another_outcome_is_reached(name, data):
    """Decimal points (rounding-prone roots, frequent ties): wherever the outcome at a closed
    end differs from the current one, a flip is reported in that direction, and every flip
    is where solve changes, to adjacent floats."""
    g = _GAMES[name]
    point = {}
    for k, par in g.parameters.items():
        v = data.draw(st.sampled_from(_VALUES), label=k)
        point[k] = v if par.domain.contains(v) else 0.5
    # put the point on a computed root (rounded to either side of the true one)
    pairs = sorted({(a, b) for _, a, b, _, _ in comparisons(g) if a != b})
    k = data.draw(st.sampled_from(sorted(g.uses())), label="on a root of")
    pair = data.draw(st.sampled_from(pairs), label="between")
    roots = [float(r) for r in boundary(g, k, pair).crossings(**point)[0].ravel()
             if np.isfinite(r)]
    if roots:
        point[k] = data.draw(st.sampled_from(roots), label="root")
    current = kzgame.solve(g, **point).outcome
    flips = _flips(g, **point)
    for f in flips.values():
        assert f.outcome == current
        _assert_adjacent(g, point, f)
    for k in g.uses():
        dom = g.parameters[k].domain
        for end, direction, is_open in ((dom.low, "decrease", dom.low_open),
                                        (dom.high, "increase", dom.high_open)):
            if math.isfinite(end) and not is_open and end != point[k]:
                if kzgame.solve(g, **{**point, k: float(end)}).outcome != current:
                    assert (k, direction) in flips, (k, direction, point)
