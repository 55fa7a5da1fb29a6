"""The vectorized classifier: the subgame-perfect outcome over whole parameter arrays.

:func:`classify` runs on any game of perfect information
(``classify(game, **arrays)``) and, without a game, on the period game
under a protocol (``classify(protocol=..., **params)``, R's strategy code).
Both go through the engine (:mod:`kzgame.numeric.vectorized`): backward
induction printed from the game's tree, in one of two backends that give
identical codes:

``numba``
    One compiled pass over the points (the ``fast`` extra,
    ``pip install kzgame[fast]``).  Used by default when numba is installed.
``numpy``
    The same printed code on NumPy arrays, in cache-sized chunks.  Core:
    always available.

Inputs broadcast like NumPy arrays and are never materialized at the
broadcast shape.  Dask arrays are accepted too: the classification then
runs block by block (lazily, on any dask scheduler, including a
``dask.distributed`` cluster) and the result is a dask array (see
:mod:`kzgame.analysis.distributed`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import MISSING, fields
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from ..params import PARAMETERS, ParameterError, Period, check_atol
from ..strategy import CODE_DTYPE, Strategy
from . import kernels, pandas_inputs, vectorized
from .period_plans import period_game, scalar_code
from .vectorized import BACKENDS, NUMBA_MIN_POINTS

if TYPE_CHECKING:  # a Game is imported only when one is passed (it needs sympy)
    from ..game.tree import Game

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

Backend = Literal["auto", "numba", "numpy"]


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
    game = period_game("nash")  # every protocol's game declares every registry parameter
    out = vectorized.game_arrays(game, params)
    vectorized.validate(game, out)
    return out


def choose(g_invest: Any, g_holdup: Any, g_exit: Any, concedes: Any,
           atol: float = 0.0) -> np.ndarray:
    """Pick R's strategy code from its gains relative to accept (the tie rule).

    A hold-up is available only where E concedes (``concedes`` true); a
    hold-up E refuses ends in the same breakdown as exit, at a cost h >= 0,
    so it is never chosen.  Among the available choices R takes the largest
    gain; choices within ``atol`` of the largest count as tied and the tie
    goes to the first in the order accept (0), invest (1), hold-up (2),
    exit (3).

    This is R's rule alone, given E's reply; :func:`classify` runs the
    engine's rule for the whole tree (where ``atol`` also applies to E's
    reply: pass ``concedes = margin >= -atol`` to match it).

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
    game: Game | None = None,
    /,
    *,
    protocol: str = "nash",
    commitment: str | None = None,
    atol: float = 0.0,
    backend: Backend = "auto",
    **params: Any,
) -> np.ndarray:
    """The subgame-perfect outcome at every point of a parameter grid.

    Two forms, one engine (:mod:`kzgame.numeric.vectorized`):

    * ``classify(game, **arrays)``: any :class:`kzgame.game.Game` of perfect
      information (chance nodes allowed), its parameters by name; the
      result is the outcome codes of :func:`kzgame.game.outcomes.outcome_codes`
      (``outcome_codes(game).names``, ``.decode``).
    * ``classify(protocol=..., **params)``: the period game
      (:func:`kzgame.games.period`) under ``protocol``; the codes are R's
      strategy codes (:class:`kzgame.Strategy`).

    At every decision node the mover takes the first action, in the node's
    tie order, whose expected gain is at least the best minus ``atol``
    (:func:`kzgame.game.induction.backward_induction`, the rule
    :func:`kzgame.solve` applies at a point: the two agree point by point).

    Parameters
    ----------
    game : Game, optional
        The game (positional).  Omitted: the period game under ``protocol``.
    protocol : str, default "nash"
        The bargaining protocol (a key of :data:`kzgame.model.PROTOCOLS`),
        for the period game.
    commitment : {None, "full", "none", "brinkmanship"}, optional
        For the period game: what follows E's refusal of a hold-up
        (:func:`kzgame.games.commitment_game.commitment_game`).  None (the
        default) is the period game itself; ``"full"`` is the same game with
        R's outside option split (``exit_premium``, default 0); ``"none"``:
        R chooses again after a refusal; ``"brinkmanship"``: a refusal ends
        in breakdown with probability ``breakdown_risk`` (required).  The
        codes are the same strategy codes; brinkmanship adds 4, a refused
        hold-up (``'accept + exit'``).
    atol : float, default 0.0
        Values within ``atol`` of the best count as tied, at **every**
        decision node: in the period game R's choice and E's reply to a
        hold-up alike (E concedes when refusing gains it at most ``atol``).
        ``0.0`` decides ties on the computed values exactly.
    backend : {"auto", "numba", "numpy"}, default "auto"
        ``numba``: the compiled kernel (needs the ``fast`` extra);
        ``numpy``: chunked NumPy; ``auto``: numba if it is installed and the
        grid has at least :data:`NUMBA_MIN_POINTS` points.  Both give
        identical codes (the same floating-point operations and the same
        tie rule).
    **params : float, array_like or dask array
        The parameters by name.  For the period game those of
        :class:`kzgame.Period`: ``share``, ``outside_r``, ``outside_e``,
        ``indispensability``, ``survival`` and ``invest_cost`` are required;
        the others default as in :class:`kzgame.Period`.  Arrays broadcast
        against each other like numpy arrays (without being copied to the
        broadcast shape).  If any is a dask array, the result is a dask
        array computed block by block; values are then validated as each
        block is computed.  If any is a pandas Series, the Series are
        aligned by index label and the result is a Series with that index
        (:mod:`kzgame.numeric.pandas_inputs`).

    Returns
    -------
    numpy.ndarray (or dask.array.Array, or pandas.Series)
        The code at each point, shape = the broadcast shape of the
        parameters (0-d for scalars); int8 for the period game (0 accept,
        1 invest, 2 hold-up, 3 exit: :meth:`kzgame.Strategy.decode`), the
        dtype of ``outcome_codes(game)`` for a game.  Memory: the output
        plus, for the numpy backend, a few
        :data:`kzgame.numeric.chunks.CHUNK`-sized temporaries.  Inputs are
        read in place; only an input that is not float64, or (numba
        backend) a transposed or reversed view, is first copied once, at
        its own size.

    Raises
    ------
    ParameterError
        On an unknown or missing parameter, any value outside its domain
        (the first invalid parameter in the game's order, then in C
        order), parameters that do not broadcast together, a chance
        probability outside [0, 1] at some point, a point whose gains
        overflow float64 (parameters near 1e308), or a grid whose codes
        would exceed :data:`kzgame.numeric.vectorized.MAX_BYTES` (checked
        before anything is allocated).
    GameError
        For a game with an information set of several nodes.
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
    >>> bool((classify(**grid) == classify(**grid, backend="numba")).all())
    True

    Any game:

    >>> from kzgame.game import Game, decision, outcome
    >>> entry = Game(decision("Entrant", {
    ...     "out": outcome(Entrant=0, Incumbent=2),
    ...     "in": decision("Incumbent", {
    ...         "accommodate": outcome(Entrant=1, Incumbent=1),
    ...         "fight": outcome(Entrant=-1, Incumbent="1 - k"),
    ...     }),
    ... }), parameters={"k": "real"})
    >>> classify(entry, k=[-1.0, 0.0, 1.0])
    array([0, 1, 1], dtype=int8)

    Without commitment R's threat is empty where it would rather stay:

    >>> point = dict(share=0.5, outside_r=[0.3, 0.6], outside_e=0.0, indispensability=0.9,
    ...              survival=0.8, invest_cost=0.05)
    >>> classify(**point), classify(commitment="none", **point)
    (array([2, 2], dtype=int8), array([0, 2], dtype=int8))
    >>> classify(commitment="brinkmanship", breakdown_risk=[0.1, 0.5], **point)
    array([2, 2], dtype=int8)

    pandas Series (e.g. a DataFrame's columns, ``**df``) are aligned by
    index label and give a Series of codes with that index
    (:mod:`kzgame.numeric.pandas_inputs`).
    """
    params, wrap = pandas_inputs.split(params)  # pandas Series: aligned by label
    if wrap is not None:
        return wrap(classify(game, protocol=protocol, commitment=commitment, atol=atol,
                             backend=backend, **params))
    atol = check_atol(atol)
    vectorized.use_numba(backend)
    if game is None and commitment is not None:
        from ..games.commitment_game import commitment_game, get_commitment

        get_commitment(commitment)
        game = commitment_game(commitment, protocol)
        vectorized.check_names(game, params)
        if any(is_dask(v) for v in params.values()):
            return _classify_dask(game, None, atol, backend, params)
        return vectorized.classify_arrays(game, vectorized.game_arrays(game, params), atol,
                                          backend)
    if game is None and backend != "numba":
        # One point given as plain floats: validated and classified in Python
        # (the same printed code; anything else, or an error, takes the array path).
        code = scalar_code(protocol, params, atol)
        if code is not None:
            return np.array(code, dtype=CODE_DTYPE)
    game_given = game
    if game is None:
        game = period_game(protocol)  # the protocol is checked here
        check_names(params)
    elif commitment is not None:
        raise TypeError("commitment applies to the period game; a Game is classified as built")
    elif not _is_game(game):
        raise TypeError(
            f"classify expects a kzgame.game.Game (or no game: the period game), got "
            f"{type(game).__name__}"
        )
    elif protocol != "nash":
        raise TypeError("protocol applies to the period game; a Game is classified as built")
    else:
        vectorized.check_names(game, params)
    if any(is_dask(v) for v in params.values()):
        return _classify_dask(game, protocol if game_given is None else None, atol, backend,
                              params)
    return vectorized.classify_arrays(game, vectorized.game_arrays(game, params), atol, backend)


def _is_game(game: Any) -> bool:
    from ..game.tree import Game

    return isinstance(game, Game)


# --------------------------------------------------------------------------
# Dask


def is_dask(value: Any) -> bool:
    """Whether ``value`` is a dask array (checked without importing dask)."""
    return type(value).__module__.startswith("dask.") and hasattr(value, "__dask_graph__")


def _classify_block(*blocks, names, constants, game, protocol, atol, backend):
    """Classify one block of a dask computation (validates the block's values)."""
    values = dict(zip(names, blocks, strict=True)) | constants
    if protocol is not None:
        return classify(protocol=protocol, atol=atol, backend=backend, **values)
    return classify(game, atol=atol, backend=backend, **values)


def _classify_dask(
    game: Game, protocol: str | None, atol: float, backend: str, params: Mapping[str, Any]
) -> Any:
    import dask.array as da

    values: dict[str, Any] = {
        k: params[k] if k in params else p.default for k, p in game.parameters.items()
    }
    names: list[str] = []
    arrays: list[Any] = []
    constants: dict[str, float] = {}
    for k, v in values.items():
        if is_dask(v):
            if v.dtype.kind not in "iuf":  # as real_array: no booleans, strings, complex...
                raise ParameterError(
                    f"{k} must be a number or an array of numbers (real numbers only), got a "
                    f"dask array of {v.dtype}"
                )
            names.append(k)
            arrays.append(v)
        else:
            arr = vectorized.as_float(game, k, v)
            vectorized.validate(game, {k: arr})  # in memory: checked now
            if arr.ndim == 0:
                constants[k] = float(arr)
            else:
                names.append(k)
                arrays.append(da.from_array(arr, chunks=arr.shape or ()))
    vectorized.broadcast_shape(dict(zip(names, arrays, strict=True)))
    nd = max(a.ndim for a in arrays)
    args = []
    for a in arrays:
        args += [a, tuple(range(a.ndim))[::-1]]
    return da.blockwise(
        _classify_block,
        tuple(range(nd))[::-1],
        *args,
        dtype=CODE_DTYPE if protocol is not None else kernels.code_dtype(game),
        names=tuple(names),
        constants=constants,
        game=None if protocol is not None else game,
        protocol=protocol,
        atol=atol,
        backend=backend,
    )
