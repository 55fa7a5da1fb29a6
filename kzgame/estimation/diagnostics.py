"""Identification diagnostics, reported as warnings that name the parameters.

Three checks, each a :class:`IdentificationWarning`:

* **flat directions** of the log-likelihood at the estimate: the observed
  information, scaled to unit diagonal (a correlation-like matrix), has an
  eigenvalue below :data:`FLAT` times its largest; the coefficients with a
  large weight in that eigenvector are named (they move together without
  changing the fit).  A coefficient with zero information is flat on its own.
* **ratios and products** (symbolic, before any data): two free parameters
  ``a``, ``b`` (``lambda`` included) such that every choice depends on them
  only through ``a / b`` (``a d/da + b d/db`` annihilates every
  ``lambda`` times payoff difference the agents compare) or only through
  ``a * b`` (``a d/da - b d/db`` does).  Then only the ratio (product) is
  identified, whatever the data.
* **perfect prediction (separation)**: a coefficient of a logistic or exp
  link runs off to a very large value (beyond :data:`SEPARATION`, where the
  parameter is saturated), or the model predicts every observed outcome with
  probability one;
  the maximum likelihood estimate does not exist (it is at infinity).

Examples
--------
>>> from kzgame.game import Game, decision, outcome
>>> g = Game(decision("A", {"x": outcome(A="a/b"), "y": outcome(A=0)}),
...          parameters={"a": "positive", "b": "positive"})
>>> ratio_pairs(g, ("a", "b"))
[('a', 'b', 'ratio')]
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence

import numpy as np

from ..game.tree import Game

__all__ = [
    "FLAT",
    "SEPARATION",
    "DomainWarning",
    "IdentificationWarning",
    "flat_directions",
    "ratio_pairs",
    "warn",
]

#: Smallest eigenvalue / largest of the scaled information below which a direction is flat.
FLAT: float = 1e-7
#: A logistic or exp link's coefficient beyond this in absolute value signals perfect prediction.
SEPARATION: float = 25.0


class IdentificationWarning(UserWarning):
    """The data or the specification do not identify some parameters (named in the message)."""


class DomainWarning(UserWarning):
    """An estimated parameter leaves its domain in some rows (the link does not keep it there)."""


def warn(message: str, category: type[Warning] = IdentificationWarning) -> str:
    """Issue a warning (an :class:`IdentificationWarning` by default) and return its message."""
    warnings.warn(message, category, stacklevel=3)
    return message


def ratio_pairs(game: Game, free: Sequence[str], fixed: Mapping[str, float] | None = None
                ) -> list[tuple[str, str, str]]:
    """Pairs of free parameters that enter every choice only as a ratio or a product.

    Parameters
    ----------
    game : Game
    free : sequence of str
        Free parameters (``"lambda"`` for the precision).
    fixed : mapping, optional
        Values of fixed parameters, substituted first.

    Returns
    -------
    list of (str, str, {"ratio", "product"})
    """
    import sympy as sp

    lam = sp.Symbol("lambda_qre", positive=True)
    symbols = {**game.symbols, "lambda": lam}
    sub = {game.symbols[k]: sp.nsimplify(v) for k, v in (fixed or {}).items()
           if k in game.symbols}
    args = []
    leaves = set(game.leaves)
    for n in game.nodes:
        if n.kind == "decision":
            k = game.players.index(n.player)
            below = [i for i in game.subtree(n.index) if i in leaves]
            base = game.nodes[below[0]].payoffs[k]
            args += [sp.expand(lam * (game.nodes[i].payoffs[k] - base).xreplace(sub))
                     for i in below[1:]]
        elif n.kind == "chance":
            args += [p.xreplace(sub) for p in n.probabilities]
    out: list[tuple[str, str, str]] = []
    names = [k for k in free if k in symbols]
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            sa, sb = symbols[a], symbols[b]
            used = [e for e in args if sa in e.free_symbols or sb in e.free_symbols]
            if not used:
                continue
            for kind, sign in (("ratio", 1), ("product", -1)):
                if all(sp.cancel(sa * sp.diff(e, sa) + sign * sb * sp.diff(e, sb)) == 0
                       for e in used):
                    out.append((a, b, kind))
                    break
    return out


def flat_directions(information: np.ndarray, names: Sequence[str]) -> list[list[str]]:
    """Groups of coefficients along which the log-likelihood is (nearly) flat.

    Parameters
    ----------
    information : numpy.ndarray
        The observed information (minus the Hessian of the log-likelihood).
    names : sequence of str
        The coefficients' names.

    Examples
    --------
    >>> flat_directions(np.array([[1.0, 1.0], [1.0, 1.0]]), ["a", "b"])
    [['a', 'b']]
    >>> flat_directions(np.array([[2.0, 0.1], [0.1, 1.0]]), ["a", "b"])
    []
    """
    info = np.asarray(information, float)
    d = np.diag(info).copy()
    groups: list[list[str]] = []
    zero = d <= 1e-12 * max(float(np.abs(d).max()), 1e-300)
    for j in np.flatnonzero(zero):
        groups.append([names[int(j)]])
    keep = np.flatnonzero(~zero)
    if keep.size >= 2:
        sub = info[np.ix_(keep, keep)]
        s = 1.0 / np.sqrt(d[keep])
        scaled = sub * s[:, None] * s[None, :]
        w, v = np.linalg.eigh(scaled)
        top = max(float(w.max()), 1e-300)
        for k in np.flatnonzero(w < FLAT * top):
            vec = np.abs(v[:, k])
            members = [names[keep[j]] for j in np.flatnonzero(vec > 0.2 * vec.max())]
            groups.append(members)
    return groups
