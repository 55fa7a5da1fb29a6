"""Sphinx extension: figures drawn by kzgame at build time, and module docstrings as rubrics.

No figure in the docs is pasted.  When the builder starts, this extension
runs the package and writes PNG files to ``docs/_generated/`` (a folder git
ignores through the ``.gitignore`` written into it), which the pages include
with ``{figure} /_generated/NAME.png``:

``kazakhstan_phase.png``
    :func:`kzgame.io.plots.phase_diagram` of ``models/kazakhstan_russia.toml``,
    exactly as the tutorial calls it.
``protocols.png``
    R's subgame-perfect strategy, from :func:`kzgame.classify`, in the
    (Delta_R / Delta_E, iota) plane under each protocol of
    :data:`kzgame.PROTOCOLS`, at the Kazakhstan 2014-2019 values.
``kpr_plane.png``
    The same plane for the ``nash`` protocol with three boundaries drawn over
    it (iota* from G_H = 0, G_H = G_X, G_I = 0).  The lines are solved by
    sympy from :func:`kzgame.model.gains`, not typed, so the figure checks
    whether the classifier and the symbolic derivation agree: each line should run along
    an edge of the regions.

Every figure is redrawn on every build (about 5 s in all), so the docs always
show what the installed code computes.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import numpy as np
import sympy as sp
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from sphinx.util import logging

import kzgame
from kzgame import Strategy, model

logger = logging.getLogger(__name__)

#: The model file the tutorial and the phase diagram use (relative to the repository root).
CASE_FILE = Path("models") / "kazakhstan_russia.toml"
#: The period whose values fix the other parameters in the protocol and KPR figures.
PERIOD = "2014–2019"

# Okabe-Ito colours, in the tie order accept, invest, hold-up, exit (as kzgame.io.plots).
_COLORS = ["#999999", "#0072B2", "#D55E00", "#CC79A7"]
_CMAP = ListedColormap(_COLORS)
_XLABEL = r"$\Delta_R/\Delta_E$ (R's stake over E's; < 1: outside options favour R)"
_YLABEL = r"$\iota$ (R's indispensability as E perceives it)"


def _repo_root(srcdir: Path) -> Path:
    return srcdir.resolve().parent


def _legend(fig: Figure) -> None:
    handles = [Patch(facecolor=c, alpha=0.6, label=s.value) for c, s in zip(_COLORS, Strategy,
                                                                             strict=True)]
    fig.legend(handles=handles, loc="outside lower center", ncol=4, frameon=False)


def _plane(values: dict[str, float], protocol: str, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Strategy codes on the (Delta_R / Delta_E, iota) grid, o_R moving Delta_R only."""
    stake_e = (1 - values["share"]) * values["surplus"] - values["outside_e"]
    outside_r = values["share"] * values["surplus"] - x[None, :] * stake_e
    return kzgame.classify(protocol=protocol, **{**values, "outside_r": outside_r,
                                                 "indispensability": y[:, None]})


def phase_figure(root: Path) -> Figure:
    """The Kazakhstan-Russia phase diagram (kzgame.io.plots, as in the tutorial)."""
    from kzgame.io.cases import load_case
    from kzgame.io.plots import phase_diagram

    case = load_case(root / CASE_FILE)
    return phase_diagram(case, n=20_000, seed=0)


def protocols_figure(root: Path) -> Figure:
    """One panel per protocol, the other parameters at the Kazakhstan 2014-2019 values."""
    from kzgame.io.cases import load_case

    values = load_case(root / CASE_FILE).period(PERIOD).period.as_dict()
    point = values["share"] - values["outside_r"], (1 - values["share"]) - values["outside_e"]
    x = np.linspace(-0.5, 2.0, 500)
    y = np.linspace(0.0, 1.0, 300)
    names = list(kzgame.PROTOCOLS)
    fig = Figure(figsize=(10, 8.2), layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(2, 2, sharex=True, sharey=True).ravel()
    for ax, name in zip(axes, names, strict=True):
        codes = _plane(values, name, x, y)
        ax.imshow(codes, origin="lower", aspect="auto", extent=(x[0], x[-1], 0, 1), cmap=_CMAP,
                  vmin=-0.5, vmax=3.5, alpha=0.6, interpolation="nearest")
        own = Strategy.from_code(int(kzgame.classify(protocol=name, **values)))
        ax.plot(point[0] / point[1], values["indispensability"], marker="*", ms=14,
                mfc=_COLORS[own.code], mec="black")
        extra = ""
        if name == "rubinstein":
            w = (1 - values["discount_e"]) / (1 - values["discount_r"] * values["discount_e"])
            extra = (f" ($\\delta_R = \\delta_E = {values['discount_r']:g}$, "
                     f"weight {w:.3f})")
        ax.set_title(f"{name}{extra}: the star is {own.value}", fontsize=10)
        ax.axvline(1.0, color="black", lw=0.6, ls=":")
        ax.axvline(0.0, color="black", lw=0.6, ls=":")
    for ax in axes[2:]:
        ax.set_xlabel(_XLABEL, fontsize=9)
    for ax in axes[::2]:
        ax.set_ylabel(_YLABEL, fontsize=9)
    fig.suptitle(
        "R's subgame-perfect strategy under each protocol; the other parameters at Kazakhstan "
        f"{PERIOD}\n($s$ = {values['share']:g}, $o_E$ = {values['outside_e']:g}, "
        f"$q$ = {values['survival']:g}, $c$ = {values['invest_cost']:g}, "
        f"$\\beta$ = {values['power']:g}, $h$ = {values['holdup_cost']:g}); "
        "o_R moves along x", fontsize=10)
    _legend(fig)
    return fig


def kpr_figure(root: Path) -> Figure:
    """The nash plane at the Kazakhstan 2014-2019 values, with boundaries solved by sympy.

    Each line solves an equation between two gains of :func:`kzgame.model.gains`
    at the period's values: G_H = 0 for iota (drawn where Delta_R >= 0, where
    accept is the alternative), G_H = G_X for iota (where Delta_R < 0, where
    exit is), and G_I = 0 for Delta_R (a vertical line).
    """
    from kzgame.io.cases import load_case

    values = load_case(root / CASE_FILE).period(PERIOD).period.as_dict()
    stake_e = (1 - values["share"]) * values["surplus"] - values["outside_e"]
    x = np.linspace(-0.5, 2.0, 500)
    y = np.linspace(0.0, 1.0, 300)
    codes = _plane(values, "nash", x, y)
    g = model.gains("nash")
    iota, d_r = model.SYMBOLS["indispensability"], model.STAKES["stake_r"]
    subs = {model.SYMBOLS[k]: v for k, v in values.items() if k != "indispensability"}
    subs[model.STAKES["stake_e"]] = stake_e

    def iota_line(lhs: sp.Expr, rhs: sp.Expr) -> np.ndarray:
        (root_,) = sp.solve(sp.Eq(lhs.subs(subs), rhs.subs(subs)), iota)
        return np.asarray(sp.lambdify(d_r, root_)(x * stake_e), dtype=float) * np.ones_like(x)

    star = iota_line(g["hold-up"], sp.Integer(0))
    exit_line = iota_line(g["hold-up"], g["exit"])
    (invest_at,) = sp.solve(sp.Eq(g["invest"].subs(subs), 0), d_r)

    fig = Figure(figsize=(7.5, 5.8), layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    ax.imshow(codes, origin="lower", aspect="auto", extent=(x[0], x[-1], 0, 1), cmap=_CMAP,
              vmin=-0.5, vmax=3.5, alpha=0.6, interpolation="nearest")
    right, left = x >= 0, x <= 0
    ax.plot(x[right], star[right], color="black", lw=1.6,
            label=r"$G_H = 0$: $\iota^* = ((1-\beta)\Delta_R + h/q)/(\beta\Delta_E)$")
    ax.plot(x[left], exit_line[left], color="black", lw=1.6, ls="--",
            label=r"$G_H = G_X$: $q\beta(\Delta_R + \iota\Delta_E) = h$")
    ax.axvline(float(invest_at) / stake_e, color="black", lw=1.6, ls="-.",
               label=r"$G_I = 0$: $\Delta_R = c/(1-q)$")
    ax.axvline(0.0, color="black", lw=0.6, ls=":")
    ax.axvline(1.0, color="black", lw=0.6, ls=":")
    ax.set_xlim(x[0], x[-1])
    ax.set_ylim(0, 1)
    ax.set_xlabel(_XLABEL)
    ax.set_ylabel(_YLABEL)
    ax.set_title(f"nash protocol at the Kazakhstan {PERIOD} values "
                 f"($\\Delta_E$ = {stake_e:.2f}, $q$ = {values['survival']:g}, "
                 f"$\\beta$ = {values['power']:g}, $h$ = {values['holdup_cost']:g}, "
                 f"$c$ = {values['invest_cost']:g})", fontsize=9.5)
    ax.legend(loc="lower right", fontsize=8.5, framealpha=0.9)
    _legend(fig)
    return fig


FIGURES = {
    "kazakhstan_phase.png": phase_figure,
    "protocols.png": protocols_figure,
    "kpr_plane.png": kpr_figure,
}


def generate(app) -> None:
    """Write every figure of :data:`FIGURES` to ``<srcdir>/_generated``."""
    srcdir = Path(app.srcdir)
    out = srcdir / "_generated"
    out.mkdir(exist_ok=True)
    (out / ".gitignore").write_text("# written by docs/_ext/kzgame_docs.py\n*\n")
    root = _repo_root(srcdir)
    for name, make in FIGURES.items():
        t0 = time.perf_counter()
        fig = make(root)
        fig.savefig(out / name, dpi=110)
        logger.info("kzgame_docs: %s in %.1f s", name, time.perf_counter() - t0)


_UNDERLINE = re.compile(r"([-=~^*+#])\1{2,}")


def module_headings_as_rubrics(app, what, name, obj, options, lines) -> None:
    """Render the numpydoc-style headings of *module* docstrings as rubrics.

    numpydoc rewrites the docstrings of functions and classes but leaves
    module docstrings alone, so their ``Examples`` / ``--------`` headings
    would become reST sections, and two modules on one page would both
    define a section called "Examples" (a duplicate-ID error).  As rubrics
    they read the same and do not collide.  The docstrings are not changed.
    """
    if what != "module":
        return
    out: list[str] = []
    i = 0
    while i < len(lines):
        title = lines[i].strip()
        under = lines[i + 1].strip() if i + 1 < len(lines) else ""
        starts_block = i == 0 or not lines[i - 1].strip()
        if title and starts_block and _UNDERLINE.fullmatch(under) and len(under) >= len(title):
            out += [f".. rubric:: {title}", ""]
            i += 2
            continue
        out.append(lines[i])
        i += 1
    lines[:] = out


_BARS = re.compile(r"(?<![\\|`])\|([A-Za-z_]\w*)\|(?![|`_])")


def _escape_bars(text: str) -> str:
    """``|x|`` outside inline literals, with the bars escaped."""
    parts = text.split("``")
    for k in range(0, len(parts), 2):  # even parts lie outside ``literals``
        parts[k] = _BARS.sub(r"\\|\1\\|", parts[k])
    return "``".join(parts)


def absolute_values_as_text(app, what, name, obj, options, lines) -> None:
    """Print ``|o_R|`` (an absolute value in a plain-text formula) as written.

    reST reads ``|name|`` as a substitution reference, which no docstring
    means here.  Escape the bars, outside inline literals and doctest blocks.
    The docstrings are not changed.
    """
    in_doctest = False
    for k, line in enumerate(lines):
        stripped = line.lstrip()
        if stripped.startswith(">>>"):
            in_doctest = True
        elif not stripped:
            in_doctest = False
        if not in_doctest:
            lines[k] = _escape_bars(line)


def setup(app):
    app.connect("builder-inited", generate)
    app.connect("autodoc-process-docstring", module_headings_as_rubrics)
    app.connect("autodoc-process-docstring", absolute_values_as_text)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
