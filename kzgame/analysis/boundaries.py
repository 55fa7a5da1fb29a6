"""The period game's boundaries solved for one parameter: the roots x* = -B/A, piece by piece.

The comparisons come from the engine (:func:`kzgame.game.gains.node_gains`
of :func:`kzgame.games.period`): R's gains at the root node relative to
accept, and E's concession margin at the node ``hold-up``.  Each difference
D = G_a - G_b is, on each branch of a ``Max`` (:mod:`kzgame.analysis.branches`),
a rational function whose cleared numerator is affine in any one parameter,
A x + B; a root exists where A != 0, decided on the domains by
:mod:`kzgame.analysis.signs`.  :mod:`kzgame.analysis.thresholds` turns the
pieces into :class:`~kzgame.analysis.thresholds.Threshold` objects.

Examples
--------
>>> gain("nash", "exit")
-stake_r*survival
>>> [str(p.root) for p in pieces("nash", ("invest", "accept"), "invest_cost", ())]
['-stake_r*survival + stake_r']
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

import sympy as sp

from ..errors import KzgameError, ParameterError
from ..game.registry import DERIVED, REGISTRY
from ..games.period_game import get_protocol, period
from ..model import gains as model_gains
from .branches import branches as split_branches
from .branches import pull_out_of_max
from .signs import Assumptions, sign

__all__ = [
    "BOUNDARIES",
    "CONCESSION",
    "STAKE_PARAMETERS",
    "STRATEGIES",
    "Piece",
    "gain",
    "pieces",
    "restake",
    "stake_substitution",
    "stakes_form",
    "tie_winner",
    "to_parameters",
    "validate_between",
    "validate_parameter",
]

#: R's strategies, in the tie order (accept, invest, hold-up, exit): R's actions at the root.
STRATEGIES: tuple[str, ...] = period("nash").nodes[0].actions
#: E's replies to a hold-up: the two sides of the concession boundary.
CONCESSION: tuple[str, str] = period("nash").node("hold-up").actions  # type: ignore[assignment]
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
#: The parameters the stakes are made of.
STAKE_PARAMETERS = frozenset({"share", "surplus", "outside_r", "outside_e"})

SYMBOLS = {k: p.symbol for k, p in REGISTRY.items()}
Delta_R, Delta_E = DERIVED["stake_r"].symbol, DERIVED["stake_e"].symbol
_TO_PERIOD = {d.symbol: d.expression for d in DERIVED.values()}


def to_parameters(expr: sp.Basic) -> sp.Basic:
    """Replace the stakes by their definitions in the period's parameters."""
    return expr.xreplace(_TO_PERIOD)


def _sign(expr: sp.Expr, assume: Assumptions = (), factor: bool = True) -> Any:
    return sign(expr, assume, factor, game=period("nash"))


def _nonnegative(expr: sp.Expr, assume: Assumptions) -> bool:
    got = _sign(expr, assume, factor=False)
    return got is not None and got[0] == 1


def validate_between(between: Iterable[str]) -> tuple[str, str]:
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


def validate_parameter(parameter: str, protocol: str) -> None:
    """Raise unless ``parameter`` is a registry parameter the protocol's payoffs use."""
    if parameter not in REGISTRY:
        raise ParameterError(
            f"unknown parameter {parameter!r}; known parameters: {', '.join(REGISTRY)}"
        )
    used = get_protocol(protocol).parameters
    if parameter not in used:
        raise KzgameError(
            f"the {protocol!r} protocol does not depend on {parameter}; "
            f"its parameters are {', '.join(used)}"
        )


@cache
def gain(protocol: str, name: str) -> sp.Expr:
    """R's gain of strategy ``name`` relative to accept (in the stakes); E's margin for concede.

    Read from the engine through :func:`kzgame.model.gains` (the gains of the
    root node at the leaves invest, hold-up/concede and exit; the negated
    gain of the node ``hold-up`` from refusing); accept and refuse are the
    reference leaves, with gain 0.
    """
    g = model_gains(protocol)
    return {
        "accept": sp.Integer(0),
        "invest": g["invest"],
        "hold-up": g["hold-up"],
        "exit": g["exit"],
        "concede": g["concession-margin"],
        "refuse": sp.Integer(0),
    }[name]


@dataclass(frozen=True)
class Piece:
    """One root of a boundary: x* on one branch (or at a kink), and where it holds."""

    root: sp.Expr  # x*, in the symbols D was written in (stakes if possible)
    condition: sp.Boolean  # where this piece's root is the boundary (same symbols)
    direction: sp.Expr  # has the sign of dD/dx at the root
    slope: sp.Expr  # A: the coefficient of x in the cleared numerator
    offset: sp.Expr  # B: the rest of the numerator
    sign: int | None  # sign of direction on the domain where the piece exists


@cache
def branch_factors(
    protocol: str, between: tuple[str, str], period_form: bool, assume: Assumptions
) -> Any:
    """G_a - G_b by branch: (constant, [(factor, multiplicity)], condition, sign of denominator).

    The numerator is factored once, in the stakes; for each parameter the
    factors free of it are common to the slope A and the offset B.  The
    Period-form version (for s, V, o_R, o_E) maps each factor through the
    definitions of the stakes.
    """
    if period_form:
        out = []
        for coeff, factors, cond, den_sign, num in branch_factors(
            protocol, between, False, assume
        ):
            mapped = tuple((sp.expand(to_parameters(f)), k) for f, k in factors)
            out.append(
                (coeff, mapped, to_parameters(cond), den_sign, sp.expand(to_parameters(num)))
            )
        return tuple(out)
    diff = gain(protocol, between[0]) - gain(protocol, between[1])
    out = []
    for branch, cond in split_branches(pull_out_of_max(diff, lambda f: _nonnegative(f, assume))):
        num, den = sp.fraction(sp.together(branch))
        den_sign = _sign(den, assume)
        if den_sign is None or den_sign[0] == 0 or not den_sign[1]:  # pragma: no cover
            raise KzgameError(f"cannot decide the sign of the denominator {den}")
        num = sp.expand(num)
        coeff, factors = sp.factor_list(num)
        out.append((coeff, tuple(factors), cond, den_sign[0], num))
    return tuple(out)


def restake(e: sp.Expr, parameter: str) -> sp.Expr:
    """Write a condition's expression with the stakes that do not contain ``parameter``.

    Conditions such as Delta_E != 0 are then evaluated as the classifier
    evaluates them ((1 - s) V - o_E, not an expanded form), so a calibration
    with Delta_E = 0 exactly is seen as exactly 0 by both.
    """
    # other parameters' conditions are written in the stakes already
    sub = stake_substitution(parameter) if parameter in STAKE_PARAMETERS else {}
    if not sub:
        return e
    return sp.factor(sp.expand(e.xreplace(sub)))


def _never_zero_on_domain(e: sp.Expr, assume: Assumptions) -> bool:
    """True if ``e`` is provably non-zero on the domain (quick test; False if undecided)."""
    if e == 0:
        return False
    got = _sign(e, assume, factor=False)
    return got is not None and got[1] and got[0] != 0


def tie_winner(between: tuple[str, str]) -> str:
    """Who wins a tie between the two outcomes: the earlier strategy; E concedes on a tie."""
    if between[0] in STRATEGIES:
        return min(between, key=STRATEGIES.index)
    return "concede"


def kink_pieces(between: Any, name: Any, branches: Any, assume: Any) -> list[Piece]:
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
    tau = 1 if tie_winner(between) == between[0] else -1
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
        tied = sp.And(sp.Eq(restake(a_z, name), 0), sp.Eq(restake(b_z, name), 0))
        a_k, slope_o = restake(a_k, name), restake(slope_o, name)
        for side in (1, -1):  # 1: the tied interval is above the kink
            cond = sp.And(tied, sp.Gt(side * sigma * a_k, 0), sp.Gt(side * tau * slope_o, 0))
            if cond is sp.false:
                continue
            direction = sp.Integer(side * tau)
            out.append(Piece(root, cond, direction, a_k, b_k, side * tau))
    return out


_STRICT = {sp.Ge: sp.Gt, sp.Le: sp.Lt}


def _at_root(cond: Any, x: Any, root: Any, parameter: Any, branches: Any, index: Any,
             direction: Any) -> sp.Boolean:
    """A branch's condition at its root x*, where the root is a genuine switch.

    x* has the factors of A in its denominator, which are != 0 where the
    piece exists, so they cancel.  A root strictly inside the branch is a
    switch.  A root on the branch's edge (the kink) is one only where D keeps
    changing sign across the kink: the other branch's slope has the same sign
    (where the other branch is identically 0 the kink pieces decide, by the
    tie rule).  Without this, the outside-option protocol's exit/hold-up
    boundary in o_R had a root at h = 0 although exit never beats a hold-up
    there (issue 15).
    """

    def value(r):
        return restake(sp.cancel(r.lhs - r.rhs), parameter)

    rels = [r for r in cond.atoms(sp.Rel) if r.has(x)]
    # each relation with x at the root, strict (built before sympy can evaluate a weak
    # relation such as h >= 0 to True); the others as they are
    strict = cond.xreplace({
        r: _STRICT.get(type(r), type(r))(value(r.xreplace({x: root})), 0) for r in rels
    }).replace(lambda e: isinstance(e, sp.Rel), lambda r: r.func(value(r), 0))
    if len(branches) != 2 or len(rels) != 1 or not isinstance(rels[0], sp.Ge | sp.Le):
        return strict
    other = branches[1 - index]
    slope_other = sp.expand(sp.diff(other[4], x)) * other[3]
    across = sp.Gt(restake(sp.expand(direction * slope_other), parameter), 0)
    rest = cond.xreplace({rels[0]: sp.true}).replace(
        lambda e: isinstance(e, sp.Rel), lambda r: r.func(value(r), 0))
    return sp.Or(strict, sp.And(rest, sp.Eq(value(rels[0].xreplace({x: root})), 0), across))


@cache
def pieces(protocol: str, between: tuple[str, str], parameter: str,
           assume: Assumptions) -> Any:
    x = SYMBOLS[parameter]
    pieces = []
    branches = branch_factors(protocol, between, parameter in STAKE_PARAMETERS, assume)
    for index, (coeff, factors, branch_cond, den_sign, _) in enumerate(branches):
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
                kept.append(sp.Ne(restake(g, parameter), 0))  # may vanish: no threshold
            # where the piece exists g != 0, so a weak sign is a strict one
            if k % 2 == 0:
                continue
            sign = None if sign is None or gs is None or gs[0] == 0 else sign * gs[0]
        slope = coeff_a * sp.Mul(*(g**k for g, k in factors_a))
        scale = coeff * sp.Mul(*(g**k for g, k in common))
        root = sp.expand(-offset) / slope
        if branch_cond.has(x):
            branch_cond = _at_root(branch_cond, x, root, parameter, branches, index,
                                   scale * slope * den_sign)
        cond = sp.And(*kept, branch_cond)
        if cond is sp.false:
            continue
        pieces.append(Piece(root, cond, scale * slope * den_sign, scale * slope, scale * offset,
                             sign))
    pieces += kink_pieces(between, parameter, branches, assume)
    return tuple(pieces)



def stake_substitution(parameter: str) -> dict[sp.Symbol, sp.Expr]:
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


def stakes_form(expr: sp.Basic, parameter: str) -> sp.Basic:
    """Rewrite o_R, o_E as stakes where that does not hide ``parameter``."""
    sub = stake_substitution(parameter)
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

