"""Comparing fitted specifications and bargaining protocols.

* :func:`likelihood_ratio`: nested models (the restricted one is the full one
  with some parameters fixed): ``2 (loglik_full - loglik_restricted)`` is
  asymptotically chi-squared with as many degrees of freedom as parameters
  fixed (less reliable when a fixed value lies on the boundary of the domain).
* :func:`vuong`: non-nested models on the same rows (Vuong 1989): the mean of
  the row-wise log-likelihood differences over its standard error is
  asymptotically standard normal when the models fit equally well.
* :func:`clarke`: the distribution-free test (Clarke 2003, 2007): the number of
  rows where model 1 fits better is Binomial(n, 1/2) under the null.

The two non-nested tests can disagree: Vuong's compares the mean row-wise
difference, Clarke's the median; a model that fits a minority of rows much
better (say, common refusals) wins the first and can lose the second.

Both non-nested tests take the same correction for the number of
coefficients (``"none"``, ``"aic"``: ``(k1 - k2) / n`` per row, ``"bic"``:
``(k1 - k2) log(n) / (2 n)`` per row), as the R package ``games`` does.

**Ties.** A row where the two log-likelihoods differ by no more than
:data:`TIE_RTOL` times their magnitude (at least 1) is a tie, before any
correction: rounding, not the data, decides such a difference.  Models that
predict the same probabilities on every row (observationally equivalent:
for instance two fits of a game whose parameters are not all identified)
therefore get statistic 0 and ``"neither"``.  Without this rule, Vuong's
test read the rounding noise of two such fits as z = 7.9, p = 3e-15.

Examples
--------
>>> from kzgame.games import deterrence
>>> from kzgame.estimation.fit import fit
>>> from kzgame.estimation.simulate import simulate
>>> g = deterrence(False)
>>> data = simulate(g, {"v": 1.0, "p": 0.4, "k_C": 0.2, "k_D": 0.5, "lambda": 3.0},
...                 n=1000, seed=3)
>>> full = fit(g, {"v": 1.0, "p": 0.4, "k_C": "free", "k_D": "free", "lambda": 3.0}, data)
>>> small = fit(g, {"v": 1.0, "p": 0.4, "k_C": 0.2, "k_D": "free", "lambda": 3.0}, data)
>>> round(likelihood_ratio(small, full).p_value, 2) > 0.05
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..errors import ParameterError
from .fit import Fit

__all__ = ["TIE_RTOL", "Test", "clarke", "likelihood_ratio", "vuong"]

CORRECTIONS: tuple[str, ...] = ("none", "aic", "bic")

#: Row-wise log-likelihood differences within this relative tolerance (of the larger
#: magnitude, at least 1) are ties for :func:`vuong` and :func:`clarke`: the square root of
#: float64's epsilon, about 1.5e-8, far above the rounding of a row's log-likelihood (about
#: 1e-16 of it) and far below a difference of substance between two fits.
TIE_RTOL: float = math.sqrt(float(np.finfo(np.float64).eps))


@dataclass(frozen=True)
class Test:
    """A test's statistic, p-value and verdict.

    Attributes
    ----------
    name : str
    statistic : float
    p_value : float
        Two-sided for Vuong and Clarke; upper tail for the likelihood ratio.
    df : int or None
    preferred : str
        ``"model 1"``, ``"model 2"``, ``"full"``, ``"restricted"`` or
        ``"neither"`` (at level 0.05).
    """

    name: str
    statistic: float
    p_value: float
    df: int | None
    preferred: str


def likelihood_ratio(restricted: Fit, full: Fit, level: float = 0.05) -> Test:
    """The likelihood-ratio test of a restricted model nested in a full one.

    Raises
    ------
    ParameterError
        If the fits are not on the same rows, or the restricted model has
        as many coefficients as the full one.
    """
    from scipy.stats import chi2

    _same_rows(restricted, full)
    df = full.k - restricted.k
    if df <= 0:
        raise ParameterError(
            f"the restricted model has {restricted.k} coefficients, the full one {full.k}: "
            "pass (restricted, full) with fewer coefficients in the first")
    stat = 2 * (full.loglik - restricted.loglik)
    if stat < -1e-6 * max(1.0, abs(full.loglik)):
        raise ParameterError(
            f"the full model fits worse (log-likelihood {full.loglik:.6g} < "
            f"{restricted.loglik:.6g}): it is not nested, or its fit did not reach the maximum")
    stat = max(stat, 0.0)
    p = float(chi2.sf(stat, df))
    return Test("likelihood ratio", float(stat), p, df, "full" if p < level else "restricted")


def _same_rows(a: Fit, b: Fit) -> None:
    if a.n != b.n or not np.array_equal(a.likelihood.observed, b.likelihood.observed):
        raise ParameterError("the two fits must be on the same rows (same observed outcomes)")


def _differences(a: Fit, b: Fit, correction: str) -> np.ndarray:
    if correction not in CORRECTIONS:
        raise ParameterError(f"correction = {correction!r}; allowed: {', '.join(CORRECTIONS)}")
    _same_rows(a, b)
    la, lb = a.rows(), b.rows()
    d = la - lb
    scale = np.maximum(1.0, np.maximum(np.abs(la), np.abs(lb)))
    d = np.where(np.abs(d) <= TIE_RTOL * scale, 0.0, d)  # ties (see the module's docstring)
    n = a.n
    if correction == "aic":
        d = d - (a.k - b.k) / n
    elif correction == "bic":
        d = d - (a.k - b.k) * math.log(n) / (2 * n)
    return d


def vuong(model1: Fit, model2: Fit, correction: str = "none", level: float = 0.05) -> Test:
    """Vuong's test of two non-nested models fitted to the same rows.

    Rows where the models tie (:data:`TIE_RTOL`) count as zero differences;
    if every row ties, the models cannot be told apart: statistic 0,
    p-value 1, ``"neither"``.
    """
    from scipy.stats import norm

    d = _differences(model1, model2, correction)
    sd = float(np.std(d, ddof=1)) if d.size > 1 else 0.0
    if sd == 0.0:
        return Test("Vuong", 0.0, 1.0, None, "neither")
    z = float(math.sqrt(d.size) * d.mean() / sd)
    p = float(2 * norm.sf(abs(z)))
    pref = "neither" if p >= level else ("model 1" if z > 0 else "model 2")
    return Test("Vuong", z, p, None, pref)


def clarke(model1: Fit, model2: Fit, correction: str = "none", level: float = 0.05) -> Test:
    """Clarke's distribution-free test: the count of rows where model 1 fits better.

    Tied rows (:data:`TIE_RTOL`) are left out, as zero differences are in a
    sign test; if every row ties: statistic 0, p-value 1, ``"neither"``.
    """
    from scipy.stats import binomtest

    d = _differences(model1, model2, correction)
    d = d[d != 0]
    if d.size == 0:
        return Test("Clarke", 0.0, 1.0, None, "neither")
    wins = int((d > 0).sum())
    p = float(binomtest(wins, d.size, 0.5).pvalue)
    pref = "neither" if p >= level else ("model 1" if wins > d.size / 2 else "model 2")
    return Test("Clarke", float(wins), p, None, pref)
