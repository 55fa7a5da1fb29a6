"""The period game's regions: where R chooses each strategy, as a sympy condition.

The conditions compare the engine's gains of the period game (R's at the
root node, E's concession at the node ``hold-up``; :func:`kzgame.analysis.boundaries.gain`)
with the tie rule: a strategy beats the ones after it in the tie order on a
tie and loses to the ones before it; a hold-up is chosen only where E
concedes.  For any other game, ``region(game, outcome)`` is
:func:`kzgame.analysis.games.outcome_region`.

Examples
--------
>>> r = region("exit")
>>> r.in_stakes.args[0]
-stake_r*survival > 0
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any

import numpy as np
import sympy as sp

from ..errors import KzgameError
from ..game.registry import REGISTRY
from ..game.tree import Game
from ..games.period_game import get_protocol
from ..model import latex as latex_of
from ..strategy import Strategy
from .boundaries import STRATEGIES, gain, to_parameters
from .values import gather

__all__ = ["Region", "region"]

SYMBOLS = {k: p.symbol for k, p in REGISTRY.items()}
PARAMETERS = tuple(REGISTRY)


@dataclass(frozen=True)
class Region:
    """The set of parameters where R chooses one strategy, as a sympy condition.

    Attributes
    ----------
    strategy : str
    protocol : str
    condition : sympy.Boolean
        In the Period symbols.  It applies the tie rule (a strategy beats the
        ones after it in the tie order on a tie, and loses to the ones before
        it) and E's concession condition (a hold-up is chosen only where E
        concedes; a refused hold-up is never chosen).  The four regions
        partition the parameter space.
    in_stakes : sympy.Boolean
        The same condition written with the stakes Delta_R, Delta_E.
    """

    strategy: str
    protocol: str
    condition: sp.Boolean
    in_stakes: sp.Boolean

    @cached_property
    def latex(self) -> str:
        """LaTeX of :attr:`condition`."""
        return latex_of(self.condition)

    @cached_property
    def latex_stakes(self) -> str:
        """LaTeX of :attr:`in_stakes`."""
        return latex_of(self.in_stakes)

    @cached_property
    def _numeric(self):
        args = tuple(k for k in PARAMETERS if SYMBOLS[k] in self.condition.free_symbols)
        fn = sp.lambdify([SYMBOLS[k] for k in args], self.condition, modules="numpy", cse=True)
        return args, fn

    @cached_property
    def func(self) -> Callable[..., np.ndarray]:
        """The condition as a numpy function of keyword parameters: a bool array (broadcasting)."""
        args, fn = self._numeric

        def func(**params: Any) -> np.ndarray:
            values, shape = gather(params, args, REGISTRY)
            with np.errstate(all="ignore"):
                out = np.asarray(fn(*values), dtype=bool)
            return out if out.shape == shape else np.broadcast_to(out, shape).copy()

        func.__name__ = f"in_{self.strategy.replace('-', '_')}"
        return func

    def __str__(self) -> str:
        return f"{self.strategy} [{self.protocol}]: {self.in_stakes}"


def region(strategy: str | Strategy | Game, protocol: str = "nash") -> Any:
    """The region where R chooses ``strategy``, as a sympy condition.

    Parameters
    ----------
    strategy : str or Strategy
        ``accept``, ``invest``, ``hold-up`` or ``exit``.
    protocol : str, default "nash"

    Any game: ``region(game, outcome)`` is
    :func:`kzgame.analysis.games.outcome_region`.

    Returns
    -------
    Region

    Examples
    --------
    >>> r = region("invest")
    >>> type(r.in_stakes).__name__, len(r.in_stakes.args)  # beats accept, exit, a hold-up
    ('And', 3)
    >>> bool(r.func(share=0.5, outside_r=0.0, outside_e=0.0, indispensability=0.9,
    ...             survival=0.8, invest_cost=0.05))
    True
    """
    if isinstance(strategy, Game):
        from .games import outcome_region

        return outcome_region(strategy, protocol)
    get_protocol(protocol)
    try:
        name = Strategy(strategy).value
    except ValueError:
        raise KzgameError(
            f"unknown strategy {strategy!r}; strategies: {', '.join(STRATEGIES)}"
        ) from None
    return _region(name, protocol)


@cache
def _region(name: str, protocol: str) -> Region:
    g = {k: gain(protocol, k) for k in STRATEGIES}
    concedes = sp.Ge(gain(protocol, "concede"), 0)
    order = STRATEGIES.index(name)
    parts = []
    if name == "hold-up":
        parts.append(concedes)
    for other in STRATEGIES:
        if other == name:
            continue
        # on a tie the earlier strategy in the tie order wins
        beats = sp.Ge if order < STRATEGIES.index(other) else sp.Gt
        rel = beats(g[name], g[other])
        if other == "hold-up":
            rel = sp.Or(sp.Not(concedes), rel)
        parts.append(rel)
    in_stakes = sp.And(*parts)
    return Region(name, protocol, to_parameters(in_stakes), in_stakes)

