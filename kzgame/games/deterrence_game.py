"""A deterrence game, with or without audience costs, as a tree on the engine.

A Challenger decides whether to challenge the status quo; the Defender
concedes or resists; in the audience-cost version the Challenger, once
resisted, fights or backs down, and backing down costs it ``a`` at home
(Fearon 1994).  Every player's payoff is relative to the status quo (0, 0):

=========================  =====================  ====================
leaf                       Challenger             Defender
=========================  =====================  ====================
status quo                 0                      0
concession                 v                      -v
back down                  -a                     0
war                        p v - k_C              -p v - k_D
=========================  =====================  ====================

``v`` is the stake, ``p`` the Challenger's probability of winning a war,
``k_C``, ``k_D`` the costs of war.  The tie order is the cautious one at
every node: the Challenger keeps the status quo and backs down, the
Defender concedes, unless the other action is strictly better.

Closed forms
------------
The subgame-perfect equilibrium under complete information (Morrow 1994 and
Zagare and Kilgour 2000 on deterrence; Fearon 1994 on audience costs):

* Resisted, the Challenger fights iff ``p v - k_C > -a``: the threat is
  **credible** iff ``a > k_C - p v``.  Audience costs make a threat credible
  that would otherwise be a bluff.
* The Defender resists iff the threat is not credible, or it is and war
  costs the Defender less than conceding: ``k_D < (1 - p) v``.
* The Challenger challenges iff that gives it more than 0.  So the
  equilibrium outcome is

  - **war** iff ``p v > k_C`` and ``k_D < (1 - p) v``;
  - **concession** iff ``a > k_C - p v`` and ``k_D >= (1 - p) v``;
  - the **status quo** otherwise (deterrence holds).

  Backing down is never on the equilibrium path: with complete
  information the Challenger does not bluff, and audience costs are never
  paid (they matter off the path, by making the threat believable).

Without audience costs (``deterrence(audience_cost=False)``, the game of
the builder's example in :mod:`kzgame.game.tree`) the Challenger is
committed to war once resisted: the Defender concedes iff
``k_D >= (1 - p) v``; the outcome is concession then, else war iff
``p v > k_C``, else the status quo.

References
----------
Fearon, J. D. (1994). Domestic political audiences and the escalation of
international disputes. *American Political Science Review* 88(3), 577-592.
Morrow, J. D. (1994). *Game Theory for Political Scientists*. Princeton
University Press.
Zagare, F. C. and Kilgour, D. M. (2000). *Perfect Deterrence*. Cambridge
University Press.

Examples
--------
>>> import kzgame
>>> g = deterrence()
>>> g.outcomes
('status quo', 'concession', 'back down', 'war')
>>> r = kzgame.solve(g, v=1.0, p=0.3, k_C=0.4, k_D=0.8, a=0.2)
>>> r.outcome, r.choices
('concession', {'root': 'challenge', 'challenge': 'concede', 'challenge/resist': 'fight'})
>>> kzgame.solve(g, v=1.0, p=0.3, k_C=0.4, k_D=0.8, a=0.0).outcome
'status quo'
"""

from __future__ import annotations

from functools import cache

from ..game.registry import Parameter, make_domain
from ..game.tree import Game, decision, outcome

__all__ = ["CHALLENGER", "DEFENDER", "DETERRENCE_PARAMETERS", "deterrence"]

CHALLENGER: str = "Challenger"
DEFENDER: str = "Defender"

#: The deterrence game's parameters (its own; not in the period game's registry).
DETERRENCE_PARAMETERS: dict[str, Parameter] = {
    p.name: p
    for p in (
        Parameter("v", make_domain("positive"), None, "v",
                  "the stake: what the Defender concedes to the Challenger"),
        Parameter("p", make_domain("unit"), None, "p",
                  "the Challenger's probability of winning a war"),
        Parameter("k_C", make_domain("nonnegative"), None, "k_C",
                  "the Challenger's cost of war"),
        Parameter("k_D", make_domain("nonnegative"), None, "k_D",
                  "the Defender's cost of war"),
        Parameter("a", make_domain("nonnegative"), None, "a",
                  "the Challenger's audience cost of backing down after a challenge"),
    )
}  # fmt: skip


@cache
def deterrence(audience_cost: bool = True) -> Game:
    """The deterrence game (see the module's docstring for payoffs and closed forms).

    Parameters
    ----------
    audience_cost : bool, default True
        If true, the Challenger moves again after the Defender resists
        (fight or back down at audience cost ``a``); if false, a resisted
        challenge is war (the Challenger is committed) and ``a`` is not a
        parameter.

    Returns
    -------
    Game
        Players ``("Challenger", "Defender")``, outcomes ``status quo``,
        ``concession``, (``back down``,) ``war``.  The same object is
        returned for the same argument (its gains and code are derived once).

    Examples
    --------
    >>> print(deterrence(audience_cost=False).describe())
    Challenger chooses
      status quo: Challenger=0, Defender=0
      challenge: Defender chooses
        concede: Challenger=v, Defender=-v  [concession]
        fight: Challenger=-k_C + p*v, Defender=-k_D - p*v  [war]
    """
    war = outcome(Challenger="p*v - k_C", Defender="-p*v - k_D", label="war")
    if audience_cost:
        reply = decision(CHALLENGER, {
            "back down": outcome(Challenger="-a", Defender=0, label="back down"),
            "fight": war,
        })  # fmt: skip
        defender = {"concede": outcome(Challenger="v", Defender="-v", label="concession"),
                    "resist": reply}
        names = list(DETERRENCE_PARAMETERS)
        title = "deterrence with audience costs"
    else:
        defender = {"concede": outcome(Challenger="v", Defender="-v", label="concession"),
                    "fight": war}
        names = [k for k in DETERRENCE_PARAMETERS if k != "a"]
        title = "deterrence"
    tree = decision(CHALLENGER, {
        "status quo": outcome(Challenger=0, Defender=0, label="status quo"),
        "challenge": decision(DEFENDER, defender),
    })  # fmt: skip
    return Game(
        tree,
        parameters={k: DETERRENCE_PARAMETERS[k] for k in names},
        players=(CHALLENGER, DEFENDER),
        title=title,
    )
