"""The institutional matrix: cases × factors by level, enablers, barriers and mixed statements."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from synergies import aggregate, palette, vocabulary
from synergies import text as tl
from synergies.i18n import labels, word
from synergies.load import Evidence
from synergies.plots.canvas import NOT_REPORTED, Cell, LegendItem
from synergies.plots.grid import Column, Grid, Row, draw_grid
from synergies.plots.paging import Page, _page_title, table_pages
from synergies.plots.rows import _not_drawn_notes, source_line
from synergies.text import numbers
from synergies.text.names import country as country_name


def institutional_columns(ev: Evidence, matrix: pd.DataFrame) -> list[tuple[str, str]]:
    """(level, factor) columns: national before local, factors in factors.csv order, then by name."""
    order = list(ev.factors["factor"]) if ev.factors is not None else []
    rank = {f: i for i, f in enumerate(order)}
    pairs = set(zip(matrix["level"], matrix["factor"], strict=True))
    levels = [lv for lv in vocabulary.LEVELS if any(p[0] == lv for p in pairs)]
    return [
        (level, factor)
        for level in levels
        for factor in sorted(
            {f for lv, f in pairs if lv == level}, key=lambda f: (rank.get(f, len(rank)), f.casefold())
        )
    ]


def institutional_cases(ev: Evidence, matrix: pd.DataFrame) -> pd.DataFrame:
    """Every case (from cases.csv and institutional.csv) in display order, flagged if it was analysed."""
    cases = pd.concat([ev.cases[["country", "case"]], matrix[["country", "case"]]]).drop_duplicates()
    cases = aggregate.sort_display(cases, ev)
    analysed = set(zip(matrix["country"], matrix["case"], strict=True))
    cases["analysed"] = [(c, k) in analysed for c, k in zip(cases["country"], cases["case"], strict=True)]
    return cases


def institutional_pages(ev: Evidence, matrix: pd.DataFrame | None) -> list[Page]:
    """Pages of the institutional matrix, one row per case; none when there is no institutional.csv."""
    if matrix is None:
        return []
    return table_pages(institutional_cases(ev, matrix), "institutional-matrix")


def institutional_figure(
    ev: Evidence, matrix: pd.DataFrame, lang: str = "en", page: Page | None = None
) -> Figure:
    """Cases × factors by level: enablers (+), barriers (−), mixed (±); a gap row for cases not analysed.

    `matrix` is `aggregate.institutional_matrix(ev)`; `page` one of
    `table_pages(institutional_cases(ev, matrix), ...)`.
    """
    all_cases = institutional_cases(ev, matrix)
    page = page or institutional_pages(ev, matrix)[0]
    cases = all_cases.iloc[list(page.rows)]
    factor_label = labels(ev.factors, "factor", lang) if ev.factors is not None else {}
    columns_keys = institutional_columns(ev, matrix)
    columns = [Column(level_header(level, lang), factor_label.get(f, f)) for level, f in columns_keys]
    col_index = {key: j for j, key in enumerate(columns_keys)}
    gap = word("no_institutional_analysis", lang)
    rows = [
        Row((country_name(lang, r.country),), r.case, "" if r.analysed else gap)
        for r in cases.itertuples(index=False)
    ]
    row_index = {(r.country, r.case): i for i, r in enumerate(cases.itertuples(index=False))}
    cells = {}
    grouped = matrix.groupby(["country", "case", "level", "factor"], sort=False)["assessment"]
    for (country, case, level, factor), assessments in grouped:
        if (country, case) in row_index:
            cells[(row_index[(country, case)], col_index[(level, factor)])] = _assessment_cell(
                list(assessments), lang
            )
    n_cases = (
        matrix.drop_duplicates(["country", "case", "level", "factor"]).groupby(["level", "factor"]).size()
    )
    footer = (word("cases_n", lang), tuple(numbers.integer(lang, int(n_cases[key])) for key in columns_keys))
    legend = [
        LegendItem(_assessment_cell([a], lang), word(f"legend_{a}", lang)) for a in vocabulary.ASSESSMENTS
    ]
    legend += [LegendItem(NOT_REPORTED, word("not_reported", lang)), LegendItem(NOT_REPORTED, gap, gap=True)]
    n_rows = word("rows_n", lang, n=len(matrix))
    files = "institutional.csv" + (", factors.csv" if ev.factors is not None else "")
    grid = Grid(
        title=_page_title(word("title_institutional", lang), page, lang),
        subtitle=word("subtitle_institutional", lang),
        rows=rows,
        columns=columns,
        cells=cells,
        label_headers=(word("country", lang), word("case", lang)),
        label_caps=(1.2, 1.9),
        legend=legend,
        notes=[
            word("note_institutional", lang),
            *_inferred_level_notes(matrix, lang),
            *_not_drawn_notes(page, "institutional_matrix.csv", lang),
        ],
        source=source_line(ev, lang, files, n_rows),
        cell_width=0.42,
        row_height=0.3,
        footer=footer,
    )
    return draw_grid(grid)


def _inferred_level_notes(matrix: pd.DataFrame, lang: str) -> list[str]:
    """A note counting the statements whose level the coders inferred (institutional.csv, level_basis)."""
    if "level_basis" not in matrix.columns:
        return []
    n = int((matrix["level_basis"] == "inferred").sum())
    return [word("note_inferred_levels", lang, n=n, total=len(matrix))] if n else []


# The column-band header of each level of vocabulary.LEVELS: a heading, so capitalised in the catalogue
# rather than by Python (str.capitalize would also lower-case the rest of a translation).
LEVEL_CONTEXT = "level header"  # written out in each NP_ below: pybabel reads literals only
LEVEL_HEADERS = {"national": tl.NP_("level header", "National"), "local": tl.NP_("level header", "Local")}


def level_header(level: str, lang: str) -> str:
    """The header of a level's band of factor columns, e.g. 'National' / 'Nacional'."""
    if level in LEVEL_HEADERS:
        return tl.pgettext(lang, LEVEL_CONTEXT, LEVEL_HEADERS[level])
    return word(level, lang)


def _assessment_cell(assessments: list[str], lang: str = "en") -> Cell:
    """One case × factor cell: the shared assessment, or grey with every glyph when statements differ."""
    distinct = list(dict.fromkeys(sorted(assessments, key=vocabulary.ASSESSMENTS.index)))
    corner = numbers.integer(lang, len(assessments)) if len(assessments) > 1 else ""
    if len(distinct) == 1:
        a = distinct[0]
        return Cell(
            fill=palette.ASSESSMENT_COLOURS[a],
            glyph=palette.ASSESSMENT_GLYPHS[a],
            colour=palette.ASSESSMENT_TEXT[a],
            corner=corner,
        )
    glyphs = "".join(palette.ASSESSMENT_GLYPHS[a] for a in distinct)
    return Cell(
        fill=palette.ASSESSMENT_COLOURS["mixed"],
        glyph=glyphs,
        colour=palette.ASSESSMENT_TEXT["mixed"],
        corner=corner,
    )
