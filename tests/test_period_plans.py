"""The period game's shipped printed code (kzgame.numeric.period_plans) and classify's
scalar fast path: the same code as the game prints, the same codes and the same errors."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import params as valid_params
from strategies import tie_prone_params

import kzgame
from kzgame.errors import KzgameError
from kzgame.games import period
from kzgame.numeric import kernels, period_plans
from kzgame.numeric.period_plans import PeriodPlan, period_game, scalar_code

PROTOCOLS = tuple(kzgame.PROTOCOLS)
DATA = Path(period_plans.__file__).with_name("period_plans_data.py")


def test_the_shipped_code_is_what_the_package_prints_now():
    # fails after an edit of a module in GENERATORS: run python -m kzgame.numeric.period_plans
    assert DATA.read_text(encoding="utf-8") == period_plans.render()
    assert period_plans.plans() is not None
    assert period_plans.protocol_names() == PROTOCOLS


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_a_plan_is_the_game_as_printed(protocol):
    plan, game = period_game(protocol), period(protocol)
    assert isinstance(plan, PeriodPlan)
    assert list(plan.parameters) == list(game.parameters)
    assert all(plan.parameters[k] == p for k, p in game.parameters.items())
    assert plan.title == game.title
    assert kernels.code_dtype(plan) == kernels.code_dtype(game)
    ic_plan, ic_game = kernels.induction_code(plan), kernels.induction_code(game)
    assert ic_plan.gains == ic_game.gains and ic_plan.numba_lines == ic_game.numba_lines
    assert ic_plan.numpy_lines == ic_game.numpy_lines and ic_plan.finite == ic_game.finite
    n = len(ic_game.gains.inputs)
    for varying in (None, (True,) * n, (False,) * (n - 1) + (True,)):
        # the compiled kernel made from the plan is the same file as the game's
        assert kernels.kernel_source(plan, varying, cache=True) == kernels.kernel_source(
            game, varying, cache=True)


def test_a_stale_plan_falls_back_to_the_printed_game(monkeypatch):
    grid = dict(share=0.5, outside_r=np.linspace(-0.5, 1.0, 13), outside_e=0.0,
                indispensability=np.linspace(0, 1, 5)[:, None], survival=0.8, invest_cost=0.05)
    fresh = kzgame.classify(**grid, backend="numpy")
    monkeypatch.setattr(period_plans, "plans", lambda: None)  # as if a generator was edited
    assert period_game("nash") is period("nash")
    assert scalar_code("nash", dict(share=0.5, outside_r=0.0, outside_e=0.0,
                                    indispensability=0.5, survival=0.5, invest_cost=0.0),
                       0.0) is None
    np.testing.assert_array_equal(kzgame.classify(**grid, backend="numpy"), fresh)
    with pytest.raises(KzgameError, match="unknown protocol 'nsh'"):
        period_game("nsh")


def test_a_fingerprint_covers_every_generator_and_sympy():
    assert "numeric/period_plans.py" in period_plans.GENERATORS
    assert len(set(period_plans.GENERATORS)) == len(period_plans.GENERATORS)
    import sympy

    assert period_plans._sympy_version() == sympy.__version__


# --------------------------------------------------------------------------
# The scalar fast path against the array path


def as_arrays(p: dict) -> dict:
    """The same values as 0-d arrays: classify then takes the array path."""
    return {k: np.asarray(v) if isinstance(v, float | int) and not isinstance(v, bool) else v
            for k, v in p.items()}


EDGES = {  # each parameter's domain ends, and values on either side of them
    "share": [0.0, 1.0, 5e-324, 1 - 2**-53],
    "indispensability": [0.0, 1.0],
    "survival": [0.0, 1.0, 2**-53],
    "invest_cost": [0.0, 5e-324],
    "power": [5e-324, 1 - 2**-53, 0.5],
    "holdup_cost": [0.0],
    "surplus": [5e-324, 1.0, 1e300],
    "outside_r": [0.0, -0.0, 1e300, -1e300, 1.7e308],
    "outside_e": [0.0, -1e300, 1e300],
    "discount_r": [0.0, 1 - 2**-53],
    "discount_e": [0.0, 1 - 2**-53],
}


@st.composite
def points(draw):
    """Valid points: random, tie-prone (exact knife edges) or with some parameters at the
    ends of their domains (and magnitudes whose gains may overflow)."""
    p = draw(st.one_of(valid_params(protocol_params=True), tie_prone_params()))
    for k in draw(st.sets(st.sampled_from(sorted(EDGES)), max_size=4)):
        p[k] = draw(st.sampled_from(EDGES[k]))
    if draw(st.booleans()):  # ints are numbers too
        k = draw(st.sampled_from(["share", "survival", "indispensability", "invest_cost"]))
        p[k] = int(draw(st.sampled_from([0, 1])))
    return p


def outcome(call):
    try:
        return ("code", call().tolist())
    except KzgameError as e:
        return (type(e).__name__, str(e))


@settings(deadline=None, max_examples=300)
@given(p=points(), protocol=st.sampled_from(PROTOCOLS),
       atol=st.sampled_from([0.0, 0, 1e-12, 1e-3, 0.25]))
def test_scalars_classify_as_arrays_do(p, protocol, atol):
    scalar = outcome(lambda: kzgame.classify(protocol=protocol, atol=atol, **p))
    array = outcome(lambda: kzgame.classify(protocol=protocol, atol=atol, **as_arrays(p)))
    assert scalar == array
    fast = scalar_code(protocol, p, float(atol))
    if fast is not None:  # the fast path answered: its code is the array path's
        assert scalar == ("code", fast)
    else:  # it passed: only where a gain is not finite (the error is the array path's)
        assert scalar[0] == "ParameterError"
    if scalar[0] == "code" and math.isfinite(p["outside_r"]):
        engine = kzgame.solve(kzgame.Period(**p), protocol, atol=atol).strategy.code
        assert engine == scalar[1]


BAD_VALUES = [-0.5, 1.5, math.nan, math.inf, -math.inf, True, False, None, "0.5", b"1",
              1 + 0j, 10**400, -(10**400), [0.5, 7.0], np.ma.array([0.5], mask=[1]),
              np.float32(2.5), np.int64(-3), object()]


@settings(deadline=None, max_examples=200)
@given(p=valid_params(protocol_params=True), bad=st.sampled_from(BAD_VALUES),
       name=st.sampled_from(sorted(EDGES)), protocol=st.sampled_from(PROTOCOLS))
def test_invalid_scalars_give_the_array_paths_error(p, bad, name, protocol):
    q = {**p, name: bad}
    scalar = outcome(lambda: kzgame.classify(protocol=protocol, **q))
    array = outcome(lambda: kzgame.classify(protocol=protocol, **{**as_arrays(p), name: bad}))
    assert scalar == array


@pytest.mark.parametrize("change, match", [
    (dict(protocol="nsh"), "unknown protocol 'nsh'"),
    (dict(atol=-1.0), r"atol = -1.0 is outside"),
    (dict(atol=math.nan), r"atol = nan is outside"),
    (dict(shares=0.5), r"unknown parameter\(s\) shares"),
    (dict(backend="gpu"), "unknown backend 'gpu'"),
])
def test_invalid_calls_give_the_same_errors(change, match):
    p = dict(share=0.5, outside_r=0.0, outside_e=0.0, indispensability=0.9, survival=0.8,
             invest_cost=0.05)
    for values in (p, as_arrays(p)):
        with pytest.raises(KzgameError, match=match):
            kzgame.classify(**values, **change)
    missing = {k: v for k, v in p.items() if k != "survival"}
    for values in (missing, as_arrays(missing)):
        with pytest.raises(KzgameError, match=r"missing parameter\(s\): survival"):
            kzgame.classify(**values)
