"""The agent QRE: equal to pygambit's agent logit QRE on exported trees, tends to the SPE.

Three checks of :func:`kzgame.estimation.qre`:

* pygambit's ``logit_solve_lambda`` on the behavior (agent) form of the same
  tree, exported by :mod:`kzgame.io.gambit`, at the same lambda: the same
  concept (each information set an agent, payoffs as given, lambda
  multiplying payoffs), so every choice probability must agree, up to the
  accuracy of Gambit's path following;
* as lambda grows the QRE tends to kzgame's subgame-perfect equilibrium at
  points without ties; at lambda = 0 play is uniform; at lambda = inf with
  an exact tie the probability is split equally;
* the probit choice probabilities equal the multivariate normal orthant
  probability computed by scipy (an independent integral).
"""

from __future__ import annotations

import numpy as np
import pytest

import kzgame
from kzgame.errors import GameError, ParameterError
from kzgame.estimation import qre, qre_path
from kzgame.game import Game, decision, outcome
from kzgame.games import crisis_bargaining, deterrence, period
from kzgame.io.gambit import to_pygambit

gbt = pytest.importorskip("pygambit", reason="pygambit (the 'gambit' extra) is not installed")
from pygambit.qre import logit_solve_lambda  # noqa: E402


def period_point(rng: np.random.Generator) -> dict[str, float]:
    return {
        "surplus": float(rng.uniform(0.5, 2.0)),
        "share": float(rng.uniform(0, 1)),
        "outside_r": float(rng.uniform(-0.5, 1.0)),
        "outside_e": float(rng.uniform(-0.5, 1.0)),
        "indispensability": float(rng.uniform(0, 1)),
        "survival": float(rng.uniform(0, 1)),
        "invest_cost": float(rng.uniform(0, 0.6)),
        "power": float(rng.uniform(0.05, 0.95)),
        "holdup_cost": float(rng.uniform(0, 0.2)),
        "discount_r": float(rng.uniform(0.5, 0.95)),
        "discount_e": float(rng.uniform(0.5, 0.95)),
    }


def deterrence_point(rng):
    return {"v": float(rng.uniform(0.5, 2)), "p": float(rng.uniform(0, 1)),
            "k_C": float(rng.uniform(0, 1)), "k_D": float(rng.uniform(0, 1)),
            "a": float(rng.uniform(0, 1))}


def crisis_point(rng):
    return {"x": float(rng.uniform(0, 1)), "p": float(rng.uniform(0, 1)),
            "c_A": float(rng.uniform(0, 0.5)), "c_B": float(rng.uniform(0, 0.5))}


CASES = [
    *[(lambda p=p: period(p), period_point) for p in ("nash", "ultimatum", "outside-option",
                                                        "rubinstein")],
    (lambda: deterrence(True), deterrence_point),
    (lambda: crisis_bargaining(), crisis_point),
]


def gambit_choices(gg, lam: float) -> dict[tuple[str, str], float]:
    """pygambit's agent logit QRE at ``lam``: (node path, action) -> probability."""
    (prof,) = logit_solve_lambda(gg, lam=[lam], use_strategic=False)
    assert abs(prof.lam - lam) < 1e-6 * max(1.0, lam)
    out = {}
    i = 0
    for player in gg.players:
        for infoset in player.infosets:
            (member,) = infoset.members
            for action in infoset.actions:
                out[(member.label, action.label)] = prof[i]
                i += 1
    assert i == len(prof)
    return out


@pytest.mark.parametrize("case", range(len(CASES)))
def test_equals_pygambit_agent_logit(case):
    make, draw = CASES[case]
    game = make()
    rng = np.random.default_rng(100 + case)
    for _ in range(3):
        params = draw(rng)
        gg = to_pygambit(game, exact=False, **{k: v for k, v in params.items()
                                               if k in game.parameters})
        for lam in (0.5, 3.0, 12.0):
            ours = qre(game, lam, **{k: v for k, v in params.items() if k in game.parameters})
            theirs = gambit_choices(gg, lam)
            assert set(theirs) == {(n, a) for n, acts in ours.choice.items() for a in acts}
            for (node, action), p in theirs.items():
                assert float(ours.choice[node][action]) == pytest.approx(p, abs=1e-6)


@pytest.mark.parametrize("case", [0, 2, 3, 4, 5])  # not ultimatum: E is always indifferent
def test_tends_to_the_spe(case):
    make, draw = CASES[case]
    game = make()
    rng = np.random.default_rng(200 + case)
    checked = 0
    for _ in range(40):
        params = {k: v for k, v in draw(rng).items() if k in game.parameters}
        spe = kzgame.solve(game, **params)
        margins = [abs(spe.margin(n)) for n in spe.choices]
        if spe.ties or min(margins) < 1e-2:
            continue
        checked += 1
        path = qre_path(game, **params)
        # the limit is the SPE: every node's chosen action gets probability 1
        for node, action in spe.choices.items():
            assert float(path.limit.choice[node][action]) == 1.0
        # uniform at 0, within 1e-12 of the limit at lambda = 1e4
        assert path.lambdas[0] == 0.0 and path.lambdas[-1] == 1e4
        for acts in path.qre.choice.values():
            for p in acts.values():
                assert p[0] == pytest.approx(1 / len(acts))
        assert path.distance[-1] < 1e-12
        assert path.distance[0] > 0.3
        # the SPE outcome's probability along the path ends at 1
        assert float(path.qre.outcomes[spe.outcome.split(" + ")[0]][-1]) == pytest.approx(
            1.0, abs=1e-9) or " + " in spe.outcome
    assert checked >= 10


def test_ultimatum_tie_is_split_in_the_limit_not_ordered():
    """Under the ultimatum protocol E gets d_E whether it concedes or refuses: a tie at every
    point.  The engine's SPE takes concede (the tie order); the QRE gives 1/2 at every lambda,
    and so does its limit (the documented difference)."""
    rng = np.random.default_rng(7)
    params = period_point(rng)
    spe = kzgame.solve(period("ultimatum"), **params)
    assert "hold-up" in spe.ties and spe.choices["hold-up"] == "concede"
    for lam in (0.0, 5.0, 1e4, np.inf):
        r = qre(period("ultimatum"), lam, **params)
        assert float(r.choice["hold-up"]["concede"]) == pytest.approx(0.5, abs=1e-12)


def test_lambda_zero_is_uniform_and_arrays_broadcast():
    g = deterrence(False)
    lam = np.array([0.0, 1.0, 10.0])
    r = qre(g, lam[:, None], v=1.0, p=np.array([0.2, 0.5]), k_C=0.3, k_D=0.4)
    assert r.leaves["status quo"].shape == (3, 2)
    np.testing.assert_allclose(r.leaves["status quo"][0], 0.5)
    total = sum(r.leaves.values())
    np.testing.assert_allclose(total, 1.0)
    # each column equals the scalar call
    for i, l_ in enumerate(lam):
        for j, p in enumerate([0.2, 0.5]):
            s = qre(g, l_, v=1.0, p=p, k_C=0.3, k_D=0.4)
            for k in r.leaves:
                assert r.leaves[k][i, j] == pytest.approx(float(s.leaves[k]), rel=1e-12)


def test_tie_at_infinity_split_equally():
    g = Game(decision("A", {"x": outcome(A="a"), "y": outcome(A="b"), "z": outcome(A=0)}),
             parameters={"a": "real", "b": "real"})
    r = qre(g, np.inf, a=1.0, b=1.0)
    assert [float(r.choice["root"][k]) for k in "xyz"] == [0.5, 0.5, 0.0]
    # finite lambda: equal values, equal probabilities
    r = qre(g, 7.0, a=1.0, b=1.0)
    assert float(r.choice["root"]["x"]) == float(r.choice["root"]["y"])


def test_probit_equals_multivariate_normal_orthant():
    from scipy.stats import multivariate_normal, norm

    g = Game(decision("A", {"x": outcome(A="a"), "y": outcome(A="b"), "z": outcome(A=0)}),
             parameters={"a": "real", "b": "real"})
    a, b, lam = 0.3, -0.2, 2.5
    r = qre(g, lam, model="probit", a=a, b=b)
    values = {"x": a, "y": b, "z": 0.0}
    cov = np.array([[2.0, 1.0], [1.0, 2.0]])  # e_b - e_a for the two other actions
    for k, v in values.items():
        others = [w for j, w in values.items() if j != k]
        expected = multivariate_normal(mean=[0, 0], cov=cov).cdf(
            [lam * (v - others[0]), lam * (v - others[1])])
        assert float(r.choice["root"][k]) == pytest.approx(expected, abs=2e-5)
    # two actions: the closed form
    g2 = deterrence(False)
    r2 = qre(g2, 1.7, model="probit", v=1.0, p=0.3, k_C=0.4, k_D=0.8)
    d = 1.7 * ((-1.0) - (-0.3 - 0.8)) / np.sqrt(2)
    assert float(r2.choice["challenge"]["concede"]) == pytest.approx(norm.cdf(d), rel=1e-12)


def test_bad_input():
    g = deterrence(False)
    with pytest.raises(ParameterError, match="lambda"):
        qre(g, -1.0, v=1.0, p=0.3, k_C=0.4, k_D=0.8)
    with pytest.raises(ParameterError, match="model"):
        qre(g, 1.0, model="cauchy", v=1.0, p=0.3, k_C=0.4, k_D=0.8)
    with pytest.raises(ParameterError, match="k_D"):
        qre(g, 1.0, v=1.0, p=0.3, k_C=0.4)
    with pytest.raises(ParameterError, match="increasing"):
        qre_path(g, [1.0, 0.5], v=1.0, p=0.3, k_C=0.4, k_D=0.8)
    imperfect = Game(decision("A", {
        "l": decision("B", {"u": outcome(A=1, B=0), "d": outcome(A=0, B=1)}, infoset="b"),
        "r": decision("B", {"u": outcome(A=0, B=0), "d": outcome(A=1, B=1)}, infoset="b"),
    }))
    with pytest.raises(GameError, match="perfect information"):
        qre(imperfect, 1.0)


def test_strategic_form_logit_is_another_concept():
    """Gambit's logit QRE on the (reduced) strategic form puts the logit on whole plans, not
    node by node: where a player moves twice (the Challenger, with audience costs) it gives
    other outcome probabilities than the agent QRE at the same lambda.  The agent QRE is the
    one compared above (use_strategic=False); this shows the comparison is not vacuous."""
    params = {"v": 1.0, "p": 0.3, "k_C": 0.4, "k_D": 0.8, "a": 0.2}
    game = deterrence(True)
    gg = to_pygambit(game, exact=False, **params)
    (prof,) = logit_solve_lambda(gg, lam=[2.0], use_strategic=True)
    challenger, defender = gg.players
    labels = [s.label for s in challenger.strategies]
    assert labels == ["1*", "21", "22"]  # status quo; challenge then back down; then fight
    c = [prof[i] for i in range(3)]
    d = [prof[3 + i] for i in range(2)]  # concede, resist
    strategic = {"status quo": c[0], "concession": (c[1] + c[2]) * d[0],
                 "back down": c[1] * d[1], "war": c[2] * d[1]}
    assert sum(strategic.values()) == pytest.approx(1.0)
    agent = qre(game, 2.0, **params).outcomes
    assert abs(float(agent["status quo"]) - strategic["status quo"]) > 0.1
