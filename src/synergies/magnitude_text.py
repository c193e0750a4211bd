"""Words of the magnitude analysis: measure names, numbers and the notebook's and narrative's sentences.

Every phrase goes through the message catalogue (`synergies.text`: English msgids, Spanish in
`text/locale/es/LC_MESSAGES/synergies.po`), and every number through `synergies.text.numbers`.
Sentences are written from the tables of `synergies.magnitude`, so they stay true on other
data; citations are finding ids of `findings.csv` ([F01–F03]), escaped for Markdown.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd

from synergies import magnitude
from synergies.cells import is_blank
from synergies.i18n import labels
from synergies.load import Evidence
from synergies.narrative import compact_ids, escape, join_list
from synergies.text import N_, NN_, NP_, gettext, numbers, pgettext, t, tn

# Measure -> (name, short unit). The unit of a ratio is empty: "1.07", not "1.07 ratio".
MEASURES = {
    "smd": (N_("standardised mean difference"), NP_("unit", "SD")),
    "pp": (N_("difference in percentage points"), NP_("unit", "pp")),
    "log_or": (N_("log odds ratio"), NP_("unit", "log OR")),
    "ratio": (N_("ratio"), ""),
    "raw": (N_("difference in the source's unit"), ""),
}
# Each reason of `magnitude.NOT_POOLED` in words, as a clause of the notebook's summary ("3 have no
# standard error") and as a phrase of the forest plot's note ("3 without a standard error").
NOT_POOLED_WORDS = {
    magnitude.NOT_ALIGNED: {
        "clause": NN_(
            "{n} is on an outcome of ambiguous desirability and cannot be aligned",
            "{n} are on outcomes of ambiguous desirability and cannot be aligned",
        ),
        "note": NN_(
            "{n} on an outcome of ambiguous desirability (it cannot be aligned)",
            "{n} on outcomes of ambiguous desirability (they cannot be aligned)",
        ),
    },
    magnitude.NO_SE: {
        "clause": NN_("{n} has no standard error", "{n} have no standard error"),
        "note": NN_("{n} without a standard error", "{n} without a standard error"),
    },
    magnitude.RAW_UNIT: {
        "clause": NN_(
            "{n} is in a raw unit, and such units differ between outcomes",
            "{n} are in raw units, which differ between outcomes",
        ),
        "note": NN_(
            "{n} in a raw unit (units differ between outcomes)",
            "{n} in raw units (units differ between outcomes)",
        ),
    },
}
PLACES = 2  # decimals of estimates and intervals
TAU2_PLACES = 3


def measure_label(measure: str, lang: str) -> str:
    """'standardised mean difference' / 'diferencia de medias estandarizada'."""
    return gettext(lang, MEASURES[measure][0])


def measure_unit(measure: str, lang: str) -> str:
    """The short unit an axis or a sentence uses: SD, pp, log OR; empty for ratios and raw units."""
    unit = MEASURES[measure][1]
    return pgettext(lang, "unit", unit) if unit else ""


def fmt_number(x: float, lang: str, places: int = PLACES) -> str:
    """A decimal by the project's one number rule (`text.numbers`); "–" when missing; never "-0.00"."""
    if is_blank(x):
        return "–"
    text = numbers.decimal(lang, float(x), places)
    return text.lstrip("-") if text.lstrip("-").strip("0.,") == "" else text


def fmt_p_tick(p: float, lang: str) -> str:
    """A p-value axis tick: 1, 0.05, 0.001, then powers of ten (10⁻⁵)."""
    if p < 0.001:
        superscript = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
        return "10" + str(round(math.log10(p))).translate(superscript)
    places = len(f"{p:g}".split(".")[-1]) if p < 1 else 0  # 0.05 -> 2, 0.001 -> 3
    return numbers.decimal(lang, p, places) if p < 1 else numbers.integer(lang, 1)


def not_pooled_parts(counts: Mapping[str, int], form: str, lang: str) -> list[str]:
    """Why findings with an estimate are not pooled, one part per reason of `magnitude.NOT_POOLED` that
    `counts` (reason -> findings, e.g. of the `pooled_as` column) has, in that order.

    `form` is "clause" (for a sentence: "3 have no standard error") or "note" (for a figure's
    note: "3 without a standard error"); one list drives both, so they always give the same reasons.
    """
    return [
        tn(lang, *NOT_POOLED_WORDS[reason][form], int(counts[reason]))
        for reason in magnitude.NOT_POOLED
        if counts.get(reason, 0)
    ]


def cite(ids: list[str] | str) -> str:
    """[F01–F03, F07]: the finding ids of a citation, in natural order with ranges."""
    items = ids.split(";") if isinstance(ids, str) else list(ids)
    return "[" + ", ".join(escape(i) for i in compact_ids(items)) + "]"


def no_estimates(ev: Evidence, lang: str) -> str:
    """The one sentence the notebook and the narrative say when nothing can be sized, and why."""
    f = ev.findings
    if f["estimate"].notna().any() and not f["effect_measure"].ne("").any():
        return t(
            lang,
            "The findings give estimates but no `effect_measure`, so their sizes cannot be compared "
            "or pooled; the synthesis rests on directions only.",
        )
    return t(
        lang,
        "No finding reports an estimate with its measure, so no magnitude can be shown or pooled: "
        "the synthesis rests on the direction of effects.",
    )


def summary(ev: Evidence, aligned: pd.DataFrame, pooled: pd.DataFrame, lang: str) -> str:
    """What was sized: findings with estimates, how many can be pooled, and why not the rest."""
    counts = aligned["pooled_as"].value_counts()
    usable = int(aligned["pooled_as"].isin(magnitude.POOLED_MEASURES).sum())
    text = tn(
        lang,
        "{n} of {total} finding reports an estimate with its measure;",
        "{n} of {total} findings report an estimate with its measure;",
        len(aligned),
        total=len(ev.findings),
    )
    text += " " + tn(
        lang,
        "{n} has a standard error in a measure that can be pooled.",
        "{n} have a standard error in a measure that can be pooled.",
        usable,
    )
    reasons = not_pooled_parts(counts.to_dict(), "clause", lang)
    if reasons:
        text += " " + t(lang, "Left out of pooling: {reasons}.", reasons=join_list(reasons, lang))
    if pooled.empty:
        text += " " + t(
            lang,
            "No domain has two evaluations with an estimate in the same measure, so nothing is pooled.",
        )
    return text


def method_note(lang: str) -> str:
    """How estimates were aligned, reduced to one per evaluation and pooled."""
    return t(
        lang,
        "Estimates are sign-aligned with the codebook so that positive is good for households. "
        "Each evaluation contributes one estimate per domain and measure: the mean of its findings, "
        "with a standard error that assumes they are perfectly correlated (conservative). Where at "
        "least two evaluations share a domain and measure, a random-effects meta-analysis pools them "
        "with the Paule–Mandel between-evaluation variance, which is less biased than "
        "DerSimonian–Laird with few evaluations. With so few evaluations the interval at {confidence}, "
        "which treats tau² as known, is still optimistic.",
        confidence=numbers.percent(lang, 95),
    )


def _heterogeneity(row, lang: str) -> str:
    """'heterogeneity is low (I² = 9%, tau² = 0.001)', with the Cochrane Handbook's rough bands."""
    i2 = float(row.i2)
    if i2 < 25:
        level = pgettext(lang, "heterogeneity", "low")
    elif i2 < 50:
        level = pgettext(lang, "heterogeneity", "moderate")
    elif i2 < 75:
        level = pgettext(lang, "heterogeneity", "substantial")
    else:
        level = pgettext(lang, "heterogeneity", "considerable")
    return t(
        lang,
        "heterogeneity is {level} (I² = {i2}, tau² = {tau2})",
        level=level,
        i2=numbers.percent(lang, i2),
        tau2=fmt_number(float(row.tau2), lang, TAU2_PLACES),
    )


def interval(low: float, high: float, lang: str) -> str:
    """'95 % CI 0.01 to 0.19' / 'IC 95 % 0,01 a 0,19'."""
    return t(lang, "95% CI {low} to {high}", low=fmt_number(low, lang), high=fmt_number(high, lang))


def pooled_sentence(ev: Evidence, row, lang: str, cited: bool = True) -> str:
    """One pooled estimate in words: size, interval, k, whether it excludes no effect, heterogeneity, rows.

    With `cited` False the finding ids are left out, for the narrative, which cites from its refs.
    """
    domain = labels(ev.domains, "domain", lang).get(row.domain, row.domain)
    unit = measure_unit(row.effect_measure, lang)
    value = f"{fmt_number(row.estimate, lang)} {unit}".strip()
    null = 1.0 if row.scale == "ratio" else 0.0
    excludes = row.ci_low > null or row.ci_high < null
    verdict = (
        gettext(lang, "its interval excludes no effect")
        if excludes
        else gettext(lang, "its interval includes no effect")
    )
    # The domain's label leads before a colon: any label reads right there, a clause-like one too.
    text = t(
        lang,
        "{domain}: the pooled estimate ({measure}, aligned so that positive is good for households) "
        "is {estimate} ({interval}) across {k} evaluations; {verdict}, and {heterogeneity}",
        domain=escape(domain),
        measure=measure_label(row.effect_measure, lang),
        estimate=value,
        interval=interval(row.ci_low, row.ci_high, lang),
        k=int(row.k),
        verdict=verdict,
        heterogeneity=_heterogeneity(row, lang),
    )
    return f"{text} {cite(row.finding_ids)}." if cited else f"{text}."


def domain_paragraphs(ev: Evidence, pooled: pd.DataFrame, lang: str) -> list[str]:
    """One paragraph per domain with a pooled estimate, its measures in contract order."""
    paragraphs = []
    for domain in ev.domain_order:
        rows = pooled[pooled["domain"] == domain]
        if not rows.empty:
            paragraphs.append(" ".join(pooled_sentence(ev, r, lang) for r in rows.itertuples(index=False)))
    return paragraphs


def no_albatross(lang: str) -> str:
    """Why there is no albatross plot: no finding has both a sample size and a p-value or SE."""
    return t(
        lang,
        "No finding reports both a sample size `n` and a p-value (or an estimate with its standard "
        "error), so there is no albatross plot.",
    )
