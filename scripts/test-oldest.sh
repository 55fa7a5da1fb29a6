#!/usr/bin/env bash
# The test suite on the oldest versions pyproject.toml admits (scripts/oldest.txt: numpy
# 2.0, scipy 1.13, sympy 1.14, matplotlib 3.9, nashpy 0.0.41, numba 0.60 with llvmlite
# 0.43, and the extras' floors), in .venv-oldest, kzgame from this checkout.  Left out:
# the gambit extra (its tests skip themselves), Sphinx (the docs build and its checks)
# and the browser (playwright).  Arguments are passed to pytest instead of the default
# selection.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv-oldest/bin/python ] || python3 -m venv .venv-oldest
.venv-oldest/bin/python -m pip install --quiet --upgrade pip
.venv-oldest/bin/python -m pip install --quiet -r scripts/oldest.txt
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
# numba 0.60 compiles its own kernels: a cache of its own, apart from the main venv's
export KZGAME_CACHE_DIR="${KZGAME_CACHE_DIR:-$PWD/.venv-oldest/kzgame-cache}"
# fewer hypothesis examples than the main run (tests/conftest.py): this run checks that
# the code works on these versions; the main run checks the properties widely
export KZGAME_HYPOTHESIS="${KZGAME_HYPOTHESIS:-compat}"
if [ "$#" -gt 0 ]; then
    exec .venv-oldest/bin/python -m pytest -p no:cacheprovider "$@"
fi
extras=(tests/test_api_docs.py docs/_ext)  # Sphinx
deselect=(  # the browser
    tests/test_html_report.py::test_page_in_a_browser
    tests/test_html_report.py::test_markup_from_a_model_file_stays_text
)
.venv-oldest/bin/python -m pytest -p no:cacheprovider -q -n 2 \
    "${extras[@]/#/--ignore=}" "${deselect[@]/#/--deselect=}" tests kzgame docs
