"""Exogenous parameter paths: what each period's outside options, costs and powers are.

A :class:`ParameterPath` holds, for steps t = 1..T, the period game's
parameters (every name of the registry the period game uses).  It comes
from a model file's periods (:meth:`ParameterPath.from_periods`, with a rule
for the years between), from a function of t (:meth:`from_function`), or is
constant (:meth:`constant`).  The players know the path (anticipation); the
myopic variant replaces the path from step t on by step t's values held
(:meth:`held`).

Examples
--------
>>> base = {"share": 0.5, "outside_e": 0.0, "indispensability": 0.5, "survival": 0.6,
...         "invest_cost": 0.05}
>>> p = ParameterPath.from_function(lambda t: {"outside_r": 0.1 * t}, 3, base)
>>> p.T, p["outside_r"].tolist()
(3, [0.1, 0.2, 0.30000000000000004])
>>> p.held(1)["outside_r"].tolist()
[0.2, 0.2]
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from ..errors import ParameterError
from ..game.registry import REGISTRY

__all__ = ["BETWEEN_RULES", "NAMES", "ParameterPath", "PeriodLike", "check_value"]

#: The period game's parameters a path carries (share: only its first step is used,
#: as the initial status quo; later shares come from the law of motion).
NAMES: tuple[str, ...] = ("surplus", "share", "outside_r", "outside_e", "indispensability",
                          "survival", "invest_cost", "power", "holdup_cost", "discount_r",
                          "discount_e")
#: Rules for the years between two periods of a model file.
BETWEEN_RULES: tuple[str, ...] = ("hold", "linear")
#: Most steps a path may have.
MAX_STEPS: int = 10_000


class PeriodLike(Protocol):
    """What :meth:`ParameterPath.from_periods` reads of a model file's period."""

    @property
    def label(self) -> str: ...

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...

    @property
    def values(self) -> Mapping[str, float]: ...


def check_value(name: str, value: Any) -> np.ndarray:
    """``value`` checked as the period game's parameter ``name`` (ParameterError if not)."""
    if name not in NAMES:
        raise ParameterError(f"{name!r} is not a parameter of the period game; parameters: "
                             f"{', '.join(NAMES)}")
    return REGISTRY[name].check(value)


@dataclass(frozen=True)
class ParameterPath:
    """The period game's parameters for steps 1..T.

    Attributes
    ----------
    values : dict of str to ndarray
        Each parameter's values, shape ``(T,)`` or ``(T, P)`` for ``P``
        parameter points solved at once.
    labels : tuple of str
        A name for each step (the model file's period labels, years, or t).
    """

    values: dict[str, np.ndarray]
    labels: tuple[str, ...]

    def __post_init__(self) -> None:
        T = len(self.labels)
        if not 1 <= T <= MAX_STEPS:
            raise ParameterError(f"a path needs 1 to {MAX_STEPS:,} steps, got {T}")
        full: dict[str, np.ndarray] = {}
        missing = [n for n in NAMES if n not in self.values and REGISTRY[n].default is None]
        if missing:
            raise ParameterError(f"the path gives no value for {', '.join(missing)} (required: "
                                 "they have no default)")
        for name in NAMES:
            if name in self.values:
                arr = check_value(name, self.values[name])
            else:
                arr = check_value(name, REGISTRY[name].default)
            if arr.ndim == 0:
                arr = np.full(T, float(arr))
            if arr.shape[0] != T or arr.ndim > 2:
                raise ParameterError(f"{name}: the path's values have shape {arr.shape}; "
                                     f"expected ({T},) or ({T}, P), one row per step")
            full[name] = arr
        unknown = sorted(set(self.values) - set(NAMES))
        if unknown:
            raise ParameterError(f"{', '.join(map(repr, unknown))}: not parameters of the period "
                                 f"game; parameters: {', '.join(NAMES)}")
        shapes = {a.shape[1:] for a in full.values() if a.ndim == 2}
        if len(shapes) > 1:
            raise ParameterError(f"the path's parameter arrays have different numbers of "
                                 f"points: {sorted(shapes)}")
        object.__setattr__(self, "values", full)
        object.__setattr__(self, "labels", tuple(str(x) for x in self.labels))

    # -- constructors -------------------------------------------------------

    @classmethod
    def constant(cls, values: Mapping[str, Any], T: int) -> ParameterPath:
        """The same values for ``T`` steps (scalars, or arrays of P points).

        Examples
        --------
        >>> base = {"share": 0.5, "outside_e": 0.0, "indispensability": 0.5, "survival": 0.6,
        ...         "invest_cost": 0.05}
        >>> ParameterPath.constant({**base, "outside_r": [0.1, 0.2]}, 2)["outside_r"].shape
        (2, 2)
        """
        T = _steps(T)
        vals = {k: np.broadcast_to(check_value(k, v), (T, *np.shape(v))).copy()
                for k, v in values.items()}
        return cls(vals, tuple(str(t) for t in range(1, T + 1)))

    @classmethod
    def from_function(cls, f: Callable[[int], Mapping[str, Any]], T: int,
                      base: Mapping[str, Any] | None = None) -> ParameterPath:
        """Step t's values from ``f(t)``, t = 1..T, on top of ``base`` (else the registry's)."""
        T = _steps(T)
        rows = [{**(base or {}), **f(t)} for t in range(1, T + 1)]
        names = sorted({k for r in rows for k in r})
        vals = {}
        for k in names:
            col = [r.get(k, REGISTRY[k].default if k in REGISTRY else None) for r in rows]
            vals[k] = np.array([np.asarray(check_value(k, c), dtype=float) for c in col])
        return cls(vals, tuple(str(t) for t in range(1, T + 1)))

    @classmethod
    def from_periods(cls, periods: Sequence[PeriodLike], *, step: str = "period",
                     between: str = "hold", extra: int = 0) -> ParameterPath:
        """A path through a model file's periods.

        Parameters
        ----------
        periods : sequence
            The periods in time order (each with ``label``, ``start``, ``end``
            and ``values``; :class:`kzgame.io.cases.CasePeriod` is one).
        step : {"period", "year"}
            One step per period (the sources' episodes) or per year.
        between : {"hold", "linear"}
            With ``step="year"``, a year between two periods takes the earlier
            period's values (hold) or values interpolated linearly between the
            earlier period's last year and the later one's first.
        extra : int, default 0
            Steps appended after the last period with its values held (the
            forecast for the period after the last).
        """
        if step not in ("period", "year"):
            raise ParameterError(f"step = {step!r}; give 'period' or 'year'")
        if between not in BETWEEN_RULES:
            raise ParameterError(f"between = {between!r}; give one of {', '.join(BETWEEN_RULES)}")
        if isinstance(extra, bool) or not isinstance(extra, int) or extra < 0:
            raise ParameterError(f"extra = {extra!r}: give a non-negative integer")
        periods = list(periods)
        if not periods:
            raise ParameterError("a path needs at least one period")
        for a, b in zip(periods, periods[1:], strict=False):
            if b.start <= a.end:
                raise ParameterError(f"periods {a.label!r} and {b.label!r} overlap or are out "
                                     "of time order")
        rows: list[dict[str, float]] = []
        labels: list[str] = []
        if step == "period":
            for p in periods:
                rows.append(dict(p.values))
                labels.append(p.label)
            last = periods[-1]
            span = last.end - last.start + 1
            for j in range(extra):
                y0 = last.end + 1 + j * span
                labels.append(f"{y0}–{y0 + span - 1} (forecast)" if span > 1
                              else f"{y0} (forecast)")
                rows.append(dict(last.values))
        else:
            for i, p in enumerate(periods):
                for y in range(p.start, p.end + 1):
                    rows.append(dict(p.values))
                    labels.append(str(y))
                if i + 1 < len(periods):
                    nxt = periods[i + 1]
                    gap = nxt.start - p.end - 1
                    for j in range(1, gap + 1):
                        w = j / (gap + 1) if between == "linear" else 0.0
                        rows.append({k: (1 - w) * p.values[k] + w * nxt.values.get(k, p.values[k])
                                     for k in p.values})
                        labels.append(str(p.end + j))
            for j in range(1, extra + 1):
                rows.append(dict(periods[-1].values))
                labels.append(f"{periods[-1].end + j} (forecast)")
        names = sorted({k for r in rows for k in r} & set(NAMES))
        vals = {k: np.array([r.get(k, REGISTRY[k].default) for r in rows], dtype=float)
                for k in names}
        return cls(vals, tuple(labels))

    # -- access -------------------------------------------------------------

    @property
    def T(self) -> int:
        """The number of steps."""
        return len(self.labels)

    @property
    def points(self) -> tuple[int, ...]:
        """The shape of the parameter points (``()`` for one point)."""
        for a in self.values.values():
            if a.ndim == 2:
                return a.shape[1:]
        return ()

    def __getitem__(self, name: str) -> np.ndarray:
        return self.values[name]

    def at(self, t: int) -> dict[str, np.ndarray]:
        """Step ``t``'s values (0-based), each of shape ``points``."""
        return {k: v[t] for k, v in self.values.items()}

    def head(self, T: int) -> ParameterPath:
        """The first ``T`` steps.

        Raises
        ------
        ParameterError
            If the path has fewer than ``T`` steps.
        """
        T = _steps(T)
        if T > self.T:
            raise ParameterError(f"the path has {self.T} step(s), fewer than T = {T}; extend "
                                 "it (extra=...) or solve a shorter horizon")
        return ParameterPath({k: v[:T] for k, v in self.values.items()}, self.labels[:T])

    def held(self, t: int) -> ParameterPath:
        """Steps ``t..T-1`` (0-based) with step t's values held: the myopic expectation."""
        if not 0 <= t < self.T:
            raise ParameterError(f"step {t} is outside the path's 0..{self.T - 1}")
        n = self.T - t
        return ParameterPath({k: np.repeat(v[t:t + 1], n, axis=0) for k, v in self.values.items()},
                             self.labels[t:])

    def tail(self, t: int) -> ParameterPath:
        """Steps ``t..T-1`` (0-based)."""
        if not 0 <= t < self.T:
            raise ParameterError(f"step {t} is outside the path's 0..{self.T - 1}")
        return ParameterPath({k: v[t:] for k, v in self.values.items()}, self.labels[t:])

    def names_varying(self) -> tuple[str, ...]:
        """The parameters that change along the path."""
        return tuple(k for k, v in self.values.items() if k != "share"
                     and not np.all(v == v[:1]))


def _steps(T: Any) -> int:
    if isinstance(T, bool) or not isinstance(T, int | np.integer) or not 1 <= T <= MAX_STEPS:
        raise ParameterError(f"T = {T!r}: give a number of steps from 1 to {MAX_STEPS:,}")
    return int(T)


