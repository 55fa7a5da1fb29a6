"""``kzgame solve`` and ``kzgame sweep`` under ``--commitment {full,none,brinkmanship}``.

The command's verdicts are checked against :func:`kzgame.classify` (the
vectorized kernels, another path than the engine's backward induction the
command prints), the stay margin and credibility against the closed form
q Delta_R - xi_R written here, and the Monte Carlo share against a per-draw
solve.  ``--commitment full`` must print exactly what the command printed
without the option.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import numpy as np
import pytest

import kzgame
from kzgame.analysis.uncertainty import case_monte_carlo
from kzgame.game.outcomes import outcome_codes
from kzgame.games.commitment_game import COMMITMENT_PARAMETERS, COMMITMENTS, commitment_game
from kzgame.games.period_game import get_protocol
from kzgame.io.cli import main
from kzgame.io.commitment_cli import COMMITMENT_CHOICES, COMMITMENT_PARAMETER_NAMES

ROOT = Path(__file__).resolve().parents[1]
MODELS = ROOT / "models"
KZ_RU = MODELS / "kazakhstan_russia.toml"
CASE = kzgame.load_case(KZ_RU)
#: The protocols the shipped file can be solved under (rubinstein needs discount factors).
PROTOCOLS = [k for k in kzgame.PROTOCOLS
             if all(n in p.specs for p in CASE.periods
                    for n in get_protocol(k).parameters)]

SPEC = """
[periods.commitment.{name}]
value = {value}
range = [{low}, {high}]
source = ["assumption"]
indicator = "a test value"
reasoning = "a test value"
"""


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def one_line_error(err: str, *fragments: str) -> None:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("kzgame: error: ") and "Traceback" not in err
    for f in fragments:
        assert f in lines[0], (f, lines[0])


def summary_rows(out: str) -> dict[str, list[str]]:
    """The summary table's rows by period label (cells split on two or more spaces)."""
    import re

    lines = out.split("\nSummary (")[1].splitlines()
    header = re.split(r"\s{2,}", lines[1].strip())
    rows = {}
    for line in lines[3:]:
        if line.strip():
            cells = re.split(r"\s{2,}", line.strip())
            assert len(cells) == len(header), (header, cells)
            rows[cells[0]] = dict(zip(header, cells, strict=True))
    return rows


def expected(commitment: str, protocol: str, values: dict, **local: float) -> str:
    """The verdict from kzgame.classify under ``commitment``, decoded by the game's names."""
    code = int(kzgame.classify(commitment=commitment, protocol=protocol, **values, **local))
    return outcome_codes(commitment_game(commitment, protocol)).names[code]


def with_commitment(tmp_path: Path, label: str, **specs: tuple[float, float, float]) -> Path:
    """The shipped file with ``[periods.commitment.<name>]`` specs in period ``label``."""
    shutil.copytree(MODELS, tmp_path / "models")
    path = tmp_path / "models" / "kazakhstan_russia.toml"
    text = path.read_text(encoding="utf-8")
    at = text.index(f'label = "{label}"')
    end = text.index("\n[[periods]]", at) if "\n[[periods]]" in text[at:] else len(text)
    extra = "".join(SPEC.format(name=k, value=v, low=lo, high=hi)
                    for k, (v, lo, hi) in specs.items())
    path.write_text(text[:end] + extra + text[end:], encoding="utf-8")
    return path


# ---------------------------------------------------------------------------
# The choices are the library's
# ---------------------------------------------------------------------------


def test_the_choices_are_the_library_commitments_and_parameters():
    assert COMMITMENT_CHOICES == tuple(COMMITMENTS)
    assert COMMITMENT_PARAMETER_NAMES == tuple(COMMITMENT_PARAMETERS)


# ---------------------------------------------------------------------------
# solve: every period of the shipped file, each commitment
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("protocol", PROTOCOLS)
@pytest.mark.parametrize(("commitment", "pi"), [
    ("full", None), ("none", None), ("brinkmanship", 0.3), ("brinkmanship", 0.95),
    ("brinkmanship", 1.0),
])
def test_solve_gives_classify_verdicts_on_every_period(capsys, commitment, pi, protocol):
    extra = [] if pi is None else ["--breakdown-risk", str(pi)]
    argv = ["solve", str(KZ_RU), "--draws", "0", "--protocol", protocol,
            "--commitment", commitment, *extra]
    if commitment == "full":  # the period game's path: also under an explicit exit premium
        argv += ["--exit-premium", "0"]
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    assert f"protocol {protocol}; commitment {commitment} " in out.splitlines()[1]
    assert f"Summary (protocol {protocol}, commitment {commitment})" in out
    rows = summary_rows(out)
    assert list(rows) == list(CASE.labels)
    local = {} if pi is None else {"breakdown_risk": pi}
    for p in CASE.periods:
        row = rows[p.label]
        assert row[f"under {commitment}"] == expected(commitment, protocol, p.values,
                                                      exit_premium=0.0, **local), p.label
        full = kzgame.Strategy.from_code(int(kzgame.classify(protocol=protocol, **p.values)))
        assert row["full commitment"] == full.value
        margin = p.values["survival"] * p.period.stake_r  # q Delta_R - xi_R, xi_R = 0
        assert float(row["stay margin"]) == pytest.approx(margin, abs=5e-4)
        assert row["credible"] == ("yes" if margin < 0 else "no")
        if p.verdict is not None:
            agrees = p.verdict.value == row[f"under {commitment}"]
            assert row["source"] == f"{p.verdict.value} ({'agrees' if agrees else 'DISAGREES'})"
    where = "from the command line" if commitment == "full" else (
        "the default: the model file gives none")
    assert f"xi_R = 0 ({where})" in out
    if pi is not None:
        assert f"pi = {pi:g} (from the command line)" in out


def test_no_commitment_drops_the_empty_threat_of_2014_2019(capsys):
    # the example: Delta_R = 0.15 > 0, so R would stay after a refusal
    code, out, err = run(capsys, "solve", str(KZ_RU), "--period", "2014–2019", "--draws", "0",
                         "--commitment", "none")
    assert code == 0, err
    row = summary_rows(out)["2014–2019"]
    assert (row["full commitment"], row["under none"], row["credible"]) == (
        "hold-up", "accept", "no")
    assert "E refuses a hold-up; then R stays" in out


def test_full_commitment_prints_exactly_what_the_command_printed_without_it(capsys):
    common = ["solve", str(KZ_RU), "--draws", "500", "--seed", "3"]
    code_a, out_a, err_a = run(capsys, *common)
    code_b, out_b, err_b = run(capsys, *common, "--commitment", "full")
    assert (code_a, out_a, err_a) == (code_b, out_b, err_b)
    assert "; commitment full" in out_a.splitlines()[1]
    # and it is the period game's table: the strategy column is classify's verdict
    rows = summary_rows(out_a)
    for p in CASE.periods:
        assert rows[p.label]["strategy"] == kzgame.Strategy.from_code(
            int(kzgame.classify(**p.values))).value


def test_monte_carlo_share_under_no_commitment_matches_a_per_draw_solve(capsys):
    n, seed = 150, 7
    code, out, err = run(capsys, "solve", str(KZ_RU), "--period", "2020–2021", "--draws",
                         str(n), "--seed", str(seed), "--commitment", "none")
    assert code == 0, err
    draws = case_monte_carlo(CASE, n, seed=seed, keep=True, sensitivity=False)["2020–2021"]
    game = commitment_game("none", "nash")
    point = kzgame.solve(game, **CASE.period("2020–2021").values).outcome
    got = [kzgame.solve(game, **{k: float(np.broadcast_to(v, (n,))[i])
                                 for k, v in draws.samples.items()}).outcome
           for i in range(n)]
    share = got.count(point) / n
    assert 0 < share < 1  # a share that can be wrong
    cell = summary_rows(out)["2020–2021"]["robustness"]
    assert cell.endswith(" %") and float(cell[:-2]) == pytest.approx(100 * share, abs=0.05)
    assert f"robustness: {cell} of draws give {point} under none" in out


def test_the_model_file_gives_pi_and_xi(capsys, tmp_path):
    path = with_commitment(tmp_path, "2014–2019", breakdown_risk=(0.95, 0.5, 1.0),
                           exit_premium=(0.2, 0.0, 0.3))
    case = kzgame.load_case(path)
    values = case.period("2014–2019").values
    code, out, err = run(capsys, "solve", str(path), "--period", "2014–2019", "--draws", "0",
                         "--commitment", "brinkmanship")
    assert code == 0, err
    assert "xi_R = 0.2 (from the model file); pi = 0.95 (from the model file)" in out
    row = summary_rows(out)["2014–2019"]
    assert row["under brinkmanship"] == expected("brinkmanship", "nash", values,
                                                 breakdown_risk=0.95, exit_premium=0.2)
    margin = values["survival"] * case.period("2014–2019").period.stake_r - 0.2
    assert float(row["stay margin"]) == pytest.approx(margin, abs=5e-4)
    # the command line overrides the file
    code, out, err = run(capsys, "solve", str(path), "--period", "2014–2019", "--draws", "0",
                         "--commitment", "brinkmanship", "--breakdown-risk", "0.1",
                         "--exit-premium", "0")
    assert code == 0, err
    assert "xi_R = 0 (from the command line); pi = 0.1 (from the command line)" in out
    assert summary_rows(out)["2014–2019"]["under brinkmanship"] == expected(
        "brinkmanship", "nash", values, breakdown_risk=0.1, exit_premium=0.0)
    # full commitment uses the file's xi_R too (as the report's commitment section does)
    code, out, err = run(capsys, "solve", str(path), "--period", "2014–2019", "--draws", "0")
    assert code == 0, err
    assert "commitment full (" in out and "xi_R = 0.2 (from the model file)" in out
    assert summary_rows(out)["2014–2019"]["under full"] == expected(
        "full", "nash", values, exit_premium=0.2)


# ---------------------------------------------------------------------------
# sweep
# ---------------------------------------------------------------------------


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize("commitment", COMMITMENT_CHOICES)
def test_sweep_codes_are_classify_codes(capsys, tmp_path, commitment):
    target = tmp_path / "grid.csv"
    # brinkmanship: E dispensable enough to refuse, so that a refused hold-up can happen
    y = ["--y", "breakdown_risk=0:1:5", "--set", "indispensability=0.1"] if (
        commitment == "brinkmanship") else ["--y", "indispensability=0:1:5"]
    code, out, err = run(capsys, "sweep", str(KZ_RU), "--period", "2014–2019",
                         "--x", "outside_r=-0.2:0.8:9", *y, "--set", "holdup_cost=0",
                         "--commitment", commitment, "--out", str(target))
    assert code == 0, err
    assert f"; commitment {commitment}" in out
    rows = read_csv(target)
    assert len(rows) == 45
    values = {**CASE.period("2014–2019").values, "holdup_cost": 0.0}
    if commitment == "brinkmanship":
        values["indispensability"] = 0.1
    names = outcome_codes(commitment_game(commitment, "nash")).names
    for r in rows:
        ((xk, xv), (yk, yv)) = [(k, float(v)) for k, v in list(r.items())[:2]]
        want = int(kzgame.classify(commitment=commitment, **{**values, xk: xv, yk: yv}))
        assert (int(r["code"]), r["strategy"]) == (want, names[want]), r
    if commitment == "brinkmanship":  # at pi = 1 with h = 0 a refused hold-up ties exit
        assert any(r["strategy"] == "accept + exit" for r in rows)
        assert "exit_premium=0 (the default" in out


def test_sweep_full_commitment_writes_the_same_csv_as_without_the_option(capsys, tmp_path):
    common = ["sweep", str(KZ_RU), "--period", "2012–2013", "--x", "outside_r=-0.2:0.8:7",
              "--y", "survival=0:1:4"]
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    code_a, out_a, _ = run(capsys, *common, "--out", str(a))
    code_b, out_b, _ = run(capsys, *common, "--commitment", "full", "--out", str(b))
    assert code_a == code_b == 0
    assert a.read_text() == b.read_text()
    assert out_a.replace(str(a), "X") == out_b.replace(str(b), "X")


def test_sweep_through_dask_writes_the_same_csv(capsys, tmp_path):
    pytest.importorskip("dask.array", reason="dask is an optional extra (kzgame[dask])")
    common = ["sweep", str(KZ_RU), "--period", "2014–2019", "--commitment", "brinkmanship",
              "--x", "outside_r=-0.2:0.8:9", "--y", "breakdown_risk=0:1:5", "--set",
              "holdup_cost=0", "--set", "indispensability=0.1", "--chunk", "10"]
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    assert run(capsys, *common, "--out", str(a))[0] == 0
    assert run(capsys, *common, "--dask", "--out", str(b))[0] == 0
    assert a.read_text() == b.read_text() and "accept + exit" in a.read_text()


def test_a_brinkmanship_sweep_result_counts_and_sizes_the_fifth_outcome(tmp_path):
    from kzgame.analysis.sweep import sweep

    base = {**CASE.period("2014–2019").values, "holdup_cost": 0.0, "indispensability": 0.1}
    res = sweep(base, "outside_r", np.linspace(-0.2, 0.8, 9), "breakdown_risk",
                np.linspace(0, 1, 5), commitment="brinkmanship")
    assert res.outcomes[4] == "accept + exit" and res.commitment == "brinkmanship"
    counts = {name: int(np.sum(res.strategies == name)) for name in res.outcomes}
    assert counts["accept + exit"] > 0
    assert res.outcome_shares == {k: c / res.codes.size for k, c in counts.items()}
    assert sum(res.shares.values()) == pytest.approx(1 - counts["accept + exit"] / 45)
    path = res.to_csv(tmp_path / "g.csv")
    assert res.csv_size() == path.stat().st_size
    # the frames keep the names and the assumption, and the xarray round trip restores them
    df = res.to_pandas()
    assert df["strategy"].astype(str).tolist() == res.strategies.ravel().tolist()
    assert df.attrs["commitment"] == "brinkmanship"
    back = type(res).from_xarray(res.to_xarray())
    assert (back.commitment, back.outcomes) == (res.commitment, res.outcomes)
    assert np.array_equal(back.codes, res.codes) and back.fixed == res.fixed


def test_sweep_takes_pi_from_the_model_file(capsys, tmp_path):
    path = with_commitment(tmp_path, "2014–2019", breakdown_risk=(0.95, 0.5, 1.0))
    target = tmp_path / "g.csv"
    code, out, err = run(capsys, "sweep", str(path), "--period", "2014–2019",
                         "--x", "outside_r=0:0.6:4", "--y", "indispensability=0:1:3",
                         "--commitment", "brinkmanship", "--out", str(target))
    assert code == 0, err
    assert "breakdown_risk=0.95" in out
    values = CASE.period("2014–2019").values
    for r in read_csv(target):
        want = int(kzgame.classify(commitment="brinkmanship", breakdown_risk=0.95,
                                   **{**values, "outside_r": float(r["outside_r"]),
                                      "indispensability": float(r["indispensability"])}))
        assert int(r["code"]) == want


# ---------------------------------------------------------------------------
# Bad input: one line, the package's exit status, nothing written
# ---------------------------------------------------------------------------

SOLVE = ["solve", str(KZ_RU), "--draws", "0"]


@pytest.mark.parametrize(("argv", "status", "fragments"), [
    ([*SOLVE, "--commitment", "maybe"], 2, ["invalid choice: 'maybe'", "brinkmanship"]),
    ([*SOLVE, "--commitment", "brinkmanship"], 1,
     ["needs breakdown_risk", "'1991–1995'", "--breakdown-risk PI"]),
    ([*SOLVE, "--commitment", "brinkmanship", "--breakdown-risk", "1.5"], 1,
     ["breakdown_risk = 1.5 is outside the allowed range [0, 1]"]),
    ([*SOLVE, "--commitment", "brinkmanship", "--breakdown-risk", "-0.1"], 1,
     ["breakdown_risk = -0.1 is outside the allowed range [0, 1]"]),
    ([*SOLVE, "--commitment", "brinkmanship", "--breakdown-risk", "nan"], 2,
     ["'nan' is not a finite number"]),
    ([*SOLVE, "--commitment", "brinkmanship", "--breakdown-risk", "high"], 2,
     ["'high' is not a number"]),
    ([*SOLVE, "--commitment", "none", "--breakdown-risk", "0.5"], 2,
     ["--breakdown-risk is a parameter of --commitment brinkmanship only"]),
    ([*SOLVE, "--breakdown-risk", "0.5"], 2, ["not of --commitment full"]),
    ([*SOLVE, "--commitment", "none", "--exit-premium", "inf"], 2, ["not a finite number"]),
    (["solve", str(MODELS / "eaeu_members.toml"), "--commitment", "none"], 1,
     ["members file", "full commitment only"]),
])
def test_solve_bad_input(capsys, argv, status, fragments):
    code, out, err = run(capsys, *argv)
    assert code == status
    one_line_error(err, *fragments)
    assert out == ""


SWEEP = ["sweep", str(KZ_RU), "--period", "2014–2019", "--x", "outside_r=0:1:3"]


@pytest.mark.parametrize(("argv", "status", "fragments"), [
    ([*SWEEP, "--y", "share=0:1:3", "--commitment", "brinkmanship"], 1,
     ["missing parameter(s): breakdown_risk"]),
    ([*SWEEP, "--y", "breakdown_risk=0:2:3", "--commitment", "brinkmanship"], 1,
     ["breakdown_risk = 2.0 is outside the allowed range [0, 1]"]),
    ([*SWEEP, "--y", "share=0:1:3", "--commitment", "brinkmanship", "--set",
      "breakdown_risk=-1"], 1, ["breakdown_risk = -1.0 is outside the allowed range [0, 1]"]),
    ([*SWEEP, "--y", "breakdown_risk=0:1:3", "--commitment", "none"], 1,
     ["breakdown_risk: not a parameter of the period game under commitment 'none'"]),
    ([*SWEEP, "--y", "breakdown_risk=0:1:3"], 1,
     ["breakdown_risk: not a parameter of the period game under commitment 'full'"]),
    ([*SWEEP, "--y", "share=0:1:3", "--commitment", "never"], 2, ["invalid choice: 'never'"]),
    ([*SWEEP, "--y", "charm=0:1:3"], 2, ["'charm' is not a parameter", "exit_premium"]),
])
def test_sweep_bad_input(capsys, tmp_path, argv, status, fragments):
    target = tmp_path / "g.csv"
    code, out, err = run(capsys, *argv, "--out", str(target))
    assert code == status
    one_line_error(err, *fragments)
    assert not target.exists()
