#!/usr/bin/env bash
# Set up .venv (first run only), then run the Kazakhstan example.
# Usage: bash scripts/example.sh [OUTPUT_DIR]   (default ./kzgame-out)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install --quiet -e .
.venv/bin/python examples/kazakhstan_eaeu.py --out "${1:-kzgame-out}"
