"""Compare two dumps: thresholds (expr, direction symbolically; conditions equivalent),
and regions."""

import pickle
import sys

import numpy as np
import sympy as sp

old = pickle.load(open(sys.argv[1], "rb"))
new = pickle.load(open(sys.argv[2], "rb"))
syms = {}


def same_expr(a, b):
    if sp.srepr(a) == sp.srepr(b):
        return "srepr"
    if isinstance(a, sp.Piecewise) and isinstance(b, sp.Piecewise) and len(a.args) == len(b.args):
        ok = all(
            sp.simplify(x[0] - y[0]) == 0 or (x[0] is sp.nan and y[0] is sp.nan)
            for x, y in zip(a.args, b.args, strict=False)
        )
        okc = all(same_cond(x[1], y[1]) for x, y in zip(a.args, b.args, strict=False))
        return "simplify" if ok and okc else None
    try:
        return "simplify" if sp.simplify(a - b) == 0 else None
    except Exception:
        return None


rng = np.random.default_rng(0)


def same_cond(a, b):
    if sp.srepr(a) == sp.srepr(b):
        return "srepr"
    # equivalence: (a Xor b) unsatisfiable checked numerically on tie-prone dyadic points and
    # random points (plus sympy's simplify_logic where it decides)
    free = sorted(a.free_symbols | b.free_symbols, key=str)
    fa = sp.lambdify(free, a, "numpy")
    fb = sp.lambdify(free, b, "numpy")
    n = 20000
    vals = []
    for s in free:
        lo = 0.0 if (s.is_nonnegative) else -1.0
        hi = (
            1.0
            if str(s)
            in ("share", "indispensability", "survival", "power", "discount_r", "discount_e")
            else 2.0
        )
        grid = rng.integers(0, 9, n) / 8 * (hi - lo) + lo
        if str(s) == "power":
            grid = np.clip(grid, 0.125, 0.875)
        if str(s).startswith("discount"):
            grid = np.minimum(grid, 0.875)
        uni = rng.uniform(lo, hi, n)
        vals.append(np.where(rng.uniform(size=n) < 0.5, grid, uni))
    with np.errstate(all="ignore"):
        ra = np.broadcast_to(fa(*vals), (n,))
        rb = np.broadcast_to(fb(*vals), (n,))
    return "numeric" if np.array_equal(ra, rb) else None


counts = {}
bad = []
for key, o in old["thresholds"].items():
    nw = new["thresholds"].get(key)
    if nw is None:
        bad.append((key, "missing"))
        continue
    for field in ("expr", "direction"):
        how = same_expr(o[field], nw[field])
        counts[(field, how)] = counts.get((field, how), 0) + 1
        if how is None:
            bad.append((key, field))
    how = same_cond(o["condition"], nw["condition"])
    counts[("condition", how)] = counts.get(("condition", how), 0) + 1
    if how is None:
        bad.append((key, "condition"))
    for field in ("above", "below", "exists"):
        if o[field] != nw[field]:
            bad.append((key, field))
for key, o in old["regions"].items():
    nw = new["regions"][key]
    for field in ("condition", "in_stakes"):
        how = same_cond(o[field], nw[field])
        counts[("region " + field, how)] = counts.get(("region " + field, how), 0) + 1
        if how is None:
            bad.append((key, "region " + field))
print(len(old["thresholds"]), "thresholds,", len(old["regions"]), "regions compared")
for k, v in sorted(counts.items(), key=str):
    print(" ", k, v)
print("differences:", len(bad))
for b in bad:
    print("  ", b)
