"""Input and output: model files (cases, codebooks, validation), Gambit files, figures, the
report and the ``kzgame`` command.

The modules here read and write files; the solvers and analyses they call
take parameters and ranges (:mod:`kzgame.analysis`, :mod:`kzgame.numeric`).
"""
