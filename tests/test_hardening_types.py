"""Issue 15, silent wrong answers: masked arrays, types, and one verdict per input.

Every entry point that takes parameter values (:class:`kzgame.Period`,
:func:`kzgame.classify` on the period game and on any game, both backends,
:func:`kzgame.analysis.near_boundary`, thresholds' ``.func`` and ``.roots``)
accepts real numbers only, by one check (:func:`kzgame.game.registry.real_array`),
and refuses masked arrays: a :class:`ParameterError` naming the parameter.
Codes are checked once too (:func:`kzgame.game.outcomes.check_codes`):
``Strategy.decode``, ``Strategy.from_code`` and ``OutcomeCodes.decode`` agree.
"""

from __future__ import annotations

import datetime
import decimal
import fractions
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kzgame
from kzgame import Period, Strategy
from kzgame.analysis import near_boundary
from kzgame.errors import GameError, KzgameError, ParameterError
from kzgame.game import Game, decision, outcome
from kzgame.game.outcomes import outcome_codes
from kzgame.game.registry import REGISTRY, real_array
from kzgame.numeric import kernels
from kzgame.numeric.vectorized import NUMBA_MIN_POINTS

numba_only = pytest.mark.skipif(
    not kernels.NUMBA_AVAILABLE, reason="numba (the 'fast' extra) is not installed"
)

BASE = dict(share=0.5, outside_r=0.3, outside_e=0.1, indispensability=0.8, survival=0.9,
            invest_cost=0.05)
ENTRY = Game(decision("Entrant", {
    "out": outcome(Entrant=0, Incumbent=2),
    "in": decision("Incumbent", {
        "accommodate": outcome(Entrant=1, Incumbent=1),
        "fight": outcome(Entrant=-1, Incumbent="1 - share"),
    }),
}), parameters={"share": "unit"})
THRESHOLD = kzgame.threshold("indispensability", between=("hold-up", "accept"), protocol="nash")
FUNC_ARGS = dict(share=0.5, outside_r=0.3, outside_e=0.1, survival=0.8)


def _period(value):
    return Period(**{**BASE, "share": value})


def _classify(backend):
    return lambda value: kzgame.classify(backend=backend, **{**BASE, "share": value})


def _classify_game(backend):
    return lambda value: kzgame.classify(ENTRY, backend=backend, share=value)


def _near_boundary(value):
    return near_boundary(**{**BASE, "share": value})


def _func(value):
    return THRESHOLD.func(**{**FUNC_ARGS, "share": value})


def _roots(value):
    return THRESHOLD.roots(**{**FUNC_ARGS, "share": value})


#: Every entry point that takes a value of ``share`` (scalars and arrays).
ENTRY_POINTS = [
    pytest.param(_classify("numpy"), id="classify-numpy"),
    pytest.param(_classify("numba"), id="classify-numba", marks=numba_only),
    pytest.param(_classify_game("numpy"), id="classify-game-numpy"),
    pytest.param(_classify_game("numba"), id="classify-game-numba", marks=numba_only),
    pytest.param(_near_boundary, id="near_boundary"),
    pytest.param(_func, id="threshold-func"),
    pytest.param(_roots, id="threshold-roots"),
]
#: ... and those that take one number (Period) too.
SCALAR_ENTRY_POINTS = [pytest.param(_period, id="Period"), *ENTRY_POINTS]


def _refused(call, value, what: str = "") -> str:
    with pytest.raises(ParameterError, match=r"^share\b") as err:
        call(value)
    assert re.search(what, str(err.value)), str(err.value)
    return str(err.value)


# ---------------------------------------------------------------------------
# Masked arrays: refused everywhere arrays are accepted
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("call", ENTRY_POINTS)
def test_the_issue_masked_array_is_refused(call):
    # classify returned a code for the hidden 7.0; the numba kernel raised an AssertionError
    _refused(call, np.ma.array([0.5, 7.0], mask=[0, 1]), "masked arrays are not accepted")


@pytest.mark.parametrize("call", SCALAR_ENTRY_POINTS)
@pytest.mark.parametrize("value", [
    pytest.param(np.ma.array(0.5, mask=False), id="0d-unmasked"),
    pytest.param(np.ma.array(0.5, mask=True), id="0d-masked"),
    pytest.param(np.ma.masked, id="masked-constant"),
])
def test_masked_scalars_are_refused(call, value):
    _refused(call, value, "masked")


@numba_only
def test_a_masked_grid_large_enough_for_the_kernel_is_refused_by_auto():
    share = np.ma.array(np.full(NUMBA_MIN_POINTS, 0.5), mask=False)
    share[-1] = 7.0
    share[-1] = np.ma.masked
    _refused(_classify("auto"), share, "masked")


@settings(max_examples=30, deadline=None)
@given(
    values=st.lists(st.floats(-10, 10), min_size=1, max_size=6),
    data=st.data(),
    dtype=st.sampled_from([np.float64, np.float32, np.int64]),
)
def test_generated_masked_arrays_are_refused_everywhere(values, data, dtype):
    mask = data.draw(st.lists(st.booleans(), min_size=len(values), max_size=len(values)))
    arr = np.ma.array(np.asarray(values).astype(dtype), mask=mask)
    calls = [_classify("numpy"), _classify_game("numpy"), _near_boundary, _func, _roots]
    if kernels.NUMBA_AVAILABLE:
        calls.append(_classify("numba"))
    for call in calls:
        _refused(call, arr, "masked")


# ---------------------------------------------------------------------------
# Types: real numbers only, one verdict at every entry point
# ---------------------------------------------------------------------------

NOT_REAL = [
    pytest.param(True, "boolean", id="bool"),
    pytest.param(np.bool_(False), "boolean", id="numpy-bool"),
    pytest.param(0.5 + 0j, "complex", id="complex"),
    pytest.param(np.complex128(0.5), "complex", id="numpy-complex"),
    pytest.param("0.5", "str", id="str"),
    pytest.param(b"0.5", "bytes", id="bytes"),
    pytest.param(np.datetime64("2020-01-01"), "datetime64", id="datetime64"),
    pytest.param(datetime.datetime(2020, 1, 1), "datetime", id="datetime"),
    pytest.param(datetime.date(2020, 1, 1), "date", id="date"),
    pytest.param(datetime.timedelta(days=1), "timedelta", id="timedelta"),
    pytest.param(np.timedelta64(3, "D"), "timedelta64", id="timedelta64"),
    pytest.param(None, "NoneType", id="None"),
    pytest.param(10**400, "400 digits", id="huge-int"),
]
NOT_REAL_ARRAYS = [
    pytest.param(np.array([0.5, 0.25], dtype=complex), "complex", id="complex-array"),
    pytest.param(np.array([True, False]), "dtype bool", id="bool-array"),
    pytest.param(np.array(["0.5"]), "dtype <U3", id="str-array"),
    pytest.param(np.array([b"0.5"]), "dtype", id="bytes-array"),
    pytest.param(np.array(["2020-01-01"], dtype="datetime64[D]"), "datetime64", id="dates"),
    pytest.param(np.array([1, 2], dtype="timedelta64[D]"), "timedelta64", id="timedeltas"),
    pytest.param(np.array([0.5, "0.5"], dtype=object), "str", id="object-with-str"),
    pytest.param(np.array([0.5, None], dtype=object), "NoneType", id="object-with-None"),
    pytest.param(np.array([0.5, True], dtype=object), "boolean", id="object-with-bool"),
    pytest.param(np.array([0.5, 1j], dtype=object), "complex", id="object-with-complex"),
    pytest.param([0.4, "0.6"], "str", id="list-with-str"),
    pytest.param([True, 0.6], "boolean", id="list-with-bool"),
    pytest.param((0.5, 0.6 + 0j), "complex", id="tuple-with-complex"),
    pytest.param([[0.5], [0.5, 0.6]], "ragged|list", id="ragged"),
]


@pytest.mark.parametrize(("value", "what"), NOT_REAL)
@pytest.mark.parametrize("call", SCALAR_ENTRY_POINTS)
def test_non_real_numbers_are_refused_everywhere(call, value, what):
    if call is _period and what == "boolean":
        what = "single number.*boolean"  # Period's own wording (it takes one number)
    _refused(call, value, what)


@pytest.mark.parametrize(("value", "what"), NOT_REAL_ARRAYS)
@pytest.mark.parametrize("call", SCALAR_ENTRY_POINTS)
def test_arrays_of_non_real_values_are_refused_everywhere(call, value, what):
    if call is _period:
        what = ""  # an array is not one number, whatever it holds
    _refused(call, value, what)


@pytest.mark.parametrize("call", [_classify("numpy"), _classify_game("numpy"), _period])
def test_booleans_get_one_verdict(call):
    # they passed classify (as 1.0) and failed Period: now refused by both
    _refused(call, True, "boolean")
    _refused(call, np.True_, "boolean")


REAL = [fractions.Fraction(1, 2), decimal.Decimal("0.5"), np.float32(0.5), np.float16(0.5),
        np.int64(0), 0, 1, np.uint8(1), np.array(0.5), np.longdouble(0.5)]


@pytest.mark.parametrize("value", REAL, ids=repr)
@pytest.mark.parametrize("call", SCALAR_ENTRY_POINTS)
def test_real_numbers_of_every_kind_give_the_answer_of_the_float(call, value):
    got, want = call(value), call(float(value))
    if isinstance(want, Period):
        assert got == want
    else:
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("call", ENTRY_POINTS)
def test_arrays_of_real_numbers_of_every_kind_give_the_answer_of_floats(call):
    want = call(np.array([0.0, 0.5, 1.0]))
    for value in ([0, 0.5, 1], (fractions.Fraction(0), decimal.Decimal("0.5"), np.int8(1)),
                  np.array([0, 1, 2], dtype=np.float32) / 2,
                  np.array([0.0, 0.5, 1.0], dtype=object), [np.float64(0), np.float32(0.5), 1]):
        np.testing.assert_array_equal(call(value), want)


def test_float64_arrays_are_not_copied_and_the_domain_is_still_checked():
    arr = np.array([0.25, 0.5])
    assert real_array("share", arr) is arr or np.shares_memory(real_array("share", arr), arr)
    with pytest.raises(ParameterError, match=r"^share = 7\.0 is outside"):
        REGISTRY["share"].check(np.array([0.5, 7.0]))


@settings(max_examples=60, deadline=None)
@given(st.one_of(
    st.booleans(), st.complex_numbers(allow_nan=False), st.text(max_size=5),
    st.binary(max_size=5), st.datetimes(), st.dates(), st.timedeltas(), st.none(),
    st.lists(st.one_of(st.text(max_size=2), st.booleans(), st.complex_numbers(),
                       st.none(), st.dates()), min_size=1, max_size=3),
))
def test_generated_non_real_values_are_refused_with_one_verdict(value):
    calls = [_period, _classify("numpy"), _classify_game("numpy"), _near_boundary, _func,
             _roots]
    if kernels.NUMBA_AVAILABLE:
        calls += [_classify("numba"), _classify_game("numba")]
    for call in calls:
        with pytest.raises(ParameterError, match=r"^share\b"):
            call(value)


@settings(max_examples=30, deadline=None)
@given(st.sampled_from(["?", "c8", "c16", "U2", "S2", "M8[D]", "m8[s]", "V4"]),
       st.integers(0, 4))
def test_generated_arrays_of_non_real_dtypes_are_refused(dtype, size):
    arr = np.zeros(size, dtype=dtype)
    for call in (_classify("numpy"), _classify_game("numpy"), _near_boundary, _func, _roots):
        with pytest.raises(ParameterError, match=r"^share\b"):
            call(arr)


# ---------------------------------------------------------------------------
# One input, one verdict: codes, and overflowing gains
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(("code", "message"), [
    (-1, r"no strategy has code -1; codes are 0\.\.3"),
    (4, r"no strategy has code 4; codes are 0\.\.3"),
    (1.9, r"strategy codes are integers from 0 to 3, got 1\.9"),
    (float("nan"), r"integers from 0 to 3, got nan"),
    (True, r"integers from 0 to 3, got True"),
    (np.True_, r"integers from 0 to 3, got np\.True_"),
    ("1", r"integers from 0 to 3, got '1'"),
    (1 + 0j, r"integers from 0 to 3"),
    (1e300, r"no strategy has code 1e\+300"),
])
def test_bad_strategy_codes_are_refused_naming_the_code_and_the_range(code, message):
    with pytest.raises(KzgameError, match=message):
        Strategy.decode(np.array([0, 1]).tolist() + [code])
    with pytest.raises(KzgameError, match=message):
        Strategy.decode(code)
    with pytest.raises(KzgameError, match=message):
        Strategy.from_code(code)


def test_the_issue_strategy_codes_and_masked_codes():
    with pytest.raises(KzgameError, match="no strategy has code -1"):
        Strategy.decode(np.array([-1]))
    with pytest.raises(KzgameError, match="got 1.9"):
        Strategy.decode(np.array([0.0, 1.9]))
    with pytest.raises(KzgameError, match="masked"):
        Strategy.decode(np.ma.array([0, 9], mask=[0, 1]))
    with pytest.raises(KzgameError, match="one code"):
        Strategy.from_code([1, 2])
    assert Strategy.from_code(np.int8(2)) is Strategy.from_code(2.0) is Strategy.HOLD_UP
    assert Strategy.decode([3, 0.0, np.int64(1)]).tolist() == ["exit", "accept", "invest"]
    assert Strategy.decode(np.array([], dtype=np.int8)).shape == (0,)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.integers(-10, 10), st.floats(), st.booleans(),
                 st.integers(-(2**70), 2**70)))
def test_decode_from_code_and_outcome_codes_agree_on_every_code(code):
    codes = outcome_codes(kzgame.games.period("nash"))
    n = len(codes.names)
    results = []
    for f in (lambda: Strategy.from_code(code), lambda: Strategy.decode([code]),
              lambda: Strategy.decode(np.asarray([code]))):
        try:
            results.append(str(f() if not isinstance(f(), np.ndarray) else f()[0]))
        except KzgameError:
            results.append(None)
    if isinstance(code, bool):  # numpy makes a bool array of [True]; every path refuses it
        assert results == [None, None, None]
    assert len(set(results)) == 1, results
    ok = results[0] is not None
    assert ok == (not isinstance(code, bool) and code == code and float(code).is_integer()
                  and 0 <= code < 4)
    try:
        codes.decode([code])
        game_ok = True
    except GameError:
        game_ok = False
    assert game_ok == (not isinstance(code, bool) and code == code
                       and float(code).is_integer() and 0 <= code < n)


HUGE = [
    dict(outside_r=-1.7e308, outside_e=-1.7e308),
    dict(surplus=1.7e308, share=1.0, outside_r=-1.7e308),
    dict(invest_cost=1.7e308, holdup_cost=1.7e308, outside_r=-1.7e308),
]


def _verdict(call, params):
    try:
        return ("ok", np.asarray(call(**params)).shape)
    except ParameterError as e:
        return ("error", str(e))


@pytest.mark.parametrize("change", HUGE)
def test_near_boundary_refuses_overflowing_gains_as_classify_does(change):
    params = {**BASE, **change}
    refused = _verdict(kzgame.classify, params)
    assert refused[0] == "error" and "overflow" in refused[1]  # the issue's example
    assert _verdict(near_boundary, params) == refused


@settings(max_examples=60, deadline=None)
@given(
    st.fixed_dictionaries({
        "outside_r": st.one_of(st.floats(-1.7e308, 1.7e308), st.sampled_from([-1.7e308, 0.3])),
        "outside_e": st.one_of(st.floats(-1.7e308, 1.7e308), st.sampled_from([-1.7e308, 0.1])),
        "surplus": st.one_of(st.floats(1e-300, 1.7e308), st.just(1.0)),
        "invest_cost": st.one_of(st.floats(0, 1.7e308), st.just(0.05)),
        "holdup_cost": st.one_of(st.floats(0, 1.7e308), st.just(0.0)),
    }),
    st.sampled_from(["nash", "ultimatum"]),
)
def test_near_boundary_and_classify_refuse_the_same_points(change, protocol):
    params = {**BASE, **change}
    with np.errstate(all="ignore"):
        a = _verdict(lambda **p: kzgame.classify(protocol=protocol, **p), params)
        b = _verdict(lambda **p: near_boundary(protocol=protocol, **p), params)
    assert a[0] == b[0]
    if a[0] == "error":
        assert a == b
