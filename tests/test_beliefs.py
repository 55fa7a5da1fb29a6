"""E's uncertainty about R (kzgame.analysis.beliefs): reductions, thresholds, monotonicity, input.

* degenerate priors (0 and 1) give the complete-information game's outcome
  for the type that is sure, outcome for outcome, on random points, for
  both uncertain parameters and both move orders; the complete-information
  games are solved by the engine's backward induction, and the screening
  game's also equals the period game under the outside-option protocol;
* the closed-form thresholds in E's prior agree with E's payoffs read off
  the tree;
* monotonicity (hypothesis): a higher prior on the indispensable type never
  lowers E's concession probability; a higher hold-up cost never raises the
  probability of a bluff;
* the continuum: the numeric cut-off equals the closed form (uniform) and
  a brute-force grid (beta);
* bad input raises ParameterError naming the value and the range.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kzgame.analysis.beliefs import (
    TypeDistribution,
    belief_solution,
    classify_beliefs,
    observables,
    prior_thresholds,
    screening_continuum,
    signalling_continuum,
)
from kzgame.errors import ParameterError
from kzgame.game.normal_form import evaluate
from kzgame.games import period
from kzgame.games.screening_game import screening_complete
from kzgame.games.signalling_game import signalling, signalling_complete
from kzgame.numeric.point import solve_game


def draw(rng, uncertain):
    v = dict(surplus=1.0, share=rng.uniform(0, 1), outside_r=rng.uniform(-0.4, 0.9),
             outside_e=rng.uniform(-0.3, 0.9), indispensability=rng.uniform(0, 1),
             survival=rng.uniform(0.05, 1), invest_cost=rng.uniform(0, 0.4),
             power=rng.uniform(0.05, 0.95), holdup_cost=rng.uniform(0.001, 0.15))
    lo, hi = sorted(rng.uniform(0, 1, 2)) if uncertain == "indispensability" \
        else sorted(rng.uniform(-0.4, 0.9, 2))
    return v, float(lo), float(hi)


def outcome_of(a, t, values):
    """The outcome label type t reaches under assessment a (asserting it is sure)."""
    dist = {}
    for prob, cond, label, _ in a.outcomes[t]:
        ind = 1.0 if cond is True or str(cond) == "True" else float(a.evaluate(cond, **values))
        dist[label] = dist.get(label, 0.0) + float(a.evaluate(prob, **values)) * ind
    best = max(dist, key=dist.get)
    assert dist[best] == pytest.approx(1.0, abs=1e-9), dist
    return best


CASES = [("signalling", "indispensability", True), ("signalling", "outside_r", False),
         ("signalling", "outside_r", True), ("screening", "indispensability", None),
         ("screening", "outside_r", None)]


@pytest.mark.parametrize("case", CASES, ids=lambda c: "-".join(map(str, c)))
def test_degenerate_priors_reduce_to_complete_information(case):
    order, uncertain, commitment = case
    sol = belief_solution(order, uncertain, commitment=commitment)
    complete = (signalling_complete(uncertain, commitment=commitment) if order == "signalling"
                else screening_complete(uncertain))
    rng = np.random.default_rng(abs(hash(case)) % 2**32)
    for _ in range(12):
        v, lo, hi = draw(rng, uncertain)
        for prior, t, sure in ((1.0, "high", hi), (0.0, "low", lo)):
            values = {k: x for k, x in v.items() if k != uncertain}
            values.update({f"{uncertain}_low": lo, f"{uncertain}_high": hi, "prior": prior})
            a = sol.select(**values)
            ours = outcome_of(a, t, values)
            full = dict(v, **{uncertain: sure, f"{uncertain}_low": lo,
                              f"{uncertain}_high": hi})
            theirs = solve_game(complete, **full).outcome
            assert ours == theirs, (case, values, a.describe())
            stake_r = v["share"] - (full["outside_r"] if uncertain != "outside_r" else sure)
            stake_e = 1 - v["share"] - v["outside_e"]
            if order == "screening" and (stake_e >= 0 or stake_r < 0):
                # the hold-up subgame of the outside-option protocol, where a refusal's
                # breakdown is not an empty threat (R would leave) or E wants to keep R
                spe = solve_game(period("outside-option"), **{k: x for k, x in full.items()
                                                           if k in period().parameters})
                reply = spe.choices["hold-up"]
                assert ours == ("hold-up" if reply == "concede" else "exit")


def test_ultimatum_claims_reduce_to_the_period_game():
    """With the ultimatum protocol's terms, a sure prior gives the period game's outcome."""
    sol = belief_solution("signalling", "indispensability", protocol="ultimatum")
    rng = np.random.default_rng(11)
    g = period("ultimatum")
    for _ in range(15):
        v, lo, hi = draw(rng, "indispensability")
        for prior, t, sure in ((1.0, "high", hi), (0.0, "low", lo)):
            values = {k: x for k, x in v.items() if k != "indispensability"}
            values.update(indispensability_low=lo, indispensability_high=hi, prior=prior)
            ours = outcome_of(sol.select(**values), t, values)
            assert ours == solve_game(g, **dict(v, indispensability=sure)).outcome


def test_thresholds_agree_with_the_tree():
    """E concedes a pooled claim-high iff p >= p*: E's payoffs read off the tree."""
    pstar = prior_thresholds("signalling", "indispensability")["claim-high"]
    syms = {str(s): s for s in pstar.free_symbols}
    g = signalling("indispensability")
    rng = np.random.default_rng(5)
    checked = 0
    for _ in range(40):
        v, lo, hi = draw(rng, "indispensability")
        p = float(rng.uniform(0, 1))
        values = {k: x for k, x in v.items() if k != "indispensability"}
        values.update(indispensability_low=lo, indispensability_high=hi, prior=p)
        stake_e = (1 - v["share"]) - v["outside_e"]
        if stake_e <= 0:
            continue
        tv = evaluate(g, exact=False, **values)
        leaf = {g.nodes[i].name: tv.leaf_payoffs[i][1] for i in g.leaves}
        gain = (p * (leaf["high/claim-high/concede"] - leaf["high/claim-high/refuse"])
                + (1 - p) * (leaf["low/claim-high/concede"] - leaf["low/claim-high/refuse"]))
        subs = {syms[k]: x for k, x in dict(values, stake_r=v["share"] - v["outside_r"],
                                            stake_e=stake_e).items() if k in syms}
        threshold = float(pstar.subs(subs))
        if abs(p - threshold) > 1e-9:
            assert (gain >= 0) == (p >= threshold)
            checked += 1
    assert checked > 20


def test_thresholds_in_latex():
    from kzgame.analysis.beliefs import thresholds_latex

    text = thresholds_latex("signalling", "indispensability")["claim-high"]
    assert "\\iota_{H}" in text and "\\Delta_{E}" in text and "\\beta" in text


def _random_points(seed, n=150):
    rng = np.random.default_rng(seed)
    lo, hi = np.sort(rng.uniform(0, 1, (2, n)), axis=0)
    return dict(share=rng.uniform(0, 1, n), outside_r=rng.uniform(-0.4, 0.9, n),
                outside_e=rng.uniform(-0.3, 0.9, n), survival=rng.uniform(0.05, 1, n),
                invest_cost=rng.uniform(0, 0.4, n), power=rng.uniform(0.05, 0.95, n),
                indispensability_low=lo, indispensability_high=hi + 1e-6 * (hi >= 1) * 0
                + (hi <= lo) * 1e-9)


@settings(deadline=None, max_examples=4)
@given(st.integers(0, 2**32 - 1))
def test_higher_prior_never_lowers_concession(seed):
    """Each example: 150 random periods, each at two priors p1 <= p2 (vectorized)."""
    v = _random_points(seed)
    rng = np.random.default_rng(seed + 1)
    n = len(v["share"])
    p1, p2 = np.sort(rng.uniform(0, 1, (2, n)), axis=0)
    h = rng.uniform(0, 0.15, n)
    both = {k: np.concatenate([x, x]) for k, x in v.items()}
    obs = observables(prior=np.concatenate([p1, p2]), holdup_cost=np.concatenate([h, h]),
                      **both)
    c = obs["concession"]
    assert np.all(c[n:] >= c[:n] - 1e-9), np.flatnonzero(c[n:] < c[:n] - 1e-9)


@settings(deadline=None, max_examples=4)
@given(st.integers(0, 2**32 - 1))
def test_higher_holdup_cost_never_raises_the_bluff(seed):
    """Each example: 150 random periods, each at two hold-up costs h1 <= h2 (vectorized)."""
    v = _random_points(seed)
    rng = np.random.default_rng(seed + 2)
    n = len(v["share"])
    h1, h2 = np.sort(rng.uniform(0, 0.2, (2, n)), axis=0)
    p = rng.uniform(0, 1, n)
    both = {k: np.concatenate([x, x]) for k, x in v.items()}
    obs = observables(prior=np.concatenate([p, p]), holdup_cost=np.concatenate([h1, h2]),
                      **both)
    b = obs["bluff"]
    assert np.all(b[n:] <= b[:n] + 1e-9), np.flatnonzero(b[n:] > b[:n] + 1e-9)


def test_observables_add_up():
    rng = np.random.default_rng(3)
    v, lo, hi = draw(rng, "outside_r")
    n = 50
    arr = {k: np.full(n, x) for k, x in v.items() if k != "outside_r"}
    arr.update(outside_r_low=lo, outside_r_high=hi, prior=np.linspace(0, 1, n))
    o = observables("signalling", "outside_r", **arr)
    total = o["accept"] + o["invest"] + o["exit"] + o["holdup"]
    assert np.allclose(total, 1)
    assert np.all(o["concession"] + o["refused"] <= o["holdup"] + 1e-9)
    assert np.all(o["successful_bluff"] <= o["bluff"] + 1e-9)


def test_classify_is_vectorized_and_matches_pointwise_selection():
    rng = np.random.default_rng(8)
    pts = []
    for _ in range(20):
        v, lo, hi = draw(rng, "indispensability")
        v.pop("indispensability")
        pts.append(dict(v, indispensability_low=lo, indispensability_high=hi,
                        prior=float(rng.uniform(0, 1))))
    arr = {k: np.array([p[k] for p in pts]) for k in pts[0]}
    cls = classify_beliefs(**arr)
    sol = cls.solution
    for k, p in enumerate(pts):
        assert sol.assessments[cls.index[k]] is sol.select(**p)


def test_screening_continuum_uniform_closed_form_and_grid():
    d = TypeDistribution("outside_r", -0.2, 0.6)
    rng = np.random.default_rng(4)
    n = 200
    v = dict(share=rng.uniform(0, 1, n), outside_e=rng.uniform(-0.3, 0.5, n),
             survival=rng.uniform(0.1, 1, n), indispensability=rng.uniform(0, 1, n))
    r = screening_continuum(d, **v)
    q, sV = v["survival"], v["share"]
    L = v["indispensability"] * q * ((1 - sV) - v["outside_e"])

    def obj(x):
        return d.cdf(sV[:, None] + x / q[:, None]) * (L[:, None] - x)

    grid = np.linspace(0, 1, 20001)[None, :] * np.maximum(0, q * (d.high - sV))[:, None]
    brute = obj(grid).max(axis=1)
    got = obj(r["offer"][:, None])[:, 0]
    assert np.all(got >= brute - 1e-7)
    interior = (L + q * (d.low - sV)) / 2
    inside = (interior > np.maximum(0, q * (d.low - sV)) + 1e-6) & (
        interior < q * (d.high - sV) - 1e-6) & (obj(interior[:, None])[:, 0] >= brute - 1e-9)
    assert inside.sum() > 10
    assert np.allclose(r["offer"][inside], interior[inside], atol=1e-6)
    beta = TypeDistribution("outside_r", -0.2, 0.6, shape="beta", a=2.0, b=5.0)
    rb = screening_continuum(beta, **v)

    def objb(x):
        return beta.cdf(sV[:, None] + x / q[:, None]) * (L[:, None] - x)

    assert np.all(objb(rb["offer"][:, None])[:, 0] >= objb(grid).max(axis=1) - 1e-6)


def test_signalling_continuum_pools_on_the_mean():
    d = TypeDistribution("indispensability", 0.2, 0.9)
    common = dict(share=0.3, outside_r=0.25, outside_e=0.1, survival=0.8, invest_cost=0.2,
                  holdup_cost=0.05)
    # beta = 0.9: R claims the terms E's expected loss just covers, x = E[iota] q Delta_E
    r = signalling_continuum(d, power=0.9, **common)
    assert float(r["terms"]) == pytest.approx(d.mean() * 0.8 * 0.6)
    assert 0.2 < float(r["claim"]) < 0.9 and float(r["holdup"]) == 1.0
    # beta = 0.5: even the top type's terms are below E's expected loss: R claims iota = 0.9
    r = signalling_continuum(d, power=0.5, **common)
    assert float(r["claim"]) == 0.9
    assert float(r["terms"]) == pytest.approx(0.8 * (0.5 * 0.9 * 0.6 - 0.5 * 0.05))


@pytest.mark.parametrize("bad, match", [
    (dict(prior=1.5), r"prior = 1\.5 is outside the allowed range \[0, 1\]"),
    (dict(prior=-0.1), r"prior = -0\.1 is outside the allowed range \[0, 1\]"),
    (dict(indispensability_high=1.2), r"indispensability_high = 1\.2 is outside .*\[0, 1\]"),
    (dict(indispensability_low=0.5, indispensability_high=0.5),
     r"indispensability_low = 0\.5 must be below indispensability_high = 0\.5"),
])
def test_bad_input(bad, match):
    v = dict(share=0.3, outside_r=0.25, outside_e=0.1, survival=0.8, invest_cost=0.2,
             holdup_cost=0.05, indispensability_low=0.2, indispensability_high=0.9, prior=0.5)
    v.update(bad)
    with pytest.raises(ParameterError, match=match):
        classify_beliefs(**v)


def test_bad_distributions():
    with pytest.raises(ParameterError, match=r"\[1\.5, 2\] has no mass .* \[0, 1\]"):
        TypeDistribution("indispensability", 1.5, 2.0)
    with pytest.raises(ParameterError, match="low < high"):
        TypeDistribution("outside_r", 0.5, 0.5)
    with pytest.raises(ParameterError, match="not supported"):
        TypeDistribution("share", 0.1, 0.5)


def test_screening_crisis_is_the_resolute_type_left_out():
    """E meets only the low reservation: the high type leaves, with probability p."""
    opts = dict(share=0.3, outside_e=0.1, survival=0.8, invest_cost=0.2, holdup_cost=0.05,
                indispensability=0.6, outside_r_low=0.2, outside_r_high=0.45)
    p = np.array([0.05, 0.1, 0.15])
    obs = observables("screening", "outside_r", prior=p, **opts)
    assert np.allclose(obs["meet-low"], 1) and np.allclose(obs["crisis"], p)
    # the threshold: r_H = 0.8 * 0.15 = 0.12, r_L = 0, loss = 0.6 * 0.8 * 0.6 = 0.288
    pstar = 0.12 / 0.288
    o = observables("screening", "outside_r", prior=np.array([pstar - 1e-6, pstar + 1e-6]),
                    **opts)
    assert o["meet-low"].tolist() == [1.0, 0.0] and o["crisis"][1] == 0.0


# --- the case: [periods.beliefs] in the model file, and the report's section --------

MODEL = __import__("pathlib").Path(__file__).resolve().parents[1] / "models" / \
    "kazakhstan_russia.toml"


def test_kazakhstan_beliefs_table_and_report_section(tmp_path):
    from kzgame.io.cases import load_case
    from kzgame.io.report_beliefs import beliefs_section, period_beliefs

    case = load_case(MODEL)
    (p,) = [p for p in case.periods if p.beliefs is not None]
    assert p.label == "2014–2019" and p.beliefs.assumption
    assert p.beliefs.values() == {"indispensability_low": 0.5, "indispensability_high": 0.8,
                                  "prior": 0.8}
    info = period_beliefs(p)
    # beta = 0.35: the indispensable type's Nash terms are below even the special partner's
    # loss, so E concedes the claim whatever its prior (p* < 0): a pooled bluff
    pstar = prior_thresholds("signalling", "indispensability")["claim-high"]
    subs = {s: {"power": 0.35, "indispensability_high": 0.8, "indispensability_low": 0.5,
                "stake_e": 0.6, "stake_r": 0.15}[str(s)] for s in pstar.free_symbols}
    assert float(pstar.subs(subs)) < 0
    assert info["signalling"] == "pooling on claim-high"
    assert info["observables"]["bluff"] == pytest.approx(0.2)
    assert info["margin"]["down"] is None and info["margin"]["up"] is None
    md = "\n".join(beliefs_section(case, tmp_path))
    assert "pooling on claim-high" in md and "**assumption**" in md
    assert (tmp_path / "beliefs-1.png").stat().st_size > 10_000


@pytest.mark.parametrize("old, new, match", [
    ("prior = 0.8\nassumption", "prior = 1.5\nassumption", r"prior = 1\.5 is outside"),
    ("low = 0.5\nhigh = 0.8", "low = 0.8\nhigh = 0.8", r"must be below"),
    ('parameter = "indispensability"', 'parameter = "share"', r"not an uncertain parameter"),
    ("assumption = true", "assumption = true\ncolour = 1", r"unknown key"),
])
def test_bad_beliefs_tables(old, new, match):
    from kzgame.io.cases import ModelFileError, loads_case

    text = MODEL.read_text()
    assert old in text
    book = (MODEL.parent / "codebooks" / "russia_led_regime.toml").resolve()
    text = text.replace('extends = "codebooks/russia_led_regime.toml"', f'extends = "{book}"')
    with pytest.raises(ModelFileError, match=match):
        loads_case(text.replace(old, new), name="k.toml")


def test_closed_form_iota_classifier_equals_the_pbe_solver():
    """The fast closed form (Result 1: pooling values) selects what the solver selects."""
    from kzgame.analysis.beliefs import IOTA_CLASSES, classify_iota_pooling

    rng = np.random.default_rng(12)
    n = 1500
    lo, hi = np.sort(rng.uniform(0, 1, (2, n)), axis=0)
    X = dict(share=rng.uniform(0, 1, n), outside_r=rng.uniform(-0.4, 0.9, n),
             outside_e=rng.uniform(-0.3, 0.9, n), survival=rng.uniform(0.05, 1, n),
             invest_cost=rng.uniform(0, 0.4, n), power=rng.uniform(0.05, 0.95, n),
             holdup_cost=rng.uniform(0, 0.15, n), indispensability_low=lo,
             indispensability_high=hi + 1e-9, prior=rng.uniform(0, 1, n))
    X["prior"][:200], X["prior"][200:400] = 0.0, 1.0
    for protocol in ("nash", "ultimatum"):
        g = classify_beliefs(protocol=protocol, **X)
        slow = [g.labels[k] for k in g.codes]
        fast = [IOTA_CLASSES[k] for k in classify_iota_pooling(protocol=protocol, **X)]
        assert slow == fast


def test_report_line_for_a_continuum_of_types():
    from kzgame.io.cases import loads_case
    from kzgame.io.report_beliefs import continuum_line as line
    from kzgame.io.report_beliefs import period_beliefs

    book = (MODEL.parent / "codebooks" / "russia_led_regime.toml").resolve()
    text = MODEL.read_text().replace('extends = "codebooks/russia_led_regime.toml"',
                                     f'extends = "{book}"')
    text = text.replace("assumption = true\nsource",
                        'assumption = true\ndistribution = "uniform"\nsource')
    (p,) = [p for p in loads_case(text).periods if p.beliefs is not None]
    assert p.beliefs.distribution == "uniform"
    # E's expected loss at the mean 0.65 covers the top type's nash terms: the claim is 0.8
    assert "indispensability 0.8" in line(p, period_beliefs(p)) and "R holds up" in line(
        p, period_beliefs(p))


def _brute_holders(o, rho, x, q, sV, c, h):
    """Which types hold up at E's concession probability rho: payoffs over accept."""
    invest = (1 - q) * (sV - o) - c
    exit_ = q * (o - sV)
    hold = rho * x + (1 - rho) * np.maximum(0.0, q * (o - sV)) - h
    return hold >= np.maximum(np.maximum(0.0, invest), exit_), o > sV


def test_signalling_continuum_outside_is_an_equilibrium_by_brute_force():
    from kzgame.analysis.beliefs import signalling_continuum_outside

    d = TypeDistribution("outside_r", -0.1, 0.7)
    types = np.linspace(d.low, d.high, 40001)  # uniform: equal weights
    rng = np.random.default_rng(1)
    n = 300
    P = dict(share=rng.uniform(0.2, 0.6, n), outside_e=rng.uniform(-0.2, 0.3, n),
             survival=rng.uniform(0.5, 1, n), indispensability=rng.uniform(0.2, 1, n),
             invest_cost=rng.uniform(0, 0.3, n), holdup_cost=rng.uniform(0.001, 0.05, n),
             power=rng.uniform(0.2, 0.95, n))
    r = signalling_continuum_outside(d, **P)
    interior = 0
    for k in range(n):
        q, sV, c, h = (P[key][k] for key in ("survival", "share", "invest_cost", "holdup_cost"))
        loss = P["indispensability"][k] * q * ((1 - sV) - P["outside_e"][k])
        x, rho = r["terms"][k], r["concede"][k]

        def e_gain(rh, x=x, q=q, sV=sV, c=c, h=h, loss=loss):
            hold, leaves = _brute_holders(types, rh, x, q, sV, c, h)
            if not hold.any():
                return None
            return (hold & leaves).sum() / hold.sum() * loss - x

        hold, leaves = _brute_holders(types, rho, x, q, sV, c, h)
        assert hold.mean() == pytest.approx(r["holdup"][k], abs=2e-3)
        assert (hold & leaves).mean() * (1 - rho) == pytest.approx(r["crisis"][k], abs=2e-3)
        g = e_gain(rho)
        if 0 < rho < 1:
            interior += 1
            assert abs(g) <= 5e-3 * (abs(loss) + abs(x) + 1e-9)  # E indifferent
        elif rho == 1:
            assert g is not None and g >= -1e-3 * (abs(loss) + abs(x))
        # R's best equilibrium: no higher concession probability is consistent
        for rh in np.linspace(rho, 1, 30)[1:]:
            gg = e_gain(rh)
            assert gg is None or gg < 5e-3 * (abs(loss) + abs(x) + 1e-9) or rh - rho < 0.04
    assert interior >= 2  # E mixing: crises nobody wanted (rare at these draws)


GAMES = [("signalling", "indispensability"), ("signalling", "outside_r"),
         ("screening", "indispensability"), ("screening", "outside_r")]


def belief_points(rng, uncertain, n, grid=False):
    """Random points of a two-type game; ``grid``: values on a coarse grid (exact ties)."""
    def u(a, b):
        if grid:
            return a + (b - a) * rng.integers(0, 5, n) / 4
        return rng.uniform(a, b, n)

    X = dict(share=u(0, 1), outside_r=u(-0.4, 0.9), outside_e=u(-0.3, 0.9),
             indispensability=u(0, 1), survival=u(0, 1), invest_cost=u(0, 0.4),
             power=u(0.05, 0.95), holdup_cost=u(0, 0.2), prior=u(0, 1))
    lo, hi = (u(0, 1), u(0, 1)) if uncertain == "indispensability" else (u(-0.4, 0.9),
                                                                          u(-0.4, 0.9))
    lo, hi = np.minimum(lo, hi), np.maximum(lo, hi)
    hi = np.where(hi > lo, hi, lo + 0.25)
    if uncertain == "indispensability":
        lo, hi = np.where(hi > 1, lo - 0.25, lo), np.minimum(hi, 1.0)
    X.pop(uncertain)
    X[f"{uncertain}_low"], X[f"{uncertain}_high"] = lo, hi
    k = n // 5
    X["prior"][:k], X["prior"][k:2 * k] = 0.0, 1.0
    return X


@pytest.mark.parametrize("order,uncertain", GAMES)
@pytest.mark.parametrize("grid", [False, True])
def test_compiled_classification_equals_the_reference(order, uncertain, grid):
    """The compiled kernel selects exactly what the NumPy reference selects (ties included)."""
    pytest.importorskip("numba")
    rng = np.random.default_rng(21 + grid)
    X = belief_points(rng, uncertain, 4000, grid)
    fast = classify_beliefs(order, uncertain, method="kernel", **X)
    slow = classify_beliefs(order, uncertain, method="reference", **X)
    assert np.array_equal(fast.index, slow.index)
    assert fast.labels == slow.labels and np.array_equal(fast.codes, slow.codes)
    assert len(set(fast.index.tolist())) > 1


@pytest.mark.parametrize("order,uncertain", GAMES)
@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), grid=st.booleans(),
       atol=st.sampled_from([1e-10, 0.0, 1e-3]))
def test_compiled_classification_equals_the_reference_hypothesis(order, uncertain, seed, grid,
                                                                 atol):
    pytest.importorskip("numba")
    X = belief_points(np.random.default_rng(seed), uncertain, 50, grid)
    sol = belief_solution(order, uncertain)
    from kzgame.analysis.beliefs import _values
    from kzgame.numeric.pbe_kernel import classify_solution

    v = _values(sol.game, uncertain, X)
    fast = classify_solution(sol, ("R", "E"), atol, method="kernel", **v)
    slow = sol.classify(("R", "E"), atol, **v)
    assert np.array_equal(fast, slow)
    # broadcasting and a scalar point give the same selection
    one = {k: (a[7] if np.ndim(a) else a) for k, a in v.items()}
    assert int(classify_solution(sol, ("R", "E"), atol, method="kernel", **one)) == fast[7]


def test_compiled_classification_other_protocols_and_commitment():
    pytest.importorskip("numba")
    rng = np.random.default_rng(5)
    for uncertain, kw in (("indispensability", dict(protocol="ultimatum")),
                          ("outside_r", dict(commitment=True))):
        X = belief_points(rng, uncertain, 3000, False)
        fast = classify_beliefs("signalling", uncertain, method="kernel", **kw, **X)
        slow = classify_beliefs("signalling", uncertain, method="reference", **kw, **X)
        assert np.array_equal(fast.index, slow.index)


def test_classify_method_is_checked():
    X = belief_points(np.random.default_rng(0), "outside_r", 5)
    with pytest.raises(Exception, match="method"):
        classify_beliefs("screening", "outside_r", method="fast", **X)
