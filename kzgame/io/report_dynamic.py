"""The report's section on the case as one dynamic game (issue 12)."""

from __future__ import annotations

from pathlib import Path

from ..dynamics import DEFAULTS, Dynamics, StateGrid
from ..errors import KzgameError
from ._format import md_inline
from .cases import Case

__all__ = ["dynamic_section"]


def dynamic_section(case: Case, out: Path, *, protocol: str = "nash"
                    ) -> tuple[list[str], Path | None]:
    """Markdown lines of the section, and the figure it writes into ``out`` (or None).

    With a protocol the dynamic game does not support (``outside-option``), or
    a case it cannot solve with the default assumptions, the section says so
    instead and writes no figure.
    """
    from ..dynamics.bellman import PROTOCOLS
    from .dynamic_case import solve_case_dynamic
    from .dynamic_plots import timeline_figure
    from .plots import save_figure

    md = ["## The periods as one dynamic game", ""]
    if protocol not in PROTOCOLS:
        return md + [f"The dynamic game supports the {', '.join(PROTOCOLS)} protocols, not "
                     f"`{protocol}`; see `docs/theory/dynamics.md`.", ""], None
    dyn = Dynamics()
    try:
        res = solve_case_dynamic(case, dyn, grid=StateGrid(21, 11), protocol=protocol)
    except KzgameError as e:  # e.g. a ratchet that leaves the share's domain for this case
        return md + [f"The dynamic game with the default assumptions cannot be solved for "
                     f"this case: {md_inline(str(e))}", ""], None
    figure = save_figure(timeline_figure(res), out / "dynamic_timeline.png")
    md += [
        "The same periods solved as one game: a conceded hold-up's terms become the next "
        "status quo (ratchet), investment raises survival for later periods (durability), "
        "the players know the path (anticipation), and after the last period the game "
        "continues as the stationary game at its values. Markov-perfect equilibrium by "
        "backward induction on a state grid (`docs/theory/dynamics.md`). Dynamic parameters "
        "(assumptions, not calibrated): "
        + "; ".join(f"{k} = {v:g} ({md_inline(why)})" for k, (v, why) in DEFAULTS.items())
        + ".",
        "",
        f"Grid {res.solution.grid.n_share} x {res.solution.grid.n_stock}; measured grid error "
        f"along the path {res.grid.error:.3g}.",
        "",
    ]
    head, *rows = res.table()
    md.append("| " + " | ".join(head) + " |")
    md.append("|" + "---|" * len(head))
    for r in rows:
        md.append("| " + " | ".join(md_inline(c) for c in r) + " |")
    last = res.rows[-1]
    md += ["", f"Prediction for {md_inline(last.label)}: **{last.dynamic}** (period by "
           f"period: {last.static}).", ""]
    md += [f"Note: {md_inline(n)}" for n in res.warnings]
    md += ["", "![Dynamic timeline](dynamic_timeline.png)", "",
           "*Strategy per period (the source's verdict, the period-by-period classification, "
           "the dynamic equilibrium with anticipation and with myopic expectations) and the "
           "state: status quo share and survival probability, dynamic vs the file's.*", ""]
    return md, figure
