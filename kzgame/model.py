"""The one definition of the game: symbols, payoffs, and the bargaining protocols.

Every payoff of MODEL.md is written here once, as a sympy expression in
symbols named like the :class:`kzgame.Period` fields.  Everything else in the
package (the numeric solver, the vectorized classifier, the normal form, the
thresholds) is derived from :func:`payoffs`, never typed again.

Examples
--------
>>> from kzgame import model
>>> model.gains("nash")["hold-up"]
-holdup_cost + indispensability*power*stake_e*survival + stake_r*survival*(power - 1)
>>> print(model.latex(model.gains("nash")["hold-up"]))
- h + \\iota \\beta \\Delta_{E} q + \\Delta_{R} q \\left(\\beta - 1\\right)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import numpy as np
import sympy as sp

from .params import PARAMETERS, KzgameError

__all__ = [
    "E_MOVES",
    "GAIN_KEYS",
    "PROTOCOLS",
    "R_MOVES",
    "STAKES",
    "SYMBOLS",
    "Protocol",
    "breakdown_payoff",
    "from_stakes",
    "gains",
    "get_protocol",
    "latex",
    "numeric_gains",
    "payoffs",
    "to_stakes",
]

_ASSUMPTIONS: dict[str, dict[str, bool]] = {
    "surplus": {"positive": True},
    "share": {"nonnegative": True},
    "outside_r": {"real": True},
    "outside_e": {"real": True},
    "indispensability": {"nonnegative": True},
    "survival": {"nonnegative": True},
    "invest_cost": {"nonnegative": True},
    "power": {"positive": True},
    "holdup_cost": {"nonnegative": True},
    "discount_r": {"nonnegative": True},
    "discount_e": {"nonnegative": True},
}

#: The parameter symbols, keyed by :class:`kzgame.Period` field name.
SYMBOLS: dict[str, sp.Symbol] = {name: sp.Symbol(name, **_ASSUMPTIONS[name]) for name in PARAMETERS}

V, s, o_R, o_E = (SYMBOLS[k] for k in ("surplus", "share", "outside_r", "outside_e"))
iota, q, c, beta, h = (
    SYMBOLS[k] for k in ("indispensability", "survival", "invest_cost", "power", "holdup_cost")
)
delta_R, delta_E = SYMBOLS["discount_r"], SYMBOLS["discount_e"]

#: The stakes Delta_R = sV - o_R and Delta_E = (1 - s)V - o_E as symbols.
STAKES: dict[str, sp.Symbol] = {
    "stake_r": sp.Symbol("stake_r", real=True),
    "stake_e": sp.Symbol("stake_e", real=True),
}
Delta_R, Delta_E = STAKES["stake_r"], STAKES["stake_e"]

#: R's moves (rows of the normal form) and E's replies to a hold-up (columns).
R_MOVES: tuple[str, ...] = ("invest", "accept", "hold-up", "exit")
E_MOVES: tuple[str, ...] = ("concede", "refuse")

_LATEX_NAMES = {
    V: "V", s: "s", o_R: "o_R", o_E: "o_E", iota: r"\iota", q: "q", c: "c", beta: r"\beta",
    h: "h", delta_R: r"\delta_R", delta_E: r"\delta_E", Delta_R: r"\Delta_{R}",
    Delta_E: r"\Delta_{E}",
}  # fmt: skip


def latex(expr: sp.Basic, **options) -> str:
    """LaTeX of a kzgame expression, with the symbols of MODEL.md (V, s, o_R, ...).

    Keyword arguments are passed on to :func:`sympy.latex`.

    Examples
    --------
    >>> print(latex(SYMBOLS["indispensability"] * SYMBOLS["power"]))
    \\iota \\beta
    """
    return sp.latex(expr, symbol_names={**_LATEX_NAMES, **options.pop("symbol_names", {})},
                    **options)


@dataclass(frozen=True)
class Protocol:
    """A bargaining protocol: how the surplus is split when E concedes to a hold-up.

    Attributes
    ----------
    name : str
        The key in :data:`PROTOCOLS` (``nash``, ``rubinstein``, ...).
    summary : str
        One line on what it models.
    reference : str
        The textbook source of its closed form.
    split : callable
        ``split(u_RA, u_EA, d_E)`` -> ``(u_R, u_E)``: the payoffs of the
        agreement after a hold-up, before R's hold-up cost, given the accept
        payoffs and E's breakdown payoff (R's breakdown payoff is o_R).
    """

    name: str
    summary: str
    reference: str
    split: Callable[[sp.Expr, sp.Expr, sp.Expr], tuple[sp.Expr, sp.Expr]]

    @property
    def parameters(self) -> tuple[str, ...]:
        """The parameters this protocol's payoffs depend on, in :data:`PARAMETERS` order."""
        used = set().union(*(u.free_symbols for cell in payoffs(self.name).values() for u in cell))
        return tuple(k for k in PARAMETERS if SYMBOLS[k] in used)


def _weighted_split(weight: sp.Expr):
    """Generalized Nash bargaining with R's weight ``weight``, threat point (o_R, d_E)."""

    def split(u_RA: sp.Expr, u_EA: sp.Expr, d_E: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
        gains_from_agreement = u_RA + u_EA - o_R - d_E
        return o_R + weight * gains_from_agreement, d_E + (1 - weight) * gains_from_agreement

    return split


def _outside_option_split(u_RA: sp.Expr, u_EA: sp.Expr, d_E: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
    """Binmore-Shaked-Sutton: the status quo is the inside option; o_R counts only if it binds."""
    top_up = sp.Max(0, o_R - u_RA)
    return u_RA + top_up, u_EA - top_up


#: The bargaining protocols, by name.  A new protocol is one entry here.
PROTOCOLS: dict[str, Protocol] = {
    p.name: p
    for p in (
        Protocol(
            "nash",
            "generalized Nash bargaining with R's weight beta (power), threat point (o_R, d_E)",
            "Nash (1950); Binmore, Rubinstein and Wolinsky (1986)",
            _weighted_split(beta),
        ),
        Protocol(
            "rubinstein",
            "alternating offers, R proposes first, discount factors delta_R, delta_E",
            "Rubinstein (1982): R's share (1 - delta_E) / (1 - delta_R delta_E)",
            _weighted_split((1 - delta_E) / (1 - delta_R * delta_E)),
        ),
        Protocol(
            "ultimatum",
            "R makes a take-it-or-leave-it demand (the Nash split with beta = 1)",
            "the ultimatum game: the proposer takes all the gains from agreement",
            _weighted_split(sp.Integer(1)),
        ),
        Protocol(
            "outside-option",
            "outside-option principle: R gains max(0, o_R - u_R(A)) if E prefers paying it",
            "Binmore, Shaked and Sutton (1989)",
            _outside_option_split,
        ),
    )
}


def get_protocol(name: str) -> Protocol:
    """The :class:`Protocol` called ``name``.

    Raises
    ------
    KzgameError
        If no protocol has that name (the message lists the known ones).

    Examples
    --------
    >>> get_protocol("ultimatum").reference
    'the ultimatum game: the proposer takes all the gains from agreement'
    """
    try:
        return PROTOCOLS[name]
    except (KeyError, TypeError):
        raise KzgameError(
            f"unknown protocol {name!r}; known protocols: {', '.join(PROTOCOLS)}"
        ) from None


def breakdown_payoff() -> sp.Expr:
    """E's payoff d_E if R withdraws: the regime without R, (1 - iota) u_E(A) + iota o_E.

    Examples
    --------
    >>> breakdown_payoff()
    indispensability*outside_e + (1 - indispensability)*(outside_e*(1 - survival) + ...)
    """
    u_EA = q * (1 - s) * V + (1 - q) * o_E
    return (1 - iota) * u_EA + iota * o_E


@cache
def payoffs(protocol: str = "nash") -> dict[tuple[str, str], tuple[sp.Expr, sp.Expr]]:
    """The 4x2 payoff table of MODEL.md, as sympy expressions.

    Parameters
    ----------
    protocol : str, default "nash"
        A key of :data:`PROTOCOLS`.

    Returns
    -------
    dict
        ``(r_move, e_move) -> (u_R, u_E)`` for every ``r_move`` in
        :data:`R_MOVES` and ``e_move`` in :data:`E_MOVES`.  E's reply only
        matters after ``hold-up``; in the other rows both columns are equal.

    Examples
    --------
    >>> u_R, u_E = payoffs()[("hold-up", "refuse")]
    >>> u_R
    -holdup_cost + outside_r
    """
    split = get_protocol(protocol).split
    u_RA = q * s * V + (1 - q) * o_R
    u_EA = q * (1 - s) * V + (1 - q) * o_E
    d_E = breakdown_payoff()
    agree_R, agree_E = split(u_RA, u_EA, d_E)
    rows = {
        "invest": (s * V - c, (1 - s) * V),
        "accept": (u_RA, u_EA),
        "exit": (o_R, d_E),
    }
    table = {(r, e): rows[r] for r in rows for e in E_MOVES}
    table[("hold-up", "concede")] = (agree_R - h, agree_E)
    table[("hold-up", "refuse")] = (o_R - h, d_E)
    return {(r, e): table[(r, e)] for r in R_MOVES for e in E_MOVES}


def to_stakes(expr: sp.Expr) -> sp.Expr:
    """Rewrite ``expr`` in the stakes Delta_R, Delta_E instead of o_R, o_E, simplified.

    Examples
    --------
    >>> to_stakes(SYMBOLS["share"] * SYMBOLS["surplus"] - SYMBOLS["outside_r"])
    stake_r
    """
    sub = {o_R: s * V - Delta_R, o_E: (1 - s) * V - Delta_E}
    expanded = sp.expand(sp.simplify(sp.sympify(expr).subs(sub)))
    # Linear in the stakes with factored coefficients: the form of MODEL.md, and the
    # numerically stable one (no cancellation between large terms such as D_R - q D_R).
    return sp.collect(expanded, [Delta_R, Delta_E], func=sp.factor)


def from_stakes(expr: sp.Expr) -> sp.Expr:
    """Replace Delta_R, Delta_E in ``expr`` by their definitions in V, s, o_R, o_E."""
    return sp.sympify(expr).subs({Delta_R: s * V - o_R, Delta_E: (1 - s) * V - o_E})


#: The keys of :func:`gains`.
GAIN_KEYS: tuple[str, ...] = ("invest", "hold-up", "hold-up-refused", "exit", "concession-margin")


@cache
def gains(protocol: str = "nash") -> dict[str, sp.Expr]:
    """R's gains relative to Accept, and E's incentive to concede, in the stakes.

    Derived from :func:`payoffs` by subtraction and simplification.

    Returns
    -------
    dict
        ``invest``: G_I = u_R(I) - u_R(A);
        ``hold-up``: G_H = u_R(H, concede) - u_R(A);
        ``hold-up-refused``: u_R(H, refuse) - u_R(A);
        ``exit``: G_X = u_R(X) - u_R(A);
        ``concession-margin``: u_E(H, concede) - u_E(H, refuse); E concedes
        iff it is >= 0 (on a tie E concedes).

    Examples
    --------
    >>> g = gains("nash")
    >>> g["exit"], g["concession-margin"]
    (-stake_r*survival, -survival*(power - 1)*(indispensability*stake_e + stake_r))
    """
    table = payoffs(protocol)
    u_RA = table[("accept", "concede")][0]
    return {
        "invest": to_stakes(table[("invest", "concede")][0] - u_RA),
        "hold-up": to_stakes(table[("hold-up", "concede")][0] - u_RA),
        "hold-up-refused": to_stakes(table[("hold-up", "refuse")][0] - u_RA),
        "exit": to_stakes(table[("exit", "concede")][0] - u_RA),
        # fully factored, so that its sign (E's choice) is computed as reliably as possible
        "concession-margin": sp.factor(
            to_stakes(table[("hold-up", "concede")][1] - table[("hold-up", "refuse")][1])
        ),
    }


#: Arguments of the functions :func:`numeric_gains` returns, in order.
NUMERIC_ARGS: tuple[str, ...] = ("stake_r", "stake_e") + tuple(
    k for k in PARAMETERS if k not in ("surplus", "share", "outside_r", "outside_e")
)


@cache
def numeric_gains(protocol: str = "nash") -> Callable[..., tuple[np.ndarray, ...]]:
    """A numpy function computing :func:`gains` (lambdified, broadcasting).

    The function takes the arguments :data:`NUMERIC_ARGS` positionally and
    returns the five gains in the order of :data:`GAIN_KEYS`.

    Examples
    --------
    >>> NUMERIC_ARGS[:5]
    ('stake_r', 'stake_e', 'indispensability', 'survival', 'invest_cost')
    >>> f = numeric_gains("nash")
    >>> g_i, g_h, g_hr, g_x, margin = f(0.25, 0.5, 1.0, 0.5, 0.0, 0.5, 0.0, 0.9, 0.9)
    >>> float(g_i), float(g_h), float(g_x)
    (0.125, 0.0625, -0.125)
    """
    symbols = [STAKES.get(k) or SYMBOLS[k] for k in NUMERIC_ARGS]
    exprs = gains(protocol)
    return sp.lambdify(symbols, [exprs[k] for k in GAIN_KEYS], modules="numpy", cse=True)
