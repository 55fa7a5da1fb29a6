"""A game's classifier printed as JavaScript, from the engine's symbolic gains.

The interactive page (:mod:`kzgame.io.html_report`) classifies points in the
reader's browser.  It does not carry a second, hand-written copy of the
model: :func:`classifier_js` prints the same quantities the package's
numeric paths run (:mod:`kzgame.numeric.codegen`), from the same sympy
expressions,

* the gains of every decision node (:func:`kzgame.game.gains.node_gains`),
  the same assignments after the same common-subexpression elimination
  (:func:`kzgame.numeric.codegen.gain_assignments`), with
  sympy's JavaScript code printer (integer powers as products, ``Max`` and
  ``Min`` as nested ``Math.max``/``Math.min``, as the Python printer does);
* backward induction at every decision node, printed by the compiled
  kernel's printer (:func:`kzgame.numeric.kernels.javascript_rule`): the
  mover takes the first action, in the node's tie order, whose gain is at
  least the best minus ``atol``
  (:func:`kzgame.game.induction.backward_induction`).

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
from ..game.induction import require_perfect_information
from ..game.tree import Game
from ..numeric.codegen import NestedMaxMin, gain_assignments
from ..numeric.kernels import javascript_rule

__all__ = ["JSPrinter", "classifier_js"]


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
    ga = gain_assignments(game)
    lines = [f"const {k} = p[{json.dumps(k)}];" for k in ga.inputs]
    lines += ga.lines(JSPrinter(), "const {name} = {rhs};")
    rule, code = javascript_rule(game)  # the compiled kernel's rule, in JavaScript
    lines += [f"const {ln};" for ln in rule]
    moves = []
    for node in reversed(game.nodes):
        if node.kind != "decision" or len(node.children) == 1:
            continue
        choice = str(len(node.children) - 1)
        for a in range(len(node.children) - 2, -1, -1):
            choice = f"(t{node.index}_{a} ? {a} : {choice})"
        moves.append(f"{json.dumps(node.name)}: {choice}")
    root = game.nodes[0]
    gains = ", ".join(
        f"{json.dumps(game.nodes[leaf].name)}: {name}"
        for (n, leaf), name in ga.gains.items() if n == root.index
    )
    lines.append(f"return {{code: {code}, gains: {{{gains}}}, moves: {{{', '.join(moves)}}}}};")
    return "function (p, atol) {\n" + "\n".join(f"  {ln}" for ln in lines) + "\n}"
