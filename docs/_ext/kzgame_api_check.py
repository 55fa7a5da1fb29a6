"""Sphinx extension: the API reference documents every public name of ``kzgame``.

When the build's environment is complete, every name in ``kzgame.__all__``
must be the object of some entry of the Python domain (an ``automodule``,
``autoclass``, ``autofunction`` or ``autodata`` in the reference pages),
found by identity: ``kzgame.solve`` is documented as ``kzgame.solve.solve``.
A name with no entry is a warning, which the build's ``-W`` turns into an
error.  ``tests/test_api_docs.py`` runs the same check on the built inventory
of a fresh build and on the reference pages' directives.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from typing import Any

from sphinx.util import logging

logger = logging.getLogger(__name__)

#: Public names that are not API objects (the version string is shown on every page).
EXEMPT = frozenset({"__version__"})


def resolve(fullname: str) -> Any:
    """The object a dotted name refers to (the longest importable module, then attributes)."""
    parts = fullname.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        try:
            for attr in parts[cut:]:
                obj = getattr(obj, attr)
        except AttributeError:
            return None
        return obj
    return None


def undocumented(fullnames: Iterable[str]) -> list[str]:
    """The names of ``kzgame.__all__`` that no entry of ``fullnames`` refers to."""
    import kzgame

    targets = {id(resolve(n)) for n in fullnames}
    return [name for name in kzgame.__all__
            if name not in EXEMPT and id(getattr(kzgame, name)) not in targets]


def check(app: Any, env: Any) -> None:
    """Warn for every public name the API reference does not document."""
    objects = env.get_domain("py").objects
    for name in undocumented(objects):
        logger.warning(f"kzgame.{name} is in kzgame.__all__ but the API reference "
                       "(docs/reference/api.md) documents no object that is it")


def setup(app: Any) -> dict[str, Any]:
    app.connect("env-check-consistency", check)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
