"""kzgame on dask: classify block by block, equal to numpy exactly, lazily validated.

Runs on the local threaded scheduler and on a ``dask.distributed``
LocalCluster (in-process, two threads), as a cluster would run it.
"""

import importlib

import numpy as np
import pytest

da = pytest.importorskip("dask.array", reason="dask (the 'dask' extra) is not installed")
distributed = pytest.importorskip(
    "distributed", reason="dask.distributed (the 'dask' extra) is not installed"
)

import kzgame  # noqa: E402
from kzgame import Strategy  # noqa: E402
from kzgame.analysis import sweep  # noqa: E402
from kzgame.analysis.distributed import counts, grid, monte_carlo, sample, shares  # noqa: E402
from kzgame.model import PROTOCOLS  # noqa: E402
from kzgame.numeric import kernels  # noqa: E402
from kzgame.params import ParameterError  # noqa: E402

C = importlib.import_module("kzgame.numeric.classify")

FIXED = dict(share=0.5, outside_e=0.0, invest_cost=0.05, holdup_cost=0.0)
AXES = {
    "outside_r": np.linspace(-0.5, 0.75, 21),  # multiples of 1/16: exact ties occur
    "indispensability": np.linspace(0.0, 1.0, 17),
    "survival": np.linspace(0.0, 1.0, 9),
}
BACKENDS = ["numpy", "numba"] if kernels.NUMBA_AVAILABLE else ["numpy"]


def numpy_grid():
    return {
        k: v.reshape([-1 if j == i else 1 for j in range(len(AXES))])
        for i, (k, v) in enumerate(AXES.items())
    }


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
    )
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


@pytest.mark.parametrize("protocol", list(PROTOCOLS))
def test_dask_grid_equals_numpy_exactly(protocol):
    axes = grid(AXES, block_points=500)
    lazy = kzgame.classify(protocol=protocol, backend="numpy", **FIXED, **axes)
    assert isinstance(lazy, da.Array) and lazy.dtype == np.int8
    assert lazy.shape == (21, 17, 9) and lazy.npartitions > 1
    expected = kzgame.classify(protocol=protocol, backend="numpy", **FIXED, **numpy_grid())
    np.testing.assert_array_equal(lazy.compute(scheduler="threads"), expected)
    np.testing.assert_array_equal(counts(lazy), np.bincount(expected.ravel(), minlength=4))


@pytest.mark.parametrize("backend", BACKENDS)
def test_on_a_local_cluster(client, backend):
    axes = grid(AXES, block_points=700)
    lazy = kzgame.classify(backend=backend, **FIXED, **axes)
    expected = kzgame.classify(backend="numpy", **FIXED, **numpy_grid())
    got = client.compute(lazy).result()
    np.testing.assert_array_equal(got, expected)
    assert len(np.unique(expected)) == 4  # the grid crosses every region
    # the reduction runs on the cluster too, block by block
    np.testing.assert_array_equal(counts(lazy), np.bincount(expected.ravel(), minlength=4))
    sh = shares(lazy)
    assert sh[Strategy.HOLD_UP] == np.mean(expected == 2)


def test_mixed_dask_numpy_and_broadcast_inputs():
    rng = np.random.default_rng(0)
    share = rng.choice(np.arange(5) / 4, size=(30, 1))
    o_r = rng.choice(np.arange(-4, 7) / 8, size=40)
    o_e = rng.choice([0.0, 0.25], size=(1, 40))
    other = dict(indispensability=0.75, survival=0.5, invest_cost=0.0625)
    lazy = kzgame.classify(
        share=da.from_array(share, chunks=(7, 1)),
        outside_r=o_r,  # a numpy array, broadcast against the dask arrays
        outside_e=da.from_array(o_e, chunks=(1, 15)),
        **other,
    )
    assert isinstance(lazy, da.Array) and lazy.shape == (30, 40)
    expected = kzgame.classify(share=share, outside_r=o_r, outside_e=o_e, **other)
    np.testing.assert_array_equal(lazy.compute(scheduler="threads"), expected)
    assert len(np.unique(expected)) >= 3


def test_validation_is_lazy_and_per_block():
    bad = np.linspace(0.0, 1.0, 100)
    bad[77] = 1.5
    lazy = kzgame.classify(
        share=da.from_array(bad, chunks=10),
        outside_r=0.0,
        outside_e=0.0,
        indispensability=0.5,
        survival=0.5,
        invest_cost=0.0,
        backend="numpy",
    )  # builds the graph: nothing is computed, nothing raised
    with pytest.raises(ParameterError, match="share = 1.5 is outside the allowed range"):
        lazy.compute(scheduler="sync")
    # blocks without the bad value compute fine
    np.testing.assert_array_equal(
        lazy[:70].compute(scheduler="sync"),
        kzgame.classify(
            share=bad[:70],
            outside_r=0.0,
            outside_e=0.0,
            indispensability=0.5,
            survival=0.5,
            invest_cost=0.0,
        ),
    )


def test_eager_errors_need_no_computation():
    ok = da.from_array(np.full(10, 0.5), chunks=5)
    base = dict(outside_r=0.0, outside_e=0.0, indispensability=0.5, survival=0.5, invest_cost=0.0)
    with pytest.raises(ParameterError, match="unknown parameter"):
        kzgame.classify(share=ok, bogus=1.0, **base)
    with pytest.raises(ParameterError, match="missing parameter"):
        kzgame.classify(share=ok, outside_r=0.0)
    with pytest.raises(ParameterError, match="survival = 2.0"):  # in memory: checked now
        kzgame.classify(share=ok, **{**base, "survival": 2.0})
    with pytest.raises(ParameterError, match="do not broadcast"):
        kzgame.classify(share=ok, **{**base, "survival": np.full(3, 0.5)})
    with pytest.raises(ParameterError, match="must be a number"):
        kzgame.classify(share=da.from_array(np.array(["a", "b"])), **base)
    with pytest.raises(kzgame.KzgameError, match="unknown protocol"):
        kzgame.classify(share=ok, protocol="haggle", **base)


def test_monte_carlo_sample_is_reproducible_and_equals_numpy():
    target = {
        "share": (0.3, 0.7),
        "outside_r": (-0.2, 0.5),
        "outside_e": (0.0, 0.2),
        "indispensability": (0.0, 1.0),
        "survival": 0.8,
        "invest_cost": (0.0, 0.1),
    }
    draws = sample(target, 10_001, seed=5, block_points=1_000)
    assert draws["survival"] == 0.8 and draws["share"].npartitions == 11
    again = sample(target, 10_001, seed=5, block_points=1_000)
    mem = {
        k: (v.compute(scheduler="threads") if hasattr(v, "compute") else v)
        for k, v in draws.items()
    }
    mem_sync = {
        k: (v.compute(scheduler="sync") if hasattr(v, "compute") else v) for k, v in again.items()
    }
    for k in mem:
        np.testing.assert_array_equal(mem[k], mem_sync[k])  # whatever the scheduler
    assert not np.array_equal(mem["share"], mem["outside_r"])  # own stream per parameter
    assert 0.3 <= mem["share"].min() and mem["share"].max() <= 0.7
    codes = kzgame.classify(**draws)
    expected = kzgame.classify(**mem)
    np.testing.assert_array_equal(codes.compute(), expected)
    sh = monte_carlo(target, 10_001, seed=5, block_points=1_000)
    assert sh == {s: float(np.mean(expected == s.code)) for s in Strategy}
    assert (
        sample(target, 10_001, seed=6, block_points=1_000)["share"].compute()[0]
        != (mem["share"][0])
    )


def test_sweep_module_runs_on_dask():
    base = dict(
        share=0.5,
        outside_r=0.0,
        outside_e=0.0,
        indispensability=0.9,
        survival=0.8,
        invest_cost=0.05,
    )
    x, y = np.linspace(-0.25, 0.5, 13), np.linspace(0.0, 1.0, 11)
    in_memory = sweep.sweep(base, "outside_r", x, "indispensability", y)
    on_dask = sweep.sweep(
        base,
        "outside_r",
        da.from_array(x, chunks=5),
        "indispensability",
        da.from_array(y, chunks=4),
    )
    np.testing.assert_array_equal(on_dask.codes, in_memory.codes)
    assert len(np.unique(in_memory.codes)) >= 3


@pytest.mark.parametrize("distribution", ["uniform", "triangular", "pert"])
def test_sample_draws_with_the_uncertainty_module_distributions(distribution):
    from kzgame.analysis.distributed import _name_key
    from kzgame.analysis.uncertainty import draw, triples

    target = {
        "share": (0.5, 0.2, 0.9),
        "outside_r": 0.0,
        "outside_e": 0.0,
        "indispensability": 0.5,
        "survival": 0.5,
        "invest_cost": 0.0,
    }
    got = sample(target, 2_500, seed=11, distribution=distribution, block_points=1_000)
    block1 = got["share"].blocks[1].compute()
    rng = np.random.default_rng([11, _name_key("share"), 1])
    ranges = {"share": triples(target)["share"]}
    np.testing.assert_array_equal(block1, draw(ranges, 1_000, rng, distribution)["share"])


def test_unknown_distribution_and_unknown_chunk_sizes():
    target = {
        "share": (0.4, 0.6),
        "outside_r": 0.0,
        "outside_e": 0.0,
        "indispensability": 0.5,
        "survival": 0.5,
        "invest_cost": 0.0,
    }
    with pytest.raises(kzgame.KzgameError, match="unknown distribution 'normal'"):
        sample(target, 10, distribution="normal")
    # a dask array whose length is unknown until computed (boolean indexing)
    x = da.from_array(np.linspace(0.0, 1.0, 20), chunks=5)
    share = x[x > 0.3]
    assert np.isnan(share.shape[0])
    lazy = kzgame.classify(
        share=share,
        outside_r=0.1,
        outside_e=0.0,
        indispensability=0.5,
        survival=0.5,
        invest_cost=0.0,
    )
    xs = np.linspace(0.0, 1.0, 20)
    expected = kzgame.classify(
        share=xs[xs > 0.3],
        outside_r=0.1,
        outside_e=0.0,
        indispensability=0.5,
        survival=0.5,
        invest_cost=0.0,
    )
    np.testing.assert_array_equal(lazy.compute(), expected)


@pytest.mark.parametrize("backend", BACKENDS)
def test_any_game_on_dask(client, backend):
    from kzgame.game import Game, chance, decision, outcome
    from kzgame.game.outcomes import outcome_codes

    game = Game(
        decision("A", {
            "safe": outcome(A="s", label="safe"),
            "gamble": chance({"win": ("p", outcome(A=1, label="win")),
                              "lose": ("1 - p", outcome(A=-1, label="lose"))}),
        }),
        parameters={"s": "real", "p": "unit"},
    )  # fmt: skip
    s = np.linspace(-1.0, 1.0, 33)[:, None]  # multiples of 1/16: exact ties occur
    p = np.linspace(0.0, 1.0, 17)
    lazy = kzgame.classify(
        game, s=da.from_array(s, chunks=(8, 1)), p=da.from_array(p, chunks=5), backend=backend
    )
    assert isinstance(lazy, da.Array) and lazy.dtype == outcome_codes(game).dtype
    expected = kzgame.classify(game, s=s, p=p, backend="numpy")
    np.testing.assert_array_equal(client.compute(lazy).result(), expected)
    assert set(np.unique(expected)) == {0, 3}  # safe, and the gamble (win + lose)
    bad = p.copy()
    bad[3] = 1.5
    with pytest.raises(ParameterError, match="p = 1.5"):
        kzgame.classify(game, s=da.from_array(s, chunks=8), p=bad)  # in memory: now
