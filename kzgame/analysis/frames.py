"""Results as pandas DataFrames and labelled xarray DataArrays (the ``frames`` extra).

Every tabular result of kzgame converts to a :class:`pandas.DataFrame`
(``to_pandas()``) and every grid to a labelled :class:`xarray.DataArray`
(``to_xarray()``).  The methods on the result classes call the functions of
this module, which import pandas and xarray only when called: both stay
optional (``pip install 'kzgame[frames]'``), and without them the methods
raise :class:`MissingExtraError` naming the extra.

Conventions, the same for every result:

* strategies are stored twice where a table has them: the integer
  ``code`` (:class:`kzgame.Strategy` codes: 0 accept, 1 invest, 2 hold-up,
  3 exit) and the name as a pandas ``Categorical`` whose categories are the
  strategies in code order (so ``.cat.codes`` gives the codes back);
* a DataArray of strategy codes has named dimensions (the parameters'
  names), the parameter values as coordinates, and the code-to-name table in
  ``attrs["strategies"]`` (``{0: "accept", ...}``), with the protocol and the
  fixed parameter values in ``attrs`` too;
* numbers keep their float64 values (no rounding); a frame's ``attrs``
  records what it was made from (protocol, parameter, seed...).

Examples
--------
>>> import kzgame
>>> from kzgame.analysis.sweep import sweep
>>> res = sweep({"share": 0.5, "outside_r": 0.0, "outside_e": 0.0, "indispensability": 0.9,
...              "survival": 0.8, "invest_cost": 0.05},
...             "outside_r", [0.0, 0.45], "indispensability", [0.1, 0.9])
>>> da = res.to_xarray()
>>> da.dims, da.attrs["strategies"][2]
(('indispensability', 'outside_r'), 'hold-up')
>>> da.sel(outside_r=0.45, indispensability=0.9).item()
2
>>> df = res.to_pandas()
>>> df.columns.tolist(), df["strategy"].iloc[-1]
(['outside_r', 'indispensability', 'code', 'strategy'], 'hold-up')
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping
from types import ModuleType
from typing import Any

import numpy as np

from ..errors import KzgameError
from ..strategy import Strategy

__all__ = [
    "EXTRA",
    "MissingExtraError",
    "case_frame",
    "counterfactuals_frame",
    "monte_carlo_frame",
    "monte_carlo_frames",
    "protocols_frame",
    "protocols_xarray",
    "require",
    "statics_frame",
    "strategy_categorical",
    "sweep_frame",
    "sweep_from_xarray",
    "sweep_xarray",
]

#: The optional extra that installs pandas and xarray.
EXTRA = "frames"

#: The strategy names in code order (the categories of every strategy column).
STRATEGY_NAMES: tuple[str, ...] = tuple(s.value for s in Strategy)


class MissingExtraError(KzgameError, ImportError):
    """An optional dependency is not installed (names the extra that installs it)."""


def require(module: str) -> ModuleType:
    """Import ``module`` (``"pandas"`` or ``"xarray"``), or raise naming the extra.

    Raises
    ------
    MissingExtraError
        If the module cannot be imported: ``pip install 'kzgame[frames]'``.

    Examples
    --------
    >>> require("pandas").__name__
    'pandas'
    """
    try:
        return importlib.import_module(module)
    except ImportError as e:
        raise MissingExtraError(
            f"{module} is needed to convert kzgame results (to_pandas / to_xarray) but it is "
            f"not installed; install the {EXTRA!r} extra: pip install 'kzgame[{EXTRA}]'"
        ) from e


def strategy_categorical(codes: Any) -> Any:
    """Strategy codes as a pandas ``Categorical`` of names (categories in code order).

    Examples
    --------
    >>> c = strategy_categorical([2, 0])
    >>> list(c), c.codes.tolist()
    (['hold-up', 'accept'], [2, 0])
    """
    pd = require("pandas")
    arr = np.asarray(codes)
    Strategy.decode(arr)  # validates the codes (integers 0..3)
    return pd.Categorical.from_codes(arr.astype(np.int64).ravel(), categories=STRATEGY_NAMES)


def _strategy_column(strategies: Iterable[Strategy]) -> Any:
    return strategy_categorical([s.code for s in strategies])


# --------------------------------------------------------------------------
# Tables


def case_frame(case: Any, protocol: str = "nash") -> Any:
    """One row per period of a case: years, parameter values, stakes, gains, strategy, verdict.

    ``case`` is a :class:`kzgame.io.cases.Case` (any object with ``name``
    and ``periods`` of labelled periods that ``solve``).  Index: the period
    labels (named ``period``).  Columns: ``start``, ``end``, every parameter
    of :class:`kzgame.Period`, ``stake_r``, ``stake_e``, ``gain_invest``,
    ``gain_holdup`` (a conceded hold-up), ``gain_holdup_realized``,
    ``gain_exit``, ``e_concedes``, ``margin``, ``code``, ``strategy`` and
    ``verdict`` (categoricals; a missing verdict is NaN).
    """
    pd = require("pandas")
    rows = []
    for p in case.periods:
        r = p.solve(protocol)
        rows.append({
            "start": p.start, "end": p.end, **p.period.as_dict(),
            "stake_r": r.stake_r, "stake_e": r.stake_e, "gain_invest": r.gain_invest,
            "gain_holdup": r.gain_holdup, "gain_holdup_realized": r.gain_holdup_realized,
            "gain_exit": r.gain_exit, "e_concedes": r.e_concedes, "margin": r.margin,
            "code": r.strategy.code,
        })
    index = pd.Index([p.label for p in case.periods], name="period", dtype=object)
    df = pd.DataFrame(rows, index=index)
    df["code"] = df["code"].astype(np.int8)
    df["strategy"] = strategy_categorical(df["code"].to_numpy())
    df["verdict"] = pd.Categorical(
        [p.verdict.value if p.verdict is not None else None for p in case.periods],
        categories=STRATEGY_NAMES)
    df.attrs.update(case=case.name, protocol=protocol)
    return df


def monte_carlo_frame(result: Any, table: str = "shares") -> Any:
    """A :class:`kzgame.analysis.uncertainty.MonteCarloResult` as a DataFrame.

    Parameters
    ----------
    result : MonteCarloResult
    table : {"shares", "sensitivity", "draws"}
        ``shares``: index the strategies (named ``strategy``), columns
        ``code``, ``count``, ``share``.  ``sensitivity``: index the
        parameters (most influential first), columns ``first_order``,
        ``swing``, ``at_low``, ``at_high`` (categoricals) and the Sobol
        columns ``first_order_ci``, ``total_order``, ``total_order_ci``
        (NaN unless ``method="sobol"``).  ``draws``: one row per draw, a
        column per drawn parameter, ``code`` and ``strategy`` (needs
        ``keep=True``).

    Raises
    ------
    KzgameError
        On an unknown ``table``, or ``draws`` without kept draws.
    """
    pd = require("pandas")
    attrs = dict(n=result.n, seed=result.seed, distribution=result.distribution,
                 protocol=result.protocol, point=result.point.value, method=result.method)
    if table == "shares":
        df = pd.DataFrame(
            {"code": np.array([s.code for s in Strategy], dtype=np.int8),
             "count": np.array([result.counts[s] for s in Strategy], dtype=np.int64),
             "share": np.array([result.shares[s] for s in Strategy], dtype=float)},
            index=pd.Index(STRATEGY_NAMES, name="strategy", dtype=object))
    elif table == "sensitivity":
        sens = result.sensitivity

        def opt(v: float | None) -> float:
            return float("nan") if v is None else float(v)

        df = pd.DataFrame(
            {"first_order": [s.first_order for s in sens], "swing": [s.swing for s in sens],
             "at_low": _strategy_column(s.at_low for s in sens),
             "at_high": _strategy_column(s.at_high for s in sens),
             "first_order_ci": [opt(s.first_order_ci) for s in sens],
             "total_order": [opt(s.total_order) for s in sens],
             "total_order_ci": [opt(s.total_order_ci) for s in sens]},
            index=pd.Index([s.parameter for s in sens], name="parameter", dtype=object))
    elif table == "draws":
        if result.samples is None or result.codes is None:
            raise KzgameError("the draws were not kept: run monte_carlo(..., keep=True) to "
                              "convert them (table='draws')")
        n = result.n
        cols = {k: np.broadcast_to(v, (n,)) for k, v in result.samples.items()
                if np.ndim(v) > 0}
        df = pd.DataFrame(cols, index=pd.RangeIndex(n, name="draw"))
        df["code"] = np.asarray(result.codes, dtype=np.int8)
        df["strategy"] = strategy_categorical(result.codes)
        attrs["fixed"] = {k: float(v) for k, v in result.samples.items() if np.ndim(v) == 0}
    else:
        raise KzgameError(f"unknown table {table!r}; tables: shares, sensitivity, draws")
    df.attrs.update(attrs)
    return df


def monte_carlo_frames(results: Mapping[str, Any], table: str = "shares") -> Any:
    """Several Monte Carlo results (e.g. :func:`~kzgame.analysis.uncertainty.case_monte_carlo`'s
    dict, keyed by period) in one DataFrame, with the key as the outer index level ``period``.

    Examples
    --------
    >>> from kzgame.analysis.uncertainty import monte_carlo
    >>> base = {"share": 0.5, "outside_r": (0.2, 0.0, 0.45), "outside_e": 0.0,
    ...         "indispensability": 0.9, "survival": 0.8, "invest_cost": 0.05}
    >>> df = monte_carlo_frames({"a": monte_carlo(base, n=1000, seed=1),
    ...                          "b": monte_carlo(base, n=1000, seed=2)})
    >>> list(df.index.names), float(df.loc["a"]["share"].sum())
    (['period', 'strategy'], 1.0)
    """
    pd = require("pandas")
    if not results:
        raise KzgameError("no Monte Carlo results to convert")
    frames = {k: monte_carlo_frame(r, table) for k, r in results.items()}
    df = pd.concat(frames, names=["period"])
    first = next(iter(frames.values()))
    df.attrs.update({k: v for k, v in first.attrs.items() if k in ("n", "distribution",
                                                                    "protocol", "method")})
    df.attrs["seed"] = {k: r.seed for k, r in results.items()}
    return df


def counterfactuals_frame(items: Iterable[Any]) -> Any:
    """Counterfactuals (:func:`kzgame.analysis.counterfactuals`), one row each.

    Columns: ``parameter``, ``direction``, ``current``, ``critical``,
    ``value``, ``change``, ``strategy``, ``new_strategy`` (categoricals),
    ``knife_edge`` and ``boundaries`` (``"a/b"`` names joined by ``", "``).
    """
    pd = require("pandas")
    items = list(items)
    df = pd.DataFrame({
        "parameter": pd.Series([c.parameter for c in items], dtype=object),
        "direction": pd.Series([c.direction for c in items], dtype=object),
        "current": np.array([c.current for c in items], dtype=float),
        "critical": np.array([c.critical for c in items], dtype=float),
        "value": np.array([c.value for c in items], dtype=float),
        "change": np.array([c.change for c in items], dtype=float),
        "strategy": _strategy_column(c.strategy for c in items),
        "new_strategy": _strategy_column(c.new_strategy for c in items),
        "knife_edge": np.array([c.knife_edge for c in items], dtype=bool),
        "boundaries": pd.Series([", ".join(f"{a}/{b}" for a, b in c.boundaries)
                                 for c in items], dtype=object),
    })
    return df


def statics_frame(table: Any) -> Any:
    """A :class:`kzgame.analysis.StaticsTable` as a DataFrame of signs.

    Index: the parameters differentiated with respect to (named ``wrt``);
    columns: the boundaries as ``"a/b"`` (named ``boundary``); cells: the
    signs (``+``, ``-``, ``0``, ``?``... as :data:`kzgame.analysis.statics.SIGNS`).
    ``attrs["methods"]`` holds the same layout with ``symbolic``/``sampled``
    (as a dict ``{boundary: {wrt: method}}``), ``attrs["parameter"]`` the
    parameter whose thresholds they are, ``attrs["protocol"]`` the protocol.
    """
    pd = require("pandas")
    cols = [f"{a}/{b}" for a, b in table.boundaries]
    signs = {c: [table.signs[(b, p)] for p in table.parameters]
             for c, b in zip(cols, table.boundaries, strict=True)}
    index = pd.Index(list(table.parameters), name="wrt", dtype=object)
    df = pd.DataFrame(signs, index=index, columns=pd.Index(cols, name="boundary", dtype=object))
    df.attrs.update(
        parameter=table.parameter, protocol=table.protocol,
        methods={c: {p: table.methods[(b, p)] for p in table.parameters}
                 for c, b in zip(cols, table.boundaries, strict=True)})
    return df


def protocols_frame(comparison: Any) -> Any:
    """A :class:`kzgame.analysis.ProtocolComparison` as a DataFrame.

    For a period (``comparison.results`` set): index the protocols (named
    ``protocol``), columns ``code``, ``strategy``, ``e_concedes``,
    ``gain_invest``, ``gain_holdup``, ``gain_exit``, ``margin``.  For
    arrays: one row per point (a flat ``RangeIndex`` named ``point``, in C
    order of the compared shape) and one categorical strategy column per
    protocol; ``attrs["shape"]`` is the compared shape.
    """
    pd = require("pandas")
    if comparison.results is not None:
        res = comparison.results
        names = list(comparison.protocols)
        df = pd.DataFrame(
            {"code": np.array([res[k].strategy.code for k in names], dtype=np.int8),
             "strategy": _strategy_column(res[k].strategy for k in names),
             "e_concedes": [res[k].e_concedes for k in names],
             "gain_invest": [res[k].gain_invest for k in names],
             "gain_holdup": [res[k].gain_holdup for k in names],
             "gain_exit": [res[k].gain_exit for k in names],
             "margin": [res[k].margin for k in names]},
            index=pd.Index(names, name="protocol", dtype=object))
        return df
    shape = np.shape(comparison.codes[comparison.protocols[0]])
    n = int(np.prod(shape)) if shape else 1
    df = pd.DataFrame(
        {k: strategy_categorical(np.asarray(comparison.codes[k]).reshape(n))
         for k in comparison.protocols},
        index=pd.RangeIndex(n, name="point"))
    df.attrs["shape"] = tuple(int(d) for d in shape)
    return df


def protocols_xarray(comparison: Any, dims: Iterable[str] | None = None,
                     coords: Mapping[str, Any] | None = None) -> Any:
    """A protocol comparison's codes as a DataArray with a ``protocol`` dimension first.

    The other dimensions are named ``dims`` (default ``dim_0``, ``dim_1``,
    ...), with optional ``coords`` (the parameter values along them).
    """
    xr = require("xarray")
    stack = np.stack([np.asarray(comparison.codes[k]) for k in comparison.protocols])
    rest = tuple(dims) if dims is not None else tuple(f"dim_{i}" for i in range(stack.ndim - 1))
    if len(rest) != stack.ndim - 1:
        raise KzgameError(f"dims names {len(rest)} dimension(s), the codes have "
                          f"{stack.ndim - 1}: {stack.shape[1:]}")
    all_coords: dict[str, Any] = {"protocol": list(comparison.protocols)}
    all_coords.update(coords or {})
    return xr.DataArray(stack, dims=("protocol", *rest), coords=all_coords, name="strategy",
                        attrs={"strategies": dict(enumerate(STRATEGY_NAMES))})


# --------------------------------------------------------------------------
# Grids


def sweep_xarray(result: Any) -> Any:
    """A :class:`kzgame.analysis.sweep.SweepResult` as a DataArray of codes.

    Dimensions ``(y, x)`` named after the swept parameters, with their
    values as coordinates; ``attrs``: ``strategies`` (code -> name),
    ``protocol`` and the ``fixed`` parameter values (one attribute each,
    ``fixed_<name>``, so the array writes to netCDF).
    """
    xr = require("xarray")
    attrs: dict[str, Any] = {"strategies": dict(enumerate(STRATEGY_NAMES)),
                             "protocol": result.protocol}
    attrs.update({f"fixed_{k}": float(v) for k, v in result.fixed.items()})
    return xr.DataArray(
        np.asarray(result.codes), dims=(result.y, result.x),
        coords={result.y: np.asarray(result.y_values, dtype=float),
                result.x: np.asarray(result.x_values, dtype=float)},
        name="strategy", attrs=attrs)


def sweep_from_xarray(array: Any) -> Any:
    """The :class:`~kzgame.analysis.sweep.SweepResult` a :func:`sweep_xarray` array came from.

    Raises
    ------
    KzgameError
        If the array is not two-dimensional with coordinates on both
        dimensions and a ``protocol`` attribute, or holds a code outside 0..3.
    """
    from .sweep import SweepResult

    if getattr(array, "ndim", None) != 2 or "protocol" not in getattr(array, "attrs", {}):
        raise KzgameError("expected a two-dimensional DataArray made by SweepResult.to_xarray "
                          "(dims y, x with coordinates and a 'protocol' attribute)")
    y, x = array.dims
    for d in (x, y):
        if d not in array.coords:
            raise KzgameError(f"the DataArray has no coordinate for its dimension {d!r}")
    codes = np.asarray(array.values)
    Strategy.decode(codes)
    fixed = {k[len("fixed_"):]: float(v) for k, v in array.attrs.items()
             if k.startswith("fixed_")}
    return SweepResult(str(x), str(y), np.asarray(array.coords[x].values, dtype=float),
                       np.asarray(array.coords[y].values, dtype=float),
                       codes.astype(np.int8), fixed, str(array.attrs["protocol"]))


def sweep_frame(result: Any) -> Any:
    """A sweep as a long table: one row per grid point (as its CSV, :meth:`to_csv`).

    Columns: the two swept parameters, ``code`` and ``strategy``; rows in
    the CSV's order (y outer, x inner).
    """
    pd = require("pandas")
    xv = np.asarray(result.x_values, dtype=float)
    yv = np.asarray(result.y_values, dtype=float)
    codes = np.asarray(result.codes, dtype=np.int8)
    df = pd.DataFrame({result.x: np.tile(xv, yv.size), result.y: np.repeat(yv, xv.size),
                       "code": codes.ravel()})
    df["strategy"] = strategy_categorical(codes.ravel())
    df.attrs.update(protocol=result.protocol, fixed=dict(result.fixed))
    return df
