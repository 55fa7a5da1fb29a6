"""Classification kernels generated from the one definition of the payoffs.

No payoff formula is written in this module.  For each protocol the kernels
are *printed* from :func:`kzgame.model.gains` (and the stakes from
:func:`kzgame.model.from_stakes`): the gains are reduced by common
subexpression elimination exactly as :func:`kzgame.model.numeric_gains`
does (``sympy.cse`` over the five gains, then sympy's NumPy printer), so
that every path evaluates the same floating-point operations in the same
order and gives bit-identical gains.  What is written here is only the
plumbing around those expressions: the loop over points, the validation of
the inputs against :data:`kzgame.params.DOMAINS` and R's tie rule (the same
rule as :func:`kzgame.classify.choose`).

Two backends are generated from the same text:

``numpy`` (core)
    The printed expressions run on NumPy arrays, one cache-sized chunk of
    points at a time (:data:`CHUNK` points), so that memory stays bounded
    by the inputs, the int8 output and a few chunk-sized temporaries,
    whatever the number of points.  Always available.

``numba`` (the optional extra ``kzgame[fast]``)
    The printed expressions are placed inside one loop over the points and
    compiled with :func:`numba.njit`: each point's inputs are read once
    (through the broadcast strides, without materializing broadcast
    arrays), validated, turned into gains and a strategy code in registers,
    and one int8 is written.  No float array of the size of the output is
    ever allocated.

Both take the inputs as validated-or-not float64 arrays that broadcast
against each other, and return the int8 codes; :func:`kzgame.classify`
chooses the backend.  The generated source is available for reading
(:func:`kernel_source`, :func:`gains_source`).

Examples
--------
>>> gains_code("ultimatum").inputs  # NORMALIZE_WHITESPACE is on
('surplus', 'share', 'outside_r', 'outside_e', 'indispensability', 'survival',
 'invest_cost', 'holdup_cost')
>>> print(gains_source("ultimatum"))  # doctest: +ELLIPSIS
def gains(surplus, share, ..., holdup_cost):
    stake_r = -outside_r + share*surplus
    stake_e = -outside_e + surplus*(1 - share)
    ...
    g_exit = ...
    margin = 0
    return g_invest, g_holdup, g_exit, margin
<BLANKLINE>
"""

from __future__ import annotations

import hashlib
import importlib.util
import itertools
import linecache
import math
import os
import sys
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import sympy as sp
from sympy.printing.numpy import NumPyPrinter

from .model import GAIN_KEYS, STAKES, from_stakes, gains, get_protocol
from .params import DOMAINS, PARAMETERS, KzgameError

__all__ = [
    "CHUNK",
    "GAIN_NAMES",
    "GainsCode",
    "NUMBA_AVAILABLE",
    "chunk_indices",
    "gains_code",
    "gains_source",
    "kernel_source",
    "numba_kernel",
    "numpy_gains",
    "run_numba",
]

#: Points per chunk of the numpy backend: 2**15, so that a float64 temporary
#: is 256 KiB and the temporaries of one chunk stay in the level-2 cache
#: (the fastest of 2**12 ... 2**18 on the benchmark machine, within 10 %).
CHUNK: int = 1 << 15

#: Whether numba can be imported (the ``fast`` extra); checked without importing it.
NUMBA_AVAILABLE: bool = importlib.util.find_spec("numba") is not None

#: Names the generated code gives to the gains classification needs, and the
#: keys of :func:`kzgame.model.gains` they come from.
GAIN_NAMES: dict[str, str] = {
    "g_invest": "invest",
    "g_holdup": "hold-up",
    "g_exit": "exit",
    "margin": "concession-margin",
}


class _Printer(NumPyPrinter):
    """sympy's NumPy printer as :func:`sympy.lambdify` configures it, with two changes.

    ``Max``/``Min`` print as nested calls of ``_maximum``/``_minimum`` (bound
    to ``numpy.maximum``/``numpy.minimum`` for arrays and to NaN-propagating
    scalar functions in the compiled kernel: the same values), and integer
    powers print as products and quotients (so that no path calls ``pow``,
    whose last bit may differ between libraries).
    """

    def __init__(self) -> None:
        super().__init__(
            {
                "fully_qualified_modules": False,
                "inline": True,
                "allow_unknown_functions": True,
                "user_functions": {},
            }
        )

    def _nested(self, name: str, args) -> str:
        out = self._print(args[0])
        for arg in args[1:]:
            out = f"{name}({out}, {self._print(arg)})"
        return out

    def _print_Max(self, expr: sp.Max) -> str:
        return self._nested("_maximum", expr.args)

    def _print_Min(self, expr: sp.Min) -> str:
        return self._nested("_minimum", expr.args)

    def _print_Pow(self, expr: sp.Pow, rational: bool = False) -> str:
        exp = expr.exp
        if exp.is_Integer and exp != 0 and abs(int(exp)) <= 8:
            base = self.parenthesize(expr.base, sp.printing.precedence.PRECEDENCE["Mul"])
            prod = "*".join([base] * abs(int(exp)))
            return f"({prod})" if exp > 0 else f"(1/({prod}))"
        return super()._print_Pow(expr, rational=rational)


@dataclass(frozen=True)
class GainsCode:
    """The printed code of one protocol's gains, as lines of Python assignments.

    Attributes
    ----------
    protocol : str
        The protocol.
    inputs : tuple of str
        The parameters the gains depend on (through the stakes or directly),
        in :data:`kzgame.params.PARAMETERS` order.
    lines : tuple of str
        Assignments computing ``stake_r``, ``stake_e``, the common
        subexpressions ``x0, x1, ...`` and the four outputs of
        :data:`GAIN_NAMES`, in an order that can be executed top to bottom.
    """

    protocol: str
    inputs: tuple[str, ...]
    lines: tuple[str, ...]


@cache
def gains_code(protocol: str = "nash") -> GainsCode:
    """Print the gains of ``protocol`` as Python assignments (see :class:`GainsCode`).

    The common subexpressions are eliminated over all five gains of
    :data:`kzgame.model.GAIN_KEYS`, as :func:`kzgame.model.numeric_gains`
    does, so the floating-point operations are the same as there; only the
    subexpressions the classification needs are kept.

    Examples
    --------
    >>> gains_code("nash").lines[:2]
    ('stake_r = -outside_r + share*surplus', 'stake_e = -outside_e + surplus*(1 - share)')
    """
    get_protocol(protocol)
    printer = _Printer()
    exprs = gains(protocol)
    cses, reduced = sp.cse([exprs[k] for k in GAIN_KEYS], list=False)
    wanted = {name: reduced[GAIN_KEYS.index(key)] for name, key in GAIN_NAMES.items()}
    # Keep only the subexpressions the wanted outputs need, in order.
    needed: set[sp.Symbol] = set()
    frontier = set().union(*(e.free_symbols for e in wanted.values()))
    defs = dict(cses)
    while frontier:
        sym = frontier.pop()
        if sym in defs and sym not in needed:
            needed.add(sym)
            frontier |= defs[sym].free_symbols
    stake_lines = [f"{k} = {printer.doprint(from_stakes(v))}" for k, v in STAKES.items()]
    cse_lines = [f"{sym} = {printer.doprint(e)}" for sym, e in cses if sym in needed]
    out_lines = [f"{name} = {printer.doprint(e)}" for name, e in wanted.items()]
    used = set().union(
        *(e.free_symbols for e in wanted.values()), *(defs[s].free_symbols for s in needed)
    )
    # Stakes the gains do not use are not computed.
    stake_lines = [ln for ln, sym in zip(stake_lines, STAKES.values(), strict=True) if sym in used]
    used |= set().union(*(from_stakes(sym).free_symbols for sym in STAKES.values() if sym in used))
    names = {str(s) for s in used}
    inputs = tuple(k for k in PARAMETERS if k in names)
    return GainsCode(protocol, inputs, tuple(stake_lines + cse_lines + out_lines))


def gains_source(protocol: str = "nash") -> str:
    """Python source of ``gains(*inputs) -> (g_invest, g_holdup, g_exit, margin)``.

    The function works on floats and on broadcasting NumPy arrays; its
    arguments are :attr:`GainsCode.inputs`.
    """
    code = gains_code(protocol)
    body = "\n".join(f"    {ln}" for ln in code.lines)
    return f"def gains({', '.join(code.inputs)}):\n{body}\n    return {', '.join(GAIN_NAMES)}\n"


def _compile(source: str, filename: str, namespace: dict) -> dict:
    """Execute generated ``source`` in ``namespace`` (registered for tracebacks)."""
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    exec(compile(source, filename, "exec"), namespace)
    return namespace


@cache
def numpy_gains(protocol: str = "nash"):
    """The generated gains function of ``protocol``, on NumPy arrays.

    Examples
    --------
    >>> f = numpy_gains("nash")
    >>> [float(g) for g in f(1.0, 0.5, 0.25, 0.0, 1.0, 0.5, 0.0, 0.5, 0.0)]
    [0.125, 0.0625, -0.125, 0.1875]
    """
    ns = {"_maximum": np.maximum, "_minimum": np.minimum}
    return _compile(gains_source(protocol), f"<kzgame-gains-{protocol}>", ns)["gains"]


def _domain_test(name: str, var: str) -> str:
    """A branch-free test: ``var`` is finite and in ``name``'s domain (generated from DOMAINS)."""
    d = DOMAINS[name]
    if math.isinf(d.low):
        low = f"{var} > -inf"
    else:
        low = f"{var} {'>' if d.low_open else '>='} {d.low!r}"
    if math.isinf(d.high):
        high = f"{var} < inf"
    else:
        high = f"{var} {'<' if d.high_open else '<='} {d.high!r}"
    return f"({low}) & ({high})"


_KERNEL_TEMPLATE = '''\
import math

import numpy as np
from numba import njit

inf = math.inf


@njit(inline="always")
def _maximum(a, b):
    # numpy.maximum on scalars: NaN propagates, otherwise the larger value.
    return a if (a != a) | (a >= b) else b


@njit(inline="always")
def _minimum(a, b):
    return a if (a != a) | (a <= b) else b


@njit(nogil=True, error_model="numpy", boundscheck=False, cache={cache})
def kernel(shape, strides, out, atol, {arrays}):
    """Classify the points of one broadcast grid ({protocol} protocol).

    ``a_<name>`` are 1-D float64 buffers holding the inputs; ``shape[d]``
    are the grid's extents and ``strides[k, d]`` the element strides of
    input k along d (0 where it is broadcast); ``out`` is the C-ordered
    int8 output.  Along the last axis this kernel reads {varying}
    contiguously and holds the other inputs fixed (stride 0), so the inner
    loop is one branch-free pass over the row.  Returns (0, 0) or, at the
    first row with a problem, (1, row start) for an input outside its
    domain and (2, row start) for a non-finite gain.
    """
    nd = shape.shape[0]
    inner = shape[nd - 1]
    n = out.shape[0]
    if n == 0:
        return 0, 0
    n_outer = n // inner
    idx = np.zeros(nd, np.int64)
    off = np.zeros({n_inputs}, np.int64)
    pos = 0
    for _row in range(n_outer):
{row_loads}
        dst = out[pos:pos + inner]
        bad_input = False
        bad_gain = False
        for j in range(inner):
{point_loads}
            bad_input |= not ({valid})
{gains}
            bad_gain |= not ((abs(g_invest) < inf) & (abs(g_holdup) < inf)
                             & (abs(g_exit) < inf) & (abs(margin) < inf))
            # R's tie rule, as kzgame.classify.choose.
            gh = g_holdup if margin >= 0.0 else -inf
            best = _maximum(_maximum(g_invest, gh), _maximum(g_exit, 0.0))
            floor = best - atol
            code = 2 if gh >= floor else 3
            code = 1 if g_invest >= floor else code
            code = 0 if floor <= 0.0 else code
            dst[j] = code
        if bad_input:
            return 1, pos
        if bad_gain:
            return 2, pos
        pos += inner
        d = nd - 2
        while d >= 0:
            idx[d] += 1
            for k in range({n_inputs}):
                off[k] += strides[k, d]
            if idx[d] < shape[d]:
                break
            for k in range({n_inputs}):
                off[k] -= strides[k, d] * shape[d]
            idx[d] = 0
            d -= 1
    return 0, 0
'''


def kernel_source(
    protocol: str = "nash", varying: tuple[bool, ...] | None = None, cache: bool = False
) -> str:
    """Python source of a numba kernel of ``protocol`` (a module defining ``kernel``).

    Parameters
    ----------
    protocol : str
        The protocol.
    varying : tuple of bool, optional
        For each input of :attr:`GainsCode.inputs`, whether it varies along
        the grid's last axis (read contiguously) or not (read once per
        row).  Default: all vary.  One kernel is compiled per pattern met,
        so that each inner loop reads its inputs at unit stride.
    cache : bool, default False
        Whether numba may cache the compiled code on disk (needs the source
        in a file; see :func:`cache_dir`).
    """
    code = gains_code(protocol)
    ins = code.inputs
    if varying is None:
        varying = (True,) * len(ins)
    if len(varying) != len(ins):
        raise ValueError(f"varying needs {len(ins)} flags, got {len(varying)}")
    ind8, ind12 = " " * 8, " " * 12
    row_loads = [
        f"{ind8}r_{k} = a_{k}[off[{i}]:off[{i}] + inner]" if v else f"{ind8}{k} = a_{k}[off[{i}]]"
        for i, (k, v) in enumerate(zip(ins, varying, strict=True))
    ]
    point_loads = [f"{ind12}{k} = r_{k}[j]" for k, v in zip(ins, varying, strict=True) if v]
    return _KERNEL_TEMPLATE.format(
        protocol=protocol,
        cache=bool(cache),
        arrays=", ".join(f"a_{k}" for k in ins),
        varying=", ".join(k for k, v in zip(ins, varying, strict=True) if v) or "no input",
        n_inputs=len(ins),
        row_loads="\n".join(row_loads),
        point_loads="\n".join(point_loads) or f"{ind12}pass",
        valid=f"\n{ind12}    & ".join(_domain_test(k, k) for k in ins),
        gains="\n".join(f"{ind12}{ln}" for ln in code.lines),
    )


def _require_numba() -> None:
    if not NUMBA_AVAILABLE:
        raise KzgameError(
            "the numba backend needs numba, which is not installed; "
            "install the extra with `pip install kzgame[fast]` or use backend='numpy'"
        )


@cache
def numba_kernel(protocol: str = "nash", varying: tuple[bool, ...] | None = None):
    """The compiled kernel of ``protocol`` for one pattern of varying inputs.

    Generated by :func:`kernel_source`; numba compiles it on its first call.

    Raises
    ------
    KzgameError
        If numba is not installed.
    """
    _require_numba()
    tag = "".join("v" if v else "c" for v in (varying or ()))
    stem = f"{protocol.replace('-', '_')}_{tag}"
    directory = cache_dir()
    if directory is not None:
        source = kernel_source(protocol, varying, cache=True)
        try:
            return _import_file(source, directory, stem).kernel
        except (OSError, RuntimeError):  # an unusable cache: compile in memory instead
            pass
    source = kernel_source(protocol, varying)
    return _compile(source, f"<kzgame-kernel-{stem}>", {})["kernel"]


def cache_dir() -> Path | None:
    """Where generated kernels and numba's compiled code are kept between sessions.

    ``$KZGAME_CACHE_DIR`` if set (``off`` to keep nothing on disk), else
    ``kzgame`` under ``$XDG_CACHE_HOME`` (default ``~/.cache``).  Each
    kernel is compiled once per machine and pattern of varying inputs instead of once
    per process (which matters for dask workers); the files are keyed by a
    hash of the generated source, so a change of the model makes new ones.
    """
    env = os.environ.get("KZGAME_CACHE_DIR")
    if env is not None:
        return None if env.strip().lower() in ("", "off", "0", "none") else Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "kzgame"


def _import_file(source: str, directory: Path, stem: str):
    """Write ``source`` to ``directory`` (once, atomically) and import it as a module."""
    digest = hashlib.sha256(source.encode()).hexdigest()[:16]
    name = f"kzgame_kernel_{stem}_{digest}"
    if name in sys.modules:
        return sys.modules[name]
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.py"
    if not path.exists():
        fd, tmp = tempfile.mkstemp(dir=directory, suffix=".tmp")
        with os.fdopen(fd, "w") as f:
            f.write(source)
        os.replace(tmp, path)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    sys.modules[name] = module
    return module


# --------------------------------------------------------------------------
# Broadcasting without materializing: strides and chunks.


def _buffer(arr: np.ndarray, contiguous: bool = False) -> tuple[np.ndarray, list[int]]:
    """A read-only 1-D float64 buffer holding ``arr`` and its element strides.

    Views with non-negative strides (slices, ``numpy.broadcast_to``) are
    read in place unless ``contiguous``; other layouts are copied once.
    Dimensions of length 1 get stride 0.
    """
    if arr.size == 0:
        return np.zeros(1), [0] * arr.ndim
    if contiguous or arr.dtype != np.float64 or any(s < 0 or s % 8 for s in arr.strides):
        arr = np.ascontiguousarray(arr, dtype=np.float64)
    elems = [s // 8 for s in arr.strides]
    extent = 1 + sum((n - 1) * e for n, e in zip(arr.shape, elems, strict=True))
    buf = np.lib.stride_tricks.as_strided(arr, shape=(extent,), strides=(8,)).view()
    buf.flags.writeable = False
    return buf, [0 if n == 1 else e for n, e in zip(arr.shape, elems, strict=True)]


def _collapse(shape: tuple[int, ...], strides: list[list[int]]):
    """Drop unit axes and merge neighbouring axes every input walks contiguously."""
    dims = [d for d in range(len(shape)) if shape[d] != 1]
    ext = [shape[d] for d in dims]
    cols = [[s[d] for d in dims] for s in strides]
    i = len(ext) - 1
    while i > 0:
        if all(c[i - 1] == c[i] * ext[i] for c in cols):
            ext[i - 1] *= ext[i]
            del ext[i]
            for c in cols:
                c[i - 1] = c[i]
                del c[i]
        i -= 1
    if not ext:
        ext, cols = [1], [[0] for _ in cols]
    return ext, cols


def layout(
    arrays: list[np.ndarray], shape: tuple[int, ...]
) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
    """Buffers, collapsed grid shape and element strides of ``arrays`` on a grid.

    Each input is read in place (no broadcast copy); an input whose stride
    along the collapsed grid's last axis is neither 0 nor 1 (a transposed
    or sliced view) is copied once to C order, so that the kernel's inner
    loop reads every input contiguously or not at all.

    Examples
    --------
    >>> bufs, ext, strides = layout([np.zeros((3, 1)), np.zeros(4)], (3, 4))
    >>> ext.tolist(), strides.tolist()
    ([3, 4], [[1, 0], [0, 1]])
    """
    nd = len(shape)
    bufs, strides = [], []
    for a in arrays:
        buf, st = _buffer(a)
        bufs.append(buf)
        strides.append([0] * (nd - a.ndim) + st)
    ext, cols = _collapse(shape, strides)
    for k, a in enumerate(arrays):
        if cols[k][-1] not in (0, 1):
            buf, st = _buffer(a, contiguous=True)
            bufs[k] = buf
            strides[k] = [0] * (nd - a.ndim) + st
            ext, cols = _collapse(shape, strides)
    return (
        bufs,
        np.array(ext, dtype=np.int64),
        np.array(cols, dtype=np.int64).reshape(len(arrays), len(ext)),
    )


def run_numba(
    protocol: str, arrays: Mapping[str, np.ndarray], shape: tuple[int, ...], atol: float
) -> tuple[np.ndarray, int, int]:
    """Run the compiled kernel over the broadcast grid of ``arrays``.

    Parameters
    ----------
    protocol : str
        The protocol.
    arrays : mapping
        float64 arrays by parameter name (at least :attr:`GainsCode.inputs`),
        broadcastable to ``shape``; not yet validated.
    shape : tuple of int
        The broadcast shape.
    atol : float
        The tie tolerance.

    Returns
    -------
    codes : numpy.ndarray of int8, shape ``shape``
    status : int
        0 if every point was classified, 1 if an input is outside its domain,
        2 if a gain is not finite (overflow); the codes are then incomplete.
    start : int
        With a nonzero status, the flat index of the start of the row in
        which the problem was found.
    """
    ins = gains_code(protocol).inputs
    out = np.empty(shape, dtype=np.int8)
    if out.size == 0:
        return out, 0, 0
    bufs, ext, strides = layout([arrays[k] for k in ins], shape)
    varying = tuple(bool(s == 1) for s in strides[:, -1])
    kernel = numba_kernel(protocol, varying)
    status, start = kernel(ext, strides, out.reshape(-1), float(atol), *bufs)
    return out, int(status), int(start)


def chunk_indices(shape: tuple[int, ...], chunk: int = CHUNK) -> Iterator[tuple]:
    """Split a C-ordered grid into rectangular blocks of at most ``chunk`` points.

    Yields index tuples (integers and slices) in C order; together they
    cover every point once.

    Examples
    --------
    >>> list(chunk_indices((2, 3), chunk=4))
    [(slice(0, 1, None), slice(None, None, None)), (slice(1, 2, None), slice(None, None, None))]
    >>> list(chunk_indices((5,), chunk=2))
    [(slice(0, 2, None),), (slice(2, 4, None),), (slice(4, 5, None),)]
    """
    if math.prod(shape) == 0:
        return
    if not shape:
        yield ()
        return
    # The first axis k whose trailing block fits into a chunk.
    k = 0
    while k < len(shape) - 1 and math.prod(shape[k + 1 :]) > chunk:
        k += 1
    inner = math.prod(shape[k + 1 :])
    step = max(1, chunk // inner)
    tail = (slice(None),) * (len(shape) - k - 1)
    for head in itertools.product(*(range(n) for n in shape[:k])):
        for a in range(0, shape[k], step):
            yield head + (slice(a, min(a + step, shape[k])),) + tail
