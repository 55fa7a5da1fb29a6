"""The period game's named gains (G_I, G_H, G_X, E's concession margin) from the engine.

A view of the period game's generated gains
(:func:`kzgame.numeric.codegen.gains_function` of
:func:`kzgame.games.period`) under the names the period's analyses use.  No
formula is written here: each name is the gain of one leaf of the tree,
read by its path (the benchmarks' "numpy as first written" baseline reads it).

Examples
--------
>>> f = numpy_gains("nash")
>>> ins = gains_code("nash").inputs
>>> values = dict(surplus=1.0, share=0.5, outside_r=0.25, outside_e=0.0, indispensability=1.0,
...               survival=0.5, invest_cost=0.0, power=0.5, holdup_cost=0.0)
>>> [float(g) for g in f(*(values[k] for k in ins))]
[0.125, 0.0625, -0.125, 0.1875]
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from ..games.period_game import get_protocol, period
from .codegen import gains_code as game_gains_code
from .codegen import gains_function

__all__ = ["GAIN_NAMES", "PeriodGains", "gains_code", "numpy_gains"]

#: The names, and the leaf (path) whose gain each is: R's gains relative to accept at the
#: root; E's concession margin is minus E's gain from refusing (relative to conceding).
GAIN_NAMES: dict[str, str] = {
    "g_invest": "invest",
    "g_holdup": "hold-up/concede",
    "g_exit": "exit",
    "margin": "hold-up/refuse",
}


@dataclass(frozen=True)
class PeriodGains:
    """The inputs of :func:`numpy_gains` (the parameters the protocol's gains use)."""

    protocol: str
    inputs: tuple[str, ...]


@cache
def gains_code(protocol: str = "nash") -> PeriodGains:
    """The parameters :func:`numpy_gains` takes, in order."""
    get_protocol(protocol)
    return PeriodGains(protocol, game_gains_code(period(protocol)).inputs)


@cache
def numpy_gains(protocol: str = "nash") -> Callable:
    """``f(*inputs) -> (g_invest, g_holdup, g_exit, margin)`` on floats or NumPy arrays."""
    game = period(protocol)
    code = game_gains_code(game)
    fn = gains_function(game)
    root, reply = game.node("root").index, game.node("hold-up").index
    pick = [
        code.outputs.index(code.gains[(root if name != "margin" else reply, game.node(path).index)])
        for name, path in GAIN_NAMES.items()
    ]

    def gains(*args):
        out = fn(*args)
        g_i, g_h, g_x, refuse = (out[i] for i in pick)
        return g_i, g_h, g_x, -refuse

    return gains
