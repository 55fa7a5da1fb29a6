"""E's counter-moves: what E does before the members choose.

Yuneman closes with Russia's options (seed 000 lines 132-134): concede, and
face "demands for similar concessions from other EAEU members"; dilute
Kazakhstan's indispensability by admitting members "comparable with
Kazakhstan in importance"; or deepen integration so that non-participation
costs the members more. Before the members move, E picks one move, in this
**tie order** (E takes the first of equally good moves):

``nothing``
    The members' game as it is (:mod:`kzgame.members.vectorized`).
``dilute``
    Admit new members: every member's indispensability falls,
    iota_j -> (1 - d) iota_j, with d = ``dilution`` in [0, 1]; E pays
    ``dilution_cost`` >= 0.
``deepen``
    Deepen integration: every member's outside option falls by
    g = ``deepening`` >= 0, so Delta_R,j rises by g; E pays
    ``deepening_cost`` >= 0.
``offer``
    A pre-emptive multilateral offer: every member is offered, if it stays
    (accepts or invests), t_j = max(0, G_H,j - max(0, G_I,j)), what a
    conceded hold-up would add to its best staying move. No member then
    gains by a hold-up (a member indifferent between the offer and a hold-up
    takes the offer). Every member gets its terms at once, so none is left
    to claim a precedent: no precedent cost. E pays the transfers to the
    members that stay and ``offer_cost`` >= 0.

E's payoff from a move is its payoff on the members' selected path
(precedent cost included) minus the move's cost. The move's **cost
threshold** is its gross value over doing nothing: E prefers the move to
nothing iff its cost is below the threshold (strictly, by the tie order).

Examples
--------
>>> j = dict(share=0.5, outside_r=0.45, outside_e=-0.1, indispensability=0.9,
...          survival=0.8, invest_cost=0.1, power=0.35, holdup_cost=0.01)
>>> costs = dict(dilution=0.5, dilution_cost=0.01, deepening=0.1, deepening_cost=0.5,
...              offer_cost=0.5)
>>> r = best_counter_move({"J": j}, 0.0, **costs)
>>> r.move(), r.strategies()
('dilute', {'J': 'hold-up'})
>>> best_counter_move({"J": j}, 0.0, **{**costs, "dilution_cost": 0.5}).move()
'nothing'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import ParameterError
from ..game.registry import Parameter, make_domain
from .compiled import NUMBA_AVAILABLE, counter_move_kernel
from .contagion import (
    ACCEPT,
    EXIT,
    INVEST,
    STRATEGIES,
    bilateral,
    check_contagion,
    member_values,
)
from .vectorized import SELECTIONS, MembersSolution, solve_arrays

__all__ = [
    "COUNTER_PARAMETERS",
    "MOVES",
    "CounterMoveResult",
    "best_counter_move",
    "check_costs",
    "moved_values",
    "offer_outcome",
]

#: E's counter-moves, in tie order (the index is the code).
MOVES: tuple[str, ...] = ("nothing", "dilute", "deepen", "offer")

#: The counter-moves' parameters (strengths and costs) with their domains.
COUNTER_PARAMETERS: dict[str, Parameter] = {
    p.name: p
    for p in (
        Parameter("dilution", make_domain("unit"), 0.0, "d",
                  "share of every member's indispensability removed by admitting new members"),
        Parameter("dilution_cost", make_domain("nonnegative"), 0.0, "k_D",
                  "E's cost of admitting new members"),
        Parameter("deepening", make_domain("nonnegative"), 0.0, "g",
                  "rise of every member's stake Delta_R (fall of o_R) from deeper integration"),
        Parameter("deepening_cost", make_domain("nonnegative"), 0.0, "k_G",
                  "E's cost of deepening integration"),
        Parameter("offer_cost", make_domain("nonnegative"), 0.0, "k_O",
                  "E's fixed cost of a pre-emptive multilateral offer (besides the transfers)"),
    )
}  # fmt: skip


def check_costs(**costs: Any) -> dict[str, np.ndarray]:
    """The counter-move parameters as float arrays, defaults filled in, domains checked.

    Examples
    --------
    >>> check_costs(dilution_cost=-1.0)
    Traceback (most recent call last):
    ...
    kzgame.errors.ParameterError: dilution_cost = -1.0 is outside the allowed range [0, inf)
    """
    unknown = sorted(set(costs) - set(COUNTER_PARAMETERS))
    if unknown:
        raise ParameterError(f"unknown counter-move parameter(s) {', '.join(unknown)}; known: "
                             f"{', '.join(COUNTER_PARAMETERS)}")
    return {k: p.check(costs.get(k, p.default)) for k, p in COUNTER_PARAMETERS.items()}


def moved_values(values: Mapping[str, np.ndarray], move: str,
                 costs: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The members' parameters after ``dilute`` or ``deepen`` (others: unchanged)."""
    out = dict(values)
    if move == "dilute":
        out["indispensability"] = values["indispensability"] * (
            1.0 - np.asarray(costs["dilution"])[..., None])
    elif move == "deepen":
        out["outside_r"] = values["outside_r"] - np.asarray(costs["deepening"])[..., None]
    elif move not in MOVES:
        raise ParameterError(f"unknown counter-move {move!r}; moves: {', '.join(MOVES)}")
    return out


def offer_outcome(values: Mapping[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Under the offer: each member's code, E's payoff from it, and the transfer t_j."""
    b = bilateral(values)
    stay_gain = np.maximum(0.0, b.gain_invest)
    t = np.maximum(0.0, b.gain_holdup - stay_gain)
    codes = np.where(b.gain_exit > stay_gain + t, EXIT,
                     np.where(b.gain_invest > 0, INVEST, ACCEPT)).astype(np.int8)
    pay = b.payoff_e
    e = np.select([codes == ACCEPT, codes == INVEST], [pay["accept"] - t, pay["invest"] - t],
                  pay["exit"])
    return codes, e, np.where(codes == EXIT, 0.0, t)


@dataclass(frozen=True)
class CounterMoveResult:
    """E's optimal counter-move at every point.

    Attributes
    ----------
    names : tuple of str
    codes : ndarray of int (...)
        The optimal move's index in :data:`MOVES`.
    payoffs : ndarray (..., 4)
        E's payoff from each move, net of its cost.
    gross : ndarray (..., 4)
        The same before the cost.
    thresholds : ndarray (..., 4)
        Each move's cost threshold: its gross value minus nothing's (0 for
        nothing). E prefers the move to nothing iff its cost is below.
    member_codes : ndarray of int8 (..., n)
        The members' strategies after E's optimal move.
    solutions : dict of str to MembersSolution
        The members' game after ``nothing``, ``dilute`` and ``deepen``
        (empty from the numba backend).
    """

    names: tuple[str, ...]
    codes: np.ndarray
    payoffs: np.ndarray
    gross: np.ndarray
    thresholds: np.ndarray
    member_codes: np.ndarray
    solutions: dict[str, MembersSolution]

    def move(self, index: Any = ()) -> str:
        """The optimal move at one point."""
        return MOVES[int(self.codes[index])]

    def strategies(self, index: Any = ()) -> dict[str, str]:
        """The members' strategies after the optimal move, at one point."""
        row = self.member_codes[index]
        return {n: STRATEGIES[int(c)] for n, c in zip(self.names, row, strict=True)}

    def to_pandas(self, table: str = "moves") -> Any:
        """One row per point and move (``table="moves"``: payoffs, thresholds, the optimal
        one) or per point and member (``"members"``: the strategies after the optimal
        move) as a :class:`pandas.DataFrame`
        (:func:`kzgame.analysis.frames.counter_moves_frame`; needs the ``frames`` extra)."""
        from ..analysis.frames import counter_moves_frame

        return counter_moves_frame(self, table)

    def to_xarray(self, dims: Any = None, coords: Any = None) -> Any:
        """The result as an :class:`xarray.Dataset` over the points (dimensions ``dims``,
        ``coords``), ``move`` and ``member``
        (:func:`kzgame.analysis.frames.counter_moves_xarray`)."""
        from ..analysis.frames import counter_moves_xarray

        return counter_moves_xarray(self, dims, coords)


def best_counter_move(
    members: Mapping[str, Mapping[str, Any]],
    contagion: Any = 0.0,
    *,
    selection: str = "united",
    backend: str = "auto",
    **costs: Any,
) -> CounterMoveResult:
    """E's optimal counter-move, vectorized over broadcast parameter arrays.

    Parameters
    ----------
    members : mapping of str to mapping
        Member name -> period parameters (arrays broadcast).
    contagion : array_like, default 0.0
        kappa in [0, 1].
    selection : {"united", "none"}
        The members' equilibrium after each move (see
        :mod:`kzgame.members.vectorized`).
    backend : {"auto", "numba", "numpy"}, default "auto"
        ``numba``: one compiled loop (:mod:`kzgame.members.compiled`, the
        ``fast`` extra); ``numpy``: array operations, which also return the
        members' solutions after each move; ``auto``: numba if installed.
    **costs : array_like
        ``dilution``, ``dilution_cost``, ``deepening``, ``deepening_cost``,
        ``offer_cost`` (:data:`COUNTER_PARAMETERS`; default 0).

    Returns
    -------
    CounterMoveResult

    Raises
    ------
    ParameterError
        On any parameter outside its domain (naming it, and the member).
    """
    kappa = check_contagion(contagion)
    cost = check_costs(**costs)
    if backend not in ("auto", "numba", "numpy"):
        raise ParameterError(f"backend {backend!r}: choose auto, numba or numpy")
    if selection not in SELECTIONS:
        raise ParameterError(f"selection {selection!r}: choose one of {', '.join(SELECTIONS)}")
    if backend == "numba" and not NUMBA_AVAILABLE:
        raise ParameterError("backend 'numba' needs numba (pip install 'kzgame[fast]')")
    names = tuple(members)
    compiled = backend == "numba" or (backend == "auto" and NUMBA_AVAILABLE)
    values = member_values(members, member_major=compiled,
                           shape=np.broadcast_shapes(kappa.shape, *(c.shape for c in
                                                                    cost.values())))
    shape = next(iter(values.values())).shape[1:] if compiled else \
        next(iter(values.values())).shape[:-1]
    kappa = np.broadcast_to(kappa, shape)
    cost = {k: np.broadcast_to(v, shape) for k, v in cost.items()}
    if compiled:
        return _compiled(values, kappa, cost, shape, names, selection)
    sols = {m: solve_arrays(bilateral(moved_values(values, m, cost)), kappa, names, selection)
            for m in ("nothing", "dilute", "deepen")}
    offer_codes, offer_e, _ = offer_outcome(values)
    gross = np.stack([sols["nothing"].payoff_e, sols["dilute"].payoff_e,
                      sols["deepen"].payoff_e, offer_e.sum(axis=-1)], axis=-1)
    fees = np.stack([np.zeros(shape), cost["dilution_cost"], cost["deepening_cost"],
                     cost["offer_cost"]], axis=-1)
    net = gross - fees
    codes = np.argmax(net, axis=-1)  # first maximum: the tie order
    member_codes = np.select(
        [codes[..., None] == 0, codes[..., None] == 1, codes[..., None] == 2],
        [sols["nothing"].codes, sols["dilute"].codes, sols["deepen"].codes], offer_codes,
    ).astype(np.int8)
    return CounterMoveResult(names, codes, net, gross, gross - gross[..., :1], member_codes, sols)


def _compiled(values: Mapping[str, np.ndarray], kappa: np.ndarray,
              cost: Mapping[str, np.ndarray], shape: tuple[int, ...], names: tuple[str, ...],
              selection: str) -> CounterMoveResult:
    n = len(names)
    flat = [np.ascontiguousarray(np.reshape(values[k], (n, -1)), dtype=np.float64)
            for k in ("surplus", "share", "outside_r", "outside_e", "indispensability",
                      "survival", "invest_cost", "power", "holdup_cost")]
    size = flat[0].shape[1]
    per = [np.ascontiguousarray(np.reshape(a, -1), dtype=np.float64) for a in
           (kappa, cost["dilution"], cost["dilution_cost"], cost["deepening"],
            cost["deepening_cost"], cost["offer_cost"])]
    codes = np.zeros(size, dtype=np.int64)
    net = np.empty((size, 4))
    member_codes = np.empty((size, n), dtype=np.int8)
    counter_move_kernel()(*flat, *per, selection == "united", codes, net, member_codes)
    fees = np.stack([np.zeros(size), per[2], per[4], per[5]], axis=-1)
    gross = net + fees
    return CounterMoveResult(
        names, codes.reshape(shape), net.reshape(shape + (4,)), gross.reshape(shape + (4,)),
        (gross - gross[:, :1]).reshape(shape + (4,)), member_codes.reshape(shape + (n,)), {},
    )
