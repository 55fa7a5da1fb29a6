"""Strategic estimation: quantal response equilibrium and maximum likelihood on the engine.

Layout (imports run down the list):

:mod:`~kzgame.estimation.qre`
    The agent logit and probit QRE of any perfect-information game, and its path in lambda.
:mod:`~kzgame.estimation.spec`
    Each parameter fixed, free, a link of covariates, or a data column.
:mod:`~kzgame.estimation.kernel`
    The generated, compiled likelihood-and-gradient kernel.
:mod:`~kzgame.estimation.likelihood`
    The log-likelihood of observed plays and its analytic gradient.
:mod:`~kzgame.estimation.diagnostics`
    Identification warnings: flat directions, ratios, perfect prediction.
:mod:`~kzgame.estimation.simulate`
    Observed plays drawn from the QRE at known parameters.
:mod:`~kzgame.estimation.fit`
    Maximum likelihood, standard errors, profile and bootstrap intervals, predictions.
:mod:`~kzgame.estimation.compare`
    Likelihood ratio, Vuong and Clarke tests.
"""

from .compare import Test, clarke, likelihood_ratio, vuong
from .diagnostics import DomainWarning, IdentificationWarning
from .fit import Fit, Interval, Predictions, fit
from .likelihood import PERIOD_OUTCOMES, EstimationError, Likelihood, vocabulary
from .qre import QRE, QREPath, qre, qre_path
from .simulate import simulate
from .spec import Spec

__all__ = [
    "PERIOD_OUTCOMES",
    "QRE",
    "DomainWarning",
    "EstimationError",
    "Fit",
    "IdentificationWarning",
    "Interval",
    "Likelihood",
    "Predictions",
    "QREPath",
    "Spec",
    "Test",
    "clarke",
    "fit",
    "likelihood_ratio",
    "qre",
    "qre_path",
    "simulate",
    "vocabulary",
    "vuong",
]
