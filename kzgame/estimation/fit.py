"""Maximum likelihood: estimates, standard errors, intervals, diagnostics, predictions.

:func:`fit` maximizes the log-likelihood of :class:`~kzgame.estimation.likelihood.Likelihood`
with its analytic gradient (scipy's BFGS, then Newton steps on the observed
information), and returns a :class:`Fit`:

* **standard errors** from the observed information (minus the Hessian of
  the log-likelihood, by central differences of the analytic gradient);
* **intervals**: Wald (``estimate +- z se``), profile likelihood
  (:meth:`Fit.profile`: where twice the drop in log-likelihood reaches the
  chi-squared quantile) and parametric bootstrap (:meth:`Fit.bootstrap`:
  simulate from the estimate, re-estimate, percentiles);
* **identification diagnostics** (:mod:`~kzgame.estimation.diagnostics`),
  issued as :class:`~kzgame.estimation.diagnostics.IdentificationWarning`
  and kept in :attr:`Fit.warnings`;
* **predicted outcome probabilities** by row, with intervals from draws of
  the coefficients from their asymptotic normal distribution
  (:meth:`Fit.predict`).

Examples
--------
>>> import numpy as np
>>> from kzgame.games import deterrence
>>> from kzgame.estimation.simulate import simulate
>>> g = deterrence(False)
>>> truth = {"v": 1.0, "p": 0.4, "k_C": 0.2, "k_D": 0.5, "lambda": 3.0}
>>> data = simulate(g, truth, n=2000, seed=1)
>>> f = fit(g, {"v": 1.0, "p": 0.4, "k_C": "free", "k_D": "free", "lambda": 3.0}, data)
>>> f.coefficients, np.round(f.estimates, 2)
(('k_C', 'k_D'), array([0.19, 0.51]))
>>> bool(np.all(f.se < 0.05))
True
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import ParameterError
from ..game.tree import Game
from .diagnostics import SEPARATION, DomainWarning, flat_directions, ratio_pairs, warn
from .likelihood import EstimationError, Likelihood
from .spec import LAMBDA, Spec

__all__ = ["Fit", "Interval", "Predictions", "fit", "information"]


@dataclass(frozen=True)
class Interval:
    """A confidence interval for one coefficient."""

    name: str
    estimate: float
    low: float
    high: float
    level: float
    method: str


def information(lik: Likelihood, beta: np.ndarray) -> np.ndarray:
    """The observed information at ``beta``: minus the Hessian, by central differences of the
    analytic gradient (symmetrized)."""
    b = np.asarray(beta, float)
    k = b.size
    H = np.empty((k, k))
    for j in range(k):
        h = 1e-5 * max(1.0, abs(b[j]))
        up, down = b.copy(), b.copy()
        up[j] += h
        down[j] -= h
        H[:, j] = (lik.value_and_gradient(up)[1] - lik.value_and_gradient(down)[1]) / (2 * h)
    return -(H + H.T) / 2


def _start(spec: Spec, given: Mapping[str, float] | None) -> np.ndarray:
    """Starting coefficients: the intercept at the link of the parameter's default, else 0."""
    names = spec.coefficients
    b = np.zeros(len(names))
    pos = 0
    for k, t in spec.terms.items():
        if not t.free:
            continue
        if "1" in t.covariates:
            default = 1.0 if k == LAMBDA else spec.game.parameters[k].default
            j = pos + t.covariates.index("1")
            if t.link == "identity":
                b[j] = default if default is not None else 0.0
            elif t.link == "logistic" and default is not None and 0 < default < 1:
                b[j] = math.log(default / (1 - default))
            elif t.link == "exp" and default is not None and default > 0:
                b[j] = math.log(default)
        pos += len(t.covariates)
    for name, v in (given or {}).items():
        if name not in names:
            raise ParameterError(f"start names unknown coefficient {name!r}; coefficients: "
                                 f"{', '.join(names)}")
        b[names.index(name)] = float(v)
    return b


def _maximize(lik: Likelihood, b0: np.ndarray, maxiter: int) -> tuple[np.ndarray, bool, int]:
    """BFGS on the mean log-likelihood, then Newton steps; (estimate, converged, iterations)."""
    from scipy.optimize import minimize

    n = lik.n

    def objective(b):
        try:
            ll, g = lik.value_and_gradient(b)
        except ParameterError:
            return np.inf, np.zeros_like(b)
        if not np.isfinite(ll):
            return np.inf, np.zeros_like(b)
        return -ll / n, -g / n

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        res = minimize(objective, b0, jac=True, method="BFGS",
                       options={"maxiter": maxiter, "gtol": 1e-9})
    b = res.x
    iters = int(res.nit)
    for _ in range(min(20, max(0, maxiter - iters))):  # Newton polish on the information
        ll, g = lik.value_and_gradient(b)
        info = information(lik, b)
        try:
            step = np.linalg.solve(info, g)
        except np.linalg.LinAlgError:
            break
        if not np.all(np.isfinite(step)):
            break
        t = 1.0
        while t > 1e-4:
            try:
                new = lik(b + t * step)
            except ParameterError:
                new = -np.inf
            if new >= ll - 1e-12 * abs(ll):
                break
            t /= 2
        if t <= 1e-4:
            break
        b = b + t * step
        iters += 1
        if np.max(np.abs(t * step)) < 1e-10 * (1 + np.max(np.abs(b))):
            break
    _, g = lik.value_and_gradient(b)
    converged = bool(np.max(np.abs(g)) / n < 1e-6)
    return b, converged, iters


class Predictions(dict[str, np.ndarray]):
    """What :meth:`Fit.predict` returns: ``outcome -> array (rows, 3)`` (the probability
    and the interval's bounds) that also converts to a table (:meth:`to_pandas`)."""

    #: The intervals' level.
    level: float | None = None

    def to_pandas(self) -> Any:
        """One row per data row, columns ``(outcome, stat)``, as a :class:`pandas.DataFrame`
        (:func:`kzgame.analysis.frames.predictions_frame`; needs the ``frames`` extra)."""
        from ..analysis.frames import predictions_frame

        return predictions_frame(self, self.level)


@dataclass
class Fit:
    """A maximum-likelihood estimate (what :func:`fit` returns).

    Attributes
    ----------
    likelihood : Likelihood
    coefficients : tuple of str
    estimates : numpy.ndarray
    cov : numpy.ndarray
        The inverse observed information (NaN where it is singular).
    se : numpy.ndarray
    loglik : float
    n : int
    converged : bool
    iterations : int
    warnings : list of str
        The warnings issued (identification and domain).
    """

    likelihood: Likelihood = field(repr=False)
    coefficients: tuple[str, ...]
    estimates: np.ndarray
    cov: np.ndarray = field(repr=False)
    se: np.ndarray
    loglik: float
    n: int
    converged: bool
    iterations: int
    warnings: list[str] = field(default_factory=list)
    information: np.ndarray = field(repr=False, default_factory=lambda: np.zeros((0, 0)))

    @property
    def k(self) -> int:
        """The number of coefficients."""
        return len(self.coefficients)

    @property
    def aic(self) -> float:
        """Akaike's information criterion, ``2 k - 2 loglik``."""
        return 2 * self.k - 2 * self.loglik

    @property
    def bic(self) -> float:
        """The Bayesian information criterion, ``k log n - 2 loglik``."""
        return self.k * math.log(self.n) - 2 * self.loglik

    def rows(self) -> np.ndarray:
        """Each row's log-likelihood at the estimate."""
        return self.likelihood.rows(self.estimates)

    def wald(self, level: float = 0.95) -> list[Interval]:
        """Wald intervals, ``estimate +- z se``."""
        from scipy.stats import norm

        _level(level)
        z = norm.ppf(0.5 + level / 2)
        return [Interval(n, float(b), float(b - z * s), float(b + z * s), level, "wald")
                for n, b, s in zip(self.coefficients, self.estimates, self.se, strict=True)]

    def profile(self, name: str, level: float = 0.95, max_se: float = 64.0) -> Interval:
        """The profile-likelihood interval of coefficient ``name``.

        The bounds are where ``2 (loglik - profile loglik)`` reaches the
        chi-squared(1) quantile; a bound not reached within ``max_se``
        standard errors is reported as infinite (the data do not bound it).
        """
        from scipy.optimize import brentq, minimize
        from scipy.stats import chi2

        _level(level)
        if name not in self.coefficients:
            raise ParameterError(f"unknown coefficient {name!r}; coefficients: "
                                 f"{', '.join(self.coefficients)}")
        j = self.coefficients.index(name)
        target = chi2.ppf(level, 1) / 2
        lik, b_hat = self.likelihood, self.estimates
        others = [i for i in range(self.k) if i != j]
        warm = {"x": b_hat[others].copy()}

        def drop(t: float) -> float:
            def obj(x):
                b = b_hat.copy()
                b[others] = x
                b[j] = t
                try:
                    ll, g = lik.value_and_gradient(b)
                except ParameterError:
                    return np.inf, np.zeros_like(x)
                return -ll / self.n, -g[others] / self.n

            if others:
                res = minimize(obj, warm["x"], jac=True, method="BFGS", options={"gtol": 1e-9})
                warm["x"] = res.x
                ll = -res.fun * self.n
            else:
                ll = -obj(np.zeros(0))[0] * self.n
            return self.loglik - ll - target

        se = self.se[j] if np.isfinite(self.se[j]) and self.se[j] > 0 else 1.0
        bounds = []
        for sign in (-1.0, 1.0):
            warm["x"] = b_hat[others].copy()
            prev, step, found = b_hat[j], se, None
            while step <= max_se * se:
                t = b_hat[j] + sign * step
                if drop(t) > 0:
                    found = brentq(drop, prev, t, xtol=1e-8 * max(1.0, abs(t)))
                    break
                prev, step = t, step * 2
            bounds.append(found if found is not None else sign * math.inf)
        return Interval(name, float(b_hat[j]), float(bounds[0]), float(bounds[1]), level,
                        "profile")

    def bootstrap(self, draws: int = 200, level: float = 0.95, seed: int | None = 0
                  ) -> list[Interval]:
        """Parametric bootstrap percentile intervals: simulate at the estimate, re-estimate.

        Each replicate draws every row's outcome from the fitted QRE (a row
        whose outcome was only partly observed reports the same partial
        outcome when the draw falls inside it) and re-fits from the estimate.
        Replicates that fail (no convergence, one outcome only) are dropped;
        their number is in the intervals' ``method`` text.
        """
        from .simulate import simulate_like

        _level(level)
        if not (isinstance(draws, int) and 2 <= draws <= 100_000):
            raise ParameterError(f"draws = {draws!r} must be an integer in [2, 100000]")
        rng = np.random.default_rng(seed)
        est = []
        failed = 0
        for _ in range(draws):
            observed = simulate_like(self.likelihood, self.estimates, rng)
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    lik = self.likelihood.with_outcomes(observed)
                    b, ok, _ = _maximize(lik, self.estimates.copy(), 500)
            except (EstimationError, ParameterError, np.linalg.LinAlgError):
                failed += 1
                continue
            if not ok:
                failed += 1
                continue
            est.append(b)
        if len(est) < 2:
            raise EstimationError(f"only {len(est)} of {draws} bootstrap replicates converged")
        arr = np.array(est)
        lo, hi = np.quantile(arr, [0.5 - level / 2, 0.5 + level / 2], axis=0)
        tag = f"bootstrap ({len(est)} replicates, {failed} failed)"
        return [Interval(n, float(b), float(a), float(c), level, tag)
                for n, b, a, c in zip(self.coefficients, self.estimates, lo, hi, strict=True)]

    def predict(self, data: Any = None, names: Sequence[str] | None = None, level: float = 0.95,
                draws: int = 1000, seed: int | None = 0) -> Predictions:
        """Predicted outcome probabilities by row with intervals.

        Parameters
        ----------
        data : mapping, optional
            Covariates of new rows (default: the estimation data).
        names : sequence of str, optional
            Outcome names (default: the game's leaves).
        level : float
        draws : int
            Coefficient draws from N(estimate, cov) for the intervals.

        Returns
        -------
        Predictions
            A dict ``name -> array (rows, 3)``: the probability at the
            estimate and the interval's bounds (``to_pandas()`` makes it a table).
        """
        _level(level)
        lik = self.likelihood if data is None else self.likelihood.with_data(data)
        if names is None:
            names = [lik.game.nodes[i].name for i in lik.game.leaves]
        point = lik.outcome_probabilities(self.estimates, names)
        rng = np.random.default_rng(seed)
        cov = np.where(np.isfinite(self.cov), self.cov, 0.0)
        sims = rng.multivariate_normal(self.estimates, cov, size=draws, method="eigh")
        samples: dict[str, list[np.ndarray]] = {k: [] for k in names}
        for b in sims:
            try:
                probs = lik.outcome_probabilities(b, names)
            except ParameterError:
                continue
            for k in names:
                samples[k].append(probs[k])
        out = Predictions()
        out.level = float(level)
        for k in names:
            arr = np.array(samples[k])
            lo, hi = np.quantile(arr, [0.5 - level / 2, 0.5 + level / 2], axis=0)
            out[k] = np.column_stack([point[k], lo, hi])
        return out

    def to_pandas(self, level: float = 0.95, intervals: Sequence[Interval] | None = None) -> Any:
        """The estimates, one row per coefficient (estimate, se, z, interval) as a
        :class:`pandas.DataFrame` (:func:`kzgame.analysis.frames.fit_frame`: Wald intervals
        at ``level`` unless ``intervals`` are given; needs the ``frames`` extra).

        Examples
        --------
        >>> from kzgame.games import deterrence
        >>> from kzgame.estimation.simulate import simulate
        >>> g = deterrence(False)
        >>> data = simulate(g, {"v": 1.0, "p": 0.4, "k_C": 0.2, "k_D": 0.5, "lambda": 3.0},
        ...                 n=500, seed=1)
        >>> f = fit(g, {"v": 1.0, "p": 0.4, "k_C": "free", "k_D": 0.5, "lambda": 3.0}, data)
        >>> df = f.to_pandas()
        >>> df.columns.tolist(), df.index.tolist()
        (['estimate', 'se', 'z', 'low', 'high', 'method'], ['k_C'])
        """
        from ..analysis.frames import fit_frame

        return fit_frame(self, level, intervals)

    def parameters(self) -> dict[str, np.ndarray]:
        """Every varying parameter's value by row at the estimate."""
        return self.likelihood.parameters(self.estimates)[0]

    def summary(self, level: float = 0.95) -> str:
        """A text table: coefficient, estimate, standard error, Wald interval."""
        lines = [f"n = {self.n}, log-likelihood = {self.loglik:.4f}, AIC = {self.aic:.2f}, "
                 f"BIC = {self.bic:.2f}, converged = {self.converged}",
                 f"{'coefficient':<28}{'estimate':>12}{'se':>12}{'low':>12}{'high':>12}"]
        for iv, s in zip(self.wald(level), self.se, strict=True):
            lines.append(f"{iv.name:<28}{iv.estimate:>12.4f}{s:>12.4f}{iv.low:>12.4f}"
                         f"{iv.high:>12.4f}")
        for w in self.warnings:
            lines.append(f"warning: {w}")
        return "\n".join(lines)


def _level(level: float) -> None:
    if isinstance(level, bool) or not isinstance(level, int | float) or not 0 < level < 1:
        raise ParameterError(f"level = {level!r} must be in (0, 1)")


def fit(
    game: Game,
    spec: Spec | Mapping[str, Any],
    data: Any,
    *,
    outcome: str = "outcome",
    outcomes: Mapping[str, Sequence[str]] | None = None,
    start: Mapping[str, float] | None = None,
    maxiter: int = 2000,
    backend: str = "auto",
    model: str = "logit",
) -> Fit:
    """Estimate a game's parameters from observed plays by maximum likelihood.

    Parameters
    ----------
    game : Game
        A game of perfect information.
    spec : Spec or mapping
        Each parameter fixed, free, a link of covariates or a data column
        (:mod:`~kzgame.estimation.spec`).
    data : mapping of str to array or pandas.DataFrame
        One row per observed play.
    outcome : str, default "outcome"
        The column of observed outcomes (:func:`~kzgame.estimation.likelihood.vocabulary`).
    outcomes : mapping, optional
        Extra outcome names, as lists of leaves or ``node/*``.
    start : mapping, optional
        Starting values by coefficient name.
    maxiter : int
        The optimizer's iteration limit.
    backend : {"auto", "numba", "numpy"}
        The compiled kernel (logit only) or the NumPy recursion.
    model : {"logit", "probit"}, default "logit"
        The agents' error distribution (:mod:`~kzgame.estimation.qre`).

    Returns
    -------
    Fit

    Raises
    ------
    EstimationError
        On bad data (see :class:`Likelihood`), all rows with the same outcome
        (nothing to identify), or no convergence (with what to try).

    Warns
    -----
    IdentificationWarning
        Flat directions, parameters entering only as a ratio or product,
        more coefficients than outcome cells, or perfect prediction.
    DomainWarning
        An estimated parameter outside its domain in some rows.
    """
    lik = Likelihood(game, spec, data, outcome=outcome, outcomes=outcomes, backend=backend,
                     model=model)
    distinct = sorted(set(lik.observed))
    if len(distinct) == 1:
        raise EstimationError(
            f"all {lik.n} rows have the outcome {distinct[0]!r}: the likelihood rises without "
            "bound towards a parameter value that predicts it for sure, so there is nothing to "
            "identify; add rows with other outcomes or fix the parameters"
        )
    if not (isinstance(maxiter, int) and maxiter > 0):
        raise ParameterError(f"maxiter = {maxiter!r} must be a positive integer")
    spec_obj = lik.spec
    notes: list[str] = []
    scalar_free = [k for k, t in spec_obj.terms.items() if t.free and t.covariates == ("1",)]
    fixed = {k: t.value for k, t in spec_obj.terms.items() if t.value is not None and k != LAMBDA}
    lam_fixed = spec_obj.terms[LAMBDA].value
    for p, q, kind in ratio_pairs(game, scalar_free, fixed) if lam_fixed != 0 else []:
        op = "/" if kind == "ratio" else "*"
        notes.append(warn(
            f"parameters {p!r} and {q!r} enter every choice only through {p} {op} {q}: the data "
            f"identify that {kind}, not each; fix one of them"))
    cols = [lik.columns[c] for c in spec_obj.covariates]
    patterns = len(np.unique(np.column_stack(cols), axis=0)) if cols else 1
    cells = patterns * (len(game.leaves) - 1)
    if len(lik.coefficients) > cells:
        notes.append(warn(
            f"the specification has {len(lik.coefficients)} coefficients "
            f"({', '.join(map(repr, lik.coefficients))}) but the data have {patterns} covariate "
            f"pattern(s) and {len(game.leaves)} leaves, so at most {cells} can be identified "
            "(the order condition); fix some parameters or add covariates"))
    b0 = _start(spec_obj, start)
    try:
        ll0 = lik(b0)
    except ParameterError as exc:
        raise EstimationError(f"the starting values are not admissible ({exc}); give start="
                              "{coefficient: value}") from None
    if not np.isfinite(ll0):
        raise EstimationError(
            "the starting values give an observed outcome probability zero (a chance node "
            "rules it out); give start={coefficient: value}")
    b, converged, iters = _maximize(lik, b0, maxiter)
    info = information(lik, b)
    # a coefficient of a logistic or exp link beyond SEPARATION saturates its parameter
    # (identity links have the parameter's own scale, so only the second test applies)
    bounded = {name for k, t in spec_obj.terms.items() if t.link in ("logistic", "exp")
               for name in t.names()}
    separated = [n for n, v in zip(lik.coefficients, b, strict=True)
                 if n in bounded and abs(v) > SEPARATION]
    probs = np.exp(lik.rows(b))
    if separated or bool(np.all(probs > 1 - 1e-6)):
        who = ", ".join(map(repr, separated)) if separated else "all coefficients"
        notes.append(warn(
            f"perfect prediction (separation): the likelihood keeps rising as {who} grow "
            "without bound, so the maximum likelihood estimate does not exist; the estimates "
            "and standard errors are meaningless: fix those parameters or add data with other "
            "outcomes"))
    elif not converged:
        raise EstimationError(
            f"the maximization did not converge after {iters} iterations (largest score "
            f"{np.max(np.abs(lik.value_and_gradient(b)[1])):.3g}); try start={{coefficient: "
            "value}} nearer the data, a larger maxiter, fewer free parameters, or rescale the "
            "payoffs")
    for group in flat_directions(info, lik.coefficients):
        if all(n in separated for n in group):
            continue
        notes.append(warn(
            f"the log-likelihood is flat (or nearly) along a direction of "
            f"{', '.join(map(repr, group))}: the data do not identify "
            f"{'it' if len(group) == 1 else 'them separately'}; fix some or add covariate "
            "variation"))
    with np.errstate(all="ignore"):
        try:
            cov = np.linalg.inv(info)
        except np.linalg.LinAlgError:
            cov = np.full(info.shape, np.nan)
        diag = np.diag(cov)
        se = np.where(diag > 0, np.sqrt(np.abs(diag)), np.nan)
    theta = lik.parameters(b)[0]
    for k, arr in theta.items():
        # identity links only: logistic and exp keep a parameter in its range (up to rounding)
        if k == LAMBDA or spec_obj.terms[k].link != "identity":
            continue
        dom = game.parameters[k].domain
        if not np.all(dom.mask(arr)):
            notes.append(warn(
                f"estimated {k!r} leaves its domain {dom.describe()} in some rows (range "
                f"{arr.min():.3g} to {arr.max():.3g}); use a link that keeps it there "
                "(logistic for (0, 1), exp for (0, inf))", DomainWarning))
    return Fit(
        likelihood=lik,
        coefficients=lik.coefficients,
        estimates=b,
        cov=cov,
        se=se,
        loglik=float(lik(b)),
        n=lik.n,
        converged=converged,
        iterations=iters,
        warnings=notes,
        information=info,
    )
