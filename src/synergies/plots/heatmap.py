"""The effect-direction heatmap: arms or countries × outcomes; glyph size by n, significance, risk of bias."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd
from matplotlib.figure import Figure

from synergies import aggregate, palette, robustness
from synergies import text as tl
from synergies.i18n import labels, word
from synergies.load import Evidence
from synergies.outputs import safe_name
from synergies.plots.canvas import NOT_REPORTED, Cell, LegendItem, effect_cell, effect_legend
from synergies.plots.grid import Column, Grid, Row, draw_grid
from synergies.plots.paging import (
    Page,
    _country_label,
    _pack,
    _page_countries,
    _page_title,
    country_rows,
    pooled_by_country,
    row_sets,
)
from synergies.plots.rows import _findings_source, _grid_rows, _pooled_note, _row_keys
from synergies.plots.style import GLYPH_SIZE, MAX_COLUMNS_PER_PAGE, MAX_ROWS_PER_PAGE
from synergies.text import numbers


def heatmap_columns(ev: Evidence) -> list[tuple[str, str]]:
    """Heatmap columns: measured outcomes in domain and codebook order; an empty domain keeps one column."""
    measured = set(ev.findings["outcome"])
    by_domain = ev.outcomes.groupby("domain", sort=False)["outcome"].agg(list)
    columns = []
    for domain in ev.domain_order:
        outcomes = [o for o in by_domain.get(domain, []) if o in measured]
        columns += [(domain, o) for o in outcomes] if outcomes else [(domain, "")]
    return columns


def heatmap_pages(
    ev: Evidence, max_rows: int = MAX_ROWS_PER_PAGE, max_columns: int = MAX_COLUMNS_PER_PAGE
) -> list[Page]:
    """Pages of the effect-direction heatmap: one if it fits, else by groups of countries and of domains.

    Rows are the arms of `aggregate.arms(ev)`; every row page shows the same columns, so
    pages line up; columns split by whole domains only beyond `max_columns` outcomes.
    """
    arm_table = aggregate.arms(ev)
    rows_by_page = row_sets(arm_table, limit=max_rows)
    columns = heatmap_columns(ev)
    domains = [[i for i, (d, _) in enumerate(columns) if d == domain] for domain in ev.domain_order]
    cols_by_page = _pack([d for d in domains if d], max_columns)
    level, stem, table = "arm", "effect-directions", arm_table
    if pooled_by_country(ev):
        level, stem, table = "country", "effect-directions-by-country", country_rows(ev)
        rows_by_page = row_sets(table, levels=("country",), limit=max_rows)
    count = len(rows_by_page) * len(cols_by_page)
    pages = []
    for r, rows in enumerate(rows_by_page):
        for c, cols in enumerate(cols_by_page):
            number = r * len(cols_by_page) + c + 1
            label = _country_label(table, rows) if count > 1 else ""
            name = f"{stem}-{number:02d}-{safe_name(label)}" if count > 1 else stem
            chosen = tuple(columns[i] for i in cols)
            countries = _page_countries(table, rows) if count > 1 else ()
            pages.append(
                Page(number, count, name, label, tuple(rows), chosen, level=level, countries=countries)
            )
    return pages


def effect_direction_heatmap(
    ev: Evidence, cells_table: pd.DataFrame, lang: str = "en", page: Page | None = None
) -> Figure:
    """Arms × outcomes: each cell shows the effect for households (glyph, colour) and the raw sign of change.

    Following Hilton Boon & Thomson's 2021 revision of the effect direction plot, the glyph's size shows
    the sample size (`GLYPH_SIZES`), its fill the significance where the source gives it (shown,
    never counted), and each arm row carries its evaluation's design and a risk-of-bias marker
    (symbol and colour) when `cases.csv` gives them. `cells_table` is
    `aggregate.arm_outcome_cells(ev)`; `page` one of `heatmap_pages(ev)` (the first when omitted).
    """
    page = page or heatmap_pages(ev)[0]
    outcome_label = labels(ev.outcomes, "outcome", lang)
    domain_label = labels(ev.domains, "domain", lang)
    columns = [
        Column(domain_label[d], outcome_label[o] if o else word("no_domain_outcome", lang))
        for d, o in page.columns
    ]
    notes = [word("note_sign", lang)]
    rows, row_index, headers, caps, keys = _grid_rows(ev, page, lang)
    t = cells_table
    if page.level == "country":
        t = aggregate.pool_by(t, ["country", "domain", "outcome"], ev).rename(columns={"verdict": "effect"})
        title, subtitle = word("title_effect_directions_country", lang), word("subtitle_pooled", lang)
        notes.append(_pooled_note(ev, lang))
    else:
        title, subtitle = word("title_effect_directions", lang), word("subtitle_effect_directions", lang)
    ratings = _row_ratings(ev, page)
    first = 1 if ratings else 0  # the risk-of-bias column comes before the outcomes
    if ratings:
        columns.insert(0, Column("", word("risk_of_bias", lang)))
        rows, headers, caps = _with_design(ev, rows, headers, caps, lang)
    col_index = {o: j + first for j, (_, o) in enumerate(page.columns) if o}
    quality = cell_quality(ev, keys)
    cells, shown = {}, {"size": set(), "significance": set()}
    contested = t["n_contested"] if "n_contested" in t else pd.Series(0, index=t.index)
    subgroups = t["subgroups"] if "subgroups" in t else pd.Series("", index=t.index)
    keyed = zip(
        _row_keys(t, keys),
        t["outcome"],
        t["effect"],
        t["direction"],
        t["total"],
        contested,
        subgroups,
        strict=True,
    )
    marked = False
    for row_key, outcome, effect, direction, total, n_contested, subgroup in keyed:
        i, j = row_index.get(row_key), col_index.get(outcome)
        if i is None or j is None:
            continue
        size_bin, significance = quality.get((*row_key, outcome), ("not_reported", "not_reported"))
        shown["size"].add(size_bin)
        shown["significance"].add(significance)
        marks = cell_marks(
            effect, direction, int(total), size_bin, significance, bool(n_contested), bool(subgroup)
        )
        marked = marked or marks.contested or marks.subgroup
        cells[(i, j)] = marked_cell(marks, lang)
    for i, rating in ratings.items():
        if rating:
            cells[(i, 0)] = rob_cell(rating)
    legend = effect_legend(lang, list(palette.EFFECT_GLYPHS), word("no_impact_evaluation", lang))
    legend += _quality_legend(shown, sorted(set(ratings.values()), key=_ROB_ORDER.index), lang)
    reported = shown["size"] - {"not_reported"} or shown["significance"] - {"not_reported"}
    notes.append(word("note_quality" if reported or ratings else "note_no_quality", lang))
    notes += _contested_notes(ev, lang) + _subgroup_notes(ev, lang)
    grid = Grid(
        title=_page_title(title, page, lang),
        subtitle=subtitle,
        rows=rows,
        columns=columns,
        cells=cells,
        label_headers=headers,
        label_caps=caps,
        legend=legend,
        notes=notes,
        source=_findings_source(ev, lang),
        cell_width=0.38 if marked or "significant" in shown["significance"] else 0.32,  # room for marks
    )
    return draw_grid(grid)


# Glyph sizes in points by sample-size class (Hilton Boon & Thomson 2021: > 300, 50-300, < 50); a cell whose
# findings give no n keeps the standard size, between small and medium, explained in the legend.
SIGNS = {**palette.SIGN_GLYPHS, "mixed": "±"}  # raw sign of change beside the glyph
GLYPH_SIZES = {"large": 12.5, "medium": 10.0, "small": 5.5, "not_reported": GLYPH_SIZE}
_ROB_ORDER = ["low", "some_concerns", "high", "unknown", ""]


def cell_quality(ev: Evidence, keys: list[str]) -> dict[tuple, tuple[str, str]]:
    """Per heatmap cell (row key + outcome): the sample-size class of its largest n and its significance.

    Keys are a page's row keys (`_grid_rows`), so pooled country rows take the largest n of the
    country's findings on that outcome. One groupby over all findings (robustness.cell_qualities),
    not one pandas group per cell: a page at 10^5 findings has some 20,000 cells.
    """
    return robustness.cell_qualities(ev.findings, keys)


@dataclass(frozen=True)
class CellMarks:
    """Everything one heatmap cell shows, decided from its data before anything is drawn.

    `glyph` is the effect's glyph, hollow when the source reports the result not significant;
    `sign` the raw sign of change; `significant` adds the significance mark after it, then the
    contested (†) and subgroup (‡) marks; `size_bin` sizes the glyph (`GLYPH_SIZES`); `count` is
    the number of findings in the cell (shown in its corner when more than one).
    """

    effect: str
    glyph: str
    sign: str
    significant: bool
    contested: bool
    subgroup: bool
    size_bin: str
    count: int

    @property
    def suffix(self) -> str:
        """The marks drawn after the sign, in reading order: significance, contested, subgroup."""
        return (
            (palette.SIGNIFICANT_MARK if self.significant else "")
            + (palette.CONTESTED_MARK if self.contested else "")
            + (palette.SUBGROUP_MARK if self.subgroup else "")
        )


def cell_marks(
    effect: str,
    direction: str,
    count: int,
    size_bin: str = "not_reported",
    significance: str = "not_reported",
    contested: bool = False,
    subgroup: bool = False,
) -> CellMarks:
    """The marks of one heatmap cell: glyph (hollow when not significant), sign, marks, size, count.

    A conflicting cell pools findings of opposite directions, so it carries no sign of change.
    Significance is shown, never counted: `significance` is `robustness.significance_state` of
    the cell's findings and `size_bin` `robustness.sample_size_bin` of their largest n.
    """
    glyph = palette.EFFECT_GLYPHS[effect]
    if significance == "not_significant":
        glyph = "".join(palette.OUTLINE_GLYPHS.get(c, c) for c in glyph)
    sign = "" if effect == "conflicting" or not direction else SIGNS[direction]
    return CellMarks(
        effect=effect,
        glyph=glyph,
        sign=sign,
        significant=significance == "significant",
        contested=contested,
        subgroup=subgroup,
        size_bin=size_bin,
        count=count,
    )


def marked_cell(marks: CellMarks, lang: str) -> Cell:
    """The drawable cell of `cell_marks`: the effect's fill, the glyph sized by n, sign and marks, count."""
    corner = numbers.integer(lang, marks.count) if marks.count > 1 else ""
    cell = effect_cell(marks.effect, sign=marks.sign + marks.suffix, corner=corner)
    return replace(cell, glyph=marks.glyph, glyph_size=GLYPH_SIZES[marks.size_bin])


def rob_cell(rating: str) -> Cell:
    """The risk-of-bias marker of one evaluation: robvis colour-blind colour and a symbol."""
    return Cell(
        fill=palette.ROB_COLOURS[rating],
        glyph=palette.ROB_SYMBOLS[rating],
        colour=palette.ROB_TEXT[rating],
        outline=rating == "unknown",
    )


def _row_ratings(ev: Evidence, page: Page) -> dict[int, str]:
    """Row -> its case's risk_of_bias ("" when not given), for arm pages of data that rate any case.

    Empty when no case carries a rating, or on pooled country pages (a country is no evaluation).
    """
    if page.level == "country" or "risk_of_bias" not in ev.cases:
        return {}
    keys = zip(ev.cases["country"], ev.cases["case"], strict=True)
    rating = dict(zip(keys, ev.cases["risk_of_bias"].fillna(""), strict=True))
    if not any(rating.values()):
        return {}
    arm_table = aggregate.arms(ev).iloc[list(page.rows)].reset_index(drop=True)
    return {
        i: rating.get((r.country, r.case), "")
        for i, r in enumerate(arm_table.itertuples(index=False))
        if r.n_findings
    }


def _with_design(ev: Evidence, rows: list[Row], headers: tuple, caps: tuple, lang: str):
    """Rows with their case's design as a label level between case and arm, when any case gives one."""
    designs = ev.cases["design"].fillna("") if "design" in ev.cases else pd.Series(dtype=str)
    if not designs.astype(bool).any():
        return rows, headers, caps
    design = dict(zip(zip(ev.cases["country"], ev.cases["case"], strict=True), designs, strict=True))
    rows = [replace(r, groups=(*r.groups, design.get(r.groups[:2], ""))) for r in rows]
    return rows, (*headers[:2], word("design", lang), headers[2]), (*caps[:2], 1.9, caps[2])


def _quality_legend(shown: dict[str, set[str]], ratings: list[str], lang: str) -> list[LegendItem]:
    """Legend items for what the page contains: sample-size classes, significance marks, ratings."""
    items = []
    if shown["size"] - {"not_reported"}:  # with no n anywhere, the note says so instead
        for size_bin in (b for b in robustness.SAMPLE_SIZE_BINS if b in shown["size"]):
            sample = replace(effect_cell("beneficial"), glyph_size=GLYPH_SIZES[size_bin])
            items.append(LegendItem(sample, word(f"size_{size_bin}", lang)))
    if "significant" in shown["significance"]:
        sample = effect_cell("beneficial", sign=palette.SIGNIFICANT_MARK)
        items.append(LegendItem(sample, word("legend_significant", lang)))
    if "not_significant" in shown["significance"]:
        sample = replace(effect_cell("beneficial"), glyph=palette.OUTLINE_GLYPHS["▲"])
        items.append(LegendItem(sample, word("legend_not_significant", lang)))
    for rating in ratings:
        cell = rob_cell(rating) if rating else NOT_REPORTED
        items.append(LegendItem(cell, word(f"rob_{rating}" if rating else "rob_not_given", lang)))
    return items


def _contested_notes(ev: Evidence, lang: str) -> list[str]:
    """The note explaining the contested mark, naming the findings whose sources disagree (at most 10)."""
    ids = ev.findings.loc[ev.findings["contested"].astype(bool), "finding_id"].tolist()
    if not ids:
        return []
    return [word("note_contested", lang, ids=_first_ten(ids, lang))]


def _subgroup_notes(ev: Evidence, lang: str) -> list[str]:
    """The note explaining the subgroup mark: which findings hold for a subgroup only (at most 10)."""
    rows = ev.findings[ev.findings["subgroup"] != ""]
    if rows.empty:
        return []
    items = [
        tl.t(lang, "{finding} ({subgroup})", finding=r.finding_id, subgroup=r.subgroup)
        for r in rows.itertuples()
    ]
    return [word("note_subgroup", lang, ids=_first_ten(items, lang))]


def _first_ten(items: list[str], lang: str) -> str:
    """At most ten items joined by commas, then how many more there are: 'F1, F2, … (+3)'."""
    shown = ", ".join(items[:10])
    return tl.t(lang, "{items}, … (+{more})", items=shown, more=len(items) - 10) if len(items) > 10 else shown
