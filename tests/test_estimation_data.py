"""The coded data set (data/episodes.csv) and the estimation example.

* every row's outcome is an outcome of the period game (PERIOD_OUTCOMES);
* every field that needs a source has one, and every seed citation points at
  an existing line of an existing seed file (``000:73-80`` = seeds/000_*.txt
  lines 73 to 80);
* the file is what scripts/build_episodes.py builds from the model files
  (a stale file fails with the command that rebuilds it);
* the example runs as a user runs it, prints the estimates, intervals and the
  fit of every row, and writes its figure into the folder given.
"""

from __future__ import annotations

import csv
import os
import re
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

from kzgame.estimation import PERIOD_OUTCOMES
from kzgame.io.cases import find_seeds

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data" / "episodes.csv"
SEEDS = find_seeds(ROOT / "models" / "kazakhstan_russia.toml") or Path("/work/shared/seeds")


def rows() -> list[dict[str, str]]:
    with DATA.open(newline="") as f:
        return list(csv.DictReader(f))


def test_outcomes_and_sources():
    data = rows()
    assert len(data) >= 20
    ids = [r["id"] for r in data]
    assert len(set(ids)) == len(ids)
    for r in data:
        assert r["outcome"] in PERIOD_OUTCOMES, r["id"]
        for field in ("date_source", "outcome_source", "values_source"):
            assert r[field].strip(), (r["id"], field)
        assert int(r["start"]) <= int(r["end"])
        assert r["period"] in ids
        if r["outside_options"]:
            assert r["outside_options_source"].strip()
    units = {r["unit"] for r in data}
    assert units == {"period", "episode"}
    # the episodes the issue names: seed 000 lines 73-94 and seed 001
    episodes = [r for r in data if r["unit"] == "episode"]
    cited = " ".join(r["outcome_source"] for r in episodes)
    assert re.search(r"000:(7[3-9]|8\d|9[0-4])", cited) and "001:" in cited


SEED_CITE = re.compile(r"\b(00\d)(?:_[0-9a-f]+\.txt)?:(\d+)(?:-(\d+))?")


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed texts are not on this machine")
def test_seed_citations_point_at_existing_lines():
    lengths = {}
    for path in SEEDS.glob("00*_*.txt"):
        lengths[path.name[:3]] = sum(1 for _ in path.open(encoding="utf-8"))
    checked = 0
    for r in rows():
        for field in ("date_source", "outcome_source", "outside_options_source",
                      "values_source"):
            for seed, first, last in SEED_CITE.findall(r[field]):
                last = last or first
                assert seed in lengths, (r["id"], field, seed)
                assert 1 <= int(first) <= int(last) <= lengths[seed], (r["id"], field)
                checked += 1
    assert checked > 50


def test_file_is_what_the_script_builds(tmp_path, monkeypatch):
    module = runpy.run_path(str(ROOT / "scripts" / "build_episodes.py"))
    monkeypatch.setitem(module["main"].__globals__, "ROOT", tmp_path)
    (tmp_path / "models").symlink_to(ROOT / "models")
    module["main"]()
    assert (tmp_path / "data" / "episodes.csv").read_text() == DATA.read_text(), (
        "data/episodes.csv is stale: run `PYTHONPATH=. python scripts/build_episodes.py`")


def test_example_runs(tmp_path):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])}
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "estimate_period_game.py"), "--out", str(out)],
        capture_output=True, text=True, cwd=tmp_path, timeout=300, env=env)
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout
    assert "N = 14 periods" in text
    assert "profile interval" in text and "Vuong" in text and "Clarke" in text
    for r in rows():
        assert re.search(rf"^{re.escape(r['id'])}\s+{r['unit']}\s+{re.escape(r['outcome'])}\s",
                         text, re.M), r["id"]
    png = out / "estimation_predicted_vs_observed.png"
    assert png.is_file() and png.stat().st_size > 10_000
    # bad input: a missing data file is an error with a message, not a traceback
    bad = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "estimate_period_game.py"), "--data",
         str(tmp_path / "none.csv"), "--out", str(out)],
        capture_output=True, text=True, cwd=tmp_path, timeout=300, env=env)
    assert bad.returncode == 2 and "cannot read" in bad.stderr
