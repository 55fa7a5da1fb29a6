"""E's optimal counter-move as one compiled loop (numba, the ``fast`` extra).

The same arithmetic as :func:`kzgame.members.countermoves.best_counter_move`'s
numpy path (:mod:`kzgame.members.contagion`, :mod:`kzgame.members.vectorized`),
fused into one pass over the points: no temporary arrays, about ten times
faster (``benchmarks/members.py``). Used by ``backend="auto"`` when numba is
installed; tests check that both paths give the same moves and strategies.
"""

from __future__ import annotations

import importlib.util
from functools import cache

import numpy as np

__all__ = ["NUMBA_AVAILABLE", "counter_move_kernel"]

#: Whether numba can be imported (checked without importing it).
NUMBA_AVAILABLE: bool = importlib.util.find_spec("numba") is not None


def _loop(V, s, o_r, o_e, iota, q, c, beta, h, kappa, dil, k_d, deep, k_g, k_o, united_sel,
          codes, net, member_codes):  # pragma: no cover - compiled
    n, P = V.shape  # member-major: each member's values are contiguous
    mc = np.empty((4, n), dtype=np.int8)
    tt = np.empty(n)
    mm = np.empty(n)
    tp = np.empty(n)
    wants = np.empty(n, dtype=np.bool_)
    fall = np.empty(n, dtype=np.int8)
    pay = np.empty((4, n))
    dr0 = np.empty(n)
    de = np.empty(n)
    uea = np.empty(n)
    for p in range(P):
        kap = kappa[p]
        best = -np.inf
        for j in range(n):  # what no counter-move changes
            vv = V[j, p]
            ss = s[j, p]
            qq = q[j, p]
            dr0[j] = ss * vv - o_r[j, p]
            de[j] = (1 - ss) * vv - o_e[j, p]
            uea[j] = qq * (1 - ss) * vv + (1 - qq) * o_e[j, p]
            pay[1, j] = (1 - ss) * vv
            pay[0, j] = uea[j]
        for move in range(4):
            gross = 0.0
            sum_m = 0.0
            base_all = 0.0
            base_w = 0.0
            any_w = False
            for j in range(n):
                io = iota[j, p] * (1.0 - dil[p]) if move == 1 else iota[j, p]
                d_r = dr0[j] + deep[p] if move == 2 else dr0[j]
                d_e = de[j]
                qq = q[j, p]
                b = beta[j, p]
                t = qq * (b * io * d_e - (1 - b) * d_r)
                g_i = (1 - qq) * d_r - c[j, p]
                g_h = t - h[j, p]
                g_x = -qq * d_r
                stay = max(0.0, g_i)
                pay[2, j] = uea[j] - t
                pay[3, j] = uea[j] - io * qq * d_e
                if move == 3:
                    offer = max(0.0, g_h - stay)
                    if g_x > stay + offer:
                        mc[3, j] = 3
                        gross += pay[3, j]
                    elif g_i > 0:
                        mc[3, j] = 1
                        gross += pay[1, j] - offer
                    else:
                        mc[3, j] = 0
                        gross += pay[0, j] - offer
                    continue
                m = qq * (1 - b) * (d_r + io * d_e)
                tt[j] = t
                mm[j] = m
                fall[j] = 3 if g_x > stay else (1 if g_i > 0 else 0)
                tp[j] = max(t, 0.0) if fall[j] != 3 else 0.0
                w = m >= 0 and g_h > 0 and g_h > g_i and g_h >= g_x
                wants[j] = w
                base_all += tp[j]
                if w:
                    any_w = True
                    sum_m += m
                else:
                    base_w += tp[j]
            if move < 3:
                if united_sel:
                    chosen = any_w and sum_m >= kap * base_w
                else:
                    chosen = False
                    for j in range(n):
                        if wants[j] and mm[j] >= kap * (base_all - tp[j]):
                            chosen = True
                held = False
                base_h = base_all
                for j in range(n):
                    if wants[j] and chosen:
                        mc[move, j] = 2
                        held = True
                        base_h -= tp[j]
                    else:
                        mc[move, j] = fall[j]
                    gross += pay[mc[move, j], j]
                if held:
                    gross -= kap * base_h
            fee = 0.0 if move == 0 else k_d[p] if move == 1 else k_g[p] if move == 2 else k_o[p]
            value = gross - fee
            net[p, move] = value
            if value > best:
                best = value
                codes[p] = move
        for j in range(n):
            member_codes[p, j] = mc[codes[p], j]


@cache
def counter_move_kernel():
    """The compiled loop (numba ``njit``; compiled on first use)."""
    import numba

    return numba.njit(nogil=True)(_loop)
