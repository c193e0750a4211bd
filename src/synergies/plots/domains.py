"""Domain summaries: the verdict matrix (arms × domains) and findings by country and domain."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from synergies import aggregate, palette, vocabulary
from synergies.i18n import labels, word
from synergies.load import Evidence
from synergies.plots.canvas import Cell, effect_cell, effect_legend_plain
from synergies.plots.grid import Column, Grid, Row, draw_grid
from synergies.plots.paging import Page, _countries, _page_title, arm_pages, table_pages
from synergies.plots.rows import (
    _country_gap,
    _findings_source,
    _grid_rows,
    _pooled_note,
    _row_keys,
    effect_counts_text,
)
from synergies.text import numbers
from synergies.text.names import country as country_name


def verdict_matrix(ev: Evidence, table: pd.DataFrame, lang: str = "en", page: Page | None = None) -> Figure:
    """Arms × domains: the within-domain verdict (glyph, colour) with the findings' counts below it.

    `table` is `aggregate.effects_by_domain(ev)`; `page` one of `arm_pages(ev, ...)`.
    """
    page = page or arm_pages(ev, "verdicts")[0]
    domain_label = labels(ev.domains, "domain", lang)
    col_index = {d: j for j, d in enumerate(ev.domain_order)}
    threshold = numbers.percent(lang, aggregate.VERDICT_THRESHOLD * 100)
    notes = [word("note_verdict_rule", lang, threshold=threshold)]
    rows, row_index, headers, caps, keys = _grid_rows(ev, page, lang)
    if page.level == "country":
        table = aggregate.pool_by(table, ["country", "domain"], ev)
        title, subtitle = word("title_verdicts_country", lang), word("subtitle_pooled", lang)
        notes.append(_pooled_note(ev, lang))
    else:
        title, subtitle = word("title_verdicts", lang), word("subtitle_verdicts", lang)
    cells = {}
    for key, t in zip(_row_keys(table, keys), table.itertuples(index=False), strict=True):
        i = row_index.get(key)
        if i is not None:
            cells[(i, col_index[t.domain])] = effect_cell(t.verdict, note=effect_counts_text(t, lang))
    grid = Grid(
        title=_page_title(title, page, lang),
        subtitle=subtitle,
        rows=rows,
        columns=[Column("", domain_label[d]) for d in ev.domain_order],
        cells=cells,
        label_headers=headers,
        label_caps=caps,
        legend=effect_legend_plain(lang, list(palette.EFFECT_GLYPHS), word("no_impact_evaluation", lang)),
        notes=notes,
        source=_findings_source(ev, lang),
        cell_width=0.85,
        row_height=0.42,
        rotate_labels=False,
    )
    return draw_grid(grid)


def country_domain_figure(
    ev: Evidence, table: pd.DataFrame, lang: str = "en", page: Page | None = None
) -> Figure:
    """Countries × domains: findings stacked by effect, with glyph counts; empty cells and countries are gaps.

    `table` is `aggregate.country_domain(ev)`; `page` one of `country_domain_pages(table)`
    (more than one only beyond MAX_ROWS_PER_PAGE countries).
    """
    all_countries = _countries(table)
    page = page or country_domain_pages(table)[0]
    countries = all_countries["country"].iloc[list(page.rows)].tolist()
    col_index = {d: j for j, d in enumerate(ev.domain_order)}
    biggest = max(int(table["total"].max()) if len(table) else 0, 1)
    totals = table.groupby("country", sort=False)["total"].sum()
    rows = [
        Row((), country_name(lang, country), _country_gap(ev, country, lang) if totals[country] == 0 else "")
        for country in countries
    ]
    cells = {}
    for t in table[table["country"].isin(countries) & (table["total"] > 0)].itertuples(index=False):
        segments = tuple(
            (getattr(t, e) / biggest, palette.EFFECT_COLOURS[e], palette.EFFECT_GLYPHS[e])
            for e in vocabulary.EFFECTS
            if getattr(t, e)
        )
        cell = Cell(segments=segments, note=effect_counts_text(t, lang), outline=False)
        cells[(countries.index(t.country), col_index[t.domain])] = cell
    domain_label = labels(ev.domains, "domain", lang)
    grid = Grid(
        title=_page_title(word("title_country_domain", lang), page, lang),
        subtitle=word("subtitle_country_domain", lang),
        rows=rows,
        columns=[Column("", domain_label[d]) for d in ev.domain_order],
        cells=cells,
        label_headers=(word("country", lang),),
        label_caps=(1.6,),
        legend=effect_legend_plain(lang, list(vocabulary.EFFECTS), word("no_impact_evaluation", lang)),
        notes=[word("note_country_domain", lang, n=biggest)],
        source=_findings_source(ev, lang),
        cell_width=1.05,
        row_height=0.5,
        rotate_labels=False,
    )
    return draw_grid(grid)


def country_domain_pages(table: pd.DataFrame) -> list[Page]:
    """Pages of the country × domain figure, one row per country of `aggregate.country_domain(ev)`."""
    return table_pages(_countries(table), "country-domain", max_pages=None)
