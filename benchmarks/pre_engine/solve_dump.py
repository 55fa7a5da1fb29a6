"""Dump kzgame.solve results for a fixed set of periods (run from old or new tree)."""

import pickle
import sys
import warnings

import numpy as np

import kzgame

rng = np.random.default_rng(int(sys.argv[1]))
n = int(sys.argv[2])
dy = np.array([0, 0.25, 0.5, 0.75, 1.0])
out = []
warnings.simplefilter("ignore")
for i in range(n):
    knife = i % 2 == 0
    pick = (
        (lambda a, b: float(rng.choice(dy) * (b - a) + a))
        if knife
        else (lambda a, b: float(rng.uniform(a, b)))
    )
    p = dict(
        share=pick(0, 1),
        outside_r=pick(-1, 1),
        outside_e=pick(-1, 1),
        indispensability=pick(0, 1),
        survival=pick(0, 1),
        invest_cost=pick(0, 0.5) if rng.random() < 0.7 else 0.0,
        surplus=1.0,
        power=float(rng.choice([0.25, 0.5, 0.75])) if knife else float(rng.uniform(0.01, 0.99)),
        holdup_cost=pick(0, 0.3) if rng.random() < 0.6 else 0.0,
        discount_r=pick(0, 0.75),
        discount_e=pick(0, 0.75),
    )
    per = kzgame.Period(**p)
    for proto in kzgame.PROTOCOLS:
        r = kzgame.solve(per, proto)
        out.append(
            (
                proto,
                p,
                r.strategy.value,
                r.e_concedes,
                r.payoff_r,
                r.payoff_e,
                r.gain_invest,
                r.gain_holdup,
                r.gain_holdup_realized,
                r.gain_exit,
                r.concession,
                r.margin,
            )
        )
pickle.dump(out, open(sys.argv[3], "wb"))
