"""The vectorized classifier: R's subgame-perfect strategy over whole parameter arrays.

:func:`classify` runs one of two backends, both generated from the one
definition of the payoffs (:mod:`kzgame.kernels`) and giving identical codes:

``numba``
    One compiled pass over the points (the ``fast`` extra,
    ``pip install kzgame[fast]``).  Used by default when numba is installed.
``numpy``
    The same expressions on NumPy arrays, in cache-sized chunks.  Core:
    always available.

Inputs broadcast like NumPy arrays and are never materialized at the
broadcast shape; the output is an int8 array.  Dask arrays are accepted too:
the classification then runs block by block (lazily, on any dask scheduler,
including a ``dask.distributed`` cluster) and the result is a dask array
(see :mod:`kzgame.distributed`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import MISSING, fields
from typing import Any, Literal

import numpy as np

from . import kernels
from .model import get_protocol
from .params import DOMAINS, PARAMETERS, KzgameError, ParameterError, Period, check_parameter
from .strategy import CODE_DTYPE, Strategy

__all__ = [
    "BACKENDS",
    "check_names",
    "DEFAULTS",
    "NUMBA_MIN_POINTS",
    "REQUIRED",
    "Strategy",
    "choose",
    "classify",
    "prepare",
]

#: Parameters :func:`classify` fills in when they are not given (as in :class:`Period`).
DEFAULTS: dict[str, float] = {f.name: f.default for f in fields(Period) if f.default is not MISSING}
#: Parameters :func:`classify` needs.
REQUIRED: tuple[str, ...] = tuple(k for k in PARAMETERS if k not in DEFAULTS)

#: The values of :func:`classify`'s ``backend`` argument.
BACKENDS: tuple[str, ...] = ("auto", "numba", "numpy")

Backend = Literal["auto", "numba", "numpy"]

#: ``backend="auto"`` uses numba (when installed) from this many points on.
#: Below it the numpy backend is as fast as the call overhead, and a kernel
#: need not be compiled (about a second per protocol and pattern of varying
#: inputs, once per machine: see :func:`kzgame.kernels.cache_dir`).
NUMBA_MIN_POINTS: int = 1 << 16


def check_names(params: Mapping[str, Any], required: Iterable[str] = REQUIRED) -> None:
    """Raise :class:`ParameterError` on an unknown parameter name or a missing required one.

    Examples
    --------
    >>> check_names({"share": 0.5})
    Traceback (most recent call last):
    ...
    kzgame.errors.ParameterError: missing parameter(s): outside_r, outside_e, ...
    """
    unknown = sorted(set(params) - set(PARAMETERS))
    if unknown:
        raise ParameterError(
            f"unknown parameter(s) {', '.join(unknown)}; known parameters: {', '.join(PARAMETERS)}"
        )
    missing = [k for k in required if k not in params]
    if missing:
        raise ParameterError(f"missing parameter(s): {', '.join(missing)}")


def prepare(params: Mapping[str, Any]) -> dict[str, np.ndarray]:
    """Validate keyword parameters and fill in the defaults.

    Returns a dict of float64 arrays (not yet broadcast), one per name in
    :data:`kzgame.params.PARAMETERS`.

    Raises
    ------
    ParameterError
        On an unknown or missing name, or a value outside its domain.

    Examples
    --------
    >>> p = prepare(dict(share=0.5, outside_r=[0.0, 0.1], outside_e=0.0,
    ...                  indispensability=1.0, survival=0.5, invest_cost=0.0))
    >>> p["outside_r"], p["power"]
    (array([0. , 0.1]), array(0.5))
    """
    check_names(params)
    out = {k: _as_float(k, params.get(k, DEFAULTS.get(k))) for k in PARAMETERS}
    _validate_all(out)
    return out


def choose(g_invest, g_holdup, g_exit, concedes, atol: float = 0.0) -> np.ndarray:
    """Pick R's strategy code from its gains relative to accept (the tie rule).

    A hold-up is available only where E concedes (``concedes`` true); a
    hold-up E refuses ends in the same breakdown as exit, at a cost h >= 0,
    so it is never chosen.  Among the available choices R takes the largest
    gain; choices within ``atol`` of the largest count as tied and the tie
    goes to the first in the order accept (0), invest (1), hold-up (2),
    exit (3).

    Examples
    --------
    >>> choose(np.array([0.0, 0.1]), np.array([0.0, 0.2]), np.array([-1.0, 0.0]),
    ...        np.array([True, True]))
    array([0, 2], dtype=int8)
    >>> choose(0.1, 0.1 + 1e-12, -1.0, True, atol=1e-9)
    array(1, dtype=int8)
    """
    g_holdup = np.where(concedes, g_holdup, -np.inf)
    best = np.maximum(np.maximum(g_invest, g_holdup), np.maximum(g_exit, 0.0))
    floor = best - atol
    # Assign in reverse tie order so that the first tied choice wins.
    code = np.where(g_holdup >= floor, 2, 3).astype(CODE_DTYPE)
    code = np.where(g_invest >= floor, 1, code).astype(CODE_DTYPE)
    return np.where(floor <= 0.0, 0, code).astype(CODE_DTYPE)


def classify(
    *, protocol: str = "nash", atol: float = 0.0, backend: Backend = "auto", **params: Any
) -> np.ndarray:
    """R's subgame-perfect strategy at every point of a parameter grid.

    Parameters
    ----------
    protocol : str, default "nash"
        The bargaining protocol (a key of :data:`kzgame.model.PROTOCOLS`).
    atol : float, default 0.0
        Gains within ``atol`` of the best count as tied (see :func:`choose`).
        ``0.0`` decides ties on the computed values exactly.
    backend : {"auto", "numba", "numpy"}, default "auto"
        ``numba``: the compiled kernel (needs the ``fast`` extra);
        ``numpy``: chunked NumPy; ``auto``: numba if it is installed and the
        grid has at least :data:`NUMBA_MIN_POINTS` points.  Both give
        identical codes (the same floating-point operations and the same
        tie rule).
    **params : float, array_like or dask array
        The parameters of :class:`kzgame.Period` by name.  ``share``,
        ``outside_r``, ``outside_e``, ``indispensability``, ``survival`` and
        ``invest_cost`` are required; the others default as in
        :class:`kzgame.Period`.  Arrays broadcast against each other like
        numpy arrays (without being copied to the broadcast shape).  If
        any is a dask array, the result is a dask array computed block by
        block; values are then validated as each block is computed.

    Returns
    -------
    numpy.ndarray of int8 (or dask.array.Array of int8)
        The strategy code at each point, shape = the broadcast shape of the
        parameters (0-d for scalars): 0 accept, 1 invest, 2 hold-up, 3 exit
        (:meth:`kzgame.Strategy.from_code`, :meth:`kzgame.Strategy.decode`).
        Memory: the output plus, for the numpy backend, a few
        :data:`kzgame.kernels.CHUNK`-sized temporaries.  Inputs are read in
        place; only an input that is not float64, or (numba backend) a
        transposed or reversed view, is first copied once, at its own size.

    Raises
    ------
    ParameterError
        On an unknown or missing parameter, any value outside its domain
        (the first in :data:`kzgame.params.PARAMETERS` order, then in C
        order), parameters that do not broadcast together, or a point whose
        gains overflow float64 (parameters near 1e308).
    KzgameError
        On an unknown protocol or backend, or ``backend="numba"`` without
        numba.

    Examples
    --------
    >>> import numpy as np
    >>> codes = classify(share=0.5, outside_r=np.array([0.0, 0.45]), outside_e=0.0,
    ...                  indispensability=0.9, survival=0.8, invest_cost=0.05)
    >>> codes
    array([1, 2], dtype=int8)
    >>> Strategy.decode(codes)
    array(['invest', 'hold-up'], dtype='<U7')

    A grid broadcasts from open axes, and both backends agree:

    >>> o_r, iota = np.linspace(-0.25, 0.75, 5)[:, None], np.linspace(0, 1, 4)
    >>> grid = dict(share=0.5, outside_r=o_r, outside_e=0.0, indispensability=iota,
    ...             survival=0.8, invest_cost=0.05)
    >>> classify(**grid, backend="numpy")
    array([[1, 1, 1, 1],
           [1, 1, 1, 1],
           [0, 0, 2, 2],
           [0, 2, 2, 2],
           [3, 3, 2, 2]], dtype=int8)
    >>> bool((classify(**grid) == classify(**grid, backend="numpy")).all())
    True
    """
    get_protocol(protocol)
    if not (
        isinstance(atol, (int, float, np.floating, np.integer))
        and math.isfinite(atol)
        and atol >= 0
    ):
        raise ParameterError(f"atol = {atol!r} is outside the allowed range [0, inf)")
    use_numba = _use_numba(backend)
    check_names(params)
    if any(_is_dask(v) for v in params.values()):
        return _classify_dask(protocol, float(atol), backend, params)
    arrays = {k: _as_float(k, params.get(k, DEFAULTS.get(k))) for k in PARAMETERS}
    shape = _broadcast_shape(arrays)
    if backend == "auto" and math.prod(shape) < NUMBA_MIN_POINTS:
        use_numba = False  # not worth compiling a kernel for
    if use_numba:
        return _classify_numba(protocol, float(atol), arrays, shape)
    return _classify_numpy(protocol, float(atol), arrays, shape)


# --------------------------------------------------------------------------
# Validation


def _use_numba(backend: str) -> bool:
    if backend not in BACKENDS:
        raise KzgameError(f"unknown backend {backend!r}; backends: {', '.join(BACKENDS)}")
    if backend == "numba":
        kernels._require_numba()
        return True
    return backend == "auto" and kernels.NUMBA_AVAILABLE


def _as_float(name: str, value: Any) -> np.ndarray:
    """``value`` as a float64 array, without copying float64 arrays or views."""
    if isinstance(value, np.ndarray) and value.dtype == np.float64:
        return value
    if isinstance(value, bool) or (
        isinstance(value, np.ndarray) and value.dtype.kind not in "biuf"
    ):
        return check_parameter(name, value)  # raises the standard message, or converts
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return check_parameter(name, value)  # raises the standard message


def _in_domain(name: str, arr: np.ndarray) -> bool:
    """Whether every element of ``arr`` is in ``name``'s domain (two reductions, no temporary)."""
    if arr.size == 0:
        return True
    domain = DOMAINS[name]
    return domain.contains(float(arr.min())) and domain.contains(float(arr.max()))


def _validate_all(arrays: Mapping[str, np.ndarray]) -> None:
    """:func:`_validate` every parameter, in :data:`kzgame.params.PARAMETERS` order."""
    for k in PARAMETERS:
        _validate(k, arrays[k])


def _validate(name: str, arr: np.ndarray) -> None:
    """Raise :class:`ParameterError` unless every element of ``arr`` is in ``name``'s domain.

    Two reductions (min and max, which propagate NaN) decide; only when
    they fail is the array searched, chunk by chunk in C order, for the
    first offending element, which :func:`kzgame.params.check_parameter`
    reports.  No full-size temporary is allocated.
    """
    if _in_domain(name, arr):
        return
    for idx in kernels.chunk_indices(arr.shape):
        check_parameter(name, arr[idx])
    raise AssertionError(f"kzgame bug: {name} failed validation but no element is out of range")


def _broadcast_shape(arrays: Mapping[str, Any]) -> tuple[int, ...] | None:
    """The broadcast shape, or None if a dask array's shape is not known yet."""
    shapes = [np.shape(a) for a in arrays.values()]
    if any(isinstance(n, float) and math.isnan(n) for shape in shapes for n in shape):
        return None  # unknown chunk sizes: dask checks when it computes
    try:
        return np.broadcast_shapes(*shapes)
    except ValueError:
        shapes = ", ".join(f"{k}{tuple(np.shape(a))}" for k, a in arrays.items() if np.ndim(a))
        raise ParameterError(f"the parameters do not broadcast together: {shapes}") from None


def _overflow(protocol: str, arrays: Mapping[str, np.ndarray], shape, lo: int, hi: int):
    """Find the first point in flat range [lo, hi) whose gains are not finite and raise."""
    fn = kernels.numpy_gains(protocol)
    ins = kernels.gains_code(protocol).inputs
    flat_shape = shape or (1,)  # a 0-d (scalar) call is one point
    for a in range(lo, hi, kernels.CHUNK):
        flat = np.arange(a, min(hi, a + kernels.CHUNK))
        index = np.unravel_index(flat, flat_shape)
        values = [np.broadcast_to(arrays[k], flat_shape)[index] for k in ins]
        with np.errstate(over="ignore", invalid="ignore"):
            gains = np.broadcast_arrays(*fn(*values))
        bad = ~np.logical_and.reduce([np.isfinite(g) for g in gains])
        if bad.any():
            i = int(np.argmax(bad))
            point = tuple(int(ix[i]) for ix in index)
            where = f" at index {point}" if shape else ""
            vals = ", ".join(f"{k}={float(v[i])!r}" for k, v in zip(ins, values, strict=True))
            raise ParameterError(
                f"the gains overflow float64{where} ({vals}): the parameters are too large "
                "in magnitude; rescale them (for instance to surplus = 1)"
            )
    raise AssertionError("kzgame bug: an overflow was reported but no gain is infinite")


# --------------------------------------------------------------------------
# Backends


def _classify_numba(protocol: str, atol: float, arrays, shape) -> np.ndarray:
    ins = kernels.gains_code(protocol).inputs
    # The kernel validates what it reads; the rest is checked here.  Where that fails,
    # every parameter is validated in order, so that the error is the one the numpy
    # backend raises (the first invalid parameter in PARAMETERS order).
    if math.prod(shape) == 0 or not all(
        _in_domain(k, arrays[k]) for k in PARAMETERS if k not in ins
    ):
        _validate_all(arrays)
    codes, status, start = kernels.run_numba(protocol, arrays, shape, atol)
    if status == 1:
        _validate_all(arrays)
        raise AssertionError("kzgame bug: the kernel rejected an input that validates")
    if status == 2:
        _validate_all(arrays)  # an invalid input in a later row takes precedence
        _overflow(protocol, arrays, shape, start, math.prod(shape))
    return codes


def _block_view(arr: np.ndarray, idx: tuple, ndim: int) -> np.ndarray:
    """The part of ``arr`` (broadcast to ``ndim`` axes) that a grid block ``idx`` reads."""
    arr = arr.reshape((1,) * (ndim - arr.ndim) + arr.shape)
    sub = tuple(
        (0 if isinstance(i, int) else slice(None)) if n == 1 else i
        for i, n in zip(idx, arr.shape, strict=True)
    )
    return arr[sub]


def _classify_numpy(protocol: str, atol: float, arrays, shape, chunk: int = kernels.CHUNK):
    _validate_all(arrays)
    fn = kernels.numpy_gains(protocol)
    ins = kernels.gains_code(protocol).inputs
    out = np.empty(shape, dtype=CODE_DTYPE)
    nd = len(shape)
    strides = np.cumprod((1,) + shape[:0:-1])[::-1] if nd else ()
    for idx in kernels.chunk_indices(shape, chunk):
        with np.errstate(over="ignore", invalid="ignore"):  # overflow is checked below
            g_i, g_h, g_x, margin = fn(*(_block_view(arrays[k], idx, nd) for k in ins))
        with np.errstate(over="ignore", invalid="ignore"):
            total = np.sum(g_i) + np.sum(g_h) + np.sum(g_x) + np.sum(margin)
        if not math.isfinite(total):  # an infinity, a NaN, or a sum that overflowed
            if not all(np.isfinite(g).all() for g in (g_i, g_h, g_x, margin)):
                first = sum(
                    int(s) * (i if isinstance(i, int) else i.start or 0)
                    for s, i in zip(strides, idx, strict=True)
                )
                _overflow(protocol, arrays, shape, first, math.prod(shape))
        out[idx] = choose(g_i, g_h, g_x, margin >= 0, atol=atol)
    return out


# --------------------------------------------------------------------------
# Dask


def _is_dask(value: Any) -> bool:
    """Whether ``value`` is a dask array (checked without importing dask)."""
    return type(value).__module__.startswith("dask.") and hasattr(value, "__dask_graph__")


def _classify_block(*blocks, names, constants, protocol, atol, backend):
    """Classify one block of a dask computation (validates the block's values)."""
    return classify(
        **dict(zip(names, blocks, strict=True)),
        **constants,
        protocol=protocol,
        atol=atol,
        backend=backend,
    )


def _classify_dask(protocol: str, atol: float, backend: str, params: Mapping[str, Any]):
    import dask.array as da

    values = {k: params.get(k, DEFAULTS.get(k)) for k in PARAMETERS}
    names, arrays, constants = [], [], {}
    for k, v in values.items():
        if _is_dask(v):
            if v.dtype.kind not in "biuf":
                raise ParameterError(
                    f"{k} must be a number or an array of numbers, got a dask array of {v.dtype}"
                )
            names.append(k)
            arrays.append(v)
        else:
            arr = _as_float(k, v)
            _validate(k, arr)  # in memory: checked now
            if arr.ndim == 0:
                constants[k] = float(arr)
            else:
                names.append(k)
                arrays.append(da.from_array(arr, chunks=arr.shape or ()))
    _broadcast_shape(dict(zip(names, arrays, strict=True)))
    nd = max(a.ndim for a in arrays)
    args = []
    for a in arrays:
        args += [a, tuple(range(a.ndim))[::-1]]
    return da.blockwise(
        _classify_block,
        tuple(range(nd))[::-1],
        *args,
        dtype=CODE_DTYPE,
        names=tuple(names),
        constants=constants,
        protocol=protocol,
        atol=atol,
        backend=backend,
    )
