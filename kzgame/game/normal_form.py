"""The reduced normal form of any game: plans, and expected payoffs at parameter values.

A **plan** (reduced pure strategy) of a player says what the player does at
every information set its own earlier choices do not rule out.  An
information set made unreachable by the player's own earlier choice is left
open (``None``; shown as ``'*'``): two pure strategies that differ only there
are the same plan.  Information sets are taken in pre-order of their first
node, and a player's plans are listed in lexicographic order of the actions'
**tie orders** (the first information set varies slowest).  In the period
game R has one information set, so its plans are its moves in tie order:
accept, invest, hold-up, exit.

The payoff of a profile of plans is the expected payoff over the leaves it
reaches, each leaf weighted by the product of the chance probabilities on
its path.  Payoffs are evaluated at given parameter values either

* **exactly** (``exact=True``): as :class:`fractions.Fraction`, from the
  symbolic payoffs at rational parameter values (ints and Fractions as given,
  floats converted to their exact binary values, as
  ``fractions.Fraction(0.1)`` does); a payoff that is not rational at those
  values (``sqrt``, ``exp``, ``log``) is a :class:`~kzgame.errors.GameError`;
* or in floating point (``exact=False``).

The default (``exact=None``) is exact when every value given is an int or a
Fraction (a game without parameters is always exact), floating point
otherwise.

The reduced normal form needs **perfect recall** (every node of an
information set has the same history of the mover's own information sets and
actions), and is refused, before anything is allocated, when a player has
more than :data:`MAX_STRATEGIES` plans or the table more than
:data:`MAX_CELLS` cells.

Examples
--------
>>> from fractions import Fraction
>>> from kzgame.game import Game, decision, outcome
>>> g = Game(decision("A", {
...     "out": outcome(A=1, B=3),
...     "in": decision("B", {
...         "fight": outcome(A=0, B=0),
...         "yield": decision("A", {"x": outcome(A=2, B=1), "y": outcome(A="a", B=2)}),
...     }),
... }), parameters={"a": "real"})
>>> nf = reduced_normal_form(g, a=Fraction(1, 2))
>>> nf.labels("A"), nf.labels("B")
(('out/*', 'in/x', 'in/y'), ('fight', 'yield'))
>>> A, B = nf.bimatrix()
>>> A
array([[Fraction(1, 1), Fraction(1, 1)],
       [Fraction(0, 1), Fraction(2, 1)],
       [Fraction(0, 1), Fraction(1, 2)]], dtype=object)
>>> reduced_normal_form(g, a=0.5).payoffs[0][2, 1]
np.float64(0.5)
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any
from weakref import WeakKeyDictionary

import numpy as np
import sympy as sp

from ..errors import GameError, ParameterError
from .tree import Game

__all__ = [
    "MAX_CELLS",
    "MAX_STRATEGIES",
    "NormalForm",
    "TreeValues",
    "evaluate",
    "exact_values",
    "own_histories",
    "plan_count",
    "reduced_normal_form",
]

#: Most plans (reduced pure strategies) one player may have.
MAX_STRATEGIES: int = 5_000
#: Most cells (profiles of plans) a reduced normal form may have.
MAX_CELLS: int = 1_000_000

History = tuple[tuple[str, str], ...]


def own_histories(game: Game) -> list[dict[str, History]]:
    """For every node (pre-order), each player's own history on the path to it.

    A player's own history is the sequence of (information set, action) of
    the player's decisions on the path from the root.

    Examples
    --------
    >>> from kzgame.game import Game, decision, outcome
    >>> g = Game(decision("A", {"l": decision("A", {"x": outcome(A=0), "y": outcome(A=1)}),
    ...                         "r": outcome(A=2)}))
    >>> own_histories(g)[2]["A"]
    (('@root', 'l'), ('@l', 'x'))
    """
    out: list[dict[str, History]] = []
    for n in game.nodes:
        if n.parent is None:
            out.append({p: () for p in game.players})
            continue
        parent = game.nodes[n.parent]
        hist = dict(out[n.parent])
        if parent.kind == "decision":
            action = parent.actions[parent.children.index(n.index)]
            assert parent.player is not None and parent.infoset is not None
            hist[parent.player] = hist[parent.player] + ((parent.infoset, action),)
        out.append(hist)
    return out


def _player_infosets(game: Game, player: str) -> list[str]:
    """The player's information sets, in pre-order of their first node."""
    return [name for name, members in game.infosets.items()
            if game.nodes[members[0]].player == player]


def _check_perfect_recall(game: Game, histories: list[dict[str, History]]) -> None:
    for name, members in game.infosets.items():
        player = game.nodes[members[0]].player
        assert player is not None  # information sets hold decision nodes
        first = histories[members[0]][player]
        for m in members[1:]:
            if histories[m][player] != first:
                raise GameError(
                    f"information set {name!r} of {player}: nodes {game.nodes[members[0]].name!r}"
                    f" and {game.nodes[m].name!r} have different histories of {player}'s own "
                    "moves (imperfect recall); the reduced normal form needs perfect recall"
                )


def plan_count(game: Game, player: str) -> int:
    """The number of ``player``'s plans (reduced pure strategies), without listing them.

    Raises
    ------
    GameError
        If the game does not have perfect recall.

    Examples
    --------
    >>> from kzgame.games import period
    >>> plan_count(period("nash"), "R"), plan_count(period("nash"), "E")
    (4, 2)
    """
    histories = own_histories(game)
    _check_perfect_recall(game, histories)
    return _count(game, player, histories)


def _count(game: Game, player: str, histories: list[dict[str, History]]) -> int:
    below: dict[tuple[str, str] | None, list[str]] = {}
    for h in _player_infosets(game, player):
        hist = histories[game.infosets[h][0]][player]
        below.setdefault(hist[-1] if hist else None, []).append(h)

    def count(seq: tuple[str, str] | None) -> int:
        total = 1
        for h in below.get(seq, []):
            actions = game.nodes[game.infosets[h][0]].actions
            total *= sum(count((h, a)) for a in actions)
        return total

    return count(None)


def exact_values(game: Game, params: Mapping[str, Any]) -> dict[str, Fraction]:
    """The game's parameter values as exact Fractions, checked against their domains.

    Ints and Fractions are taken as they are, floats (and numpy numbers) at
    their exact binary value, Decimals exactly; defaults (floats) likewise.

    Raises
    ------
    ParameterError
        On an unknown or missing parameter, a value that is not a finite
        number, or one outside its domain (checked exactly).

    Examples
    --------
    >>> from kzgame.game import Game, decision, outcome
    >>> g = Game(decision("A", {"x": outcome(A="p")}), parameters={"p": "unit"})
    >>> exact_values(g, {"p": 0.1})["p"] == Fraction(0.1)
    True
    >>> exact_values(g, {"p": Fraction(11, 10)})
    Traceback (most recent call last):
    ...
    kzgame.errors.ParameterError: p = 11/10 is outside the allowed range [0, 1]
    """
    game.check_names(params)
    out: dict[str, Fraction] = {}
    for k, p in game.parameters.items():
        v = params.get(k, p.default)
        out[k] = _to_fraction(k, v)
        d = p.domain
        x = out[k]
        ok = (
            (math.isinf(d.low) or (x > Fraction(d.low) if d.low_open else x >= Fraction(d.low)))
            and (math.isinf(d.high)
                 or (x < Fraction(d.high) if d.high_open else x <= Fraction(d.high)))
        )
        if not ok:
            raise ParameterError(
                f"{k} = {x} is outside the allowed range {d.describe()}"
            )
    return out


def _to_fraction(name: str, v: Any) -> Fraction:
    if isinstance(v, bool | np.bool_):
        raise ParameterError(f"{name} must be a number, got {v!r}")
    if isinstance(v, int | np.integer):
        return Fraction(int(v))
    if isinstance(v, Fraction):
        return v
    if isinstance(v, sp.Rational):
        return Fraction(int(v.p), int(v.q))
    if isinstance(v, float | np.floating | Decimal):
        if not math.isfinite(float(v)) if not isinstance(v, Decimal) else not v.is_finite():
            raise ParameterError(f"{name} = {v!r} is not a finite number")
        return Fraction(float(v)) if not isinstance(v, Decimal) else Fraction(v)
    raise ParameterError(f"{name} must be a single number, got {v!r}")


def _is_rational_input(v: Any) -> bool:
    return (isinstance(v, int | np.integer | Fraction | sp.Rational)
            and not isinstance(v, bool | np.bool_))


_FLOAT: WeakKeyDictionary[Game, Any] = WeakKeyDictionary()


def _float_function(game: Game) -> Any:
    """One lambdified function: every leaf payoff, then every chance probability."""
    if game not in _FLOAT:
        exprs = [e for i in game.leaves for e in game.nodes[i].payoffs]
        exprs += [p for n in game.nodes if n.kind == "chance" for p in n.probabilities]
        _FLOAT[game] = sp.lambdify(list(game.symbols.values()), exprs, modules="numpy")
    return _FLOAT[game]


@dataclass(frozen=True)
class TreeValues:
    """A game's numbers at one parameter point (what :func:`evaluate` returns).

    Attributes
    ----------
    exact : bool
        Whether the numbers are Fractions (else floats).
    values : dict
        The parameter values (defaults filled in).
    leaf_payoffs : dict
        Leaf node index -> the payoffs, in :attr:`Game.players` order.
    chance : dict
        Chance node index -> the branch probabilities.
    """

    exact: bool
    values: dict[str, Any]
    leaf_payoffs: dict[int, tuple[Any, ...]]
    chance: dict[int, tuple[Any, ...]]


def evaluate(game: Game, *, exact: bool | None = None, **params: Any) -> TreeValues:
    """Every leaf's payoffs and every chance probability of ``game`` at ``params``.

    ``exact`` as for :func:`reduced_normal_form`.

    Raises
    ------
    ParameterError
        On bad parameter values, a probability outside [0, 1] at these
        values, or (floats) a payoff that overflows.
    GameError
        If ``exact`` and a payoff or probability is not rational at these values.

    Examples
    --------
    >>> from kzgame.game import Game, chance, outcome
    >>> g = Game(chance({"war": ("p", outcome(A=-1)), "peace": ("1 - p", outcome(A=1))}),
    ...          parameters={"p": "unit"})
    >>> evaluate(g, p=Fraction(1, 3)).chance
    {0: (Fraction(1, 3), Fraction(2, 3))}
    """
    if not isinstance(game, Game):
        raise GameError(f"expected a kzgame.game.Game, got {type(game).__name__}")
    if exact is None:
        exact = all(_is_rational_input(v) for v in params.values())
    leaf_payoffs: dict[int, tuple[Any, ...]] = {}
    chance_probs: dict[int, tuple[Any, ...]] = {}
    chance_nodes = [n for n in game.nodes if n.kind == "chance"]
    if exact:
        values: dict[str, Any] = exact_values(game, params)
        subs = {game.symbols[k]: sp.Rational(v.numerator, v.denominator)
                for k, v in values.items()}

        def ev(expr: sp.Expr, where: str) -> Fraction:
            r = expr.xreplace(subs)
            if not isinstance(r, sp.Rational):
                raise GameError(
                    f"{where} is {r} at these values, not a rational number; use exact=False"
                )
            return Fraction(int(r.p), int(r.q))

        for i in game.leaves:
            n = game.nodes[i]
            leaf_payoffs[i] = tuple(ev(e, f"the payoff of {p} at leaf {n.name!r}")
                                    for p, e in zip(game.players, n.payoffs, strict=True))
        for n in chance_nodes:
            chance_probs[n.index] = tuple(
                ev(e, f"the probability of {a!r} at chance node {n.name!r}")
                for a, e in zip(n.actions, n.probabilities, strict=True))
    else:
        values = game.values(params)
        with np.errstate(all="ignore"):
            flat = [float(x) for x in _float_function(game)(*values.values())]
        k = len(game.players)
        for j, i in enumerate(game.leaves):
            leaf_payoffs[i] = tuple(flat[j * k:(j + 1) * k])
        pos = k * len(game.leaves)
        for n in chance_nodes:
            chance_probs[n.index] = tuple(flat[pos:pos + len(n.actions)])
            pos += len(n.actions)
        for i, row in leaf_payoffs.items():
            if not all(math.isfinite(x) for x in row):
                raise ParameterError(
                    f"a payoff at leaf {game.nodes[i].name!r} is not finite in float64 "
                    "(overflow); use exact=True or rescale the parameters"
                )
    for n in chance_nodes:
        for a, p in zip(n.actions, chance_probs[n.index], strict=True):
            if not 0 <= p <= 1:
                raise ParameterError(
                    f"chance node {n.name!r}: the probability of {a!r} is {p} at these values, "
                    "outside [0, 1]"
                )

    return TreeValues(bool(exact), values, leaf_payoffs, chance_probs)


@dataclass(frozen=True)
class NormalForm:
    """The reduced normal form of a game at given parameter values.

    Attributes
    ----------
    game : Game
        The game.
    players : tuple of str
        The players (the axes of the payoff arrays, in this order).
    infosets : tuple of tuple of str
        For each player, the information sets a plan assigns, in pre-order
        of their first node.
    strategies : tuple of tuple of tuple
        For each player, the plans: one action name (or ``None``: left open)
        per information set of ``infosets``.
    payoffs : tuple of numpy.ndarray
        For each player, the expected payoff of every profile of plans; shape
        ``(number of plans of player 1, ..., of player n)``; dtype ``object``
        holding Fractions when :attr:`exact`, else float64.
    exact : bool
        Whether the payoffs are exact Fractions.
    values : dict
        The parameter values (Fractions when exact, else floats).
    leaf_payoffs : dict
        Leaf node index -> the payoffs at the leaf, in player order.
    chance : dict
        Chance node index -> its branch probabilities at these values.
    """

    game: Game = field(repr=False)
    players: tuple[str, ...]
    infosets: tuple[tuple[str, ...], ...]
    strategies: tuple[tuple[tuple[str | None, ...], ...], ...]
    payoffs: tuple[np.ndarray, ...] = field(repr=False)
    exact: bool
    values: dict[str, Any] = field(repr=False)
    leaf_payoffs: dict[int, tuple[Any, ...]] = field(repr=False)
    chance: dict[int, tuple[Any, ...]] = field(repr=False)

    @property
    def shape(self) -> tuple[int, ...]:
        """The number of plans of each player."""
        return tuple(len(s) for s in self.strategies)

    def _player(self, player: str | int) -> int:
        if isinstance(player, int) and not isinstance(player, bool):
            if not 0 <= player < len(self.players):
                raise GameError(f"no player number {player}; the game has {len(self.players)}")
            return player
        if player not in self.players:
            raise GameError(f"unknown player {player!r}; players: {', '.join(self.players)}")
        return self.players.index(player)

    def labels(self, player: str | int) -> tuple[str, ...]:
        """The plans of ``player`` as text: the actions joined by ``'/'``, ``'*'`` where open.

        A player with one information set has its action names as labels; a
        player who never moves has one plan, ``'*'`` (as in Gambit).
        """
        k = self._player(player)
        return tuple("/".join(a if a is not None else "*" for a in plan) or "*"
                     for plan in self.strategies[k])

    def bimatrix(self) -> tuple[np.ndarray, np.ndarray]:
        """The two payoff matrices (row player first) of a two-player game.

        Raises
        ------
        GameError
            If the game does not have exactly two players.
        """
        if len(self.players) != 2:
            raise GameError(
                f"a bimatrix needs two players; this game has {len(self.players)} "
                f"({', '.join(self.players)}): use the payoff tensors NormalForm.payoffs"
            )
        return self.payoffs[0], self.payoffs[1]

    def behaviour(self, player: str | int, sigma: Any) -> dict[str, dict[str, Any] | None]:
        """The behaviour strategy a mixed strategy over plans induces.

        At information set h, the probability of action a is the weight of
        the plans that choose a at h divided by the weight of the plans that
        do not leave h open; ``None`` where every plan played leaves h open
        (the player's own choices rule it out).

        Parameters
        ----------
        player : str or int
        sigma : sequence
            A probability for each of the player's plans.
        """
        k = self._player(player)
        plans = self.strategies[k]
        if len(sigma) != len(plans):
            raise GameError(f"{self.players[k]} has {len(plans)} plans, got {len(sigma)} weights")
        out: dict[str, dict[str, Any] | None] = {}
        for j, h in enumerate(self.infosets[k]):
            actions = self.game.nodes[self.game.infosets[h][0]].actions
            weight = {a: 0 * sigma[0] for a in actions}
            for w, plan in zip(sigma, plans, strict=True):
                act = plan[j]
                if act is not None:
                    weight[act] = weight[act] + w
            total = sum(weight.values())
            out[h] = None if total == 0 else {a: w / total for a, w in weight.items()}
        return out


def reduced_normal_form(game: Game, *, exact: bool | None = None, **params: Any) -> NormalForm:
    """The reduced normal form of ``game`` at the parameter values ``params``.

    Parameters
    ----------
    game : Game
        Any finite game with perfect recall (chance nodes and information
        sets allowed).
    exact : bool or None, default None
        True: Fractions from the symbolic payoffs at the exact values of the
        parameters (floats at their binary value); False: float64; None:
        exact iff every value given is an int or a Fraction.
    **params
        The game's parameter values (defaults filled in).

    Returns
    -------
    NormalForm

    Raises
    ------
    GameError
        If the game has imperfect recall, if it is too large (more than
        :data:`MAX_STRATEGIES` plans for a player or :data:`MAX_CELLS`
        profiles; checked before anything is allocated), or if ``exact`` and
        a payoff or probability is not rational at these values.
    ParameterError
        On bad parameter values, or a chance probability outside [0, 1] at
        these values.

    Examples
    --------
    >>> from kzgame.games import period
    >>> nf = reduced_normal_form(period("nash"), share=0.5, outside_r=0.25, outside_e=0.0,
    ...                          indispensability=1.0, survival=0.5, invest_cost=0.0)
    >>> nf.labels("R"), nf.labels("E"), nf.exact
    (('accept', 'invest', 'hold-up', 'exit'), ('concede', 'refuse'), False)
    >>> nf.payoffs[0]
    array([[0.375 , 0.375 ],
           [0.5   , 0.5   ],
           [0.4375, 0.25  ],
           [0.25  , 0.25  ]])
    """
    if not isinstance(game, Game):
        raise GameError(f"expected a kzgame.game.Game, got {type(game).__name__}")
    histories = own_histories(game)
    _check_perfect_recall(game, histories)
    counts = [_count(game, p, histories) for p in game.players]
    for p, c in zip(game.players, counts, strict=True):
        if c > MAX_STRATEGIES:
            raise GameError(
                f"{p} has {c} plans (reduced pure strategies), more than MAX_STRATEGIES = "
                f"{MAX_STRATEGIES}: the reduced normal form is too large"
            )
    cells = math.prod(counts)
    if cells > MAX_CELLS:
        raise GameError(
            f"the reduced normal form has {' x '.join(map(str, counts))} = {cells} cells, more "
            f"than MAX_CELLS = {MAX_CELLS}"
        )

    point = evaluate(game, exact=exact, **params)
    exact = point.exact
    leaf_payoffs, chance_probs, values = point.leaf_payoffs, point.chance, point.values

    # plans
    infosets = tuple(tuple(_player_infosets(game, p)) for p in game.players)
    strategies = tuple(_plans(game, p, hs, histories) for p, hs in zip(game.players, infosets,
                                                                        strict=True))
    # payoffs: each leaf adds its weight times its payoffs to the cells of the plans reaching it
    shape = tuple(len(s) for s in strategies)
    zero: Any = Fraction(0) if exact else 0.0
    arrays = [np.full(shape, zero, dtype=object if exact else np.float64) for _ in game.players]
    position = [{h: j for j, h in enumerate(hs)} for hs in infosets]
    cache: list[dict[History, list[int]]] = [{} for _ in game.players]
    for i in game.leaves:
        weight: Any = Fraction(1) if exact else 1.0
        m = i
        while (up := game.nodes[m].parent) is not None:
            parent = game.nodes[up]
            if parent.kind == "chance":
                weight = weight * chance_probs[parent.index][parent.children.index(m)]
            m = parent.index
        if weight == 0:
            continue
        index = []
        for k, p in enumerate(game.players):
            hist = histories[i][p]
            if hist not in cache[k]:
                cache[k][hist] = [
                    s for s, plan in enumerate(strategies[k])
                    if all(plan[position[k][h]] == a for h, a in hist)
                ]
            index.append(cache[k][hist])
        cells_ix = np.ix_(*index)
        for k in range(len(game.players)):
            arrays[k][cells_ix] += weight * leaf_payoffs[i][k]
    return NormalForm(
        game=game,
        players=game.players,
        infosets=infosets,
        strategies=strategies,
        payoffs=tuple(arrays),
        exact=bool(exact),
        values=values,
        leaf_payoffs=leaf_payoffs,
        chance=chance_probs,
    )


def _plans(game: Game, player: str, infosets: tuple[str, ...],
           histories: list[dict[str, History]]) -> tuple[tuple[str | None, ...], ...]:
    """The player's plans, lexicographic in tie order (first information set slowest)."""
    parent: list[tuple[int, str] | None] = []
    position = {h: j for j, h in enumerate(infosets)}
    for h in infosets:
        hist = histories[game.infosets[h][0]][player]
        parent.append((position[hist[-1][0]], hist[-1][1]) if hist else None)
    actions = [game.nodes[game.infosets[h][0]].actions for h in infosets]
    out: list[tuple[str | None, ...]] = []

    def extend(plan: list[str | None]) -> None:
        j = len(plan)
        if j == len(infosets):
            out.append(tuple(plan))
            return
        par = parent[j]
        if par is None or plan[par[0]] == par[1]:
            for a in actions[j]:
                extend(plan + [a])
        else:
            extend(plan + [None])

    extend([])
    return tuple(out)

