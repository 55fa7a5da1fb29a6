"""The stationary infinite-horizon game: value iteration to a Markov-perfect fixed point.

The parameters are the same every period; the values ``W = (W_R, W_E)`` on
the state grid solve ``W = B(W)``, with ``B`` the period solved with
continuation ``W`` (:func:`kzgame.dynamics.bellman.step`).  Value iteration
starts from ``W = 0`` (so its n-th iterate is the n-period game's value) and
stops when ``max |B(W) - W| <= tol (1 - delta) / delta`` with
``delta = max(delta_R, delta_E)``; once the policy has settled, ``B`` is a
contraction of modulus ``delta`` for each player's value, and the reported
``bound = delta / (1 - delta) max |B(W) - W|`` bounds the distance to the
fixed point.  A policy that keeps switching raises :class:`ConvergenceError`.

Examples
--------
>>> sol = solve_stationary({"outside_r": 0.1, "outside_e": 0.0, "indispensability": 0.5,
...                         "survival": 0.6, "invest_cost": 0.05}, grid=StateGrid(11, 5))
>>> sol.bound <= 1e-10, sol.policy((0.5, 0.0))
(True, 'invest')
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import ParameterError
from .bellman import Next, as_points, exit_values, step
from .path import NAMES, check_value
from .state import ConvergenceError, Dynamics, GridWarning, StateGrid, share_domain_warning

__all__ = ["GridReport", "StationarySolution", "refine_grid", "solve_stationary"]

OUTCOMES: tuple[str, ...] = ("accept", "invest", "hold-up", "exit")


@dataclass(frozen=True)
class StationarySolution:
    """The stationary game's Markov-perfect equilibrium on a grid.

    Attributes
    ----------
    grid : StateGrid
    dynamics : Dynamics
    value_r, value_e : ndarray (P, n_share, n_stock)
        The players' values at each state (P parameter points; P = 1 for scalars).
    code : ndarray of int8 (P, n_share, n_stock)
        R's outcome at each state (0 accept, 1 invest, 2 hold-up, 3 exit).
    concede : ndarray of bool
        E's reply to a hold-up at each state.
    static_concede : ndarray of bool
        E's reply in the period game alone.
    next : Next
        The values as next period's (to continue a finite path with).
    iterations : int
    residual : float
        ``max |B(W) - W|`` at the last iteration.
    bound : float
        The bound on the distance to the fixed point.
    """

    grid: StateGrid
    dynamics: Dynamics
    value_r: np.ndarray
    value_e: np.ndarray
    code: np.ndarray
    concede: np.ndarray
    static_concede: np.ndarray
    next: Next
    iterations: int
    residual: float
    bound: float

    def policy(self, state: tuple[float, float], point: int = 0) -> str:
        """R's outcome at the grid point nearest ``state = (share, stock)``."""
        i = int(round(state[0] * (self.grid.n_share - 1)))
        j = int(round(state[1] * (self.grid.n_stock - 1)))
        return OUTCOMES[int(self.code[point, i, j])]


def _values(values: Mapping[str, Any]) -> dict[str, np.ndarray]:
    from ..game.registry import REGISTRY

    out = {}
    values = {"share": 0.5, **values}  # the share is the state: its value is not used
    missing = [n for n in NAMES if n not in values and REGISTRY[n].default is None]
    if missing:
        raise ParameterError(f"no value for {', '.join(missing)} (required: no default)")
    for name in NAMES:
        out[name] = check_value(name, values.get(name, REGISTRY[name].default))
    for name in values:
        check_value(name, values[name])
    shapes = {a.shape for a in out.values() if a.ndim}
    if len(shapes) > 1 or any(len(s) > 1 for s in shapes):
        raise ParameterError(f"parameter arrays must be one-dimensional and of one length, got "
                             f"shapes {sorted(shapes)}")
    return as_points(out)


def solve_stationary(values: Mapping[str, Any], dynamics: Dynamics | None = None,
                     grid: StateGrid | None = None, *, protocol: str = "nash",
                     tol: float = 1e-10, max_iter: int | None = None,
                     atol: float = 0.0) -> StationarySolution:
    """Value iteration for the stationary game with the period parameters ``values``.

    Parameters
    ----------
    values : mapping
        The period game's parameters (scalars or 1-D arrays of P points;
        missing ones take the registry's defaults).  ``share`` is not used
        (it is the state).
    dynamics : Dynamics, optional
    grid : StateGrid, optional
    protocol : str, default "nash"
    tol : float, default 1e-10
        The bound on the distance to the fixed point to reach.
    max_iter : int, optional
        Iteration budget (default: enough for a contraction of modulus
        ``delta`` plus 200).
    atol : float, default 0
        Tie tolerance (see :func:`kzgame.dynamics.bellman.step`).

    Raises
    ------
    ParameterError
        On bad parameters.
    ConvergenceError
        If the budget runs out (the policy keeps switching).
    """
    dyn = dynamics or Dynamics()
    grid = grid or StateGrid()
    if not (isinstance(tol, float | int) and not isinstance(tol, bool) and 0 < tol < 1):
        raise ParameterError(f"tol = {tol!r}: give a number in (0, 1)")
    th = _values(values)
    P = th["surplus"].shape[0]
    delta = max(dyn.delta_r, dyn.delta_e)
    flat = {k: v[:, 0, 0] for k, v in th.items()}
    om_r = flat["outside_r"] / (1 - dyn.delta_r)
    om_e = flat["outside_e"] / (1 - dyn.delta_e)
    a, b = exit_values(flat, Dynamics(0.0, 0.0, dyn.durability, dyn.ratchet), None)[2:]
    x_a, x_b = a / (1 - dyn.delta_e), b / (1 - dyn.delta_e)
    s = grid.shares[None, :, None]
    k = grid.stocks[None, None, :]
    w_r = np.zeros((P, *grid.shape))
    w_e = np.zeros((P, *grid.shape))
    scale = 1.0 + max(float(np.max(np.abs(v))) for v in (th["surplus"], th["outside_r"],
                                                            th["outside_e"], th["invest_cost"],
                                                            th["holdup_cost"]))
    stop = tol * (1 - delta) / delta if delta > 0 else math.inf
    if max_iter is None:
        max_iter = 200 + (int(math.log(stop / (scale / (1 - delta))) / math.log(delta)) * 2
                          if delta > 0 else 0)
    res = None
    residual = math.inf
    two_back = (w_r, w_e)
    period2 = math.inf
    for it in range(1, max_iter + 1):
        nxt = Next(w_r, w_e, om_r, om_e, x_a, x_b)
        res = step(th, dyn, grid, s, k, nxt, protocol=protocol, atol=atol, on_grid=True,
                   on_domain="clip")
        residual = float(max(np.max(np.abs(res.value_r - w_r)), np.max(np.abs(res.value_e - w_e))))
        period2 = float(max(np.max(np.abs(res.value_r - two_back[0])),
                            np.max(np.abs(res.value_e - two_back[1]))))
        two_back = (w_r, w_e)
        w_r, w_e = res.value_r, res.value_e
        if residual <= stop or delta == 0:
            share_domain_warning(res.overshoot)
            bound = delta / (1 - delta) * residual
            return StationarySolution(grid, dyn, w_r, w_e, res.code, res.concede,
                                      res.static_concede, Next(w_r, w_e, om_r, om_e, x_a, x_b),
                                      it, residual, bound)
    raise ConvergenceError(
        f"value iteration did not reach tol = {tol:g} in {max_iter} iterations (last change "
        f"{residual:.3g}, over two steps {period2:.3g}): the policy keeps switching, so no pure "
        "stationary Markov equilibrium is reached (for instance E concedes only if it will "
        "refuse later); use a finite horizon without the stationary continuation, or other "
        "discount factors")


@dataclass(frozen=True)
class GridReport:
    """How the grid was refined and the error measured at the end.

    Attributes
    ----------
    grids : tuple of StateGrid
        The grids tried, coarsest first.
    errors : tuple of float
        ``max |W_fine - W_coarse|`` at the coarse grid's points, per refinement.
    changed : tuple of float
        Share of the coarse grid's points whose outcome changed, per refinement.
    error : float
        The last measured grid error (the reported bound on the grid error,
        estimated by one refinement).
    converged : bool
        Whether the error is within the tolerance and the watched policy stopped changing.
    """

    grids: tuple[StateGrid, ...]
    errors: tuple[float, ...]
    changed: tuple[float, ...]
    error: float
    converged: bool


def refine_grid(solve: Callable[[StateGrid], Any], grid: StateGrid, grid_tol: float, *,
                max_levels: int = 3, watch: Callable[[Any], Any] | None = None,
                measure: Callable[[Any, Any], float] | None = None
                ) -> tuple[Any, GridReport]:
    """Solve on ``grid``, halve its cells until the values and the policy stop changing.

    Parameters
    ----------
    solve : callable
        ``solve(grid)`` -> a solution with ``value_r``, ``value_e`` and
        ``code`` arrays whose last two axes are the grid
        (:func:`solve_stationary`, :func:`kzgame.dynamics.finite.solve_finite`).
    grid : StateGrid
        The coarsest grid.
    grid_tol : float
        The largest value change at the coarse points allowed.
    max_levels : int, default 3
        Most refinements.
    watch : callable, optional
        ``watch(solution)`` -> what must stop changing (default: the outcome
        at the coarse grid's points).
    measure : callable, optional
        ``measure(fine, coarse)`` -> the error (default: the largest change of
        the values at the coarse grid's points; a value function that jumps
        where a policy switches keeps this large, so a caller interested in
        one path can measure the change along it).

    Returns
    -------
    (solution, GridReport)
        The finest solution computed.

    Warns
    -----
    GridWarning
        If the error is above ``grid_tol`` (or the watched policy still
        changes) after ``max_levels`` refinements, with the measured error.
    """
    if not (isinstance(grid_tol, float | int) and grid_tol > 0):
        raise ParameterError(f"grid_tol = {grid_tol!r}: give a positive number")
    sol = solve(grid)
    grids, errors, changed = [grid], [], []
    converged = False
    for _ in range(max_levels):
        fine_grid = grids[-1].refined()
        fine = solve(fine_grid)
        sub = (..., slice(None, None, 2), slice(None, None, 2))
        err = float(measure(fine, sol)) if measure else float(
            max(np.max(np.abs(fine.value_r[sub] - sol.value_r)),
                np.max(np.abs(fine.value_e[sub] - sol.value_e))))
        ch = float(np.mean(fine.code[sub] != sol.code))
        same = (watch(fine) == watch(sol)) if watch else ch == 0.0
        grids.append(fine_grid)
        errors.append(err)
        changed.append(ch)
        sol = fine
        if err <= grid_tol and bool(same):
            converged = True
            break
    error = errors[-1] if errors else math.nan
    if not converged:
        warnings.warn(
            f"state grid {grids[-1].shape}: measured grid error {error:.3g} (values' change "
            f"at the last refinement; tolerance {grid_tol:g}), outcome changed at "
            f"{changed[-1] if changed else math.nan:.1%} of the points; the policy's switching "
            "lines move with the grid", GridWarning, stacklevel=2)
    return sol, GridReport(tuple(grids), tuple(errors), tuple(changed), error, converged)
