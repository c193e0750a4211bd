"""The interactive evidence map: one self-contained HTML page that says what the evidence finds.

Evidence gap maps (3ie, EPPI-Mapper) show how much evidence sits in each intervention × outcome
cell; this page shows what it finds. Rows are intervention arms, cases or countries, columns
outcomes or domains (the reader chooses); each cell counts its findings by effect (▲ beneficial,
▼ adverse, ◆ no change, ? unclear, in the palette of `synergies.palette`), is sized by the number
of evaluations (cases) behind it, and lists its findings with their sources when selected.
Cells and cases without findings are shown as gaps, never as "no effect".

How it is built, and why:

- `map_data(evidence, lang)` turns the loaded `Evidence` into one JSON-ready dict: tables of
  countries, cases, arms, domains, outcomes and sources, and the findings as parallel columns of
  small integers (indices into those tables and into one table of distinct texts), so 100,000
  findings embed in a few MB. Every text the reader sees is written here, in the run's language,
  through `synergies.text` (catalogue phrases, numbers, country names); the JavaScript only
  counts, filters and lays out.
- `render_page(evidence, lang)` fills `html_template/evidence_map/page.html` with that JSON and
  the JavaScript and CSS it needs, all inlined: the page makes no network request, opened from
  disk or anywhere. The drill-down list is a DataTables table (sorting, paging, search within a
  cell's findings), taken from the offline bundle the `itables` package ships; the matrix itself
  is a small vanilla-JS view (`map.js`).
- Same data, same bytes: sorted JSON keys, numbers formatted as text in Python, no dates and no
  random ids.

Optional columns other parts of the contract may add are picked up when present and ignored
otherwise: `risk_of_bias` on cases (a filter), `significant` / `p_value` on findings (a filter),
`subgroup` and `direction_alt` on findings, and `comparator` on findings (shown in the list).
"""

from __future__ import annotations

import json
import os
import re
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pandas as pd

from synergies import aggregate, contract, palette
from synergies.cells import is_blank
from synergies.load import Evidence
from synergies.plots import MAX_ARMS
from synergies.text import N_, check_lang, gettext, ngettext, numbers, t
from synergies.text import names as text_names

PAGE_NAME = "evidence-map.html"
HTML_SUBDIR = "html"
TEMPLATE_DIR = Path(__file__).resolve().parent / "html_template" / "evidence_map"
# Beyond these, the page opens on the coarser view (countries × domains); the reader can still
# choose arms × outcomes, paged. MAX_ARMS is the static heatmap's rule for pooling by country.
MAX_DEFAULT_ROWS = MAX_ARMS
MAX_DEFAULT_COLUMNS = 30
# Rows of the matrix drawn at once: at most ROWS_PER_PAGE, fewer when there are many columns so
# that a page holds about CELLS_PER_PAGE cells (drawing time grows with cells), never fewer than
# MIN_ROWS_PER_PAGE; beyond a page the reader pages.
ROWS_PER_PAGE = 50
CELLS_PER_PAGE = 1500
MIN_ROWS_PER_PAGE = 10
# Bins of the number of evaluations (cases) behind a cell, which set its size: 1, 2–3, 4–9, 10+.
EVALUATION_BINS = (1, 2, 4, 10)
# Decimals shown at most for an estimate or standard error (the source's own decimals otherwise).
MAX_ESTIMATE_PLACES = 4
# Where the itables package keeps its offline DataTables bundle (JavaScript module and CSS).
DATATABLES_BUNDLE = ("itables", "html/dt_bundle.js")
DATATABLES_CSS = ("itables", "html/dt_bundle.css")
_EXPORT = re.compile(r"export\s*\{([^}]*)\}\s*;?")

EFFECTS = contract.EFFECTS  # beneficial, adverse, no_change, unclear: the order of every count
DIRECTIONS = contract.DIRECTIONS
ROW_KINDS = ("arm", "case", "country")
ARM_KEY = ("country", "case", "intervention")  # what identifies an arm
COLUMN_KINDS = ("outcome", "domain")

# Interface phrases, marked for the catalogue and looked up in the run's language.
EFFECT_WORDS = {
    "beneficial": N_("beneficial"),
    "adverse": N_("adverse"),
    "no_change": N_("no change"),
    "unclear": N_("unclear"),
}
DIRECTION_WORDS = {"increase": N_("increase"), "decrease": N_("decrease"), "no_change": N_("no change")}
ARM_WORDS = {"single": N_("single programme"), "combined": N_("combined programmes")}
ROB_WORDS = {
    "low": N_("low risk of bias"),
    "some_concerns": N_("some concerns"),
    "high": N_("high risk of bias"),
    "unknown": N_("risk of bias unknown"),
    "": N_("risk of bias not rated"),
}
SIGNIFICANCE_WORDS = {
    "yes": N_("significant"),
    "no": N_("not significant"),
    "": N_("significance not reported"),
}
UI_WORDS = {
    "title": N_("Evidence map: what the evidence finds"),
    "intro": N_(
        "Each cell counts the findings of one row and one column by their effect for households: "
        "▲ beneficial, ▼ adverse, ◆ no change, ? unclear (the codebook calls the outcome's "
        "desirability ambiguous). Its size grows with the number of evaluations behind it. A "
        "hatched cell was not reported: no finding of that row on that column, which is not the "
        "same as no effect. Select a cell to list its findings with their sources."
    ),
    "rows": N_("Rows"),
    "columns": N_("Columns"),
    "row_arm": N_("intervention arms"),
    "row_case": N_("cases (evaluations)"),
    "row_country": N_("countries"),
    "col_outcome": N_("outcomes"),
    "col_domain": N_("domains"),
    "filters": N_("Filters"),
    "country": N_("Country"),
    "domain": N_("Domain"),
    "arm_type": N_("Arm type"),
    "risk_of_bias": N_("Risk of bias"),
    "significance": N_("Significance"),
    "search": N_("Search programmes and arms"),
    "all": N_("all"),
    "legend": N_("Legend"),
    "size_legend": N_("Cell size: evaluations (cases) behind the cell"),
    "not_reported": N_("not reported"),
    "gap_no_results": N_("no reported impact results"),
    "gap_no_findings": N_("impact evaluation listed, no findings coded"),
    "previous": N_("Previous rows"),
    "next": N_("Next rows"),
    "no_rows": N_("No row matches the filters."),
    "select_prompt": N_(
        "Select a cell (click it, or move with the arrow keys and press Enter) to list its findings."
    ),
    "col_id": N_("Finding"),
    "col_arm": N_("Arm"),
    "col_outcome_h": N_("Outcome"),
    "col_direction": N_("Change"),
    "col_effect": N_("Effect"),
    "col_significance": N_("Significance"),
    "col_estimate": N_("Estimate"),
    "col_source": N_("Source and locator"),
    "col_note": N_("Note"),
    "col_subgroup": N_("Subgroup"),
    "col_comparator": N_("Compared with"),
    "col_rob": N_("Risk of bias"),
    "whole_sample": N_("whole sample"),
    "other_source": N_("another source reports"),
    "contested": N_("another source reports a different direction for a finding here"),
    "no_js": N_("This map needs JavaScript. The same findings are in tables/effect_directions.csv."),
    "se": N_("SE"),
    "dt_search": N_("Search these findings:"),
    "dt_info": N_("Findings _START_ to _END_ of _TOTAL_"),
    "dt_info_empty": N_("No findings"),
    "dt_info_filtered": N_("(of _MAX_)"),
    "dt_length": N_("Show _MENU_ findings"),
    "dt_zero": N_("No finding matches the search."),
    "dt_first": N_("First"),
    "dt_last": N_("Last"),
    "dt_next": N_("Next"),
    "dt_previous": N_("Previous"),
}
HIDDEN_FILTER_NOTES = {
    "risk_of_bias": N_("Risk of bias: no filter, the data rate no evaluation."),
    "significance": N_("Significance: no filter, no finding says whether it is significant."),
}


def _t(lang: str, msgid: str) -> str:
    """A phrase marked with N_ above, in `lang`."""
    return gettext(lang, msgid)


# --------------------------------------------------------------------------- numbers as text


def _number(lang: str, value: object) -> str | None:
    """An estimate or SE with the decimals it was given (at most MAX_ESTIMATE_PLACES), or None."""
    if is_blank(value):
        return None
    exact = Decimal(repr(float(value)))
    places = min(max(-exact.as_tuple().exponent, 0), MAX_ESTIMATE_PLACES)  # type: ignore[operator]
    return numbers.decimal(lang, exact, places)


def number_format(lang: str) -> dict[str, Any]:
    """How the page groups the digits of counts, following `text.numbers.integer` for `lang`."""
    sample = numbers.integer(lang, 12345)
    separator = sample[2:-3]
    group_from = 1000 if numbers.integer(lang, 1234) != "1234" else 10000
    return {"group": separator, "from": group_from}


# --------------------------------------------------------------------------- the embedded data


class _Texts:
    """Distinct texts of the findings (locators, notes, subgroups), each stored once."""

    def __init__(self) -> None:
        self.items: list[str] = [""]
        self.index: dict[str, int] = {"": 0}

    def codes(self, values: pd.Series) -> list[int]:
        out = []
        for value in values.fillna("").astype(str).tolist():
            code = self.index.get(value)
            if code is None:
                code = self.index[value] = len(self.items)
                self.items.append(value)
            out.append(code)
        return out


def _arm_descriptions(evidence: Evidence) -> dict[tuple[str, str, str], tuple[str, str]]:
    """(country, case, intervention) → (components, comparator) from `arms.csv`, where the data have one.

    Without `arms.csv` this is empty and the page shows no such column.
    """
    arms = getattr(evidence, "arms", None)
    if not isinstance(arms, pd.DataFrame) or not set(ARM_KEY) <= set(arms.columns):
        return {}
    components = _column(arms, "components").str.replace(";", "; ", regex=False)
    comparator = _column(arms, "comparator")
    keys = zip(*(arms[c].astype(str).tolist() for c in ARM_KEY), strict=True)
    return dict(zip(keys, zip(components.tolist(), comparator.tolist(), strict=True), strict=True))


def _positions(values: pd.Series, vocabulary: tuple[str, ...]) -> list[int]:
    """Each value's position in a controlled vocabulary (the loader has checked every value)."""
    return pd.Index(vocabulary).get_indexer(values).tolist()


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    """A column as text, or empty texts when the data do not carry it."""
    if name in frame.columns:
        return frame[name].fillna("").astype(str).str.strip()
    return pd.Series("", index=frame.index, dtype=object)


def _label(frame: pd.DataFrame, key: str, lang: str) -> pd.Series:
    col = f"label_{lang}"
    labels = _column(frame, col)
    return labels.where(labels != "", frame[key].astype(str))


def map_data(evidence: Evidence, lang: str) -> dict[str, Any]:
    """Everything the page shows, as JSON-ready data in `lang` (see the module docstring)."""
    check_lang(lang)
    findings = evidence.findings.reset_index(drop=True)
    arms_table = aggregate.arms(evidence)

    # Cases: every case of cases.csv (gaps included), in display order of aggregate.arms.
    cases_frame = evidence.cases.copy()
    case_order = arms_table[["country", "case"]].drop_duplicates()
    cases_frame = case_order.merge(cases_frame, on=["country", "case"], how="left")
    countries = list(dict.fromkeys(cases_frame["country"]))
    country_index = {c: i for i, c in enumerate(countries)}
    case_index = {
        (c, k): i for i, (c, k) in enumerate(zip(cases_frame["country"], cases_frame["case"], strict=True))
    }
    rob_values = _column(cases_frame, "risk_of_bias")
    has_rob = bool((rob_values != "").any()) and "risk_of_bias" in evidence.cases.columns
    with_findings = set(zip(findings["country"], findings["case"], strict=True))
    evaluated = cases_frame["has_impact_evaluation"].astype("boolean").fillna(True)
    columns_of_cases = zip(
        cases_frame["country"],
        cases_frame["case"],
        evaluated,
        _column(cases_frame, "programmes"),
        _column(cases_frame, "design"),
        rob_values,
        _column(cases_frame, "rob_tool"),
        strict=True,
    )
    cases_out = []
    for country, case, listed, programmes, design, rob, rob_tool in columns_of_cases:
        gap = "" if (country, case) in with_findings else ("gap_no_findings" if listed else "gap_no_results")
        cases_out.append(
            {
                "country": country_index[country],
                "name": str(case),
                "programmes": programmes.replace(";", "; "),
                "design": design,
                "rob": rob,
                "rob_tool": rob_tool,
                "gap": gap,
            }
        )

    # Arms: the intervention arms with findings, in display order.
    arm_rows = arms_table[arms_table["intervention"] != ""]
    arm_index = {}
    arms_out = []
    described = _arm_descriptions(evidence)
    for row in arm_rows.itertuples(index=False):
        key = (row.country, row.case, row.intervention)
        arm_index[key] = len(arms_out)
        components, compared_with = described.get(key, ("", ""))
        arms_out.append(
            {
                "case": case_index[(row.country, row.case)],
                "name": str(row.intervention),
                "type": str(row.arm),
                "components": components,
                "comparator": compared_with,
            }
        )

    domains = evidence.domains.reset_index(drop=True)
    domain_index = {d: i for i, d in enumerate(domains["domain"])}
    domain_labels = _label(domains, "domain", lang)
    outcomes = evidence.outcomes.reset_index(drop=True)
    # Outcomes grouped by domain (in domain order), in codebook order within a domain.
    ordered = sorted(range(len(outcomes)), key=lambda i: (domain_index[outcomes["domain"].iloc[i]], i))
    outcome_labels = _label(outcomes, "outcome", lang)
    outcomes_out = [
        {
            "key": str(outcomes["outcome"].iloc[i]),
            "label": outcome_labels.iloc[i],
            "domain": domain_index[outcomes["domain"].iloc[i]],
        }
        for i in ordered
    ]
    outcome_position = {outcomes_out[p]["key"]: p for p in range(len(outcomes_out))}

    sources_out: list[dict[str, str]] = []
    source_index: dict[str, int] = {}
    if evidence.sources is not None:
        for row in evidence.sources.itertuples(index=False):
            source_index[str(row.source_id)] = len(sources_out)
            sources_out.append(
                {
                    "id": str(row.source_id),
                    "citation": str(getattr(row, "citation", "") or ""),
                    "url": str(getattr(row, "url", "") or ""),
                }
            )
    for sid in sorted(set(_column(findings, "source_id")) - set(source_index) - {""}):
        source_index[sid] = len(sources_out)
        sources_out.append({"id": sid, "citation": "", "url": ""})

    texts = _Texts()
    arm_keys = zip(*(findings[c].tolist() for c in ARM_KEY), strict=True)
    significant = (
        findings["significant"]
        if "significant" in findings.columns
        else pd.Series(pd.NA, index=findings.index)
    )
    p_values = (
        findings["p_value"]
        if "p_value" in findings.columns
        else pd.Series(float("nan"), index=findings.index)
    )
    has_significance = bool(significant.notna().any() or p_values.notna().any())
    subgroup = _column(findings, "subgroup")
    direction_alt = _column(findings, "direction_alt")
    comparator = _column(findings, "comparator")
    if not (comparator != "").any() and any(arm["comparator"] for arm in arms_out):
        arm_of_finding = [arm_index[k] for k in zip(*(findings[c].tolist() for c in ARM_KEY), strict=True)]
        comparator = pd.Series([arms_out[a]["comparator"] for a in arm_of_finding], index=findings.index)
    columns: dict[str, Any] = {
        "id": findings["finding_id"].astype(str).tolist(),
        "arm": [arm_index[k] for k in arm_keys],
        "outcome": [outcome_position[o] for o in findings["outcome"].tolist()],
        "direction": _positions(findings["direction"], DIRECTIONS),
        "effect": _positions(findings["effect"], EFFECTS),
        "significant": [None if is_blank(v) else int(bool(v)) for v in significant.tolist()],
        "p": [None if is_blank(v) else numbers.p_value(lang, float(v)) for v in p_values.tolist()],
        "estimate": [_number(lang, v) for v in findings["estimate"].tolist()],
        "se": [_number(lang, v) for v in findings["std_error"].tolist()],
        "n": [None if is_blank(v) else numbers.integer(lang, int(v)) for v in findings["n"].tolist()],
        "source": [source_index.get(s, -1) for s in _column(findings, "source_id").tolist()],
        "locator": texts.codes(_column(findings, "locator")),
        "note": texts.codes(_column(findings, "note")),
    }
    optional = {
        "rob": has_rob,
        "significance": has_significance,
        "subgroup": False,
        "contested": False,
        "comparator": False,
    }
    if (subgroup != "").any():
        columns["subgroup"] = texts.codes(subgroup)
        optional["subgroup"] = True
    if (direction_alt != "").any():
        alt_source = _column(findings, "alt_source_id")
        columns["direction_alt"] = [DIRECTIONS.index(d) if d else -1 for d in direction_alt.tolist()]
        columns["alt_source"] = texts.codes(alt_source)
        columns["alt_locator"] = texts.codes(_column(findings, "alt_locator"))
        optional["contested"] = True
    if (comparator != "").any():
        columns["comparator"] = texts.codes(comparator)
        optional["comparator"] = True

    n_arms, n_columns = len(arms_out), len(outcomes_out)
    defaults = {
        "rows": "arm" if n_arms <= MAX_DEFAULT_ROWS else "country",
        "columns": "outcome" if n_columns <= MAX_DEFAULT_COLUMNS and n_arms <= MAX_DEFAULT_ROWS else "domain",
    }
    return {
        "lang": lang,
        "countries": [text_names.country(lang, c) for c in countries],
        "cases": cases_out,
        "arms": arms_out,
        "domains": domain_labels.tolist(),
        "outcomes": outcomes_out,
        "sources": sources_out,
        "findings": columns,
        "texts": texts.items,
        "optional": optional,
        "defaults": defaults,
        "rows_per_page": ROWS_PER_PAGE,
        "cells_per_page": CELLS_PER_PAGE,
        "min_rows_per_page": MIN_ROWS_PER_PAGE,
        "evaluation_bins": list(EVALUATION_BINS),
        "number_format": number_format(lang),
        "words": _words(lang),
        "style": _style(),
    }


def _words(lang: str) -> dict[str, Any]:
    """Every phrase the page shows, in `lang`; plural phrases as the two forms en and es need."""
    words: dict[str, Any] = {key: _t(lang, msgid) for key, msgid in UI_WORDS.items()}
    words["effects"] = [_t(lang, EFFECT_WORDS[e]) for e in EFFECTS]
    words["directions"] = [_t(lang, DIRECTION_WORDS[d]) for d in DIRECTIONS]
    words["arm_types"] = {k: _t(lang, v) for k, v in ARM_WORDS.items()}
    words["rob_values"] = {k: _t(lang, v) for k, v in ROB_WORDS.items()}
    words["significance_values"] = {k: _t(lang, v) for k, v in SIGNIFICANCE_WORDS.items()}
    words["hidden_filters"] = {k: _t(lang, v) for k, v in HIDDEN_FILTER_NOTES.items()}
    # Translators: {n} is a number of findings; {eval} a number of evaluations (cases).
    words["findings_one"] = ngettext(lang, "{n} finding", "{n} findings", 1)
    words["findings_other"] = ngettext(lang, "{n} finding", "{n} findings", 2)
    words["evaluations_one"] = ngettext(lang, "{n} evaluation", "{n} evaluations", 1)
    words["evaluations_other"] = ngettext(lang, "{n} evaluation", "{n} evaluations", 2)
    # Translators: {start}, {end} and {total} are numbers of rows of the matrix.
    words["rows_shown"] = gettext(lang, "Rows {start}–{end} of {total}")
    # Translators: a selected cell; {row} and {column} are its labels, {count} its number of findings.
    words["cell_heading"] = gettext(lang, "{row} × {column}: {count}")
    words["size_bins"] = _size_bins(lang)
    return words


def _size_bins(lang: str) -> list[str]:
    """Labels of the EVALUATION_BINS: "1", "2–3", "4–9", "10+"."""
    labels = []
    for low, high in zip(EVALUATION_BINS, (*EVALUATION_BINS[1:], None), strict=True):
        if high is None:
            labels.append(t(lang, "{n} or more", n=low))
        elif high - low == 1:
            labels.append(numbers.integer(lang, low))
        else:
            labels.append(f"{numbers.integer(lang, low)}–{numbers.integer(lang, high - 1)}")
    return labels


def _style() -> dict[str, Any]:
    """Colours and glyphs from the one palette, in the order of contract.EFFECTS."""
    return {
        "glyphs": [palette.EFFECT_GLYPHS[e] for e in EFFECTS],
        "colours": [palette.EFFECT_COLOURS[e] for e in EFFECTS],
        "ink": [palette.EFFECT_TEXT[e] for e in EFFECTS],
        "signs": [palette.SIGN_GLYPHS[d] for d in DIRECTIONS],
        "gap": palette.NO_EVALUATION_COLOUR,
        "faint": palette.FAINT,
    }


# --------------------------------------------------------------------------- the page


def _resource(package: str, name: str) -> str:
    """A text file shipped with an installed package."""
    return resources.files(package).joinpath(name).read_text(encoding="utf-8")


def _template(name: str) -> str:
    """A file of the page's template (HTML, CSS, JavaScript)."""
    return (TEMPLATE_DIR / name).read_text(encoding="utf-8")


def embed_json(data: object) -> str:
    """JSON for a <script type="application/json"> block: sorted keys, no '<', '>' or '&' left raw.

    Escaping these three as \\u003c etc. keeps the JSON valid and makes "</script>" or "<!--"
    in any value harmless to the HTML parser.
    """
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def datatables_script() -> str:
    """The itables DataTables bundle as an inline module that puts its exports on `window`.

    The bundle is an ES module ending in one `export{a as B, ...}`; an inline module cannot be
    imported, so that statement becomes `window.synergiesDataTables = {B: a, ...}`.
    """
    source = _resource(*DATATABLES_BUNDLE)
    found = _EXPORT.findall(source)
    if len(found) != 1:
        raise RuntimeError(f"the itables bundle has {len(found)} export statements; expected exactly one")
    pairs = []
    for item in found[0].split(","):
        local, _, exported = item.strip().partition(" as ")
        pairs.append(f"{json.dumps(exported.strip() or local.strip())}:{local.strip()}")
    assignment = "window.synergiesDataTables={" + ",".join(pairs) + "};"
    script = _EXPORT.sub(lambda _: assignment, source)
    _check_inline(script, "script")
    return script


def _check_inline(text: str, tag: str) -> None:
    if f"</{tag}" in text.lower():
        raise RuntimeError(f"inlined text contains </{tag}: it would end the <{tag}> element early")


def render_page(evidence: Evidence, lang: str) -> str:
    """The complete HTML page of the evidence map in `lang`, self-contained."""
    data = map_data(evidence, lang)
    css = _template("map.css")
    dt_css = _resource(*DATATABLES_CSS)
    app = _template("map.js")
    for text, tag in ((css, "style"), (dt_css, "style"), (app, "script")):
        _check_inline(text, tag)
    page = _template("page.html")
    words = data["words"]
    replacements = {
        "@LANG@": lang,
        "@TITLE@": _escape(words["title"]),
        "@NOSCRIPT@": _escape(words["no_js"]),
        "@CSS@": dt_css + "\n" + css,
        "@DATA@": embed_json(data),
        "@DATATABLES@": datatables_script(),
        "@APP@": app,
    }
    pattern = re.compile("|".join(re.escape(k) for k in replacements))
    return pattern.sub(lambda m: replacements[m.group()], page)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def index_entry(lang: str) -> dict[str, str]:
    """How a report index links this page: file name (relative to html/), title and one line."""
    return {
        "href": PAGE_NAME,
        "title": _t(lang, UI_WORDS["title"]),
        "summary": gettext(
            lang,
            "Interactive map: filter the findings by country, domain and arm type, and select a cell "
            "to list its findings with their sources.",
        ),
    }


def page_link(page: str | Path, output_dir: str | Path, lang: str) -> str:
    """A Markdown link to the written page, for notebook 09 to show where a bare path was no link.

    The link is relative to where the runner renders the notebook as HTML (`<output_dir>/html/`,
    `run.render`), so it opens from the report read from disk. Its text is words (a link set in
    code type does not look like one); the page's path in the output directory follows, for a
    reader of the executed notebook, from where the relative link does not lead.
    """
    page, output = Path(page), Path(output_dir)
    href = Path(os.path.relpath(page, output / HTML_SUBDIR)).as_posix()
    return t(
        lang,
        "[Open the evidence map]({href}) (`{path}` in the output directory).",
        path=page.relative_to(output).as_posix(),
        href=quote(href),
    )


def write_evidence_map(evidence: Evidence, output_dir: str | Path, lang: str) -> Path:
    """Write <output_dir>/html/evidence-map.html in `lang` (whole file at once) and return its path."""
    directory = Path(output_dir) / HTML_SUBDIR
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / PAGE_NAME
    html = render_page(evidence, lang)
    partial = path.with_name(path.name + ".part")
    partial.write_text(html, encoding="utf-8", newline="\n")
    partial.replace(path)
    return path
