"""Issue 12: paths, the stationary closed form, E's refusal region, the case, the CLI."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from kzgame.dynamics import (
    ConvergenceError,
    Dynamics,
    ParameterPath,
    StateGrid,
    compare_static,
    refusal_region,
    solve_stationary,
)
from kzgame.dynamics.state import concession_share, next_share
from kzgame.errors import ParameterError
from kzgame.io.cli import main

ROOT = Path(__file__).resolve().parent.parent
TOY = ROOT / "tests" / "data" / "toy_case.toml"
BASE = {"share": 0.5, "outside_r": 0.3, "outside_e": -0.1, "indispensability": 0.8,
        "survival": 0.7, "invest_cost": 0.1, "power": 0.35, "holdup_cost": 0.05}


def _period(label, start, end, **values):
    return SimpleNamespace(label=label, start=start, end=end, values={**BASE, **values})


# ---------------------------------------------------------------------------
# Paths


def test_path_by_year_holds_or_interpolates_the_gap():
    periods = [_period("a", 2000, 2001, outside_r=0.0), _period("b", 2004, 2004, outside_r=0.3)]
    hold = ParameterPath.from_periods(periods, step="year", extra=1)
    assert hold.labels == ("2000", "2001", "2002", "2003", "2004", "2005 (forecast)")
    assert hold["outside_r"].tolist() == [0.0, 0.0, 0.0, 0.0, 0.3, 0.3]
    lin = ParameterPath.from_periods(periods, step="year", between="linear")
    assert lin["outside_r"][2:4] == pytest.approx([0.1, 0.2])


def test_path_by_period_with_forecast_and_bad_paths():
    periods = [_period("a", 2000, 2001), _period("b", 2002, 2004, outside_r=0.1)]
    p = ParameterPath.from_periods(periods, extra=2)
    assert p.labels[2:] == ("2005–2007 (forecast)", "2008–2010 (forecast)")
    assert p["outside_r"].tolist() == [0.3, 0.1, 0.1, 0.1]
    with pytest.raises(ParameterError, match="overlap"):
        ParameterPath.from_periods(periods[::-1])
    with pytest.raises(ParameterError, match="between"):
        ParameterPath.from_periods(periods, step="year", between="spline")
    with pytest.raises(ParameterError, match="survival = 1.5"):
        ParameterPath.constant({**BASE, "survival": 1.5}, 2)
    with pytest.raises(ParameterError, match="no value for share"):
        ParameterPath.constant({k: v for k, v in BASE.items() if k != "share"}, 2)
    with pytest.raises(ParameterError, match="T = 0"):
        ParameterPath.constant(BASE, 0)


# ---------------------------------------------------------------------------
# Stationary values against a closed form; the iteration budget


def test_stationary_values_where_r_accepts_for_ever_have_the_closed_form():
    values = {**BASE, "outside_r": 0.1, "outside_e": 0.0, "indispensability": 0.2,
              "survival": 0.9, "invest_cost": 0.3}
    dyn = Dynamics(0.9, 0.8, 0.5, 1.0)
    grid = StateGrid(21, 5)
    sol = solve_stationary(values, dyn, grid, tol=1e-12)
    q, oR, oE = values["survival"], values["outside_r"], values["outside_e"]
    accepts = np.flatnonzero(sol.code[0, :, 0] == 0)
    assert accepts.size > 0  # the check below runs
    for i in accepts:
        s = grid.shares[i]
        u_r, u_e = q * s + (1 - q) * oR, q * (1 - s) + (1 - q) * oE
        w_r = (u_r + dyn.delta_r * (1 - q) * oR / (1 - dyn.delta_r)) / (1 - dyn.delta_r * q)
        w_e = (u_e + dyn.delta_e * (1 - q) * oE / (1 - dyn.delta_e)) / (1 - dyn.delta_e * q)
        assert sol.value_r[0, i, 0] == pytest.approx(w_r, abs=1e-9)
        assert sol.value_e[0, i, 0] == pytest.approx(w_e, abs=1e-9)


def test_value_iteration_that_runs_out_of_budget_says_so():
    with pytest.raises(ConvergenceError, match="did not reach tol"):
        solve_stationary(BASE, Dynamics(0.95, 0.95), StateGrid(5, 3), max_iter=3)


# ---------------------------------------------------------------------------
# E's refusal region: recomputed by hand from the stationary values


def test_refusal_region_matches_e_s_comparison_by_hand():
    dyn = Dynamics(0.9, 0.9, 0.5, 1.0)
    grid = StateGrid(41, 3)
    values = {**BASE, "outside_r": 0.35, "outside_e": 0.0, "indispensability": 0.3}
    reg = refusal_region(values, dyn, grid, y="delta_e", ys=[0.0, 0.9])
    assert not reg.reluctant[0].any()  # without a future E is never reluctant
    sol = solve_stationary(values, dyn, grid, tol=1e-10)
    q, oR, oE, iota, beta = (values[k] for k in ("survival", "outside_r", "outside_e",
                                                  "indispensability", "power"))
    de = dyn.delta_e
    for i, s in enumerate(grid.shares):
        u_ea = q * (1 - s) + (1 - q) * oE
        d_e = (1 - iota) * u_ea + iota * oE
        gains = q * ((s - oR) + iota * ((1 - s) - oE))
        s1 = float(next_share(s, concession_share(s, surplus=1.0, outside_r=oR, outside_e=oE,
                                                  indispensability=iota, power=beta), 1.0))
        w_next = np.interp(min(max(s1, 0.0), 1.0), grid.shares, sol.value_e[0, :, 0])
        concede = d_e + (1 - beta) * gains + de * (q * w_next + (1 - q) * oE / (1 - de))
        refuse = d_e + de * ((1 - iota) * (q * (1 - s) + (1 - q) * oE) + iota * oE) / (1 - de)
        assert bool(reg.dynamic_concede[1, i]) == bool(concede >= refuse)
        assert bool(reg.static_concede[1, i]) == bool(gains >= 0)
    assert reg.reluctant[1].any()  # E refuses somewhere it would concede in one period


# ---------------------------------------------------------------------------
# Comparison reasons


def test_the_ratchet_is_named_when_a_hold_up_moved_the_share():
    path = ParameterPath.constant({**BASE, "outside_r": 0.35, "survival": 0.8,
                                   "invest_cost": 0.15}, 2)
    rows = compare_static(path, Dynamics(0.8, 0.8, 0.0, 1.0), StateGrid(21, 5))
    assert [r.dynamic for r in rows] == ["hold-up", "accept"]
    assert rows[1].reasons == ("ratchet",) and rows[1].differs and not rows[0].differs


def test_e_s_reluctance_is_named():
    # a patient E with a weak stake in R (iota = 0.3) refuses the hold-up R makes in the
    # period alone: conceding would ratchet the share up for good; R accepts instead
    values = {**BASE, "share": 0.35, "outside_r": 0.35, "outside_e": 0.0,
              "indispensability": 0.3, "holdup_cost": 0.02}
    rows = compare_static(ParameterPath.constant(values, 2), Dynamics(0.9, 0.9, 0.5, 1.0),
                          StateGrid(41, 5), terminal="stationary")
    first = rows[0]
    assert (first.static, first.dynamic) == ("hold-up", "accept")
    assert (first.static_e_reply, first.e_reply) == ("concede", "refuse")
    assert first.reasons == ("E's reluctance",)


def test_anticipation_is_named_when_the_known_path_changes_the_choice():
    # the regime weakens (survival 0.9, 0.72, 0.38): R, seeing it coming, invests at step 1
    # for the stock it leaves; myopic R (survival 0.9 for ever) accepts, as the period alone
    rows = [dict(outside_r=0.256, outside_e=0.475, indispensability=0.144, survival=0.9,
                 invest_cost=0.094, power=0.431, holdup_cost=0.083),
            dict(outside_r=0.205, outside_e=0.275, indispensability=0.028, survival=0.716,
                 invest_cost=0.161, power=0.347, holdup_cost=0.079),
            dict(outside_r=0.152, outside_e=0.227, indispensability=0.134, survival=0.383,
                 invest_cost=0.061, power=0.286, holdup_cost=0.075)]
    path = ParameterPath({"share": np.full(3, 0.5),
                          **{k: np.array([r[k] for r in rows]) for k in rows[0]}}, ("1", "2", "3"))
    dyn = Dynamics(0.9, 0.9, 0.5, 1.0)
    first = compare_static(path, dyn, StateGrid(21, 11))[0]
    assert (first.static, first.dynamic, first.myopic_at_state) == ("accept", "invest", "accept")
    assert first.reasons == ("anticipation",)
    # the exact game (engine, states off the grid) agrees
    from kzgame.dynamics import solve_tree

    assert solve_tree(path, dyn, share=0.5).choices["root"] == "invest"
    assert solve_tree(path.held(0), dyn, share=0.5).choices["root"] == "accept"


# ---------------------------------------------------------------------------
# The case and the command line


def test_kazakhstan_case_as_one_dynamic_game():
    from kzgame.io.cases import load_case
    from kzgame.io.dynamic_case import solve_case_dynamic

    case = load_case(ROOT / "models" / "kazakhstan_russia.toml")
    res = solve_case_dynamic(case, grid=StateGrid(21, 11), max_levels=0)
    assert len(res.rows) == len(case.periods) + 1
    static = [p.solve().strategy.value for p in case.periods]
    assert [r.static for r in res.rows[:-1]] == static
    # the state moves only by the law of motion: the share rises only after a hold-up
    steps = res.dynamic.steps
    for a, b in zip(steps, steps[1:], strict=False):
        if a.strategy != "hold-up":
            assert b.share == a.share


def test_cli_dynamic_writes_figures_and_table(tmp_path, capsys):
    out = tmp_path / "o"
    assert main(["dynamic", str(TOY), "--out", str(out), "--grid", "7", "--refine", "0"]) == 0
    text = capsys.readouterr().out
    assert "prediction for" in text and "static" in text and "dynamic" in text
    assert sorted(p.name for p in out.iterdir()) == ["dynamic_refusal.png",
                                                     "dynamic_timeline.png",
                                                     "dynamic_values.png"]


@pytest.mark.parametrize("argv,code,message", [
    (["--delta-r", "1"], 1, "delta_r = 1.0 is outside the allowed range [0, 1)"),
    (["--ratchet", "-0.5"], 1, "ratchet = -0.5"),
    (["--forecast", "-1"], 1, "--forecast -1"),
    (["--grid", "2"], 2, "give 3 to 401 points"),
    (["--protocol", "outside-option"], 2, "invalid choice"),
])  # fmt: skip
def test_cli_dynamic_bad_input_is_one_line_and_creates_nothing(argv, code, message, tmp_path,
                                                                capsys):
    out = tmp_path / "o"
    assert main(["dynamic", str(TOY), "--out", str(out), *argv]) == code
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err and "Traceback" not in err
    assert not out.exists()


def test_report_has_the_dynamic_section(tmp_path):
    from kzgame.io.cases import load_case
    from kzgame.io.report import write_report

    files = write_report(load_case(TOY), tmp_path, n=200)
    text = files.report.read_text(encoding="utf-8")
    assert "## The periods as one dynamic game" in text
    assert (tmp_path / "dynamic_timeline.png").exists()
    assert "Prediction for" in text


def test_report_with_an_unsupported_protocol_says_so(tmp_path):
    from kzgame.io.cases import load_case
    from kzgame.io.report import write_report

    files = write_report(load_case(TOY), tmp_path, n=200, protocol="outside-option")
    text = files.report.read_text(encoding="utf-8")
    assert "not `outside-option`" in text and "dynamic_timeline" not in files.figures
