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

from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

import sympy as sp
from sympy.printing.numpy import NumPyPrinter

from ..game.gains import node_gains
from ..game.tree import Game
from .bounds import choose_guard, unit_interval
from .printed import GainsCode, compile_source, numpy_namespace

__all__ = [
    "GainAssignments",
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


@dataclass(frozen=True)
class GainAssignments:
    """A game's gains and chance probabilities as sympy assignments, before any printing.

    Attributes
    ----------
    inputs : tuple of str
        The parameters the outputs depend on, in the game's parameter order.
    assignments : tuple of (str, sympy.Expr)
        In the order printed code runs them: the derived quantities the
        outputs use, the common subexpressions (``x0``, ``x1``, ...), then
        the outputs (:attr:`outputs`, the last ones).
    outputs : tuple of str
        The outputs' names: every gain, then every probability.
    gains, probabilities : dict of (int, int) to str
        As :class:`GainsCode`.
    """

    inputs: tuple[str, ...]
    assignments: tuple[tuple[str, Any], ...]
    outputs: tuple[str, ...]
    gains: dict[tuple[int, int], str]
    probabilities: dict[tuple[int, int], str]

    def lines(self, printer: Any, template: str = "{name} = {rhs}") -> list[str]:
        """Each assignment printed by ``printer`` (an output that is a number as a float)."""
        first_output = len(self.assignments) - len(self.outputs)
        return [
            template.format(
                name=name,
                rhs=repr(float(e)) if i >= first_output and e.is_number else printer.doprint(e),
            )
            for i, (name, e) in enumerate(self.assignments)
        ]


_ASSIGNMENTS: WeakKeyDictionary[Game, GainAssignments] = WeakKeyDictionary()


def gain_assignments(game: Game) -> GainAssignments:
    """The gains and probabilities of ``game`` as assignments (cached per game).

    Every decision node's gain at every leaf of its subtree
    (:func:`kzgame.game.gains.node_gains`) and every chance probability,
    with their common subexpressions taken out (:func:`sympy.cse`).  What
    :func:`gains_code` prints for the numeric backends and
    :mod:`kzgame.io.jsmodel` for the browser.
    """
    if game in _ASSIGNMENTS:
        return _ASSIGNMENTS[game]
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
    derived = []
    for d in game.derived.values():
        if d.symbol in used:
            derived.append((d.name, d.expression))
            used |= d.expression.free_symbols
    out = GainAssignments(
        tuple(k for k, s in game.symbols.items() if s in used),
        (*derived, *((str(sym), e) for sym, e in cses), *zip(names, reduced, strict=True)),
        tuple(names),
        gain_names,
        prob_names,
    )
    _ASSIGNMENTS[game] = out
    return out


def gains_code(game: Game) -> GainsCode:
    """Print ``game``'s gains and probabilities (cached per game; see :class:`GainsCode`)."""
    if game in _CODE:
        return _CODE[game]
    ga = gain_assignments(game)
    domains = {
        k: (game.parameters[k].domain.low, game.parameters[k].domain.high) for k in ga.inputs
    }
    guard, bounds = choose_guard(ga.assignments, domains, list(ga.gains.values()))
    first_output = len(ga.assignments) - len(ga.outputs)
    subs = {sp.Symbol(k): e for k, e in ga.assignments[:first_output]}
    probs = dict(ga.assignments[first_output:])
    unit = frozenset(
        name for name in ga.probabilities.values()
        if unit_interval(probs[name].xreplace(subs) if probs[name].is_Symbol else probs[name],
                         domains)
    )  # fmt: skip
    code = GainsCode(
        ga.inputs, tuple(ga.lines(Printer())), ga.gains, ga.probabilities, guard, bounds, unit,
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
