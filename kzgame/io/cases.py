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
* files are read only if they are regular files (not a directory, FIFO or
  device) of at most :data:`MAX_MODEL_BYTES` (model files, ``extends``
  parents, BibTeX) or :data:`MAX_SEED_BYTES` (cited seed files, whose lines
  are counted in 1 MiB chunks); tables and arrays nest at most
  :data:`MAX_DEPTH` deep, ``extends`` chains are at most :data:`MAX_EXTENDS`
  files long; every refusal is a one-line :class:`ModelFileError`;
* numbers are TOML numbers, finite, at most ``1e300`` in magnitude, and
  integers only if a float holds them exactly; years have at most four
  digits.  A value may also be a short arithmetic string
  such as ``"1/3"`` or ``"0.6 - 0.1"``; it is read by a tiny parser that
  accepts numeric literals, ``+ - * /`` and parentheses and nothing else.
  Text from a model file is never passed to ``eval``, ``exec`` or
  ``sympify``;
* a period's equilibrium is never stored in the file: it is computed
  (:meth:`CasePeriod.solve`).  The file records the *source's* verdict
  separately, and :meth:`Case.verify` checks that the model reproduces it
  or that the disagreement is written down as a ``finding`` (which may name
  the protocols it covers; :meth:`Case.audit` lists every problem at once
  and flags stale findings);
* citations may name this repository's seed lines (``FILE:LINE``), any work
  in the file's ``[references]`` table or a BibTeX file it names
  (``KEY:PAGE``), a DOI or a web address; an unknown key is an error naming
  it;
* a ``[codebook]`` (:mod:`kzgame.io.codebook`) maps a period's categorical
  codings and indicators to values; a period may override a codebook value
  only with a reason; ``extends`` shares references, codebook and defaults
  between files; every coded value says whether the verdict it will be
  compared with informed it (``informed_by_verdict``), which
  :mod:`kzgame.io.validation` uses to count agreement out of sample.

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
kzgame.io.cases.ModelFileError: <string>: period 'one': key 'colour': unknown key; allowed keys: ...
"""

from __future__ import annotations

import ast
import math
import operator
import os
import re
import stat
import tomllib
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ..model import get_protocol
from ..params import DOMAINS, PARAMETERS, KzgameError, NoSurplusWarning, ParameterError, Period
from ..solve import Result, solve
from ..strategy import Strategy
from .codebook import (
    Codebook,
    CodedValue,
    Coding,
    Indicator,
    IndicatorValue,
    Level,
    Rule,
    VerdictRule,
)

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
    "Reference",
    "VerdictCheck",
    "evaluate_formula",
    "formula_names",
    "find_seeds",
    "load_case",
    "loads_case",
    "parse_bibtex",
    "parse_number",
    "template",
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

_TOP_KEYS = ("schema", "extends", "case", "references", "codebook", "defaults", "periods")
_INHERITED_KEYS = ("references", "codebook", "defaults")
_REFERENCE_KEYS = ("author", "year", "title", "kind", "journal", "publisher", "doi", "url",
                   "note", "file")
_CODEBOOK_KEYS = ("description", "codings", "indicators", "rules", "verdict_rule", "fit")
_CODED_KEYS = ("level", "source", "evidence", "informed_by_verdict")
_INDICATOR_KEYS = ("value", "range", "source", "evidence", "informed_by_verdict")
_FINDING_KEYS = ("text", "protocols")
_CASE_KEYS = ("name", "rising", "established", "description", "sources", "bibtex")
_PERIOD_KEYS = (
    "label",
    "start",
    "end",
    "verdict",
    "verdict_source",
    "notes",
    "finding",
    "codings",
    "indicators",
    "params",
    "commitment",
    "beliefs",
)
#: Parameters of the commitment games a period may give, in ``[periods.commitment]``
#: (the keys of :data:`kzgame.games.commitment_game.COMMITMENT_PARAMETERS`).
COMMITMENT_KEYS: tuple[str, ...] = ("breakdown_risk", "exit_premium")
_SPEC_KEYS = ("value", "range", "source", "indicator", "reasoning", "informed_by_verdict",
              "override")
_SPEC_REQUIRED = ("value", "range", "source", "indicator", "reasoning")
_VERDICTS = tuple(s.value for s in Strategy)
_CITATION = re.compile(r"^(?P<file>[^:/\\]+):(?P<first>[0-9]+)(?:-(?P<last>[0-9]+))?$")
_DOI = re.compile(r"^10\.[0-9]{4,9}/\S+$")
_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_\-]*$")
_FILE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*$")
#: Longest arithmetic string :func:`parse_number` reads.
_MAX_EXPRESSION = 100
#: Environment variable naming the seeds folder (overrides the search).
SEEDS_ENV = "KZGAME_SEEDS"
#: Largest model file (and ``extends`` parent, BibTeX file) the loader reads, in bytes.
MAX_MODEL_BYTES = 10 * 2**20
#: Largest cited seed file whose lines the loader counts, in bytes.
MAX_SEED_BYTES = 256 * 2**20
#: Largest magnitude a number in a model file may have.
MAX_MAGNITUDE = 1e300
#: Deepest nesting of tables and arrays a model file may have (the schema needs 6).
MAX_DEPTH = 32
#: Longest ``extends`` chain.
MAX_EXTENDS = 16
#: Years are integers of at most four digits.
MAX_YEAR = 9999
_CHUNK = 2**20
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
#: Longest error message (longer ones are cut in the middle).
_MAX_MESSAGE = 2000


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
        where = [_CONTROL.sub(lambda m: repr(m[0])[1:-1], file)]
        if period is not None:
            where.append(f"period {period!r}")
        if key is not None:
            where.append(f"key {key!r}")
        text = ": ".join(where) + ": " + message
        if len(text) > _MAX_MESSAGE:
            half = _MAX_MESSAGE // 2
            text = text[:half] + " ... " + text[-half:]
        super().__init__(text)


# ---------------------------------------------------------------------------
# Numbers: TOML numbers, or a restricted arithmetic string
# ---------------------------------------------------------------------------

_BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
           ast.Div: operator.truediv}
_UNARY: dict[type, Any] = {ast.UAdd: operator.pos, ast.USub: operator.neg}


def _evaluate(node: ast.AST, names: Mapping[str, float] | None = None) -> float:
    """Evaluate a whitelisted arithmetic tree; anything else raises ValueError.

    ``names`` (the indicators of a codebook rule) are the only names allowed;
    without it a name is rejected like any other node.
    """
    if isinstance(node, ast.Expression):
        return _evaluate(node.body, names)
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, int | float):
            raise ValueError(f"{node.value!r} is not a number")
        return _as_float(node.value)
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        return _BINARY[type(node.op)](_evaluate(node.left, names), _evaluate(node.right, names))
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        return _UNARY[type(node.op)](_evaluate(node.operand, names))
    if names is not None and isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
        if node.id not in names:
            raise ValueError(f"unknown indicator {node.id!r}")
        return float(names[node.id])
    allowed = "numbers, indicator names, " if names is not None else "numbers, "
    raise ValueError(
        f"{type(node).__name__} is not allowed (only {allowed}+ - * / and parentheses)"
    )


def _as_float(value: int | float) -> float:
    """A literal as a float: finite, at most ``MAX_MAGNITUDE``, and exact if an integer."""
    if isinstance(value, int):
        digits = str(len(str(abs(value)))) if abs(value) < 10**400 else "more than 400"
        try:
            result = float(value)
        except OverflowError:
            raise ValueError(f"an integer of {digits} digits is too large "
                             f"(at most {MAX_MAGNITUDE:g} in magnitude)") from None
        if int(result) != value:
            shown = value if abs(value) < 10**40 else f"of {digits} digits"
            raise ValueError(f"the integer {shown} "
                             "is not exactly a float; write it as a float")
    else:
        result = float(value)
    if not math.isfinite(result):
        raise ValueError(f"{value!r} is not a finite number")
    if abs(result) > MAX_MAGNITUDE:
        raise ValueError(f"{result:g} is too large (at most {MAX_MAGNITUDE:g} in magnitude)")
    return result


def formula_names(text: str) -> tuple[str, ...]:
    """The indicator names a codebook formula uses, after checking its form.

    A formula is :func:`parse_number`'s arithmetic plus bare names (the
    codebook's indicators); it is parsed with :mod:`ast` and checked node by
    node, never evaluated by ``eval``.

    Raises
    ------
    ValueError
        If the text is not such a formula.

    Examples
    --------
    >>> formula_names("0.9 - 1.5 * eaeu_share")
    ('eaeu_share',)
    >>> formula_names("eaeu_share.real")
    Traceback (most recent call last):
    ...
    ValueError: Attribute is not allowed (only numbers, indicator names, + - * / and parentheses)
    """
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"{text!r} is not a formula")
    if len(text) > 4 * _MAX_EXPRESSION:
        raise ValueError(f"formula longer than {4 * _MAX_EXPRESSION} characters")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError:
        raise ValueError(f"{text!r} is not an arithmetic formula") from None
    found: list[str] = []

    class _Names(dict):
        def __contains__(self, key: object) -> bool:
            return True

        def __getitem__(self, key: str) -> float:
            if key not in found:
                found.append(key)
            return 1.0

    try:
        _evaluate(tree, _Names())
    except ZeroDivisionError:
        pass
    return tuple(found)


def evaluate_formula(text: str, values: Mapping[str, float]) -> float:
    """Evaluate a codebook formula at the given indicator values.

    Examples
    --------
    >>> round(evaluate_formula("0.9 - 1.5 * eaeu_share", {"eaeu_share": 0.2}), 12)
    0.6
    """
    tree = ast.parse(text.strip(), mode="eval")
    try:
        result = _evaluate(tree, values)
    except ZeroDivisionError:
        raise ValueError(f"{text!r} divides by zero") from None
    if not math.isfinite(result):
        raise ValueError(f"{text!r} is not finite")
    return result


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
        result = _as_float(value)
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
    if abs(result) > MAX_MAGNITUDE:
        raise ValueError(f"{value!r} is too large (at most {MAX_MAGNITUDE:g} in magnitude)")
    return result


def parse_bibtex(text: str) -> dict[str, tuple[str, dict[str, str]]]:
    """The entries of BibTeX text: ``{key: (type, {field: value})}``.

    Reads ``@type{key, field = {value} | "value" | number, ...}``; braces
    inside values are kept balanced and stripped, ``@comment``, ``@string``
    and ``@preamble`` are skipped.  Field names are lower-cased.

    Raises
    ------
    ValueError
        On an unterminated entry or a duplicate key.

    Examples
    --------
    >>> bib = '@book{doe2019, author = {Doe, Jane}, title = {A {Big} Book}, year = 2019}'
    >>> parse_bibtex(bib)
    {'doe2019': ('book', {'author': 'Doe, Jane', 'title': 'A Big Book', 'year': '2019'})}
    """
    out: dict[str, tuple[str, dict[str, str]]] = {}
    i = 0
    while True:
        at = text.find("@", i)
        if at < 0:
            return out
        m = re.match(r"@\s*([A-Za-z]+)\s*([{(])", text[at:])
        if not m:
            i = at + 1
            continue
        kind = m[1].lower()
        start = at + m.end()
        close = "}" if m[2] == "{" else ")"
        depth, j = 1, start
        while j < len(text) and depth:
            ch = text[j]
            if ch in "{(" and (ch == "{" or close == ")"):
                depth += 1
            elif ch in "})" and (ch == "}" or close == ")"):
                depth -= 1
            j += 1
        if depth:
            raise ValueError(f"unterminated entry starting {text[at:at + 30]!r}")
        body = text[start:j - 1]
        i = j
        if kind in ("comment", "string", "preamble"):
            continue
        key, _, rest = body.partition(",")
        key = key.strip()
        if not key:
            raise ValueError(f"@{kind} entry without a key")
        if key in out:
            raise ValueError(f"duplicate key {key!r}")
        fields: dict[str, str] = {}
        k = 0
        while k < len(rest):
            fm = re.match(r"\s*,?\s*([A-Za-z][A-Za-z0-9_\-]*)\s*=\s*", rest[k:])
            if not fm:
                break
            name = fm[1].lower()
            k += fm.end()
            if k < len(rest) and rest[k] in "{\"":
                opener = rest[k]
                depth, e = 0, k
                while e < len(rest):
                    ch = rest[e]
                    if ch == "{":
                        depth += 1
                    elif ch == "}":
                        depth -= 1
                    if opener == "{" and depth == 0:
                        break
                    if opener == '"' and ch == '"' and e > k and depth == 0:
                        break
                    e += 1
                value = rest[k + 1:e]
                k = e + 1
            else:
                vm = re.match(r"[^,]*", rest[k:])
                assert vm is not None  # [^,]* matches the empty string too
                value = vm[0]
                k += vm.end()
            fields[name] = re.sub(r"\s+", " ", value.replace("{", "").replace("}", "")).strip()
        out[key] = (kind, fields)


# ---------------------------------------------------------------------------
# The objects a model file becomes
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Citation:
    """One provenance entry: a seed line, a reference, a DOI, a URL or a special source.

    The forms (see ``docs/reference/model-file.md``):

    * ``FILE:LINE`` or ``FILE:LINE-LINE``: a line of one of this
      repository's seed files (listed in ``[case] sources``);
    * ``KEY`` or ``KEY:LOCATOR``: an entry of the file's ``[references]``
      table, with an optional page, chapter or section (``kastner2016:143``,
      ``kastner2016:pp. 143-145``);
    * ``doi:10.NNNN/...`` and ``https://...``: a DOI or a web address;
    * ``normalization`` (a unit choice) and ``assumption`` (the modeller's
      own judgment).

    Attributes
    ----------
    text : str
        The entry as written (``"000_x.txt:98-100"``, ``"assumption"``).
    file : str or None
        The seed file, for the seed form.
    first, last : int or None
        The cited lines (1-based, inclusive), for the seed form.
    key : str or None
        The reference key, for the reference form.
    locator : str
        The page or section after the key ("" if none); the DOI or the URL
        for those forms.

    Examples
    --------
    >>> Citation.parse("000_a.txt:98-100")
    Citation(text='000_a.txt:98-100', file='000_a.txt', first=98, last=100)
    >>> Citation.parse("assumption").kind
    'special'
    >>> c = Citation.parse("kastner2016:143", references={"kastner2016"})
    >>> c.kind, c.key, c.locator
    ('reference', 'kastner2016', '143')
    >>> Citation.parse("doi:10.1093/cjip/pow005").kind
    'doi'
    >>> Citation.parse("smith1999:12", references={"kastner2016"})
    Traceback (most recent call last):
    ...
    ValueError: unknown reference key 'smith1999': add it to [references] (keys: kastner2016)
    """

    text: str
    file: str | None = None
    first: int | None = None
    last: int | None = None
    key: str | None = field(default=None, repr=False)
    locator: str = field(default="", repr=False)
    form: str = field(default="", repr=False)

    @property
    def kind(self) -> str:
        """``"seed"``, ``"reference"``, ``"doi"``, ``"url"`` or ``"special"``."""
        if self.form:
            return self.form
        if self.file is not None:
            return "seed"
        if self.key is not None:
            return "reference"
        return "special"

    @classmethod
    def parse(cls, text: str, references: Iterable[str] = ()) -> Citation:
        """Parse one provenance entry.

        Parameters
        ----------
        text : str
        references : iterable of str
            The keys of the file's ``[references]`` table.

        Raises
        ------
        ValueError
            On any other form, an unknown reference key (the message names
            it), a line number below 1 or a descending range.
        """
        refs = set(references)
        if text in SPECIAL_SOURCES:
            return cls(text)
        if text.startswith(("https://", "http://")):
            if len(text) < 12 or any(ch.isspace() for ch in text):
                raise ValueError(f"{text!r} is not a web address")
            return cls(text, locator=text, form="url")
        if text.lower().startswith("doi:"):
            doi = text[4:].strip()
            if not _DOI.match(doi):
                raise ValueError(f"{text!r} is not a DOI (write doi:10.NNNN/suffix)")
            return cls(text, locator=doi, form="doi")
        head, sep, tail = text.partition(":")
        if head in refs:
            if sep and not tail.strip():
                raise ValueError(f"{text!r}: empty page or section after the key")
            return cls(text, key=head, locator=tail.strip())
        m = _CITATION.match(text)
        if m and _FILE_NAME.match(m["file"]) and "." in m["file"]:
            first = int(m["first"])
            last = int(m["last"]) if m["last"] else first
            if first < 1 or last < first:
                raise ValueError(f"{text!r}: lines must be >= 1 and in increasing order")
            return cls(text, m["file"], first, last)
        if _KEY.match(head) and "." not in head:
            known = ", ".join(sorted(refs)) or "none"
            raise ValueError(
                f"unknown reference key {head!r}: add it to [references] (keys: {known})"
            )
        raise ValueError(
            f"{text!r} is not a citation: write FILE:LINE or FILE:LINE-LINE (a seed file), "
            "KEY or KEY:PAGE (a [references] entry), doi:..., https://..., "
            f"{SPECIAL_SOURCES[0]!r} or {SPECIAL_SOURCES[1]!r}"
        )


@dataclass(frozen=True)
class Reference:
    """One entry of a model file's ``[references]`` table.

    Attributes
    ----------
    key : str
    author, title : str
    year : int
    fields : mapping of str to str
        The optional fields (``kind``, ``journal``, ``publisher``, ``doi``,
        ``url``, ``note``, ``file``).

    Examples
    --------
    >>> Reference("k", "Kastner, S.", 2016, "Invest, Hold Up, or Accept?",
    ...           {"doi": "10.1093/cjip/pow005"}).format()
    'Kastner, S. (2016). *Invest, Hold Up, or Accept?*. doi:10.1093/cjip/pow005.'
    """

    key: str
    author: str
    year: int
    title: str
    fields: Mapping[str, str] = field(default_factory=dict)

    def format(self) -> str:
        """The entry as one Markdown line (author, year, title, venue, DOI or URL)."""
        parts = [f"{self.author} ({self.year}). *{self.title}*"]
        for k in ("journal", "publisher"):
            if self.fields.get(k):
                parts.append(self.fields[k])
        if self.fields.get("doi"):
            parts.append(f"doi:{self.fields['doi']}")
        elif self.fields.get("url"):
            parts.append(self.fields["url"])
        if self.fields.get("file"):
            parts.append(f"seed file `{self.fields['file']}`")
        return ". ".join(parts) + "."


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
    informed : bool or None
        Whether the source's verdict for the period informed the value
        (``informed_by_verdict``); None if the file does not say.
    override : str
        The reason a period's own value replaces the codebook's ("" if it
        does not).
    origin : str
        Where the value comes from: ``"params"``, ``"defaults"``,
        ``"coding NAME = LEVEL"`` or ``"rule NAME"``.
    """

    name: str
    value: float
    low: float
    high: float
    source: tuple[Citation, ...]
    indicator: str
    reasoning: str
    inherited: bool = False
    informed: bool | None = None
    override: str = ""
    origin: str = "params"

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
    finding_protocols : tuple of str
        The protocols the finding applies to (empty: all).
    codings, indicators : tuple
        The codebook entries the period gives (:class:`kzgame.io.codebook.CodedValue`,
        :class:`kzgame.io.codebook.IndicatorValue`).
    commitment : mapping of str to ParamSpec
        The commitment games' parameters the period gives in
        ``[periods.commitment]`` (``breakdown_risk``, ``exit_premium``), with
        range and provenance; empty if it gives none
        (:mod:`kzgame.games.commitment_game`).
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
    finding_protocols: tuple[str, ...] = ()
    codings: tuple[CodedValue, ...] = ()
    indicators: tuple[IndicatorValue, ...] = ()
    file: str = field(default="<string>", repr=False, compare=False)
    commitment: Mapping[str, ParamSpec] = field(default_factory=lambda: MappingProxyType({}))
    #: E's uncertainty about R's type (:class:`kzgame.io.beliefs_spec.BeliefSpec`), if given.
    beliefs: Any = None

    @property
    def values(self) -> dict[str, float]:
        """Point values of the specified parameters."""
        return {k: s.value for k, s in self.specs.items()}

    @property
    def ranges(self) -> dict[str, tuple[float, float]]:
        """``(low, high)`` of every specified parameter."""
        return {k: s.range for k, s in self.specs.items()}

    @property
    def informed(self) -> tuple[str, ...]:
        """The parameters whose values the source's verdict informed (flagged circular)."""
        return tuple(k for k, s in self.specs.items() if s.informed)

    @property
    def undeclared(self) -> tuple[str, ...]:
        """The parameters whose file does not say whether the verdict informed them."""
        return tuple(k for k, s in self.specs.items() if s.informed is None)

    @property
    def out_of_sample(self) -> bool:
        """True if every value declares that the verdict did not inform it."""
        return not self.informed and not self.undeclared

    @property
    def overrides(self) -> dict[str, str]:
        """The parameters whose codebook value the period overrides, with the reasons."""
        return {k: s.override for k, s in self.specs.items() if s.override}

    def finding_applies(self, protocol: str) -> bool:
        """True if the period's finding covers ``protocol``."""
        return bool(self.finding.strip()) and (
            not self.finding_protocols or protocol in self.finding_protocols
        )

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
    applies: bool = True

    @property
    def agrees(self) -> bool:
        """True if the model reproduces the source's verdict."""
        return self.model == self.verdict

    @property
    def explained(self) -> bool:
        """True if the model agrees or a finding covering the protocol explains why not."""
        return self.agrees or (bool(self.finding.strip()) and self.applies)

    @property
    def stale(self) -> bool:
        """True if a finding covering the protocol explains a disagreement that is gone."""
        return self.agrees and bool(self.finding.strip()) and self.applies


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
    references : mapping of str to Reference
        The ``[references]`` table (with those of the files it extends).
    codebook : kzgame.io.codebook.Codebook
        The codebook (empty if the file has none).
    problems : tuple of ModelFileError
        Errors in periods that were skipped (only with ``collect=True``).
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
    references: Mapping[str, Reference] = field(default_factory=dict, repr=False,
                                                compare=False)
    codebook: Codebook = field(default_factory=Codebook, repr=False, compare=False)
    problems: tuple[ModelFileError, ...] = field(default=(), repr=False, compare=False)

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
            VerdictCheck(p.label, p.verdict, p.solve(protocol).strategy, p.finding,
                         p.finding_applies(protocol))
            for p in self.periods
            if p.verdict is not None
        ]

    def audit(self, protocol: str = "nash") -> tuple[list[ModelFileError], list[str]]:
        """Every problem of the case at once: errors and warnings.

        Errors are the periods the loader skipped (``collect=True``), a
        protocol needing a parameter a period lacks, and every source
        verdict the model misses without a finding that covers the
        protocol.  Warnings are stale findings (the period now agrees under
        a protocol the finding names).

        Returns
        -------
        (list of ModelFileError, list of str)
        """
        errors = list(self.problems)
        warns: list[str] = []
        usable = []
        for p in self.periods:
            try:
                p.check_protocol(protocol)
            except ModelFileError as e:
                errors.append(e)
                continue
            usable.append(p)
        for p in usable:
            if p.verdict is None:
                continue
            c = VerdictCheck(p.label, p.verdict, p.solve(protocol).strategy, p.finding,
                             p.finding_applies(protocol))
            if not c.explained:
                errors.append(ModelFileError(
                    self.file,
                    f"the model gives {c.model.value} ({protocol} protocol) but the source's "
                    f"verdict is {c.verdict.value}; record the disagreement in a 'finding'"
                    + (f" (the finding names only {', '.join(p.finding_protocols)})"
                       if p.finding.strip() else ""),
                    period=c.label, key="verdict"))
            elif c.stale:
                warns.append(f"{self.file}: period {p.label!r}: stale finding: the model now "
                             f"agrees with the verdict ({c.model.value}) under {protocol}")
        return errors, warns

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
            if not c.explained:
                raise ModelFileError(
                    self.file,
                    f"the model gives {c.model.value} ({protocol} protocol) but the source's "
                    f"verdict is {c.verdict.value}; record the disagreement in a 'finding'",
                    period=c.label,
                    key="verdict",
                )
        return checks

    def to_pandas(self, protocol: str = "nash") -> Any:
        """The solved periods as a :class:`pandas.DataFrame`, one row per period.

        Index: the labels; columns: years, parameters, stakes, gains, E's
        reply, margin, the strategy (code and categorical) and the source's
        verdict (:func:`kzgame.analysis.frames.case_frame`; needs the
        ``frames`` extra).
        """
        from ..analysis.frames import case_frame

        return case_frame(self, protocol)


# ---------------------------------------------------------------------------
# Reading files: regular files only, with a size cap, never a blocking open
# ---------------------------------------------------------------------------


def _file_kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _not_regular(path: Path) -> str | None:
    """Why ``path`` is not a readable regular file (``"does not exist"``...), or None."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return "does not exist"
    except OSError as e:
        return f"cannot be read ({e.strerror or e})"
    if not stat.S_ISREG(st.st_mode):
        return f"is {_file_kind(st.st_mode)}, not a regular file"
    return None


def _open_regular(path: Path, cap: int) -> int:
    """An open descriptor on ``path``, checked to be a regular file of at most ``cap`` bytes.

    The type and size are checked with :func:`os.stat` before opening (a FIFO
    would block the open, ``/dev/zero`` never ends), the file is opened
    non-blocking and checked again with :func:`os.fstat` (it may have been
    replaced meanwhile).  Raises ValueError with a one-line reason.
    """
    try:
        st = os.stat(path)
    except OSError as e:
        raise ValueError(f"cannot read: {e.strerror or e}") from None
    if not stat.S_ISREG(st.st_mode):
        raise ValueError(f"cannot read: {_file_kind(st.st_mode)}, not a regular file")
    if st.st_size > cap:
        raise ValueError(f"cannot read: {st.st_size} bytes, more than the limit of {cap}")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) \
        | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as e:
        raise ValueError(f"cannot read: {e.strerror or e}") from None
    try:
        st = os.fstat(fd)
    except OSError as e:  # pragma: no cover - fstat on an open descriptor
        os.close(fd)
        raise ValueError(f"cannot read: {e.strerror or e}") from None
    if not stat.S_ISREG(st.st_mode):
        os.close(fd)
        raise ValueError(f"cannot read: {_file_kind(st.st_mode)}, not a regular file")
    return fd


def _chunks(fd: int, cap: int) -> Any:
    """The bytes of an open file in chunks; ValueError once more than ``cap`` are read."""
    total = 0
    while True:
        try:
            chunk = os.read(fd, _CHUNK)
        except OSError as e:
            raise ValueError(f"cannot read: {e.strerror or e}") from None
        if not chunk:
            return
        total += len(chunk)
        if total > cap:
            raise ValueError(f"cannot read: more than the limit of {cap} bytes")
        yield chunk


def _read_capped(path: Path, cap: int | None = None) -> str:
    """The UTF-8 text of a regular file of at most ``cap`` bytes (ValueError otherwise).

    ``cap`` defaults to :data:`MAX_MODEL_BYTES`.
    """
    cap = MAX_MODEL_BYTES if cap is None else cap
    fd = _open_regular(path, cap)
    try:
        raw = b"".join(_chunks(fd, cap))
    finally:
        os.close(fd)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ValueError(f"not UTF-8 text (byte {e.start})") from None


def _count_lines(path: Path, cap: int | None = None) -> int:
    """Lines in a text file, as text mode counts them (``\\n``, ``\\r\\n`` or ``\\r``).

    Read in chunks of 1 MiB, so memory stays bounded; at most ``cap`` bytes
    (default :data:`MAX_SEED_BYTES`).
    """
    cap = MAX_SEED_BYTES if cap is None else cap
    fd = _open_regular(path, cap)
    count, last, prev_cr = 0, b"", False
    try:
        for chunk in _chunks(fd, cap):
            count += chunk.count(b"\n") + chunk.count(b"\r") - chunk.count(b"\r\n")
            if prev_cr and chunk.startswith(b"\n"):
                count -= 1
            prev_cr = chunk.endswith(b"\r")
            last = chunk[-1:]
    finally:
        os.close(fd)
    if last and last not in b"\r\n":
        count += 1
    return count


def _depth_ok(data: Any, limit: int = MAX_DEPTH) -> bool:
    """True if tables and arrays nest at most ``limit`` deep (checked without recursion)."""
    stack = [(data, 1)]
    while stack:
        obj, depth = stack.pop()
        if depth > limit:
            return False
        if isinstance(obj, dict):
            stack.extend((v, depth + 1) for v in obj.values())
        elif isinstance(obj, list):
            stack.extend((v, depth + 1) for v in obj)
    return True


def _parse_toml(text: str) -> dict:
    """Parsed TOML, or ValueError with a one-line reason (bad syntax, too deep, too long)."""
    if len(text) > MAX_MODEL_BYTES:
        raise ValueError(f"longer than the limit of {MAX_MODEL_BYTES} characters")
    try:
        data = tomllib.loads(text)
    except RecursionError:
        raise ValueError(f"nested more than {MAX_DEPTH} deep") from None
    except tomllib.TOMLDecodeError as e:
        message = " ".join(str(e).split())
        raise ValueError(f"not valid TOML: {message}") from None
    except ValueError:  # int(): more digits than sys.get_int_max_str_digits()
        raise ValueError("not valid TOML: an integer with too many digits") from None
    if not _depth_ok(data):
        raise ValueError(f"tables and arrays nested more than {MAX_DEPTH} deep")
    return data


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
        self.references: dict[str, Reference] = {}
        self.codebook = Codebook()
        self.collect = False
        self.problems: list[ModelFileError] = []

    def error(self, message: str, *, period: str | None = None,
              key: str | None = None) -> ModelFileError:
        return ModelFileError(self.file, message, period=period, key=key)

    # -- small typed readers -------------------------------------------------

    def table(self, obj: Any, allowed: Iterable[str], *, period: Any = None,
              key: Any = None) -> dict:
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

    def text(self, obj: dict, k: str, *, required: bool, period: Any = None,
             prefix: str = "") -> str:
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

    def strings(self, obj: dict, k: str, *, period: Any = None, prefix: str = "",
                nonempty: bool = True) -> list[str]:
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
        if abs(v) > MAX_YEAR:
            raise self.error(f"must be a year of at most four digits, got {_short_int(v)}",
                             period=period, key=k)
        return v

    def number(self, v: Any, *, period: Any, key: Any) -> float:
        try:
            return parse_number(v)
        except ValueError as e:
            raise self.error(str(e), period=period, key=key) from None

    # -- citations -----------------------------------------------------------

    def line_count(self, name: str, *, period: Any, key: Any) -> int:
        if name not in self._line_counts:
            assert self.seeds is not None
            path = self.seeds / name
            problem = _not_regular(path)
            if problem:
                raise self.error(f"cited seed file {name!r} {problem} in {self.seeds}",
                                 period=period, key=key)
            try:
                self._line_counts[name] = _count_lines(path)
            except ValueError as e:
                raise self.error(f"cited seed file {str(path)!r}: {e}",
                                 period=period, key=key) from None
        return self._line_counts[name]

    def citations(self, texts: list[str], *, period: Any, key: Any) -> tuple[Citation, ...]:
        out = []
        for t in texts:
            try:
                c = Citation.parse(t.strip(), self.references)
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
                    if c.last is not None and c.last > n:
                        raise self.error(
                            f"cites line {c.last} of {c.file!r}, which has {n} lines",
                            period=period, key=key,
                        )
            out.append(c)
        return tuple(out)

    # -- parameter specs -----------------------------------------------------

    def spec(self, name: str, obj: Any, *, period: Any, prefix: str,
             inherited: bool) -> ParamSpec:
        key = prefix + name
        obj = self.table(obj, _SPEC_KEYS, period=period, key=key)
        for k in _SPEC_REQUIRED:
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
        if name in DOMAINS:
            domain = DOMAINS[name]
        else:  # a commitment game's parameter (imported here: not on import kzgame's path)
            from ..games.commitment_game import COMMITMENT_PARAMETERS

            domain = COMMITMENT_PARAMETERS[name].domain
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
        informed = None
        if "informed_by_verdict" in obj:
            informed = self.flag(obj, "informed_by_verdict", period=period, prefix=f"{key}.")
        override = ""
        if "override" in obj:
            override = self.text(obj, "override", required=True, period=period,
                                 prefix=f"{key}.")
        return ParamSpec(name, value, low, high, source, indicator, reasoning, inherited,
                         informed, override, "defaults" if inherited else "params")

    def flag(self, obj: dict, k: str, *, period: Any, prefix: str) -> bool:
        if k not in obj:
            raise self.error("missing (required): say true or false", period=period,
                             key=prefix + k)
        v = obj[k]
        if not isinstance(v, bool):
            raise self.error(f"must be true or false, got {v!r}", period=period, key=prefix + k)
        return v

    def value_range(self, obj: dict, *, period: Any, key: str) -> tuple[float, float, float]:
        if "value" not in obj:
            raise self.error("missing (required)", period=period, key=f"{key}.value")
        value = self.number(obj["value"], period=period, key=f"{key}.value")
        rng = obj.get("range", [obj["value"], obj["value"]])
        if not isinstance(rng, list) or len(rng) != 2:
            raise self.error(f"must be a list [low, high] of two numbers, got {rng!r}",
                             period=period, key=f"{key}.range")
        low = self.number(rng[0], period=period, key=f"{key}.range")
        high = self.number(rng[1], period=period, key=f"{key}.range")
        if not low <= value <= high:
            raise self.error(f"value {value:g} is not within its range [{low:g}, {high:g}]",
                             period=period, key=f"{key}.range")
        return value, low, high

    def in_domain(self, name: str, vlh: tuple[float, float, float], *, period: Any,
                  key: str) -> None:
        domain = DOMAINS[name]
        for what, x in zip(("value", "range low", "range high"), vlh, strict=True):
            if not domain.contains(x):
                raise self.error(
                    f"{what} {x:g} is outside {name}'s allowed range {domain.describe()}",
                    period=period, key=key)

    # -- references ----------------------------------------------------------

    def reference_table(self, obj: Any) -> dict[str, Reference]:
        obj = self.table(obj, (), key="references") if not isinstance(obj, dict) else obj
        out = {}
        for k, entry in obj.items():
            key = f"references.{k}"
            if not _KEY.match(k) or "." in k:
                raise self.error("a reference key is a letter then letters, digits, _ or -",
                                 key=key)
            if k in SPECIAL_SOURCES:
                raise self.error(f"{k!r} is reserved", key=key)
            entry = self.table(entry, _REFERENCE_KEYS, key=key)
            for req in ("author", "title"):
                self.text(entry, req, required=True, prefix=key + ".")
            year = entry.get("year")
            if isinstance(year, bool) or not isinstance(year, int):
                raise self.error(f"must be an integer year, got {year!r}", key=f"{key}.year")
            if abs(year) > MAX_YEAR:
                raise self.error(f"must be a year of at most four digits, got {_short_int(year)}",
                                 key=f"{key}.year")
            fields = {f: self.text(entry, f, required=True, prefix=key + ".")
                      for f in _REFERENCE_KEYS[3:] if f in entry}
            if "doi" in fields and not _DOI.match(fields["doi"]):
                raise self.error(f"{fields['doi']!r} is not a DOI (10.NNNN/suffix)",
                                 key=f"{key}.doi")
            out[k] = Reference(k, entry["author"], year, entry["title"],
                               MappingProxyType(fields))
        return out

    def bibtex(self, name: str) -> dict[str, dict]:
        """The entries of a BibTeX file as ``[references]`` tables."""
        base = self.path.resolve().parent if self.path is not None else Path.cwd()
        path = base / name
        try:
            text = _read_capped(path)
        except ValueError as e:
            raise self.error(f"{str(path)!r}: {e}", key="case.bibtex") from None
        try:
            entries = parse_bibtex(text)
        except ValueError as e:
            raise self.error(f"{name}: {e}", key="case.bibtex") from None
        out = {}
        for key, (kind, fields) in entries.items():
            entry: dict[str, Any] = {"kind": kind}
            for f in ("author", "title", "journal", "publisher", "doi", "url", "note"):
                if f in fields:
                    entry[f] = fields[f]
            if "booktitle" in fields and "journal" not in entry:
                entry["journal"] = fields["booktitle"]
            year = fields.get("year", "")
            if not re.fullmatch(r"[0-9]{1,4}", year):
                raise self.error(f"{name}: entry {key!r}: year {year!r} is not a year",
                                 key="case.bibtex")
            entry["year"] = int(year)
            for req in ("author", "title"):
                if req not in entry:
                    raise self.error(f"{name}: entry {key!r}: no {req}", key="case.bibtex")
            out[key] = entry
        return out

    # -- extends -------------------------------------------------------------

    def inherited(self, data: dict, base: Path | None, stack: tuple[Path, ...]) -> dict:
        """``references``, ``codebook`` and ``defaults`` merged down the ``extends`` chain."""
        merged: dict[str, dict] = {"references": {}, "codebook": {}, "defaults": {}}
        if "extends" in data:
            target = data["extends"]
            if not isinstance(target, str) or not target.strip():
                raise self.error(f"must be a file name, got {target!r}", key="extends")
            path = (base or Path.cwd()) / target
            try:
                path = path.resolve()
            except (OSError, RuntimeError) as e:  # RuntimeError: a symlink loop
                raise self.error(f"cannot read {str(path)!r}: {e}", key="extends") from None
            if path in stack:
                chain = " -> ".join(str(p) for p in (*stack, path))
                raise self.error(f"extends cycle: {chain}", key="extends")
            if len(stack) >= MAX_EXTENDS:
                raise self.error(f"extends chain longer than {MAX_EXTENDS} files",
                                 key="extends")
            try:
                parent = _parse_toml(_read_capped(path))
            except ValueError as e:
                raise self.error(f"{str(path)!r}: {e}", key="extends") from None
            self.table(parent, _TOP_KEYS, key=f"extends({target})")
            merged = self.inherited(parent, path.parent, (*stack, path))
        for k in _INHERITED_KEYS:
            own = data.get(k, {})
            if not isinstance(own, dict):
                raise self.error(f"must be a table, got {type(own).__name__}", key=k)
            if k == "codebook":
                book = dict(merged["codebook"])
                for section, v in own.items():
                    if section in ("codings", "indicators", "rules") and isinstance(v, dict) \
                            and isinstance(book.get(section), dict):
                        book[section] = {**book[section], **v}
                    else:
                        book[section] = v
                merged["codebook"] = book
            else:
                merged[k] = {**merged[k], **own}
        return merged

    # -- the codebook --------------------------------------------------------

    def parse_codebook(self, obj: dict) -> Codebook:
        obj = self.table(obj, _CODEBOOK_KEYS, key="codebook")
        known = REQUIRED_PARAMETERS + OPTIONAL_PARAMETERS
        description = self.text(obj, "description", required=False, prefix="codebook.")
        indicators = {}
        for name, ind in self.table(obj.get("indicators", {}), (*obj.get("indicators", {}),),
                                    key="codebook.indicators").items():
            key = f"codebook.indicators.{name}"
            if not name.isidentifier():
                raise self.error("an indicator name must be an identifier", key=key)
            ind = self.table(ind, ("description", "domain"), key=key)
            domain = None
            if "domain" in ind:
                d = ind["domain"]
                if not isinstance(d, list) or len(d) != 2:
                    raise self.error(f"must be [low, high], got {d!r}", key=f"{key}.domain")
                domain = (self.number(d[0], period=None, key=f"{key}.domain"),
                          self.number(d[1], period=None, key=f"{key}.domain"))
            indicators[name] = Indicator(
                name, self.text(ind, "description", required=True, prefix=key + "."), domain)
        given: dict[str, str] = {}
        codings = {}
        for name, cod in self.table(obj.get("codings", {}), (*obj.get("codings", {}),),
                                    key="codebook.codings").items():
            key = f"codebook.codings.{name}"
            cod = self.table(cod, ("description", "levels"), key=key)
            text = self.text(cod, "description", required=True, prefix=key + ".")
            raw_levels = cod.get("levels")
            if not isinstance(raw_levels, dict) or not raw_levels:
                raise self.error("must be a non-empty table of levels", key=f"{key}.levels")
            levels = {}
            params: tuple[str, ...] | None = None
            for lname, lev in raw_levels.items():
                lkey = f"{key}.levels.{lname}"
                if not isinstance(lev, dict):
                    raise self.error("must be a table", key=lkey)
                for k in lev:
                    if k != "description" and k not in known:
                        raise self.error(
                            f"unknown parameter; parameters: {', '.join(known)}",
                            key=f"{lkey}.{k}")
                values = {}
                for pname in (k for k in lev if k != "description"):
                    vobj = self.table(lev[pname], ("value", "range"), key=f"{lkey}.{pname}")
                    vlh = self.value_range(vobj, period=None, key=f"{lkey}.{pname}")
                    self.in_domain(pname, vlh, period=None, key=f"{lkey}.{pname}")
                    values[pname] = vlh
                if not values:
                    raise self.error("gives no parameter", key=lkey)
                if params is not None and set(values) != set(params):
                    raise self.error(
                        f"gives {', '.join(values)} but other levels give {', '.join(params)}",
                        key=lkey)
                params = tuple(values)
                levels[lname] = Level(
                    lname, self.text(lev, "description", required=True, prefix=lkey + "."),
                    MappingProxyType(values))
            for pname in params or ():
                if pname in given:
                    raise self.error(f"{pname} is already given by {given[pname]}",
                                     key=f"{key}.levels")
                given[pname] = f"coding {name}"
            codings[name] = Coding(name, text, MappingProxyType(levels))
        rules = {}
        for pname, rule in self.table(obj.get("rules", {}), known, key="codebook.rules").items():
            key = f"codebook.rules.{pname}"
            rule = self.table(rule, ("formula", "pad", "description"), key=key)
            formula = self.text(rule, "formula", required=True, prefix=key + ".")
            try:
                names = formula_names(formula)
            except ValueError as e:
                raise self.error(str(e), key=f"{key}.formula") from None
            for n in names:
                if n not in indicators:
                    raise self.error(
                        f"unknown indicator {n!r}; declare it in [codebook.indicators] "
                        f"(indicators: {', '.join(indicators) or 'none'})", key=f"{key}.formula")
            pad = self.number(rule.get("pad", 0.0), period=None, key=f"{key}.pad")
            if pad < 0:
                raise self.error("must not be negative", key=f"{key}.pad")
            if pname in given:
                raise self.error(f"{pname} is already given by {given[pname]}", key=key)
            given[pname] = f"rule {pname}"
            rules[pname] = Rule(pname, formula, pad,
                                self.text(rule, "description", required=True, prefix=key + "."),
                                names)
        verdict_rule = None
        if "verdict_rule" in obj:
            key = "codebook.verdict_rule"
            vr = self.table(obj["verdict_rule"], (*_VERDICTS, "source"), key=key)
            texts = {k: self.text(vr, k, required=True, prefix=key + ".")
                     for k in _VERDICTS if k in vr}
            if not texts:
                raise self.error("states no rule for any strategy", key=key)
            verdict_rule = VerdictRule(MappingProxyType(texts), self.citations(
                self.strings(vr, "source", prefix=key + "."), period=None, key=f"{key}.source"))
        fit: tuple[str, ...] = ("power", "holdup_cost")
        if "fit" in obj:
            fit = tuple(self.strings(obj, "fit", prefix="codebook."))
            for f in fit:
                if f not in known:
                    raise self.error(f"unknown parameter {f!r}", key="codebook.fit")
        return Codebook(description, MappingProxyType(codings), MappingProxyType(indicators),
                        MappingProxyType(rules), verdict_rule, fit)

    def derive(self, obj: dict, label: str) -> tuple[dict[str, ParamSpec], tuple, tuple]:
        """The period's codings and indicators, and the specs the codebook derives from them."""
        book = self.codebook
        derived: dict[str, ParamSpec] = {}
        coded = []
        raw = obj.get("codings", {})
        if not isinstance(raw, dict):
            raise self.error("must be a table", period=label, key="codings")
        for name, entry in raw.items():
            key = f"codings.{name}"
            if name not in book.codings:
                raise self.error(
                    f"no rule for coding {name!r} in the codebook (codings: "
                    f"{', '.join(book.codings) or 'none'})", period=label, key=key)
            if isinstance(entry, str):
                raise self.error("must be a table {level, source, evidence, "
                                 "informed_by_verdict}", period=label, key=key)
            entry = self.table(entry, _CODED_KEYS, period=label, key=key)
            level = self.text(entry, "level", required=True, period=label, prefix=key + ".")
            coding = book.codings[name]
            if level not in coding.levels:
                raise self.error(f"{level!r} is not a level of {name!r} (levels: "
                                 f"{', '.join(coding.levels)})", period=label, key=f"{key}.level")
            source = self.citations(self.strings(entry, "source", period=label,
                                                 prefix=key + "."),
                                    period=label, key=f"{key}.source")
            evidence = self.text(entry, "evidence", required=True, period=label,
                                 prefix=key + ".")
            informed = self.flag(entry, "informed_by_verdict", period=label, prefix=key + ".")
            coded.append(CodedValue(name, level, source, evidence, informed))
            lev = coding.levels[level]
            for pname, (v, lo, hi) in lev.values.items():
                derived[pname] = ParamSpec(
                    pname, v, lo, hi, source, f"{name} = {level}: {lev.description}", evidence,
                    False, informed, "", f"coding {name} = {level}")
        given = {}
        raw = obj.get("indicators", {})
        if not isinstance(raw, dict):
            raise self.error("must be a table", period=label, key="indicators")
        for name, entry in raw.items():
            key = f"indicators.{name}"
            if name not in book.indicators:
                raise self.error(
                    f"unknown indicator; the codebook declares: "
                    f"{', '.join(book.indicators) or 'none'}", period=label, key=key)
            entry = self.table(entry, _INDICATOR_KEYS, period=label, key=key)
            vlh = self.value_range(entry, period=label, key=key)
            dom = book.indicators[name].domain
            if dom is not None and not (dom[0] <= vlh[1] and vlh[2] <= dom[1]):
                raise self.error(f"outside the indicator's domain [{dom[0]:g}, {dom[1]:g}]",
                                 period=label, key=key)
            source = self.citations(self.strings(entry, "source", period=label,
                                                 prefix=key + "."),
                                    period=label, key=f"{key}.source")
            given[name] = IndicatorValue(
                name, *vlh, source,
                self.text(entry, "evidence", required=True, period=label, prefix=key + "."),
                self.flag(entry, "informed_by_verdict", period=label, prefix=key + "."))
        for pname, rule in book.rules.items():
            have = [n for n in rule.names if n in given]
            if not have:
                continue
            missing = [n for n in rule.names if n not in given]
            if missing:
                raise self.error(f"rule for {pname} needs indicator(s) {', '.join(missing)}",
                                 period=label, key="indicators." + missing[0])
            key = f"codebook.rules.{pname}"
            try:
                v, lo, hi = rule.apply({n: (given[n].value, given[n].low, given[n].high)
                                        for n in rule.names})
            except ValueError as e:
                raise self.error(str(e), period=label, key=key) from None
            domain = DOMAINS[pname]
            if not domain.contains(v):
                raise self.error(
                    f"yields {pname} = {v:g}, outside its allowed range {domain.describe()}",
                    period=label, key=key)
            lo = max(lo, domain.low) if not domain.contains(lo) else lo
            hi = min(hi, domain.high) if not domain.contains(hi) else hi
            if not (domain.contains(lo) and domain.contains(hi)):
                raise self.error(
                    f"yields a range [{lo:g}, {hi:g}] for {pname} outside its allowed range "
                    f"{domain.describe()}", period=label, key=key)
            inds = [given[n] for n in rule.names]
            derived[pname] = ParamSpec(
                pname, v, lo, hi, tuple(c for i in inds for c in i.source),
                f"{rule.formula} with " + ", ".join(f"{i.name} = {i.value:g}" for i in inds),
                "; ".join(i.evidence for i in inds) + f" (rule: {rule.description})",
                False, any(i.informed for i in inds), "", f"rule {pname}")
        return derived, tuple(coded), tuple(given.values())

    def specs(self, obj: Any, *, period: Any, prefix: str,
              inherited: bool) -> dict[str, ParamSpec]:
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
            problem = _not_regular(self.seeds / s) if self.seeds is not None else None
            if problem:
                raise self.error(f"seed file {s!r} {problem} in {self.seeds}",
                                 key="case.sources")
        self.sources = tuple(sources)
        here = self.path.resolve() if self.path is not None else None
        merged = self.inherited(data, here.parent if here else None,
                                (here,) if here else ())
        table = dict(merged["references"])
        if "bibtex" in meta:
            bib = self.text(meta, "bibtex", required=True, prefix="case.")
            for key, entry in self.bibtex(bib).items():
                if key in table:
                    raise self.error(f"reference {key!r} is both in [references] and in {bib}",
                                     key="case.bibtex")
                table[key] = entry
        self.references = self.reference_table(table)
        for ref in self.references.values():
            f = ref.fields.get("file")
            if f is not None and f not in self.sources:
                raise self.error(f"names seed file {f!r}, which is not listed in [case] sources",
                                 key=f"references.{ref.key}.file")
        self.codebook = self.parse_codebook(merged["codebook"])
        defaults = self.specs(
            merged["defaults"], period=None, prefix="defaults.", inherited=True
        )
        if "periods" not in data:
            raise self.error("missing (required): at least one [[periods]]", key="periods")
        raw = data["periods"]
        if not isinstance(raw, list) or not raw:
            raise self.error("must be a non-empty array of tables [[periods]]", key="periods")
        periods: list[CasePeriod] = []
        for i, obj in enumerate(raw):
            try:
                periods.append(self.period(obj, i, defaults))
            except ModelFileError as e:
                if not self.collect:
                    raise
                self.problems.append(e)
                continue
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
            references=MappingProxyType(self.references),
            codebook=self.codebook,
            problems=tuple(self.problems),
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
        finding = ""
        finding_protocols: tuple[str, ...] = ()
        if isinstance(obj.get("finding"), dict):
            fobj = self.table(obj["finding"], _FINDING_KEYS, period=label, key="finding")
            finding = self.text(fobj, "text", required=True, period=label, prefix="finding.")
            if "protocols" in fobj:
                finding_protocols = tuple(self.strings(fobj, "protocols", period=label,
                                                       prefix="finding."))
                for proto in finding_protocols:
                    try:
                        get_protocol(proto)
                    except KzgameError as e:
                        raise self.error(str(e), period=label,
                                         key="finding.protocols") from None
        else:
            finding = self.text(obj, "finding", required=False, period=label)
        own = self.specs(obj.get("params", {}), period=label, prefix="params.", inherited=False)
        derived, coded, indicators = self.derive(obj, label)
        for k, spec in own.items():
            if k in derived and not spec.override.strip():
                raise self.error(
                    f"the codebook gives {k} in this period ({derived[k].origin}); a value "
                    "given here overrides it and needs override = \"the reason\"",
                    period=label, key=f"params.{k}.override")
            if k not in derived and spec.override:
                raise self.error(
                    f"nothing to override: the codebook does not give {k} in this period",
                    period=label, key=f"params.{k}.override")
        commitment: dict[str, ParamSpec] = {}
        if "commitment" in obj:  # the commitment games' parameters (optional)
            cobj = self.table(obj["commitment"], COMMITMENT_KEYS, period=label,
                              key="commitment")
            commitment = {name: self.spec(name, cobj[name], period=label,
                                          prefix="commitment.", inherited=False)
                          for name in COMMITMENT_KEYS if name in cobj}
        specs = {**defaults, **derived, **own}
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
            finding_protocols=finding_protocols,
            codings=coded,
            indicators=indicators,
            file=self.file,
            commitment=MappingProxyType(commitment),
            beliefs=self.beliefs(obj, label),
        )

    def beliefs(self, obj: dict, label: str) -> Any:
        """The period's ``[periods.beliefs]`` table, if any (:mod:`kzgame.io.beliefs_spec`)."""
        if "beliefs" not in obj:
            return None
        from .beliefs_spec import parse_beliefs

        return parse_beliefs(self, obj["beliefs"], label)


def _short_int(v: int) -> str:
    text = str(v) if abs(v) < 10**20 else f"an integer of {len(str(abs(v)))} digits"
    return text


def _resolve_seeds(seeds: str | os.PathLike[str] | bool | None,
                   model_file: Any) -> Path | None:
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
    collect: bool = False,
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
    collect : bool, default False
        As for :func:`load_case`.

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
        data = _parse_toml(text)
    except ValueError as e:
        raise ModelFileError(name, str(e)) from None
    loader = _Loader(name, folder)
    loader.collect = collect
    return loader.case(data)


def load_case(
    path: str | os.PathLike[str],
    *,
    seeds: str | os.PathLike[str] | bool | None = None,
    collect: bool = False,
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
    try:
        data = _parse_toml(_read_capped(path))
    except ValueError as e:
        raise ModelFileError(str(path), str(e)) from None
    folder = _resolve_seeds(seeds, path)
    loader = _Loader(str(path), folder, path)
    loader.collect = collect
    return loader.case(data)


_TEMPLATE = '''\
# A kzgame model file (schema 1): one case, one codebook, its periods.
# Reference: docs/reference/model-file.md; how-to: docs/howto/new-case.md.
# Check it with `kzgame check FILE`; solve it with `kzgame solve FILE`.
schema = 1
# extends = "codebooks/shared.toml"   # share [references], [codebook], [defaults]

[case]
name = "{name}"
rising = "{rising}"            # R, the rising power
established = "{established}"  # E, the power that built the regime
description = "What the regime is, who the players are, and which sources the case rests on."
sources = []   # this repository's seed files, if you cite any by FILE:LINE

# ---------------------------------------------------------------------------
# References: cite them as "KEY", "KEY:PAGE" (or any locator), "doi:10.x/y",
# "https://...", a seed line "FILE:LINE", "normalization" or "assumption".
# ---------------------------------------------------------------------------
[references.kastner2016]
author = "Kastner, Scott L.; Pearson, Margaret M.; Rector, Chad"
year = 2016
title = "Invest, Hold Up, or Accept? China in Multilateral Governance"
kind = "article"            # book, article, report, web page ...
journal = "Security Studies"
# doi = "10.xxxx/yyyy"      # or url = "https://..."

# ---------------------------------------------------------------------------
# The codebook: the rule from what you read to the numbers, declared once.
# ---------------------------------------------------------------------------
[codebook]
description = "How codings and indicators map to parameter values in this case."

# What described behaviour counts as each strategy (code verdicts by this rule).
[codebook.verdict_rule]
invest = "R makes concessions or proposals to build or deepen the regime."
hold-up = "R blocks or threatens to leave unless the terms change, and demands concessions."
accept = "R takes part passively: no concessions, no demands."
source = ["kastner2016:143-145"]

# A categorical coding: each level gives a value and a range to the same parameters.
[codebook.codings.perception]
description = "Does E perceive R as indispensable to the regime?"
[codebook.codings.perception.levels.indispensable]
description = "E's sources say the regime fails or loses its point without R."
indispensability = {{ value = 0.8, range = [0.6, 0.95] }}
[codebook.codings.perception.levels.dispensable]
description = "The regime works without R."
indispensability = {{ value = 0.2, range = [0.05, 0.4] }}

# An indicator and a rule: a parameter as a formula in indicators
# (numbers, indicator names, + - * / and parentheses; nothing else is read).
[codebook.indicators.regime_trade_share]
description = "The regime's share of R's foreign trade (0 to 1)."
domain = [0, 1]
[codebook.rules.outside_r]
formula = "0.6 - regime_trade_share"   # the more R trades inside, the worse its outside option
pad = 0.05                              # widen the range the indicator's range gives
description = "R's outside option falls one for one with the regime's share of its trade."

# ---------------------------------------------------------------------------
# Defaults: values every period shares unless it gives its own.
# Every value says whether the verdict it will be compared with informed it.
# ---------------------------------------------------------------------------
[defaults.surplus]
value = 1.0
range = [1.0, 1.0]
source = ["normalization"]
indicator = "V normalized to 1"
reasoning = "Payoffs are fractions of the regime's per-period value."
informed_by_verdict = false

[defaults.share]
value = 0.5
range = [0.4, 0.6]
source = ["assumption"]
indicator = "No evidence that the split favours either side"
reasoning = "An even split is the neutral anchor."
informed_by_verdict = false

[defaults.outside_e]
value = 0.0
range = [-0.1, 0.2]
source = ["assumption"]
indicator = "What E keeps if the regime collapses"
reasoning = "Replace with your reading of E's alternatives."
informed_by_verdict = false

[defaults.survival]
value = 0.6
range = [0.4, 0.8]
source = ["assumption"]
indicator = "Would the regime survive a period without R's investment?"
reasoning = "Replace with your reading."
informed_by_verdict = false

[defaults.invest_cost]
value = 0.1
range = [0.05, 0.2]
source = ["assumption"]
indicator = "The concessions investing requires"
reasoning = "Replace with your reading."
informed_by_verdict = false

[defaults.power]
value = 0.5
range = [0.3, 0.6]
source = ["assumption"]
indicator = "R's weight when the terms are reopened"
reasoning = "Calibrate it from episodes other than the verdicts it will predict."
informed_by_verdict = false

[defaults.holdup_cost]
value = 0.0
range = [0.0, 0.1]
source = ["assumption"]
indicator = "The cost of staging a hold-up"
reasoning = "Replace with your reading."
informed_by_verdict = false

# ---------------------------------------------------------------------------
# Periods, in time order.  Give codings and indicators with provenance; the
# codebook turns them into values.  To override a value the codebook gives,
# add it under [periods.params.NAME] with override = "the reason".
# ---------------------------------------------------------------------------
[[periods]]
label = "2000–2004"
start = 2000
end = 2004
verdict = "invest"                      # coded by the verdict rule above
verdict_source = ["assumption"]         # where the behaviour is described
# finding = {{ text = "why the model misses it", protocols = ["nash"] }}

[periods.codings.perception]
level = "indispensable"
source = ["assumption"]
evidence = "Quote or paraphrase what the source says."
informed_by_verdict = false

[periods.indicators.regime_trade_share]
value = 0.55
range = [0.5, 0.6]
source = ["assumption"]
evidence = "The trade statistic and its year."
informed_by_verdict = false
'''


def template(name: str = "My case", rising: str = "R", established: str = "E") -> str:
    """A commented model-file template with references, a codebook and one period.

    ``kzgame new FILE`` writes it.  It loads as it is (every value an
    ``assumption`` to replace).

    Examples
    --------
    >>> case = loads_case(template("Toy"))
    >>> case.name, case.periods[0].specs["outside_r"].origin
    ('Toy', 'rule outside_r')
    """
    for what, v in (("name", name), ("rising", rising), ("established", established)):
        if '"' in v or "\\" in v or "\n" in v:
            raise ValueError(f"{what} must not contain quotes, backslashes or newlines")
    return _TEMPLATE.format(name=name, rising=rising, established=established)


# ---------------------------------------------------------------------------
# The hardened reading, for other model-file loaders (kzgame.io.members_file)
# ---------------------------------------------------------------------------


def read_toml(path: str | os.PathLike[str]) -> dict:
    """A TOML file parsed as data, read as :func:`load_case` reads model files.

    Regular files only, at most :data:`MAX_MODEL_BYTES`, UTF-8, nested at most
    :data:`MAX_DEPTH` deep. Raises ValueError with a one-line reason.
    """
    return _parse_toml(_read_capped(Path(path)))


def parse_toml(text: str) -> dict:
    """TOML text parsed as data, with :func:`read_toml`'s limits (ValueError otherwise)."""
    return _parse_toml(text)


def seed_lines(path: str | os.PathLike[str]) -> int:
    """The number of lines of a seed file (read in chunks, capped; ValueError otherwise)."""
    return _count_lines(Path(path))
