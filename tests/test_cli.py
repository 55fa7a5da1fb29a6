"""The kzgame command end to end, in a temporary folder: exit codes, output files,
valid PNGs, one-line errors without tracebacks."""

from __future__ import annotations

import csv
import re
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from kzgame.io.cases import load_case
from kzgame.io.cli import main

ROOT = Path(__file__).resolve().parent.parent
TOY = ROOT / "tests" / "data" / "toy_case.toml"
KZ_RU = ROOT / "models" / "kazakhstan_russia.toml"
PACKAGE = ROOT / "kzgame"


def png_size(path: Path) -> tuple[int, int]:
    """Width and height of a PNG, after checking its signature and IHDR chunk."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    assert data[12:16] == b"IHDR"
    assert data.endswith(b"IEND\xaeB`\x82"), f"{path} is truncated"
    return struct.unpack(">II", data[16:24])


def assert_valid_png(path: Path, min_bytes: int = 20_000) -> None:
    w, h = png_size(path)
    assert 600 <= w <= 6000 and 300 <= h <= 6000, (w, h)
    assert path.stat().st_size >= min_bytes
    import matplotlib.image

    img = matplotlib.image.imread(path)  # decodes the whole file
    assert img.shape[:2] == (h, w)
    assert img.std() > 0.05  # not a blank canvas


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(err: str, *fragments: str) -> None:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("kzgame: error: ")
    assert "Traceback" not in err
    for f in fragments:
        assert f in lines[0], (f, lines[0])


# ---------------------------------------------------------------------------
# Help
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("command", [[], ["solve"], ["check"], ["sweep"], ["plot"], ["report"]])
def test_help(capsys, command):
    with pytest.raises(SystemExit) as info:
        main([*command, "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: kzgame")
    if command:
        assert "--protocol" in out
    else:
        for name in ("solve", "check", "sweep", "plot", "report"):
            assert name in out


def test_no_command_prints_help(capsys):
    code, out, err = run(capsys)
    assert code == 2 and "usage: kzgame" in err


def test_version(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.startswith("kzgame ")


# ---------------------------------------------------------------------------
# solve and check
# ---------------------------------------------------------------------------


def test_solve(capsys):
    code, out, err = run(capsys, "solve", str(TOY), "--draws", "3000")
    assert code == 0 and err == ""
    case = load_case(TOY, seeds=False)
    for p in case.periods:
        r = p.solve()
        assert f"== {p.label} (2" in out
        assert f"Delta_R = {r.stake_r:.3f}" in out
        assert f"G_I = {r.gain_invest:.3f}" in out
    summary = out.split("Summary")[1].splitlines()
    rows = {line.split()[0]: line.split() for line in summary[3:] if line.strip()}
    assert rows["early"][7] == "invest" and rows["early"][8] == "invest"
    assert rows["late"][7] == "hold-up" and rows["late"][8] == "hold-up"
    assert "(agrees)" in out and "robustness:" in out and "%" in rows["late"][-2] + rows["late"][-1]
    for name in ("surplus", "indispensability", "holdup_cost", "toy_a.txt:3"):
        assert name in out


def test_solve_one_period_without_monte_carlo(capsys):
    code, out, err = run(capsys, "solve", str(TOY), "--period", "late", "--draws", "0",
                         "--protocol", "ultimatum")
    assert code == 0
    assert "== late" in out and "== early" not in out and "robustness:" not in out
    assert "protocol ultimatum" in out


def test_solve_warns_about_an_unrecorded_mismatch(capsys, tmp_path):
    bad = tmp_path / "mismatch.toml"
    bad.write_text(TOY.read_text().replace('verdict = "invest"', 'verdict = "accept"'))
    (tmp_path / "seeds").symlink_to(TOY.parent / "seeds")
    code, out, err = run(capsys, "solve", str(bad), "--draws", "0")
    assert code == 0 and "(DISAGREES)" in out
    assert err.startswith("kzgame: warning:") and "no finding is recorded" in err
    code, out, err = run(capsys, "check", str(bad))
    assert code == 1
    assert_one_line_error(err, "mismatch.toml", "period 'early'", "record the disagreement")


def test_check(capsys):
    files = [str(TOY), *map(str, sorted((ROOT / "models").glob("*.toml")))]
    code, out, err = run(capsys, "check", *files)
    assert code == 0, err
    assert out.count(": ok (") == len(files)


# ---------------------------------------------------------------------------
# sweep
# ---------------------------------------------------------------------------


def test_sweep(capsys, tmp_path):
    target = tmp_path / "out" / "grid.csv"
    code, out, err = run(capsys, "sweep", str(TOY), "--period", "late",
                         "--x", "outside_r=-0.5:0.5:21", "--y", "indispensability=0:1:11",
                         "--set", "holdup_cost=0", "--out", str(target), "--progress")
    assert code == 0, err
    assert "sweep: 100% (231/231 points)" in err
    with target.open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 21 * 11
    assert {r["strategy"] for r in rows} >= {"invest", "hold-up"}
    assert "holdup_cost=0" in out and "power=0.4" in out and "wrote 231 points" in out


def test_sweep_with_dask_writes_the_same_csv(capsys, tmp_path):
    pytest.importorskip("dask.array", reason="dask is an optional extra (kzgame[dask])")
    common = [str(TOY), "--period", "early", "--x", "outside_r=-0.5:0.5:13",
              "--y", "survival=0:1:7", "--chunk", "20"]
    assert run(capsys, "sweep", *common, "--out", str(tmp_path / "a.csv"))[0] == 0
    assert run(capsys, "sweep", *common, "--dask", "--out", str(tmp_path / "b.csv"))[0] == 0
    assert (tmp_path / "a.csv").read_text() == (tmp_path / "b.csv").read_text()


def test_sweep_without_file(capsys, tmp_path):
    target = tmp_path / "grid.csv"
    code, out, err = run(capsys, "sweep", "--x", "outside_r=-0.5:0.5:5",
                         "--y", "survival=0:1:3", "--out", str(target),
                         "--set", "share=0.5", "--set", "outside_e=0",
                         "--set", "indispensability=0.9", "--set", "invest_cost=0.05")
    assert code == 0, err
    assert len(target.read_text().splitlines()) == 1 + 15


@pytest.mark.parametrize(("argv", "status", "fragments"), [
    (["--x", "outside_r=0:1", "--y", "share=0:1:3"], 2, ["NAME=LOW:HIGH:NUM"]),
    (["--x", "charm=0:1:3", "--y", "share=0:1:3"], 2, ["'charm' is not a parameter"]),
    (["--x", "outside_r=0:1:0", "--y", "share=0:1:3"], 2, ["at least 1"]),
    (["--x", "outside_r=0:one:3", "--y", "share=0:1:3"], 2, ["is not a number"]),
    (["--x", "outside_r=0:1:3", "--y", "share=0:2:3", "--set", "outside_e=0",
      "--set", "indispensability=1", "--set", "survival=1", "--set", "invest_cost=0"], 1,
     ["share = 2.0 is outside the allowed range [0, 1]"]),
    (["--x", "outside_r=0:1:3", "--y", "share=0:1:3"], 1, ["missing parameter(s)"]),
    (["--x", "outside_r=0:1:3", "--y", "share=0:1:3", "--set", "share"], 2, ["NAME=VALUE"]),
    (["--x", "outside_r=0:1:3"], 2, ["required: --y"]),
])
def test_sweep_errors(capsys, tmp_path, argv, status, fragments):
    code, out, err = run(capsys, "sweep", *argv, "--out", str(tmp_path / "g.csv"))
    assert code == status
    assert_one_line_error(err, *fragments)
    assert not (tmp_path / "g.csv").exists()


def test_sweep_needs_a_period_for_a_multi_period_file(capsys, tmp_path):
    code, out, err = run(capsys, "sweep", str(TOY), "--x", "outside_r=0:1:3",
                         "--y", "share=0:1:3", "--out", str(tmp_path / "g.csv"))
    assert code == 1
    assert_one_line_error(err, "has 2 periods", "--period", "early, late")


# ---------------------------------------------------------------------------
# plot and report
# ---------------------------------------------------------------------------


def test_plot(capsys, tmp_path):
    out_dir = tmp_path / "figs"
    code, out, err = run(capsys, "plot", str(TOY), "--out", str(out_dir), "--draws", "2000")
    assert code == 0, err
    for name in ("phase.png", "robustness.png", "sensitivity.png"):
        assert_valid_png(out_dir / name)
        assert f"wrote {out_dir / name}" in out
    assert png_size(out_dir / "phase.png")[0] >= 1200  # two panels side by side


def test_report_kazakhstan_russia(capsys, tmp_path):
    out_dir = tmp_path / "report"
    code, out, err = run(capsys, "report", str(KZ_RU), "--out", str(out_dir),
                         "--draws", "2000", "--seed", "3")
    assert code == 0, err
    files = {p.name for p in out_dir.iterdir()}
    assert files == {"report.md", "phase.png", "robustness.png", "sensitivity.png",
                     "thresholds.tex", "periods.csv", "dynamic_timeline.png",
                     "beliefs-1.png"}  # [periods.beliefs]
    for name in ("phase.png", "robustness.png", "sensitivity.png", "beliefs-1.png"):
        assert_valid_png(out_dir / name)
    md = (out_dir / "report.md").read_text(encoding="utf-8")
    case = load_case(KZ_RU, seeds=False)
    assert md.startswith(f"# {case.name}")
    for p in case.periods:
        assert f"| {p.label} |" in md and f"### {p.label}" in md
        r = p.solve()
        assert f"**{r.strategy.value}**" in md
    assert "invest (agrees)" in md and "hold-up (agrees)" in md
    for link in ("](phase.png)", "](robustness.png)", "](sensitivity.png)"):
        assert link in md
    assert "$$" in md and r"\iota^*" in md and r"\Delta_{R}" in md
    assert "--draws 2000 --seed 3" in md
    from kzgame.io.validation import validate

    c = validate(case, draws=0).counts
    assert (f"the model reproduces {c['agree_out_of_sample']} of {c['out_of_sample']} source "
            "verdicts") in md
    assert "## Validation" in md and "Informed by the verdict" in md
    # The source list is built from the references.
    assert "## The case" in md and "References:" in md
    for ref in case.references.values():
        assert f"`{ref.key}`: {ref.author} ({ref.year})" in md
    assert "Dots: 1,500 of the period's 2,000 Monte Carlo draws" in md
    # Provenance of every parameter is in the appendix.
    assert "000_9a37ca83d57f535e.txt:122" in md  # a verdict source
    tex = (out_dir / "thresholds.tex").read_text()
    assert tex.count(r"\begin{align}") == tex.count(r"\end{align}") >= 1
    with (out_dir / "periods.csv").open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["period"] for r in rows] == list(case.labels)
    assert [r["strategy"] for r in rows] == [p.solve().strategy.value for p in case.periods]
    shares = [sum(float(r[f"share_{s}"]) for s in ("accept", "invest", "hold-up", "exit"))
              for r in rows]
    assert shares == pytest.approx([1.0] * len(rows))


def test_phase_diagram_legend_names_only_what_is_drawn():
    """The arrow's legend entry only where there are arrows (two periods or more)."""
    from kzgame.io.plots import phase_diagram

    one = load_case(KZ_RU.parent / "uzbekistan_eaeu.toml", seeds=False)
    assert len(one.periods) == 1
    many = load_case(KZ_RU, seeds=False)
    for case, arrows in ((one, 0), (many, len(many.periods) - 1)):
        fig = phase_diagram(case, n=300, resolution=(40, 25))
        legend = [t.get_text() for t in fig.legends[0].get_texts()]
        drawn = [t for t in fig.axes[0].texts if t.arrow_patch is not None and not t.get_text()]
        assert len(drawn) == arrows
        assert ("the periods in time order" in legend) == (arrows > 0)


def test_phase_diagram_axes(capsys, tmp_path):
    """auto uses the stake ratio, or the balance when some period has Delta_E <= 0."""
    from kzgame.io.plots import phase_diagram

    case = load_case(TOY, seeds=False)
    fig = phase_diagram(case, n=500)
    assert fig.axes[0].get_xlabel().startswith("$\\Delta_R / \\Delta_E$")
    assert fig.axes[0].get_ylabel().startswith("$\\iota$")
    assert len([ax for ax in fig.axes if ax.get_visible()]) == 2
    # E's outside option above its share: Delta_E = 0.5 - 0.6 < 0 in the early period.
    text = TOY.read_text().replace("value = 0.0\nrange = [-0.15, 0.15]",
                                   "value = 0.6\nrange = [0.5, 0.7]")
    bad = tmp_path / "negative.toml"
    bad.write_text(text)
    case = load_case(bad, seeds=False)
    assert case.period("early").period.stake_e < 0
    fig = phase_diagram(case, n=500)
    assert fig.axes[0].get_xlabel().startswith("$\\Delta_R - \\Delta_E$")
    code, out, err = run(capsys, "plot", str(bad), "--out", str(tmp_path / "f"), "--draws",
                         "500", "--x-axis", "ratio")
    assert code == 1
    assert_one_line_error(err, "Delta_E <= 0 in period(s) early", "balance axis")
    code, out, err = run(capsys, "plot", str(bad), "--out", str(tmp_path / "f"), "--draws",
                         "500")
    assert code == 0, err
    assert_valid_png(tmp_path / "f" / "phase.png")


def test_plot_refuses_the_package_folder(capsys):
    target = PACKAGE / "figures-should-not-be-here"
    code, out, err = run(capsys, "plot", str(TOY), "--out", str(target), "--draws", "100")
    assert code == 1
    assert_one_line_error(err, "refusing to write into the kzgame package")
    assert not target.exists()


def test_output_folder_that_cannot_be_created(capsys, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, out, err = run(capsys, "report", str(TOY), "--out", str(blocker / "sub"),
                         "--draws", "100")
    assert code == 1
    assert_one_line_error(err, "cannot create output folder")


# ---------------------------------------------------------------------------
# User errors: one line, non-zero exit, nothing run
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["solve", "plot", "report"])
def test_missing_file(capsys, tmp_path, command):
    extra = [] if command == "solve" else ["--out", str(tmp_path / "o")]
    code, out, err = run(capsys, command, str(tmp_path / "nope.toml"), *extra)
    assert code == 1
    assert_one_line_error(err, "nope.toml: cannot read")


@pytest.mark.parametrize(("argv", "fragments"), [
    (["solve", str(TOY), "--protocol", "haggle"], ["invalid choice: 'haggle'"]),
    (["solve", str(TOY), "--draws", "many"], ["invalid int value"]),
    (["solve", str(TOY), "--distribution", "normal"], ["invalid choice"]),
    (["plot", str(TOY)], ["required: --out"]),
    (["frobnicate"], ["invalid choice: 'frobnicate'"]),
    (["solve", str(TOY), "--colour", "red"], ["unrecognized arguments"]),
])
def test_usage_errors(capsys, argv, fragments):
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert_one_line_error(err, *fragments)


def test_data_errors(capsys, tmp_path):
    code, out, err = run(capsys, "solve", str(TOY), "--period", "middle")
    assert code == 1
    assert_one_line_error(err, "no period 'middle'")
    code, out, err = run(capsys, "solve", str(TOY), "--protocol", "rubinstein", "--draws", "0")
    assert code == 1
    assert_one_line_error(err, "protocol 'rubinstein' needs discount_r")
    code, out, err = run(capsys, "plot", str(TOY), "--out", str(tmp_path), "--draws", "0")
    assert code == 1
    assert_one_line_error(err, "--draws 0")
    code, out, err = run(capsys, "solve", str(TOY), "--seed", "-1", "--draws", "10")
    assert code == 1
    assert_one_line_error(err, "seed = -1")


def test_hostile_model_file_runs_nothing(capsys, tmp_path, monkeypatch):
    # A relative marker keeps the expression short whatever the temporary folder's
    # path (an expression over the length cap is refused before it is parsed).
    monkeypatch.chdir(tmp_path)
    marker = tmp_path / "pwned"
    bad = tmp_path / "hostile.toml"
    bad.write_text(TOY.read_text().replace(
        "value = 0.45", "value = \"__import__('os').system('touch pwned')\""))
    for argv in (["solve", str(bad)], ["report", str(bad), "--out", str(tmp_path / "r")],
                 ["check", str(bad)]):
        code, out, err = run(capsys, *argv)
        assert code == 1
        assert_one_line_error(err, "hostile.toml", "period 'late'", "params.share.value",
                              "Call is not allowed")
        assert not marker.exists()
    assert not (tmp_path / "r" / "report.md").exists()


def test_installed_entry_point_one_line_error(tmp_path):
    """The real process: exit status and stderr, without pytest's capture in between."""
    proc = subprocess.run(
        [sys.executable, "-c", "import sys; from kzgame.io.cli import main; sys.exit(main())",
         "solve", str(tmp_path / "nope.toml")],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert_one_line_error(proc.stderr, "nope.toml: cannot read")


# ---------------------------------------------------------------------------
# new, and check listing every problem
# ---------------------------------------------------------------------------


def test_new_writes_a_template_that_checks(capsys, tmp_path):
    target = tmp_path / "mine.toml"
    code, out, err = run(capsys, "new", str(target), "--name", "Mine")
    assert code == 0 and target.exists()
    assert "# " in target.read_text()
    code, out, err = run(capsys, "check", str(target))
    assert code == 0, err
    assert "ok (1 period; 1 of 1" in out and "out of sample" in out
    code, out, err = run(capsys, "new", str(target))
    assert code == 1 and "exists" in err


def test_check_lists_every_problem_at_once(capsys, tmp_path):
    from kzgame.io.cases import template

    text = template().replace('verdict = "invest"', 'verdict = "accept"')
    # A second and a third period: one with a bad coding level, one fine.
    second = text[text.index("[[periods]]"):]
    text += "\n" + second.replace("2000–2004", "2005").replace("start = 2000", "start = 2005") \
        .replace("end = 2004", "end = 2005").replace('level = "indispensable"', 'level = "x"')
    text += "\n" + second.replace("2000–2004", "2006").replace("start = 2000", "start = 2006") \
        .replace("end = 2004", "end = 2006")
    bad = tmp_path / "bad.toml"
    bad.write_text(text, encoding="utf-8")
    code, out, err = run(capsys, "check", str(bad))
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 3, err
    by_period = {re.search(r"period '([^']+)'", line)[1]: line for line in lines}
    assert "record the disagreement" in by_period["2000–2004"]
    assert "codings.perception.level" in by_period["2005"]
    assert "record the disagreement" in by_period["2006"]
    assert "bad.toml: 3 problems" in out


def test_check_flags_a_stale_finding(capsys, tmp_path):
    from kzgame.io.cases import template

    text = template().replace(
        "# finding = {", 'finding = { text = "the model used to miss this", protocols = ["nash"] }'
        "\n# x = {")
    stale = tmp_path / "stale.toml"
    stale.write_text(text, encoding="utf-8")
    code, out, err = run(capsys, "check", str(stale))
    assert code == 0
    assert "stale finding" in err and "period '2000–2004'" in err
    code, out, err = run(capsys, "check", str(stale), "--protocol", "ultimatum")
    assert "stale finding" not in err


def test_report_shows_override_reasons_and_validation(capsys, tmp_path):
    from kzgame.io.cases import template

    text = template() + """
[periods.params.indispensability]
value = 0.7
range = [0.5, 0.9]
source = ["assumption"]
indicator = "x"
reasoning = "y"
informed_by_verdict = true
override = "E courted a second partner that year"
"""
    path = tmp_path / "mine.toml"
    path.write_text(text, encoding="utf-8")
    code, out, err = run(capsys, "report", str(path), "--out", str(tmp_path / "r"),
                         "--draws", "300")
    assert code == 0, err
    md = (tmp_path / "r" / "report.md").read_text(encoding="utf-8")
    assert "Override of the codebook's `indispensability`: E courted a second partner" in md
    assert "indispensability (o) *" in md          # an override, informed by the verdict
    assert "| 2000–2004 | invest |" in md and "| indispensability |" in md
    assert "0 of 0 source verdicts" in md          # the one period is not out of sample
    assert "`kastner2016`: Kastner, Scott L." in md


@pytest.mark.parametrize(("x", "y"), [
    ("outside_r=-1:1:100000", "indispensability=0:1:100000"),   # 1e10 points
    ("outside_r=-1:1:10000000000", "indispensability=0:1:1"),   # one axis of 1e10 values
])  # fmt: skip
def test_sweep_too_large_is_refused_before_building_axes_or_folders(capsys, tmp_path, x, y):
    """The grid's size is checked from the axes' lengths before any array or folder exists."""
    target = tmp_path / "new-folder" / "grid.csv"
    code, out, err = run(capsys, "sweep", "--x", x, "--y", y, "--set", "share=0.5",
                         "--set", "outside_e=0", "--set", "survival=0.5",
                         "--set", "invest_cost=0", "--out", str(target))
    assert code == 1
    assert_one_line_error(err, "points would need about", "GiB of memory")
    assert not target.parent.exists()
