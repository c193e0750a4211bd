"""A table shown in a page is bounded: its first rows, then a sentence naming the CSV with all of them."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from synergies import outputs
from synergies.load import Evidence
from synergies.site import tables


def _long_frame(rows: int) -> pd.DataFrame:
    return pd.DataFrame({"count": range(rows), "note": [f"<script>x{i}</script>" for i in range(rows)]})


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_long_table_shows_its_first_rows_and_names_its_csv(evidence: Evidence, tmp_path, lang: str) -> None:
    frame = _long_frame(tables.SHOWN_ROWS + 1234)
    written = outputs.write_table(frame, tmp_path, "big_table")
    shown = tables.for_people(frame, evidence, lang)
    assert len(shown.frame) == tables.SHOWN_ROWS
    first = tables.column_label("count", lang)
    assert shown.frame[first].tolist()[:2] == ["0", "1"]  # the frame's own order
    page = shown.html()
    assert page.count("<tr>") == tables.SHOWN_ROWS + 1  # header + shown rows
    note = re.search(r'<p class="synergies-table-note">(.*?)</p>', page).group(1)
    assert '<a href="../tables/big_table.csv">tables/big_table.csv</a>' in note
    total = "1,434" if lang == "en" else "1434"
    assert f" {total} " in note and f" {tables.SHOWN_ROWS} " in note
    assert ("Showing" in note) == (lang == "en")
    assert "<script>" not in page
    assert len(pd.read_csv(written)) == tables.SHOWN_ROWS + 1234  # the CSV stays complete


def test_a_table_within_the_cap_is_shown_whole_without_a_note(evidence: Evidence) -> None:
    frame = _long_frame(tables.SHOWN_ROWS)
    shown = tables.for_people(frame, evidence, "en")
    assert len(shown.frame) == tables.SHOWN_ROWS
    assert "synergies-table-note" not in shown.html()


def test_a_table_never_written_says_how_many_rows_without_a_link(evidence: Evidence) -> None:
    page = tables.for_people(_long_frame(tables.SHOWN_ROWS + 5), evidence, "en").html()
    assert "synergies-table-note" in page and "<a " not in page and "205" in page


def test_rows_that_citations_link_to_are_never_cut(evidence: Evidence) -> None:
    frame = _long_frame(tables.SHOWN_ROWS + 5)
    shown = tables.for_people(frame, evidence, "en", max_rows=None)
    assert len(shown.frame) == tables.SHOWN_ROWS + 5


@pytest.mark.parametrize(
    "derive",
    [
        lambda f: f[f["count"] >= 500],  # a subset of more than SHOWN_ROWS rows
        lambda f: f.sort_values("count", ascending=False),  # same shape and columns, another frame
        lambda f: f.copy(),
        lambda f: f.assign(extra=1),
    ],
    ids=["subset", "sorted", "copy", "assigned"],
)
def test_a_frame_derived_from_a_written_table_does_not_call_its_csv_the_full_table(
    evidence: Evidence, tmp_path, derive
) -> None:
    """pandas copies attrs to derived frames: only the very frame written names tables/NAME.csv."""
    frame = _long_frame(tables.SHOWN_ROWS * 5)
    outputs.write_table(frame, tmp_path, "parent")
    derived = derive(frame)
    assert len(derived) > tables.SHOWN_ROWS and tables.table_file(derived) == ""
    page = tables.for_people(derived, evidence, "en").html()
    assert "synergies-table-note" in page and "parent.csv" not in page and "<a " not in page
    assert tables.table_file(frame) == "tables/parent.csv"  # the written frame itself still links


def test_a_written_table_changed_in_shape_afterwards_is_no_longer_its_csv(
    evidence: Evidence, tmp_path
) -> None:
    frame = _long_frame(tables.SHOWN_ROWS + 50)
    outputs.write_table(frame, tmp_path, "changed")
    frame["added"] = 1  # in place: the same object, no longer what the CSV holds
    assert tables.table_file(frame) == ""
    frame = _long_frame(tables.SHOWN_ROWS + 50)
    outputs.write_table(frame, tmp_path, "changed")
    frame.loc[len(frame)] = [-1, "a row added in place"]
    assert tables.table_file(frame) == ""
