"""The report site of one output directory: index, chapter headers, narrative and findings pages.

`html/` of an output directory holds one page per notebook (rendered by the runner through
`chapter_page`) and three pages built here from the data (`build`): `index.html` (what the data
are, what the analysis found, the headline figure, the chapters), `narrative.html` (the
narrative, each citation a link) and `findings.html` (the rows citations point at; large data
continue on `findings-2.html` ...). Every page is in one language, loads nothing from the
network and links only to files of the site, so it reads the same opened from disk.
"""

from __future__ import annotations

import html
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2

from synergies import config, i18n
from synergies import evidence_map as evidence_map_page
from synergies.narrative import Ref
from synergies.site import citations, tables
from synergies.site.chapters import (
    Chapter,
    chapter_summary,
    chapter_title,
    chapters,
    css,
    nav_html,
    site_name,
    template_text,
)
from synergies.site.names import FINDINGS, INDEX, NARRATIVE
from synergies.site.tables import for_people
from synergies.site.translate import site_text

if TYPE_CHECKING:
    from synergies.load import Evidence
    from synergies.narrative import Narrative
# Findings rows per page: a citation's link jumps to its row, so no page is paged by script.
FINDINGS_PER_PAGE = 2000
# Findings listed in all: beyond, the pages would weigh hundreds of megabytes.
MAX_LISTED_FINDINGS = 20_000
HEADLINE_FIGURE = "effect-directions"


# ------------------------------------------------------------------ site pages


@dataclass(frozen=True)
class _Places:
    """Where findings rows are, so a citation can link to the page that holds its row."""

    finding_page: dict[str, str]

    def page_of(self, ref: Ref) -> str | None:
        """The page holding the row `ref` names; None for a finding too far down to be listed."""
        if ref.file == "findings.csv":
            return self.finding_page.get(ref.key[0])
        return FINDINGS


def _findings_pages(ev: Evidence) -> list[tuple[str, list[str]]]:
    """(page name, finding ids) in data order, FINDINGS_PER_PAGE ids a page, MAX_LISTED_FINDINGS in all."""
    ids = ev.findings["finding_id"].astype(str).tolist()[:MAX_LISTED_FINDINGS]
    pages = []
    for start in range(0, max(len(ids), 1), FINDINGS_PER_PAGE):
        name = FINDINGS if start == 0 else f"findings-{start // FINDINGS_PER_PAGE + 1}.html"
        pages.append((name, ids[start : start + FINDINGS_PER_PAGE]))
    return pages


def _render_page(lang: str, title: str, body: str, nav: str, scripts: str = "", wide: bool = False) -> str:
    """A site page: the shared header and style, `body` (HTML) under the heading `title`."""
    template = jinja2.Environment(autoescape=True).from_string(template_text("page.html.j2"))
    return (
        template.render(
            lang=lang,
            title=title,
            site_name=site_name(lang),
            css=css(),
            nav=nav,
            body=body,
            scripts=scripts,
            wide=wide,
        ).rstrip()
        + "\n"
    )


def _row_table(frame: Any, ev: Evidence, lang: str, ids: list[str], caption: str) -> str:
    """A people's table whose rows carry the anchors citations link to."""
    table = for_people(frame, ev, lang, caption=caption, max_rows=None)
    return table.html(row_ids=ids)


def _listed_columns(ev: Evidence) -> list[str]:
    """The findings columns the pages show: columns no row fills (e.g. estimates, when the sources
    report directions only) are left out."""
    return [c for c in FINDINGS_COLUMNS if c in ev.findings.columns and _filled(ev.findings[c])]


def _findings_body(
    ev: Evidence,
    lang: str,
    ids: list[str],
    first: bool,
    pages: list[str],
    shown: list[str] | None = None,
    id_text: Any = None,
) -> str:
    """One findings page: its share of the findings; the first page also the other cited files.

    `shown` (`_listed_columns`) and `id_text` (the finding ids as text) are the same for every page;
    `build` passes them in rather than have each page scan every finding again.
    """
    parts = []
    if first:
        parts.append(f"<p>{html.escape(site_text(FINDINGS_INTRO, lang))}</p>")
        parts.append(f'<p class="data-text-note">{html.escape(site_text(DATA_TEXT_NOTE, lang))}</p>')
        total = len(ev.findings)
        if total > MAX_LISTED_FINDINGS:
            note = site_text(NOT_ALL_LISTED, lang).format(
                listed=tables.number(MAX_LISTED_FINDINGS, lang, "integer"),
                total=tables.number(total, lang, "integer"),
            )
            parts.append(f"<p>{html.escape(note)}</p>")
    if len(pages) > 1:
        links = " ".join(f'<a href="{p}">{i + 1}</a>' for i, p in enumerate(pages))
        parts.append(f"<p>{html.escape(site_text('Pages of findings:', lang))} {links}</p>")
    if id_text is None:
        id_text = ev.findings["finding_id"].astype(str)
    findings = ev.findings[id_text.isin(set(ids))]
    if shown is None:
        shown = _listed_columns(ev)
    parts.append(
        _row_table(
            findings[shown],
            ev,
            lang,
            [citations.anchor(Ref("findings.csv", (str(i),))) for i in findings["finding_id"]],
            site_text("Findings", lang) + " (findings.csv)",
        )
    )
    if not first:
        return "\n".join(parts)
    extra = [
        ("cases.csv", ev.cases, ("country", "case"), "Cases"),
        ("programmes.csv", ev.programmes, ("country", "programme"), "Programmes"),
        ("institutional.csv", ev.institutional, ("country", "case", "factor"), "Institutional analysis"),
        ("domains.csv", ev.domains, ("domain",), "Domains"),
        ("sources.csv", ev.sources, ("source_id",), "Sources"),
    ]
    for file, frame, key, caption in extra:
        if frame is None or frame.empty:
            continue
        keys = frame[list(key)].astype(str).itertuples(index=False)
        anchors = [citations.anchor(Ref(file, tuple(values))) for values in keys]
        parts.append(_row_table(frame, ev, lang, anchors, f"{site_text(caption, lang)} ({file})"))
    return "\n".join(parts)


def _filled(column: Any) -> bool:
    """Whether any value of a column is given (not missing, not empty)."""
    return bool((column.notna() & (column.astype(str) != "")).any())


NOT_ALL_LISTED = (
    "The first {listed} of {total} findings are listed here, so that the pages stay light; every finding "
    "is in findings.csv of the data directory, and citations of the others are not links."
)
FINDINGS_INTRO = (
    "The rows of the data that the narrative's citations point at, as coded from the sources. "
    "Each citation links to its row here."
)
# Said once on the index and once on the findings page: the report translates its own words, never
# the coders' (notes, designs, locators, claims), which stay in the language they were coded in.
DATA_TEXT_NOTE = (
    "Text taken from the data (notes, study designs, locators, the claims' wording and labels without "
    "a translation) is shown as coded, in the language of its sources."
)
FINDINGS_COLUMNS = (
    "finding_id",
    "country",
    "case",
    "intervention",
    "arm",
    "domain",
    "outcome",
    "direction",
    "effect",
    "estimate",
    "std_error",
    "p_value",
    "n",
    "source_id",
    "locator",
    "note",
)


def _headline(figures_dir: Path, published_figures: Path, html_dir: Path, lang: str) -> str:
    """The headline figure (the effect-direction heatmap, first page) as an <img> with its alt text."""
    candidates = sorted(figures_dir.glob(f"{HEADLINE_FIGURE}*.png"))
    if not candidates:
        return ""
    png = candidates[0]
    alt_path = png.with_suffix(".alt.txt")
    alt = site_text("Headline figure", lang)
    if alt_path.is_file():
        alt = alt_path.read_text(encoding="utf-8").strip()
    src = Path(os.path.relpath(published_figures / png.name, html_dir)).as_posix()
    caption = site_text("Effect directions by intervention arm and outcome", lang)
    return (
        f'<figure class="headline"><img src="{html.escape(src)}" alt="{html.escape(alt)}">'
        f"<figcaption>{html.escape(caption)}</figcaption></figure>"
    )


@dataclass(frozen=True)
class SiteNarrative:
    """What the site shows of a narrative in one language: its title, the index's sentences, the page.

    Small where the Narrative at 10^6 findings holds millions of cited rows: this is what notebook
    07's kernel hands the runner (`run.narrative_cache`), so the site neither builds the narrative
    again nor reads the whole structure back.
    """

    lang: str
    title: str
    found_html: str  # the index's two or three cited sentences of findings, as HTML
    body_html: str  # the whole narrative as HTML (`citations.narrative_html`)


def _found_sentences(built: Narrative) -> list[Any]:
    """The sentences the index quotes: the overview's first two and the comparison's first, if any."""
    found = list(built.section("overview").paragraphs[0].sentences[:2])
    try:
        comparison = built.section("comparison")
        found += list(comparison.paragraphs[0].sentences[:1])
    except StopIteration:
        pass
    return found


def site_narrative(built: Narrative, lang: str, places: _Places) -> SiteNarrative:
    """The site's view of `built` in `lang`, citations linking to the findings pages `places` knows."""
    return SiteNarrative(
        lang=lang,
        title=built.title[lang],
        found_html=citations.sentences_html(_found_sentences(built), lang, places.page_of),
        body_html=citations.narrative_html(built, lang, places.page_of),
    )


def _index_body(
    ev: Evidence,
    found_html: str,
    lang: str,
    places: _Places,
    chapter_list: Sequence[Chapter],
    headline: str,
    data_name: str,
    evidence_map: bool = False,
) -> str:
    """The index: the data, two or three cited sentences of findings, the headline figure, the chapters.

    `evidence_map` adds the interactive evidence map (written by its notebook) to the list.
    """
    files = ", ".join(sorted(ev.given))
    data_line = site_text("Data: {name} ({files}).", lang).format(name=data_name, files=files)
    found_heading = html.escape(site_text("What the analysis found", lang))
    note = f'<p class="data-text-note">{html.escape(site_text(DATA_TEXT_NOTE, lang))}</p>'
    parts = [f"<p>{html.escape(data_line)}</p>", note, f"<h2>{found_heading}</h2>"]
    parts.append(found_html)
    more = site_text("The whole narrative, every sentence with the rows it rests on", lang)
    parts.append(f'<p><a href="{NARRATIVE}">{html.escape(more)}</a></p>')
    parts.append(headline)
    parts.append(f'<h2>{html.escape(site_text("Chapters", lang))}</h2><dl class="chapters">')
    for chapter in chapter_list:
        parts.append(
            f'<dt><a href="{chapter.page}">{html.escape(chapter_title(chapter, lang))}</a></dt>'
            f"<dd>{chapter_summary(chapter, lang)}</dd>"
        )
    parts.append(
        f'<dt><a href="{NARRATIVE}">{html.escape(site_text("Narrative", lang))}</a></dt>'
        f"<dd>{html.escape(site_text('The country comparison, generated from the data.', lang))}</dd>"
        f'<dt><a href="{FINDINGS}">{html.escape(site_text("Findings", lang))}</a></dt>'
        f"<dd>{html.escape(site_text(FINDINGS_INTRO, lang))}</dd>"
    )
    if evidence_map:
        entry = evidence_map_page.index_entry(lang)
        parts.append(
            f'<dt><a href="{entry["href"]}">{html.escape(entry["title"])}</a></dt>'
            f"<dd>{html.escape(entry['summary'])}</dd>"
        )
    parts.append("</dl>")
    return "\n".join(parts)


def build(
    ev: Evidence,
    html_dir: Path,
    figures_dir: Path,
    lang: str,
    *,
    published_html: Path | None = None,
    published_figures: Path | None = None,
    notebooks_dir: str | Path = config.NOTEBOOKS_DIR,
    data_name: str = "",
    view: SiteNarrative | None = None,
) -> list[Path]:
    """Write index.html, narrative.html and findings*.html of `ev` into `html_dir`; return them.

    `figures_dir` is where the figures are now (a staging directory during a run);
    `published_html` / `published_figures` are where pages and figures will be read from, so
    the index links the headline figure where it ends up. `view` is `site_narrative` of `ev` in
    `lang` when the caller has it already (the runner gets it from notebook 07's kernel); else the
    narrative is built here.
    """
    from synergies import narrative

    i18n.check_lang(lang)
    html_dir.mkdir(parents=True, exist_ok=True)
    pages = _findings_pages(ev)
    places = _Places({i: name for name, ids in pages for i in ids})
    chapter_list = chapters(notebooks_dir)
    written = []

    def write(name: str, text: str) -> None:
        """Write one page (LF line ends, UTF-8) and remember it."""
        path = html_dir / name
        path.write_text(text, encoding="utf-8", newline="\n")
        written.append(path)

    headline = _headline(figures_dir, published_figures or figures_dir, published_html or html_dir, lang)
    has_map = any(
        (directory / evidence_map_page.PAGE_NAME).is_file()
        for directory in (html_dir, published_html)
        if directory is not None
    )
    if view is None or view.lang != lang:
        view = site_narrative(narrative.build(ev), lang, places)
    index = _index_body(
        ev, view.found_html, lang, places, chapter_list, headline, data_name or ev.data_dir.name, has_map
    )
    write(INDEX, _render_page(lang, site_name(lang), index, nav_html(lang, chapter_list, None)))
    write(NARRATIVE, _render_page(lang, view.title, view.body_html, nav_html(lang, chapter_list, None)))
    names = [name for name, _ in pages]
    shown, id_text = _listed_columns(ev), ev.findings["finding_id"].astype(str)
    for number, (name, ids) in enumerate(pages):
        body = _findings_body(ev, lang, ids, number == 0, names, shown, id_text)
        title = site_text("Findings", lang) + (f" ({number + 1})" if number else "")
        write(name, _render_page(lang, title, body, nav_html(lang, chapter_list, None), wide=True))
    return written


def narrative_fragment(ev: Evidence, lang: str, built: Narrative | None = None) -> str:
    """The narrative of `ev` in `lang` as HTML, citations linking to the findings page beside it.

    Notebook 07 shows this; its rendered page sits in `html/` next to `findings.html`. In a kernel
    the runner started, the narrative built here is kept for the site (`run.narrative_cache`).
    `built` is the narrative of `ev` when the caller has built it already.
    """
    from synergies import narrative
    from synergies.run import narrative_cache

    if built is None:
        built = narrative.build(ev)
    places = _Places({i: name for name, ids in _findings_pages(ev) for i in ids})
    view = site_narrative(built, lang, places)
    narrative_cache.keep(ev, view)
    return view.body_html
