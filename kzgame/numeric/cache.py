"""The on-disk cache of generated kernels (numba's compiled code next to their source)."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
import tempfile
from pathlib import Path
from types import ModuleType

__all__ = ["cache_dir", "import_source"]


def cache_dir() -> Path | None:
    """Where generated kernels and numba's compiled code are kept between sessions.

    ``$KZGAME_CACHE_DIR`` if set (``off`` to keep nothing on disk), else
    ``kzgame`` under ``$XDG_CACHE_HOME`` (default ``~/.cache``).  Each
    kernel is compiled once per machine (not once per process, which
    matters for dask workers); the files are keyed by a hash of the
    generated source, so a changed game makes new ones.

    Examples
    --------
    >>> import os
    >>> os.environ["KZGAME_CACHE_DIR"] = "off"
    >>> cache_dir() is None
    True
    >>> del os.environ["KZGAME_CACHE_DIR"]
    """
    env = os.environ.get("KZGAME_CACHE_DIR")
    if env is not None:
        return None if env.strip().lower() in ("", "off", "0", "none") else Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "kzgame"


def import_source(source: str, directory: Path, stem: str) -> ModuleType:
    """Write generated ``source`` to ``directory`` (once, atomically) and import it.

    The module's name ends with a hash of the source: a file is never
    reused for other code.  Only source this package generated is
    imported here: a file already in the cache is imported only if its
    content is exactly ``source`` (checked byte for byte before the
    import); a file that differs, whatever changed it, is replaced by the
    generated source first.  (numba's own compiled files beside it are
    numba's cache: clear the folder, or set ``KZGAME_CACHE_DIR=off``, to
    distrust them too.)
    """
    data = source.encode()
    digest = hashlib.sha256(data).hexdigest()[:16]
    name = f"kzgame_kernel_{stem}_{digest}"
    if name in sys.modules:
        return sys.modules[name]
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.py"
    if not (path.is_file() and path.read_bytes() == data):
        fd, tmp = tempfile.mkstemp(dir=directory, suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:  # pragma: no cover - a file we just wrote
        raise OSError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    sys.modules[name] = module
    return module
