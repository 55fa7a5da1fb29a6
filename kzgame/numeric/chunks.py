"""Broadcasting without materializing: chunks of a grid, and strided buffers.

Both classifier backends read their inputs where they are: the numpy backend
walks the broadcast grid in cache-sized rectangular blocks
(:func:`chunk_indices`), the compiled backend walks it through each input's
strides (:func:`layout`).  No input is ever copied to the broadcast shape.

Examples
--------
>>> list(chunk_indices((2, 3), chunk=4))
[(slice(0, 1, None), slice(None, None, None)), (slice(1, 2, None), slice(None, None, None))]
>>> bufs, ext, strides = layout([np.zeros((3, 1)), np.zeros(4)], (3, 4))
>>> ext.tolist(), strides.tolist()
([3, 4], [[1, 0], [0, 1]])
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator

import numpy as np

__all__ = ["CHUNK", "block_view", "buffer", "chunk_indices", "collapse", "layout"]

#: Points per chunk of the numpy backend: 2**15, so that a float64 temporary
#: is 256 KiB and the temporaries of one chunk stay in the level-2 cache
#: (the fastest of 2**12 ... 2**18 on the benchmark machine, within 10 %).
CHUNK: int = 1 << 15


def chunk_indices(shape: tuple[int, ...], chunk: int = CHUNK) -> Iterator[tuple]:
    """Split a C-ordered grid into rectangular blocks of at most ``chunk`` points.

    Yields index tuples (integers and slices) in C order; together they
    cover every point once.

    Examples
    --------
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


def block_view(arr: np.ndarray, idx: tuple, ndim: int) -> np.ndarray:
    """The part of ``arr`` (broadcast to ``ndim`` axes) that a grid block ``idx`` reads.

    A view, never a broadcast copy: axes of length 1 stay of length 1.

    Examples
    --------
    >>> block_view(np.arange(4.0), (slice(0, 2), slice(1, 3)), 2)
    array([[1., 2.]])
    """
    arr = arr.reshape((1,) * (ndim - arr.ndim) + arr.shape)
    sub = tuple(
        (0 if isinstance(i, int) else slice(None)) if n == 1 else i
        for i, n in zip(idx, arr.shape, strict=True)
    )
    return arr[sub]


def buffer(arr: np.ndarray, contiguous: bool = False) -> tuple[np.ndarray, list[int]]:
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


def collapse(shape: tuple[int, ...], strides: list[list[int]]) -> tuple[list[int], list[list[int]]]:
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
    or sliced view) is copied once to C order, so that a compiled inner
    loop reads every input contiguously or not at all.
    """
    nd = len(shape)
    bufs, strides = [], []
    for a in arrays:
        buf, st = buffer(a)
        bufs.append(buf)
        strides.append([0] * (nd - a.ndim) + st)
    ext, cols = collapse(shape, strides)
    for k, a in enumerate(arrays):
        if cols[k][-1] not in (0, 1):
            buf, st = buffer(a, contiguous=True)
            bufs[k] = buf
            strides[k] = [0] * (nd - a.ndim) + st
            ext, cols = collapse(shape, strides)
    return (
        bufs,
        np.array(ext, dtype=np.int64),
        np.array(cols, dtype=np.int64).reshape(len(arrays), len(ext)),
    )
