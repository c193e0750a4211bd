"""What counts as an empty cell, in one place.

A cell of the coded data or of a derived table is empty when it holds None, a missing value of
any dtype (NaN, pd.NA, NaT) or an empty string. The tables for people (`site.tables`), the
evidence map (`evidence_map`) and the magnitude sentences (`magnitude_text`) all show such a cell
as "not reported" or leave it blank; they ask this module, so they cannot disagree on what is
empty.
"""

from __future__ import annotations

import pandas as pd


def is_blank(value: object) -> bool:
    """Whether a cell holds nothing: None, NA/NaN/NaT (of any dtype) or an empty string.

    A string is never NA (pd.isna on text is False), and a non-scalar is not one cell: both
    count as present unless the string is empty.
    """
    if value is None:
        return True
    if isinstance(value, str):
        return value == ""
    if not pd.api.types.is_scalar(value):  # a list or array is not one cell
        return False
    return bool(pd.isna(value))
