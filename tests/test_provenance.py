"""The reports' reproducibility block: versions, command, seed, the model file's SHA-256."""

from __future__ import annotations

import hashlib
import platform
import re
import shutil
from pathlib import Path

import numpy as np
import sympy

import kzgame
from kzgame.io.cases import load_case
from kzgame.io.provenance import provenance
from kzgame.io.report import write_report

ROOT = Path(__file__).resolve().parents[1]
TOY = ROOT / "tests" / "data" / "toy_case.toml"


def _block(text: str) -> str:
    return text[text.index("## Reproducibility"):]


def _report(model: Path, out: Path) -> str:
    case = load_case(model, seeds=False)
    files = write_report(case, out, n=300, seed=5)
    return files.report.read_text(encoding="utf-8")


def test_block_records_versions_command_seed_and_checksum(tmp_path):
    model = tmp_path / "case.toml"
    shutil.copyfile(TOY, model)
    block = _block(_report(model, tmp_path / "r1"))
    digest = hashlib.sha256(model.read_bytes()).hexdigest()
    assert f"| SHA-256 of the model file | `{digest}` |" in block
    assert f"| kzgame version | {kzgame.__version__} |" in block
    assert f"| python version | {platform.python_version()} |" in block
    assert f"| numpy version | {np.__version__} |" in block
    assert f"| sympy version | {sympy.__version__} |" in block
    assert re.search(r"\| numba version \| \S+ \|", block)
    assert "| Seed | 5 |" in block
    assert "--seed 5" in block and str(model) in block


def test_block_changes_when_the_model_file_changes(tmp_path):
    model = tmp_path / "case.toml"
    shutil.copyfile(TOY, model)
    first = _report(model, tmp_path / "r1")
    again = _report(model, tmp_path / "r1")
    assert _block(again) == _block(first)  # same file, same block
    # one byte more (a comment): the results are the same, the checksum is not
    model.write_bytes(model.read_bytes() + b"\n# edited\n")
    second = _report(model, tmp_path / "r1")
    assert _block(second) != _block(first)
    old = re.search(r"SHA-256 of the model file \| `([0-9a-f]{64})`", first).group(1)
    new = re.search(r"SHA-256 of the model file \| `([0-9a-f]{64})`", second).group(1)
    assert old != new and new == hashlib.sha256(model.read_bytes()).hexdigest()
    # everything before the block is unchanged: the edit was a comment
    assert first[:first.index("## Reproducibility")] == second[:second.index("## Reproducibility")]


def test_text_case_and_pipes():
    p = provenance(None, command="kzgame report 'a|b.toml'", seed=None)
    md = "\n".join(p.markdown())
    assert "(text, no file)" in md and "a\\|b.toml" in md and "| Seed | — |" in md
