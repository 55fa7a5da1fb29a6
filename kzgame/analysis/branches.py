"""Piecewise expressions split into smooth branches: ``Max``, ``Min``, ``Abs``, ``Piecewise``.

A gain with a ``Max`` (the period game's ``outside-option`` protocol) is a
different smooth expression on each side of its kink; the thresholds solve
each branch separately, under the branch's condition.

Examples
--------
>>> import sympy as sp
>>> x, y = sp.symbols("x y", real=True)
>>> branches(sp.Max(0, x) + y)
[(y, 0 >= x), (x + y, x > 0)]
"""

from __future__ import annotations

from collections.abc import Callable

import sympy as sp

__all__ = ["atom_cases", "branches", "pull_out_of_max"]


def atom_cases(atom: sp.Expr) -> list[tuple[sp.Expr, sp.Boolean]]:
    """The branches of one ``Max``/``Min``/``Abs``/``Piecewise``: (value, condition) pairs.

    The conditions partition the space; on a tie the earlier argument's
    branch holds (its relations to later arguments are weak).
    """
    if isinstance(atom, sp.Max | sp.Min):
        args = list(atom.args)
        strict, weak = (sp.Gt, sp.Ge) if isinstance(atom, sp.Max) else (sp.Lt, sp.Le)
        return [
            (u, sp.And(*(strict(u, w) for w in args[:i]), *(weak(u, w) for w in args[i + 1 :])))
            for i, u in enumerate(args)
        ]
    if isinstance(atom, sp.Abs):
        u = atom.args[0]
        return [(u, sp.Ge(u, 0)), (-u, sp.Lt(u, 0))]
    if isinstance(atom, sp.Piecewise):
        cases: list = []
        previous: list = []
        for e, c in atom.args:
            cases.append((e, sp.And(c, *(sp.Not(p) for p in previous))))
            previous.append(c)
        return cases
    raise TypeError(f"not a piecewise atom: {atom!r}")


def branches(expr: sp.Expr) -> list[tuple[sp.Expr, sp.Boolean]]:
    """``expr`` as a list of (smooth expression, condition) pieces, Max/Min/Abs removed."""
    atoms = list(expr.atoms(sp.Max, sp.Min, sp.Abs, sp.Piecewise))
    if not atoms:
        return [(expr, sp.true)]
    # split an innermost atom first
    atom = next(a for a in atoms if not any(b != a and a.has(b) for b in atoms))
    out = []
    for value, cond in atom_cases(atom):
        for e, c in branches(expr.xreplace({atom: value})):
            both = sp.And(cond, c)
            if both is not sp.false:
                out.append((e, both))
    return out


def pull_out_of_max(
    expr: sp.Expr, nonnegative: Callable[[sp.Expr], bool]
) -> sp.Expr:
    """Max(0, c u) = c Max(0, u) for a factor c >= 0 on the domain (Min likewise).

    ``nonnegative(f)`` decides whether a factor is >= 0 everywhere.  Under
    the outside-option protocol Max(0, -q Delta_R) becomes
    q Max(0, -Delta_R): the branch (the sign of Delta_R) then no longer
    depends on q, so a threshold in q at q = 0 is not mistaken for a kink.
    """
    sub = {}
    for atom in expr.atoms(sp.Max, sp.Min):
        if len(atom.args) != 2 or 0 not in atom.args:
            continue
        u = atom.args[1] if atom.args[0] == 0 else atom.args[0]
        _, factors = sp.factor_list(u)
        pulled = [f**k for f, k in factors if nonnegative(f)]
        if pulled:
            c = sp.Mul(*pulled)
            sub[atom] = c * atom.func(0, sp.cancel(u / c))
    return expr.xreplace(sub) if sub else expr
