"""Which verdicts survive each commitment assumption, and the KPR table under each.

The period game assumes that R carries out its threat (**full
commitment**); :mod:`kzgame.games.commitment_game` builds the game without
it (``none``: R chooses again after a refusal) and with a threat that leaves
something to chance (``brinkmanship``: a refused hold-up ends in breakdown
with probability pi).  This module compares them:

* :func:`commitment_verdicts`: one period's verdict under each assumption,
  whether R's threat to leave is credible, and the breakdown risk pi* above
  which a hold-up pays under brinkmanship;
* :func:`compare_commitments`: the same over parameter arrays (codes and
  shares, for Monte Carlo draws and grids);
* :func:`kpr_regions` and :func:`kpr_table_markdown`: the exact region of
  each verdict of KPR's table under every protocol and commitment
  assumption, derived by the engine (:func:`kzgame.analysis.games.outcome_region`).

Brinkmanship scales a hold-up: R's gain from a conceded hold-up is
G_H(pi) = pi (G_H + h) - h and E's concession margin is pi M, where G_H and
M are those of full commitment (``docs/theory/commitment.md``).  So a
hold-up pays under brinkmanship iff it pays under full commitment and
pi > pi* = (h + max(0, G_I, G_X)) / (G_H + h); the other verdicts do not
depend on pi.

Examples
--------
>>> v = commitment_verdicts(dict(share=0.5, outside_r=0.3, outside_e=0.0,
...     indispensability=0.9, survival=0.8, invest_cost=0.05, holdup_cost=0.02))
>>> v.verdicts
{'full': 'hold-up', 'none': 'accept'}
>>> v.credible, round(v.risk_threshold, 6)
(False, 0.2)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..games.commitment_game import (
    COMMITMENT_PARAMETERS,
    COMMITMENTS,
    commitment_game,
    get_commitment,
)
from ..games.period_game import PROTOCOLS, get_protocol
from ..numeric.classify import Backend, classify
from ..solve import solve
from ..strategy import Strategy
from .games import OutcomeRegion, outcome_region

__all__ = [
    "CommitmentComparison",
    "CommitmentVerdicts",
    "KPR_CELLS",
    "commitment_verdicts",
    "compare_commitments",
    "kpr_regions",
    "kpr_table_markdown",
]

#: KPR's 2x2 table: (outside options, indispensability) -> the verdict KPR predict.
KPR_CELLS: dict[tuple[str, str], str] = {
    ("unfavourable", "indispensable"): "invest",
    ("unfavourable", "dispensable"): "invest",
    ("favourable", "indispensable"): "hold-up",
    ("favourable", "dispensable"): "accept",
}


@dataclass(frozen=True)
class CommitmentVerdicts:
    """One period's verdict under each commitment assumption.

    Attributes
    ----------
    protocol : str
    verdicts : dict of str to str
        ``commitment -> outcome``: ``full`` and ``none`` always, and
        ``brinkmanship`` when a breakdown risk was given.
    breakdown_risk : float or None
        The pi the brinkmanship verdict was computed at (None: not given).
    credible : bool
        Whether R would leave after a refusal (o_R + xi_R > u_R(A), strictly):
        the no-commitment game then gives the full-commitment verdict.
    stay_margin : float
        u_R(A) - (o_R + xi_R) = q Delta_R - xi_R: how much R prefers staying
        to leaving after a refusal (the threat is empty where it is >= 0).
    risk_threshold : float or None
        Under brinkmanship a hold-up is chosen iff pi > this value, or
        pi = this value where the alternative is exit (the tie order puts
        hold-up after accept and invest, before exit); None: the
        full-commitment verdict is not hold-up, and brinkmanship gives the
        full verdict for every pi).
    fallback : str
        What brinkmanship gives for pi at or below :attr:`risk_threshold`
        (R's best move other than a hold-up); the full verdict otherwise.
    """

    protocol: str
    verdicts: dict[str, str]
    breakdown_risk: float | None
    credible: bool
    stay_margin: float
    risk_threshold: float | None
    fallback: str

    def brinkmanship(self, breakdown_risk: float) -> str:
        """The brinkmanship verdict at ``breakdown_risk`` (from :attr:`risk_threshold`).

        Examples
        --------
        >>> v = commitment_verdicts(dict(share=0.5, outside_r=0.3, outside_e=0.0,
        ...     indispensability=0.9, survival=0.8, invest_cost=0.05, holdup_cost=0.02))
        >>> v.brinkmanship(0.1), v.brinkmanship(0.5)
        ('accept', 'hold-up')
        """
        pi = float(COMMITMENT_PARAMETERS["breakdown_risk"].check(breakdown_risk))
        star = self.risk_threshold
        if star is not None and (pi > star or (pi == star and self.fallback == "exit")):
            return "hold-up"  # at pi* the tie goes to hold-up over exit, not over accept/invest
        return self.fallback

    def describe_brinkmanship(self) -> str:
        """The brinkmanship verdict in words: at the given pi, or as a function of pi."""
        if self.breakdown_risk is not None:
            return f"{self.verdicts['brinkmanship']} (pi = {self.breakdown_risk:g})"
        if self.risk_threshold is None:
            return f"{self.fallback} (any pi)"
        if self.risk_threshold <= 0.0:
            return "hold-up (any pi > 0)"
        return f"hold-up if pi > {self.risk_threshold:.3g}, else {self.fallback}"

    def to_pandas(self) -> Any:
        """One row per commitment assumption as a :class:`pandas.DataFrame`
        (:func:`kzgame.analysis.frames.commitment_verdicts_frame`; needs the ``frames`` extra)."""
        from .frames import commitment_verdicts_frame

        return commitment_verdicts_frame(self)


def _values(values: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(values)
    out.pop("breakdown_risk", None)
    return out


def commitment_verdicts(
    values: Mapping[str, Any],
    *,
    protocol: str = "nash",
    breakdown_risk: float | None = None,
    atol: float = 0.0,
) -> CommitmentVerdicts:
    """One period under full commitment, no commitment and brinkmanship.

    Parameters
    ----------
    values : mapping
        The period's parameters by name (those of :class:`kzgame.Period`, and
        optionally ``exit_premium``): e.g. ``Period.as_dict()`` or a model
        file period's ``values``.
    protocol : str, default "nash"
        The bargaining protocol.
    breakdown_risk : float, optional
        pi in [0, 1]; without it the brinkmanship verdict is given as a
        function of pi (:attr:`CommitmentVerdicts.risk_threshold`).
    atol : float, default 0.0
        The engine's tie tolerance (:func:`kzgame.solve`).

    Raises
    ------
    ParameterError
        On a parameter outside its domain (pi outside [0, 1] included).
    KzgameError
        On an unknown protocol.

    Examples
    --------
    >>> point = dict(share=0.5, outside_r=0.3, outside_e=0.0, indispensability=0.9,
    ...              survival=0.8, invest_cost=0.05, holdup_cost=0.02)
    >>> commitment_verdicts(point, breakdown_risk=0.5).verdicts
    {'full': 'hold-up', 'none': 'accept', 'brinkmanship': 'hold-up'}
    >>> commitment_verdicts(point, breakdown_risk=1.5)
    Traceback (most recent call last):
    ...
    kzgame.errors.ParameterError: breakdown_risk = 1.5 is outside the allowed range [0, 1]
    """
    get_protocol(protocol)
    base = _values(values)
    if breakdown_risk is not None:
        breakdown_risk = float(COMMITMENT_PARAMETERS["breakdown_risk"].check(breakdown_risk))
    full = solve(commitment_game("full", protocol), atol=atol, **base)
    none = solve(commitment_game("none", protocol), atol=atol, **base)
    verdicts = {"full": full.outcome, "none": none.outcome}
    if breakdown_risk is not None:
        brink = solve(commitment_game("brinkmanship", protocol), atol=atol,
                      breakdown_risk=breakdown_risk, **base)
        verdicts["brinkmanship"] = brink.outcome
    leaf = full.leaf_payoffs
    stay_margin = leaf["accept"]["R"] - leaf["exit"]["R"]
    gains = full.gains["root"]
    rel = {k: g - gains["accept"] for k, g in gains.items()}
    others = {k: rel[k] for k in ("accept", "invest", "exit")}
    fallback = max(others, key=lambda k: (others[k], -("accept", "invest", "exit").index(k)))
    threshold = None
    if full.outcome == "hold-up":
        h = full.values["holdup_cost"]
        benefit = rel["hold-up"] + h  # G_H + h > 0 here
        threshold = min(1.0, (h + max(0.0, others["invest"], others["exit"])) / benefit)
    else:
        fallback = full.outcome
    return CommitmentVerdicts(
        protocol=protocol,
        verdicts=verdicts,
        breakdown_risk=breakdown_risk,
        credible=bool(stay_margin < 0.0),
        stay_margin=float(stay_margin),
        risk_threshold=threshold,
        fallback=fallback,
    )


@dataclass(frozen=True)
class CommitmentComparison:
    """The outcome codes of the same parameter arrays under each commitment assumption.

    Attributes
    ----------
    protocol : str
    codes : dict of str to numpy.ndarray
        ``commitment -> outcome codes`` (0-3 as :class:`kzgame.Strategy`; 4 is
        brinkmanship's refused hold-up, ``'accept + exit'``).
    """

    protocol: str
    codes: dict[str, np.ndarray]

    def shares(self) -> dict[str, dict[str, float]]:
        """``commitment -> {outcome: fraction of points}`` (the four strategies)."""
        out = {}
        for k, c in self.codes.items():
            c = np.asarray(c).ravel()
            out[k] = {s.value: float(np.mean(c == s.code)) if c.size else 0.0 for s in Strategy}
        return out

    def survives(self, commitment: str, verdict: str = "hold-up") -> float:
        """Of the points where full commitment gives ``verdict``, the share that keep it.

        NaN where full commitment gives ``verdict`` nowhere.

        Examples
        --------
        >>> cmp = compare_commitments(share=0.5, outside_r=[0.3, 0.6], outside_e=0.0,
        ...     indispensability=0.9, survival=0.8, invest_cost=0.05)
        >>> cmp.survives("none")
        0.5
        """
        code = Strategy(verdict).code
        full = np.asarray(self.codes["full"]).ravel() == code
        if not full.any():
            return float("nan")
        kept = np.asarray(self.codes[commitment]).ravel() == code
        return float(np.mean(kept[full]))

    def to_pandas(self) -> Any:
        """One row per point, an outcome column per assumption, as a :class:`pandas.DataFrame`
        (:func:`kzgame.analysis.frames.commitment_frame`; needs the ``frames`` extra)."""
        from .frames import commitment_frame

        return commitment_frame(self)

    def to_xarray(self, dims: Any = None, coords: Any = None) -> Any:
        """The codes as a DataArray with a ``commitment`` dimension first, the others
        named ``dims`` with ``coords`` (:func:`kzgame.analysis.frames.commitment_xarray`).

        Examples
        --------
        >>> cmp = compare_commitments(share=0.5, outside_r=[0.3, 0.6], outside_e=0.0,
        ...     indispensability=0.9, survival=0.8, invest_cost=0.05)
        >>> da = cmp.to_xarray(dims=["outside_r"], coords={"outside_r": [0.3, 0.6]})
        >>> da.sel(commitment="none").values.tolist()
        [0, 2]
        """
        from .frames import commitment_xarray

        return commitment_xarray(self, dims, coords)


def compare_commitments(
    *,
    protocol: str = "nash",
    breakdown_risk: Any = None,
    atol: float = 0.0,
    backend: Backend = "auto",
    **params: Any,
) -> CommitmentComparison:
    """Classify parameter arrays under full commitment, no commitment and brinkmanship.

    Parameters
    ----------
    protocol : str, default "nash"
    breakdown_risk : float or array_like, optional
        pi; brinkmanship is classified only when it is given.
    atol, backend
        As for :func:`kzgame.classify`.
    **params
        The period game's parameters (and optionally ``exit_premium``), arrays
        broadcasting as in :func:`kzgame.classify`.

    Examples
    --------
    >>> cmp = compare_commitments(share=0.5, outside_r=[0.3, 0.6], outside_e=0.0,
    ...     indispensability=0.9, survival=0.8, invest_cost=0.05, breakdown_risk=0.5)
    >>> {k: v.tolist() for k, v in cmp.codes.items()}
    {'full': [2, 2], 'none': [0, 2], 'brinkmanship': [2, 2]}
    """
    get_protocol(protocol)
    codes = {
        k: classify(commitment_game(k, protocol), atol=atol, backend=backend, **params)
        for k in ("full", "none")
    }
    if breakdown_risk is not None:
        codes["brinkmanship"] = classify(commitment_game("brinkmanship", protocol), atol=atol,
                                         backend=backend, breakdown_risk=breakdown_risk,
                                         **params)
    return CommitmentComparison(protocol, codes)


def kpr_regions(commitment: str = "full", protocol: str = "nash") -> dict[str, OutcomeRegion]:
    """The exact region of each verdict (accept, invest, hold-up, exit), from the engine.

    The regions of :func:`kzgame.analysis.games.outcome_region` on
    :func:`~kzgame.games.commitment_game.commitment_game` (``commitment``,
    ``protocol``): KPR's cells are where their verdicts hold (:data:`KPR_CELLS`;
    exit lies outside the table).

    Examples
    --------
    >>> r = kpr_regions("none")
    >>> bool(r["hold-up"].func(share=0.5, outside_r=0.3, outside_e=0.0,
    ...      indispensability=0.9, survival=0.8, invest_cost=0.05))
    False
    """
    get_commitment(commitment)
    game = commitment_game(commitment, protocol)
    return {s.value: outcome_region(game, s.value) for s in Strategy}


def kpr_table_markdown() -> str:
    """The generated theory page: every verdict's exact region, per protocol and commitment.

    ``docs/theory/commitment-regions.md`` is this text; a test recomputes it.
    """
    import sympy as sp

    from ..game.registry import REGISTRY

    lines = [
        "# The KPR table under every protocol and commitment assumption",
        "",
        "*Generated by `kzgame.analysis.commitment.kpr_table_markdown()` from the engine's",
        "regions (`kzgame.analysis.games.outcome_region`); `tests/test_commitment_docs.py`",
        "recomputes it. Do not edit by hand.*",
        "",
        "KPR's cells are where their verdicts hold: both cells with unfavourable outside",
        "options predict **invest**, the favourable ones **hold-up** (R indispensable) and",
        "**accept** (R dispensable); **exit** lies outside the table. Each region below is",
        "the exact set of parameters where backward induction, with the tie rule, gives that",
        "verdict, written in the stakes $\\Delta_R = sV - o_R$, $\\Delta_E = (1 - s)V - o_E$",
        "and the game's parameters ("
        + ", ".join(f"${p.latex}$ {p.name}" for p in COMMITMENT_PARAMETERS.values())
        + f"; ${REGISTRY['power'].latex}$ is R's weight in the `nash` split, "
        "$\\delta_R, \\delta_E$ the `rubinstein` discount factors); $\\wedge$ is *and*,",
        "$\\vee$ is *or*. See",
        "[Commitment](commitment.md) for the games and the readable forms.",
        "",
    ]
    for protocol in PROTOCOLS:
        lines += [f"## Protocol `{protocol}`", ""]
        for commitment in COMMITMENTS:
            lines += [f"### Commitment `{commitment}`", ""]
            regions = kpr_regions(commitment, protocol)
            game = commitment_game(commitment, protocol)
            names = {p.symbol: p.latex for p in game.parameters.values()}
            names.update({d.symbol: d.latex for d in game.derived.values()})
            for verdict, region in regions.items():
                tex = sp.latex(region.in_derived, symbol_names=names)
                lines += [f"**{verdict}**:", "", "$$", tex, "$$", ""]
    return "\n".join(lines).rstrip() + "\n"
