"""Two-parameter sweeps: R's strategy over a grid, the other parameters fixed.

:func:`sweep` classifies every point of the grid ``x_values`` x ``y_values``
with :func:`kzgame.classify`, a block of rows at a time (so memory stays
bounded and progress can be shown), or lazily through dask when asked.
:meth:`SweepResult.to_csv` writes the grid in long form, one row per point.

Sizes are checked before anything is allocated or written: a grid whose
codes would not fit in :data:`kzgame.analysis.uncertainty.MAX_BYTES`, or a CSV file
larger than ``max_bytes`` or than the free space of its disk, is refused with
the size it would need.  Values are real numbers only (as in
:mod:`kzgame.analysis.uncertainty`).  Progress goes through tqdm when it is installed.

Examples
--------
>>> import numpy as np
>>> from kzgame.analysis.sweep import sweep
>>> base = {"share": 0.5, "outside_r": 0.0, "outside_e": 0.0,
...         "indispensability": 0.9, "survival": 0.8, "invest_cost": 0.05}
>>> res = sweep(base, "outside_r", np.linspace(0.0, 0.45, 4),
...             "indispensability", [0.0, 0.9])
>>> res.codes
array([[1, 1, 0, 0],
       [1, 2, 2, 2]], dtype=int8)
>>> str(res.strategies[1, 3])
'hold-up'

Under a commitment assumption (:mod:`kzgame.games.commitment_game`) the
game's own parameters may be fixed or swept too:

>>> res = sweep({**base, "outside_r": 0.6}, "indispensability", [0.1, 0.9],
...             "breakdown_risk", [0.0, 1.0], commitment="brinkmanship")
>>> res.strategies.tolist()
[['exit', 'exit'], ['accept + exit', 'hold-up']]
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..numeric.classify import check_names, classify
from ..numeric.period_plans import period_game
from ..params import PARAMETERS, KzgameError, ParameterError, Period, check_parameter
from ..strategy import Strategy
from .uncertainty import (
    check_flag,
    check_int,
    check_memory,
    human_bytes,
    short_repr,
)

__all__ = [
    "CSV_MAX_BYTES",
    "MAX_CHUNK_POINTS",
    "Progress",
    "STRATEGY_NAMES",
    "SweepResult",
    "check_csv",
    "check_grid",
    "inert",
    "outcome_names",
    "sweep",
]

#: The names of the period game's codes 0-3 (R's strategies).
STRATEGY_NAMES: tuple[str, ...] = tuple(s.value for s in Strategy)

#: Grids with at least this many points show progress on stderr by default.
PROGRESS_THRESHOLD = 1_000_000
#: Default number of grid points classified per block.
CHUNK_POINTS = 250_000
#: Largest number of grid points per block (the block's temporaries are held at once).
MAX_CHUNK_POINTS = 10_000_000
#: Largest CSV file :meth:`SweepResult.to_csv` writes unless told otherwise (bytes).
CSV_MAX_BYTES = 4 * 1024**3
#: Characters that make a spreadsheet read a text cell as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

ProgressCallback = Callable[[int, int], None]


def _tqdm():
    """tqdm's bar class, or None if tqdm is not installed (an optional extra)."""
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    return tqdm


class Progress:
    """Progress on a stream: ``label: 42% (420000/1000000 points)``.

    Call it with ``(done, total)``.  With tqdm installed (``pip install
    'kzgame[progress]'``) it is a tqdm bar (rate, elapsed and remaining
    time; tqdm decides how often to redraw); without it, a line rewritten in
    place on a terminal and one line per 10 % otherwise.
    """

    def __init__(self, label: str = "sweep", stream: Any = None) -> None:
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self._last = -1
        self._bar: Any = None

    def __call__(self, done: int, total: int) -> None:
        tqdm = _tqdm()
        if tqdm is not None:
            if self._bar is None:
                tty = getattr(self.stream, "isatty", lambda: False)()
                self._bar = tqdm(total=total, desc=self.label, file=self.stream,
                                 mininterval=0.1 if tty else 10.0,
                                 bar_format="{desc}: {percentage:3.0f}% ({n}/{total} points) "
                                            "[{elapsed}<{remaining}]")
            self._bar.update(done - self._bar.n)
            if done >= total:
                self._bar.close()
                self._bar = None
            return
        pct = 100 * done // max(total, 1)
        tty = getattr(self.stream, "isatty", lambda: False)()
        if not tty and pct // 10 == self._last // 10 and done < total:
            return
        self._last = pct
        start = "\r" if tty else ""
        end = "\n" if (done >= total or not tty) else ""
        self.stream.write(f"{start}{self.label}: {pct:3d}% ({done}/{total} points){end}")
        self.stream.flush()


def inert(cell: str) -> str:
    """A text cell a spreadsheet will not run as a formula.

    Cells starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
    return get a leading apostrophe (OWASP's advice for CSV injection).
    Numbers are not text and are written as they are.

    Examples
    --------
    >>> inert("=SUM(A1:A9)"), inert("hold-up"), inert("-1+2"), inert("@cmd")
    ("'=SUM(A1:A9)", 'hold-up', "'-1+2", "'@cmd")
    """
    return "'" + cell if cell.startswith(FORMULA_START) else cell


def inside_package(path: Path) -> bool:
    """Whether ``path`` lies inside the installed kzgame package (nothing is written there)."""
    package = Path(__file__).resolve().parents[1]  # kzgame/, above kzgame/analysis/
    try:
        path.resolve().relative_to(package)
    except (ValueError, OSError):
        return False
    return True


@dataclass(frozen=True)
class SweepResult:
    """A classified two-parameter grid.

    Attributes
    ----------
    x, y : str
        The swept parameters.
    x_values, y_values : numpy.ndarray
        The grid's coordinates (1-D).
    codes : numpy.ndarray of int8
        Strategy codes, shape ``(len(y_values), len(x_values))``: row i is
        ``y_values[i]``.
    fixed : dict of str to float
        The values of the other parameters.
    protocol : str
    commitment : str or None
        The commitment assumption the grid was classified under (None: the
        period game itself, :func:`kzgame.classify`'s default).
    outcomes : tuple of str
        The name of each code (index = code): R's strategies, and for
        ``brinkmanship`` the refused hold-up's lottery ``'accept + exit'`` (4).
    """

    x: str
    y: str
    x_values: np.ndarray
    y_values: np.ndarray
    codes: np.ndarray
    fixed: dict[str, float]
    protocol: str
    commitment: str | None = None
    outcomes: tuple[str, ...] = STRATEGY_NAMES

    @property
    def strategies(self) -> np.ndarray:
        """The codes as outcome names (strategy names for the period game)."""
        if self.outcomes == STRATEGY_NAMES:
            return Strategy.decode(self.codes)
        return np.asarray(self.outcomes)[self.codes]

    @property
    def shares(self) -> dict[Strategy, float]:
        """Share of grid points in each strategy (see :attr:`outcome_shares` for code 4)."""
        counts = _strategy_counts(self.codes, len(self.outcomes))
        return {Strategy.from_code(i): c / self.codes.size for i, c in enumerate(counts)
                if i < len(Strategy)}

    @property
    def outcome_shares(self) -> dict[str, float]:
        """Share of grid points with each outcome, by name (all of :attr:`outcomes`)."""
        counts = _strategy_counts(self.codes, len(self.outcomes))
        return {name: c / self.codes.size for name, c in zip(self.outcomes, counts, strict=True)}

    def csv_size(self) -> int:
        """The size in bytes of the file :meth:`to_csv` writes, computed without writing it.

        Examples
        --------
        >>> res = sweep({"share": 0.5, "outside_r": 0.0, "outside_e": 0.0,
        ...              "indispensability": 0.9, "survival": 0.8, "invest_cost": 0.05},
        ...             "outside_r", [0.0, 0.25], "survival", [0.5])
        >>> res.csv_size()
        68
        """
        low, _ = self._csv_bounds()
        names = np.array([len(inert(s)) for s in self.outcomes])
        counts = _strategy_counts(self.codes, len(self.outcomes))
        return low + int(np.dot(counts, names - names.min()))

    def _csv_bounds(self) -> tuple[int, int]:
        """Bounds of :meth:`csv_size` that need no count of the strategies."""
        return _csv_bounds(self.x, self.y, self.x_values, self.y_values, self.outcomes)

    def _header(self) -> list[str]:
        return _header(self.x, self.y)

    def to_xarray(self):
        """The grid as an :class:`xarray.DataArray`: dims ``(y, x)`` named after the
        parameters, their values as coordinates, ``attrs["strategies"]`` the code names
        (:func:`kzgame.analysis.frames.sweep_xarray`; needs the ``frames`` extra)."""
        from .frames import sweep_xarray

        return sweep_xarray(self)

    @classmethod
    def from_xarray(cls, array: Any) -> SweepResult:
        """The result :meth:`to_xarray` converted (the inverse conversion)."""
        from .frames import sweep_from_xarray

        return sweep_from_xarray(array)

    def to_pandas(self):
        """The grid as a long :class:`pandas.DataFrame`, one row per point (as the CSV)."""
        from .frames import sweep_frame

        return sweep_frame(self)

    def to_csv(self, path: str | os.PathLike[str], *, progress: ProgressCallback | None = None,
               max_bytes: int | None = CSV_MAX_BYTES) -> Path:
        """Write the grid to ``path`` in long form.

        Columns: ``<x>``, ``<y>``, ``code``, ``strategy``; one row per grid
        point, x varying fastest.  Floats are written with ``repr``
        precision, so the file reproduces the grid exactly.  Text cells that
        a spreadsheet would read as a formula are made inert (:func:`inert`).

        The file's size is computed first (:meth:`csv_size`); the grid is
        then written a block of rows at a time to a temporary file next to
        ``path``, renamed to ``path`` when complete, so a failure leaves no
        partial file.

        Parameters
        ----------
        path : str or os.PathLike
            The CSV file (its folder must exist; not inside the kzgame package).
        progress : callable, optional
            Called as ``progress(done, total)`` after each block of rows.
        max_bytes : int or None, default :data:`CSV_MAX_BYTES` (4 GiB)
            Refuse to write a larger file (None: no limit but the free space).

        Returns
        -------
        pathlib.Path
            ``path``.

        Raises
        ------
        KzgameError
            If the file would exceed ``max_bytes`` or the free space on its
            disk, if ``path`` is inside the kzgame package, or if its folder
            does not exist.
        """
        path = Path(path)
        if max_bytes is not None:
            max_bytes = check_int("max_bytes", max_bytes, 1)
        if progress is not None and not callable(progress):
            raise KzgameError(f"progress = {short_repr(progress)}: give a callable or None")
        if inside_package(path):
            raise KzgameError(f"refusing to write {path} inside the kzgame package; choose "
                              "another path")
        folder = path.parent
        if not folder.is_dir():
            raise KzgameError(f"cannot write {path}: folder {str(folder)!r} does not exist")
        free = shutil.disk_usage(folder).free
        limit = free if max_bytes is None else min(max_bytes, free)
        low, high = self._csv_bounds()
        if high > limit:
            # The exact size only where the bounds do not decide.
            size, prefix = (low, "at least ") if low > limit else (self.csv_size(), "")
            _refuse_csv(self.codes.size, size, prefix, max_bytes, free, folder)
        names = np.array([inert(s) for s in self.outcomes])
        xs = [repr(float(v)) for v in self.x_values]
        total = self.codes.size
        rows_per_block = max(1, CHUNK_POINTS // max(len(xs), 1))
        tmp = folder / f".{path.name}.{os.getpid()}.part"
        try:
            with tmp.open("w", newline="", encoding="utf-8") as f:
                w = csv.writer(f, lineterminator="\n")
                w.writerow([inert(c) for c in self._header()])
                for start in range(0, self.y_values.size, rows_per_block):
                    stop = min(start + rows_per_block, self.y_values.size)
                    for i in range(start, stop):
                        ys = repr(float(self.y_values[i]))
                        row = self.codes[i]
                        w.writerows(zip(xs, [ys] * len(xs), row.tolist(), names[row].tolist(),
                                        strict=True))
                    if progress is not None:
                        progress(stop * len(xs), total)
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return path


def _header(x: str, y: str) -> list[str]:
    return [x, y, "code", "strategy"]


def _csv_bounds(x: str, y: str, x_values: Any, y_values: Any,
                outcomes: tuple[str, ...] = STRATEGY_NAMES) -> tuple[int, int]:
    """Smallest and largest size of the CSV of a sweep over these axes (any strategies)."""
    xs = sum(len(repr(float(v))) for v in x_values)
    ys = sum(len(repr(float(v))) for v in y_values)
    nx, ny = len(x_values), len(y_values)
    names = [len(inert(s)) for s in outcomes]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([inert(c) for c in _header(x, y)])
    header = len(buffer.getvalue().encode("utf-8"))
    # Per point: x, y, a one-digit code, the name, three commas and a newline.
    fixed = header + xs * ny + ys * nx + 5 * nx * ny
    return fixed + min(names) * nx * ny, fixed + max(names) * nx * ny


def check_csv(x: str, x_values: Any, y: str, y_values: Any, path: str | os.PathLike[str], *,
              max_bytes: int | None = CSV_MAX_BYTES,
              outcomes: tuple[str, ...] = STRATEGY_NAMES) -> int:
    """Refuse, before sweeping, a grid whose CSV could not be written to ``path``.

    The strategies are not known yet, so the size is bounded: the grid is
    refused if even its smallest CSV would exceed ``max_bytes`` or the free
    space in ``path``'s folder.  :meth:`SweepResult.to_csv` checks the exact
    size again.

    ``outcomes`` are the names the codes may take (:attr:`SweepResult.outcomes`).

    Returns
    -------
    int
        The smallest size of the file, in bytes.

    Examples
    --------
    >>> import tempfile, os
    >>> folder = tempfile.gettempdir()
    >>> check_csv("outside_r", [0.0, 0.5], "share", [0.5], os.path.join(folder, "g.csv"))
    60
    >>> check_csv("outside_r", range(20_000), "share", range(50_000),
    ...           os.path.join(folder, "g.csv"))
    Traceback (most recent call last):
    ...
    kzgame.errors.KzgameError: writing 1,000,000,000 points would need a CSV file of at least ...
    """
    path = Path(path)
    if max_bytes is not None:
        max_bytes = check_int("max_bytes", max_bytes, 1)
    low, _ = _csv_bounds(x, y, x_values, y_values, outcomes)
    folder = path.parent
    free = shutil.disk_usage(folder).free if folder.is_dir() else None
    _refuse_csv(len(x_values) * len(y_values), low, "at least ", max_bytes, free, folder)
    return low


def _refuse_csv(points: int, size: int, prefix: str, max_bytes: int | None, free: int | None,
                folder: Path) -> None:
    what = f"writing {points:,} points would need a CSV file of {prefix}{human_bytes(size)}"
    if max_bytes is not None and size > max_bytes:
        raise KzgameError(f"{what}, more than max_bytes = {human_bytes(max_bytes)}; sweep a "
                          "coarser grid, or pass a larger max_bytes")
    if free is not None and size > free:
        raise KzgameError(f"{what}, but only {human_bytes(free)} is free in {str(folder)!r}")


def _strategy_counts(codes: np.ndarray, k: int = len(Strategy)) -> np.ndarray:
    """Grid points per code 0..k-1, a block of rows at a time (no copy of a broadcast grid)."""
    counts = np.zeros(k, dtype=np.int64)
    rows = max(1, CHUNK_POINTS // max(codes.shape[1], 1))
    for start in range(0, codes.shape[0], rows):
        counts += np.bincount(codes[start:start + rows].ravel(), minlength=k)
    return counts


def _fixed_values(base: Any, swept: tuple[str, str],
                  local: Mapping[str, Any] | None = None) -> dict[str, float]:
    """The values of the parameters not swept, as floats (real numbers, in their domains).

    ``local``: a commitment game's own parameters (name -> :class:`kzgame.game.registry.Parameter`).
    """
    if isinstance(base, Period):
        raw: Mapping[str, Any] = base.as_dict()
    elif isinstance(base, Mapping):
        raw = base
    elif isinstance(getattr(base, "values", None), Mapping):  # a model file's period
        raw = base.values
    else:
        raise TypeError(
            "expected a model file's period (kzgame.io.cases.CasePeriod), a Period or a "
            f"mapping, got {type(base).__name__}"
        )
    local = local or {}
    check_names({k: v for k, v in raw.items() if k not in local}, required=())
    out = {}
    for k, v in raw.items():
        if k in swept:
            continue
        arr = local[k].check(v) if k in local else check_parameter(k, v)
        if arr.ndim != 0:
            raise ParameterError(f"{k}: a fixed value of a sweep must be a single number, got "
                                 f"shape {arr.shape}; sweep it as x or y instead")
        out[k] = float(arr)
    return out


def is_dask(values: Any) -> bool:
    return hasattr(values, "compute") and hasattr(values, "chunks")


def _axis(name: Any, values: Any, which: str, local: Mapping[str, Any] | None = None) -> Any:
    local = local or {}
    if not isinstance(name, str) or (name not in PARAMETERS and name not in local):
        raise ParameterError(
            f"unknown {which} parameter {short_repr(name)}; "
            f"known parameters: {', '.join([*PARAMETERS, *local])}"
        )
    if is_dask(values):
        kind = np.dtype(values.dtype).kind
        if kind not in "iuf":
            raise ParameterError(f"{name} must be a real number or an array of real numbers, "
                                 f"got a dask array of dtype {values.dtype}")
        if values.ndim != 1 or values.shape[0] == 0:
            raise ParameterError(f"{name}: the {which} values must be a non-empty 1-D array")
        return values  # values validated lazily by classify
    arr = local[name].check(values) if name in local else check_parameter(name, values)
    if arr.ndim != 1 or arr.size == 0:
        raise ParameterError(f"{name}: the {which} values must be a non-empty 1-D array")
    return arr


def sweep(
    base: Any,
    x: str,
    x_values: Any,
    y: str,
    y_values: Any,
    *,
    protocol: str = "nash",
    chunk_points: int = CHUNK_POINTS,
    progress: bool | ProgressCallback | None = None,
    dask: bool = False,
    commitment: str | None = None,
) -> SweepResult:
    """Classify a grid over two parameters, the others fixed.

    Parameters
    ----------
    base : CasePeriod, Period or mapping
        Values of the parameters not swept (a mapping needs the required
        parameters of :func:`kzgame.classify` other than ``x`` and ``y``).
    x, y : str
        The two parameters to sweep (different names).
    x_values, y_values : array_like (1-D)
        Their values: numpy arrays, sequences, or dask arrays (then the grid
        is classified through dask; ``dask=True`` is implied).
    protocol : str, default "nash"
    chunk_points : int, default 250000
        Grid points classified per block (numpy path) or per dask chunk, from
        1 to :data:`MAX_CHUNK_POINTS`.
    progress : bool, callable or None
        ``True`` prints progress on stderr (with dask: dask's progress bar),
        ``False`` does not, ``None`` prints it for grids of at least 1e6
        points; a callable is called as ``progress(done, total)`` after each
        block (with dask: once, at the end).
    dask : bool, default False
        Build the grid as dask arrays and let :func:`kzgame.classify`
        evaluate it (lazily, if it is dask-aware), then compute it.
    commitment : {None, "full", "none", "brinkmanship"}, optional
        Classify the period game under this commitment assumption
        (:func:`kzgame.classify`'s ``commitment``): its parameters
        ``exit_premium`` (default 0) and, for ``brinkmanship``,
        ``breakdown_risk`` (required) may then be fixed in ``base`` or swept.
        None (the default): the period game itself.

    Returns
    -------
    SweepResult

    Raises
    ------
    ParameterError
        On unknown names, ``x == y``, values that are not real numbers
        (booleans, complex numbers, strings, bytes, datetimes, masked
        arrays) or are outside their domains, or ``chunk_points`` not an
        integer from 1 to :data:`MAX_CHUNK_POINTS`.
    KzgameError
        If the grid would not fit in memory (:func:`check_grid`), a flag is
        not a bool, or ``dask=True`` and dask is not installed.
    """
    period_game(protocol)  # checks the protocol
    local: dict[str, Any] = {}
    outcomes = outcome_names(commitment, protocol)  # checks the commitment's name
    if commitment is not None:  # imported here: the commitment games need sympy
        from ..games.commitment_game import COMMITMENT_PARAMETERS, commitment_game

        game = commitment_game(commitment, protocol)
        local = {k: p for k, p in COMMITMENT_PARAMETERS.items() if k in game.parameters}
        given = [k for k in (x, y, *_base_names(base)) if k in COMMITMENT_PARAMETERS]
        unused = sorted(set(given) - set(local))
        if unused:
            raise ParameterError(
                f"{', '.join(unused)}: not a parameter of the period game under commitment "
                f"{commitment!r} (its own parameters: {', '.join(local)}); "
                f"breakdown_risk is brinkmanship's"
            )
    if x == y:
        raise ParameterError(f"sweep needs two different parameters, got {x!r} twice")
    xv = _axis(x, x_values, "x", local)
    yv = _axis(y, y_values, "y", local)
    chunk_points = check_int("chunk_points", chunk_points, 1, MAX_CHUNK_POINTS)
    dask = check_flag("dask", dask)
    if not (progress is None or isinstance(progress, bool | np.bool_) or callable(progress)):
        raise KzgameError(
            f"progress = {short_repr(progress)}: give True, False, None or a callable"
        )
    fixed: dict[str, Any] = _fixed_values(base, (x, y), local)
    missing = [k for k, p in local.items() if p.default is None and k not in fixed
               and k not in (x, y)]
    if missing:
        raise ParameterError(f"missing parameter(s): {', '.join(missing)} (commitment "
                             f"{commitment!r} has no default for it: fix its value or sweep it)")
    check_grid(int(xv.shape[0]), int(yv.shape[0]))
    use_dask = dask or is_dask(xv) or is_dask(yv)
    total = int(xv.shape[0]) * int(yv.shape[0])
    if progress is None:
        progress = total >= PROGRESS_THRESHOLD
    if use_dask:
        codes = _sweep_dask(fixed, x, xv, y, yv, protocol, chunk_points, progress is True,
                            commitment)
        xv, yv = np.asarray(xv, dtype=float), np.asarray(yv, dtype=float)
        if callable(progress):
            progress(total, total)
    else:
        report = Progress() if progress is True else (progress or None)
        rows = max(1, chunk_points // xv.size)
        codes = np.empty((yv.size, xv.size), dtype=np.int8)
        for start in range(0, yv.size, rows):
            stop = min(start + rows, yv.size)
            axes: dict[str, Any] = {x: xv[None, :], y: yv[start:stop, None]}
            block = classify(protocol=protocol, commitment=commitment, **fixed, **axes)
            codes[start:stop] = np.broadcast_to(block, (stop - start, xv.size))
            if report:
                report(stop * xv.size, total)
    return SweepResult(x, y, xv, yv, codes, fixed, protocol, commitment, outcomes)


def outcome_names(commitment: str | None = None, protocol: str = "nash") -> tuple[str, ...]:
    """The name of each code a sweep under ``commitment`` can give (index = code).

    Examples
    --------
    >>> outcome_names()
    ('accept', 'invest', 'hold-up', 'exit')
    >>> outcome_names("brinkmanship")[4]
    'accept + exit'
    """
    if commitment is None:
        return STRATEGY_NAMES
    from ..game.outcomes import outcome_codes
    from ..games.commitment_game import commitment_game

    return tuple(outcome_codes(commitment_game(commitment, protocol)).names)


def _base_names(base: Any) -> list[str]:
    """The parameter names a sweep's ``base`` gives (a mapping's keys; none otherwise)."""
    return [str(k) for k in base] if isinstance(base, Mapping) else []


def check_grid(nx: int, ny: int) -> int:
    """The number of points of an ``nx`` x ``ny`` sweep, or :class:`KzgameError` if it would
    not fit in memory (:data:`kzgame.analysis.uncertainty.MAX_BYTES`).

    Call it before building the axes of a large grid: it needs only their lengths.

    Examples
    --------
    >>> check_grid(400, 250)
    100000
    >>> check_grid(10**10, 10**10)
    Traceback (most recent call last):
    ...
    kzgame.errors.KzgameError: a sweep of ... = 1e+20 points would need about 86.7 EiB ...
    """
    nx = check_int("nx", nx, 1)
    ny = check_int("ny", ny, 1)
    total = nx * ny
    # The codes (one byte per point) and both axes (float64).
    check_memory(f"a sweep of {nx:,} x {ny:,} = {total:.3g} points", total + 8 * (nx + ny),
                 "sweep a coarser grid, or reduce it on a cluster with kzgame.analysis.distributed")
    return total


def _sweep_dask(fixed: Any, x: Any, xv: Any, y: Any, yv: Any, protocol: Any, chunk_points: Any,
                show: bool, commitment: str | None = None) -> np.ndarray:
    try:
        import dask.array as da
    except ImportError:  # pragma: no cover - dask is an optional extra
        raise KzgameError("dask=True needs dask: pip install 'kzgame[dask]'") from None
    xd = xv if hasattr(xv, "compute") else da.from_array(xv, chunks=-1)
    side = max(1, chunk_points // max(int(xd.shape[0]), 1))
    yd = yv if hasattr(yv, "compute") else da.from_array(yv, chunks=side)
    grid_x, grid_y = da.broadcast_arrays(xd[None, :], yd[:, None])
    out = classify(protocol=protocol, commitment=commitment, **fixed, **{x: grid_x, y: grid_y})
    if hasattr(out, "compute"):
        if show:
            from dask.diagnostics import ProgressBar

            with ProgressBar(out=sys.stderr):
                out = out.compute()
        else:
            out = out.compute()
    return np.asarray(out, dtype=np.int8)
