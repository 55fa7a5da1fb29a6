"""Members model files: the EAEU case, bad files, and the CLI on them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kzgame.io.cases import ModelFileError, parse_toml
from kzgame.io.cli import main
from kzgame.io.members_file import is_members_file, load_members_case, loads_members_case
from kzgame.members.vectorized import solve_members

ROOT = Path(__file__).resolve().parents[1]
EAEU = ROOT / "models" / "eaeu_members.toml"


def test_eaeu_case_loads_with_provenance_and_reproduces_its_verdicts():
    case = load_members_case(EAEU)
    assert case.established == "Russia"
    assert set(case.members) == {"Belarus", "Kazakhstan", "Armenia", "Kyrgyzstan"}
    before, after = case.periods
    assert before.end < 2014 <= after.start
    assert set(after.members) == set(case.members)
    for p in case.periods:
        sol = p.solve()
        for m, (verdict, sources) in p.verdicts.items():
            assert sources
            assert sol.strategies()[m] == verdict
        for ps in p.params.values():
            for v in ps.values():
                assert v.sources and v.reasoning
    # the counter-move is the closed form's, recomputed here from the values
    res = after.counter_move()
    assert res.move() in ("nothing", "dilute", "deepen", "offer")


def test_is_members_file():
    assert is_members_file(EAEU)
    assert not is_members_file(ROOT / "models" / "kazakhstan_russia.toml")
    assert not is_members_file(ROOT / "no-such-file.toml")


def _data():
    return parse_toml(EAEU.read_text(encoding="utf-8"))


def test_bad_files_name_the_member_and_parameter():
    d = _data()
    d["members"].append(dict(d["members"][0]))
    with pytest.raises(ModelFileError, match="duplicate member name 'Belarus'"):
        loads_members_case(d)
    d = _data()
    d["members"] = []
    with pytest.raises(ModelFileError, match="n = 0"):
        loads_members_case(d)
    d = _data()
    d["periods"][1]["members"] = []
    with pytest.raises(ModelFileError, match="n = 0"):
        loads_members_case(d)
    d = _data()
    del d["members"][2]["params"]["invest_cost"]
    with pytest.raises(ModelFileError, match=re.escape(
            "period '2015–2019': key 'params.Armenia.invest_cost': member 'Armenia': missing "
            "parameter 'invest_cost'")):
        loads_members_case(d)
    d = _data()
    d["periods"][0]["contagion"]["value"] = 1.5
    with pytest.raises(ModelFileError, match="'contagion': value 1.5 is outside the allowed "
                                             r"range \[0, 1\]"):
        loads_members_case(d)
    d = _data()
    d["periods"][1]["counter_moves"]["dilution_cost"]["value"] = -0.2
    with pytest.raises(ModelFileError, match="counter_moves.dilution_cost': value -0.2"):
        loads_members_case(d)
    d = _data()
    d["periods"][1]["params"]["Kazakhstan"]["outside_r"]["source"] = ["nowhere"]
    with pytest.raises(ModelFileError, match="not a citation"):
        loads_members_case(d)
    d = _data()
    del d["periods"][1]["params"]["Kazakhstan"]["outside_r"]["reasoning"]
    with pytest.raises(ModelFileError, match="missing 'reasoning'"):
        loads_members_case(d)


def test_seed_lines_are_checked(tmp_path):
    text = EAEU.read_text(encoding="utf-8").replace("000_9a37ca83d57f535e.txt:104",
                                                    "000_9a37ca83d57f535e.txt:99999")
    bad = tmp_path / "x.toml"
    bad.write_text(text, encoding="utf-8")
    seeds = Path("/work/shared/seeds")
    if not seeds.is_dir():
        seeds = tmp_path / "seeds"
        seeds.mkdir()
        (seeds / "000_9a37ca83d57f535e.txt").write_text("a\n" * 300)
    with pytest.raises(ModelFileError, match="lines"):
        load_members_case(bad, seeds=seeds)


def test_zero_contagion_in_the_case_equals_the_bilateral_games():
    import kzgame

    for p in load_members_case(EAEU).periods:
        sol = solve_members(p.values(), 0.0)
        for j, m in enumerate(p.members):
            assert sol.codes[j] == kzgame.classify(**p.values()[m])


def test_cli_solve_and_report(tmp_path, capsys):
    assert main(["solve", str(EAEU)]) == 0
    out = capsys.readouterr().out
    assert "best counter-move" in out and "Kazakhstan" in out and "2010–2013" in out
    assert main(["solve", str(EAEU), "--period", "2015–2019"]) == 0
    assert "2010–2013" not in capsys.readouterr().out
    assert main(["report", str(EAEU), "--out", str(tmp_path / "r")]) == 0
    assert (tmp_path / "r" / "report.md").read_text().count("Kazakhstan") > 3
    assert (tmp_path / "r" / "members.png").stat().st_size > 10_000
    assert main(["check", str(EAEU)]) == 0
    assert "ok (members file; 4 members, 2 periods; 2 of 2" in capsys.readouterr().out
    assert main(["solve", str(EAEU), "--protocol", "ultimatum"]) == 1
    assert "nash protocol" in capsys.readouterr().err
    bad = tmp_path / "bad.toml"
    bad.write_text(EAEU.read_text(encoding="utf-8").replace('name = "Armenia"',
                                                            'name = "Belarus"'),
                   encoding="utf-8")
    assert main(["solve", str(bad)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("kzgame: error:") and "duplicate member name 'Belarus'" in err
    assert err.count("\n") == 1


def test_example_script_prints_and_draws(tmp_path, capsys):
    import runpy

    mod = runpy.run_path(str(ROOT / "examples" / "eaeu_members.py"))
    assert mod["main"](["--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert out.count("best counter-move:") == 2
    assert "with contagion" in out
    assert (tmp_path / "eaeu_members.png").stat().st_size > 10_000
