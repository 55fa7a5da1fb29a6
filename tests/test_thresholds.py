"""Thresholds and regions: symbolic = numeric, both sides of every boundary, the band.

The numeric side is the classifier (kzgame.classify) and the lambdified gains
it uses (the closed forms of MODEL.md, tests/oracle.py); the symbolic side is
kzgame.analysis.thresholds.
Points within the tolerance band (kzgame.near_boundary) are excluded from the
exact comparisons; the band itself is tested below.
"""

from __future__ import annotations

import numpy as np
import oracle
import pytest
import sympy as sp
from hypothesis import assume, given
from hypothesis import strategies as st

import kzgame
from kzgame import model
from kzgame.analysis import BAND, BOUNDARIES, STRATEGIES, all_thresholds, region, threshold
from kzgame.analysis.statics import sample
from kzgame.params import DOMAINS, PARAMETERS
from kzgame.strategy import Strategy

PROTOCOLS = tuple(kzgame.PROTOCOLS)
CODE = {s.value: s.code for s in Strategy}


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------


def draw(n: int, seed: int) -> dict[str, np.ndarray]:
    """Random points of the domain, with the knife edges mixed in (q, iota, s at 0 or 1,
    c = h = 0, Delta_R = 0, Delta_E = 0 exactly)."""
    rng = np.random.default_rng(seed)
    pts = sample(n, seed=rng)
    edges = {
        "share": [0.0, 1.0],
        "indispensability": [0.0, 1.0],
        "survival": [0.0, 1.0],
        "invest_cost": [0.0],
        "holdup_cost": [0.0],
        "power": [0.5],
        "discount_r": [0.0],
        "discount_e": [0.0],
    }
    for name, values in edges.items():
        hit = rng.random(n) < 0.04
        pts[name] = np.where(hit, rng.choice(values, n), pts[name])
    s, V = pts["share"], pts["surplus"]
    pts["outside_r"] = np.where(rng.random(n) < 0.03, s * V, pts["outside_r"])
    pts["outside_e"] = np.where(rng.random(n) < 0.03, (1 - s) * V, pts["outside_e"])
    return pts


def numeric(protocol: str, pts: dict) -> dict[str, np.ndarray]:
    """R's gains relative to accept and E's concession margin, from the numeric model."""
    shape = np.broadcast_shapes(*(np.shape(v) for v in pts.values()))
    g_i, g_h, _, g_x, margin = (
        np.broadcast_to(np.asarray(v, dtype=float), shape)
        for v in oracle.gains(protocol, **pts)
    )
    return {"accept": np.zeros(shape), "invest": g_i, "hold-up": g_h, "exit": g_x,
            "concede": margin, "refuse": np.zeros(shape)}


def scale(pts: dict) -> np.ndarray:
    return (1 + pts["surplus"] + np.abs(pts["outside_r"]) + np.abs(pts["outside_e"])
            + pts["invest_cost"] + pts["holdup_cost"])


def difference(protocol: str, pair, pts) -> np.ndarray:
    g = numeric(protocol, pts)
    return g[pair[0]] - g[pair[1]]


def winner_on_tie(pair) -> str:
    """The tie rule: the earlier strategy in the tie order; E concedes."""
    if pair[0] in STRATEGIES:
        return min(pair, key=STRATEGIES.index)
    return "concede"


def predicted_sign(t, pts) -> np.ndarray:
    """The sign of G_a - G_b at the points, predicted from the threshold's roots alone."""
    roots, signs = t.crossings(**pts)
    x = pts[t.parameter]
    out = np.full(x.shape, np.nan)
    for j in range(x.size):
        r, d = roots[:, j], signs[:, j]
        ok = np.isfinite(r)
        if not ok.any():
            continue
        r, d = r[ok], d[ok]
        order = np.argsort(r)
        r, d = r[order], d[order]
        if np.any(x[j] == r):
            continue
        left = np.flatnonzero(r < x[j])
        out[j] = d[left[-1]] if left.size else -d[0]
    return out


# ---------------------------------------------------------------------------
# the API
# ---------------------------------------------------------------------------


def test_headline_call_gives_expression_latex_and_vectorized_function():
    t = kzgame.threshold("indispensability", between=("hold-up", "accept"), protocol="nash")
    assert isinstance(t, kzgame.Threshold)
    assert isinstance(t.expr, sp.Piecewise)
    assert r"\iota" not in t.latex and r"\beta" in t.latex  # solved for iota
    assert "outside" not in t.latex and "o_R" in t.latex.replace("o_{R}", "o_R")
    iota = t.func(share=[0.5, 0.6], outside_r=0.3, outside_e=np.array([[0.0], [0.1]]),
                  survival=0.8)
    assert iota.shape == (2, 2)
    # elementwise equal to scalar evaluation
    assert iota[1, 0] == pytest.approx(float(t.func(share=0.5, outside_r=0.3, outside_e=0.1,
                                                      survival=0.8)))


def test_iota_star_is_the_closed_form_of_model_md():
    """hold-up beats accept iff iota > ((1 - beta) Delta_R + h/q) / (beta Delta_E)."""
    t = threshold("indispensability")
    root, cond = t.in_stakes.args[0]
    b, q, h = model.SYMBOLS["power"], model.SYMBOLS["survival"], model.SYMBOLS["holdup_cost"]
    textbook = ((1 - b) * model.Delta_R + h / q) / (b * model.Delta_E)
    assert sp.simplify(root - textbook) == 0
    assert cond == sp.And(sp.Ne(q, 0), sp.Ne(model.Delta_E, 0))
    # invest beats accept iff o_R < sV - c / (1 - q)
    t = threshold("outside_r", between=("invest", "accept"))
    s, V, c = model.SYMBOLS["share"], model.SYMBOLS["surplus"], model.SYMBOLS["invest_cost"]
    assert sp.simplify(t.expr.args[0][0] - (s * V - c / (1 - q))) == 0
    assert (t.above, t.below) == ("accept", "invest")


def test_every_parameter_can_be_solved_for():
    for protocol in PROTOCOLS:
        used = kzgame.PROTOCOLS[protocol].parameters
        ts = all_thresholds(protocol)
        assert {p for (_, p) in ts} == set(used)  # every parameter has some threshold
        for (pair, name), t in ts.items():
            assert t.parameter == name and t.between == pair and t.exists
            assert model.SYMBOLS[name] not in t.expr.free_symbols
            assert isinstance(t.latex, str) and "nan" not in t.latex.lower().replace(
                r"\text{nan}", "")


def test_a_comparison_that_ignores_the_parameter_has_no_threshold():
    t = threshold("indispensability", ("invest", "accept"))
    assert not t.exists and t.condition is sp.false and t.above is None
    assert "none" in str(t)
    out = t.func(share=[0.2, 0.4, 0.6], survival=0.5, outside_r=0.0, outside_e=0.0)
    assert out.shape == (3,) and np.isnan(out).all()
    assert t.roots(share=[0.2, 0.4]).shape == (0, 2)


def test_rubinstein_discount_factors_are_parameters():
    t = threshold("discount_e", ("hold-up", "accept"), "rubinstein")
    assert t.exists
    with pytest.raises(kzgame.KzgameError, match="does not depend on discount_e"):
        threshold("discount_e", ("hold-up", "accept"), "nash")


def test_bad_input_raises_clear_errors():
    with pytest.raises(kzgame.ParameterError, match="unknown parameter 'iota'"):
        threshold("iota")
    with pytest.raises(kzgame.KzgameError, match="between"):
        threshold("survival", between=("hold-up", "hold-up"))
    with pytest.raises(kzgame.KzgameError, match="unknown protocol"):
        threshold("survival", protocol="haggle")
    with pytest.raises(kzgame.KzgameError, match="stake_e must be one of"):
        threshold("survival", assume={"stake_e": "big"})
    with pytest.raises(kzgame.KzgameError, match="unknown quantity"):
        threshold("survival", assume={"share": "positive"})
    t = threshold("indispensability")
    with pytest.raises(kzgame.ParameterError, match=r"survival = 1.5 is outside .*\[0, 1\]"):
        t.func(share=0.5, outside_r=0.1, outside_e=0.0, survival=1.5)
    with pytest.raises(kzgame.ParameterError, match="missing parameter"):
        t.func(share=0.5, outside_r=0.1, survival=0.5)
    with pytest.raises(kzgame.ParameterError, match="unknown parameter"):
        t.func(share=0.5, outside_r=0.1, outside_e=0.0, survival=0.5, iota=1)
    with pytest.raises(kzgame.KzgameError, match="unknown strategy"):
        region("bluff")


def test_the_solved_parameter_is_ignored_by_func():
    t = threshold("indispensability")
    p = kzgame.Period(share=0.5, outside_r=0.3, outside_e=0.0, indispensability=0.9,
                      survival=0.8, invest_cost=0.05)
    assert float(t.func(**p.as_dict())) == pytest.approx(0.4)


# ---------------------------------------------------------------------------
# zero coefficients: q = 0, Delta_E = 0, beta -> 1
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_no_threshold_where_the_comparison_does_not_depend_on_the_parameter(protocol):
    """Where .func is nan the pairwise comparison is the same for every value of x."""
    pts = draw(3000, seed=11)
    rng = np.random.default_rng(12)
    checked = 0
    for (pair, name), t in all_thresholds(protocol).items():
        x_star = t.func(**pts)
        none = ~np.isfinite(x_star)
        if not none.any():
            continue
        other = dict(pts)
        dom = DOMAINS[name]
        lo = dom.low if np.isfinite(dom.low) else -3.0
        hi = dom.high if np.isfinite(dom.high) else 3.0
        other[name] = np.clip(rng.uniform(lo, hi, x_star.size), 1e-9 if dom.low_open else lo,
                              hi - 1e-9 if dom.high_open else hi)
        d0 = difference(protocol, pair, pts)[none]
        d1 = difference(protocol, pair, other)[none]
        # the sign of G_a - G_b (who wins) is the same at any other x; points on a tie
        # (within the band) are left out: there rounding decides whether a root is seen
        tol = 1e-9 * scale(pts)[none] * (1 + np.abs(pts[name][none]) + np.abs(other[name][none]))
        clear = np.abs(d0) > tol
        # who wins: a tie (D = 0) goes to the tie rule's winner, so D touching 0 where the
        # winner stays the same is no threshold (issue 15: exit/hold-up at h = 0)
        tie = 1.0 if winner_on_tie(pair) == pair[0] else -1.0
        w0 = np.where(d0 == 0, tie, np.sign(d0))
        w1 = np.where(d1 == 0, tie, np.sign(d1))
        assert np.array_equal(w0[clear], w1[clear]), (pair, name)
        # where the comparison is identically a tie it stays one
        exact = d0 == 0
        ties = exact & (difference(protocol, pair, {**pts, name: pts[name] * 0.5 + 0.25})[
            none] == 0)
        # (or the same side wins: the tie rule's winner)
        assert np.all((np.abs(d1[ties]) <= tol[ties]) | (w1[ties] == tie)), (pair, name)
        checked += none.sum()
    assert checked > 100


def test_knife_edges_q_zero_and_delta_e_zero_give_nan():
    t = threshold("indispensability")
    assert np.isnan(t.func(share=0.5, outside_r=0.3, outside_e=0.0, survival=0.0))
    assert np.isnan(t.func(share=0.5, outside_r=0.3, outside_e=0.5, survival=0.8))  # Delta_E = 0
    # and indeed iota then changes nothing
    base = dict(share=0.5, outside_r=0.3, outside_e=0.5, survival=0.8, invest_cost=0.05)
    codes = kzgame.classify(indispensability=np.linspace(0, 1, 11), **base)
    assert len(set(codes.tolist())) == 1


def test_beta_to_one_concession_margin_vanishes():
    """Under nash, E's concession margin has the factor (1 - beta); ultimatum has none."""
    margin = model.gains("nash")["concession-margin"]
    assert sp.simplify(margin.subs(model.SYMBOLS["power"], 1)) == 0
    assert not threshold("indispensability", ("concede", "refuse"), "ultimatum").exists
    t = threshold("power", ("concede", "refuse"), "nash")
    assert t.expr.args[0][0] == 1  # the root is beta = 1, outside the open domain (0, 1)


def test_assumed_signs_restrict_the_condition_and_fix_the_sides():
    t = threshold("indispensability", assume={"stake_e": "positive"})
    assert (t.above, t.below) == ("hold-up", "accept")
    # outside the assumption there is no threshold
    assert np.isnan(t.func(share=0.5, outside_r=0.3, outside_e=0.9, survival=0.8))
    u = threshold("indispensability")
    assert float(t.func(share=0.5, outside_r=0.3, outside_e=0.1, survival=0.8)) == float(
        u.func(share=0.5, outside_r=0.3, outside_e=0.1, survival=0.8))


# ---------------------------------------------------------------------------
# symbolic = numeric
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_thresholds_predict_every_pairwise_comparison(protocol):
    """For every boundary and parameter, the side of x* predicts the sign of G_a - G_b
    (from the lambdified numeric gains), at every point outside the band."""
    pts = draw(600, seed=hash(protocol) % 1000)
    band = BAND * scale(pts)
    compared = 0
    for (pair, _), t in all_thresholds(protocol).items():
        d = difference(protocol, pair, pts)
        pred = predicted_sign(t, pts)
        ok = np.isfinite(pred) & (np.abs(d) > band)
        assert np.array_equal(np.sign(d[ok]), pred[ok]), t.name
        # where the threshold exists .func is one of the roots
        f = t.func(**pts)
        roots = t.roots(**pts)
        has = np.isfinite(f)
        assert np.all(np.any(np.isclose(roots[:, has], f[has], rtol=1e-9, atol=1e-12),
                             axis=0))
        compared += ok.sum()
    assert compared >= 10_000


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_regions_agree_with_classify_and_partition_the_space(protocol):
    pts = draw(6000, seed=7 + len(protocol))
    codes = kzgame.classify(protocol=protocol, **pts)
    near = kzgame.near_boundary(protocol=protocol, **pts)
    inside = np.stack([region(s, protocol).func(**pts) for s in STRATEGIES])
    # exactly one region everywhere, knife edges included
    assert np.all(inside.sum(axis=0) == 1)
    found = np.argmax(inside, axis=0)
    assert np.array_equal(found[~near], codes[~near])
    assert near.mean() < 0.2  # the edges mixed in put some points on boundaries


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_region_and_solve_agree(protocol):
    pts = draw(40, seed=3)
    for j in range(40):
        p = {k: float(v[j]) for k, v in pts.items()}
        with np.errstate(all="ignore"):
            import warnings

            with warnings.catch_warnings():
                warnings.simplefilter("ignore", kzgame.NoSurplusWarning)
                period = kzgame.Period(**p)
        strategy = kzgame.solve(period, protocol).strategy.value
        assert bool(region(strategy, protocol).func(**p)), (protocol, p)


def test_regions_in_stakes_reproduce_the_kpr_table():
    """With q > 0, beta in (0, 1), h = c = 0: hold-up iff R has the better outside options and
    is indispensable enough; accept when it is dispensable; invest when its options are poor."""
    base = dict(share=0.5, surplus=1.0, survival=0.5, invest_cost=0.0, holdup_cost=0.0,
                power=0.5)
    hold = region("hold-up").func
    acc = region("accept").func
    inv = region("invest").func
    # favourable outside options (Delta_R small), E needs the regime (Delta_E large)
    assert hold(outside_r=0.45, outside_e=0.0, indispensability=0.9, **base)
    assert acc(outside_r=0.5, outside_e=0.0, indispensability=0.0, **base)
    # unfavourable outside options: invest whatever iota
    assert inv(outside_r=-1.0, outside_e=0.0, indispensability=0.0, **base)
    assert inv(outside_r=-1.0, outside_e=0.0, indispensability=1.0, **base)


# ---------------------------------------------------------------------------
# both sides of each threshold
# ---------------------------------------------------------------------------


def tie_rule_best(g: dict) -> np.ndarray:
    """R's choice computed here from the gains: the largest, the first in the tie order on a
    tie; a hold-up only where E concedes (an independent statement of the tie rule)."""
    vals = np.stack([g["accept"], g["invest"],
                     np.where(g["concede"] >= 0, g["hold-up"], -np.inf), g["exit"]])
    return np.argmax(vals == vals.max(axis=0), axis=0)


def check_both_sides(protocol, pair, name, pts, eps_rel=1e-6):
    """Where crossing x* changes R's choice, the threshold says how; returns the count checked.

    At x* +- eps, R's choice is computed from the numeric gains (tie_rule_best) and by
    classify; where the choice changes across x* and the boundary's two outcomes are what
    changes, the side each is on must be the one the threshold's direction predicts.
    """
    t = threshold(name, pair, protocol)
    roots, signs = t.crossings(**pts)
    dom = DOMAINS[name]
    checked = 0
    sc = scale(pts)
    for r, d in zip(roots, signs, strict=True):
        eps = eps_rel * np.maximum(1.0, np.abs(np.nan_to_num(r)))
        ok = np.isfinite(r)
        ok &= dom.mask(np.where(ok, r - eps, 0.0)) & dom.mask(np.where(ok, r + eps, 0.0))
        if not ok.any():
            continue
        sub = {k: v[ok] for k, v in pts.items()}
        r, d, eps, s = r[ok], d[ok], eps[ok], sc[ok]
        up, down = dict(sub), dict(sub)
        up[name], down[name] = r + eps, r - eps
        g_up, g_down = numeric(protocol, up), numeric(protocol, down)
        best_up, best_down = tie_rule_best(g_up), tie_rule_best(g_down)
        got_up = kzgame.classify(protocol=protocol, **up)
        got_down = kzgame.classify(protocol=protocol, **down)
        # clear of rounding: the pair's difference is well outside the band on both sides,
        # or exactly 0 (a tie on a whole interval, as at a kink of the outside-option Max)
        keep = best_up != best_down
        for g in (g_up, g_down):
            diff = g[pair[0]] - g[pair[1]]
            keep &= (np.abs(diff) > 10 * BAND * s) | (diff == 0)
        above = np.where(d > 0, pair[0], pair[1])
        below = np.where(d > 0, pair[1], pair[0])
        if pair[0] in CODE:
            # the switch is between the pair's two strategies
            pair_codes = {CODE[pair[0]], CODE[pair[1]]}
            keep &= np.isin(best_up, list(pair_codes)) & np.isin(best_down, list(pair_codes))
            if not keep.any():
                continue
            expect_up = np.vectorize(CODE.get, otypes=[int])(above)
            expect_down = np.vectorize(CODE.get, otypes=[int])(below)
            np.testing.assert_array_equal(best_up[keep], expect_up[keep], err_msg=t.name)
            np.testing.assert_array_equal(best_down[keep], expect_down[keep], err_msg=t.name)
        else:
            # the switch is a hold-up becoming (un)available
            keep &= (best_up == 2) | (best_down == 2)
            if not keep.any():
                continue
            np.testing.assert_array_equal((g_up["concede"] >= 0)[keep], (above == "concede")[keep])
            np.testing.assert_array_equal((g_down["concede"] >= 0)[keep],
                                          (below == "concede")[keep])
        np.testing.assert_array_equal(got_up[keep], best_up[keep], err_msg=t.name)
        np.testing.assert_array_equal(got_down[keep], best_down[keep], err_msg=t.name)
        checked += int(keep.sum())
    return checked


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_both_sides_of_every_threshold(protocol):
    """Just above and just below x* the strategy is the one each side predicts."""
    pts = draw(3000, seed=21 + len(protocol))
    counts = {}
    for (pair, name) in all_thresholds(protocol):
        counts[(pair, name)] = check_both_sides(protocol, pair, name, pts)
    # every boundary between two strategies is seen switching the strategy somewhere
    for pair in BOUNDARIES:
        seen = sum(v for (p, _), v in counts.items() if p == pair)
        if pair == ("exit", "invest"):
            # a switch only where q c = 0 (test_exit_invest_switch_needs_qc_zero)
            continue
        if pair == ("exit", "hold-up") and protocol == "outside-option":
            # only at the end h* = 0 of the domain (test_outside_option_exit_holdup)
            continue
        if pair == ("concede", "refuse") and protocol == "ultimatum":
            assert seen == 0  # E is always exactly indifferent: no boundary
        else:
            # (under nash and rubinstein E refuses only where exit beats the hold-up, so its
            # boundary switches R's choice only on the knife edge h = 0, mixed into the draws)
            assert seen > 0, (protocol, pair)
    assert sum(counts.values()) > 500


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_exit_invest_switch_needs_qc_zero(protocol):
    """Where exit and invest tie (Delta_R = c) their gain is -q c <= 0, so accept is at least as
    good: R switches straight from invest to exit only on the knife edge q c = 0."""
    t = threshold("outside_r", ("exit", "invest"), protocol)
    root = t.expr if not isinstance(t.expr, sp.Piecewise) else t.expr.args[0][0]
    g_x = model.from_stakes(model.gains(protocol)["exit"]).subs(model.SYMBOLS["outside_r"], root)
    q, c = model.SYMBOLS["survival"], model.SYMBOLS["invest_cost"]
    assert sp.simplify(g_x + q * c) == 0


def test_outside_option_exit_holdup():
    """Outside-option principle: with Delta_R < 0 a conceded hold-up pays R exactly o_R - h,
    so it ties exit at h = 0 (and, first in the tie order, is chosen) and loses for h > 0."""
    base = dict(share=0.5, outside_r=0.7, outside_e=0.0, indispensability=0.9, survival=0.8,
                invest_cost=0.05, protocol="outside-option")
    assert int(kzgame.classify(holdup_cost=0.0, **base)) == Strategy.HOLD_UP.code
    assert int(kzgame.classify(holdup_cost=1e-12, **base)) == Strategy.EXIT.code
    t = threshold("holdup_cost", ("exit", "hold-up"), "outside-option")
    args = {k: v for k, v in base.items() if k != "protocol"}
    assert float(t.func(**args)) == 0.0
    assert t.sides(**args) == ("exit", "hold-up")


def unit(lo=0.0, hi=1.0):
    """[lo, hi] with its ends, but no values so small that products underflow to rounding."""
    return st.sampled_from([lo, hi]) | st.floats(lo + 1e-3, hi - 1e-3)


@st.composite
def params(draw_):
    """Periods drawn where iota matters: E needs the regime (Delta_E > 0), the regime is at risk
    (q not small), R's stake moderate; knife edges (h = 0, V = 1, ...) included."""
    V = draw_(st.sampled_from([1.0]) | st.floats(0.2, 5.0))
    s = draw_(unit())
    d_r = draw_(st.sampled_from([0.0]) | st.floats(-0.5, 0.5))
    d_e = draw_(st.floats(0.05, 1.0))
    return {
        "surplus": V,
        "share": s,
        "outside_r": s * V - d_r * V,
        "outside_e": (1 - s) * V - d_e * V,
        "indispensability": draw_(unit()),
        "survival": draw_(unit(0.2, 1.0)),
        "invest_cost": draw_(unit(0.0, 0.3)) * V,
        "power": draw_(st.floats(0.01, 0.99)),
        "holdup_cost": draw_(unit(0.0, 0.1)) * V,
        "discount_r": draw_(unit(0.0, 0.99)),
        "discount_e": draw_(unit(0.0, 0.99)),
    }


@given(p=params())
def test_just_above_and_below_iota_star(p):
    """Hypothesis over the parameters: on the two sides of iota* R's strategy differs as
    predicted, for every boundary and protocol where iota* is a switch of strategy."""
    pts = {k: np.array([v]) for k, v in p.items()}
    checked = 0
    for protocol in PROTOCOLS:
        for pair in BOUNDARIES:
            if threshold("indispensability", pair, protocol).exists:
                checked += check_both_sides(protocol, pair, "indispensability", pts)
    assume(checked > 0)  # iota* switches R's strategy under some protocol (about half the draws)


# ---------------------------------------------------------------------------
# the tolerance band
# ---------------------------------------------------------------------------


def test_points_on_a_boundary_are_in_the_band_and_tie_by_the_tie_rule():
    """Put points exactly on iota*: they are in the band; with atol the classifier gives the
    tie to the strategy first in the tie order; a step of 100 band-widths leaves the band."""
    pts = sample(40_000, seed=5, assume={"stake_e": "positive"})
    for pair in (("hold-up", "accept"), ("hold-up", "invest"), ("exit", "hold-up")):
        t = threshold("indispensability", pair)
        r = t.func(**pts)
        ok = np.isfinite(r) & (r > 0) & (r < 1)
        on = {k: v[ok] for k, v in pts.items()}
        on["indispensability"] = r[ok]
        g = numeric("nash", on)
        s = scale(on)
        rest = np.max([g[k] for k in STRATEGIES if k not in pair], axis=0)
        decisive = (np.minimum(g[pair[0]], g[pair[1]]) > rest + 1e-6 * s) & (
            g["concede"] > 1e-6 * s)
        assert decisive.sum() > 20, pair
        on = {k: v[decisive] for k, v in on.items()}
        assert kzgame.near_boundary(**on).all()
        tied = kzgame.classify(atol=1e-9 * scale(on).max(), **on)
        assert np.all(tied == min(CODE[pair[0]], CODE[pair[1]])), pair
        # away from the band the classifier and the threshold agree again
        _, signs = t.crossings(**on)
        for step in (+1, -1):
            moved = dict(on)
            slope = np.abs(difference("nash", pair, {**on, "indispensability": on[
                "indispensability"] + 1e-3}) - difference("nash", pair, on)) / 1e-3
            moved["indispensability"] = on["indispensability"] + step * 100 * BAND * scale(
                on) / np.maximum(slope, 1e-300)
            inside = DOMAINS["indispensability"].mask(moved["indispensability"])
            moved = {k: v[inside] for k, v in moved.items()}
            assert not kzgame.near_boundary(**moved).any()
            winner = np.where(step * signs[0][inside] > 0, pair[0], pair[1])
            expected = np.vectorize(CODE.get, otypes=[int])(winner)
            assert np.array_equal(kzgame.classify(**moved), expected)


def test_band_is_narrow_and_its_width_is_tol():
    pts = draw(20000, seed=9)
    near = kzgame.near_boundary(**pts)
    wide = kzgame.near_boundary(tol=1e-2, **pts)
    assert near.mean() < 0.1  # knife edges (q = 0, c = h = 0 ...) are genuine ties
    assert wide.mean() > near.mean()
    assert np.all(wide[near])  # monotone in tol
    with pytest.raises(kzgame.ParameterError, match="tol"):
        kzgame.near_boundary(tol=-1.0, **pts)
    with pytest.raises(kzgame.ParameterError, match=r"tol = '1e-9' is outside .*\[0, inf\)"):
        kzgame.near_boundary(tol="1e-9", **pts)  # was a TypeError from math.isfinite


def test_exact_tie_at_a_threshold_goes_to_the_earlier_strategy():
    """iota* = 1/2 exactly: at iota = 1/2 the tie between hold-up and accept goes to accept."""
    base = dict(share=0.5, outside_r=0.25, outside_e=0.0, survival=0.5, invest_cost=0.2)
    t = threshold("indispensability")
    assert float(t.func(**base)) == 0.5
    assert int(kzgame.classify(indispensability=0.5, **base)) == Strategy.ACCEPT.code
    assert bool(region("accept").func(indispensability=0.5, **base))
    assert not bool(region("hold-up").func(indispensability=0.5, **base))
    assert int(kzgame.classify(indispensability=0.5 + 1e-12, **base)) == Strategy.HOLD_UP.code
    assert int(kzgame.classify(indispensability=0.5 - 1e-12, **base)) == Strategy.ACCEPT.code


def test_parameter_names_match_period_fields():
    assert set(model.SYMBOLS) == set(PARAMETERS)
