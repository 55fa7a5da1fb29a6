"""Issue 15, members of its classes that were still open (found re-reading the issue):
a broadcast too large for memory, an empty --period, a 400-digit number as an argument,
folders created before the options were validated."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import numpy as np
import pytest

import kzgame
from kzgame.io.cli import main
from kzgame.numeric import vectorized

TOY = Path(__file__).parent / "data" / "toy_case.toml"
BIG = "9" * 400
POINT = dict(share=0.5, outside_e=0.0, indispensability=0.9, survival=0.8, invest_cost=0.05)


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


@pytest.mark.parametrize("backend", ["auto", "numpy"])
def test_the_issue_broadcast_is_refused_before_allocating(backend):
    tracemalloc.start()
    try:
        with pytest.raises(kzgame.ParameterError, match=r"shape \(100000, 100000\) \(1e\+10 "
                           r"points\): the codes would need 9.31 GiB of memory, more than"):
            kzgame.classify(**{**POINT, "share": np.full((100_000, 1), 0.5)},
                            outside_r=np.zeros((1, 100_000)), backend=backend)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 50 * 2**20  # the inputs' copies at most, nothing of the grid's size


def test_the_limit_is_the_output_size(monkeypatch):
    monkeypatch.setattr(vectorized, "MAX_BYTES", 1000)  # int8 codes: 1000 points
    grid = dict(POINT, outside_r=np.linspace(-0.5, 1.0, 1000))
    assert kzgame.classify(**grid).shape == (1000,)
    with pytest.raises(kzgame.ParameterError, match=r"shape \(1001,\)"):
        kzgame.classify(**dict(grid, outside_r=np.linspace(-0.5, 1.0, 1001)))
    # a game's codes of another dtype count their bytes, and scalars always pass
    assert int(kzgame.classify(**dict(POINT, outside_r=0.45))) == 2


def test_an_empty_period_is_an_error(capsys, tmp_path):
    code, out, err = run(capsys, "solve", str(TOY), "--period", "", "--draws", "0")
    assert code == 1 and out == ""
    assert err.startswith("kzgame: error: case") and "has no period ''" in err
    code, _, err = run(capsys, "sweep", str(TOY), "--period", "", "--x", "share=0:1:3",
                       "--y", "survival=0:1:3", "--out", str(tmp_path / "a.csv"))
    assert code == 1 and "has no period ''" in err and not (tmp_path / "a.csv").exists()
    code, _, err = run(capsys, "sweep", "--period", "", "--x", "share=0:1:3",
                       "--y", "survival=0:1:3", "--out", str(tmp_path / "a.csv"))
    assert code == 2 and "--period needs a model FILE" in err


def test_a_400_digit_number_as_an_argument(capsys, tmp_path):
    code, _, err = run(capsys, "solve", str(TOY), "--draws", BIG)
    assert code == 1 and err.count("\n") == 1
    assert "an integer of about 400 digits draws" in err and "would need about 1e402 B" in err
    assert len(err) < 400
    code, _, err = run(capsys, "sweep", "--x", f"outside_r=0:{BIG}:3", "--y", "share=0:1:2",
                       "--set", "outside_e=0", "--out", str(tmp_path / "a.csv"))
    assert code == 2 and err.count("\n") == 1 and "is not a finite number" in err
    assert "warning" not in err and len(err) < 300
    code, _, err = run(capsys, "sweep", "--x", "outside_r=0:1:3", "--y", "share=0:1:2",
                       "--set", f"outside_e=-{BIG}", "--out", str(tmp_path / "a.csv"))
    assert code == 2 and "is not a finite number" in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", ["plot", "report"])
@pytest.mark.parametrize("bad", [["--draws", "-5"], ["--draws", "0"], ["--seed", "-1"],
                                 ["--draws", BIG], ["--protocol", "rubinstein"]])
def test_no_folder_is_created_before_the_options_are_checked(capsys, tmp_path, command, bad):
    target = tmp_path / "out" / "deeper"
    code, out, err = run(capsys, command, str(TOY), "--out", str(target), *bad)
    assert code in (1, 2) and out == "" and err.startswith("kzgame: error:")
    assert not (tmp_path / "out").exists()
