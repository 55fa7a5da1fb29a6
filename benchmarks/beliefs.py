"""What E's uncertainty about R costs: symbolic PBE, two-type classification, continuum.

Run from the repository root::

    python benchmarks/beliefs.py            # 1e5 points, best of 3
    python benchmarks/beliefs.py --quick    # small sizes, to check that it runs

All in one process, one core:

1. **cold symbolic derivation**: :func:`kzgame.game.pbe.pbe` on each
   two-type game (every PBE with its conditions in the parameters; the
   first call in the process, nothing cached on disk), then the first
   evaluation by the NumPy reference (which lambdifies the conditions into
   one numpy function; the compiled kernel's first call is timed in 2.);
2. **two-type classification**: :func:`kzgame.analysis.beliefs.classify_beliefs`
   (every PBE's conditions, the intuitive criterion and the selection) on
   ``n`` random points for each of the four games (signalling / screening
   x iota / o_R; default commitment, nash), with the compiled kernel
   (``method='kernel'``) and the NumPy reference (``method='reference'``),
   checking that they select the same equilibrium everywhere; then a
   Python loop calling the point solver ``PBESolution.select`` point by
   point (timed on ``--loop`` points and scaled) and the closed form of
   the iota game;
2b. **compile time of the kernel** (skipped with ``--no-compile``): a
   fresh process with an empty cache folder builds the four games'
   kernels one after the other (cold: the first also compiles the generic
   numba loop), then a second fresh process on the same folder (the loop
   loaded from disk; each game's own part, printing, LLVM, is built in
   every process);
3. **continuum cut-off equilibria**: :func:`kzgame.analysis.beliefs.screening_continuum`
   (E's optimal offer and the cut-off type under a beta distribution of
   o_R, vectorized golden-section search) on ``n`` points, against a loop of
   ``scipy.optimize.minimize_scalar`` (bounded), one point at a time.

Prints points per second and the ratios.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
from timing import best_of


def points(rng, n):
    lo, hi = np.sort(rng.uniform(0, 1, (2, n)), axis=0)
    return dict(share=rng.uniform(0, 1, n), outside_r=rng.uniform(-0.4, 0.9, n),
                outside_e=rng.uniform(-0.3, 0.9, n), survival=rng.uniform(0.05, 1, n),
                invest_cost=rng.uniform(0, 0.4, n), power=rng.uniform(0.05, 0.95, n),
                holdup_cost=rng.uniform(0, 0.15, n), indispensability_low=lo,
                indispensability_high=np.maximum(hi, lo + 1e-9), prior=rng.uniform(0, 1, n))


def outside_points(X, n):
    """The same points with o_R uncertain (types drawn on o_R's range) and iota known."""
    rng = np.random.default_rng(2)
    lo, hi = np.sort(rng.uniform(-0.4, 0.9, (2, n)), axis=0)
    Y = {k: v for k, v in X.items() if not k.startswith("indispensability") and k != "outside_r"}
    Y.update(indispensability=X["indispensability_high"], outside_r_low=lo,
             outside_r_high=hi + 1e-9)
    return Y


_BUILD = """
import time
from kzgame.analysis.beliefs import belief_solution
from kzgame.numeric.pbe_kernel import classify_solution
for order, unc in (("signalling", "indispensability"), ("signalling", "outside_r"),
                   ("screening", "indispensability"), ("screening", "outside_r")):
    sol = belief_solution(order, unc)
    sol._compiled
    vals = {k: 0.3 for k in sol.game.parameters if sol.game.parameters[k].default is None}
    vals.update({f"{unc}_low": 0.1, f"{unc}_high": 0.6, "prior": 0.5})
    t = time.perf_counter()
    classify_solution(sol, method="kernel", **vals)
    print(f"{order}/{unc}: {time.perf_counter() - t:.2f}")
"""


def compile_times() -> None:
    """Build the four kernels in a fresh process, cold (empty cache folder), then warm."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    with tempfile.TemporaryDirectory() as d:
        env = dict(os.environ, KZGAME_CACHE_DIR=d,
                   PYTHONPATH=os.pathsep.join([root, os.environ.get("PYTHONPATH", "")]))
        for label in ("cold (empty cache folder)", "warm (generic loop from disk)"):
            out = subprocess.run([sys.executable, "-c", _BUILD], env=env, capture_output=True,
                                 text=True, check=True).stdout.split()
            print(f"   {label:30s} " + "  ".join(out))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--loop", type=int, default=300)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--no-compile", action="store_true", help="skip 2b (two subprocesses)")
    a = ap.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.2f} (2 shared cores)")
    if a.quick:
        a.n, a.loop, a.repeat = 2000, 20, 1

    from kzgame.analysis.beliefs import (
        TypeDistribution,
        belief_solution,
        classify_beliefs,
        screening_continuum,
    )
    from kzgame.game.pbe import pbe

    print("1. cold symbolic derivation (seconds): derive | first evaluation")
    rng = np.random.default_rng(0)
    X = points(rng, a.n)
    for order, unc, com in (("signalling", "indispensability", True),
                            ("signalling", "outside_r", False),
                            ("screening", "indispensability", None),
                            ("screening", "outside_r", None)):
        from kzgame.analysis.beliefs import belief_game

        g = belief_game(order, unc, commitment=com)
        t = time.perf_counter()
        sol = pbe(g, informed="R")
        t1 = time.perf_counter() - t
        vals = {k: 0.3 for k in g.parameters if g.parameters[k].default is None}
        vals.update({f"{unc}_low": 0.1, f"{unc}_high": 0.6, "prior": 0.5})
        t = time.perf_counter()
        sol.classify(**vals)
        t2 = time.perf_counter() - t
        print(f"   {order:10s} {unc:16s} {len(sol.assessments):4d} assessments: "
              f"{t1:6.2f} | {t2:6.2f}  (total {t1 + t2:.2f})")

    print(f"2. two-type classification (classify_beliefs), n = {a.n}: compiled kernel "
          "(method='kernel', the default with numba) vs the NumPy reference "
          "(method='reference'); identical selections checked")
    for order, unc in (("signalling", "indispensability"), ("signalling", "outside_r"),
                       ("screening", "indispensability"), ("screening", "outside_r")):
        Y = dict(X) if unc == "indispensability" else outside_points(X, a.n)
        t = time.perf_counter()
        classify_beliefs(order, unc, method="kernel", **{k: v[:10] for k, v in Y.items()})
        tcomp = time.perf_counter() - t
        classify_beliefs(order, unc, method="reference", **{k: v[:10] for k, v in Y.items()})
        tk = best_of(lambda o=order, u=unc, y=Y: classify_beliefs(o, u, method="kernel", **y),
                     a.repeat)
        tr = best_of(lambda o=order, u=unc, y=Y: classify_beliefs(o, u, method="reference",
                                                                  **y), a.repeat)
        same = np.array_equal(classify_beliefs(order, unc, method="kernel", **Y).index,
                              classify_beliefs(order, unc, method="reference", **Y).index)
        print(f"   {order:10s} {unc:16s} kernel {a.n / tk:12,.0f} points/s | reference "
              f"{a.n / tr:10,.0f} points/s | {tr / tk:5.1f}x | identical: {same} | "
              f"first call (compile or load) {tcomp:.1f} s")
    tv = best_of(lambda: classify_beliefs(**X), a.repeat)
    sol = belief_solution("signalling", "indispensability")
    pts = [{k: float(v[i]) for k, v in X.items()} for i in range(a.loop)]
    tl = best_of(lambda: [sol.select(**p) for p in pts], 1) * a.n / a.loop
    print(f"   signalling on iota, point loop of PBESolution.select: {a.n / tl:12,.0f} points/s"
          f" (scaled from {a.loop} points); the kernel is {tl / tv:,.0f}x faster")
    from kzgame.analysis.beliefs import classify_iota_pooling

    big = points(np.random.default_rng(1), 10 * a.n)
    classify_iota_pooling(**{k: v[:10] for k, v in big.items()})
    tf = best_of(lambda: classify_iota_pooling(**big), a.repeat)
    print(f"   closed form (classify_iota_pooling, the same selection), n = {10 * a.n}: "
          f"{10 * a.n / tf:12,.0f} points/s; {tl * 10 / tf:,.0f}x the point loop, "
          f"{(10 * a.n / tf) / (a.n / tv):,.0f}x the solver's vectorized classification")

    if not a.no_compile:
        print("2b. compile time of the kernels: the first classify call on one point, per "
              "game (seconds; the symbolic solution is derived first and not counted)")
        compile_times()

    print(f"3. continuum cut-off (screening, o_R ~ beta(2, 5) on [-0.2, 0.6]), n = {a.n}")
    from scipy.optimize import minimize_scalar

    dist = TypeDistribution("outside_r", -0.2, 0.6, shape="beta", a=2.0, b=5.0)
    args = dict(share=X["share"], outside_e=X["outside_e"], survival=X["survival"],
                indispensability=X["indispensability_high"])
    screening_continuum(dist, **{k: v[:10] for k, v in args.items()})
    tc = best_of(lambda: screening_continuum(dist, **args), a.repeat)

    def loop():
        for i in range(a.loop):
            q, s, oE, io = (float(args[k][i]) for k in ("survival", "share", "outside_e",
                                                         "indispensability"))
            L = io * q * ((1 - s) - oE)
            top = max(0.0, q * (dist.high - s))
            minimize_scalar(lambda x, q=q, s=s, L=L: -float(dist.cdf(s + x / q)) * (L - x),
                            bounds=(0, top if top > 0 else 1e-12), method="bounded")

    tl = best_of(loop, 1) * a.n / a.loop
    print(f"   vectorized: {a.n / tc:12,.0f} points/s   ({tc:.2f} s)")
    print(f"   scipy loop: {a.n / tl:12,.0f} points/s   (scaled from {a.loop} points)")
    print(f"   ratio: {tl / tc:.1f}x   goal: >= 1e5 points/s")

    print(f"4. continuum cut-off (signalling, o_R uniform on [-0.1, 0.7], no commitment), "
          f"n = {a.n}")
    from kzgame.analysis.beliefs import signalling_continuum_outside

    uni = TypeDistribution("outside_r", -0.1, 0.7)
    sargs = dict(args, invest_cost=X["invest_cost"], holdup_cost=X["holdup_cost"],
                 power=X["power"])
    signalling_continuum_outside(uni, **{k: v[:10] for k, v in sargs.items()})
    ts = best_of(lambda: signalling_continuum_outside(uni, **sargs), a.repeat)
    print(f"   vectorized: {a.n / ts:12,.0f} points/s   ({ts:.2f} s)   goal: >= 1e5 points/s")
    print(f"load average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
