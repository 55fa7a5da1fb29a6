"""Several members and E's counter-moves: closed form vs the engine vs brute force."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kzgame
from kzgame.errors import ParameterError
from kzgame.members.contagion import MEMBER_PARAMETERS, STRATEGIES
from kzgame.members.countermoves import MOVES, best_counter_move
from kzgame.members.trees import members_game, simultaneous_equilibria, solve_tree
from kzgame.members.vectorized import solve_members

RANGES = {
    "surplus": (0.5, 1.5), "share": (0.3, 0.7), "outside_r": (-0.1, 0.6),
    "outside_e": (-0.3, 0.3), "indispensability": (0.0, 1.0), "survival": (0.3, 1.0),
    "invest_cost": (0.0, 0.3), "power": (0.1, 0.9), "holdup_cost": (0.005, 0.2),
}  # fmt: skip
COSTS = {"dilution": (0.0, 1.0), "dilution_cost": (0.0, 0.3), "deepening": (0.0, 0.4),
         "deepening_cost": (0.0, 0.3), "offer_cost": (0.0, 0.3)}


def draw(rng, n, size=None):
    return {f"M{k}": {p: rng.uniform(*RANGES[p], size=size) for p in MEMBER_PARAMETERS}
            for k in range(1, n + 1)}


def at(members, i):
    return {m: {p: float(v[i]) for p, v in ps.items()} for m, ps in members.items()}


# --- the test's own period game (MODEL.md, nash), independent of kzgame.members ----------


def period_payoffs(p):
    """(R, E) at accept, invest, conceded hold-up, refused hold-up, exit; and T, M."""
    V, s, o_r, o_e = p["surplus"], p["share"], p["outside_r"], p["outside_e"]
    i, q, c, b, h = (p[k] for k in ("indispensability", "survival", "invest_cost", "power",
                                    "holdup_cost"))
    ura, uea = q * s * V + (1 - q) * o_r, q * (1 - s) * V + (1 - q) * o_e
    de = (1 - i) * uea + i * o_e
    gains = ura + uea - o_r - de
    return {
        "accept": (ura, uea), "invest": (s * V - c, (1 - s) * V),
        "concede": (o_r + b * gains - h, de + (1 - b) * gains), "refuse": (o_r - h, de),
        "exit": (o_r, de),
    }


def stage(members, kappa, offer=False):
    """Every profile's (members' payoffs, labels, E's payoff), E answering by brute force."""
    pays = [period_payoffs(p) for p in members.values()]
    transfer = [P["concede"][0] + (P["exit"][0] - P["refuse"][0]) - P["accept"][0] for P in pays]
    t_offer = [max(0.0, P["concede"][0] - P["accept"][0]
                   - max(0.0, P["invest"][0] - P["accept"][0])) for P in pays]
    n = len(pays)
    table = {}
    for prof in itertools.product(STRATEGIES, repeat=n):
        hold = [j for j in range(n) if prof[j] == "hold-up"]
        best = None
        for r in range(len(hold) + 1):
            for conc in itertools.combinations(hold, r):
                e = 0.0
                for j in range(n):
                    a = prof[j]
                    key = ("concede" if j in conc else "refuse") if a == "hold-up" else a
                    e += pays[j][key][1] - (t_offer[j] if offer and a in ("accept", "invest")
                                            else 0.0)
                if conc and not offer:
                    e -= kappa * sum(max(0.0, transfer[j]) for j in range(n)
                                     if prof[j] in ("accept", "invest"))
                if best is None or e > best[0] + 1e-12:
                    best = (e, conc)
        e, conc = best
        rs, labels = [], []
        for j in range(n):
            a = prof[j]
            if a == "hold-up":
                key = "concede" if j in conc else "refuse"
                labels.append("hold-up" if j in conc else "exit")
            else:
                key = a
                labels.append(a)
            r = pays[j][key][0] + (t_offer[j] if offer and a in ("accept", "invest") else 0.0)
            rs.append(r)
        table[prof] = (rs, tuple(labels), e)
    return table


def equilibria(table, n):
    out = []
    for prof, (rs, labels, e) in table.items():
        if all(table[prof[:j] + (a,) + prof[j + 1:]][0][j] <= rs[j] + 1e-9
               for j in range(n) for a in STRATEGIES):
            out.append((labels, e))
    return out


def selected(table, n, offer=False):
    """The equilibrium with the most conceded hold-ups (the united front), its E payoff.

    After an offer a member is indifferent between it and a conceded hold-up
    and takes the offer (the tie rule): the fewest hold-ups.
    """
    sign = -1 if offer else 1
    return max(equilibria(table, n), key=lambda x: sign * x[0].count("hold-up"))


# --- n = 1 and zero contagion ------------------------------------------------------------


def test_one_member_is_the_period_game():
    rng = np.random.default_rng(1)
    m = draw(rng, 1, 400)
    sol = solve_members(m, contagion=rng.uniform(0, 1, 400))
    codes = kzgame.classify(**m["M1"])
    assert (sol.codes[:, 0] == codes).all()
    assert len(set(codes.tolist())) == 4  # every strategy occurs on these draws
    for i in range(0, 400, 40):
        p = at(m, i)["M1"]
        r = kzgame.solve(kzgame.Period(**p))
        assert sol.strategies(i)["M1"] == r.strategy.value
        assert bool(sol.e_concedes[i, 0]) == r.e_concedes
        assert solve_tree({"M1": p}, contagion=0.7).strategies["M1"] == r.strategy.value


def test_one_member_tree_is_the_period_game_with_an_e_move_in_front():
    rng = np.random.default_rng(2)
    m = draw(rng, 1, 12)
    expensive = {"dilution": 0.5, "dilution_cost": 1e6, "deepening": 0.2,
                 "deepening_cost": 1e6, "offer_cost": 1e6}
    for i in range(12):
        p = at(m, i)
        t = solve_tree(p, costs=expensive)
        assert t.move == "nothing"
        assert t.strategies["M1"] == kzgame.solve(kzgame.Period(**p["M1"])).strategy.value
        assert best_counter_move(p, **expensive).move() == "nothing"


def test_zero_contagion_makes_the_members_independent():
    rng = np.random.default_rng(3)
    m = draw(rng, 4, 2000)
    sol = solve_members(m, contagion=0.0)
    for k, name in enumerate(m):
        assert (sol.codes[:, k] == kzgame.classify(**m[name])).all()
        assert (sol.codes[:, k] == sol.bilateral_codes[:, k]).all()
    assert not sol.contagion_refusal.any()


# --- small n: the vectorized solver against the engine ------------------------------------


@pytest.mark.parametrize("n,points", [(2, 60), (3, 25)])
def test_vectorized_against_the_engine(n, points):
    rng = np.random.default_rng(10 + n)
    m = draw(rng, n, points)
    # lower margins and higher transfers for some members, so that contagion bites
    kappa = rng.uniform(0, 1, points)
    refusals = coordination = 0
    for sel in ("united", "none"):
        sol = solve_members(m, kappa, selection=sel)
        for i in range(points):
            p = at(m, i)
            eqs = simultaneous_equilibria(p, kappa[i])
            expected = []
            if sol.united[i]:
                expected.append({nm: STRATEGIES[c] for nm, c in
                                 zip(m, np.where(sol.bilateral.wants[i], 2,
                                                 sol.bilateral.fallback[i]), strict=True)})
            if sol.nobody[i]:
                expected.append({nm: STRATEGIES[c] for nm, c in
                                 zip(m, sol.bilateral.fallback[i], strict=True)})
            assert sorted(map(str, eqs)) == sorted(map(str, {str(e): e for e in
                                                             expected}.values()))
            assert sol.strategies(i) in eqs
            if sel == "united":
                # any order of moves gives the united front where it is an equilibrium
                assert solve_tree(p, kappa[i]).strategies == sol.strategies(i)
                refusals += int(sol.contagion_refusal[i].any())
                coordination += int(sol.coordination[i])
    assert refusals > 0  # the draws reach the region where contagion bites


def test_simultaneous_tree_has_one_information_set_per_member():
    g = members_game(2, "simultaneous")
    assert not g.perfect_information
    assert set(g.infosets) >= {"nothing:M2"}
    with pytest.raises(kzgame.GameError):
        kzgame.solve(g, **{k: 0.0 for k in g.parameters})


def test_contagion_refusal_is_reported():
    small = dict(share=0.5, outside_r=0.48, outside_e=-0.1, indispensability=0.3,
                 survival=0.8, invest_cost=0.1, power=0.35, holdup_cost=0.01)
    big = dict(small, outside_r=0.4, indispensability=0.9, holdup_cost=0.15)
    members = {"J": small, "I1": big, "I2": big}
    sol = solve_members(members, contagion=np.array([0.5, 0.53]))
    k = float(sol.threshold[0])
    assert 0.5 < k < 0.53
    assert sol.codes[0, 0] == 2 and sol.codes[1, 0] == 0
    assert sol.contagion_refusal[1, 0] and not sol.contagion_refusal[0, 0]
    assert solve_tree(members, 0.53).strategies["J"] == "accept"
    assert solve_tree(members, 0.5).strategies["J"] == "hold-up"


# --- counter-moves: brute force over E's moves --------------------------------------------


def moved(members, move, c):
    out = {}
    for name, p in members.items():
        p = dict(p)
        if move == "dilute":
            p["indispensability"] *= 1 - c["dilution"]
        elif move == "deepen":
            p["outside_r"] -= c["deepening"]
        out[name] = p
    return out


@pytest.mark.parametrize("n,points", [(1, 60), (2, 40), (3, 10)])
def test_counter_move_is_optimal_by_brute_force(n, points):
    rng = np.random.default_rng(20 + n)
    m = draw(rng, n, points)
    kappa = rng.uniform(0, 1, points)
    costs = {k: rng.uniform(*r, size=points) for k, r in COSTS.items()}
    res = best_counter_move(m, kappa, **costs)
    seen = set()
    for i in range(points):
        p, c = at(m, i), {k: float(v[i]) for k, v in costs.items()}
        fee = {"nothing": 0.0, "dilute": c["dilution_cost"], "deepen": c["deepening_cost"],
               "offer": c["offer_cost"]}
        values = {}
        for move in MOVES:
            table = stage(moved(p, move, c), kappa[i], offer=move == "offer")
            labels, e = selected(table, n, offer=move == "offer")
            values[move] = (e - fee[move], labels)
        best = max(MOVES, key=lambda mv: (values[mv][0], -MOVES.index(mv)))
        assert res.move(i) == best
        assert tuple(res.strategies(i).values()) == values[best][1]
        assert res.payoffs[i, MOVES.index(best)] == pytest.approx(values[best][0], abs=1e-12)
        seen.add(best)
    if n < 3:
        assert len(seen) >= 3  # the draws reach several moves


def test_counter_move_tree_agrees_for_one_member():
    rng = np.random.default_rng(5)
    m = draw(rng, 1, 15)
    costs = {k: rng.uniform(*r, size=15) for k, r in COSTS.items()}
    res = best_counter_move(m, 0.0, **costs)
    for i in range(15):
        t = solve_tree(at(m, i), costs={k: float(v[i]) for k, v in costs.items()})
        assert t.move == res.move(i)
        assert t.strategies == res.strategies(i)
        assert t.payoff_e == pytest.approx(float(res.payoffs[i].max()), abs=1e-9)


# --- monotonicity ------------------------------------------------------------------------

unit = st.floats(0.0, 1.0)


@settings(deadline=None, max_examples=60)
@given(seed=st.integers(0, 2**32 - 1), k1=unit, k2=unit, n=st.integers(1, 6))
def test_more_contagion_never_makes_e_more_willing_to_concede(seed, k1, k2, n):
    lo, hi = min(k1, k2), max(k1, k2)
    m = draw(np.random.default_rng(seed), n, 50)
    for sel in ("united", "none"):
        a, b = solve_members(m, lo, selection=sel), solve_members(m, hi, selection=sel)
        assert not (b.e_concedes & ~a.e_concedes).any()
        conceded_a = (a.codes == 2).any(axis=-1)
        assert not ((b.codes == 2).any(axis=-1) & ~conceded_a).any()


@settings(deadline=None, max_examples=60)
@given(seed=st.integers(0, 2**32 - 1), c1=st.floats(0.0, 0.5), c2=st.floats(0.0, 0.5),
       n=st.integers(1, 5), kappa=unit)
def test_cheaper_dilution_never_makes_e_less_likely_to_dilute(seed, c1, c2, n, kappa):
    lo, hi = min(c1, c2), max(c1, c2)
    rng = np.random.default_rng(seed)
    m = draw(rng, n, 50)
    other = {k: rng.uniform(*r, size=50) for k, r in COSTS.items() if k != "dilution_cost"}
    cheap = best_counter_move(m, kappa, dilution_cost=lo, **other)
    dear = best_counter_move(m, kappa, dilution_cost=hi, **other)
    assert not ((dear.codes == 1) & (cheap.codes != 1)).any()


# --- bad input ---------------------------------------------------------------------------

GOOD = dict(share=0.5, outside_r=0.2, outside_e=0.0, indispensability=0.5, survival=0.8,
            invest_cost=0.1)


def test_bad_input_names_the_member_and_parameter():
    with pytest.raises(ParameterError, match="n = 0"):
        solve_members({})
    with pytest.raises(ParameterError, match="contagion = 1.5"):
        solve_members({"A": GOOD}, contagion=1.5)
    with pytest.raises(ParameterError, match="contagion = -0.1"):
        best_counter_move({"A": GOOD}, contagion=-0.1)
    with pytest.raises(ParameterError, match="dilution = 2.0"):
        best_counter_move({"A": GOOD}, dilution=2.0)
    with pytest.raises(ParameterError, match="offer_cost = -1.0"):
        best_counter_move({"A": GOOD}, offer_cost=-1.0)
    with pytest.raises(ParameterError, match="member 'B': missing parameter.*survival"):
        solve_members({"A": GOOD, "B": {k: v for k, v in GOOD.items() if k != "survival"}})
    with pytest.raises(ParameterError, match="member 'B': indispensability = 1.2"):
        solve_members({"A": GOOD, "B": dict(GOOD, indispensability=1.2)})
    with pytest.raises(ParameterError, match="member 'B': unknown parameter.*iota"):
        solve_members({"A": GOOD, "B": dict(GOOD, iota=0.3)})
    with pytest.raises(ParameterError, match="unknown counter-move parameter"):
        best_counter_move({"A": GOOD}, dilution_costs=1.0)
    with pytest.raises(ParameterError, match="n = 5"):
        members_game(5)


def test_compiled_and_numpy_counter_moves_agree():
    pytest.importorskip("numba")
    rng = np.random.default_rng(7)
    m = draw(rng, 5, 3000)
    kappa = rng.uniform(0, 1, 3000)
    costs = {k: rng.uniform(*r, size=3000) for k, r in COSTS.items()}
    for sel in ("united", "none"):
        a = best_counter_move(m, kappa, selection=sel, backend="numba", **costs)
        b = best_counter_move(m, kappa, selection=sel, backend="numpy", **costs)
        assert (a.codes == b.codes).all()
        assert (a.member_codes == b.member_codes).all()
        np.testing.assert_allclose(a.payoffs, b.payoffs, rtol=0, atol=1e-12)
        assert len(set(a.codes.tolist())) == 4


def test_symbolic_move_values_match_the_solver_for_one_member():
    import sympy as sp

    from kzgame.members.symbolic import move_value

    rng = np.random.default_rng(9)
    m = draw(rng, 1, 300)
    costs = {k: rng.uniform(*r, size=300) for k, r in COSTS.items()}
    res = best_counter_move(m, 0.0, backend="numpy", **costs)
    funcs = {}
    checked = 0
    for i in range(300):
        before = STRATEGIES[int(res.solutions["nothing"].codes[i, 0])]
        for j, move in enumerate(MOVES[1:3], start=1):
            after = STRATEGIES[int(res.solutions[move].codes[i, 0])]
            key = (move, before, after)
            if key not in funcs:
                e = move_value(*key)
                syms = sorted(e.free_symbols, key=str)
                funcs[key] = (sp.lambdify(syms, e), [str(s) for s in syms])
            f, names = funcs[key]
            point = {**at(m, i)["M1"], **{k: float(v[i]) for k, v in costs.items()}}
            assert f(*(point[n] for n in names)) == pytest.approx(res.thresholds[i, j], abs=1e-12)
            checked += 1
    assert checked == 600 and len(funcs) >= 4


def test_engine_regions_of_the_counter_moves_match_the_solver():
    import sympy as sp

    from kzgame.members.countermoves import COUNTER_PARAMETERS
    from kzgame.members.symbolic import counter_move_region

    rng = np.random.default_rng(11)
    m = draw(rng, 1, 400)
    costs = {k: rng.uniform(*r, size=400) for k, r in COSTS.items()}
    res = best_counter_move(m, 0.0, **costs)
    names = list(MEMBER_PARAMETERS) + list(COUNTER_PARAMETERS)
    values = [m["M1"][k] for k in MEMBER_PARAMETERS] + [costs[k] for k in COUNTER_PARAMETERS]
    labels = np.array([f"{res.move(i)}: {res.strategies(i)['M1']}" for i in range(400)])
    for outcome in ("nothing: hold-up", "deepen: accept", "dilute: accept", "offer: accept"):
        cond = counter_move_region(outcome)
        f = sp.lambdify([sp.Symbol(n, **kzgame.game.REGISTRY[n].domain.assumptions())
                         if n in kzgame.game.REGISTRY else COUNTER_PARAMETERS[n].symbol
                         for n in names], cond, modules="numpy")
        inside = np.broadcast_to(f(*values), (400,))
        assert (inside == (labels == outcome)).all(), outcome
        assert inside.any()
