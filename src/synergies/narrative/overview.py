"""The opening and closing sections: what the data hold, how to trace a sentence, the references."""

from __future__ import annotations

import pandas as pd

from synergies import aggregate, i18n
from synergies.narrative.facts import _case_ref, _Facts, _finding_refs, country_name
from synergies.narrative.model import (
    Paragraph,
    Ref,
    Section,
    Sentence,
    _count,
    _percent,
    _said,
    _say,
    escape,
    natural_key,
)
from synergies.narrative.phrases import MAX_COUNTRIES_NAMED, TITLES
from synergies.text import numbers, t, tn
from synergies.text.grammar import (
    capitalise,
    count_noun,
    join_list,
    number_word,
)

# =========================================================================== overview


def _overview(f: _Facts) -> Section:
    """What the data hold, the evidence gaps in one line, and how effects are counted."""
    findings = f.findings
    n = len(findings)
    n_outcomes = findings["outcome"].nunique()
    n_domains = findings["domain"].nunique()
    with_findings = f.arms[f.arms["n_findings"] > 0]
    n_cases = with_findings[["country", "case"]].drop_duplicates().shape[0]
    countries = sorted(set(findings["country"]), key=str.casefold)
    counts = [
        _count(n, "findings"),
        _count(n_outcomes, "findings", "distinct:outcome"),
        _count(n_domains, "findings", "distinct:domain"),
        _count(n_cases, "findings", "distinct:country,case"),
        _count(len(countries), "findings", "distinct:country"),
    ]
    sentences = []
    for_lang = {}
    leading = _leading_countries(findings) if len(countries) > MAX_COUNTRIES_NAMED else None
    if leading is not None:
        counts += [_count(v, "findings", country=c) for c, v in leading]
    for lang in i18n.LANGS:
        slots = {
            "findings": count_noun(n, "finding", lang),
            "outcomes": count_noun(n_outcomes, "outcome", lang),
            "domains": count_noun(n_domains, "domain", lang),
            "cases": count_noun(n_cases, "evaluated_case", lang),
        }
        if leading is None:
            names = join_list([country_name(c, lang) for c in countries], lang)
            place = f"{count_noun(len(countries), 'country', lang)}: {names}"
            for_lang[lang] = t(
                lang,
                "The data hold {findings} on {outcomes} in {domains}, from {cases} in {place}.",
                place=place,
                **slots,
            )
        else:  # too many countries to name: the leading ones, and the table that lists all
            named = [f"{country_name(c, lang)} ({numbers.integer(lang, v)})" for c, v in leading]
            for_lang[lang] = t(
                lang,
                "The data hold {findings} on {outcomes} in {domains}, from {cases} in {countries}; those "
                "with the most findings are {leading}, and every country's findings by domain are listed "
                "in `tables/country_domain.csv`.",
                countries=count_noun(len(countries), "country", lang),
                leading=join_list(named, lang),
                **slots,
            )
    sentences.append(_say(for_lang["en"], for_lang["es"], _finding_refs(findings), counts))
    gap_sentence = _overview_gaps(f)
    if gap_sentence:
        sentences.append(gap_sentence)
    sentences.append(_method_sentence())
    return Section("overview", TITLES["overview"], (Paragraph(tuple(sentences)),))


def _leading_countries(findings: pd.DataFrame) -> list[tuple[str, int]]:
    """The MAX_COUNTRIES_NAMED countries with the most findings (ties by name), with their counts."""
    sizes = findings.groupby("country", sort=False).size()
    ranked = sorted(sizes.items(), key=lambda item: (-int(item[1]), str(item[0]).casefold()))
    return [(str(c), int(v)) for c, v in ranked[:MAX_COUNTRIES_NAMED]]


def _overview_gaps(f: _Facts) -> Sentence | None:
    """Cases without impact findings, counted and placed by country."""
    gaps = f.gaps[f.gaps["kind"] == "case_without_findings"] if not f.gaps.empty else f.gaps
    if gaps.empty:
        return None
    k = len(gaps)
    countries = sorted(set(gaps["country"]), key=str.casefold)
    refs = [_case_ref(r.country, r.case) for r in gaps.itertuples()]
    count = _count(k, "evidence_gaps", kind="case_without_findings")
    texts = {
        lang: capitalise(
            tn(
                lang,
                "{number} more case, in {where}, has no reported impact results and is treated as an "
                "evidence gap.",
                "{number} more cases, in {where}, have no reported impact results and are treated as "
                "evidence gaps.",
                k,
                number=number_word(k, lang),
                where=join_list([country_name(c, lang) for c in countries], lang),
            )
        )
        for lang in i18n.LANGS
    }
    return _say(texts["en"], texts["es"], refs, [count])


def _method_sentence() -> Sentence:
    """How effects are counted: direction only, and the within-group agreement rule."""
    share = round(aggregate.VERDICT_THRESHOLD * 100)
    count = _count(share, "constant", "verdict_threshold_percent")
    said = {
        lang: t(
            lang,
            "Effects are counted by direction, not by size or statistical significance: a "
            "change is beneficial or adverse according to the desirable direction the "
            "codebook gives its outcome, and a group of findings points to an effect when "
            "at least {share} of those with a direction agree.",
            share=_percent(share, lang),
        )
        for lang in i18n.LANGS
    }
    return _say(said["en"], said["es"], counts=[count])


# =========================================================================== tracing and references


def _tracing_section(f: _Facts) -> Section:
    """How a reader gets from a sentence to the rows it rests on."""
    given = f.ev.given
    example = escape(sorted(f.findings["finding_id"], key=natural_key)[0])
    items = [
        _said(
            lambda lang: t(
                lang,
                "An identifier such as {example} is a `finding_id` in `findings.csv`; a range "
                "written with a dash covers every identifier from the first to the last.",
                example=example,
            )
        ),
        _said(
            lambda lang: (
                t(
                    lang,
                    "Country/Case is a case: its row in `cases.csv` and its rows in `findings.csv`; in a "
                    "sentence about programmes, Country/Programme is a row of `programmes.csv`.",
                )
                if "programmes.csv" in given
                else t(lang, "Country/Case is a case: its row in `cases.csv` and its rows in `findings.csv`.")
            )
        ),
    ]
    if f.ev.institutional is not None:
        items.append(
            _said(
                lambda lang: t(
                    lang, "Country/Case: factor are the rows of `institutional.csv` for that case and factor."
                )
            )
        )
    items.append(
        _said(
            lambda lang: (
                t(
                    lang,
                    "A lower-case key on its own, such as a domain key, is a row of `domains.csv` (or of "
                    "`outcomes.csv` when `domains.csv` is not given); a source key is a row of "
                    "`sources.csv`, listed under References.",
                )
                if f.ev.sources is not None
                else t(
                    lang,
                    "A lower-case key on its own, such as a domain key, is a row of `domains.csv` (or of "
                    "`outcomes.csv` when `domains.csv` is not given).",
                )
            )
        )
    )
    lead = _said(
        lambda lang: t(
            lang,
            "Every sentence that states a fact from the data ends with the keys of the "
            "rows it rests on, in square brackets (country and case names as written in "
            "the data). To check a sentence, filter the file named below on those keys and "
            "compare:",
        )
    )
    return Section("tracing", TITLES["tracing"], (Paragraph((lead,)), Paragraph(tuple(items), as_list=True)))


def _references_section(f: _Facts) -> Section | None:
    """The bibliography from sources.csv, in natural order of its keys."""
    sources = f.ev.sources
    if sources is None or sources.empty:
        return None
    items = []
    for r in sorted(sources.itertuples(), key=lambda r: natural_key(r.source_id)):
        text = f"**{escape(r.source_id)}**: {escape(r.citation) if r.citation else ''}"
        if r.url:
            text += f" {escape(r.url)}"
        items.append(_say(text.rstrip(), text.rstrip(), [Ref("sources.csv", (r.source_id,))]))
    return Section("references", TITLES["references"], (Paragraph(tuple(items), as_list=True),))
