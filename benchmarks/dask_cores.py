"""What dask gains on this machine's cores: one sweep, one thread against all of them.

Run from the repository root::

    PYTHONPATH=. python benchmarks/dask_cores.py                 # 2e8 points, best of 3
    PYTHONPATH=. python benchmarks/dask_cores.py --points 1e9    # the README's sweep size

A three-parameter grid of ``--points`` points of the period game (the sweep
of ``benchmarks/run_all.py``, section 7: ``kzgame.analysis.distributed.grid``
over outside_r, indispensability and survival, reduced to strategy counts
with ``kzgame.analysis.distributed.counts``), timed, in one process and
alternating, as:

* **no dask**: ``kzgame.classify`` on the grid broadcast from its three axes
  (one compiled call, one core) and a count of each code;
* **dask, 1 thread**: the lazy dask array on the threaded scheduler with
  ``num_workers=1``;
* **dask, all cores**: the same with ``num_workers=os.cpu_count()``.

Each is the best of ``--repeat`` runs; the counts must be equal (checked).
The speed-up printed is (dask, 1 thread) / (dask, all cores).  On a machine
shared with other jobs the gain is smaller than the cores' number: the
script prints the load average before and after.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

import kzgame


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--points", type=float, default=2e8)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    import dask

    from kzgame.analysis.distributed import counts, grid

    side = round(args.points ** (1 / 3))
    fixed = dict(share=0.5, outside_e=0.0, invest_cost=0.05)
    cores = os.cpu_count() or 1

    def make(n):
        axes = {
            "outside_r": np.linspace(-0.5, 0.75, n),
            "indispensability": np.linspace(0.0, 1.0, n),
            "survival": np.linspace(0.0, 1.0, n),
        }
        lazy = kzgame.classify(**fixed, **grid(axes))
        open_axes = {k: v.reshape([-1 if i == j else 1 for j in range(3)])
                     for i, (k, v) in enumerate(axes.items())}

        def plain():
            codes = kzgame.classify(**fixed, **open_axes, backend="numba")
            return np.array([np.count_nonzero(codes == k) for k in range(4)])

        def with_dask(workers):
            with dask.config.set(scheduler="threads", num_workers=workers):
                return np.asarray(counts(lazy))

        return lazy, {"no dask (one compiled call)": plain,
                      "dask, 1 thread": lambda: with_dask(1),
                      f"dask, {cores} threads": lambda: with_dask(cores)}

    for fn in make(8)[1].values():  # warm-up: compile or load the kernels
        fn()
    lazy, runs = make(side)
    load0 = os.getloadavg()
    results, times = {}, {k: [] for k in runs}
    for _ in range(args.repeat):
        for name, fn in runs.items():
            t = time.perf_counter()
            results[name] = fn()
            times[name].append(time.perf_counter() - t)
    ref = next(iter(results.values()))
    assert all(np.array_equal(ref, r) for r in results.values()), results
    pts = side**3
    print(f"{pts:.3g}-point sweep ({lazy.npartitions} dask blocks), {cores} cores; best of "
          f"{args.repeat}; load average {load0[0]:.2f} before, {os.getloadavg()[0]:.2f} after")
    print(f"{'':32s} {'seconds':>8s} {'points/s':>10s}")
    best = {k: min(v) for k, v in times.items()}
    for name, t in best.items():
        print(f"{name:32s} {t:8.2f} {pts / t:10.3g}")
    one, all_ = best["dask, 1 thread"], best[f"dask, {cores} threads"]
    print(f"dask on {cores} cores: {one / all_:.2f}x one thread; "
          f"{best['no dask (one compiled call)'] / all_:.2f}x the single compiled call")
    print("shares: " + ", ".join(f"{s.value} {k / pts:.3f}"
                                 for s, k in zip(kzgame.Strategy, ref, strict=True)))


if __name__ == "__main__":
    main()
