"""Uncertainty: Monte Carlo over a period's ranges, and which range matters most.

A calibrated period gives each parameter a point value and a plausible range
(:class:`kzgame.cases.ParamSpec`).  :func:`monte_carlo` draws every uncertain
parameter independently from its range, classifies all draws at once with
:func:`kzgame.classify`, and reports

* the share of draws in each strategy (the *robustness* of the point
  classification is the share of its strategy);
* for each parameter, a first-order variance-based sensitivity index of the
  strategy (:attr:`Sensitivity.first_order`): the share of the variance of
  the strategy's one-hot indicator that the parameter explains alone,
  Var(E[Y | X_i]) / Var(Y) summed over the strategies (for two strategies
  this is exactly the first-order Sobol index of the indicator "the draw
  gives strategy k").  It is estimated from the same draws by binning X_i
  into equal-count bins, with the bins' sampling noise subtracted
  (Plischke's "given data" estimator), so it costs no extra classification;
* for each parameter, a one-at-a-time swing (:attr:`Sensitivity.swing`):
  the share of the parameter's range over which the strategy differs from
  the point strategy when every other parameter stays at its point value.

Distributions: ``uniform`` on [low, high] (the default: the range is all we
know), ``triangular`` and ``pert`` (beta-PERT with shape 4) with their mode
at the point value.  Parameters whose range is a single point are not drawn.

Examples
--------
>>> from kzgame import Period
>>> from kzgame.uncertainty import monte_carlo
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

from .cases import Case, CasePeriod
from .classify import DEFAULTS, check_names, classify
from .model import get_protocol
from .params import PARAMETERS, KzgameError, ParameterError, Period, check_parameter
from .strategy import Strategy

__all__ = [
    "DISTRIBUTIONS",
    "MonteCarloResult",
    "Sensitivity",
    "case_monte_carlo",
    "draw",
    "monte_carlo",
    "triples",
]

#: The distributions :func:`monte_carlo` can draw from.
DISTRIBUTIONS: tuple[str, ...] = ("uniform", "triangular", "pert")

#: Points of the one-at-a-time grid over each parameter's range.
OAT_POINTS = 401

Triple = tuple[float, float, float]


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
        On an unknown or missing parameter, a value outside its domain, or
        a mode outside its range.

    Examples
    --------
    >>> triples({"share": (0.5, 0.4, 0.6), "outside_r": 0, "outside_e": 0,
    ...          "indispensability": (0.2, 0.8), "survival": 1,
    ...          "invest_cost": 0})["indispensability"]
    (0.2, 0.5, 0.8)
    """
    if isinstance(target, CasePeriod):
        raw: Mapping[str, Any] = {k: (s.value, s.low, s.high) for k, s in target.specs.items()}
    elif isinstance(target, Period):
        raw = target.as_dict()
    elif isinstance(target, Mapping):
        raw = target
    else:
        raise TypeError(
            f"expected a CasePeriod, Period or mapping of parameters, got {type(target).__name__}"
        )
    check_names(raw)
    out: dict[str, Triple] = {}
    for name in PARAMETERS:
        v = raw.get(name, DEFAULTS.get(name))
        if np.ndim(v) == 0:
            mode = low = high = float(check_parameter(name, v))
        elif len(v) == 2:
            low, high = (float(x) for x in check_parameter(name, v))
            mode = 0.5 * (low + high)
        elif len(v) == 3:
            mode, low, high = (float(x) for x in check_parameter(name, v))
        else:
            raise ParameterError(
                f"{name}: give a number, (low, high) or (mode, low, high), got {v!r}"
            )
        if not low <= mode <= high:
            raise ParameterError(
                f"{name}: point value {mode:g} is not within its range [{low:g}, {high:g}]"
            )
        out[name] = (low, mode, high)
    return out


def _check_seed(seed: Any) -> int:
    """``seed`` as an int, or KzgameError unless it is a non-negative integer."""
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise KzgameError(f"seed = {seed!r}: give a non-negative integer")
    return int(seed)


def _check_distribution(distribution: str) -> None:
    if distribution not in DISTRIBUTIONS:
        raise KzgameError(
            f"unknown distribution {distribution!r}; known distributions: "
            f"{', '.join(DISTRIBUTIONS)}"
        )


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
        Number of draws.
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

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> d = draw({"share": (0.4, 0.5, 0.6), "surplus": (1.0, 1.0, 1.0)}, 5, rng, "pert")
    >>> d["surplus"], d["share"].shape, bool(((d["share"] >= 0.4) & (d["share"] <= 0.6)).all())
    (1.0, (5,), True)
    """
    _check_distribution(distribution)
    out: dict[str, np.ndarray | float] = {}
    for name, (low, mode, high) in ranges.items():
        if low == high:
            out[name] = low
        elif distribution == "uniform":
            out[name] = rng.uniform(low, high, n)
        elif distribution == "triangular":
            out[name] = rng.triangular(low, mode, high, n)
        else:
            width = high - low
            a = 1.0 + 4.0 * (mode - low) / width
            b = 1.0 + 4.0 * (high - mode) / width
            out[name] = low + width * rng.beta(a, b, n)
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
    swing : float
        Share of the parameter's range over which, all else at the point
        values, the strategy differs from the point strategy (0 to 1).
    at_low, at_high : Strategy
        The strategy at the ends of the range, all else at the point values.
    """

    parameter: str
    first_order: float
    swing: float
    at_low: Strategy
    at_high: Strategy


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


def _first_order(x: np.ndarray, onehot: np.ndarray, total_var: float, bins: int) -> float:
    """Binned estimate of sum_k Var(E[Y_k | x]) / total_var, bias-corrected, in [0, 1]."""
    n = x.size
    rank = np.empty(n, dtype=np.intp)
    rank[np.argsort(x, kind="stable")] = np.arange(n)
    b = rank * bins // n
    size = np.bincount(b, minlength=bins).astype(float)
    between = 0.0
    within = 0.0
    for y in onehot:
        m = np.bincount(b, weights=y, minlength=bins) / size
        p = y.mean()
        between += float(np.sum(size / n * (m - p) ** 2))
        # Unbiased within-bin variance of the indicator, averaged over bins.
        within += float(np.mean(m * (1 - m) * size / np.maximum(size - 1, 1)))
    # Each bin mean carries sampling noise var_b / n_b; summed with weights
    # n_b / n over the bins, less one degree of freedom for the grand mean.
    noise = (bins - 1) * within / n
    return float(min(1.0, max(0.0, (between - noise) / total_var)))


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
) -> MonteCarloResult:
    """Monte Carlo over one period's ranges: strategy shares and sensitivity.

    Parameters
    ----------
    target : CasePeriod, Period or mapping
        What to draw from (see :func:`triples`).
    n : int, default 100000
        Number of draws (>= 1).
    seed : int, numpy.random.Generator or None, default 0
        Seed of a fresh :func:`numpy.random.default_rng`, or a Generator to
        draw from.  The same integer seed gives the same result.
    distribution : {"uniform", "triangular", "pert"}, default "uniform"
        See :func:`draw`.
    protocol : str, default "nash"
        The bargaining protocol.
    sensitivity : bool, default True
        Compute :attr:`MonteCarloResult.sensitivity` (else it is empty).
    keep : bool, default False
        Keep the draws and their strategy codes in the result.
    bins : int, optional
        Bins of the first-order estimator; default ``clip(sqrt(n) / 2, 2, 50)``.

    Returns
    -------
    MonteCarloResult

    Raises
    ------
    KzgameError
        On an unknown distribution or protocol, ``n < 1``, or a seed that is
        not a non-negative integer, Generator or None;
        :class:`kzgame.cases.ModelFileError` if a calibrated period lacks a
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
    """
    get_protocol(protocol)
    _check_distribution(distribution)
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise KzgameError(f"n = {n!r} draws: give a positive integer")
    n = int(n)
    if isinstance(target, CasePeriod):
        target.check_protocol(protocol)
    ranges = triples(target)
    if isinstance(seed, np.random.Generator):
        rng, seed_used = seed, None
    else:
        seed_used = None if seed is None else _check_seed(seed)
        rng = np.random.default_rng(seed_used)
    point_values = {k: t[1] for k, t in ranges.items()}
    point = Strategy.from_code(int(classify(protocol=protocol, **point_values)))
    samples = draw(ranges, n, rng, distribution)
    codes = np.broadcast_to(classify(protocol=protocol, **samples), (n,))
    counts_arr = np.bincount(codes, minlength=len(Strategy))
    counts = {Strategy.from_code(i): int(c) for i, c in enumerate(counts_arr)}
    entries: list[Sensitivity] = []
    if sensitivity:
        present = np.flatnonzero(counts_arr)
        p = counts_arr[present] / n
        total_var = float(np.sum(p * (1 - p)))
        onehot = [codes == k for k in present] if total_var > 0 else []
        nbins = bins or int(min(50, max(2, math.sqrt(n) / 2)))
        for name, (low, _mode, high) in ranges.items():
            if low == high:
                entries.append(Sensitivity(name, 0.0, 0.0, point, point))
                continue
            grid = np.linspace(low, high, OAT_POINTS)
            oat = classify(protocol=protocol, **{**point_values, name: grid})
            s1 = _first_order(samples[name], onehot, total_var, nbins) if onehot else 0.0
            entries.append(Sensitivity(
                name,
                s1,
                float(np.mean(oat != point.code)),
                Strategy.from_code(int(oat[0])),
                Strategy.from_code(int(oat[-1])),
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
    )


def case_monte_carlo(
    case: Case,
    n: int = 100_000,
    *,
    seed: int = 0,
    distribution: str = "uniform",
    protocol: str = "nash",
    sensitivity: bool = True,
    keep: bool = False,
) -> dict[str, MonteCarloResult]:
    """:func:`monte_carlo` for every period of a case, keyed by label.

    Period ``i`` draws from its own stream, seeded by ``(seed, i)`` through
    :class:`numpy.random.SeedSequence`, so its result does not depend on the
    other periods.
    """
    seed = _check_seed(seed)
    out = {}
    for i, p in enumerate(case.periods):
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(i,)))
        r = monte_carlo(p, n, seed=rng, distribution=distribution, protocol=protocol,
                        sensitivity=sensitivity, keep=keep)
        out[p.label] = replace(r, seed=seed)
    return out
