"""Strategic estimation: quantal response equilibrium and maximum likelihood on the engine.

Layout (imports run down the list):

:mod:`~kzgame.estimation.qre`
    The agent logit and probit QRE of any perfect-information game, and its path in lambda.
"""

from .qre import QRE, QREPath, qre, qre_path

__all__ = ["QRE", "QREPath", "qre", "qre_path"]
