"""Single against combined arms within a case: compared outcome by outcome, by domain, or why not.

Each sentence is a typed-slot body (`slots`): numbers are `Num` slots carrying their Count, lists
`Items`, labels `Label`; the text is rendered per language at render time.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterable

import numpy as np
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
    for case in _evaluated_cases(f, country):
        pairs = _pairs(f, country, case)
        if not pairs:
            sentences.append(_one_kind_of_arm_sentence(f, country, case))
            continue
        for (single, combined), rows in pairs:
            if "comparison" in rows and all(c == "not_nested" for c in rows["comparison"]):
                sentences.append(_not_nested_sentence(f, case, single, combined, rows))
            elif "comparison_basis" in rows and "direct_contrast" in rows["comparison_basis"]:
                sentences.append(_direct_contrast_sentence(f, country, case, single, combined, rows))
            else:
                sentences += _arm_pair_sentences(f, country, case, single, combined, rows)
    return sentences


def _evaluated_cases(f: _Facts, country: str) -> list[str]:
    """The cases of a country whose arms have findings, alphabetically (one pass)."""
    key = "arms.evaluated"
    if key not in f._groups:
        arms = f.arms
        grouped: dict[str, dict[str, None]] = {}
        if not arms.empty:
            rows = zip(
                arms["country"].tolist(), arms["case"].tolist(), arms["n_findings"].tolist(), strict=True
            )
            for c, case, n in rows:
                if n > 0:
                    grouped.setdefault(c, {})[case] = None
        f._groups[key] = {c: list(cases) for c, cases in grouped.items()}
    return f._groups[key].get(country, [])


# The comparison-table columns the sentences read, as plain lists per arm pair (`_pairs`).
_PAIR_COLUMNS = (
    "outcome",
    "single_effect",
    "combined_effect",
    "single_findings",
    "combined_findings",
    "comparable",
    "single_components",
    "combined_components",
    "comparison",
    "comparison_basis",
)

# The rows of one arm pair: column → its values, in table order (only the columns the table has).
_Rows = dict[str, list]


def _pairs(f: _Facts, country: str, case: str) -> list[tuple[tuple[str, str], _Rows]]:
    """The arm pairs of one case and their comparison rows, from one pass over the whole table.

    Pairs come in order of first appearance and their rows in table order, as a
    `groupby(sort=False)` would give them; each pair's rows are plain lists per column, so a
    sentence reads them without filtering a DataFrame.
    """
    key = "arms.pairs"
    if key not in f._groups:
        by_case: dict[tuple[str, str], list[tuple[tuple[str, str], _Rows]]] = {}
        table = f.comparison
        if not table.empty:
            # Rows grouped by integer codes of the pair's columns (one stable argsort), each column
            # reordered once and sliced per pair: a per-row, per-column append cost a second at 10^5.
            keys = ("country", "case", "single_arm", "combined_arm")
            combined = np.zeros(len(table), dtype=np.int64)
            for column in keys:
                codes, uniques = pd.factorize(table[column], use_na_sentinel=False)
                combined = pd.factorize(combined * max(len(uniques), 1) + codes)[0]  # renumbered: no overflow
            group = combined
            order = np.argsort(group, kind="stable").tolist()
            bounds = np.concatenate([[0], np.cumsum(np.bincount(group))]).tolist()
            present = [c for c in _PAIR_COLUMNS if c in table.columns]
            ordered = {}
            for column in present:
                values = table[column].tolist()
                ordered[column] = [values[i] for i in order]
            key_values = [table[c].tolist() for c in keys]
            for start, end in itertools.pairwise(bounds):
                first = order[start]
                pair = tuple(values[first] for values in key_values)
                rows = {c: ordered[c][start:end] for c in present}
                by_case.setdefault(pair[:2], []).append((pair[2:], rows))
        f._groups[key] = by_case
    return f._groups[key].get((country, case), [])


def _where(rows: _Rows, keep: list[bool]) -> _Rows:
    """The rows of a pair for which `keep` is true."""
    return {column: [v for v, k in zip(values, keep, strict=True) if k] for column, values in rows.items()}


def _finding_numbers(f: _Facts) -> tuple[list[int], dict[str, int]]:
    """Each finding's citation number in table order, and finding id → number (made once)."""
    key = "arms.finding_numbers"
    if key not in f._groups:
        # the row index's numbering, keyed by the bare id (its keys are one-column tuples of text)
        number = {k[0]: n for k, n in f.rows.file("findings.csv").number.items()}
        ids = [str(i) for i in f.findings["finding_id"].tolist()]
        try:
            numbers = [number[i] for i in ids]
        except KeyError:  # cannot happen for the findings the index was made from; its error if it does
            numbers = f.rows.numbers("findings.csv", ((i,) for i in ids)).tolist()
        f._groups[key] = (numbers, number)
    return f._groups[key]


def _finding_refs(f: _Facts, *numbers: Iterable[int]) -> RefSet:
    """The findings with these citation numbers, as a row set."""
    merged = [n for part in numbers for n in part]
    return RefSet(f.rows, {"findings.csv": np.asarray(merged, dtype=np.int64)})


def _pair_refs(
    f: _Facts, rows: _Rows, columns: tuple[str, ...] = ("single_findings", "combined_findings")
) -> RefSet:
    """The findings of both arms of a pair's rows (their ids are ";"-joined in the comparison table)."""
    number = _finding_numbers(f)[1]
    ids = ";".join(joined for column in columns for joined in rows[column]).split(";")
    try:
        found = [number[i] for i in ids if i]
    except KeyError as missing:
        return f.rows.findings([missing.args[0]])  # no row of findings.csv: its error
    return _finding_refs(f, found)


def _case_findings(f: _Facts, country: str, case: str) -> dict:
    """One case's findings, from one pass over them: the first one's arm kind, its arms in order,
    and the findings' citation numbers by (arm, domain)."""
    key = "arms.case_findings"
    if key not in f._groups:
        fr = f.findings
        numbers = _finding_numbers(f)[0]
        columns = ("country", "case", "arm", "intervention", "domain")
        tally: dict[tuple[str, str], dict] = {}
        for country_, case_, kind, arm, domain, n in zip(
            *(fr[c].tolist() for c in columns), numbers, strict=True
        ):
            mine = tally.get((country_, case_))
            if mine is None:
                mine = tally[(country_, case_)] = {"kind": kind, "by_arm_domain": {}}
            mine["by_arm_domain"].setdefault((arm, domain), []).append(n)
        f._groups[key] = tally
    return f._groups[key].get((country, case), {"kind": None, "by_arm_domain": {}})


def _case_arm_verdicts(f: _Facts, country: str, case: str) -> dict[str, dict[str, str]]:
    """intervention → {domain: verdict} of one case's arms, from one pass over the verdict table."""
    key = "arms.arm_verdicts"
    if key not in f._groups:
        table = f.arm_verdicts
        grouped: dict[tuple[str, str], dict[str, dict[str, str]]] = {}
        if not table.empty:
            columns = ("country", "case", "intervention", "domain", "verdict")
            for country_, case_, arm, domain, verdict in zip(
                *(table[c].tolist() for c in columns), strict=True
            ):
                grouped.setdefault((country_, case_), {}).setdefault(arm, {})[domain] = verdict
        f._groups[key] = grouped
    return f._groups[key].get((country, case), {})


@functools.cache  # a Msg is immutable: thousands of clauses share the few there are
def _verb(verdict: str, n: int) -> Msg:
    """What a unit with this verdict does ("points to beneficial effects"), agreeing with `n` subjects."""
    singular, plural = VERDICT_VERBS[verdict]["en"]
    return msgnp("what a unit with this verdict does", singular, plural, n)


def _not_nested_sentence(f: _Facts, case: str, single: str, combined: str, rows: _Rows) -> Sentence:
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
    f: _Facts, country: str, case: str, single: str, combined: str, rows: _Rows
) -> Sentence:
    """A combined arm measured against the single arm itself: what adding its programmes did, by outcome."""
    direct = _where(rows, [b == "direct_contrast" for b in rows["comparison_basis"]])
    groups: dict[str, list[str]] = {kind: [] for kind in _DIRECT_PHRASES}
    for kind, outcome in zip(direct["comparison"], direct["outcome"], strict=True):
        if kind in groups:
            groups[kind].append(outcome)
    where = {"country": country, "case": case, "single_arm": single, "combined_arm": combined}
    parts = [
        msg(_DIRECT_PHRASES[kind], outcomes=_outcome_list(f, outcomes, _direct_count(outcomes, kind, where)))
        for kind, outcomes in groups.items()
        if outcomes
    ]
    base = [c.strip() for c in direct["single_components"][0].split(";") if c.strip()]
    added = [
        c.strip() for c in direct["combined_components"][0].split(";") if c.strip() and c.strip() not in base
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
    tally = _case_findings(f, country, case)
    kind = tally["kind"]
    arms = sorted({arm for arm, _ in tally["by_arm_domain"]}, key=str.casefold)
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
    return f.say(body, _finding_refs(f, *tally["by_arm_domain"].values()))


def _arm_pair_sentences(
    f: _Facts, country: str, case: str, single: str, combined: str, rows: _Rows
) -> list[Sentence]:
    """Compare one single arm with one combined arm of the same case, outcome by outcome and by domain."""
    refs = _pair_refs(f, rows)
    if not any(rows["comparable"]):
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
    f: _Facts, country: str, case: str, single: str, combined: str, rows: _Rows, refs: RefSet
) -> Sentence:
    """Both arms exist but share no outcome: say so and what each measured."""
    outcomes = rows["outcome"]
    single_outcomes = [o for o, e in zip(outcomes, rows["single_effect"], strict=True) if e != ""]
    combined_outcomes = [o for o, e in zip(outcomes, rows["combined_effect"], strict=True) if e != ""]
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
    by_arm = _case_arm_verdicts(f, country, case)
    shared = f.domain_rank(set(by_arm.get(single, {})) & set(by_arm.get(combined, {})))
    by_arm_domain = _case_findings(f, country, case)["by_arm_domain"]
    of_arms = [ns for (arm, _), ns in by_arm_domain.items() if arm in (single, combined)]
    if not shared:
        body = msg("Nor do the arms share a domain, so not even a domain-level comparison is possible.")
        return f.say(body, _finding_refs(f, *of_arms))
    in_shared = set(shared)
    refs = _finding_refs(
        f, *(ns for (arm, d), ns in by_arm_domain.items() if arm in (single, combined) and d in in_shared)
    )
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
        return f.say(body, refs)
    where = {"country": country, "case": case, "single_arm": single, "combined_arm": combined}
    listed = items(msg("in {domain}, {clause}", domain=f.label("domain", d), clause=c) for d, c in clauses)
    body = msg(
        "At domain level they overlap in {domains}: {listed}.",
        domains=Num(_count(len(shared), "arm_pair_shared_domains", **where), "word", "domain"),
        listed=listed,
    )
    return f.say(body, refs)


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
    f: _Facts, country: str, case: str, single: str, combined: str, rows: _Rows, refs: RefSet
) -> Sentence:
    """Arms that share outcomes: on how many they agree, and which does better where they differ."""
    tally = {"same": 0, "combined": 0, "single": 0, "unranked": 0}
    kind = {"same": "same", "combined_better": "combined", "combined_worse": "single"}
    c = 0
    for comparison, comparable in zip(rows["comparison"], rows["comparable"], strict=True):
        if comparable:  # two unclear effects are never "the same"
            tally[kind.get(comparison, "unranked")] += 1
            c += 1
    other = len(rows["comparable"]) - c
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
