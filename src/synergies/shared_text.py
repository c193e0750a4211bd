"""Repeated text held once: string columns whose many equal values share one Python str each.

`load_evidence` returns its text columns as pandas' `str` dtype backed by Arrow: compact, but every
`.tolist()`, `.to_numpy()`, `itertuples()` or per-row lookup downstream makes a new Python str per
row. A million findings name 200 countries, 60 outcomes and three directions, so code that walks
the rows (the narrative, the site's findings table) builds millions of copies of a few hundred
strings, at about 50 bytes each.

`share_repeated_text` stores every text column of an Evidence whose values are mostly repeats
(at most half distinct) as the same `str` dtype with Python storage, each distinct value one str
object that every row holding it points to. Values, missing values and the dtype's name ("str")
are unchanged, and so is every table, file and digest made from them (`pd.util.hash_pandas_object`
hashes values, not storage); what changes is that reading the rows as Python objects reuses those
few objects instead of allocating one per row. Columns of mostly distinct values (ids, statements)
stay as they are: sharing would not save anything there.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

MAX_DISTINCT_SHARE = 0.5  # a column is shared when at most this fraction of its values are distinct


def shared_column(values: pd.Series) -> pd.Series | None:
    """`values` (a `str`-dtype column) with each distinct value one shared str, or None to keep it.

    None when the column is not of pandas' string dtype, is empty, or has more than
    MAX_DISTINCT_SHARE of its values distinct. Missing values stay the dtype's missing value.
    """
    dtype = values.dtype
    if not isinstance(dtype, pd.StringDtype) or len(values) == 0:
        return None
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    if len(uniques) > MAX_DISTINCT_SHARE * len(values):
        return None
    distinct = np.empty(len(uniques) + 1, dtype=object)  # the last slot is for missing values
    distinct[:-1] = [str(value) for value in uniques]  # one str object per distinct value
    distinct[-1] = dtype.na_value
    shared = distinct[codes]  # code -1 (missing) picks the last slot
    python = pd.StringDtype("python", na_value=dtype.na_value)
    return pd.Series(pd.array(shared, dtype=python, copy=False), index=values.index, name=values.name)


def share_frame_text(frame: pd.DataFrame) -> list[str]:
    """In place: store each mostly repeated text column of `frame` shared; return the columns changed."""
    changed = []
    for column in list(frame.columns):
        if not isinstance(column, str) or list(frame.columns).count(column) != 1:
            continue  # a column label frame[column] would not name uniquely
        shared = shared_column(frame[column])
        if shared is not None:
            frame[column] = shared
            changed.append(column)
    return changed


def share_repeated_text(ev: Any) -> Any:
    """In place: every table of the Evidence `ev` with its mostly repeated text columns shared; returns `ev`.

    Values, dtypes' names, row order and index are unchanged (see the module docstring), so every
    output made from `ev` is too. Safe to call more than once. Nothing is added to `ev` itself:
    its fields, and the digest the runner takes of them, stay the same.
    """
    for value in vars(ev).values():
        if isinstance(value, pd.DataFrame):
            share_frame_text(value)
    return ev
