"""Sweeps and Monte Carlo past one machine: kzgame on dask.

:func:`kzgame.classify` accepts dask arrays: it applies the compiled kernel
(or the chunked numpy backend) block by block and returns a lazy dask
array of int8 strategy codes.  Nothing else is needed to run on a
``dask.distributed`` cluster: connect a :class:`distributed.Client` and
compute.  This module adds the pieces a large run needs:

* :func:`grid`: the axes of a sweep as an *open* grid of dask arrays (each
  parameter varies along its own axis), so that no block ever holds more
  than its slice of each axis; the codes are the only array of the grid's
  size, and it is produced block by block;
* :func:`sample`: Monte Carlo draws as dask arrays, drawn block by block
  from per-block seeds (reproducible whatever the scheduler or the number
  of workers), with the distributions of :func:`kzgame.analysis.uncertainty.draw`;
* :func:`counts` and :func:`shares`: how many points each strategy gets,
  reduced block by block (only four integers per block travel back).

A 1e9-point sweep on a cluster
------------------------------
::

    from distributed import Client
    import numpy as np
    from kzgame.analysis.distributed import grid, shares

    client = Client("tcp://scheduler:8786")      # or Client() on one machine
    axes = grid({"outside_r": np.linspace(-0.5, 0.5, 1000),
                 "indispensability": np.linspace(0, 1, 1000),
                 "survival": np.linspace(0, 1, 1000)})   # 1e9 points, lazily
    codes = kzgame.classify(share=0.5, outside_e=0.0, invest_cost=0.05, **axes)
    print(shares(codes))                          # runs on the cluster

Each block of ``block_points`` points (default 2**24: 16 MiB of codes) is
one task; its inputs are three short slices of the axes.  Workers need
kzgame with the ``fast`` extra (numba) for the compiled kernel; each worker
process compiles a kernel once, or loads it from its disk cache
(:func:`kzgame.numeric.cache.cache_dir`).  To keep every code rather than the
shares, write the array out block by block (``codes.to_zarr(...)`` with
zarr installed) instead of computing it into memory: 1e9 codes are 1 GB.
See ``docs/howto/dask.md``.

Examples
--------
>>> import numpy as np, kzgame
>>> from kzgame.analysis.distributed import grid, counts
>>> axes = grid({"outside_r": np.linspace(0.0, 0.45, 4),
...              "indispensability": np.array([0.0, 0.9])}, block_points=4)
>>> codes = kzgame.classify(share=0.5, outside_e=0.0, survival=0.8, invest_cost=0.05, **axes)
>>> codes.shape, codes.numblocks
((4, 2), (2, 1))
>>> codes.compute()
array([[1, 1],
       [1, 2],
       [0, 2],
       [0, 2]], dtype=int8)
>>> counts(codes)
array([2, 3, 3, 0])
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ..numeric.classify import classify, is_dask
from ..params import KzgameError, ParameterError, check_parameter, positive_int
from ..strategy import Strategy

__all__ = ["counts", "grid", "monte_carlo", "sample", "shares"]


def _dask_array():
    try:
        import dask.array as da
    except ImportError:  # pragma: no cover - dask is an optional extra
        raise KzgameError("this needs dask: pip install 'kzgame[dask]'") from None
    return da


def grid(axes: Mapping[str, Any], *, block_points: int = 1 << 24) -> dict[str, Any]:
    """The axes of a sweep as an open grid of dask arrays.

    Parameters
    ----------
    axes : mapping
        Parameter name -> 1-D values (validated now).  The k-th entry
        varies along axis k of the grid: it becomes a dask array of shape
        ``(1, ..., n_k, ..., 1)``.
    block_points : int, default 2**24
        Points per block of the grid (the last axes are kept whole while
        they fit, the first ones are split).

    Returns
    -------
    dict
        Parameter name -> dask array, ready for :func:`kzgame.classify`
        (together with scalar values of the other parameters).

    Raises
    ------
    ParameterError
        On an empty or non-1-D axis, or a value outside its domain.

    Examples
    --------
    >>> g = grid({"share": [0.25, 0.5, 0.75], "survival": [0.0, 1.0]}, block_points=2)
    >>> g["share"].shape, g["share"].chunks, g["survival"].shape
    ((3, 1), ((1, 1, 1), (1,)), (1, 2))
    """
    da = _dask_array()
    block_points = positive_int("block_points", block_points)
    values = {}
    for name, v in axes.items():
        arr = check_parameter(name, v)
        if arr.ndim != 1 or arr.size == 0:
            raise ParameterError(f"{name}: a grid axis must be a non-empty 1-D array")
        values[name] = arr
    shape = [a.size for a in values.values()]
    # Chunk lengths: keep trailing axes whole while a block stays within block_points.
    chunks, inner = [0] * len(shape), 1
    for k in range(len(shape) - 1, -1, -1):
        chunks[k] = max(1, min(shape[k], block_points // inner))
        inner *= chunks[k]
    out = {}
    for k, (name, arr) in enumerate(values.items()):
        shaped = arr.reshape([-1 if j == k else 1 for j in range(len(shape))])
        out[name] = da.from_array(
            shaped, chunks=[chunks[k] if j == k else 1 for j in range(len(shape))]
        )
    return out


def _draw_block(block_id, *, ranges, size, seed, distribution, param, chunk):
    """The draws of one block: per-block generator, so blocks are independent of scheduling."""
    from .uncertainty import draw

    b = block_id[0]
    n = min(chunk, size - b * chunk)
    rng = np.random.default_rng([*seed, b])
    return np.asarray(draw(ranges, n, rng, distribution)[param], dtype=np.float64)


def sample(
    target: Any,
    n: int,
    *,
    seed: int = 0,
    distribution: str = "uniform",
    block_points: int = 1 << 22,
) -> dict[str, Any]:
    """Monte Carlo draws of every uncertain parameter, as dask arrays.

    Parameters
    ----------
    target : CasePeriod, Period or mapping
        What to draw from, as for :func:`kzgame.analysis.uncertainty.monte_carlo`
        (``(low, high)`` or ``(mode, low, high)`` per uncertain parameter).
    n : int
        Number of draws.
    seed : int, default 0
        Block b of parameter x draws from
        ``numpy.random.default_rng([seed, key(x), b])``, so the same seed
        and ``block_points`` give the same draws on any scheduler and
        number of workers.
    distribution : {"uniform", "triangular", "pert"}
        As in :func:`kzgame.analysis.uncertainty.draw`.
    block_points : int, default 2**22
        Draws per block.

    Returns
    -------
    dict
        Parameter name -> dask array of ``n`` draws (or a float where the
        range is a single point).

    Examples
    --------
    >>> s = sample({"share": (0.4, 0.6), "outside_r": 0.0, "outside_e": 0.0,
    ...             "indispensability": 0.5, "survival": 0.5, "invest_cost": 0.0},
    ...            n=10, block_points=4)
    >>> s["share"].chunks, s["survival"]
    (((4, 4, 2),), 0.5)
    >>> bool(((s["share"] >= 0.4) & (s["share"] <= 0.6)).all().compute())
    True
    """
    from .uncertainty import DISTRIBUTIONS, triples

    da = _dask_array()
    n = positive_int("n", n)
    block_points = positive_int("block_points", block_points)
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise ParameterError(f"seed = {seed!r}: give an integer")
    if distribution not in DISTRIBUTIONS:
        raise KzgameError(
            f"unknown distribution {distribution!r}; known distributions: "
            f"{', '.join(DISTRIBUTIONS)}"
        )
    ranges = triples(target)
    chunk = min(n, block_points)
    chunks = (tuple([chunk] * (n // chunk) + ([n % chunk] if n % chunk else [])),)
    out: dict[str, Any] = {}
    for name, (low, mode, high) in ranges.items():
        if low == high:
            out[name] = low
            continue
        out[name] = da.map_blocks(
            _draw_block,
            chunks=chunks,
            dtype=np.float64,
            ranges={name: (low, mode, high)},
            size=n,
            seed=[int(seed), _name_key(name)],
            distribution=distribution,
            param=name,
            chunk=chunk,
            meta=np.empty((0,), np.float64),
        )
    return out


def _name_key(name: str) -> int:
    """A stable integer per parameter name, so each parameter has its own stream."""
    return int.from_bytes(name.encode(), "little") % (1 << 63)


def _bincount(block: np.ndarray) -> np.ndarray:
    return np.bincount(np.asarray(block).ravel(), minlength=len(Strategy)).reshape(
        (1,) * np.ndim(block) + (len(Strategy),)
    )


def counts(codes: Any) -> np.ndarray:
    """How many points get each strategy code (accept, invest, hold-up, exit).

    Parameters
    ----------
    codes : dask array or array_like of int8
        Strategy codes, e.g. from :func:`kzgame.classify`.  A dask array is
        reduced block by block on the current scheduler (each block sends
        back four integers).

    Returns
    -------
    numpy.ndarray of int64, shape (4,)

    Examples
    --------
    >>> counts(np.array([[0, 2], [2, 3]], dtype=np.int8))
    array([1, 0, 2, 1])
    """
    if is_dask(codes):
        da = _dask_array()
        nd = codes.ndim
        if nd == 0:
            codes = codes[None]
            nd = 1
        per_block = da.map_blocks(
            _bincount,
            codes,
            new_axis=nd,
            chunks=tuple((1,) * len(c) for c in codes.chunks) + ((len(Strategy),),),
            dtype=np.int64,
        )
        return np.asarray(per_block.sum(axis=tuple(range(nd))).compute(), dtype=np.int64)
    return np.bincount(np.asarray(codes).ravel(), minlength=len(Strategy)).astype(np.int64)


def shares(codes: Any) -> dict[Strategy, float]:
    """The share of points in each strategy (see :func:`counts`).

    Examples
    --------
    >>> shares(np.array([0, 2, 2, 3], dtype=np.int8))[Strategy.HOLD_UP]
    0.5
    """
    c = counts(codes)
    total = int(c.sum())
    if total == 0:
        raise ParameterError("no points: the shares of an empty grid are undefined")
    return {s: float(c[s.code]) / total for s in Strategy}


def monte_carlo(
    target: Any,
    n: int,
    *,
    seed: int = 0,
    distribution: str = "uniform",
    protocol: str = "nash",
    block_points: int = 1 << 22,
) -> dict[Strategy, float]:
    """Strategy shares over ``n`` Monte Carlo draws, computed on dask.

    :func:`sample` draws block by block, :func:`kzgame.classify` classifies
    each block where it was drawn, and only the counts come back: a run
    of 1e9 draws needs no more memory than one block per worker thread.
    For sensitivity indices on up to a few million draws, use
    :func:`kzgame.analysis.uncertainty.monte_carlo` (in memory).

    Examples
    --------
    >>> sh = monte_carlo({"share": 0.5, "outside_r": (0.0, 0.45), "outside_e": 0.0,
    ...                   "indispensability": 0.9, "survival": 0.8, "invest_cost": 0.05},
    ...                  n=20_000, block_points=5_000)
    >>> sorted(k.value for k, v in sh.items() if v > 0)
    ['hold-up', 'invest']
    """

    draws = sample(target, n, seed=seed, distribution=distribution, block_points=block_points)
    if not any(is_dask(v) for v in draws.values()):
        point = classify(protocol=protocol, **draws)  # every range is a point
        return {s: float(s.code == int(point)) for s in Strategy}
    return shares(classify(protocol=protocol, **draws))
