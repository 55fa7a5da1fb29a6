"""Counterfactuals and switches: checked against the classifier on the parameter line."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kzgame
from kzgame.params import DOMAINS
from kzgame.strategy import Strategy

PROTOCOLS = tuple(kzgame.PROTOCOLS)


def code(period, protocol, name, x):
    return kzgame.classify(protocol=protocol, **{**period.as_dict(), name: x})


def unit():
    """[0, 1] with its ends, but no values so small that every gain is below rounding."""
    return st.sampled_from([0.0, 1.0]) | st.floats(1e-3, 1.0 - 1e-3)


@st.composite
def periods(draw):
    V = draw(st.sampled_from([1.0]) | st.floats(0.3, 3.0))
    s = draw(unit())
    d_r = draw(st.sampled_from([0.0]) | st.floats(-0.6, 0.8))
    d_e = draw(st.sampled_from([0.0]) | st.floats(-0.3, 1.0))
    values = dict(
        surplus=V,
        share=s,
        outside_r=s * V - d_r * V,
        outside_e=(1 - s) * V - d_e * V,
        indispensability=draw(unit()),
        survival=draw(unit()),
        invest_cost=draw(st.sampled_from([0.0]) | st.floats(1e-3, 0.4)) * V,
        power=draw(st.floats(0.05, 0.95)),
        holdup_cost=draw(st.sampled_from([0.0]) | st.floats(1e-3, 0.2)) * V,
        discount_r=draw(st.floats(0.0, 0.98)),
        discount_e=draw(st.floats(0.0, 0.98)),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", kzgame.NoSurplusWarning)
        return kzgame.Period(**values)


def line(name, x0, change, n=60):
    """Points strictly between x0 and x0 + change (open at the far end)."""
    return x0 + np.linspace(0.0, 0.99, n) * change


@settings(max_examples=60)
@given(period=periods(), protocol=st.sampled_from(PROTOCOLS))
def test_reported_change_flips_and_99_percent_does_not(period, protocol):
    current = int(kzgame.classify(protocol=protocol, **period.as_dict()))
    records = kzgame.counterfactuals(period, protocol)
    # a period within the tolerance band of a switch may flip by rounding-sized steps
    in_band = bool(kzgame.near_boundary(protocol=protocol, **period.as_dict()))
    for c in records:
        assert c.strategy.code == current
        x0 = getattr(period, c.parameter)
        assert c.current == x0 and c.value == x0 + c.change and c.change != 0
        flipped = int(code(period, protocol, c.parameter, x0 + c.change))
        assert flipped == c.new_strategy.code != current, str(c)
        if c.knife_edge:  # the period is on the boundary: any step across flips it
            assert abs(c.change) <= 1e-12 * max(1.0, abs(x0)), str(c)
            continue
        if in_band:
            continue
        assert int(code(period, protocol, c.parameter, x0 + 0.99 * c.change)) == current, str(c)
        # nothing flips before: the change is the smallest
        assert np.all(code(period, protocol, c.parameter, line(c.parameter, x0, c.change))
                      == current), str(c)
        # the closed form and the classifier agree on where the flip is
        assert math.isclose(c.value, c.critical, rel_tol=1e-6, abs_tol=1e-9), str(c)
        assert DOMAINS[c.parameter].contains(c.value)


@settings(max_examples=30)
@given(period=periods(), protocol=st.sampled_from(PROTOCOLS))
def test_no_record_means_no_flip_in_that_direction(period, protocol):
    current = int(kzgame.classify(protocol=protocol, **period.as_dict()))
    records = kzgame.counterfactuals(period, protocol)
    for name in kzgame.PROTOCOLS[protocol].parameters:
        x0 = getattr(period, name)
        dom = DOMAINS[name]
        for direction in ("decrease", "increase"):
            if any(c.parameter == name and c.direction == direction for c in records):
                continue
            end = dom.low if direction == "decrease" else dom.high
            if math.isinf(end):
                end = x0 + (50.0 if direction == "increase" else -50.0)
            xs = np.linspace(x0, end, 400)
            xs = xs[dom.mask(xs)]
            assert np.all(code(period, protocol, name, xs) == current), (name, direction)


@settings(max_examples=30)
@given(period=periods(), protocol=st.sampled_from(PROTOCOLS),
       name=st.sampled_from(["indispensability", "outside_r", "survival", "share"]))
def test_switches_are_all_the_changes_along_a_parameter(period, protocol, name):
    found = kzgame.switches(period, name, protocol)
    dom = DOMAINS[name]
    lo = dom.low if math.isfinite(dom.low) else -5.0
    hi = dom.high if math.isfinite(dom.high) else 5.0
    criticals = [s.critical for s in found if math.isfinite(s.critical)]
    assert criticals == sorted(criticals)
    xs = np.linspace(lo, hi, 801)
    xs = xs[~np.isin(xs, criticals)]  # on a knot itself the tie rule decides
    codes = code(period, protocol, name, xs)
    # leave out points in the band (e.g. exit and hold-up tied all along the line)
    clear = ~kzgame.near_boundary(protocol=protocol, **{**period.as_dict(), name: xs})
    for j in np.flatnonzero((codes[1:] != codes[:-1]) & clear[1:] & clear[:-1]):
        a, b = xs[j], xs[j + 1]
        near = [s for s in found if a - 1e-9 <= s.critical <= b + 1e-9]
        assert near, (name, a, b)
        assert near[0].below.code == codes[j] and near[-1].above.code == codes[j + 1]
    # a switch changes the strategy
    assert all(s.below != s.above for s in found)


def test_kazakhstan_2014_2019_example():
    """Kazakhstan 2014-2019 (models/kazakhstan_russia.toml values): a hold-up that reverts to
    accept if Russia lowers Kazakhstan's perceived indispensability below iota*."""
    p = kzgame.Period(share=0.45, outside_r=0.3, outside_e=-0.15, indispensability=0.8,
                      survival=0.8, invest_cost=0.05, power=0.4, holdup_cost=0.05)
    assert kzgame.solve(p).strategy is Strategy.HOLD_UP
    (iota,) = [c for c in kzgame.counterfactuals(p) if c.parameter == "indispensability"]
    assert iota.new_strategy is Strategy.ACCEPT and iota.direction == "decrease"
    ht = kzgame.holdup_threshold(p)
    assert ht.critical == pytest.approx(iota.critical, rel=1e-12)
    assert ht.margin == pytest.approx(0.8 - iota.critical)
    assert ht.alternative is Strategy.ACCEPT and ht.holdup_above
    (sw,) = kzgame.switches(p, "indispensability")
    assert (sw.below, sw.above) == (Strategy.ACCEPT, Strategy.HOLD_UP)


def test_holdup_threshold_when_hold_up_cannot_pay():
    """An invest period: iota* > 1, no iota in [0, 1] makes a hold-up beat investing."""
    p = kzgame.Period(share=0.5, outside_r=-0.1, outside_e=0.0, indispensability=0.8,
                      survival=0.4, invest_cost=0.1)
    ht = kzgame.holdup_threshold(p)
    assert ht.alternative is Strategy.INVEST and ht.critical > 1 and ht.margin < 0
    assert kzgame.switches(p, "indispensability") == ()
    # under outside-option a hold-up's gain does not involve iota at all
    assert math.isnan(kzgame.holdup_threshold(p, "outside-option").critical)
    assert "none" in str(kzgame.holdup_threshold(p, "outside-option"))


def test_kink_switch_under_the_outside_option_protocol():
    """Outside-option, h = 0: hold-up ties accept while Delta_R >= 0 and beats it (tying exit)
    once Delta_R < 0, so raising o_R past sV switches accept to hold-up at the kink."""
    p = kzgame.Period(share=0.5, outside_r=0.3, outside_e=0.0, indispensability=0.9,
                      survival=0.8, invest_cost=0.3)
    (c,) = [c for c in kzgame.counterfactuals(p, "outside-option") if c.parameter == "outside_r"
            and c.direction == "increase"]
    assert c.strategy is Strategy.ACCEPT and c.new_strategy is Strategy.HOLD_UP
    assert c.critical == pytest.approx(0.5)


def test_errors():
    p = kzgame.Period(share=0.5, outside_r=0.3, outside_e=0.0, indispensability=0.5,
                      survival=0.8, invest_cost=0.05)
    with pytest.raises(TypeError):
        kzgame.counterfactuals(p.as_dict())
    with pytest.raises(kzgame.KzgameError, match="does not depend on discount_r"):
        kzgame.switches(p, "discount_r", "nash")
    with pytest.raises(kzgame.KzgameError, match="unknown protocol"):
        kzgame.counterfactuals(p, "haggle")
    # an unknown name is a ParameterError naming the known parameters, not an AttributeError
    with pytest.raises(kzgame.ParameterError, match="unknown parameter 'iota'; known"):
        kzgame.counterfactuals(p, parameters=["iota"])
    with pytest.raises(kzgame.ParameterError, match="unknown parameter 'iota'; known"):
        kzgame.switches(p, "iota")
    with pytest.raises(kzgame.KzgameError, match="does not depend on discount_e"):
        kzgame.counterfactuals(p, parameters=["power", "discount_e"])
    assert {c.parameter for c in kzgame.counterfactuals(p, parameters=["power"])} <= {"power"}


# ---------------------------------------------------------------------------
# issue 15: searches that stop without converging
# ---------------------------------------------------------------------------


def check_records(period, protocol):
    """The invariants test_reported_change_flips_and_99_percent_does_not checks, for one period."""
    current = int(kzgame.classify(protocol=protocol, **period.as_dict()))
    in_band = bool(kzgame.near_boundary(protocol=protocol, **period.as_dict()))
    records = kzgame.counterfactuals(period, protocol)
    for c in records:
        x0 = getattr(period, c.parameter)
        assert c.value == x0 + c.change and c.change != 0
        assert int(code(period, protocol, c.parameter, x0 + c.change)) == c.new_strategy.code
        assert c.new_strategy.code != current
        if c.knife_edge:
            assert abs(c.change) <= 1e-12 * max(1.0, abs(x0)), str(c)
        elif not in_band:
            assert int(code(period, protocol, c.parameter, x0 + 0.99 * c.change)) == current
            assert math.isclose(c.value, c.critical, rel_tol=1e-6, abs_tol=1e-300), str(c)
    return records


def test_rounding_flip_is_not_called_a_knife_edge():
    """Issue 15's example: Delta_R = 5e-324.  The classifier turns invest into accept at
    q = 0.5 by underflow ((1 - q) Delta_R rounds to 0), where no closed-form boundary lies:
    reported with critical nan (inside the band), not as a knife edge at the root q* = 0 of an
    unrelated boundary; the changes in o_R and c are one ulp (no absolute floor)."""
    p = kzgame.Period(share=0.0, outside_r=-5e-324, outside_e=1.0, indispensability=0.0,
                      survival=0.0, invest_cost=0.0, surplus=1.0, power=0.5, holdup_cost=0.0,
                      discount_r=0.0, discount_e=0.0)
    records = {c.parameter: c for c in check_records(p, "nash")}
    q = records["survival"]
    assert math.isnan(q.critical) and not q.knife_edge and q.new_strategy is Strategy.ACCEPT
    assert records["outside_r"].change == 5e-324 and records["outside_r"].knife_edge
    assert records["invest_cost"].change == 5e-324


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_flip_converges_at_tiny_scales(protocol):
    """Issue 15: with survival = 3e-176 the hold-up/exit switch in h is near 1e-177; the old
    search stopped at an absolute width of 2e-16 and reported h -> 3.6e-18."""
    p = kzgame.Period(share=0.5, outside_r=0.6, outside_e=0.0, indispensability=0.5,
                      survival=3e-176, invest_cost=0.05)
    records = check_records(p, protocol)
    (h,) = [c for c in records if c.parameter == "holdup_cost"]
    if protocol != "outside-option":  # there h = 0 is itself the switch (a knife edge)
        assert 1e-178 < h.change < 1e-176
        assert h.value == pytest.approx(h.critical, rel=1e-9)
    # another member of the class: the same period scaled down, a flip in o_R of ~1e-170
    small = kzgame.Period(share=0.5, outside_r=0.3e-170, outside_e=0.0, indispensability=0.5,
                          survival=0.8, invest_cost=0.05e-170, surplus=1e-170)
    for c in check_records(small, protocol):
        if c.parameter == "outside_r" and math.isfinite(c.critical):
            assert abs(c.value - c.critical) <= 1e-9 * 1e-170


def test_triple_point_names_the_strategy_past_the_knot():
    """Issue 15: at c = 0 and Delta_R = 0 accept, invest and exit tie; past the knot in o_R
    exit wins (G_X = -q Delta_R > 0 > G_I).  The old search reported 'invest into accept' a
    few ulps past the knot."""
    p = kzgame.Period(surplus=1.0, share=1.0, outside_r=0.5, outside_e=0.25,
                      indispensability=0.5, survival=0.25, invest_cost=0.0, power=0.25)
    for protocol in ("nash", "rubinstein"):
        records = check_records(p, protocol)
        (up,) = [c for c in records if c.parameter == "outside_r" and c.change > 0]
        assert up.critical == 1.0 and up.new_strategy is Strategy.EXIT
        past = float(code(p, protocol, "outside_r", up.value + 1e-9))
        assert past == Strategy.EXIT.code
        (down,) = [c for c in records if c.parameter == "surplus" and c.change < 0]
        assert down.new_strategy is Strategy.EXIT
