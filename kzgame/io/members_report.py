"""Tables, a figure and a Markdown report for a members model file.

Used by ``kzgame solve`` and ``kzgame report`` when the file declares
``kind = "members"`` (:mod:`kzgame.io.members_file`), and by
``examples/eaeu_members.py``.

* :func:`members_tables` - per period: each member's stakes, transfer T,
  E's margin M, its strategy without and with contagion, E's policy, the
  source's verdict; the contagion threshold kappa*; the members'
  equilibria; each counter-move's value, cost and the optimal move;
* :func:`members_figure` - per period, the members' positions on
  Delta_R / Delta_E and iota over a backdrop coloured by E's optimal
  counter-move as the focal member's position varies, with the focal
  member's hold-up region outlined;
* :func:`write_members_report` - ``report.md`` and ``members.png``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import numpy as np

from ..members.contagion import STRATEGIES, member_values
from ..members.countermoves import COUNTER_PARAMETERS, MOVES, best_counter_move, offer_outcome
from ..members.vectorized import solve_members
from ._format import number as _num
from ._format import table_lines, terminal
from .members_file import MembersCase, MembersPeriod
from .plots import check_out_dir, plain_text, save_figure

if TYPE_CHECKING:
    import argparse

    from matplotlib.figure import Figure

__all__ = ["cli_check", "cli_report", "cli_solve", "members_figure", "members_tables",
           "write_members_report"]

_MOVE_COLOURS = {"nothing": "#e8e8e8", "dilute": "#9ecae1", "deepen": "#a1d99b",
                 "offer": "#fdae6b"}


def _rows(p: MembersPeriod) -> tuple[list[list[str]], dict]:
    sol, sol0 = p.solve(), p.solve(0.0)
    b = sol.bilateral
    rows = [["member", "Delta_R", "Delta_E", "iota", "T", "M", "bilateral", "with contagion",
             "E concedes", "source's verdict"]]
    for j, m in enumerate(p.members):
        verdict = p.verdicts.get(m)
        v = "—" if verdict is None else verdict[0]
        if verdict is not None:
            v += " (agrees)" if verdict[0] == STRATEGIES[int(sol.codes[j])] else " (DISAGREES)"
        policy = "yes" if sol.e_concedes[j] else "no"
        if sol.contagion_refusal[j]:
            policy += " (refuses because of contagion)"
        rows.append([m, _num(float(b.stake_r[j])), _num(float(b.stake_e[j])),
                     _num(p.params[m]["indispensability"].value, 2), _num(float(b.transfer[j])),
                     _num(float(b.margin[j])), STRATEGIES[int(sol0.codes[j])],
                     STRATEGIES[int(sol.codes[j])], policy, v])
    return rows, {"solution": sol, "bilateral": sol0}


def _move_rows(p: MembersPeriod) -> tuple[list[list[str]], str, dict]:
    r = p.counter_move()
    fees = {"nothing": 0.0, "dilute": p.counter_moves["dilution_cost"].value,
            "deepen": p.counter_moves["deepening_cost"].value,
            "offer": p.counter_moves["offer_cost"].value}
    rows = [["move", "value over nothing", "cost", "E's payoff", "members after the move"]]
    by_move = {}
    costs: dict[str, Any] = {c: v.value for c, v in p.counter_moves.items()}
    sub = best_counter_move(p.values(), p.contagion.value, backend="numpy", **costs)
    for i, mv in enumerate(MOVES):
        if mv == "offer":
            codes = offer_outcome(member_values(p.values()))[0]
        else:
            codes = sub.solutions[mv].codes
        after = ", ".join(f"{m} {STRATEGIES[int(c)]}" for m, c in
                          zip(p.members, codes, strict=True))
        by_move[mv] = after
        rows.append([mv, _num(float(r.thresholds[i])), _num(fees[mv]),
                     _num(float(r.payoffs[i])), after])
    return rows, r.move(), by_move


def members_tables(case: MembersCase, period: str | None = None) -> str:
    """The ``kzgame solve`` text for a members file (every period, or one)."""
    periods = [case.period(period)] if period else list(case.periods)
    lines = [terminal(f"{case.name}: E = {case.established}; members "
                      f"{', '.join(case.members)}")]
    for p in periods:
        rows, res = _rows(p)
        sol = res["solution"]
        years = "" if p.label == f"{p.start}–{p.end}" else f" ({p.start}–{p.end})"
        lines += ["", terminal(f"== {p.label}{years} ==")]
        lines.append(f"contagion kappa = {_num(p.contagion.value, 2)} "
                     f"({', '.join(p.contagion.sources)})")
        lines += table_lines(rows)
        k = float(sol.threshold)
        if np.isnan(k):
            lines.append("no member would hold up even if E conceded: contagion is moot")
        else:
            lines.append(f"E concedes to the members who hold up together iff kappa <= kappa* = "
                         f"{_num(k) if np.isfinite(k) else 'inf (nobody staying would claim)'}")
        eq = []
        if sol.united:
            eq.append("united front")
        if sol.nobody and sol.bilateral.wants.any():
            eq.append("nobody holds up")
        lines.append(f"equilibria of the simultaneous game: {', '.join(eq)}"
                     + ("; coordination: reported the united front, also every sequential "
                        "order's outcome" if len(eq) == 2 else ""))
        mrows, best, _ = _move_rows(p)
        lines += ["", f"{case.established}'s counter-moves (before the members choose):"]
        lines += table_lines(mrows)
        lines.append(terminal(f"best counter-move: {best}"))
    return "\n".join(lines)


def members_figure(case: MembersCase, *, focal: str | None = None, resolution: int = 120
                   ) -> Figure:
    """The members' positions and E's optimal counter-move, one panel per period.

    The backdrop colours E's optimal counter-move as the focal member
    (default: the member with the highest iota in the period) moves over
    the plane: x = Delta_R / Delta_E (its o_R varies), y = iota; the other
    members keep their values. The focal member's hold-up region (without a
    counter-move, with contagion) is outlined. Each member is a point.
    """
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    periods = case.periods
    fig = Figure(figsize=(5.2 * len(periods), 4.6), layout="constrained")
    axes = fig.subplots(1, len(periods), squeeze=False)[0]
    xs = np.linspace(-0.5, 2.0, resolution)
    ys = np.linspace(0.0, 1.0, resolution)
    X, Y = np.meshgrid(xs, ys)
    for ax, p in zip(axes, periods, strict=True):
        vals = p.values()
        f = focal if focal in vals else max(vals, key=lambda m: vals[m]["indispensability"])
        grid: dict[str, dict[str, float | np.ndarray]] = {m: dict(v) for m, v in vals.items()}
        me = grid[f]
        d_e = (1 - me["share"]) * me["surplus"] - me["outside_e"]
        grid[f] = {**me, "outside_r": me["share"] * me["surplus"] - X * d_e,
                   "indispensability": Y}
        cm: dict[str, Any] = {c: v.value for c, v in p.counter_moves.items()}
        r = best_counter_move(grid, p.contagion.value, **cm)
        ax.contourf(X, Y, r.codes, levels=np.arange(-0.5, 4.5, 1),
                    colors=[_MOVE_COLOURS[m] for m in MOVES])
        s = solve_members(grid, p.contagion.value)
        hold = (s.codes[..., list(vals).index(f)] == 2).astype(float)
        if 0 < hold.mean() < 1:
            ax.contour(X, Y, hold, levels=[0.5], colors="k", linewidths=1.2)
        b = p.solve().bilateral
        for j, m in enumerate(p.members):
            x = float(b.stake_r[j] / b.stake_e[j]) if b.stake_e[j] > 0 else np.nan
            ax.plot(x, vals[m]["indispensability"], "o", color="k" if m == f else "#444",
                    ms=7 if m == f else 5)
            ax.annotate(plain_text(m), (x, vals[m]["indispensability"]), fontsize=8,
                        xytext=(4, 4), textcoords="offset points")
        ax.set_xlim(xs[0], xs[-1])
        ax.set_ylim(0, 1)
        ax.set_xlabel(r"$\Delta_R / \Delta_E$")
        ax.set_ylabel(r"$\iota$")
        ax.set_title(plain_text(f"{p.label}: backdrop varies {f}"), fontsize=10)
    fig.legend(handles=[Patch(color=_MOVE_COLOURS[m], label=f"E: {m}") for m in MOVES],
               loc="outside lower center", ncols=4, fontsize=8)
    fig.suptitle(plain_text(f"{case.name}: E's optimal counter-move; outline: the focal "
                            "member holds up"), fontsize=10)
    return fig


def write_members_report(case: MembersCase, out: str | os.PathLike[str]) -> list[Path]:
    """Write ``report.md`` and ``members.png`` into the folder ``out``; return the paths."""
    folder = check_out_dir(out)
    fig_path = save_figure(members_figure(case), folder / "members.png")
    lines = [f"# {case.name}", "", case.description, "",
             "Computed by kzgame from the members model file; the mechanism and the "
             "equilibrium concept are stated in the theory page *Several members and E's "
             "counter-moves*.", "", "```text", members_tables(case), "```", "",
             "![members and counter-moves](members.png)", "", "## Provenance", ""]
    for p in case.periods:
        lines += [f"### {p.label}", "", f"- contagion = {p.contagion.value:g}: "
                  f"{', '.join(p.contagion.sources)}; {p.contagion.reasoning}"]
        for k, v in p.counter_moves.items():
            lines.append(f"- {k} = {v.value:g} ({COUNTER_PARAMETERS[k].meaning}): "
                         f"{', '.join(v.sources)}; {v.reasoning}")
        for m, ps in p.params.items():
            for k, v in ps.items():
                tag = " (assumed)" if v.assumed else ""
                lines.append(f"- {m}, {k} = {v.value:g}{tag}: {', '.join(v.sources)}; "
                             f"{v.reasoning}")
        lines.append("")
    report = folder / "report.md"
    report.write_text("\n".join(terminal(x) if "\n" not in x else x for x in lines) + "\n",
                      encoding="utf-8")
    return [report, fig_path]


def _check_cli(args: argparse.Namespace) -> None:
    from ..errors import KzgameError

    if getattr(args, "protocol", "nash") != "nash":
        raise KzgameError(f"{args.file} is a members file: its games use the nash protocol, "
                          f"not {args.protocol}")


def cli_solve(args: argparse.Namespace, out: TextIO) -> int:
    """``kzgame solve FILE`` for a members file (``--period`` chooses one period)."""
    from .members_file import load_members_case

    _check_cli(args)
    case = load_members_case(args.file)
    print(members_tables(case, args.period), file=out)
    print("(a members file: no Monte Carlo; --draws, --seed and --distribution are not used)",
          file=out)
    return 0


def cli_report(args: argparse.Namespace, out: TextIO) -> int:
    """``kzgame report FILE --out DIR`` for a members file."""
    from .members_file import load_members_case

    _check_cli(args)
    case = load_members_case(args.file)
    for path in write_members_report(case, args.out):
        print(f"wrote {path}", file=out)
    return 0


def cli_check(file: str, out: TextIO) -> int:
    """``kzgame check FILE`` for a members file: load it, compare the source verdicts."""
    import sys

    from ..errors import KzgameError
    from .members_file import load_members_case

    try:
        case = load_members_case(file)
    except KzgameError as e:
        print(f"kzgame: error: {terminal(e)}", file=sys.stderr)
        return 1
    checks = agree = 0
    for p in case.periods:
        got = p.solve().strategies()
        for m, (verdict, _) in p.verdicts.items():
            checks += 1
            if got[m] == verdict:
                agree += 1
            else:
                print(f"kzgame: warning: {terminal(file)}: period {terminal(repr(p.label))}: "
                      f"the model gives {terminal(m)} {got[m]}, the source {verdict}",
                      file=sys.stderr)
    k = len(case.periods)
    print(f"{terminal(file)}: ok (members file; {len(case.members)} members, {k} "
          f"period{'s' * (k != 1)}; {agree} of {checks} source verdicts reproduced)", file=out)
    return 0
