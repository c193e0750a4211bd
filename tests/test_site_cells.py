"""The one empty-cell rule (`synergies.cells.is_blank`) that tables, evidence map and magnitudes share."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from synergies import evidence_map, magnitude_text
from synergies.cells import is_blank
from synergies.site import tables


@pytest.mark.parametrize("value", [None, "", float("nan"), np.nan, pd.NA, pd.NaT, np.float64("nan")])
def test_missing_values_are_blank(value: object) -> None:
    assert is_blank(value)


@pytest.mark.parametrize("value", [0, 0.0, False, "0", " ", "nan", "NA", [], [math.nan], np.array([1.0])])
def test_present_values_are_not_blank(value: object) -> None:
    assert not is_blank(value)


@pytest.mark.parametrize("value", [None, "", float("nan"), pd.NA])
def test_every_reader_of_a_cell_agrees_that_it_is_empty(value: object) -> None:
    assert tables.number(value, "es") == ""
    assert evidence_map._number("es", value) is None
    assert magnitude_text.fmt_number(value, "es") == "–"


def test_a_zero_is_shown_everywhere() -> None:
    assert tables.number(0, "es", "integer") == "0"
    assert evidence_map._number("es", 0.0) == "0,0"
    assert magnitude_text.fmt_number(0.0, "es") == "0,00"
