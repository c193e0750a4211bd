"""The one empty-cell rule (`synergies.cells.is_blank`) that tables, evidence map and magnitudes share."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest

from synergies import combination, evidence_map, magnitude_text, robustness
from synergies.cells import is_blank
from synergies.load import Evidence
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


# --------------------------------------------------------------------------- codes shown as words

CODE = re.compile(r"[a-z]+(_[a-z]+)+")  # a snake_case code, as the CSV files keep them


def _cells(table: tables.PeopleTable) -> set[str]:
    return {str(v) for column in table.frame.columns for v in table.frame[column]}


@pytest.mark.parametrize(
    "make",
    [
        lambda ev: robustness.robustness_grid(ev),
        lambda ev: combination.combination_outcomes(ev),
        lambda ev: combination.combination_domains(ev),
        lambda ev: ev.cases,
        lambda ev: ev.programmes,
        lambda ev: ev.findings,
    ],
    ids=["robustness", "combination", "combination_domains", "cases", "programmes", "findings"],
)
def test_no_code_of_the_project_reaches_a_spanish_table(make, evidence: Evidence) -> None:
    frame = make(evidence)
    shown = tables.for_people(frame, evidence, "es")
    english = {w for w in _cells(shown) if CODE.fullmatch(w)}
    assert not english, english
    english_words = {"beneficial", "adverse", "unknown", "increase", "decrease", "directions", "finding"}
    assert not (_cells(shown) & english_words), _cells(shown) & english_words


def test_a_comparator_that_names_an_arm_stays_as_coded(evidence: Evidence) -> None:
    frame = pd.DataFrame({"comparator": ["unknown", "FEST + UNIDOS", "control;status_quo"]})
    shown = tables.for_people(frame, evidence, "es").frame.iloc[:, 0].tolist()
    assert shown == ["desconocido", "FEST + UNIDOS", "grupo de control; situación sin programa"]


def test_a_robustness_reason_is_said_in_the_reader_language(evidence: Evidence) -> None:
    grid = robustness.robustness_grid(evidence)
    shown = tables.for_people(grid, evidence, "es").frame
    reasons = {r for r in shown[tables.column_label("why_not", "es")] if r}
    assert reasons and not any(r.startswith(("no ", "No ")) for r in reasons), reasons


def test_a_table_without_rows_says_so_under_its_header(evidence: Evidence) -> None:
    frame = pd.DataFrame({"domain": pd.Series([], dtype=object), "k": pd.Series([], dtype=int)})
    page = tables.for_people(frame, evidence, "es").html()
    assert "<th" in page and 'colspan="2"' in page and "Sin filas" in page
