"""Several members and E's counter-moves (MODEL.md, "Beyond one period", items 3 and 4).

* :mod:`~kzgame.members.contagion`: the contagion mechanism, E's cost of conceding;
* :mod:`~kzgame.members.vectorized`: the members' game solved over parameter arrays;
* :mod:`~kzgame.members.trees`: the same games as trees on the engine (small n);
* :mod:`~kzgame.members.countermoves`: E's moves before the members choose.

Theory: docs/theory/members.md.
"""
