"""With the OLD code on PYTHONPATH: the 4x2 code's equilibrium sets, as JSON."""

import json
import warnings
from fractions import Fraction

from kzgame import Period
from kzgame.equilibrium import equilibrium_set, normal_form
from kzgame.model import PROTOCOLS, R_MOVES

periods = json.load(open("periods.json"))
res = []
for kind, v in periods:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p = Period(**v)
    for protocol in PROTOCOLS:
        comps = equilibrium_set(*normal_form(p, protocol, exact=True))
        out = []
        for c in comps:
            verts = []
            for sr, se in c.vertices():
                move = R_MOVES[list(sr).index(1)]
                q = Fraction(se[0])
                sp = any(
                    move in pc.support
                    and pc.concede[0] <= q <= pc.concede[1]
                    and pc.subgame_perfect is not None
                    and pc.subgame_perfect[0] <= q <= pc.subgame_perfect[1]
                    for pc in c.pieces
                )
                verts.append([move, str(q), sp])
            out.append(
                {
                    "vertices": verts,
                    "sp": c.subgame_perfect,
                    "pieces": [
                        [
                            sorted(pc.support),
                            str(Fraction(pc.concede[0])),
                            str(Fraction(pc.concede[1])),
                        ]
                        for pc in c.pieces
                    ],
                }
            )
        res.append({"kind": kind, "values": v, "protocol": protocol, "components": out})
json.dump(res, open("old.json", "w"))
print(len(res), "games")
