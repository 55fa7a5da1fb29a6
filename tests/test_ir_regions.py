"""The documented IR games (kzgame.games) through the engine's symbolic analysis:
regions agree with classify point by point, and boundaries equal the literature's
closed forms, with classify switching outcome across each root."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

import kzgame
from kzgame.analysis.games import boundary, outcome_region
from kzgame.game.outcomes import outcome_codes
from kzgame.games import crisis_bargaining, deterrence


def _points(game, n, seed):
    rng = np.random.default_rng(seed)
    spans = {"v": (0.1, 2.0), "x": (0.0, 1.0)}
    return {k: rng.uniform(*spans.get(k, (0.0, 1.0)), n) for k in game.parameters}


@pytest.mark.parametrize("make", [deterrence, crisis_bargaining])
def test_regions_agree_with_classify(make):
    game = make()
    pts = _points(game, 20_000, 3)
    codes = kzgame.classify(game, **pts)
    names = outcome_codes(game).names
    for k, name in enumerate(names):
        if k not in np.unique(codes) and name not in game.outcomes:
            continue  # a chance set that no point reaches
        inside = outcome_region(game, name).func(**pts)
        np.testing.assert_array_equal(inside, codes == k, err_msg=name)
    assert len(np.unique(codes)) >= 2  # the sample crosses the boundaries


def test_deterrence_defender_threshold_is_fearons():
    """The defender resists iff k_D < (1 - p) v (when the challenger's threat is credible)."""
    game = deterrence()
    b = boundary(game, "k_D", ("concession", "war"))
    v, p = game.symbols["v"], game.symbols["p"]
    root = [piece for piece in b.expr.args if piece.cond is not sp.true][0].expr
    assert sp.simplify(root - (1 - p) * v) == 0
    # classify switches across the root: war just below, concession at and above
    base = dict(v=1.5, p=0.25, k_C=0.125, a=0.5)  # credible: a > k_C - p v
    star = (1 - base["p"]) * base["v"]
    ks = np.array([star - 1e-9, star, star + 1e-9])
    got = outcome_codes(game).decode(kzgame.classify(game, **base, k_D=ks))
    assert got.tolist() == ["war", "concession", "concession"]
    assert np.isclose(b.func(**base, k_D=0.0), star)


def test_crisis_bargaining_range_is_fearons():
    """B accepts iff x <= p + c_B; A prefers war iff x < p - c_A: the boundaries in x are the
    ends of the bargaining range [p - c_A, p + c_B]."""
    game = crisis_bargaining()
    b = boundary(game, "x", ("settlement", "A wins + B wins"))
    p, c_a, c_b = (game.symbols[k] for k in ("p", "c_A", "c_B"))
    roots = {piece.expr for piece in b.expr.args}
    assert any(sp.simplify(r - (p - c_a)) == 0 for r in roots)
    assert any(sp.simplify(r - (p + c_b)) == 0 for r in roots)
    base = dict(p=0.5, c_A=0.125, c_B=0.25)
    xs = np.array([0.25, 0.375, 0.5, 0.75, 0.875])  # inside [0.375, 0.75]: settlement
    got = outcome_codes(game).decode(kzgame.classify(game, **base, x=xs))
    assert got.tolist() == ["A wins + B wins", "settlement", "settlement", "settlement",
                            "A wins + B wins"]
