"""The safe expression parser: text to sympy, from a whitelist, never ``eval``.

Payoffs and chance probabilities of a game may be given as strings such as
``"p*v - k_C"``.  They are parsed with :mod:`ast` and converted node by node:
numbers, the names of declared parameters, ``+ - * / **``, parentheses and
the functions ``Max``/``max``, ``Min``/``min``, ``Abs``/``abs``, ``sqrt``,
``exp`` and ``log``.  Anything else (attributes, subscripts, other calls,
comparisons, lambdas) is refused before anything is built.  Text is never
passed to ``eval``, ``exec`` or :func:`sympy.sympify`.  A numeric exponent
is at most :data:`MAX_EXPONENT` in absolute value and a power of two
numbers at most a few hundred digits (``2**10**10`` would stall the
parser), and an expression that is not finite or not real (``log(0)``,
``sqrt(-1)``) is refused.

Decimal literals are read exactly: ``"0.1"`` is the rational 1/10, so that
games written with decimals keep exact arithmetic (exact equilibrium sets).

Examples
--------
>>> import sympy as sp
>>> v, p = sp.symbols("v p", positive=True)
>>> parse_expression("p*v - 0.5", {"v": v, "p": p})
p*v - 1/2
>>> parse_expression("__import__('os')", {"v": v})
Traceback (most recent call last):
...
kzgame.errors.GameError: expression "__import__('os')": a call of __import__ is not allowed ...
>>> parse_expression("sqrt(-1)", {})
Traceback (most recent call last):
...
kzgame.errors.GameError: expression 'sqrt(-1)': I is not a real number
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from typing import Any

import sympy as sp

from ..errors import GameError

__all__ = ["FUNCTIONS", "MAX_EXPONENT", "MAX_LENGTH", "as_expression", "parse_expression"]

#: Longest expression text accepted.
MAX_LENGTH: int = 2000
#: Deepest nesting of the expression tree accepted.
_MAX_DEPTH: int = 60
#: Largest absolute value of a numeric exponent (``(a + b)**100000`` would stall
#: the symbolic simplification; ``2**10**10`` would stall the parser itself).
MAX_EXPONENT: int = 100
#: Largest number of decimal digits of a power of two numbers (``10**400``): far
#: beyond float64 already, and cheap to compute.
_MAX_POWER_DIGITS: int = 400

#: The functions an expression may call.
FUNCTIONS: dict[str, Any] = {
    "Max": sp.Max, "max": sp.Max, "Min": sp.Min, "min": sp.Min, "Abs": sp.Abs, "abs": sp.Abs,
    "sqrt": sp.sqrt, "exp": sp.exp, "log": sp.log,
}  # fmt: skip

_BINARY = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
}
_UNARY = {ast.UAdd: lambda a: a, ast.USub: lambda a: -a}


def _power(base: sp.Expr, exponent: sp.Expr) -> sp.Expr:
    """``base**exponent``, refused where computing it would be unreasonably costly."""
    if exponent.is_number:
        size = sp.Abs(exponent)
        if (size > MAX_EXPONENT) == sp.true:
            raise ValueError(f"the exponent {exponent} exceeds {MAX_EXPONENT} in absolute value")
        if base.is_number and base != 0:
            digits = sp.Abs(exponent * sp.log(sp.Abs(base), 10)).evalf(5)
            if digits.is_number and digits > _MAX_POWER_DIGITS:
                raise ValueError(
                    f"{base}**{exponent} has more than {_MAX_POWER_DIGITS} digits"
                )
    return base**exponent


def _convert(node: ast.AST, symbols: Mapping[str, sp.Symbol], depth: int) -> sp.Expr:
    if depth > _MAX_DEPTH:
        raise ValueError(f"nested more than {_MAX_DEPTH} levels deep")
    if isinstance(node, ast.Expression):
        return _convert(node.body, symbols, depth + 1)
    if isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"{value!r} is not a number")
        return sp.Integer(value) if isinstance(value, int) else sp.Rational(repr(value))
    if isinstance(node, ast.Name):
        if node.id not in symbols:
            known = ", ".join(sorted(symbols)) or "none"
            raise ValueError(f"{node.id!r} is not a declared parameter (declared: {known})")
        return symbols[node.id]
    if isinstance(node, ast.BinOp) and type(node.op) in (*_BINARY, ast.Pow):
        left = _convert(node.left, symbols, depth + 1)
        right = _convert(node.right, symbols, depth + 1)
        if isinstance(node.op, ast.Pow):
            return _power(left, right)
        if isinstance(node.op, ast.Div) and right == 0:
            raise ValueError("divides by zero")
        return _BINARY[type(node.op)](left, right)
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        return _UNARY[type(node.op)](_convert(node.operand, symbols, depth + 1))
    if isinstance(node, ast.Call):
        name = node.func.id if isinstance(node.func, ast.Name) else None
        if name not in FUNCTIONS:
            shown = name or type(node.func).__name__
            raise ValueError(
                f"a call of {shown} is not allowed (allowed: {', '.join(sorted(FUNCTIONS))})"
            )
        if node.keywords or not node.args:
            raise ValueError(f"{name} takes positional arguments only")
        return FUNCTIONS[name](*(_convert(a, symbols, depth + 1) for a in node.args))
    raise ValueError(
        f"{type(node).__name__} is not allowed (numbers, parameters, + - * / **, "
        "parentheses and the functions " + ", ".join(sorted(FUNCTIONS)) + ")"
    )


def parse_expression(text: str, symbols: Mapping[str, sp.Symbol], where: str = "") -> sp.Expr:
    """Parse ``text`` into a sympy expression in ``symbols``.

    Parameters
    ----------
    text : str
        The expression.
    symbols : mapping
        The names an expression may use, and their sympy symbols.
    where : str, optional
        What the expression is (named in error messages).

    Raises
    ------
    GameError
        If the text is too long, not an expression, or uses anything beyond
        the whitelist (the message says what, and where).
    """
    label = f"{where}: " if where else ""
    if len(text) > MAX_LENGTH:
        raise GameError(f"{label}expression longer than {MAX_LENGTH} characters")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError:
        raise GameError(f"{label}{text!r} is not an expression") from None
    try:
        result = sp.sympify(_convert(tree, symbols, 0))  # sympify of a sympy object: no parsing
    except (ValueError, TypeError, RecursionError) as exc:
        raise GameError(f"{label}expression {text!r}: {exc}") from None
    _check_real(result, f"{label}expression {text!r}")
    return result


def _check_real(expr: sp.Expr, label: str) -> None:
    """Refuse an expression that is not finite (``log(0)``) or not real (``sqrt(-1)``)."""
    if expr.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
        raise GameError(f"{label}: {expr} is not finite")
    if expr.has(sp.I) or (expr.is_number and expr.is_real is False):
        raise GameError(f"{label}: {expr} is not a real number")


def as_expression(value: Any, symbols: Mapping[str, sp.Symbol], where: str = "") -> sp.Expr:
    """A payoff or probability as a sympy expression in ``symbols``.

    ``value`` may be a number (int, float, :class:`fractions.Fraction`), a
    string (:func:`parse_expression`) or a sympy expression whose free
    symbols are named like declared parameters (they are replaced by the
    game's symbols, so that assumptions agree).

    Raises
    ------
    GameError
        On anything else, or on a name that is not declared.
    """
    label = f"{where}: " if where else ""
    if isinstance(value, str):
        return parse_expression(value, symbols, where)
    if isinstance(value, bool):
        raise GameError(f"{label}{value!r} is not a number or an expression")
    if isinstance(value, int):
        return sp.Integer(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise GameError(f"{label}{value!r} is not a finite number")
        return sp.Rational(repr(value))
    if hasattr(value, "numerator") and hasattr(value, "denominator"):  # Fraction and the like
        return sp.Rational(int(value.numerator), int(value.denominator))
    if isinstance(value, sp.Basic):
        if not isinstance(value, sp.Expr):
            raise GameError(f"{label}{value!r} is not an expression")
        unknown = sorted(str(s) for s in value.free_symbols if str(s) not in symbols)
        if unknown:
            known = ", ".join(sorted(symbols)) or "none"
            raise GameError(
                f"{label}{', '.join(unknown)} not declared as parameter(s) (declared: {known})"
            )
        _check_real(value, label.removesuffix(": ") or "expression")
        return value.xreplace({s: symbols[str(s)] for s in value.free_symbols})
    raise GameError(f"{label}{value!r} ({type(value).__name__}) is not a number or an expression")
