"""Issue 15, a warm first call: what ``import kzgame``, ``kzgame --help`` and a first
classification load, each checked in a fresh interpreter; the lazy exports resolve."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import kzgame

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("sympy", "matplotlib", "numba", "scipy", "pandas", "dask")


def loaded_after(code: str, tmp_path: Path) -> dict:
    """Run ``code`` in a fresh interpreter; which heavy modules it left in sys.modules."""
    probe = (f"{code}\nimport json, sys\n"
             f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))")
    env = dict(os.environ, PYTHONPATH=str(ROOT), KZGAME_CACHE_DIR=str(tmp_path / "cache"))
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr
    return {"modules": json.loads(done.stdout.strip().splitlines()[-1]), "out": done.stdout}


def test_import_kzgame_loads_neither_sympy_nor_matplotlib(tmp_path):
    got = loaded_after("import kzgame", tmp_path)["modules"]
    assert got == [], got


def test_help_loads_neither_plotting_nor_sympy(tmp_path):
    code = ("import contextlib, io\nfrom kzgame.io.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()) as f:\n"
            "    try:\n        main(['--help'])\n    except SystemExit as e:\n"
            "        assert e.code == 0\nassert 'usage: kzgame' in f.getvalue()\n")
    got = loaded_after(code, tmp_path)["modules"]
    assert "matplotlib" not in got and "sympy" not in got, got


@pytest.mark.parametrize(("command", "option"), [
    ("plot", "--x-axis"),
    ("solve", "--commitment {full,none,brinkmanship}"),
    ("sweep", "--commitment {full,none,brinkmanship}"),
])  # fmt: skip
def test_command_help_runs_without_plotting(tmp_path, command, option):
    env = dict(os.environ, PYTHONPATH=str(ROOT), KZGAME_CACHE_DIR=str(tmp_path / "cache"))
    probe = (f"import sys, runpy\nsys.argv = ['kzgame', {command!r}, '--help']\n"
             "try:\n    runpy.run_module('kzgame', run_name='__main__')\n"
             "except SystemExit as e:\n    assert e.code == 0, e.code\n"
             "print('matplotlib' in sys.modules, 'sympy' in sys.modules, file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr
    assert option in done.stdout
    assert done.stderr.strip().splitlines()[-1] == "False False"


def test_first_classification_of_the_period_game_needs_no_sympy(tmp_path):
    code = ("import numpy as np, kzgame\n"
            "a = kzgame.classify(share=0.5, outside_r=0.45, outside_e=0.0,\n"
            "    indispensability=0.9, survival=0.8, invest_cost=0.05)\n"
            "b = kzgame.classify(protocol='outside-option', share=0.5,\n"
            "    outside_r=np.linspace(-0.5, 1, 7), outside_e=0.0, indispensability=0.9,\n"
            "    survival=0.8, invest_cost=0.05, backend='numpy')\n"
            "print(int(a), b.tolist())")
    run = loaded_after(code, tmp_path)
    assert run["modules"] == [], run["modules"]
    # the same codes as in this process, where the game may have been printed with sympy
    import numpy as np

    a = kzgame.classify(share=np.array(0.5), outside_r=0.45, outside_e=0.0,
                        indispensability=0.9, survival=0.8, invest_cost=0.05)
    b = kzgame.classify(kzgame.period("outside-option"), share=0.5,
                        outside_r=np.linspace(-0.5, 1, 7), outside_e=0.0, indispensability=0.9,
                        survival=0.8, invest_cost=0.05, power=0.5, holdup_cost=0.0)
    assert run["out"].splitlines()[0] == f"{int(a)} {b.tolist()}"


@pytest.mark.parametrize("package", ["kzgame", "kzgame.game", "kzgame.games", "kzgame.analysis"])
def test_every_lazy_export_resolves(package):
    mod = importlib.import_module(package)
    exports = vars(mod)["_EXPORTS"]
    assert set(mod.__all__) >= set(exports)
    assert set(dir(mod)) >= set(mod.__all__)
    for name, where in exports.items():
        value = getattr(mod, name)
        home = importlib.import_module(f"{package}.{where}" if where else package)
        assert value is getattr(home, name), (package, name)
    with pytest.raises(AttributeError, match="no attribute 'no_such_name'"):
        mod.no_such_name  # noqa: B018


def test_a_submodule_does_not_hide_the_public_name():
    import kzgame.solve  # the module kzgame/solve.py, bound by the import system

    assert callable(kzgame.solve) and kzgame.solve.__name__ == "solve"
    from kzgame import solve
    from kzgame.solve import Result

    assert solve is kzgame.solve and Result is kzgame.Result
