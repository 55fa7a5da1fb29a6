#!/usr/bin/env bash
# Run every kzgame benchmark in one process and print each figure and ratio.
#
#   bash benchmarks/run.sh            # full run (about two minutes)
#   bash benchmarks/run.sh --quick    # small sizes: check that it runs
#
# Options are passed to benchmarks/run_all.py (see its --help). With $PYTHON
# set, that interpreter is used as it is; otherwise .venv is created on the
# first run with kzgame and the extras and peers the benchmarks compare
# (numba, dask, pygambit, nashpy, quantecon). The kzgame of this checkout is
# the one measured.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${PYTHON:-}" ]; then
    [ -x .venv/bin/python ] || python3 -m venv .venv
    .venv/bin/python -m pip install --quiet -e '.[bench]'
    PYTHON=.venv/bin/python
fi
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
exec "$PYTHON" benchmarks/run_all.py "$@"
