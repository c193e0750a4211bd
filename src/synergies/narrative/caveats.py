"""The caveats: direction only, dependence of findings, sources, ambiguous outcomes, missing files,
subgroups, contested directions, magnitudes and the check of the claims.

Each sentence is a typed-slot body (`slots`): numbers are `Num` slots carrying their Count, lists
`Items`, labels `Label`; the text is rendered per language at render time. The tallies the sentences
need (findings per case and per source, subgroup and contested rows) are taken in one pass over the
findings and kept in `f._groups["caveats:..."]`.

A claim's reason is a body too, the one `claims.check_claim` builds (and tables/claims.csv holds
rendered), said here escaped as a whole; the claims' tallies are counts on that table (`verify`'s
"claims"). The magnitude bodies are `narrative.magnitudes`', the ones notebook 04 renders.
"""

from __future__ import annotations

from synergies import contract
from synergies.narrative import magnitudes
from synergies.narrative.facts import _Facts
from synergies.narrative.model import Paragraph, Ref, Section, Sentence, _count, natural_key
from synergies.narrative.phrases import MAX_CASES_LISTED, MISSING_CONSEQUENCES, TITLES
from synergies.narrative.refs import RefSet
from synergies.narrative.robust import _reporting_bias_sentences
from synergies.narrative.slots import (
    Cap,
    Country,
    Data,
    Escaped,
    Markup,
    Num,
    Seq,
    Slot,
    Word,
    items,
    msg,
    msgn,
)

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

    Its body is `magnitudes.no_estimates_body`, the one notebook 04 prints.
    """
    from synergies import magnitude

    if magnitude.has_measures(f.ev):
        return None
    return f.say(magnitudes.no_estimates_body(f.findings))


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
        named = f.findings["source_id"].tolist()  # a list: iterating an Arrow column costs per value
        refs = f.rows.findings(i for i, s in zip(tally["ids"], named, strict=True) if s)

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
    measured = set(f.findings["outcome"].iloc[positions].unique())
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

    The bodies are `narrative.magnitudes`', the very ones notebook 04 renders; each pooled sentence
    cites the findings pooled, and its numbers (estimate, interval, k, I², tau²) are those of
    `pooled_estimates.csv` as notebook 04 writes it, each a Num counted on that table. statsmodels is
    imported only when at least two evaluations share a domain and measure.
    """
    from synergies import magnitude

    if not magnitude.has_measures(f.ev):
        return None
    aligned = magnitude.aligned_estimates(f.ev)
    pooled = magnitude.pooled_estimates(magnitude.case_estimates(aligned))
    key = "caveats:measure_better"
    if key not in f._groups:
        f._groups[key] = magnitudes.measure_better_pairs(f.findings)
    summary = magnitudes.summary_body(f.findings, aligned, pooled, f._groups[key])
    paragraphs = [Paragraph((f.say(summary),))]
    by_domain: dict[str, list] = {}
    for r in pooled.itertuples(index=False):
        by_domain.setdefault(r.domain, []).append(r)
    for domain in f.ev.domain_order:
        sentences = tuple(
            f.say(magnitudes.pooled_body(r, f.labels), f.rows.findings(r.finding_ids.split(";")))
            for r in by_domain.get(domain, [])
        )
        if sentences:
            paragraphs.append(Paragraph(sentences))
    paragraphs.append(Paragraph((f.say(magnitudes.method_body()),)))
    return Section("magnitudes", TITLES["magnitudes"], tuple(paragraphs))


# =========================================================================== claims


def _claims_section(f: _Facts) -> Section | None:
    """Each coded conclusion of the source (claims.csv) with its verdict, reason and rows (`claims`).

    The reasons are the claims check's bodies (`claims.check_all`), rendered per language like every
    sentence; the verdict tallies are counts on tables/claims.csv as it is written (English).
    """
    from synergies import claims  # claims builds its reasons from the narrative's slots

    if f.ev.claims is None:
        return None
    checked = claims.check_all(f.ev)
    en = f.table("claims", lambda: claims.check_claims(f.ev, "en", checked))
    tally = claims.verdict_counts(en)
    parts = items(
        Seq((claims.verdict_word(v), Markup(" ("), Num(_count(k, "claims", verdict=v)), Markup(")")))
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
    for (claim, result), rows in zip(checked, en["rows"], strict=True):
        body: list[Slot] = [Markup("**"), Data(claim["claim_id"]), Markup("**")]
        if claim["locator"]:
            body += [Markup(" ("), Data(claim["locator"]), Markup(")")]
        body += [
            Markup(": "),
            Data(claim["text"]),
            Markup(" *"),
            claims.verdict_word(result.verdict),
            Markup("*: "),
        ]
        body.append(Escaped(result.reason))  # data text in a reason is as coded: escaped with the whole
        listed.append(f.say(Seq(tuple(body)), _claim_refs(rows)))
    paragraphs = (Paragraph((f.say(intro),)), Paragraph(tuple(listed), as_list=True))
    return Section("claims", TITLES["claims"], paragraphs)


def _claim_refs(cell: str) -> list[Ref]:
    """The rows of a claim's verdict (tables/claims.csv, rows) as citations."""
    from synergies import claims

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
