"""Games as data: the tree, its builder, the parameter registry and the solvers' inputs.

>>> from kzgame.game import Game, decision, chance, outcome
"""

from .registry import DERIVED, REGISTRY, Derived, Domain, Parameter
from .tree import Chance, Decision, Game, Node, Outcome, chance, decision, outcome

__all__ = [
    "DERIVED",
    "REGISTRY",
    "Chance",
    "Decision",
    "Derived",
    "Domain",
    "Game",
    "Node",
    "Outcome",
    "Parameter",
    "chance",
    "decision",
    "outcome",
]
