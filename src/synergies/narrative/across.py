"""Across countries: recurrence of effects by domain, sign tests and their power, countries without
results."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from synergies import aggregate, i18n, vocabulary
from synergies.narrative.facts import (
    _case_in_country,
    _case_ref,
    _Facts,
    _finding_refs,
    _institutional_refs,
    country_name,
)
from synergies.narrative.institutions import _institutional_comparison_sentences
from synergies.narrative.model import (
    Count,
    Paragraph,
    Ref,
    Section,
    Sentence,
    _count,
    _nor_list,
    _p_value,
    _percent,
    _said,
    _say,
    escape,
)
from synergies.narrative.phrases import ALPHA, EFFECT_ADJECTIVES, TITLES
from synergies.narrative.robust import _robustness_intro, _robustness_sentences
from synergies.text import numbers, t, tn
from synergies.text.grammar import (
    count_noun,
    join_list,
    noun,
    number_word,
)

# =========================================================================== across countries


def _comparison_section(f: _Facts) -> Section:
    """Recurrence of beneficial effects, sign tests with their power caution, gaps and institutions."""
    recurrence = _recurrence_sentences(f)
    paragraphs = [Paragraph(tuple(recurrence))] if recurrence else []
    tests = _sign_test_items(f)
    if tests:
        paragraphs.append(Paragraph((_sign_test_intro(),)))
        paragraphs.append(Paragraph(tuple(tests), as_list=True))
        power = _power_sentence(f)
        if power:
            paragraphs.append(Paragraph((power,)))
    robust = _robustness_sentences(f)
    if robust:
        paragraphs.append(Paragraph((_robustness_intro(),)))
        paragraphs.append(Paragraph(tuple(robust), as_list=True))
    gaps = _country_gap_sentences(f)
    if gaps:
        paragraphs.append(Paragraph(tuple(gaps)))
    institutional = _institutional_comparison_sentences(f)
    if institutional:
        paragraphs.append(Paragraph(tuple(institutional)))
    return Section("comparison", TITLES["comparison"], tuple(paragraphs))


def _countries_by_domain(f: _Facts, verdict: str) -> dict[str, tuple[str, ...]]:
    """Per domain, the countries where at least one case's findings point to `verdict`."""
    table = f.country_verdicts
    hits = table[table[f"n_{verdict}"] > 0]
    out: dict[str, tuple[str, ...]] = {}
    for domain in f.domain_rank(hits["domain"]):
        out[domain] = tuple(sorted(set(hits.loc[hits["domain"] == domain, "country"]), key=str.casefold))
    return out


def _verdict_refs(f: _Facts, domains: Iterable[str], countries: Iterable[str], verdict: str) -> list[Ref]:
    """The findings behind a verdict: those with that effect in cases whose domain verdict it is."""
    cv = f.case_verdicts
    keep = cv[
        cv["domain"].isin(list(domains)) & cv["country"].isin(list(countries)) & (cv["verdict"] == verdict)
    ]
    columns = ["country", "case", "domain"]
    rows = f.findings
    in_kept = pd.MultiIndex.from_frame(rows[columns]).isin(pd.MultiIndex.from_frame(keep[columns]))
    return _finding_refs(rows[in_kept & (rows["effect"] == verdict).to_numpy()])


def _recurrence_sentences(f: _Facts) -> list[Sentence]:
    """Domains where beneficial (or adverse) effects recur across countries, occur in one, or in none."""
    sentences: list[Sentence] = []
    beneficial = _countries_by_domain(f, "beneficial")
    measured = {d: set(f.findings.loc[f.findings["domain"] == d, "country"]) for d in f.ev.domain_order}
    groups: dict[tuple[str, ...], list[str]] = {}
    for domain, countries in beneficial.items():
        if len(countries) >= 2:
            groups.setdefault(countries, []).append(domain)
    for countries, domains in groups.items():
        sentences.append(_recurs_sentence(f, countries, domains))
    alone: dict[str, list[str]] = {}
    for domain, countries in beneficial.items():
        if len(countries) == 1:
            alone.setdefault(countries[0], []).append(domain)
    for country in sorted(alone, key=str.casefold):
        sentences.append(_alone_sentence(f, country, alone[country], measured))
    nowhere = [d for d in f.ev.domain_order if measured[d] and d not in beneficial]
    if nowhere:
        rows = f.findings[f.findings["domain"].isin(nowhere)]
        texts = {
            lang: t(
                lang,
                "No country's findings point to beneficial effects in {domains}.",
                domains=_nor_list(lang, [f.domain(d, lang) for d in nowhere], "in"),
            )
            for lang in i18n.LANGS
        }
        sentences.append(_say(texts["en"], texts["es"], _finding_refs(rows)))
    adverse = _countries_by_domain(f, "adverse")
    for domain, countries in adverse.items():
        n = len(countries)
        said = {
            lang: t(
                lang,
                "Adverse effects predominate in {domain} in cases from {countries}: {items}.",
                domain=f.domain(domain, lang),
                countries=count_noun(n, "country", lang),
                items=join_list([country_name(c, lang) for c in countries], lang),
            )
            for lang in i18n.LANGS
        }
        count = _count(n, "case_domain_verdicts", "distinct:country", domain=domain, verdict="adverse")
        sentences.append(
            _say(said["en"], said["es"], _verdict_refs(f, [domain], countries, "adverse"), [count])
        )
    unmeasured = [d for d in f.ev.domain_order if not measured[d]]
    if unmeasured:
        texts = {
            lang: t(
                lang,
                "No finding concerns {domains}.",
                domains=_nor_list(lang, [f.domain(d, lang) for d in unmeasured], "concerns"),
            )
            for lang in i18n.LANGS
        }
        sentences.append(_say(texts["en"], texts["es"], [Ref("domains.csv", (d,)) for d in unmeasured]))
    return sentences


def _recurs_sentence(f: _Facts, countries: tuple[str, ...], domains: list[str]) -> Sentence:
    """Beneficial effects found in the same two or more countries across these domains."""
    n, k = len(countries), len(domains)
    counts = [_count(n, "case_domain_verdicts", "distinct:country", domain=domains, verdict="beneficial")]
    if k > 1:
        counts.append(_count(k, "recurring_domains", countries=countries))
    texts = {}
    for lang in i18n.LANGS:
        names = join_list([country_name(c, lang) for c in countries], lang)
        listed = join_list([f.domain(d, lang) for d in domains], lang)
        where = f"{count_noun(k, 'domain', lang)}: {listed}" if k > 1 else listed
        texts[lang] = t(
            lang,
            "Beneficial effects recur in {countries} ({names}) in {where}.",
            countries=count_noun(n, "country", lang),
            names=names,
            where=where,
        )
    return _say(texts["en"], texts["es"], _verdict_refs(f, domains, countries, "beneficial"), counts)


def _alone_sentence(f: _Facts, country: str, domains: list[str], measured: dict[str, set[str]]) -> Sentence:
    """Domains where beneficial effects come from one country only, and whether others measured them."""
    others = {d: sorted(measured[d] - {country}, key=str.casefold) for d in domains}
    nobody_else = not any(others.values())
    texts = {}
    for lang in i18n.LANGS:
        listed = join_list([f.domain(d, lang) for d in domains], lang)
        name = country_name(country, lang)
        text = t(lang, "Beneficial effects in {domains} come from {name} alone", domains=listed, name=name)
        if nobody_else:
            text += tn(
                lang,
                "; no other country has findings in that domain",
                "; no other country has findings in these domains",
                len(domains),
            )
        else:
            also = [
                tn(
                    lang,
                    "{countries} measured {domain} without a beneficial verdict",
                    "{countries} measured {domain} without a beneficial verdict",
                    len(others[d]),
                    countries=join_list([country_name(c, lang) for c in others[d]], lang),
                    domain=f.domain(d, lang),
                )
                for d in domains
                if others[d]
            ]
            text += "; " + join_list(also, lang)
        texts[lang] = text + "."
    refs = _verdict_refs(f, domains, [country], "beneficial")
    refs += _finding_refs(f.findings[f.findings["domain"].isin(domains) & (f.findings["country"] != country)])
    return _say(texts["en"], texts["es"], refs)


# --------------------------------------------------------------------------- sign tests


def _sign_test_intro() -> Sentence:
    """What the sign test counts and which arms cannot vote."""
    share = round(aggregate.VERDICT_THRESHOLD * 100)
    count = _count(share, "constant", "verdict_threshold_percent")
    said = {
        lang: t(
            lang,
            "A sign test per domain counts the intervention arms whose findings point the "
            "same way (at least {share} of those with a direction agreeing) and asks "
            "whether beneficial arms outnumber adverse ones by more than chance would; "
            "arms with conflicting findings, no change or only outcomes of ambiguous "
            "desirability are reported but do not count.",
            share=_percent(share, lang),
        )
        for lang in i18n.LANGS
    }
    return _say(said["en"], said["es"], counts=[count])


def _unit_counts(row: pd.Series, lang: str, unit_noun: str) -> tuple[str, list[Count]]:
    """ "two arms beneficial, none adverse and one conflicting" for one sign-test row."""
    table = "sign_tests_" + row["unit"]
    where = {"domain": row["domain"]}
    n_ben = int(row["n_beneficial"])
    counts = []
    if n_ben:
        adjective = EFFECT_ADJECTIVES["beneficial"][lang][0 if n_ben == 1 else 1]
        first = f"{count_noun(n_ben, unit_noun, lang)} {adjective}"
        counts.append(_count(n_ben, table, "value:n_beneficial", **where))
    else:
        first = t(lang, "no {unit} beneficial", unit=noun(1, unit_noun, lang))
    parts = [first]
    for column, effect in (
        ("n_adverse", "adverse"),
        ("n_conflicting", "conflicting"),
        ("n_no_change", "no_change"),
        ("n_unclear", "unclear"),
    ):
        n = int(row[column])
        adjective = EFFECT_ADJECTIVES[effect][lang][0 if n == 1 else 1]
        if n:
            parts.append(f"{number_word(n, lang, 'm', before_noun=False)} {adjective}")
            counts.append(_count(n, table, f"value:{column}", **where))
        elif effect == "adverse":
            singular = EFFECT_ADJECTIVES[effect][lang][0]
            parts.append(t(lang, "none {singular}", singular=singular))
    return join_list(parts, lang), counts


def _sign_test_items(f: _Facts) -> list[Sentence]:
    """One list item per measured domain: arm verdicts, the p-value, and the case-level version if needed."""
    items = []
    for row, case_row in zip(
        (r for _, r in f.tests_arm.iterrows()), (r for _, r in f.tests_case.iterrows()), strict=True
    ):
        if row["n_units"] == 0:
            continue
        domain = row["domain"]
        rows = f.findings[f.findings["domain"] == domain]
        texts, counts = {}, []
        voting = int(row["n_beneficial"] + row["n_adverse"])
        for lang in i18n.LANGS:
            described, found = _unit_counts(row, lang, "arm")
            if voting:
                p_text, p_count = _p_value(row["p_value"], "p_value", "sign_tests_arm", lang, domain=domain)
                text = f"{f.domain(domain, lang)}: {described} ({p_text})."
                found.append(p_count)
            else:
                text = t(
                    lang,
                    "{domain}: {described}; no arm points the same way clearly, so there is no test.",
                    domain=f.domain(domain, lang),
                    described=described,
                )
            if voting and int(row["n_evaluations"]) < voting:
                extra, extra_counts = _case_level_text(f, domain, case_row, lang)
                text += " " + extra
                found += extra_counts
            texts[lang] = text
            if lang == i18n.LANGS[0]:  # the counts are the same in every language: keep one set
                counts = found
        items.append(_say(texts["en"], texts["es"], _finding_refs(rows), counts))
    return items


def _case_level_text(f: _Facts, domain: str, case_row: pd.Series, lang: str) -> tuple[str, list[Count]]:
    """Arms of one evaluation counted separately: which, and the test counting each evaluation once."""
    av = f.arm_verdicts
    voters = av[(av["domain"] == domain) & av["verdict"].isin(vocabulary.VOTING)]
    per_case = voters.groupby(["country", "case"], sort=False)["intervention"].nunique()
    repeated = per_case[per_case > 1]
    counts = []
    pieces = []
    for (country, case), n in repeated.items():
        where = {"domain": domain, "country": country, "case": case, "verdict": ["beneficial", "adverse"]}
        counts.append(_count(int(n), "effects_by_domain", "distinct:intervention", **where))
        arms = count_noun(int(n), "arm", lang)
        pieces.append(t(lang, "{arms} of {case}", arms=arms, case=_case_in_country(case, country, lang)))
    described, found = _unit_counts(case_row, lang, "case")
    counts += found
    k = int(sum(repeated))
    if case_row["n_beneficial"] + case_row["n_adverse"] > 0:
        p_text, p_count = _p_value(case_row["p_value"], "p_value", "sign_tests_case", lang, domain=domain)
        counts.append(p_count)
        result = f"{described} ({p_text})"
    else:
        result = t(lang, "{described}, and no test is possible", described=described)
    text = tn(
        lang,
        "Here {items} was counted separately; counting each evaluation once gives {result}.",
        "Here {items} were counted separately; counting each evaluation once gives {result}.",
        k,
        items=join_list(pieces, lang),
        result=result,
    )
    return text, counts


def _smallest_testable() -> int:
    """The fewest unanimous units with which a two-sided sign test can fall below ALPHA."""
    n = 1
    while aggregate.sign_test(n, 0)[0] >= ALPHA:
        n += 1
    return n


def _power_sentence(f: _Facts) -> Sentence | None:
    """The caution about power: how many arms a sign test needs, and which domains have fewer."""
    limit = _smallest_testable() - 1
    tested = f.tests_arm[(f.tests_arm["n_beneficial"] + f.tests_arm["n_adverse"]) > 0]
    if tested.empty:
        return None
    weak = list(tested.loc[(tested["n_beneficial"] + tested["n_adverse"]) <= limit, "domain"])
    counts = [_count(limit, "constant", "max_units_without_significance"), _count(ALPHA, "constant", "alpha")]
    if not weak:
        return _said(
            lambda lang: t(
                lang,
                "Every domain tested has more than {number} arms pointing the same way, so the "
                "test could detect a consistent direction; it still says nothing about the "
                "size of the effects.",
                number=number_word(limit, lang),
            ),
            counts=[counts[0]],
        )
    all_weak = len(weak) == len(tested)
    texts = {}
    for lang in i18n.LANGS:
        where = (
            (t(lang, "every domain tested here"))
            if all_weak
            else join_list([f.domain(d, lang) for d in weak], lang)
        )
        texts[lang] = t(
            lang,
            "With {number} or fewer arms pointing the same way, a sign test cannot reach p "
            "< {alpha} even when all of them agree. That is the case in {where}, so these "
            "tests have almost no power: a p-value above {alpha} does not show that the "
            "programmes have no effect, and the counts describe the evidence rather than "
            "prove an effect.",
            number=number_word(limit, lang),
            alpha=numbers.decimal(lang, ALPHA, 2),
            where=where,
        )
    return _say(texts["en"], texts["es"], counts=[*counts, _count(ALPHA, "constant", "alpha")])


# --------------------------------------------------------------------------- evidence gaps across countries


def _country_gap_sentences(f: _Facts) -> list[Sentence]:
    """Countries with no impact evaluation at all: named as evidence gaps and left out of the comparison."""
    sentences = []
    for country in f.countries:
        gaps = f.gap_cases(country)
        if f.evaluated_cases(country) or not gaps:
            continue
        inst = f.ev.institutional
        rows = f.part("institutional", country=country) if inst is not None else None
        has_institutional = rows is not None and not rows.empty
        refs = [_case_ref(country, c) for c in gaps]
        if has_institutional:
            refs += _institutional_refs(rows)
        g = len(gaps)
        texts = {}
        for lang in i18n.LANGS:
            slots = {"name": country_name(country, lang), "cases": join_list([escape(c) for c in gaps], lang)}
            if has_institutional:
                texts[lang] = tn(
                    lang,
                    "{name} has no reported impact results in these data: its case {cases} has an "
                    "institutional analysis but no reported effects, so {name} is an evidence gap and "
                    "does not enter the comparisons above.",
                    "{name} has no reported impact results in these data: its cases {cases} have an "
                    "institutional analysis but no reported effects, so {name} is an evidence gap and "
                    "does not enter the comparisons above.",
                    g,
                    **slots,
                )
            else:
                texts[lang] = tn(
                    lang,
                    "{name} has no reported impact results in these data: its case {cases} reports no "
                    "effects, so {name} is an evidence gap and does not enter the comparisons above.",
                    "{name} has no reported impact results in these data: its cases {cases} report no "
                    "effects, so {name} is an evidence gap and does not enter the comparisons above.",
                    g,
                    **slots,
                )
        sentences.append(_say(texts["en"], texts["es"], refs))
    return sentences
