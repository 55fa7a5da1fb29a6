"""One registry of parameters: name, domain, default, symbol, LaTeX, label, meaning.

Each parameter of kzgame's games is declared here once, as a
:class:`Parameter` (the pattern of lmfit's ``Parameter``: value bounds and
hints in one object).  Validation, the sympy symbols, the LaTeX of
thresholds, plot labels, the CLI's help and the model files all read it.
Quantities derived from parameters (the stakes Delta_R, Delta_E) are
declared once too, as :class:`Derived` expressions.

A game declares which registry parameters it uses and may declare its own
(:class:`kzgame.game.Game`); a parameter of its own is a :class:`Parameter`
built from a domain name such as ``"unit"``.

Examples
--------
>>> REGISTRY["indispensability"].domain.describe()
'[0, 1]'
>>> REGISTRY["power"].symbol.is_positive
True
>>> DERIVED["stake_r"].expression
-outside_r + share*surplus
>>> make_domain("open-unit").describe()
'(0, 1)'
"""

from __future__ import annotations

import decimal
import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import GameError, ParameterError

if TYPE_CHECKING:  # sympy is imported where a symbol or expression is built
    import sympy as sp

__all__ = [
    "check_atol",
    "check_names",
    "DERIVED",
    "DOMAIN_KINDS",
    "REGISTRY",
    "Derived",
    "Domain",
    "Parameter",
    "make_domain",
    "real_array",
    "short_repr",
]


@dataclass(frozen=True)
class Domain:
    """An interval of the real line, each end open or closed.

    Examples
    --------
    >>> Domain(0.0, 1.0).describe()
    '[0, 1]'
    >>> Domain(0.0, 1.0, low_open=True, high_open=True).contains(1.0)
    False
    """

    low: float = -math.inf
    high: float = math.inf
    low_open: bool = False
    high_open: bool = False

    def describe(self) -> str:
        """The interval in the usual notation, e.g. ``'(0, 1)'``."""

        def fmt(x: float) -> str:
            if math.isinf(x):
                return "inf" if x > 0 else "-inf"
            return f"{x:g}"

        left = "(" if self.low_open or math.isinf(self.low) else "["
        right = ")" if self.high_open or math.isinf(self.high) else "]"
        return f"{left}{fmt(self.low)}, {fmt(self.high)}{right}"

    def mask(self, x: np.ndarray) -> np.ndarray:
        """Boolean array: which finite elements of ``x`` lie in the interval."""
        ok = np.isfinite(x)
        ok &= (x > self.low) if self.low_open else (x >= self.low)
        ok &= (x < self.high) if self.high_open else (x <= self.high)
        return ok

    def contains(self, x: float) -> bool:
        """Whether the number ``x`` is finite and lies in the interval."""
        if type(x) is float:  # the common case, in plain Python (the same comparisons)
            if not -math.inf < x < math.inf:
                return False
            if (x <= self.low) if self.low_open else (x < self.low):
                return False
            return (x < self.high) if self.high_open else (x <= self.high)
        return bool(self.mask(np.asarray(x, dtype=float)))

    def assumptions(self) -> dict[str, bool]:
        """The sympy assumptions a symbol on this domain carries.

        ``positive`` for (0, ...), ``nonnegative`` for [0, ...), else ``real``:
        the assumptions sympy can use to simplify and to decide signs.
        """
        if self.low == 0.0 and self.low_open:
            return {"positive": True}
        if self.low == 0.0:
            return {"nonnegative": True}
        if self.low > 0.0:
            return {"positive": True}
        return {"real": True}


#: Domains by name, for games that declare parameters of their own.
DOMAIN_KINDS: dict[str, Domain] = {
    "real": Domain(),
    "positive": Domain(0.0, math.inf, low_open=True),
    "nonnegative": Domain(0.0, math.inf),
    "unit": Domain(0.0, 1.0),
    "open-unit": Domain(0.0, 1.0, low_open=True, high_open=True),
    "discount": Domain(0.0, 1.0, high_open=True),
}


def check_names(parameters: Mapping[str, Parameter], params: Mapping[str, Any]) -> None:
    """ParameterError unless ``params`` names only ``parameters`` and every one without a default.

    The check behind :meth:`kzgame.game.Game.check_names` and the shipped period game's.

    >>> check_names({"a": REGISTRY["share"]}, {"b": 1.0})
    Traceback (most recent call last):
    ...
    kzgame.errors.ParameterError: unknown parameter(s) b; this game's parameters: a
    """
    unknown = sorted(set(params) - set(parameters))
    if unknown:
        raise ParameterError(
            f"unknown parameter(s) {', '.join(unknown)}; this game's parameters: "
            f"{', '.join(parameters) or 'none'}"
        )
    missing = [k for k, p in parameters.items() if k not in params and p.default is None]
    if missing:
        raise ParameterError(f"missing parameter(s): {', '.join(missing)}")


def check_atol(atol: Any) -> float:
    """``atol`` as a float if it is a finite non-negative real number, else ParameterError.

    The tie tolerance of :func:`kzgame.classify`, :func:`kzgame.solve` and
    :meth:`kzgame.game.pbe.PBESolution.classify`.

    Examples
    --------
    >>> check_atol(0)
    0.0
    >>> check_atol(-1e-9)
    Traceback (most recent call last):
    ...
    kzgame.errors.ParameterError: atol = -1e-09 is outside the allowed range [0, inf)
    """
    if isinstance(atol, bool) or not isinstance(atol, int | float | np.integer | np.floating):
        raise ParameterError(f"atol = {atol!r} is outside the allowed range [0, inf)")
    value = float(atol)
    if not (value >= 0 and np.isfinite(value)):
        raise ParameterError(f"atol = {atol!r} is outside the allowed range [0, inf)")
    return value


def make_domain(spec: Any) -> Domain:
    """A :class:`Domain` from a name of :data:`DOMAIN_KINDS`, a Domain, or ``(low, high)``.

    Raises
    ------
    GameError
        If ``spec`` is none of these.
    """
    if isinstance(spec, Domain):
        return spec
    if isinstance(spec, str) and spec in DOMAIN_KINDS:
        return DOMAIN_KINDS[spec]
    if isinstance(spec, tuple) and len(spec) == 2:
        low, high = (float(x) for x in spec)
        if not low < high:
            raise GameError(f"domain {spec!r}: the lower end must be below the upper end")
        return Domain(low, high)
    raise GameError(
        f"unknown domain {spec!r}; give one of {', '.join(map(repr, DOMAIN_KINDS))}, "
        "a (low, high) pair or a kzgame.game.Domain"
    )


# --------------------------------------------------------------------------
# Real numbers only: the one check every entry point uses


def short_repr(value: Any) -> str:
    """A repr for messages, at most 60 characters (and never an error)."""
    if isinstance(value, int) and value.bit_length() > 150:
        return f"an integer of about {int(value.bit_length() * 0.30103)} digits"
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - a message must not fail
        return f"a {type(value).__name__}"
    return text if len(text) <= 60 else text[:57] + "..."


def _not_real(name: str, value: Any, what: str) -> ParameterError:
    return ParameterError(f"{name} must be a number or an array of numbers (real numbers "
                          f"only), got {what}: {short_repr(value)}")


def _masked(name: str) -> ParameterError:
    return ParameterError(
        f"{name}: masked arrays are not accepted (their mask would be ignored); pass "
        "the unmasked values (arr.compressed()) or fill them (np.ma.filled(arr, value))"
    )


def _real_scalar(name: str, value: Any) -> float:
    """One element: a real number (not a bool), as a float."""
    if isinstance(value, bool | np.bool_):
        raise ParameterError(f"{name} = {value!r} is a boolean, not a number; give 0 or 1")
    if isinstance(value, np.ma.MaskedArray) or value is np.ma.masked:
        raise _masked(name)
    if not isinstance(value, numbers.Real | decimal.Decimal):
        raise _not_real(name, value, f"a {type(value).__name__}")
    try:
        return float(value)
    except OverflowError:
        raise ParameterError(
            f"{name} = {short_repr(value)} is too large for a float (|x| < 1.8e308)"
        ) from None


def _plain(value: Any) -> bool:
    """Whether ``value`` is an exact ``float`` or ``int`` that fits a float (the fast case)."""
    return type(value) in (float, int) and -1e308 < value < 1e308


def real_array(name: str, value: Any) -> np.ndarray:
    """``value`` as a float64 array of real numbers (domain not checked).

    The one definition of what a parameter value may be, used by
    :meth:`Parameter.check` and so by every entry point (:class:`kzgame.Period`,
    :func:`kzgame.classify`, thresholds' functions, the tolerance band, Monte
    Carlo and sweeps).  Ints, floats, Fractions, Decimals and numpy integer
    and floating types pass (float64 arrays without a copy); booleans,
    complex numbers, strings, bytes, datetimes and timedeltas, None, other
    objects, arrays of any of these and masked arrays (whose mask would be
    ignored) raise :class:`ParameterError` naming the parameter.

    Examples
    --------
    >>> real_array("share", [0.25, 1])
    array([0.25, 1.  ])
    >>> real_array("share", "0.5")
    Traceback (most recent call last):
    ...
    kzgame.errors.ParameterError: share must be a number ... got a str: '0.5'
    >>> real_array("share", np.ma.array([0.5, 7.0], mask=[0, 1]))
    Traceback (most recent call last):
    ...
    kzgame.errors.ParameterError: share: masked arrays are not accepted ...
    """
    if type(value) is np.ndarray and value.dtype.kind in "iuf":
        return np.asarray(value, dtype=np.float64)  # the common case: no copy for float64
    if _plain(value):
        return np.asarray(float(value))
    if isinstance(value, np.ma.MaskedArray) or value is np.ma.masked:
        raise _masked(name)
    if isinstance(value, str | bytes | bytearray | memoryview):
        raise _not_real(name, value, f"a {type(value).__name__}")
    if isinstance(value, bool | np.bool_):
        _real_scalar(name, value)  # raises the boolean message
    if isinstance(value, list | tuple) and all(_plain(v) for v in value):
        return np.array(value, dtype=np.float64)  # a flat list of floats, fast
    dtype = getattr(value, "dtype", None)
    if dtype is not None and not isinstance(dtype, np.dtype):
        try:
            dtype = np.dtype(dtype)
        except TypeError:
            dtype = None
    if dtype is not None and dtype.kind in "iuf":
        arr = np.asanyarray(value)  # numpy scalars, ndarray subclasses, array-likes
        if isinstance(arr, np.ma.MaskedArray):  # an array-like whose values are masked
            raise _masked(name)
        if arr.dtype.kind in "iuf":
            return np.asarray(arr, dtype=np.float64)
        dtype = arr.dtype
    if dtype is not None and dtype.kind not in "iufO":
        raise _not_real(name, value, f"dtype {dtype}")
    if isinstance(value, list | tuple | np.ndarray) or dtype is not None:
        try:
            obj = np.asarray(value, dtype=object)
        except (TypeError, ValueError):
            raise _not_real(name, value, "a ragged sequence") from None
        flat = [_real_scalar(name, v) for v in obj.flat]
        return np.array(flat, dtype=np.float64).reshape(obj.shape)
    return np.asarray(_real_scalar(name, value))


@dataclass(frozen=True)
class Parameter:
    """A parameter: its name and everything derived from it.

    Attributes
    ----------
    name : str
        A Python identifier: the keyword in ``solve``/``classify`` and the
        sympy symbol's name.
    domain : Domain
        The values allowed; anything else raises :class:`ParameterError`.
    default : float or None
        The value used when none is given (None: required).
    latex : str
        The symbol in LaTeX, e.g. ``r"\\iota"``.
    meaning : str
        One line on what it is.
    """

    name: str
    domain: Domain = field(default_factory=Domain)
    default: float | None = None
    latex: str = ""
    meaning: str = ""

    def __post_init__(self) -> None:
        if not (isinstance(self.name, str) and self.name.isidentifier()):
            raise GameError(f"parameter name {self.name!r} is not a Python identifier")
        if not self.latex:
            import sympy as sp

            object.__setattr__(self, "latex", sp.latex(sp.Symbol(self.name)))
        if self.default is not None and not self.domain.contains(self.default):
            raise GameError(
                f"parameter {self.name}: default {self.default!r} is outside its domain "
                f"{self.domain.describe()}"
            )

    @cached_property
    def symbol(self) -> sp.Symbol:
        """The sympy symbol, with the assumptions of its domain."""
        import sympy as sp

        return sp.Symbol(self.name, **self.domain.assumptions())

    @property
    def label(self) -> str:
        """The plot label: the LaTeX symbol in matplotlib math text, e.g. ``'$\\iota$'``."""
        return f"${self.latex}$"

    def check(self, value: Any) -> np.ndarray:
        """``value`` as a float64 array, checked against the domain.

        Raises
        ------
        ParameterError
            If ``value`` is not made of real numbers (:func:`real_array`:
            booleans, complex numbers, strings, datetimes, masked arrays...),
            or an element is NaN, infinite or outside the domain; the message
            names the parameter, the first offending value and the allowed
            range.

        Examples
        --------
        >>> REGISTRY["share"].check(0.25)
        array(0.25)
        >>> REGISTRY["survival"].check([0.5, 1.5])
        Traceback (most recent call last):
        ...
        kzgame.errors.ParameterError: survival = 1.5 is outside the allowed range [0, 1]
        """
        arr = real_array(self.name, value)
        ok = self.domain.mask(arr)
        if not ok.all():
            bad = arr[~ok] if arr.ndim else arr
            first = float(bad.flat[0])
            if math.isfinite(first):
                raise ParameterError(
                    f"{self.name} = {first!r} is outside the allowed range "
                    f"{self.domain.describe()}"
                )
            raise ParameterError(
                f"{self.name} = {first!r} is not a finite number "
                f"(allowed range {self.domain.describe()})"
            )
        return arr


_D = DOMAIN_KINDS

#: The parameters of the period game (MODEL.md, "Parameters of one period"), in order.
REGISTRY: dict[str, Parameter] = {
    p.name: p
    for p in (
        Parameter("surplus", _D["positive"], 1.0, "V",
                  "value the regime creates per period when it works"),
        Parameter("share", _D["unit"], None, "s",
                  "R's share of V under the current rules (the status quo)"),
        Parameter("outside_r", _D["real"], None, "o_R",
                  "R's payoff if the regime collapses (its external options)"),
        Parameter("outside_e", _D["real"], None, "o_E", "E's payoff if the regime collapses"),
        Parameter("indispensability", _D["unit"], None, r"\iota",
                  "fraction of the regime's value to E lost if R withdraws, as E perceives it"),
        Parameter("survival", _D["unit"], None, "q",
                  "probability the regime survives the period if R does not invest"),
        Parameter("invest_cost", _D["nonnegative"], None, "c",
                  "R's cost of investing (concessions it makes to build the regime)"),
        Parameter("power", _D["open-unit"], 0.5, r"\beta",
                  "R's bargaining power when it reopens the terms (nash protocol)"),
        Parameter("holdup_cost", _D["nonnegative"], 0.0, "h",
                  "R's cost of staging a hold-up (crisis, trade war, reputation)"),
        Parameter("discount_r", _D["discount"], 0.9, r"\delta_R",
                  "R's discount factor between offers (rubinstein protocol)"),
        Parameter("discount_e", _D["discount"], 0.9, r"\delta_E",
                  "E's discount factor between offers (rubinstein protocol)"),
    )
}  # fmt: skip


@dataclass(frozen=True)
class Derived:
    """A quantity defined from parameters, used to state and simplify results.

    Gains and thresholds are written in derived quantities where a game
    declares them: every occurrence of ``eliminates`` is replaced by its
    value in terms of the derived symbol, so that, for instance, payoffs in
    o_R become expressions in the stake Delta_R = sV - o_R.

    Attributes
    ----------
    name : str
        The symbol's name (``stake_r``).
    definition : str
        Its definition in registry parameters, read by the safe parser.
    eliminates : str
        The parameter it replaces (which must enter ``definition`` linearly).
    latex : str
        The symbol in LaTeX.
    meaning : str
        One line on what it is.
    """

    name: str
    definition: str
    eliminates: str
    latex: str
    meaning: str

    @cached_property
    def symbol(self) -> sp.Symbol:
        """The sympy symbol (real)."""
        import sympy as sp

        return sp.Symbol(self.name, real=True)

    @cached_property
    def expression(self) -> sp.Expr:
        """The definition as a sympy expression in the registry's symbols."""
        from .expr import parse_expression

        return parse_expression(
            self.definition, {k: p.symbol for k, p in REGISTRY.items()}, where=self.name
        )

    @cached_property
    def inverse(self) -> sp.Expr:
        """The eliminated parameter in terms of this symbol and the others.

        Examples
        --------
        >>> DERIVED["stake_e"].inverse
        -stake_e + surplus*(1 - share)
        """
        import sympy as sp

        x = REGISTRY[self.eliminates].symbol
        slope = sp.expand(self.expression).coeff(x)
        rest = self.expression.subs(x, 0)
        if slope.is_zero or slope.has(x) or not slope.is_number:
            raise GameError(f"derived {self.name}: {self.eliminates} does not enter linearly")
        return (self.symbol - rest) / slope

    @cached_property
    def arguments(self) -> tuple[str, ...]:
        """The parameters the definition uses, in registry order."""
        names = {str(x) for x in self.expression.free_symbols}
        return tuple(k for k in REGISTRY if k in names)

    @cached_property
    def function(self):
        """The definition as a numpy function of :attr:`arguments` (broadcasting)."""
        import sympy as sp

        return sp.lambdify([REGISTRY[k].symbol for k in self.arguments], self.expression)

    def evaluate(self, values: Any) -> Any:
        """The value at ``values`` (numbers or arrays by parameter name).

        Examples
        --------
        >>> DERIVED["stake_e"].evaluate({"share": 0.25, "surplus": 1.0, "outside_e": 0.5})
        0.25
        """
        return self.function(*(values[k] for k in self.arguments))


#: The stakes: how much each side loses if the regime collapses (MODEL.md).
DERIVED: dict[str, Derived] = {
    d.name: d
    for d in (
        Derived("stake_r", "share*surplus - outside_r", "outside_r", r"\Delta_{R}",
                "R's stake: what R loses if the regime collapses (large: unfavourable "
                "outside options)"),
        Derived("stake_e", "(1 - share)*surplus - outside_e", "outside_e", r"\Delta_{E}",
                "E's stake: what E loses if the regime collapses"),
    )
}  # fmt: skip
