"""Which printed values cannot overflow: interval arithmetic on a game's gains.

A compiled kernel must refuse a point where a gain or a value at a chance
node is not finite (an overflow, a division by zero).  Testing every value at
every point costs as much as computing it.  For most games the test can be
proved unnecessary: a gain that is a polynomial in the parameters (sums,
products, integer powers, ``Max``/``Min``, division by a positive constant)
is finite wherever every parameter is finite and at most some *guard* ``G``
in magnitude.  This module computes, with interval arithmetic on the sympy
expressions a game's gains are printed from, a magnitude bound for each
value when every parameter lies in its domain intersected with ``[-G, G]``;
a value whose bound is below :data:`LIMIT` is finite there, whatever the
order in which the printed code adds its terms (the bound leaves a margin
of 2^24 for rounding).  The kernel then tests ``|x| <= G`` once per
parameter instead of every value, and a point beyond the guard is sent to
the kernel that tests everything (:mod:`kzgame.numeric.kernels`): the
results are identical, only the cost changes.

A probability is proved to lie in ``[0, 1]`` without a test only when its
printed form is exact: a parameter whose domain is inside ``[0, 1]``, or one
floating-point operation on such operands (``1 - q``) whose interval,
evaluated with the same correctly rounded operation, is inside ``[0, 1]``
(rounding is monotone, so the endpoints bound every result).

Examples
--------
>>> import sympy as sp
>>> a, q = sp.symbols("a q")
>>> domains = {"a": (-math.inf, math.inf), "q": (0.0, 1.0)}
>>> b = magnitude_bounds([("g", 3 * a - 2), ("h", 1 / a)], domains, 2.0**64)
>>> b["g"] == 3 * 2.0**64 + 2, "h" in b
(True, False)
>>> unit_interval(1 - q, domains), unit_interval(2 * q, domains)
(True, False)
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["GUARDS", "LIMIT", "choose_guard", "magnitude_bounds", "unit_interval"]

#: A value whose magnitude bound is below this is finite (2^24 below overflow).
LIMIT: float = 2.0**1000

#: The guards tried, largest first: the largest that proves as much as the smallest is used.
GUARDS: tuple[float, ...] = (2.0**256, 2.0**128, 2.0**64, 2.0**32)

Interval = tuple[float, float]


def _magnitude(x: Interval) -> float:
    return max(abs(x[0]), abs(x[1]))


def _mul(x: Interval, y: Interval) -> Interval | None:
    corners = [x[0] * y[0], x[0] * y[1], x[1] * y[0], x[1] * y[1]]
    if any(math.isnan(c) for c in corners):  # 0 * inf: no bound
        return None
    return min(corners), max(corners)


def _pow(x: Interval, n: int) -> Interval | None:
    out: Interval | None = (1.0, 1.0)
    for _ in range(n):
        if out is None:
            return None
        out = _mul(out, x)
    if out is not None and n % 2 == 0:  # an even power is never negative
        return max(0.0, out[0]), out[1]
    return out


def _interval(expr: Any, env: Mapping[str, Interval | None]) -> Interval | None:
    """An interval holding ``expr`` over ``env`` (symbol name -> interval), or None if unbounded.

    Symbols are looked up by name (a game's symbols carry assumptions).
    """
    import sympy as sp

    if expr.is_Number:
        if not expr.is_finite:
            return None
        v = float(expr)
        return v, v
    if expr.is_Symbol:
        return env.get(str(expr))
    args = [_interval(a, env) for a in expr.args]
    if any(a is None for a in args):
        return None
    if isinstance(expr, sp.Add):
        # Any partial sum, in any order, is at most the sum of the magnitudes.
        if math.fsum(_magnitude(a) for a in args) >= LIMIT:  # type: ignore[arg-type]
            return None
        lo = math.fsum(a[0] for a in args)  # type: ignore[index]
        hi = math.fsum(a[1] for a in args)  # type: ignore[index]
        return lo, hi
    if isinstance(expr, sp.Mul):
        # Any partial product is at most the product of the magnitudes that exceed 1.
        if math.prod(max(1.0, _magnitude(a)) for a in args) >= LIMIT:  # type: ignore[arg-type]
            return None
        out: Interval | None = (1.0, 1.0)
        for a in args:
            out = _mul(out, a) if out is not None else None  # type: ignore[arg-type]
        return out
    if isinstance(expr, sp.Pow):
        base, exp = args[0], expr.args[1]
        if exp.is_Integer and int(exp) >= 0:
            if int(exp) * math.log2(max(1.0, _magnitude(base))) >= 1000:  # type: ignore[arg-type]
                return None
            return _pow(base, int(exp))  # type: ignore[arg-type]
        if exp.is_Integer and int(exp) == -1 and base[0] > 0:  # type: ignore[index]
            return 1.0 / base[1], 1.0 / base[0]  # type: ignore[index]
        return None
    if isinstance(expr, sp.Max):
        return max(a[0] for a in args), max(a[1] for a in args)  # type: ignore[index]
    if isinstance(expr, sp.Min):
        return min(a[0] for a in args), min(a[1] for a in args)  # type: ignore[index]
    return None  # exp, log, sqrt, division by a parameter, ...: no bound claimed


def magnitude_bounds(
    assignments: Sequence[tuple[str, Any]],
    domains: Mapping[str, tuple[float, float]],
    guard: float,
) -> dict[str, float]:
    """Magnitude bounds of assigned values, each parameter in its domain and ``[-guard, guard]``.

    Parameters
    ----------
    assignments : sequence of (str, sympy.Expr)
        Assignments in the order the printed code runs them; an expression
        may use the parameters and earlier names.
    domains : mapping of str to (float, float)
        Each parameter's domain (its closure; infinite ends allowed).
    guard : float
        The magnitude every parameter is assumed not to exceed.

    Returns
    -------
    dict of str to float
        The names whose bound is below :data:`LIMIT`, with their bound.
    """
    env: dict[str, Interval | None] = {
        k: (max(lo, -guard), min(hi, guard)) for k, (lo, hi) in domains.items()
    }
    out: dict[str, float] = {}
    for name, expr in assignments:
        iv = _interval(expr, env)
        if iv is not None and max(abs(iv[0]), abs(iv[1])) < LIMIT:
            env[name] = iv
            out[name] = max(abs(iv[0]), abs(iv[1]))
        else:
            env[name] = None
    return out


def choose_guard(
    assignments: Sequence[tuple[str, Any]],
    domains: Mapping[str, tuple[float, float]],
    names: Sequence[str],
) -> tuple[float, dict[str, float]]:
    """The largest guard of :data:`GUARDS` that bounds as many of ``names`` as the smallest.

    Returns the guard and the bounds of ``names`` under it (empty, with an
    infinite guard, if no name is bounded).
    """
    wanted = set(names)
    smallest = magnitude_bounds(assignments, domains, GUARDS[-1])
    target = len(wanted & set(smallest))
    if target == 0:
        return math.inf, {}
    for g in GUARDS:
        b = magnitude_bounds(assignments, domains, g)
        if len(wanted & set(b)) == target:
            return g, {k: v for k, v in b.items() if k in wanted}
    raise AssertionError("unreachable: the smallest guard always qualifies")  # pragma: no cover


def unit_interval(expr: Any, domains: Mapping[str, tuple[float, float]]) -> bool:
    """Whether the printed ``expr`` lies in [0, 1] wherever its parameters are in their domains.

    Proved only for a parameter, or one operation (a sum or product of two
    parameters or numbers, or a negation), evaluated exactly as the printed
    code does; anything else is not claimed (and is tested by the kernel).
    """
    import sympy as sp

    def leaf(e: Any) -> Interval | None:
        if e.is_Number and e.is_finite:
            return float(e), float(e)
        if e.is_Symbol and str(e) in domains:
            return domains[str(e)]
        if isinstance(e, sp.Mul) and len(e.args) == 2 and e.args[0] == -1:  # -x is exact
            x = leaf(e.args[1])
            return None if x is None else (-x[1], -x[0])
        return None

    iv = leaf(expr)
    if iv is None and isinstance(expr, (sp.Add, sp.Mul)) and len(expr.args) == 2:
        a, b = (leaf(x) for x in expr.args)
        if a is not None and b is not None:
            if isinstance(expr, sp.Add):
                iv = a[0] + b[0], a[1] + b[1]
            else:
                iv = _mul(a, b)
    return iv is not None and 0.0 <= iv[0] and iv[1] <= 1.0
