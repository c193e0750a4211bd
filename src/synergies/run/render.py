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
    "th": ["colspan", "rowspan", "align", "scope"],
    "col": ["span"],
}


SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
PROTOCOLS = ("http", "https", "mailto", "data")

# The already-clean check: HTML made only of allowed tags with allowed, double-quoted attributes
# and text without markup characters (what synergies.site.tables and Markdown of escaped text
# produce). Anything else (a comment, an unknown tag or attribute, a bare "<", "&" or ">", an
# unquoted value, a script: URL) is not recognised and goes through bleach, so the check can only
# save time, never let markup through that bleach would have removed.
_ENTITY = r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});"
_TOKEN = re.compile(r"<[^<>]*>|[^<>]+")
_TEXT = re.compile(rf"(?:[^&<>]|{_ENTITY})*")
_TAG = re.compile(r"<(/?)([a-z][a-z0-9]*)((?:\s+[a-z][a-z-]*=\"[^\"<>]*\")*)\s*(/?)>")
_ATTRIBUTE = re.compile(r'\s+([a-z][a-z-]*)="([^"<>]*)"')
_VALUE = re.compile(rf"(?:[^&\"<>]|{_ENTITY})*")
_URL_ATTRIBUTES = frozenset({"href", "src"})


def _allowed_attribute(tag: str, name: str, value: str) -> bool:
    """Whether bleach (as _clean_html calls it) would keep `name="value"` on `tag` unchanged."""
    if name not in HTML_ATTRIBUTES["*"] and name not in HTML_ATTRIBUTES.get(tag, ()):
        return False
    if not _VALUE.fullmatch(value):
        return False
    if name in _URL_ATTRIBUTES:
        # no entity, space or control character a browser would decode or drop ("java&#9;script:")
        if "&" in value or any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in value):
            return False
        scheme, colon, _ = value.partition(":")
        return not colon or any(c in scheme for c in "/?#") or scheme.lower() in PROTOCOLS
    return True


def _already_clean(html: str) -> bool:
    """Whether `html` holds nothing bleach would strip or escape: then it need not be cleaned.

    Linear in the length of `html` (one tokenising pass), against bleach's seconds per hundred
    kilobytes on a large table. Conservative: False for anything outside a strict grammar.
    """
    position = 0
    for token in _TOKEN.finditer(html):
        if token.start() != position:
            return False
        position = token.end()
        text = token.group()
        if text[0] != "<":
            if not _TEXT.fullmatch(text):
                return False
            continue
        tag = _TAG.fullmatch(text)
        if tag is None or tag.group(2) not in HTML_TAGS:
            return False
        closing, name, attributes, self_closing = tag.groups()
        if closing and (attributes or self_closing):
            return False
        for attribute in _ATTRIBUTE.finditer(attributes):
            if not _allowed_attribute(name, attribute.group(1), attribute.group(2)):
                return False
    return position == len(html)


def _clean_html(html: str) -> str:
    """Sanitise HTML from notebook outputs and Markdown so that data text cannot inject script.

    nbconvert's own `clean_html` escapes headings, paragraphs and table headers, which spoils
    the report; this keeps the tags a report needs and drops scripts, styles and handlers.
    HTML that is already clean (`_already_clean`: our own tables, Markdown of escaped text) is
    returned as it is, since bleach is slow on large inputs and would not change it.
    """
    html = str(html)
    if _already_clean(html):
        return html
    import bleach

    html = SCRIPT_OR_STYLE.sub("", html)
    return bleach.clean(
        html,
        tags=HTML_TAGS,
        attributes=HTML_ATTRIBUTES,
        protocols=list(PROTOCOLS),
        strip=True,
        strip_comments=True,
    )


NO_ALT = "No description has been provided for this image"  # nbconvert's words for an image without alt
_IMG_WITHOUT_ALT = re.compile(r"<img(?![^>]*\salt=)")
_FOCUSABLE_DIV = re.compile(
    r'<div class="((?:[^"]*\s)?(?:jp-OutputArea-output|jp-Cell-inputWrapper)(?:\s[^"]*)?)"'
)


def _report_exporter_class() -> type:
    """nbconvert's HTMLExporter without its closing BeautifulSoup pass over the whole page.

    That pass (adding missing alt text and tabindex="0" on inputs and outputs) re-parses every
    tag of the page, about a minute for a large table; `_finish_page` does the same two things
    with two regular expressions over the rendered text.
    """
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class ReportExporter(HTMLExporter):
        """HTMLExporter whose page is finished by `_finish_page` rather than BeautifulSoup."""

        def from_notebook_node(self, nb: Any, resources: Any = None, **kw: Any) -> tuple[str, Any]:
            langinfo = nb.metadata.get("language_info", {})
            lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
            highlight = self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
            resources = self._init_resources(resources)
            data_type = WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources
            )
            self.register_filter("highlight_code", highlight)
            self.register_filter("filter_data_type", data_type)
            html, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
            return _finish_page(html), resources

    return ReportExporter


def _finish_page(html: str) -> str:
    """Alt text on every image that has none, and inputs and outputs reachable by keyboard."""
    html = _IMG_WITHOUT_ALT.sub(f'<img alt="{NO_ALT}"', html)
    return _FOCUSABLE_DIV.sub(r'<div class="\1" tabindex="0"', html)


def _render_html(nb: Any, stem: str, lang: str = "en", notebooks_dir: Path = config.NOTEBOOKS_DIR) -> str:
    """Render an executed notebook as HTML without code or prompts, without re-executing it.

    The page is a chapter of the report site, wholly in `lang` (synergies.site.pages.chapter_page).
    """
    from synergies.site.chapters import chapter_page

    nb, title, page_globals = chapter_page(nb, stem, lang, notebooks_dir)

    exporter = _report_exporter_class()(
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
