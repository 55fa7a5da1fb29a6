"""Draw observed plays from a game's agent QRE at known parameters.

Examples
--------
>>> from kzgame.games import deterrence
>>> data = simulate(deterrence(False), {"v": 1.0, "p": 0.4, "k_C": 0.2, "k_D": 0.5,
...                                     "lambda": 3.0}, n=5, seed=0)
>>> sorted(data)
['outcome']
>>> data["outcome"].tolist()
['challenge/fight', 'challenge/concede', 'status quo', 'status quo', 'challenge/fight']
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ..errors import ParameterError
from ..game.tree import Game
from .likelihood import Likelihood
from .qre import qre
from .spec import LAMBDA

__all__ = ["draw_leaves", "simulate", "simulate_like"]

#: Most rows one call may draw.
MAX_DRAWS: int = 50_000_000


def draw_leaves(probabilities: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One leaf index per column of ``probabilities`` (leaves x rows), by inverse CDF."""
    cum = np.cumsum(probabilities, axis=0)
    u = rng.random(probabilities.shape[1]) * cum[-1]
    return np.minimum((u[None, :] >= cum).sum(axis=0), probabilities.shape[0] - 1)


def simulate(game: Game, params: Mapping[str, Any], n: int | None = None,
             seed: int | np.random.Generator | None = None, model: str = "logit"
             ) -> dict[str, np.ndarray]:
    """Observed plays of ``game`` under its agent QRE at ``params``.

    Parameters
    ----------
    game : Game
    params : mapping
        Parameter values (numbers, or arrays of length ``n``: one value per
        row) and ``"lambda"``, the precision (default 1).
    n : int, optional
        The number of rows (default: the arrays' length).
    seed : int or numpy.random.Generator, optional
    model : {"logit", "probit"}

    Returns
    -------
    dict
        ``"outcome"``: the leaf each row ends at (its path name), and every
        array-valued parameter as a column (the covariates a specification
        may read with ``data(column)``).
    """
    values = dict(params)
    lam = values.pop(LAMBDA, 1.0)
    lengths = {np.shape(v)[0] for v in [*values.values(), lam] if np.ndim(v) == 1}
    if any(np.ndim(v) > 1 for v in [*values.values(), lam]):
        raise ParameterError("parameter arrays must be one-dimensional (one value per row)")
    if len(lengths) > 1:
        raise ParameterError(f"parameter arrays have different lengths {sorted(lengths)}")
    if n is None:
        if not lengths:
            raise ParameterError("give n, the number of rows, or arrays of parameter values")
        n = lengths.pop()
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or not 0 < n <= MAX_DRAWS:
        raise ParameterError(f"n = {n!r} must be an integer in [1, {MAX_DRAWS}]")
    if lengths and lengths != {n}:
        raise ParameterError(f"parameter arrays have length {lengths.pop()}, n = {n}")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    arrays = {k: np.broadcast_to(np.asarray(v, float), (n,)) for k, v in values.items()}
    r = qre(game, np.broadcast_to(np.asarray(lam, float), (n,)), model=model, **arrays)
    P = np.stack([np.broadcast_to(r.leaves[game.nodes[i].name], (n,)) for i in game.leaves])
    idx = draw_leaves(P, rng)
    names = np.array([game.nodes[i].name for i in game.leaves], dtype=object)
    out = {"outcome": names[idx]}
    for k, v in values.items():
        if np.ndim(v) == 1:
            out[k] = np.asarray(v, float)
    return out


def simulate_like(lik: Likelihood, beta: Any, rng: np.random.Generator) -> np.ndarray:
    """New observed outcomes for the rows of ``lik`` at coefficients ``beta``.

    Each row's leaf is drawn from the QRE; where the row's own observation
    covers several leaves (it was only partly observed) and the draw falls
    among them, the row reports that same partial outcome.
    """
    P = lik.leaf_probabilities(beta)
    idx = draw_leaves(P, rng)
    names = np.array([lik.game.nodes[i].name for i in lik.game.leaves], dtype=object)
    out = names[idx].copy()
    partial = lik.mask.sum(axis=0) > 1
    rows = np.flatnonzero(partial & lik.mask[idx, np.arange(lik.n)])
    out[rows] = lik.observed[rows]
    return out
