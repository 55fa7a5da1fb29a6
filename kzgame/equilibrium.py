"""The game in its two forms: the normal form and its exact set of Nash equilibria.

The 4x2 normal form (R in {invest, accept, hold-up, exit} x E in {concede,
refuse}) is degenerate by construction: unless R holds up, E's payoff does
not depend on its move.  Its Nash equilibria therefore come in connected
sets, and an algorithm that lists isolated points (nashpy's support or
vertex enumeration) returns only some of them, with a warning.

kzgame reports the equilibrium set exactly, as a union of *pieces*.  A piece
is a product set: R plays **any** mixture of the moves in ``support`` and E
concedes with **any** probability ``p`` in the closed interval
``concede = (lo, hi)``.  Pieces that intersect form a connected
*component*.  The extreme points (:meth:`EquilibriumPiece.vertices`) are the
pure moves of ``support`` paired with ``p = lo`` and ``p = hi``: these are the
extreme equilibria an enumeration of the best-response polytopes (Gambit's
``enummixed``) returns.

How "all equilibria" is derived (E concedes with probability p):

* R does not hold up: E is indifferent, so any p is a best reply; R must put
  weight only on its best moves among invest/accept/exit (payoff m) and the
  hold-up must not pay more, v(p) <= m.  Piece: (best moves, {p : v(p) <= m}).
* R holds up with positive probability: p must be E's best reply after a
  hold-up (1 if conceding pays E strictly more, 0 if strictly less, any p on
  a tie) and v(p) >= m; R mixes over hold-up and, where v(p) = m, its best
  other moves.

A Nash equilibrium is subgame perfect iff E's reply is also optimal after a
hold-up (the normal form cannot see that node when R does not hold up);
:attr:`EquilibriumPiece.subgame_perfect` gives the sub-interval of ``p``
where that holds.  The code is generic over the number type: given
:class:`fractions.Fraction` payoffs it is exact.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from typing import Any

import numpy as np
import sympy as sp

from .model import E_MOVES, R_MOVES, SYMBOLS, get_protocol, payoffs
from .params import PARAMETERS, KzgameError, Period

__all__ = [
    "EquilibriumComponent",
    "EquilibriumPiece",
    "equilibrium_set",
    "nashpy_equilibria",
    "normal_form",
]

_H = R_MOVES.index("hold-up")
_OTHERS = tuple(k for k in range(len(R_MOVES)) if k != _H)


@cache
def _payoff_function(protocol: str):
    table = payoffs(protocol)
    exprs = [table[(r, e)][i] for i in (0, 1) for r in R_MOVES for e in E_MOVES]
    return sp.lambdify([SYMBOLS[k] for k in PARAMETERS], exprs, modules="numpy")


def normal_form(
    period: Period, protocol: str = "nash", exact: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """The 4x2 bimatrix of the period game.

    Parameters
    ----------
    period : Period
        The parameters.
    protocol : str, default "nash"
        The bargaining protocol.
    exact : bool, default False
        If true, evaluate the payoffs in exact rational arithmetic on the exact
        binary values of the parameters and return arrays of
        :class:`fractions.Fraction` (dtype ``object``).

    Returns
    -------
    A, B : numpy.ndarray
        R's and E's payoffs; rows follow :data:`kzgame.model.R_MOVES`
        (invest, accept, hold-up, exit), columns
        :data:`kzgame.model.E_MOVES` (concede, refuse).

    Examples
    --------
    >>> p = Period(share=0.5, outside_r=0.25, outside_e=0.0,
    ...            indispensability=1.0, survival=0.5, invest_cost=0.0)
    >>> A, B = normal_form(p)
    >>> A
    array([[0.5   , 0.5   ],
           [0.375 , 0.375 ],
           [0.4375, 0.25  ],
           [0.25  , 0.25  ]])
    >>> normal_form(p, exact=True)[0][2, 0]
    Fraction(7, 16)
    """
    get_protocol(protocol)
    if exact:
        table = payoffs(protocol)
        values = {SYMBOLS[k]: sp.Rational(v) for k, v in period.as_dict().items()}

        def ev(expr: sp.Expr) -> Fraction:
            r = sp.Rational(expr.subs(values))
            return Fraction(int(r.p), int(r.q))

        A = np.array([[ev(table[(r, e)][0]) for e in E_MOVES] for r in R_MOVES], dtype=object)
        B = np.array([[ev(table[(r, e)][1]) for e in E_MOVES] for r in R_MOVES], dtype=object)
        return A, B
    values = period.as_dict()
    flat = _payoff_function(protocol)(*(values[k] for k in PARAMETERS))
    vals = np.array([float(x) for x in flat])
    n = len(R_MOVES) * len(E_MOVES)
    return vals[:n].reshape(4, 2), vals[n:].reshape(4, 2)


@dataclass(frozen=True)
class EquilibriumPiece:
    """A product set of Nash equilibria: any mixture on ``support`` x any p in ``concede``.

    Attributes
    ----------
    support : tuple of str
        R's moves (names from :data:`kzgame.model.R_MOVES`); R may mix over
        them in any proportion.
    concede : tuple (lo, hi)
        The closed interval of E's probability of conceding.
    payoff_r, payoff_e : tuple (min, max)
        The range of each player's expected payoff over the piece.
    subgame_perfect : tuple (lo, hi) or None
        The sub-interval of ``concede`` on which the equilibria are subgame
        perfect (E's reply after a hold-up is optimal), or ``None``.
    """

    support: tuple[str, ...]
    concede: tuple[Any, Any]
    payoff_r: tuple[Any, Any]
    payoff_e: tuple[Any, Any]
    subgame_perfect: tuple[Any, Any] | None

    def vertices(self) -> list[tuple[tuple[Any, ...], tuple[Any, Any]]]:
        """Extreme points: (R's pure strategy as a 4-vector, E's strategy (p, 1 - p))."""
        out = []
        for move in self.support:
            sigma_r = tuple(1 if m == move else 0 for m in R_MOVES)
            for p in sorted({self.concede[0], self.concede[1]}):
                out.append((sigma_r, (p, 1 - p)))
        return out

    def contains(self, sigma_r, sigma_e, tol: float = 1e-9) -> bool:
        """Whether the strategy pair lies in this piece (up to ``tol``)."""
        sigma_r = np.asarray(sigma_r, dtype=float)
        outside = [k for k, m in enumerate(R_MOVES) if m not in self.support]
        p = float(sigma_e[0])
        return bool(
            np.all(sigma_r[outside] <= tol)
            and float(self.concede[0]) - tol <= p <= float(self.concede[1]) + tol
        )

    @property
    def is_point(self) -> bool:
        """Whether the piece is a single (pure or mixed) equilibrium."""
        return len(self.support) == 1 and self.concede[0] == self.concede[1]


@dataclass(frozen=True)
class EquilibriumComponent:
    """A connected set of Nash equilibria: the union of intersecting pieces."""

    pieces: tuple[EquilibriumPiece, ...]

    def vertices(self) -> list[tuple[tuple[Any, ...], tuple[Any, Any]]]:
        """The extreme points of all pieces, without repeats."""
        seen: dict[Any, None] = {}
        for piece in self.pieces:
            for v in piece.vertices():
                seen.setdefault(v, None)
        return list(seen)

    def contains(self, sigma_r, sigma_e, tol: float = 1e-9) -> bool:
        """Whether the strategy pair lies in the component (up to ``tol``)."""
        return any(piece.contains(sigma_r, sigma_e, tol) for piece in self.pieces)

    @property
    def subgame_perfect(self) -> bool:
        """Whether the component contains a subgame-perfect equilibrium."""
        return any(piece.subgame_perfect is not None for piece in self.pieces)

    def describe(self) -> str:
        """One line per piece, e.g. ``R plays accept; E concedes w.p. p in [0, 1] ...``."""
        lines = []
        for pc in self.pieces:
            lo, hi = (float(x) for x in pc.concede)
            p = f"p = {lo:.4g}" if lo == hi else f"p in [{lo:.4g}, {hi:.4g}]"
            spe = (
                "not subgame perfect"
                if pc.subgame_perfect is None
                else "subgame perfect for p in "
                f"[{float(pc.subgame_perfect[0]):.4g}, {float(pc.subgame_perfect[1]):.4g}]"
            )
            lines.append(f"R mixes over {{{', '.join(pc.support)}}}; E concedes w.p. {p}; {spe}")
        return "\n".join(lines)


def _interval_where(a0, slope, m, sign: int):
    """The sub-interval of [0, 1] where a0 + slope*p <= m (sign=+1) or >= m (sign=-1)."""
    zero = a0 - a0  # 0 of the number type; a0 * 0 would be -0.0 for a float a0 < 0
    one = zero + 1
    if slope == 0:
        holds = (a0 <= m) if sign > 0 else (a0 >= m)
        return (zero, one) if holds else None
    root = (m - a0) / slope
    # v(p) <= m is p <= root when slope > 0, p >= root when slope < 0; flip for >=.
    below = (slope > 0) == (sign > 0)
    lo, hi = (zero, min(one, root)) if below else (max(zero, root), one)
    return (lo, hi) if lo <= hi else None


def _intersect(a, b):
    if a is None or b is None:
        return None
    lo, hi = max(a[0], b[0]), min(a[1], b[1])
    return (lo, hi) if lo <= hi else None


def equilibrium_set(A, B) -> list[EquilibriumComponent]:
    """All Nash equilibria of a period game's 4x2 normal form, exactly.

    Parameters
    ----------
    A, B : array_like, shape (4, 2)
        R's and E's payoffs as from :func:`normal_form` (rows invest, accept,
        hold-up, exit; columns concede, refuse).  Rows other than hold-up
        must not depend on the column (as in every period game).  Entries may
        be floats (ties decided on the computed values) or
        :class:`fractions.Fraction` (exact).

    Returns
    -------
    list of EquilibriumComponent
        The connected components of the equilibrium set.

    Raises
    ------
    KzgameError
        If the matrices are not 4x2, an entry is NaN or infinite (float
        payoffs of parameters near 1e308 overflow: use exact payoffs), or a
        row other than hold-up depends on E's move.

    Examples
    --------
    A hold-up that pays if E concedes, deterred by E's non-credible refusal:

    >>> p = Period(share=0.5, outside_r=0.25, outside_e=0.0,
    ...            indispensability=1.0, survival=1.0, invest_cost=0.1)
    >>> comps = equilibrium_set(*normal_form(p, exact=True))
    >>> for comp in comps:
    ...     print(comp.describe())
    R mixes over {accept}; E concedes w.p. p in [0, 0.6667]; not subgame perfect
    R mixes over {hold-up}; E concedes w.p. p = 1; subgame perfect for p in [1, 1]
    """
    A = np.asarray(A, dtype=object)
    B = np.asarray(B, dtype=object)
    if A.shape != (4, 2) or B.shape != (4, 2):
        raise KzgameError(f"expected two 4x2 payoff matrices, got {A.shape} and {B.shape}")
    for name, M in (("A", A), ("B", B)):
        for (k, j), x in np.ndenumerate(M):
            if not x - x == 0:  # NaN or an infinity (generic: Fractions of any size pass)
                raise KzgameError(
                    f"{name}[{k}, {j}] = {x!r} ({R_MOVES[k]}, {E_MOVES[j]}): payoffs must be "
                    "finite numbers (float payoffs overflow for parameters near 1e308; "
                    "use normal_form(..., exact=True))"
                )
    for k in _OTHERS:
        if A[k, 0] != A[k, 1] or B[k, 0] != B[k, 1]:
            raise KzgameError(f"row {R_MOVES[k]!r} depends on E's move: not a period game")
    a = {k: A[k, 0] for k in _OTHERS}
    m = max(a.values())
    best = tuple(R_MOVES[k] for k in _OTHERS if a[k] == m)
    a_hr, slope = A[_H, 1], A[_H, 0] - A[_H, 1]
    e_slope = B[_H, 0] - B[_H, 1]
    zero = m - m  # +0 of the number type (m * 0 is -0.0 when m < 0)
    one = zero + 1
    e_reply = (one, one) if e_slope > 0 else (zero, zero) if e_slope < 0 else (zero, one)

    raw: list[tuple[tuple[str, ...], tuple[Any, Any]]] = []
    not_more = _interval_where(a_hr, slope, m, +1)  # v(p) <= m: H unused
    if not_more is not None:
        raw.append((best, not_more))
    used = _intersect(_interval_where(a_hr, slope, m, -1), e_reply)  # v(p) >= m, E consistent
    if used is not None:
        raw.append((("hold-up",), used))
        tie = _intersect(used, not_more)  # where v(p) = m, R may mix H with its best moves
        if tie is not None:
            raw.append((tuple(mv for mv in R_MOVES if mv in best or mv == "hold-up"), tie))

    # Drop repeats, then pieces contained in another piece.
    unique = list({(frozenset(sup), iv): (sup, iv) for sup, iv in raw}.values())
    pieces = [
        (sup, iv)
        for sup, iv in unique
        if not any(
            (s2, iv2) != (sup, iv) and set(sup) <= set(s2) and iv2[0] <= iv[0] <= iv[1] <= iv2[1]
            for s2, iv2 in unique
        )
    ]

    def values(sup, iv, M):
        vals = []
        for mv in sup:
            k = R_MOVES.index(mv)
            for p in iv:
                vals.append(M[k, 1] + p * (M[k, 0] - M[k, 1]))
        return (min(vals), max(vals))

    built = [
        EquilibriumPiece(
            support=sup,
            concede=iv,
            payoff_r=values(sup, iv, A),
            payoff_e=values(sup, iv, B),
            subgame_perfect=_intersect(iv, e_reply),
        )
        for sup, iv in pieces
    ]
    # Group intersecting pieces (common move and overlapping p-interval) into components.
    groups: list[list[EquilibriumPiece]] = []
    for piece in built:
        linked = [
            g
            for g in groups
            if any(set(piece.support) & set(o.support) and _intersect(piece.concede, o.concede)
                   for o in g)
        ]
        merged = [piece] + [o for g in linked for o in g]
        groups = [g for g in groups if g not in linked] + [merged]
    order = {mv: i for i, mv in enumerate(R_MOVES)}
    comps = [
        EquilibriumComponent(tuple(sorted(g, key=lambda pc: (pc.concede[0], order[pc.support[0]]))))
        for g in groups
    ]
    return sorted(comps, key=lambda cp: (order[cp.pieces[0].support[0]], cp.pieces[0].concede[0]))


def nashpy_equilibria(
    A, B, method: str = "support_enumeration"
) -> tuple[list[tuple[np.ndarray, np.ndarray]], list[str]]:
    """The equilibria nashpy finds, and the warnings it gave.

    nashpy warns when a game is degenerate (as period games are): its list
    is then a subset of the equilibrium set.  The warnings are returned, not
    hidden, so a caller can see them; :func:`equilibrium_set` gives the whole
    set, and every point nashpy returns lies in one of its components.

    Parameters
    ----------
    A, B : array_like, shape (4, 2)
        The bimatrix (floats).
    method : {"support_enumeration", "vertex_enumeration", "lemke_howson"}
        The nashpy algorithm.

    Returns
    -------
    equilibria : list of (sigma_R, sigma_E)
    messages : list of str
        The text of each warning nashpy raised, and a line saying so if the
        algorithm failed outright (nashpy's vertex enumeration can, on fully
        degenerate games); the list of equilibria is then empty.
    """
    import nashpy

    game = nashpy.Game(np.asarray(A, dtype=float), np.asarray(B, dtype=float))
    algorithms = {
        "support_enumeration": lambda: list(game.support_enumeration()),
        "vertex_enumeration": lambda: list(game.vertex_enumeration()),
        "lemke_howson": lambda: [game.lemke_howson(initial_dropped_label=0)],
    }
    if method not in algorithms:
        raise KzgameError(f"unknown nashpy method {method!r}; known: {', '.join(algorithms)}")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            eqs = algorithms[method]()
            failure = []
        except (ArithmeticError, IndexError, TypeError, ValueError) as exc:
            # nashpy's polytope code can fail on fully degenerate games (e.g. all of R's
            # payoffs equal); report it instead of crashing: equilibrium_set still answers.
            eqs = []
            failure = [f"nashpy {method} failed on this game: {type(exc).__name__}: {exc}"]
    return eqs, [str(w.message) for w in caught] + failure
