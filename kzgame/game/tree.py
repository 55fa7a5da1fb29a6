"""Games as data: finite extensive-form games with symbolic payoffs.

A game is a tree built from three kinds of node:

:func:`decision`
    A player chooses one of named actions.  The order in which the actions
    are given is the node's **tie order**: when two actions give the player
    exactly the same expected payoff, the player takes the one listed
    first.  Nodes that share an ``infoset`` name form one information set
    (same player, same action names): the player does not know which of
    them it is at.
:func:`chance`
    Nature picks a branch with given probabilities (numbers or expressions
    in the parameters; they must sum to 1).
:func:`outcome`
    A leaf: every player's payoff, as a number, a sympy expression or a
    string read by the safe parser (:mod:`kzgame.game.expr`), and an
    optional ``label`` naming the outcome (leaves may share a label).

:class:`Game` checks the tree when it is built (a malformed game fails
there, with a :class:`kzgame.GameError` naming the node) and indexes it for
the solvers: nodes in pre-order, the players, the leaves and the outcomes.

Examples
--------
>>> deterrence = Game(
...     decision("Challenger", {
...         "status quo": outcome(Challenger=0, Defender=0),
...         "challenge": decision("Defender", {
...             "concede": outcome(Challenger="v", Defender="-v"),
...             "fight": outcome(Challenger="p*v - k_C", Defender="-p*v - k_D"),
...         }),
...     }),
...     parameters={"v": "positive", "p": "unit", "k_C": "nonnegative", "k_D": "nonnegative"},
... )
>>> deterrence.players
('Challenger', 'Defender')
>>> deterrence.outcomes
('status quo', 'challenge/concede', 'challenge/fight')
>>> deterrence.payoff("challenge/fight", "Defender")
-k_D - p*v
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import sympy as sp

from ..errors import GameError, ParameterError
from .expr import as_expression
from .registry import DERIVED, REGISTRY, Derived, Parameter, check_names, make_domain

__all__ = [
    "Chance",
    "Decision",
    "Game",
    "Node",
    "NodeInfo",
    "Outcome",
    "chance",
    "decision",
    "outcome",
]

#: Most nodes a game may have (the solvers enumerate them; this keeps them small).
MAX_NODES: int = 10_000
#: Most outcomes (distinct labels) a game may have: the codes are int8 or int16.
MAX_OUTCOMES: int = 32_767


# ---------------------------------------------------------------------------
# The builder's nodes
# ---------------------------------------------------------------------------


class Node:
    """Base class of the builder's nodes (:class:`Decision`, :class:`Chance`, :class:`Outcome`)."""

    __slots__ = ()


@dataclass(frozen=True, eq=False)
class Decision(Node):
    """A decision node: ``player`` chooses one of ``actions`` (in tie order)."""

    player: str
    actions: tuple[tuple[str, Any], ...]
    infoset: str | None = None


@dataclass(frozen=True, eq=False)
class Chance(Node):
    """A chance node: branch ``name`` is taken with probability ``probability``."""

    branches: tuple[tuple[str, Any, Any], ...]


@dataclass(frozen=True, eq=False)
class Outcome(Node):
    """A leaf: the players' payoffs (raw, resolved by :class:`Game`) and a label."""

    payoffs: tuple[tuple[str, Any], ...]
    label: str | None = None


def _pairs(items: Any, what: str) -> list[tuple[Any, Any]]:
    if isinstance(items, Mapping):
        return list(items.items())
    if isinstance(items, Iterable) and not isinstance(items, str | bytes):
        pairs = list(items)
        if all(isinstance(p, tuple) and len(p) >= 2 for p in pairs):
            return pairs
    raise GameError(f"{what} must be a mapping (name -> subtree), got {type(items).__name__}")


def _check_name(name: Any, what: str) -> None:
    """Refuse an action or branch name that would make node paths ambiguous.

    Nodes are named by their path, the names joined by ``/``, and the root is
    ``'root'``: a name containing ``/`` or equal to ``'root'`` would give two
    nodes the same name (and two leaves the same default label).
    """
    if not isinstance(name, str) or not name:
        raise GameError(f"{what} {name!r} is not a non-empty string")
    if "/" in name:
        raise GameError(f"{what} {name!r} contains '/', which separates the names in a node's path")
    if name == "root":
        raise GameError(f"{what} 'root' is reserved: it names the root node")


def decision(player: str, actions: Mapping[str, Node], *, infoset: str | None = None) -> Decision:
    """A decision node of ``player``.

    Parameters
    ----------
    player : str
        The player who moves.
    actions : mapping of str to node
        The actions and the subtree each leads to, **in tie order** (on an
        exact tie of expected payoffs the player takes the first listed).
        A sequence of ``(name, subtree)`` pairs is accepted too, and checked
        for duplicate names.
    infoset : str, optional
        The information set's name; nodes sharing it must belong to the same
        player and have the same action names.  Names starting with ``@``
        are reserved (a node alone in its set is named ``@`` + its path).

    Raises
    ------
    GameError
        On an action without a subtree, duplicate action names, or an
        action name that is empty, contains ``/`` (the separator of node
        paths) or is ``'root'`` (the root's name).

    Examples
    --------
    >>> node = decision("E", {"concede": outcome(E=0, R=1), "refuse": outcome(E=1, R=0)})
    >>> [name for name, _ in node.actions]
    ['concede', 'refuse']
    """
    if not isinstance(player, str) or not player:
        raise GameError(f"a decision node's player must be a non-empty string, got {player!r}")
    pairs = _pairs(actions, f"the actions of {player}'s decision")
    if not pairs:
        raise GameError(f"{player}'s decision has no actions")
    names = [name for name, *_ in pairs]
    for name in names:
        _check_name(name, f"{player}'s decision: action name")
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise GameError(f"{player}'s decision: duplicate action name(s) {', '.join(duplicates)}")
    for name, subtree, *_ in pairs:
        if not isinstance(subtree, Node):
            raise GameError(
                f"{player}'s action {name!r} has no subtree (got {subtree!r}); give a "
                "decision, chance or outcome node"
            )
    if infoset is not None and (not isinstance(infoset, str) or not infoset):
        raise GameError(f"infoset must be a non-empty string, got {infoset!r}")
    if infoset is not None and infoset.startswith("@"):
        raise GameError(
            f"{player}'s decision: infoset {infoset!r} starts with '@', which is reserved for "
            "the singleton sets kzgame names itself"
        )
    return Decision(player, tuple((n, s) for n, s, *_ in pairs), infoset)


def chance(branches: Mapping[str, tuple[Any, Node]]) -> Chance:
    """A chance node: ``{name: (probability, subtree)}``.

    Probabilities are numbers or expressions in the game's parameters (a
    string, read by the safe parser, or a sympy expression); :class:`Game`
    checks that they sum to 1 and, where they are numbers, that they lie in
    [0, 1].  Expressions are checked against [0, 1] when the game is solved
    at given parameter values.

    Examples
    --------
    >>> node = chance({"war": ("p", outcome(A=1)), "peace": ("1 - p", outcome(A=0))})
    >>> [name for name, *_ in node.branches]
    ['war', 'peace']
    """
    pairs = _pairs(branches, "a chance node's branches")
    if not pairs:
        raise GameError("a chance node has no branches")
    out = []
    names = []
    for name, spec in pairs:
        _check_name(name, "chance branch name")
        if not (isinstance(spec, tuple) and len(spec) == 2 and isinstance(spec[1], Node)):
            raise GameError(
                f"chance branch {name!r}: give (probability, subtree), got {spec!r}"
            )
        names.append(name)
        out.append((name, spec[0], spec[1]))
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise GameError(f"chance node: duplicate branch name(s) {', '.join(duplicates)}")
    return Chance(tuple(out))


def outcome(
    payoffs: Mapping[str, Any] | None = None, /, *, label: str | None = None, **by_player: Any
) -> Outcome:
    """A leaf with every player's payoff.

    Parameters
    ----------
    payoffs : mapping, optional
        Player -> payoff (for player names that are not Python identifiers).
    label : str, optional
        The outcome's name (default: the path of actions to the leaf).
        Leaves may share a label; :func:`kzgame.classify` codes outcomes by
        label.
    **by_player
        Player -> payoff: a number, a sympy expression or a string.

    Examples
    --------
    >>> leaf = outcome(Challenger="v", Defender="-v", label="concession")
    >>> leaf.label, dict(leaf.payoffs)["Challenger"]
    ('concession', 'v')
    """
    merged = dict(payoffs or {})
    overlap = sorted(set(merged) & set(by_player))
    if overlap:
        raise GameError(f"payoff of {', '.join(overlap)} given twice")
    merged.update(by_player)
    if label is not None and (not isinstance(label, str) or not label):
        raise GameError(f"an outcome's label must be a non-empty string, got {label!r}")
    return Outcome(tuple(merged.items()), label)


# ---------------------------------------------------------------------------
# The indexed game
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class NodeInfo:
    """One node of an indexed :class:`Game` (pre-order index ``index``).

    Attributes
    ----------
    index : int
        Position in pre-order (the root is 0).
    kind : {"decision", "chance", "outcome"}
    path : tuple of str
        The actions and chance branches from the root to this node.
    parent : int or None
    children : tuple of int
        In the order of the actions or branches.
    actions : tuple of str
        The action (or branch) names, in tie order.
    player : str or None
        Who moves (decision nodes).
    infoset : str
        The information set (a decision node alone in its set is named by
        its path).
    probabilities : tuple of sympy.Expr
        Chance nodes: the branch probabilities.
    payoffs : tuple of sympy.Expr
        Leaves: the payoffs, in the order of :attr:`Game.players`.
    label : str or None
        Leaves: the outcome label.
    """

    index: int
    kind: str
    path: tuple[str, ...]
    parent: int | None
    children: tuple[int, ...] = ()
    actions: tuple[str, ...] = ()
    player: str | None = None
    infoset: str | None = None
    probabilities: tuple[sp.Expr, ...] = ()
    payoffs: tuple[sp.Expr, ...] = ()
    label: str | None = None

    @property
    def name(self) -> str:
        """The path as text, ``'challenge/fight'`` (``'root'`` for the root)."""
        return "/".join(self.path) if self.path else "root"


def _parameters(spec: Any) -> dict[str, Parameter]:
    """The declared parameters from a mapping or a sequence of registry names."""
    if spec is None:
        return {}
    if isinstance(spec, Mapping):
        items = list(spec.items())
    elif isinstance(spec, Iterable) and not isinstance(spec, str | bytes):
        items = [(p.name, p) if isinstance(p, Parameter) else (p, None) for p in spec]
    else:
        raise GameError(f"parameters must be a mapping or a list of names, got {spec!r}")
    out: dict[str, Parameter] = {}
    for name, value in items:
        if not isinstance(name, str) or not name.isidentifier():
            raise GameError(f"parameter name {name!r} is not a Python identifier")
        if name in out:
            raise GameError(f"parameter {name!r} declared twice")
        if value is None:
            if name not in REGISTRY:
                raise GameError(
                    f"parameter {name!r} is not in the registry; give its domain, e.g. "
                    f"{{{name!r}: 'real'}}"
                )
            out[name] = REGISTRY[name]
        elif isinstance(value, Parameter):
            if value.name != name:
                raise GameError(
                    f"parameter {name!r} declared with a Parameter named {value.name!r}"
                )
            out[name] = value
        else:
            out[name] = Parameter(name, make_domain(value))
    return out


class Game:
    """A finite extensive-form game with symbolic payoffs.

    Parameters
    ----------
    root : Node
        The tree, built with :func:`decision`, :func:`chance` and :func:`outcome`.
    parameters : mapping or sequence, optional
        The parameters payoffs and probabilities may use: a mapping from
        name to a domain (``"real"``, ``"positive"``, ``"nonnegative"``,
        ``"unit"``, ``"open-unit"``, ``"discount"``, a ``(low, high)`` pair,
        a :class:`~kzgame.game.registry.Domain`), to a
        :class:`~kzgame.game.registry.Parameter`, or to ``None`` for a
        parameter of the registry (:data:`kzgame.game.registry.REGISTRY`);
        or a sequence of registry names.
    players : sequence of str, optional
        The players, in order (default: in order of first appearance, then
        players who only receive payoffs).
    derived : sequence of str, optional
        Derived quantities of :data:`kzgame.game.registry.DERIVED` in which
        gains and thresholds are written (for instance the stakes); each
        needs its definition's parameters declared.
    title : str, optional
        A name for the game (Gambit export, reports).

    Raises
    ------
    GameError
        On a malformed tree, naming the node: a node used twice, a chance
        node whose probabilities are not numbers in [0, 1] or do not sum to
        1, a payoff naming an undeclared parameter, a leaf without a payoff
        for some player (or with one for an unknown player), an information
        set mixing players or action sets or containing a node and its
        descendant.

    Examples
    --------
    >>> g = Game(decision("A", {"x": outcome(A=1, B=0), "y": outcome(A="a", B=1)}),
    ...          parameters={"a": "real"})
    >>> [n.name for n in g.nodes]
    ['root', 'x', 'y']
    >>> Game(decision("A", {"x": outcome(A=1)}), players=["A", "B"])
    Traceback (most recent call last):
    ...
    kzgame.errors.GameError: leaf 'x': no payoff for player 'B'
    """

    def __init__(
        self,
        root: Node,
        *,
        parameters: Any = None,
        players: Iterable[str] | None = None,
        derived: Iterable[str] = (),
        title: str = "",
    ) -> None:
        if not isinstance(root, Node):
            raise GameError(
                f"a game's root must be a decision, chance or outcome node, got {root!r}"
            )
        self.title = str(title)
        self.parameters: dict[str, Parameter] = _parameters(parameters)
        self.symbols: dict[str, sp.Symbol] = {k: p.symbol for k, p in self.parameters.items()}
        self.derived: dict[str, Derived] = {}
        for name in derived:
            if name not in DERIVED:
                raise GameError(f"unknown derived quantity {name!r}; known: {', '.join(DERIVED)}")
            d = DERIVED[name]
            need = d.expression.free_symbols
            missing = sorted(str(s) for s in need if str(s) not in self.symbols)
            if missing:
                raise GameError(f"derived {name!r} needs parameter(s) {', '.join(missing)}")
            self.derived[name] = d
        self.nodes: tuple[NodeInfo, ...] = ()
        self._index(root, None if players is None else list(players))
        self.root = root

    # -- indexing and validation -----------------------------------------

    def _index(self, root: Node, players: list[str] | None) -> None:
        seen: set[int] = set()
        raw: list[tuple[Node, tuple[str, ...], int | None]] = []
        stack: list[tuple[Node, tuple[str, ...], int | None]] = [(root, (), None)]
        while stack:  # pre-order without recursion (deep trees are fine)
            node, path, parent = stack.pop()
            where = "/".join(path) or "root"
            if id(node) in seen:
                raise GameError(
                    f"node {where!r}: this node object also appears elsewhere in the tree; "
                    "build a new node for each place"
                )
            seen.add(id(node))
            raw.append((node, path, parent))
            if len(raw) > MAX_NODES:
                raise GameError(f"the game has more than {MAX_NODES} nodes")
            me = len(raw) - 1
            if isinstance(node, Decision):
                kids = [(sub, path + (name,), me) for name, sub in node.actions]
            elif isinstance(node, Chance):
                kids = [(sub, path + (name,), me) for name, _, sub in node.branches]
            elif isinstance(node, Outcome):
                kids = []
            else:
                raise GameError(f"node {where!r}: {node!r} is not a decision, chance or outcome")
            stack.extend(reversed(kids))

        children: dict[int, list[int]] = {i: [] for i in range(len(raw))}
        for i, (_, _, parent) in enumerate(raw):
            if parent is not None:
                children[parent].append(i)

        order: list[str] = []
        for node, _, _ in raw:
            if isinstance(node, Decision) and node.player not in order:
                order.append(node.player)
        for node, _, _ in raw:
            if isinstance(node, Outcome):
                for p, _ in node.payoffs:
                    if p not in order and players is None:
                        order.append(p)
        if players is not None:
            if len(set(players)) != len(players) or not all(isinstance(p, str) for p in players):
                raise GameError(f"players must be distinct strings, got {players!r}")
            missing = [p for p in order if p not in players]
            if missing:
                raise GameError(f"player(s) {', '.join(missing)} move but are not in players")
            order = players
        if not order:
            raise GameError("the game has no players")
        self.players: tuple[str, ...] = tuple(order)

        infos: list[NodeInfo] = []
        for i, (node, path, parent) in enumerate(raw):
            where = "/".join(path) or "root"
            child_ix = tuple(children[i])
            if isinstance(node, Decision):
                infos.append(NodeInfo(
                    i, "decision", path, parent, child_ix, tuple(a for a, _ in node.actions),
                    node.player, node.infoset if node.infoset is not None else f"@{where}",
                ))  # fmt: skip
            elif isinstance(node, Chance):
                probs = tuple(
                    as_expression(p, self.symbols, f"chance node {where!r}, branch {b!r}")
                    for b, p, _ in node.branches
                )
                self._check_probabilities(where, [b for b, _, _ in node.branches], probs)
                infos.append(NodeInfo(
                    i, "chance", path, parent, child_ix, tuple(b for b, _, _ in node.branches),
                    probabilities=probs,
                ))  # fmt: skip
            else:
                assert isinstance(node, Outcome)
                given = dict(node.payoffs)
                unknown = sorted(set(given) - set(self.players))
                if unknown:
                    raise GameError(
                        f"leaf {where!r}: payoff for unknown player(s) {', '.join(unknown)} "
                        f"(players: {', '.join(self.players)})"
                    )
                for p in self.players:
                    if p not in given:
                        raise GameError(f"leaf {where!r}: no payoff for player {p!r}")
                payoffs = tuple(
                    as_expression(given[p], self.symbols, f"leaf {where!r}, payoff of {p}")
                    for p in self.players
                )
                infos.append(NodeInfo(
                    i, "outcome", path, parent, payoffs=payoffs,
                    label=node.label if node.label is not None else where,
                ))  # fmt: skip
        self.nodes = tuple(infos)
        self._check_infosets()
        labels = list(dict.fromkeys(n.label for n in self.nodes if n.kind == "outcome"))
        if len(labels) > MAX_OUTCOMES:
            raise GameError(f"the game has more than {MAX_OUTCOMES} outcomes")

    def _check_probabilities(self, where: str, names: list[str], probs: tuple) -> None:
        for b, p in zip(names, probs, strict=True):
            if p.is_number and not (0 <= p <= 1):
                raise GameError(
                    f"chance node {where!r}: probability of {b!r} is {p}, outside [0, 1]"
                )
        total = sp.simplify(sp.Add(*probs) - 1)
        if total != 0:
            raise GameError(
                f"chance node {where!r}: the probabilities sum to {sp.simplify(sp.Add(*probs))}, "
                "not 1"
            )

    def _check_infosets(self) -> None:
        sets: dict[str, list[NodeInfo]] = {}
        for n in self.nodes:
            if n.kind == "decision":
                sets.setdefault(str(n.infoset), []).append(n)
        for name, members in sets.items():
            first = members[0]
            for m in members[1:]:
                if m.player != first.player:
                    raise GameError(
                        f"information set {name!r} mixes players {first.player!r} (at "
                        f"{first.name!r}) and {m.player!r} (at {m.name!r})"
                    )
                if m.actions != first.actions:
                    raise GameError(
                        f"information set {name!r}: node {m.name!r} has actions "
                        f"{list(m.actions)}, node {first.name!r} has {list(first.actions)}"
                    )
            paths = [m.path for m in members]
            for a, b in itertools.permutations(paths, 2):
                if len(a) < len(b) and b[: len(a)] == a:
                    raise GameError(
                        f"information set {name!r} holds node {'/'.join(b)!r} and its "
                        f"ancestor {'/'.join(a) or 'root'!r}"
                    )

    # -- what the solvers read --------------------------------------------

    @cached_property
    def leaves(self) -> tuple[int, ...]:
        """The indices of the leaves, in pre-order."""
        return tuple(n.index for n in self.nodes if n.kind == "outcome")

    @cached_property
    def outcomes(self) -> tuple[str, ...]:
        """The outcome labels in order of first appearance (the codes of ``classify``)."""
        return tuple(dict.fromkeys(str(self.nodes[i].label) for i in self.leaves))

    @cached_property
    def infosets(self) -> dict[str, tuple[int, ...]]:
        """Information sets: name -> the decision nodes in it, in pre-order."""
        sets: dict[str, list[int]] = {}
        for n in self.nodes:
            if n.kind == "decision":
                sets.setdefault(str(n.infoset), []).append(n.index)
        return {k: tuple(v) for k, v in sets.items()}

    @property
    def perfect_information(self) -> bool:
        """Whether every information set holds one node."""
        return all(len(v) == 1 for v in self.infosets.values())

    @property
    def has_chance(self) -> bool:
        """Whether the game has a chance node."""
        return any(n.kind == "chance" for n in self.nodes)

    @cached_property
    def code_dtype(self) -> np.dtype:
        """The dtype of outcome codes: int8 up to 127 outcomes, else int16."""
        return np.dtype(np.int8 if len(self.outcomes) <= 127 else np.int16)

    def node(self, path: str | Iterable[str]) -> NodeInfo:
        """The node at ``path`` (``'challenge/fight'``, a tuple of actions, or ``'root'``).

        Raises
        ------
        GameError
            If no node has that path.
        """
        key = (
            ()
            if path in ("root", "")
            else tuple(path.split("/")) if isinstance(path, str) else tuple(path)
        )
        for n in self.nodes:
            if n.path == key:
                return n
        raise GameError(f"the game has no node {path!r}")

    def subtree(self, index: int) -> range:
        """Pre-order indices of the subtree rooted at node ``index`` (contiguous)."""
        end = index + 1
        while end < len(self.nodes) and self._is_below(end, index):
            end += 1
        return range(index, end)

    def _is_below(self, i: int, ancestor: int) -> bool:
        a = self.nodes[ancestor].path
        return self.nodes[i].path[: len(a)] == a and i > ancestor

    def payoff(self, leaf: str | int, player: str) -> sp.Expr:
        """The payoff of ``player`` at ``leaf`` (a path or a node index)."""
        n = self.nodes[leaf] if isinstance(leaf, int) else self.node(leaf)
        if n.kind != "outcome":
            raise GameError(f"node {n.name!r} is not a leaf")
        if player not in self.players:
            raise GameError(f"unknown player {player!r}; players: {', '.join(self.players)}")
        return n.payoffs[self.players.index(player)]

    def uses(self) -> tuple[str, ...]:
        """The declared parameters that payoffs or probabilities actually use, in order."""
        used: set[sp.Symbol] = set()
        for n in self.nodes:
            for e in n.payoffs + n.probabilities:
                used |= e.free_symbols
        return tuple(k for k, s in self.symbols.items() if s in used)

    # -- parameter values ----------------------------------------------------

    def check_names(self, params: Mapping[str, Any]) -> None:
        """Raise :class:`ParameterError` on an unknown name or a missing required parameter.

        Examples
        --------
        >>> g = Game(decision("A", {"x": outcome(A="a"), "y": outcome(A=0)}),
        ...          parameters={"a": "real"})
        >>> g.check_names({"b": 1.0})
        Traceback (most recent call last):
        ...
        kzgame.errors.ParameterError: unknown parameter(s) b; this game's parameters: a
        """
        check_names(self.parameters, params)

    def values(self, params: Mapping[str, Any], *, arrays: bool = False) -> dict[str, Any]:
        """Validated parameter values with defaults filled in.

        Parameters
        ----------
        params : mapping
            Values by parameter name.
        arrays : bool, default False
            If false, every value must be a single number (returned as
            ``float``); if true, arrays are allowed (returned as float64
            arrays, not broadcast).

        Raises
        ------
        ParameterError
            On an unknown name, a missing required parameter, or a value
            outside its domain (naming the parameter and the range).
        """
        self.check_names(params)
        out: dict[str, Any] = {}
        for k, p in self.parameters.items():
            v = params.get(k, p.default)
            if not arrays and type(v) is float and p.domain.contains(v):
                out[k] = v  # a float in its domain: what the checks below return for it
                continue
            if not arrays and isinstance(v, bool):
                raise ParameterError(f"{k} must be a single number, got {v!r}")
            arr = p.check(v)  # real numbers only (names the parameter otherwise)
            if not arrays and arr.ndim != 0:
                raise ParameterError(f"{k} must be a single number, got {v!r}")
            out[k] = arr if arrays else float(arr)
        return out

    # -- display ---------------------------------------------------------------

    def __repr__(self) -> str:
        title = f"{self.title!r}, " if self.title else ""
        return (
            f"Game({title}players={list(self.players)}, nodes={len(self.nodes)}, "
            f"outcomes={len(self.outcomes)}, parameters={list(self.parameters)})"
        )

    def describe(self) -> str:
        """The tree as indented text, one node a line.

        Examples
        --------
        >>> g = Game(decision("A", {"x": outcome(A=1, B=0), "y": outcome(A=0, B=1)}))
        >>> print(g.describe())
        A chooses
          x: A=1, B=0
          y: A=0, B=1
        """
        lines: list[str] = []
        for n in self.nodes:
            indent = "  " * len(n.path)
            head = f"{indent}{n.path[-1]}: " if n.path else indent
            if n.kind == "decision":
                extra = "" if str(n.infoset).startswith("@") else f" [infoset {n.infoset}]"
                lines.append(f"{head}{n.player} chooses{extra}")
            elif n.kind == "chance":
                probs = ", ".join(f"{a}: {p}" for a, p in zip(n.actions, n.probabilities,
                                                                strict=True))
                lines.append(f"{head}chance ({probs})")
            else:
                pays = ", ".join(f"{p}={u}" for p, u in zip(self.players, n.payoffs, strict=True))
                label = "" if n.label == n.name else f"  [{n.label}]"
                lines.append(f"{head}{pays}{label}")
        return "\n".join(lines)
