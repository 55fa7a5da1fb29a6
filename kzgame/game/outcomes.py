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
from dataclasses import dataclass
from weakref import WeakKeyDictionary

import numpy as np

from ..errors import GameError
from .tree import MAX_OUTCOMES, Game

__all__ = ["OutcomeCodes", "outcome_codes"]


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

    def decode(self, codes) -> np.ndarray:
        """An array of outcome names from an array of codes.

        Raises
        ------
        GameError
            If a code is not an integer naming an outcome of the game.
        """
        arr = np.asarray(codes)
        if arr.dtype.kind not in "iu" and arr.size:
            integral = arr.dtype.kind == "f" and np.all(np.isfinite(arr))
            if not integral or np.any(arr != np.round(arr)):
                raise GameError(f"outcome codes must be integers, got {codes!r}")
        arr = arr.astype(np.int64)
        if arr.size and (arr.min() < 0 or arr.max() >= len(self.names)):
            bad = arr[(arr < 0) | (arr >= len(self.names))].flat[0]
            raise GameError(f"no outcome has code {bad}; codes are 0..{len(self.names) - 1}")
        return np.array(self.names)[arr]


_CACHE: WeakKeyDictionary[Game, OutcomeCodes] = WeakKeyDictionary()


def outcome_codes(game: Game) -> OutcomeCodes:
    """The outcome codes of ``game`` (cached per game)."""
    if game in _CACHE:
        return _CACHE[game]
    label_order = {lab: k for k, lab in enumerate(game.outcomes)}
    possible: dict[int, set[frozenset[str]]] = {}
    for n in reversed(game.nodes):  # children before parents
        if n.kind == "outcome":
            possible[n.index] = {frozenset([n.label])}
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
        for parts in itertools.product(*(at_node[c] for c in n.children)):
            table[parts] = code[frozenset().union(*(sets[p] for p in parts))]
        tables[n.index] = table
    result = OutcomeCodes(sets, names, at_node, tables, dtype)
    _CACHE[game] = result
    return result
