"""Estimate the period game from the coded episodes (data/episodes.csv) by maximum likelihood.

The data: the 14 periods of the model files (unit ``period``) and 13 episodes
the seeds describe (unit ``episode``), coded in ``data/episodes.csv`` (codebook
``data/episodes.md``).  The periods are the estimation sample; the episodes
lie inside periods (same indicators) and are shown as an out-of-sample check,
never fitted together with their periods (that would count one behaviour twice).

Specifications (agent logit QRE, :mod:`kzgame.estimation`):

A. every game parameter at its coded value (``data(column)``), the precision
   lambda free (``exp(1)``): one coefficient, how sharply the coded payoffs
   predict the verdicts;
B. as A, but one common cost of investing, free, instead of the coded ones;

A is nested in neither B nor the reverse in general, but A is B with the cost
fixed at the coded values; the example reports the likelihood-ratio test of
A's lambda-only model against B only as an illustration, and compares the
bargaining protocols (the same data, non-nested models) by Vuong and Clarke.

N = 14: every interval is wide, and the data cannot separate the payoffs'
scale from lambda, cannot tell conceded from refused hold-ups at the period
level (every hold-up period is coded ``hold-up``, E's answer unobserved), and
identify at most two coefficients with three distinct outcomes.

Usage::

    python examples/estimate_period_game.py [--out DIR] [--data FILE]

Prints the estimates (link scale and parameter scale) with Wald and profile
intervals, the protocol comparison, and per row the predicted probability of
each outcome against the observed one; writes
``estimation_predicted_vs_observed.png`` to ``--out`` (default ``./kzgame-out``).
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
import warnings
from pathlib import Path

import numpy as np

from kzgame.errors import KzgameError
from kzgame.estimation import PERIOD_OUTCOMES, clarke, fit, likelihood_ratio, vuong
from kzgame.games import PROTOCOLS, period

ROOT = Path(__file__).resolve().parents[1]
VALUES = ("surplus", "share", "outside_r", "outside_e", "indispensability", "survival",
          "invest_cost", "power", "holdup_cost")
SHOWN = ("accept", "invest", "hold-up conceded", "hold-up refused", "exit")


def read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as f:
        return list(csv.DictReader(f))


def columns(rows: list[dict[str, str]]) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {"outcome": np.array([r["outcome"] for r in rows], object)}
    for k in VALUES:
        out[k] = np.array([float(r[k]) for r in rows])
    return out


def spec_a() -> dict[str, str]:
    s = {k: f"data({k})" for k in VALUES}
    s["lambda"] = "exp(1)"
    return s


def spec_b() -> dict[str, str]:
    s = spec_a()
    s["invest_cost"] = "exp(1)"
    return s


def show_fit(name: str, f) -> None:
    print(f"\n{name}")
    print(f.summary())
    for j, c in enumerate(f.coefficients):
        prof = f.profile(c)
        link = "exp" if c in ("lambda", "invest_cost") else "identity"
        tr = math.exp if link == "exp" else (lambda x: x)
        print(f"  {c}: profile interval [{prof.low:.3f}, {prof.high:.3f}]; on the parameter "
              f"scale {tr(f.estimates[j]):.4g} [{tr(prof.low):.4g}, {tr(prof.high):.4g}]")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="kzgame-out", help="output folder (figure)")
    ap.add_argument("--data", default=str(ROOT / "data" / "episodes.csv"))
    args = ap.parse_args(argv)
    try:
        rows = read(Path(args.data))
    except OSError as exc:
        print(f"error: cannot read {args.data}: {exc}", file=sys.stderr)
        return 2
    periods = [r for r in rows if r["unit"] == "period"]
    episodes = [r for r in rows if r["unit"] == "episode"]
    data = columns(periods)
    print(f"N = {len(periods)} periods (estimation sample), {len(episodes)} episodes (shown "
          "out of sample). Outcomes: " + ", ".join(
              f"{k} {int((data['outcome'] == k).sum())}" for k in dict.fromkeys(data["outcome"])))
    print("N is small: the intervals below are wide and asymptotic approximations; at most "
          "two coefficients can be identified from three distinct outcomes.")
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            # 14 rows: the NumPy path (the compiled kernel pays off on large data only)
            opts = {"outcomes": PERIOD_OUTCOMES, "backend": "numpy"}
            fa = fit(period("nash"), spec_a(), data, **opts)
            fb = fit(period("nash"), spec_b(), data, **opts)
            by_protocol = {p: fit(period(p), spec_a(), data, **opts) for p in PROTOCOLS}
    except KzgameError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for w in caught:
        print(f"warning: {w.message}")
    show_fit("A: coded values, lambda free (nash)", fa)
    show_fit("B: coded values, one common invest_cost free (nash)", fb)
    lr = likelihood_ratio(fa, fb)
    print(f"\nA inside B (B frees the cost): LR = {lr.statistic:.3f}, df = {lr.df}, "
          f"p = {lr.p_value:.3f} -> {lr.preferred}")
    print("\nprotocols under A (log-likelihood, AIC; Vuong and Clarke against nash):")
    for p, f in by_protocol.items():
        line = f"  {p:<15} loglik {f.loglik:8.3f}  AIC {f.aic:7.2f}"
        if p != "nash":
            v, c = vuong(f, by_protocol["nash"]), clarke(f, by_protocol["nash"])
            line += (f"  Vuong z = {v.statistic:6.3f} (p = {v.p_value:.2f}, {v.preferred})"
                     f"  Clarke {int(c.statistic)}/{len(periods)} (p = {c.p_value:.2f})")
        print(line)

    # fit per row: periods (in sample) and episodes (out of sample, at their period's values)
    pred_p = fa.predict(names=SHOWN)
    pred_e = fa.predict(columns(episodes), names=SHOWN)
    print("\nfit per row (A): predicted probability [95 % interval] of each outcome")
    header = f"{'row':<14}{'unit':<9}{'observed':<18}" + "".join(f"{k:>22}" for k in SHOWN)
    print(header)
    table = []
    for rows_, pred in ((periods, pred_p), (episodes, pred_e)):
        for i, r in enumerate(rows_):
            cells = "".join(
                f"{pred[k][i, 0]:>8.2f} [{pred[k][i, 1]:.2f},{pred[k][i, 2]:.2f}]"
                for k in SHOWN)
            print(f"{r['id']:<14}{r['unit']:<9}{r['outcome']:<18}{cells}")
            obs = PERIOD_OUTCOMES[r["outcome"]]
            leaf_names = {"accept": "accept", "invest": "invest",
                          "hold-up/concede": "hold-up conceded",
                          "hold-up/refuse": "hold-up refused", "exit": "exit"}
            p_obs = sum(pred[leaf_names[x]][i, 0] for x in obs)
            table.append((r["id"], r["unit"], r["outcome"], {k: pred[k][i] for k in SHOWN},
                          p_obs))
    hit = np.mean([t[4] for t in table if t[1] == "period"])
    hit_e = np.mean([t[4] for t in table if t[1] == "episode"])
    print(f"\nmean predicted probability of the observed outcome: periods {hit:.2f}, "
          f"episodes {hit_e:.2f} (0.25 under uniform play, lambda = 0)")
    try:
        path = figure(table, Path(args.out))
    except (KzgameError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {path}")
    return 0


def figure(table, out: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from kzgame.io.plots import check_out_dir, save_figure

    out = check_out_dir(out)
    fig, ax = plt.subplots(figsize=(9, 0.32 * len(table) + 1.5))
    colors = {"accept": "#4c72b0", "invest": "#55a868", "hold-up conceded": "#c44e52",
              "hold-up refused": "#dd8452", "exit": "#8172b3"}
    for y, (_rid, unit, observed, probs, _) in enumerate(table):
        left = 0.0
        for k in SHOWN:
            w = float(probs[k][0])
            ax.barh(y, w, left=left, color=colors[k], edgecolor="white",
                    label=k if y == 0 else None)
            left += w
        ax.text(1.01, y, f"{observed}{'' if unit == 'period' else ' (episode)'}",
                va="center", fontsize=7)
    ax.set_yticks(range(len(table)), [t[0] for t in table], fontsize=7)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("predicted probability (agent logit QRE at the estimate, spec A)")
    ax.set_title("Period game: predicted outcome probabilities vs the observed outcome "
                 "(right)", fontsize=9)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=5, fontsize=7)
    fig.tight_layout()
    path = save_figure(fig, out / "estimation_predicted_vs_observed.png")
    plt.close(fig)
    return path


if __name__ == "__main__":
    sys.exit(main())
