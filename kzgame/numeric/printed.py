"""Printed code without sympy: the record of a game's printed gains, and running it.

:mod:`kzgame.numeric.codegen` prints a game's gains with sympy into a
:class:`GainsCode`; everything that *runs* printed code (the kernels, the
classifier, the period game's shipped kernels in
:mod:`kzgame.numeric.period_plans`) needs only this module, so that a
classification need not import sympy.

Examples
--------
>>> code = GainsCode(("a",), ("g0_1 = 2*a",), {(0, 1): "g0_1"}, {})
>>> f = compile_source(code.source(), "<example>", numpy_namespace())["gains"]
>>> f(1.5)
(3.0,)
"""

from __future__ import annotations

import linecache
import math
from dataclasses import dataclass, field

__all__ = ["GainsCode", "compile_source", "numpy_namespace"]


@dataclass(frozen=True)
class GainsCode:
    """The printed gains and probabilities of one game.

    Attributes
    ----------
    inputs : tuple of str
        The parameters the outputs depend on, in the game's parameter order.
    lines : tuple of str
        Assignments, executable top to bottom: derived quantities, common
        subexpressions, then the outputs.
    gains : dict of (int, int) to str
        The variable holding each gain: ``(decision node, leaf) -> name``.
    probabilities : dict of (int, int) to str
        The variable holding each chance probability: ``(chance node, branch) -> name``.
    guard : float
        A magnitude: where every input is at most ``guard`` in absolute value
        (and in its domain), each variable of ``bounds`` is finite
        (:mod:`kzgame.numeric.bounds`); infinite if nothing is bounded.
    bounds : dict of str to float
        Gains proved finite under the guard, with their magnitude bounds.
    unit : frozenset of str
        Probabilities proved to lie in [0, 1] wherever the inputs are in
        their domains (no test needed).
    """

    inputs: tuple[str, ...]
    lines: tuple[str, ...]
    gains: dict[tuple[int, int], str]
    probabilities: dict[tuple[int, int], str]
    guard: float = math.inf
    bounds: dict[str, float] = field(default_factory=dict)
    unit: frozenset[str] = frozenset()

    @property
    def outputs(self) -> tuple[str, ...]:
        """Every output variable: gains, then probabilities."""
        return tuple(self.gains.values()) + tuple(self.probabilities.values())

    def source(self, name: str = "gains") -> str:
        """Python source of ``name(*inputs) -> outputs`` (floats or broadcasting arrays)."""
        body = "\n".join(f"    {ln}" for ln in self.lines) or "    pass"
        outs = f"({', '.join(self.outputs)},)" if self.outputs else "()"
        return f"def {name}({', '.join(self.inputs)}):\n{body}\n    return {outs}\n"


def compile_source(source: str, filename: str, namespace: dict) -> dict:
    """Execute generated ``source`` in ``namespace`` (registered for tracebacks).

    Only text this package generated from a game's sympy expressions is
    compiled here, never text from a user or a file.
    """
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    exec(compile(source, filename, "exec"), namespace)
    return namespace


def numpy_namespace() -> dict:
    """The names printed code may call, bound to NumPy (for arrays and floats alike).

    ``_maximum``/``_minimum`` (``Max``/``Min``), ``_where`` (the classifier's
    selections), and the functions and constants the safe parser admits
    (``sqrt``, ``exp``, ``log``, ``pi``, ``e``).
    """
    import numpy as np

    return {
        "_maximum": np.maximum,
        "_minimum": np.minimum,
        "_where": np.where,
        "sqrt": np.sqrt,
        "exp": np.exp,
        "log": np.log,
        "pi": np.pi,
        "e": np.e,
        "numpy": np,
    }
