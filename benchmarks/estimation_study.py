"""Simulation study of the strategic estimator: bias, RMSE and 95 % coverage at n = 50, 200, 1000.

Run from the repository root (about two to four minutes on one core)::

    PYTHONPATH=. python benchmarks/estimation_study.py [--reps 200] [--seed 0]

Two designs, known parameters, data drawn from the agent logit QRE
(:func:`kzgame.estimation.simulate`), estimated by
:func:`kzgame.estimation.fit`:

* **period game** (``nash``): surplus 1, share 0.5, o_R 0.3, o_E 0.2,
  survival 0.8, c 0.15, h 0.05, lambda 8 fixed; ``power = logistic(-0.5 +
  1.0 x)`` with x standard normal, indispensability 0.6 free (identity
  link); 30 % of hold-ups observed without E's answer.  Coefficients
  ``indispensability``, ``power[1]``, ``power[x]``.
* **deterrence** (:func:`kzgame.games.deterrence` without audience costs, the
  engine's documentation game): v 1, p 0.4, lambda 3 fixed; k_C 0.2 and
  k_D 0.5 free.

Per design and n: the share of replications that gave an estimate (a fit
that raised, or warned of non-identification or perfect prediction, counts
as a failure: at n = 50 some samples miss an outcome; an estimate outside
the parameter's domain, with its DomainWarning, is kept), and over the others
the bias, the RMSE and the coverage of the 95 % Wald interval of each
coefficient, with the Monte Carlo standard error of the coverage.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np

from kzgame.errors import KzgameError
from kzgame.estimation import (
    PERIOD_OUTCOMES,
    DomainWarning,
    IdentificationWarning,
    fit,
    simulate,
)
from kzgame.games import deterrence, period

BASE = {"surplus": 1.0, "share": 0.5, "outside_r": 0.3, "outside_e": 0.2, "survival": 0.8,
        "invest_cost": 0.15, "holdup_cost": 0.05}
PERIOD_TRUTH = {"indispensability": 0.6, "power[1]": -0.5, "power[x]": 1.0}
DETER_TRUTH = {"k_C": 0.2, "k_D": 0.5}


def period_sample(n, rng):
    x = rng.normal(size=n)
    power = 1 / (1 + np.exp(-(PERIOD_TRUTH["power[1]"] + PERIOD_TRUTH["power[x]"] * x)))
    d = simulate(period("nash"), {**BASE, "power": power,
                                  "indispensability": PERIOD_TRUTH["indispensability"],
                                  "lambda": 8.0}, seed=rng)
    held = np.isin(d["outcome"], ["hold-up/concede", "hold-up/refuse"])
    d["outcome"] = np.where(held & (rng.random(n) < 0.3), "hold-up", d["outcome"])
    d["x"] = x
    spec = {**BASE, "power": "logistic(1 + x)", "indispensability": "free", "lambda": 8.0}
    return period("nash"), spec, d, PERIOD_OUTCOMES


def deterrence_sample(n, rng):
    g = deterrence(False)
    d = simulate(g, {"v": 1.0, "p": 0.4, **DETER_TRUTH, "lambda": 3.0}, n=n, seed=rng)
    return g, {"v": 1.0, "p": 0.4, "k_C": "free", "k_D": "free", "lambda": 3.0}, d, None


def reason(exc: Exception) -> str:
    """A short name for why a replication gave no estimate."""
    text = str(exc)
    for key, name in (("perfect prediction", "separation"), ("flat", "flat"),
                      ("leaves its domain", "domain"), ("order condition", "order"),
                      ("did not converge", "no convergence"), ("all ", "one outcome")):
        if key in text:
            return name
    return type(exc).__name__


def run(design, truth, n, reps, rng):
    est, cover, fails, outside = [], [], {}, 0
    for _ in range(reps):
        g, spec, d, outcomes = design(n, rng)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", IdentificationWarning)
                warnings.simplefilter("ignore", DomainWarning)
                f = fit(g, spec, d, outcomes=outcomes)
        except (KzgameError, IdentificationWarning) as exc:
            fails[reason(exc)] = fails.get(reason(exc), 0) + 1
            continue
        outside += any("leaves its domain" in w for w in f.warnings)
        vals = dict(zip(f.coefficients, f.estimates, strict=True))
        ivs = {iv.name: iv for iv in f.wald()}
        est.append([vals[k] for k in truth])
        cover.append([ivs[k].low <= truth[k] <= ivs[k].high for k in truth])
    if outside:
        fails["(kept) estimate outside the domain"] = -outside
    return np.array(est), np.array(cover), fails


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=200)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    t0 = time.perf_counter()
    failures: list[str] = []
    print(f"{'design':<12}{'n':>6}{'ok':>6}  {'coefficient':<18}{'truth':>8}{'bias':>9}"
          f"{'rmse':>9}{'cover':>8}{'mc se':>7}")
    for name, design, truth in (("period", period_sample, PERIOD_TRUTH),
                                ("deterrence", deterrence_sample, DETER_TRUTH)):
        for n in (50, 200, 1000):
            est, cover, fails = run(design, truth, n, args.reps, rng)
            ok = args.reps - sum(v for v in fails.values() if v > 0)
            if fails:
                failures.append(f"{name} n={n}: " + ", ".join(
                    f"{k} {abs(v)}" for k, v in sorted(fails.items())))
            for j, (k, t) in enumerate(truth.items()):
                if ok == 0:
                    print(f"{name:<12}{n:>6}{ok:>6}  {k:<18}{t:>8.3f}   (no estimates)")
                    continue
                bias = est[:, j].mean() - t
                rmse = np.sqrt(((est[:, j] - t) ** 2).mean())
                cov = cover[:, j].mean()
                mcse = np.sqrt(cov * (1 - cov) / ok)
                print(f"{name:<12}{n:>6}{ok:>6}  {k:<18}{t:>8.3f}{bias:>9.4f}{rmse:>9.4f}"
                      f"{cov:>8.3f}{mcse:>7.3f}")
    print("\nno estimate (first reason the fit gave, by kind), and estimates kept outside the "
          "parameter's domain (identity links):")
    for line in failures:
        print(f"  {line}")
    print(f"\n{args.reps} replications per row; 'ok' = fits without error or identification "
          f"warning; run time {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
