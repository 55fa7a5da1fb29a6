"""The specification grammar and the links: read as data, never evaluated."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kzgame.errors import ParameterError
from kzgame.estimation import Spec
from kzgame.estimation.spec import LINKS, link_inverse
from kzgame.games import deterrence, period

NAMES = st.from_regex(r"[a-z][a-z0-9_]{0,6}", fullmatch=True).filter(
    lambda s: s not in ("free", "data") and s not in LINKS)


@settings(deadline=None, max_examples=50)
@given(link=st.sampled_from(LINKS), covs=st.lists(NAMES, min_size=0, max_size=3, unique=True),
       intercept=st.booleans())
def test_links_of_covariates_parse(link, covs, intercept):
    terms = (["1"] if intercept else []) + covs
    if not terms:
        terms = ["1"]
    s = Spec(deterrence(False), {"v": 1.0, "p": 0.4, "k_C": f"{link}({' + '.join(terms)})",
                                 "k_D": 0.5})
    t = s.terms["k_C"]
    assert t.link == link and t.covariates == tuple(terms)
    assert s.covariates == tuple(c for c in terms if c != "1")
    expected = ("k_C",) if terms == ["1"] else tuple(f"k_C[{c}]" for c in terms)
    assert s.coefficients == expected
    assert s.slices()["k_C"] == slice(0, len(terms))


@settings(deadline=None, max_examples=50)
@given(eta=st.floats(-800, 800))
def test_link_inverse_and_derivative(eta):
    for link in LINKS:
        theta, d = link_inverse(link, np.array([eta]))
        assert np.isfinite(theta).all() and np.isfinite(d).all()
        if link == "logistic":
            assert 0.0 <= theta[0] <= 1.0
        if link == "exp":
            assert theta[0] >= 0.0
        if abs(eta) < 30:  # the derivative equals a central difference where it is not flat
            h = 1e-6
            up = link_inverse(link, np.array([eta + h]))[0][0]
            down = link_inverse(link, np.array([eta - h]))[0][0]
            assert d[0] == pytest.approx((up - down) / (2 * h), rel=1e-5, abs=1e-9)


@pytest.mark.parametrize("text, match", [
    ("__import__('os')", "unknown link '__import__'"),
    ("logistic(1 + x", "cannot read"),
    ("logistic(1 + x.y)", "term 'x.y'"),
    ("logistic(1 + 1)", "given twice"),
    ("sqrt(1)", "unknown link 'sqrt'"),
    ("data(a b)", "one column name"),
    ("inf", "cannot read"),
    (True, "not a number or a formula"),
    ([1, 2], "give a number"),
])
def test_bad_terms_name_the_parameter(text, match):
    with pytest.raises(ParameterError, match=match) as err:
        Spec(deterrence(False), {"v": 1.0, "p": 0.4, "k_C": text, "k_D": 0.5})
    assert "k_C" in str(err.value)


def test_defaults_lambda_restrict_and_required():
    g = period("nash")
    base = {"share": 0.5, "outside_r": 0.2, "outside_e": 0.1, "indispensability": "free",
            "survival": 0.9, "invest_cost": 0.1}
    s = Spec(g, base)
    assert s.terms["lambda"].value == 1.0 and s.terms["power"].value == 0.5  # defaults
    assert s.coefficients == ("indispensability",)
    r = Spec(g, {**base, "power": "logistic(1 + x)", "lambda": "exp(1)"})
    assert r.restrict(power=0.3).coefficients == ("indispensability", "lambda")
    with pytest.raises(ParameterError, match="'share'.*no default"):
        Spec(g, {k: v for k, v in base.items() if k != "share"})
    with pytest.raises(ParameterError, match="lambda is fixed at -1.0"):
        Spec(g, {**base, "lambda": -1.0})
    with pytest.raises(ParameterError, match="survival"):
        Spec(g, {**base, "survival": 2.0})
