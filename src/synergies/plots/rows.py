"""Rows and provenance every figure of arms shares: arm labels, gap rows, source line, notes."""

from __future__ import annotations

import pandas as pd

from synergies import aggregate, palette, vocabulary
from synergies import text as tl
from synergies.i18n import word
from synergies.load import Evidence
from synergies.plots.grid import Row
from synergies.plots.paging import Page, _arm_index, arms_with_findings, country_rows
from synergies.plots.style import MAX_PAGES
from synergies.text import numbers
from synergies.text.names import country as country_name


def source_line(ev: Evidence, lang: str, files: str, count: str) -> str:
    """'Source: <data dir>, <files> (<count>).' — the provenance line under every figure."""
    return tl.t(lang, "Source: {data}, {files} ({count}).", data=ev.data_dir.name, files=files, count=count)


def _findings_source(ev: Evidence, lang: str) -> str:
    return source_line(ev, lang, "findings.csv, outcomes.csv", word("findings_n", lang, n=len(ev.findings)))


def arm_label(intervention: str, arm: str, lang: str) -> str:
    """Row label of an arm: its name and, in brackets, whether it is single or combined."""
    return tl.t(lang, "{arm} ({kind})", arm=intervention, kind=word(arm, lang))


def gap_text(ev: Evidence, country: str, case: str, lang: str) -> str:
    """Why a case has no cells: no impact evaluation, or an evaluation whose findings were not coded."""
    match = ev.cases[(ev.cases["country"] == country) & (ev.cases["case"] == case)]
    evaluated = bool(match["has_impact_evaluation"].iloc[0]) if len(match) else False
    return word("no_findings_coded" if evaluated else "no_impact_evaluation", lang)


def _arm_rows(ev: Evidence, arm_table: pd.DataFrame, lang: str) -> list[Row]:
    """Grid rows of arms grouped by country and case, with a gap row for each case without findings."""
    rows = []
    for r in arm_table.itertuples(index=False):
        groups = (country_name(lang, r.country), r.case)  # displayed: the country as CLDR names it
        if r.n_findings == 0:
            rows.append(Row(groups, "", gap_text(ev, r.country, r.case, lang)))
        else:
            rows.append(Row(groups, arm_label(r.intervention, r.arm, lang)))
    return rows


ARM_ROW_KEYS = ["country", "case", "intervention"]  # what identifies a row of `_arm_index`


def _grid_rows(ev: Evidence, page: Page, lang: str):
    """A page of arms, or of countries pooling their arms: rows, row index, label headers and caps, keys."""
    if page.level == "country":
        countries = country_rows(ev).iloc[list(page.rows)]
        rows = [
            Row((), country_name(lang, c), _country_gap(ev, c, lang) if n == 0 else "")
            for c, n in zip(countries["country"], countries["n_findings"], strict=True)
        ]
        row_index = {(c,): i for i, c in enumerate(countries["country"])}
        return rows, row_index, (word("country", lang),), (1.6,), ["country"]
    arm_table = aggregate.arms(ev).iloc[list(page.rows)].reset_index(drop=True)
    headers = (word("country", lang), word("case", lang), word("intervention", lang))
    return _arm_rows(ev, arm_table, lang), _arm_index(arm_table), headers, (1.1, 1.5, 1.9), ARM_ROW_KEYS


def _row_keys(table: pd.DataFrame, keys: list[str]) -> list[tuple]:
    """Each row's key in a grid's row index (see `_grid_rows`)."""
    return list(zip(*(table[k] for k in keys), strict=True))


def _pooled_note(ev: Evidence, lang: str) -> str:
    """The note of a figure pooling arms by country: how many arms there are, and where each one's are."""
    return word("note_pooled", lang, n=arms_with_findings(ev))


def _not_drawn_notes(page: Page, table_file: str, lang: str) -> list[str]:
    """The figure note saying how many rows beyond MAX_PAGES pages are left to the table, if any."""
    if not page.not_drawn:
        return []
    return [word("note_not_drawn", lang, n=page.not_drawn, pages=MAX_PAGES, table=f"tables/{table_file}")]


def effect_counts_text(row, lang: str = "en") -> str:
    """Compact non-zero effect counts with glyphs, e.g. '2▲ 1?' (counts by the language's digit rule)."""
    counts = ((int(getattr(row, e)), palette.EFFECT_GLYPHS[e]) for e in vocabulary.EFFECTS)
    return " ".join(numbers.integer(lang, n) + glyph for n, glyph in counts if n)


def _country_gap(ev: Evidence, country: str, lang: str) -> str:
    """Why a country has no findings: none of its cases had an impact evaluation, or none was coded."""
    cases = ev.cases[ev.cases["country"] == country]
    evaluated = bool(cases["has_impact_evaluation"].any())
    return word("no_findings" if evaluated else "no_impact_evaluation", lang)
