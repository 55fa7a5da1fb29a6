"""classify(game, **arrays) through the engine: against independent references.

* The period game, all four protocols: the engine's codes against MODEL.md's
  closed forms written independently in ``tests/oracle.py``, on 10^5 random
  points per protocol and on dyadic knife edges (exact arithmetic, exact ties).
* Random small trees (hypothesis: depth <= 3, branching 1-3, 1-3 players,
  chance nodes, rational payoffs, some linear in declared parameters): the
  codes equal :func:`kzgame.numeric.point.solve_game` point by point and an
  independent minimal backward induction written here on exact Fractions
  (the leaves' payoffs, not the engine's gains), for both backends.
* numba and numpy agree bit for bit; errors for bad games and bad input.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import oracle
import pytest
from hypothesis import HealthCheck, event, given, reject, settings
from hypothesis import strategies as st

import kzgame
from kzgame.errors import GameError, KzgameError, ParameterError
from kzgame.game import Game, chance, decision, outcome
from kzgame.game.outcomes import outcome_codes
from kzgame.games import period
from kzgame.model import PROTOCOLS
from kzgame.numeric import kernels
from kzgame.numeric.point import solve_game
from kzgame.numeric.vectorized import classify_game

BACKENDS = ["numpy", "numba"] if kernels.NUMBA_AVAILABLE else ["numpy"]

# --------------------------------------------------------------------------
# The period game against the closed forms


def random_period_points(n: int, seed: int) -> dict[str, np.ndarray]:
    """n points, continuous within the domains."""
    rng = np.random.default_rng(seed)
    return dict(
        surplus=rng.uniform(0.25, 4.0, n),
        share=rng.uniform(0, 1, n),
        outside_r=rng.uniform(-1, 2, n),
        outside_e=rng.uniform(-1, 2, n),
        indispensability=rng.uniform(0, 1, n),
        survival=rng.uniform(0, 1, n),
        invest_cost=rng.uniform(0, 0.5, n),
        power=rng.uniform(0.01, 0.99, n),
        holdup_cost=rng.uniform(0, 0.25, n) * (rng.random(n) < 0.5),  # h = 0 at half
        discount_r=rng.uniform(0, 0.99, n),
        discount_e=rng.uniform(0, 0.99, n),
    )


def knife_edge_points(n: int, seed: int) -> dict[str, np.ndarray]:
    """n points on coarse dyadic grids, where the arithmetic is exact and gains tie exactly:
    h = 0, c = 0, q = 0 and 1, share 0 and 1, stakes exactly 0 all occur often.
    (Rubinstein's weight (1 - delta_E)/(1 - delta_R delta_E) is exact with delta_R = 0.)"""
    rng = np.random.default_rng(seed)
    q4 = np.arange(5) / 4
    share = rng.choice(q4, n)
    surplus = rng.choice([0.5, 1.0, 2.0], n)
    p = dict(
        surplus=surplus,
        share=share,
        outside_r=rng.choice(np.arange(-4, 9) / 4, n),
        outside_e=rng.choice(np.arange(-4, 9) / 4, n),
        indispensability=rng.choice(q4, n),
        survival=rng.choice(q4, n),
        invest_cost=rng.choice(np.arange(5) / 8, n),
        power=rng.choice([0.25, 0.5, 0.75], n),
        holdup_cost=rng.choice([0.0, 0.0, 0.125], n),
        discount_r=np.zeros(n),
        discount_e=rng.choice([0.0, 0.25, 0.5, 0.75], n),
    )
    zero_r, zero_e = rng.random(n) < 0.2, rng.random(n) < 0.2
    p["outside_r"][zero_r] = (share * surplus)[zero_r]  # Delta_R = 0 exactly
    p["outside_e"][zero_e] = ((1 - share) * surplus)[zero_e]  # Delta_E = 0 exactly
    return p


@pytest.mark.parametrize("protocol", list(PROTOCOLS))
def test_period_game_equals_the_closed_forms_on_random_points(protocol):
    p = random_period_points(100_000, seed=list(PROTOCOLS).index(protocol))
    expected = oracle.classify(protocol, **p)
    assert len(np.unique(expected)) == 4  # every strategy occurs
    for backend in BACKENDS:
        got = kzgame.classify(protocol=protocol, backend=backend, **p)
        assert got.dtype == np.int8
        np.testing.assert_array_equal(got, expected)
        game_form = classify_game(period(protocol), backend=backend, **p)
        np.testing.assert_array_equal(game_form, expected)


@pytest.mark.parametrize("protocol", list(PROTOCOLS))
def test_period_game_equals_the_closed_forms_on_knife_edges(protocol):
    p = knife_edge_points(50_000, seed=7)
    expected = oracle.classify(protocol, **p)
    g_i, g_h, g_hr, g_x, margin = np.broadcast_arrays(*oracle.gains(protocol, **p))
    # the sample is full of exact ties: R indifferent between two moves, E indifferent
    available = np.stack([np.zeros_like(g_i), g_i, np.where(margin >= 0, g_h, -np.inf), g_x])
    r_ties = ((available == available.max(axis=0)).sum(axis=0) >= 2).sum()
    assert r_ties > 5_000 and (margin == 0).sum() > 1_000
    for backend in BACKENDS:
        got = kzgame.classify(protocol=protocol, backend=backend, **p)
        np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("protocol", list(PROTOCOLS))
def test_solve_equals_classify_point_by_point(protocol):
    p = knife_edge_points(600, seed=3) | {
        k: v[:600] for k, v in random_period_points(600, seed=4).items() if k == "outside_e"
    }
    codes = {b: kzgame.classify(protocol=protocol, backend=b, **p) for b in BACKENDS}
    for i in range(600):
        r = kzgame.solve(kzgame.Period(**{k: float(v[i]) for k, v in p.items()}), protocol)
        for b in BACKENDS:
            assert codes[b][i] == r.strategy.code, (b, i)


def test_numba_and_numpy_are_bit_identical_with_atol():
    p = knife_edge_points(100_000, seed=5)
    for protocol in PROTOCOLS:
        for atol in (0.0, 1e-12, 0.125):
            got = [kzgame.classify(protocol=protocol, atol=atol, backend=b, **p) for b in BACKENDS]
            for other in got[1:]:
                np.testing.assert_array_equal(got[0], other)


def test_atol_applies_at_es_node_too():
    # E's gain from refusing is (1 - beta) q (D_R + iota D_E) with the sign flipped:
    # D_R = -0.25, D_E = 0.125, iota = 1, q = 0.5, beta = 0.5: refusing gains E 1/32.
    p = dict(surplus=1.0, share=0.5, outside_r=0.75, outside_e=0.375, indispensability=1.0,
             survival=0.5, invest_cost=0.5, power=0.5, holdup_cost=0.0)
    assert not kzgame.solve(kzgame.Period(**p)).e_concedes
    for backend in BACKENDS:
        assert kzgame.classify(backend=backend, **p) == kzgame.Strategy.EXIT.code
        # within atol E concedes (concede is listed first), and R then holds up
        code = kzgame.classify(backend=backend, atol=1 / 32, **p)
        assert code == kzgame.solve(kzgame.Period(**p), atol=1 / 32).strategy.code
        assert code == kzgame.Strategy.HOLD_UP.code
        assert kzgame.classify(backend=backend, atol=1 / 64, **p) == kzgame.Strategy.EXIT.code


# --------------------------------------------------------------------------
# Random small trees

PARAMETERS = {"x": "real", "y": "unit"}
X_VALUES = [Fraction(k, 4) for k in range(-8, 9)]
Y_VALUES = [Fraction(k, 4) for k in range(5)]


@st.composite
def payoff(draw, dyadic: bool):
    den = draw(st.sampled_from([1, 2, 4])) if dyadic else draw(st.sampled_from([1, 3, 5, 6]))
    a = Fraction(draw(st.integers(-8, 8)), den)
    term = draw(st.sampled_from([None, None, "x", "y"]))
    b = Fraction(draw(st.integers(-4, 4)), den) if term else Fraction(0)
    return a, b, term


@st.composite
def subtree(draw, depth: int, players: tuple[str, ...], dyadic: bool, root: bool = False):
    """A tree spec: ("leaf", {player: (a, b, term)}, label) | ("decision", player, kids)
    | ("chance", probabilities, kids); probabilities are (text, value function) pairs."""
    kinds = ["leaf"] if depth == 0 else ["leaf", "decision", "decision", "chance"][root:]
    kind = draw(st.sampled_from(kinds))
    if kind == "leaf":
        pays = {pl: draw(payoff(dyadic)) for pl in players}
        return ("leaf", pays, draw(st.sampled_from([None, None, "L1", "L2"])))
    k = draw(st.sampled_from([1, 2, 2, 3, 3]))
    kids = [draw(subtree(depth - 1, players, dyadic)) for _ in range(k)]
    if kind == "decision":
        return ("decision", draw(st.sampled_from(players)), kids)
    if k == 2 and draw(st.booleans()):
        probs = [("y", lambda v: v["y"]), ("1 - y", lambda v: 1 - v["y"])]
    else:
        total = 4 if dyadic else 3
        cuts = sorted(draw(st.lists(st.integers(0, total), min_size=k - 1, max_size=k - 1)))
        parts = [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]
        probs = [(f"{w}/{total}", lambda v, w=w: Fraction(w, total)) for w in parts]
    return ("chance", probs, kids)


def build(spec) -> object:
    """The builder's tree for a spec."""
    kind = spec[0]
    if kind == "leaf":
        pays = {pl: f"{a} + ({b})*{t}" if t else f"{a}" for pl, (a, b, t) in spec[1].items()}
        return outcome(pays, label=spec[2])
    if kind == "decision":
        return decision(spec[1], {f"a{i}": build(c) for i, c in enumerate(spec[2])})
    return chance({f"b{i}": (text, build(c)) for i, ((text, _), c) in
                   enumerate(zip(spec[1], spec[2], strict=True))})


def exact_spe(spec, values: dict, atol: Fraction, path: tuple = ()):
    """Minimal backward induction on exact Fractions: (payoffs by player, labels reached)."""
    kind = spec[0]
    if kind == "leaf":
        pays = {pl: a + b * values[t] if t else a for pl, (a, b, t) in spec[1].items()}
        return pays, frozenset([spec[2] or "/".join(path)])
    if kind == "decision":
        results = [exact_spe(c, values, atol, path + (f"a{i}",)) for i, c in enumerate(spec[2])]
        mover = [r[0][spec[1]] for r in results]
        best = max(mover)
        return next(r for r, u in zip(results, mover, strict=True) if u >= best - atol)
    results = [exact_spe(c, values, atol, path + (f"b{i}",)) for i, c in enumerate(spec[2])]
    probs = [f(values) for _, f in spec[1]]
    players = results[0][0].keys()
    pays = {pl: sum((p * r[0][pl] for p, r in zip(probs, results, strict=True)), Fraction(0))
            for pl in players}
    return pays, frozenset().union(*(r[1] for r in results))


@st.composite
def games(draw, dyadic: bool = True):
    players = tuple(f"P{i}" for i in range(draw(st.integers(1, 3))))
    spec = draw(subtree(draw(st.sampled_from([1, 2, 3, 3])), players, dyadic, root=True))
    game = Game(build(spec), parameters=PARAMETERS, players=players)
    try:
        outcome_codes(game)
    except GameError as e:
        # nested chance nodes can multiply the outcome combinations past the engine's
        # bound (4.4 million at one draw): refused up front, as documented; not a game
        # these tests can compare
        assert "outcome" in str(e)
        reject()
    event(f"{len(game.leaves) // 5 * 5}-{len(game.leaves) // 5 * 5 + 4} leaves")
    event(f"chance nodes: {game.has_chance}")
    xs = draw(st.lists(st.sampled_from(X_VALUES), min_size=1, max_size=4, unique=True))
    ys = draw(st.lists(st.sampled_from(Y_VALUES), min_size=1, max_size=3, unique=True))
    return spec, game, xs, ys


def check_tree(spec, game, xs, ys, backend, atol):
    x = np.array([float(v) for v in xs])[:, None]
    y = np.array([float(v) for v in ys])
    codes = classify_game(game, x=x, y=y, atol=float(atol), backend=backend)
    table = outcome_codes(game)
    assert codes.shape == (len(xs), len(ys)) and codes.dtype == table.dtype
    for i, xv in enumerate(xs):
        for j, yv in enumerate(ys):
            spe = solve_game(game, atol=float(atol), x=float(xv), y=float(yv))
            assert codes[i, j] == spe.code, (backend, xv, yv)
            _, labels = exact_spe(spec, {"x": xv, "y": yv}, atol)
            assert table.sets[codes[i, j]] == labels, (backend, xv, yv)


@given(games(), st.sampled_from([Fraction(0), Fraction(0), Fraction(1, 4)]))
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_random_trees_numpy_equal_solve_and_an_exact_recursion(case, atol):
    check_tree(*case, "numpy", atol)


@pytest.mark.skipif(not kernels.NUMBA_AVAILABLE, reason="numba is not installed")
@given(games(), st.sampled_from([Fraction(0), Fraction(1, 4)]))
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_random_trees_numba_equal_solve_and_an_exact_recursion(case, atol):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("KZGAME_CACHE_DIR", "off")  # random games: keep nothing on disk
        check_tree(*case, "numba", atol)


@given(games(dyadic=False))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_random_trees_with_thirds_away_from_ties(case):
    """Rationals floats cannot hold (1/3, 1/5, ...): the codes equal the exact recursion at
    every point where no decision is within 1e-9 of a tie, and solve_game everywhere."""
    spec, game, xs, ys = case
    x = np.array([float(v) for v in xs])[:, None]
    y = np.array([float(v) for v in ys])
    codes = classify_game(game, x=x, y=y, backend="numpy")
    table = outcome_codes(game)
    for i, xv in enumerate(xs):
        for j, yv in enumerate(ys):
            assert codes[i, j] == solve_game(game, x=float(xv), y=float(yv)).code
            if min_gap(spec, {"x": xv, "y": yv}) > Fraction(1, 10**9):
                _, labels = exact_spe(spec, {"x": xv, "y": yv}, Fraction(0))
                assert table.sets[codes[i, j]] == labels


def min_gap(spec, values) -> Fraction:
    """The smallest gap between distinct action values at any decision node (exact)."""
    gaps = [Fraction(10**9)]

    def walk(s, path=()):
        if s[0] == "decision":
            mover = [exact_spe(c, values, Fraction(0))[0][s[1]] for c in s[2]]
            gaps.extend(abs(a - b) for a in mover for b in mover if a != b)
            gaps.extend([Fraction(0)] * (len(set(mover)) < len(mover)))  # exact ties too
        for c in s[2] if s[0] != "leaf" else ():
            walk(c)

    walk(spec)
    return min(gaps)


# --------------------------------------------------------------------------
# Errors

LOTTERY = Game(
    decision("A", {
        "safe": outcome(A="s", label="safe"),
        "gamble": chance({"win": ("p", outcome(A=1, label="win")),
                          "lose": ("1 - p", outcome(A=-1, label="lose"))}),
    }),
    parameters={"s": "real", "p": "real"},
)  # fmt: skip


@pytest.mark.parametrize("backend", BACKENDS)
def test_chance_probability_outside_unit_interval_names_node_and_branch(backend):
    p = np.full(100_000, 0.5)
    p[70_001] = 1.25
    with pytest.raises(ParameterError, match=r"chance node 'gamble': the probability of 'win' is "
                       r"1.25 at index \(70001,\) \(s=0.0, p=1.25\), outside \[0, 1\]"):
        classify_game(LOTTERY, s=0.0, p=p, backend=backend)
    p[70_001] = -0.5
    with pytest.raises(ParameterError, match=r"the probability of 'win' is -0.5"):
        classify_game(LOTTERY, s=0.0, p=p, backend=backend)
    with pytest.raises(ParameterError, match=r"the probability of 'win' is -0.5 at "
                       r"\(s=0.0, p=-0.5\), outside \[0, 1\]"):
        solve_game(LOTTERY, s=0.0, p=-0.5)
    codes = classify_game(LOTTERY, s=np.array([-1.0, 0.0, 1.0]), p=0.5, backend=backend)
    assert outcome_codes(LOTTERY).decode(codes).tolist() == ["win + lose", "safe", "safe"]


def test_imperfect_information_is_refused():
    g = Game(decision("A", {
        "l": decision("B", {"u": outcome(A=1, B=0), "d": outcome(A=0, B=1)}, infoset="h"),
        "r": decision("B", {"u": outcome(A=0, B=0), "d": outcome(A=1, B=1)}, infoset="h"),
    }))  # fmt: skip
    for backend in BACKENDS:
        with pytest.raises(GameError, match="information set 'h'"):
            classify_game(g, backend=backend)
        with pytest.raises(GameError, match="information set 'h'"):
            kzgame.classify(g, backend=backend)


@pytest.mark.parametrize("backend", BACKENDS)
def test_out_of_domain_unknown_missing_and_shapes(backend):
    g = Game(decision("A", {"x": outcome(A="a"), "y": outcome(A="b*c")}),
             parameters={"a": "unit", "b": "positive", "c": (0, 2)})
    big = np.full(70_000, 0.5)
    bad_b = big.copy()
    bad_b[123] = 0.0
    bad_a = big.copy()
    bad_a[500] = 1.5
    with pytest.raises(ParameterError, match=r"b = 0.0 is outside the allowed range \(0, inf\)"):
        classify_game(g, a=big, b=bad_b, c=1.0, backend=backend)
    # the first invalid parameter in the game's order is reported
    with pytest.raises(ParameterError, match=r"a = 1.5 is outside the allowed range \[0, 1\]"):
        classify_game(g, a=bad_a, b=bad_b, c=1.0, backend=backend)
    with pytest.raises(ParameterError, match=r"c = 3.0 is outside the allowed range \[0, 2\]"):
        classify_game(g, a=big, b=big, c=3.0, backend=backend)
    with pytest.raises(ParameterError, match="unknown parameter"):
        classify_game(g, a=big, b=big, c=1.0, d=1.0, backend=backend)
    with pytest.raises(ParameterError, match=r"missing parameter\(s\): c"):
        classify_game(g, a=big, b=big, backend=backend)
    with pytest.raises(ParameterError, match=r"do not broadcast together: a\(3,\), b\(4,\)"):
        classify_game(g, a=np.zeros(3), b=np.ones(4), c=1.0, backend=backend)
    with pytest.raises(ParameterError, match="overflow float64 at index"):
        classify_game(g, a=big, b=np.full(70_000, 1e308), c=2.0, backend=backend)


def test_bad_arguments():
    with pytest.raises(KzgameError, match="unknown backend"):
        classify_game(LOTTERY, s=0.0, p=0.5, backend="gpu")
    with pytest.raises(ParameterError, match="atol"):
        classify_game(LOTTERY, s=0.0, p=0.5, atol=-1.0)
    with pytest.raises(TypeError, match="protocol applies to the period game"):
        kzgame.classify(LOTTERY, protocol="ultimatum", s=0.0, p=0.5)
    with pytest.raises(TypeError, match="expects a kzgame.game.Game"):
        kzgame.classify("nash", s=0.0)


def test_the_generic_and_the_period_forms_agree_and_scalars_give_zero_d():
    p = knife_edge_points(1_000, seed=9)
    for protocol in PROTOCOLS:
        a = kzgame.classify(protocol=protocol, backend="numpy", **p)
        b = kzgame.classify(period(protocol), backend="numpy", **p)
        np.testing.assert_array_equal(a, b)
    out = kzgame.classify(LOTTERY, s=0.25, p=0.5)
    assert out.shape == () and outcome_codes(LOTTERY).names[out] == "safe"


def test_chance_over_decisions_on_a_grid_across_chunks():
    """Outcome tables that are not folded (chance over decisions), on a grid larger than a
    chunk: numpy with several chunk sizes, numba and solve_game agree."""
    from kzgame.numeric import vectorized

    game = Game(
        decision("E", {
            "wait": outcome(E=0, R=0, label="status quo"),
            "push": chance({
                "strong": ("q", decision("R", {
                    "yield": outcome(E="a", R="-a", label="R yields"),
                    "resist": outcome(E="a - c", R="b - c", label="war"),
                })),
                "weak": ("1 - q", decision("R", {
                    "yield": outcome(E="a/2", R="-a/2", label="R yields"),
                    "resist": outcome(E="-c", R="b/2 - c", label="war"),
                })),
            }),
        }),
        parameters={"a": "positive", "b": "real", "c": "nonnegative", "q": "unit"},
    )  # fmt: skip
    grid = dict(
        a=np.linspace(0.125, 2.0, 16)[:, None, None],
        b=np.linspace(-1.0, 1.0, 33)[None, :, None],  # multiples of 1/16: exact ties
        c=0.25,
        q=np.linspace(0.0, 1.0, 65),
    )
    arrays = vectorized.game_arrays(game, grid)
    shape = (16, 33, 65)
    ref = vectorized._classify_numpy(game, 0.0, arrays, shape, chunk=10**6)
    names = outcome_codes(game).names
    assert {names[c] for c in np.unique(ref)} >= {"status quo", "R yields", "war",
                                                  "R yields + war"}
    for chunk in (1, 7, 1000):
        np.testing.assert_array_equal(vectorized._classify_numpy(game, 0.0, arrays, shape, chunk),
                                      ref)
    for backend in BACKENDS:
        np.testing.assert_array_equal(classify_game(game, backend=backend, **grid), ref)
    rng = np.random.default_rng(0)
    for _ in range(300):
        i, j, k = (int(rng.integers(n)) for n in shape)
        spe = solve_game(game, a=float(grid["a"][i, 0, 0]), b=float(grid["b"][0, j, 0]),
                         c=0.25, q=float(grid["q"][k]))
        assert ref[i, j, k] == spe.code
