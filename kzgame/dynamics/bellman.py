"""One period of the dynamic game, solved at every state at once (the Bellman step).

Given next period's values (:class:`Next`), :func:`step` solves the period
game with continuation values at every state of a grid and every parameter
point, vectorized over arrays of shape ``(P, A, B)`` (points, shares,
stocks).  The rule is the period game's, with each leaf's payoff plus the
discounted value of the state it leads to (``docs/theory/dynamics.md``):

* accept: the flow ``u(A)``; the regime survives with probability q into
  ``(s, kappa k)``, else it has collapsed (outside options for ever);
* invest: ``u(I)``; the regime survives into ``(s, kappa)``;
* hold-up, conceded: the bargained flow minus h; survival q into
  ``(s', kappa k)`` with the ratchet's s'; refused: the breakdown, R out for
  ever (as exit);
* exit: R gets ``o_R`` for ever, E the regime without R (``d_E`` at the
  path's ``survival``) with the share frozen.

E concedes iff conceding is worth at least refusing (minus ``atol``; concede
first); R takes the first of accept, invest, hold-up, exit within ``atol`` of
its best: the period game's tie order.  Codes: 0 accept, 1 invest,
2 hold-up (conceded), 3 exit (or a refused hold-up: the same breakdown).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import ParameterError
from .state import Dynamics, StateGrid, concession_share, next_share

__all__ = ["PROTOCOLS", "Next", "StepResult", "as_points", "bargaining_weight", "exit_values",
           "flows", "step"]

#: The bargaining protocols the dynamic game supports (those with a weighted split).
PROTOCOLS: tuple[str, ...] = ("nash", "rubinstein", "ultimatum")


def bargaining_weight(protocol: str, th: dict[str, np.ndarray]) -> np.ndarray:
    """R's weight in the split under ``protocol`` (beta, Rubinstein's share, or 1).

    Raises
    ------
    ParameterError
        For ``outside-option`` or an unknown name: its split is not a weighted
        split, and the ratchet of docs/theory/dynamics.md is stated for weighted
        splits only.
    """
    if protocol == "nash":
        return np.asarray(th["power"], dtype=float)
    if protocol == "ultimatum":
        return np.ones_like(np.asarray(th["power"], dtype=float))
    if protocol == "rubinstein":
        dr, de = np.asarray(th["discount_r"]), np.asarray(th["discount_e"])
        return (1.0 - de) / (1.0 - dr * de)
    raise ParameterError(f"protocol {protocol!r} is not supported by the dynamic game; give one "
                         f"of {', '.join(PROTOCOLS)} (outside-option's split is not weighted, "
                         "and the ratchet is stated for weighted splits)")


@dataclass(frozen=True)
class Next:
    """Next period's values: on the grid, after a collapse, after R's exit.

    Attributes
    ----------
    w_r, w_e : ndarray, shape (P, n_share, n_stock)
        R's and E's values at each grid state (R still in, regime standing).
    omega_r, omega_e : ndarray, shape (P,)
        Values after a collapse: the outside options for ever (R's is also
        its value after its exit).
    exit_a, exit_b : ndarray, shape (P,)
        E's value after R's exit, ``exit_a + exit_b s`` (affine in the frozen share).
    """

    w_r: np.ndarray
    w_e: np.ndarray
    omega_r: np.ndarray
    omega_e: np.ndarray
    exit_a: np.ndarray
    exit_b: np.ndarray


def exit_values(th: dict[str, np.ndarray], dyn: Dynamics, nxt: Next | None
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """This period's absorbing values ``(omega_r, omega_e, exit_a, exit_b)`` from next period's.

    After a collapse both get their outside options; after R's exit E gets
    ``d_E = (1 - iota)(qbar (1 - s) V + (1 - qbar) o_E) + iota o_E`` each period
    (the regime without R, at the path's survival ``qbar``).
    """
    V, oR, oE = th["surplus"], th["outside_r"], th["outside_e"]
    iota, qbar = th["indispensability"], th["survival"]
    a = (1 - iota) * (qbar * V + (1 - qbar) * oE) + iota * oE
    b = -(1 - iota) * qbar * V
    if nxt is None:
        return oR * 1.0, oE * 1.0, a, b
    return (oR + dyn.delta_r * nxt.omega_r, oE + dyn.delta_e * nxt.omega_e,
            a + dyn.delta_e * nxt.exit_a, b + dyn.delta_e * nxt.exit_b)


@dataclass(frozen=True)
class StepResult:
    """The period's solution at each state: values, R's outcome, E's reply.

    Attributes
    ----------
    value_r, value_e : ndarray (P, A, B)
        The players' values of the state (this period's flow plus the
        discounted continuation).
    code : ndarray of int8 (P, A, B)
        R's outcome: 0 accept, 1 invest, 2 hold-up, 3 exit (or refused hold-up).
    concede : ndarray of bool (P, A, B)
        Whether E would concede to a hold-up (on or off the path).
    static_concede : ndarray of bool (P, A, B)
        Whether E would concede in the period game alone (gains from
        agreement not negative).
    actions_r : ndarray (4, P, A, B) or None
        R's value of accept, invest, hold-up (as E answers) and exit.
    next_share : ndarray (P, A, 1)
        The status quo a conceded hold-up leads to (not clipped).
    overshoot : tuple of float
        ``(distance, share, next share)``: the largest excursion of the next
        share out of [0, 1] where E could concede (0 if none), with
        ``on_domain="clip"``.
    """

    value_r: np.ndarray
    value_e: np.ndarray
    code: np.ndarray
    concede: np.ndarray
    static_concede: np.ndarray
    actions_r: np.ndarray | None
    next_share: np.ndarray
    overshoot: tuple[float, float, float] = (0.0, math.nan, math.nan)


def _interp_k(w: np.ndarray, kq: np.ndarray, grid: StateGrid) -> np.ndarray:
    """``w`` (P, n_share, n_stock) at stocks ``kq`` (P, 1, B): shape (P, n_share, B)."""
    i, f = grid.locate(1, kq)
    i = np.broadcast_to(i, (w.shape[0], w.shape[1], i.shape[2]))
    lo = np.take_along_axis(w, i, axis=2)
    hi = np.take_along_axis(w, i + 1, axis=2)
    return lo + f * (hi - lo)


def _interp_s(y: np.ndarray, sq: np.ndarray, grid: StateGrid) -> np.ndarray:
    """``y`` (P, n_share, B) at shares ``sq`` (P, A, 1 or B): shape (P, A, B)."""
    i, f = grid.locate(0, sq)
    shape = (y.shape[0], i.shape[1], y.shape[2])
    i = np.broadcast_to(i, shape)
    lo = np.take_along_axis(y, i, axis=1)
    hi = np.take_along_axis(y, i + 1, axis=1)
    return lo + f * (hi - lo)


def flows(th: dict[str, np.ndarray], s: Any, k: Any, protocol: str = "nash"
          ) -> dict[str, np.ndarray]:
    """The period game's payoffs at states ``(s, k)``: the flows of one period.

    Keys: ``u_ra, u_ea`` (accept), ``u_ri, u_ei`` (invest), ``agree_r, agree_e``
    (conceded hold-up, R's net of h), ``d_e`` (E's breakdown payoff; R's is
    ``oR`` or ``oR - h``), ``q`` (survival), ``gains`` (gains from agreement)
    and the parameters used (``V, oR, oE, iota, beta, h``).
    """
    V, oR, oE = th["surplus"], th["outside_r"], th["outside_e"]
    iota, qbar, c, h = (th[n] for n in ("indispensability", "survival", "invest_cost",
                                        "holdup_cost"))
    beta = bargaining_weight(protocol, th)
    q = qbar + k * (1.0 - qbar)
    u_ra = q * s * V + (1 - q) * oR
    u_ea = q * (1 - s) * V + (1 - q) * oE
    d_e = (1 - iota) * u_ea + iota * oE
    gains = u_ra + u_ea - oR - d_e
    return {"V": V, "oR": oR, "oE": oE, "iota": iota, "beta": beta, "h": h, "q": q,
            "u_ra": u_ra, "u_ea": u_ea, "d_e": d_e, "gains": gains,
            "agree_r": oR + beta * gains - h, "agree_e": d_e + (1 - beta) * gains,
            "u_ri": s * V - c + 0 * k, "u_ei": (1 - s) * V + 0 * k}


def step(th: dict[str, np.ndarray], dyn: Dynamics, grid: StateGrid, s: np.ndarray,
         k: np.ndarray, nxt: Next | None, *, protocol: str = "nash", atol: float = 0.0,
         on_grid: bool = False, keep_actions: bool = False, where: str = "",
         on_domain: str = "raise") -> StepResult:
    """Solve one period at states ``(s, k)`` given next period's values ``nxt``.

    Parameters
    ----------
    th : dict of str to ndarray
        The period's parameters, each of shape (P, 1, 1).
    dyn : Dynamics
    grid : StateGrid
        The grid ``nxt`` is defined on.
    s, k : ndarray
        States, shapes (1 or P, A, 1) and (1 or P, 1, B).
    nxt : Next or None
        Next period's values (None: the game ends after this period).
    protocol : str
        A key of :data:`PROTOCOLS`.
    atol : float
        Values within ``atol`` of the best count as tied.
    on_grid : bool
        Whether ``s`` are ``grid.shares`` (skips one interpolation).
    keep_actions : bool
        Keep R's value of each action.
    where : str
        The step's name, for error messages.
    on_domain : {"raise", "clip"}
        What to do where the ratchet takes the status quo out of [0, 1] at a
        state where E could concede: raise, or clip the next share to [0, 1]
        and report the largest excursion in :attr:`StepResult.overshoot`.

    Raises
    ------
    ParameterError
        If the ratchet takes a status quo out of [0, 1] at a state where E
        could concede (and a next period follows), naming the share, the value
        and the step.
    """
    f = flows(th, s, k, protocol)
    V, oR, oE, iota, beta = f["V"], f["oR"], f["oE"], f["iota"], f["beta"]
    q, u_ra, u_ea, d_e, agree_r, agree_e = (f[n] for n in ("q", "u_ra", "u_ea", "d_e",
                                                           "agree_r", "agree_e"))
    u_ri, u_ei, h = f["u_ri"], f["u_ei"], f["h"]
    s_h = concession_share(s, surplus=V, outside_r=oR, outside_e=oE, indispensability=iota,
                           power=beta)
    s1 = next_share(s, s_h, dyn.ratchet)
    feasible = agree_e >= d_e - atol
    overshoot = (0.0, math.nan, math.nan)
    if dyn.ratchet > 0 and nxt is not None:  # after the last step the share is not used
        out = np.where(feasible, np.maximum(s1 - 1.0, -s1), 0.0)
        if np.max(out) > 1e-12:
            idx = np.unravel_index(int(np.argmax(out)), out.shape)
            sv = float(np.broadcast_to(s, out.shape)[idx])
            v = float(np.broadcast_to(s1, out.shape)[idx])
            if on_domain == "raise":
                raise ParameterError(
                    f"the ratchet takes the status quo share out of [0, 1]{where}: from share "
                    f"{sv:g} a conceded hold-up leads to share {v:.6g} (ratchet = "
                    f"{dyn.ratchet:g}, parameter point {int(idx[0])}); lower the ratchet or the "
                    "outside options that push the bargained terms past the whole surplus")
            overshoot = (float(np.max(out)), sv, v)
    if nxt is None:
        zero = np.zeros(np.broadcast_shapes(u_ra.shape, agree_r.shape))
        a_r = a_e = i_r = i_e = c_r = c_e = zero
        om_r: Any = 0.0
        om_e: Any = 0.0
        x_e: Any = 0.0
    else:
        kap = dyn.durability
        ka = kap * k
        ka3 = np.broadcast_to(ka, (nxt.w_r.shape[0], 1, np.shape(ka)[-1]))
        y_r, y_e = _interp_k(nxt.w_r, ka3, grid), _interp_k(nxt.w_e, ka3, grid)
        kin = np.full((nxt.w_r.shape[0], 1, 1), kap)
        z_r, z_e = _interp_k(nxt.w_r, kin, grid), _interp_k(nxt.w_e, kin, grid)
        if on_grid:
            a_r, a_e, i_r, i_e = y_r, y_e, z_r, z_e
        else:
            a_r, a_e = _interp_s(y_r, s + 0 * ka3, grid), _interp_s(y_e, s + 0 * ka3, grid)
            i_r, i_e = _interp_s(z_r, s + 0 * kin, grid), _interp_s(z_e, s + 0 * kin, grid)
        s1c = np.clip(s1, 0.0, 1.0) + 0 * ka3[..., :1]
        c_r, c_e = _interp_s(y_r, s1c, grid), _interp_s(y_e, s1c, grid)
        om_r = nxt.omega_r[:, None, None]
        om_e = nxt.omega_e[:, None, None]
        x_e = nxt.exit_a[:, None, None] + nxt.exit_b[:, None, None] * s
    dr, de = dyn.delta_r, dyn.delta_e
    v_ra = u_ra + dr * (q * a_r + (1 - q) * om_r)
    v_ea = u_ea + de * (q * a_e + (1 - q) * om_e)
    v_ri = u_ri + dr * i_r
    v_ei = u_ei + de * i_e
    v_rc = agree_r + dr * (q * c_r + (1 - q) * om_r)
    v_ec = agree_e + de * (q * c_e + (1 - q) * om_e)
    v_rx = oR + dr * om_r + 0 * v_ra
    v_ex = d_e + de * x_e + 0 * v_ra
    v_rf = v_rx - h
    concede = v_ec >= v_ex - atol
    v_rh = np.where(concede, v_rc, v_rf)
    v_eh = np.where(concede, v_ec, v_ex)
    shape = np.broadcast_shapes(v_ra.shape, v_ri.shape, v_rh.shape, v_rx.shape)
    acts = np.stack([np.broadcast_to(a, shape) for a in (v_ra, v_ri, v_rh, v_rx)])
    best = acts.max(axis=0)
    choice = np.argmax(acts >= best - atol, axis=0).astype(np.int8)
    code = np.where((choice == 2) & ~np.broadcast_to(concede, shape), 3, choice).astype(np.int8)
    e_acts = np.stack([np.broadcast_to(a, shape) for a in (v_ea, v_ei, v_eh, v_ex)])
    value_r = np.take_along_axis(acts, choice[None].astype(np.intp), axis=0)[0]
    value_e = np.take_along_axis(e_acts, choice[None].astype(np.intp), axis=0)[0]
    return StepResult(value_r=value_r, value_e=value_e, code=code,
                      concede=np.broadcast_to(concede, shape),
                      static_concede=np.broadcast_to(agree_e >= d_e - atol, shape),
                      actions_r=acts if keep_actions else None, next_share=s1,
                      overshoot=overshoot)


def as_points(values: dict[str, Any]) -> dict[str, np.ndarray]:
    """Parameter values of shape () or (P,) as arrays of shape (P, 1, 1)."""
    out = {}
    for k, v in values.items():
        a = np.asarray(v, dtype=float)
        out[k] = a.reshape(-1, 1, 1)
    P = max(a.shape[0] for a in out.values())
    return {k: np.broadcast_to(a, (P, 1, 1)) for k, a in out.items()}
