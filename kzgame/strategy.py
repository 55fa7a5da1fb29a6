"""The strategies of the rising power and their integer codes."""

from __future__ import annotations

from enum import StrEnum

import numpy as np

__all__ = ["CODE_DTYPE", "Strategy"]

#: dtype of the strategy-code arrays :func:`kzgame.classify` returns.
CODE_DTYPE = np.dtype(np.int8)


class Strategy(StrEnum):
    """R's subgame-perfect choice in one period.

    The members are listed in the **tie order**: when two choices give R
    exactly the same payoff, R keeps the one listed first (it keeps the
    status quo, accept, rather than pay for a change).  The integer
    :attr:`code` of a member is its position in this order; it is what
    :func:`kzgame.classify` returns.

    ====  ===========
    code  strategy
    ====  ===========
    0     ``accept``
    1     ``invest``
    2     ``hold-up``
    3     ``exit``
    ====  ===========

    Examples
    --------
    >>> Strategy.HOLD_UP.code
    2
    >>> Strategy.from_code(1)
    <Strategy.INVEST: 'invest'>
    >>> Strategy("hold-up") == "hold-up"
    True
    """

    ACCEPT = "accept"
    INVEST = "invest"
    HOLD_UP = "hold-up"
    EXIT = "exit"

    @property
    def code(self) -> int:
        """The integer code of this strategy (its place in the tie order)."""
        return _ORDER.index(self)

    @classmethod
    def from_code(cls, code: int) -> Strategy:
        """The strategy with integer code ``code``."""
        if not 0 <= int(code) < len(_ORDER):
            raise ValueError(f"no strategy has code {code}; codes are 0..{len(_ORDER) - 1}")
        return _ORDER[int(code)]

    @classmethod
    def decode(cls, codes: np.ndarray) -> np.ndarray:
        """Turn an array of codes into an array of strategy names (``str``).

        Examples
        --------
        >>> Strategy.decode(np.array([2, 0]))
        array(['hold-up', 'accept'], dtype='<U7')
        """
        names = np.array([s.value for s in _ORDER])
        return names[np.asarray(codes, dtype=np.intp)]


_ORDER: tuple[Strategy, ...] = tuple(Strategy)
