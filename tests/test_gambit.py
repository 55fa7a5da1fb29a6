"""Gambit interoperability: exported .efg/.nfg files read by pygambit, equilibria equal.

On 240 random periods (60 per protocol, small rational grids with ties):

* pygambit reads the exported extensive form and strategic form; the tree
  and the table carry exactly kzgame's payoffs;
* the pure subgame-perfect equilibria Gambit finds on the tree (its pure
  agent-form equilibria, kept where E's move is optimal at its own node as
  Gambit evaluates it) equal those of kzgame's equilibrium set, and
  :func:`kzgame.solve`'s choice is one of them, with Gambit's payoffs and the
  documented tie rule;
* the extreme Nash equilibria Gambit's ``enummixed`` finds on the exported
  strategic form equal the vertices of kzgame's components.
"""

import io
import warnings
from fractions import Fraction

import numpy as np
import pytest

import kzgame
from kzgame import NoSurplusWarning, Period, Strategy
from kzgame.equilibrium import equilibrium_set, normal_form
from kzgame.games.period_game import E_MOVES, R_MOVES
from kzgame.io.gambit import to_efg, to_nfg, to_pygambit, write_efg, write_nfg
from kzgame.model import PROTOCOLS

gbt = pytest.importorskip("pygambit", reason="pygambit (the 'gambit' extra) is not installed")

N_PER_PROTOCOL = 60
TIE_ORDER = [s.value for s in Strategy]


def random_periods(seed: int):
    rng = np.random.default_rng(seed)
    grid = {
        "surplus": [0.5, 1.0, 2.0],
        "share": [0.0, 0.25, 0.5, 0.75, 1.0],
        "outside_r": [k / 4 for k in range(-3, 6)],
        "outside_e": [k / 4 for k in range(-3, 6)],
        "indispensability": [0.0, 0.25, 0.5, 0.75, 1.0],
        "survival": [0.0, 0.25, 0.5, 0.75, 1.0],
        "invest_cost": [0.0, 0.125, 0.25],
        "power": [0.25, 0.5, 0.75],
        "holdup_cost": [0.0, 0.0, 0.125],
        "discount_r": [0.0, 0.5, 0.9],
        "discount_e": [0.0, 0.5, 0.9],
    }
    out = []
    for protocol in PROTOCOLS:
        for i in range(N_PER_PROTOCOL):
            values = {k: float(rng.choice(v)) for k, v in grid.items()}
            if i % 5 == 4:
                values["outside_r"] = float(rng.choice([0.1, 0.3, 1 / 3]))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", NoSurplusWarning)
                out.append((Period(**values), protocol))
    return out


PERIODS = random_periods(7)


def gambit_pure_spe(game) -> set[tuple[str, str]]:
    """Gambit's pure agent equilibria where E's move is optimal at its own node."""
    infosets = {i.player.label: i for i in game.infosets}
    r_info, e_info = infosets["R"], infosets["E"]
    out = set()
    for eq in gbt.nash.enumpure_agent_solve(game).equilibria:
        r = next(a.label for a in r_info.actions if eq[a] == 1)
        e = next(a.label for a in e_info.actions if eq[a] == 1)
        # Evaluate E's move where E's node is reached: R holds up.
        reached = game.mixed_behavior_profile(rational=True)
        for a in r_info.actions:
            reached[a] = 1 if a.label == "hold-up" else 0
        for a in e_info.actions:
            reached[a] = 1 if a.label == e else 0
        if reached.action_regret(next(a for a in e_info.actions if a.label == e)) == 0:
            out.add((r, e))
    return out


def kzgame_pure_spe(components) -> set[tuple[str, str]]:
    """The pure extreme equilibria flagged subgame perfect (pure equilibria are extreme)."""
    out = set()
    for comp in components:
        rows, cols = comp.labels
        for e in comp.equilibria:
            x, y = e.strategies
            if e.subgame_perfect and 1 in x and 1 in y:
                out.add((rows[x.index(1)], cols[y.index(1)]))
    return out


def vertices(components):
    return {
        (tuple(Fraction(x) for x in sigma_r), Fraction(sigma_e[0]))
        for comp in components
        for sigma_r, sigma_e in comp.vertices()
    }


@pytest.fixture(scope="module")
def results():
    """Export, read back and solve every period once."""
    rows = []
    for period, protocol in PERIODS:
        A, B = normal_form(period, protocol, exact=True)
        tree = gbt.read_efg(io.StringIO(to_efg(period, protocol)))
        table = gbt.read_nfg(io.StringIO(to_nfg(period, protocol)))
        comps = equilibrium_set(period, protocol)
        rows.append((period, protocol, A, B, tree, table, comps))
    return rows


def test_gambit_reads_the_tree_with_kzgame_payoffs(results):
    for period, protocol, A, B, tree, _, _ in results:
        assert [p.label for p in tree.players] == ["R", "E"]
        root = tree.root
        assert root.player.label == "R"
        assert [a.label for a in root.infoset.actions] == list(R_MOVES)
        seen = {}
        for move, child in zip(R_MOVES, root.children, strict=True):
            if move == "hold-up":
                assert child.player.label == "E"
                assert [a.label for a in child.infoset.actions] == list(E_MOVES)
                for reply, leaf in zip(E_MOVES, child.children, strict=True):
                    seen[(move, reply)] = leaf.outcome
            else:
                assert child.is_terminal
                seen[(move, "concede")] = seen[(move, "refuse")] = child.outcome
        r, e = tree.players
        for i, move in enumerate(R_MOVES):
            for j, reply in enumerate(E_MOVES):
                outcome = seen[(move, reply)]
                assert (Fraction(outcome[r]), Fraction(outcome[e])) == (A[i, j], B[i, j]), (
                    period,
                    protocol,
                    move,
                    reply,
                )
        assert len(tree.outcomes) == 5


def test_gambit_reads_the_table_with_kzgame_payoffs(results):
    for _, _, A, B, _, table, _ in results:
        r, e = table.players
        assert [s.label for s in r.strategies] == list(R_MOVES)
        assert [s.label for s in e.strategies] == list(E_MOVES)
        ra, rb = table.to_arrays()
        assert np.array_equal(np.vectorize(Fraction)(ra), A)
        assert np.array_equal(np.vectorize(Fraction)(rb), B)


def test_subgame_perfect_equilibria_equal_gambit_and_solve_is_one(results):
    multiple = 0
    for period, protocol, _, _, tree, _, comps in results:
        ours = kzgame_pure_spe(comps)
        theirs = gambit_pure_spe(tree)
        assert ours == theirs, (period, protocol, ours, theirs)
        multiple += len(theirs) > 1
        res = kzgame.solve(period, protocol)
        reply = "concede" if res.e_concedes else "refuse"
        assert (res.strategy.value, reply) in theirs, (period, protocol)
        # the tie rule: E concedes when indifferent; R takes the first of accept,
        # invest, hold-up, exit among its subgame-perfect moves (a refused hold-up
        # is called exit)
        replies = {e for _, e in theirs}
        assert reply == ("concede" if "concede" in replies else "refuse")
        moves = [m for m, e in theirs if e == reply and not (m == "hold-up" and e == "refuse")]
        assert res.strategy.value == min(moves, key=TIE_ORDER.index)
        # the payoffs of solve's equilibrium are Gambit's
        prof = tree.mixed_behavior_profile(rational=True)
        for a in tree.actions:
            prof[a] = 1 if a.label in (res.strategy.value, reply) else 0
        r, e = tree.players
        assert float(prof.payoff(r)) == pytest.approx(res.payoff_r, abs=1e-12)
        assert float(prof.payoff(e)) == pytest.approx(res.payoff_e, abs=1e-12)
    assert multiple >= 20  # ties and indifferences: several SPE in many periods


def test_extreme_nash_equilibria_of_the_exported_table_equal_kzgame(results):
    for period, protocol, _, _, _, table, comps in results:
        r, e = table.players
        concede = list(e.strategies)[0]
        theirs = {
            (tuple(Fraction(eq[s]) for s in r.strategies), Fraction(eq[concede]))
            for eq in gbt.nash.enummixed_solve(table, rational=True).equilibria
        }
        assert vertices(comps) == theirs, (period, protocol)


def test_files_on_disk_and_decimal_payoffs(tmp_path):
    period, protocol = PERIODS[5]
    efg = write_efg(tmp_path / "period.efg", period, protocol)
    nfg = write_nfg(tmp_path / "period.nfg", period, protocol)
    assert gbt.read_efg(efg).title == f"kzgame period game ({protocol} protocol)"
    assert len(list(gbt.read_nfg(nfg).players)) == 2
    # decimals: the shortest strings that round-trip the float payoffs
    p = Period(
        share=0.3,
        outside_r=0.1,
        outside_e=0.2,
        indispensability=0.7,
        survival=0.9,
        invest_cost=0.05,
    )
    Af, Bf = normal_form(p)
    game = to_pygambit(p, form="nfg", exact=False)
    ra, rb = game.to_arrays()
    assert np.array_equal(np.vectorize(float)(ra), Af)
    assert np.array_equal(np.vectorize(float)(rb), Bf)
    assert "/" not in to_nfg(p, exact=False).splitlines()[-1]


def test_decimal_payoffs_without_exponents_round_trip():
    # repr writes 1e-07 and 1e+300, which Gambit's reader rejects ("Invalid value")
    for outside_r, surplus in ((1e-7, 1.0), (-1e300, 1e300), (2.5e-300, 1.0)):
        p = Period(share=0.5, outside_r=outside_r, outside_e=0.0, indispensability=1.0,
                   survival=0.5, invest_cost=3e-6, surplus=surplus)
        Af, Bf = normal_form(p)
        text = to_nfg(p, exact=False)
        assert "e" not in text.splitlines()[-1].lower()
        ra, rb = gbt.read_nfg(io.StringIO(text)).to_arrays()
        assert np.array_equal(np.vectorize(float)(ra), Af), outside_r
        assert np.array_equal(np.vectorize(float)(rb), Bf), outside_r
        tree = gbt.read_efg(io.StringIO(to_efg(p, exact=False)))
        leaves = [n for n in tree.nodes if n.is_terminal]
        r, e = tree.players
        assert sorted(float(n.outcome[r]) for n in leaves) == sorted(
            [*Af[:, 0], Af[2, 1]]
        )


def test_overflowing_float_payoffs_are_an_error():
    # o_R - h = -inf in float; the exact payoffs are finite rationals
    p = Period(share=0.5, outside_r=-1e308, outside_e=0.0, indispensability=1.0,
               survival=0.5, invest_cost=0.0, holdup_cost=1e308)
    with pytest.raises(kzgame.ParameterError, match="overflow"):
        to_nfg(p, exact=False)
    with pytest.raises(kzgame.ParameterError, match="overflow"):
        to_efg(p, exact=False)
    exact = gbt.read_nfg(io.StringIO(to_nfg(p))).to_arrays()[0]  # exact=True still exports
    assert Fraction(exact[2, 1]) == normal_form(p, exact=True)[0][2, 1] < -(2**1024)


def test_bad_input():
    p = PERIODS[0][0]
    with pytest.raises(TypeError, match="kzgame.Period"):
        to_efg(p.as_dict())
    with pytest.raises(kzgame.KzgameError, match="unknown protocol"):
        to_nfg(p, "haggle")
    with pytest.raises(kzgame.KzgameError, match="unknown form"):
        to_pygambit(p, form="agg")
    title = to_efg(p, title='a "quoted" title').splitlines()[0]
    assert gbt.read_efg(io.StringIO(to_efg(p, title='a "quoted" title'))).title == (
        'a "quoted" title'
    ), title
