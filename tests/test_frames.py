"""Results as pandas DataFrames and xarray DataArrays: values, labels and codes round-trip."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st

import kzgame
from kzgame.analysis import comparative_statics, compare_protocols, counterfactuals
from kzgame.analysis.frames import MissingExtraError, require
from kzgame.analysis.sweep import SweepResult, sweep
from kzgame.analysis.uncertainty import case_monte_carlo, monte_carlo
from kzgame.errors import KzgameError, ParameterError
from kzgame.io.cases import load_case
from kzgame.strategy import Strategy

ROOT = Path(__file__).resolve().parents[1]
NAMES = [s.value for s in Strategy]
BASE = dict(share=0.5, outside_r=0.45, outside_e=0.0, indispensability=0.9, survival=0.8,
            invest_cost=0.05)


@pytest.fixture(scope="module")
def case():
    return load_case(ROOT / "models" / "kazakhstan_russia.toml", seeds=False)


def _check_strategy_column(col, codes):
    """A categorical of names in code order whose codes are ``codes``."""
    assert isinstance(col.dtype, pd.CategoricalDtype)
    assert list(col.cat.categories) == NAMES
    np.testing.assert_array_equal(col.cat.codes.to_numpy(), np.asarray(codes))
    assert list(col.astype(str)) == [Strategy.from_code(int(c)).value for c in codes]


def test_case_frame_rows_are_the_solved_periods(case):
    df = case.to_pandas("ultimatum")
    assert list(df.index) == list(case.labels) and df.index.name == "period"
    for p in case.periods:
        r = p.solve("ultimatum")
        row = df.loc[p.label]
        assert (row["start"], row["end"]) == (p.start, p.end)
        for k, v in p.period.as_dict().items():
            assert row[k] == v  # exact float64
        for k in ("stake_r", "stake_e", "gain_invest", "gain_holdup", "gain_holdup_realized",
                  "gain_exit", "margin"):
            assert row[k] == getattr(r, k)
        assert row["code"] == r.strategy.code and row["strategy"] == r.strategy.value
        assert bool(row["e_concedes"]) == r.e_concedes
        if p.verdict is None:
            assert pd.isna(row["verdict"])
        else:
            assert row["verdict"] == p.verdict.value
    assert df["code"].dtype == np.int8
    _check_strategy_column(df["strategy"], df["code"])
    assert df.attrs == {"case": case.name, "protocol": "ultimatum"}


def test_monte_carlo_frames(case):
    mc = monte_carlo(BASE | {"outside_r": (0.45, 0.0, 0.6), "survival": (0.8, 0.5, 0.9)},
                     n=2000, seed=3, keep=True)
    shares = mc.to_pandas()
    assert list(shares.index) == NAMES
    for s in Strategy:
        assert shares.loc[s.value, "count"] == mc.counts[s]
        assert shares.loc[s.value, "share"] == mc.shares[s]
        assert shares.loc[s.value, "code"] == s.code
    assert shares.attrs["seed"] == 3 and shares.attrs["point"] == mc.point.value
    sens = mc.to_pandas("sensitivity")
    assert list(sens.index) == [s.parameter for s in mc.sensitivity]
    for s in mc.sensitivity:
        assert sens.loc[s.parameter, "first_order"] == s.first_order
        assert sens.loc[s.parameter, "swing"] == s.swing
        assert sens.loc[s.parameter, "at_low"] == s.at_low.value
        assert sens.loc[s.parameter, "at_high"] == s.at_high.value
        assert np.isnan(sens.loc[s.parameter, "total_order"])  # given-data: no Sobol total
    draws = mc.to_pandas("draws")
    assert len(draws) == mc.n
    np.testing.assert_array_equal(draws["outside_r"], mc.samples["outside_r"])
    _check_strategy_column(draws["strategy"], mc.codes)
    # the draws' codes are the classifier's codes of the drawn values
    cols = {k: draws[k] for k in ("outside_r", "survival")}
    fixed = draws.attrs["fixed"]
    np.testing.assert_array_equal(kzgame.classify(**fixed, **cols).to_numpy(), mc.codes)
    with pytest.raises(KzgameError, match="keep=True"):
        monte_carlo(BASE, n=10, seed=0).to_pandas("draws")
    with pytest.raises(KzgameError, match="unknown table"):
        mc.to_pandas("nope")
    # a case's Monte Carlo, period by period, in one frame
    from kzgame.analysis.frames import monte_carlo_frames

    results = case_monte_carlo(case, 500, seed=1, sensitivity=False)
    both = monte_carlo_frames(results)
    assert list(both.index.get_level_values("period").unique()) == list(case.labels)
    for label, r in results.items():
        assert both.loc[label]["count"].tolist() == [r.counts[s] for s in Strategy]


def test_counterfactuals_frame():
    p = kzgame.Period(**BASE)
    cfs = counterfactuals(p)
    assert isinstance(cfs, list) and cfs  # still a list
    df = cfs.to_pandas()
    assert len(df) == len(cfs)
    for (_, row), c in zip(df.iterrows(), cfs, strict=True):
        assert row["parameter"] == c.parameter and row["direction"] == c.direction
        for k in ("current", "value", "change"):
            assert row[k] == getattr(c, k)
        assert row["critical"] == c.critical or (np.isnan(row["critical"])
                                                 and np.isnan(c.critical))
        assert row["strategy"] == c.strategy.value
        assert row["new_strategy"] == c.new_strategy.value
        assert row["knife_edge"] == c.knife_edge
        assert row["boundaries"] == ", ".join(f"{a}/{b}" for a, b in c.boundaries)
        # the row's new value really flips the strategy
        flipped = kzgame.solve(kzgame.Period(**{**BASE, c.parameter: row["value"]}))
        assert flipped.strategy.value == row["new_strategy"]


def test_statics_frame():
    table = comparative_statics("indispensability", samples=2000)
    df = table.to_pandas()
    assert list(df.index) == list(table.parameters)
    assert list(df.columns) == [f"{a}/{b}" for a, b in table.boundaries]
    for b in table.boundaries:
        for p in table.parameters:
            assert df.loc[p, f"{b[0]}/{b[1]}"] == table.sign(b, p)
            assert df.attrs["methods"][f"{b[0]}/{b[1]}"][p] == table.method(b, p)
    assert df.attrs["parameter"] == "indispensability"


def test_protocol_comparison_frames():
    cmp = compare_protocols(kzgame.Period(**BASE))
    df = cmp.to_pandas()
    assert list(df.index) == list(cmp.protocols)
    for k, r in cmp.results.items():
        assert df.loc[k, "strategy"] == r.strategy.value and df.loc[k, "code"] == r.strategy.code
        assert df.loc[k, "gain_holdup"] == r.gain_holdup and df.loc[k, "margin"] == r.margin
    o_r = np.linspace(-0.2, 0.7, 7)
    iota = np.linspace(0, 1, 5)
    grid = compare_protocols(**(BASE | {"outside_r": o_r[:, None], "indispensability": iota}),
                             protocols=["nash", "outside-option"])
    flat = grid.to_pandas()
    assert flat.attrs["shape"] == (7, 5)
    for k in grid.protocols:
        _check_strategy_column(flat[k], grid.codes[k].ravel())
    da = grid.to_xarray(dims=("outside_r", "indispensability"),
                        coords={"outside_r": o_r, "indispensability": iota})
    assert da.dims == ("protocol", "outside_r", "indispensability")
    for k in grid.protocols:
        np.testing.assert_array_equal(da.sel(protocol=k).values, grid.codes[k])
    # a labelled point gives the classifier's code there
    got = da.sel(protocol="nash", outside_r=o_r[5], indispensability=iota[3]).item()
    assert got == int(kzgame.classify(**(BASE | {"outside_r": o_r[5],
                                                  "indispensability": iota[3]})))
    assert da.attrs["strategies"] == dict(enumerate(NAMES))
    with pytest.raises(KzgameError, match="dims"):
        grid.to_xarray(dims=("a",))


@settings(deadline=None, max_examples=15)
@given(nx=st.integers(1, 6), ny=st.integers(1, 6), survival=st.floats(0.0, 1.0))
def test_sweep_round_trips_through_xarray_and_pandas(nx, ny, survival):
    xv = np.linspace(-0.3, 0.8, nx)
    yv = np.linspace(0.0, 1.0, ny)
    res = sweep(BASE | {"survival": survival}, "outside_r", xv, "indispensability", yv)
    da = res.to_xarray()
    assert da.dims == ("indispensability", "outside_r")
    np.testing.assert_array_equal(da.coords["outside_r"].values, xv)
    np.testing.assert_array_equal(da.coords["indispensability"].values, yv)
    np.testing.assert_array_equal(da.values, res.codes)
    assert da.attrs["strategies"] == dict(enumerate(NAMES))
    assert da.attrs["protocol"] == "nash" and da.attrs["fixed_survival"] == survival
    i, j = ny // 2, nx // 2
    point = BASE | {"survival": survival, "outside_r": xv[j], "indispensability": yv[i]}
    assert da.isel(indispensability=i, outside_r=j).item() == int(kzgame.classify(**point))
    back = SweepResult.from_xarray(da)
    assert (back.x, back.y, back.protocol, back.fixed) == (res.x, res.y, res.protocol, res.fixed)
    for a in ("x_values", "y_values", "codes"):
        np.testing.assert_array_equal(getattr(back, a), getattr(res, a))
    assert back.codes.dtype == np.int8
    df = res.to_pandas()
    assert len(df) == nx * ny
    np.testing.assert_array_equal(df["code"].to_numpy(), res.codes.ravel())
    _check_strategy_column(df["strategy"], res.codes.ravel())
    # the long table pivots back to the grid
    wide = df.pivot(index="indispensability", columns="outside_r", values="code")
    np.testing.assert_array_equal(wide.to_numpy(), res.codes)


def test_sweep_from_xarray_refuses_other_arrays():
    with pytest.raises(KzgameError, match="two-dimensional"):
        SweepResult.from_xarray(xr.DataArray(np.zeros(3)))
    da = xr.DataArray(np.full((1, 1), 7, dtype=np.int8), dims=("y", "x"),
                      coords={"y": [0.0], "x": [0.0]}, attrs={"protocol": "nash"})
    with pytest.raises(KzgameError):
        SweepResult.from_xarray(da)


# --------------------------------------------------------------------------
# classify on pandas Series


def test_classify_series_keeps_the_index_and_aligns_by_label():
    idx = pd.Index(["a", "b", "c"], name="period")
    o_r = pd.Series([0.0, 0.45, 0.9], index=idx)
    iota = pd.Series([0.9, 0.9, 0.1], index=idx)
    out = kzgame.classify(**(BASE | {"outside_r": o_r, "indispensability": iota}))
    assert isinstance(out, pd.Series) and out.name == "code" and out.dtype == np.int8
    assert out.index.equals(idx) and out.index.name == "period"
    expected = kzgame.classify(**(BASE | {"outside_r": o_r.to_numpy(),
                                          "indispensability": iota.to_numpy()}))
    np.testing.assert_array_equal(out.to_numpy(), expected)
    # the same labels in another order are aligned by label, not by position
    shuffled = iota.iloc[[2, 0, 1]]
    out2 = kzgame.classify(**(BASE | {"outside_r": o_r, "indispensability": shuffled}))
    pd.testing.assert_series_equal(out2, out)
    # a DataFrame's columns
    df = pd.DataFrame({"outside_r": o_r, "indispensability": iota})
    pd.testing.assert_series_equal(
        kzgame.classify(share=0.5, outside_e=0.0, survival=0.8, invest_cost=0.05, **df), out)
    # a length-n numpy array goes with the Series, in the Series' order
    out3 = kzgame.classify(**(BASE | {"outside_r": o_r, "indispensability": iota.to_numpy()}))
    pd.testing.assert_series_equal(out3, out)


def test_classify_series_refuses_misaligned_inputs():
    a = pd.Series([0.0, 0.45], index=["x", "y"])
    with pytest.raises(ParameterError, match="different index labels"):
        kzgame.classify(**(BASE | {"outside_r": a,
                                   "indispensability": pd.Series([0.5, 0.5], index=["x", "z"])}))
    with pytest.raises(ParameterError, match="duplicated"):
        kzgame.classify(**(BASE | {"outside_r": pd.Series([0.0, 0.1], index=["x", "x"])}))
    with pytest.raises(ParameterError, match="DataFrame"):
        kzgame.classify(**(BASE | {"outside_r": pd.DataFrame({"v": [0.0]})}))
    with pytest.raises(ParameterError, match="broadcast"):
        kzgame.classify(**(BASE | {"outside_r": a, "indispensability": np.zeros((3, 1))}))
    with pytest.raises(ParameterError, match="indispensability"):
        kzgame.classify(**(BASE | {"outside_r": a,
                                   "indispensability": pd.Series([0.5, 2.0], index=["x", "y"])}))


def test_classify_series_on_a_game():
    from kzgame.game import Game, decision, outcome

    entry = Game(decision("Entrant", {
        "out": outcome(Entrant=0, Incumbent=2),
        "in": decision("Incumbent", {"accommodate": outcome(Entrant=1, Incumbent=1),
                                     "fight": outcome(Entrant=-1, Incumbent="1 - k")}),
    }), parameters={"k": "real"})
    k = pd.Series([-1.0, 0.0, 1.0], index=pd.Index([10, 20, 30], name="year"))
    out = kzgame.classify(entry, k=k)
    assert out.tolist() == kzgame.classify(entry, k=k.to_numpy()).tolist()
    assert out.index.name == "year"


# --------------------------------------------------------------------------
# pandas / xarray missing


@pytest.mark.parametrize("module", ["pandas", "xarray"])
def test_missing_extra_names_it(monkeypatch, module):
    # None in sys.modules makes every import of the module raise ImportError
    monkeypatch.setitem(sys.modules, module, None)
    with pytest.raises(MissingExtraError, match=r"kzgame\[frames\]") as info:
        require(module)
    assert isinstance(info.value, ImportError) and isinstance(info.value, KzgameError)
    res = SweepResult("outside_r", "indispensability", np.zeros(1), np.zeros(1),
                      np.zeros((1, 1), np.int8), {}, "nash")
    with pytest.raises(MissingExtraError, match=module):
        res.to_xarray() if module == "xarray" else res.to_pandas()
