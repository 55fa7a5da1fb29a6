"""Kazakhstan and Russia, 1991-2021, as one dynamic game (issue 12).

Run:  python examples/kazakhstan_dynamic.py OUT_DIR

Prints the equilibrium path next to the period-by-period classification and
the sources' verdicts, the prediction for the period after the last, and the
same with the game ending after the forecast (terminal=None) and with myopic
players; writes the timeline, the value functions and E's refusal region into
OUT_DIR.  The dynamic parameters are the documented defaults
(kzgame.dynamics.DEFAULTS): assumptions, not fitted to the verdicts.
"""

from __future__ import annotations

import sys
from pathlib import Path

from kzgame.dynamics import DEFAULTS, Dynamics, StateGrid, refusal_region
from kzgame.io.cases import load_case
from kzgame.io.dynamic_case import solve_case_dynamic
from kzgame.io.dynamic_plots import refusal_figure, timeline_figure, value_figure
from kzgame.io.plots import check_out_dir, save_figure

ROOT = Path(__file__).resolve().parent.parent


def main(out: str) -> None:
    folder = check_out_dir(out)
    case = load_case(ROOT / "models" / "kazakhstan_russia.toml")
    dyn = Dynamics()
    print("dynamic parameters (assumptions):")
    for k, (v, why) in DEFAULTS.items():
        print(f"  {k} = {v:g}: {why}")
    for terminal in ("stationary", None):
        res = solve_case_dynamic(case, dyn, terminal=terminal)
        print(f"\nafter the last step: {terminal or 'the game ends'}; grid "
              f"{res.solution.grid.shape}, grid error along the path {res.grid.error:.3g}")
        rows = res.table()
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        for r in rows:
            print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
        agree_static = sum(v == r.static for v, r in zip(res.verdicts, res.rows, strict=True) if v)
        agree_dyn = sum(v == r.dynamic for v, r in zip(res.verdicts, res.rows, strict=True) if v)
        n = sum(v is not None for v in res.verdicts)
        print(f"sources' verdicts reproduced: static {agree_static} of {n}, dynamic "
              f"{agree_dyn} of {n}")
        print(f"prediction for {res.rows[-1].label}: {res.rows[-1].dynamic}")
        if terminal == "stationary":
            main_res = res
    print("\nhow the dynamic path depends on the assumed parameters (one at a time, grid 41 x 21, "
          "first letter of each period's strategy; source's verdicts first):")
    print(f"  {'source':24s} " + "".join((v or "-")[0] for v in main_res.verdicts))
    variants = [("defaults", {})] + [
        (f"{k} = {v:g}", {k: v}) for k, vals in (("delta_r", (0.5, 0.95)),
                                                  ("delta_e", (0.5, 0.95)),
                                                  ("durability", (0.0, 0.9)),
                                                  ("ratchet", (0.0, 0.5)))
        for v in vals]
    for name, change in variants:
        r = solve_case_dynamic(case, dyn.replace(**change), grid=StateGrid(41, 21),
                               max_levels=0)
        print(f"  {name:24s} " + "".join(x.dynamic[0] for x in r.rows))
    save_figure(timeline_figure(main_res), folder / "dynamic_timeline.png")
    save_figure(value_figure(main_res.solution, main_res.turning_steps()),
                folder / "dynamic_values.png")
    last = {k: float(v) for k, v in main_res.path.at(main_res.path.T - 1).items()}
    save_figure(refusal_figure(refusal_region(last, dyn, StateGrid(41, 5))),
                folder / "dynamic_refusal.png")
    print(f"\nfigures in {folder}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "out-dynamic")
