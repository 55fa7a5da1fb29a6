"""How numbers and shares are written in tables, reports and figures (one place for all)."""

from __future__ import annotations

import math


def number(x: float | None, digits: int = 3) -> str:
    """``x`` with ``digits`` decimals; ``'0'`` for a value that rounds to zero (no ``-0.000``),
    ``'—'`` for ``None``, NaN or an infinity.

    >>> number(0.12345), number(-0.0001), number(float("nan"))
    ('0.123', '0', '—')
    """
    if x is None or not math.isfinite(x):
        return "—"
    out = f"{x:.{digits}f}"
    return "0" if out.strip("-0.") == "" else out


def share(x: float) -> str:
    """A share in [0, 1] as a percentage with one decimal, never rounding to a false 0 or 100.

    >>> share(0.0), share(0.0001), share(0.4567), share(0.99996), share(1.0)
    ('0 %', '<0.1 %', '45.7 %', '>99.9 %', '100 %')
    """
    if x == 0:
        return "0 %"
    if x == 1:
        return "100 %"
    if x < 0.0005:
        return "<0.1 %"
    if x >= 0.9995:
        return ">99.9 %"
    return f"{100 * x:.1f} %"
