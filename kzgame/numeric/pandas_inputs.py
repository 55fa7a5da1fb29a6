"""pandas Series as :func:`kzgame.classify` inputs: aligned by index, the index kept.

:func:`kzgame.classify` hands its keyword parameters to :func:`split` first.
If none is a pandas object nothing changes.  Otherwise the rule is:

* every :class:`pandas.Series` must carry the **same set of index labels**
  (each label once).  Series whose labels come in another order are
  reordered to the first Series' index (alignment by label, as pandas
  does); Series with different labels, or a duplicated label, are refused
  with a :class:`~kzgame.errors.ParameterError` naming the parameters,
  rather than aligned by a union that would put NaN into the inputs;
* the other parameters are scalars or arrays that broadcast to the Series'
  length, shape ``(n,)`` (a plain array is taken in the order of the first
  Series' index);
* a DataFrame is not one parameter: pass its columns, ``classify(**df)``
  or ``classify(**df[["share", ...]])``;
* the result is a :class:`pandas.Series` of the codes, with the first
  Series' index (its name kept) and the name ``"code"``
  (:meth:`kzgame.Strategy.decode` or ``Series.map`` turn codes into names).

pandas is never imported here: a pandas object is recognised by its type's
module, and the result is built with the input Series' own class.

Examples
--------
>>> import pandas as pd
>>> import kzgame
>>> df = pd.DataFrame({"outside_r": [0.45, 0.0], "indispensability": [0.9, 0.9]},
...                   index=pd.Index(["2014", "2009"], name="period"))
>>> kzgame.classify(share=0.5, outside_e=0.0, survival=0.8, invest_cost=0.05, **df)
period
2014    2
2009    1
Name: code, dtype: int8
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from ..errors import ParameterError

__all__ = ["is_pandas", "split"]


def is_pandas(value: Any) -> bool:
    """Whether ``value`` is a pandas object (checked without importing pandas)."""
    return type(value).__module__.split(".")[0] == "pandas"


def split(params: Mapping[str, Any]) -> tuple[dict[str, Any], Callable[[Any], Any] | None]:
    """Plain arrays for ``params`` and a function that wraps the codes back, or None.

    Returns ``(params, None)`` unchanged when no parameter is a pandas
    object.

    Raises
    ------
    ParameterError
        For a DataFrame (or another pandas object that is not a Series)
        given as one parameter, Series with different index labels or a
        duplicated label, or another parameter that does not broadcast to
        the Series' length.
    """
    pandas_names = [k for k, v in params.items() if is_pandas(v)]
    if not pandas_names:
        return dict(params), None
    for k in pandas_names:
        v = params[k]
        if type(v).__name__ != "Series" or not hasattr(v, "index"):
            hint = (" (pass its columns: classify(**df))"
                    if type(v).__name__ == "DataFrame" else "")
            raise ParameterError(
                f"{k}: a pandas {type(v).__name__} is not one parameter; give a Series{hint}")
    first = pandas_names[0]
    ref = params[first]
    index = ref.index
    if not index.is_unique:
        raise ParameterError(f"{first}: the Series' index has duplicated labels; classify "
                             "aligns the parameters by label, so each label must appear once")
    out: dict[str, Any] = {}
    n = len(index)
    for k, v in params.items():
        if k in pandas_names:
            if not v.index.equals(index):
                if not v.index.is_unique or len(v.index) != n or not v.index.isin(index).all():
                    raise ParameterError(
                        f"the Series {first} and {k} have different index labels; classify "
                        f"aligns Series by label and needs the same labels in each (reindex "
                        f"them first, e.g. {k}.reindex({first}.index), and fill the gaps)")
                v = v.reindex(index)
            out[k] = v.to_numpy()
        else:
            shape = np.shape(v)
            try:
                ok = np.broadcast_shapes(shape, (n,)) == (n,)
            except ValueError:
                ok = False
            if not ok:
                raise ParameterError(
                    f"{k}: shape {shape} does not broadcast to the length {n} of the Series "
                    f"{first} (with Series inputs the others are scalars or length-{n} arrays)")
            out[k] = v
    series_type = type(ref)

    def wrap(codes: Any) -> Any:
        return series_type(np.broadcast_to(np.asarray(codes), (n,)).copy(), index=index,
                           name="code")

    return out, wrap
