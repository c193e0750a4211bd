"""The narrative follows the data: every id it cites exists, every number it states is recomputed
from the tables, edits to the data change the text, data text is escaped, wording agrees."""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
import re
from pathlib import Path

import mistune
import pandas as pd
import pytest
from nbconvert.filters.markdown_mistune import markdown2html_mistune

from synergies import narrative
from synergies.config import DATA_DIR
from synergies.contract import OPTIONAL_FILES
from synergies.load import Evidence, load_evidence
from synergies.narrative import Narrative, Paragraph, Ref, Sentence, slots, verify
from synergies.text import grammar
from synergies.text import names as text_names

LANGS = ("en", "es")


# --------------------------------------------------------------------------- helpers


def read(path: Path) -> pd.DataFrame:
    """A CSV file as strings, exactly as written."""
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def save(frame: pd.DataFrame, path: Path) -> None:
    """Write a frame back as the contract expects (no index, LF line ends)."""
    frame.to_csv(path, index=False, lineterminator="\n")


def texts(ev: Evidence) -> dict[str, str]:
    """The rendered narrative in both languages."""
    built = narrative.build(ev)
    return {lang: narrative.render_markdown(built, lang) for lang in LANGS}


def section_text(built: Narrative, key: str, lang: str) -> str:
    """The sentences of one section, without citations."""
    return " ".join(s.text(lang) for p in built.section(key).paragraphs for s in p.sentences)


def ref_exists(ref: Ref, ev: Evidence) -> bool:
    """Whether a cited row is a row of the data (the test's own lookup, per file)."""
    if ref.file == "findings.csv":
        return ref.key[0] in set(ev.findings["finding_id"])
    if ref.file == "cases.csv":
        return ref.key in set(zip(ev.cases["country"], ev.cases["case"], strict=True))
    if ref.file == "programmes.csv":
        p = ev.programmes
        return p is not None and ref.key in set(zip(p["country"], p["programme"], strict=True))
    if ref.file == "institutional.csv":
        i = ev.institutional
        return i is not None and ref.key in set(zip(i["country"], i["case"], i["factor"], strict=True))
    if ref.file == "domains.csv":
        return ref.key[0] in set(ev.domains["domain"])
    if ref.file == "sources.csv":
        return ev.sources is not None and ref.key[0] in set(ev.sources["source_id"])
    return False


WORD_NUMBERS = {
    "en": {grammar.number_word(i, "en"): i for i in range(1, grammar.WORD_LIMIT + 1)},
    "es": {grammar.number_word(i, "es"): i for i in range(2, grammar.WORD_LIMIT + 1)},
}


def data_names(ev: Evidence) -> list[str]:
    """Every data-derived string the text may contain, escaped and lower-cased, longest first."""
    names: set[str] = set()
    for frame, columns in (
        (ev.findings, ["country", "case", "intervention", "finding_id", "source_id"]),
        (ev.cases, ["country", "case", *(["programmes"] if "programmes" in ev.cases else [])]),
        (ev.outcomes, ["outcome", "label_en", "label_es"]),
        (ev.domains, ["domain", "label_en", "label_es"]),
        (ev.factors, ["factor", "label_en", "label_es"]),
        (ev.institutional, ["factor"]),
        (ev.sources, ["source_id"]),
    ):
        if frame is None:
            continue
        for column in columns:
            for value in frame[column]:
                for part in str(value).split(";"):
                    names.add(narrative.escape(part.strip()).casefold())
    countries = set(ev.findings["country"]) | (set(ev.cases["country"]) if ev.cases is not None else set())
    for lang in ("en", "es"):
        names |= {narrative.escape(text_names.country(lang, c)).casefold() for c in countries}
    return sorted((n for n in names if n), key=len, reverse=True)


def numbers_in(text: str, lang: str, names: list[str]) -> list[float]:
    """The numbers a reader sees in a sentence (words and digits), with data names removed."""
    plain = text.casefold()
    for name in names:
        plain = plain.replace(name, " ")
    if lang == "es":  # text.numbers: decimal comma, no-break-space groups from 10 000
        matches = re.findall(r"\d{1,3}(?:\u00a0\d{3})+|\d+(?:,\d+)?", plain)
        found = [float(m.replace("\u00a0", "").replace(",", ".")) for m in matches]
    else:
        found = [float(m.replace(",", "")) for m in re.findall(r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?", plain)]
    found += [
        float(WORD_NUMBERS[lang][w]) for w in re.findall(r"[a-záéíóúñ]+", plain) if w in WORD_NUMBERS[lang]
    ]
    return sorted(found)


def stated(sentence: narrative.Sentence, lang: str) -> list[float]:
    """The numbers a sentence's structure says it states, as they should read in `lang`."""
    values = [round(float(c.value), 3) for c in sentence.counts]
    if lang == "es":  # un/una/uno double as articles, so Spanish ones are checked from the structure only
        p_like = [c.unit.startswith(("value:p", "below:")) for c in sentence.counts]
        values = [v for v, p in zip(values, p_like, strict=True) if v != 1 or p]
    return sorted(values)


def edited(data_copy: Path, name: str, change) -> Evidence:
    """Load the data after applying `change` to one of its files."""
    frame = read(data_copy / name)
    save(change(frame), data_copy / name)
    return load_evidence(data_copy)


# --------------------------------------------------------------------------- traceability


@pytest.fixture(scope="module")
def shipped() -> tuple[Evidence, Narrative]:
    """The shipped data and its narrative, built once."""
    ev = load_evidence(DATA_DIR)
    return ev, narrative.build(ev)


def test_every_cited_row_exists(shipped, synthetic_dir: Path, minimal_dir: Path) -> None:
    evidences = [shipped[0], load_evidence(synthetic_dir), load_evidence(minimal_dir)]
    for ev in evidences:
        built = narrative.build(ev)
        refs = [r for s in built.sentences() for r in s.refs]
        assert refs, "the narrative cites nothing"
        missing = [r for r in refs if not ref_exists(r, ev)]
        assert not missing, f"cited rows not in the data: {missing[:5]}"


def test_rendered_citations_resolve_to_rows(shipped) -> None:
    """What a reader sees in brackets, expanded (ranges too), names rows of the data."""
    ev, built = shipped
    ids = list(ev.findings["finding_id"])
    cases = set(zip(ev.cases["country"], ev.cases["case"], strict=True))
    programmes = set(zip(ev.programmes["country"], ev.programmes["programme"], strict=True))
    inst = set(
        zip(ev.institutional["country"], ev.institutional["case"], ev.institutional["factor"], strict=True)
    )
    keys = set(ev.domains["domain"]) | set(ev.sources["source_id"])
    text = narrative.render_markdown(built, "en")
    groups = re.findall(r"(?<!\\)\[([^\]]+)\]", text)
    assert len(groups) > 20
    cited_findings = set()
    for group in groups:
        for token in group.replace("\\", "").split("; "):
            if ": " in token:
                where, factors = token.split(": ")
                country, case = where.split("/", 1)
                assert all((country, case, f) in inst for f in factors.split(", ")), token
            elif "/" in token:
                assert tuple(token.split("/", 1)) in cases | programmes, token
            else:
                for item in token.split(", "):
                    if "–" in item:
                        first, last = item.split("–")
                        span = ids[ids.index(first) : ids.index(last) + 1]
                        assert [int(i[1:]) for i in span] == list(range(int(first[1:]), int(last[1:]) + 1))
                        cited_findings |= set(span)
                    elif item in ids:
                        cited_findings.add(item)
                    else:
                        assert item in keys, item
    assert cited_findings == set(ids), "every finding is cited somewhere"


def test_sentences_stating_facts_cite_rows(shipped) -> None:
    ev, built = shipped
    for key in ("overview", "comparison", *sorted(set(ev.findings["country"]))):
        for paragraph in built.section(key).paragraphs:
            for sentence in paragraph.sentences:
                if sentence.counts and not all(c.table == "constant" for c in sentence.counts):
                    assert sentence.refs, f"no citation: {sentence.en}"


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize("which", ["shipped", "synthetic", "minimal"])
def test_every_stated_number_is_recomputed_from_the_tables(
    which, shipped, synthetic_dir, minimal_dir
) -> None:
    ev = {"shipped": shipped[0], "synthetic": None, "minimal": None}[which] or load_evidence(
        synthetic_dir if which == "synthetic" else minimal_dir
    )
    built = narrative.build(ev)  # build() itself runs verify.check with the tables it used
    counts = [c for s in built.sentences() for c in s.counts]
    assert len(counts) > 15
    # Again from tables recomputed from the evidence alone, not the ones the narrative was built on.
    wrong = verify.mismatches(built.sentences(), verify.Tables(ev))
    assert not wrong, wrong[:5]


def test_a_wrong_count_fails_the_build_naming_its_sentence(shipped, monkeypatch) -> None:
    ev, built = shipped
    sentence = next(s for s in built.sentences() if any(c.table == "findings" for c in s.counts))
    count = next(c for c in sentence.counts if c.table == "findings")
    # the sentence with one more number slot, whose count states one more than its table gives
    wrong_number = slots.Num(dataclasses.replace(count, value=count.value + 1))
    tampered = Sentence(slots.Seq((sentence.body, slots.Markup(" "), wrong_number)), sentence.refs)
    broken = Narrative(
        built.title, (dataclasses.replace(built.sections[0], paragraphs=(Paragraph((tampered,)),)),)
    )
    with pytest.raises(verify.CountMismatch, match=re.escape(sentence.en[:30])):
        verify.check(broken, ev)
    # and build() raises too when a sentence builder states a wrong number
    original = narrative._count

    def wrong(value, *a, **k):
        return original(value + 1 if a and a[0] == "findings" else value, *a, **k)

    for info in pkgutil.iter_modules(narrative.__path__):  # every sentence builder's own `_count`
        module = importlib.import_module(f"synergies.narrative.{info.name}")
        if getattr(module, "_count", None) is original:
            monkeypatch.setattr(module, "_count", wrong)
    with pytest.raises(verify.CountMismatch, match="narrative sentences state numbers"):
        narrative.build(ev)


@pytest.mark.parametrize("which", ["shipped", "synthetic"])
@pytest.mark.parametrize("lang", LANGS)
def test_numbers_read_in_the_text_are_the_numbers_in_the_structure(
    which, lang, shipped, synthetic_dir
) -> None:
    ev = shipped[0] if which == "shipped" else load_evidence(synthetic_dir)
    built = narrative.build(ev)
    names = data_names(ev)
    checked = 0
    for section in built.sections:
        # The claims section quotes tables/claims.csv, whose reasons tests/test_claims.py checks.
        if section.key in ("tracing", "references", "claims"):
            continue
        for paragraph in section.paragraphs:
            for sentence in paragraph.sentences:
                assert numbers_in(sentence.text(lang), lang, names) == stated(sentence, lang), sentence.text(
                    lang
                )
                checked += bool(sentence.counts)
    assert checked > 10


def test_shipped_counts_against_the_raw_files(shipped) -> None:
    """Independent of the loader and aggregate: counts read straight from the CSV files."""
    _ev, built = shipped
    raw = read(DATA_DIR / "findings.csv")
    peru = raw[raw["country"] == "Peru"]
    en = section_text(built, "Peru", "en")
    assert f"reports {narrative.count_noun(len(peru), 'finding', 'en')} in three domains" in en
    es = section_text(built, "Peru", "es")
    assert f"reporta {narrative.count_noun(len(peru), 'finding', 'es')} en tres dominios" in es
    overview = section_text(built, "overview", "en")
    assert f"hold {len(raw)} findings" in overview
    cases = read(DATA_DIR / "cases.csv")
    gap = cases[cases["has_impact_evaluation"] == "false"]
    assert list(gap["country"]) == ["Mexico"]
    comparison = section_text(built, "comparison", "en")
    assert "Mexico has no reported impact results" in comparison and "evidence gap" in comparison
    caveats = section_text(built, "caveats", "en")
    assert f"All {len(raw)} findings cite a single source, RS-BRIEF" in caveats
    outcomes = read(DATA_DIR / "outcomes.csv").set_index("outcome")["label_en"]
    for key in ("mild_food_insecurity", "secondary_activity_work"):
        assert f"*{outcomes[key]}*" in caveats  # the label verbatim, never lower-cased


# --------------------------------------------------------------------------- the text follows the data


def test_flipping_a_direction_changes_the_claims(data_copy: Path, shipped) -> None:
    """PPP poverty rising instead of falling: income/poverty becomes adverse for Colombia."""
    before = {lang: section_text(shipped[1], "Colombia", lang) for lang in LANGS}

    def flip(frame: pd.DataFrame) -> pd.DataFrame:
        """PPP's poverty finding rises instead of falling."""
        row = (frame["case"] == "PPP") & (frame["outcome"] == "poverty")
        assert row.sum() == 1
        frame.loc[row, "direction"] = "increase"
        return frame

    ev = edited(data_copy, "findings.csv", flip)
    built = narrative.build(ev)
    colombia = section_text(built, "Colombia", "en")
    assert "point to adverse effects in *Income, poverty and local economic development*" in colombia
    assert (
        "Two findings are adverse" in colombia
        and "an increase in the outcome *Poverty* under PPP" in colombia
    )
    assert "One finding is adverse" in before["en"] and "One finding is adverse" not in colombia
    es = section_text(built, "Colombia", "es")
    assert "apuntan a efectos adversos en *Ingresos, pobreza y desarrollo económico local*" in es
    assert "Dos hallazgos son adversos" in es
    comparison = section_text(built, "comparison", "en")
    assert (
        "Beneficial effects in *Income, poverty and local economic development* come from Peru alone"
        in comparison
    )
    assert "Adverse effects predominate in *Income, poverty and local economic development*" in comparison
    assert "Beneficial effects recur in two countries (Colombia and Peru) in two domains" in comparison
    assert not verify.mismatches(built.sentences(), verify.Tables(ev))


def test_dropping_a_country_removes_every_claim_about_it(data_copy: Path) -> None:
    for name, column in (
        ("findings.csv", "country"),
        ("cases.csv", "country"),
        ("institutional.csv", "country"),
        ("programmes.csv", "country"),
        ("arms.csv", "country"),
    ):
        frame = read(data_copy / name)
        save(frame[frame[column] != "Peru"], data_copy / name)
    claims = read(data_copy / "claims.csv")  # the brief's conclusions that speak of Peru go with it
    about_peru = claims[["countries", "cases", "text"]].apply(lambda c: c.str.contains("Peru")).any(axis=1)
    save(claims[~about_peru], data_copy / "claims.csv")
    ev = load_evidence(data_copy)
    built = narrative.build(ev)
    text = {lang: t.split("\n## Ref")[0] for lang, t in texts(ev).items()}  # the bibliography may name it
    assert "Peru" not in text["en"] and "Perú" not in text["es"] and "Peru" not in text["es"]
    assert "Haku Wiñay" not in text["en"] and "Haku Wiñay" not in text["es"]
    overview = section_text(built, "overview", "en")
    assert "from two evaluated cases in one country: Colombia" in overview
    assert "recur in" not in section_text(built, "comparison", "en")
    assert not verify.mismatches(built.sentences(), verify.Tables(ev))


def test_a_new_country_with_a_new_domain_gets_its_own_claims(data_copy: Path) -> None:
    domains = read(data_copy / "domains.csv")
    domains.loc[len(domains)] = ["water", "6", "Water access", "Acceso al agua", ""]
    save(domains, data_copy / "domains.csv")
    outcomes = read(data_copy / "outcomes.csv")
    for values in (
        ("piped_water", "water", "higher", "Piped water", "Agua entubada"),
        ("water_cost", "water", "lower", "Water cost", "Costo del agua"),
    ):
        row = dict.fromkeys(outcomes.columns, "")
        row.update(zip(("outcome", "domain", "better", "label_en", "label_es"), values, strict=True))
        outcomes.loc[len(outcomes)] = row
    save(outcomes, data_copy / "outcomes.csv")
    cases = read(data_copy / "cases.csv")
    case = dict.fromkeys(cases.columns, "")
    case.update(case="Agua Rural", country="Bolivia", programmes="Agua Rural", has_impact_evaluation="true")
    cases.loc[len(cases)] = case
    save(cases, data_copy / "cases.csv")
    findings = read(data_copy / "findings.csv")
    for i, (outcome, direction) in enumerate(
        [("piped_water", "increase"), ("water_cost", "decrease"), ("income", "increase")]
    ):
        row = dict.fromkeys(findings.columns, "")
        row.update(
            finding_id=f"B{i + 1:02d}",
            country="Bolivia",
            case="Agua Rural",
            intervention="Agua Rural",
            arm="single",
            outcome=outcome,
            direction=direction,
        )
        findings.loc[len(findings)] = row
    save(findings, data_copy / "findings.csv")
    ev = load_evidence(data_copy)
    built = narrative.build(ev)
    bolivia = section_text(built, "Bolivia", "en")
    assert "Bolivia has one evaluated case, Agua Rural" in bolivia
    assert "three findings in two domains" in bolivia and "*Water access* (two)" in bolivia
    assert "*Acceso al agua* (dos)" in section_text(built, "Bolivia", "es")
    comparison = section_text(built, "comparison", "en")
    assert "Beneficial effects in *Water access* come from Bolivia alone" in comparison
    assert "Beneficial effects recur in three countries (Bolivia, Colombia and Peru)" in comparison
    assert "from four evaluated cases in three countries: Bolivia, Colombia and Peru" in section_text(
        built, "overview", "en"
    )
    assert not verify.mismatches(built.sentences(), verify.Tables(ev))
    assert all(ref_exists(r, ev) for s in built.sentences() for r in s.refs)


def test_minimal_directory_gives_both_languages_and_names_what_is_missing(
    minimal_dir: Path, tmp_path: Path
) -> None:
    ev = load_evidence(minimal_dir)
    paths = narrative.write(ev, tmp_path / "out")
    assert [p.name for p in paths] == ["country_comparison.en.md", "country_comparison.es.md"]
    en, es = (p.read_text(encoding="utf-8") for p in paths)
    assert "Eight optional files of the data contract were not given" in en
    assert "No se entregaron ocho archivos opcionales del contrato de datos" in es
    for name in OPTIONAL_FILES:
        assert f"`{name}`" in en and f"`{name}`" in es
    assert "## References" not in en and "## Referencias" not in es
    assert "institutional analysis of" not in en


def test_shipped_data_name_no_missing_file(shipped) -> None:
    text = narrative.render_markdown(shipped[1], "en")
    assert "were not given" not in text and "was not given" not in text
    assert "## References" in text and "**RS-BRIEF**" in text


# --------------------------------------------------------------------------- escaping


def test_data_text_is_escaped_in_markdown_and_html(data_copy: Path) -> None:
    attack_en, attack_es = "<script>alert(1)</script>", "<img src=x onerror=alert(1)>"
    outcomes = read(data_copy / "outcomes.csv")
    outcomes.loc[outcomes["outcome"] == "food_crop_products", ["label_en", "label_es"]] = [
        attack_en,
        attack_es,
    ]
    outcomes.loc[outcomes["outcome"] == "mild_food_insecurity", "note"] = attack_en
    save(outcomes, data_copy / "outcomes.csv")
    factors = read(data_copy / "factors.csv")
    factors.loc[factors["factor"] == "political_support", ["label_en", "label_es"]] = [attack_es, attack_en]
    save(factors, data_copy / "factors.csv")
    findings = read(data_copy / "findings.csv")
    findings.loc[findings["intervention"] == "FEST", "intervention"] = "*FEST* [x](javascript:y) | `z`"
    save(findings, data_copy / "findings.csv")
    arms = read(data_copy / "arms.csv")
    arms.loc[arms["intervention"] == "FEST", "intervention"] = "*FEST* [x](javascript:y) | `z`"
    save(arms, data_copy / "arms.csv")
    ev = load_evidence(data_copy)
    for lang, text in texts(ev).items():
        assert "<script" not in text and "<img" not in text
        assert "&lt;script&gt;" in text or "&lt;img" in text
        for html in (
            mistune.html(text),
            markdown2html_mistune(text),
        ):  # the latter is nbconvert's HTML export
            assert "<script" not in html and "<img" not in html, lang
            assert (
                "<em>FEST</em>" not in html and 'javascript:y"' not in html and "<code>z</code>" not in html
            )
            assert "*FEST* [x](javascript:y) | `z`" in re.sub(r"<[^>]+>", "", html)


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("a_b", "a_b"),
        ("_a_", "\\_a\\_"),
        ("# title", "\\# title"),
        ("1. item", "1\\. item"),
        ("- item", "\\- item"),
        ("line\nbreak", "line break"),
        ("A & B <b>", "A \\& B &lt;b&gt;"),
    ],
)
def test_escape(raw: str, shown: str) -> None:
    assert narrative.escape(raw) == shown


# --------------------------------------------------------------------------- determinism


def test_same_data_same_text_whatever_the_row_order(data_copy: Path, shipped) -> None:
    first = narrative.render_markdown(narrative.build(shipped[0]), "es")
    assert first == narrative.render_markdown(narrative.build(shipped[0]), "es")
    for name in ("findings.csv", "institutional.csv", "cases.csv", "programmes.csv", "sources.csv"):
        frame = read(data_copy / name)
        save(frame.iloc[::-1], data_copy / name)
    shuffled = load_evidence(data_copy)
    for lang in LANGS:
        assert narrative.render_markdown(narrative.build(shuffled), lang) == narrative.render_markdown(
            shipped[1], lang
        )


# --------------------------------------------------------------------------- wording helpers


@pytest.mark.parametrize(
    ("items", "lang", "kind", "joined"),
    [
        (["A"], "en", "and", "A"),
        (["A", "B"], "en", "and", "A and B"),
        (["A", "B", "C"], "en", "and", "A, B and C"),
        (["A", "B", "C"], "en", "or", "A, B or C"),
        (["A", "B", "C"], "es", "and", "A, B y C"),
        (["Colombia", "Indonesia"], "es", "and", "Colombia e Indonesia"),
        (["padres", "hijos"], "es", "and", "padres e hijos"),
        (["madres", "*Ingresos*"], "es", "and", "madres e *Ingresos*"),
        (["agua", "hielo"], "es", "and", "agua y hielo"),
        (["Perú", "Íllimo"], "es", "and", "Perú e Íllimo"),
        (["siete", "ocho"], "es", "or", "siete u ocho"),
        (["mujeres", "hombres"], "es", "or", "mujeres u hombres"),
        (["hombres", "mujeres"], "es", "or", "hombres o mujeres"),
        (["mujeres", "hombres", "hogares"], "es", "or", "mujeres, hombres u hogares"),
        (["salud", "educación"], "es", "nor", "salud ni educación"),
        (["A, B", "C", "D"], "en", "and", "A, B; C; and D"),
        (["A, B", "C", "D"], "es", "and", "A, B; C; y D"),
        (["A, B", "C"], "es", "and", "A, B, y C"),
    ],
)
def test_join_list(items: list[str], lang: str, kind: str, joined: str) -> None:
    assert narrative.join_list(items, lang, kind) == joined


@pytest.mark.parametrize(
    ("n", "key", "lang", "phrase"),
    [
        (1, "finding", "en", "one finding"),
        (2, "finding", "en", "two findings"),
        (10, "case", "en", "ten cases"),
        (11, "finding", "en", "11 findings"),
        (1200, "finding", "en", "1,200 findings"),
        (1, "finding", "es", "un hallazgo"),
        (2, "finding", "es", "dos hallazgos"),
        (1, "evaluation", "es", "una evaluación"),
        (3, "evaluation", "es", "tres evaluaciones"),
        (1, "barrier", "es", "una barrera"),
        (1, "country", "es", "un país"),
        (4, "country", "es", "cuatro países"),
        (21, "source", "es", "21 fuentes"),
    ],
)
def test_count_noun_agrees(n: int, key: str, lang: str, phrase: str) -> None:
    assert narrative.count_noun(n, key, lang) == phrase


def test_number_words_with_gender() -> None:
    assert narrative.number_word(1, "es", "m") == "un"
    assert narrative.number_word(1, "es", "m", before_noun=False) == "uno"
    assert narrative.number_word(1, "es", "f") == "una"
    assert narrative.number_word(1, "es", "f", before_noun=False) == "una"
    assert [narrative.number_word(n, "es") for n in (2, 7, 10, 11)] == ["dos", "siete", "diez", "11"]
    assert [narrative.number_word(n, "en") for n in (1, 3, 10, 12)] == ["one", "three", "ten", "12"]
    assert narrative.number_word(12345, "es") == "12\u00a0345"


def test_compact_ids() -> None:
    assert narrative.compact_ids(["F09", "F01", "F02", "F03", "F05", "F04", "F07"]) == [
        "F01–F05",
        "F07",
        "F09",
    ]
    assert narrative.compact_ids(["F1", "F2", "F10"]) == ["F1", "F2", "F10"]
    assert narrative.compact_ids(["F08", "F09", "F10"]) == ["F08–F10"]
    assert narrative.compact_ids(["F9", "F10", "F11"]) == ["F9", "F10", "F11"]  # widths differ: no range
    assert narrative.compact_ids(["x", "S2", "S1", "S3"]) == ["S1–S3", "x"]


def test_a_citation_of_thousands_of_findings_prints_a_few_and_counts_the_rest() -> None:
    ids = [f"S{i:07d}" for i in range(1, 3001) if i % 3]  # 2,000 ids in pairs: no range of three
    refs = [narrative.Ref("findings.csv", (i,)) for i in reversed(ids)]
    en, es = narrative.citation(refs, "en"), narrative.citation(refs, "es")
    shown = narrative.MAX_CITED_IDS
    assert en.startswith(" [S0000001, S0000002, S0000004, ")
    assert en.count("S0") == shown and en.endswith(f", … and {2000 - shown:,} more findings]")
    assert es.endswith(f", … y {2000 - shown} hallazgos más]"), "Spanish groups digits from 10 000 on"
    ranged = [narrative.Ref("findings.csv", (f"F{i:02d}",)) for i in [*range(1, 40), *range(50, 60, 2)]]
    assert narrative.citation(ranged, "en") == " [F01–F39, F50, F52, F54, F56, F58]", "short lists in full"
    many_ranges = [narrative.Ref("findings.csv", (f"F{i:03d}",)) for i in range(1, 200) if i % 5]
    text = narrative.citation(many_ranges, "en")
    assert text.startswith(" [F001–F004, F006–F009, ") and text.endswith(
        f"and {160 - 4 * shown} more findings]"
    )
