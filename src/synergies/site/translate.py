"""Page text in the reader's language, from gettext catalogues keyed by the English text.

The notebooks, templates and table labels are written in English; a rendered page in another
language looks each English text up in `text/locale/<lang>/LC_MESSAGES/site.po`, then in the
package's own catalogue (`synergies.text`, domain `synergies`). The site has its own domain
because its largest entries, the notebooks' Markdown cells, are not in Python source, where
`make catalogues` (pybabel extract) looks, and an update would drop them as obsolete. The
catalogue is read with babel (no compiled `.mo` to keep in step), once per process.
"""

from __future__ import annotations

import functools
from pathlib import Path

from synergies import i18n

LOCALE_DIR = Path(__file__).resolve().parents[1] / "text" / "locale"
DOMAIN = "site"


def catalogue_path(lang: str) -> Path:
    """Where the catalogue of `lang` lives."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.cache
def _messages(lang: str) -> dict[str, str]:
    """English text -> translation, for every translated, non-fuzzy entry of the catalogue."""
    from babel.messages.pofile import read_po

    path = catalogue_path(lang)
    if not path.is_file():
        return {}
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    return {
        str(message.id): str(message.string)
        for message in catalog
        if message.id and message.string and not message.fuzzy and isinstance(message.id, str)
    }


def _key(text: str) -> str:
    """The catalogue key of a text: surrounding blank space does not count."""
    return text.strip()


def has_translation(text: str, lang: str) -> bool:
    """Whether the catalogue of `lang` translates `text` (English needs none)."""
    return i18n.check_lang(lang) == "en" or _key(text) in _messages(lang)


def site_text(text: str, lang: str) -> str:
    """`text` in `lang`: from the site's catalogue, else the package's (synergies.text), else as it is."""
    if i18n.check_lang(lang) == "en":
        return text
    found = _messages(lang).get(_key(text))
    if found is not None:
        return found
    from synergies import text as package_text

    return package_text.gettext(lang, text)


def translated(text: str, lang: str, **values: object) -> str:
    """`site_text` then `str.format(**values)`: placeholders are filled after translation."""
    return site_text(text, lang).format(**values)


# ------------------------------------------------------------------ extraction (`make catalogues`)


def notebook_texts(notebooks_dir: Path) -> list[tuple[str, str]]:
    """(notebook file name, cell text) of every Markdown cell of the notebooks, in file order.

    These are the site catalogue's largest entries: `pybabel extract` reads Python only, so
    `make catalogues` extracts the cells here. A cell is keyed by its whole text (`_key`).
    """
    import nbformat

    texts = []
    for path in sorted(Path(notebooks_dir).glob("[0-9][0-9]-*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "markdown" and _key(cell.source):
                texts.append((path.name, _key(cell.source)))
    return texts


def _po_entry(location: str, text: str) -> str:
    """One new catalogue entry with an empty translation, wrapped as the file's entries are."""
    from babel.messages.pofile import normalize

    return f'\n#: {location}\nmsgid {normalize(text, width=100)}\nmsgstr ""\n'


def add_missing(texts: list[tuple[str, str]], lang: str) -> list[str]:
    """Append to `lang`'s site catalogue an entry for each text it lacks; return the texts added.

    Existing entries are left byte for byte as they are (a merge driver merges the catalogue
    by message), so new ones go at the end, each with an empty `msgstr` for a translator.
    """
    from babel.messages.pofile import read_po

    path = catalogue_path(lang)
    with path.open("rb") as handle:
        present = {str(m.id) for m in read_po(handle, locale=lang) if m.id}
    added: dict[str, str] = {}
    for location, text in texts:
        if text not in present and text not in added:
            added[text] = location
    if added:
        with path.open("a", encoding="utf-8", newline="\n") as handle:
            handle.write("".join(_po_entry(location, text) for text, location in added.items()))
        _messages.cache_clear()
    return list(added)


def untranslated(lang: str) -> list[str]:
    """The entries of `lang`'s site catalogue that have no translation yet (or are fuzzy)."""
    from babel.messages.pofile import read_po

    with catalogue_path(lang).open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    return [str(m.id) for m in catalog if m.id and (m.fuzzy or not m.string)]
