"""The vectorized classifier: R's subgame-perfect strategy over whole parameter arrays."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import MISSING, fields
from typing import Any

import numpy as np

from .model import NUMERIC_ARGS, get_protocol, numeric_gains
from .params import PARAMETERS, ParameterError, Period, check_parameter
from .strategy import CODE_DTYPE, Strategy

__all__ = ["DEFAULTS", "REQUIRED", "Strategy", "choose", "classify", "prepare"]

#: Parameters :func:`classify` fills in when they are not given (as in :class:`Period`).
DEFAULTS: dict[str, float] = {
    f.name: f.default for f in fields(Period) if f.default is not MISSING
}
#: Parameters :func:`classify` needs.
REQUIRED: tuple[str, ...] = tuple(k for k in PARAMETERS if k not in DEFAULTS)


def prepare(params: Mapping[str, Any]) -> dict[str, np.ndarray]:
    """Validate keyword parameters and fill in the defaults.

    Returns a dict of float64 arrays (not yet broadcast), one per name in
    :data:`kzgame.params.PARAMETERS`.

    Raises
    ------
    ParameterError
        On an unknown or missing name, or a value outside its domain.
    """
    unknown = sorted(set(params) - set(PARAMETERS))
    if unknown:
        raise ParameterError(
            f"unknown parameter(s) {', '.join(unknown)}; known parameters: {', '.join(PARAMETERS)}"
        )
    missing = [k for k in REQUIRED if k not in params]
    if missing:
        raise ParameterError(f"missing parameter(s): {', '.join(missing)}")
    return {k: check_parameter(k, params.get(k, DEFAULTS.get(k))) for k in PARAMETERS}


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


def classify(*, protocol: str = "nash", atol: float = 0.0, **params: Any) -> np.ndarray:
    """R's subgame-perfect strategy at every point of a parameter grid.

    Parameters
    ----------
    protocol : str, default "nash"
        The bargaining protocol (a key of :data:`kzgame.model.PROTOCOLS`).
    atol : float, default 0.0
        Gains within ``atol`` of the best count as tied (see :func:`choose`).
        ``0.0`` decides ties on the computed values exactly.
    **params : float or array_like
        The parameters of :class:`kzgame.Period` by name.  ``share``,
        ``outside_r``, ``outside_e``, ``indispensability``, ``survival`` and
        ``invest_cost`` are required; the others default as in
        :class:`kzgame.Period`.  Arrays broadcast against each other like
        numpy arrays.

    Returns
    -------
    numpy.ndarray of int8
        The strategy code at each point, shape = the broadcast shape of the
        parameters (0-d for scalars): 0 accept, 1 invest, 2 hold-up, 3 exit
        (:meth:`kzgame.Strategy.from_code`, :meth:`kzgame.Strategy.decode`).

    Raises
    ------
    ParameterError
        On an unknown or missing parameter or any value outside its domain.

    Examples
    --------
    >>> import numpy as np
    >>> codes = classify(share=0.5, outside_r=np.array([0.0, 0.45]), outside_e=0.0,
    ...                  indispensability=0.9, survival=0.8, invest_cost=0.05)
    >>> codes
    array([1, 2], dtype=int8)
    >>> Strategy.decode(codes)
    array(['invest', 'hold-up'], dtype='<U7')
    """
    get_protocol(protocol)
    if not (np.isfinite(atol) and atol >= 0):
        raise ParameterError(f"atol = {atol!r} is outside the allowed range [0, inf)")
    p = prepare(params)
    shape = np.broadcast_shapes(*(a.shape for a in p.values()))
    stake_r = p["share"] * p["surplus"] - p["outside_r"]
    stake_e = (1.0 - p["share"]) * p["surplus"] - p["outside_e"]
    args = {"stake_r": stake_r, "stake_e": stake_e, **p}
    g_i, g_h, _g_hr, g_x, margin = numeric_gains(protocol)(*(args[k] for k in NUMERIC_ARGS))
    code = choose(*np.broadcast_arrays(g_i, g_h, g_x, margin >= 0), atol=atol)
    return np.broadcast_to(code, shape).copy() if code.shape != shape else code
