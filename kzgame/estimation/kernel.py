"""The compiled likelihood kernel: the recursion of :mod:`~kzgame.estimation.likelihood` unrolled.

For one game and one pattern of free parameters, the backward recursion with
its derivatives is printed as straight-line scalar code (one variable per
node, player and free parameter), inside a loop over the rows that numba
compiles.  The payoffs and their derivatives come from sympy (``cse`` over
all of them, printed by :class:`kzgame.numeric.codegen.Printer`); nothing is
written by hand per game.  The kernel returns each row's log-likelihood and
its derivatives in the free parameters; the links and the covariates are
applied outside, in NumPy (a handful of vector operations).

Only source generated here from a game's sympy expressions is compiled.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from ..game.tree import Game
from ..numeric.cache import cache_dir, import_source
from ..numeric.codegen import Printer, compile_source
from ..numeric.kernels import NUMBA_PRELUDE, require_numba

if TYPE_CHECKING:
    import sympy as sp

__all__ = ["ScalarPrinter", "kernel_source", "likelihood_kernel"]


class ScalarPrinter(Printer):
    """The engine's printer, with the derivatives of ``Max``/``Min`` printed for scalars.

    ``Heaviside`` (the derivative of ``Max``) and ``Piecewise`` print as
    conditional expressions; ``Heaviside(0) = 1/2`` (sympy's convention: the
    likelihood is not differentiable there, and either one-sided derivative
    would do).
    """

    def _print_Heaviside(self, expr: sp.Heaviside) -> str:
        x = self._print(expr.args[0])
        return f"(1.0 if ({x}) > 0 else (0.5 if ({x}) == 0 else 0.0))"

    def _print_Piecewise(self, expr: sp.Piecewise) -> str:
        out = "nan"
        for value, cond in reversed(expr.args):
            out = f"({self._print(value)} if {self._print(cond)} else {out})"
        return out

    def _print_Relational(self, expr: sp.Rel) -> str:
        return f"({self._print(expr.lhs)} {expr.rel_op} {self._print(expr.rhs)})"

    def _print_BooleanTrue(self, expr: sp.logic.boolalg.BooleanTrue) -> str:
        return "True"

_HEADER = NUMBA_PRELUDE + '''

@njit(nogil=True, error_model="numpy", boundscheck=False, cache={cache})
def kernel(_b, _X, _code, _mask, _ll, _G):
    """Row log-likelihoods (_ll) and the gradient in the coefficients _b (added to _G)."""
'''


def kernel_source(game: Game, plan: tuple, cache: bool = False) -> str:
    """The kernel's Python source for ``game`` under ``plan``.

    Parameters
    ----------
    game : Game
    plan : tuple
        One entry per parameter (``lambda`` last): ``(name, "fixed", value)``,
        ``(name, "data", column)`` or ``(name, link, ((coefficient, column), ...))``;
        columns index the kernel's matrix ``_X`` (column 0 is ones), coefficients
        the vector ``_b``.
    """
    import sympy as sp

    fixed = {k: v for k, kind, v in plan if kind == "fixed" and k != "lambda"}
    free = tuple(k for k, kind, _ in plan if kind not in ("fixed", "data") and k != "lambda")
    lam_free = any(k == "lambda" and kind not in ("fixed", "data") for k, kind, _ in plan)

    printer = ScalarPrinter()
    sub = {game.symbols[k]: sp.Float(v) for k, v in fixed.items()}
    exprs = [e.subs(sub) for i in game.leaves for e in game.nodes[i].payoffs]
    exprs += [p.subs(sub) for n in game.nodes if n.kind == "chance" for p in n.probabilities]
    derivs = [sp.diff(e, game.symbols[k]) for e in exprs for k in free]
    taken = [sp.Symbol(k) for k in game.symbols]
    cses, reduced = sp.cse(exprs + derivs, symbols=sp.numbered_symbols("_x", exclude=taken),
                           list=True)
    K = len(free) + (1 if lam_free else 0)
    kl = len(free) if lam_free else None
    P = len(game.players)
    nf = len(free)
    body: list[str] = []
    before: list[str] = []  # row-invariant lines (intercept-only links), before the loop
    links: list[tuple[str, tuple]] = []  # (derivative variable, coefficients) per free param
    for k, kind, arg in plan:
        var = "_lam" if k == "lambda" else k
        if kind == "fixed":
            if k == "lambda":
                body.append(f"_lam = {float(arg)!r}")
            continue
        if kind == "data":
            body.append(f"{var} = _X[_r, {arg}]")
            continue
        into = before if all(c == 0 for _, c in arg) else body
        eta = " + ".join(f"_b[{i}]" if c == 0 else f"_b[{i}] * _X[_r, {c}]" for i, c in arg)
        into.append(f"_eta = {eta}")
        if kind == "identity":
            into.append(f"{var} = _eta")
            into.append(f"_dt_{k} = 1.0")
        elif kind == "logistic":
            into.append(f"{var} = 1.0 / (1.0 + exp(-_eta))")
            into.append(f"_dt_{k} = {var} * (1.0 - {var})")
        elif kind == "exp":
            into.append(f"{var} = exp(_minimum(_eta, 700.0))")
            into.append(f"_dt_{k} = {var}")
        else:  # pragma: no cover - the spec admits only these links
            raise ValueError(f"unknown link {kind!r}")
        links.append((f"_dt_{k}", arg))
    for s, e in cses:
        body.append(f"{s} = {printer.doprint(e)}")
    outs = []
    for idx, e in enumerate(reduced):
        body.append(f"_e{idx} = {printer.doprint(e) if not e.is_number else repr(float(e))}")
        outs.append(f"_e{idx}")
    nexpr = len(exprs)

    def der(pos: int, k: int) -> str:
        return outs[nexpr + pos * nf + k] if k < nf else "0.0"

    pos = 0
    for i in game.leaves:
        for j in range(P):
            body.append(f"_V{i}_{j} = {outs[pos + j]}")
            for k in range(K):
                body.append(f"_D{i}_{j}_{k} = {der(pos + j, k)}")
        pos += P
    chance_prob: dict[int, list[tuple[str, list[str]]]] = {}
    for n in game.nodes:
        if n.kind == "chance":
            chance_prob[n.index] = [
                (outs[pos + b], [der(pos + b, k) for k in range(K)]) for b in range(len(n.children))
            ]
            pos += len(n.children)
    logs: list[str] = []  # the log-probabilities, needed only where probabilities underflow
    for n in reversed(game.nodes):
        kids = n.children
        if n.kind == "decision":
            i = game.players.index(n.player)
            for c in kids:
                body.append(f"_u{c} = _lam * _V{c}_{i}")
            # weights relative to the first action (one exp fewer); if that overflows,
            # relative to the largest value
            top = f"_u{kids[0]}"
            for c in kids[1:]:
                top = f"_maximum({top}, _u{c})"
            body.append(f"_ref{n.index} = _u{kids[0]}")
            body.append(f"_q{kids[0]} = 1.0")
            for c in kids[1:]:
                body.append(f"_q{c} = exp(_u{c} - _ref{n.index})")
            body.append(f"_s{n.index} = " + " + ".join(f"_q{c}" for c in kids))
            body.append(f"if not _s{n.index} < 1e300:")
            body.append(f"    _ref{n.index} = {top}")
            for c in kids:
                body.append(f"    _q{c} = exp(_u{c} - _ref{n.index})")
            body.append(f"    _s{n.index} = " + " + ".join(f"_q{c}" for c in kids))
            for c in kids:
                body.append(f"_p{c} = _q{c} / _s{n.index}")
                logs.append(f"_lp{c} = _u{c} - _ref{n.index} - log(_s{n.index})")
            for k in range(K):
                for c in kids:
                    extra = f" + _V{c}_{i}" if k == kl else ""
                    body.append(f"_du{c}_{k} = _lam * _D{c}_{i}_{k}{extra}")
                body.append("_m = " + " + ".join(f"_p{c} * _du{c}_{k}" for c in kids))
                for c in kids:
                    body.append(f"_dl{c}_{k} = _du{c}_{k} - _m")
        elif n.kind == "chance":
            for c, (prob, dprob) in zip(kids, chance_prob[n.index], strict=True):
                body.append(f"_p{c} = {prob}")
                logs.append(f"_lp{c} = log(_p{c}) if _p{c} > 0.0 else -inf")
                for k in range(K):
                    body.append(f"_dl{c}_{k} = {dprob[k]} / _p{c} if _p{c} > 0.0 else 0.0")
        else:
            continue
        for j in range(P):
            body.append(f"_V{n.index}_{j} = " + " + ".join(f"_p{c} * _V{c}_{j}" for c in kids))
            for k in range(K):
                body.append(f"_D{n.index}_{j}_{k} = " + " + ".join(
                    f"_p{c} * (_dl{c}_{k} * _V{c}_{j} + _D{c}_{j}_{k})" for c in kids))
    # forward: leaf probabilities (fast path) and, if they underflow, log-probabilities
    body.append("_P0 = 1.0")
    for k in range(K):
        body.append(f"_dA0_{k} = 0.0")
    for n in game.nodes:
        for c in n.children:
            body.append(f"_P{c} = _P{n.index} * _p{c}")
            for k in range(K):
                body.append(f"_dA{c}_{k} = _dA{n.index}_{k} + _dl{c}_{k}")
    body.append("_o = _code[_r]")
    body.append("_L = " + " + ".join(f"(_P{leaf} if _mask[_o, {li}] else 0.0)"
                                     for li, leaf in enumerate(game.leaves)))
    body.append("if _L > 1e-250:")
    body.append("    _ll[_r] = log(_L)")
    for li, leaf in enumerate(game.leaves):
        body.append(f"    _w{li} = _P{leaf} / _L if _mask[_o, {li}] else 0.0")
    body.append("else:  # the observed leaves' probabilities underflow: in logs")
    for ln in logs:
        body.append(f"    {ln}")
    body.append("    _A0 = 0.0")
    for n in game.nodes:
        for c in n.children:
            body.append(f"    _A{c} = _A{n.index} + _lp{c}")
    body.append("    _top = -inf")
    for li, leaf in enumerate(game.leaves):
        body.append(f"    if _mask[_o, {li}]:")
        body.append(f"        _top = _maximum(_top, _A{leaf})")
    body.append("    if _top == -inf:")
    body.append("        _ll[_r] = -inf")
    body.append("        continue")
    body.append("    _s = 0.0")
    for li, leaf in enumerate(game.leaves):
        body.append(f"    if _mask[_o, {li}]:")
        body.append(f"        _s += exp(_A{leaf} - _top)")
    body.append("    _l = _top + log(_s)")
    body.append("    _ll[_r] = _l")
    for li, leaf in enumerate(game.leaves):
        body.append(f"    _w{li} = exp(_A{leaf} - _l) if _mask[_o, {li}] else 0.0")
    for k in range(K):
        body.append("_g = " + " + ".join(f"_w{li} * _dA{leaf}_{k}"
                                         for li, leaf in enumerate(game.leaves)))
        dt, coefs = links[k]
        for i, c in coefs:  # column 0 of _X is the intercept's ones
            body.append(f"_G[{i}] += _g * {dt}" + ("" if c == 0 else f" * _X[_r, {c}]"))
    pre = "".join(f"    {ln}\n" for ln in before)
    text = "\n".join(f"        {ln}" for ln in body)
    return (_HEADER.replace("{cache}", "True" if cache else "False") + pre
            + "    for _r in range(_code.shape[0]):\n" + text + "\n")


_KERNELS: WeakKeyDictionary[Game, dict] = WeakKeyDictionary()


def likelihood_kernel(game: Game, plan: tuple) -> Callable[..., Any]:
    """The compiled kernel for this pattern (cached in memory and on disk).

    Raises
    ------
    KzgameError
        If numba is not installed.
    """
    require_numba()
    key = plan
    per_game = _KERNELS.setdefault(game, {})
    if key in per_game:
        return per_game[key]
    directory = cache_dir()
    kernel = None
    if directory is not None:
        source = kernel_source(game, plan, cache=True)
        try:
            kernel = import_source(source, directory, "likelihood").kernel
        except (OSError, RuntimeError):
            kernel = None
    if kernel is None:
        source = kernel_source(game, plan)
        kernel = compile_source(source, f"<kzgame-likelihood-{id(game):x}>", {})["kernel"]
    per_game[key] = kernel
    return kernel
