"""Nash equilibria of a reduced normal form: the exact set (two players), pure equilibria (any).

Two players: the whole equilibrium set, exactly
------------------------------------------------
Shift both payoff matrices to positive numbers (this changes no best
reply) and form the best-response polytopes

    P = {x >= 0 : B^T x <= 1},        Q = {y >= 0 : A y <= 1}.

A point of P has the *label* i (a row) where x_i = 0 and the label of column
j where (B^T x)_j = 1 (j is a best reply to x); a point of Q has row label i
where (A y)_i = 1 and column label j where y_j = 0.  The **extreme
equilibria** are the completely labelled pairs of nonzero vertices, scaled to
probabilities (Avis, Rosenberg, Savani and von Stengel 2010, Economic Theory
42: 9-37; Gambit's ``enummixed``).  The vertices are enumerated here in exact
rational arithmetic, by visiting every feasible basis of the polytope's
tableau (breadth-first, every entering variable and every minimising leaving
row), so degenerate games, where a vertex has many bases, are handled: the
period game's normal form is degenerate by construction.

The equilibrium set is the union of the **maximal Nash subsets**: products
conv(X) x conv(Y) of sets of extreme strategies in which every pair is an
extreme equilibrium, maximal; they are the maximal bicliques of the bipartite
graph whose edges are the extreme equilibria (found here as the closed pairs
X = N(Y), Y = N(X)).  conv(X) is a face of the best-response polytope, so two
maximal Nash subsets intersect iff they share an extreme equilibrium; the
**components** (the connected components of the equilibrium set) are the
unions of maximal Nash subsets linked by shared extreme equilibria.

Subgame perfection
------------------
Each extreme equilibrium is flagged :attr:`ExtremeEquilibrium.subgame_perfect`:

* **perfect information** (chance allowed): ``True`` iff the behaviour
  profile the mixed profile induces (at each decision node, the weight of
  the player's plans choosing each action among those that do not leave the
  node open, :meth:`kzgame.game.normal_form.NormalForm.behaviour`),
  completed at the nodes every plan played leaves open (the player's own
  earlier choice rules them out) by **pure** actions, is sequentially
  rational at every node: at every decision node the mover puts weight only
  on actions whose expected payoff, given the profile below, is the best.
  The completion is searched exhaustively among pure actions (backward, over
  the distinct continuation payoffs the choices below allow).  When no node
  is left open (the period game: E's reply after a hold-up is always
  defined), this is exactly subgame perfection of the induced behaviour
  profile.  A profile that is subgame perfect only with a *mixed* completion
  at an open node is flagged ``False``;
* **imperfect information** (perfect recall): ``True`` iff some completion
  of the open information sets by pure actions gives a behaviour profile
  that is a Nash equilibrium of every subgame (Selten's definition; a
  subgame starts at a node whose subtree holds every information set it
  meets), checked by trying every pure strategy of every player in every
  subgame; ``None`` when there are more than :data:`MAX_COMPLETIONS`
  completions to try.  This is subgame perfection, not sequential
  rationality at every information set: that needs beliefs, which the later
  incomplete-information work adds.

Many players
------------
:func:`pure_equilibria` lists the pure Nash equilibria of a normal form with
any number of players (each plan a best reply to the others), with the same
subgame-perfection flag.

Examples
--------
>>> from fractions import Fraction
>>> from kzgame.game import Game, decision, outcome
>>> from kzgame.game.normal_form import reduced_normal_form
>>> entry = Game(decision("Firm", {
...     "out": outcome(Firm=0, Inc=2),
...     "in": decision("Inc", {"fight": outcome(Firm=-1, Inc=-1),
...                             "share": outcome(Firm=1, Inc=1)}),
... }))
>>> comps = equilibrium_components(reduced_normal_form(entry))
>>> for c in comps:
...     print(c.describe())
Firm plays out; Inc plays fight w.p. in [1/2, 1]: not subgame perfect
Firm plays in; Inc plays share: subgame perfect
"""

from __future__ import annotations

import itertools
import math
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from ..errors import GameError
from .normal_form import NormalForm

__all__ = [
    "MAX_BASES",
    "MAX_COMPLETIONS",
    "MAX_CONTINUATIONS",
    "Component",
    "ExtremeEquilibrium",
    "NashSubset",
    "PureEquilibrium",
    "bimatrix_components",
    "equilibrium_components",
    "extreme_equilibria",
    "pure_equilibria",
    "subgame_perfect",
]

#: Most feasible bases the vertex enumeration visits per polytope (degenerate games have many).
MAX_BASES: int = 200_000
#: Most distinct continuation payoffs the subgame-perfection search keeps at a node.
MAX_CONTINUATIONS: int = 100_000
#: Imperfect information: most pure completions (or pure strategies in a subgame) searched.
MAX_COMPLETIONS: int = 4_096

Mixed = tuple[Fraction, ...]


# ---------------------------------------------------------------------------
# exact input
# ---------------------------------------------------------------------------


def _exact_matrix(M: Any, name: str) -> list[list[Fraction]]:
    arr = np.asarray(M, dtype=object)
    if arr.ndim != 2 or 0 in arr.shape:
        raise GameError(f"{name} must be a non-empty matrix, got shape {arr.shape}")
    out = []
    for i in range(arr.shape[0]):
        row = []
        for j in range(arr.shape[1]):
            x = arr[i, j]
            if isinstance(x, bool | np.bool_):
                raise GameError(f"{name}[{i}, {j}] = {x!r} is not a number")
            if isinstance(x, int | np.integer | Fraction):
                row.append(Fraction(int(x)) if isinstance(x, np.integer) else Fraction(x))
                continue
            try:
                f = float(x)
            except (TypeError, ValueError):
                raise GameError(f"{name}[{i}, {j}] = {x!r} is not a number") from None
            if not math.isfinite(f):
                raise GameError(
                    f"{name}[{i}, {j}] = {x!r}: payoffs must be finite numbers (float payoffs "
                    "overflow for parameters near 1e308; use an exact normal form)"
                )
            row.append(Fraction(f))  # a float at its exact binary value
        out.append(row)
    return out


# ---------------------------------------------------------------------------
# vertex enumeration in exact arithmetic
# ---------------------------------------------------------------------------


def _vertices(M: list[list[Fraction]]) -> set[tuple[Fraction, ...]]:
    """The vertices of {x >= 0 : M x <= 1} (M: k x d, positive entries: a polytope).

    Breadth-first over all feasible bases of the tableau M x + s = 1: from
    each basis, every nonbasic variable with a positive column entry enters
    and every row attaining the minimum ratio leaves.  Every vertex is
    reached (from any feasible basis the simplex method reaches a basis of
    any given vertex, by such pivots).
    """
    k, d = len(M), len(M[0])
    width = d + k
    tableau = tuple(
        tuple(M[r]) + tuple(Fraction(int(c == r)) for c in range(k)) + (Fraction(1),)
        for r in range(k)
    )
    basis = tuple(range(d, width))
    seen = {frozenset(basis)}
    queue = deque([(basis, tableau)])
    out: set[tuple[Fraction, ...]] = set()
    while queue:
        basis, T = queue.popleft()
        x = [Fraction(0)] * d
        for r, b in enumerate(basis):
            if b < d:
                x[b] = T[r][-1]
        out.add(tuple(x))
        in_basis = set(basis)
        for e in range(width):
            if e in in_basis:
                continue
            rows = [r for r in range(k) if T[r][e] > 0]
            if not rows:
                continue
            ratios = {r: T[r][-1] / T[r][e] for r in rows}
            best = min(ratios.values())
            for r in rows:
                if ratios[r] != best:
                    continue
                new = basis[:r] + (e,) + basis[r + 1:]
                key = frozenset(new)
                if key in seen:
                    continue
                seen.add(key)
                if len(seen) > MAX_BASES:
                    raise GameError(
                        f"the vertex enumeration visited more than MAX_BASES = {MAX_BASES} "
                        "bases: the game is too large or too degenerate"
                    )
                pivot = T[r][e]
                prow = tuple(v / pivot for v in T[r])
                T2 = tuple(
                    prow if i == r else (
                        T[i] if T[i][e] == 0
                        else tuple(a - T[i][e] * b for a, b in zip(T[i], prow, strict=True))
                    )
                    for i in range(k)
                )
                queue.append((new, T2))
    return out


def _shifted(M: list[list[Fraction]]) -> list[list[Fraction]]:
    low = min(min(row) for row in M)
    return [[x - low + 1 for x in row] for row in M]


def _labels_p(x: Sequence[Fraction], Bs: list[list[Fraction]]) -> frozenset[int]:
    m, n = len(Bs), len(Bs[0])
    zero = {i for i in range(m) if x[i] == 0}
    tight = {m + j for j in range(n) if sum(x[i] * Bs[i][j] for i in range(m)) == 1}
    return frozenset(zero | tight)


def _labels_q(y: Sequence[Fraction], As: list[list[Fraction]]) -> frozenset[int]:
    m, n = len(As), len(As[0])
    tight = {i for i in range(m) if sum(As[i][j] * y[j] for j in range(n)) == 1}
    zero = {m + j for j in range(n) if y[j] == 0}
    return frozenset(tight | zero)


def _normalise(v: Sequence[Fraction]) -> Mixed:
    total = sum(v)
    return tuple(x / total for x in v)


def extreme_equilibria(A: Any, B: Any) -> list[tuple[Mixed, Mixed]]:
    """The extreme Nash equilibria of the bimatrix game (A, B), in exact rationals.

    Parameters
    ----------
    A, B : array_like, shape (m, n)
        The row and the column player's payoffs: ints, Fractions or floats
        (floats at their exact binary values).

    Returns
    -------
    list of (x, y)
        Mixed strategies as tuples of Fractions, sorted (row strategy, then
        column strategy, in decreasing lexicographic order: pure strategies
        on the first plans first).

    Raises
    ------
    GameError
        If A and B are not matrices of the same shape of finite numbers, or
        the enumeration exceeds :data:`MAX_BASES`.

    Examples
    --------
    Matching pennies has one equilibrium; a coordination game three:

    >>> extreme_equilibria([[1, -1], [-1, 1]], [[-1, 1], [1, -1]])
    [((Fraction(1, 2), Fraction(1, 2)), (Fraction(1, 2), Fraction(1, 2)))]
    >>> [(tuple(map(str, x)), tuple(map(str, y)))
    ...  for x, y in extreme_equilibria([[2, 0], [0, 1]], [[1, 0], [0, 2]])]
    [(('1', '0'), ('1', '0')), (('2/3', '1/3'), ('1/3', '2/3')), (('0', '1'), ('0', '1'))]
    """
    Ae, Be = _exact_matrix(A, "A"), _exact_matrix(B, "B")
    m, n = len(Ae), len(Ae[0])
    if (len(Be), len(Be[0])) != (m, n):
        raise GameError(f"A is {m}x{n} but B is {len(Be)}x{len(Be[0])}")
    As, Bs = _shifted(Ae), _shifted(Be)
    BsT = [[Bs[i][j] for i in range(m)] for j in range(n)]
    vp = [v for v in _vertices(BsT) if any(v)]
    vq = [v for v in _vertices(As) if any(v)]
    lp = {v: _labels_p(v, Bs) for v in vp}
    lq = {v: _labels_q(v, As) for v in vq}
    everything = frozenset(range(m + n))
    eqs = {
        (_normalise(x), _normalise(y))
        for x in vp for y in vq
        if lp[x] | lq[y] == everything
    }
    return sorted(eqs, reverse=True)


# ---------------------------------------------------------------------------
# the results
# ---------------------------------------------------------------------------


def _fmt(x: Any) -> str:
    """A probability for reading: exact when short (``2/3``), else 4 significant digits."""
    if isinstance(x, Fraction) and x.denominator <= 1000:
        return str(x)
    return f"{float(x):.4g}"


def _mixed_text(sigma: Sequence[Any], labels: Sequence[str]) -> str:
    parts = [(w, lab) for w, lab in zip(sigma, labels, strict=True) if w != 0]
    if len(parts) == 1:
        return parts[0][1]
    return " + ".join(f"{_fmt(w)} {lab}" for w, lab in parts)


@dataclass(frozen=True)
class ExtremeEquilibrium:
    """An extreme Nash equilibrium of a two-player normal form.

    Attributes
    ----------
    strategies : tuple of two tuples of Fraction
        Each player's mixed strategy: a probability per plan, in the order
        of :attr:`kzgame.game.normal_form.NormalForm.strategies`.
    payoffs : tuple of two Fractions
        Each player's expected payoff.
    subgame_perfect : bool or None
        See the module's definition (None: not decided: a bare bimatrix
        without a tree, or too many completions to search).
    labels : tuple of two tuples of str
        The plans' labels.
    """

    strategies: tuple[Mixed, Mixed]
    payoffs: tuple[Fraction, Fraction]
    subgame_perfect: bool | None
    labels: tuple[tuple[str, ...], tuple[str, ...]] = field(repr=False)

    def describe(self, players: Sequence[str] = ("row", "column")) -> str:
        """E.g. ``'R plays hold-up; E plays concede'``."""
        return "; ".join(
            f"{p} plays {_mixed_text(s, lab)}"
            for p, s, lab in zip(players, self.strategies, self.labels, strict=True)
        )


def _contains_side(sigma: Sequence[Any], zero: frozenset[int], best: frozenset[int],
                   other: list[list[Fraction]], tol: float) -> bool:
    """sigma in conv(X): a distribution, zero on ``zero``, with every reply in ``best`` a best one.

    ``other`` is the payoff matrix of the *other* player indexed [own plan][their plan].
    """
    if len(sigma) != len(other):
        return False
    if any(s < -tol for s in sigma) or abs(sum(sigma) - 1) > tol:
        return False
    if any(abs(sigma[i]) > tol for i in zero):
        return False
    if not best:
        return True
    vals = [sum(sigma[i] * other[i][j] for i in range(len(other))) for j in
            range(len(other[0]))]
    top = max(vals)
    scale = max(1.0, max(abs(float(x)) for row in other for x in row))
    return all(top - vals[j] <= tol * scale for j in best)


@dataclass(frozen=True)
class NashSubset:
    """A maximal Nash subset: every pair of conv(X) x conv(Y) is a Nash equilibrium.

    Attributes
    ----------
    extreme : tuple of two tuples
        X and Y: each player's extreme mixed strategies in this subset.
    equilibria : tuple of ExtremeEquilibrium
        Its extreme equilibria (all pairs of X x Y).
    """

    extreme: tuple[tuple[Mixed, ...], tuple[Mixed, ...]]
    equilibria: tuple[ExtremeEquilibrium, ...] = field(repr=False)
    _faces: tuple[tuple[frozenset[int], frozenset[int]], ...] = field(repr=False)
    _matrices: tuple[list[list[Fraction]], list[list[Fraction]]] = field(repr=False)

    def contains(self, sigma_1: Sequence[Any], sigma_2: Sequence[Any],
                 tol: float | None = None) -> bool:
        """Whether the pair of mixed strategies lies in conv(X) x conv(Y) (up to ``tol``).

        ``tol`` defaults to 0 (exact) when every probability given is an int
        or a Fraction, else to 1e-9 (relative to the largest payoff for the
        best-reply conditions).  conv(X) is a face of the best-response
        polytope: the strategies that are zero where every point of X is zero
        and against which every reply that is a best reply to all of X is a
        best reply.
        """
        if tol is None:
            exact = all(isinstance(x, int | Fraction) for x in (*sigma_1, *sigma_2))
            tol = 0.0 if exact else 1e-9
        (z1, b1), (z2, b2) = self._faces
        Bt, A = self._matrices  # B as [row plan][column plan]; A transposed: [column][row]
        return (_contains_side(sigma_1, z1, b1, Bt, tol)
                and _contains_side(sigma_2, z2, b2, A, tol))

    @property
    def subgame_perfect(self) -> bool | None:
        """Whether some extreme equilibrium of the subset is flagged subgame perfect."""
        return _any_flag(e.subgame_perfect for e in self.equilibria)


def _any_flag(flags: Any) -> bool | None:
    flags = list(flags)
    if any(f is True for f in flags):
        return True
    if any(f is None for f in flags):
        return None
    return False


@dataclass(frozen=True)
class Component:
    """A connected component of a two-player game's Nash-equilibrium set.

    The union of :attr:`subsets` (maximal Nash subsets) that are linked by
    shared extreme equilibria.

    Attributes
    ----------
    players : tuple of two str
    labels : tuple of two tuples of str
        The plans' labels (the strategies' coordinates).
    equilibria : tuple of ExtremeEquilibrium
        Its extreme equilibria.
    subsets : tuple of NashSubset
        Its maximal Nash subsets.
    """

    players: tuple[str, str]
    labels: tuple[tuple[str, ...], tuple[str, ...]]
    equilibria: tuple[ExtremeEquilibrium, ...]
    subsets: tuple[NashSubset, ...]

    def vertices(self) -> list[tuple[Mixed, Mixed]]:
        """The extreme equilibria as (mixed strategy of player 1, of player 2)."""
        return [e.strategies for e in self.equilibria]

    def contains(self, sigma_1: Sequence[Any], sigma_2: Sequence[Any],
                 tol: float | None = None) -> bool:
        """Whether the strategy pair lies in the component (in one of its maximal Nash subsets).

        ``tol`` as for :meth:`NashSubset.contains` (exact for Fractions by default).

        Examples
        --------
        >>> (comp,) = bimatrix_components([[1, 1], [2, 0]], [[0, 0], [0, 1]])
        >>> comp.contains((1, 0), (Fraction(1, 2), Fraction(1, 2)))
        True
        >>> comp.contains((1, 0), (0.5 + 1e-12, 0.5 - 1e-12)), comp.contains((1, 0), (0.6, 0.4))
        (True, False)
        """
        return any(s.contains(sigma_1, sigma_2, tol) for s in self.subsets)

    @property
    def subgame_perfect(self) -> bool | None:
        """Whether some extreme equilibrium of the component is flagged subgame perfect.

        ``None`` if none is flagged True and some are not decided.
        """
        return _any_flag(e.subgame_perfect for e in self.equilibria)

    @property
    def is_point(self) -> bool:
        """Whether the component is a single equilibrium."""
        return len(self.equilibria) == 1

    def describe(self) -> str:
        """One line per maximal Nash subset: each player's extreme strategies and the flag.

        ``any mixture of {a, b}`` is the convex hull of the extreme
        strategies listed (for a player with two plans, ``x w.p. in [lo, hi]``:
        any probability of its first plan in the interval); probabilities are
        exact when short, else rounded to 4 significant digits (the exact
        values are in :attr:`equilibria`).  The flag says which extreme
        equilibria are subgame perfect.
        """
        lines = []
        for s in self.subsets:
            sides = []
            for p, ext, lab in zip(self.players, s.extreme, self.labels, strict=True):
                texts = [_mixed_text(x, lab) for x in ext]
                if len(texts) == 1:
                    sides.append(f"{p} plays {texts[0]}")
                elif len(lab) == 2:  # a segment: the weight on the first plan in an interval
                    lo, hi = min(x[0] for x in ext), max(x[0] for x in ext)
                    sides.append(f"{p} plays {lab[0]} w.p. in [{_fmt(lo)}, {_fmt(hi)}]")
                else:
                    sides.append(f"{p} plays any mixture of {{{', '.join(texts)}}}")
            flags = [e.subgame_perfect for e in s.equilibria]
            if all(f is True for f in flags):
                verdict = "subgame perfect"
            elif all(f is False for f in flags):
                verdict = "not subgame perfect"
            elif any(f is None for f in flags):
                verdict = "subgame perfection not decided"
            else:
                good = [e.describe(self.players) for e in s.equilibria if e.subgame_perfect]
                verdict = "subgame perfect at " + " and at ".join(f"({g})" for g in good)
            lines.append("; ".join(sides) + f": {verdict}")
        return "\n".join(lines)


def bimatrix_components(
    A: Any, B: Any, *, players: tuple[str, str] = ("row", "column"),
    labels: tuple[Sequence[str], Sequence[str]] | None = None,
    flag: Any = None,
) -> list[Component]:
    """The connected components of the Nash-equilibrium set of the bimatrix game (A, B).

    Parameters
    ----------
    A, B : array_like, shape (m, n)
        Payoffs (ints, Fractions or floats at their exact binary value).
    players : pair of str, optional
        Names used by :meth:`Component.describe`.
    labels : pair of sequences of str, optional
        The strategies' names (default ``'0'``, ``'1'``, ...).
    flag : callable, optional
        ``flag(x, y)`` -> bool or None: the subgame-perfection flag of an
        extreme equilibrium (default: None, not decided).

    Returns
    -------
    list of Component
        Sorted by their first extreme equilibrium (as :func:`extreme_equilibria`).

    Examples
    --------
    >>> comps = bimatrix_components([[1, 1], [2, 0]], [[0, 0], [0, 1]],
    ...                             labels=(["a", "b"], ["c", "d"]))
    >>> [len(c.equilibria) for c in comps]
    [2]
    >>> print(comps[0].describe())
    row plays a; column plays c w.p. in [0, 1/2]: subgame perfection not decided
    >>> len(bimatrix_components([[2, 0], [0, 1]], [[1, 0], [0, 2]]))
    3
    """
    Ae, Be = _exact_matrix(A, "A"), _exact_matrix(B, "B")
    m, n = len(Ae), len(Ae[0])
    if labels is None:
        labels = ([str(i) for i in range(m)], [str(j) for j in range(n)])
    lab = (tuple(labels[0]), tuple(labels[1]))
    if (len(lab[0]), len(lab[1])) != (m, n):
        raise GameError(f"labels for {len(lab[0])}x{len(lab[1])} strategies, matrices {m}x{n}")
    eqs = extreme_equilibria(Ae, Be)
    if not eqs:  # pragma: no cover - every finite game has an equilibrium
        raise GameError("no equilibrium found: a bug; please report the game")

    def value(x: Mixed, M: list[list[Fraction]], y: Mixed) -> Fraction:
        return sum((x[i] * M[i][j] * y[j] for i in range(m) for j in range(n)), Fraction(0))

    extreme = {
        (x, y): ExtremeEquilibrium(
            strategies=(x, y),
            payoffs=(value(x, Ae, y), value(x, Be, y)),
            subgame_perfect=None if flag is None else flag(x, y),
            labels=lab,
        )
        for x, y in eqs
    }
    xs = list(dict.fromkeys(x for x, _ in eqs))
    ys = list(dict.fromkeys(y for _, y in eqs))
    nbr_x = {x: frozenset(y for x2, y in eqs if x2 == x) for x in xs}
    nbr_y = {y: frozenset(x for x, y2 in eqs if y2 == y) for y in ys}
    # closed pairs (X, Y): the Y sides are the intersections of neighbourhoods of x's
    closed: set[frozenset[Mixed]] = set(nbr_x.values())
    frontier = list(closed)
    while frontier:
        new = []
        for Y in frontier:
            for N in nbr_x.values():
                Z = Y & N
                if Z and Z not in closed:
                    closed.add(Z)
                    new.append(Z)
        frontier = new
    cliques = []
    for Y in closed:
        X = frozenset.intersection(*(nbr_y[y] for y in Y))
        Y2 = frozenset.intersection(*(nbr_x[x] for x in X))
        if Y2 == Y:
            cliques.append((X, Y))
    # components: union-find over extreme equilibria, one union per clique
    parent = {e: e for e in eqs}

    def find(e):
        while parent[e] != e:
            parent[e] = parent[parent[e]]
            e = parent[e]
        return e

    for X, Y in cliques:
        pairs = [(x, y) for x in X for y in Y]
        for p in pairs[1:]:
            parent[find(p)] = find(pairs[0])
    BT = [[Be[i][j] for j in range(n)] for i in range(m)]  # [row plan][column plan]
    AT = [[Ae[i][j] for i in range(m)] for j in range(n)]  # [column plan][row plan]
    order = {e: k for k, e in enumerate(eqs)}
    groups: dict[Any, list[Any]] = {}
    for e in eqs:
        groups.setdefault(find(e), []).append(e)
    comps = []
    for members in groups.values():
        member_set = set(members)
        subsets = []
        for X, Y in cliques:
            if (next(iter(X)), next(iter(Y))) not in member_set:
                continue
            Xs = tuple(sorted(X, reverse=True))
            Ys = tuple(sorted(Y, reverse=True))
            z1 = frozenset(i for i in range(m) if all(x[i] == 0 for x in Xs))
            z2 = frozenset(j for j in range(n) if all(y[j] == 0 for y in Ys))
            b1 = frozenset(j for j in range(n) if all(_is_best(x, BT, j) for x in Xs))
            b2 = frozenset(i for i in range(m) if all(_is_best(y, AT, i) for y in Ys))
            subsets.append(NashSubset(
                extreme=(Xs, Ys),
                equilibria=tuple(sorted((extreme[(x, y)] for x in Xs for y in Ys),
                                        key=lambda e: order[e.strategies])),
                _faces=((z1, b1), (z2, b2)),
                _matrices=(BT, AT),
            ))
        subsets.sort(key=lambda s: order[s.equilibria[0].strategies])
        comps.append(Component(
            players=tuple(players),  # type: ignore[arg-type]
            labels=lab,
            equilibria=tuple(extreme[e] for e in sorted(members, key=order.__getitem__)),
            subsets=tuple(subsets),
        ))
    comps.sort(key=lambda c: order[c.equilibria[0].strategies])
    return comps


def _is_best(sigma: Mixed, other: list[list[Fraction]], j: int) -> bool:
    vals = [sum(sigma[i] * other[i][k] for i in range(len(other))) for k in range(len(other[0]))]
    return vals[j] == max(vals)


# ---------------------------------------------------------------------------
# subgame perfection of a mixed profile over plans
# ---------------------------------------------------------------------------


def _subgame_roots(nf: NormalForm) -> list[int]:
    """The roots of the subgames: nodes whose subtree holds every information set it meets."""
    game = nf.game
    roots = []
    for n in game.nodes:
        if n.kind == "outcome":
            continue
        inside = set(game.subtree(n.index))
        if all(set(members) <= inside for members in game.infosets.values()
               if set(members) & inside):
            roots.append(n.index)
    return roots


def _expected(nf: NormalForm, behaviour: dict[str, dict[str, Any]], i: int) -> list[Any]:
    """Every player's expected payoff from node ``i`` under a complete behaviour profile."""
    game = nf.game
    node = game.nodes[i]
    if node.kind == "outcome":
        return list(nf.leaf_payoffs[i])
    if node.kind == "chance":
        weights = nf.chance[i]
    else:
        assert node.infoset is not None  # a decision node
        weights = tuple(behaviour[node.infoset][a] for a in node.actions)
    total = [0 * x for x in nf.leaf_payoffs[game.leaves[0]]]
    for w, c in zip(weights, node.children, strict=True):
        if w != 0:
            total = [t + w * v for t, v in zip(total, _expected(nf, behaviour, c), strict=True)]
    return total


def _by_subgames(nf: NormalForm, behaviour: dict[str, dict[str, Any] | None]) -> bool | None:
    """Imperfect information: some pure completion of the open information sets gives a
    behaviour profile that is a Nash equilibrium of every subgame (None: too many to search)."""
    game = nf.game
    roots = _subgame_roots(nf)
    actions = {h: game.nodes[m[0]].actions for h, m in game.infosets.items()}
    open_sets = [h for h, b in behaviour.items() if b is None]
    if math.prod(len(actions[h]) for h in open_sets) > MAX_COMPLETIONS:
        return None

    def pure(a: str, h: str) -> dict[str, Any]:
        return {b: Fraction(int(b == a)) for b in actions[h]}

    for completion in itertools.product(*(actions[h] for h in open_sets)):
        full = dict(behaviour)
        full.update({h: pure(a, h) for h, a in zip(open_sets, completion, strict=True)})
        if all(_nash_in_subgame(nf, full, r, actions) for r in roots):
            return True
    return False


def _nash_in_subgame(nf: NormalForm, full: dict[str, Any], root: int,
                     actions: dict[str, tuple[str, ...]]) -> bool:
    game = nf.game
    value = _expected(nf, full, root)
    inside = set(game.subtree(root))
    for k, player in enumerate(nf.players):
        sets = [h for h, m in game.infosets.items()
                if m[0] in inside and game.nodes[m[0]].player == player]
        if math.prod(len(actions[h]) for h in sets) > MAX_COMPLETIONS:
            raise GameError(
                f"the subgame-perfection check would try more than MAX_COMPLETIONS = "
                f"{MAX_COMPLETIONS} pure strategies of {player}: the game is too large"
            )
        for combo in itertools.product(*(actions[h] for h in sets)):
            dev = dict(full)
            dev.update({h: {b: Fraction(int(b == a)) for b in actions[h]}
                        for h, a in zip(sets, combo, strict=True)})
            if _expected(nf, dev, root)[k] > value[k]:
                return False
    return True


def subgame_perfect(nf: NormalForm, profile: Sequence[Sequence[Any]]) -> bool | None:
    """Whether a profile of mixed strategies over plans is subgame perfect (module's definition).

    Parameters
    ----------
    nf : NormalForm
        The reduced normal form (its payoffs exact or float; comparisons are
        exact on the numbers given).
    profile : sequence
        For each player, a probability for each of its plans.

    Returns
    -------
    bool or None
        None for a game of imperfect information with too many open
        information sets to search.
    """
    game = nf.game
    if len(profile) != len(nf.players):
        raise GameError(f"a profile needs {len(nf.players)} strategies, got {len(profile)}")
    behaviour: dict[str, dict[str, Any] | None] = {}
    for k, sigma in enumerate(profile):
        behaviour.update(nf.behaviour(k, list(sigma)))
    if not game.perfect_information:
        return _by_subgames(nf, behaviour)
    players = {p: k for k, p in enumerate(nf.players)}

    def achievable(i: int) -> set[tuple[Any, ...]]:
        node = game.nodes[i]
        if node.kind == "outcome":
            return {tuple(nf.leaf_payoffs[i])}
        kids = []
        for c in node.children:
            kids.append(achievable(c))
            if not kids[-1]:
                return set()  # no completion below is sequentially rational
        if node.kind == "chance":
            probs = nf.chance[i]
            acc: set[tuple[Any, ...]] = {tuple(0 * x for x in next(iter(kids[0])))}
            for p, options in zip(probs, kids, strict=True):
                acc = {tuple(a + p * b for a, b in zip(v, w, strict=True))
                       for v in acc for w in options}
                _check_size(acc)
            return acc
        assert node.player is not None and node.infoset is not None  # a decision node
        k = players[node.player]
        beta = behaviour[node.infoset]
        out: set[tuple[Any, ...]] = set()
        if beta is None:  # open: any pure action that is a best reply, given the choice below
            combos = _product(kids)
            for combo in combos:
                top = max(v[k] for v in combo)
                for v in combo:
                    if v[k] == top:
                        out.add(v)
        else:
            weights = [beta[a] for a in node.actions]
            for combo in _product(kids):
                top = max(v[k] for v in combo)
                if all(w == 0 or v[k] == top for w, v in zip(weights, combo, strict=True)):
                    total = [0 * x for x in combo[0]]
                    for w, v in zip(weights, combo, strict=True):
                        if w != 0:
                            total = [t + w * x for t, x in zip(total, v, strict=True)]
                    out.add(tuple(total))
        _check_size(out)
        return out

    return bool(achievable(0))


def _check_size(values: set) -> None:
    if len(values) > MAX_CONTINUATIONS:
        raise GameError(
            f"the subgame-perfection check keeps more than MAX_CONTINUATIONS = "
            f"{MAX_CONTINUATIONS} continuation payoffs at a node: the game is too large"
        )


def _product(kids: list[set[tuple[Any, ...]]]) -> Any:
    size = math.prod(len(k) for k in kids)
    if size > MAX_CONTINUATIONS:
        raise GameError(
            f"the subgame-perfection check would combine {size} continuations at a node, more "
            f"than MAX_CONTINUATIONS = {MAX_CONTINUATIONS}: the game is too large"
        )
    return itertools.product(*(sorted(k, key=repr) for k in kids))


# ---------------------------------------------------------------------------
# the public entry points on a normal form
# ---------------------------------------------------------------------------


def equilibrium_components(nf: NormalForm) -> list[Component]:
    """The exact Nash-equilibrium set of a two-player game's reduced normal form.

    Parameters
    ----------
    nf : NormalForm
        From :func:`kzgame.game.normal_form.reduced_normal_form` (float
        payoffs are taken at their exact binary values).

    Returns
    -------
    list of Component
        The connected components, each with its extreme equilibria (flagged
        subgame perfect or not, see the module) and maximal Nash subsets.

    Raises
    ------
    GameError
        If the game does not have two players (use :func:`pure_equilibria`).

    Examples
    --------
    >>> from kzgame.games import period
    >>> from kzgame.game.normal_form import reduced_normal_form
    >>> nf = reduced_normal_form(period("nash"), share=0.5, outside_r=0.25, outside_e=0.0,
    ...                          indispensability=1.0, survival=1.0, invest_cost=0.125)
    >>> for comp in equilibrium_components(nf):
    ...     print(comp.describe())
    R plays accept; E plays concede w.p. in [0, 2/3]: not subgame perfect
    R plays hold-up; E plays concede: subgame perfect
    """
    if len(nf.players) != 2:
        raise GameError(
            f"the mixed equilibrium set is computed for two players; this game has "
            f"{len(nf.players)} ({', '.join(nf.players)}): use pure_equilibria"
        )
    A, B = nf.bimatrix()
    exact_nf = nf
    if not nf.exact:
        exact_nf = _as_exact(nf)
    return bimatrix_components(
        A, B,
        players=(nf.players[0], nf.players[1]),
        labels=(nf.labels(0), nf.labels(1)),
        flag=lambda x, y: subgame_perfect(exact_nf, (x, y)),
    )


def _as_exact(nf: NormalForm) -> NormalForm:
    """The same normal form with every float at its exact binary value."""
    def fr(row):
        return tuple(Fraction(float(v)) for v in row)

    return NormalForm(
        game=nf.game, players=nf.players, infosets=nf.infosets, strategies=nf.strategies,
        payoffs=tuple(np.vectorize(lambda v: Fraction(float(v)), otypes=[object])(a)
                      for a in nf.payoffs),
        exact=True, values=nf.values,
        leaf_payoffs={i: fr(r) for i, r in nf.leaf_payoffs.items()},
        chance={i: fr(r) for i, r in nf.chance.items()},
    )


@dataclass(frozen=True)
class PureEquilibrium:
    """A pure Nash equilibrium of a normal form with any number of players.

    Attributes
    ----------
    plans : tuple of int
        Each player's plan (index into its strategies).
    labels : tuple of str
        The plans' labels.
    payoffs : tuple
        Each player's payoff.
    subgame_perfect : bool or None
        As for :class:`ExtremeEquilibrium`.
    """

    plans: tuple[int, ...]
    labels: tuple[str, ...]
    payoffs: tuple[Any, ...]
    subgame_perfect: bool | None


def pure_equilibria(nf: NormalForm) -> list[PureEquilibrium]:
    """The pure Nash equilibria of a reduced normal form (any number of players).

    A profile is one iff no player gains by switching to another of its
    plans, the others' fixed (exact comparison on the payoffs given).

    Examples
    --------
    >>> from kzgame.game import Game, decision, outcome
    >>> from kzgame.game.normal_form import reduced_normal_form
    >>> g = Game(decision("A", {
    ...     "a": decision("B", {"x": outcome(A=1, B=1, C=1), "y": outcome(A=0, B=0, C=2)}),
    ...     "b": decision("C", {"u": outcome(A=2, B=0, C=0), "v": outcome(A=0, B=0, C=1)}),
    ... }))
    >>> [(e.labels, e.subgame_perfect) for e in pure_equilibria(reduced_normal_form(g))]
    [(('a', 'x', 'v'), True), (('b', 'y', 'v'), False)]
    """
    best = np.ones(nf.shape, dtype=bool)
    for k, pay in enumerate(nf.payoffs):
        top = pay.max(axis=k, keepdims=True)
        best &= np.asarray(pay == top, dtype=bool)
    exact_nf = nf if nf.exact else _as_exact(nf)
    out = []
    for cell in zip(*np.nonzero(best), strict=True):
        plans = tuple(int(c) for c in cell)
        profile = [tuple(Fraction(int(s == c)) for s in range(n))
                   for c, n in zip(plans, nf.shape, strict=True)]
        out.append(PureEquilibrium(
            plans=plans,
            labels=tuple(nf.labels(k)[c] for k, c in enumerate(plans)),
            payoffs=tuple(pay[cell] for pay in nf.payoffs),
            subgame_perfect=subgame_perfect(exact_nf, profile),
        ))
    return out
