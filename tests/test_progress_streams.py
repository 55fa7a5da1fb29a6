"""Issue 15, progress on long work: the sweep's progress (tqdm, or the plain line without
it) goes to stderr only; stdout keeps its summary lines and the CSV its rows, byte-clean.
Run as the ``kzgame`` command in a fresh interpreter, on the real file descriptors."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from kzgame.analysis.sweep import sweep

ROOT = Path(__file__).resolve().parents[1]
ARGS = ["sweep", "--x", "outside_r=-0.5:0.5:41", "--y", "indispensability=0:1:23",
        "--set", "share=0.5", "--set", "outside_e=0", "--set", "survival=0.8",
        "--set", "invest_cost=0.05", "--chunk", "100", "--progress"]


def run_cli(tmp_path: Path, with_tqdm: bool) -> tuple[str, str, Path]:
    target = tmp_path / f"grid-{with_tqdm}.csv"
    block = "" if with_tqdm else "sys.modules['tqdm'] = None\n"
    code = (f"import sys\n{block}from kzgame.io.cli import main\n"
            f"raise SystemExit(main({[*ARGS, '--out', str(target)]!r}))")
    env = dict(os.environ, PYTHONPATH=str(ROOT), KZGAME_CACHE_DIR=str(tmp_path / "cache"))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout, done.stderr, target


@pytest.mark.parametrize("with_tqdm", [True, False], ids=["tqdm", "plain line"])
def test_progress_goes_to_stderr_and_leaves_stdout_and_the_csv_clean(tmp_path, with_tqdm):
    if with_tqdm:
        pytest.importorskip("tqdm", reason="tqdm is the optional extra kzgame[progress]")
    out, err, target = run_cli(tmp_path, with_tqdm)
    # stderr: progress of the sweep and of the writing, reaching the total
    assert "sweep: 100% (943/943 points)" in err
    assert "writing: 100% (943/943 points)" in err
    # stdout: the four summary lines, nothing of the progress
    lines = out.splitlines()
    assert len(lines) == 4 and lines[0].startswith("wrote 943 points (41 x 23)")
    assert "%" not in lines[0] and "\r" not in out and "points)" not in out.replace(
        "943 points (41 x 23)", "")
    # the CSV: every row whole, no control characters, the sweep's codes
    raw = target.read_bytes()
    assert b"\r" not in raw.replace(b"\r\n", b"") and b"\x1b" not in raw
    with target.open(newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["outside_r", "indispensability", "code", "strategy"]
    assert len(rows) == 1 + 41 * 23 and all(len(r) == 4 for r in rows)
    res = sweep(dict(share=0.5, outside_e=0.0, survival=0.8, invest_cost=0.05),
                "outside_r", np.linspace(-0.5, 0.5, 41), "indispensability",
                np.linspace(0, 1, 23), progress=False)
    np.testing.assert_array_equal([int(r[2]) for r in rows[1:]], res.codes.reshape(-1))
