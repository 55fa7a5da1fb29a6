"""Model files for a regime with several members (``kind = "members"``).

The schema (docs/reference/members-file.md) in brief::

    schema = 1
    kind = "members"
    [case]            name, established, description, sources (seed files)
    [defaults.<p>]    a value shared by every member and period
    [[members]]       name, notes; [members.params.<p>] a member's own values
    [[periods]]       label, start, end, members (names in the period), notes
      [periods.contagion]            kappa
      [periods.counter_moves.<p>]    dilution, dilution_cost, deepening, ...
      [periods.params.<member>.<p>]  a member's values in this period
      [periods.verdicts.<member>]    strategy, source (where a source gives one)

Every value is a table ``{value, source, reasoning}``: ``source`` a list of
citations (``FILE:LINE``, ``assumption``, ``normalization``: the forms of
:class:`kzgame.io.cases.Citation`). A member's value in a period is the
period's, else the member's, else the default. The file is read as data
with the hardened reader of :mod:`kzgame.io.cases` (size cap, no
evaluation); any violation raises :class:`kzgame.io.cases.ModelFileError`
naming the file, the period, the member and the key.

Examples
--------
>>> from pathlib import Path
>>> import kzgame
>>> case = load_members_case(Path(kzgame.__file__).resolve().parents[1] / "models"
...                          / "eaeu_members.toml")
>>> case.members
('Belarus', 'Kazakhstan', 'Armenia', 'Kyrgyzstan')
>>> [p.label for p in case.periods]
['2010–2013', '2015–2019']
>>> case.period("2010–2013").params["Kazakhstan"]["outside_r"].sources
('000_9a37ca83d57f535e.txt:104',)
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import KzgameError
from ..game.registry import Domain
from ..members.contagion import MEMBER_PARAMETERS, STRATEGIES
from ..members.countermoves import COUNTER_PARAMETERS, CounterMoveResult, best_counter_move
from ..members.vectorized import MembersSolution, solve_members
from .cases import Citation, ModelFileError, find_seeds, read_toml, seed_lines

__all__ = ["MembersCase", "MembersPeriod", "Value", "is_members_file", "load_members_case"]

_TOP = ("schema", "kind", "case", "defaults", "members", "periods")
_CASE = ("name", "established", "description", "sources")
_MEMBER = ("name", "notes", "params")
_PERIOD = ("label", "start", "end", "members", "notes", "contagion", "counter_moves", "params",
           "verdicts")
_VALUE = ("value", "source", "reasoning")
_VERDICT = ("strategy", "source", "notes")
MAX_MEMBERS_IN_FILE = 32
MAX_PERIODS = 200


@dataclass(frozen=True)
class Value:
    """One value with its provenance."""

    value: float
    sources: tuple[str, ...]
    reasoning: str

    @property
    def assumed(self) -> bool:
        """Whether the modeller assumed it (the seeds are silent)."""
        return "assumption" in self.sources


@dataclass(frozen=True)
class MembersPeriod:
    """One period: its members' values, kappa, the counter-move values, verdicts."""

    label: str
    start: int
    end: int
    members: tuple[str, ...]
    contagion: Value
    counter_moves: dict[str, Value]
    params: dict[str, dict[str, Value]]
    verdicts: dict[str, tuple[str, tuple[str, ...]]]
    notes: str = ""

    def values(self) -> dict[str, dict[str, float]]:
        """Member -> parameter -> value (what the solvers take)."""
        return {m: {k: v.value for k, v in ps.items()} for m, ps in self.params.items()}

    def solve(self, contagion: float | None = None) -> MembersSolution:
        """The members' game in this period (kappa from the file unless given)."""
        k = self.contagion.value if contagion is None else contagion
        return solve_members(self.values(), k)

    def counter_move(self, contagion: float | None = None) -> CounterMoveResult:
        """E's optimal counter-move in this period."""
        k = self.contagion.value if contagion is None else contagion
        costs: dict[str, Any] = {c: v.value for c, v in self.counter_moves.items()}
        return best_counter_move(self.values(), k, **costs)


@dataclass(frozen=True)
class MembersCase:
    """A regime with several members, loaded from a model file."""

    name: str
    established: str
    description: str
    members: tuple[str, ...]
    periods: tuple[MembersPeriod, ...]
    member_notes: dict[str, str] = field(default_factory=dict)
    path: Path | None = None

    def period(self, label: str) -> MembersPeriod:
        """The period called ``label`` (KzgameError listing the labels otherwise)."""
        for p in self.periods:
            if p.label == label:
                return p
        raise KzgameError(f"no period {label!r}; periods: "
                          f"{', '.join(p.label for p in self.periods)}")


def is_members_file(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is a TOML file declaring ``kind = "members"`` (False if unreadable)."""
    try:
        return read_toml(path).get("kind") == "members"
    except (ValueError, OSError):
        return False


class _Reader:
    def __init__(self, name: str, seeds: Path | None, sources: tuple[str, ...] = ()) -> None:
        self.name = name
        self.seeds = seeds
        self.sources = sources
        self.lines: dict[str, int] = {}

    def err(self, message: str, period: str | None = None, key: str | None = None
            ) -> ModelFileError:
        return ModelFileError(self.name, message, period=period, key=key)

    def table(self, data: Any, allowed: tuple[str, ...], key: str,
              period: str | None = None) -> dict:
        if not isinstance(data, dict):
            raise self.err(f"must be a table, got {type(data).__name__}", period, key)
        unknown = sorted(set(data) - set(allowed))
        if unknown:
            raise self.err(f"unknown key(s) {', '.join(map(repr, unknown))}; allowed: "
                           f"{', '.join(allowed)}", period, key)
        return data

    def text(self, data: Any, key: str, period: str | None = None,
             required: bool = True) -> str:
        if data is None and not required:
            return ""
        if not isinstance(data, str) or (required and not data.strip()):
            raise self.err("must be a non-empty string", period, key)
        return data

    def citations(self, data: Any, key: str, period: str | None = None) -> tuple[str, ...]:
        if not isinstance(data, list) or not data:
            raise self.err("source must be a non-empty list of citations", period, key)
        out = []
        for c in data:
            if not isinstance(c, str):
                raise self.err(f"citation {c!r} is not a string", period, key)
            try:
                cit = Citation.parse(c)
            except ValueError as e:
                message = str(e)
                if "[references]" in message:  # members files have no [references] table
                    message = (f"{c!r} is not a citation: write FILE:LINE or FILE:LINE-LINE (a "
                               "seed file of [case] sources), doi:..., https://..., "
                               "'assumption' or 'normalization'")
                raise self.err(message, period, key) from None
            if cit.file is not None:
                if self.sources and cit.file not in self.sources:
                    raise self.err(f"seed file {cit.file!r} is not in [case] sources", period,
                                   key)
                if self.seeds is not None:
                    if cit.file not in self.lines:
                        try:
                            self.lines[cit.file] = seed_lines(self.seeds / cit.file)
                        except ValueError as e:
                            raise self.err(f"seed {cit.file!r}: {e}", period, key) from None
                    if cit.last is not None and cit.last > self.lines[cit.file]:
                        raise self.err(f"{c!r}: {cit.file} has {self.lines[cit.file]} lines",
                                       period, key)
            out.append(c)
        return tuple(out)

    def value(self, data: Any, key: str, domain: Domain, period: str | None = None) -> Value:
        t = self.table(data, _VALUE, key, period)
        for k in _VALUE:
            if k not in t:
                raise self.err(f"missing {k!r} (every value needs value, source, reasoning)",
                               period, key)
        v = t["value"]
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v) \
                or abs(v) > 1e300:
            raise self.err(f"value must be a finite number, got {v!r}", period, key)
        if not domain.contains(float(v)):
            raise self.err(f"value {v!r} is outside the allowed range {domain.describe()}",
                           period, key)
        return Value(float(v), self.citations(t["source"], key + ".source", period),
                     self.text(t["reasoning"], key + ".reasoning", period))


def _members(reader: _Reader, data: Any) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    if not isinstance(data, list) or not data:
        raise reader.err("n = 0: give at least one [[members]] entry", key="members")
    if len(data) > MAX_MEMBERS_IN_FILE:
        raise reader.err(f"{len(data)} members, more than {MAX_MEMBERS_IN_FILE}", key="members")
    out: dict[str, dict[str, Any]] = {}
    notes: dict[str, str] = {}
    for i, m in enumerate(data):
        t = reader.table(m, _MEMBER, f"members[{i}]")
        name = reader.text(t.get("name"), f"members[{i}].name")
        if name in out:
            raise reader.err(f"duplicate member name {name!r}", key=f"members[{i}].name")
        params = reader.table(t.get("params", {}), MEMBER_PARAMETERS, f"members.{name}.params")
        out[name] = params
        notes[name] = reader.text(t.get("notes"), f"members.{name}.notes", required=False)
    return out, notes


def _period(reader: _Reader, i: int, data: Any, defaults: dict, members: dict) -> MembersPeriod:
    t = reader.table(data, _PERIOD, f"periods[{i}]")
    label = reader.text(t.get("label"), "label", f"periods[{i}]")
    years = []
    for k in ("start", "end"):
        y = t.get(k)
        if isinstance(y, bool) or not isinstance(y, int) or not 0 <= y <= 9999:
            raise reader.err(f"must be a year (an integer 0-9999), got {y!r}", label, k)
        years.append(y)
    if years[1] < years[0]:
        raise reader.err("end is before start", label, "end")
    names = t.get("members", list(members))
    if not isinstance(names, list) or not names:
        raise reader.err("n = 0: list at least one member", label, "members")
    for nm in names:
        if nm not in members:
            raise reader.err(f"member {nm!r} is not declared in [[members]]", label, "members")
    if len(set(names)) != len(names):
        dup = sorted({n for n in names if names.count(n) > 1})
        raise reader.err(f"duplicate member name(s) {', '.join(dup)}", label, "members")
    if "contagion" not in t:
        raise reader.err("missing the contagion kappa (a {value, source, reasoning} table)",
                         label, "contagion")
    from ..members.contagion import CONTAGION

    kappa = reader.value(t["contagion"], "contagion", CONTAGION.domain, label)
    cm = reader.table(t.get("counter_moves", {}), tuple(COUNTER_PARAMETERS),
                      "counter_moves", label)
    moves = {k: reader.value(cm[k], f"counter_moves.{k}", COUNTER_PARAMETERS[k].domain, label)
             for k in COUNTER_PARAMETERS if k in cm}
    missing = [k for k in COUNTER_PARAMETERS if k not in moves]
    if missing:
        raise reader.err(f"missing counter-move parameter(s) {', '.join(missing)}", label,
                         "counter_moves")
    own = reader.table(t.get("params", {}), tuple(members), "params", label)
    from ..game.registry import REGISTRY

    params: dict[str, dict[str, Value]] = {}
    for nm in names:
        here = reader.table(own.get(nm, {}), MEMBER_PARAMETERS, f"params.{nm}", label)
        vals = {}
        for k in MEMBER_PARAMETERS:
            raw = here.get(k, members[nm].get(k, defaults.get(k)))
            if raw is None:
                raise reader.err(f"member {nm!r}: missing parameter {k!r} (give it in the "
                                 "period, the member or [defaults])", label, f"params.{nm}.{k}")
            vals[k] = reader.value(raw, f"params.{nm}.{k}", REGISTRY[k].domain, label)
        params[nm] = vals
    verdicts = {}
    vt = reader.table(t.get("verdicts", {}), tuple(members), "verdicts", label)
    for nm, v in vt.items():
        v = reader.table(v, _VERDICT, f"verdicts.{nm}", label)
        s = v.get("strategy")
        if s not in STRATEGIES:
            raise reader.err(f"strategy must be one of {', '.join(STRATEGIES)}, got {s!r}",
                             label, f"verdicts.{nm}.strategy")
        if nm not in names:
            raise reader.err(f"member {nm!r} is not in this period", label, f"verdicts.{nm}")
        verdicts[nm] = (s, reader.citations(v.get("source"), f"verdicts.{nm}.source", label))
    return MembersPeriod(label, years[0], years[1], tuple(names), kappa, moves, params,
                         verdicts, reader.text(t.get("notes"), "notes", label, required=False))


def loads_members_case(data: Mapping[str, Any], *, name: str = "<string>",
                       seeds: Path | None = None) -> MembersCase:
    """A :class:`MembersCase` from parsed TOML ``data`` (see the module docstring)."""
    reader = _Reader(name, seeds)
    top = reader.table(data, _TOP, "top level")
    if top.get("schema") != 1:
        raise reader.err(f"schema must be 1, got {top.get('schema')!r}", key="schema")
    if top.get("kind") != "members":
        raise reader.err(f"kind must be 'members', got {top.get('kind')!r}", key="kind")
    case = reader.table(top.get("case"), _CASE, "case")
    sources = case.get("sources", [])
    if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
        raise reader.err("must be a list of seed file names", key="case.sources")
    reader.sources = tuple(sources)
    defaults = reader.table(top.get("defaults", {}), MEMBER_PARAMETERS, "defaults")
    members, notes = _members(reader, top.get("members"))
    periods = top.get("periods")
    if not isinstance(periods, list) or not periods:
        raise reader.err("give at least one [[periods]] entry", key="periods")
    if len(periods) > MAX_PERIODS:
        raise reader.err(f"{len(periods)} periods, more than {MAX_PERIODS}", key="periods")
    out = tuple(_period(reader, i, p, defaults, members) for i, p in enumerate(periods))
    labels = [p.label for p in out]
    if len(set(labels)) != len(labels):
        raise reader.err("duplicate period labels", key="periods")
    return MembersCase(reader.text(case.get("name"), "case.name"),
                       reader.text(case.get("established"), "case.established"),
                       reader.text(case.get("description"), "case.description", required=False),
                       tuple(members), out, notes)


def load_members_case(path: str | os.PathLike[str],
                      seeds: str | os.PathLike[str] | None = None) -> MembersCase:
    """Load a members model file (citations checked against the seeds folder if found).

    Raises
    ------
    ModelFileError
        If the file cannot be read or violates the schema; the message names
        the file, the period, the member and the key.
    """
    path = Path(path)
    try:
        data = read_toml(path)
    except ValueError as e:
        raise ModelFileError(str(path), str(e)) from None
    folder = Path(seeds) if seeds is not None else find_seeds(path)
    case = loads_members_case(data, name=str(path), seeds=folder)
    return MembersCase(case.name, case.established, case.description, case.members,
                       case.periods, case.member_notes, path)
