"""Pages: which rows (and columns) of a table one page of a figure shows, and the page title."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from synergies import aggregate
from synergies import text as tl
from synergies.i18n import word
from synergies.load import Evidence
from synergies.outputs import safe_name
from synergies.plots.grid import _runs
from synergies.plots.style import MAX_ARMS, MAX_PAGES, MAX_ROWS_PER_PAGE
from synergies.text.names import country as country_name


def page_label(page: Page, lang: str) -> str:
    """The countries a page shows, as the reader's language names them: 'Colombia' or 'Mexico – Peru'.

    `page.label` keeps the data's own names, for file names that do not change with the language.
    """
    if not page.countries:
        return page.label
    first, last = (country_name(lang, c) for c in (page.countries[0], page.countries[-1]))
    return first if len(page.countries) == 1 else tl.t(lang, "{first} – {last}", first=first, last=last)


def _page_title(title: str, page: Page | None, lang: str) -> str:
    """A figure title with, on a figure of several pages, 'page 2 of 3' and the countries shown."""
    if page is None or page.count == 1:
        return title
    suffix = word("page_of", lang, page=page.number, pages=page.count)
    if not page.label:
        return tl.t(lang, "{title} — {page}", title=title, page=suffix)
    return tl.t(
        lang, "{title} — {page}: {countries}", title=title, page=suffix, countries=page_label(page, lang)
    )


@dataclass(frozen=True)
class Page:
    """One page of a grid figure: which rows of its table and which columns it shows."""

    number: int
    count: int
    name: str  # file-name stem, safe
    label: str  # the countries on the page, when there are several pages
    rows: tuple[int, ...]  # positions in the table the figure draws rows from
    columns: tuple[tuple[str, str], ...] = field(default=())  # heatmap only: (domain, outcome or "")
    omitted: int = 0  # table rows left out of every page (see the figure's note)
    level: str = "arm"  # "country" when a figure with one row per arm pools its arms by country
    not_drawn: int = 0  # rows beyond MAX_PAGES pages: in the figure's table, not drawn
    countries: tuple[str, ...] = ()  # the first and last country of `label`, as the data name them


def _pack(groups: list[list[int]], limit: int) -> list[list[int]]:
    """Pack groups of items into pages of at most `limit`, keeping a group whole whenever it fits."""
    pages: list[list[int]] = [[]]
    for items in groups:
        if len(pages[-1]) + len(items) <= limit:
            pages[-1].extend(items)
        elif len(items) <= limit:
            pages.append(list(items))
        else:
            for start in range(0, len(items), limit):
                chunk = items[start : start + limit]
                if pages[-1] and len(pages[-1]) + len(chunk) > limit:
                    pages.append([])
                pages[-1].extend(chunk)
    return [p for p in pages if p]


def _groups(table: pd.DataFrame, levels: Sequence[str], limit: int, positions: list[int]) -> list[list[int]]:
    """Consecutive row groups by the first level, split by the next level when a group exceeds `limit`."""
    if not levels:
        return [positions]
    keys = [table[levels[0]].iloc[p] for p in positions]
    groups = []
    for first, last in _runs(keys):
        members = positions[first : last + 1]
        groups += _groups(table, levels[1:], limit, members) if len(members) > limit else [members]
    return groups


def row_sets(
    table: pd.DataFrame, levels: Sequence[str] = ("country", "case"), limit: int = MAX_ROWS_PER_PAGE
):
    """Split a table's rows into pages of at most `limit`: whole countries if they fit, else whole cases.

    A table with one row per country is spread evenly, so no page is left with a row or two.
    """
    positions = list(range(len(table)))
    if len(table) <= limit:
        return [positions]
    groups = _groups(table, levels, limit, positions)
    if all(len(group) == 1 for group in groups):
        size = math.ceil(len(positions) / math.ceil(len(positions) / limit))
        return [positions[start : start + size] for start in range(0, len(positions), size)]
    return _pack(groups, limit)


def _page_countries(table: pd.DataFrame, rows: Sequence[int]) -> tuple[str, ...]:
    """The first and the last country of a page's rows (one when the page shows one country)."""
    countries = list(dict.fromkeys(table["country"].iloc[list(rows)])) if len(rows) else [""]
    return (countries[0],) if len(countries) == 1 else (countries[0], countries[-1])


def _country_label(table: pd.DataFrame, rows: Sequence[int]) -> str:
    """The data's own names of a page's countries, for its file name: 'Colombia' or 'Mexico – Peru'."""
    return " – ".join(_page_countries(table, rows))


def table_pages(
    table: pd.DataFrame,
    stem: str,
    limit: int = MAX_ROWS_PER_PAGE,
    omitted: int = 0,
    max_pages: int | None = MAX_PAGES,
    level: str = "arm",
) -> list[Page]:
    """Pages over a table with a country column; one page named `stem` when everything fits.

    At most `max_pages` pages (None: no limit); rows beyond them are counted in `not_drawn`.
    """
    sets = row_sets(table, limit=limit) if len(table) else [[]]
    sets = sets[:max_pages]
    not_drawn = len(table) - sum(len(rows) for rows in sets)
    many = len(sets) > 1
    pages = []
    for number, rows in enumerate(sets, start=1):
        label = _country_label(table, rows) if many else ""
        name = f"{stem}-{number:02d}-{safe_name(label)}" if many else stem
        countries = _page_countries(table, rows) if many else ()
        pages.append(
            Page(
                number,
                len(sets),
                name,
                label,
                tuple(rows),
                omitted=omitted,
                level=level,
                not_drawn=not_drawn,
                countries=countries,
            )
        )
    return pages


def country_rows(ev: Evidence) -> pd.DataFrame:
    """One row per country in display order, with its number of findings (0: a gap row)."""
    arm_table = aggregate.arms(ev)
    return arm_table.groupby("country", sort=False)["n_findings"].sum().reset_index()


def arms_with_findings(ev: Evidence) -> int:
    """How many intervention arms have findings (the rows a figure of arms would draw, gaps aside)."""
    return int((aggregate.arms(ev)["n_findings"] > 0).sum())


def pooled_by_country(ev: Evidence) -> bool:
    """Whether figures with one row per arm pool the arms by country: more than MAX_ARMS arms."""
    return arms_with_findings(ev) > MAX_ARMS


def arm_pages(ev: Evidence, stem: str, max_rows: int = MAX_ROWS_PER_PAGE) -> list[Page]:
    """Row pages over `aggregate.arms(ev)` for figures with one row per arm, e.g. the verdict matrix.

    Beyond MAX_ARMS arms they are pages over `country_rows(ev)` instead (level "country").
    """
    if pooled_by_country(ev):
        return table_pages(country_rows(ev), f"{stem}-by-country", max_rows, max_pages=None, level="country")
    return table_pages(aggregate.arms(ev), stem, max_rows, max_pages=None)


def _arm_index(arm_table: pd.DataFrame) -> dict[tuple[str, str, str], int]:
    """Row position of each arm (country, case, intervention) that has findings."""
    return {
        (r.country, r.case, r.intervention): i
        for i, r in enumerate(arm_table.itertuples(index=False))
        if r.n_findings
    }


def _countries(table: pd.DataFrame) -> pd.DataFrame:
    """The distinct countries of a table, in its order, as a one-column frame."""
    return pd.DataFrame({"country": list(dict.fromkeys(table["country"]))})
