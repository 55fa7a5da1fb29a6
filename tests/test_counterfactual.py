"""Counterfactuals and switches: checked against the classifier on the parameter line."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import kzgame
from kzgame.analysis.thresholds import all_thresholds
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
        assert c.current == x0 and c.change != 0
        # value is x0 + change, unless the flip is finer than x0's rounding reaches (below)
        assert c.value == x0 + c.change or abs(c.value - (x0 + c.change)) <= math.ulp(x0), str(c)
        flipped = int(code(period, protocol, c.parameter, c.value))
        assert flipped == c.new_strategy.code != current, str(c)
        if c.knife_edge:  # the period is on the boundary: a rounding-sized step flips it
            # (1e-9, not 1e-12: a second knot may lie 1e-12 away and the first float past
            # both is the flip, e.g. share = 1 on one knot, outside_r = 1 - 1e-12 the other)
            assert abs(c.change) <= 1e-9 * max(1.0, abs(x0)), str(c)
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
            # leave out points in the band: where two strategies tie all along the line
            # (share = outside_r = 0.25, outside_e = 0.75, h = c = 0: invest and hold-up
            # equal for every surplus), rounding decides, as classify documents
            clear = ~kzgame.near_boundary(protocol=protocol, **{**period.as_dict(), name: xs})
            codes = code(period, protocol, name, xs)
            assert np.all(codes[clear] == current), (name, direction)


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


# A flip exactly at a closed end of a parameter's domain (survival -> 1, share -> 0 or 1,
# indispensability -> 1, holdup_cost -> 0): the strategy at the end is the tie rule's choice
# and differs from the open interval next to it.  The computed root of the boundary through
# the end may lie a few ulps inside it, or be merged with a nearby root, so the end itself
# was never probed and the flip was not reported (issue 15, searches that stop short).
FLIPS_AT_A_CLOSED_END = [
    pytest.param(  # the period is itself on a knot (exit/accept at q = 0); the invest/accept
        # root q = 1 merged with the exit/hold-up root 0.9999999999999998
        kzgame.Period(share=1.0, outside_r=1.4898916390247838, outside_e=0.0,
                      indispensability=0.0, survival=0.0, invest_cost=0.0, surplus=1.78125,
                      power=0.5, holdup_cost=0.2913583609752161, discount_r=0.0,
                      discount_e=0.0),
        "rubinstein", "survival", 1.0, Strategy.INVEST, Strategy.ACCEPT, True,
        id="rubinstein-q-to-1"),
    pytest.param(  # the same under nash, from an interior q: root 1 merged with 1 - 1e-15
        kzgame.Period(share=1.0, outside_r=0.5, outside_e=0.0, indispensability=0.0,
                      survival=0.3, invest_cost=0.0, power=0.5, holdup_cost=0.25 * (1 - 1e-15)),
        "nash", "survival", 1.0, Strategy.INVEST, Strategy.ACCEPT, True, id="nash-q-to-1"),
    pytest.param(  # a lone root one ulp inside the end: iota* = 0.9999999999999999
        kzgame.Period(share=0.0, outside_r=0.0, outside_e=0.8968565298117285,
                      indispensability=0.0, survival=1.0, invest_cost=0.0, surplus=1.0,
                      power=0.7897543994325722, holdup_cost=0.10314347018827151,
                      discount_r=0.0, discount_e=0.0),
        "rubinstein", "indispensability", 1.0, Strategy.ACCEPT, Strategy.HOLD_UP, True,
        id="rubinstein-iota-to-1"),
    pytest.param(  # the low end: h* = 6.9e-18 computed for a boundary within rounding of
        # h = 0; the classifier flips near 3e-18, so the probe between 0 and h* (3.5e-18)
        # already gave exit and the hold-up next to the end was missed
        kzgame.Period(share=0.9769814624946253, outside_r=1.4940050045695163,
                      outside_e=-21.65252833884631, indispensability=0.023852848789664025,
                      survival=0.40771020885213316, invest_cost=0.16286501779240128,
                      surplus=1.0, power=0.2379878532151074, holdup_cost=0.4802237215111502),
        "nash", "holdup_cost", 0.0, Strategy.EXIT, Strategy.HOLD_UP, False, id="nash-h-to-0"),
    pytest.param(  # share -> 1 from the other end (Delta_R = 0 at s = 1: exit ties accept)
        kzgame.Period(share=0.0, outside_r=1.846898021924338, outside_e=0.0,
                      indispensability=0.2034382542725068, survival=0.010534035899386517,
                      invest_cost=0.0, surplus=1.846898021924338, power=0.6759979073700763,
                      holdup_cost=0.0),
        "ultimatum", "share", 1.0, Strategy.EXIT, Strategy.ACCEPT, True, id="ultimatum-s-to-1"),
]


@pytest.mark.parametrize("period, protocol, name, end, before, after, only_the_end",
                         FLIPS_AT_A_CLOSED_END)
def test_flip_at_a_closed_end_of_the_domain(period, protocol, name, end, before, after,
                                            only_the_end):
    x0 = getattr(period, name)
    assert DOMAINS[name].contains(end)
    assert int(code(period, protocol, name, end)) == after.code
    if only_the_end:  # the float next to the end still has the current strategy
        just_before = float(np.nextafter(end, x0))
        assert int(code(period, protocol, name, just_before)) == before.code
    assert kzgame.solve(period, protocol).strategy is before
    direction = "increase" if end > x0 else "decrease"
    # check_records holds value and critical to 1e-6 relative; where the flip is within
    # rounding of the end (h* = 6.9e-18), x0 + change cannot land nearer than the end itself
    found = check_records(period, protocol) if only_the_end else kzgame.counterfactuals(
        period, protocol)
    records = [c for c in found if c.parameter == name and c.direction == direction]
    assert len(records) == 1, (name, direction)
    (c,) = records
    assert int(code(period, protocol, name, x0 + 0.99 * c.change)) == before.code
    assert c.value == end and c.new_strategy is after and c.strategy is before, str(c)
    assert math.isclose(c.critical, end, abs_tol=1e-9), str(c)
    assert c.boundaries
    # switches() reports it too, with the boundary named
    (s,) = [s for s in kzgame.switches(period, name, protocol)
            if math.isclose(s.critical, end, abs_tol=1e-9)]
    assert (s.below, s.above) == ((before, after) if end > x0 else (after, before))
    assert s.boundaries


CLOSED_ENDS = {"share": (0.0, 1.0), "indispensability": (0.0, 1.0), "survival": (0.0, 1.0),
               "invest_cost": (0.0,), "holdup_cost": (0.0,)}


@settings(max_examples=80, deadline=None)
@given(period=periods(), protocol=st.sampled_from(PROTOCOLS), data=st.data())
def test_a_different_strategy_at_a_closed_end_is_always_reported(period, protocol, data):
    """The class of the examples above: one boundary is placed through a closed end of one
    parameter (by solving it for another parameter at that end); if the strategy at the end
    differs from the current one, a record in that direction exists and reaches no further."""
    name = data.draw(st.sampled_from(sorted(CLOSED_ENDS)), label="name")
    end = data.draw(st.sampled_from(CLOSED_ENDS[name]), label="end")
    other = data.draw(st.sampled_from(
        [n for n in ("outside_r", "outside_e", "invest_cost", "holdup_cost", "share",
                     "indispensability", "survival") if n != name]), label="other")
    thresholds = sorted(all_thresholds(protocol, parameters=[other]).items(), key=str)
    _, t = data.draw(st.sampled_from(thresholds), label="boundary")
    values = {**period.as_dict(), name: end}
    roots = np.atleast_1d(t.roots(**values)).ravel()
    y = float(roots[0]) if roots.size else math.nan
    assume(math.isfinite(y) and DOMAINS[other].contains(y))
    values[other] = y
    if name in ("invest_cost", "holdup_cost"):
        values[name] = data.draw(st.floats(1e-3, 0.5), label="x0")
    else:
        values[name] = data.draw(st.sampled_from([1.0 - end]) | st.floats(1e-3, 1 - 1e-3),
                                 label="x0")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", kzgame.NoSurplusWarning)
        period = kzgame.Period(**values)
    x0 = getattr(period, name)
    current = int(kzgame.classify(protocol=protocol, **period.as_dict()))
    at_end = int(code(period, protocol, name, end))
    direction = "increase" if end > x0 else "decrease"
    records = [c for c in kzgame.counterfactuals(period, protocol, parameters=[name])
               if c.direction == direction]
    if at_end != current:
        assert records, (name, end, other)
    for c in records:
        assert DOMAINS[name].contains(c.value) and abs(c.value - x0) <= abs(end - x0)


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_flip_near_zero_from_a_unit_value_is_found(protocol):
    """A switch in surplus at 2.17e-16 from surplus = 1: only a change of -(1 - 2**-53)
    lands inside (0, 2.17e-16); the step past the knot used to start at ulp(1) and jump
    over it, raising (found by hypothesis in test_no_record_means_no_flip_in_that_direction)."""
    p = kzgame.Period(share=0.001, outside_r=2.17e-19, outside_e=0.999, indispensability=0,
                      survival=0, invest_cost=0)
    (down,) = [c for c in kzgame.counterfactuals(p, protocol)
               if c.parameter == "surplus" and c.change < 0]
    assert 0 < down.value < down.critical
    assert p.surplus + down.change == down.value
    assert int(code(p, protocol, "surplus", np.array([down.value]))[0]) == down.new_strategy.code
    assert int(code(p, protocol, "surplus", np.array([down.critical * 1.5]))[0]) == \
        down.strategy.code


def test_flip_finer_than_the_current_value_resolves_is_reported():
    """A switch in surplus at 8.08e-272 from surplus = 1: no surplus + change lands in
    (0, 8.08e-272] (1 + change is 0 or at least 1.1e-16), so the record gives the first
    float classified accept as its value and value - current, rounded, as its change.
    Raised a KzgameError for the whole call (found by hypothesis in
    test_reported_change_flips_and_99_percent_does_not)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", kzgame.NoSurplusWarning)
        p = kzgame.Period(share=0.0, outside_r=-8.078170630861313e-272, outside_e=0.0,
                          indispensability=1.0, survival=1.0, invest_cost=0.0)
    records = kzgame.counterfactuals(p, "nash")
    (down,) = [c for c in records if c.parameter == "surplus" and c.change < 0]
    assert 0 < down.value <= 1e-271 and down.change == down.value - p.surplus == -1.0
    assert down.value == pytest.approx(down.critical, rel=1e-9)
    assert int(code(p, "nash", "surplus", np.array([down.value]))[0]) == down.new_strategy.code
    before = math.nextafter(down.value, 1.0)  # the float above: still the current strategy
    assert int(code(p, "nash", "surplus", np.array([before]))[0]) == down.strategy.code
    assert {c.parameter for c in records} >= {"surplus", "share", "outside_r"}
