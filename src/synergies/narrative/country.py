"""One country's section: its cases, what their findings show by domain, and its institutions."""

from __future__ import annotations

import pandas as pd

from synergies import i18n, vocabulary
from synergies.narrative.arms import _arm_comparison_sentences
from synergies.narrative.facts import _case_ref, _Facts, _finding_refs, _institutional_refs, country_name
from synergies.narrative.model import (
    Count,
    Paragraph,
    Ref,
    Section,
    Sentence,
    _count,
    _nor_list,
    _say,
    escape,
)
from synergies.narrative.phrases import EFFECT_ADJECTIVES, MAX_LISTED, VERDICT_VERBS
from synergies.text import t, tn, tp
from synergies.text.grammar import (
    capitalise,
    count_noun,
    join_list,
    number_word,
)

# =========================================================================== one country


def _country_section(f: _Facts, country: str) -> Section:
    """A country's cases, what their findings show, single versus combined, and institutions."""
    paragraphs = [Paragraph(tuple(_case_sentences(f, country)))]
    if f.evaluated_cases(country):
        paragraphs.append(Paragraph(tuple(_findings_sentences(f, country))))
        paragraphs.append(Paragraph(tuple(_arm_comparison_sentences(f, country))))
    institutional = _institutional_country_sentences(f, country)
    if institutional:
        paragraphs.append(Paragraph(tuple(institutional)))
    title = {lang: country_name(country, lang) for lang in i18n.LANGS}
    return Section(country, title, tuple(paragraphs))


def _programme_items(f: _Facts, country: str, case: str, lang: str) -> tuple[list[str], list[Ref]]:
    """The programmes of a case as "Name (sector)" items, with the programme rows they rest on."""
    cases = f.ev.cases
    if "programmes" not in cases.columns:
        return [], []
    if "programmes" not in f._groups:
        keys = zip(cases["country"], cases["case"], strict=True)
        f._groups["programmes"] = dict(zip(keys, cases["programmes"], strict=True))
        progs = f.ev.programmes
        pairs = (
            zip(progs["country"], progs["programme"], progs["sector"], strict=True)
            if progs is not None
            else ()
        )
        f._groups["sectors"] = {(c, p): sector for c, p, sector in pairs}
    listed = f._groups["programmes"].get((country, case), "")
    names = [p.strip() for p in str(listed).split(";") if p.strip()]
    sectors = f._groups["sectors"]
    items, refs = [], []
    for name in names:
        if (country, name) in sectors:
            items.append(f"{escape(name)} ({i18n.word(sectors[(country, name)], lang)})")
            refs.append(Ref("programmes.csv", (country, name)))
        else:
            items.append(escape(name))
    return items, refs


def _case_phrase(f: _Facts, country: str, case: str, lang: str) -> tuple[str, list[Ref]]:
    """A case's name and, when known, the programmes it brings together."""
    items, refs = _programme_items(f, country, case, lang)
    name = escape(case)
    if len(items) >= 2:
        joined = join_list(items, lang)
        return (t(lang, "{name}, which brings together {joined}", name=name, joined=joined)), refs
    if len(items) == 1:
        return (t(lang, "{name}, built on {programme}", name=name, programme=items[0])), refs
    return name, refs


def _case_sentences(f: _Facts, country: str) -> list[Sentence]:
    """Which cases a country has, their programmes and sectors, and which lack impact results."""
    evaluated, gaps = f.evaluated_cases(country), f.gap_cases(country)
    sentences = []
    if evaluated:
        k = len(evaluated)
        texts = {}
        refs: list[Ref] = [_case_ref(country, c) for c in evaluated]
        for lang in i18n.LANGS:
            phrases = []
            for case in evaluated:
                phrase, prog_refs = _case_phrase(f, country, case, lang)
                phrases.append(phrase)
                refs += prog_refs
            what = count_noun(k, "evaluated_case", lang)
            verb = t(lang, "has")
            lead = ", " if k == 1 else ": "
            texts[lang] = f"{country_name(country, lang)} {verb} {what}{lead}{join_list(phrases, lang)}."
        count = _count(k, "findings", "distinct:case", country=country)
        sentences.append(_say(texts["en"], texts["es"], refs, [count]))
    if gaps:
        sentences.append(_gap_case_sentence(f, country, gaps, also=bool(evaluated)))
    return sentences


def _gap_case_sentence(f: _Facts, country: str, gaps: list[str], also: bool) -> Sentence:
    """Cases of a country with no impact results: named as evidence gaps."""
    g = len(gaps)
    refs: list[Ref] = [_case_ref(country, c) for c in gaps]
    texts = {}
    for lang in i18n.LANGS:
        phrases = []
        for case in gaps:
            phrase, prog_refs = _case_phrase(f, country, case, lang)
            phrases.append(phrase)
            refs += prog_refs
        joined = join_list(phrases, lang)
        name = country_name(country, lang)
        what = count_noun(g, "case", lang)
        if also:
            texts[lang] = tn(
                lang,
                "It also has {what} with no reported impact results, {joined}: an evidence gap.",
                "It also has {what} with no reported impact results, {joined}: evidence gaps.",
                g,
                what=what,
                joined=joined,
            )
        else:
            texts[lang] = tn(
                lang,
                "{name} has {what}, {joined}, but no impact results are reported for it, so it is an "
                "evidence gap.",
                "{name} has {what}, {joined}, but no impact results are reported for them, so they are "
                "evidence gaps.",
                g,
                name=name,
                what=what,
                joined=joined,
            )
    count = _count(g, "evidence_gaps", kind="case_without_findings", country=country)
    return _say(texts["en"], texts["es"], refs, [count])


def _findings_sentences(f: _Facts, country: str) -> list[Sentence]:
    """How many findings in which domains, what they point to, and the adverse and unclear ones."""
    sentences = [_findings_count_sentence(f, country)]
    sentences += _domain_verdict_sentences(f, country)
    for effect in ("adverse", "unclear", "no_change"):
        sentence = _effect_detail_sentence(f, country, effect)
        if sentence:
            sentences.append(sentence)
    return sentences


def _findings_count_sentence(f: _Facts, country: str) -> Sentence:
    """ "Its evaluation reports N findings in K domains: A (n); ...; none on X or Y." """
    rows = f.country_findings(country)
    domains = f.domain_rank(rows["domain"])
    n, k = len(rows), len(domains)
    unmeasured = list(f.part("gaps", kind="domain_not_measured", country=country).get("domain", []))
    several = len(f.evaluated_cases(country)) > 1
    counts = [
        _count(n, "findings", country=country),
        _count(k, "findings", "distinct:domain", country=country),
    ]
    per_domain = {d: int((rows["domain"] == d).sum()) for d in domains}
    if k > 1:
        counts += [_count(v, "findings", country=country, domain=d) for d, v in per_domain.items()]
    texts = {}
    for lang in i18n.LANGS:
        listed = join_list(
            [
                f"{f.domain(d, lang)} ({number_word(v, lang, 'm', before_noun=False)})"
                for d, v in per_domain.items()
            ],
            lang,
        )
        where = f": {listed}" if k > 1 else f", {f.domain(domains[0], lang)}"
        slots = {"findings": count_noun(n, "finding", lang), "domains": count_noun(k, "domain", lang)}
        if several:
            text = t(lang, "Their evaluations report {findings} in {domains}{where}", where=where, **slots)
        else:
            text = t(lang, "Its evaluation reports {findings} in {domains}{where}", where=where, **slots)
        if unmeasured:
            listed = _nor_list(lang, [f.domain(d, lang) for d in unmeasured], "on")
            text += t(lang, "; there are no findings on {domains}", domains=listed)
        texts[lang] = text + "."
    return _say(texts["en"], texts["es"], _finding_refs(rows), counts)


def _effect_breakdown(tally: dict[str, int], lang: str, where: dict[str, str]) -> tuple[str, list[Count]]:
    """ "two beneficial and one adverse" from findings counted by effect, with the counts it states."""
    parts, counts = [], []
    for effect in vocabulary.EFFECTS:
        n = int(tally.get(effect, 0))
        if n:
            adjective = EFFECT_ADJECTIVES[effect][lang][0 if n == 1 else 1]
            parts.append(f"{number_word(n, lang, 'm', before_noun=False)} {adjective}")
            counts.append(_count(n, "findings", effect=effect, **where))
    return join_list(parts, lang), counts


def _domain_verdict_sentences(f: _Facts, country: str) -> list[Sentence]:
    """Domains where the country's cases agree on a verdict, then domains where they do not."""
    table = f.part("country_verdicts", country=country)
    rows = f.country_findings(country)
    k = len(table)
    sentences = []
    for verdict in vocabulary.DISCERNIBLE:
        domains = list(table.loc[table["verdict"] == verdict, "domain"])
        if not domains:
            continue
        refs = _finding_refs(rows[rows["domain"].isin(domains) & (rows["effect"] == verdict)])
        counts = []
        texts = {}
        for lang in i18n.LANGS:
            if len(domains) == k and k > 1:
                where = t(lang, "all {number} domains", number=number_word(k, lang))
            else:
                where = join_list([f.domain(d, lang) for d in domains], lang)
            one = len(rows) == 1
            verb = VERDICT_VERBS[verdict][lang][0 if one else 1]
            texts[lang] = tn(
                lang,
                "Its only finding {verb} in {where}.",
                "The findings {verb} in {where}.",
                len(rows),
                verb=verb,
                where=where,
            )
        if len(domains) == k and k > 1:
            counts.append(_count(k, "country_domain_verdicts", country=country))
        sentences.append(_say(texts["en"], texts["es"], refs, counts))
    unclear = list(table.loc[table["verdict"] == "unclear", "domain"])
    if unclear:
        texts = {
            lang: t(
                lang,
                "In {domains}, every change concerns an outcome of ambiguous desirability, so the "
                "direction of the effect cannot be judged.",
                domains=join_list([f.domain(d, lang) for d in unclear], lang),
            )
            for lang in i18n.LANGS
        }
        sentences.append(_say(texts["en"], texts["es"], _finding_refs(rows[rows["domain"].isin(unclear)])))
    for domain in table.loc[table["verdict"].isin(["conflicting", "mixed"]), "domain"]:
        sentences.append(_split_domain_sentence(f, country, domain))
    return sentences


def _arm_subject(arm: str, case: str, lang: str) -> str:
    """The arm whose result a clause reports, never its case: 'PPP', or 'FEST (an arm of FEST + UNIDOS)'."""
    if arm == case:
        return escape(arm)
    return t(lang, "{arm} (an arm of {case})", arm=escape(arm), case=escape(case))


def _split_domain_sentence(f: _Facts, country: str, domain: str) -> Sentence:
    """A domain where findings conflict or the country's cases disagree: what each arm shows.

    Each clause names the arm whose findings it reports: a case's name would attribute one arm's
    result to the case, or to its other arms.
    """
    arms = f.part("arm_verdicts", country=country, domain=domain)
    rows = f.part("findings", country=country, domain=domain)
    counts: list[Count] = []
    texts = {}
    records = list(arms.itertuples())  # once for every language: itertuples has a fixed cost per call
    for lang in i18n.LANGS:
        clauses = []
        for r in records:
            clause = f"{_arm_subject(r.intervention, r.case, lang)} {VERDICT_VERBS[r.verdict][lang][0]}"
            if r.verdict == "conflicting":
                tally = {e: getattr(r, e) for e in vocabulary.EFFECTS}
                breakdown, found = _effect_breakdown(
                    tally,
                    lang,
                    {"country": country, "case": r.case, "intervention": r.intervention, "domain": domain},
                )
                clause += f" ({breakdown})"
                if lang == i18n.LANGS[0]:  # the counts are the same in every language: keep one set
                    counts += found
            clauses.append(clause)
        prefix = t(lang, "In")
        texts[lang] = f"{prefix} {f.domain(domain, lang)}, {join_list(clauses, lang)}."
    return _say(texts["en"], texts["es"], _finding_refs(rows), counts)


def _change_groups(f: _Facts, rows: pd.DataFrame) -> list[tuple[str, str, list[str], bool]]:
    """(outcome, direction, interventions, contested) for each outcome and direction among `rows`.

    Grouped once per sentence and worded in each language by `_change_items`.
    """
    order = {o: i for i, o in enumerate(f.ev.outcomes["outcome"])}
    groups = rows.groupby(["outcome", "direction"], sort=False)["intervention"]
    disputed = set(rows.loc[rows["contested"].astype(bool), "outcome"]) if "contested" in rows else set()
    return [
        (outcome, direction, sorted(set(interventions), key=str.casefold), outcome in disputed)
        for (outcome, direction), interventions in sorted(
            groups, key=lambda g: (order.get(g[0][0], 0), g[0][1])
        )
    ]


def _change_items(
    f: _Facts, rows: pd.DataFrame, lang: str, groups: list[tuple[str, str, list[str], bool]] | None = None
) -> list[str]:
    """ "an increase in X under A and B" for each outcome and direction among `rows`."""
    items = []
    for outcome, direction, interventions, contested in (
        groups if groups is not None else _change_groups(f, rows)
    ):
        names = [escape(a) for a in interventions]
        mark = " " + t(lang, "(its direction is contested by another source)") if contested else ""
        if len(names) == 2:
            arms = t(lang, "both {first} and {second}", first=names[0], second=names[1])
        else:
            arms = tp(lang, "the interventions a change came under", "{arms}", arms=join_list(names, lang))
        change = {"increase": t(lang, "an increase"), "decrease": t(lang, "a decrease")}.get(
            direction, tp(lang, "the change in an outcome", "no change")
        )
        items.append(
            t(
                lang,
                "{change} in the outcome {outcome} under {arms}",
                change=change,
                outcome=f.outcome(outcome, lang),
                arms=arms,
            )
            + mark
        )
    return items


def _domain_counts(f: _Facts, rows: pd.DataFrame, lang: str) -> str:
    """ "A (three) and B (one)": findings per domain among `rows`."""
    domains = f.domain_rank(rows["domain"])
    if len(domains) == 1:
        return f.domain(domains[0], lang)
    return join_list(
        [
            f"{f.domain(d, lang)} ({number_word(int((rows['domain'] == d).sum()), lang, before_noun=False)})"
            for d in domains
        ],
        lang,
    )


def _effect_detail_sentence(f: _Facts, country: str, effect: str) -> Sentence | None:
    """The adverse, unclear or no-change findings of a country, spelled out when few, else counted."""
    rows = f.part("findings", country=country, effect=effect)
    n = len(rows)
    if not n:
        return None
    counts = [_count(n, "findings", country=country, effect=effect)]
    groups = _change_groups(f, rows) if effect != "no_change" else None
    detailed = groups is not None and len(groups) <= MAX_LISTED
    if not detailed and rows["domain"].nunique() > 1:
        counts += [
            _count(int((rows["domain"] == d).sum()), "findings", country=country, effect=effect, domain=d)
            for d in f.domain_rank(rows["domain"])
        ]
    texts = {}
    for lang in i18n.LANGS:
        number = capitalise(number_word(n, lang, "m"))
        detail = (
            join_list(_change_items(f, rows, lang, groups), lang)
            if detailed
            else _domain_counts(f, rows, lang)
        )
        texts[lang] = _effect_detail_text(effect, n, number, detail, detailed, lang)
    return _say(texts["en"], texts["es"], _finding_refs(rows), counts)


def _effect_detail_text(effect: str, n: int, number: str, detail: str, detailed: bool, lang: str) -> str:
    """The wording of one effect-detail sentence."""
    where = ": " + detail if detailed else t(lang, ", in {place}", place=detail)
    if effect == "adverse":
        return tn(
            lang,
            "{number} finding is adverse{where}.",
            "{number} findings are adverse{where}.",
            n,
            number=number,
            where=where,
        )
    if effect == "unclear":
        return tn(
            lang,
            "{number} change cannot be judged, because the codebook marks the desirable direction of its "
            "outcome as ambiguous{where}.",
            "{number} changes cannot be judged, because the codebook marks the desirable direction of their "
            "outcomes as ambiguous{where}.",
            n,
            number=number,
            where=where,
        )
    return tn(
        lang,
        "{number} finding shows no change{where}.",
        "{number} findings show no change{where}.",
        n,
        number=number,
        where=where,
    )


# --------------------------------------------------------------------------- institutions of a country


def _role_records(rows: pd.DataFrame) -> list:
    """A case's institutional rows as tuples, taken from the frame once for every language."""
    return list(rows[["country", "case", "factor", "level", "assessment"]].itertuples(index=False))


def _roles(
    f: _Facts, rows: pd.DataFrame, lang: str, records: list | None = None
) -> tuple[list[str], list[Count]]:
    """ "two enablers, A (national) and B (local)" per assessment, for a case's institutional rows."""
    parts, counts = [], []
    records = _role_records(rows) if records is None else records
    for assessment in vocabulary.ASSESSMENTS:
        mine = [r for r in records if r.assessment == assessment]
        if not mine:
            continue
        n = len(mine)
        factors = [f"{f.factor(r.factor, lang)} ({i18n.word(r.level, lang)})" for r in mine]
        parts.append(f"{count_noun(n, assessment, lang)}, {join_list(factors, lang)}")
        counts.append(
            _count(n, "institutional", country=mine[0].country, case=mine[0].case, assessment=assessment)
        )
    return parts, counts


def _sorted_institutional(f: _Facts, rows: pd.DataFrame) -> pd.DataFrame:
    """Institutional rows in factor-vocabulary order, then by level and factor key."""
    order = list(f.ev.factors["factor"]) if f.ev.factors is not None else []
    rank = {k: i for i, k in enumerate(order)}
    work = rows.assign(
        _rank=rows["factor"].map(rank).fillna(len(rank)),
        _level=rows["level"].map({"national": 0, "local": 1}),
        _name=rows["factor"].str.casefold(),
    )
    work = work.sort_values(["_rank", "_level", "_name"], kind="stable")
    return work.drop(columns=["_rank", "_level", "_name"])


def _institutional_country_sentences(f: _Facts, country: str) -> list[Sentence]:
    """Per case: the enablers, barriers and mixed factors its institutional analysis names."""
    inst = f.ev.institutional
    if inst is None:
        return []
    mine = _sorted_institutional(f, f.part("institutional", country=country))
    by_case = dict(list(mine.groupby("case", sort=False)))
    sentences = []
    for case in sorted(by_case, key=str.casefold):
        rows = by_case[case]
        texts, counts = {}, []
        records = _role_records(rows)
        for lang in i18n.LANGS:
            parts, found = _roles(f, rows, lang, records)
            counts = found
            verb = t(lang, "names")
            head = t(lang, "The institutional analysis of")
            texts[lang] = f"{head} {escape(case)} {verb} {join_list(parts, lang)}."
        sentences.append(_say(texts["en"], texts["es"], _institutional_refs(rows), counts))
    return sentences
