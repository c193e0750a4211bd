"""Interface words in English and Spanish, and labels of data keys from the codebook.

Data labels (outcomes, domains, factors) come from the data's own label_en / label_es
columns; this module holds only the words the project itself writes.
"""

from __future__ import annotations

import pandas as pd

LANGS = ("en", "es")

WORDS: dict[str, dict[str, str]] = {
    # effects and verdicts
    "beneficial": {"en": "beneficial", "es": "beneficioso"},
    "adverse": {"en": "adverse", "es": "adverso"},
    "no_change": {"en": "no change", "es": "sin cambio"},
    "unclear": {"en": "unclear", "es": "incierto"},
    "conflicting": {"en": "conflicting", "es": "contradictorio"},
    "not_measured": {"en": "not measured", "es": "no medido"},
    "no_impact_evaluation": {"en": "no impact evaluation", "es": "sin evaluación de impacto"},
    # arms and directions
    "single": {"en": "single", "es": "individual"},
    "combined": {"en": "combined", "es": "combinado"},
    "increase": {"en": "increase", "es": "aumento"},
    "decrease": {"en": "decrease", "es": "disminución"},
    # institutional analysis
    "enabler": {"en": "enabler", "es": "facilitador"},
    "barrier": {"en": "barrier", "es": "barrera"},
    "mixed": {"en": "mixed", "es": "mixto"},
    "unstated": {"en": "reported without direction", "es": "reportado sin dirección"},
    "national": {"en": "national", "es": "nacional"},
    "local": {"en": "local", "es": "local"},
    # sectors
    "social_protection": {"en": "social protection", "es": "protección social"},
    "productive_development": {"en": "productive development", "es": "desarrollo productivo"},
    # axis and table words
    "country": {"en": "Country", "es": "País"},
    "case": {"en": "Case", "es": "Caso"},
    "intervention": {"en": "Intervention arm", "es": "Brazo de intervención"},
    "domain": {"en": "Domain", "es": "Dominio"},
    "outcome": {"en": "Outcome", "es": "Resultado"},
    "factor": {"en": "Factor", "es": "Factor"},
    "source": {"en": "Source", "es": "Fuente"},
    # gaps and empty cells in figures
    "no_findings_coded": {
        "en": "impact evaluation listed, no findings coded",
        "es": "evaluación de impacto listada, sin hallazgos codificados",
    },
    "no_findings": {"en": "no findings", "es": "sin hallazgos"},
    "no_institutional_analysis": {"en": "no institutional analysis", "es": "sin análisis institucional"},
    "not_reported": {"en": "not reported", "es": "no reportado"},
    # figure titles and subtitles
    "title_effect_directions": {
        "en": "Effect directions by intervention arm and outcome",
        "es": "Dirección de los efectos por brazo de intervención y resultado",
    },
    "subtitle_effect_directions": {
        "en": "Rows: intervention arms, grouped by country and case. Columns: outcomes, grouped by domain.",
        "es": "Filas: brazos de intervención, agrupados por país y caso. "
        "Columnas: resultados, agrupados por dominio.",
    },
    "title_effect_directions_country": {
        "en": "Effect directions by country and outcome",
        "es": "Dirección de los efectos por país y resultado",
    },
    "title_verdicts_country": {
        "en": "Verdict per country and outcome domain",
        "es": "Veredicto por país y dominio de resultados",
    },
    "subtitle_pooled": {
        "en": "Rows: countries, each pooling the findings of all its intervention arms.",
        "es": "Filas: países, cada uno reuniendo los hallazgos de todos sus brazos de intervención.",
    },
    "note_pooled": {
        "en": "The data have {n} intervention arms, too many to draw one row each, so each cell pools "
        "the findings of a country's arms and applies the verdict rule to them; the verdict of every arm "
        "is in the tables.",
        "es": "Los datos tienen {n} brazos de intervención, demasiados para dibujar una fila por brazo, así "
        "que cada celda reúne los hallazgos de los brazos de un país y les aplica la regla del veredicto; "
        "el veredicto de cada brazo está en las tablas.",
    },
    "note_not_drawn": {
        "en": "To keep the figures readable, at most {pages} pages are drawn; rows left out: {n}. "
        "Every row is in {table}.",
        "es": "Para que las figuras sean legibles se dibujan como máximo {pages} páginas; filas que "
        "quedan fuera: {n}. Todas las filas están en {table}.",
    },
    "title_verdicts": {
        "en": "Verdict per intervention arm and outcome domain",
        "es": "Veredicto por brazo de intervención y dominio de resultados",
    },
    "subtitle_verdicts": {
        "en": "Each cell pools the arm's findings in one domain; "
        "the counts below the glyph are its findings.",
        "es": "Cada celda reúne los hallazgos del brazo en un dominio; "
        "bajo el símbolo se cuentan sus hallazgos.",
    },
    "title_sign_tests_arm": {
        "en": "Sign test per domain, counting intervention arms",
        "es": "Prueba de signos por dominio, contando brazos de intervención",
    },
    "title_sign_tests_case": {
        "en": "Sign test per domain, counting evaluations (cases)",
        "es": "Prueba de signos por dominio, contando evaluaciones (casos)",
    },
    "subtitle_sign_tests": {
        "en": "Proportion of units with a beneficial verdict among those with a beneficial or adverse one.",
        "es": "Proporción de unidades con veredicto beneficioso entre las que lo tienen "
        "beneficioso o adverso.",
    },
    "title_country_domain": {
        "en": "Findings by country and outcome domain",
        "es": "Hallazgos por país y dominio de resultados",
    },
    "subtitle_country_domain": {
        "en": "Bars stack the findings by effect for households; the counts are printed below each bar.",
        "es": "Las barras apilan los hallazgos según su efecto para los hogares; "
        "bajo cada barra se imprimen los conteos.",
    },
    "title_single_combined": {
        "en": "Single and combined arms of the same case, outcome by outcome",
        "es": "Brazos individual y combinado de un mismo caso, resultado por resultado",
    },
    "subtitle_single_combined": {
        "en": "Rows: every outcome either arm measured, grouped by case and domain.",
        "es": "Filas: cada resultado que midió alguno de los dos brazos, agrupado por caso y dominio.",
    },
    "title_institutional": {
        "en": "Institutional enablers of and barriers to coordination, by case",
        "es": "Facilitadores y barreras institucionales de la coordinación, por caso",
    },
    "subtitle_institutional": {
        "en": "Columns: factors, grouped by the level at which they operate.",
        "es": "Columnas: factores, agrupados según el nivel en que operan.",
    },
    "title_single_combined_domains": {
        "en": "Single and combined arms of the same case, domain by domain",
        "es": "Brazos individual y combinado de un mismo caso, dominio por dominio",
    },
    "subtitle_single_combined_domains": {
        "en": "For each domain: each arm's verdict, and how many outcomes both arms measured.",
        "es": "Para cada dominio: el veredicto de cada brazo y cuántos resultados midieron ambos brazos.",
    },
    "note_single_combined_domains": {
        "en": "The number in a cell's corner counts the outcomes the arm measured in the domain. "
        "Where both arms measured a domain, the third column counts the outcomes they have in common; "
        "0 means the arms met in the domain on different outcomes, so their verdicts are not a "
        "like-for-like comparison.",
        "es": "El número en la esquina de una celda cuenta los resultados que el brazo midió en el "
        "dominio. Donde ambos brazos midieron un dominio, la tercera columna cuenta los resultados que "
        "tienen en común; 0 significa que los brazos coincidieron en el dominio con resultados "
        "distintos, así que sus veredictos no son comparables entre sí.",
    },
    "note_omitted_outcomes": {
        "en": "To keep the figure readable it shows only outcomes both arms measured; {n} outcomes "
        "measured by one arm only are listed in tables/single_vs_combined.csv.",
        "es": "Para que la figura sea legible solo muestra resultados que midieron ambos brazos; {n} "
        "resultados medidos por un solo brazo figuran en tables/single_vs_combined.csv.",
    },
    "outcomes_in_common": {"en": "Outcomes in common", "es": "Resultados en común"},
    "arms": {"en": "Arms compared", "es": "Brazos comparados"},
    "page_of": {"en": "Page {page} of {pages}", "es": "Página {page} de {pages}"},
    # legends
    "legend_beneficial": {"en": "beneficial for households", "es": "beneficioso para los hogares"},
    "legend_adverse": {"en": "adverse for households", "es": "adverso para los hogares"},
    "legend_no_change": {"en": "no change", "es": "sin cambio"},
    "legend_unclear": {
        "en": "unclear: desirability ambiguous in the codebook",
        "es": "incierto: deseabilidad ambigua en el libro de códigos",
    },
    "legend_conflicting": {
        "en": "conflicting: findings disagree",
        "es": "contradictorio: hallazgos en desacuerdo",
    },
    "legend_not_measured": {"en": "not measured", "es": "no medido"},
    "legend_enabler": {"en": "enabler", "es": "facilitador"},
    "legend_barrier": {"en": "barrier", "es": "barrera"},
    "legend_mixed": {"en": "mixed", "es": "mixto"},
    "legend_unstated": {"en": "no direction stated", "es": "sin dirección indicada"},
    "note_inferred_levels": {
        "en": "The level (national or local) of {n} of {total} statements is the coders' inference, not "
        "stated by the source (institutional.csv, column level_basis).",
        "es": "El nivel (nacional o local) de {n} de {total} afirmaciones es una inferencia de los "
        "codificadores, no lo indica la fuente (institutional.csv, columna level_basis).",
    },
    "note_contested": {
        "en": "† The sources disagree on the direction of this finding ({ids}); the cell shows the first "
        "source's reading (findings.csv, columns direction and direction_alt).",
        "es": "† Las fuentes discrepan sobre la dirección de este hallazgo ({ids}); la celda muestra la "
        "lectura de la primera fuente (findings.csv, columnas direction y direction_alt).",
    },
    "note_sign": {
        "en": "The sign beside each glyph is the change in the outcome itself (+ rose, − fell, 0 no change, "
        "± both); the glyph and colour say whether that change is good for households, following the "
        "codebook (outcomes.csv, column better). A number in a cell's corner counts its findings when "
        "there is more than one.",
        "es": "El signo junto a cada símbolo es el cambio del resultado mismo "
        "(+ subió, − bajó, 0 sin cambio, ± ambos); el símbolo y el color dicen si ese cambio es bueno "
        "para los hogares, según el libro de "
        "códigos (outcomes.csv, columna better). Un número en la esquina de una celda cuenta sus hallazgos "
        "cuando hay más de uno.",
    },
    "note_verdict_rule": {
        "en": "A verdict needs at least {threshold} of the findings with a discernible direction to agree "
        "(Boon and Thomson's effect direction rule); otherwise it is conflicting (◄►). Findings of "
        "ambiguous desirability (?) cannot vote. Counts: ▲ beneficial, ▼ adverse, ◆ no change, ? unclear.",
        "es": "Un veredicto exige que al menos el {threshold} de los hallazgos con dirección discernible "
        "coincida (regla de dirección del efecto de Boon y Thomson); si no, es contradictorio (◄►). Los "
        "hallazgos de deseabilidad ambigua (?) no votan. Conteos: ▲ beneficioso, ▼ adverso, ◆ sin cambio, "
        "? incierto.",
    },
    "note_sign_test_arm": {
        "en": "Each intervention arm is one unit, so two arms of one evaluation count twice and are not "
        "independent. Conflicting (◄►), no-change and unclear units cannot vote; they are counted, "
        "not dropped. Dashed line: 0.5, no preponderance either way.",
        "es": "Cada brazo de intervención es una unidad, así que dos brazos de una misma evaluación cuentan "
        "dos veces y no son independientes. Las unidades contradictorias (◄►), sin cambio o inciertas no "
        "votan; se cuentan, no se descartan. Línea discontinua: 0,5, sin predominio en ningún sentido.",
    },
    "note_sign_test_case": {
        "en": "Each evaluation (case) is one unit, pooling the findings of all its arms. Conflicting (◄►), "
        "no-change and unclear units cannot vote; they are counted, not dropped. Dashed line: 0.5, no "
        "preponderance either way.",
        "es": "Cada evaluación (caso) es una unidad que reúne los hallazgos de todos sus brazos. Las "
        "unidades contradictorias (◄►), sin cambio o inciertas no votan; se cuentan, no se descartan. "
        "Línea discontinua: 0,5, sin predominio en ningún sentido.",
    },
    "note_country_domain": {
        "en": "Bar length is the number of findings; the longest bar holds {n}. An outlined empty cell "
        "means no finding in that domain.",
        "es": "El largo de la barra es el número de hallazgos; la más larga reúne {n}. Una celda vacía "
        "con contorno indica que no hay hallazgos en ese dominio.",
    },
    "note_single_combined": {
        "en": "An empty cell means that arm did not measure the outcome, so the two arms cannot be "
        "compared on it.",
        "es": "Una celda vacía indica que ese brazo no midió el resultado, así que los dos brazos no "
        "pueden compararse en él.",
    },
    "note_institutional": {
        "en": "+ enabler, − barrier, ± mixed, ? reported without saying whether it helped or hindered; a "
        "number in a cell's corner counts several statements. The bottom row counts the cases in which "
        "each factor was reported.",
        "es": "+ facilitador, − barrera, ± mixto, ? reportado sin decir si ayudó o entorpeció; un número en "
        "la esquina de una celda cuenta varias afirmaciones. La última fila cuenta los casos en que se "
        "reportó cada factor.",
    },
    # axis words and short labels
    "proportion_beneficial": {
        "en": "Proportion beneficial (Wilson 95 % CI)",
        "es": "Proporción beneficiosa (IC 95 % de Wilson)",
    },
    "units": {"en": "Units", "es": "Unidades"},
    "no_votes": {"en": "no unit with a clear direction", "es": "ninguna unidad con dirección clara"},
    "single_arm": {"en": "Single arm", "es": "Brazo individual"},
    "combined_arm": {"en": "Combined arm", "es": "Brazo combinado"},
    "cases_n": {"en": "Cases (n)", "es": "Casos (n)"},
    "findings_n": {"en": "{n} findings", "es": "{n} hallazgos"},
    "rows_n": {"en": "{n} rows", "es": "{n} filas"},
    "no_domain_outcome": {"en": "no outcome measured", "es": "ningún resultado medido"},
}


def check_lang(lang: str) -> str:
    """Return `lang` if supported, else raise a ValueError that names the choices."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}, not {lang!r}")
    return lang


def word(key: str, lang: str) -> str:
    """The project's own word for `key` in `lang`; the key itself if there is none."""
    return WORDS.get(key, {}).get(check_lang(lang), key.replace("_", " "))


def labels(frame: pd.DataFrame, key: str, lang: str) -> dict[str, str]:
    """Map each key of a codebook-like frame (outcomes, domains, factors) to its label in `lang`."""
    column = f"label_{check_lang(lang)}"
    if column not in frame.columns:
        return dict(zip(frame[key], frame[key], strict=True))
    values = frame[column].where(frame[column].astype(bool), frame[key])
    return dict(zip(frame[key], values, strict=True))
