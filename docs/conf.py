"""Sphinx configuration of the kzgame documentation.

Why Sphinx and not MkDocs
-------------------------
* The reference is generated from the package's numpydoc docstrings:
  ``sphinx.ext.autodoc`` imports :mod:`kzgame` and ``numpydoc`` renders the
  Parameters / Returns / Examples sections, so the API pages cannot drift from
  the code.  numpydoc is the format's reference renderer; MkDocs would need
  the mkdocstrings plugin and its own numpy-style parser, outside the
  project's ``[docs]`` extra.
* Warnings are errors (``-W``): a broken cross-reference, a missing page in a
  toctree, an unknown directive or a malformed docstring fails the build.
  Sphinx checks all of these; MkDocs' strict mode covers links and the
  navigation, not the docstrings.
* The theory pages carry LaTeX (``sphinx.ext.mathjax`` with MyST's ``$``
  and ``$$`` syntax) next to Markdown prose, through ``myst-parser``.
* Figures are produced by the package at build time by a small local
  extension (``docs/_ext/kzgame_docs.py``) through Sphinx's event API, which
  also adapts the rendering of plain-text module docstrings (headings as
  rubrics, ``|x|`` as an absolute value) without touching the docstrings.
* Everything builds offline: no theme or inventory is downloaded (the
  built-in ``alabaster`` theme; no intersphinx).  MathJax itself is loaded by
  the reader's browser when a page is viewed, not at build time.

Build (the command CI runs, from the repository root)::

    .venv/bin/python -m sphinx -W --keep-going -b html -q docs docs/_build/html

The code examples in the Markdown pages are doctests; pytest runs them with
``--doctest-glob='*.md'`` over ``docs/``.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
# This working tree's package first (autodoc documents the code next to these pages,
# even if another kzgame is installed), then the local extension.
sys.path[:0] = [str(HERE.parent), str(HERE / "_ext")]

import kzgame  # noqa: E402  (after the path set-up)

project = "kzgame"
author = "kzgame developers"
copyright = "kzgame developers"
release = kzgame.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.mathjax",
    "numpydoc",
    "kzgame_docs",
    "kzgame_api_check",
]

source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
root_doc = "index"
exclude_patterns = ["_build", "_generated", "Thumbs.db", ".DS_Store"]

# MyST: $...$ and $$...$$ math, ::: fences, heading anchors for [text](#anchor) links.
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3

# autodoc + numpydoc: the docstrings are numpydoc; members in source order.
autodoc_default_options = {"members": True, "member-order": "bysource"}
autodoc_typehints = "none"  # the numpydoc sections give the types
numpydoc_show_class_members = False  # no autosummary tables (autodoc lists members)
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

# No network at build time: no intersphinx, no remote images.
html_theme = "alabaster"
html_title = f"kzgame {release}"
html_static_path: list[str] = []
html_theme_options = {"description": "hold-up bargaining between states", "fixed_sidebar": True}
