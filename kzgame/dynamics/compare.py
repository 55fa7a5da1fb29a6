"""Where the dynamic verdict differs from the period-by-period one, and why.

For each step of a path, :func:`compare_static` sets side by side

* the **static** verdict: the period game alone at the path's values (the
  model file's classification, KPR's table);
* the static verdict **at the dynamic state**: the period game at the share
  and survival the dynamic path has reached (what the ratchet and lasting
  investment did to the state);
* the **dynamic** verdict (anticipation), and the **myopic** players' choice
  at the same state (they expect the step's values to last);

and names the reasons for a difference:

``ratchet``
    earlier concessions moved the status quo share, and the period game at the
    new share gives another verdict;
``durable investment``
    earlier investment raised the survival probability, with the same effect;
``anticipation``
    the choice with the path known differs from the myopic one at the same state;
``E's reluctance``
    E refuses a hold-up it would concede in the period alone (conceding invites
    demands: the ratchet lowers its future);
``continuation``
    the future under today's parameters changes the choice (investing for the
    stock it leaves, holding up for the terms it locks in, or forgoing a hold-up
    whose terms would not last).

Examples
--------
>>> from kzgame.dynamics import ParameterPath, StateGrid
>>> path = ParameterPath.constant({"share": 0.5, "outside_r": 0.35, "outside_e": -0.1,
...                                "indispensability": 0.8, "survival": 0.8,
...                                "invest_cost": 0.15, "power": 0.35,
...                                "holdup_cost": 0.05}, 2)
>>> rows = compare_static(path, grid=StateGrid(21, 5))
>>> [(r.static, r.dynamic, r.reasons) for r in rows]
[('hold-up', 'hold-up', ()), ('hold-up', 'accept', ('ratchet',))]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..params import Period
from ..solve import Result, solve
from .finite import FiniteSolution, solve_finite
from .path import ParameterPath
from .simulate import DynamicPath, equilibrium_path
from .state import Dynamics, StateGrid
from .stationary import OUTCOMES

__all__ = ["Difference", "Differences", "compare_static"]


@dataclass(frozen=True)
class Difference:
    """One step: static and dynamic verdicts and the reasons they differ.

    Attributes
    ----------
    label : str
    static : str
        The period game at the path's values.
    static_at_state : str
        The period game at the dynamic path's state.
    dynamic : str
        The dynamic equilibrium's outcome (anticipation).
    myopic_at_state : str
        The myopic players' outcome at the same state.
    e_reply, static_e_reply : str
        E's answer to a hold-up there, dynamic and static.
    reasons : tuple of str
        Empty when the verdicts agree.
    """

    label: str
    static: str
    static_at_state: str
    dynamic: str
    myopic_at_state: str
    e_reply: str
    static_e_reply: str
    reasons: tuple[str, ...]

    @property
    def differs(self) -> bool:
        """Whether the dynamic verdict differs from the static one."""
        return self.dynamic != self.static


class Differences(list[Difference]):
    """What :func:`compare_static` returns: a list of :class:`Difference` that also
    converts to a table (:meth:`to_pandas`)."""

    def to_pandas(self) -> Any:
        """One row per step as a :class:`pandas.DataFrame`
        (:func:`kzgame.analysis.frames.differences_frame`; needs the ``frames`` extra)."""
        from ..analysis.frames import differences_frame

        return differences_frame(self)


def _static(values: dict[str, float], protocol: str) -> str:
    result = solve(Period(**values), protocol)
    assert isinstance(result, Result)  # a Period gives a Result
    return result.strategy.value


def compare_static(path: ParameterPath, dynamics: Dynamics | None = None,
                   grid: StateGrid | None = None, *, protocol: str = "nash",
                   terminal: str | None = None, share: float | None = None,
                   solution: FiniteSolution | None = None,
                   dynamic_path: DynamicPath | None = None,
                   myopic: FiniteSolution | None = None) -> Differences:
    """Static and dynamic verdicts step by step, with the reasons they differ.

    Parameters
    ----------
    path : ParameterPath
        One parameter point.
    dynamics, grid, protocol, terminal
        As for :func:`kzgame.dynamics.solve_finite`.
    share : float, optional
        Initial status quo (default: the path's first share).
    solution, dynamic_path, myopic : optional
        The anticipation solution, its path and the myopic solution, if
        already computed (they must be of these arguments).
    """
    dyn = dynamics or Dynamics()
    sol = solution or solve_finite(path, dyn, grid, protocol=protocol, terminal=terminal)
    dp = dynamic_path or equilibrium_path(sol, share=share)
    myo = myopic or solve_finite(path, dyn, sol.grid, protocol=protocol, terminal=terminal,
                                 expectations="myopic", store=False)
    rows = Differences()
    for t, st in enumerate(dp.steps):
        values = {k: float(v) for k, v in path.at(t).items()}
        static = _static(values, protocol)
        if st.strategy == "out":
            rows.append(Difference(st.label, static, "-", "out", "-", "-", "-",
                                   ("R left earlier",) if static != "out" else ()))
            continue
        at_state = _static({**values, "share": st.share, "survival": st.survival}, protocol)
        m = myo.decide(t, st.share, st.stock)
        myopic_choice = OUTCOMES[int(m.code[0, 0, 0])]
        reasons: list[str] = []
        if st.strategy != static:
            if at_state != static:
                if not np.isclose(st.share, values["share"]):
                    reasons.append("ratchet")
                if not np.isclose(st.survival, values["survival"]):
                    reasons.append("durable investment")
            if st.strategy != at_state:
                if (at_state == "hold-up" and st.e_reply == "refuse"
                        and st.static_e_reply == "concede"):
                    reasons.append("E's reluctance")
                if myopic_choice != st.strategy:
                    reasons.append("anticipation")
                if not reasons or (myopic_choice == st.strategy
                                   and "E's reluctance" not in reasons):
                    reasons.append("continuation")
        rows.append(Difference(st.label, static, at_state, st.strategy, myopic_choice, st.e_reply,
                               st.static_e_reply, tuple(dict.fromkeys(reasons))))
    return rows
