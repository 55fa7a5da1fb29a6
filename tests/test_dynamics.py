"""Issue 12: the dynamic game, checked against the period game, the engine and itself."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import kzgame
from kzgame.dynamics import (
    ConvergenceError,
    Dynamics,
    ParameterPath,
    StateGrid,
    equilibrium_path,
    solve_finite,
    solve_stationary,
    solve_tree,
)
from kzgame.dynamics.bellman import as_points, step
from kzgame.dynamics.state import concession_share, survival_of
from kzgame.errors import ParameterError

RNG_SEED = 12


def _draw(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    """Random period parameters where the ratchet stays in [0, 1] (o_R, o_E in [0, V/2])."""
    return {
        "surplus": rng.uniform(0.5, 2.0, n),
        "share": rng.uniform(0.0, 1.0, n),
        "outside_r": rng.uniform(0.0, 0.5, n),
        "outside_e": rng.uniform(0.0, 0.5, n),
        "indispensability": rng.uniform(0.0, 1.0, n),
        "survival": rng.uniform(0.0, 1.0, n),
        "invest_cost": rng.uniform(0.0, 0.3, n),
        "power": rng.uniform(0.05, 0.95, n),
        "holdup_cost": rng.uniform(0.0, 0.1, n),
    }


def _scaled(values: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    v = dict(values)
    v["outside_r"] = v["outside_r"] * v["surplus"]
    v["outside_e"] = v["outside_e"] * v["surplus"]
    return v


# ---------------------------------------------------------------------------
# T = 1 and zero discounting: the period game


def test_one_step_is_the_period_game_at_random_points():
    rng = np.random.default_rng(RNG_SEED)
    vals = _scaled(_draw(rng, 60))
    grid = StateGrid(9, 2)
    sol = solve_finite(ParameterPath.constant(vals, 1), Dynamics(0.7, 0.6, 0.5, 1.0), grid)
    for p in range(60):
        one = {k: float(v[p]) for k, v in vals.items()}
        for i, s in enumerate(grid.shares):
            r = kzgame.solve(kzgame.Period(**{**one, "share": float(s)}))
            assert sol.code[p, i, 0] == kzgame.Strategy(r.strategy).code
            assert sol.value_r[p, i, 0] == pytest.approx(r.payoff_r, abs=1e-12)
            assert sol.value_e[p, i, 0] == pytest.approx(r.payoff_e, abs=1e-12)
            assert sol.concedes[0, p, i, 0] == r.e_concedes


@pytest.mark.parametrize("protocol", ["rubinstein", "ultimatum"])
def test_one_step_is_the_period_game_under_other_protocols(protocol):
    rng = np.random.default_rng(RNG_SEED + 9)
    vals = _scaled(_draw(rng, 25))
    vals["discount_r"] = rng.uniform(0.1, 0.95, 25)
    vals["discount_e"] = rng.uniform(0.1, 0.95, 25)
    grid = StateGrid(5, 2)
    sol = solve_finite(ParameterPath.constant(vals, 1), Dynamics(), grid, protocol=protocol)
    for p in range(25):
        one = {k: float(v[p]) for k, v in vals.items()}
        for i, s in enumerate(grid.shares):
            r = kzgame.solve(kzgame.Period(**{**one, "share": float(s)}), protocol)
            assert sol.code[p, i, 0] == kzgame.Strategy(r.strategy).code
            assert sol.value_r[p, i, 0] == pytest.approx(r.payoff_r, abs=1e-12)
            assert sol.value_e[p, i, 0] == pytest.approx(r.payoff_e, abs=1e-12)


def test_zero_discounting_is_the_period_by_period_classification():
    rng = np.random.default_rng(RNG_SEED + 1)
    T, n = 3, 40
    rows = [_scaled(_draw(rng, n)) for _ in range(T)]
    path = ParameterPath({k: np.stack([r[k] for r in rows]) for k in rows[0]},
                         ("a", "b", "c"))
    grid = StateGrid(7, 4)
    sol = solve_finite(path, Dynamics(0.0, 0.0, 0.6, 1.0), grid)
    s = grid.shares[None, :, None]
    for t in range(T):
        for p in range(n):
            v = {k: float(rows[t][k][p]) for k in rows[t]}
            q = survival_of(v["survival"], grid.stocks[None, None, :])
            codes = kzgame.classify(**{**v, "share": s, "survival": q})
            assert np.array_equal(sol.codes[t, p], codes[0])


def test_zero_discounting_and_no_carry_over_give_the_static_path():
    rng = np.random.default_rng(RNG_SEED + 2)
    rows = [{k: float(v[0]) for k, v in _scaled(_draw(rng, 1)).items()} for _ in range(4)]
    rows = [{**r, "share": rows[0]["share"]} for r in rows]
    path = ParameterPath({k: np.array([r[k] for r in rows]) for k in rows[0]}, tuple("abcd"))
    sol = solve_finite(path, Dynamics(0.0, 0.0, 0.0, 0.0), StateGrid(5, 3))
    got = [s.strategy for s in equilibrium_path(sol).steps]
    want = []
    for r in rows:
        want.append(kzgame.solve(kzgame.Period(**r)).strategy.value)
        if want[-1] == "exit":
            break
    assert got[: len(want)] == want


# ---------------------------------------------------------------------------
# The ratchet's mapping is derived from the period game's tree


def test_concession_share_solves_accept_payoff_equals_bargained_payoff():
    game = kzgame.games.period("nash")
    sym = game.symbols
    agree_r = game.payoff("hold-up/concede", "R") + sym["holdup_cost"]
    s_new = sp.Symbol("s_new")
    accept_at_new = game.payoff("accept", "R").subs(sym["share"], s_new)
    solved = sp.solve(sp.Eq(accept_at_new, agree_r), s_new)
    assert len(solved) == 1
    f = sp.lambdify(list(sym.values()), solved[0])
    rng = np.random.default_rng(RNG_SEED + 3)
    for _ in range(20):
        v = {k: float(x[0]) for k, x in _scaled(_draw(rng, 1)).items()}
        v = {**v, "discount_r": 0.9, "discount_e": 0.9}
        args = [v[str(s)] for s in sym.values()]
        mine = concession_share(v["share"], surplus=v["surplus"], outside_r=v["outside_r"],
                                outside_e=v["outside_e"],
                                indispensability=v["indispensability"], power=v["power"])
        assert float(mine) == pytest.approx(float(f(*args)), abs=1e-12)


# ---------------------------------------------------------------------------
# T = 2, 3: the grid solver equals the engine's solution of the same tree


def _one_point(seed: int) -> dict[str, float]:
    rng = np.random.default_rng(seed)
    return {k: float(v[0]) for k, v in _scaled(_draw(rng, 1)).items()}


@pytest.mark.parametrize("T", [2, 3])
@pytest.mark.parametrize("seed", range(4))
def test_grid_solution_equals_engine_on_the_discretized_tree(T, seed):
    values = _one_point(100 + seed)
    dyn = Dynamics(0.85, 0.7, 0.6, 0.8)
    grid = StateGrid(5, 3)
    path = ParameterPath.constant(values, T)
    sol = solve_finite(path, dyn, grid, atol=1e-9)
    for i, s in enumerate(grid.shares):
        spe = solve_tree(path, dyn, share=float(s), stock=0.0, grid=grid, atol=1e-9)
        code = int(sol.code[0, i, 0])
        assert spe.outcome == ("accept", "invest", "hold-up", "exit")[code]
        assert (spe.choices["hold-up"] == "concede") == bool(sol.concedes[0, 0, i, 0])
        assert spe.payoffs["R"] == pytest.approx(sol.value_r[0, i, 0], abs=1e-9)
        assert spe.payoffs["E"] == pytest.approx(sol.value_e[0, i, 0], abs=1e-9)


@pytest.mark.parametrize("seed", range(3))
def test_grid_solution_equals_the_exact_game_when_moves_land_on_the_grid(seed):
    # no ratchet, durability 1/2, stocks 0, 1/4, ..., 1: every reachable state is a grid point
    values = _one_point(200 + seed)
    dyn = Dynamics(0.8, 0.9, 0.5, 0.0)
    grid = StateGrid(3, 5)
    path = ParameterPath.constant(values, 3)
    sol = solve_finite(path, dyn, grid, atol=1e-9)
    spe = solve_tree(path, dyn, share=0.5, stock=0.0, atol=1e-9)  # grid=None: exact states
    assert spe.payoffs["R"] == pytest.approx(sol.value_r[0, 1, 0], abs=1e-9)
    assert spe.payoffs["E"] == pytest.approx(sol.value_e[0, 1, 0], abs=1e-9)
    assert spe.outcome == ("accept", "invest", "hold-up", "exit")[int(sol.code[0, 1, 0])]


# ---------------------------------------------------------------------------
# Stationary game: a fixed point, and the limit of the finite horizon

STATIONARY = {"outside_r": 0.3, "outside_e": -0.1, "indispensability": 0.8, "survival": 0.7,
              "invest_cost": 0.1, "power": 0.35, "holdup_cost": 0.05}


def test_stationary_solution_is_a_fixed_point():
    dyn = Dynamics(0.9, 0.85, 0.5, 1.0)
    grid = StateGrid(21, 6)
    sol = solve_stationary(STATIONARY, dyn, grid, tol=1e-10)
    assert sol.bound <= 1e-10
    th = as_points({"share": 0.5, **STATIONARY, "surplus": 1.0, "discount_r": 0.9,
                    "discount_e": 0.9})
    again = step(th, dyn, grid, grid.shares[None, :, None], grid.stocks[None, None, :],
                 sol.next, on_grid=True)
    assert np.max(np.abs(again.value_r - sol.value_r)) <= 1e-10
    assert np.max(np.abs(again.value_e - sol.value_e)) <= 1e-10
    assert np.array_equal(again.code, sol.code)


def test_finite_horizon_converges_to_the_stationary_solution():
    dyn = Dynamics(0.8, 0.75, 0.5, 1.0)
    grid = StateGrid(11, 5)
    stat = solve_stationary(STATIONARY, dyn, grid, tol=1e-12)
    errors = []
    for T in (5, 20, 60, 120):
        sol = solve_finite(ParameterPath.constant({"share": 0.5, **STATIONARY}, T), dyn, grid,
                           store=False)
        errors.append(max(np.max(np.abs(sol.value_r - stat.value_r)),
                          np.max(np.abs(sol.value_e - stat.value_e))))
    assert all(a >= b for a, b in zip(errors, errors[1:], strict=False))
    assert errors[-1] < 1e-9
    # and the policy of a long horizon's first step is the stationary policy
    assert np.array_equal(sol.code, stat.code)


def test_stationary_terminal_continues_the_last_period():
    dyn = Dynamics(0.8, 0.75, 0.5, 1.0)
    grid = StateGrid(11, 5)
    stat = solve_stationary(STATIONARY, dyn, grid, tol=1e-12)
    sol = solve_finite(ParameterPath.constant({"share": 0.5, **STATIONARY}, 3), dyn, grid,
                       terminal="stationary", tol=1e-12)
    assert np.max(np.abs(sol.value_r - stat.value_r)) < 1e-9


# ---------------------------------------------------------------------------
# Monotonicity


@st.composite
def points(draw):
    u = st.floats(0.0, 1.0)
    return {"outside_r": draw(st.floats(0.0, 0.5)), "outside_e": draw(st.floats(0.0, 0.5)),
            "indispensability": draw(u), "survival": draw(st.floats(0.0, 0.95)),
            "invest_cost": draw(st.floats(0.0, 0.3)), "power": draw(st.floats(0.05, 0.95)),
            "holdup_cost": draw(st.floats(0.0, 0.1)), "share": 0.5}


def test_more_durable_investment_can_make_invest_less_likely_counterexample():
    """The issue's conjecture is false for T >= 3 (theory page, found by hypothesis).

    At share 0 with durability 0, E refuses a hold-up (conceding 0.44 of the surplus for
    good is too dear), so R invests; with durability 1, E concedes (after the concession R
    invests next period and the investment lasts, which E values), and R holds up instead.
    Checked on the exact tree by the engine, with small positive costs too.
    """
    v = {"outside_r": 0.0, "outside_e": 0.0, "indispensability": 0.5, "survival": 0.75,
         "invest_cost": 0.01, "power": 0.875, "holdup_cost": 0.01, "share": 0.0}
    path = ParameterPath.constant(v, 3)
    short = solve_tree(path, Dynamics(0.5, 0.5, 0.0, 1.0), share=0.0)
    lasting = solve_tree(path, Dynamics(0.5, 0.5, 1.0, 1.0), share=0.0)
    assert (short.choices["root"], short.choices["hold-up"]) == ("invest", "refuse")
    assert (lasting.choices["root"], lasting.choices["hold-up"]) == ("hold-up", "concede")


@settings(deadline=None, max_examples=30)
@given(values=points(), k1=st.floats(0.0, 1.0), k2=st.floats(0.0, 1.0),
       delta=st.floats(0.0, 0.95))
def test_more_durable_investment_never_makes_invest_less_likely_with_one_future_step(
        values, k1, k2, delta):
    """The true statement: T = 2, no stock yet.  Only invest's value depends on the
    durability there (accept and a hold-up leave no stock), and R's next-period value rises
    with the stock, so invest chosen at a lower durability is chosen at a higher one."""
    lo, hi = sorted((k1, k2))
    grid = StateGrid(11, 3)
    path = ParameterPath.constant(values, 2)
    codes = [solve_finite(path, Dynamics(delta, delta, kap, 1.0), grid).code[0, :, 0]
             for kap in (lo, hi)]
    assert not np.any((codes[0] == 1) & (codes[1] != 1))


@settings(deadline=None, max_examples=20)
@given(values=points(), delta=st.floats(0.0, 0.95))
def test_next_period_value_of_r_rises_with_the_stock(values, delta):
    """The lemma behind the statement above: R's value with one step left rises with k."""
    sol = solve_finite(ParameterPath.constant(values, 2), Dynamics(delta, delta, 0.5, 1.0),
                       StateGrid(11, 6))
    assert np.all(np.diff(sol.values_r[1, 0], axis=1) >= -1e-12)


def test_a_steeper_ratchet_can_make_e_more_willing_to_concede_counterexample():
    """The issue's conjecture is false: a bigger concession can buy peace (theory page).

    At share 0.2, with ratchet 0.25 the conceded terms leave R where it holds up
    again next period, so E refuses; with ratchet 0.45 they take R to where it
    invests, and E concedes.  Checked on the exact tree by the engine.
    """
    v = {"outside_r": -0.1, "outside_e": 0.1, "indispensability": 0.55, "survival": 0.65,
         "invest_cost": 0.05, "power": 0.95, "holdup_cost": 0.075, "share": 0.2}
    path = ParameterPath.constant(v, 2)
    flat = solve_tree(path, Dynamics(0.9, 0.9, 0.5, 0.25), share=0.2)
    steep = solve_tree(path, Dynamics(0.9, 0.9, 0.5, 0.45), share=0.2)
    assert flat.choices["hold-up"] == "refuse" and steep.choices["hold-up"] == "concede"
    assert flat.choices["hold-up/concede/survives"] == "hold-up"
    assert steep.choices["hold-up/concede/survives"] == "invest"


@settings(deadline=None, max_examples=30)
@given(values=points(), r1=st.floats(0.0, 1.0), r2=st.floats(0.0, 1.0),
       delta=st.floats(0.0, 0.95))
def test_a_steeper_ratchet_never_makes_e_more_willing_if_r_answers_alike(values, r1, r2, delta):
    """The true statement (T = 2): where the concession raises R's share and R's and E's
    next-period choices are the same over every grid point between the two ratcheted
    shares, a steeper ratchet never makes E more willing to concede (E's value there
    falls with the share)."""
    lo, hi = sorted((r1, r2))
    grid = StateGrid(11, 3)
    path = ParameterPath.constant(values, 2)
    sols = [solve_finite(path, Dynamics(delta, delta, 0.5, rho), grid) for rho in (lo, hi)]
    s_h = concession_share(grid.shares, surplus=1.0, outside_r=values["outside_r"],
                           outside_e=values["outside_e"],
                           indispensability=values["indispensability"], power=values["power"])
    n = grid.n_share - 1
    for i, s in enumerate(grid.shares):
        if s_h[i] <= s:
            continue
        s1 = [s + rho * (s_h[i] - s) for rho in (lo, hi)]
        a, b = int(np.floor(s1[0] * n)), int(np.ceil(min(s1[1], 1.0) * n))
        codes = sols[0].codes[1, 0, a:b + 1, 0]
        replies = sols[0].concedes[1, 0, a:b + 1, 0]
        if len(set(codes.tolist())) > 1 or len(set(replies.tolist())) > 1:
            continue
        assert not (sols[1].concedes[0, 0, i, 0] and not sols[0].concedes[0, 0, i, 0])


# ---------------------------------------------------------------------------
# Bad input


@pytest.mark.parametrize("name,value", [("delta_r", 1.0), ("delta_e", -0.1),
                                        ("durability", 1.5), ("ratchet", float("nan"))])
def test_dynamic_parameters_out_of_range_are_refused(name, value):
    with pytest.raises(ParameterError, match=name):
        Dynamics(**{name: value})


def test_a_path_shorter_than_the_horizon_is_refused():
    path = ParameterPath.constant({"share": 0.5, **STATIONARY}, 3)
    with pytest.raises(ParameterError, match="fewer than T = 5"):
        solve_finite(path, T=5)


def test_a_ratchet_that_leaves_the_share_domain_warns_off_the_path_and_fails_on_it():
    # ultimatum bargaining and a negative outside option of E: the bargained terms exceed V
    from kzgame.dynamics import ShareDomainWarning

    values = {**STATIONARY, "share": 0.9, "outside_e": -0.8, "outside_r": 0.5}
    path = ParameterPath.constant(values, 2)
    with pytest.warns(ShareDomainWarning, match=r"would lead to 1\.\d+"):
        sol = solve_finite(path, Dynamics(ratchet=1.0), StateGrid(11, 3), protocol="ultimatum")
    with pytest.raises(ParameterError, match=r"on the equilibrium path.*share 0\.9 .*1\.\d+"):
        equilibrium_path(sol, share=0.9)  # R holds up and E concedes: the path leaves [0, 1]
    # from a low share the path stays inside; without the ratchet nothing leaves
    assert equilibrium_path(sol, share=0.0).steps[0].share == 0.0
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", ShareDomainWarning)
        solve_finite(path, Dynamics(ratchet=0.0), StateGrid(11, 3), protocol="ultimatum")
    # the exact tree refuses the game outright
    with pytest.raises(ParameterError, match=r"out of \[0, 1\]"):
        solve_tree(path, Dynamics(ratchet=1.0), share=0.9, protocol="ultimatum")


def test_switching_values_are_reported_as_no_pure_stationary_equilibrium():
    # Kazakhstan 2020-2021 values, no ratchet, a very patient E: whether E concedes today
    # depends on whether it will concede later, and value iteration keeps switching
    values = {"share": 0.5, "outside_r": 0.35, "outside_e": -0.1, "indispensability": 0.8,
              "survival": 0.8, "invest_cost": 0.15, "power": 0.35, "holdup_cost": 0.05}
    with pytest.raises(ConvergenceError, match="keeps switching"):
        solve_stationary(values, Dynamics(0.8, 0.95, 0.5, 0.0), StateGrid(41, 5), tol=1e-8)
    from kzgame.dynamics import refusal_region

    reg = refusal_region(values, Dynamics(0.8, 0.8, 0.5, 0.0), StateGrid(41, 5),
                         ys=[0.5, 0.95])
    assert reg.undetermined.tolist() == [False, True]
    assert not reg.reluctant[1].any()


def test_a_grid_too_coarse_for_the_tolerance_warns_with_the_error():
    from kzgame.dynamics import GridWarning, refine_grid

    dyn = Dynamics(0.9, 0.9, 0.5, 1.0)
    with pytest.warns(GridWarning, match=r"measured grid error \d"):
        _, rep = refine_grid(lambda g: solve_stationary(STATIONARY, dyn, g, tol=1e-8),
                             StateGrid(3, 2), 1e-12, max_levels=1)
    assert rep.error > 1e-12 and not rep.converged


def test_refinement_reports_the_error_and_stops():
    from kzgame.dynamics import refine_grid

    dyn = Dynamics(0.0, 0.0, 0.0, 0.0)  # static: values are exact at grid points
    sol, rep = refine_grid(lambda g: solve_stationary(STATIONARY, dyn, g), StateGrid(5, 2),
                           1e-9, max_levels=2)
    assert rep.converged and rep.error <= 1e-12 and len(rep.grids) == 2


def test_unsupported_protocol_and_options_are_refused():
    path = ParameterPath.constant({"share": 0.5, **STATIONARY}, 2)
    with pytest.raises(ParameterError, match="outside-option"):
        solve_finite(path, protocol="outside-option")
    with pytest.raises(ParameterError, match="terminal"):
        solve_finite(path, terminal="forever")
    with pytest.raises(ParameterError, match="expectations"):
        solve_finite(path, expectations="psychic")
    with pytest.raises(ParameterError, match="n_share"):
        StateGrid(1, 3)


def test_myopic_players_ignore_the_coming_change():
    # outside options jump from 0 to 0.35 at step 3; myopic players at step 1-2 expect 0
    base = {"share": 0.5, "outside_e": -0.1, "indispensability": 0.8, "survival": 0.6,
            "invest_cost": 0.1, "power": 0.35, "holdup_cost": 0.05}
    path = ParameterPath.from_function(lambda t: {"outside_r": 0.0 if t < 3 else 0.35}, 4, base)
    grid = StateGrid(21, 5)
    myo = solve_finite(path, Dynamics(0.8, 0.8, 0.5, 1.0), grid, expectations="myopic")
    held = solve_finite(path.held(0), Dynamics(0.8, 0.8, 0.5, 1.0), grid)
    assert np.array_equal(myo.codes[0], held.codes[0])
    assert np.allclose(myo.values_r[0], held.values_r[0])


# ---------------------------------------------------------------------------
# Closed forms of the ratchet


def test_ratchet_limit_is_the_sign_of_the_hold_up_gain_and_the_fixed_point():
    from kzgame.dynamics.state import ratchet_limit

    rng = np.random.default_rng(RNG_SEED + 7)
    vals = _scaled(_draw(rng, 200))
    s_star, s_stop = ratchet_limit(**{k: vals[k] for k in ("surplus", "outside_r", "outside_e",
                                                           "indispensability", "power",
                                                           "survival", "holdup_cost")})
    s_h = concession_share(s_star, surplus=vals["surplus"], outside_r=vals["outside_r"],
                           outside_e=vals["outside_e"],
                           indispensability=vals["indispensability"], power=vals["power"])
    assert np.allclose(s_h, s_star, atol=1e-12)  # the fixed point of the ratchet
    for p in range(200):
        one = {k: float(v[p]) for k, v in vals.items()}
        g_h = kzgame.solve(kzgame.Period(**one)).gain_holdup
        if abs(one["share"] - s_stop[p]) > 1e-9:
            assert (g_h > 0) == (one["share"] < s_stop[p])


def test_repeated_hold_ups_close_the_gap_to_the_fixed_point_geometrically():
    from kzgame.dynamics.state import ratchet_limit

    v = {"share": 0.1, "outside_r": 0.2, "outside_e": 0.1, "indispensability": 0.6,
         "survival": 0.9, "invest_cost": 0.5, "power": 0.5, "holdup_cost": 0.0}
    path = ParameterPath.constant(v, 6)
    rho = 0.7
    sol = solve_finite(path, Dynamics(0.0, 0.0, 0.0, rho), StateGrid(11, 2))
    steps = equilibrium_path(sol, share=0.1).steps
    assert all(s.strategy == "hold-up" for s in steps)
    s_star, _ = ratchet_limit(surplus=1.0, outside_r=0.2, outside_e=0.1, indispensability=0.6,
                              power=0.5)
    gaps = [float(s_star) - s.share for s in steps]
    ratio = 1 - rho * (1 - 0.5 + 0.5 * 0.6)
    assert np.allclose(gaps[1:], [g * ratio for g in gaps[:-1]], atol=1e-12)
