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


# --------------------------------------------------------------------------- extracting notebook cells


def test_new_notebook_cells_are_extracted_into_the_site_catalogue(tmp_path, monkeypatch) -> None:
    import shutil

    import nbformat
    from babel.messages.pofile import read_po

    from synergies.site import translate

    po = tmp_path / "es" / "LC_MESSAGES" / "site.po"
    po.parent.mkdir(parents=True)
    shutil.copy(translate.catalogue_path("es"), po)
    before = po.read_bytes()
    monkeypatch.setattr(translate, "catalogue_path", lambda lang: po)
    translate._messages.cache_clear()
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    cell = 'A **new** cell with "quotes", a `slot` and\n\ntwo paragraphs, long enough to wrap ' * 3
    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell("# Describe the data"), nbformat.v4.new_markdown_cell(cell)]
    )
    nbformat.write(nb, notebooks / "01-describe-data.ipynb")
    try:
        texts = translate.notebook_texts(notebooks)
        assert translate.add_missing(texts, "es") == [cell.strip()]  # the heading is translated already
        assert po.read_bytes().startswith(before)  # existing entries untouched
        with po.open("rb") as handle:
            entry = read_po(handle).get(cell.strip())
        assert (
            entry is not None and entry.string == "" and ("01-describe-data.ipynb", None) in entry.locations
        )
        assert cell.strip() in translate.untranslated("es")
        assert translate.add_missing(texts, "es") == []  # a second run adds nothing
    finally:
        translate._messages.cache_clear()


def test_the_shipped_site_catalogue_has_every_cell_and_no_gap() -> None:
    from synergies import config
    from synergies.site import translate

    texts = translate.notebook_texts(config.NOTEBOOKS_DIR)
    keys = set(translate._messages("es"))
    assert texts and all(text in keys for _, text in texts)
    assert translate.untranslated("es") == []
