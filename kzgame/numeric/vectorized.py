"""``classify(game, **arrays)``: the subgame-perfect outcome of any game over parameter arrays.

:func:`classify_game` runs backward induction (the rule of
:func:`kzgame.game.induction.backward_induction`, printed for the game by
:mod:`kzgame.numeric.kernels`) at every point of the broadcast parameter
arrays and returns the outcome codes of :func:`kzgame.game.outcomes.outcome_codes`.
Two backends give identical codes:

``numba``
    One compiled, fused pass over the points (the ``fast`` extra).  Default
    when numba is installed and the grid has at least
    :data:`NUMBA_MIN_POINTS` points.
``numpy``
    The same printed code on NumPy arrays, in cache-sized chunks.

Inputs broadcast like NumPy arrays and are never copied to the broadcast
shape.  Dask arrays are accepted by :func:`kzgame.classify`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from ..errors import KzgameError, ParameterError
from ..game.registry import real_array
from ..params import check_atol
from . import kernels
from .chunks import CHUNK, block_view, chunk_indices

if TYPE_CHECKING:
    from ..game.tree import Game

__all__ = [
    "BACKENDS",
    "MAX_BYTES",
    "NUMBA_MIN_POINTS",
    "check_output_size",
    "as_float",
    "broadcast_shape",
    "classify_arrays",
    "classify_game",
    "game_arrays",
    "validate",
]

#: The values of ``backend``.
BACKENDS: tuple[str, ...] = ("auto", "numba", "numpy")

Backend = Literal["auto", "numba", "numpy"]

#: Largest output (bytes of codes) one classify call allocates; a larger grid is rejected
#: up front with the size it would need.  Raise it (``kzgame.numeric.vectorized.MAX_BYTES
#: = ...``) on a larger machine, or classify dask arrays (:mod:`kzgame.analysis.distributed`).
MAX_BYTES: int = 2 * 1024**3

#: ``backend="auto"`` uses numba (when installed) from this many points on.
#: Below it the numpy backend is as fast as the call overhead, and a kernel
#: need not be compiled (about a second per game and pattern of varying
#: inputs, once per machine: see :func:`kzgame.numeric.cache.cache_dir`).
NUMBA_MIN_POINTS: int = 1 << 16


# --------------------------------------------------------------------------
# Inputs


def as_float(game: Game, name: str, value: Any) -> np.ndarray:
    """``value`` as a float64 array, without copying float64 arrays or views.

    Real numbers only, by the package's one check
    (:func:`kzgame.game.registry.real_array`); the domain is checked later
    (:func:`validate`), without full-size temporaries.

    Raises
    ------
    ParameterError
        If ``value`` is not made of real numbers (booleans, complex numbers,
        strings, bytes, datetimes, None, masked arrays...), naming the
        parameter.
    """
    if type(value) is np.ndarray and value.dtype == np.float64:  # not a subclass (masked)
        return value
    return real_array(game.parameters[name].name, value)


def check_names(game: Game, params: Mapping[str, Any]) -> None:
    """Raise :class:`ParameterError` on an unknown name or a missing required parameter."""
    game.check_names(params)


def game_arrays(game: Game, params: Mapping[str, Any]) -> dict[str, np.ndarray]:
    """Every parameter of ``game`` as a float64 array (defaults filled in, not validated)."""
    check_names(game, params)
    return {
        k: as_float(game, k, params[k] if k in params else p.default)
        for k, p in game.parameters.items()
    }


def _in_domain(game: Game, name: str, arr: np.ndarray) -> bool:
    """Whether every element of ``arr`` is in the domain (no temporary).

    On the whole real line one reduction usually decides: a finite sum has
    no NaN and no infinity among its terms.  Otherwise (another domain, or
    a sum that overflows) the minimum and the maximum decide, which
    propagate NaN.
    """
    if arr.size == 0:
        return True
    domain = game.parameters[name].domain
    if math.isinf(domain.low) and math.isinf(domain.high):
        with np.errstate(over="ignore", invalid="ignore"):
            if math.isfinite(float(arr.sum())):
                return True
    return domain.contains(float(arr.min())) and domain.contains(float(arr.max()))


def validate(game: Game, arrays: Mapping[str, np.ndarray]) -> None:
    """Check every parameter against its domain, in the game's parameter order.

    One or two reductions decide (:func:`_in_domain`); only when they fail
    is the array searched, chunk by chunk in C order, for the first
    offending element, which :meth:`Parameter.check` reports.  No
    full-size temporary is allocated.

    Raises
    ------
    ParameterError
        For the first invalid parameter, naming its first invalid value.
    """
    for name, arr in arrays.items():
        if _in_domain(game, name, arr):
            continue
        for idx in chunk_indices(arr.shape):
            game.parameters[name].check(arr[idx])
        raise AssertionError(f"kzgame bug: {name} failed validation but no element is out of range")


def broadcast_shape(arrays: Mapping[str, Any]) -> tuple[int, ...] | None:
    """The broadcast shape, or None if a dask array's shape is not known yet.

    Raises
    ------
    ParameterError
        If the arrays do not broadcast together (naming their shapes).
    """
    shapes = [np.shape(a) for a in arrays.values()]
    if any(isinstance(n, float) and math.isnan(n) for shape in shapes for n in shape):
        return None  # unknown chunk sizes: dask checks when it computes
    try:
        return np.broadcast_shapes(*shapes)
    except ValueError:
        shown = ", ".join(f"{k}{tuple(np.shape(a))}" for k, a in arrays.items() if np.ndim(a))
        raise ParameterError(f"the parameters do not broadcast together: {shown}") from None


def check_output_size(game: Game, shape: tuple[int, ...]) -> None:
    """Raise :class:`ParameterError` if the codes of ``shape`` would exceed :data:`MAX_BYTES`.

    Examples
    --------
    >>> from kzgame.numeric.period_plans import period_game
    >>> check_output_size(period_game("nash"), (100_000, 100_000))
    Traceback (most recent call last):
    ...
    kzgame.errors.ParameterError: the parameters broadcast to shape (100000, 100000) ...
    """
    points = math.prod(shape)
    needed = points * kernels.code_dtype(game).itemsize
    if needed > MAX_BYTES:
        raise ParameterError(
            f"the parameters broadcast to shape {shape} ({points:.3g} points): the codes "
            f"would need {needed / 2**30:.3g} GiB of memory, more than the "
            f"{MAX_BYTES / 2**30:.3g} GiB limit (kzgame.numeric.vectorized.MAX_BYTES); "
            "classify fewer points at a time, or dask arrays (kzgame.analysis.distributed)"
        )


def use_numba(backend: str) -> bool:
    """Whether ``backend`` asks for numba (checking that it is installed)."""
    if backend not in BACKENDS:
        raise KzgameError(f"unknown backend {backend!r}; backends: {', '.join(BACKENDS)}")
    if backend == "numba":
        kernels.require_numba()
        return True
    return backend == "auto" and kernels.NUMBA_AVAILABLE


# --------------------------------------------------------------------------
# The numpy backend and the search for a bad point


def _evaluate(game: Game, views: list, atol: float) -> Any:
    """Gains, probabilities, code and chance values of a block (NumPy)."""
    ic = kernels.induction_code(game)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        outputs = kernels.gains_function(game)(*views)
        code, chance = kernels.numpy_induction(game)(atol, ic.tables, *outputs)
    return dict(zip(ic.gains.outputs, outputs, strict=True)), code, chance


def _locate(game: Game, arrays: Any, shape: tuple[int, ...], start: int,
            atol: float) -> None:
    """Raise for the first point at or after flat index ``start`` with a bad probability,
    gain or value (in C order; at a point, a probability before an overflow)."""
    ic = kernels.induction_code(game)
    ins = ic.gains.inputs
    flat_shape = shape or (1,)  # a 0-d (scalar) call is one point
    total = math.prod(flat_shape)
    for a in range(start, total, CHUNK):
        flat = np.arange(a, min(total, a + CHUNK))
        index = np.unravel_index(flat, flat_shape)
        values = [np.broadcast_to(arrays[k], flat_shape)[index] for k in ins]
        named, _, chance = _evaluate(game, values, atol)
        n = flat.size
        prob_bad = np.zeros(n, bool)
        for p in ic.probabilities:
            x = np.broadcast_to(named[p], (n,))
            prob_bad |= ~((x >= 0.0) & (x <= 1.0))
        finite = [named[v] for v in ic.finite if v in named] + list(chance)
        gain_bad = np.zeros(n, bool)
        for x in finite:
            gain_bad |= ~np.isfinite(np.broadcast_to(x, (n,)))
        bad = prob_bad | gain_bad
        if not bad.any():
            continue
        i = int(np.argmax(bad))
        point = tuple(int(ix[i]) for ix in index)
        where = f" at index {point}" if shape else ""
        shown = ", ".join(f"{k}={float(v[i])!r}" for k, v in zip(ins, values, strict=True))
        if prob_bad[i]:
            for (node, b), p in ic.gains.probabilities.items():
                prob = float(np.broadcast_to(named[p], (n,))[i])
                if not 0.0 <= prob <= 1.0:
                    info = game.nodes[node]
                    raise ParameterError(
                        f"chance node {info.name!r}: the probability of {info.actions[b]!r} is "
                        f"{prob!r}{where} ({shown}), outside [0, 1]"
                    )
        undefined = any(np.isnan(np.broadcast_to(x, (n,))[i]) for x in finite)
        if undefined:
            raise ParameterError(
                f"a gain is not defined{where} ({shown}): a payoff is not a real number "
                "there (a root or logarithm of a negative number, 0/0, inf - inf)"
            )
        raise ParameterError(
            f"the gains overflow float64{where} ({shown}): the parameters are too large "
            "in magnitude; rescale them (for instance to surplus = 1)"
        )
    raise AssertionError("kzgame bug: a bad point was reported but none was found")


def _flat_start(idx: tuple, shape: tuple[int, ...]) -> int:
    strides = np.cumprod((1,) + shape[:0:-1])[::-1] if shape else ()
    return sum(
        int(s) * (i if isinstance(i, int) else i.start or 0)
        for s, i in zip(strides, idx, strict=True)
    )


def _classify_numpy(game: Game, atol: float, arrays: Any, shape: Any,
                    chunk: int = CHUNK) -> np.ndarray:
    validate(game, arrays)
    ic = kernels.induction_code(game)
    ins = ic.gains.inputs
    out = np.empty(shape, dtype=kernels.code_dtype(game))
    nd = len(shape)
    for idx in chunk_indices(shape, chunk):
        named, code, chance = _evaluate(game, [block_view(arrays[k], idx, nd) for k in ins], atol)
        ok = True
        with np.errstate(over="ignore", invalid="ignore"):
            for p in ic.probabilities:
                x = named[p]
                ok &= bool(np.min(x) >= 0.0) and bool(np.max(x) <= 1.0)
            total = sum(float(np.sum(named[v])) for v in ic.finite if v in named)
            total += sum(float(np.sum(v)) for v in chance)
        if not ok or not math.isfinite(total):  # NaN, infinity, or a sum that overflowed
            if not ok or not all(
                np.isfinite(x).all()
                for x in [named[v] for v in ic.finite if v in named] + list(chance)
            ):
                _locate(game, arrays, shape, _flat_start(idx, shape), atol)
        out[idx] = code
    return out


def _classify_numba(game: Game, atol: float, arrays: Any, shape: Any) -> np.ndarray:
    ins = kernels.induction_code(game).gains.inputs
    # The kernel validates what it reads; the rest is checked here.  Where that fails,
    # every parameter is validated in order, so that the error is the one the numpy
    # backend raises (the first invalid parameter in the game's order).
    if math.prod(shape) == 0 or not all(
        _in_domain(game, k, a) for k, a in arrays.items() if k not in ins
    ):
        validate(game, arrays)
    codes, status, start = kernels.run_numba(game, arrays, shape, atol)
    if status == 1:
        validate(game, arrays)
        raise AssertionError("kzgame bug: the kernel rejected an input that validates")
    if status in (2, 3):
        validate(game, arrays)  # an invalid input in a later row takes precedence
        _locate(game, arrays, shape, start, atol)
    return codes


def classify_arrays(
    game: Game, arrays: Mapping[str, np.ndarray], atol: float, backend: str
) -> np.ndarray:
    """:func:`classify_game` on float64 arrays for every parameter (not yet validated).

    ``atol`` must already be checked and ``backend`` one of :data:`BACKENDS`.
    """
    fast = use_numba(backend)
    shape = broadcast_shape(arrays)
    assert shape is not None  # in-memory arrays have known shapes
    check_output_size(game, shape)  # before anything of the grid's size is allocated
    if backend == "auto" and math.prod(shape) < NUMBA_MIN_POINTS:
        fast = False  # not worth compiling a kernel for
    kernels.induction_code(game)  # GameError for imperfect information, before any work
    if fast:
        return _classify_numba(game, atol, arrays, shape)
    return _classify_numpy(game, atol, arrays, shape)


def classify_game(
    game: Game, *, atol: float = 0.0, backend: Backend = "auto", **params: Any
) -> np.ndarray:
    """The subgame-perfect outcome of ``game`` at every point of broadcast parameter arrays.

    Backward induction at each point, with the rule of
    :func:`kzgame.game.induction.backward_induction`: at every decision node
    the mover takes the first action, in the node's tie order, whose
    expected gain is at least the best minus ``atol``; a chance node's value
    is ``p0*v0 + p1*v1 + ...`` summed in branch order.

    Parameters
    ----------
    game : Game
        A game of perfect information (chance nodes allowed).
    atol : float, default 0.0
        Values within ``atol`` of the best count as tied, at **every**
        decision node (every player's).  ``0.0`` decides ties on the
        computed values exactly.
    backend : {"auto", "numba", "numpy"}, default "auto"
        ``numba``: one compiled loop (needs the ``fast`` extra); ``numpy``:
        chunked NumPy; ``auto``: numba if installed and the grid has at
        least :data:`NUMBA_MIN_POINTS` points.  Both give identical codes.
    **params : float or array_like
        The game's parameters by name (defaults filled in); arrays
        broadcast against each other like NumPy arrays, without being
        copied to the broadcast shape.

    Returns
    -------
    numpy.ndarray
        The outcome code at each point (:func:`kzgame.game.outcomes.outcome_codes`:
        its ``names`` and ``decode``), of its ``dtype`` (int8 up to 127
        outcomes), shape = the broadcast shape (0-d for scalars).

    Raises
    ------
    ParameterError
        On an unknown or missing parameter, a value outside its domain (the
        first invalid parameter in the game's order, then the first value in
        C order), parameters that do not broadcast together, a chance
        probability outside [0, 1] at some point (naming the node and the
        branch), or gains (or expected values) that overflow float64.
    GameError
        If the game has an information set of several nodes.
    KzgameError
        On an unknown backend, or ``backend="numba"`` without numba.

    Examples
    --------
    >>> from kzgame.game import Game, decision, outcome
    >>> from kzgame.game.outcomes import outcome_codes
    >>> deterrence = Game(
    ...     decision("Challenger", {
    ...         "status quo": outcome(Challenger=0, Defender=0),
    ...         "challenge": decision("Defender", {
    ...             "concede": outcome(Challenger="v", Defender="-v"),
    ...             "fight": outcome(Challenger="p*v - k_C", Defender="-p*v - k_D"),
    ...         }),
    ...     }),
    ...     parameters={"v": "positive", "p": "unit", "k_C": "nonnegative",
    ...                 "k_D": "nonnegative"},
    ... )
    >>> codes = classify_game(deterrence, v=1.0, p=0.5, k_C=0.75, k_D=[0.25, 0.75])
    >>> codes, outcome_codes(deterrence).decode(codes)
    (array([0, 1], dtype=int8), array(['status quo', 'challenge/concede'], dtype='<U17'))
    """
    from ..game.tree import Game

    if not isinstance(game, Game):
        raise KzgameError(f"classify expects a kzgame.game.Game, got {type(game).__name__}")
    atol = check_atol(atol)
    use_numba(backend)
    kernels.induction_code(game)
    return classify_arrays(game, game_arrays(game, params), atol, backend)
