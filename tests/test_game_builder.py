"""The game builder: malformed games, parser refusals, bad values, and random trees.

Every malformed game raises :class:`kzgame.errors.GameError` naming the node
(or, for a node not yet in a tree, the player and the action); every bad
parameter value raises :class:`kzgame.errors.ParameterError` naming the
parameter and its range.  Random small trees (hypothesis) are solved by the
engine and by :func:`exact_spe`, a minimal backward induction written here in
exact fractions, which walks the builder's nodes itself; the two must agree on
the strategy profile, the outcome, the path, the payoffs and the ties.
"""

from __future__ import annotations

import builtins
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

import kzgame
from kzgame.errors import GameError, ParameterError
from kzgame.game import Game, chance, decision, outcome
from kzgame.game.expr import MAX_LENGTH, parse_expression
from kzgame.game.outcomes import outcome_codes
from kzgame.game.tree import Chance, Decision, Outcome

# ---------------------------------------------------------------------------
# An independent backward induction, exact
# ---------------------------------------------------------------------------


def _fraction(expr: sp.Expr) -> Fraction:
    value = sp.nsimplify(expr) if not expr.is_Rational else expr
    assert value.is_Rational, f"{expr} is not rational at this point"
    return Fraction(int(value.p), int(value.q))


def exact_spe(game: Game, values: dict[str, Any]) -> dict[str, Any]:
    """Backward induction in exact fractions over the builder's own nodes.

    Reads from the engine only the leaves' payoffs and the chance nodes'
    probabilities as sympy expressions (``game.node(path)``); walks the tree
    from ``game.root`` recursively; at a decision node the mover takes the
    first action (in the order given) whose expected payoff is the largest.
    Returns the profile (``choices``), the set of labels reached, the path
    (at a chance node: every branch name, then each branch's path), the
    expected payoffs, and the decision nodes with more than one best action.
    """
    subs = {game.symbols[k]: sp.Rational(str(Fraction(v))) for k, v in values.items()}
    choices: dict[str, str] = {}
    ties: set[str] = set()
    k_of = {p: k for k, p in enumerate(game.players)}

    def walk(node, path: tuple[str, ...]):
        name = "/".join(path) or "root"
        if isinstance(node, Outcome):
            info = game.node(path)
            pay = [_fraction(e.xreplace(subs)) for e in info.payoffs]
            return pay, frozenset([info.label]), []
        if isinstance(node, Chance):
            probs = [_fraction(e.xreplace(subs)) for e in game.node(path).probabilities]
            parts = [walk(sub, path + (b,)) for b, _, sub in node.branches]
            pay = [sum((p * r[0][k] for p, r in zip(probs, parts, strict=True)), Fraction(0))
                   for k in range(len(game.players))]
            labels = frozenset().union(*(r[1] for r in parts))
            play = [b for b, _, _ in node.branches] + [x for r in parts for x in r[2]]
            return pay, labels, play
        assert isinstance(node, Decision)
        k = k_of[node.player]
        parts = [walk(sub, path + (a,)) for a, sub in node.actions]
        best = max(r[0][k] for r in parts)
        first = next(i for i, r in enumerate(parts) if r[0][k] == best)
        if sum(r[0][k] == best for r in parts) > 1:
            ties.add(name)
        action = node.actions[first][0]
        choices[name] = action
        pay, labels, play = parts[first]
        return pay, labels, [action] + play

    pay, labels, play = walk(game.root, ())
    return {
        "choices": choices,
        "labels": labels,
        "path": tuple(play),
        "payoffs": dict(zip(game.players, pay, strict=True)),
        "ties": ties,
    }


def assert_same_spe(game: Game, values: dict[str, Any], atol: float = 0.0) -> None:
    """The engine's SPE (``kzgame.solve``) equals :func:`exact_spe` at ``values``."""
    r = kzgame.solve(game, atol=atol, **{k: float(v) for k, v in values.items()})
    ref = exact_spe(game, values)
    codes = outcome_codes(game)
    assert r.choices == ref["choices"]
    assert codes.sets[r.code] == ref["labels"]
    assert r.outcome == " + ".join(sorted(ref["labels"], key=game.outcomes.index))
    assert r.path == ref["path"]
    assert set(r.ties) == ref["ties"]
    for player, value in ref["payoffs"].items():
        assert r.payoffs[player] == pytest.approx(float(value), abs=1e-9)


# ---------------------------------------------------------------------------
# Random small trees
# ---------------------------------------------------------------------------

PLAYERS = ("P1", "P2", "P3")
THETA = sp.Symbol("theta")


@st.composite
def random_games(draw, dyadic: bool) -> Game:
    """A random game: depth <= 3, branching 1-3, 1-3 players, chance, payoffs a + b*theta;
    some two-branch lotteries have the probability a parameter q in [0, 1].

    ``dyadic``: every number is a multiple of 1/4 and every probability of 1/4,
    so that the engine's float arithmetic is exact and exact ties are frequent.
    Otherwise numbers have denominators up to 6 and probabilities are any
    rational weights (ties are then decided with a small atol, see the test).
    """
    players = PLAYERS[: draw(st.integers(1, 3))]
    with_theta = draw(st.booleans())
    allow_chance = draw(st.booleans())
    with_q = allow_chance and draw(st.booleans())  # a probability that is a parameter

    def number() -> Fraction:
        if dyadic:
            return Fraction(draw(st.integers(-8, 8)), 4)
        return Fraction(draw(st.integers(-6, 6)), draw(st.integers(1, 6)))

    def payoff() -> Any:
        a = number()
        b = number() if with_theta and draw(st.booleans()) else Fraction(0)
        form = draw(st.sampled_from(["fraction", "string", "sympy"]))
        if b == 0 and form == "fraction":
            return a
        if form == "sympy":
            return sp.Rational(a.numerator, a.denominator) + sp.Rational(
                b.numerator, b.denominator
            ) * (THETA if with_theta else 0)
        text = f"({a.numerator})/({a.denominator})"
        if with_theta:
            text += f" + ({b.numerator})/({b.denominator})*theta"
        return text

    def probabilities(n: int) -> list[Any]:
        if dyadic:
            cuts = sorted(draw(st.lists(st.integers(0, 4), min_size=n - 1, max_size=n - 1)))
            edges = [0, *cuts, 4]
            weights = [edges[i + 1] - edges[i] for i in range(n)]
            total = 4
        else:
            weights = draw(st.lists(st.integers(0, 3), min_size=n, max_size=n))
            if sum(weights) == 0:
                weights[0] = 1
            total = sum(weights)
        probs = [Fraction(w, total) for w in weights]
        return [p if draw(st.booleans()) else f"{p.numerator}/{p.denominator}" for p in probs]

    def node(depth: int):
        if depth == 3 or (depth > 0 and draw(st.integers(0, 2)) == 0):
            label = draw(st.sampled_from([None, "L0", "L1", "L2"]))
            return outcome({p: payoff() for p in players}, label=label)
        n = draw(st.integers(1, 3))
        if allow_chance and draw(st.integers(0, 3)) == 0:
            if with_q and n == 2 and draw(st.booleans()):
                probs = draw(st.sampled_from([["q", "1 - q"], ["1 - q", sp.Symbol("q")]]))
            else:
                probs = probabilities(n)
            return chance({f"b{i}": (probs[i], node(depth + 1)) for i in range(n)})
        player = draw(st.sampled_from(players))
        return decision(player, {f"a{i}": node(depth + 1) for i in range(n)})

    root = node(0)
    parameters = {"theta": "real"} if with_theta else {}
    if with_q:
        parameters["q"] = "unit"
    return Game(root, parameters=parameters, players=players)


def _values(game: Game, theta: Fraction, q: Fraction) -> dict[str, Fraction]:
    return {k: v for k, v in (("theta", theta), ("q", q)) if k in game.parameters}


@given(random_games(dyadic=True), st.integers(-8, 8).map(lambda k: Fraction(k, 4)),
       st.integers(0, 4).map(lambda k: Fraction(k, 4)))
def test_random_dyadic_trees_match_exact_recursion_with_exact_ties(game, theta, q):
    # every number a multiple of 1/4: the engine's floats are exact, atol = 0
    assert_same_spe(game, _values(game, theta, q), atol=0.0)


@given(random_games(dyadic=False), st.integers(-12, 12).map(lambda k: Fraction(k, 6)),
       st.integers(0, 6).map(lambda k: Fraction(k, 6)))
def test_random_rational_trees_match_exact_recursion(game, theta, q):
    # thirds and fifths are not exact in float64: distinct exact values differ by more
    # than 1e-7 here (denominators <= 6 * 9**3 * 6), rounding errors are ~1e-15, so
    # atol = 1e-9 turns exactly the exact ties into ties
    assert_same_spe(game, _values(game, theta, q), atol=1e-9)


def test_exact_spe_sees_a_tie_the_engine_decides_the_same_way():
    # a hand-made check of the test's own recursion: a three-way tie broken by order
    g = Game(decision("A", {"x": outcome(A=1), "y": outcome(A=1), "z": outcome(A=0)}))
    ref = exact_spe(g, {})
    assert ref["choices"] == {"root": "x"} and ref["ties"] == {"root"}
    assert_same_spe(g, {})


# ---------------------------------------------------------------------------
# Malformed games: GameError naming the node
# ---------------------------------------------------------------------------


def _raises(fn, *fragments: str, error: type[Exception] = GameError) -> str:
    with pytest.raises(error) as info:
        fn()
    msg = str(info.value)
    for fragment in fragments:
        assert fragment in msg, (fragment, msg)
    return msg


def test_action_without_subtree_names_player_and_action():
    _raises(lambda: decision("Defender", {"concede": outcome(D=0), "fight": None}),
            "Defender", "'fight'", "no subtree")
    _raises(lambda: decision("Defender", {"fight": "war"}), "Defender", "'fight'", "no subtree")


def test_duplicate_action_names():
    _raises(lambda: decision("A", [("x", outcome(A=1)), ("x", outcome(A=2))]),
            "A's decision", "duplicate", "x")
    _raises(lambda: chance([("h", ("1/2", outcome(A=1))), ("h", ("1/2", outcome(A=0)))]),
            "duplicate branch", "h")


def test_names_that_would_make_node_paths_ambiguous():
    # 'a/b' would be both a top-level action and the path a -> b; 'root' the root's name;
    # '@a' the name kzgame gives node a's singleton information set
    _raises(lambda: decision("A", {"a/b": outcome(A=1)}), "A's decision", "'a/b'", "'/'")
    _raises(lambda: chance({"h/t": ("1", outcome(A=1))}), "chance branch", "'h/t'", "'/'")
    _raises(lambda: decision("A", {"root": outcome(A=1)}), "'root' is reserved")
    _raises(lambda: decision("B", {"l": outcome(A=1)}, infoset="@a"), "'@a'", "reserved")


def test_decision_without_actions_or_player():
    _raises(lambda: decision("A", {}), "A's decision has no actions")
    _raises(lambda: decision("", {"x": outcome(A=1)}), "player")


@pytest.mark.parametrize(("probs", "fragment"), [
    (("3/2", "-1/2"), "probability of 'h' is 3/2, outside [0, 1]"),
    ((-0.25, 1.25), "probability of 'h' is -1/4, outside [0, 1]"),
    (("1/2", "1/3"), "sum to 5/6, not 1"),
    ((0.5, 0.6), "sum to 11/10, not 1"),
    (("p", "p"), "sum to 2*p, not 1"),
])  # fmt: skip
def test_chance_probabilities_in_unit_interval_and_summing_to_one(probs, fragment):
    def build():
        return Game(
            decision("A", {
                "safe": outcome(A=0),
                "gamble": chance({"h": (probs[0], outcome(A=1)), "t": (probs[1], outcome(A=-1))}),
            }),
            parameters={"p": "unit"},
        )  # fmt: skip

    _raises(build, "chance node 'gamble'", fragment)


def test_symbolic_probability_outside_unit_interval_fails_at_solve_naming_the_node():
    g = Game(
        decision("A", {
            "safe": outcome(A=0),
            "gamble": chance({"h": ("2*p", outcome(A=1)), "t": ("1 - 2*p", outcome(A=-1))}),
        }),
        parameters={"p": "unit"},
    )  # fmt: skip
    assert kzgame.solve(g, p=0.25).choices == {"root": "safe"}  # 0.5 - 0.5 = 0: a tie
    _raises(lambda: kzgame.solve(g, p=0.75), "chance node 'gamble'", "'h'", "1.5",
            "outside [0, 1]", error=ParameterError)


def test_payoff_naming_an_undeclared_parameter():
    _raises(lambda: Game(decision("A", {"x": outcome(A="v - k", B=0)}), parameters={"v": "real"}),
            "leaf 'x'", "payoff of A", "'k' is not a declared parameter")
    _raises(lambda: Game(decision("A", {"x": outcome(A=sp.Symbol("zz"), B=0)})),
            "leaf 'x'", "payoff of A", "zz not declared")
    _raises(lambda: Game(chance({"h": ("q", outcome(A=1)), "t": ("1 - q", outcome(A=0))})),
            "chance node 'root'", "branch 'h'", "'q' is not a declared parameter")


def _two_b_nodes(second_player: str = "B", second_actions: tuple[str, str] = ("l", "r")):
    pay = {"A": 0, "B": 0, "C": 0}
    return Game(decision("A", {
        "x": decision("B", {"l": outcome(pay), "r": outcome(pay)}, infoset="I"),
        "y": decision(second_player, {second_actions[0]: outcome(pay),
                                      second_actions[1]: outcome(pay)}, infoset="I"),
    }))  # fmt: skip


def test_information_set_mixing_players():
    _raises(lambda: _two_b_nodes(second_player="C"),
            "information set 'I' mixes players 'B'", "'x'", "'C'", "'y'")


def test_information_set_mixing_action_sets():
    _raises(lambda: _two_b_nodes(second_actions=("l", "m")),
            "information set 'I'", "node 'y' has actions ['l', 'm']", "node 'x' has ['l', 'r']")


def test_information_set_holding_a_node_and_its_descendant():
    inner = decision("A", {"l": outcome(A=0), "r": outcome(A=1)}, infoset="I")
    _raises(lambda: Game(decision("A", {"l": inner, "r": outcome(A=1)}, infoset="I")),
            "information set 'I'", "ancestor")


def test_player_without_a_payoff_at_some_leaf():
    _raises(lambda: Game(decision("A", {"x": outcome(A=1, B=2), "y": outcome(A=1)})),
            "leaf 'y': no payoff for player 'B'")
    _raises(lambda: Game(decision("A", {"x": outcome(A=1)}), players=["A", "B"]),
            "leaf 'x': no payoff for player 'B'")
    _raises(lambda: Game(decision("A", {"x": outcome(A=1, Z=0)}), players=["A"]),
            "leaf 'x': payoff for unknown player(s) Z")


def test_a_label_that_reads_like_a_chance_outcome_is_refused():
    g = Game(decision("A", {
        "x": outcome(A=0, label="win + lose"),
        "gamble": chance({"w": ("1/2", outcome(A=1, label="win")),
                          "l": ("1/2", outcome(A=-1, label="lose"))}),
    }))  # fmt: skip
    _raises(lambda: outcome_codes(g), "outcome name 'win + lose' is ambiguous", "'win', 'lose'")
    _raises(lambda: kzgame.solve(g), "ambiguous")


def test_node_used_twice():
    leaf = outcome(A=1)
    _raises(lambda: Game(decision("A", {"x": leaf, "y": leaf})), "node 'y'", "also appears")


def test_bad_parameter_declarations():
    _raises(lambda: Game(outcome(A="v"), parameters={"v": "huge"}), "unknown domain 'huge'")
    _raises(lambda: Game(outcome(A="v"), parameters={"v w": "real"}), "not a Python identifier")
    _raises(lambda: Game(outcome(A="v"), parameters=["v"]), "'v' is not in the registry")


# ---------------------------------------------------------------------------
# The parser refuses everything but arithmetic on declared parameters
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "fragment"), [
    ("open('/etc/passwd')", "a call of open is not allowed"),
    ("__import__('os').system('true')", "not allowed"),
    ("eval('1')", "a call of eval is not allowed"),
    ("sqrt(v, base=2)", "positional arguments only"),
    ("v.real", "Attribute is not allowed"),
    ("().__class__", "Attribute is not allowed"),
    ("__builtins__", "'__builtins__' is not a declared parameter"),
    ("__class__", "'__class__' is not a declared parameter"),
    ("lambda: 1", "Lambda is not allowed"),
    ("(lambda: 1)()", "not allowed"),
    ("[v][0]", "not allowed"),
    ("v if v else 1", "IfExp is not allowed"),
    ("v > 1", "Compare is not allowed"),
    ("(w := 1)", "NamedExpr is not allowed"),
    ("'text'", "'text' is not a number"),
    ("True", "True is not a number"),
    ("v +", "is not an expression"),
    ("v; 1", "is not an expression"),
    ("1/0", "divides by zero"),
    ("2**10**10", "exceeds 100"),
    ("(10**100)**100", "digits"),
    ("log(0)", "not finite"),
    ("sqrt(-1)", "not a real number"),
    ("+".join(["v"] * (MAX_LENGTH // 2 + 1)), f"longer than {MAX_LENGTH} characters"),
    ("-" * 100 + "v", "nested more than"),
])  # fmt: skip
def test_parser_refusals(text, fragment):
    _raises(lambda: parse_expression(text, {"v": sp.Symbol("v", real=True)}, where="leaf 'x'"),
            "leaf 'x'", fragment)


def test_parser_refusal_in_a_game_names_the_leaf():
    tree = decision("A", {"x": outcome(A="v.__class__", B=0), "y": outcome(A=0, B=0)})
    _raises(lambda: Game(tree, parameters={"v": "real"}),
            "leaf 'x', payoff of A", "Attribute is not allowed")


def test_parser_never_evaluates_text(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("text was evaluated")

    monkeypatch.setattr(builtins, "eval", refuse)
    monkeypatch.setattr(builtins, "exec", refuse)
    monkeypatch.setattr(sp, "sympify", sp.sympify)  # the parser may sympify sympy objects only
    monkeypatch.setattr("sympy.parsing.sympy_parser.parse_expr", refuse)
    g = Game(decision("A", {"x": outcome(A="Max(v, 0.1)*2 - v**2/3", B="-v")}),
             parameters={"v": "real"})
    v = g.symbols["v"]
    assert g.payoff("x", "A") == 2 * sp.Max(v, sp.Rational(1, 10)) - v**2 / 3


def test_decimals_are_exact():
    g = Game(chance({"h": ("0.1", outcome(A=1)), "t": (0.9, outcome(A=0))}))
    assert g.nodes[0].probabilities == (sp.Rational(1, 10), sp.Rational(9, 10))


# ---------------------------------------------------------------------------
# Parameter values
# ---------------------------------------------------------------------------

DET = Game(
    decision("Challenger", {
        "status quo": outcome(Challenger=0, Defender=0),
        "challenge": decision("Defender", {
            "concede": outcome(Challenger="v", Defender="-v"),
            "fight": outcome(Challenger="p*v - k_C", Defender="-p*v - k_D"),
        }),
    }),
    parameters={"v": "positive", "p": "unit", "k_C": "nonnegative", "k_D": "nonnegative"},
)  # fmt: skip
GOOD = {"v": 1.0, "p": 0.5, "k_C": 0.1, "k_D": 0.2}


@pytest.mark.parametrize(("name", "value", "allowed"), [
    ("v", 0.0, "(0, inf)"),
    ("v", -1.0, "(0, inf)"),
    ("p", 1.5, "[0, 1]"),
    ("p", -1e-12, "[0, 1]"),
    ("k_C", -0.1, "[0, inf)"),
    ("k_D", float("nan"), "[0, inf)"),
    ("k_D", float("inf"), "[0, inf)"),
])  # fmt: skip
def test_values_out_of_domain_name_parameter_and_range(name, value, allowed):
    for fn in (lambda: DET.values({**GOOD, name: value}),
               lambda: kzgame.solve(DET, **{**GOOD, name: value})):
        msg = _raises(fn, f"{name} = ", allowed, error=ParameterError)
        assert msg.startswith(f"{name} = ")


def test_values_unknown_missing_and_not_scalar():
    _raises(lambda: DET.values({**GOOD, "q": 1.0}), "unknown parameter(s) q", "v, p, k_C, k_D",
            error=ParameterError)
    _raises(lambda: kzgame.solve(DET, v=1.0, p=0.5), "missing parameter(s): k_C, k_D",
            error=ParameterError)
    _raises(lambda: DET.values({**GOOD, "p": np.array([0.1, 0.2])}), "p must be a single number",
            error=ParameterError)
    _raises(lambda: DET.values({**GOOD, "p": True}), "p must be a single number",
            error=ParameterError)
    _raises(lambda: DET.values({**GOOD, "p": "half"}), "p must be a number", error=ParameterError)
    assert DET.values(GOOD) == GOOD
    arrays = DET.values({**GOOD, "p": [0.1, 0.2]}, arrays=True)
    assert arrays["p"].tolist() == [0.1, 0.2]


def test_solve_refuses_multi_node_information_sets():
    g = _two_b_nodes()
    _raises(lambda: kzgame.solve(g), "solve needs perfect information",
            "information set 'I' holds nodes 'x', 'y'")
    assert not g.perfect_information
    assert g.infosets["I"] == (g.node("x").index, g.node("y").index)


def test_gains_that_are_not_finite_name_the_node_and_leaf():
    g = Game(decision("A", {"x": outcome(A=0), "y": outcome(A="t*u - s*w")}),
             parameters={k: "real" for k in "tusw"})
    big = 1e200  # t*u and s*w overflow to inf: inf - inf is NaN, inf + inf is inf
    _raises(lambda: kzgame.solve(g, t=big, u=big, s=big, w=big),
            "a gain is not defined at node 'root', leaf 'y'", "t=1e+200", error=ParameterError)
    _raises(lambda: kzgame.solve(g, t=big, u=big, s=-big, w=big),
            "a gain is infinite at node 'root', leaf 'y'", "overflow", error=ParameterError)


def test_solve_refuses_a_bad_atol():
    for bad in (-1.0, float("nan"), "0"):
        _raises(lambda bad=bad: kzgame.solve(DET, atol=bad, **GOOD), "atol", error=ParameterError)
