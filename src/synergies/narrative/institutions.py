"""Institutional factors across countries: recurring factors, national/local contrasts, one-case factors."""

from __future__ import annotations

from synergies import aggregate, contract, i18n
from synergies.narrative.country import _sorted_institutional
from synergies.narrative.facts import _case_in_country, _Facts, _institutional_refs
from synergies.narrative.model import Sentence, _count, _say
from synergies.text import t, tn, tp
from synergies.text.grammar import (
    conjunction,
    count_noun,
    gender,
    join_list,
    number_word,
)

# --------------------------------------------------------------------------- institutions across countries


def _role_phrase(assessment: str, level: str, lang: str, article: bool = True) -> str:
    """ "a national enabler" / "facilitador nacional" / "a mixed factor at local level"."""
    lvl = i18n.word(level, lang)
    if assessment == "unstated":
        if article:
            return t(lang, "a factor reported without direction at {level} level", level=lvl)
        return t(lang, "factor reported without direction at {level} level", level=lvl)
    if assessment == "mixed":
        if article:
            return t(lang, "a mixed factor at {level} level", level=lvl)
        return t(lang, "mixed factor at {level} level", level=lvl)
    role = i18n.word(assessment, lang)
    if article:
        return tp(lang, "an institutional role with an article", "a {level} {role}", level=lvl, role=role)
    return tp(lang, "an institutional role without an article", "{level} {role}", level=lvl, role=role)


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
    rows = aggregate.sort_display(inst[inst["factor"] == summary.factor], f.ev)
    rank = {**{a: i for i, a in enumerate(contract.ASSESSMENTS)}, "national": 0, "local": 1}
    roles = sorted(
        set(zip(rows["assessment"], rows["level"], strict=True)), key=lambda r: (rank[r[0]], rank[r[1]])
    )
    n_cases, n_countries = int(summary.n_cases), int(summary.n_countries)
    counts = [
        _count(n_cases, "institutional", "distinct:country,case", factor=summary.factor),
        _count(n_countries, "institutional", "distinct:country", factor=summary.factor),
    ]
    texts = {}
    for lang in i18n.LANGS:
        where = t(
            lang,
            "{cases} in {countries}",
            cases=count_noun(n_cases, "case", lang),
            countries=count_noun(n_countries, "country", lang),
        )
        name = f.factor(summary.factor, lang)
        if len(roles) == 1:
            cases = join_list([_case_in_country(r.case, r.country, lang) for r in rows.itertuples()], lang)
            role = _role_phrase(*roles[0], lang)
            texts[lang] = t(
                lang,
                "{name} recurs in {where}, always as {role}: {cases}.",
                name=name,
                where=where,
                role=role,
                cases=cases,
            )
        else:
            pieces = []
            for assessment, level in roles:
                mine = rows[(rows["assessment"] == assessment) & (rows["level"] == level)]
                cases = join_list(
                    [_case_in_country(r.case, r.country, lang) for r in mine.itertuples()], lang
                )
                pieces.append(
                    t(lang, "{role} in {cases}", role=_role_phrase(assessment, level, lang), cases=cases)
                )
            texts[lang] = t(
                lang,
                "{name} recurs in {where}, with different assessments: {items}.",
                name=name,
                where=where,
                items=join_list(pieces, lang),
            )
    return _say(texts["en"], texts["es"], _institutional_refs(rows), counts)


def _contrast_sentence(f: _Facts) -> Sentence | None:
    """Cases where national barriers sit beside local enablers, saying when the levels are inferred.

    Only with factors.csv's `aspect` can the text say that coordination itself finds support
    locally where national arrangements hinder it; the factors involved must then be about
    coordination. Without `aspect` the pattern is stated without that reading.
    """
    ev = f.ev
    aspects = ev.factors is not None and bool((ev.factors["aspect"] != "").any())
    table = "coordination_contrast_rows" if aspects else "national_barrier_local_enabler_rows"
    rows = aggregate.national_barrier_local_enabler_rows(ev, "coordination") if aspects else f.contrasts
    if rows is None or rows.empty:
        return None
    cases = rows[["country", "case"]].drop_duplicates()
    n, c = len(cases), int(cases["country"].nunique())
    national = _sorted_institutional(f, rows[rows["level"] == "national"])["factor"].drop_duplicates()
    local = _sorted_institutional(f, rows[rows["level"] == "local"])["factor"].drop_duplicates()
    inferred = int((rows["level_basis"] == "inferred").sum())
    counts = [_count(n, table, "distinct:country,case"), _count(c, table, "distinct:country")]
    if inferred:
        counts += [_count(inferred, table, level_basis="inferred"), _count(len(rows), table)]
    texts = {}
    for lang in i18n.LANGS:
        slots = {
            "cases": count_noun(n, "case", lang),
            "countries": count_noun(c, "country", lang),
            "barriers": join_list([f.factor(k, lang) for k in national], lang),
            "enablers": join_list([f.factor(k, lang) for k in local], lang),
            "listed": join_list(
                [_case_in_country(r.case, r.country, lang) for r in cases.itertuples()], lang
            ),
        }
        if aspects:
            text = t(
                lang,
                "In {cases} in {countries}, coordination itself meets barriers at national level "
                "({barriers}) and enablers at local level ({enablers}): {listed}. In these cases "
                "coordination finds support locally even where national arrangements hinder it.",
                **slots,
            )
        else:
            text = t(
                lang,
                "In {cases} in {countries}, barriers at national level ({barriers}) sit beside enablers at "
                "local level ({enablers}): {listed}.",
                **slots,
            )
        if inferred:
            text += " " + t(
                lang,
                "The level of {inferred} of these {total} statements is the coders' inference, not stated "
                "in the source, so the pattern rests partly on inference.",
                inferred=number_word(inferred, lang, gender("row", lang)),
                total=number_word(len(rows), lang, gender("row", lang)),
            )
        texts[lang] = text
    return _say(texts["en"], texts["es"], _institutional_refs(rows), counts)


def _single_case_factors_sentence(f: _Facts, factors: list[str]) -> Sentence:
    """Factors named in one case only, each with its role and case."""
    inst = f.ev.institutional
    rows = inst[inst["factor"].isin(factors)]
    counts = [_count(1, "factor_summary", "max:n_cases", factor=factors)]
    texts = {}
    for lang in i18n.LANGS:
        items = []
        for factor in factors:
            mine = rows[rows["factor"] == factor]
            case, country = mine["case"].iloc[0], mine["country"].iloc[0]
            roles = join_list(
                [
                    _role_phrase(r.assessment, r.level, lang)
                    for r in _sorted_institutional(f, mine).itertuples()
                ],
                lang,
            )
            where = _case_in_country(case, country, lang)
            items.append(
                t(
                    lang,
                    "{factor}, {roles} in {where}",
                    factor=f.factor(factor, lang),
                    roles=roles,
                    where=where,
                )
            )
        listed = (
            "; ".join(items[:-1])
            + (f"; {conjunction('and', lang, items[-1])} " if len(items) > 1 else "")
            + items[-1]
        )
        texts[lang] = tn(
            lang,
            "Another factor appears in one case only: {listed}.",
            "Other factors appear in one case each: {listed}.",
            len(factors),
            listed=listed,
        )
    return _say(texts["en"], texts["es"], _institutional_refs(rows), counts)
