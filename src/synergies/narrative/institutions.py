"""Institutional factors across countries: recurring factors, national/local contrasts, one-case factors.

Each sentence is a typed-slot body (`slots`): numbers are `Num` slots carrying their Count, lists
`Items`, labels `Label`; the text is rendered per language at render time.
"""

from __future__ import annotations

from synergies import aggregate, contract
from synergies.narrative.country import _institutional_rows, _sorted_institutional
from synergies.narrative.facts import _Facts
from synergies.narrative.model import Ref, Sentence, _count
from synergies.narrative.slots import Country, Data, Markup, Msg, Num, Seq, Slot, Word, items, msg, msgn, msgp

# --------------------------------------------------------------------------- institutions across countries


def _role_phrase(assessment: str, level: str, article: bool = True) -> Msg:
    """ "a national enabler" / "facilitador nacional" / "a mixed factor at local level"."""
    lvl = Word(level)
    if assessment == "unstated":
        if article:
            return msg("a factor reported without direction at {level} level", level=lvl)
        return msg("factor reported without direction at {level} level", level=lvl)
    if assessment == "mixed":
        if article:
            return msg("a mixed factor at {level} level", level=lvl)
        return msg("mixed factor at {level} level", level=lvl)
    role = Word(assessment)
    if article:
        return msgp("an institutional role with an article", "a {level} {role}", level=lvl, role=role)
    return msgp("an institutional role without an article", "{level} {role}", level=lvl, role=role)


def _case_in_country(case: str, country: str) -> Msg:
    """ "Case (Country)": a case named with its country."""
    return msgp("a case and its country", "{case} ({country})", case=Data(case), country=Country(country))


def _refs_of(rows: list[tuple]) -> list[Ref]:
    """Refs to institutional row tuples (country, case, factor, ...)."""
    return [Ref("institutional.csv", (r[0], r[1], r[2])) for r in rows]


def _institutional_comparison_sentences(f: _Facts) -> list[Sentence]:
    """Recurring factors, the national-barrier/local-enabler pattern, and factors of one case."""
    if f.ev.institutional is None or f.factors is None or f.factors.empty:
        return []
    sentences = [_recurring_factor_sentence(f, r) for r in f.factors.itertuples() if r.n_cases >= 2]
    named = {r.factor for r in f.factors.itertuples() if r.n_cases >= 2}
    contrast = _contrast_sentence(f)
    if contrast:
        sentences.append(contrast)
        named |= {r.key[2] for r in contrast.refs if r.file == "institutional.csv"}
    single = [r.factor for r in f.factors.itertuples() if r.n_cases == 1 and r.factor not in named]
    if single:
        sentences.append(_single_case_factors_sentence(f, single))
    return sentences


def _recurring_factor_sentence(f: _Facts, summary: object) -> Sentence:
    """A factor named in two or more cases: where, and whether it helped or hindered each time."""
    inst = f.ev.institutional
    rows = _institutional_rows(aggregate.sort_display(inst[inst["factor"] == summary.factor], f.ev))
    rank = {**{a: i for i, a in enumerate(contract.ASSESSMENTS)}, "national": 0, "local": 1}
    roles = sorted({(r[4], r[3]) for r in rows}, key=lambda r: (rank[r[0]], rank[r[1]]))
    n_cases = _count(int(summary.n_cases), "institutional", "distinct:country,case", factor=summary.factor)
    n_countries = _count(int(summary.n_countries), "institutional", "distinct:country", factor=summary.factor)
    where = msg(
        "{cases} in {countries}",
        cases=Num(n_cases, "word", "case"),
        countries=Num(n_countries, "word", "country"),
    )
    name = f.label("factor", summary.factor)
    if len(roles) == 1:
        body = msg(
            "{name} recurs in {where}, always as {role}: {cases}.",
            name=name,
            where=where,
            role=_role_phrase(*roles[0]),
            cases=items(_case_in_country(r[1], r[0]) for r in rows),
        )
    else:
        pieces = [
            msg(
                "{role} in {cases}",
                role=_role_phrase(assessment, level),
                cases=items(
                    _case_in_country(r[1], r[0]) for r in rows if r[4] == assessment and r[3] == level
                ),
            )
            for assessment, level in roles
        ]
        body = msg(
            "{name} recurs in {where}, with different assessments: {items}.",
            name=name,
            where=where,
            items=items(pieces),
        )
    return f.say(body, _refs_of(rows))


def _contrast_sentence(f: _Facts) -> Sentence | None:
    """Cases where national barriers sit beside local enablers, saying when the levels are inferred.

    Only with factors.csv's `aspect` can the text say that coordination itself finds support
    locally where national arrangements hinder it; the factors involved must then be about
    coordination. Without `aspect` the pattern is stated without that reading.
    """
    ev = f.ev
    aspects = ev.factors is not None and bool((ev.factors["aspect"] != "").any())
    table = "coordination_contrast_rows" if aspects else "national_barrier_local_enabler_rows"
    frame = aggregate.national_barrier_local_enabler_rows(ev, "coordination") if aspects else f.contrasts
    if frame is None or frame.empty:
        return None
    rows = _institutional_rows(frame)
    cases = list(dict.fromkeys((r[0], r[1]) for r in rows))
    n, c = len(cases), len({country for country, _ in cases})
    national = dict.fromkeys(r[2] for r in _sorted_institutional(f, (r for r in rows if r[3] == "national")))
    local = dict.fromkeys(r[2] for r in _sorted_institutional(f, (r for r in rows if r[3] == "local")))
    slots = {
        "cases": Num(_count(n, table, "distinct:country,case"), "word", "case"),
        "countries": Num(_count(c, table, "distinct:country"), "word", "country"),
        "barriers": items(f.label("factor", k) for k in national),
        "enablers": items(f.label("factor", k) for k in local),
        "listed": items(_case_in_country(case, country) for country, case in cases),
    }
    if aspects:
        body: Slot = msg(
            "In {cases} in {countries}, coordination itself meets barriers at national level "
            "({barriers}) and enablers at local level ({enablers}): {listed}. In these cases "
            "coordination finds support locally even where national arrangements hinder it.",
            **slots,
        )
    else:
        body = msg(
            "In {cases} in {countries}, barriers at national level ({barriers}) sit beside enablers at "
            "local level ({enablers}): {listed}.",
            **slots,
        )
    inferred = int((frame["level_basis"] == "inferred").sum())
    if inferred:
        tail = msg(
            "The level of {inferred} of these {total} statements is the coders' inference, not stated "
            "in the source, so the pattern rests partly on inference.",
            inferred=Num(_count(inferred, table, level_basis="inferred"), "word", agree="row"),
            total=Num(_count(len(rows), table), "word", agree="row"),
        )
        body = Seq((body, Markup(" "), tail))
    return f.say(body, _refs_of(rows))


def _single_case_factors_sentence(f: _Facts, factors: list[str]) -> Sentence:
    """Factors named in one case only, each with its role and case."""
    wanted = set(factors)
    rows = [r for r in _institutional_rows(f.ev.institutional) if r[2] in wanted]
    by_factor: dict[str, list[tuple]] = {}
    for r in rows:
        by_factor.setdefault(r[2], []).append(r)
    listed = []
    for factor in factors:
        mine = by_factor[factor]
        roles = items(_role_phrase(r[4], r[3]) for r in _sorted_institutional(f, mine))
        listed.append(
            msg(
                "{factor}, {roles} in {where}",
                factor=f.label("factor", factor),
                roles=roles,
                where=_case_in_country(mine[0][1], mine[0][0]),
            )
        )
    # Every item holds a comma, so the list is joined with semicolons ("A; B; and C").
    one = Num(_count(1, "factor_summary", "max:n_cases", factor=factors), "word", agree="case")
    body = msgn(
        "Another factor appears in {one} case only: {listed}.",
        "Other factors appear in {one} case each: {listed}.",
        len(factors),
        one=one,
        listed=items(listed),
    )
    return f.say(body, _refs_of(rows))
