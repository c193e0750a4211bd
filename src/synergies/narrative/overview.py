"""The opening and closing sections: what the data hold, how to trace a sentence, the references.

Each sentence is a typed-slot body (`slots`): numbers are `Num` slots carrying their Count, lists
`Items`, countries `Country`; the text is rendered per language at render time.
"""

from __future__ import annotations

import pandas as pd

from synergies.narrative.across import _finding_numbers, _threshold_share
from synergies.narrative.facts import _case_ref, _Facts
from synergies.narrative.model import Paragraph, Ref, Section, Sentence, _count, natural_key
from synergies.narrative.phrases import MAX_COUNTRIES_NAMED, TITLES
from synergies.narrative.refs import RefSet
from synergies.narrative.slots import Cap, Country, Data, Markup, Num, Seq, Slot, items, msg, msgn

# =========================================================================== overview


def _overview(f: _Facts) -> Section:
    """What the data hold, the evidence gaps in one line, and how effects are counted."""
    findings = f.findings
    with_findings = f.arms[f.arms["n_findings"] > 0]
    n_cases = with_findings[["country", "case"]].drop_duplicates().shape[0]
    countries = sorted(findings["country"].unique().tolist(), key=str.casefold)
    held = {
        "findings": Num(_count(len(findings), "findings"), "word", "finding"),
        "outcomes": Num(
            _count(findings["outcome"].nunique(), "findings", "distinct:outcome"), "word", "outcome"
        ),
        "domains": Num(_count(findings["domain"].nunique(), "findings", "distinct:domain"), "word", "domain"),
        "cases": Num(_count(n_cases, "findings", "distinct:country,case"), "word", "evaluated_case"),
    }
    in_countries = Num(_count(len(countries), "findings", "distinct:country"), "word", "country")
    if len(countries) <= MAX_COUNTRIES_NAMED:
        place = Seq((in_countries, Markup(": "), items(Country(c) for c in countries)))
        body = msg(
            "The data hold {findings} on {outcomes} in {domains}, from {cases} in {place}.",
            place=place,
            **held,
        )
    else:  # too many countries to name: the leading ones, and the table that lists all
        leading = [
            Seq((Country(c), Markup(" ("), Num(_count(v, "findings", country=c)), Markup(")")))
            for c, v in _leading_countries(findings)
        ]
        body = msg(
            "The data hold {findings} on {outcomes} in {domains}, from {cases} in {countries}; those "
            "with the most findings are {leading}, and every country's findings by domain are listed "
            "in `tables/country_domain.csv`.",
            countries=in_countries,
            leading=items(leading),
            **held,
        )
    sentences = [f.say(body, RefSet(f.rows, {"findings.csv": _finding_numbers(f)}))]
    gap_sentence = _overview_gaps(f)
    if gap_sentence:
        sentences.append(gap_sentence)
    sentences.append(_method_sentence(f))
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
    pairs = list(zip(gaps["country"].tolist(), gaps["case"].tolist(), strict=True))
    countries = sorted({country for country, _ in pairs}, key=str.casefold)
    body = msgn(
        "{number} more case, in {where}, has no reported impact results and is treated as an evidence gap.",
        "{number} more cases, in {where}, have no reported impact results and are treated as evidence gaps.",
        "number",
        number=Num(_count(len(pairs), "evidence_gaps", kind="case_without_findings"), "word"),
        where=items(Country(c) for c in countries),
    )
    return f.say(Cap(body), [_case_ref(country, case) for country, case in pairs])


def _method_sentence(f: _Facts) -> Sentence:
    """How effects are counted: direction only, and the within-group agreement rule."""
    body = msg(
        "Effects are counted by direction, not by size or statistical significance: a "
        "change is beneficial or adverse according to the desirable direction the "
        "codebook gives its outcome, and a group of findings points to an effect when "
        "at least {share} of those with a direction agree.",
        share=_threshold_share(),
    )
    return f.say(body)


# =========================================================================== tracing and references


def _tracing_section(f: _Facts) -> Section:
    """How a reader gets from a sentence to the rows it rests on."""
    given = f.ev.given
    # the first finding in citation order (natural order of the ids): the row index has them sorted
    example = f.rows.file("findings.csv").keys[0][0]
    if "programmes.csv" in given:
        cases = msg(
            "Country/Case is a case: its row in `cases.csv` and its rows in `findings.csv`; in a "
            "sentence about programmes, Country/Programme is a row of `programmes.csv`.",
        )
    else:
        cases = msg("Country/Case is a case: its row in `cases.csv` and its rows in `findings.csv`.")
    bodies: list[Slot] = [
        msg(
            "An identifier such as {example} is a `finding_id` in `findings.csv`; a range "
            "written with a dash covers every identifier from the first to the last.",
            example=Data(example),
        ),
        cases,
    ]
    if f.ev.institutional is not None:
        bodies.append(
            msg("Country/Case: factor are the rows of `institutional.csv` for that case and factor.")
        )
    if f.ev.sources is not None:
        keys = msg(
            "A lower-case key on its own, such as a domain key, is a row of `domains.csv` (or of "
            "`outcomes.csv` when `domains.csv` is not given); a source key is a row of "
            "`sources.csv`, listed under References.",
        )
    else:
        keys = msg(
            "A lower-case key on its own, such as a domain key, is a row of `domains.csv` (or of "
            "`outcomes.csv` when `domains.csv` is not given).",
        )
    bodies.append(keys)
    lead = msg(
        "Every sentence that states a fact from the data ends with the keys of the "
        "rows it rests on, in square brackets (country and case names as written in "
        "the data). To check a sentence, filter the file named below on those keys and "
        "compare:",
    )
    listed = tuple(f.say(b) for b in bodies)
    return Section("tracing", TITLES["tracing"], (Paragraph((f.say(lead),)), Paragraph(listed, as_list=True)))


def _stated(value: object) -> bool:
    """Whether a sources.csv cell prints anything (escaping turns blank text into nothing)."""
    return bool(value) and bool(str(value).split())


def _references_section(f: _Facts) -> Section | None:
    """The bibliography from sources.csv, in natural order of its keys."""
    sources = f.ev.sources
    if sources is None or sources.empty:
        return None
    entries = []
    for r in sorted(sources.itertuples(), key=lambda r: natural_key(r.source_id)):
        # "**key**: citation url" (the key in bold), printed as the data write them
        parts: list[Slot] = [Markup("**"), Data(r.source_id), Markup("**:")]
        has_citation, has_url = _stated(r.citation), _stated(r.url)
        if has_citation or has_url:
            parts.append(Markup(" "))
        if has_citation:
            parts.append(Data(r.citation))
        if has_url:
            parts += [Markup(" "), Data(r.url)]
        entries.append(f.say(Seq(tuple(parts)), [Ref("sources.csv", (r.source_id,))]))
    return Section("references", TITLES["references"], (Paragraph(tuple(entries), as_list=True),))
