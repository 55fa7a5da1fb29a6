"""Counterfactuals: the smallest change in one parameter that flips R's strategy.

Along one parameter x, with the others fixed at a period's values, R's
strategy is piecewise constant and can change only where some boundary of
:mod:`kzgame.analysis.thresholds` is crossed.  :func:`switches` evaluates every
boundary's closed-form root x* at the period, keeps those inside x's domain,
classifies one point between each two consecutive roots, and each closed end
of the domain (where a boundary through the end can leave the end a strategy
of its own), with :func:`kzgame.classify`, and reports where the strategy
actually changes.
:func:`counterfactuals` then takes, for each parameter and each direction,
the nearest switch, and locates the flip numerically with the classifier
(bisection to the last floating-point number), so that

* applying ``change`` (``current + change``) gives ``new_strategy``, and
* any smaller change in the same direction (e.g. 99 % of it) does not flip
  the strategy -- unless the period lies on the boundary itself
  (:attr:`Counterfactual.knife_edge`), where any step across flips it.

``critical`` is the closed-form value x*; ``value`` is where the classifier
flips.  They agree to rounding; on the closed form's side of x* the tie rule
(:class:`kzgame.Strategy`) decides, so ``value`` is x* itself when the tie at x*
already goes to the new strategy, and the next floating-point number past it
otherwise.

Examples
--------
>>> import kzgame
>>> p = kzgame.Period(share=0.5, outside_r=0.45, outside_e=0.0, indispensability=0.9,
...                   survival=0.8, invest_cost=0.05)
>>> kzgame.solve(p).strategy.value
'hold-up'
>>> [str(c) for c in kzgame.analysis.counterfactuals(p) if c.parameter == "outside_r"]
['outside_r: 0.45 -> 0.116667 (-0.333333) turns hold-up into invest [hold-up/invest]',
 'outside_r: 0.45 -> 0.95 (+0.5) turns hold-up into exit [concede/refuse, exit/hold-up]']
>>> [(round(s.critical, 4), s.below.value, s.above.value)
...  for s in kzgame.switches(p, "indispensability")]
[(0.1, 'accept', 'hold-up')]
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import KzgameError
from ..games.period_game import get_protocol
from ..numeric.classify import classify
from ..params import DOMAINS, Period
from ..solve import solve
from ..strategy import Strategy
from .band import near_boundary
from .boundaries import validate_parameter
from .games import locate
from .thresholds import all_thresholds, threshold

__all__ = ["Counterfactual", "Counterfactuals", "HoldupThreshold", "Switch", "Switches",
           "counterfactuals", "holdup_threshold", "switches"]


@dataclass(frozen=True)
class Switch:
    """A point along one parameter where R's strategy changes (what :func:`switches` returns).

    Attributes
    ----------
    parameter : str
    critical : float
        The closed-form threshold x* where the strategy changes (``nan`` for
        a change the classifier sees where no boundary is: rounding inside
        the tolerance band).
    below, above : Strategy
        R's strategy just below and just above x* (at x* the tie rule decides).
    boundaries : tuple of pairs
        The boundaries whose roots are at x* (usually one).
    """

    parameter: str
    critical: float
    below: Strategy
    above: Strategy
    boundaries: tuple[tuple[str, str], ...]

    def __str__(self) -> str:
        return f"{self.parameter}* = {self.critical:.6g}: {self.below} below, {self.above} above"


class Switches(tuple[Switch, ...]):
    """What :func:`switches` returns: a tuple of :class:`Switch` that also converts to a
    table (:meth:`to_pandas`)."""

    __slots__ = ()

    def to_pandas(self) -> Any:
        """One row per switch as a :class:`pandas.DataFrame`
        (:func:`kzgame.analysis.frames.switches_frame`; needs the ``frames`` extra)."""
        from .frames import switches_frame

        return switches_frame(self)


@dataclass(frozen=True)
class Counterfactual:
    """The smallest change of one parameter that flips R's strategy (see :func:`counterfactuals`).

    Attributes
    ----------
    parameter : str
    current : float
        The period's value.
    critical : float
        The closed-form threshold crossed (``nan`` if the classifier flips
        where no boundary is: a rounding effect inside the tolerance band,
        see :func:`kzgame.near_boundary`).
    value : float
        The first value (in floating point) at which the classifier gives
        ``new_strategy``: ``current + change``, except where no
        ``current + change`` reaches it because the flip lies closer to a
        value than ``current``'s rounding resolves (a switch at 1e-271 seen
        from 1.0).
    change : float
        ``value - current`` (rounded in that exception); positive for an
        increase.
    strategy, new_strategy : Strategy
        R's strategy now, and after the change.
    boundaries : tuple of pairs
        The boundaries crossed.
    """

    parameter: str
    current: float
    critical: float
    value: float
    change: float
    strategy: Strategy
    new_strategy: Strategy
    boundaries: tuple[tuple[str, str], ...]

    @property
    def direction(self) -> str:
        """``'increase'`` or ``'decrease'``."""
        return "increase" if self.change > 0 else "decrease"

    @property
    def knife_edge(self) -> bool:
        """True if the period lies on the boundary itself (x* = current, to rounding).

        R's strategy there is the tie rule's choice and any change across the
        boundary flips it: ``change`` is then the smallest step the classifier
        resolves, and smaller fractions of it may flip the strategy too.
        """
        scale = max(abs(self.critical), abs(self.current))
        return abs(self.critical - self.current) <= max(1e-15 * scale, 4 * math.ulp(scale))

    def __str__(self) -> str:
        where = ", ".join(f"{a}/{b}" for a, b in self.boundaries)
        return (
            f"{self.parameter}: {self.current:.6g} -> {self.value:.6g} ({self.change:+.6g}) "
            f"turns {self.strategy} into {self.new_strategy} [{where}]"
        )


def _code(period: Period, protocol: str, parameter: str, x: Any) -> np.ndarray:
    return classify(protocol=protocol, **{**period.as_dict(), parameter: x})


#: How close (relative to max(1, |x|)) a located flip must be to a closed-form root.
MATCH: float = 1e-9


def _closed_ends(parameter: str) -> list[float]:
    """The finite ends of the parameter's domain that belong to it (e.g. 0 and 1 for ``share``)."""
    dom = DOMAINS[parameter]
    ends = []
    if math.isfinite(dom.low) and not dom.low_open:
        ends.append(float(dom.low))
    if math.isfinite(dom.high) and not dom.high_open:
        ends.append(float(dom.high))
    return ends


def _knots(period: Period, parameter: str, protocol: str) -> list[tuple[float, tuple]]:
    """The closed-form roots of every boundary inside the parameter's domain, merged.

    A root that rounding puts just outside a closed end of the domain (within
    ``MATCH``) is taken to be on that end, and a group of merged roots that
    contains a root on a closed end is placed on the end: a boundary through
    the end is where the strategy at the end (the tie rule's choice) differs
    from the strategy next to it.
    """
    dom = DOMAINS[parameter]
    ends = _closed_ends(parameter)
    found: list[tuple[float, tuple[str, str]]] = []
    for (pair, _), t in all_thresholds(protocol, parameters=[parameter]).items():
        for r in np.atleast_1d(t.roots(**period.as_dict())).ravel():
            if not np.isfinite(r):
                continue
            r = float(r)
            if not dom.contains(r):
                r = next((e for e in ends if abs(r - e) <= MATCH * max(1.0, abs(e))), r)
            if dom.contains(r):
                found.append((r, pair))
    found.sort()
    merged: list[tuple[float, tuple]] = []
    for r, pair in found:
        # equal up to rounding at their own scale (not at 1: 0 and 2e-177 are two knots)
        if merged and abs(r - merged[-1][0]) <= 1e-12 * max(abs(r), abs(merged[-1][0])):
            value = r if r in ends else merged[-1][0]
            pairs = merged[-1][1] + ((pair,) if pair not in merged[-1][1] else ())
            merged[-1] = (value, pairs)
        else:
            merged.append((r, (pair,)))
    return merged


def _probe_points(knots: list[float], parameter: str) -> list[float]:
    """One point in each open interval between knots (and the domain's ends), in order.

    Consecutive probe points have exactly one knot between them, except next
    to a closed end of the domain: the end is always probed itself, since a
    boundary through it (whose computed root may lie a few ulps inside, or be
    merged with a nearby root) can give the end a strategy of its own.
    """
    dom = DOMAINS[parameter]
    pts: list[float] = []
    for i in range(len(knots) + 1):
        lo = knots[i - 1] if i > 0 else dom.low
        hi = knots[i] if i < len(knots) else dom.high
        if math.isinf(lo) and math.isinf(hi):
            mid = 0.0
        elif math.isinf(lo):
            mid = hi - max(1.0, abs(hi))
        elif math.isinf(hi):
            mid = lo + max(1.0, abs(lo))
        else:
            mid = lo + (hi - lo) / 2
        if lo < mid < hi:
            pts.append(mid)
    if math.isfinite(dom.low) and not dom.low_open:
        pts.insert(0, float(dom.low))
    if math.isfinite(dom.high) and not dom.high_open:
        pts.append(float(dom.high))
    return pts


def _scan(period: Period, parameter: str, protocol: str) -> Any:
    """The knots, the probe points and their strategy codes."""
    if not isinstance(period, Period):
        raise TypeError(f"expected a kzgame.Period, got {type(period).__name__}")
    get_protocol(protocol)
    validate_parameter(parameter, protocol)
    knots = _knots(period, parameter, protocol)
    probes = _probe_points([k for k, _ in knots], parameter)
    codes = [int(c) for c in _code(period, protocol, parameter, np.array(probes))]
    return knots, probes, codes


_NO_KNOT = (math.nan, ())


def switches(period: Period, parameter: str, protocol: str = "nash") -> Switches:
    """Every point along ``parameter`` (others fixed at ``period``) where R's strategy changes.

    Parameters
    ----------
    period : Period
    parameter : str
        Any parameter the protocol depends on.
    protocol : str, default "nash"

    Returns
    -------
    Switches
        A tuple of :class:`Switch` in increasing order of the critical value,
        over the whole domain of the parameter; ``to_pandas()`` makes it a table.

    Raises
    ------
    ParameterError
        If ``parameter`` is not a parameter name.
    KzgameError
        If the protocol does not depend on ``parameter``.

    Examples
    --------
    >>> p = Period(share=0.5, outside_r=0.3, outside_e=0.0, indispensability=0.5,
    ...            survival=0.8, invest_cost=0.05)
    >>> [str(s) for s in switches(p, "outside_r")]
    ['outside_r* = 0.25: invest below, hold-up above',
     'outside_r* = 0.75: hold-up below, exit above']
    """
    knots, probes, codes = _scan(period, parameter, protocol)
    out = []
    for p0, p1, c0, c1 in zip(probes, probes[1:], codes, codes[1:], strict=False):
        if c0 != c1:
            # consecutive probes have exactly one knot between them, except next to a
            # closed end, whose knot may lie a few ulps inside, before the last probe
            value, pairs = next((k for k in knots if p0 <= k[0] <= p1), _NO_KNOT)
            if not math.isfinite(value):
                ends = [e for e in _closed_ends(parameter) if e in (p0, p1)]
                if ends:
                    value, pairs = _nearest_knot(knots, ends[0])
            out.append(
                Switch(parameter, value, Strategy.from_code(c0), Strategy.from_code(c1), pairs)
            )
    return Switches(out)


def _nearest_knot(knots: Any, x: float) -> tuple[float, tuple]:
    """The knot nearest to ``x`` within ``MATCH`` (at x's scale, floor 1), else ``(nan, ())``."""
    tol = MATCH * max(1.0, abs(x))
    near = [k for k in knots if abs(k[0] - x) <= tol]
    return min(near, key=lambda k: abs(k[0] - x)) if near else _NO_KNOT


def _in_band(period: Period, protocol: str, parameter: str, x: float) -> bool:
    return bool(near_boundary(protocol=protocol, **{**period.as_dict(), parameter: x}))


def _flip(period: Period, protocol: str, parameter: str, x0: float, inside: float,
          outside: float, current: int, target: int) -> tuple[float, float, int]:
    """The first float past ``inside`` (towards ``outside``) where the strategy is ``target``.

    ``inside`` is classified ``current`` and ``outside`` (the probe of the
    interval past the knot) ``target``.  Bisection on the integer line of
    floats (:func:`kzgame.analysis.games.locate`) converges to adjacent
    floats whatever the scale (no absolute floor: a period with
    ``survival=3e-176`` has its flips near 1e-177, issue 15).  Where the
    first float classified otherwise is not ``target`` (a few ulps of rounding
    at a triple point, c = 0 or h = 0), the search goes on to the first
    float classified ``target``: the strategy on the far side of the knot.
    Returns (value, change, code) with ``x0 + change == value`` classified
    ``target``; raises :class:`KzgameError` if that cannot be reached.
    """

    def code_at(x: float) -> int:
        return int(_code(period, protocol, parameter, x))

    _, hi = locate(code_at, inside, outside)
    # step past hi (x0 + change rounds at x0's scale; a few ulps of rounding may name another
    # strategy at a triple point): the first float classified target, else (two strategies
    # tied all along past the knot, the classifier alternating) one inside the band
    sign = math.copysign(1.0, hi - x0)
    change = hi - x0
    delta = math.ulp(max(abs(x0), abs(hi)))
    if abs(change) > delta:
        # a change as large as x0 may need its own finer ulp: near 0 a change of about -x0
        # (x0 = 1, a switch at 2e-16) lands inside only as x0 - (1 - 2**-53)
        delta = min(delta, math.ulp(change))
    fallback = None
    for _ in range(80):
        value = x0 + change
        if DOMAINS[parameter].contains(value):
            code = code_at(value)
            if code == target:
                return value, change, target
            if (fallback is None and code != current
                    and _in_band(period, protocol, parameter, value)):
                fallback = (value, change, code)
        change += sign * delta
        delta *= 2
    if fallback is not None:
        return fallback
    # The target side may be narrower than x0's rounding resolves (a switch at 1e-271 seen
    # from 1.0: x0 + change is 0 or about 1e-16, never in between): the first float from hi
    # on classified target, with change = value - x0 rounded.
    value = hi
    for _ in range(80):
        if DOMAINS[parameter].contains(value) and code_at(value) == target:
            return value, value - x0, target
        value = math.nextafter(value, sign * math.inf)
    raise KzgameError(
        f"{parameter}: no change from {x0!r} lands on the {Strategy.from_code(target)} side of "
        f"the switch at {hi!r} in floating point"
    )


class Counterfactuals(list[Counterfactual]):
    """What :func:`counterfactuals` returns: a list of :class:`Counterfactual` that also
    converts to a table (:meth:`to_pandas`)."""

    def to_pandas(self):
        """One row per counterfactual as a :class:`pandas.DataFrame`
        (:func:`kzgame.analysis.frames.counterfactuals_frame`; needs the ``frames`` extra)."""
        from .frames import counterfactuals_frame

        return counterfactuals_frame(self)


def counterfactuals(
    period: Period, protocol: str = "nash", parameters: Iterable[str] | None = None
) -> Counterfactuals:
    """For each parameter, the smallest decrease and increase that flip R's strategy.

    Computed from the closed-form thresholds (:func:`switches`) and located
    with the classifier (see the module docstring).  A direction in which the
    strategy never changes within the parameter's domain gives no record.

    Parameters
    ----------
    period : Period
    protocol : str, default "nash"
    parameters : iterable of str, optional
        Default: every parameter the protocol depends on.

    Returns
    -------
    Counterfactuals
        A list of :class:`Counterfactual`: per parameter, the decrease (if
        any) then the increase (if any); ``to_pandas()`` makes it a table.

    Raises
    ------
    ParameterError
        If a name in ``parameters`` is not a parameter name.
    KzgameError
        If the protocol is unknown or does not depend on a name in ``parameters``.

    Examples
    --------
    >>> p = Period(share=0.5, outside_r=0.3, outside_e=0.0, indispensability=0.5,
    ...            survival=0.8, invest_cost=0.05)
    >>> c = counterfactuals(p, parameters=["invest_cost"])[0]
    >>> c.strategy.value, c.new_strategy.value, round(c.critical, 6), c.direction
    ('hold-up', 'invest', 0.02, 'decrease')
    """
    if not isinstance(period, Period):
        raise TypeError(f"expected a kzgame.Period, got {type(period).__name__}")
    get_protocol(protocol)
    names = tuple(parameters) if parameters is not None else get_protocol(protocol).parameters
    for name in names:
        validate_parameter(name, protocol)
    current = int(classify(protocol=protocol, **period.as_dict()))
    out = Counterfactuals()
    for name in names:
        x0 = getattr(period, name)
        knots, probes, codes = _scan(period, name, protocol)
        down = [(p, c) for p, c in zip(probes, codes, strict=True) if p < x0][::-1]
        up = [(p, c) for p, c in zip(probes, codes, strict=True) if p > x0]
        for side in (down, up):
            inside, far = x0, None
            for p, c in side:
                if c != current:
                    far = (p, c)
                    break
                inside = p  # the strategy is piecewise constant between knots
            if far is None:
                continue
            value, change, code = _flip(period, protocol, name, x0, inside, far[0], current,
                                        far[1])
            critical, pairs = _nearest_knot(knots, value)
            if not math.isfinite(critical):
                # no closed-form root there: only rounding of nearly tied gains can flip it
                at: dict[str, Any] = {**period.as_dict(), name: np.array([value, x0])}
                if not bool(near_boundary(protocol=protocol, **at).any()):
                    raise KzgameError(
                        f"{name}: the classifier's strategy changes at {value!r}, where no "
                        "closed-form boundary lies and the period is outside the tolerance "
                        "band; the search did not converge to a switch"
                    )
            out.append(
                Counterfactual(
                    parameter=name,
                    current=x0,
                    critical=critical,
                    value=value,
                    change=change,
                    strategy=Strategy.from_code(current),
                    new_strategy=Strategy.from_code(code),
                    boundaries=pairs,
                )
            )
    return out


@dataclass(frozen=True)
class HoldupThreshold:
    """KPR's threshold for one period: where a hold-up starts to beat R's best alternative.

    Attributes
    ----------
    parameter : str
        Usually ``indispensability`` (iota*).
    current : float
        The period's value.
    critical : float
        x* where a conceded hold-up pays exactly as much as ``alternative``
        (``nan`` if the hold-up's gain does not depend on the parameter).  It
        may lie outside the parameter's domain: then no value of it makes a
        hold-up pay (or none stops it paying).
    margin : float
        ``current - critical``.
    alternative : Strategy
        R's best choice other than a hold-up (by the tie rule).
    holdup_above : bool or None
        Whether the hold-up is the side above x* (for iota: where Delta_E > 0).
    """

    parameter: str
    current: float
    critical: float
    margin: float
    alternative: Strategy
    holdup_above: bool | None

    def __str__(self) -> str:
        if not math.isfinite(self.critical):
            return f"{self.parameter}*: none (a hold-up's gain does not depend on it)"
        up, down = ("hold-up", self.alternative) if self.holdup_above else (
            self.alternative, "hold-up")
        return (f"{self.parameter}* = {self.critical:.4g} ({up} above, {down} below); "
                f"margin {self.margin:+.4g}")

    def to_pandas(self) -> Any:
        """The threshold as a one-row :class:`pandas.DataFrame`
        (:func:`kzgame.analysis.frames.holdup_threshold_frame`; needs the ``frames`` extra)."""
        from .frames import holdup_threshold_frame

        return holdup_threshold_frame(self)


def holdup_threshold(
    period: Period, protocol: str = "nash", parameter: str = "indispensability"
) -> HoldupThreshold:
    """The critical value of ``parameter`` (iota* by default) for a hold-up in this period.

    It is the boundary between a conceded hold-up and R's best alternative
    (accept, invest or exit, whichever pays R most at the period's values),
    solved for ``parameter`` with :func:`kzgame.threshold`.  Whether the
    hold-up is then chosen also needs E to concede; :func:`switches` gives
    the actual switches of R's strategy.

    Examples
    --------
    >>> p = Period(share=0.45, outside_r=0.3, outside_e=-0.15, indispensability=0.8,
    ...            survival=0.8, invest_cost=0.05, power=0.4, holdup_cost=0.05)
    >>> print(holdup_threshold(p))
    indispensability* = 0.5446 (hold-up above, accept below); margin +0.2554
    """
    if not isinstance(period, Period):
        raise TypeError(f"expected a kzgame.Period, got {type(period).__name__}")
    r = solve(period, protocol)
    # R's choice with the hold-up unavailable (concedes=False), by the tie rule
    # R's choice with the hold-up unavailable, by the tie rule (accept, invest, exit)
    others = {"accept": 0.0, "invest": r.gain_invest, "exit": r.gain_exit}
    best = max(others.values())
    alternative = Strategy(next(k for k, v in others.items() if v >= best))
    t = threshold(parameter, ("hold-up", alternative.value), protocol)
    values = period.as_dict()
    critical = float(t.func(**values))
    above = None
    if math.isfinite(critical):
        side, _ = t.sides(**values)
        above = bool(side == "hold-up")
    current = getattr(period, parameter)
    return HoldupThreshold(parameter, current, critical, current - critical, alternative, above)
