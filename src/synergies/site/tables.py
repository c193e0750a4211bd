"""Tables for people: the analysis tables as a reader sees them in a rendered page.

The CSV files under `tables/` keep their machine-readable keys and values; what a notebook
displays is this module's view of the same frame: columns labelled in the reader's language,
keys replaced by their labels (outcomes, domains, factors from the data's own label columns;
effects, verdicts and arms from `synergies.i18n`), booleans as yes / no, numbers by the
language's rule, no index column, long text wrapped. A table longer than a screenful is marked
`synergies-datatable`, which the report pages turn into a sortable, searchable table (itables'
DataTables bundle, inlined: no network needed). A table longer than `SHOWN_ROWS` shows its
first rows and a sentence saying how many there are and which CSV under `tables/` holds them all,
so that a page stays readable and cheap to render however large the data (issue 11).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from synergies import i18n
from synergies.cells import is_blank
from synergies.site.names import SCREENFUL_ROWS
from synergies.site.translate import site_text

if TYPE_CHECKING:
    from synergies.load import Evidence


# English label of every column the analysis tables have; the catalogue translates them.
COLUMN_LABELS: dict[str, str] = {
    "item": "What",
    "count": "Count",
    "country": "Country",
    "case": "Case",
    "intervention": "Intervention arm",
    "arm": "Kind of arm",
    "n_findings": "Findings",
    "has_impact_evaluation": "Impact evaluation",
    "outcome": "Outcome",
    "domain": "Domain",
    "better": "Better when",
    "note": "Note",
    "kind": "Gap",
    "effect": "Effect for households",
    "direction": "Change in the outcome",
    "beneficial": "Beneficial",
    "adverse": "Adverse",
    "no_change": "No change",
    "unclear": "Unclear",
    "total": "Total",
    "finding_ids": "Findings cited",
    "verdict": "Verdict",
    "n_beneficial": "Beneficial units",
    "n_adverse": "Adverse units",
    "n_conflicting": "Conflicting units",
    "n_no_change": "Units with no change",
    "n_unclear": "Unclear units",
    "n_units": "Units",
    "n_evaluations": "Evaluations",
    "p_value": "p-value",
    "proportion": "Proportion beneficial",
    "ci_low": "95% interval, low",
    "ci_high": "95% interval, high",
    "unit": "Unit counted",
    "n_arms": "Intervention arms",
    "single_arm": "Single arm",
    "combined_arm": "Combined arm",
    "single_effect": "Effect, single arm",
    "combined_effect": "Effect, combined arm",
    "single_findings": "Findings, single arm",
    "combined_findings": "Findings, combined arm",
    "comparable": "Comparable",
    "single_outcomes": "Outcomes, single arm",
    "combined_outcomes": "Outcomes, combined arm",
    "shared_outcomes": "Outcomes in common",
    "single_verdict": "Verdict, single arm",
    "combined_verdict": "Verdict, combined arm",
    "factor": "Factor",
    "n_cases": "Cases",
    "n_countries": "Countries",
    "n_enabler": "As enabler",
    "n_barrier": "As barrier",
    "n_mixed": "Mixed",
    "n_national": "National level",
    "n_local": "Local level",
    "level": "Level",
    "assessment": "Assessment",
    "statement": "Statement",
    "finding_id": "Finding",
    "estimate": "Estimate",
    "std_error": "Standard error",
    "significant": "Significant",
    "n": "Sample size",
    "source_id": "Source",
    "locator": "Where in the source",
    "programmes": "Programmes",
    "design": "Design",
    "evaluator": "Evaluator",
    "year": "Year",
    "citation": "Citation",
    "url": "Address (URL)",
    "programme": "Programme",
    "sector": "Sector",
    "institution": "Institution",
    "start_year": "Start year",
    "coverage": "Coverage",
    "target_population": "Target population",
    "components": "Components",
    "description": "Description",
    "added_components": "Programmes added",
    "added_sectors": "Sectors added",
    "aligned_estimate": "Estimate, aligned (positive = good for households)",
    "aligned_se": "Standard error, aligned",
    "alt_locator": "Where in the other source",
    "alt_source_id": "Other source",
    "aspect": "Aspect",
    "asserts": "What the claim asserts",
    "base_arm": "Base arm",
    "base_comparator": "Base arm compared with",
    "base_components": "Base arm's programmes",
    "base_direction": "Change, base arm",
    "base_effect": "Effect, base arm",
    "base_findings": "Findings, base arm",
    "base_verdict": "Verdict, base arm",
    "basis": "Basis",
    "better_alternative": "Alternative reading",
    "claim_id": "Claim",
    "combined_comparator": "Combined arm compared with",
    "combined_components": "Combined arm's programmes",
    "combined_direction": "Change, combined arm",
    "comparator": "Compared with",
    "comparison": "Comparison",
    "comparison_basis": "Comparison based on",
    "contested": "Direction contested",
    "counts_for_robustness": "Counts for robustness",
    "difference_basis": "Difference based on",
    "difference_se": "Standard error of the difference",
    "direct_contrast": "Direct contrast",
    "direct_direction": "Change, direct contrast",
    "direct_effect": "Effect, direct contrast",
    "direct_findings": "Findings, direct contrast",
    "direct_verdict": "Verdict, direct contrast",
    "direction_alt": "Change per the other source",
    "effect_alt": "Effect per the other source",
    "effect_measure": "Effect measure",
    "estimate_difference": "Difference of estimates",
    "extended_arm": "Arm adding programmes",
    "extended_comparator": "Arm adding programmes, compared with",
    "extended_components": "Programmes of the arm adding programmes",
    "extended_direction": "Change, arm adding programmes",
    "extended_effect": "Effect, arm adding programmes",
    "extended_findings": "Findings, arm adding programmes",
    "extended_verdict": "Verdict, arm adding programmes",
    "factors": "Factors",
    "i2": "I² (%)",
    "k": "Evaluations pooled (k)",
    "level_basis": "Level stated or inferred",
    "method": "Method",
    "n_cannot_tell": "Outcomes that cannot be ranked",
    "n_combined_better": "Outcomes, combined better",
    "n_combined_worse": "Outcomes, combined worse",
    "n_contested": "Contested findings",
    "n_same": "Outcomes, same",
    "n_shared_outcomes": "Outcomes in common",
    "n_unstated": "Without direction",
    "nesting": "Nesting",
    "outcomes": "Outcomes",
    "p_source": "Where p comes from",
    "pooled_as": "Pooled as",
    "q": "Cochran's Q",
    "reason": "Reason",
    "risk_of_bias": "Risk of bias",
    "rob_tool": "Appraisal tool",
    "rows": "Rows it rests on",
    "runnable": "Could run",
    "same_as_baseline": "Same as baseline",
    "scale": "Scale",
    "scenario": "Scenario",
    "scenario_group": "Kind of choice",
    "side": "Side",
    "single_comparator": "Single arm compared with",
    "single_components": "Single arm's programmes",
    "single_direction": "Change, single arm",
    "subgroup": "Subgroup",
    "subgroups": "Subgroups",
    "tau2": "tau²",
    "text": "Text",
    "threshold": "Threshold",
    "threshold_percent": "Threshold (%)",
    "why_not": "Why it could not run",
}

# Columns whose values are effects or verdicts, words of synergies.i18n.
WORD_COLUMNS = frozenset(
    {
        "effect",
        "verdict",
        "single_effect",
        "combined_effect",
        "single_verdict",
        "combined_verdict",
        "arm",
        "direction",
        "level",
        "assessment",
    }
)
# Columns whose values are the project's own keys, translated through the catalogue.
KEY_COLUMNS = frozenset({"item", "better", "kind", "unit", "comparison", "nesting"})
# English words for those keys (the catalogue translates them like any other text).
KEY_WORDS: dict[str, str] = {
    "higher": "higher",
    "lower": "lower",
    "ambiguous": "ambiguous (no better direction)",
    "case_without_findings": "case without reported impact results",
    "domain_not_measured": "domain without reported findings in a country",
    "case_without_institutional": "case without institutional analysis",
    "arm": "intervention arm",
    "case": "evaluation (case)",
    "combined_better": "combined better",
    "same": "same",
    "combined_worse": "combined worse",
    "cannot_tell": "cannot tell",
    "nested": "nested",
    "not_nested": "not nested",
    "not_coded": "not coded",
    "unknown": "unknown",
    "finding": "finding",
}
# Columns whose values are the project's codes particular to that column (a code may mean one
# thing in one column and another elsewhere: `unclear` is an effect, but a scenario group too).
# Values not listed (an arm's name as a comparator, a data label) are shown as they are.
BASIS_WORDS = {"direct_contrast": "direct contrast", "directions": "by direction of effect"}
COMPARATOR_WORDS = {"control": "control group", "status_quo": "status quo", "unknown": "unknown"}
VALUE_WORDS: dict[str, dict[str, str]] = {
    "basis": BASIS_WORDS,
    "comparison_basis": BASIS_WORDS,
    "difference_basis": {"independent_estimates": "independent estimates"},
    "level_basis": {"stated": "stated by the source", "inferred": "inferred by the coders"},
    "scenario_group": {
        "baseline": "baseline",
        "threshold": "threshold",
        "counting_unit": "what votes",
        "unclear": "unclear findings",
        "polarity": "codebook polarity",
        "study_quality": "study quality",
        "sample_size": "sample size",
        "biased_comparator": "biased comparator",
    },
    "p_source": {"reported": "reported", "estimate_and_se": "from the estimate and its SE"},
    "scale": {"log": "logarithmic", "natural": "natural", "ratio": "ratio"},
    "aspect": {"coordination": "coordination", "condition": "condition"},
    "risk_of_bias": {
        "low": "low",
        "some_concerns": "some concerns",
        "high": "high",
        "unknown": "unknown (no appraisal)",
    },
}
# Columns of the magnitude analysis whose values are measures or why an estimate is not pooled: their
# words are `synergies.magnitude_words`' (the ones notebook 04's sentences and figures say).
MAGNITUDE_COLUMNS = frozenset({"pooled_as", "effect_measure"})
# Columns of comparators (findings.csv, arms.csv and the combination tables): a code or an arm's name.
COMPARATOR_COLUMNS = frozenset(
    {"comparator", "base_comparator", "extended_comparator", "single_comparator", "combined_comparator"}
)
# Columns whose values are words of synergies.i18n, by the end of their name (a base arm's verdict,
# the other source's direction ...), besides WORD_COLUMNS.
WORD_SUFFIXES = ("_effect", "_verdict", "_direction")
WORD_ALSO = frozenset({"effect_alt", "direction_alt", "sector", "added_sectors"})
# Columns of names and labels, given room so that a long label does not wrap word by word.
LABEL_COLUMNS = frozenset(
    {"country", "case", "intervention", "domain", "outcome", "factor", "scenario", "base_arm", "extended_arm"}
    | {"single_arm", "combined_arm"}
)
# At most this many rows of a table are shown in a notebook or page; the CSV keeps them all.
SHOWN_ROWS = 200
NO_ROWS = "No rows"  # a table without rows says so under its header (the DataTables word, translated once)
# Columns holding free text: wrapped, never cut, given room to breathe.
TEXT_COLUMNS = frozenset({"note", "statement", "locator", "design", "citation", "description"})
# Columns dropped from the people's view: the other language's label, shown through `outcome` etc.
HIDDEN_COLUMNS = frozenset({"label_en", "label_es", "order"})
P_VALUE_COLUMNS = frozenset({"p_value"})
YEAR_COLUMNS = frozenset({"year", "start_year"})
PROPORTION_COLUMNS = frozenset({"proportion", "ci_low", "ci_high"})


def column_label(column: str, lang: str) -> str:
    """A column's heading in `lang`: its label, or the key in words when it has none."""
    return site_text(COLUMN_LABELS.get(column, column.replace("_", " ").capitalize()), lang)


def yes_no(value: bool, lang: str) -> str:
    """A boolean as a reader says it."""
    return site_text("yes" if value else "no", lang)


def number(value: object, lang: str, kind: str = "decimal") -> str:
    """A number by the language's rule (synergies.text.numbers); empty when it is missing.

    `kind` is "integer", "p_value" (3 decimals, "< 0.001" below), "proportion" (2 decimals) or
    "decimal" (at most 3 decimals, as few as the value needs).
    """
    from synergies.text import numbers

    if is_blank(value):
        return ""
    if kind == "integer":
        return numbers.integer(lang, int(value))
    if kind == "p_value":
        relation, shown = numbers.p_shown(float(value))
        text = numbers.decimal(lang, shown, numbers.P_PLACES)
        return f"< {text}" if relation == "<" else text
    if kind == "proportion":
        return numbers.proportion(lang, float(value))
    return numbers.shortest(lang, numbers.rounded(float(value), 3))


def _code(value: str, words: dict[str, str], lang: str) -> str:
    """One code in words: the column's own word, else the project's (i18n, KEY_WORDS), else as it is.

    A value that is no code (an arm's name as a comparator, a data label) is shown verbatim.
    """
    if value in words:
        return site_text(words[value], lang)
    if value in i18n.MESSAGES:
        return i18n.word(value, lang)
    if value in KEY_WORDS:
        return site_text(KEY_WORDS[value], lang)
    return value


def _codes(value: str, words: dict[str, str], lang: str) -> str:
    """A cell of one code or of several joined by ';' (arms.csv lists), each in words."""
    from synergies.vocabulary import LIST_SEPARATOR

    return "; ".join(_code(part.strip(), words, lang) for part in value.split(LIST_SEPARATOR))


def _why_not(text: str, group: object, lang: str) -> str:
    """Why a robustness scenario could not run, in `lang`: the phrase of its scenario group."""
    key = f"why_{group}"
    return i18n.word(key, lang) if key in i18n.MESSAGES else site_text(text, lang)


def _country_name(name: str, lang: str) -> str:
    """A country's name in `lang` (CLDR, through synergies.text.names); unknown names as written."""
    from synergies.text import names

    return names.country(lang, name) if name else name


@dataclass(frozen=True)
class PeopleTable:
    """A frame prepared for reading; displays itself as HTML in a notebook or a page."""

    frame: pd.DataFrame
    text_columns: tuple[str, ...]
    caption: str = ""
    number_columns: tuple[str, ...] = ()
    empty_text: str = ""  # what a table without rows says under its header, in the reader's language
    label_columns: tuple[
        str, ...
    ] = ()  # names and labels (cases, domains ...): kept from wrapping word by word
    shown_note: str = ""  # "Showing 200 of N rows; ..." when the frame was cut to SHOWN_ROWS
    table_file: str = ""  # the CSV holding every row (tables/NAME.csv), linked from the note

    def _class(self, column: str) -> str:
        """The cell class of a column: wrapped text, right-aligned number, or none."""
        if column in self.text_columns:
            return "text"
        if column in self.label_columns:
            return "label"
        return "num" if column in self.number_columns else ""

    def _repr_html_(self) -> str:
        return self.html()

    @property
    def sortable(self) -> bool:
        """Whether the table is longer than a screenful (the report makes it searchable)."""
        return len(self.frame) > SCREENFUL_ROWS

    def html(self, table_id: str = "", row_ids: list[str] | None = None) -> str:
        """The table as plain HTML: a header row, no index, every value escaped.

        `row_ids` gives each row an id (the anchor a citation links to); such a table is never
        paged by script, so that a link always finds its row. A table without columns is empty.
        """
        if self.frame.columns.empty:
            return ""
        classes = "synergies-table" + (" synergies-datatable" if self.sortable and row_ids is None else "")
        ident = f' id="{html.escape(table_id)}"' if table_id else ""
        head = "".join(
            f'<th class="{self._class(c)}" scope="col">{html.escape(str(c))}</th>' for c in self.frame.columns
        )
        rows = []
        for number, values in enumerate(self.frame.itertuples(index=False)):
            row_id = f' id="{html.escape(row_ids[number])}"' if row_ids is not None else ""
            cells = "".join(
                f'<td class="{self._class(c)}">{html.escape(str(v))}</td>'
                for c, v in zip(self.frame.columns, values, strict=True)
            )
            rows.append(f"<tr{row_id}>{cells}</tr>")
        if not rows and self.empty_text:
            span = len(self.frame.columns)
            rows.append(f'<tr><td class="empty" colspan="{span}">{html.escape(self.empty_text)}</td></tr>')
        caption = f"<caption>{html.escape(self.caption)}</caption>" if self.caption else ""
        return (
            f'<div class="synergies-table-wrap"><table class="{classes}"{ident}>{caption}'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
            f"{self._note_html()}"
        )

    def _note_html(self) -> str:
        """The sentence under a cut table, its CSV's path a link relative to html/ and notebooks/."""
        if not self.shown_note:
            return ""
        if not self.table_file:
            return f'<p class="synergies-table-note">{html.escape(self.shown_note)}</p>'
        link = f'<a href="../{html.escape(self.table_file)}">{html.escape(self.table_file)}</a>'
        before, _, after = self.shown_note.partition(self.table_file)
        return f'<p class="synergies-table-note">{html.escape(before)}{link}{html.escape(after)}</p>'


def shown_note(total: int, shown: int, table_file: str, lang: str) -> str:
    """The sentence under a table cut to its first `shown` rows: how many there are, where all are.

    `table_file` is the CSV's path under the output directory (tables/NAME.csv), or "" when the
    frame was not written by outputs.write_table. Search and sorting work on the shown rows only.
    """
    from synergies import text

    if table_file:
        return text.tn(
            lang,
            "Showing the first {shown} of {total} row; the full table is {table} "
            "(search and sorting here cover the rows shown).",
            "Showing the first {shown} of {total} rows; the full table is {table} "
            "(search and sorting here cover the rows shown).",
            total,
            shown=shown,
            total=total,
            table=table_file,
        )
    return text.tn(
        lang,
        "Showing the first {shown} of {total} row (search and sorting here cover the rows shown).",
        "Showing the first {shown} of {total} rows (search and sorting here cover the rows shown).",
        total,
        shown=shown,
        total=total,
    )


def table_file(frame: pd.DataFrame) -> str:
    """The CSV outputs.write_table wrote this very `frame` to (tables/NAME.csv), or "" if it wrote none.

    A frame derived from a written one (filtered, sorted, merged) is not that CSV's table: "".
    """
    from synergies.outputs import TABLES_SUBDIR, written_table

    name = written_table(frame)
    return f"{TABLES_SUBDIR}/{name}.csv" if name else ""


def for_people(
    frame: pd.DataFrame | None,
    ev: Evidence,
    lang: str,
    caption: str = "",
    max_rows: int | None = SHOWN_ROWS,
) -> PeopleTable:
    """`frame` as a reader sees it in `lang`; the frame itself (and its CSV) is left as it is.

    An absent table (None, e.g. without institutional.csv) shows as nothing. A frame longer than
    `max_rows` shows its first `max_rows` rows (in its own order) and a sentence naming its CSV;
    `max_rows=None` shows every row (the findings pages, whose rows citations link to).
    """
    i18n.check_lang(lang)
    if frame is None:
        return PeopleTable(pd.DataFrame(), (), caption)
    note, csv = "", ""
    if max_rows is not None and len(frame) > max_rows:
        csv = table_file(frame)
        note = shown_note(len(frame), max_rows, csv, lang)
        frame = frame.head(max_rows)
    outcomes = i18n.labels(ev.outcomes, "outcome", lang)
    domains = i18n.labels(ev.domains, "domain", lang)
    factors = i18n.labels(ev.factors, "factor", lang) if ev.factors is not None else {}
    shown: dict[str, list[str]] = {}
    text_columns: list[str] = []
    number_columns: list[str] = []
    for column in frame.columns:
        if column in HIDDEN_COLUMNS:
            continue
        values = frame[column]
        label = column_label(column, lang)
        if column in TEXT_COLUMNS:
            text_columns.append(label)
        if column == "outcome":
            out = [outcomes.get(v, v) for v in values]
        elif column == "domain":
            out = ["" if is_blank(v) else domains.get(v, v) for v in values]
        elif column == "factor":
            out = [factors.get(v, v) for v in values]
        elif column == "country":
            out = [_country_name(v, lang) for v in values]
        elif column == "scenario":
            from synergies.robustness import scenario_label

            out = ["" if is_blank(v) else scenario_label(ev, str(v), lang) for v in values]
        elif column == "why_not" and "scenario_group" in frame.columns:
            groups = frame["scenario_group"].tolist()
            out = [
                "" if is_blank(v) else _why_not(str(v), g, lang) for v, g in zip(values, groups, strict=True)
            ]
        elif column in MAGNITUDE_COLUMNS:
            from synergies.magnitude_words import cell_word

            out = ["" if is_blank(v) else cell_word(str(v), lang) for v in values]
        elif column in VALUE_WORDS or column in COMPARATOR_COLUMNS:
            words = COMPARATOR_WORDS if column in COMPARATOR_COLUMNS else VALUE_WORDS[column]
            out = ["" if is_blank(v) else _codes(str(v), words, lang) for v in values]
        elif column in WORD_COLUMNS:
            out = ["" if is_blank(v) else i18n.word(v, lang) for v in values]
        elif column in WORD_ALSO or column.endswith(WORD_SUFFIXES):
            out = ["" if is_blank(v) else _codes(str(v), {}, lang) for v in values]
        elif column in KEY_COLUMNS:
            out = [
                "" if is_blank(v) else site_text(KEY_WORDS.get(v, str(v).replace("_", " ")), lang)
                for v in values
            ]
        elif pd.api.types.is_bool_dtype(values):
            out = ["" if is_blank(v) else yes_no(bool(v), lang) for v in values]
        elif column in YEAR_COLUMNS:
            out = ["" if is_blank(v) else str(int(float(v))) for v in values]
        elif column in P_VALUE_COLUMNS:
            out = [number(v, lang, "p_value") for v in values]
        elif column in PROPORTION_COLUMNS:
            out = [number(v, lang, "proportion") for v in values]
        elif pd.api.types.is_integer_dtype(values):
            out = [number(v, lang, "integer") for v in values]
        elif pd.api.types.is_float_dtype(values):
            out = [number(v, lang, "decimal") for v in values]
        else:
            out = ["" if is_blank(v) else str(v) for v in values]
        if (
            column not in YEAR_COLUMNS
            and pd.api.types.is_numeric_dtype(values)
            and not pd.api.types.is_bool_dtype(values)
        ):
            number_columns.append(label)
        shown[label] = out
    empty = site_text(NO_ROWS, lang)
    labelled = tuple(column_label(c, lang) for c in frame.columns if c in LABEL_COLUMNS)
    return PeopleTable(
        pd.DataFrame(shown), tuple(text_columns), caption, tuple(number_columns), empty, labelled, note, csv
    )
