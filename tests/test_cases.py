"""Model files: the calibrated cases load, reproduce their sources or record findings,
and every schema violation or hostile content fails with ModelFileError, running nothing."""

from __future__ import annotations

import builtins
import re
import warnings
from pathlib import Path

import pytest

import kzgame
from kzgame.io.cases import (
    REQUIRED_PARAMETERS,
    Case,
    Citation,
    ModelFileError,
    find_seeds,
    load_case,
    loads_case,
    parse_number,
)
from kzgame.io.members_file import is_members_file
from kzgame.params import DOMAINS, KzgameError, NoSurplusWarning
from kzgame.strategy import Strategy

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
TOY = DATA / "toy_case.toml"
TOY_SEEDS = DATA / "seeds"
MODEL_FILES = sorted(p for p in (ROOT / "models").glob("*.toml")
                     if not is_members_file(p))  # members files: tests/test_members_file.py
SHARED_SEEDS = ROOT.parent / "shared" / "seeds"


def toy_text() -> str:
    return TOY.read_text(encoding="utf-8")


def load_text(text: str, tmp_path: Path, name: str = "case.toml", seeds=TOY_SEEDS) -> Case:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load_case(path, seeds=seeds)


# ---------------------------------------------------------------------------
# The model files in models/
# ---------------------------------------------------------------------------


def test_there_are_model_files():
    names = {p.name for p in MODEL_FILES}
    assert "kazakhstan_russia.toml" in names


@pytest.mark.parametrize("path", MODEL_FILES, ids=lambda p: p.name)
def test_model_file_loads_and_reproduces_its_sources(path):
    # Cited files and lines are checked against ../shared/seeds when it exists.
    seeds = SHARED_SEEDS if SHARED_SEEDS.is_dir() else False
    case = load_case(path, seeds=seeds)
    assert case.periods
    for p in case.periods:
        assert set(REQUIRED_PARAMETERS) <= set(p.specs)
        for s in p.specs.values():
            assert s.low <= s.value <= s.high
            assert s.source and s.indicator.strip() and s.reasoning.strip()
        result = p.solve()
        assert isinstance(result.strategy, Strategy)
        if p.verdict is not None:
            assert p.verdict_source
            # Either the model reproduces the source's verdict, or the file says why not.
            assert result.strategy == p.verdict or p.finding.strip(), (
                f"{path.name}: {p.label}: model {result.strategy.value}, "
                f"source {p.verdict.value}, no finding"
            )
    checks = case.verify()
    assert len(checks) == sum(p.verdict is not None for p in case.periods)


@pytest.mark.parametrize("path", MODEL_FILES, ids=lambda p: p.name)
def test_model_file_findings_are_in_the_docs(path):
    """A disagreement with the source is reported in the file and in the calibration docs."""
    case = load_case(path, seeds=False)
    docs = ROOT / "docs" / "theory" / "calibration.md"
    for c in case.verdicts():
        if not c.agrees:
            assert c.finding.strip()
            assert docs.is_file(), "a finding must also be described in docs/theory/calibration.md"
            text = docs.read_text(encoding="utf-8")
            assert c.label in text and case.name in text


def test_kazakhstan_russia_periods():
    case = load_case(ROOT / "models" / "kazakhstan_russia.toml", seeds=False)
    # The sources' own periods (issue 16), each with a verdict coded by the codebook's rule.
    for label in ("1991–1995", "1996–1997", "1998–2000", "2007–2008", "2009–2011",
                  "2012–2013", "2014–2019", "2020–2021"):
        assert case.period(label).verdict is not None
    assert case.period("2009–2011").verdict is Strategy.INVEST
    assert case.period("2014–2019").verdict is Strategy.HOLD_UP
    assert case.period("2012–2013").verdict is Strategy.HOLD_UP
    assert case.codebook.verdict_rule is not None
    assert set(case.codebook.verdict_rule.rules) == {"invest", "hold-up", "accept"}
    with pytest.raises(KzgameError, match="no period '1066'; periods: .*2009–2011"):
        case.period("1066")


#: The model files written with a codebook (walked below; Kazakhstan-EU types its values).
CODEBOOK_FILES = [p for p in MODEL_FILES if not load_case(p, seeds=False).codebook.empty]


def test_the_rebuilt_files_have_a_codebook():
    assert {p.name for p in CODEBOOK_FILES} >= {"kazakhstan_russia.toml", "uzbekistan_eaeu.toml"}


@pytest.mark.parametrize("path", CODEBOOK_FILES, ids=lambda p: p.name)
def test_values_follow_from_the_codebook(path):
    """Walk the files: with a codebook, every value a period does not take from [defaults]
    follows from a coding or a rule, except overrides, which carry a reason; every value
    says whether the verdict informed it."""
    case = load_case(path, seeds=False)
    for p in case.periods:
        coded = {c.coding: c.level for c in p.codings}
        for name, spec in p.specs.items():
            assert spec.informed is not None, (p.label, name)
            if spec.override:
                assert spec.override.strip() and spec.origin == "params", (p.label, name)
                continue
            assert spec.origin != "params", f"{p.label}: {name} typed without override"
            if spec.origin.startswith("coding "):
                coding, level = spec.origin[len("coding "):].split(" = ")
                assert coded[coding] == level
                v, lo, hi = case.codebook.codings[coding].levels[level].values[name]
                assert (spec.value, spec.low, spec.high) == (v, lo, hi)
            elif spec.origin.startswith("rule "):
                rule = case.codebook.rules[name]
                given = {i.name: (i.value, i.low, i.high) for i in p.indicators}
                v, lo, hi = rule.apply(given)
                assert spec.value == v
            else:
                assert spec.origin == "defaults" and spec.inherited


def test_crises_bring_invest_through_outside_options():
    """Seed 002's regularity (crises bring integrationist rhetoric, 002:439-449) as the
    comparative static in o_R: the crisis periods are the ones coded with poor outside
    options, the model gives invest there, and G_I falls as o_R rises, all else fixed."""
    case = load_case(ROOT / "models" / "kazakhstan_russia.toml", seeds=False)
    crisis = {"1991–1995", "1998–2000", "2007–2008", "2009–2011"}
    poor = {p.label for p in case.periods
            if any(c.coding == "outside_options" and c.level == "poor" for c in p.codings)}
    assert poor == crisis
    for p in case.periods:
        if p.label in crisis:
            assert p.solve().strategy is Strategy.INVEST
        levels = case.codebook.codings["outside_options"].levels
        gains = [kzgame.solve(kzgame.Period(**{**p.period.as_dict(),
                                               "outside_r": levels[k].values["outside_r"][0]}))
                 .gain_invest for k in ("poor", "moderate", "good")]
        assert gains[0] > gains[1] > gains[2]


# ---------------------------------------------------------------------------
# The toy fixture
# ---------------------------------------------------------------------------


def test_toy_case_loads_with_ranges_and_provenance():
    case = load_case(TOY, seeds=TOY_SEEDS)
    assert case.name == "Toy–Dyad" and case.path == TOY and case.seeds == TOY_SEEDS
    assert case.labels == ("early", "late")
    early = case.period("early")
    assert early.specs["share"].value == 0.5  # written "1/2"
    assert early.ranges["share"] == (0.4, 0.6)
    assert early.specs["indispensability"].inherited
    assert not early.specs["share"].inherited
    assert early.specs["indispensability"].source == (
        Citation("toy_a.txt:3", "toy_a.txt", 3, 3),
        Citation("toy_a.txt:4-6", "toy_a.txt", 4, 6),
    )
    assert early.period == kzgame.Period(
        share=0.5, outside_r=-0.1, outside_e=0.0, indispensability=0.8, survival=0.4,
        invest_cost=0.1, surplus=1.0, power=0.4, holdup_cost=0.05)
    assert early.solve().strategy is Strategy.INVEST
    assert case.period("late").solve().strategy is Strategy.HOLD_UP
    assert [c.agrees for c in case.verify()] == [True, True]


def test_seeds_are_found_next_to_the_file_and_by_environment(tmp_path, monkeypatch):
    monkeypatch.delenv("KZGAME_SEEDS", raising=False)
    assert find_seeds(TOY) == TOY_SEEDS
    assert load_case(TOY).seeds == TOY_SEEDS
    elsewhere = tmp_path / "x.toml"
    elsewhere.write_text(toy_text(), encoding="utf-8")
    assert find_seeds(elsewhere) is None
    assert load_case(elsewhere).seeds is None  # form checked, files and lines not
    monkeypatch.setenv("KZGAME_SEEDS", str(TOY_SEEDS))
    assert load_case(elsewhere).seeds == TOY_SEEDS
    with pytest.raises(KzgameError, match="does not exist"):
        load_case(elsewhere, seeds=tmp_path / "nope")


def test_discount_factors_are_needed_only_by_rubinstein(tmp_path):
    case = load_case(TOY, seeds=TOY_SEEDS)
    with pytest.raises(ModelFileError, match=r"period 'early': protocol 'rubinstein' needs "
                                             r"discount_r, discount_e"):
        case.check_protocol("rubinstein")
    for name in ("nash", "ultimatum", "outside-option"):
        case.check_protocol(name)
    text = toy_text().replace("[defaults.surplus]",
                              "[defaults.discount_r]\nvalue = 0.9\nrange = [0.8, 0.95]\n"
                              'source = ["assumption"]\nindicator = "i"\nreasoning = "r"\n\n'
                              "[defaults.discount_e]\nvalue = 0.9\nrange = [0.8, 0.95]\n"
                              'source = ["assumption"]\nindicator = "i"\nreasoning = "r"\n\n'
                              "[defaults.surplus]")
    case = load_text(text, tmp_path)
    assert case.period("late").solve("rubinstein").strategy in set(Strategy)


def test_no_surplus_warning_names_file_and_period(tmp_path):
    text = toy_text().replace("value = 0.3\nrange = [0.15, 0.4]",
                              "value = 1.3\nrange = [0.15, 1.4]")
    with pytest.warns(NoSurplusWarning, match=r"case.toml: period 'late': outside_r \+ outside_e"):
        load_text(text, tmp_path)


# ---------------------------------------------------------------------------
# Verdicts and findings
# ---------------------------------------------------------------------------


def test_mismatch_without_finding_fails(tmp_path):
    # The source says hold-up for the early period, where the model gives invest.
    text = toy_text().replace('verdict = "invest"', 'verdict = "hold-up"')
    case = load_text(text, tmp_path)  # loading checks the schema only
    [early, late] = case.verdicts()
    assert not early.agrees and early.model is Strategy.INVEST and late.agrees
    with pytest.raises(ModelFileError) as info:
        case.verify()
    msg = str(info.value)
    assert "case.toml" in msg and "period 'early'" in msg and "key 'verdict'" in msg
    assert "gives invest" in msg and "verdict is hold-up" in msg and "finding" in msg
    # The name given to loads_case is the one the error uses.
    with pytest.raises(ModelFileError, match=r"^mine\.toml: period 'early': key 'verdict'"):
        loads_case(text, name="mine.toml").verify()


def test_mismatch_with_finding_passes(tmp_path):
    text = toy_text().replace(
        'verdict = "invest"',
        'verdict = "hold-up"\nfinding = "The model needs a larger indispensability."')
    checks = load_text(text, tmp_path).verify()
    assert [c.agrees for c in checks] == [False, True]
    assert checks[0].finding.startswith("The model needs")


def test_whitespace_finding_does_not_count(tmp_path):
    text = toy_text().replace('verdict = "invest"', 'verdict = "hold-up"\nfinding = "   "')
    with pytest.raises(ModelFileError, match="record the disagreement"):
        load_text(text, tmp_path).verify()


# ---------------------------------------------------------------------------
# Schema violations: each raises ModelFileError naming file, period and key
# ---------------------------------------------------------------------------

#: (id, old text, new text, period or None, key fragment, message fragment)
VIOLATIONS = [
    ("unknown top-level key", "schema = 1", "schema = 1\ncolour = 1", None, "colour",
     "unknown key"),
    ("unknown case key", 'rising = "Rising"', 'rising = "Rising"\nleader = "x"', None,
     "case.leader", "unknown key"),
    ("unknown period key", 'label = "late"', 'label = "late"\nwinner = "R"', "late", "winner",
     "unknown key"),
    ("unknown parameter", "[periods.params.survival]\nvalue = 0.8",
     "[periods.params.charm]\nvalue = 0.8", "late", "params.charm", "unknown key"),
    ("unknown spec key", 'reasoning = "E is isolated."',
     'reasoning = "E is isolated."\nunits = "V"', "late", "params.outside_e.units",
     "unknown key"),
    ("missing indicator", 'indicator = "Toy indicator of survival."\nreasoning = "The regime is '
     'institutionalized."', 'reasoning = "The regime is institutionalized."', "late",
     "params.survival.indicator", "missing"),
    ("empty reasoning", 'reasoning = "Alternatives have appeared."', 'reasoning = " "', "late",
     "params.outside_r.reasoning", "must not be empty"),
    ("empty source list", 'source = ["toy_a.txt:18"]', "source = []", "late",
     "params.survival.source", "at least one source"),
    ("missing range", "range = [0.65, 0.95]\n", "", "late", "params.survival.range", "missing"),
    ("range of one number", "range = [0.65, 0.95]", "range = [0.65]", "late",
     "params.survival.range", "two numbers"),
    ("value outside range", "value = 0.8\nrange = [0.65, 0.95]",
     "value = 0.6\nrange = [0.65, 0.95]", "late", "params.survival.range",
     "not within its range"),
    ("range outside domain", "range = [0.35, 0.55]", "range = [0.35, 1.2]", "late",
     "params.share.range", "outside share's allowed range [0, 1]"),
    ("value outside domain", "value = 0.8\nrange = [0.65, 0.95]",
     "value = 1.5\nrange = [0.65, 1.6]", "late", "params.survival.value",
     "outside survival's allowed range [0, 1]"),
    ("power at its open end", "value = 0.4\nrange = [0.25, 0.55]",
     "value = 0.4\nrange = [0.0, 0.55]", None, "defaults.power.range",
     "outside power's allowed range (0, 1)"),
    ("boolean value", "value = 0.45", "value = true", "late", "params.share.value",
     "not a number"),
    ("date value", "value = 0.45", "value = 2020-01-01", "late", "params.share.value",
     "not a number"),
    ("nan value", "value = 0.45", "value = nan", "late", "params.share.value",
     "not a finite number"),
    ("citation without line", 'source = ["toy_a.txt:18"]', 'source = ["toy_a.txt"]', "late",
     "params.survival.source", "not a citation"),
    ("citation with a path", 'source = ["toy_a.txt:18"]', 'source = ["../toy_a.txt:18"]',
     "late", "params.survival.source", "not a citation"),
    ("descending lines", 'source = ["toy_a.txt:18"]', 'source = ["toy_a.txt:18-12"]', "late",
     "params.survival.source", "increasing order"),
    ("line zero", 'source = ["toy_a.txt:18"]', 'source = ["toy_a.txt:0"]', "late",
     "params.survival.source", "lines must be >= 1"),
    ("file not listed in sources", 'source = ["toy_a.txt:18"]', 'source = ["toy_c.txt:1"]',
     "late", "params.survival.source", "not listed in [case] sources"),
    ("line past the end", 'source = ["toy_a.txt:18"]', 'source = ["toy_a.txt:21"]', "late",
     "params.survival.source", "cites line 21 of 'toy_a.txt', which has 20 lines"),
    ("range past the end", 'verdict_source = ["toy_b.txt:5"]',
     'verdict_source = ["toy_b.txt:4-6"]', "late", "verdict_source", "which has 5 lines"),
    ("listed source missing", 'sources = ["toy_a.txt", "toy_b.txt"]',
     'sources = ["toy_a.txt", "toy_b.txt", "toy_z.txt"]', None, "case.sources",
     "does not exist"),
    ("unknown verdict", 'verdict = "invest"', 'verdict = "win"', "early", "verdict",
     "not a strategy"),
    ("verdict without source", 'verdict_source = ["toy_a.txt:10"]\n', "", "early",
     "verdict_source", "missing"),
    ("verdict source without verdict", 'verdict = "hold-up"\n', "", "late", "verdict_source",
     "without a verdict"),
    ("duplicate label", 'label = "late"', 'label = "early"', "early", "label",
     "duplicate label"),
    ("overlapping periods", "start = 2005", "start = 2004", "late", "start",
     "not after the previous period"),
    ("end before start", "end = 2009", "end = 2001", "late", "end", "before start"),
    ("string year", "start = 2005", 'start = "2005"', "late", "start", "integer year"),
    ("boolean year", "start = 2005", "start = true", "late", "start", "integer year"),
    ("missing label", 'label = "late"\n', "", "periods[1]", "label", "missing"),
    ("empty case name", 'name = "Toy–Dyad"', 'name = ""', None, "case.name",
     "must not be empty"),
    ("missing description", 'description = "A two-period', 'x_description = "A two-period',
     None, "case.x_description", "unknown key"),
    ("wrong schema", "schema = 1", "schema = 2", None, "schema", "unsupported schema"),
    ("missing schema", "schema = 1\n", "", None, "schema", "missing"),
    ("unknown default", "[defaults.holdup_cost]", "[defaults.holdup_cost_unused]", None,
     "defaults.holdup_cost_unused", "unknown key"),
]


@pytest.mark.parametrize(
    ("old", "new", "period", "key", "fragment"),
    [v[1:] for v in VIOLATIONS],
    ids=[v[0] for v in VIOLATIONS],
)
def test_schema_violation(tmp_path, old, new, period, key, fragment):
    text = toy_text()
    assert old in text, f"fixture no longer contains {old!r}"
    with pytest.raises(ModelFileError) as info:
        load_text(text.replace(old, new, 1), tmp_path)
    err = info.value
    msg = str(err)
    assert msg.startswith(str(tmp_path / "case.toml") + ": ")
    assert fragment in msg
    assert err.file == str(tmp_path / "case.toml")
    assert err.period == period
    assert err.key is not None and key in err.key
    if period is not None:
        assert f"period {period!r}" in msg
    assert f"key {err.key!r}" in msg


def test_every_required_parameter_must_be_given(tmp_path):
    # Remove holdup_cost from [defaults]: no period gives it.
    text = toy_text()
    start = text.index("[defaults.holdup_cost]")
    end = text.index("[[periods]]")
    with pytest.raises(ModelFileError, match=r"period 'early': key 'params': no value for "
                                             r"holdup_cost"):
        load_text(text[:start] + text[end:], tmp_path)


def test_period_spec_overrides_default(tmp_path):
    text = toy_text().replace(
        '[periods.params.share]\nvalue = 0.45',
        '[periods.params.power]\nvalue = 0.5\nrange = [0.3, 0.6]\nsource = ["assumption"]\n'
        'indicator = "i"\nreasoning = "r"\n\n[periods.params.share]\nvalue = 0.45')
    case = load_text(text, tmp_path)
    assert case.period("late").specs["power"].value == 0.5
    assert not case.period("late").specs["power"].inherited
    assert case.period("early").specs["power"].value == 0.4


def test_not_toml_and_unreadable(tmp_path):
    with pytest.raises(ModelFileError, match=r"case.toml: not valid TOML"):
        load_text("schema = = 1", tmp_path)
    with pytest.raises(ModelFileError, match=r"missing.toml: cannot read"):
        load_case(tmp_path / "missing.toml")
    (tmp_path / "bin.toml").write_bytes(b"\xff\xfe schema = 1")
    with pytest.raises(ModelFileError, match=r"bin.toml: not UTF-8"):
        load_case(tmp_path / "bin.toml")
    with pytest.raises(ModelFileError, match=r"key 'periods': missing"):
        loads_case("schema = 1\n[case]\nname='a'\nrising='b'\nestablished='c'\n"
                   "description='d'\nsources=[]\n")


def test_model_file_error_is_a_kzgame_error():
    assert issubclass(ModelFileError, KzgameError)
    assert issubclass(ModelFileError, ValueError)
    assert kzgame.io.cases.ModelFileError is ModelFileError


# ---------------------------------------------------------------------------
# Hostile content: rejected before anything runs
# ---------------------------------------------------------------------------

HOSTILE = [
    "__import__('os').system('touch {marker}')",
    "open('{marker}', 'w').write('x')",
    "exec(\"open('{marker}', 'w')\")",
    "(lambda: __import__('os').system('touch {marker}'))()",
    "().__class__.__mro__[1].__subclasses__()",
    "[open('{marker}', 'w') for _ in 'a']",
    "1 if open('{marker}', 'w') else 0",
]


@pytest.fixture
def no_eval(monkeypatch):
    """Fail the test if anything calls eval, exec or sympify while it runs."""
    calls = []

    def spy(name):
        def f(*args, **kwargs):
            calls.append(name)
            raise AssertionError(f"{name} called on model-file content")
        return f

    # Compile the lambdified gains now (lambdify itself uses exec, on kzgame's own code).
    kzgame.solve(load_case(TOY, seeds=False).periods[0].period)
    # (ast.parse needs the builtin compile, which only parses: it is not patched.)
    for name in ("eval", "exec"):
        monkeypatch.setattr(builtins, name, spy(name))
    import sys

    import sympy
    monkeypatch.setattr(sympy, "sympify", spy("sympify"))
    monkeypatch.setattr(sys.modules["sympy.core.sympify"], "sympify", spy("sympify"))
    return calls


@pytest.mark.parametrize("payload", HOSTILE)
@pytest.mark.parametrize("where", ["value", "range"])
def test_hostile_value_is_rejected_and_runs_nothing(tmp_path, payload, where, no_eval):
    marker = tmp_path / "pwned"
    code = payload.format(marker=marker).replace('"', '\\"')
    old = "value = 0.45" if where == "value" else "range = [0.35, 0.55]"
    new = f'value = "{code}"' if where == "value" else f'range = [0.35, "{code}"]'
    with pytest.raises(ModelFileError) as info:
        load_text(toy_text().replace(old, new), tmp_path)
    assert "period 'late'" in str(info.value) and "params.share" in str(info.value)
    assert not marker.exists()
    assert no_eval == []


def test_hostile_text_fields_are_only_text(tmp_path, no_eval):
    """Code in free-text fields is kept as text, never run, also when the case is solved."""
    marker = tmp_path / "pwned"
    code = f"__import__('os').system('touch {marker}')"
    text = (toy_text()
            .replace('label = "late"', f'label = "{code}"')
            .replace('notes = "Poor outside options for R."', f'notes = "{code}"')
            .replace('indicator = "Toy indicator of survival."', f'indicator = "{code}"'))
    case = load_text(text, tmp_path)
    assert case.periods[1].label == code
    case.periods[1].solve()
    assert not marker.exists()
    assert no_eval == []


@pytest.mark.parametrize("text", [
    "2**10", "9**9**9", "a", "x + 1", "0.5 if 1 else 0", "[0.5]", "0.5,", "1 < 2", "True",
    "None", "'0.5'", "0x10 + f'{1}'", "1/0", "1e308 * 10", "(" * 60 + "1" + ")" * 60,
    "1 +", "", "   ", "0.1; 0.2", "1j", "~1", "1 // 2", "5 % 3", "1 << 2",
])
def test_parse_number_rejects(text, no_eval):
    with pytest.raises(ValueError):
        parse_number(text)
    assert no_eval == []


@pytest.mark.parametrize(("text", "value"), [
    ("0.25", 0.25), ("1/3", 1 / 3), ("-(0.5 - 0.25)", -0.25), ("2 * 0.1 + 0.05", 0.25),
    (" +1e-3 ", 0.001), ("(1 - 0.2) / 4", 0.2), (7, 7.0), (-0.5, -0.5),
])
def test_parse_number_accepts(text, value):
    assert parse_number(text) == pytest.approx(value, rel=0, abs=1e-15)


@pytest.mark.parametrize("value", [True, None, [1], {"a": 1}, float("inf"), float("nan")])
def test_parse_number_rejects_non_numbers(value):
    with pytest.raises(ValueError):
        parse_number(value)


def test_citation_forms():
    assert Citation.parse("normalization") == Citation("normalization")
    assert Citation.parse("a_b-1.txt:7-9") == Citation("a_b-1.txt:7-9", "a_b-1.txt", 7, 9)
    for bad in ("a.txt", "a.txt:", "a.txt:x", "a.txt:3-", "/etc/passwd:1", "a/b.txt:1",
                "a.txt:1:2", ".hidden:1", "Assumption", "a.txt: 3"):
        with pytest.raises(ValueError):
            Citation.parse(bad)


def test_loader_rejects_every_parameter_outside_its_domain(tmp_path):
    """For each parameter with a bounded domain, a value just outside it is an error."""
    for name in REQUIRED_PARAMETERS:
        d = DOMAINS[name]
        if d.low == float("-inf"):
            continue
        bad = d.low - 0.5
        spec = (f"[defaults.{name}]\nvalue = {bad}\nrange = [{bad}, {bad}]\n"
                f'source = ["assumption"]\nindicator = "i"\nreasoning = "r"\n')
        text = re.sub(rf"\[defaults\.{name}\]\n(.+\n)+?reasoning = .*\n", spec, toy_text())
        if spec not in text:  # not among the defaults: add it there (defaults load first)
            text = text.replace("[[periods]]", spec + "\n[[periods]]", 1)
        with pytest.raises(ModelFileError, match=rf"outside {name}'s allowed range"):
            load_text(text, tmp_path)


def test_loading_does_not_warn_for_the_toy_case():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load_case(TOY, seeds=TOY_SEEDS)


def _normalized(text: str) -> str:
    for a, b in (("’", "'"), ("‘", "'"), ("“", '"'), ("”", '"')):
        text = text.replace(a, b)
    return re.sub(r"\s+", " ", text).lower()


@pytest.mark.parametrize("path", MODEL_FILES, ids=lambda p: p.name)
def test_quoted_evidence_is_in_the_cited_seed_lines(path):
    """The cited lines hold the figure: every 'quoted' fragment (8+ characters) of a
    coding's evidence or a spec's indicator occurs in the seed lines that entry cites."""
    seeds = find_seeds(path) or (SHARED_SEEDS if SHARED_SEEDS.is_dir() else None)
    if seeds is None:
        pytest.skip("no seeds folder (set KZGAME_SEEDS)")
    case = load_case(path, seeds=seeds)
    entries = []
    for p in case.periods:
        entries += [(p.label, c.coding, c.evidence, c.source) for c in p.codings]
        entries += [(p.label, i.name, i.evidence, i.source) for i in p.indicators]
        entries += [(p.label, s.name, s.indicator, s.source) for s in p.specs.values()]
    missing = []
    for label, name, text, source in entries:
        cited = " ".join(
            " ".join((seeds / c.file).read_text(encoding="utf-8", errors="replace")
                     .splitlines()[c.first - 1:c.last])
            for c in source if c.kind == "seed")
        cited = _normalized(cited)
        for quote in re.findall(r"'([^']{8,}?)'(?=[\s,.;:)]|$)", text):
            for part in filter(None, (x.strip() for x in re.split(r"\.\.\.|…", quote))):
                if _normalized(part) not in cited:
                    missing.append(f"{label}: {name}: {part!r}")
    assert not missing, "\n".join(missing)
