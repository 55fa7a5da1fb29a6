"""E's uncertainty about R's type: the uncertain parameters, the type parameters, the payoffs.

E is uncertain about one of R's parameters (MODEL.md, "Perceived
indispensability"): its indispensability iota (how much of the regime's
value E loses if R leaves) or its outside option o_R (whether R would
really leave).  R knows the value.  With two types the value is
``<name>_low`` or ``<name>_high``, and E's prior on the high one is
``prior``.  Everything else is common knowledge.

The payoffs are those of the period game (:mod:`kzgame.games.period_game`),
evaluated at the type's value:

* accept: u_R(A) = q s V + (1 - q) o_R, u_E(A) = q (1 - s) V + (1 - q) o_E;
* invest: s V - c and (1 - s) V;
* exit, and a carried-out threat: o_R (minus h after a hold-up) and
  d_E = (1 - iota) u_E(A) + iota o_E = u_E(A) - iota q Delta_E;
* terms x granted after a hold-up: u_R(A) + x - h and u_E(A) - x.

The terms are a transfer x relative to accept: under the period game's
protocol, the transfer R wins when E concedes to a known type, x_theta =
split_R - u_R(A) (nash: q (beta iota Delta_E - (1 - beta) Delta_R)).

Examples
--------
>>> sorted(type_parameters("indispensability"))
['indispensability_high', 'indispensability_low', 'prior']
>>> check_types({"indispensability_low": 0.5, "indispensability_high": 0.5},
...             "indispensability")
Traceback (most recent call last):
...
kzgame.errors.ParameterError: indispensability_low = 0.5 must be below ... = 0.5 ...
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import sympy as sp

from ..errors import ParameterError
from ..game.registry import REGISTRY, Parameter
from .period_game import get_protocol

__all__ = [
    "PRIOR",
    "UNCERTAIN",
    "base_parameters",
    "check_types",
    "check_uncertain",
    "type_parameters",
    "type_payoffs",
]

#: The parameters E may be uncertain about.
UNCERTAIN: tuple[str, ...] = ("indispensability", "outside_r")

#: E's prior probability of the high type.
PRIOR = Parameter("prior", REGISTRY["share"].domain, None, "p",
                  "E's prior probability that R is the high type")

_S = {k: p.symbol for k, p in REGISTRY.items()}


def check_uncertain(uncertain: str) -> str:
    """``uncertain`` if it names an uncertain parameter, else :class:`ParameterError`."""
    if uncertain not in UNCERTAIN:
        raise ParameterError(
            f"uncertain parameter {uncertain!r} is not supported; give one of "
            f"{', '.join(UNCERTAIN)}"
        )
    return uncertain


def type_parameters(uncertain: str) -> dict[str, Parameter]:
    """The game-local parameters: the two types' values (the registry's domain) and the prior.

    Examples
    --------
    >>> type_parameters("outside_r")["outside_r_low"].latex
    'o_{R,L}'
    """
    check_uncertain(uncertain)
    base = REGISTRY[uncertain]
    core = base.latex.replace("\\iota", "\\iota_{{{}}}") if uncertain == "indispensability" \
        else "o_{{R,{}}}"
    return {
        f"{uncertain}_low": Parameter(f"{uncertain}_low", base.domain, None, core.format("L"),
                                      f"{base.meaning} (low type)"),
        f"{uncertain}_high": Parameter(f"{uncertain}_high", base.domain, None,
                                       core.format("H"), f"{base.meaning} (high type)"),
        "prior": PRIOR,
    }


def base_parameters(uncertain: str) -> dict[str, Parameter]:
    """The registry's parameters except the uncertain one, then the type parameters."""
    out = {k: p for k, p in REGISTRY.items() if k != check_uncertain(uncertain)}
    out.update(type_parameters(uncertain))
    return out


def check_types(values: Mapping[str, Any], uncertain: str) -> None:
    """Raise :class:`ParameterError` unless the low type is below the high type everywhere.

    Equal types are refused (the two-type game needs two distinct values);
    each type must lie in the parameter's domain, and the prior in [0, 1].
    """
    params = type_parameters(uncertain)
    for k, p in params.items():
        if k in values:
            p.check(values[k])
    lo, hi = f"{uncertain}_low", f"{uncertain}_high"
    if lo not in values or hi not in values:
        return
    a = np.asarray(values[lo], dtype=float)
    b = np.asarray(values[hi], dtype=float)
    bad = ~(a < b)
    if np.any(bad):
        aa, bb = np.broadcast_arrays(a, b)
        i = np.flatnonzero(np.broadcast_to(bad, aa.shape))[0]
        raise ParameterError(
            f"{lo} = {float(aa.flat[i])!r} must be below {hi} = {float(bb.flat[i])!r} (two "
            f"distinct types; allowed range {REGISTRY[uncertain].domain.describe()})"
        )


def type_payoffs(uncertain: str, value: sp.Expr, protocol: str = "nash") -> dict[str, sp.Expr]:
    """The period game's payoffs with the uncertain parameter at ``value``.

    Returns u_RA, u_EA, invest_R, invest_E, o_R, d_E and ``terms``: the
    transfer (over accept) the protocol gives this type when E concedes,
    and ``reservation``: the least transfer for which R stays rather than
    leaves, max(0, o_R - u_R(A)).

    Examples
    --------
    >>> t = type_payoffs("indispensability", sp.Symbol("i"), "ultimatum")
    >>> sp.factor(t["terms"])
    -i*survival*(outside_e + share*surplus - surplus)
    """
    V, s, o_R, o_E = _S["surplus"], _S["share"], _S["outside_r"], _S["outside_e"]
    iota, q, c = _S["indispensability"], _S["survival"], _S["invest_cost"]
    sub = {_S[check_uncertain(uncertain)]: value}
    o_R, iota = o_R.xreplace(sub), iota.xreplace(sub)
    u_RA = q * s * V + (1 - q) * o_R
    u_EA = q * (1 - s) * V + (1 - q) * o_E
    d_E = (1 - iota) * u_EA + iota * o_E
    split = get_protocol(protocol).split
    agree_R, _ = split(u_RA, u_EA, d_E)
    agree_R = agree_R.xreplace(sub)
    return {
        "u_RA": u_RA, "u_EA": u_EA, "invest_R": s * V - c, "invest_E": (1 - s) * V,
        "o_R": o_R, "d_E": d_E, "terms": sp.expand(agree_R - u_RA),
        "reservation": sp.Max(0, sp.expand(o_R - u_RA)),
    }  # fmt: skip
