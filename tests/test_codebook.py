"""The codebook: codings and indicator rules give the values; overrides need reasons;
``extends`` shares tables; every bad input names the file, the period and the key."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from kzgame.io.cases import ModelFileError, load_case, loads_case

HEAD = """\
schema = 1
[case]
name = "Toy"
rising = "R"
established = "E"
description = "A toy case."
sources = []
"""

DEFAULTS = """
[defaults.surplus]
value = 1
range = [1, 1]
source = ["normalization"]
indicator = "V = 1"
reasoning = "units"
informed_by_verdict = false
[defaults.share]
value = 0.5
range = [0.4, 0.6]
source = ["assumption"]
indicator = "even split"
reasoning = "neutral anchor"
informed_by_verdict = false
[defaults.outside_e]
value = 0.0
range = [-0.1, 0.1]
source = ["assumption"]
indicator = "E needs the regime"
reasoning = "E's stake is half of V"
informed_by_verdict = false
[defaults.survival]
value = 0.5
range = [0.4, 0.6]
source = ["assumption"]
indicator = "coin flip"
reasoning = "no information"
informed_by_verdict = false
[defaults.invest_cost]
value = 0.05
range = [0.0, 0.1]
source = ["assumption"]
indicator = "small"
reasoning = "small"
informed_by_verdict = false
[defaults.power]
value = 0.5
range = [0.4, 0.6]
source = ["assumption"]
indicator = "symmetric"
reasoning = "symmetric"
informed_by_verdict = false
[defaults.holdup_cost]
value = 0.0
range = [0.0, 0.05]
source = ["assumption"]
indicator = "none"
reasoning = "none"
informed_by_verdict = false
"""

CODEBOOK = """
[codebook]
description = "Toy codebook."
[codebook.verdict_rule]
invest = "R makes concessions to build the regime."
hold-up = "R demands concessions under a threat to leave."
accept = "R participates passively."
source = ["assumption"]
[codebook.codings.view]
description = "How E perceives R."
[codebook.codings.view.levels.indispensable]
description = "E's project fails without R."
indispensability = {value = 0.8, range = [0.6, 0.95]}
[codebook.codings.view.levels.dispensable]
description = "E's project survives without R."
indispensability = {value = 0.2, range = [0.05, 0.4]}
[codebook.indicators.trade_share]
description = "The regime's share of R's trade."
domain = [0, 1]
[codebook.rules.outside_r]
formula = "0.6 - trade_share"
pad = 0.05
description = "R's outside option falls one for one with the regime's share of its trade."
"""

PERIODS = """
[[periods]]
label = "early"
start = 2000
end = 2004
verdict = "invest"
verdict_source = ["assumption"]
[periods.codings.view]
level = "indispensable"
source = ["assumption"]
evidence = "E calls R its key partner."
informed_by_verdict = false
[periods.indicators.trade_share]
value = 0.5
range = [0.45, 0.55]
source = ["assumption"]
evidence = "half of R's trade"
informed_by_verdict = false

[[periods]]
label = "late"
start = 2005
end = 2009
verdict = "hold-up"
verdict_source = ["assumption"]
[periods.codings.view]
level = "indispensable"
source = ["assumption"]
evidence = "E calls R its key partner."
informed_by_verdict = false
[periods.indicators.trade_share]
value = 0.2
range = [0.15, 0.25]
source = ["assumption"]
evidence = "a fifth of R's trade"
informed_by_verdict = false
"""

TYPED = """
[[periods]]
label = "early"
start = 2000
end = 2004
verdict = "invest"
verdict_source = ["assumption"]
[periods.params.indispensability]
value = 0.8
range = [0.6, 0.95]
source = ["assumption"]
indicator = "indispensable"
reasoning = "E calls R its key partner."
informed_by_verdict = false
[periods.params.outside_r]
value = "0.6 - 0.5"
range = ["0.6 - 0.55 - 0.05", "0.6 - 0.45 + 0.05"]
source = ["assumption"]
indicator = "half of R's trade"
reasoning = "0.6 - trade share"
informed_by_verdict = false

[[periods]]
label = "late"
start = 2005
end = 2009
verdict = "hold-up"
verdict_source = ["assumption"]
[periods.params.indispensability]
value = 0.8
range = [0.6, 0.95]
source = ["assumption"]
indicator = "indispensable"
reasoning = "E calls R its key partner."
informed_by_verdict = false
[periods.params.outside_r]
value = "0.6 - 0.2"
range = ["0.6 - 0.25 - 0.05", "0.6 - 0.15 + 0.05"]
source = ["assumption"]
indicator = "a fifth of R's trade"
reasoning = "0.6 - trade share"
informed_by_verdict = false
"""


def coded() -> str:
    return HEAD + DEFAULTS + CODEBOOK + PERIODS


def err(text: str, **kw) -> ModelFileError:
    with pytest.raises(ModelFileError) as e:
        loads_case(text, name="toy.toml", **kw)
    return e.value


def test_codebook_gives_the_values_and_their_provenance():
    case = loads_case(coded())
    early, late = case.periods
    assert early.specs["indispensability"].value == 0.8
    assert early.specs["indispensability"].origin == "coding view = indispensable"
    assert early.specs["outside_r"].value == pytest.approx(0.1)
    assert early.specs["outside_r"].range == pytest.approx((0.0, 0.2))
    assert late.specs["outside_r"].value == pytest.approx(0.4)
    assert late.specs["outside_r"].origin == "rule outside_r"
    assert early.codings[0].level == "indispensable"
    assert late.indicators[0].value == 0.2
    assert case.codebook.verdict_rule.rules["hold-up"].startswith("R demands")
    assert all(p.out_of_sample for p in case.periods)


def test_same_case_with_and_without_codebook_gives_identical_periods():
    with_book = loads_case(coded())
    typed = loads_case(HEAD + DEFAULTS + TYPED)
    assert with_book.labels == typed.labels
    for a, b in zip(with_book.periods, typed.periods, strict=True):
        assert a.period == b.period
        for k in a.specs:
            assert a.specs[k].value == pytest.approx(b.specs[k].value), (a.label, k)
            assert a.specs[k].range == pytest.approx(b.specs[k].range), (a.label, k)
        assert set(a.specs) == set(b.specs)
        assert a.solve().strategy == b.solve().strategy
        assert a.solve().gains == pytest.approx(b.solve().gains)


def test_rule_moves_the_value_with_the_indicator():
    # The rule is live: a different trade share gives a different outside option.
    text = coded().replace("value = 0.2\nrange = [0.15, 0.25]", "value = 0.3\nrange = [0.3, 0.3]")
    assert loads_case(text).period("late").specs["outside_r"].value == pytest.approx(0.3)


def test_override_needs_a_reason_and_the_reason_is_kept():
    extra = """
[periods.params.indispensability]
value = 0.5
range = [0.3, 0.7]
source = ["assumption"]
indicator = "x"
reasoning = "y"
informed_by_verdict = false
"""
    e = err(coded() + extra)
    assert (e.file, e.period, e.key) == ("toy.toml", "late", "params.indispensability.override")
    ok = loads_case(coded() + extra + 'override = "E courted a second partner that year"\n')
    late = ok.period("late")
    assert late.specs["indispensability"].value == 0.5
    assert late.overrides == {"indispensability": "E courted a second partner that year"}


@pytest.mark.parametrize(
    ("old", "new", "period", "key", "message"),
    [
        ('[periods.codings.view]\nlevel = "indispensable"',
         '[periods.codings.stance]\nlevel = "indispensable"', "early", "codings.stance",
         "no rule for coding 'stance'"),
        ('formula = "0.6 - trade_share"', 'formula = "0.6 - trade_shar"', None,
         "codebook.rules.outside_r.formula", "unknown indicator 'trade_shar'"),
        ("[codebook.rules.outside_r]", "[codebook.rules.outside_x]", None,
         "codebook.rules.outside_x", "unknown key"),
        ("indispensability = {value = 0.2,", "indispensabilty = {value = 0.2,", None,
         "codebook.codings.view.levels.dispensable.indispensabilty", "unknown parameter"),
        ('[codebook.rules.outside_r]\nformula = "0.6 - trade_share"',
         '[codebook.rules.survival]\nformula = "3 * trade_share"', "early",
         "codebook.rules.survival", "yields survival = 1.5, outside its allowed range"),
        ('[periods.indicators.trade_share]\nvalue = 0.5', '[periods.indicators.trade_shar]\n'
         'value = 0.5', "early", "indicators.trade_shar", "unknown indicator"),
        ('evidence = "E calls R its key partner."\ninformed_by_verdict = false\n'
         '[periods.indicators.trade_share]\nvalue = 0.5',
         'evidence = "E calls R its key partner."\n'
         '[periods.indicators.trade_share]\nvalue = 0.5', "early",
         "codings.view.informed_by_verdict", "say true or false"),
        ('level = "indispensable"\nsource', 'level = "vital"\nsource', "early",
         "codings.view.level", "not a level"),
    ],
)
def test_bad_codebook_input_names_file_period_and_key(old, new, period, key, message):
    text = coded()
    assert old in text
    e = err(text.replace(old, new, 1))
    assert e.file == "toy.toml"
    assert e.period == period
    assert e.key == key
    assert message in str(e)


def test_formula_is_never_evaluated_as_python():
    text = coded().replace('formula = "0.6 - trade_share"',
                           'formula = "__import__(\'os\').getcwd()"')
    e = err(text)
    assert e.key == "codebook.rules.outside_r.formula"
    assert "Call is not allowed" in str(e)


def test_extends_shares_codebook_and_defaults(tmp_path: Path):
    (tmp_path / "codebooks").mkdir()
    (tmp_path / "codebooks" / "toy.toml").write_text(DEFAULTS + CODEBOOK, encoding="utf-8")
    path = tmp_path / "case.toml"
    path.write_text(HEAD.replace("schema = 1\n", 'schema = 1\nextends = "codebooks/toy.toml"\n')
                    + PERIODS, encoding="utf-8")
    shared = load_case(path, seeds=False)
    inline = loads_case(coded())
    for a, b in zip(shared.periods, inline.periods, strict=True):
        assert a.values == b.values and a.ranges == b.ranges


def test_extends_cycle_is_an_error(tmp_path: Path):
    a, b = tmp_path / "a.toml", tmp_path / "b.toml"
    a.write_text('extends = "b.toml"\n' + DEFAULTS, encoding="utf-8")
    b.write_text('extends = "a.toml"\n', encoding="utf-8")
    path = tmp_path / "case.toml"
    path.write_text(HEAD.replace("schema = 1\n", 'schema = 1\nextends = "a.toml"\n')
                    + CODEBOOK + PERIODS, encoding="utf-8")
    with pytest.raises(ModelFileError) as e:
        load_case(path, seeds=False)
    assert e.value.file == str(path) and e.value.key == "extends"
    assert re.search(r"extends cycle: .*a\.toml -> .*b\.toml -> .*a\.toml", str(e.value))


def test_a_parameter_from_two_codebook_entries_is_an_error():
    text = coded().replace("[codebook.rules.outside_r]", "[codebook.rules.indispensability]")
    e = err(text)
    assert e.key == "codebook.rules.indispensability"
    assert "already given by coding view" in str(e)


def test_collect_keeps_every_period_error():
    text = coded().replace('level = "indispensable"', 'level = "vital"')
    case = loads_case(text, collect=True)
    assert case.labels == ()
    assert [p.period for p in case.problems] == ["early", "late"]
    assert all(p.key == "codings.view.level" for p in case.problems)


def test_template_is_valid_and_commented():
    from kzgame.io.cases import template

    text = template()
    assert text.count("#") > 20
    case = loads_case(text)
    assert case.codebook.codings and case.codebook.rules
    assert case.periods[0].codings
    assert textwrap.dedent(text) == text
