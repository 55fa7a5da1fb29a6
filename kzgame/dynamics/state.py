"""The dynamic game's state and its law of motion.

The state at the start of a period is ``(s, k)`` and whether R is still in
the regime (exit and collapse are absorbing):

* ``s``, the **status quo share** (the period game's ``share``);
* ``k`` in [0, 1], the **investment stock**: the part of R's past
  investment that still holds the regime together.  The period's survival
  probability is ``q = qbar + k (1 - qbar)``, with ``qbar`` the path's
  ``survival`` (the regime's strength without R's past investment).

The law of motion (derived in ``docs/theory/dynamics.md``):

* investing makes the regime survive the period for sure (the period game)
  and leaves a stock ``k' = kappa`` (``kappa`` = :attr:`Dynamics.durability`);
  otherwise the stock decays geometrically, ``k' = kappa k``;
* a conceded hold-up's terms become the next status quo (the **ratchet**):
  ``s' = s + rho (s_H - s)``, where ``s_H`` is the share whose accept-level
  payoff equals R's bargained payoff (:func:`concession_share`) and
  ``rho`` = :attr:`Dynamics.ratchet`; otherwise ``s' = s``.

Examples
--------
>>> d = Dynamics(delta_r=0.8, delta_e=0.8, durability=0.5, ratchet=1.0)
>>> float(next_stock(0.5, 0.4, invest=False)), float(next_stock(0.5, 0.4, invest=True))
(0.2, 0.5)
>>> float(survival_of(0.4, 0.5))
0.7
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from ..errors import KzgameError, ParameterError
from ..game.registry import real_array

__all__ = [
    "DEFAULTS",
    "ConvergenceError",
    "Dynamics",
    "GridWarning",
    "ShareDomainWarning",
    "StateGrid",
    "concession_share",
    "next_share",
    "next_stock",
    "ratchet_limit",
    "share_domain_warning",
    "survival_of",
]


class ConvergenceError(KzgameError):
    """A value iteration did not converge within its iteration budget."""


class GridWarning(UserWarning):
    """The state grid's measured error exceeds the requested tolerance."""


class ShareDomainWarning(UserWarning):
    """The ratchet would take the status quo out of [0, 1] at some state; clipped there."""


def share_domain_warning(overshoot: tuple[float, float, float], where: str = "") -> None:
    """Warn (once per call) that the ratchet left [0, 1] off the path, with the worst case."""
    if overshoot[0] > 0:
        warnings.warn(
            f"the ratchet takes the status quo share out of [0, 1]{where} at some states: from "
            f"share {overshoot[1]:g} a conceded hold-up would lead to {overshoot[2]:.6g}; the "
            "next share is clipped to [0, 1] there (an equilibrium path through such a "
            "concession raises an error)", ShareDomainWarning, stacklevel=3)


#: The dynamic parameters' defaults and the rule each rests on (all assumptions: the
#: sources give no number for them; see docs/theory/dynamics.md, "Defaults").
DEFAULTS: dict[str, tuple[float, str]] = {
    "delta_r": (0.8, "assumption: per model-file period (2-6 years), about 0.93-0.96 a year"),
    "delta_e": (0.8, "assumption: the same patience for E as for R (no source distinguishes them)"),
    "durability": (0.5, "assumption: half an investment's effect on survival lasts one more "
                        "period (institutions outlast their founding, but decay without upkeep)"),
    "ratchet": (1.0, "the literal reading of MODEL.md: a conceded hold-up's terms become the "
                     "next status quo in full"),
}


def _unit(name: str, value: Any, *, open_high: bool = False) -> float:
    arr = real_array(name, value)
    if arr.ndim:
        raise ParameterError(f"{name} must be one number, got an array of shape {arr.shape}")
    x = float(arr)
    ok = math.isfinite(x) and 0.0 <= x and (x < 1.0 if open_high else x <= 1.0)
    if not ok:
        rng = "[0, 1)" if open_high else "[0, 1]"
        raise ParameterError(f"{name} = {x!r} is outside the allowed range {rng}")
    return x


@dataclass(frozen=True)
class Dynamics:
    """The parameters of the dynamic game that a period does not have.

    Parameters
    ----------
    delta_r, delta_e : float, default 0.8
        R's and E's discount factors per step of the path, in [0, 1).
        (Not the ``discount_r``/``discount_e`` of the Rubinstein protocol,
        which discount between offers within a period.)
    durability : float, default 0.5
        ``kappa`` in [0, 1]: the share of the investment stock that lasts
        into the next period (0: investment lasts one period, as in the
        period game; 1: it lasts for ever).
    ratchet : float, default 1.0
        ``rho`` in [0, 1]: how much of a conceded hold-up's gain in terms
        carries into the next status quo (0: concessions are one-off).

    Raises
    ------
    ParameterError
        A value outside its range, naming it.

    Examples
    --------
    >>> Dynamics(delta_r=1.0)
    Traceback (most recent call last):
    ...
    kzgame.errors.ParameterError: delta_r = 1.0 is outside the allowed range [0, 1)
    """

    delta_r: float = DEFAULTS["delta_r"][0]
    delta_e: float = DEFAULTS["delta_e"][0]
    durability: float = DEFAULTS["durability"][0]
    ratchet: float = DEFAULTS["ratchet"][0]

    def __post_init__(self) -> None:
        for f in fields(self):
            v = _unit(f.name, getattr(self, f.name), open_high=f.name.startswith("delta"))
            object.__setattr__(self, f.name, v)

    def replace(self, **changes: float) -> Dynamics:
        """A copy with some values changed (checked again)."""
        return Dynamics(**{**self.as_dict(), **changes})

    def as_dict(self) -> dict[str, float]:
        """The four values by name."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


#: Most points a state grid may have (arrays are (points, grid) large).
MAX_GRID: int = 1_000_000


@dataclass(frozen=True)
class StateGrid:
    """A uniform grid over the state: ``n_share`` shares and ``n_stock`` stocks in [0, 1].

    Values between grid points are interpolated bilinearly, which is the same
    as moving to the neighbouring grid points with the interpolation weights
    as probabilities (the discretized game :mod:`kzgame.dynamics.exact`
    builds as a tree).

    Examples
    --------
    >>> g = StateGrid(5, 3)
    >>> g.shares.tolist(), g.stocks.tolist(), g.size
    ([0.0, 0.25, 0.5, 0.75, 1.0], [0.0, 0.5, 1.0], 15)
    >>> g.refined().shape
    (9, 5)
    """

    n_share: int = 41
    n_stock: int = 21

    def __post_init__(self) -> None:
        for name in ("n_share", "n_stock"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int | np.integer) or v < 2:
                raise ParameterError(f"{name} = {v!r}: a grid needs an integer of at least 2 "
                                     "points per axis")
            object.__setattr__(self, name, int(v))
        if self.size > MAX_GRID:
            raise ParameterError(f"state grid of {self.size:,} points is larger than "
                                 f"{MAX_GRID:,}; use fewer points per axis")

    @property
    def shape(self) -> tuple[int, int]:
        """``(n_share, n_stock)``."""
        return (self.n_share, self.n_stock)

    @property
    def size(self) -> int:
        """The number of grid points."""
        return self.n_share * self.n_stock

    @property
    def shares(self) -> np.ndarray:
        """The grid's shares, ``n_share`` points from 0 to 1."""
        return np.linspace(0.0, 1.0, self.n_share)

    @property
    def stocks(self) -> np.ndarray:
        """The grid's investment stocks, ``n_stock`` points from 0 to 1."""
        return np.linspace(0.0, 1.0, self.n_stock)

    def refined(self) -> StateGrid:
        """The grid with each cell halved (its points are a subset of the new grid's)."""
        return StateGrid(2 * self.n_share - 1, 2 * self.n_stock - 1)

    def locate(self, axis: int, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Lower neighbour index and weight of the upper one, for ``x`` in [0, 1] on ``axis``."""
        n = self.shape[axis]
        pos = np.clip(np.asarray(x, dtype=float), 0.0, 1.0) * (n - 1)
        i = np.minimum(np.floor(pos).astype(np.intp), n - 2)
        return i, pos - i


def survival_of(qbar: Any, k: Any) -> np.ndarray:
    """The period's survival probability ``q = qbar + k (1 - qbar)``."""
    qbar = np.asarray(qbar, dtype=float)
    return qbar + np.asarray(k, dtype=float) * (1.0 - qbar)


def next_stock(kappa: Any, k: Any, *, invest: bool) -> np.ndarray:
    """Next period's investment stock: ``kappa`` after investing, else ``kappa k``."""
    kappa = np.asarray(kappa, dtype=float)
    return kappa * (1.0 if invest else np.asarray(k, dtype=float))


def concession_share(s: Any, *, surplus: Any, outside_r: Any, outside_e: Any,
                     indispensability: Any, power: Any) -> np.ndarray:
    """The share ``s_H`` that gives R its bargained payoff as a status quo.

    R's payoff from a conceded hold-up (before its cost h) is
    ``o_R + beta q (Delta_R + iota Delta_E)``; the share ``s_H`` with
    ``q s_H V + (1 - q) o_R`` equal to it is
    ``s_H = s + (beta iota Delta_E - (1 - beta) Delta_R) / V``
    (independent of q; derived in ``docs/theory/dynamics.md`` and checked
    against the period game's tree in the tests).

    Examples
    --------
    >>> float(concession_share(0.5, surplus=1, outside_r=0.35, outside_e=-0.1,
    ...                        indispensability=0.8, power=0.35))
    0.5705
    """
    s = np.asarray(s, dtype=float)
    V = np.asarray(surplus, dtype=float)
    dr = s * V - outside_r
    de = (1.0 - s) * V - outside_e
    beta = np.asarray(power, dtype=float)
    return s + (beta * indispensability * de - (1.0 - beta) * dr) / V


def next_share(s: Any, s_h: Any, rho: Any) -> np.ndarray:
    """Next status quo after a conceded hold-up: ``s + rho (s_H - s)``."""
    s = np.asarray(s, dtype=float)
    return s + np.asarray(rho, dtype=float) * (np.asarray(s_h, dtype=float) - s)


def ratchet_limit(*, surplus: Any, outside_r: Any, outside_e: Any, indispensability: Any,
                  power: Any, survival: Any = 1.0, holdup_cost: Any = 0.0
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Closed forms of the ratchet: its fixed point and the share where hold-ups stop.

    ``s_H - s = (1 - beta + beta iota)(s* - s)`` with the fixed point

        s* = (beta iota (V - o_E) + (1 - beta) o_R) / (V (1 - beta + beta iota)),

    so each conceded hold-up (ratchet rho) closes the share of the gap
    ``rho (1 - beta + beta iota)`` to ``s*``; and R's hold-up gain in the period
    game, ``G_H = q V (s_H - s) - h``, is positive iff
    ``s < s* - h / (q V (1 - beta + beta iota))``, the stop share (for q > 0).

    Returns
    -------
    (s_star, s_stop) : ndarray
        Not clipped to [0, 1].

    Examples
    --------
    >>> s_star, s_stop = ratchet_limit(surplus=1, outside_r=0.35, outside_e=-0.1,
    ...                                indispensability=0.8, power=0.35, survival=0.8,
    ...                                holdup_cost=0.05)
    >>> round(float(s_star), 4), round(float(s_stop), 4)
    (0.5758, 0.5086)
    """
    V = np.asarray(surplus, dtype=float)
    beta, iota = np.asarray(power, dtype=float), np.asarray(indispensability, dtype=float)
    a = 1.0 - beta + beta * iota
    s_star = (beta * iota * (V - outside_e) + (1.0 - beta) * np.asarray(outside_r)) / (V * a)
    with np.errstate(divide="ignore"):
        s_stop = s_star - np.asarray(holdup_cost, dtype=float) / (
            np.asarray(survival, dtype=float) * V * a)
    return s_star, s_stop
