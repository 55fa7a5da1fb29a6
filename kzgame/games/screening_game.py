"""The screening game: after R's hold-up, E, knowing only its prior, offers terms.

Fearon's (1995) risk-return trade-off in the period game's payoffs.

Who knows what
--------------
Nature draws R's type, high with probability ``prior``; R knows it, E does
not.  R has staged a hold-up (its cost h is paid whatever follows); the
game starts at E's offer, so E's beliefs are its prior.

Moves (tie order: the first listed wins an exact tie)
-----------------------------------------------------
1. E, not knowing the type (one information set ``E|offer``), offers
   ``meet-high`` (the transfer r_H that keeps the high type), ``meet-low``
   (r_L, keeps the low type) or ``status-quo`` (no transfer).  The
   reservation of a type is r = max(0, o_R - u_R(A)) = max(0, -q Delta_R):
   the least transfer for which it stays.  On a tie E makes the more
   generous offer (listed first).
2. R, knowing its type and the offer x, accepts (u_R(A) + x - h and
   u_E(A) - x, outcome ``hold-up``; listed first: R stays when indifferent)
   or carries out its threat (o_R - h and d_E, outcome ``exit``).

Each type's payoffs
-------------------
With uncertainty about o_R the types differ in their reservations: the
high type (higher o_R) needs more to stay.  With uncertainty about iota,
R's payoffs do not depend on the type: both types accept the same offers,
r_L = r_H, and E's choice depends on iota only through its expectation
(E's loss when R leaves is linear in iota).

Examples
--------
>>> g = screening("outside_r")
>>> [n.name for n in g.nodes if n.player == "E"]
['high', 'low']
>>> g.outcomes
('hold-up', 'exit')
"""

from __future__ import annotations

from functools import cache

import sympy as sp

from ..game.registry import REGISTRY
from ..game.tree import Game, Node, chance, decision, outcome
from .types import base_parameters, check_uncertain, type_parameters, type_payoffs

__all__ = ["OFFERS", "screening", "screening_complete"]

#: E's offers in tie order (the most generous first).
OFFERS: tuple[str, ...] = ("meet-high", "meet-low", "status-quo")


def _reply(t: dict[str, sp.Expr], x: sp.Expr) -> Node:
    h = REGISTRY["holdup_cost"].symbol
    return decision("R", {
        "accept": outcome(R=t["u_RA"] + x - h, E=t["u_EA"] - x, label="hold-up"),
        "leave": outcome(R=t["o_R"] - h, E=t["d_E"], label="exit"),
    })  # fmt: skip


def _e_node(t: dict[str, sp.Expr], offers: dict[str, sp.Expr], infoset: str | None) -> Node:
    return decision("E", {k: _reply(t, offers[k]) for k in OFFERS}, infoset=infoset)


@cache
def screening(uncertain: str = "outside_r") -> Game:
    """The two-type screening game after a hold-up (module docstring).

    Parameters
    ----------
    uncertain : {"indispensability", "outside_r"}
        The parameter E is uncertain about.

    Returns
    -------
    Game
        Players (R, E); parameters as for
        :func:`kzgame.games.signalling_game.signalling`.
    """
    check_uncertain(uncertain)
    p = type_parameters(uncertain)
    lo, hi = (p[f"{uncertain}_{k}"].symbol for k in ("low", "high"))
    t_hi = type_payoffs(uncertain, hi)
    t_lo = type_payoffs(uncertain, lo)
    offers = {"meet-high": t_hi["reservation"], "meet-low": t_lo["reservation"],
              "status-quo": sp.Integer(0)}
    tree = chance({
        "high": (p["prior"].symbol, _e_node(t_hi, offers, "E|offer")),
        "low": (1 - p["prior"].symbol, _e_node(t_lo, offers, "E|offer")),
    })
    return Game(tree, parameters=base_parameters(uncertain), players=("R", "E"),
                title=f"screening game ({uncertain})")


@cache
def screening_complete(uncertain: str = "outside_r") -> Game:
    """The same moves when E knows the type (perfect information).

    Its outcome equals the hold-up subgame of the period game under the
    ``outside-option`` protocol (E concedes the top-up max(0, o_R - u_R(A))
    or R exits), when the offers' reservations are those of the true type.

    Examples
    --------
    >>> screening_complete("outside_r").perfect_information
    True
    """
    check_uncertain(uncertain)
    p = type_parameters(uncertain)
    lo, hi = (p[f"{uncertain}_{k}"].symbol for k in ("low", "high"))
    t = type_payoffs(uncertain, REGISTRY[uncertain].symbol)
    offers = {"meet-high": type_payoffs(uncertain, hi)["reservation"],
              "meet-low": type_payoffs(uncertain, lo)["reservation"],
              "status-quo": sp.Integer(0)}
    params = dict(REGISTRY)
    params.update({k: v for k, v in p.items() if k != "prior"})
    return Game(_e_node(t, offers, None), parameters=params, players=("R", "E"),
                title=f"screening game, complete information ({uncertain})")
