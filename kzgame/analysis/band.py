"""The tolerance band: points within rounding of a switch of R's strategy in the period game.

Symbolic expressions evaluated in floating point and the classifier
:func:`kzgame.classify` round differently, so within a few ulps of a
boundary they may disagree.  :func:`near_boundary` marks the points within
``tol * scale`` (``tol`` = :data:`BAND` = 1e-9 by default; ``scale`` = 1 + V
+ |o_R| + |o_E| + c + h, the size of the payoffs) of a switch: where R's best
and second-best available gains are that close, or where E's concession
margin is that close to 0 and a hold-up is R's best reply.  Outside the band
the two agree exactly; inside it, a tie (or near-tie) is decided by the tie
rule (``classify(..., atol=...)``).  The gains are those the classifier and
:func:`kzgame.solve` compute: the period game's generated gains code
(:func:`kzgame.numeric.codegen.gains_function`).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..errors import ParameterError
from ..games.period_game import get_protocol, period
from ..numeric.classify import classify
from ..numeric.codegen import gains_code, gains_function
from .boundaries import gain

__all__ = ["BAND", "near_boundary"]

#: Default half-width of the tolerance band around boundaries (relative to the payoff scale).
BAND: float = 1e-9


def near_boundary(*, protocol: str = "nash", tol: float = BAND, **params: Any) -> np.ndarray:
    """Which points lie within the tolerance band around a switch of R's strategy.

    A point is in the band if R's best and second-best available gains differ
    by at most ``tol * scale``, or if E's concession margin is within
    ``tol * scale`` of 0 while a hold-up is R's best option (with or without
    it); ``scale = 1 + V + |o_R| + |o_E| + c + h``.  A protocol whose
    concession margin is identically 0 (``ultimatum``: E is always exactly
    indifferent, and concedes) has no concession band.

    Parameters
    ----------
    protocol : str, default "nash"
    tol : float, default :data:`BAND`
    **params
        As for :func:`kzgame.classify`, and refused where it refuses them
        (the same :class:`ParameterError`): real numbers only, in their
        domains, and gains that do not overflow float64.

    Returns
    -------
    numpy.ndarray of bool

    Examples
    --------
    >>> near_boundary(share=0.5, outside_r=0.25, outside_e=0.0, indispensability=[0.5, 0.6],
    ...               survival=0.5, invest_cost=0.2)
    array([ True, False])
    """
    get_protocol(protocol)
    if not (
        isinstance(tol, (int, float, np.integer, np.floating)) and math.isfinite(tol) and tol >= 0
    ):
        raise ParameterError(f"tol = {tol!r} is outside the allowed range [0, inf)")
    game = period(protocol)
    p = game.values(params, arrays=True)
    try:
        shape = np.broadcast_shapes(*(a.shape for a in p.values()))
    except ValueError:
        shown = ", ".join(f"{k} {np.shape(v)}" for k, v in params.items())
        raise ParameterError(f"the parameters' shapes do not broadcast: {shown}") from None
    # the classifier's own generated gains, stakes included
    code = gains_code(game)
    with np.errstate(all="ignore"):
        out = dict(zip(code.outputs, gains_function(game)(*(p[k] for k in code.inputs)),
                       strict=True))
    if not all(np.isfinite(v).all() for v in out.values()):
        # overflowing gains: the classifier's verdict and error, for the same input
        classify(protocol=protocol, backend="numpy", **params)
    leaf = {game.nodes[i].name: i for i in game.leaves}
    e_node = game.node("hold-up").index

    def var(node: int, name: str) -> np.ndarray:
        v = out[code.gains[(node, leaf[name])]]
        return np.broadcast_to(np.asarray(v, dtype=np.float64), shape)

    g_i, g_h, g_x = var(0, "invest"), var(0, "hold-up/concede"), var(0, "exit")
    margin = -var(e_node, "hold-up/refuse")
    scale = (
        1.0 + p["surplus"] + np.abs(p["outside_r"]) + np.abs(p["outside_e"])
        + p["invest_cost"] + p["holdup_cost"]
    )  # fmt: skip
    band = tol * scale
    concedes = margin >= 0
    others = np.stack(np.broadcast_arrays(np.zeros(shape), g_i, g_x))
    avail = np.concatenate([others, np.where(concedes, g_h, -np.inf)[None]])
    top2 = -np.partition(-avail, 1, axis=0)[:2]
    near = (top2[0] - top2[1]) <= band
    if gain(protocol, "concede") != 0:
        holdup_best = g_h >= others.max(axis=0) - band
        near |= (np.abs(margin) <= band) & holdup_best
    return near
