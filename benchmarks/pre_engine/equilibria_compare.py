"""With this checkout on PYTHONPATH: the engine's equilibrium sets against old.json."""

import collections
import json
import warnings
from fractions import Fraction

import kzgame
from kzgame import Period

old = json.load(open("old.json"))
counts = collections.Counter()
fails = []
for row in old:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p = Period(**row["values"])
    r = kzgame.solve(p, row["protocol"])
    comps = r.equilibria
    labels = comps[0].labels
    assert labels == (("accept", "invest", "hold-up", "exit"), ("concede", "refuse"))
    new = []
    for c in comps:
        verts = []
        for e in c.equilibria:
            sr, se = e.strategies
            assert sorted(sr) == [0, 0, 0, 1], sr  # extreme: R pure in the period game
            verts.append((labels[0][list(sr).index(1)], Fraction(se[0]), e.subgame_perfect))
        new.append(
            (
                frozenset(verts),
                c.subgame_perfect,
                frozenset(
                    (
                        frozenset(labels[0][i] for x in s.extreme[0] for i, w in enumerate(x) if w),
                        min(y[0] for y in s.extreme[1]),
                        max(y[0] for y in s.extreme[1]),
                    )
                    for s in c.subsets
                ),
            )
        )
    oldc = [
        (
            frozenset((m, Fraction(q), sp) for m, q, sp in c["vertices"]),
            c["sp"],
            frozenset((frozenset(s), Fraction(lo), Fraction(hi)) for s, lo, hi in c["pieces"]),
        )
        for c in row["components"]
    ]
    same_vertices = {v[:2] for c in new for v in c[0]} == {v[:2] for c in oldc for v in c[0]}
    same_flags = {v for c in new for v in c[0]} == {v for c in oldc for v in c[0]}
    same_components = {c[0] for c in new} == {c[0] for c in oldc}
    same_comp_sp = {(c[0], c[1]) for c in new} == {(c[0], c[1]) for c in oldc}
    same_pieces = {c[2] for c in new} == {c[2] for c in oldc}
    counts["games"] += 1
    counts["games_" + row["protocol"]] += 1
    counts["kind_" + row["kind"]] += 1
    counts["vertices_total"] += sum(len(c[0]) for c in new)
    counts["components_total"] += len(new)
    counts["games_with_continuum"] += any(len(c[0]) > 1 for c in new)
    counts["games_with_non_sp_vertex"] += any(not v[2] for c in new for v in c[0])
    # the SPE from solve is an extreme equilibrium flagged subgame perfect
    spe = (
        r.strategy.value
        if not (r.strategy.value == "exit" and r.equilibrium.choices["root"] == "hold-up")
        else "hold-up",
        Fraction(int(r.e_concedes)),
    )
    spe_ok = any(
        v[0] == r.equilibrium.choices["root"] and v[1] == Fraction(int(r.e_concedes)) and v[2]
        for c in new
        for v in c[0]
    )
    for name, ok in [
        ("vertices", same_vertices),
        ("sp_flags", same_flags),
        ("components", same_components),
        ("component_sp", same_comp_sp),
        ("maximal_subsets_eq_old_pieces", same_pieces),
        ("spe_flagged", spe_ok),
    ]:
        counts["ok_" + name] += ok
        if not ok:
            fails.append((name, row["protocol"], row["values"]))
for k in sorted(counts):
    print(f"{k}: {counts[k]}")
print("failures:", len(fails))
for f in fails[:5]:
    print(f)
