"""E's uncertainty about R: equilibria, thresholds in E's prior, observable consequences.

The games are :func:`kzgame.games.signalling_game.signalling` and
:func:`kzgame.games.screening_game.screening` (two types, E's prior
``prior`` on the high one); the equilibria come from the symbolic PBE
solver :func:`kzgame.game.pbe.pbe`, evaluated here over arrays of
parameters.  A continuum of types is handled in closed form or by a
vectorized search (:func:`screening_continuum`, :func:`signalling_continuum`,
:func:`signalling_continuum_outside`).

**Selection** where several PBE exist: keep those that survive the
intuitive criterion (Cho and Kreps 1987; all of them if none does), then
the highest ex-ante payoff of R, then of E, then the solver's order (pure
before mixed).  With uncertainty about iota both types of R have the same
payoffs, so the intuitive criterion never bites (a deviation is
equilibrium-dominated for both types or for neither) and the selection is
R's preferred equilibrium.

Examples
--------
>>> v = dict(share=0.3, outside_r=0.25, outside_e=0.1, survival=0.8, invest_cost=0.2,
...          power=0.5, holdup_cost=0.05, indispensability_low=0.2,
...          indispensability_high=0.9)
>>> classify_beliefs(prior=[0.1, 0.9], **v).labels
('pooling on accept', 'pooling on claim-high')
>>> obs = observables(prior=[0.1, 0.9], **v)
>>> obs["concession"].tolist(), obs["bluff"].tolist()
([0.0, 1.0], [0.0, 0.1])
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import sympy as sp

from ..errors import ParameterError
from ..game.pbe import ATOL, Assessment, PBESolution, pbe
from ..game.registry import DERIVED, REGISTRY
from ..game.tree import Game
from ..games.screening_game import screening
from ..games.signalling_game import CLAIMS, TYPES, signalling
from ..games.types import check_types, check_uncertain, type_parameters, type_payoffs

__all__ = [
    "ORDERS",
    "BeliefClasses",
    "Observables",
    "TypeDistribution",
    "belief_game",
    "belief_solution",
    "IOTA_CLASSES",
    "classify_beliefs",
    "classify_iota_pooling",
    "equilibria",
    "observables",
    "prior_margin",
    "prior_thresholds",
    "screening_continuum",
    "signalling_continuum",
    "signalling_continuum_outside",
    "thresholds_latex",
]

#: The move orders.
ORDERS: tuple[str, ...] = ("signalling", "screening")


def belief_game(order: str = "signalling", uncertain: str = "indispensability", *,
                commitment: bool | None = None, protocol: str = "nash") -> Game:
    """The two-type game of ``order`` (``signalling`` or ``screening``) about ``uncertain``.

    Raises
    ------
    ParameterError
        On an unknown order or uncertain parameter.
    """
    check_uncertain(uncertain)
    if order == "signalling":
        return signalling(uncertain, commitment=commitment, protocol=protocol)
    if order == "screening":
        return screening(uncertain)
    raise ParameterError(f"unknown move order {order!r}; give one of {', '.join(ORDERS)}")


def belief_solution(order: str = "signalling", uncertain: str = "indispensability", *,
                    commitment: bool | None = None, protocol: str = "nash") -> PBESolution:
    """Every PBE of :func:`belief_game`, symbolic (cached)."""
    return pbe(belief_game(order, uncertain, commitment=commitment, protocol=protocol),
               informed="R")


def _values(game: Game, uncertain: str, params: Mapping[str, Any]) -> dict[str, Any]:
    check_types(params, uncertain)
    out = game.values(params, arrays=True)
    return out


def _class_label(a: Assessment) -> str:
    """A short name of an assessment's class: kind and R's (or E's) on-path play."""
    if a.kind == "screening":
        (offer,) = [k for k, p in a.strategy["E|offer"].items() if p == 1] or ["mixed"]
        return f"E offers {offer}"
    plays = {t: sorted(k for k, p in a.strategy[f"@{t}"].items() if p != 0) for t in TYPES}
    if a.kind == "pooling":
        return f"pooling on {plays['high'][0]}"
    if a.kind == "separating":
        return f"separating (high: {plays['high'][0]}, low: {plays['low'][0]})"
    return ("semi-separating (high: " + "/".join(plays["high"]) + ", low: "
            + "/".join(plays["low"]) + ")")


@dataclass(frozen=True)
class BeliefClasses:
    """The selected equilibrium at each point (:func:`classify_beliefs`).

    Attributes
    ----------
    codes : numpy.ndarray
        Index into :attr:`labels` at each point (-1: no PBE found).
    labels : tuple of str
        The classes present, in order of first appearance.
    index : numpy.ndarray
        The selected assessment's index in the solution at each point.
    solution : PBESolution
    """

    codes: np.ndarray
    labels: tuple[str, ...]
    index: np.ndarray
    solution: PBESolution

    def to_pandas(self) -> Any:
        """One row per point (code, class name as a categorical, assessment) as a
        :class:`pandas.DataFrame` (:func:`kzgame.analysis.frames.beliefs_frame`)."""
        from .frames import beliefs_frame

        return beliefs_frame(self)

    def to_xarray(self, dims: Any = None, coords: Any = None) -> Any:
        """The codes as a DataArray (dimensions ``dims``, ``coords``) with the class names
        in ``attrs["classes"]`` (:func:`kzgame.analysis.frames.beliefs_xarray`)."""
        from .frames import beliefs_xarray

        return beliefs_xarray(self, dims, coords)


class Observables(dict[str, np.ndarray]):
    """What :func:`observables` returns: a dict of arrays that also converts to a table
    (:meth:`to_pandas`)."""

    def to_pandas(self) -> Any:
        """One row per point, a column per observable, as a :class:`pandas.DataFrame`
        (:func:`kzgame.analysis.frames.observables_frame`; needs the ``frames`` extra)."""
        from .frames import observables_frame

        return observables_frame(self)


def classify_beliefs(order: str = "signalling", uncertain: str = "indispensability", *,
                     commitment: bool | None = None, protocol: str = "nash",
                     atol: float = ATOL, method: str = "auto", **params: Any) -> BeliefClasses:
    """The selected PBE at each point of broadcasting parameter arrays (vectorized).

    Parameters
    ----------
    order, uncertain, commitment, protocol
        The game (:func:`belief_game`).
    method : {'auto', 'kernel', 'reference'}
        How the solver's conditions are evaluated
        (:func:`kzgame.numeric.pbe_kernel.classify_solution`): one compiled
        loop (``'kernel'``, numba) or NumPy in blocks (``'reference'``,
        :meth:`kzgame.game.pbe.PBESolution.classify`); ``'auto'`` (default)
        the compiled loop with numba for large inputs (from 50,000 points,
        or once it is built); the results are the same.
    **params
        The game's parameters: the registry's except ``uncertain``, plus
        ``<uncertain>_low``, ``<uncertain>_high`` and ``prior``.

    Raises
    ------
    ParameterError
        On a value outside its domain (priors outside [0, 1], types outside
        the parameter's domain), or a low type not below the high type.
    """
    sol = belief_solution(order, uncertain, commitment=commitment, protocol=protocol)
    values = _values(sol.game, uncertain, params)
    from ..numeric.pbe_kernel import classify_solution

    idx = classify_solution(sol, ("R", "E"), atol, method=method, **values)
    names = _class_labels(sol)
    # the classes in order of first appearance along the flattened points
    firsts = np.unique(idx.ravel(), return_index=True)
    present: list[str] = []
    for i in firsts[0][np.argsort(firsts[1])]:
        if i >= 0 and names[i] not in present:
            present.append(names[i])
    lookup = np.array([present.index(n) if n in present else -1 for n in names] + [-1])
    return BeliefClasses(lookup[idx], tuple(present), idx, sol)


_LABELS: dict[int, tuple[PBESolution, list[str]]] = {}


def _class_labels(sol: PBESolution) -> list[str]:
    """:func:`_class_label` of every assessment of ``sol`` (kept per solution)."""
    hit = _LABELS.get(id(sol))
    if hit is None or hit[0] is not sol:
        hit = (sol, [_class_label(a) for a in sol.assessments])
        if len(_LABELS) > 64:
            _LABELS.clear()
        _LABELS[id(sol)] = hit
    return hit[1]


#: The classes of :func:`classify_iota_pooling`, in code order.
IOTA_CLASSES: tuple[str, ...] = ("pooling on accept", "pooling on invest", "pooling on exit",
                                 "pooling on claim-low", "pooling on claim-high")


def classify_iota_pooling(*, protocol: str = "nash", **params: Any) -> np.ndarray:
    """The selected PBE of the signalling game on iota (commitment), in closed form: fast.

    Result 1 of docs/theory/beliefs.md makes it a short computation.  Both
    types have R's payoffs, so R's selected (best) PBE payoff is the best
    value among the pooling equilibria, with B = max(0, G_I, G_X) (tie order
    accept, invest, exit) and the claims' terms x_j:

    * pooling on B's action: every claim j is deterred, E can refuse it
      (x_j >= iota q Delta_E for some belief: x_j >= min(iota_L, iota_H) q
      Delta_E; at a sure prior, that type's iota) or x_j - h <= B;
    * pooling on claim j, conceded: x_j <= (p iota_H + (1 - p) iota_L) q
      Delta_E, x_j - h >= B, and the other claim k deterred (E can refuse it,
      or x_k <= x_j).

    The selected class is the one with the highest value (ties: B first,
    then claim-low); semi-separating equilibria give R the value of a pooling
    one and E no more (the theory page), so they are never selected.
    Agrees with :func:`classify_beliefs` on random points (tested).

    Returns
    -------
    numpy.ndarray of int8
        Index into :data:`IOTA_CLASSES`.
    """
    g = signalling("indispensability", protocol=protocol)
    check_types(params, "indispensability")
    v = g.values(params, arrays=True)
    q, s, V, oR, oE = v["survival"], v["share"], v["surplus"], v["outside_r"], v["outside_e"]
    c, h, p = v["invest_cost"], v["holdup_cost"], v["prior"]
    lo, hi = v["indispensability_low"], v["indispensability_high"]
    if protocol == "nash":
        beta = v["power"]
    elif protocol == "ultimatum":
        beta = 1.0
    elif protocol == "rubinstein":
        beta = (1 - v["discount_e"]) / (1 - v["discount_r"] * v["discount_e"])
    else:
        raise ParameterError("classify_iota_pooling supports the nash, rubinstein and "
                             "ultimatum protocols")
    dR, dE = s * V - oR, (1 - s) * V - oE
    gi, gx = (1 - q) * dR - c, -q * dR
    B = np.maximum(np.maximum(0.0, gi), gx)
    b_code = np.where(0.0 >= np.maximum(gi, gx), 0, np.where(gi >= gx, 1, 2))
    unit = q * dE
    xL = q * (beta * lo * dE - (1 - beta) * dR)
    xH = q * (beta * hi * dE - (1 - beta) * dR)
    mean = p * hi + (1 - p) * lo
    loss_min = np.where(p <= 0, lo * unit, np.where(p >= 1, hi * unit,
                                                      np.minimum(lo * unit, hi * unit)))
    tol = ATOL
    refuse_L, refuse_H = xL >= loss_min - tol, xH >= loss_min - tol
    pool_B = (refuse_L | (xL - h <= B + tol)) & (refuse_H | (xH - h <= B + tol))
    pool_L = (xL <= mean * unit + tol) & (xL - h >= B - tol) & (refuse_H | (xH <= xL + tol))
    pool_H = (xH <= mean * unit + tol) & (xH - h >= B - tol) & (refuse_L | (xL <= xH + tol))
    val = np.stack(np.broadcast_arrays(np.where(pool_B, B, -np.inf),
                                       np.where(pool_L, xL - h, -np.inf),
                                       np.where(pool_H, xH - h, -np.inf)))
    best = val.max(axis=0)
    k = np.argmax(val >= best - tol, axis=0)
    out = np.where(k == 0, b_code, k + 2)
    return np.asarray(out, dtype=np.int8)


def _events(order: str) -> dict[str, Any]:
    ev: dict[str, Any] = {}
    for t in TYPES:
        if order == "signalling":
            ev[f"holdup|{t}"] = lambda tt, lab, path, t=t: tt == t and path[0] in CLAIMS
            ev[f"claim-high|{t}"] = lambda tt, lab, path, t=t: tt == t and path[0] == "claim-high"
            ev[f"refused|{t}"] = lambda tt, lab, path, t=t: (tt == t and len(path) > 1
                                                             and path[1] == "refuse")
            ev[f"carried|{t}"] = lambda tt, lab, path, t=t: (tt == t and len(path) > 1
                                                             and path[1] == "refuse"
                                                             and lab == "exit")
            for a in ("accept", "invest", "exit"):
                ev[f"{a}|{t}"] = lambda tt, lab, path, t=t, a=a: tt == t and path == (a,)
        else:
            for o in ("meet-high", "meet-low", "status-quo"):
                ev[f"{o}|{t}"] = lambda tt, lab, path, t=t, o=o: tt == t and path[0] == o
            ev[f"carried|{t}"] = lambda tt, lab, path, t=t: tt == t and lab == "exit"
        ev[f"conceded|{t}"] = lambda tt, lab, path, t=t: tt == t and lab == "hold-up"
    return ev


def observables(order: str = "signalling", uncertain: str = "indispensability", *,
                commitment: bool | None = None, protocol: str = "nash", atol: float = ATOL,
                **params: Any) -> Observables:
    """The observable consequences of the selected PBE, per point (vectorized).

    Returns
    -------
    Observables
        A dict of arrays (``to_pandas()`` makes it a table).
        Ex-ante probabilities (over the type and any mixing):

        * ``holdup``: R stages a hold-up (signalling; 1 in screening, which
          starts after one);
        * ``concession``: a hold-up that ends in terms granted (E concedes,
          or R accepts E's offer);
        * ``refused``: a refused hold-up (signalling);
        * ``crisis``: a hold-up carried out to breakdown (a refused hold-up
          after which R leaves; in screening, R rejecting E's offer);
        * ``bluff``: a bluff.  Uncertainty about iota: the dispensable (low)
          type claims the indispensable type's terms.  About o_R: a hold-up
          by a type that would stay after a refusal (Delta_R >= 0 for its
          o_R); in screening, such a type paid a positive transfer;
        * ``successful_bluff``: a bluff that wins terms;
        * signalling: ``accept``, ``invest``, ``exit`` (R's move at the
          outset), ``claim-high``; screening: ``meet-high``, ``meet-low``,
          ``status-quo`` (E's offer).
    """
    cls = classify_beliefs(order, uncertain, commitment=commitment, protocol=protocol,
                           atol=atol, **params)
    sol = cls.solution
    values = _values(sol.game, uncertain, params)
    ev = _events(order)
    table = sol.event_table(ev, **values)  # (assessments, events, *shape)
    idx = cls.index
    safe = np.where(idx >= 0, idx, 0)
    picked = np.take_along_axis(table, safe[None, None, ...], axis=0)[0]
    picked = np.where(idx >= 0, picked, np.nan)
    E = dict(zip(ev, picked, strict=True))

    def both(name: str) -> np.ndarray:
        return E[f"{name}|high"] + E[f"{name}|low"]

    out: dict[str, np.ndarray] = {"concession": both("conceded"), "crisis": both("carried")}
    V = np.asarray(values["surplus"])
    stays = {}
    for t in TYPES:
        o = values[f"outside_r_{t}"] if uncertain == "outside_r" else values["outside_r"]
        stays[t] = values["share"] * V - o >= 0
    if order == "signalling":
        out["holdup"] = both("holdup")
        out["refused"] = both("refused")
        for a in ("accept", "invest", "exit", "claim-high"):
            out[a] = both(a)
        if uncertain == "indispensability":
            out["bluff"] = E["claim-high|low"]
            # a successful bluff: the low type's claim-high conceded
            low_high_conceded = sol.event_table(
                {"lh": lambda tt, lab, path: tt == "low" and path == ("claim-high", "concede")},
                **values)
            out["successful_bluff"] = np.where(
                idx >= 0, np.take_along_axis(low_high_conceded, safe[None, None, ...],
                                             axis=0)[0, 0], np.nan)
        else:
            # sum() over arrays is an array (typed as ``ndarray | Literal[0]``)
            out["bluff"] = np.asarray(sum(np.where(stays[t], E[f"holdup|{t}"], 0.0)
                                          for t in TYPES))
            out["successful_bluff"] = np.asarray(sum(np.where(stays[t], E[f"conceded|{t}"], 0.0)
                                                     for t in TYPES))
    else:
        out["holdup"] = np.ones(np.shape(idx))
        for o in ("meet-high", "meet-low", "status-quo"):
            out[o] = both(o)
        res = {t: _reservation(values, uncertain, t) for t in TYPES}
        paid = {"meet-high": res["high"], "meet-low": res["low"]}
        bluff = np.zeros(np.shape(idx))
        for t in TYPES:
            for o, x in paid.items():
                bluff = bluff + np.where(stays[t] & (x > 0), E[f"{o}|{t}"], 0.0)
        out["bluff"] = out["successful_bluff"] = bluff
    return Observables(out)


def _reservation(values: Mapping[str, Any], uncertain: str, t: str) -> np.ndarray:
    o = values[f"outside_r_{t}"] if uncertain == "outside_r" else values["outside_r"]
    q, s, V = values["survival"], values["share"], values["surplus"]
    return np.maximum(0.0, q * (o - s * V))


def equilibria(order: str = "signalling", uncertain: str = "indispensability", *,
               commitment: bool | None = None, protocol: str = "nash", atol: float = ATOL,
               **params: Any) -> list[dict[str, Any]]:
    """Every PBE at one point, as plain data (strategies, beliefs, off-path conditions).

    Each entry has ``kind``, ``label``, ``strategy`` (numbers), ``beliefs``
    (on the path, numbers), ``off_path`` (sympy conditions on ``mu``, the
    belief in the high type, with the point's numbers substituted),
    ``intuitive`` (survives the intuitive criterion), ``selected`` and the
    symbolic ``condition`` (in the parameters).

    Examples
    --------
    >>> eqs = equilibria(prior=0.9, share=0.3, outside_r=0.25, outside_e=0.1, survival=0.8,
    ...                  invest_cost=0.2, holdup_cost=0.05, indispensability_low=0.2,
    ...                  indispensability_high=0.9)
    >>> for e in eqs:
    ...     print(e["label"], e["selected"], e["off_path"])
    pooling on accept False {'E|claim-low': mu >= -0.20..., 'E|claim-high': mu <= 0.29...}
    pooling on claim-high True {'E|claim-low': mu >= -0.20...}
    semi-separating (high: accept/claim-high, low: claim-high) False {'E|claim-low': mu >= -0.20...}
    """
    sol = belief_solution(order, uncertain, commitment=commitment, protocol=protocol)
    values = _values(sol.game, uncertain, params)
    for k, v in values.items():
        if np.ndim(v):
            raise ParameterError(f"{k} must be a single number here, got an array")
    found = sol.at(atol, **values)
    chosen = sol.select(("R", "E"), atol, **values)
    subs = {sol.game.symbols[k]: sp.Float(v) for k, v in values.items()}
    out = []
    for a in found:
        off = {j: sp.simplify(a.in_parameters(c).xreplace(subs)) for j, c in a.off_path.items()}
        out.append({
            "kind": a.kind, "label": _class_label(a), "strategy": a.numbers(**values),
            "beliefs": a.belief_numbers(**values), "off_path": off,
            "intuitive": bool(a.survives(atol, **values)), "selected": a is chosen,
            "condition": a.condition,
        })  # fmt: skip
    return out


# ---------------------------------------------------------------------------
# Thresholds in E's prior (closed form)


@cache
def prior_thresholds(order: str = "signalling", uncertain: str = "indispensability",
                     protocol: str = "nash") -> dict[str, sp.Expr]:
    """The thresholds in E's prior, in closed form, written in the stakes.

    * signalling, iota (commitment): E concedes a claim pooled by both types
      iff its expected loss from a breakdown covers the claim,
      x_j <= (p iota_H + (1 - p) iota_L) q Delta_E, i.e. (Delta_E > 0)
      p >= p*_j = (x_j / (q Delta_E) - iota_L) / (iota_H - iota_L), for
      j = ``claim-low``, ``claim-high``;
    * signalling, o_R (no commitment): E concedes a pooled claim iff
      x_j <= mu iota q Delta_E, mu the probability that R leaves after a
      refusal; with only the high type leaving, p >= p*_j = x_j / (iota q Delta_E);
    * screening, o_R: E meets the high type's reservation r_H rather than
      the low type's r_L iff p (iota q Delta_E - r_L) >= r_H - r_L, i.e.
      p >= p* = (r_H - r_L) / (iota q Delta_E - r_L);
    * screening, iota: E pays the common reservation r iff
      r <= (p iota_H + (1 - p) iota_L) q Delta_E.

    Returns
    -------
    dict of str to sympy.Expr
        Threshold name -> p*, in Delta_R (``stake_r``, of the low type for
        o_R: ``stake_r_low``, ``stake_r_high``), Delta_E and the rest.

    Examples
    --------
    >>> t = prior_thresholds("signalling", "indispensability")
    >>> print(sp.latex(t["claim-high"]))  # doctest: +ELLIPSIS
    \\frac{...}{...}
    """
    check_uncertain(uncertain)
    S = {k: p.symbol for k, p in REGISTRY.items()}
    tp = type_parameters(uncertain)
    lo, hi = (tp[f"{uncertain}_{k}"].symbol for k in ("low", "high"))
    q, iota = S["survival"], S["indispensability"]
    sub = {S["outside_e"]: DERIVED["stake_e"].inverse, S["outside_r"]: DERIVED["stake_r"].inverse}
    dRl, dRh = sp.Symbol("stake_r_low", real=True), sp.Symbol("stake_r_high", real=True)
    if uncertain == "outside_r":
        sub.update({lo: S["share"] * S["surplus"] - dRl, hi: S["share"] * S["surplus"] - dRh})

    def clean(e: sp.Expr) -> sp.Expr:
        return sp.factor(sp.simplify(e.xreplace(sub)))

    out: dict[str, sp.Expr] = {}
    if order == "signalling":
        for claim, v in (("claim-low", lo), ("claim-high", hi)):
            x = type_payoffs(uncertain, v, protocol)["terms"]
            if uncertain == "indispensability":
                out[claim] = clean((x / (q * ((1 - S["share"]) * S["surplus"] - S["outside_e"]))
                                    - lo) / (hi - lo))
            else:
                out[claim] = clean(x / (iota * q * ((1 - S["share"]) * S["surplus"]
                                                    - S["outside_e"])))
    elif order == "screening":
        r = {k: type_payoffs(uncertain, v)["reservation"] for k, v in (("low", lo), ("high", hi))}
        loss_unit = q * ((1 - S["share"]) * S["surplus"] - S["outside_e"])
        if uncertain == "outside_r":
            out["meet-high"] = clean((r["high"] - r["low"]) / (iota * loss_unit - r["low"]))
        else:
            out["meet"] = clean((r["low"] / loss_unit - lo) / (hi - lo))
    else:
        raise ParameterError(f"unknown move order {order!r}; give one of {', '.join(ORDERS)}")
    return out


def thresholds_latex(order: str = "signalling", uncertain: str = "indispensability",
                     protocol: str = "nash") -> dict[str, str]:
    r""":func:`prior_thresholds` as LaTeX, with the registry's symbols (``p^*_j = ...``).

    Examples
    --------
    >>> print(thresholds_latex()["claim-high"])  # doctest: +ELLIPSIS
    p^*_{\mathrm{claim-high}} = \frac{...}{...}
    """
    names: dict[sp.Symbol, str] = {p.symbol: p.latex for p in REGISTRY.values()}
    names.update({d.symbol: d.latex for d in DERIVED.values()})
    for u in ("indispensability", "outside_r"):
        names.update({p.symbol: p.latex for p in type_parameters(u).values()})
    names[sp.Symbol("stake_r_low", real=True)] = r"\Delta_{R,L}"
    names[sp.Symbol("stake_r_high", real=True)] = r"\Delta_{R,H}"
    out = {}
    for k, e in prior_thresholds(order, uncertain, protocol).items():
        sym = {s: names.get(s, sp.latex(s)) for s in e.free_symbols}
        out[k] = rf"p^*_{{\mathrm{{{k}}}}} = " + sp.latex(e, symbol_names=sym)
    return out


def prior_margin(order: str = "signalling", uncertain: str = "indispensability", *,
                 commitment: bool | None = None, protocol: str = "nash", grid: int = 401,
                 **params: Any) -> dict[str, float | str | None]:
    """How far E's prior must move to change R's (signalling) or E's (screening) strategy.

    Scans ``grid`` priors in [0, 1] around the given one (vectorized) and
    refines each change by bisection.

    Returns
    -------
    dict
        ``now``: the selected class at the given prior; ``down`` / ``up``:
        the nearest prior below / above at which the class changes (None if
        it never does), and ``to_down`` / ``to_up``: the class there.
    """
    if "prior" not in params:
        raise ParameterError("prior is required")
    p0 = float(np.asarray(params["prior"]))
    type_parameters(uncertain)["prior"].check(p0)
    rest = {k: v for k, v in params.items() if k != "prior"}
    ps = np.linspace(0.0, 1.0, grid)

    def labels(p: np.ndarray) -> list[str]:
        c = classify_beliefs(order, uncertain, commitment=commitment, protocol=protocol,
                             prior=p, **rest)
        return [c.labels[k] if k >= 0 else "none" for k in np.ravel(c.codes)]

    now = labels(np.array([p0]))[0]
    lab = labels(ps)

    def refine(a: float, b: float) -> float:
        la = labels(np.array([a]))[0]
        for _ in range(40):
            m = 0.5 * (a + b)
            if labels(np.array([m]))[0] == la:
                a = m
            else:
                b = m
        return 0.5 * (a + b)

    up = down = None
    to_up = to_down = None
    for k in range(grid):
        if ps[k] > p0 and lab[k] != now:
            lo_p = max(p0, ps[k - 1]) if k else p0
            up, to_up = float(refine(lo_p, ps[k])), lab[k]
            break
    for k in range(grid - 1, -1, -1):
        if ps[k] < p0 and lab[k] != now:
            hi_p = min(p0, ps[k + 1]) if k + 1 < grid else p0
            down, to_down = float(refine(hi_p, ps[k])), lab[k]
            break
    return {"now": now, "down": down, "to_down": to_down, "up": up, "to_up": to_up}


# ---------------------------------------------------------------------------
# A continuum of types


@dataclass(frozen=True)
class TypeDistribution:
    """A distribution of the uncertain parameter: uniform or beta on [low, high].

    The range is cut to the parameter's domain; a range with no part in the
    domain (no mass on it) raises :class:`ParameterError`.

    Examples
    --------
    >>> TypeDistribution("indispensability", 0.2, 0.8).mean()
    0.5
    >>> TypeDistribution("indispensability", 1.5, 2.0)
    Traceback (most recent call last):
    ...
    kzgame.errors.ParameterError: indispensability: the distribution's range [1.5, 2] has no ...
    """

    parameter: str
    low: float
    high: float
    shape: str = "uniform"
    a: float = 1.0
    b: float = 1.0

    def __post_init__(self) -> None:
        check_uncertain(self.parameter)
        dom = REGISTRY[self.parameter].domain
        lo, hi = float(self.low), float(self.high)
        if not (math.isfinite(lo) and math.isfinite(hi)) or not lo < hi:
            raise ParameterError(
                f"{self.parameter}: the distribution's range [{lo:g}, {hi:g}] must have "
                "low < high, both finite"
            )
        cut_lo, cut_hi = max(lo, dom.low), min(hi, dom.high)
        if not cut_lo < cut_hi:
            raise ParameterError(
                f"{self.parameter}: the distribution's range [{lo:g}, {hi:g}] has no mass on "
                f"the parameter's domain {dom.describe()}"
            )
        if self.shape not in ("uniform", "beta"):
            raise ParameterError(f"shape {self.shape!r}: give 'uniform' or 'beta'")
        if not (self.a > 0 and self.b > 0):
            raise ParameterError(f"beta shape parameters must be positive, got {self.a}, "
                                 f"{self.b}")
        object.__setattr__(self, "low", cut_lo)
        object.__setattr__(self, "high", cut_hi)

    def cdf(self, x: Any) -> np.ndarray:
        """P(type <= x), vectorized."""
        z = np.clip((np.asarray(x, dtype=float) - self.low) / (self.high - self.low), 0, 1)
        if self.shape == "uniform":
            return z
        from scipy.special import betainc

        return betainc(self.a, self.b, z)

    def mean(self) -> float:
        """The mean."""
        m = 0.5 if self.shape == "uniform" else self.a / (self.a + self.b)
        return self.low + m * (self.high - self.low)


def signalling_continuum(dist: TypeDistribution, *, protocol: str = "nash",
                         **params: Any) -> dict[str, np.ndarray]:
    """Signalling with a continuum of iota types: the pooling claim, in closed form.

    R's payoffs do not depend on iota, so every type makes the same move and
    E's belief after it is its prior: E concedes a claim to the terms of
    indispensability iota' iff x(iota') <= E[iota] q Delta_E.  R's best claim
    is the largest E concedes (x increases in iota' when Delta_E > 0):
    iota' = clip((E[iota] Delta_E + (1 - beta) Delta_R) / (beta Delta_E)) under
    the nash protocol (the ultimatum protocol is beta = 1); R makes it iff
    x(iota') - h beats accept, invest and exit.

    Returns
    -------
    dict of arrays
        ``claim`` (iota'), ``terms`` x(iota'), ``holdup`` (1 where R holds up).
    """
    if dist.parameter != "indispensability":
        raise ParameterError("signalling_continuum is for uncertainty about indispensability")
    g = signalling("indispensability", protocol=protocol)
    vals = {k: v for k, v in params.items()}
    base = {k: p for k, p in g.parameters.items() if k not in type_parameters(
        "indispensability")}
    v = {k: np.asarray(p.check(vals.get(k, p.default)), dtype=float) for k, p in base.items()}
    q, s, V, oR, oE = v["survival"], v["share"], v["surplus"], v["outside_r"], v["outside_e"]
    c, h = v["invest_cost"], v["holdup_cost"]
    betas: dict[str, np.ndarray | float] = {"nash": v["power"], "ultimatum": 1.0}
    beta = betas.get(protocol)
    if beta is None:
        raise ParameterError("signalling_continuum supports the nash and ultimatum protocols")
    dR, dE = s * V - oR, (1 - s) * V - oE
    mean = dist.mean()
    with np.errstate(all="ignore"):
        claim = np.clip((mean * dE + (1 - beta) * dR) / (beta * dE), dist.low, dist.high)
    claim = np.where(dE > 0, claim, dist.low)
    terms = q * (beta * claim * dE - (1 - beta) * dR)
    conceded = terms <= mean * q * dE + 1e-12
    outside = np.maximum(np.maximum(0.0, (1 - q) * dR - c), -q * dR)
    holdup = conceded & (terms - h > outside)
    return {"claim": claim, "terms": terms, "holdup": holdup.astype(float)}


def screening_continuum(dist: TypeDistribution, *, iters: int = 45,
                        **params: Any) -> dict[str, np.ndarray]:
    """Screening with a continuum of o_R types: E's offer and the cut-off type (Fearon 1995).

    A type o accepts the transfer x iff u_R(A) + x >= o, i.e. o <= o*(x) = sV + x/q.
    E chooses x >= 0 to maximise d_E + F(o*(x)) (L - x), L = iota q Delta_E
    (what E loses when R leaves): the risk-return trade-off.  Solved by a
    vectorized golden-section search on x in [0, max(0, q (high - sV))]
    after a coarse grid (the objective need not be unimodal for a beta
    distribution; the grid picks the bracket), checked against the corners.
    For a uniform distribution the interior optimum is x* = (L + q (low - sV)) / 2.

    Returns
    -------
    dict of arrays
        ``offer`` x*, ``cutoff`` o*, ``exit`` (the probability that R leaves,
        1 - F(o*)), ``bluff`` (types that would stay at no transfer, o <= sV,
        paid a positive transfer: F(sV) where x* > 0).
    """
    if dist.parameter != "outside_r":
        raise ParameterError("screening_continuum is for uncertainty about outside_r")
    used = ("survival", "share", "surplus", "outside_e", "indispensability")
    unknown = sorted(set(params) - set(used) - set(REGISTRY))
    if unknown:
        raise ParameterError(f"unknown parameter(s) {', '.join(unknown)}")
    v = {k: np.asarray(REGISTRY[k].check(params.get(k, REGISTRY[k].default)), dtype=float)
         for k in used}
    q, s, V, oE, iota = (v[k] for k in ("survival", "share", "surplus", "outside_e",
                                        "indispensability"))
    shape = np.broadcast_shapes(*(np.shape(x) for x in (q, s, V, oE, iota)))
    q, s, V, oE, iota = (np.broadcast_to(x, shape).astype(float) for x in (q, s, V, oE, iota))
    L = iota * q * ((1 - s) * V - oE)
    sV = s * V
    top = np.maximum(0.0, q * (dist.high - sV))

    def obj(x: np.ndarray) -> np.ndarray:
        ext = (lambda y: y[..., None]) if np.ndim(x) > len(shape) else (lambda y: y)
        qq, cut0, LL = ext(q), ext(sV), ext(L)
        with np.errstate(all="ignore"):
            o = np.where(qq > 0, cut0 + x / np.where(qq > 0, qq, 1), np.inf)
        return dist.cdf(o) * (LL - x)

    n = 17
    grid = top[..., None] * np.linspace(0, 1, n)
    vals = obj(grid)
    k = np.argmax(vals, axis=-1)
    a = np.take_along_axis(grid, np.clip(k - 1, 0, n - 1)[..., None], -1)[..., 0]
    b = np.take_along_axis(grid, np.clip(k + 1, 0, n - 1)[..., None], -1)[..., 0]
    phi = (math.sqrt(5) - 1) / 2
    c1, c2 = b - phi * (b - a), a + phi * (b - a)
    f1, f2 = obj(c1), obj(c2)
    for _ in range(iters):  # one new evaluation per step: the other point is reused
        left = f1 >= f2  # the maximum lies in [a, c2]
        b = np.where(left, c2, b)
        a = np.where(left, a, c1)
        new = np.where(left, b - phi * (b - a), a + phi * (b - a))
        fn = obj(new)
        c1, c2 = np.where(left, new, c2), np.where(left, c1, new)
        f1, f2 = np.where(left, fn, f2), np.where(left, f1, fn)
    x = 0.5 * (a + b)
    best = obj(x)
    for cand in (np.zeros(shape), top):
        fc = obj(cand)
        better = fc > best + 1e-15
        x = np.where(better, cand, x)
        best = np.where(better, fc, best)
    with np.errstate(all="ignore"):
        cut = np.where(q > 0, sV + x / np.where(q > 0, q, 1), np.inf)
    F = dist.cdf(cut)
    bluff = np.where(x > 0, dist.cdf(sV), 0.0)
    return {"offer": x, "cutoff": cut, "exit": 1 - F, "bluff": bluff}



def signalling_continuum_outside(dist: TypeDistribution, *, terms: Any = None, grid: int = 65,
                                 iters: int = 40, **params: Any) -> dict[str, np.ndarray]:
    """Signalling with a continuum of o_R types, without commitment: the cut-off equilibrium.

    R (type o ~ ``dist``) holds up with one posted claim of terms x (default:
    the nash terms of the mean type), or accepts, invests or exits; E
    concedes with probability rho; after a refusal R stays (o <= sV, it was
    bluffing) or leaves (o > sV).  Given rho, relative to accept:

    * a type that would stay holds up iff rho x - h >= max(0, (1 - q)(sV - o) - c):
      the types o >= sV - (rho x - h + c) / (1 - q), up to sV, if rho x >= h;
    * a type that would leave holds up rather than exit iff rho (x - q (o - sV)) >= h:
      the types sV < o <= sV + (x - h / rho) / q (the cut-off).

    E concedes iff x <= mu iota q Delta_E, mu the share of leavers among the
    types that hold up.  The selected equilibrium is R's best: the largest
    consistent rho (R's payoff rises with rho for every type): rho = 1 if E
    concedes when everyone who gains holds up, else the largest rho at
    which E is indifferent (a vectorized grid over rho, then bisection),
    else rho = 0 (nobody holds up; E would refuse a claim).

    Returns
    -------
    dict of arrays
        ``concede`` (rho), ``terms``, ``holdup``, ``crisis`` (a refused
        leaver leaves), ``bluff`` (stayers holding up), ``successful_bluff``
        (conceded to a stayer), ``backdown`` (a refused stayer stays).
    """
    if dist.parameter != "outside_r":
        raise ParameterError("signalling_continuum_outside is for uncertainty about outside_r")
    used = ("survival", "share", "surplus", "outside_e", "indispensability", "invest_cost",
            "holdup_cost", "power")
    unknown = sorted(set(params) - set(used))
    if unknown:
        raise ParameterError(f"unknown parameter(s) {', '.join(unknown)}")
    v = {k: np.asarray(REGISTRY[k].check(params.get(k, REGISTRY[k].default)), dtype=float)
         for k in used}
    shape = np.broadcast_shapes(*(np.shape(x) for x in v.values()))
    v = {k: np.broadcast_to(x, shape).astype(float) for k, x in v.items()}
    q, s, V, oE, iota, c, h, beta = (v[k] for k in used)
    sV = s * V
    dE = (1 - s) * V - oE
    if terms is None:
        x = q * (beta * iota * dE - (1 - beta) * (sV - dist.mean()))
    else:
        x = np.broadcast_to(np.asarray(terms, dtype=float), shape)
    loss = iota * q * dE

    def masses(rho: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        with np.errstate(all="ignore"):
            o_inv = np.where(q < 1, sV - (rho * x - h + c) / np.where(q < 1, 1 - q, 1), -np.inf)
            stay = np.where(rho * x >= h, dist.cdf(sV) - dist.cdf(np.minimum(o_inv, sV)), 0.0)
            top = np.where(rho > 0, sV + (x - h / np.where(rho > 0, rho, 1)) / np.where(
                q > 0, q, 1), -np.inf)
            leave = np.where(top > sV, dist.cdf(top) - dist.cdf(sV), 0.0)
        return np.maximum(stay, 0.0), np.maximum(leave, 0.0)

    def gain(rho: np.ndarray) -> np.ndarray:
        st_, lv = masses(rho)
        tot = st_ + lv
        with np.errstate(all="ignore"):
            mu = np.where(tot > 0, lv / np.where(tot > 0, tot, 1), 0.0)
        return np.where(tot > 0, mu * loss - x, -np.inf)

    ones = np.ones(shape)
    rho = np.where(gain(ones) >= -1e-12, 1.0, 0.0)
    todo = rho < 1
    rs = np.linspace(0.0, 1.0, grid)
    g = np.stack([gain(r * ones) for r in rs])  # (grid, *shape)
    ok = g >= 0
    # the largest grid rho with E willing to concede, and the next one up (E refuses)
    idx = np.where(ok.any(axis=0), grid - 1 - np.argmax(ok[::-1], axis=0), -1)
    found = todo & (idx >= 0) & (idx < grid - 1)
    lo = np.where(found, rs[np.clip(idx, 0, grid - 1)], 0.0)
    hi = np.where(found, rs[np.clip(idx + 1, 0, grid - 1)], 0.0)
    for _ in range(iters):
        mid = 0.5 * (lo + hi)
        up = gain(mid) >= 0
        lo = np.where(found & up, mid, lo)
        hi = np.where(found & ~up, mid, hi)
    rho = np.where(found, lo, rho)
    st_, lv = masses(rho)
    hold = st_ + lv
    return {"concede": rho, "terms": x, "holdup": hold, "crisis": (1 - rho) * lv,
            "bluff": st_, "successful_bluff": rho * st_, "backdown": (1 - rho) * st_}
