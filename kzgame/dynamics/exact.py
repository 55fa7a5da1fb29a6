"""Exact results: a short dynamic game written out as one tree and solved by the engine.

:func:`dynamic_tree` builds the T-step game from a state as an extensive
form on :mod:`kzgame.game`: R's move and E's reply each step, chance nodes
for the regime's survival, leaves that carry the discounted sum of the
period payoffs along the way plus the absorbing values after a collapse or
R's exit.  With ``grid=None`` the states move exactly by the law of motion
(the true game); with a :class:`~kzgame.dynamics.state.StateGrid` each move
to a state between grid points is a lottery over the neighbouring grid
points with the bilinear weights (the discretized game the grid solver
solves, exactly).  :func:`solve_tree` solves it by the engine's backward
induction (:func:`kzgame.solve`): the independent check of
:func:`kzgame.dynamics.solve_finite` for T = 2, 3 on a coarse grid.

Examples
--------
>>> from kzgame.dynamics import ParameterPath, Dynamics
>>> path = ParameterPath.constant({"share": 0.5, "outside_r": 0.35, "outside_e": -0.1,
...                                "indispensability": 0.8, "survival": 0.8,
...                                "invest_cost": 0.15, "power": 0.35,
...                                "holdup_cost": 0.05}, 2)
>>> spe = solve_tree(path, Dynamics(ratchet=1.0), share=0.5)
>>> spe.choices["root"], spe.choices["hold-up"]
('hold-up', 'concede')
"""

from __future__ import annotations

from typing import Any

import numpy as np
import sympy as sp

from ..errors import ParameterError
from ..game.induction import SubgamePerfect
from ..game.tree import MAX_NODES, Game, Node, chance, decision, outcome
from ..numeric.point import solve_game
from .bellman import as_points, flows
from .path import ParameterPath
from .state import Dynamics, StateGrid, concession_share, next_share

__all__ = ["dynamic_tree", "solve_tree"]


def _prob(p: float) -> sp.Rational:
    return sp.Rational(float(p))


def _lottery(branches: list[tuple[str, float, Node | None]]) -> Node:
    """A chance node over the branches with positive probability (exact rationals)."""
    live = [(n, p, t) for n, p, t in branches if p > 0.0 and t is not None]
    if len(live) == 1:
        return live[0][2]
    probs = [_prob(p) for _, p, _ in live[:-1]]
    probs.append(1 - sum(probs, sp.Integer(0)))
    return chance({n: (pr, t) for (n, _, t), pr in zip(live, probs, strict=True)})


def dynamic_tree(path: ParameterPath, dynamics: Dynamics | None = None, *, share: float,
                 stock: float = 0.0, T: int | None = None, protocol: str = "nash",
                 grid: StateGrid | None = None) -> Game:
    """The T-step dynamic game from ``(share, stock)`` as one engine tree.

    Parameters
    ----------
    path : ParameterPath
        One parameter point.
    dynamics : Dynamics, optional
    share, stock : float
        The initial state.
    T : int, optional
        Steps (default: the path's length).  The game ends after step T.
    protocol : str
    grid : StateGrid, optional
        Move to grid points by lotteries (the discretized game).

    Raises
    ------
    ParameterError
        A path of several points, a state outside [0, 1], or a tree larger
        than the engine's node limit.
    """
    dyn = dynamics or Dynamics()
    if T is not None:
        path = path.head(T)
    if path.points:
        raise ParameterError("dynamic_tree needs a path of one parameter point")
    for name, v in (("share", share), ("stock", stock)):
        if not 0.0 <= float(v) <= 1.0:
            raise ParameterError(f"{name} = {v!r} is outside the allowed range [0, 1]")
    steps = path.T
    th = [{n: float(v) for n, v in path.at(t).items()} for t in range(steps)]
    dr, de = dyn.delta_r, dyn.delta_e
    # absorbing continuations from step t on (discounted to step t)
    coll_r = np.zeros(steps + 1)
    coll_e = np.zeros(steps + 1)
    for t in range(steps - 1, -1, -1):
        coll_r[t] = th[t]["outside_r"] + dr * coll_r[t + 1]
        coll_e[t] = th[t]["outside_e"] + de * coll_e[t + 1]

    def exit_e(t: int, s: float) -> float:
        """E's value from step t on after R's exit at share s."""
        total, g = 0.0, 1.0
        for u in range(t, steps):
            p = th[u]
            qb, iota = p["survival"], p["indispensability"]
            d = (1 - iota) * (qb * (1 - s) * p["surplus"] + (1 - qb) * p["outside_e"]) \
                + iota * p["outside_e"]
            total += g * d
            g *= de
        return total

    count = [0]

    def leaf(r: float, e: float, label: str) -> Node:
        count[0] += 1
        return outcome(R=float(r), E=float(e), label=label)

    def node(t: int, s: float, k: float, acc: tuple[float, float], label: str | None) -> Node:
        count[0] += 1
        if count[0] > MAX_NODES:
            raise ParameterError(f"the tree has more than {MAX_NODES:,} nodes; use fewer steps "
                                 "or a coarser grid")
        p = as_points(th[t])
        f = {n: float(np.asarray(v).ravel()[0]) for n, v in flows(p, s, k, protocol).items()}
        gr, ge = dr ** t, de ** t
        last = t == steps - 1

        def add(ur: float, ue: float) -> tuple[float, float]:
            return acc[0] + gr * ur, acc[1] + ge * ue

        def lab(own: str) -> str:
            return label if label is not None else own

        def after_collapse(a: tuple[float, float], lb: str) -> Node:
            return leaf(a[0] + gr * dr * coll_r[t + 1], a[1] + ge * de * coll_e[t + 1], lb)

        def move(s1: float, k1: float, a: tuple[float, float], lb: str) -> Node:
            if grid is None:
                return node(t + 1, s1, k1, a, lb)
            i_arr, fs_arr = grid.locate(0, np.array(s1))
            j_arr, fk_arr = grid.locate(1, np.array(k1))
            i, j, fs, fk = int(i_arr), int(j_arr), float(fs_arr), float(fk_arr)
            corners = []
            for di, ws in ((0, 1 - fs), (1, fs)):
                for dj, wk in ((0, 1 - fk), (1, fk)):
                    si, kj = grid.shares[i + di], grid.stocks[j + dj]
                    corners.append((f"s={si:.6g},k={kj:.6g}", ws * wk,
                                    None if ws * wk <= 0 else (si, kj)))
            return _lottery([(n, w, node(t + 1, float(st[0]), float(st[1]), a, lb))
                             for n, w, st in corners if st is not None])

        def survive(s1: float, k1: float, a: tuple[float, float], lb: str) -> Node:
            if last:
                return leaf(*a, lb)
            q = f["q"]
            return _lottery([("survives", q, move(s1, k1, a, lb) if q > 0 else None),
                             ("collapses", 1 - q, after_collapse(a, lb) if q < 1 else None)])

        kap = dyn.durability
        # accept
        a_acc = add(f["u_ra"], f["u_ea"])
        accept = survive(s, kap * k, a_acc, lab("accept"))
        invest_acc = add(f["u_ri"], f["u_ei"])
        invest = leaf(*invest_acc, lab("invest")) if last else move(s, kap, invest_acc,
                                                                     lab("invest"))
        s_h = float(concession_share(s, surplus=f["V"], outside_r=f["oR"], outside_e=f["oE"],
                                     indispensability=f["iota"], power=f["beta"]))
        s1 = float(next_share(s, s_h, dyn.ratchet))
        feasible = f["agree_e"] >= f["d_e"]
        if not last and dyn.ratchet > 0 and feasible and not -1e-12 <= s1 <= 1 + 1e-12:
            raise ParameterError(f"the ratchet takes the status quo share out of [0, 1]: from "
                                 f"share {s:g} to {s1:.6g}")
        s1 = min(max(s1, 0.0), 1.0)
        conc_acc = add(f["agree_r"], f["agree_e"])
        concede = survive(s1, kap * k, conc_acc, lab("hold-up"))
        ex_r = 0.0 if last else gr * dr * coll_r[t + 1]
        ex_e = 0.0 if last else ge * de * exit_e(t + 1, s)
        refuse = leaf(acc[0] + gr * (f["oR"] - f["h"]) + ex_r, acc[1] + ge * f["d_e"] + ex_e,
                      lab("exit"))
        exit_ = leaf(acc[0] + gr * f["oR"] + ex_r, acc[1] + ge * f["d_e"] + ex_e, lab("exit"))
        return decision("R", {"accept": accept, "invest": invest,
                              "hold-up": decision("E", {"concede": concede, "refuse": refuse}),
                              "exit": exit_})

    root = node(0, float(share), float(stock), (0.0, 0.0), None)
    return Game(root, players=("R", "E"), title=f"dynamic game, {steps} step(s)")


def solve_tree(path: ParameterPath, dynamics: Dynamics | None = None, *, share: float,
               stock: float = 0.0, T: int | None = None, protocol: str = "nash",
               grid: StateGrid | None = None, atol: float = 0.0, **_: Any) -> SubgamePerfect:
    """The engine's subgame-perfect equilibrium of :func:`dynamic_tree` (same arguments).

    ``choices["root"]`` is R's first move, ``choices["hold-up"]`` E's reply to
    a first-step hold-up, ``payoffs`` the players' values of the initial state.
    """
    game = dynamic_tree(path, dynamics, share=share, stock=stock, T=T, protocol=protocol,
                        grid=grid)
    return solve_game(game, atol=atol)
