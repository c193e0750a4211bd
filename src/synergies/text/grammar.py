"""Grammar helpers: plural nouns, number words with gender, lists joined with y/e and o/u.

The words come from the message catalogue (nouns as singular/plural pairs, number words with
a context per gender, the grammatical gender of each noun), so a translator edits them in the
`.po` file; the rules that are pure pronunciation (Spanish "y" → "e" before an /i/ sound, "o" →
"u" before an /o/ sound) are code here, one function per rule.

Signatures keep the order the narrative has always used (`number_word(n, lang, ...)`), and
`synergies.narrative` re-exports them, so `narrative.count_noun(...)` keeps working.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Sequence

from synergies.text import NNP_, NP_, check_lang, npgettext, numbers, pgettext

CONTEXT_MASCULINE = "number word before a masculine noun"
CONTEXT_FEMININE = "number word before a feminine noun"
CONTEXT_ALONE = "number word standing alone (masculine)"
CONTEXT_GENDER = "grammatical gender of the noun (m or f)"

# Number words up to ten, in each context a language may inflect them in (Spanish "un" / "una" /
# "uno"); written out literally so `pybabel extract` finds every (context, word) pair.
NUMBER_WORDS: dict[str, tuple[str, ...]] = {
    CONTEXT_MASCULINE: (
        NP_("number word before a masculine noun", "zero"),
        NP_("number word before a masculine noun", "one"),
        NP_("number word before a masculine noun", "two"),
        NP_("number word before a masculine noun", "three"),
        NP_("number word before a masculine noun", "four"),
        NP_("number word before a masculine noun", "five"),
        NP_("number word before a masculine noun", "six"),
        NP_("number word before a masculine noun", "seven"),
        NP_("number word before a masculine noun", "eight"),
        NP_("number word before a masculine noun", "nine"),
        NP_("number word before a masculine noun", "ten"),
    ),
    CONTEXT_FEMININE: (
        NP_("number word before a feminine noun", "zero"),
        NP_("number word before a feminine noun", "one"),
        NP_("number word before a feminine noun", "two"),
        NP_("number word before a feminine noun", "three"),
        NP_("number word before a feminine noun", "four"),
        NP_("number word before a feminine noun", "five"),
        NP_("number word before a feminine noun", "six"),
        NP_("number word before a feminine noun", "seven"),
        NP_("number word before a feminine noun", "eight"),
        NP_("number word before a feminine noun", "nine"),
        NP_("number word before a feminine noun", "ten"),
    ),
    CONTEXT_ALONE: (
        NP_("number word standing alone (masculine)", "zero"),
        NP_("number word standing alone (masculine)", "one"),
        NP_("number word standing alone (masculine)", "two"),
        NP_("number word standing alone (masculine)", "three"),
        NP_("number word standing alone (masculine)", "four"),
        NP_("number word standing alone (masculine)", "five"),
        NP_("number word standing alone (masculine)", "six"),
        NP_("number word standing alone (masculine)", "seven"),
        NP_("number word standing alone (masculine)", "eight"),
        NP_("number word standing alone (masculine)", "nine"),
        NP_("number word standing alone (masculine)", "ten"),
    ),
}
WORD_LIMIT = 10  # numbers above it are written in digits


NOUN = "noun"  # the context of the nouns below
# Noun keys the text uses → (singular, plural) English msgids; Spanish forms in the catalogue.
NOUNS: dict[str, tuple[str, str]] = {
    "finding": NNP_("noun", "finding", "findings"),
    "case": NNP_("noun", "case", "cases"),
    "evaluated_case": NNP_("noun", "evaluated case", "evaluated cases"),
    "country": NNP_("noun", "country", "countries"),
    "domain": NNP_("noun", "domain", "domains"),
    "outcome": NNP_("noun", "outcome", "outcomes"),
    "arm": NNP_("noun", "arm", "arms"),
    "evaluation": NNP_("noun", "evaluation", "evaluations"),
    "change": NNP_("noun", "change", "changes"),
    "source": NNP_("noun", "source", "sources"),
    "enabler": NNP_("noun", "enabler", "enablers"),
    "barrier": NNP_("noun", "barrier", "barriers"),
    "mixed": NNP_("noun", "factor with a mixed assessment", "factors with a mixed assessment"),
    "unstated": NNP_("noun", "factor reported without direction", "factors reported without direction"),
    "optional_file": NNP_("noun", "optional file", "optional files"),
    "row": NNP_("noun", "row", "rows"),
    "cell": NNP_("noun", "cell", "cells"),
    "unit": NNP_("noun", "unit", "units"),
}


# The grammatical gender of each noun: one catalogue entry per noun (English leaves it untranslated).
GENDERS = (
    NP_("grammatical gender of the noun (m or f)", "finding"),
    NP_("grammatical gender of the noun (m or f)", "case"),
    NP_("grammatical gender of the noun (m or f)", "evaluated case"),
    NP_("grammatical gender of the noun (m or f)", "country"),
    NP_("grammatical gender of the noun (m or f)", "domain"),
    NP_("grammatical gender of the noun (m or f)", "outcome"),
    NP_("grammatical gender of the noun (m or f)", "arm"),
    NP_("grammatical gender of the noun (m or f)", "evaluation"),
    NP_("grammatical gender of the noun (m or f)", "change"),
    NP_("grammatical gender of the noun (m or f)", "source"),
    NP_("grammatical gender of the noun (m or f)", "enabler"),
    NP_("grammatical gender of the noun (m or f)", "barrier"),
    NP_("grammatical gender of the noun (m or f)", "factor with a mixed assessment"),
    NP_("grammatical gender of the noun (m or f)", "factor reported without direction"),
    NP_("grammatical gender of the noun (m or f)", "optional file"),
    NP_("grammatical gender of the noun (m or f)", "row"),
    NP_("grammatical gender of the noun (m or f)", "cell"),
    NP_("grammatical gender of the noun (m or f)", "unit"),
)


def noun(n: int, key: str, lang: str) -> str:
    """The noun `key` in the number that agrees with `n`: "finding" / "hallazgos"."""
    singular, plural = NOUNS[key]
    return npgettext(check_lang(lang), NOUN, singular, plural, n)


def gender(key: str, lang: str = "es") -> str:
    """Grammatical gender ("m" or "f") of noun `key` in `lang`, from the catalogue; "m" if none."""
    value = pgettext(check_lang(lang), CONTEXT_GENDER, NOUNS[key][0])
    return value if value in ("m", "f") else "m"


def number_word(n: int, lang: str, gender: str = "m", before_noun: bool = True) -> str:
    """A count as a reader expects it: words up to ten (with gender), grouped digits above."""
    check_lang(lang)
    if 0 <= n <= WORD_LIMIT:
        context = CONTEXT_FEMININE if gender == "f" else CONTEXT_MASCULINE if before_noun else CONTEXT_ALONE
        return pgettext(lang, context, NUMBER_WORDS[context][n])
    return numbers.integer(lang, n)


def digits(n: int, lang: str) -> str:
    """A count in digits, grouped by the language's rule (`numbers.integer`)."""
    return numbers.integer(lang, n)


def count_noun(n: int, key: str, lang: str) -> str:
    """`n` and the noun agreeing with it: "one finding", "una evaluación", "11 cases"."""
    return f"{number_word(n, lang, gender(key, lang))} {noun(n, key, lang)}"


def count_digits(n: int, key: str, lang: str) -> str:
    """`n` in digits and the noun agreeing with it: "1 outcome", "3,546 findings"."""
    return f"{numbers.integer(lang, n)} {noun(n, key, lang)}"


def pick(n: int, singular: str, plural: str) -> str:
    """The singular form when `n` is 1, else the plural (for already translated words)."""
    return singular if n == 1 else plural


def capitalise(text: str) -> str:
    """Upper-case the first letter, leaving the rest alone (sentence starts)."""
    return text[:1].upper() + text[1:]


def _first_letters(item: str) -> str:
    """The first word of an item as pronounced, without Markdown marks, escapes or accents."""
    plain = html.unescape(re.sub(r"[\\*_`]", "", item)).strip()
    plain = re.sub(r"^[^\w]+", "", plain)
    decomposed = unicodedata.normalize("NFD", plain.casefold())
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")


# kind → (context, English msgid); English joins a negative list with "or" ("no A or B").
CONJUNCTIONS = {
    "and": ("list conjunction", NP_("list conjunction", "and")),
    "or": ("list conjunction", NP_("list conjunction", "or")),
    "nor": ("list conjunction after a negation", NP_("list conjunction after a negation", "or")),
}


def conjunction(kind: str, lang: str, next_item: str) -> str:
    """The conjunction before `next_item`: from the catalogue, then Spanish y→e / o→u by sound."""
    context, msgid = CONJUNCTIONS[kind]
    word = pgettext(check_lang(lang), context, msgid)
    if lang != "es":
        return word
    start = _first_letters(next_item)
    if word == "y":
        sound_i = start.startswith("i") or start.startswith("hi")
        body = start[2:] if start.startswith("hi") else start[1:]
        diphthong = body[:1] in ("a", "e", "o", "u")
        return "e" if sound_i and not diphthong else "y"
    if word == "o":
        return "u" if start.startswith("o") or start.startswith("ho") else "o"
    return word


def join_list(items: Sequence[str], lang: str, kind: str = "and") -> str:
    """Items as a list reads: "A, B and C" / "A, B y C"; semicolons when an item holds a comma."""
    items = list(items)
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    word = conjunction(kind, lang, items[-1])
    heavy = any("," in re.sub(r"\([^)]*\)", "", item) for item in items)
    if len(items) == 2:
        return f"{items[0]}, {word} {items[1]}" if heavy else f"{items[0]} {word} {items[1]}"
    separator = "; " if heavy else ", "
    last = f"; {word} " if heavy else f" {word} "
    return separator.join(items[:-1]) + last + items[-1]
