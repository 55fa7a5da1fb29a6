"""A model file's periods solved as one dynamic game (issue 12).

:func:`solve_case_dynamic` builds the path from the file's periods (one
step per period, plus forecast steps with the last period's values held),
solves the finite game with the stationary game after the last step, refines
the grid until the equilibrium path stops changing, and compares the path
with the period-by-period classification and the sources' verdicts.

Examples
--------
>>> from pathlib import Path
>>> from kzgame.io.cases import load_case
>>> case = load_case(Path(__file__).parents[2] / "tests" / "data" / "toy_case.toml")
>>> res = solve_case_dynamic(case, grid=StateGrid(11, 5), max_levels=0)
>>> len(res.rows) == len(case.periods) + 1
True
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

from ..dynamics import (
    Difference,
    DynamicPath,
    Dynamics,
    FiniteSolution,
    GridReport,
    GridWarning,
    ParameterPath,
    StateGrid,
    compare_static,
    equilibrium_path,
    refine_grid,
    solve_finite,
)
from ..dynamics.path import NAMES
from .cases import Case

__all__ = ["CaseDynamics", "solve_case_dynamic"]


@dataclass(frozen=True)
class CaseDynamics:
    """A case solved as one dynamic game.

    Attributes
    ----------
    case : Case
    path : ParameterPath
    solution : FiniteSolution
        With anticipation.
    myopic : DynamicPath
        The path the myopic players follow.
    dynamic : DynamicPath
    rows : list of Difference
        Static vs dynamic per step, with the reasons.
    verdicts : tuple of (str or None)
        The sources' verdicts per step (None for forecasts and periods without one).
    grid : GridReport
    terminal : str or None
    warnings : tuple of str
    """

    case: Case
    path: ParameterPath
    solution: FiniteSolution
    dynamic: DynamicPath
    myopic: DynamicPath
    rows: list[Difference]
    verdicts: tuple[str | None, ...]
    grid: GridReport
    terminal: str | None
    warnings: tuple[str, ...]

    def turning_steps(self, most: int = 5) -> list[int]:
        """The first and last steps and those where the strategy changes (at most ``most``)."""
        st = self.dynamic.strategies
        idx = [0] + [t for t in range(1, len(st)) if st[t] != st[t - 1]] + [len(st) - 1]
        idx = sorted(set(idx))
        return idx if len(idx) <= most else idx[: most - 1] + [idx[-1]]

    def to_pandas(self) -> Any:
        """One row per step (verdicts, reasons, state and values) as a
        :class:`pandas.DataFrame` (:func:`kzgame.analysis.frames.case_dynamics_frame`)."""
        from ..analysis.frames import case_dynamics_frame

        return case_dynamics_frame(self)

    def table(self) -> list[list[str]]:
        """Rows for printing: header first."""
        out = [["period", "source", "static", "dynamic", "myopic", "E", "share", "survival",
                "standing", "reasons"]]
        for r, st, my, v in zip(self.rows, self.dynamic.steps, self.myopic.steps,
                                self.verdicts, strict=True):
            out.append([r.label, v or "-", r.static, r.dynamic, my.strategy,
                        st.e_reply if st.strategy == "hold-up" or st.e_reply == "refuse" else "",
                        f"{st.share:.3f}", "-" if st.strategy == "out" else f"{st.survival:.2f}",
                        f"{st.standing:.2f}", ", ".join(r.reasons) or "-"])
        return out


def solve_case_dynamic(case: Case, dynamics: Dynamics | None = None, *,
                       grid: StateGrid | None = None, protocol: str = "nash",
                       terminal: str | None = "stationary", extra: int = 1,
                       grid_tol: float = 0.05, max_levels: int = 2) -> CaseDynamics:
    """Solve ``case``'s periods as one dynamic game.

    Parameters
    ----------
    case : Case
    dynamics : Dynamics, optional
        Defaults: :data:`kzgame.dynamics.DEFAULTS` (assumptions, documented).
    grid : StateGrid, optional
        The coarsest grid (default 21 x 11), refined up to ``max_levels``
        times until the equilibrium path's outcomes stop changing and its
        values (R's and E's at each step) change by at most ``grid_tol``.
    protocol : str
    terminal : {"stationary", None}
        After the last step: the stationary game at its values, or the end.
    extra : int, default 1
        Forecast steps after the last period.
    """
    dyn = dynamics or Dynamics()
    grid = grid or StateGrid(21, 11)
    case.check_protocol(protocol)
    path = ParameterPath.from_periods(case.periods, extra=extra)
    notes = []
    shares = {p.values.get("share") for p in case.periods}
    if len(shares) > 1:
        notes.append("the file's shares differ between periods; the dynamic game uses the "
                     "first period's as the initial status quo and moves it by the ratchet only")
    unused = sorted(set(case.periods[0].values) - set(NAMES))
    if unused:
        notes.append(f"parameters not in the period game ignored: {', '.join(unused)}")

    def solve(g: StateGrid) -> FiniteSolution:
        return solve_finite(path, dyn, g, protocol=protocol, terminal=terminal)

    def watch(sol: FiniteSolution) -> Any:
        return equilibrium_path(sol).strategies

    def measure(fine: FiniteSolution, coarse: FiniteSolution) -> float:
        a, b = equilibrium_path(fine).steps, equilibrium_path(coarse).steps
        diffs = [abs(x.value_r - y.value_r) for x, y in zip(a, b, strict=True)] + \
                [abs(x.value_e - y.value_e) for x, y in zip(a, b, strict=True)]
        return max((d for d in diffs if d == d), default=0.0)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", GridWarning)
        if max_levels > 0:
            sol, report = refine_grid(solve, grid, grid_tol, max_levels=max_levels,
                                          watch=watch, measure=measure)
        else:
            sol = solve(grid)
            report = GridReport((grid,), (), (), float("nan"), False)
    notes += [str(w.message) for w in caught if issubclass(w.category, GridWarning)]
    dyn_path = equilibrium_path(sol)
    myopic_sol = solve_finite(path, dyn, sol.grid, protocol=protocol, terminal=terminal,
                              expectations="myopic")
    rows = compare_static(path, dyn, sol.grid, protocol=protocol, terminal=terminal,
                          solution=sol, dynamic_path=dyn_path, myopic=myopic_sol)
    verdicts = tuple(p.verdict.value if p.verdict else None for p in case.periods) \
        + (None,) * extra
    return CaseDynamics(case, path, sol, dyn_path, equilibrium_path(myopic_sol), rows,
                        verdicts, report, terminal, tuple(notes))
