"""The compiled PBE classification (kzgame.numeric.pbe_kernel, pbe_ir, pbe_loop) against
independent evaluations.

* the translator from printed text to LLVM IR computes, bit for bit, what
  Python computes from the same text with NumPy float64 scalars (every
  construct the printer emits: + - * /, x**2, unary minus, folded
  integer constants, comparisons, and/or/not, conditional expressions,
  _max/_min with NumPy's NaN rule, sqrt), at random and special inputs
  (0, -0, inf, NaN, tiny and huge numbers);
* the whole kernel selects exactly what the NumPy reference selects on a
  small game (beer-quiche, with a parameter in the payoffs so that ties,
  priors 0 and 1 and mixing all occur), with none, some and all of the
  conjunct order unrolled, several tolerances and both preference orders;
* a solution whose expressions the translator does not handle falls back
  to the reference (``method='auto'``) or raises (``method='kernel'``).

The four belief games are checked in tests/test_beliefs.py (random and
tie-heavy grid points, priors 0 and 1, three tolerances, other protocols).
"""

from __future__ import annotations

import ctypes
import math

import numpy as np
import pytest

from kzgame import games
from kzgame.errors import GameError
from kzgame.game import Game, chance, decision, outcome
from kzgame.game.pbe import pbe

pytest.importorskip("numba")

from kzgame.numeric import pbe_ir, pbe_kernel, pbe_loop  # noqa: E402
from kzgame.numeric.pbe_kernel import classify_solution  # noqa: E402

TEXTS = [
    "a + b*c - d/e",
    "-a*b + (1/3)*c - 2*d",
    "a**2 - b**2*(1 - c)",
    "(1/(a - b))*c + (a*b)/(c*d - e)",
    "((a) if ((a - b) > (1.0e-12)) else ((b) if ((c) >= (d)) else (e)))",
    "_max(a, b) - _min(c, _max(d, e))",
    "numpy.sqrt(a*a + b*b) - e",
    "((a) if (((a) >= (b)) and ((c) != (d))) else (e)) + "
    "((b) if ((not ((c) < (d))) or ((a) == (e))) else (nan))",
    "inf*a - b + nan*0",
    "-(a - b)*(-(c) + 2*d*e)/(1 - e)",
]
NAMES = ["a", "b", "c", "d", "e"]
SPECIAL = [0.0, -0.0, 1.0, -1.0, math.inf, -math.inf, math.nan, 5e-324, 1e308, 1e-10]


def _compile(texts):
    """One LLVM function per text, double f(double* U), compiled by the kernel's translator."""
    import ast

    from llvmlite import ir

    mod = ir.Module(name="t")
    dbl = ir.DoubleType()
    for k, text in enumerate(texts):
        f = ir.Function(mod, ir.FunctionType(dbl, [dbl.as_pointer()]), name=f"f{k}")
        b = ir.IRBuilder(f.append_basic_block("entry"))
        tr = pbe_ir._Translator(b, f.args[0], {n: i for i, n in enumerate(NAMES)})
        b.ret(tr.double(tr(ast.parse(text, mode="eval"))))
    native = pbe_ir.Native(str(mod), tuple(f"f{k}" for k in range(len(texts))))
    proto = ctypes.CFUNCTYPE(ctypes.c_double, ctypes.POINTER(ctypes.c_double))
    return native, [proto(a) for a in native.addresses]


def _python(text):
    """The same text as a Python function of NumPy float64 scalars (NumPy's NaN rule in max)."""
    from kzgame.numeric.printed import compile_source

    ns = {"numpy": np, "nan": math.nan, "inf": math.inf,
          "_max": lambda a, b: a if (a >= b or a != a) else b,
          "_min": lambda a, b: a if (a <= b or a != a) else b}
    src = f"def f({', '.join(NAMES)}):\n    return {text}\n"
    return compile_source(src, "<test-pbe-kernel>", ns)["f"]


def _same(x, y):
    return (math.isnan(x) and math.isnan(y)) or (x == y and math.copysign(1, x) ==
                                                 math.copysign(1, y))


def test_translator_is_bit_for_bit_python_float_arithmetic():
    native, fns = _compile(TEXTS)
    rng = np.random.default_rng(3)
    points = [rng.uniform(-2, 2, 5) for _ in range(300)]
    points += [rng.choice(SPECIAL, 5) for _ in range(300)]
    points += [np.where(rng.uniform(size=5) < 0.5, rng.choice(SPECIAL, 5),
                        rng.uniform(-1, 1, 5)) for _ in range(300)]
    checked = 0
    for text, f in zip(TEXTS, fns, strict=True):
        py = _python(text)
        for p in points:
            U = np.ascontiguousarray(p, dtype=float)
            with np.errstate(all="ignore"):
                want = float(py(*[np.float64(x) for x in U]))
            got = f(U.ctypes.data_as(ctypes.POINTER(ctypes.c_double)))
            assert _same(got, want), (text, U.tolist(), got, want)
            checked += 1
    assert checked == len(TEXTS) * len(points)


def test_translator_refuses_what_it_does_not_know():
    for text in ("numpy.exp(a)", "a**3", "a < b < c", "'x'", "a % b"):
        with pytest.raises(NotImplementedError):
            _compile([text])


def beer_quiche():
    """Beer-quiche with a payoff parameter t: ties at t = 0 and t = 1, mixing in between."""
    return games.beer_quiche(walk="2*t", duel_weak="t", parameters={"t": "unit"})


@pytest.mark.parametrize("unroll", [0, 5, pbe_kernel.UNROLL])
def test_kernel_equals_the_reference_on_beer_quiche(unroll):
    sol = pbe(beer_quiche())
    kernel = pbe_kernel.SolutionKernel(sol, unroll=unroll)
    # 0: every conjunct through the generic loop; 5: both; UNROLL: all unrolled
    assert kernel.prefix == min(unroll, len(kernel.cstart)) and len(kernel.cstart) > 5
    p, t = np.meshgrid(np.linspace(0, 1, 41), np.linspace(0, 1, 41))
    rng = np.random.default_rng(1)
    values = [dict(p=p, t=t), dict(p=rng.uniform(0, 1, 3000), t=rng.uniform(0, 1, 3000))]
    seen = set()
    for v in values:
        for atol in (1e-10, 0.0, 1e-3):
            for prefer in (("S", "Rcv"), ("Rcv", "S")):
                fast = kernel(prefer, atol, v)
                slow = sol.classify(prefer, atol, **v)
                assert np.array_equal(fast, slow)
                seen.update(np.unique(fast).tolist())
    assert len(seen) >= 3  # several assessments selected (pooling, semi-separating)


def test_classify_solution_uses_the_kernel_and_broadcasts():
    sol = pbe(beer_quiche())
    a = classify_solution(sol, method="kernel", p=np.linspace(0, 1, 11)[:, None], t=0.5)
    b = sol.classify(p=np.linspace(0, 1, 11)[:, None], t=0.5)
    assert a.shape == (11, 1) and np.array_equal(a, b)
    assert int(classify_solution(sol, method="kernel", p=0.9, t=0.5)) == int(b[9, 0])
    assert np.array_equal(classify_solution(sol, method="reference", p=0.9, t=0.5),
                          sol.classify(p=0.9, t=0.5))
    with pytest.raises(GameError, match="method"):
        classify_solution(sol, method="fast", p=0.5, t=0.5)


def test_untranslatable_solution_falls_back_to_the_reference():
    g = Game(chance({"hi": ("p", decision("S", {
        "a": decision("Rcv", {"x": outcome(S="exp(t)", Rcv=1), "y": outcome(S=0, Rcv=0)},
                      infoset="Rcv|a"),
        "b": outcome(S=1, Rcv="t")})),
        "lo": ("1 - p", decision("S", {
            "a": decision("Rcv", {"x": outcome(S=1, Rcv=0), "y": outcome(S=0, Rcv=1)},
                          infoset="Rcv|a"),
            "b": outcome(S=1, Rcv=0)}))}),
        parameters={"p": "unit", "t": "unit"})
    sol = pbe(g)
    assert pbe_kernel.solution_kernel(sol) is None
    v = dict(p=np.linspace(0, 1, 7), t=0.3)
    assert np.array_equal(classify_solution(sol, **v), sol.classify(**v))
    with pytest.raises(GameError, match="compiled classification"):
        classify_solution(sol, method="kernel", **v)


def test_auto_builds_the_kernel_only_for_large_inputs():
    sol = pbe(beer_quiche())
    small = dict(p=np.linspace(0, 1, 9), t=0.5)
    assert np.array_equal(classify_solution(sol, **small), sol.classify(**small))
    assert id(sol) not in pbe_kernel._KERNELS  # the reference answered; nothing built
    rng = np.random.default_rng(4)
    large = dict(p=rng.uniform(0, 1, pbe_kernel.AUTO_POINTS), t=0.5)
    assert np.array_equal(classify_solution(sol, **large), sol.classify(**large))
    assert pbe_kernel._KERNELS[id(sol)][1] is not None  # built, and used from now on


def test_lowest_set_bit_of_the_generic_loop():
    loop, _ = pbe_loop.generic_loop()
    rng = np.random.default_rng(7)
    for b in range(64):
        low = np.uint64(1) << np.uint64(b)
        above = np.uint64(rng.integers(0, 2**63)) << np.uint64(min(b + 1, 63)) if b < 63 \
            else np.uint64(0)
        assert loop._lowest(low | above) == b


@pytest.mark.parametrize("method", ["reference", "kernel"])
def test_bad_values_are_a_parameter_error_naming_them(method):
    """An unknown keyword used to become a parameter value ('could not convert string to
    float'); every path now checks names, domains and atol first."""
    from kzgame.analysis.beliefs import belief_solution
    from kzgame.errors import ParameterError
    from kzgame.numeric.pbe_kernel import classify_solution

    sol = belief_solution("screening", "indispensability")
    good = {"prior": 0.5, "share": 0.5, "outside_r": 0.0, "outside_e": 0.3, "survival": 0.4,
            "invest_cost": 0.05, "indispensability_low": 0.2, "indispensability_high": 0.8}
    assert classify_solution(sol, method=method, **good).shape == ()
    with pytest.raises(ParameterError, match="unknown parameter.*bogus"):
        classify_solution(sol, method=method, bogus="x", **good)
    with pytest.raises(ParameterError, match="unknown parameter.*bogus"):
        sol.classify(bogus=1.0, **good)
    with pytest.raises(ParameterError, match="missing parameter.*share"):
        sol.classify(**{k: v for k, v in good.items() if k != "share"})
    with pytest.raises(ParameterError, match=r"prior = 1.5 is outside the allowed range \[0, 1\]"):
        classify_solution(sol, method=method, **{**good, "prior": np.array([0.5, 1.5])})
    with pytest.raises(ParameterError, match="atol"):
        classify_solution(sol, atol=-1.0, method=method, **good)
    with pytest.raises(ParameterError, match="atol"):
        sol.classify(atol=float("nan"), **good)
