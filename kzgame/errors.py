"""The exceptions and warnings kzgame raises.

Every error on bad input is a :class:`KzgameError` (a :class:`ValueError`),
so that ``except ValueError`` in a user's code also catches it.
"""

from __future__ import annotations

__all__ = ["GameError", "KzgameError", "NoSurplusWarning", "ParameterError"]


class KzgameError(ValueError):
    """Base class of every error kzgame raises on bad input."""


class ParameterError(KzgameError):
    """A parameter is outside its domain (names the parameter, value and range)."""


class GameError(KzgameError):
    """A game tree is malformed, or a solver cannot handle it (names the node)."""


class NoSurplusWarning(UserWarning):
    """The outside options add up to at least the regime's value (o_R + o_E >= V)."""
