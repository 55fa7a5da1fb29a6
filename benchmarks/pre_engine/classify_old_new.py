"""Old (486dd97) vs new kzgame.classify: identical codes on >= 1e6 points per protocol.

usage: PYTHONPATH=<checkout> python oldnew.py OUT.npz   (run once with the old
checkout, once with the new one), then python oldnew.py --compare OLD.npz NEW.npz
"""

import sys

import numpy as np

N = 1_200_000
PROTOCOLS = ["nash", "rubinstein", "ultimatum", "outside-option"]


def points(seed: int) -> dict:
    rng = np.random.default_rng(seed)
    n = N

    def pick(lo, hi, grid, frac=0.5):
        x = rng.uniform(lo, hi, n)
        on = rng.random(n) < frac
        x[on] = rng.choice(grid, on.sum())
        return x

    q8 = np.arange(0, 9) / 8
    p = dict(
        surplus=pick(0.25, 4.0, np.array([0.5, 1.0, 2.0, 0.25, 4.0])),
        share=pick(0, 1, q8),
        outside_r=pick(-1, 1.5, np.arange(-8, 13) / 8),
        outside_e=pick(-1, 1.5, np.arange(-8, 13) / 8),
        indispensability=pick(0, 1, q8),
        survival=pick(0, 1, q8),
        invest_cost=pick(0, 0.5, np.arange(0, 9) / 16),
        power=pick(0.05, 0.95, np.array([0.25, 0.5, 0.75, 0.125, 0.875])),
        holdup_cost=pick(0, 0.25, np.arange(0, 5) / 16),
        discount_r=pick(0, 0.95, np.array([0.0, 0.5, 0.75, 0.25])),
        discount_e=pick(0, 0.95, np.array([0.0, 0.5, 0.75, 0.25])),
    )
    # explicit knife edges on a quarter of the points each
    for k, v in (
        ("holdup_cost", 0.0),
        ("invest_cost", 0.0),
        ("survival", 0.0),
        ("survival", 1.0),
        ("share", 0.0),
        ("share", 1.0),
    ):
        m = rng.random(n) < 0.1
        p[k][m] = v
    # stakes exactly 0: outside options equal to the status-quo values
    m = rng.random(n) < 0.15
    p["outside_r"][m] = p["share"][m] * p["surplus"][m]
    m = rng.random(n) < 0.15
    p["outside_e"][m] = (1.0 - p["share"][m]) * p["surplus"][m]
    return p


def run(out: str) -> None:
    import kzgame

    print("kzgame from", kzgame.__file__)
    res = {}
    for i, proto in enumerate(PROTOCOLS):
        p = points(100 + i)
        for backend in ("numba", "numpy"):
            res[f"{proto}:{backend}"] = kzgame.classify(protocol=proto, backend=backend, **p)
    np.savez(out, **res)


def knife_edges(proto, p):
    """Points where R's best is attained by two moves, and where E is indifferent
    (computed with the new engine's generated gains: PYTHONPATH must hold the new code)."""
    from kzgame.games import period
    from kzgame.numeric.codegen import gains_code, gains_function

    g = period(proto)
    code = gains_code(g)
    full = dict(surplus=1.0, power=0.5, holdup_cost=0.0, discount_r=0.9, discount_e=0.9)
    full.update(p)
    out = dict(zip(code.outputs, gains_function(g)(*(full[k] for k in code.inputs)), strict=True))
    n = p["share"].size
    g_e = np.broadcast_to(out["g3_5"], (n,))
    concede = g_e <= 0
    hold = np.where(concede, out["g0_4"], out["g0_5"])
    vals = np.stack(np.broadcast_arrays(out["g0_1"], out["g0_2"], hold, out["g0_6"]))
    best = vals.max(axis=0)
    r_ties = int(((vals == best).sum(axis=0) >= 2).sum())
    return r_ties, int((g_e == 0).sum())


def compare(a: str, b: str) -> None:
    A, B = np.load(a), np.load(b)
    ok = True
    for k in A.files:
        same = np.array_equal(A[k], B[k])
        ok &= same
        p = points(100 + PROTOCOLS.index(k.split(":")[0]))
        stake0 = int(((p["share"] * p["surplus"] - p["outside_r"]) == 0).sum())
        ties = knife_edges(k.split(":")[0], p)
        print(
            f"{k:28s} points {A[k].size:,}  identical {same}  differing "
            f"{int((A[k] != B[k]).sum())}  counts {np.bincount(A[k], minlength=4).tolist()}"
            f"  stake_r == 0 at {stake0:,}  exact ties: R {ties[0]:,}, E {ties[1]:,}"
        )
    print("ALL IDENTICAL" if ok else "DIFFERENCES FOUND")


if __name__ == "__main__":
    if sys.argv[1] == "--compare":
        compare(sys.argv[2], sys.argv[3])
    else:
        run(sys.argv[1])
