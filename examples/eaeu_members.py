"""Russia and the four members of the EAEU: contagion and Russia's counter-moves.

Loads ``models/eaeu_members.toml`` (Russia, E; Belarus, Kazakhstan, Armenia,
Kyrgyzstan; a period before and one after 2014) and prints, per period,

* each member's strategy in its bilateral game (no contagion) and in the
  members' game with the file's contagion kappa, E's concession policy, the
  source's verdict where one is given, and the contagion threshold kappa*;
* how high kappa would have to be for Russia to refuse each hold-up it
  concedes (a sweep of kappa over [0, 1]);
* Russia's counter-moves (value over doing nothing, cost) and the best one.

It writes ``eaeu_members.png`` (the members' positions on Delta_R / Delta_E
and iota, the focal member's hold-up region, and Russia's optimal
counter-move as the coloured backdrop) into the output folder. Everything is
computed by kzgame from the file's values.

Usage::

    python examples/eaeu_members.py [--out DIR] [--model FILE]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from kzgame import KzgameError
from kzgame.io.members_file import load_members_case
from kzgame.io.members_report import members_figure
from kzgame.io.plots import check_out_dir, save_figure
from kzgame.members.contagion import STRATEGIES
from kzgame.members.countermoves import MOVES

ROOT = Path(__file__).resolve().parents[1]


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", default="kzgame-out", metavar="DIR",
                   help="folder for the figure (default: ./kzgame-out/)")
    p.add_argument("--model", default=str(ROOT / "models" / "eaeu_members.toml"),
                   metavar="FILE", help="a members model file")
    args = p.parse_args(argv)
    try:
        case = load_members_case(args.model)
        folder = check_out_dir(args.out)
    except KzgameError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    print(f"{case.name}: E = {case.established}")
    kappas = np.linspace(0.0, 1.0, 101)
    for period in case.periods:
        sol, bil = period.solve(), period.solve(0.0)
        print(f"\n== {period.label} (kappa = {period.contagion.value:g}) ==")
        print(f"{'member':<12}{'bilateral':<11}{'with contagion':<16}{'E concedes':<12}verdict")
        for j, m in enumerate(period.members):
            verdict = period.verdicts.get(m, ("—",))[0]
            print(f"{m:<12}{STRATEGIES[bil.codes[j]]:<11}{STRATEGIES[sol.codes[j]]:<16}"
                  f"{'yes' if sol.e_concedes[j] else 'no':<12}{verdict}")
        k = float(sol.threshold)
        if np.isnan(k):
            print("no member would hold up even if Russia conceded: contagion is moot")
        else:
            sweep = period.solve(kappas)  # kappa on the points' axis
            held = (sweep.codes == 2).any(axis=-1)
            print(f"kappa* = {k:.3f}: Russia concedes to the hold-ups iff kappa <= kappa*; "
                  f"over kappa in [0, 1] a hold-up is conceded at {held.mean():.0%} of the "
                  "values")
        # who could ever make contagion bite: a staying member claims only if T_i > 0,
        # i.e. o_R,i > s V - beta iota Delta_E / (1 - beta)
        b = sol.bilateral
        holders = [m for j, m in enumerate(period.members) if sol.codes[j] == 2]
        if holders:
            k1 = float((b.transfer.clip(min=0) * (b.stays & (sol.codes != 2))).sum())
            print("margins of the holders: " + ", ".join(
                f"{m} M = {b.margin[period.members.index(m)]:.3f}" for m in holders)
                + f"; the precedent at kappa = 1 would cost {k1:.3f}")
        for j, m in enumerate(period.members):
            if sol.codes[j] in (0, 1) and b.transfer[j] <= 0:
                v = period.values()[m]
                o_star = (v["share"] * v["surplus"] - v["power"] * v["indispensability"]
                          * float(b.stake_e[j]) / (1 - v["power"]))
                print(f"  {m} claims no precedent (T = {b.transfer[j]:.3f}); it would "
                      f"with an outside option above {o_star:.3f} (now {v['outside_r']:g})")
        res = period.counter_move()
        print("Russia's counter-moves: " + ", ".join(
            f"{mv} {res.thresholds[i]:+.3f} (cost {res.gross[i] - res.payoffs[i]:.3f})"
            for i, mv in enumerate(MOVES)))
        after = ", ".join(f"{m} {s}" for m, s in res.strategies().items())
        print(f"best counter-move: {res.move()} -> {after}")
    path = save_figure(members_figure(case), folder / "eaeu_members.png")
    print(f"\nwrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
