"""Figures: the phase diagram of a case, and its robustness and sensitivity charts.

Figures are built with matplotlib's object-oriented API on the Agg canvas
(no pyplot, no global backend switch, no display needed) and written as PNG
by :func:`save_figure`, which refuses to write inside the installed package.

* :func:`phase_diagram` - one panel per period.  x is the ratio of stakes
  Delta_R / Delta_E (or the balance Delta_R - Delta_E), y is E's perceived
  dependence on R, iota.  The coloured regions are R's subgame-perfect
  strategy computed by :func:`kzgame.classify` on a grid in which o_R and
  iota vary and every other parameter (V, s, o_E, q, c, beta, h) stays at
  the panel's period values; so Delta_E is fixed in a panel and the x
  coordinate moves Delta_R only.  Over the regions: the period's Monte
  Carlo draws (each coloured by its own strategy, where every parameter
  varies within its range), and the path of all periods in time order.
* :func:`robustness_chart` - per period, the share of draws in each strategy.
* :func:`sensitivity_chart` - per period and parameter, the first-order
  sensitivity index of the strategy (:mod:`kzgame.analysis.uncertainty`).

Examples
--------
>>> from kzgame.io.plots import STRATEGY_COLORS
>>> sorted(s.value for s in STRATEGY_COLORS)
['accept', 'exit', 'hold-up', 'invest']
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from ..analysis.sweep import inside_package
from ..analysis.uncertainty import (
    DISTRIBUTIONS,
    MonteCarloResult,
    case_monte_carlo,
    check_choice,
    check_int,
    check_seed,
)
from ..numeric.classify import classify
from ..params import PARAMETERS, KzgameError
from ..strategy import Strategy
from ._format import share as _fmt_pct
from ._format import terminal
from .cases import Case
from .figure_options import PARAMETER_LABELS, XAXES

__all__ = [
    "PARAMETER_LABELS",
    "STRATEGY_COLORS",
    "XAXES",
    "check_out_dir",
    "phase_diagram",
    "robustness_chart",
    "save_figure",
    "sensitivity_chart",
    "stake_coordinate",
]

#: Colours of the strategies (Okabe-Ito, readable by colour-blind readers).
STRATEGY_COLORS: dict[Strategy, str] = {
    Strategy.ACCEPT: "#999999",
    Strategy.INVEST: "#0072B2",
    Strategy.HOLD_UP: "#D55E00",
    Strategy.EXIT: "#CC79A7",
}

_XLABELS = {
    "ratio": "$\\Delta_R / \\Delta_E$: R's stake in the regime over E's (dimensionless)\n"
             "< 1: outside options favour R  |  > 1: they favour E",
    "balance": "$\\Delta_R - \\Delta_E$: R's stake minus E's (units of $V$, the regime's value)\n"
               "< 0: outside options favour R  |  > 0: they favour E",
}
_YLABEL = ("$\\iota$: R's indispensability as E perceives it\n"
           "(share of E's regime value lost without R, 0 to 1)")
_CMAP = ListedColormap([STRATEGY_COLORS[s] for s in Strategy])
_REGION_ALPHA = 0.30

#: Largest grid of :func:`phase_diagram`'s regions, per axis.
MAX_RESOLUTION = 4000
#: Largest number of draws plotted per period.
MAX_CLOUD = 1_000_000
#: Range of :func:`save_figure`'s ``dpi``.
DPI_RANGE = (10, 1200)


def plain_text(text: object) -> str:
    """``text`` as matplotlib draws it literally: every ``$`` escaped, so no math text.

    Text from model files (case names, period labels, the powers' names) goes
    through it before it lands in a figure: a ``$...$`` in it is shown as
    typed, and a malformed one cannot crash the drawing; control characters
    are shown as escapes (:func:`kzgame.io._format.terminal`), not drawn as
    missing glyphs.

    Examples
    --------
    >>> print(plain_text("$x^2$ and $5"))
    \\$x^2\\$ and \\$5
    """
    return terminal(str(text)).replace("$", r"\$")


def _check_options(n: Any, seed: Any, distribution: Any) -> None:
    """The Monte Carlo options of a chart, validated whether or not they are used."""
    check_int("n", n, 1, 10**12)
    check_seed(seed)
    check_choice("distribution", distribution, DISTRIBUTIONS)


def stake_coordinate(stake_r: Any, stake_e: Any, xaxis: str) -> np.ndarray:
    """The phase diagram's x: Delta_R / Delta_E (NaN where Delta_E <= 0) or Delta_R - Delta_E.

    Examples
    --------
    >>> stake_coordinate(0.15, 0.7, "ratio").round(4), stake_coordinate(0.6, 0.5, "balance")
    (np.float64(0.2143), np.float64(0.09999999999999998))
    """
    stake_r = np.asarray(stake_r, dtype=float)
    stake_e = np.asarray(stake_e, dtype=float)
    if xaxis == "ratio":
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(stake_e > 0, stake_r / stake_e, np.nan)
    if xaxis == "balance":
        return stake_r - stake_e
    raise KzgameError(f"unknown x axis {xaxis!r}; choose ratio or balance")


def _x_window(points: np.ndarray, clouds: list[np.ndarray], xaxis: str) -> tuple[float, float]:
    """The x range of the phase diagram: the points, the bulk of the clouds, and 0.

    On the ratio axis draws with a small Delta_E run off to large ratios, so
    the clouds count only up to their 5 %-95 % quantiles and the window
    reaches at most three times the largest point (and at least 1.25 times
    it, and 1.25).
    """
    lows = [float(np.quantile(c, 0.05)) for c in clouds if c.size]
    highs = [float(np.quantile(c, 0.95)) for c in clouds if c.size]
    lo = min([0.0, float(points.min())] + lows)
    hi = max([0.0, float(points.max())] + highs)
    if xaxis == "ratio":
        top = max(float(points.max()), 1.0)
        hi = min(hi, 3.0 * top)
        hi = max(hi, 1.25 * top)
        lo = max(lo, -0.5 * top)
    pad = 0.05 * (hi - lo or 1.0)
    return lo - pad, hi + pad


def _group_points(points: np.ndarray) -> list[tuple[np.ndarray, list[int]]]:
    """Indices of the points grouped by (rounded) location, in order of first appearance."""
    groups: dict[tuple[float, float], list[int]] = {}
    for j, (x, y) in enumerate(points):
        groups.setdefault((round(float(x), 6), round(float(y), 6)), []).append(j)
    return [(points[js[0]], js) for js in groups.values()]


def _outside_r_for(x: np.ndarray, values: dict[str, float], xaxis: str) -> np.ndarray:
    """o_R that puts a point with the period's other values at coordinate x."""
    stake_e = (1 - values["share"]) * values["surplus"] - values["outside_e"]
    stake_r = x * stake_e if xaxis == "ratio" else stake_e + x
    return values["share"] * values["surplus"] - stake_r


def _stakes(samples: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    v, s = samples["surplus"], samples["share"]
    return s * v - samples["outside_r"], (1 - s) * v - samples["outside_e"]


def _monte_carlo(case: Case, mc: Any, *, protocol: Any, n: Any, seed: Any, distribution: Any,
                 keep: Any) -> dict:
    if mc is None:
        return case_monte_carlo(case, n, seed=seed, distribution=distribution,
                                protocol=protocol, sensitivity=not keep, keep=keep)
    missing = [p.label for p in case.periods if p.label not in mc]
    if missing:
        raise KzgameError(f"no Monte Carlo result for period(s) {', '.join(missing)}")
    return mc


def phase_diagram(
    case: Case,
    mc: dict[str, MonteCarloResult] | None = None,
    *,
    protocol: str = "nash",
    xaxis: str = "auto",
    n: int = 20_000,
    seed: int = 0,
    distribution: str = "uniform",
    resolution: tuple[int, int] = (400, 250),
    cloud: int = 1500,
) -> Figure:
    """The phase diagram of a case: one panel per period.

    Parameters
    ----------
    case : Case
    mc : dict of label to MonteCarloResult, optional
        Monte Carlo results with the draws kept (``keep=True``); computed
        with ``n``, ``seed`` and ``distribution`` if not given.
    protocol : str, default "nash"
    xaxis : {"auto", "ratio", "balance"}, default "auto"
        ``ratio`` is Delta_R / Delta_E (in it the hold-up boundary is a
        straight line; an error if some period has Delta_E <= 0);
        ``balance`` is Delta_R - Delta_E; ``auto`` takes ``ratio`` if every
        period has Delta_E > 0 and ``balance`` otherwise.
        Draws with Delta_E <= 0 cannot be placed on the ratio axis and are
        left out of the cloud (the panel title says how many).
    n, seed, distribution
        Monte Carlo settings when ``mc`` is None.
    resolution : (int, int), default (400, 250)
        Grid points along x and iota for the regions (each from 2 to
        :data:`MAX_RESOLUTION`).
    cloud : int, default 1500
        Draws plotted per period (0 to :data:`MAX_CLOUD`).

    Text from the model file (the case's and powers' names, the period
    labels) is drawn literally (:func:`plain_text`).

    Raises
    ------
    KzgameError
        On an unknown x axis, distribution or protocol, or a numeric option
        outside its range (:class:`~kzgame.errors.ParameterError`).

    Returns
    -------
    matplotlib.figure.Figure
        Save it with :func:`save_figure`.
    """
    if not isinstance(xaxis, str) or xaxis not in XAXES:
        raise KzgameError(f"unknown x axis {xaxis!r}; choose one of {', '.join(XAXES)}")
    _check_options(n, seed, distribution)
    if not isinstance(resolution, tuple | list) or len(resolution) != 2:
        raise KzgameError(f"resolution = {resolution!r}: give two integers (x, iota)")
    resolution = (check_int("resolution[0]", resolution[0], 2, MAX_RESOLUTION),
                  check_int("resolution[1]", resolution[1], 2, MAX_RESOLUTION))
    cloud = check_int("cloud", cloud, 0, MAX_CLOUD)
    case.check_protocol(protocol)
    mc = _monte_carlo(case, mc, protocol=protocol, n=n, seed=seed,
                      distribution=distribution, keep=True)
    if any(mc[p.label].samples is None for p in case.periods):
        raise KzgameError("phase_diagram needs Monte Carlo results with keep=True")
    periods = case.periods
    if xaxis == "auto":
        xaxis = "ratio" if all(p.period.stake_e > 0 for p in periods) else "balance"
    elif xaxis == "ratio":
        bad = [p.label for p in periods if not p.period.stake_e > 0]
        if bad:
            raise KzgameError(
                f"Delta_E <= 0 in period(s) {', '.join(bad)}: the stake ratio is undefined "
                "there; use the balance axis"
            )
    points = np.array([
        [float(stake_coordinate(p.period.stake_r, p.period.stake_e, xaxis)),
         p.period.indispensability]
        for p in periods
    ])
    clouds = []
    for p in periods:
        r = mc[p.label]
        m = min(cloud, r.n)
        assert r.samples is not None and r.codes is not None  # kept (keep=True)
        sample = {k: np.broadcast_to(v, (r.n,))[:m] for k, v in r.samples.items()}
        sr, se = _stakes(sample)
        cx = stake_coordinate(sr, se, xaxis)
        codes = np.broadcast_to(r.codes, (r.n,))[:m]
        ok = np.isfinite(cx)
        clouds.append((cx[ok], sample["indispensability"][ok], codes[ok], m))
    x0, x1 = _x_window(points[:, 0], [c[0] for c in clouds], xaxis)
    gx = np.linspace(x0, x1, resolution[0])
    gy = np.linspace(0.0, 1.0, resolution[1])

    k = len(periods)
    ncols = 2 if k in (2, 4) else min(k, 3)
    nrows = math.ceil(k / ncols)
    width = max(5.6 * ncols, 8.0)
    fig = Figure(figsize=(width, 4.6 * nrows + (1.3 if ncols > 1 else 1.9)),
                 layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(nrows, ncols, sharex=True, sharey=True, squeeze=False).ravel()
    for ax in axes[k:]:
        ax.set_visible(False)
    labels: list[tuple] = []
    for i, (p, ax) in enumerate(zip(periods, axes, strict=False)):
        values = p.period.as_dict()
        grid = classify(protocol=protocol, **{
            **values,
            "outside_r": _outside_r_for(gx[None, :], values, xaxis),
            "indispensability": gy[:, None],
        })
        ax.imshow(np.broadcast_to(grid, (gy.size, gx.size)), origin="lower", aspect="auto",
                  extent=(x0, x1, 0.0, 1.0), cmap=_CMAP, vmin=-0.5, vmax=3.5,
                  alpha=_REGION_ALPHA, interpolation="nearest")
        cx, cy, cc, m = clouds[i]
        dropped = m - int(np.count_nonzero((cx >= x0) & (cx <= x1)))
        ax.scatter(cx, cy, c=[STRATEGY_COLORS[Strategy.from_code(int(c))] for c in cc], s=5,
                   alpha=0.45, linewidths=0, rasterized=True, zorder=2)
        # The path of all periods, in time order.
        for j in range(k - 1):
            ax.annotate("", xy=points[j + 1], xytext=points[j], zorder=4,
                        arrowprops={"arrowstyle": "-|>", "color": "black", "lw": 1.3,
                                    "shrinkA": 6, "shrinkB": 6, "mutation_scale": 13})
        for j, q in enumerate(periods):
            own = j == i
            ax.scatter(*points[j], s=170 if own else 55, marker="*" if own else "o",
                       color=STRATEGY_COLORS[mc[q.label].point], edgecolors="black",
                       linewidths=1.2 if own else 0.8, zorder=5 + own)
        labels.append((ax, i))
        r = mc[p.label]
        model = r.point.value
        source = p.verdict.value if p.verdict else "none"
        fixed = (f"$\\Delta_E$ = {p.period.stake_e:.2f}, $q$ = {values['survival']:.2f}, "
                 f"$c$ = {values['invest_cost']:.2f}, $\\beta$ = {values['power']:.2f}, "
                 f"$h$ = {values['holdup_cost']:.2f}")
        note = f"\n{dropped} of {m} draws fall outside the plotted window" if dropped else ""
        ax.set_title(f"{plain_text(p.label)}: model {model} ({_fmt_pct(r.robustness)} of "
                     f"draws), source {source}\nregions at {fixed}{note}", fontsize=9)
        ax.set_xlim(x0, x1)
        ax.set_ylim(0.0, 1.0)
        ax.grid(alpha=0.25, lw=0.5)
        if i % ncols == 0:
            ax.set_ylabel(_YLABEL, fontsize=9)
        if i >= k - ncols:
            ax.set_xlabel(_XLABELS[xaxis], fontsize=9)
            ax.tick_params(labelbottom=True)
        if xaxis == "ratio":
            ax.axvline(1.0, color="black", lw=0.6, ls=":", zorder=1)
        else:
            ax.axvline(0.0, color="black", lw=0.6, ls=":", zorder=1)
    fig.legend(handles=_legend_handles(arrows=k > 1), loc="outside lower center",
               ncol=4 if ncols > 1 else 2, fontsize=8.5, frameon=False)
    fig.suptitle(f"{plain_text(case.name)}: R = {plain_text(case.rising)}, "
                 f"E = {plain_text(case.established)}\n"
                 f"{protocol} bargaining; Monte Carlo over the model file's ranges",
                 fontsize=11)
    # Label the points once the layout is known, avoiding overlaps.
    fig.draw_without_rendering()
    for ax, i in labels:
        _label_points(ax, points, [plain_text(p.label) for p in periods], i)
    return fig


def _label_points(ax: Any, points: np.ndarray, names: list[str], own: int) -> None:
    """Label each location with its periods' names, trying four offsets to avoid overlaps."""
    renderer = ax.figure.canvas.get_renderer()
    to_px = ax.transData.transform
    taken = []
    for x, y in to_px(points):
        taken.append((x - 7, y - 7, x + 7, y + 7))
    candidates = [(8, 7, "left", "bottom"), (8, -7, "left", "top"),
                  (-8, 7, "right", "bottom"), (-8, -7, "right", "top"),
                  (0, 12, "center", "bottom"), (0, -12, "center", "top")]
    axb = ax.get_window_extent(renderer)
    gap = 8.0  # pixels (about one character) kept free between labels, so none run together
    for xy, js in _group_points(points):
        text = ", ".join(names[j] for j in js)
        style = {"fontsize": 8.5, "fontweight": "bold"} if own in js else {"fontsize": 7.5}
        best: Any = None
        for candidate in candidates:
            t, box = _annotate(ax, renderer, text, xy, candidate, style)
            outside = not (box[0] >= axb.x0 and box[2] <= axb.x1
                           and box[1] >= axb.y0 and box[3] <= axb.y1)
            overlap = sum(max(0.0, min(box[2], o[2]) + gap - max(box[0], o[0]))
                          * max(0.0, min(box[3], o[3]) + gap - max(box[1], o[1]))
                          for o in taken)
            if best is None or (outside, overlap) < best[0]:
                if best is not None:
                    best[1].remove()
                best = ((outside, overlap), t, box)
            else:
                t.remove()
            if best[0] == (False, 0.0):
                break
        # Every place clashes: the label stays where it is inside and overlaps least.
        taken.append(best[2])


def _annotate(ax: Any, renderer: Any, text: str, xy: Any, candidate: tuple,
              style: dict) -> tuple:
    """Label ``xy`` at the offset and alignment ``candidate``; the label and its pixel box."""
    dx, dy, ha, va = candidate
    t = ax.annotate(text, xy, textcoords="offset points", xytext=(dx, dy), ha=ha, va=va,
                    zorder=7, bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none",
                                    "alpha": 0.75}, **style)
    bb = t.get_window_extent(renderer)
    return t, (bb.x0, bb.y0, bb.x1, bb.y1)


def _legend_handles(arrows: bool) -> list:
    """The phase diagram's legend; the arrow entry only where there are arrows (``arrows``)."""
    handles: list[Any] = [
        Patch(facecolor=STRATEGY_COLORS[s], alpha=_REGION_ALPHA + 0.15, edgecolor="none",
              label=f"region: {s.value}") for s in Strategy]
    handles += [
        Line2D([], [], ls="none", marker="o", ms=4, color="#555555", alpha=0.6,
               label="Monte Carlo draws of the panel's period (colour = their strategy)"),
        Line2D([], [], ls="none", marker="*", ms=13, mfc="white", mec="black",
               label="the panel's period (colour = model strategy)"),
    ]
    if arrows:
        handles.append(Line2D([], [], color="black", marker=">", ms=5, lw=1.2,
                              label="the periods in time order"))
    return handles


def robustness_chart(
    case: Case,
    mc: dict[str, MonteCarloResult] | None = None,
    *,
    protocol: str = "nash",
    n: int = 100_000,
    seed: int = 0,
    distribution: str = "uniform",
) -> Figure:
    """Stacked bars: per period, the share of Monte Carlo draws in each strategy.

    The model's strategy at the point values and the source's verdict are
    written next to each bar.
    """
    _check_options(n, seed, distribution)
    case.check_protocol(protocol)
    mc = _monte_carlo(case, mc, protocol=protocol, n=n, seed=seed,
                      distribution=distribution, keep=False)
    periods = case.periods
    fig = Figure(figsize=(9.5, 1.0 + 0.75 * len(periods) + 1.0), layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    ypos = np.arange(len(periods))[::-1]
    for y, p in zip(ypos, periods, strict=True):
        r = mc[p.label]
        left = 0.0
        for s in Strategy:
            share = r.shares[s]
            if share <= 0:
                continue
            ax.barh(y, 100 * share, left=100 * left, color=STRATEGY_COLORS[s], height=0.6,
                    edgecolor="white", linewidth=0.6)
            if share >= 0.06:
                ax.text(100 * (left + share / 2), y, f"{100 * share:.0f} %", ha="center",
                        va="center", fontsize=8.5,
                        color="white" if s is not Strategy.ACCEPT else "black")
            left += share
    ax.set_yticks(ypos, [plain_text(p.label) for p in periods])
    ax.set_ylim(-0.6, len(periods) - 0.4)
    ax.set_xlim(0, 100)
    # The model's and the source's verdicts as right-hand tick labels (kept in the layout).
    notes = ax.twinx()
    notes.set_ylim(ax.get_ylim())
    notes.set_yticks(ypos, [
        f"model: {mc[p.label].point.value}\nsource: {p.verdict.value if p.verdict else 'none'}"
        for p in periods
    ], fontsize=8.5)
    notes.tick_params(length=0)
    for side in ("top", "right"):
        notes.spines[side].set_visible(False)
    ax.set_xlabel("share of Monte Carlo draws in each strategy (%)")
    ax.set_ylabel("period")
    r0 = mc[periods[0].label]
    ax.set_title(f"{plain_text(case.name)}: how robust is each classification?\n"
                 f"{r0.n:,} draws per period, {r0.distribution} over each parameter's range, "
                 f"{protocol} bargaining", fontsize=10)
    fig.legend(handles=[Patch(color=STRATEGY_COLORS[s], label=s.value) for s in Strategy],
               loc="outside lower center", ncol=4, fontsize=8.5, frameon=False)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return fig


def sensitivity_chart(
    case: Case,
    mc: dict[str, MonteCarloResult] | None = None,
    *,
    protocol: str = "nash",
    n: int = 100_000,
    seed: int = 0,
    distribution: str = "uniform",
) -> Figure:
    """Heat map: per period and parameter, the first-order sensitivity index of the strategy.

    Each cell shows the index (share of the strategy's variance the
    parameter's range explains alone) and, below it, the one-at-a-time
    swing (share of the range over which the strategy differs from the
    point strategy).  Parameters without a range in any period are left out.
    """
    _check_options(n, seed, distribution)
    case.check_protocol(protocol)
    mc = _monte_carlo(case, mc, protocol=protocol, n=n, seed=seed,
                      distribution=distribution, keep=False)
    periods = case.periods
    if any(not mc[p.label].sensitivity for p in periods):
        raise KzgameError("sensitivity_chart needs Monte Carlo results with sensitivity=True")
    names = [k for k in PARAMETERS
             if any(k in p.specs and not p.specs[k].is_point for p in periods)]
    s1 = np.zeros((len(periods), len(names)))
    swing = np.zeros_like(s1)
    for i, p in enumerate(periods):
        for j, name in enumerate(names):
            e = mc[p.label].sensitivity_of(name)
            s1[i, j], swing[i, j] = e.first_order, e.swing
    fig = Figure(figsize=(1.3 + 0.95 * max(len(names), 3), 1.6 + 0.62 * len(periods)),
                 layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    im = ax.imshow(s1, cmap="Purples", vmin=0.0, vmax=max(0.5, float(s1.max())), aspect="auto")
    for i in range(len(periods)):
        for j in range(len(names)):
            dark = s1[i, j] > 0.6 * max(0.5, float(s1.max()))
            ax.text(j, i, f"{s1[i, j]:.2f}\n({swing[i, j]:.2f})", ha="center", va="center",
                    fontsize=7.5, color="white" if dark else "black")
    ax.set_xticks(range(len(names)), [f"{PARAMETER_LABELS[k]}\n{k}" for k in names], fontsize=8)
    ax.set_yticks(range(len(periods)), [plain_text(p.label) for p in periods], fontsize=9)
    cb = fig.colorbar(im, ax=ax, shrink=0.9)
    cb.set_label("first-order index\n(share of variance, 0 to 1)", fontsize=8)
    ax.set_title(f"{plain_text(case.name)}: which parameter's range matters most?\n"
                 "first-order sensitivity index of the strategy "
                 "(one-at-a-time swing in brackets)", fontsize=10)
    return fig


def save_figure(fig: Figure, path: str | os.PathLike[str], *, dpi: int = 150) -> Path:
    """Write ``fig`` as a PNG to ``path`` (folders are created).

    Raises
    ------
    KzgameError
        If ``path`` lies inside the installed kzgame package, or ``dpi`` is
        not an integer from 10 to 1200.
    """
    dpi = check_int("dpi", dpi, *DPI_RANGE)
    path = Path(path)
    if inside_package(path):
        raise KzgameError(f"refusing to write {path} inside the kzgame package; choose --out")
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=dpi, format="png")
    return path


def check_out_dir(out: str | os.PathLike[str]) -> Path:
    """Create the output folder ``out`` (refusing the package folder) and return it.

    An empty name is refused: it would write into the current folder, which
    the user did not name.
    """
    if not str(out).strip():
        raise KzgameError("the output folder is empty (--out ''); name a folder")
    out = Path(out)
    if inside_package(out):
        raise KzgameError(f"refusing to write into the kzgame package ({out}); choose --out")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise KzgameError(f"cannot create output folder {str(out)!r}: {e.strerror or e}") from None
    return out
