"""Chapter pages of the report site: the notebooks' pages, their titles, header and scripts.

Kept apart from `synergies.site.pages` so that the runner can render a notebook as a chapter
without importing the analysis modules (it also runs notebooks that are not this analysis's).
"""

from __future__ import annotations

import copy
import functools
import html
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import mistune

from synergies import config, i18n
from synergies.site.names import FINDINGS, INDEX, NARRATIVE, SCREENFUL_ROWS
from synergies.site.translate import site_text

TEMPLATE_DIR = Path(__file__).resolve().parents[1] / "html_template" / "site"
SITE_NAME = "Rural synergies evidence synthesis"
_BOLD_LEAD = re.compile(r"^\*\*[^*]+\*\*\s*")
_MARKDOWN = mistune.create_markdown(escape=True)


@dataclass(frozen=True)
class Chapter:
    """One notebook as a chapter of the site: its page, title and one-line summary (in English)."""

    stem: str
    title: str
    summary: str

    @property
    def page(self) -> str:
        """The chapter's file name in `html/`."""
        return f"{self.stem}.html"


def _markdown_sources(nb: Any) -> list[str]:
    cells = nb["cells"] if isinstance(nb, dict) else nb.cells
    out = []
    for cell in cells:
        if cell["cell_type"] == "markdown":
            source = cell["source"]
            out.append("".join(source) if isinstance(source, list) else source)
    return out


def _chapter_of(stem: str, nb: Any) -> Chapter:
    """A chapter's title (the first `# ` heading) and summary (first sentence of the next cell)."""
    texts = _markdown_sources(nb)
    title, summary = stem, ""
    for index, text in enumerate(texts):
        if text.startswith("# "):
            title = text[2:].strip().splitlines()[0]
            summary = texts[index + 1] if index + 1 < len(texts) else ""
            break
    return Chapter(stem, title, summary)


@functools.cache
def _chapters_cached(notebooks_dir: str, stamp: tuple[tuple[str, int], ...]) -> tuple[Chapter, ...]:
    out = []
    for name, _ in stamp:
        path = Path(notebooks_dir) / name
        out.append(_chapter_of(path.stem, json.loads(path.read_text(encoding="utf-8"))))
    return tuple(out)


def chapters(notebooks_dir: str | Path = config.NOTEBOOKS_DIR) -> tuple[Chapter, ...]:
    """The chapters of the site: the `NN-*.ipynb` notebooks of `notebooks_dir`, in order."""
    paths = sorted(Path(notebooks_dir).glob("[0-9][0-9]*-*.ipynb"))
    stamp = tuple((p.name, p.stat().st_mtime_ns) for p in paths)
    return _chapters_cached(str(notebooks_dir), stamp)


def _first_sentence(markdown: str) -> str:
    """The first sentence of a paragraph, without a bold lead-in such as **What it does.**"""
    text = _BOLD_LEAD.sub("", markdown.strip().split("\n\n")[0])
    match = re.search(r"(?<=[.!?])\s", text)
    return text[: match.start()] if match else text


def chapter_title(chapter: Chapter, lang: str) -> str:
    """A chapter's title in `lang`."""
    heading = site_text(f"# {chapter.title}", lang)  # the catalogue holds the heading cell as written
    return heading[2:].strip() if heading.startswith("# ") else heading


def chapter_summary(chapter: Chapter, lang: str) -> str:
    """A chapter's one line in `lang`, as HTML (Markdown code spans rendered)."""
    sentence = _first_sentence(site_text(chapter.summary, lang)) if chapter.summary else ""
    return _inline_markdown(sentence)


def _inline_markdown(text: str) -> str:
    rendered = str(_MARKDOWN(text)).strip()
    return re.sub(r"^<p>(.*)</p>$", r"\1", rendered, flags=re.S)


def translate_notebook(nb: Any, lang: str) -> Any:
    """A copy of an executed notebook whose Markdown cells are in `lang` (catalogue, keyed by English)."""
    out = copy.deepcopy(nb)
    for cell in out.cells:
        if cell.cell_type == "markdown":
            cell.source = site_text(cell.source, lang)
    return out


# ------------------------------------------------------------------ shared page parts


@functools.cache
def template_text(name: str) -> str:
    """A file of the site's template directory."""
    return (TEMPLATE_DIR / name).read_text(encoding="utf-8")


def site_name(lang: str) -> str:
    """The site's name in `lang`."""
    return site_text(SITE_NAME, lang)


def nav_html(lang: str, chapter_list: Sequence[Chapter], current: str | None) -> str:
    """The header of every page: the index, the narrative, the findings, previous and next chapter."""
    links = [f'<a class="site-name" href="{INDEX}">{html.escape(site_name(lang))}</a>']
    links.append(f'<a href="{NARRATIVE}">{html.escape(site_text("Narrative", lang))}</a>')
    links.append(f'<a href="{FINDINGS}">{html.escape(site_text("Findings", lang))}</a>')
    pager = []
    stems = [c.stem for c in chapter_list]
    if current in stems:
        at = stems.index(current)
        if at > 0:
            before = chapter_list[at - 1]
            label = site_text("Previous: {title}", lang).format(title=chapter_title(before, lang))
            pager.append(f'<a rel="prev" href="{before.page}">← {html.escape(label)}</a>')
        if at + 1 < len(chapter_list):
            after = chapter_list[at + 1]
            label = site_text("Next: {title}", lang).format(title=chapter_title(after, lang))
            pager.append(f'<a rel="next" href="{after.page}">{html.escape(label)} →</a>')
    nav_label = html.escape(site_text("Report navigation", lang))
    pager_html = f'<span class="pager">{"".join(pager)}</span>' if pager else ""
    nav = f'<nav aria-label="{nav_label}">{" ".join(links)}</nav>'
    return f'<header class="site-header">{nav}{pager_html}</header>'


def css() -> str:
    """The site's style sheet, inlined in every page."""
    return template_text("site.css")


# DataTables' interface words, in English; the catalogue translates them.
DATATABLE_WORDS = {
    "search": "Search:",
    "info": "Rows _START_ to _END_ of _TOTAL_",
    "infoEmpty": "No rows",
    "infoFiltered": "(filtered from _MAX_ rows)",
    "lengthMenu": "Show _MENU_ rows",
    "zeroRecords": "No matching rows",
    "emptyTable": "No rows",
}
DATATABLE_PAGER = {"first": "First", "last": "Last", "next": "Next", "previous": "Previous"}


@functools.cache
def _datatables_bundle() -> str:
    """itables' DataTables bundle as inline HTML (JavaScript and CSS in base64, no network)."""
    import itables
    from itables.javascript import generate_init_offline_itables_html

    bundle = Path(itables.__file__).parent / "html" / "dt_bundle.js"
    # itables' <noscript> note speaks to notebook users in English ("is your notebook trusted?");
    # without scripts a page still shows every table as plain HTML, so the note is left out.
    return re.sub(r"<noscript>.*?</noscript>", "", generate_init_offline_itables_html(bundle), flags=re.S)


def datatables_scripts(lang: str) -> str:
    """Scripts that make every `table.synergies-datatable` sortable and searchable, offline."""
    from itables.javascript import _itables_underscore_version

    language = {key: site_text(value, lang) for key, value in DATATABLE_WORDS.items()}
    language["paginate"] = {key: site_text(value, lang) for key, value in DATATABLE_PAGER.items()}
    options = {
        "language": language,
        "pageLength": SCREENFUL_ROWS,
        "lengthMenu": [SCREENFUL_ROWS, 50, 100, 500],
        "autoWidth": False,
        "order": [],
    }
    init = (
        '<script type="module">\n(async () => {\n'
        f"  const {{ ITable }} = await window.{_itables_underscore_version()};\n"
        '  document.querySelectorAll("table.synergies-datatable:not(.dataTable)").forEach(t => '
        f"new ITable(t, {json.dumps(options, ensure_ascii=False, sort_keys=True)}));\n"
        "})();\n</script>"
    )
    return _datatables_bundle() + "\n" + init


def chapter_page(nb: Any, stem: str, lang: str, notebooks_dir: str | Path) -> tuple[Any, str, dict[str, str]]:
    """What the runner needs to render one notebook as a chapter page in `lang`.

    Returns the notebook with its Markdown in `lang`, the page title, and the template globals
    (`synergies_nav`, `synergies_css`, `synergies_scripts`) the report template prints.
    """
    i18n.check_lang(lang)
    chapter_list = chapters(notebooks_dir)
    this = next((c for c in chapter_list if c.stem == stem), None) or _chapter_of(stem, nb)
    translated = translate_notebook(nb, lang)
    needs_tables = "synergies-datatable" in json.dumps([c.get("outputs", []) for c in nb.cells])
    page_globals = {
        "synergies_nav": nav_html(lang, chapter_list, stem),
        "synergies_css": css(),
        "synergies_scripts": datatables_scripts(lang) if needs_tables else "",
    }
    return translated, f"{chapter_title(this, lang)} · {site_name(lang)}", page_globals
