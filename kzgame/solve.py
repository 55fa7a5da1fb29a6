"""Solving one period: backward induction for the subgame-perfect equilibrium."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from .classify import choose
from .equilibrium import (
    EquilibriumComponent,
    equilibrium_set,
    nashpy_equilibria,
    normal_form,
)
from .model import NUMERIC_ARGS, R_MOVES, get_protocol, numeric_gains
from .params import ParameterError, Period
from .strategy import Strategy

__all__ = ["Result", "solve"]


@dataclass(frozen=True)
class Result:
    """The solution of one period game (what :func:`solve` returns).

    Attributes
    ----------
    period : Period
        The parameters solved.
    protocol : str
        The bargaining protocol.
    strategy : Strategy
        R's subgame-perfect choice.
    e_concedes : bool
        E's subgame-perfect reply to a hold-up (True: concede).
    payoff_r, payoff_e : float
        Both players' payoffs on the subgame-perfect path.
    stake_r, stake_e : float
        Delta_R = sV - o_R and Delta_E = (1 - s)V - o_E.
    gain_invest, gain_holdup, gain_exit : float
        G_I, G_H, G_X: R's payoff from invest, from a hold-up E concedes to,
        and from exit, minus its payoff from accept (MODEL.md).
    gain_holdup_realized : float
        R's gain from a hold-up given E's subgame-perfect reply (equal to
        ``gain_holdup`` when E concedes).
    concession : float
        What E gives up under a conceded hold-up, u_E(A) - u_E(H, concede)
        (the transfer to R, before R's hold-up cost).
    margin : float
        R's best gain minus its second best: how far the period is from a
        switch of strategy (0 on a knife edge).
    """

    period: Period
    protocol: str
    strategy: Strategy
    e_concedes: bool
    payoff_r: float
    payoff_e: float
    stake_r: float
    stake_e: float
    gain_invest: float
    gain_holdup: float
    gain_holdup_realized: float
    gain_exit: float
    concession: float
    margin: float
    _table: tuple[np.ndarray, np.ndarray] = field(repr=False, compare=False)

    @property
    def gains(self) -> dict[Strategy, float]:
        """R's gain relative to accept of each strategy (hold-up as E replies)."""
        return {
            Strategy.ACCEPT: 0.0,
            Strategy.INVEST: self.gain_invest,
            Strategy.HOLD_UP: self.gain_holdup_realized,
            Strategy.EXIT: self.gain_exit,
        }

    @property
    def normal_form(self) -> tuple[np.ndarray, np.ndarray]:
        """The 4x2 bimatrix (R's payoffs, E's payoffs), as from
        :func:`kzgame.equilibrium.normal_form`."""
        return self._table

    @cached_property
    def equilibria(self) -> list[EquilibriumComponent]:
        """All Nash equilibria of the normal form, as connected components."""
        return equilibrium_set(*self._table)

    def nashpy(self, method: str = "support_enumeration"):
        """nashpy's equilibria of the normal form and its warnings
        (see :func:`kzgame.equilibrium.nashpy_equilibria`)."""
        return nashpy_equilibria(*self._table, method=method)


def solve(period: Period, protocol: str = "nash") -> Result:
    """Solve one period: the subgame-perfect equilibrium and the normal form's equilibria.

    Backward induction on the extensive form: after a hold-up E concedes iff
    conceding leaves it no worse off than refusing (on a tie E concedes);
    then R takes the move with the largest payoff.  Payoffs are compared as
    gains relative to accept (R) and relative to refusal (E), an affine
    normalization that changes no choice.  Ties go to the first of accept,
    invest, hold-up, exit; a hold-up E would refuse is never chosen (it ends
    in the breakdown exit gives, at a cost h >= 0).

    Parameters
    ----------
    period : Period
        The parameters of the period.
    protocol : str, default "nash"
        The bargaining protocol (a key of :data:`kzgame.model.PROTOCOLS`).

    Returns
    -------
    Result

    Raises
    ------
    ParameterError
        If the gains overflow float64 (parameters near 1e308), as
        :func:`kzgame.classify` does.

    Examples
    --------
    >>> p = Period(share=0.5, outside_r=0.0, outside_e=0.0,
    ...            indispensability=0.9, survival=0.8, invest_cost=0.05)
    >>> r = solve(p)
    >>> r.strategy
    <Strategy.INVEST: 'invest'>
    >>> round(r.gain_invest, 6), round(r.gain_holdup, 6)
    (0.05, -0.02)
    >>> solve(p.replace(outside_r=0.45)).strategy.value
    'hold-up'
    """
    if not isinstance(period, Period):
        raise TypeError(f"solve expects a kzgame.Period, got {type(period).__name__}")
    get_protocol(protocol)
    values = {"stake_r": period.stake_r, "stake_e": period.stake_e, **period.as_dict()}
    with np.errstate(over="ignore", invalid="ignore"):
        gains = [float(x) for x in numeric_gains(protocol)(*(values[k] for k in NUMERIC_ARGS))]
    if not all(math.isfinite(g) for g in gains):
        raise ParameterError(
            f"the gains overflow float64 ({period}): the parameters are too large in "
            "magnitude; rescale them (for instance to surplus = 1)"
        )
    g_i, g_h, g_hr, g_x, concede_margin = gains
    concedes = concede_margin >= 0
    strategy = Strategy.from_code(int(choose(g_i, g_h, g_x, concedes)))
    g_h_real = g_h if concedes else g_hr
    candidates = sorted([0.0, g_i, g_x] + ([g_h] if concedes else []), reverse=True)
    A, B = normal_form(period, protocol)
    row = R_MOVES.index(strategy.value)
    col = 0 if concedes else 1
    hold = R_MOVES.index("hold-up")
    acc = R_MOVES.index("accept")
    return Result(
        period=period,
        protocol=protocol,
        strategy=strategy,
        e_concedes=bool(concedes),
        payoff_r=float(A[row, col]),
        payoff_e=float(B[row, col]),
        stake_r=period.stake_r,
        stake_e=period.stake_e,
        gain_invest=g_i,
        gain_holdup=g_h,
        gain_holdup_realized=g_h_real,
        gain_exit=g_x,
        concession=float(B[acc, 0] - B[hold, 0]),
        margin=candidates[0] - candidates[1],
        _table=(A, B),
    )
