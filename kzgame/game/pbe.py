"""Perfect Bayesian equilibria of small games with types: a symbolic solver.

The solver takes a :class:`~kzgame.game.Game` whose root is a chance node
(nature draws a type) followed by at most two *layers* of information sets,
and returns every perfect Bayesian equilibrium (PBE) as conditions in the
parameters, as sympy expressions:

* **layer 1**: the information sets reached by chance moves only.  In a
  signalling game these are the informed player's type nodes (one singleton
  set per type); in a screening game, the uninformed player's one set
  spanning all types (its beliefs are the prior);
* **layer 2**: information sets reached after one layer-1 move (in a
  signalling game, the receiver's sets, one per message);
* **tails**: a decision node whose subtree holds only singleton
  information sets (a proper subgame of perfect information, for instance
  R's choice to stay or leave after a refusal) is folded first by backward
  induction with the engine's tie rule (the first listed of tied actions,
  payoffs within :data:`FOLD_ATOL` counting as tied); its value is a sympy
  ``Piecewise``.

What an assessment is, and what the solver checks
-------------------------------------------------

An assessment gives every information set a behaviour strategy and every
layer-2 set beliefs over its nodes.  It is a PBE when

1. **sequential rationality**: at every information set, every action
   played with positive probability maximises the mover's expected payoff
   given its beliefs and the others' strategies (weakly: a PBE may use an
   action that ties);
2. **Bayes' rule on the path**: at a layer-2 set reached with positive
   probability, the beliefs are the reach probabilities normalised;
3. **off the path** beliefs are free, except that a type with prior
   probability zero gets belief zero everywhere (beliefs stay in the
   support of the prior).  The solver reports, for each off-path set, the
   condition on the beliefs under which the equilibrium's action there is
   a best reply, and requires that such beliefs exist.

Supports are enumerated: every information set plays one action or mixes
over two.  Mixing is enumerated where it can occur for an open set of
parameters: a layer-1 player mixes between two actions only when one of
them leads to a mixing layer-2 set (otherwise its indifference is an exact
tie between numbers, broken by the equilibria that play either action), a
layer-2 set mixes only on the path, and the number of mixing layer-1 sets
equals the number of mixing layer-2 sets (one indifference equation per
unknown: layer-1 indifferences are linear in the layer-2 mixtures, layer-2
indifferences, multiplied out by the reach probabilities, linear in the
layer-1 mixtures).  Off the path the equilibrium's action is pure: any
mixed reply there that deters deviations mixes two pure replies that
deter them too (the deviation payoff is linear in the mixture), so the
on-path outcomes are the same.  Mixtures that make a player indifferent
for every belief (an identity, not an equation) are reported through their
pure extremes.  Off-path beliefs are checked for sets of at most two nodes
(two types).

Examples
--------
Beer-quiche (:func:`kzgame.games.beer_quiche`): a strong or weak sender, a
receiver who fights or not after seeing the message.

>>> from kzgame.games import beer_quiche
>>> sol = pbe(beer_quiche())
>>> [a.kind for a in sol.assessments if a.holds(p=0.9)]
['pooling', 'pooling']
>>> [a.kind for a in sol.assessments if a.holds(p=0.2)]
['semi-separating']
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import sympy as sp

from ..errors import GameError
from .registry import check_atol
from .tree import Game

__all__ = ["ATOL", "FOLD_ATOL", "Assessment", "PBESolution", "pbe", "select"]

#: Tolerance of the numeric checks of weak and strict inequalities.
ATOL: float = 1e-10

_TOL = sp.Symbol("_pbe_atol", nonnegative=True)
#: Ties in a folded tail: payoffs within this distance count as tied (the tie
#: order decides), so that ties built into a game (an offer equal to a
#: reservation value) survive floating-point rounding.
FOLD_ATOL: float = 1e-12
_FOLD_TOL = sp.Float(FOLD_ATOL)




def _rel(kind: str, a: Any, b: Any = 0) -> sp.Basic:
    """An unevaluated relation (fast), or True/False when it is between numbers."""
    d = sp.sympify(a) - sp.sympify(b)
    if d.is_Number:
        return sp.true if {"ge": d >= 0, "gt": d > 0, "le": d <= 0, "lt": d < 0,
                           "eq": d == 0, "ne": d != 0}[kind] else sp.false
    cls = {"ge": sp.GreaterThan, "gt": sp.StrictGreaterThan, "le": sp.LessThan,
           "lt": sp.StrictLessThan, "eq": sp.Equality, "ne": sp.Unequality}[kind]
    return cls(d, 0, evaluate=False)


def _and(*xs: sp.Basic) -> sp.Basic:
    """And without sympy's (slow) simplification."""
    if any(x is sp.false for x in xs):
        return sp.false
    xs = tuple(x for x in xs if x is not sp.true)
    return sp.true if not xs else xs[0] if len(xs) == 1 else sp.And(*xs, evaluate=False)


def _or(*xs: sp.Basic) -> sp.Basic:
    """Or without sympy's (slow) simplification."""
    if any(x is sp.true for x in xs):
        return sp.true
    xs = tuple(x for x in xs if x is not sp.false)
    return sp.false if not xs else xs[0] if len(xs) == 1 else sp.Or(*xs, evaluate=False)


def _not(x: sp.Basic) -> sp.Basic:
    if x is sp.true:
        return sp.false
    if x is sp.false:
        return sp.true
    return sp.Not(x, evaluate=False)


# ---------------------------------------------------------------------------
# The layered view of a game


@dataclass
class _Terminal:
    """A leaf, or a folded tail: payoffs (Piecewise) and (condition, leaf) branches."""

    payoffs: tuple[sp.Expr, ...]
    branches: tuple[tuple[sp.Basic, int], ...]


@dataclass
class _Layers:
    game: Game
    types: tuple[int, ...]  # the layer-1 nodes, pre-order
    prior: dict[int, sp.Expr]  # layer-1 node -> chance probability of reaching it
    type_of: dict[int, str]  # layer-1 node -> its path name (the type)
    set1: dict[str, tuple[int, ...]]  # layer-1 infosets
    set2: dict[str, tuple[int, ...]]  # layer-2 infosets
    child: dict[tuple[int, str], int]  # (node, action) -> child index
    terminal: dict[int, _Terminal]  # terminal node index -> payoffs
    parent: dict[int, tuple[int, str]]  # layer-2 node -> (layer-1 node, action)
    values: dict[sp.Symbol, sp.Expr]  # terminal payoff symbol -> its expression


def _fold(game: Game, index: int) -> _Terminal:
    """Backward induction over a subtree of singleton sets, as Piecewise (tie order).

    The payoffs are the leaves' own expressions; :func:`_layers` replaces
    each terminal's payoffs by symbols afterwards (small expressions for
    the algebra, numbers substituted at evaluation).
    """
    node = game.nodes[index]
    if node.kind == "outcome":
        return _Terminal(node.payoffs, ((sp.true, index),))
    kids = [_fold(game, c) for c in node.children]
    if node.kind == "chance":
        if len(kids) == 1:
            return kids[0]
        raise GameError(
            f"node {node.name!r}: a chance node below a decision is not supported by the "
            "PBE solver (chance moves must come first)"
        )
    me = game.players.index(node.player)
    conds: list[sp.Basic] = []
    for k, kid in enumerate(kids):
        later = [kids[j].payoffs[me] for j in range(len(kids)) if j != k]
        before = [kids[j].payoffs[me] for j in range(k)]
        c = sp.And(*[kid.payoffs[me] - b > _FOLD_TOL for b in before],
                   *[kid.payoffs[me] - b >= -_FOLD_TOL for b in later[k:]])
        conds.append(c)
    conds[-1] = sp.true
    payoffs = tuple(
        sp.Piecewise(*[(kid.payoffs[i], c) for kid, c in zip(kids, conds, strict=True)])
        for i in range(len(game.players))
    )
    exclusive = conds[:-1] + [sp.And(*[sp.Not(c) for c in conds[:-1]])]
    branches = tuple(
        (sp.And(c, bc), leaf)
        for kid, c in zip(kids, exclusive, strict=True) for bc, leaf in kid.branches
    )
    return _Terminal(payoffs, branches)


def _infoset(game: Game, i: int) -> str:
    """The information set of node ``i``, which must be a decision node."""
    h = game.nodes[i].infoset
    if h is None:
        raise GameError(f"node {game.nodes[i].name!r} is not a decision node (no information set)")
    return h


def _label(game: Game, i: int) -> str:
    """The outcome label of leaf ``i`` (a :class:`Game` gives every leaf one)."""
    label = game.nodes[i].label
    if label is None:
        raise GameError(f"node {game.nodes[i].name!r} is not a labelled leaf")
    return label


def _layers(game: Game) -> _Layers:
    if not isinstance(game, Game):
        raise GameError(f"expected a kzgame.game.Game, got {type(game).__name__}")
    nodes = game.nodes
    singleton = {n.index: len(game.infosets[_infoset(game, n.index)]) == 1
                 for n in nodes if n.kind == "decision"}

    def foldable(i: int) -> bool:
        return all(singleton.get(j, True) for j in game.subtree(i))

    prior: dict[int, sp.Expr] = {}
    child: dict[tuple[int, str], int] = {}
    terminal: dict[int, _Terminal] = {}
    parent: dict[int, tuple[int, str]] = {}
    layer1: list[int] = []
    layer2: list[int] = []

    def walk(i: int, prob: sp.Expr) -> None:  # chance part
        n = nodes[i]
        if n.kind == "chance":
            for c, p in zip(n.children, n.probabilities, strict=True):
                walk(c, prob * p)
        elif n.kind == "outcome":
            raise GameError(f"leaf {n.name!r} is reached by chance alone: no one moves there")
        else:
            prior[i] = prob
            layer1.append(i)

    if nodes[0].kind != "chance":
        raise GameError("the PBE solver needs a game whose root is a chance node (the types)")
    walk(0, sp.Integer(1))
    for i in layer1:
        n = nodes[i]
        for a, c in zip(n.actions, n.children, strict=True):
            child[(i, a)] = c
            m = nodes[c]
            if m.kind == "decision" and not foldable(c):
                layer2.append(c)
                parent[c] = (i, a)
                for b, leaf in zip(m.actions, m.children, strict=True):
                    child[(c, b)] = leaf
                    if not foldable(leaf) and nodes[leaf].kind != "outcome":
                        raise GameError(
                            f"node {nodes[leaf].name!r}: a third layer of information sets; "
                            "the PBE solver handles two (types, then one reply)"
                        )
                    terminal[leaf] = _fold(game, leaf)
            else:
                terminal[c] = _fold(game, c)
    set1: dict[str, list[int]] = {}
    for i in layer1:
        set1.setdefault(_infoset(game, i), []).append(i)
    set2: dict[str, list[int]] = {}
    for i in layer2:
        set2.setdefault(_infoset(game, i), []).append(i)
    clash = set(set1) & set(set2)
    if clash:
        raise GameError(f"information set(s) {', '.join(sorted(clash))} span two layers")
    values: dict[sp.Symbol, sp.Expr] = {}
    for t, term in terminal.items():
        syms = tuple(sp.Symbol(f"_u{t}_{k}", real=True) for k in range(len(game.players)))
        values.update(zip(syms, term.payoffs, strict=True))
        term.payoffs = syms
    return _Layers(game, tuple(layer1), prior, {i: nodes[i].name for i in layer1},
                   {k: tuple(v) for k, v in set1.items()}, {k: tuple(v) for k, v in set2.items()},
                   child, terminal, parent, values)


# ---------------------------------------------------------------------------
# Assessments


def _relax(cond: sp.Basic) -> sp.Basic:
    """Rewrite relations with the numeric tolerance: a >= b as a - b >= -tol, a > b as > tol."""
    if cond is sp.true or cond is sp.false:
        return cond
    if isinstance(cond, sp.core.relational.Relational):
        d = cond.lhs - cond.rhs
        if isinstance(cond, sp.GreaterThan):
            return _rel("ge", d + _TOL)
        if isinstance(cond, sp.StrictGreaterThan):
            return _rel("gt", d - _TOL)
        if isinstance(cond, sp.LessThan):
            return _rel("le", d - _TOL)
        if isinstance(cond, sp.StrictLessThan):
            return _rel("lt", d + _TOL)
        if isinstance(cond, sp.Equality):
            return _and(_rel("le", d - _TOL), _rel("ge", d + _TOL))
        return _or(_rel("gt", d - _TOL), _rel("lt", d + _TOL))
    if isinstance(cond, sp.Piecewise):
        return sp.Piecewise(*[(_relax(e), _relax(c)) for e, c in cond.args])
    if isinstance(cond, sp.And):
        return _and(*[_relax(a) for a in cond.args])
    if isinstance(cond, sp.Or):
        return _or(*[_relax(a) for a in cond.args])
    if isinstance(cond, sp.Not):
        return _not(_relax(cond.args[0]))
    return cond


class _Env:
    """Where an assessment's symbols get their numbers: parameters, then terminal payoffs."""

    def __init__(self, game: Game, values: Mapping[sp.Symbol, sp.Expr]) -> None:
        self.game = game
        self.params = tuple(game.symbols.values())
        self.usyms = tuple(values)
        self.subs = dict(values)

    @cached_property
    def ufunc(self):
        return sp.lambdify(list(self.params), [self.subs[u] for u in self.usyms], "numpy")

    @property
    def arguments(self) -> list[sp.Symbol]:
        return list(self.params) + list(self.usyms)

    def args(self, values: Mapping[str, Any]) -> list[Any]:
        """Numbers (or arrays) for :attr:`arguments` at parameter ``values``."""
        pv = []
        for sym in self.params:
            name = str(sym)
            if name in values:
                pv.append(np.asarray(values[name], dtype=float))
            elif self.game.parameters[name].default is not None:
                pv.append(np.asarray(self.game.parameters[name].default, dtype=float))
            else:
                raise GameError(f"missing value for parameter {name}")
        with np.errstate(all="ignore"):
            uv = [np.asarray(x, dtype=float) for x in self.ufunc(*pv)]
        return pv + uv

    def expand(self, expr: Any) -> Any:
        """``expr`` in the parameters (terminal payoff symbols replaced by their expressions)."""
        return expr.xreplace(self.subs) if isinstance(expr, sp.Basic) else expr


class _Compiled:
    """Boolean conditions evaluated fast: each distinct relation's difference computed once.

    A relation ``a >= b`` is evaluated as ``a - b >= -atol`` (strict ones as
    ``> atol``), so that weak inequalities hold within the tolerance; the
    boolean structure is walked with numpy's logical operators.
    """

    _KINDS = {sp.GreaterThan: "ge", sp.StrictGreaterThan: "gt", sp.LessThan: "le",
              sp.StrictLessThan: "lt", sp.Equality: "eq", sp.Unequality: "ne"}

    def __init__(self, env: _Env, roots: Sequence[sp.Basic]) -> None:
        self.env = env
        self.diffs: dict[sp.Expr, int] = {}
        memo: dict[sp.Basic, Any] = {}
        self.plans = [self._plan(r, memo) for r in roots]

    def _plan(self, e: sp.Basic, memo: dict) -> Any:
        if e in memo:
            return memo[e]
        if e is sp.true or e is sp.false:
            out: Any = ("const", e is sp.true)
        elif isinstance(e, sp.core.relational.Relational):
            d = e.lhs - e.rhs if e.rhs != 0 else e.lhs
            k = self.diffs.setdefault(d, len(self.diffs))
            out = ("rel", self._KINDS[type(e)], k)
        elif isinstance(e, sp.And | sp.Or):
            out = ("and" if isinstance(e, sp.And) else "or",
                   tuple(self._plan(x, memo) for x in e.args))
        elif isinstance(e, sp.Not):
            out = ("not", self._plan(e.args[0], memo))
        else:
            raise GameError(f"cannot evaluate the condition {e}")
        memo[e] = out
        return out

    @cached_property
    def fn(self):
        from sympy.printing.numpy import NumPyPrinter

        printer = NumPyPrinter({"order": "none", "fully_qualified_modules": False,
                                "inline": True, "allow_unknown_functions": True,
                                "user_functions": {}})
        return sp.lambdify(self.env.arguments, list(self.diffs) or [sp.Integer(0)], "numpy",
                           printer=printer, docstring_limit=0)

    def __call__(self, values: Mapping[str, Any], atol: float = ATOL,
                 which: Sequence[int] | None = None) -> list[np.ndarray]:
        """The roots' truth values at ``values`` (only the roots ``which``, others False)."""
        args = self.env.args(values)
        shape = np.broadcast_shapes(*(np.shape(a) for a in args))
        with np.errstate(all="ignore"):
            D = [np.asarray(x, dtype=float) for x in self.fn(*args)]
        cache: dict[int, np.ndarray] = {}

        def ev(plan: Any) -> np.ndarray:
            key = id(plan)
            if key in cache:
                return cache[key]
            tag = plan[0]
            if tag == "const":
                r = np.full(shape, plan[1])
            elif tag == "rel":
                d = D[plan[2]]
                r = {"ge": lambda: d >= -atol, "gt": lambda: d > atol,
                     "le": lambda: d <= atol, "lt": lambda: d < -atol,
                     "eq": lambda: np.abs(d) <= atol, "ne": lambda: np.abs(d) > atol}[plan[1]]()
            elif tag == "not":
                r = ~ev(plan[1])
            elif tag == "and":
                r = ev(plan[1][0])
                for x in plan[1][1:]:
                    r = r & ev(x)
            else:
                r = ev(plan[1][0])
                for x in plan[1][1:]:
                    r = r | ev(x)
            cache[key] = r
            return r

        keep = set(range(len(self.plans)) if which is None else which)
        return [np.broadcast_to(ev(p), shape) if k in keep else np.zeros(shape, bool)
                for k, p in enumerate(self.plans)]


@dataclass
class Assessment:
    """One family of perfect Bayesian equilibria: a support profile and its conditions.

    Expressions are held in the payoff symbols of the game's terminals (small,
    fast to evaluate); :meth:`in_parameters` writes any of them in the
    game's parameters.

    Attributes
    ----------
    kind : str
        ``'pooling'``, ``'separating'`` or ``'semi-separating'`` when layer 1
        is one singleton set per type (signalling); ``'screening'`` when an
        uninformed player moves first (its beliefs are the prior).
    strategy : dict
        Information set -> action -> probability, on and off the path.
    beliefs : dict
        Layer-2 set on the path -> node path -> belief (Bayes' rule).
    off_path : dict
        Layer-2 set off the path -> the condition on ``mu`` (the belief in
        the set's first node) under which the strategy's action is a best
        reply there.
    conditions : list of sympy booleans
        All conditions (sequential rationality, mixtures in (0, 1), off-path
        beliefs exist).  They hold together exactly where the assessment is
        a PBE.
    payoffs : dict
        Player -> ex-ante expected payoff.
    type_payoffs : dict
        Layer-1 node path -> the mover's expected payoff there.
    intuitive : sympy boolean
        Where the assessment survives the intuitive criterion (Cho and
        Kreps 1987) at every off-path set (``True`` with no off-path set).
    outcomes : dict
        Layer-1 node path -> rows (probability, condition, outcome label,
        the actions from that node to the leaf): the leaf is reached with
        that probability where the condition (a folded tail's choice) holds.
    """

    kind: str
    strategy: dict[str, dict[str, sp.Expr]]
    beliefs: dict[str, dict[str, sp.Expr]]
    off_path: dict[str, sp.Basic]
    conditions: list[sp.Basic]
    payoffs: dict[str, sp.Expr]
    type_payoffs: dict[str, sp.Expr]
    intuitive: sp.Basic
    outcomes: dict[str, list[tuple[sp.Expr, sp.Basic, str, tuple[str, ...]]]]
    env: _Env

    def in_parameters(self, expr: Any) -> Any:
        """``expr`` written in the game's parameters."""
        return self.env.expand(expr)

    @cached_property
    def condition(self) -> sp.Basic:
        """All conditions as one sympy ``And``, in the game's parameters."""
        return self.env.expand(_and(*self.conditions))

    @cached_property
    def _compiled(self) -> _Compiled:
        return _Compiled(self.env, [_and(*self.conditions), self.intuitive])

    def holds(self, atol: float = ATOL, **values: Any) -> Any:
        """Whether this is a PBE at ``values`` (numbers or broadcasting arrays).

        Relations are checked with tolerance ``atol`` (weak ones pass within it).
        """
        return self._compiled(values, atol)[0]

    def survives(self, atol: float = ATOL, **values: Any) -> Any:
        """Whether it survives the intuitive criterion at ``values`` (where it is a PBE)."""
        return self._compiled(values, atol)[1]

    def evaluate(self, expr: Any, **values: Any) -> Any:
        """An expression of this assessment (payoff symbols allowed) at ``values``."""
        fns = self.__dict__.setdefault("_evaluators", {})
        if expr not in fns:
            fns[expr] = sp.lambdify(self.env.arguments, expr, "numpy")
        with np.errstate(all="ignore"):
            return fns[expr](*self.env.args(values))

    @cached_property
    def _strategy_fn(self):
        flat = [p for acts in self.strategy.values() for p in acts.values()]
        flat += [b for bel in self.beliefs.values() for b in bel.values()]
        return sp.lambdify(self.env.arguments, flat or [sp.Integer(0)], "numpy")

    def _flat(self, values: Mapping[str, Any]) -> list[float]:
        with np.errstate(all="ignore"):
            return [float(x) for x in self._strategy_fn(*self.env.args(values))]

    def numbers(self, **values: Any) -> dict[str, dict[str, float]]:
        """The strategy at one point: information set -> action -> probability."""
        it = iter(self._flat(values))
        return {s: {a: next(it) for a in acts} for s, acts in self.strategy.items()}

    def belief_numbers(self, **values: Any) -> dict[str, dict[str, float]]:
        """The on-path beliefs at one point: information set -> node path -> belief."""
        flat = self._flat(values)
        it = iter(flat[sum(len(a) for a in self.strategy.values()):])
        return {s: {m: next(it) for m in bel} for s, bel in self.beliefs.items()}

    def describe(self) -> str:
        """The strategies in words."""
        parts = []
        for s, acts in self.strategy.items():
            play = ", ".join(f"{a}" if p == 1 else f"{a} w.p. {p}" for a, p in acts.items()
                             if p != 0)
            parts.append(f"{s}: {play}")
        return f"{self.kind}: " + "; ".join(parts)


@dataclass
class PBESolution:
    """Every PBE family of a game (:func:`pbe`), with numeric evaluation."""

    game: Game
    assessments: list[Assessment]
    informed: str | None
    env: _Env

    def at(self, atol: float = ATOL, **values: Any) -> list[Assessment]:
        """The assessments that are PBE at one point (numbers)."""
        ok = self.table(atol, **values)[0]
        return [a for a, k in zip(self.assessments, ok, strict=True) if bool(k)]

    @cached_property
    def _compiled(self) -> _Compiled:
        roots = [_and(*a.conditions) for a in self.assessments]
        return _Compiled(self.env, roots + [a.intuitive for a in self.assessments])

    def table(self, atol: float = ATOL, **values: Any) -> tuple[np.ndarray, np.ndarray]:
        """Where each assessment is a PBE, and where it survives the intuitive criterion.

        Returns two boolean arrays of shape ``(assessments, *shape)`` (``shape``: the
        broadcast shape of the values).
        """
        n = len(self.assessments)
        ok = np.array(self._compiled(values, atol, which=range(n))[:n])
        need = [n + k for k in range(n) if ok[k].any()]
        ic = np.array(self._compiled(values, atol, which=need)[n:])
        return ok, ic

    @cached_property
    def _payoff_fn(self):
        from sympy.printing.numpy import NumPyPrinter

        printer = NumPyPrinter({"order": "none", "fully_qualified_modules": False,
                                "inline": True, "allow_unknown_functions": True,
                                "user_functions": {}})
        exprs = [a.payoffs[p] for a in self.assessments for p in self.game.players]
        return sp.lambdify(self.env.arguments, exprs or [sp.Integer(0)], "numpy",
                           printer=printer, docstring_limit=0)

    def payoff_table(self, **values: Any) -> np.ndarray:
        """Ex-ante payoffs: shape ``(assessments, players, *shape)``."""
        args = self.env.args(values)
        shape = np.broadcast_shapes(*(np.shape(a) for a in args))
        with np.errstate(all="ignore"):
            flat = [np.broadcast_to(np.asarray(x, dtype=float), shape)
                    for x in self._payoff_fn(*args)]
        n, k = len(self.assessments), len(self.game.players)
        return np.array(flat[: n * k]).reshape((n, k, *shape))

    #: Points per block in :meth:`classify` (the intermediate arrays stay in cache).
    CHUNK: int = 2048

    def classify(self, prefer: Sequence[str] | None = None, atol: float = ATOL,
                 **values: Any) -> np.ndarray:
        """The selected PBE (:func:`select`) at each point: its index, or -1 if none.

        Vectorized: values may be broadcasting arrays; large inputs are
        processed in blocks of :attr:`CHUNK` points.

        Raises
        ------
        ParameterError
            On an unknown or missing parameter, a value outside its domain
            (:meth:`check_values`) or a bad ``atol``.
        """
        atol = check_atol(atol)
        arrays = self.check_values(values)
        values = arrays
        shape = np.broadcast_shapes(*(a.shape for a in arrays.values()))
        size = math.prod(shape)
        if size > self.CHUNK:
            flat = {k: np.broadcast_to(a, shape).ravel() for k, a in arrays.items()}
            out = np.empty(size, dtype=np.int64)
            for i in range(0, size, self.CHUNK):
                part = {k: a[i:i + self.CHUNK] for k, a in flat.items()}
                out[i:i + self.CHUNK] = self._classify(prefer, atol, part)
            return out.reshape(shape)
        return self._classify(prefer, atol, values)

    def check_values(self, values: Mapping[str, Any]) -> dict[str, np.ndarray]:
        """``values`` as float64 arrays, each checked against its parameter's domain.

        Raises
        ------
        ParameterError
            On a name the game does not have, a missing parameter without a
            default, or a value that is not a real number in the domain.

        Examples
        --------
        >>> from kzgame.game import Game, chance, decision, outcome
        >>> g = Game(chance({"a": ("p", decision("R", {"x": outcome(R=1), "y": outcome(R=0)})),
        ...                  "b": ("1 - p", decision("R", {"x": outcome(R=0),
        ...                                               "y": outcome(R=1)}))}),
        ...          parameters={"p": "unit"})
        >>> sol = pbe(g)
        >>> sol.check_values({"p": [0.25, 1.5]})
        Traceback (most recent call last):
        ...
        kzgame.errors.ParameterError: p = 1.5 is outside the allowed range [0, 1]
        """
        self.game.check_names(values)
        return {k: self.game.parameters[k].check(v) for k, v in values.items()}

    def _classify(self, prefer: Sequence[str] | None, atol: float,
                  values: Mapping[str, Any]) -> np.ndarray:
        ok, ic = self.table(atol, **values)
        pay = self.payoff_table(**values)
        cand = ok & ic
        cand = np.where(cand.any(axis=0), cand, ok)
        order = [self.game.players.index(p) for p in (prefer or self.game.players)]
        for k in order:
            v = np.where(cand, pay[:, k], -np.inf)
            best = v.max(axis=0)
            cand &= v >= best - atol
        return np.where(cand.any(axis=0), cand.argmax(axis=0), -1)

    def event_table(self, events: Mapping[str, Any], **values: Any) -> np.ndarray:
        """Probabilities of events under each assessment: shape ``(assessments, events, *shape)``.

        ``events`` maps a name to a predicate ``f(type, label, path) -> bool``
        on the outcome rows (:attr:`Assessment.outcomes`); an event's
        probability is the prior-weighted sum of the rows it accepts.
        """
        key = tuple(events)
        if getattr(self, "_events_key", None) != key:
            from sympy.printing.numpy import NumPyPrinter

            L = _layers(self.game)
            prior = {self.game.nodes[i].name: L.prior[i] for i in L.types}
            exprs = []
            for a in self.assessments:
                for f in events.values():
                    total = sp.Integer(0)
                    for t, rows in a.outcomes.items():
                        for prob, cond, label, path in rows:
                            if f(t, label, path):
                                ind = 1 if cond is sp.true else sp.Piecewise((1, cond), (0, True))
                                total += prior[t] * prob * ind
                    exprs.append(total)
            printer = NumPyPrinter({"order": "none", "fully_qualified_modules": False,
                                    "inline": True, "allow_unknown_functions": True,
                                    "user_functions": {}})
            self._events_fn = sp.lambdify(self.env.arguments, exprs or [sp.Integer(0)],
                                          "numpy", printer=printer, docstring_limit=0)
            self._events_key = key
        args = self.env.args(values)
        shape = np.broadcast_shapes(*(np.shape(x) for x in args))
        with np.errstate(all="ignore"):
            flat = [np.broadcast_to(np.asarray(x, dtype=float), shape)
                    for x in self._events_fn(*args)]
        n, k = len(self.assessments), len(events)
        return np.array(flat[: n * k]).reshape((n, k, *shape))

    def select(self, prefer: Sequence[str] | None = None, atol: float = ATOL,
               **values: Any) -> Assessment | None:
        """The selected PBE at one point (:func:`select`), or None."""
        k = int(self.classify(prefer, atol, **values))
        return None if k < 0 else self.assessments[k]


def select(candidates: Sequence[Assessment], prefer: Sequence[str], atol: float = ATOL,
           **values: Any) -> Assessment | None:
    """The selection rule among PBE at one point.

    1. keep those that survive the intuitive criterion (all, if none does);
    2. the highest ex-ante payoff of ``prefer[0]`` (the informed player in
       kzgame's games: R), then of ``prefer[1]``, within ``atol``;
    3. the first in the solver's order (pure before mixed).
    """
    if not candidates:
        return None
    good = [a for a in candidates if bool(a.survives(atol, **values))] or list(candidates)
    for player in prefer:
        vals = [float(a.evaluate(a.payoffs[player], **values)) for a in good]
        best = max(vals)
        good = [a for a, v in zip(good, vals, strict=True) if v >= best - atol]
    return good[0]


def _pairs(actions: Sequence[str]) -> list[tuple[str, ...]]:
    return [(a,) for a in actions] + list(itertools.combinations(actions, 2))


def _exists_mu(diffs: Sequence[tuple[sp.Expr, sp.Expr]], pri: tuple[sp.Expr, ...]) -> sp.Basic:
    """Exists mu in [0, 1] (belief in node 0) with every mu d0 + (1 - mu) d1 >= 0.

    ``pri``: the prior weights of the two nodes; a node of prior zero gets belief zero.
    """
    cands: list[sp.Expr] = [sp.Integer(0), sp.Integer(1)]
    if len(diffs) > 1:
        for d0, d1 in diffs:
            cands.append(d1 / (d1 - d0))
    out = []
    for c in cands:
        ok = [_rel("ge", c * d0 + (1 - c) * d1) for d0, d1 in diffs]
        ok += [_or(_rel("gt", pri[0]), _rel("le", c)), _or(_rel("gt", pri[1]), _rel("ge", c, 1))]
        if not c.is_number:
            ok += [_rel("ge", c), _rel("le", c, 1)]
        out.append(_and(*ok))
    return _or(*out)


def pbe(game: Game, *, informed: str | None = None) -> PBESolution:
    """Every perfect Bayesian equilibrium of ``game`` (cached per game object; see :func:`_pbe`)."""
    key = (id(game), informed)
    hit = _CACHE.get(key)
    if hit is not None and hit.game is game:
        return hit
    out = _pbe(game, informed=informed)
    if len(_CACHE) > 64:
        _CACHE.clear()
    _CACHE[key] = out
    return out


_CACHE: dict[tuple[int, str | None], PBESolution] = {}


def _pbe(game: Game, *, informed: str | None = None) -> PBESolution:
    """Every perfect Bayesian equilibrium of ``game``, as symbolic conditions.

    Parameters
    ----------
    game : Game
        A chance root over types, then at most two layers of information
        sets (module docstring); tails of singleton sets are folded.
    informed : str, optional
        The player whose layer-1 sets are the types (default: the mover at
        layer 1).

    Returns
    -------
    PBESolution
        The assessments, in enumeration order (pure before mixed); each
        with its conditions, strategies, beliefs, payoffs and the intuitive
        criterion's condition.

    Raises
    ------
    GameError
        If the game is not of this shape, or an off-path set has more than
        two nodes.
    """
    L = _layers(game)
    env = _Env(game, L.values)
    nodes = game.nodes
    movers1 = {nodes[i].player for i in L.types}
    if informed is None:
        informed = next(iter(movers1)) if len(movers1) == 1 else None
    signalling = all(len(v) == 1 for v in L.set1.values()) and len(L.set1) > 1

    # supports
    def leads_to_layer2(s: str, a: str) -> bool:
        return any(L.child[(i, a)] in L.parent for i in L.set1[s])

    sup1: dict[str, list[tuple[str, ...]]] = {}
    for s, members in L.set1.items():
        acts = nodes[members[0]].actions
        sup1[s] = [sp_ for sp_ in _pairs(acts)
                   if len(sp_) == 1 or any(leads_to_layer2(s, a) for a in sp_)]
    out: list[Assessment] = []
    names1 = list(L.set1)
    names2 = list(L.set2)

    for combo in itertools.product(*(sup1[s] for s in names1)):
        S1 = dict(zip(names1, combo, strict=True))
        mixed1 = [s for s in names1 if len(S1[s]) == 2]
        sig = {s: sp.Symbol(f"sigma_{k}") for k, s in enumerate(mixed1)}

        def prob1(s: str, a: str) -> sp.Expr:
            sup = S1[s]  # noqa: B023
            if a not in sup:
                return sp.Integer(0)
            if len(sup) == 1:
                return sp.Integer(1)
            return sig[s] if a == sup[0] else 1 - sig[s]  # noqa: B023

        reach = {m: L.prior[L.parent[m][0]] * prob1(_infoset(game, L.parent[m][0]),
                                                    L.parent[m][1]) for m in L.parent}
        on = {j: any(L.parent[m][1] in S1[_infoset(game, L.parent[m][0])] for m in L.set2[j])
              for j in names2}
        opts2 = [_pairs(nodes[L.set2[j][0]].actions) if on[j]
                 else [(a,) for a in nodes[L.set2[j][0]].actions] for j in names2]
        for combo2 in itertools.product(*opts2):
            S2 = dict(zip(names2, combo2, strict=True))
            mixed2 = [j for j in names2 if len(S2[j]) == 2]
            if len(mixed2) != len(mixed1):
                continue
            # structure: each mixing layer-1 set can reach a mixing layer-2 set, and back
            if any(not any(nodes[L.child[(i, a)]].infoset in mixed2
                           for i in L.set1[s] for a in S1[s] if L.child[(i, a)] in L.parent)
                   for s in mixed1):
                continue
            if any(not any(nodes[L.parent[m][0]].infoset in mixed1 for m in L.set2[j]
                           if L.parent[m][1] in S1[_infoset(game, L.parent[m][0])])
                   for j in mixed2):
                continue
            a_ = _assess(L, S1, S2, sig, prob1, reach, on, signalling, env)
            if a_ is not None:
                out.append(a_)
    # pure assessments first (the selection's last tie-break), then by the number of mixtures
    out.sort(key=lambda a: sum(any(p != 0 and p != 1 for p in acts.values())
                               for acts in a.strategy.values()))
    return PBESolution(game, out, informed, env)


def _assess(L: _Layers, S1: dict[str, tuple[str, ...]], S2: dict[str, tuple[str, ...]],
            sig: dict[str, sp.Symbol], prob1: Callable[[str, str], sp.Expr],
            reach: dict[int, sp.Expr], on: dict[str, bool], signalling: bool,
            env: _Env) -> Assessment | None:
    game = L.game
    nodes = game.nodes
    players = game.players
    rho = {j: sp.Symbol(f"rho_{k}") for k, j in enumerate(j for j in S2 if len(S2[j]) == 2)}

    def prob2(j: str, b: str) -> sp.Expr:
        sup = S2[j]
        if b not in sup:
            return sp.Integer(0)
        if len(sup) == 1:
            return sp.Integer(1)
        return rho[j] if b == sup[0] else 1 - rho[j]

    def value(c: int, who: int) -> sp.Expr:
        """Expected payoff of player ``who`` from node c (layer-2 node or terminal)."""
        if c in L.terminal:
            return L.terminal[c].payoffs[who]
        j = _infoset(game, c)
        return sp.Add(*[prob2(j, b) * L.terminal[L.child[(c, b)]].payoffs[who]
                        for b in nodes[c].actions])

    conds: list[sp.Basic] = []
    # layer-1 sequential rationality (beliefs: the prior within the set)
    U1: dict[tuple[str, str], sp.Expr] = {}
    for s, members in L.set1.items():
        who = players.index(nodes[members[0]].player)
        tot = sp.Add(*[L.prior[i] for i in members])
        for a in nodes[members[0]].actions:
            if len(members) == 1:
                U1[(s, a)] = value(L.child[(members[0], a)], who)
            else:
                U1[(s, a)] = sp.Add(*[L.prior[i] * value(L.child[(i, a)], who)
                                      for i in members]) / tot
    # layer-2 indifference equations (linear in sigma), layer-1 ones (linear in rho)
    eq_sigma = []
    for j in rho:
        b0, b1 = S2[j]
        who = players.index(nodes[L.set2[j][0]].player)
        eq_sigma.append(sp.Add(*[reach[m] * (L.terminal[L.child[(m, b0)]].payoffs[who]
                                             - L.terminal[L.child[(m, b1)]].payoffs[who])
                                 for m in L.set2[j]]))
    eq_rho = [U1[(s, S1[s][0])] - U1[(s, S1[s][1])] for s in sig]
    solution: dict[sp.Symbol, sp.Expr] = {}
    for eqs, unknowns in ((eq_sigma, list(sig.values())), (eq_rho, list(rho.values()))):
        if not unknowns:
            continue
        A, b = sp.linear_eq_to_matrix([sp.expand(e) for e in eqs], unknowns)
        det = A.det()
        if det == 0:
            return None
        conds.append(_rel("ne", det))
        x = A.adjugate() * b / det if len(unknowns) > 1 else sp.Matrix([b[0] / A[0, 0]])
        for u, v in zip(unknowns, x, strict=True):
            solution[u] = v
            conds += [_rel("gt", v), _rel("lt", v, 1)]

    def sub(e: sp.Expr) -> sp.Expr:
        return e.xreplace(solution) if solution else e

    # layer-1 optimality of the support
    for s, members in L.set1.items():
        top = S1[s][0]
        for a in nodes[members[0]].actions:
            if a not in S1[s]:
                conds.append(_rel("ge", sub(U1[(s, top)] - U1[(s, a)])))
    # layer-2 optimality
    off_path: dict[str, sp.Basic] = {}
    beliefs: dict[str, dict[str, sp.Expr]] = {}
    mu = sp.Symbol("mu")
    for j, members in L.set2.items():
        who = players.index(nodes[members[0]].player)
        acts = nodes[members[0]].actions
        top = S2[j][0]
        total = sub(sp.Add(*[reach[m] for m in members]))
        pri = tuple(L.prior[L.parent[m][0]] for m in members)

        def u(m: int, b: str, who: int = who) -> sp.Expr:
            return L.terminal[L.child[(m, b)]].payoffs[who]

        others = [b for b in acts if b not in S2[j]]
        if len(members) > 2:
            raise GameError(f"information set {j!r} has {len(members)} nodes; the PBE solver "
                            "checks off-path beliefs over two")
        diffs = [tuple(u(m, top) - u(m, b) for m in members) for b in others]
        if len(members) == 1:
            off = _and(*[_rel("ge", d[0]) for d in diffs])
        else:
            off = _exists_mu(diffs, pri) if diffs else sp.true
        if on[j]:
            on_cond = _and(*[_rel("ge", sub(sp.Add(*[reach[m] * (u(m, top) - u(m, b))
                                                     for m in members]))) for b in others])
            conds.append(_or(_and(_rel("gt", total), on_cond), _and(_rel("le", total), off)))
            beliefs[j] = {nodes[m].name: sub(reach[m]) / total for m in members}
        else:
            conds.append(off)
            if len(members) == 2:
                off_path[j] = _and(*[_rel("ge", mu * d[0] + (1 - mu) * d[1]) for d in diffs])
            else:
                off_path[j] = off
    conds = [c for c in conds if c is not sp.true]
    if any(c is sp.false for c in conds):
        return None

    strategy = {s: {a: sub(prob1(s, a)) for a in nodes[L.set1[s][0]].actions} for s in L.set1}
    strategy.update({j: {b: sub(prob2(j, b)) for b in nodes[L.set2[j][0]].actions}
                     for j in L.set2})
    type_payoffs = {}
    payoffs = {}
    for k, p in enumerate(players):
        total_p = sp.Integer(0)
        for i in L.types:
            s = _infoset(game, i)
            v = sp.Add(*[sub(prob1(s, a) * value(L.child[(i, a)], k)) for a in nodes[i].actions])
            total_p += L.prior[i] * v
            if nodes[i].player == p:
                type_payoffs[nodes[i].name] = v
        payoffs[p] = total_p
    # outcomes per type: (probability, condition, label)
    outcomes: dict[str, list[tuple[sp.Expr, sp.Basic, str, tuple[str, ...]]]] = {}
    for i in L.types:
        s = _infoset(game, i)
        rows: list[tuple[sp.Expr, sp.Basic, str, tuple[str, ...]]] = []
        for a in nodes[i].actions:
            pa = sub(prob1(s, a))
            if pa == 0:
                continue
            c = L.child[(i, a)]
            if c in L.terminal:
                for bc, leaf in L.terminal[c].branches:
                    rows.append((pa, bc, _label(game, leaf), nodes[leaf].path[len(nodes[i].path):]))
            else:
                j = _infoset(game, c)
                for b in nodes[c].actions:
                    pb = sub(prob2(j, b))
                    if pb == 0:
                        continue
                    for bc, leaf in L.terminal[L.child[(c, b)]].branches:
                        rows.append((pa * pb, bc, _label(game, leaf),
                                     nodes[leaf].path[len(nodes[i].path):]))
        outcomes[nodes[i].name] = rows

    kind = "screening"
    if signalling:
        plays = [tuple(sorted((a, str(p)) for a, p in strategy[_infoset(game, i)].items()
                              if p != 0)) for i in L.types]
        if any(len(S1[_infoset(game, i)]) > 1 for i in L.types):
            kind = "semi-separating"
        elif len(set(plays)) == 1:
            kind = "pooling"
        elif len(set(plays)) == len(plays):
            kind = "separating"
        else:
            kind = "semi-separating"
    intuitive = _intuitive(L, S1, off_path, type_payoffs, signalling) if signalling else sp.true
    return Assessment(kind, strategy, beliefs, off_path, conds, payoffs, type_payoffs,
                      intuitive, outcomes, env)


def _intuitive(L: _Layers, S1: dict[str, tuple[str, ...]], off_path: dict[str, sp.Basic],
               type_payoffs: dict[str, sp.Expr], signalling: bool) -> sp.Basic:
    """Where no off-path set breaks the intuitive criterion (Cho and Kreps 1987).

    For an off-path set J (message m): Theta** are the types t (prior > 0)
    for which some best reply to some belief gives at least t's equilibrium
    payoff u*_t.  The equilibrium fails if some type t gets more than u*_t
    under every best reply to beliefs on Theta** (nothing if Theta** is empty).
    """
    game = L.game
    nodes = game.nodes
    fails = []
    for j in off_path:
        members = L.set2[j]
        if len(members) > 2:
            continue
        who = game.players.index(nodes[members[0]].player)
        acts = nodes[members[0]].actions
        sender = game.players.index(nodes[L.parent[members[0]][0]].player)
        ts = [L.parent[m][0] for m in members]
        pri = [L.prior[t] for t in ts]

        def payoff(m, b, k):
            return L.terminal[L.child[(m, b)]].payoffs[k]

        def br(b, subset, acts=acts, members=members, who=who, pri=pri):
            """b is a best reply to some belief supported on ``subset`` (indices)."""
            others = [c for c in acts if c != b]
            if not others:
                return sp.true
            if len(subset) == 1:
                m = members[subset[0]]
                return _and(*[_rel("ge", payoff(m, b, who) - payoff(m, c, who)) for c in others])
            diffs = [tuple(payoff(m, b, who) - payoff(m, c, who) for m in members)
                     for c in others]
            return _exists_mu(diffs, tuple(pri))

        eq = {k: type_payoffs.get(nodes[ts[k]].name) for k in range(len(ts))}
        brs = {(b, sub_): br(b, list(sub_)) for b in acts
               for size in range(1, len(ts) + 1)
               for sub_ in itertools.combinations(range(len(ts)), size)}
        if any(v is None for v in eq.values()):
            continue
        full = list(range(len(ts)))
        inn = {k: _and(_rel("gt", pri[k]), _or(*[_and(brs[(b, tuple(full))],
                                                      _rel("ge", payoff(members[k], b, sender),
                                                           eq[k]))
                                                 for b in acts])) for k in full}
        for size in range(1, len(full) + 1):
            for subset in itertools.combinations(full, size):
                is_set = _and(*[inn[k] for k in subset],
                              *[_not(inn[k]) for k in full if k not in subset])
                gain = _or(*[_and(*[_or(_not(brs[(b, subset)]),
                                        _rel("gt", payoff(members[k], b, sender), eq[k]))
                                        for b in acts]) for k in subset])
                fails.append(_and(is_set, gain))
    return _not(_or(*fails)) if fails else sp.true
