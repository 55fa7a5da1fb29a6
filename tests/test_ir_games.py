"""Two classic games of international relations on the engine, against the literature.

For the deterrence game with audience costs (Fearon 1994) and for crisis
bargaining in the shadow of war (Fearon 1995), three independent routes must
agree:

1. the closed forms the literature gives, typed here in exact fractions;
2. the engine: ``kzgame.solve(game, **params)`` (backward induction on floats);
3. the exact backward induction of ``test_game_builder.exact_spe``.

Parameters are drawn on a dyadic grid (multiples of 1/32), on which the
engine's float arithmetic is exact, so that the knife edges of the closed
forms are hit exactly and the tie rule is tested there too.  The thresholds
are then derived symbolically from the engine's gains (``node_gains``:
solve a node's gain difference for one parameter with sympy) and compared
with the closed forms.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st
from test_game_builder import assert_same_spe, exact_spe

import kzgame
from kzgame.errors import ParameterError
from kzgame.game import Game, decision, outcome
from kzgame.game.gains import node_gains
from kzgame.game.outcomes import outcome_codes
from kzgame.games import crisis_bargaining, deterrence
from kzgame.games.crisis_game import WAR


def grid(lo: int, hi: int, denominator: int = 32):
    """Multiples of 1/denominator between lo/denominator and hi/denominator, as Fractions."""
    return st.integers(lo, hi).map(lambda k: Fraction(k, denominator))


def floats(values: dict[str, Fraction]) -> dict[str, float]:
    return {k: float(v) for k, v in values.items()}


# ---------------------------------------------------------------------------
# Deterrence with audience costs
# ---------------------------------------------------------------------------


def deterrence_closed_form(v, p, k_C, k_D, a=None):
    """The SPE of the deterrence game as the literature states it (module docstring).

    ``a=None``: the game without audience costs (a resisted challenge is war).
    Ties: the Challenger keeps the status quo and backs down, the Defender
    concedes, unless the other action is strictly better.
    """
    credible = True if a is None else a > k_C - p * v  # resisted, C fights
    resolved = k_D < (1 - p) * v  # facing a credible threat, D prefers war to conceding
    resists = (not credible) or resolved
    if not resists:
        c_value, result = v, "concession"
    elif credible:
        c_value, result = p * v - k_C, "war"
    else:
        c_value, result = -a, "back down"
    challenges = c_value > 0
    choices = {"root": "challenge" if challenges else "status quo"}
    if a is None:
        choices["challenge"] = "fight" if resists else "concede"
    else:
        choices["challenge"] = "resist" if resists else "concede"
        choices["challenge/resist"] = "fight" if credible else "back down"
    return (result if challenges else "status quo"), choices


# The literature's statement of the outcome, written as the docstring puts it
def deterrence_outcome_literature(v, p, k_C, k_D, a):
    if p * v > k_C and k_D < (1 - p) * v:
        return "war"
    if a > k_C - p * v and k_D >= (1 - p) * v:
        return "concession"
    return "status quo"


deterrence_points = st.fixed_dictionaries({
    "v": grid(1, 64), "p": grid(0, 32), "k_C": grid(0, 48), "k_D": grid(0, 48), "a": grid(0, 32),
})  # fmt: skip


@given(deterrence_points)
def test_deterrence_spe_equals_closed_form_and_exact_recursion(values):
    g = deterrence()
    r = kzgame.solve(g, **floats(values))
    expected, choices = deterrence_closed_form(**values)
    assert r.outcome == expected == deterrence_outcome_literature(**values)
    assert r.choices == choices
    assert r.outcome != "back down"  # with complete information nobody bluffs
    assert_same_spe(g, values)


@given(deterrence_points)
def test_deterrence_without_audience_costs_equals_closed_form(values):
    values = {k: x for k, x in values.items() if k != "a"}
    g = deterrence(audience_cost=False)
    r = kzgame.solve(g, **floats(values))
    expected, choices = deterrence_closed_form(**values)
    assert (r.outcome, r.choices) == (expected, choices)
    assert_same_spe(g, values)


def test_deterrence_knife_edges_follow_the_tie_order():
    g = deterrence()
    # a = k_C - p v: the resisted Challenger is indifferent and backs down (listed first);
    # the Defender then resists, and the Challenger keeps the status quo (-a < 0)
    r = kzgame.solve(g, v=1.0, p=0.25, k_C=0.5, k_D=0.0, a=0.25)
    assert r.choices == {"root": "status quo", "challenge": "resist",
                         "challenge/resist": "back down"}
    assert r.ties == ("challenge/resist",) and r.outcome == "status quo"
    # just above the edge the threat is credible and the (unresolved) Defender concedes
    r = kzgame.solve(g, v=1.0, p=0.25, k_C=0.5, k_D=1.0, a=0.25 + 2**-20)
    assert (r.outcome, r.ties) == ("concession", ())
    # k_D = (1 - p) v: the Defender is indifferent between war and conceding; it concedes
    r = kzgame.solve(g, v=1.0, p=0.25, k_C=0.0, k_D=0.75, a=0.0)
    assert (r.outcome, r.choices["challenge"], r.ties) == ("concession", "concede", ("challenge",))
    # p v = k_C with a resolved Defender: war is worth exactly the status quo; no challenge
    r = kzgame.solve(g, v=1.0, p=0.5, k_C=0.5, k_D=0.0, a=0.5)
    assert (r.outcome, r.ties) == ("status quo", ("root",))
    assert r.payoffs == {"Challenger": 0.0, "Defender": 0.0}
    # a = 0 and an incredible threat: backing down is worth the status quo; no challenge
    r = kzgame.solve(g, v=1.0, p=0.25, k_C=0.5, k_D=0.0, a=0.0)
    assert (r.outcome, r.ties) == ("status quo", ("root",))


def test_deterrence_an_off_path_tie_order_decides_the_outcome():
    # the theory page's example: at a = k_C - p v the resisted Challenger is indifferent;
    # listed first, 'back down' gives deterrence; with 'fight' first the same point gives
    # a concession.  Built here with the tie order of the resisted node swapped.
    def game(order):
        leaves = {"back down": outcome(Challenger="-a", Defender=0, label="back down"),
                  "fight": outcome(Challenger="p*v - k_C", Defender="-p*v - k_D", label="war")}
        return Game(decision("Challenger", {
            "status quo": outcome(Challenger=0, Defender=0, label="status quo"),
            "challenge": decision("Defender", {
                "concede": outcome(Challenger="v", Defender="-v", label="concession"),
                "resist": decision("Challenger", {k: leaves[k] for k in order}),
            }),
        }), parameters=deterrence().parameters)  # fmt: skip

    edge = {"v": 1.0, "p": 0.25, "k_C": 0.5, "k_D": 1.0, "a": 0.25}
    assert kzgame.solve(game(["back down", "fight"]), **edge).outcome == "status quo"
    assert kzgame.solve(deterrence(), **edge).outcome == "status quo"
    assert kzgame.solve(game(["fight", "back down"]), **edge).outcome == "concession"
    off_edge = {**edge, "a": 0.125}  # away from the edge the order does not matter
    assert {kzgame.solve(game(o), **off_edge).outcome
            for o in (["back down", "fight"], ["fight", "back down"])} == {"status quo"}


def _symbol(g, name):
    return g.symbols[name]


def test_deterrence_thresholds_from_the_engine_gains_equal_the_literature():
    g = deterrence()
    v, p, k_C, k_D, a = (_symbol(g, k) for k in ("v", "p", "k_C", "k_D", "a"))
    gains = node_gains(g)
    fight = g.node("challenge/resist/fight").index
    back_down = g.node("challenge/resist/back down").index
    concede = g.node("challenge/concede").index

    # the resisted Challenger: fight minus back down, solved for the audience cost
    node = gains[g.node("challenge/resist").index]
    assert node.reference == back_down
    diff = node.gains[fight] - node.gains[back_down]
    assert sp.solve(diff, a) == [k_C - p * v]  # the credibility threshold a* = k_C - p v
    assert sp.simplify(sp.diff(diff, a)) == 1  # fight is more attractive as a grows

    # the Defender facing a credible threat: war minus concession, solved for k_D
    node = gains[g.node("challenge").index]
    assert node.reference == concede
    diff = node.gains[fight] - node.gains[concede]
    (k_D_star,) = sp.solve(diff, k_D)
    assert sp.simplify(k_D_star - (1 - p) * v) == 0
    assert sp.diff(diff, k_D) == -1  # resisting is less attractive the costlier war is

    # the Challenger facing a resolved Defender: war minus status quo, solved for p and k_C
    node = gains[0]
    diff = node.gains[fight] - node.gains[g.node("status quo").index]
    assert sp.solve(diff, k_C) == [p * v]
    assert sp.solve(diff, p) == [k_C / v]


def test_deterrence_gains_without_audience_costs():
    g = deterrence(audience_cost=False)
    v, p, k_D = (_symbol(g, k) for k in ("v", "p", "k_D"))
    node = node_gains(g)[g.node("challenge").index]
    diff = node.gains[g.node("challenge/fight").index]
    (k_D_star,) = sp.solve(diff, k_D)
    assert sp.simplify(k_D_star - (1 - p) * v) == 0
    assert "a" not in g.parameters
    with pytest.raises(ParameterError, match="unknown parameter"):
        kzgame.solve(g, v=1.0, p=0.5, k_C=0.1, k_D=0.1, a=0.0)


# ---------------------------------------------------------------------------
# Crisis bargaining in the shadow of war
# ---------------------------------------------------------------------------


def crisis_closed_form(x, p, c_A, c_B):
    """Fearon (1995): B accepts iff x <= p + c_B; settlement iff x in [p - c_A, p + c_B].

    Ties: B accepts, A demands, when indifferent.  Returns the outcome, the
    profile, the path and the expected payoffs.
    """
    accepts = x <= p + c_B
    war_a, war_b = p - c_A, 1 - p - c_B
    demand_value = x if accepts else war_a
    demands = demand_value >= war_a
    choices = {"root": "demand" if demands else "war",
               "demand": "accept" if accepts else "fight"}
    settles = demands and accepts
    if settles:
        return "settlement", choices, ("demand", "accept"), {"A": x, "B": 1 - x}
    path = (("demand", "fight") if demands else ("war",)) + ("A wins", "B wins")
    return WAR, choices, path, {"A": war_a, "B": war_b}


crisis_points = st.fixed_dictionaries({
    "x": grid(0, 32), "p": grid(0, 32), "c_A": grid(0, 16), "c_B": grid(0, 16),
})  # fmt: skip


@given(crisis_points)
def test_crisis_spe_equals_closed_form_and_exact_recursion(values):
    g = crisis_bargaining()
    r = kzgame.solve(g, **floats(values))
    outcome_, choices, path, payoffs = crisis_closed_form(**values)
    assert (r.outcome, r.choices, r.path) == (outcome_, choices, path)
    assert r.payoffs == {k: float(u) for k, u in payoffs.items()}  # exact on the dyadic grid
    x, p, c_A, c_B = (values[k] for k in ("x", "p", "c_A", "c_B"))
    in_range = p - c_A <= x <= p + c_B
    assert (r.outcome == "settlement") == in_range
    assert_same_spe(g, values)


@given(st.floats(0, 1), st.floats(0, 1), st.floats(0, 1), st.floats(0, 1))
def test_crisis_spe_on_arbitrary_floats_away_from_the_edges(x, p, c_A, c_B):
    g = crisis_bargaining()
    r = kzgame.solve(g, x=x, p=p, c_A=c_A, c_B=c_B)
    X, P, CA, CB = map(Fraction, (x, p, c_A, c_B))
    margin = min(abs(X - (P + CB)), abs(X - (P - CA)))
    if margin > Fraction(1, 10**9):  # the float gains' rounding cannot flip a choice here
        assert r.outcome == crisis_closed_form(X, P, CA, CB)[0]


def test_crisis_knife_edges_follow_the_tie_order():
    g = crisis_bargaining()
    # x = p + c_B: B is indifferent and accepts (listed first)
    r = kzgame.solve(g, x=0.75, p=0.5, c_A=0.25, c_B=0.25)
    assert (r.outcome, r.choices["demand"], r.ties) == ("settlement", "accept", ("demand",))
    # x = p - c_A: A is indifferent between the settlement and war, and demands
    r = kzgame.solve(g, x=0.25, p=0.5, c_A=0.25, c_B=0.25)
    assert (r.outcome, r.choices["root"], r.ties) == ("settlement", "demand", ("root",))
    # x > p + c_B: B fights; A gets war either way and demands (listed first): the war
    # comes through B's refusal, the same outcome code as A's attack
    r = kzgame.solve(g, x=1.0, p=0.5, c_A=0.25, c_B=0.25)
    assert r.path == ("demand", "fight", "A wins", "B wins") and r.ties == ("root",)
    assert r.outcome == WAR and r.code == outcome_codes(g).names.index(WAR)
    # p = 1: the war lottery is certain, but its outcome is still the set of its leaves
    r = kzgame.solve(g, x=0.0, p=1.0, c_A=0.0, c_B=0.0)
    assert r.outcome == WAR and r.path == ("war", "A wins", "B wins")


def _expected_gain(g, node_path: str, action: str) -> sp.Expr:
    """The mover's expected gain of ``action`` at a node, from ``node_gains`` and the
    chance probabilities (every node below ``action`` is a chance node or a leaf)."""
    gains = node_gains(g)[g.node(node_path).index].gains
    start = g.node(action if node_path == "root" else f"{node_path}/{action}")

    def value(info) -> sp.Expr:
        if info.kind == "outcome":
            return gains[info.index]
        assert info.kind == "chance"
        return sum(
            (q * value(g.nodes[c]) for q, c in zip(info.probabilities, info.children, strict=True)),
            sp.Integer(0),
        )

    return sp.expand(value(start))


def test_crisis_thresholds_from_the_engine_gains_equal_fearon():
    g = crisis_bargaining()
    x, p, c_A, c_B = (g.symbols[k] for k in ("x", "p", "c_A", "c_B"))
    # B: fight minus accept = x - p - c_B; B accepts iff x <= p + c_B
    fight_b = _expected_gain(g, "demand", "fight") - _expected_gain(g, "demand", "accept")
    assert sp.expand(fight_b - (x - p - c_B)) == 0
    assert sp.solve(fight_b, x) == [p + c_B]
    # A: war minus an accepted demand = p - c_A - x; A prefers war iff x < p - c_A
    war_a = _expected_gain(g, "root", "war") - node_gains(g)[0].gains[g.node("demand/accept").index]
    assert sp.expand(war_a - (p - c_A - x)) == 0
    assert sp.solve(war_a, x) == [p - c_A]
    # the bargaining range [p - c_A, p + c_B] has width c_A + c_B: never empty
    (low,), (high,) = sp.solve(war_a, x), sp.solve(fight_b, x)
    assert sp.simplify(high - low) == c_A + c_B


def test_crisis_best_demand_is_p_plus_c_B():
    # a proposer free to choose its demand: sweep x with solve; the best settlement for A
    # is the largest accepted demand, x* = p + c_B (Fearon 1995)
    g = crisis_bargaining()
    p, c_A, c_B = 0.375, 0.125, 0.25
    xs = [k / 64 for k in range(65)]
    results = [kzgame.solve(g, x=x, p=p, c_A=c_A, c_B=c_B) for x in xs]
    settled = [x for x, r in zip(xs, results, strict=True) if r.outcome == "settlement"]
    assert (min(settled), max(settled)) == (p - c_A, p + c_B)
    best = max(zip(xs, results, strict=True), key=lambda xr: xr[1].payoffs["A"])
    assert best[0] == p + c_B and best[1].payoffs["B"] == 1 - p - c_B


def test_exact_recursion_agrees_on_a_named_point():
    # the three routes side by side at one point inside the bargaining range
    g = crisis_bargaining()
    half, eighth = Fraction(1, 2), Fraction(1, 8)
    values = {"x": half, "p": half, "c_A": eighth, "c_B": eighth}
    ref = exact_spe(g, values)
    assert ref["labels"] == {"settlement"} and ref["payoffs"] == {"A": Fraction(1, 2),
                                                                   "B": Fraction(1, 2)}
    assert crisis_closed_form(**values)[0] == "settlement"
    assert kzgame.solve(g, **floats(values)).outcome == "settlement"
