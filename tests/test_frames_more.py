"""More results as DataFrames / DataArrays (issue 17): switches, hold-up thresholds,
validation, commitment, beliefs, dynamics, members, estimation.

Each conversion is compared with the result's own attributes: values, labels and codes.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import kzgame
from kzgame.analysis import holdup_threshold, switches
from kzgame.analysis.beliefs import classify_beliefs, observables
from kzgame.analysis.commitment import commitment_verdicts, compare_commitments
from kzgame.analysis.counterfactual import Switches
from kzgame.analysis.frames import COMMITMENT_OUTCOMES, MissingExtraError
from kzgame.errors import KzgameError
from kzgame.io.cases import load_case
from kzgame.io.validation import validate
from kzgame.strategy import Strategy

ROOT = Path(__file__).resolve().parents[1]
NAMES = [s.value for s in Strategy]
BASE = dict(share=0.5, outside_r=0.45, outside_e=0.0, indispensability=0.9, survival=0.8,
            invest_cost=0.05)
BELIEFS = dict(share=0.5, outside_r=0.3, outside_e=0.0, survival=0.8, invest_cost=0.05,
               indispensability_low=0.3, indispensability_high=0.9)


def _check_categorical(col, codes, categories):
    assert isinstance(col.dtype, pd.CategoricalDtype)
    assert list(col.cat.categories) == list(categories)
    np.testing.assert_array_equal(col.cat.codes.to_numpy(), np.asarray(codes))


# --------------------------------------------------------------------------
# switches and the hold-up threshold


def test_switches_frame():
    p = kzgame.Period(**(BASE | {"outside_r": 0.3, "indispensability": 0.5}))
    sw = switches(p, "outside_r")
    assert isinstance(sw, Switches) and isinstance(sw, tuple) and len(sw) == 2
    assert sw == tuple(sw)  # still compares as a tuple
    df = sw.to_pandas()
    assert list(df.columns) == ["parameter", "critical", "below", "above", "boundaries"]
    for (_, row), s in zip(df.iterrows(), sw, strict=True):
        assert row["parameter"] == s.parameter and row["critical"] == s.critical
        assert row["below"] == s.below.value and row["above"] == s.above.value
        assert row["boundaries"] == ", ".join(f"{a}/{b}" for a, b in s.boundaries)
    _check_categorical(df["below"], [s.below.code for s in sw], NAMES)
    _check_categorical(df["above"], [s.above.code for s in sw], NAMES)
    # each switch's critical value separates the strategies on its two sides
    for s in sw:
        eps = 1e-9
        for x, want in ((s.critical - eps, s.below), (s.critical + eps, s.above)):
            assert kzgame.solve(kzgame.Period(**{**p.as_dict(), "outside_r": x})).strategy == want


def test_holdup_threshold_frame():
    p = kzgame.Period(share=0.45, outside_r=0.3, outside_e=-0.15, indispensability=0.8,
                      survival=0.8, invest_cost=0.05, power=0.4, holdup_cost=0.05)
    t = holdup_threshold(p)
    df = t.to_pandas()
    assert list(df.index) == [t.parameter] and df.index.name == "parameter"
    row = df.iloc[0]
    for k in ("current", "critical", "margin"):
        assert row[k] == getattr(t, k)
    assert row["alternative"] == t.alternative.value
    _check_categorical(df["alternative"], [t.alternative.code], NAMES)
    assert bool(row["holdup_above"]) is t.holdup_above


# --------------------------------------------------------------------------
# validation


def test_validation_frame():
    case = load_case(ROOT / "models" / "kazakhstan_russia.toml", seeds=False)
    v = validate(case, draws=300, seed=1)
    df = v.to_pandas()
    assert list(df.index) == [r.label for r in v.rows] and df.index.name == "period"
    for r in v.rows:
        row = df.loc[r.label]
        assert row["verdict"] == r.verdict.value and row["model"] == r.model.value
        assert bool(row["agrees"]) is r.agrees
        assert bool(row["out_of_sample"]) is r.out_of_sample
        assert row["robustness"] == r.robustness
        assert row["verdict_share"] == r.verdict_share
        assert row["informed"] == ", ".join(r.informed)
        assert row["undeclared"] == ", ".join(r.undeclared)
        if r.loo is None:
            assert pd.isna(row["loo"]) and pd.isna(row["loo_agrees"])
        else:
            assert row["loo"] == r.loo.value and bool(row["loo_agrees"]) is r.loo_agrees
        for name in v.fit:
            assert row[f"loo_{name}"] == r.loo_fit[name] if name in r.loo_fit else pd.isna(
                row[f"loo_{name}"])
        assert row["finding"] == r.finding and bool(row["stale"]) is r.stale
    _check_categorical(df["model"], [r.model.code for r in v.rows], NAMES)
    assert df.attrs["counts"] == v.counts and df.attrs["fit"] == v.fit
    assert int(df["agrees"].sum()) == v.counts["agree"]
    assert df.attrs["case"] == v.case and df.attrs["protocol"] == v.protocol


# --------------------------------------------------------------------------
# commitment


def test_commitment_verdicts_frame():
    v = commitment_verdicts(BASE | {"outside_r": 0.3, "holdup_cost": 0.02}, breakdown_risk=0.5)
    df = v.to_pandas()
    assert list(df.index) == list(v.verdicts) == ["full", "none", "brinkmanship"]
    for k, verdict in v.verdicts.items():
        assert df.loc[k, "verdict"] == verdict
        assert df.loc[k, "code"] == COMMITMENT_OUTCOMES.index(verdict)
    _check_categorical(df["verdict"], df["code"], COMMITMENT_OUTCOMES)
    for k in ("protocol", "breakdown_risk", "credible", "stay_margin", "risk_threshold",
              "fallback"):
        assert df.attrs[k] == getattr(v, k)


def test_commitment_comparison_frames():
    o_r = np.linspace(-0.2, 0.8, 6)
    hc = np.linspace(0.0, 0.3, 4)
    pi = np.linspace(0.0, 1.0, 3)
    cmp = compare_commitments(**(BASE | {"outside_r": o_r[:, None, None],
                                         "holdup_cost": hc[None, :, None]}),
                              breakdown_risk=pi)
    shape = (6, 4, 3)
    assert np.broadcast_shapes(*(np.shape(c) for c in cmp.codes.values())) == shape
    df = cmp.to_pandas()
    assert list(df.columns) == list(cmp.codes) and df.attrs["shape"] == shape
    for k, c in cmp.codes.items():
        _check_categorical(df[k], np.broadcast_to(c, shape).ravel(), COMMITMENT_OUTCOMES)
    # the shares of the table are the comparison's own
    for k, sh in cmp.shares().items():
        for name, share in sh.items():
            assert (df[k] == name).mean() == pytest.approx(share, abs=0)
    da = cmp.to_xarray(dims=("outside_r", "holdup_cost", "breakdown_risk"),
                       coords={"outside_r": o_r, "holdup_cost": hc, "breakdown_risk": pi})
    assert da.dims == ("commitment", "outside_r", "holdup_cost", "breakdown_risk")
    for k, c in cmp.codes.items():
        np.testing.assert_array_equal(da.sel(commitment=k).values, np.broadcast_to(c, shape))
    assert da.attrs["outcomes"] == dict(enumerate(COMMITMENT_OUTCOMES))
    # a labelled point is the point verdicts' code there
    v = commitment_verdicts(BASE | {"outside_r": o_r[4], "holdup_cost": hc[1]},
                            breakdown_risk=pi[2])
    for k, verdict in v.verdicts.items():
        got = da.sel(commitment=k, outside_r=o_r[4], holdup_cost=hc[1],
                     breakdown_risk=pi[2]).item()
        assert COMMITMENT_OUTCOMES[got] == verdict
    with pytest.raises(KzgameError, match="dims"):
        cmp.to_xarray(dims=("a",))


# --------------------------------------------------------------------------
# beliefs


@pytest.fixture(scope="module")
def belief_grid():
    prior = np.linspace(0.0, 1.0, 5)
    hc = np.linspace(0.0, 0.2, 4)
    return prior, hc, BELIEFS | {"prior": prior[:, None], "holdup_cost": hc}


def test_belief_classes_frames(belief_grid):
    prior, hc, values = belief_grid
    cls = classify_beliefs(**values)
    assert len(cls.labels) >= 2  # the grid crosses a change of class
    df = cls.to_pandas()
    assert df.attrs["shape"] == cls.codes.shape
    np.testing.assert_array_equal(df["code"].to_numpy(), cls.codes.ravel())
    np.testing.assert_array_equal(df["assessment"].to_numpy(), cls.index.ravel())
    _check_categorical(df["equilibrium"], cls.codes.ravel(), cls.labels)
    assert list(df["equilibrium"].astype(str)) == [cls.labels[c] for c in cls.codes.ravel()]
    da = cls.to_xarray(dims=("prior", "holdup_cost"), coords={"prior": prior, "holdup_cost": hc})
    np.testing.assert_array_equal(da.values, cls.codes)
    assert da.attrs["classes"] == {-1: "no PBE", **dict(enumerate(cls.labels))}
    # a labelled point is the class the pointwise selection gives
    sol = cls.solution
    point = BELIEFS | {"prior": prior[3], "holdup_cost": hc[2]}
    a = sol.select(**{k: v for k, v in point.items()})
    assert sol.assessments[cls.index[3, 2]] is a
    assert da.sel(prior=prior[3], holdup_cost=hc[2]).item() == cls.codes[3, 2]
    with pytest.raises(KzgameError, match="dims"):
        cls.to_xarray(dims=("prior",))


def test_belief_classes_without_pbe_are_missing():
    from kzgame.analysis.beliefs import BeliefClasses

    cls = BeliefClasses(np.array([0, -1, 1]), ("a", "b"), np.array([3, -1, 5]), None)  # type: ignore[arg-type]
    df = cls.to_pandas()
    assert df["equilibrium"].isna().tolist() == [False, True, False]
    assert df["code"].tolist() == [0, -1, 1]


def test_observables_frame(belief_grid):
    prior, hc, values = belief_grid
    obs = observables(**values)
    assert isinstance(obs, dict)
    df = obs.to_pandas()
    assert list(df.columns) == list(obs) and df.attrs["shape"] == (5, 4)
    for k, a in obs.items():
        np.testing.assert_array_equal(df[k].to_numpy(), np.asarray(a, dtype=float).ravel())


# --------------------------------------------------------------------------
# dynamics

DYN_VALUES = dict(share=0.5, outside_r=0.3, outside_e=0.0, indispensability=0.9, survival=0.8,
                  invest_cost=0.05)


@pytest.fixture(scope="module")
def case_dynamics():
    from kzgame.dynamics import StateGrid
    from kzgame.io.dynamic_case import solve_case_dynamic

    case = load_case(ROOT / "tests" / "data" / "toy_case.toml", seeds=False)
    return solve_case_dynamic(case, grid=StateGrid(11, 5), max_levels=0)


def test_dynamic_path_frame(case_dynamics):
    from kzgame.analysis.frames import DYNAMIC_OUTCOMES

    dp = case_dynamics.dynamic
    df = dp.to_pandas()
    assert list(df.index) == [s.label for s in dp.steps] and df.index.name == "step"
    for s in dp.steps:
        row = df.loc[s.label]
        assert row["strategy"] == s.strategy
        assert row["code"] == DYNAMIC_OUTCOMES.index(s.strategy)
        assert (row["e_reply"], row["static_e_reply"]) == (s.e_reply, s.static_e_reply)
        for k in ("share", "stock", "survival", "payoff_r", "payoff_e", "value_r", "value_e",
                  "standing", "margin"):
            assert row[k] == getattr(s, k) or (np.isnan(row[k]) and np.isnan(getattr(s, k)))
    _check_categorical(df["strategy"], df["code"], DYNAMIC_OUTCOMES)
    assert df.attrs["expectations"] == dp.expectations


def test_case_dynamics_and_differences_frames(case_dynamics):
    from kzgame.dynamics import compare_static

    res = case_dynamics
    df = res.to_pandas()
    assert list(df.index) == [r.label for r in res.rows]
    for r, v, st, my in zip(res.rows, res.verdicts, res.dynamic.steps, res.myopic.steps,
                            strict=True):
        row = df.loc[r.label]
        assert pd.isna(row["source"]) if v is None else row["source"] == v
        for k in ("static", "static_at_state", "dynamic", "myopic_at_state"):
            want = getattr(r, k)
            assert pd.isna(row[k]) if want == "-" else row[k] == want
        assert (row["e_reply"], row["static_e_reply"]) == (r.e_reply, r.static_e_reply)
        assert bool(row["differs"]) is r.differs and row["reasons"] == ", ".join(r.reasons)
        assert row["share"] == st.share and row["standing"] == st.standing
        assert row["myopic"] == my.strategy
    assert df.attrs["case"] == res.case.name and df.attrs["terminal"] == res.terminal
    # compare_static's rows convert alone, the same columns
    rows = compare_static(res.path, solution=res.solution, dynamic_path=res.dynamic,
                          terminal=res.terminal)
    assert isinstance(rows, list) and rows == res.rows
    alone = rows.to_pandas()
    assert "source" not in alone
    pd.testing.assert_frame_equal(alone, df[list(alone.columns)], check_like=False)


def test_finite_solution_xarray():
    from kzgame.dynamics import Dynamics, ParameterPath, StateGrid, solve_finite

    grid = StateGrid(5, 3)
    sol = solve_finite(ParameterPath.constant(DYN_VALUES, 3), Dynamics(), grid)
    ds = sol.to_xarray()
    assert ds["value_r"].dims == ("t", "share", "stock")
    np.testing.assert_array_equal(ds.coords["share"].values, grid.shares)
    np.testing.assert_array_equal(ds.coords["stock"].values, grid.stocks)
    assert list(ds.coords["label"].values) == list(sol.path.labels)
    np.testing.assert_array_equal(ds["value_r"].values, sol.values_r[:, 0])
    np.testing.assert_array_equal(ds["value_e"].values, sol.values_e[:, 0])
    np.testing.assert_array_equal(ds["code"].values, sol.codes[:, 0])
    np.testing.assert_array_equal(ds["concedes"].values, sol.concedes[:, 0])
    assert ds.attrs["strategies"] == dict(enumerate(NAMES))
    # a labelled state is the policy there
    t, s, k = 1, grid.shares[3], grid.stocks[2]
    assert NAMES[ds["code"].sel(t=t, share=s, stock=k).item()] == sol.policy(t, (s, k))
    # vectorized: a point dimension; store=False: step 1 only
    vec = solve_finite(ParameterPath.constant(DYN_VALUES | {"outside_r": np.array([0.1, 0.6])},
                                              2), Dynamics(), grid)
    dv = vec.to_xarray()
    assert dv["code"].dims == ("t", "point", "share", "stock")
    np.testing.assert_array_equal(dv["code"].values, vec.codes)
    one = solve_finite(ParameterPath.constant(DYN_VALUES, 3), Dynamics(), grid, store=False)
    d1 = one.to_xarray()
    assert d1.sizes["t"] == 1
    np.testing.assert_array_equal(d1["value_r"].values[0], one.value_r[0])
    np.testing.assert_array_equal(d1["code"].values[0], one.code[0])


# --------------------------------------------------------------------------
# members

MEMBER = dict(surplus=1.0, share=0.5, outside_r=0.3, outside_e=0.0, indispensability=0.9,
              survival=0.8, invest_cost=0.05, power=0.5, holdup_cost=0.05)
COSTS = dict(dilution=0.5, dilution_cost=0.05, deepening=0.2, deepening_cost=0.05,
             offer_cost=0.05)


@pytest.fixture(scope="module")
def members():
    rng = np.random.default_rng(5)
    return {"A": MEMBER | {"outside_r": rng.uniform(-0.1, 0.6, (3, 1)),
                           "indispensability": rng.uniform(0, 1, 4)},
            "B": MEMBER | {"outside_r": 0.2, "indispensability": rng.uniform(0, 1, 4)}}


def test_members_frame(members):
    from kzgame.members.vectorized import solve_members

    sol = solve_members(members, contagion=np.linspace(0, 1, 4))
    df = sol.to_pandas()
    shape = sol.codes.shape[:-1]
    assert shape == (3, 4) and df.attrs["shape"] == shape
    assert list(df.index.names) == ["point", "member"] and len(df) == 12 * 2
    for p, idx in enumerate(np.ndindex(*shape)):
        strategies = sol.strategies(idx)
        bilateral = sol.bilateral_strategies(idx)
        for j, name in enumerate(sol.names):
            row = df.loc[(p, name)]
            assert row["strategy"] == strategies[name] and row["code"] == sol.codes[idx][j]
            assert row["bilateral_strategy"] == bilateral[name]
            for k in ("e_concedes", "bilateral_concedes", "contagion_refusal"):
                assert bool(row[k]) is bool(getattr(sol, k)[idx][j])
            for k in ("united", "nobody", "coordination"):
                assert bool(row[k]) is bool(getattr(sol, k)[idx])
            for k in ("contagion", "payoff_e", "precedent", "threshold"):
                want = np.broadcast_to(getattr(sol, k), shape)[idx]
                assert row[k] == want or (np.isnan(row[k]) and np.isnan(want))
    _check_categorical(df["strategy"], sol.codes.reshape(-1), NAMES)
    assert df.attrs["selection"] == sol.selection


def test_counter_moves_frame(members):
    from kzgame.analysis.frames import COUNTER_MOVES
    from kzgame.members.countermoves import MOVES, best_counter_move

    assert COUNTER_MOVES == MOVES
    res = best_counter_move(members, 0.3, **COSTS)
    shape = res.codes.shape
    moves = res.to_pandas()
    assert list(moves.index.names) == ["point", "move"] and moves.attrs["shape"] == shape
    members_df = res.to_pandas("members")
    for p, idx in enumerate(np.ndindex(*shape)):
        for m, move in enumerate(MOVES):
            row = moves.loc[(p, move)]
            assert row["payoff"] == res.payoffs[idx][m] and row["gross"] == res.gross[idx][m]
            assert row["threshold"] == res.thresholds[idx][m]
            assert bool(row["optimal"]) is (move == res.move(idx))
        after = res.strategies(idx)
        for name in res.names:
            row = members_df.loc[(p, name)]
            assert row["move"] == res.move(idx) and row["strategy"] == after[name]
    # the optimal move is the one with the highest net payoff
    best = moves["payoff"].groupby(level="point").idxmax().map(lambda t: t[1])
    chosen = moves[moves["optimal"]].reset_index(level="move")["move"]
    assert (best.loc[chosen.index] == chosen).all()
    _check_categorical(members_df["move"], np.repeat(res.codes.ravel(), len(res.names)),
                       MOVES)
    with pytest.raises(KzgameError, match="unknown table"):
        res.to_pandas("nope")


# --------------------------------------------------------------------------
# estimation


@pytest.fixture(scope="module")
def estimate():
    from kzgame.estimation import fit, simulate
    from kzgame.games import deterrence

    g = deterrence(False)
    truth = {"v": 1.0, "p": 0.4, "k_C": 0.2, "k_D": 0.5, "lambda": 3.0}
    data = simulate(g, truth, n=600, seed=2)
    return fit(g, {"v": 1.0, "p": 0.4, "k_C": "free", "k_D": "free", "lambda": 3.0}, data)


def test_fit_frame(estimate):
    f = estimate
    df = f.to_pandas(level=0.9)
    assert list(df.index) == list(f.coefficients) and df.index.name == "coefficient"
    np.testing.assert_array_equal(df["estimate"].to_numpy(), f.estimates)
    np.testing.assert_array_equal(df["se"].to_numpy(), f.se)
    np.testing.assert_array_equal(df["z"].to_numpy(), f.estimates / f.se)
    for iv in f.wald(0.9):
        assert (df.loc[iv.name, "low"], df.loc[iv.name, "high"]) == (iv.low, iv.high)
        assert df.loc[iv.name, "method"] == iv.method == "wald"
    for k in ("n", "loglik", "aic", "bic", "converged", "iterations"):
        assert df.attrs[k] == getattr(f, k)
    assert df.attrs["level"] == 0.9 and df.attrs["warnings"] == f.warnings
    # given intervals (here profile ones) replace the Wald ones
    prof = [f.profile(k) for k in f.coefficients]
    dp = f.to_pandas(intervals=prof)
    for iv in prof:
        assert (dp.loc[iv.name, "low"], dp.loc[iv.name, "high"]) == (iv.low, iv.high)
        assert dp.loc[iv.name, "method"] == "profile"
    with pytest.raises(KzgameError, match="intervals"):
        f.to_pandas(intervals=prof[:1])


def test_predictions_frame(estimate):
    pred = estimate.predict(draws=200, level=0.8)
    assert isinstance(pred, dict) and pred.level == 0.8
    df = pred.to_pandas()
    n = next(iter(pred.values())).shape[0]
    assert len(df) == n and df.index.name == "row"
    assert list(df.columns.names) == ["outcome", "stat"]
    assert list(df.columns.get_level_values("outcome").unique()) == list(pred)
    for k, a in pred.items():
        np.testing.assert_array_equal(df[k].to_numpy(), a)
        assert list(df[k].columns) == ["probability", "low", "high"]
    # the outcomes' probabilities add up to one in every row
    total = df.xs("probability", axis=1, level="stat").sum(axis=1)
    np.testing.assert_allclose(total.to_numpy(), 1.0)
    assert df.attrs["level"] == 0.8


# --------------------------------------------------------------------------
# pandas / xarray missing: one check per family of new methods


@pytest.fixture(scope="module")
def conversions(case_dynamics, members, estimate):
    """(to_pandas, to_xarray or None) of one result of each family, made with pandas there."""
    from kzgame.dynamics import Dynamics, ParameterPath, StateGrid, solve_finite
    from kzgame.io.cases import loads_case, template
    from kzgame.members.countermoves import best_counter_move
    from kzgame.members.vectorized import solve_members

    p = kzgame.Period(**BASE)
    cmp = compare_commitments(**(BASE | {"outside_r": [0.3, 0.6]}))
    cls = classify_beliefs(**(BELIEFS | {"prior": [0.2, 0.8], "holdup_cost": 0.05}))
    sol = solve_finite(ParameterPath.constant(DYN_VALUES, 2), Dynamics(), StateGrid(3, 2))
    ms = solve_members(members, contagion=0.2)
    cm = best_counter_move(members, 0.3, **COSTS)
    return {
        "switches": (switches(p, "outside_r").to_pandas, None),
        "holdup_threshold": (holdup_threshold(p).to_pandas, None),
        "validation": (validate(loads_case(template()), draws=0).to_pandas, None),
        "commitment_verdicts": (commitment_verdicts(BASE).to_pandas, None),
        "commitment": (cmp.to_pandas, cmp.to_xarray),
        "beliefs": (cls.to_pandas, cls.to_xarray),
        "observables": (observables(**(BELIEFS | {"prior": 0.5, "holdup_cost": 0.05})).to_pandas,
                        None),
        "dynamic_path": (case_dynamics.dynamic.to_pandas, None),
        "case_dynamics": (case_dynamics.to_pandas, None),
        "finite": (None, sol.to_xarray),
        "members": (ms.to_pandas, ms.to_xarray),
        "counter_moves": (cm.to_pandas, cm.to_xarray),
        "fit": (estimate.to_pandas, None),
        "predictions": (estimate.predict(draws=20).to_pandas, None),
    }


@pytest.mark.parametrize("module", ["pandas", "xarray"])
def test_missing_extra_names_it(monkeypatch, conversions, module):
    monkeypatch.setitem(sys.modules, module, None)  # every import of it now fails
    checked = []
    for name, (to_pandas, to_xarray) in conversions.items():
        call = to_pandas if module == "pandas" else to_xarray
        if call is None:
            continue
        with pytest.raises(MissingExtraError, match=rf"{module}.*kzgame\[frames\]"):
            call()
        checked.append(name)
    assert checked


def test_members_and_counter_moves_xarray(members):
    from kzgame.members.countermoves import MOVES, best_counter_move
    from kzgame.members.vectorized import solve_members

    kappa = np.linspace(0, 1, 4)
    sol = solve_members(members, contagion=kappa)
    coords = {"outside_r": members["A"]["outside_r"].ravel(), "contagion_at": kappa}
    ds = sol.to_xarray(dims=("outside_r", "contagion_at"), coords=coords)
    assert ds["code"].dims == ("outside_r", "contagion_at", "member")
    assert list(ds.coords["member"].values) == list(sol.names)
    for k, name in (("code", "codes"), ("bilateral_code", "bilateral_codes"),
                    ("e_concedes", "e_concedes"), ("contagion_refusal", "contagion_refusal")):
        np.testing.assert_array_equal(ds[k].values, getattr(sol, name))
    for k in ("united", "nobody", "coordination", "payoff_e", "threshold"):
        np.testing.assert_array_equal(ds[k].values, np.broadcast_to(getattr(sol, k), (3, 4)))
    a = coords["outside_r"][2]
    got = ds["code"].sel(outside_r=a, contagion_at=kappa[1], member="B").item()
    assert NAMES[got] == sol.strategies((2, 1))["B"]
    res = best_counter_move(members, 0.3, **COSTS)
    dm = res.to_xarray(dims=("outside_r", "iota"))
    assert dm["payoff"].dims == ("outside_r", "iota", "move")
    np.testing.assert_array_equal(dm["code"].values, res.codes)
    np.testing.assert_array_equal(dm["payoff"].values, res.payoffs)
    np.testing.assert_array_equal(dm["member_code"].values, res.member_codes)
    assert MOVES[dm["code"].isel(outside_r=1, iota=2).item()] == res.move((1, 2))
    assert dm["payoff"].sel(move="offer").shape == (3, 4)
    with pytest.raises(KzgameError, match="dims"):
        sol.to_xarray(dims=("a",))
