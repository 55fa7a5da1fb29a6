"""The order in which the compiled PBE classification tries the conjuncts.

Each assessment's condition is split into its conjuncts (:func:`conjuncts`:
the arguments of its top-level ``and``, flattened).  The distinct conjuncts
are tried in a greedy order found on a fixed pseudo-random sample of the
parameters' domains (:func:`sample_points`, seeded: the same solution
always gives the same order): first the conjunct that kills the most live
assessments on the sample, and so on (:func:`conjunct_order`).  The
arguments of each ``and``/``or`` of the intuitive criterion are ordered the
same way, those that decide most often per relation first
(:func:`reorder`), on the sample points where two or more assessments are
PBE.  An ``and`` is true iff every conjunct is: orders only affect the
speed, never the answer.

A plan is the structure of :class:`kzgame.game.pbe.PBESolution`'s compiled
conditions: ``("const", bool)``, ``("rel", kind, j)`` (difference ``j``
compared with the tolerance: ``kind`` one of ge, gt, le, lt, eq, ne),
``("not", plan)``, ``("and", plans)`` or ``("or", plans)``.

Examples
--------
Three conjuncts, each needed by some of two assessments, on four sample
points (True: the conjunct holds there); a pair (point, assessment)
is killed by the first conjunct it needs that is false there:

>>> import numpy as np
>>> a, b, c = ("rel", "ge", 0), ("rel", "lt", 1), ("rel", "eq", 2)
>>> conjuncts(("and", (a, ("and", (b, c))))) == [a, b, c]
True
>>> truth = np.array([[True, True, True, False],     # a: kills at one point
...                   [False, False, True, True],    # b: at two
...                   [False, True, True, True]])    # c: at one, for both
>>> fams = [np.array([0]), np.array([0]), np.array([0, 1])]
>>> conjunct_order(truth, fams, 2)  # b kills two pairs; then a and c one each
[1, 0, 2]
"""

from __future__ import annotations

import heapq
import math
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from ..game.pbe import PBESolution

__all__ = ["SAMPLE", "SampleTruth", "conjunct_order", "conjuncts", "reorder", "sample_points"]

#: Points of the sample that orders the conjuncts.
SAMPLE: int = 512


def conjuncts(p: Any) -> list[Any]:
    """The arguments of a plan's top-level ``and``, flattened (the plan itself otherwise)."""
    if p[0] == "and":
        return [c for x in p[1] for c in conjuncts(x)]
    return [p]


def sample_points(sol: PBESolution, n: int) -> np.ndarray:
    """A fixed pseudo-random sample of the parameters' domains (for the order only).

    Shape ``(parameters, n)``; uniform on each domain (an infinite end
    replaced by one unit from the other end, or [-0.5, 0.5]).
    """
    rng = np.random.default_rng(20261130)
    out = np.empty((len(sol.env.params), n))
    for k, sym in enumerate(sol.env.params):
        d = sol.game.parameters[str(sym)].domain
        lo = d.low if math.isfinite(d.low) else (d.high - 1.0 if math.isfinite(d.high) else -0.5)
        hi = d.high if math.isfinite(d.high) else lo + 1.0
        out[k] = rng.uniform(lo, hi, n)
    return out


class SampleTruth:
    """Truth values of plans at the sample points (NumPy), memoized by plan.

    ``D``: the differences at the points, shape ``(differences, points)``.
    """

    def __init__(self, D: np.ndarray, atol: float) -> None:
        self.D = D
        self.n = D.shape[1]
        self.memo: dict[int, np.ndarray] = {}
        self.rel = {"ge": lambda d: d >= -atol, "gt": lambda d: d > atol,
                    "le": lambda d: d <= atol, "lt": lambda d: d < -atol,
                    "eq": lambda d: np.abs(d) <= atol, "ne": lambda d: np.abs(d) > atol}

    def __call__(self, p: Any) -> np.ndarray:
        key = id(p)
        if key not in self.memo:
            tag = p[0]
            if tag == "const":
                r = np.full(self.n, bool(p[1]))
            elif tag == "rel":
                r = self.rel[p[1]](self.D[p[2]])
            elif tag == "not":
                r = ~self(p[1])
            elif tag == "and":
                r = np.logical_and.reduce([self(x) for x in p[1]])
            else:
                r = np.logical_or.reduce([self(x) for x in p[1]])
            self.memo[key] = r
        return self.memo[key]


def _size(p: Any, memo: dict[int, int]) -> int:
    """The number of relations in a plan (its cost if nothing short-circuits)."""
    key = id(p)
    if key not in memo:
        tag = p[0]
        memo[key] = 1 if tag in ("const", "rel") else _size(p[1], memo) if tag == "not" \
            else sum(_size(x, memo) for x in p[1])
    return memo[key]


def reorder(p: Any, truth: SampleTruth, where: np.ndarray, memo: dict[int, Any],
             sizes: dict[int, int]) -> Any:
    """``p`` with the arguments of each ``and`` / ``or`` in a cheaper short-circuit order.

    The arguments that decide most often at the sample points ``where``
    (false for ``and``, true for ``or``) per relation they contain come
    first (ties: the given order).  ``and`` and ``or`` do not depend on the
    order of their arguments: only the work does.
    """
    key = id(p)
    if key in memo:
        return memo[key]
    tag = p[0]
    if tag in ("const", "rel"):
        out = p
    elif tag == "not":
        out = ("not", reorder(p[1], truth, where, memo, sizes))
    else:
        kids = [reorder(x, truth, where, memo, sizes) for x in p[1]]
        decide = [float(np.mean(truth(x)[where] == (tag == "or"))) if where.any() else 0.0
                  for x in p[1]]
        rank = sorted(range(len(kids)),
                      key=lambda j: -decide[j] / _size(p[1][j], sizes))
        out = (tag, tuple(kids[j] for j in rank))
    memo[key] = out
    return out


def conjunct_order(truth: np.ndarray, fams: list[np.ndarray], nfam: int) -> list[int]:
    """Greedy order of the conjuncts.

    ``truth[c]``: conjunct c at the sample points; ``fams[c]``: the
    assessments that need it.  Each step takes the conjunct that kills the
    most (point, live assessment) pairs on the sample, ties to the first
    (lazy greedy: a conjunct's gain only falls as assessments die).
    """
    n = truth.shape[1]
    alive = np.ones((n, nfam), dtype=bool)
    false = ~truth

    def gain(c: int) -> int:
        return int(alive[false[c]][:, fams[c]].sum())

    heap = [(-gain(c), c) for c in range(len(fams))]
    heapq.heapify(heap)
    order: list[int] = []
    while heap:
        _, c = heapq.heappop(heap)
        now = gain(c)
        if heap and (-now, c) > heap[0]:  # stale: its gain fell below the next one's
            heapq.heappush(heap, (-now, c))
            continue
        order.append(c)
        rows = np.flatnonzero(false[c])
        alive[np.ix_(rows, fams[c])] = False
    return order
