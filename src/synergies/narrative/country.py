"""One country's section: its cases, what their findings show by domain, and its institutions.

Each sentence is a typed-slot body (`slots`): numbers are `Num` slots carrying their Count, lists
`Items`, labels `Label`; the text is rendered per language at render time.

The sentences draw on tallies made in one pass over each table (findings, verdicts, institutional
rows) the first time a country asks, stored in `f._groups` under "country.*" keys: a section then
reads plain dicts, and 200 countries cost 200 dict lookups rather than 200 filters of every table.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd

from synergies import i18n, vocabulary
from synergies.narrative.arms import _arm_comparison_sentences, _evaluated_cases, _verb
from synergies.narrative.facts import _Facts
from synergies.narrative.model import Count, Paragraph, Ref, Section, Sentence, _count, nor_items
from synergies.narrative.phrases import EFFECT_ADJECTIVES, MAX_LISTED
from synergies.narrative.refs import RefSet
from synergies.narrative.slots import (
    Cap,
    Country,
    Data,
    Markup,
    Msg,
    Num,
    Seq,
    Slot,
    Word,
    items,
    msg,
    msgn,
    msgnp,
    msgp,
    render,
)
from synergies.narrative.tally import NO_FINDINGS, findings_tally

# =========================================================================== tallies, made once


def _country_tally(f: _Facts, country: str) -> dict:
    """The findings tally of one country (see `tally.findings_tally`)."""
    return findings_tally(f).get(country, NO_FINDINGS)


def _refs(f: _Facts, *numbers: Iterable[int]) -> RefSet:
    """The findings with these citation numbers, as a row set."""
    merged = [n for part in numbers for n in part]
    return RefSet(f.rows, {"findings.csv": np.asarray(merged, dtype=np.int64)})


def _by_country(f: _Facts, name: str, frame: pd.DataFrame | None, columns: tuple[str, ...]) -> dict:
    """country → the rows of `frame` as tuples of `columns`, in table order, from one pass (cached)."""
    key = f"country.{name}"
    if key not in f._groups:
        grouped: dict[str, list[tuple]] = {}
        if frame is not None and not frame.empty:
            for row in zip(*(frame[c].tolist() for c in columns), strict=True):
                grouped.setdefault(row[0], []).append(row[1:])
        f._groups[key] = grouped
    return f._groups[key]


def _country_verdicts(f: _Facts, country: str) -> list[tuple[str, str]]:
    """(domain, verdict) of each domain of a country, in the verdict table's order."""
    return _by_country(f, "verdicts", f.country_verdicts, ("country", "domain", "verdict")).get(country, [])


def _arm_verdicts(f: _Facts, country: str, domain: str) -> list[tuple]:
    """(intervention, case, verdict, {effect: findings}) of each arm of a country in one domain."""
    key = "country.arm_verdicts"
    if key not in f._groups:
        table = f.arm_verdicts
        grouped: dict[tuple[str, str], list[tuple]] = {}
        if not table.empty:
            columns = ("country", "domain", "intervention", "case", "verdict", *vocabulary.EFFECTS)
            for row in zip(*(table[c].tolist() for c in columns), strict=True):
                tally = dict(zip(vocabulary.EFFECTS, row[5:], strict=True))
                grouped.setdefault((row[0], row[1]), []).append((row[2], row[3], row[4], tally))
        f._groups[key] = grouped
    return f._groups[key].get((country, domain), [])


def _unmeasured_domains(f: _Facts, country: str) -> list[str]:
    """The domains the evidence-gap table lists as not measured in a country."""
    key = "country.unmeasured"
    if key not in f._groups:
        gaps = f.gaps
        grouped: dict[str, list[str]] = {}
        if not gaps.empty and {"kind", "domain"} <= set(gaps.columns):
            for kind, c, domain in zip(
                gaps["kind"].tolist(), gaps["country"].tolist(), gaps["domain"].tolist(), strict=True
            ):
                if kind == "domain_not_measured":
                    grouped.setdefault(c, []).append(domain)
        f._groups[key] = grouped
    return f._groups[key].get(country, [])


# =========================================================================== one country


def _country_section(f: _Facts, country: str) -> Section:
    """A country's cases, what their findings show, single versus combined, and institutions."""
    paragraphs = [Paragraph(tuple(_case_sentences(f, country)))]
    if _evaluated_cases(f, country):
        paragraphs.append(Paragraph(tuple(_findings_sentences(f, country))))
        paragraphs.append(Paragraph(tuple(_arm_comparison_sentences(f, country))))
    institutional = _institutional_country_sentences(f, country)
    if institutional:
        paragraphs.append(Paragraph(tuple(institutional)))
    name = Country(country)  # a Section's title is a text per language (model.Section), not a body
    return Section(country, {lang: render(name, lang) for lang in i18n.LANGS}, tuple(paragraphs))


def _programme_items(f: _Facts, country: str, case: str) -> tuple[list[Slot], list[Ref]]:
    """The programmes of a case as "Name (sector)" items, with the programme rows they rest on."""
    cases = f.ev.cases
    if "programmes" not in cases.columns:
        return [], []
    if "country.programmes" not in f._groups:
        keys = zip(cases["country"], cases["case"], strict=True)
        f._groups["country.programmes"] = dict(zip(keys, cases["programmes"], strict=True))
        progs = f.ev.programmes
        pairs = (
            zip(progs["country"], progs["programme"], progs["sector"], strict=True)
            if progs is not None
            else ()
        )
        f._groups["country.sectors"] = {(c, p): sector for c, p, sector in pairs}
    listed = f._groups["country.programmes"].get((country, case), "")
    names = [p.strip() for p in str(listed).split(";") if p.strip()]
    sectors = f._groups["country.sectors"]
    found: list[Slot] = []
    refs: list[Ref] = []
    for name in names:
        if (country, name) in sectors:
            sector = Word(sectors[(country, name)])
            found.append(
                msgp(
                    "a programme and its sector",
                    "{programme} ({sector})",
                    programme=Data(name),
                    sector=sector,
                )
            )
            refs.append(Ref("programmes.csv", (country, name)))
        else:
            found.append(Data(name))
    return found, refs


def _case_phrase(f: _Facts, country: str, case: str) -> tuple[Slot, list[Ref]]:
    """A case's name and, when known, the programmes it brings together."""
    programmes, refs = _programme_items(f, country, case)
    name = Data(case)
    if len(programmes) >= 2:
        return msg("{name}, which brings together {joined}", name=name, joined=items(programmes)), refs
    if len(programmes) == 1:
        return msg("{name}, built on {programme}", name=name, programme=programmes[0]), refs
    return name, refs


def _case_phrases(f: _Facts, country: str, cases: list[str]) -> tuple[list[Slot], list[Ref]]:
    """The phrase of each case, and the case and programme rows they rest on."""
    phrases: list[Slot] = []
    refs: list[Ref] = [Ref("cases.csv", (country, c)) for c in cases]
    for case in cases:
        phrase, prog_refs = _case_phrase(f, country, case)
        phrases.append(phrase)
        refs += prog_refs
    return phrases, refs


def _case_sentences(f: _Facts, country: str) -> list[Sentence]:
    """Which cases a country has, their programmes and sectors, and which lack impact results."""
    evaluated, gaps = _evaluated_cases(f, country), f.gap_cases(country)
    sentences = []
    if evaluated:
        phrases, refs = _case_phrases(f, country, evaluated)
        count = _count(len(evaluated), "findings", "distinct:case", country=country)
        body = msgn(
            "{country} has {cases}, {phrases}.",
            "{country} has {cases}: {phrases}.",
            "cases",
            country=Country(country),
            cases=Num(count, "word", "evaluated_case"),
            phrases=items(phrases),
        )
        sentences.append(f.say(body, refs))
    if gaps:
        sentences.append(_gap_case_sentence(f, country, gaps, also=bool(evaluated)))
    return sentences


def _gap_case_sentence(f: _Facts, country: str, gaps: list[str], also: bool) -> Sentence:
    """Cases of a country with no impact results: named as evidence gaps."""
    phrases, refs = _case_phrases(f, country, gaps)
    count = _count(len(gaps), "evidence_gaps", kind="case_without_findings", country=country)
    what, joined = Num(count, "word", "case"), items(phrases)
    if also:
        body = msgn(
            "It also has {what} with no reported impact results, {joined}: an evidence gap.",
            "It also has {what} with no reported impact results, {joined}: evidence gaps.",
            "what",
            what=what,
            joined=joined,
        )
    else:
        body = msgn(
            "{name} has {what}, {joined}, but no impact results are reported for it, so it is an "
            "evidence gap.",
            "{name} has {what}, {joined}, but no impact results are reported for them, so they are "
            "evidence gaps.",
            "what",
            name=Country(country),
            what=what,
            joined=joined,
        )
    return f.say(body, refs)


def _findings_sentences(f: _Facts, country: str) -> list[Sentence]:
    """How many findings in which domains, what they point to, and the adverse and unclear ones."""
    sentences = [_findings_count_sentence(f, country)]
    sentences += _domain_verdict_sentences(f, country)
    for effect in ("adverse", "unclear", "no_change"):
        sentence = _effect_detail_sentence(f, country, effect)
        if sentence:
            sentences.append(sentence)
    return sentences


def _domain_count(f: _Facts, domain: str, n: int, **where: str) -> Msg:
    """ "*Domain* (three)": a domain and its number of findings."""
    number = Num(_count(n, "findings", domain=domain, **where), "word", alone=True)
    return msgp(
        "a domain and its number of findings", "{domain} ({n})", domain=f.label("domain", domain), n=number
    )


def _findings_count_sentence(f: _Facts, country: str) -> Sentence:
    """ "Its evaluation reports N findings in K domains: A (n); ...; none on X or Y." """
    tally = _country_tally(f, country)
    by_domain = tally["domains"]
    domains = f.domain_rank(by_domain)
    n, k = len(tally["ids"]), len(domains)
    findings = Num(_count(n, "findings", country=country), "word", "finding")
    in_domains = Num(_count(k, "findings", "distinct:domain", country=country), "word", "domain")
    if k > 1:
        listed = items(_domain_count(f, d, len(by_domain[d]), country=country) for d in domains)
        where: Slot = Seq((Markup(": "), listed))
    else:
        where = Seq((Markup(", "), f.label("domain", domains[0])))
    slots = {"findings": findings, "domains": in_domains, "where": where}
    if len(_evaluated_cases(f, country)) > 1:
        head = msg("Their evaluations report {findings} in {domains}{where}", **slots)
    else:
        head = msg("Its evaluation reports {findings} in {domains}{where}", **slots)
    parts: list[Slot] = [head]
    unmeasured = _unmeasured_domains(f, country)
    if unmeasured:
        listed_nor = nor_items((f.label("domain", d) for d in unmeasured), "on")
        parts.append(msg("; there are no findings on {domains}", domains=listed_nor))
    parts.append(Markup("."))
    return f.say(Seq(tuple(parts)), _refs(f, tally["ids"]))


@functools.cache  # a Msg is immutable: thousands of breakdowns share the few there are
def _adjective(effect: str, n: int) -> Msg:
    """How findings of this effect are described ("beneficial"), agreeing with `n` findings."""
    singular, plural = EFFECT_ADJECTIVES[effect]["en"]
    return msgnp("describing findings by effect", singular, plural, n)


_EFFECT_FILTERS = {effect: ("effect", (effect,)) for effect in vocabulary.EFFECTS}


def _effect_breakdown(tally: dict[str, int], where: dict[str, str]) -> Slot:
    """ "two beneficial and one adverse" from findings counted by effect.

    Each number's Count is what `_count(n, "findings", effect=effect, **where)` makes, built from
    `where`'s pairs normalised once rather than once per effect (a country has thousands of these).
    """
    base = sorted((column, (str(value),)) for column, value in where.items())
    at = bisect.bisect(base, ("effect",))  # where the effect filter goes among the sorted filters
    before, after = tuple(base[:at]), tuple(base[at:])
    parts = []
    for effect in vocabulary.EFFECTS:
        n = int(tally.get(effect, 0))
        if n:
            count = Count(n, "findings", "rows", (*before, _EFFECT_FILTERS[effect], *after))
            parts.append(
                msgp(
                    "a number of findings described by their effect",
                    "{n} {effect}",
                    n=Num(count, "word", alone=True),
                    effect=_adjective(effect, n),  # the plural form agrees with the number stated
                )
            )
    return items(parts)


def _domain_verdict_sentences(f: _Facts, country: str) -> list[Sentence]:
    """Domains where the country's cases agree on a verdict, then domains where they do not."""
    table = _country_verdicts(f, country)
    tally = _country_tally(f, country)
    n_rows = len(tally["ids"])
    k = len(table)
    sentences = []
    for verdict in vocabulary.DISCERNIBLE:
        domains = [d for d, v in table if v == verdict]
        if not domains:
            continue
        of_effect = tally["domain_effect"]
        refs = _refs(f, *(of_effect.get((d, verdict), ()) for d in domains))
        if len(domains) == k and k > 1:
            number = Num(_count(k, "country_domain_verdicts", country=country), "word")
            where: Slot = msg("all {number} domains", number=number)
        else:
            where = items(f.label("domain", d) for d in domains)
        body = msgn(
            "Its only finding {verb} in {where}.",
            "The findings {verb} in {where}.",
            n_rows,
            verb=_verb(verdict, n_rows),
            where=where,
        )
        sentences.append(f.say(body, refs))
    unclear = [d for d, v in table if v == "unclear"]
    if unclear:
        body = msg(
            "In {domains}, every change concerns an outcome of ambiguous desirability, so the "
            "direction of the effect cannot be judged.",
            domains=items(f.label("domain", d) for d in unclear),
        )
        sentences.append(f.say(body, _refs(f, *(tally["domains"].get(d, ()) for d in unclear))))
    for domain, verdict in table:
        if verdict in ("conflicting", "mixed"):
            sentences.append(_split_domain_sentence(f, country, domain))
    return sentences


def _arm_subject(arm: str, case: str) -> Slot:
    """The arm whose result a clause reports, never its case: 'PPP', or 'FEST (an arm of FEST + UNIDOS)'."""
    if arm == case:
        return Data(arm)
    return msg("{arm} (an arm of {case})", arm=Data(arm), case=Data(case))


def _split_domain_sentence(f: _Facts, country: str, domain: str) -> Sentence:
    """A domain where findings conflict or the country's cases disagree: what each arm shows.

    Each clause names the arm whose findings it reports: a case's name would attribute one arm's
    result to the case, or to its other arms.
    """
    clauses: list[Slot] = []
    for intervention, case, verdict, tally in _arm_verdicts(f, country, domain):
        subject, verb = _arm_subject(intervention, case), _verb(verdict, 1)
        if verdict == "conflicting":
            where = {"country": country, "case": case, "intervention": intervention, "domain": domain}
            breakdown = _effect_breakdown(tally, where)
            clauses.append(
                msgp(
                    "an arm and what its findings in a domain show",
                    "{arm} {verb} ({breakdown})",
                    arm=subject,
                    verb=verb,
                    breakdown=breakdown,
                )
            )
        else:
            clauses.append(
                msgp("an arm and what its findings in a domain show", "{arm} {verb}", arm=subject, verb=verb)
            )
    body = msg("In {domain}, {clauses}.", domain=f.label("domain", domain), clauses=items(clauses))
    return f.say(body, _refs(f, _country_tally(f, country)["domains"].get(domain, ())))


def _change_groups(f: _Facts, changes: dict, disputed: set) -> list[tuple[str, str, list[str], bool]]:
    """(outcome, direction, interventions, contested) for each outcome and direction of a tally.

    In codebook outcome order, then by direction; outcomes outside the codebook first, as found.
    """
    if "country.outcome_order" not in f._groups:
        f._groups["country.outcome_order"] = {o: i for i, o in enumerate(f.ev.outcomes["outcome"])}
    order = f._groups["country.outcome_order"]
    return [
        (outcome, direction, sorted(set(interventions), key=str.casefold), outcome in disputed)
        for (outcome, direction), interventions in sorted(
            changes.items(), key=lambda g: (order.get(g[0][0], 0), g[0][1])
        )
    ]


_CHANGES: dict[str, Callable[[], Msg]] = {
    "increase": lambda: msg("an increase"),
    "decrease": lambda: msg("a decrease"),
}


def _change_item(f: _Facts, outcome: str, direction: str, interventions: list[str], contested: bool) -> Slot:
    """ "an increase in the outcome X under A and B", marked when another source contests it."""
    names = [Data(a) for a in interventions]
    if len(names) == 2:
        arms: Slot = msg("both {first} and {second}", first=names[0], second=names[1])
    else:
        arms = msgp("the interventions a change came under", "{arms}", arms=items(names))
    change = _CHANGES[direction]() if direction in _CHANGES else msgp("the change in an outcome", "no change")
    item: Slot = msg(
        "{change} in the outcome {outcome} under {arms}",
        change=change,
        outcome=f.label("outcome", outcome),
        arms=arms,
    )
    if contested:
        item = Seq((item, Markup(" "), msg("(its direction is contested by another source)")))
    return item


def _effect_detail_sentence(f: _Facts, country: str, effect: str) -> Sentence | None:
    """The adverse, unclear or no-change findings of a country, spelled out when few, else counted."""
    tally = _country_tally(f, country)["effects"].get(effect)
    if not tally:
        return None
    n = len(tally["ids"])
    # one group per (outcome, direction): only a list short enough to spell out is sorted and built
    if effect != "no_change" and len(tally["changes"]) <= MAX_LISTED:
        groups = _change_groups(f, tally["changes"], tally["contested"])
        where: Slot = Seq((Markup(": "), items(_change_item(f, *g) for g in groups)))
    else:
        domains = f.domain_rank(tally["domains"])
        if len(domains) == 1:
            place: Slot = f.label("domain", domains[0])
        else:
            place = items(
                _domain_count(f, d, tally["domains"][d], country=country, effect=effect) for d in domains
            )
        where = msg(", in {place}", place=place)
    number = Num(_count(n, "findings", country=country, effect=effect), "word")
    body = Cap(_effect_detail_msg(effect, number, where))  # every template starts with the number
    return f.say(body, _refs(f, tally["ids"]))


def _effect_detail_msg(effect: str, number: Num, where: Slot) -> Msg:
    """The wording of one effect-detail sentence."""
    if effect == "adverse":
        return msgn(
            "{number} finding is adverse{where}.",
            "{number} findings are adverse{where}.",
            "number",
            number=number,
            where=where,
        )
    if effect == "unclear":
        return msgn(
            "{number} change cannot be judged, because the codebook marks the desirable direction of its "
            "outcome as ambiguous{where}.",
            "{number} changes cannot be judged, because the codebook marks the desirable direction of their "
            "outcomes as ambiguous{where}.",
            "number",
            number=number,
            where=where,
        )
    return msgn(
        "{number} finding shows no change{where}.",
        "{number} findings show no change{where}.",
        "number",
        number=number,
        where=where,
    )


# --------------------------------------------------------------------------- institutions of a country

# An institutional row as the sentences read it: (country, case, factor, level, assessment).
_INSTITUTIONAL = ("country", "case", "factor", "level", "assessment")
_LEVELS = {"national": 0, "local": 1}


def _institutional_key(f: _Facts) -> Callable[[tuple], tuple]:
    """Sort key of an institutional row tuple: factor-vocabulary order, then level, then factor key.

    Factors outside the vocabulary come after it, levels other than national and local last.
    """
    if "country.factor_rank" not in f._groups:
        order = list(f.ev.factors["factor"]) if f.ev.factors is not None else []
        f._groups["country.factor_rank"] = {k: i for i, k in enumerate(order)}
    rank = f._groups["country.factor_rank"]
    last = len(rank)
    return lambda r: (rank.get(r[2], last), _LEVELS.get(r[3], 2), r[2].casefold())


def _institutional_rows(frame: pd.DataFrame | None) -> list[tuple]:
    """The rows of an institutional frame as (country, case, factor, level, assessment) tuples."""
    if frame is None or frame.empty:
        return []
    return list(zip(*(frame[c].tolist() for c in _INSTITUTIONAL), strict=True))


def _sorted_institutional(f: _Facts, rows: Iterable[tuple]) -> list[tuple]:
    """Institutional row tuples in factor-vocabulary order, then by level and factor key (stable)."""
    return sorted(rows, key=_institutional_key(f))


def _institutional_by_case(f: _Facts, country: str) -> dict[str, list[tuple]]:
    """case → its institutional row tuples in display order, for one country (one pass, cached)."""
    key = "country.institutional"
    if key not in f._groups:
        by_country: dict[str, list[tuple]] = {}
        for row in _institutional_rows(f.ev.institutional):
            by_country.setdefault(row[0], []).append(row)
        grouped: dict[str, dict[str, list[tuple]]] = {}
        for c, rows in by_country.items():
            cases: dict[str, list[tuple]] = {}
            for row in _sorted_institutional(f, rows):
                cases.setdefault(row[1], []).append(row)
            grouped[c] = cases
        f._groups[key] = grouped
    return f._groups[key].get(country, {})


def _roles(f: _Facts, records: list[tuple]) -> list[Slot]:
    """ "two enablers, A (national) and B (local)" per assessment, for a case's institutional rows."""
    parts: list[Slot] = []
    for assessment in vocabulary.ASSESSMENTS:
        mine = [r for r in records if r[4] == assessment]
        if not mine:
            continue
        country, case = mine[0][0], mine[0][1]
        number = Num(
            _count(len(mine), "institutional", country=country, case=case, assessment=assessment),
            "word",
            assessment,
        )
        factors = items(
            msgp(
                "an institutional factor and its level",
                "{factor} ({level})",
                factor=f.label("factor", r[2]),
                level=Word(r[3]),
            )
            for r in mine
        )
        parts.append(
            msgp("an institutional role and its factors", "{roles}, {factors}", roles=number, factors=factors)
        )
    return parts


def _institutional_country_sentences(f: _Facts, country: str) -> list[Sentence]:
    """Per case: the enablers, barriers and mixed factors its institutional analysis names."""
    if f.ev.institutional is None:
        return []
    by_case = _institutional_by_case(f, country)
    sentences = []
    for case in sorted(by_case, key=str.casefold):
        records = by_case[case]
        body = msg(
            "The institutional analysis of {case} names {roles}.",
            case=Data(case),
            roles=items(_roles(f, records)),
        )
        refs = [Ref("institutional.csv", (r[0], r[1], r[2])) for r in records]
        sentences.append(f.say(body, refs))
    return sentences
