"""The narrative as Markdown in one language, and `write`, which saves both languages."""

from __future__ import annotations

from pathlib import Path

from synergies import i18n
from synergies.load import Evidence
from synergies.narrative.compose import build
from synergies.narrative.model import Narrative, Sentence, _with_citation, natural_key
from synergies.narrative.phrases import FILE_STEM, NARRATIVE_DIR, TITLES


def render_markdown(narrative: Narrative, lang: str) -> str:
    """The narrative in `lang` as Markdown: headings, paragraphs, lists, citations in brackets."""
    i18n.check_lang(lang)
    lines = [f"# {narrative.title[lang]}", "", f"*{TITLES['generated'][lang]}*", ""]
    try:
        for section in narrative.sections:
            lines += [f"## {section.title[lang]}", ""]
            for paragraph in section.paragraphs:
                bare = section.key == "references"
                texts = [_render_sentence(s, lang, bare=bare) for s in paragraph.sentences]
                lines += [f"- {t}" for t in texts] if paragraph.as_list else [" ".join(texts)]
                lines.append("")
    finally:
        natural_key.cache_clear()
    return "\n".join(lines).rstrip("\n") + "\n"


def _render_sentence(sentence: Sentence, lang: str, bare: bool = False) -> str:
    """A sentence with its citation; reference entries are their own citation."""
    text = sentence.text(lang)
    return text if bare else _with_citation(text, sentence.refs, lang)


def output_paths(output_dir: str | Path) -> dict[str, Path]:
    """Where `write` puts each language's text."""
    folder = Path(output_dir) / NARRATIVE_DIR
    return {lang: folder / f"{FILE_STEM}.{lang}.md" for lang in i18n.LANGS}


def write(ev: Evidence, output_dir: str | Path, built: Narrative | None = None) -> list[Path]:
    """Write the narrative in English and Spanish under `output_dir`/narrative and return the paths.

    `built` is the narrative of `ev` when the caller has built it already (notebook 07 shows it
    too), so it is not built twice.
    """
    narrative = built if built is not None else build(ev)
    paths = output_paths(output_dir)
    written = []
    for lang, path in paths.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render_markdown(narrative, lang), encoding="utf-8", newline="\n")
        written.append(path)
    return written
