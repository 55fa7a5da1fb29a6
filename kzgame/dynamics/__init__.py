"""Dynamics: the sequence of periods as one game (issue 12).

The state carries what a period leaves behind (the status quo share, the
investment stock, whether R is still in); the path gives each period's
parameters; the solution is the Markov-perfect equilibrium, by backward
induction for a finite horizon (:func:`solve_finite`) and value iteration
for the stationary game (:func:`solve_stationary`).  See
``docs/theory/dynamics.md``.

>>> from kzgame.dynamics import Dynamics, ParameterPath, StateGrid, solve_finite
"""

from .._lazy import lazy_exports

# Public names and their modules, imported on first use (kzgame._lazy): importing this
# package loads none of them (kzgame --help reads DEFAULTS without sympy).
_EXPORTS: dict[str, str] = {
    "Difference": "compare",
    "Differences": "compare",
    "compare_static": "compare",
    "dynamic_tree": "exact",
    "solve_tree": "exact",
    "FiniteSolution": "finite",
    "solve_finite": "finite",
    "RefusalRegion": "incentive",
    "refusal_region": "incentive",
    "ParameterPath": "path",
    "DynamicPath": "simulate",
    "PathStep": "simulate",
    "equilibrium_path": "simulate",
    "ConvergenceError": "state",
    "DEFAULTS": "state",
    "Dynamics": "state",
    "GridWarning": "state",
    "ShareDomainWarning": "state",
    "StateGrid": "state",
    "ratchet_limit": "state",
    "GridReport": "stationary",
    "StationarySolution": "stationary",
    "refine_grid": "stationary",
    "solve_stationary": "stationary",
}
__all__ = list(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
