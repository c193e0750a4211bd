"""The caveats: direction only, dependence of findings, sources, ambiguous outcomes, missing files,
subgroups, contested directions, magnitudes and the check of the claims."""

from __future__ import annotations

from synergies import claims, contract, i18n
from synergies.narrative.facts import _case_in_country, _case_ref, _Facts, _finding_refs
from synergies.narrative.model import (
    Paragraph,
    Ref,
    Section,
    Sentence,
    _count,
    _said,
    _say,
    escape,
    natural_key,
)
from synergies.narrative.phrases import MAX_CASES_LISTED, MISSING_CONSEQUENCES, TITLES
from synergies.narrative.robust import _reporting_bias_sentences
from synergies.text import t, tn
from synergies.text.grammar import (
    capitalise,
    count_noun,
    digits,
    gender,
    join_list,
    number_word,
)

# =========================================================================== caveats


def _caveats_section(f: _Facts) -> Section:
    """Direction only; findings per evaluation; sources; ambiguous outcomes; optional files not given."""
    sentences = [
        _said(
            lambda lang: t(
                lang,
                "The synthesis counts the direction of each effect only, not its size or "
                "statistical significance: a domain with many beneficial findings is not "
                "necessarily a domain with large effects.",
            )
        ),
    ]
    no_sizes = _no_magnitude_sentence(f)
    if no_sizes:
        sentences.append(no_sizes)
    per_case = _per_case_sentence(f)
    if per_case:
        sentences.append(per_case)
    source = _source_sentence(f)
    if source:
        sentences.append(source)
    ambiguous = _ambiguous_sentence(f)
    if ambiguous:
        sentences.append(ambiguous)
    sentences += _reporting_bias_sentences(f)
    sentences += [s for s in (_subgroup_sentence(f), _contested_sentence(f)) if s]
    paragraphs = [Paragraph(tuple(sentences))]
    missing = f.ev.missing_optional
    if missing:
        k = len(missing)
        count = _count(k, "missing_optional")
        lead = _said(
            lambda lang: capitalise(
                tn(
                    lang,
                    "{files} of the data contract was not given, and this text lacks what it would provide:",
                    "{files} of the data contract were not given, and this text lacks what they would "
                    "provide:",
                    k,
                    files=count_noun(k, "optional_file", lang),
                )
            ),
            counts=[count],
        )
        items = tuple(
            _said(
                lambda lang, name=name: t(
                    lang, "`{name}`: {consequence}", name=name, consequence=MISSING_CONSEQUENCES[name][lang]
                )
            )
            for name in missing
        )
        paragraphs += [Paragraph((lead,)), Paragraph(items, as_list=True)]
    return Section("caveats", TITLES["caveats"], tuple(paragraphs))


def _magnitude_section(f: _Facts) -> Section | None:
    """Pooled sizes of effects (`synergies.magnitude`), a paragraph per domain, only when the data carry them.

    Each sentence cites the findings pooled; its numbers (estimate, interval, k, I², tau²) are
    those of `pooled_estimates.csv` as notebook 04 writes it. statsmodels is imported only when at
    least two evaluations share a domain and measure.
    """
    from synergies import magnitude, magnitude_text

    if not magnitude.has_measures(f.ev):
        return None
    aligned = magnitude.aligned_estimates(f.ev)
    pooled = magnitude.pooled_estimates(magnitude.case_estimates(aligned))
    summary = _said(lambda lang: magnitude_text.summary(f.ev, aligned, pooled, lang))
    paragraphs = [Paragraph((summary,))]
    for domain in f.ev.domain_order:
        rows = pooled[pooled["domain"] == domain]
        sentences = tuple(
            _said(
                lambda lang, r=r: magnitude_text.pooled_sentence(f.ev, r, lang, cited=False),
                refs=[Ref("findings.csv", (i,)) for i in r.finding_ids.split(";")],
                counts=[
                    _count(
                        int(r.k),
                        "pooled_estimates",
                        "value:k",
                        domain=domain,
                        effect_measure=r.effect_measure,
                    )
                ],
            )
            for r in rows.itertuples(index=False)
        )
        if sentences:
            paragraphs.append(Paragraph(sentences))
    paragraphs.append(Paragraph((_said(magnitude_text.method_note),)))
    return Section("magnitudes", TITLES["magnitudes"], tuple(paragraphs))


def _no_magnitude_sentence(f: _Facts) -> Sentence | None:
    """The one sentence that says why no size is given, when no finding has an estimate with a measure."""
    from synergies import magnitude, magnitude_text

    if magnitude.has_measures(f.ev):
        return None
    return _said(lambda lang: magnitude_text.no_estimates(f.ev, lang))


def _subgroup_sentence(f: _Facts) -> Sentence | None:
    """Findings reported for a subgroup only (findings.csv, subgroup): not the arm's average effect."""
    rows = f.findings[f.findings["subgroup"] != ""]
    if rows.empty:
        return None
    n = len(rows)
    counts = [_count(n, "findings", subgroup=sorted(set(rows["subgroup"])))]
    texts = {}
    for lang in i18n.LANGS:
        items = [
            t(
                lang,
                "the outcome {outcome} under {arm} ({subgroup})",
                outcome=f.outcome(r.outcome, lang),
                arm=escape(r.intervention),
                subgroup=escape(r.subgroup),
            )
            for r in rows.itertuples()
        ]
        texts[lang] = tn(
            lang,
            "{number} finding is reported for a subgroup only, not for its arm's whole sample: {items}.",
            "{number} findings are reported for a subgroup only, not for their arms' whole samples: {items}.",
            n,
            number=capitalise(number_word(n, lang, gender("finding", lang))),
            items=join_list(items, lang),
        )
    return _say(texts["en"], texts["es"], _finding_refs(rows), counts)


def _contested_sentence(f: _Facts) -> Sentence | None:
    """Findings whose direction two sources report differently (direction_alt): shown as contested."""
    rows = f.findings[f.findings["contested"].astype(bool)]
    if rows.empty:
        return None
    n = len(rows)
    counts = [_count(n, "findings", contested=True)]
    texts = {}
    for lang in i18n.LANGS:
        items = [
            t(
                lang,
                "the outcome {outcome} under {arm} ({source}: {direction}; {alt_source}: {alt_direction})",
                outcome=f.outcome(r.outcome, lang),
                arm=escape(r.intervention),
                source=escape(r.source_id or "?"),
                direction=i18n.word(r.direction, lang),
                alt_source=escape(r.alt_source_id),
                alt_direction=i18n.word(r.direction_alt, lang),
            )
            for r in rows.itertuples()
        ]
        texts[lang] = tn(
            lang,
            "The sources disagree on the direction of {number} finding: {items}. The counts use the first "
            "source's reading; the finding is marked as contested (†) in the heatmap and in the check of "
            "the claims.",
            "The sources disagree on the direction of {number} findings: {items}. The counts use the first "
            "source's reading; the findings are marked as contested (†) in the heatmap and in the check of "
            "the claims.",
            n,
            number=number_word(n, lang, gender("finding", lang)),
            items=join_list(items, lang),
        )
    return _say(texts["en"], texts["es"], _finding_refs(rows), counts)


def _claims_section(f: _Facts) -> Section | None:
    """Each coded conclusion of the source (claims.csv) with its verdict, reason and rows (`claims`)."""
    if f.ev.claims is None:
        return None
    tables = {lang: claims.check_claims(f.ev, lang) for lang in i18n.LANGS}
    counts = claims.verdict_counts(tables["en"])
    intro = {}
    for lang in i18n.LANGS:
        parts = join_list(
            [f"{claims.word_verdict(v, lang)} ({digits(k, lang)})" for v, k in counts.items() if k], lang
        )
        intro[lang] = tn(
            lang,
            "Each conclusion the source draws is coded in claims.csv as what it asserts, then checked "
            "against the findings and the institutional analysis above ({n} claim): {parts}. A claim is "
            "supported only where every part of the evidence it names bears it out.",
            "Each conclusion the source draws is coded in claims.csv as what it asserts, then checked "
            "against the findings and the institutional analysis above ({n} claims): {parts}. A claim is "
            "supported only where every part of the evidence it names bears it out.",
            len(tables["en"]),
            parts=parts,
        )
    items = []
    for en, es in zip(tables["en"].itertuples(), tables["es"].itertuples(), strict=True):
        texts = {}
        for lang, row in (("en", en), ("es", es)):
            where = f" ({escape(row.locator)})" if row.locator else ""
            texts[lang] = (
                f"**{escape(row.claim_id)}**{where}: {escape(row.text)} "
                f"*{claims.word_verdict(row.verdict, lang)}*: {escape(row.reason)}"
            )
        items.append(_say(texts["en"], texts["es"], _claim_refs(en.rows)))
    paragraphs = (Paragraph((_say(intro["en"], intro["es"]),)), Paragraph(tuple(items), as_list=True))
    return Section("claims", TITLES["claims"], paragraphs)


def _claim_refs(cell: str) -> list[Ref]:
    """The rows of a claim's verdict (tables/claims.csv, rows) as citations."""
    refs = []
    for item in filter(None, cell.split(claims.ROW_SEPARATOR)):
        where, sep, factor = item.partition(": ")
        country, slash, case = where.partition(contract.CASE_SEPARATOR)
        if sep and slash:
            refs.append(Ref("institutional.csv", (country, case, factor)))
        elif slash:
            refs.append(Ref("cases.csv", (country, case)))
        else:
            refs.append(Ref("findings.csv", (item,)))
    return refs


def _per_case_sentence(f: _Facts) -> Sentence | None:
    """Findings are grouped by evaluation: how many each case contributes."""
    evaluated = f.arms[f.arms["n_findings"] > 0]
    per_case = evaluated.groupby(["country", "case"], sort=False)["n_findings"].sum()
    refs = [_case_ref(c, k) for c, k in per_case.index]
    if len(f.findings) == 1:
        return None
    if len(per_case) == 1:
        country, case = per_case.index[0]
        where = {"en": _case_in_country(case, country, "en"), "es": _case_in_country(case, country, "es")}
        return _said(
            lambda lang: t(
                lang,
                "All findings come from the evaluation of a single case, {case}, so they are "
                "not independent of one another.",
                case=where[lang],
            ),
            refs,
        )
    if len(per_case) <= MAX_CASES_LISTED:
        counts = [_count(int(v), "findings", country=c, case=k) for (c, k), v in per_case.items()]
        texts = {}
        for lang in i18n.LANGS:
            listed = join_list(
                [
                    t(
                        lang,
                        "{number} from {case}",
                        number=number_word(int(v), lang, before_noun=False),
                        case=_case_in_country(k, c, lang),
                    )
                    for (c, k), v in per_case.items()
                ],
                lang,
            )
            texts[lang] = listed
        said = {
            lang: t(
                lang,
                "Findings are not independent, because each case's findings come from the "
                "evaluation of that case: {per_case}. A case with many findings weighs more in "
                "counts by finding than in counts by case.",
                per_case=texts[lang],
            )
            for lang in i18n.LANGS
        }
        return _say(said["en"], said["es"], refs, counts)
    low, high = int(per_case.min()), int(per_case.max())
    counts = [
        _count(len(per_case), "findings", "distinct:country,case"),
        _count(low, "findings", "min_size:country,case"),
        _count(high, "findings", "max_size:country,case"),
    ]
    said = {
        lang: t(
            lang,
            "Findings are not independent, because each case's findings come from the "
            "evaluation of that case, and the {cases} evaluated cases contribute between "
            "{low} and {high} findings each. A case with many findings weighs more in "
            "counts by finding than in counts by case.",
            cases=number_word(len(per_case), lang),
            low=number_word(low, lang, before_noun=False),
            high=number_word(high, lang, before_noun=False),
        )
        for lang in i18n.LANGS
    }
    return _say(said["en"], said["es"], refs, counts)


def _source_sentence(f: _Facts) -> Sentence | None:
    """Which sources the findings cite, and how much of the evidence rests on each."""
    findings = f.findings
    named = findings[findings["source_id"] != ""]
    n, unnamed = len(findings), len(findings) - len(named)
    if named.empty:
        return _said(
            lambda lang: t(
                lang, "No finding names its source, so the evidence cannot be traced beyond `findings.csv`."
            ),
            _finding_refs(findings),
        )
    per_source = named.groupby("source_id").size()
    order = sorted(per_source.index, key=natural_key)
    refs = [Ref("sources.csv", (s,)) for s in order] if f.ev.sources is not None else _finding_refs(named)
    counts = [_count(int(per_source[s]), "findings", source_id=s) for s in order]
    if len(order) == 1 and not unnamed and n == 1:
        s = escape(order[0])
        return _said(
            lambda lang: t(
                lang,
                "The only finding cites source {s}, so the whole synthesis rests on how that "
                "source reports it.",
                s=s,
            ),
            refs,
            counts,
        )
    if len(order) == 1 and not unnamed:
        s = escape(order[0])
        said = {
            lang: t(
                lang,
                "All {findings} cite a single source, {s}, so the whole synthesis rests "
                "on how that source reports the evaluations.",
                s=s,
                findings=count_noun(n, "finding", lang),
            )
            for lang in i18n.LANGS
        }
        return _say(said["en"], said["es"], refs, counts)
    texts = {}
    for lang in i18n.LANGS:
        listed = join_list(
            [f"{escape(s)} ({count_noun(int(per_source[s]), 'finding', lang)})" for s in order], lang
        )
        k = len(order)
        text = t(
            lang,
            "The findings cite {sources}: {listed}.",
            sources=count_noun(k, "source", lang),
            listed=listed,
        )
        if unnamed:
            lacking = capitalise(count_noun(unnamed, "finding", lang))
            text += tn(
                lang, " {lacking} names no source.", " {lacking} name no source.", unnamed, lacking=lacking
            )
        texts[lang] = text
    counts.append(_count(len(order), "findings", "distinct:source_id", source_id=order))
    if unnamed:
        counts.append(_count(unnamed, "findings", source_id=""))
    return _say(texts["en"], texts["es"], refs, counts)


def _ambiguous_sentence(f: _Facts) -> Sentence | None:
    """Measured outcomes whose desirable direction the codebook marks as ambiguous, named."""
    rows = f.findings[f.findings["better"] == "ambiguous"]
    if rows.empty:
        return None
    order = {o: i for i, o in enumerate(f.ev.outcomes["outcome"])}
    outcomes = sorted(set(rows["outcome"]), key=lambda o: order.get(o, 0))
    k = len(outcomes)
    count = _count(k, "findings", "distinct:outcome", better="ambiguous")
    texts = {}
    for lang in i18n.LANGS:
        listed = join_list([f.outcome(o, lang) for o in outcomes], lang)
        texts[lang] = tn(
            lang,
            "{outcomes} has a desirable direction the codebook marks as ambiguous, so changes "
            "in it are reported as unclear rather than beneficial or adverse: {listed}.",
            "{outcomes} have a desirable direction the codebook marks as ambiguous, so "
            "changes in them are reported as unclear rather than beneficial or adverse: "
            "{listed}.",
            k,
            outcomes=capitalise(count_noun(k, "outcome", lang)),
            listed=listed,
        )
    return _say(texts["en"], texts["es"], _finding_refs(rows), [count])
