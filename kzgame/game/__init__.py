"""Games as data: the tree, its builder, the parameter registry and the solvers' inputs.

>>> from kzgame.game import Game, decision, chance, outcome
"""

from .._lazy import lazy_exports

# Public names and their modules, imported on first use (kzgame._lazy): importing this
# package loads none of them.  To export a name, add one line "name": "module".
_EXPORTS: dict[str, str] = {
    "DERIVED": "registry",
    "REGISTRY": "registry",
    "Chance": "tree",
    "Decision": "tree",
    "Derived": "registry",
    "Domain": "registry",
    "Game": "tree",
    "Node": "tree",
    "Outcome": "tree",
    "Parameter": "registry",
    "chance": "tree",
    "decision": "tree",
    "outcome": "tree",
}
__all__ = list(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

