"""The four bargaining protocols: textbook closed forms, limits, and their comparison.

The textbook forms are derived here independently of kzgame.model (Rubinstein's
stationary equilibrium, the ultimatum proposer's demand, the Nash product's
first-order condition, the outside-option principle) and compared with the
payoffs the package derives from its one definition of the game.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import sympy as sp

import kzgame
from kzgame import model
from kzgame.analysis import BOUNDARIES, all_thresholds, region, threshold
from kzgame.analysis.statics import sample
from kzgame.params import PARAMETERS

PROTOCOLS = tuple(kzgame.PROTOCOLS)
S = model.SYMBOLS
o_R, h, beta = S["outside_r"], S["holdup_cost"], S["power"]
d_R, d_E = S["discount_r"], S["discount_e"]


def split(protocol):
    """(R's, E's) payoffs under a conceded hold-up before h, the status quo, E's threat point."""
    t = model.payoffs(protocol)
    u_RA, u_EA = t[("accept", "concede")]
    agree_R, agree_E = t[("hold-up", "concede")]
    return agree_R + h, agree_E, u_RA, u_EA, model.breakdown_payoff()


# ---------------------------------------------------------------------------
# textbook closed forms
# ---------------------------------------------------------------------------


def test_rubinstein_share_is_the_stationary_equilibrium_of_alternating_offers():
    """R proposes first: x = 1 - delta_E y and y = 1 - delta_R x (each proposer offers the
    responder exactly the discounted value of proposing next), so x = (1 - dE)/(1 - dR dE)."""
    x, y = sp.symbols("x y")
    (sol,) = sp.solve([sp.Eq(x, 1 - d_E * y), sp.Eq(y, 1 - d_R * x)], [x, y], dict=True)
    textbook = sp.simplify(sol[x])
    assert sp.simplify(textbook - (1 - d_E) / (1 - d_R * d_E)) == 0
    agree_R, _, u_RA, u_EA, d_E_payoff = split("rubinstein")
    gains_from_agreement = u_RA + u_EA - o_R - d_E_payoff
    share = sp.simplify((agree_R - o_R) / gains_from_agreement)
    assert sp.simplify(share - textbook) == 0


def test_ultimatum_proposer_takes_all_the_gains():
    agree_R, agree_E, u_RA, u_EA, d_E_payoff = split("ultimatum")
    assert sp.simplify(agree_E - d_E_payoff) == 0  # E is left at its threat point
    assert sp.simplify(agree_R - (u_RA + u_EA - d_E_payoff)) == 0  # R takes the rest
    assert model.gains("ultimatum")["concession-margin"] == 0  # so E is indifferent


def test_nash_split_maximizes_the_generalized_nash_product():
    """On the frontier u_R + u_E = S, (u_R - o_R)^beta (u_E - d_E)^(1 - beta) is maximal at
    u_R = o_R + beta (S - o_R - d_E)."""
    agree_R, agree_E, u_RA, u_EA, d_E_payoff = split("nash")
    u = sp.Symbol("u")
    total = u_RA + u_EA
    log_product = beta * sp.log(u - o_R) + (1 - beta) * sp.log(total - u - d_E_payoff)
    foc = sp.diff(log_product, u).subs(u, agree_R)
    assert sp.simplify(foc) == 0
    assert sp.simplify(agree_R + agree_E - total) == 0  # efficient: on the frontier


def test_outside_option_principle():
    """BSS (1989): the status quo is the inside option; R's outside option matters only if it
    binds: R gets max(u_R(A), o_R) and E pays the top-up, on random points."""
    agree_R, agree_E, u_RA, u_EA, _ = split("outside-option")
    syms = [S[k] for k in PARAMETERS]
    f = sp.lambdify(syms, [agree_R, agree_E, u_RA, u_EA], modules="numpy")
    pts = sample(20_000, seed=4)
    a_R, a_E, r_A, e_A = f(*(pts[k] for k in PARAMETERS))
    np.testing.assert_allclose(a_R, np.maximum(r_A, pts["outside_r"]), rtol=0, atol=1e-12)
    np.testing.assert_allclose(a_E, e_A - np.maximum(0.0, pts["outside_r"] - r_A), rtol=0,
                               atol=1e-12)
    # the outside option binds in some draws and not in others
    binds = pts["outside_r"] > r_A
    assert 0.1 < binds.mean() < 0.9


# ---------------------------------------------------------------------------
# limits
# ---------------------------------------------------------------------------


def test_rubinstein_tends_to_nash_with_equal_power_symbolically():
    d = sp.Symbol("d", positive=True)
    for key, g in model.gains("rubinstein").items():
        lim = sp.limit(g.subs({d_R: d, d_E: d}), d, 1, dir="-")
        nash = model.gains("nash")[key].subs(beta, sp.Rational(1, 2))
        assert sp.simplify(lim - nash) == 0, key


def test_ultimatum_is_nash_at_beta_one_symbolically():
    for key, g in model.gains("nash").items():
        assert sp.simplify(sp.limit(g, beta, 1, dir="-") - model.gains("ultimatum")[key]) == 0


def _agree_away_from_band(pts_a, proto_a, pts_b, proto_b):
    a = kzgame.classify(protocol=proto_a, **pts_a)
    b = kzgame.classify(protocol=proto_b, **pts_b)
    near = kzgame.near_boundary(protocol=proto_a, tol=1e-6, **pts_a) | kzgame.near_boundary(
        protocol=proto_b, tol=1e-6, **pts_b)
    assert near.mean() < 0.05
    np.testing.assert_array_equal(a[~near], b[~near])
    return (~near).sum()


def test_rubinstein_with_patient_players_classifies_like_nash_with_beta_half():
    pts = sample(20_000, seed=8)
    patient = {**pts, "discount_r": np.full(20_000, 1 - 1e-8),
               "discount_e": np.full(20_000, 1 - 1e-8)}
    half = {**pts, "power": np.full(20_000, 0.5)}
    assert _agree_away_from_band(patient, "rubinstein", half, "nash") > 15_000
    # and the thresholds converge, linearly in 1 - delta (beta - 1/2 ~ (1 - delta) / 4)
    def with_delta(d):
        return {**pts, "discount_r": np.full(20_000, d), "discount_e": np.full(20_000, d)}

    for pair in (("hold-up", "accept"), ("hold-up", "invest"), ("exit", "hold-up")):
        n = threshold("indispensability", pair, "nash").func(**half)
        far = np.abs(threshold("indispensability", pair, "rubinstein").func(
            **with_delta(1 - 1e-3)) - n)
        near = np.abs(threshold("indispensability", pair, "rubinstein").func(
            **with_delta(1 - 1e-6)) - n)
        ok = np.isfinite(n) & (np.abs(n) < 100)
        assert ok.sum() > 10_000
        assert np.all(near[ok] <= 2e-3 * far[ok] + 1e-9 * (1 + np.abs(n[ok])))


def test_ultimatum_is_the_limit_of_nash_as_beta_tends_to_one():
    pts = sample(20_000, seed=9)
    strong = {**pts, "power": np.full(20_000, 1 - 1e-9)}
    assert _agree_away_from_band(strong, "nash", pts, "ultimatum") > 15_000
    u = threshold("indispensability", ("hold-up", "accept"), "ultimatum").func(**pts)
    t = threshold("indispensability", ("hold-up", "accept"), "nash")
    far = np.abs(t.func(**{**pts, "power": np.full(20_000, 1 - 1e-3)}) - u)
    near = np.abs(t.func(**{**pts, "power": np.full(20_000, 1 - 1e-6)}) - u)
    ok = np.isfinite(u) & (np.abs(u) < 100)
    assert ok.sum() > 10_000
    assert np.all(near[ok] <= 2e-3 * far[ok] + 1e-9 * (1 + np.abs(u[ok])))


# ---------------------------------------------------------------------------
# protocol= everywhere, and the comparison
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_every_threshold_function_takes_the_protocol(protocol):
    assert all(t.protocol == protocol for t in all_thresholds(protocol).values())
    assert region("hold-up", protocol).protocol == protocol
    tab = kzgame.comparative_statics("invest_cost", protocol, boundaries=[("invest", "accept")])
    assert tab.protocol == protocol
    p = kzgame.Period(share=0.5, outside_r=0.3, outside_e=0.0, indispensability=0.5,
                      survival=0.8, invest_cost=0.05)
    assert all(c.strategy == kzgame.solve(p, protocol).strategy
               for c in kzgame.counterfactuals(p, protocol))
    with pytest.raises(kzgame.KzgameError, match="unknown protocol"):
        region("hold-up", protocol + "x")


def test_compare_protocols_on_a_period_matches_solve():
    p = kzgame.Period(share=0.45, outside_r=0.3, outside_e=-0.15, indispensability=0.8,
                      survival=0.8, invest_cost=0.05, power=0.4, holdup_cost=0.05)
    cmp = kzgame.compare_protocols(p)
    assert cmp.protocols == PROTOCOLS
    for name in PROTOCOLS:
        assert cmp.strategies[name] is kzgame.solve(p, name).strategy
        assert cmp.results[name].protocol == name
    assert cmp.agree == (len({s for s in cmp.strategies.values()}) == 1)
    text = str(cmp)
    assert all(name in text for name in PROTOCOLS)
    assert ("robust" in text) == cmp.agree


def test_compare_protocols_on_arrays_matches_classify():
    pts = sample(5000, seed=10)
    cmp = kzgame.compare_protocols(**pts)
    for name in PROTOCOLS:
        np.testing.assert_array_equal(cmp.codes[name], kzgame.classify(protocol=name, **pts))
    stacked = np.stack([cmp.codes[k] for k in PROTOCOLS])
    np.testing.assert_array_equal(cmp.agree, (stacked == stacked[0]).all(axis=0))
    for shares in cmp.shares().values():
        assert sum(shares.values()) == pytest.approx(1.0)
    # protocols differ somewhere: which classification survives is a result
    assert 0.0 < cmp.agree.mean() < 1.0
    names = cmp.strategies["nash"]
    assert set(np.unique(names)) <= {"accept", "invest", "hold-up", "exit"}


def test_compare_protocols_errors_and_subset():
    p = kzgame.Period(share=0.5, outside_r=0.3, outside_e=0.0, indispensability=0.5,
                      survival=0.8, invest_cost=0.05)
    with pytest.raises(kzgame.KzgameError, match="not both"):
        kzgame.compare_protocols(p, share=0.5)
    with pytest.raises(kzgame.KzgameError, match="give a Period"):
        kzgame.compare_protocols()
    with pytest.raises(kzgame.KzgameError, match="unknown protocol"):
        kzgame.compare_protocols(p, protocols=["nash", "haggle"])
    with pytest.raises(TypeError):
        kzgame.compare_protocols(p.as_dict())
    # a string is not split into letters ("unknown protocol 'n'")
    with pytest.raises(kzgame.KzgameError, match=r"list of protocol names, e.g. \['nash'\]"):
        kzgame.compare_protocols(p, protocols="nash")
    sub = kzgame.compare_protocols(p, protocols=["nash", "rubinstein"])
    assert sub.protocols == ("nash", "rubinstein") and sub.agree


def test_compare_protocols_on_no_points():
    """Empty arrays: no shares, and the summary says so (it printed 'nan%' with a warning)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cmp = kzgame.compare_protocols(share=np.array([]), outside_r=0.3, outside_e=0.0,
                                       indispensability=0.5, survival=0.8, invest_cost=0.05)
        text = str(cmp)
    assert cmp.agree.shape == (0,)
    assert all(v == 0.0 for shares in cmp.shares().values() for v in shares.values())
    assert text.splitlines()[-1] == "no points to compare" and "nan" not in text


def test_the_kpr_table_under_every_protocol():
    """Unfavourable outside options (Delta_R large): invest under every protocol; favourable
    options and R indispensable: hold-up under the weighted splits."""
    base = dict(share=0.5, outside_e=0.0, survival=0.5, invest_cost=0.0, holdup_cost=0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", kzgame.NoSurplusWarning)
        poor = kzgame.compare_protocols(outside_r=-1.0, indispensability=[0.0, 1.0], **base)
    assert all((c == 1).all() for c in poor.codes.values())
    rich = kzgame.compare_protocols(outside_r=0.45, indispensability=1.0, **base)
    assert {k: int(v) for k, v in rich.codes.items() if k != "outside-option"} == {
        "nash": 2, "rubinstein": 2, "ultimatum": 2}
    # every boundary is defined under every protocol except where it cannot exist
    for protocol in PROTOCOLS:
        got = {pair for (pair, _) in all_thresholds(protocol)}
        missing = set(BOUNDARIES) - got
        assert missing <= {("concede", "refuse")}
        assert (missing != set()) == (protocol == "ultimatum")
