"""The timing rule every benchmark script uses: the best of several wall-clock runs.

The scripts run as ``python benchmarks/<script>.py``, so this folder is on
``sys.path`` and they import it as ``from timing import best_of``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


def best_of(fn: Callable[[], Any], repeat: int = 3, warm_up: bool = False) -> float:
    """The smallest wall time, in seconds, of ``repeat`` calls of ``fn``.

    With ``warm_up``, one call first that is not timed (a compile, a cache load).
    """
    if warm_up:
        fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)
