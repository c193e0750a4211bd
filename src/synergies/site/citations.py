"""The narrative as HTML, each citation a set of links to the rows it cites.

Rendered from the same `narrative.Narrative` structure as the Markdown file: the sentence texts
are the narrative's own (Markdown, data already escaped), and the citation is built from the
sentence's refs with the narrative's own compaction of finding ids, so the two renderings say
the same thing. Rows live on the findings pages (`findings.html#F05`, `#case:Colombia/PPP`).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from urllib.parse import quote

import mistune

from synergies import narrative
from synergies.narrative import Narrative, Paragraph, Ref, Sentence
from synergies.narrative.model import more_findings

_MARKDOWN = mistune.create_markdown(escape=True)
_PLACEHOLDER = "SYNERGIESCITE{}X"
_PLACEHOLDER_RE = re.compile(r"SYNERGIESCITE(\d+)X")

# Anchor prefixes of the rows of each contract file on the findings pages (findings use their id).
ANCHOR_PREFIX = {
    "findings.csv": "",
    "cases.csv": "case:",
    "programmes.csv": "programme:",
    "institutional.csv": "institutional:",
    "domains.csv": "domain:",
    "sources.csv": "source:",
}


def anchor(ref: Ref) -> str:
    """The HTML id of the row `ref` names (no spaces, so it is a valid id)."""
    return ANCHOR_PREFIX[ref.file] + "/".join(ref.key).replace(" ", "_")


def href(page: str, ident: str) -> str:
    """A link to element `ident` on `page`, percent-encoded as a URL fragment."""
    return f"{page}#{quote(ident, safe=':/')}"


PageOf = Callable[[Ref], "str | None"]


def _link(page_of: PageOf, ref: Ref, text: str) -> str:
    """`text` as a link to the row of `ref`, or as it is when no page lists that row."""
    page = page_of(ref)
    if page is None:
        return text
    return f'<a class="cite" href="{html.escape(href(page, anchor(ref)))}">{text}</a>'


def _shown_items(refs: Sequence[Ref]) -> tuple[list[list[str]], int]:
    """The finding-id items a citation of `refs` prints (ranges as [first, last]) and how many it counts.

    A RefSet (every narrative sentence's refs) finds them on its row numbers (`RefSet.id_items`), the
    same runs `narrative._id_items` finds id by id, which serves any other sequence of Refs.
    """
    if hasattr(refs, "id_items"):
        return refs.id_items("findings.csv", narrative.MAX_CITED_IDS)
    items = narrative._id_items([r.key[0] for r in refs if r.file == "findings.csv"])
    shown = [[item[0], item[-1]] if len(item) > 1 else [item[0]] for item in items[: narrative.MAX_CITED_IDS]]
    return shown, sum(len(item) for item in items[narrative.MAX_CITED_IDS :])


def citation_html(refs: Sequence[Ref], lang: str, page_of: PageOf) -> str:
    """The narrative's citation of `refs` with every id, range and key a link to its row."""
    if not refs:
        return ""
    groups: list[str] = []
    shown, rest = _shown_items(refs)
    if shown:
        links = [
            _link(page_of, Ref("findings.csv", (item[0],)), html.escape(narrative._item_text(item)))
            for item in shown
        ]
        text = ", ".join(links)
        if rest:
            text += html.escape(more_findings(rest, lang).replace("\\", ""))
        groups.append(text)
    seen: set[str] = set()  # as in the Markdown: a label printed once, even if two files hold it
    for file in narrative.REF_FILES[1:]:
        if hasattr(refs, "keys"):  # a RefSet: read each file's keys, not every cited row as a Ref
            of_file = [Ref(file, key) for key in refs.keys(file)]
        else:
            of_file = [r for r in refs if r.file == file]
        if file == "institutional.csv":
            by_case: dict[tuple[str, str], list[Ref]] = {}
            for r in of_file:
                by_case.setdefault((r.key[0], r.key[1]), []).append(r)
            for (country, case), rows in by_case.items():
                rows = sorted(set(rows), key=lambda r: narrative.natural_key(r.key[2]))
                factors = ", ".join(_link(page_of, r, html.escape(r.key[2])) for r in rows)
                groups.append(f"{html.escape(country)}/{html.escape(case)}: {factors}")
            continue
        for r in of_file:
            label = r.label()
            if label not in seen:
                seen.add(label)
                groups.append(_link(page_of, r, html.escape(label)))
    return ' <span class="citation">[' + "; ".join(groups) + "]</span>"


def _markdown_with_citations(texts: list[tuple[str, str]], as_list: bool) -> str:
    """Render sentence texts (Markdown) as one paragraph or list, then put the citation HTML in."""
    citations: list[str] = []
    parts = []
    for text, cite in texts:
        token = _PLACEHOLDER.format(len(citations))
        citations.append(cite)
        if cite and text and text[-1] in ".:":
            parts.append(text[:-1] + token + text[-1])
        else:
            parts.append(text + token)
    source = "\n".join(f"- {p}" for p in parts) if as_list else " ".join(parts)
    rendered = str(_MARKDOWN(source))
    return _PLACEHOLDER_RE.sub(lambda m: citations[int(m.group(1))], rendered)


def sentences_html(sentences: Sequence[Sentence], lang: str, page_of: PageOf, as_list: bool = False) -> str:
    """Sentences as a paragraph (or list) of HTML with linked citations."""
    texts = [(s.text(lang), citation_html(s.refs, lang, page_of)) for s in sentences]
    return _markdown_with_citations(texts, as_list)


def _reference_html(paragraph: Paragraph, lang: str) -> str:
    """The reference list: each entry gets the anchor its citations link to."""
    items = []
    for sentence in paragraph.sentences:
        body = str(_MARKDOWN(sentence.text(lang))).strip()
        body = re.sub(r"^<p>|</p>$", "", body)
        ident = anchor(sentence.refs[0]) if sentence.refs else ""
        items.append(f'<li id="{html.escape(ident)}">{body}</li>')
    return "<ul>" + "".join(items) + "</ul>"


def narrative_html(built: Narrative, lang: str, page_of: PageOf) -> str:
    """The narrative's sections as HTML (the page template adds the document title)."""
    out = []
    for section in built.sections:
        heading = html.escape(section.title[lang])
        out.append(f'<section id="{html.escape(quote(section.key))}"><h2>{heading}</h2>')
        for paragraph in section.paragraphs:
            if section.key == "references":
                out.append(_reference_html(paragraph, lang))
            else:
                out.append(sentences_html(paragraph.sentences, lang, page_of, paragraph.as_list))
        out.append("</section>")
    return "\n".join(out)
