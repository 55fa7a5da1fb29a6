"""Export any game to Gambit's file formats (``.efg`` and ``.nfg``).

`Gambit <https://www.gambit-project.org>`_ is the standard toolbox for
finite games; its GUI and command-line tools (``gambit-enummixed``,
``gambit-lcp``, ...) and its Python package ``pygambit`` read two text
formats: the extensive form (``.efg``, a game tree) and the strategic or
normal form (``.nfg``).  The functions here write any
:class:`kzgame.game.Game` at given parameter values in either, so that every
kzgame result can be checked in a tool others trust:

* **extensive form**: the tree in pre-order; decision nodes with their
  player and information set (nodes sharing an ``infoset`` are one Gambit
  information set), chance nodes with their probabilities at the parameter
  values, and one outcome per leaf with every player's payoff.  Nodes are
  labelled by their path (``'hold-up/refuse'``, ``'root'``), outcomes by the
  leaf's path and, where it differs, its label in brackets;
* **normal form**: the reduced normal form
  (:func:`kzgame.game.normal_form.reduced_normal_form`): each player's plans,
  labelled as :meth:`~kzgame.game.normal_form.NormalForm.labels` does
  (``'*'`` where the plan leaves an information set open), and the expected
  payoffs of every profile.

Payoffs and probabilities are written as exact rationals ``p/q`` when they are
exact: ``exact=True`` (floats at their exact binary value), or
``exact=None`` and every value given an int or a Fraction; otherwise as the
shortest decimals that round-trip the floats, in positional notation (a
chance node's last probability as 1 minus the others, since Gambit requires
them to sum to exactly 1).  A comment line records every parameter value.

The period game keeps its own call: ``to_efg(period, protocol)`` writes
:func:`kzgame.games.period` under ``protocol`` at the :class:`kzgame.Period`'s
values (exact by default).

Examples
--------
>>> from fractions import Fraction
>>> from kzgame.game import Game, chance, decision, outcome
>>> g = Game(chance({
...     "strong": ("p", decision("D", {"fight": outcome(C=-1, D=1), "yield": outcome(C=1, D=0)},
...                              infoset="D")),
...     "weak": ("1 - p", decision("D", {"fight": outcome(C=-1, D=-1),
...                                      "yield": outcome(C=1, D=0)}, infoset="D")),
... }), parameters={"p": "unit"}, players=["C", "D"])
>>> print(to_efg(g, p=Fraction(1, 3)))
EFG 2 R "" { "C" "D" }
"p=1/3"
<BLANKLINE>
c "root" 1 "root" { "strong" 1/3 "weak" 2/3 } 0
p "strong" 2 1 "D" { "fight" "yield" } 0
t "strong/fight" 1 "strong/fight" { -1 1 }
t "strong/yield" 2 "strong/yield" { 1 0 }
p "weak" 2 1 "D" { "fight" "yield" } 0
t "weak/fight" 3 "weak/fight" { -1 -1 }
t "weak/yield" 4 "weak/yield" { 1 0 }
<BLANKLINE>
>>> print(to_nfg(g, p=Fraction(1, 3)).splitlines()[-1])
-1 -1/3 1 0
"""

from __future__ import annotations

import io
import itertools
import math
import os
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from ..errors import KzgameError, ParameterError
from ..game.normal_form import evaluate, reduced_normal_form
from ..game.tree import Game
from ..games.period_game import get_protocol, period
from ..params import PARAMETERS, Period

__all__ = ["to_efg", "to_nfg", "to_pygambit", "write_efg", "write_nfg"]


def _quote(text: str) -> str:
    """A Gambit string literal (double quotes, backslash-escaped)."""
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _number(x: Any) -> str:
    """A payoff as Gambit reads it: an integer, a rational ``p/q`` or a decimal.

    A float is written as the shortest decimal that round-trips it, in
    positional notation (Gambit does not read exponents such as ``1e-07``).

    Examples
    --------
    >>> _number(Fraction(-7, 16)), _number(2.0), _number(1e-07), _number(2.5e20)
    ('-7/16', '2', '0.0000001', '250000000000000000000')
    """
    if isinstance(x, Fraction):
        return str(x.numerator) if x.denominator == 1 else f"{x.numerator}/{x.denominator}"
    x = float(x)
    if not math.isfinite(x):
        raise ParameterError(
            f"a payoff is {x!r}: the float payoffs overflow; export with exact=True "
            "or rescale the parameters (for instance to surplus = 1)"
        )
    return str(int(x)) if x.is_integer() and abs(x) < 2**53 else format(Decimal(repr(x)), "f")


def _probabilities(probs: tuple[Any, ...]) -> list[str]:
    """Chance probabilities as text that sums to exactly 1, as Gambit requires.

    Exact probabilities are written as they are.  Floats are written as
    decimals, except the last, written as 1 minus the others' decimals (the
    floats' sum may miss 1 by a rounding error).

    Examples
    --------
    >>> _probabilities((0.7, 1 - 0.7))
    ['0.7', '0.3']
    """
    if all(isinstance(p, Fraction) for p in probs):
        return [_number(p) for p in probs]
    head = [_number(p) for p in probs[:-1]]
    last = Decimal(1) - sum((Decimal(t) for t in head), Decimal(0))
    return head + [format(last.normalize(), "f") if last != 0 else "0"]


def _resolve(
    subject: Game | Period, protocol: str | None, exact: bool | None, params: dict[str, Any]
) -> tuple[Game, dict[str, Any], bool | None, str, str]:
    """(game, parameter values, exact, default title, comment) for a Game or a Period."""
    if isinstance(subject, Period):
        if params:
            raise TypeError(
                f"unexpected keyword(s) {', '.join(params)}: a Period carries its values"
            )
        protocol = "nash" if protocol is None else protocol
        get_protocol(protocol)
        comment = " ".join(f"{k}={getattr(subject, k)!r}" for k in PARAMETERS)
        return (period(protocol), subject.as_dict(), True if exact is None else exact,
                f"kzgame period game ({protocol} protocol)", comment)
    if isinstance(subject, Game):
        if protocol is not None:
            raise TypeError("protocol applies to a Period; a Game is exported as it is built")
        return subject, params, exact, subject.title, ""
    raise TypeError(
        f"expected a kzgame.game.Game or a kzgame.Period, got {type(subject).__name__}"
    )


def _comment(values: dict[str, Any], given: str) -> str:
    if given:
        return given
    return " ".join(f"{k}={_number(v) if isinstance(v, Fraction) else repr(v)}"
                    for k, v in values.items())


def to_efg(
    game: Game | Period,
    protocol: str | None = None,
    *,
    exact: bool | None = None,
    title: str | None = None,
    **params: Any,
) -> str:
    """A game as a Gambit extensive-form (``.efg``, version 2) file.

    Parameters
    ----------
    game : Game or Period
        Any game (its parameter values as keywords), or a
        :class:`kzgame.Period` (the period game under ``protocol``).
    protocol : str, optional
        For a Period: the bargaining protocol (default ``"nash"``).
    exact : bool or None, default None
        Exact rationals (True; floats at their binary value), decimals
        (False), or exact iff every value given is an int or a Fraction
        (None; a Period is exported exactly unless ``exact=False``).
    title : str, optional
        The game's title (default: the game's, or the protocol's name).
    **params
        The game's parameter values.

    Returns
    -------
    str
        The file's text.

    Raises
    ------
    ParameterError
        On bad parameter values, a probability outside [0, 1], or float
        payoffs that overflow (export with ``exact=True``).
    GameError
        If ``exact`` and a payoff or probability is not rational.
    TypeError
        If ``game`` is neither a Game nor a Period.
    """
    g, values, exact, default_title, given = _resolve(game, protocol, exact, params)
    point = evaluate(g, exact=exact, **values)
    head = _quote(default_title if title is None else title)
    players = " ".join(_quote(p) for p in g.players)
    lines = [f"EFG 2 R {head} {{ {players} }}", _quote(_comment(point.values, given)), ""]
    number: dict[str, int] = {}  # information set -> its number for its player
    per_player: dict[str, int] = {}
    chance_sets = 0
    outcomes = 0
    for n in g.nodes:
        if n.kind == "decision":
            assert n.player is not None and n.infoset is not None
            k = g.players.index(n.player) + 1
            if n.infoset not in number:
                per_player[n.player] = per_player.get(n.player, 0) + 1
                number[n.infoset] = per_player[n.player]
            name = n.infoset if not n.infoset.startswith("@") else n.name
            actions = " ".join(_quote(a) for a in n.actions)
            lines.append(
                f"p {_quote(n.name)} {k} {number[n.infoset]} {_quote(name)} {{ {actions} }} 0"
            )
        elif n.kind == "chance":
            chance_sets += 1
            branches = " ".join(f"{_quote(a)} {p}" for a, p in
                                zip(n.actions, _probabilities(point.chance[n.index]), strict=True))
            lines.append(f"c {_quote(n.name)} {chance_sets} {_quote(n.name)} {{ {branches} }} 0")
        else:
            outcomes += 1
            label = n.name if n.label == n.name else f"{n.name} [{n.label}]"
            pays = " ".join(_number(x) for x in point.leaf_payoffs[n.index])
            lines.append(f"t {_quote(n.name)} {outcomes} {_quote(label)} {{ {pays} }}")
    return "\n".join(lines) + "\n"


def to_nfg(
    game: Game | Period,
    protocol: str | None = None,
    *,
    exact: bool | None = None,
    title: str | None = None,
    **params: Any,
) -> str:
    """A game's reduced normal form as a Gambit strategic-form (``.nfg``) file.

    Parameters as for :func:`to_efg`.  Each player's strategies are its plans
    (:func:`kzgame.game.normal_form.reduced_normal_form`); for the period
    game, R's moves in tie order (accept, invest, hold-up, exit) and E's
    replies (concede, refuse).

    Raises
    ------
    GameError
        Also if the reduced normal form is too large or the game has
        imperfect recall.

    Examples
    --------
    >>> from kzgame import Period
    >>> p = Period(share=0.5, outside_r=0.25, outside_e=0.0,
    ...            indispensability=1.0, survival=0.5, invest_cost=0.0)
    >>> print(to_nfg(p).splitlines()[-1])
    3/8 1/4 1/2 1/2 7/16 3/16 1/4 0 3/8 1/4 1/2 1/2 1/4 0 1/4 0
    """
    g, values, exact, default_title, given = _resolve(game, protocol, exact, params)
    nf = reduced_normal_form(g, exact=exact, **values)
    head = _quote(default_title if title is None else title)
    players = " ".join(_quote(p) for p in g.players)
    strategies = " ".join(
        "{ " + " ".join(_quote(s) for s in nf.labels(k)) + " }" for k in range(len(g.players))
    )
    # Gambit lists the profiles with the first player's strategy changing fastest.
    cells = []
    for rev in itertools.product(*(range(n) for n in reversed(nf.shape))):
        cell = tuple(reversed(rev))
        cells.append(" ".join(_number(pay[cell]) for pay in nf.payoffs))
    return "\n".join([
        f"NFG 1 R {head} {{ {players} }} {{ {strategies} }}",
        _quote(_comment(nf.values, given)),
        "",
        " ".join(cells),
    ]) + "\n"


def _write(text: str, path: str | os.PathLike) -> Path:
    path = Path(path)
    path.write_text(text, encoding="utf-8")
    return path


def write_efg(
    path: str | os.PathLike, game: Game | Period, protocol: str | None = None, **options: Any
) -> Path:
    """Write :func:`to_efg` to ``path`` (options and values as there); returns the path."""
    return _write(to_efg(game, protocol, **options), path)


def write_nfg(
    path: str | os.PathLike, game: Game | Period, protocol: str | None = None, **options: Any
) -> Path:
    """Write :func:`to_nfg` to ``path`` (options and values as there); returns the path."""
    return _write(to_nfg(game, protocol, **options), path)


def to_pygambit(game: Game | Period, protocol: str | None = None, *, form: str = "efg",
                **options: Any) -> Any:
    """The game as a :class:`pygambit.Game` (read from the exported text).

    Parameters
    ----------
    form : {"efg", "nfg"}
        The extensive (tree) or strategic (table) form.
    **options
        As for :func:`to_efg` (``exact``, ``title`` and the parameter values).

    Raises
    ------
    KzgameError
        If pygambit (the ``gambit`` extra) is not installed, or ``form`` is unknown.
    """
    if form not in ("efg", "nfg"):
        raise KzgameError(f"unknown form {form!r}; forms: efg, nfg")
    try:
        import pygambit
    except ImportError:  # pragma: no cover - an optional extra
        raise KzgameError("this needs pygambit: pip install 'kzgame[gambit]'") from None
    if form == "efg":
        return pygambit.read_efg(io.StringIO(to_efg(game, protocol, **options)))
    return pygambit.read_nfg(io.StringIO(to_nfg(game, protocol, **options)))
