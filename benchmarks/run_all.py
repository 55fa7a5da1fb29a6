"""kzgame's classifier against the natural alternatives: every figure and ratio in one run.

Run from the repository root (``bash benchmarks/run.sh`` sets up the
environment first)::

    python benchmarks/run_all.py            # the full run (about two minutes)
    python benchmarks/run_all.py --quick    # small sizes, to check that it runs

What is measured, on the same inputs in the same run (one process, one core
unless said otherwise; each time is the best of several repeats, after a
warm-up call that compiles what needs compiling):

1. **Memory-bound reference**: one read-only numpy pass over the input
   arrays (``a.sum()`` for each of the nine parameter arrays of the ``nash``
   protocol).  No classifier can read its inputs faster.
2. **kzgame, compiled** (``classify(..., backend="numba")``): the period
   game through the engine, backward induction printed from its tree
   (:mod:`kzgame.numeric.kernels`), validation included.
3. **kzgame, numpy chunked** (``backend="numpy"``): the same printed code in
   cache-sized chunks.
4. **numpy, whole arrays**: the period's gains on whole arrays at once
   (``kzgame.numeric.period_gains`` + ``kzgame.numeric.classify.choose``), what one
   writes with numpy alone.  All three classifiers must return the same
   codes (checked).
2b. **Two games with 20-30 leaves**, each on its own inputs: a generated
   game with 23 leaves (built here with the public builder; two players,
   chance nodes, random payoffs in five parameters) and the package's
   members' game (``kzgame.members``: two members and E, 25 leaves, 21
   parameters).  For each: the read-only pass over its input arrays,
   ``classify(game)`` compiled and numpy, ``solve_game`` point by point (the
   natural alternative: a loop of backward induction), all on the same
   inputs, codes checked equal; and a **payoff floor**, a numba loop
   (fast-math) that only evaluates every distinct leaf payoff once and keeps
   the sign of the largest: the arithmetic a classifier that evaluates the
   payoffs cannot avoid.
2c. **The first call's time** in fresh processes, for the three games: the
   symbolic derivation (gains and printed code) and the numba compile with
   an empty ``KZGAME_CACHE_DIR`` (cold), then again with the cache the cold
   run filled.
5. **Per-game peers** on the first ``--games`` points, as 4x2 bimatrices
   (computed beforehand, not timed): nashpy's support and vertex
   enumeration, quantecon's ``support_enumeration`` (numba-compiled), and
   pygambit (build the tree, then ``lcp_solve`` or
   ``enumpure_agent_solve``); also ``kzgame.solve``, the full one-period
   solution.  Ratios are per-game time / kzgame's compiled time per point.
6. **Peak memory of one classify call**, in a fresh subprocess per backend:
   a ``--grid-points`` grid (1e8 by default) broadcast from two short axes,
   and ``--full-points`` points (1e7 by default) with nine full-size input
   arrays; tracemalloc's peak of the call's allocations and the peak growth
   of the resident set during the call, against the output (the inputs
   exist before the call).
7. **dask**: a ``--dask-points`` sweep (1e9 by default) from
   ``kzgame.analysis.distributed.grid`` on the local threaded scheduler (all cores),
   reduced to strategy counts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import math
import os
import platform
import subprocess
import sys
import textwrap
import time
import warnings

import numpy as np
from timing import best_of

import kzgame
from kzgame.equilibrium import normal_form
from kzgame.game import Game, chance, decision, outcome
from kzgame.numeric import chunks, kernels, period_gains
from kzgame.numeric.point import solve_game
from kzgame.params import NoSurplusWarning

C = importlib.import_module("kzgame.numeric.classify")

#: Ranges of the random inputs (all inside the domains).
RANGES = {
    "surplus": (0.5, 2.0),
    "share": (0.0, 1.0),
    "outside_r": (-1.0, 1.5),
    "outside_e": (-1.0, 1.5),
    "indispensability": (0.0, 1.0),
    "survival": (0.0, 1.0),
    "invest_cost": (0.0, 0.5),
    "power": (0.05, 0.95),
    "holdup_cost": (0.0, 0.25),
}


def per_game(fn, items, repeat: int = 3) -> float:
    """Best-of-``repeat`` mean time of ``fn(item)`` over ``items`` (seconds per item)."""
    return best_of(lambda: [fn(x) for x in items], repeat) / len(items)


def whole_array_numpy(**p):
    """The gains on whole arrays, then R's rule (``choose``): what one writes with numpy alone."""
    args = {**C.DEFAULTS, **p}
    fn = period_gains.numpy_gains("nash")
    g_i, g_h, g_x, margin = fn(*(args[k] for k in period_gains.gains_code("nash").inputs))
    return C.choose(g_i, g_h, g_x, margin >= 0)


#: The parameters of the generated game and the ranges of its random inputs.
GENERATED_RANGES = {"a": (-1.0, 1.0), "b": (-1.0, 1.0), "c": (-1.0, 1.0), "d": (-1.0, 1.0),
                    "q": (0.0, 1.0)}  # fmt: skip


def generated_game() -> Game:
    """A two-player game with 23 leaves, built here with the public builder.

    A chooses among three actions, B replies with one of three; then either A
    chooses again among three leaves or chance picks one of two (probabilities
    q and 1 - q).  Payoffs are random rationals, linear in a, b, c, d.
    """
    rng = np.random.default_rng(7)

    def pay() -> str:
        terms = [f"{rng.integers(-4, 5)}/4*{x}" for x in "abcd" if rng.random() < 0.6]
        return " + ".join([f"{rng.integers(-8, 9)}/8", *terms])

    def leaf():
        return outcome(A=pay(), B=pay())

    def third(k: int):
        if k % 2:
            return chance({"heads": ("q", leaf()), "tails": ("1 - q", leaf())})
        return decision("A", {f"z{j}": leaf() for j in range(3)})

    count = iter(range(9))
    tree = decision("A", {
        f"x{i}": decision("B", {f"y{j}": third(next(count)) for j in range(3)}) for i in range(3)
    })  # fmt: skip
    return Game(tree, parameters={k: ("unit" if k == "q" else "real") for k in GENERATED_RANGES},
                title="generated benchmark game")


def members_game():
    """The package's own game with 20-30 leaves: two members and E, 25 leaves
    (:func:`kzgame.members.trees.members_game`, sequential; 21 parameters)."""
    from kzgame.members.trees import members_game as build

    return build(2, "sequential")


def members_ranges(game) -> dict[str, tuple[float, float]]:
    """Random inputs of the members game: its utilities in [-1, 1], contagion in [0, 1]."""
    return {k: (0.0, 1.0) if k == "contagion" else (-1.0, 1.0) for k in game.parameters}


def payoff_floor(game):
    """A numba loop that evaluates every distinct non-constant leaf payoff of ``game`` once
    and stores whether the largest is positive, and nothing else (fast-math and FMA
    allowed).  Returns ``(function, inputs, count)``; call ``function(out, *arrays)``.

    Not a classifier: the arithmetic any classifier that evaluates the game's payoffs
    must do at least, to compare with the read-only pass.
    """
    import sympy as sp

    from kzgame.numeric.printed import compile_source

    exprs = [x for node in game.nodes if node.kind == "outcome" for x in node.payoffs]
    exprs = list(dict.fromkeys(e for e in exprs if not e.is_number))
    ins = sorted({s.name for e in exprs for s in e.free_symbols})
    loads = "\n".join(f"        {k} = a_{k}[j]" for k in ins)
    values = "\n".join(f"        s{i} = {sp.pycode(e)}" for i, e in enumerate(exprs))
    source = (
        "import math\n\nfrom numba import njit\n\n\n@njit(fastmath=True, boundscheck=False)\n"
        f"def floor(out, {', '.join('a_' + k for k in ins)}):\n"
        "    for j in range(out.shape[0]):\n"
        f"{loads}\n{values}\n"
        f"        out[j] = max({', '.join(f's{i}' for i in range(len(exprs)))}) > 0.0\n"
    )
    return compile_source(source, f"<payoff-floor-{id(game):x}>", {})["floor"], ins, len(exprs)


def game_section(label: str, game, ranges, n: int, rep: int, games: int, rng) -> dict:
    """One generated game through the engine against its read-only pass, its payoff floor
    and ``solve_game`` point by point, on the same inputs; prints a table, returns figures."""
    arrays = {k: rng.uniform(lo, hi, n) for k, (lo, hi) in ranges.items()}
    t_read = best_of(lambda: [a.sum() for a in arrays.values()], rep)
    kzgame.classify(game, backend="numba", **{k: v[:1000] for k, v in arrays.items()})
    codes = kzgame.classify(game, backend="numba", **arrays)
    t_numba = best_of(lambda: kzgame.classify(game, backend="numba", **arrays), rep)
    same = bool(np.array_equal(codes, kzgame.classify(game, backend="numpy", **arrays)))
    t_numpy = best_of(lambda: kzgame.classify(game, backend="numpy", **arrays), max(2, rep // 2))
    floor, floor_ins, n_payoffs = payoff_floor(game)
    out = np.empty(n, np.int8)
    floor(out[:10], *(arrays[k][:10] for k in floor_ins))
    t_floor = best_of(lambda: floor(out, *(arrays[k] for k in floor_ins)), rep)
    points = [{k: float(v[i]) for k, v in arrays.items()} for i in range(games)]
    t_solve = per_game(lambda x: solve_game(game, **x), points, 1)
    same &= all(solve_game(game, **x).code == codes[i] for i, x in enumerate(points))
    read = len(kernels.induction_code(game).gains.inputs)
    print(
        f"{label}: {len(game.leaves)} leaves, {len(game.nodes)} nodes, {len(game.players)} "
        f"players, {len(np.unique(codes))} outcomes reached; inputs: {len(arrays)} float64 "
        f"arrays ({len(arrays) * 8 * n / 2**20:,.0f} MiB), {read} read by the kernel"
    )
    print(f"{'':46s} {'ns/point':>9s} {'points/s':>10s} {'x read-only':>12s}")
    for name, t in (
        ("read-only pass over the inputs (numpy sum)", t_read),
        ("kzgame.classify(game), compiled (numba)", t_numba),
        ("kzgame.classify(game), numpy in chunks", t_numpy),
        (f"floor: its {n_payoffs} payoffs once (fast-math)", t_floor),
    ):
        print(f"{name:46s} {1e9 * t / n:9.2f} {fmt_rate(n / t):>10s} {t / t_read:12.2f}")
    print(
        f"{'solve_game point by point (Python)':46s} {1e9 * t_solve:9.0f} "
        f"{fmt_rate(1 / t_solve):>10s} {t_solve * n / t_read:12.0f}"
    )
    print(f"(numba, numpy and solve_game on the first {games} points agree: {same})")
    ops = printed_operations(game)
    print(
        f"(the kernel's loop prints {ops['total']} operations per point: {ops['arithmetic']} "
        f"arithmetic, {ops['comparisons']} comparisons and masks, {ops['selections']} "
        f"selections; {ops['total'] * n / t_numba / 1e9:.1f} per ns, against "
        f"{len(arrays) * n / t_read / 1e9:.1f} loads per ns in the read-only pass)\n"
    )
    return dict(
        printed_operations=ops,
        leaves=len(game.leaves),
        inputs=len(arrays),
        inputs_read=read,
        payoffs=n_payoffs,
        read_points_per_s=n / t_read,
        numba_points_per_s=n / t_numba,
        numpy_points_per_s=n / t_numpy,
        floor_points_per_s=n / t_floor,
        solve_points_per_s=1 / t_solve,
        numba_over_read=t_numba / t_read,
        numpy_over_read=t_numpy / t_read,
        floor_over_read=t_floor / t_read,
        numba_over_floor=t_numba / t_floor,
        identical_codes=same,
    )


def printed_operations(game) -> dict[str, int]:
    """The operations the compiled kernel's loop body prints per point, counted on its source.

    Arithmetic (``+ - * /``, negation), comparisons, selections (``a if t else b``) and
    ``_best`` (one comparison and one selection), in the domain and guard tests, the gains
    and the rule; the loads and the store are not counted.
    """
    import ast

    from kzgame.numeric.kernels import kernel_source

    src = kernel_source(game)
    body = src.split("for j in range(inner):\n", 1)[1].split("dst[j] =", 1)[0]
    counts = {"arithmetic": 0, "comparisons": 0, "selections": 0}
    for node in ast.walk(ast.parse(textwrap.dedent(body))):
        if isinstance(node, (ast.BinOp, ast.UnaryOp)) and not isinstance(node.op, ast.Not):
            is_bits = isinstance(node.op, (ast.BitAnd, ast.BitOr))
            counts["comparisons" if is_bits else "arithmetic"] += 1
        elif isinstance(node, ast.Compare):
            counts["comparisons"] += len(node.ops)
        elif isinstance(node, ast.IfExp):
            counts["selections"] += 1
        elif isinstance(node, ast.Call) and getattr(node.func, "id", "") == "_best":
            counts["comparisons"] += 1
            counts["selections"] += 1
    counts["total"] = sum(counts.values())
    return counts


def compile_child(which: str) -> dict:
    """In a fresh process: the first classify call's time, split into the symbolic
    derivation (gains, printed code) and the compile or cache load."""
    from kzgame.games import period
    from kzgame.numeric.kernels import induction_code

    if which == "period":
        game, ranges = period("nash"), {**RANGES}
    elif which == "members":
        game = members_game()
        ranges = members_ranges(game)
    else:
        game, ranges = generated_game(), GENERATED_RANGES
    small = {k: np.linspace(lo, hi, 1000) for k, (lo, hi) in ranges.items()}
    t = time.perf_counter()
    induction_code(game)
    t_code = time.perf_counter() - t
    t = time.perf_counter()
    kzgame.classify(game, backend="numba", **small)
    t_compile = time.perf_counter() - t
    return {"derive_seconds": t_code, "compile_seconds": t_compile}


def run_compile(which: str, directory: str) -> dict:
    env = {**os.environ, "KZGAME_CACHE_DIR": directory}
    cmd = [sys.executable, __file__, "--compile-child", which]
    res = subprocess.run(cmd, capture_output=True, text=True, check=True, env=env)
    return json.loads(res.stdout.strip().splitlines()[-1])


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name"))
    except (OSError, StopIteration):
        pass
    ram = None
    try:
        with open("/proc/meminfo") as f:
            kib = int(next(ln.split()[1] for ln in f if ln.startswith("MemTotal")))
            ram = f"{kib / 2**20:.1f} GiB"
    except (OSError, StopIteration):
        pass
    versions = {"python": platform.python_version(), "numpy": np.__version__}
    for name in ("numba", "dask", "nashpy", "quantecon", "pygambit"):
        try:
            versions[name] = importlib.import_module(name).__version__
        except Exception:  # noqa: BLE001 - report what is there
            versions[name] = "absent"
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram": ram,
        "versions": versions,
    }


def fmt_rate(x: float) -> str:
    return f"{x:.3g}"


# ----------------------------------------------------------------------------
# 6. memory, in a child process (a fresh high-water mark)


def memory_child(backend: str, layout: str, points: int) -> dict:
    """Classify ``points`` points; report the time and the call's peak memory.

    ``layout="grid"``: a grid broadcast from two short axes (tiny inputs);
    ``layout="full"``: nine full-size float64 input arrays.  The peak is
    measured twice: tracemalloc's peak of the allocations made during the
    call (numpy's allocations are traced; the inputs exist before it), and
    the growth of the resident set's high-water mark during the call
    (Linux: reset through /proc/self/clear_refs just before it).
    """
    import resource
    import tracemalloc

    if layout == "grid":
        n1 = int(math.isqrt(points))
        params = dict(
            share=0.5,
            outside_r=np.linspace(-0.5, 1.0, n1)[:, None],
            outside_e=0.1,
            indispensability=np.linspace(0.0, 1.0, points // n1),
            survival=0.8,
            invest_cost=0.05,
        )
        small = {**params, "outside_r": params["outside_r"][:2]}
    else:
        rng = np.random.default_rng(1)
        params = {k: rng.uniform(lo, hi, points) for k, (lo, hi) in RANGES.items()}
        small = {k: v[:1000] for k, v in params.items()}
    kzgame.classify(backend=backend, **small)  # compile or load the kernel first
    inputs = sum(np.asarray(v).nbytes for v in params.values())
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")  # reset VmHWM to the current resident set
        hwm = True
    except OSError:
        hwm = False
    rss0 = _status_kib("VmRSS") if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t = time.perf_counter()
    codes = kzgame.classify(backend=backend, **params)
    seconds = time.perf_counter() - t
    rss1 = _status_kib("VmHWM") if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    out, n = codes.nbytes, codes.size
    del codes
    tracemalloc.start()
    kzgame.classify(backend=backend, **params)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "backend": backend,
        "layout": layout,
        "points": n,
        "seconds": seconds,
        "inputs_bytes": inputs,
        "output_bytes": out,
        "traced_peak_bytes": peak,
        "rss_peak_growth_bytes": (rss1 - rss0) * 1024,  # both in KiB
    }


def _status_kib(field: str) -> int:
    """A field of /proc/self/status, in KiB (VmRSS: resident now; VmHWM: its peak)."""
    with open("/proc/self/status") as f:
        return int(next(ln.split()[1] for ln in f if ln.startswith(field + ":")))


def run_memory(backend: str, layout: str, points: int) -> dict:
    cmd = [sys.executable, __file__, "--memory-child", f"{backend}:{layout}:{points}"]
    res = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


# ----------------------------------------------------------------------------


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--points", type=float, default=1e7, help="points of the throughput runs")
    ap.add_argument("--games", type=int, default=300, help="games for the per-game peers")
    ap.add_argument("--grid-points", type=float, default=1e8, help="points of the memory run")
    ap.add_argument(
        "--full-points",
        type=float,
        default=1e7,
        help="points of the memory run with full-size inputs (1e8 needs 7 GiB of inputs)",
    )
    ap.add_argument("--dask-points", type=float, default=1e9, help="points of the dask sweep")
    ap.add_argument("--repeat", type=int, default=5, help="repeats (best of) of each timing")
    ap.add_argument("--quick", action="store_true", help="small sizes: check that it runs")
    ap.add_argument("--json", help="also write the figures to this JSON file")
    ap.add_argument("--memory-child", help=argparse.SUPPRESS)
    ap.add_argument("--compile-child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.compile_child:
        print(json.dumps(compile_child(args.compile_child)))
        return
    if args.memory_child:
        backend, layout, points = args.memory_child.split(":")
        print(json.dumps(memory_child(backend, layout, int(points))))
        return
    if args.quick:
        args.points, args.games, args.grid_points, args.dask_points = 2e5, 30, 1e6, 1e6
        args.full_points = 2e5
        args.repeat = 2
    n, games, rep = int(args.points), int(args.games), args.repeat
    info = machine()
    results: dict = {"machine": info, "figures": {}}
    fig = results["figures"]
    print(f"kzgame benchmarks, {info['date']}")
    print(f"machine: {info['cpu']}, {info['cores']} cores, {info['ram']} RAM")
    print(f"kzgame: {os.path.dirname(kzgame.__file__)}")
    print("versions: " + ", ".join(f"{k} {v}" for k, v in info["versions"].items()))
    print(
        f"inputs: {n:,} points, nine float64 arrays of the nash protocol "
        f"({9 * 8 * n / 2**20:,.0f} MiB)\n"
    )

    rng = np.random.default_rng(20240601)
    arrays = {k: rng.uniform(lo, hi, n) for k, (lo, hi) in RANGES.items()}

    # 1. the read-only reference
    t_read = best_of(lambda: [a.sum() for a in arrays.values()], rep)
    # 2. compiled (first call: compile or load from the disk cache)
    t0 = time.perf_counter()
    first = kzgame.classify(backend="numba", **{k: v[:1000] for k, v in arrays.items()})
    t_first = time.perf_counter() - t0
    codes_numba = kzgame.classify(backend="numba", **arrays)
    t_numba = best_of(lambda: kzgame.classify(backend="numba", **arrays), rep)
    # 3. numpy chunked; 4. numpy whole arrays
    codes_numpy = kzgame.classify(backend="numpy", **arrays)
    t_numpy = best_of(lambda: kzgame.classify(backend="numpy", **arrays), max(2, rep // 2))
    codes_whole = whole_array_numpy(**arrays)
    t_whole = best_of(lambda: whole_array_numpy(**arrays), 2)
    same = bool(
        np.array_equal(codes_numba, codes_numpy) and np.array_equal(codes_numba, codes_whole)
    )
    del first
    per_point = t_numba / n
    rows = [
        ("read-only pass over the inputs (numpy sum)", t_read),
        ("kzgame.classify, compiled (numba)", t_numba),
        ("kzgame.classify, numpy in chunks", t_numpy),
        ("numpy on whole arrays (closed forms)", t_whole),
    ]
    print("Throughput on the same inputs (one core)")
    print(f"{'':46s} {'ns/point':>9s} {'points/s':>10s} {'x read-only':>12s}")
    for name, t in rows:
        print(f"{name:46s} {1e9 * t / n:9.2f} {fmt_rate(n / t):>10s} {t / t_read:12.2f}")
    print(
        f"(all three classifiers give identical codes: {same}; first compiled call "
        f"incl. compile or cache load: {t_first:.2f} s)\n"
    )
    fig.update(
        read_points_per_s=n / t_read,
        numba_points_per_s=n / t_numba,
        numpy_chunked_points_per_s=n / t_numpy,
        numpy_whole_points_per_s=n / t_whole,
        numba_over_read=t_numba / t_read,
        numpy_over_read=t_numpy / t_read,
        whole_over_read=t_whole / t_read,
        numpy_over_numba=t_numpy / t_numba,
        identical_codes=same,
        first_call_seconds=t_first,
    )

    # 2b. games with 20-30 leaves, through the same engine
    gen = game_section("A generated game (random payoffs)", generated_game(), GENERATED_RANGES,
                       n, rep, games, rng)
    fig.update({f"generated_{k}": v for k, v in gen.items()})
    mgame = members_game()
    mem_game = game_section("The members' game (kzgame.members)", mgame, members_ranges(mgame),
                            n, rep, games, rng)
    fig.update({f"members_{k}": v for k, v in mem_game.items()})

    # 2c. the first call's time, in fresh processes: cold (empty cache), then from the cache
    import tempfile

    print("First classify call in a fresh process (seconds): symbolic derivation + compile")
    compile_times = {}
    for which in ("period", "generated", "members"):
        with tempfile.TemporaryDirectory() as d:
            cold = run_compile(which, d)
            warm = run_compile(which, d)
        compile_times[which] = {"cold": cold, "cached": warm}
        print(
            f"  {which + ' game':16s} cold: derive {cold['derive_seconds']:.2f} + compile "
            f"{cold['compile_seconds']:.2f}; with the disk cache: derive "
            f"{warm['derive_seconds']:.2f} + load {warm['compile_seconds']:.2f}"
        )
    print()
    fig["first_call"] = compile_times

    # 5. per-game peers on the first `games` points (the same inputs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NoSurplusWarning)
        periods = [
            kzgame.Period(**{k: float(v[i]) for k, v in arrays.items()}) for i in range(games)
        ]
    bimatrices = [normal_form(p) for p in periods]
    peers = []
    try:
        import nashpy

        def nashpy_support(ab):
            return list(nashpy.Game(*ab).support_enumeration())

        def nashpy_vertex(ab):
            return list(nashpy.Game(*ab).vertex_enumeration())

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # nashpy warns on every degenerate game
            peers.append(("nashpy support_enumeration", per_game(nashpy_support, bimatrices, 1)))
            peers.append(("nashpy vertex_enumeration", per_game(nashpy_vertex, bimatrices, 1)))
    except ImportError:
        print("nashpy absent: skipped")
    try:
        from quantecon.game_theory import NormalFormGame, support_enumeration

        def qe(ab):
            return support_enumeration(NormalFormGame(np.stack(ab, axis=-1)))

        qe(bimatrices[0])  # compile
        peers.append(("quantecon support_enumeration (numba)", per_game(qe, bimatrices)))
    except ImportError:
        print("quantecon absent: skipped")
    try:
        import pygambit as gbt

        def tree(ab):
            A, B = ab
            g = gbt.Game.new_tree(players=["R", "E"])
            g.append_move(g.root, "R", ["invest", "accept", "hold-up", "exit"])
            kids = list(g.root.children)
            g.append_move(kids[2], "E", ["concede", "refuse"])
            leaves = [kids[0], kids[1], *kids[2].children, kids[3]]
            cells = [(0, 0), (1, 0), (2, 0), (2, 1), (3, 0)]
            for i, (node, (r, c)) in enumerate(zip(leaves, cells, strict=True)):
                g.set_outcome(node, g.add_outcome(str(i), [float(A[r, c]), float(B[r, c])]))
            return g

        peers.append(
            (
                "pygambit build tree + lcp_solve",
                per_game(lambda ab: gbt.nash.lcp_solve(tree(ab), rational=False), bimatrices),
            )
        )
        peers.append(
            (
                "pygambit build tree + enumpure_agent_solve",
                per_game(lambda ab: gbt.nash.enumpure_agent_solve(tree(ab)), bimatrices),
            )
        )
    except ImportError:
        print("pygambit absent: skipped")
    peers.append(("kzgame.solve (one period: SPE, normal form)", per_game(kzgame.solve, periods)))
    print(f"Per game, on the first {games} points as 4x2 games (one core)")
    print(f"{'':46s} {'us/game':>9s} {'x kzgame compiled':>18s}")
    for name, t in peers:
        print(f"{name:46s} {1e6 * t:9.2f} {t / per_point:18,.0f}")
        fig[f"per_game_us[{name}]"] = 1e6 * t
        fig[f"ratio_vs_compiled[{name}]"] = t / per_point
    print(f"{'kzgame.classify, compiled, per point':46s} {1e6 * per_point:9.4f} {1:18,.0f}\n")

    # 6. peak memory, per backend and layout, in fresh processes
    print("Peak memory of one classify call, in a fresh process (M = MiB)")
    print(
        f"{'':22s} {'points':>8s} {'seconds':>8s} {'points/s':>10s} {'inputs':>9s} "
        f"{'output':>8s} {'traced':>8s} {'RSS':>8s} {'excess':>7s}"
    )
    mem = {}
    for layout, pts in (("grid", args.grid_points), ("full", args.full_points)):
        for backend in ("numba", "numpy"):
            m = run_memory(backend, layout, int(pts))
            peak = max(m["traced_peak_bytes"], m["rss_peak_growth_bytes"])
            m["excess_bytes"] = peak - m["output_bytes"]
            mem[f"{backend}, {layout}"] = m
            print(
                f"{backend + ', ' + layout + ' inputs':22s} {m['points']:8.0e} "
                f"{m['seconds']:8.2f} {fmt_rate(m['points'] / m['seconds']):>10s} "
                f"{m['inputs_bytes'] / 2**20:8.1f}M {m['output_bytes'] / 2**20:7.1f}M "
                f"{m['traced_peak_bytes'] / 2**20:7.1f}M "
                f"{m['rss_peak_growth_bytes'] / 2**20:7.1f}M {m['excess_bytes'] / 2**20:6.1f}M"
            )
    print(
        "(traced: tracemalloc's peak during the call; RSS: growth of the resident set's peak\n"
        " during the call; excess: the larger of the two minus the output. The inputs exist\n"
        " before the call. A float64 array of the grid would be "
        f"{8 * args.grid_points / 2**20:,.0f} MiB; the numpy chunk is {chunks.CHUNK:,} points.)\n"
    )
    fig["memory"] = mem

    # 7. dask
    try:
        import dask

        from kzgame.analysis.distributed import counts, grid

        side = round(args.dask_points ** (1 / 3))
        axes = grid(
            {
                "outside_r": np.linspace(-0.5, 0.75, side),
                "indispensability": np.linspace(0.0, 1.0, side),
                "survival": np.linspace(0.0, 1.0, side),
            }
        )
        lazy = kzgame.classify(share=0.5, outside_e=0.0, invest_cost=0.05, **axes)
        with dask.config.set(scheduler="threads"):
            counts(
                kzgame.classify(
                    share=0.5,
                    outside_e=0.0,
                    invest_cost=0.05,
                    **grid({"outside_r": [0.0, 0.1], "indispensability": [0.5], "survival": [0.5]}),
                )
            )
            t = time.perf_counter()
            c = counts(lazy)
            t_dask = time.perf_counter() - t
        pts = side**3
        print(
            f"dask: a {pts:.2e}-point sweep ({lazy.npartitions} blocks) on the local threaded "
            f"scheduler ({os.cpu_count()} cores): {t_dask:.2f} s, "
            f"{fmt_rate(pts / t_dask)} points/s; shares "
            + ", ".join(f"{s.value} {k / pts:.3f}" for s, k in zip(kzgame.Strategy, c, strict=True))
        )
        fig.update(dask_points=pts, dask_seconds=t_dask, dask_points_per_s=pts / t_dask)
    except ImportError:
        print("dask absent: skipped")

    # the goals of issue 7
    q = dict(peers)
    goals = [
        ("period game, compiled >= 1e8 points/s per core", n / t_numba >= 1e8),
        ("period game, compiled within 2x of the read-only pass", t_numba / t_read <= 2),
        ("period game, numpy path >= 1e7 points/s", n / t_numpy >= 1e7),
        ("generated game (23 leaves), compiled >= 1e8 points/s per core",
         gen["numba_points_per_s"] >= 1e8),
        ("generated game (23 leaves), compiled within 2x of the read-only pass "
         f"(its payoffs alone: {gen['floor_over_read']:.1f}x)", gen["numba_over_read"] <= 2),
        ("members' game (25 leaves), compiled within 2x of the read-only pass "
         f"(its payoffs alone: {mem_game['floor_over_read']:.1f}x)",
         mem_game["numba_over_read"] <= 2),
    ]
    for key, factor in (
        ("quantecon support_enumeration (numba)", 1e3),
        ("pygambit build tree + lcp_solve", 1e4),
        ("pygambit build tree + enumpure_agent_solve", 1e4),
        ("nashpy support_enumeration", 1e5),
    ):
        if key in q:
            goals.append((f">= {factor:.0e}x {key}", q[key] / per_point >= factor))
    extra = max(m["excess_bytes"] for m in mem.values())
    goals.append(
        (
            "peak memory <= inputs + output + a bounded chunk "
            f"(largest excess over the output: {extra / 2**20:.1f} MiB)",
            extra <= 64 * 8 * chunks.CHUNK,
        )
    )
    print("\nGoals")
    for name, met in goals:
        print(f"  [{'met' if met else 'NOT MET'}] {name}")
    fig["goals"] = {name: met for name, met in goals}
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1, default=float)


if __name__ == "__main__":
    main()
