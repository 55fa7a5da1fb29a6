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

from ._version import __version__
from .analysis.band import near_boundary
from .analysis.counterfactual import (
    Counterfactual,
    HoldupThreshold,
    Switch,
    counterfactuals,
    holdup_threshold,
    switches,
)
from .analysis.protocols import ProtocolComparison, compare_protocols
from .analysis.regions import Region, region
from .analysis.statics import StaticsTable, comparative_statics
from .analysis.thresholds import Threshold, all_thresholds, threshold
from .analysis.uncertainty import monte_carlo
from .errors import GameError, KzgameError, NoSurplusWarning, ParameterError
from .game import Game, chance, decision, outcome
from .games import period
from .io.cases import Case, ModelFileError, load_case
from .model import PROTOCOLS
from .numeric.classify import classify
from .params import Period
from .solve import Result, solve
from .strategy import Strategy

__all__ = [
    "__version__",
    # games as data: build any game, solve and classify it
    "Game",
    "decision",
    "chance",
    "outcome",
    "period",
    # the period game
    "Period",
    "solve",
    "Result",
    "Strategy",
    "classify",
    "PROTOCOLS",
    # thresholds and what moves them
    "threshold",
    "Threshold",
    "all_thresholds",
    "region",
    "Region",
    "near_boundary",
    "comparative_statics",
    "StaticsTable",
    "counterfactuals",
    "Counterfactual",
    "switches",
    "Switch",
    "holdup_threshold",
    "HoldupThreshold",
    "compare_protocols",
    "ProtocolComparison",
    # calibrated cases and uncertainty
    "load_case",
    "Case",
    "monte_carlo",
    # errors and warnings
    "KzgameError",
    "ParameterError",
    "GameError",
    "ModelFileError",
    "NoSurplusWarning",
]
