"""The period game as a tree on the engine: its outcomes, codes and gains are the model's."""

from __future__ import annotations

import numpy as np
import oracle
import pytest
import sympy as sp

import kzgame
from kzgame.game.gains import node_gains
from kzgame.game.outcomes import outcome_codes
from kzgame.games import PROTOCOLS, period
from kzgame.io.plots import PARAMETER_LABELS
from kzgame.params import PARAMETERS
from kzgame.strategy import Strategy


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_outcomes_are_the_strategy_codes(protocol):
    """The tree's outcome labels, in order, are Strategy's tie order and codes."""
    g = period(protocol)
    assert g.outcomes == tuple(s.value for s in Strategy)
    assert outcome_codes(g).names == g.outcomes
    assert g.players == ("R", "E")
    assert tuple(g.parameters) == PARAMETERS
    # R's tie order at the root is the strategy order; E concedes first
    assert g.nodes[0].actions == ("accept", "invest", "hold-up", "exit")
    assert g.node("hold-up").actions == ("concede", "refuse")


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_engine_gains_equal_model_md_closed_forms(protocol):
    """The gains the engine derives from the tree equal MODEL.md's formulas (tests/oracle.py)
    on random points: G_I, G_H, the refused hold-up, G_X and E's concession margin."""
    g = period(protocol)
    ng = node_gains(g)
    root, e_node = ng[0], ng[g.node("hold-up").index]
    leaf = {g.nodes[i].name: i for i in g.leaves}
    exprs = [root.gains[leaf[k]] for k in ("invest", "hold-up/concede", "hold-up/refuse", "exit")]
    exprs.append(-e_node.gains[leaf["hold-up/refuse"]])
    stakes = {d.symbol: d.expression for d in g.derived.values()}
    f = sp.lambdify(list(g.symbols.values()), [e.subs(stakes) for e in exprs], modules="numpy")
    rng = np.random.default_rng(7)
    n = 20_000
    pts = dict(surplus=rng.uniform(0.1, 3, n), share=rng.uniform(0, 1, n),
               outside_r=rng.uniform(-1, 2, n), outside_e=rng.uniform(-1, 2, n),
               indispensability=rng.uniform(0, 1, n), survival=rng.uniform(0, 1, n),
               invest_cost=rng.uniform(0, 1, n), power=rng.uniform(0.01, 0.99, n),
               holdup_cost=rng.uniform(0, 0.5, n), discount_r=rng.uniform(0, 0.99, n),
               discount_e=rng.uniform(0, 0.99, n))
    ours = f(*(pts[k] for k in g.symbols))
    theirs = oracle.gains(protocol, **pts)
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(np.broadcast_to(a, (n,)), b, rtol=1e-9, atol=1e-9)


def test_refused_hold_up_is_the_breakdown_exit_gives():
    """A refused hold-up pays R o_R - h and E d_E: exit's payoffs less R's cost, so at h = 0
    it is the same outcome (labelled exit)."""
    g = period("nash")
    h = g.symbols["holdup_cost"]
    assert sp.simplify(g.payoff("hold-up/refuse", "R") - (g.payoff("exit", "R") - h)) == 0
    assert sp.simplify(g.payoff("hold-up/refuse", "E") - g.payoff("exit", "E")) == 0
    assert g.node("hold-up/refuse").label == "exit"


def test_at_h_zero_a_refused_hold_up_is_reported_as_exit():
    """Knife edge h = 0 with exit best and E refusing: the engine's tie order picks hold-up,
    E refuses, and the outcome is exit, as the pre-engine rule ('called exit') had it."""
    p = kzgame.Period(share=0.5, outside_r=0.75, outside_e=0.0, indispensability=0.0,
                      survival=0.5, invest_cost=0.0, holdup_cost=0.0)
    r = kzgame.solve(p)
    assert r.strategy is Strategy.EXIT and not r.e_concedes
    assert r.equilibrium.path == ("hold-up", "refuse")
    assert "root" in r.equilibrium.ties
    # with a hold-up cost the refused hold-up is strictly worse than exit: no tie at the root
    r2 = kzgame.solve(p.replace(holdup_cost=0.125))
    assert r2.strategy is Strategy.EXIT and r2.equilibrium.path == ("exit",)
    assert "root" not in r2.equilibrium.ties


def test_plot_labels_come_from_the_registry():
    assert PARAMETER_LABELS["indispensability"] == r"$\iota$"
    assert set(PARAMETER_LABELS) == set(PARAMETERS)
