"""The members' thresholds in closed form, from the period game's symbolic payoffs.

Everything is derived from :func:`kzgame.games.period` (``nash``): member
k's transfer T_k and E's margin M_k are differences of the tree's leaf
payoffs with member k's own symbols (``share_1``, ``indispensability_1``, ...).

* :func:`transfer` and :func:`margin`: T_k and M_k;
* :func:`contagion_threshold`: kappa* for a set of holders and a set of
  claimants (E concedes iff kappa <= kappa*);
* :func:`counter_move_region`: for one member, the region where E's
  counter-move and the member's strategy are a given pair, derived by the
  engine (:func:`kzgame.analysis.games.outcome_region` on the tree with E's
  move in front) and written in the primitive parameters;
* :func:`move_value`: for one member, what E gains from a counter-move
  when the member's outcome goes from one strategy to another: the move's
  cost threshold on that region (regions: :func:`kzgame.region` of the
  period game before and after the move).

Examples
--------
>>> import sympy as sp
>>> from kzgame.game import REGISTRY
>>> V, s, o_r, o_e, i, q, b = (REGISTRY[k].symbol for k in (
...     "surplus", "share", "outside_r", "outside_e", "indispensability", "survival", "power"))
>>> d_r, d_e = s*V - o_r, (1 - s)*V - o_e
>>> sp.simplify(margin() - q*(1 - b)*(d_r + i*d_e)).equals(0)
True
>>> sp.simplify(transfer() - q*(b*i*d_e - (1 - b)*d_r)).equals(0)
True
>>> move_value("offer", "hold-up", "accept")   # the offer saves the member's hold-up cost
holdup_cost
>>> d = sp.Symbol("dilution", nonnegative=True)
>>> sp.simplify(move_value("dilute", "hold-up", "hold-up") - b*q*i*d_e*d).equals(0)
True

(the last: after a dilution E pays less for the same hold-up.)
"""

from __future__ import annotations

import sympy as sp

from ..errors import ParameterError
from ..game.registry import REGISTRY
from ..games.period_game import period
from .contagion import MEMBER_PARAMETERS, STRATEGIES
from .countermoves import COUNTER_PARAMETERS

__all__ = ["contagion_threshold", "counter_move_region", "margin", "move_value", "transfer"]

_LEAF = {"accept": "accept", "invest": "invest", "hold-up": "hold-up/concede", "exit": "exit"}


def _sub(k: int | None) -> dict:
    if k is None:
        return {}
    return {REGISTRY[p].symbol: sp.Symbol(f"{p}_{k}", **REGISTRY[p].domain.assumptions())
            for p in MEMBER_PARAMETERS}


def _pay(leaf: str, player: str, k: int | None = None) -> sp.Expr:
    return period("nash").payoff(leaf, player).xreplace(_sub(k))


def transfer(k: int | None = None) -> sp.Expr:
    """T_k = u_R(H, C) + h - u_R(A): what a conceded hold-up moves from E to member k."""
    h = _pay("exit", "R", k) - _pay("hold-up/refuse", "R", k)
    return sp.expand(_pay("hold-up/concede", "R", k) + h - _pay("accept", "R", k))


def margin(k: int | None = None) -> sp.Expr:
    """M_k = u_E(H, C) - u_E(H, F): E's bilateral gain from conceding to member k."""
    return sp.expand(_pay("hold-up/concede", "E", k) - _pay("hold-up/refuse", "E", k))


def contagion_threshold(holders: list[int], claimants: list[int]) -> sp.Expr:
    """kappa* = sum of the holders' M / sum of the claimants' max(0, T).

    Examples
    --------
    >>> contagion_threshold([1], [2]).has(sp.Max)
    True
    """
    if not holders:
        raise ParameterError("contagion_threshold needs at least one holder")
    return sp.Add(*(margin(k) for k in holders)) / sp.Add(
        *(sp.Max(0, transfer(k)) for k in claimants))


def move_value(move: str, before: str, after: str) -> sp.Expr:
    """E's gain from ``move`` with one member whose outcome goes from ``before`` to ``after``.

    The move's cost threshold where the member's strategy is ``before``
    without the move and ``after`` with it (n = 1, or kappa = 0). Under
    ``offer`` the member is paid t = G_H - max(0, G_I) to stay (``after``
    accept or invest) instead of holding up.
    """
    if move not in COUNTER_PARAMETERS_MOVES:
        raise ParameterError(f"move {move!r}: one of {', '.join(COUNTER_PARAMETERS_MOVES)}")
    for s in (before, after):
        if s not in STRATEGIES:
            raise ParameterError(f"strategy {s!r}: one of {', '.join(STRATEGIES)}")
    sym = {k: p.symbol for k, p in COUNTER_PARAMETERS.items()}
    iota, o_r = REGISTRY["indispensability"].symbol, REGISTRY["outside_r"].symbol
    moved = {"dilute": {iota: (1 - sym["dilution"]) * iota},
             "deepen": {o_r: o_r - sym["deepening"]}}.get(move, {})
    old = _pay(_LEAF[before], "E")
    new = _pay(_LEAF[after], "E").xreplace(moved)
    if move == "offer":
        if before != "hold-up" or after not in ("accept", "invest"):
            raise ParameterError("the offer turns a hold-up into accept or invest")
        g_h = _pay("hold-up/concede", "R") - _pay("accept", "R")
        g_i = _pay("invest", "R") - _pay("accept", "R")
        new = new - (g_h - (g_i if after == "invest" else 0))
    return sp.factor(sp.simplify(new - old))


COUNTER_PARAMETERS_MOVES = ("dilute", "deepen", "offer")


def counter_move_region(outcome: str) -> sp.Boolean:
    """Where, with one member, E's counter-move and the member's strategy are ``outcome``.

    ``outcome`` is a label of :func:`kzgame.members.trees.members_game` ``(1,
    counter_moves=True)``, e.g. ``"deepen: accept"``. The engine derives the
    region over the tree's leaf payoffs; they are replaced by the period
    game's payoffs (moved by the dilution or the deepening), so the
    condition is in ``share``, ``outside_r``, ..., ``dilution``,
    ``deepening`` and the three costs.

    Examples
    --------
    >>> cond = counter_move_region("deepen: accept")
    >>> sorted(str(s) for s in cond.free_symbols)[:4]
    ['deepening', 'deepening_cost', 'dilution', 'dilution_cost']
    """
    from ..analysis.games import outcome_region, substitute
    from .trees import LEAF_CODES, leaf_symbol, members_game

    game = members_game(1, "sequential", True)
    if outcome not in game.outcomes:
        raise ParameterError(f"outcome {outcome!r}: one of {', '.join(game.outcomes)}")
    sym = {k: p.symbol for k, p in COUNTER_PARAMETERS.items()}
    iota, o_r = REGISTRY["indispensability"].symbol, REGISTRY["outside_r"].symbol
    sub = {}
    for move, moved in (("nothing", {}), ("dilute", {iota: (1 - sym["dilution"]) * iota}),
                        ("deepen", {o_r: o_r - sym["deepening"]})):
        for leaf in LEAF_CODES:
            for player in ("R", "E"):
                sub[leaf_symbol(leaf, player, 1, move)] = _pay(leaf, player).xreplace(moved)
    return substitute(outcome_region(game, outcome).condition, sub)
