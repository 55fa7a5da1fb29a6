"""The Kazakhstan example (the README's main job), run as a user runs it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import kzgame
from kzgame.io.cases import load_case

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "examples" / "kazakhstan_eaeu.py"
MODEL = ROOT / "models" / "kazakhstan_russia.toml"


def run_example(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    # Run this checkout's kzgame, not whichever one is installed.
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])}
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True,
                          cwd=cwd, timeout=300, env=env)


def parse_table(stdout: str) -> dict[str, dict[str, str]]:
    """The printed table as {period: {column: cell}} (columns are 2+ spaces apart)."""
    lines = stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("period "))
    header = re.split(r"\s{2,}", lines[start].strip())
    rows = {}
    for line in lines[start + 2:]:
        if not line.strip():
            break
        cells = re.split(r"\s{2,}", line.strip())
        assert len(cells) == len(header), line
        rows[cells[0]] = dict(zip(header, cells, strict=True))
    return rows


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    out = tmp_path_factory.mktemp("example") / "figures"
    proc = run_example("--out", str(out), "--draws", "5000", cwd=out.parent)
    return proc, out


def test_example_prints_the_sources_periods_and_verdicts(example):
    proc, _ = example
    assert proc.returncode == 0, proc.stderr
    rows = parse_table(proc.stdout)
    for label in ("1991–1995", "1996–1997", "1998–2000", "2007–2008", "2009–2011",
                  "2012–2013", "2014–2019", "2020–2021"):
        assert label in rows
    # Yuneman's two verdicts are reproduced ...
    assert rows["2009–2011"]["source's verdict"] == "invest (agrees)"
    assert rows["2014–2019"]["source's verdict"] == "hold-up (agrees)"
    # ... and the misses are printed as misses (findings in the file, never tuned away).
    assert rows["2012–2013"]["strategy"] == "accept"
    assert rows["2012–2013"]["source's verdict"] == "hold-up (disagrees)"
    assert rows["2020–2021"]["source's verdict"] == "accept (disagrees)"
    case = load_case(MODEL, seeds=False)
    for c in case.verdicts():
        cell = rows[c.label]["source's verdict"]
        assert cell == f"{c.verdict.value} ({'agrees' if c.agrees else 'disagrees'})"
        assert c.agrees or c.finding.strip()


def test_example_prints_the_validation_counts(example):
    proc, _ = example
    from kzgame.io.validation import validate

    v = validate(load_case(MODEL, seeds=False), draws=0)
    c = v.counts
    line = next(x for x in proc.stdout.splitlines() if x.startswith("Out of sample"))
    assert (f"reproduces {c['agree_out_of_sample']} of {c['out_of_sample']} source verdicts"
            in line)
    assert f"predicts {c['loo_agree']} of {c['loo']}" in line


def test_example_numbers_come_from_the_model_file(example):
    proc, _ = example
    rows = parse_table(proc.stdout)
    case = load_case(MODEL, seeds=False)
    assert list(rows) == list(case.labels)
    for p in case.periods:
        r = p.solve()
        row = rows[p.label]
        # Printed with 3 decimals (iota with 2): within half a unit of the last digit.
        assert float(row["Delta_R"]) == pytest.approx(r.stake_r, abs=6e-4)
        assert float(row["Delta_E"]) == pytest.approx(r.stake_e, abs=6e-4)
        assert float(row["iota"]) == pytest.approx(p.period.indispensability, abs=6e-3)
        assert float(row["G_I"]) == pytest.approx(r.gain_invest, abs=6e-4)
        assert float(row["G_H"]) == pytest.approx(r.gain_holdup_realized, abs=6e-4)
        assert row["strategy"] == r.strategy.value


def test_example_prints_iota_star_and_its_margin(example):
    """iota* is where hold-up starts to pay: checked by classifying just either side of it
    (where it lies in [0, 1]); the margin is iota - iota*."""
    proc, _ = example
    rows = parse_table(proc.stdout)
    case = load_case(MODEL, seeds=False)
    for p in case.periods:
        row = rows[p.label]
        star = float(row["iota*"])
        assert float(row["margin"]) == pytest.approx(p.period.indispensability - star, abs=2e-3)
        if 0.01 < star < 0.99:
            values = p.period.as_dict()
            above = kzgame.classify(**{**values, "indispensability": star + 2e-3})
            below = kzgame.classify(**{**values, "indispensability": star - 2e-3})
            assert above == kzgame.Strategy.HOLD_UP.code != below
    # the hold-up periods lie above their iota*, the invest periods have none in [0, 1]
    assert float(rows["2014–2019"]["margin"]) > 0
    assert float(rows["2009–2011"]["iota*"]) > 1


def test_example_writes_the_phase_diagram(example):
    proc, out = example
    figure = out / "phase_diagram.png"
    assert f"wrote {figure}" in proc.stdout
    data = figure.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width = int.from_bytes(data[16:20], "big")
    height = int.from_bytes(data[20:24], "big")
    assert width >= 1200 and height >= 900
    assert len(data) > 100_000


def test_example_default_output_folder(tmp_path):
    proc = run_example("--draws", "500", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "kzgame-out" / "phase_diagram.png").is_file()


def test_example_error_is_one_line(tmp_path):
    proc = run_example("--model", str(tmp_path / "nope.toml"), "--out", str(tmp_path), cwd=tmp_path)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines() == [
        f"kazakhstan_eaeu.py: error: {tmp_path / 'nope.toml'}: cannot read: "
        "No such file or directory"]


def test_example_prints_the_verdict_under_each_commitment_assumption(example):
    from kzgame.analysis.commitment import commitment_verdicts

    proc, _ = example
    assert proc.returncode == 0, proc.stderr
    for p in load_case(MODEL).periods:
        v = commitment_verdicts(p.values)
        line = (f"  {p.label}: full {v.verdicts['full']}, none {v.verdicts['none']}, "
                f"brinkmanship {v.describe_brinkmanship()}")
        assert line in proc.stdout.splitlines()
