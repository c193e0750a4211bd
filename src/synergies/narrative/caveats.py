"""The caveats: direction only, dependence of findings, sources, ambiguous outcomes, missing files,
subgroups, contested directions, magnitudes and the check of the claims.

Each sentence is a typed-slot body (`slots`): numbers are `Num` slots carrying their Count, lists
`Items`, labels `Label`; the text is rendered per language at render time. The tallies the sentences
need (findings per case and per source, subgroup and contested rows) are taken in one pass over the
findings and kept in `f._groups["caveats:..."]`.

One kind of wording is still finished per-language text (`slots.Written`): a claim's reason, which
`claims.check_claims` writes in each language (tables/claims.csv); the claims' tallies are counts
on that table (`verify`'s "claims").
"""

from __future__ import annotations

import math

import pandas as pd

from synergies import claims, contract
from synergies.narrative.facts import _Facts
from synergies.narrative.model import Count, Paragraph, Ref, Section, Sentence, _count, natural_key
from synergies.narrative.phrases import MAX_CASES_LISTED, MISSING_CONSEQUENCES, TITLES
from synergies.narrative.refs import RefSet
from synergies.narrative.robust import _reporting_bias_sentences
from synergies.narrative.slots import (
    Cap,
    Country,
    Data,
    Escaped,
    Label,
    Markup,
    Num,
    Seq,
    Slot,
    Word,
    Written,
    items,
    msg,
    msgn,
    msgp,
    render,
)
from synergies.text import NP_, numbers

# =========================================================================== caveats


def _caveats_section(f: _Facts) -> Section:
    """Direction only; findings per evaluation; sources; ambiguous outcomes; optional files not given."""
    sentences = [
        f.say(
            msg(
                "The synthesis counts the direction of each effect only, not its size or "
                "statistical significance: a domain with many beneficial findings is not "
                "necessarily a domain with large effects."
            )
        ),
    ]
    for sentence in (_no_magnitude_sentence(f), _per_case_sentence(f), _source_sentence(f)):
        if sentence:
            sentences.append(sentence)
    ambiguous = _ambiguous_sentence(f)
    if ambiguous:
        sentences.append(ambiguous)
    sentences += _reporting_bias_sentences(f)
    sentences += [s for s in (_subgroup_sentence(f), _contested_sentence(f)) if s]
    paragraphs = [Paragraph(tuple(sentences))]
    missing = f.ev.missing_optional
    if missing:
        k = len(missing)
        files = Num(_count(k, "missing_optional"), "word", "optional_file")
        lead = msgn(
            "{files} of the data contract was not given, and this text lacks what it would provide:",
            "{files} of the data contract were not given, and this text lacks what they would provide:",
            k,
            files=files,
        )
        listed = tuple(
            f.say(
                msg(
                    "`{name}`: {consequence}",
                    name=Markup(name),
                    consequence=msg(MISSING_CONSEQUENCES[name]["en"]),
                )
            )
            for name in missing
        )
        paragraphs += [Paragraph((f.say(Cap(lead)),)), Paragraph(listed, as_list=True)]
    return Section("caveats", TITLES["caveats"], tuple(paragraphs))


def _case_in_country(country: str, case: str) -> Slot:
    """ "Case (Country)": the case as coded, the country by its name in the reader's language."""
    return Seq((Data(case), Markup(" ("), Country(country), Markup(")")))


def _tallies(f: _Facts) -> dict:
    """What the caveats count, from one pass over the findings (kept for the narrative's life).

    `sources`: findings per named source; `unnamed`: findings naming none; `subgroup`, `contested`:
    the positions of such rows; `ambiguous`: positions of findings on outcomes of ambiguous
    desirability.
    """
    key = "caveats:tallies"
    if key not in f._groups:
        findings = f.findings
        sources: dict[str, int] = {}
        unnamed = 0
        for s in findings["source_id"].tolist():
            if s == "":
                unnamed += 1
            else:
                sources[s] = sources.get(s, 0) + 1
        subgroup = [i for i, v in enumerate(findings["subgroup"].tolist()) if v != ""]
        contested = [i for i, v in enumerate(findings["contested"].astype(bool).tolist()) if v]
        ambiguous = [i for i, v in enumerate(findings["better"].tolist()) if v == "ambiguous"]
        f._groups[key] = {
            "ids": findings["finding_id"].tolist(),
            "sources": sources,
            "unnamed": unnamed,
            "subgroup": subgroup,
            "contested": contested,
            "ambiguous": ambiguous,
        }
    return f._groups[key]


def _finding_rows(f: _Facts, positions: list[int]) -> RefSet:
    """The findings at these row positions of findings.csv, as a row set."""
    ids = _tallies(f)["ids"]
    return f.rows.findings(ids[i] for i in positions)


def _no_magnitude_sentence(f: _Facts) -> Sentence | None:
    """The one sentence that says why no size is given, when no finding has an estimate with a measure.

    The wording is `magnitude_text.no_estimates`' (the notebook's), as one message.
    """
    from synergies import magnitude

    if magnitude.has_measures(f.ev):
        return None
    findings = f.findings
    if findings["estimate"].notna().any() and not findings["effect_measure"].ne("").any():
        return f.say(
            msg(
                "The findings give estimates but no `effect_measure`, so their sizes cannot be compared "
                "or pooled; the synthesis rests on directions only."
            )
        )
    return f.say(
        msg(
            "No finding reports an estimate with its measure, so no magnitude can be shown or pooled: "
            "the synthesis rests on the direction of effects."
        )
    )


def _subgroup_sentence(f: _Facts) -> Sentence | None:
    """Findings reported for a subgroup only (findings.csv, subgroup): not the arm's average effect."""
    positions = _tallies(f)["subgroup"]
    if not positions:
        return None
    rows = f.findings.iloc[positions]
    n = len(rows)
    number = Num(_count(n, "findings", subgroup=sorted(set(rows["subgroup"]))), "word", agree="finding")
    listed = items(
        msg(
            "the outcome {outcome} under {arm} ({subgroup})",
            outcome=f.label("outcome", outcome),
            arm=Data(arm),
            subgroup=Data(subgroup),
        )
        for outcome, arm, subgroup in zip(
            rows["outcome"], rows["intervention"], rows["subgroup"], strict=True
        )
    )
    body = msgn(
        "{number} finding is reported for a subgroup only, not for its arm's whole sample: {items}.",
        "{number} findings are reported for a subgroup only, not for their arms' whole samples: {items}.",
        n,
        number=Cap(number),
        items=listed,
    )
    return f.say(body, _finding_rows(f, positions))


def _contested_sentence(f: _Facts) -> Sentence | None:
    """Findings whose direction two sources report differently (direction_alt): shown as contested."""
    positions = _tallies(f)["contested"]
    if not positions:
        return None
    rows = f.findings.iloc[positions]
    n = len(rows)
    number = Num(_count(n, "findings", contested=True), "word", agree="finding")
    listed = items(
        msg(
            "the outcome {outcome} under {arm} ({source}: {direction}; {alt_source}: {alt_direction})",
            outcome=f.label("outcome", r.outcome),
            arm=Data(r.intervention),
            source=Data(r.source_id or "?"),
            direction=Word(r.direction),
            alt_source=Data(r.alt_source_id),
            alt_direction=Word(r.direction_alt),
        )
        for r in rows.itertuples()
    )
    body = msgn(
        "The sources disagree on the direction of {number} finding: {items}. The counts use the first "
        "source's reading; the finding is marked as contested (†) in the heatmap and in the check of "
        "the claims.",
        "The sources disagree on the direction of {number} findings: {items}. The counts use the first "
        "source's reading; the findings are marked as contested (†) in the heatmap and in the check of "
        "the claims.",
        "number",
        number=number,
        items=listed,
    )
    return f.say(body, _finding_rows(f, positions))


def _per_case_sentence(f: _Facts) -> Sentence | None:
    """Findings are grouped by evaluation: how many each case contributes."""
    if len(f.findings) == 1:
        return None
    per_case: dict[tuple[str, str], int] = {}  # in the order of the arms table, as the groupby was
    for country, case, n in zip(f.arms["country"], f.arms["case"], f.arms["n_findings"], strict=True):
        if n > 0:
            per_case[(country, case)] = per_case.get((country, case), 0) + int(n)
    refs = f.rows.of(Ref("cases.csv", key) for key in per_case)
    if len(per_case) == 1:
        (country, case), _ = next(iter(per_case.items()))
        body = msg(
            "All findings come from the evaluation of a single case, {case}, so they are "
            "not independent of one another.",
            case=_case_in_country(country, case),
        )
        return f.say(body, refs)
    if len(per_case) <= MAX_CASES_LISTED:
        listed = items(
            msg(
                "{number} from {case}",
                number=Num(_count(n, "findings", country=c, case=k), "word", alone=True),
                case=_case_in_country(c, k),
            )
            for (c, k), n in per_case.items()
        )
        body = msg(
            "Findings are not independent, because each case's findings come from the "
            "evaluation of that case: {per_case}. A case with many findings weighs more in "
            "counts by finding than in counts by case.",
            per_case=listed,
        )
        return f.say(body, refs)
    low, high = min(per_case.values()), max(per_case.values())
    body = msg(
        "Findings are not independent, because each case's findings come from the "
        "evaluation of that case, and the {cases} evaluated cases contribute between "
        "{low} and {high} findings each. A case with many findings weighs more in "
        "counts by finding than in counts by case.",
        cases=Num(_count(len(per_case), "findings", "distinct:country,case"), "word"),
        low=Num(_count(low, "findings", "min_size:country,case"), "word", alone=True),
        high=Num(_count(high, "findings", "max_size:country,case"), "word", alone=True),
    )
    return f.say(body, refs)


def _source_sentence(f: _Facts) -> Sentence | None:
    """Which sources the findings cite, and how much of the evidence rests on each."""
    tally = _tallies(f)
    per_source, unnamed = tally["sources"], tally["unnamed"]
    n = len(f.findings)
    if not per_source:
        body = msg("No finding names its source, so the evidence cannot be traced beyond `findings.csv`.")
        return f.say(body, f.rows.findings(tally["ids"]))
    order = sorted(per_source, key=natural_key)
    if f.ev.sources is not None:
        refs = f.rows.of(Ref("sources.csv", (s,)) for s in order)
    else:
        refs = f.rows.findings(i for i, s in zip(tally["ids"], f.findings["source_id"], strict=True) if s)

    def findings_of(s: str) -> Num:
        """How many findings cite source `s`, as "three findings"."""
        return Num(_count(per_source[s], "findings", source_id=s), "word", "finding")

    if len(order) == 1 and not unnamed and n == 1:
        body = msg(
            "The only finding cites source {s}, so the whole synthesis rests on how that source reports it.",
            s=Data(order[0]),
        )
        return f.say(body, refs)
    if len(order) == 1 and not unnamed:
        body = msg(
            "All {findings} cite a single source, {s}, so the whole synthesis rests "
            "on how that source reports the evaluations.",
            s=Data(order[0]),
            findings=findings_of(order[0]),
        )
        return f.say(body, refs)
    listed = items(Seq((Data(s), Markup(" ("), findings_of(s), Markup(")"))) for s in order)
    sources = Num(_count(len(order), "findings", "distinct:source_id", source_id=order), "word", "source")
    body: Slot = msg("The findings cite {sources}: {listed}.", sources=sources, listed=listed)
    if unnamed:
        lacking = Num(_count(unnamed, "findings", source_id=""), "word", "finding")
        tail = msgn(
            " {lacking} names no source.", " {lacking} name no source.", unnamed, lacking=Cap(lacking)
        )
        body = Seq((body, tail))
    return f.say(body, refs)


def _ambiguous_sentence(f: _Facts) -> Sentence | None:
    """Measured outcomes whose desirable direction the codebook marks as ambiguous, named."""
    positions = _tallies(f)["ambiguous"]
    if not positions:
        return None
    measured = set(f.findings["outcome"].iloc[positions])
    order = {o: i for i, o in enumerate(f.ev.outcomes["outcome"])}
    outcomes = sorted(measured, key=lambda o: order.get(o, 0))
    k = len(outcomes)
    count = Num(_count(k, "findings", "distinct:outcome", better="ambiguous"), "word", "outcome")
    body = msgn(
        "{outcomes} has a desirable direction the codebook marks as ambiguous, so changes "
        "in it are reported as unclear rather than beneficial or adverse: {listed}.",
        "{outcomes} have a desirable direction the codebook marks as ambiguous, so "
        "changes in them are reported as unclear rather than beneficial or adverse: "
        "{listed}.",
        k,
        outcomes=Cap(count),
        listed=items(f.label("outcome", o) for o in outcomes),
    )
    return f.say(body, _finding_rows(f, positions))


# =========================================================================== magnitudes


def _magnitude_section(f: _Facts) -> Section | None:
    """Pooled sizes of effects (`synergies.magnitude`), a paragraph per domain, only when the data carry them.

    Each sentence cites the findings pooled; its numbers (estimate, interval, k, I², tau²) are
    those of `pooled_estimates.csv` as notebook 04 writes it, each a Num counted on that table. The
    wording is `magnitude_text`'s (the notebook's), message for message. statsmodels is imported only
    when at least two evaluations share a domain and measure.
    """
    from synergies import magnitude

    if not magnitude.has_measures(f.ev):
        return None
    aligned = magnitude.aligned_estimates(f.ev)
    pooled = magnitude.pooled_estimates(magnitude.case_estimates(aligned))
    paragraphs = [Paragraph((f.say(_magnitude_summary(f, aligned, pooled)),))]
    by_domain: dict[str, list] = {}
    for r in pooled.itertuples(index=False):
        by_domain.setdefault(r.domain, []).append(r)
    for domain in f.ev.domain_order:
        sentences = tuple(
            f.say(_pooled_body(f, r), f.rows.findings(r.finding_ids.split(";")))
            for r in by_domain.get(domain, [])
        )
        if sentences:
            paragraphs.append(Paragraph(sentences))
    method = msg(
        "Estimates are sign-aligned with the codebook so that positive is good for households. "
        "Each evaluation contributes one estimate per domain and measure: the mean of its findings, "
        "with a standard error that assumes they are perfectly correlated (conservative). Where at "
        "least two evaluations share a domain and measure, a random-effects meta-analysis pools them "
        "with the Paule–Mandel between-evaluation variance, which is less biased than "
        "DerSimonian–Laird with few evaluations. With so few evaluations the interval at {confidence}, "
        "which treats tau² as known, is still optimistic.",
        confidence=msgp("the confidence level of an interval", "95%"),
    )
    paragraphs.append(Paragraph((f.say(method),)))
    return Section("magnitudes", TITLES["magnitudes"], tuple(paragraphs))


# Why an aligned estimate is left out of pooling (magnitude's `pooled_as`), in the order said.
_LEFT_OUT = {
    "ambiguous_outcome": (
        "{n} is on an outcome of ambiguous desirability and cannot be aligned",
        "{n} are on outcomes of ambiguous desirability and cannot be aligned",
    ),
    "no_std_error": ("{n} has no standard error", "{n} have no standard error"),
    "raw_unit": (
        "{n} is in a raw unit, and such units differ between outcomes",
        "{n} are in raw units, which differ between outcomes",
    ),
}


def _magnitude_summary(f: _Facts, aligned: pd.DataFrame, pooled: pd.DataFrame) -> Slot:
    """What was sized: findings with estimates, how many can be pooled, and why not the rest."""
    from synergies import magnitude

    ids = aligned["finding_id"].tolist()
    reason_of = aligned["pooled_as"].tolist()
    aligns = ("higher", "lower")

    def counted(
        reasons: tuple[str, ...] | None, measures: tuple[str, ...], better: tuple[str, ...] | None
    ) -> Num:
        """How many aligned estimates have these `pooled_as` values (None: any), counted on findings.csv."""
        chosen = [i for i, r in zip(ids, reason_of, strict=True) if reasons is None or r in reasons]
        return Num(_aligned_count(f, chosen, measures, better))

    n = counted(None, contract.EFFECT_MEASURES, None)
    total = Num(_count(len(f.findings), "findings"))
    parts: list[Slot] = [
        msgn(
            "{n} of {total} finding reports an estimate with its measure;",
            "{n} of {total} findings report an estimate with its measure;",
            "n",
            n=n,
            total=total,
        ),
        Markup(" "),
        msgn(
            "{n} has a standard error in a measure that can be pooled.",
            "{n} have a standard error in a measure that can be pooled.",
            "n",
            n=counted(magnitude.POOLED_MEASURES, magnitude.POOLED_MEASURES, aligns),
        ),
    ]
    # What decides each reason, as far as findings.csv's columns can say it (`magnitude.aligned_estimates`).
    deciding = {
        magnitude.NOT_ALIGNED: (contract.EFFECT_MEASURES, ("ambiguous",)),
        magnitude.NO_SE: (magnitude.POOLED_MEASURES, aligns),
        magnitude.RAW_UNIT: (("raw",), aligns),
    }
    reasons = []
    for reason, (singular, plural) in _LEFT_OUT.items():
        if reason in reason_of:
            number = counted((reason,), *deciding[reason])
            reasons.append(msgn(singular, plural, "n", n=number))
    if reasons:
        parts += [Markup(" "), msg("Left out of pooling: {reasons}.", reasons=items(reasons))]
    if pooled.empty:
        nothing = msg(
            "No domain has two evaluations with an estimate in the same measure, so nothing is pooled."
        )
        parts += [Markup(" "), nothing]
    return Seq(tuple(parts))


def _aligned_count(
    f: _Facts, ids: list[str], measures: tuple[str, ...], better: tuple[str, ...] | None
) -> Count:
    """A Count of these aligned estimates on findings.csv (no table `verify` knows holds them).

    The findings counted are always among those with these measures (and desirabilities), so when
    the two numbers agree they are the same rows and the Count says so by those columns; otherwise
    (a measure without an estimate, a missing standard error) it names the findings by id.
    """
    key = "caveats:measure_better"
    if key not in f._groups:
        pairs: dict[tuple[str, str], int] = {}
        for pair in zip(f.findings["effect_measure"].tolist(), f.findings["better"].tolist(), strict=True):
            pairs[pair] = pairs.get(pair, 0) + 1
        f._groups[key] = pairs
    matching = sum(
        k for (m, b), k in f._groups[key].items() if m in measures and (better is None or b in better)
    )
    if matching != len(ids):
        return _count(len(ids), "findings", finding_id=ids)
    where: dict[str, object] = {"effect_measure": measures}
    if better is not None:
        where["better"] = better
    return _count(len(ids), "findings", **where)


# I² bands (the Cochrane Handbook's rough ones): below each bound, the word for it.
_HETEROGENEITY_BANDS = (
    (25, NP_("heterogeneity", "low")),
    (50, NP_("heterogeneity", "moderate")),
    (75, NP_("heterogeneity", "substantial")),
    (math.inf, NP_("heterogeneity", "considerable")),
)


def _pooled_body(f: _Facts, row) -> Slot:
    """One pooled estimate in words: size, interval, k, whether it excludes no effect, heterogeneity.

    The domain's label leads before a colon (any label reads right there, a clause-like one too),
    unitalicised as the notebook prints it.
    """
    from synergies import magnitude_text

    where = {"domain": row.domain, "effect_measure": row.effect_measure}

    def number(column: str, places: int = magnitude_text.PLACES) -> Slot:
        """A column of this pooled row as a decimal; a value that rounds to zero is written 0.00, unsigned."""
        value = float(getattr(row, column))
        if math.isnan(value):
            return Markup("–")
        if value < 0 and numbers.rounded(value, places) == 0:  # "-0.00" reads as a negative effect
            return Num(_count(0.0, "pooled_estimates", f"below:{column}", **where), "decimal", places=places)
        return Num(_count(value, "pooled_estimates", f"max:{column}", **where), "decimal", places=places)

    unit = magnitude_text.MEASURES[row.effect_measure][1]
    estimate = number("estimate")
    if unit:
        estimate = Seq((estimate, Markup(" "), msgp("unit", unit)))
    null = 1.0 if row.scale == "ratio" else 0.0
    if row.ci_low > null or row.ci_high < null:
        verdict = msg("its interval excludes no effect")
    else:
        verdict = msg("its interval includes no effect")
    i2 = float(row.i2)
    level = next(word for bound, word in _HETEROGENEITY_BANDS if i2 < bound)
    heterogeneity = msg(
        "heterogeneity is {level} (I² = {i2}, tau² = {tau2})",
        level=msgp("heterogeneity", level),
        i2=msgp("a percentage", "{points}%", points=_whole_points(i2, where)),
        tau2=number("tau2", magnitude_text.TAU2_PLACES),
    )
    body = msg(
        "{domain}: the pooled estimate ({measure}, aligned so that positive is good for households) "
        "is {estimate} ({interval}) across {k} evaluations; {verdict}, and {heterogeneity}",
        domain=Escaped(Label("domain", row.domain, f.labels, plain=True)),  # a heading-like name: no italics
        measure=msg(magnitude_text.MEASURES[row.effect_measure][0]),
        estimate=estimate,
        interval=msg("95% CI {low} to {high}", low=number("ci_low"), high=number("ci_high")),
        k=Num(_count(int(row.k), "pooled_estimates", "value:k", **where)),
        verdict=verdict,
        heterogeneity=heterogeneity,
    )
    return Seq((body, Markup(".")))


def _whole_points(points: float, where: dict[str, str]) -> Num:
    """I² in whole percentage points ("34"), its Count the exact value in pooled_estimates."""
    return Num(_count(points, "pooled_estimates", "max:i2", **where), "decimal", places=0)


# =========================================================================== claims


def _claims_section(f: _Facts) -> Section | None:
    """Each coded conclusion of the source (claims.csv) with its verdict, reason and rows (`claims`)."""
    if f.ev.claims is None:
        return None
    en = f.table("claims", lambda: claims.check_claims(f.ev, "en"))
    es = claims.check_claims(f.ev, "es")
    tally = claims.verdict_counts(en)
    parts = items(
        Seq((_verdict_word(v), Markup(" ("), Num(_count(k, "claims", verdict=v)), Markup(")")))
        for v, k in tally.items()
        if k
    )
    intro = msgn(
        "Each conclusion the source draws is coded in claims.csv as what it asserts, then checked "
        "against the findings and the institutional analysis above ({n} claim): {parts}. A claim is "
        "supported only where every part of the evidence it names bears it out.",
        "Each conclusion the source draws is coded in claims.csv as what it asserts, then checked "
        "against the findings and the institutional analysis above ({n} claims): {parts}. A claim is "
        "supported only where every part of the evidence it names bears it out.",
        len(en),
        n=Num(_count(len(en), "claims")),
        parts=parts,
    )
    listed = []
    for row, reason_es in zip(en.itertuples(), es["reason"], strict=True):
        body: list[Slot] = [Markup("**"), Data(row.claim_id), Markup("**")]
        if row.locator:
            body += [Markup(" ("), Data(row.locator), Markup(")")]
        body += [Markup(": "), Data(row.text), Markup(" *"), _verdict_word(row.verdict), Markup("*: ")]
        body.append(Written(render(Data(row.reason), "en"), render(Data(reason_es), "es")))
        listed.append(f.say(Seq(tuple(body)), _claim_refs(row.rows)))
    paragraphs = (Paragraph((f.say(intro),)), Paragraph(tuple(listed), as_list=True))
    return Section("claims", TITLES["claims"], paragraphs)


def _verdict_word(verdict: str) -> Slot:
    """A claim's verdict in words ("partly supported"), as `claims.word_verdict` writes it."""
    return msgp("verdict on a claim", claims.VERDICT_WORDS[verdict])


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
