"""The parameters of one period of the period game, and their validation.

The parameters themselves (domains, defaults, symbols, LaTeX) are declared
once, in the registry (:mod:`kzgame.game.registry`); this module holds the
:class:`Period` record and the checks that read the registry.

Input is validated once, at the edge of the package: when a :class:`Period`
is built, when :func:`kzgame.classify` receives arrays, and when a model file
is loaded.  Solvers trust validated input.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from .errors import KzgameError, NoSurplusWarning, ParameterError
from .game.registry import DERIVED, REGISTRY, Domain, check_atol, short_repr

__all__ = [
    "DOMAINS",
    "PARAMETERS",
    "Domain",
    "KzgameError",
    "NoSurplusWarning",
    "ParameterError",
    "Period",
    "check_atol",
    "check_parameter",
    "positive_int",
]


#: Domain of each parameter of the period game, in the order of :class:`Period`'s fields
#: (read from the registry, :data:`kzgame.game.registry.REGISTRY`).
DOMAINS: dict[str, Domain] = {name: p.domain for name, p in REGISTRY.items()}

#: The parameter names, in a fixed order (the registry's).
PARAMETERS: tuple[str, ...] = tuple(REGISTRY)


def check_parameter(name: str, value: Any) -> np.ndarray:
    """Convert ``value`` to a float array and check it lies in ``name``'s domain.

    Parameters
    ----------
    name : str
        A parameter name, one of :data:`PARAMETERS`.
    value : float or array_like
        The value(s) to check.

    Returns
    -------
    numpy.ndarray
        ``value`` as a float64 array (0-d for a scalar).

    Raises
    ------
    ParameterError
        If ``name`` is unknown, ``value`` is not numeric, or any element is
        NaN, infinite or outside the domain; the message names the
        parameter, the first offending value and the allowed range.

    Examples
    --------
    >>> check_parameter("share", 0.25)
    array(0.25)
    >>> check_parameter("survival", [0.5, 1.5])
    Traceback (most recent call last):
    ...
    kzgame.errors.ParameterError: survival = 1.5 is outside the allowed range [0, 1]
    """
    if name not in REGISTRY:
        raise ParameterError(
            f"unknown parameter {name!r}; known parameters: {', '.join(PARAMETERS)}"
        )
    return REGISTRY[name].check(value)


def positive_int(name: str, value: Any) -> int:
    """``value`` as an ``int`` if it is a positive integer, else :class:`ParameterError`.

    For counts (draws, samples, points per block).

    Examples
    --------
    >>> positive_int("n", 3)
    3
    >>> positive_int("n", 2.5)
    Traceback (most recent call last):
    ...
    kzgame.errors.ParameterError: n = 2.5: give a positive integer
    """
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ParameterError(f"{name} = {value!r}: give a positive integer")
    return int(value)


def _default(name: str) -> float:
    """The registry's default of a parameter that has one."""
    value = REGISTRY[name].default
    assert value is not None, f"{name} has no default"
    return value


@dataclass(frozen=True, kw_only=True)
class Period:
    """The parameters of one period of the game (MODEL.md, "Parameters").

    Parameters
    ----------
    share : float
        s, R's share of the regime's value under the status quo, in [0, 1].
    outside_r : float
        o_R, R's payoff if the regime collapses (any real number).
    outside_e : float
        o_E, E's payoff if the regime collapses (any real number).
    indispensability : float
        iota, fraction of the regime's value to E lost if R leaves, in [0, 1].
    survival : float
        q, probability the regime survives the period if R does not invest,
        in [0, 1].
    invest_cost : float
        c >= 0, R's cost of investing.
    surplus : float, default 1.0
        V > 0, the value the regime creates per period.
    power : float, default 0.5
        beta, R's bargaining power, in the open interval (0, 1); used by the
        ``nash`` protocol.
    holdup_cost : float, default 0.0
        h >= 0, R's cost of staging a hold-up.
    discount_r, discount_e : float, default 0.9
        delta_R, delta_E in [0, 1), the discount factors of the
        ``rubinstein`` protocol (ignored by the others).

    Raises
    ------
    ParameterError
        If any value is not a single real number (booleans, complex numbers,
        strings, bytes, datetimes, None, arrays and masked arrays are
        refused), or is NaN, infinite, or outside its domain.

    Warns
    -----
    NoSurplusWarning
        If o_R + o_E >= V: the regime creates no surplus over the outside
        options (allowed, but rarely what a calibration means).

    Examples
    --------
    >>> p = Period(share=0.6, outside_r=0.3, outside_e=0.1,
    ...            indispensability=0.8, survival=0.9, invest_cost=0.05)
    >>> p.stake_r, p.stake_e
    (0.3, 0.3)
    >>> Period(share=1.2, outside_r=0, outside_e=0, indispensability=0,
    ...        survival=1, invest_cost=0)
    Traceback (most recent call last):
    ...
    kzgame.errors.ParameterError: share = 1.2 is outside the allowed range [0, 1]
    """

    share: float
    outside_r: float
    outside_e: float
    indispensability: float
    survival: float
    invest_cost: float
    surplus: float = _default("surplus")
    power: float = _default("power")
    holdup_cost: float = _default("holdup_cost")
    discount_r: float = _default("discount_r")
    discount_e: float = _default("discount_e")

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if type(value) is float and DOMAINS[f.name].contains(value):
                continue  # a float in its domain: what the checks below leave it
            if isinstance(value, bool | np.bool_):
                raise ParameterError(
                    f"{f.name} must be a single number, got {value!r} (a boolean); give 0 or 1"
                )
            if isinstance(value, list | tuple):
                raise ParameterError(
                    f"{f.name} must be a single number, got {short_repr(value)}; "
                    "use kzgame.classify for arrays"
                )
            arr = check_parameter(f.name, value)  # real numbers only, in the domain
            if arr.ndim != 0:
                raise ParameterError(
                    f"{f.name} must be a single number, got an array of shape {arr.shape}; "
                    "use kzgame.classify for arrays"
                )
            object.__setattr__(self, f.name, float(arr))
        if self.outside_r + self.outside_e >= self.surplus:
            warnings.warn(
                f"outside_r + outside_e = {self.outside_r + self.outside_e:g} >= "
                f"surplus = {self.surplus:g}: the regime creates no surplus over the "
                "outside options",
                NoSurplusWarning,
                stacklevel=3,
            )

    @property
    def stake_r(self) -> float:
        """Delta_R = s V - o_R, what R loses if the regime collapses (``stake_r``)."""
        return float(DERIVED["stake_r"].evaluate(self.as_dict()))

    @property
    def stake_e(self) -> float:
        """Delta_E = (1 - s) V - o_E, what E loses if the regime collapses (``stake_e``)."""
        return float(DERIVED["stake_e"].evaluate(self.as_dict()))

    def as_dict(self) -> dict[str, Any]:
        """The parameters as a plain ``dict`` (name -> value)."""
        return {name: getattr(self, name) for name in PARAMETERS}  # asdict, without its copies

    def replace(self, **changes: float) -> Period:
        """A copy with some parameters changed (validated again).

        Examples
        --------
        >>> p = Period(share=0.5, outside_r=0.2, outside_e=0.1,
        ...            indispensability=0.5, survival=0.8, invest_cost=0.0)
        >>> p.replace(survival=1.0).survival
        1.0
        """
        unknown = set(changes) - set(PARAMETERS)
        if unknown:
            raise ParameterError(
                f"unknown parameter(s) {sorted(unknown)}; known parameters: {', '.join(PARAMETERS)}"
            )
        return Period(**{**self.as_dict(), **changes})
