"""Maximum likelihood on simulated data: recovery, coverage, diagnostics, tests, bad input.

The coverage tests simulate with fixed seeds (deterministic) and bound the
number of 95 % intervals that miss the truth by a binomial tail: with 60
intervals the expected count is 3 and P(X >= 12) < 1e-4, so a count of 12
or more means the standard errors are wrong, not bad luck.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from kzgame.errors import ParameterError
from kzgame.estimation import (
    PERIOD_OUTCOMES,
    EstimationError,
    IdentificationWarning,
    clarke,
    fit,
    likelihood_ratio,
    simulate,
    vuong,
)
from kzgame.game import Game, decision, outcome
from kzgame.games import deterrence, period

DETERRENCE_TRUTH = {"v": 1.0, "p": 0.4, "k_C": 0.2, "k_D": 0.5, "lambda": 3.0}
# three outcomes and no covariates: at most two free parameters are identified
DETERRENCE_SPEC = {"v": 1.0, "p": 0.4, "k_C": "free", "k_D": "free", "lambda": 3.0}


def test_parameter_recovery_coverage_deterrence():
    g = deterrence(False)
    truth = np.array([0.2, 0.5])
    misses = 0
    estimates = []
    for seed in range(30):
        data = simulate(g, DETERRENCE_TRUTH, n=2000, seed=seed)
        f = fit(g, DETERRENCE_SPEC, data, backend="numpy")
        assert f.converged and not f.warnings
        estimates.append(f.estimates)
        for iv, t in zip(f.wald(), truth, strict=True):
            misses += not (iv.low <= t <= iv.high)
    assert misses <= 11  # of 60: binomial(60, 0.05) exceeds 11 with probability < 1e-4
    # and the estimates centre on the truth: mean error within 4 standard errors of the mean
    est = np.array(estimates)
    assert np.all(np.abs(est.mean(axis=0) - truth) < 4 * est.std(axis=0) / np.sqrt(30))


def test_parameter_recovery_period_game_with_covariate():
    """The period game: power linked to a covariate, indispensability free, partly observed
    hold-ups; coverage over 15 seeds x 3 coefficients."""
    g = period("nash")
    base = {"surplus": 1.0, "share": 0.5, "outside_r": 0.3, "outside_e": 0.2,
            "survival": 0.8, "invest_cost": 0.15, "holdup_cost": 0.05}
    truth = {"power[1]": -0.5, "power[x]": 1.0, "indispensability": 0.6}
    misses = 0
    for seed in range(15):
        rng = np.random.default_rng(1000 + seed)
        x = rng.normal(size=2000)
        power = 1 / (1 + np.exp(-(truth["power[1]"] + truth["power[x]"] * x)))
        data = simulate(g, {**base, "power": power, "indispensability": truth["indispensability"],
                            "lambda": 8.0}, seed=rng)
        data["x"] = x
        hide = rng.random(2000) < 0.3  # 30 % of hold-ups seen without E's answer
        held = np.isin(data["outcome"], ["hold-up/concede", "hold-up/refuse"])
        data["outcome"] = np.where(hide & held, "hold-up", data["outcome"])
        spec = {**base, "power": "logistic(1 + x)", "indispensability": "free",
                "lambda": 8.0}
        f = fit(g, spec, data, outcomes=PERIOD_OUTCOMES, backend="numpy")
        assert f.converged and sorted(f.coefficients) == sorted(truth)
        for iv in f.wald():
            misses += not (iv.low <= truth[iv.name] <= iv.high)
    assert misses <= 9  # of 45: binomial(45, 0.05) exceeds 9 with probability < 1e-3


def test_ratio_only_triggers_identification_warning():
    g = Game(decision("A", {"x": outcome(A="a/b"), "y": outcome(A=0)}),
             parameters={"a": "positive", "b": "positive"})
    data = simulate(g, {"a": 1.0, "b": 2.0, "lambda": 1.0}, n=500, seed=0)
    with pytest.warns(IdentificationWarning) as record:
        f = fit(g, {"a": "exp(1)", "b": "exp(1)"}, data, backend="numpy")
    messages = [str(w.message) for w in record]
    assert any("'a' and 'b'" in m and "a / b" in m for m in messages)
    assert any("flat" in w and "'a'" in w and "'b'" in w for w in f.warnings)


def test_flat_direction_named():
    """Two parameters entering only through their sum: not a ratio, found by the Hessian."""
    g = Game(decision("A", {"x": outcome(A="a + b"), "y": outcome(A=0)}),
             parameters={"a": "real", "b": "real"})
    data = simulate(g, {"a": 0.2, "b": 0.3, "lambda": 1.0}, n=500, seed=0)
    with pytest.warns(IdentificationWarning) as record:
        fit(g, {"a": "free", "b": "free"}, data, backend="numpy")
    assert any("flat" in str(w.message) and "'a', 'b'" in str(w.message) for w in record)


def test_identified_spec_gives_no_warning():
    g = deterrence(False)
    data = simulate(g, DETERRENCE_TRUTH, n=500, seed=4)
    with warnings.catch_warnings():
        warnings.simplefilter("error", IdentificationWarning)
        fit(g, DETERRENCE_SPEC, data, backend="numpy")


def test_more_parameters_than_outcome_cells_warns():
    """Three outcomes, no covariates: two probabilities; three free parameters cannot all be
    identified (the order condition), and the Hessian is flat too."""
    g = deterrence(False)
    data = simulate(g, DETERRENCE_TRUTH, n=500, seed=2)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        fit(g, {**DETERRENCE_SPEC, "lambda": "free"}, data, backend="numpy")
    messages = [str(w.message) for w in record if w.category is IdentificationWarning]
    assert any("3 coefficients" in m and "at most 2" in m for m in messages)


def test_perfect_prediction_warns():
    g = deterrence(False)
    x = np.linspace(-1, 1, 40)
    data = {"outcome": np.where(x > 0, "challenge/concede", "challenge/fight"), "x": x}
    with pytest.warns(IdentificationWarning, match="perfect prediction.*'k_D\\[x\\]'"):
        fit(g, {"v": 1.0, "p": 0.4, "k_C": 0.2, "k_D": "exp(1 + x)", "lambda": 3.0}, data,
            backend="numpy")


def test_bad_input():
    g = deterrence(False)
    one = {"outcome": np.array(["status quo"] * 30)}
    with pytest.raises(EstimationError, match="all 30 rows have the outcome 'status quo'"):
        fit(g, DETERRENCE_SPEC, one, backend="numpy")
    data = simulate(g, DETERRENCE_TRUTH, n=300, seed=1)
    with pytest.raises(EstimationError, match="did not converge.*start="):
        fit(g, DETERRENCE_SPEC, data, maxiter=1, backend="numpy")
    with pytest.raises(ParameterError, match="unknown coefficient 'k_X'"):
        fit(g, DETERRENCE_SPEC, data, start={"k_X": 1.0}, backend="numpy")
    with pytest.raises(EstimationError, match="no column 'gap'"):
        fit(g, {**DETERRENCE_SPEC, "p": "logistic(1 + gap)"}, data, backend="numpy")
    with pytest.raises(ParameterError, match="unknown parameter.*'resolve'"):
        fit(g, {**DETERRENCE_SPEC, "resolve": 1.0}, data, backend="numpy")


def test_intervals_tests_and_predictions():
    g = deterrence(False)
    data = simulate(g, DETERRENCE_TRUTH, n=1500, seed=11)
    full = fit(g, DETERRENCE_SPEC, data, backend="numpy")
    # profile and Wald intervals agree closely at this n; the bootstrap's covers the estimate
    for j, name in enumerate(full.coefficients):
        prof = full.profile(name)
        wald = full.wald()[j]
        assert prof.low < full.estimates[j] < prof.high
        assert prof.low == pytest.approx(wald.low, abs=0.25 * full.se[j])
        assert prof.high == pytest.approx(wald.high, abs=0.25 * full.se[j])
    boot = full.bootstrap(draws=20, seed=1)
    for iv, b, s in zip(boot, full.estimates, full.se, strict=True):
        assert iv.low < b < iv.high and iv.high - iv.low < 8 * s
    # nested: fixing k_C at its true value is not rejected; at a wrong value it is
    true_kc = fit(g, {**DETERRENCE_SPEC, "k_C": 0.2}, data, backend="numpy")
    wrong_kc = fit(g, {**DETERRENCE_SPEC, "k_C": 0.8}, data, backend="numpy")
    assert likelihood_ratio(true_kc, full).df == 1
    assert likelihood_ratio(wrong_kc, full).preferred == "full"
    # p is not identified while k_C and k_D are free (the data fix p - k_C and 1 - p - k_D):
    # p = 0.9 fits exactly as well, and both tests say so instead of reading rounding noise
    same = fit(g, {**DETERRENCE_SPEC, "p": 0.9}, data, backend="numpy")
    assert same.loglik == pytest.approx(full.loglik, rel=1e-9)
    for test in (vuong(full, same), vuong(same, full), clarke(full, same)):
        assert (test.statistic, test.p_value, test.preferred) == (0.0, 1.0, "neither"), test
    # non-nested and worse: p = 0.9 with k_D fixed at its true 0.5 (D's gain from
    # conceding 1 - p - k_D = -0.4, truly 0.1)
    other = fit(g, {**DETERRENCE_SPEC, "p": 0.9, "k_D": 0.5}, data, backend="numpy")
    assert other.loglik < full.loglik - 10
    assert vuong(full, other).preferred == "model 1", vuong(full, other)
    assert vuong(other, full).preferred == "model 2"
    c = clarke(full, other)
    assert c.statistic == int((full.rows() - other.rows() > 1e-6).sum())  # rows model 1 wins
    assert c.preferred == "model 1", c
    with pytest.raises(ParameterError, match="fewer coefficients"):
        likelihood_ratio(full, true_kc)
    # predictions: probabilities over the leaves sum to 1; ordered intervals in [0, 1]
    # (percentile intervals need not contain the point: a probability can peak at it)
    pred = full.predict()
    total = sum(v[:, 0] for v in pred.values())
    np.testing.assert_allclose(total, 1.0)
    for v in pred.values():
        assert np.all(0 <= v[:, 1]) and np.all(v[:, 1] <= v[:, 2]) and np.all(v[:, 2] <= 1)


def test_vuong_prefers_the_true_bargaining_protocol():
    """Plays drawn under the ultimatum protocol: Vuong's test prefers it to Nash bargaining
    (with E indifferent after a hold-up under ultimatum, refusals are common, which Nash
    bargaining at power 0.3 makes rare).  Clarke's sign test may disagree: it compares the
    median row, and Nash fits most non-refusal rows slightly better."""
    base = {"surplus": 1.0, "share": 0.5, "outside_r": 0.3, "outside_e": 0.2, "survival": 0.8,
            "invest_cost": 0.15, "holdup_cost": 0.05, "power": 0.3}
    data = simulate(period("ultimatum"), {**base, "indispensability": 0.6, "lambda": 8.0},
                    n=3000, seed=5)
    spec = {**base, "indispensability": 0.6, "lambda": "exp(1)"}
    true = fit(period("ultimatum"), spec, data, backend="numpy")
    other = fit(period("nash"), spec, data, backend="numpy")
    test = vuong(true, other)
    assert test.preferred == "model 1" and test.statistic > 3
    assert vuong(other, true).preferred == "model 2"
    assert clarke(true, other).preferred in ("model 1", "model 2", "neither")
