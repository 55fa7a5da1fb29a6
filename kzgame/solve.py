"""Solving one period: the period game's subgame-perfect equilibrium, through the engine.

:func:`solve` takes a :class:`kzgame.Period` (the period game under a
protocol) or any :class:`kzgame.game.Game` (with its parameters as keywords).
Both run the engine's backward induction (:mod:`kzgame.game.induction`) on
the game's generated gains (:mod:`kzgame.numeric.codegen`), the same code
:func:`kzgame.classify` runs, so the two agree bit for bit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, overload

import numpy as np

from .game.induction import SubgamePerfect
from .game.tree import Game
from .games.period_game import get_protocol, period
from .numeric.point import solve_game
from .params import Period
from .strategy import Strategy

__all__ = ["Result", "solve"]


@dataclass(frozen=True)
class Result:
    """The solution of one period game (what :func:`solve` returns for a Period).

    Attributes
    ----------
    period : Period
        The parameters solved.
    protocol : str
        The bargaining protocol.
    strategy : Strategy
        R's subgame-perfect choice (the outcome's label).
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
        R's best gain minus its second best among the moves it could take
        with E's reply (a hold-up E refuses is not one): how far the period
        is from a switch of strategy (0 on a knife edge).
    equilibrium : SubgamePerfect
        The engine's result: the full profile, path, ties and gains.
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
    equilibrium: SubgamePerfect = field(repr=False, compare=False)

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
    def game(self) -> Game:
        """The period game solved (:func:`kzgame.games.period`)."""
        return self.equilibrium.game

    @cached_property
    def normal_form(self) -> tuple[np.ndarray, np.ndarray]:
        """The 4x2 bimatrix (R's payoffs, E's payoffs) in float64, from the game's tree.

        Rows: R's plans in tie order (accept, invest, hold-up, exit); columns:
        E's (concede, refuse).  The generic reduced normal form
        (:func:`kzgame.game.normal_form.reduced_normal_form`); exact Fractions
        with :func:`kzgame.equilibrium.normal_form` ``(..., exact=True)``.
        """
        from .game.normal_form import reduced_normal_form

        return reduced_normal_form(self.game, exact=False, **self.period.as_dict()).bimatrix()

    @cached_property
    def equilibria(self):
        """All Nash equilibria of the normal form, exactly, as connected components.

        A list of :class:`kzgame.game.nash.Component` (computed on the exact
        normal form): ``describe()``, ``vertices()`` (extreme equilibria as
        (R's mixed strategy, E's)), ``contains(sigma_r, sigma_e, tol)``,
        ``subgame_perfect``, ``equilibria`` (each extreme equilibrium with its
        own ``subgame_perfect`` flag) and ``subsets`` (maximal Nash subsets).
        """
        from .game.nash import equilibrium_components
        from .game.normal_form import reduced_normal_form

        nf = reduced_normal_form(self.game, exact=True, **self.period.as_dict())
        return equilibrium_components(nf)

    def nashpy(self, method: str = "support_enumeration") -> Any:
        """nashpy's equilibria of the float normal form and its warnings, a cross-check
        (see :func:`kzgame.equilibrium.nashpy_equilibria`)."""
        from .equilibrium import nashpy_equilibria

        return nashpy_equilibria(*self.normal_form, method=method)


@overload
def solve(period_or_game: Period, protocol: str = ..., *, atol: float = ...,
          **params: Any) -> Result: ...
@overload
def solve(period_or_game: Game, protocol: str = ..., *, atol: float = ...,
          **params: Any) -> SubgamePerfect: ...
def solve(
    period_or_game: Period | Game,
    protocol: str = "nash",
    *,
    atol: float = 0.0,
    **params: Any,
) -> Result | SubgamePerfect:
    """Solve a period, or any game of perfect information, by backward induction.

    At every decision node the mover takes the action with the largest
    expected payoff, compared as gains relative to a reference leaf (an
    affine normalization that changes no choice); ties go to the first
    action in the node's tie order.  In the period game: after a hold-up E
    concedes iff conceding leaves it no worse off than refusing (concede is
    listed first); R's tie order is accept, invest, hold-up, exit; a hold-up
    E refuses ends in the breakdown exit gives (its outcome is exit).

    Parameters
    ----------
    period_or_game : Period or Game
        The period's parameters, or a game built with :mod:`kzgame.game`.
    protocol : str, default "nash"
        The bargaining protocol (a key of :data:`kzgame.model.PROTOCOLS`),
        for a Period.
    atol : float, default 0.0
        Values within ``atol`` of a node's best count as tied.
    **params : float
        A game's parameter values (for a Game only).

    Returns
    -------
    Result or SubgamePerfect
        A :class:`Result` for a Period; the engine's
        :class:`~kzgame.game.induction.SubgamePerfect` for a Game.

    Raises
    ------
    ParameterError
        If the gains overflow float64 (parameters near 1e308), as
        :func:`kzgame.classify` does; for a game, on bad parameter values.
    GameError
        For a game with information sets of several nodes.

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

    Any game:

    >>> from kzgame.game import Game, decision, outcome
    >>> g = Game(decision("A", {"x": outcome(A="a", B=0), "y": outcome(A=1, B=1)}),
    ...          parameters={"a": "real"})
    >>> solve(g, a=2.0).outcome
    'x'
    """
    if isinstance(period_or_game, Game):
        if protocol != "nash":
            raise TypeError("protocol applies to a Period; a Game is solved as it is built")
        return solve_game(period_or_game, atol=atol, **params)
    if not isinstance(period_or_game, Period):
        raise TypeError(
            f"solve expects a kzgame.Period or a kzgame.game.Game, got "
            f"{type(period_or_game).__name__}"
        )
    if params:
        raise TypeError(f"unexpected keyword(s) {', '.join(params)}: a Period carries its values")
    p = period_or_game
    get_protocol(protocol)
    spe = solve_game(period(protocol), atol=atol, **p.as_dict())
    lg = spe.leaf_gains["root"]
    g_i, g_h, g_hr, g_x = lg["invest"], lg["hold-up/concede"], lg["hold-up/refuse"], lg["exit"]
    concedes = spe.choices["hold-up"] == "concede"
    candidates = sorted([0.0, g_i, g_x] + ([g_h] if concedes else []), reverse=True)
    pays = spe.leaf_payoffs
    return Result(
        period=p,
        protocol=protocol,
        strategy=Strategy(spe.outcome),
        e_concedes=concedes,
        payoff_r=spe.payoffs["R"],
        payoff_e=spe.payoffs["E"],
        stake_r=p.stake_r,
        stake_e=p.stake_e,
        gain_invest=g_i,
        gain_holdup=g_h,
        gain_holdup_realized=g_h if concedes else g_hr,
        gain_exit=g_x,
        concession=pays["accept"]["E"] - pays["hold-up/concede"]["E"],
        margin=candidates[0] - candidates[1],
        equilibrium=spe,
    )
