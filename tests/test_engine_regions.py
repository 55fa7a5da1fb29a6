"""Regions and boundaries of any game (kzgame.analysis.games) against the engine's solve.

Three ways: the symbolic regions and roots; the engine's backward induction
(kzgame.solve on the generated gains); an independent oracle (tests/oracle.py
for the period game's closed forms; for random trees, a minimal backward
induction in exact rationals written here).  Points on a dyadic grid make
exact ties frequent, so the tie rule is exercised, not just generic points.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import oracle
import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import tie_prone_params

import kzgame
from kzgame.analysis import boundary, boundary_statics, outcome_region, smallest_flips
from kzgame.analysis.games import comparisons, locate
from kzgame.errors import KzgameError, ParameterError
from kzgame.game import Game, chance, decision, outcome
from kzgame.game.outcomes import outcome_codes
from kzgame.games import period

PROTOCOLS = tuple(kzgame.PROTOCOLS)
STRATEGIES = ("accept", "invest", "hold-up", "exit")


# ---------------------------------------------------------------------------
# the period game
# ---------------------------------------------------------------------------


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(p=tie_prone_params() | tie_prone_params().map(lambda d: {**d, "holdup_cost": 0.0}),
       protocol=st.sampled_from(PROTOCOLS))
def test_period_regions_agree_with_solve_and_the_oracle(p, protocol):
    game = period(protocol)
    spe = kzgame.solve(game, **p)
    inside = [bool(outcome_region(game, s).func(**p)) for s in STRATEGIES]
    assert sum(inside) == 1 and STRATEGIES[inside.index(True)] == spe.outcome
    # the oracle's closed forms (dyadic points: float arithmetic exact, ties exact)
    assert STRATEGIES[int(oracle.classify(protocol, **p))] == spe.outcome


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_period_regions_match_the_period_api_symbolically(protocol):
    """The generic region of the period tree equals kzgame.region's (the period API)."""
    game = period(protocol)
    from kzgame.analysis.statics import sample

    pts = {k: v for k, v in sample(2000, seed=3).items()}
    for s in STRATEGIES:
        generic = outcome_region(game, s).func(**pts)
        api = kzgame.region(s, protocol).func(**pts)
        clear = ~kzgame.near_boundary(protocol=protocol, **pts)
        assert np.array_equal(generic[clear], api[clear]), s
        assert generic[clear].any() or s in ("exit",) or not api[clear].any()
    # kzgame.region dispatches on a game
    assert kzgame.region(game, "exit").outcome == "exit"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(p=tie_prone_params(), protocol=st.sampled_from(PROTOCOLS),
       name=st.sampled_from(["indispensability", "outside_r", "survival", "invest_cost",
                             "holdup_cost", "share"]),
       pair=st.sampled_from([("hold-up", "accept"), ("invest", "accept"), ("exit", "hold-up"),
                             ("hold-up", "invest"), ("exit", "accept")]))
def test_period_boundaries_both_sides_and_the_root(p, protocol, name, pair):
    """At every root of the generic boundary: the oracle's G_a - G_b has the predicted sign
    on both sides, ~0 at the root, and solve agrees with the regions at all three points."""
    game = period(protocol)
    b = boundary(game, name, pair)
    roots, signs = b.crossings(**p)
    dom = game.parameters[name].domain
    syms = list(game.symbols.values())
    for root, r, s in zip(b.roots, roots.ravel(), signs.ravel(), strict=True):
        if not np.isfinite(r):
            continue
        engine_d = sp.lambdify(syms, root.difference)
        step = 1e-6 * max(1.0, abs(r))
        for x, want in ((r - step, -s), (r + step, s), (r, 0)):
            if not dom.contains(x):
                continue
            q = {**p, name: x}
            d = float(engine_d(**{**game.values(q)}))
            gains = oracle.gains(protocol, **q)
            vals = {"accept": 0.0, "invest": gains[0], "hold-up": gains[1], "exit": gains[3]}
            scale = 1 + abs(q["outside_r"]) + abs(q["outside_e"]) + 2
            if root.node == "root" and abs(d - (vals[pair[0]] - vals[pair[1]])) <= 1e-9 * scale:
                d = vals[pair[0]] - vals[pair[1]]  # the oracle's comparison (not a refused hold-up)
            if want == 0:
                assert abs(d) <= 1e-9 * scale, (r, d)
            elif abs(d) > 1e-9 * scale:
                assert np.sign(d) == want, (x, d, s)
            spe = kzgame.solve(game, **q)
            assert bool(outcome_region(game, spe.outcome).func(**q))


def test_outside_option_exit_hold_up_has_no_root_at_h_zero():
    """Issue 15: exit never beats a hold-up when h = 0 (they tie for Delta_R < 0, hold-up wins
    the tie), so the exit/hold-up threshold in o_R has no root there; with h > 0 it has one."""
    p = dict(share=0.5, outside_e=0.0, indispensability=0.5, survival=0.8, invest_cost=0.05)
    t = kzgame.threshold("outside_r", ("exit", "hold-up"), "outside-option")
    assert math.isnan(float(t.func(**p, holdup_cost=0.0)))
    assert float(t.func(**p, holdup_cost=0.08)) == pytest.approx(0.5 - 0.08 / 0.8)
    for name in ("share", "surplus"):  # another member of the class: the same in s and V
        t2 = kzgame.threshold(name, ("exit", "hold-up"), "outside-option")
        assert math.isnan(float(t2.func(**{**p, "outside_r": 0.3, "holdup_cost": 0.0})))
        assert np.isfinite(float(t2.func(**{**p, "outside_r": 0.3, "holdup_cost": 0.05})))
    # and the classifier agrees: along o_R with h = 0, exit is chosen only where E would
    # refuse a hold-up (the oracle's concession margin < 0), never by beating a conceded one
    xs = np.linspace(-1, 2, 301)
    codes = kzgame.classify(protocol="outside-option", **p, outside_r=xs, holdup_cost=0.0)
    margin = oracle.gains("outside-option", **p, outside_r=xs, holdup_cost=0.0)[4]
    assert (codes == 3).any() and not ((codes == 3) & (margin >= 0)).any()
    # the generic engine says the same
    # (R's comparison at the root; the node hold-up's is E's concession, a genuine boundary)
    b = boundary(period("outside-option"), "outside_r", ("exit", "hold-up"))
    at_root = [k for k, r in enumerate(b.roots) if r.node == "root"]
    assert at_root and np.isnan(b.crossings(**p, holdup_cost=0.0)[0][at_root]).all()
    assert np.isfinite(b.crossings(**p, holdup_cost=0.08)[0][at_root]).any()


def test_assume_holds_at_the_root_not_at_the_point():
    """Issue 15: ``assume`` on a stake that contains the solved parameter is checked at x*."""
    t = kzgame.threshold("outside_r", ("hold-up", "accept"), assume={"stake_r": "positive"})
    assert not t.condition.has(sp.Symbol("outside_r", real=True))
    p = dict(share=0.5, outside_e=0.0, indispensability=0.5, survival=0.8, invest_cost=0.05)
    # o_R* = 0.5 - (0.5 * 0.5 * 0.5 * 0.8) / (0.5 * 0.8) = 0.25: Delta_R* = 0.25 > 0, a root,
    # whatever the point's own o_R (the function does not need it)
    assert float(t.func(**p)) == pytest.approx(0.25)
    assert float(t.func(**p, outside_r=0.9)) == pytest.approx(0.25)  # Delta_R < 0 here
    # another member: Delta_E assumed negative, iota* needs Delta_E at the root (E's stake
    # does not contain iota): unchanged; in o_E it does: checked at o_E*
    t2 = kzgame.threshold("outside_e", ("hold-up", "accept"), assume={"stake_e": "negative"})
    q = dict(share=0.5, outside_r=0.3, indispensability=0.5, survival=0.8, invest_cost=0.05)
    root = float(kzgame.threshold("outside_e", ("hold-up", "accept")).func(**q))
    stake_e_at_root = 0.5 - root
    assert math.isnan(float(t2.func(**q))) == (stake_e_at_root >= 0)


# ---------------------------------------------------------------------------
# two games of the literature
# ---------------------------------------------------------------------------


def deterrence() -> Game:
    return Game(
        decision("Challenger", {
            "status quo": outcome(Challenger=0, Defender=0),
            "challenge": decision("Defender", {
                "concede": outcome(Challenger="v", Defender="-v"),
                "fight": outcome(Challenger="p*v - k_C", Defender="-p*v - k_D"),
            }),
        }),
        parameters={"v": "positive", "p": "unit", "k_C": "nonnegative", "k_D": "nonnegative"},
    )  # fmt: skip


def test_deterrence_thresholds_are_the_textbook_ones():
    """The Defender fights iff k_D < (1 - p) v; against a fighting Defender the Challenger
    challenges iff k_C < p v (ties: concede, status quo)."""
    g = deterrence()
    v, p, k_C = (g.symbols[k] for k in ("v", "p", "k_C"))
    b = boundary(g, "k_D", ("challenge/concede", "challenge/fight"))
    assert len(b.roots) == 1 and sp.simplify(b.roots[0].root - (1 - p) * v) == 0
    assert (b.above, b.below) == ("challenge/concede", "challenge/fight")
    c = boundary(g, "k_C", ("status quo", "challenge/fight"))
    assert len(c.roots) == 1 and sp.simplify(c.roots[0].root - p * v) == 0
    assert (c.above, c.below) == ("status quo", "challenge/fight")
    # the root holds only where the Defender fights: k_D < (1 - p) v
    assert float(c.func(v=1.0, p=0.5, k_D=0.1)) == 0.5
    assert math.isnan(float(c.func(v=1.0, p=0.5, k_D=0.9)))
    assert kzgame.threshold(g, "k_C", ("status quo", "challenge/fight")).expr == c.expr
    st_ = boundary_statics(g, "k_C", ("status quo", "challenge/fight"))
    assert st_["v"] == ("+", "symbolic") and st_["p"] == ("+", "symbolic")


def crisis_bargaining() -> Game:
    """Fearon (1995): the Defender offers x or less; the Challenger accepts or fights, winning
    with probability p at costs c_A, c_D; here a take-it-or-leave-it offer x."""
    return Game(
        decision("D", {
            "offer": decision("A", {
                "accept": outcome(A="x", D="1 - x", label="settle"),
                "war": outcome(A="p - c_A", D="1 - p - c_D", label="war"),
            }),
            "nothing": decision("A", {
                "accept": outcome(A=0, D=1, label="status quo"),
                "war": outcome(A="p - c_A", D="1 - p - c_D", label="war"),
            }),
        }),
        parameters={"x": "unit", "p": "unit", "c_A": "nonnegative", "c_D": "nonnegative"},
    )  # fmt: skip


def test_crisis_bargaining_accepts_offers_above_p_minus_c():
    g = crisis_bargaining()
    b = boundary(g, "x", ("settle", "war"))
    p, c_A, c_D = g.symbols["p"], g.symbols["c_A"], g.symbols["c_D"]
    # A accepts iff x >= p - c_A; D prefers a settlement to war iff x <= p + c_D
    by_node = {r.node: r.root for r in b.roots}
    assert sp.simplify(by_node["offer"] - (p - c_A)) == 0
    assert sp.simplify(by_node["root"] - (p + c_D)) == 0
    rng = np.random.default_rng(5)
    for _ in range(200):
        vals = {k: float(Fraction(int(rng.integers(0, 9)), 8)) for k in ("x", "p", "c_A", "c_D")}
        spe = kzgame.solve(g, **vals)
        regions = [bool(outcome_region(g, o).func(**vals)) for o in outcome_codes(g).names]
        assert regions.count(True) == 1
        assert outcome_codes(g).names[regions.index(True)] == spe.outcome
        # closed form: A accepts x iff x >= p - c_A; D offers iff that beats war and nothing
        expected_offer = "settle" if vals["x"] >= vals["p"] - vals["c_A"] else "war"
        assert spe.choices["offer"] == ("accept" if expected_offer == "settle" else "war")


# ---------------------------------------------------------------------------
# random small trees against an exact backward induction written here
# ---------------------------------------------------------------------------

PLAYERS = ("A", "B")
HALVES = [("1/2", "1/2"), ("1/4", "3/4"), ("3/4", "1/4")]


@st.composite
def trees(draw, depth: int = 0, counter=None):
    counter = counter if counter is not None else [0]
    kinds = ["leaf"] if depth >= 3 else ["leaf", "decision", "decision", "chance"]
    kind = draw(st.sampled_from(kinds)) if depth > 0 else "decision"
    if kind == "leaf":
        counter[0] += 1

        def pay():
            c0, c1, c2 = (draw(st.integers(-2, 2)) for _ in range(3))
            return f"{c0} + {c1}*a + {c2}*b"

        return outcome(A=pay(), B=pay(), label=f"o{counter[0]}")
    if kind == "chance":
        pa, pb = draw(st.sampled_from(HALVES))
        return chance({"h": (pa, draw(trees(depth + 1, counter))),
                       "t": (pb, draw(trees(depth + 1, counter)))})
    n = draw(st.integers(2, 3))
    player = draw(st.sampled_from(PLAYERS))
    return decision(player, {f"m{k}": draw(trees(depth + 1, counter)) for k in range(n)})


def random_game(tree) -> Game:
    return Game(tree, parameters={"a": "real", "b": "real"}, players=PLAYERS)


def exact_spe(game: Game, values: dict[str, Fraction]) -> frozenset[str]:
    """Backward induction in exact rationals: the labels reached (first best action wins)."""
    subs = {game.symbols[k]: sp.Rational(v) for k, v in values.items()}

    def solve(i: int) -> tuple[list[Fraction], frozenset[str]]:
        node = game.nodes[i]
        if node.kind == "outcome":
            return [Fraction(str(sp.nsimplify(u.subs(subs)))) for u in node.payoffs], \
                frozenset([node.label])
        kids = [solve(c) for c in node.children]
        if node.kind == "chance":
            probs = [Fraction(str(p)) for p in node.probabilities]
            pays = [sum(pr * k[0][j] for pr, k in zip(probs, kids, strict=True))
                    for j in range(len(game.players))]
            return pays, frozenset().union(*(k[1] for k in kids))
        j = game.players.index(node.player)
        best = max(k[0][j] for k in kids)
        return next(k for k in kids if k[0][j] == best)

    return solve(0)[1]


dyadic = st.integers(-12, 12).map(lambda k: Fraction(k, 4))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tree=trees(), points=st.lists(st.tuples(dyadic, dyadic), min_size=3, max_size=6))
def test_random_tree_regions_agree_with_solve_and_exact_induction(tree, points):
    game = random_game(tree)
    codes = outcome_codes(game)
    for a, b in points:
        vals = {"a": float(a), "b": float(b)}
        labels = exact_spe(game, {"a": a, "b": b})
        spe = kzgame.solve(game, **vals)
        assert codes.sets[spe.code] == labels
        inside = [bool(outcome_region(game, k).func(**vals)) for k in range(len(codes.names))]
        assert inside.count(True) == 1 and inside.index(True) == spe.code
    # vectorized: the region functions broadcast and still partition
    aa = np.array([float(a) for a, _ in points])
    bb = np.array([float(b) for _, b in points])
    stack = np.stack([outcome_region(game, k).func(a=aa, b=bb) for k in range(len(codes.names))])
    assert (stack.sum(axis=0) == 1).all()


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tree=trees(), b=dyadic)
def test_random_tree_every_switch_along_a_is_a_boundary_root(tree, b):
    """Scanning a, every change of the exact SPE outcome lies at a root of some boundary, and
    at each root the regions agree with solve on both sides and at the root itself."""
    game = random_game(tree)
    pairs = {(na, nb) for _, na, nb, _, _ in comparisons(game) if na != nb}
    roots: list[float] = []
    for pair in pairs:
        r, _ = boundary(game, "a", pair).crossings(b=float(b))
        roots += [float(x) for x in r.ravel() if np.isfinite(x)]
    grid = [Fraction(k, 8) for k in range(-40, 41)]
    out = [exact_spe(game, {"a": x, "b": b}) for x in grid]
    for x0, x1, o0, o1 in zip(grid, grid[1:], out, out[1:], strict=False):
        if o0 != o1:
            assert any(float(x0) - 1e-9 <= r <= float(x1) + 1e-9 for r in roots), (x0, x1)
    codes = outcome_codes(game)
    for r in roots[:12]:
        for x in (r - 1e-7 * max(1, abs(r)), r, r + 1e-7 * max(1, abs(r))):
            spe = kzgame.solve(game, a=x, b=float(b))
            assert bool(outcome_region(game, codes.names[spe.code]).func(a=x, b=float(b)))


# ---------------------------------------------------------------------------
# exact, quadratic and numeric roots; statics; flips; errors
# ---------------------------------------------------------------------------


def test_quadratic_and_numeric_roots():
    g = Game(decision("A", {"x": outcome(A="a**2 - 2"), "y": outcome(A=0)}),
             parameters={"a": "real"})
    b = boundary(g, "a", ("x", "y"))
    assert b.method == "exact"
    assert sorted(float(sp.N(r.root)) for r in b.roots) == pytest.approx([-2**0.5, 2**0.5])
    # a numeric root: a cubic (no closed form is attempted above degree 2)
    h = Game(decision("A", {"x": outcome(A="a**3 - a - 1"), "y": outcome(A=0)}),
             parameters={"a": (-5, 5)})
    n = boundary(h, "a", ("x", "y"))
    assert n.method == "numeric"
    real = [float(sp.re(z)) for z in sp.Poly(sp.Symbol("t")**3 - sp.Symbol("t") - 1).nroots()
            if abs(sp.im(z)) < 1e-12]
    assert float(n.func()) == pytest.approx(real[0], abs=1e-10)
    # on both sides of the root solve switches, and at the root the tie rule is not contradicted
    r = float(n.func())
    assert kzgame.solve(h, a=r - 1e-6).outcome == "y"
    assert kzgame.solve(h, a=r + 1e-6).outcome == "x"


def test_max_branches_and_the_kink():
    """D = Max(a, 0) - b: the root a* = b on the branch a > 0 only (b > 0)."""
    g = Game(decision("A", {"x": outcome(A="Max(a, 0)"), "y": outcome(A="b")}),
             parameters={"a": "real", "b": "real"})
    bnd = boundary(g, "a", ("x", "y"))
    assert float(bnd.func(b=0.5)) == 0.5
    assert math.isnan(float(bnd.func(b=-0.5)))  # x always beats y: no switch in a
    xs = np.linspace(-2, 2, 81)
    codes = [kzgame.solve(g, a=x, b=-0.5).outcome for x in xs]
    assert set(codes) == {"x"}


def test_smallest_flips_of_a_game_converge_to_adjacent_floats():
    g = deterrence()
    base = dict(v=1.0, p=0.5, k_C=0.2, k_D=0.1)
    assert kzgame.solve(g, **base).outcome == "challenge/fight"
    flips = {(f.parameter, f.direction): f for f in smallest_flips(g, **base)}
    f = flips[("k_D", "increase")]
    assert f.critical == pytest.approx(0.5) and f.new_outcome == "challenge/concede"
    assert kzgame.solve(g, **{**base, "k_D": f.value}).outcome == f.new_outcome
    before = float(np.nextafter(f.value, -np.inf))
    assert kzgame.solve(g, **{**base, "k_D": before}).outcome == "challenge/fight"
    # tiny scales: no absolute floor (issue 15's class for any game)
    tiny = dict(v=1e-170, p=0.5, k_C=0.2e-170, k_D=0.1e-170)
    ft = {(f.parameter, f.direction): f for f in smallest_flips(g, **tiny)}[("k_D", "increase")]
    assert ft.value == pytest.approx(0.5e-170, rel=1e-12)


def test_locate_on_the_float_line():
    lo, hi = locate(lambda x: int(x >= 3e-176), 0.0, 1.0)
    assert hi == 3e-176 and lo == float(np.nextafter(3e-176, 0))
    lo, hi = locate(lambda x: int(x > -1e-300), -1.0, 1.0)
    assert lo == -1e-300 and hi == float(np.nextafter(-1e-300, 1))


def test_errors_name_the_input():
    g = deterrence()
    with pytest.raises(ParameterError, match="unknown parameter 'w'"):
        boundary(g, "w", ("status quo", "challenge/fight"))
    with pytest.raises(KzgameError, match="unknown outcome 'peace'"):
        outcome_region(g, "peace")
    with pytest.raises(KzgameError, match="two different outcomes"):
        boundary(g, "v", ("status quo", "status quo"))
    with pytest.raises(ParameterError, match="p = 1.5 is outside the allowed range"):
        outcome_region(g, "status quo").func(v=1.0, p=1.5, k_C=0.0, k_D=0.0)
    with pytest.raises(KzgameError, match="unknown quantity 'stake_r'"):
        boundary(g, "v", ("status quo", "challenge/fight"), assume={"stake_r": "positive"})


def test_boundary_statics_symbolic_and_sampled_against_finite_differences():
    """a* = c / b: d a*/d c = 1/b > 0 (proved); d a*/d b = -c/b^2 changes sign with c
    (sampled: points of both signs found, which proves the ambiguity)."""
    g = Game(decision("A", {"x": outcome(A="a*b - c"), "y": outcome(A=0)}),
             parameters={"a": "real", "b": "open-unit", "c": "real"})
    tab = boundary_statics(g, "a", ("x", "y"), samples=2000)
    assert tab["c"] == ("+", "symbolic")
    assert tab["b"] == ("ambiguous", "sampled")
    bnd = boundary(g, "a", ("x", "y"))
    for b_, c_ in ((0.5, 0.3), (0.25, -0.2)):
        h = 1e-6
        d_c = (float(bnd.func(b=b_, c=c_ + h)) - float(bnd.func(b=b_, c=c_ - h))) / (2 * h)
        d_b = (float(bnd.func(b=b_ + h, c=c_)) - float(bnd.func(b=b_ - h, c=c_))) / (2 * h)
        assert d_c > 0 and np.sign(d_b) == -np.sign(c_)
