"""kzgame: formal models of hold-up bargaining between states.

A rising power R inside a regime led by an established power E chooses to
invest, hold up, accept or exit (Kastner, Pearson and Rector 2016).  kzgame
states that choice as a two-player game, solves it exactly, and maps the
thresholds between the strategies.

>>> import kzgame
>>> p = kzgame.Period(share=0.5, outside_r=0.45, outside_e=0.0,
...                   indispensability=0.9, survival=0.8, invest_cost=0.05)
>>> kzgame.solve(p).strategy
<Strategy.HOLD_UP: 'hold-up'>
>>> kzgame.classify(share=0.5, outside_r=[0.0, 0.45], outside_e=0.0,
...                 indispensability=0.9, survival=0.8, invest_cost=0.05)
array([1, 2], dtype=int8)
"""

from __future__ import annotations

import sys
import types
from typing import Any

from ._lazy import lazy_exports
from ._version import __version__

# Lazy exports (PEP 562): ``import kzgame`` loads only this file, ``_lazy`` and
# ``_version``; each public name's module is imported on first access
# (``kzgame.classify``), so that sympy, matplotlib and numba load only when something
# needs them.  To export a new name, add ONE line to _EXPORTS: "name": "module",
# where module is relative to kzgame (e.g. "dynamics.paths" for kzgame.dynamics.paths);
# it then appears in __all__ and dir(kzgame).  tests/test_lazy_imports.py checks every entry
# (kzgame/game, games and analysis export their names the same way).
_EXPORTS: dict[str, str] = {
    # games as data: build any game, solve and classify it
    "Game": "game.tree",
    "decision": "game.tree",
    "chance": "game.tree",
    "outcome": "game.tree",
    "period": "games.period_game",
    # the period game
    "Period": "params",
    "solve": "solve",
    "Result": "solve",
    "Strategy": "strategy",
    "classify": "numeric.classify",
    "PROTOCOLS": "model",
    # thresholds and what moves them
    "threshold": "analysis.thresholds",
    "Threshold": "analysis.thresholds",
    "all_thresholds": "analysis.thresholds",
    "region": "analysis.regions",
    "Region": "analysis.regions",
    "near_boundary": "analysis.band",
    "comparative_statics": "analysis.statics",
    "StaticsTable": "analysis.statics",
    "counterfactuals": "analysis.counterfactual",
    "Counterfactual": "analysis.counterfactual",
    "switches": "analysis.counterfactual",
    "Switch": "analysis.counterfactual",
    "holdup_threshold": "analysis.counterfactual",
    "HoldupThreshold": "analysis.counterfactual",
    "compare_protocols": "analysis.protocols",
    "ProtocolComparison": "analysis.protocols",
    # is the hold-up threat believed? commitment (issue 11)
    "commitment_game": "games.commitment_game",
    "COMMITMENTS": "games.commitment_game",
    "commitment_verdicts": "analysis.commitment",
    "compare_commitments": "analysis.commitment",
    "CommitmentVerdicts": "analysis.commitment",
    # is the hold-up threat believed? E's uncertainty about R (issue 11)
    "signalling": "games.signalling_game",
    "screening": "games.screening_game",
    "pbe": "game.pbe",
    "PBESolution": "game.pbe",
    "classify_beliefs": "analysis.beliefs",
    "observables": "analysis.beliefs",
    "TypeDistribution": "analysis.beliefs",
    # several members and E's counter-moves (issue 13)
    "solve_members": "members.vectorized",
    "MembersSolution": "members.vectorized",
    "best_counter_move": "members.countermoves",
    "CounterMoveResult": "members.countermoves",
    "MOVES": "members.countermoves",
    "members_game": "members.trees",
    "load_members_case": "io.members_file",
    "MembersCase": "io.members_file",
    # bringing a game to data: quantal response and estimation (issue 14)
    "qre": "estimation.qre",
    "qre_path": "estimation.qre",
    "Spec": "estimation.spec",
    "fit": "estimation.fit",
    "EstimationError": "estimation.likelihood",
    "IdentificationWarning": "estimation.diagnostics",
    # the periods as one dynamic game (issue 12)
    "Dynamics": "dynamics.state",
    "StateGrid": "dynamics.state",
    "ParameterPath": "dynamics.path",
    "solve_finite": "dynamics.finite",
    "solve_stationary": "dynamics.stationary",
    "equilibrium_path": "dynamics.simulate",
    "compare_static": "dynamics.compare",
    "refusal_region": "dynamics.incentive",
    "ConvergenceError": "dynamics.state",
    # calibrated cases and uncertainty
    "load_case": "io.cases",
    "Case": "io.cases",
    "monte_carlo": "analysis.uncertainty",
    # errors and warnings
    "KzgameError": "errors",
    "ParameterError": "errors",
    "GameError": "errors",
    "ModelFileError": "io.cases",
    "NoSurplusWarning": "errors",
}

__all__ = ["__version__", *_EXPORTS]

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)


class _Package(types.ModuleType):
    """kzgame's module type: a submodule never hides the public name it shares.

    Importing the submodule ``kzgame.solve`` binds it as the attribute ``solve`` of
    the package (the import system does that); here that binding is skipped, so
    ``kzgame.solve`` stays the function (as it was when ``__init__`` imported it).
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if (
            name in _EXPORTS
            and isinstance(value, types.ModuleType)
            and value.__name__ == f"{__name__}.{name}"
        ):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
