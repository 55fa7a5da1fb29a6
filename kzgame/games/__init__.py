"""Games built on the engine: the period game, and classic games of international relations.

>>> from kzgame.games import period
>>> period("ultimatum").players
('R', 'E')
"""

from .period_game import PROTOCOLS, Protocol, get_protocol, period

__all__ = ["PROTOCOLS", "Protocol", "get_protocol", "period"]
