"""Comparative statics of the thresholds: how each boundary moves with each parameter.

For a threshold x* = -B/A (see :mod:`kzgame.analysis.thresholds`), the derivative with
respect to another parameter p is

    dx*/dp = (A_p B - A B_p) / A^2,

so its sign is the sign of W = A_p B - A B_p wherever the threshold exists
(A != 0).  :func:`comparative_statics` decides that sign **symbolically** on
the parameter domains (:data:`kzgame.params.DOMAINS`, plus any sign assumed for
the stakes) when sympy can prove it, and otherwise **samples** W on random
points of the domain where the threshold exists (:func:`sample`).  The table
says which method gave each entry.

The signs mean:

``'+'``
    dx*/dp >= 0 wherever the threshold exists, and not identically 0: the
    threshold rises (weakly) with p.
``'-'``
    the mirror image: the threshold falls with p.
``'0'``
    the threshold does not depend on p.
``'ambiguous'``
    the sign depends on the other parameters (points of both signs found).
``'n/a'``
    (sampled only) no sampled point has the threshold: it does not exist
    under the assumptions.

A sampled ``'+'`` or ``'-'`` is evidence, not a proof; a symbolic one is a
proof.  Where it says ``'ambiguous'``, sampling found points of both signs,
which is a proof of ambiguity.

Examples
--------
>>> import kzgame
>>> tab = kzgame.comparative_statics("indispensability", assume={"stake_e": "positive",
...                                                             "stake_r": "positive"})
>>> tab.sign(("hold-up", "accept"), "holdup_cost")
'+'
>>> tab.sign(("hold-up", "accept"), "power"), tab.method(("hold-up", "accept"), "power")
('-', 'symbolic')
>>> tab.sign(("hold-up", "accept"), "invest_cost")
'0'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy as sp

from ..errors import KzgameError
from ..game.registry import REGISTRY
from ..games.period_game import get_protocol, period
from ..params import positive_int
from .boundaries import BOUNDARIES, to_parameters
from .signs import Assumptions, normalize_assume, sign
from .thresholds import threshold

SYMBOLS = {k: p.symbol for k, p in REGISTRY.items()}
PARAMETERS = tuple(REGISTRY)

__all__ = ["SIGNS", "StaticsTable", "comparative_statics", "sample"]

#: The possible entries of a :class:`StaticsTable`.
SIGNS: tuple[str, ...] = ("+", "-", "0", "ambiguous", "n/a")


def sample(
    n: int, *, seed: int | np.random.Generator = 0, assume: Mapping[str, str] | None = None
) -> dict[str, np.ndarray]:
    """Random points of the parameter domain, as a dict of arrays (one per parameter).

    The distribution (a documented choice, used for sampled comparative
    statics): V log-uniform on [0.2, 5]; s, iota, q uniform on [0, 1]; beta
    uniform on [1e-6, 1 - 1e-6]; delta_R, delta_E uniform on [0, 0.999]; c, h
    uniform on [0, V]; the stakes Delta_R, Delta_E uniform on [-V, V] (on
    [0, V] or [-V, 0] where ``assume`` gives them a sign; 0 excluded for a
    strict sign), and then o_R = sV - Delta_R, o_E = (1 - s)V - Delta_E.

    Parameters
    ----------
    n : int
        Number of points.
    seed : int or numpy.random.Generator, default 0
    assume : mapping, optional
        Signs of the stakes, as in :func:`kzgame.threshold`.

    Examples
    --------
    >>> from kzgame.params import PARAMETERS
    >>> pts = sample(1000, assume={"stake_e": "positive"})
    >>> list(pts) == list(PARAMETERS)
    True
    >>> bool((((1 - pts["share"]) * pts["surplus"] - pts["outside_e"]) > 0).all())
    True
    """
    rng = np.random.default_rng(seed)
    signs = dict(normalize_assume(assume))
    V = np.exp(rng.uniform(np.log(0.2), np.log(5.0), n))
    s = rng.uniform(0.0, 1.0, n)

    def stake(name: str) -> np.ndarray:
        u = rng.uniform(0.0, 1.0, n)
        sign = signs.get(name)
        if sign in ("positive", "negative"):
            u = np.where(u == 0.0, 0.5, u)
        if sign in ("positive", "nonnegative"):
            return u * V
        if sign in ("negative", "nonpositive"):
            return -u * V
        return (2.0 * u - 1.0) * V

    d_r, d_e = stake("stake_r"), stake("stake_e")
    out = {
        "surplus": V,
        "share": s,
        "outside_r": s * V - d_r,
        "outside_e": (1.0 - s) * V - d_e,
        "indispensability": rng.uniform(0.0, 1.0, n),
        "survival": rng.uniform(0.0, 1.0, n),
        "invest_cost": rng.uniform(0.0, 1.0, n) * V,
        "power": rng.uniform(1e-6, 1.0 - 1e-6, n),
        "holdup_cost": rng.uniform(0.0, 1.0, n) * V,
        "discount_r": rng.uniform(0.0, 0.999, n),
        "discount_e": rng.uniform(0.0, 0.999, n),
    }
    return {k: out[k] for k in PARAMETERS}


@dataclass(frozen=True)
class StaticsTable:
    """Signs of the derivatives of one parameter's thresholds (see :func:`comparative_statics`).

    Attributes
    ----------
    parameter : str
        The parameter the thresholds are solved for (x in x*).
    protocol : str
    assume : tuple
        Sign assumptions on the stakes.
    boundaries : tuple of pairs
        The columns: the boundaries that depend on ``parameter``.
    parameters : tuple of str
        The rows: the parameters differentiated with respect to.
    signs : dict
        ``(boundary, wrt) -> sign``, one of :data:`SIGNS`.
    methods : dict
        ``(boundary, wrt) -> 'symbolic' or 'sampled'``.
    """

    parameter: str
    protocol: str
    assume: Assumptions
    boundaries: tuple[tuple[str, str], ...]
    parameters: tuple[str, ...]
    signs: Mapping[tuple[tuple[str, str], str], str]
    methods: Mapping[tuple[tuple[str, str], str], str]

    def sign(self, between: tuple[str, str], wrt: str) -> str:
        """The sign of d x*_between / d wrt.

        Raises :class:`kzgame.KzgameError` if the table has no such entry
        (a boundary that does not depend on :attr:`parameter`, or ``wrt``
        not among :attr:`parameters`).
        """
        return self.signs[self._key(between, wrt)]

    def method(self, between: tuple[str, str], wrt: str) -> str:
        """How that sign was found: ``'symbolic'`` or ``'sampled'``."""
        return self.methods[self._key(between, wrt)]

    def _key(self, between: tuple[str, str], wrt: str) -> tuple[tuple[str, str], str]:
        key = ((between[0], between[1]), wrt)
        if key not in self.signs:
            raise KzgameError(
                f"no entry d {self.parameter}*({'/'.join(map(str, between))}) / d {wrt}; "
                f"boundaries: {', '.join(f'{a}/{b}' for a, b in self.boundaries)}; "
                f"parameters: {', '.join(self.parameters)}"
            )
        return key

    def rows(self) -> list[list[str]]:
        """The table as rows of strings (header first); a sampled entry is marked ``~``."""
        head = [f"d {self.parameter}* / d"] + [f"{a}/{b}" for a, b in self.boundaries]
        body = []
        for p in self.parameters:
            row = [p]
            for b in self.boundaries:
                mark = "~" if self.methods[(b, p)] == "sampled" else ""
                row.append(self.signs[(b, p)] + mark)
            body.append(row)
        return [head, *body]

    def to_markdown(self) -> str:
        """The table in Markdown (``~`` marks a sampled sign)."""
        rows = self.rows()
        lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
        lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
        return "\n".join(lines)

    def __str__(self) -> str:
        rows = self.rows()
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        return "\n".join(
            "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows
        )

    def to_pandas(self):
        """The signs as a :class:`pandas.DataFrame` (rows: ``wrt``, columns: boundaries).

        ``attrs["methods"]`` says which signs were sampled
        (:func:`kzgame.analysis.frames.statics_frame`; needs the ``frames`` extra).
        """
        from .frames import statics_frame

        return statics_frame(self)


def _combine(signs: list[str]) -> str | None:
    """One sign from the pieces' signs, or None if they conflict (then sample)."""
    got = set(signs)
    if got == {"0"}:
        return "0"
    if got <= {"+", "0"}:
        return "+"
    if got <= {"-", "0"}:
        return "-"
    return None


def _sampled_sign(w: np.ndarray, scale: np.ndarray) -> str:
    """The sign of ``w`` over sampled points; |w| <= 1e-12 * scale counts as 0."""
    if w.size == 0:
        return "n/a"
    tol = 1e-12 * scale
    pos, neg = bool((w > tol).any()), bool((w < -tol).any())
    if pos and neg:
        return "ambiguous"
    return "+" if pos else "-" if neg else "0"


def comparative_statics(
    parameter: str = "indispensability",
    protocol: str = "nash",
    *,
    boundaries: Iterable[tuple[str, str]] = BOUNDARIES,
    assume: Mapping[str, str] | None = None,
    samples: int = 20_000,
    seed: int = 0,
) -> StaticsTable:
    """The sign of the derivative of each threshold in ``parameter`` w.r.t. each other parameter.

    Parameters
    ----------
    parameter : str, default "indispensability"
        The parameter the thresholds are solved for.
    protocol : str, default "nash"
    boundaries : iterable of pairs, default :data:`kzgame.analysis.boundaries.BOUNDARIES`
        Boundaries that do not depend on ``parameter`` are left out.
    assume : mapping, optional
        Signs of the stakes, e.g. ``{"stake_e": "positive"}``: the domain on
        which the signs are decided.
    samples : int, default 20000
        Points sampled (:func:`sample`) where sympy cannot decide a sign; a
        positive integer.
    seed : int, default 0

    Returns
    -------
    StaticsTable

    Raises
    ------
    ParameterError
        If ``samples`` is not a positive integer.
    KzgameError
        If the protocol is unknown or does not depend on ``parameter``, or
        ``assume`` is malformed.

    Examples
    --------
    >>> tab = comparative_statics("invest_cost", boundaries=[("invest", "accept")])
    >>> tab.sign(("invest", "accept"), "survival"), tab.sign(("invest", "accept"), "outside_r")
    ('ambiguous', '-')
    >>> print(tab)          # c* = Delta_R (1 - q); ~ marks a sampled sign
    d invest_cost* / d  invest/accept
    surplus             +
    share               +
    outside_r           -
    outside_e           0
    indispensability    0
    survival            ambiguous~
    power               0
    holdup_cost         0
    """
    get_protocol(protocol)
    samples = positive_int("samples", samples)
    norm = normalize_assume(assume)
    columns = []
    for pair in boundaries:
        t = threshold(parameter, pair, protocol, assume=dict(norm))
        if t.exists:
            columns.append(t)
    wrts = tuple(p for p in get_protocol(protocol).parameters if p != parameter)
    signs: dict = {}
    methods: dict = {}
    points: dict[str, np.ndarray] = {}
    syms = [SYMBOLS[k] for k in PARAMETERS]
    for t in columns:
        # x* = -B/A on each piece; dx*/dp has the sign of W = A_p B - A B_p
        slopes = [(to_parameters(raw.slope), to_parameters(raw.offset)) for raw in t.parts]
        undecided: dict[str, list[tuple[sp.Expr, ...]]] = {}
        for wrt in wrts:
            p = SYMBOLS[wrt]
            parts = [(sp.diff(a, p) * b, a * sp.diff(b, p), a) for a, b in slopes]
            piece_signs: list[Any] = []
            for ap_b, a_bp, _ in parts:
                w = ap_b - a_bp
                got = (0, True) if w == 0 else sign(w, norm, game=period(protocol))
                piece_signs.append(None if got is None else {1: "+", -1: "-", 0: "0"}[got[0]])
            decided = None if None in piece_signs else _combine(piece_signs)
            if decided is not None:
                signs[(t.between, wrt)] = decided
                methods[(t.between, wrt)] = "symbolic"
            else:
                undecided[wrt] = parts
        if undecided and not points:
            points = sample(samples, seed=seed, assume=dict(norm))
        for wrt, parts in undecided.items():
            values, scales = [], []
            for (ap_b, a_bp, a), (_, cond) in zip(parts, t.pieces, strict=True):
                f = sp.lambdify(syms, [ap_b - a_bp, a, sp.Abs(ap_b) + sp.Abs(a_bp), cond],
                                modules="numpy", cse=True)
                with np.errstate(all="ignore"):
                    wv, av, sv, cv = (
                        np.broadcast_to(np.asarray(v), (samples,))
                        for v in f(*(points[k] for k in PARAMETERS))
                    )
                ok = cv.astype(bool) & (av != 0) & np.isfinite(wv)
                values.append(wv[ok].astype(float))
                scales.append(sv[ok].astype(float))
            signs[(t.between, wrt)] = _sampled_sign(np.concatenate(values), np.concatenate(scales))
            methods[(t.between, wrt)] = "sampled"
    return StaticsTable(
        parameter=parameter,
        protocol=protocol,
        assume=norm,
        boundaries=tuple(t.between for t in columns),
        parameters=wrts,
        signs=signs,
        methods=methods,
    )

