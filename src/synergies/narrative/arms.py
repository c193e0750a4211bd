"""Single against combined arms within a case: compared outcome by outcome, by domain, or why not.

Each sentence is a typed-slot body (`slots`): numbers are `Num` slots carrying their Count, lists
`Items`, labels `Label`; the text is rendered per language at render time.
"""

from __future__ import annotations

import pandas as pd

from synergies.narrative.facts import _Facts
from synergies.narrative.model import Sentence, _count
from synergies.narrative.phrases import MAX_LISTED, VERDICT_VERBS
from synergies.narrative.refs import RefSet
from synergies.narrative.slots import Data, Msg, Num, Seq, Slot, items, msg, msgn, msgnp
from synergies.text import N_, NN_

# --------------------------------------------------------------------------- single versus combined


def _arm_comparison_sentences(f: _Facts, country: str) -> list[Sentence]:
    """Per evaluated case: the single-versus-combined comparison, or why there is none."""
    sentences: list[Sentence] = []
    for case in f.evaluated_cases(country):
        pairs = _pairs(f, country, case)
        if not pairs:
            sentences.append(_one_kind_of_arm_sentence(f, country, case))
            continue
        for (single, combined), rows in pairs:
            if "comparison" in rows and rows["comparison"].eq("not_nested").all():
                sentences.append(_not_nested_sentence(f, case, single, combined, rows))
            elif "comparison_basis" in rows and rows["comparison_basis"].eq("direct_contrast").any():
                sentences.append(_direct_contrast_sentence(f, country, case, single, combined, rows))
            else:
                sentences += _arm_pair_sentences(f, country, case, single, combined, rows)
    return sentences


def _pairs(f: _Facts, country: str, case: str) -> list[tuple[tuple[str, str], pd.DataFrame]]:
    """The arm pairs of one case and their comparison rows, from one grouping of the whole table."""
    if "arm_pairs" not in f._groups:
        by_case: dict[tuple[str, str], list] = {}
        if not f.comparison.empty:
            grouped = f.comparison.groupby(["country", "case", "single_arm", "combined_arm"], sort=False)
            for (c, k, single, combined), rows in grouped:
                by_case.setdefault((c, k), []).append(((single, combined), rows))
        f._groups["arm_pairs"] = by_case
    return f._groups["arm_pairs"].get((country, case), [])


def _pair_refs(
    f: _Facts, rows: pd.DataFrame, columns: tuple[str, ...] = ("single_findings", "combined_findings")
) -> RefSet:
    """The findings of both arms of a pair's rows (their ids are ";"-joined in the comparison table)."""
    return f.rows.findings(i for col in columns for v in rows[col] for i in v.split(";") if i)


def _verb(verdict: str, n: int) -> Msg:
    """What a unit with this verdict does ("points to beneficial effects"), agreeing with `n` subjects."""
    singular, plural = VERDICT_VERBS[verdict]["en"]
    return msgnp("what a unit with this verdict does", singular, plural, n)


def _not_nested_sentence(f: _Facts, case: str, single: str, combined: str, rows: pd.DataFrame) -> Sentence:
    """A single and a combined arm that arms.csv shows not nested: no comparison, and why."""
    body = msg(
        "In {case}, {combined} does not receive every programme of {single} (arms.csv), so the two "
        "arms are not compared as single against combined.",
        case=Data(case),
        combined=Data(combined),
        single=Data(single),
    )
    return f.say(body, _pair_refs(f, rows))


_DIRECT_PHRASES = {
    "combined_better": N_("better on {outcomes}"),
    "same": N_("no differently on {outcomes}"),
    "combined_worse": N_("worse on {outcomes}"),
    "cannot_tell": N_("in a way that cannot be judged on {outcomes}"),
}


def _direct_contrast_sentence(
    f: _Facts, country: str, case: str, single: str, combined: str, rows: pd.DataFrame
) -> Sentence:
    """A combined arm measured against the single arm itself: what adding its programmes did, by outcome."""
    direct = rows[rows["comparison_basis"] == "direct_contrast"]
    groups = {kind: list(direct.loc[direct["comparison"] == kind, "outcome"]) for kind in _DIRECT_PHRASES}
    where = {"country": country, "case": case, "single_arm": single, "combined_arm": combined}
    parts = [
        msg(_DIRECT_PHRASES[kind], outcomes=_outcome_list(f, outcomes, _direct_count(outcomes, kind, where)))
        for kind, outcomes in groups.items()
        if outcomes
    ]
    first = direct.iloc[0]
    base = [c.strip() for c in first["single_components"].split(";") if c.strip()]
    added = [
        c.strip() for c in first["combined_components"].split(";") if c.strip() and c.strip() not in base
    ]
    if added:
        with_added: Slot = msg("with {added} added", added=items(Data(a) for a in added))
    else:
        with_added = msg("with the programmes it adds")
    body = msg(
        "In {case}, {combined} was measured against {single} itself, a direct contrast between the arms: "
        "{with_added}, households fared {items}.",
        case=Data(case),
        combined=Data(combined),
        single=Data(single),
        with_added=with_added,
        items=items(parts),
    )
    return f.say(body, _pair_refs(f, direct, ("combined_findings", "single_findings")))


def _direct_count(outcomes: list[str], kind: str, where: dict[str, str]) -> Num:
    """The number of outcomes of one kind in a direct contrast, as the comparison table counts them."""
    count = _count(
        len(outcomes), "single_vs_combined", comparison_basis="direct_contrast", comparison=kind, **where
    )
    return Num(count, "word", "outcome")


def _one_kind_of_arm_sentence(f: _Facts, country: str, case: str) -> Sentence:
    """A case whose findings all concern single arms, or all combined ones."""
    rows = f.case_findings(country, case)
    kind = rows["arm"].iloc[0]
    arms = sorted(set(rows["intervention"]), key=str.casefold)
    names = items(Data(a) for a in arms)
    if kind == "single":
        body = msgn(
            "All findings of {case} concern its single arm, {names}; no combined arm was evaluated, so "
            "this case offers no single-versus-combined comparison.",
            "All findings of {case} concern its single arms, {names}; no combined arm was evaluated, so "
            "this case offers no single-versus-combined comparison.",
            len(arms),
            case=Data(case),
            names=names,
        )
    else:
        body = msgn(
            "All findings of {case} concern its combined arm, {names}; no single arm was evaluated, so "
            "this case offers no single-versus-combined comparison.",
            "All findings of {case} concern its combined arms, {names}; no single arm was evaluated, so "
            "this case offers no single-versus-combined comparison.",
            len(arms),
            case=Data(case),
            names=names,
        )
    return f.say(body, f.finding_refs(rows))


def _arm_pair_sentences(
    f: _Facts, country: str, case: str, single: str, combined: str, rows: pd.DataFrame
) -> list[Sentence]:
    """Compare one single arm with one combined arm of the same case, outcome by outcome and by domain."""
    comparable = rows[rows["comparable"]]
    refs = _pair_refs(f, rows)
    if comparable.empty:
        return [
            _not_comparable_sentence(f, country, case, single, combined, rows, refs),
            _domain_overlap_sentence(f, country, case, single, combined),
        ]
    return [_comparable_sentence(f, country, case, single, combined, rows, refs)]


def _outcome_list(f: _Facts, outcomes: list[str], count: Num | None = None) -> Slot:
    """Outcome labels as a list, or their number (`count`) when the list would be too long to read."""
    if len(outcomes) > MAX_LISTED and count is not None:
        return count
    return f.outcomes_slot(outcomes)


def _not_comparable_sentence(
    f: _Facts, country: str, case: str, single: str, combined: str, rows: pd.DataFrame, refs: RefSet
) -> Sentence:
    """Both arms exist but share no outcome: say so and what each measured."""
    single_outcomes = list(rows.loc[rows["single_effect"] != "", "outcome"])
    combined_outcomes = list(rows.loc[rows["combined_effect"] != "", "outcome"])
    listed = []
    for outcomes, arm in ((single_outcomes, single), (combined_outcomes, combined)):
        where = {"country": country, "case": case, "intervention": arm}
        count = Num(_count(len(outcomes), "findings", "distinct:outcome", **where), "word", "outcome")
        listed.append(_outcome_list(f, outcomes, count))
    body = msg(
        "The evaluation of {case} covers a single arm, {s}, and a combined arm, {c}, "
        "but measures them on different outcomes, so they cannot be compared outcome "
        "by outcome: {s} was measured on {single_outcomes}; {c} on {combined_outcomes}.",
        case=Data(case),
        s=Data(single),
        c=Data(combined),
        single_outcomes=listed[0],
        combined_outcomes=listed[1],
    )
    return f.say(body, refs)


def _domain_overlap_sentence(f: _Facts, country: str, case: str, single: str, combined: str) -> Sentence:
    """Where two arms share no outcome: do they at least share a domain, and what does each show there?"""
    verdicts = f.part("arm_verdicts", country=country, case=case)
    by_arm = {
        arm: dict(zip(g["domain"], g["verdict"], strict=True)) for arm, g in verdicts.groupby("intervention")
    }
    shared = f.domain_rank(set(by_arm.get(single, {})) & set(by_arm.get(combined, {})))
    of_arms = f.case_findings(country, case)
    of_arms = of_arms[of_arms["intervention"].isin([single, combined])]
    rows = of_arms[of_arms["domain"].isin(shared)]
    if not shared:
        body = msg("Nor do the arms share a domain, so not even a domain-level comparison is possible.")
        return f.say(body, f.finding_refs(of_arms))
    clauses: list[tuple[str, Slot]] = []
    for d in shared:
        a, b = by_arm[single][d], by_arm[combined][d]
        if a == b:
            clauses.append((d, msg("both {verdict}", verdict=_verb(a, 2))))
        else:
            clause = msg(
                "the single arm {single_verdict} and the combined arm {combined_verdict}",
                single_verdict=_verb(a, 1),
                combined_verdict=_verb(b, 1),
            )
            clauses.append((d, clause))
    if len(shared) == 1:
        d, clause = clauses[0]
        body = msg(
            "At domain level they overlap only in {domain}, where {clause}.",
            domain=f.label("domain", d),
            clause=clause,
        )
        return f.say(body, f.finding_refs(rows))
    where = {"country": country, "case": case, "single_arm": single, "combined_arm": combined}
    listed = items(msg("in {domain}, {clause}", domain=f.label("domain", d), clause=c) for d, c in clauses)
    body = msg(
        "At domain level they overlap in {domains}: {listed}.",
        domains=Num(_count(len(shared), "arm_pair_shared_domains", **where), "word", "domain"),
        listed=listed,
    )
    return f.say(body, f.finding_refs(rows))


_PAIR_PHRASES = {
    "same": NN_("the effect is the same on {n}", "the effect is the same on {n}"),
    "combined": NN_("the combined arm does better on {n}", "the combined arm does better on {n}"),
    "single": NN_("the single arm does better on {n}", "the single arm does better on {n}"),
    "unranked": NN_(
        "{n} cannot be ranked (ambiguous or conflicting)",
        "{n} cannot be ranked (ambiguous or conflicting)",
    ),
}


def _comparable_sentence(
    f: _Facts, country: str, case: str, single: str, combined: str, rows: pd.DataFrame, refs: RefSet
) -> Sentence:
    """Arms that share outcomes: on how many they agree, and which does better where they differ."""
    comparable = rows[rows["comparable"]]
    tally = {"same": 0, "combined": 0, "single": 0, "unranked": 0}
    kind = {"same": "same", "combined_better": "combined", "combined_worse": "single"}
    for comparison in comparable["comparison"]:  # two unclear effects are never "the same"
        tally[kind.get(comparison, "unranked")] += 1
    c, other = len(comparable), len(rows) - len(comparable)
    where = {"country": country, "case": case, "single_arm": single, "combined_arm": combined}
    parts = [
        msgn(*_PAIR_PHRASES[k], "n", n=Num(_count(v, "arm_pair_tally", k, **where), "word", alone=True))
        for k, v in tally.items()
        if v
    ]
    body: Slot = msg(
        "In {case}, the single arm {s} and the combined arm {cb} were both measured on {outcomes}: {items}.",
        case=Data(case),
        s=Data(single),
        cb=Data(combined),
        outcomes=Num(_count(c, "single_vs_combined", comparable="True", **where), "word", "outcome"),
        items=items(parts),
    )
    if other > 1:
        rest = Num(_count(other, "single_vs_combined", comparable="False", **where), "word", "outcome")
        tail: Slot = msgn(
            " The other {outcomes} has no counterpart in the other arm.",
            " The other {outcomes} have no counterpart in the other arm.",
            other,
            outcomes=rest,
        )
        body = Seq((body, tail))
    elif other:
        body = Seq((body, msg(" The remaining outcome has no counterpart in the other arm.")))
    return f.say(body, refs)
