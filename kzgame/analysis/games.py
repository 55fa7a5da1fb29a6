"""Regions, boundaries, statics and flips of any game of perfect information (chance allowed).

Everything here is derived from the engine's gains (:func:`kzgame.game.gains.node_gains`)
and the tie rule of :mod:`kzgame.game.induction`: at a decision node the
mover takes the first action, in tie order, whose value is at least the
best.

Plays
-----
Below a node, backward induction selects one **play**: a leaf; at a
decision node, one action and a play below it; at a chance node, a play
below every branch.  :func:`plays` enumerates, for every node, the plays its
subtree can select and the condition under which each is selected.  At a
decision node m the play through action a and a play P below it is selected
where P is selected below a and, for every other action b, P's value to the
mover beats (strictly for b listed before a, weakly after) the value of the
play selected below b.  A play's value to the mover of m is its gain at the
leaf (relative to m's reference leaf), and at a chance node the branches'
values weighted by their probabilities.

The conditions are written over **value symbols** (one per node and play),
so that they are small and so that their numeric form (:attr:`OutcomeRegion.func`)
evaluates exactly the floating-point numbers :func:`kzgame.solve` compares
(the generated gains code, chance values summed in branch order):
the two agree at every point, ties included.  Substituting the values gives
the condition on the parameters (:attr:`OutcomeRegion.condition`).

Boundaries
----------
The comparison that decides between outcomes a and b is, at some decision
node m, the difference D of the values of a play reaching a and a play
reaching b through two different actions.  :func:`boundary` solves D = 0 for
one parameter x, branch by branch of any ``Max``/``Min``:

* D's numerator affine in x: x* = -B/A where A != 0 (factors of A that
  cannot vanish on the domains are left out of the condition);
* quadratic: the two roots (-B +- sqrt(B^2 - 4AC)) / 2A where the
  discriminant is > 0 (a double root touches 0 without a switch);
* otherwise (a higher degree, x in an exponent, ...): a numeric root finder
  (brackets on a grid of x's domain, then Brent's method to ``xtol``),
  marked ``method="numeric"``.

A root on the kink of a ``Max`` counts where D changes sign across it.

Examples
--------
>>> from kzgame.game import Game, decision, outcome
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
>>> r = outcome_region(deterrence, "challenge/concede")
>>> r.condition      # the Defender concedes; challenging then pays (v > 0)
(v > 0) & (0 >= -k_D - p*v + v)
>>> bool(r.func(v=1.0, p=0.5, k_C=0.1, k_D=0.5))
True
>>> b = boundary(deterrence, "k_D", ("challenge/concede", "challenge/fight"))
>>> b.expr
-p*v + v
>>> float(b.func(v=1.0, p=0.25, k_C=0.0))
0.75
>>> b.above, b.below
('challenge/concede', 'challenge/fight')
"""

from __future__ import annotations

import math
import struct
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from weakref import WeakKeyDictionary

import numpy as np
import sympy as sp

from ..errors import GameError, KzgameError, ParameterError
from ..game.gains import node_gains
from ..game.induction import require_perfect_information
from ..game.outcomes import outcome_codes
from ..game.tree import Game
from ..numeric.codegen import gains_code, gains_function
from ..numeric.point import solve_game
from .branches import branches as split_branches
from .signs import Assumptions, assumption_condition, normalize_assume, sign
from .values import gather

__all__ = [
    "Boundary",
    "Flip",
    "OutcomeRegion",
    "Play",
    "Plays",
    "boundary",
    "boundary_statics",
    "float_order",
    "from_order",
    "locate",
    "outcome_region",
    "plays",
    "smallest_flips",
]

#: Most plays the enumeration keeps at one node (the regions would be unreadable beyond).
MAX_PLAYS: int = 4096


# ---------------------------------------------------------------------------
# Plays and their values
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Play:
    """What backward induction may select below a node.

    Attributes
    ----------
    node : int
        The node the play starts at.
    choice : int or None
        At a decision node: the index of the action taken.
    below : tuple of Play
        The play below the chosen action (one), or below every branch of a
        chance node, or nothing at a leaf.
    """

    node: int
    choice: int | None
    below: tuple[Play, ...]

    def leaves(self, game: Game) -> tuple[int, ...]:
        """The leaves the play reaches (several below chance nodes)."""
        if not self.below:
            return (self.node,)
        return tuple(leaf for p in self.below for leaf in p.leaves(game))

    def labels(self, game: Game) -> frozenset[str]:
        """The outcome labels the play reaches."""
        return frozenset(str(game.nodes[i].label) for i in self.leaves(game))

    def value(self, game: Game, mover: int) -> sp.Expr:
        """The play's value to the mover of decision node ``mover`` (symbolic, in gains)."""
        gains = node_gains(game)[mover].gains
        node = game.nodes[self.node]
        if node.kind == "outcome":
            return gains[self.node]
        if node.kind == "decision":
            return self.below[0].value(game, mover)
        return sp.Add(*(p * b.value(game, mover)
                        for p, b in zip(node.probabilities, self.below, strict=True)))

    def numeric(self, game: Game, mover: int, out: Mapping[str, Any]) -> Any:
        """The value as :func:`kzgame.game.induction.backward_induction` computes it."""
        code = gains_code(game)
        node = game.nodes[self.node]
        if node.kind == "outcome":
            return out[code.gains[(mover, self.node)]]
        if node.kind == "decision":
            return self.below[0].numeric(game, mover, out)
        total = None
        for k, b in enumerate(self.below):
            term = out[code.probabilities[(self.node, k)]] * b.numeric(game, mover, out)
            total = term if total is None else total + term
        return total


@dataclass
class Plays:
    """The plays of every node of a game and the conditions selecting them.

    Attributes
    ----------
    game : Game
    at : dict of int to list of (Play, sympy.Boolean)
        For every node, its plays and the condition (over value symbols)
        under which backward induction selects each.  The conditions of one
        node's plays partition the parameter space.
    values : dict of sympy.Symbol to (int, Play)
        Each value symbol: the decision node whose mover values the play, and the play.
    """

    game: Game
    at: dict[int, list[tuple[Play, sp.Boolean]]]
    values: dict[sp.Symbol, tuple[int, Play]] = field(default_factory=dict)
    _symbols: dict[tuple[int, Play], sp.Symbol] = field(default_factory=dict)

    def symbol(self, mover: int, play: Play) -> sp.Symbol:
        """The value symbol of ``play`` to the mover of ``mover``."""
        key = (mover, play)
        if key not in self._symbols:
            s = sp.Symbol(f"_v{mover}_{len(self._symbols)}", real=True)
            self._symbols[key] = s
            self.values[s] = key
        return self._symbols[key]

    @cached_property
    def substitution(self) -> dict[sp.Symbol, sp.Expr]:
        """Value symbol -> the value in the game's parameters (derived quantities written out)."""
        out = {}
        for s, (mover, play) in self.values.items():
            out[s] = to_parameters(self.game, play.value(self.game, mover))
        return out

    @cached_property
    def in_derived(self) -> dict[sp.Symbol, sp.Expr]:
        """Value symbol -> the value in the engine's form (derived quantities kept)."""
        return {s: play.value(self.game, mover) for s, (mover, play) in self.values.items()}

    def evaluate(self, symbols: Iterable[sp.Symbol], out: Mapping[str, Any]) -> list[Any]:
        """The numeric values of ``symbols`` from the generated gains ``out`` (by output name)."""
        return [self.values[s][1].numeric(self.game, self.values[s][0], out) for s in symbols]


_PLAYS: WeakKeyDictionary[Game, Plays] = WeakKeyDictionary()


def substitute(cond: sp.Basic, sub: Mapping, memo: dict | None = None) -> sp.Basic:
    """``cond.xreplace(sub)`` for large conditions: shared parts substituted once, relations
    built without sympy's evaluation (which asks assumptions of every difference).

    Examples
    --------
    >>> x, y = sp.symbols("x y", real=True)
    >>> substitute(sp.And(x > 0, sp.Or(x > 0, y < 1)), {x: y + 1})
    (y + 1 > 0) & ((y < 1) | (y + 1 > 0))
    """
    memo = {} if memo is None else memo

    def walk(e):
        if e in memo:
            return memo[e]
        if isinstance(e, sp.Rel):
            out = type(e)(e.lhs.xreplace(sub), e.rhs.xreplace(sub), evaluate=False)
        elif isinstance(e, sp.And | sp.Or | sp.Not):
            out = e.func(*(walk(a) for a in e.args))
        else:
            out = e.xreplace(sub)
        memo[e] = out
        return out

    return walk(cond)


def to_parameters(game: Game, expr: sp.Basic) -> sp.Basic:
    """Write the game's derived quantities (the stakes) out in its parameters."""
    return expr.xreplace({d.symbol: d.expression for d in game.derived.values()})


def plays(game: Game) -> Plays:
    """The plays of every node of ``game`` and their conditions (cached per game).

    Raises
    ------
    GameError
        If the game has an information set of several nodes, or a node
        has more than :data:`MAX_PLAYS` plays.

    Examples
    --------
    >>> from kzgame.games import period
    >>> g = period("nash")
    >>> [(p.labels(g), c) for p, c in plays(g).at[g.node("hold-up").index]]
    ... # doctest: +NORMALIZE_WHITESPACE
    [(frozenset({'hold-up'}), _v3_0 >= _v3_1), (frozenset({'exit'}), _v3_1 > _v3_0)]
    """
    if game in _PLAYS:
        return _PLAYS[game]
    require_perfect_information(game, "the regions")
    table = Plays(game, {})
    for node in reversed(game.nodes):  # children before parents
        m = node.index
        if node.kind == "outcome":
            table.at[m] = [(Play(m, None, ()), sp.true)]
        elif node.kind == "chance":
            combos: list[tuple[Play, sp.Boolean]] = [(Play(m, None, ()), sp.true)]
            for c in node.children:
                combos = [
                    (Play(m, None, prev.below + (p,)), sp.And(cond, pc))
                    for prev, cond in combos
                    for p, pc in table.at[c]
                ]
                if len(combos) > MAX_PLAYS:
                    raise GameError(f"node {node.name!r}: more than {MAX_PLAYS} plays")
            table.at[m] = combos
        else:
            out = []
            for a, ca in enumerate(node.children):
                for pa, cond_a in table.at[ca]:
                    va = table.symbol(m, pa)
                    parts = [cond_a]
                    for b, cb in enumerate(node.children):
                        if b == a:
                            continue
                        rel = sp.Gt if b < a else sp.Ge
                        parts.append(sp.Or(*(
                            sp.And(cond_b, rel(va, table.symbol(m, pb)))
                            for pb, cond_b in table.at[cb]
                        )))
                    out.append((Play(m, a, (pa,)), sp.And(*parts)))
            if len(out) > MAX_PLAYS:
                raise GameError(f"node {node.name!r}: more than {MAX_PLAYS} plays")
            table.at[m] = out
    _PLAYS[game] = table
    return table


def _outcome_code(game: Game, outcome: str | int) -> int:
    codes = outcome_codes(game)
    if isinstance(outcome, int | np.integer) and not isinstance(outcome, bool):
        if 0 <= int(outcome) < len(codes.names):
            return int(outcome)
    elif outcome in codes.names:
        return codes.names.index(outcome)
    raise KzgameError(
        f"unknown outcome {outcome!r}; this game's outcomes: {', '.join(codes.names)}"
    )


def _code_of(game: Game, labels: frozenset[str]) -> int:
    return outcome_codes(game).sets.index(labels)


def _lambdify(symbols: list[sp.Symbol], expr: Any) -> Callable:
    return sp.lambdify(symbols, expr, modules="numpy", cse=True)


def _numeric_values(game: Game, params: Mapping[str, Any]) -> tuple[dict[str, Any], tuple]:
    """The generated gains at ``params`` (validated, broadcast), by output name."""
    values, shape = gather(params, tuple(game.parameters), game.parameters)
    named = dict(zip(game.parameters, values, strict=True))
    code = gains_code(game)
    with np.errstate(all="ignore"):
        out = gains_function(game)(*(named[k] for k in code.inputs))
    return dict(zip(code.outputs, out, strict=True)), shape


# ---------------------------------------------------------------------------
# Regions
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class OutcomeRegion:
    """Where backward induction (with the tie rule) reaches one outcome of a game.

    Attributes
    ----------
    game : Game
    outcome : str
        The outcome's name (as :func:`kzgame.solve` reports it).
    code : int
        Its code (as :func:`kzgame.classify` returns it).
    over_values : sympy.Boolean
        The region over the value symbols of :func:`plays` (what :attr:`func`
        evaluates); :attr:`condition` and :attr:`in_derived` substitute them.
    """

    game: Game = field(repr=False)
    outcome: str
    code: int
    over_values: sp.Boolean = field(repr=False)

    @cached_property
    def condition(self) -> sp.Boolean:
        """The region on the game's parameters (derived quantities written out)."""
        return substitute(self.over_values, plays(self.game).substitution)

    @cached_property
    def in_derived(self) -> sp.Boolean:
        """The region in the engine's form (in the stakes, for the period game)."""
        return substitute(self.over_values, plays(self.game).in_derived)

    @cached_property
    def latex(self) -> str:
        """LaTeX of :attr:`condition`, with the parameters' LaTeX symbols."""
        return _latex(self.game, self.condition)

    @cached_property
    def func(self) -> Callable[..., np.ndarray]:
        """The region as a numpy function of keyword parameters: a bool array (broadcasting).

        It evaluates the condition on the numbers :func:`kzgame.solve`
        compares (the generated gains), so the two agree at every point,
        ties included.  Parameters are validated (defaults filled in).
        """
        symbols = sorted(self.over_values.free_symbols, key=str)
        table = plays(self.game)
        fn = _lambdify(symbols, self.over_values)

        def func(**params: Any) -> np.ndarray:
            out, shape = _numeric_values(self.game, params)
            vals = [np.broadcast_to(np.asarray(v, dtype=np.float64), shape)
                    for v in table.evaluate(symbols, out)]
            with np.errstate(all="ignore"):
                res = np.asarray(fn(*vals), dtype=bool)
            return res if res.shape == shape else np.broadcast_to(res, shape).copy()

        func.__name__ = "in_region"
        return func

    def __str__(self) -> str:
        return f"{self.outcome}: {self.condition}"


_REGIONS: WeakKeyDictionary[Game, dict[int, OutcomeRegion]] = WeakKeyDictionary()


def outcome_region(game: Game, outcome: str | int) -> OutcomeRegion:
    """The region where backward induction reaches ``outcome``, as a sympy condition.

    Parameters
    ----------
    game : Game
        A game of perfect information (chance nodes allowed).
    outcome : str or int
        An outcome's name or code (:func:`kzgame.game.outcomes.outcome_codes`).

    Returns
    -------
    OutcomeRegion

    Raises
    ------
    KzgameError
        If the game has no such outcome.
    GameError
        If the game has information sets of several nodes.

    Examples
    --------
    >>> from kzgame.game import Game, decision, outcome
    >>> g = Game(decision("A", {"x": outcome(A="a"), "y": outcome(A=1)}),
    ...          parameters={"a": "real"})
    >>> outcome_region(g, "y").condition      # x wins the tie a = 1
    1 - a > 0
    """
    code = _outcome_code(game, outcome)
    cache = _REGIONS.setdefault(game, {})
    if code in cache:
        return cache[code]
    table = plays(game)
    sets = outcome_codes(game).sets
    over = sp.Or(*(cond for p, cond in table.at[0] if p.labels(game) == sets[code]))
    region = OutcomeRegion(
        game=game,
        outcome=outcome_codes(game).names[code],
        code=code,
        over_values=over,
    )
    cache[code] = region
    return region


def _latex(game: Game, expr: sp.Basic) -> str:
    names = {p.symbol: p.latex for p in game.parameters.values()}
    names.update({d.symbol: d.latex for d in game.derived.values()})
    return sp.latex(expr, symbol_names=names)


# ---------------------------------------------------------------------------
# Boundaries
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Root:
    """One root of a comparison: x* (or a numeric solver), where it holds, its direction.

    Attributes
    ----------
    node : str
        The decision node whose comparison it is.
    root : sympy.Expr or None
        x* in closed form (None for a numeric root).
    local : sympy.Boolean
        Where the root exists as a root of this branch of D (on the other
        parameters): D's slope != 0, the branch, ``assume``.
    plays : sympy.Boolean
        That the two plays compared are the ones selected below the node,
        over the value symbols of :func:`plays` (taken at x = x*).
    direction : sympy.Expr
        Has the sign of dD/dx at x* (D: a's value minus b's); positive means
        ``a`` wins above x*.
    method : {"exact", "numeric"}
    difference : sympy.Expr
        D on this branch (in the parameters).
    """

    game: Game = field(repr=False)
    parameter: str
    node: str
    root: sp.Expr | None
    local: sp.Boolean
    plays: sp.Boolean
    direction: sp.Expr
    method: str
    difference: sp.Expr
    branch: sp.Boolean = sp.true

    @cached_property
    def condition(self) -> sp.Boolean:
        """Where the root is a switch, on the other parameters (:attr:`local` and the plays)."""
        if self.plays is sp.true:
            return self.local
        table = plays(self.game)
        x = self.game.symbols[self.parameter]
        sub = {v: e.xreplace({x: self.root}) if self.root is not None else e
               for v, e in table.substitution.items()}
        return sp.And(self.local, substitute(self.plays, sub))


@dataclass(frozen=True)
class Boundary:
    """The boundary between two outcomes of a game, solved for one parameter.

    Attributes
    ----------
    game : Game
    parameter : str
    between : tuple of str
    roots : tuple of Root
        Every root, exact or numeric, with its condition.
    expr : sympy.Expr
        The exact roots as a ``Piecewise`` (first applicable root; ``nan``
        where none), for display and LaTeX.
    above, below : str or None
        The outcome winning for x > x* and x < x* when that is the same
        wherever a root exists (decided on the domains), else None.
    method : {"exact", "numeric", "mixed", "none"}
    """

    game: Game = field(repr=False)
    parameter: str
    between: tuple[str, str]
    roots: tuple[Root, ...]
    above: str | None
    below: str | None
    method: str
    xtol: float = 1e-12

    @cached_property
    def expr(self) -> sp.Expr:
        """The exact roots as a ``Piecewise`` (first applicable; ``nan`` where none)."""
        exact = [(r.root, r.condition) for r in self.roots if r.root is not None]
        return sp.Piecewise(*exact, (sp.nan, True), evaluate=False) if exact else sp.nan

    @property
    def exists(self) -> bool:
        """False if the comparison never depends on the parameter."""
        return bool(self.roots)

    @cached_property
    def latex(self) -> str:
        """LaTeX of :attr:`expr`."""
        return _latex(self.game, self.expr)

    @cached_property
    def _args(self) -> tuple[str, ...]:
        x = self.game.symbols[self.parameter]
        free: set = set()
        for r in self.roots:
            free |= r.local.free_symbols | r.direction.free_symbols | r.difference.free_symbols
            if r.root is not None:
                free |= r.root.free_symbols
        return tuple(k for k, s in self.game.symbols.items() if s in free and s != x)

    @cached_property
    def _exact_fn(self) -> Callable:
        syms = [self.game.symbols[k] for k in self._args]
        exprs = []
        for r in self.roots:
            exprs += [r.root if r.root is not None else sp.nan, r.local, r.direction]
        return _lambdify(syms, exprs)

    @cached_property
    def _numeric_fns(self) -> list[Callable | None]:
        x = self.game.symbols[self.parameter]
        syms = [x] + [self.game.symbols[k] for k in self._args]
        return [_lambdify(syms, [r.difference, r.branch]) if r.root is None else None
                for r in self.roots]

    def crossings(self, **params: Any) -> tuple[np.ndarray, np.ndarray]:
        """Every root and the sign of its direction, point by point.

        Returns
        -------
        roots, signs : numpy.ndarray
            Shape ``(len(roots),) + broadcast shape``; ``nan`` where a root
            does not apply or lies outside the parameter's domain.  A numeric
            root is the first one the root finder brackets in the domain (a
            zero of the difference on a closed end of the domain counts).
        """
        return self._crossings(params)

    def _crossings(self, params: Mapping[str, Any], snap: float = 0.0
                   ) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`crossings`; with ``snap`` > 0, a root that rounding puts just outside a
        closed end of the domain (within ``snap``, relative to max(1, |end|)) is on the end."""
        params = {k: v for k, v in params.items() if k != self.parameter}
        values, shape = gather(params, self._args, self.game.parameters)
        if not self.roots:
            return np.full((0,) + shape, np.nan), np.full((0,) + shape, np.nan)
        with np.errstate(all="ignore"):
            out = self._exact_fn(*values)
        dom = self.game.parameters[self.parameter].domain
        roots, signs = [], []
        for k, r in enumerate(self.roots):
            if r.root is None:
                rt, sg = self._numeric(k, values, shape)
            else:
                ok = np.broadcast_to(np.asarray(out[3 * k + 1], dtype=bool), shape)
                rt = np.where(ok, np.broadcast_to(np.asarray(out[3 * k], dtype=np.float64),
                                                  shape), np.nan)
                sg = np.where(ok, np.sign(np.broadcast_to(
                    np.asarray(out[3 * k + 2], dtype=np.float64), shape)), np.nan)
            if snap > 0:
                for end in _closed_ends(dom):
                    with np.errstate(invalid="ignore"):
                        near = np.abs(rt - end) <= snap * max(1.0, abs(end))
                    rt = np.where(near & ~dom.mask(np.nan_to_num(rt, nan=np.inf)), end, rt)
            inside = dom.mask(np.nan_to_num(rt, nan=np.inf)) & np.isfinite(rt)
            if r.plays is not sp.true and inside.any():
                inside &= self._plays_hold(k, params, np.where(inside, rt, np.nan), shape)
            roots.append(np.where(inside, rt, np.nan))
            signs.append(np.where(inside, sg, np.nan))
        return np.stack(roots), np.stack(signs)

    @cached_property
    def _plays_fns(self) -> dict[int, tuple[list, Callable]]:
        out = {}
        for k, r in enumerate(self.roots):
            if r.plays is not sp.true:
                syms = sorted(r.plays.free_symbols, key=str)
                out[k] = (syms, _lambdify(syms, r.plays))
        return out

    def _plays_hold(self, k: int, params: Mapping[str, Any], x: np.ndarray,
                    shape: tuple) -> np.ndarray:
        """Whether the compared plays are selected below the node at x = x* (as solve does)."""
        dom = self.game.parameters[self.parameter].domain
        fill = self.game.parameters[self.parameter].default
        if fill is None:
            lo, hi = dom.low, dom.high
            fill = (lo + hi) / 2 if math.isfinite(lo + hi) else (
                lo + 1 if math.isfinite(lo) else hi - 1 if math.isfinite(hi) else 0.0)
        ok = np.isfinite(x)
        at = {**params, self.parameter: np.where(ok, x, fill)}
        out, _ = _numeric_values(self.game, at)
        syms, fn = self._plays_fns[k]
        vals = [np.broadcast_to(np.asarray(v, dtype=np.float64), shape)
                for v in plays(self.game).evaluate(syms, out)]
        with np.errstate(all="ignore"):
            held = np.broadcast_to(np.asarray(fn(*vals), dtype=bool), shape)
        return ok & held

    def _numeric(self, k: int, values: list, shape: tuple) -> tuple[np.ndarray, np.ndarray]:
        from scipy.optimize import brentq

        fn = self._numeric_fns[k]
        assert fn is not None
        dom = self.game.parameters[self.parameter].domain
        lo = dom.low if math.isfinite(dom.low) else -1e3
        hi = dom.high if math.isfinite(dom.high) else 1e3
        grid = np.linspace(lo, hi, 2049)
        grid = grid[dom.mask(grid)]
        ends = _closed_ends(dom)
        rt = np.full(shape, np.nan)
        sg = np.full(shape, np.nan)
        flat = [np.broadcast_to(v, shape).ravel() for v in values]
        for i in range(int(np.prod(shape))):
            args = [v[i] for v in flat]

            def d(x: float, args: list = args) -> float:
                val, ok = fn(x, *args)
                return float(val) if ok else math.nan

            with np.errstate(all="ignore"):
                vals = np.array([d(x) for x in grid])
            s = np.sign(vals)
            for j in range(len(grid) - 1):
                if s[j] == 0 and j > 0 and s[j - 1] * s[j + 1] < 0:
                    rt.flat[i], sg.flat[i] = grid[j], s[j + 1]
                    break
                if j == 0 and s[0] == 0 and abs(s[1]) == 1 and grid[0] in ends:
                    # a zero on a closed end: the end's outcome is the tie rule's
                    rt.flat[i], sg.flat[i] = grid[0], s[1]
                    break
                if s[j] * s[j + 1] < 0:
                    x, res = brentq(d, grid[j], grid[j + 1], xtol=self.xtol, full_output=True,
                                    disp=False)
                    if not res.converged:
                        raise KzgameError(
                            f"the root finder for {self.parameter}* did not converge to "
                            f"xtol={self.xtol} in [{grid[j]}, {grid[j + 1]}]"
                        )
                    rt.flat[i], sg.flat[i] = x, s[j + 1]
                    break
            else:
                if s[-1] == 0 and abs(s[-2]) == 1 and grid[-1] in ends:
                    rt.flat[i], sg.flat[i] = grid[-1], -s[-2]
        return rt, sg

    @cached_property
    def func(self) -> Callable[..., np.ndarray]:
        """x* as a numpy function of keyword parameters (broadcasting): the smallest root
        in the parameter's domain, ``nan`` where there is none."""

        def func(**params: Any) -> np.ndarray:
            roots, _ = self.crossings(**params)
            if roots.shape[0] == 0:
                return roots.reshape(roots.shape[1:])
            with np.errstate(all="ignore"):
                return np.where(np.all(np.isnan(roots), axis=0), np.nan,
                                np.nanmin(np.where(np.isnan(roots), np.inf, roots), axis=0))

        func.__name__ = f"{self.parameter}_star"
        return func

    def __str__(self) -> str:
        return f"{self.parameter}* ({self.between[0]}/{self.between[1]}) = {self.expr}"


def _plays_reaching(game: Game, node: int, child: int, name: str) -> list[tuple[Play, Any]]:
    table = plays(game)
    want = outcome_codes(game).sets[_outcome_code(game, name)]
    return [(p, c) for p, c in table.at[child] if p.labels(game) == want]


_COMPARISONS: WeakKeyDictionary[Game, list] = WeakKeyDictionary()


def comparisons(
    game: Game, between: tuple[str, str] | None = None
) -> list[tuple[int, str, str, sp.Boolean, sp.Expr]]:
    """The comparisons of every decision node: (node, outcome a, outcome b, plays, D).

    D is a's play value minus b's to the node's mover, in the parameters;
    ``plays`` is the condition (over the value symbols of :func:`plays`)
    that both plays are the ones selected below the node.  With
    ``between``, only the comparisons of those two outcomes, oriented a, b.
    """
    if game not in _COMPARISONS:
        table = plays(game)
        names = outcome_codes(game).names
        sets = outcome_codes(game).sets
        found = []
        for node in game.nodes:
            if node.kind != "decision":
                continue
            m = node.index
            for a, ca in enumerate(node.children):
                for b, cb in enumerate(node.children):
                    if b <= a:
                        continue
                    for pa, cond_a in table.at[ca]:
                        na = names[sets.index(pa.labels(game))]
                        for pb, cond_b in table.at[cb]:
                            nb = names[sets.index(pb.labels(game))]
                            diff = to_parameters(game, pa.value(game, m) - pb.value(game, m))
                            found.append((m, na, nb, sp.And(cond_a, cond_b), diff))
        _COMPARISONS[game] = found
    found = _COMPARISONS[game]
    if between is None:
        return list(found)
    first, second = between
    return [(m, first, second, c, d) if (na, nb) == (first, second)
            else (m, first, second, c, -d)
            for m, na, nb, c, d in found if (na, nb) in ((first, second), (second, first))]


def _nonzero(e: sp.Expr, game: Game, assume: Assumptions) -> bool:
    got = sign(e, assume, factor=True, game=game)
    return got is not None and got[0] != 0 and got[1]


def _conditions_nonzero(e: sp.Expr, game: Game, assume: Assumptions) -> list[sp.Boolean]:
    """``Ne(f, 0)`` for each factor of ``e`` that may vanish on the domains."""
    if e.is_number:
        return [] if e != 0 else [sp.false]
    _, factors = sp.factor_list(e)
    return [sp.Ne(f, 0) for f, _ in factors if not _nonzero(f, game, assume)]


_STRICT = {sp.Ge: sp.Gt, sp.Le: sp.Lt}


def _solve_branch(
    game: Game, x: sp.Symbol, d: sp.Expr, bcond: sp.Boolean, others: list[sp.Expr],
    assume: Assumptions,
) -> list[tuple[sp.Expr | None, sp.Boolean, sp.Expr, str]]:
    """Roots of one smooth branch d of D: (root or None, condition, direction, method)."""
    num, den = sp.fraction(sp.together(d))
    num = sp.expand(num)
    if not num.has(x):
        return []
    den_sign = sign(den, assume, game=game) if den.free_symbols else (
        (1 if den > 0 else -1, True))
    if den_sign is None or den_sign[0] == 0 or not den_sign[1]:
        den_sign = None
    try:
        poly = sp.Poly(num, x)
        degree = poly.degree() if all(not c.has(x) for c in poly.all_coeffs()) else None
    except sp.PolynomialError:
        degree = None
    if degree is None or degree > 2 or den_sign is None:
        return [(None, sp.true, sp.Integer(0), "numeric")]
    coeffs = poly.all_coeffs()
    out = []
    if degree == 1:
        a, b = coeffs
        out.append((sp.cancel(-b / a), sp.And(*_conditions_nonzero(a, game, assume)),
                    sp.factor(a) * den_sign[0], "exact"))
    else:
        a, b, c = coeffs
        disc = sp.expand(b**2 - 4 * a * c)
        for s_ in (1, -1):
            root = (-b + s_ * sp.sqrt(disc)) / (2 * a)
            out.append((root, sp.And(*_conditions_nonzero(a, game, assume), sp.Gt(disc, 0)),
                        s_ * sp.Integer(1) * den_sign[0], "exact"))
        if not _nonzero(a, game, assume):  # the linear case where A = 0
            out.append((sp.cancel(-c / b), sp.And(sp.Eq(a, 0),
                                                  *_conditions_nonzero(b, game, assume)),
                        b * den_sign[0], "exact"))
    result = []
    rels = [r for r in bcond.atoms(sp.Rel) if r.has(x)]
    for root, cond, direction, method in out:
        if rels:
            # the branch at the root, strictly inside it (built strict before sympy
            # evaluates a weak relation such as h >= 0 to True)
            edge = {r: sp.cancel(r.lhs - r.rhs).xreplace({x: root}) for r in rels}
            strict = bcond.xreplace({r: _STRICT.get(type(r), type(r))(e, 0)
                                     for r, e in edge.items()})
            here = strict
            if len(others) == 1 and len(rels) == 1 and isinstance(rels[0], sp.Ge | sp.Le):
                # on the kink: a switch where D has the same slope sign on both sides
                slope = sp.diff(d, x).xreplace({x: root})
                slope_o = sp.diff(others[0], x).xreplace({x: root})
                here = sp.Or(strict, sp.And(sp.Eq(edge[rels[0]], 0), sp.Gt(slope * slope_o, 0)))
            cond = sp.And(cond, here)
        if cond is not sp.false:
            result.append((root, cond, direction, method))
    return result


_BOUNDARIES: WeakKeyDictionary[Game, dict] = WeakKeyDictionary()


def boundary(
    game: Game,
    parameter: str,
    between: tuple[str, str],
    *,
    assume: Mapping[str, str] | None = None,
) -> Boundary:
    """The boundary between outcomes ``a`` and ``b`` of ``game``, solved for ``parameter``.

    Parameters
    ----------
    game : Game
        A game of perfect information (chance allowed).
    parameter : str
        One of the game's parameters.
    between : pair of str
        Two outcomes (names as :func:`kzgame.solve` reports them).
    assume : mapping, optional
        Signs of the game's derived quantities (``{"stake_e": "positive"}``),
        holding at the root.

    Returns
    -------
    Boundary
        Every root (exact where sympy can, else numeric), with the
        conditions under which it holds: D != 0 as a function of x (its
        slope's factors that may vanish), the plays reaching a and b being
        the ones selected below the deciding node, the branch of a ``Max``.

    Raises
    ------
    ParameterError
        If ``parameter`` is not one of the game's parameters.
    KzgameError
        If an outcome is unknown or the two are equal.

    Examples
    --------
    >>> from kzgame.game import Game, decision, outcome
    >>> g = Game(decision("A", {"x": outcome(A="a**2"), "y": outcome(A=1)}),
    ...          parameters={"a": "real"})
    >>> b = boundary(g, "a", ("x", "y"))
    >>> [r.root for r in b.roots]
    [1, -1]
    >>> b.crossings(a=0.0)[0].tolist()
    [1.0, -1.0]
    """
    if parameter not in game.parameters:
        raise ParameterError(
            f"unknown parameter {parameter!r}; this game's parameters: "
            f"{', '.join(game.parameters)}"
        )
    try:
        a, b = between
    except (TypeError, ValueError):
        raise KzgameError(f"between must be a pair of outcomes, got {between!r}") from None
    names = outcome_codes(game).names
    for o in (a, b):
        _outcome_code(game, o)
    a, b = (names[_outcome_code(game, o)] for o in (a, b))
    if a == b:
        raise KzgameError(f"between = {between!r}: give two different outcomes")
    norm = normalize_assume(assume, game)
    key = (parameter, a, b, norm)
    cache = _BOUNDARIES.setdefault(game, {})
    if key in cache:
        return cache[key]
    x = game.symbols[parameter]
    assumed = assumption_condition(norm, game) if norm else sp.true
    roots: list[Root] = []
    for m, _, _, plays_cond, diff in comparisons(game, (a, b)):
        pieces = split_branches(diff)
        for k, (d, bcond) in enumerate(pieces):
            others = [e for j, (e, _) in enumerate(pieces) if j != k]
            for root, cond, direction, method in _solve_branch(game, x, d, bcond, others, norm):
                if root is not None:
                    local = sp.And(cond, assumed.xreplace({x: root}))
                    branch = sp.true
                else:
                    local = cond if assumed.has(x) else sp.And(cond, assumed)
                    branch = sp.And(bcond, assumed)
                if local is sp.false:
                    continue
                roots.append(Root(game, parameter, game.nodes[m].name, root, local, plays_cond,
                                  direction, method, d, branch))
    methods = {r.method for r in roots}
    method = "none" if not roots else methods.pop() if len(methods) == 1 else "mixed"
    signs = set()
    for r in roots:
        s = None if r.method == "numeric" else sign(r.direction, norm, game=game)
        signs.add(None if s is None or s[0] == 0 else s[0])
    above = below = None
    if roots and signs == {1}:
        above, below = a, b
    elif roots and signs == {-1}:
        above, below = b, a
    result = Boundary(game, parameter, (a, b), tuple(roots), above, below, method)
    cache[key] = result
    return result


def all_boundaries(game: Game) -> dict[tuple[tuple[str, str], str], Boundary]:
    """Every comparison of the game solved for every parameter it involves.

    Keys ``((a, b), parameter)`` for each pair of outcomes compared at some
    decision node (a before b in the node's tie order).

    Examples
    --------
    >>> from kzgame.game import Game, decision, outcome
    >>> g = Game(decision("A", {"x": outcome(A="a"), "y": outcome(A=1)}),
    ...          parameters={"a": "real"})
    >>> list(all_boundaries(g))
    [(('x', 'y'), 'a')]
    """
    pairs = list(dict.fromkeys((na, nb) for _, na, nb, _, _ in comparisons(game)))
    out = {}
    for pair in pairs:
        if pair[0] == pair[1]:
            continue
        for name in game.parameters:
            bnd = boundary(game, name, pair)
            if bnd.exists:
                out[(pair, name)] = bnd
    return out


# ---------------------------------------------------------------------------
# Comparative statics
# ---------------------------------------------------------------------------


def sample_domains(game: Game, n: int, seed: int = 0) -> dict[str, np.ndarray]:
    """Random points of the game's parameter domains (bounded: uniform; else on [lo, lo + 10])."""
    rng = np.random.default_rng(seed)
    out = {}
    for k, p in game.parameters.items():
        d = p.domain
        lo = d.low if math.isfinite(d.low) else (d.high - 10.0 if math.isfinite(d.high) else -5.0)
        hi = d.high if math.isfinite(d.high) else lo + 10.0
        v = rng.uniform(lo, hi, n)
        out[k] = np.where(d.mask(v), v, (lo + hi) / 2)
    return out


def boundary_statics(
    game: Game,
    parameter: str,
    between: tuple[str, str],
    *,
    assume: Mapping[str, str] | None = None,
    samples: int = 20_000,
    seed: int = 0,
) -> dict[str, tuple[str, str]]:
    """The sign of d x* / d p for every other parameter p: ``{p: (sign, method)}``.

    ``sign`` is ``'+'``, ``'-'``, ``'0'``, ``'ambiguous'`` or ``'n/a'`` (no
    sampled point has the threshold); ``method`` is ``'symbolic'`` (proved
    on the domains, with :mod:`kzgame.analysis.signs`) or ``'sampled'``
    (the derivative evaluated at ``samples`` random points of the domains
    where a root holds: evidence, not a proof, except ``'ambiguous'``).
    Exact roots only; a boundary with numeric roots raises.

    Examples
    --------
    >>> from kzgame.game import Game, decision, outcome
    >>> g = Game(decision("A", {"x": outcome(A="a - c"), "y": outcome(A="b")}),
    ...          parameters={"a": "real", "b": "real", "c": "nonnegative"})
    >>> boundary_statics(g, "a", ("x", "y"))     # a* = b + c
    {'b': ('+', 'symbolic'), 'c': ('+', 'symbolic')}
    """
    bnd = boundary(game, parameter, between, assume=assume)
    if any(r.root is None for r in bnd.roots):
        raise KzgameError(
            f"{parameter}* ({between[0]}/{between[1]}) has numeric roots; its comparative "
            "statics need a closed form"
        )
    norm = normalize_assume(assume, game)
    out: dict[str, tuple[str, str]] = {}
    points = None
    for wrt, sym in game.symbols.items():
        if wrt == parameter:
            continue
        derivs = [sp.diff(r.root, sym) for r in bnd.roots]
        found = []
        for dv in derivs:
            s = (0, True) if dv == 0 else sign(sp.together(dv), norm, game=game)
            found.append(None if s is None else {1: "+", -1: "-", 0: "0"}[s[0]])
        if found and None not in found:
            got = set(found)
            if got == {"0"}:
                out[wrt] = ("0", "symbolic")
                continue
            if got <= {"+", "0"} or got <= {"-", "0"}:
                out[wrt] = ("+" if "+" in got else "-", "symbolic")
                continue
        if not bnd.roots:
            out[wrt] = ("0", "symbolic")
            continue
        if points is None:
            points = sample_domains(game, samples, seed)
        syms = list(game.symbols.values())
        vals = []
        for r, dv in zip(bnd.roots, derivs, strict=True):
            f = _lambdify(syms, [dv, r.condition])
            with np.errstate(all="ignore"):
                w, c = (np.broadcast_to(np.asarray(v, dtype=float), (samples,))
                        for v in f(*(points[k] for k in game.symbols)))
            vals.append(w[c.astype(bool) & np.isfinite(w)])
        w = np.concatenate(vals)
        if w.size == 0:
            out[wrt] = ("n/a", "sampled")
            continue
        tol = 1e-12 * max(1.0, float(np.max(np.abs(w))))
        pos, neg = bool((w > tol).any()), bool((w < -tol).any())
        out[wrt] = ("ambiguous" if pos and neg else "+" if pos else "-" if neg else "0",
                    "sampled")
    return out


# ---------------------------------------------------------------------------
# The smallest change that flips the outcome
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Flip:
    """The smallest change of one parameter that changes the SPE outcome of a game.

    Attributes
    ----------
    parameter : str
    current : float
    critical : float
        The closed-form (or root-found) boundary crossed.
    value : float
        ``current + change``: the first float at which :func:`kzgame.solve`
        gives ``new_outcome``.
    change : float
    outcome, new_outcome : str
    """

    parameter: str
    current: float
    critical: float
    value: float
    change: float
    outcome: str
    new_outcome: str

    @property
    def direction(self) -> str:
        """``'increase'`` or ``'decrease'``."""
        return "increase" if self.change > 0 else "decrease"

    def __str__(self) -> str:
        return (f"{self.parameter}: {self.current:.6g} -> {self.value:.6g} ({self.change:+.6g}) "
                f"turns {self.outcome} into {self.new_outcome}")


def float_order(x: float) -> int:
    """A float's position on the integer line of floats (monotone, adjacent floats differ by 1).

    Examples
    --------
    >>> float_order(5e-324), float_order(0.0), float_order(-5e-324)
    (1, 0, -1)
    """
    (bits,) = struct.unpack("<q", struct.pack("<d", float(x)))
    return bits if bits >= 0 else -(bits & 0x7FFFFFFFFFFFFFFF)


def from_order(i: int) -> float:
    """The float at position ``i`` of :func:`float_order`."""
    bits = i if i >= 0 else (-i) | (1 << 63)
    return struct.unpack("<d", struct.pack("<Q", bits))[0]


def locate(code_at: Callable[[float], Any], inside: float, outside: float,
           max_steps: int = 200) -> tuple[float, float]:
    """Adjacent floats (lo, hi) between ``inside`` and ``outside`` where ``code_at`` changes.

    ``code_at(inside) != code_at(outside)``; bisection on the integer line of
    floats, so it converges to adjacent floats (1 ulp) in at most 64 halvings
    whatever the scale (no absolute floor).  Raises :class:`KzgameError`
    if it does not converge within ``max_steps``.

    Examples
    --------
    >>> lo, hi = locate(lambda x: int(x >= 0.1), 0.0, 1.0)
    >>> hi == 0.1 and lo == float(np.nextafter(0.1, 0))
    True
    """
    c0 = code_at(inside)
    a, b = float_order(inside), float_order(outside)
    for _ in range(max_steps):
        if abs(b - a) <= 1:
            return from_order(a), from_order(b)
        mid = a + (b - a) // 2
        if code_at(from_order(mid)) == c0:
            a = mid
        else:
            b = mid
    raise KzgameError("the search for the flip did not converge to adjacent floats")


#: How close (relative to max(1, |x|)) to a closed end of its domain a root that rounding
#: puts outside it must be to be taken on the end (as :mod:`kzgame.analysis.counterfactual`).
MATCH: float = 1e-9


def _closed_ends(dom: Any) -> list[float]:
    """The finite ends of a domain that belong to it (e.g. 0 and 1 for ``unit``)."""
    ends = []
    if math.isfinite(dom.low) and not dom.low_open:
        ends.append(float(dom.low))
    if math.isfinite(dom.high) and not dom.high_open:
        ends.append(float(dom.high))
    return ends


def _probes(x0: float, side: list[float], end: float, direction: int) -> list[float]:
    """Points from ``x0`` outwards along the knots ``side`` (on one side of x0), nearest first:
    one between x0 and the first knot, each knot, one between each two knots and one after
    the last (towards ``end``, the domain's end; x0 + 1e3 or so where it is infinite).

    The outcome is constant on each open interval between knots, so the first probe whose
    outcome differs from x0's brackets the nearest flip.  The point between x0 and the first
    knot catches a flip next to x0 whose root rounding put on x0's other side.  The domain's
    end itself is not included (the caller probes a closed end).
    """
    if not side:
        return []
    side = sorted(side, key=lambda k: abs(k - x0))
    if not math.isfinite(end):
        end = x0 + direction * max(1e3, 2 * abs(x0))
    pts: list[float] = []
    prev = x0
    for k in side + [end]:
        mid = prev + (k - prev) / 2
        if min(prev, k) < mid < max(prev, k):
            pts.append(mid)
        pts.append(k)
        prev = k
    return pts[:-1]


def smallest_flips(
    game: Game, parameters: Iterable[str] | None = None, **values: Any
) -> list[Flip]:
    """For each parameter, the smallest decrease and increase that change the SPE outcome.

    The candidate points are the roots of every comparison of the game
    (:func:`boundary`) at ``values``; the outcome is probed between them
    with :func:`kzgame.solve`, and the nearest change in each direction is
    located to adjacent floats (:func:`locate`).  A closed end of the
    parameter's domain is always probed: a boundary through it gives the end
    its own outcome (the tie rule), and its computed root may lie a few ulps
    inside or (within ``MATCH``, then taken on the end) outside.

    Raises
    ------
    KzgameError
        If the located flip is not within ``1e-6`` (relative) of a root of
        some comparison: the search would otherwise report a change no
        boundary explains.

    Examples
    --------
    >>> from kzgame.game import Game, decision, outcome
    >>> g = Game(decision("A", {"x": outcome(A="a"), "y": outcome(A=1)}),
    ...          parameters={"a": (0, 2)})
    >>> [str(f) for f in smallest_flips(g, a=0.5)]
    ['a: 0.5 -> 1 (+0.5) turns y into x']
    """
    base = game.values(values)
    names = tuple(parameters) if parameters is not None else tuple(game.uses())
    for n in names:
        if n not in game.parameters:
            raise ParameterError(
                f"unknown parameter {n!r}; this game's parameters: {', '.join(game.parameters)}"
            )
    current = solve_game(game, **base).outcome
    pairs = list(dict.fromkeys((na, nb) for _, na, nb, _, _ in comparisons(game)))
    out = []
    for name in names:
        dom = game.parameters[name].domain
        x0 = base[name]
        knots = set()
        for pair in pairs:
            if pair[0] == pair[1]:
                continue
            roots, _ = boundary(game, name, pair)._crossings(base, snap=MATCH)
            knots |= {float(r) for r in np.ravel(roots) if np.isfinite(r)}
        ks = sorted(knots)

        def code_at(x: float, name: str = name) -> str:
            return solve_game(game, **{**base, name: x}).outcome

        for direction in (-1, 1):
            end = dom.high if direction > 0 else dom.low
            closed = math.isfinite(end) and end in _closed_ends(dom)
            probes = _probes(x0, [k for k in ks if (k - x0) * direction > 0], end, direction)
            probes = [p for p in probes if dom.contains(p)]
            if closed and end != x0 and (not probes or probes[-1] != end):
                # a boundary through the end (its root a few ulps inside, or rounded out
                # of the domain) can leave the end an outcome of its own (the tie rule)
                probes.append(float(end))
            far = next((p for p in probes if code_at(p) != current), None)
            if far is None:
                continue
            _, hi = locate(code_at, x0, far)
            near = [k for k in ks if abs(k - hi) <= 1e-6 * max(1.0, abs(k))]
            if not near:
                raise KzgameError(
                    f"{name}: the outcome changes at {hi!r}, where no boundary of the game "
                    "lies (rounding of nearly tied values); the search does not report it"
                )
            out.append(Flip(name, x0, min(near, key=lambda k: abs(k - hi)), hi, hi - x0,
                            current, code_at(hi)))
    return out
