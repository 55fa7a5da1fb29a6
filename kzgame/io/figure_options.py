"""The figures' options the command line offers, without loading matplotlib.

:mod:`kzgame.io.plots` draws the figures (and imports matplotlib); the
``kzgame`` command builds its parser, and answers ``--help``, from these
names alone.

>>> XAXES
('auto', 'ratio', 'balance')
>>> PARAMETER_LABELS["indispensability"]
'$\\\\iota$'
"""

from __future__ import annotations

from ..game.registry import REGISTRY

__all__ = ["PARAMETER_LABELS", "XAXES"]

#: Mathtext symbol of each parameter (MODEL.md's notation, from the registry).
PARAMETER_LABELS: dict[str, str] = {name: p.label for name, p in REGISTRY.items()}
#: The x coordinates :func:`kzgame.io.plots.phase_diagram` can use.
XAXES: tuple[str, ...] = ("auto", "ratio", "balance")
