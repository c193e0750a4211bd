"""Interface words of figures, legends, axes and tables, and labels of data keys from the codebook.

Each key maps to an English phrase that is a message id of the catalogues (`synergies.text`);
`word(key, lang)` looks it up, so the Spanish lives in `text/locale/es/LC_MESSAGES/synergies.po`
with every other phrase. Data labels (outcomes, domains, factors) come from the data's own
label_en / label_es columns (`labels`).
"""

from __future__ import annotations

import pandas as pd

from synergies import text
from synergies.text import N_, NN_
from synergies.vocabulary import LANGS

__all__ = ["LANGS", "MESSAGES", "check_lang", "labels", "word"]

# key -> English msgid, or (singular, plural) msgids for a phrase with a count {n}.
MESSAGES: dict[str, str | tuple[str, str]] = {
    "beneficial": N_("beneficial"),
    "adverse": N_("adverse"),
    "no_change": N_("no change"),
    "unclear": N_("unclear"),
    "conflicting": N_("conflicting"),
    "not_measured": N_("not reported"),
    "no_impact_evaluation": N_("no reported impact results"),
    "single": N_("single"),
    "combined": N_("combined"),
    "increase": N_("increase"),
    "decrease": N_("decrease"),
    "enabler": N_("enabler"),
    "barrier": N_("barrier"),
    "mixed": N_("mixed"),
    "unstated": N_("reported without direction"),
    "national": N_("national"),
    "local": N_("local"),
    "social_protection": N_("social protection"),
    "productive_development": N_("productive development"),
    "country": N_("Country"),
    "case": N_("Case"),
    "intervention": N_("Intervention arm"),
    "domain": N_("Domain"),
    "outcome": N_("Outcome"),
    "factor": N_("Factor"),
    "source": N_("Source"),
    "no_findings_coded": N_("impact evaluation listed, no findings coded"),
    "no_findings": N_("no findings"),
    "no_institutional_analysis": N_("no institutional analysis"),
    "not_reported": N_("not reported"),
    "title_effect_directions": N_("Effect directions by intervention arm and outcome"),
    "subtitle_effect_directions": N_(
        "Rows: intervention arms, grouped by country and case. Columns: outcomes, grouped by domain."
    ),
    "title_effect_directions_country": N_("Effect directions by country and outcome"),
    "title_verdicts_country": N_("Verdict per country and outcome domain"),
    "subtitle_pooled": N_("Rows: countries, each pooling the findings of all its intervention arms."),
    "note_pooled": N_(
        "The data have {n} intervention arms, too many to draw one row each, so each cell pools "
        "the findings of a country's arms and applies the verdict rule to them; the verdict of "
        "every arm is in the tables."
    ),
    "note_not_drawn": N_(
        "To keep the figures readable, at most {pages} pages are drawn; rows left out: {n}. "
        "Every row is in {table}."
    ),
    "title_verdicts": N_("Verdict per intervention arm and outcome domain"),
    "subtitle_verdicts": N_(
        "Each cell pools the arm's findings in one domain; the counts below the glyph are its findings."
    ),
    "title_sign_tests_arm": N_("Sign test per domain, counting intervention arms"),
    "title_sign_tests_case": N_("Sign test per domain, counting evaluations (cases)"),
    "subtitle_sign_tests": N_(
        "Proportion of units with a beneficial verdict among those with a beneficial or adverse one."
    ),
    "title_country_domain": N_("Findings by country and outcome domain"),
    "subtitle_country_domain": N_(
        "Bars stack the findings by effect for households; the counts are printed below each bar."
    ),
    "title_single_combined": N_("Single and combined arms of the same case, outcome by outcome"),
    "subtitle_single_combined": N_(
        "Rows: every outcome with a reported result for either arm, grouped by case and domain."
    ),
    "title_institutional": N_("Institutional enablers of and barriers to coordination, by case"),
    "subtitle_institutional": N_("Columns: factors, grouped by the level at which they operate."),
    "title_single_combined_domains": N_("Single and combined arms of the same case, domain by domain"),
    "subtitle_single_combined_domains": N_(
        "For each domain: each arm's verdict, and for how many outcomes both arms have a reported result."
    ),
    "note_single_combined_domains": N_(
        "The number in a cell's corner counts the outcomes with a reported result for the arm in "
        "the domain. Where both arms have results in a domain, the third column counts the outcomes "
        "they have in common; "
        "0 means the arms met in the domain on different outcomes, so their verdicts are not a "
        "like-for-like comparison."
    ),
    "note_omitted_outcomes": NN_(
        "To keep the figure readable it shows only outcomes with a reported result for both arms; "
        "{n} outcome reported for one arm only is listed in tables/single_vs_combined.csv.",
        "To keep the figure readable it shows only outcomes with a reported result for both arms; "
        "{n} outcomes reported for one arm only are listed in tables/single_vs_combined.csv.",
    ),
    "outcomes_in_common": N_("Outcomes in common"),
    "arms": N_("Arms compared"),
    "page_of": N_("Page {page} of {pages}"),
    "legend_beneficial": N_("beneficial for households"),
    "legend_adverse": N_("adverse for households"),
    "legend_no_change": N_("no change"),
    "legend_unclear": N_("unclear: desirability ambiguous in the codebook"),
    "legend_conflicting": N_("conflicting: findings disagree"),
    "legend_not_measured": N_("not reported"),
    "legend_enabler": N_("enabler"),
    "legend_barrier": N_("barrier"),
    "legend_mixed": N_("mixed"),
    "legend_unstated": N_("no direction stated"),
    "note_inferred_levels": N_(
        "The level (national or local) of {n} of {total} statements is the coders' inference, not "
        "stated by the source (institutional.csv, column level_basis)."
    ),
    "note_subgroup": N_(
        "‡ Reported for a subgroup only, not for the arm's whole sample: {ids} (findings.csv, column "
        "subgroup)."
    ),
    "note_contested": N_(
        "† The sources disagree on the direction of this finding ({ids}); the cell shows the first "
        "source's reading (findings.csv, columns direction and direction_alt)."
    ),
    "note_sign": N_(
        "The sign beside each glyph is the change in the outcome itself (+ rose, − fell, 0 no "
        "change, ± both); the glyph and colour say whether that change is good for households, "
        "following the codebook (outcomes.csv, column better). A number in a cell's corner "
        "counts its findings when there is more than one."
    ),
    "note_verdict_rule": N_(
        "A verdict needs at least {threshold} of the findings with a discernible direction to "
        "agree (Hilton Boon and Thomson's effect direction rule); otherwise it is conflicting (◄►). "
        "Findings of ambiguous desirability (?) cannot vote. Counts: ▲ beneficial, ▼ adverse, ◆ "
        "no change, ? unclear."
    ),
    "note_sign_test_arm": N_(
        "Each intervention arm is one unit, so two arms of one evaluation count twice and are "
        "not independent. Conflicting (◄►), no-change and unclear units cannot vote; they are "
        "counted, not dropped. Dashed line: 0.5, no preponderance either way."
    ),
    "note_sign_test_case": N_(
        "Each evaluation (case) is one unit, pooling the findings of all its arms. Conflicting "
        "(◄►), no-change and unclear units cannot vote; they are counted, not dropped. Dashed "
        "line: 0.5, no preponderance either way."
    ),
    "note_country_domain": N_(
        "Bar length is the number of findings; the longest bar holds {n}. An outlined empty cell "
        "means no finding in that domain."
    ),
    "note_single_combined": N_(
        "An empty cell means no result was reported for that arm and outcome, so the two arms cannot be "
        "compared on it."
    ),
    "note_institutional": N_(
        "+ enabler, − barrier, ± mixed, ? reported without saying whether it helped or hindered; a "
        "number in a cell's corner counts several statements. The bottom row counts the cases in "
        "which each factor was reported."
    ),
    "proportion_beneficial": N_("Proportion beneficial (Wilson {level} CI)"),
    "units": N_("Units"),
    "no_votes": N_("no unit with a clear direction"),
    "single_arm": N_("Single arm"),
    "combined_arm": N_("Combined arm"),
    "cases_n": N_("Cases (n)"),
    "findings_n": NN_("{n} finding", "{n} findings"),
    "rows_n": NN_("{n} row", "{n} rows"),
    "no_domain_outcome": N_("no outcome measured"),
    # study quality, sample size, significance (heatmap after Hilton Boon & Thomson 2021) and robustness
    "risk_of_bias": N_("Risk of bias"),
    "design": N_("Design"),
    "rob_low": N_("low risk of bias"),
    "rob_some_concerns": N_("some concerns"),
    "rob_high": N_("high risk of bias"),
    "rob_unknown": N_("risk of bias unknown (no appraisal)"),
    "rob_not_given": N_("no rating given"),
    "size_large": N_("n > 300"),
    "size_medium": N_("n 50–300"),
    "size_small": N_("n < 50"),
    "size_not_reported": N_("n not reported"),
    "legend_significant": N_("significant (*)"),
    "legend_not_significant": N_("not significant (outline)"),
    "note_quality": N_(
        "Glyph size shows the largest sample size (n) behind a cell: n > 300, 50–300 or < 50; a "
        "cell whose findings give no n has its own size (n not reported). * = the source judged the"
        " finding significant (or p < 0.05); an outlined glyph = not significant; no mark = "
        "significance not reported. Significance is shown, never counted. The first column rates "
        "each evaluation's risk of bias (cases.csv) by symbol and colour: + low, − some concerns, ×"
        " high, ? unknown."
    ),
    "note_no_quality": N_(
        "No finding on this page reports its sample size or significance, so every glyph has the "
        "size for n not reported and no significance mark."
    ),
    "legend_share": N_("share of voting units beneficial"),
    "legend_interval": N_("Wilson {level} CI"),
    "legend_votes": N_("votes: ▲ beneficial, ▼ adverse; ◄► conflicting (does not vote)"),
    "legend_votes_no_change": N_("◆ no change (does not vote)"),
    "legend_votes_unclear": N_("? unclear (does not vote)"),
    "title_robustness": N_("How robust is each domain's verdict?"),
    "subtitle_robustness": N_(
        "Domain verdict and sign-test p under each scenario; each scenario changes one choice."
    ),
    "note_robustness": N_(
        "Domain verdict: a {threshold} majority of the units that can vote (conflicting units count"
        " against every direction; unclear ones cannot vote), else conflicting. The "
        "significant-only row is the vote count by significance the Cochrane Handbook (12.2.2.1) "
        "warns against, shown for comparison only. Scenarios marked – could not run on these data; "
        "tables/robustness.csv says why."
    ),
    "scenario_baseline": N_("Baseline (arms, {threshold})"),
    "scenario_threshold_60": N_("Threshold {threshold}"),
    "scenario_threshold_80": N_("Threshold {threshold}"),
    "scenario_unit_case": N_("Each evaluation votes once"),
    "scenario_unit_finding": N_("Each finding votes"),
    "scenario_unclear_in_denominator": N_("Unclear findings in the denominator"),
    "scenario_alternative": N_("{outcome}: alternative reading, {reading}"),
    "scenario_alternative_all": N_("Every alternative reading"),
    "scenario_alternative_polarity": N_("Alternative polarity"),
    "scenario_exclude_high_risk_of_bias": N_("Without high risk of bias"),
    "scenario_exclude_small_samples": N_("Without n < {n}"),
    "scenario_significant_only": N_("Significant only (biased comparator)"),
    "reading_higher": N_("higher is better"),
    "reading_lower": N_("lower is better"),
    "reading_ambiguous": N_("ambiguous"),
    "no_units": N_("no units"),
    "why_polarity": N_("no measured outcome has a better_alternative in outcomes.csv"),
    "why_study_quality": N_("no case has a risk_of_bias rating other than unknown in cases.csv"),
    "why_sample_size": N_("no finding gives its sample size (n)"),
    "why_biased_comparator": N_("no finding gives significant or p_value"),
    "not_run": N_("not run"),
}

check_lang = text.check_lang


def word(key: str, lang: str, **slots: object) -> str:
    """The phrase for `key` in `lang`, its named slots filled when given (ints grouped by language).

    A key without a catalogue entry reads as itself with spaces ("no_data" → "no data"). A plural
    phrase takes its form from the slot `n` (the plural form when `n` is not given).
    """
    msgid = MESSAGES.get(key)
    if msgid is None:
        check_lang(lang)
        return key.replace("_", " ")
    if isinstance(msgid, tuple):
        n = slots.get("n")
        phrase = text.ngettext(lang, *msgid, n if isinstance(n, int) else 2)
    else:
        phrase = text.gettext(lang, msgid)
    return text.fill(lang, phrase, **slots) if slots else phrase


def labels(frame: pd.DataFrame, key: str, lang: str) -> dict[str, str]:
    """Map each key of a codebook-like frame (outcomes, domains, factors) to its label in `lang`."""
    column = f"label_{check_lang(lang)}"
    if column not in frame.columns:
        return dict(zip(frame[key], frame[key], strict=True))
    values = frame[column].where(frame[column].astype(bool), frame[key])
    return dict(zip(frame[key], values, strict=True))
