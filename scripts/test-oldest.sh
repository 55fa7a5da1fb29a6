#!/usr/bin/env bash
# The test suite on the oldest versions pyproject.toml admits for the core and the `fast`
# extra (scripts/oldest.txt: numpy 2.0, scipy 1.13, sympy 1.14, matplotlib 3.9, nashpy
# 0.0.41, numba 0.60 with llvmlite 0.43), in .venv-oldest, kzgame from this checkout.
# Left out: what needs another extra (pandas, xarray, dask, PyYAML, Sphinx, markdown-it,
# plotly, a browser); tests that need pygambit skip themselves where it is absent.
# Arguments are passed to pytest instead of the default selection.
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
extras=(
    tests/test_api_docs.py tests/test_citation.py tests/test_frames.py
    tests/test_frames_more.py tests/test_html_report.py
    kzgame/analysis/distributed.py kzgame/analysis/frames.py kzgame/numeric/pandas_inputs.py
    kzgame/io/html_report.py docs/_ext docs/howto/dask.md docs/howto/researcher-workflow.md
)
deselect=(
    tests/test_cli_commitment.py::test_a_brinkmanship_sweep_result_counts_and_sizes_the_fifth_outcome
    kzgame/analysis/commitment.py::kzgame.analysis.commitment.CommitmentComparison.to_xarray
    kzgame/estimation/fit.py::kzgame.estimation.fit.Fit.to_pandas
    kzgame/io/validation.py::kzgame.io.validation.Validation.to_pandas
)
.venv-oldest/bin/python -m pytest -p no:cacheprovider -q -n 2 \
    "${extras[@]/#/--ignore=}" "${deselect[@]/#/--deselect=}" tests kzgame docs
