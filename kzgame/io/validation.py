"""Validation of a case against its sources' verdicts, in and out of sample.

:func:`validate` builds the table the report and ``docs/theory/calibration.md``
show: for every period with a source verdict, the model's strategy, its
robustness over the ranges (Monte Carlo), whether any value was informed by
the verdict it is compared with (circularity), and a leave-one-period-out
check.  Every count is computed from the loaded file, never typed.

The leave-one-period-out check refits the parameters the codebook names in
``fit`` (by default the bargaining power β and the hold-up cost h, the
values calibrated from episodes rather than read from an indicator): for
each held-out period it picks the common values, on a grid over their
ranges, that reproduce the most verdicts of the *other* periods (ties go to
the point closest to the file's own values), then predicts the held-out
period with them.  The codings and rules are fixed by the codebook; only
these values are refitted.

Examples
--------
>>> from kzgame.io.cases import loads_case, template
>>> v = validate(loads_case(template()), draws=0)
>>> v.counts["verdicts"], v.counts["agree"], v.counts["out_of_sample"]
(1, 1, 1)
>>> v.rows[0].loo is None  # one verdict: nothing to fit the others on
True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..model import get_protocol
from ..numeric.classify import classify
from ..strategy import Strategy
from .cases import Case, CasePeriod

__all__ = ["Validation", "ValidationRow", "leave_one_out", "validate"]


@dataclass(frozen=True)
class ValidationRow:
    """One period with a source verdict.

    Attributes
    ----------
    label : str
    verdict, model : Strategy
        The source's verdict and the model's strategy at the point values.
    robustness : float or None
        Share of Monte Carlo draws over the ranges giving the model's strategy.
    verdict_share : float or None
        Share of draws giving the source's verdict.
    informed : tuple of str
        Parameters whose value the verdict informed (circular).
    undeclared : tuple of str
        Parameters whose file does not say.
    loo : Strategy or None
        The strategy predicted with the ``fit`` parameters refitted on the
        other periods (None if there are no other verdicts to fit on).
    loo_fit : mapping of str to float
        The refitted values.
    finding : str
    stale : bool
        True if the period has a finding but now agrees.
    """

    label: str
    verdict: Strategy
    model: Strategy
    robustness: float | None
    verdict_share: float | None
    informed: tuple[str, ...]
    undeclared: tuple[str, ...]
    loo: Strategy | None
    loo_fit: Mapping[str, float] = field(default_factory=dict)
    finding: str = ""
    stale: bool = False

    @property
    def agrees(self) -> bool:
        """True if the model reproduces the verdict."""
        return self.model == self.verdict

    @property
    def out_of_sample(self) -> bool:
        """True if every value declares that the verdict did not inform it."""
        return not self.informed and not self.undeclared

    @property
    def loo_agrees(self) -> bool | None:
        """True if the leave-one-period-out prediction matches the verdict."""
        return None if self.loo is None else self.loo == self.verdict


@dataclass(frozen=True)
class Validation:
    """The validation table of a case under one protocol."""

    case: str
    protocol: str
    fit: tuple[str, ...]
    rows: tuple[ValidationRow, ...]

    @property
    def counts(self) -> dict[str, int]:
        """Verdicts, agreements, and the same split by circularity and out of sample."""
        clean = [r for r in self.rows if r.out_of_sample]
        other = [r for r in self.rows if not r.out_of_sample]
        loo = [r for r in self.rows if r.loo is not None]
        return {
            "verdicts": len(self.rows),
            "agree": sum(r.agrees for r in self.rows),
            "out_of_sample": len(clean),
            "agree_out_of_sample": sum(r.agrees for r in clean),
            "informed": len(other),
            "agree_informed": sum(r.agrees for r in other),
            "loo": len(loo),
            "loo_agree": sum(bool(r.loo_agrees) for r in loo),
        }

    def summary(self) -> str:
        """One sentence with the counts.

        Agreement is counted only over periods no value of which was
        informed by the verdict; the others are given separately.
        """
        c = self.counts
        text = (f"Out of sample (no value informed by the verdict), the model reproduces "
                f"{c['agree_out_of_sample']} of {c['out_of_sample']} source verdicts")
        if c["informed"]:
            text += (f"; in the {c['informed']} period(s) where some value was informed by the "
                     f"verdict or does not say, it reproduces {c['agree_informed']} (not "
                     "counted as evidence)")
        if c["loo"]:
            text += (f"; leaving each period out and refitting {', '.join(self.fit)} on the "
                     f"others predicts {c['loo_agree']} of {c['loo']}")
        return text + "."

    def to_pandas(self) -> Any:
        """One row per period with a verdict as a :class:`pandas.DataFrame`
        (:func:`kzgame.analysis.frames.validation_frame`; needs the ``frames`` extra).

        Examples
        --------
        >>> from kzgame.io.cases import loads_case, template
        >>> df = validate(loads_case(template()), draws=0).to_pandas()
        >>> bool(df["agrees"].iloc[0]), bool(df["loo"].isna().iloc[0])
        (True, True)
        """
        from ..analysis.frames import validation_frame

        return validation_frame(self)


def _fit_grid(periods: list[CasePeriod], fit: tuple[str, ...], n: int) -> dict[str, np.ndarray]:
    grid = {}
    for name in fit:
        lows = [p.specs[name].low for p in periods]
        highs = [p.specs[name].high for p in periods]
        grid[name] = np.unique(np.concatenate([
            np.linspace(min(lows), max(highs), n), [p.specs[name].value for p in periods]]))
    return grid


def leave_one_out(case: Case, protocol: str = "nash", *, grid: int = 21
                  ) -> dict[str, tuple[Strategy, dict[str, float]]]:
    """Predict each verdict period with the ``fit`` parameters refitted on the others.

    Parameters
    ----------
    case : Case
    protocol : str, default "nash"
    grid : int, default 21
        Grid points per fitted parameter (plus the periods' own values).

    Returns
    -------
    dict
        ``{label: (predicted strategy, {parameter: fitted value})}`` for each
        period with a verdict, if at least one other period has one.
    """
    used = set(get_protocol(protocol).parameters)
    periods = [p for p in case.periods if p.verdict is not None]
    fit = tuple(f for f in case.codebook.fit if f in used
                and all(f in p.specs for p in periods))
    if len(periods) < 2:
        return {}
    axes = _fit_grid(periods, fit, grid)
    mesh = np.meshgrid(*(axes[f] for f in fit), indexing="ij") if fit else []
    shape = mesh[0].shape if fit else ()
    codes = []
    for p in periods:
        values: dict[str, Any] = {k: v for k, v in p.values.items() if k in used}
        values.update(dict(zip(fit, mesh, strict=True)))
        codes.append(np.broadcast_to(classify(protocol=protocol, **values), shape))
    hits = np.array([c == p.verdict.code for c, p in zip(codes, periods, strict=True)
                     if p.verdict is not None])
    # Distance of each grid point to the file's own values (mean over periods), in range units.
    dist = np.zeros(shape)
    for f, m in zip(fit, mesh, strict=True):
        point = np.mean([p.specs[f].value for p in periods])
        width = max(axes[f][-1] - axes[f][0], 1e-12)
        dist = dist + ((m - point) / width) ** 2
    out = {}
    for i, p in enumerate(periods):
        score = hits.sum(axis=0) - hits[i]
        best = score == score.max()
        idx = np.unravel_index(np.argmin(np.where(best, dist, np.inf)), shape) if fit else ()
        predicted = Strategy.from_code(int(codes[i][idx]))
        out[p.label] = (predicted, {f: float(m[idx]) for f, m in zip(fit, mesh, strict=True)})
    return out


def validate(case: Case, protocol: str = "nash", *, draws: int = 20_000, seed: int = 0,
             mc: Mapping | None = None, grid: int = 21) -> Validation:
    """The validation table: every period with a verdict, in and out of sample.

    Parameters
    ----------
    case : Case
    protocol : str, default "nash"
    draws : int, default 20000
        Monte Carlo draws per period for robustness (0: no robustness).
    seed : int, default 0
    mc : mapping, optional
        Monte Carlo results already computed
        (:func:`kzgame.analysis.uncertainty.case_monte_carlo`), keyed by label.
    grid : int, default 21
        Grid points per refitted parameter in :func:`leave_one_out`.

    Returns
    -------
    Validation
    """
    case.check_protocol(protocol)
    if mc is None and draws:
        from ..analysis.uncertainty import case_monte_carlo

        mc = case_monte_carlo(case, draws, seed=seed, protocol=protocol, sensitivity=False)
    loo = leave_one_out(case, protocol, grid=grid)
    rows = []
    for p in case.periods:
        if p.verdict is None:
            continue
        model = p.solve(protocol).strategy
        r = mc.get(p.label) if mc else None
        rows.append(ValidationRow(
            p.label, p.verdict, model,
            r.shares[model] if r is not None else None,
            r.shares.get(p.verdict, 0.0) if r is not None else None,
            p.informed, p.undeclared,
            loo[p.label][0] if p.label in loo else None,
            loo[p.label][1] if p.label in loo else {},
            p.finding, model == p.verdict and p.finding_applies(protocol)))
    used = set(get_protocol(protocol).parameters)
    return Validation(case.name, protocol,
                      tuple(f for f in case.codebook.fit if f in used), tuple(rows))
