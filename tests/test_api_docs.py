"""The API reference documents every public name of kzgame (``kzgame.__all__``).

Two checks: here, on the reference pages' autodoc directives (fast, in every test
run); and in the documentation build itself (``docs/_ext/kzgame_api_check.py``:
the built Python domain must hold each public object, else a warning that ``-W``
makes an error).
"""

from __future__ import annotations

import importlib
import re
import sys
from pathlib import Path

import kzgame

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "docs" / "_ext"))

from kzgame_api_check import EXEMPT, undocumented  # noqa: E402

DIRECTIVE = re.compile(r"^\.\. (automodule|autoclass|autofunction|autodata)::\s*(\S+)"
                       r"((?:\n   :[^\n]*)*)", re.M)


def _documented_names() -> list[str]:
    """Full names the reference pages' autodoc directives document."""
    names = []
    for page in sorted((ROOT / "docs" / "reference").glob("*.md")):
        for kind, target, options in DIRECTIVE.findall(page.read_text(encoding="utf-8")):
            if kind != "automodule":
                names.append(target)
                continue
            if ":no-members:" in options:
                continue
            module = importlib.import_module(target)
            members = getattr(module, "__all__", None)
            if members is None:
                members = [n for n in vars(module) if not n.startswith("_")]
            names += [f"{target}.{m}" for m in members]
    return names


def test_every_public_name_is_in_the_api_reference():
    names = _documented_names()
    assert len(names) > 50
    missing = undocumented(names)
    assert missing == [], f"not in docs/reference/*.md: {', '.join(missing)}"


def test_the_check_finds_a_missing_name():
    names = [n for n in _documented_names() if not n.endswith(".solve")]
    assert "solve" in undocumented(names)
    assert set(undocumented([])) == set(kzgame.__all__) - EXEMPT
