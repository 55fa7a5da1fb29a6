"""Hostile model files (issue 15): every one is a one-line ModelFileError naming the file.

A model file, and every file it names (an ``extends`` parent, a BibTeX file,
cited seed files), may be a huge number, deeply nested TOML, a symlink loop,
a directory, a FIFO, a character device, too large, not UTF-8, empty, or
TOML that is not the schema.  Each is refused through :func:`load_case` and
through ``kzgame check`` with one line on stderr, a non-zero exit, no
traceback, no output, and never a hang or an unbounded read.
"""

from __future__ import annotations

import os
import shutil
import signal
import stat
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

import kzgame.io.cases as cases
from kzgame.io.cases import (
    MAX_MODEL_BYTES,
    ModelFileError,
    evaluate_formula,
    formula_names,
    load_case,
    loads_case,
    parse_number,
)
from kzgame.io.cli import main

DATA = Path(__file__).resolve().parent / "data"
TOY = DATA / "toy_case.toml"
TOY_SEEDS = DATA / "seeds"
POSIX = os.name == "posix"
needs_posix = pytest.mark.skipif(not POSIX, reason="FIFOs, symlinks and /dev are POSIX")


@pytest.fixture(autouse=True)
def _no_seeds_env(monkeypatch):
    monkeypatch.delenv(cases.SEEDS_ENV, raising=False)


@pytest.fixture
def deadline():
    """Fail (instead of hanging) if the test's body blocks for more than 10 s."""
    if hasattr(signal, "SIGALRM") and threading.current_thread() is threading.main_thread():
        def on_alarm(signum, frame):
            raise TimeoutError("blocked: the loader hung on a hostile file")

        old = signal.signal(signal.SIGALRM, on_alarm)
        signal.alarm(10)
        yield
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    else:  # pragma: no cover - no alarm: the FIFO test would hang on a regression
        pytest.skip("needs SIGALRM to guard against a hang")


def toy() -> str:
    return TOY.read_text(encoding="utf-8")


def expect_refused(path: Path, capsys, *, seeds=TOY_SEEDS, match: str | None = None,
                   names: str | None = None) -> ModelFileError:
    """``path`` is refused by load_case and by ``kzgame check``: one line, no traceback."""
    with pytest.raises(ModelFileError) as info:
        load_case(path, seeds=seeds)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(str(path) + ": ") or names is not None
    if names is not None:
        assert names in message
    if match is not None:
        assert match in message, message
    capsys.readouterr()
    code = main(["check", str(path)])
    out, err = capsys.readouterr()
    assert code != 0
    # nothing but, for an error inside a period (check collects those), the count
    assert out in ("", f"{path}: 1 problem\n"), out
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("kzgame: error: ")
    assert str(path) in lines[0] or (names is not None and names in lines[0])
    return info.value


def write(tmp_path: Path, text: str, name: str = "case.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------------------
# Numbers: huge integers, inexact integers, huge floats
# ---------------------------------------------------------------------------

BIG = "9" * 400

NUMBERS = [
    # (old, new, key named)
    ("value = -0.1", f"value = -{BIG}", "params.outside_r.value"),
    ("range = [-0.3, 0.1]", f"range = [-{BIG}, 0.1]", "params.outside_r.range"),
    ("value = -0.1", "value = -9007199254740993", "params.outside_r.value"),
    ("value = 1.0\nrange = [1.0, 1.0]", "value = 1e301\nrange = [1e301, 1e301]",
     "defaults.surplus.value"),
    ("value = 1.0\nrange = [1.0, 1.0]", 'value = "1e200 * 1e101"\nrange = [1.0, 1.0]',
     "defaults.surplus.value"),
    ("value = 1.0\nrange = [1.0, 1.0]", f'value = "{"9" * 99}"\nrange = [1.0, 1.0]',
     "defaults.surplus.value"),
    ("end = 2004", f"end = {BIG}", "end"),
    ("start = 2000", "start = -100000", "start"),
]


@pytest.mark.parametrize(("old", "new", "key"), NUMBERS)
def test_huge_or_inexact_numbers_are_refused_naming_the_key(tmp_path, capsys, old, new, key):
    text = toy()
    assert old in text
    path = write(tmp_path, text.replace(old, new, 1))
    err = expect_refused(path, capsys)
    assert err.key == key, str(err)
    assert len(str(err)) < 500


def test_integer_of_too_many_digits_for_python_is_refused(tmp_path, capsys):
    path = write(tmp_path, toy().replace("value = -0.1", "value = -" + "9" * 5000, 1))
    expect_refused(path, capsys, match="too many digits")


@pytest.mark.parametrize("value", [10**400, -(10**400), 2**53 + 1, 1e301, -1e301, "1e301",
                                   "(" + "9" * 80 + ")"])
def test_parse_number_refuses_huge_and_inexact(value):
    with pytest.raises(ValueError):
        parse_number(value)


@pytest.mark.parametrize("value", [2**53, -(2**53), 10**300 // 10**280, 1e300, "1e300"])
def test_parse_number_still_accepts_large_exact_values(value):
    assert parse_number(value) == float(value)


def test_formulas_refuse_huge_literals():
    big = "9" * 350
    with pytest.raises(ValueError, match="too large"):
        formula_names(f"{big} * x")
    with pytest.raises(ValueError, match="too large"):
        evaluate_formula(f"{big} * x", {"x": 1.0})


def test_reference_year_of_400_digits(tmp_path, capsys):
    text = toy().replace(
        "[defaults.surplus]",
        f'[references.doe]\nauthor = "Doe"\ntitle = "T"\nyear = {BIG}\n\n[defaults.surplus]', 1)
    err = expect_refused(write(tmp_path, text), capsys)
    assert err.key == "references.doe.year"


@pytest.mark.parametrize("year", ["9" * 5000, "²⁰⁰⁰", "20190"])
def test_bibtex_year_that_is_not_a_year(tmp_path, capsys, year):
    (tmp_path / "refs.bib").write_text(
        "@book{doe, author = {Doe}, title = {T}, year = {" + year + "}}", encoding="utf-8")
    text = toy().replace('sources = ["toy_a.txt", "toy_b.txt"]',
                         'sources = ["toy_a.txt", "toy_b.txt"]\nbibtex = "refs.bib"', 1)
    err = expect_refused(write(tmp_path, text), capsys)
    assert err.key == "case.bibtex"


# ---------------------------------------------------------------------------
# Deeply nested TOML
# ---------------------------------------------------------------------------

NESTED = {
    "arrays": "x = " + "[" * 100_000 + "]" * 100_000 + "\n",
    "inline tables": "x = " + "{a = " * 100_000 + "1" + "}" * 100_000 + "\n",
    "dotted table header": "[" + ".".join(["a"] * 5_000) + "]\nb = 1\n",
    "dotted key": ".".join(["a"] * 5_000) + " = 1\n",
    "moderate arrays": "x = " + "[" * 100 + "]" * 100 + "\n",
}


@pytest.mark.parametrize("kind", sorted(NESTED))
def test_deeply_nested_toml(tmp_path, capsys, kind):
    text = NESTED[kind]
    expect_refused(write(tmp_path, text), capsys, match="nested")
    with pytest.raises(ModelFileError, match="nested"):
        loads_case(text)


@pytest.mark.parametrize("kind", ["arrays", "dotted table header"])
def test_deeply_nested_extends_parent(tmp_path, capsys, kind):
    write(tmp_path, NESTED[kind], "parent.toml")
    path = write(tmp_path, 'extends = "parent.toml"\n' + toy())
    err = expect_refused(path, capsys, match="nested")
    assert err.key == "extends"


# ---------------------------------------------------------------------------
# File kinds: symlink loops, directories, FIFOs, devices; sizes
# ---------------------------------------------------------------------------


def _loop(tmp_path: Path) -> Path:
    os.symlink(tmp_path / "loop_b", tmp_path / "loop_a")
    os.symlink(tmp_path / "loop_a", tmp_path / "loop_b")
    return tmp_path / "loop_a"


def _directory(tmp_path: Path) -> Path:
    (tmp_path / "folder.toml").mkdir()
    return tmp_path / "folder.toml"


def _fifo(tmp_path: Path) -> Path:
    os.mkfifo(tmp_path / "pipe.toml")
    return tmp_path / "pipe.toml"


def _dev_zero(tmp_path: Path) -> Path:
    if not Path("/dev/zero").exists():  # pragma: no cover
        pytest.skip("no /dev/zero")
    return Path("/dev/zero")


def _dev_null(tmp_path: Path) -> Path:
    if not Path("/dev/null").exists():  # pragma: no cover
        pytest.skip("no /dev/null")
    return Path("/dev/null")


def _too_large(tmp_path: Path) -> Path:
    path = tmp_path / "huge.toml"
    with path.open("wb") as f:  # sparse: nothing is written to disk
        f.truncate(MAX_MODEL_BYTES + 1)
    return path


def _missing(tmp_path: Path) -> Path:
    return tmp_path / "missing.toml"


KINDS: dict[str, tuple[Callable[[Path], Path], str]] = {
    "symlink loop": (_loop, "symbolic links"),
    "directory": (_directory, "a directory"),
    "fifo": (_fifo, "FIFO"),
    "/dev/zero": (_dev_zero, "character device"),
    "/dev/null": (_dev_null, "character device"),
    "too large": (_too_large, "limit"),
    "missing": (_missing, "No such file"),
}


@needs_posix
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_model_file_of_hostile_kind(tmp_path, capsys, deadline, kind):
    make, fragment = KINDS[kind]
    path = make(tmp_path)
    expect_refused(path, capsys, match=fragment)


@needs_posix
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_extends_parent_of_hostile_kind(tmp_path, capsys, deadline, kind):
    make, fragment = KINDS[kind]
    parent = make(tmp_path)
    model = tmp_path / "model"
    model.mkdir()
    path = write(model, f'extends = "{parent}"\n' + toy())
    err = expect_refused(path, capsys)
    assert err.key == "extends"
    if kind != "symlink loop":  # resolve() reports a loop in its own words
        assert fragment in str(err)
    else:
        assert "loop" in str(err).lower() or "symbolic links" in str(err)


@needs_posix
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_bibtex_file_of_hostile_kind(tmp_path, capsys, deadline, kind):
    make, fragment = KINDS[kind]
    bib = make(tmp_path)
    model = tmp_path / "model"
    model.mkdir()
    text = toy().replace('sources = ["toy_a.txt", "toy_b.txt"]',
                         f'sources = ["toy_a.txt", "toy_b.txt"]\nbibtex = "{bib}"', 1)
    err = expect_refused(write(model, text), capsys, match=fragment)
    assert err.key == "case.bibtex"


def _seeds_with(tmp_path: Path, make: Callable[[Path], Path]) -> Path:
    """A seeds folder next to the model whose toy_a.txt links to the hostile file."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(TOY_SEEDS / "toy_b.txt", seeds / "toy_b.txt")
    os.symlink(make(tmp_path), seeds / "toy_a.txt")
    return seeds


@needs_posix
@pytest.mark.parametrize("kind", sorted(set(KINDS) - {"too large"}))
def test_seed_file_of_hostile_kind(tmp_path, capsys, deadline, kind):
    make, _ = KINDS[kind]
    seeds = _seeds_with(tmp_path, make)
    path = write(tmp_path, toy())
    err = expect_refused(path, capsys, seeds=seeds)
    assert "toy_a.txt" in str(err)
    assert err.key == "case.sources"


def test_seed_file_over_the_cap_is_refused_without_reading(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(cases, "MAX_SEED_BYTES", 1000)
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(TOY_SEEDS / "toy_b.txt", seeds / "toy_b.txt")
    with (seeds / "toy_a.txt").open("wb") as f:
        f.truncate(1001)
    err = expect_refused(write(tmp_path, toy()), capsys, seeds=seeds, match="limit")
    assert "toy_a.txt" in str(err)


def test_seed_lines_are_counted_in_chunks(tmp_path, monkeypatch):
    monkeypatch.setattr(cases, "_CHUNK", 7)
    reads: list[int] = []
    real_read = os.read

    def spy(fd, n):
        reads.append(n)
        return real_read(fd, n)

    monkeypatch.setattr(cases.os, "read", spy)
    text = "a\r\nb\rc\n\nd" * 20
    path = tmp_path / "seed.txt"
    path.write_bytes(text.encode())
    with path.open(encoding="utf-8", errors="replace") as f:
        expected = sum(1 for _ in f)
    assert cases._count_lines(path) == expected
    assert max(reads) == 7 and len(reads) > 10


def test_a_file_growing_past_the_cap_after_stat_is_cut_off(tmp_path, capsys, monkeypatch):
    path = write(tmp_path, toy() + "\n# padding " + "x" * 5000 + "\n")
    real_stat = os.stat

    def small_stat(p, *args, **kwargs):  # the file "grows" between stat and read
        st = real_stat(p, *args, **kwargs)
        if Path(p) == path:
            fields = list(st)
            fields[stat.ST_SIZE] = 10
            return os.stat_result(fields)
        return st

    monkeypatch.setattr(cases, "MAX_MODEL_BYTES", 1000)
    monkeypatch.setattr(cases.os, "stat", small_stat)
    expect_refused(path, capsys, seeds=False, match="limit of 1000")


# ---------------------------------------------------------------------------
# Not UTF-8, empty, TOML that is not the schema, names with control characters
# ---------------------------------------------------------------------------

CONTENTS = {
    "not UTF-8": (b"\xff\xfe schema = 1", "UTF-8"),
    "latin-1": ("schema = 1\n# caf\xe9\n".encode("latin-1"), "UTF-8"),
    "empty": (b"", "missing"),
    "whitespace": (b"  \n\n", "missing"),
    "NUL bytes": (b"schema = 1\x00\x00", "TOML"),
    "not TOML": (b"schema = = 1", "TOML"),
    "schema not a number": (b"schema = [1]", "schema"),
    "case not a table": (b"schema = 1\ncase = 3", "table"),
    "periods not a list": (
        ('periods = "x"\n' + toy()[:toy().index("[[periods]]")]).encode(), "periods"),
}


@pytest.mark.parametrize("kind", sorted(CONTENTS))
def test_contents_that_are_not_a_model(tmp_path, capsys, kind):
    raw, fragment = CONTENTS[kind]
    path = tmp_path / "case.toml"
    path.write_bytes(raw)
    expect_refused(path, capsys, match=fragment)


@needs_posix
def test_file_name_with_control_characters_gives_one_line(tmp_path, capsys):
    path = tmp_path / "bad\nname\x1b[31m.toml"
    path.write_bytes(b"\xff")
    with pytest.raises(ModelFileError) as info:
        load_case(path, seeds=False)
    assert "\n" not in str(info.value) and "\x1b" not in str(info.value)
    assert main(["check", str(path)]) != 0
    out, err = capsys.readouterr()
    assert out == "" and len(err.splitlines()) == 1 and "\x1b" not in err


def test_long_extends_chain_is_refused(tmp_path, capsys):
    for i in range(cases.MAX_EXTENDS + 2):
        write(tmp_path, f'extends = "p{i + 1}.toml"\n' if i <= cases.MAX_EXTENDS else "",
              f"p{i}.toml")
    path = write(tmp_path, 'extends = "p0.toml"\n' + toy())
    err = expect_refused(path, capsys, match="extends chain")
    assert err.key == "extends"


def test_error_messages_are_bounded(tmp_path, capsys):
    huge = "x = [" + ", ".join(['"' + "y" * 100 + '"'] * 20_000) + "]\n"
    path = write(tmp_path, "schema = 1\n[case]\n" + huge)
    err = expect_refused(path, capsys)
    assert len(str(err)) <= 2100


def test_the_toy_case_still_loads():
    case = load_case(TOY, seeds=TOY_SEEDS)
    assert case.labels
    assert sys.getrecursionlimit() >= 1000  # the loader did not change it
