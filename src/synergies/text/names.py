"""Country and language names from CLDR (through Babel), the same in every output of a language.

`country(lang, name_or_code)` takes what a data file holds — an English country name as
written in `cases.csv` ("Niger", "Mexico"), a Spanish one, or an ISO 3166-1 alpha-2 code
("NE") — and returns the name CLDR gives that country in `lang` ("Níger", "México"). Matching is
by CLDR's names in every supported language, ignoring case and accents.

Fallback: a name CLDR does not know (a region, a misspelling, a made-up country in synthetic
data) is returned unchanged, in every language, so it still reads as the data wrote it. In
English a known *name* is also returned as the data wrote it (the data are the English source);
a bare code is expanded to CLDR's English name.

Figures, alt text, notebooks and the narrative all call this one function, so "Malaui",
"Níger" and "México" are written the same way everywhere in Spanish output.
"""

from __future__ import annotations

import functools
import unicodedata

from babel import Locale

from synergies.text import LANGS, check_lang


def _fold(name: str) -> str:
    """A name compared without case, accents or surrounding spaces."""
    decomposed = unicodedata.normalize("NFD", " ".join(str(name).split()).casefold())
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")


@functools.cache
def _territories(lang: str) -> dict[str, str]:
    """ISO alpha-2 code → CLDR country name in `lang` (numeric region codes left out)."""
    return {code: name for code, name in Locale(check_lang(lang)).territories.items() if code.isalpha()}


@functools.cache
def _codes() -> dict[str, str]:
    """Folded CLDR name (any supported language) → ISO code."""
    index: dict[str, str] = {}
    for lang in LANGS:
        for code, name in _territories(lang).items():
            index.setdefault(_fold(name), code)
    return index


def country_code(name_or_code: str) -> str | None:
    """The ISO 3166-1 alpha-2 code of a country name or code CLDR knows; None otherwise."""
    value = str(name_or_code).strip()
    if len(value) == 2 and value.isupper() and value in _territories("en"):
        return value
    return _codes().get(_fold(value))


@functools.cache
def country(lang: str, name_or_code: str) -> str:
    """The country's name in `lang` (see the module docstring for the fallback)."""
    check_lang(lang)
    code = country_code(name_or_code)
    if code is None:
        return name_or_code
    if lang == "en" and code != str(name_or_code).strip():
        return name_or_code
    return _territories(lang)[code]


def language(lang: str, code: str) -> str:
    """The name of language `code` ("es") written in `lang` ("Spanish" / "español")."""
    return Locale(check_lang(lang)).languages.get(code, code)
