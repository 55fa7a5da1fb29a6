"""The codebook of a model file: the rule from qualitative codings and indicators to numbers.

A codebook is declared once per case (or once for several cases, in a
shared file that model files name with ``extends``).  It holds

* **codings**: categorical readings of the sources (``outside_options =
  "favourable"``), each level giving a value and a range for one or more
  parameters;
* **indicators** and **rules**: observables (a trade share, a transit
  share) and, per parameter, a formula in them, read with the package's
  safe arithmetic parser (:func:`kzgame.io.cases.formula_names`); the range
  is the formula's extreme values over the corners of the indicators'
  ranges, widened by ``pad`` and clipped to the parameter's domain;
* a **verdict rule**: what described behaviour counts as invest, hold-up
  or accept, with the lines it rests on.

Periods then give codings and indicator values with provenance and with a
flag saying whether the source's verdict informed them; the parameter
values follow (:meth:`Codebook.derive`).  The loader in
:mod:`kzgame.io.cases` reads the TOML into these objects and reports every
error as :class:`kzgame.io.cases.ModelFileError`.

Examples
--------
>>> book = Codebook(
...     codings={"view": Coding("view", "E's perception of R", {
...         "indispensable": Level("indispensable", "", {"indispensability": (0.8, 0.6, 0.95)}),
...         "dispensable": Level("dispensable", "", {"indispensability": (0.3, 0.1, 0.5)})})},
...     indicators={"share": Indicator("share", "EAEU share of R's trade", (0.0, 1.0))},
...     rules={"outside_r": Rule("outside_r", "0.6 - share", 0.05, "")})
>>> book.parameters
{'indispensability': 'coding view', 'outside_r': 'rule outside_r'}
>>> value, low, high = book.rules["outside_r"].apply({"share": (0.2, 0.15, 0.25)})
>>> round(value, 3), round(low, 3), round(high, 3)
(0.4, 0.3, 0.5)
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from .cases import Citation

__all__ = [
    "CodedValue",
    "Coding",
    "Codebook",
    "Indicator",
    "IndicatorValue",
    "Level",
    "Rule",
    "VerdictRule",
]


@dataclass(frozen=True)
class Level:
    """One level of a coding: the value and range it gives each parameter.

    Attributes
    ----------
    name : str
    description : str
        What in the sources counts as this level.
    values : mapping of str to (value, low, high)
    """

    name: str
    description: str
    values: Mapping[str, tuple[float, float, float]]


@dataclass(frozen=True)
class Coding:
    """A categorical coding: its levels, each giving the same parameters."""

    name: str
    description: str
    levels: Mapping[str, Level]

    @property
    def parameters(self) -> tuple[str, ...]:
        """The parameters every level gives."""
        first = next(iter(self.levels.values()), None)
        return tuple(first.values) if first else ()


@dataclass(frozen=True)
class Indicator:
    """An observable a rule reads: name, meaning and allowed range."""

    name: str
    description: str
    domain: tuple[float, float] | None = None


@dataclass(frozen=True)
class Rule:
    """A parameter as a formula in indicators.

    Attributes
    ----------
    parameter : str
    formula : str
        Arithmetic in indicator names (:func:`kzgame.io.cases.formula_names`).
    pad : float
        Added on both sides of the range the indicators' ranges give.
    description : str
        Why this formula.
    """

    parameter: str
    formula: str
    pad: float
    description: str
    names: tuple[str, ...] = ()

    def apply(self, indicators: Mapping[str, tuple[float, float, float]]
              ) -> tuple[float, float, float]:
        """``(value, low, high)`` from ``{name: (value, low, high)}`` of the indicators.

        The value is the formula at the indicators' values; ``low`` and
        ``high`` are its extremes over every corner of their ranges (exact
        for formulas monotone in each indicator, such as linear ones), then
        widened by ``pad``.
        """
        from .cases import evaluate_formula

        names = self.names or tuple(indicators)
        value = evaluate_formula(self.formula, {n: indicators[n][0] for n in names})
        corners = [
            evaluate_formula(self.formula, dict(zip(names, pick, strict=True)))
            for pick in itertools.product(*((indicators[n][1], indicators[n][2]) for n in names))
        ]
        low = min([value, *corners]) - self.pad
        high = max([value, *corners]) + self.pad
        return value, low, high


@dataclass(frozen=True)
class VerdictRule:
    """What described behaviour counts as each strategy (text), and where that comes from."""

    rules: Mapping[str, str]
    source: tuple[Citation, ...] = ()


@dataclass(frozen=True)
class CodedValue:
    """A period's coding: the level, its provenance and whether the verdict informed it."""

    coding: str
    level: str
    source: tuple[Citation, ...]
    evidence: str
    informed: bool


@dataclass(frozen=True)
class IndicatorValue:
    """A period's indicator: value, range, provenance, and whether the verdict informed it."""

    name: str
    value: float
    low: float
    high: float
    source: tuple[Citation, ...]
    evidence: str
    informed: bool


@dataclass(frozen=True)
class Codebook:
    """Codings, indicators, rules and the verdict rule of a case (all optional)."""

    description: str = ""
    codings: Mapping[str, Coding] = field(default_factory=dict)
    indicators: Mapping[str, Indicator] = field(default_factory=dict)
    rules: Mapping[str, Rule] = field(default_factory=dict)
    verdict_rule: VerdictRule | None = None
    fit: tuple[str, ...] = ("power", "holdup_cost")

    @property
    def parameters(self) -> dict[str, str]:
        """Each parameter the codebook gives, and which entry gives it."""
        out = {}
        for c in self.codings.values():
            for p in c.parameters:
                out[p] = f"coding {c.name}"
        for r in self.rules.values():
            out[r.parameter] = f"rule {r.parameter}"
        return out

    @property
    def empty(self) -> bool:
        """True if the codebook gives no parameter."""
        return not self.codings and not self.rules
