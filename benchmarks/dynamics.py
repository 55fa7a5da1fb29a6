"""Benchmark of the dynamic game (issue 12): finite horizon, value iteration, vectorized points.

Run:  PYTHONPATH=. python benchmarks/dynamics.py            # the full run (about a minute)
      PYTHONPATH=. python benchmarks/dynamics.py --quick    # small sizes, to check that it runs

Goals: a 30-period finite horizon on a 1,000-point state grid in < 1 s; value
iteration for the stationary game to 1e-10 in < 1 s; 10^4 parameter points
(30 periods, 100-point grid) in < 30 s on one core.  Each is printed with the
grid error (values' change at the grid's points when the grid is refined
once) and the ratio to a natural alternative measured in the same run: the
same Bellman step called state by state (or point by point) in a Python loop.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from kzgame.dynamics import Dynamics, ParameterPath, StateGrid, solve_finite, solve_stationary
from kzgame.dynamics.bellman import Next, as_points, exit_values, step

VALUES = {"share": 0.5, "outside_r": 0.3, "outside_e": -0.1, "indispensability": 0.8,
          "survival": 0.7, "invest_cost": 0.1, "power": 0.35, "holdup_cost": 0.05}
DYN = Dynamics(0.9, 0.85, 0.5, 1.0)


def timed(f, repeat=3):
    best = np.inf
    for _ in range(repeat):
        t = time.perf_counter()
        out = f()
        best = min(best, time.perf_counter() - t)
    return best, out


def loop_finite(path, grid, T):
    """The alternative: backward induction state by state in a Python loop."""
    nxt = None
    for t in range(T - 1, -1, -1):
        th = as_points(path.at(t))
        vr = np.empty((1, *grid.shape))
        ve = np.empty((1, *grid.shape))
        for i, s in enumerate(grid.shares):
            for j, k in enumerate(grid.stocks):
                r = step(th, DYN, grid, np.full((1, 1, 1), s), np.full((1, 1, 1), k), nxt)
                vr[0, i, j], ve[0, i, j] = r.value_r[0, 0, 0], r.value_e[0, 0, 0]
        flat = {n: v[:, 0, 0] for n, v in th.items()}
        nxt = Next(vr, ve, *exit_values(flat, DYN, nxt))
    return vr


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes, to check that it runs")
    quick = ap.parse_args().quick
    n = 300 if quick else 10_000
    rows = []
    # 1. 30 periods, 1,000-point grid
    grid = StateGrid(40, 25)
    path = ParameterPath.from_function(
        lambda t: {"outside_r": 0.0 if t < 15 else 0.35}, 30,
        {k: v for k, v in VALUES.items() if k != "outside_r"})
    t_vec, sol = timed(lambda: solve_finite(path, DYN, grid))
    fine = solve_finite(path, DYN, StateGrid(79, 49))  # each cell halved
    err = float(np.max(np.abs(fine.value_r[:, ::2, ::2] - sol.value_r)))
    t_loop3, _ = timed(lambda: loop_finite(path.head(3), grid, 3), repeat=1)
    t_loop = t_loop3 * 10  # 3 of 30 steps, scaled (each step costs the same)
    rows.append(("finite T=30, 1,000 states", t_vec, "< 1 s", err, t_loop / t_vec,
                 "Python loop over states (3 steps timed, x10)"))
    # 2. stationary to 1e-10
    t_st, st = timed(lambda: solve_stationary(VALUES, DYN, grid, tol=1e-10))
    st_f = solve_stationary(VALUES, DYN, StateGrid(79, 49), tol=1e-10)
    err_st = float(np.max(np.abs(st_f.value_r[:, ::2, ::2] - st.value_r)))
    t_fin_equiv, _ = timed(lambda: solve_finite(ParameterPath.constant(VALUES, st.iterations),
                                                DYN, grid, store=False), repeat=1)
    rows.append((f"stationary to 1e-10 ({st.iterations} it., bound {st.bound:.1e})", t_st,
                 "< 1 s", err_st, t_fin_equiv / t_st,
                 "finite horizon of the same length (storing nothing)"))
    # 3. 10^4 parameter points, 30 periods, 100-point grid
    rng = np.random.default_rng(0)
    pts = {"share": 0.5, "outside_r": rng.uniform(0, 0.5, n), "outside_e": rng.uniform(0, 0.5, n),
           "indispensability": rng.uniform(0, 1, n), "survival": rng.uniform(0, 0.95, n),
           "invest_cost": rng.uniform(0, 0.3, n), "power": rng.uniform(0.05, 0.95, n),
           "holdup_cost": rng.uniform(0, 0.1, n)}
    g10 = StateGrid(10, 10)
    ppath = ParameterPath.constant(pts, 30)
    t_pts, psol = timed(lambda: solve_finite(ppath, DYN, g10, store=False), repeat=1)
    pfine = solve_finite(ppath.head(30), DYN, StateGrid(19, 19), store=False)
    err_p = float(np.median(np.max(np.abs(pfine.value_r[:, ::2, ::2] - psol.value_r),
                                   axis=(1, 2))))
    sub = {k: (v[:100] if np.ndim(v) else v) for k, v in pts.items()}

    def one_by_one():
        for p in range(100):
            solve_finite(ParameterPath.constant({k: (v[p] if np.ndim(v) else v)
                                                 for k, v in sub.items()}, 30), DYN, g10,
                         store=False)
    t_one, _ = timed(one_by_one, repeat=1)
    rows.append((f"{n:,} points, T=30, 100 states", t_pts, "< 30 s", err_p,
                 t_one * (n / 100) / t_pts, f"loop over points (100 timed, x{n // 100})"))
    print(f"{'case':48s} {'time':>9s} {'goal':>7s} {'grid error':>11s} {'speed-up':>9s}  vs")
    for name, t, goal, e, ratio, alt in rows:
        print(f"{name:48s} {t:8.3f}s {goal:>7s} {e:11.2e} {ratio:8.1f}x  {alt}")
    print("grid error: largest change of R's values at the grid's points when the grid is "
          "refined once (median over points for the many-point run)")


if __name__ == "__main__":
    main()
