"""The magnitude sentences as typed-slot bodies, built once for notebook 04 and the narrative.

What was sized and why the rest is not pooled (`summary_body`), each pooled estimate
(`pooled_body`), how estimates were pooled (`method_body`) and why nothing can be sized
(`no_estimates_body`). Notebook 04 renders these bodies in the run's language
(`magnitude_text`); the narrative's magnitude section (`caveats`) says the same bodies with the
rows each rests on. So the two cannot word a magnitude differently: there is one builder.

Every number a body states is a `Num` whose Count `verify` can recompute: the summary's on
findings.csv, a pooled estimate's on pooled_estimates.csv. The words come from
`synergies.magnitude_words`. This module imports the analysis (`synergies.magnitude`) and the
narrative's slot and count types only, never `magnitude_text` or the narrative's builders, so both
can import it without an import cycle.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd

from synergies import contract, magnitude
from synergies.magnitude_words import (
    FORMS,
    MEASURES,
    NOT_POOLED_WORDS,
    PLACES,
    TAU2_PLACES,
    heterogeneity_level,
)
from synergies.narrative.model import Count, _count
from synergies.narrative.slots import (
    Escaped,
    Label,
    Markup,
    Msg,
    Num,
    Seq,
    Slot,
    items,
    msg,
    msgn,
    msgnp,
    msgp,
)
from synergies.text import numbers

# The narrative's table of labels, {lang: {kind: {key: label}}} (`slots.Label`).
Names = Mapping[str, Mapping[str, Mapping[str, str]]]
# The desirabilities an estimate can be aligned with (`magnitude.aligned_estimates`).
ALIGNS = ("higher", "lower")
# What decides each reason, as far as findings.csv's columns can say it: (measures, desirabilities).
_DECIDING = {
    magnitude.NOT_ALIGNED: (contract.EFFECT_MEASURES, ("ambiguous",)),
    magnitude.NO_SE: (magnitude.POOLED_MEASURES, ALIGNS),
    magnitude.RAW_UNIT: (("raw",), ALIGNS),
}


def not_pooled_phrase(reason: str, form: str, number: Slot, n: int) -> Msg:
    """Why `n` estimates are not pooled, for one reason of `magnitude.NOT_POOLED`, in one form.

    `form` is "clause" (a sentence's: "3 have no standard error") or "note" (a figure's: "3 without
    a standard error"), both from the one table `magnitude_words.NOT_POOLED_WORDS`; `number` is the
    slot printing `n` (a counted `Num` in the narrative).
    """
    singular, plural = NOT_POOLED_WORDS[reason][form]
    return msgnp(FORMS[form], singular, plural, n, n=number)


def measure_better_pairs(findings: pd.DataFrame) -> dict[tuple[str, str], int]:
    """How many findings have each (effect_measure, better) pair: what `aligned_count` compares with."""
    pairs: dict[tuple[str, str], int] = {}
    for pair in zip(findings["effect_measure"].tolist(), findings["better"].tolist(), strict=True):
        pairs[pair] = pairs.get(pair, 0) + 1
    return pairs


def aligned_count(
    pairs: Mapping[tuple[str, str], int],
    ids: list[str],
    measures: tuple[str, ...],
    better: tuple[str, ...] | None,
) -> Count:
    """A Count of these aligned estimates on findings.csv (no table `verify` knows holds them).

    The findings counted are always among those with these measures (and desirabilities), so when
    the two numbers agree they are the same rows and the Count says so by those columns; otherwise
    (a measure without an estimate, a missing standard error) it names the findings by id.
    `pairs` is `measure_better_pairs(findings)`.
    """
    matching = sum(k for (m, b), k in pairs.items() if m in measures and (better is None or b in better))
    if matching != len(ids):
        return _count(len(ids), "findings", finding_id=ids)
    where: dict[str, object] = {"effect_measure": measures}
    if better is not None:
        where["better"] = better
    return _count(len(ids), "findings", **where)


def summary_body(
    findings: pd.DataFrame,
    aligned: pd.DataFrame,
    pooled: pd.DataFrame,
    pairs: Mapping[tuple[str, str], int] | None = None,
) -> Slot:
    """What was sized: findings with estimates, how many can be pooled, and why not the rest.

    `findings` is findings.csv as loaded, `aligned` and `pooled` the tables of `synergies.magnitude`;
    `pairs` (`measure_better_pairs(findings)`) may be given by a caller that keeps it.
    """
    pairs = measure_better_pairs(findings) if pairs is None else pairs
    ids = aligned["finding_id"].tolist()
    reason_of = aligned["pooled_as"].tolist()

    def counted(
        reasons: tuple[str, ...] | None, measures: tuple[str, ...], better: tuple[str, ...] | None
    ) -> Num:
        """How many aligned estimates have these `pooled_as` values (None: any), counted on findings.csv."""
        chosen = [i for i, r in zip(ids, reason_of, strict=True) if reasons is None or r in reasons]
        return Num(aligned_count(pairs, chosen, measures, better))

    parts: list[Slot] = [
        msgn(
            "{n} of {total} finding reports an estimate with its measure;",
            "{n} of {total} findings report an estimate with its measure;",
            "n",
            n=counted(None, contract.EFFECT_MEASURES, None),
            total=Num(_count(len(findings), "findings")),
        ),
        Markup(" "),
        msgn(
            "{n} has a standard error in a measure that can be pooled.",
            "{n} have a standard error in a measure that can be pooled.",
            "n",
            n=counted(magnitude.POOLED_MEASURES, magnitude.POOLED_MEASURES, ALIGNS),
        ),
    ]
    reasons = []
    for reason in magnitude.NOT_POOLED:
        if reason in reason_of:
            number = counted((reason,), *_DECIDING[reason])
            reasons.append(not_pooled_phrase(reason, "clause", number, int(number.value)))
    if reasons:
        parts += [Markup(" "), msg("Left out of pooling: {reasons}.", reasons=items(reasons))]
    if pooled.empty:
        nothing = msg(
            "No domain has two evaluations with an estimate in the same measure, so nothing is pooled."
        )
        parts += [Markup(" "), nothing]
    return Seq(tuple(parts))


def interval_msg(low: Slot, high: Slot) -> Msg:
    """'95% CI 0.01 to 0.19' / 'IC 95 % 0,01 a 0,19', its bounds given as slots."""
    return msg("95% CI {low} to {high}", low=low, high=high)


def pooled_body(
    row: object, names: Mapping[str, Mapping[str, Mapping[str, str]]], cite: Slot | None = None
) -> Slot:
    """One pooled estimate in words: size, interval, k, whether it excludes no effect, heterogeneity.

    `row` is a row of `magnitude.pooled_estimates` (itertuples); `names` the table of labels
    ({lang: {"domain": {key: label}}}). The domain's label leads before a colon (any label reads
    right there, a clause-like one too), unitalicised. `cite` (notebook 04's finding ids) goes before
    the full stop; the narrative cites from the sentence's rows instead.
    """
    where = {"domain": row.domain, "effect_measure": row.effect_measure}  # type: ignore[attr-defined]

    def number(column: str, places: int = PLACES) -> Slot:
        """A column of this pooled row as a decimal; a value that rounds to zero is written 0.00, unsigned."""
        value = float(getattr(row, column))
        if math.isnan(value):
            return Markup("–")
        if value < 0 and numbers.rounded(value, places) == 0:  # "-0.00" reads as a negative effect
            return Num(_count(0.0, "pooled_estimates", f"below:{column}", **where), "decimal", places=places)
        return Num(_count(value, "pooled_estimates", f"max:{column}", **where), "decimal", places=places)

    name, unit = MEASURES[row.effect_measure]  # type: ignore[attr-defined]
    estimate = number("estimate")
    if unit:
        estimate = Seq((estimate, Markup(" "), msgp("unit", unit)))
    null = 1.0 if row.scale == "ratio" else 0.0  # type: ignore[attr-defined]
    if row.ci_low > null or row.ci_high < null:  # type: ignore[attr-defined]
        verdict = msg("its interval excludes no effect")
    else:
        verdict = msg("its interval includes no effect")
    i2 = float(row.i2)  # type: ignore[attr-defined]
    heterogeneity = msg(
        "heterogeneity is {level} (I² = {i2}, tau² = {tau2})",
        level=msgp("heterogeneity", heterogeneity_level(i2)),
        # I² in whole percentage points ("34"), its Count the exact value in pooled_estimates
        i2=msgp(
            "a percentage",
            "{points}%",
            points=Num(_count(i2, "pooled_estimates", "max:i2", **where), "decimal", places=0),
        ),
        tau2=number("tau2", TAU2_PLACES),
    )
    body = msg(
        "{domain}: the pooled estimate ({measure}, aligned so that positive is good for households) "
        "is {estimate} ({interval}) across {k} evaluations; {verdict}, and {heterogeneity}",
        domain=Escaped(Label("domain", row.domain, names, plain=True)),  # type: ignore[attr-defined]
        measure=msg(name),
        estimate=estimate,
        interval=interval_msg(number("ci_low"), number("ci_high")),
        k=Num(_count(int(row.k), "pooled_estimates", "value:k", **where)),  # type: ignore[attr-defined]
        verdict=verdict,
        heterogeneity=heterogeneity,
    )
    end = Markup(".") if cite is None else Seq((Markup(" "), cite, Markup(".")))
    return Seq((body, end))


def method_body() -> Msg:
    """How estimates were aligned, reduced to one per evaluation and pooled."""
    return msg(
        "Estimates are sign-aligned with the codebook so that positive is good for households. "
        "Each evaluation contributes one estimate per domain and measure: the mean of its findings, "
        "with a standard error that assumes they are perfectly correlated (conservative). Where at "
        "least two evaluations share a domain and measure, a random-effects meta-analysis pools them "
        "with the Paule–Mandel between-evaluation variance, which is less biased than "
        "DerSimonian–Laird with few evaluations. With so few evaluations the interval at {confidence}, "
        "which treats tau² as known, is still optimistic.",
        confidence=msgp("the confidence level of an interval", "95%"),
    )


def no_estimates_body(findings: pd.DataFrame) -> Msg:
    """The one sentence said when nothing can be sized (`magnitude.has_measures` is false), and why."""
    if findings["estimate"].notna().any() and not findings["effect_measure"].ne("").any():
        return msg(
            "The findings give estimates but no `effect_measure`, so their sizes cannot be compared "
            "or pooled; the synthesis rests on directions only."
        )
    return msg(
        "No finding reports an estimate with its measure, so no magnitude can be shown or pooled: "
        "the synthesis rests on the direction of effects."
    )
