"""Single against combined arms within a case: compared outcome by outcome, by domain, or why not."""

from __future__ import annotations

import pandas as pd

from synergies import i18n
from synergies.narrative.facts import _Facts, _finding_refs
from synergies.narrative.model import Ref, Sentence, _count, _said, _say, escape
from synergies.narrative.phrases import MAX_LISTED, VERDICT_VERBS
from synergies.text import N_, NN_, t, tn
from synergies.text.grammar import (
    count_noun,
    join_list,
    number_word,
)

# --------------------------------------------------------------------------- single versus combined


def _arm_comparison_sentences(f: _Facts, country: str) -> list[Sentence]:
    """Per evaluated case: the single-versus-combined comparison, or why there is none."""
    sentences: list[Sentence] = []
    for case in f.evaluated_cases(country):
        pairs = f.part("comparison", country=country, case=case)
        if pairs.empty:
            sentences.append(_one_kind_of_arm_sentence(f, country, case))
            continue
        for (single, combined), rows in pairs.groupby(["single_arm", "combined_arm"], sort=False):
            if "comparison" in rows and rows["comparison"].eq("not_nested").all():
                sentences.append(_not_nested_sentence(f, country, case, single, combined, rows))
            elif "comparison_basis" in rows and rows["comparison_basis"].eq("direct_contrast").any():
                sentences.append(_direct_contrast_sentence(f, case, single, combined, rows))
            else:
                sentences += _arm_pair_sentences(f, country, case, single, combined, rows)
    return sentences


def _pair_refs(rows: pd.DataFrame) -> list[Ref]:
    """The findings of both arms of a pair's rows."""
    ids = [
        i for col in ("single_findings", "combined_findings") for v in rows[col] for i in v.split(";") if i
    ]
    return [Ref("findings.csv", (i,)) for i in ids]


def _not_nested_sentence(
    f: _Facts, country: str, case: str, single: str, combined: str, rows: pd.DataFrame
) -> Sentence:
    """A single and a combined arm that arms.csv shows not nested: no comparison, and why."""
    return _said(
        lambda lang: t(
            lang,
            "In {case}, {combined} does not receive every programme of {single} (arms.csv), so the two "
            "arms are not compared as single against combined.",
            case=escape(case),
            combined=escape(combined),
            single=escape(single),
        ),
        _pair_refs(rows),
    )


def _direct_contrast_sentence(
    f: _Facts, case: str, single: str, combined: str, rows: pd.DataFrame
) -> Sentence:
    """A combined arm measured against the single arm itself: what adding its programmes did, by outcome."""
    direct = rows[rows["comparison_basis"] == "direct_contrast"]
    groups = {
        kind: list(direct.loc[direct["comparison"] == kind, "outcome"])
        for kind in ("combined_better", "same", "combined_worse", "cannot_tell")
    }
    phrases = {
        "combined_better": N_("better on {outcomes}"),
        "same": N_("no differently on {outcomes}"),
        "combined_worse": N_("worse on {outcomes}"),
        "cannot_tell": N_("in a way that cannot be judged on {outcomes}"),
    }
    refs = [Ref("findings.csv", (i,)) for v in direct["combined_findings"] for i in v.split(";") if i]
    refs += [Ref("findings.csv", (i,)) for v in direct["single_findings"] for i in v.split(";") if i]
    texts = {}
    for lang in i18n.LANGS:
        parts = [
            t(lang, phrases[kind], outcomes=_outcome_list(f, outcomes, lang))
            for kind, outcomes in groups.items()
            if outcomes
        ]
        first = direct.iloc[0]
        base = [c.strip() for c in first["single_components"].split(";") if c.strip()]
        added = [
            c.strip() for c in first["combined_components"].split(";") if c.strip() and c.strip() not in base
        ]
        if added:
            with_added = t(lang, "with {added} added", added=join_list([escape(a) for a in added], lang))
        else:
            with_added = t(lang, "with the programmes it adds")
        texts[lang] = t(
            lang,
            "In {case}, {combined} was measured against {single} itself, a direct contrast between the arms: "
            "{with_added}, households fared {items}.",
            case=escape(case),
            combined=escape(combined),
            single=escape(single),
            with_added=with_added,
            items=join_list(parts, lang),
        )
    return _say(texts["en"], texts["es"], refs)


def _one_kind_of_arm_sentence(f: _Facts, country: str, case: str) -> Sentence:
    """A case whose findings all concern single arms, or all combined ones."""
    rows = f.case_findings(country, case)
    kind = rows["arm"].iloc[0]
    arms = sorted(set(rows["intervention"]), key=str.casefold)
    k = len(arms)
    texts = {}
    for lang in i18n.LANGS:
        names = join_list([escape(a) for a in arms], lang)
        if kind == "single":
            texts[lang] = tn(
                lang,
                "All findings of {case} concern its single arm, {names}; no combined arm was evaluated, so "
                "this case offers no single-versus-combined comparison.",
                "All findings of {case} concern its single arms, {names}; no combined arm was evaluated, so "
                "this case offers no single-versus-combined comparison.",
                k,
                case=escape(case),
                names=names,
            )
        else:
            texts[lang] = tn(
                lang,
                "All findings of {case} concern its combined arm, {names}; no single arm was evaluated, so "
                "this case offers no single-versus-combined comparison.",
                "All findings of {case} concern its combined arms, {names}; no single arm was evaluated, so "
                "this case offers no single-versus-combined comparison.",
                k,
                case=escape(case),
                names=names,
            )
    return _say(texts["en"], texts["es"], _finding_refs(rows))


def _arm_pair_sentences(
    f: _Facts, country: str, case: str, single: str, combined: str, rows: pd.DataFrame
) -> list[Sentence]:
    """Compare one single arm with one combined arm of the same case, outcome by outcome and by domain."""
    comparable = rows[rows["comparable"]]
    ids = [
        i for col in ("single_findings", "combined_findings") for v in rows[col] for i in v.split(";") if i
    ]
    refs = [Ref("findings.csv", (i,)) for i in ids]
    if comparable.empty:
        return [
            _not_comparable_sentence(f, country, case, single, combined, rows, refs),
            _domain_overlap_sentence(f, country, case, single, combined),
        ]
    return [_comparable_sentence(f, country, case, single, combined, rows, refs)]


def _outcome_list(f: _Facts, outcomes: list[str], lang: str) -> str:
    """Outcome labels as a list, or their number when the list would be too long to read."""
    if len(outcomes) > MAX_LISTED:
        return count_noun(len(outcomes), "outcome", lang)
    return f.outcomes(outcomes, lang)


def _not_comparable_sentence(
    f: _Facts, country: str, case: str, single: str, combined: str, rows: pd.DataFrame, refs: list[Ref]
) -> Sentence:
    """Both arms exist but share no outcome: say so and what each measured."""
    single_outcomes = list(rows.loc[rows["single_effect"] != "", "outcome"])
    combined_outcomes = list(rows.loc[rows["combined_effect"] != "", "outcome"])
    counts = []
    for outcomes, arm in ((single_outcomes, single), (combined_outcomes, combined)):
        if len(outcomes) > MAX_LISTED:
            counts.append(
                _count(
                    len(outcomes),
                    "findings",
                    "distinct:outcome",
                    country=country,
                    case=case,
                    intervention=arm,
                )
            )
    s, c = escape(single), escape(combined)
    said = {
        lang: t(
            lang,
            "The evaluation of {case} covers a single arm, {s}, and a combined arm, {c}, "
            "but measures them on different outcomes, so they cannot be compared outcome "
            "by outcome: {s} was measured on {single_outcomes}; {c} on {combined_outcomes}.",
            case=escape(case),
            s=s,
            c=c,
            single_outcomes=_outcome_list(f, single_outcomes, lang),
            combined_outcomes=_outcome_list(f, combined_outcomes, lang),
        )
        for lang in i18n.LANGS
    }
    return _say(said["en"], said["es"], refs, counts)


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
        return _said(
            lambda lang: t(
                lang, "Nor do the arms share a domain, so not even a domain-level comparison is possible."
            ),
            _finding_refs(of_arms),
        )
    texts = {}
    for lang in i18n.LANGS:
        clauses = []
        for d in shared:
            a, b = by_arm[single][d], by_arm[combined][d]
            if a == b:
                both = t(lang, "both")
                clauses.append((d, f"{both} {VERDICT_VERBS[a][lang][1]}"))
            else:
                clauses.append(
                    (
                        d,
                        t(
                            lang,
                            "the single arm {single_verdict} and the combined arm {combined_verdict}",
                            single_verdict=VERDICT_VERBS[a][lang][0],
                            combined_verdict=VERDICT_VERBS[b][lang][0],
                        ),
                    )
                )
        if len(shared) == 1:
            d, clause = clauses[0]
            texts[lang] = t(
                lang,
                "At domain level they overlap only in {domain}, where {clause}.",
                domain=f.domain(d, lang),
                clause=clause,
            )
        else:
            listed = join_list(
                [t(lang, "in {domain}, {clause}", domain=f.domain(d, lang), clause=c) for d, c in clauses],
                lang,
            )
            texts[lang] = t(
                lang,
                "At domain level they overlap in {domains}: {listed}.",
                domains=count_noun(len(shared), "domain", lang),
                listed=listed,
            )
    where = {"country": country, "case": case, "single_arm": single, "combined_arm": combined}
    counts = [] if len(shared) == 1 else [_count(len(shared), "arm_pair_shared_domains", **where)]
    return _say(texts["en"], texts["es"], _finding_refs(rows), counts)


def _rank(effect: str) -> int | None:
    """Order of desirability of an effect; None when it cannot be ranked (unclear, conflicting)."""
    return {"beneficial": 2, "no_change": 1, "adverse": 0}.get(effect)


def _comparable_sentence(
    f: _Facts, country: str, case: str, single: str, combined: str, rows: pd.DataFrame, refs: list[Ref]
) -> Sentence:
    """Arms that share outcomes: on how many they agree, and which does better where they differ."""
    comparable = rows[rows["comparable"]]
    tally = {"same": 0, "combined": 0, "single": 0, "unranked": 0}
    kind = {"same": "same", "combined_better": "combined", "combined_worse": "single"}
    for comparison in comparable["comparison"]:  # two unclear effects are never "the same"
        tally[kind.get(comparison, "unranked")] += 1
    c, other = len(comparable), len(rows) - len(comparable)
    where = {"country": country, "case": case, "single_arm": single, "combined_arm": combined}
    counts = [_count(c, "single_vs_combined", comparable="True", **where)]
    counts += [_count(v, "arm_pair_tally", k, **where) for k, v in tally.items() if v]
    if other > 1:
        counts.append(_count(other, "single_vs_combined", comparable="False", **where))
    phrases = {
        "same": NN_("the effect is the same on {n}", "the effect is the same on {n}"),
        "combined": NN_("the combined arm does better on {n}", "the combined arm does better on {n}"),
        "single": NN_("the single arm does better on {n}", "the single arm does better on {n}"),
        "unranked": NN_(
            "{n} cannot be ranked (ambiguous or conflicting)",
            "{n} cannot be ranked (ambiguous or conflicting)",
        ),
    }
    texts = {}
    for lang in i18n.LANGS:
        parts = [
            tn(lang, *phrases[k], v, n=number_word(v, lang, before_noun=False)) for k, v in tally.items() if v
        ]
        s, cb = escape(single), escape(combined)
        text = t(
            lang,
            "In {case}, the single arm {s} and the combined arm {cb} were both measured "
            "on {outcomes}: {items}.",
            case=escape(case),
            s=s,
            cb=cb,
            outcomes=count_noun(c, "outcome", lang),
            items=join_list(parts, lang),
        )
        if other:
            text += (
                tn(
                    lang,
                    " The other {outcomes} has no counterpart in the other arm.",
                    " The other {outcomes} have no counterpart in the other arm.",
                    other,
                    outcomes=count_noun(other, "outcome", lang),
                )
                if other > 1
                else t(lang, " The remaining outcome has no counterpart in the other arm.")
            )
        texts[lang] = text
    return _say(texts["en"], texts["es"], refs, counts)
