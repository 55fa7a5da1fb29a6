"""The period game in normal form and its exact Nash-equilibrium set: a view over the engine.

The period game is a tree (:func:`kzgame.games.period`); its reduced normal
form is the 4x2 bimatrix of R's moves in **tie order** (accept, invest,
hold-up, exit) against E's replies to a hold-up (concede, refuse), computed by
the generic :func:`kzgame.game.normal_form.reduced_normal_form`; its
equilibrium set by the generic :func:`kzgame.game.nash.equilibrium_components`
(exact vertex enumeration of the best-response polytopes, maximal Nash
subsets, components).  Nothing here is specific to four rows and two columns.

The normal form is degenerate by construction: unless R holds up, E's payoff
does not depend on its move.  Its equilibria therefore come in connected
sets, and an algorithm that lists isolated points (nashpy's support or vertex
enumeration) returns only some of them, with a warning
(:func:`nashpy_equilibria`, kept as a cross-check).

Examples
--------
A hold-up that pays if E concedes, deterred by E's non-credible refusal:

>>> from kzgame import Period
>>> p = Period(share=0.5, outside_r=0.25, outside_e=0.0,
...            indispensability=1.0, survival=1.0, invest_cost=0.1)
>>> for comp in equilibrium_set(p):
...     print(comp.describe())
R plays accept; E plays concede w.p. in [0, 2/3]: not subgame perfect
R plays hold-up; E plays concede: subgame perfect
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from .errors import KzgameError
from .game.nash import Component, equilibrium_components
from .game.normal_form import NormalForm, reduced_normal_form
from .games.period_game import E_MOVES, R_MOVES, get_protocol, period
from .params import Period

__all__ = [
    "E_MOVES",
    "R_MOVES",
    "equilibrium_set",
    "nashpy_equilibria",
    "normal_form",
    "period_normal_form",
]


def period_normal_form(period_values: Period, protocol: str = "nash",
                       exact: bool = False) -> NormalForm:
    """The reduced normal form of the period game (a :class:`~kzgame.game.normal_form.NormalForm`).

    Parameters
    ----------
    period_values : Period
        The parameters.
    protocol : str, default "nash"
        The bargaining protocol.
    exact : bool, default False
        Fractions at the exact binary values of the float parameters, or floats.
    """
    if not isinstance(period_values, Period):
        raise TypeError(f"expected a kzgame.Period, got {type(period_values).__name__}")
    get_protocol(protocol)
    return reduced_normal_form(period(protocol), exact=exact, **period_values.as_dict())


def normal_form(
    period_values: Period, protocol: str = "nash", exact: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """The 4x2 bimatrix of the period game.

    Parameters
    ----------
    period_values : Period
        The parameters.
    protocol : str, default "nash"
        The bargaining protocol.
    exact : bool, default False
        If true, the payoffs in exact rational arithmetic at the exact binary
        values of the parameters, as :class:`fractions.Fraction` (dtype
        ``object``).

    Returns
    -------
    A, B : numpy.ndarray
        R's and E's payoffs; rows follow R's tie order :data:`R_MOVES`
        (accept, invest, hold-up, exit), columns :data:`E_MOVES` (concede,
        refuse).

    Examples
    --------
    >>> p = Period(share=0.5, outside_r=0.25, outside_e=0.0,
    ...            indispensability=1.0, survival=0.5, invest_cost=0.0)
    >>> A, B = normal_form(p)
    >>> A
    array([[0.375 , 0.375 ],
           [0.5   , 0.5   ],
           [0.4375, 0.25  ],
           [0.25  , 0.25  ]])
    >>> normal_form(p, exact=True)[0][2, 0]
    Fraction(7, 16)
    """
    return period_normal_form(period_values, protocol, exact).bimatrix()


def equilibrium_set(period_values: Period, protocol: str = "nash") -> list[Component]:
    """All Nash equilibria of the period game's normal form, exactly, as connected components.

    Computed on the exact normal form (the parameters' exact binary values).
    Each component (:class:`kzgame.game.nash.Component`) lists its extreme
    equilibria (:meth:`~kzgame.game.nash.Component.vertices`: R's mixed
    strategy over accept, invest, hold-up, exit and E's over concede,
    refuse), its maximal Nash subsets, and which extreme equilibria are
    subgame perfect: E's reply after a hold-up is optimal, and R's moves are
    optimal given it (the normal form alone cannot see E's node when R does
    not hold up; the tree can).

    Examples
    --------
    >>> p = Period(share=0.6, outside_r=0.3, outside_e=0.1, indispensability=0.8,
    ...            survival=0.9, invest_cost=0.05)
    >>> (comp,) = equilibrium_set(p)
    >>> print(comp.describe())
    R plays accept; E plays concede w.p. in [0, 1]: subgame perfect at (R plays accept; E plays concede)
    """  # noqa: E501
    return equilibrium_components(period_normal_form(period_values, protocol, exact=True))


def nashpy_equilibria(
    A: Any, B: Any, method: str = "support_enumeration"
) -> tuple[list[tuple[np.ndarray, np.ndarray]], list[str]]:
    """The equilibria nashpy finds, and the warnings it gave (a cross-check).

    nashpy warns when a game is degenerate (as period games are): its list
    is then a subset of the equilibrium set.  The warnings are returned, not
    hidden, so a caller can see them; :func:`equilibrium_set` gives the whole
    set, and every point nashpy returns lies in one of its components.

    Parameters
    ----------
    A, B : array_like
        The bimatrix (floats).
    method : {"support_enumeration", "vertex_enumeration", "lemke_howson"}
        The nashpy algorithm.

    Returns
    -------
    equilibria : list of (sigma_1, sigma_2)
    messages : list of str
        The text of each warning nashpy raised, and a line saying so if the
        algorithm failed outright (nashpy's vertex enumeration can, on fully
        degenerate games); the list of equilibria is then empty.
    """
    import nashpy

    game = nashpy.Game(np.asarray(A, dtype=float), np.asarray(B, dtype=float))
    algorithms = {
        "support_enumeration": lambda: list(game.support_enumeration()),
        "vertex_enumeration": lambda: list(game.vertex_enumeration()),
        "lemke_howson": lambda: [game.lemke_howson(initial_dropped_label=0)],
    }
    if method not in algorithms:
        raise KzgameError(f"unknown nashpy method {method!r}; known: {', '.join(algorithms)}")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            eqs = algorithms[method]()
            failure = []
        except (ArithmeticError, IndexError, TypeError, ValueError) as exc:
            # nashpy's polytope code can fail on fully degenerate games (e.g. all of R's
            # payoffs equal); report it instead of crashing: equilibrium_set still answers.
            eqs = []
            failure = [f"nashpy {method} failed on this game: {type(exc).__name__}: {exc}"]
    return eqs, [str(w.message) for w in caught] + failure
