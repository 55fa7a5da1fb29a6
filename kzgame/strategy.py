"""The strategies of the rising power and their integer codes."""

from __future__ import annotations

from enum import StrEnum

import numpy as np

from .errors import KzgameError
from .game.outcomes import check_codes

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
        """The strategy with integer code ``code``.

        Raises
        ------
        KzgameError
            If ``code`` is not one integer from 0 to 3 (a fraction such as
            1.9, a boolean, a string or an array is refused, as by
            :meth:`decode`).

        Examples
        --------
        >>> Strategy.from_code(1.9)
        Traceback (most recent call last):
        ...
        kzgame.errors.KzgameError: strategy codes are integers from 0 to 3, got 1.9
        """
        if type(code) is int and 0 <= code < len(_ORDER):  # the common case
            return _ORDER[code]
        arr = check_codes(code, len(_ORDER), "strategy", KzgameError)
        if arr.ndim != 0:
            raise KzgameError(f"Strategy.from_code takes one code, got an array of shape "
                              f"{arr.shape}; use Strategy.decode for arrays")
        return _ORDER[int(arr)]

    @classmethod
    def decode(cls, codes: np.ndarray) -> np.ndarray:
        """Turn an array of codes into an array of strategy names (``str``).

        Raises
        ------
        KzgameError
            If a code is not an integer from 0 to 3 (naming the first bad
            code and the valid range): the check of
            :meth:`kzgame.game.outcomes.OutcomeCodes.decode`.

        Examples
        --------
        >>> Strategy.decode(np.array([2, 0]))
        array(['hold-up', 'accept'], dtype='<U7')
        >>> Strategy.decode([0, -1])
        Traceback (most recent call last):
        ...
        kzgame.errors.KzgameError: no strategy has code -1; codes are 0..3
        """
        names = np.array([s.value for s in _ORDER])
        return names[check_codes(codes, len(_ORDER), "strategy", KzgameError)]


_ORDER: tuple[Strategy, ...] = tuple(Strategy)
