"""Issue 15, Monte Carlo: the fast sensitivity estimator equals the old one where it should;
degenerate estimators, bad options, bad types and oversized requests are refused up front."""

from __future__ import annotations

import datetime
import decimal
import fractions
import math
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kzgame.analysis.uncertainty import (
    DISTRIBUTIONS,
    _bin_index,
    _first_order_from_table,
    _ppf,
    _strategy_by_bin,
    case_monte_carlo,
    draw,
    monte_carlo,
    triples,
)
from kzgame.errors import KzgameError, ParameterError
from kzgame.io.cases import load_case
from kzgame.strategy import Strategy

ROOT = Path(__file__).resolve().parent.parent
TOY = ROOT / "tests" / "data" / "toy_case.toml"
KZ = ROOT / "models" / "kazakhstan_russia.toml"
BASE = {"share": 0.5, "outside_r": 0.0, "outside_e": 0.0, "indispensability": 0.9,
        "survival": 0.8, "invest_cost": 0.05}
# Two parameters that both matter (c: invest vs accept; o_R through Delta_R).
TWO = {**BASE, "invest_cost": (0.05, 0.0, 0.2), "outside_r": (0.0, -0.3, 0.4)}


# ---------------------------------------------------------------------------
# The oracle: the estimator as it was before issue 15 (a sort per parameter,
# equal-count bins by rank), kept verbatim.
# ---------------------------------------------------------------------------


def old_first_order(x: np.ndarray, onehot: list, total_var: float, bins: int) -> float:
    n = x.size
    rank = np.empty(n, dtype=np.intp)
    rank[np.argsort(x, kind="stable")] = np.arange(n)
    b = rank * bins // n
    size = np.bincount(b, minlength=bins).astype(float)
    between = 0.0
    within = 0.0
    for y in onehot:
        m = np.bincount(b, weights=y, minlength=bins) / size
        p = y.mean()
        between += float(np.sum(size / n * (m - p) ** 2))
        within += float(np.mean(m * (1 - m) * size / np.maximum(size - 1, 1)))
    noise = (bins - 1) * within / n
    return float(min(1.0, max(0.0, (between - noise) / total_var)))


def old_indices(mc, bins: int) -> dict[str, float]:
    """The old estimator on the draws ``mc`` kept."""
    codes = mc.codes
    counts = np.bincount(codes, minlength=4)
    present = np.flatnonzero(counts)
    p = counts[present] / mc.n
    total_var = float(np.sum(p * (1 - p)))
    onehot = [codes == k for k in present]
    return {k: old_first_order(v, onehot, total_var, bins) if v.ndim and total_var > 0 else 0.0
            for k, v in mc.samples.items()}


def rank_bins(x: np.ndarray, bins: int) -> np.ndarray:
    rank = np.empty(x.size, dtype=np.intp)
    rank[np.argsort(x, kind="stable")] = np.arange(x.size)
    return rank * bins // x.size


def periods():
    out = []
    for path in (TOY, KZ):
        case = load_case(path, seeds=False)
        out += [pytest.param(p, id=f"{path.stem}:{p.label}") for p in case.periods]
    return out


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), per_bin=st.integers(2, 60), bins=st.integers(2, 60),
       distribution=st.sampled_from(DISTRIBUTIONS))
def test_one_bincount_estimator_equals_the_old_one_on_the_same_bins(
        seed, per_bin, bins, distribution):
    """Given the old equal-count bins, the new table estimator is the old estimator exactly
    (to rounding): the speed-up changes how draws are binned, not the formula."""
    n = per_bin * bins
    mc = monte_carlo(TWO, n, seed=seed, distribution=distribution, keep=True,
                     sensitivity=False)
    old = old_indices(mc, bins)
    counts = np.bincount(mc.codes, minlength=4)
    p = counts / n
    total_var = float(np.sum(p * (1 - p)))
    for name in ("invest_cost", "outside_r"):
        b = rank_bins(mc.samples[name], bins)
        new = _first_order_from_table(_strategy_by_bin(b, mc.codes, bins), total_var)
        assert new == pytest.approx(old[name], abs=1e-12), name


@pytest.mark.parametrize("distribution", DISTRIBUTIONS)
@pytest.mark.parametrize("period", periods())
def test_fast_indices_agree_with_the_old_ones(period, distribution):
    """On the same draws, equal-probability bins (new) and equal-count bins (old) give the
    same index up to the estimator's own noise; exactly the same where nothing varies."""
    n = 40_000
    mc = monte_carlo(period, n, seed=1, distribution=distribution, keep=True)
    old = old_indices(mc, 50)
    for s in mc.sensitivity:
        assert 0.0 <= s.first_order <= 1.0
        if mc.samples[s.parameter].ndim == 0:
            assert s.first_order == old[s.parameter] == 0.0
        else:
            assert s.first_order == pytest.approx(old[s.parameter], abs=0.02), s.parameter


def test_fast_indices_at_the_extremes():
    # The strategy is a function of c alone: both estimators near 1; an irrelevant range: 0.
    params = {**BASE, "invest_cost": (0.05, 0.0, 0.3), "indispensability": (0.5, 0.0, 0.99)}
    mc = monte_carlo(params, 60_000, seed=4, keep=True)
    old = old_indices(mc, 50)
    assert mc.sensitivity_of("invest_cost").first_order > 0.95 and old["invest_cost"] > 0.95
    assert mc.sensitivity_of("indispensability").first_order < 0.01
    assert old["indispensability"] < 0.01


@settings(max_examples=30, deadline=None)
@given(low=st.floats(-5, 5), width=st.floats(1e-6, 10), frac=st.floats(0, 1),
       bins=st.integers(2, 400), distribution=st.sampled_from(DISTRIBUTIONS),
       seed=st.integers(0, 2**32 - 1))
def test_bins_are_the_distributions_quantile_bins(low, width, frac, bins, distribution, seed):
    high = low + width
    mode = min(high, max(low, low + frac * width))
    t = (low, mode, high)
    x = draw({"outside_r": t}, 2_000, np.random.default_rng(seed), distribution)["outside_r"]
    b = _bin_index(x, t, distribution, bins)
    assert b.min() >= 0 and b.max() <= bins - 1
    if distribution != "uniform":
        edges = _ppf(np.arange(1, bins) / bins, *t, distribution)
        np.testing.assert_array_equal(b, np.searchsorted(edges, x, side="right"))


# ---------------------------------------------------------------------------
# Degenerate estimators and numeric options
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(("n", "bins"), [(10, 20), (10, 6), (100, 51), (4, 3), (10, 0),
                                         (10, 1), (10, 2.5), (10, True), (10, "5"),
                                         (10, np.float64(2)), (10**6, 10**5)])
def test_bins_outside_their_range_are_refused(n, bins):
    with pytest.raises(ParameterError, match=r"^bins = .*: give an integer from 2 to"):
        monte_carlo(TWO, n, bins=bins)


@settings(max_examples=40, deadline=None)
@given(n=st.integers(4, 300), data=st.data(), seed=st.integers(0, 1000),
       distribution=st.sampled_from(DISTRIBUTIONS))
def test_every_legal_bins_gives_a_finite_index(n, data, seed, distribution):
    """The old estimator returned 0 for every index when a bin was empty (NaN swallowed by
    max); now every legal bin count gives finite indices in [0, 1]."""
    bins = data.draw(st.integers(2, n // 2))
    mc = monte_carlo(TWO, n, seed=seed, bins=bins, distribution=distribution)
    for s in mc.sensitivity:
        assert math.isfinite(s.first_order) and 0.0 <= s.first_order <= 1.0


def test_more_bins_than_draws_used_to_give_zero():
    # The example of the issue: n = 30 draws, 100 bins.  Refused now; with the largest
    # legal count the decisive parameter is still found.
    with pytest.raises(ParameterError, match="bins = 100"):
        monte_carlo({**BASE, "invest_cost": (0.05, 0.0, 0.3)}, 30, bins=100)
    mc = monte_carlo({**BASE, "invest_cost": (0.05, 0.0, 0.3)}, 30, bins=15, seed=0)
    assert mc.sensitivity[0].parameter == "invest_cost"
    assert mc.sensitivity[0].first_order > 0.5


def test_too_few_draws_for_a_sensitivity_index():
    with pytest.raises(ParameterError, match="at least 4 draws"):
        monte_carlo(TWO, 3)
    assert monte_carlo(TWO, 3, sensitivity=False).n == 3
    assert monte_carlo(BASE, 1).robustness == 1.0  # nothing varies: nothing to bin


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"n": 0}, r"n = 0: give an integer >= 1"),
    ({"n": -5}, r"n = -5"),
    ({"n": 2.5}, r"n = 2.5"),
    ({"n": True}, r"n = True"),
    ({"n": "100"}, r"n = '100'"),
    ({"n": np.float64(100)}, r"n = np.float64\(100.0\)"),
    ({"seed": -1}, r"seed = -1: give a non-negative integer"),
    ({"seed": 1.5}, r"seed = 1.5"),
    ({"seed": True}, r"seed = True"),
    ({"seed": "1"}, r"seed = '1'"),
    ({"sensitivity": "no"}, r"sensitivity = 'no': give True or False"),
    ({"keep": 1}, r"keep = 1: give True or False"),
    ({"distribution": "normal"}, r"unknown distribution 'normal'"),
    ({"distribution": ["uniform"]}, r"unknown distribution \['uniform'\]"),
    ({"method": "morris"}, r"unknown method 'morris'"),
    ({"protocol": ["nash"]}, r"unknown protocol"),
])
def test_numeric_and_other_options_are_validated(kwargs, match):
    kwargs = {"n": 100, **kwargs}
    with pytest.raises(KzgameError, match=match):
        monte_carlo(TWO, **kwargs)


def test_case_monte_carlo_validates_before_drawing():
    case = load_case(TOY, seeds=False)
    for kwargs, match in (({"seed": -1}, "seed = -1"), ({"n": 0}, "n = 0"),
                          ({"distribution": "beta"}, "unknown distribution"),
                          ({"method": "x"}, "unknown method")):
        with pytest.raises(KzgameError, match=match):
            case_monte_carlo(case, **{"n": 100, **kwargs})


def test_draw_validates_its_arguments():
    rng = np.random.default_rng(0)
    t = {"share": (0.4, 0.5, 0.6)}
    with pytest.raises(ParameterError, match="n = 0"):
        draw(t, 0, rng)
    with pytest.raises(KzgameError, match="numpy.random.Generator"):
        draw(t, 10, 0)
    with pytest.raises(ParameterError, match="share: point value 0.3 is not within"):
        draw({"share": (0.4, 0.3, 0.6)}, 10, rng)
    with pytest.raises(ParameterError, match=r"share: give \(low, mode, high\)"):
        draw({"share": 0.5}, 10, rng)
    with pytest.raises(ParameterError, match="unknown parameter"):
        draw({"charm": (0, 0, 1)}, 10, rng)


# ---------------------------------------------------------------------------
# Types: real numbers only, one verdict everywhere
# ---------------------------------------------------------------------------

BAD_VALUES = [
    pytest.param(True, "boolean", id="bool"),
    pytest.param(np.bool_(False), "boolean", id="numpy-bool"),
    pytest.param(0.5 + 0j, "complex", id="complex"),
    pytest.param(np.complex128(0.5), "complex", id="numpy-complex"),
    pytest.param("0.5", "str", id="str"),
    pytest.param(b"0.5", "bytes", id="bytes"),
    pytest.param(np.datetime64("2020-01-01"), "datetime64", id="datetime64"),
    pytest.param(datetime.date(2020, 1, 1), "date", id="date"),
    pytest.param(np.timedelta64(3, "D"), "timedelta64", id="timedelta64"),
    pytest.param(None, "NoneType", id="None"),
    pytest.param(np.ma.array([0.5, 7.0], mask=[0, 1]), "masked arrays", id="masked"),
    pytest.param(np.array(["0.5"]), "dtype <U3", id="str-array"),
    pytest.param(np.array([True]), "dtype bool", id="bool-array"),
    pytest.param([0.4, "0.6"], "str", id="list-with-str"),
    pytest.param([True, 0.6], "boolean", id="list-with-bool"),
    pytest.param((0.5, 0.4, 0.6 + 0j), "complex", id="tuple-with-complex"),
    pytest.param(10**400, "400 digits", id="huge-int"),
]


@pytest.mark.parametrize(("value", "what"), BAD_VALUES)
def test_non_real_values_are_refused_naming_the_parameter(value, what):
    with pytest.raises(ParameterError, match=rf"^share\b.*{what}"):
        monte_carlo({**BASE, "share": value}, 10)
    with pytest.raises(ParameterError, match=rf"^share\b.*{what}"):
        triples({**BASE, "share": value})


@pytest.mark.parametrize("value", [
    fractions.Fraction(1, 2), decimal.Decimal("0.5"), np.float32(0.5), np.float16(0.5),
    np.int64(0), 0, np.array(0.5), [0.5, 0.4, 0.6], (0.4, 0.6), np.array([0.4, 0.6]),
    (fractions.Fraction(1, 2), np.float32(0.25), 1),
])
def test_real_values_of_every_kind_are_accepted(value):
    t = triples({**BASE, "share": value})["share"]
    assert all(type(v) is float for v in t)
    as_floats = triples({**BASE, "share": np.asarray(value, dtype=float).tolist()})["share"]
    assert t == as_floats


@settings(max_examples=40, deadline=None)
@given(st.one_of(
    st.booleans(), st.complex_numbers(allow_nan=False), st.text(max_size=5),
    st.binary(max_size=5), st.datetimes(), st.none(),
    st.lists(st.one_of(st.text(max_size=2), st.booleans()), min_size=1, max_size=3),
))
def test_generated_non_real_values_are_refused(value):
    with pytest.raises(ParameterError, match=r"^outside_r\b"):
        monte_carlo({**BASE, "outside_r": value}, 10)


# ---------------------------------------------------------------------------
# Bounded resources and overflow
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("n", [10**12, 10**9, 2**63, 10**30])
def test_too_many_draws_are_refused_before_allocating(n):
    with pytest.raises(KzgameError, match=r"draws of 2 parameter\(s\) would need about .* of "
                                          r"memory, more than the .* limit"):
        monte_carlo(TWO, n)
    with pytest.raises(KzgameError, match="would need about"):
        draw({"share": (0.1, 0.2, 0.3)}, n * 16, np.random.default_rng(0))


def test_draws_of_points_only_need_no_memory_per_parameter():
    # Nothing varies: even many draws only hold the codes.
    with pytest.raises(KzgameError, match=r"10,000,000,000 draws of 0 parameter"):
        monte_carlo(BASE, 10**10)


@pytest.mark.parametrize("name, rng_", [
    ("outside_r", (-1e308, 1e308)),
    ("outside_e", (0.0, -1.7e308, 1.7e308)),
    ("outside_r", (-np.finfo(float).max, np.finfo(float).max)),
])
def test_a_legal_range_too_wide_to_draw_from_is_refused(name, rng_):
    with pytest.raises(ParameterError, match=rf"^{name}: the range .* is too wide to draw from"):
        monte_carlo({**BASE, name: rng_}, 10)


def test_the_widest_drawable_range_still_draws():
    r = monte_carlo({**BASE, "outside_e": (-8e307, 8e307)}, 100, seed=0, sensitivity=False,
                    keep=True)
    assert np.isfinite(r.samples["outside_e"]).all()


# ---------------------------------------------------------------------------
# SALib's Sobol indices, as an option
# ---------------------------------------------------------------------------


def test_sobol_indices_agree_with_the_given_data_ones():
    pytest.importorskip("SALib", reason="SALib is an optional extra (kzgame[sensitivity])")
    fast = monte_carlo(TWO, 100_000, seed=5)
    sobol = monte_carlo(TWO, 100_000, seed=5, method="sobol")
    assert sobol.method == "sobol" and fast.method == "given-data"
    for name in ("invest_cost", "outside_r"):
        s = sobol.sensitivity_of(name)
        assert 0 < s.first_order_ci < 0.05 and 0 < s.total_order_ci < 0.05
        assert s.first_order == pytest.approx(fast.sensitivity_of(name).first_order,
                                              abs=s.first_order_ci + 0.01)
        assert s.total_order >= s.first_order - s.first_order_ci - s.total_order_ci
    # The two matter together as well as alone: total > first order.
    assert sobol.sensitivity_of("outside_r").total_order > 0.7
    assert sobol.sensitivity_of("share").total_order == 0.0
    assert fast.sensitivity_of("share").total_order is None
    # Same seed, same indices.
    again = monte_carlo(TWO, 100_000, seed=5, method="sobol")
    assert again.sensitivity == sobol.sensitivity


def test_sobol_needs_enough_draws():
    pytest.importorskip("SALib", reason="SALib is an optional extra (kzgame[sensitivity])")
    with pytest.raises(ParameterError, match=r"method='sobol' with 2 uncertain parameter\(s\) "
                                             r"needs n >= 256 draws"):
        monte_carlo(TWO, 255, method="sobol")


def test_sobol_without_salib_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "SALib", None)
    monkeypatch.setitem(sys.modules, "SALib.analyze", None)
    monkeypatch.setitem(sys.modules, "SALib.sample", None)
    with pytest.raises(KzgameError, match=r"needs SALib.*pip install 'kzgame\[sensitivity\]'"):
        monte_carlo(TWO, 1000, method="sobol")
    # The given-data estimate needs nothing more.
    assert monte_carlo(TWO, 1000).sensitivity_of("invest_cost").first_order > 0


def test_shares_do_not_depend_on_the_method():
    pytest.importorskip("SALib", reason="SALib is an optional extra (kzgame[sensitivity])")
    a = monte_carlo(TWO, 5_000, seed=3)
    b = monte_carlo(TWO, 5_000, seed=3, method="sobol")
    assert a.counts == b.counts and a.point is b.point is Strategy.INVEST
