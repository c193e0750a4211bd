"""Robustness of each domain's verdict to the method's choices, and sources that may report selected
results.

Each sentence is a typed-slot body (`slots`): numbers are `Num` slots carrying their Count, lists
`Items`, labels `Label`, verdicts `Word`; the text is rendered per language at render time.
"""

from __future__ import annotations

import pandas as pd

from synergies.narrative import slots
from synergies.narrative.facts import _Facts
from synergies.narrative.model import Sentence, _count, percent_num
from synergies.narrative.slots import Data, Num, Slot, Word, items, msg, msgn

# =========================================================================== robustness and reporting bias


def _robustness_intro(f: _Facts) -> Sentence:
    """What the robustness grid is, before its per-domain items."""
    body = msg(
        "Each domain's verdict was recomputed under documented alternative choices, each differing "
        "from the baseline in a single choice: the clear-majority threshold, what counts as a unit, "
        "whether unclear findings dilute a majority, the codebook's alternative readings, and leaving "
        "out evaluations at high risk of bias or small samples (tables/robustness.csv).",
    )
    return f.say(body)


def _robustness_sentences(f: _Facts) -> list[Sentence]:
    """Per domain with findings: robust across K of N scenarios, or which choices change its verdict."""
    from synergies import robustness
    from synergies.narrative.across import _domain_refs, _tallies

    grid = f.table("robustness", lambda: robustness.robustness_grid(f.ev))
    summary = robustness.domain_robustness(grid)
    measured = _tallies(f)["domain"]
    scenarios = _scenario_rows(grid)
    sentences = []
    for r in summary.itertuples(index=False):
        if r.domain not in measured:
            continue
        counted = {"domain": r.domain, "counts_for_robustness": True, "runnable": True}
        n = Num(_count(int(r.n_scenarios), "robustness", **counted))
        if not r.changes:  # "all N scenarios" states N once; "K of N" states both
            body: Slot = msg(
                "{domain}: {verdict} at baseline, and the same in all {n} scenarios that could run.",
                domain=f.label("domain", r.domain),
                verdict=Word(r.baseline_verdict),
                n=n,
            )
        else:
            # A scenario's label is a name ("Threshold 60%"): italic and verbatim, never a
            # noun phrase glued into the sentence, so its capital letter reads right.
            changes = [
                msg(
                    "*{scenario}* ({verdict})",
                    scenario=_scenario_label(f, scenarios, r.domain, k),
                    verdict=Word(v),
                )
                for k, v in r.changes
            ]
            body = msg(
                "{domain}: {verdict} at baseline, the same in {same} of {n} scenarios; it changes "
                "under {changes}.",
                domain=f.label("domain", r.domain),
                verdict=Word(r.baseline_verdict),
                same=Num(_count(int(r.n_same), "robustness", **counted, same_as_baseline=True)),
                n=n,
                changes=items(changes),
            )
        sentences.append(f.say(body, _domain_refs(f, [r.domain])))
    return sentences


def _scenario_rows(grid: pd.DataFrame) -> dict[tuple[str, str], tuple[str, object]]:
    """(domain, scenario) → (scenario group, threshold percent) of every grid row, in one pass."""
    columns = [grid[c].tolist() for c in ("domain", "scenario", "scenario_group", "threshold_percent")]
    return {(d, s): (g, t) for d, s, g, t in zip(*columns, strict=True)}


def _scenario_label(
    f: _Facts, scenarios: dict[tuple[str, str], tuple[str, object]], domain: str, scenario: str
) -> Slot:
    """A scenario's label (`robustness.scenario_label`'s wording) as a slot, with the numbers it states.

    The label is a name composed of a catalogue phrase and, for a polarity scenario, an outcome's
    label: it is escaped as a whole, so the outcome label goes in plain (`Label(plain=True)`).
    """
    from synergies import i18n, robustness

    group, threshold = scenarios[(domain, scenario)]
    key = f"scenario_{scenario}"
    outcome = scenario[len("alternative_") :] if scenario.startswith("alternative_") else ""
    if outcome and outcome not in ("all", "polarity"):
        reading = _readings(f).get(outcome, "")
        label: Slot = msg(
            i18n.MESSAGES["scenario_alternative"],
            outcome=slots.Label("outcome", outcome, f.labels, plain=True),
            reading=Word(f"reading_{reading}"),
        )
    elif group == "sample_size" and key in i18n.MESSAGES:
        small = Num(_count(robustness.SMALL_SAMPLE, "constant", "small_sample"))
        label = msg(i18n.MESSAGES[key], n=small)
    elif group == "threshold" and key in i18n.MESSAGES:
        stated = percent_num(
            int(threshold), "robustness", "value:threshold_percent", domain=domain, scenario=scenario
        )
        label = msg(i18n.MESSAGES[key], threshold=stated)
    else:
        label = Word(key)
    return slots.Escaped(label)


def _readings(f: _Facts) -> dict[str, str]:
    """Each outcome's better_alternative reading, read once."""
    key = "robust:readings"
    if key not in f._groups:
        o = f.ev.outcomes
        column = o["better_alternative"] if "better_alternative" in o.columns else [""] * len(o)
        f._groups[key] = {k: str(v) for k, v in zip(o["outcome"], column, strict=True)}
    return f._groups[key]


def _source_rows(f: _Facts) -> dict[str, object]:
    """Row positions of the findings of each source_id ("" for none), from one grouping."""
    key = "robust:sources"
    if key not in f._groups:
        f._groups[key] = f.findings.groupby(f.findings["source_id"].fillna(""), sort=False).indices
    return f._groups[key]


def _reporting_bias_sentences(f: _Facts) -> list[Sentence]:
    """For each source whose findings hold no null result: it likely reports selected results."""
    from synergies import robustness
    from synergies.narrative.across import _rows_at

    sentences = []
    without = robustness.sources_without_nulls(f.ev)
    for source, n in zip(without["source_id"].tolist(), without["n_findings"].tolist(), strict=True):
        positions = _source_rows(f).get(source)
        # "none ... is a null" states no number; the findings' number is the one stated
        findings = Num(_count(int(n), "findings", source_id=source), "word", "finding")
        body = msgn(
            "The {findings} from {source} is not a null (no-change) result, so the source may report "
            "selected results, and a count by direction inherits that selection (the Cochrane Handbook's "
            "chapter on synthesis without meta-analysis); Hilton Boon and Thomson advise against the "
            "sign test when publication bias is "
            "suspected.",
            "None of the {findings} from {source} is a null (no-change) result, so the source likely "
            "reports selected results, and a count by direction inherits that selection (the Cochrane "
            "Handbook's chapter on synthesis without meta-analysis); Hilton Boon and Thomson advise "
            "against the sign test when publication bias is "
            "suspected.",
            "findings",
            findings=findings,
            source=Data(source) if source else msg("findings without a source_id"),
        )
        sentences.append(f.say(body, _rows_at(f, [] if positions is None else [positions])))
    return sentences
