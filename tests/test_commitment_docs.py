"""The generated KPR-table page equals what the engine derives now, and the hand-derived
forms on docs/theory/commitment.md agree with the engine's codes on random points."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import kzgame
from kzgame.analysis.commitment import (
    commitment_verdicts,
    compare_commitments,
    kpr_regions,
    kpr_table_markdown,
)
from kzgame.games.commitment_game import commitment_game

DOCS = Path(__file__).resolve().parents[1] / "docs" / "theory"


def test_the_generated_regions_page_is_current():
    assert (DOCS / "commitment-regions.md").read_text(encoding="utf-8") == kpr_table_markdown()


def points(seed, n=3000):
    rng = np.random.default_rng(seed)
    return dict(
        surplus=rng.uniform(0.5, 2.0, n), share=rng.uniform(0, 1, n),
        outside_r=rng.uniform(-0.5, 1.2, n), outside_e=rng.uniform(-0.5, 1.2, n),
        indispensability=rng.uniform(0, 1, n), survival=rng.uniform(0, 1, n),
        invest_cost=rng.uniform(0, 0.3, n), power=rng.uniform(0.05, 0.95, n),
        holdup_cost=rng.uniform(0, 0.2, n), exit_premium=rng.uniform(-0.3, 0.3, n),
    )


@pytest.mark.parametrize("seed", [1, 2])
def test_the_readable_nash_forms_of_the_theory_page(seed):
    """docs/theory/commitment.md, 'Nash': hold-up iff the typed conditions hold."""
    p = points(seed)
    q, b, i, h, c, xi = (p[k] for k in ("survival", "power", "indispensability",
                                         "holdup_cost", "invest_cost", "exit_premium"))
    dR = p["share"] * p["surplus"] - p["outside_r"]
    dE = (1 - p["share"]) * p["surplus"] - p["outside_e"]
    gfa = q * (dR + i * dE) - xi           # gains from agreement over (o_R + xi, d_E)
    gain_h = q * (b * i * dE - (1 - b) * dR) + (1 - b) * xi - h
    gain_i, gain_x = (1 - q) * dR - c, xi - q * dR
    full = (gfa >= 0) & (gain_h > 0) & (gain_h > gain_i) & (gain_h >= gain_x)
    credible = xi > q * dR
    codes = compare_commitments(**p).codes
    assert ((codes["full"] == 2) == full).all()
    assert ((codes["none"] == 2) == (full & credible)).all()
    pi = np.random.default_rng(seed).uniform(0, 1, dR.size)
    gain_b = pi * (gain_h + h) - h
    brink = (gfa >= 0) & (gain_b > 0) & (gain_b > gain_i) & (gain_b >= gain_x) & (pi > 0)
    codes_b = kzgame.classify(commitment_game("brinkmanship"), breakdown_risk=pi, **p)
    assert ((codes_b == 2) == brink).all()
    assert full.any() and (full & ~credible).any() and (full & credible).any()


@pytest.mark.parametrize("protocol", list(kzgame.PROTOCOLS))
def test_the_risk_threshold_switches_brinkmanship_at_pi_star(protocol):
    p = points(5, 300)
    p["holdup_cost"][::2] = 0.0
    checked = at_one = 0
    for k in range(300):
        v = {name: float(x[k]) for name, x in p.items()}
        if protocol == "rubinstein":
            v.update(discount_r=0.8, discount_e=0.7)
        r = commitment_verdicts(v, protocol=protocol)
        game = commitment_game("brinkmanship", protocol)
        if r.risk_threshold is None:
            assert r.verdicts["full"] != "hold-up"
            for pi in (0.0, 0.5, 1.0):
                got = kzgame.solve(game, breakdown_risk=pi, atol=1e-12, **v).outcome
                assert got in (r.verdicts["full"], "accept + exit")
            continue
        star = r.risk_threshold
        if star >= 1 - 1e-9:  # hold-up only at pi = 1, where it ties with exit (h = 0)
            assert kzgame.solve(game, breakdown_risk=1.0, atol=1e-12, **v).outcome == "hold-up"
            assert r.brinkmanship(1.0) == "hold-up" and r.fallback == "exit"
            down = kzgame.solve(game, breakdown_risk=1 - 1e-6, atol=1e-12, **v).outcome
            assert down == r.fallback == r.brinkmanship(1 - 1e-6)
            at_one += 1
            continue
        if star <= 1e-6:
            continue
        checked += 1
        up = kzgame.solve(game, breakdown_risk=star + 1e-7, atol=1e-12, **v).outcome
        down = kzgame.solve(game, breakdown_risk=star - 1e-7, atol=1e-12, **v).outcome
        assert (up, down) == ("hold-up", r.fallback)
        assert r.brinkmanship(star + 1e-7) == up and r.brinkmanship(star - 1e-7) == down
    assert checked >= 3 or (protocol == "outside-option" and at_one >= 3)


def test_kpr_regions_cover_the_space_once():
    p = points(9, 2000)
    inside = np.stack([np.asarray(r.func(**p), dtype=bool)
                       for r in kpr_regions("none").values()])
    assert (inside.sum(axis=0) == 1).all()
