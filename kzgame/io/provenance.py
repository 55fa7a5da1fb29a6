"""What a report was made with: versions, command, seed and the model file's checksum.

Every report (:func:`kzgame.io.report.write_report`, and the HTML page of
:mod:`kzgame.io.html_report`) ends with a *reproducibility block*: the
versions of kzgame, Python, NumPy, SymPy and numba it was computed with,
the command that regenerates it, the Monte Carlo seed, and the SHA-256 of
the model file's bytes.  A reader who runs the command and gets the same
block (same checksum, same versions) has recomputed the same thing; a
different checksum means a different model file, whatever its name.

The checksum covers the model file itself, not files it ``extends`` or the
seed texts it cites (their lines are checked when the file is loaded, not
hashed).

Examples
--------
>>> p = provenance(None, command="kzgame report x.toml --out r", seed=0)
>>> p.model_sha256 is None, p.seed, sorted(p.versions)
(True, 0, ['kzgame', 'numba', 'numpy', 'python', 'sympy'])
"""

from __future__ import annotations

import hashlib
import platform
from dataclasses import dataclass
from importlib import metadata
from os import PathLike
from pathlib import Path

from .._version import __version__
from ._format import md_code

__all__ = ["Provenance", "file_sha256", "package_version", "provenance"]

#: The packages whose versions a report records (Python's is added).
PACKAGES: tuple[str, ...] = ("numpy", "sympy", "numba")


def file_sha256(path: str | PathLike[str]) -> str:
    """The SHA-256 of a file's bytes, as 64 hexadecimal digits (read in blocks).

    Examples
    --------
    >>> import tempfile, os
    >>> with tempfile.NamedTemporaryFile(delete=False) as f:
    ...     _ = f.write(b"abc")
    >>> file_sha256(f.name)[:16]
    'ba7816bf8f01cfea'
    >>> os.unlink(f.name)
    """
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 16), b""):
            h.update(block)
    return h.hexdigest()


def package_version(name: str) -> str:
    """The installed version of ``name``, or ``"not installed"``."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


@dataclass(frozen=True)
class Provenance:
    """What a report was computed with.

    Attributes
    ----------
    versions : dict of str to str
        ``kzgame``, ``python``, ``numpy``, ``sympy``, ``numba`` (``"not
        installed"`` if absent).
    command : str
        The command that regenerates the report.
    seed : int or None
        The Monte Carlo seed.
    model_file : str or None
        The model file's path as given (None for a case read from text).
    model_sha256 : str or None
        The SHA-256 of the model file's bytes.
    """

    versions: dict[str, str]
    command: str
    seed: int | None
    model_file: str | None
    model_sha256: str | None

    def as_dict(self) -> dict[str, object]:
        """A JSON-ready dict of every field."""
        return {"versions": dict(self.versions), "command": self.command, "seed": self.seed,
                "model_file": self.model_file, "model_sha256": self.model_sha256}

    def markdown(self) -> list[str]:
        """The reproducibility block as Markdown lines (a heading and a table).

        Examples
        --------
        >>> p = Provenance({"kzgame": "0.1.0"}, "kzgame report m.toml", 7, "m.toml", "ab" * 32)
        >>> print("\\n".join(p.markdown()[2:5]))
        | Item | Value |
        |---|---|
        | Model file | `m.toml` |
        """
        rows = [
            ("Model file", md_code(self.model_file) if self.model_file else "(text, no file)"),
            ("SHA-256 of the model file",
             md_code(self.model_sha256) if self.model_sha256 else "—"),
            ("Command", md_code(self.command)),
            ("Seed", "—" if self.seed is None else str(self.seed)),
        ] + [(f"{name} version", v) for name, v in self.versions.items()]
        return ["## Reproducibility", "", "| Item | Value |", "|---|---|",
                *[f"| {a} | {_cell(b)} |" for a, b in rows], "",
                "Rerun the command with these versions: the same model file (same SHA-256) "
                "gives the same numbers.", ""]


def _cell(text: str) -> str:
    """A table cell: one line, ``|`` escaped (a path or command may hold one)."""
    return " ".join(text.split()).replace("|", "\\|")


def provenance(model_file: str | PathLike[str] | None, *, command: str,
               seed: int | None) -> Provenance:
    """The :class:`Provenance` of a report on ``model_file`` (None: a case read from text)."""
    versions = {"kzgame": __version__, "python": platform.python_version()}
    versions.update({name: package_version(name) for name in PACKAGES})
    path = None if model_file is None else Path(model_file)
    return Provenance(
        versions=versions,
        command=command,
        seed=seed,
        model_file=None if path is None else str(path),
        model_sha256=None if path is None else file_sha256(path),
    )
