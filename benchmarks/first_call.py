"""The first call of the day: import time and the first classify in fresh processes.

Run from the repository root::

    PYTHONPATH=. python benchmarks/first_call.py             # 7 fresh processes per figure
    PYTHONPATH=. python benchmarks/first_call.py --repeat 3  # quicker

Every figure is the median over ``--repeat`` fresh interpreters, timed inside
the child with ``time.perf_counter`` from before its first import (the
interpreter's own start-up, the same for every row, is not included):

* ``import numpy`` alone, and ``import kzgame`` alone (which imports neither
  numpy, sympy nor matplotlib): issue 15's goal is ``import kzgame`` <= 2x
  ``import numpy``, both measured in the same run;
* ``kzgame --help`` (the command's parser, ``main(["--help"])``), and which
  heavy modules it loaded;
* the first ``kzgame.classify`` of the period game in a fresh process
  (``import kzgame`` included, and numpy with it), **cold** (an empty
  ``KZGAME_CACHE_DIR``, a new one per process) and **warm** (a cache folder
  filled by one earlier process), for:

  - one point given as floats (the scalar fast path),
  - a 1,000-point grid (the numpy backend, ``backend="auto"``),
  - a 100,000-point grid (the compiled numba kernel, ``backend="auto"``),
  - the same 100,000 points through ``classify(kzgame.period("nash"), ...)``:
    the game object, whose code is printed with sympy in every new process
    (how every classification of the period game ran before issue 15);

  issue 15's goal is a first classify <= 0.2 s with a warm cache.

The modules each child had loaded at the end (sympy, numba, matplotlib) are
printed next to its time.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HEAVY = ("numpy", "sympy", "numba", "matplotlib", "scipy")

POINT = dict(share=0.5, outside_r=0.45, outside_e=0.0, indispensability=0.9, survival=0.8,
             invest_cost=0.05)


def child(kind: str) -> dict:
    """What one fresh process measures (see the module's docstring)."""
    t0 = time.perf_counter()
    out: dict = {}
    if kind == "numpy":
        import numpy  # noqa: F401
    elif kind == "kzgame":
        import kzgame  # noqa: F401
    elif kind == "help":
        import contextlib
        import io

        from kzgame.io.cli import main

        with contextlib.redirect_stdout(io.StringIO()):
            try:
                main(["--help"])
            except SystemExit:
                pass
    else:
        import numpy as np

        import kzgame

        t_import = time.perf_counter() - t0
        if kind == "scalar":
            code = kzgame.classify(**POINT)
        else:
            n = 1000 if kind == "grid1e3" else 100_000
            grid = dict(POINT, outside_r=np.linspace(-0.5, 1.0, n))
            if kind == "game":
                code = kzgame.classify(kzgame.period("nash"), power=0.5, holdup_cost=0.0, **grid)
            else:
                code = kzgame.classify(**grid)
        out["import_seconds"] = t_import
        out["codes"] = int(np.asarray(code).sum())
    out["seconds"] = time.perf_counter() - t0
    out["loaded"] = [m for m in HEAVY if m in sys.modules]
    return out


def run(kind: str, cache: str) -> dict:
    env = {**os.environ, "KZGAME_CACHE_DIR": cache}
    res = subprocess.run([sys.executable, __file__, "--child", kind], capture_output=True,
                         text=True, check=True, env=env)
    return json.loads(res.stdout.strip().splitlines()[-1])


def median_of(kind: str, repeat: int, cache: str | None) -> dict:
    """Median over fresh processes; cache None: a new empty cache folder per process."""
    runs = []
    for _ in range(repeat):
        if cache is None:
            with tempfile.TemporaryDirectory() as d:
                runs.append(run(kind, d))
        else:
            runs.append(run(kind, cache))
    out = {"seconds": statistics.median(r["seconds"] for r in runs),
           "loaded": runs[-1]["loaded"]}
    if "import_seconds" in runs[0]:
        out["import_seconds"] = statistics.median(r["import_seconds"] for r in runs)
        assert len({r["codes"] for r in runs}) == 1
        out["codes"] = runs[0]["codes"]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=7, help="fresh processes per figure (7)")
    ap.add_argument("--json", help="also write the figures to this file")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args.child)))
        return
    fig: dict = {"load_average": os.getloadavg(), "repeat": args.repeat}
    print(f"load average at the start: {', '.join(f'{x:.2f}' for x in os.getloadavg())}; "
          f"median of {args.repeat} fresh processes each\n")
    with tempfile.TemporaryDirectory() as warm:
        imports = {k: median_of(k, args.repeat, warm) for k in ("numpy", "kzgame", "help")}
        fig["imports"] = imports
        base = imports["numpy"]["seconds"]
        print(f"{'':34s} {'seconds':>8s} {'x import numpy':>15s}  loaded")
        for k, label in (("numpy", "import numpy"), ("kzgame", "import kzgame"),
                         ("help", "kzgame --help (main)")):
            r = imports[k]
            print(f"{label:34s} {r['seconds']:8.3f} {r['seconds'] / base:15.2f}  "
                  f"{', '.join(r['loaded']) or '-'}")
        print()
        print("First classify of the period game in a fresh process (import kzgame included)")
        print(f"{'':40s} {'cold':>7s} {'warm':>7s} {'warm-import':>12s}  loaded (warm)")
        rows = {}
        for kind, label in (("scalar", "one point, floats (fast path)"),
                            ("grid1e3", "1,000 points (numpy backend)"),
                            ("grid1e5", "100,000 points (numba kernel)"),
                            ("game", "100,000 points, the Game (sympy, numba)")):
            cold = median_of(kind, args.repeat, None)
            run(kind, warm)  # fill the warm cache
            hot = median_of(kind, args.repeat, warm)
            assert cold["codes"] == hot["codes"]
            rows[kind] = {"cold": cold, "warm": hot}
            print(f"{label:40s} {cold['seconds']:7.3f} {hot['seconds']:7.3f} "
                  f"{hot['seconds'] - hot['import_seconds']:12.3f}  "
                  f"{', '.join(hot['loaded']) or '-'}")
        fig["first_classify"] = rows
    print(f"\nload average at the end: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"goal import kzgame <= 2x import numpy: "
          f"{imports['kzgame']['seconds'] / base:.2f}x")
    print(f"goal first classify <= 0.2 s with a warm cache: scalar "
          f"{rows['scalar']['warm']['seconds']:.3f} s, 1e3 points "
          f"{rows['grid1e3']['warm']['seconds']:.3f} s, 1e5 points (numba) "
          f"{rows['grid1e5']['warm']['seconds']:.3f} s")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(fig, f, indent=1)


if __name__ == "__main__":
    main()
