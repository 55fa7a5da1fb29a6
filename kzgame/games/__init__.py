"""Games built on the engine: the period game, and classic games of international relations.

* :func:`~kzgame.games.period_game.period`: the period game of hold-up
  bargaining (MODEL.md), one per protocol;
* :func:`~kzgame.games.deterrence_game.deterrence`: a deterrence game, with
  audience costs (Fearon 1994);
* :func:`~kzgame.games.crisis_game.crisis_bargaining`: crisis bargaining in
  the shadow of war (Fearon 1995).

>>> from kzgame.games import period, deterrence, crisis_bargaining
>>> period("ultimatum").players
('R', 'E')
>>> deterrence().players, crisis_bargaining().players
(('Challenger', 'Defender'), ('A', 'B'))
"""

from .crisis_game import crisis_bargaining
from .deterrence_game import deterrence
from .period_game import PROTOCOLS, Protocol, get_protocol, period

__all__ = ["PROTOCOLS", "Protocol", "crisis_bargaining", "deterrence", "get_protocol", "period"]
