"""The finite-horizon dynamic game: backward induction over a state grid.

Steps t = T, T-1, ..., 1: step t is the period game at every grid state with
step t+1's values as continuation (:func:`kzgame.dynamics.bellman.step`),
vectorized over the grid and the path's parameter points.  After step T the
game ends (``terminal=None``) or continues as the stationary game at step
T's parameters (``terminal="stationary"``: the world does not end with the
last period of a model file).

Expectations: ``"anticipation"`` (the players know the path) or
``"myopic"`` (at each step they expect that step's parameters to last: step
t is decided with the continuation of the game whose path is step t's
values held, :meth:`kzgame.dynamics.path.ParameterPath.held`).

Examples
--------
>>> from kzgame.dynamics.path import ParameterPath
>>> path = ParameterPath.from_function(
...     lambda t: {"outside_r": 0.0 if t < 3 else 0.35, "outside_e": -0.1,
...                "indispensability": 0.8, "survival": 0.6, "invest_cost": 0.1, "share": 0.5,
...                "power": 0.35, "holdup_cost": 0.05}, 4)
>>> sol = solve_finite(path, grid=StateGrid(11, 5))
>>> [sol.policy(t, (0.5, 0.0)) for t in range(4)]
['invest', 'invest', 'invest', 'accept']
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import ParameterError
from .bellman import Next, as_points, bargaining_weight, exit_values, step
from .path import ParameterPath
from .state import Dynamics, StateGrid, share_domain_warning
from .stationary import OUTCOMES, solve_stationary

__all__ = ["EXPECTATIONS", "TERMINALS", "FiniteSolution", "solve_finite"]

#: What the players expect of the path.
EXPECTATIONS: tuple[str, ...] = ("anticipation", "myopic")
#: What follows the last step.
TERMINALS: tuple[str | None, ...] = (None, "stationary")
#: Most numbers the stored value arrays may hold (T x P x grid x 2 players).
MAX_STORED: int = 60_000_000


@dataclass(frozen=True)
class FiniteSolution:
    """The finite game's Markov-perfect equilibrium on a grid.

    Attributes
    ----------
    path : ParameterPath
    dynamics : Dynamics
    grid : StateGrid
    protocol : str
    expectations : str
    codes : ndarray of int8 (T, P, n_share, n_stock) or None
        R's outcome at each step and grid state (None when ``store=False``).
    concedes, static_concedes : ndarray of bool or None
        E's reply to a hold-up, dynamic and in the period game alone.
    values_r, values_e : ndarray (T, P, n_share, n_stock) or None
        The values at each step (as the players expect them, for ``myopic``).
    value_r, value_e, code : ndarray (P, n_share, n_stock)
        Step 1's values and outcomes (for :func:`kzgame.dynamics.stationary.refine_grid`).
    nexts : tuple of (Next or None)
        The continuation each step is decided with (None: the game ends).
    """

    path: ParameterPath
    dynamics: Dynamics
    grid: StateGrid
    protocol: str
    expectations: str
    atol: float
    codes: np.ndarray | None
    concedes: np.ndarray | None
    static_concedes: np.ndarray | None
    values_r: np.ndarray | None
    values_e: np.ndarray | None
    value_r: np.ndarray
    value_e: np.ndarray
    code: np.ndarray
    nexts: tuple[Next | None, ...]

    @property
    def T(self) -> int:
        """The number of steps."""
        return self.path.T

    def policy(self, t: int, state: tuple[float, float], point: int = 0) -> str:
        """R's outcome at step ``t`` (0-based) at the grid point nearest ``(share, stock)``."""
        if self.codes is None:
            raise ParameterError("the solution was computed with store=False; only step 1 kept")
        i = int(round(state[0] * (self.grid.n_share - 1)))
        j = int(round(state[1] * (self.grid.n_stock - 1)))
        return OUTCOMES[int(self.codes[t, point, i, j])]

    def to_xarray(self) -> Any:
        """Values, outcomes and E's replies over ``t`` and the state grid as an
        :class:`xarray.Dataset` (:func:`kzgame.analysis.frames.finite_xarray`; needs the
        ``frames`` extra)."""
        from ..analysis.frames import finite_xarray

        return finite_xarray(self)

    def decide(self, t: int, share: Any, stock: Any) -> Any:
        """Step ``t`` solved at arbitrary states (arrays of P points or scalars).

        Returns the :class:`kzgame.dynamics.bellman.StepResult` at the states,
        shape (P, 1, 1) for scalars: the choice at an off-grid state uses the
        interpolated continuation, not the nearest grid point's policy.
        """
        th = as_points(self.path.at(t))
        P = th["surplus"].shape[0]
        s = np.broadcast_to(np.asarray(share, dtype=float).reshape(-1, 1, 1), (P, 1, 1))
        k = np.broadcast_to(np.asarray(stock, dtype=float).reshape(-1, 1, 1), (P, 1, 1))
        return step(th, self.dynamics, self.grid, s, k, self.nexts[t], protocol=self.protocol,
                    atol=self.atol, keep_actions=True, where=f" at step {self.path.labels[t]!r}",
                    on_domain="clip")


def _backward(path: ParameterPath, dyn: Dynamics, grid: StateGrid, protocol: str,
              terminal: str | None, atol: float, store: bool, tol: float,
              cache: dict | None = None) -> Any:
    T = path.T
    s = grid.shares[None, :, None]
    k = grid.stocks[None, None, :]
    nxt: Next | None = None
    if terminal == "stationary":
        values = path.at(T - 1)
        key = tuple((kk, np.asarray(v).tobytes()) for kk, v in sorted(values.items()))
        if cache is not None and key in cache:
            last = cache[key]
        else:
            last = solve_stationary(dict(values), dyn, grid, protocol=protocol, tol=tol,
                                    atol=atol)
            if cache is not None:
                cache[key] = last
        nxt = last.next
    nexts: list[Next | None] = [None] * T
    out: dict[str, list] = {"code": [], "concede": [], "static": [], "vr": [], "ve": []}
    res = None
    worst = (0.0, float("nan"), float("nan"))
    for t in range(T - 1, -1, -1):
        th = as_points(path.at(t))
        nexts[t] = nxt
        res = step(th, dyn, grid, s, k, nxt, protocol=protocol, atol=atol, on_grid=True,
                   where=f" at step {path.labels[t]!r}", on_domain="clip")
        if res.overshoot[0] > worst[0]:
            worst = res.overshoot
        flat = {kk: v[:, 0, 0] for kk, v in th.items()}
        om_r, om_e, x_a, x_b = exit_values(flat, dyn, nxt)
        nxt = Next(res.value_r, res.value_e, om_r, om_e, x_a, x_b)
        if store:
            out["code"].append(res.code)
            out["concede"].append(res.concede)
            out["static"].append(res.static_concede)
            out["vr"].append(res.value_r)
            out["ve"].append(res.value_e)
    if not store:
        nexts = [nexts[0]]
    stored = {kk: (np.stack(v[::-1]) if store else None) for kk, v in out.items()}
    share_domain_warning(worst)
    return res, stored, nexts


def solve_finite(path: ParameterPath, dynamics: Dynamics | None = None,
                 grid: StateGrid | None = None, *, T: int | None = None,
                 protocol: str = "nash", terminal: str | None = None,
                 expectations: str = "anticipation", atol: float = 0.0, tol: float = 1e-10,
                 store: bool = True) -> FiniteSolution:
    """Backward induction for the dynamic game over ``T`` steps of ``path``.

    Parameters
    ----------
    path : ParameterPath
        The exogenous parameters per step (one or P points).
    dynamics : Dynamics, optional
        Discount factors, durability, ratchet (defaults: :data:`kzgame.dynamics.state.DEFAULTS`).
    grid : StateGrid, optional
        The state grid (default 41 x 21).
    T : int, optional
        The horizon (default: the whole path).
    protocol : {"nash", "rubinstein", "ultimatum"}
    terminal : {None, "stationary"}
        What follows step T.
    expectations : {"anticipation", "myopic"}
    atol : float
        Tie tolerance.
    tol : float
        Tolerance of the stationary continuation (``terminal="stationary"``).
    store : bool, default True
        Keep every step's values and outcomes (else only step 1's).

    Raises
    ------
    ParameterError
        A path shorter than T, an unknown option, arrays too large to store.

    Warns
    -----
    ShareDomainWarning
        If the ratchet would take the share out of [0, 1] at some grid state
        (clipped there; :func:`kzgame.dynamics.equilibrium_path` raises if the
        path goes through such a concession).
    """
    dyn = dynamics or Dynamics()
    grid = grid or StateGrid()
    if not isinstance(path, ParameterPath):
        raise ParameterError(f"path must be a kzgame.dynamics.ParameterPath, got "
                             f"{type(path).__name__}")
    if T is not None:
        path = path.head(T)
    if terminal not in TERMINALS:
        raise ParameterError(f"terminal = {terminal!r}; give None or 'stationary'")
    if expectations not in EXPECTATIONS:
        raise ParameterError(f"expectations = {expectations!r}; give one of "
                             f"{', '.join(EXPECTATIONS)}")
    if isinstance(atol, bool) or not isinstance(atol, float | int) or not 0 <= atol < np.inf:
        raise ParameterError(f"atol = {atol!r}: give a non-negative number")
    bargaining_weight(protocol, path.at(0))
    P = int(np.prod(path.points)) if path.points else 1
    if store and 2 * path.T * P * grid.size > MAX_STORED:
        raise ParameterError(f"storing {path.T} steps x {P:,} points x {grid.size:,} states "
                             f"is more than {MAX_STORED:,} numbers; pass store=False")
    if expectations == "anticipation":
        res, st, nexts = _backward(path, dyn, grid, protocol, terminal, atol, store, tol)
        return FiniteSolution(path, dyn, grid, protocol, expectations, float(atol),
                              st["code"], st["concede"], st["static"], st["vr"], st["ve"],
                              res.value_r, res.value_e, res.code, tuple(nexts))
    # myopic: step t is the first step of the game with step t's values held
    steps = []
    cache: dict = {}  # steps with the same values share their stationary continuation
    for t in range(path.T):
        r, st, nx = _backward(path.held(t), dyn, grid, protocol, terminal, atol, False, tol,
                              cache)
        steps.append((r, nx[0]))
    first = steps[0][0]

    def stack(attr):
        return np.stack([getattr(r, attr) for r, _ in steps]) if store else None

    return FiniteSolution(path, dyn, grid, protocol, expectations, float(atol),
                          stack("code"), stack("concede"), stack("static_concede"),
                          stack("value_r"), stack("value_e"), first.value_r, first.value_e,
                          first.code, tuple(nx for _, nx in steps))
