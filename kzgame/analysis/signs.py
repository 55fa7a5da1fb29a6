"""Signs of expressions on a game's parameter domains, decided symbolically.

:func:`sign` answers "is this expression positive (or zero, or negative)
everywhere on the domains of the game's parameters?" with a proof or with
``None``; it never guesses.  The domains are built into sympy's assumptions
by substitutions (:func:`domain_map`):

* each derived quantity of the game (the period game's stakes Delta_R,
  Delta_E) replaces the parameter it eliminates, and becomes a symbol of its
  own, carrying a sign where one is *assumed* (``assume``);
* each parameter on a bounded interval [lo, hi] becomes lo + (hi - lo) a / (a + b)
  with a, b >= 0 (> 0 at an open end), which reaches every point of the
  interval; parameters on [0, inf) or (0, inf) carry the sympy assumption
  already.

A polynomial whose coefficients have one sign in non-negative symbols is
then of that sign; it is strictly so unless every monomial can vanish
(:func:`never_zero`).  Products are decided factor by factor.

Examples
--------
>>> from kzgame.games import period
>>> from kzgame.game.registry import REGISTRY
>>> q, beta = REGISTRY["survival"].symbol, REGISTRY["power"].symbol
>>> sign(q * (1 - beta), game=period("nash"))     # q(1 - beta) >= 0, zero at q = 0
(1, False)
>>> sign(beta * (1 - beta), game=period("nash"))  # beta lies in (0, 1)
(1, True)
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import cache

import sympy as sp

from ..errors import KzgameError
from ..game.tree import Game

__all__ = [
    "ASSUMPTION_SIGNS",
    "assumption_condition",
    "basic_sign",
    "domain_map",
    "never_zero",
    "normalize_assume",
    "sign",
]

#: The signs ``assume`` may give a derived quantity (the stakes).
ASSUMPTION_SIGNS: tuple[str, ...] = ("positive", "negative", "nonnegative", "nonpositive")

#: Sign assumptions as a sorted tuple of ``(derived quantity, sign)`` pairs (hashable).
Assumptions = tuple[tuple[str, str], ...]


def _default_game() -> Game:
    from ..games.period_game import period

    return period("nash")


def normalize_assume(
    assume: Mapping[str, str] | Assumptions | None, game: Game | None = None
) -> Assumptions:
    """``assume`` as a sorted tuple of (derived quantity, sign) pairs, validated.

    Raises
    ------
    KzgameError
        If a name is not a derived quantity of the game (for the period
        game: ``stake_r``, ``stake_e``) or a sign is not one of
        :data:`ASSUMPTION_SIGNS`.

    Examples
    --------
    >>> normalize_assume({"stake_r": "positive"})
    (('stake_r', 'positive'),)
    """
    if assume is None:
        return ()
    game = game if game is not None else _default_game()
    known = tuple(game.derived)
    shown = "/".join(repr(k) for k in known) or "(none: the game declares no derived quantity)"
    try:
        pairs = [(k, v) for k, v in (assume.items() if isinstance(assume, Mapping) else assume)]
    except (TypeError, ValueError):
        raise KzgameError(f"assume must map {shown} to a sign, got {assume!r}") from None
    out = {}
    for name, value in pairs:
        if name not in known:
            raise KzgameError(
                f"assume: unknown quantity {name!r}; only {' and '.join(map(repr, known))} "
                "can be assumed"
                if known
                else f"assume: unknown quantity {name!r}; the game declares no derived quantity"
            )
        if value not in ASSUMPTION_SIGNS:
            raise KzgameError(
                f"assume: {name} must be one of {', '.join(ASSUMPTION_SIGNS)}, got {value!r}"
            )
        out[name] = value
    return tuple(sorted(out.items()))


_RELATION = {"positive": sp.Gt, "negative": sp.Lt, "nonnegative": sp.Ge, "nonpositive": sp.Le}


def assumption_condition(assume: Assumptions, game: Game | None = None) -> sp.Boolean:
    """The sign assumptions as a condition on the game's parameters.

    Examples
    --------
    >>> assumption_condition((("stake_e", "positive"),))
    -outside_e + surplus*(1 - share) > 0
    """
    game = game if game is not None else _default_game()
    return sp.And(*(_RELATION[s](game.derived[name].expression, 0) for name, s in assume))


@cache
def domain_map(game: Game, assume: Assumptions) -> tuple[dict, dict, tuple]:
    """Substitutions that build the game's parameter domains into sympy's assumptions.

    Returns ``(first, second, pairs)``: ``first`` writes eliminated
    parameters through the derived quantities and those as (signed) private
    symbols; ``second`` maps each bounded parameter to lo + (hi - lo) a / (a + b);
    ``pairs`` lists the (a, b).
    """
    kinds = dict(assume)
    first: dict = {}
    signed = {}
    for name, d in game.derived.items():
        s = kinds.get(name)
        signed[d.symbol] = sp.Symbol(f"_{name}", real=True, **({s: True} if s else {}))
    for d in game.derived.values():
        first[game.symbols[d.eliminates]] = d.inverse.xreplace(signed)
        first[d.symbol] = signed[d.symbol]
    second = {}
    pairs = []
    for name, p in game.parameters.items():
        dom = p.domain
        if math.isfinite(dom.low) and math.isfinite(dom.high):
            a = sp.Symbol(f"_{name}_a", **{"positive" if dom.low_open else "nonnegative": True})
            b = sp.Symbol(f"_{name}_b", **{"positive" if dom.high_open else "nonnegative": True})
            lo, hi = sp.nsimplify(dom.low), sp.nsimplify(dom.high)
            second[game.symbols[name]] = a / (a + b) if (lo, hi) == (0, 1) else (
                lo + (hi - lo) * a / (a + b))
            pairs.append((a, b))
        elif math.isfinite(dom.low) and dom.low != 0:
            a = sp.Symbol(f"_{name}_a", **{"positive" if dom.low_open else "nonnegative": True})
            second[game.symbols[name]] = sp.nsimplify(dom.low) + a
        elif math.isfinite(dom.high):
            a = sp.Symbol(f"_{name}_a", **{"positive" if dom.high_open else "nonnegative": True})
            second[game.symbols[name]] = sp.nsimplify(dom.high) - a
    return first, second, tuple(pairs)


def basic_sign(e: sp.Expr) -> tuple[int, bool] | None:
    """(sign, strict) of ``e`` from sympy's assumptions, or None if unknown."""
    if e.is_zero:
        return (0, True)
    if e.is_positive:
        return (1, True)
    if e.is_negative:
        return (-1, True)
    if e.is_nonnegative:
        return (1, False)
    if e.is_nonpositive:
        return (-1, False)
    return None


def never_zero(poly: sp.Expr, pairs: tuple) -> bool:
    """Whether a polynomial with coefficients of one sign in non-negative symbols has no zero.

    It vanishes only where each of its monomials has a variable equal to 0.
    The variables a, b of a bounded parameter cannot both be 0 and a positive
    symbol is never 0; any other non-negative symbol can be.  So try every way
    of zeroing one of each pair (together with all the other non-negative
    symbols that may be 0).
    """
    p = sp.Poly(poly, *sorted(poly.free_symbols, key=str))
    gens = p.gens
    coeffs = [c for c in p.coeffs() if c != 0]
    if not gens or not all(g.is_nonnegative for g in gens):
        return False
    if not (all(c > 0 for c in coeffs) or all(c < 0 for c in coeffs)):
        return False
    always_zero = set()
    choices: list[tuple] = []
    for g in gens:
        if g.is_positive:
            continue
        pair = next((ab for ab in pairs if g in ab), None)
        partner = None if pair is None else pair[1 - pair.index(g)]
        if pair is not None and partner is not None and partner in gens \
                and not partner.is_positive:
            if pair not in choices:
                choices.append(pair)
        else:
            always_zero.add(g)
    monoms = p.monoms()
    for pick in range(2 ** len(choices)):
        zero = always_zero | {ab[(pick >> j) & 1] for j, ab in enumerate(choices)}
        if not any(
            all(e == 0 or g not in zero for g, e in zip(gens, m, strict=True)) for m in monoms
        ):
            return False
    return True


def _poly_sign(e: sp.Expr, pairs: tuple, factor: bool = True) -> tuple[int, bool] | None:
    """Sign of a polynomial (in the domain symbols), from its terms or its factors."""
    expanded = sp.expand(e)
    if expanded == 0:
        return (0, True)
    got = basic_sign(expanded)
    if got is not None and not got[1] and never_zero(expanded, pairs):
        got = (got[0], True)
    if (got is not None and got[1]) or not factor:
        return got
    sums = {a + b for a, b in pairs}
    coeff, factors = sp.factor_list(expanded)
    sgn, strict = (1 if coeff > 0 else -1), True
    for base, exp in factors:
        if base in sums:
            fs: tuple[int, bool] | None = (1, True)
        else:
            fs = basic_sign(base)
            if fs is not None and not fs[1] and fs[0] != 0 and never_zero(base, pairs):
                fs = (fs[0], True)
        if exp % 2 == 0:
            fs = (1, fs is not None and fs[1])
        if fs is None:
            return got
        if fs[0] == 0:
            return (0, True)
        sgn *= fs[0]
        strict = strict and fs[1]
    return (sgn, strict)


@cache
def _sign_cached(
    game: Game, expr: sp.Expr, assume: Assumptions, factor: bool
) -> tuple[int, bool] | None:
    first, second, pairs = domain_map(game, assume)
    e = expr.xreplace(first).xreplace(second)
    if not e.is_rational_function():
        return basic_sign(sp.simplify(e))
    num, den = sp.fraction(sp.together(e))
    sn = _poly_sign(num, pairs, factor)
    if sn is None or sn[0] == 0:
        return sn
    sd = _poly_sign(den, pairs)
    if sd is None or sd[0] == 0 or not sd[1]:
        return None
    return (sn[0] * sd[0], sn[1])


def sign(
    expr: sp.Expr, assume: Assumptions = (), factor: bool = True, game: Game | None = None
) -> tuple[int, bool] | None:
    """The sign of ``expr`` on the domains of ``game``'s parameters, as ``(sign, strict)``.

    ``sign`` is -1, 0 or 1: ``(1, True)`` means positive everywhere, ``(1,
    False)`` non-negative, ``(0, True)`` identically zero; None means sympy
    cannot decide (the sign may change).  Decided, never guessed.  With
    ``factor=False`` only the expanded form is examined (faster, for
    expressions already irreducible).

    Parameters
    ----------
    expr : sympy.Expr
        In the game's parameters and derived quantities.
    assume : tuple, optional
        Sign assumptions on derived quantities (:func:`normalize_assume`).
    factor : bool, default True
    game : Game, optional
        Default: the period game (its parameters are the registry's).
    """
    game = game if game is not None else _default_game()
    return _sign_cached(game, sp.sympify(expr), assume, factor)
