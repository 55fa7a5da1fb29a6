"""A game's classifier printed as JavaScript, from the engine's symbolic gains.

The interactive page (:mod:`kzgame.io.html_report`) classifies points in the
reader's browser.  It does not carry a second, hand-written copy of the
model: :func:`classifier_js` prints the same quantities the package's
numeric paths run (:mod:`kzgame.numeric.codegen`), from the same sympy
expressions,

* the gains of every decision node (:func:`kzgame.game.gains.node_gains`),
  after the same common-subexpression elimination (``sympy.cse``), with
  sympy's JavaScript code printer (integer powers as products, ``Max`` and
  ``Min`` as nested ``Math.max``/``Math.min``, as the Python printer does);
* backward induction at every decision node: the mover takes the first
  action, in the node's tie order, whose gain is at least the best minus
  ``atol`` (:func:`kzgame.game.induction.backward_induction`).

JavaScript numbers are IEEE-754 doubles and the printed operations are the
same, in the same order, as the Python text, so the page gives the codes of
:func:`kzgame.classify` (``tests/test_html_report.py`` checks this on random
points with Node.js and in a headless browser).

Only games of perfect information without chance nodes are printed (the
period game under every protocol); others raise :class:`kzgame.errors.GameError`.

Examples
--------
>>> from kzgame.games import period
>>> js = classifier_js(period("nash"))
>>> js.splitlines()[0]
'function (p, atol) {'
>>> "const stake_r = -outside_r + share*surplus;" in js
True
"""

from __future__ import annotations

import json

import sympy as sp
from sympy.printing.jscode import JavascriptCodePrinter

from ..errors import GameError
from ..game.gains import node_gains
from ..game.induction import require_perfect_information
from ..game.outcomes import outcome_codes
from ..game.tree import Game
from ..numeric.codegen import NestedMaxMin

__all__ = ["JSPrinter", "classifier_js", "gain_expressions"]


class JSPrinter(NestedMaxMin, JavascriptCodePrinter):
    """sympy's JavaScript printer with the Python printer's two changes.

    Integer powers print as products and quotients (no ``Math.pow``), and
    ``Max``/``Min`` as nested two-argument ``Math.max``/``Math.min`` calls
    (both propagate NaN, as ``numpy.maximum`` does).
    """

    def __init__(self) -> None:
        super().__init__({"strict": False})

    MAX = "Math.max"
    MIN = "Math.min"

    def _print_Pow(self, expr: sp.Pow) -> str:
        exp = expr.exp
        if exp.is_Integer and exp != 0 and abs(int(exp)) <= 8:
            base = self.parenthesize(expr.base, sp.printing.precedence.PRECEDENCE["Mul"])
            prod = "*".join([base] * abs(int(exp)))
            return f"({prod})" if exp > 0 else f"(1/({prod}))"
        return super()._print_Pow(expr)


def gain_expressions(game: Game) -> tuple[list[sp.Expr], dict[tuple[int, int], str]]:
    """The gains of every decision node, in the order :mod:`kzgame.numeric.codegen` uses."""
    exprs: list[sp.Expr] = []
    names: dict[tuple[int, int], str] = {}
    for n, ng in node_gains(game).items():
        for leaf, e in ng.gains.items():
            names[(n, leaf)] = f"g{n}_{leaf}"
            exprs.append(e)
    return exprs, names


def classifier_js(game: Game) -> str:
    """A JavaScript function expression ``function (p, atol)`` classifying one point.

    ``p`` maps parameter names to numbers (every parameter the gains use);
    ``atol`` is the tie tolerance (0 as :func:`kzgame.classify`'s default).
    The function returns ``{code, gains, moves}``: the outcome code
    (:func:`kzgame.game.outcomes.outcome_codes`; for the period game R's
    strategy code), the root mover's gain of each leaf relative to the
    first action's (``gains[leaf name]``), and the chosen action's index at
    every decision node (``moves[node name]``).

    Raises
    ------
    GameError
        For a game with a chance node or an information set of several nodes.
    """
    for node in game.nodes:
        if node.kind == "chance":
            raise GameError(f"node {node.name!r}: the JavaScript classifier prints games "
                            "without chance nodes only")
    require_perfect_information(game, "the JavaScript classifier")
    printer = JSPrinter()
    exprs, gain_names = gain_expressions(game)
    taken = {str(s) for s in game.symbols} | set(game.derived)
    symbols = sp.numbered_symbols("x", exclude=[sp.Symbol(t) for t in taken])
    cses, reduced = sp.cse(exprs, symbols=symbols, list=False) if exprs else ([], [])
    used: set = set().union(set(), *(e.free_symbols for e in reduced),
                            *(e.free_symbols for _, e in cses))
    derived = []
    for d in game.derived.values():
        if d.symbol in used:
            derived.append(f"const {d.name} = {printer.doprint(d.expression)};")
            used |= d.expression.free_symbols
    inputs = [k for k, s in game.symbols.items() if s in used]
    lines = [f"const {k} = p[{json.dumps(k)}];" for k in inputs] + derived
    lines += [f"const {sym} = {printer.doprint(e)};" for sym, e in cses]
    lines += [
        f"const {name} = {printer.doprint(e) if not e.is_number else repr(float(e))};"
        for name, e in zip(gain_names.values(), reduced, strict=True)
    ]
    # backward induction, children before parents (as kzgame.numeric.kernels prints it)
    value: dict[tuple[int, int], str] = {}
    arity = {n.index: len(n.children) for n in game.nodes}

    def select(m: int, options: list[str]) -> str:
        if all(o == options[0] for o in options):
            return options[0]
        expr = options[-1]
        for a in range(arity[m] - 2, -1, -1):
            expr = f"(t{m}_{a} ? {options[a]} : {expr})"
        return expr

    def val(n: int, m: int) -> str:
        if (n, m) in value:
            return value[(n, m)]
        node = game.nodes[m]
        if node.kind == "outcome":
            name = gain_names[(n, m)]
        else:
            name = f"v{n}_{m}"
            lines.append(f"const {name} = {select(m, [val(n, c) for c in node.children])};")
        value[(n, m)] = name
        return name

    moves = []
    for node in reversed(game.nodes):
        if node.kind != "decision" or len(node.children) == 1:
            continue
        n = node.index
        vals = [val(n, c) for c in node.children]
        best = vals[0]
        for v in vals[1:]:
            best = f"Math.max({best}, {v})"
        lines.append(f"const b{n} = {best};")
        lines.append(f"const f{n} = b{n} - atol;")
        for a in range(len(vals) - 1):
            lines.append(f"const t{n}_{a} = {vals[a]} >= f{n};")
        choice = str(len(vals) - 1)
        for a in range(len(vals) - 2, -1, -1):
            choice = f"(t{n}_{a} ? {a} : {choice})"
        moves.append(f"{json.dumps(node.name)}: {choice}")
    codes = outcome_codes(game)
    oc: dict[int, str] = {}
    for node in reversed(game.nodes):
        m = node.index
        if node.kind == "outcome":
            oc[m] = str(codes.sets.index(frozenset([node.label])))
        else:
            oc[m] = select(m, [oc[c] for c in node.children])
    root = game.nodes[0]
    gains = ", ".join(
        f"{json.dumps(game.nodes[leaf].name)}: {name}"
        for (n, leaf), name in gain_names.items() if n == root.index
    )
    lines.append(f"return {{code: {oc[0]}, gains: {{{gains}}}, moves: {{{', '.join(moves)}}}}};")
    return "function (p, atol) {\n" + "\n".join(f"  {ln}" for ln in lines) + "\n}"
