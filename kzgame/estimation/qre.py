"""Agent quantal response equilibrium (logit and probit) of any perfect-information game.

At every decision node n of player i the agent at n chooses action a with
a probability that rises with a's value to i, the expected payoff of i over
the leaves below a when every later node plays its own quantal response:

* **logit**: ``P(a | n) = exp(lam * V_i(a)) / sum_b exp(lam * V_i(b))``;
* **probit**: ``P(a | n) = Pr(lam * V_i(a) + e_a >= lam * V_i(b) + e_b for all b)``
  with independent standard normal ``e``; for two actions
  ``Phi(lam * (V_i(a) - V_i(b)) / sqrt(2))``, for more an integral computed
  by Gauss-Hermite quadrature (:data:`PROBIT_NODES` nodes).

On a tree of perfect information every agent moves once, so the agent QRE is
found by **backward recursion** (leaves first; a chance node's value is the
probability-weighted sum) and is unique at every ``lam``: the QRE
correspondence has one branch.  ``lam = 0`` is uniform play at every node;
as ``lam`` grows the choices concentrate on the best actions, and at every
parameter point where no node is decided by a tie the QRE converges to the
game's unique subgame-perfect equilibrium (:func:`kzgame.solve`).

**Ties.**  At finite ``lam`` an exact tie gets equal probabilities: there is
no tie rule to state.  ``lam = inf`` is allowed and means the limit: each
node splits its probability *equally* among the actions of exactly equal
value.  This is the logit selection, not the engine's tie order (which takes
the first-listed action); the two agree wherever no node is tied.

Every parameter may be an array: the arrays (and ``lam``) are broadcast
together and the whole recursion runs on arrays.

Examples
--------
>>> from kzgame.games import deterrence
>>> g = deterrence(audience_cost=False)
>>> r = qre(g, 2.0, v=1.0, p=0.3, k_C=0.4, k_D=0.8)
>>> {a: round(float(x), 4) for a, x in r.choice["challenge"].items()}
{'concede': 0.5498, 'fight': 0.4502}
>>> round(float(r.outcomes["status quo"]), 4)
0.2671
>>> far = qre(g, 1e4, v=1.0, p=0.3, k_C=0.4, k_D=0.8)
>>> import kzgame
>>> spe = kzgame.solve(g, v=1.0, p=0.3, k_C=0.4, k_D=0.8)
>>> max(far.outcomes, key=lambda k: far.outcomes[k]), spe.outcome
('concession', 'concession')
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from weakref import WeakKeyDictionary

import numpy as np

from ..errors import GameError, ParameterError
from ..game.induction import require_perfect_information
from ..game.tree import Game

__all__ = ["MODELS", "PROBIT_NODES", "QRE", "QREPath", "leaf_function", "qre", "qre_path"]

#: The error distributions: Gumbel (logit) and normal (probit).
MODELS: tuple[str, ...] = ("logit", "probit")
#: Gauss-Hermite nodes of the probit integral at nodes with more than two actions.
PROBIT_NODES: int = 48

_LEAF: WeakKeyDictionary[Game, Any] = WeakKeyDictionary()


def leaf_function(game: Game) -> Callable[..., Any]:
    """One lambdified function: every leaf payoff (players in order), then chance probabilities.

    Its arguments are the game's parameters in declaration order.
    """
    if game not in _LEAF:
        import sympy as sp

        exprs = [e for i in game.leaves for e in game.nodes[i].payoffs]
        exprs += [p for n in game.nodes if n.kind == "chance" for p in n.probabilities]
        _LEAF[game] = sp.lambdify(list(game.symbols.values()), exprs, modules="numpy")
    return _LEAF[game]


def check_lambda(lam: Any) -> np.ndarray:
    """``lam`` as a float array, every value in [0, inf]; ParameterError otherwise."""
    if isinstance(lam, bool):
        raise ParameterError(f"lambda = {lam!r} must be a number in [0, inf]")
    try:
        arr = np.asarray(lam, dtype=float)
    except (TypeError, ValueError):
        raise ParameterError(f"lambda = {lam!r} must be a number in [0, inf]") from None
    if np.isnan(arr).any() or (arr < 0).any():
        raise ParameterError(f"lambda must be in [0, inf], got {lam!r}")
    return arr


def _softmax(u: list[np.ndarray], lam: np.ndarray) -> list[np.ndarray]:
    """Logit probabilities of values ``u`` at precision ``lam`` (inf: equal split of the maxima)."""
    top = u[0]
    for x in u[1:]:
        top = np.maximum(top, x)
    with np.errstate(invalid="ignore", over="ignore"):
        finite = [np.exp(np.where(np.isinf(lam), 0.0, lam) * (x - top)) for x in u]
        total = sum(finite)
        limit = [(x == top).astype(float) for x in u]
        count = sum(limit)
    inf = np.isinf(lam)
    return [np.where(inf, m / count, f / total) for f, m in zip(finite, limit, strict=True)]


def _probit(u: list[np.ndarray], lam: np.ndarray) -> list[np.ndarray]:
    """Probit probabilities: two actions in closed form, more by Gauss-Hermite quadrature."""
    from scipy.special import ndtr

    inf = np.isinf(lam)
    scale = np.where(inf, 0.0, lam)
    limit = _softmax(u, np.full(np.shape(lam), np.inf))
    if len(u) == 1:
        return [np.ones(np.broadcast(u[0], lam).shape)]
    if len(u) == 2:
        d = scale * (u[0] - u[1]) / np.sqrt(2.0)
        p0 = np.where(inf, limit[0], ndtr(d))
        return [p0, 1.0 - p0]
    z, w = np.polynomial.hermite_e.hermegauss(PROBIT_NODES)
    w = w / w.sum()
    out = []
    for a in range(len(u)):
        prod = 1.0
        for b in range(len(u)):
            if b != a:
                diff = (scale * (u[a] - u[b]))[..., None]
                prod = prod * ndtr(z + diff)
        out.append(np.where(inf, limit[a], np.sum(w * prod, axis=-1)))
    total = sum(out)
    return [p / total for p in out]


@dataclass(frozen=True)
class QRE:
    """The agent QRE of a game at given parameters and precision (what :func:`qre` returns).

    Attributes
    ----------
    game : Game
    lam : numpy.ndarray
        The precision (broadcast with the parameters).
    model : {"logit", "probit"}
    choice : dict of str to dict of str to numpy.ndarray
        Decision node (path name, ``'root'``) -> action -> its probability.
    values : dict of str to dict of str to numpy.ndarray
        Node -> player -> the player's expected payoff from the node on.
    leaves : dict of str to numpy.ndarray
        Leaf (path name) -> the probability that play ends there.
    outcomes : dict of str to numpy.ndarray
        Outcome label -> its probability (the sum over the leaves with that label).
    """

    game: Game = field(repr=False)
    lam: np.ndarray
    model: str
    choice: dict[str, dict[str, np.ndarray]]
    values: dict[str, dict[str, np.ndarray]] = field(repr=False)
    leaves: dict[str, np.ndarray]
    outcomes: dict[str, np.ndarray]


def _evaluate(
    game: Game, params: Mapping[str, Any], lam: Any
) -> tuple[dict[int, list[np.ndarray]], dict[int, list[np.ndarray]], np.ndarray]:
    """Validated arrays: leaf payoffs (leaf -> tuple by player), chance probabilities, lam."""
    require_perfect_information(game, "the agent QRE by backward recursion")
    values = game.values(params, arrays=True)
    lam_arr = check_lambda(lam)
    try:
        shape = np.broadcast_shapes(lam_arr.shape, *(np.shape(v) for v in values.values()))
    except ValueError:
        shown = ", ".join(f"{k}: {np.shape(v)}" for k, v in values.items())
        raise ParameterError(
            f"the parameter arrays do not broadcast together (lambda: {lam_arr.shape}, {shown})"
        ) from None
    flat = leaf_function(game)(*values.values())
    k = len(game.players)
    leaf_pay: dict[int, list[np.ndarray]] = {}
    for j, i in enumerate(game.leaves):
        leaf_pay[i] = [np.broadcast_to(np.asarray(flat[j * k + p], float), shape)
                       for p in range(k)]
    chance: dict[int, list[np.ndarray]] = {}
    pos = len(game.leaves) * k
    for n in game.nodes:
        if n.kind != "chance":
            continue
        probs = [np.broadcast_to(np.asarray(x, float), shape)
                 for x in flat[pos: pos + len(n.children)]]
        pos += len(n.children)
        for b, pr in zip(n.actions, probs, strict=True):
            if np.any((pr < 0) | (pr > 1)) or np.isnan(pr).any():
                raise ParameterError(
                    f"chance node {n.name!r}: the probability of {b!r} leaves [0, 1] at these "
                    "parameter values"
                )
        chance[n.index] = probs
    for i, pays in leaf_pay.items():
        for p, x in zip(game.players, pays, strict=True):
            if not np.isfinite(x).all():
                raise ParameterError(
                    f"the payoff of {p} at leaf {game.nodes[i].name!r} is not finite at these "
                    "parameter values (overflow, or a payoff undefined there)"
                )
    return leaf_pay, chance, np.broadcast_to(lam_arr, shape)


def qre(game: Game, lam: Any, *, model: str = "logit", **params: Any) -> QRE:
    """The agent quantal response equilibrium of ``game`` at precision ``lam``.

    Parameters
    ----------
    game : Game
        A game of perfect information (chance nodes allowed).
    lam : float or array
        The precision lambda in [0, inf] (``inf``: the limit, see the module
        docstring on ties).  Broadcast with the parameters.
    model : {"logit", "probit"}, default "logit"
        The distribution of the agents' payoff errors.
    **params
        The game's parameter values (numbers or arrays; defaults filled in).

    Returns
    -------
    QRE

    Raises
    ------
    GameError
        If the game has an information set with several nodes.
    ParameterError
        On bad parameter values, a lambda outside [0, inf], arrays that do
        not broadcast, or an unknown ``model``.

    Examples
    --------
    >>> from kzgame.games import period
    >>> r = qre(period("nash"), 0.0, share=0.5, outside_r=0.2, outside_e=0.1,
    ...         indispensability=0.5, survival=0.9, invest_cost=0.1)
    >>> {k: float(v) for k, v in r.outcomes.items()}  # uniform at lambda = 0
    {'accept': 0.25, 'invest': 0.25, 'hold-up': 0.125, 'exit': 0.375}
    """
    if model not in MODELS:
        raise ParameterError(f"model = {model!r}; allowed: {', '.join(MODELS)}")
    if not isinstance(game, Game):
        raise GameError(f"expected a kzgame.game.Game, got {type(game).__name__}")
    leaf_pay, chance, lam_b = _evaluate(game, params, lam)
    rule = _softmax if model == "logit" else _probit
    value: dict[int, list[np.ndarray]] = dict(leaf_pay)
    choice: dict[int, list[np.ndarray]] = {}
    for n in reversed(game.nodes):
        if n.kind == "decision":
            i = game.players.index(n.player)
            probs = rule([value[c][i] for c in n.children], lam_b)
            choice[n.index] = probs
            value[n.index] = [sum(p * value[c][j] for p, c in zip(probs, n.children, strict=True))
                              for j in range(len(game.players))]
        elif n.kind == "chance":
            probs = chance[n.index]
            value[n.index] = [sum(p * value[c][j] for p, c in zip(probs, n.children, strict=True))
                              for j in range(len(game.players))]
    reach: dict[int, np.ndarray] = {0: np.ones(lam_b.shape)}
    for n in game.nodes:
        if n.kind == "outcome":
            continue
        probs = choice[n.index] if n.kind == "decision" else chance[n.index]
        for p, c in zip(probs, n.children, strict=True):
            reach[c] = reach[n.index] * p
    leaves = {game.nodes[i].name: reach[i] for i in game.leaves}
    outcomes: dict[str, np.ndarray] = {}
    for i in game.leaves:
        label = game.nodes[i].label
        if label is None:  # Game gives every leaf a label (its name by default)
            raise GameError(f"leaf {game.nodes[i].name!r} has no outcome label")
        outcomes[label] = outcomes[label] + reach[i] if label in outcomes else reach[i]
    return QRE(
        game=game,
        lam=lam_b,
        model=model,
        choice={game.nodes[k].name: dict(zip(game.nodes[k].actions, v, strict=True))
                for k, v in sorted(choice.items())},
        values={game.nodes[k].name: dict(zip(game.players, v, strict=True))
                for k, v in sorted(value.items())},
        leaves=leaves,
        outcomes=outcomes,
    )


@dataclass(frozen=True)
class QREPath:
    """The QRE along a grid of lambdas at one parameter point (what :func:`qre_path` returns).

    Attributes
    ----------
    lambdas : numpy.ndarray
        The grid, increasing, from 0.
    qre : QRE
        The QRE with every array indexed by the grid.
    limit : QRE
        The QRE at ``lam = inf`` (the SPE where no node is tied).
    distance : numpy.ndarray
        At each lambda, the largest difference between a choice probability
        and its limit (over every node and action, on and off the path).
    """

    lambdas: np.ndarray
    qre: QRE = field(repr=False)
    limit: QRE = field(repr=False)
    distance: np.ndarray = field(repr=False)


def qre_path(
    game: Game,
    lambdas: Any = None,
    *,
    model: str = "logit",
    **params: Any,
) -> QREPath:
    """The QRE path of ``game`` at one parameter point, from ``lam = 0`` towards infinity.

    Parameters
    ----------
    game : Game
        A game of perfect information.
    lambdas : array, optional
        The grid (default: 0 and 400 values geometrically spaced from 1e-3 to
        1e4).  Must be non-negative, finite and increasing.
    model : {"logit", "probit"}
    **params
        Scalar parameter values.

    Examples
    --------
    >>> from kzgame.games import deterrence
    >>> path = qre_path(deterrence(), v=1.0, p=0.3, k_C=0.4, k_D=0.8, a=0.2)
    >>> float(path.distance[0]) > 0.4, float(path.distance[-1]) < 1e-12
    (True, True)
    """
    if lambdas is None:
        lambdas = np.concatenate([[0.0], np.geomspace(1e-3, 1e4, 400)])
    grid = check_lambda(lambdas)
    if grid.ndim != 1 or grid.size == 0 or not np.isfinite(grid).all():
        raise ParameterError("lambdas must be a non-empty 1-d array of finite values >= 0")
    if (np.diff(grid) <= 0).any():
        raise ParameterError("lambdas must be increasing")
    for k, v in params.items():
        if np.ndim(v) != 0:
            raise ParameterError(f"{k} must be a single number on a QRE path, got shape "
                                 f"{np.shape(v)}")
    path = qre(game, grid, model=model, **params)
    limit = qre(game, np.inf, model=model, **params)
    dist = np.zeros(grid.shape)
    for node, acts in path.choice.items():
        for a, p in acts.items():
            dist = np.maximum(dist, np.abs(p - limit.choice[node][a]))
    return QREPath(lambdas=grid, qre=path, limit=limit, distance=dist)
