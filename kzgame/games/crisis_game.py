"""Crisis bargaining in the shadow of war (Fearon 1995; Powell 1996), as a tree.

Two states A and B dispute a good of value 1.  A demands the division
``x`` (A gets ``x``, B gets ``1 - x``) or goes to war; B accepts the demand
or fights.  War is a lottery, a chance node: A wins the whole good with
probability ``p`` and B with ``1 - p``, and each side pays its cost of war
(``c_A``, ``c_B``) whoever wins.  War is each side's outside option:
A's expected payoff from war is ``p - c_A``, B's is ``1 - p - c_B``.

The tie order: A demands rather than fights, B accepts rather than
fights, when indifferent.

Closed forms
------------
Fearon (1995), "Costly war and the bargaining range":

* B accepts the demand ``x`` iff ``1 - x >= 1 - p - c_B``, i.e.
  ``x <= p + c_B``.
* A prefers the settlement ``x`` to war iff ``x >= p - c_A`` (A prefers war
  iff ``x < p - c_A``).
* Both prefer every division in the **bargaining range**
  ``[p - c_A, p + c_B]`` to war; it is never empty when war is costly
  (``c_A + c_B >= 0``).  The equilibrium outcome is a settlement at ``x``
  iff ``x`` lies in the range, and war otherwise: B fights a demand above
  ``p + c_B``, A attacks rather than settle below ``p - c_A``.
* A proposer free to choose its demand takes ``x* = min(1, p + c_B)``: B
  is left with its war payoff, and A gains ``c_B`` over its share of
  power ``p``.

War's outcome is the *set* of the chance node's leaves, ``'A wins + B
wins'`` (:mod:`kzgame.game.outcomes`): the same code whatever ``p``.

References
----------
Fearon, J. D. (1995). Rationalist explanations for war. *International
Organization* 49(3), 379-414.
Powell, R. (1996). Stability and the distribution of power. *World
Politics* 48(2), 239-267.
Powell, R. (1999). *In the Shadow of Power: States and Strategies in
International Politics*. Princeton University Press.

Examples
--------
>>> import kzgame
>>> g = crisis_bargaining()
>>> r = kzgame.solve(g, x=0.6, p=0.5, c_A=0.1, c_B=0.2)
>>> r.outcome, r.path
('settlement', ('demand', 'accept'))
>>> r = kzgame.solve(g, x=0.8, p=0.5, c_A=0.1, c_B=0.2)
>>> r.outcome, r.choices["demand"], round(r.payoffs["A"], 12)
('A wins + B wins', 'fight', 0.4)
"""

from __future__ import annotations

from functools import cache

from ..game.registry import Parameter, make_domain
from ..game.tree import Chance, Game, chance, decision, outcome

__all__ = ["CRISIS_PARAMETERS", "WAR", "crisis_bargaining"]

#: The outcome name of war: the labels of the war lottery's two leaves.
WAR: str = "A wins + B wins"

#: The crisis-bargaining game's parameters.
CRISIS_PARAMETERS: dict[str, Parameter] = {
    p.name: p
    for p in (
        Parameter("x", make_domain("unit"), None, "x",
                  "A's demand: its share of the good (B keeps 1 - x)"),
        Parameter("p", make_domain("unit"), None, "p",
                  "the probability that A wins a war (the balance of power)"),
        Parameter("c_A", make_domain("nonnegative"), None, "c_A", "A's cost of war"),
        Parameter("c_B", make_domain("nonnegative"), None, "c_B", "B's cost of war"),
    )
}  # fmt: skip


def _war() -> Chance:
    """The war lottery (a new node each time: a node appears once in a tree)."""
    return chance({
        "A wins": ("p", outcome(A="1 - c_A", B="-c_B", label="A wins")),
        "B wins": ("1 - p", outcome(A="-c_A", B="1 - c_B", label="B wins")),
    })  # fmt: skip


@cache
def crisis_bargaining() -> Game:
    """A demands ``x`` or fights; B accepts or fights; war is a lottery (see the module).

    Returns
    -------
    Game
        Players ``("A", "B")``; parameters ``x``, ``p``, ``c_A``, ``c_B``;
        outcomes ``settlement``, and war as ``'A wins + B wins'``.  The same
        object is returned on every call (its gains and code are derived once).

    Examples
    --------
    >>> print(crisis_bargaining().describe())
    A chooses
      demand: B chooses
        accept: A=x, B=1 - x  [settlement]
        fight: chance (A wins: p, B wins: 1 - p)
          A wins: A=1 - c_A, B=-c_B  [A wins]
          B wins: A=-c_A, B=1 - c_B  [B wins]
      war: chance (A wins: p, B wins: 1 - p)
        A wins: A=1 - c_A, B=-c_B  [A wins]
        B wins: A=-c_A, B=1 - c_B  [B wins]
    """
    tree = decision("A", {
        "demand": decision("B", {
            "accept": outcome(A="x", B="1 - x", label="settlement"),
            "fight": _war(),
        }),
        "war": _war(),
    })  # fmt: skip
    return Game(tree, parameters=CRISIS_PARAMETERS, players=("A", "B"),
                title="crisis bargaining (Fearon 1995)")
