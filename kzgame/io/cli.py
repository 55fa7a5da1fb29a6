"""The ``kzgame`` command: solve, sweep, plot and report calibrated cases.

Argument parsing and one-line error messages only; the work is done by
:mod:`kzgame.io.cases`, :mod:`kzgame.analysis.uncertainty`, :mod:`kzgame.analysis.sweep`,
:mod:`kzgame.io.plots` and :mod:`kzgame.io.report`.

User mistakes (a malformed model file, a parameter outside its domain, an
unknown option, a folder that cannot be written) end with one line on
stderr, ``kzgame: error: ...``, and a non-zero exit status: 2 for a wrong
command line, 1 for anything else.  No traceback.

Examples
--------
>>> main(["solve", "no-such-file.toml"])
1
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import numpy as np

from .._version import __version__
from ..analysis.uncertainty import DISTRIBUTIONS, case_monte_carlo
from ..numeric.period_plans import protocol_names
from ..params import PARAMETERS, KzgameError
from ..strategy import Strategy
from ._format import number as _fmt
from ._format import print_table
from ._format import share as _pct
from ._format import terminal as _t
from .commitment_cli import COMMITMENT_PARAMETER_NAMES, add_commitment_options, usage_problem
from .figure_options import PARAMETER_LABELS, XAXES

if TYPE_CHECKING:
    from .cases import Case

# Model files (sympy, through solve) and figures (matplotlib) are imported by the
# commands that use them: ``kzgame --help`` loads neither.

__all__ = ["main"]

#: The protocols' names (:data:`kzgame.model.PROTOCOLS`), for the parser's choices.
PROTOCOLS: tuple[str, ...] = protocol_names()

#: Plain-text parameter symbols for the terminal: the figures' labels without TeX.
_SYMBOLS = {k: v.strip("$").lstrip("\\") for k, v in PARAMETER_LABELS.items()}


class UsageError(Exception):
    """A wrong command line (exit status 2)."""


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line and an exception, not a usage dump."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message} (see '{self.prog} --help')")


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} must be at least 1")
    return value


def _number(text: str, what: str) -> float:
    shown = text if len(text) <= 40 else text[:37] + "..."
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{what}: {shown!r} is not a number") from None
    if not np.isfinite(value):  # float("9" * 400) is inf: refused here, not as a nan later
        raise argparse.ArgumentTypeError(f"{what}: {shown!r} is not a finite number")
    return value


def _axis(text: str) -> tuple[str, float, float, int]:
    """``NAME=LOW:HIGH:NUM`` -> (name, low, high, num)."""
    name, sep, spec = text.partition("=")
    parts = spec.split(":")
    if not sep or len(parts) != 3:
        raise argparse.ArgumentTypeError(f"{text!r}: write NAME=LOW:HIGH:NUM, e.g. "
                                         "indispensability=0:1:101")
    name = name.strip()
    if name not in PARAMETERS and name not in COMMITMENT_PARAMETER_NAMES:
        raise argparse.ArgumentTypeError(
            f"{name!r} is not a parameter; parameters: "
            f"{', '.join([*PARAMETERS, *COMMITMENT_PARAMETER_NAMES])}")
    low, high = _number(parts[0], name), _number(parts[1], name)
    try:
        num = _positive_int(parts[2])
    except argparse.ArgumentTypeError as e:
        raise argparse.ArgumentTypeError(f"{name}: number of points {e}") from None
    return name, low, high, num


def _assignment(text: str) -> tuple[str, float]:
    """``NAME=VALUE`` -> (name, value)."""
    name, sep, value = text.partition("=")
    name = name.strip()
    if not sep:
        raise argparse.ArgumentTypeError(f"{text!r}: write NAME=VALUE, e.g. share=0.5")
    if name not in PARAMETERS and name not in COMMITMENT_PARAMETER_NAMES:
        raise argparse.ArgumentTypeError(
            f"{name!r} is not a parameter; parameters: "
            f"{', '.join([*PARAMETERS, *COMMITMENT_PARAMETER_NAMES])}")
    return name, _number(value, name)


def _mc_options(p: argparse.ArgumentParser, draws: int) -> None:
    p.add_argument("--protocol", choices=list(PROTOCOLS), default="nash",
                   help="bargaining protocol (default: nash)")
    p.add_argument("--draws", type=int, default=draws, metavar="N",
                   help=f"Monte Carlo draws per period; 0 skips the Monte Carlo where "
                        f"possible (default: {draws})")
    p.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    p.add_argument("--distribution", choices=DISTRIBUTIONS, default="uniform",
                   help="distribution over each parameter's range (default: uniform)")


def _check_draws(draws: int, needed: bool) -> None:
    if draws < 0 or (needed and draws == 0):
        raise KzgameError(f"--draws {draws}: give a positive number of draws")


# ---------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------


def _cmd_solve(args: Any, out: Any) -> int:
    from .cases import load_case
    from .commitment_cli import solve_needs_commitment_games
    from .members_file import is_members_file

    if (problem := usage_problem(args)) is not None:
        raise UsageError(f"kzgame solve: {problem} (see 'kzgame solve --help')")
    if is_members_file(args.file):  # several members: kzgame.io.members_report
        from .members_report import cli_solve

        if args.commitment != "full" or args.exit_premium is not None:
            raise KzgameError(f"{args.file} is a members file: its games are solved under "
                              "full commitment only; leave out --commitment and --exit-premium")
        return cli_solve(args, out)
    case = load_case(args.file)
    _check_draws(args.draws, needed=False)
    case.check_protocol(args.protocol)
    if solve_needs_commitment_games(case, args):  # kzgame.io.commitment_cli
        from .commitment_cli import cli_solve as _commitment_solve

        return _commitment_solve(case, args, out)
    periods = [case.period(args.period)] if args.period is not None else list(case.periods)
    mc = {}
    if args.draws:
        mc = case_monte_carlo(case, args.draws, seed=args.seed, distribution=args.distribution,
                              protocol=args.protocol)
    print(_t(f"{case.name}: R = {case.rising}, E = {case.established}"), file=out)
    settings = f"{_t(args.file)}; protocol {args.protocol}; commitment full"
    if mc:
        settings += f"; {args.draws:,} Monte Carlo draws per period ({args.distribution}, " \
                    f"seed {args.seed})"
    print(settings, file=out)
    summary = [["period", "Delta_R", "Delta_E", "iota", "G_I", "G_H", "G_X", "strategy",
                "source", "robustness"]]
    for p in periods:
        r = p.solve(args.protocol)
        years = "" if p.label == f"{p.start}–{p.end}" else f" ({p.start}–{p.end})"
        print(f"\n== {_t(p.label + years)} ==", file=out)
        rows = [["parameter", "symbol", "value", "range", "source"]]
        for name, s in p.specs.items():
            rows.append([name, _SYMBOLS[name], f"{s.value:g}", f"[{s.low:g}, {s.high:g}]",
                         s.sources if len(s.sources) <= 60 else s.sources[:57] + "..."])
        print_table(rows, out)
        print(f"stakes:    Delta_R = {_fmt(r.stake_r)}   Delta_E = {_fmt(r.stake_e)}", file=out)
        print(f"gains:     G_I = {_fmt(r.gain_invest)}   G_H = {_fmt(r.gain_holdup_realized)}"
              f"   G_X = {_fmt(r.gain_exit)}   (E {'concedes to' if r.e_concedes else 'refuses'}"
              " a hold-up)", file=out)
        verdict = p.verdict.value if p.verdict else "none"
        agree = "" if p.verdict is None else (
            " (agrees)" if p.verdict == r.strategy else " (DISAGREES)")
        print(f"strategy:  {r.strategy.value}   source's verdict: {verdict}{agree}", file=out)
        robust = "-"
        if p.label in mc:
            m = mc[p.label]
            robust = _pct(m.robustness)
            shares = ", ".join(f"{s.value} {_pct(m.shares[s])}" for s in Strategy)
            top = m.most_influential or "none"
            print(f"robustness: {robust} of draws give {m.point.value} ({shares}); "
                  f"most influential range: {top}", file=out)
        if p.finding:
            print(f"finding:   {_t(p.finding)}", file=out)
        summary.append([p.label, _fmt(r.stake_r), _fmt(r.stake_e),
                        _fmt(p.period.indispensability, 2), _fmt(r.gain_invest),
                        _fmt(r.gain_holdup_realized), _fmt(r.gain_exit), r.strategy.value,
                        verdict + agree, robust])
    print(f"\nSummary (protocol {args.protocol}, commitment full)", file=out)
    print_table(summary, out)
    for c in case.verdicts(args.protocol):
        if not c.explained:
            print(f"kzgame: warning: {_t(args.file)}: period {_t(repr(c.label))}: the model gives "
                  f"{c.model.value} but the source's verdict is {c.verdict.value}, and no "
                  "finding is recorded", file=sys.stderr)
    return 0


def _cmd_check(args: Any, out: Any) -> int:
    from .cases import load_case
    from .members_file import is_members_file

    status = 0
    for f in args.files:
        if is_members_file(f):  # several members: kzgame.io.members_report
            from .members_report import cli_check

            status = max(status, cli_check(f, out))
            continue
        try:
            case = load_case(f, collect=True)
            errors, warns = case.audit(args.protocol)
        except KzgameError as e:
            print(f"kzgame: error: {_t(e)}", file=sys.stderr)
            status = 1
            continue
        for problem in errors:
            print(f"kzgame: error: {_t(problem)}", file=sys.stderr)
        for w in warns:
            print(f"kzgame: warning: {_t(w)}", file=sys.stderr)
        if errors:
            status = 1
            print(f"{_t(f)}: {len(errors)} problem{'s' * (len(errors) != 1)}", file=out)
            continue
        checks = case.verdicts(args.protocol)
        agree = sum(c.agrees for c in checks)
        k = len(case.periods)
        clean = [c for c, p in zip(checks, (case.period(c.label) for c in checks), strict=True)
                 if p.out_of_sample]
        line = (f"{_t(f)}: ok ({k} period{'s' * (k != 1)}; {agree} of {len(checks)} source "
                f"verdict{'s' * (len(checks) != 1)} reproduced")
        if agree < len(checks):
            line += f", {len(checks) - agree} disagreement(s) recorded as findings"
        if checks:
            line += (f"; out of sample (no value informed by the verdict): "
                     f"{sum(c.agrees for c in clean)} of {len(clean)}")
        print(line + ")", file=out)
    return status


def _cmd_new(args: Any, out: Any) -> int:
    from .cases import template

    path = Path(args.file)
    if path.exists() and not args.force:
        raise KzgameError(f"{path} exists (use --force to overwrite)")
    try:
        text = template(args.name, args.rising, args.established)
    except ValueError as e:
        raise KzgameError(str(e)) from None
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path}: a commented template; edit it, then run 'kzgame check {path}'",
          file=out)
    return 0


def _cmd_sweep(args: Any, out: Any) -> int:
    from ..analysis.sweep import (
        STRATEGY_NAMES,
        Progress,
        check_csv,
        check_grid,
        outcome_names,
        sweep,
    )
    from .cases import load_case
    from .plots import check_out_dir

    fixed: dict[str, Any] = {}
    if args.file:
        case = load_case(args.file)
        if args.period is None:
            if len(case.periods) > 1:
                raise KzgameError(f"{args.file} has {len(case.periods)} periods; choose one "
                                  f"with --period ({', '.join(case.labels)})")
            base = case.periods[0]
        else:
            base = case.period(args.period)
        fixed = base.values
        if args.commitment != "full" or "exit_premium" in base.commitment:
            fixed |= {k: s.value for k, s in base.commitment.items()   # the model file's pi, xi_R
                      if k == "exit_premium" or args.commitment == "brinkmanship"}
    elif args.period is not None:
        raise UsageError("kzgame sweep: --period needs a model FILE (see 'kzgame sweep --help')")
    fixed = {**fixed, **dict(args.set or [])}
    (x, x0, x1, nx), (y, y0, y1, ny) = args.x, args.y
    progress = args.progress
    # sizes first: the grid must fit in memory and its CSV on disk before anything is built
    if not args.out.strip():
        raise KzgameError("the output file is empty (--out ''); name a CSV file")
    check_grid(nx, ny)
    xs, ys = np.linspace(x0, x1, nx), np.linspace(y0, y1, ny)
    target = Path(args.out)
    if target.parent != Path("") and not target.parent.exists():
        check_out_dir(target.parent)
    # full without the commitment games' parameters is the period game (commitment=None)
    commitment = None if args.commitment == "full" and not (
        {x, y, *fixed} & set(COMMITMENT_PARAMETER_NAMES)) else args.commitment
    check_csv(x, xs, y, ys, target, outcomes=outcome_names(commitment, args.protocol))
    res = sweep(fixed, x, xs, y, ys, protocol=args.protocol, chunk_points=args.chunk,
                progress=progress, dask=args.dask, commitment=commitment)
    res.to_csv(target, progress=Progress("writing") if progress else None)
    shares = ", ".join(f"{k} {_pct(v)}" for k, v in res.outcome_shares.items()
                       if k in STRATEGY_NAMES or v)  # brinkmanship's 'accept + exit' if any
    print(f"wrote {res.codes.size:,} points ({nx} x {ny}) to {target}", file=out)
    print(f"swept {x} in [{x0:g}, {x1:g}] and {y} in [{y0:g}, {y1:g}]; protocol "
          f"{args.protocol}; commitment {args.commitment}", file=out)
    print("fixed: " + ", ".join(f"{k}={v:g}" for k, v in res.fixed.items()), file=out)
    if commitment is not None and "exit_premium" not in {x, y, *res.fixed}:
        print("exit_premium=0 (the default: R gets o_R outside the regime whether it collapses "
              "or goes on)", file=out)
    print(f"shares of grid points: {shares}", file=out)
    return 0


def _monte_carlo_for_figures(case: Case, args: Any) -> Any:
    _check_draws(args.draws, needed=True)
    case.check_protocol(args.protocol)
    return case_monte_carlo(case, args.draws, seed=args.seed, distribution=args.distribution,
                            protocol=args.protocol, keep=True)


def _cmd_plot(args: Any, out: Any) -> int:
    from .cases import load_case
    from .plots import check_out_dir, phase_diagram, robustness_chart, save_figure
    from .plots import sensitivity_chart as _sensitivity_chart

    case = load_case(args.file)
    mc = _monte_carlo_for_figures(case, args)  # validates the options before any folder
    folder = check_out_dir(args.out)
    paths = [
        save_figure(phase_diagram(case, mc, protocol=args.protocol, xaxis=args.x_axis),
                    folder / "phase.png"),
        save_figure(robustness_chart(case, mc, protocol=args.protocol),
                    folder / "robustness.png"),
        save_figure(_sensitivity_chart(case, mc, protocol=args.protocol),
                    folder / "sensitivity.png"),
    ]
    for p in paths:
        print(f"wrote {p}", file=out)
    return 0


def _cmd_report(args: Any, out: Any) -> int:
    from .cases import load_case
    from .members_file import is_members_file
    from .plots import check_out_dir
    from .report import write_report

    if is_members_file(args.file):  # several members: kzgame.io.members_report
        from .members_report import cli_report

        return cli_report(args, out)

    case = load_case(args.file)
    mc = _monte_carlo_for_figures(case, args)  # validates the options before any folder
    folder = check_out_dir(args.out)
    files = write_report(case, folder, protocol=args.protocol, seed=args.seed, xaxis=args.x_axis,
                         mc=mc)
    print(f"wrote {files.report}", file=out)
    for p in [*files.figures.values(), files.latex, files.csv]:
        print(f"wrote {p}", file=out)
    if args.html:
        from .html_report import write_html_report

        page = write_html_report(case, folder, protocol=args.protocol, markdown=files.report)
        print(f"wrote {page}", file=out)
    return 0


# ---------------------------------------------------------------------------
# The parser
# ---------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    """The ``kzgame`` argument parser (one sub-parser per command)."""
    parser = _Parser(
        prog="kzgame",
        description="Invest, hold up or accept: solve, sweep, plot and report calibrated "
                    "cases of a rising power inside a regime led by an established power.",
        epilog="Run 'kzgame COMMAND --help' for the options of a command. Model files are "
               "described in docs/reference/model-file.md.",
    )
    parser.add_argument("--version", action="version", version=f"kzgame {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser("solve", help="solve every period of a model file and print tables",
                       description="Solve every period of a model file: parameters with ranges "
                                   "and sources, stakes, gains, R's subgame-perfect strategy, "
                                   "the source's verdict and the Monte Carlo robustness share.")
    p.add_argument("file", metavar="FILE", help="model file (.toml)")
    p.add_argument("--period", metavar="LABEL", help="solve only this period")
    _mc_options(p, 100_000)
    add_commitment_options(p)
    p.set_defaults(func=_cmd_solve)

    p = sub.add_parser("check", help="validate model files and their source verdicts",
                       description="Load each model file (schema, provenance, cited seed lines, "
                                   "codebook) and check that every source verdict is reproduced "
                                   "or its disagreement recorded as a finding covering the "
                                   "protocol. Every problem in a file is listed at once; stale "
                                   "findings are warnings. Exit 1 if any fails.")
    p.add_argument("files", metavar="FILE", nargs="+", help="model files (.toml)")
    p.add_argument("--protocol", choices=list(PROTOCOLS), default="nash",
                   help="bargaining protocol (default: nash)")
    p.set_defaults(func=_cmd_check)

    p = sub.add_parser("new", help="write a commented model-file template",
                       description="Write a commented model-file template (references, a "
                                   "codebook with a coding, an indicator rule and a verdict "
                                   "rule, defaults and one period) that loads as it is.")
    p.add_argument("file", metavar="FILE", help="the model file to write (.toml)")
    p.add_argument("--name", default="My case", help="the case's name")
    p.add_argument("--rising", default="R", help="the rising power")
    p.add_argument("--established", default="E", help="the established power")
    p.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    p.set_defaults(func=_cmd_new)

    p = sub.add_parser("sweep", help="classify a grid over two parameters, write CSV",
                       description="Classify R's strategy on a grid over two parameters, the "
                                   "others fixed (from a model file's period and/or --set), and "
                                   "write one CSV row per grid point: x, y, code, strategy "
                                   "(codes: 0 accept, 1 invest, 2 hold-up, 3 exit).")
    p.add_argument("file", metavar="FILE", nargs="?",
                   help="model file giving the fixed values (optional)")
    p.add_argument("--period", metavar="LABEL", help="the period of FILE to start from")
    p.add_argument("--x", type=_axis, required=True, metavar="NAME=LOW:HIGH:NUM",
                   help="first swept parameter, e.g. outside_r=-0.5:0.5:201")
    p.add_argument("--y", type=_axis, required=True, metavar="NAME=LOW:HIGH:NUM",
                   help="second swept parameter, e.g. indispensability=0:1:101")
    p.add_argument("--set", type=_assignment, action="append", metavar="NAME=VALUE",
                   help="fix a parameter (repeatable; overrides FILE)")
    p.add_argument("--protocol", choices=list(PROTOCOLS), default="nash",
                   help="bargaining protocol (default: nash)")
    p.add_argument("--out", required=True, metavar="CSV", help="output CSV file")
    p.add_argument("--chunk", type=_positive_int, default=250_000, metavar="POINTS",
                   help="grid points classified per block (default: 250000)")
    p.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                   help="show progress on stderr (default: for grids of 1e6 points or more)")
    p.add_argument("--dask", action="store_true",
                   help="evaluate the grid as dask arrays (needs kzgame[dask])")
    add_commitment_options(p, values=False)  # pi and xi_R: --set, an axis or the model file
    p.set_defaults(func=_cmd_sweep)

    for name, func, what in (
        ("plot", _cmd_plot, "write the phase diagram, robustness and sensitivity charts (PNG)"),
        ("report", _cmd_report, "write the Markdown report with tables, figures and LaTeX"),
    ):
        p = sub.add_parser(name, help=what, description=what[0].upper() + what[1:] + ".")
        p.add_argument("file", metavar="FILE", help="model file (.toml)")
        p.add_argument("--out", required=True, metavar="DIR", help="output folder (created)")
        p.add_argument("--x-axis", choices=XAXES, default="auto",
                       help="phase diagram's x: ratio Delta_R/Delta_E, balance "
                            "Delta_R - Delta_E, or auto (ratio where Delta_E > 0)")
        _mc_options(p, 100_000)
        if name == "report":
            p.add_argument("--html", action="store_true",
                           help="also write report.html: one self-contained page with the "
                                "interactive phase diagram and the report's tables (needs "
                                "kzgame[html])")
        p.set_defaults(func=func)

    from .dynamic_cli import add_parser as _add_dynamic

    _add_dynamic(sub, _Parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``kzgame`` command; returns the exit status.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments (default: ``sys.argv[1:]``).
    """
    parser = build_parser()

    def one_line_warning(message, category, filename, lineno, file=None, line=None):
        print(f"kzgame: warning: {_t(message)}", file=sys.stderr)

    with warnings.catch_warnings():
        warnings.showwarning = one_line_warning
        try:
            args = parser.parse_args(argv)
            if args.command is None:
                parser.print_help(sys.stderr)
                return 2
            return args.func(args, sys.stdout)
        except UsageError as e:
            print(f"kzgame: error: {_t(e)}", file=sys.stderr)
            return 2
        except KzgameError as e:  # messages quote model-file text: no control characters
            print(f"kzgame: error: {_t(e)}", file=sys.stderr)
            return 1
        except OSError as e:
            where = f" {e.filename!r}" if getattr(e, "filename", None) else ""
            print(_t(f"kzgame: error: cannot write or read{where}: {e.strerror or e}"),
                  file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            print("kzgame: interrupted", file=sys.stderr)
            return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
