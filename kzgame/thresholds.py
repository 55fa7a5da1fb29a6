"""Thresholds between R's strategies, and the region where each strategy is chosen.

Every result here is derived from :func:`kzgame.model.gains`, the one
definition of the game; no payoff formula is typed again.

Boundaries
----------
R compares its gains relative to accept, G_A = 0, G_I, G_H (a hold-up E
concedes to) and G_X (MODEL.md).  The boundary between two strategies ``a``
and ``b`` is the equation G_a = G_b; the boundary of E's concession is
u_E(H, concede) = u_E(H, refuse).  :data:`BOUNDARIES` lists the seven
boundaries.  For every parameter ``x`` the difference D = G_a - G_b is
affine in ``x`` (after clearing a denominator of constant sign, as in the
``rubinstein`` protocol), on each branch of a ``Max`` (the ``outside-option``
protocol), so the boundary solved for ``x`` is, branch by branch,

    x* = -B / A    where D = A x + B  (A, B free of x),

and it exists where A != 0.  Where A = 0 the comparison does not depend on
``x`` at all (one side wins, or they tie, whatever ``x`` is): the threshold's
:attr:`~Threshold.expr` is ``nan`` there.  This is how the zero coefficients
are decided:

* ``q = 0`` (the regime is sure to collapse unless R invests): a hold-up or
  exit gains nothing relative to accept, so no value of iota, beta, o_E ...
  moves those comparisons; the thresholds in those parameters are ``nan``.
* ``Delta_E = 0`` (E does not need the regime): iota drops out of G_H, so
  there is no iota*.
* ``beta -> 1``: ``nash`` tends to ``ultimatum``; E's concession margin
  q(1 - beta)(Delta_R + iota Delta_E) vanishes, so E is indifferent and, by the
  tie rule, concedes; the ``ultimatum`` protocol has no concession boundary.
  (beta itself lies in the open interval (0, 1), so the factor beta of A is
  never 0; a root beta* = 1 lies outside the domain.)
* A factor common to A and B (q in q(1 - beta)(Delta_R + iota Delta_E), say)
  makes D identically 0 where it vanishes: no threshold there either.

Factors of A that cannot vanish on the domain (beta, 1 - beta, 1 - delta_R
delta_E, ...) are decided symbolically and left out of the conditions; the
others appear as ``Ne(factor, 0)`` (written with the stakes where the solved
parameter allows, so Delta_E = 0 exactly is seen as 0).

Kinks.  Under the ``outside-option`` protocol D can be identically 0 on one
side of the kink of its ``Max`` (with h = 0 a hold-up ties accept whenever
Delta_R >= 0 and beats it when Delta_R < 0).  The switch is then at the kink
itself, where the tie rule's winner on the tied side meets the other
branch's winner; such a kink is one more piece of the threshold.

Which side is which: where ``A`` (times the sign of the cleared denominator),
:attr:`Threshold.direction`, is positive, ``between[0]`` wins for ``x > x*``
and ``between[1]`` for ``x < x*``; where it is negative, the reverse.  When
that sign is the same on the whole domain (possibly given the sign
assumptions ``assume`` on the stakes), :attr:`Threshold.above` and
:attr:`Threshold.below` name the winners; otherwise they are ``None`` and
:meth:`Threshold.sides` gives them point by point.  At ``x = x*`` itself the
two tie and the tie rule of :class:`kzgame.Strategy` decides.

A boundary between two strategies is a switch of R's choice only where those
two are R's best options (and, for a hold-up, where E concedes);
:func:`region` gives the exact set where each strategy is chosen.

The tolerance band
------------------
Symbolic expressions evaluated in floating point and the classifier
:func:`kzgame.classify` round differently, so within a few ulps of a
boundary they may disagree.  :func:`near_boundary` marks the points within
``tol * scale`` (``tol`` = :data:`BAND` = 1e-9 by default; ``scale`` = 1 + V
+ |o_R| + |o_E| + c + h, the size of the payoffs) of a switch: where R's best
and second-best available gains are that close, or where E's concession
margin is that close to 0 and a hold-up is R's best reply.  Outside the band
the two agree exactly; inside it, a tie (or near-tie) is decided by the tie
rule (``classify(..., atol=...)``).

Examples
--------
>>> import kzgame
>>> t = kzgame.threshold("indispensability", between=("hold-up", "accept"))
>>> t.in_stakes.args[0]     # iota* and where it exists
((holdup_cost - power*stake_r*survival + stake_r*survival)/(power*stake_e*survival),
 Ne(stake_e, 0) & Ne(survival, 0))
>>> print(t.latex_stakes)
\\begin{cases} \\frac{h - \\beta \\Delta_{R} q + \\Delta_{R} q}{\\beta \\Delta_{E} q} & ...
>>> t.func(share=0.5, outside_r=0.3, outside_e=0.0, survival=0.8)
array(0.4)
>>> t.above, t.below      # which side is which depends on the sign of Delta_E
(None, None)
>>> kzgame.threshold("indispensability", assume={"stake_e": "positive"}).above
'hold-up'
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any

import numpy as np
import sympy as sp

from .classify import DEFAULTS, check_names, prepare
from .model import SYMBOLS, Delta_E, Delta_R, gains, get_protocol
from .model import latex as _latex
from .numeric import period_gains as kernels
from .params import DOMAINS, PARAMETERS, KzgameError, ParameterError, check_parameter
from .strategy import Strategy

__all__ = [
    "ASSUMPTION_SIGNS",
    "BAND",
    "BOUNDARIES",
    "CONCESSION",
    "STRATEGIES",
    "Region",
    "Threshold",
    "near_boundary",
    "region",
    "threshold",
    "all_thresholds",
]

#: R's strategies, in the tie order (accept, invest, hold-up, exit).
STRATEGIES: tuple[str, ...] = tuple(s.value for s in Strategy)
#: E's replies to a hold-up: the two sides of the concession boundary.
CONCESSION: tuple[str, str] = ("concede", "refuse")
#: The boundaries :func:`all_thresholds` derives: six pairs of R's strategies and E's concession.
BOUNDARIES: tuple[tuple[str, str], ...] = (
    ("invest", "accept"),
    ("hold-up", "accept"),
    ("hold-up", "invest"),
    ("exit", "hold-up"),
    ("exit", "accept"),
    ("exit", "invest"),
    CONCESSION,
)
#: Default half-width of the tolerance band around boundaries (relative to the payoff scale).
BAND: float = 1e-9
#: The signs :func:`threshold`'s ``assume`` may give the stakes.
ASSUMPTION_SIGNS: tuple[str, ...] = ("positive", "negative", "nonnegative", "nonpositive")

_STAKE_PARAMETERS = frozenset({"share", "surplus", "outside_r", "outside_e"})
_NAN = sp.nan

# ---------------------------------------------------------------------------
# Signs on the parameter domains
# ---------------------------------------------------------------------------

Assumptions = tuple[tuple[str, str], ...]


def _normalize_assume(assume: Mapping[str, str] | Assumptions | None) -> Assumptions:
    """``assume`` as a sorted tuple of (stake, sign) pairs, validated."""
    if assume is None:
        return ()
    items = assume.items() if isinstance(assume, Mapping) else assume
    out = {}
    try:
        pairs = [(k, v) for k, v in items]
    except (TypeError, ValueError):
        raise KzgameError(
            f"assume must map 'stake_r'/'stake_e' to a sign, got {assume!r}"
        ) from None
    for name, sign in pairs:
        if name not in ("stake_r", "stake_e"):
            raise KzgameError(
                f"assume: unknown quantity {name!r}; only 'stake_r' and 'stake_e' can be assumed"
            )
        if sign not in ASSUMPTION_SIGNS:
            raise KzgameError(
                f"assume: {name} must be one of {', '.join(ASSUMPTION_SIGNS)}, got {sign!r}"
            )
        out[name] = sign
    return tuple(sorted(out.items()))


def _assumption_condition(assume: Assumptions) -> sp.Boolean:
    """The sign assumptions on the stakes as a condition in the Period symbols."""
    rel = {"positive": sp.Gt, "negative": sp.Lt, "nonnegative": sp.Ge, "nonpositive": sp.Le}
    stake = {"stake_r": Delta_R, "stake_e": Delta_E}
    return sp.And(*(rel[sign](_period(stake[name]), 0) for name, sign in assume))


@cache
def _domain_map(assume: Assumptions) -> tuple[dict, dict, tuple]:
    """Substitutions that build the parameter domains into sympy's assumptions.

    o_R, o_E are replaced by the stakes (a bijection for fixed s, V), the stakes
    by symbols carrying the assumed signs, and each parameter x with domain in
    [0, 1] by a / (a + b) with a, b >= 0 (> 0 at an open end): every point of
    the closed interval is reached, and 1 - x = b / (a + b).  Returns the two
    substitutions and the pairs (a, b).
    """
    kinds = dict(assume)
    stakes = {}
    for name, sym in (("stake_r", Delta_R), ("stake_e", Delta_E)):
        sign = kinds.get(name)
        stakes[sym] = sp.Symbol(f"_{name}", real=True, **({sign: True} if sign else {}))
    s, V = SYMBOLS["share"], SYMBOLS["surplus"]
    first = {
        SYMBOLS["outside_r"]: s * V - stakes[Delta_R],
        SYMBOLS["outside_e"]: (1 - s) * V - stakes[Delta_E],
        Delta_R: stakes[Delta_R],
        Delta_E: stakes[Delta_E],
    }
    second = {}
    pairs = []
    for name, dom in DOMAINS.items():
        if dom.low == 0.0 and dom.high == 1.0:
            a = sp.Symbol(f"_{name}_a", **{"positive" if dom.low_open else "nonnegative": True})
            b = sp.Symbol(f"_{name}_b", **{"positive" if dom.high_open else "nonnegative": True})
            second[SYMBOLS[name]] = a / (a + b)
            pairs.append((a, b))
    return first, second, tuple(pairs)


def _basic_sign(e: sp.Expr) -> tuple[int, bool] | None:
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


def _never_zero(poly: sp.Expr, pairs: tuple) -> bool:
    """Whether a polynomial with coefficients of one sign in non-negative symbols has no zero.

    It vanishes only where each of its monomials has a variable equal to 0.
    The variables a, b of a [0, 1] parameter cannot both be 0 and a positive
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
    choices = []
    for g in gens:
        if g.is_positive:
            continue
        pair = next((ab for ab in pairs if g in ab), None)
        partner = None if pair is None else pair[1 - pair.index(g)]
        if partner is not None and partner in gens and not partner.is_positive:
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
    got = _basic_sign(expanded)
    if got is not None and not got[1] and _never_zero(expanded, pairs):
        got = (got[0], True)
    if (got is not None and got[1]) or not factor:
        return got
    sums = {a + b for a, b in pairs}
    coeff, factors = sp.factor_list(expanded)
    sign, strict = (1 if coeff > 0 else -1), True
    for base, exp in factors:
        if base in sums:
            fs = (1, True)
        else:
            fs = _basic_sign(base)
            if fs is not None and not fs[1] and fs[0] != 0 and _never_zero(base, pairs):
                fs = (fs[0], True)
        if exp % 2 == 0:
            fs = (1, fs is not None and fs[1])
        if fs is None:
            return got
        if fs[0] == 0:
            return (0, True)
        sign *= fs[0]
        strict = strict and fs[1]
    return (sign, strict)


@cache
def _sign_cached(expr: sp.Expr, assume: Assumptions, factor: bool) -> tuple[int, bool] | None:
    first, second, pairs = _domain_map(assume)
    e = expr.xreplace(first).xreplace(second)
    num, den = sp.fraction(sp.together(e))
    sn = _poly_sign(num, pairs, factor)
    if sn is None or sn[0] == 0:
        return sn
    sd = _poly_sign(den, pairs)
    if sd is None or sd[0] == 0 or not sd[1]:
        return None
    return (sn[0] * sd[0], sn[1])


def _sign(
    expr: sp.Expr, assume: Assumptions = (), factor: bool = True
) -> tuple[int, bool] | None:
    """The sign of ``expr`` on the parameter domains, as ``(sign, strict)``.

    ``sign`` is -1, 0 or 1: ``(1, True)`` means positive everywhere, ``(1,
    False)`` non-negative, ``(0, True)`` identically zero; None means sympy
    cannot decide (the sign may change).  Decided, never guessed.  With
    ``factor=False`` only the expanded form is examined (faster, for
    expressions already irreducible).
    """
    return _sign_cached(sp.sympify(expr), assume, factor)


# ---------------------------------------------------------------------------
# Branches of piecewise gains (the outside-option protocol's Max)
# ---------------------------------------------------------------------------


def _atom_cases(atom: sp.Expr) -> list[tuple[sp.Expr, sp.Boolean]]:
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
        cases, previous = [], []
        for e, c in atom.args:
            cases.append((e, sp.And(c, *(sp.Not(p) for p in previous))))
            previous.append(c)
        return cases
    raise AssertionError(atom)  # pragma: no cover


def _branches(expr: sp.Expr) -> list[tuple[sp.Expr, sp.Boolean]]:
    """``expr`` as a list of (smooth expression, condition) pieces, Max/Min/Abs removed."""
    atoms = [a for a in expr.atoms(sp.Max, sp.Min, sp.Abs, sp.Piecewise)]
    if not atoms:
        return [(expr, sp.true)]
    # split an innermost atom first
    atom = next(
        a for a in atoms if not any(b != a and a.has(b) for b in atoms)
    )
    out = []
    for value, cond in _atom_cases(atom):
        for e, c in _branches(expr.xreplace({atom: value})):
            both = sp.And(cond, c)
            if both is not sp.false:
                out.append((e, both))
    return out


# ---------------------------------------------------------------------------
# Thresholds
# ---------------------------------------------------------------------------


def _pull_out_of_max(expr: sp.Expr, assume: Assumptions) -> sp.Expr:
    """Max(0, c u) = c Max(0, u) for a factor c >= 0 on the domain (Min likewise).

    Under the outside-option protocol Max(0, -q Delta_R) becomes
    q Max(0, -Delta_R): the branch (the sign of Delta_R) then no longer
    depends on q, so a threshold in q at q = 0 is not mistaken for a kink.
    """
    sub = {}
    for atom in expr.atoms(sp.Max, sp.Min):
        if len(atom.args) != 2 or 0 not in atom.args:
            continue
        u = atom.args[1] if atom.args[0] == 0 else atom.args[0]
        coeff, factors = sp.factor_list(u)
        pulled = [f**k for f, k in factors
                  if (fs := _sign(f, assume, factor=False)) is not None and fs[0] == 1]
        if pulled:
            c = sp.Mul(*pulled)
            sub[atom] = c * atom.func(0, sp.cancel(u / c))
    return expr.xreplace(sub) if sub else expr


def _validate_between(between: Iterable[str]) -> tuple[str, str]:
    try:
        a, b = between
    except (TypeError, ValueError):
        raise KzgameError(f"between must be a pair of strategies, got {between!r}") from None
    pair = (str(a), str(b))
    ok = (pair[0] in STRATEGIES and pair[1] in STRATEGIES and pair[0] != pair[1]) or set(
        pair
    ) == set(CONCESSION)
    if not ok:
        raise KzgameError(
            f"between = {between!r}: give two different strategies of "
            f"{', '.join(STRATEGIES)}, or E's replies ('concede', 'refuse')"
        )
    return pair


def _validate_parameter(parameter: str, protocol: str) -> None:
    if parameter not in PARAMETERS:
        raise ParameterError(
            f"unknown parameter {parameter!r}; known parameters: {', '.join(PARAMETERS)}"
        )
    used = get_protocol(protocol).parameters
    if parameter not in used:
        raise KzgameError(
            f"the {protocol!r} protocol does not depend on {parameter}; "
            f"its parameters are {', '.join(used)}"
        )


@cache
def _gain(protocol: str, name: str) -> sp.Expr:
    """R's gain of strategy ``name`` relative to accept (in the stakes); E's margin for concede."""
    g = gains(protocol)
    return {
        "accept": sp.Integer(0),
        "invest": g["invest"],
        "hold-up": g["hold-up"],
        "exit": g["exit"],
        "concede": g["concession-margin"],
        "refuse": sp.Integer(0),
    }[name]


@dataclass(frozen=True)
class _Piece:
    root: sp.Expr  # x*, in the symbols D was written in (stakes if possible)
    condition: sp.Boolean  # where this piece's root is the boundary (same symbols)
    direction: sp.Expr  # has the sign of dD/dx at the root
    slope: sp.Expr  # A: the coefficient of x in the cleared numerator
    offset: sp.Expr  # B: the rest of the numerator
    sign: int | None  # sign of direction on the domain where the piece exists


_TO_PERIOD = {
    Delta_R: SYMBOLS["share"] * SYMBOLS["surplus"] - SYMBOLS["outside_r"],
    Delta_E: (1 - SYMBOLS["share"]) * SYMBOLS["surplus"] - SYMBOLS["outside_e"],
}


def _period(expr: sp.Basic) -> sp.Basic:
    """Replace the stakes by their definitions (a fast :func:`kzgame.model.from_stakes`)."""
    return expr.xreplace(_TO_PERIOD)


@cache
def _branch_factors(
    protocol: str, between: tuple[str, str], period_form: bool, assume: Assumptions
):
    """G_a - G_b by branch: (constant, [(factor, multiplicity)], condition, sign of denominator).

    The numerator is factored once, in the stakes; for each parameter the
    factors free of it are common to the slope A and the offset B.  The
    Period-form version (for s, V, o_R, o_E) maps each factor through the
    definitions of the stakes.
    """
    if period_form:
        out = []
        for coeff, factors, cond, den_sign, num in _branch_factors(
            protocol, between, False, assume
        ):
            mapped = tuple((sp.expand(_period(f)), k) for f, k in factors)
            out.append((coeff, mapped, _period(cond), den_sign, sp.expand(_period(num))))
        return tuple(out)
    diff = _gain(protocol, between[0]) - _gain(protocol, between[1])
    out = []
    for branch, cond in _branches(_pull_out_of_max(diff, assume)):
        num, den = sp.fraction(sp.together(branch))
        den_sign = _sign(den, assume)
        if den_sign is None or den_sign[0] == 0 or not den_sign[1]:  # pragma: no cover
            raise KzgameError(f"cannot decide the sign of the denominator {den}")
        num = sp.expand(num)
        coeff, factors = sp.factor_list(num)
        out.append((coeff, tuple(factors), cond, den_sign[0], num))
    return tuple(out)


def _restake(e: sp.Expr, parameter: str) -> sp.Expr:
    """Write a condition's expression with the stakes that do not contain ``parameter``.

    Conditions such as Delta_E != 0 are then evaluated as the classifier
    evaluates them ((1 - s) V - o_E, not an expanded form), so a calibration
    with Delta_E = 0 exactly is seen as exactly 0 by both.
    """
    # other parameters' conditions are written in the stakes already
    sub = _stake_substitution(parameter) if parameter in _STAKE_PARAMETERS else {}
    if not sub:
        return e
    return sp.factor(sp.expand(e.xreplace(sub)))


def _never_zero_on_domain(e: sp.Expr, assume: Assumptions) -> bool:
    """True if ``e`` is provably non-zero on the domain (quick test; False if undecided)."""
    if e == 0:
        return False
    got = _sign(e, assume, factor=False)
    return got is not None and got[1] and got[0] != 0


def _tie_winner(between: tuple[str, str]) -> str:
    """Who wins a tie between the two outcomes: the earlier strategy; E concedes on a tie."""
    if between[0] in STRATEGIES:
        return min(between, key=STRATEGIES.index)
    return "concede"


def _kink_pieces(between, name, branches, assume) -> list[_Piece]:
    """Switches at a kink of a Max where G_a - G_b is 0 on a whole interval on one side.

    Under the ``outside-option`` protocol with h = 0, for instance, a hold-up
    ties accept whenever Delta_R >= 0 and beats it when Delta_R < 0: the
    switch is at the kink Delta_R = 0, not at a root of either branch.  On the
    side where the difference is identically 0 the tie rule picks the winner;
    on the other side the sign of the other branch's slope does.  The piece
    exists where the winners differ.
    """
    x = SYMBOLS[name]
    if len(branches) == 1:
        return []  # no kink
    if len(branches) > 2:  # pragma: no cover - not in the model
        raise KzgameError("kzgame handles one kink per boundary")
    out = []
    tau = 1 if _tie_winner(between) == between[0] else -1
    for zero, other in (branches, branches[::-1]):
        # the branch's numerator A x + B is identically 0 where A = B = 0
        a_z = sp.expand(sp.diff(zero[4], x))
        b_z = sp.expand(zero[4].xreplace({x: sp.Integer(0)}))
        if any(_never_zero_on_domain(e, assume) for e in (a_z, b_z)):
            continue
        if not other[4].has(x):
            continue
        rels = [r for r in zero[2].atoms(sp.Rel) if r.has(x)]
        if len(rels) != 1:
            continue
        rel = rels[0]
        u = sp.expand(rel.lhs - rel.rhs)
        a_k, b_k = sp.expand(sp.diff(u, x)), sp.expand(u.xreplace({x: sp.Integer(0)}))
        if a_k.has(x):  # pragma: no cover - not in the model
            raise KzgameError("kzgame handles kinks linear in the parameter")
        sigma = 1 if isinstance(rel, sp.Ge | sp.Gt) else -1
        slope_o = sp.expand(sp.diff(other[4], x)) * other[3]
        root = sp.expand(-b_k) / a_k
        tied = sp.And(sp.Eq(_restake(a_z, name), 0), sp.Eq(_restake(b_z, name), 0))
        a_k, slope_o = _restake(a_k, name), _restake(slope_o, name)
        for side in (1, -1):  # 1: the tied interval is above the kink
            cond = sp.And(tied, sp.Gt(side * sigma * a_k, 0), sp.Gt(side * tau * slope_o, 0))
            if cond is sp.false:
                continue
            direction = sp.Integer(side * tau)
            out.append(_Piece(root, cond, direction, a_k, b_k, side * tau))
    return out


@cache
def _pieces(protocol: str, between: tuple[str, str], parameter: str, assume: Assumptions):
    x = SYMBOLS[parameter]
    pieces = []
    branches = _branch_factors(protocol, between, parameter in _STAKE_PARAMETERS, assume)
    for coeff, factors, branch_cond, den_sign, _ in branches:
        if coeff == 0:
            continue
        with_x = [(f, k) for f, k in factors if f.has(x)]
        if not with_x:
            continue
        f = with_x[0][0]
        slope_f = f.coeff(x, 1)
        if len(with_x) != 1 or with_x[0][1] != 1 or sp.expand(f - slope_f * x).has(x):
            raise KzgameError(  # pragma: no cover - not reached by the current model
                f"the {between[0]}/{between[1]} boundary is not linear in {parameter}; "
                "kzgame cannot solve it in closed form"
            )
        common = [(g, k) for g, k in factors if not g.has(x)]
        coeff_a, factors_a = sp.factor_list(slope_f)
        offset = f.coeff(x, 0)
        # D = coeff * prod(common) * (A x + B) / den: a threshold where prod(common) * A != 0
        kept = []
        sign: int | None = int(sp.sign(coeff * coeff_a)) * den_sign
        for g, k in list(common) + list(factors_a):
            gs = _sign(g, assume, factor=False)
            if not (gs is not None and gs[1] and gs[0] != 0):
                kept.append(sp.Ne(_restake(g, parameter), 0))  # may vanish: no threshold
            # where the piece exists g != 0, so a weak sign is a strict one
            if k % 2 == 0:
                continue
            sign = None if sign is None or gs is None or gs[0] == 0 else sign * gs[0]
        slope = coeff_a * sp.Mul(*(g**k for g, k in factors_a))
        scale = coeff * sp.Mul(*(g**k for g, k in common))
        root = sp.expand(-offset) / slope
        if branch_cond.has(x):
            # the branch condition at the root; x* has the factors of A in its
            # denominator, which are != 0 where the piece exists, so cancel them
            branch_cond = branch_cond.xreplace({x: root}).replace(
                lambda e: isinstance(e, sp.Rel),
                lambda r: r.func(_restake(sp.cancel(r.lhs - r.rhs), parameter), 0),
            )
        cond = sp.And(*kept, branch_cond)
        if cond is sp.false:
            continue
        pieces.append(_Piece(root, cond, scale * slope * den_sign, scale * slope, scale * offset,
                             sign))
    pieces += _kink_pieces(between, parameter, branches, assume)
    return tuple(pieces)


@dataclass(frozen=True)
class Threshold:
    """The boundary between two strategies, solved for one parameter.

    Build it with :func:`threshold`.  All expressions are sympy objects in the
    symbols of :data:`kzgame.model.SYMBOLS` (named like the
    :class:`kzgame.Period` fields).

    Attributes
    ----------
    parameter : str
        The parameter solved for, x.
    between : tuple of str
        The two outcomes compared, ``(a, b)``: two of R's strategies, or E's
        replies ``("concede", "refuse")``.
    protocol : str
        The bargaining protocol.
    assume : tuple
        Sign assumptions on the stakes, as ``(("stake_e", "positive"), ...)``.
    equation : sympy.Eq
        The boundary, G_a = G_b (for E's replies, E's payoff from conceding =
        from refusing), in the Period symbols.
    expr : sympy.Expr
        The critical value x*, a ``Piecewise``: one piece per branch of the
        gains (the ``outside-option`` protocol's ``Max`` has two), then the
        kinks (see the module docstring), then ``nan`` where the comparison
        does not depend on x (q = 0, Delta_E = 0, ...).  ``sympy.nan`` if it
        never does.
    condition : sympy.Boolean
        Where ``expr`` is a genuine boundary (the union of the pieces'
        conditions, including ``assume``).
    direction : sympy.Expr
        A ``Piecewise`` with the sign of d(G_a - G_b)/dx at x*: positive
        means ``a`` wins above x*.
    above, below : str or None
        The outcome that wins for x > x* and for x < x*, when this is the same
        wherever the threshold exists; else None (use :meth:`sides`).
    pieces : tuple of (sympy.Expr, sympy.Boolean)
        The roots x* and their conditions, one per branch.  The conditions of
        two pieces may overlap (a boundary crossed twice): ``expr`` then shows
        the first, :meth:`roots` evaluates all.
    """

    parameter: str
    between: tuple[str, str]
    protocol: str
    assume: Assumptions
    equation: sp.Eq
    expr: sp.Expr
    condition: sp.Boolean
    direction: sp.Expr
    above: str | None
    below: str | None
    pieces: tuple[tuple[sp.Expr, sp.Boolean], ...]
    _raw: tuple[_Piece, ...]

    @property
    def name(self) -> str:
        """A short label, e.g. ``'indispensability* (hold-up/accept)'``."""
        return f"{self.parameter}* ({self.between[0]}/{self.between[1]})"

    @property
    def exists(self) -> bool:
        """False if the comparison never depends on the parameter (no threshold anywhere)."""
        return bool(self._raw)

    @cached_property
    def latex(self) -> str:
        """LaTeX of :attr:`expr`, with the symbols of MODEL.md."""
        return _latex(self.expr)

    @cached_property
    def in_stakes(self) -> sp.Expr:
        """:attr:`expr` rewritten with Delta_R, Delta_E where they do not contain the parameter."""
        return _stakes_form(self.expr, self.parameter)

    @cached_property
    def latex_stakes(self) -> str:
        """LaTeX of :attr:`in_stakes`: the readable form, e.g. of iota*."""
        return _latex(self.in_stakes)

    @cached_property
    def _args(self) -> tuple[str, ...]:
        """The parameters the numeric functions take, in :data:`PARAMETERS` order."""
        exprs = [self.expr, self.direction]
        free = set().union(*(e.free_symbols for e in exprs))
        return tuple(k for k in PARAMETERS if SYMBOLS[k] in free)

    def _lambdify(self, expr) -> Callable:
        return sp.lambdify([SYMBOLS[k] for k in self._args], expr, modules="numpy", cse=True)

    @cached_property
    def _roots_fn(self) -> Callable:
        exprs = []
        for (root, cond), raw in zip(self.pieces, self._raw, strict=True):
            exprs += [root, cond, _period(raw.direction)]
        return self._lambdify(exprs)

    @cached_property
    def _direction_fn(self) -> Callable:
        return self._lambdify(self.direction)

    def _evaluate(self, fn, params: Mapping[str, Any]):
        values, shape = _gather(params, self._args)
        with np.errstate(all="ignore"):
            out = fn(*values)
        return out, shape

    @cached_property
    def func(self) -> Callable[..., np.ndarray]:
        """x* as a numpy function of keyword parameters (broadcasting).

        Takes the :class:`kzgame.Period` fields by name (those not given
        default as in :class:`kzgame.Period`; the solved parameter, if given,
        is ignored) and returns a float array, ``nan`` where there is no
        threshold.  Values are validated (:class:`kzgame.ParameterError`).
        """
        fn = self._lambdify(self.expr)

        def func(**params: Any) -> np.ndarray:
            out, shape = self._evaluate(fn, params)
            out = np.asarray(out, dtype=np.float64)
            return out if out.shape == shape else np.broadcast_to(out, shape).copy()

        func.__name__ = f"{self.parameter}_star"
        func.__doc__ = f"The threshold {self.name} under the {self.protocol!r} protocol."
        return func

    def crossings(self, **params: Any) -> tuple[np.ndarray, np.ndarray]:
        """Every piece's root and the sign of its direction, point by point.

        Returns
        -------
        roots, signs : numpy.ndarray
            Shape ``(len(pieces),) + broadcast shape``; ``nan`` where a piece
            does not apply.  ``signs`` is +1 where ``between[0]`` wins just
            above that root, -1 where ``between[1]`` does.  With more than one
            piece the difference G_a - G_b can cross zero more than once (the
            ``outside-option`` protocol's kink), and :attr:`expr` shows only
            the first applicable root.

        Examples
        --------
        >>> t = threshold("share", between=("concede", "refuse"), protocol="outside-option")
        >>> roots, signs = t.crossings(surplus=1.0, outside_r=0.5, outside_e=0.1,
        ...                            indispensability=0.5, survival=0.5)
        >>> roots.round(6), signs     # E concedes for s in [0.1, 0.9]; kinks not crossed here
        (array([0.9, 0.1, nan, nan]), array([-1.,  1., nan, nan]))
        """
        if not self._raw:
            _, shape = _gather(params, ())
            return np.full((0,) + shape, np.nan), np.full((0,) + shape, np.nan)
        out, shape = self._evaluate(self._roots_fn, params)
        roots, signs = [], []
        for root, cond, d in zip(out[0::3], out[1::3], out[2::3], strict=True):
            ok = np.broadcast_to(np.asarray(cond, dtype=bool), shape)
            roots.append(np.where(ok, np.broadcast_to(np.asarray(root, dtype=np.float64), shape),
                                  np.nan))
            signs.append(np.where(ok, np.sign(np.broadcast_to(np.asarray(d, dtype=np.float64),
                                                              shape)), np.nan))
        return np.stack(roots), np.stack(signs)

    def roots(self, **params: Any) -> np.ndarray:
        """Every piece's root, shape ``(len(pieces),) + broadcast shape``; see :meth:`crossings`."""
        return self.crossings(**params)[0]

    def sides(self, **params: Any) -> tuple[np.ndarray, np.ndarray]:
        """Which outcome wins above and below x*, point by point.

        Returns two arrays of names (``''`` where there is no threshold).

        Examples
        --------
        >>> t = threshold("indispensability", between=("hold-up", "accept"))
        >>> t.sides(share=0.5, outside_r=0.3, outside_e=[0.0, 0.9], survival=0.8)
        (array(['hold-up', 'accept'], dtype='<U7'), array(['accept', 'hold-up'], dtype='<U7'))
        """
        out, shape = self._evaluate(self._direction_fn, params)
        d = np.broadcast_to(np.asarray(out, dtype=np.float64), shape)
        a, b = self.between
        above = np.where(d > 0, a, np.where(d < 0, b, ""))
        below = np.where(d > 0, b, np.where(d < 0, a, ""))
        return above, below

    def __str__(self) -> str:
        if not self.exists:
            return (f"{self.name} [{self.protocol}]: none ({self.between[0]} vs "
                    f"{self.between[1]} does not depend on {self.parameter})")
        sides = (
            f"{self.above} above, {self.below} below"
            if self.above
            else "sides depend on the sign of the direction"
        )
        return f"{self.name} [{self.protocol}] = {self.in_stakes}  ({sides})"


def _stake_substitution(parameter: str) -> dict[sp.Symbol, sp.Expr]:
    """o_R -> sV - Delta_R and o_E -> (1 - s)V - Delta_E, each where it does not hide ``parameter``.

    A stake that contains ``parameter`` (s, V, or that outside option itself) is left written out.
    """
    s, V = SYMBOLS["share"], SYMBOLS["surplus"]
    sub = {}
    if parameter not in ("share", "surplus", "outside_r"):
        sub[SYMBOLS["outside_r"]] = s * V - Delta_R
    if parameter not in ("share", "surplus", "outside_e"):
        sub[SYMBOLS["outside_e"]] = (1 - s) * V - Delta_E
    return sub


def _stakes_form(expr: sp.Basic, parameter: str) -> sp.Basic:
    """Rewrite o_R, o_E as stakes where that does not hide ``parameter``."""
    sub = _stake_substitution(parameter)
    if not sub:
        return expr

    def tidy(e):
        if isinstance(e, sp.Piecewise):
            return sp.Piecewise(*((tidy(v), tidy(c)) for v, c in e.args))
        if isinstance(e, sp.logic.boolalg.Boolean) and not isinstance(e, sp.Rel):
            return e.func(*(tidy(a) for a in e.args)) if e.args else e
        if isinstance(e, sp.Rel):
            return e.func(tidy(e.lhs), tidy(e.rhs))
        return sp.factor_terms(sp.cancel(sp.expand(e.xreplace(sub))))

    return tidy(expr)


def _gather(params: Mapping[str, Any], args: Iterable[str]) -> tuple[list[np.ndarray], tuple]:
    """Validate keyword parameters: the values of ``args`` (defaults filled), broadcast shape."""
    args = tuple(args)
    check_names(params, required=[k for k in args if k not in DEFAULTS])
    checked = {k: check_parameter(k, v) for k, v in params.items()}
    values = [checked[k] if k in checked else np.float64(DEFAULTS[k]) for k in args]
    shape = np.broadcast_shapes(*(v.shape for v in checked.values())) if checked else ()
    # lambdified logical_and.reduce needs equal shapes: broadcast (views, no copies)
    values = [v if v.shape == shape else np.broadcast_to(v, shape) for v in values]
    return values, shape


def threshold(
    parameter: str,
    between: tuple[str, str] = ("hold-up", "accept"),
    protocol: str = "nash",
    *,
    assume: Mapping[str, str] | None = None,
) -> Threshold:
    """The boundary between two outcomes, solved for one parameter.

    Parameters
    ----------
    parameter : str
        The parameter to solve for: any :class:`kzgame.Period` field the
        protocol's payoffs depend on (``indispensability``, ``outside_r``,
        ``invest_cost``, ``survival``, ``power``, ``share``, ``surplus``,
        ``outside_e``, ``holdup_cost``; ``discount_r``, ``discount_e`` under
        ``rubinstein``).
    between : pair of str, default ("hold-up", "accept")
        Two of R's strategies (``accept``, ``invest``, ``hold-up``, ``exit``;
        a hold-up is compared as conceded by E), or E's replies
        ``("concede", "refuse")`` for E's concession boundary.
    protocol : str, default "nash"
        The bargaining protocol (a key of :data:`kzgame.PROTOCOLS`).
    assume : mapping, optional
        Signs assumed for the stakes, e.g. ``{"stake_e": "positive"}``
        (Delta_E > 0, E needs the regime).  They restrict :attr:`Threshold.condition`
        (``expr`` is ``nan`` where they fail) and let the sides be decided.

    Returns
    -------
    Threshold

    Raises
    ------
    ParameterError
        If ``parameter`` is not a parameter name.
    KzgameError
        If the protocol does not depend on ``parameter``, ``between`` or
        ``assume`` is malformed, or the protocol is unknown.

    Examples
    --------
    >>> t = threshold("outside_r", between=("invest", "accept"))
    >>> t.expr
    Piecewise(((-invest_cost - share*surplus*survival + share*surplus)/(1 - survival),
               Ne(survival - 1, 0)), (nan, True))
    >>> t.above, t.below
    ('accept', 'invest')
    >>> t.func(share=0.5, survival=0.8, invest_cost=[0.05, 0.1])
    array([0.25, 0.  ])
    >>> threshold("power", between=("hold-up", "invest"), protocol="rubinstein")
    Traceback (most recent call last):
    ...
    kzgame.errors.KzgameError: the 'rubinstein' protocol does not depend on power; ...
    """
    get_protocol(protocol)
    _validate_parameter(parameter, protocol)
    return _threshold(parameter, _validate_between(between), protocol, _normalize_assume(assume))


@cache
def _threshold(
    parameter: str, between: tuple[str, str], protocol: str, assume: Assumptions
) -> Threshold:
    raw = _pieces(protocol, between, parameter, assume)
    a, b = between
    if set(between) == set(CONCESSION):
        margin = _period(_gain(protocol, "concede"))
        equation = sp.Eq(margin, 0, evaluate=False)
    else:
        equation = sp.Eq(
            _period(_gain(protocol, a)), _period(_gain(protocol, b)), evaluate=False
        )
    assumed = _assumption_condition(assume)
    kept = []
    for p in raw:
        cond = sp.And(assumed, _period(p.condition))
        if cond is not sp.false:
            kept.append((p, _period(p.root), cond))
    raw = tuple(p for p, _, _ in kept)
    pieces = tuple((r, c) for _, r, c in kept)
    if pieces:
        expr = sp.Piecewise(*pieces, (_NAN, True), evaluate=False)
        condition = sp.Or(*(c for _, c in pieces))
        direction = sp.Piecewise(
            *((_period(p.direction), c) for p, _, c in kept), (0, True), evaluate=False
        )
    else:
        expr, condition, direction = _NAN, sp.false, sp.Integer(0)
    signs = {p.sign for p in raw}
    above = below = None
    if raw and signs == {1}:
        above, below = a, b
    elif raw and signs == {-1}:
        above, below = b, a
    return Threshold(
        parameter=parameter,
        between=between,
        protocol=protocol,
        assume=assume,
        equation=equation,
        expr=expr,
        condition=condition,
        direction=direction,
        above=above,
        below=below,
        pieces=pieces,
        _raw=raw,
    )


def all_thresholds(
    protocol: str = "nash",
    *,
    parameters: Iterable[str] | None = None,
    boundaries: Iterable[tuple[str, str]] = BOUNDARIES,
    assume: Mapping[str, str] | None = None,
    existing: bool = True,
) -> dict[tuple[tuple[str, str], str], Threshold]:
    """Every boundary solved for every parameter: ``{(between, parameter): Threshold}``.

    Parameters
    ----------
    protocol : str, default "nash"
    parameters : iterable of str, optional
        Default: every parameter the protocol depends on.
    boundaries : iterable of pairs, default :data:`BOUNDARIES`
    assume : mapping, optional
        As in :func:`threshold`.
    existing : bool, default True
        Leave out the comparisons that do not depend on the parameter at all.

    Examples
    --------
    >>> ts = all_thresholds("nash")
    >>> ts[(("hold-up", "invest"), "invest_cost")].above
    'hold-up'
    >>> (("invest", "accept"), "indispensability") in ts   # G_I does not involve iota
    False
    """
    get_protocol(protocol)
    names = tuple(parameters) if parameters is not None else get_protocol(protocol).parameters
    out = {}
    for pair in boundaries:
        for name in names:
            t = threshold(name, pair, protocol, assume=assume)
            if t.exists or not existing:
                out[(t.between, name)] = t
    return out


# ---------------------------------------------------------------------------
# Regions
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Region:
    """The set of parameters where R chooses one strategy, as a sympy condition.

    Attributes
    ----------
    strategy : str
    protocol : str
    condition : sympy.Boolean
        In the Period symbols.  It applies the tie rule (a strategy beats the
        ones after it in the tie order on a tie, and loses to the ones before
        it) and E's concession condition (a hold-up is chosen only where E
        concedes; a refused hold-up is never chosen).  The four regions
        partition the parameter space.
    in_stakes : sympy.Boolean
        The same condition written with the stakes Delta_R, Delta_E.
    """

    strategy: str
    protocol: str
    condition: sp.Boolean
    in_stakes: sp.Boolean

    @cached_property
    def latex(self) -> str:
        """LaTeX of :attr:`condition`."""
        return _latex(self.condition)

    @cached_property
    def latex_stakes(self) -> str:
        """LaTeX of :attr:`in_stakes`."""
        return _latex(self.in_stakes)

    @cached_property
    def _numeric(self):
        args = tuple(k for k in PARAMETERS if SYMBOLS[k] in self.condition.free_symbols)
        fn = sp.lambdify([SYMBOLS[k] for k in args], self.condition, modules="numpy", cse=True)
        return args, fn

    @cached_property
    def func(self) -> Callable[..., np.ndarray]:
        """The condition as a numpy function of keyword parameters: a bool array (broadcasting)."""
        args, fn = self._numeric

        def func(**params: Any) -> np.ndarray:
            values, shape = _gather(params, args)
            with np.errstate(all="ignore"):
                out = np.asarray(fn(*values), dtype=bool)
            return out if out.shape == shape else np.broadcast_to(out, shape).copy()

        func.__name__ = f"in_{self.strategy.replace('-', '_')}"
        return func

    def __str__(self) -> str:
        return f"{self.strategy} [{self.protocol}]: {self.in_stakes}"


def region(strategy: str | Strategy, protocol: str = "nash") -> Region:
    """The region where R chooses ``strategy``, as a sympy condition.

    Parameters
    ----------
    strategy : str or Strategy
        ``accept``, ``invest``, ``hold-up`` or ``exit``.
    protocol : str, default "nash"

    Returns
    -------
    Region

    Examples
    --------
    >>> r = region("invest")
    >>> type(r.in_stakes).__name__, len(r.in_stakes.args)  # beats accept, exit, a hold-up
    ('And', 3)
    >>> bool(r.func(share=0.5, outside_r=0.0, outside_e=0.0, indispensability=0.9,
    ...             survival=0.8, invest_cost=0.05))
    True
    """
    get_protocol(protocol)
    try:
        name = Strategy(strategy).value
    except ValueError:
        raise KzgameError(
            f"unknown strategy {strategy!r}; strategies: {', '.join(STRATEGIES)}"
        ) from None
    return _region(name, protocol)


@cache
def _region(name: str, protocol: str) -> Region:
    g = {k: _gain(protocol, k) for k in STRATEGIES}
    concedes = sp.Ge(_gain(protocol, "concede"), 0)
    order = STRATEGIES.index(name)
    parts = []
    if name == "hold-up":
        parts.append(concedes)
    for other in STRATEGIES:
        if other == name:
            continue
        # on a tie the earlier strategy in the tie order wins
        beats = sp.Ge if order < STRATEGIES.index(other) else sp.Gt
        rel = beats(g[name], g[other])
        if other == "hold-up":
            rel = sp.Or(sp.Not(concedes), rel)
        parts.append(rel)
    in_stakes = sp.And(*parts)
    return Region(name, protocol, _period(in_stakes), in_stakes)


# ---------------------------------------------------------------------------
# The tolerance band
# ---------------------------------------------------------------------------


def near_boundary(*, protocol: str = "nash", tol: float = BAND, **params: Any) -> np.ndarray:
    """Which points lie within the tolerance band around a switch of R's strategy.

    A point is in the band if R's best and second-best available gains differ
    by at most ``tol * scale``, or if E's concession margin is within
    ``tol * scale`` of 0 while a hold-up is R's best option (with or without
    it); ``scale = 1 + V + |o_R| + |o_E| + c + h``.  A protocol whose
    concession margin is identically 0 (``ultimatum``: E is always exactly
    indifferent, and concedes) has no concession band.

    Parameters
    ----------
    protocol : str, default "nash"
    tol : float, default :data:`BAND`
    **params
        As for :func:`kzgame.classify`.

    Returns
    -------
    numpy.ndarray of bool

    Examples
    --------
    >>> near_boundary(share=0.5, outside_r=0.25, outside_e=0.0, indispensability=[0.5, 0.6],
    ...               survival=0.5, invest_cost=0.2)
    array([ True, False])
    """
    get_protocol(protocol)
    if not (
        isinstance(tol, (int, float, np.integer, np.floating)) and math.isfinite(tol) and tol >= 0
    ):
        raise ParameterError(f"tol = {tol!r} is outside the allowed range [0, inf)")
    p = prepare(params)
    shape = np.broadcast_shapes(*(a.shape for a in p.values()))
    # the classifier's own generated gains (kzgame.kernels), stakes included
    g_i, g_h, g_x, margin = (
        np.broadcast_to(np.asarray(v, dtype=np.float64), shape)
        for v in kernels.numpy_gains(protocol)(*(p[k] for k in kernels.gains_code(protocol).inputs))
    )
    scale = (
        1.0 + p["surplus"] + np.abs(p["outside_r"]) + np.abs(p["outside_e"])
        + p["invest_cost"] + p["holdup_cost"]
    )  # fmt: skip
    band = tol * scale
    concedes = margin >= 0
    others = np.stack(np.broadcast_arrays(np.zeros(shape), g_i, g_x))
    avail = np.concatenate([others, np.where(concedes, g_h, -np.inf)[None]])
    top2 = -np.partition(-avail, 1, axis=0)[:2]
    near = (top2[0] - top2[1]) <= band
    if gains(protocol)["concession-margin"] != 0:
        holdup_best = g_h >= others.max(axis=0) - band
        near |= (np.abs(margin) <= band) & holdup_best
    return near
