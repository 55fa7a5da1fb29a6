"""The subgame-perfect equilibrium of any game at one parameter point (``kzgame.solve(game)``)."""

from __future__ import annotations

from typing import Any
from weakref import WeakKeyDictionary

import numpy as np
import sympy as sp

from ..game.induction import SubgamePerfect, backward_induction, require_perfect_information
from ..game.tree import Game
from ..params import check_atol
from .codegen import gains_code, gains_function

__all__ = ["check_atol", "solve_game"]

_PAYOFFS: WeakKeyDictionary[Game, Any] = WeakKeyDictionary()


def _payoff_function(game: Game) -> Any:
    if game not in _PAYOFFS:
        exprs = [game.nodes[i].payoffs for i in game.leaves]
        flat = [e for row in exprs for e in row]
        _PAYOFFS[game] = sp.lambdify(list(game.symbols.values()), flat, modules="numpy")
    return _PAYOFFS[game]


def solve_game(game: Game, *, atol: float = 0.0, **params: Any) -> SubgamePerfect:
    """The subgame-perfect equilibrium of ``game`` at ``params``, by backward induction.

    Parameters
    ----------
    game : Game
        A game of perfect information (chance nodes allowed).
    atol : float, default 0.0
        Values within ``atol`` of a node's best count as tied (the tie goes
        to the first action in the node's tie order).
    **params : float
        The game's parameters by name (defaults filled in from the registry).

    Returns
    -------
    SubgamePerfect

    Raises
    ------
    ParameterError
        On an unknown, missing or out-of-domain parameter, a chance
        probability outside [0, 1] at these values, or gains that overflow.
    GameError
        If the game has information sets with more than one node.

    Examples
    --------
    >>> from kzgame.game import Game, decision, outcome
    >>> g = Game(decision("A", {"x": outcome(A="a", B=0), "y": outcome(A=1, B=1)}),
    ...          parameters={"a": "real"})
    >>> solve_game(g, a=2.0).outcome, solve_game(g, a=1.0).ties
    ('x', ('root',))
    """
    require_perfect_information(game, "solve")
    atol = check_atol(atol)
    values = game.values(params)
    code = gains_code(game)
    out: Any = None
    pay: Any = None
    try:  # Python floats first: the same IEEE operations as numpy's, without its overhead
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            out = gains_function(game)(*(values[k] for k in code.inputs))
            pay = _payoff_function(game)(*values.values())
    except ArithmeticError:  # a division by zero or an overflowing power
        out = None
    if out is None or not all(isinstance(x, float) for x in (*out, *pay)):
        # numpy scalars, so that a division by zero or a complex power gives inf or nan
        # (reported with the node and leaf below) as in classify, not a Python exception
        # or a complex number
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            floats = {k: np.float64(v) for k, v in values.items()}
            out = gains_function(game)(*(floats[k] for k in code.inputs))
            pay = _payoff_function(game)(*floats.values())
    named = dict(zip(code.outputs, (float(x) for x in out), strict=True))
    gains: dict[int, dict[int, float]] = {}
    for (n, leaf), var in code.gains.items():
        gains.setdefault(n, {})[leaf] = named[var]
    probs: dict[int, list[float]] = {}
    for (n, _b), var in code.probabilities.items():
        probs.setdefault(n, []).append(named[var])
    k = len(game.players)
    leaf_payoffs = {
        leaf: [float(x) for x in pay[j * k:(j + 1) * k]] for j, leaf in enumerate(game.leaves)
    }
    return backward_induction(game, values, gains, probs, leaf_payoffs, atol)
