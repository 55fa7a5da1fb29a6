"""The period game's symbolic view: symbols, payoffs and gains, read from its tree.

The period game is defined once, as a tree on the engine
(:func:`kzgame.games.period`); this module reads its payoff table and its
gains (:mod:`kzgame.game.gains`) in the names MODEL.md uses, for the
thresholds, the report and users who want the formulas.

Examples
--------
>>> from kzgame import model
>>> model.gains("nash")["hold-up"]
-holdup_cost + indispensability*power*stake_e*survival + stake_r*survival*(power - 1)
>>> print(model.latex(model.gains("nash")["hold-up"]))
- h + \\iota \\beta \\Delta_{E} q + \\Delta_{R} q \\left(\\beta - 1\\right)
"""

from __future__ import annotations

from functools import cache
from typing import Any

import sympy as sp

from .game.gains import node_gains, simplify_gain
from .game.registry import DERIVED, REGISTRY
from .games.period_game import E_MOVES, PROTOCOLS, R_MOVES, Protocol, get_protocol, period

__all__ = [
    "E_MOVES",
    "GAIN_KEYS",
    "PROTOCOLS",
    "R_MOVES",
    "STAKES",
    "SYMBOLS",
    "Protocol",
    "breakdown_payoff",
    "from_stakes",
    "gains",
    "get_protocol",
    "latex",
    "payoffs",
    "to_stakes",
]

#: The parameter symbols, keyed by :class:`kzgame.Period` field name (from the registry).
SYMBOLS: dict[str, sp.Symbol] = {name: p.symbol for name, p in REGISTRY.items()}

V, s, o_R, o_E = (SYMBOLS[k] for k in ("surplus", "share", "outside_r", "outside_e"))

#: The stakes Delta_R = sV - o_R and Delta_E = (1 - s)V - o_E as symbols (from the registry).
STAKES: dict[str, sp.Symbol] = {name: d.symbol for name, d in DERIVED.items()}
Delta_R, Delta_E = STAKES["stake_r"], STAKES["stake_e"]


_LATEX_NAMES = {
    **{p.symbol: p.latex for p in REGISTRY.values()},
    **{d.symbol: d.latex for d in DERIVED.values()},
}


def latex(expr: sp.Basic, **options: Any) -> str:
    """LaTeX of a kzgame expression, with the symbols of MODEL.md (V, s, o_R, ...).

    Keyword arguments are passed on to :func:`sympy.latex`.

    Examples
    --------
    >>> print(latex(SYMBOLS["indispensability"] * SYMBOLS["power"]))
    \\iota \\beta
    """
    return sp.latex(expr, symbol_names={**_LATEX_NAMES, **options.pop("symbol_names", {})},
                    **options)


def breakdown_payoff() -> sp.Expr:
    """E's payoff d_E if R withdraws: the regime without R, (1 - iota) u_E(A) + iota o_E.

    Read from the period game's tree (E's payoff at exit).

    Examples
    --------
    >>> breakdown_payoff()
    indispensability*outside_e + (1 - indispensability)*(outside_e*(1 - survival) + ...)
    """
    return period("nash").payoff("exit", "E")


_LEAVES = {
    ("invest", "concede"): "invest", ("invest", "refuse"): "invest",
    ("accept", "concede"): "accept", ("accept", "refuse"): "accept",
    ("hold-up", "concede"): "hold-up/concede", ("hold-up", "refuse"): "hold-up/refuse",
    ("exit", "concede"): "exit", ("exit", "refuse"): "exit",
}  # fmt: skip


@cache
def payoffs(protocol: str = "nash") -> dict[tuple[str, str], tuple[sp.Expr, sp.Expr]]:
    """The 4x2 payoff table of MODEL.md, read from the period game's tree.

    Parameters
    ----------
    protocol : str, default "nash"
        A key of :data:`PROTOCOLS`.

    Returns
    -------
    dict
        ``(r_move, e_move) -> (u_R, u_E)`` for every ``r_move`` in
        :data:`R_MOVES` and ``e_move`` in :data:`E_MOVES`.  E's reply only
        matters after ``hold-up``; in the other rows both columns are equal.

    Examples
    --------
    >>> u_R, u_E = payoffs()[("hold-up", "refuse")]
    >>> u_R
    -holdup_cost + outside_r
    """
    game = period(protocol)
    return {
        (r, e): (game.payoff(_LEAVES[(r, e)], "R"), game.payoff(_LEAVES[(r, e)], "E"))
        for r in R_MOVES
        for e in E_MOVES
    }


def to_stakes(expr: sp.Expr) -> sp.Expr:
    """Rewrite ``expr`` in the stakes Delta_R, Delta_E instead of o_R, o_E, simplified.

    The engine's form of a gain (:func:`kzgame.game.gains.simplify_gain`).

    Examples
    --------
    >>> to_stakes(SYMBOLS["share"] * SYMBOLS["surplus"] - SYMBOLS["outside_r"])
    stake_r
    """
    return simplify_gain(expr, period("nash"))


def from_stakes(expr: sp.Expr) -> sp.Expr:
    """Replace Delta_R, Delta_E in ``expr`` by their definitions in V, s, o_R, o_E."""
    return sp.sympify(expr).subs({d.symbol: d.expression for d in DERIVED.values()})


#: The keys of :func:`gains`.
GAIN_KEYS: tuple[str, ...] = ("invest", "hold-up", "hold-up-refused", "exit", "concession-margin")


@cache
def gains(protocol: str = "nash") -> dict[str, sp.Expr]:
    """R's gains relative to Accept, and E's incentive to concede, in the stakes.

    Read from the engine's gains of the period game (:mod:`kzgame.game.gains`).

    Returns
    -------
    dict
        ``invest``: G_I = u_R(I) - u_R(A);
        ``hold-up``: G_H = u_R(H, concede) - u_R(A);
        ``hold-up-refused``: u_R(H, refuse) - u_R(A);
        ``exit``: G_X = u_R(X) - u_R(A);
        ``concession-margin``: u_E(H, concede) - u_E(H, refuse); E concedes
        iff it is >= 0 (on a tie E concedes).

    Examples
    --------
    >>> g = gains("nash")
    >>> g["exit"], g["concession-margin"]
    (-stake_r*survival, -survival*(power - 1)*(indispensability*stake_e + stake_r))
    """
    game = period(protocol)
    table = node_gains(game)
    r_node, e_node = table[0], table[game.node("hold-up").index]
    leaf = {game.nodes[i].name: i for i in game.leaves}
    return {
        "invest": r_node.gains[leaf["invest"]],
        "hold-up": r_node.gains[leaf["hold-up/concede"]],
        "hold-up-refused": r_node.gains[leaf["hold-up/refuse"]],
        "exit": r_node.gains[leaf["exit"]],
        # E's gain from refusing relative to conceding, negated
        "concession-margin": -e_node.gains[leaf["hold-up/refuse"]],
    }
