"""Short data-derived sentences for notebooks 01-05 and alt text for their figures, in English and Spanish.

The notebooks hold no claim about any particular data: every sentence of interpretation
that depends on the data is written here from the tables, so it stays true on other data.
Sentence functions return Markdown with data text escaped (`narrative.escape`); alt-text
functions return plain text (escape it with `alt_markdown` before showing it as Markdown).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from synergies import aggregate, contract
from synergies.i18n import check_lang, labels, word
from synergies.load import Evidence
from synergies.narrative import digits, escape, join_list, noun, pick
from synergies.plots import MAX_ARMS, MAX_PAGES, Page, arm_pairs, country_rows

MAX_NAMED = 10  # longest list of names spelled out before a sentence gives a count instead
MIN_UNITS_FOR_SIGNIFICANCE = 6  # with fewer units a two-sided sign test cannot reach p < 0.05


def _t(lang: str, en: str, es: str) -> str:
    """The template for `lang`."""
    return {"en": en, "es": es}[check_lang(lang)]


def _names(items: Sequence[str], lang: str, markdown: bool = True) -> str:
    """A list of names joined as prose, escaped for Markdown; long lists are cut with a count."""
    shown = [escape(i) if markdown else str(i) for i in items[:MAX_NAMED]]
    rest = len(items) - len(shown)
    if rest > 0:
        shown.append(_t(lang, f"{rest} more", f"{rest} más"))
    return join_list(shown, lang)


def _case_names(frame: pd.DataFrame, lang: str, markdown: bool = True) -> str:
    """'Case (Country)' for each row of a frame with country and case columns."""
    items = [f"{r.case} ({r.country})" for r in frame.itertuples(index=False)]
    return _names(items, lang, markdown)


def _count(n: int, key: str, lang: str) -> str:
    """`n` with the noun agreeing with it: '1 case', '3 casos'."""
    return f"{digits(n, lang)} {noun(n, key, lang)}"


EFFECT_KEYS = ("beneficial", "adverse", "no_change", "unclear")
VERDICT_KEYS = (*EFFECT_KEYS, "conflicting")
ASSESSMENTS = contract.ASSESSMENTS


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
    return f"*{_t(lang, 'Alt text', 'Texto alternativo')}:* {escape(alt_text)}"


# --------------------------------------------------------------------------- 01: describe the data


def overview(ev: Evidence, lang: str) -> str:
    """What the data hold: findings, countries, cases, arms, outcomes, domains."""
    counts = aggregate.data_overview(ev).set_index("item")["count"].to_dict()
    countries = _names(sorted(set(ev.findings["country"]) | set(ev.cases["country"]), key=str.casefold), lang)
    return _t(
        lang,
        f"The data hold **{counts['findings']} findings** from {counts['countries']} countries "
        f"({countries}): "
        f"{counts['cases']} cases, {counts['cases_with_findings']} of them with findings, and "
        f"{counts['arms']} intervention arms ({counts['single_arms']} single, {counts['combined_arms']} "
        f"combined). They measure {counts['outcomes_measured']} of the {counts['outcomes_in_codebook']} "
        f"outcomes in the codebook, in {counts['domains_measured']} of {counts['domains']} domains.",
        f"Los datos reúnen **{counts['findings']} hallazgos** de {counts['countries']} países ({countries}): "
        f"{counts['cases']} casos, {counts['cases_with_findings']} de ellos con hallazgos, y "
        f"{counts['arms']} brazos de intervención ({counts['single_arms']} individuales, "
        f"{counts['combined_arms']} combinados). Miden {counts['outcomes_measured']} de los "
        f"{counts['outcomes_in_codebook']} resultados del libro de códigos, en {counts['domains_measured']} "
        f"de {counts['domains']} dominios.",
    )


def effects_summary(ev: Evidence, lang: str) -> str:
    """How the findings split by effect for households."""
    n = ev.findings["effect"].value_counts()
    parts = _tally(n, EFFECT_KEYS, lang)
    return _t(
        lang,
        f"By effect for households: {parts}. Counting is by direction of effect, "
        "not by statistical significance.",
        f"Según su efecto para los hogares: {parts}. Se cuenta la dirección del efecto, "
        "no la significancia estadística.",
    )


def polarity(ev: Evidence, lang: str) -> str:
    """Which outcomes the codebook could not give a desirable direction, so their changes are unclear."""
    ambiguous = ev.outcomes[ev.outcomes["better"] == "ambiguous"]
    if ambiguous.empty:
        return _t(
            lang,
            "Every outcome in the codebook has a desirable direction, so every change can be judged "
            "beneficial or adverse.",
            "Todos los resultados del libro de códigos tienen una dirección deseable, así que todo cambio "
            "puede juzgarse beneficioso o adverso.",
        )
    names = _names(list(labels(ambiguous, "outcome", lang).values()), lang)
    measured = int(ev.findings["better"].eq("ambiguous").sum())
    undocumented = int(ambiguous["note"].eq("").sum())
    text = _t(
        lang,
        f"The codebook marks {len(ambiguous)} outcomes as **ambiguous** ({names}): a change in them is "
        f"shown as unclear (?), never as good or bad. {measured} findings concern them.",
        f"El libro de códigos marca {len(ambiguous)} resultados como **ambiguos** ({names}): un cambio en "
        f"ellos se muestra como incierto (?), nunca como bueno o malo. {measured} hallazgos se "
        "refieren a ellos.",
    )
    if undocumented:
        text += _t(
            lang,
            f" {undocumented} of them have no note explaining why; add one in outcomes.csv.",
            f" {undocumented} de ellos no tienen una nota que explique por qué; agréguela en outcomes.csv.",
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
            _t(
                lang,
                f"**Evidence gaps.** {_count(len(cases), 'case', lang)} {pick(len(cases), 'has', 'have')} "
                f"no impact findings: {_case_names(cases, lang)}. "
                f"{pick(len(cases), 'It appears', 'They appear')} in the figures as "
                f"{pick(len(cases), 'an explicit gap row', 'explicit gap rows')}, not as missing rows.",
                f"**Vacíos de evidencia.** {_count(len(cases), 'case', lang)} no "
                f"{pick(len(cases), 'tiene', 'tienen')} hallazgos de impacto: "
                f"{_case_names(cases, lang)}. {pick(len(cases), 'Aparece', 'Aparecen')} en las figuras "
                f"como {pick(len(cases), 'una fila de vacío explícita', 'filas de vacío explícitas')}, "
                f"no como {pick(len(cases), 'una fila ausente', 'filas ausentes')}.",
            )
        )
    else:
        sentences.append(
            _t(lang, "Every case has impact findings.", "Todos los casos tienen hallazgos de impacto.")
        )
    if len(domains):
        domain_label = labels(ev.domains, "domain", lang)
        by_country = [
            f"{escape(country)}: {_names([domain_label[d] for d in group['domain']], lang)}"
            for country, group in domains.groupby("country", sort=False)
        ]
        sentences.append(
            _t(
                lang,
                f"Domains with no finding in a country that has findings — {'; '.join(by_country)}.",
                f"Dominios sin hallazgos en un país que sí los tiene — {'; '.join(by_country)}.",
            )
        )
    return " ".join(sentences)


def missing_files(ev: Evidence, lang: str) -> str:
    """Which optional contract files this data directory does not have, and what that leaves out."""
    missing = ev.missing_optional
    if not missing:
        return _t(
            lang,
            "All optional files of the data contract were given.",
            "Se entregaron todos los archivos opcionales del contrato de datos.",
        )
    names = join_list([f"`{m}`" for m in missing], lang)
    text = _t(
        lang,
        f"Optional files not given: {names}. The analysis runs without them",
        f"Archivos opcionales no entregados: {names}. El análisis se ejecuta sin ellos",
    )
    consequences = []
    if "institutional.csv" in missing:
        consequences.append(
            _t(lang, "the institutional analysis (05) is skipped", "se omite el análisis institucional (05)")
        )
    if "cases.csv" in missing:
        consequences.append(
            _t(
                lang,
                "cases are taken from findings.csv, so a case without findings cannot show as a gap",
                "los casos se toman de findings.csv, así que un caso sin hallazgos no puede "
                "mostrarse como vacío",
            )
        )
    if "domains.csv" in missing:
        consequences.append(
            _t(
                lang,
                "domains follow their order in outcomes.csv",
                "los dominios siguen su orden en outcomes.csv",
            )
        )
    return text + (": " + "; ".join(consequences) + "." if consequences else ".")


# --------------------------------------------------------------------------- 03: domains and countries


def sign_test_caution(by_arm: pd.DataFrame, by_case: pd.DataFrame, ev: Evidence, lang: str) -> str:
    """Where arms of one evaluation were counted separately, and how little power few units give."""
    domain_label = labels(ev.domains, "domain", lang)
    doubled = by_arm[by_arm["n_evaluations"] < by_arm["n_beneficial"] + by_arm["n_adverse"]]
    sentences = []
    if len(doubled):
        items = [
            _t(
                lang,
                f"{escape(domain_label[r.domain])} ({r.n_beneficial + r.n_adverse} votes from "
                f"{_count(r.n_evaluations, 'evaluation', lang)})",
                f"{escape(domain_label[r.domain])} ({r.n_beneficial + r.n_adverse} votos de "
                f"{_count(r.n_evaluations, 'evaluation', lang)})",
            )
            for r in doubled.itertuples(index=False)
        ]
        sentences.append(
            _t(
                lang,
                f"Counting arms, several arms of one evaluation vote separately in {join_list(items, lang)}; "
                "those votes are not independent, so the table counting each evaluation once "
                "(sign_tests_by_case.csv) is the safer reading.",
                f"Al contar brazos, varios brazos de una misma evaluación votan por separado en "
                f"{join_list(items, lang)}; esos votos no son independientes, así que la tabla que "
                "cuenta cada "
                "evaluación una vez (sign_tests_by_case.csv) es la lectura más segura.",
            )
        )
    else:
        sentences.append(
            _t(
                lang,
                "No evaluation contributes more than one voting arm to a domain, so counting arms and "
                "counting evaluations give the same votes.",
                "Ninguna evaluación aporta más de un brazo votante a un dominio, así que contar brazos o "
                "evaluaciones da los mismos votos.",
            )
        )
    votes = by_case["n_beneficial"] + by_case["n_adverse"]
    most = int(votes.max()) if len(votes) else 0
    smallest_p = 2 * 0.5**most if most else 1.0
    if most < MIN_UNITS_FOR_SIGNIFICANCE:
        sentences.append(
            _t(
                lang,
                f"**Power:** no domain has more than {most} evaluations with a clear direction; "
                "with that few, "
                f"even perfect agreement gives p = {smallest_p:.3g}, so the sign test cannot reach p < 0.05. "
                "Read the counts and intervals as description, not as tests.",
                f"**Potencia:** ningún dominio tiene más de {most} evaluaciones con dirección clara; con tan "
                f"pocas, incluso un acuerdo perfecto da p = {smallest_p:.3g}, así que la prueba de signos no "
                "puede llegar a p < 0,05. Lea los conteos y los intervalos como descripción, no "
                "como pruebas.",
            )
        )
    else:
        sentences.append(
            _t(
                lang,
                f"**Power:** the best-covered domain has {most} evaluations with a clear direction; a sign "
                "test on few units has little power, so a p above 0.05 is not evidence of no effect.",
                f"**Potencia:** el dominio mejor cubierto tiene {most} evaluaciones con dirección clara; una "
                "prueba de signos con pocas unidades tiene poca potencia, así que un p mayor que 0,05 no es "
                "evidencia de ausencia de efecto.",
            )
        )
    return " ".join(sentences)


def verdict_summary(table: pd.DataFrame, lang: str) -> str:
    """How the arm × domain verdicts split, conflicting ones included."""
    n = table["verdict"].value_counts()
    parts = _tally(n, VERDICT_KEYS, lang)
    return _t(
        lang,
        f"Verdicts of the {len(table)} arm × domain pairs with findings: {parts}.",
        f"Veredictos de los {len(table)} pares brazo × dominio con hallazgos: {parts}.",
    )


# --------------------------------------------------------------------------- 04: single vs combined


def single_combined(comparison: pd.DataFrame, overlap: pd.DataFrame, ev: Evidence, lang: str) -> str:
    """Whether single and combined arms can be compared: shared outcomes, or only shared domains."""
    if comparison.empty:
        return _t(
            lang,
            "**No case has both a single and a combined arm**, so single and combined programmes cannot be "
            "compared within an evaluation in these data; the comparison figures are skipped.",
            "**Ningún caso tiene a la vez un brazo individual y uno combinado**, así que en estos datos no "
            "pueden compararse programas individuales y combinados dentro de una evaluación; se omiten las "
            "figuras de comparación.",
        )
    n_pairs = len(comparison[["country", "case", "single_arm", "combined_arm"]].drop_duplicates())
    shared = comparison[comparison["comparable"].astype(bool)]
    sentences = [
        _t(
            lang,
            f"{n_pairs} {pick(n_pairs, 'pair', 'pairs')} of a single and a combined arm of the same case "
            f"measured {_count(comparison['outcome'].nunique(), 'outcome', lang)} between them.",
            f"{n_pairs} {pick(n_pairs, 'par', 'pares')} de un brazo individual y uno combinado del "
            "mismo caso "
            f"midieron entre ambos {_count(comparison['outcome'].nunique(), 'outcome', lang)}.",
        )
    ]
    if shared.empty:
        sentences.append(
            _t(
                lang,
                "**No outcome was measured by both arms of any case**, so no outcome-level comparison is "
                "possible: each arm's results concern different outcomes.",
                "**Ningún resultado fue medido por ambos brazos de un mismo caso**, así que no es posible "
                "comparar resultado por resultado: los resultados de cada brazo se refieren a "
                "resultados distintos.",
            )
        )
    else:
        same = int((shared["single_effect"] == shared["combined_effect"]).sum())
        sentences.append(
            _t(
                lang,
                f"Both arms of a case measured the same outcome {len(shared)} "
                f"{pick(len(shared), 'time', 'times')}; in {same} of these the two arms show "
                "the same effect.",
                f"Ambos brazos de un caso midieron el mismo resultado {len(shared)} "
                f"{pick(len(shared), 'vez', 'veces')}; en {same} de ellas los dos brazos "
                "muestran el mismo efecto.",
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
            f"{escape(r.case)} ({escape(r.country)}), {escape(domain_label[r.domain])}"
            for r in met.itertuples(index=False)
        ]
        sentences.append(
            _t(
                lang,
                "Both arms have outcomes in the same domain but none in common in "
                f"{_names(items, lang, markdown=False)}: "
                "their domain verdicts rest on different outcomes and are not a like-for-like comparison.",
                f"Ambos brazos tienen resultados en el mismo dominio pero ninguno en común en "
                f"{_names(items, lang, markdown=False)}: sus veredictos de dominio se basan en resultados "
                "distintos y no son comparables entre sí.",
            )
        )
    return " ".join(sentences)


# --------------------------------------------------------------------------- 05: institutions


def institutional(summary: pd.DataFrame | None, ev: Evidence, lang: str) -> str:
    """Which factors recur across cases and how they were assessed; a note when there is no analysis."""
    if summary is None:
        return _t(
            lang,
            "**This data directory has no institutional.csv**, so the institutional analysis is skipped.",
            "**Este directorio de datos no tiene institutional.csv**, así que se omite el análisis "
            "institucional.",
        )
    factor_label = labels(ev.factors, "factor", lang) if ev.factors is not None else {}
    shared = summary[summary["n_cases"] > 1]
    n_cases = ev.institutional[["country", "case"]].drop_duplicates().shape[0]
    sentences = [
        _t(
            lang,
            f"{len(ev.institutional)} statements cover {len(summary)} factors in {n_cases} cases.",
            f"{len(ev.institutional)} afirmaciones cubren {len(summary)} factores en {n_cases} casos.",
        )
    ]
    if shared.empty:
        sentences.append(
            _t(
                lang,
                "No factor is reported in more than one case.",
                "Ningún factor se reporta en más de un caso.",
            )
        )
    for r in shared.head(MAX_NAMED).itertuples(index=False):
        parts = _tally(pd.Series({a: getattr(r, f"n_{a}") for a in ASSESSMENTS}), ASSESSMENTS, lang)
        name = escape(factor_label.get(r.factor, r.factor))
        sentences.append(
            _t(
                lang,
                f"*{name}* appears in {_count(r.n_cases, 'case', lang)} in "
                f"{_count(r.n_countries, 'country', lang)} ({parts}).",
                f"*{name}* aparece en {_count(r.n_cases, 'case', lang)} de "
                f"{_count(r.n_countries, 'country', lang)} ({parts}).",
            )
        )
    return " ".join(sentences)


# --------------------------------------------------------------------------- alt text (plain text)


def _page_part(page: Page | None, lang: str) -> str:
    text = ""
    if page is not None and page.count > 1:
        text = _t(
            lang,
            f" Page {page.number} of {page.count} ({page.label}).",
            f" Página {page.number} de {page.count} ({page.label}).",
        )
    if page is not None and page.not_drawn:
        text += _t(
            lang,
            f" {page.not_drawn} more {pick(page.not_drawn, 'row is', 'rows are')} not drawn; "
            "the table has every row.",
            f" {page.not_drawn} {pick(page.not_drawn, 'fila más no se dibuja', 'filas más no se dibujan')}; "
            "la tabla tiene todas las filas.",
        )
    return text


def _alt_pooled(ev: Evidence, pooled: pd.DataFrame, page: Page, columns: str, lang: str) -> str:
    """Alt text of a page whose rows are countries pooling their arms (`plots` level "country")."""
    countries = country_rows(ev).iloc[list(page.rows)]
    shown = pooled[pooled["country"].isin(countries["country"])]
    parts = _tally(shown["verdict"].value_counts(), VERDICT_KEYS, lang)
    gaps = countries.loc[countries["n_findings"] == 0, "country"].tolist()
    text = _t(
        lang,
        f"{_count(len(countries), 'country', lang)} (rows, each pooling the findings of its intervention "
        f"arms) by {columns}; {digits(len(shown), lang)} cells: {parts}.",
        f"{_count(len(countries), 'country', lang)} (filas, cada uno reuniendo los hallazgos de sus brazos "
        f"de intervención) por {columns}; {digits(len(shown), lang)} celdas: {parts}.",
    )
    if gaps:
        text += _t(lang, f" No findings: {', '.join(gaps)}.", f" Sin hallazgos: {', '.join(gaps)}.")
    return text + _page_part(page, lang)


def pages_note(pages: Sequence[Page], table_file: str, lang: str) -> str:
    """A sentence for the notebook when a figure pools its arms by country or leaves rows to the table."""
    if not pages:
        return ""
    page = pages[0]
    sentences = []
    if page.level == "country":
        sentences.append(
            _t(
                lang,
                f"With more than {MAX_ARMS} intervention arms, one row per arm would not be readable, so "
                "the figure pools the arms of each country (the verdict rule applied to their findings "
                "together).",
                f"Con más de {MAX_ARMS} brazos de intervención, una fila por brazo no sería legible, así que "
                "la figura reúne los brazos de cada país (la regla del veredicto aplicada a sus hallazgos "
                "juntos).",
            )
        )
    if page.not_drawn:
        sentences.append(
            _t(
                lang,
                f"Only the first {MAX_PAGES} pages are drawn; {page.not_drawn} more "
                f"{pick(page.not_drawn, 'row is', 'rows are')} not.",
                f"Solo se dibujan las primeras {MAX_PAGES} páginas; {page.not_drawn} "
                f"{pick(page.not_drawn, 'fila más no', 'filas más no')}.",
            )
        )
    if sentences:
        sentences.append(
            _t(
                lang,
                f"Every row is in `tables/{table_file}`.",
                f"Todas las filas están en `tables/{table_file}`.",
            )
        )
    return " ".join(sentences)


def alt_effect_directions(ev: Evidence, cells: pd.DataFrame, page: Page, lang: str) -> str:
    """Alt text of one heatmap page: its arms (or countries), outcomes, effect counts and gap rows."""
    outcomes = {o for _, o in page.columns if o}
    if page.level == "country":
        pooled = aggregate.pool_by(cells, ["country", "domain", "outcome"], ev)
        columns = _t(
            lang,
            f"{_count(len(outcomes), 'outcome', lang)} (columns, grouped by domain)",
            f"{_count(len(outcomes), 'outcome', lang)} (columnas, agrupados por dominio)",
        )
        title = _t(
            lang, "Effect-direction heatmap by country: ", "Mapa de calor de dirección de efectos por país: "
        )
        return title + _alt_pooled(ev, pooled[pooled["outcome"].isin(outcomes)], page, columns, lang)
    arm_table = aggregate.arms(ev).iloc[list(page.rows)]
    shown = cells[_of_arms(cells, arm_table) & cells["outcome"].isin(outcomes)]
    parts = _tally(shown["effect"].value_counts(), VERDICT_KEYS, lang)
    n_arms = int((arm_table["n_findings"] > 0).sum())
    gaps = arm_table[arm_table["n_findings"] == 0]
    text = _t(
        lang,
        f"Effect-direction heatmap: {_count(n_arms, 'arm', lang)} (rows) by "
        f"{_count(len(outcomes), 'outcome', lang)} "
        f"(columns, grouped by domain); {digits(len(shown), lang)} measured cells: {parts}.",
        f"Mapa de calor de dirección de efectos: {_count(n_arms, 'arm', lang)} (filas) por "
        f"{_count(len(outcomes), 'outcome', lang)} (columnas, agrupados por dominio); "
        f"{digits(len(shown), lang)} celdas medidas: {parts}.",
    )
    if len(gaps):
        text += _t(
            lang,
            f" Rows without findings: {_case_names(gaps, lang, markdown=False)}.",
            f" Filas sin hallazgos: {_case_names(gaps, lang, markdown=False)}.",
        )
    return text + _page_part(page, lang)


def alt_verdicts(table: pd.DataFrame, page: Page, ev: Evidence, lang: str) -> str:
    """Alt text of the verdict matrix: how many arm × domain verdicts of each kind it shows."""
    if page.level == "country":
        pooled = aggregate.pool_by(table, ["country", "domain"], ev)
        columns = _count(len(ev.domains), "domain", lang)
        title = _t(lang, "Verdict matrix by country: ", "Matriz de veredictos por país: ")
        return title + _alt_pooled(ev, pooled, page, columns, lang)
    arm_table = aggregate.arms(ev).iloc[list(page.rows)]
    shown = table[_of_arms(table, arm_table)]
    parts = _tally(shown["verdict"].value_counts(), VERDICT_KEYS, lang)
    return _t(
        lang,
        f"Verdict matrix of {len(arm_table)} rows (arms and gap rows) by "
        f"{_count(len(ev.domains), 'domain', lang)}; "
        f"{digits(len(shown), lang)} arm × domain verdicts: {parts}.",
        f"Matriz de veredictos de {len(arm_table)} filas (brazos y filas de vacío) por "
        f"{_count(len(ev.domains), 'domain', lang)}; {digits(len(shown), lang)} veredictos brazo × dominio: "
        f"{parts}.",
    ) + _page_part(page, lang)


def alt_sign_tests(table: pd.DataFrame, ev: Evidence, lang: str) -> str:
    """Alt text of a sign-test figure: per domain, the votes and the proportion with its interval."""
    domain_label = labels(ev.domains, "domain", lang)
    items = []
    for r in table.itertuples(index=False):
        votes = r.n_beneficial + r.n_adverse
        if math.isnan(r.proportion):
            items.append(
                _t(lang, f"{domain_label[r.domain]}: no votes", f"{domain_label[r.domain]}: sin votos")
            )
            continue
        items.append(
            _t(
                lang,
                f"{domain_label[r.domain]}: {r.n_beneficial} of {votes} beneficial "
                f"({r.proportion:.2f}, 95 % CI {r.ci_low:.2f} to {r.ci_high:.2f}), "
                f"{r.n_conflicting} conflicting",
                f"{domain_label[r.domain]}: {r.n_beneficial} de {votes} "
                f"{pick(votes, 'beneficioso', 'beneficiosos')} "
                f"({r.proportion:.2f}, IC 95 % {r.ci_low:.2f} a {r.ci_high:.2f}), "
                f"{r.n_conflicting} {pick(r.n_conflicting, 'contradictorio', 'contradictorios')}",
            )
        )
    unit = str(table["unit"].iloc[0]) if len(table) else "arm"
    what = (
        _t(lang, "intervention arms", "brazos de intervención")
        if unit == "arm"
        else _t(lang, "evaluations", "evaluaciones")
    )
    return _t(
        lang,
        f"Sign test per domain counting {what}: " + "; ".join(items) + ".",
        f"Prueba de signos por dominio contando {what}: " + "; ".join(items) + ".",
    )


def alt_country_domain(table: pd.DataFrame, ev: Evidence, lang: str) -> str:
    """Alt text of the country × domain figure: findings per country and the empty cells."""
    totals = table.groupby("country", sort=False)["total"].sum()
    with_findings = [f"{c} {int(n)}" for c, n in totals.items() if n]
    without = [c for c, n in totals.items() if not n]
    empty = int(((table["total"] == 0) & table["country"].isin(totals[totals > 0].index)).sum())
    text = _t(
        lang,
        "Findings by country and domain, stacked by effect. Findings per country: "
        f"{', '.join(with_findings)}. "
        f"{empty} country × domain cells of countries with findings are empty.",
        f"Hallazgos por país y dominio, apilados por efecto. Hallazgos por país: {', '.join(with_findings)}. "
        f"{empty} celdas país × dominio de países con hallazgos están vacías.",
    )
    if without:
        text += _t(lang, f" No findings: {', '.join(without)}.", f" Sin hallazgos: {', '.join(without)}.")
    return text


def alt_single_combined(table: pd.DataFrame, page: Page, lang: str) -> str:
    """Alt text of the outcome-level single-vs-combined figure."""
    shown = table.iloc[list(page.rows)]
    both = int(shown["comparable"].astype(bool).sum())
    only_single = int(((shown["single_effect"] != "") & (shown["combined_effect"] == "")).sum())
    only_combined = int(((shown["single_effect"] == "") & (shown["combined_effect"] != "")).sum())
    return _t(
        lang,
        f"Single and combined arms side by side for {len(shown)} outcome rows: {both} measured by both arms, "
        f"{only_single} by the single arm only, {only_combined} by the combined arm only.",
        f"Brazos individual y combinado lado a lado en {len(shown)} filas de resultados: {both} medidos por "
        f"ambos brazos, {only_single} solo por el brazo individual, {only_combined} solo por el combinado.",
    ) + _page_part(page, lang)


def alt_single_combined_domains(overlap: pd.DataFrame, page: Page, lang: str) -> str:
    """Alt text of the domain-level single-vs-combined figure."""
    pairs = arm_pairs(overlap).iloc[list(page.rows)]
    keys = pd.MultiIndex.from_frame(pairs)
    shown = overlap[pd.MultiIndex.from_frame(overlap[pairs.columns.tolist()]).isin(keys)]
    both = shown[(shown["single_outcomes"] > 0) & (shown["combined_outcomes"] > 0)]
    return _t(
        lang,
        f"Domain verdicts of single and combined arms for {len(pairs)} arm "
        f"{pick(len(pairs), 'pair', 'pairs')}: both arms have outcomes in {len(both)} case × domain "
        f"{pick(len(both), 'cell', 'cells')}, and in {int((both['shared_outcomes'] == 0).sum())} of those "
        "they share no outcome.",
        f"Veredictos por dominio de brazos individual y combinado para {len(pairs)} "
        f"{pick(len(pairs), 'par', 'pares')} de brazos: ambos brazos tienen resultados en {len(both)} "
        f"{pick(len(both), 'celda', 'celdas')} caso × dominio, y en "
        f"{int((both['shared_outcomes'] == 0).sum())} de ellas no comparten ningún resultado.",
    ) + _page_part(page, lang)


def alt_institutional(matrix: pd.DataFrame, page: Page, lang: str) -> str:
    """Alt text of the institutional matrix: statements by assessment and level."""
    n = matrix["assessment"].value_counts()
    lv = matrix["level"].value_counts()
    parts = _tally(n, ASSESSMENTS, lang)
    return _t(
        lang,
        f"Institutional factors by case: {len(matrix)} statements on {matrix['factor'].nunique()} factors — "
        f"{parts}; {int(lv.get('national', 0))} national and "
        f"{int(lv.get('local', 0))} local.",
        f"Factores institucionales por caso: {len(matrix)} afirmaciones sobre {matrix['factor'].nunique()} "
        f"factores — {parts}; {int(lv.get('national', 0))} nacionales y "
        f"{int(lv.get('local', 0))} locales.",
    ) + _page_part(page, lang)
