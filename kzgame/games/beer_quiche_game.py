"""Beer-quiche (Cho and Kreps 1987), the classic signalling game, as a tree on the engine.

Nature draws a sender S, **strong** with probability ``p`` or **weak**; S,
knowing its type, has **beer** or **quiche** for breakfast; a receiver Rcv
sees the breakfast, not the type, and **duels** or **walks** away (one
information set per breakfast).  S gets 1 for the breakfast its type
prefers (beer if strong, quiche if weak) plus ``walk`` if Rcv walks; Rcv
gets 1 for duelling a weak sender or walking away from a strong one, 0
otherwise (``duel_weak`` for the duel with a weak sender, to vary it):

===============  ============================  ===========
leaf             S                             Rcv
===============  ============================  ===========
strong, duel     1 if beer else 0              0
strong, walk     (1 if beer else 0) + walk     1
weak, duel       1 if quiche else 0            duel_weak
weak, walk       (1 if quiche else 0) + walk   0
===============  ============================  ===========

With the defaults (``walk = 2``, ``duel_weak = 1``) and ``p > 1/2`` both
types pool, on beer or on quiche, Rcv walking on the path and duelling off
it; only pooling on beer survives the intuitive criterion (a strong sender
would gain from deviating to beer, a weak one never).  With ``p < 1/2``
there is no pure equilibrium: the strong type has beer, the weak one mixes
between beer and quiche, and Rcv duels after quiche and mixes after beer
(:mod:`kzgame.game.pbe` finds every family and its conditions).

Reference
---------
Cho, I.-K. and Kreps, D. M. (1987). Signaling games and stable equilibria.
*Quarterly Journal of Economics* 102(2), 179-221.

Examples
--------
>>> from kzgame.game.pbe import pbe
>>> sol = pbe(beer_quiche())
>>> [a.kind for a in sol.assessments if a.holds(p=0.9)]
['pooling', 'pooling']
>>> [(a.kind, a.strategy["Rcv|quiche"]["duel"]) for a in sol.at(p=0.2)]
[('semi-separating', 1)]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..game import Game, chance, decision, outcome

__all__ = ["beer_quiche"]


def beer_quiche(
    *,
    walk: str | float = 2,
    duel_weak: str | float = 1,
    parameters: Mapping[str, Any] | None = None,
) -> Game:
    """The beer-quiche game (see the module's docstring).

    Parameters
    ----------
    walk : str or float, default 2
        S's value of being left alone, a number or an expression in the
        parameters (read by the package's safe parser).
    duel_weak : str or float, default 1
        Rcv's payoff from duelling a weak sender, likewise.
    parameters : mapping, optional
        Parameters the expressions use, besides the prior ``p`` (``"unit"``),
        as :class:`kzgame.game.Game` takes them.

    Returns
    -------
    Game
        A chance root over the types, then S, then Rcv at one information
        set per breakfast (``"Rcv|beer"``, ``"Rcv|quiche"``).

    Examples
    --------
    >>> g = beer_quiche(walk="2*t", duel_weak="t", parameters={"t": "unit"})
    >>> list(g.parameters)
    ['p', 't']
    """

    def sender(strong: bool) -> Any:
        def reply(breakfast: str) -> Any:
            bonus = 1 if (breakfast == "beer") == strong else 0
            return decision("Rcv", {
                "duel": outcome(S=bonus, Rcv=0 if strong else duel_weak),
                "walk": outcome(S=f"{bonus} + ({walk})", Rcv=1 if strong else 0),
            }, infoset="Rcv|" + breakfast)  # fmt: skip

        return decision("S", {"beer": reply("beer"), "quiche": reply("quiche")})

    return Game(
        chance({"strong": ("p", sender(True)), "weak": ("1 - p", sender(False))}),
        parameters={"p": "unit", **(parameters or {})},
        title="beer-quiche",
    )
