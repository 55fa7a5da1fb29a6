"""The members' game and E's counter-moves as trees on the engine (small n).

:func:`members_game` builds the (n + 1)-player game with the public builder
(:mod:`kzgame.game`), its payoffs read off the period game's leaves
(:func:`kzgame.games.period`, ``nash``) with each member's own parameters
(:func:`leaf_values`). Moves:

1. (with ``counter_moves``) E chooses nothing, dilute, deepen or offer
   (:mod:`kzgame.members.countermoves`);
2. the members choose accept, invest, hold-up or exit, in index order;
   with ``order="simultaneous"`` each member's nodes form one information
   set (it does not see the others' choices);
3. E answers each hold-up, in member order: concede (first, E concedes when
   indifferent) or refuse.

E's payoff is the sum of its period payoffs minus, if it conceded to anyone,
the precedent cost kappa * sum max(0, T_i) over the members who accepted or
invested (none after an offer: every member has its terms).

The sequential tree has perfect information: :func:`kzgame.solve` gives its
subgame-perfect equilibrium. The simultaneous tree does not; E's subgames
after each profile are the same in both trees, so
:func:`simultaneous_equilibria` reads E's answers from the sequential tree's
SPE (which prescribes them at every node, on and off the path) and
enumerates the members' pure Nash equilibria by brute force.

Games grow as 4^n (5^n leaves without counter-moves): n <= 3 is practical;
:data:`MAX_TREE_MEMBERS` is enforced.

Examples
--------
>>> g = members_game(1)
>>> g.outcomes
('accept', 'invest', 'hold-up', 'exit')
>>> len(members_game(2).leaves)
25
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

import sympy as sp

from ..errors import GameError, ParameterError
from ..game.induction import SubgamePerfect
from ..game.registry import REGISTRY, Parameter, make_domain
from ..game.tree import Game, Node, Outcome, decision, outcome
from ..games.period_game import period
from ..solve import solve
from .contagion import CONTAGION, MEMBER_PARAMETERS, STRATEGIES, member_values
from .countermoves import COUNTER_PARAMETERS, MOVES, check_costs

__all__ = [
    "LEAF_CODES",
    "MAX_TREE_MEMBERS",
    "TreeSolution",
    "members_game",
    "leaf_symbol",
    "leaf_values",
    "simultaneous_equilibria",
    "solve_tree",
    "tree_parameters",
]

#: Most members a tree is built for (the game has 4^n profiles).
MAX_TREE_MEMBERS: int = 4
_ATOL = 1e-9  # the offer makes members exactly indifferent by construction


#: The period game's leaves and the letter that names them in the tree's symbols.
LEAF_CODES = {"accept": "A", "invest": "I", "hold-up/concede": "C", "hold-up/refuse": "F",
           "exit": "X"}


def leaf_symbol(leaf: str, player: str, k: int, move: str) -> sp.Symbol:
    """The symbol of member k's payoff to ``player`` at a period-game leaf after ``move``."""
    suffix = "" if move in ("nothing", "offer") else f"_{move}"
    return sp.Symbol(f"u{LEAF_CODES[leaf]}_{player}_{k}{suffix}", real=True)


def _leaf_payoffs(k: int, move: str) -> dict[str, tuple[sp.Expr, sp.Expr]]:
    """Member k's period leaves (R, E) after E's counter-move ``move``, as symbols.

    The symbols' values are the period game's payoffs at member k's
    parameters (moved by dilute or deepen): :func:`leaf_values`.
    """
    return {leaf: (leaf_symbol(leaf, "R", k, move), leaf_symbol(leaf, "E", k, move))
            for leaf in LEAF_CODES}


def tree_parameters(n: int, counter_moves: bool = False) -> dict[str, Parameter]:
    """The parameters of :func:`members_game`.

    Member k's period payoffs at each leaf (``uA_R_k`` accept, ``uI``
    invest, ``uC`` conceded and ``uF`` refused hold-up, ``uX`` exit; ``_E``
    for E's; with a ``_dilute`` / ``_deepen`` suffix after those moves),
    ``contagion``, and with counter-moves the fees ``dilution_cost``,
    ``deepening_cost``, ``offer_cost``. Writing the tree over the leaf
    payoffs (not the primitive parameters) keeps its symbolic gains small.
    """
    out: dict[str, Parameter] = {}
    for move in (("nothing", "dilute", "deepen") if counter_moves else ("nothing",)):
        for k in range(1, n + 1):
            for leaf in LEAF_CODES:
                for player in ("R", "E"):
                    sym = leaf_symbol(leaf, player, k, move)
                    out[sym.name] = Parameter(sym.name, make_domain("real"))
    out["contagion"] = CONTAGION
    if counter_moves:
        for key in ("dilution_cost", "deepening_cost", "offer_cost"):
            out[key] = COUNTER_PARAMETERS[key]
    return out


def leaf_values(members: Mapping[str, Mapping[str, Any]], contagion: Any = 0.0,
                costs: Mapping[str, Any] | None = None) -> dict[str, float]:
    """The values of :func:`tree_parameters` at a point: the period game's payoffs.

    Each member's leaf payoffs are the period game's (:func:`kzgame.games.period`,
    ``nash``) evaluated by the engine's own payoff expressions at the member's
    parameters; after ``dilute`` at iota (1 - d), after ``deepen`` at o_R - g.
    """
    vals = member_values(members, arrays=False)
    g = period("nash")
    syms = [REGISTRY[p].symbol for p in MEMBER_PARAMETERS]
    exprs = [g.payoff(leaf, pl) for leaf in LEAF_CODES for pl in ("R", "E")]
    f = sp.lambdify(syms, exprs, modules="math")
    cost = None if costs is None else {k: float(v) for k, v in check_costs(**costs).items()}
    out: dict[str, float] = {}
    for move in (("nothing",) if cost is None else ("nothing", "dilute", "deepen")):
        for k in range(1, len(members) + 1):
            point = {p: float(vals[p][k - 1]) for p in MEMBER_PARAMETERS}
            if move == "dilute" and cost is not None:  # cost is None: only "nothing"
                point["indispensability"] *= 1.0 - cost["dilution"]
            elif move == "deepen" and cost is not None:
                point["outside_r"] -= cost["deepening"]
            pays = f(*(point[p] for p in MEMBER_PARAMETERS))
            i = 0
            for leaf in LEAF_CODES:
                for pl in ("R", "E"):
                    out[leaf_symbol(leaf, pl, k, move).name] = float(pays[i])
                    i += 1
    out["contagion"] = float(CONTAGION.check(contagion))
    if cost is not None:
        out.update({k: cost[k] for k in ("dilution_cost", "deepening_cost", "offer_cost")})
    return out


def _check_n(n: Any) -> int:
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_TREE_MEMBERS:
        raise ParameterError(f"n = {n!r} members: a tree is built for 1 to {MAX_TREE_MEMBERS}")
    return n


@cache
def members_game(n: int, order: str = "sequential", counter_moves: bool = False) -> Game:
    """The (n + 1)-player game of n members and E (module docstring).

    Parameters
    ----------
    n : int
        Members, 1 to :data:`MAX_TREE_MEMBERS`; players ``M1`` .. ``Mn`` and ``E``.
    order : {"sequential", "simultaneous"}
        Members move in index order seeing the earlier moves, or without
        seeing them (one information set per member).
    counter_moves : bool, default False
        Put E's counter-move in front.

    Returns
    -------
    Game
        Outcome labels: the members' outcomes joined by ``,`` (a refused
        hold-up is ``exit``), prefixed by the counter-move and a colon (``offer: accept``) with
        counter-moves.
        For n = 1 without counter-moves, the period game's labels.
    """
    n = _check_n(n)
    if order not in ("sequential", "simultaneous"):
        raise ParameterError(f"order {order!r}: choose 'sequential' or 'simultaneous'")
    names = [f"M{k}" for k in range(1, n + 1)]
    kappa = CONTAGION.symbol
    moves = MOVES if counter_moves else ("nothing",)
    branches = {}
    for move in moves:
        leaves = [_leaf_payoffs(k, move) for k in range(1, n + 1)]
        # T_k = u_R(H, C) + h - u_R(A), with h = u_R(X) - u_R(H, F)
        transfer = [L["hold-up/concede"][0] + L["exit"][0] - L["hold-up/refuse"][0]
                    - L["accept"][0] for L in leaves]
        offer = [sp.Max(0, L["hold-up/concede"][0] - L["accept"][0]
                        - sp.Max(0, L["invest"][0] - L["accept"][0])) for L in leaves]
        fee = {"nothing": 0, "dilute": COUNTER_PARAMETERS["dilution_cost"].symbol,
               "deepen": COUNTER_PARAMETERS["deepening_cost"].symbol,
               "offer": COUNTER_PARAMETERS["offer_cost"].symbol}[move]

        def leaf(profile: tuple[str, ...], conceded: tuple[bool, ...], move: str = move,
                 leaves: list[dict[str, tuple[sp.Expr, sp.Expr]]] = leaves,
                 transfer: list[sp.Expr] = transfer, offer: list[sp.Expr] = offer,
                 fee: sp.Expr | int = fee) -> Outcome:
            pays: dict[str, Any] = {}
            e_total: sp.Expr = -fee
            got = iter(conceded)
            labels = []
            for j, a in enumerate(profile):
                L = leaves[j]
                if a == "hold-up":
                    key = "hold-up/concede" if next(got) else "hold-up/refuse"
                else:
                    key = a
                r_pay, e_pay = L[key]
                if move == "offer" and a in ("accept", "invest"):
                    r_pay, e_pay = r_pay + offer[j], e_pay - offer[j]
                pays[names[j]] = r_pay
                e_total += e_pay
                labels.append("hold-up" if key == "hold-up/concede" else
                              "exit" if key == "hold-up/refuse" else a)
            if any(conceded) and move != "offer":
                e_total -= kappa * sp.Add(*(sp.Max(0, transfer[j])
                                            for j, a in enumerate(profile)
                                            if a in ("accept", "invest")))
            pays["E"] = e_total
            label = ",".join(labels)
            if counter_moves:
                label = f"{move}: {label}"
            return outcome(pays, label=label)

        def e_answers(profile: tuple[str, ...], held: int,
                      conceded: tuple[bool, ...] = ()) -> Node:
            if len(conceded) == held:
                return leaf(profile, conceded)
            return decision("E", {
                "concede": e_answers(profile, held, conceded + (True,)),
                "refuse": e_answers(profile, held, conceded + (False,)),
            })

        def members(j: int, profile: tuple[str, ...], move: str = move) -> Node:
            if j == n:
                held = sum(a == "hold-up" for a in profile)
                return e_answers(profile, held)
            infoset = f"{move}:{names[j]}" if order == "simultaneous" and j > 0 else None
            return decision(names[j], {a: members(j + 1, profile + (a,), move)
                                       for a in STRATEGIES},
                            infoset=infoset)

        branches[move] = members(0, ())
    root = decision("E", branches) if counter_moves else branches["nothing"]
    return Game(root, parameters=tree_parameters(n, counter_moves), players=[*names, "E"],
                title=f"{n} members and E ({order}{', counter-moves' if counter_moves else ''})")


class TreeSolution:
    """The engine's SPE of a members tree at one point, read per member.

    Attributes
    ----------
    spe : kzgame.game.induction.SubgamePerfect
    move : str
        E's counter-move (``nothing`` without counter-moves).
    strategies : dict of str to str
        Each member's outcome on the path (a refused hold-up is ``exit``).
    payoff_e : float
        E's payoff on the path.
    """

    def __init__(self, spe: SubgamePerfect, names: Sequence[str], counter_moves: bool) -> None:
        self.spe = spe
        label = spe.outcome
        self.move = "nothing"
        if counter_moves:
            self.move, label = label.split(": ", 1)
        self.strategies = dict(zip(names, label.split(","), strict=True))
        self.payoff_e = spe.payoffs["E"]


def solve_tree(
    members: Mapping[str, Mapping[str, Any]],
    contagion: Any = 0.0,
    costs: Mapping[str, Any] | None = None,
) -> TreeSolution:
    """The engine's subgame-perfect equilibrium of the sequential tree (members in order).

    Parameters
    ----------
    members : mapping
        1 to :data:`MAX_TREE_MEMBERS` members, each a mapping of single numbers.
    contagion : float
    costs : mapping, optional
        Counter-move parameters; given, E's counter-move is put in front.

    Examples
    --------
    >>> j = dict(share=0.5, outside_r=0.45, outside_e=-0.1, indispensability=0.9,
    ...          survival=0.8, invest_cost=0.1, power=0.35, holdup_cost=0.01)
    >>> solve_tree({"J": j}).strategies
    {'J': 'hold-up'}
    """
    n = _check_n(len(members))
    game = members_game(n, "sequential", costs is not None)
    values: dict[str, Any] = leaf_values(members, contagion, costs)
    spe = solve(game, atol=_ATOL, **values)
    return TreeSolution(spe, list(members), costs is not None)


def simultaneous_equilibria(
    members: Mapping[str, Mapping[str, Any]],
    contagion: Any = 0.0,
    costs: Mapping[str, Any] | None = None,
    move: str = "nothing",
) -> list[dict[str, str]]:
    """All pure Nash equilibria of the members' simultaneous stage, E answering optimally.

    E's answers to every profile are the engine's (the sequential tree's SPE
    prescribes them at every node); the members' equilibria are enumerated
    over all 4^n profiles. Each is returned as member -> outcome (a refused
    hold-up is ``exit``).

    Examples
    --------
    >>> j = dict(share=0.5, outside_r=0.45, outside_e=-0.1, indispensability=0.9,
    ...          survival=0.8, invest_cost=0.1, power=0.35, holdup_cost=0.01)
    >>> simultaneous_equilibria({"J": j})
    [{'J': 'hold-up'}]
    """
    n = _check_n(len(members))
    if move not in MOVES or (costs is None and move != "nothing"):
        raise ParameterError(f"move {move!r}: one of {', '.join(MOVES)} (with costs)")
    game = members_game(n, "sequential", costs is not None)
    values: dict[str, Any] = leaf_values(members, contagion, costs)
    spe = solve(game, atol=_ATOL, **values)
    prefix = (move,) if costs is not None else ()
    names = list(members)

    def reach(profile: tuple[str, ...]) -> tuple[list[float], str]:
        path = list(prefix + profile)
        while True:
            node = game.node(path)
            if node.kind == "outcome":
                pays = spe.leaf_payoffs[node.name]
                if node.label is None:  # Game labels every leaf (its name by default)
                    raise GameError(f"leaf {node.name!r} has no outcome label")
                label = node.label.split(": ", 1)[-1]
                return [pays[f"M{k}"] for k in range(1, n + 1)], label
            path.append(spe.choices[node.name])

    table = {p: reach(p) for p in itertools.product(STRATEGIES, repeat=n)}
    out = []
    for p, (pays, label) in table.items():
        stable = True
        for j in range(n):
            for a in STRATEGIES:
                if a != p[j] and table[p[:j] + (a,) + p[j + 1:]][0][j] > pays[j] + _ATOL:
                    stable = False
                    break
            if not stable:
                break
        if stable:
            eq = dict(zip(names, label.split(","), strict=True))
            if eq not in out:
                out.append(eq)
    return out
