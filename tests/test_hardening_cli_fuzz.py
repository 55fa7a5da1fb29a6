"""Issue 15: the kzgame command under generated arguments.

Every subcommand, with arguments drawn from valid and invalid values alike,
either succeeds (0) or reports a user error (1: the input; 2: the command
line) as one line on stderr, never a traceback, and writes nothing outside
its ``--out`` (not in the working folder, not in the package).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kzgame.io.cli import main

ROOT = Path(__file__).resolve().parent.parent
TOY = ROOT / "tests" / "data" / "toy_case.toml"
PACKAGE = ROOT / "kzgame"

TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=12,
)
FILES = st.sampled_from([str(TOY), "missing.toml", ".", os.devnull, "out"])
NUMBERS = st.one_of(st.integers(-5, 300).map(str), TEXT, st.just("1e400"), st.just("nan"))
PARAMS = st.sampled_from(["share", "outside_r", "indispensability", "power", "nonsense"])


@st.composite
def axis(draw) -> str:
    return f"{draw(PARAMS)}={draw(NUMBERS)}:{draw(NUMBERS)}:{draw(NUMBERS)}"


VALID_AXES = st.sampled_from(["share=0:1:4", "outside_r=-0.5:0.5:3", "power=0.1:0.9:2"])
SETS = st.sampled_from(["outside_e=0", "indispensability=0.5", "survival=0.5",
                        "invest_cost=0", "outside_r=0.1", "share=0.5"])


@st.composite
def options(draw, command: str) -> list[str]:
    """Options the command takes, mostly with valid values, sometimes not."""
    def either(valid):
        return draw(st.one_of(valid, valid, valid, NUMBERS))

    common = {
        "--protocol": lambda: either(st.sampled_from(["nash", "ultimatum", "outside-option"])),
    }
    monte_carlo = {
        "--draws": lambda: either(st.sampled_from(["0", "10", "200"])),
        "--seed": lambda: either(st.sampled_from(["0", "7"])),
        "--distribution": lambda: either(st.sampled_from(["uniform", "pert"])),
    }
    out_dir = {"--out": lambda: draw(st.sampled_from(["out", "out/sub", "", "out/a b"]))}
    pools = {
        "solve": {**common, **monte_carlo,
                  "--period": lambda: either(st.sampled_from(["early", "late"]))},
        "check": common,
        "plot": {**common, **monte_carlo, **out_dir},
        "report": {**common, **monte_carlo, **out_dir},
        "sweep": {**common, "--period": lambda: either(st.sampled_from(["early", "late"])),
                  "--chunk": lambda: either(st.sampled_from(["1", "5", "1000"]))},
        "new": {"--name": lambda: draw(TEXT), "--rising": lambda: draw(TEXT)},
        "dynamic": {"--protocol": lambda: either(st.sampled_from(["nash", "ultimatum"])),
                    "--delta-r": lambda: either(st.sampled_from(["0", "0.8", "1", "-0.1"])),
                    "--ratchet": lambda: either(st.sampled_from(["0", "0.5", "2"])),
                    "--terminal": lambda: either(st.sampled_from(["stationary", "none"])),
                    "--grid": lambda: either(st.sampled_from(["5", "7"])),
                    "--refine": lambda: either(st.sampled_from(["0", "1", "9"])),
                    "--forecast": lambda: either(st.sampled_from(["0", "2", "-1"])),
                    **out_dir},
        "bogus": {},
    }
    pool = pools[command]
    names = draw(st.lists(st.sampled_from(sorted(pool)), max_size=4, unique=True)) if pool else []
    argv: list[str] = []
    for name in names:
        argv += [name, pool[name]()]
    if command == "sweep":
        argv += ["--x", draw(st.one_of(VALID_AXES, VALID_AXES, axis())),
                 "--y", draw(st.one_of(VALID_AXES, VALID_AXES, axis())),
                 "--out", draw(st.sampled_from(["out/grid.csv", "out/sub/g.csv", "out"]))]
        for value in draw(st.lists(SETS, max_size=6)):
            argv += ["--set", value]
    if command == "dynamic" and "--grid" not in argv:
        argv += ["--grid", "5", "--refine", "0"]  # keep the fuzz fast
    if command in ("plot", "report", "dynamic") and "--out" not in argv:
        argv += ["--out", "out"]
    if command in ("plot", "report") and "--draws" not in argv:
        argv += ["--draws", "10"]
    return argv


@st.composite
def command_lines(draw) -> list[str]:
    command = draw(st.sampled_from(["solve", "check", "sweep", "plot", "report", "new", "bogus",
                                    "dynamic"]))
    argv = [command]
    if command == "new":
        argv.append(draw(st.sampled_from(["out/new.toml", "out", "out/sub/new.toml"])))
    elif command != "bogus" and (command != "sweep" or draw(st.booleans())):
        argv.append(draw(st.one_of(st.just(str(TOY)), st.just(str(TOY)), FILES)))
    return argv + draw(options(command))


def _snapshot(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if "__pycache__" not in p.parts}


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(argv=command_lines())
def test_generated_command_lines(argv, tmp_path_factory, capsys):
    work = tmp_path_factory.mktemp("cwd")
    package_before = _snapshot(PACKAGE)
    cwd = os.getcwd()
    os.chdir(work)
    try:
        try:
            code = main(argv)
        except SystemExit as e:  # argparse's own usage errors
            code = e.code
    finally:
        os.chdir(cwd)
    out, err = capsys.readouterr()
    assert code in (0, 1, 2), (argv, code, err)
    assert "Traceback" not in err, (argv, err)
    if code == 1:
        errors = [ln for ln in err.splitlines() if ln.startswith("kzgame: error: ")]
        assert len(errors) == 1, (argv, err)
    written = {p.relative_to(work) for p in _snapshot(work)}
    assert all(p.parts[0] == "out" for p in written), (argv, written)
    assert _snapshot(PACKAGE) == package_before, argv


@pytest.mark.parametrize("argv", [
    ["sweep", "--x", "share=0:1:3", "--y", "power=0.1:0.9:3", "--set", "outside_r=0",
     "--set", "outside_e=0", "--set", "indispensability=0.5", "--set", "survival=0.5",
     "--set", "invest_cost=0", "--out", "out/grid.csv"],
    ["check", str(TOY)],
    ["dynamic", str(TOY), "--grid", "5", "--refine", "0", "--out", "out"],
])  # fmt: skip
def test_the_generator_reaches_success(argv, tmp_path, monkeypatch, capsys):
    """The fuzz above can succeed: these command lines, of the kinds it draws, do."""
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 0, capsys.readouterr().err


@pytest.mark.parametrize("argv", [
    ["plot", str(TOY), "--out", "", "--draws", "10"],
    ["report", str(TOY), "--out", " ", "--draws", "10"],
    ["dynamic", str(TOY), "--out", "", "--grid", "5"],
    ["sweep", str(TOY), "--period", "early", "--x", "share=0:1:3", "--y", "power=0.1:0.9:3",
     "--out", ""],
])  # fmt: skip
def test_an_empty_out_is_refused_and_nothing_is_written(argv, tmp_path, monkeypatch, capsys):
    """The fuzz found it: an empty --out wrote the figures into the working folder."""
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.startswith("kzgame: error: the output") and "empty" in err
    assert list(tmp_path.iterdir()) == []
