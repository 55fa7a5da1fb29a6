"""The equilibrium path: what happens step by step from an initial state.

At each step the players solve the period at the actual state (share,
stock) with the solution's continuation, so a state between grid points
uses the interpolated values rather than a neighbour's policy.  The path is
reported conditional on the regime standing: ``standing`` is the
probability that it has not collapsed before the step (accept and a
conceded hold-up survive with probability q), and a step after R's exit (or
a refused hold-up) is ``out``.

Examples
--------
>>> from kzgame.dynamics import ParameterPath, StateGrid, solve_finite
>>> path = ParameterPath.constant({"outside_r": 0.35, "outside_e": -0.1,
...                                "indispensability": 0.8, "survival": 0.8,
...                                "invest_cost": 0.15, "power": 0.35,
...                                "holdup_cost": 0.05, "share": 0.5}, 3)
>>> p = equilibrium_path(solve_finite(path, grid=StateGrid(21, 5)), share=0.5)
>>> [(s.strategy, round(s.share, 4)) for s in p.steps]
[('hold-up', 0.5), ('accept', 0.5705), ('accept', 0.5705)]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import ParameterError
from .bellman import as_points, flows
from .finite import FiniteSolution
from .state import next_stock
from .stationary import OUTCOMES

__all__ = ["DynamicPath", "PathStep", "equilibrium_path"]


@dataclass(frozen=True)
class PathStep:
    """One step of the equilibrium path.

    Attributes
    ----------
    label : str
    strategy : str
        R's outcome: accept, invest, hold-up, exit (exit also for a refused
        hold-up), or ``out`` after R has left.
    e_reply : str
        E's answer to a hold-up at this state ("concede" or "refuse"), played
        or not.
    static_e_reply : str
        E's answer in the period game alone at this state.
    share, stock, survival : float
        The state and the period's survival probability.
    payoff_r, payoff_e : float
        The period's payoffs (flows) of the outcome.
    value_r, value_e : float
        The players' values of the state (the flow plus the discounted future).
    standing : float
        Probability that the regime stands (no collapse) at the step's start.
    margin : float
        R's chosen value minus its best other action's (0: a tie).
    """

    label: str
    strategy: str
    e_reply: str
    static_e_reply: str
    share: float
    stock: float
    survival: float
    payoff_r: float
    payoff_e: float
    value_r: float
    value_e: float
    standing: float
    margin: float


@dataclass(frozen=True)
class DynamicPath:
    """The equilibrium path of a :class:`~kzgame.dynamics.finite.FiniteSolution`."""

    steps: tuple[PathStep, ...]
    expectations: str

    @property
    def strategies(self) -> tuple[str, ...]:
        """R's outcome at each step."""
        return tuple(s.strategy for s in self.steps)

    def table(self) -> list[list[str]]:
        """Rows for printing: header first."""
        rows = [["step", "strategy", "E", "share", "survival", "u_R", "u_E", "W_R", "W_E",
                 "standing"]]
        for s in self.steps:
            rows.append([s.label, s.strategy, s.e_reply, f"{s.share:.4f}", f"{s.survival:.3f}",
                         f"{s.payoff_r:.4f}", f"{s.payoff_e:.4f}", f"{s.value_r:.4f}",
                         f"{s.value_e:.4f}", f"{s.standing:.3f}"])
        return rows

    def to_pandas(self) -> Any:
        """One row per step as a :class:`pandas.DataFrame`
        (:func:`kzgame.analysis.frames.dynamic_path_frame`; needs the ``frames`` extra)."""
        from ..analysis.frames import dynamic_path_frame

        return dynamic_path_frame(self)


def equilibrium_path(solution: FiniteSolution, *, share: float | None = None,
                     stock: float = 0.0, point: int = 0) -> DynamicPath:
    """The path from ``(share, stock)`` (default share: the path's first step's).

    Parameters
    ----------
    solution : FiniteSolution
    share : float, optional
        The initial status quo (default: the path's ``share`` at step 1).
    stock : float, default 0.0
        The initial investment stock.
    point : int, default 0
        Which parameter point, for a vectorized solution.
    """
    path = solution.path
    P = int(np.prod(path.points)) if path.points else 1
    if not 0 <= point < P:
        raise ParameterError(f"point = {point!r}: the solution has {P} parameter point(s)")
    s = float(np.broadcast_to(path["share"][0], (P,))[point]) if share is None else float(share)
    k = float(stock)
    for name, v in (("share", s), ("stock", k)):
        if not 0.0 <= v <= 1.0:
            raise ParameterError(f"initial {name} = {v!r} is outside the allowed range [0, 1]")
    standing, out = 1.0, False
    rows = []
    for t in range(path.T):
        label = path.labels[t]
        if out:
            rows.append(PathStep(label, "out", "-", "-", s, k, float("nan"), float("nan"),
                                 float("nan"), float("nan"), float("nan"), standing,
                                 float("nan")))
            continue
        r = solution.decide(t, np.full(P, s), np.full(P, k))
        code = int(r.code[point, 0, 0])
        th = as_points(path.at(t))
        f = flows({n: v[point:point + 1] for n, v in th.items()}, s, k, solution.protocol)
        q = float(np.asarray(f["q"]).ravel()[0])
        concede = bool(r.concede[point, 0, 0])
        pay = {0: (f["u_ra"], f["u_ea"]), 1: (f["u_ri"], f["u_ei"]),
               2: (f["agree_r"], f["agree_e"])}
        refused = code == 3 and not concede and _held_up(r, point, solution.atol)
        if code == 3:
            pay[3] = (f["oR"] - (f["h"] if refused else 0.0), f["d_e"])
        u_r, u_e = (float(np.asarray(x).ravel()[0]) for x in pay[code])
        acts = r.actions_r[:, point, 0, 0]
        index = 2 if refused else code
        others = [a for i, a in enumerate(acts) if i != index]
        rows.append(PathStep(
            label, OUTCOMES[code], "concede" if concede else "refuse",
            "concede" if bool(r.static_concede[point, 0, 0]) else "refuse",
            s, k, q, u_r, u_e, float(r.value_r[point, 0, 0]), float(r.value_e[point, 0, 0]),
            standing, float(acts[index] - max(others))))
        if code in (0, 2):
            standing *= q
        if code == 3:
            out = True
        if code == 2:
            s_next = float(r.next_share[point, 0, 0])
            if not -1e-12 <= s_next <= 1 + 1e-12:
                raise ParameterError(
                    f"the ratchet takes the status quo share out of [0, 1] on the equilibrium "
                    f"path at step {label!r}: from share {s:g} the conceded hold-up leads to "
                    f"share {s_next:.6g} (ratchet = {solution.dynamics.ratchet:g}); lower the "
                    "ratchet or the outside options that push the terms past the whole surplus")
            s = min(max(s_next, 0.0), 1.0)
        k = float(next_stock(solution.dynamics.durability, k, invest=code == 1))
    return DynamicPath(tuple(rows), solution.expectations)


def _held_up(r: Any, point: int, atol: float = 0.0) -> bool:
    """Whether R's exit outcome came from a refused hold-up (the tie rule chose hold-up)."""
    acts = r.actions_r[:, point, 0, 0]
    return int(np.argmax(acts >= acts.max() - atol)) == 2
