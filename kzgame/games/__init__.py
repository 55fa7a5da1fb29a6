"""Games built on the engine: the period game, and classic games of international relations.

* :func:`~kzgame.games.period_game.period`: the period game of hold-up
  bargaining (MODEL.md), one per protocol;
* :func:`~kzgame.games.deterrence_game.deterrence`: a deterrence game, with
  audience costs (Fearon 1994);
* :func:`~kzgame.games.crisis_game.crisis_bargaining`: crisis bargaining in
  the shadow of war (Fearon 1995);
* :func:`~kzgame.games.beer_quiche_game.beer_quiche`: beer-quiche, the
  classic signalling game (Cho and Kreps 1987).

>>> from kzgame.games import period, deterrence, crisis_bargaining
>>> period("ultimatum").players
('R', 'E')
>>> deterrence().players, crisis_bargaining().players
(('Challenger', 'Defender'), ('A', 'B'))
"""

from .._lazy import lazy_exports

# Public names and their modules, imported on first use (kzgame._lazy): importing this
# package loads none of them.  To export a name, add one line "name": "module".
_EXPORTS: dict[str, str] = {
    "PROTOCOLS": "period_game",
    "Protocol": "period_game",
    "beer_quiche": "beer_quiche_game",
    "crisis_bargaining": "crisis_game",
    "deterrence": "deterrence_game",
    "get_protocol": "period_game",
    "period": "period_game",
}
__all__ = list(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

