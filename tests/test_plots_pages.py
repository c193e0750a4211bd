"""Page titles name the countries as the reader's language does; file names keep the data's names."""

from __future__ import annotations

import pandas as pd

from synergies import plots
from synergies.plots.paging import _page_title
from synergies.text.names import country


def _table() -> pd.DataFrame:
    rows = [("Mexico", f"M{i}") for i in range(30)] + [("Peru", f"P{i}") for i in range(30)]
    rows += [("Niger", f"N{i}") for i in range(30)]
    return pd.DataFrame(rows, columns=["country", "case"])


def test_page_labels_use_cldr_names_and_file_names_the_data_names() -> None:
    pages = plots.table_pages(_table(), "verdicts", limit=40)
    assert len(pages) == 3
    assert [p.countries for p in pages] == [("Mexico",), ("Peru",), ("Niger",)]
    assert plots.page_label(pages[0], "es") == country("es", "Mexico") != "Mexico"
    assert pages[0].name == "verdicts-01-mexico"  # the same file in every language
    title = _page_title("Veredictos", pages[1], "es")
    assert title.startswith("Veredictos — Página 2 de 3") and title.endswith(country("es", "Peru"))


def test_a_page_spanning_countries_names_the_first_and_the_last() -> None:
    pages = plots.table_pages(_table().iloc[20:70].reset_index(drop=True), "x", limit=40)
    spanning = [p for p in pages if len(p.countries) == 2]
    assert spanning, [p.countries for p in pages]
    first, last = spanning[0].countries
    assert plots.page_label(spanning[0], "es") == f"{country('es', first)} – {country('es', last)}"
    assert spanning[0].label == f"{first} – {last}"


def test_one_page_has_no_page_words() -> None:
    (page,) = plots.table_pages(_table().head(5), "x")
    assert page.countries == () and _page_title("T", page, "es") == "T"
