"""Export a period game to Gambit's file formats (``.efg`` and ``.nfg``).

`Gambit <https://www.gambit-project.org>`_ is the standard toolbox for
finite games; its GUI and command-line tools (``gambit-enummixed``,
``gambit-lcp``, ...) and its Python package ``pygambit`` read two text
formats: the extensive form (``.efg``, a game tree) and the strategic or
normal form (``.nfg``).  The functions here write one period of the game in
either, so that every kzgame result can be checked in a tool others trust.

The files are derived from :func:`kzgame.equilibrium.normal_form`, itself
derived from the one definition of the payoffs (:func:`kzgame.model.payoffs`):

* **extensive form**: R moves first (invest, accept, hold-up, exit, in the
  order of :data:`kzgame.model.R_MOVES`); after a hold-up E moves (concede,
  refuse); five terminal nodes, each with its own outcome;
* **normal form**: the 4x2 bimatrix (R's four moves x E's reply to a
  hold-up).

With ``exact=True`` (the default) payoffs are written as exact rationals
``p/q``, the exact value of the float parameters (as in
``normal_form(period, exact=True)``), so Gambit's rational solvers see
exactly the game kzgame solves; with ``exact=False`` they are written as the
shortest decimals that round-trip the float payoffs.  A comment line
records the protocol and every parameter value.

Examples
--------
>>> from kzgame import Period
>>> p = Period(share=0.5, outside_r=0.25, outside_e=0.0,
...            indispensability=1.0, survival=0.5, invest_cost=0.0)
>>> print(to_efg(p))  # doctest: +NORMALIZE_WHITESPACE
EFG 2 R "kzgame period game (nash protocol)" { "R" "E" }
"surplus=1.0 share=0.5 outside_r=0.25 outside_e=0.0 indispensability=1.0 survival=0.5
 invest_cost=0.0 power=0.5 holdup_cost=0.0 discount_r=0.9 discount_e=0.9"
<BLANKLINE>
p "R" 1 1 "R" { "invest" "accept" "hold-up" "exit" } 0
t "invest" 1 "invest" { 1/2 1/2 }
t "accept" 2 "accept" { 3/8 1/4 }
p "E" 2 1 "E after hold-up" { "concede" "refuse" } 0
t "hold-up, concede" 3 "hold-up, concede" { 7/16 3/16 }
t "hold-up, refuse" 4 "hold-up, refuse" { 1/4 0 }
t "exit" 5 "exit" { 1/4 0 }
<BLANKLINE>
"""

from __future__ import annotations

import math
import os
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from .equilibrium import normal_form
from .model import E_MOVES, R_MOVES, get_protocol
from .params import PARAMETERS, ParameterError, Period

__all__ = ["to_efg", "to_nfg", "to_pygambit", "write_efg", "write_nfg"]

_HOLD = R_MOVES.index("hold-up")


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


def _header(period: Period, protocol: str, title: str | None) -> tuple[str, str]:
    title = title if title is not None else f"kzgame period game ({protocol} protocol)"
    comment = " ".join(f"{k}={getattr(period, k)!r}" for k in PARAMETERS)
    return _quote(title), _quote(comment)


def _check(period: Period, protocol: str) -> None:
    if not isinstance(period, Period):
        raise TypeError(f"expected a kzgame.Period, got {type(period).__name__}")
    get_protocol(protocol)


def to_efg(
    period: Period, protocol: str = "nash", *, exact: bool = True, title: str | None = None
) -> str:
    """The period game as a Gambit extensive-form (``.efg``) file.

    Parameters
    ----------
    period : Period
        The parameters.
    protocol : str, default "nash"
        The bargaining protocol.
    exact : bool, default True
        Write exact rational payoffs (else shortest round-trip decimals).
    title : str, optional
        The game's title (default names the protocol).

    Returns
    -------
    str
        The file's text (Gambit's EFG version 2 format): R's decision node,
        E's decision node after a hold-up, five terminal nodes.
    """
    _check(period, protocol)
    A, B = normal_form(period, protocol, exact=exact)
    head, comment = _header(period, protocol, title)
    pay = {
        (r, e): f"{{ {_number(A[i, j])} {_number(B[i, j])} }}"
        for i, r in enumerate(R_MOVES)
        for j, e in enumerate(E_MOVES)
    }
    lines = [
        f'EFG 2 R {head} {{ "R" "E" }}',
        comment,
        "",
        f'p "R" 1 1 "R" {{ {" ".join(_quote(m) for m in R_MOVES)} }} 0',
    ]
    outcome = 0
    for r in R_MOVES:
        if r == "hold-up":
            lines.append(
                f'p "E" 2 1 "E after hold-up" {{ {" ".join(_quote(e) for e in E_MOVES)} }} 0'
            )
            for e in E_MOVES:
                outcome += 1
                label = _quote(f"{r}, {e}")
                lines.append(f"t {label} {outcome} {label} {pay[(r, e)]}")
        else:
            outcome += 1
            lines.append(f"t {_quote(r)} {outcome} {_quote(r)} {pay[(r, E_MOVES[0])]}")
    return "\n".join(lines) + "\n"


def to_nfg(
    period: Period, protocol: str = "nash", *, exact: bool = True, title: str | None = None
) -> str:
    """The period game as a Gambit strategic-form (``.nfg``) file.

    Rows (R's strategies) are :data:`kzgame.model.R_MOVES`, columns (E's)
    :data:`kzgame.model.E_MOVES`, as in :func:`kzgame.equilibrium.normal_form`.
    Parameters as in :func:`to_efg`.

    Examples
    --------
    >>> from kzgame import Period
    >>> p = Period(share=0.5, outside_r=0.25, outside_e=0.0,
    ...            indispensability=1.0, survival=0.5, invest_cost=0.0)
    >>> print(to_nfg(p).splitlines()[-1])
    1/2 1/2 3/8 1/4 7/16 3/16 1/4 0 1/2 1/2 3/8 1/4 1/4 0 1/4 0
    """
    _check(period, protocol)
    A, B = normal_form(period, protocol, exact=exact)
    head, comment = _header(period, protocol, title)
    strategies = " ".join(
        "{ " + " ".join(_quote(m) for m in moves) + " }" for moves in (R_MOVES, E_MOVES)
    )
    # Gambit lists the profiles with the first player's strategy changing fastest.
    payoffs = [
        f"{_number(A[i, j])} {_number(B[i, j])}"
        for j in range(len(E_MOVES))
        for i in range(len(R_MOVES))
    ]
    return (
        "\n".join(
            [f'NFG 1 R {head} {{ "R" "E" }} {{ {strategies} }}', comment, "", " ".join(payoffs)]
        )
        + "\n"
    )


def _write(text: str, path: str | os.PathLike) -> Path:
    path = Path(path)
    path.write_text(text, encoding="utf-8")
    return path


def write_efg(
    path: str | os.PathLike, period: Period, protocol: str = "nash", **options: Any
) -> Path:
    """Write :func:`to_efg` to ``path`` (options as there); returns the path."""
    return _write(to_efg(period, protocol, **options), path)


def write_nfg(
    path: str | os.PathLike, period: Period, protocol: str = "nash", **options: Any
) -> Path:
    """Write :func:`to_nfg` to ``path`` (options as there); returns the path."""
    return _write(to_nfg(period, protocol, **options), path)


def to_pygambit(period: Period, protocol: str = "nash", *, form: str = "efg", **options: Any):
    """The period game as a :class:`pygambit.Game` (read from the exported text).

    Parameters
    ----------
    form : {"efg", "nfg"}
        The extensive (tree) or strategic (table) form.
    **options
        As for :func:`to_efg`.

    Raises
    ------
    KzgameError
        If pygambit (the ``gambit`` extra) is not installed.
    """
    import io

    from .params import KzgameError

    try:
        import pygambit
    except ImportError:  # pragma: no cover - an optional extra
        raise KzgameError("this needs pygambit: pip install 'kzgame[gambit]'") from None
    if form == "efg":
        return pygambit.read_efg(io.StringIO(to_efg(period, protocol, **options)))
    if form == "nfg":
        return pygambit.read_nfg(io.StringIO(to_nfg(period, protocol, **options)))
    raise KzgameError(f"unknown form {form!r}; forms: efg, nfg")
