"""Issue 15, sweeps: real numbers only, every option validated, sizes checked before
allocating or writing, CSV cells inert, no partial file."""

from __future__ import annotations

import csv
import datetime
import decimal
import fractions
from collections import namedtuple
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kzgame
import kzgame.analysis.sweep as sweep_module
from kzgame.analysis.sweep import (
    FORMULA_START,
    MAX_CHUNK_POINTS,
    SweepResult,
    check_grid,
    inert,
    sweep,
)
from kzgame.errors import KzgameError, ParameterError

BASE = {"share": 0.5, "outside_r": 0.0, "outside_e": 0.0, "indispensability": 0.9,
        "survival": 0.8, "invest_cost": 0.05}
XV = [-0.1, 0.2, 0.45]
YV = [0.0, 0.9]

BAD = [
    pytest.param(True, "boolean", id="bool"),
    pytest.param(0.5 + 0j, "complex", id="complex"),
    pytest.param("0.5", "str", id="str"),
    pytest.param(b"0.5", "bytes", id="bytes"),
    pytest.param(np.datetime64("2020-01-01"), "datetime64", id="datetime64"),
    pytest.param(datetime.datetime(2020, 1, 1), "datetime", id="datetime"),
    pytest.param(None, "NoneType", id="None"),
]
BAD_AXES = [
    pytest.param([0.1, True], "boolean", id="bool-in-list"),
    pytest.param(np.array([0.1, 0.2], dtype=complex), "complex", id="complex-array"),
    pytest.param(["0.1", "0.2"], "str", id="str-list"),
    pytest.param(np.array([b"0.1"]), "dtype", id="bytes-array"),
    pytest.param(np.array(["2020-01-01"], dtype="datetime64[D]"), "datetime64", id="dates"),
    pytest.param(np.ma.array([0.5, 7.0], mask=[0, 1]), "masked arrays", id="masked"),
    pytest.param(np.array([True, False]), "dtype bool", id="bool-array"),
    pytest.param([10**400], "400 digits", id="huge-int"),
]


@pytest.mark.parametrize(("value", "what"), BAD_AXES)
def test_axes_of_non_real_values_are_refused(value, what):
    with pytest.raises(ParameterError, match=rf"^share\b.*{what}"):
        sweep(BASE, "outside_r", XV, "share", value)
    with pytest.raises(ParameterError, match=rf"^share\b.*{what}"):
        sweep(BASE, "share", value, "outside_r", XV)


@pytest.mark.parametrize(("value", "what"), BAD)
def test_fixed_values_that_are_not_real_are_refused(value, what):
    with pytest.raises(ParameterError, match=rf"^survival\b.*{what}"):
        sweep({**BASE, "survival": value}, "outside_r", XV, "share", YV)


def test_a_masked_fixed_value_and_an_array_fixed_value_are_refused():
    with pytest.raises(ParameterError, match="^survival: masked arrays"):
        sweep({**BASE, "survival": np.ma.array(0.8, mask=True)}, "outside_r", XV, "share", YV)
    with pytest.raises(ParameterError, match="^survival: a fixed value of a sweep must be a "
                                             "single number"):
        sweep({**BASE, "survival": [0.8, 0.9]}, "outside_r", XV, "share", YV)


@pytest.mark.parametrize("value", [fractions.Fraction(9, 10), decimal.Decimal("0.9"),
                                   np.float32(0.9), np.float64(0.9)])
def test_real_values_of_every_kind_sweep_like_floats(value):
    a = sweep({**BASE, "indispensability": value}, "outside_r", XV, "share", YV)
    b = sweep({**BASE, "indispensability": float(value)}, "outside_r", XV, "share", YV)
    np.testing.assert_array_equal(a.codes, b.codes)
    ints = sweep(BASE, "outside_r", np.array([0, 1]), "share", [0, 1])
    np.testing.assert_array_equal(ints.codes,
                                  sweep(BASE, "outside_r", [0.0, 1.0], "share", [0.0, 1.0]).codes)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.one_of(st.booleans(), st.complex_numbers(allow_nan=False), st.text(max_size=3),
                          st.binary(max_size=3), st.dates(), st.none()), min_size=1, max_size=4))
def test_generated_non_real_axes_are_refused(values):
    with pytest.raises(ParameterError, match=r"^outside_r\b"):
        sweep(BASE, "outside_r", values, "share", YV)


# ---------------------------------------------------------------------------
# Numeric options
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("chunk", [0, -1, 2.5, True, "100", np.float64(10), MAX_CHUNK_POINTS + 1,
                                   10**30])
def test_chunk_points_outside_its_range_is_refused(chunk):
    with pytest.raises(ParameterError, match=r"^chunk_points = .*: give an integer from 1 to "
                                             r"10000000"):
        sweep(BASE, "outside_r", XV, "share", YV, chunk_points=chunk)


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"progress": "yes"}, r"progress = 'yes': give True, False, None or a callable"),
    ({"progress": 1}, r"progress = 1"),
    ({"dask": "no"}, r"dask = 'no': give True or False"),
    ({"protocol": "haggle"}, "unknown protocol"),
])
def test_other_options_are_validated(kwargs, match):
    with pytest.raises(KzgameError, match=match):
        sweep(BASE, "outside_r", XV, "share", YV, **kwargs)


def test_names_must_be_parameter_names():
    with pytest.raises(ParameterError, match="unknown x parameter 3"):
        sweep(BASE, 3, XV, "share", YV)
    with pytest.raises(ParameterError, match="unknown parameter"):
        sweep({**BASE, "charm": 1.0}, "outside_r", XV, "share", YV)


# ---------------------------------------------------------------------------
# Bounded resources
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(("nx", "ny"), [(10**10, 10**10), (10**5, 10**5), (2**40, 3)])
def test_grids_too_large_for_memory_are_refused_with_their_size(nx, ny):
    with pytest.raises(KzgameError, match=rf"a sweep of {nx:,} x {ny:,} = .* points would need "
                                          r"about .*B of memory, more than the 2.0 GiB limit"):
        check_grid(nx, ny)


def test_a_lazy_sweep_of_1e20_points_is_refused_before_computing():
    da = pytest.importorskip("dask.array", reason="dask is an optional extra (kzgame[dask])")
    axis = da.linspace(0.0, 0.4, 10**10, chunks=10**6)
    with pytest.raises(KzgameError, match=r"1e\+20 points would need about 86.7 EiB"):
        sweep(BASE, "outside_r", axis, "share", da.linspace(0.0, 1.0, 10**10, chunks=10**6))


def test_the_memory_limit_can_be_raised_and_lowered(monkeypatch):
    import kzgame.analysis.uncertainty as u

    monkeypatch.setattr(u, "MAX_BYTES", 1000)
    with pytest.raises(KzgameError, match="1000 B limit"):
        sweep(BASE, "outside_r", np.linspace(0, 0.4, 40), "share", np.linspace(0, 1, 40))
    with pytest.raises(KzgameError, match="1000 B limit"):
        kzgame.monte_carlo(BASE | {"share": (0.4, 0.6)}, 100)


def _huge_result(nx: int, ny: int) -> SweepResult:
    """A result whose codes are one broadcast byte: a grid of any size at no memory."""
    return SweepResult("outside_r", "share", np.linspace(-0.5, 0.5, nx), np.linspace(0, 1, ny),
                       np.broadcast_to(np.int8(2), (ny, nx)), dict(BASE), "nash")


def test_a_40_gb_csv_is_refused_before_writing(tmp_path):
    res = _huge_result(20_000, 50_000)  # 1e9 points, about 40 GB of CSV
    target = tmp_path / "grid.csv"
    with pytest.raises(KzgameError, match=r"writing 1,000,000,000 points would need a CSV file "
                                          r"of at least \d+\.\d GiB, more than max_bytes"):
        res.to_csv(target)
    assert list(tmp_path.iterdir()) == []


def test_a_csv_larger_than_the_free_space_is_refused(tmp_path, monkeypatch):
    res = sweep(BASE, "outside_r", np.linspace(-0.5, 0.5, 50), "share", np.linspace(0, 1, 20))
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(sweep_module.shutil, "disk_usage", lambda p: usage(10**6, 10**6, 500))
    with pytest.raises(KzgameError, match=r"writing 1,000 points would need a CSV file of .*, "
                                          r"but only 500 B is free in"):
        res.to_csv(tmp_path / "grid.csv", max_bytes=None)
    assert list(tmp_path.iterdir()) == []


def test_max_bytes_is_exact(tmp_path):
    res = sweep(BASE, "outside_r", np.linspace(-0.5, 0.5, 7), "share", np.linspace(0, 1, 5))
    size = res.csv_size()
    with pytest.raises(KzgameError, match="more than max_bytes"):
        res.to_csv(tmp_path / "a.csv", max_bytes=size - 1)
    assert res.to_csv(tmp_path / "a.csv", max_bytes=size).stat().st_size == size
    for bad in (0, -1, 2.5, True, "1"):
        with pytest.raises(ParameterError, match="max_bytes"):
            res.to_csv(tmp_path / "b.csv", max_bytes=bad)


@settings(max_examples=25, deadline=None)
@given(nx=st.integers(1, 30), ny=st.integers(1, 30), lo=st.floats(-1e6, 0), hi=st.floats(0, 1e6))
def test_csv_size_is_the_size_written(tmp_path_factory, nx, ny, lo, hi):
    res = sweep(BASE, "outside_r", np.linspace(lo, hi, nx), "indispensability",
                np.linspace(0, 1, ny), progress=False)
    path = res.to_csv(tmp_path_factory.mktemp("csv") / "grid.csv")
    assert path.stat().st_size == res.csv_size()


def test_a_failed_write_leaves_no_partial_file(tmp_path):
    res = sweep(BASE, "outside_r", np.linspace(-0.5, 0.5, 10), "share", np.linspace(0, 1, 10))

    def boom(done, total):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        res.to_csv(tmp_path / "grid.csv", progress=boom)
    assert list(tmp_path.iterdir()) == []


def test_a_large_csv_is_written_in_blocks_with_progress(tmp_path, monkeypatch):
    monkeypatch.setattr(sweep_module, "CHUNK_POINTS", 100)
    res = sweep(BASE, "outside_r", np.linspace(-0.5, 0.5, 40), "share", np.linspace(0, 1, 25))
    calls = []
    res.to_csv(tmp_path / "grid.csv", progress=lambda d, t: calls.append((d, t)))
    assert calls[-1] == (1000, 1000) and len(calls) == 13  # 2 rows of 40 per block, 25 rows


def test_no_csv_inside_the_package_or_in_a_missing_folder(tmp_path):
    res = sweep(BASE, "outside_r", XV, "share", YV)
    package = Path(kzgame.__file__).resolve().parent
    with pytest.raises(KzgameError, match="inside the kzgame package"):
        res.to_csv(package / "grid.csv")
    assert not (package / "grid.csv").exists()
    with pytest.raises(KzgameError, match="does not exist"):
        res.to_csv(tmp_path / "missing" / "grid.csv")
    assert not (tmp_path / "missing").exists()


# ---------------------------------------------------------------------------
# CSV cells: no spreadsheet formulas
# ---------------------------------------------------------------------------


@given(st.text(max_size=20))
def test_inert_text_never_starts_a_formula(text):
    out = inert(text)
    assert not out.startswith(FORMULA_START)
    assert out == text or out == "'" + text
    assert (out != text) == text.startswith(FORMULA_START)


def test_text_cells_of_the_csv_are_inert_and_numbers_are_not(tmp_path):
    xv = np.array([-0.25, 0.0, 0.45])
    res = sweep(BASE, "outside_r", xv, "share", [0.5, 1.0])
    # A column name from elsewhere (not a parameter of the registry) that a
    # spreadsheet would run: written as text.
    hostile = SweepResult("=HYPERLINK(\"http://evil\")", "@SUM(A1)", res.x_values,
                          res.y_values, res.codes, res.fixed, res.protocol)
    path = hostile.to_csv(tmp_path / "grid.csv")
    with path.open(newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0][:2] == ["'=HYPERLINK(\"http://evil\")", "'@SUM(A1)"]
    assert rows[1][0] == "-0.25" and float(rows[1][0]) == -0.25  # a number stays a number
    assert path.stat().st_size == hostile.csv_size()


def test_a_csv_too_large_is_refused_before_sweeping(tmp_path):
    from kzgame.analysis.sweep import check_csv

    with pytest.raises(KzgameError, match=r"writing 1,000,000,000 points would need a CSV file "
                                          r"of at least \d+\.\d GiB, more than max_bytes"):
        check_csv("outside_r", np.linspace(0, 1, 20_000), "share", np.linspace(0, 1, 50_000),
                  tmp_path / "g.csv")
    xv, yv = np.linspace(-0.5, 0.5, 13), np.linspace(0, 1, 7)
    low = check_csv("outside_r", xv, "share", yv, tmp_path / "g.csv")
    res = sweep(BASE, "outside_r", xv, "share", yv)
    assert low <= res.csv_size() == res.to_csv(tmp_path / "g.csv").stat().st_size
    with pytest.raises(KzgameError, match="more than max_bytes"):
        check_csv("outside_r", xv, "share", yv, tmp_path / "g.csv", max_bytes=low - 1)
