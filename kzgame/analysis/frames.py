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
* where a result has outcomes beyond the four strategies, the categories
  extend the strategies in code order: :data:`COMMITMENT_OUTCOMES` (4,
  brinkmanship's ``accept + exit``), :data:`DYNAMIC_OUTCOMES` (4, ``out``:
  R left earlier); other labels (belief classes, counter-moves) are
  categoricals in the result's own order, so ``.cat.codes`` is the
  result's code;
* results over broadcast parameter arrays become one row per point (a
  ``RangeIndex`` named ``point``, C order, ``attrs["shape"]``) in pandas, and
  keep their shape in xarray, the dimensions named by ``dims=`` (default
  ``dim_0``, ...) with ``coords=``;
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
from ..game.outcomes import check_codes
from ..strategy import Strategy

__all__ = [
    "COMMITMENT_OUTCOMES",
    "COUNTER_MOVES",
    "DYNAMIC_OUTCOMES",
    "EXTRA",
    "MissingExtraError",
    "beliefs_frame",
    "beliefs_xarray",
    "case_dynamics_frame",
    "case_frame",
    "commitment_frame",
    "commitment_verdicts_frame",
    "commitment_xarray",
    "counter_moves_frame",
    "counter_moves_xarray",
    "counterfactuals_frame",
    "differences_frame",
    "dynamic_path_frame",
    "finite_xarray",
    "fit_frame",
    "holdup_threshold_frame",
    "members_frame",
    "members_xarray",
    "monte_carlo_frame",
    "monte_carlo_frames",
    "observables_frame",
    "predictions_frame",
    "protocols_frame",
    "protocols_xarray",
    "require",
    "statics_frame",
    "strategy_categorical",
    "sweep_frame",
    "sweep_from_xarray",
    "sweep_xarray",
    "switches_frame",
    "validation_frame",
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
    ``protocol``, ``commitment`` (for a sweep under a commitment game) and
    the ``fixed`` parameter values (one attribute each, ``fixed_<name>``, so
    the array writes to netCDF).
    """
    xr = require("xarray")
    names = getattr(result, "outcomes", STRATEGY_NAMES)
    attrs: dict[str, Any] = {"strategies": dict(enumerate(names)),
                             "protocol": result.protocol}
    if getattr(result, "commitment", None) is not None:
        attrs["commitment"] = result.commitment
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
        dimensions and a ``protocol`` attribute, or holds a code outside 0..3
        (0..4 under brinkmanship, a ``commitment`` attribute).
    """
    from .sweep import SweepResult, outcome_names

    if getattr(array, "ndim", None) != 2 or "protocol" not in getattr(array, "attrs", {}):
        raise KzgameError("expected a two-dimensional DataArray made by SweepResult.to_xarray "
                          "(dims y, x with coordinates and a 'protocol' attribute)")
    y, x = array.dims
    for d in (x, y):
        if d not in array.coords:
            raise KzgameError(f"the DataArray has no coordinate for its dimension {d!r}")
    codes = np.asarray(array.values)
    commitment = array.attrs.get("commitment")
    protocol = str(array.attrs["protocol"])
    names = outcome_names(None if commitment is None else str(commitment), protocol)
    check_codes(codes, len(names), "strategy" if commitment is None else "outcome", KzgameError)
    fixed = {k[len("fixed_"):]: float(v) for k, v in array.attrs.items()
             if k.startswith("fixed_")}
    return SweepResult(str(x), str(y), np.asarray(array.coords[x].values, dtype=float),
                       np.asarray(array.coords[y].values, dtype=float),
                       codes.astype(np.int8), fixed, protocol,
                       None if commitment is None else str(commitment), names)


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
    names = getattr(result, "outcomes", STRATEGY_NAMES)
    if names == STRATEGY_NAMES:
        df["strategy"] = strategy_categorical(codes.ravel())
    else:  # a commitment game's outcomes (brinkmanship's 'accept + exit')
        df["strategy"] = pd.Categorical.from_codes(codes.ravel().astype(np.int64),
                                                   categories=list(names))
    df.attrs.update(protocol=result.protocol, fixed=dict(result.fixed))
    if getattr(result, "commitment", None) is not None:
        df.attrs["commitment"] = result.commitment
    return df


# --------------------------------------------------------------------------
# Counterfactual thresholds, validation, commitment, beliefs


def _boundaries_text(pairs: Iterable[tuple[str, str]]) -> str:
    return ", ".join(f"{a}/{b}" for a, b in pairs)


def switches_frame(items: Iterable[Any]) -> Any:
    """Switches (:func:`kzgame.analysis.switches`), one row each, in increasing ``critical``.

    Columns: ``parameter``, ``critical``, ``below``, ``above``
    (categoricals) and ``boundaries`` (``"a/b"`` names joined by ``", "``).

    Examples
    --------
    >>> from kzgame import Period
    >>> from kzgame.analysis import switches
    >>> p = Period(share=0.5, outside_r=0.3, outside_e=0.0, indispensability=0.5,
    ...            survival=0.8, invest_cost=0.05)
    >>> switches(p, "outside_r").to_pandas()[["critical", "below", "above"]]
       critical    below    above
    0      0.25   invest  hold-up
    1      0.75  hold-up     exit
    """
    pd = require("pandas")
    items = list(items)
    return pd.DataFrame({
        "parameter": pd.Series([s.parameter for s in items], dtype=object),
        "critical": np.array([s.critical for s in items], dtype=float),
        "below": _strategy_column(s.below for s in items),
        "above": _strategy_column(s.above for s in items),
        "boundaries": pd.Series([_boundaries_text(s.boundaries) for s in items], dtype=object),
    })


def holdup_threshold_frame(t: Any) -> Any:
    """A :class:`kzgame.analysis.HoldupThreshold` as a one-row DataFrame.

    Index: the parameter (named ``parameter``); columns ``current``,
    ``critical``, ``margin``, ``alternative`` (categorical) and
    ``holdup_above`` (a nullable boolean: missing where ``critical`` is NaN).
    """
    pd = require("pandas")
    return pd.DataFrame(
        {"current": [float(t.current)], "critical": [float(t.critical)],
         "margin": [float(t.margin)], "alternative": _strategy_column([t.alternative]),
         "holdup_above": pd.array([t.holdup_above], dtype="boolean")},
        index=pd.Index([t.parameter], name="parameter", dtype=object))


def validation_frame(validation: Any) -> Any:
    """A case's validation table (:func:`kzgame.io.validation.validate`), one row per verdict.

    Index: the period labels (named ``period``).  Columns: ``verdict``,
    ``model`` and ``loo`` (categoricals; ``loo`` is NaN without other
    verdicts to fit on), ``agrees``, ``loo_agrees`` (nullable boolean),
    ``out_of_sample``, ``robustness`` and ``verdict_share`` (NaN without
    draws), ``informed`` and ``undeclared`` (names joined by ``", "``),
    ``loo_<name>`` for each refitted parameter, ``finding`` and ``stale``.
    ``attrs``: ``case``, ``protocol``, ``fit`` and the ``counts``.
    """
    pd = require("pandas")
    rows = list(validation.rows)

    def opt(v: float | None) -> float:
        return float("nan") if v is None else float(v)

    df = pd.DataFrame(
        {"verdict": _strategy_column(r.verdict for r in rows),
         "model": _strategy_column(r.model for r in rows),
         "agrees": np.array([r.agrees for r in rows], dtype=bool),
         "out_of_sample": np.array([r.out_of_sample for r in rows], dtype=bool),
         "robustness": np.array([opt(r.robustness) for r in rows], dtype=float),
         "verdict_share": np.array([opt(r.verdict_share) for r in rows], dtype=float),
         "informed": np.array([", ".join(r.informed) for r in rows], dtype=object),
         "undeclared": np.array([", ".join(r.undeclared) for r in rows], dtype=object),
         "loo": pd.Categorical([None if r.loo is None else r.loo.value for r in rows],
                               categories=STRATEGY_NAMES),
         "loo_agrees": pd.array([r.loo_agrees for r in rows], dtype="boolean")},
        index=pd.Index([r.label for r in rows], name="period", dtype=object))
    for name in validation.fit:
        df[f"loo_{name}"] = np.array([opt(r.loo_fit.get(name)) for r in rows], dtype=float)
    df["finding"] = np.array([r.finding for r in rows], dtype=object)
    df["stale"] = np.array([r.stale for r in rows], dtype=bool)
    df.attrs.update(case=validation.case, protocol=validation.protocol,
                    fit=tuple(validation.fit), counts=dict(validation.counts))
    return df


#: The outcomes of the commitment games in code order (4: brinkmanship's refused hold-up).
COMMITMENT_OUTCOMES: tuple[str, ...] = (*STRATEGY_NAMES, "accept + exit")


def _outcome_categorical(codes: Any) -> Any:
    pd = require("pandas")
    arr = np.asarray(codes).astype(np.int64).ravel()
    if arr.size and (arr.min() < 0 or arr.max() >= len(COMMITMENT_OUTCOMES)):
        raise KzgameError(f"outcome codes must be in 0..{len(COMMITMENT_OUTCOMES) - 1}")
    return pd.Categorical.from_codes(arr, categories=COMMITMENT_OUTCOMES)


def commitment_verdicts_frame(verdicts: Any) -> Any:
    """A :class:`kzgame.analysis.commitment.CommitmentVerdicts`, one row per assumption.

    Index: the commitment assumptions (named ``commitment``: ``full``,
    ``none`` and ``brinkmanship`` if a breakdown risk was given); columns
    ``code`` and ``verdict`` (a categorical of
    :data:`COMMITMENT_OUTCOMES`).  ``attrs``: ``protocol``,
    ``breakdown_risk``, ``credible``, ``stay_margin``, ``risk_threshold``
    and ``fallback``.

    Examples
    --------
    >>> from kzgame.analysis.commitment import commitment_verdicts
    >>> v = commitment_verdicts(dict(share=0.5, outside_r=0.3, outside_e=0.0,
    ...     indispensability=0.9, survival=0.8, invest_cost=0.05, holdup_cost=0.02))
    >>> v.to_pandas()["verdict"].tolist()
    ['hold-up', 'accept']
    """
    pd = require("pandas")
    names = list(verdicts.verdicts)
    codes = np.array([COMMITMENT_OUTCOMES.index(verdicts.verdicts[k]) for k in names],
                     dtype=np.int8)
    df = pd.DataFrame({"code": codes, "verdict": _outcome_categorical(codes)},
                      index=pd.Index(names, name="commitment", dtype=object))
    df.attrs.update(protocol=verdicts.protocol, breakdown_risk=verdicts.breakdown_risk,
                    credible=verdicts.credible, stay_margin=verdicts.stay_margin,
                    risk_threshold=verdicts.risk_threshold, fallback=verdicts.fallback)
    return df


def _labelled_stack(kind: str, stack: np.ndarray, dims: Iterable[str] | None,
                    coords: Mapping[str, Any] | None) -> tuple[tuple[str, ...], dict[str, Any]]:
    rest = tuple(dims) if dims is not None else tuple(f"dim_{i}" for i in range(stack.ndim - 1))
    if len(rest) != stack.ndim - 1:
        raise KzgameError(f"dims names {len(rest)} dimension(s), the {kind} have "
                          f"{stack.ndim - 1}: {stack.shape[1:]}")
    return rest, dict(coords or {})


def _broadcast_codes(codes: Mapping[str, Any]) -> tuple[list[str], dict[str, np.ndarray],
                                                         tuple[int, ...]]:
    """The arrays of ``codes`` broadcast to their common shape (brinkmanship's may have the
    breakdown risk's dimension the others lack)."""
    names = list(codes)
    arrays = [np.asarray(codes[k]) for k in names]
    shape = tuple(int(d) for d in np.broadcast_shapes(*(a.shape for a in arrays)))
    return names, {k: np.broadcast_to(a, shape) for k, a in zip(names, arrays, strict=True)}, \
        shape


def commitment_frame(comparison: Any) -> Any:
    """A :class:`kzgame.analysis.commitment.CommitmentComparison` as a DataFrame.

    One row per point (a ``RangeIndex`` named ``point``, in C order of the
    codes' common broadcast shape) and one categorical outcome column per
    commitment assumption (categories :data:`COMMITMENT_OUTCOMES`, so
    ``.cat.codes`` gives the codes back); ``attrs``: ``shape``, ``protocol``.
    """
    pd = require("pandas")
    names, codes, shape = _broadcast_codes(comparison.codes)
    n = int(np.prod(shape)) if shape else 1
    df = pd.DataFrame({k: _outcome_categorical(codes[k].reshape(n)) for k in names},
                      index=pd.RangeIndex(n, name="point"))
    df.attrs.update(shape=shape, protocol=comparison.protocol)
    return df


def commitment_xarray(comparison: Any, dims: Iterable[str] | None = None,
                      coords: Mapping[str, Any] | None = None) -> Any:
    """A commitment comparison's codes as a DataArray with a ``commitment`` dimension first.

    The other dimensions are named ``dims`` (default ``dim_0``, ...), with
    optional ``coords``; ``attrs["outcomes"]`` maps code to outcome name.
    """
    xr = require("xarray")
    names, codes, _ = _broadcast_codes(comparison.codes)
    stack = np.stack([codes[k] for k in names])
    rest, all_coords = _labelled_stack("codes", stack, dims, coords)
    all_coords["commitment"] = names
    return xr.DataArray(stack, dims=("commitment", *rest), coords=all_coords, name="outcome",
                        attrs={"outcomes": dict(enumerate(COMMITMENT_OUTCOMES)),
                               "protocol": comparison.protocol})


def beliefs_frame(classes: Any) -> Any:
    """A :class:`kzgame.analysis.beliefs.BeliefClasses` as a DataFrame, one row per point.

    Index: a ``RangeIndex`` named ``point`` (C order of the classified
    shape).  Columns: ``code`` (index into ``labels``; -1: no PBE),
    ``equilibrium`` (a categorical whose categories are ``labels`` in
    order, NaN where no PBE was found) and ``assessment`` (the selected
    assessment's index in the solution).  ``attrs["shape"]``: the shape.
    """
    pd = require("pandas")
    codes = np.asarray(classes.codes)
    flat = codes.astype(np.int64).ravel()
    df = pd.DataFrame(
        {"code": flat,
         "equilibrium": pd.Categorical.from_codes(flat, categories=list(classes.labels)),
         "assessment": np.asarray(classes.index).astype(np.int64).ravel()},
        index=pd.RangeIndex(flat.size, name="point"))
    df.attrs["shape"] = tuple(int(d) for d in codes.shape)
    return df


def beliefs_xarray(classes: Any, dims: Iterable[str] | None = None,
                   coords: Mapping[str, Any] | None = None) -> Any:
    """Belief classes as a DataArray of codes with the class names in ``attrs["classes"]``.

    ``attrs["classes"]`` maps each code to its label (-1: ``"no PBE"``);
    dimensions ``dims`` (default ``dim_0``, ...) with optional ``coords``.
    """
    xr = require("xarray")
    codes = np.asarray(classes.codes)
    rest, all_coords = _labelled_stack("codes", codes[None, ...], dims, coords)
    return xr.DataArray(codes, dims=rest, coords=all_coords, name="equilibrium",
                        attrs={"classes": {-1: "no PBE", **dict(enumerate(classes.labels))}})


def observables_frame(observables: Mapping[str, Any]) -> Any:
    """Observables (:func:`kzgame.analysis.beliefs.observables`), one row per point.

    A float column per observable (in the dict's order), rows in C order of
    the points' broadcast shape (a ``RangeIndex`` named ``point``);
    ``attrs["shape"]``: that shape.
    """
    pd = require("pandas")
    arrays = {k: np.asarray(v, dtype=float) for k, v in observables.items()}
    shape = np.broadcast_shapes(*(a.shape for a in arrays.values())) if arrays else ()
    n = int(np.prod(shape)) if shape else 1
    df = pd.DataFrame({k: np.broadcast_to(a, shape).reshape(n) for k, a in arrays.items()},
                      index=pd.RangeIndex(n, name="point"))
    df.attrs["shape"] = tuple(int(d) for d in shape)
    return df


# --------------------------------------------------------------------------
# Dynamics


#: The outcomes of a dynamic path in code order: the strategies, then ``out`` (R left).
DYNAMIC_OUTCOMES: tuple[str, ...] = (*STRATEGY_NAMES, "out")


def _names_categorical(names: Iterable[str], categories: tuple[str, ...],
                       missing: tuple[str, ...] = ("-",)) -> Any:
    """Names as a Categorical of ``categories``; a name in ``missing`` becomes NaN."""
    pd = require("pandas")
    names = list(names)
    bad = sorted({n for n in names if n not in categories and n not in missing})
    if bad:
        raise KzgameError(f"unknown outcome name(s) {bad}; expected one of {list(categories)}")
    return pd.Categorical([None if n in missing else n for n in names], categories=categories)


def dynamic_path_frame(path: Any) -> Any:
    """A :class:`kzgame.dynamics.DynamicPath` (the equilibrium path), one row per step.

    Index: the step labels (named ``step``).  Columns: ``code`` (0-3 as
    :class:`kzgame.Strategy`, 4 ``out``: R left earlier), ``strategy`` (a
    categorical of :data:`DYNAMIC_OUTCOMES`), ``e_reply`` and
    ``static_e_reply`` (strings), then ``share``, ``stock``, ``survival``,
    ``payoff_r``, ``payoff_e``, ``value_r``, ``value_e``, ``standing``,
    ``margin`` (NaN after R left).  ``attrs["expectations"]``.
    """
    pd = require("pandas")
    steps = list(path.steps)
    strategy = _names_categorical((s.strategy for s in steps), DYNAMIC_OUTCOMES, ())
    df = pd.DataFrame(
        {"code": np.asarray(strategy.codes, dtype=np.int8), "strategy": strategy,
         "e_reply": np.array([s.e_reply for s in steps], dtype=object),
         "static_e_reply": np.array([s.static_e_reply for s in steps], dtype=object),
         **{k: np.array([getattr(s, k) for s in steps], dtype=float)
            for k in ("share", "stock", "survival", "payoff_r", "payoff_e", "value_r",
                      "value_e", "standing", "margin")}},
        index=pd.Index([s.label for s in steps], name="step", dtype=object))
    df.attrs["expectations"] = path.expectations
    return df


def differences_frame(rows: Iterable[Any], verdicts: Iterable[str | None] | None = None) -> Any:
    """Static-vs-dynamic comparison rows (:func:`kzgame.dynamics.compare_static`).

    Index: the step labels (named ``step``).  Columns: ``static``,
    ``static_at_state``, ``dynamic``, ``myopic_at_state`` (categoricals of
    :data:`DYNAMIC_OUTCOMES`; ``"-"``, not applicable after R left, is NaN),
    ``e_reply``, ``static_e_reply`` (strings), ``differs`` and ``reasons``
    (joined by ``", "``); with ``verdicts`` (a case's), ``source`` first (a
    categorical, NaN where the sources give none).
    """
    pd = require("pandas")
    rows = list(rows)
    cols: dict[str, Any] = {}
    if verdicts is not None:
        cols["source"] = _names_categorical([v or "-" for v in verdicts], STRATEGY_NAMES)
    for k in ("static", "static_at_state", "dynamic", "myopic_at_state"):
        cols[k] = _names_categorical((getattr(r, k) for r in rows), DYNAMIC_OUTCOMES)
    for k in ("e_reply", "static_e_reply"):
        cols[k] = np.array([getattr(r, k) for r in rows], dtype=object)
    cols["differs"] = np.array([r.differs for r in rows], dtype=bool)
    cols["reasons"] = np.array([", ".join(r.reasons) for r in rows], dtype=object)
    return pd.DataFrame(cols, index=pd.Index([r.label for r in rows], name="step", dtype=object))


def case_dynamics_frame(result: Any) -> Any:
    """A case solved as one dynamic game (:func:`kzgame.io.dynamic_case.solve_case_dynamic`).

    The comparison rows (:func:`differences_frame`, with the sources'
    verdicts as ``source``) joined with the equilibrium path's state and
    values (``share``, ``stock``, ``survival``, ``standing``, ``value_r``,
    ``value_e``) and the myopic path's outcome (``myopic``).  ``attrs``:
    ``case``, ``protocol``, ``terminal``, ``warnings``.
    """
    df = differences_frame(result.rows, result.verdicts)
    dyn = dynamic_path_frame(result.dynamic)
    for k in ("share", "stock", "survival", "standing", "value_r", "value_e"):
        df[k] = dyn[k].to_numpy()
    df["myopic"] = _names_categorical((s.strategy for s in result.myopic.steps),
                                      DYNAMIC_OUTCOMES, ())
    df.attrs.update(case=result.case.name, protocol=result.solution.protocol,
                    terminal=result.terminal, warnings=tuple(result.warnings))
    return df


def finite_xarray(solution: Any) -> Any:
    """A :class:`kzgame.dynamics.FiniteSolution` as an :class:`xarray.Dataset` over the grid.

    Variables ``value_r``, ``value_e``, ``code`` (R's outcome, 0-3 as
    :class:`kzgame.Strategy`) and ``concedes`` / ``static_concedes`` (E's
    reply to a hold-up) with dimensions ``t``, ``point`` (only for a
    vectorized solution: the path's points flattened), ``share``, ``stock``.
    Coordinates: ``t`` (0-based steps) with the step ``label`` along it, and
    the grid's shares and stocks.  A solution computed with ``store=False``
    keeps step 1 only (``t = [0]``).  ``attrs``: ``strategies``,
    ``protocol``, ``expectations``, the ``dynamics`` parameters.

    Examples
    --------
    >>> from kzgame.dynamics import Dynamics, ParameterPath, StateGrid, solve_finite
    >>> vals = dict(share=0.5, outside_r=0.3, outside_e=0.0, indispensability=0.9,
    ...             survival=0.8, invest_cost=0.05)
    >>> sol = solve_finite(ParameterPath.constant(vals, 3), Dynamics(), StateGrid(5, 3))
    >>> ds = sol.to_xarray()
    >>> dict(ds["value_r"].sizes)
    {'t': 3, 'share': 5, 'stock': 3}
    >>> ds["code"].sel(t=0, share=0.5, stock=0.0).item() == int(sol.code[0, 2, 0])
    True
    """
    xr = require("xarray")
    stored = solution.values_r is not None
    T = solution.path.T if stored else 1
    arrays = {
        "value_r": solution.values_r if stored else solution.value_r[None],
        "value_e": solution.values_e if stored else solution.value_e[None],
        "code": solution.codes if solution.codes is not None else solution.code[None],
    }
    if solution.concedes is not None:
        arrays["concedes"] = solution.concedes
    if solution.static_concedes is not None:
        arrays["static_concedes"] = solution.static_concedes
    P = np.asarray(solution.value_r).shape[0]
    vectorized = bool(solution.path.points)
    dims = ("t", "point", "share", "stock") if vectorized else ("t", "share", "stock")
    data = {}
    for k, a in arrays.items():
        a = np.asarray(a)[:T]
        data[k] = (dims, a if vectorized else a[:, 0])
    coords: dict[str, Any] = {
        "t": np.arange(T), "label": ("t", list(solution.path.labels[:T])),
        "share": np.asarray(solution.grid.shares, dtype=float),
        "stock": np.asarray(solution.grid.stocks, dtype=float)}
    if vectorized:
        coords["point"] = np.arange(P)
    dyn = solution.dynamics
    attrs: dict[str, Any] = {"strategies": dict(enumerate(STRATEGY_NAMES)),
                             "protocol": solution.protocol,
                             "expectations": solution.expectations}
    attrs.update({f"dynamics_{k}": float(v) for k, v in dyn.as_dict().items()})
    return xr.Dataset(data, coords=coords, attrs=attrs)


# --------------------------------------------------------------------------
# Members


def _points_members_index(shape: tuple[int, ...], names: Iterable[str], level: str) -> Any:
    pd = require("pandas")
    n = int(np.prod(shape)) if shape else 1
    return pd.MultiIndex.from_product([range(n), list(names)], names=["point", level])


def members_frame(solution: Any) -> Any:
    """A :class:`kzgame.members.vectorized.MembersSolution`, one row per point and member.

    Index: ``(point, member)`` (points in C order of the solved shape).
    Columns: per member ``code``, ``strategy``, ``bilateral_code``,
    ``bilateral_strategy`` (categoricals), ``e_concedes``,
    ``bilateral_concedes``, ``contagion_refusal``; per point (repeated over
    its members) ``contagion``, ``united``, ``nobody``, ``coordination``,
    ``payoff_e``, ``precedent``, ``threshold``.  ``attrs``: ``selection``,
    ``shape``.

    Examples
    --------
    >>> from kzgame.members.vectorized import solve_members
    >>> m = {"A": dict(share=0.5, outside_r=0.45, outside_e=0.0, indispensability=0.9,
    ...                survival=0.8, invest_cost=0.05),
    ...      "B": dict(share=0.5, outside_r=0.1, outside_e=0.0, indispensability=0.2,
    ...                survival=0.8, invest_cost=0.05)}
    >>> df = solve_members(m, contagion=0.0).to_pandas()
    >>> df["strategy"].tolist()
    ['hold-up', 'invest']
    """
    pd = require("pandas")
    codes = np.asarray(solution.codes)
    shape = tuple(int(d) for d in codes.shape[:-1])
    k = len(solution.names)
    n = int(np.prod(shape)) if shape else 1

    def member(a: Any, dtype: Any) -> np.ndarray:
        return np.broadcast_to(np.asarray(a), (*shape, k)).reshape(n * k).astype(dtype)

    def point(a: Any, dtype: Any) -> np.ndarray:
        return np.repeat(np.broadcast_to(np.asarray(a), shape).reshape(n), k).astype(dtype)

    c = member(codes, np.int8)
    b = member(solution.bilateral_codes, np.int8)
    df = pd.DataFrame(
        {"code": c, "strategy": strategy_categorical(c),
         "bilateral_code": b, "bilateral_strategy": strategy_categorical(b),
         "e_concedes": member(solution.e_concedes, bool),
         "bilateral_concedes": member(solution.bilateral_concedes, bool),
         "contagion_refusal": member(solution.contagion_refusal, bool),
         "contagion": point(solution.contagion, float),
         "united": point(solution.united, bool), "nobody": point(solution.nobody, bool),
         "coordination": point(solution.coordination, bool),
         "payoff_e": point(solution.payoff_e, float),
         "precedent": point(solution.precedent, float),
         "threshold": point(solution.threshold, float)},
        index=_points_members_index(shape, solution.names, "member"))
    df.attrs.update(selection=solution.selection, shape=shape)
    return df


def members_xarray(solution: Any, dims: Iterable[str] | None = None,
                   coords: Mapping[str, Any] | None = None) -> Any:
    """A members' solution as an :class:`xarray.Dataset` over the points and members.

    Per member (last dimension ``member``): ``code``, ``bilateral_code``,
    ``e_concedes``, ``bilateral_concedes``, ``contagion_refusal``; per
    point: ``contagion``, ``united``, ``nobody``, ``coordination``,
    ``payoff_e``, ``precedent``, ``threshold``.  The points' dimensions are
    named ``dims`` (default ``dim_0``, ...) with optional ``coords``;
    ``attrs``: ``strategies`` (code -> name), ``selection``.
    """
    xr = require("xarray")
    codes = np.asarray(solution.codes)
    shape = codes.shape[:-1]
    rest, all_coords = _labelled_stack("points", np.empty((1, *shape)), dims, coords)
    all_coords["member"] = list(solution.names)
    k = len(solution.names)
    data: dict[str, Any] = {}
    for name in ("codes", "bilateral_codes", "e_concedes", "bilateral_concedes",
                 "contagion_refusal"):
        key = name[:-1] if name.endswith("codes") else name
        data[key] = ((*rest, "member"), np.broadcast_to(getattr(solution, name), (*shape, k)))
    for name in ("contagion", "united", "nobody", "coordination", "payoff_e", "precedent",
                 "threshold"):
        data[name] = (rest, np.broadcast_to(np.asarray(getattr(solution, name)), shape))
    return xr.Dataset(data, coords=all_coords,
                      attrs={"strategies": dict(enumerate(STRATEGY_NAMES)),
                             "selection": solution.selection})


#: E's counter-moves in code order (:data:`kzgame.members.countermoves.MOVES`).
COUNTER_MOVES: tuple[str, ...] = ("nothing", "dilute", "deepen", "offer")


def counter_moves_frame(result: Any, table: str = "moves") -> Any:
    """A :class:`kzgame.members.countermoves.CounterMoveResult` as a DataFrame.

    Parameters
    ----------
    result : CounterMoveResult
    table : {"moves", "members"}
        ``moves``: one row per point and move (index ``(point, move)``),
        columns ``payoff`` (net of the move's cost), ``gross``,
        ``threshold`` and ``optimal`` (the chosen move).  ``members``: one
        row per point and member (index ``(point, member)``), columns
        ``move`` (the optimal move, a categorical of :data:`COUNTER_MOVES`),
        ``code`` and ``strategy``: the member's strategy after it.

    Raises
    ------
    KzgameError
        On an unknown ``table``.
    """
    pd = require("pandas")
    codes = np.asarray(result.codes).astype(np.int64)
    shape = tuple(int(d) for d in codes.shape)
    n = int(np.prod(shape)) if shape else 1
    flat = codes.reshape(n)
    if table == "moves":
        m = len(COUNTER_MOVES)
        df = pd.DataFrame(
            {k: np.asarray(getattr(result, k), dtype=float).reshape(n * m)
             for k in ("payoffs", "gross", "thresholds")},
            index=_points_members_index(shape, COUNTER_MOVES, "move"))
        df = df.rename(columns={"payoffs": "payoff", "thresholds": "threshold"})
        df["optimal"] = (np.arange(m)[None, :] == flat[:, None]).reshape(n * m)
    elif table == "members":
        k = len(result.names)
        mc = np.asarray(result.member_codes).reshape(n * k).astype(np.int8)
        df = pd.DataFrame(
            {"move": pd.Categorical.from_codes(np.repeat(flat, k), categories=COUNTER_MOVES),
             "code": mc, "strategy": strategy_categorical(mc)},
            index=_points_members_index(shape, result.names, "member"))
    else:
        raise KzgameError(f"unknown table {table!r}; tables: moves, members")
    df.attrs["shape"] = shape
    return df


def counter_moves_xarray(result: Any, dims: Iterable[str] | None = None,
                         coords: Mapping[str, Any] | None = None) -> Any:
    """A :class:`kzgame.members.countermoves.CounterMoveResult` as an :class:`xarray.Dataset`.

    ``code`` (the optimal move, per point), ``payoff``, ``gross`` and
    ``threshold`` (per point and ``move``), ``member_code`` (the members'
    strategies after the optimal move, per point and ``member``).  The
    points' dimensions are named ``dims`` (default ``dim_0``, ...) with
    optional ``coords``; ``attrs``: ``moves`` and ``strategies`` (code -> name).
    """
    xr = require("xarray")
    codes = np.asarray(result.codes)
    rest, all_coords = _labelled_stack("points", codes[None, ...], dims, coords)
    all_coords.update(move=list(COUNTER_MOVES), member=list(result.names))
    data = {"code": (rest, codes),
            "payoff": ((*rest, "move"), np.asarray(result.payoffs)),
            "gross": ((*rest, "move"), np.asarray(result.gross)),
            "threshold": ((*rest, "move"), np.asarray(result.thresholds)),
            "member_code": ((*rest, "member"), np.asarray(result.member_codes))}
    return xr.Dataset(data, coords=all_coords,
                      attrs={"moves": dict(enumerate(COUNTER_MOVES)),
                             "strategies": dict(enumerate(STRATEGY_NAMES))})


# --------------------------------------------------------------------------
# Estimation


def fit_frame(fit: Any, level: float = 0.95, intervals: Iterable[Any] | None = None) -> Any:
    """A :class:`kzgame.estimation.fit.Fit`'s estimates, one row per coefficient.

    Index: the coefficients (named ``coefficient``).  Columns ``estimate``,
    ``se``, ``z`` (``estimate / se``), ``low``, ``high`` and ``method``: the
    Wald interval at ``level`` unless ``intervals`` (e.g.
    :meth:`~kzgame.estimation.fit.Fit.bootstrap`'s list, or profile
    intervals) are given, one per coefficient.  ``attrs``: ``n``,
    ``loglik``, ``aic``, ``bic``, ``converged``, ``iterations``, ``level``,
    ``warnings``.

    Raises
    ------
    KzgameError
        If ``intervals`` do not name each coefficient once.
    """
    pd = require("pandas")
    names = list(fit.coefficients)
    ivs = list(intervals) if intervals is not None else list(fit.wald(level))
    by_name = {iv.name: iv for iv in ivs}
    if sorted(by_name) != sorted(names) or len(ivs) != len(names):
        raise KzgameError(f"the intervals name {[iv.name for iv in ivs]}, the fit's "
                          f"coefficients are {names}")
    est = np.asarray(fit.estimates, dtype=float)
    se = np.asarray(fit.se, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = est / se
    df = pd.DataFrame(
        {"estimate": est, "se": se, "z": z,
         "low": np.array([by_name[k].low for k in names], dtype=float),
         "high": np.array([by_name[k].high for k in names], dtype=float),
         "method": np.array([by_name[k].method for k in names], dtype=object)},
        index=pd.Index(names, name="coefficient", dtype=object))
    levels = {float(iv.level) for iv in ivs}
    df.attrs.update(n=fit.n, loglik=float(fit.loglik), aic=float(fit.aic), bic=float(fit.bic),
                    converged=bool(fit.converged), iterations=int(fit.iterations),
                    level=levels.pop() if len(levels) == 1 else sorted(levels),
                    warnings=list(fit.warnings))
    return df


def predictions_frame(predictions: Mapping[str, Any], level: float | None = None) -> Any:
    """Predicted outcome probabilities (:meth:`kzgame.estimation.fit.Fit.predict`) by row.

    Index: the data rows (a ``RangeIndex`` named ``row``).  Columns: a
    two-level index ``(outcome, stat)`` with ``stat`` in ``probability``,
    ``low``, ``high`` (the interval's bounds), outcomes in the dict's order;
    ``attrs["level"]``: the intervals' level if known.
    """
    pd = require("pandas")
    if not predictions:
        raise KzgameError("no predictions to convert")
    arrays = {k: np.asarray(v, dtype=float) for k, v in predictions.items()}
    for k, a in arrays.items():
        if a.ndim != 2 or a.shape[1] != 3:
            raise KzgameError(f"{k}: expected an array (rows, 3), got shape {a.shape}")
    n = next(iter(arrays.values())).shape[0]
    stats = ("probability", "low", "high")
    cols = pd.MultiIndex.from_product([list(arrays), stats], names=["outcome", "stat"])
    data = np.concatenate([arrays[k] for k in arrays], axis=1)
    df = pd.DataFrame(data, index=pd.RangeIndex(n, name="row"), columns=cols)
    if level is not None:
        df.attrs["level"] = float(level)
    return df
