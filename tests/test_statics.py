"""Comparative statics: the signs of dx*/dp agree with finite differences of the numeric model.

The numeric side never uses the closed forms: for each sampled point the threshold
x* is found by bisection on G_a(x) - G_b(x) computed with the closed forms of
MODEL.md (tests/oracle.py)
(the functions the classifier uses), then again with p moved by +-h.
"""

from __future__ import annotations

import numpy as np
import oracle
import pytest

import kzgame
from kzgame.analysis.statics import SIGNS, comparative_statics, sample
from kzgame.params import DOMAINS

POSITIVE = {"stake_r": "positive", "stake_e": "positive"}


def difference(protocol, pair, pts) -> np.ndarray:
    g_i, g_h, _, g_x, margin = oracle.gains(protocol, **pts)
    g = {"accept": 0.0, "invest": g_i, "hold-up": g_h, "exit": g_x, "concede": margin,
         "refuse": 0.0}
    n = len(pts["share"])
    return np.broadcast_to(np.asarray(g[pair[0]] - g[pair[1]], dtype=float), (n,))


def numeric_root(protocol, pair, name, pts, lo=-20.0, hi=20.0):
    """The unique root of G_a - G_b in x on [lo, hi] by bisection; nan where not unique."""
    n = len(pts["share"])
    grid = np.linspace(lo, hi, 81)
    signs = np.stack([np.sign(difference(protocol, pair, {**pts, name: np.full(n, x)}))
                      for x in grid])
    changes = (np.diff(signs, axis=0) != 0).sum(axis=0)
    ok = (changes == 1) & (signs[0] != 0) & (signs[-1] != 0)
    a, b = np.full(n, lo), np.full(n, hi)
    sa = signs[0]
    for _ in range(100):
        m = (a + b) / 2
        sm = np.sign(difference(protocol, pair, {**pts, name: m}))
        left = sm == sa
        a, b = np.where(left, m, a), np.where(left, b, m)
    root = (a + b) / 2
    # slope at the root, to leave out near-flat crossings where rounding dominates
    step = 1e-3 * (1 + np.abs(root))
    slope = np.abs(difference(protocol, pair, {**pts, name: root + step})
                   - difference(protocol, pair, {**pts, name: root - step})) / (2 * step)
    scale = 1 + pts["surplus"] + np.abs(pts["outside_r"]) + np.abs(pts["outside_e"]) + pts[
        "invest_cost"] + pts["holdup_cost"]
    ok &= slope > 1e-3 * scale
    ok &= (root > lo + 1) & (root < hi - 1)
    return np.where(ok, root, np.nan)


def assumed_at_root(assume, name, pts, root):
    """Whether the assumed signs of the stakes hold at x = x* (where ``assume`` applies)."""
    at = {**pts, name: root}
    stake = {"stake_r": at["share"] * at["surplus"] - at["outside_r"],
             "stake_e": (1 - at["share"]) * at["surplus"] - at["outside_e"]}
    ok = np.ones(len(pts["share"]), dtype=bool)
    for k, sign in (assume or {}).items():
        ok &= {"positive": stake[k] > 0, "negative": stake[k] < 0,
               "nonnegative": stake[k] >= 0, "nonpositive": stake[k] <= 0}[sign]
    return ok


def finite_differences(protocol, pair, name, wrt, pts, assume=None):
    """d x* / d wrt by central differences of the numeric root, where defined (and where the
    assumed signs of the stakes hold at the root)."""
    p = pts[wrt]
    h = 1e-6 * np.maximum(1.0, np.abs(p))
    dom = DOMAINS[wrt]
    inside = dom.mask(p - h) & dom.mask(p + h)
    up = numeric_root(protocol, pair, name, {**pts, wrt: np.where(inside, p + h, p)})
    down = numeric_root(protocol, pair, name, {**pts, wrt: np.where(inside, p - h, p)})
    fd = (up - down) / (2 * h)
    ok = inside & np.isfinite(fd) & assumed_at_root(assume, name, pts, (up + down) / 2)
    tol = 1e-5 * (1 + np.abs(up))
    return fd[ok], tol[ok]


def check_table(tab, n=800, seed=1):
    pts = sample(n, seed=seed, assume=dict(tab.assume))
    checked = 0
    for pair in tab.boundaries:
        for wrt in tab.parameters:
            sign = tab.sign(pair, wrt)
            assert sign in SIGNS
            if sign == "n/a":
                continue
            fd, tol = finite_differences(tab.protocol, pair, tab.parameter, wrt, pts,
                                         dict(tab.assume))
            where = f"d {tab.parameter}*[{pair}] / d {wrt} = {sign} ({tab.method(pair, wrt)})"
            if fd.size < 10:
                continue
            pos, neg = fd > tol, fd < -tol
            if sign == "+":
                assert not neg.any(), where
            elif sign == "-":
                assert not pos.any(), where
            elif sign == "0":
                assert not (pos | neg).any(), where
            else:  # ambiguous: finite differences of both signs
                assert pos.any() and neg.any(), where
            if sign in "+-" and fd.size >= 50:
                assert (pos | neg).any(), where  # not identically zero
            checked += 1
    return checked


@pytest.mark.parametrize(
    ("parameter", "protocol", "assume"),
    [
        ("indispensability", "nash", None),
        ("indispensability", "nash", POSITIVE),
        ("outside_r", "nash", POSITIVE),
        ("invest_cost", "nash", None),
        ("survival", "rubinstein", POSITIVE),
        ("outside_r", "ultimatum", None),
        ("outside_r", "outside-option", None),
    ],
)
def test_signs_agree_with_finite_differences(parameter, protocol, assume):
    tab = comparative_statics(parameter, protocol, assume=assume, samples=4000)
    assert check_table(tab) >= len(tab.boundaries)


def test_textbook_statics_of_iota_star_are_proved_symbolically():
    """iota* = ((1 - beta) Delta_R + h/q) / (beta Delta_E) with Delta_R, Delta_E > 0: it falls
    with R's bargaining power and with survival, rises with the cost of a hold-up, with R's
    stake (so falls with o_R) and falls with E's stake (so rises with o_E)."""
    tab = comparative_statics("indispensability", assume=POSITIVE)
    pair = ("hold-up", "accept")
    expected = {"power": "-", "survival": "-", "holdup_cost": "+", "outside_r": "-",
                "outside_e": "+", "share": "+", "invest_cost": "0"}
    for wrt, sign in expected.items():
        assert tab.sign(pair, wrt) == sign, wrt
        assert tab.method(pair, wrt) == "symbolic", wrt


def test_without_sign_assumptions_iota_star_is_ambiguous_in_the_stakes():
    """The side of iota* depends on the sign of Delta_E, so its slope in o_R does too."""
    tab = comparative_statics("indispensability")
    assert tab.sign(("hold-up", "accept"), "outside_r") == "ambiguous"
    assert tab.method(("hold-up", "accept"), "outside_r") == "sampled"
    assert tab.sign(("hold-up", "accept"), "invest_cost") == "0"


def test_table_shape_and_rendering():
    tab = comparative_statics("invest_cost", "nash")
    assert "invest_cost" not in tab.parameters
    assert set(tab.parameters) == set(kzgame.PROTOCOLS["nash"].parameters) - {"invest_cost"}
    # only boundaries that involve c
    assert set(tab.boundaries) == {("invest", "accept"), ("hold-up", "invest"),
                                   ("exit", "invest")}
    text = str(tab)
    assert text.splitlines()[0].startswith("d invest_cost* / d")
    md = tab.to_markdown()
    assert md.count("\n") == len(tab.parameters) + 1
    assert "~" in md  # a sampled sign is marked
    assert all(v in ("symbolic", "sampled") for v in tab.methods.values())
    # an entry the table does not have is a KzgameError listing what it has (was a KeyError)
    with pytest.raises(kzgame.KzgameError, match=r"no entry .*hold-up/accept.*boundaries: "):
        tab.sign(("hold-up", "accept"), "survival")
    with pytest.raises(kzgame.KzgameError, match="parameters: surplus, share"):
        tab.method(("invest", "accept"), "invest_cost")


def test_sample_respects_domains_and_assumptions():
    pts = sample(5000, seed=3, assume={"stake_r": "negative", "stake_e": "nonnegative"})
    for name, dom in DOMAINS.items():
        assert dom.mask(pts[name]).all(), name
    d_r = pts["share"] * pts["surplus"] - pts["outside_r"]
    d_e = (1 - pts["share"]) * pts["surplus"] - pts["outside_e"]
    assert (d_r < 0).all() and (d_e >= -1e-12).all()
    with pytest.raises(kzgame.KzgameError):
        sample(10, assume={"stake_r": "large"})


def test_protocol_parameters_only():
    with pytest.raises(kzgame.KzgameError, match="does not depend on power"):
        comparative_statics("power", "rubinstein")
    tab = comparative_statics("indispensability", "rubinstein", boundaries=[("hold-up",
                                                                           "accept")])
    assert {"discount_r", "discount_e"} <= set(tab.parameters)
    assert "power" not in tab.parameters


def test_samples_must_be_a_positive_integer():
    """samples = 0 used to give 'n/a' entries, which claim the threshold does not exist."""
    for bad in (0, -5, 2.5, True):
        with pytest.raises(kzgame.ParameterError, match=f"samples = {bad!r}: give a positive"):
            comparative_statics("invest_cost", boundaries=[("invest", "accept")], samples=bad)
    tab = comparative_statics("invest_cost", boundaries=[("invest", "accept")], samples=1000)
    assert tab.sign(("invest", "accept"), "survival") == "ambiguous"
