"""Edge cases of the engine's numeric paths: one-leaf games, and payoffs that are not finite
or not real at some parameter values, in solve and classify alike."""

from __future__ import annotations

import numpy as np
import pytest

import kzgame
from kzgame.errors import ParameterError
from kzgame.game import Game, decision, outcome


def test_a_game_that_is_one_leaf_is_solved_and_classified():
    g = Game(outcome(A="a", B=2), parameters={"a": "real"})
    r = kzgame.solve(g, a=1.5)
    assert r.outcome == "root" and r.path == () and r.payoffs == {"A": 1.5, "B": 2.0}
    for backend in ("numpy", "numba"):
        codes = kzgame.classify(g, a=np.array([0.0, 1.0]), backend=backend)
        assert codes.tolist() == [0, 0]


@pytest.mark.parametrize(("payoff", "value", "message"), [
    ("1/t", 0.0, "infinite"),             # division by zero
    ("1/t", 1e-320, "infinite"),          # overflow of a subnormal's inverse
    ("t**(1/3)", -8.0, "not defined"),    # a real power of a negative number
    ("log(t)", -1.0, "not defined"),
])  # fmt: skip
def test_a_payoff_that_is_not_a_real_number_is_a_parameter_error(payoff, value, message):
    g = Game(decision("A", {"x": outcome(A=payoff), "y": outcome(A=0)}),
             parameters={"t": "real"})
    with pytest.raises(ParameterError, match=message):
        kzgame.solve(g, t=value)
    for backend in ("numpy", "numba"):
        with pytest.raises(ParameterError, match="t=" + repr(value)):
            kzgame.classify(g, t=np.array([2.0, value]), backend=backend)
    # where the payoff is a real number the same game is solved, by both paths alike
    assert kzgame.solve(g, t=2.0).outcome == "x"
    assert kzgame.classify(g, t=np.array([2.0, 3.0])).tolist() == [0, 0]


def test_functions_the_parser_allows_run_in_every_path():
    g = Game(decision("A", {"x": outcome(A="sqrt(t)"), "y": outcome(A="exp(t) - log(t + 2)")}),
             parameters={"t": "positive"})
    ts = np.array([0.25, 1.0, 4.0])
    expected = [int(kzgame.solve(g, t=float(t)).code) for t in ts]
    assert expected == [0, 1, 1]  # sqrt(t) > exp(t) - log(t + 2) only for small t
    for backend in ("numpy", "numba"):
        assert kzgame.classify(g, t=ts, backend=backend).tolist() == expected


@pytest.mark.parametrize("value", [[[1.0, 2.0], [3.0]], [1.0, 2.0], "1", 1 + 0j, None])
def test_solve_refuses_a_value_that_is_not_one_real_number(value):
    """A ragged list used to escape as numpy's ValueError; every non-number names the parameter."""
    g = Game(decision("A", {"x": outcome(A="k"), "y": outcome(A=0)}), parameters={"k": "real"})
    with pytest.raises(ParameterError, match="^k "):
        kzgame.solve(g, k=value)
