"""The PBE solver (kzgame.game.pbe) against checks written here, and against Gambit.

* every reported PBE at random parameters passes a brute-force check: the
  expected payoff of every action at every information set is computed
  here from the tree (leaf payoffs and chance probabilities from
  ``kzgame.game.normal_form.evaluate``), with beliefs from Bayes' rule on
  the path (compared with the solver's) and, off the path, some belief in
  the support of the prior under which the equilibrium action is best;
* every reported PBE is a Nash equilibrium of the tree exported to Gambit
  with rational payoffs (pygambit's ``max_regret`` of the behaviour profile
  is zero), on 204 random periods;
* a classic: beer-quiche's pooling on beer survives the intuitive
  criterion, pooling on quiche does not.
"""

from __future__ import annotations

import numpy as np
import pytest

from kzgame.errors import GameError
from kzgame.game import Game, decision, outcome
from kzgame.game.normal_form import evaluate
from kzgame.game.pbe import pbe
from kzgame.games import beer_quiche
from kzgame.games.screening_game import screening
from kzgame.games.signalling_game import signalling

TOL = 1e-7

GAMES = [
    ("signalling", "indispensability", True),
    ("signalling", "outside_r", False),
    ("signalling", "outside_r", True),
    ("signalling", "indispensability", False),
    ("screening", "outside_r", None),
    ("screening", "indispensability", None),
]


def build(order, uncertain, commitment):
    if order == "signalling":
        return signalling(uncertain, commitment=commitment)
    return screening(uncertain)


def draw(rng, uncertain, prior=None):
    v = dict(surplus=1.0, share=rng.uniform(0, 1), outside_r=rng.uniform(-0.4, 0.9),
             outside_e=rng.uniform(-0.3, 0.9), indispensability=rng.uniform(0, 1),
             survival=rng.uniform(0.05, 1), invest_cost=rng.uniform(0, 0.4),
             power=rng.uniform(0.05, 0.95), holdup_cost=rng.uniform(0, 0.15),
             prior=rng.uniform(0, 1) if prior is None else prior)
    lo, hi = sorted(rng.uniform(0, 1, 2)) if uncertain == "indispensability" \
        else sorted(rng.uniform(-0.4, 0.9, 2))
    del v[uncertain]
    v[f"{uncertain}_low"], v[f"{uncertain}_high"] = lo, hi
    return v


# --- a brute-force evaluator of behaviour profiles on the tree ---------------


class Tree:
    def __init__(self, game, values):
        self.g = game
        tv = evaluate(game, exact=False, **values)
        self.pay = tv.leaf_payoffs
        self.chance = tv.chance

    def tail(self, i):
        """Backward induction at a node outside the profile (tie order: first listed)."""
        n = self.g.nodes[i]
        me = self.g.players.index(n.player)
        vals = [self.value(c, None) for c in n.children]
        best = max(v[me] for v in vals)
        return next(k for k, v in enumerate(vals) if v[me] >= best - 1e-12)

    def value(self, i, profile):
        """Expected payoffs from node i under ``profile`` (infoset -> action -> prob)."""
        n = self.g.nodes[i]
        if n.kind == "outcome":
            return np.array(self.pay[i])
        if n.kind == "chance":
            return sum(p * self.value(c, profile) for p, c in
                       zip(self.chance[i], n.children, strict=True))
        if profile is None or n.infoset not in profile:
            return self.value(n.children[self.tail(i)], profile)
        return sum(profile[n.infoset][a] * self.value(c, profile)
                   for a, c in zip(n.actions, n.children, strict=True)
                   if profile[n.infoset][a] > 0)

    def reach(self, profile):
        """Probability of reaching each node."""
        out = {0: 1.0}
        for n in self.g.nodes:
            for k, c in enumerate(n.children):
                if n.kind == "chance":
                    out[c] = out[n.index] * self.chance[n.index][k]
                elif n.kind == "decision":
                    pr = profile.get(n.infoset)
                    p = pr[n.actions[k]] if pr else float(k == self.tail(n.index))
                    out[c] = out[n.index] * p
        return out


def prior_of(tree, i):
    """The chance probability of the type above node i."""
    n = tree.g.nodes[i]
    first = tree.g.nodes[0]
    return tree.chance[0][first.actions.index(n.path[0])]


def brute_force_check(game, a, values):
    tree = Tree(game, values)
    prof = a.numbers(**values)
    beliefs = a.belief_numbers(**values)
    for s, acts in prof.items():
        assert all(-TOL <= p <= 1 + TOL for p in acts.values()), (s, acts)
        assert abs(sum(acts.values()) - 1) < 1e-9
    reach = tree.reach(prof)
    for s, members in game.infosets.items():
        if s not in prof:
            continue
        who = game.players.index(game.nodes[members[0]].player)
        acts = game.nodes[members[0]].actions
        total = sum(reach[m] for m in members)

        def action_values(weights, members=members, who=who, acts=acts):
            return {b: sum(w * tree.value(game.nodes[m].children[k], prof)[who]
                           for w, m in zip(weights, members, strict=True))
                    for k, b in enumerate(acts)}

        def best_under(weights, s=s, action_values=action_values):
            vals = action_values(weights)
            top = max(vals.values())
            return all(vals[b] >= top - TOL for b, p in prof[s].items() if p > TOL)

        if total > 1e-12:
            w = [reach[m] / total for m in members]
            assert best_under(w), (s, prof, values)
            if s in beliefs:  # Bayes' rule on the path: the solver's beliefs
                for m, wm in zip(members, w, strict=True):
                    assert beliefs[s][game.nodes[m].name] == pytest.approx(wm, abs=1e-7)
        else:  # off the path: some belief on types of positive prior
            pri = [prior_of(tree, m) for m in members]
            cands = [np.eye(len(members))[k] for k in range(len(members))
                     if pri[k] > 0 or len(members) == 1]
            assert any(best_under(list(c)) for c in cands), (s, prof, values)


@pytest.mark.parametrize("spec", GAMES, ids=lambda s: "-".join(map(str, s)))
def test_every_reported_pbe_passes_a_brute_force_check(spec):
    game = build(*spec)
    sol = pbe(game)
    rng = np.random.default_rng(hash(spec) % 2**32)
    for k in range(15):
        values = draw(rng, spec[1], prior=[0.0, 1.0, None, None, None][k % 5])
        found = sol.at(**values)
        assert found, values  # a PBE exists (generic parameters)
        for a in found:
            brute_force_check(game, a, values)
        assert sol.select(**values) in found


def test_the_solver_reports_no_false_pbe_among_pure_profiles():
    """Pure assessments the brute force accepts are reported, and conversely."""
    game = signalling("indispensability")
    sol = pbe(game)
    rng = np.random.default_rng(7)
    for _ in range(6):
        values = draw(rng, "indispensability")
        ok, _ = sol.table(**values)
        for a, flag in zip(sol.assessments, ok, strict=True):
            if a.kind == "semi-separating":
                continue
            try:
                brute_force_check(game, a, values)
                passes = True
            except AssertionError:
                passes = False
            assert passes == bool(flag), (a.describe(), values)


def test_beer_quiche_intuitive_criterion():
    sol = pbe(beer_quiche())
    at = sol.at(p=0.9)
    kinds = {a.strategy["@strong"]["beer"] == 1: bool(a.survives(p=0.9)) for a in at}
    assert kinds == {True: True, False: False}  # beer survives, quiche does not
    (semi,) = sol.at(p=0.2)
    assert semi.kind == "semi-separating"
    assert float(semi.evaluate(semi.strategy["@weak"]["beer"], p=0.2)) == pytest.approx(0.25)
    assert float(semi.evaluate(semi.strategy["Rcv|beer"]["duel"], p=0.2)) == pytest.approx(0.5)


def test_games_the_solver_refuses():
    with pytest.raises(GameError, match="root is a chance node"):
        pbe(Game(decision("A", {"x": outcome(A=1)})))


# --- Gambit -------------------------------------------------------------------

gbt = pytest.importorskip("pygambit")


def test_every_pbe_is_a_nash_equilibrium_in_gambit():
    """Every reported PBE (not only the selected one) at 204 random periods, in pygambit."""
    from kzgame.io.gambit import to_pygambit

    rng = np.random.default_rng(2026)
    count = checked = 0
    for spec in GAMES:
        game = build(*spec)
        sol = pbe(game)
        for _ in range(34):
            values = draw(rng, spec[1])
            tree = Tree(game, values)
            efg = to_pygambit(game, exact=True, **values)  # rational payoffs
            scale = 1 + max(abs(x) for row in tree.pay.values() for x in row)
            found = sol.at(**values)
            assert sol.select(**values) in found
            for a in found:
                prof = a.numbers(**values)
                beh = efg.mixed_behavior_profile(rational=False)
                for info in efg.infosets:
                    label = info.label if info.label in game.infosets else "@" + info.label
                    if label in prof:
                        for act in info.actions:
                            beh[act] = prof[label][act.label]
                    else:  # a folded tail: its node's backward-induction choice
                        (m,) = game.infosets[label]
                        k = tree.tail(m)
                        for j, act in enumerate(info.actions):
                            beh[act] = float(j == k)
                assert float(beh.max_regret()) <= 1e-9 * scale, (spec, values, a.describe())
                # and the solver's ex-ante payoffs are Gambit's
                for k, player in enumerate(efg.players):
                    assert float(beh.payoff(player)) == pytest.approx(
                        float(a.evaluate(a.payoffs[game.players[k]], **values)),
                        abs=1e-9 * scale)
                checked += 1
            count += 1
    assert count >= 200 and checked >= count
