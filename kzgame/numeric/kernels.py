"""Classification kernels generated from any game tree: backward induction as straight-line code.

For a game of perfect information, :func:`induction_code` prints the rule of
:func:`kzgame.game.induction.backward_induction` as assignments that run after
the game's printed gains (:func:`kzgame.numeric.codegen.gains_code`), for
every point at once:

* at every decision node n (children before parents) each action's value is
  n's gain over the subtree it leads to: the gain of a leaf; at a decision
  node below, the value of the action chosen there; at a chance node,
  ``p0*v0 + p1*v1 + ...`` summed left to right in branch order;
* the best value ``b`` and the floor ``b - atol``; the choice is the first
  action, in tie order, whose value is at least the floor (one boolean test
  per action; whatever depends on the choice is selected by those tests);
* the outcome code: a leaf's label, the chosen child's code at a decision
  node, and the table of :func:`kzgame.game.outcomes.outcome_codes` at a
  chance node.

The same description is printed in two flavours: ``a if cond else b`` for
the compiled loop (numba) and ``where(cond, a, b)`` for NumPy arrays; both
evaluate the same floating-point operations in the same order as the
point solver, so every path gives the same codes.  Nothing in this module
is written for one game.

Two backends run it:

``numpy``
    :func:`numpy_induction`: the printed rule as a function of NumPy arrays,
    called by :func:`kzgame.numeric.vectorized.classify_game` on cache-sized
    chunks.
``numba`` (the ``fast`` extra)
    :func:`kernel_source`: one fused loop over the points, reading each
    input through its broadcast strides (no broadcast copy), validating it
    against its parameter's domain, computing gains, choices and the code
    in registers and writing one small integer per point.  A gain or value
    that :mod:`kzgame.numeric.bounds` proves finite wherever the inputs are
    within a guard (a polynomial in them, say) is not tested at every
    point: the kernel tests the guard on the inputs instead, and a grid
    with an input beyond it is classified again by the kernel that tests
    every value (``exact=True``).  The best value at a decision node is
    ``_best`` (no NaN rule): every operand is tested, or proved, finite, and
    a point where one is not fails its row.  One kernel is
    compiled per game and pattern of inputs that vary along the grid's last
    axis; compiled code is cached on disk (:func:`kzgame.numeric.cache.cache_dir`),
    keyed by a hash of the generated source.

Examples
--------
>>> from kzgame.game import Game, decision, outcome
>>> g = Game(decision("A", {"x": outcome(A=0, B=0), "y": outcome(A="a", B=1)}),
...          parameters={"a": "real"})
>>> print("\\n".join(induction_code(g).lines("numba")))
b0 = _best(g0_1, g0_2)
f0 = b0 - atol
t0_0 = g0_1 >= f0
o0 = (0 if t0_0 else 1)
"""

from __future__ import annotations

import importlib.util
import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

import numpy as np

from ..errors import KzgameError
from .bounds import LIMIT
from .cache import cache_dir, check_numba_files, import_source, record_numba_files
from .chunks import layout
from .printed import GainsCode, compile_source, numpy_namespace

if TYPE_CHECKING:  # games (and sympy) are imported where a game's code is printed
    from ..game.tree import Game

__all__ = [
    "NUMBA_AVAILABLE",
    "InductionCode",
    "code_dtype",
    "gains_function",
    "induction_code",
    "javascript_rule",
    "kernel_source",
    "numba_kernel",
    "numpy_induction",
    "require_numba",
    "run_numba",
]

#: Whether numba can be imported (the ``fast`` extra); checked without importing it.
NUMBA_AVAILABLE: bool = importlib.util.find_spec("numba") is not None



def _constant(rhs: str) -> float | None:
    """The value of a printed right-hand side that is a plain number, else None."""
    try:
        return float(rhs)
    except ValueError:
        return None


@dataclass(frozen=True)
class InductionCode:
    """Backward induction of one game, printed (see the module's docstring).

    Attributes
    ----------
    gains : GainsCode
        The printed gains and probabilities the rule reads.
    numba_lines, numpy_lines : tuple of str
        The rule's assignments in the two flavours (after the gains' lines).
    code : str
        The variable (or constant) holding the outcome code.
    probabilities : tuple of str
        The probability outputs that are not constants (checked in [0, 1]).
    finite : tuple of str
        The variables that must be finite at a point: every gain that is not
        a constant and every value at a chance node (else: overflow).
    chance_values : tuple of str
        The values at chance nodes (a subset of ``finite``).
    tables : numpy.ndarray of int64
        The chance nodes' outcome tables, flattened one after another.
    guarded : tuple of str
        The variables of ``finite`` proved finite wherever every input is
        at most ``gains.guard`` in magnitude (:mod:`kzgame.numeric.bounds`):
        the compiled kernel tests the guard instead of them.
    """

    gains: GainsCode
    numba_lines: tuple[str, ...]
    numpy_lines: tuple[str, ...]
    code: str
    probabilities: tuple[str, ...]
    finite: tuple[str, ...]
    chance_values: tuple[str, ...]
    tables: np.ndarray
    guarded: tuple[str, ...] = ()

    def lines(self, flavour: str) -> tuple[str, ...]:
        """The rule's lines for ``"numba"`` or ``"numpy"``."""
        return self.numba_lines if flavour == "numba" else self.numpy_lines


def _print_rule(game: Game, gc: GainsCode, flavour: str) -> Any:
    """The backward-induction assignments of ``game`` in one flavour.

    ``flavour``: ``"numba"`` (``a if t else b``), ``"numpy"``
    (``_where(t, a, b)``) or ``"javascript"`` (``t ? a : b`` and
    ``Math.max``, for :mod:`kzgame.io.jsmodel`; games without chance nodes).

    At a decision node n with actions 0..K-1: ``b{n}`` the best value,
    ``f{n} = b{n} - atol`` the floor, ``t{n}_{a} = value_a >= f{n}`` for
    a < K - 1; the chosen action is the first a with ``t{n}_{a}`` (else K - 1),
    and every quantity that depends on the choice (the value of n's subtree
    for the movers above, n's outcome code) is selected by the same chain of
    tests, ``x_0 if t_0 else (x_1 if t_1 else ... x_{K-1})``.
    """
    from ..game.outcomes import outcome_codes

    codes = outcome_codes(game)
    numba = flavour == "numba"
    js = flavour == "javascript"

    def where(cond: str, a: str, b: str) -> str:
        if js:
            return f"({cond} ? {a} : {b})"
        return f"({a} if {cond} else {b})" if numba else f"_where({cond}, {a}, {b})"

    def literal(k: int) -> str:
        return str(k) if numba or js else f"_code({k})"

    def index(t: str) -> str:
        return t if numba or js else f"_intp({t})"

    rhs = dict(ln.split(" = ", 1) for ln in gc.lines)
    lines: list[str] = []
    chance_values: list[str] = []
    memo: dict[tuple[int, int], str] = {}
    arity = {n.index: len(n.children) for n in game.nodes}
    # Magnitude bounds under the guard (kzgame.numeric.bounds): a decision node's value
    # is one of its options, a chance node's a sum of probabilities in [0, 1] times them.
    bound: dict[str, float] = {
        name: (abs(c) if (c := _constant(rhs[name])) is not None else gc.bounds.get(name, math.inf))
        for name in gc.gains.values()
    }

    def select(m: int, options: list[str]) -> str:
        """The option of the action chosen at decision node m."""
        if all(o == options[0] for o in options):
            return options[0]
        expr = options[-1]
        for a in range(arity[m] - 2, -1, -1):
            expr = where(f"t{m}_{a}", options[a], expr)
        return expr

    def value(n: int, m: int) -> str:
        """The variable holding decision node n's gain over the subtree at m."""
        if (n, m) in memo:
            return memo[(n, m)]
        node = game.nodes[m]
        if node.kind == "outcome":
            name = gc.gains[(n, m)]
        elif node.kind == "decision":
            options = [value(n, c) for c in node.children]
            expr = select(m, options)
            name = f"v{n}_{m}"
            lines.append(f"{name} = {expr}")
            bound[name] = max(bound[o] for o in options)
        else:
            options = [value(n, c) for c in node.children]
            terms = [f"{gc.probabilities[(m, b)]} * {o}" for b, o in enumerate(options)]
            name = f"v{n}_{m}"
            lines.append(f"{name} = {' + '.join(terms)}")
            chance_values.append(name)
            total = math.fsum(bound[o] for o in options)
            bound[name] = total if total < LIMIT else math.inf
        memo[(n, m)] = name
        return name

    for node in reversed(game.nodes):  # children before parents, as backward_induction
        if node.kind != "decision" or len(node.children) == 1:
            continue
        n = node.index
        vals = [value(n, c) for c in node.children]
        best = vals[0]
        for v in vals[1:]:
            best = f"{'_best' if numba else 'Math.max' if js else '_maximum'}({best}, {v})"
        lines.append(f"b{n} = {best}")
        lines.append(f"f{n} = b{n} - atol")
        for a in range(len(vals) - 1):
            lines.append(f"t{n}_{a} = {vals[a]} >= f{n}")

    tables: list[np.ndarray] = []
    offset = 0
    size = len(codes.sets)
    oc: dict[int, tuple[bool, str]] = {}  # node -> (is constant, text)
    for node in reversed(game.nodes):
        m = node.index
        if node.kind == "outcome":
            oc[m] = (True, str(codes.sets.index(frozenset([node.label]))))
            continue
        kids = [oc[c] for c in node.children]
        if node.kind == "decision":
            if all(k == kids[0] for k in kids):
                oc[m] = kids[0]
                continue
            expr = select(m, [literal(int(t)) if const else t for const, t in kids])
        else:
            table = codes.tables[m]
            if all(const for const, _ in kids):
                oc[m] = (True, str(int(table[tuple(int(t) for _, t in kids)])))
                continue
            b = len(kids)
            parts = [str(offset)] + [
                f"{index(t)} * {size ** (b - 1 - i)}" if size ** (b - 1 - i) != 1 else index(t)
                for i, (_, t) in enumerate(kids)
            ]
            expr = f"_tables[{' + '.join(parts)}]"
            tables.append(table.reshape(-1))
            offset += table.size
        lines.append(f"o{m} = {expr}")
        oc[m] = (False, f"o{m}")
    flat = np.concatenate(tables) if tables else np.zeros(1, dtype=np.int64)
    finite = [
        name for name in gc.gains.values() if _constant(rhs[name]) is None
    ] + chance_values
    guarded = [name for name in finite if bound[name] < LIMIT]
    return lines, oc[0][1], chance_values, finite, flat.astype(np.int64), guarded


def javascript_rule(game: Game) -> tuple[list[str], str]:
    """Backward induction of ``game`` as JavaScript expressions: the rule's assignments
    (``name = expression``, after the gains) and the variable or constant holding the code.

    The same rule as the compiled kernel's (:func:`induction_code`), with
    ``Math.max`` for the best value and ``t ? a : b`` for selections; at
    decision node n, ``t{n}_{a}`` tells whether action a (in tie order) is
    chosen unless an earlier one is.  For games without chance nodes.
    """
    from .codegen import gains_code

    lines, code, *_ = _print_rule(game, gains_code(game), "javascript")
    return lines, code


_CODE: WeakKeyDictionary[Any, InductionCode] = WeakKeyDictionary()
_DTYPES: WeakKeyDictionary[Any, np.dtype] = WeakKeyDictionary()


def induction_code(game: Game) -> InductionCode:
    """Print backward induction of ``game`` (cached per game; see :class:`InductionCode`).

    ``game`` may also be a game's printed record made without sympy (the
    period game's shipped kernels, :class:`kzgame.numeric.period_plans.PeriodPlan`),
    whose code is looked up here, never printed.

    Raises
    ------
    GameError
        If the game has an information set of several nodes.
    """
    if game in _CODE:
        return _CODE[game]
    if hasattr(game, "induction"):  # a printed record: its code is part of it
        _CODE[game] = game.induction
        _DTYPES[game] = np.dtype(game.code_dtype)
        return game.induction
    from ..game.induction import require_perfect_information
    from .codegen import gains_code

    require_perfect_information(game, "classify")
    gc = gains_code(game)
    numba_lines, code, chance_values, finite, tables, guarded = _print_rule(game, gc, "numba")
    numpy_lines, *_ = _print_rule(game, gc, "numpy")
    rhs = dict(ln.split(" = ", 1) for ln in gc.lines)
    probs = tuple(
        name for name in gc.probabilities.values()
        if _constant(rhs[name]) is None and name not in gc.unit
    )  # fmt: skip
    out = InductionCode(
        gc, tuple(numba_lines), tuple(numpy_lines), code, probs, tuple(finite),
        tuple(chance_values), tables, tuple(guarded),
    )  # fmt: skip
    _CODE[game] = out
    return out


def code_dtype(game: Game) -> np.dtype:
    """The dtype of ``game``'s outcome codes (:func:`kzgame.game.outcomes.outcome_codes`)."""
    if game not in _DTYPES:
        if hasattr(game, "induction"):
            induction_code(game)
        else:
            from ..game.outcomes import outcome_codes

            _DTYPES[game] = outcome_codes(game).dtype
    return _DTYPES[game]


_GAINS: WeakKeyDictionary[Any, object] = WeakKeyDictionary()


def gains_function(game: Game) -> Any:
    """The printed gains of ``game`` as a function on floats or NumPy arrays (cached).

    The function of :func:`kzgame.numeric.codegen.gains_function`, compiled
    from :attr:`InductionCode.gains` (so that a printed record needs no sympy).
    """
    if game not in _GAINS:
        source = induction_code(game).gains.source()
        _GAINS[game] = compile_source(
            source, f"<kzgame-gains-{id(game):x}>", numpy_namespace()
        )["gains"]
    return _GAINS[game]


_NUMPY: WeakKeyDictionary[Game, object] = WeakKeyDictionary()


def numpy_induction(game: Game) -> Any:
    """The printed rule of ``game`` as a NumPy function (cached per game).

    ``f(atol, tables, *outputs) -> (code, chance_values)``: ``outputs`` are
    the arrays of :attr:`GainsCode.outputs` (broadcasting against each
    other), ``tables`` is :attr:`InductionCode.tables`; ``code`` is an
    integer array of the broadcast shape and ``chance_values`` the values
    at chance nodes, in the order of :attr:`InductionCode.chance_values`.
    """
    if game in _NUMPY:
        return _NUMPY[game]
    ic = induction_code(game)
    outs = ", ".join(ic.gains.outputs)
    body = "\n".join(f"    {ln}" for ln in ic.numpy_lines) or "    pass"
    chance = "".join(f"{v}, " for v in ic.chance_values)
    code = f"_code({ic.code})" if ic.code.isdigit() else ic.code
    source = (
        f"def induction(atol, _tables, {outs}):\n{body}\n"
        f"    return _asarray({code}), ({chance})\n"
    )
    dtype = code_dtype(game)
    ns = dict(
        numpy_namespace(),
        _asarray=np.asarray,
        _code=dtype.type,
        _intp=lambda x: np.asarray(x, dtype=np.intp),
    )
    fn = compile_source(source, f"<kzgame-induction-{id(game):x}>", ns)["induction"]
    _NUMPY[game] = fn
    return fn


def _domain_test(domain: Any, var: str, guarded: bool = False) -> str | None:
    """A branch-free test: ``var`` is finite and in ``domain``.

    With ``guarded`` the kernel also tests ``abs(var) <= guard``, which fails
    for infinities and NaN: the test then keeps only the domain's finite
    bounds (None if it has none).
    """
    tests = []
    if not math.isinf(domain.low):
        tests.append(f"{var} {'>' if domain.low_open else '>='} {domain.low!r}")
    elif not guarded:
        tests.append(f"{var} > -inf")
    if not math.isinf(domain.high):
        tests.append(f"{var} {'<' if domain.high_open else '<='} {domain.high!r}")
    elif not guarded:
        tests.append(f"{var} < inf")
    return " & ".join(f"({t})" for t in tests) or None


#: The head of every generated numba module (here and in :mod:`kzgame.estimation.kernel`):
#: the imports and constants printed code may use, and ``_maximum``/``_minimum`` with
#: numpy's NaN rule.  No braces: it is part of format templates.
NUMBA_PRELUDE = '''\
import math

import numpy
import numpy as np
from numba import njit
from numpy import exp, log, sqrt

inf = math.inf
nan = math.nan
pi = math.pi
e = math.e


@njit(inline="always")
def _maximum(a, b):
    # numpy.maximum on scalars: NaN propagates, otherwise the larger value.
    return a if (a != a) | (a >= b) else b


@njit(inline="always")
def _minimum(a, b):
    return a if (a != a) | (a <= b) else b


@njit(inline="always")
def _best(a, b):
    # The larger of two values the kernel also tests for finiteness (a NaN fails the row).
    return a if a >= b else b
'''

_KERNEL_TEMPLATE = "# Generated by kzgame.numeric.kernels for {title}.\n" + NUMBA_PRELUDE + '''

@njit(nogil=True, error_model="numpy", boundscheck=False, cache={cache})
def kernel(shape, strides, out, atol, _tables, {arrays}):
    """Classify the points of one broadcast grid.

    ``a_<name>`` are 1-D float64 buffers holding the inputs; ``shape[d]``
    are the grid's extents and ``strides[k, d]`` the element strides of
    input k along d (0 where it is broadcast); ``out`` is the C-ordered
    output.  Along the last axis this kernel reads {varying}
    contiguously and holds the other inputs fixed (stride 0).  Returns
    (0, 0) or, at the first row with a problem, (status, row start):
    1 an input outside its domain, 2 a gain or value that is not finite,
    3 a chance probability outside [0, 1], 4 an input beyond the guard
    {guard} or not a number (the values proved finite within it are not
    tested here, nor the finiteness of the inputs tested against it).
    """
    nd = shape.shape[0]
    inner = shape[nd - 1]
    n = out.shape[0]
    if n == 0:
        return 0, 0
    n_outer = n // inner
    idx = np.zeros(nd, np.int64)
    off = np.zeros({n_inputs}, np.int64)
    pos = 0
    for _row in range(n_outer):
{row_loads}
        dst = out[pos:pos + inner]
        bad_input = False
        big = False
        bad_gain = False
        bad_prob = False
        for j in range(inner):
{point_loads}
            bad_input |= not ({valid})
            big |= not ({within})
{gains}
            bad_prob |= not ({probs})
{rule}
            bad_gain |= not ({finite})
            dst[j] = {code}
        if bad_input:
            return 1, pos
        if big:
            return 4, pos
        if bad_prob:
            return 3, pos
        if bad_gain:
            return 2, pos
        pos += inner
        d = nd - 2
        while d >= 0:
            idx[d] += 1
            for k in range({n_inputs}):
                off[k] += strides[k, d]
            if idx[d] < shape[d]:
                break
            for k in range({n_inputs}):
                off[k] -= strides[k, d] * shape[d]
            idx[d] = 0
            d -= 1
    return 0, 0
'''


def _all(tests: list[str]) -> str:
    """The conjunction of ``tests`` as a balanced tree of ``&``.

    A balanced tree, not a chain: the chain's long dependency kept LLVM from
    vectorizing the loop (a 23-leaf game ran twice as slowly).
    """
    if not tests:
        return "True"
    terms = [f"({t})" for t in tests]
    while len(terms) > 1:
        terms = [
            f"({terms[i]} & {terms[i + 1]})" if i + 1 < len(terms) else terms[i]
            for i in range(0, len(terms), 2)
        ]
    return terms[0]


def _distinct(names: list[str], rhs: Mapping[str, str]) -> list[str]:
    """``names`` without those printed as the same right-hand side as an earlier one."""
    seen: set[str] = set()
    out = []
    for n in names:
        key = rhs.get(n, n)
        if key not in seen:
            seen.add(key)
            out.append(n)
    return out


def kernel_source(
    game: Game,
    varying: tuple[bool, ...] | None = None,
    cache: bool = False,
    exact: bool = False,
) -> str:
    """Python source of the numba kernel of ``game`` (a module defining ``kernel``).

    Parameters
    ----------
    game : Game
        A game of perfect information.
    varying : tuple of bool, optional
        For each input of :attr:`GainsCode.inputs`, whether it varies along
        the grid's last axis (read contiguously) or not (read once per
        row).  Default: all vary.
    cache : bool, default False
        Whether numba may cache the compiled code on disk (needs the source
        in a file; see :func:`kzgame.numeric.cache.cache_dir`).
    exact : bool, default False
        Test every gain and chance value for finiteness.  By default the
        values :attr:`InductionCode.guarded` proves finite are not tested;
        the kernel tests instead that every input with an unbounded domain
        is within the guard, and returns status 4 at a row where one is not
        (:func:`run_numba` then runs the exact kernel).

    Examples
    --------
    >>> from kzgame.games import period
    >>> src = kernel_source(period("nash"))
    >>> "(share >= 0.0) & (share <= 1.0)" in src and "(power > 0.0) & (power < 1.0)" in src
    True
    """
    ic = induction_code(game)
    ins = ic.gains.inputs
    if varying is None:
        varying = (True,) * len(ins)
    if len(varying) != len(ins):
        raise KzgameError(f"varying needs {len(ins)} flags, got {len(varying)}")
    ind8, ind12 = " " * 8, " " * 12
    row_loads = [
        f"{ind8}r_{k} = a_{k}[off[{i}]:off[{i}] + inner]" if v else f"{ind8}{k} = a_{k}[off[{i}]]"
        for i, (k, v) in enumerate(zip(ins, varying, strict=True))
    ]
    point_loads = [f"{ind12}{k} = r_{k}[j]" for k, v in zip(ins, varying, strict=True) if v]
    rhs = dict(ln.split(" = ", 1) for ln in (*ic.gains.lines, *ic.numba_lines))
    probs = _all([f"({p} >= 0.0) & ({p} <= 1.0)" for p in _distinct(list(ic.probabilities), rhs)])
    guarded = set() if exact else set(ic.guarded)
    tested = [v for v in _distinct(list(ic.finite), rhs) if v not in guarded]
    finite = _all([f"(abs({v}) < inf)" for v in tested])
    unbounded = [
        k for k in ins
        if math.isinf(game.parameters[k].domain.low) or math.isinf(game.parameters[k].domain.high)
    ]  # fmt: skip
    guard = ic.gains.guard
    within = _all([f"abs({k}) <= {guard!r}" for k in unbounded] if guarded else [])
    # An input tested against the guard needs no test of finiteness of its own: an infinity
    # or NaN fails the guard (status 4), and run_numba then reports it (status 1).
    domain_tests = [
        _domain_test(game.parameters[k].domain, k, guarded=bool(guarded) and k in unbounded)
        for k in ins
    ]
    valid = _all([t for t in domain_tests if t is not None])
    return _KERNEL_TEMPLATE.format(
        title=(game.title or "a game").replace("\n", " "),
        cache=bool(cache),
        arrays=", ".join(f"a_{k}" for k in ins) or "_unused=None",
        varying=", ".join(k for k, v in zip(ins, varying, strict=True) if v) or "no input",
        n_inputs=max(1, len(ins)),
        row_loads="\n".join(row_loads) or f"{ind8}pass",
        point_loads="\n".join(point_loads) or f"{ind12}pass",
        valid=valid,
        gains="\n".join(f"{ind12}{ln}" for ln in ic.gains.lines) or f"{ind12}pass",
        probs=probs,
        rule="\n".join(f"{ind12}{ln}" for ln in ic.numba_lines) or f"{ind12}pass",
        finite=finite,
        within=within,
        guard=f"{guard:g}" if guarded and unbounded else "(none)",
        code=ic.code,
    )


def require_numba() -> None:
    """Raise :class:`KzgameError` if numba is not installed."""
    if not NUMBA_AVAILABLE:
        raise KzgameError(
            "the numba backend needs numba, which is not installed; "
            "install the extra with `pip install kzgame[fast]` or use backend='numpy'"
        )


_KERNELS: WeakKeyDictionary[Game, dict] = WeakKeyDictionary()
#: Kernels from the disk cache whose numba files are recorded after their first call.
_UNRECORDED: dict[Any, tuple[Any, str]] = {}


def numba_kernel(
    game: Game, varying: tuple[bool, ...] | None = None, exact: bool = False
) -> Any:
    """The compiled kernel of ``game`` for one pattern of varying inputs (cached).

    Generated by :func:`kernel_source` (``exact`` as there); numba compiles
    it on its first call, or loads it from the disk cache
    (:func:`kzgame.numeric.cache.cache_dir`).

    Raises
    ------
    KzgameError
        If numba is not installed.
    """
    require_numba()
    per_game = _KERNELS.setdefault(game, {})
    key = (varying, exact)
    if key in per_game:
        return per_game[key]
    tag = "".join("v" if v else "c" for v in (varying or ())) + ("x" if exact else "")
    directory = cache_dir()
    kernel = None
    if directory is not None:
        source = kernel_source(game, varying, cache=True, exact=exact)
        try:
            module = import_source(source, directory, tag or "scalar")
            kernel = module.kernel
            check_numba_files(kernel, directory, module.__name__)  # before numba loads them
            _UNRECORDED[kernel] = (directory, module.__name__)
        except PermissionError as e:  # a folder others can write to: compile in memory
            warnings.warn(f"{e}; compiling in memory", RuntimeWarning, stacklevel=2)
            kernel = None
        except (OSError, RuntimeError):  # an unusable cache: compile in memory instead
            kernel = None
    if kernel is None:
        source = kernel_source(game, varying, exact=exact)
        kernel = compile_source(source, f"<kzgame-kernel-{id(game):x}-{tag}>", {})["kernel"]
    per_game[key] = kernel
    return kernel


def run_numba(
    game: Game,
    arrays: Mapping[str, np.ndarray],
    shape: tuple[int, ...],
    atol: float,
) -> tuple[np.ndarray, int, int]:
    """Run the compiled kernel of ``game`` over the broadcast grid of ``arrays``.

    Parameters
    ----------
    game : Game
        A game of perfect information.
    arrays : mapping
        float64 arrays by parameter name (at least :attr:`GainsCode.inputs`),
        broadcastable to ``shape``; not yet validated.
    shape : tuple of int
        The broadcast shape.
    atol : float
        The tie tolerance.

    Returns
    -------
    codes : numpy.ndarray, shape ``shape``, of the game's code dtype
    status : int
        0 if every point was classified; 1 an input outside its domain, 2 a
        gain or value that is not finite, 3 a probability outside [0, 1]
        (the codes are then incomplete).
    start : int
        With a nonzero status, the flat index of the start of the row in
        which the problem was found (0 where an infinite or NaN input was
        found by a check of whole arrays, status 1).
    """
    ic = induction_code(game)
    ins = ic.gains.inputs
    out = np.empty(shape, dtype=code_dtype(game))
    if out.size == 0:
        return out, 0, 0
    if ins:
        bufs, ext, strides = layout([arrays[k] for k in ins], shape)
    else:
        bufs, ext, strides = [], np.array([out.size], np.int64), np.zeros((1, 1), np.int64)
    varying = tuple(bool(s == 1) for s in strides[:, -1]) if ins else ()
    kernel = numba_kernel(game, varying)
    status, start = kernel(ext, strides, out.reshape(-1), float(atol), ic.tables, *bufs)
    _record(kernel)
    if status == 4:  # an input beyond the guard, infinite or NaN
        if not all(_finite(arrays[k]) for k in ins):
            return out, 1, 0  # invalid: reported by validation, without compiling another kernel
        kernel = numba_kernel(game, varying, exact=True)  # it tests every value and decides
        status, start = kernel(ext, strides, out.reshape(-1), float(atol), ic.tables, *bufs)
        _record(kernel)
    return out, int(status), int(start)


def _finite(arr: np.ndarray) -> bool:
    """Whether every element of ``arr`` is finite (two reductions that propagate NaN)."""
    return arr.size == 0 or (math.isfinite(float(arr.min())) and math.isfinite(float(arr.max())))


def _record(kernel: Any) -> None:
    """Record the numba cache files of a kernel loaded from the disk cache, after its first call."""
    entry = _UNRECORDED.pop(kernel, None)  # (dask may run kernels in several threads)
    if entry is not None:  # numba has loaded or written its cache files: record them
        directory, name = entry
        try:
            record_numba_files(kernel, directory, name)
        except OSError:  # a read-only cache: its files are checked again next time
            pass
