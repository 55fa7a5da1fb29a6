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

**The order** of the conjuncts is greedy on a fixed pseudo-random sample of
the parameters' domains (seeded: the same solution always gives the same
order): first the conjunct that kills the most live assessments on the
sample, and so on.  The arguments of each ``and``/``or`` of the intuitive
criterion are ordered the same way (those that decide most often per
relation first), on the sample points where two or more assessments are
PBE.  Orders only affect the speed.

**Two compiled parts.**

* *The game's code, compiled by LLVM* (llvmlite, which numba ships): the
  terminal payoffs, the differences, the assessments' payoffs, the first
  :data:`UNROLL` conjuncts of the order (all of them in the belief games)
  with their masks, and the intuitive criterion.  The expressions are
  printed with the reference's printer (sympy's NumPy printer); the text is
  parsed with :mod:`ast` and translated operation by operation to LLVM IR
  (``a + b`` to one ``fadd`` in the text's order, ``x**2`` to ``x*x`` as
  NumPy computes it, a ``Piecewise`` to a ``select``, max and min with
  NumPy's NaN rule).  No fast-math flag is set, so LLVM keeps every IEEE
  operation as written: every number is the same double as the
  reference's.  This takes seconds (printing, building the IR, LLVM), in
  every process; numba is not involved, which is what made the previous
  kernel take a minute to compile.
* *One generic loop* (numba; the same source for every game, compiled once
  per machine and cached on disk like the game kernels): the points, the
  calls into the game's code, the conjuncts beyond :data:`UNROLL` (a short
  bytecode with short-circuit jumps and a small interpreter), the
  selection.

Without numba, or for a solution whose expressions the translator does not
handle, :func:`solution_kernel` returns None and :func:`classify_solution`
uses the reference.
"""

from __future__ import annotations

import hashlib
import importlib.util
import math
import warnings
from typing import TYPE_CHECKING, Any

import numpy as np

from .pbe_ir import Native, module_ir, prefix_ir
from .pbe_order import SAMPLE, SampleTruth, conjunct_order, conjuncts, reorder, sample_points

if TYPE_CHECKING:
    from ..game.pbe import PBESolution

__all__ = ["SolutionKernel", "classify_solution", "solution_kernel"]

_KINDS = {"ge": 0, "gt": 1, "le": 2, "lt": 3, "eq": 4, "ne": 5}
_CONST, _REL, _NOT, _JF, _JT, _END = range(6)
#: At most this many conjuncts are unrolled in LLVM IR (the rest run in the generic loop).
UNROLL: int = 4096


# ---------------------------------------------------------------------------
# Bytecode


def _emit(p: Any, code: list[list[int]]) -> None:
    """Append plan ``p`` of :class:`kzgame.game.pbe._Compiled` as short-circuit bytecode."""
    tag = p[0]
    if tag == "const":
        code.append([_CONST, int(p[1]), 0])
    elif tag == "rel":
        code.append([_REL, _KINDS[p[1]], p[2]])
    elif tag == "not":
        _emit(p[1], code)
        code.append([_NOT, 0, 0])
    else:
        jump = _JF if tag == "and" else _JT
        holes = []
        for x in p[1][:-1]:
            _emit(x, code)
            holes.append(len(code))
            code.append([jump, -1, 0])
        _emit(p[1][-1], code)
        for h in holes:
            code[h][1] = len(code)


# ---------------------------------------------------------------------------
# The generic loop (numba), the same source for every game

_LOOP = '''\
"""Generated by kzgame.numeric.pbe_kernel: the generic PBE classification loop; do not edit."""
import numpy
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic


def _data(context, builder, aryty, ary):
    return context.make_array(aryty)(context, builder, value=ary).data


@intrinsic
def _call_u(typingctx, addr, U):
    def codegen(context, builder, sig, args):
        fnty = ir.FunctionType(ir.VoidType(), [ir.DoubleType().as_pointer()])
        fn = builder.inttoptr(args[0], fnty.as_pointer())
        builder.call(fn, [_data(context, builder, sig.args[1], args[1])])
        return context.get_dummy_value()
    return types.none(addr, U), codegen


@intrinsic
def _call_d(typingctx, addr, k, U):
    def codegen(context, builder, sig, args):
        fnty = ir.FunctionType(ir.DoubleType(), [ir.IntType(64), ir.DoubleType().as_pointer()])
        fn = builder.inttoptr(args[0], fnty.as_pointer())
        return builder.call(fn, [args[1], _data(context, builder, sig.args[2], args[2])])
    return types.float64(addr, k, U), codegen


@intrinsic
def _call_p(typingctx, addr, k, U, out):
    def codegen(context, builder, sig, args):
        dptr = ir.DoubleType().as_pointer()
        fnty = ir.FunctionType(ir.VoidType(), [ir.IntType(64), dptr, dptr])
        fn = builder.inttoptr(args[0], fnty.as_pointer())
        builder.call(fn, [args[1], _data(context, builder, sig.args[2], args[2]),
                          _data(context, builder, sig.args[3], args[3])])
        return context.get_dummy_value()
    return types.none(addr, k, U, out), codegen


@intrinsic
def _call_pre(typingctx, addr, U, D, st, i, atol, alive):
    def codegen(context, builder, sig, args):
        dptr = ir.DoubleType().as_pointer()
        iptr = ir.IntType(64).as_pointer()
        fnty = ir.FunctionType(ir.VoidType(), [dptr, dptr, iptr, ir.IntType(64),
                                               ir.DoubleType(), iptr])
        fn = builder.inttoptr(args[0], fnty.as_pointer())
        builder.call(fn, [_data(context, builder, sig.args[1], args[1]),
                          _data(context, builder, sig.args[2], args[2]),
                          _data(context, builder, sig.args[3], args[3]), args[4], args[5],
                          _data(context, builder, sig.args[6], args[6])])
        return context.get_dummy_value()
    return types.none(addr, U, D, st, i, atol, alive), codegen


@intrinsic
def _call_ic(typingctx, addr, k, U, D, st, i, atol):
    def codegen(context, builder, sig, args):
        dptr = ir.DoubleType().as_pointer()
        iptr = ir.IntType(64).as_pointer()
        i64 = ir.IntType(64)
        fnty = ir.FunctionType(i64, [i64, dptr, dptr, iptr, i64, ir.DoubleType()])
        fn = builder.inttoptr(args[0], fnty.as_pointer())
        return builder.call(fn, [args[1], _data(context, builder, sig.args[2], args[2]),
                                 _data(context, builder, sig.args[3], args[3]),
                                 _data(context, builder, sig.args[4], args[4]), args[5],
                                 args[6]])
    return types.int64(addr, k, U, D, st, i, atol), codegen


@njit(inline="always")
def _rel(k, d, atol):
    if k == 0:
        return d >= -atol
    if k == 1:
        return d > atol
    if k == 2:
        return d <= atol
    if k == 3:
        return d < -atol
    if k == 4:
        return abs(d) <= atol
    return abs(d) > atol


@njit(inline="always")
def _diff(j, D, st, i, U, fd):
    if st[j] != i:
        D[j] = _call_d(fd, j, U)
        st[j] = i
    return D[j]


@njit(nogil=True, error_model="numpy", boundscheck=False)
def _run(code, pc, D, st, i, U, fd, atol):
    r = False
    while True:
        op = code[pc, 0]
        if op == 1:
            r = _rel(code[pc, 1], _diff(code[pc, 2], D, st, i, U, fd), atol)
        elif op == 3:
            if not r:
                pc = code[pc, 1]
                continue
        elif op == 4:
            if r:
                pc = code[pc, 1]
                continue
        elif op == 2:
            r = not r
        elif op == 0:
            r = code[pc, 1] == 1
        else:
            return r
        pc += 1


@njit(nogil=True, error_model="numpy", boundscheck=False, cache={cache})
def sample(X, fn, nu, D):
    """Every difference at every point (the sample that orders the conjuncts)."""
    U = numpy.zeros(X.shape[0] + nu)
    for i in range(X.shape[1]):
        for k in range(X.shape[0]):
            U[k] = X[k, i]
        _call_u(fn[0], U)
        for j in range(D.shape[0]):
            D[j, i] = _call_d(fn[1], j, U)


_DEBRUIJN = numpy.array([0, 47, 1, 56, 48, 27, 2, 60, 57, 49, 41, 37, 28, 16, 3, 61, 54, 58,
                         35, 52, 50, 42, 21, 44, 38, 32, 29, 23, 17, 11, 4, 62, 46, 55, 26,
                         59, 40, 36, 15, 53, 34, 51, 20, 43, 31, 22, 10, 45, 25, 39, 14, 33,
                         19, 30, 9, 24, 13, 18, 8, 12, 7, 6, 5, 63], numpy.int64)


@njit(inline="always")
def _lowest(w):
    """The index of the lowest set bit of a non-zero uint64 (de Bruijn)."""
    return _DEBRUIJN[((w ^ (w - numpy.uint64(1))) * numpy.uint64(0x03F79D71B4CB0A89))
                     >> numpy.uint64(58)]


@njit(nogil=True, error_model="numpy", boundscheck=False, cache={cache})
def kernel(X, fn, nu, nd, code, cstart, ckind, cdiff, cmask, prefix, fptr, fconj, na,
           prefer, npl, atol, out):
    fu, fd, fp, fpre, fic = fn[0], fn[1], fn[2], fn[3], fn[4]
    n = out.shape[0]
    npar = X.shape[0]
    nc = cstart.shape[0]
    nw = cmask.shape[1]
    U = numpy.zeros(npar + nu)
    D = numpy.zeros(max(nd, 1))
    st = numpy.full(max(nd, 1), -1, numpy.int64)
    cst = numpy.full(max(nc, 1), -1, numpy.int64)
    cval = numpy.zeros(max(nc, 1), numpy.bool_)
    alive = numpy.zeros(nw, numpy.uint64)
    oks = numpy.zeros(na, numpy.int64)
    cand = numpy.zeros(na, numpy.int64)
    P = numpy.zeros((na, npl))
    for i in range(n):
        for k in range(npar):
            U[k] = X[k, i]
        _call_u(fu, U)
        # the prefix of the conjunct order, compiled for this game
        _call_pre(fpre, U, D, st, i, atol, alive)
        # the assessments still alive (in index order): their remaining conjuncts
        cnt = 0
        for w in range(nw):
            word = alive[w]
            while word:
                k = w * 64 + _lowest(word)
                word &= word - numpy.uint64(1)
                good = True
                for j in range(fptr[k], fptr[k + 1]):
                    c = fconj[j]
                    if cst[c] == i:
                        r = cval[c]
                    else:
                        if ckind[c] >= 0:
                            r = _rel(ckind[c], _diff(cdiff[c], D, st, i, U, fd), atol)
                        else:
                            r = _run(code, cstart[c], D, st, i, U, fd, atol)
                        cst[c] = i
                        cval[c] = r
                    if not r:
                        good = False
                        break
                if good:
                    oks[cnt] = k
                    cnt += 1
        if cnt == 0:
            out[i] = -1
            continue
        m = 0
        if cnt > 1:  # the intuitive criterion (all of them if none survives)
            for j in range(cnt):
                if _call_ic(fic, oks[j], U, D, st, i, atol) != 0:
                    cand[m] = oks[j]
                    m += 1
        if m == 0:
            for j in range(cnt):
                cand[j] = oks[j]
            m = cnt
        for j in range(m):
            _call_p(fp, cand[j], U, P[cand[j]])
        for pl in prefer:
            best = -numpy.inf
            bad = False
            for j in range(m):
                v = P[cand[j], pl]
                if v != v:
                    bad = True
                elif v > best:
                    best = v
            if bad:
                m = 0
                break
            floor = best - atol
            keep = 0
            for j in range(m):
                if P[cand[j], pl] >= floor:
                    cand[keep] = cand[j]
                    keep += 1
            m = keep
        out[i] = cand[0] if m > 0 else -1
'''

_LOOPS: dict[bool, Any] = {}


def _loop() -> tuple[Any, Any]:
    """The generic loop's module (``kernel``, ``sample``), and what to record after its
    first call: loaded from the on-disk cache, or compiled in memory."""
    from .cache import cache_dir, check_numba_files, import_source
    from .printed import compile_source

    directory = cache_dir()
    if directory is not None:
        try:
            module = import_source(_LOOP.replace("{cache}", "True"), directory, "pbeloop")
            check_numba_files(module.kernel, directory, module.__name__)
            check_numba_files(module.sample, directory, module.__name__ + "sample_points")
            return module, directory
        except PermissionError as e:
            warnings.warn(f"{e}; compiling in memory", RuntimeWarning, stacklevel=3)
        except (OSError, RuntimeError):
            pass
    if False not in _LOOPS:
        from types import SimpleNamespace

        source = _LOOP.replace("{cache}", "False")
        tag = hashlib.sha256(source.encode()).hexdigest()[:12]
        ns = compile_source(source, f"<kzgame-pbe-loop-{tag}>", {})
        _LOOPS[False] = SimpleNamespace(kernel=ns["kernel"], sample=ns["sample"],
                                        __name__=f"pbe-loop-{tag}")
    return _LOOPS[False], None


def _record(module: Any, directory: Any, fn: str) -> None:
    """Record the hashes of numba's files of ``module.<fn>`` (after its first call)."""
    from .cache import record_numba_files

    if directory is not None and not getattr(module, f"_recorded_{fn}", False):
        name = module.__name__ + ("" if fn == "kernel" else f"_{fn}")
        record_numba_files(getattr(module, fn), directory, name)
        setattr(module, f"_recorded_{fn}", True)


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
        self.loops, self._directory = _loop()
        sample = sample_points(sol, SAMPLE)
        D = np.zeros((max(self.nd, 1), SAMPLE))
        fn = np.array(self.native.addresses, dtype=np.int64)
        with np.errstate(all="ignore"):
            self.loops.sample(sample, fn, self.nu, D[: self.nd])
        _record(self.loops, self._directory, "sample")
        sample_truth = SampleTruth(D, 1e-10)
        truth = np.array([sample_truth(c) for c in cplans]).reshape(len(cplans), SAMPLE)
        order = conjunct_order(truth, fams, n)
        prefix = min(len(order), max(0, int(unroll)))
        rank = {c: r for r, c in enumerate(order)}
        code: list[list[int]] = []
        starts = np.zeros(len(order), dtype=np.int64)
        for r, c in enumerate(order):
            starts[r] = len(code)
            _emit(cplans[c], code)
            code.append([_END, 0, 0])
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
                self.ckind[r], self.cdiff[r] = _KINDS[cplans[c][1]], cplans[c][2]
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
        _record(self.loops, self._directory, "kernel")
        return out.reshape(shape)


def solution_kernel(sol: PBESolution) -> SolutionKernel | None:
    """The compiled classification of ``sol``, or None (no numba, or not translatable).

    :func:`classify_solution` builds it once per solution and process.

    Examples
    --------
    A beer-quiche-like game (:mod:`kzgame.game.pbe`):

    >>> from kzgame.game import Game, chance, decision, outcome
    >>> from kzgame.game.pbe import pbe
    >>> def sender(strong):
    ...     def reply(msg):
    ...         bonus = 1 if (msg == "beer") == strong else 0
    ...         return decision("Rcv", {
    ...             "duel": outcome(S=bonus, Rcv=0 if strong else 1),
    ...             "walk": outcome(S=bonus + 2, Rcv=1 if strong else 0)},
    ...             infoset="Rcv|" + msg)
    ...     return decision("S", {"beer": reply("beer"), "quiche": reply("quiche")})
    >>> g = Game(chance({"strong": ("p", sender(True)), "weak": ("1 - p", sender(False))}),
    ...          parameters={"p": "unit"})
    >>> sol = pbe(g)
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
