"""A period's uncertainty about R's type in a model file: the ``[periods.beliefs]`` table.

An optional, additive table of a period (data only: numbers, names and
citations; nothing is evaluated)::

    [periods.beliefs]
    parameter = "indispensability"   # or "outside_r": what E is uncertain about
    low = 0.5                        # the two types' values (low < high, in the domain)
    high = 0.8
    prior = 0.8                      # E's prior probability of the high type
    source = ["000_9a37ca83d57f535e.txt:126"]
    reasoning = "why these values"
    assumption = true                # optional: the values are an assumption
    distribution = "uniform"         # optional: a continuum on [low, high] ("uniform"
                                     # or "beta", with beta_a, beta_b)

The values are checked like any parameter (the type's domain, the prior in
[0, 1], low below high) and the citations like the rest of the file.

Examples
--------
>>> spec = BeliefSpec("indispensability", 0.5, 0.8, 0.8, (), "r")
>>> spec.values()
{'indispensability_low': 0.5, 'indispensability_high': 0.8, 'prior': 0.8}
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import ParameterError
from ..games.types import UNCERTAIN, check_types

__all__ = ["BELIEF_KEYS", "BeliefSpec", "parse_beliefs"]

#: The keys of ``[periods.beliefs]``.
BELIEF_KEYS: tuple[str, ...] = ("parameter", "low", "high", "prior", "source", "reasoning",
                                "assumption", "distribution", "beta_a", "beta_b")


@dataclass(frozen=True)
class BeliefSpec:
    """E's uncertainty about one of R's parameters in one period."""

    parameter: str
    low: float
    high: float
    prior: float
    source: tuple[Any, ...]
    reasoning: str
    assumption: bool = False
    distribution: str | None = None
    beta_a: float = 1.0
    beta_b: float = 1.0

    def values(self) -> dict[str, float]:
        """The game-local parameters of the two-type games."""
        return {f"{self.parameter}_low": self.low, f"{self.parameter}_high": self.high,
                "prior": self.prior}


def parse_beliefs(reader: Any, obj: Any, label: str) -> BeliefSpec:
    """Read a ``[periods.beliefs]`` table with the model-file reader's checks.

    ``reader`` is the model-file reader of :mod:`kzgame.io.cases` (its
    ``table``, ``text``, ``number``, ``strings``, ``citations`` and ``error``).
    """
    obj = reader.table(obj, BELIEF_KEYS, period=label, key="beliefs")
    param = reader.text(obj, "parameter", required=True, period=label, prefix="beliefs.")
    if param not in UNCERTAIN:
        raise reader.error(f"{param!r} is not an uncertain parameter; give one of "
                           f"{', '.join(UNCERTAIN)}", period=label, key="beliefs.parameter")
    nums = {}
    for k in ("low", "high", "prior"):
        if k not in obj:
            raise reader.error("missing (required)", period=label, key=f"beliefs.{k}")
        nums[k] = reader.number(obj[k], period=label, key=f"beliefs.{k}")
    try:
        check_types({f"{param}_low": nums["low"], f"{param}_high": nums["high"],
                     "prior": nums["prior"]}, param)
    except ParameterError as e:
        raise reader.error(str(e), period=label, key="beliefs") from None
    source = reader.citations(reader.strings(obj, "source", period=label, prefix="beliefs."),
                              period=label, key="beliefs.source")
    reasoning = reader.text(obj, "reasoning", required=True, period=label, prefix="beliefs.")
    assumption = obj.get("assumption", False)
    if not isinstance(assumption, bool):
        raise reader.error(f"must be true or false, got {assumption!r}", period=label,
                           key="beliefs.assumption")
    dist = obj.get("distribution")
    if dist is not None and dist not in ("uniform", "beta"):
        raise reader.error(f"{dist!r}: give 'uniform' or 'beta'", period=label,
                           key="beliefs.distribution")
    shape = {}
    for k in ("beta_a", "beta_b"):
        if k in obj:
            shape[k] = reader.number(obj[k], period=label, key=f"beliefs.{k}")
            if not shape[k] > 0:
                raise reader.error(f"must be positive, got {shape[k]!r}", period=label,
                                   key=f"beliefs.{k}")
    return BeliefSpec(param, nums["low"], nums["high"], nums["prior"], tuple(source), reasoning,
                      assumption, dist, **shape)
