"""Outcome codes: the small integers :func:`kzgame.classify` returns for a game.

Without chance nodes a subgame-perfect equilibrium in pure strategies
reaches one leaf, and its **outcome** is that leaf's label: the codes are
the positions of the labels in :attr:`kzgame.game.Game.outcomes`.

With chance nodes the equilibrium path branches, and its outcome is the
*set* of labels it reaches (whatever a branch's probability at the point,
so that a code means the same play everywhere).  The possible sets are
enumerated from the tree: codes first number the single labels, in the
order of :attr:`Game.outcomes`, then the sets of two or more labels, by
size and then by the order of their labels.

Examples
--------
>>> from kzgame.game import Game, decision, chance, outcome
>>> g = Game(decision("A", {
...     "safe": outcome(A=0, label="safe"),
...     "gamble": chance({"win": ("1/2", outcome(A=1, label="win")),
...                       "lose": ("1/2", outcome(A=-1, label="lose"))}),
... }))
>>> codes = outcome_codes(g)
>>> codes.names
('safe', 'win', 'lose', 'win + lose')
>>> codes.at_node[g.node("gamble").index]
(3,)
"""

from __future__ import annotations

import itertools
import numbers
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

import numpy as np

from ..errors import GameError, KzgameError
from .registry import short_repr

if TYPE_CHECKING:  # the tree (and sympy) load when a game is built, not to check codes
    from .tree import Game

__all__ = ["OutcomeCodes", "check_codes", "outcome_codes"]


def check_codes(
    codes: Any, count: int, what: str = "outcome", error: type[KzgameError] = GameError
) -> np.ndarray:
    """``codes`` as an int64 array, if every element is an integer code in ``0..count-1``.

    The one check of integer codes (outcome codes here, strategy codes in
    :meth:`kzgame.Strategy.decode`): integers and integral floats pass;
    a code out of range, a fraction, NaN, a boolean, a string, a complex
    number or a masked array raises ``error`` naming the first bad code and
    the valid range.

    Examples
    --------
    >>> check_codes([2, 0.0], 4)
    array([2, 0])
    >>> check_codes([0, 1.9], 4, "strategy")
    Traceback (most recent call last):
    ...
    kzgame.errors.GameError: strategy codes are integers from 0 to 3, got 1.9
    >>> check_codes(-1, 4, "strategy")
    Traceback (most recent call last):
    ...
    kzgame.errors.GameError: no strategy has code -1; codes are 0..3
    """
    valid = f"integers from 0 to {count - 1}"
    if isinstance(codes, np.ma.MaskedArray) or codes is np.ma.masked:
        raise error(f"{what} codes: masked arrays are not accepted (their mask would be "
                    "ignored); pass arr.compressed() or np.ma.filled(arr, value)")
    if not isinstance(codes, np.ndarray | np.generic):
        try:
            elements = np.asarray(codes, dtype=object)
        except (TypeError, ValueError):
            raise error(f"{what} codes are {valid}, got {short_repr(codes)}") from None
        for x in elements.flat:  # a list may hide booleans or strings numpy would convert
            if isinstance(x, bool | np.bool_) or not isinstance(x, numbers.Real):
                raise error(f"{what} codes are {valid}, got {short_repr(x)}")
    arr = np.asarray(codes)
    if arr.dtype.kind not in "iuf":
        raise error(f"{what} codes are {valid}, got {short_repr(codes)} (dtype {arr.dtype})")
    if arr.dtype.kind == "f":
        with np.errstate(invalid="ignore"):
            bad = ~np.isfinite(arr) | (arr != np.round(arr))
        if bad.any():
            raise error(f"{what} codes are {valid}, got {short_repr(arr[bad].flat[0].item())}")
    if arr.size and (arr.min() < 0 or arr.max() >= count):
        bad = arr[(arr < 0) | (arr >= count)].flat[0].item()
        if isinstance(bad, float) and abs(bad) < 2.0**53:
            bad = int(bad)
        raise error(f"no {what} has code {short_repr(bad)}; codes are 0..{count - 1}")
    return arr.astype(np.int64)


@dataclass(frozen=True)
class OutcomeCodes:
    """The outcome codes of a game.

    Attributes
    ----------
    sets : tuple of frozenset of str
        The set of labels each code stands for.
    names : tuple of str
        Each code's name: the label, or the labels joined by ``' + '``.
    at_node : dict of int to tuple of int
        For every node, the codes its subtree can produce.
    tables : dict of int to numpy.ndarray
        For every chance node: an integer array indexed by its children's
        codes giving the node's code (-1 where the combination cannot occur).
    dtype : numpy.dtype
        int8 or int16.
    """

    sets: tuple[frozenset[str], ...]
    names: tuple[str, ...]
    at_node: dict[int, tuple[int, ...]]
    tables: dict[int, np.ndarray]
    dtype: np.dtype

    def decode(self, codes: Any) -> np.ndarray:
        """An array of outcome names from an array of codes.

        Raises
        ------
        GameError
            If a code is not an integer naming an outcome of the game
            (:func:`check_codes`).
        """
        arr = check_codes(codes, len(self.names))
        return np.array(self.names)[arr]


_CACHE: WeakKeyDictionary[Game, OutcomeCodes] = WeakKeyDictionary()


def outcome_codes(game: Game) -> OutcomeCodes:
    """The outcome codes of ``game`` (cached per game)."""
    from .tree import MAX_OUTCOMES

    if game in _CACHE:
        return _CACHE[game]
    label_order = {lab: k for k, lab in enumerate(game.outcomes)}
    possible: dict[int, set[frozenset[str]]] = {}
    for n in reversed(game.nodes):  # children before parents
        if n.kind == "outcome":
            possible[n.index] = {frozenset([str(n.label)])}
        elif n.kind == "decision":
            possible[n.index] = set().union(*(possible[c] for c in n.children))
        else:
            combos = set()
            for parts in itertools.product(*(sorted(possible[c], key=sorted) for c in n.children)):
                combos.add(frozenset().union(*parts))
                if len(combos) > MAX_OUTCOMES:
                    break
            possible[n.index] = combos
        if len(possible[n.index]) > MAX_OUTCOMES:
            raise GameError(f"node {n.name!r}: more than {MAX_OUTCOMES} possible outcomes")
    singles = [frozenset([lab]) for lab in game.outcomes]
    multi = sorted(
        {s for v in possible.values() for s in v if len(s) > 1},
        key=lambda s: (len(s), sorted(label_order[x] for x in s)),
    )
    sets = tuple(singles + multi)
    if len(sets) > MAX_OUTCOMES:
        raise GameError(f"the game has more than {MAX_OUTCOMES} possible outcomes")
    code = {s: k for k, s in enumerate(sets)}
    names = tuple(
        " + ".join(sorted(s, key=label_order.__getitem__)) for s in sets
    )
    seen: dict[str, frozenset[str]] = {}
    for name, s in zip(names, sets, strict=True):
        if name in seen:
            raise GameError(
                f"outcome name {name!r} is ambiguous: it is a leaf's label and also the labels "
                f"{', '.join(map(repr, sorted(s, key=label_order.__getitem__)))} reached "
                "together through a chance node; rename the label (avoid ' + ' in labels)"
            )
        seen[name] = s
    dtype = np.dtype(np.int8 if len(sets) <= 127 else np.int16)
    at_node = {i: tuple(sorted(code[s] for s in v)) for i, v in possible.items()}
    tables: dict[int, np.ndarray] = {}
    for n in game.nodes:
        if n.kind != "chance":
            continue
        size = len(sets) ** len(n.children)
        if size > 1 << 22:
            raise GameError(
                f"chance node {n.name!r}: its table of outcome combinations would have "
                f"{size} entries; the game has too many outcomes below it"
            )
        table = np.full((len(sets),) * len(n.children), -1, dtype=np.int64)
        for combo in itertools.product(*(at_node[c] for c in n.children)):
            table[combo] = code[frozenset().union(*(sets[p] for p in combo))]
        tables[n.index] = table
    result = OutcomeCodes(sets, names, at_node, tables, dtype)
    _CACHE[game] = result
    return result
