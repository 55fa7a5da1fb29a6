"""Validation of parameters: each invalid value raises ParameterError naming it."""

import math
import warnings

import numpy as np
import pytest

import kzgame
from kzgame.params import DOMAINS, NoSurplusWarning, ParameterError, Period

BASE = dict(
    share=0.5, outside_r=0.2, outside_e=0.1, indispensability=0.5, survival=0.8, invest_cost=0.05
)

# (parameter, invalid value, text the allowed range must show)
INVALID = [
    ("surplus", 0.0, "(0, inf)"),
    ("surplus", -1.0, "(0, inf)"),
    ("share", -0.01, "[0, 1]"),
    ("share", 1.01, "[0, 1]"),
    ("indispensability", -0.5, "[0, 1]"),
    ("indispensability", 2.0, "[0, 1]"),
    ("survival", -1e-9, "[0, 1]"),
    ("survival", 1.5, "[0, 1]"),
    ("invest_cost", -0.1, "[0, inf)"),
    ("holdup_cost", -0.1, "[0, inf)"),
    ("power", 0.0, "(0, 1)"),
    ("power", 1.0, "(0, 1)"),
    ("discount_r", 1.0, "[0, 1)"),
    ("discount_e", -0.2, "[0, 1)"),
]


@pytest.mark.parametrize(("name", "value", "allowed"), INVALID)
def test_period_rejects_out_of_range(name, value, allowed):
    with pytest.raises(ParameterError) as info:
        Period(**{**BASE, name: value})
    msg = str(info.value)
    assert msg.startswith(f"{name} = ")
    assert allowed in msg
    assert repr(value) in msg


@pytest.mark.parametrize("name", list(DOMAINS))
@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_period_rejects_nan_and_inf(name, bad):
    with pytest.raises(ParameterError, match=rf"^{name} = .* is not a finite number"):
        Period(**{**BASE, name: bad})


@pytest.mark.parametrize(("name", "value", "allowed"), INVALID)
def test_classify_rejects_out_of_range_in_arrays(name, value, allowed):
    arr = np.full(5, 0.5)  # valid for every parameter
    arr[3] = value
    with pytest.raises(ParameterError, match=rf"^{name} = ") as info:
        kzgame.classify(**{**BASE, name: arr})
    assert allowed in str(info.value)


def test_classify_rejects_unknown_and_missing_keys():
    with pytest.raises(ParameterError, match="unknown parameter.*indispensibility"):
        kzgame.classify(**BASE, indispensibility=0.3)
    partial = dict(BASE)
    del partial["survival"]
    with pytest.raises(ParameterError, match="missing parameter.*survival"):
        kzgame.classify(**partial)


def test_parameter_error_is_a_value_error():
    assert issubclass(ParameterError, ValueError)
    assert issubclass(ParameterError, kzgame.KzgameError)


def test_non_numeric_and_array_values_are_rejected_by_period():
    with pytest.raises(ParameterError, match="share"):
        Period(**{**BASE, "share": "half"})
    with pytest.raises(ParameterError, match="single number"):
        Period(**{**BASE, "share": [0.1, 0.2]})
    with pytest.raises(ParameterError, match="single number"):
        Period(**{**BASE, "share": True})


def test_unknown_protocol_is_a_clear_error():
    with pytest.raises(kzgame.KzgameError, match="unknown protocol 'nsh'; known protocols: nash"):
        kzgame.solve(Period(**BASE), protocol="nsh")


def test_no_surplus_is_allowed_but_warned():
    with pytest.warns(NoSurplusWarning, match="no surplus"):
        p = Period(**{**BASE, "outside_r": 0.6, "outside_e": 0.4})
    assert kzgame.solve(p).strategy in set(kzgame.Strategy)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Period(**BASE)  # a regime with surplus: no warning


def test_overflowing_gains_are_an_error_in_solve_as_in_classify():
    # D_E = (1 - s) V - o_E = 1.7e308 + 1.7e308 overflows
    huge = {**BASE, "surplus": 1.7e308, "share": 0.0, "outside_e": -1.7e308}
    with pytest.raises(ParameterError, match="overflow"):
        kzgame.solve(Period(**huge))
    with pytest.raises(ParameterError, match="overflow"):
        kzgame.classify(**huge)


def test_boundary_values_are_accepted():
    Period(**{**BASE, "share": 0.0, "indispensability": 1.0, "survival": 0.0, "invest_cost": 0.0})
    Period(**{**BASE, "share": 1.0, "indispensability": 0.0, "survival": 1.0, "outside_r": -5.0})


def test_replace_validates_and_rejects_unknown_names():
    p = Period(**BASE)
    with pytest.raises(ParameterError, match="survival"):
        p.replace(survival=2.0)
    with pytest.raises(ParameterError, match="unknown parameter"):
        p.replace(sharee=0.2)
