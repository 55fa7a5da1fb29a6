"""The period game's thresholds: the boundaries between R's strategies, solved for one parameter.

Every result here is derived from the engine's gains of the period game
(:func:`kzgame.game.gains.node_gains` of :func:`kzgame.games.period`: R's
comparisons at the root node, E's concession at the node ``hold-up``); no
payoff formula is typed again.  The roots are found piece by piece in
:mod:`kzgame.analysis.boundaries`, signs on the domains are decided in
:mod:`kzgame.analysis.signs`, the regions are in :mod:`kzgame.analysis.regions`
and the tolerance band in :mod:`kzgame.analysis.band`.  For any other game,
:func:`kzgame.analysis.games.boundary` (``threshold(game, parameter, between)``
dispatches to it).

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
:func:`kzgame.region` gives the exact set where each strategy is chosen.

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

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any

import numpy as np
import sympy as sp

from ..game.registry import REGISTRY
from ..game.tree import Game
from ..games.period_game import get_protocol
from ..model import latex as latex_of
from .boundaries import (
    BOUNDARIES,
    CONCESSION,
    STRATEGIES,
    Piece,
    gain,
    stakes_form,
    to_parameters,
    validate_between,
    validate_parameter,
)
from .boundaries import (
    pieces as derive_pieces,
)
from .signs import ASSUMPTION_SIGNS, Assumptions, assumption_condition, normalize_assume
from .values import gather

__all__ = [
    "ASSUMPTION_SIGNS",
    "BOUNDARIES",
    "CONCESSION",
    "STRATEGIES",
    "Threshold",
    "all_thresholds",
    "threshold",
]

SYMBOLS = {k: p.symbol for k, p in REGISTRY.items()}
PARAMETERS = tuple(REGISTRY)
_NAN = sp.nan


@dataclass(frozen=True)
class Threshold:
    """The boundary between two strategies, solved for one parameter.

    Build it with :func:`threshold`.  All expressions are sympy objects in the
    symbols of :data:`kzgame.game.registry.REGISTRY` (named like the
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
    _raw: tuple[Piece, ...]

    @property
    def name(self) -> str:
        """A short label, e.g. ``'indispensability* (hold-up/accept)'``."""
        return f"{self.parameter}* ({self.between[0]}/{self.between[1]})"

    @property
    def parts(self) -> tuple[Piece, ...]:
        """The pieces with their slopes A and offsets B (x* = -B/A), as derived."""
        return self._raw

    @property
    def exists(self) -> bool:
        """False if the comparison never depends on the parameter (no threshold anywhere)."""
        return bool(self._raw)

    @cached_property
    def latex(self) -> str:
        """LaTeX of :attr:`expr`, with the symbols of MODEL.md."""
        return latex_of(self.expr)

    @cached_property
    def in_stakes(self) -> sp.Expr:
        """:attr:`expr` rewritten with Delta_R, Delta_E where they do not contain the parameter."""
        return stakes_form(self.expr, self.parameter)

    @cached_property
    def latex_stakes(self) -> str:
        """LaTeX of :attr:`in_stakes`: the readable form, e.g. of iota*."""
        return latex_of(self.in_stakes)

    @cached_property
    def _args(self) -> tuple[str, ...]:
        """The parameters the numeric functions take, in :data:`PARAMETERS` order."""
        exprs = [self.expr, self.direction]
        free = set().union(*(e.free_symbols for e in exprs))
        return tuple(k for k in PARAMETERS if SYMBOLS[k] in free)

    def _lambdify(self, expr: Any) -> Callable:
        return sp.lambdify([SYMBOLS[k] for k in self._args], expr, modules="numpy", cse=True)

    @cached_property
    def _roots_fn(self) -> Callable:
        exprs = []
        for (root, cond), raw in zip(self.pieces, self._raw, strict=True):
            exprs += [root, cond, to_parameters(raw.direction)]
        return self._lambdify(exprs)

    @cached_property
    def _direction_fn(self) -> Callable:
        return self._lambdify(self.direction)

    def _evaluate(self, fn: Any, params: Mapping[str, Any]) -> Any:
        values, shape = gather(params, self._args, REGISTRY)
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
            _, shape = gather(params, (), REGISTRY)
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


def threshold(
    parameter: str | Game,
    between: Any = ("hold-up", "accept"),
    protocol: Any = "nash",
    *,
    assume: Mapping[str, str] | None = None,
) -> Any:
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
        (Delta_E > 0, E needs the regime), at the threshold: a stake that
        contains ``parameter`` is taken at x = x*.  They restrict
        :attr:`Threshold.condition` (``expr`` is ``nan`` where they fail)
        and let the sides be decided.

    Any game: ``threshold(game, parameter, (a, b))`` is
    :func:`kzgame.analysis.games.boundary` (``assume`` as there).

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
    if isinstance(parameter, Game):
        from .games import boundary

        return boundary(parameter, between, protocol, assume=assume)
    get_protocol(protocol)
    validate_parameter(parameter, protocol)
    return _threshold(parameter, validate_between(between), protocol, normalize_assume(assume))


@cache
def _threshold(
    parameter: str, between: tuple[str, str], protocol: str, assume: Assumptions
) -> Threshold:
    raw = derive_pieces(protocol, between, parameter, assume)
    a, b = between
    if set(between) == set(CONCESSION):
        margin = to_parameters(gain(protocol, "concede"))
        equation = sp.Eq(margin, 0, evaluate=False)
    else:
        equation = sp.Eq(
            to_parameters(gain(protocol, a)), to_parameters(gain(protocol, b)), evaluate=False
        )
    assumed = assumption_condition(assume)
    x = SYMBOLS[parameter]
    kept = []
    for p in raw:
        root = to_parameters(p.root)
        # the assumed signs hold at the root, not at the point's own value of x (issue 15)
        here = assumed.xreplace({x: root}).replace(
            lambda e: isinstance(e, sp.Rel), lambda r: r.func(sp.cancel(r.lhs - r.rhs), 0)
        ) if assumed.has(x) else assumed
        cond = sp.And(here, to_parameters(p.condition))
        if cond is not sp.false:
            kept.append((p, root, cond))
    raw = tuple(p for p, _, _ in kept)
    pieces = tuple((r, c) for _, r, c in kept)
    if pieces:
        expr = sp.Piecewise(*pieces, (_NAN, True), evaluate=False)
        condition = sp.Or(*(c for _, c in pieces))
        direction = sp.Piecewise(
            *((to_parameters(p.direction), c) for p, _, c in kept), (0, True), evaluate=False
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

