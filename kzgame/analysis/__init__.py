"""Symbolic and numeric analysis of games: regions, thresholds, statics, counterfactuals.

Layout (imports run down the list, never up):

:mod:`~kzgame.analysis.signs`
    Signs of expressions on a game's parameter domains, decided symbolically.
:mod:`~kzgame.analysis.branches`
    ``Max``/``Min``/``Abs``/``Piecewise`` split into smooth branches.
:mod:`~kzgame.analysis.values`
    Keyword parameter values: validated, defaults filled, broadcast.
:mod:`~kzgame.analysis.games`
    Any game of perfect information (chance allowed): the region of every
    outcome (:func:`outcome_region`), the boundary between two outcomes
    solved for one parameter (:func:`boundary`), comparative-statics signs
    (:func:`boundary_statics`), the smallest single-parameter change that
    flips the outcome (:func:`smallest_flips`).
:mod:`~kzgame.analysis.boundaries`, :mod:`~kzgame.analysis.thresholds`, :mod:`~kzgame.analysis.regions`, :mod:`~kzgame.analysis.band`
    The period game's API on the engine's gains: ``threshold``,
    ``all_thresholds``, ``region``, ``near_boundary``.
:mod:`~kzgame.analysis.statics`, :mod:`~kzgame.analysis.counterfactual`, :mod:`~kzgame.analysis.protocols`
    What moves the period game's thresholds, the smallest change that flips
    R's strategy, and the comparison of bargaining protocols.
"""  # noqa: E501

from .._lazy import lazy_exports

# Public names and their modules, imported on first use (kzgame._lazy): importing this
# package loads none of them.  To export a name, add one line "name": "module".
_EXPORTS: dict[str, str] = {
    "ASSUMPTION_SIGNS": "signs",
    "BAND": "band",
    "BOUNDARIES": "boundaries",
    "Boundary": "games",
    "CONCESSION": "boundaries",
    "Counterfactual": "counterfactual",
    "Counterfactuals": "counterfactual",
    "Flip": "games",
    "HoldupThreshold": "counterfactual",
    "OutcomeRegion": "games",
    "ProtocolComparison": "protocols",
    "Region": "regions",
    "STRATEGIES": "boundaries",
    "StaticsTable": "statics",
    "Switch": "counterfactual",
    "Switches": "counterfactual",
    "Threshold": "thresholds",
    "all_thresholds": "thresholds",
    "boundary": "games",
    "boundary_statics": "games",
    "compare_protocols": "protocols",
    "comparative_statics": "statics",
    "counterfactuals": "counterfactual",
    "holdup_threshold": "counterfactual",
    "near_boundary": "band",
    "outcome_region": "games",
    "region": "regions",
    "smallest_flips": "games",
    "switches": "counterfactual",
    "threshold": "thresholds",
}
__all__ = list(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
