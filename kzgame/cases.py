"""Calibrated cases: the model-file schema, its loader and its checks.

A *case* is a dyad (a rising power R inside a regime led by an established
power E) seen over several periods.  It lives in a TOML model file under
``models/`` that records, for every parameter of every period, a point
value, a plausible range and its provenance (the seed file and line, the
indicator and the reasoning from indicator to value).  The schema is
documented in ``docs/reference/model-file.md``; this module implements it
exactly:

* unknown keys, missing or empty provenance, a value outside its range or
  its parameter's domain, a citation of a seed file the case does not list,
  of a file that does not exist or of a line past its end all raise
  :class:`ModelFileError`, naming the file, the period and the key;
* numbers are TOML numbers.  A value may also be a short arithmetic string
  such as ``"1/3"`` or ``"0.6 - 0.1"``; it is read by a tiny parser that
  accepts numeric literals, ``+ - * /`` and parentheses and nothing else.
  Text from a model file is never passed to ``eval``, ``exec`` or
  ``sympify``;
* a period's equilibrium is never stored in the file: it is computed
  (:meth:`CasePeriod.solve`).  The file records the *source's* verdict
  separately, and :meth:`Case.verify` checks that the model reproduces it
  or that the disagreement is written down as a ``finding``.

Examples
--------
>>> spec = ('{value = %s, range = [%s, %s], source = ["assumption"], '
...         'indicator = "an observable", reasoning = "why this value"}')
>>> values = {"surplus": (1, 1, 1), "share": (0.5, 0.4, 0.6),
...           "outside_r": (0.0, -0.1, 0.1), "outside_e": (0.0, -0.1, 0.1),
...           "indispensability": (0.8, 0.6, 0.9), "survival": (0.5, 0.4, 0.6),
...           "invest_cost": (0.05, 0.0, 0.1), "power": (0.5, 0.4, 0.6),
...           "holdup_cost": (0.0, 0.0, 0.05)}
>>> text = "\\n".join(
...     ['schema = 1', '[case]', 'name = "Toy"', 'rising = "R"', 'established = "E"',
...      'description = "A toy case."', 'sources = []', '[defaults]']
...     + [f"{k} = " + spec % v for k, v in values.items()]
...     + ['[[periods]]', 'label = "one"', 'start = 2000', 'end = 2001',
...        'verdict = "invest"', 'verdict_source = ["assumption"]'])
>>> case = loads_case(text, seeds=False)
>>> case.labels
('one',)
>>> case.periods[0].solve().strategy
<Strategy.INVEST: 'invest'>
>>> case.periods[0].specs["share"].range
(0.4, 0.6)
>>> loads_case(text.replace('label = "one"', 'label = "one"\\ncolour = "red"'), seeds=False)
Traceback (most recent call last):
...
kzgame.cases.ModelFileError: <string>: period 'one': key 'colour': unknown key; allowed keys: ...
"""

from __future__ import annotations

import ast
import math
import operator
import os
import re
import tomllib
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .model import get_protocol
from .params import DOMAINS, PARAMETERS, KzgameError, NoSurplusWarning, ParameterError, Period
from .solve import Result, solve
from .strategy import Strategy

__all__ = [
    "OPTIONAL_PARAMETERS",
    "REQUIRED_PARAMETERS",
    "SCHEMA_VERSION",
    "SPECIAL_SOURCES",
    "Case",
    "CasePeriod",
    "Citation",
    "ModelFileError",
    "ParamSpec",
    "VerdictCheck",
    "find_seeds",
    "load_case",
    "loads_case",
    "parse_number",
]

#: The schema version this loader reads (the file's top-level ``schema`` key).
SCHEMA_VERSION = 1

#: Parameters every period must specify (in the period or in ``[defaults]``).
REQUIRED_PARAMETERS: tuple[str, ...] = (
    "surplus",
    "share",
    "outside_r",
    "outside_e",
    "indispensability",
    "survival",
    "invest_cost",
    "power",
    "holdup_cost",
)
#: Parameters a period may specify (only the ``rubinstein`` protocol uses them).
OPTIONAL_PARAMETERS: tuple[str, ...] = ("discount_r", "discount_e")

#: Sources that are not seed citations: a unit choice, or the author's judgment.
SPECIAL_SOURCES: tuple[str, ...] = ("normalization", "assumption")

_TOP_KEYS = ("schema", "case", "defaults", "periods")
_CASE_KEYS = ("name", "rising", "established", "description", "sources")
_PERIOD_KEYS = (
    "label",
    "start",
    "end",
    "verdict",
    "verdict_source",
    "notes",
    "finding",
    "params",
)
_SPEC_KEYS = ("value", "range", "source", "indicator", "reasoning")
_VERDICTS = tuple(s.value for s in Strategy)
_CITATION = re.compile(r"^(?P<file>[^:/\\]+):(?P<first>[0-9]+)(?:-(?P<last>[0-9]+))?$")
_FILE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*$")
#: Longest arithmetic string :func:`parse_number` reads.
_MAX_EXPRESSION = 100
#: Environment variable naming the seeds folder (overrides the search).
SEEDS_ENV = "KZGAME_SEEDS"


class ModelFileError(KzgameError):
    """A model file is malformed: the message names the file, the period and the key.

    Attributes
    ----------
    file : str
        The file (or ``"<string>"`` for :func:`loads_case`).
    period : str or None
        The period's label (or ``periods[i]`` before the label is known), if
        the error is inside a period.
    key : str or None
        The offending key, dotted (``params.share.range``).
    """

    def __init__(self, file: str, message: str, *, period: str | None = None,
                 key: str | None = None) -> None:
        self.file = file
        self.period = period
        self.key = key
        where = [file]
        if period is not None:
            where.append(f"period {period!r}")
        if key is not None:
            where.append(f"key {key!r}")
        super().__init__(": ".join(where) + ": " + message)


# ---------------------------------------------------------------------------
# Numbers: TOML numbers, or a restricted arithmetic string
# ---------------------------------------------------------------------------

_BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
           ast.Div: operator.truediv}
_UNARY = {ast.UAdd: operator.pos, ast.USub: operator.neg}


def _evaluate(node: ast.AST) -> float:
    """Evaluate a whitelisted arithmetic tree; anything else raises ValueError."""
    if isinstance(node, ast.Expression):
        return _evaluate(node.body)
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, int | float):
            raise ValueError(f"{node.value!r} is not a number")
        return float(node.value)
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        return _BINARY[type(node.op)](_evaluate(node.left), _evaluate(node.right))
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        return _UNARY[type(node.op)](_evaluate(node.operand))
    raise ValueError(
        f"{type(node).__name__} is not allowed (only numbers, + - * / and parentheses)"
    )


def parse_number(value: Any) -> float:
    """A model file's number: a TOML int/float, or a short arithmetic string.

    Strings may hold numeric literals, ``+``, ``-``, ``*``, ``/`` and
    parentheses, at most 100 characters; they are parsed with :mod:`ast` and
    evaluated node by node from a whitelist.  Names, calls, attributes,
    powers, comparisons and everything else are rejected before anything
    is evaluated.  Nothing is ever passed to ``eval`` or ``exec``.

    Parameters
    ----------
    value : int, float or str

    Returns
    -------
    float
        The value; always finite.

    Raises
    ------
    ValueError
        If ``value`` is not a finite number or an allowed expression (the
        loader turns this into :class:`ModelFileError`).

    Examples
    --------
    >>> parse_number(0.25), parse_number(3), parse_number("1/3 + (1 - 0.5)")
    (0.25, 3.0, 0.8333333333333333)
    >>> parse_number("__import__('os').system('true')")
    Traceback (most recent call last):
    ...
    ValueError: Call is not allowed (only numbers, + - * / and parentheses)
    >>> parse_number("2**10")
    Traceback (most recent call last):
    ...
    ValueError: BinOp is not allowed (only numbers, + - * / and parentheses)
    """
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a number")
    if isinstance(value, int | float):
        result = float(value)
    elif isinstance(value, str):
        text = value.strip()
        if not text:
            raise ValueError("empty string is not a number")
        if len(text) > _MAX_EXPRESSION:
            raise ValueError(f"expression longer than {_MAX_EXPRESSION} characters")
        try:
            tree = ast.parse(text, mode="eval")
        except SyntaxError:
            raise ValueError(f"{value!r} is not a number or an arithmetic expression") from None
        try:
            result = _evaluate(tree)
        except ZeroDivisionError:
            raise ValueError(f"{value!r} divides by zero") from None
        except OverflowError:
            raise ValueError(f"{value!r} overflows") from None
    else:
        raise ValueError(f"{value!r} ({type(value).__name__}) is not a number")
    if not math.isfinite(result):
        raise ValueError(f"{value!r} is not a finite number")
    return result


# ---------------------------------------------------------------------------
# The objects a model file becomes
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Citation:
    """One provenance entry: a seed file and line range, or a special source.

    Attributes
    ----------
    text : str
        The entry as written (``"000_x.txt:98-100"``, ``"assumption"``).
    file : str or None
        The seed file, or None for ``normalization`` / ``assumption``.
    first, last : int or None
        The cited lines (1-based, inclusive).

    Examples
    --------
    >>> Citation.parse("000_a.txt:98-100")
    Citation(text='000_a.txt:98-100', file='000_a.txt', first=98, last=100)
    >>> Citation.parse("assumption").file is None
    True
    """

    text: str
    file: str | None = None
    first: int | None = None
    last: int | None = None

    @classmethod
    def parse(cls, text: str) -> Citation:
        """Parse ``FILE:LINE``, ``FILE:LINE-LINE``, ``normalization`` or ``assumption``.

        Raises
        ------
        ValueError
            On any other form, a line number below 1 or a descending range.
        """
        if text in SPECIAL_SOURCES:
            return cls(text)
        m = _CITATION.match(text)
        if not m or not _FILE_NAME.match(m["file"]):
            raise ValueError(
                f"{text!r} is not a citation: write FILE:LINE, FILE:LINE-LINE "
                f"(FILE a seed file name), {SPECIAL_SOURCES[0]!r} or {SPECIAL_SOURCES[1]!r}"
            )
        first = int(m["first"])
        last = int(m["last"]) if m["last"] else first
        if first < 1 or last < first:
            raise ValueError(f"{text!r}: lines must be >= 1 and in increasing order")
        return cls(text, m["file"], first, last)


@dataclass(frozen=True)
class ParamSpec:
    """One calibrated parameter: value, range and provenance.

    Attributes
    ----------
    name : str
        The parameter (a :class:`kzgame.Period` field).
    value : float
        The point value used by :meth:`CasePeriod.solve`.
    low, high : float
        The plausible range (``low <= value <= high``), for uncertainty analysis.
    source : tuple of Citation
        Where the value comes from.
    indicator : str
        The observable the value is read from.
    reasoning : str
        The argument from indicator to value.
    inherited : bool
        True if the spec comes from the file's ``[defaults]``.
    """

    name: str
    value: float
    low: float
    high: float
    source: tuple[Citation, ...]
    indicator: str
    reasoning: str
    inherited: bool = False

    @property
    def range(self) -> tuple[float, float]:
        """``(low, high)``."""
        return (self.low, self.high)

    @property
    def is_point(self) -> bool:
        """True if the range is a single point (the value is not uncertain)."""
        return self.low == self.high

    @property
    def sources(self) -> str:
        """The sources as one comma-separated string."""
        return ", ".join(c.text for c in self.source)


@dataclass(frozen=True)
class CasePeriod:
    """One period of a case: its parameters with ranges and provenance, and the source's verdict.

    The equilibrium is not stored; :meth:`solve` computes it.

    Attributes
    ----------
    label : str
        The period's name, unique in its case (``"2009–2013"``).
    start, end : int
        First and last year.
    period : kzgame.Period
        The point values as a validated :class:`kzgame.Period`.
    specs : mapping of str to ParamSpec
        Every specified parameter (the nine required ones and any discount
        factors), with range and provenance.
    verdict : Strategy or None
        The strategy the *source* says R followed, if it says.
    verdict_source : tuple of Citation
        Where the source says it.
    notes, finding : str
        Free text; ``finding`` explains a disagreement between model and source.
    """

    label: str
    start: int
    end: int
    period: Period
    specs: Mapping[str, ParamSpec]
    verdict: Strategy | None = None
    verdict_source: tuple[Citation, ...] = ()
    notes: str = ""
    finding: str = ""
    file: str = field(default="<string>", repr=False, compare=False)

    @property
    def values(self) -> dict[str, float]:
        """Point values of the specified parameters."""
        return {k: s.value for k, s in self.specs.items()}

    @property
    def ranges(self) -> dict[str, tuple[float, float]]:
        """``(low, high)`` of every specified parameter."""
        return {k: s.range for k, s in self.specs.items()}

    def check_protocol(self, protocol: str) -> None:
        """Raise :class:`ModelFileError` if ``protocol`` uses a parameter this period leaves out.

        Only the discount factors may be left out, and only the
        ``rubinstein`` protocol uses them.
        """
        missing = [k for k in get_protocol(protocol).parameters if k not in self.specs]
        if missing:
            raise ModelFileError(
                self.file,
                f"protocol {protocol!r} needs {', '.join(missing)}, which the period does not "
                "specify (add them to the period or to [defaults])",
                period=self.label,
            )

    def solve(self, protocol: str = "nash") -> Result:
        """Solve the period with its point values (see :func:`kzgame.solve`)."""
        self.check_protocol(protocol)
        return solve(self.period, protocol)


@dataclass(frozen=True)
class VerdictCheck:
    """The model's strategy for one period set against the source's verdict.

    Attributes
    ----------
    label : str
    verdict : Strategy
        The source's verdict.
    model : Strategy
        The model's subgame-perfect strategy at the point values.
    finding : str
        The file's explanation of a disagreement ("" if none).
    """

    label: str
    verdict: Strategy
    model: Strategy
    finding: str

    @property
    def agrees(self) -> bool:
        """True if the model reproduces the source's verdict."""
        return self.model == self.verdict


@dataclass(frozen=True)
class Case:
    """A calibrated case: a dyad and its periods, as loaded from a model file.

    Attributes
    ----------
    name, rising, established, description : str
    sources : tuple of str
        The seed files the case uses.
    periods : tuple of CasePeriod
        In chronological order.
    path : pathlib.Path or None
        The model file (None for :func:`loads_case`).
    seeds : pathlib.Path or None
        The seeds folder citations were checked against (None: not checked).
    file : str
        What error messages call the file (its path, or the ``name`` given
        to :func:`loads_case`).
    """

    name: str
    rising: str
    established: str
    description: str
    sources: tuple[str, ...]
    periods: tuple[CasePeriod, ...]
    path: Path | None = None
    seeds: Path | None = None
    file: str = field(default="<string>", repr=False, compare=False)

    @property
    def labels(self) -> tuple[str, ...]:
        """The periods' labels, in order."""
        return tuple(p.label for p in self.periods)

    def period(self, label: str) -> CasePeriod:
        """The period called ``label``.

        Raises
        ------
        KzgameError
            If there is none (the message lists the labels).
        """
        for p in self.periods:
            if p.label == label:
                return p
        raise KzgameError(
            f"case {self.name!r} has no period {label!r}; periods: {', '.join(self.labels)}"
        )

    def check_protocol(self, protocol: str) -> None:
        """Raise :class:`ModelFileError` if some period lacks a parameter ``protocol`` uses."""
        for p in self.periods:
            p.check_protocol(protocol)

    def verdicts(self, protocol: str = "nash") -> list[VerdictCheck]:
        """Model against source for every period that has a source verdict."""
        return [
            VerdictCheck(p.label, p.verdict, p.solve(protocol).strategy, p.finding)
            for p in self.periods
            if p.verdict is not None
        ]

    def verify(self, protocol: str = "nash") -> list[VerdictCheck]:
        """Check that each source verdict is reproduced or its mismatch recorded.

        Returns
        -------
        list of VerdictCheck
            As :meth:`verdicts`.

        Raises
        ------
        ModelFileError
            For the first period whose source verdict the model does not
            reproduce and which has no ``finding`` explaining why.
        """
        checks = self.verdicts(protocol)
        for c in checks:
            if not c.agrees and not c.finding.strip():
                raise ModelFileError(
                    self.file,
                    f"the model gives {c.model.value} ({protocol} protocol) but the source's "
                    f"verdict is {c.verdict.value}; record the disagreement in a 'finding'",
                    period=c.label,
                    key="verdict",
                )
        return checks


# ---------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------


def find_seeds(model_file: str | os.PathLike[str] | None = None) -> Path | None:
    """The seeds folder citations are checked against, or None.

    The environment variable ``KZGAME_SEEDS`` wins if set.  Otherwise the
    folders ``seeds`` and ``shared/seeds`` are looked for in the model
    file's folder and its two parents (so ``models/x.toml`` in a clone next
    to ``../shared/seeds`` finds it).  Returns None if none exists: the
    citations' form is still checked, but not the files and lines.
    """
    env = os.environ.get(SEEDS_ENV)
    if env:
        return Path(env)
    if model_file is None:
        return None
    here = Path(model_file).resolve().parent
    for base in (here, here.parent, here.parent.parent):
        for cand in (base / "seeds", base / "shared" / "seeds"):
            if cand.is_dir():
                return cand
    return None


class _Loader:
    """Validates the parsed TOML of one model file (one instance per file)."""

    def __init__(self, file: str, seeds: Path | None, path: Path | None = None) -> None:
        self.file = file
        self.path = path
        self.seeds = seeds
        self._line_counts: dict[str, int] = {}
        self.sources: tuple[str, ...] = ()

    def error(self, message: str, *, period: str | None = None, key: str | None = None):
        return ModelFileError(self.file, message, period=period, key=key)

    # -- small typed readers -------------------------------------------------

    def table(self, obj: Any, allowed: Iterable[str], *, period=None, key=None) -> dict:
        if not isinstance(obj, dict):
            raise self.error(f"must be a table, got {type(obj).__name__}", period=period, key=key)
        allowed = tuple(allowed)
        for k in obj:
            if k not in allowed:
                prefix = f"{key}." if key else ""
                raise self.error(
                    f"unknown key; allowed keys: {', '.join(allowed)}",
                    period=period, key=prefix + k,
                )
        return obj

    def text(self, obj: dict, k: str, *, required: bool, period=None, prefix="") -> str:
        if k not in obj:
            if required:
                raise self.error("missing (required)", period=period, key=prefix + k)
            return ""
        v = obj[k]
        if not isinstance(v, str):
            raise self.error(f"must be a string, got {v!r}", period=period, key=prefix + k)
        if required and not v.strip():
            raise self.error("must not be empty", period=period, key=prefix + k)
        return v

    def strings(self, obj: dict, k: str, *, period=None, prefix="", nonempty=True) -> list[str]:
        if k not in obj:
            raise self.error("missing (required)", period=period, key=prefix + k)
        v = obj[k]
        if not isinstance(v, list) or not all(isinstance(x, str) and x.strip() for x in v):
            raise self.error(
                f"must be a list of non-empty strings, got {v!r}", period=period, key=prefix + k
            )
        if nonempty and not v:
            raise self.error("must list at least one source", period=period, key=prefix + k)
        return v

    def year(self, obj: dict, k: str, *, period: str) -> int:
        if k not in obj:
            raise self.error("missing (required)", period=period, key=k)
        v = obj[k]
        if isinstance(v, bool) or not isinstance(v, int):
            raise self.error(f"must be an integer year, got {v!r}", period=period, key=k)
        return v

    def number(self, v: Any, *, period, key) -> float:
        try:
            return parse_number(v)
        except ValueError as e:
            raise self.error(str(e), period=period, key=key) from None

    # -- citations -----------------------------------------------------------

    def line_count(self, name: str, *, period, key) -> int:
        if name not in self._line_counts:
            assert self.seeds is not None
            path = self.seeds / name
            if not path.is_file():
                raise self.error(
                    f"cited seed file {name!r} does not exist in {self.seeds}",
                    period=period, key=key,
                )
            with path.open(encoding="utf-8", errors="replace") as f:
                self._line_counts[name] = sum(1 for _ in f)
        return self._line_counts[name]

    def citations(self, texts: list[str], *, period, key) -> tuple[Citation, ...]:
        out = []
        for t in texts:
            try:
                c = Citation.parse(t.strip())
            except ValueError as e:
                raise self.error(str(e), period=period, key=key) from None
            if c.file is not None:
                if c.file not in self.sources:
                    raise self.error(
                        f"cites {c.file!r}, which is not listed in [case] sources",
                        period=period, key=key,
                    )
                if self.seeds is not None:
                    n = self.line_count(c.file, period=period, key=key)
                    if c.last > n:
                        raise self.error(
                            f"cites line {c.last} of {c.file!r}, which has {n} lines",
                            period=period, key=key,
                        )
            out.append(c)
        return tuple(out)

    # -- parameter specs -----------------------------------------------------

    def spec(self, name: str, obj: Any, *, period, prefix: str, inherited: bool) -> ParamSpec:
        key = prefix + name
        obj = self.table(obj, _SPEC_KEYS, period=period, key=key)
        for k in _SPEC_KEYS:
            if k not in obj:
                raise self.error("missing (required)", period=period, key=f"{key}.{k}")
        value = self.number(obj["value"], period=period, key=f"{key}.value")
        rng = obj["range"]
        if not isinstance(rng, list) or len(rng) != 2:
            raise self.error(
                f"must be a list [low, high] of two numbers, got {rng!r}",
                period=period, key=f"{key}.range",
            )
        low = self.number(rng[0], period=period, key=f"{key}.range")
        high = self.number(rng[1], period=period, key=f"{key}.range")
        domain = DOMAINS[name]
        for what, x in (("value", value), ("range low", low), ("range high", high)):
            if not domain.contains(x):
                raise self.error(
                    f"{what} {x:g} is outside {name}'s allowed range {domain.describe()}",
                    period=period, key=f"{key}.{'value' if what == 'value' else 'range'}",
                )
        if not low <= value <= high:
            raise self.error(
                f"value {value:g} is not within its range [{low:g}, {high:g}]",
                period=period, key=f"{key}.range",
            )
        source = self.citations(
            self.strings(obj, "source", period=period, prefix=f"{key}."),
            period=period, key=f"{key}.source",
        )
        indicator = self.text(obj, "indicator", required=True, period=period, prefix=f"{key}.")
        reasoning = self.text(obj, "reasoning", required=True, period=period, prefix=f"{key}.")
        return ParamSpec(name, value, low, high, source, indicator, reasoning, inherited)

    def specs(self, obj: Any, *, period, prefix: str, inherited: bool) -> dict[str, ParamSpec]:
        allowed = REQUIRED_PARAMETERS + OPTIONAL_PARAMETERS
        obj = self.table(obj, allowed, period=period, key=prefix.rstrip(".") or None)
        return {
            name: self.spec(name, obj[name], period=period, prefix=prefix, inherited=inherited)
            for name in allowed
            if name in obj
        }

    # -- the whole file ------------------------------------------------------

    def case(self, data: dict) -> Case:
        self.table(data, _TOP_KEYS)
        if "schema" not in data:
            raise self.error("missing (required)", key="schema")
        if data["schema"] != SCHEMA_VERSION or isinstance(data["schema"], bool):
            raise self.error(
                f"unsupported schema {data['schema']!r}; this kzgame reads schema = "
                f"{SCHEMA_VERSION}",
                key="schema",
            )
        if "case" not in data:
            raise self.error("missing (required)", key="case")
        meta = self.table(data["case"], _CASE_KEYS, key="case")
        texts = {k: self.text(meta, k, required=True, prefix="case.") for k in _CASE_KEYS[:4]}
        sources = self.strings(meta, "sources", prefix="case.", nonempty=False)
        for s in sources:
            if not _FILE_NAME.match(s):
                raise self.error(f"{s!r} is not a seed file name", key="case.sources")
            if self.seeds is not None and not (self.seeds / s).is_file():
                raise self.error(
                    f"seed file {s!r} does not exist in {self.seeds}", key="case.sources"
                )
        self.sources = tuple(sources)
        defaults = self.specs(
            data.get("defaults", {}), period=None, prefix="defaults.", inherited=True
        )
        if "periods" not in data:
            raise self.error("missing (required): at least one [[periods]]", key="periods")
        raw = data["periods"]
        if not isinstance(raw, list) or not raw:
            raise self.error("must be a non-empty array of tables [[periods]]", key="periods")
        periods: list[CasePeriod] = []
        for i, obj in enumerate(raw):
            periods.append(self.period(obj, i, defaults))
            if len(periods) > 1:
                prev, cur = periods[-2], periods[-1]
                if cur.label == prev.label or cur.label in {p.label for p in periods[:-1]}:
                    raise self.error("duplicate label", period=cur.label, key="label")
                if cur.start <= prev.end:
                    raise self.error(
                        f"starts in {cur.start}, not after the previous period {prev.label!r} "
                        f"ends ({prev.end}); list periods in time order without overlap",
                        period=cur.label, key="start",
                    )
        return Case(
            name=texts["name"],
            rising=texts["rising"],
            established=texts["established"],
            description=texts["description"],
            sources=self.sources,
            periods=tuple(periods),
            path=self.path,
            seeds=self.seeds,
            file=self.file,
        )

    def period(self, obj: Any, index: int, defaults: dict[str, ParamSpec]) -> CasePeriod:
        where = f"periods[{index}]"
        if not isinstance(obj, dict):
            raise self.error("must be a table", period=where)
        label = obj.get("label")
        if isinstance(label, str) and label.strip():
            where = label
        self.table(obj, _PERIOD_KEYS, period=where)
        label = self.text(obj, "label", required=True, period=where)
        start = self.year(obj, "start", period=label)
        end = self.year(obj, "end", period=label)
        if end < start:
            raise self.error(f"end {end} is before start {start}", period=label, key="end")
        verdict = None
        verdict_source: tuple[Citation, ...] = ()
        if "verdict" in obj:
            v = obj["verdict"]
            if v not in _VERDICTS:
                raise self.error(
                    f"{v!r} is not a strategy; use one of {', '.join(_VERDICTS)}",
                    period=label, key="verdict",
                )
            verdict = Strategy(v)
            verdict_source = self.citations(
                self.strings(obj, "verdict_source", period=label),
                period=label, key="verdict_source",
            )
        elif "verdict_source" in obj:
            raise self.error("given without a verdict", period=label, key="verdict_source")
        notes = self.text(obj, "notes", required=False, period=label)
        finding = self.text(obj, "finding", required=False, period=label)
        own = self.specs(obj.get("params", {}), period=label, prefix="params.", inherited=False)
        specs = {**defaults, **own}
        missing = [k for k in REQUIRED_PARAMETERS if k not in specs]
        if missing:
            raise self.error(
                f"no value for {', '.join(missing)} (give it in [periods.params.NAME] "
                "or [defaults.NAME])",
                period=label, key="params",
            )
        ordered = {k: specs[k] for k in PARAMETERS if k in specs}
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", NoSurplusWarning)
            try:
                point = Period(**{k: s.value for k, s in ordered.items()})
            except ParameterError as e:  # pragma: no cover - specs are checked one by one
                raise self.error(str(e), period=label, key="params") from None
        for w in caught:
            warnings.warn(f"{self.file}: period {label!r}: {w.message}", NoSurplusWarning,
                          stacklevel=4)
        return CasePeriod(
            label=label,
            start=start,
            end=end,
            period=point,
            specs=MappingProxyType(ordered),
            verdict=verdict,
            verdict_source=verdict_source,
            notes=notes,
            finding=finding,
            file=self.file,
        )


def _resolve_seeds(seeds: str | os.PathLike[str] | bool | None, model_file) -> Path | None:
    if seeds is False:
        return None
    if seeds is None or seeds is True:
        found = find_seeds(model_file)
        if seeds is True and found is None:
            raise KzgameError(
                f"no seeds folder found (set {SEEDS_ENV} or pass seeds=PATH)"
            )
        return found
    path = Path(seeds)
    if not path.is_dir():
        raise KzgameError(f"seeds folder {str(path)!r} does not exist")
    return path


def loads_case(
    text: str,
    *,
    name: str = "<string>",
    seeds: str | os.PathLike[str] | bool | None = False,
) -> Case:
    """Load a case from the text of a model file.

    Parameters
    ----------
    text : str
        TOML text in the model-file schema.
    name : str, default "<string>"
        What error messages call the file.
    seeds : path, bool or None, default False
        The seeds folder to check citations against; ``False`` checks only
        their form; ``True`` or ``None`` search as :func:`find_seeds` does
        (``True`` requires a folder to be found).

    Returns
    -------
    Case

    Raises
    ------
    ModelFileError
        On any violation of the schema (see the module docstring).
    """
    folder = _resolve_seeds(seeds, None)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ModelFileError(name, f"not valid TOML: {e}") from None
    return _Loader(name, folder).case(data)


def load_case(
    path: str | os.PathLike[str],
    *,
    seeds: str | os.PathLike[str] | bool | None = None,
) -> Case:
    """Load and validate a model file.

    Parameters
    ----------
    path : path-like
        The ``.toml`` model file.
    seeds : path, bool or None, default None
        The seeds folder to check cited files and line numbers against.
        ``None`` looks for one (:func:`find_seeds`) and skips the file and
        line checks if there is none; ``True`` requires one; ``False``
        checks only the form of the citations.

    Returns
    -------
    Case
        With :attr:`Case.path` set.

    Raises
    ------
    ModelFileError
        If the file cannot be read or violates the schema; the message
        names the file, the period and the key.
    """
    path = Path(path)
    folder = _resolve_seeds(seeds, path)
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise ModelFileError(str(path), f"cannot read: {e.strerror or e}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ModelFileError(str(path), "not UTF-8 text") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ModelFileError(str(path), f"not valid TOML: {e}") from None
    return _Loader(str(path), folder, path).case(data)
