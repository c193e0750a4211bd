"""Normalising executed notebooks (no timings or staging paths) and rendering them as report HTML."""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any

from synergies import config
from synergies.run.common import PACKAGE_DIR, Options, _display
from synergies.run.discovery import Notebook

# The lab HTML template, extended to put each figure's alt text on its <img>.
HTML_TEMPLATE = PACKAGE_DIR / "html_template" / "report"


TIMING_KEYS = ("start_time", "end_time", "duration")


def _normalise(nb: Any, notebook: Notebook, replacements: dict[str, str], options: Options) -> None:
    """Make an executed notebook depend only on its inputs: no timings, ids or staging paths."""
    papermill_meta = nb.metadata.setdefault("papermill", {})
    for key in TIMING_KEYS:
        papermill_meta.pop(key, None)
    papermill_meta["input_path"] = _display(notebook.path)
    papermill_meta["output_path"] = _display(options.output_dir / "notebooks" / notebook.name)
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{index:03d}"
        cell.metadata.pop("execution", None)
        for key in TIMING_KEYS:
            cell.metadata.get("papermill", {}).pop(key, None)
    pairs = sorted(_with_resolved(replacements).items(), key=lambda kv: -len(kv[0]))
    _replace_strings(nb, pairs)


def _with_resolved(replacements: dict[str, str]) -> dict[str, str]:
    """Add the symlink-resolved spelling of every path to replace (e.g. /tmp on macOS)."""
    extended = dict(replacements)
    for old, new in replacements.items():
        extended.setdefault(str(Path(old).resolve()), new)
    return extended


def _replace_strings(node: Any, pairs: list[tuple[str, str]]) -> Any:
    """Replace staging paths by published ones in every string of a notebook, in place."""
    if isinstance(node, str):
        for old, new in pairs:
            node = node.replace(old, new)
        return node
    if isinstance(node, dict):
        for key, value in node.items():
            node[key] = _replace_strings(value, pairs)
    elif isinstance(node, list):
        node[:] = [_replace_strings(value, pairs) for value in node]
    return node


def _write_results(nb: Any, notebook: Notebook, output: Path, options: Options | None = None) -> None:
    """Write the executed notebook and its code-free HTML into the notebook's staging area."""
    import nbformat

    nbformat.write(nb, output / "notebooks" / notebook.name)
    if options is None:
        html = _render_html(nb, notebook.stem)
    else:
        html = _render_html(nb, notebook.stem, options.lang, options.notebooks_dir)
    (output / "html" / f"{notebook.stem}.html").write_text(html, encoding="utf-8")


# Tags a report needs; anything else (script, style, iframe, form, svg, ...) is stripped.
REPORT_TAGS = (
    "a abbr b blockquote br caption code col colgroup dd del details div dl dt em figcaption "
    "figure h1 h2 h3 h4 h5 h6 hr i img ins kbd li mark ol p pre q s small span strong sub "
    "summary sup table tbody td tfoot th thead tr u ul"
)


HTML_TAGS = frozenset(REPORT_TAGS.split())


HTML_ATTRIBUTES = {
    "*": ["class", "id", "title", "lang", "dir"],
    "a": ["href", "title", "rel"],
    "img": ["src", "alt", "width", "height"],
    "td": ["colspan", "rowspan", "align"],
    "th": ["colspan", "rowspan", "align"],
    "col": ["span"],
}


SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)


def _clean_html(html: str) -> str:
    """Sanitise HTML from notebook outputs and Markdown so that data text cannot inject script.

    nbconvert's own `clean_html` escapes headings, paragraphs and table headers, which spoils
    the report; this keeps the tags a report needs and drops scripts, styles and handlers.
    """
    import bleach

    html = SCRIPT_OR_STYLE.sub("", str(html))
    return bleach.clean(
        html,
        tags=HTML_TAGS,
        attributes=HTML_ATTRIBUTES,
        protocols=["http", "https", "mailto", "data"],
        strip=True,
        strip_comments=True,
    )


def _render_html(nb: Any, stem: str, lang: str = "en", notebooks_dir: Path = config.NOTEBOOKS_DIR) -> str:
    """Render an executed notebook as HTML without code or prompts, without re-executing it.

    The page is a chapter of the report site, wholly in `lang` (synergies.site.pages.chapter_page).
    """
    from nbconvert import HTMLExporter

    from synergies.site.chapters import chapter_page

    nb, title, page_globals = chapter_page(nb, stem, lang, notebooks_dir)

    exporter = HTMLExporter(
        template_name=HTML_TEMPLATE.name,
        extra_template_basedirs=[str(HTML_TEMPLATE.parent)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        sanitize_html=True,
        filters={"clean_html": _clean_html},
    )
    exporter.language_code = lang
    exporter.environment.globals.update(page_globals)
    counter = itertools.count(1)
    # the template gives JavaScript and widget outputs random uuid4() ids; make them stable
    exporter.environment.globals["uuid4"] = lambda: f"{stem}-output-{next(counter)}"
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    return body
