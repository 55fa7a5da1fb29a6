"""Dump every threshold of all_thresholds and every region condition (old or new code)."""

import pickle
import sys
import time

import kzgame
from kzgame.model import PROTOCOLS

t0 = time.perf_counter()
out = {"thresholds": {}, "regions": {}}
for protocol in PROTOCOLS:
    for (pair, name), t in kzgame.all_thresholds(protocol, existing=False).items():
        out["thresholds"][(protocol, pair, name)] = dict(
            expr=t.expr,
            condition=t.condition,
            direction=t.direction,
            above=t.above,
            below=t.below,
            pieces=t.pieces,
            exists=t.exists,
        )
    for s in ("accept", "invest", "hold-up", "exit"):
        r = kzgame.region(s, protocol)
        out["regions"][(protocol, s)] = dict(condition=r.condition, in_stakes=r.in_stakes)
print(
    "derived in",
    time.perf_counter() - t0,
    "s;",
    len(out["thresholds"]),
    "thresholds,",
    len(out["regions"]),
    "regions",
    kzgame.__file__,
)
pickle.dump(out, open(sys.argv[1], "wb"))
