"""Code generated from a game's symbolic gains: the one text every numeric path runs.

No payoff formula is written in this module.  For a game, the gains of
every decision node (:func:`kzgame.game.gains.node_gains`) and the chance
probabilities are *printed* as Python assignments: the derived quantities
first (the stakes, where the game declares them), then the common
subexpressions (``sympy.cse`` over all outputs), then one output per gain
and probability.  The same lines run on floats (backward induction at a
point), on NumPy arrays (the chunked classifier) and inside a compiled
numba loop, so that every path evaluates the same floating-point
operations in the same order.

Examples
--------
>>> from kzgame.games import period
>>> code = gains_code(period("ultimatum"))
>>> code.inputs  # NORMALIZE_WHITESPACE is on
('surplus', 'share', 'outside_r', 'outside_e', 'indispensability', 'survival',
 'invest_cost', 'holdup_cost')
>>> code.lines[:2]
('stake_r = -outside_r + share*surplus', 'stake_e = -outside_e + surplus*(1 - share)')
"""

from __future__ import annotations

from typing import Any
from weakref import WeakKeyDictionary

import sympy as sp
from sympy.printing.numpy import NumPyPrinter

from ..game.gains import node_gains
from ..game.tree import Game
from .bounds import choose_guard, unit_interval
from .printed import GainsCode, compile_source, numpy_namespace

__all__ = [
    "GainsCode",
    "NestedMaxMin",
    "Printer",
    "compile_source",
    "gains_code",
    "gains_function",
    "numpy_namespace",
]


class NestedMaxMin:
    """Printer mixin: ``Max``/``Min`` as nested two-argument calls of :attr:`MAX`/:attr:`MIN`.

    ``Max(a, b, c)`` prints as ``MAX(MAX(a, b), c)``: every backend's
    two-argument maximum (NumPy's, the compiled kernel's, JavaScript's
    ``Math.max``) then sees the arguments in the same order.
    """

    MAX: str = "_maximum"
    MIN: str = "_minimum"

    def _nested(self, name: str, args: Any) -> str:
        printer: Any = self
        out = printer._print(args[0])
        for arg in args[1:]:
            out = f"{name}({out}, {printer._print(arg)})"
        return out

    def _print_Max(self, expr: sp.Max) -> str:
        return self._nested(self.MAX, expr.args)

    def _print_Min(self, expr: sp.Min) -> str:
        return self._nested(self.MIN, expr.args)


class Printer(NestedMaxMin, NumPyPrinter):
    """sympy's NumPy printer as :func:`sympy.lambdify` configures it, with two changes.

    ``Max``/``Min`` print as nested calls of ``_maximum``/``_minimum`` (bound
    to ``numpy.maximum``/``numpy.minimum`` for arrays and to NaN-propagating
    scalar functions in the compiled kernel: the same values), and integer
    powers print as products and quotients (so that no path calls ``pow``,
    whose last bit may differ between libraries).
    """

    def __init__(self) -> None:
        super().__init__(
            {
                "fully_qualified_modules": False,
                "inline": True,
                "allow_unknown_functions": True,
                "user_functions": {},
            }
        )

    def _print_Pow(self, expr: sp.Pow, rational: bool = False) -> str:
        exp = expr.exp
        if exp.is_Integer and exp != 0 and abs(int(exp)) <= 8:
            base = self.parenthesize(expr.base, sp.printing.precedence.PRECEDENCE["Mul"])
            prod = "*".join([base] * abs(int(exp)))
            return f"({prod})" if exp > 0 else f"(1/({prod}))"
        return super()._print_Pow(expr, rational=rational)


_CODE: WeakKeyDictionary[Game, GainsCode] = WeakKeyDictionary()
_FUNCTIONS: WeakKeyDictionary[Game, object] = WeakKeyDictionary()


def gains_code(game: Game) -> GainsCode:
    """Print ``game``'s gains and probabilities (cached per game; see :class:`GainsCode`)."""
    if game in _CODE:
        return _CODE[game]
    printer = Printer()
    exprs: list[sp.Expr] = []
    gain_names: dict[tuple[int, int], str] = {}
    for n, ng in node_gains(game).items():
        for leaf, e in ng.gains.items():
            gain_names[(n, leaf)] = f"g{n}_{leaf}"
            exprs.append(e)
    prob_names: dict[tuple[int, int], str] = {}
    for node in game.nodes:
        if node.kind == "chance":
            for b, p in enumerate(node.probabilities):
                prob_names[(node.index, b)] = f"p{node.index}_{b}"
                exprs.append(p)
    taken = {str(s) for s in game.symbols} | {d for d in game.derived}
    symbols = sp.numbered_symbols("x", exclude=[sp.Symbol(t) for t in taken])
    cses, reduced = sp.cse(exprs, symbols=symbols, list=False) if exprs else ([], [])
    names = list(gain_names.values()) + list(prob_names.values())
    used = set().union(
        set(), *(e.free_symbols for e in reduced), *(e.free_symbols for _, e in cses)
    )
    derived_lines = []
    for d in game.derived.values():
        if d.symbol in used:
            derived_lines.append(f"{d.name} = {printer.doprint(d.expression)}")
            used |= d.expression.free_symbols
    cse_lines = [f"{sym} = {printer.doprint(e)}" for sym, e in cses]
    out_lines = [
        f"{name} = {printer.doprint(e) if not e.is_number else repr(float(e))}"
        for name, e in zip(names, reduced, strict=True)
    ]
    inputs = tuple(k for k, s in game.symbols.items() if s in used)
    domains = {
        k: (game.parameters[k].domain.low, game.parameters[k].domain.high) for k in inputs
    }
    assignments = [
        *((d.name, d.expression) for d in game.derived.values() if d.symbol in used),
        *((str(sym), e) for sym, e in cses),
        *zip(names, reduced, strict=True),
    ]
    guard, bounds = choose_guard(assignments, domains, list(gain_names.values()))
    subs = {sp.Symbol(k): e for k, e in assignments[: len(assignments) - len(names)]}
    unit = frozenset(
        name for name, e in zip(prob_names.values(), reduced[len(gain_names):], strict=True)
        if unit_interval(e.xreplace(subs) if e.is_Symbol else e, domains)
    )  # fmt: skip
    code = GainsCode(
        inputs, tuple(derived_lines + cse_lines + out_lines), gain_names, prob_names,
        guard, bounds, unit,
    )  # fmt: skip
    _CODE[game] = code
    return code


def gains_function(game: Game) -> Any:
    """The generated gains function of ``game``, on floats or NumPy arrays (cached per game).

    Its arguments are :attr:`GainsCode.inputs`; it returns the tuple
    :attr:`GainsCode.outputs`.

    Examples
    --------
    >>> from kzgame.games import period
    >>> g = period("nash")
    >>> f = gains_function(g)
    >>> out = f(1.0, 0.5, 0.25, 0.0, 1.0, 0.5, 0.0, 0.5, 0.0)
    >>> names = gains_code(g).outputs
    >>> leaf = g.node("invest").index
    >>> float(out[names.index(f"g0_{leaf}")])  # G_I = (1 - q) Delta_R - c
    0.125
    """
    if game in _FUNCTIONS:
        return _FUNCTIONS[game]
    ns = numpy_namespace()
    fn = compile_source(gains_code(game).source(), f"<kzgame-gains-{id(game):x}>", ns)["gains"]
    _FUNCTIONS[game] = fn
    return fn
