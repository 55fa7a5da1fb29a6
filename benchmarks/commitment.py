"""How fast kzgame classifies the commitment games, next to the period game.

Run from the repository root::

    PYTHONPATH=. python benchmarks/commitment.py            # 10^7 points, best of 5
    PYTHONPATH=. python benchmarks/commitment.py --quick    # small sizes

What is measured (one core), on the same random inputs inside the domains
(the ``nash`` protocol's parameters, plus ``exit_premium`` and, for
brinkmanship, ``breakdown_risk``):

1. the **read-only pass** over the input arrays (``a.sum()`` of each): the
   memory-bound reference;
2. ``kzgame.classify(protocol="nash")``: the period game, compiled (numba);
3. ``kzgame.classify(commitment_game(c))`` for ``c`` in full, none and
   brinkmanship, compiled (numba) and numpy in chunks.

Times are the best of ``--repeat`` calls after a warm-up call (which compiles
the kernel or loads it from ``KZGAME_CACHE_DIR``).  The commitment games'
codes are checked against each other where they must agree (full commitment
with xi_R = 0 is the period game; brinkmanship at pi = 1 is full commitment
where h > 0).
"""

from __future__ import annotations

import argparse

import numpy as np
from timing import best_of


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--points", type=float, default=1e7)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--quick", action="store_true", help="1e5 points, 2 repeats")
    args = ap.parse_args(argv)
    n = int(1e5 if args.quick else args.points)
    repeat = 2 if args.quick else args.repeat

    import kzgame
    from kzgame.games.commitment_game import commitment_game

    rng = np.random.default_rng(0)
    p = {
        "share": rng.uniform(0, 1, n), "outside_r": rng.uniform(-0.5, 1.2, n),
        "outside_e": rng.uniform(-0.5, 1.2, n), "indispensability": rng.uniform(0, 1, n),
        "survival": rng.uniform(0, 1, n), "invest_cost": rng.uniform(0, 0.3, n),
        "power": rng.uniform(0.05, 0.95, n), "holdup_cost": rng.uniform(0.001, 0.2, n),
    }
    pi = rng.uniform(0, 1, n)
    xi = np.zeros(n)
    rows = []

    def read(arrays):
        return lambda: [a.sum() for a in arrays]

    base = best_of(read(list(p.values())), repeat, warm_up=True)
    rows.append(("read-only pass (8 arrays)", base, base))
    t = best_of(lambda: kzgame.classify(protocol="nash", backend="numba", **p), repeat,
                warm_up=True)
    rows.append(("period game (nash), compiled", t, base))
    period_codes = kzgame.classify(protocol="nash", **p)
    codes = {}
    for c in ("full", "none", "brinkmanship"):
        game = commitment_game(c)
        extra = {"exit_premium": xi} | ({"breakdown_risk": pi} if c == "brinkmanship" else {})
        ref = best_of(read([*p.values(), *extra.values()]), repeat, warm_up=True)
        for backend in ("numba", "numpy"):
            t = best_of(lambda g=game, e=extra, b=backend: kzgame.classify(g, backend=b, **p, **e),
                        repeat, warm_up=True)
            rows.append((f"commitment {c}, {'compiled' if backend == 'numba' else 'numpy'}",
                         t, ref))
        codes[c] = kzgame.classify(game, **p, **extra)
    one = kzgame.classify(commitment_game("brinkmanship"), breakdown_risk=1.0,
                          exit_premium=xi, **p)
    assert (codes["full"] == period_codes).all(), "full commitment != the period game"
    assert (one == codes["full"]).all(), "brinkmanship at pi = 1 != full commitment"
    print(f"{n:.0e} points, best of {repeat}; codes checked (full = period game; "
          "brinkmanship at pi = 1 = full)")
    print(f"{'':38} {'ns/point':>9} {'points/s':>10} {'x read-only':>12}")
    for name, t, ref in rows:
        print(f"{name:38} {1e9 * t / n:9.2f} {n / t:10.3g} {t / ref:12.2f}")
    held = {c: float(np.mean(v == 2)) for c, v in codes.items()}
    print("hold-up shares: " + ", ".join(f"{c} {s:.1%}" for c, s in held.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
