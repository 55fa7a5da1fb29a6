"""A compiled classification of a PBE solution: every point in one numba loop.

:meth:`kzgame.game.pbe.PBESolution.classify` evaluates, at each point, every
assessment's conditions, the intuitive criterion, the ex-ante payoffs and
the selection (:func:`kzgame.game.pbe.select`).  The reference evaluation
does that with NumPy over blocks of points; this module prints the same
computation as one numba kernel, generated from the solution (nothing in it
is written for one game):

* the terminal payoffs and the conditions' distinct differences are printed
  as scalar assignments with the *same* printed arithmetic as the reference
  (sympy's NumPy printer; ``Piecewise`` as a conditional expression,
  relations and connectives as Python's), so every number is the same
  floating-point result;
* the boolean structure of the conditions (and of the intuitive criterion)
  is a short bytecode with short-circuit jumps, run by a small interpreter
  with one boolean register: an assessment's conditions usually fail at
  their first relation;
* payoffs are computed only for the assessments that are PBE at the point,
  the intuitive criterion only where more than one is (with one PBE it is
  selected whatever the criterion says); the selection then follows
  :meth:`PBESolution._classify_reference` step by step (NaN payoffs select
  nothing, as ``max`` over NumPy arrays does).

Compiled code is cached on disk like the game kernels
(:mod:`kzgame.numeric.cache`).  Without numba, or for a solution whose
expressions this printer does not handle, :func:`solution_kernel` returns
None and the reference evaluation is used.
"""

from __future__ import annotations

import hashlib
import importlib.util
import keyword
import warnings
from typing import TYPE_CHECKING, Any

import numpy as np
import sympy as sp
from sympy.printing.numpy import NumPyPrinter

if TYPE_CHECKING:
    from .pbe import PBESolution

__all__ = ["SolutionKernel", "solution_kernel"]

_KINDS = {"ge": 0, "gt": 1, "le": 2, "lt": 3, "eq": 4, "ne": 5}
_CONST, _REL, _NOT, _JF, _JT, _END = range(6)


class _ScalarPrinter(NumPyPrinter):
    """The reference's NumPy printing, with scalar control flow (for numba)."""

    def _print_Piecewise(self, expr: sp.Piecewise) -> str:
        out = "nan"
        for e, c in reversed(expr.args):
            if c is sp.true:
                out = f"({self._print(e)})"
            else:
                out = f"(({self._print(e)}) if ({self._print(c)}) else {out})"
        return out

    def _print_Relational(self, expr: sp.core.relational.Relational) -> str:
        op = {"==": "==", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}[expr.rel_op]
        return f"(({self._print(expr.lhs)}) {op} ({self._print(expr.rhs)}))"

    def _print_And(self, expr: sp.And) -> str:
        return "(" + " and ".join(self._print(a) for a in expr.args) + ")"

    def _print_Or(self, expr: sp.Or) -> str:
        return "(" + " or ".join(self._print(a) for a in expr.args) + ")"

    def _print_Not(self, expr: sp.Not) -> str:
        return f"(not {self._print(expr.args[0])})"

    def _print_BooleanTrue(self, expr: Any) -> str:
        return "True"

    def _print_BooleanFalse(self, expr: Any) -> str:
        return "False"

    def _print_Pow(self, expr: sp.Pow, rational: bool = False) -> str:
        if expr.exp == -1:  # NumPy computes x**-1.0 as a reciprocal
            return f"(1/({self._print(expr.base)}))"
        if expr.exp == 2 or expr.exp == sp.Rational(1, 2):
            return super()._print_Pow(expr, rational)
        raise NotImplementedError(f"power {expr}")

    def _print_Function(self, expr: Any) -> str:
        raise NotImplementedError(f"function {expr}")

    def _print_Max(self, expr: Any) -> str:  # numpy.amax: the first of ties, NaN wins
        out = self._print(expr.args[0])
        for a in expr.args[1:]:
            out = f"_max({out}, {self._print(a)})"
        return out

    def _print_Min(self, expr: Any) -> str:
        out = self._print(expr.args[0])
        for a in expr.args[1:]:
            out = f"_min({out}, {self._print(a)})"
        return out


def _bytecode(plans: list[Any]) -> tuple[np.ndarray, np.ndarray]:
    """The plans of :class:`kzgame.game.pbe._Compiled` as short-circuit bytecode."""
    code: list[list[int]] = []

    def emit(p: Any) -> None:
        tag = p[0]
        if tag == "const":
            code.append([_CONST, int(p[1]), 0])
        elif tag == "rel":
            code.append([_REL, _KINDS[p[1]], p[2]])
        elif tag == "not":
            emit(p[1])
            code.append([_NOT, 0, 0])
        else:
            jump = _JF if tag == "and" else _JT
            holes = []
            for x in p[1][:-1]:
                emit(x)
                holes.append(len(code))
                code.append([jump, -1, 0])
            emit(p[1][-1])
            for h in holes:
                code[h][1] = len(code)

    starts = []
    for p in plans:
        starts.append(len(code))
        emit(p)
        code.append([_END, 0, 0])
    return np.array(code, dtype=np.int64).reshape(-1, 3), np.array(starts, dtype=np.int64)


_TEMPLATE = '''\
"""Generated by kzgame.game.pbe_kernel from a PBE solution; do not edit."""
import numpy
from numpy import nan, inf
from numba import njit


@njit(inline="always")
def _max(a, b):
    return a if (a >= b or a != a) else b


@njit(inline="always")
def _min(a, b):
    return a if (a <= b or a != a) else b


@njit(nogil=True, error_model="numpy", boundscheck=False)
def _run(code, pc, D, atol):
    r = False
    while True:
        op = code[pc, 0]
        if op == 1:
            d = D[code[pc, 2]]
            k = code[pc, 1]
            if k == 0:
                r = d >= -atol
            elif k == 1:
                r = d > atol
            elif k == 2:
                r = d <= atol
            elif k == 3:
                r = d < -atol
            elif k == 4:
                r = abs(d) <= atol
            else:
                r = abs(d) > atol
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


@njit( nogil=True, error_model="numpy", boundscheck=False, cache={cache})
def kernel(X, code, start_ok, start_ic, prefer, atol, out):
    n = out.shape[0]
    D = numpy.empty({nd})
    ok = numpy.zeros({na}, numpy.bool_)
    ic = numpy.zeros({na}, numpy.bool_)
    cand = numpy.zeros({na}, numpy.bool_)
    P = numpy.zeros(({na}, {npl}))
    for i in range(n):
{load}
{body}
        cnt = 0
        for k in range({na}):
            ok[k] = _run(code, start_ok[k], D, atol)
            if ok[k]:
                cnt += 1
        if cnt == 0:
            out[i] = -1
            continue
{payoffs}
        if cnt > 1:
            anyic = False
            for k in range({na}):
                if ok[k]:
                    ic[k] = _run(code, start_ic[k], D, atol)
                    if ic[k]:
                        anyic = True
            for k in range({na}):
                cand[k] = ok[k] and (ic[k] or not anyic)
        else:
            for k in range({na}):
                cand[k] = ok[k]
        for pl in prefer:
            best = -inf
            bad = False
            for k in range({na}):
                if cand[k]:
                    v = P[k, pl]
                    if v != v:
                        bad = True
                    elif v > best:
                        best = v
            floor = best - atol
            for k in range({na}):
                if cand[k] and (bad or not (P[k, pl] >= floor)):
                    cand[k] = False
        res = -1
        for k in range({na}):
            if cand[k]:
                res = k
                break
        out[i] = res
'''


class SolutionKernel:
    """The compiled classification of one solution (:func:`solution_kernel`)."""

    def __init__(self, sol: PBESolution, source: str, fn: Any,
                 record: tuple[Any, str] | None) -> None:
        self.inputs = [str(s) for s in sol.env.params]
        self.defaults = {k: sol.game.parameters[k].default for k in self.inputs}
        self.players = list(sol.game.players)
        n = len(sol.assessments)
        self.code, starts = _bytecode(sol._compiled.plans)
        self.start_ok, self.start_ic = starts[:n], starts[n:]
        self.source = source
        self.fn = fn
        self._record = record

    def __call__(self, prefer: Any, atol: float, values: Any) -> np.ndarray:
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
            X[k] = np.broadcast_to(a, shape).reshape(size)
        order = np.array([self.players.index(p) for p in (prefer or self.players)],
                         dtype=np.int64)
        out = np.empty(size, dtype=np.int64)
        self.fn(X, self.code, self.start_ok, self.start_ic, order, float(atol), out)
        if self._record is not None:
            from ..numeric.cache import record_numba_files

            directory, name = self._record
            self._record = None
            record_numba_files(self.fn, directory, name)
        return out.reshape(shape)


def kernel_source(sol: PBESolution, cache: bool = False) -> str:
    """The generated source of :func:`solution_kernel`.

    Raises NotImplementedError on an expression the scalar printer does not handle.
    """
    printer = _ScalarPrinter({"order": "none", "fully_qualified_modules": True,
                              "inline": True, "allow_unknown_functions": False,
                              "user_functions": {}})
    env = sol.env
    # the symbols keep their names (renaming them would reorder sympy's sums, and so the
    # floating-point operations); they must not clash with the kernel's own names
    names = [str(s) for s in (*env.params, *env.usyms)]
    reserved = {"X", "code", "start_ok", "start_ic", "prefer", "atol", "out", "n", "D", "ok",
                "ic", "cand", "P", "i", "k", "cnt", "anyic", "pl", "best", "bad", "v", "floor",
                "res", "numpy", "nan", "inf", "njit", "_run", "_max", "_min", "kernel"}
    if any(not x.isidentifier() or keyword.iskeyword(x) or x in reserved for x in names) \
            or len(set(names)) != len(names):
        raise NotImplementedError("a parameter name clashes with the kernel's names")
    # the terminal payoffs as env.ufunc prints them (lambdify's default printer: terms in
    # sympy's order), the conditions and payoffs as _Compiled.fn and _payoff_fn (as given)
    uprinter = _ScalarPrinter({"fully_qualified_modules": True, "inline": True,
                               "allow_unknown_functions": False, "user_functions": {}})

    def pr(e: Any, p: _ScalarPrinter = printer) -> str:
        return p.doprint(sp.sympify(e))

    ind = " " * 8
    load = [f"{ind}{s} = X[{k}, i]" for k, s in enumerate(env.params)]
    body = [f"{ind}{u} = {pr(env.subs[u], uprinter)}" for u in env.usyms]
    diffs = list(sol._compiled.diffs)
    body += [f"{ind}D[{k}] = {pr(d)}" for k, d in enumerate(diffs)]
    pays = []
    for k, a in enumerate(sol.assessments):
        pays.append(f"{ind}if ok[{k}]:")
        pays += [f"{ind}    P[{k}, {j}] = {pr(a.payoffs[p])}"
                 for j, p in enumerate(sol.game.players)]
    text = _TEMPLATE.format(
        cache=bool(cache),
        nd=max(len(diffs), 1), na=len(sol.assessments), npl=len(sol.game.players),
        load="\n".join(load) or f"{ind}pass", body="\n".join(body) or f"{ind}pass",
        payoffs="\n".join(pays) or f"{ind}pass")
    return text


def solution_kernel(sol: PBESolution) -> SolutionKernel | None:
    """The compiled classification of ``sol``, or None (no numba, or not printable)."""
    if importlib.util.find_spec("numba") is None or not sol.assessments:
        return None
    from ..numeric.cache import cache_dir, check_numba_files, import_source
    from ..numeric.printed import compile_source

    try:
        source = kernel_source(sol, cache=False)
    except NotImplementedError:
        return None
    directory = cache_dir()
    record = None
    fn = None
    if directory is not None:
        cached = kernel_source(sol, cache=True)
        try:
            module = import_source(cached, directory, "pbe")
            fn = module.kernel
            check_numba_files(fn, directory, module.__name__)
            record = (directory, module.__name__)
            source = cached
        except PermissionError as e:
            warnings.warn(f"{e}; compiling in memory", RuntimeWarning, stacklevel=2)
            fn = None
        except (OSError, RuntimeError):
            fn = None
    if fn is None:
        tag = hashlib.sha256(source.encode()).hexdigest()[:12]
        fn = compile_source(source, f"<kzgame-pbe-kernel-{tag}>", {})["kernel"]
    return SolutionKernel(sol, source, fn, record)
