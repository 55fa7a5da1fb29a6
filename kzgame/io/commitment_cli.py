"""The command line's commitment option: ``--commitment {full,none,brinkmanship}``.

The period game assumes that R carries out its threat (full commitment);
:mod:`kzgame.games.commitment_game` builds it without commitment and under
brinkmanship (``docs/theory/commitment.md``).  This module lets ``kzgame
solve`` and ``kzgame sweep`` solve under each: the options
(:func:`add_commitment_options`), where pi and xi_R come from
(:func:`commitment_values`), and ``kzgame solve``'s tables under a
commitment game (:func:`cli_solve`).

Where the values come from, first found wins:

* ``breakdown_risk`` (pi, brinkmanship only): ``--breakdown-risk`` (solve) or
  ``--set`` / an axis (sweep), else the period's
  ``[periods.commitment.breakdown_risk]`` in the model file; it has no
  default, so without either it is an error naming it.
* ``exit_premium`` (xi_R): the same places, else the library's default 0
  (:data:`kzgame.games.commitment_game.COMMITMENT_PARAMETERS`), said so in
  the output.

``full`` with xi_R = 0 is the period game leaf for leaf, so ``--commitment
full`` without an exit premium runs exactly the command as it was before
the option existed.  This module imports nothing heavy at import time
(``kzgame --help`` loads neither sympy nor matplotlib).

Examples
--------
>>> COMMITMENT_CHOICES
('full', 'none', 'brinkmanship')
>>> from kzgame.io.cli import main
>>> main(["solve", "models/kazakhstan_russia.toml", "--commitment", "maybe"])
2
"""

from __future__ import annotations

import argparse
import math
from typing import TYPE_CHECKING, Any

import numpy as np

from ..params import KzgameError
from ._format import number as _fmt
from ._format import print_table
from ._format import share as _pct
from ._format import terminal as _t

if TYPE_CHECKING:
    from .cases import Case, CasePeriod

__all__ = [
    "COMMITMENT_CHOICES",
    "COMMITMENT_PARAMETER_NAMES",
    "add_commitment_options",
    "cli_solve",
    "commitment_values",
    "solve_needs_commitment_games",
    "usage_problem",
]

#: The commitment assumptions, for the parser's choices (the keys of
#: :data:`kzgame.games.commitment_game.COMMITMENTS`, which imports sympy; a test
#: checks that the two agree).
COMMITMENT_CHOICES: tuple[str, ...] = ("full", "none", "brinkmanship")
#: The commitment games' own parameters (the keys of
#: :data:`kzgame.games.commitment_game.COMMITMENT_PARAMETERS`).
COMMITMENT_PARAMETER_NAMES: tuple[str, ...] = ("breakdown_risk", "exit_premium")
#: The command-line option of each parameter (``kzgame solve``).
_OPTION = {"breakdown_risk": "--breakdown-risk", "exit_premium": "--exit-premium"}
#: Their plain-text symbols for the terminal.
_SYMBOL = {"breakdown_risk": "pi", "exit_premium": "xi_R"}


def _finite(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a number") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a finite number")
    return value


def add_commitment_options(parser: argparse.ArgumentParser, values: bool = True) -> None:
    """Add ``--commitment`` and, if ``values``, ``--breakdown-risk`` and ``--exit-premium``."""
    where = ("" if values else "; give pi and xi_R with --set breakdown_risk=PI, --set "
             "exit_premium=XI or as an axis")
    parser.add_argument(
        "--commitment", choices=list(COMMITMENT_CHOICES), default="full",
        help="what follows E's refusal of a hold-up: full (R carries out its threat, the "
             "period game), none (R chooses again between staying and leaving), "
             f"brinkmanship (breakdown with probability pi) (default: full{where})")
    if values:
        parser.add_argument(
            "--breakdown-risk", type=_finite, metavar="PI",
            help="pi in [0, 1] for --commitment brinkmanship (overrides the model file's "
                 "[periods.commitment.breakdown_risk]; no default)")
        parser.add_argument(
            "--exit-premium", type=_finite, metavar="XI",
            help="xi_R, R's payoff outside a regime that goes on without it minus o_R "
                 "(overrides [periods.commitment.exit_premium]; default 0)")


def usage_problem(args: Any) -> str | None:
    """What is wrong with the combination of commitment options, if anything (a usage error)."""
    if getattr(args, "breakdown_risk", None) is not None and args.commitment != "brinkmanship":
        return (f"--breakdown-risk is a parameter of --commitment brinkmanship only, not of "
                f"--commitment {args.commitment}")
    return None


def solve_needs_commitment_games(case: Case, args: Any) -> bool:
    """Whether ``kzgame solve`` must solve the commitment games rather than the period game.

    No for ``full`` without an exit premium (in the options or any period of
    the file): that game is the period game, leaf for leaf.
    """
    if args.commitment != "full" or args.exit_premium is not None:
        return True
    return any("exit_premium" in p.commitment for p in case.periods)


def commitment_values(
    p: CasePeriod, commitment: str, given: dict[str, float] | None = None
) -> tuple[dict[str, float], dict[str, str]]:
    """One period's values of the commitment game's own parameters, and where each came from.

    Parameters
    ----------
    p : CasePeriod
        The model file's period.
    commitment : str
        The commitment assumption.
    given : dict, optional
        Values from the command line (override the model file).

    Returns
    -------
    values : dict of str to float
        ``exit_premium`` and, for brinkmanship, ``breakdown_risk``, validated.
    sources : dict of str to str
        For each, ``"command line"``, ``"model file"`` or ``"default"``.

    Raises
    ------
    KzgameError
        If brinkmanship's pi is given nowhere (it has no default).
    ParameterError
        If a value is outside its domain (pi outside [0, 1]).

    Examples
    --------
    >>> import kzgame
    >>> case = kzgame.load_case("models/kazakhstan_russia.toml")
    >>> commitment_values(case.periods[-1], "none")
    ({'exit_premium': 0.0}, {'exit_premium': 'default'})
    >>> commitment_values(case.periods[-1], "brinkmanship", {"breakdown_risk": 1.2})
    Traceback (most recent call last):
    ...
    kzgame.errors.ParameterError: breakdown_risk = 1.2 is outside the allowed range [0, 1]
    """
    from ..games.commitment_game import COMMITMENT_PARAMETERS

    given = given or {}
    names = ["exit_premium"] + (["breakdown_risk"] if commitment == "brinkmanship" else [])
    values: dict[str, float] = {}
    sources: dict[str, str] = {}
    for name in names:
        parameter = COMMITMENT_PARAMETERS[name]
        if given.get(name) is not None:
            value, source = given[name], "command line"
        elif name in p.commitment:
            value, source = p.commitment[name].value, "model file"
        elif parameter.default is not None:
            value, source = parameter.default, "default"
        else:
            raise KzgameError(
                f"--commitment {commitment} needs {name} (pi, the probability that a refused "
                f"hold-up ends in breakdown, in [0, 1]) for period {p.label!r}: the model "
                f"file gives no [periods.commitment.{name}]; give it there or with "
                f"{_OPTION[name]} PI")
        values[name] = float(parameter.check(value))
        sources[name] = source
    return values, sources


def _describe_values(values: dict[str, float], sources: dict[str, str]) -> str:
    where = {"command line": "from the command line", "model file": "from the model file",
             "default": "the default: the model file gives none"}
    return "; ".join(f"{_SYMBOL[k]} = {v:g} ({where[sources[k]]})" for k, v in values.items())


def cli_solve(case: Case, args: Any, out: Any) -> int:
    """``kzgame solve FILE --commitment C``: the tables under a commitment game.

    Per period: the parameters, the stakes, where pi and xi_R came from, R's
    stay margin after a refusal, the gains under ``C``, the verdict under
    ``C`` next to full commitment's and the source's, and (with draws) the
    Monte Carlo share of draws that give the point's verdict under ``C``
    (pi and xi_R held at their values; no sensitivity ranking).
    """
    from ..analysis.commitment import commitment_verdicts
    from ..analysis.uncertainty import case_monte_carlo
    from ..game.outcomes import outcome_codes
    from ..games.commitment_game import COMMITMENTS, commitment_game
    from ..numeric.classify import classify
    from ..solve import solve
    from .figure_options import PARAMETER_LABELS

    commitment, protocol = args.commitment, args.protocol
    symbols = {k: v.strip("$").lstrip("\\") for k, v in PARAMETER_LABELS.items()} | _SYMBOL
    case.check_protocol(protocol)
    periods = [case.period(args.period)] if args.period is not None else list(case.periods)
    given = {"breakdown_risk": args.breakdown_risk, "exit_premium": args.exit_premium}
    local = {p.label: commitment_values(p, commitment, given) for p in periods}  # errors first
    game = commitment_game(commitment, protocol)
    names = outcome_codes(game).names
    mc = {}
    if args.draws:
        mc = case_monte_carlo(case, args.draws, seed=args.seed, distribution=args.distribution,
                              protocol=protocol, sensitivity=False, keep=True)
    print(_t(f"{case.name}: R = {case.rising}, E = {case.established}"), file=out)
    settings = (f"{_t(args.file)}; protocol {protocol}; commitment {commitment} "
                f"({COMMITMENTS[commitment].summary})")
    if mc:
        settings += (f"; {args.draws:,} Monte Carlo draws per period ({args.distribution}, "
                     f"seed {args.seed}; pi and xi_R held at their values)")
    print(settings, file=out)
    head = f"under {commitment}"
    summary = [["period", "Delta_R", "Delta_E", "iota", "stay margin", "credible",
                "full commitment", head, "source", "robustness"]]
    for p in periods:
        values, sources = local[p.label]
        point: dict[str, Any] = {**p.values, **values}
        r = solve(game, **point)
        v = commitment_verdicts({**p.values, "exit_premium": values["exit_premium"]},
                                protocol=protocol, breakdown_risk=values.get("breakdown_risk"))
        years = "" if p.label == f"{p.start}–{p.end}" else f" ({p.start}–{p.end})"
        print(f"\n== {_t(p.label + years)} ==", file=out)
        rows = [["parameter", "symbol", "value", "range", "source"]]
        for name, s in [*p.specs.items(), *p.commitment.items()]:
            rows.append([name, symbols.get(name, name),
                         f"{s.value:g}", f"[{s.low:g}, {s.high:g}]",
                         s.sources if len(s.sources) <= 60 else s.sources[:57] + "..."])
        print_table(rows, out)
        stake_r, stake_e = p.period.stake_r, p.period.stake_e
        print(f"stakes:    Delta_R = {_fmt(stake_r)}   Delta_E = {_fmt(stake_e)}", file=out)
        print(f"commitment: {commitment}; {_describe_values(values, sources)}", file=out)
        stay = ("R would leave after a refusal: its threat is credible" if v.credible else
                "R would rather stay after a refusal: without commitment its threat is empty")
        print(f"stay margin: q Delta_R - xi_R = {_fmt(v.stay_margin)} ({stay})", file=out)
        gains = r.gains["root"]
        rel = {k: g - gains["accept"] for k, g in gains.items()}
        reply = r.choices.get("hold-up", "")  # E's and R's replies, on the path or off it
        then = ""
        if reply == "refuse" and commitment == "none":
            then = "; then R " + {"stay": "stays", "leave": "leaves"}[r.choices["hold-up/refuse"]]
        elif reply == "refuse" and commitment == "brinkmanship":
            then = f"; then breakdown with probability pi = {values['breakdown_risk']:g}"
        print(f"gains:     G_I = {_fmt(rel['invest'])}   G_H = {_fmt(rel['hold-up'])}"
              f"   G_X = {_fmt(rel['exit'])}   (under {commitment}: E "
              f"{'concedes to' if reply == 'concede' else 'refuses'} a hold-up{then})",
              file=out)
        verdict = p.verdict.value if p.verdict else "none"
        agree = "" if p.verdict is None else (
            " (agrees)" if p.verdict.value == r.outcome else " (DISAGREES)")
        print(f"strategy:  {r.outcome} under {commitment}   full commitment: "
              f"{v.verdicts['full']}   source's verdict: {verdict}{agree}", file=out)
        if commitment == "brinkmanship":
            print(f"brinkmanship: {_t(v.describe_brinkmanship())}; as a function of pi: "
                  f"{_t(_as_function_of_pi(v))}", file=out)
        robust = "-"
        if p.label in mc:
            m = mc[p.label]
            draws: dict[str, Any] = {**(m.samples or {}), **values}  # kept: keep=True
            codes = np.broadcast_to(classify(commitment=commitment, protocol=protocol,
                                             **draws), (m.n,))
            counts = np.bincount(codes, minlength=len(names))
            robust = _pct(float(counts[r.code] / m.n))
            shares = ", ".join(f"{n} {_pct(float(c / m.n))}" for n, c in zip(
                names, counts, strict=True) if n in _STRATEGIES or c)
            print(f"robustness: {robust} of draws give {r.outcome} under {commitment} "
                  f"({shares})", file=out)
        if p.finding:
            print(f"finding:   {_t(p.finding)} (recorded for full commitment)", file=out)
        summary.append([p.label, _fmt(stake_r), _fmt(stake_e),
                        _fmt(p.period.indispensability, 2), _fmt(v.stay_margin),
                        "yes" if v.credible else "no", v.verdicts["full"], r.outcome,
                        verdict + agree, robust])
    print(f"\nSummary (protocol {protocol}, commitment {commitment})", file=out)
    print_table(summary, out)
    return 0


_STRATEGIES = ("accept", "invest", "hold-up", "exit")


def _as_function_of_pi(v: Any) -> str:
    if v.risk_threshold is None:
        return f"{v.fallback} for every pi"
    if v.risk_threshold <= 0.0:
        return "hold-up for every pi > 0"
    return f"hold-up if pi > pi* = {v.risk_threshold:.3g}, else {v.fallback}"
