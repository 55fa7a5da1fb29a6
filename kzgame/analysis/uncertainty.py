"""Uncertainty: Monte Carlo over a period's ranges, and which range matters most.

A calibrated period gives each parameter a point value and a plausible range
(:class:`kzgame.io.cases.ParamSpec`).  :func:`monte_carlo` draws every uncertain
parameter independently from its range, classifies all draws at once with
:func:`kzgame.classify`, and reports

* the share of draws in each strategy (the *robustness* of the point
  classification is the share of its strategy);
* for each parameter, a first-order variance-based sensitivity index of the
  strategy (:attr:`Sensitivity.first_order`): the share of the variance of
  the strategy's one-hot indicator that the parameter explains alone,
  Var(E[Y | X_i]) / Var(Y) summed over the strategies (for two strategies
  this is exactly the first-order Sobol index of the indicator "the draw
  gives strategy k").  It is estimated from the same draws (Plischke's
  "given data" estimator, so it costs no extra classification): X_i is
  binned into bins of equal probability under its distribution (edges at
  the distribution's quantiles, so binning is one pass, no sort), one
  ``bincount`` tabulates strategy by bin, and the bins' sampling noise is
  subtracted.  With ``method="sobol"`` the first- and total-order Sobol
  indices with 95 % confidence intervals come from SALib instead (an
  optional extra);
* for each parameter, a one-at-a-time swing (:attr:`Sensitivity.swing`):
  the share of the parameter's range over which the strategy differs from
  the point strategy when every other parameter stays at its point value.

Distributions: ``uniform`` on [low, high] (the default: the range is all we
know), ``triangular`` and ``pert`` (beta-PERT with shape 4) with their mode
at the point value.  Parameters whose range is a single point are not drawn.

Inputs are real numbers only (``int``, ``float``, ``Fraction``,
``Decimal``, numpy integer and floating types): booleans, complex numbers,
strings, bytes, datetimes and masked arrays are refused with a
:class:`~kzgame.errors.ParameterError` naming the parameter.  Sizes are
checked before anything is allocated (:data:`MAX_BYTES`).

Examples
--------
>>> from kzgame import Period
>>> from kzgame.analysis.uncertainty import monte_carlo
>>> ranges = {"share": 0.5, "outside_r": (0.2, 0.0, 0.45), "outside_e": 0.0,
...           "indispensability": 0.9, "survival": 0.8, "invest_cost": 0.05}
>>> mc = monte_carlo(ranges, n=20_000, seed=1)
>>> mc.point.value
'hold-up'
>>> sorted(k.value for k, v in mc.shares.items() if v > 0)
['hold-up', 'invest']
>>> round(sum(mc.shares.values()), 12)
1.0
>>> mc.sensitivity[0].parameter
'outside_r'
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from ..game.registry import short_repr
from ..numeric.classify import DEFAULTS, check_names, classify
from ..numeric.period_plans import period_game
from ..params import PARAMETERS, KzgameError, ParameterError, Period, check_parameter
from ..strategy import Strategy

__all__ = [
    "DISTRIBUTIONS",
    "MAX_BYTES",
    "METHODS",
    "MonteCarloResult",
    "Sensitivity",
    "case_monte_carlo",
    "draw",
    "monte_carlo",
    "triples",
]

#: The distributions :func:`monte_carlo` can draw from.
DISTRIBUTIONS: tuple[str, ...] = ("uniform", "triangular", "pert")

#: How :func:`monte_carlo` estimates the sensitivity indices: ``given-data``
#: (binned, from the draws themselves, no extra classification) or ``sobol``
#: (SALib's Sobol first- and total-order indices with confidence intervals).
METHODS: tuple[str, ...] = ("given-data", "sobol")

#: Points of the one-at-a-time grid over each parameter's range.
OAT_POINTS = 401

#: Memory (bytes) one Monte Carlo run or sweep may hold at once; larger
#: requests are refused before anything is allocated, with the size they would
#: need.  Raise it (``kzgame.analysis.uncertainty.MAX_BYTES = ...``) on a larger machine,
#: or use :mod:`kzgame.analysis.distributed`.
MAX_BYTES: int = 2 * 1024**3

#: Largest number of bins of the given-data estimator.
MAX_BINS = 10_000

#: Smallest base sample of the Sobol estimator (SALib's N; N (D + 2) evaluations).
SOBOL_MIN_BASE = 64

#: Bootstrap resamples of the Sobol confidence intervals.
SOBOL_RESAMPLES = 100

Triple = tuple[float, float, float]

# Bytes held per draw: the codes, and 16 for the temporaries of classify and the
# sensitivity (whose buffers are cache-sized blocks); plus 8 per drawn parameter.
_BYTES_PER_DRAW = 1 + 8 + 8


def human_bytes(size: float) -> str:
    """``size`` bytes in binary units, for messages.

    Examples
    --------
    >>> human_bytes(512), human_bytes(3 * 1024**3), human_bytes(1e20)
    ('512 B', '3.0 GiB', '86.7 EiB')
    """
    units = ("B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB")
    try:
        size = float(size)
    except OverflowError:  # an integer beyond floats (--draws of 400 digits)
        return f"1e{int(int(size).bit_length() * 0.30103)} B"
    for unit in units[:-1]:
        if size < 1024:
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.3g} {units[-1]}"


def _count(n: int) -> str:
    """A count for messages: with thousands separators, or its size if it is huge."""
    return f"{n:,}" if n < 10**30 else short_repr(n)


def check_memory(what: str, needed: int, hint: str = "") -> None:
    """Raise :class:`KzgameError` if ``needed`` bytes exceed :data:`MAX_BYTES`.

    Examples
    --------
    >>> check_memory("n = 10 draws", 100)
    >>> check_memory("n = 10**12 draws", 10**12 * 17)
    Traceback (most recent call last):
    ...
    kzgame.errors.KzgameError: n = 10**12 draws would need about 15.5 TiB of memory, ...
    """
    if needed > MAX_BYTES:
        raise KzgameError(
            f"{what} would need about {human_bytes(needed)} of memory, more than the "
            f"{human_bytes(MAX_BYTES)} limit (kzgame.analysis.uncertainty.MAX_BYTES)"
            + (f"; {hint}" if hint else "")
        )


def check_flag(name: str, value: Any) -> bool:
    """``value`` if it is a bool, else :class:`KzgameError` (no truthy strings)."""
    if not isinstance(value, bool | np.bool_):
        raise KzgameError(f"{name} = {short_repr(value)}: give True or False")
    return bool(value)


def check_int(name: str, value: Any, low: int, high: int | None = None,
               why: str = "") -> int:
    """``value`` as an int in [low, high], else :class:`ParameterError` naming the range."""
    ok = not isinstance(value, bool | np.bool_) and isinstance(value, int | np.integer)
    if ok:
        value = int(value)
        ok = value >= low and (high is None or value <= high)
    if not ok:
        allowed = f"an integer >= {low}" if high is None else (
            f"an integer from {low} to {high}" if high >= low else "no value (the range is empty)")
        raise ParameterError(f"{name} = {short_repr(value)}: give {allowed}{why}")
    return value


def _triple(name: str, v: Any) -> Triple:
    """``(low, mode, high)`` from a number, ``(low, high)`` or ``(mode, low, high)``."""
    if isinstance(v, list | tuple) or (isinstance(v, np.ndarray) and v.ndim == 1):
        arr: np.ndarray | None = check_parameter(name, v)
        if arr is None or arr.ndim != 1:
            arr = None
        elif arr.size == 2:
            low, high = (float(x) for x in arr)
            mode = 0.5 * (low + high)
            if not math.isfinite(mode):  # the widest legal ranges: no overflow
                mode = 0.5 * low + 0.5 * high
        elif arr.size == 3:
            mode, low, high = (float(x) for x in arr)
        else:
            arr = None
    else:
        arr = check_parameter(name, v)
        if arr.ndim == 0:
            mode = low = high = float(arr)
        else:
            arr = None
    if arr is None:
        raise ParameterError(
            f"{name}: give a number, (low, high) or (mode, low, high), got {short_repr(v)}"
        )
    if not low <= mode <= high:
        raise ParameterError(
            f"{name}: point value {mode:g} is not within its range [{low:g}, {high:g}]"
        )
    if not math.isfinite(high - low):
        raise ParameterError(
            f"{name}: the range [{low:g}, {high:g}] is too wide to draw from (its width "
            "overflows a float); narrow it"
        )
    return (low, mode, high)


def triples(target: Any) -> dict[str, Triple]:
    """``(low, mode, high)`` of every parameter of ``target``.

    Parameters
    ----------
    target : CasePeriod, Period or mapping
        A calibrated period (its specs' ranges and values); a
        :class:`kzgame.Period` (every range a point); or a mapping from
        parameter name to a number (a point), ``(low, high)`` (mode at the
        midpoint) or ``(mode, low, high)``.  Missing optional parameters
        get :class:`kzgame.Period`'s defaults.

    Returns
    -------
    dict
        name -> (low, mode, high), for every name in
        :data:`kzgame.params.PARAMETERS`, checked against the domains.

    Raises
    ------
    ParameterError
        On an unknown or missing parameter, a value that is not a real
        number (see :meth:`kzgame.game.registry.Parameter.check`) or is outside its domain, a mode
        outside its range, or a range too wide to draw from (its width
        overflows a float).

    Examples
    --------
    >>> triples({"share": (0.5, 0.4, 0.6), "outside_r": 0, "outside_e": 0,
    ...          "indispensability": (0.2, 0.8), "survival": 1,
    ...          "invest_cost": 0})["indispensability"]
    (0.2, 0.5, 0.8)
    >>> triples({"share": 0.5, "outside_r": (-1e308, 1e308), "outside_e": 0,
    ...          "indispensability": 1, "survival": 1, "invest_cost": 0})
    Traceback (most recent call last):
    ...
    kzgame.errors.ParameterError: outside_r: the range [-1e+308, 1e+308] is too wide ...
    """
    if isinstance(target, Period):
        raw: Mapping[str, Any] = target.as_dict()
    elif hasattr(target, "specs"):  # a model file's period: values with their ranges
        raw = {k: (s.value, s.low, s.high) for k, s in target.specs.items()}
    elif isinstance(target, Mapping):
        raw = target
    else:
        raise TypeError(
            "expected a model file's period (kzgame.io.cases.CasePeriod), a Period or a mapping "
            f"of parameters, got {type(target).__name__}"
        )
    check_names(raw)
    return {name: _triple(name, raw.get(name, DEFAULTS.get(name))) for name in PARAMETERS}


def check_seed(seed: Any) -> int:
    """``seed`` as an int, or KzgameError unless it is a non-negative integer."""
    if isinstance(seed, bool | np.bool_) or not isinstance(seed, int | np.integer) or seed < 0:
        raise KzgameError(f"seed = {short_repr(seed)}: give a non-negative integer")
    return int(seed)


def check_choice(what: str, value: Any, choices: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in choices:
        raise KzgameError(
            f"unknown {what} {short_repr(value)}; known {what}s: {', '.join(choices)}"
        )
    return value


def check_distribution(distribution: Any) -> str:
    return check_choice("distribution", distribution, DISTRIBUTIONS)


def _check_ranges(ranges: Mapping[str, Any]) -> dict[str, Triple]:
    """Ranges given to :func:`draw` directly: names known, triples ordered and finite."""
    if not isinstance(ranges, Mapping):
        raise TypeError(f"expected a mapping of name -> (low, mode, high), got "
                        f"{type(ranges).__name__}")
    check_names(ranges, required=())
    out = {}
    for name, t in ranges.items():
        sequence = isinstance(t, list | tuple) or (isinstance(t, np.ndarray) and t.ndim == 1)
        if not sequence or len(t) != 3:
            raise ParameterError(f"{name}: give (low, mode, high), got {short_repr(t)}")
        low, mode, high = check_parameter(name, t)
        out[name] = _triple(name, (mode, low, high))
    return out


def _ppf(u: Any, low: float, mode: float, high: float, distribution: str) -> np.ndarray:
    """The quantile function of ``distribution`` on [low, high] at probabilities ``u``."""
    u = np.asarray(u, dtype=np.float64)
    width = high - low
    if distribution == "uniform":
        x = low + width * u
    elif distribution == "triangular":
        left = np.sqrt(u * width * (mode - low))
        right = np.sqrt((1.0 - u) * width * (high - mode))
        x = np.where(u * width < mode - low, low + left, high - right)
    else:
        from scipy.special import betaincinv

        a, b = _pert_shape(low, mode, high)
        x = low + width * betaincinv(a, b, u)
    return np.clip(x, low, high)


def _pert_shape(low: float, mode: float, high: float) -> tuple[float, float]:
    width = high - low
    return 1.0 + 4.0 * (mode - low) / width, 1.0 + 4.0 * (high - mode) / width


def draw(
    ranges: Mapping[str, Triple],
    n: int,
    rng: np.random.Generator,
    distribution: str = "uniform",
) -> dict[str, np.ndarray | float]:
    """Draw ``n`` values of each uncertain parameter, independently.

    Parameters
    ----------
    ranges : mapping
        name -> (low, mode, high), as :func:`triples` returns.
    n : int
        Number of draws (>= 1; with the drawn parameters within
        :data:`MAX_BYTES`).
    rng : numpy.random.Generator
        The random stream (seed it for reproducible results).
    distribution : {"uniform", "triangular", "pert"}
        ``uniform`` on [low, high]; ``triangular`` on [low, high] with its
        mode at the point value; ``pert``: low + (high - low) * Beta(a, b)
        with a = 1 + 4 (mode - low) / (high - low), b = 1 + 4 (high - mode) /
        (high - low) (mean (low + 4 mode + high) / 6).

    Returns
    -------
    dict
        name -> array of ``n`` draws, or the float point value where
        low == high (nothing is drawn for it).

    Raises
    ------
    ParameterError
        On a bad ``n``, an unknown name, or a range that is not an ordered,
        finite ``(low, mode, high)`` of real numbers.
    KzgameError
        On an unknown distribution, an ``rng`` that is not a Generator, or
        draws that would not fit in :data:`MAX_BYTES`.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> d = draw({"share": (0.4, 0.5, 0.6), "surplus": (1.0, 1.0, 1.0)}, 5, rng, "pert")
    >>> d["surplus"], d["share"].shape, bool(((d["share"] >= 0.4) & (d["share"] <= 0.6)).all())
    (1.0, (5,), True)
    """
    check_distribution(distribution)
    n = check_int("n", n, 1, why=" (the number of draws)")
    if not isinstance(rng, np.random.Generator):
        raise KzgameError(f"rng = {short_repr(rng)}: give a numpy.random.Generator "
                          "(numpy.random.default_rng(seed))")
    ranges = _check_ranges(ranges)
    drawn = sum(low != high for low, _, high in ranges.values())
    check_memory(f"n = {_count(n)} draws of {drawn} parameter(s)", n * 8 * drawn)
    return _draw(ranges, n, rng, distribution)


def _draw(ranges: Mapping[str, Triple], n: int, rng: np.random.Generator,
          distribution: str) -> dict[str, Any]:
    """:func:`draw` on checked input."""
    out: dict[str, Any] = {}
    for name, (low, mode, high) in ranges.items():
        if low == high:
            out[name] = low
        elif distribution == "uniform":
            out[name] = rng.uniform(low, high, n)
        elif distribution == "triangular":
            out[name] = rng.triangular(low, mode, high, n)
        else:
            a, b = _pert_shape(low, mode, high)
            out[name] = low + (high - low) * rng.beta(a, b, n)
        if isinstance(out[name], np.ndarray):
            # Guard rounding at the ends of open domains (power in (0, 1)).
            np.clip(out[name], low, high, out=out[name])
    return out


@dataclass(frozen=True)
class Sensitivity:
    """How much one parameter's uncertainty moves the strategy.

    Attributes
    ----------
    parameter : str
    first_order : float
        Share of the strategy's variance this parameter explains alone
        (0 to 1; see the module docstring).  0 for a parameter with no range.
        With ``method="sobol"`` SALib's estimate, which sampling noise can
        put slightly outside [0, 1].
    swing : float
        Share of the parameter's range over which, all else at the point
        values, the strategy differs from the point strategy (0 to 1).
    at_low, at_high : Strategy
        The strategy at the ends of the range, all else at the point values.
    first_order_ci : float or None
        Half-width of the 95 % confidence interval of ``first_order``
        (``method="sobol"`` only).
    total_order, total_order_ci : float or None
        The total-order Sobol index (the share of the variance the parameter
        explains alone or with others) and its 95 % half-width
        (``method="sobol"`` only).
    """

    parameter: str
    first_order: float
    swing: float
    at_low: Strategy
    at_high: Strategy
    first_order_ci: float | None = None
    total_order: float | None = None
    total_order_ci: float | None = None


@dataclass(frozen=True)
class MonteCarloResult:
    """What :func:`monte_carlo` returns.

    Attributes
    ----------
    n : int
        Number of draws.
    seed : int or None
        The seed (None if a Generator or fresh entropy was used).
    distribution, protocol : str
    point : Strategy
        The strategy at the point values.
    counts : dict of Strategy to int
        Draws per strategy (every strategy is a key).
    sensitivity : tuple of Sensitivity
        One per parameter, most influential first (by ``first_order``, then
        ``swing``).
    samples : dict of str to numpy.ndarray, or None
        The draws (point parameters as 0-d arrays), if kept.
    codes : numpy.ndarray or None
        The strategy code of each draw, if kept.
    method : str
        How the sensitivity indices were estimated (:data:`METHODS`).
    """

    n: int
    seed: int | None
    distribution: str
    protocol: str
    point: Strategy
    counts: dict[Strategy, int]
    sensitivity: tuple[Sensitivity, ...]
    samples: dict[str, np.ndarray] | None = None
    codes: np.ndarray | None = None
    method: str = "given-data"

    @property
    def shares(self) -> dict[Strategy, float]:
        """Share of draws in each strategy (they sum to one)."""
        return {s: c / self.n for s, c in self.counts.items()}

    @property
    def robustness(self) -> float:
        """Share of draws giving the point strategy."""
        return self.counts[self.point] / self.n

    @property
    def most_influential(self) -> str | None:
        """The parameter with the largest first-order index (None if nothing varies)."""
        top = self.sensitivity[0] if self.sensitivity else None
        if top is None or (top.first_order == 0 and top.swing == 0):
            return None
        return top.parameter

    def sensitivity_of(self, parameter: str) -> Sensitivity:
        """The :class:`Sensitivity` entry of ``parameter``."""
        for s in self.sensitivity:
            if s.parameter == parameter:
                return s
        raise KzgameError(f"no sensitivity entry for {parameter!r}")

    def to_pandas(self, table: str = "shares") -> Any:
        """The shares, the sensitivity table or the kept draws as a :class:`pandas.DataFrame`.

        ``table`` is ``"shares"``, ``"sensitivity"`` or ``"draws"``
        (:func:`kzgame.analysis.frames.monte_carlo_frame`; needs the
        ``frames`` extra).
        """
        from .frames import monte_carlo_frame

        return monte_carlo_frame(self, table)


_K = len(Strategy)


def _binner(triple: Triple, distribution: str, bins: int) -> tuple:
    """What :func:`_bin_into` needs to bin draws of one parameter, computed once.

    ``(low, scale, base, cut)``: for the uniform distribution the bin is
    ``floor((x - low) * scale)`` (``base`` is None); for the others ``x``
    falls in one of ``8 bins`` equal cells of the range, and each cell holds
    at most one of the quantile edges (the densities are at most 5 / (high -
    low)), so a draw's bin is its cell's first bin ``base`` plus one
    comparison with the edge ``cut`` in the cell.  The scale is a hair under
    cells / (high - low), so ``x = high`` falls in the last cell without a
    clip (rounding is monotone: x - low <= high - low).
    """
    low, mode, high = triple
    shrink = 1.0 - 2.0**-40
    if distribution == "uniform":
        return low, bins / (high - low) * shrink, None, None
    edges = _ppf(np.arange(1, bins) / bins, low, mode, high, distribution)
    cells = 8 * bins
    bounds = low + (high - low) * (np.arange(cells + 1) / cells)
    base = np.searchsorted(edges, bounds[:-1], side="right")
    if np.any(np.searchsorted(edges, bounds[1:], side="left") - base > 1):  # pragma: no cover
        return low, None, edges, None  # two edges in a cell: search them all
    after = np.append(edges, np.inf)[base]  # the first edge right of each cell's left end
    cut = np.where(after < bounds[1:], after, np.inf)
    return low, cells / (high - low) * shrink, base, cut


def _buffers(size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Scratch arrays of :func:`_bin_into`: float, two intp, bool."""
    return (np.empty(size), np.empty(size, dtype=np.intp), np.empty(size, dtype=np.intp),
            np.empty(size, dtype=bool))


def _bin_into(x: np.ndarray, binner: tuple, bufs: tuple) -> np.ndarray:
    """Bin of each draw among bins of equal probability (one pass, no sort, no allocation;
    see :func:`_binner`), written into one of the buffers ``bufs`` (:func:`_buffers`)."""
    low, scale, base, cut = binner
    fbuf, ibuf, jbuf, bbuf = (b[:x.size] for b in bufs)
    if scale is None:  # pragma: no cover - see _binner
        ibuf[:] = np.searchsorted(base, x, side="right")
        return ibuf
    np.subtract(x, low, out=fbuf)
    fbuf *= scale
    np.copyto(ibuf, fbuf, casting="unsafe")
    if base is None:
        return ibuf
    # The cell's edge, and its first bin; "clip" skips the bounds checks (ibuf is in range).
    np.take(cut, ibuf, out=fbuf, mode="clip")
    np.greater_equal(x, fbuf, out=bbuf)
    np.take(base, ibuf, out=jbuf, mode="clip")
    jbuf += bbuf
    return jbuf


def _bin_index(x: np.ndarray, triple: Triple, distribution: str, bins: int) -> np.ndarray:
    """Bin of each draw among ``bins`` bins of equal probability (see :func:`_binner`)."""
    return _bin_into(x, _binner(triple, distribution, bins), _buffers(x.size)).copy()


def _strategy_by_bin(b: np.ndarray, codes: np.ndarray, bins: int) -> np.ndarray:
    """Counts of each strategy in each bin, shape (bins, 4): one ``bincount``."""
    index = codes.astype(np.intp)
    index *= bins
    index += b
    return np.bincount(index, minlength=bins * _K).reshape(_K, bins).T


#: Draws binned per block by the given-data estimator (its buffers stay in the cache).
BIN_BLOCK = 1 << 15


def _first_order_indices(samples: Mapping[str, Any], ranges: Mapping[str, Triple],
                         names: list[str], codes: np.ndarray, distribution: str, bins: int,
                         total_var: float) -> dict[str, float]:
    """The given-data first-order index of each of ``names``.

    One pass over the draws, a block of :data:`BIN_BLOCK` draws at a time
    (small enough for the cache), binning every parameter and counting
    strategy by bin with one ``bincount`` on the flat index bin + bins * code.
    """
    n = codes.size
    block = min(n, BIN_BLOCK)
    tables = {name: np.zeros(bins * _K, dtype=np.int64) for name in names}
    binners = {name: _binner(ranges[name], distribution, bins) for name in names}
    bufs = _buffers(block)
    offset = np.empty(block, dtype=np.intp)
    for start in range(0, n, block):
        stop = min(start + block, n)
        m = stop - start
        np.copyto(offset[:m], codes[start:stop])  # int8 -> intp first: 3 * bins > 127
        offset[:m] *= bins
        for name in names:
            b = _bin_into(samples[name][start:stop], binners[name], bufs)
            b += offset[:m]
            tables[name] += np.bincount(b, minlength=bins * _K)
    return {name: _first_order_from_table(t.reshape(_K, bins).T, total_var)
            for name, t in tables.items()}


def _first_order_from_table(table: np.ndarray, total_var: float) -> float:
    """Binned estimate of sum_k Var(E[Y_k | x]) / total_var, bias-corrected, in [0, 1].

    ``table[b, k]`` is the number of draws of strategy k in bin b.  Empty bins
    carry no weight and are dropped (they are what made the old estimator's
    NaN).  With equal bin sizes this is exactly the equal-count estimator.
    """
    table = table[table.sum(axis=1) > 0].astype(np.float64)
    size = table.sum(axis=1)
    n = float(size.sum())
    if total_var <= 0 or n == 0:
        return 0.0
    m = table / size[:, None]
    p = table.sum(axis=0) / n
    weight = size / n
    between = float(np.sum(weight[:, None] * (m - p) ** 2))
    # Unbiased within-bin variance of the indicators, per bin.
    within = np.sum(m * (1 - m), axis=1) * size / np.maximum(size - 1, 1)
    # Each bin mean carries sampling noise var_b / n_b; summed with weights
    # n_b / n over the bins, less the grand mean's own noise.
    noise = float(within.sum() - np.dot(weight, within)) / n
    s = (between - noise) / total_var
    if not math.isfinite(s):  # pragma: no cover - every term is finite by construction
        raise KzgameError("the first-order estimate is not finite")
    return min(1.0, max(0.0, s))


def _default_bins(n: int) -> int:
    return int(min(50, max(2, math.sqrt(n) / 2)))


def _one_at_a_time(ranges: Mapping[str, Triple], names: list[str],
                   point_values: Mapping[str, float], protocol: str) -> dict[str, np.ndarray]:
    """The strategy on each parameter's OAT grid, all parameters in one classify call."""
    if not names:
        return {}
    size = OAT_POINTS * len(names)
    values: dict[str, Any] = dict(point_values)
    for j, name in enumerate(names):
        low, _, high = ranges[name]
        column = np.full(size, point_values[name])
        column[j * OAT_POINTS:(j + 1) * OAT_POINTS] = np.linspace(low, high, OAT_POINTS)
        values[name] = column
    codes = np.broadcast_to(classify(protocol=protocol, **values), (size,))
    return {name: codes[j * OAT_POINTS:(j + 1) * OAT_POINTS] for j, name in enumerate(names)}


def _salib():
    """SALib's Sobol analysis and sampler, or a :class:`KzgameError` saying how to install it."""
    try:
        from SALib.analyze import sobol as sobol_analyze
        from SALib.sample import sobol as sobol_sample
    except ImportError:
        raise KzgameError(
            "method='sobol' needs SALib, an optional extra: pip install 'kzgame[sensitivity]' "
            "(or pip install SALib); method='given-data' needs nothing more"
        ) from None
    return sobol_analyze, sobol_sample


def _check_sobol_size(n: int, d: int) -> None:
    if n // (d + 2) < SOBOL_MIN_BASE:
        raise ParameterError(
            f"n = {n:,}: method='sobol' with {d} uncertain parameter(s) needs n >= "
            f"{SOBOL_MIN_BASE * (d + 2):,} draws (N (D + 2) evaluations, N >= {SOBOL_MIN_BASE})"
        )


def _sobol(ranges: Mapping[str, Triple], names: list[str], point_values: Mapping[str, float],
           distribution: str, protocol: str, n: int, seed: int) -> dict[str, tuple]:
    """SALib's Sobol first- and total-order indices of the strategy, with 95 % half-widths.

    SALib samples the unit cube (scrambled Sobol sequence, N (D + 2) points,
    N the largest power of two that fits in ``n``); each column goes through
    the distribution's quantile function.  The indices of the strategy's
    one-hot indicators are combined with weights Var(Y_k), as in the
    given-data index; so are the bootstrap resamples behind the intervals.
    """
    sobol_analyze, sobol_sample = _salib()
    d = len(names)
    base = 1 << int(math.log2(n // (d + 2)))
    problem = {"num_vars": d, "names": names, "bounds": [[0.0, 1.0]] * d}
    u = sobol_sample.sample(problem, base, calc_second_order=False, scramble=True,
                            seed=seed % 2**32)
    values: dict[str, Any] = dict(point_values)
    for j, name in enumerate(names):
        values[name] = _ppf(u[:, j], *ranges[name], distribution)
    codes = np.broadcast_to(classify(protocol=protocol, **values), (u.shape[0],))
    step = d + 2
    z = 1.959963984540054  # the 97.5 % normal quantile
    s1 = np.zeros(d)
    st = np.zeros(d)
    s1_all = np.zeros((SOBOL_RESAMPLES, d))
    st_all = np.zeros((SOBOL_RESAMPLES, d))
    weights = 0.0
    for k in range(_K):
        y = (codes == k).astype(np.float64)
        w = float(np.var(np.r_[y[0::step], y[step - 1::step]]))
        if w == 0:
            continue
        r = sobol_analyze.analyze(problem, y, calc_second_order=False,
                                  num_resamples=SOBOL_RESAMPLES, keep_resamples=True,
                                  seed=seed % 2**32)
        s1 += w * np.asarray(r["S1"])
        st += w * np.asarray(r["ST"])
        s1_all += w * np.asarray(r["S1_conf_all"])
        st_all += w * np.asarray(r["ST_conf_all"])
        weights += w
    if weights == 0:
        return {name: (0.0, 0.0, 0.0, 0.0) for name in names}
    s1, st, s1_all, st_all = s1 / weights, st / weights, s1_all / weights, st_all / weights
    s1_ci = z * s1_all.std(axis=0, ddof=1)
    st_ci = z * st_all.std(axis=0, ddof=1)
    return {name: (float(s1[j]), float(s1_ci[j]), float(st[j]), float(st_ci[j]))
            for j, name in enumerate(names)}


def monte_carlo(
    target: Any,
    n: int = 100_000,
    *,
    seed: int | np.random.Generator | None = 0,
    distribution: str = "uniform",
    protocol: str = "nash",
    sensitivity: bool = True,
    keep: bool = False,
    bins: int | None = None,
    method: str = "given-data",
) -> MonteCarloResult:
    """Monte Carlo over one period's ranges: strategy shares and sensitivity.

    Parameters
    ----------
    target : CasePeriod, Period or mapping
        What to draw from (see :func:`triples`).
    n : int, default 100000
        Number of draws (>= 1; at least 4 when a range is to be binned for
        the sensitivity; at most what fits in :data:`MAX_BYTES`).
    seed : int, numpy.random.Generator or None, default 0
        Seed of a fresh :func:`numpy.random.default_rng` (a non-negative
        integer), or a Generator to draw from.  The same integer seed gives
        the same result.
    distribution : {"uniform", "triangular", "pert"}, default "uniform"
        See :func:`draw`.
    protocol : str, default "nash"
        The bargaining protocol.
    sensitivity : bool, default True
        Compute :attr:`MonteCarloResult.sensitivity` (else it is empty).
    keep : bool, default False
        Keep the draws and their strategy codes in the result.
    bins : int, optional
        Bins of the given-data estimator, from 2 to ``min(n // 2, 10000)``
        (at least two draws per bin on average); default
        ``clip(sqrt(n) / 2, 2, 50)``.
    method : {"given-data", "sobol"}, default "given-data"
        ``given-data``: the binned first-order index from the draws
        themselves (no extra classification).  ``sobol``: SALib's first-
        and total-order Sobol indices with 95 % confidence intervals, from
        about ``n`` further classifications of a Sobol design (needs the
        ``sensitivity`` extra, ``pip install 'kzgame[sensitivity]'``, and
        ``n >= 64 (D + 2)`` for D uncertain parameters).

    Returns
    -------
    MonteCarloResult

    Raises
    ------
    ParameterError
        On a bad range (see :func:`triples`), or ``n``, ``bins`` not an
        integer in its range.
    KzgameError
        On an unknown distribution, protocol or method, a seed that is not
        a non-negative integer, Generator or None, a flag that is not a
        bool, draws that would not fit in :data:`MAX_BYTES`, or
        ``method="sobol"`` without SALib;
        :class:`kzgame.io.cases.ModelFileError` if a calibrated period lacks a
        parameter the protocol uses.

    Examples
    --------
    >>> mc = monte_carlo({"share": 0.5, "outside_r": 0.0, "outside_e": 0.0,
    ...                   "indispensability": 0.9, "survival": 0.8,
    ...                   "invest_cost": (0.05, 0.0, 0.3)}, n=10_000, seed=3)
    >>> mc.point.value, mc.most_influential
    ('invest', 'invest_cost')
    >>> s = mc.sensitivity_of("invest_cost")
    >>> s.at_low.value, s.at_high.value, round(s.swing, 2)
    ('invest', 'accept', 0.67)
    >>> monte_carlo({"share": 0.5, "outside_r": (0.0, 0.4), "outside_e": 0.0,
    ...              "indispensability": 0.9, "survival": 0.8, "invest_cost": 0.05},
    ...             n=10, bins=20)
    Traceback (most recent call last):
    ...
    kzgame.errors.ParameterError: bins = 20: give an integer from 2 to 5 (at least ...)
    """
    period_game(protocol)  # checks the protocol
    check_distribution(distribution)
    check_choice("method", method, METHODS)
    n = check_int("n", n, 1, why=" (the number of draws)")
    sensitivity = check_flag("sensitivity", sensitivity)
    keep = check_flag("keep", keep)
    if bins is not None:
        bins = check_int("bins", bins, 2, min(n // 2, MAX_BINS),
                          " (at least two draws per bin)")
    if isinstance(seed, np.random.Generator):
        rng, seed_used = seed, None
    else:
        seed_used = None if seed is None else check_seed(seed)
        rng = np.random.default_rng(seed_used)
    if hasattr(target, "check_protocol"):  # a model file's period: its protocol findings
        target.check_protocol(protocol)
    ranges = triples(target)
    varying = [name for name, (low, _, high) in ranges.items() if low != high]
    check_memory(
        f"n = {_count(n)} draws of {len(varying)} parameter(s)",
        n * (_BYTES_PER_DRAW + 8 * len(varying)) * (2 if method == "sobol" else 1),
        f"at most about {MAX_BYTES // (_BYTES_PER_DRAW + 8 * len(varying)):,} draws fit; "
        "draw fewer, or use kzgame.analysis.distributed.monte_carlo",
    )
    if sensitivity and varying and method == "given-data" and n < 4:
        raise ParameterError(
            f"n = {n}: the sensitivity index needs at least 4 draws (two bins of two); draw "
            "more, or pass sensitivity=False"
        )
    if sensitivity and varying and method == "sobol":
        _salib()
        _check_sobol_size(n, len(varying))
    point_values: dict[str, Any] = {k: t[1] for k, t in ranges.items()}
    point = Strategy.from_code(int(classify(protocol=protocol, **point_values)))
    samples = _draw(ranges, n, rng, distribution)
    codes = np.broadcast_to(classify(protocol=protocol, **samples), (n,))
    counts_arr = np.bincount(codes, minlength=_K)
    counts = {Strategy.from_code(i): int(c) for i, c in enumerate(counts_arr)}
    entries: list[Sensitivity] = []
    if sensitivity:
        p = counts_arr / n
        total_var = float(np.sum(p * (1 - p)))
        oat = _one_at_a_time(ranges, varying, point_values, protocol)
        sobol = {}
        if method == "sobol" and varying:
            sobol_seed = seed_used if seed_used is not None else int(rng.integers(2**32))
            sobol = _sobol(ranges, varying, point_values, distribution, protocol, n, sobol_seed)
        nbins = bins or _default_bins(n)
        first = {}
        if method == "given-data" and total_var > 0:
            first = _first_order_indices(samples, ranges, varying, codes, distribution, nbins,
                                         total_var)
        for name in ranges:
            if name not in oat:
                zero = (0.0, 0.0, 0.0) if method == "sobol" else (None, None, None)
                entries.append(Sensitivity(name, 0.0, 0.0, point, point, *zero))
                continue
            extra: Any = (None, None, None)
            if method == "sobol":
                s1, *extra = sobol[name]
            else:
                s1 = first.get(name, 0.0)
            grid = oat[name]
            entries.append(Sensitivity(
                name,
                s1,
                float(np.mean(grid != point.code)),
                Strategy.from_code(int(grid[0])),
                Strategy.from_code(int(grid[-1])),
                *extra,
            ))
        entries.sort(key=lambda s: (-s.first_order, -s.swing, PARAMETERS.index(s.parameter)))
    return MonteCarloResult(
        n=n,
        seed=seed_used,
        distribution=distribution,
        protocol=protocol,
        point=point,
        counts=counts,
        sensitivity=tuple(entries),
        samples={k: np.asarray(v) for k, v in samples.items()} if keep else None,
        codes=np.asarray(codes) if keep else None,
        method=method,
    )


def case_monte_carlo(
    case: Any,
    n: int = 100_000,
    *,
    seed: int = 0,
    distribution: str = "uniform",
    protocol: str = "nash",
    sensitivity: bool = True,
    keep: bool = False,
    bins: int | None = None,
    method: str = "given-data",
) -> dict[str, MonteCarloResult]:
    """:func:`monte_carlo` for every period of a case, keyed by label.

    Period ``i`` draws from its own stream, seeded by ``(seed, i)`` through
    :class:`numpy.random.SeedSequence`, so its result does not depend on the
    other periods.  The options are those of :func:`monte_carlo`, validated
    before any period is drawn.  ``case`` is any object with ``periods``, each
    with a ``label`` and ``specs`` (a :class:`kzgame.io.cases.Case`): this
    module takes parameters and ranges, and does not read model files.
    """
    seed = check_seed(seed)
    n = check_int("n", n, 1, why=" (the number of draws)")
    check_distribution(distribution)
    check_choice("method", method, METHODS)
    period_game(protocol)  # checks the protocol
    periods = getattr(case, "periods", None)
    if periods is None:
        raise TypeError(f"expected a case (kzgame.io.cases.Case), got {type(case).__name__}")
    out = {}
    for i, p in enumerate(periods):
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(i,)))
        r = monte_carlo(p, n, seed=rng, distribution=distribution, protocol=protocol,
                        sensitivity=sensitivity, keep=keep, bins=bins, method=method)
        out[p.label] = replace(r, seed=seed)
    return out
