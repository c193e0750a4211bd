"""Single against combined arms: outcome by outcome, by domain, and nested pairs (combination)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

import pandas as pd
from matplotlib.figure import Figure

from synergies import palette
from synergies import text as tl
from synergies.i18n import labels, word
from synergies.load import Evidence
from synergies.plots.canvas import Cell, effect_cell, effect_legend, effect_legend_plain
from synergies.plots.grid import Column, Grid, Row, draw_grid
from synergies.plots.paging import Page, _page_title, table_pages
from synergies.plots.rows import _findings_source, _not_drawn_notes, arm_label
from synergies.plots.style import MAX_ROWS_PER_PAGE
from synergies.text import numbers
from synergies.text.names import country as country_name


def single_combined_pages(
    table: pd.DataFrame, limit: int = MAX_ROWS_PER_PAGE, max_pages: int = 3
) -> list[Page]:
    """Pages of the outcome-level single-vs-combined figure over `aggregate.single_vs_combined(ev)`.

    When showing every outcome would take more than `max_pages` pages, only the outcomes
    both arms measured are drawn (the comparable ones); the rest stay in the table and
    the figure says how many were left out.
    """
    if table.empty:
        return []
    if len(table) <= limit * max_pages:
        return table_pages(table, "single-vs-combined", limit)
    comparable = table.index[table["comparable"].astype(bool)].tolist()
    if not comparable:
        return []
    shown = table.loc[comparable].reset_index(drop=True)
    pages = table_pages(shown, "single-vs-combined", limit, omitted=len(table) - len(comparable))
    return [replace(p, rows=tuple(comparable[i] for i in p.rows)) for p in pages]


def single_combined_figure(
    ev: Evidence, table: pd.DataFrame, lang: str = "en", page: Page | None = None
) -> Figure:
    """Outcome by outcome, the single and the combined arm of each case side by side; empty = not reported.

    `table` is `aggregate.single_vs_combined(ev)`; `page` one of `single_combined_pages(table)`.
    """
    page = page or single_combined_pages(table)[0]
    outcome_label = labels(ev.outcomes, "outcome", lang)
    domain_label = labels(ev.domains, "domain", lang)
    rows, cells = [], {}
    shown = table.iloc[list(page.rows)]
    for i, t in enumerate(shown.itertuples(index=False)):
        pair = tl.t(
            lang,
            "{country} · {case}\n{pair}",
            country=country_name(lang, t.country),
            case=t.case,
            pair=_pair_label(t, lang),
        )
        rows.append(Row((pair, domain_label[t.domain]), outcome_label[t.outcome]))
        directions = (getattr(t, "single_direction", ""), getattr(t, "combined_direction", ""))
        _effect_cells(cells, i, zip((t.single_effect, t.combined_effect), directions, strict=True))
        if "comparison" in shown:
            cells[(i, 2)] = Cell(note=comparison_word(t.comparison, lang), outline=False)
    notes = [word("note_sign", lang), word("note_single_combined", lang)]
    if "comparison" in shown:
        notes.append(tl.t(lang, COMPARISON_NOTE))
        notes += _comparators_note(shown, lang)
    if page.omitted:
        notes.append(word("note_omitted_outcomes", lang, n=page.omitted))
    notes += _not_drawn_notes(page, "single_vs_combined.csv", lang)
    if page.number == page.count:
        notes += no_comparison_notes(ev, table, lang)
    columns = [Column("", word("single_arm", lang)), Column("", word("combined_arm", lang))]
    if "comparison" in shown:
        columns.append(Column("", tl.t(lang, "Combined against single")))
    title = _page_title(word("title_single_combined", lang), page, lang)
    heading = (title, word("subtitle_single_combined", lang))
    return _arm_grid(ev, lang, heading, rows, columns, cells, notes, 2.0)


def _arm_grid(
    ev: Evidence,
    lang: str,
    heading: tuple[str, str],
    rows: list[Row],
    columns: list[Column],
    cells: dict[tuple[int, int], Cell],
    notes: list[str],
    case_cap: float,
) -> Figure:
    """Draw a grid of arm pairs by outcome, an effect per arm: the single-vs-combined and combination figures.

    Both label rows by case, domain and outcome, key the effect glyphs, cite the findings and keep
    their column headers horizontal; only the title and subtitle (`heading`), the columns, the
    notes and the width allowed for the case label (`case_cap`, inches) differ.
    """
    title, subtitle = heading
    grid = Grid(
        title=title,
        subtitle=subtitle,
        rows=rows,
        columns=columns,
        cells=cells,
        label_headers=(word("case", lang), word("domain", lang), word("outcome", lang)),
        label_caps=(case_cap, 1.5, 2.0),
        legend=effect_legend(lang, list(palette.EFFECT_GLYPHS)),
        notes=notes,
        source=_findings_source(ev, lang),
        cell_width=0.9,
        rotate_labels=False,
    )
    return draw_grid(grid)


def _effect_cells(cells: dict[tuple[int, int], Cell], i: int, sides: Iterable[tuple[str, str]]) -> None:
    """Put in row `i` of `cells` one effect cell per (effect, direction) of `sides`, column by column;
    a side without an effect stays empty (not reported)."""
    for j, (effect, direction) in enumerate(sides):
        if effect:
            cells[(i, j)] = effect_cell(effect, sign=_sign(effect, direction))


# What `comparison` says, in the figures' third column and in notes (combination.COMPARISONS).
COMPARISON_WORDS = {
    "combined_better": tl.N_("better"),
    "same": tl.N_("same"),
    "combined_worse": tl.N_("worse"),
    "cannot_tell": tl.N_("cannot tell"),
    "not_nested": tl.N_("not nested"),
}
COMPARISON_NOTE = tl.N_(
    "Last column: the arm with more programmes against the other, by effect for households "
    "(beneficial > no change > adverse), or by their direct contrast where one is coded. "
    "Cannot tell: an effect is missing, unclear or conflicting; two unclear effects are never the same. "
    "Not nested: arms.csv shows that neither arm adds programmes to the other."
)
NO_COMPARISON_REASONS = {
    "only_single_arms": tl.N_("only single arms"),
    "only_combined_arms": tl.N_("only combined arms"),
    "no_nested_pair": tl.N_("no arm adds programmes to another"),
    "no_findings": tl.N_("no reported impact results"),
}


def _sign(effect: str, direction: str) -> str:
    """The raw sign of change drawn beside an effect glyph, as in the effect-direction heatmap."""
    if effect == "conflicting" or not direction:
        return ""
    return {**palette.SIGN_GLYPHS, "mixed": "±"}[direction]


def comparison_word(comparison: str, lang: str) -> str:
    """The short word of a `comparison` value in `lang`."""
    return tl.gettext(lang, COMPARISON_WORDS[comparison]) if comparison in COMPARISON_WORDS else ""


def _comparators_note(
    shown: pd.DataFrame, lang: str, kinds: tuple[str, str] = ("single", "combined"), skip_blank: bool = False
) -> list[str]:
    """A note naming what the drawn arms (columns `{kind}_arm`, `{kind}_comparator`) are compared with.

    A blank comparator is said to be unknown, so that it shows as unknown; with `skip_blank` (the
    combination figure, where an arm without a result on the outcome has no comparator) it is left out.
    """
    parts = []
    for kind in kinds:
        pairs = shown[[f"{kind}_arm", f"{kind}_comparator"]].drop_duplicates()
        parts += [
            comparator_phrase(arm, comparator, lang)
            for arm, comparator in pairs.itertuples(index=False)
            if comparator or not skip_blank
        ]
    return [tl.t(lang, "Compared with: {list}.", list="; ".join(dict.fromkeys(parts)))] if parts else []


def comparator_phrase(arm: str, comparator: str, lang: str) -> str:
    """'FEST: comparator unknown', 'Basic CCT against the control group', 'A + B against A'."""
    if comparator in ("", "unknown"):
        return tl.t(lang, "{arm}: comparator unknown", arm=arm)
    words = {"control": tl.N_("the control group"), "status_quo": tl.N_("the status quo")}
    against = ", ".join(tl.gettext(lang, words[c]) if c in words else c for c in comparator.split(";"))
    return tl.t(lang, "{arm} against {comparator}", arm=arm, comparator=against)


def no_comparison_notes(ev: Evidence, table: pd.DataFrame, lang: str) -> list[str]:
    """One note naming each case that offers no comparison, with its reason (none when every case does)."""
    from synergies.combination import no_comparison_cases

    cases = no_comparison_cases(ev, table)
    if cases.empty:
        return []
    named = [
        tl.t(
            lang,
            "{case} ({country}): {reason}",
            case=r.case,
            country=country_name(lang, r.country),
            reason=tl.gettext(lang, NO_COMPARISON_REASONS[r.reason]),
        )
        for r in cases.itertuples(index=False)
    ]
    return [tl.t(lang, "Not in this figure, with the reason: {list}.", list="; ".join(named))]


def _pair_label(t, lang: str) -> str:
    """'FEST (single) / FEST + UNIDOS (combined)' for a row naming a single and a combined arm."""
    single, combined = arm_label(t.single_arm, "single", lang), arm_label(t.combined_arm, "combined", lang)
    return tl.t(lang, "{single} / {combined}", single=single, combined=combined)


def combination_pages(outcomes: pd.DataFrame, limit: int = MAX_ROWS_PER_PAGE) -> list[Page]:
    """Pages of the combination figure over `combination.combination_outcomes(ev)`; none without pairs."""
    return table_pages(outcomes, "combination", limit) if len(outcomes) else []


def combination_figure(
    ev: Evidence, outcomes: pd.DataFrame, lang: str = "en", page: Page | None = None
) -> Figure:
    """Per nested pair and outcome: the base arm, the arm that adds programmes, their direct contrast, and
    the comparison; each effect with its sign of change, as in the heatmap.

    `outcomes` is `combination.combination_outcomes(ev)`; `page` one of `combination_pages(outcomes)`.
    """
    page = page or combination_pages(outcomes)[0]
    outcome_label = labels(ev.outcomes, "outcome", lang)
    domain_label = labels(ev.domains, "domain", lang)
    shown = outcomes.iloc[list(page.rows)]
    rows, cells = [], {}
    for i, t in enumerate(shown.itertuples(index=False)):
        pair = tl.t(
            lang,
            "{country} · {case}\n{extended} against {base}\n(adds {added})",
            country=country_name(lang, t.country),
            case=t.case,
            extended=t.extended_arm,
            base=t.base_arm,
            added=t.added_components.replace(";", ", "),
        )
        rows.append(Row((pair, domain_label[t.domain]), outcome_label[t.outcome]))
        sides = (
            (t.base_effect, t.base_direction),
            (t.extended_effect, t.extended_direction),
            (t.direct_effect, t.direct_direction),
        )
        _effect_cells(cells, i, sides)
        cells[(i, 3)] = Cell(note=comparison_word(t.comparison, lang), outline=False)
    notes = [word("note_sign", lang), tl.t(lang, COMBINATION_NOTE)]
    notes += _comparators_note(shown, lang, ("base", "extended"), skip_blank=True)
    notes += _not_drawn_notes(page, "combination.csv", lang)
    heading = (
        _page_title(tl.t(lang, "Does adding programmes to an arm change its effects?"), page, lang),
        tl.t(
            lang,
            "Rows: every outcome of a pair of arms of one case in which one arm receives all the other's "
            "programmes and more (arms.csv).",
        ),
    )
    columns = [
        Column("", tl.t(lang, "Base arm")),
        Column("", tl.t(lang, "Arm adding programmes")),
        Column("", tl.t(lang, "Direct contrast")),
        Column("", tl.t(lang, "Adding programmes")),
    ]
    return _arm_grid(ev, lang, heading, rows, columns, cells, notes, 2.2)


COMBINATION_NOTE = tl.N_(
    "Each arm's effect is against its own comparator; the direct contrast is the arm adding programmes "
    "measured against the base arm itself (e.g. an add-on assigned at random among the base arm's "
    "participants) and decides the last column where it is coded. Otherwise the two effects are compared "
    "by direction for households (beneficial > no change > adverse); cannot tell: an effect is missing, "
    "unclear, conflicting or measured against a third arm."
)


PAIR_KEYS = ["country", "case", "single_arm", "combined_arm"]


def arm_pairs(overlap: pd.DataFrame) -> pd.DataFrame:
    """The distinct (country, case, single arm, combined arm) pairs of `single_combined_domains`."""
    return overlap[PAIR_KEYS].drop_duplicates().reset_index(drop=True)


def single_combined_domain_pages(overlap: pd.DataFrame, limit: int = MAX_ROWS_PER_PAGE) -> list[Page]:
    """Pages of the domain-level single-vs-combined figure, one row per arm pair; none without pairs."""
    return table_pages(arm_pairs(overlap), "single-vs-combined-domains", limit) if len(overlap) else []


def single_combined_domain_figure(
    ev: Evidence, overlap: pd.DataFrame, lang: str = "en", page: Page | None = None
) -> Figure:
    """Per case and domain: each arm's verdict and how many outcomes it measured, and how many both measured.

    `overlap` is `aggregate.single_combined_domains(...)`; `page` one of
    `single_combined_domain_pages(overlap)`.
    """
    page = page or single_combined_domain_pages(overlap)[0]
    pairs = arm_pairs(overlap).iloc[list(page.rows)].reset_index(drop=True)
    domain_label = labels(ev.domains, "domain", lang)
    domains = [d for d in ev.domain_order if d in set(overlap["domain"])]
    kinds = (word("single_arm", lang), word("combined_arm", lang), word("outcomes_in_common", lang))
    columns = [Column(domain_label[d], kind) for d in domains for kind in kinds]
    measured = overlap.set_index(["country", "case", "single_arm", "combined_arm", "domain"])
    rows, cells = [], {}
    for i, p in enumerate(pairs.itertuples(index=False)):
        rows.append(Row((country_name(lang, p.country), p.case), _pair_label(p, lang)))
        for k, domain in enumerate(domains):
            key = (p.country, p.case, p.single_arm, p.combined_arm, domain)
            cells[(i, 3 * k + 2)] = Cell(outline=False)  # blank unless both arms measured the domain
            if key not in measured.index:
                continue
            m = measured.loc[key]
            for j, (verdict, n) in enumerate(
                ((m.single_verdict, m.single_outcomes), (m.combined_verdict, m.combined_outcomes))
            ):
                if n:
                    cells[(i, 3 * k + j)] = effect_cell(verdict, corner=numbers.integer(lang, int(n)))
            if m.single_outcomes and m.combined_outcomes:
                cells[(i, 3 * k + 2)] = Cell(
                    glyph=numbers.integer(lang, int(m.shared_outcomes)), outline=False
                )
    grid = Grid(
        title=_page_title(word("title_single_combined_domains", lang), page, lang),
        subtitle=word("subtitle_single_combined_domains", lang),
        rows=rows,
        columns=columns,
        cells=cells,
        label_headers=(word("country", lang), word("case", lang), word("arms", lang)),
        label_caps=(1.1, 1.5, 2.2),
        legend=effect_legend_plain(lang, list(palette.EFFECT_GLYPHS)),
        notes=[
            word("note_single_combined_domains", lang),
            *_not_drawn_notes(page, "single_vs_combined_domains.csv", lang),
        ],
        source=_findings_source(ev, lang),
        cell_width=0.34,
    )
    return draw_grid(grid)
