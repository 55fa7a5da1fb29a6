"""Kazakhstan in the Russia-led integration regime, 1991-2021: invest, accept, hold up.

Solves every period of ``models/kazakhstan_russia.toml`` (Kazakhstan, the
rising power R, in the regime led by Russia, E), prints a table

    period, Delta_R, Delta_E, iota, iota*, margin, G_I, G_H, equilibrium strategy,
    source's verdict, robustness

then each period's verdict under each commitment assumption (full, none,
brinkmanship), and writes the phase diagram (Delta_R / Delta_E against iota, regions coloured
by R's strategy, each period with its Monte Carlo uncertainty cloud, arrows
along time) to ``phase_diagram.png`` in the output folder.

Every number comes from the model file's values, which follow from its
codebook (``models/codebooks/russia_led_regime.toml``); the strategies are
computed by ``kzgame`` (nothing is hard-coded here).  The source's verdict
(Yuneman 2020 for 2009-2019; coded from the described behaviour by the
codebook's verdict rule elsewhere) is read from the file and printed next to
the model's answer, and a last line gives the validation counts: agreement
only where no value was informed by the verdict, and a leave-one-period-out
check (:mod:`kzgame.io.validation`).

Usage::

    python examples/kazakhstan_eaeu.py [--out DIR] [--model FILE] [--protocol NAME]

``--out`` defaults to ``./kzgame-out/``.  ``bash scripts/example.sh`` sets up
a virtual environment and runs this script.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kzgame import KzgameError, holdup_threshold
from kzgame.analysis.commitment import commitment_verdicts
from kzgame.analysis.uncertainty import case_monte_carlo
from kzgame.io.cases import load_case
from kzgame.io.plots import check_out_dir, phase_diagram, save_figure
from kzgame.io.validation import validate
from kzgame.model import PROTOCOLS

HERE = Path(__file__).resolve().parent
DEFAULT_MODEL = HERE.parent / "models" / "kazakhstan_russia.toml"


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description="Kazakhstan-Russia: solve each period of the model file, print the table, "
                    "write the phase diagram.")
    p.add_argument("--out", default="kzgame-out", metavar="DIR",
                   help="folder for the figure (default: ./kzgame-out/)")
    p.add_argument("--model", default=str(DEFAULT_MODEL), metavar="FILE",
                   help="model file (default: models/kazakhstan_russia.toml)")
    p.add_argument("--protocol", choices=list(PROTOCOLS), default="nash",
                   help="bargaining protocol (default: nash)")
    p.add_argument("--draws", type=int, default=20_000, metavar="N",
                   help="Monte Carlo draws per period for the uncertainty clouds "
                        "(default: 20000)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    case = load_case(args.model)
    mc = case_monte_carlo(case, args.draws, seed=args.seed, protocol=args.protocol, keep=True,
                          sensitivity=False)
    header = ["period", "Delta_R", "Delta_E", "iota", "iota*", "margin", "G_I", "G_H",
              "strategy", "source's verdict", "robustness"]
    rows = [header]
    for p in case.periods:
        r = p.solve(args.protocol)
        star = holdup_threshold(p.period, args.protocol)  # critical iota and iota - iota*
        verdict = p.verdict.value if p.verdict else "-"
        if p.verdict is not None:
            verdict += " (agrees)" if p.verdict == r.strategy else " (disagrees)"
        rows.append([
            p.label,
            f"{r.stake_r:.3f}",
            f"{r.stake_e:.3f}",
            f"{p.period.indispensability:.2f}",
            f"{star.critical:.3f}",
            f"{star.margin:+.3f}",
            f"{r.gain_invest:.3f}",
            f"{r.gain_holdup_realized:.3f}",
            r.strategy.value,
            verdict,
            f"{100 * mc[p.label].robustness:.1f} %",
        ])
    print(f"{case.name}: R = {case.rising}, E = {case.established} "
          f"({args.protocol} bargaining; model file {args.model})")
    print()
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    for j, row in enumerate(rows):
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        if j == 0:
            print("  ".join("-" * w for w in widths))
    print()
    print("Delta_R, Delta_E: what R and E lose if the regime collapses (units of V). "
          "G_I, G_H: R's gains from invest and hold-up relative to accept. robustness: share "
          f"of {args.draws:,} Monte Carlo draws over the file's ranges giving the same strategy. "
          "iota*: the indispensability at which hold-up starts to beat the period's best other "
          "strategy (above 1: no iota in [0, 1] makes a hold-up pay); margin: iota - iota*.")
    # Commitment: the verdicts assume R carries out its threat to leave after a refused
    # hold-up; without commitment R chooses again, under brinkmanship a refusal ends in
    # breakdown with probability pi (kzgame.analysis.commitment, docs/theory/commitment.md).
    print()
    print("Verdict under each commitment assumption (full: the period game; none: R "
          "chooses again after a refusal; brinkmanship: breakdown with probability pi):")
    for p in case.periods:
        pi = p.commitment.get("breakdown_risk")
        v = commitment_verdicts(p.values, protocol=args.protocol,
                                breakdown_risk=None if pi is None else pi.value)
        print(f"  {p.label}: full {v.verdicts['full']}, none {v.verdicts['none']}, "
              f"brinkmanship {v.describe_brinkmanship()}")
    # Validation: agreement counted only where no value was informed by the verdict,
    # and a leave-one-period-out refit of the shared parameters (kzgame.io.validation).
    print()
    print(validate(case, args.protocol, mc=mc).summary())
    out = check_out_dir(args.out)
    figure = save_figure(phase_diagram(case, mc, protocol=args.protocol),
                         out / "phase_diagram.png")
    print(f"\nwrote {figure}")
    # E's uncertainty about R (issue 11): periods whose file gives [periods.beliefs].
    from kzgame.io.report_beliefs import beliefs_figure, period_beliefs

    for n, p in enumerate((p for p in case.periods if p.beliefs is not None), 1):
        info = period_beliefs(p, args.protocol)
        o = info["observables"]
        print(f"\n{p.label}, E uncertain about {p.beliefs.parameter} (prior {p.beliefs.prior:g}"
              f"{', an assumption' if p.beliefs.assumption else ''}): {info['signalling']}; "
              f"P(crisis) = {o['crisis']:.3g}, P(bluff) = {o['bluff']:.3g}")
        print(f"wrote {save_figure(beliefs_figure(p, args.protocol), out / f'beliefs-{n}.png')}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KzgameError as e:
        print(f"kazakhstan_eaeu.py: error: {e}", file=sys.stderr)
        sys.exit(1)
