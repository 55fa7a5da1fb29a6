"""Numeric backends generated from a game's symbolic gains.

:mod:`~kzgame.numeric.codegen`
    The printed gains and probabilities every numeric path runs.
:mod:`~kzgame.numeric.point`
    ``solve_game``: backward induction at one point.
:mod:`~kzgame.numeric.kernels`
    Backward induction printed as straight-line code (numpy and numba flavours).
:mod:`~kzgame.numeric.vectorized`
    ``classify_game``: the outcome codes over broadcast parameter arrays.
:mod:`~kzgame.numeric.chunks`, :mod:`~kzgame.numeric.cache`
    Chunks and strides without broadcast copies; the on-disk kernel cache.
:mod:`~kzgame.numeric.period_gains`
    The period game's named gains (a view of its generated gains).
"""
