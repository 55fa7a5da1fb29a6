"""Which classification survives a change of bargaining protocol.

:func:`compare_protocols` classifies the same period (or the same parameter
arrays) under every protocol of :data:`kzgame.PROTOCOLS` and says where they
agree.  How each protocol splits the gains from a hold-up is defined once, in
:mod:`kzgame.model`:

``nash``
    generalized Nash bargaining, R's weight beta (``power``);
``rubinstein``
    alternating offers, R proposing first: the Nash split with
    beta = (1 - delta_E) / (1 - delta_R delta_E), which tends to 1/2 as both
    discount factors tend to 1;
``ultimatum``
    R takes all the gains from agreement (the Nash split with beta = 1); E is
    left indifferent and, by the tie rule, concedes;
``outside-option``
    Binmore, Shaked and Sutton: the status quo is the inside option and R's
    outside option counts only where it binds.

Examples
--------
>>> import kzgame
>>> p = kzgame.Period(share=0.5, outside_r=0.3, outside_e=0.0, indispensability=0.5,
...                   survival=0.8, invest_cost=0.05)
>>> cmp = kzgame.compare_protocols(p)
>>> {k: v.value for k, v in cmp.strategies.items()}
{'nash': 'hold-up', 'rubinstein': 'hold-up', 'ultimatum': 'hold-up', 'outside-option': 'accept'}
>>> cmp.agree
False
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import KzgameError
from ..games.period_game import PROTOCOLS, get_protocol
from ..numeric.classify import classify
from ..params import Period
from ..solve import Result, solve
from ..strategy import Strategy

__all__ = ["ProtocolComparison", "compare_protocols"]


@dataclass(frozen=True)
class ProtocolComparison:
    """The classification of the same parameters under several protocols.

    Attributes
    ----------
    protocols : tuple of str
    codes : dict
        ``protocol -> strategy codes`` (int8 arrays, 0-d for a period).
    results : dict or None
        ``protocol -> Result`` when a :class:`kzgame.Period` was compared.
    """

    protocols: tuple[str, ...]
    codes: dict[str, np.ndarray]
    results: dict[str, Result] | None = None

    @property
    def strategies(self) -> dict[str, Any]:
        """``protocol -> Strategy`` for a period, ``protocol -> array of names`` for arrays."""
        if self.results is not None:
            return {k: r.strategy for k, r in self.results.items()}
        return {k: Strategy.decode(c) for k, c in self.codes.items()}

    @property
    def agree(self) -> bool | np.ndarray:
        """Whether every protocol gives the same strategy (a bool array for arrays)."""
        stack = np.stack([self.codes[k] for k in self.protocols])
        same = (stack == stack[0]).all(axis=0)
        return bool(same) if self.results is not None else same

    def shares(self) -> dict[str, dict[str, float]]:
        """``protocol -> {strategy: fraction of points}``.

        Examples
        --------
        >>> cmp = compare_protocols(share=0.5, outside_r=[0.0, 0.3], outside_e=0.0,
        ...                         indispensability=0.5, survival=0.8, invest_cost=0.05)
        >>> cmp.shares()["outside-option"]
        {'accept': 0.5, 'invest': 0.5, 'hold-up': 0.0, 'exit': 0.0}
        """
        out = {}
        for k in self.protocols:
            c = np.asarray(self.codes[k]).ravel()
            out[k] = {s.value: float(np.mean(c == s.code)) if c.size else 0.0 for s in Strategy}
        return out

    def __str__(self) -> str:
        if self.results is not None:
            width = max(len(k) for k in self.protocols)
            lines = [
                f"{k.ljust(width)}  {r.strategy.value:8}  margin {r.margin:.4g}"
                for k, r in self.results.items()
            ]
            verdict = "robust" if self.agree else "depends on the protocol"
            return "\n".join([*lines, f"classification {verdict}"])
        agree = np.asarray(self.agree)
        lines = [
            f"{k}: " + ", ".join(f"{s} {v:.1%}" for s, v in shares.items())
            for k, shares in self.shares().items()
        ]
        if agree.size:
            lines.append(f"all protocols agree on {agree.mean():.1%} of {agree.size} points")
        else:
            lines.append("no points to compare")
        return "\n".join(lines)

    def to_pandas(self):
        """The comparison as a :class:`pandas.DataFrame` (a row per protocol for a period,
        a row per point and a column per protocol for arrays;
        :func:`kzgame.analysis.frames.protocols_frame`; needs the ``frames`` extra)."""
        from .frames import protocols_frame

        return protocols_frame(self)

    def to_xarray(self, dims=None, coords=None):
        """The codes as an :class:`xarray.DataArray` with a leading ``protocol`` dimension.

        ``dims`` names the compared arrays' dimensions and ``coords`` gives
        their values (:func:`kzgame.analysis.frames.protocols_xarray`).
        """
        from .frames import protocols_xarray

        return protocols_xarray(self, dims, coords)


def compare_protocols(
    period: Period | None = None,
    /,
    *,
    protocols: Iterable[str] | None = None,
    **params: Any,
) -> ProtocolComparison:
    """Classify the same period, or the same parameter arrays, under every protocol.

    Parameters
    ----------
    period : Period, optional
        A period to solve (:func:`kzgame.solve`) under each protocol.
    protocols : iterable of str, optional
        Default: all of :data:`kzgame.PROTOCOLS`.
    **params : float or array_like
        Instead of ``period``: parameters as for :func:`kzgame.classify`
        (arrays broadcast).

    Returns
    -------
    ProtocolComparison

    Raises
    ------
    KzgameError
        If both or neither of ``period`` and ``params`` are given, a
        protocol is unknown, or ``protocols`` is a string.

    Examples
    --------
    >>> import numpy as np
    >>> cmp = compare_protocols(share=0.5, outside_r=np.linspace(0, 0.5, 6), outside_e=0.0,
    ...                         indispensability=0.5, survival=0.8, invest_cost=0.05,
    ...                         protocols=["nash", "outside-option"])
    >>> cmp.codes["nash"], cmp.codes["outside-option"]
    (array([1, 1, 1, 2, 2, 2], dtype=int8), array([1, 1, 1, 0, 0, 0], dtype=int8))
    >>> cmp.agree
    array([ True,  True,  True, False, False, False])
    >>> print(cmp)
    nash: accept 0.0%, invest 50.0%, hold-up 50.0%, exit 0.0%
    outside-option: accept 50.0%, invest 50.0%, hold-up 0.0%, exit 0.0%
    all protocols agree on 50.0% of 6 points
    """
    if isinstance(protocols, str):
        raise KzgameError(
            f"protocols must be a list of protocol names, e.g. [{protocols!r}], not a string"
        )
    names = tuple(protocols) if protocols is not None else tuple(PROTOCOLS)
    if not names:
        raise KzgameError("protocols must name at least one protocol")
    for name in names:
        get_protocol(name)
    if period is not None and params:
        raise KzgameError("give either a Period or keyword parameters, not both")
    if period is not None:
        if not isinstance(period, Period):
            raise TypeError(f"expected a kzgame.Period, got {type(period).__name__}")
        results = {k: solve(period, k) for k in names}
        codes = {k: np.asarray(r.strategy.code, dtype=np.int8) for k, r in results.items()}
        return ProtocolComparison(names, codes, results)
    if not params:
        raise KzgameError("give a Period or keyword parameters to compare")
    codes = {k: classify(protocol=k, **params) for k in names}
    return ProtocolComparison(names, codes, None)
