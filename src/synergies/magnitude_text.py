"""Words of the magnitude analysis, in English and Spanish: measure names, numbers, notebook sentences.

Every sentence is written from the tables of `synergies.magnitude`, so it stays true on other
data; citations are finding ids of `findings.csv` ([F01–F03]). Data text is escaped for
Markdown with `narrative.escape`.
"""

from __future__ import annotations

import math

import pandas as pd

from synergies import magnitude
from synergies.i18n import check_lang, labels
from synergies.load import Evidence
from synergies.narrative import compact_ids, digits, escape, join_list

MEASURES = {
    "smd": ("standardised mean difference", "diferencia de medias estandarizada", "SD", "DE"),
    "pp": ("difference in percentage points", "diferencia en puntos porcentuales", "pp", "pp"),
    "log_or": ("log odds ratio", "logaritmo de la razón de momios", "log OR", "log OR"),
    "ratio": ("ratio", "razón", "ratio", "razón"),
    "raw": ("difference in the source's unit", "diferencia en la unidad de la fuente", "", ""),
}


def t(lang: str, en: str, es: str) -> str:
    """The text for `lang`."""
    return {"en": en, "es": es}[check_lang(lang)]


def measure_label(measure: str, lang: str) -> str:
    """'standardised mean difference' / 'diferencia de medias estandarizada'."""
    en, es, _, _ = MEASURES[measure]
    return t(lang, en, es)


def measure_unit(measure: str, lang: str) -> str:
    """The short unit an axis or a sentence uses: SD, pp, log OR, ratio."""
    _, _, en, es = MEASURES[measure]
    return t(lang, en, es)


def fmt_number(x: float, lang: str, places: int = 2, p: bool = False) -> str:
    """A decimal as each language writes it: 0.12 / 0,12, with a true minus sign; p-values as powers of 10."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    if p:
        if x < 0.001:
            superscript = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
            return "10" + str(round(math.log10(x))).translate(superscript)
        text = f"{x:g}"
    else:
        text = f"{x:.{places}f}"
        if text.lstrip("-").strip("0.") == "":
            text = text.lstrip("-")  # no "-0.00"
    text = text.replace("-", "−")
    return text.replace(".", ",") if lang == "es" else text


def cite(ids: list[str] | str) -> str:
    """[F01–F03, F07]: the finding ids of a citation, in natural order with ranges."""
    items = ids.split(";") if isinstance(ids, str) else list(ids)
    return "[" + ", ".join(escape(i) for i in compact_ids(items)) + "]"


def no_estimates(ev: Evidence, lang: str) -> str:
    """The one sentence the notebook and the narrative say when nothing can be sized."""
    if (
        "effect_measure" in ev.findings.columns
        and ev.findings["estimate"].notna().any()
        and not (ev.findings["effect_measure"].ne("").any())
    ):
        return t(
            lang,
            "The findings give estimates but no `effect_measure`, so their sizes cannot be compared or "
            "pooled; "
            "the synthesis rests on directions only.",
            "Los hallazgos dan estimaciones pero no `effect_measure`, así que sus tamaños no se pueden "
            "comparar "
            "ni combinar; la síntesis se basa solo en las direcciones.",
        )
    return t(
        lang,
        "No finding reports an estimate with its measure, so no magnitude can be shown or pooled: the "
        "synthesis rests on the direction of effects.",
        "Ningún hallazgo reporta una estimación con su medida, así que no se puede mostrar ni combinar "
        "ninguna magnitud: la síntesis se basa en la dirección de los efectos.",
    )


def summary(ev: Evidence, aligned: pd.DataFrame, pooled: pd.DataFrame, lang: str) -> str:
    """What was sized: findings with estimates, how many could be aligned and pooled, and why not the rest."""
    n = len(aligned)
    counts = aligned["pooled_as"].value_counts()
    usable = int(aligned["pooled_as"].isin(magnitude.POOLED_MEASURES).sum())
    text = t(
        lang,
        f"{digits(n, lang)} of {digits(len(ev.findings), lang)} findings report an estimate with its "
        f"measure; "
        f"{digits(usable, lang)} have a standard error in a measure that can be pooled.",
        f"{digits(n, lang)} de {digits(len(ev.findings), lang)} hallazgos reportan una estimación con su "
        f"medida; "
        f"{digits(usable, lang)} tienen error estándar en una medida que se puede combinar.",
    )
    reasons = {
        magnitude.NOT_ALIGNED: t(
            lang,
            "are on outcomes of ambiguous desirability and cannot be aligned",
            "son de resultados de deseabilidad ambigua y no se pueden alinear",
        ),
        magnitude.NO_SE: t(lang, "have no standard error", "no tienen error estándar"),
        magnitude.RAW_UNIT: t(
            lang,
            "are in raw units, which differ between outcomes",
            "están en unidades brutas, distintas entre resultados",
        ),
    }
    parts = [f"{digits(int(counts[k]), lang)} {v}" for k, v in reasons.items() if counts.get(k, 0)]
    if parts:
        text += t(lang, " Left out of pooling: ", " Fuera de la combinación: ") + join_list(parts, lang) + "."
    if pooled.empty:
        text += t(
            lang,
            " No domain has two evaluations with an estimate in the same measure, so nothing is pooled.",
            " Ningún dominio tiene dos evaluaciones con una estimación en la misma medida, así que no se "
            "combina nada.",
        )
    return text


def method_note(lang: str) -> str:
    """How estimates were aligned, reduced to one per evaluation and pooled, in two sentences."""
    return t(
        lang,
        "Estimates are sign-aligned with the codebook so that positive is good for households. Each "
        "evaluation "
        "contributes one estimate per domain and measure, the mean of its findings with a standard error "
        "that "
        "assumes they are perfectly correlated (conservative); at least two evaluations are pooled by a "
        "random-effects meta-analysis with the Paule–Mandel between-evaluation variance, which is less "
        "biased "
        "than DerSimonian–Laird with few evaluations. With so few evaluations the 95 % interval, which "
        "treats "
        "tau² as known, is still optimistic.",
        "Las estimaciones se alinean con el libro de códigos para que positivo sea bueno para los hogares. "
        "Cada "
        "evaluación aporta una estimación por dominio y medida, la media de sus hallazgos con un error "
        "estándar "
        "que supone correlación perfecta entre ellos (conservador); con al menos dos evaluaciones se "
        "combinan "
        "en un metanálisis de efectos aleatorios con la varianza entre evaluaciones de Paule–Mandel, menos "
        "sesgada que DerSimonian–Laird con pocas evaluaciones. Con tan pocas evaluaciones el intervalo del "
        "95 %, que trata tau² como conocida, sigue siendo optimista.",
    )


def _heterogeneity(row, lang: str) -> str:
    i2 = float(row.i2)
    level = (
        t(lang, "low", "baja") if i2 < 25 else t(lang, "moderate", "moderada") if i2 < 50
        else t(lang, "substantial", "sustancial") if i2 < 75 else t(lang, "considerable", "considerable")
    )  # fmt: skip
    return t(
        lang,
        f"heterogeneity is {level} (I² = {fmt_number(i2, lang, 0)} %, tau² = "
        f"{fmt_number(row.tau2, lang, 3)})",
        f"la heterogeneidad es {level} (I² = {fmt_number(i2, lang, 0)} %, tau² = "
        f"{fmt_number(row.tau2, lang, 3)})",
    )


def domain_paragraphs(ev: Evidence, pooled: pd.DataFrame, lang: str) -> list[str]:
    """One paragraph per domain with a pooled estimate: size, interval, k, heterogeneity, citations."""
    domain_label = labels(ev.domains, "domain", lang)
    paragraphs = []
    for domain in ev.domain_order:
        rows = pooled[pooled["domain"] == domain]
        if rows.empty:
            continue
        sentences = []
        for r in rows.itertuples(index=False):
            unit = "" if r.scale == "ratio" else measure_unit(r.effect_measure, lang)
            value = f"{fmt_number(r.estimate, lang)} {unit}".strip()
            ci = t(lang, "{} to {}", "{} a {}").format(
                fmt_number(r.ci_low, lang), fmt_number(r.ci_high, lang)
            )
            label = escape(domain_label.get(domain, domain))
            excludes = (
                (r.ci_low > 1 or r.ci_high < 1) if r.scale == "ratio" else (r.ci_low > 0 or r.ci_high < 0)
            )
            verdict = (
                t(lang, "its interval excludes no effect", "su intervalo excluye la ausencia de efecto")
                if excludes
                else t(lang, "its interval includes no effect", "su intervalo incluye la ausencia de efecto")
            )
            sentences.append(
                t(
                    lang,
                    f"The pooled {measure_label(r.effect_measure, lang)} on {label}, aligned so that "
                    f"positive is good "
                    f"for households, is {value} (95 % CI {ci}) across {r.k} evaluations; {verdict}, and "
                    f"{_heterogeneity(r, lang)} {cite(r.finding_ids)}.",
                    f"La estimación combinada ({measure_label(r.effect_measure, lang)}) sobre {label}, "
                    f"alineada para "
                    f"que positivo sea bueno para los hogares, es {value} (IC 95 % {ci}) en {r.k} "
                    f"evaluaciones; {verdict}, y "
                    f"{_heterogeneity(r, lang)} {cite(r.finding_ids)}.",
                )
            )
        paragraphs.append(" ".join(sentences))
    return paragraphs


def no_albatross(lang: str) -> str:
    """Why there is no albatross plot: no finding has both a sample size and a p-value or estimate and SE."""
    return t(
        lang,
        "No finding reports both a sample size `n` and a p-value (or an estimate with its standard error), "
        "so there is no albatross plot.",
        "Ningún hallazgo reporta a la vez un tamaño de muestra `n` y un valor p (o una estimación con su "
        "error estándar), así que no hay gráfico albatros.",
    )
