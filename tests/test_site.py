"""The report site: every page text in the reader's language, tables for people, linked citations."""

from __future__ import annotations

import html
import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from synergies import aggregate, config, narrative
from synergies.load import Evidence, load_evidence
from synergies.site import chapters, citations, pages, tables, translate
from synergies.synthetic import write_synthetic

SITE_SOURCES = sorted((config.ROOT / "src" / "synergies" / "site").glob("*.py"))
NOTEBOOKS = sorted(config.NOTEBOOKS_DIR.glob("[0-9][0-9]-*.ipynb"))
LITERAL = re.compile(r'site_text\(\s*"((?:[^"\\]|\\.)+)"')


def markdown_cells(path: Path) -> list[str]:
    return [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_markdown_cell_has_a_spanish_translation(path: Path) -> None:
    """A page in Spanish shows no English prose cell: each cell's English text is a catalogue key."""
    missing = [cell[:60] for cell in markdown_cells(path) if not translate.has_translation(cell, "es")]
    assert not missing, f"add these cells of {path.name} to {translate.catalogue_path('es')}: {missing}"


def test_every_page_word_and_table_label_has_a_spanish_translation() -> None:
    words = set(tables.COLUMN_LABELS.values()) | set(tables.KEY_WORDS.values())
    words |= set(tables.COMPARATOR_WORDS.values()) | {
        w for d in tables.VALUE_WORDS.values() for w in d.values()
    }
    words |= set(chapters.DATATABLE_WORDS.values()) | set(chapters.DATATABLE_PAGER.values())
    words |= {
        chapters.SITE_NAME,
        pages.FINDINGS_INTRO,
        pages.NOT_ALL_LISTED,
        pages.DATA_TEXT_NOTE,
        "yes",
        "no",
    }
    for source in SITE_SOURCES:  # every literal the site passes to site_text
        words |= {
            m.encode().decode("unicode_escape") for m in LITERAL.findall(source.read_text(encoding="utf-8"))
        }
    missing = sorted(w for w in words if not translate.has_translation(w, "es"))
    assert not missing, f"add to {translate.catalogue_path('es')}: {missing}"


def test_translations_keep_placeholders() -> None:
    for english, spanish in translate._messages("es").items():
        assert set(re.findall(r"\{\w+\}", english)) == set(re.findall(r"\{\w+\}", spanish)), english
        assert set(re.findall(r"`[^`]+`", english)) <= set(
            re.findall(r"`[^`]+`", spanish)
        ) or english.startswith("**What it does"), english


def test_tables_for_people_label_columns_and_values_in_spanish(evidence: Evidence) -> None:
    arms = aggregate.arms(evidence)
    before = arms.copy()
    shown = tables.for_people(arms, evidence, "es")
    pd.testing.assert_frame_equal(arms, before)  # the CSV's frame is left as it is
    assert list(shown.frame.columns) == [
        "País",
        "Caso",
        "Brazo de intervención",
        "Tipo de brazo",
        "Hallazgos",
        "Evaluación de impacto",
    ]
    assert set(shown.frame["Evaluación de impacto"]) == {"sí", "no"}
    assert set(shown.frame["Tipo de brazo"]) <= {"individual", "combinado", ""}
    assert "México" in set(shown.frame["País"])
    page = shown.html()
    assert "<th" in page and ">0<" in page and "True" not in page
    assert 'class="synergies-table"' in page  # six rows: no search box


def test_table_values_use_labels_and_language_numbers(evidence: Evidence) -> None:
    by_domain = aggregate.effects_by_domain(evidence)
    shown = tables.for_people(by_domain, evidence, "es").frame
    assert "productive" not in set(shown["Dominio"]) and "Productivo" in set(shown["Dominio"])
    assert set(shown["Veredicto"]) <= {"beneficioso", "adverso", "sin cambio", "incierto", "contradictorio"}
    assert tables.number(12345, "es", "integer") == "12\u00a0345"
    assert tables.number(12345, "en", "integer") == "12,345"
    assert tables.number(0.125, "es", "p_value") == "0,125"
    assert tables.number(0.0001, "en", "p_value") == "< 0.001"
    assert tables.number(0.125, "en", "proportion") == "0.13"


def test_long_text_is_whole_and_wrapped(evidence: Evidence) -> None:
    polarity = aggregate.polarity_decisions(evidence)
    longest = max(polarity["note"], key=len)
    page = tables.for_people(polarity, evidence, "en").html()
    assert html.escape(longest) in page and 'class="text"' in page
    assert "label_es" not in page and "label_en" not in page


def test_a_long_table_is_searchable() -> None:
    frame = pd.DataFrame({"count": range(tables.SCREENFUL_ROWS + 1)})
    page = tables.PeopleTable(frame, ()).html()
    assert "synergies-datatable" in page
    assert "synergies-datatable" not in tables.PeopleTable(frame.head(tables.SCREENFUL_ROWS), ()).html()


def _plain(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def test_linked_citations_say_what_the_markdown_says(evidence: Evidence) -> None:
    built = narrative.build(evidence)
    for sentence in built.sentences():
        for lang in ("en", "es"):
            markdown = narrative.citation(sentence.refs, lang).replace("\\", "")
            linked = citations.citation_html(sentence.refs, lang, lambda ref: pages.FINDINGS)
            assert _plain(linked) == html.unescape(markdown)


@pytest.mark.parametrize("seed", range(40))
def test_long_citations_of_row_sets_compact_ids_as_the_narrative_does(seed: int) -> None:
    """Runs found on a row set's numbers print what the id-by-id compaction prints, linked or not."""
    import random
    from types import SimpleNamespace

    from synergies.narrative.refs import RowIndex

    rng = random.Random(seed)
    n = rng.choice([30, 200, 2000])
    prefixes = rng.choice([["F"], ["F", "G"], ["F", "f"], ["", "X"], ["F-"], ["F", "Fx"], ["É"]])
    ids = [f"{rng.choice(prefixes)}{rng.randrange(1, 3 * n):0{rng.choice([1, 3, 5])}d}" for _ in range(n)]
    if seed % 5 == 0:
        ids.append("F12b")  # another shape
    by_key = {narrative.natural_key(i): i for i in ids}  # ids that sort alike would order by the table
    ids = sorted(by_key.values())
    index = RowIndex(SimpleNamespace(findings=pd.DataFrame({"finding_id": ids})))  # type: ignore[arg-type]
    refs = index.findings(ids)
    as_list = [narrative.Ref("findings.csv", (i,)) for i in ids]
    assert citations._shown_items(refs) == citations._shown_items(as_list)
    for lang in ("en", "es"):
        assert narrative.citation(refs, lang) == narrative.citation(as_list, lang)
        page_of = lambda ref: pages.FINDINGS  # noqa: E731
        assert citations.citation_html(refs, lang, page_of) == citations.citation_html(as_list, lang, page_of)


def test_a_long_linked_citation_says_what_the_markdown_says() -> None:
    ids = [f"F{i:05d}" for i in range(1, 4000) if i % 7 and i % 11]
    refs = [narrative.Ref("findings.csv", (i,)) for i in ids]
    for lang in ("en", "es"):
        markdown = narrative.citation(refs, lang).replace("\\", "")
        linked = citations.citation_html(refs, lang, lambda ref: pages.FINDINGS)
        assert _plain(linked) == html.unescape(markdown)
        assert linked.count('class="cite"') == narrative.MAX_CITED_IDS


def test_every_citation_link_has_its_row(tmp_path: Path, evidence: Evidence) -> None:
    written = pages.build(evidence, tmp_path / "html", config.FIGURES_DIR, "es")
    texts = {p.name: p.read_text(encoding="utf-8") for p in written}
    ids = {name: set(re.findall(r' id="([^"]+)"', text)) for name, text in texts.items()}
    links = re.findall(r'href="(findings[^"#]*\.html)#([^"]+)"', texts["narrative.html"])
    assert links, "the narrative has no citation links"
    from urllib.parse import unquote

    for page, fragment in links:
        assert unquote(html.unescape(fragment)) in ids[page], (page, fragment)
    assert 'href="findings.html#F05"' in texts["narrative.html"]
    assert '<html lang="es">' in texts["index.html"]


def test_findings_continue_on_more_pages_at_scale(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ev = load_evidence(write_synthetic(tmp_path / "data", n_findings=120))
    monkeypatch.setattr(pages, "FINDINGS_PER_PAGE", 50)
    written = pages.build(ev, tmp_path / "html", tmp_path / "figures", "en")
    names = sorted(p.name for p in written)
    assert names == ["findings-2.html", "findings-3.html", "findings.html", "index.html", "narrative.html"]
    last_id = ev.findings["finding_id"].iloc[-1]
    assert f' id="{last_id}"' in (tmp_path / "html" / "findings-3.html").read_text(encoding="utf-8")


def test_chapter_page_is_spanish_and_loads_nothing_from_the_network() -> None:
    from synergies.run.render import _render_html

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Describe the data"),
        nbformat.v4.new_markdown_cell("Costs of $5 and $6 stay money, not maths."),
    ]
    page = _render_html(nb, "01-describe-data", "es", config.NOTEBOOKS_DIR)
    assert '<html lang="es">' in page
    assert "<title>Describir los datos · Síntesis de evidencia de Sinergias Rurales</title>" in page
    assert "Describir los datos" in page and "Siguiente: Graficar la dirección de los efectos" in page
    assert not re.search(r"<(script|link)[^>]+(src|href)=\"https?:", page), (
        "a script or style from the network"
    )
    assert "mathjax" not in page.lower() and "require.js" not in page.lower()
    assert "$5 and $6" in page


def test_very_many_findings_are_listed_up_to_a_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ev = load_evidence(write_synthetic(tmp_path / "data", n_findings=120))
    monkeypatch.setattr(pages, "FINDINGS_PER_PAGE", 50)
    monkeypatch.setattr(pages, "MAX_LISTED_FINDINGS", 60)
    written = pages.build(ev, tmp_path / "html", tmp_path / "figures", "es")
    names = sorted(p.name for p in written)
    assert names == ["findings-2.html", "findings.html", "index.html", "narrative.html"]
    first = (tmp_path / "html" / "findings.html").read_text(encoding="utf-8")
    assert "los primeros 60 de 120 hallazgos" in first
    narrative_page = (tmp_path / "html" / "narrative.html").read_text(encoding="utf-8")
    unlisted = ev.findings["finding_id"].iloc[-1]
    assert f"#{unlisted}" not in narrative_page


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_page_text_speaks_to_readers_not_developers(path: Path) -> None:
    """No module or constant names (`plots.MAX_ROWS_PER_PAGE`, `synergies.narrative`) in a page's prose."""
    for cell in markdown_cells(path):
        for lang in ("en", "es"):
            shown = translate.site_text(cell, lang)
            found = re.search(r"synergies\.\w|plots\.[A-Z_]+|aggregate\.\w", shown)
            assert not found, (path.name, shown[:80])
    code = [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
    assert not any("print(path" in source for source in code), "prints file paths into the page"


def test_index_lists_the_evidence_map_once_it_is_written(tmp_path: Path, evidence: Evidence) -> None:
    from synergies import evidence_map

    html_dir = tmp_path / "html"
    pages.build(evidence, html_dir, config.FIGURES_DIR, "es")
    assert f'<a href="{evidence_map.PAGE_NAME}">' not in (html_dir / "index.html").read_text(encoding="utf-8")
    evidence_map.write_evidence_map(evidence, tmp_path, "es")
    pages.build(evidence, html_dir, config.FIGURES_DIR, "es")
    index = (html_dir / "index.html").read_text(encoding="utf-8")
    entry = evidence_map.index_entry("es")
    assert f'<a href="{entry["href"]}">{html.escape(entry["title"])}</a>' in index


def test_missing_values_show_as_empty_cells(evidence: Evidence) -> None:
    """NA in a boolean or key column (e.g. the robustness grid of minimal data) is an empty cell."""
    frame = pd.DataFrame(
        {
            "runnable": pd.array([True, pd.NA], dtype="boolean"),
            "comparison": ["same", None],
            "domain": [pd.NA, ""],
            "n_beneficial": pd.array([2, pd.NA], dtype="Int64"),
        }
    )
    shown = tables.for_people(frame, evidence, "es").frame
    assert shown.iloc[1].tolist() == ["", "", "", ""]
    assert shown.iloc[0, 0] == "sí" and shown.iloc[0, 1] == "igual"
