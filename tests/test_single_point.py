"""Single-point calls (issue 15): ``solve`` evaluates a game's printed gains on Python
floats (numpy scalars only where Python would raise or turn complex); the gains are
bit for bit those of numpy scalars, and a Period's fast paths equal the general ones."""

from __future__ import annotations

import dataclasses

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import params as valid_params
from strategies import tie_prone_params

import kzgame
from kzgame.game import Game, decision, outcome
from kzgame.games import period
from kzgame.numeric.codegen import gains_code, gains_function
from kzgame.numeric.point import solve_game


def numpy_scalar_gains(game, values):
    """The printed gains on numpy scalars (how solve evaluated them before)."""
    code = gains_code(game)
    with np.errstate(all="ignore"):
        out = gains_function(game)(*(np.float64(values[k]) for k in code.inputs))
    return dict(zip(code.outputs, (float(x) for x in out), strict=True))


@settings(deadline=None, max_examples=150)
@given(p=st.one_of(valid_params(protocol_params=True), tie_prone_params()),
       protocol=st.sampled_from(tuple(kzgame.PROTOCOLS)))
def test_solve_gains_equal_numpy_scalars_bit_for_bit(p, protocol):
    game = period(protocol)
    spe = solve_game(game, **p)
    expect = numpy_scalar_gains(game, game.values(p))
    code = gains_code(game)
    for (n, leaf), var in code.gains.items():
        got = spe.leaf_gains[game.nodes[n].name][game.nodes[leaf].name]
        assert got == expect[var] or (np.isnan(got) and np.isnan(expect[var]))


CURVED = Game(decision("A", {
    "x": outcome(A="sqrt(t) + t**(1/3)", B=0),
    "y": outcome(A="exp(t) - log(t + 2) + 1/(t + 3)", B=1),
}), parameters={"t": (-10.0, 10.0)})


@settings(deadline=None, max_examples=150)
@given(t=st.floats(-10.0, 10.0))
def test_a_game_with_powers_and_logs_agrees_with_classify(t):
    """Where Python floats would turn complex (a real power of a negative number) or raise,
    solve takes numpy scalars: the same verdict as classify, value or error."""
    def verdict(call):
        try:
            return ("ok", call())
        except kzgame.ParameterError as e:
            return ("error", str(e).split(" at ")[0].split(" (")[0])
    got = verdict(lambda: CURVED.outcomes.index(solve_game(CURVED, t=t).outcome))
    want = verdict(lambda: int(kzgame.classify(CURVED, t=np.array(t))))
    assert got[0] == want[0]
    if got[0] == "ok":
        assert got == want
    else:
        assert "not defined" in got[1] and "not defined" in want[1]


@settings(deadline=None, max_examples=100)
@given(p=valid_params(protocol_params=True))
def test_a_periods_dict_and_values_are_the_general_ones(p):
    period_ = kzgame.Period(**p)
    assert period_.as_dict() == dataclasses.asdict(period_)
    game = period("nash")
    fast = game.values(p)
    slow = {k: float(game.parameters[k].check(p.get(k, v.default))) for k, v in
            game.parameters.items()}
    assert fast == slow
    for k, v in p.items():
        assert game.parameters[k].domain.contains(v) == bool(
            game.parameters[k].domain.mask(np.asarray(v)))
