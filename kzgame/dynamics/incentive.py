"""E's dynamic incentive: where E refuses a hold-up it would concede in a single period.

In the period game E concedes iff the gains from agreement are not negative,
``G = q (Delta_R + iota Delta_E) >= 0``.  In the dynamic game it compares
values: conceding gives the bargained flow and, if the regime survives,
next period at the ratcheted share ``s'``; refusing gives the breakdown
and E's value after R's exit at the old share.  E refuses a hold-up it would
concede alone iff (``docs/theory/dynamics.md``)

    0 <= (1 - beta) G < delta_E [X_E(s) - q W_E(s', kappa k) - (1 - q) Omega_E],

the bracket being what the concession costs E in the future (the demands it
invites).  :func:`refusal_region` maps it in the stationary game over the
share and one more axis.

Examples
--------
>>> reg = refusal_region({"outside_r": 0.35, "outside_e": -0.1, "indispensability": 0.8,
...                       "survival": 0.8, "invest_cost": 0.15, "power": 0.35,
...                       "holdup_cost": 0.05}, y="delta_e", ys=[0.0, 0.9],
...                      grid=StateGrid(11, 3))
>>> bool(reg.reluctant[0].any())  # with delta_E = 0 E is never reluctant
False
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from ..errors import ParameterError
from .path import NAMES
from .state import ConvergenceError, Dynamics, StateGrid
from .stationary import solve_stationary

__all__ = ["RefusalRegion", "refusal_region"]


@dataclass(frozen=True)
class RefusalRegion:
    """E's replies on a grid of (y, share), stationary game, at one investment stock.

    Attributes
    ----------
    y : str
        The second axis: a field of :class:`Dynamics` or a period parameter.
    ys, shares : ndarray
    static_concede, dynamic_concede : ndarray of bool, shape (len(ys), len(shares))
    stock : float
    undetermined : ndarray of bool, shape (len(ys),)
        Values of y where value iteration found no pure stationary equilibrium
        (:class:`~kzgame.dynamics.state.ConvergenceError`); their rows are False.
    """

    y: str
    ys: np.ndarray
    shares: np.ndarray
    static_concede: np.ndarray
    dynamic_concede: np.ndarray
    stock: float
    undetermined: np.ndarray

    @property
    def determined(self) -> np.ndarray:
        """Rows (y values) where value iteration reached a stationary equilibrium."""
        return ~self.undetermined

    @property
    def reluctant(self) -> np.ndarray:
        """Where E would concede in a single period but refuses in the dynamic game."""
        return self.static_concede & ~self.dynamic_concede & self.determined[:, None]


def refusal_region(values: Mapping[str, Any], dynamics: Dynamics | None = None,
                   grid: StateGrid | None = None, *, y: str = "delta_e",
                   ys: Sequence[float] | np.ndarray | None = None,
                   stock: float = 0.0, protocol: str = "nash", tol: float = 1e-8
                   ) -> RefusalRegion:
    """E's static and dynamic replies to a hold-up over (``y``, share).

    Parameters
    ----------
    values : mapping
        The period's parameters (the stationary game's).
    dynamics : Dynamics, optional
    grid : StateGrid, optional
        The share axis is the grid's; ``stock`` is rounded to its nearest stock.
    y : str
        ``delta_r``, ``delta_e``, ``durability``, ``ratchet`` or a period parameter.
    ys : sequence of float, optional
        Its values (each checked; default 20 values from 0 to 0.95).
    """
    dyn = dynamics or Dynamics()
    grid = grid or StateGrid(41, 11)
    ys = np.linspace(0.0, 0.95, 20) if ys is None else np.asarray(ys, dtype=float).ravel()
    if ys.size == 0 or ys.size > 1000:
        raise ParameterError(f"ys: give 1 to 1000 values, got {ys.size}")
    j = int(round(float(stock) * (grid.n_stock - 1)))
    if not 0 <= j < grid.n_stock:
        raise ParameterError(f"stock = {stock!r} is outside the allowed range [0, 1]")
    dyn_fields = [f.name for f in fields(Dynamics)]
    if y not in dyn_fields and (y not in NAMES or y == "share"):
        raise ParameterError(f"y = {y!r}: give one of {', '.join(dyn_fields)} or a period "
                             "parameter other than share")

    def one(v: float) -> tuple[np.ndarray, np.ndarray] | None:
        d, vals = (dyn.replace(**{y: v}), values) if y in dyn_fields else (dyn, {**values, y: v})
        try:
            sol = solve_stationary(vals, d, grid, protocol=protocol, tol=tol)
        except ConvergenceError:
            return None
        return sol.static_concede[0, :, j], sol.concede[0, :, j]

    rows = [one(float(v)) for v in ys]
    blank = np.zeros(grid.n_share, dtype=bool)
    static = np.array([r[0] if r else blank for r in rows])
    dynamic = np.array([r[1] if r else blank for r in rows])
    undetermined = np.array([r is None for r in rows])
    return RefusalRegion(y, ys, grid.shares, static, dynamic, float(grid.stocks[j]),
                         undetermined)
