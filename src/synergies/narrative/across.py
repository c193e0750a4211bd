"""Across countries: recurrence of effects by domain, sign tests and their power, countries without
results.

Each sentence is a typed-slot body (`slots`): numbers are `Num` slots carrying their Count, lists
`Items`, labels `Label`; the text is rendered per language at render time. The tallies the sentences
draw on (which countries have which verdict in which domain, the findings behind each) are made in
one pass over each table (`_tallies`), so 200 countries cost no pandas filtering per country.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from synergies import aggregate, vocabulary
from synergies.narrative.facts import _case_ref, _Facts, _institutional_refs
from synergies.narrative.institutions import _institutional_comparison_sentences
from synergies.narrative.model import Paragraph, Ref, Section, Sentence, _count, nor_items, p_num, percent_num
from synergies.narrative.phrases import ALPHA, EFFECT_ADJECTIVES, TITLES
from synergies.narrative.refs import RefSet
from synergies.narrative.robust import _robustness_intro, _robustness_sentences
from synergies.narrative.slots import Country, Data, Markup, Num, Seq, Slot, items, msg, msgn, msgnp
from synergies.text.grammar import NOUN, NOUNS

# =========================================================================== across countries


def _comparison_section(f: _Facts) -> Section:
    """Recurrence of beneficial effects, sign tests with their power caution, gaps and institutions."""
    recurrence = _recurrence_sentences(f)
    paragraphs = [Paragraph(tuple(recurrence))] if recurrence else []
    tests = _sign_test_items(f)
    if tests:
        paragraphs.append(Paragraph((_sign_test_intro(f),)))
        paragraphs.append(Paragraph(tuple(tests), as_list=True))
        power = _power_sentence(f)
        if power:
            paragraphs.append(Paragraph((power,)))
    robust = _robustness_sentences(f)
    if robust:
        paragraphs.append(Paragraph((_robustness_intro(f),)))
        paragraphs.append(Paragraph(tuple(robust), as_list=True))
    gaps = _country_gap_sentences(f)
    if gaps:
        paragraphs.append(Paragraph(tuple(gaps)))
    institutional = _institutional_comparison_sentences(f)
    if institutional:
        paragraphs.append(Paragraph(tuple(institutional)))
    return Section("comparison", TITLES["comparison"], tuple(paragraphs))


# --------------------------------------------------------------------------- tallies, made once


def _tallies(f: _Facts) -> dict:
    """Findings by domain and country, and the findings behind each verdict, from one pass per table.

    - "domain", "domain_country": row positions of the findings of a domain (and country);
    - "measured": per domain, the countries with findings in it;
    - "verdict": per verdict, (domain, country) → positions of the findings with that effect in the
      cases whose domain verdict it is (`_verdict_refs`);
    - "hits": per verdict, domain → countries where at least one case's findings point to it.
    """
    key = "across:tallies"
    if key in f._groups:
        return f._groups[key]
    rows = f.findings
    domain_country = rows.groupby(["domain", "country"], sort=False).indices
    measured: dict[str, set[str]] = {}
    for domain, country in domain_country:
        measured.setdefault(domain, set()).add(country)
    columns = ["country", "case", "domain"]
    cv = f.case_verdicts
    index = pd.MultiIndex.from_frame(rows[columns])
    verdict_positions: dict[str, dict[tuple[str, str], np.ndarray]] = {}
    hits: dict[str, dict[str, tuple[str, ...]]] = {}
    table = f.country_verdicts
    for verdict in ("beneficial", "adverse"):
        keep = cv.loc[cv["verdict"] == verdict, columns]
        chosen = index.isin(pd.MultiIndex.from_frame(keep)) & (rows["effect"] == verdict).to_numpy()
        positions = np.flatnonzero(chosen)
        grouped = rows.iloc[positions].groupby(["domain", "country"], sort=False).indices
        verdict_positions[verdict] = {k: positions[v] for k, v in grouped.items()}
        found = table[table[f"n_{verdict}"] > 0]
        by_domain: dict[str, set[str]] = {}
        for domain, country in zip(found["domain"].tolist(), found["country"].tolist(), strict=True):
            by_domain.setdefault(domain, set()).add(country)
        hits[verdict] = {d: tuple(sorted(by_domain[d], key=str.casefold)) for d in f.domain_rank(by_domain)}
    f._groups[key] = {
        "domain": rows.groupby("domain", sort=False).indices,
        "domain_country": domain_country,
        "measured": measured,
        "verdict": verdict_positions,
        "hits": hits,
    }
    return f._groups[key]


def _finding_numbers(f: _Facts) -> np.ndarray:
    """Each findings row's citation number, in table order (so a sentence's row set is an array slice)."""
    key = "across:numbers"
    if key not in f._groups:
        ids = f.findings["finding_id"].astype(str)
        ordered = pd.Index([k[0] for k in f.rows.file("findings.csv").keys])
        found = ordered.get_indexer(ids) if ordered.is_unique else None
        if found is None or (found < 0).any():  # the row index names the row that is no row of it
            found = f.rows.numbers("findings.csv", zip(ids.tolist()))
        f._groups[key] = np.asarray(found, dtype=np.int64)
    return f._groups[key]


def _rows_at(f: _Facts, positions: Iterable[np.ndarray]) -> RefSet:
    """The findings at these row positions of the findings table, as a row set."""
    parts = [p for p in positions if len(p)]
    if not parts:
        return RefSet(f.rows)
    return RefSet(f.rows, {"findings.csv": _finding_numbers(f)[np.concatenate(parts)]})


def _countries_by_domain(f: _Facts, verdict: str) -> dict[str, tuple[str, ...]]:
    """Per domain (in display order), the countries where at least one case's findings point to `verdict`."""
    return _tallies(f)["hits"][verdict]


def _verdict_refs(f: _Facts, domains: Iterable[str], countries: Iterable[str], verdict: str) -> RefSet:
    """The findings behind a verdict: those with that effect in cases whose domain verdict it is."""
    by_cell = _tallies(f)["verdict"][verdict]
    countries = list(countries)
    return _rows_at(f, (by_cell[(d, c)] for d in domains for c in countries if (d, c) in by_cell))


def _domain_refs(f: _Facts, domains: Iterable[str]) -> RefSet:
    """The findings of these domains."""
    by_domain = _tallies(f)["domain"]
    return _rows_at(f, (by_domain[d] for d in domains if d in by_domain))


# --------------------------------------------------------------------------- recurrence


def _recurrence_sentences(f: _Facts) -> list[Sentence]:
    """Domains where beneficial (or adverse) effects recur across countries, occur in one, or in none."""
    sentences: list[Sentence] = []
    beneficial = _countries_by_domain(f, "beneficial")
    measured = _tallies(f)["measured"]
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
    nowhere = [d for d in f.ev.domain_order if measured.get(d) and d not in beneficial]
    if nowhere:
        body = msg(
            "No country's findings point to beneficial effects in {domains}.",
            domains=nor_items((f.label("domain", d) for d in nowhere), "in"),
        )
        sentences.append(f.say(body, _domain_refs(f, nowhere)))
    for domain, countries in _countries_by_domain(f, "adverse").items():
        count = _count(
            len(countries), "case_domain_verdicts", "distinct:country", domain=domain, verdict="adverse"
        )
        body = msg(
            "Adverse effects predominate in {domain} in cases from {countries}: {items}.",
            domain=f.label("domain", domain),
            countries=Num(count, "word", "country"),
            items=items(Country(c) for c in countries),
        )
        sentences.append(f.say(body, _verdict_refs(f, [domain], countries, "adverse")))
    unmeasured = [d for d in f.ev.domain_order if not measured.get(d)]
    if unmeasured:
        body = msg(
            "No finding concerns {domains}.",
            domains=nor_items((f.label("domain", d) for d in unmeasured), "concerns"),
        )
        sentences.append(f.say(body, [Ref("domains.csv", (d,)) for d in unmeasured]))
    return sentences


def _recurs_sentence(f: _Facts, countries: tuple[str, ...], domains: list[str]) -> Sentence:
    """Beneficial effects found in the same two or more countries across these domains."""
    n, k = len(countries), len(domains)
    listed = items(f.label("domain", d) for d in domains)
    where: Slot = listed
    if k > 1:
        number = Num(_count(k, "recurring_domains", countries=countries), "word", "domain")
        where = Seq((number, Markup(": "), listed))
    count = _count(n, "case_domain_verdicts", "distinct:country", domain=domains, verdict="beneficial")
    body = msg(
        "Beneficial effects recur in {countries} ({names}) in {where}.",
        countries=Num(count, "word", "country"),
        names=items(Country(c) for c in countries),
        where=where,
    )
    return f.say(body, _verdict_refs(f, domains, countries, "beneficial"))


def _alone_sentence(f: _Facts, country: str, domains: list[str], measured: dict[str, set[str]]) -> Sentence:
    """Domains where beneficial effects come from one country only, and whether others measured them."""
    others = {d: sorted(measured.get(d, set()) - {country}, key=str.casefold) for d in domains}
    head = msg(
        "Beneficial effects in {domains} come from {name} alone",
        domains=items(f.label("domain", d) for d in domains),
        name=Country(country),
    )
    if not any(others.values()):
        tail: Slot = msgn(
            "; no other country has findings in that domain",
            "; no other country has findings in these domains",
            len(domains),
        )
    else:
        also = [
            msgn(
                "{countries} measured {domain} without a beneficial verdict",
                "{countries} measured {domain} without a beneficial verdict",
                len(others[d]),
                countries=items(Country(c) for c in others[d]),
                domain=f.label("domain", d),
            )
            for d in domains
            if others[d]
        ]
        tail = Seq((Markup("; "), items(also)))
    by_cell = _tallies(f)["domain_country"]
    elsewhere = _rows_at(f, (by_cell[(d, c)] for d in domains for c in others[d]))
    refs = _verdict_refs(f, domains, [country], "beneficial") | elsewhere
    return f.say(Seq((head, tail, Markup("."))), refs)


# --------------------------------------------------------------------------- sign tests


def _threshold_share() -> Num:
    """The within-group agreement a verdict needs, as the percentage the method sentences state."""
    return percent_num(round(aggregate.VERDICT_THRESHOLD * 100), "constant", "verdict_threshold_percent")


def _sign_test_intro(f: _Facts) -> Sentence:
    """What the sign test counts and which arms cannot vote."""
    body = msg(
        "A sign test per domain counts the intervention arms whose findings point the "
        "same way (at least {share} of those with a direction agreeing) and asks "
        "whether beneficial arms outnumber adverse ones by more than chance would; "
        "arms with conflicting findings, no change or only outcomes of ambiguous "
        "desirability are reported but do not count.",
        share=_threshold_share(),
    )
    return f.say(body)


_EFFECT_CONTEXT = "describing findings by effect"


def _adjective(effect: str, n: int) -> Slot:
    """The adjective describing `n` units by effect ("beneficial"), from the phrase table's pair."""
    singular, plural = EFFECT_ADJECTIVES[effect]["en"]
    # the table's singular and plural forms (n = 1 or 2), as the pair was always looked up
    return msgnp(_EFFECT_CONTEXT, singular, plural, 1 if n == 1 else 2)


_VOTE_COLUMNS = (
    ("n_adverse", "adverse"),
    ("n_conflicting", "conflicting"),
    ("n_no_change", "no_change"),
    ("n_unclear", "unclear"),
)


def _unit_counts(row: dict, unit_noun: str) -> Slot:
    """ "two arms beneficial, none adverse and one conflicting" for one sign-test row."""
    table = "sign_tests_" + row["unit"]
    where = {"domain": row["domain"]}
    n_ben = int(row["n_beneficial"])
    if n_ben:
        number = Num(_count(n_ben, table, "value:n_beneficial", **where), "word", unit_noun)
        first: Slot = Seq((number, Markup(" "), _adjective("beneficial", n_ben)))
    else:
        first = msg("no {unit} beneficial", unit=msgnp(NOUN, *NOUNS[unit_noun], 1))
    parts = [first]
    for column, effect in _VOTE_COLUMNS:
        n = int(row[column])
        if n:
            number = Num(_count(n, table, f"value:{column}", **where), "word", alone=True)
            parts.append(Seq((number, Markup(" "), _adjective(effect, n))))
        elif effect == "adverse":
            parts.append(msg("none {singular}", singular=_adjective(effect, 1)))
    return items(parts)


def _sign_test_items(f: _Facts) -> list[Sentence]:
    """One list item per measured domain: arm verdicts, the p-value, and the case-level version if needed."""
    sentences = []
    for row, case_row in zip(f.tests_arm.to_dict("records"), f.tests_case.to_dict("records"), strict=True):
        if row["n_units"] == 0:
            continue
        domain = row["domain"]
        described = _unit_counts(row, "arm")
        voting = int(row["n_beneficial"] + row["n_adverse"])
        if voting:
            p = p_num(row["p_value"], "p_value", "sign_tests_arm", domain=domain)
            body: Slot = Seq(
                (f.label("domain", domain), Markup(": "), described, Markup(" ("), p, Markup(").")),
            )
        else:
            body = msg(
                "{domain}: {described}; no arm points the same way clearly, so there is no test.",
                domain=f.label("domain", domain),
                described=described,
            )
        if voting and int(row["n_evaluations"]) < voting:
            body = Seq((body, Markup(" "), _case_level_text(f, domain, case_row)))
        sentences.append(f.say(body, _domain_refs(f, [domain])))
    return sentences


def _repeated_arms(f: _Facts) -> dict[str, list[tuple[tuple[str, str], int]]]:
    """Per domain, the evaluations with more than one voting arm and how many (one grouping, made once)."""
    key = "across:repeated_arms"
    if key not in f._groups:
        av = f.arm_verdicts
        voters = av[av["verdict"].isin(vocabulary.VOTING)]
        per_case = voters.groupby(["domain", "country", "case"], sort=False)["intervention"].nunique()
        out: dict[str, list[tuple[tuple[str, str], int]]] = {}
        for (domain, country, case), n in per_case.items():
            if n > 1:
                out.setdefault(domain, []).append(((country, case), int(n)))
        f._groups[key] = out
    return f._groups[key]


def _case_level_text(f: _Facts, domain: str, case_row: dict) -> Slot:
    """Arms of one evaluation counted separately: which, and the test counting each evaluation once."""
    repeated = _repeated_arms(f).get(domain, [])
    pieces = []
    for (country, case), n in repeated:
        where = {"domain": domain, "country": country, "case": case, "verdict": ["beneficial", "adverse"]}
        arms = Num(_count(n, "effects_by_domain", "distinct:intervention", **where), "word", "arm")
        in_country = Seq((Data(case), Markup(" ("), Country(country), Markup(")")))
        pieces.append(msg("{arms} of {case}", arms=arms, case=in_country))
    described = _unit_counts(case_row, "case")
    if case_row["n_beneficial"] + case_row["n_adverse"] > 0:
        p = p_num(case_row["p_value"], "p_value", "sign_tests_case", domain=domain)
        result: Slot = Seq((described, Markup(" ("), p, Markup(")")))
    else:
        result = msg("{described}, and no test is possible", described=described)
    # the verb agrees with the arms counted separately (every piece has two or more)
    k = sum(n for _, n in repeated)
    return msgn(
        "Here {items} was counted separately; counting each evaluation once gives {result}.",
        "Here {items} were counted separately; counting each evaluation once gives {result}.",
        k,
        items=items(pieces),
        result=result,
    )


def _smallest_testable() -> int:
    """The fewest unanimous units with which a two-sided sign test can fall below ALPHA."""
    n = 1
    while aggregate.sign_test(n, 0)[0] >= ALPHA:
        n += 1
    return n


def _power_sentence(f: _Facts) -> Sentence | None:
    """The caution about power: how many arms a sign test needs, and which domains have fewer."""
    limit = _smallest_testable() - 1
    votes = f.tests_arm["n_beneficial"] + f.tests_arm["n_adverse"]
    tested = f.tests_arm[votes > 0]
    if tested.empty:
        return None
    weak = list(tested.loc[(tested["n_beneficial"] + tested["n_adverse"]) <= limit, "domain"])
    number = Num(_count(limit, "constant", "max_units_without_significance"), "word")
    if not weak:
        body = msg(
            "Every domain tested has more than {number} arms pointing the same way, so the "
            "test could detect a consistent direction; it still says nothing about the "
            "size of the effects.",
            number=number,
        )
        return f.say(body)
    where: Slot
    if len(weak) == len(tested):
        where = msg("every domain tested here")
    else:
        where = items(f.label("domain", d) for d in weak)
    alpha = _count(ALPHA, "constant", "alpha")
    # Translators: {alpha} and {alpha_again} are the same significance level, stated twice.
    body = msg(
        "With {number} or fewer arms pointing the same way, a sign test cannot reach p "
        "< {alpha} even when all of them agree. That is the case in {where}, so these "
        "tests have almost no power: a p-value above {alpha_again} does not show that the "
        "programmes have no effect, and the counts describe the evidence rather than "
        "prove an effect.",
        number=number,
        alpha=Num(alpha, "decimal", places=2),
        alpha_again=Num(alpha, "decimal", places=2),  # each number printed is a slot of its own
        where=where,
    )
    return f.say(body)


# --------------------------------------------------------------------------- evidence gaps across countries


def _gap_tallies(f: _Facts) -> tuple[set[str], dict[str, list[str]]]:
    """The countries with an evaluated case, and each country's cases without findings (in table order)."""
    key = "across:gaps"
    if key not in f._groups:
        arms = f.arms
        evaluated = set(arms.loc[arms["n_findings"] > 0, "country"]) if not arms.empty else set()
        gaps: dict[str, list[str]] = {}
        if not f.gaps.empty:
            rows = f.gaps[f.gaps["kind"] == "case_without_findings"]
            for country, case in zip(rows["country"].tolist(), rows["case"].tolist(), strict=True):
                gaps.setdefault(country, []).append(case)
        f._groups[key] = (evaluated, gaps)
    return f._groups[key]


def _country_gap_sentences(f: _Facts) -> list[Sentence]:
    """Countries with no impact evaluation at all: named as evidence gaps and left out of the comparison."""
    evaluated, gaps_of = _gap_tallies(f)
    sentences = []
    for country in f.countries:
        gaps = gaps_of.get(country)
        if country in evaluated or not gaps:
            continue
        inst = f.ev.institutional
        rows = f.part("institutional", country=country) if inst is not None else None
        has_institutional = rows is not None and not rows.empty
        refs = [_case_ref(country, c) for c in gaps]
        if has_institutional:
            refs += _institutional_refs(rows)
        slots = {"name": Country(country), "cases": items(Data(c) for c in gaps)}
        if has_institutional:
            body = msgn(
                "{name} has no reported impact results in these data: its case {cases} has an "
                "institutional analysis but no reported effects, so {name} is an evidence gap and "
                "does not enter the comparisons above.",
                "{name} has no reported impact results in these data: its cases {cases} have an "
                "institutional analysis but no reported effects, so {name} is an evidence gap and "
                "does not enter the comparisons above.",
                len(gaps),
                **slots,
            )
        else:
            body = msgn(
                "{name} has no reported impact results in these data: its case {cases} reports no "
                "effects, so {name} is an evidence gap and does not enter the comparisons above.",
                "{name} has no reported impact results in these data: its cases {cases} report no "
                "effects, so {name} is an evidence gap and does not enter the comparisons above.",
                len(gaps),
                **slots,
            )
        sentences.append(f.say(body, refs))
    return sentences
