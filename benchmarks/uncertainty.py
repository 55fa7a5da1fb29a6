"""What the Monte Carlo sensitivity analysis costs, next to the classification it explains.

Run from the repository root::

    python benchmarks/uncertainty.py            # 1e5 and 1e6 draws, best of 5
    python benchmarks/uncertainty.py --quick    # small sizes, to check that it runs

For each model-file period of ``--case`` (default: Kazakhstan-Russia, whose
periods have 8 to 9 uncertain parameters), each distribution and each
number of draws ``n``, all in one process on the same draws:

1. **classify**: :func:`kzgame.classify` on the ``n`` draws alone (the
   validated, vectorized classification; the draws made beforehand);
2. **Monte Carlo without sensitivity**: ``monte_carlo(period, n,
   sensitivity=False)`` (drawing + classifying + counting);
3. **sensitivity**: what ``monte_carlo`` adds for the sensitivity, timed
   on its own on the same draws and codes (the machine is shared, so the
   difference of two end-to-end times is too noisy): the given-data
   first-order index of every uncertain parameter (bins of equal
   probability from the distribution's quantiles, one ``bincount`` per
   parameter) and the one-at-a-time swings (one classify call for all
   parameters); next to it, end to end, ``monte_carlo(period, n)``;
4. **the estimator before issue 15** on the same draws: a stable argsort of
   the draws per parameter (equal-count bins), a bincount per strategy, and
   one classify call per parameter for the swings (the code is kept below,
   verbatim but for names);
5. with ``--sobol`` (needs SALib): ``monte_carlo(period, n, method="sobol")``.

The ratios reported are (3) over (1) and over (2), and (4) over (1) and
over (2): what the sensitivity costs in units of the classification alone,
and of the Monte Carlo run without it (the "22-28x" of issue 15 was the
latter).  Times are the best of
``--repeat`` runs after a warm-up call (which compiles or loads the kernels).
"""

from __future__ import annotations

import argparse
import json
import math
import platform
from pathlib import Path

import numpy as np
from timing import best_of

import kzgame
from kzgame.analysis.uncertainty import (
    OAT_POINTS,
    _default_bins,
    _draw,
    _first_order_indices,
    _one_at_a_time,
    monte_carlo,
    triples,
)
from kzgame.io.cases import load_case
from kzgame.numeric.kernels import NUMBA_AVAILABLE

ROOT = Path(__file__).resolve().parent.parent


def old_first_order(x, onehot, total_var, bins):
    """The given-data estimator before issue 15: a sort per parameter."""
    n = x.size
    rank = np.empty(n, dtype=np.intp)
    rank[np.argsort(x, kind="stable")] = np.arange(n)
    b = rank * bins // n
    size = np.bincount(b, minlength=bins).astype(float)
    between = within = 0.0
    for y in onehot:
        m = np.bincount(b, weights=y, minlength=bins) / size
        p = y.mean()
        between += float(np.sum(size / n * (m - p) ** 2))
        within += float(np.mean(m * (1 - m) * size / np.maximum(size - 1, 1)))
    noise = (bins - 1) * within / n
    return float(min(1.0, max(0.0, (between - noise) / total_var)))


def old_sensitivity(ranges, samples, codes, n):
    """The sensitivity loop before issue 15, on given draws and codes."""
    counts = np.bincount(codes, minlength=4)
    present = np.flatnonzero(counts)
    p = counts[present] / n
    total_var = float(np.sum(p * (1 - p)))
    onehot = [codes == k for k in present] if total_var > 0 else []
    bins = int(min(50, max(2, math.sqrt(n) / 2)))
    point = {k: t[1] for k, t in ranges.items()}
    out = {}
    for name, (low, _, high) in ranges.items():
        if low == high:
            continue
        grid = np.linspace(low, high, OAT_POINTS)
        oat = kzgame.classify(**{**point, name: grid})
        s1 = old_first_order(samples[name], onehot, total_var, bins) if onehot else 0.0
        out[name] = (s1, float(np.mean(oat != oat[0])))
    return out


def measure(period, distribution: str, n: int, repeat: int, sobol: bool) -> dict:
    """One row of the table: every time on the same period, distribution and draws."""
    ranges = triples(period)
    names = [k for k, (low, _, high) in ranges.items() if low != high]
    point = {k: t[1] for k, t in ranges.items()}
    samples = _draw(ranges, n, np.random.default_rng(0), distribution)
    codes = np.broadcast_to(kzgame.classify(**samples), (n,))
    p = np.bincount(codes, minlength=4) / n
    total_var = float(np.sum(p * (1 - p)))

    def sensitivity():
        _first_order_indices(samples, ranges, names, codes, distribution, _default_bins(n),
                             total_var)
        _one_at_a_time(ranges, names, point, "nash")

    row = {
        "period": period.label, "uncertain": len(names), "distribution": distribution, "n": n,
        "classify": best_of(lambda: kzgame.classify(**samples), repeat, warm_up=True),
        "mc": best_of(lambda: monte_carlo(period, n, distribution=distribution,
                                          sensitivity=False), repeat, warm_up=True),
        "mc_sensitivity": best_of(lambda: monte_carlo(period, n, distribution=distribution),
                                  repeat, warm_up=True),
        "sensitivity": best_of(sensitivity, repeat, warm_up=True),
        "old_sensitivity": best_of(lambda: old_sensitivity(ranges, samples, codes, n), repeat,
                                   warm_up=True),
    }
    row["ratio"] = row["sensitivity"] / row["classify"]
    row["old_ratio"] = row["old_sensitivity"] / row["classify"]
    row["ratio_mc"] = row["sensitivity"] / row["mc"]
    row["old_ratio_mc"] = row["old_sensitivity"] / row["mc"]
    if sobol:
        row["sobol"] = best_of(lambda: monte_carlo(period, n, distribution=distribution,
                                                   method="sobol"), max(1, repeat // 2),
                               warm_up=True)
    return row


def run(case_path: Path, sizes: list[int], distributions: list[str], repeat: int,
        sobol: bool) -> list[dict]:
    case = load_case(case_path, seeds=False)
    rows = []
    for period in case.periods:
        for distribution in distributions:
            for n in sizes:
                row = measure(period, distribution, n, repeat, sobol)
                rows.append(row)
                print(f"{period.label:>12} {distribution:>10} n={n:>9,} "
                      f"({row['uncertain']} uncertain): "
                      f"classify {1e3 * row['classify']:7.2f} ms; MC {1e3 * row['mc']:7.2f} ms, "
                      f"with sensitivity {1e3 * row['mc_sensitivity']:7.2f} ms; sensitivity "
                      f"{1e3 * row['sensitivity']:7.2f} ms = {row['ratio']:5.2f} x classify, "
                      f"{row['ratio_mc']:4.2f} x MC (before: {1e3 * row['old_sensitivity']:8.2f} "
                      f"ms = {row['old_ratio']:6.1f} x classify, {row['old_ratio_mc']:5.1f} x MC)"
                      + (f"; sobol {1e3 * row['sobol']:8.1f} ms" if sobol else ""), flush=True)
    return rows


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--case", type=Path, default=ROOT / "models" / "kazakhstan_russia.toml")
    ap.add_argument("--sizes", type=float, nargs="+", default=[1e5, 1e6])
    ap.add_argument("--distributions", nargs="+", default=["uniform", "pert"])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--sobol", action="store_true", help="time method='sobol' too (SALib)")
    ap.add_argument("--quick", action="store_true", help="small sizes, one repeat")
    ap.add_argument("--json", type=Path, help="write the figures to this file")
    args = ap.parse_args(argv)
    sizes = [2_000] if args.quick else [int(s) for s in args.sizes]
    repeat = 1 if args.quick else args.repeat
    print(f"kzgame {getattr(kzgame, '__version__', '?')}, numpy {np.__version__}, "
          f"Python {platform.python_version()}, {platform.machine()}; numba kernels "
          f"{'on' if NUMBA_AVAILABLE else 'off'}")
    rows = run(args.case, sizes, args.distributions, repeat, args.sobol)
    for n in sizes:
        sel = [r for r in rows if r["n"] == n]
        for key, what in (("ratio", "sensitivity / classify"), ("ratio_mc", "sensitivity / MC")):
            new = [r[key] for r in sel]
            old = [r["old_" + key] for r in sel]
            print(f"n = {n:,}: {what}: median {np.median(new):.2f} (range {min(new):.2f}-"
                  f"{max(new):.2f}); before issue 15: median {np.median(old):.1f} (range "
                  f"{min(old):.1f}-{max(old):.1f})")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
