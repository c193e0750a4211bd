"""The text layer: every phrase the package writes, looked up in gettext message catalogues.

English source strings are the message ids; the Spanish catalogue is
`text/locale/es/LC_MESSAGES/synergies.po` (compiled to `synergies.mo` beside it). A translator
edits the `.po` file and runs `make catalogues`; no Python changes. A third language is one more
`locale/<lang>/LC_MESSAGES/synergies.po` plus its code in `LANGS`.

The API (every function takes the language first, so sentence builders stay language-neutral):

- `gettext(lang, msgid)` and `pgettext(lang, context, msgid)`: a fixed phrase; the context
  separates one English word that needs two translations ("single" arm vs "single" case).
- `ngettext(lang, singular, plural, n)` and `npgettext(lang, context, singular, plural, n)`:
  the form that agrees with `n` under the language's plural rule.
- `t(lang, msgid, **slots)`, `tp(lang, context, msgid, **slots)`,
  `tn(lang, singular, plural, n, **slots)`: translate, then fill named slots `{name}`
  (never positional `%s`, so a translation may reorder them). An `int` slot is written with
  `numbers.integer` (the language's digit grouping; numpy ints too); a `str` slot is inserted as given; any
  other type is refused, so a decimal or p-value is always formatted by `text.numbers` first.
- `N_(msgid)`, `NP_(context, msgid)`, `NN_(singular, plural)`, `NNP_(context, singular,
  plural)`: mark a phrase for the catalogue without translating it yet (tables of
  vocabulary); look it up later with `gettext` / `pgettext` / `ngettext` / `npgettext`.

Submodules: `numbers` (integers, decimals, percentages, p-values, proportions), `names`
(country and language names from CLDR), `grammar` (plural nouns, number words with gender,
lists joined with y/e and o/u). Missing translations fall back to the English id (gettext's
rule); `tests/test_text.py` keeps the Spanish catalogue complete, unfuzzy and compiled.
"""

from __future__ import annotations

import functools
import gettext as _gettext
import string
from numbers import Integral
from pathlib import Path

from synergies.vocabulary import LANGS  # the one home of the languages

DOMAIN = "synergies"
LOCALE_DIR = Path(__file__).parent / "locale"

__all__ = [
    "LANGS",
    "NNP_",
    "NN_",
    "NP_",
    "N_",
    "check_lang",
    "fill",
    "gettext",
    "ngettext",
    "npgettext",
    "pgettext",
    "slot_names",
    "t",
    "tn",
    "tp",
]


def check_lang(lang: str) -> str:
    """Return `lang` if supported, else raise a ValueError that names the choices."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}, not {lang!r}")
    return lang


@functools.cache
def _catalogue(lang: str) -> _gettext.NullTranslations:
    """The compiled catalogue of `lang`; English (the source language) translates to itself."""
    check_lang(lang)
    if lang == "en":
        return _gettext.NullTranslations()
    path = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
    with path.open("rb") as handle:
        return _gettext.GNUTranslations(handle)


def gettext(lang: str, msgid: str) -> str:
    """`msgid` (an English phrase) in `lang`."""
    return _catalogue(lang).gettext(msgid)


def pgettext(lang: str, context: str, msgid: str) -> str:
    """`msgid` in `lang`, in the sense `context` names."""
    return _catalogue(lang).pgettext(context, msgid)


def ngettext(lang: str, singular: str, plural: str, n: int) -> str:
    """The form of a phrase that agrees with `n` in `lang`."""
    return _catalogue(lang).ngettext(singular, plural, n)


def npgettext(lang: str, context: str, singular: str, plural: str, n: int) -> str:
    """The form agreeing with `n`, in the sense `context` names."""
    return _catalogue(lang).npgettext(context, singular, plural, n)


def N_(msgid: str) -> str:
    """Mark `msgid` for extraction into the catalogue; returns it unchanged."""
    return msgid


def NN_(singular: str, plural: str) -> tuple[str, str]:
    """Mark a singular/plural pair for extraction; returns it unchanged (look up with `ngettext`)."""
    return singular, plural


def NNP_(context: str, singular: str, plural: str) -> tuple[str, str]:
    """Mark a singular/plural pair with `context`; returns the pair (look up with `npgettext`)."""
    return singular, plural


def NP_(context: str, msgid: str) -> str:
    """Mark `msgid` with `context` for extraction; returns the msgid unchanged."""
    return msgid


_FORMATTER = string.Formatter()


def slot_names(template: str) -> set[str]:
    """The named slots `{name}` of a template (used by the catalogue tests too)."""
    names = set()
    for _, name, _, _ in _FORMATTER.parse(template):
        if name is None:
            continue
        if not name or name.isdigit():
            raise ValueError(f"positional slot in {template!r}: name every slot")
        names.add(name)
    return names


def fill(lang: str, template: str, /, **slots: object) -> str:
    """Fill the named slots of an already translated `template`; ints are grouped for `lang`."""
    from synergies.text import numbers

    wanted = slot_names(template)
    missing = wanted - slots.keys()
    if missing:
        raise KeyError(f"slots {sorted(missing)} missing for {template!r}")
    values: dict[str, str] = {}
    for name in wanted:
        value = slots[name]
        if isinstance(value, bool) or not isinstance(value, Integral | str):
            raise TypeError(
                f"slot {name!r} of {template!r} is {type(value).__name__}: format it with "
                "synergies.text.numbers first"
            )
        values[name] = value if isinstance(value, str) else numbers.integer(lang, int(value))
    return template.format_map(values)


def t(lang: str, msgid: str, /, **slots: object) -> str:
    """`msgid` translated into `lang` with its named slots filled."""
    return fill(lang, gettext(lang, msgid), **slots)


def tp(lang: str, context: str, msgid: str, /, **slots: object) -> str:
    """`msgid` in the sense `context` names, translated and filled."""
    return fill(lang, pgettext(lang, context, msgid), **slots)


def tn(lang: str, singular: str, plural: str, count: int, /, **slots: object) -> str:
    """The form agreeing with `count`, translated and filled; `{n}` is `count` unless given.

    Pass `n=` yourself to write the count another way (a number word: "two findings").
    """
    slots.setdefault("n", count)
    return fill(lang, ngettext(lang, singular, plural, count), **slots)
