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

from .band import BAND, near_boundary
from .boundaries import BOUNDARIES, CONCESSION, STRATEGIES
from .counterfactual import (
    Counterfactual,
    Counterfactuals,
    HoldupThreshold,
    Switch,
    counterfactuals,
    holdup_threshold,
    switches,
)
from .games import (
    Boundary,
    Flip,
    OutcomeRegion,
    boundary,
    boundary_statics,
    outcome_region,
    smallest_flips,
)
from .protocols import ProtocolComparison, compare_protocols
from .regions import Region, region
from .signs import ASSUMPTION_SIGNS
from .statics import StaticsTable, comparative_statics
from .thresholds import Threshold, all_thresholds, threshold

__all__ = [
    "ASSUMPTION_SIGNS",
    "BAND",
    "BOUNDARIES",
    "Boundary",
    "CONCESSION",
    "Counterfactual",
    "Counterfactuals",
    "Flip",
    "HoldupThreshold",
    "OutcomeRegion",
    "ProtocolComparison",
    "Region",
    "STRATEGIES",
    "StaticsTable",
    "Switch",
    "Threshold",
    "all_thresholds",
    "boundary",
    "boundary_statics",
    "compare_protocols",
    "comparative_statics",
    "counterfactuals",
    "holdup_threshold",
    "near_boundary",
    "outcome_region",
    "region",
    "smallest_flips",
    "switches",
    "threshold",
]
