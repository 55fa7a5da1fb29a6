"""How fast kzgame derives its thresholds, and how fast it evaluates them.

Run from the repository root::

    python benchmarks/thresholds.py            # 10^6 points, 5 repeats, 3 cold runs
    python benchmarks/thresholds.py --quick    # small sizes, to check that it runs

What is measured (one core; numpy's elementwise operations are single-threaded):

1. **Cold symbolic derivation of all thresholds**, each time in a fresh
   subprocess so that no cache is warm: ``import kzgame`` (timed apart), then
   every boundary of :data:`kzgame.analysis.thresholds.BOUNDARIES` solved for every
   parameter of every protocol (``kzgame.all_thresholds(protocol,
   existing=False)``: expressions, conditions, sides).  The time includes
   deriving the gains from the payoffs (``kzgame.model.gains``, cached after
   the first use).  Goal: under 2 s.  Turning them all into numpy functions
   (``lambdify``, done lazily on first use of ``.func``) is timed apart.
2. **Lambdified evaluation** of several thresholds on ``--points`` random
   points (float64, inside the domains), ``Threshold.func`` with its input
   validation, best of ``--repeat`` calls after a warm-up call; next to it
   the **memory-bound reference**: one read-only numpy pass over the same
   input arrays (``a.sum()`` for each array the threshold reads), and the
   ratio of the two.  Goal: at least 10^7 points/s.  The same expression
   without validation (the bare lambdified function) is shown as well.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys

import numpy as np
from timing import best_of

COLD = r"""
import json, time
t0 = time.perf_counter()
import kzgame
t1 = time.perf_counter()
from kzgame.model import PROTOCOLS
n = 0
for protocol in PROTOCOLS:
    n += len(kzgame.all_thresholds(protocol, existing=False))
    for strategy in ("accept", "invest", "hold-up", "exit"):
        kzgame.region(strategy, protocol)
t2 = time.perf_counter()
funcs = 0
for protocol in PROTOCOLS:
    for t in kzgame.all_thresholds(protocol).values():
        t.func
        funcs += 1
t3 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "derive": t2 - t1, "count": n,
                  "lambdify": t3 - t2, "funcs": funcs}))
"""

GAME30 = r"""
import json, time
import numpy as np
t0 = time.perf_counter()
from kzgame.game import Game, decision, outcome
from kzgame.game.outcomes import outcome_codes
from kzgame.analysis.games import all_boundaries, outcome_region
rng = np.random.default_rng(0)
count = [0]
def pay():
    c = rng.integers(-3, 4, 5)
    return f"{c[0]} + {c[1]}*a + {c[2]}*b + {c[3]}*c + {c[4]}*d"
def leaf():
    count[0] += 1
    return outcome(A=pay(), B=pay(), label=f"o{count[0]}")
# A chooses among 3, then B among 2, then A among 5: 30 leaves, 10 decision nodes
game = Game(decision("A", {f"x{i}": decision("B", {f"y{j}": decision("A", {
    f"z{k}": leaf() for k in range(5)}) for j in range(2)}) for i in range(3)}),
    parameters={"a": "real", "b": "unit", "c": "nonnegative", "d": "positive"})
t1 = time.perf_counter()
regions = [outcome_region(game, o) for o in outcome_codes(game).names]
for r in regions:
    r.condition
t2 = time.perf_counter()
bounds = all_boundaries(game)
t3 = time.perf_counter()
for b in list(bounds.values())[:100]:
    b.expr
t4 = time.perf_counter()
print(json.dumps({"leaves": len(game.leaves), "import": t1 - t0, "regions": t2 - t1,
                  "boundaries": t3 - t2, "count": len(bounds),
                  "expr100": t4 - t3}))
"""

#: Thresholds evaluated: (parameter, boundary, protocol).
CASES = [
    ("indispensability", ("hold-up", "accept"), "nash"),
    ("outside_r", ("invest", "accept"), "nash"),
    ("indispensability", ("hold-up", "invest"), "rubinstein"),
    ("share", ("concede", "refuse"), "outside-option"),
]


def cold_runs(runs: int, code: str = COLD) -> list[dict]:
    out = []
    for _ in range(runs):
        res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True)
        out.append(json.loads(res.stdout.strip().splitlines()[-1]))
    return out


def random_points(n: int, seed: int = 0) -> dict[str, np.ndarray]:
    from kzgame.analysis.statics import sample

    return sample(n, seed=seed)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--points", type=float, default=1e6, help="points evaluated (default 1e6)")
    p.add_argument("--repeat", type=int, default=5, help="timed repeats (default 5)")
    p.add_argument("--cold", type=int, default=3, help="fresh subprocesses (default 3)")
    p.add_argument("--quick", action="store_true", help="1e4 points, 2 repeats, 1 cold run")
    args = p.parse_args(argv)
    if args.quick:
        args.points, args.repeat, args.cold = 1e4, 2, 1
    n = int(args.points)

    import kzgame

    print(f"kzgame {kzgame.__version__} from {kzgame.__file__}")
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}")
    print()

    runs = cold_runs(args.cold)
    derive = [r["derive"] for r in runs]
    print(f"1. cold symbolic derivation, {runs[0]['count']} thresholds "
          f"(7 boundaries x every parameter x 4 protocols) and the 16 regions, "
          f"{args.cold} fresh processes:")
    print(f"   import kzgame         {statistics.median(r['import'] for r in runs):7.3f} s "
          "(median)")
    print(f"   derive all            {statistics.median(derive):7.3f} s (median), "
          f"best {min(derive):.3f} s, worst {max(derive):.3f} s   goal < 2 s")
    print(f"   lambdify all {runs[0]['funcs']:3d} that exist "
          f"{statistics.median(r['lambdify'] for r in runs):7.3f} s (median; lazy, on first "
          "use of .func)")
    print()

    g30 = cold_runs(args.cold, GAME30)
    total = [r["regions"] + r["boundaries"] for r in g30]
    print(f"1b. cold derivation for a generated {g30[0]['leaves']}-leaf game (3 x 2 x 5, four "
          f"parameters), {args.cold} fresh processes:")
    print(f"   regions (conditions)  {statistics.median(r['regions'] for r in g30):7.3f} s")
    print(f"   all boundaries        {statistics.median(r['boundaries'] for r in g30):7.3f} s "
          f"({g30[0]['count']} boundary x parameter pairs; roots and their own conditions)")
    print(f"   total                 {statistics.median(total):7.3f} s (median)   goal < 10 s")
    print(f"   (lazy: the first 100 boundaries' full conditions, plays below the node "
          f"substituted at x*: {statistics.median(r['expr100'] for r in g30):.3f} s)")
    print()

    pts = random_points(n)
    print(f"2. evaluation on {n:,} points (best of {args.repeat}, after a warm-up call):")
    thresholds = [(kzgame.threshold(name, pair, protocol), protocol)
                  for name, pair, protocol in CASES]
    width = max(len(f"{t.name} [{protocol}]") for t, protocol in thresholds)
    head = (f"   {'threshold':{width}} {'func':>9} {'bare':>9} {'numpy sum':>10} "
            f"{'func/sum':>9} {'points/s':>11}")
    print(head)
    for t, protocol in thresholds:
        used = {k: pts[k] for k in t._args}  # noqa: SLF001
        t.func(**used)
        bare = t._lambdify(t.expr)
        arrays = list(used.values())
        with np.errstate(all="ignore"):
            bare(*arrays)
            t_func = best_of(lambda f=t.func, kw=used: f(**kw), args.repeat)
            t_bare = best_of(lambda f=bare, a=arrays: f(*a), args.repeat)
        t_sum = best_of(lambda a=arrays: [x.sum() for x in a], args.repeat)
        label = f"{t.name} [{protocol}]"
        print(f"   {label:{width}} {t_func * 1e3:7.2f}ms {t_bare * 1e3:7.2f}ms "
              f"{t_sum * 1e3:8.2f}ms {t_func / t_sum:8.1f}x {n / t_func:11.3g}")
    print()
    print("   func: Threshold.func (validation included); bare: the lambdified expression alone;")
    print("   numpy sum: one read-only pass over the same input arrays (memory-bound reference);")
    print(f"   goal: >= 1e7 points/s per core. Machine: {_cpu()}")
    return 0


def _cpu() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


if __name__ == "__main__":
    sys.exit(main())
