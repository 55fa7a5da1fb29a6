"""``kzgame dynamic FILE --out DIR``: a model file's periods solved as one dynamic game.

Registered by :func:`kzgame.io.cli.build_parser` (:func:`add_parser`); the
table goes to the terminal, the figures (timeline, value functions, E's
refusal region) into ``--out``.  Bad values are refused before the folder
is created.
"""

from __future__ import annotations

import argparse
from typing import Any

# Light imports only (no sympy, no matplotlib): ``kzgame --help`` builds this parser.
from ..dynamics.bellman import PROTOCOLS
from ..dynamics.state import DEFAULTS, Dynamics, StateGrid
from ..errors import KzgameError
from ._format import print_table
from ._format import terminal as _t

__all__ = ["add_parser", "run"]


def _unit(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None


def _points(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if not 3 <= v <= 401:
        raise argparse.ArgumentTypeError(f"{v}: give 3 to 401 points")
    return v


def add_parser(sub: Any, parser_class: Any) -> None:
    """Add the ``dynamic`` sub-command to ``sub`` (an argparse sub-parsers object)."""
    p = sub.add_parser(
        "dynamic", help="solve a model file's periods as one dynamic game",
        description="Solve the periods of a model file as one dynamic game (ratchet, durable "
                    "investment, anticipation; docs/theory/dynamics.md): the equilibrium path "
                    "next to the period-by-period classification and the sources' verdicts on "
                    "the terminal, the timeline, value functions and E's refusal region (PNG) "
                    "in --out.")
    p.add_argument("file", metavar="FILE", help="model file (.toml)")
    p.add_argument("--out", required=True, metavar="DIR", help="output folder (created)")
    p.add_argument("--protocol", choices=list(PROTOCOLS), default="nash",
                   help="bargaining protocol (default: nash)")
    for name, (value, why) in DEFAULTS.items():
        p.add_argument(f"--{name.replace('_', '-')}", type=_unit, default=value,
                       metavar="X", help=f"default {value:g} ({why})")
    p.add_argument("--terminal", choices=["stationary", "none"], default="stationary",
                   help="after the last step: the stationary game at its values (default) or "
                        "the end")
    p.add_argument("--forecast", type=int, default=1, metavar="N",
                   help="forecast steps after the last period (default 1)")
    p.add_argument("--grid", type=_points, default=21, metavar="N",
                   help="share points of the coarsest grid (default 21; stocks: half)")
    p.add_argument("--refine", type=int, default=2, metavar="L",
                   help="most grid refinements (default 2)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, out: Any) -> int:
    """Run ``kzgame dynamic`` (called by :func:`kzgame.io.cli.main`)."""
    from ..dynamics.incentive import refusal_region
    from .cases import load_case
    from .dynamic_case import solve_case_dynamic
    from .dynamic_plots import refusal_figure, timeline_figure, value_figure
    from .plots import check_out_dir, save_figure

    if not 0 <= args.forecast <= 20:
        raise KzgameError(f"--forecast {args.forecast}: give 0 to 20 steps")
    if not 0 <= args.refine <= 3:
        raise KzgameError(f"--refine {args.refine}: give 0 to 3 refinements")
    if not str(args.out).strip():
        raise KzgameError("the output folder is empty (--out ''); name a folder")
    dyn = Dynamics(delta_r=args.delta_r, delta_e=args.delta_e, durability=args.durability,
                   ratchet=args.ratchet)
    grid = StateGrid(args.grid, max(2, (args.grid + 1) // 2))
    case = load_case(args.file)
    terminal = None if args.terminal == "none" else "stationary"
    res = solve_case_dynamic(case, dyn, grid=grid, protocol=args.protocol, terminal=terminal,
                             extra=args.forecast, max_levels=args.refine)
    folder = check_out_dir(args.out)
    print(_t(f"{case.name}: R = {case.rising}, E = {case.established}; the periods as one "
             "dynamic game"), file=out)
    print(f"delta_R = {dyn.delta_r:g}, delta_E = {dyn.delta_e:g}, durability = "
          f"{dyn.durability:g}, ratchet = {dyn.ratchet:g}; protocol {args.protocol}; after the "
          f"last step: {args.terminal}", file=out)
    g = res.solution.grid
    err = ("not measured" if res.grid.error != res.grid.error else
           f"{res.grid.error:.3g} (change of the path's values at the last refinement)")
    print(f"grid {g.n_share} x {g.n_stock}; grid error {err}", file=out)
    print_table(res.table(), out)
    for note in res.warnings:
        print(_t(f"note: {note}"), file=out)
    last = res.rows[-1]
    print(_t(f"prediction for {last.label}: {last.dynamic} (period by period: {last.static})"),
          file=out)
    values = {k: float(v) for k, v in res.path.at(res.path.T - 1).items()}
    region = refusal_region(values, dyn, StateGrid(41, 5), protocol=args.protocol)
    paths = [
        save_figure(timeline_figure(res), folder / "dynamic_timeline.png"),
        save_figure(value_figure(res.solution, res.turning_steps()),
                    folder / "dynamic_values.png"),
        save_figure(refusal_figure(region), folder / "dynamic_refusal.png"),
    ]
    for p in paths:
        print(f"wrote {p}", file=out)
    return 0
