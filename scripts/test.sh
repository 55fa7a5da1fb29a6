#!/usr/bin/env bash
# Set up .venv (first run only) with every extra, then run all the checks:
# ruff, the test suite (tests, doctests of the package and of the docs),
# and the documentation build with warnings as errors.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[test]'
.venv/bin/python -m ruff check .
# pytest exits 5 when it collects no test: with set -e that fails the run.
.venv/bin/python -m pytest "$@"
if [ -f docs/conf.py ]; then
    .venv/bin/python -m sphinx -W --keep-going -b html -q docs docs/_build/html
fi
