"""The comparisons a game's solution rests on, derived symbolically from its tree.

At a decision node n of player i every action is worth the expected payoff
of i over the leaves its subtree reaches.  Subtracting the same number from
every leaf changes no choice, so kzgame compares **gains**: the payoff of
i at each leaf of n's subtree minus i's payoff at a *reference leaf*, the
first leaf of the subtree (for the period game's R: accept).  Each gain is
simplified once, symbolically:

* where the game declares derived quantities (the stakes), the eliminated
  parameters are replaced, so that gains are written in them;
* the result is expanded and collected in the derived symbols, with
  factored coefficients (no cancellation between large terms);
* where the gain's numerator factors into a product of several factors,
  the factored form is kept: its sign, the only thing a choice needs, is then the
  product of the factors' signs and is computed as reliably as possible.

The numeric kernels, backward induction at a point, the regions and the
thresholds all use these same expressions, so that every path of the
package compares the same floating-point numbers.

Examples
--------
>>> from kzgame.game import Game, decision, outcome
>>> g = Game(decision("A", {"x": outcome(A="a", B=0), "y": outcome(A="2*a - b", B=1)}),
...          parameters={"a": "real", "b": "real"})
>>> node_gains(g)[0].gains
{1: 0, 2: a - b}
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from weakref import WeakKeyDictionary

import sympy as sp

from .tree import Game

__all__ = ["NodeGains", "node_gains", "simplify_gain"]


@dataclass(frozen=True)
class NodeGains:
    """The gains of one decision node.

    Attributes
    ----------
    node : int
        The decision node's index.
    player : str
        Who moves there.
    reference : int
        The reference leaf (the first leaf of the subtree).
    gains : dict of int to sympy.Expr
        For every leaf of the subtree: the player's payoff there minus its
        payoff at the reference leaf, simplified (:func:`simplify_gain`).
    """

    node: int
    player: str
    reference: int
    gains: dict[int, sp.Expr]


def simplify_gain(expr: sp.Expr, game: Game) -> sp.Expr:
    """The form in which kzgame writes a gain (see the module's docstring).

    Examples
    --------
    >>> from kzgame.games import period
    >>> g = period("nash")
    >>> u = g.payoff("hold-up/refuse", "R") - g.payoff("accept", "R")
    >>> simplify_gain(u, g)
    -holdup_cost - stake_r*survival
    """
    sub = {game.symbols[d.eliminates]: d.inverse for d in game.derived.values()}
    derived = [d.symbol for d in game.derived.values()]
    e = sp.expand(sp.simplify(sp.sympify(expr).xreplace(sub)))
    if e == 0:
        return sp.Integer(0)
    if derived:
        e = sp.collect(e, derived, func=sp.factor)
    factored = sp.factor(e)
    numerator = sp.fraction(factored)[0]
    if isinstance(numerator, sp.Mul) and sum(not a.is_number for a in numerator.args) >= 2:
        return factored
    return e


_CACHE: WeakKeyDictionary[Game, dict[int, NodeGains]] = WeakKeyDictionary()


def node_gains(game: Game) -> Mapping[int, NodeGains]:
    """The gains of every decision node of ``game``, by node index (cached per game)."""
    if game in _CACHE:
        return _CACHE[game]
    out: dict[int, NodeGains] = {}
    leaves = set(game.leaves)
    for n in game.nodes:
        if n.kind != "decision":
            continue
        sub = [i for i in game.subtree(n.index) if i in leaves]
        ref = sub[0]
        k = game.players.index(n.player)
        base = game.nodes[ref].payoffs[k]
        gains = {
            i: (sp.Integer(0) if i == ref else simplify_gain(game.nodes[i].payoffs[k] - base, game))
            for i in sub
        }
        assert n.player is not None  # a decision node
        out[n.index] = NodeGains(n.index, n.player, ref, gains)
    _CACHE[game] = out
    return out
