"""The text layer: catalogues complete and compiled, numbers and names by one rule per language."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from decimal import Decimal

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from synergies import text
from synergies.text import catalogue, grammar, names, numbers

NBSP = "\u00a0"


def _po(lang: str):
    with catalogue.po_path(lang).open("rb") as handle:
        return read_po(handle, locale=lang)


def _keywords() -> dict[str, tuple]:
    """The pybabel keyword specs of `catalogue.KEYWORDS` as Babel's extract API takes them."""
    out: dict[str, tuple] = {}
    for spec in catalogue.KEYWORDS:
        name, _, args = spec.partition(":")
        out[name] = tuple((int(a[:-1]), "c") if a.endswith("c") else int(a) for a in args.split(","))
    return out


def _extracted() -> set[tuple[str | None, str]]:
    """(context, msgid) of every phrase the package's sources mark, extracted as `make catalogues` does."""
    method_map = [("src/synergies/**.py", "python")]
    found = set()
    for _file, _line, message, _comments, context in extract_from_dir(
        str(catalogue.ROOT), method_map=method_map, keywords=_keywords()
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        found.add((context, msgid))
    return found


@pytest.mark.parametrize("lang", catalogue.TRANSLATED)
def test_catalogue_is_complete_and_unfuzzy(lang: str) -> None:
    problems = []
    for message in _po(lang):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            problems.append(message.id)
    assert not problems, f"untranslated or fuzzy in {catalogue.po_path(lang)}: {problems}"


@pytest.mark.parametrize("lang", catalogue.TRANSLATED)
def test_catalogue_holds_every_phrase_of_the_sources(lang: str) -> None:
    """A phrase added to the code but not to the catalogue (forgot `make catalogues`) fails here."""
    in_po = {(m.context, m.id[0] if isinstance(m.id, tuple) else m.id) for m in _po(lang) if m.id}
    missing = _extracted() - in_po
    assert not missing, f"run `make catalogues` and translate: {sorted(missing, key=str)}"


@pytest.mark.parametrize("lang", catalogue.TRANSLATED)
def test_committed_mo_is_the_compiled_po(lang: str) -> None:
    compiled = io.BytesIO()
    write_mo(compiled, _po(lang), use_fuzzy=False)
    assert catalogue.mo_path(lang).read_bytes() == compiled.getvalue(), "run `make catalogues`"


@pytest.mark.parametrize("lang", catalogue.TRANSLATED)
def test_translations_keep_the_slots_of_their_msgid(lang: str) -> None:
    for message in _po(lang):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set().union(*(text.slot_names(i) for i in ids))
        for k, string in enumerate(strings):
            assert "%s" not in string and "%d" not in string, message.id
            if len(strings) > 1 and k == 0:  # a singular form may leave out the count ("Otro caso")
                assert text.slot_names(string) <= wanted, (message.id, string)
            else:
                assert text.slot_names(string) == wanted, (message.id, string)


def test_lookups_translate_and_fill_named_slots() -> None:
    assert text.pgettext("es", "list conjunction", "and") == "y"
    assert text.gettext("en", "anything at all") == "anything at all"
    assert text.npgettext("es", "noun", "finding", "findings", 1) == "hallazgo"
    assert text.npgettext("es", "noun", "finding", "findings", 2) == "hallazgos"
    assert text.npgettext("es", "noun", "finding", "findings", 1_000_000) == "hallazgos"
    assert text.tn("en", "{n} finding", "{n} findings", 12345) == "12,345 findings"
    assert text.fill("es", "{n} de {total}", n=12345, total="x") == f"12{NBSP}345 de x"
    with pytest.raises(TypeError, match="numbers"):
        text.fill("en", "p = {p}", p=0.05)
    with pytest.raises(KeyError, match="total"):
        text.fill("en", "{n} of {total}", n=1)
    with pytest.raises(ValueError, match="positional"):
        text.slot_names("{} and {0}")
    with pytest.raises(ValueError, match="en, es"):
        text.gettext("fr", "and")


@pytest.mark.parametrize(
    ("n", "en", "es"),
    [
        (0, "0", "0"),
        (999, "999", "999"),
        (1234, "1,234", "1234"),
        (9999, "9,999", "9999"),
        (10_000, "10,000", f"10{NBSP}000"),
        (1_234_567, "1,234,567", f"1{NBSP}234{NBSP}567"),
        (-12_345, "-12,345", f"-12{NBSP}345"),
    ],
)
def test_integers_group_digits_by_language(n: int, en: str, es: str) -> None:
    assert numbers.integer("en", n) == en
    assert numbers.integer("es", n) == es


@pytest.mark.parametrize(
    ("value", "places", "en", "es"),
    [
        (0.125, 2, "0.13", "0,13"),  # half up, never banker's 0.12
        (0.145, 2, "0.15", "0,15"),  # the decimal value, not the binary 0.14499…
        (2.5, 0, "3", "3"),
        (-0.125, 2, "-0.13", "-0,13"),
        (12345.25, 1, "12,345.3", f"12{NBSP}345,3"),
        (0.5, 3, "0.500", "0,500"),
    ],
)
def test_decimals_round_half_up(value: float, places: int, en: str, es: str) -> None:
    assert numbers.decimal("en", value, places) == en
    assert numbers.decimal("es", value, places) == es


def test_percentages_proportions_and_p_values() -> None:
    assert numbers.percent("en", 70) == "70%"
    assert numbers.percent("es", 70) == f"70{NBSP}%"
    assert numbers.percent("es", 66.65, 1) == f"66,7{NBSP}%"
    assert numbers.proportion("en", 0.7) == "0.70"
    assert numbers.proportion("es", 0.7) == "0,70"
    assert numbers.p_value("en", 0.125) == "p = 0.125"
    assert numbers.p_value("es", 0.25) == "p = 0,250"
    assert numbers.p_value("es", 0.0004) == "p < 0,001"
    assert numbers.p_value("en", 0.0625) == "p = 0.063"
    assert numbers.p_shown(0.0625) == ("=", Decimal("0.063"))
    assert numbers.p_shown(0.00001) == ("<", Decimal("0.001"))


def test_numbers_do_not_depend_on_the_process_locale() -> None:
    code = (
        "import locale\n"
        "for name in ('de_DE.UTF-8', 'es_ES.UTF-8', 'C.UTF-8'):\n"
        "    try:\n"
        "        locale.setlocale(locale.LC_ALL, name)\n"
        "        break\n"
        "    except locale.Error:\n"
        "        pass\n"
        "from synergies.text import numbers as n\n"
        "print(n.integer('en', 12345), n.decimal('en', 0.125, 2), n.integer('es', 12345))"
    )
    env = {**os.environ, "LANG": "de_DE.UTF-8", "LC_ALL": "de_DE.UTF-8", "LC_NUMERIC": "de_DE.UTF-8"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert result.stdout.strip() == f"12,345 0.13 12{NBSP}345"


@pytest.mark.parametrize(
    ("given", "es", "en"),
    [
        ("Niger", "Níger", "Niger"),
        ("Malawi", "Malaui", "Malawi"),
        ("Mexico", "México", "Mexico"),
        ("méxico", "México", "méxico"),
        ("Peru", "Perú", "Peru"),
        ("NE", "Níger", "Niger"),
        ("Dominican Republic", "República Dominicana", "Dominican Republic"),
        ("Country 007", "Country 007", "Country 007"),  # unknown to CLDR: as the data wrote it
        ("Atlantis", "Atlantis", "Atlantis"),
    ],
)
def test_country_names_from_cldr(given: str, es: str, en: str) -> None:
    assert names.country("es", given) == es
    assert names.country("en", given) == en


def test_language_names() -> None:
    assert names.language("es", "es") == "español"
    assert names.language("en", "es") == "Spanish"


@pytest.mark.parametrize(
    ("n", "key", "lang", "phrase"),
    [
        (1, "evaluation", "es", "una evaluación"),
        (1, "finding", "es", "un hallazgo"),
        (3, "source", "es", "tres fuentes"),
        (11, "case", "en", "11 cases"),
        (12345, "finding", "es", f"12{NBSP}345 hallazgos"),
        (1, "outcome", "en", "one outcome"),
    ],
)
def test_count_noun(n: int, key: str, lang: str, phrase: str) -> None:
    assert grammar.count_noun(n, key, lang) == phrase


def test_count_digits_agrees_with_one() -> None:
    assert grammar.count_digits(1, "outcome", "en") == "1 outcome"
    assert grammar.count_digits(2, "outcome", "es") == "2 resultados"


@pytest.mark.parametrize(
    ("items", "lang", "kind", "joined"),
    [
        (["Perú", "Italia"], "es", "and", "Perú e Italia"),
        (["agua", "hielo"], "es", "and", "agua y hielo"),  # "hie-" is a diphthong: y
        (["siete", "ocho"], "es", "or", "siete u ocho"),
        (["a", "b"], "es", "nor", "a ni b"),
        (["a", "b"], "en", "nor", "a or b"),
        (["A", "B", "C"], "en", "and", "A, B and C"),
        (["x, y", "z"], "en", "and", "x, y, and z"),
    ],
)
def test_join_list(items: list[str], lang: str, kind: str, joined: str) -> None:
    assert grammar.join_list(items, lang, kind) == joined


def test_gender_comes_from_the_catalogue() -> None:
    assert grammar.gender("evaluation", "es") == "f"
    assert grammar.gender("finding", "es") == "m"
    assert grammar.gender("finding", "en") == "m"  # English has none: the default
    assert grammar.number_word(1, "es", "m", before_noun=False) == "uno"
