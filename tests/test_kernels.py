"""The generated classifier on the period game: bit-identical backends, layouts, errors, memory.

Both backends of :func:`kzgame.classify` (the numba kernel and chunked numpy)
are printed from the period game's tree by :mod:`kzgame.numeric.kernels`.
These tests check that the printed gains compute the same floats as the
model's own numeric gains (:func:`kzgame.model.numeric_gains`), and that
both backends return identical codes to the reference "whole-array numpy +
choose" classifier on random inputs with many exact ties, on every
broadcasting layout, with the same errors and bounded memory.
"""

import importlib
import math
import tracemalloc

import numpy as np
import oracle
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kzgame
from kzgame.games import period
from kzgame.model import PROTOCOLS
from kzgame.numeric import cache, chunks, kernels, period_gains, vectorized
from kzgame.params import ParameterError

C = importlib.import_module("kzgame.numeric.classify")

numba_only = pytest.mark.skipif(
    not kernels.NUMBA_AVAILABLE, reason="numba (the 'fast' extra) is not installed"
)

# --- inputs: a mix of continuous values and coarse dyadic grids (exact ties) ---------


def random_params(n: int, seed: int, ties: bool = True) -> dict[str, np.ndarray]:
    """n valid points; with ``ties`` half of them on a grid of multiples of 1/4 and 1/8,
    where float arithmetic is exact and gains tie exactly (knife edges)."""
    rng = np.random.default_rng(seed)

    def pick(lo, hi, grid):
        x = rng.uniform(lo, hi, n)
        if ties:
            on_grid = rng.random(n) < 0.5
            x[on_grid] = rng.choice(grid, on_grid.sum())
        return x

    q4 = np.arange(0, 5) / 4
    p = dict(
        surplus=pick(0.5, 2.0, np.array([0.5, 1.0, 2.0])),
        share=pick(0, 1, q4),
        outside_r=pick(-1, 1.5, np.arange(-4, 7) / 4),
        outside_e=pick(-1, 1.5, np.arange(-4, 7) / 4),
        indispensability=pick(0, 1, q4),
        survival=pick(0, 1, q4),
        invest_cost=pick(0, 0.5, np.arange(0, 5) / 8),
        power=pick(0.05, 0.95, np.array([0.25, 0.5, 0.75])),
        holdup_cost=pick(0, 0.25, np.arange(0, 3) / 8),
        discount_r=pick(0, 0.95, np.array([0.0, 0.5, 0.75])),
        discount_e=pick(0, 0.95, np.array([0.0, 0.5, 0.75])),
    )
    return p


def reference(protocol="nash", atol=0.0, **params):
    """The engine's gains on whole arrays, then R's rule as first written (``choose``).

    With ``atol`` > 0, E too counts gains within ``atol`` as tied and then concedes
    (listed first): it refuses only if refusing gains it more than ``atol``, that is
    if its concession margin is below ``-atol``.
    """
    p = C.prepare(params)
    shape = np.broadcast_shapes(*(a.shape for a in p.values()))
    ins = period_gains.gains_code(protocol).inputs
    g_i, g_h, g_x, margin = period_gains.numpy_gains(protocol)(*(p[k] for k in ins))
    code = C.choose(*np.broadcast_arrays(g_i, g_h, g_x, margin >= -atol), atol=atol)
    return np.broadcast_to(code, shape)


# --- the generated code computes the model's floats --------------------------------


@pytest.mark.parametrize("protocol", list(PROTOCOLS))
def test_engine_gains_are_the_closed_forms(protocol):
    """The gains printed from the tree against MODEL.md's closed forms (tests/oracle.py):
    equal to rounding on random points, exactly equal on a dyadic grid."""
    ins = period_gains.gains_code(protocol).inputs
    f = period_gains.numpy_gains(protocol)
    p = random_params(20_000, seed=1, ties=False)
    ours = np.broadcast_arrays(*f(*(p[k] for k in ins)))
    g_i, g_h, _, g_x, margin = oracle.gains(protocol, **p)
    for a, b in zip(ours, (g_i, g_h, g_x, margin), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
    p = random_params(20_000, seed=11, ties=True)
    on_grid = {k: np.round(v * 8) / 8 for k, v in p.items()}  # exact arithmetic
    on_grid["surplus"] = np.ones(20_000)
    on_grid["power"] = np.full(20_000, 0.25)
    on_grid["discount_r"] = np.zeros(20_000)  # Rubinstein's weight 1 - delta_E: exact
    ours = np.broadcast_arrays(*f(*(on_grid[k] for k in ins)))
    g_i, g_h, _, g_x, margin = oracle.gains(protocol, **on_grid)
    for a, b in zip(ours, (g_i, g_h, g_x, margin), strict=True):
        assert np.array_equal(a, np.broadcast_to(b, a.shape)), protocol


def test_kernel_source_validates_every_input_against_its_domain():
    game = period("nash")
    exact = kernels.kernel_source(game, exact=True)
    for name in kernels.induction_code(game).gains.inputs:
        assert kernels._domain_test(game.parameters[name].domain, name) in exact
    assert "(outside_r > -inf) & (outside_r < inf)" in exact
    fast = kernels.kernel_source(game)
    assert "(power > 0.0) & (power < 1.0)" in fast
    assert "(share >= 0.0) & (share <= 1.0)" in fast
    # an unbounded input is tested against the guard, which infinities and NaN fail
    # (status 4: run_numba then reports them), not for finiteness as well
    assert "abs(outside_r) <= " in fast and "(outside_r > -inf)" not in fast
    with pytest.raises(kzgame.KzgameError, match="flags"):
        kernels.kernel_source(game, (True,))


def test_no_period_specific_code_in_the_numeric_backends():
    """The kernels are printed from the tree: no move or parameter name is typed in them."""
    import inspect

    for module in (kernels, vectorized, chunks, cache):
        text = inspect.getsource(module)
        for word in ("hold-up", "invest", "refuse", "stake_r", "outside_r", "survival"):
            assert word not in text.replace("kzgame.games.period", ""), (module, word)


# --- identical codes: backends and the reference ----------------------------------


@numba_only
@pytest.mark.parametrize("protocol", list(PROTOCOLS))
def test_backends_and_reference_agree_on_random_points_with_ties(protocol):
    p = random_params(30_000, seed=3)
    ref = reference(protocol, **p)
    for atol in (0.0, 1e-3):
        ref = reference(protocol, atol=atol, **p)
        fast = kzgame.classify(protocol=protocol, atol=atol, backend="numba", **p)
        slow = kzgame.classify(protocol=protocol, atol=atol, backend="numpy", **p)
        assert fast.dtype == slow.dtype == np.int8
        np.testing.assert_array_equal(fast, ref)
        np.testing.assert_array_equal(slow, ref)
    # the sample really contains knife edges, and every strategy
    assert len(np.unique(ref)) == 4


def test_numpy_backend_agrees_with_reference_across_chunk_sizes():
    p = random_params(5_000, seed=4)
    ref = reference("outside-option", **p)
    game = period("outside-option")
    arrays = vectorized.game_arrays(game, p)
    for chunk in (1, 7, 1000, 10**6):
        got = vectorized._classify_numpy(game, 0.0, arrays, (5_000,), chunk)
        np.testing.assert_array_equal(got, ref)


def _layouts():
    """Inputs in many memory layouts (views, broadcasts, transposes, empties)."""
    p = random_params(24, seed=5)
    full = {k: v.reshape(4, 6) for k, v in p.items()}
    yield "scalars", {k: float(v[0]) for k, v in p.items()}, ()
    yield "full 2-D", full, (4, 6)
    yield (
        "open grid",
        {
            **{k: float(v[0]) for k, v in p.items()},
            "outside_r": p["outside_r"][:5, None],
            "indispensability": p["share"][:7],
            "survival": p["survival"][:7],
        },
        (5, 7),
    )
    yield (
        "3-D grid",
        {
            **{k: float(v[0]) for k, v in p.items()},
            "share": p["share"][:3, None, None],
            "outside_r": p["outside_r"][:4, None],
            "survival": p["survival"][:5],
        },
        (3, 4, 5),
    )
    yield (
        "transposed",
        {
            **full,
            "outside_r": np.asfortranarray(full["outside_r"]),
            "survival": full["survival"].T.copy().T,
        },
        (4, 6),
    )
    yield (
        "strided view",
        {
            **{k: float(v[0]) for k, v in p.items()},
            "outside_r": p["outside_r"][::2],
            "share": p["share"][1::2],
        },
        (12,),
    )
    yield "reversed", {**full, "outside_e": full["outside_e"][::-1, ::-1]}, (4, 6)
    yield (
        "broadcast_to view",
        {
            **{k: float(v[0]) for k, v in p.items()},
            "outside_r": np.broadcast_to(p["outside_r"][:6], (4, 6)),
        },
        (4, 6),
    )
    yield (
        "empty",
        {
            **{k: float(v[0]) for k, v in p.items()},
            "outside_r": np.zeros((0, 3)),
            "share": np.full(3, 0.5),
        },
        (0, 3),
    )
    yield (
        "unused-parameter shape",
        {**{k: float(v[0]) for k, v in p.items()}, "discount_r": np.full((2, 3), 0.5)},
        (2, 3),
    )
    yield (
        "integer and list inputs",
        {
            **{k: float(v[0]) for k, v in p.items()},
            "survival": np.array([0, 1]),
            "share": [0.25, 1],
        },
        (2,),
    )


@numba_only
@pytest.mark.parametrize("case", list(_layouts()), ids=lambda c: c[0])
def test_backends_agree_on_every_layout(case):
    _, params, shape = case
    ref = reference("nash", **params)
    for backend in ("numba", "numpy"):
        got = kzgame.classify(backend=backend, **params)
        assert got.shape == shape and got.dtype == np.int8
        np.testing.assert_array_equal(got, ref)


def test_layout_reads_inputs_in_place_and_collapses_axes():
    col, row = np.zeros((3, 1)), np.zeros(4)
    bufs, ext, strides = chunks.layout([col, row], (3, 4))
    assert ext.tolist() == [3, 4] and strides.tolist() == [[1, 0], [0, 1]]
    assert np.shares_memory(bufs[0], col) and np.shares_memory(bufs[1], row)
    full = np.zeros((3, 4))
    _, ext, strides = chunks.layout([full, np.zeros(())], (3, 4))
    assert ext.tolist() == [12] and strides.tolist() == [[1], [0]]
    # a transposed input is copied once, so the inner loop reads it contiguously
    t = np.zeros((4, 3)).T
    bufs, ext, strides = chunks.layout([t], (3, 4))
    assert strides[0, -1] == 1 and not np.shares_memory(bufs[0], t)
    # a broadcast view is read in place (stride 0), never materialized
    b = np.broadcast_to(np.arange(4.0), (1000, 4))
    bufs, ext, strides = chunks.layout([b, full[:1]], (1000, 4))
    assert bufs[0].size == 4 and strides[0].tolist() == [0, 1]


@given(st.lists(st.integers(0, 5), max_size=4), st.integers(1, 40))
def test_chunks_cover_the_grid_once_in_c_order(shape, chunk):
    shape = tuple(shape)
    seen = []
    for idx in chunks.chunk_indices(shape, chunk):
        block = np.arange(math.prod(shape)).reshape(shape)[idx]
        assert 0 < block.size <= chunk
        flat = block.ravel()
        assert np.array_equal(flat, np.arange(flat[0], flat[0] + flat.size))  # contiguous
        seen.extend(flat.tolist())
    assert seen == list(range(math.prod(shape)))


# --- validation and errors: the same from both backends ----------------------------

BAD = [
    ("share", 1.5, "share = 1.5 is outside the allowed range [0, 1]"),
    ("survival", -0.25, "survival = -0.25 is outside the allowed range [0, 1]"),
    ("power", 1.0, "power = 1.0 is outside the allowed range (0, 1)"),
    ("surplus", 0.0, "surplus = 0.0 is outside the allowed range (0, inf)"),
    ("outside_r", np.inf, "outside_r = inf is not a finite number"),
    ("outside_e", -np.inf, "outside_e = -inf is not a finite number"),
    ("outside_e", np.nan, "outside_e = nan is not a finite number"),
    ("invest_cost", np.nan, "invest_cost = nan is not a finite number"),
    ("discount_e", 1.0, "discount_e = 1.0 is outside the allowed range [0, 1)"),
]


def _backends():
    return ["numba", "numpy"] if kernels.NUMBA_AVAILABLE else ["numpy"]


@pytest.mark.parametrize("name,value,message", BAD)
def test_bad_value_in_a_large_array_is_reported_alike(name, value, message):
    p = random_params(3_000, seed=6, ties=False)
    p[name] = p[name].copy()
    p[name][2_500] = value
    for backend in _backends():
        with pytest.raises(ParameterError) as err:
            kzgame.classify(backend=backend, **p)
        assert message in str(err.value), backend


def test_first_offending_value_and_parameter_order():
    p = random_params(1_000, seed=7, ties=False)
    p["survival"] = p["survival"].copy()
    p["survival"][[10, 20]] = [3.0, 2.0]  # first in C order is reported
    p["share"] = np.broadcast_to(p["share"][:1], (1_000,)).copy()
    p["share"][900] = -1.0  # share comes before survival in PARAMETERS
    for backend in _backends():
        with pytest.raises(ParameterError, match=r"share = -1.0"):
            kzgame.classify(backend=backend, **p)
        p2 = {**p, "share": 0.5}
        with pytest.raises(ParameterError, match=r"survival = 3.0 "):
            kzgame.classify(backend=backend, **p2)


@pytest.mark.parametrize(
    "protocol,unused",
    [("nash", "discount_r"), ("ultimatum", "power"), ("rubinstein", "power")],
)
def test_parameter_order_includes_parameters_the_protocol_ignores(protocol, unused):
    # the numba kernel validates only the inputs it reads; an invalid parameter the
    # protocol ignores must not be reported before an earlier invalid one
    assert unused not in kernels.induction_code(period(protocol)).gains.inputs
    p = random_params(100, seed=12, ties=False)
    p["share"] = p["share"].copy()
    p["share"][40] = 1.5
    p[unused] = np.full(100, 1.0)  # outside (0, 1) and [0, 1): invalid
    for backend in _backends():
        with pytest.raises(ParameterError, match=r"share = 1.5 "):
            kzgame.classify(protocol=protocol, backend=backend, **p)
        with pytest.raises(ParameterError, match=rf"{unused} = 1.0 "):
            kzgame.classify(protocol=protocol, backend=backend, **{**p, "share": 0.5})


def test_overflow_is_an_error_not_a_strategy():
    # every input in its domain, but the stake s V - o_R overflows to inf
    p = random_params(100, seed=8, ties=False)
    p["surplus"] = p["surplus"].copy()
    p["outside_r"] = p["outside_r"].copy()
    p["share"] = p["share"].copy()
    p["surplus"][37], p["share"][37], p["outside_r"][37] = 1e308, 1.0, -1e308
    messages = set()
    for backend in _backends():
        with pytest.raises(ParameterError, match=r"overflow float64 at index \(37,\)") as err:
            kzgame.classify(backend=backend, **p)
        messages.add(str(err.value))
    assert len(messages) == 1


def test_other_errors():
    base = dict(
        share=0.5, outside_r=0.0, outside_e=0.0, indispensability=0.5, survival=0.5, invest_cost=0.0
    )
    with pytest.raises(kzgame.KzgameError, match="unknown backend 'gpu'"):
        kzgame.classify(backend="gpu", **base)
    with pytest.raises(ParameterError, match="do not broadcast"):
        kzgame.classify(**{**base, "share": np.zeros(3) + 0.5, "survival": np.zeros(4)})
    with pytest.raises(ParameterError, match="must be a number"):
        kzgame.classify(**{**base, "share": "half"})
    with pytest.raises(ParameterError, match="atol"):
        kzgame.classify(**base, atol=float("nan"))


def test_without_numba_auto_uses_numpy_and_numba_is_refused(monkeypatch):
    monkeypatch.setattr(kernels, "NUMBA_AVAILABLE", False)

    def boom(*args, **kwargs):
        raise AssertionError("the numba kernel must not run")

    monkeypatch.setattr(kernels, "run_numba", boom)
    p = random_params(vectorized.NUMBA_MIN_POINTS, seed=9)
    np.testing.assert_array_equal(kzgame.classify(**p), reference(**p))
    with pytest.raises(kzgame.KzgameError, match=r"pip install kzgame\[fast\]"):
        kzgame.classify(backend="numba", **p)


@numba_only
def test_auto_picks_numba_for_large_grids(monkeypatch):
    calls = []
    real = kernels.run_numba

    def spy(*args, **kwargs):
        calls.append(args[2])
        return real(*args, **kwargs)

    monkeypatch.setattr(kernels, "run_numba", spy)
    p = random_params(vectorized.NUMBA_MIN_POINTS, seed=10)
    kzgame.classify(**p)
    kzgame.classify(**{k: v[:100] for k, v in p.items()})
    assert calls == [(vectorized.NUMBA_MIN_POINTS,)]


# --- memory: the output plus bounded temporaries -----------------------------------


@pytest.mark.parametrize("backend", _backends())
def test_peak_memory_is_output_plus_a_bounded_chunk(backend):
    """A 4e6-point grid from two short axes: no broadcast copy, no full-size float."""
    o_r = np.linspace(-0.5, 1.0, 2000)[:, None]
    iota = np.linspace(0.0, 1.0, 2000)
    args = dict(
        share=0.5,
        outside_r=o_r,
        outside_e=0.0,
        indispensability=iota,
        survival=0.8,
        invest_cost=0.05,
    )
    kzgame.classify(backend=backend, **{**args, "outside_r": o_r[:2]})  # compile outside the trace
    tracemalloc.start()
    try:
        codes = kzgame.classify(backend=backend, **args)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    out = codes.nbytes  # 4e6 int8 = 4 MB; one float64 copy of the grid would be 32 MB
    chunk_bytes = 40 * 8 * chunks.CHUNK  # a few dozen chunk-sized float temporaries
    assert out == 4_000_000
    assert peak <= out + chunk_bytes + 200_000, (peak, out)


def test_cache_dir_setting(monkeypatch, tmp_path):
    monkeypatch.setenv("KZGAME_CACHE_DIR", "off")
    assert cache.cache_dir() is None
    monkeypatch.setenv("KZGAME_CACHE_DIR", str(tmp_path))
    assert cache.cache_dir() == tmp_path
    monkeypatch.delenv("KZGAME_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.cache_dir() == tmp_path / "kzgame"


@numba_only
def test_an_infinite_or_nan_input_is_reported_without_compiling_the_exact_kernel():
    """Infinities and NaN fail the guard (status 4); they are invalid inputs, reported
    from a check of the arrays, not by compiling the kernel that tests every value."""
    from kzgame.game import Game, decision, outcome

    g = Game(decision("A", {"x": outcome(A="2*t - 1"), "y": outcome(A="t*t")}),
             parameters={"t": "real"})
    t = np.linspace(-2.0, 2.0, 1_000)
    kzgame.classify(g, t=t, backend="numba")
    for value in (np.nan, np.inf):
        bad = t.copy()
        bad[700] = value
        with pytest.raises(ParameterError, match=f"t = {value!r} is not a finite number"):
            kzgame.classify(g, t=bad, backend="numba")
    assert all(not exact for _varying, exact in kernels._KERNELS[g])
    # an input beyond the guard but finite is classified by the exact kernel
    huge = t.copy()
    huge[700] = 1e100  # beyond the guard (2**256), and t*t is still finite
    codes = kzgame.classify(g, t=huge, backend="numba")
    assert codes.tolist() == kzgame.classify(g, t=huge, backend="numpy").tolist()
    assert any(exact for _varying, exact in kernels._KERNELS[g])
