"""The Markdown report of a case: tables, figures, thresholds and provenance.

:func:`write_report` writes into one folder

* ``report.md`` - the report: the case, a results table (stakes, gains,
  the model's strategy, the source's verdict, robustness), the figures, the
  strategy shares and the most influential ranges, the classification under
  every bargaining protocol and under each commitment assumption, the
  thresholds in LaTeX with their values per period, the findings, an
  appendix with every parameter's value, range and provenance, and a
  reproducibility block (versions, command, seed, the model file's SHA-256:
  :mod:`kzgame.io.provenance`);
* ``phase.png``, ``robustness.png``, ``sensitivity.png`` - the figures of
  :mod:`kzgame.io.plots`;
* ``thresholds.tex`` - the gains and thresholds as a LaTeX fragment;
* ``periods.csv`` - the results table as CSV.

Everything is computed from the model file when the report is written;
nothing is copied from a previous run.
"""

from __future__ import annotations

import csv
import os
import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sympy as sp

from .._version import __version__
from ..analysis.sweep import inert
from ..analysis.thresholds import threshold
from ..analysis.uncertainty import MonteCarloResult, case_monte_carlo
from ..model import PROTOCOLS, gains
from ..model import latex as model_latex
from ..params import PARAMETERS, KzgameError
from ..strategy import Strategy
from ._format import md_block, md_code, md_fence, md_inline
from ._format import number as _num
from ._format import share as _pct
from .cases import Case, CasePeriod, ModelFileError
from .plots import (
    PARAMETER_LABELS,
    check_out_dir,
    phase_diagram,
    robustness_chart,
    save_figure,
    sensitivity_chart,
)
from .provenance import provenance
from .report_commitment import commitment_section
from .validation import Validation, validate

__all__ = ["ReportFiles", "write_report"]

#: Monte Carlo draws the phase diagram plots per period.
_CLOUD = 1500


@dataclass(frozen=True)
class ReportFiles:
    """The files :func:`write_report` wrote."""

    report: Path
    figures: dict[str, Path]
    latex: Path
    csv: Path


def _cell(text: object) -> str:
    """A cell of a Markdown table: one line, no unescaped ``|`` (text from the model
    file is escaped by :func:`md_inline` before it gets here)."""
    return " ".join(str(text).split()).replace("|", "\\|")


def _table(header: Sequence[str], rows: Sequence[Sequence[object]], align: str | None = None
           ) -> list[str]:
    align = align or "l" * len(header)
    marks = {"l": ":---", "r": "---:", "c": ":---:"}
    out = ["| " + " | ".join(header) + " |", "| " + " | ".join(marks[a] for a in align) + " |"]
    out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return out


def _protocol_ok(p: CasePeriod, protocol: str) -> bool:
    try:
        p.check_protocol(protocol)
    except ModelFileError:
        return False
    return True


# ---------------------------------------------------------------------------
# Thresholds
# ---------------------------------------------------------------------------

#: The thresholds the report shows: (parameter, between, sign assumptions).
_THRESHOLDS = (
    ("indispensability", ("hold-up", "accept"), {"stake_e": "positive"}),
    ("indispensability", ("hold-up", "invest"), {"stake_e": "positive"}),
    ("outside_r", ("invest", "accept"), None),
)


def _main_piece(expr: sp.Basic) -> tuple[sp.Basic, sp.Basic]:
    """The first genuine piece of a Piecewise threshold and its condition."""
    if isinstance(expr, sp.Piecewise):
        for value, cond in expr.args:
            if value is not sp.nan:
                return value, cond
    return expr, sp.true


def _threshold_rows(case: Case, protocol: str) -> Any:
    """LaTeX lines and per-period values of the thresholds (via kzgame.analysis.thresholds)."""
    out = []
    for parameter, between, assume in _THRESHOLDS:
        try:
            t = threshold(parameter, between, protocol, assume=assume)
        except KzgameError:  # the protocol does not depend on this parameter
            continue
        if not t.exists:
            continue
        value, cond = _main_piece(t.in_stakes)
        values = {}
        for p in case.periods:
            if _protocol_ok(p, protocol):
                v = t.func(**p.period.as_dict())
                values[p.label] = float(v)
        out.append((parameter, between, t, value, cond, values))
    return out


def _latex_thresholds(case: Case, protocol: str) -> tuple[list[str], list[str]]:
    """(markdown lines, latex lines)."""
    g = gains(protocol)
    names = {"invest": "G_I", "hold-up": "G_H", "exit": "G_X"}
    md = [f"R's gains relative to accept under the `{protocol}` protocol, in the stakes "
          r"$\Delta_R = sV - o_R$ and $\Delta_E = (1 - s)V - o_E$, derived by "
          "`kzgame.model.gains` from the one symbolic definition of the payoffs:", ""]
    tex = [f"% kzgame {__version__}: gains and thresholds, {protocol} protocol",
           r"\begin{align}"]
    for key, sym in names.items():
        expr = model_latex(g[key])
        md += ["$$", f"{sym} = {expr}", "$$", ""]
        tex.append(f"  {sym} &= {expr} \\\\")
    margin = model_latex(g["concession-margin"])
    md += ["E concedes to a hold-up iff its concession margin is not negative:", "",
           "$$", f"u_E(H, \\text{{concede}}) - u_E(H, \\text{{refuse}}) = {margin} \\geq 0", "$$",
           ""]
    tex.append(f"  u_E(H,\\text{{concede}}) - u_E(H,\\text{{refuse}}) &= {margin}")
    tex.append(r"\end{align}")
    rows = _threshold_rows(case, protocol)
    symbol = {"indispensability": r"\iota", "outside_r": "{o_R}"}
    md += ["Solving the boundaries for one parameter (`kzgame.threshold`), with "
           r"$\Delta_E > 0$ assumed where the sides depend on its sign:", ""]
    tex.append(r"\begin{align}")
    for parameter, between, t, value, cond, _ in rows:
        sym = symbol[parameter]
        label = f"{sym}^*_{{\\text{{{between[0]}/{between[1]}}}}}"
        body = model_latex(value)
        where = "" if cond is sp.true else f" \\quad \\text{{if }} {model_latex(cond)}"
        md += ["$$", f"{label} = {body}{where}", "$$", ""]
        if t.above and t.below:
            md += [f"{t.above} wins for ${sym} > {label}$, {t.below} for ${sym} < {label}$ "
                   "(at equality the tie rule decides).", ""]
        tex.append(f"  {label} &= {body} \\\\")
    tex[-1] = tex[-1].rstrip(" \\")
    tex.append(r"\end{align}")
    header = ["Period"]
    cells = []
    seen: set[str] = set()
    for parameter, between, _t, _v, _c, values in rows:
        if parameter not in seen:
            seen.add(parameter)
            header.append(PARAMETER_LABELS[parameter])
            cells.append(lambda p, k=parameter: _num(getattr(p.period, k)))
        header.append(f"${symbol[parameter]}^*$ ({between[0]}/{between[1]})")
        cells.append(lambda p, v=values: _num(v.get(p.label, float("nan"))))
    body_rows = [[md_inline(p.label)] + [f(p) for f in cells] for p in case.periods]
    md += ["At each period's calibrated values:", ""]
    md += _table(header, body_rows, "l" + "r" * (len(header) - 1))
    md += ["", "— : no threshold (the comparison does not depend on the parameter there). "
           r"An $\iota^*$ above 1 means no $\iota$ in [0, 1] crosses that boundary; one below 0 "
           r"means every $\iota$ is on the same side of it."]
    return md, tex


# ---------------------------------------------------------------------------
# The report
# ---------------------------------------------------------------------------


def _reference(r: Any) -> str:
    """A reference as one Markdown line (author, year, title, venue, DOI or URL), every
    field escaped: the report's version of ``Reference.format``."""
    parts = [f"{md_inline(r.author)} ({md_inline(r.year)}). *{md_inline(r.title)}*"]
    for k in ("journal", "publisher"):
        if r.fields.get(k):
            parts.append(md_inline(r.fields[k]))
    if r.fields.get("doi"):
        parts.append(f"doi:{md_inline(r.fields['doi'])}")
    elif r.fields.get("url"):
        parts.append(md_code(r.fields["url"]))
    if r.fields.get("file"):
        parts.append(f"seed file {md_code(r.fields['file'])}")
    return ". ".join(parts) + "."


def _source_list(case: Case) -> list[str]:
    """The case's sources: its references (formatted), then seed files no reference names."""
    named = {r.fields.get("file") for r in case.references.values()}
    lines = []
    if case.references:
        lines += ["References:", ""]
        lines += [f"- {md_code(r.key)}: {_reference(r)}" for r in
                  sorted(case.references.values(), key=lambda r: (r.author, r.year))]
        lines.append("")
    rest = [s for s in case.sources if s not in named]
    if rest or not case.references:
        lines += ["Sources (seed files): " + (", ".join(md_code(s) for s in rest) or "none")
                  + ".", ""]
    return lines


def _validation_section(case: Case, v: Validation) -> list[str]:
    """The validation table: verdicts, model, robustness, circularity, leave-one-out."""
    if not v.rows:
        return []
    md = ["## Validation", ""]
    rows = []
    for r in v.rows:
        circular = (md_inline(", ".join(r.informed)) if r.informed else
                    "not declared" if r.undeclared else "no")
        loo = ("—" if r.loo is None else
               f"{r.loo.value} ({'agrees' if r.loo_agrees else 'disagrees'})")
        rows.append([md_inline(r.label), r.verdict.value, f"**{r.model.value}**",
                     ("agrees" + (" (stale finding)" if r.stale else "")) if r.agrees
                     else "**disagrees**",
                     _pct(r.robustness) if r.robustness is not None else "—",
                     _pct(r.verdict_share) if r.verdict_share is not None else "—",
                     circular, loo])
    md += _table(["Period", "Source's verdict", "Model", "", "Robustness", "Draws giving the "
                  "verdict", "Informed by the verdict", "Left out"], rows, "llllrrll")
    book = case.codebook
    md += [
        "",
        v.summary(),
        "",
        "*Informed by the verdict*: the parameters whose value the file says the source's "
        "verdict informed (such periods are not counted as evidence). *Left out*: the "
        f"strategy predicted with {', '.join(v.fit) or 'nothing'} refitted on the other "
        "periods' verdicts alone (grid over their ranges, ties to the file's values), the "
        "codebook's codings fixed.",
        "",
    ]
    if book.verdict_rule is not None:
        md += ["Verdicts are coded from the sources' descriptions by the codebook's rule:", ""]
        md += [f"- **{md_inline(k)}**: {md_inline(t)}" for k, t in book.verdict_rule.rules.items()]
        md += [f"- (rule's sources: "
               f"{md_inline(', '.join(c.text for c in book.verdict_rule.source))})", ""]
    return md


def write_report(
    case: Case,
    out: str | os.PathLike[str],
    *,
    protocol: str = "nash",
    n: int = 100_000,
    seed: int = 0,
    distribution: str = "uniform",
    xaxis: str = "auto",
    mc: dict[str, MonteCarloResult] | None = None,
    command: str | None = None,
) -> ReportFiles:
    """Write the report of ``case`` into the folder ``out``.

    Parameters
    ----------
    case : Case
        A loaded model file (:func:`kzgame.io.cases.load_case`).
    out : path-like
        The output folder (created; must not be inside the kzgame package).
    protocol : str, default "nash"
        The bargaining protocol of the main results.
    n, seed, distribution
        Monte Carlo settings (:func:`kzgame.analysis.uncertainty.case_monte_carlo`).
    xaxis : {"auto", "ratio", "balance"}
        The phase diagram's x coordinate.
    mc : dict, optional
        Monte Carlo results to use (with ``keep=True``); computed if None.
    command : str, optional
        The command that regenerates the report, shown in it.

    Returns
    -------
    ReportFiles
    """
    out = check_out_dir(out)
    case.check_protocol(protocol)
    if mc is None:
        mc = case_monte_carlo(case, n, seed=seed, distribution=distribution,
                              protocol=protocol, keep=True)
    first = mc[case.periods[0].label]
    figures = {
        "phase": save_figure(phase_diagram(case, mc, protocol=protocol, xaxis=xaxis,
                                           cloud=_CLOUD), out / "phase.png"),
        "robustness": save_figure(robustness_chart(case, mc, protocol=protocol),
                                  out / "robustness.png"),
        "sensitivity": save_figure(sensitivity_chart(case, mc, protocol=protocol),
                                   out / "sensitivity.png"),
    }
    results = {p.label: p.solve(protocol) for p in case.periods}
    source = str(case.path) if case.path else "(text)"
    if command is None:
        command = (f"kzgame report {shlex.quote(source)} --out {shlex.quote(str(out))} "
                   f"--protocol {protocol} --draws {first.n} --seed {seed} "
                   f"--distribution {first.distribution}")
    md: list[str] = [
        f"# {md_inline(case.name)}: invest, hold up or accept?",
        "",
        f"*{md_inline(case.rising)} (R, the rising power) in the regime led by "
        f"{md_inline(case.established)} "
        "(E, the established power).*",
        "",
        f"Generated by kzgame {__version__} from {md_code(source)}: `{protocol}` bargaining "
        "protocol; "
        f"Monte Carlo with {first.n:,} draws per period, {first.distribution} over each "
        f"parameter's range, seed {seed}. Every number below is computed from the model "
        "file; regenerate the report with",
        "",
        *md_fence(command, "console"),
        "",
        "## The case",
        "",
        md_block(case.description),
        "",
        *_source_list(case),
        "## Results",
        "",
    ]
    rows = []
    for p in case.periods:
        r, m = results[p.label], mc[p.label]
        ratio = r.stake_r / r.stake_e if r.stake_e > 0 else float("nan")
        verdict = p.verdict.value if p.verdict else "—"
        agree = ("" if p.verdict is None else
                 " (agrees)" if p.verdict == r.strategy else " (**disagrees**)")
        rows.append([md_inline(p.label), _num(r.stake_r), _num(r.stake_e), _num(ratio, 2),
                     _num(p.period.indispensability, 2), _num(r.gain_invest),
                     _num(r.gain_holdup_realized), _num(r.gain_exit),
                     f"**{r.strategy.value}**", verdict + agree, _pct(m.robustness)])
    md += _table(
        ["Period", r"$\Delta_R$", r"$\Delta_E$", r"$\Delta_R/\Delta_E$", r"$\iota$", "$G_I$",
         "$G_H$", "$G_X$", "Model", "Source's verdict", "Robustness"],
        rows, "lrrrrrrrlll")
    validation = validate(case, protocol, mc=mc)
    if not validation.rows:
        tally = "The sources give no verdict for any period."
    else:
        tally = validation.summary() + " See *Validation* below."
    md += [
        "",
        r"$\Delta_R$, $\Delta_E$: what R and E lose if the regime collapses (units of $V$, the "
        r"regime's value per period). $G_I$, $G_H$, $G_X$: R's gain from invest, from a "
        "hold-up (as E answers it) and from exit, relative to accept. Model: R's "
        "subgame-perfect strategy at the calibrated values. Robustness: share of the Monte "
        "Carlo draws over the parameter ranges that give the same strategy.",
        "",
        tally,
        "",
        "![Phase diagram](phase.png)",
        "",
        "*Figure 1. Phase diagram: one panel per period. Coloured regions: R's strategy when "
        r"$o_R$ (hence $\Delta_R$) and $\iota$ vary and everything else stays at the panel's "
        f"period values. Dots: {min(_CLOUD, first.n):,} of the period's {first.n:,} Monte "
        "Carlo draws (every parameter drawn from its range), coloured by their own strategy; "
        "a panel's title says how many fall outside its window, if any."
        + (" Arrows: the periods in time order.*" if len(case.periods) > 1 else "*"),
        "",
        "## Robustness",
        "",
    ]
    rows = []
    for p in case.periods:
        m = mc[p.label]
        top = [s for s in m.sensitivity if s.first_order > 0 or s.swing > 0][:2]
        infl = "; ".join(f"{s.parameter} ({s.first_order:.2f})" for s in top) or "—"
        rows.append([md_inline(p.label)] + [_pct(m.shares[s]) for s in Strategy] + [infl])
    md += _table(["Period"] + [s.value for s in Strategy] +
                 ["Most influential ranges (first-order index)"], rows, "lrrrrl")
    md += [
        "",
        "Shares of the draws in each strategy. The first-order index of a parameter is the "
        "share of the variance of the strategy (its one-hot indicator) that the parameter's "
        "range explains alone; see `docs/howto/uncertainty.md`.",
        "",
        "![Robustness](robustness.png)",
        "",
        "*Figure 2. Share of Monte Carlo draws in each strategy, per period.*",
        "",
        "![Sensitivity](sensitivity.png)",
        "",
        "*Figure 3. First-order sensitivity index of the strategy to each parameter's range "
        "(in brackets: the share of the range over which the strategy changes, all else at "
        "the calibrated values).*",
        "",
        "## Does the classification survive a change of bargaining protocol?",
        "",
    ]
    rows = []
    for p in case.periods:
        row = [md_inline(p.label)]
        for name in PROTOCOLS:
            row.append(p.solve(name).strategy.value if _protocol_ok(p, name)
                       else "— (discount factors not calibrated)")
        rows.append(row)
    md += _table(["Period"] + [f"`{k}`" for k in PROTOCOLS], rows)
    md += ["", "Protocols: " + "; ".join(f"`{k}`: {v.summary}" for k, v in PROTOCOLS.items())
           + ".", ""]
    md += commitment_section(case, protocol, mc)
    md += _validation_section(case, validation)
    from .report_dynamic import dynamic_section

    dynamic_md, dynamic_figure = dynamic_section(case, out, protocol=protocol)
    md += dynamic_md
    if dynamic_figure is not None:
        figures["dynamic_timeline"] = dynamic_figure
    from .report_beliefs import beliefs_section

    md += beliefs_section(case, out, protocol)
    md += ["## Thresholds", ""]
    tmd, tex = _latex_thresholds(case, protocol)
    md += tmd
    md += ["", "## Findings and notes", ""]
    for p in case.periods:
        r = results[p.label]
        md.append(f"**{md_inline(p.label)}.** ")
        if p.verdict is not None and p.verdict != r.strategy:
            md[-1] += (f"The model gives {r.strategy.value}, the source {p.verdict.value}. "
                       f"Finding: {md_inline(p.finding) if p.finding else '(none recorded)'} ")
        elif p.finding:
            stale = p.verdict is not None and p.finding_applies(protocol)
            md[-1] += (f"Finding{' (**stale**: the model now agrees)' if stale else ''}: "
                       f"{md_inline(p.finding)} ")
        if p.finding_protocols:
            md[-1] += f"(The finding applies to: {md_inline(', '.join(p.finding_protocols))}.) "
        md[-1] += md_inline(p.notes) if p.notes.strip() else "No notes."
        md.append("")
        for name, reason in p.overrides.items():
            md += [f"- Override of the codebook's {md_code(name)}: {md_inline(reason)}", ""]
    md += ["## Appendix: calibration and provenance", "",
           "Every parameter of every period: point value, plausible range (used by the Monte "
           "Carlo), the sources (seed file:line), the indicator, and the reasoning from "
           "indicator to value. (d) marks a value taken from the file's `[defaults]`, (c) a "
           "value the codebook gives from the period's coding or indicators, (o) an override "
           "of the codebook (its reason is listed under *Findings and notes*), and * a value "
           "the file says the source's verdict informed.", ""]
    for p in case.periods:
        years = "" if p.label == f"{p.start}–{p.end}" else f" ({p.start}–{p.end})"
        md += [f"### {md_inline(p.label + years)}", ""]
        if p.verdict is not None:
            md += [f"Source's verdict: **{p.verdict.value}** "
                   f"({md_inline(', '.join(c.text for c in p.verdict_source))}).", ""]
        rows = []
        for name in PARAMETERS:
            if name not in p.specs:
                continue
            s = p.specs[name]
            mark = (" (d)" if s.inherited else " (o)" if s.override else
                    " (c)" if s.origin != "params" else "") + (" *" if s.informed else "")
            rows.append([f"{PARAMETER_LABELS[name]} {name}" + mark,
                         f"{s.value:g}", f"[{s.low:g}, {s.high:g}]", md_inline(s.sources),
                         md_inline(s.indicator), md_inline(s.reasoning)])
        md += _table(["Parameter", "Value", "Range", "Source", "Indicator", "Reasoning"],
                     rows, "lrllll")
        md.append("")
    md += provenance(case.path, command=command, seed=seed).markdown()
    report = out / "report.md"
    report.write_text("\n".join(md).rstrip() + "\n", encoding="utf-8")
    latex = out / "thresholds.tex"
    latex.write_text("\n".join(tex) + "\n", encoding="utf-8")
    table = out / "periods.csv"
    with table.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["period", "start", "end", "stake_r", "stake_e", "indispensability",
                    "gain_invest", "gain_holdup", "gain_exit", "strategy", "source_verdict",
                    "robustness"] + [f"share_{s.value}" for s in Strategy])
        for p in case.periods:
            r, m = results[p.label], mc[p.label]
            w.writerow([inert(p.label), p.start, p.end, repr(r.stake_r), repr(r.stake_e),
                        repr(p.period.indispensability), repr(r.gain_invest),
                        repr(r.gain_holdup_realized), repr(r.gain_exit), r.strategy.value,
                        p.verdict.value if p.verdict else "", repr(m.robustness)]
                       + [repr(m.shares[s]) for s in Strategy])
    return ReportFiles(report=report, figures=figures, latex=latex, csv=table)
