"""The signalling game: R knows its type, chooses its move; E sees the move, updates, replies.

Who knows what
--------------
Nature draws R's type, high with probability ``prior`` (E's prior), low
otherwise: the value of the uncertain parameter (``indispensability`` or
``outside_r``, :mod:`kzgame.games.types`).  R learns its type; E does not.
Every other parameter is common knowledge.

Moves (tie order: the first listed wins an exact tie)
-----------------------------------------------------
1. R chooses accept, invest, ``claim-low``, ``claim-high`` or exit.  A
   claim is a hold-up with a posted demand: the terms x_L or x_H the
   protocol would give the low or the high type under complete
   information (:func:`kzgame.games.types.type_payoffs`).  A hold-up costs h.
2. After a claim, E, seeing the claim but not the type (information set
   ``E|claim-low`` or ``E|claim-high``), concedes (R gets u_R(A) + x - h,
   E gets u_E(A) - x) or refuses.
3. After a refusal, with ``commitment=True`` (the period game's
   assumption) R carries out its threat: breakdown, o_R - h and d_E
   (outcome ``exit``).  With ``commitment=False`` R chooses again
   (knowing its type): ``stay`` (u_R(A) - h and u_E(A), outcome
   ``backdown``; listed first) or ``leave`` (o_R - h and d_E, ``exit``).

Each type's payoffs
-------------------
The uncertain parameter enters the payoffs only where the period game has
it.  iota enters E's breakdown payoff d_E and nothing of R's: **with
uncertainty about iota, both types of R have the same payoffs at every
leaf**, so they rank every strategy of E the same way and R cannot
credibly signal its indispensability (:mod:`kzgame.analysis.beliefs`
derives the consequences).  o_R enters R's payoffs (accept, exit,
breakdown) and, without commitment, E's refusal payoff through R's
choice to leave.

Examples
--------
>>> g = signalling("indispensability")
>>> g.players, g.outcomes
(('R', 'E'), ('accept', 'invest', 'hold-up', 'exit'))
>>> [n.infoset for n in g.nodes if n.player == "E"][:2]
['E|claim-low', 'E|claim-high']
>>> signalling("outside_r", commitment=False).outcomes
('accept', 'invest', 'hold-up', 'backdown', 'exit')
"""

from __future__ import annotations

from functools import cache

import sympy as sp

from ..game.registry import REGISTRY
from ..game.tree import Game, Node, chance, decision, outcome
from .types import base_parameters, check_uncertain, type_parameters, type_payoffs

__all__ = ["CLAIMS", "TYPES", "signalling", "signalling_complete"]

#: The types, in the chance node's order (the high type first).
TYPES: tuple[str, str] = ("high", "low")
#: R's claims (hold-ups with a posted demand) in tie order.
CLAIMS: tuple[str, str] = ("claim-low", "claim-high")


def _refusal(t: dict[str, sp.Expr], commitment: bool) -> Node:
    h = REGISTRY["holdup_cost"].symbol
    if commitment:
        return outcome(R=t["o_R"] - h, E=t["d_E"], label="exit")
    return decision("R", {
        "stay": outcome(R=t["u_RA"] - h, E=t["u_EA"], label="backdown"),
        "leave": outcome(R=t["o_R"] - h, E=t["d_E"], label="exit"),
    })  # fmt: skip


def _r_node(t: dict[str, sp.Expr], terms: dict[str, sp.Expr], commitment: bool) -> Node:
    h = REGISTRY["holdup_cost"].symbol

    def claim(name: str) -> Node:
        x = terms[name]
        return decision("E", {
            "concede": outcome(R=t["u_RA"] + x - h, E=t["u_EA"] - x, label="hold-up"),
            "refuse": _refusal(t, commitment),
        }, infoset=f"E|{name}")  # fmt: skip

    return decision("R", {
        "accept": outcome(R=t["u_RA"], E=t["u_EA"], label="accept"),
        "invest": outcome(R=t["invest_R"], E=t["invest_E"], label="invest"),
        "claim-low": claim("claim-low"),
        "claim-high": claim("claim-high"),
        "exit": outcome(R=t["o_R"], E=t["d_E"], label="exit"),
    })  # fmt: skip


def _default_commitment(uncertain: str) -> bool:
    return uncertain == "indispensability"


@cache
def signalling(uncertain: str = "indispensability", *, commitment: bool | None = None,
               protocol: str = "nash") -> Game:
    """The two-type signalling game (module docstring).

    Parameters
    ----------
    uncertain : {"indispensability", "outside_r"}
        The parameter E is uncertain about.
    commitment : bool, optional
        Whether a refused hold-up ends in breakdown (True) or R chooses
        again (False).  Default: True for indispensability (the period
        game's assumption), False for outside_r (with commitment E's
        payoffs do not depend on o_R, and its beliefs would not matter).
    protocol : str, default "nash"
        The protocol whose complete-information terms the claims post.

    Returns
    -------
    Game
        Players (R, E); parameters: the registry's except the uncertain
        one, plus ``<uncertain>_low``, ``<uncertain>_high`` and ``prior``.
    """
    check_uncertain(uncertain)
    if commitment is None:
        commitment = _default_commitment(uncertain)
    p = type_parameters(uncertain)
    lo, hi = (p[f"{uncertain}_{k}"].symbol for k in ("low", "high"))
    prior = p["prior"].symbol
    t_hi = type_payoffs(uncertain, hi, protocol)
    t_lo = type_payoffs(uncertain, lo, protocol)
    terms = {"claim-low": t_lo["terms"], "claim-high": t_hi["terms"]}
    tree = chance({
        "high": (prior, _r_node(t_hi, terms, commitment)),
        "low": (1 - prior, _r_node(t_lo, terms, commitment)),
    })
    return Game(tree, parameters=base_parameters(uncertain), players=("R", "E"),
                title=f"signalling game ({uncertain}, {protocol}, "
                      f"{'commitment' if commitment else 'no commitment'})")


@cache
def signalling_complete(uncertain: str = "indispensability", *, commitment: bool | None = None,
                        protocol: str = "nash") -> Game:
    """The same moves under complete information: E knows the type (perfect information).

    The uncertain parameter is an ordinary parameter again (its registry
    entry); the claims' terms still use ``<uncertain>_low`` and
    ``<uncertain>_high``.  Degenerate priors (0 or 1) of :func:`signalling`
    reduce to this game at the low or the high value.

    Examples
    --------
    >>> signalling_complete("indispensability").perfect_information
    True
    """
    check_uncertain(uncertain)
    if commitment is None:
        commitment = _default_commitment(uncertain)
    p = type_parameters(uncertain)
    lo, hi = (p[f"{uncertain}_{k}"].symbol for k in ("low", "high"))
    t = type_payoffs(uncertain, REGISTRY[uncertain].symbol, protocol)
    terms = {"claim-low": type_payoffs(uncertain, lo, protocol)["terms"],
             "claim-high": type_payoffs(uncertain, hi, protocol)["terms"]}
    params = dict(REGISTRY)
    params.update({k: v for k, v in p.items() if k != "prior"})
    return Game(_r_node(t, terms, commitment), parameters=params, players=("R", "E"),
                title=f"signalling game, complete information ({uncertain})")
