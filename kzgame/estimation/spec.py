"""A formula-like specification: each game parameter fixed, free, data, or a link of covariates.

A specification maps each parameter of the game (and ``lambda``, the QRE
precision) to one of

* a **number**: fixed at that value (``"surplus": 1.0``);
* ``"free"``: one coefficient, the parameter itself (``identity(1)``);
* ``"link(term + term ...)"``: the parameter is ``link(b0 + b1 x1 + ...)``
  where each term is ``1`` (the intercept) or a covariate's column name, and
  ``link`` is ``identity``, ``logistic`` (values in (0, 1)) or ``exp``
  (values in (0, inf)); ``"logistic(1)"`` is a free parameter in (0, 1);
* ``"data(column)"``: fixed, row by row, at a column of the data.

Parameters the specification does not name keep their defaults (a
parameter without a default must be named).  ``lambda`` is fixed at 1 unless
named: since the choice probabilities depend on ``lambda`` times payoff
differences, ``lambda`` and the payoffs' scale are not both identified.

The text is parsed as data (a small grammar), never evaluated.  Coefficients
are named ``param`` for an intercept-only link and ``param[term]``
otherwise (``power[1]``, ``power[trade]``).

Examples
--------
>>> from kzgame.games import deterrence
>>> s = Spec(deterrence(False), {"v": 1.0, "p": "logistic(1 + gap)", "k_C": "exp(1)",
...                               "k_D": "data(cost_d)", "lambda": 4.0})
>>> s.coefficients
('p[1]', 'p[gap]', 'k_C')
>>> s.covariates
('gap', 'cost_d')
>>> s.terms["p"]
Term(parameter='p', link='logistic', covariates=('1', 'gap'), column=None, value=None)
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NoReturn

import numpy as np

from ..errors import ParameterError
from ..game.tree import Game

__all__ = ["LAMBDA", "LINKS", "Spec", "Term", "link_inverse"]

#: The name of the QRE precision in a specification.
LAMBDA: str = "lambda"
#: The link functions: parameter = link(linear index).
LINKS: tuple[str, ...] = ("identity", "logistic", "exp")

_LINK = re.compile(r"^\s*([A-Za-z_]+)\s*\((.*)\)\s*$", re.DOTALL)
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class Term:
    """How one parameter is specified.

    Attributes
    ----------
    parameter : str
    link : str or None
        ``identity``, ``logistic`` or ``exp`` (None: fixed or data).
    covariates : tuple of str
        The linear index's terms (``'1'`` is the intercept).
    column : str or None
        For ``data(column)``.
    value : float or None
        For a fixed number.
    """

    parameter: str
    link: str | None = None
    covariates: tuple[str, ...] = ()
    column: str | None = None
    value: float | None = None

    @property
    def free(self) -> bool:
        """Whether the term has coefficients to estimate."""
        return self.link is not None

    def names(self) -> tuple[str, ...]:
        """The coefficient names."""
        if not self.free:
            return ()
        if self.covariates == ("1",):
            return (self.parameter,)
        return tuple(f"{self.parameter}[{c}]" for c in self.covariates)


def link_inverse(link: str, eta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The parameter ``link(eta)`` and its derivative in ``eta``.

    Examples
    --------
    >>> link_inverse("logistic", np.array([0.0]))
    (array([0.5]), array([0.25]))
    """
    if link == "identity":
        return eta, np.ones_like(eta)
    if link == "logistic":
        with np.errstate(over="ignore"):  # exp(-eta) = inf gives theta = 0, as it should
            theta = 1.0 / (1.0 + np.exp(-eta))
        return theta, theta * (1.0 - theta)
    if link == "exp":
        theta = np.exp(np.minimum(eta, 700.0))
        return theta, theta
    raise ParameterError(f"unknown link {link!r}; links: {', '.join(LINKS)}")


def _parse(parameter: str, raw: Any) -> Term:
    if isinstance(raw, bool):
        raise ParameterError(f"spec of {parameter!r}: {raw!r} is not a number or a formula")
    if isinstance(raw, int | float | np.integer | np.floating):
        value = float(raw)
        if not math.isfinite(value):
            raise ParameterError(f"spec of {parameter!r}: fixed value {raw!r} is not finite")
        return Term(parameter, value=value)
    if not isinstance(raw, str):
        raise ParameterError(
            f"spec of {parameter!r}: give a number, 'free', 'link(1 + x)' or 'data(col)', "
            f"got {raw!r}"
        )
    text = raw.strip()
    if text == "free":
        return Term(parameter, "identity", ("1",))
    try:
        return Term(parameter, value=float(text)) if math.isfinite(float(text)) else _bad(
            parameter, raw)
    except ValueError:
        pass
    m = _LINK.match(text)
    if not m:
        _bad(parameter, raw)
    head, body = m.group(1), m.group(2)
    if head == "data":
        col = body.strip()
        if not _NAME.match(col):
            raise ParameterError(f"spec of {parameter!r}: data({body}) needs one column name")
        return Term(parameter, column=col)
    if head not in LINKS:
        raise ParameterError(
            f"spec of {parameter!r}: unknown link {head!r}; links: {', '.join(LINKS)} "
            "(or data(column))"
        )
    terms = [t.strip() for t in body.split("+")]
    for t in terms:
        if t != "1" and not _NAME.match(t):
            raise ParameterError(
                f"spec of {parameter!r}: term {t!r} is neither 1 nor a column name "
                "(a linear index is written '1 + x + z'; coefficients are estimated)"
            )
    dup = sorted({t for t in terms if terms.count(t) > 1})
    if dup:
        raise ParameterError(f"spec of {parameter!r}: term(s) {', '.join(dup)} given twice")
    return Term(parameter, head, tuple(terms))


def _bad(parameter: str, raw: Any) -> NoReturn:
    raise ParameterError(
        f"spec of {parameter!r}: cannot read {raw!r}; give a number, 'free', "
        "'identity(1 + x)', 'logistic(...)', 'exp(...)' or 'data(column)'"
    )


class Spec:
    """A specification of a game's parameters for estimation (see the module docstring).

    Parameters
    ----------
    game : Game
    spec : mapping of str to number or str
        Parameter (or ``"lambda"``) -> how it is specified.

    Raises
    ------
    ParameterError
        On a name that is neither a parameter of the game nor ``lambda``
        (listing the game's parameters), a term that cannot be read, a
        fixed value outside the parameter's domain, a required parameter not
        named, or a specification with nothing to estimate.
    """

    def __init__(self, game: Game, spec: Mapping[str, Any]) -> None:
        if not isinstance(spec, Mapping):
            raise ParameterError(f"spec must be a mapping (parameter -> term), got {spec!r}")
        if LAMBDA in game.parameters:
            raise ParameterError(
                f"the game has a parameter named {LAMBDA!r}, the name of the QRE precision "
                "in a specification; rename it"
            )
        known = (*game.parameters, LAMBDA)
        unknown = sorted(k for k in spec if k not in known)
        if unknown:
            raise ParameterError(
                f"spec names unknown parameter(s) {', '.join(map(repr, unknown))}; this game's "
                f"parameters: {', '.join(game.parameters)} (and {LAMBDA!r}, the precision)"
            )
        self.game = game
        terms: dict[str, Term] = {}
        for name in known:
            if name in spec:
                terms[name] = _parse(name, spec[name])
            elif name == LAMBDA:
                terms[name] = Term(name, value=1.0)
            else:
                default = game.parameters[name].default
                if default is None:
                    raise ParameterError(
                        f"spec does not say how parameter {name!r} is set (it has no default):"
                        " give a number, 'free', a link of covariates or 'data(column)'"
                    )
                terms[name] = Term(name, value=float(default))
        for name, t in terms.items():
            if t.value is None:
                continue
            if name == LAMBDA:
                if not t.value >= 0:
                    raise ParameterError(f"lambda is fixed at {t.value!r}; it must be >= 0")
            else:
                game.parameters[name].check(t.value)
        self.terms = terms
        if not any(t.free for t in terms.values()):
            raise ParameterError("the specification has nothing to estimate: make a parameter "
                                 "'free' or a link of covariates")

    @property
    def free(self) -> tuple[str, ...]:
        """The parameters with coefficients, in the game's order (``lambda`` last)."""
        return tuple(k for k, t in self.terms.items() if t.free)

    @property
    def varying(self) -> tuple[str, ...]:
        """The parameters that vary by row or are estimated (free or data)."""
        return tuple(k for k, t in self.terms.items() if t.free or t.column is not None)

    @property
    def coefficients(self) -> tuple[str, ...]:
        """Every coefficient's name, in order."""
        return tuple(n for t in self.terms.values() for n in t.names())

    @property
    def covariates(self) -> tuple[str, ...]:
        """Every data column the specification reads, in order of first use."""
        cols: list[str] = []
        for t in self.terms.values():
            for c in (*t.covariates, *( [t.column] if t.column else [])):
                if c != "1" and c not in cols:
                    cols.append(c)
        return tuple(cols)

    def slices(self) -> dict[str, slice]:
        """Parameter -> its coefficients' positions in the coefficient vector."""
        out: dict[str, slice] = {}
        pos = 0
        for k, t in self.terms.items():
            if t.free:
                out[k] = slice(pos, pos + len(t.covariates))
                pos += len(t.covariates)
        return out

    def restrict(self, **fixed: float) -> Spec:
        """The same specification with some parameters fixed (a nested model).

        Examples
        --------
        >>> from kzgame.games import deterrence
        >>> s = Spec(deterrence(False), {"v": 1.0, "p": "logistic(1)", "k_C": "free",
        ...                               "k_D": 0.5})
        >>> s.restrict(k_C=0.2).coefficients
        ('p',)
        """
        raw: dict[str, Any] = {}
        for k, t in self.terms.items():
            if k in fixed:
                raw[k] = fixed[k]
            elif t.value is not None:
                raw[k] = t.value
            elif t.column is not None:
                raw[k] = f"data({t.column})"
            else:
                raw[k] = f"{t.link}({' + '.join(t.covariates)})"
        return Spec(self.game, raw)

    def __repr__(self) -> str:
        body = ", ".join(
            f"{k}={t.value:g}" if t.value is not None
            else f"{k}=data({t.column})" if t.column
            else f"{k}={t.link}({' + '.join(t.covariates)})"
            for k, t in self.terms.items()
        )
        return f"Spec({body})"
