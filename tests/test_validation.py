"""The validation table: counts computed from the file, circular values counted apart,
leave-one-period-out predictions from the other periods only."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_codebook import coded

from kzgame import Strategy
from kzgame.io.cases import load_case, loads_case
from kzgame.io.validation import leave_one_out, validate

ROOT = Path(__file__).resolve().parent.parent
KZ_RU = ROOT / "models" / "kazakhstan_russia.toml"


def test_toy_validation_counts():
    v = validate(loads_case(coded()), draws=500)
    assert [r.label for r in v.rows] == ["early", "late"]
    assert v.counts["verdicts"] == 2
    assert v.counts["agree"] == sum(r.model == r.verdict for r in v.rows)
    assert v.counts["out_of_sample"] == 2
    for r in v.rows:
        assert 0.0 <= r.robustness <= 1.0


def test_changing_a_verdict_changes_the_count():
    base = validate(loads_case(coded()), draws=0)
    assert base.rows[1].model == Strategy.HOLD_UP
    changed = validate(loads_case(coded().replace('verdict = "hold-up"', 'verdict = "accept"')),
                       draws=0)
    assert changed.counts["agree"] == base.counts["agree"] - 1
    assert changed.counts["agree_out_of_sample"] == base.counts["agree_out_of_sample"] - 1


def test_flagging_a_value_as_informed_moves_the_period_out_of_the_clean_count():
    text = coded()
    i = text.index("[[periods]]", text.index('label = "late"') - 40)
    late = text[i:].replace("informed_by_verdict = false", "informed_by_verdict = true", 1)
    v = validate(loads_case(text[:i] + late), draws=0)
    assert v.counts["out_of_sample"] == 1 and v.counts["informed"] == 1
    assert v.rows[1].informed == ("indispensability",)
    assert "not counted as evidence" in v.summary()


def test_leave_one_out_uses_only_the_other_periods():
    # With the late verdict changed to accept, the early period's prediction must not move:
    # but the late period's refit now sees only 'early', and the fitted values are reported.
    text = coded()
    loo = leave_one_out(loads_case(text))
    assert set(loo) == {"early", "late"}
    for strategy, fitted in loo.values():
        assert isinstance(strategy, Strategy)
        assert set(fitted) == {"power", "holdup_cost"}
        assert 0.4 <= fitted["power"] <= 0.6 and 0.0 <= fitted["holdup_cost"] <= 0.05


@pytest.mark.skipif(not KZ_RU.exists(), reason="no model file")
def test_kazakhstan_russia_validation_counts_follow_the_file(tmp_path):
    case = load_case(KZ_RU)
    v = validate(case, draws=0)
    assert v.counts["verdicts"] == sum(p.verdict is not None for p in case.periods)
    assert v.counts["agree"] == sum(
        p.solve().strategy == p.verdict for p in case.periods if p.verdict is not None)
    # Flip one agreeing verdict in a copy of the file: the count drops by one.
    row = next(r for r in v.rows if r.agrees)
    other = next(s for s in Strategy if s not in (row.verdict, row.model))
    text = KZ_RU.read_text(encoding="utf-8")
    anchor = f'label = "{row.label}"'
    head, tail = text.split(anchor, 1)
    tail = tail.replace(f'verdict = "{row.verdict.value}"', f'verdict = "{other.value}"', 1)
    copy = tmp_path / "copy.toml"
    copy.write_text(head + anchor + tail, encoding="utf-8")
    (tmp_path / "codebooks").symlink_to(KZ_RU.parent / "codebooks") if (
        KZ_RU.parent / "codebooks").is_dir() else None
    seeds = ROOT.parent / "shared" / "seeds"
    changed = validate(load_case(copy, seeds=seeds if seeds.is_dir() else False), draws=0)
    assert changed.counts["agree"] == v.counts["agree"] - 1
