"""An independent oracle: the period game's gains typed from MODEL.md's closed forms in numpy.

Written here, not derived from the package's tree, so that the engine's
derivation (payoffs -> gains -> kernels) is checked against the formulas a
reader can verify by hand:

* G_I = (1 - q) D_R - c;  G_X = -q D_R;  a refused hold-up: -q D_R - h;
* a weighted split with R's weight w (nash: beta; rubinstein:
  (1 - dE) / (1 - dR dE); ultimatum: 1): G_H = q (w iota D_E - (1 - w) D_R) - h and
  E's concession margin u_E(H, concede) - u_E(H, refuse) = (1 - w) q (D_R + iota D_E);
* outside-option (BSS 1989): top-up t = max(0, -q D_R); G_H = t - h; margin
  = iota q D_E - t.
"""

from __future__ import annotations

import numpy as np


def weight(protocol: str, p: dict) -> object:
    if protocol == "nash":
        return p["power"]
    if protocol == "rubinstein":
        return (1 - p["discount_e"]) / (1 - p["discount_r"] * p["discount_e"])
    if protocol == "ultimatum":
        return 1.0
    raise ValueError(protocol)


def gains(protocol: str, **p) -> tuple:
    """(G_I, G_H, G_H refused, G_X, E's concession margin), broadcasting."""
    p = {"surplus": 1.0, "power": 0.5, "holdup_cost": 0.0, "discount_r": 0.9,
         "discount_e": 0.9, **p}
    V, s, q, c, h, iota = (np.asarray(p[k], dtype=float) for k in
                           ("surplus", "share", "survival", "invest_cost", "holdup_cost",
                            "indispensability"))
    d_r = s * V - np.asarray(p["outside_r"], dtype=float)
    d_e = (1 - s) * V - np.asarray(p["outside_e"], dtype=float)
    g_i = (1 - q) * d_r - c
    g_x = -q * d_r
    g_hr = -q * d_r - h
    if protocol == "outside-option":
        top = np.maximum(0.0, -q * d_r)
        return g_i, top - h, g_hr, g_x, iota * q * d_e - top
    w = np.asarray(weight(protocol, p), dtype=float)
    g_h = q * (w * iota * d_e - (1 - w) * d_r) - h
    return g_i, g_h, g_hr, g_x, (1 - w) * q * (d_r + iota * d_e)


def classify(protocol: str, **p) -> np.ndarray:
    """R's strategy code by MODEL.md's rule: argmax of {0, G_I, G_H if E concedes, G_X},
    ties to accept, invest, hold-up, exit."""
    g_i, g_h, _, g_x, margin = np.broadcast_arrays(*gains(protocol, **p))
    g_h = np.where(margin >= 0, g_h, -np.inf)
    stack = np.stack([np.zeros_like(g_i), g_i, g_h, g_x])
    return np.argmax(stack == stack.max(axis=0), axis=0).astype(np.int8)
