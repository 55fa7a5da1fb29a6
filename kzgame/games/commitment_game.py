"""The period game under three commitment assumptions, as trees on the engine.

In the period game (:func:`kzgame.games.period`) a refused hold-up ends in
breakdown: R is assumed to carry out its threat to leave (**full
commitment**).  Whenever R's stake in the regime is positive it would rather
stay after a refusal, so without commitment the threat is empty.  This
module builds the period game under each assumption
(:data:`COMMITMENTS`), for every bargaining protocol:

``full``
    The period game as it is: a refused hold-up is a breakdown.
``none``
    After E refuses, R chooses again between staying (the status quo,
    having paid h) and leaving (the breakdown).  A hold-up pays only where
    leaving is credible.
``brinkmanship``
    A refused hold-up is a crisis that ends in breakdown with probability
    pi (``breakdown_risk``), a chance node neither side controls
    (Schelling 1960, ch. 8; Powell 1990); with probability 1 - pi the crisis
    passes and the status quo goes on.  The protocol's split is taken over
    the crisis's expected payoffs, so E concedes to remove the risk.

Every game also splits R's outside option in two (``exit_premium``): o_R is
what R gets if the regime collapses (the accept lottery's 1 - q branch), and
o_R + xi_R what R gets outside a regime that goes on without it (exit and
breakdown).  With xi_R = 0 (the default) the ``full`` game is the period
game, leaf for leaf.

The outcome labels are those of the period game, in the same order
(``accept``, ``invest``, ``hold-up``, ``exit``), so that the first four
outcome codes of :func:`kzgame.classify` are :class:`kzgame.Strategy`
codes.  A refused hold-up that R follows by staying is labelled
``accept`` (the status quo goes on); under brinkmanship a refused hold-up is
the lottery ``'accept + exit'`` (code 4), which R never chooses where h > 0.

Examples
--------
>>> g = commitment_game("none")
>>> print(g.describe())  # doctest: +ELLIPSIS
R chooses
  accept: R=...
  invest: R=...
  hold-up: E chooses
    concede: R=... [hold-up]
    refuse: R chooses
      stay: R=-holdup_cost + outside_r*(1 - survival) + share*surplus*survival, ...  [accept]
      leave: R=exit_premium - holdup_cost + outside_r, E=...  [exit]
  exit: R=exit_premium + outside_r, E=...
>>> commitment_game("brinkmanship").outcomes
('accept', 'invest', 'hold-up', 'exit')
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import sympy as sp

from ..errors import KzgameError
from ..game.registry import REGISTRY, Domain, Parameter, make_domain
from ..game.tree import Game, Node, chance, decision, outcome
from .period_game import PLAYERS, get_protocol

__all__ = [
    "COMMITMENTS",
    "COMMITMENT_PARAMETERS",
    "Commitment",
    "commitment_game",
    "get_commitment",
]

#: The game-local parameters of the commitment games.
COMMITMENT_PARAMETERS: dict[str, Parameter] = {
    p.name: p
    for p in (
        Parameter("breakdown_risk", make_domain("unit"), None, r"\pi",
                  "probability that a refused hold-up ends in breakdown (brinkmanship)"),
        Parameter("exit_premium", Domain(), 0.0, r"\xi_R",
                  "R's payoff outside a regime that goes on without it, minus o_R"),
    )
}  # fmt: skip

_S = {k: p.symbol for k, p in REGISTRY.items()}
V, s, o_R, o_E = _S["surplus"], _S["share"], _S["outside_r"], _S["outside_e"]
iota, q, c, h = (_S[k] for k in ("indispensability", "survival", "invest_cost", "holdup_cost"))
pi = COMMITMENT_PARAMETERS["breakdown_risk"].symbol
xi = COMMITMENT_PARAMETERS["exit_premium"].symbol


@dataclass(frozen=True)
class Commitment:
    """A commitment assumption: what follows E's refusal of a hold-up.

    Attributes
    ----------
    name : str
        The key in :data:`COMMITMENTS`.
    summary : str
        One line on what it assumes.
    reference : str
        Where the assumption comes from.

    Examples
    --------
    >>> COMMITMENTS["brinkmanship"].parameters
    ('breakdown_risk', 'exit_premium')
    >>> COMMITMENTS["none"].parameters
    ('exit_premium',)
    """

    name: str
    summary: str
    reference: str

    @property
    def parameters(self) -> tuple[str, ...]:
        """The game-local parameters its games use (``breakdown_risk``, ``exit_premium``)."""
        game = commitment_game(self.name)
        return tuple(k for k in game.uses() if k in COMMITMENT_PARAMETERS)


#: The commitment assumptions, by name.
COMMITMENTS: dict[str, Commitment] = {
    c_.name: c_
    for c_ in (
        Commitment("full", "R carries out its threat: a refused hold-up is a breakdown",
                   "the period game (MODEL.md); Binmore, Rubinstein and Wolinsky (1986)"),
        Commitment("none", "after a refusal R chooses again between staying and leaving",
                   "subgame perfection (Selten 1975); credible threats"),
        Commitment("brinkmanship",
                   "a refused hold-up ends in breakdown with probability pi, else in the "
                   "status quo",
                   "Schelling (1960, ch. 8), the threat that leaves something to chance; "
                   "Powell (1990)"),
    )
}  # fmt: skip


def get_commitment(name: str) -> Commitment:
    """The :class:`Commitment` called ``name``.

    Raises
    ------
    KzgameError
        If no commitment assumption has that name (the message lists them).

    Examples
    --------
    >>> get_commitment("none").summary
    'after a refusal R chooses again between staying and leaving'
    """
    try:
        return COMMITMENTS[name]
    except (KeyError, TypeError):
        raise KzgameError(
            f"unknown commitment {name!r}; known commitment assumptions: "
            f"{', '.join(COMMITMENTS)}"
        ) from None


def _split(protocol: str, u_RA: sp.Expr, u_EA: sp.Expr, t_R: sp.Expr,
           t_E: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
    """The protocol's split of S = u_R(A) + u_E(A) over the threat point (t_R, t_E).

    A protocol's split is written with R's breakdown payoff o_R; here it is
    evaluated on placeholders and o_R is replaced by ``t_R``, so that every
    protocol's rule applies unchanged to another threat point.
    """
    a, b, d = sp.Dummy("u_RA"), sp.Dummy("u_EA"), sp.Dummy("t_E")
    agree = get_protocol(protocol).split(a, b, d)
    sub = {o_R: t_R, a: u_RA, b: u_EA, d: t_E}
    return tuple(sp.sympify(x).xreplace(sub) for x in agree)


def _leaf(R: sp.Expr, E: sp.Expr, label: str) -> Node:
    return outcome(R=R, E=E, label=label)


@cache
def commitment_game(commitment: str = "none", protocol: str = "nash") -> Game:
    """The period game under a commitment assumption and a bargaining protocol.

    Parameters
    ----------
    commitment : {"full", "none", "brinkmanship"}, default "none"
        What follows E's refusal of a hold-up (:data:`COMMITMENTS`).
    protocol : str, default "nash"
        The bargaining protocol (a key of :data:`kzgame.PROTOCOLS`): how
        the gains from agreement are split when E concedes.

    Returns
    -------
    Game
        Players ``("R", "E")``; parameters: the registry's, then
        ``exit_premium`` (default 0) and, for ``brinkmanship``,
        ``breakdown_risk`` (required, in [0, 1]); gains written in the
        stakes.  Outcomes ``accept``, ``invest``, ``hold-up``, ``exit``
        (codes 0-3, as :class:`kzgame.Strategy`); brinkmanship adds the
        refused hold-up's lottery ``'accept + exit'``.  Cached: the same
        object for the same arguments.

    Raises
    ------
    KzgameError
        On an unknown commitment or protocol.

    Examples
    --------
    >>> import kzgame
    >>> point = dict(share=0.5, outside_r=0.3, outside_e=0.0, indispensability=0.9,
    ...              survival=0.8, invest_cost=0.05)
    >>> [kzgame.solve(commitment_game(k), **point).outcome for k in ("full", "none")]
    ['hold-up', 'accept']
    >>> g = commitment_game("brinkmanship")
    >>> [kzgame.solve(g, breakdown_risk=p, **point).outcome for p in (0.2, 1.0)]
    ['hold-up', 'hold-up']
    >>> kzgame.solve(g, breakdown_risk=1.5, **point)
    Traceback (most recent call last):
    ...
    kzgame.errors.ParameterError: breakdown_risk = 1.5 is outside the allowed range [0, 1]
    """
    get_commitment(commitment)
    get_protocol(protocol)
    u_RA = q * s * V + (1 - q) * o_R
    u_EA = q * (1 - s) * V + (1 - q) * o_E
    d_E = (1 - iota) * u_EA + iota * o_E  # E's payoff in the regime without R
    o_X = o_R + xi  # R's payoff outside a regime that goes on without it
    if commitment == "brinkmanship":
        t_R, t_E = pi * o_X + (1 - pi) * u_RA, pi * d_E + (1 - pi) * u_EA
        refuse: Node = chance({
            "breakdown": (pi, _leaf(o_X - h, d_E, "exit")),
            "crisis passes": (1 - pi, _leaf(u_RA - h, u_EA, "accept")),
        })  # fmt: skip
    elif commitment == "none":
        t_R, t_E = o_X, d_E
        refuse = decision("R", {
            "stay": _leaf(u_RA - h, u_EA, "accept"),
            "leave": _leaf(o_X - h, d_E, "exit"),
        })  # fmt: skip
    else:
        t_R, t_E = o_X, d_E
        refuse = _leaf(o_X - h, d_E, "exit")
    agree_R, agree_E = _split(protocol, u_RA, u_EA, t_R, t_E)
    tree = decision("R", {
        "accept": _leaf(u_RA, u_EA, "accept"),
        "invest": _leaf(s * V - c, (1 - s) * V, "invest"),
        "hold-up": decision("E", {
            "concede": _leaf(agree_R - h, agree_E, "hold-up"),
            "refuse": refuse,
        }),
        "exit": _leaf(o_X, d_E, "exit"),
    })  # fmt: skip
    local = {k: p for k, p in COMMITMENT_PARAMETERS.items()
             if commitment == "brinkmanship" or k != "breakdown_risk"}
    return Game(
        tree,
        parameters={**{k: None for k in REGISTRY}, **local},
        players=PLAYERS,
        derived=("stake_r", "stake_e"),
        title=f"period game ({protocol}, commitment: {commitment})",
    )
