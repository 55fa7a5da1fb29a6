"""Issue 15, safety of outputs: text from a model file is escaped where it lands.

A model file with hostile text (HTML, Markdown table and link syntax, spreadsheet
formulas, terminal control sequences, LaTeX specials) in the case's name, the powers,
the description, a period label, a finding, notes, a parameter's indicator and
reasoning, and a reference, is solved, checked and reported; no output obeys it."""

from __future__ import annotations

import csv
import re
import shutil
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kzgame.io._format import latex, md_block, md_code, md_fence, md_inline, terminal
from kzgame.io.cases import load_case
from kzgame.io.cli import main

ROOT = Path(__file__).resolve().parent.parent
TOY = ROOT / "tests" / "data" / "toy_case.toml"

#: Hostile text, as TOML basic-string bodies (escapes are TOML's).
NAME = r'<script>alert(1)</script> | =HYPERLINK(\"http://x\") \u001b[31mred\r\b'
LABEL = r'=cmd|\" /C calc\"!A0 <b>x</b> | \u001b]0;pwn\u0007 \u009b2J # $\\frac{1}{0}$'
FINDING = (r'</td><img src=x onerror=alert(1)> | [click](http://evil) ![i](x.png)\n'
           r'# heading\n\n- item `code` *em* \u001b[2J\r\u202eevil')
NOTES = r'\r\u001b[1A @SUM(A1) 50% of $x_1$ & {y}^2 # ~ \\input{/etc/passwd} | <iframe>'
SPECIALS = "\\{}$&#^_~%"


def hostile_file(tmp_path: Path) -> Path:
    text = TOY.read_text(encoding="utf-8")
    text = text.replace('name = "Toy–Dyad"', f'name = "{NAME}"')
    text = text.replace('rising = "Rising"', 'rising = "<u>R</u> \\u001b[0m"')
    text = text.replace('description = "A two-period', 'description = "<div>\\n\\n# x | y\\n\\n'
                        'A two-period')
    text = text.replace('label = "early"', f'label = "{LABEL}"')
    text = text.replace('notes = "Poor outside options for R."',
                        f'notes = "{NOTES}"\nfinding = "{FINDING}"')
    text = text.replace('indicator = "Toy indicator of the split."',
                        'indicator = "| a | b | <script>"', 1)
    text = text.replace('reasoning = "R draws a little less."',
                        'reasoning = "=1+1 \\n\\n| x | \\u001b[31m"')
    text = text.replace("schema = 1", 'schema = 1\n\n[references.evil]\n'
                        'author = "<script>Evil</script>"\nyear = 2020\n'
                        'title = "*[x](javascript:alert(1))* | `t`"\nkind = "article"\n'
                        'journal = "=cmd | <b>"\n', 1)
    (tmp_path / "model").mkdir()
    shutil.copytree(TOY.parent / "seeds", tmp_path / "model" / "seeds")
    path = tmp_path / "model" / "hostile.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def hostile(tmp_path):
    path = hostile_file(tmp_path)
    case = load_case(path)  # the hostile text loads: it is data, not an error
    assert "<script>" in case.name and "\x1b" in case.periods[0].label
    assert "\r" in case.periods[0].notes and "<img" in case.periods[0].finding
    return path


def _run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _no_control(text: str) -> None:
    bad = [c for c in text if c != "\n" and unicodedata.category(c) == "Cc"]
    assert not bad, bad
    assert "\u202e" not in text


# ---------------------------------------------------------------------------
# Terminal
# ---------------------------------------------------------------------------


def test_solve_prints_no_control_characters(capsys, hostile):
    code, out, err = _run(capsys, "solve", str(hostile), "--draws", "200")
    assert code == 0, err
    _no_control(out)
    _no_control(err)
    assert "\\x1b" in out  # shown, not obeyed
    assert "<script>alert(1)</script>" in out  # the text is still there, visibly


def test_check_prints_no_control_characters(capsys, hostile):
    code, out, err = _run(capsys, "check", str(hostile))
    _no_control(out)
    _no_control(err)
    assert "Traceback" not in err


def test_errors_quoting_model_text_print_no_control_characters(capsys, hostile):
    code, out, err = _run(capsys, "solve", str(hostile), "--period", "no\x1b[2Jsuch\rperiod")
    assert code == 1
    _no_control(out)
    _no_control(err)
    assert len(err.strip().splitlines()) == 1


def test_sweep_period_list_prints_no_control_characters(capsys, hostile, tmp_path):
    code, _, err = _run(capsys, "sweep", str(hostile), "--x", "share=0:1:3",
                        "--y", "indispensability=0:1:3", "--out", str(tmp_path / "s.csv"))
    assert code == 1
    _no_control(err)
    assert len(err.strip().splitlines()) == 1


@given(st.text())
def test_terminal_leaves_no_control_character(text):
    out = terminal(text)
    _no_control(out)
    assert "\n" not in out
    if all(unicodedata.category(c) != "Cc" for c in text) and "\u202e" not in text:
        assert out == text or any(c in text for c in "\u2028\u2029\u200e\u200f\u2066")


# ---------------------------------------------------------------------------
# Report: Markdown, CSV, LaTeX
# ---------------------------------------------------------------------------


@pytest.fixture
def report(capsys, hostile, tmp_path):
    out_dir = tmp_path / "report"
    code, out, err = _run(capsys, "report", str(hostile), "--out", str(out_dir),
                          "--draws", "300")
    assert code == 0, err
    _no_control(out)
    _no_control(err)
    return out_dir


def _tables(md: str) -> list[list[str]]:
    """The Markdown tables: lists of consecutive lines starting with '|'."""
    tables, cur = [], []
    for line in md.splitlines():
        if line.startswith("|"):
            cur.append(line)
        elif cur:
            tables.append(cur)
            cur = []
    return tables + ([cur] if cur else [])


def _columns(row: str) -> int:
    """Cells of a GFM table row: split on | not escaped by a backslash."""
    return len(re.split(r"(?<!\\)\|", row.strip())) - 2


def test_report_markdown_has_no_raw_html_or_injected_markup(report):
    md = (report / "report.md").read_text(encoding="utf-8")
    for raw in ("<script", "<img", "<iframe", "<div", "<b>", "<u>", "</td>"):
        assert raw not in md.lower()
    assert "&lt;script&gt;" in md and "&lt;img src=x" in md
    assert not re.search(r"(?<!\\)\]\(", md.replace("](phase.png)", "").replace(
        "](robustness.png)", "").replace("](sensitivity.png)", "").replace(
        "](dynamic_timeline.png)", ""))  # no link but the figures
    assert "\\[click\\](http://evil)" in md
    assert "\n# heading" not in md and "\n# x" not in md
    headings = [line for line in md.splitlines() if line.startswith("# ")]
    assert len(headings) == 1  # only the title
    _no_control(md)


def test_report_tables_keep_their_column_count(report):
    md = (report / "report.md").read_text(encoding="utf-8")
    tables = _tables(md)
    assert len(tables) >= 5
    for t in tables:
        n = _columns(t[0])
        assert all(_columns(row) == n for row in t), t
    assert "=cmd&#124;" in md  # the label's | did not split its cell


def test_report_csv_has_no_formula_cells(report):
    with (report / "periods.csv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert len(rows) == 3
    assert rows[1][0].startswith("'=cmd")  # the hostile label, inert
    for row in rows[1:]:
        for cell in row:
            try:
                float(cell)
            except ValueError:
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


def test_report_latex_carries_no_model_text(report):
    tex = (report / "thresholds.tex").read_text(encoding="utf-8")
    for fragment in ("script", "cmd", "HYPERLINK", "passwd", "evil", "\x1b"):
        assert fragment not in tex
    assert tex.count(r"\begin{align}") == tex.count(r"\end{align}")
    assert tex.count("{") == tex.count("}")


# ---------------------------------------------------------------------------
# The escapers themselves
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("ch", list(SPECIALS))
def test_latex_escapes_every_special(ch):
    out = latex(f"a{ch}b")
    assert out != f"a{ch}b"
    # what is left, once the escapes are removed, has no special character
    rest = re.sub(r"\\(textbackslash|textasciicircum|textasciitilde|textless|textgreater|"
                  r"textbar)\{\}|\\[{}$&#_%]", "", out)
    assert rest == "ab"


@given(st.text())
def test_latex_output_has_only_escaped_specials(text):
    out = latex(text)
    rest = re.sub(r"\\(textbackslash|textasciicircum|textasciitilde|textless|textgreater|"
                  r"textbar)\{\}|\\[{}$&#_%]", "", out)
    assert not any(c in rest for c in SPECIALS + "<>|")
    assert "\n" not in out
    _no_control(out)


@given(st.text())
def test_md_inline_is_one_line_without_html_or_unescaped_pipes(text):
    out = md_inline(text)
    assert "\n" not in out and "\r" not in out
    assert "<" not in out and ">" not in out and "|" not in out
    assert not out.startswith(("#", "-", "+", "=", ">", "*"))
    # every markup character is escaped by a backslash (an escaped backslash counts)
    stripped = re.sub(r"\\.", "", out)
    assert not any(c in stripped for c in "`*[]!$~")


def test_md_block_keeps_paragraphs_and_escapes_each():
    assert md_block("a <b>\n\n# c\n\n\n- d") == "a &lt;b&gt;\n\n\\# c\n\n\\- d"
    assert md_inline("1. x") == "1\\. x" and md_inline("12) y") == "12\\) y"


def test_md_code_and_fence_hold_any_backticks():
    assert md_code("a``b") == "``` a``b ```"
    lines = md_fence("echo ```x```\nls", "console")
    assert lines[0] == "````console" and lines[-1] == "````" and len(lines) == 4
