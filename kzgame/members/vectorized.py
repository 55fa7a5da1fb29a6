"""The members' game solved in closed form, vectorized over parameter arrays.

The (n + 1)-player game: the n members choose simultaneously (or in a given
order) among accept, invest, hold-up and exit; E then answers every hold-up
(:mod:`kzgame.members.contagion`). Its solution (derived in
docs/theory/members.md):

* Member j's payoff depends on the others only through E's answer to its
  own hold-up, so j either holds up or plays its *fallback* (its best other
  move). Let W be the members who hold up if E concedes (``wants``).
* E's policy is monotone: more holders and fewer claimants only make it
  likelier to concede. Hence the pure equilibria of the simultaneous game
  are at most two: the **united front** H = W (an equilibrium iff E
  concedes facing W) and **nobody holds up** H = {} (an equilibrium iff E
  would refuse each member of W holding up alone). At least one exists;
  both exist in the *coordination* region.
* In any order of moves the subgame-perfect path is the united front when
  it is an equilibrium, and nobody holds up otherwise.

``select="united"`` (the default) reports the united front where it exists:
it is the members' Pareto-preferred equilibrium and the outcome of every
sequential order. ``select="none"`` reports the other one. Both equilibria
are flagged, so nothing is hidden by the selection.

Examples
--------
>>> small = dict(share=0.5, outside_r=0.48, outside_e=-0.1, indispensability=0.3,
...              survival=0.8, invest_cost=0.1, power=0.35, holdup_cost=0.01)
>>> big = dict(share=0.5, outside_r=0.4, outside_e=-0.1, indispensability=0.9,
...            survival=0.8, invest_cost=0.1, power=0.35, holdup_cost=0.15)
>>> members = {"J": small, "I1": big, "I2": big}
>>> solve_members(members, contagion=0.0).strategies()
{'J': 'hold-up', 'I1': 'accept', 'I2': 'accept'}
>>> sol = solve_members(members, contagion=0.6)
>>> sol.strategies(), sol.contagion_refusal.tolist()
({'J': 'accept', 'I1': 'accept', 'I2': 'accept'}, [True, False, False])
>>> round(float(sol.threshold), 3)      # E concedes to J iff kappa <= kappa*
0.524
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import ParameterError
from .contagion import (
    HOLD_UP,
    STRATEGIES,
    Bilateral,
    bilateral,
    check_contagion,
    member_values,
)

__all__ = ["SELECTIONS", "MembersSolution", "solve_arrays", "solve_members"]

#: The equilibrium selections among members: the united front, or nobody holding up.
SELECTIONS: tuple[str, ...] = ("united", "none")


@dataclass(frozen=True)
class MembersSolution:
    """The members' game solved at every parameter point (member on the last axis).

    Attributes
    ----------
    names : tuple of str
        The members, in order.
    contagion : ndarray
        kappa (broadcast to the points' shape).
    selection : str
        ``"united"`` or ``"none"``.
    codes : ndarray of int8 (..., n)
        Each member's strategy in the selected equilibrium (0 accept,
        1 invest, 2 hold-up, 3 exit; a refused hold-up is exit).
    bilateral_codes : ndarray of int8 (..., n)
        Its strategy in its bilateral period game (kappa = 0).
    e_concedes : ndarray of bool (..., n)
        E's policy: would E concede to member j's hold-up, the others
        playing the selected equilibrium?
    bilateral_concedes : ndarray of bool (..., n)
        E's bilateral answer (M_j >= 0).
    contagion_refusal : ndarray of bool (..., n)
        E refuses j's hold-up that it would accept bilaterally.
    united, nobody : ndarray of bool (...)
        Whether the united front (H = W) and nobody holding up (H = {}) are
        equilibria of the simultaneous game (both: coordination).
    payoff_e : ndarray (...)
        E's payoff on the selected path, precedent cost included.
    precedent : ndarray (...)
        The precedent cost E bears on that path.
    threshold : ndarray (...)
        kappa*: E concedes to the united front iff kappa <= kappa*
        (inf if nobody would claim; nan where W is empty).
    bilateral : Bilateral
        The per-member quantities.
    """

    names: tuple[str, ...]
    contagion: np.ndarray
    selection: str
    codes: np.ndarray
    bilateral_codes: np.ndarray
    e_concedes: np.ndarray
    bilateral_concedes: np.ndarray
    contagion_refusal: np.ndarray
    united: np.ndarray
    nobody: np.ndarray
    payoff_e: np.ndarray
    precedent: np.ndarray
    threshold: np.ndarray
    bilateral: Bilateral

    @property
    def coordination(self) -> np.ndarray:
        """Both equilibria exist: the members' outcome depends on coordination."""
        return self.united & self.nobody & self.bilateral.wants.any(axis=-1)

    def strategies(self, index: Any = ()) -> dict[str, str]:
        """Each member's strategy at one point (``index`` into the points' shape)."""
        row = self.codes[index]
        if row.ndim != 1:
            raise ParameterError("strategies() needs one point: give its index")
        return {n: STRATEGIES[int(c)] for n, c in zip(self.names, row, strict=True)}

    def bilateral_strategies(self, index: Any = ()) -> dict[str, str]:
        """Each member's strategy in its bilateral game at one point."""
        row = self.bilateral_codes[index]
        return {n: STRATEGIES[int(c)] for n, c in zip(self.names, row, strict=True)}

    def to_pandas(self) -> Any:
        """One row per point and member as a :class:`pandas.DataFrame`
        (:func:`kzgame.analysis.frames.members_frame`; needs the ``frames`` extra)."""
        from ..analysis.frames import members_frame

        return members_frame(self)

    def to_xarray(self, dims: Any = None, coords: Any = None) -> Any:
        """The solution as an :class:`xarray.Dataset` over the points (dimensions ``dims``,
        ``coords``) and ``member`` (:func:`kzgame.analysis.frames.members_xarray`)."""
        from ..analysis.frames import members_xarray

        return members_xarray(self, dims, coords)


def solve_arrays(
    b: Bilateral, kappa: Any, names: tuple[str, ...], selection: str = "united"
) -> MembersSolution:
    """:func:`solve_members` on per-member quantities already computed."""
    if selection not in SELECTIONS:
        raise ParameterError(f"selection {selection!r}: choose one of {', '.join(SELECTIONS)}")
    kappa = np.asarray(kappa, dtype=float)
    w = b.wants
    m_pos = np.where(w, b.margin, 0.0)
    t_pos = np.where(b.stays, np.maximum(b.transfer, 0.0), 0.0)  # claimable if not holding
    sum_m = m_pos.sum(axis=-1)
    base_all = t_pos.sum(axis=-1)
    base_w = base_all - np.where(w, t_pos, 0.0).sum(axis=-1)
    any_w = w.any(axis=-1)
    united = any_w & (sum_m >= kappa * base_w)
    # alone: j in W holds up, the others play their fallbacks
    alone = w & (b.margin >= kappa[..., None] * (base_all[..., None] - t_pos))
    nobody = ~alone.any(axis=-1)
    chosen = united if selection == "united" else ~nobody
    holding = w & chosen[..., None]
    codes = np.where(holding, np.int8(HOLD_UP), b.fallback).astype(np.int8)
    bil_codes = np.where(w, np.int8(HOLD_UP), b.fallback).astype(np.int8)
    # E's policy toward j: holders H* plus j, claimants the stayers outside that set
    held = holding.sum(axis=-1)
    sum_h = np.where(holding, b.margin, 0.0).sum(axis=-1)
    base_h = base_all - np.where(holding, t_pos, 0.0).sum(axis=-1)
    with_j_m = sum_h[..., None] + np.where(holding, 0.0, np.maximum(b.margin, 0.0))
    with_j_base = base_h[..., None] - np.where(holding, 0.0, t_pos)
    policy = (b.margin >= 0) & (with_j_m >= kappa[..., None] * with_j_base)
    bil_concedes = b.margin >= 0
    precedent = np.where(held > 0, kappa * base_h, 0.0)
    pay = b.payoff_e
    per = np.select([codes == 0, codes == 1, codes == 2], [pay["accept"], pay["invest"],
                                                           pay["hold-up"]], pay["exit"])
    payoff_e = per.sum(axis=-1) - precedent
    with np.errstate(divide="ignore", invalid="ignore"):
        threshold = np.where(any_w, np.where(base_w > 0, sum_m / base_w, np.inf), np.nan)
    return MembersSolution(
        names=names, contagion=np.broadcast_to(kappa, united.shape), selection=selection,
        codes=codes, bilateral_codes=bil_codes, e_concedes=policy,
        bilateral_concedes=bil_concedes, contagion_refusal=bil_concedes & ~policy,
        united=united | ~any_w, nobody=nobody, payoff_e=payoff_e, precedent=precedent,
        threshold=threshold, bilateral=b,
    )


def solve_members(
    members: Mapping[str, Mapping[str, Any]],
    contagion: Any = 0.0,
    *,
    selection: str = "united",
) -> MembersSolution:
    """Solve the members' game at every point of broadcast parameter arrays.

    Parameters
    ----------
    members : mapping of str to mapping
        Member name -> its period parameters (see
        :func:`kzgame.members.contagion.member_values`).
    contagion : array_like, default 0.0
        kappa in [0, 1]; broadcasts with the points.
    selection : {"united", "none"}, default "united"
        Which equilibrium to report where both exist (module docstring).

    Returns
    -------
    MembersSolution

    Raises
    ------
    ParameterError
        On bad members or parameters (naming the member and the parameter),
        or kappa outside [0, 1].
    """
    kappa = check_contagion(contagion)
    values = member_values(members)
    b = bilateral(values)
    shape = np.broadcast_shapes(b.margin.shape[:-1], kappa.shape)
    if shape != b.margin.shape[:-1]:
        values = {k: np.broadcast_to(v, shape + v.shape[-1:]) for k, v in values.items()}
        b = bilateral(values)
    kappa = np.broadcast_to(kappa, shape)
    return solve_arrays(b, kappa, tuple(members), selection)
