"""A compiled classification of a PBE solution: every point in one loop, lazily.

:meth:`kzgame.game.pbe.PBESolution.classify` (the reference) evaluates, at
each point, every assessment's conditions, the intuitive criterion, the
ex-ante payoffs and the selection (:func:`kzgame.game.pbe.select`), with
NumPy over blocks of points.  :func:`classify_solution` gives the same
result with the compiled classification of this module, which goes point
by point and computes only what the point needs.  Nothing in it is written
for one game.

**What is computed at a point.**

* Each assessment's condition is split into its conjuncts (the arguments
  of its top-level ``And``, flattened); each distinct conjunct has a bit
  mask of the assessments that need it.  The conjuncts are tried in a fixed
  order; a conjunct is evaluated only if an assessment still alive needs
  it, and when it fails every assessment that needs it is dead.  The
  assessments left are exactly those whose conditions hold (an ``And`` is
  true iff every conjunct is: the order changes the work, not the answer).
* A relation's difference (``a - b`` of ``a >= b``, compared with the
  tolerance as the reference does) is computed the first time the point
  needs it and kept for the rest of the point.
* The intuitive criterion only where two or more assessments are PBE (with
  one, it is selected whatever the criterion says), with short circuit;
  payoffs only for the candidates it leaves; then the selection step by
  step as the reference (a NaN payoff among the candidates selects nothing,
  as NumPy's ``max`` does).

**The parts**, each in its own module; :class:`SolutionKernel` puts them
together for one solution.

* :mod:`kzgame.numeric.pbe_order`: the order of the conjuncts (greedy on a
  seeded sample of the parameters' domains) and of the intuitive
  criterion's ``and``/``or`` arguments.  Orders only affect the speed.
* :mod:`kzgame.numeric.pbe_ir`: *the game's code, compiled by LLVM*
  (llvmlite, which numba ships): the terminal payoffs, the differences,
  the assessments' payoffs, the first :data:`UNROLL` conjuncts of the
  order (all of them in the belief games) with their masks, and the
  intuitive criterion, translated from the reference's printed text
  operation by operation, so that every number is the same double as the
  reference's.  Seconds, in every process.
* :mod:`kzgame.numeric.pbe_loop`: *one generic loop* (numba; the same
  source for every game, compiled once per machine and cached on disk like
  the game kernels): the points, the calls into the game's code, the
  conjuncts beyond :data:`UNROLL` (a short bytecode with short-circuit
  jumps and a small interpreter), the selection.

Without numba, or for a solution whose expressions the translator does not
handle, :func:`solution_kernel` returns None and :func:`classify_solution`
uses the reference.
"""

from __future__ import annotations

import importlib.util
import math
from typing import TYPE_CHECKING, Any

import numpy as np

from .pbe_ir import Native, module_ir, prefix_ir
from .pbe_loop import END, KINDS, emit, generic_loop, record_loop_files
from .pbe_order import SAMPLE, SampleTruth, conjunct_order, conjuncts, reorder, sample_points

if TYPE_CHECKING:
    from ..game.pbe import PBESolution

__all__ = ["AUTO_POINTS", "UNROLL", "SolutionKernel", "classify_solution", "solution_kernel"]

#: At most this many conjuncts are unrolled in LLVM IR (the rest run in the generic loop).
UNROLL: int = 4096


class SolutionKernel:
    """The compiled classification of one solution (:func:`solution_kernel`)."""

    def __init__(self, sol: PBESolution, unroll: int = UNROLL) -> None:
        self.inputs = [str(s) for s in sol.env.params]
        self.defaults = {k: sol.game.parameters[k].default for k in self.inputs}
        self.players = list(sol.game.players)
        n = len(sol.assessments)
        plans = sol._compiled.plans
        # the distinct conjuncts of the assessments' conditions, and who needs them
        conj: dict[int, int] = {}
        cplans: list[Any] = []
        need: list[list[int]] = []
        per: list[list[int]] = []
        for k, p in enumerate(plans[:n]):
            mine = []
            for c in conjuncts(p):
                if id(c) not in conj:
                    conj[id(c)] = len(cplans)
                    cplans.append(c)
                    need.append([])
                j = conj[id(c)]
                if j not in mine:
                    mine.append(j)
                    need[j].append(k)
            per.append(mine)
        fams = [np.array(x, dtype=np.int64) for x in need]
        # the game's arithmetic, compiled; the differences at the sample points
        text, trees, slots = module_ir(sol)
        self.native = Native(text, ("pbe_u", "pbe_d", "pbe_p"))
        self.npar, self.nu, self.nd = len(sol.env.params), len(sol.env.usyms), len(trees)
        self.loops, self._directory = generic_loop()
        sample = sample_points(sol, SAMPLE)
        D = np.zeros((max(self.nd, 1), SAMPLE))
        fn = np.array(self.native.addresses, dtype=np.int64)
        with np.errstate(all="ignore"):
            self.loops.sample(sample, fn, self.nu, D[: self.nd])
        record_loop_files(self.loops, self._directory, "sample")
        sample_truth = SampleTruth(D, 1e-10)
        truth = np.array([sample_truth(c) for c in cplans]).reshape(len(cplans), SAMPLE)
        order = conjunct_order(truth, fams, n)
        prefix = min(len(order), max(0, int(unroll)))
        rank = {c: r for r, c in enumerate(order)}
        code: list[list[int]] = []
        starts = np.zeros(len(order), dtype=np.int64)
        for r, c in enumerate(order):
            starts[r] = len(code)
            emit(cplans[c], code)
            code.append([END, 0, 0])
        # the intuitive criterion, evaluated where two or more assessments are PBE: its
        # and/or arguments ordered on the sample points where that happens
        ok = np.ones((n, SAMPLE), dtype=bool)
        for k in range(n):
            for c in per[k]:
                ok[k] &= truth[c]
        several = ok.sum(axis=0) >= 2
        memo: dict[int, Any] = {}
        sizes: dict[int, int] = {}
        ic = [reorder(p, sample_truth, several & ok[k] if (several & ok[k]).any() else several,
                      memo, sizes) for k, p in enumerate(plans[n:])]
        self.na = n
        self.code = np.array(code, dtype=np.int64).reshape(-1, 3)
        self.cstart = starts
        # a conjunct that is one relation is evaluated without the interpreter
        self.ckind = np.full(len(order), -1, dtype=np.int64)
        self.cdiff = np.zeros(len(order), dtype=np.int64)
        for r, c in enumerate(order):
            if cplans[c][0] == "rel":
                self.ckind[r], self.cdiff[r] = KINDS[cplans[c][1]], cplans[c][2]
        nw = max(1, (n + 63) // 64)
        self.cmask = np.zeros((len(order), nw), dtype=np.uint64)
        for r, c in enumerate(order):
            for k in need[c]:
                self.cmask[r, k // 64] |= np.uint64(1) << np.uint64(k % 64)
        # per assessment, its conjuncts after the prefix, in order
        fptr, fconj = [0], []
        for k in range(n):
            fconj += sorted(rank[c] for c in per[k] if rank[c] >= prefix)
            fptr.append(len(fconj))
        self.fptr = np.array(fptr, dtype=np.int64)
        self.fconj = np.array(fconj or [0], dtype=np.int64)
        self.prefix = prefix
        steps = [(cplans[order[r]], self.cmask[r]) for r in range(prefix)]
        self.native_prefix = Native(prefix_ir(steps, trees, slots, n, ic),
                                    ("pbe_prefix", "pbe_ic"))
        self.fn = np.array(self.native.addresses + self.native_prefix.addresses,
                           dtype=np.int64)

    def __call__(self, prefer: Any, atol: float, values: Any) -> np.ndarray:
        """The selected assessment's index at each point (-1: none), like the reference.

        ``prefer``: the players in the selection's order (None: the game's
        order); ``values``: parameter name -> number or broadcasting array
        (a parameter with a default may be left out).
        """
        from ..errors import GameError

        arrays = []
        for name in self.inputs:
            if name in values:
                arrays.append(np.asarray(values[name], dtype=float))
            elif self.defaults[name] is not None:
                arrays.append(np.asarray(self.defaults[name], dtype=float))
            else:
                raise GameError(f"missing value for parameter {name}")
        shape = np.broadcast_shapes(*(a.shape for a in arrays))
        size = int(np.prod(shape))
        X = np.empty((len(arrays), size))
        for k, a in enumerate(arrays):
            X[k].reshape(shape)[...] = a  # one broadcasting copy
        order = np.array([self.players.index(p) for p in (prefer or self.players)],
                         dtype=np.int64)
        out = np.empty(size, dtype=np.int64)
        self.loops.kernel(X, self.fn, self.nu, self.nd, self.code, self.cstart, self.ckind,
                          self.cdiff, self.cmask, self.prefix, self.fptr, self.fconj,
                          self.na, order, len(self.players), float(atol), out)
        record_loop_files(self.loops, self._directory, "kernel")
        return out.reshape(shape)


def solution_kernel(sol: PBESolution) -> SolutionKernel | None:
    """The compiled classification of ``sol``, or None (no numba, or not translatable).

    :func:`classify_solution` builds it once per solution and process.

    Examples
    --------
    Beer-quiche (:func:`kzgame.games.beer_quiche`):

    >>> from kzgame.game.pbe import pbe
    >>> from kzgame.games import beer_quiche
    >>> sol = pbe(beer_quiche())
    >>> kernel = solution_kernel(sol)
    >>> p = [0.0, 0.2, 0.5, 0.9, 1.0]
    >>> kernel(None, 1e-10, {"p": p}).tolist() == sol.classify(p=p).tolist()
    True
    >>> classify_solution(sol, p=p).tolist() == sol.classify(p=p).tolist()
    True
    """
    if importlib.util.find_spec("numba") is None or not sol.assessments:
        return None
    try:
        return SolutionKernel(sol)
    except NotImplementedError:
        return None


_KERNELS: dict[int, tuple[Any, SolutionKernel | None]] = {}
#: ``method='auto'`` builds a kernel for a call with at least this many points.
AUTO_POINTS: int = 50_000


def classify_solution(sol: PBESolution, prefer: Any = None, atol: float | None = None, *,
                      method: str = "auto", **values: Any) -> np.ndarray:
    """The selected PBE at each point, as :meth:`kzgame.game.pbe.PBESolution.classify`.

    Parameters
    ----------
    sol : PBESolution
    prefer, atol, **values
        As :meth:`~kzgame.game.pbe.PBESolution.classify` (``atol``: its
        default :data:`kzgame.game.pbe.ATOL`).
    method : {'auto', 'kernel', 'reference'}
        ``'kernel'``: the compiled classification (built once per solution
        and process); ``'reference'``: :meth:`PBESolution.classify` (NumPy);
        ``'auto'``: the kernel when it is available (numba installed, the
        payoffs translatable) and either already built or asked for at
        least :data:`AUTO_POINTS` points (building it takes seconds, which
        the reference spends on a few ten thousand points), else the
        reference.  Both select the same assessment at every point.

    Raises
    ------
    GameError
        On an unknown method, or ``'kernel'`` where there is none.
    ParameterError
        As :meth:`~kzgame.game.pbe.PBESolution.classify`: an unknown or
        missing parameter, a value outside its domain, a bad ``atol``.
    """
    from ..errors import GameError
    from ..game.pbe import ATOL
    from ..game.registry import check_atol

    atol = check_atol(ATOL if atol is None else atol)
    if method not in ("auto", "kernel", "reference"):
        raise GameError(f"method {method!r}: give 'auto', 'kernel' or 'reference'")
    values = sol.check_values(values)
    hit = _KERNELS.get(id(sol))
    if hit is not None and hit[0] is not sol:
        hit = None
    if method == "auto" and hit is None:
        shape = np.broadcast_shapes(*(np.shape(v) for v in values.values()))
        if math.prod(shape) < AUTO_POINTS:
            method = "reference"
    if method != "reference":
        if hit is None:
            if len(_KERNELS) > 64:
                _KERNELS.clear()
            hit = (sol, solution_kernel(sol))
            _KERNELS[id(sol)] = hit
        kernel = hit[1]
        if kernel is not None:
            return kernel(prefer, atol, values)
        if method == "kernel":
            raise GameError("the compiled classification is not available: it needs numba "
                            "(the fast extra) and payoffs it can translate (arithmetic, "
                            "squares, square roots, max/min, piecewise)")
    return sol.classify(prefer, atol, **values)
