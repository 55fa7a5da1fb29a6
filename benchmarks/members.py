"""How fast kzgame solves the members' game and E's counter-move.

Run from the repository root::

    python benchmarks/members.py            # the full sizes
    python benchmarks/members.py --quick    # small sizes, to check that it runs

What is measured (one core; numpy's elementwise operations are single-threaded):

1. **n = 10 simultaneous members** at 10^5 random parameter points:
   :func:`kzgame.members.vectorized.solve_members` (closed form, both
   equilibria flagged, E's policy toward every member), best of 3. Goal:
   under 10 s. Next to it the natural alternative, the engine's
   subgame-perfect equilibrium of the sequential tree per point
   (:func:`kzgame.members.trees.solve_tree`), for n = 3 (the largest tree
   that builds in seconds; n = 10 has 4^10 profiles and cannot be built) on
   a subsample, per point; the ratio is per point.
2. **E's optimal counter-move** over 10^6 points with n = 4 members (the
   EAEU case): :func:`kzgame.members.countermoves.best_counter_move`, best
   of 3. Goal: at least 10^6 points/s. The alternative: the engine's tree
   with the counter-move in front, n = 1, per point.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from timing import best_of

from kzgame.members.contagion import MEMBER_PARAMETERS
from kzgame.members.countermoves import best_counter_move
from kzgame.members.trees import solve_tree
from kzgame.members.vectorized import solve_members

RANGES = {
    "surplus": (0.5, 1.5), "share": (0.3, 0.7), "outside_r": (-0.1, 0.6),
    "outside_e": (-0.3, 0.3), "indispensability": (0.0, 1.0), "survival": (0.3, 1.0),
    "invest_cost": (0.0, 0.3), "power": (0.1, 0.9), "holdup_cost": (0.005, 0.2),
}  # fmt: skip
COSTS = {"dilution": (0.0, 1.0), "dilution_cost": (0.0, 0.3), "deepening": (0.0, 0.4),
         "deepening_cost": (0.0, 0.3), "offer_cost": (0.0, 0.3)}


def draw(rng, n, size):
    return {f"M{k}": {p: rng.uniform(*RANGES[p], size=size) for p in MEMBER_PARAMETERS}
            for k in range(1, n + 1)}


def per_point_tree(rng, n, points, costs=False):
    m = draw(rng, n, points)
    cs = {k: rng.uniform(*r, size=points) for k, r in COSTS.items()}

    def one(i):
        p = {k: {q: float(v[i]) for q, v in ps.items()} for k, ps in m.items()}
        return solve_tree(p, 0.5, {k: float(v[i]) for k, v in cs.items()} if costs else None)

    one(0)  # builds the tree and its generated code (not timed)
    t = time.perf_counter()
    for i in range(points):
        one(i)
    return (time.perf_counter() - t) / points


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    n_points = 10_000 if args.quick else 100_000
    c_points = 100_000 if args.quick else 1_000_000
    sub = 20 if args.quick else 200

    m10 = draw(rng, 10, n_points)
    kappa = rng.uniform(0, 1, n_points)
    t_members = best_of(lambda: solve_members(m10, kappa))
    tree3 = per_point_tree(rng, 3, sub)
    print(f"n = 10 members, {n_points:,} points: {t_members:.3f} s "
          f"({n_points / t_members:,.0f} points/s; goal < 10 s for 1e5)")
    print(f"  engine tree, n = 3, per point: {tree3 * 1e3:.2f} ms; vectorized n = 10 per point: "
          f"{t_members / n_points * 1e6:.2f} us; ratio {tree3 / (t_members / n_points):,.0f}x")

    m4 = draw(rng, 4, c_points)
    kc = rng.uniform(0, 1, c_points)
    costs = {k: rng.uniform(*r, size=c_points) for k, r in COSTS.items()}
    t_counter = best_of(lambda: best_counter_move(m4, kc, **costs))
    tree1 = per_point_tree(rng, 1, sub, costs=True)
    print(f"E's counter-move, n = 4, {c_points:,} points: {t_counter:.3f} s "
          f"({c_points / t_counter:,.0f} points/s; goal >= 1e6 points/s)")
    print(f"  engine tree with the counter-move in front, n = 1, per point: {tree1 * 1e3:.2f} ms;"
          f" ratio {tree1 / (t_counter / c_points):,.0f}x")


if __name__ == "__main__":
    main()
