"""The report's commitment section and the model file's [periods.commitment] specs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import kzgame
from kzgame.analysis.commitment import commitment_verdicts
from kzgame.io.cases import ModelFileError
from kzgame.io.report_commitment import commitment_section

MODELS = Path(__file__).resolve().parents[1] / "models"

SPEC = """
[periods.commitment.breakdown_risk]
value = {value}
range = [{low}, {high}]
source = ["assumption"]
indicator = "how likely a refused demand was to end in Kazakhstan's exit"
reasoning = "a test value"
"""


def with_pi(tmp_path: Path, value: float, low: float, high: float, extra: str = "") -> Path:
    shutil.copytree(MODELS, tmp_path / "models")
    path = tmp_path / "models" / "kazakhstan_russia.toml"
    text = path.read_text(encoding="utf-8")
    at = text.index('label = "2014–2019"')
    end = text.index("\n[[periods]]", at)
    text = text[:end] + SPEC.format(value=value, low=low, high=high) + extra + text[end:]
    path.write_text(text, encoding="utf-8")
    return path


def test_the_section_without_pi_gives_the_brinkmanship_verdict_as_a_function_of_pi():
    case = kzgame.load_case(MODELS / "kazakhstan_russia.toml")
    text = "\n".join(commitment_section(case))
    for p in case.periods:
        v = commitment_verdicts(p.values)
        row = next(line for line in text.splitlines() if line.startswith(f"| {p.label} |"))
        assert f"**{v.verdicts['full']}**" in row and v.describe_brinkmanship() in row
    assert "gives no $\\pi$ for any period" in text and "$\\xi_R = 0$" in text
    assert "| 2014–2019 | **hold-up** |" in text and "| accept | hold-up if pi > 0.887" in text


def test_a_model_file_gives_pi_with_provenance(tmp_path):
    case = kzgame.load_case(with_pi(tmp_path, 0.95, 0.8, 1.0))
    p = case.period("2014–2019")
    spec = p.commitment["breakdown_risk"]
    assert (spec.value, spec.low, spec.high) == (0.95, 0.8, 1.0)
    assert "breakdown_risk" not in p.specs and not case.period("2012–2013").commitment
    text = "\n".join(commitment_section(case))
    row = next(line for line in text.splitlines() if line.startswith("| 2014–2019 |"))
    assert "hold-up (pi = 0.95); over [0.8, 1]: accept to hold-up" in row
    assert "gives no $\\pi$" not in text


def test_pi_outside_the_unit_interval_in_a_model_file_is_refused(tmp_path):
    with pytest.raises(ModelFileError, match=r"breakdown_risk's allowed range \[0, 1\]"):
        kzgame.load_case(with_pi(tmp_path, 1.2, 0.8, 1.3))


def test_unknown_commitment_key_is_refused(tmp_path):
    extra = "[periods.commitment.credibility]\nvalue = 1\n"
    with pytest.raises(ModelFileError, match="unknown key; allowed keys: breakdown_risk"):
        kzgame.load_case(with_pi(tmp_path, 0.9, 0.8, 1.0, extra))


def test_the_section_reports_monte_carlo_survival():
    from kzgame.analysis.uncertainty import case_monte_carlo

    case = kzgame.load_case(MODELS / "kazakhstan_russia.toml")
    mc = case_monte_carlo(case, 2000, seed=1, keep=True, sensitivity=False)
    text = "\n".join(commitment_section(case, mc=mc))
    row = next(line for line in text.splitlines() if line.startswith("| 2014–2019 |"))
    share = float(row.rstrip(" |").rsplit("|", 1)[1].strip().rstrip("%")) / 100
    m = mc["2014–2019"]
    from kzgame.analysis.commitment import compare_commitments

    expect = compare_commitments(**m.samples).survives("none")
    assert share == pytest.approx(expect, abs=0.0006)
    assert 0 <= share < 0.2  # most hold-up draws have Delta_R > 0: the threat is empty


def test_the_model_files_commitment_keys_are_the_games_parameters():
    from kzgame.games.commitment_game import COMMITMENT_PARAMETERS
    from kzgame.io.cases import COMMITMENT_KEYS

    assert COMMITMENT_KEYS == tuple(COMMITMENT_PARAMETERS)
