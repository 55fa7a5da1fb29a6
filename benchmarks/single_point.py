"""Single-point calls: ``classify`` on one point and ``solve`` on one Period, against
quantecon's per-game time, all in one run on the same points.

Run from the repository root::

    PYTHONPATH=. python benchmarks/single_point.py              # 300 points, best of 5
    PYTHONPATH=. python benchmarks/single_point.py --points 50  # quicker

On ``--points`` random periods (the ``nash`` protocol's parameters, uniform
within the ranges of ``benchmarks/run_all.py``), one core, each time the
best of ``--repeat`` passes over all the points, per call:

* ``kzgame.classify(**floats)``: one point given as Python floats (the
  scalar fast path: validation and the printed kernel body in Python);
* ``kzgame.classify(**zero_d_arrays)``: the same points as 0-d numpy arrays
  (the array path: the chunked numpy backend on one point);
* ``kzgame.Period(**floats)``: building (validating) a period;
* ``kzgame.solve(period)``: the period's subgame-perfect equilibrium on a
  prebuilt Period (the full ``Result``: gains, payoffs, margin, the engine's
  profile);
* ``kzgame.solve(kzgame.Period(**floats))``: both;
* ``kzgame.solve(period).normal_form``: solve, then the 4x2 float normal form
  (computed on first access, from the tree);
* ``kzgame.solve(period).equilibria``: solve, then the exact Nash
  equilibrium set of the normal form (rational arithmetic, components;
  on the first 30 points, one pass);
* quantecon's ``support_enumeration(NormalFormGame(bimatrix))`` on the
  period's 4x2 normal form (computed beforehand, not timed): the per-game
  figure of ``benchmarks/run_all.py``; and the same on NormalFormGames
  built beforehand (the enumeration alone).

Issue 15's goal: ``classify`` on scalars and ``solve`` within 3x of
quantecon's per-game time.  The ratios printed are kzgame's time over
quantecon's (per-game, NormalFormGame built in the call); all codes are
checked equal to ``solve``'s strategies; the script counts the games in
which R's subgame-perfect plan is R's part of an equilibrium quantecon found.
"""

from __future__ import annotations

import argparse
import os
import time
import warnings

import numpy as np

import kzgame
from kzgame.errors import NoSurplusWarning

RANGES = {  # as in benchmarks/run_all.py
    "surplus": (0.5, 2.0), "share": (0.0, 1.0), "outside_r": (-0.5, 1.0),
    "outside_e": (-0.5, 1.0), "indispensability": (0.0, 1.0), "survival": (0.0, 1.0),
    "invest_cost": (0.0, 0.3), "power": (0.05, 0.95), "holdup_cost": (0.0, 0.2),
}  # fmt: skip


def best(fn, items, repeat: int) -> float:
    """Best over ``repeat`` passes of the mean time per item."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        for x in items:
            fn(x)
        times.append((time.perf_counter() - t) / len(items))
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--points", type=int, default=300)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    points = [{k: float(rng.uniform(lo, hi)) for k, (lo, hi) in RANGES.items()}
              for _ in range(args.points)]
    arrays = [{k: np.asarray(v) for k, v in p.items()} for p in points]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NoSurplusWarning)
        periods = [kzgame.Period(**p) for p in points]
        results = [kzgame.solve(p) for p in periods]
        bimatrices = [r.normal_form for r in results]

        # the same answers first
        codes = [int(kzgame.classify(**p)) for p in points]
        assert codes == [int(kzgame.classify(**a)) for a in arrays]
        assert codes == [r.strategy.code for r in results]

        rows = [
            ("kzgame.classify, one point as floats", best(lambda p: kzgame.classify(**p), points,
                                                          args.repeat)),
            ("kzgame.classify, one point as 0-d arrays",
             best(lambda a: kzgame.classify(**a), arrays, args.repeat)),
            ("kzgame.Period(**floats)", best(lambda p: kzgame.Period(**p), points, args.repeat)),
            ("kzgame.solve(period), Period prebuilt", best(kzgame.solve, periods, args.repeat)),
            ("kzgame.solve(kzgame.Period(**floats))",
             best(lambda p: kzgame.solve(kzgame.Period(**p)), points, args.repeat)),
            ("kzgame.solve(period).normal_form (floats)",
             best(lambda p: kzgame.solve(p).normal_form, periods, args.repeat)),
            (f"kzgame.solve(period).equilibria (exact NE set; {len(periods[:30])} pts)",
             best(lambda p: kzgame.solve(p).equilibria, periods[:30], 1)),
        ]
    peer = None
    try:
        from quantecon.game_theory import NormalFormGame, support_enumeration
    except ImportError:
        print("quantecon absent (pip install 'kzgame[bench]'): no ratios")
    else:
        def qe(ab):
            return support_enumeration(NormalFormGame(np.stack(ab, axis=-1)))

        games = [NormalFormGame(np.stack(ab, axis=-1)) for ab in bimatrices]
        qe(bimatrices[0])  # compile
        agree = 0
        for r, eqs in zip(results, map(qe, bimatrices), strict=True):
            rows_r = {int(np.argmax(e[0])) for e in eqs if max(e[0]) == 1.0}
            agree += r.strategy.code in rows_r  # R's SPE plan in a Nash equilibrium found
        peer = best(qe, bimatrices, args.repeat)
        rows += [
            ("quantecon support_enumeration (per game)", peer),
            ("quantecon support_enumeration, game prebuilt",
             best(support_enumeration, games, args.repeat)),
        ]
    print(f"{args.points} random periods (nash), best of {args.repeat}; load average "
          f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'':48s} {'us/call':>9s} {'x quantecon':>12s}")
    for name, t in rows:
        ratio = f"{t / peer:12.2f}" if peer else f"{'-':>12s}"
        print(f"{name:48s} {1e6 * t:9.2f} {ratio}")
    if peer:
        print(f"(R's subgame-perfect plan is R's part of an equilibrium quantecon found in "
              f"{agree} of {args.points} games)")
        c = rows[0][1] / peer
        s = rows[3][1] / peer  # solve on a prebuilt Period: the SPE and the Result
        print(f"goal <= 3x quantecon: classify on floats {c:.2f}x "
              f"({'met' if c <= 3 else 'NOT met'}), solve {s:.2f}x "
              f"({'met' if s <= 3 else 'NOT met'})")


if __name__ == "__main__":
    main()
