"""Keyword parameter values for the analysis functions: validated, defaults filled, broadcast.

Examples
--------
>>> from kzgame.game.registry import REGISTRY
>>> values, shape = gather({"share": [0.25, 0.5]}, ["share", "power"], REGISTRY)
>>> shape, [v.tolist() for v in values]
((2,), [[0.25, 0.5], [0.5, 0.5]])
>>> gather({"iota": 1.0}, ["share"], REGISTRY)
Traceback (most recent call last):
...
kzgame.errors.ParameterError: unknown parameter(s) iota; known parameters: surplus, ...
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from ..errors import ParameterError
from ..game.registry import Parameter

__all__ = ["gather"]


def gather(
    params: Mapping[str, Any], args: Iterable[str], parameters: Mapping[str, Parameter]
) -> tuple[list[np.ndarray], tuple[int, ...]]:
    """The values of ``args`` (defaults filled in) and the broadcast shape of all given values.

    Every given name must be one of ``parameters`` (its value is checked
    against the domain, even if ``args`` does not need it); the names in
    ``args`` without a default must be given.

    Raises
    ------
    ParameterError
        On an unknown or missing name, a value outside its domain or
        shapes that do not broadcast.
    """
    args = tuple(args)
    unknown = sorted(set(params) - set(parameters))
    if unknown:
        raise ParameterError(
            f"unknown parameter(s) {', '.join(unknown)}; known parameters: "
            f"{', '.join(parameters)}"
        )
    missing = [k for k in args if k not in params and parameters[k].default is None]
    if missing:
        raise ParameterError(f"missing parameter(s): {', '.join(missing)}")
    checked = {k: parameters[k].check(v) for k, v in params.items()}
    try:
        shape = np.broadcast_shapes(*(v.shape for v in checked.values())) if checked else ()
    except ValueError:
        shown = ", ".join(f"{k} {v.shape}" for k, v in checked.items())
        raise ParameterError(f"the parameters' shapes do not broadcast: {shown}") from None
    values: list[Any] = [
        checked[k] if k in checked else np.float64(parameters[k].default) for k in args
    ]
    # lambdified logical_and.reduce needs equal shapes: broadcast (views, no copies)
    values = [v if v.shape == shape else np.broadcast_to(v, shape) for v in values]
    return values, shape
