"""Two-parameter sweeps: equal to classify on the grid, chunking and dask change nothing,
the CSV round-trips, progress is reported."""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kzgame
from kzgame.analysis.sweep import Progress, sweep
from kzgame.io.cases import load_case
from kzgame.params import KzgameError, ParameterError
from kzgame.strategy import Strategy

TOY = Path(__file__).resolve().parent / "data" / "toy_case.toml"
BASE = {"share": 0.5, "outside_r": 0.0, "outside_e": 0.0, "indispensability": 0.9,
        "survival": 0.8, "invest_cost": 0.05}


def reference(base, x, xv, y, yv, protocol="nash"):
    fixed = {k: v for k, v in base.items() if k not in (x, y)}
    X, Y = np.meshgrid(np.asarray(xv, float), np.asarray(yv, float))
    return kzgame.classify(protocol=protocol, **fixed, **{x: X, y: Y})


@settings(max_examples=40)
@given(
    nx=st.integers(1, 40),
    ny=st.integers(1, 40),
    chunk=st.integers(1, 2000),
    protocol=st.sampled_from(["nash", "ultimatum", "outside-option"]),
)
def test_sweep_equals_classify_on_the_grid(nx, ny, chunk, protocol):
    xv = np.linspace(-0.5, 0.6, nx)
    yv = np.linspace(0.0, 1.0, ny)
    res = sweep(BASE, "outside_r", xv, "indispensability", yv, protocol=protocol,
                chunk_points=chunk, progress=False)
    assert res.codes.shape == (ny, nx) and res.codes.dtype == np.int8
    np.testing.assert_array_equal(res.codes, reference(BASE, "outside_r", xv,
                                                       "indispensability", yv, protocol))
    assert sum(res.shares.values()) == pytest.approx(1.0)


def test_grid_shows_every_kpr_strategy():
    res = sweep(BASE, "outside_r", np.linspace(-0.5, 0.6, 111), "indispensability",
                np.linspace(0, 1, 51))
    assert {Strategy(s) for s in np.unique(res.strategies)} == set(Strategy)
    # Low iota: hold-up never chosen (MODEL.md's KPR table).
    assert not (res.codes[0] == Strategy.HOLD_UP.code).any()


def test_sweep_from_a_period_and_a_calibrated_period():
    case = load_case(TOY, seeds=False)
    p = case.period("late")
    xv, yv = np.linspace(0, 0.4, 9), np.linspace(0.2, 0.9, 8)
    a = sweep(p, "outside_r", xv, "survival", yv)
    b = sweep(p.period, "outside_r", xv, "survival", yv)
    np.testing.assert_array_equal(a.codes, b.codes)
    np.testing.assert_array_equal(a.codes, reference(p.values, "outside_r", xv, "survival", yv))
    assert "outside_r" not in a.fixed and a.fixed["power"] == 0.4


def test_progress_callback_reaches_the_total():
    calls = []
    sweep(BASE, "outside_r", np.linspace(-0.5, 0.5, 30), "indispensability",
          np.linspace(0, 1, 17), chunk_points=60, progress=lambda d, t: calls.append((d, t)))
    done = [d for d, _ in calls]
    assert len(calls) == 9  # 60 points = 2 rows of 30 per block, 17 rows
    assert done == sorted(done) and done[-1] == 30 * 17
    assert {t for _, t in calls} == {30 * 17}


def test_progress_line_without_tqdm(monkeypatch):
    monkeypatch.setitem(sys.modules, "tqdm", None)  # tqdm is optional: the fallback line
    out = io.StringIO()
    bar = Progress("sweep", stream=out)
    for d in range(0, 101, 5):
        bar(d, 100)
    text = out.getvalue()
    assert "sweep: 100% (100/100 points)" in text
    assert "\r" not in text  # not a terminal: one line per 10 %
    assert len(text.splitlines()) == 11


def test_progress_bar_with_tqdm():
    pytest.importorskip("tqdm", reason="tqdm is an optional extra (kzgame[progress])")
    out = io.StringIO()
    bar = Progress("sweep", stream=out)
    for d in range(0, 101, 5):
        bar(d, 100)
    text = out.getvalue()
    assert "sweep: 100% (100/100 points)" in text
    assert text.endswith("\n")  # closed at the total
    bar(50, 100)  # a new run opens a new bar
    assert out.getvalue().count("sweep:   0%") + out.getvalue().count("sweep:  50%") >= 2


def test_default_progress_only_for_large_grids(capsys):
    sweep(BASE, "outside_r", np.linspace(-0.5, 0.5, 10), "indispensability", np.linspace(0, 1, 10))
    assert capsys.readouterr().err == ""
    sweep(BASE, "outside_r", np.linspace(-0.5, 0.5, 10), "indispensability",
          np.linspace(0, 1, 10), progress=True)
    assert "100% (100/100 points)" in capsys.readouterr().err


def test_csv_round_trip(tmp_path):
    xv = np.array([-0.1, 1 / 3, 0.45])
    yv = np.array([0.0, 0.9])
    res = sweep(BASE, "outside_r", xv, "indispensability", yv)
    path = res.to_csv(tmp_path / "grid.csv")
    with path.open(newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["outside_r", "indispensability", "code", "strategy"]
    assert len(rows) == 1 + xv.size * yv.size
    for k, row in enumerate(rows[1:]):
        i, j = divmod(k, xv.size)  # x varies fastest
        assert float(row[0]) == xv[j] and float(row[1]) == yv[i]
        assert int(row[2]) == res.codes[i, j]
        assert row[3] == Strategy.from_code(int(row[2])).value


def test_dask_gives_the_same_grid():
    da = pytest.importorskip("dask.array", reason="dask is an optional extra (kzgame[dask])")
    xv, yv = np.linspace(-0.5, 0.6, 37), np.linspace(0, 1, 23)
    a = sweep(BASE, "outside_r", xv, "indispensability", yv)
    b = sweep(BASE, "outside_r", xv, "indispensability", yv, dask=True, chunk_points=100)
    np.testing.assert_array_equal(a.codes, b.codes)
    c = sweep(BASE, "outside_r", da.from_array(xv, chunks=10), "indispensability",
              da.from_array(yv, chunks=5))
    np.testing.assert_array_equal(a.codes, c.codes)
    assert isinstance(c.x_values, np.ndarray)


def test_dask_progress(capsys):
    pytest.importorskip("dask.array", reason="dask is an optional extra (kzgame[dask])")
    calls = []
    sweep(BASE, "outside_r", np.linspace(-0.5, 0.6, 9), "indispensability", np.linspace(0, 1, 4),
          dask=True, progress=lambda d, t: calls.append((d, t)))
    assert calls == [(36, 36)]
    sweep(BASE, "outside_r", np.linspace(-0.5, 0.6, 9), "indispensability", np.linspace(0, 1, 4),
          dask=True, progress=True, chunk_points=9)
    assert "100% Completed" in capsys.readouterr().err


@pytest.mark.parametrize(("args", "error", "match"), [
    (("outside_r", [0.1], "outside_r", [0.2]), ParameterError, "two different parameters"),
    (("charm", [0.1], "share", [0.2]), ParameterError, "unknown x parameter 'charm'"),
    (("outside_r", [0.1], "share", [0.2, 1.5]), ParameterError, r"share = 1.5 is outside"),
    (("outside_r", [[0.1]], "share", [0.2]), ParameterError, "1-D"),
    (("outside_r", [], "share", [0.2]), ParameterError, "non-empty"),
    (("outside_r", [np.nan], "share", [0.2]), ParameterError, "not a finite number"),
])
def test_bad_sweeps(args, error, match):
    with pytest.raises(error, match=match):
        sweep(BASE, *args)


def test_bad_settings():
    with pytest.raises(KzgameError, match="chunk_points"):
        sweep(BASE, "outside_r", [0.1], "share", [0.2], chunk_points=0)
    with pytest.raises(KzgameError, match="unknown protocol"):
        sweep(BASE, "outside_r", [0.1], "share", [0.2], protocol="haggle")
    with pytest.raises(ParameterError, match="missing parameter"):
        sweep({"share": 0.5}, "outside_r", [0.1], "indispensability", [0.2])
    with pytest.raises(TypeError):
        sweep([0.5], "outside_r", [0.1], "share", [0.2])
