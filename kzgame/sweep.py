"""Two-parameter sweeps: R's strategy over a grid, the other parameters fixed.

:func:`sweep` classifies every point of the grid ``x_values`` x ``y_values``
with :func:`kzgame.classify`, a block of rows at a time (so memory stays
bounded and progress can be shown), or lazily through dask when asked.
:meth:`SweepResult.to_csv` writes the grid in long form, one row per point.

Examples
--------
>>> import numpy as np
>>> from kzgame.sweep import sweep
>>> base = {"share": 0.5, "outside_r": 0.0, "outside_e": 0.0,
...         "indispensability": 0.9, "survival": 0.8, "invest_cost": 0.05}
>>> res = sweep(base, "outside_r", np.linspace(0.0, 0.45, 4),
...             "indispensability", [0.0, 0.9])
>>> res.codes
array([[1, 1, 0, 0],
       [1, 2, 2, 2]], dtype=int8)
>>> str(res.strategies[1, 3])
'hold-up'
"""

from __future__ import annotations

import csv
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .cases import CasePeriod
from .classify import classify
from .model import get_protocol
from .params import PARAMETERS, KzgameError, ParameterError, Period, check_parameter
from .strategy import Strategy

__all__ = ["Progress", "SweepResult", "sweep"]

#: Grids with at least this many points show progress on stderr by default.
PROGRESS_THRESHOLD = 1_000_000
#: Default number of grid points classified per block.
CHUNK_POINTS = 250_000

ProgressCallback = Callable[[int, int], None]


class Progress:
    """A progress line on a stream: ``label: 42% (420000/1000000 points)``.

    Call it with ``(done, total)``; it rewrites the line in place on a
    terminal and prints one line per 10 % otherwise.
    """

    def __init__(self, label: str = "sweep", stream=None) -> None:
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self._last = -1

    def __call__(self, done: int, total: int) -> None:
        pct = 100 * done // max(total, 1)
        tty = getattr(self.stream, "isatty", lambda: False)()
        if not tty and pct // 10 == self._last // 10 and done < total:
            return
        self._last = pct
        start = "\r" if tty else ""
        end = "\n" if (done >= total or not tty) else ""
        self.stream.write(f"{start}{self.label}: {pct:3d}% ({done}/{total} points){end}")
        self.stream.flush()


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
    """

    x: str
    y: str
    x_values: np.ndarray
    y_values: np.ndarray
    codes: np.ndarray
    fixed: dict[str, float]
    protocol: str

    @property
    def strategies(self) -> np.ndarray:
        """The codes as strategy names."""
        return Strategy.decode(self.codes)

    @property
    def shares(self) -> dict[Strategy, float]:
        """Share of grid points in each strategy."""
        counts = np.bincount(self.codes.ravel(), minlength=len(Strategy))
        return {Strategy.from_code(i): c / self.codes.size for i, c in enumerate(counts)}

    def to_csv(self, path: str | os.PathLike[str], *, progress: ProgressCallback | None = None
               ) -> Path:
        """Write the grid to ``path`` in long form.

        Columns: ``<x>``, ``<y>``, ``code``, ``strategy``; one row per grid
        point, x varying fastest.  Floats are written with ``repr``
        precision, so the file reproduces the grid exactly.

        Returns
        -------
        pathlib.Path
            ``path``.
        """
        path = Path(path)
        names = Strategy.decode(np.arange(len(Strategy)))
        xs = [repr(float(v)) for v in self.x_values]
        total = self.codes.size
        with path.open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow([self.x, self.y, "code", "strategy"])
            for i, yv in enumerate(self.y_values):
                ys = repr(float(yv))
                row = self.codes[i]
                w.writerows(zip(xs, [ys] * len(xs), row.tolist(), names[row].tolist(),
                                strict=True))
                if progress is not None:
                    progress((i + 1) * len(xs), total)
        return path


def _fixed_values(base: Any) -> dict[str, float]:
    if isinstance(base, CasePeriod):
        return base.values
    if isinstance(base, Period):
        return base.as_dict()
    if isinstance(base, Mapping):
        return dict(base)
    raise TypeError(f"expected a CasePeriod, Period or mapping, got {type(base).__name__}")


def _axis(name: str, values: Any, which: str):
    if name not in PARAMETERS:
        raise ParameterError(
            f"unknown {which} parameter {name!r}; known parameters: {', '.join(PARAMETERS)}"
        )
    if hasattr(values, "compute") and hasattr(values, "chunks"):
        return values  # a dask array: validated lazily by classify
    arr = check_parameter(name, values)
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
        Grid points classified per block (numpy path) or per dask chunk.
    progress : bool, callable or None
        ``True`` prints progress on stderr (with dask: dask's progress bar),
        ``False`` does not, ``None`` prints it for grids of at least 1e6
        points; a callable is called as ``progress(done, total)`` after each
        block (with dask: once, at the end).
    dask : bool, default False
        Build the grid as dask arrays and let :func:`kzgame.classify`
        evaluate it (lazily, if it is dask-aware), then compute it.

    Returns
    -------
    SweepResult

    Raises
    ------
    ParameterError
        On unknown names, ``x == y``, or values outside their domains.
    KzgameError
        If ``dask=True`` and dask is not installed.
    """
    get_protocol(protocol)
    if x == y:
        raise ParameterError(f"sweep needs two different parameters, got {x!r} twice")
    xv = _axis(x, x_values, "x")
    yv = _axis(y, y_values, "y")
    if isinstance(chunk_points, bool) or not isinstance(chunk_points, int) or chunk_points < 1:
        raise KzgameError(f"chunk_points = {chunk_points!r}: give a positive integer")
    fixed = {k: v for k, v in _fixed_values(base).items() if k not in (x, y)}
    use_dask = dask or any(hasattr(v, "compute") for v in (xv, yv))
    total = int(xv.shape[0]) * int(yv.shape[0])
    if progress is None:
        progress = total >= PROGRESS_THRESHOLD
    if use_dask:
        codes = _sweep_dask(fixed, x, xv, y, yv, protocol, chunk_points, progress is True)
        xv, yv = np.asarray(xv, dtype=float), np.asarray(yv, dtype=float)
        if callable(progress):
            progress(total, total)
    else:
        report = Progress() if progress is True else (progress or None)
        rows = max(1, chunk_points // xv.size)
        codes = np.empty((yv.size, xv.size), dtype=np.int8)
        for start in range(0, yv.size, rows):
            stop = min(start + rows, yv.size)
            axes = {x: xv[None, :], y: yv[start:stop, None]}
            block = classify(protocol=protocol, **fixed, **axes)
            codes[start:stop] = np.broadcast_to(block, (stop - start, xv.size))
            if report:
                report(stop * xv.size, total)
    return SweepResult(x, y, xv, yv, codes, {k: float(v) for k, v in fixed.items()}, protocol)


def _sweep_dask(fixed, x, xv, y, yv, protocol, chunk_points, show: bool) -> np.ndarray:
    try:
        import dask.array as da
    except ImportError:  # pragma: no cover - dask is an optional extra
        raise KzgameError("dask=True needs dask: pip install 'kzgame[dask]'") from None
    xd = xv if hasattr(xv, "compute") else da.from_array(xv, chunks=-1)
    side = max(1, chunk_points // max(int(xd.shape[0]), 1))
    yd = yv if hasattr(yv, "compute") else da.from_array(yv, chunks=side)
    grid_x, grid_y = da.broadcast_arrays(xd[None, :], yd[:, None])
    out = classify(protocol=protocol, **fixed, **{x: grid_x, y: grid_y})
    if hasattr(out, "compute"):
        if show:
            from dask.diagnostics import ProgressBar

            with ProgressBar(out=sys.stderr):
                out = out.compute()
        else:
            out = out.compute()
    return np.asarray(out, dtype=np.int8)
