"""Robustness of each domain's verdict to the method's choices, and sources that may report selected
results."""

from __future__ import annotations

import pandas as pd

from synergies import i18n
from synergies.narrative.facts import _Facts, _finding_refs
from synergies.narrative.model import Count, Sentence, _count, _said, _say, escape
from synergies.text import t, tn
from synergies.text.grammar import (
    count_noun,
    join_list,
)

# =========================================================================== robustness and reporting bias


def _robustness_intro() -> Sentence:
    """What the robustness grid is, before its per-domain items."""
    return _said(
        lambda lang: t(
            lang,
            "Each domain's verdict was recomputed under documented alternative choices, each differing "
            "from the baseline in a single choice: the clear-majority threshold, what counts as a unit, "
            "whether unclear findings dilute a majority, the codebook's alternative readings, and leaving "
            "out evaluations at high risk of bias or small samples (tables/robustness.csv).",
        )
    )


def _robustness_sentences(f: _Facts) -> list[Sentence]:
    """Per domain with findings: robust across K of N scenarios, or which choices change its verdict."""
    from synergies import robustness

    grid = robustness.robustness_grid(f.ev)
    summary = robustness.domain_robustness(grid)
    sentences = []
    for r in summary.itertuples(index=False):
        rows = f.findings[f.findings["domain"] == r.domain]
        if rows.empty:
            continue
        counted = {"domain": r.domain, "counts_for_robustness": True, "runnable": True}
        counts = [_count(int(r.n_scenarios), "robustness", **counted)]
        if r.changes:  # "all N scenarios" states N once; "K of N" states both
            counts.append(_count(int(r.n_same), "robustness", **counted, same_as_baseline=True))
        counts += _scenario_label_counts(grid, r.domain, [k for k, _ in r.changes])
        texts = {}
        for lang in i18n.LANGS:
            name = f.domain(r.domain, lang)
            base = i18n.word(r.baseline_verdict, lang)
            if not r.changes:
                texts[lang] = t(
                    lang,
                    "{domain}: {verdict} at baseline, and the same in all {n} scenarios that could run.",
                    domain=name,
                    verdict=base,
                    n=int(r.n_scenarios),
                )
            else:
                # A scenario's label is a name ("Threshold 60%"): italic and verbatim, never a
                # noun phrase glued into the sentence, so its capital letter reads right.
                changes = [
                    t(
                        lang,
                        "*{scenario}* ({verdict})",
                        scenario=escape(robustness.scenario_label(f.ev, k, lang)),
                        verdict=i18n.word(v, lang),
                    )
                    for k, v in r.changes
                ]
                texts[lang] = t(
                    lang,
                    "{domain}: {verdict} at baseline, the same in {same} of {n} scenarios; it changes "
                    "under {changes}.",
                    domain=name,
                    verdict=base,
                    same=int(r.n_same),
                    n=int(r.n_scenarios),
                    changes=join_list(changes, lang),
                )
        sentences.append(_say(texts["en"], texts["es"], _finding_refs(rows), counts))
    return sentences


def _reporting_bias_sentences(f: _Facts) -> list[Sentence]:
    """For each source whose findings hold no null result: it likely reports selected results."""
    from synergies import robustness

    sentences = []
    for source, n in zip(
        *(robustness.sources_without_nulls(f.ev)[c] for c in ("source_id", "n_findings")), strict=True
    ):
        rows = f.findings[f.findings["source_id"].fillna("") == source]
        counts = [_count(int(n), "findings", source_id=source)]  # "none ... is a null" states no number
        texts = {
            lang: tn(
                lang,
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
                int(n),
                findings=count_noun(int(n), "finding", lang),
                source=escape(source) if source else t(lang, "findings without a source_id"),
            )
            for lang in i18n.LANGS
        }
        sentences.append(_say(texts["en"], texts["es"], _finding_refs(rows), counts))
    return sentences


def _scenario_label_counts(grid: pd.DataFrame, domain: str, changed: list[str]) -> list[Count]:
    """The numbers the labels of the scenarios that change a verdict state: thresholds and the n cut-off."""
    from synergies import robustness

    counts = []
    for scenario in changed:
        row = grid[(grid["domain"] == domain) & (grid["scenario"] == scenario)].iloc[0]
        if row["scenario_group"] == "threshold":
            value = int(row["threshold_percent"])
            counts.append(
                _count(value, "robustness", "value:threshold_percent", domain=domain, scenario=scenario)
            )
        elif row["scenario_group"] == "sample_size":
            counts.append(_count(robustness.SMALL_SAMPLE, "constant", "small_sample"))
    return counts
