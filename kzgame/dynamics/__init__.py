"""Dynamics: the sequence of periods as one game (issue 12).

The state carries what a period leaves behind (the status quo share, the
investment stock, whether R is still in); the path gives each period's
parameters; the solution is the Markov-perfect equilibrium, by backward
induction for a finite horizon (:func:`solve_finite`) and value iteration
for the stationary game (:func:`solve_stationary`).  See
``docs/theory/dynamics.md``.

>>> from kzgame.dynamics import Dynamics, ParameterPath, StateGrid, solve_finite
"""

from .compare import Difference, compare_static
from .exact import dynamic_tree, solve_tree
from .finite import FiniteSolution, solve_finite
from .incentive import RefusalRegion, refusal_region
from .path import ParameterPath
from .simulate import DynamicPath, PathStep, equilibrium_path
from .state import (
    DEFAULTS,
    ConvergenceError,
    Dynamics,
    GridWarning,
    ShareDomainWarning,
    StateGrid,
    ratchet_limit,
)
from .stationary import GridReport, StationarySolution, refine_grid, solve_stationary

__all__ = [
    "DEFAULTS",
    "ConvergenceError",
    "Difference",
    "DynamicPath",
    "Dynamics",
    "FiniteSolution",
    "GridReport",
    "GridWarning",
    "ParameterPath",
    "PathStep",
    "RefusalRegion",
    "ShareDomainWarning",
    "StateGrid",
    "StationarySolution",
    "compare_static",
    "dynamic_tree",
    "equilibrium_path",
    "refine_grid",
    "ratchet_limit",
    "refusal_region",
    "solve_finite",
    "solve_stationary",
    "solve_tree",
]
