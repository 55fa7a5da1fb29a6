"""Backward induction: the subgame-perfect equilibrium of a game at one parameter point.

The rule, at every decision node n of player i (perfect information):

* every action is worth i's expected gain over the leaves its subtree
  reaches under the choices already made below (gains relative to n's
  reference leaf, :mod:`kzgame.game.gains`; at a chance node, the branches'
  values weighted by their probabilities and summed in branch order);
* i takes the first action, in n's tie order, whose value is at least the
  best value minus ``atol`` (``atol = 0``: exact ties only); the node is
  *decided by a tie* when more than one action qualifies.

The numbers come from the game's generated gains function
(:mod:`kzgame.numeric`), the same code the vectorized classifier runs, so
that this solver and :func:`kzgame.classify` agree bit for bit.  This module
holds the rule once, for scalars; the classifier's kernels are generated
from the same description (:func:`kzgame.numeric.codegen`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ..errors import GameError, ParameterError
from .outcomes import outcome_codes
from .tree import Game

__all__ = ["SubgamePerfect", "backward_induction", "require_perfect_information"]


def require_perfect_information(game: Game, what: str) -> None:
    """Raise :class:`GameError` if ``game`` has an information set with several nodes."""
    for name, members in game.infosets.items():
        if len(members) > 1:
            nodes = ", ".join(repr(game.nodes[i].name) for i in members)
            raise GameError(
                f"{what} needs perfect information, but information set {name!r} holds "
                f"nodes {nodes}; backward induction does not apply (export the game to "
                "Gambit, or use a solver for imperfect information)"
            )


@dataclass(frozen=True)
class SubgamePerfect:
    """The subgame-perfect equilibrium backward induction selects (see the tie rule).

    Attributes
    ----------
    game : Game
        The game solved.
    values : dict of str to float
        The parameter values (defaults filled in).
    choices : dict of str to str
        The full strategy profile: every decision node (by path name, ``'root'``
        for the root) and the action taken there, on and off the path.
    outcome : str
        The outcome's name (its label; with chance nodes the labels reached,
        joined by ``' + '``).
    code : int
        The outcome's code, as :func:`kzgame.classify` returns it.
    path : tuple of str
        The actions and chance branches from the root along the equilibrium
        path (with chance nodes: every branch, in pre-order).
    payoffs : dict of str to float
        Each player's expected payoff.
    ties : tuple of str
        The decision nodes decided by a tie (more than one action within
        ``atol`` of the best), on or off the path.
    gains : dict of str to dict of str to float
        At each decision node, the player's gain from each action relative to
        the node's reference leaf.
    leaf_gains : dict of str to dict of str to float
        At each decision node, the player's gain at each leaf of its subtree
        (by leaf path name), relative to the node's reference leaf.
    leaf_payoffs : dict of str to dict of str to float
        Every leaf's payoffs (by leaf path name, then player).
    """

    game: Game = field(repr=False)
    values: dict[str, float] = field(repr=False)
    choices: dict[str, str]
    outcome: str
    code: int
    path: tuple[str, ...]
    payoffs: dict[str, float]
    ties: tuple[str, ...]
    gains: dict[str, dict[str, float]] = field(repr=False)
    leaf_gains: dict[str, dict[str, float]] = field(repr=False)
    leaf_payoffs: dict[str, dict[str, float]] = field(repr=False)

    def action(self, node: str) -> str:
        """The action taken at decision node ``node`` (a path such as ``'challenge'``)."""
        name = self.game.node(node).name
        if name not in self.choices:
            raise GameError(f"node {node!r} is not a decision node")
        return self.choices[name]

    def margin(self, node: str = "root") -> float:
        """The chosen action's value minus the best other action's, at ``node``.

        0 on a knife edge; how far the choice is from a switch.
        """
        name = self.game.node(node).name
        vals = self.gains[name]
        chosen = vals[self.choices[name]]
        others = [v for a, v in vals.items() if a != self.choices[name]]
        return chosen - max(others) if others else math.inf


def backward_induction(
    game: Game,
    values: Mapping[str, float],
    gains: Mapping[int, Mapping[int, float]],
    probabilities: Mapping[int, Sequence[float]],
    leaf_payoffs: Mapping[int, Sequence[float]],
    atol: float = 0.0,
) -> SubgamePerfect:
    """Backward induction on numbers already computed for one point.

    Parameters
    ----------
    game : Game
        A game of perfect information.
    values : mapping
        The parameter values (kept in the result).
    gains : mapping
        For each decision node index: leaf index -> the player's gain.
    probabilities : mapping
        For each chance node index: the branch probabilities.
    leaf_payoffs : mapping
        For each leaf index: the payoffs in :attr:`Game.players` order.
    atol : float, default 0.0
        Values within ``atol`` of the best count as tied.

    Raises
    ------
    ParameterError
        If a probability is outside [0, 1], or a gain is not finite
        (overflow: parameters too large in magnitude).
    """
    require_perfect_information(game, "backward induction")
    shown = ", ".join(f"{k}={v!r}" for k, v in values.items())
    for n, ps in probabilities.items():
        node = game.nodes[n]
        for b, p in zip(node.actions, ps, strict=True):
            if not (0.0 <= p <= 1.0):
                raise ParameterError(
                    f"chance node {node.name!r}: the probability of {b!r} is {p!r} at "
                    f"({shown}), outside [0, 1]"
                )
    for n, vals in gains.items():
        bad = [leaf for leaf, v in vals.items() if not math.isfinite(v)]
        if not bad:
            continue
        where = f"at node {game.nodes[n].name!r}, leaf {game.nodes[bad[0]].name!r}"
        if any(math.isnan(vals[leaf]) for leaf in bad):
            raise ParameterError(
                f"a gain is not defined {where} ({shown}): a payoff is not a real number "
                "there (a root or logarithm of a negative number, 0/0, inf - inf)"
            )
        raise ParameterError(
            f"a gain is infinite {where} ({shown}): the gains overflow float64 or divide "
            "by zero; if the parameters are large in magnitude, rescale them (for instance "
            "to surplus = 1)"
        )

    codes = outcome_codes(game)
    choice: dict[int, int] = {}
    node_gain: dict[str, dict[str, float]] = {}
    ties: list[str] = []

    def value(n: int, m: int) -> float:
        """Decision node n's gain over the subtree at m, under the choices below m."""
        node = game.nodes[m]
        if node.kind == "outcome":
            return gains[n][m]
        if node.kind == "decision":
            return value(n, node.children[choice[m]])
        total = 0.0
        for k, (p, c) in enumerate(zip(probabilities[m], node.children, strict=True)):
            total = p * value(n, c) if k == 0 else total + p * value(n, c)
        return total

    def code(m: int) -> int:
        node = game.nodes[m]
        if node.kind == "outcome":
            return codes.sets.index(frozenset([node.label]))
        if node.kind == "decision":
            return code(node.children[choice[m]])
        return int(codes.tables[m][tuple(code(c) for c in node.children)])

    def expected(m: int, k: int) -> float:
        node = game.nodes[m]
        if node.kind == "outcome":
            return float(leaf_payoffs[m][k])
        if node.kind == "decision":
            return expected(node.children[choice[m]], k)
        return math.fsum(p * expected(c, k) for p, c in
                         zip(probabilities[m], node.children, strict=True))

    for node in reversed(game.nodes):  # children before parents
        if node.kind != "decision":
            continue
        node_vals = [value(node.index, c) for c in node.children]
        best = max(node_vals)
        floor = best - atol
        chosen = next(a for a, v in enumerate(node_vals) if v >= floor)
        choice[node.index] = chosen
        node_gain[node.name] = dict(zip(node.actions, node_vals, strict=True))
        if sum(v >= floor for v in node_vals) > 1:
            ties.append(node.name)

    path: list[str] = []
    stack = [0]
    while stack:
        m = stack.pop()
        node = game.nodes[m]
        if node.kind == "decision":
            path.append(node.actions[choice[m]])
            stack.append(node.children[choice[m]])
        elif node.kind == "chance":
            path.extend(node.actions)
            stack.extend(reversed(node.children))
    c = code(0)
    return SubgamePerfect(
        game=game,
        values=dict(values),
        choices={game.nodes[i].name: game.nodes[i].actions[a] for i, a in sorted(choice.items())},
        outcome=codes.names[c],
        code=c,
        path=tuple(path),
        payoffs={p: expected(0, k) for k, p in enumerate(game.players)},
        ties=tuple(sorted(ties, key=lambda name: game.node(name).index)),
        gains=node_gain,
        leaf_gains={
            game.nodes[n].name: {game.nodes[leaf].name: v for leaf, v in row.items()}
            for n, row in gains.items()
        },
        leaf_payoffs={
            game.nodes[leaf].name: dict(zip(game.players, map(float, row), strict=True))
            for leaf, row in leaf_payoffs.items()
        },
    )
