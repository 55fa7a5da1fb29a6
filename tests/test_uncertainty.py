"""Monte Carlo over calibrated ranges: reproducibility, shares, points, sensitivity."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kzgame
from kzgame.analysis.uncertainty import (
    DISTRIBUTIONS,
    case_monte_carlo,
    draw,
    monte_carlo,
    triples,
)
from kzgame.io.cases import load_case
from kzgame.io.members_file import is_members_file
from kzgame.params import KzgameError, ParameterError
from kzgame.strategy import Strategy

ROOT = Path(__file__).resolve().parent.parent
TOY = ROOT / "tests" / "data" / "toy_case.toml"
MODEL_FILES = sorted(p for p in (ROOT / "models").glob("*.toml")
                     if not is_members_file(p))  # members files: tests/test_members_file.py

# A period in which only the cost of investing decides: G_I = (1 - q) Delta_R - c
# = 0.1 - c, and a hold-up never pays (G_H = 0.8 (0.225 - 0.25) < 0).
BASE = {"share": 0.5, "outside_r": 0.0, "outside_e": 0.0, "indispensability": 0.9,
        "survival": 0.8, "invest_cost": 0.05}


def all_periods():
    out = []
    for path in [TOY, *MODEL_FILES]:
        case = load_case(path, seeds=False)
        out += [pytest.param(p, id=f"{path.stem}:{p.label}") for p in case.periods]
    return out


@pytest.fixture(scope="module")
def toy():
    return load_case(TOY, seeds=False)


def test_same_seed_same_result(toy):
    p = toy.period("late")
    a = monte_carlo(p, 20_000, seed=7, keep=True)
    b = monte_carlo(p, 20_000, seed=7, keep=True)
    assert a.counts == b.counts
    assert a.sensitivity == b.sensitivity
    for k in a.samples:
        np.testing.assert_array_equal(a.samples[k], b.samples[k])
    c = monte_carlo(p, 20_000, seed=8, keep=True)
    assert not np.array_equal(a.samples["share"], c.samples["share"])
    assert a.seed == 7


def test_case_monte_carlo_is_reproducible_and_per_period(toy):
    a = case_monte_carlo(toy, 5_000, seed=3, keep=True, sensitivity=False)
    b = case_monte_carlo(toy, 5_000, seed=3, keep=True, sensitivity=False)
    assert list(a) == list(toy.labels)
    for label in a:
        assert a[label].counts == b[label].counts
        np.testing.assert_array_equal(a[label].codes, b[label].codes)
        assert a[label].seed == 3
    # Each period has its own stream: the two periods' share draws differ.
    assert not np.array_equal(a["early"].samples["share"], a["late"].samples["share"])


@pytest.mark.parametrize("distribution", DISTRIBUTIONS)
@pytest.mark.parametrize("period", all_periods())
def test_shares_sum_to_one_and_point_is_solve(period, distribution):
    r = monte_carlo(period, 4_000, seed=1, distribution=distribution, sensitivity=False)
    assert set(r.counts) == set(Strategy)
    assert sum(r.counts.values()) == r.n == 4_000
    assert sum(r.shares.values()) == pytest.approx(1.0, abs=1e-12)
    assert r.point == period.solve().strategy
    assert r.robustness == r.shares[r.point]


@pytest.mark.parametrize("period", all_periods())
def test_ranges_shrunk_to_a_point_give_the_point_strategy(period):
    point = {k: s.value for k, s in period.specs.items()}
    r = monte_carlo(point, 1_000, seed=0)
    assert r.shares[period.solve().strategy] == 1.0
    assert r.robustness == 1.0
    assert all(s.first_order == 0.0 and s.swing == 0.0 for s in r.sensitivity)
    assert r.most_influential is None


@pytest.mark.parametrize("period", all_periods())
def test_ranges_shrinking_towards_the_point(period):
    """Ranges of relative width 1e-9 around the values: every draw gives the point strategy
    (no calibrated period sits on a knife edge)."""
    t = {}
    for k, s in period.specs.items():
        eps = 1e-9 * max(1.0, abs(s.value))
        low, high = max(s.low, s.value - eps), min(s.high, s.value + eps)
        t[k] = (s.value, low, high)
    r = monte_carlo(t, 2_000, seed=0)
    assert r.shares[period.solve().strategy] == 1.0


@given(st.integers(min_value=0, max_value=2**32 - 1), st.sampled_from(DISTRIBUTIONS))
def test_draws_stay_in_their_ranges(seed, distribution):
    ranges = {"power": (0.0001, 0.3, 0.9999), "share": (0.2, 0.2, 0.7),
              "outside_r": (-1.0, 0.9, 1.0), "surplus": (2.0, 2.0, 2.0)}
    d = draw(ranges, 500, np.random.default_rng(seed), distribution)
    assert d["surplus"] == 2.0
    for k in ("power", "share", "outside_r"):
        low, _, high = ranges[k]
        assert d[k].shape == (500,)
        assert ((d[k] >= low) & (d[k] <= high)).all()


def test_distribution_means():
    rng = np.random.default_rng(0)
    low, mode, high = 0.0, 0.8, 1.0
    n = 200_000
    expected = {"uniform": 0.5, "triangular": (low + mode + high) / 3,
                "pert": (low + 4 * mode + high) / 6}
    for name, mean in expected.items():
        x = draw({"share": (low, mode, high)}, n, rng, name)["share"]
        # Standard error <= 0.3 / sqrt(n) < 0.001.
        assert x.mean() == pytest.approx(mean, abs=0.004), name
    # PERT is more concentrated around the mode than the triangular distribution.
    tri = draw({"share": (low, mode, high)}, n, rng, "triangular")["share"]
    pert = draw({"share": (low, mode, high)}, n, rng, "pert")["share"]
    assert pert.std() < tri.std()


def test_one_parameter_decides():
    # invest iff c < 0.1 (a tie at c = 0.1 goes to accept); c uniform on [0, 0.3].
    r = monte_carlo({**BASE, "invest_cost": (0.05, 0.0, 0.3)}, 60_000, seed=2)
    assert r.point is Strategy.INVEST
    assert r.shares[Strategy.INVEST] == pytest.approx(1 / 3, abs=0.01)
    assert r.shares[Strategy.INVEST] + r.shares[Strategy.ACCEPT] == 1.0
    s = r.sensitivity_of("invest_cost")
    assert r.most_influential == "invest_cost"
    # The strategy is a function of c alone: its first-order index is 1 (minus the
    # one bin that straddles c = 0.1).
    assert s.first_order > 0.95
    assert s.swing == pytest.approx(2 / 3, abs=2 / 400)
    assert (s.at_low, s.at_high) == (Strategy.INVEST, Strategy.ACCEPT)
    assert all(e.first_order == 0 for e in r.sensitivity if e.parameter != "invest_cost")


def test_irrelevant_parameter_has_no_influence():
    # iota varies but a hold-up never pays for iota < 1:
    # G_H = q (beta iota Delta_E - (1 - beta) Delta_R) = 0.8 (0.25 iota - 0.25) < 0.
    params = {**BASE, "invest_cost": (0.05, 0.0, 0.3), "indispensability": (0.5, 0.0, 0.99)}
    r = monte_carlo(params, 60_000, seed=4)
    assert r.counts[Strategy.HOLD_UP] == 0
    assert r.sensitivity_of("indispensability").first_order < 0.01
    assert r.sensitivity_of("indispensability").swing == 0.0
    assert r.sensitivity_of("invest_cost").first_order > 0.95


def _brute_first_order(params, name, other, n_outer=400, n_inner=4000):
    """Var(E[1{strategy = k} | X_name]) / Var(1{strategy = k}), summed over k, by a
    double loop over midpoint grids (quadrature of the uniform distributions): an
    independent check of the binned estimator, with no sampling noise."""
    _, lo, hi = params[name]  # (mode, low, high)
    _, olo, ohi = params[other]
    xs = lo + (np.arange(n_outer) + 0.5) / n_outer * (hi - lo)
    inner = olo + (np.arange(n_inner) + 0.5) / n_inner * (ohi - olo)
    fixed = {k: v for k, v in params.items() if k not in (name, other)}
    codes = kzgame.classify(**fixed, **{name: xs[:, None], other: inner[None, :]})
    onehot = np.stack([codes == k for k in range(4)]).astype(float)
    cond_means = onehot.mean(axis=2)  # (4, n_outer)
    p = onehot.mean(axis=(1, 2))
    total = float(np.sum(p * (1 - p)))
    return float(np.sum(cond_means.var(axis=1))) / total


def test_first_order_index_matches_a_double_loop():
    # Two parameters that both matter: c (invest vs accept) and o_R (through Delta_R).
    params = {**BASE, "invest_cost": (0.05, 0.0, 0.2), "outside_r": (0.0, -0.3, 0.4)}
    r = monte_carlo(params, 100_000, seed=5)
    for name, other in (("invest_cost", "outside_r"), ("outside_r", "invest_cost")):
        brute = _brute_first_order(params, name, other)
        assert r.sensitivity_of(name).first_order == pytest.approx(brute, abs=0.015), name
    # And they differ from each other: the test can tell them apart.
    assert abs(r.sensitivity_of("invest_cost").first_order
               - r.sensitivity_of("outside_r").first_order) > 0.05


def test_triples_forms():
    t = triples({"share": (0.5, 0.4, 0.6), "outside_r": 0.1, "outside_e": (-0.2, 0.2),
                 "indispensability": 1, "survival": 0.5, "invest_cost": 0})
    assert t["share"] == (0.4, 0.5, 0.6)
    assert t["outside_e"] == (-0.2, 0.0, 0.2)
    assert t["outside_r"] == (0.1, 0.1, 0.1)
    assert t["power"] == (0.5, 0.5, 0.5)  # default of Period
    p = kzgame.Period(**BASE)
    assert triples(p)["survival"] == (0.8, 0.8, 0.8)


@pytest.mark.parametrize(("params", "error", "match"), [
    ({**BASE, "share": (0.7, 0.4, 0.6)}, ParameterError, "share: point value 0.7 is not within"),
    ({**BASE, "share": (0.5, 0.4, 1.2)}, ParameterError, "share = 1.2 is outside"),
    ({**BASE, "charm": 1.0}, ParameterError, "unknown parameter"),
    ({k: v for k, v in BASE.items() if k != "survival"}, ParameterError, "missing parameter"),
    ({**BASE, "share": (0.1, 0.2, 0.3, 0.4)}, ParameterError, "give a number"),
])
def test_bad_ranges(params, error, match):
    with pytest.raises(error, match=match):
        monte_carlo(params, 10)


def test_bad_settings(toy):
    with pytest.raises(KzgameError, match="unknown distribution 'normal'"):
        monte_carlo(BASE, 10, distribution="normal")
    with pytest.raises(KzgameError, match="unknown protocol"):
        monte_carlo(BASE, 10, protocol="haggle")
    for n in (0, -5, 2.5, True):
        with pytest.raises(KzgameError, match="draws"):
            monte_carlo(BASE, n)
    with pytest.raises(KzgameError, match="seed"):
        monte_carlo(BASE, 10, seed="abc")
    # A negative seed is refused by kzgame, not by numpy's ValueError.
    with pytest.raises(KzgameError, match="seed = -1: give a non-negative integer"):
        monte_carlo(BASE, 10, seed=-1)
    with pytest.raises(KzgameError, match="seed = -1: give a non-negative integer"):
        case_monte_carlo(toy, 10, seed=-1)
    with pytest.raises(KzgameError, match="rubinstein"):
        monte_carlo(toy.periods[0], 10, protocol="rubinstein")
    with pytest.raises(TypeError):
        monte_carlo([1, 2, 3], 10)


def test_generator_seed_and_protocols(toy):
    rng = np.random.default_rng(11)
    r = monte_carlo(toy.period("late"), 2_000, seed=rng, protocol="ultimatum")
    assert r.seed is None and r.protocol == "ultimatum"
    # Under the ultimatum protocol R takes all the gains of a conceded hold-up, so the
    # hold-up share is at least the nash one on the same draws.
    a = monte_carlo(toy.period("late"), 20_000, seed=1, protocol="nash")
    b = monte_carlo(toy.period("late"), 20_000, seed=1, protocol="ultimatum")
    assert b.shares[Strategy.HOLD_UP] >= a.shares[Strategy.HOLD_UP]


def test_kept_codes_agree_with_classify(toy):
    r = monte_carlo(toy.period("early"), 3_000, seed=9, keep=True)
    again = kzgame.classify(**r.samples)
    np.testing.assert_array_equal(np.broadcast_to(again, (3_000,)), r.codes)
