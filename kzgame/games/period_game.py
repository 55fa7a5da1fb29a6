"""The period game (MODEL.md) as a tree on the engine, one per bargaining protocol.

R chooses, in this **tie order**, accept, invest, hold-up or exit; after a
hold-up E concedes or refuses (E concedes when indifferent: concede is
listed first).  The payoffs are those of MODEL.md, written once here:

* accept: u_R(A) = q s V + (1 - q) o_R, u_E(A) = q (1 - s) V + (1 - q) o_E;
* invest: s V - c and (1 - s) V;
* exit: o_R and d_E = (1 - iota) u_E(A) + iota o_E (the regime without R);
* a conceded hold-up: the protocol's split of S = u_R(A) + u_E(A) over the
  threat point (o_R, d_E), minus R's cost h;
* a refused hold-up: the breakdown, o_R - h and d_E.  Its outcome is labelled
  ``exit``: it ends in the breakdown exit gives.  With h > 0 R never
  chooses it; with h = 0 it ties with exit and is the same outcome.

The bargaining protocols (:data:`PROTOCOLS`) differ only in the split.

Examples
--------
>>> g = period("nash")
>>> g.outcomes
('accept', 'invest', 'hold-up', 'exit')
>>> g.payoff("hold-up/refuse", "R")
-holdup_cost + outside_r
>>> print(g.describe())  # doctest: +ELLIPSIS
R chooses
  accept: R=outside_r*(1 - survival) + share*surplus*survival, ...
  invest: R=-invest_cost + share*surplus, E=surplus*(1 - share)
  hold-up: E chooses
    concede: R=... [hold-up]
    refuse: R=-holdup_cost + outside_r, E=...  [exit]
  exit: R=outside_r, E=...
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

import sympy as sp

from ..errors import KzgameError
from ..game.registry import REGISTRY
from ..game.tree import Game, decision, outcome

__all__ = ["E_MOVES", "PLAYERS", "PROTOCOLS", "R_MOVES", "Protocol", "get_protocol", "period"]

#: The players: the rising power R and the established power E.
PLAYERS: tuple[str, str] = ("R", "E")
#: R's moves in tie order (also the outcome codes 0..3), and E's replies to a hold-up.
R_MOVES: tuple[str, ...] = ("accept", "invest", "hold-up", "exit")
E_MOVES: tuple[str, ...] = ("concede", "refuse")

_S = {k: p.symbol for k, p in REGISTRY.items()}
V, s, o_R, o_E = _S["surplus"], _S["share"], _S["outside_r"], _S["outside_e"]
iota, q, c, beta, h = (_S[k] for k in ("indispensability", "survival", "invest_cost", "power",
                                       "holdup_cost"))
delta_R, delta_E = _S["discount_r"], _S["discount_e"]


@dataclass(frozen=True)
class Protocol:
    """A bargaining protocol: how the surplus is split when E concedes to a hold-up.

    Attributes
    ----------
    name : str
        The key in :data:`PROTOCOLS` (``nash``, ``rubinstein``, ...).
    summary : str
        One line on what it models.
    reference : str
        The textbook source of its closed form.
    split : callable
        ``split(u_RA, u_EA, d_E)`` -> ``(u_R, u_E)``: the payoffs of the
        agreement after a hold-up, before R's hold-up cost, given the accept
        payoffs and E's breakdown payoff (R's breakdown payoff is o_R).
    """

    name: str
    summary: str
    reference: str
    split: Callable[[sp.Expr, sp.Expr, sp.Expr], tuple[sp.Expr, sp.Expr]]

    @property
    def parameters(self) -> tuple[str, ...]:
        """The parameters this protocol's payoffs depend on, in registry order."""
        return period(self.name).uses()


def _weighted_split(weight: sp.Expr) -> Any:
    """Generalized Nash bargaining with R's weight ``weight``, threat point (o_R, d_E)."""

    def split(u_RA: sp.Expr, u_EA: sp.Expr, d_E: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
        gains_from_agreement = u_RA + u_EA - o_R - d_E
        return o_R + weight * gains_from_agreement, d_E + (1 - weight) * gains_from_agreement

    return split


def _outside_option_split(u_RA: sp.Expr, u_EA: sp.Expr, d_E: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
    """Binmore-Shaked-Sutton: the status quo is the inside option; o_R counts only if it binds."""
    top_up = sp.Max(0, o_R - u_RA)
    return u_RA + top_up, u_EA - top_up


#: The bargaining protocols, by name.  A new protocol is one entry here.
PROTOCOLS: dict[str, Protocol] = {
    p.name: p
    for p in (
        Protocol(
            "nash",
            "generalized Nash bargaining with R's weight beta (power), threat point (o_R, d_E)",
            "Nash (1950); Binmore, Rubinstein and Wolinsky (1986)",
            _weighted_split(beta),
        ),
        Protocol(
            "rubinstein",
            "alternating offers, R proposes first, discount factors delta_R, delta_E",
            "Rubinstein (1982): R's share (1 - delta_E) / (1 - delta_R delta_E)",
            _weighted_split((1 - delta_E) / (1 - delta_R * delta_E)),
        ),
        Protocol(
            "ultimatum",
            "R makes a take-it-or-leave-it demand (the Nash split with beta = 1)",
            "the ultimatum game: the proposer takes all the gains from agreement",
            _weighted_split(sp.Integer(1)),
        ),
        Protocol(
            "outside-option",
            "outside-option principle: R gains max(0, o_R - u_R(A)) if E prefers paying it",
            "Binmore, Shaked and Sutton (1989)",
            _outside_option_split,
        ),
    )
}


def get_protocol(name: str) -> Protocol:
    """The :class:`Protocol` called ``name``.

    Raises
    ------
    KzgameError
        If no protocol has that name (the message lists the known ones).

    Examples
    --------
    >>> get_protocol("ultimatum").reference
    'the ultimatum game: the proposer takes all the gains from agreement'
    """
    try:
        return PROTOCOLS[name]
    except (KeyError, TypeError):
        raise KzgameError(
            f"unknown protocol {name!r}; known protocols: {', '.join(PROTOCOLS)}"
        ) from None


@cache
def period(protocol: str = "nash") -> Game:
    """The period game under ``protocol``, built with the public builder.

    Parameters
    ----------
    protocol : str, default "nash"
        A key of :data:`PROTOCOLS`.

    Returns
    -------
    Game
        Players ``("R", "E")``; parameters: every parameter of the registry
        (those a protocol does not use are validated and ignored); gains
        written in the stakes Delta_R, Delta_E.  The same object is returned
        for the same protocol.
    """
    split = get_protocol(protocol).split
    u_RA = q * s * V + (1 - q) * o_R
    u_EA = q * (1 - s) * V + (1 - q) * o_E
    d_E = (1 - iota) * u_EA + iota * o_E
    agree_R, agree_E = split(u_RA, u_EA, d_E)
    tree = decision("R", {
        "accept": outcome(R=u_RA, E=u_EA, label="accept"),
        "invest": outcome(R=s * V - c, E=(1 - s) * V, label="invest"),
        "hold-up": decision("E", {
            "concede": outcome(R=agree_R - h, E=agree_E, label="hold-up"),
            "refuse": outcome(R=o_R - h, E=d_E, label="exit"),
        }),
        "exit": outcome(R=o_R, E=d_E, label="exit"),
    })  # fmt: skip
    return Game(
        tree,
        parameters=list(REGISTRY),
        players=PLAYERS,
        derived=("stake_r", "stake_e"),
        title=f"period game ({protocol})",
    )
