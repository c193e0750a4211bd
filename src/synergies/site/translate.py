"""Page text in the reader's language, from gettext catalogues keyed by the English text.

The notebooks, templates and table labels are written in English; a rendered page in another
language looks each English text up in `text/locale/<lang>/LC_MESSAGES/site.po`. The catalogue
is read with babel (no compiled `.mo` to keep in step), once per process.
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


def gettext(text: str, lang: str) -> str:
    """`text` in `lang`; English, or a text the catalogue lacks, is returned as it is."""
    if i18n.check_lang(lang) == "en":
        return text
    return _messages(lang).get(_key(text), text)


def translated(text: str, lang: str, **values: object) -> str:
    """`gettext` then `str.format(**values)`: placeholders are filled after translation."""
    return gettext(text, lang).format(**values)
