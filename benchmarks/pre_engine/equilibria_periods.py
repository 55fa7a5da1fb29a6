"""Periods for the old-vs-new comparison: random grids (dyadic and decimal) plus knife edges."""

import json
import random

rng = random.Random(20261130)
dy = {
    "surplus": [0.5, 1.0, 2.0],
    "share": [0.0, 0.25, 0.5, 0.75, 1.0],
    "outside_r": [k / 4 for k in range(-3, 6)],
    "outside_e": [k / 4 for k in range(-3, 6)],
    "indispensability": [0.0, 0.25, 0.5, 0.75, 1.0],
    "survival": [0.0, 0.25, 0.5, 0.75, 1.0],
    "invest_cost": [0.0, 0.125, 0.25],
    "power": [0.25, 0.5, 0.75],
    "holdup_cost": [0.0, 0.0, 0.125],
    "discount_r": [0.0, 0.5, 0.75],
    "discount_e": [0.0, 0.5, 0.75],
}
dec = {
    "share": [0.1, 0.3, 1 / 3, 0.6, 0.9],
    "outside_r": [-0.3, 0.1, 0.2, 1 / 3, 0.7],
    "outside_e": [-0.2, 0.1, 0.3],
    "indispensability": [0.1, 1 / 3, 0.7],
    "survival": [0.1, 2 / 3, 0.9],
    "invest_cost": [0.05, 0.1],
    "power": [0.1, 1 / 3, 0.6],
    "discount_r": [0.3, 0.9],
    "discount_e": [0.3, 0.9],
}
out = []
kinds = {
    "random": 0,
    "knife_h0_c0": 0,
    "knife_tie_invest": 0,
    "knife_tie_exit": 0,
    "knife_E_indifferent": 0,
    "knife_all_equal": 0,
}
for i in range(1200):
    v = {k: rng.choice(x) for k, x in dy.items()}
    if i % 4 == 3:
        for k in rng.sample(list(dec), 3):
            v[k] = rng.choice(dec[k])
    out.append(("random", v))
    kinds["random"] += 1
for i in range(300):
    v = {k: rng.choice(x) for k, x in dy.items()}
    j = i % 5
    if j == 0:
        v["holdup_cost"] = 0.0
        v["invest_cost"] = 0.0
        kind = "knife_h0_c0"
    elif j == 1:  # G_I = 0 exactly: c = (1 - q) * Delta_R (dyadic)
        d_r = v["share"] * v["surplus"] - v["outside_r"]
        c = (1 - v["survival"]) * d_r
        if c < 0:
            v["outside_r"] = v["share"] * v["surplus"] + 0.25
            c = (1 - v["survival"]) * (-0.25)
            c = 0.0
        v["invest_cost"] = c
        kind = "knife_tie_invest"
    elif j == 2:  # exit ties accept: Delta_R = 0, h = 0
        v["outside_r"] = v["share"] * v["surplus"]
        v["holdup_cost"] = 0.0
        kind = "knife_tie_exit"
    elif j == 3:  # E indifferent after a hold-up: Delta_R + iota Delta_E = 0 (iota=0, Delta_R=0)
        v["indispensability"] = 0.0
        v["outside_r"] = v["share"] * v["surplus"]
        kind = "knife_E_indifferent"
    else:  # all of R's payoffs equal
        v.update(
            share=0.0,
            outside_r=0.0,
            outside_e=0.0,
            indispensability=0.0,
            survival=0.0,
            invest_cost=0.0,
            holdup_cost=0.0,
        )
        kind = "knife_all_equal"
    out.append((kind, v))
    kinds[kind] += 1
json.dump(out, open("periods.json", "w"))
print(len(out), kinds)
