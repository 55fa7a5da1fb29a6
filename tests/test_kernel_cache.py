"""Issue 15, safety of caches: numba's own cache files (pickles numba loads) are used only
if they are the files recorded when the package last ran them, and only from folders
private to the user; otherwise they are deleted (numba compiles again) or the kernel is
compiled in memory.  Each run is a fresh interpreter (numba reads its cache at a
kernel's first call in a process)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CALL = """
import warnings, numpy as np, kzgame
warnings.simplefilter("always")
codes = kzgame.classify(share=0.5, outside_r=np.linspace(0.0, 1.0, 5), outside_e=0.0,
                        indispensability=0.9, survival=0.8, invest_cost=0.05, backend="numba")
print(codes.tolist())
"""


def run(cache: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT), KZGAME_CACHE_DIR=str(cache))
    env.pop("NUMBA_CACHE_DIR", None)
    done = subprocess.run([sys.executable, "-c", CALL], capture_output=True, text=True, env=env,
                          timeout=600)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[1, 2, 2, 2, 3]"
    return done


def numba_files(cache: Path) -> list[Path]:
    return sorted((cache / "__pycache__").glob("kzgame_kernel_*.nb[ic]"))


def records(cache: Path) -> dict:
    out = {}
    for f in cache.glob("kzgame_kernel_*_numba.json"):
        out.update(json.loads(f.read_text()))
    return out


def assert_recorded(cache: Path) -> None:
    files = numba_files(cache)
    assert len(files) >= 2  # an index and its data
    rec = records(cache)
    for f in files:
        assert rec[f.name] == hashlib.sha256(f.read_bytes()).hexdigest()


pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")


def test_numba_files_are_recorded_then_checked(tmp_path):
    pytest.importorskip("numba")
    cache = tmp_path / "cache"
    run(cache)
    assert_recorded(cache)
    assert cache.stat().st_mode & 0o077 == 0  # created private
    # a corrupted index (numba would have raised on unpickling it) and a changed data file
    for f in numba_files(cache):
        f.write_bytes(b"garbage" if f.suffix == ".nbi" else f.read_bytes()[:-1] + b"\0")
    run(cache)  # the files were deleted before numba read them, and written again
    assert_recorded(cache)
    # a file others may write (in a private folder): not loaded either
    index = next(f for f in numba_files(cache) if f.suffix == ".nbi")
    index.chmod(0o666)
    before = index.stat().st_mtime_ns
    run(cache)
    assert_recorded(cache)
    after = next(f for f in numba_files(cache) if f.suffix == ".nbi")
    assert after.stat().st_mode & 0o022 == 0 and after.stat().st_mtime_ns != before


def test_a_cache_others_can_write_is_not_used(tmp_path):
    pytest.importorskip("numba")
    cache = tmp_path / "shared"
    cache.mkdir()
    cache.chmod(0o777)
    done = run(cache)
    assert "writable by group or others" in done.stderr and "compiling in memory" in done.stderr
    assert list(cache.iterdir()) == []  # nothing written, nothing read
