"""Short data-derived sentences for notebooks 01-06 and alt text for their figures, in English and Spanish.

The notebooks hold no claim about any particular data: every sentence of interpretation
that depends on the data is written here from the tables, so it stays true on other data.
Sentence functions return Markdown with data text escaped (`narrative.escape`); alt-text
functions return plain text (escape it with `alt_markdown` before showing it as Markdown).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from synergies import aggregate, vocabulary
from synergies import text as tl
from synergies.i18n import labels, word
from synergies.load import Evidence
from synergies.narrative import digits, escape, join_list, noun
from synergies.plots import MAX_ARMS, MAX_PAGES, Page, arm_pairs, country_rows
from synergies.text import numbers, t, tn
from synergies.text.grammar import count_digits
from synergies.text.names import country as country_name

MAX_NAMED = 10  # longest list of names spelled out before a sentence gives a count instead
MIN_UNITS_FOR_SIGNIFICANCE = 6  # with fewer units a two-sided sign test cannot reach p < 0.05


def _names(items: Sequence[str], lang: str, markdown: bool = True) -> str:
    """A list of names joined as prose, escaped for Markdown; long lists are cut with a count."""
    shown = [escape(i) if markdown else str(i) for i in items[:MAX_NAMED]]
    rest = len(items) - len(shown)
    if rest > 0:
        shown.append(t(lang, "{rest} more", rest=rest))
    return join_list(shown, lang)


def _entries(items: Sequence[str], lang: str) -> str:
    """Entries that each lead with a label ("Label: what"), joined by semicolons; long lists cut.

    A label may be a clause ("A household member has a job"), so it is never joined into a noun
    phrase with "and": each entry stands alone, label first, after the sentence's colon.
    """
    shown = list(items[:MAX_NAMED])
    if len(items) > MAX_NAMED:
        shown.append(t(lang, "{rest} more", rest=len(items) - MAX_NAMED))
    return "; ".join(shown)


def _comparison_counts(counts: pd.Series) -> dict[str, int]:
    """The slots better, same, worse and cannot of a combination sentence, from `comparison` counts."""
    keys = {"better": "combined_better", "same": "same", "worse": "combined_worse", "cannot": "cannot_tell"}
    return {slot: int(counts.get(key, 0)) for slot, key in keys.items()}


def _case_names(frame: pd.DataFrame, lang: str, markdown: bool = True) -> str:
    """'Case (Country)' for each row of a frame with country and case columns."""
    items = [f"{r.case} ({country_name(lang, r.country)})" for r in frame.itertuples(index=False)]
    return _names(items, lang, markdown)


def _count(n: int, key: str, lang: str) -> str:
    """`n` with the noun agreeing with it: '1 case', '3 casos'."""
    return f"{digits(n, lang)} {noun(n, key, lang)}"


EFFECT_KEYS = vocabulary.EFFECTS
VERDICT_KEYS = vocabulary.VERDICTS
ASSESSMENTS = vocabulary.ASSESSMENTS


def _tally(counts: pd.Series, keys: Sequence[str], lang: str) -> str:
    """'beneficial 21, adverse 1, no change 0': label then count, so no adjective has to agree."""
    return ", ".join(f"{word(k, lang)} {digits(int(counts.get(k, 0)), lang)}" for k in keys)


def _of_arms(frame: pd.DataFrame, arm_table: pd.DataFrame) -> pd.Series:
    """Which rows of `frame` belong to the arms (country, case, intervention) of `arm_table`."""
    keys = ["country", "case", "intervention"]
    wanted = pd.MultiIndex.from_frame(arm_table[keys])
    return pd.Series(pd.MultiIndex.from_frame(frame[keys]).isin(wanted), index=frame.index)


def alt_markdown(alt_text: str, lang: str) -> str:
    """Alt text shown in a notebook: labelled and escaped, so data text cannot become markup."""
    label = t(lang, "Alt text")
    return f"*{label}:* {escape(alt_text)}"


# --------------------------------------------------------------------------- 01: describe the data


def overview(ev: Evidence, lang: str) -> str:
    """What the data hold: findings, countries, cases, arms, outcomes, domains."""
    counts = aggregate.data_overview(ev).set_index("item")["count"].to_dict()
    names = sorted(set(ev.findings["country"]) | set(ev.cases["country"]), key=str.casefold)
    countries = _names([country_name(lang, c) for c in names], lang)
    return t(
        lang,
        "The data hold **{findings}** from {countries} "
        "({names}): {cases}, {cases_with_findings} of them with findings, "
        "and {arms} intervention arms ({single_arms} single, {combined_arms} "
        "combined). They measure {outcomes_measured} of the {outcomes_in_codebook} "
        "outcomes in the codebook, in {domains_measured} of {domains} domains.",
        findings=count_digits(counts["findings"], "finding", lang),
        countries=count_digits(counts["countries"], "country", lang),
        names=countries,
        cases=count_digits(counts["cases"], "case", lang),
        cases_with_findings=counts["cases_with_findings"],
        arms=counts["arms"],
        single_arms=counts["single_arms"],
        combined_arms=counts["combined_arms"],
        outcomes_measured=counts["outcomes_measured"],
        outcomes_in_codebook=counts["outcomes_in_codebook"],
        domains_measured=counts["domains_measured"],
        domains=counts["domains"],
    )


def effects_summary(ev: Evidence, lang: str) -> str:
    """How the findings split by effect for households."""
    n = ev.findings["effect"].value_counts()
    parts = _tally(n, EFFECT_KEYS, lang)
    return t(
        lang,
        "By effect for households: {parts}. Counting is by direction of effect, not by "
        "statistical significance.",
        parts=parts,
    )


def polarity(ev: Evidence, lang: str) -> str:
    """Which outcomes the codebook could not give a desirable direction, so their changes are unclear."""
    ambiguous = ev.outcomes[ev.outcomes["better"] == "ambiguous"]
    if ambiguous.empty:
        return t(
            lang,
            "Every outcome in the codebook has a desirable direction, so every change can "
            "be judged beneficial or adverse.",
        )
    names = _names(list(labels(ambiguous, "outcome", lang).values()), lang)
    measured = int(ev.findings["better"].eq("ambiguous").sum())
    undocumented = int(ambiguous["note"].eq("").sum())
    text = t(
        lang,
        "The codebook marks {n_ambiguous} outcomes as **ambiguous** ({names}): a "
        "change in them is shown as unclear (?), never as good or bad. {measured} "
        "findings concern them.",
        n_ambiguous=len(ambiguous),
        names=names,
        measured=measured,
    )
    if undocumented:
        text += t(
            lang,
            " {undocumented} of them have no note explaining why; add one in outcomes.csv.",
            undocumented=undocumented,
        )
    return text


def gaps(ev: Evidence, lang: str) -> str:
    """Evidence gaps: cases without impact findings, and country × domain cells with no finding."""
    table = aggregate.evidence_gaps(ev)
    cases = table[table["kind"] == "case_without_findings"]
    domains = table[table["kind"] == "domain_not_measured"]
    sentences = []
    if len(cases):
        sentences.append(
            tn(
                lang,
                "**Evidence gaps.** {cases} has no reported impact results: {names}. It appears in the "
                "figures as an explicit gap row, not as missing rows.",
                "**Evidence gaps.** {cases} have no reported impact results: {names}. They appear in "
                "the figures as explicit gap rows, not as missing rows.",
                len(cases),
                cases=_count(len(cases), "case", lang),
                names=_case_names(cases, lang),
            )
        )
    else:
        sentences.append(t(lang, "Every case has impact findings."))
    if len(domains):
        domain_label = labels(ev.domains, "domain", lang)
        by_country = [
            escape(country_name(lang, country))
            + ": "
            + _names([f"*{escape(domain_label[d])}*" for d in group["domain"]], lang, markdown=False)
            for country, group in domains.groupby("country", sort=False)
        ]
        sentences.append(
            t(
                lang,
                "Domains without reported findings in a country that has findings — {items}.",
                items="; ".join(by_country),
            )
        )
    return " ".join(sentences)


def missing_files(ev: Evidence, lang: str) -> str:
    """Which optional contract files this data directory does not have, and what that leaves out."""
    missing = ev.missing_optional
    if not missing:
        return t(lang, "All optional files of the data contract were given.")
    names = join_list([f"`{m}`" for m in missing], lang)
    text = t(lang, "Optional files not given: {names}. The analysis runs without them", names=names)
    consequences = []
    if "institutional.csv" in missing:
        consequences.append(t(lang, "the institutional analysis (06) is skipped"))
    if "cases.csv" in missing:
        consequences.append(
            t(lang, "cases are taken from findings.csv, so a case without findings cannot show as a gap")
        )
    if "domains.csv" in missing:
        consequences.append(t(lang, "domains follow their order in outcomes.csv"))
    if "arms.csv" in missing:
        consequences.append(
            t(lang, "no arm's programmes or comparator are coded, so every comparator is unknown")
        )
    return text + (": " + "; ".join(consequences) + "." if consequences else ".")


# --------------------------------------------------------------------------- 03: domains and countries


def sign_test_caution(by_arm: pd.DataFrame, by_case: pd.DataFrame, ev: Evidence, lang: str) -> str:
    """Where arms of one evaluation were counted separately, and how little power few units give."""
    domain_label = labels(ev.domains, "domain", lang)
    doubled = by_arm[by_arm["n_evaluations"] < by_arm["n_beneficial"] + by_arm["n_adverse"]]
    sentences = []
    if len(doubled):
        # A domain's label may read as a clause ("Recovered from the drought"), so it leads its
        # item before a colon rather than sitting inside a noun phrase ("vote in ...").
        items = [
            t(
                lang,
                "{domain}: {votes} votes from {evaluations}",
                domain=escape(domain_label[r.domain]),
                votes=r.n_beneficial + r.n_adverse,
                evaluations=_count(r.n_evaluations, "evaluation", lang),
            )
            for r in doubled.itertuples(index=False)
        ]
        sentences.append(
            t(
                lang,
                "Counting arms, several arms of one evaluation vote separately; those votes are not "
                "independent, so the table counting each evaluation once (sign_tests_by_case.csv) is the "
                "safer reading. Domains where this happens: {items}.",
                items=_entries(items, lang),
            )
        )
    else:
        sentences.append(
            t(
                lang,
                "No evaluation contributes more than one voting arm to a domain, so counting "
                "arms and counting evaluations give the same votes.",
            )
        )
    votes = by_case["n_beneficial"] + by_case["n_adverse"]
    most = int(votes.max()) if len(votes) else 0
    smallest_p = 2 * 0.5**most if most else 1.0
    if most < MIN_UNITS_FOR_SIGNIFICANCE:
        sentences.append(
            t(
                lang,
                "**Power:** no domain has more than {most} evaluations with a clear direction; "
                "with that few, even perfect agreement gives {p}, so the sign test "
                "cannot reach p < {alpha}. Read the counts and intervals as description, not as "
                "tests.",
                most=most,
                p=numbers.p_value(lang, smallest_p),
                alpha=numbers.decimal(lang, vocabulary.ALPHA, 2),
            )
        )
    else:
        sentences.append(
            t(
                lang,
                "**Power:** the best-covered domain has {most} evaluations with a clear "
                "direction; a sign test on few units has little power, so a p above {alpha} is "
                "not evidence of no effect.",
                most=most,
                alpha=numbers.decimal(lang, vocabulary.ALPHA, 2),
            )
        )
    return " ".join(sentences)


def verdict_summary(table: pd.DataFrame, lang: str) -> str:
    """How the arm × domain verdicts split, conflicting ones included."""
    n = table["verdict"].value_counts()
    parts = _tally(n, VERDICT_KEYS, lang)
    return t(
        lang,
        "Verdicts of the {n_table} arm × domain pairs with findings: {parts}.",
        n_table=len(table),
        parts=parts,
    )


# --------------------------------------------------------------------------- 04: single vs combined


def single_combined(comparison: pd.DataFrame, overlap: pd.DataFrame, ev: Evidence, lang: str) -> str:
    """Whether single and combined arms can be compared: shared outcomes, or only shared domains."""
    if comparison.empty:
        return t(
            lang,
            "**No case has both a single and a combined arm**, so single and combined "
            "programmes cannot be compared within an evaluation in these data; the "
            "comparison figures are skipped.",
        )
    n_pairs = len(comparison[["country", "case", "single_arm", "combined_arm"]].drop_duplicates())
    shared = comparison[comparison["comparable"].astype(bool)]
    sentences = [
        tn(
            lang,
            "{n_pairs} pair of a single and a combined arm of the same case measured "
            "{outcomes} between them.",
            "{n_pairs} pairs of a single and a combined arm of the same case measured "
            "{outcomes} between them.",
            n_pairs,
            n_pairs=n_pairs,
            outcomes=_count(comparison["outcome"].nunique(), "outcome", lang),
        )
    ]
    if shared.empty:
        sentences.append(
            t(
                lang,
                "**No outcome was measured by both arms of any case**, so no outcome-level "
                "comparison is possible: each arm's results concern different outcomes.",
            )
        )
    else:
        same = int((shared["comparison"] == "same").sum())  # two unclear effects are never the same
        sentences.append(
            tn(
                lang,
                "Both arms of a case measured the same outcome {n_shared} time; in {same} of "
                "these the two arms show the same effect.",
                "Both arms of a case measured the same outcome {n_shared} times; in {same} of "
                "these the two arms show the same effect.",
                len(shared),
                n_shared=len(shared),
                same=same,
            )
        )
    met = overlap[
        (overlap["single_outcomes"] > 0)
        & (overlap["combined_outcomes"] > 0)
        & (overlap["shared_outcomes"] == 0)
    ]
    if len(met):
        domain_label = labels(ev.domains, "domain", lang)
        items = [
            f"{escape(r.case)} ({escape(country_name(lang, r.country))}): {escape(domain_label[r.domain])}"
            for r in met.itertuples(index=False)
        ]
        sentences.append(
            t(
                lang,
                "Both arms have outcomes in the same domain but none in common, so their domain verdicts "
                "rest on different outcomes and are not a like-for-like comparison: {items}.",
                items=_entries(items, lang),
            )
        )
    return " ".join(sentences)


# --------------------------------------------------------------------------- 04: the combination panel


def no_comparison(cases: pd.DataFrame, lang: str) -> str:
    """Names every case that offers no comparison, with its reason (`combination.no_comparison_cases`)."""
    if cases.empty:
        return ""
    from synergies.plots import NO_COMPARISON_REASONS

    items = [
        tl.t(
            lang,
            "{case} ({country}, {reason})",
            case=escape(r.case),
            country=escape(country_name(lang, r.country)),
            reason=tl.gettext(lang, NO_COMPARISON_REASONS[r.reason]),
        )
        for r in cases.itertuples(index=False)
    ]
    return tl.tn(
        lang,
        "**{n} case offers no comparison** of an arm with one that adds programmes, and is absent from "
        "the comparison figures: {list}.",
        "**{n} cases offer no comparison** of an arm with one that adds programmes, and are absent from "
        "the comparison figures: {list}.",
        len(items),
        list=_names(items, lang, markdown=False),
    )


def combination(
    pairs: pd.DataFrame, outcomes: pd.DataFrame, arms: pd.DataFrame, ev: Evidence, lang: str
) -> str:
    """What the combination panel can say: nested and non-nested pairs, the comparisons, unknown comparators.

    `pairs` is `combination.arm_pairs(ev)`, `outcomes` `combination.combination_outcomes(ev)`,
    `arms` `combination.arm_table(ev)`.
    """
    if ev.arms is None:
        return tl.t(
            lang,
            "These data have no arms.csv, so which programmes each arm receives and what its results are "
            "measured against are not coded: every comparator is unknown, no pair of arms can be shown "
            "to nest, and single and combined arms are paired by their labels in findings.csv.",
        )
    nested = pairs[pairs["nesting"] == "nested"]
    other = pairs[pairs["nesting"] == "not_nested"]
    sentences = []
    if nested.empty:
        sentences.append(
            tl.t(
                lang, "**No arm receives all the programmes of another arm of its case and more** (arms.csv)."
            )
        )
    else:
        items = [
            tl.t(
                lang,
                "{extended} adds {added} to {base} ({case}, {country})",
                extended=escape(r.extended_arm),
                added=escape(r.added_components.replace(";", ", ")),
                base=escape(r.base_arm),
                case=escape(r.case),
                country=escape(country_name(lang, r.country)),
            )
            for r in nested.itertuples(index=False)
        ]
        sentences.append(
            tl.tn(
                lang,
                "{n} pair of arms nests, one arm receiving all the other's programmes and more: {list}.",
                "{n} pairs of arms nest, one arm receiving all the other's programmes and more: {list}.",
                len(items),
                list=_names(items, lang, markdown=False),
            )
        )
    if len(other):
        items = [
            f"{escape(r.base_arm)} / {escape(r.extended_arm)} ({escape(r.case)})" for r in other.itertuples()
        ]
        sentences.append(
            tl.tn(
                lang,
                "{n} pair is not nested, so it says nothing about adding programmes and is never read as "
                "single against combined: {list}.",
                "{n} pairs are not nested, so they say nothing about adding programmes and are never read as "
                "single against combined: {list}.",
                len(items),
                list=_names(items, lang, markdown=False),
            )
        )
    if len(outcomes):
        counts = outcomes["comparison"].value_counts()
        direct = int((outcomes["basis"] == "direct_contrast").sum())
        sentences.append(
            tl.tn(
                lang,
                "Over {n} outcome row of nested pairs, the arm adding programmes does better on {better}, "
                "the same on {same} and worse on {worse}; on {cannot} the data cannot tell (an effect is "
                "missing, unclear or conflicting).",
                "Over {n} outcome rows of nested pairs, the arm adding programmes does better on {better}, "
                "the same on {same} and worse on {worse}; on {cannot} the data cannot tell (an effect is "
                "missing, unclear or conflicting).",
                len(outcomes),
                **_comparison_counts(counts),
            )
        )
        if direct:
            sentences.append(
                tl.tn(
                    lang,
                    "{n} of these rows rests on a coded direct contrast of the two arms.",
                    "{n} of these rows rest on a coded direct contrast of the two arms.",
                    direct,
                )
            )
        with_se = int(outcomes["difference_basis"].eq("independent_estimates").sum())
        if with_se:
            sentences.append(
                tl.tn(
                    lang,
                    "{n} row gives the difference of the two arms' estimates with its standard error, which "
                    "assumes the estimates are independent (too large an SE when they share a comparison "
                    "group).",
                    "{n} rows give the difference of the two arms' estimates with its standard error, which "
                    "assumes the estimates are independent (too large an SE when they share a comparison "
                    "group).",
                    with_se,
                )
            )
    unknown = arms[(arms["comparator"] == "unknown") & (arms["n_findings"] > 0)]
    if len(unknown):
        names = [
            escape(r.intervention)
            if r.intervention == r.case
            else f"{escape(r.intervention)} ({escape(r.case)})"
            for r in unknown.itertuples()
        ]
        sentences.append(
            tl.tn(
                lang,
                "What {n} arm is compared with is unknown: {list}.",
                "What {n} arms are compared with is unknown: {list}.",
                len(names),
                list=_names(names, lang, markdown=False),
            )
        )
    return " ".join(sentences)


# --------------------------------------------------------------------------- 05: institutions


def institutional(summary: pd.DataFrame | None, ev: Evidence, lang: str) -> str:
    """Which factors recur across cases and how they were assessed; a note when there is no analysis."""
    if summary is None:
        return t(
            lang,
            "**This data directory has no institutional.csv**, so the institutional analysis is skipped.",
        )
    factor_label = labels(ev.factors, "factor", lang) if ev.factors is not None else {}
    shared = summary[summary["n_cases"] > 1]
    n_cases = ev.institutional[["country", "case"]].drop_duplicates().shape[0]
    sentences = [
        t(
            lang,
            "{n_statements} statements cover {n_summary} factors in {n_cases} cases.",
            n_statements=len(ev.institutional),
            n_summary=len(summary),
            n_cases=n_cases,
        )
    ]
    if shared.empty:
        sentences.append(t(lang, "No factor is reported in more than one case."))
    for r in shared.head(MAX_NAMED).itertuples(index=False):
        parts = _tally(pd.Series({a: getattr(r, f"n_{a}") for a in ASSESSMENTS}), ASSESSMENTS, lang)
        name = escape(factor_label.get(r.factor, r.factor))
        sentences.append(
            t(
                lang,
                "*{factor}*: reported in {cases} in {countries} ({parts}).",
                factor=name,
                cases=_count(r.n_cases, "case", lang),
                countries=_count(r.n_countries, "country", lang),
                parts=parts,
            )
        )
    return " ".join(sentences)


# --------------------------------------------------------------------------- alt text (plain text)


def _page_part(page: Page | None, lang: str) -> str:
    text = ""
    if page is not None and page.count > 1:
        text = t(
            lang,
            " Page {number} of {count} ({label}).",
            number=page.number,
            count=page.count,
            label=page.label,
        )
    if page is not None and page.not_drawn:
        text += tn(
            lang,
            " {not_drawn} more row is not drawn; the table has every row.",
            " {not_drawn} more rows are not drawn; the table has every row.",
            page.not_drawn,
            not_drawn=page.not_drawn,
        )
    return text


def _alt_pooled(ev: Evidence, pooled: pd.DataFrame, page: Page, columns: str, lang: str) -> str:
    """Alt text of a page whose rows are countries pooling their arms (`plots` level "country")."""
    countries = country_rows(ev).iloc[list(page.rows)]
    shown = pooled[pooled["country"].isin(countries["country"])]
    parts = _tally(shown["verdict"].value_counts(), VERDICT_KEYS, lang)
    gaps = [country_name(lang, c) for c in countries.loc[countries["n_findings"] == 0, "country"]]
    text = t(
        lang,
        "{countries} (rows, each pooling the findings of its intervention arms) by "
        "{columns}; {n_cells} cells: {parts}.",
        countries=_count(len(countries), "country", lang),
        columns=columns,
        n_cells=digits(len(shown), lang),
        parts=parts,
    )
    if gaps:
        text += t(lang, " No findings: {items}.", items=", ".join(gaps))
    return text + _page_part(page, lang)


def pages_note(pages: Sequence[Page], table_file: str, lang: str) -> str:
    """A sentence for the notebook when a figure pools its arms by country or leaves rows to the table."""
    if not pages:
        return ""
    page = pages[0]
    sentences = []
    if page.level == "country":
        sentences.append(
            t(
                lang,
                "With more than {max_arms} intervention arms, one row per arm would not be "
                "readable, so the figure pools the arms of each country (the verdict rule "
                "applied to their findings together).",
                max_arms=MAX_ARMS,
            )
        )
    if page.not_drawn:
        sentences.append(
            tn(
                lang,
                "Only the first {max_pages} pages are drawn; {not_drawn} more row is not.",
                "Only the first {max_pages} pages are drawn; {not_drawn} more rows are not.",
                page.not_drawn,
                max_pages=MAX_PAGES,
                not_drawn=page.not_drawn,
            )
        )
    if sentences:
        sentences.append(t(lang, "Every row is in `tables/{table_file}`.", table_file=table_file))
    return " ".join(sentences)


def alt_effect_directions(ev: Evidence, cells: pd.DataFrame, page: Page, lang: str) -> str:
    """Alt text of one heatmap page: its arms (or countries), outcomes, effect counts and gap rows."""
    outcomes = {o for _, o in page.columns if o}
    if page.level == "country":
        pooled = aggregate.pool_by(cells, ["country", "domain", "outcome"], ev)
        columns = t(
            lang, "{outcomes} (columns, grouped by domain)", outcomes=_count(len(outcomes), "outcome", lang)
        )
        title = t(lang, "Effect-direction heatmap by country: ")
        return title + _alt_pooled(ev, pooled[pooled["outcome"].isin(outcomes)], page, columns, lang)
    arm_table = aggregate.arms(ev).iloc[list(page.rows)]
    shown = cells[_of_arms(cells, arm_table) & cells["outcome"].isin(outcomes)]
    parts = _tally(shown["effect"].value_counts(), VERDICT_KEYS, lang)
    n_arms = int((arm_table["n_findings"] > 0).sum())
    gaps = arm_table[arm_table["n_findings"] == 0]
    text = t(
        lang,
        "Effect-direction heatmap: {arms} (rows) by {outcomes} (columns, grouped by "
        "domain); {n_cells} cells with findings: {parts}.",
        arms=_count(n_arms, "arm", lang),
        outcomes=_count(len(outcomes), "outcome", lang),
        n_cells=digits(len(shown), lang),
        parts=parts,
    )
    if len(gaps):
        text += t(lang, " Rows without findings: {names}.", names=_case_names(gaps, lang, markdown=False))
    return text + alt_quality(ev, cells, page, lang) + _page_part(page, lang)


def alt_verdicts(table: pd.DataFrame, page: Page, ev: Evidence, lang: str) -> str:
    """Alt text of the verdict matrix: how many arm × domain verdicts of each kind it shows."""
    if page.level == "country":
        pooled = aggregate.pool_by(table, ["country", "domain"], ev)
        columns = _count(len(ev.domains), "domain", lang)
        title = t(lang, "Verdict matrix by country: ")
        return title + _alt_pooled(ev, pooled, page, columns, lang)
    arm_table = aggregate.arms(ev).iloc[list(page.rows)]
    shown = table[_of_arms(table, arm_table)]
    parts = _tally(shown["verdict"].value_counts(), VERDICT_KEYS, lang)
    return t(
        lang,
        "Verdict matrix of {n_arm_table} rows (arms and gap rows) by {domains}; "
        "{n_verdicts} arm × domain verdicts: {parts}.",
        n_arm_table=len(arm_table),
        domains=_count(len(ev.domains), "domain", lang),
        n_verdicts=digits(len(shown), lang),
        parts=parts,
    ) + _page_part(page, lang)


def alt_sign_tests(table: pd.DataFrame, ev: Evidence, lang: str) -> str:
    """Alt text of a sign-test figure: per domain, the votes and the proportion with its interval."""
    domain_label = labels(ev.domains, "domain", lang)
    items = []
    for r in table.itertuples(index=False):
        votes = r.n_beneficial + r.n_adverse
        if math.isnan(r.proportion):
            items.append(t(lang, "{domain}: no votes", domain=domain_label[r.domain]))
            continue
        beneficial = tn(
            lang,
            "{domain}: {k} of {n} beneficial ({proportion}, 95 % CI {low} to {high})",
            "{domain}: {k} of {n} beneficial ({proportion}, 95 % CI {low} to {high})",
            votes,
            domain=domain_label[r.domain],
            k=int(r.n_beneficial),
            proportion=numbers.proportion(lang, r.proportion),
            low=numbers.proportion(lang, r.ci_low),
            high=numbers.proportion(lang, r.ci_high),
        )
        conflicting = tn(lang, "{n} conflicting", "{n} conflicting", int(r.n_conflicting))
        items.append(f"{beneficial}, {conflicting}")
    unit = str(table["unit"].iloc[0]) if len(table) else "arm"
    what = t(lang, "intervention arms") if unit == "arm" else t(lang, "evaluations")
    return t(lang, "Sign test per domain counting {what}: {items}.", what=what, items="; ".join(items))


def alt_country_domain(table: pd.DataFrame, ev: Evidence, lang: str) -> str:
    """Alt text of the country × domain figure: findings per country and the empty cells."""
    totals = table.groupby("country", sort=False)["total"].sum()
    with_findings = [f"{country_name(lang, c)} {digits(int(n), lang)}" for c, n in totals.items() if n]
    without = [country_name(lang, c) for c, n in totals.items() if not n]
    empty = int(((table["total"] == 0) & table["country"].isin(totals[totals > 0].index)).sum())
    text = t(
        lang,
        "Findings by country and domain, stacked by effect. Findings per country: "
        "{items}. {empty} country × domain cells of countries with findings are empty.",
        items=", ".join(with_findings),
        empty=empty,
    )
    if without:
        text += t(lang, " No findings: {items}.", items=", ".join(without))
    return text


def alt_single_combined(table: pd.DataFrame, page: Page, lang: str) -> str:
    """Alt text of the outcome-level single-vs-combined figure."""
    shown = table.iloc[list(page.rows)]
    both = int(shown["comparable"].astype(bool).sum())
    only_single = int(((shown["single_effect"] != "") & (shown["combined_effect"] == "")).sum())
    only_combined = int(((shown["single_effect"] == "") & (shown["combined_effect"] != "")).sum())
    return t(
        lang,
        "Single and combined arms side by side for {n_shown} outcome rows: {both} "
        "measured by both arms, {only_single} by the single arm only, {only_combined} "
        "by the combined arm only.",
        n_shown=len(shown),
        both=both,
        only_single=only_single,
        only_combined=only_combined,
    ) + _page_part(page, lang)


def alt_single_combined_domains(overlap: pd.DataFrame, page: Page, lang: str) -> str:
    """Alt text of the domain-level single-vs-combined figure."""
    pairs = arm_pairs(overlap).iloc[list(page.rows)]
    keys = pd.MultiIndex.from_frame(pairs)
    shown = overlap[pd.MultiIndex.from_frame(overlap[pairs.columns.tolist()]).isin(keys)]
    both = shown[(shown["single_outcomes"] > 0) & (shown["combined_outcomes"] > 0)]
    pairs_text = tn(
        lang,
        "Domain verdicts of single and combined arms for {n} arm pair",
        "Domain verdicts of single and combined arms for {n} arm pairs",
        len(pairs),
    )
    cells_text = tn(
        lang,
        "both arms have outcomes in {n} case × domain cell, and in {none} of those they share no outcome.",
        "both arms have outcomes in {n} case × domain cells, and in {none} of those they share no outcome.",
        len(both),
        none=int((both["shared_outcomes"] == 0).sum()),
    )
    return f"{pairs_text}: {cells_text}" + _page_part(page, lang)


def alt_combination(outcomes: pd.DataFrame, page: Page, lang: str) -> str:
    """Alt text of the combination figure: rows drawn and how the comparisons fell."""
    shown = outcomes.iloc[list(page.rows)]
    counts = shown["comparison"].value_counts()
    return tl.tn(
        lang,
        "Nested pairs of arms, {n} outcome row: the base arm, the arm adding programmes and their direct "
        "contrast, each with its effect and sign of change. Adding programmes: better {better}, same {same}, "
        "worse {worse}, cannot tell {cannot}.",
        "Nested pairs of arms, {n} outcome rows: the base arm, the arm adding programmes and their direct "
        "contrast, each with its effect and sign of change. Adding programmes: better {better}, same {same}, "
        "worse {worse}, cannot tell {cannot}.",
        len(shown),
        **_comparison_counts(counts),
    ) + _page_part(page, lang)


def alt_institutional(matrix: pd.DataFrame, page: Page, lang: str) -> str:
    """Alt text of the institutional matrix: statements by assessment and level."""
    n = matrix["assessment"].value_counts()
    lv = matrix["level"].value_counts()
    parts = _tally(n, ASSESSMENTS, lang)
    return t(
        lang,
        "Institutional factors by case: {n_matrix} statements on {n_factors} factors — "
        "{parts}; {n_national} national and {n_local} local.",
        n_matrix=len(matrix),
        n_factors=matrix["factor"].nunique(),
        parts=parts,
        n_national=int(lv.get("national", 0)),
        n_local=int(lv.get("local", 0)),
    ) + _page_part(page, lang)


# --------------------------------------------------------------------------- study quality and robustness


def alt_quality(ev: Evidence, cells: pd.DataFrame, page: Page, lang: str) -> str:
    """The part of the heatmap's alt text on sample size, significance and risk of bias of its rows."""
    from synergies import plots

    _, row_index, _, _, keys = plots._grid_rows(ev, page, lang)
    quality = plots.cell_quality(ev, keys)
    outcomes = {o for _, o in page.columns if o}
    shown = [
        quality[(*key, outcome)]
        for key, outcome in zip(plots._row_keys(cells, keys), cells["outcome"], strict=True)
        if key in row_index and outcome in outcomes and (*key, outcome) in quality
    ]
    sizes = pd.Series([s for s, _ in shown], dtype=object).value_counts()
    sig = pd.Series([g for _, g in shown], dtype=object).value_counts()
    size_part = "".join(
        f"{word(f'size_{b}', lang)} {digits(int(sizes[b]), lang)}; "
        for b in ("large", "medium", "small")
        if b in sizes
    )
    text = t(
        lang,
        " Glyph size by sample size: {sizes}{n} cells without n.",
        sizes=size_part,
        n=int(sizes.get("not_reported", 0)),
    )
    text += t(
        lang,
        " Significance (shown, not counted): {significant} cells significant, {not_significant} not "
        "significant, {not_reported} not reported.",
        significant=int(sig.get("significant", 0)),
        not_significant=int(sig.get("not_significant", 0)),
        not_reported=int(sig.get("not_reported", 0)),
    )
    ratings = pd.Series(list(plots._row_ratings(ev, page).values()), dtype=object)
    if len(ratings):
        counts = ratings.replace("", "not_given").value_counts()
        order = ("low", "some_concerns", "high", "unknown", "not_given")
        parts = ", ".join(
            f"{word(f'rob_{k}', lang)} {digits(int(counts[k]), lang)}" for k in order if k in counts
        )
        text += t(lang, " Risk of bias per arm row: {parts}.", parts=parts)
    return text


def robustness_summary(summary: pd.DataFrame, grid: pd.DataFrame, ev: Evidence, lang: str) -> str:
    """One Markdown line per domain: robust across K of N scenarios, or which choices change it.

    `summary` is `robustness.domain_robustness(grid)`. The significant-only comparator is reported
    apart, as the biased count it is; scenarios that could not run are named once, with why.
    """
    from synergies.robustness import scenario_label

    domain_label = labels(ev.domains, "domain", lang)
    lines = []
    for r in summary.itertuples(index=False):
        name = escape(domain_label.get(r.domain, r.domain))
        base = word(r.baseline_verdict, lang)
        p = "" if pd.isna(r.baseline_p_value) else f", {numbers.p_value(lang, float(r.baseline_p_value))}"
        if not r.changes:
            text = t(
                lang,
                "**{domain}**: {verdict} at baseline{p}; the verdict holds in all {n} of {n} scenarios "
                "that could run",
                domain=name,
                verdict=base,
                p=p,
                n=int(r.n_scenarios),
            )
        else:
            text = t(
                lang,
                "**{domain}**: {verdict} at baseline{p}; the verdict holds in {same} of {n} scenarios",
                domain=name,
                verdict=base,
                p=p,
                same=int(r.n_same),
                n=int(r.n_scenarios),
            )
        if not (pd.isna(r.p_min) or r.p_min == r.p_max):
            text += t(
                lang,
                "; the sign-test p ranges from {low} to {high}",
                low=numbers.p_value(lang, float(r.p_min)).removeprefix("p = ").removeprefix("p "),
                high=numbers.p_value(lang, float(r.p_max)).removeprefix("p = ").removeprefix("p "),
            )
        if r.significant_only_verdict:
            text += t(
                lang,
                ". Counting significant findings only (the biased comparator) would say {verdict}",
                verdict=word(r.significant_only_verdict, lang),
            )
        if r.changes:
            # A scenario's label may begin with an outcome's label, so the scenarios are a list of
            # their own after a colon, never the object of "under".
            changes = [f"{escape(scenario_label(ev, s, lang))} ({word(v, lang)})" for s, v in r.changes]
            text += ". " + t(lang, "Scenarios that change it: {changes}", changes=_entries(changes, lang))
        lines.append(f"- {text}.")
    not_run = grid[~grid["runnable"]].drop_duplicates("scenario")
    if len(not_run):
        items = [
            f"{escape(scenario_label(ev, s, lang))} ({word(f'why_{g}', lang)})"
            for s, g in zip(not_run["scenario"], not_run["scenario_group"], strict=True)
        ]
        lines.append("\n" + t(lang, "Not run on these data: {items}.", items=join_list(items, lang)))
    return "\n".join(lines)


def alt_robustness(grid: pd.DataFrame, summary: pd.DataFrame, ev: Evidence, lang: str) -> str:
    """Alt text of the robustness figure: its size, and per domain the baseline verdict and its changes."""
    domain_label = labels(ev.domains, "domain", lang)
    parts = [
        t(
            lang,
            "{domain}: {verdict} at baseline, same in {same} of {n}",
            domain=domain_label.get(r.domain, r.domain),
            verdict=word(r.baseline_verdict, lang),
            same=int(r.n_same),
            n=int(r.n_scenarios),
        )
        for r in summary.itertuples(index=False)
    ]
    return t(
        lang,
        "Robustness grid: {scenarios} scenarios (rows; {run} could run) by {domains} (columns), each "
        "cell the domain verdict and its sign-test p. {parts}.",
        scenarios=int(grid["scenario"].nunique()),
        run=int(grid.loc[grid["runnable"], "scenario"].nunique()),
        domains=_count(len(summary), "domain", lang),
        parts="; ".join(parts),
    )


def reporting_bias_caveat(flagged: pd.DataFrame, ev: Evidence, lang: str) -> str:
    """The reporting-bias caveat for sources whose findings hold no null result, or "" when none.

    `flagged` is `robustness.sources_without_nulls(ev)`. A source that lists only changes likely
    reports selected results; a direction count inherits that selection (Cochrane Handbook
    12.2.2.1), and Hilton Boon & Thomson advise against the sign test when publication bias is suspected.
    """
    if flagged.empty:
        return ""
    unnamed = t(lang, "findings without a source_id")
    items = [
        f"{escape(s) if s else unnamed} ({_count(int(n), 'finding', lang)})"
        for s, n in zip(flagged["source_id"], flagged["n_findings"], strict=True)
    ]
    return t(
        lang,
        "**Reporting bias:** none of the findings of {sources} is a null (no-change) result. A source "
        "that lists only changes likely reports selected results, and a count by direction inherits "
        "that selection (Cochrane Handbook 12.2.2.1); Hilton Boon and Thomson advise against the sign "
        "test when publication bias is suspected, so read these sign tests as a description of what "
        "was reported, not of what happened.",
        sources=join_list(items, lang),
    )
