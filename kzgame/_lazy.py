"""Lazy exports for a package's ``__init__`` (PEP 562): a name's module loads on first use.

A package lists its public names with the module that defines each;
``import package`` then imports none of them, and ``package.name`` imports
``package.module`` the first time it is read.  This keeps ``import kzgame``
(and ``import kzgame.game``, ``kzgame.games``, ``kzgame.analysis``) from
loading sympy, matplotlib or numba before something needs them.

Examples
--------
>>> getattr_, dir_ = lazy_exports("kzgame.errors", {"KzgameError": ""})
>>> getattr_("KzgameError").__name__
'KzgameError'
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from typing import Any

__all__ = ["lazy_exports"]


def lazy_exports(
    package: str, exports: dict[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for ``package``, whose names are ``exports``.

    Parameters
    ----------
    package : str
        The package's ``__name__``.
    exports : dict of str to str
        Each public name and the module defining it, relative to ``package``
        (``"tree"`` for ``package.tree``; ``""`` for the package itself).
        Adding an export is one line here.

    Returns
    -------
    tuple
        The package's module-level ``__getattr__`` and ``__dir__``: the first
        imports the name's module, stores the name in the package (later
        reads do not come back) and returns it; an unknown name is an
        ``AttributeError`` as usual.
    """

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        target = importlib.import_module(f"{package}.{module}" if module else package)
        value = getattr(target, name)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        namespace = vars(sys.modules[package])
        return sorted(set(exports) | {k for k in namespace if k.startswith("__")})

    return __getattr__, __dir__
