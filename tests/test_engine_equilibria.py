"""The engine's normal form, Nash-equilibrium sets and Gambit export on random game trees.

Random small trees (hypothesis: depth, branching, two or three players, chance
nodes with dyadic probabilities, information sets of simultaneous moves,
random rational payoffs) are checked three ways:

* the extreme equilibria of :func:`kzgame.game.nash.equilibrium_components` on the
  reduced normal form equal pygambit's ``enummixed_solve(rational=True)`` on the same
  table, and on the exported ``.efg`` read back by pygambit (Gambit builds its own
  reduced strategic form from the tree);
* the reduced normal form's payoffs and pure equilibria (any number of players) equal
  a brute force written here: every full pure-strategy profile played out on the tree,
  reduced by hand;
* every subgame-perfect equilibrium :func:`kzgame.solve` returns is an extreme
  equilibrium flagged subgame perfect, and the pure profiles flagged subgame perfect
  are exactly the reductions of the pure subgame-perfect profiles found by brute force.
"""

from __future__ import annotations

import io
import itertools
import math
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import kzgame
from kzgame.errors import GameError
from kzgame.game import Game, chance, decision, outcome
from kzgame.game.nash import equilibrium_components, pure_equilibria, subgame_perfect
from kzgame.game.normal_form import MAX_CELLS, MAX_STRATEGIES, reduced_normal_form
from kzgame.io.gambit import to_efg, to_nfg, to_pygambit

gbt = pytest.importorskip("pygambit", reason="pygambit (the 'gambit' extra) is not installed")

PAYOFFS = [Fraction(k, 4) for k in range(-8, 9)] + [Fraction(1, 3), Fraction(-2, 3)]
DYADIC = [Fraction(k, 4) for k in range(-8, 9)]
SPLITS = {2: [(Fraction(1, 2), Fraction(1, 2)), (Fraction(1, 4), Fraction(3, 4))],
          3: [(Fraction(1, 4), Fraction(1, 4), Fraction(1, 2))]}


@st.composite
def trees(draw, players=("A", "B"), max_depth=3, chance_nodes=True, infosets=True,
          payoffs=PAYOFFS):
    """A random game with at most 7 decision nodes (plus chance nodes and leaves)."""
    budget = [draw(st.integers(2, 7))]
    counter = [0]

    def leaf():
        return outcome({p: draw(st.sampled_from(payoffs)) for p in players})

    def node(depth, mover=None):
        if depth == 0 or budget[0] <= 0 or (depth < max_depth and draw(st.booleans())):
            return leaf()
        kind = "decision"
        if chance_nodes and depth < max_depth and draw(st.integers(0, 4)) == 0:
            kind = "chance"
        k = draw(st.integers(2, 3))
        if kind == "chance":
            probs = draw(st.sampled_from(SPLITS[k]))
            return chance({f"c{j}": (p, node(depth - 1)) for j, p in enumerate(probs)})
        budget[0] -= 1
        player = mover or draw(st.sampled_from(players))
        names = [f"{player.lower()}{j}" for j in range(k)]
        # a simultaneous move: every child a decision of one other player, one infoset
        if infosets and depth >= 2 and budget[0] >= k and draw(st.integers(0, 2)) == 0:
            other = draw(st.sampled_from([p for p in players if p != player] or [player]))
            if other != player:
                counter[0] += 1
                h = f"h{counter[0]}"
                m = draw(st.integers(2, 3))
                budget[0] -= k
                kids = {
                    n: decision(other, {f"{other.lower()}{j}": node(depth - 2)
                                        for j in range(m)}, infoset=h)
                    for n in names
                }
                return decision(player, kids)
        return decision(player, {n: node(depth - 1) for n in names})

    return Game(node(max_depth), players=list(players))


# ---------------------------------------------------------------------------
# brute force, independent of kzgame's plan enumeration and payoffs
# ---------------------------------------------------------------------------


def full_strategies(game, player):
    """Every pure strategy: an action at each of the player's information sets."""
    sets = [h for h, members in game.infosets.items() if game.nodes[members[0]].player == player]
    choices = [game.nodes[game.infosets[h][0]].actions for h in sets]
    return [dict(zip(sets, combo, strict=True)) for combo in itertools.product(*choices)]


def play(game, profile, node=0):
    """Expected payoffs of a profile {infoset: action} played from ``node``."""
    n = game.nodes[node]
    if n.kind == "outcome":
        return [sp_to_fraction(x) for x in n.payoffs]
    if n.kind == "chance":
        total = [Fraction(0)] * len(game.players)
        for p, c in zip(n.probabilities, n.children, strict=True):
            total = [t + sp_to_fraction(p) * v for t, v in zip(total, play(game, profile, c),
                                                                strict=True)]
        return total
    return play(game, profile, n.children[n.actions.index(profile[n.infoset])])


def sp_to_fraction(x):
    r = sp.Rational(x)
    return Fraction(int(r.p), int(r.q))


def reduce(game, player, strategy):
    """The plan of a full strategy: open (None) where the player's own moves rule a set out."""
    def reachable(i):
        m = i
        while game.nodes[m].parent is not None:
            parent = game.nodes[game.nodes[m].parent]
            if parent.kind == "decision" and parent.player == player:
                if parent.actions[parent.children.index(m)] != strategy[parent.infoset]:
                    return False
            m = parent.index
        return True

    return tuple(
        strategy[h] if any(reachable(i) for i in members) else None
        for h, members in game.infosets.items()
        if game.nodes[members[0]].player == player
    )


def brute_force(game):
    """{reduced profile: payoffs} and the reduced pure Nash and subgame-perfect profiles."""
    strategies = [full_strategies(game, p) for p in game.players]
    payoff = {}
    value = {}
    for combo in itertools.product(*strategies):
        merged = {k: v for s in combo for k, v in s.items()}
        u = play(game, merged)
        key = tuple(reduce(game, p, s) for p, s in zip(game.players, combo, strict=True))
        assert payoff.setdefault(key, u) == u  # strategies equal up to open sets: same payoffs
        value[tuple(map(lambda s: tuple(sorted(s.items())), combo))] = (u, combo)
    nash, spe = set(), set()
    for _key, (u, combo) in value.items():
        ok = True
        for k in range(len(game.players)):
            for dev in strategies[k]:
                alt = list(combo)
                alt[k] = dev
                merged = {a: b for s in alt for a, b in s.items()}
                if play(game, merged)[k] > u[k]:
                    ok = False
                    break
            if not ok:
                break
        if not ok:
            continue
        reduced = tuple(reduce(game, p, s) for p, s in zip(game.players, combo, strict=True))
        nash.add(reduced)
        merged = {a: b for s in combo for a, b in s.items()}
        if (sequentially_rational(game, merged) if game.perfect_information
                else nash_in_every_subgame(game, strategies, combo)):
            spe.add(reduced)
    return payoff, nash, spe


def nash_in_every_subgame(game, strategies, combo):
    """Selten: no player gains by deviating in any subgame (a node whose subtree holds
    every information set it meets)."""
    for n in game.nodes:
        below = {m.index for m in game.nodes if m.path[:len(n.path)] == n.path}
        if n.kind == "outcome" or any(set(ms) & below and not set(ms) <= below
                                      for ms in game.infosets.values()):
            continue
        merged = {a: b for s in combo for a, b in s.items()}
        u = play(game, merged, n.index)
        for k in range(len(game.players)):
            for dev in strategies[k]:
                alt = dict(merged)
                alt.update(dev)
                if play(game, alt, n.index)[k] > u[k]:
                    return False
    return True


def sequentially_rational(game, profile):
    """At every decision node, the profile's action is a best one given the profile below."""
    for n in game.nodes:
        if n.kind != "decision":
            continue
        k = game.players.index(n.player)
        vals = [play(game, profile, c)[k] for c in n.children]
        if vals[n.actions.index(profile[n.infoset])] < max(vals):
            return False
    return True


def ours(comps):
    return {e.strategies for c in comps for e in c.equilibria}


def gambit_table(nf):
    A, B = nf.bimatrix()
    g = gbt.Game.from_arrays(A, B)
    r, c = g.players
    return {
        (tuple(Fraction(eq[s]) for s in r.strategies), tuple(Fraction(eq[s]) for s in c.strategies))
        for eq in gbt.nash.enummixed_solve(g, rational=True).equilibria
    }


def gambit_tree(game, nf):
    """enummixed on the exported .efg, strategies mapped to our plans by Gambit's labels."""
    tree = gbt.read_efg(io.StringIO(to_efg(game)))
    maps = []
    for k, player in enumerate(tree.players):
        assert player.label == nf.players[k]
        ours_by_label = {}
        for j, plan in enumerate(nf.strategies[k]):
            label = "".join(
                "*" if a is None else str(game.nodes[game.infosets[h][0]].actions.index(a) + 1)
                for h, a in zip(nf.infosets[k], plan, strict=True)
            ) or "*"
            ours_by_label[label] = j
        assert sorted(s.label for s in player.strategies) == sorted(ours_by_label)
        maps.append([(s, ours_by_label[s.label]) for s in player.strategies])
    out = set()
    for eq in gbt.nash.enummixed_solve(tree, rational=True).equilibria:
        sides = []
        for k in range(2):
            sigma = [Fraction(0)] * nf.shape[k]
            for s, j in maps[k]:
                sigma[j] = Fraction(eq[s])
            sides.append(tuple(sigma))
        out.add(tuple(sides))
    return out


# ---------------------------------------------------------------------------
# the tests
# ---------------------------------------------------------------------------


@settings(max_examples=100)
@given(trees())
def test_extreme_equilibria_equal_pygambit_on_the_table_and_on_the_exported_tree(game):
    nf = reduced_normal_form(game)
    assert nf.exact
    # Tables of up to 60 cells (about 95 % of the drawn trees): a degenerate 5 x 15 table
    # took 6 s here and 5 s in each of pygambit's two enumerations, and one draw once
    # grew a run past 7 GB: larger tables are left out to bound the suite's time
    # and memory (the other tests below still draw them).
    assume(math.prod(nf.shape) <= 60)
    comps = equilibrium_components(nf)
    found = ours(comps)
    assert found == gambit_table(nf)
    assert found == gambit_tree(game, nf)
    # components are disjoint and each extreme equilibrium is in exactly one
    for e in found:
        assert sum(c.contains(*e) for c in comps) == 1


@settings(max_examples=60)
@given(trees(players=("A", "B", "C")) | trees())
def test_payoffs_and_pure_equilibria_equal_a_brute_force(game):
    nf = reduced_normal_form(game)
    payoff, nash, spe = brute_force(game)
    cells = {}
    for index in itertools.product(*(range(n) for n in nf.shape)):
        key = tuple(nf.strategies[k][j] for k, j in enumerate(index))
        cells[key] = [pay[index] for pay in nf.payoffs]
    assert cells == payoff  # the same plans, the same expected payoffs
    pure = pure_equilibria(nf)
    assert {tuple(nf.strategies[k][j] for k, j in enumerate(e.plans)) for e in pure} == nash
    flagged = {tuple(nf.strategies[k][j] for k, j in enumerate(e.plans))
               for e in pure if e.subgame_perfect}
    assert flagged == spe
    assert all(e.subgame_perfect is not None for e in pure)


@settings(max_examples=60)
@given(trees(infosets=False, payoffs=DYADIC) | trees(players=("A", "B", "C"), infosets=False,
                                                     payoffs=DYADIC))
def test_every_spe_from_solve_is_an_extreme_equilibrium_flagged_subgame_perfect(game):
    """Dyadic payoffs and probabilities: solve's float arithmetic is exact on them."""
    spe = kzgame.solve(game)
    nf = reduced_normal_form(game)
    plans = []
    for k in range(len(game.players)):
        (j,) = [j for j, plan in enumerate(nf.strategies[k])
                if all(a is None or a == spe.choices[game.nodes[game.infosets[h][0]].name]
                       for h, a in zip(nf.infosets[k], plan, strict=True))]
        plans.append(j)
    pure = [tuple(Fraction(int(i == j)) for i in range(n))
            for j, n in zip(plans, nf.shape, strict=True)]
    assert subgame_perfect(nf, pure) is True
    (e,) = [e for e in pure_equilibria(nf) if e.plans == tuple(plans)]
    assert e.subgame_perfect is True
    assert [float(x) for x in e.payoffs] == [spe.payoffs[p] for p in game.players]
    if len(game.players) == 2:
        hits = [x for c in equilibrium_components(nf) for x in c.equilibria
                if x.strategies == tuple(pure)]
        assert len(hits) == 1 and hits[0].subgame_perfect is True


@settings(max_examples=40)
@given(trees(players=("A", "B", "C")) | trees())
def test_exported_files_read_back_with_the_same_numbers(game):
    nf = reduced_normal_form(game)
    tree = to_pygambit(game)
    assert [p.label for p in tree.players] == list(game.players)
    leaves = [n for n in tree.nodes if n.is_terminal]
    assert len(leaves) == len(game.leaves) == len(tree.outcomes)
    for ours_leaf, leaf in zip(game.leaves, leaves, strict=True):
        assert leaf.label == game.nodes[ours_leaf].name
        assert [Fraction(leaf.outcome[p]) for p in tree.players] == list(
            nf.leaf_payoffs[ours_leaf])
    chance_nodes = [n for n in tree.nodes if not n.is_terminal and n.player.is_chance]
    assert [tuple(Fraction(a.prob) for a in n.infoset.actions) for n in chance_nodes] == [
        nf.chance[n.index] for n in game.nodes if n.kind == "chance"]
    assert len(tree.infosets) == len(game.infosets)  # the decision nodes' information sets
    table = gbt.read_nfg(io.StringIO(to_nfg(game)))
    for k, player in enumerate(table.players):
        assert [s.label for s in player.strategies] == list(nf.labels(k))
    for index in itertools.product(*(range(n) for n in nf.shape)):
        profile = tuple(list(p.strategies)[j] for p, j in zip(table.players, index, strict=True))
        assert [Fraction(table[profile][p]) for p in table.players] == [
            pay[index] for pay in nf.payoffs]


def deterrence():
    return Game(
        decision("Challenger", {
            "status quo": outcome(Challenger=0, Defender=0),
            "challenge": decision("Defender", {
                "concede": outcome(Challenger="v", Defender="-v"),
                "fight": outcome(Challenger="p*v - k_C", Defender="-p*v - k_D"),
            }),
        }),
        parameters={"v": "positive", "p": "unit", "k_C": "nonnegative", "k_D": "nonnegative"},
    )


@pytest.mark.parametrize(("k_C", "k_D"), [(Fraction(1, 4), Fraction(1, 4)),
                                          (Fraction(1), Fraction(3, 4)),
                                          (Fraction(1), Fraction(1, 4))])
def test_deterrence_game_against_its_closed_form(k_C, k_D):
    """The Defender fights with probability f.  Challenging pays v - f (v - p v + k_C), so the
    status quo is a best reply iff f >= f* = v / (v - p v + k_C) (deterrence needs f* <= 1);
    fighting is credible iff -p v - k_D >= -v.  With v = 1, p = 1/2."""
    v, p = Fraction(1), Fraction(1, 2)
    comps = equilibrium_components(reduced_normal_form(deterrence(), v=v, p=p, k_C=k_C, k_D=k_D))
    f_star = v / (v - p * v + k_C)
    credible = -p * v - k_D >= -v
    sq, challenge = (1, 0), (0, 1)
    deterring = [e for c in comps for e in c.equilibria if e.strategies[0] == sq]
    if f_star <= 1:
        assert sorted(e.strategies[1][1] for e in deterring) == [f_star, 1]
        assert len({id(c) for c in comps for e in c.equilibria if e in deterring}) == 1
        # pure fighting deters, and is subgame perfect iff credible; mixing never is
        assert {e.strategies[1][1]: e.subgame_perfect for e in deterring} == {
            f_star: f_star == 1 and credible, Fraction(1): credible}
    else:
        assert deterring == []
    others = [e for c in comps for e in c.equilibria if e.strategies[0] == challenge]
    if credible and f_star <= 1:
        assert others == []  # a credible threat that deters: the Challenger stays out
    else:
        # the Defender's reply is its best one, and the Challenger challenges
        (e,) = others
        assert e.strategies[1] == ((0, 1) if credible else (1, 0))
        assert e.subgame_perfect is True


def test_exact_and_float_normal_forms_agree_and_floats_convert_exactly():
    g = deterrence()
    exact = reduced_normal_form(g, v=1, p=Fraction(1, 10), k_C=0, k_D=0)
    floats = reduced_normal_form(g, v=1.0, p=0.1, k_C=0.0, k_D=0.0)
    binary = reduced_normal_form(g, v=1.0, p=0.1, k_C=0.0, k_D=0.0, exact=True)
    assert exact.exact and not floats.exact and binary.exact
    assert exact.payoffs[0][1, 1] == Fraction(1, 10)
    assert binary.payoffs[0][1, 1] == Fraction(0.1) != Fraction(1, 10)
    assert np.array_equal(floats.payoffs[0], exact.payoffs[0].astype(float))


def test_refusals():
    # three players: no mixed set
    three = Game(decision("A", {"x": outcome(A=1, B=0, C=0), "y": outcome(A=0, B=1, C=1)}),
                 players=["A", "B", "C"])
    with pytest.raises(GameError, match="two players.*3"):
        equilibrium_components(reduced_normal_form(three))
    one = Game(decision("A", {"x": outcome(A=1), "y": outcome(A=0)}))
    with pytest.raises(GameError, match="two players"):
        equilibrium_components(reduced_normal_form(one))
    with pytest.raises(GameError, match="bimatrix needs two players"):
        reduced_normal_form(three).bimatrix()
    # too many plans for one player: 2^13 > MAX_STRATEGIES, refused before allocating
    big = Game(chance({f"c{i}": (Fraction(1, 13), decision("A", {
        "l": outcome(A=0, B=0), "r": outcome(A=1, B=0)})) for i in range(13)}),
        players=["A", "B"])
    assert 2**13 > MAX_STRATEGIES
    with pytest.raises(GameError, match="8192 plans"):
        reduced_normal_form(big)
    # too many cells: 2^10 x 2^10 > MAX_CELLS
    half = {f"c{i}": (Fraction(1, 20), decision("A" if i < 10 else "B", {
        "l": outcome(A=0, B=0), "r": outcome(A=1, B=1)})) for i in range(20)}
    assert 2**20 > MAX_CELLS
    with pytest.raises(GameError, match="1048576 cells"):
        reduced_normal_form(Game(chance(half)))
    # imperfect recall: A forgets its own first move
    forgetful = Game(decision("A", {
        "l": decision("A", {"x": outcome(A=1), "y": outcome(A=0)}, infoset="h"),
        "r": decision("A", {"x": outcome(A=0), "y": outcome(A=1)}, infoset="h"),
    }))
    with pytest.raises(GameError, match="imperfect recall"):
        reduced_normal_form(forgetful)
    # an irrational payoff in exact arithmetic
    root = Game(decision("A", {"x": outcome(A="sqrt(a)", B=0), "y": outcome(A=0, B=1)}),
                parameters={"a": "positive"})
    with pytest.raises(GameError, match="not a rational number"):
        reduced_normal_form(root, a=2)
    assert math.isclose(reduced_normal_form(root, a=2.0).payoffs[0][0, 0], math.sqrt(2))
    with pytest.raises(kzgame.ParameterError, match="outside the allowed range"):
        reduced_normal_form(deterrence(), v=1, p=Fraction(11, 10), k_C=0, k_D=0)
    with pytest.raises(TypeError, match="protocol applies to a Period"):
        to_efg(deterrence(), "nash", v=1, p=0, k_C=0, k_D=0)


def test_imperfect_information_flag_checks_every_subgame():
    """A simultaneous-move subgame after a first move: an equilibrium of the whole game that
    is not one of the subgame is flagged False; without a proper subgame every Nash
    equilibrium is subgame perfect."""
    def inner():  # B's c is strictly dominant; A wants to play a against c
        return {a: decision("B", {"c": outcome(A=1 if a == "a" else 0, B=1),
                                  "d": outcome(A=0, B=0)}, infoset="h")
                for a in ("a", "b")}
    game = Game(decision("A", {"in": decision("A", inner()), "out": outcome(A=Fraction(1, 2),
                                                                             B=0)}))
    nf = reduced_normal_form(game)
    flags = {(nf.labels(0)[e.plans[0]], nf.labels(1)[e.plans[1]]): e.subgame_perfect
             for e in pure_equilibria(nf)}
    # B's threat to play d keeps A out (0 < 1/2), but the subgame's only equilibrium is (a, c)
    assert flags == {("in/a", "c"): True, ("out/*", "d"): False}
    simultaneous = Game(decision("A", inner()))
    comps = equilibrium_components(reduced_normal_form(simultaneous))
    assert {e.subgame_perfect for c in comps for e in c.equilibria} == {True}
