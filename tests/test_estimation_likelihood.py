"""The log-likelihood and its generated gradient.

* the analytic gradient (numba kernel and NumPy path) equals central finite
  differences of the log-likelihood at random points, for the period game
  under every protocol (outside-option has a Max), the deterrence game and
  the crisis game (chance nodes with a free probability), with covariates,
  every link, lambda free and partly observed outcomes;
* the log-likelihood equals the sum of the logs of the QRE probabilities of
  each row's observed leaves computed by :func:`kzgame.estimation.qre`
  (an independent path: no gradient code, no kernel);
* the two backends agree, also where the probabilities underflow;
* bad input raises errors that name the problem.
"""

from __future__ import annotations

import numpy as np
import pytest

from kzgame.errors import ParameterError
from kzgame.estimation import PERIOD_OUTCOMES, EstimationError, Likelihood, qre
from kzgame.games import crisis_bargaining, deterrence, period

LABELS = np.array(["accept", "invest", "hold-up conceded", "hold-up refused", "exit", "hold-up"])

PERIOD_SPEC = {
    "share": "logistic(1 + x)", "outside_r": "free", "outside_e": "identity(1 + z)",
    "indispensability": "logistic(1)", "survival": 0.9, "invest_cost": "exp(1 + z)",
    "power": "logistic(1 + x)", "holdup_cost": "data(h)", "discount_r": 0.8,
    "discount_e": 0.85, "lambda": "exp(1)",
}


def period_data(rng, n):
    return {"outcome": LABELS[rng.integers(0, 6, n)], "x": rng.normal(size=n),
            "z": rng.normal(size=n), "h": rng.uniform(0, 0.2, n)}


CASES = {
    **{f"period-{p}": (lambda p=p: period(p), PERIOD_SPEC, period_data, PERIOD_OUTCOMES)
       for p in ("nash", "rubinstein", "ultimatum", "outside-option")},
    "deterrence": (
        lambda: deterrence(True),
        {"v": 1.0, "p": "logistic(1 + x)", "k_C": "exp(1)", "k_D": "exp(1 + z)",
         "a": "free", "lambda": "free"},
        lambda rng, n: {
            "outcome": np.array(["status quo", "challenge/concede", "challenge/resist/fight",
                                 "challenge/resist/back down", "challenge/*",
                                 "challenge/resist/*"])[rng.integers(0, 6, n)],
            "x": rng.normal(size=n), "z": rng.normal(size=n)},
        None,
    ),
    "crisis": (
        crisis_bargaining,
        {"x": "logistic(1 + z)", "p": "logistic(1 + z)", "c_A": "exp(1)", "c_B": "free",
         "lambda": 4.0},
        lambda rng, n: {
            "outcome": np.array(["demand/accept", "demand/fight/A wins", "demand/fight/B wins",
                                 "war/A wins", "war/B wins", "war/*", "demand/fight/*"]
                                )[rng.integers(0, 7, n)],
            "z": rng.normal(size=n)},
        None,
    ),
}


def random_point(lik, rng):
    b = rng.normal(scale=0.5, size=len(lik.coefficients))
    for k, sl in lik.slices.items():
        if k in ("c_B", "a"):  # identity link on a nonnegative cost: keep it positive
            b[sl] = np.abs(b[sl]) + 0.05
    return b


@pytest.mark.parametrize("name", list(CASES))
def test_gradient_equals_finite_differences(name):
    make, spec, draw, outcomes = CASES[name]
    game = make()
    rng = np.random.default_rng(sum(map(ord, name)))
    data = draw(rng, 60)
    # the compiled kernel where it adds a case (a Max, chance nodes); numba compiles are slow
    compiled = name in ("period-nash", "period-outside-option", "deterrence", "crisis")
    fast = Likelihood(game, spec, data, outcomes=outcomes,
                      backend="numba" if compiled else "numpy")
    slow = Likelihood(game, spec, data, outcomes=outcomes, backend="numpy")
    assert fast.backend == ("numba" if compiled else "numpy") and slow.backend == "numpy"
    for _ in range(4):
        b = random_point(fast, rng)
        ll, g = fast.value_and_gradient(b)
        ll2, g2 = slow.value_and_gradient(b)
        assert ll == pytest.approx(ll2, rel=1e-12)
        np.testing.assert_allclose(g, g2, rtol=1e-9, atol=1e-9)
        h = 1e-6
        fd = np.array([(slow(b + h * e) - slow(b - h * e)) / (2 * h) for e in np.eye(b.size)])
        np.testing.assert_allclose(g, fd, rtol=1e-5, atol=1e-5 * max(1.0, np.abs(fd).max()))


@pytest.mark.parametrize("name", ["period-nash", "deterrence", "crisis"])
def test_loglik_equals_qre_probabilities(name):
    make, spec, draw, outcomes = CASES[name]
    game = make()
    rng = np.random.default_rng(5)
    data = draw(rng, 40)
    lik = Likelihood(game, spec, data, outcomes=outcomes)
    b = random_point(lik, rng)
    theta, _ = lik.parameters(b)
    params = {}
    for k, t in lik.spec.terms.items():
        params[k] = theta[k] if k in theta else t.value
    lam = params.pop("lambda")
    r = qre(game, lam, **params)
    expected = np.zeros(lik.n)
    for name_, leaves in lik.vocabulary.items():
        rows = lik.observed == name_
        expected[rows] = np.log(sum(np.broadcast_to(r.leaves[game.nodes[i].name], (lik.n,))
                                    for i in leaves)[rows])
    np.testing.assert_allclose(lik.rows(b), expected, rtol=1e-10)


def test_underflow_handled_in_logs():
    """With a huge lambda the observed leaves' probabilities underflow; both backends go
    to logs and agree with each other and with finite differences."""
    g = deterrence(False)
    data = {"outcome": np.array(["status quo", "challenge/fight", "challenge/concede"] * 5)}
    spec = {"v": 1.0, "p": 0.3, "k_C": "free", "k_D": "free", "lambda": 3000.0}
    fast = Likelihood(g, spec, data, backend="numba")
    slow = Likelihood(g, spec, data, backend="numpy")
    b = np.array([0.4, 0.8])
    ll, gr = fast.value_and_gradient(b)
    ll2, gr2 = slow.value_and_gradient(b)
    assert np.isfinite(ll) and ll < -500
    assert ll == pytest.approx(ll2, rel=1e-10)
    np.testing.assert_allclose(gr, gr2, rtol=1e-8)
    fd = [(slow(b + e) - slow(b - e)) / 2e-7 for e in np.eye(2) * 1e-7]
    np.testing.assert_allclose(gr, fd, rtol=1e-4, atol=1e-6)


def test_bad_input_names_the_problem():
    g = period("nash")
    rng = np.random.default_rng(0)
    data = period_data(rng, 10)
    with pytest.raises(EstimationError, match="'coup'.*not outcomes of this game"):
        Likelihood(g, PERIOD_SPEC, {**data, "outcome": np.array(["coup"] * 10)},
                   outcomes=PERIOD_OUTCOMES)
    with pytest.raises(EstimationError, match="no column 'x'"):
        Likelihood(g, PERIOD_SPEC, {k: v for k, v in data.items() if k != "x"},
                   outcomes=PERIOD_OUTCOMES)
    bad = dict(data)
    bad["z"] = data["z"].copy()
    bad["z"][3] = np.nan
    with pytest.raises(EstimationError, match="'z' is missing or not finite in 1 row"):
        Likelihood(g, PERIOD_SPEC, bad, outcomes=PERIOD_OUTCOMES)
    with pytest.raises(ParameterError, match="unknown parameter.*'leverage'"):
        Likelihood(g, {**PERIOD_SPEC, "leverage": "free"}, data, outcomes=PERIOD_OUTCOMES)
    with pytest.raises(ParameterError, match="unknown link 'probit'"):
        Likelihood(g, {**PERIOD_SPEC, "share": "probit(1)"}, data, outcomes=PERIOD_OUTCOMES)
    with pytest.raises(ParameterError, match="term '2\\*x'"):
        Likelihood(g, {**PERIOD_SPEC, "share": "logistic(1 + 2*x)"}, data,
                   outcomes=PERIOD_OUTCOMES)
    with pytest.raises(ParameterError, match="share"):
        Likelihood(g, {**PERIOD_SPEC, "share": 1.5}, data, outcomes=PERIOD_OUTCOMES)
    with pytest.raises(ParameterError, match="nothing to estimate"):
        Likelihood(g, {k: 0.5 for k in ("share", "outside_r", "outside_e", "indispensability",
                                        "survival", "invest_cost")}, data,
                   outcomes=PERIOD_OUTCOMES)
    with pytest.raises(ParameterError, match="holdup_cost"):
        Likelihood(g, PERIOD_SPEC, {**data, "h": -data["h"]}, outcomes=PERIOD_OUTCOMES)
    with pytest.raises(ParameterError, match="expected 11 coefficients"):
        Likelihood(g, PERIOD_SPEC, data, outcomes=PERIOD_OUTCOMES)([0.0])


def test_lambda_from_a_data_column():
    """Each row's precision read from the data: both backends agree with finite differences
    and with a row-by-row computation by qre()."""
    g = deterrence(False)
    rng = np.random.default_rng(0)
    lam = rng.uniform(1, 5, 60)
    data = {"outcome": np.array(["status quo", "challenge/concede", "challenge/fight",
                                 "challenge/*"])[rng.integers(0, 4, 60)], "lam": lam}
    spec = {"v": 1.0, "p": 0.4, "k_C": "free", "k_D": "free", "lambda": "data(lam)"}
    fast = Likelihood(g, spec, data, backend="numba")
    slow = Likelihood(g, spec, data, backend="numpy")
    b = np.array([0.2, 0.5])
    ll, gr = fast.value_and_gradient(b)
    ll2, gr2 = slow.value_and_gradient(b)
    assert ll == pytest.approx(ll2, rel=1e-12)
    np.testing.assert_allclose(gr, gr2, rtol=1e-10)
    fd = [(slow(b + e) - slow(b - e)) / 2e-6 for e in np.eye(2) * 1e-6]
    np.testing.assert_allclose(gr, fd, rtol=1e-5)
    r = qre(g, lam, v=1.0, p=0.4, k_C=0.2, k_D=0.5)
    direct = 0.0
    for i, obs in enumerate(data["outcome"]):
        leaves = slow.vocabulary[obs]
        direct += np.log(sum(r.leaves[g.nodes[j].name][i] for j in leaves))
    assert ll == pytest.approx(direct, rel=1e-12)


@pytest.mark.parametrize("name", ["period-nash", "deterrence", "crisis"])
def test_probit_gradient_and_probabilities(name):
    """The probit model (NumPy path): gradient equals finite differences (a four-action node
    by quadrature in the period game, two-action nodes in closed form), and the leaf
    probabilities equal qre(model="probit")."""
    make, spec, draw, outcomes = CASES[name]
    game = make()
    rng = np.random.default_rng(31)
    data = draw(rng, 40)
    lik = Likelihood(game, spec, data, outcomes=outcomes, model="probit")
    assert lik.backend == "numpy"
    b = random_point(lik, rng)
    ll, g = lik.value_and_gradient(b)
    h = 1e-6
    fd = np.array([(lik(b + h * e) - lik(b - h * e)) / (2 * h) for e in np.eye(b.size)])
    np.testing.assert_allclose(g, fd, rtol=1e-5, atol=1e-5 * max(1.0, np.abs(fd).max()))
    theta, _ = lik.parameters(b)
    params = {k: theta[k] if k in theta else t.value for k, t in lik.spec.terms.items()}
    lam = params.pop("lambda")
    r = qre(game, lam, model="probit", **params)
    P = lik.leaf_probabilities(b)
    for j, i in enumerate(game.leaves):
        np.testing.assert_allclose(P[j], np.broadcast_to(r.leaves[game.nodes[i].name], (40,)),
                                   rtol=1e-10, atol=1e-14)
    with pytest.raises(ParameterError, match="logit"):
        Likelihood(game, spec, data, outcomes=outcomes, model="probit", backend="numba")
