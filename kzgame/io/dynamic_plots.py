"""Figures of the dynamic game: the timeline, the value functions, E's refusal region."""

from __future__ import annotations

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from ..dynamics import FiniteSolution, RefusalRegion
from ..strategy import Strategy
from .dynamic_case import CaseDynamics
from .plots import STRATEGY_COLORS, plain_text

__all__ = ["refusal_figure", "timeline_figure", "value_figure"]

_ORDER = ("accept", "invest", "hold-up", "exit")
_COLORS = {s.value: STRATEGY_COLORS[s] for s in Strategy}


def timeline_figure(res: CaseDynamics) -> Figure:
    """Strategy per period (source, static, dynamic, myopic) and the status quo share.

    Examples
    --------
    >>> from pathlib import Path
    >>> from kzgame.io.cases import load_case
    >>> from kzgame.io.dynamic_case import solve_case_dynamic
    >>> from kzgame.dynamics import StateGrid
    >>> case = load_case(Path(__file__).parents[2] / "tests" / "data" / "toy_case.toml")
    >>> fig = timeline_figure(solve_case_dynamic(case, grid=StateGrid(11, 5), max_levels=0))
    >>> len(fig.axes)
    2
    """
    fig = Figure(figsize=(max(7.0, 0.9 * len(res.rows) + 2.5), 5.6), layout="constrained")
    FigureCanvasAgg(fig)
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=[1.3, 1.0])
    x = np.arange(len(res.rows))
    lines: list[tuple[str, list[str | None]]] = [
             ("source", list(res.verdicts)), ("static", [r.static for r in res.rows]),
             ("dynamic", [r.dynamic for r in res.rows]),
             ("myopic", [s.strategy for s in res.myopic.steps])]
    for j, (_, vals) in enumerate(lines):
        for i, v in enumerate(vals):
            if v in _COLORS:
                top.scatter(i, len(lines) - 1 - j, s=260, marker="s", color=_COLORS[v],
                            edgecolor="black", linewidth=0.5)
            elif v == "out":
                top.scatter(i, len(lines) - 1 - j, s=120, marker="x", color="black")
    top.set_yticks(range(len(lines)), [n for n, _ in lines][::-1])
    top.set_ylim(-0.7, len(lines) - 0.3)
    top.legend(handles=[Patch(color=_COLORS[s], label=s) for s in _ORDER],
               loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
    top.set_title(plain_text(f"{res.case.name}: the periods as one dynamic game"), fontsize=10)
    shares = [s.share for s in res.dynamic.steps]
    surv = [s.survival for s in res.dynamic.steps]
    static_share = [float(v) for v in res.path["share"]]
    static_q = [float(v) for v in res.path["survival"]]
    bottom.plot(x, shares, "o-", color="#D55E00", label="share s (dynamic)")
    bottom.plot(x, static_share, "--", color="#D55E00", alpha=0.6, label="share s (file)")
    bottom.plot(x, surv, "s-", color="#0072B2", label="survival q (dynamic)")
    bottom.plot(x, static_q, "--", color="#0072B2", alpha=0.6, label="survival q (file)")
    bottom.set_ylim(0, 1.05)
    bottom.legend(fontsize=7, ncol=2, loc="lower left")
    bottom.set_xticks(x, [plain_text(r.label) for r in res.rows], rotation=35, ha="right",
                      fontsize=8)
    return fig


def value_figure(sol: FiniteSolution, steps: list[int] | None = None, point: int = 0,
                 stock: int = 0) -> Figure:
    """R's and E's value functions over the share at chosen steps (stock index ``stock``).

    Examples
    --------
    >>> from kzgame.dynamics import ParameterPath, StateGrid, solve_finite
    >>> path = ParameterPath.constant({"share": 0.5, "outside_r": 0.2, "outside_e": 0.0,
    ...     "indispensability": 0.8, "survival": 0.7, "invest_cost": 0.1}, 2)
    >>> len(value_figure(solve_finite(path, grid=StateGrid(11, 3))).axes)
    2
    """
    if sol.values_r is None or sol.values_e is None or sol.codes is None:
        raise ValueError("the solution was computed with store=False")
    steps = list(range(sol.T)) if steps is None else steps
    fig = Figure(figsize=(10, 4.2), layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(1, 2, sharex=True)
    cmap = ListedColormap([_COLORS[s] for s in _ORDER])
    s = sol.grid.shares
    shades = [str(0.15 + 0.6 * i / max(1, len(steps) - 1)) for i in range(len(steps))]
    styles = ["-", "--", "-.", ":"]
    for ax, vals, who in ((axes[0], sol.values_r, "R"), (axes[1], sol.values_e, "E")):
        for i, t in enumerate(steps):
            ax.plot(s, vals[t, point, :, stock], color=shades[i], lw=1.0,
                    ls=styles[i % len(styles)], label=plain_text(sol.path.labels[t]))
            ax.scatter(s, vals[t, point, :, stock], c=sol.codes[t, point, :, stock], cmap=cmap,
                       vmin=-0.5, vmax=3.5, s=9, zorder=3)
        ax.set_title(f"{who}'s value W_{who}(s) (stock {sol.grid.stocks[stock]:g}); "
                     "dots: R's outcome", fontsize=9)
        ax.set_xlabel("status quo share s")
    axes[1].legend(fontsize=7, title="step", title_fontsize=7)
    axes[0].legend(handles=[Patch(color=_COLORS[x], label=x) for x in _ORDER], fontsize=7)
    return fig


def refusal_figure(region: RefusalRegion) -> Figure:
    """E's replies over (share, y): conceding, refusing, and refusing only dynamically.

    Examples
    --------
    >>> from kzgame.dynamics import StateGrid, refusal_region
    >>> reg = refusal_region({"outside_r": 0.35, "outside_e": -0.1, "indispensability": 0.8,
    ...                       "survival": 0.8, "invest_cost": 0.15, "power": 0.35},
    ...                      ys=[0.0, 0.5, 0.9], grid=StateGrid(11, 3))
    >>> len(refusal_figure(reg).axes)
    1
    """
    fig = Figure(figsize=(6.4, 4.4), layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    z = np.where(region.reluctant, 2, np.where(region.dynamic_concede, 1, 0))
    z = np.where(region.undetermined[:, None], 3, z)
    cmap = ListedColormap(["#BBBBBB", "#009E73", "#CC79A7", "#FFFFFF"])
    ax.pcolormesh(region.shares, region.ys, z, cmap=cmap, vmin=-0.5, vmax=3.5,
                  shading="nearest")
    ax.set_xlabel("status quo share s")
    ax.set_ylabel(region.y)
    ax.set_title("E's reply to a hold-up (stationary game, stock "
                 f"{region.stock:g})", fontsize=9)
    ax.legend(handles=[Patch(color="#BBBBBB", label="refuses (also in a single period)"),
                       Patch(color="#009E73", label="concedes"),
                       Patch(color="#CC79A7", label="refuses, would concede in one period"),
                       Patch(facecolor="#FFFFFF", edgecolor="black",
                             label="no pure stationary equilibrium found")],
              fontsize=7, loc="upper right")
    return fig
