"""Notebook 04's magnitude text: measure names, numbers, and its sentences rendered in one language.

The sentences are the typed-slot bodies of `narrative.magnitudes` (the one builder, which the
narrative's magnitude section says too), rendered here in the run's language, so notebook 04 and
the narrative cannot word a magnitude differently. The words themselves (measures, why an
estimate is not pooled) are the tables of `synergies.magnitude_words`, and every number goes
through `synergies.text.numbers`. Sentences are written from the tables of `synergies.magnitude`,
so they stay true on other data; citations are finding ids of `findings.csv` ([F01–F03]), escaped
for Markdown.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd

from synergies import magnitude
from synergies.cells import is_blank
from synergies.i18n import labels
from synergies.load import Evidence
from synergies.magnitude_words import MEASURES, PLACES, TAU2_PLACES
from synergies.narrative import compact_ids, escape, magnitudes
from synergies.narrative.slots import Int, Markup, Slot, render
from synergies.text import gettext, numbers, pgettext, t

__all__ = [
    "MEASURES",
    "PLACES",
    "TAU2_PLACES",
    "cite",
    "domain_paragraphs",
    "fmt_number",
    "fmt_p_tick",
    "interval",
    "measure_label",
    "measure_unit",
    "method_note",
    "no_albatross",
    "no_estimates",
    "not_pooled_parts",
    "pooled_sentence",
    "summary",
]


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
    note: "3 without a standard error"); one table (`magnitude_words.NOT_POOLED_WORDS`) holds both,
    so they always give the same reasons.
    """
    return [
        render(magnitudes.not_pooled_phrase(reason, form, Int(n), n), lang)
        for reason in magnitude.NOT_POOLED
        if (n := int(counts.get(reason, 0)))
    ]


def cite(ids: list[str] | str) -> str:
    """[F01–F03, F07]: the finding ids of a citation, in natural order with ranges."""
    items = ids.split(";") if isinstance(ids, str) else list(ids)
    return "[" + ", ".join(escape(i) for i in compact_ids(items)) + "]"


def _names(ev: Evidence, lang: str) -> dict[str, dict[str, dict[str, str]]]:
    """The labels a magnitude body names (domains), in `lang`, as `slots.Label` reads them."""
    return {lang: {"domain": labels(ev.domains, "domain", lang)}}


def no_estimates(ev: Evidence, lang: str) -> str:
    """The one sentence the notebook and the narrative say when nothing can be sized, and why."""
    return render(magnitudes.no_estimates_body(ev.findings), lang)


def summary(ev: Evidence, aligned: pd.DataFrame, pooled: pd.DataFrame, lang: str) -> str:
    """What was sized: findings with estimates, how many can be pooled, and why not the rest."""
    return render(magnitudes.summary_body(ev.findings, aligned, pooled), lang)


def method_note(lang: str) -> str:
    """How estimates were aligned, reduced to one per evaluation and pooled."""
    return render(magnitudes.method_body(), lang)


def interval(low: float, high: float, lang: str) -> str:
    """'95 % CI 0.01 to 0.19' / 'IC 95 % 0,01 a 0,19'."""
    # the bounds are written in `lang` already (a figure's numbers carry no Count), then filled in
    bounds: tuple[Slot, Slot] = (Markup(fmt_number(low, lang)), Markup(fmt_number(high, lang)))
    return render(magnitudes.interval_msg(*bounds), lang)


def pooled_sentence(ev: Evidence, row, lang: str, cited: bool = True) -> str:
    """One pooled estimate in words: size, interval, k, whether it excludes no effect, heterogeneity, rows.

    With `cited` False the finding ids are left out, as the narrative says it (it cites from its rows).
    """
    citation = Markup(cite(row.finding_ids)) if cited else None
    return render(magnitudes.pooled_body(row, _names(ev, lang), citation), lang)


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
