"""The period game under the three commitment assumptions (kzgame.games.commitment_game).

Checked three ways: properties of the engine's codes on random points (no
hold-up where R would stay; pi -> 1 and pi -> 0; the split outside option
reducing to the period game), an independent backward induction written here
from the payoffs typed by hand, and Gambit's regret of the subgame-perfect
profile on the exported tree.
"""

from __future__ import annotations

import io
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import kzgame
from kzgame.analysis.games import boundary, outcome_region
from kzgame.errors import KzgameError, ParameterError
from kzgame.games import period
from kzgame.games.commitment_game import COMMITMENTS, commitment_game

PROTOCOLS = tuple(kzgame.PROTOCOLS)
SEEDS = st.integers(0, 2**32 - 1)
N = 400


def draw(seed: int, n: int = N, *, h_zero: bool = True) -> dict[str, np.ndarray]:
    """Random points on the games' domains; a quarter with h = 0 and xi = 0 if ``h_zero``."""
    rng = np.random.default_rng(seed)
    p = {
        "surplus": rng.uniform(0.5, 2.0, n),
        "share": rng.uniform(0, 1, n),
        "outside_r": rng.uniform(-0.5, 1.2, n),
        "outside_e": rng.uniform(-0.5, 1.2, n),
        "indispensability": rng.uniform(0, 1, n),
        "survival": rng.uniform(0, 1, n),
        "invest_cost": rng.uniform(0, 0.3, n),
        "power": rng.uniform(0.05, 0.95, n),
        "holdup_cost": rng.uniform(0.001, 0.2, n),
        "discount_r": rng.uniform(0, 0.99, n),
        "discount_e": rng.uniform(0, 0.99, n),
        "exit_premium": rng.uniform(-0.3, 0.3, n),
    }
    if h_zero:
        k = n // 4
        p["holdup_cost"][:k] = 0.0
        p["exit_premium"][:k] = 0.0
    return p


def classify(commitment, protocol, params, **extra):
    return kzgame.classify(commitment_game(commitment, protocol), **params, **extra)


# ---------------------------------------------------------------------------
# no commitment


@settings(deadline=None, max_examples=10)
@given(SEEDS, st.sampled_from(PROTOCOLS))
def test_no_commitment_gives_no_holdup_wherever_r_would_stay(seed, protocol):
    p = draw(seed)
    codes = classify("none", protocol, p)
    u_stay = p["survival"] * p["share"] * p["surplus"] + (1 - p["survival"]) * p["outside_r"]
    u_leave = p["outside_r"] + p["exit_premium"]
    stays = u_stay >= u_leave  # R's re-choice after a refusal (stay wins a tie)
    assert stays.any()
    assert not (codes[stays] == 2).any()
    # where leaving is credible (strictly), the threat binds as under full commitment
    full = classify("full", protocol, p)
    assert (codes[~stays] == full[~stays]).all()


def test_no_commitment_kazakhstan_2014_2019_holdup_becomes_accept_or_invest():
    case = kzgame.load_case("models/kazakhstan_russia.toml")
    values = case.period("2014–2019").values
    assert kzgame.solve(period("nash"), **values).outcome == "hold-up"
    assert values["share"] * values["surplus"] - values["outside_r"] > 0  # Delta_R > 0
    assert kzgame.solve(commitment_game("none"), **values).outcome in ("accept", "invest")


# ---------------------------------------------------------------------------
# brinkmanship


@settings(deadline=None, max_examples=10)
@given(SEEDS, st.sampled_from(PROTOCOLS))
def test_brinkmanship_at_pi_1_is_full_commitment(seed, protocol):
    p = draw(seed, h_zero=False)  # h > 0: a refused hold-up is never chosen
    full = classify("full", protocol, p)
    assert (classify("brinkmanship", protocol, p, breakdown_risk=1.0) == full).all()
    # and, with xi = 0, the period game itself
    p["exit_premium"][:] = 0.0
    codes = classify("brinkmanship", protocol, p, breakdown_risk=1.0)
    assert (codes == kzgame.classify(period(protocol), **without_xi(p))).all()


def without_xi(p):
    return {k: v for k, v in p.items() if k != "exit_premium"}


@settings(deadline=None, max_examples=10)
@given(SEEDS, st.sampled_from(PROTOCOLS))
def test_brinkmanship_at_pi_1_with_h_0_differs_only_by_the_refused_lottery(seed, protocol):
    """With h = 0 a refused hold-up ties with exit; at pi = 1 the lottery's code is 4."""
    p = draw(seed)
    p["holdup_cost"][:] = 0.0
    full = classify("full", protocol, p)
    brink = classify("brinkmanship", protocol, p, breakdown_risk=1.0)
    assert ((brink == full) | ((brink == 4) & (full == 3))).all()


@settings(deadline=None, max_examples=10)
@given(SEEDS, st.sampled_from(PROTOCOLS))
def test_brinkmanship_tends_to_no_holdup_as_pi_goes_to_0(seed, protocol):
    p = draw(seed)
    assert not (classify("brinkmanship", protocol, p, breakdown_risk=0.0) == 2).any()
    # below pi* = h / (G_H + h) (the full-commitment hold-up gain before its cost) no
    # hold-up; the hold-up set grows with pi
    # (under ultimatum E is indifferent everywhere, and below the chance node its two
    # values are sums of floats: atol lets the tie rule, not rounding, decide)
    grid = np.linspace(0.0, 1.0, 21)
    held = np.stack([classify("brinkmanship", protocol, p, breakdown_risk=x, atol=1e-12) == 2
                     for x in grid])
    assert not (held[:-1] & ~held[1:]).any()  # once hold-up, hold-up for every larger pi
    pos = p["holdup_cost"] > 0
    small = 1e-3 * p["holdup_cost"]  # pi far below pi* for every point with h > 0
    codes = classify("brinkmanship", protocol, p, breakdown_risk=np.minimum(small, 1.0))
    assert not (codes[pos] == 2).any()


def test_brinkmanship_gains_are_the_full_gains_scaled_by_pi():
    """G_H(pi) + h = pi (G_H(full) + h) and E's margin scales by pi: read from the engine."""
    from kzgame.game.gains import node_gains

    rng = np.random.default_rng(0)
    for protocol in PROTOCOLS:
        full, brink = commitment_game("full", protocol), commitment_game("brinkmanship", protocol)
        h, pi = full.symbols["holdup_cost"], brink.symbols["breakdown_risk"]
        gf = node_gains(full)[0].gains[full.node("hold-up/concede").index]
        gb = node_gains(brink)[0].gains[brink.node("hold-up/concede").index]
        mf = full.payoff("hold-up/concede", "E") - full.payoff("hold-up/refuse", "E")
        refused = brink.payoff("hold-up/refuse/breakdown", "E") * pi + brink.payoff(
            "hold-up/refuse/crisis passes", "E") * (1 - pi)
        mb = brink.payoff("hold-up/concede", "E") - refused
        residues = (gb + h - pi * (gf + h), mb - pi * mf)
        symbols = sorted(set().union(*(e.free_symbols for e in residues)), key=str)
        for _ in range(50):  # Max(0, pi x) = pi Max(0, x) for pi >= 0: checked at numbers
            at = {x: rng.uniform(0, 1) if x in (pi, *brink.symbols.values()) and
                  brink.parameters.get(str(x)) and brink.parameters[str(x)].domain.high == 1
                  else rng.uniform(-1, 1) for x in symbols}
            for e in residues:
                assert abs(float(e.subs(at))) < 1e-12


# ---------------------------------------------------------------------------
# the split outside option


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_full_commitment_with_equal_outside_options_is_the_period_game(protocol):
    g, ref = commitment_game("full", protocol), period(protocol)
    xi = g.symbols["exit_premium"]
    assert [n.path for n in g.nodes] == [n.path for n in ref.nodes]
    assert g.outcomes == ref.outcomes
    for i in ref.leaves:
        assert g.nodes[i].label == ref.nodes[i].label
        for a, b in zip(g.nodes[i].payoffs, ref.nodes[i].payoffs, strict=True):
            assert sp.simplify(a.subs(xi, 0) - b) == 0


@settings(deadline=None, max_examples=8)
@given(SEEDS, st.sampled_from(PROTOCOLS))
def test_equal_outside_options_give_the_period_games_codes(seed, protocol):
    p = draw(seed)
    p["exit_premium"] = 0.0
    assert (classify("full", protocol, p) == kzgame.classify(protocol=protocol,
                                                            **without_xi(p))).all()


# ---------------------------------------------------------------------------
# an independent backward induction, from the payoffs typed here


def typed_tree(commitment, protocol, v):
    """The tree as nested tuples: ('R'|'E', [(action, subtree)...]) | ('chance', ...) | leaf."""
    V, s, oR, oE = v["surplus"], v["share"], v["outside_r"], v["outside_e"]
    i, q, c, b, h = (v[k] for k in ("indispensability", "survival", "invest_cost", "power",
                                     "holdup_cost"))
    xi = v["exit_premium"]
    uRA, uEA = q * s * V + (1 - q) * oR, q * (1 - s) * V + (1 - q) * oE
    dE = (1 - i) * uEA + i * oE
    oX = oR + xi
    pi = v.get("breakdown_risk", 1.0) if commitment == "brinkmanship" else 1.0
    tR, tE = pi * oX + (1 - pi) * uRA, pi * dE + (1 - pi) * uEA
    w = {"nash": b, "ultimatum": 1.0,
         "rubinstein": (1 - v["discount_e"]) / (1 - v["discount_r"] * v["discount_e"])}
    if protocol in w:
        gfa = uRA + uEA - tR - tE
        agree = (tR + w[protocol] * gfa, tE + (1 - w[protocol]) * gfa)
    else:  # outside-option principle over the threat tR
        top = max(0.0, tR - uRA)
        agree = (uRA + top, uEA - top)
    leave = ("leaf", (oX - h, dE), "exit")
    stay = ("leaf", (uRA - h, uEA), "accept")
    refuse = {"full": leave, "none": ("R", [("stay", stay), ("leave", leave)]),
              "brinkmanship": ("chance", [(pi, leave), (1 - pi, stay)])}[commitment]
    return ("R", [
        ("accept", ("leaf", (uRA, uEA), "accept")),
        ("invest", ("leaf", (s * V - c, (1 - s) * V), "invest")),
        ("hold-up", ("E", [("concede", ("leaf", (agree[0] - h, agree[1]), "hold-up")),
                           ("refuse", refuse)])),
        ("exit", ("leaf", (oX, dE), "exit")),
    ])


def induct(node):
    """(expected payoffs, labels reached) by backward induction; ties to the first action."""
    kind = node[0]
    if kind == "leaf":
        return node[1], frozenset([node[2]])
    if kind == "chance":
        solved = [(p, induct(sub)) for p, sub in node[1]]
        pay = tuple(sum(p * u[k] for p, (u, _) in solved) for k in range(2))
        return pay, frozenset().union(*(lab for _, (_, lab) in solved))
    who = 0 if kind == "R" else 1
    best = None
    for _, sub in node[1]:
        pay, lab = induct(sub)
        if best is None or pay[who] > best[0][who] + 1e-12:
            best = (pay, lab)
    return best


@settings(deadline=None, max_examples=25)
@given(SEEDS, st.sampled_from(PROTOCOLS), st.sampled_from(tuple(COMMITMENTS)))
def test_an_independent_recursion_agrees_with_solve(seed, protocol, commitment):
    rng = np.random.default_rng(seed)
    p = {k: float(v[0]) for k, v in draw(seed, 1, h_zero=False).items()}
    if commitment == "brinkmanship":
        p["breakdown_risk"] = float(rng.uniform(0, 1))
    game = commitment_game(commitment, protocol)
    # atol as the recursion's 1e-12: under ultimatum E is exactly indifferent, and below
    # brinkmanship's chance node the engine compares sums of floats (see the theory page)
    r = kzgame.solve(game, atol=1e-12, **p)
    pay, labels = induct(typed_tree(commitment, protocol, p))
    assert r.payoffs["R"] == pytest.approx(pay[0], abs=1e-9)
    assert r.payoffs["E"] == pytest.approx(pay[1], abs=1e-9)
    gains = sorted(r.gains["root"].values())
    if gains[-1] - gains[-2] > 1e-9:  # no near-tie at the root
        assert frozenset(r.outcome.split(" + ")) == labels


# ---------------------------------------------------------------------------
# the engine's regions and boundaries agree with classify


@pytest.mark.parametrize("commitment", tuple(COMMITMENTS))
@pytest.mark.parametrize("protocol", ["nash", "outside-option"])
def test_regions_agree_with_classify_on_both_sides(commitment, protocol):
    game = commitment_game(commitment, protocol)
    p = draw(7 + len(commitment), 2000)
    if commitment == "brinkmanship":
        p["breakdown_risk"] = np.random.default_rng(3).uniform(0, 1, 2000)
    codes = kzgame.classify(game, **p)
    for k, name in enumerate(game.outcomes):
        inside = np.asarray(outcome_region(game, name).func(**p), dtype=bool)
        assert (inside == (codes == k)).all(), name
    assert len(set(codes.tolist()) & {0, 1, 2, 3}) >= 3  # both sides of the boundaries


def test_the_breakdown_risk_boundary_switches_the_outcome():
    """pi* from the engine's boundary: hold-up just above it, accept just below."""
    game = commitment_game("brinkmanship")
    b = boundary(game, "breakdown_risk", ("hold-up", "accept"))
    point = dict(share=0.5, outside_r=0.4, outside_e=0.0, indispensability=0.9,
                 survival=0.8, invest_cost=0.05, holdup_cost=0.05)
    star = float(b.func(**point))
    assert 0 < star < 1
    dR, dE = 0.5 - 0.4, 0.5
    assert star == pytest.approx(0.05 / (0.8 * (0.5 * 0.9 * dE - 0.5 * dR)))  # h / (G_H + h)
    above = kzgame.solve(game, breakdown_risk=star + 1e-6, **point).outcome
    below = kzgame.solve(game, breakdown_risk=star - 1e-6, **point).outcome
    assert (above, below) == ("hold-up", "accept")


# ---------------------------------------------------------------------------
# Gambit: the subgame-perfect profile is a Nash equilibrium of the exported tree


@settings(deadline=None, max_examples=6)
@given(SEEDS, st.sampled_from(tuple(COMMITMENTS)))
def test_the_spe_is_a_nash_equilibrium_in_gambit(seed, commitment):
    gbt = pytest.importorskip("pygambit")
    from kzgame.io.gambit import to_efg

    rng = np.random.default_rng(seed)
    p = {k: Fraction(float(v[0])).limit_denominator(1000)
         for k, v in draw(seed, 1, h_zero=False).items() if k not in ("discount_r", "discount_e")}
    if commitment == "brinkmanship":
        p["breakdown_risk"] = Fraction(int(rng.integers(0, 11)), 10)
    game = commitment_game(commitment)
    r = kzgame.solve(game, **{k: float(v) for k, v in p.items()})
    tree = gbt.read_efg(io.StringIO(to_efg(game, exact=True, **p)))
    profile = tree.mixed_behavior_profile(rational=True)
    for infoset in tree.infosets:
        if infoset.player.is_chance:
            continue
        node = list(infoset.members)[0].label
        chosen = r.choices[node]
        for action in infoset.actions:
            profile[action] = Fraction(1 if action.label == chosen else 0)
    assert profile.max_regret() == 0


# ---------------------------------------------------------------------------
# bad input


def test_breakdown_risk_outside_the_unit_interval_is_refused():
    game = commitment_game("brinkmanship")
    point = dict(share=0.5, outside_r=0.3, outside_e=0.0, indispensability=0.9,
                 survival=0.8, invest_cost=0.05)
    for bad in (-0.1, 1.5, float("nan")):
        with pytest.raises(ParameterError, match=r"breakdown_risk .*\[0, 1\]"):
            kzgame.classify(game, breakdown_risk=[0.5, bad], **point)
        with pytest.raises(ParameterError, match=r"breakdown_risk .*\[0, 1\]"):
            kzgame.solve(game, breakdown_risk=bad, **point)
    with pytest.raises(ParameterError, match="missing parameter.*breakdown_risk"):
        kzgame.solve(game, **point)
    with pytest.raises(ParameterError, match="unknown parameter.*breakdown_risk"):
        kzgame.solve(commitment_game("none"), breakdown_risk=0.5, **point)
    with pytest.raises(KzgameError, match="unknown commitment 'partial'.*full, none"):
        commitment_game("partial")
    with pytest.raises(KzgameError, match="unknown protocol"):
        commitment_game("none", "haggle")


# ---------------------------------------------------------------------------
# selection by name, like the protocols


@settings(deadline=None, max_examples=5)
@given(SEEDS, st.sampled_from(PROTOCOLS), st.sampled_from(tuple(COMMITMENTS)))
def test_classify_selects_the_commitment_by_name(seed, protocol, commitment):
    p = draw(seed, 200)
    extra = {"breakdown_risk": 0.7} if commitment == "brinkmanship" else {}
    named = kzgame.classify(protocol=protocol, commitment=commitment, **p, **extra)
    assert (named == classify(commitment, protocol, p, **extra)).all()
    assert named.dtype == np.int8


def test_classify_by_name_on_dask_arrays_gives_the_same_codes():
    da = pytest.importorskip("dask.array")
    p = draw(4, 1000)
    lazy = {k: da.from_array(v, chunks=300) for k, v in p.items()}
    got = kzgame.classify(commitment="none", **lazy).compute()
    assert (got == classify("none", "nash", p)).all()


def test_classify_commitment_errors():
    p = {k: v[:3] for k, v in draw(1, 3).items()}
    with pytest.raises(KzgameError, match="unknown commitment 'maybe'"):
        kzgame.classify(commitment="maybe", **p)
    with pytest.raises(ParameterError, match=r"breakdown_risk = 2.0 is outside .*\[0, 1\]"):
        kzgame.classify(commitment="brinkmanship", breakdown_risk=2.0, **p)
    with pytest.raises(ParameterError, match="unknown parameter.*exit_premium"):
        kzgame.classify(**p)  # the period game has no split outside option
    with pytest.raises(TypeError, match="commitment applies to the period game"):
        kzgame.classify(commitment_game("none"), commitment="none", **p)


def test_the_credibility_boundary_in_exit_premium():
    """No commitment: the hold-up needs xi_R > q Delta_R.

    The switch is decided after a refusal, where R compares staying (accept) with
    leaving (exit): the engine's accept/exit boundary holds the root; the outcome then
    switches from hold-up to accept there (E refuses once R would stay).
    """
    game = commitment_game("none")
    b = boundary(game, "exit_premium", ("accept", "exit"))
    point = dict(share=0.5, outside_r=0.3, outside_e=0.0, indispensability=0.9,
                 survival=0.8, invest_cost=0.05)
    roots, _ = b.crossings(**point)
    found = sorted(float(x) for x in np.ravel(roots) if np.isfinite(x))
    star = 0.8 * (0.5 - 0.3)  # q Delta_R: R's stay margin
    assert any(x == pytest.approx(star) for x in found), found
    above = kzgame.solve(game, exit_premium=star + 1e-9, **point).outcome
    below = kzgame.solve(game, exit_premium=star - 1e-9, **point).outcome
    assert (above, below) == ("hold-up", "accept")
    assert kzgame.solve(game, exit_premium=star, **point).outcome == "accept"  # R stays on a tie
