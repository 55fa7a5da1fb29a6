r"""A PBE solution's printed arithmetic, translated to LLVM IR and compiled natively.

The compiled classification (:mod:`kzgame.numeric.pbe_kernel`) runs each
game's own code natively: the terminal payoffs, the differences of the
conditions' relations and the assessments' payoffs (:func:`module_ir`);
the first conjuncts of the order with their masks, and the intuitive
criterion (:func:`prefix_ir`).

**The translation.**  The expressions are printed with the reference's
printer (sympy's NumPy printer, with scalar control flow); the text is
parsed with :mod:`ast` and translated operation by operation to LLVM IR
(``a + b`` to one ``fadd`` in the text's order, ``x**2`` to ``x*x`` as
NumPy computes it, a ``Piecewise`` to a ``select``, max and min with
NumPy's NaN rule).  No fast-math flag is set, so LLVM keeps every IEEE
operation as written: every number is the same double as the
reference's.  An expression the translator does not handle raises
:class:`NotImplementedError` (the caller then uses the reference).

**The compilation.**  :class:`Native` compiles the IR with llvmlite (which
numba ships), in every process: this takes seconds (printing, building the
IR, LLVM) and is not kept on disk; numba is not involved, which is what
made an earlier kernel, one numba function per game, take a minute to
compile.

Examples
--------
IR text compiled and called through its address:

>>> import ctypes
>>> native = Native('define double @square(double %x) {\n'
...                 '  %y = fmul double %x, %x\n  ret double %y\n}', ("square",))
>>> ctypes.CFUNCTYPE(ctypes.c_double, ctypes.c_double)(native.addresses[0])(1.5)
2.25
"""

from __future__ import annotations

import ast
import math
from typing import TYPE_CHECKING, Any

import numpy as np
import sympy as sp
from sympy.printing.numpy import NumPyPrinter

if TYPE_CHECKING:
    from ..game.pbe import PBESolution

__all__ = ["Native", "module_ir", "prefix_ir"]


class _ScalarPrinter(NumPyPrinter):
    """The reference's NumPy printing, with scalar control flow."""

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


def _printers() -> tuple[_ScalarPrinter, _ScalarPrinter]:
    """The printers of the reference: conditions and payoffs (as given), terminal payoffs."""
    common = {"fully_qualified_modules": True, "inline": True,
              "allow_unknown_functions": False, "user_functions": {}}
    return _ScalarPrinter({"order": "none", **common}), _ScalarPrinter(common)


# ---------------------------------------------------------------------------
# Printed text -> LLVM IR, operation by operation


class _Translator:
    """Translate one printed expression (Python syntax) into LLVM IR, as numba would run it.

    Names are read from ``U`` (the parameters, then the terminal payoffs);
    Python numbers stay Python numbers while both operands of an operation
    are numbers (folded exactly as Python computes them), and become
    doubles when they meet a variable.
    """

    def __init__(self, builder: Any, U: Any, slots: dict[str, int]) -> None:
        from llvmlite import ir

        self.ir = ir
        self.b = builder
        self.U = U
        self.slots = slots
        self.loaded: dict[str, Any] = {}
        self.dbl = ir.DoubleType()

    def double(self, v: Any) -> Any:
        if isinstance(v, bool):
            raise NotImplementedError("a boolean used as a number")
        if isinstance(v, int | float):
            if isinstance(v, int) and abs(v) > 2**53:
                raise NotImplementedError(f"integer {v}")
            return self.ir.Constant(self.dbl, float(v))
        if v.type != self.dbl:
            raise NotImplementedError("a boolean used as a number")
        return v

    def boolean(self, v: Any) -> Any:
        if isinstance(v, bool):
            return self.ir.Constant(self.ir.IntType(1), int(v))
        if isinstance(v, int | float) or v.type != self.ir.IntType(1):
            raise NotImplementedError("a number used as a boolean")
        return v

    def name(self, n: str) -> Any:
        if n == "nan":
            return math.nan
        if n == "inf":
            return math.inf
        if n not in self.loaded:
            if n not in self.slots:
                raise NotImplementedError(f"name {n}")
            ptr = self.b.gep(self.U, [self.ir.Constant(self.ir.IntType(64), self.slots[n])])
            self.loaded[n] = self.b.load(ptr, name=n)
        return self.loaded[n]

    def __call__(self, node: ast.AST) -> Any:  # noqa: C901 - one case per node type
        b = self.b
        if isinstance(node, ast.Expression):
            return self(node.body)
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool | int | float):
                return node.value
            raise NotImplementedError(f"constant {node.value!r}")
        if isinstance(node, ast.Name):
            return self.name(node.id)
        if isinstance(node, ast.UnaryOp):
            x = self(node.operand)
            if isinstance(node.op, ast.Not):
                return (not x) if isinstance(x, bool) else b.xor(self.boolean(x),
                                                                   self.boolean(True))
            if isinstance(node.op, ast.USub):
                return -x if isinstance(x, int | float) and not isinstance(x, bool) \
                    else b.fneg(self.double(x))
            if isinstance(node.op, ast.UAdd):
                return x
            raise NotImplementedError(ast.dump(node.op))
        if isinstance(node, ast.BinOp):
            x, y = self(node.left), self(node.right)
            num = (int, float)
            if isinstance(x, num) and isinstance(y, num) and not isinstance(x, bool) \
                    and not isinstance(y, bool):
                if isinstance(node.op, ast.Add):
                    return x + y
                if isinstance(node.op, ast.Sub):
                    return x - y
                if isinstance(node.op, ast.Mult):
                    return x * y
                if isinstance(node.op, ast.Div):
                    return x / y
                raise NotImplementedError(ast.dump(node.op))
            if isinstance(node.op, ast.Pow):
                if y == 2 and not isinstance(y, bool):  # NumPy and numba: x*x
                    xd = self.double(x)
                    return b.fmul(xd, xd)
                raise NotImplementedError("a power other than 2")
            xd, yd = self.double(x), self.double(y)
            op = {ast.Add: b.fadd, ast.Sub: b.fsub, ast.Mult: b.fmul,
                  ast.Div: b.fdiv}.get(type(node.op))
            if op is None:
                raise NotImplementedError(ast.dump(node.op))
            return op(xd, yd)
        if isinstance(node, ast.Compare):
            if len(node.ops) != 1:
                raise NotImplementedError("a chained comparison")
            x, y = self(node.left), self(node.comparators[0])
            pred = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==",
                    ast.NotEq: "!="}.get(type(node.ops[0]))
            if pred is None:
                raise NotImplementedError(ast.dump(node.ops[0]))
            xd, yd = self.double(x), self.double(y)
            if pred == "!=":
                return b.fcmp_unordered("!=", xd, yd)
            return b.fcmp_ordered(pred, xd, yd)
        if isinstance(node, ast.BoolOp):
            vals = [self.boolean(self(v)) for v in node.values]
            out = vals[0]
            for v in vals[1:]:
                out = b.and_(out, v) if isinstance(node.op, ast.And) else b.or_(out, v)
            return out
        if isinstance(node, ast.IfExp):
            c = self(node.test)
            t, f = self(node.body), self(node.orelse)
            if isinstance(c, bool):
                return t if c else f
            return b.select(self.boolean(c), self.double(t), self.double(f))
        if isinstance(node, ast.Call) and not node.keywords:
            f = node.func
            fname = f.id if isinstance(f, ast.Name) else \
                f"{f.value.id}.{f.attr}" if isinstance(f, ast.Attribute) and \
                isinstance(f.value, ast.Name) else None
            args = [self.double(self(a)) for a in node.args]
            if fname in ("_max", "_min") and len(args) == 2:
                a, c = args  # numba's _max: a if (a >= b or a != a) else b
                keep = b.or_(b.fcmp_ordered(">=" if fname == "_max" else "<=", a, c),
                             b.fcmp_unordered("uno", a, a))
                return b.select(keep, a, c)
            if fname == "numpy.sqrt" and len(args) == 1:
                fn = b.module.declare_intrinsic("llvm.sqrt", [self.dbl])
                return b.call(fn, args)
            raise NotImplementedError(f"call {fname}")
        raise NotImplementedError(type(node).__name__)


def module_ir(sol: PBESolution) -> tuple[str, list[ast.AST], dict[str, int]]:
    """The game's arithmetic as LLVM IR: ``pbe_u``, ``pbe_d`` and ``pbe_p``.

    ``pbe_u(U)`` writes the terminal payoffs after the parameters in ``U``;
    ``pbe_d(j, U)`` is difference j; ``pbe_p(k, U, out)`` writes assessment
    k's ex-ante payoffs.  Returns the IR text, the parsed differences and
    the slot of each name in ``U``.
    """
    from llvmlite import ir

    printer, uprinter = _printers()
    env = sol.env
    names = [str(s) for s in (*env.params, *env.usyms)]
    slots = {n: k for k, n in enumerate(names)}
    npar = len(env.params)
    mod = ir.Module(name="kzgame_pbe")
    dbl, i64 = ir.DoubleType(), ir.IntType(64)
    dptr = dbl.as_pointer()

    def parse(e: Any, p: _ScalarPrinter) -> ast.AST:
        return ast.parse(p.doprint(sp.sympify(e)), mode="eval")

    # terminal payoffs, in order, from the parameters
    fu = ir.Function(mod, ir.FunctionType(ir.VoidType(), [dptr]), name="pbe_u")
    bu = ir.IRBuilder(fu.append_basic_block("entry"))
    tr = _Translator(bu, fu.args[0], {n: slots[n] for n in names[:npar]})
    for j, u in enumerate(env.usyms):
        v = tr.double(tr(parse(env.subs[u], uprinter)))
        bu.store(v, bu.gep(fu.args[0], [ir.Constant(i64, npar + j)]))
    bu.ret_void()

    def dispatch(name: str, ftype: Any, cases: list[Any], default: Any) -> None:
        f = ir.Function(mod, ftype, name=name)
        entry = f.append_basic_block("entry")
        other = f.append_basic_block("other")
        ir.IRBuilder(other).ret(default) if default is not None \
            else ir.IRBuilder(other).ret_void()
        sw = ir.IRBuilder(entry).switch(f.args[0], other)
        for k, g in enumerate(cases):
            blk = f.append_basic_block(f"k{k}")
            sw.add_case(ir.Constant(i64, k), blk)
            bb = ir.IRBuilder(blk)
            r = bb.call(g, f.args[1:])
            bb.ret(r) if default is not None else bb.ret_void()

    diffs = []
    trees = [parse(d, printer) for d in sol._compiled.diffs]
    for k, tree in enumerate(trees):
        f = ir.Function(mod, ir.FunctionType(dbl, [dptr]), name=f"d{k}")
        f.linkage = "internal"
        f.attributes.add("noinline")  # used for the sample and beyond UNROLL only
        f.attributes.add("optnone")
        bb = ir.IRBuilder(f.append_basic_block("entry"))
        tr = _Translator(bb, f.args[0], slots)
        bb.ret(tr.double(tr(tree)))
        diffs.append(f)
    dispatch("pbe_d", ir.FunctionType(dbl, [i64, dptr]), diffs, ir.Constant(dbl, math.nan))

    pays = []
    for k, a in enumerate(sol.assessments):
        f = ir.Function(mod, ir.FunctionType(ir.VoidType(), [dptr, dptr]), name=f"p{k}")
        f.linkage = "internal"
        bb = ir.IRBuilder(f.append_basic_block("entry"))
        tr = _Translator(bb, f.args[0], slots)
        for j, p in enumerate(sol.game.players):
            v = tr.double(tr(parse(a.payoffs[p], printer)))
            bb.store(v, bb.gep(f.args[1], [ir.Constant(i64, j)]))
        bb.ret_void()
        pays.append(f)
    dispatch("pbe_p", ir.FunctionType(ir.VoidType(), [i64, dptr, dptr]), pays, None)
    return str(mod), trees, slots


def _relation(b: Any, kind: str, d: Any, atol: Any, neg: Any) -> Any:
    """The i1 test of a relation on its difference ``d`` with the tolerance, as the reference.

    ``a >= b`` is ``d >= -atol``, ``a > b`` is ``d > atol``, ``a <= b`` is
    ``d <= atol``, ``a < b`` is ``d < -atol`` (``neg`` is ``-atol``);
    ``a == b`` is ``|d| <= atol`` and ``a != b`` is ``|d| > atol``.
    Ordered comparisons: a NaN difference makes every relation false.
    """
    if kind in ("eq", "ne"):
        a = b.call(b.module.declare_intrinsic("llvm.fabs", [d.type]), [d])
        return b.fcmp_ordered("<=" if kind == "eq" else ">", a, atol)
    op, bound = {"ge": (">=", neg), "gt": (">", atol), "le": ("<=", atol), "lt": ("<", neg)}[kind]
    return b.fcmp_ordered(op, d, bound)


def prefix_ir(steps: list[tuple[Any, np.ndarray]], diffs: list[ast.AST],
               slots: dict[str, int], na: int, ic: list[Any]) -> str:
    """``pbe_prefix(U, D, st, i, atol, alive)``: the first conjuncts of the order, unrolled.

    The same steps as the generic loop's masks (:class:`~kzgame.numeric.pbe_kernel.SolutionKernel`):
    a conjunct is evaluated only if a live assessment needs it, and kills
    them all when false; the live set ends in ``alive``.  A difference is
    computed the first time a step needs it (a flag per difference) and
    written to ``D[j]`` with ``st[j] = i`` for the later, generic steps.
    Booleans are combined without short circuit (there is nothing to skip
    but arithmetic: the result is the same).

    In the same module, ``pbe_ic(k, U, D, st, i, atol)``: assessment k's
    intuitive-criterion condition ``ic[k]`` (1 or 0), with short circuit
    (``_ic_ir``).
    """
    from llvmlite import ir

    dbl, i64, i1 = ir.DoubleType(), ir.IntType(64), ir.IntType(1)
    dptr, iptr = dbl.as_pointer(), i64.as_pointer()
    nw = max(1, (na + 63) // 64)
    mod = ir.Module(name="kzgame_pbe_prefix")
    f = ir.Function(mod, ir.FunctionType(ir.VoidType(), [dptr, dptr, iptr, i64, dbl, iptr]),
                    name="pbe_prefix")
    U, D, st, i, atol, alive_out = f.args
    b = ir.IRBuilder(f.append_basic_block("entry"))
    tr = _Translator(b, U, slots)
    for n in slots:  # every name loaded up front (dominates every later block)
        tr.name(n)
    tr.slots = {}
    full = [0] * nw
    for k in range(na):
        full[k // 64] |= 1 << (k % 64)
    alive = [b.alloca(i64) for _ in range(nw)]
    for w in range(nw):
        b.store(ir.Constant(i64, (1 << 64) - 1), alive[w])
    have: dict[int, tuple[Any, Any]] = {}

    def used(p: Any) -> None:
        if p[0] == "rel" and p[2] not in have:
            have[p[2]] = (b.alloca(i1), b.alloca(dbl))
        elif p[0] == "not":
            used(p[1])
        elif p[0] in ("and", "or"):
            for x in p[1]:
                used(x)

    for p, _ in steps:
        used(p)
    for flag, _ in have.values():
        b.store(ir.Constant(i1, 0), flag)
    neg = b.fneg(atol)

    def diff(j: int) -> Any:
        flag, slot = have[j]
        comp = b.append_basic_block(f"d{j}")
        done = b.append_basic_block(f"d{j}.done")
        b.cbranch(b.load(flag), done, comp)
        b.position_at_end(comp)
        v = tr.double(tr(diffs[j]))
        b.store(v, slot)
        b.store(ir.Constant(i1, 1), flag)
        b.store(v, b.gep(D, [ir.Constant(i64, j)]))
        b.store(i, b.gep(st, [ir.Constant(i64, j)]))
        b.branch(done)
        b.position_at_end(done)
        return b.load(slot)

    def value(p: Any) -> Any:
        tag = p[0]
        if tag == "const":
            return ir.Constant(i1, int(bool(p[1])))
        if tag == "rel":
            return _relation(b, p[1], diff(p[2]), atol, neg)
        if tag == "not":
            return b.xor(value(p[1]), ir.Constant(i1, 1))
        vals = [value(x) for x in p[1]]
        out = vals[0]
        for v in vals[1:]:
            out = b.and_(out, v) if tag == "and" else b.or_(out, v)
        return out

    for s, (p, m) in enumerate(steps):
        words = [w for w in range(nw) if int(m[w])]
        if not words:
            continue
        hit = None
        for w in words:
            x = b.and_(b.load(alive[w]), ir.Constant(i64, int(m[w])))
            hit = x if hit is None else b.or_(hit, x)
        ev = b.append_basic_block(f"s{s}")
        nxt = b.append_basic_block(f"s{s}.next")
        b.cbranch(b.icmp_unsigned("!=", hit, ir.Constant(i64, 0)), ev, nxt)
        b.position_at_end(ev)
        r = value(p)
        kill = b.append_basic_block(f"s{s}.kill")
        b.cbranch(r, nxt, kill)
        b.position_at_end(kill)
        for w in words:
            b.store(b.and_(b.load(alive[w]), ir.Constant(i64, ~int(m[w]) & ((1 << 64) - 1))),
                    alive[w])
        b.branch(nxt)
        b.position_at_end(nxt)
    for w in range(nw):
        b.store(b.and_(b.load(alive[w]), ir.Constant(i64, full[w])),
                b.gep(alive_out, [ir.Constant(i64, w)]))
    b.ret_void()
    _ic_ir(mod, ic, diffs, slots)
    return str(mod)


def _ic_ir(mod: Any, plans: list[Any], diffs: list[ast.AST], slots: dict[str, int]) -> None:
    """``pbe_ic(k, U, D, st, i, atol)``: plan k's truth value (i64 1 or 0), short-circuit.

    The plans form a DAG (equal sub-conditions are one plan); a node used
    more than once is one internal function, the others are inlined.  A
    difference is read from ``D[j]`` when ``st[j] == i`` (computed earlier
    at this point), else computed and stored there (one function per
    difference).
    """
    from llvmlite import ir

    dbl, i64, i1 = ir.DoubleType(), ir.IntType(64), ir.IntType(1)
    dptr, iptr = dbl.as_pointer(), i64.as_pointer()
    uses: dict[int, int] = {}

    def count(p: Any) -> None:
        uses[id(p)] = uses.get(id(p), 0) + 1
        if uses[id(p)] == 1:
            if p[0] == "not":
                count(p[1])
            elif p[0] in ("and", "or"):
                for x in p[1]:
                    count(x)

    for p in plans:
        count(p)
    sig = ir.FunctionType(i1, [dptr, dptr, iptr, i64, dbl])
    funcs: dict[int, Any] = {}
    lazy: dict[int, Any] = {}

    def lazy_diff(j: int) -> Any:
        """``lz<j>(U, D, st, i)``: D[j], computed and stored unless st[j] == i (not inlined:
        one copy of the expression however many relations use it)."""
        f = ir.Function(mod, ir.FunctionType(dbl, [dptr, dptr, iptr, i64]), name=f"lz{j}")
        f.linkage = "internal"
        f.attributes.add("noinline")
        lazy[j] = f
        U, D, st, i = f.args
        b = ir.IRBuilder(f.append_basic_block("entry"))
        sp_ = b.gep(st, [ir.Constant(i64, j)])
        dp = b.gep(D, [ir.Constant(i64, j)])
        comp = f.append_basic_block("compute")
        done = f.append_basic_block("done")
        b.cbranch(b.icmp_signed("==", b.load(sp_), i), done, comp)
        b.position_at_end(done)
        b.ret(b.load(dp))
        b.position_at_end(comp)
        tr = _Translator(b, U, slots)
        v = tr.double(tr(diffs[j]))
        b.store(v, dp)
        b.store(i, sp_)
        b.ret(v)
        return f

    def function(p: Any, name: str, linkage: str = "internal") -> Any:
        f = ir.Function(mod, sig, name=name)
        f.linkage = linkage
        f.attributes.add("noinline")  # run at most a few times per point: not worth
        f.attributes.add("optnone")  # LLVM's optimizer (the build is 1 s shorter)
        funcs[id(p)] = f
        U, D, st, i, atol = f.args
        b = ir.IRBuilder(f.append_basic_block("entry"))
        neg = b.fneg(atol)

        def diff(j: int) -> Any:
            return b.call(lazy.get(j) or lazy_diff(j), [U, D, st, i])

        def gen(q: Any, top: bool = False) -> Any:
            if not top and uses[id(q)] > 1 and q[0] not in ("const", "rel"):
                g = funcs.get(id(q)) or function(q, f"ic_node{len(funcs)}")
                return b.call(g, [U, D, st, i, atol])
            tag = q[0]
            if tag == "const":
                return ir.Constant(i1, int(bool(q[1])))
            if tag == "rel":
                return _relation(b, q[1], diff(q[2]), atol, neg)
            if tag == "not":
                return b.xor(gen(q[1]), ir.Constant(i1, 1))
            end = b.append_basic_block("sc")
            incoming = []
            for x in q[1][:-1]:
                v = gen(x)
                nxt = b.append_basic_block("sc.next")
                if tag == "and":
                    b.cbranch(v, nxt, end)
                    incoming.append((ir.Constant(i1, 0), b.block))
                else:
                    b.cbranch(v, end, nxt)
                    incoming.append((ir.Constant(i1, 1), b.block))
                b.position_at_end(nxt)
            v = gen(q[1][-1])
            incoming.append((v, b.block))
            b.branch(end)
            b.position_at_end(end)
            phi = b.phi(i1)
            for val, blk in incoming:
                phi.add_incoming(val, blk)
            return phi

        b.ret(gen(p, top=True))
        return f

    roots = [function(p, f"ic{k}") for k, p in enumerate(plans)]
    f = ir.Function(mod, ir.FunctionType(i64, [i64, dptr, dptr, iptr, i64, dbl]), name="pbe_ic")
    entry = f.append_basic_block("entry")
    other = f.append_basic_block("other")
    ir.IRBuilder(other).ret(ir.Constant(i64, 0))
    sw = ir.IRBuilder(entry).switch(f.args[0], other)
    for k, g in enumerate(roots):
        blk = f.append_basic_block(f"k{k}")
        sw.add_case(ir.Constant(i64, k), blk)
        bb = ir.IRBuilder(blk)
        bb.ret(bb.zext(bb.call(g, f.args[1:]), i64))


class Native:
    """The game's arithmetic compiled by LLVM (kept alive with the kernel that calls it).

    Parameters
    ----------
    text : str
        An LLVM IR module (:func:`module_ir`, :func:`prefix_ir`), verified,
        optimized at level 2 for the host CPU and compiled by MCJIT.
    names : tuple of str
        The functions whose addresses to give.

    Attributes
    ----------
    addresses : list of int
        The machine-code address of each of ``names``, in order (valid
        while this object lives).
    """

    def __init__(self, text: str, names: tuple[str, ...]) -> None:
        import llvmlite.binding as llvm

        llvm.initialize_native_target()
        llvm.initialize_native_asmprinter()
        target = llvm.Target.from_triple(llvm.get_process_triple())
        self.machine = target.create_target_machine(
            cpu=llvm.get_host_cpu_name(), features=llvm.get_host_cpu_features().flatten(),
            opt=2)
        mod = llvm.parse_assembly(text)
        mod.triple = self.machine.triple
        mod.verify()
        if hasattr(llvm, "create_pass_builder"):  # llvmlite >= 0.44: the new pass manager
            pto = llvm.create_pipeline_tuning_options(speed_level=2)
            pb = llvm.create_pass_builder(self.machine, pto)
            pb.getModulePassManager().run(mod, pb)
        else:  # pragma: no cover - older llvmlite (numba 0.60)
            pmb = llvm.create_pass_manager_builder()
            pmb.opt_level = 2
            pm = llvm.create_module_pass_manager()
            pmb.populate(pm)
            pm.run(mod)
        self.engine = llvm.create_mcjit_compiler(mod, self.machine)
        self.engine.finalize_object()
        self.addresses = [self.engine.get_function_address(n) for n in names]
