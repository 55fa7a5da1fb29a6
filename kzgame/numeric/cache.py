"""The on-disk cache of generated kernels (numba's compiled code next to their source).

What is in the folder, and what is checked before anything in it is used
(``docs/reference/kernel-cache.md`` says the same for users):

* ``kzgame_kernel_<pattern>_<hash>.py``: a kernel's generated source.
  Imported only if its bytes are the source the package generated in this
  process (:func:`import_source`); otherwise rewritten first.
* ``__pycache__/kzgame_kernel_...kernel-<line>.py<ver>.nbi`` and ``.nbc``:
  numba's cache of the compiled kernel (an index and the machine code,
  both pickles, which numba loads with :mod:`pickle`).  Used only if their
  SHA-256 hashes are those recorded in ``kzgame_kernel_..._numba.json``
  when this package last ran them (:func:`check_numba_files`,
  :func:`record_numba_files`); otherwise deleted before numba sees them,
  and numba compiles again.
* The folder itself (and numba's folder) must belong to the user and not be
  writable by group or others (POSIX); otherwise nothing on disk is used
  and kernels are compiled in memory (:func:`check_private`).

Not protected: someone who can write files as the user can also rewrite the
hashes (they sit in the same folder).  The checks stop corrupted or
truncated files, files left by other versions, files changed without the
record, and folders others can write to.
"""

from __future__ import annotations

import glob
import hashlib
import importlib.util
import json
import os
import stat
import sys
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Any

__all__ = [
    "cache_dir",
    "check_numba_files",
    "check_private",
    "import_source",
    "numba_files",
    "record_numba_files",
]


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
    numba's cache, checked by :func:`check_numba_files`.)

    Raises
    ------
    PermissionError
        If the folder is not private to the user (:func:`check_private`).
    """
    data = source.encode()
    digest = hashlib.sha256(data).hexdigest()[:16]
    name = f"kzgame_kernel_{stem}_{digest}"
    if name in sys.modules:
        return sys.modules[name]
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    check_private(directory)
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


def check_private(directory: Path) -> None:
    """Raise :class:`PermissionError` unless ``directory`` is the user's and private.

    On POSIX: owned by the user running Python and not writable by group or
    others (anyone else who can write there could put code in it).  Elsewhere
    nothing is checked.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     check_private(Path(d))
    """
    if os.name != "posix":  # pragma: no cover - POSIX permissions only
        return
    st = directory.stat()
    if st.st_uid != os.getuid():
        raise PermissionError(f"the kernel cache {directory} belongs to another user")
    if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise PermissionError(
            f"the kernel cache {directory} is writable by group or others "
            f"(mode {stat.filemode(st.st_mode)}); make it private (chmod go-w) or set "
            "KZGAME_CACHE_DIR to a private folder"
        )


def numba_files(kernel: Any) -> list[Path]:
    """numba's cache files of a compiled ``kernel`` (its index and data files), if any.

    Read from the dispatcher (``kernel._cache``): the folder numba chose
    (``__pycache__`` beside the source, or ``NUMBA_CACHE_DIR``).
    """
    impl = getattr(getattr(kernel, "_cache", None), "_cache_file", None)
    index = getattr(impl, "_index_path", None)
    if index is None:
        return []
    index = Path(index)
    stem = index.name[: -len(".nbi")] if index.name.endswith(".nbi") else index.name
    data = sorted(index.parent.glob(f"{glob.escape(stem)}.*.nbc"))
    return [f for f in (index, *data) if f.is_file()]


def _record_path(directory: Path, name: str) -> Path:
    return directory / f"{name}_numba.json"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def check_numba_files(kernel: Any, directory: Path, name: str) -> bool:
    """Delete numba's cache files of ``kernel`` unless they are the ones recorded.

    Call before the kernel's first call in a process (numba loads its cache
    then).  Every file must be the user's, not writable by group or others,
    and have the SHA-256 recorded by :func:`record_numba_files`; if any is
    not, all of the kernel's numba files are deleted (numba compiles again
    and writes new ones).  Returns whether the files were kept.

    Raises
    ------
    PermissionError
        If numba's folder is not private or a file cannot be deleted.
    """
    files = numba_files(kernel)
    if not files:
        return True
    check_private(files[0].parent)
    try:
        recorded = json.loads(_record_path(directory, name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        recorded = {}
    trusted = isinstance(recorded, dict) and all(
        recorded.get(f.name) == _digest(f) and _private_file(f) for f in files
    )
    if not trusted:
        for f in files:
            f.unlink(missing_ok=True)
        _record_path(directory, name).unlink(missing_ok=True)
    return trusted


def _private_file(path: Path) -> bool:
    if os.name != "posix":  # pragma: no cover
        return True
    st = path.stat()
    return st.st_uid == os.getuid() and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def record_numba_files(kernel: Any, directory: Path, name: str) -> None:
    """Record the SHA-256 of ``kernel``'s numba cache files (after its first call)."""
    files = numba_files(kernel)
    if not files:
        return
    text = json.dumps({f.name: _digest(f) for f in files}, indent=1, sort_keys=True)
    fd, tmp = tempfile.mkstemp(dir=directory, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, _record_path(directory, name))
