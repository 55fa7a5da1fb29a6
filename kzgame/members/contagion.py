"""Several members: the contagion mechanism and E's cost of conceding.

E faces n members. Member j plays its own period game with E (MODEL.md, the
``nash`` protocol) with its own parameters theta_j; E's payoff is the sum of
its payoffs in the n bilateral games. **Contagion** links them:

    A concession to any member sets a precedent. Every other member that
    stays in the regime without a bargain of its own (it accepts or
    invests) then claims *similar concessions*: with probability kappa
    (``contagion``, in [0, 1]) it obtains the terms it would have won by a
    hold-up of its own, the transfer T_i = q_i (beta_i iota_i Delta_E,i -
    (1 - beta_i) Delta_R,i), when that is positive.

The transfer is read off the period game's payoffs: a conceded hold-up
moves u_E(A) - u_E(H, C) = T_i from E to member i (the Nash split keeps the
total S). E bears the **precedent cost**

    K(H) = kappa * sum_{i stays, i not in H} max(0, T_i)

once, if it concedes to at least one member of the set H of members that
hold up. The claims are realized after the period (Yuneman: concessions to
one member "would lead to demands for similar concessions from other EAEU
members", seed 000 line 134), so a member's current payoff does not include
them (an assumption: a windfall would add a free-riding motive this model
leaves out). E's **concession margin** with member j is the period game's
M_j = q_j (1 - beta_j) (Delta_R,j + iota_j Delta_E,j).

E's policy (proved in docs/theory/members.md): facing the set H, E concedes
to every j in H with M_j >= 0 if their margins cover the precedent cost,

    sum_{j in H, M_j >= 0} M_j >= K(H)        (E concedes when indifferent),

and to nobody otherwise. With kappa = 0 or one member, K = 0 and each
member's game is its bilateral period game.

This module holds the per-member quantities (:func:`bilateral`) and the
policy (:func:`concedes`), vectorized over parameter arrays whose last axis
is the member.

Examples
--------
>>> import numpy as np
>>> vals = member_values({"A": dict(share=0.5, outside_r=0.4, outside_e=0.0,
...                                  indispensability=0.9, survival=0.8, invest_cost=0.1)})
>>> b = bilateral(vals)
>>> round(float(b.transfer[0]), 3), round(float(b.margin[0]), 3), bool(b.wants[0])
(0.14, 0.22, True)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import ParameterError
from ..game.registry import REGISTRY, Parameter, make_domain

__all__ = [
    "ACCEPT",
    "CONTAGION",
    "EXIT",
    "HOLD_UP",
    "INVEST",
    "MAX_MEMBERS",
    "MEMBER_PARAMETERS",
    "STRATEGIES",
    "Bilateral",
    "bilateral",
    "check_contagion",
    "concedes",
    "member_values",
    "precedent_cost",
]

#: The period parameters every member carries (the ``nash`` protocol's), in registry order.
MEMBER_PARAMETERS: tuple[str, ...] = (
    "surplus", "share", "outside_r", "outside_e", "indispensability", "survival",
    "invest_cost", "power", "holdup_cost",
)  # fmt: skip
#: A member's strategies, in the period game's tie order; the index is the code.
STRATEGIES: tuple[str, ...] = ("accept", "invest", "hold-up", "exit")
ACCEPT, INVEST, HOLD_UP, EXIT = 0, 1, 2, 3
#: Most members the solvers take (sizes are checked before anything is allocated).
MAX_MEMBERS: int = 64

#: kappa: the probability that a member staying without a bargain claims a precedent.
CONTAGION = Parameter(
    "contagion", make_domain("unit"), 0.0, r"\kappa",
    "probability that each other staying member claims the terms a concession set as precedent",
)


def check_contagion(value: Any) -> np.ndarray:
    """``value`` as a float array in [0, 1] (ParameterError naming ``contagion`` otherwise).

    Examples
    --------
    >>> check_contagion(1.5)
    Traceback (most recent call last):
    ...
    kzgame.errors.ParameterError: contagion = 1.5 is outside the allowed range [0, 1]
    """
    return CONTAGION.check(value)


def member_values(
    members: Mapping[str, Mapping[str, Any]], *, arrays: bool = True, shape: tuple = (),
    member_major: bool = False,
) -> dict[str, np.ndarray]:
    """The members' parameters stacked on a last axis (one column per member), checked.

    Parameters
    ----------
    members : mapping of str to mapping
        Member name -> its period parameters (:data:`MEMBER_PARAMETERS`;
        ``surplus``, ``power`` and ``holdup_cost`` default to the registry's
        1, 0.5 and 0). Values broadcast like numpy.
    arrays : bool, default True
        If false, every value must be a single number.
    shape : tuple, default ()
        A shape the points must also broadcast to (other parameters').
    member_major : bool, default False
        Put the member on the first axis instead (shape ``(n,) + broadcast``).

    Returns
    -------
    dict of str to ndarray
        Parameter -> float64 array of shape ``broadcast + (n,)``.

    Raises
    ------
    ParameterError
        On n = 0, more than :data:`MAX_MEMBERS` members, a member name that is
        not a non-empty string, an unknown or missing parameter, or a value
        outside its domain; the message names the member and the parameter.

    Examples
    --------
    >>> member_values({"A": {"share": 0.5, "outside_r": 0.1, "outside_e": 0.0,
    ...                      "indispensability": 0.5, "survival": 0.5}})
    Traceback (most recent call last):
    ...
    kzgame.errors.ParameterError: member 'A': missing parameter(s) invest_cost
    """
    if not isinstance(members, Mapping):
        raise ParameterError(f"members must be a mapping of name -> parameters, got "
                             f"{type(members).__name__}")
    n = len(members)
    if n == 0:
        raise ParameterError("n = 0 members: give at least one member")
    if n > MAX_MEMBERS:
        raise ParameterError(f"{n} members: at most {MAX_MEMBERS} are supported")
    columns: dict[str, list[np.ndarray]] = {k: [] for k in MEMBER_PARAMETERS}
    for name, params in members.items():
        if not isinstance(name, str) or not name.strip():
            raise ParameterError(f"member name {name!r} is not a non-empty string")
        if not isinstance(params, Mapping):
            raise ParameterError(f"member {name!r}: parameters must be a mapping, got "
                                 f"{type(params).__name__}")
        unknown = sorted(set(params) - set(MEMBER_PARAMETERS))
        if unknown:
            raise ParameterError(f"member {name!r}: unknown parameter(s) {', '.join(unknown)}; "
                                 f"a member's parameters: {', '.join(MEMBER_PARAMETERS)}")
        missing = [k for k in MEMBER_PARAMETERS
                   if k not in params and REGISTRY[k].default is None]
        if missing:
            raise ParameterError(f"member {name!r}: missing parameter(s) {', '.join(missing)}")
        for k in MEMBER_PARAMETERS:
            try:
                arr = REGISTRY[k].check(params.get(k, REGISTRY[k].default))
            except ParameterError as e:
                raise ParameterError(f"member {name!r}: {e}") from None
            if not arrays and arr.ndim:
                raise ParameterError(f"member {name!r}: {k} must be a single number")
            columns[k].append(arr)
    try:
        shape = np.broadcast_shapes(shape, *(a.shape for col in columns.values() for a in col))
    except ValueError as e:
        raise ParameterError(f"the members' parameter arrays do not broadcast: {e}") from None
    size = int(np.prod(shape, dtype=np.int64)) * n
    if size > 2**31:
        raise ParameterError(f"{size} member-points: too many (at most 2**31)")
    axis = 0 if member_major else -1
    return {k: np.stack([np.broadcast_to(a, shape) for a in col], axis=axis)
            for k, col in columns.items()}


@dataclass(frozen=True)
class Bilateral:
    """Each member's period game with E (arrays with the member on the last axis).

    Attributes
    ----------
    stake_r, stake_e : ndarray
        Delta_R = s V - o_R and Delta_E = (1 - s) V - o_E.
    transfer : ndarray
        T = q (beta iota Delta_E - (1 - beta) Delta_R): what a conceded hold-up
        moves from E to the member (the member's G_H before its cost h).
    margin : ndarray
        M = q (1 - beta)(Delta_R + iota Delta_E): E's gain from conceding
        rather than refusing, bilaterally.
    gain_invest, gain_holdup, gain_exit : ndarray
        G_I, G_H (if conceded), G_X relative to accept.
    fallback : ndarray of int8
        The member's best move other than a hold-up (accept, invest, exit in
        that tie order): what it does when it does not hold up.
    fallback_gain : ndarray
        Its gain, max(0, G_I, G_X) >= 0.
    wants : ndarray of bool
        The member holds up if E concedes: M >= 0 and G_H beats accept and
        invest strictly and exit weakly (the period game's tie order).
    stays : ndarray of bool
        The fallback keeps the member in the regime (accept or invest).
    payoff_e : dict of str to ndarray
        E's payoff from this member at each outcome (``accept``, ``invest``,
        ``hold-up`` conceded, ``exit`` or a refused hold-up).
    """

    stake_r: np.ndarray
    stake_e: np.ndarray
    transfer: np.ndarray
    margin: np.ndarray
    gain_invest: np.ndarray
    gain_holdup: np.ndarray
    gain_exit: np.ndarray
    fallback: np.ndarray
    fallback_gain: np.ndarray
    wants: np.ndarray
    stays: np.ndarray
    payoff_e: dict[str, np.ndarray]


def bilateral(v: Mapping[str, np.ndarray]) -> Bilateral:
    """The per-member quantities of :class:`Bilateral` from :func:`member_values` output."""
    V, s, o_R, o_E = v["surplus"], v["share"], v["outside_r"], v["outside_e"]
    iota, q, c, beta, h = (v[k] for k in ("indispensability", "survival", "invest_cost", "power",
                                          "holdup_cost"))
    d_r = s * V - o_R
    d_e = (1 - s) * V - o_E
    transfer = q * (beta * iota * d_e - (1 - beta) * d_r)
    margin = q * (1 - beta) * (d_r + iota * d_e)
    g_i = (1 - q) * d_r - c
    g_h = transfer - h
    g_x = -q * d_r
    fallback = np.where(g_x > np.maximum(0.0, g_i), EXIT, np.where(g_i > 0, INVEST, ACCEPT))
    fallback_gain = np.maximum(np.maximum(0.0, g_i), g_x)
    wants = (margin >= 0) & (g_h > 0) & (g_h > g_i) & (g_h >= g_x)
    u_ea = q * (1 - s) * V + (1 - q) * o_E
    payoff_e = {
        "accept": u_ea,
        "invest": (1 - s) * V + 0.0 * u_ea,
        "hold-up": u_ea - transfer,
        "exit": u_ea - iota * q * d_e,
    }
    return Bilateral(d_r, d_e, transfer, margin, g_i, g_h, g_x, fallback.astype(np.int8),
                     fallback_gain, wants, fallback != EXIT, payoff_e)


def precedent_cost(kappa: Any, transfer: np.ndarray, claimants: np.ndarray) -> np.ndarray:
    """K = kappa * sum over ``claimants`` of max(0, T) (the member axis is the last).

    Examples
    --------
    >>> float(precedent_cost(0.5, np.array([0.2, -0.1, 0.4]), np.array([True, True, False])))
    0.1
    """
    return np.asarray(kappa) * np.sum(np.where(claimants, np.maximum(transfer, 0.0), 0.0), axis=-1)


def concedes(holding: np.ndarray, staying: np.ndarray, b: Bilateral, kappa: Any) -> np.ndarray:
    """E's policy facing the hold-ups ``holding``: does it concede (to those with M >= 0)?

    Parameters
    ----------
    holding : bool array (..., n)
        Who holds up.
    staying : bool array (..., n)
        Who accepts or invests (the claimants of a precedent); disjoint from
        ``holding``.
    b : Bilateral
    kappa : array_like

    Returns
    -------
    bool array (...)
        True where some holder has M >= 0 and sum of those margins >= K.
    """
    good = holding & (b.margin >= 0)
    total = np.sum(np.where(good, b.margin, 0.0), axis=-1)
    return good.any(axis=-1) & (total >= precedent_cost(kappa, b.transfer, staying))
