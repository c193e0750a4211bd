"""The narrative's structure (Narrative, Section, Paragraph, Sentence, Ref, Count) and how a sentence's
citation and data text are printed (escaping, natural order, compact id ranges)."""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from synergies import i18n
from synergies.narrative import slots
from synergies.narrative.phrases import REF_FILES
from synergies.text import NP_, numbers, t
from synergies.text.grammar import (
    gender,
    noun,
    number_word,
)

# =========================================================================== structure


@dataclass(frozen=True)
class Ref:
    """One data row a sentence rests on: the contract file and the row's key in it."""

    file: str
    key: tuple[str, ...]

    def label(self) -> str:
        """How the row is written in a citation (unescaped)."""
        if self.file in ("cases.csv", "programmes.csv"):
            return f"{self.key[0]}/{self.key[1]}"
        if self.file == "institutional.csv":
            return f"{self.key[0]}/{self.key[1]}: {self.key[2]}"
        return self.key[0]


@dataclass(frozen=True)
class Count:
    """A number a sentence states, with the query over a named table that reproduces it.

    `unit` is "rows", "distinct:col[,col]", "value:col" (the value in the one matching row),
    "below:col" (the shown value is an upper bound of it), "max:col", or "min_size:cols" /
    "max_size:cols" (smallest / largest group). `where` filters rows (column, allowed values).
    Table "constant" holds method constants named by `unit`.
    """

    value: float
    table: str
    unit: str = "rows"
    where: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass(frozen=True)
class Sentence:
    """One sentence: its wording as a catalogue message with typed slots, and the rows it rests on.

    The text in each language is rendered from `body` when asked for (`text`), and the numbers it
    states are its `Num` slots' counts (`counts`), so the two cannot disagree. `refs` is a `RefSet`
    (row numbers per file) or, for sentences made without the narrative's row index, a tuple of Refs.
    """

    body: slots.Slot
    refs: Any = ()
    _texts: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    @property
    def counts(self) -> tuple[Count, ...]:
        """The Count of every number the sentence states."""
        return slots.counts(self.body)

    def text(self, lang: str) -> str:
        """The sentence in `lang`, without its citation (rendered once per language)."""
        if lang not in self._texts:
            self._texts[lang] = slots.render(self.body, i18n.check_lang(lang))
        return self._texts[lang]

    @property
    def en(self) -> str:
        """The English text."""
        return self.text("en")

    @property
    def es(self) -> str:
        """The Spanish text."""
        return self.text("es")


@dataclass(frozen=True)
class Paragraph:
    """Sentences read together; `as_list` prints each as a bullet."""

    sentences: tuple[Sentence, ...]
    as_list: bool = False


@dataclass(frozen=True)
class Section:
    """A headed part of the narrative; `key` is a country name or a fixed section key."""

    key: str
    title: dict[str, str]
    paragraphs: tuple[Paragraph, ...]


@dataclass(frozen=True)
class Narrative:
    """The whole text, language-independent in structure."""

    title: dict[str, str]
    sections: tuple[Section, ...]

    def sentences(self) -> Iterator[Sentence]:
        """Every sentence, in reading order."""
        for section in self.sections:
            for paragraph in section.paragraphs:
                yield from paragraph.sentences

    def section(self, key: str) -> Section:
        """The section with this key (a country name, or overview, comparison, caveats ...)."""
        return next(s for s in self.sections if s.key == key)


def _count(value: float, table: str, unit: str = "rows", **where: object) -> Count:
    """A Count with its filters normalised to sorted (column, values-as-strings) pairs."""
    pairs = []
    for column in sorted(where):
        allowed = where[column]
        if isinstance(allowed, list | tuple | set | frozenset):
            pairs.append((column, tuple(sorted(str(v) for v in allowed))))
        else:
            pairs.append((column, (str(allowed),)))
    return Count(value, table, unit, tuple(pairs))


def nor_items(values: Iterable[slots.Slot], after: str) -> slots.Items:
    """A negative list ("no findings on A or B" / "sobre A ni sobre B") after the preposition `after`."""
    return slots.Items(tuple(values), "nor", (_NOR_CONTEXTS[after], "{item}"))


# The context of each later item of a negative list, by the preposition the sentence puts before the
# list: Spanish repeats it before every later item ("sobre A ni sobre B"), English does not. Each pair
# is marked for extraction below, so the catalogue keeps its translation.
_NOR_CONTEXTS = {
    "on": "a later item of a negative list after 'on'",
    "in": "a later item of a negative list after 'in'",
    "concerns": "a later item of a negative list after 'concerns'",
}
_NOR_MARKED = (
    NP_("a later item of a negative list after 'on'", "{item}"),
    NP_("a later item of a negative list after 'in'", "{item}"),
    NP_("a later item of a negative list after 'concerns'", "{item}"),
)


# =========================================================================== wording helpers


_DIGIT_RUNS = re.compile(r"(\d+)")


@functools.cache  # ids are sorted again in every sentence citing them; see `build`
def natural_key(text: str) -> tuple:
    """Sort key that orders embedded numbers by value: F2 before F10."""
    parts = _DIGIT_RUNS.split(str(text))
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p.casefold()) for p in parts)


_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*\[\]|~#])")
# An underscore inside a word never starts emphasis (CommonMark), so only edge underscores are escaped.
_EDGE_UNDERSCORE = re.compile(r"(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")


def escape(text: object) -> str:
    """Data text made safe to print: HTML special characters and Markdown punctuation escaped.

    Line breaks become spaces, so a value cannot start a heading, list or table of its own.
    """
    value = " ".join(str(text).split())
    value = html.escape(value, quote=False)
    value = _MARKDOWN_PUNCTUATION.sub(r"\\\1", value)
    # `&` is backslash-escaped (CommonMark), so the Markdown source reads "A \& B", never "A &amp; B"
    value = value.replace("&amp;", "\\&")
    value = _EDGE_UNDERSCORE.sub(r"\\_", value)
    value = re.sub(r"^([+\-=>])", r"\\\1", value)
    return re.sub(r"^(\d+)([.)])", r"\1\\\2", value)


_TRAILING_NUMBER = re.compile(r"(.*?)(\d+)")


def compact_ids(ids: Iterable[str]) -> list[str]:
    """Finding ids in natural order, with runs of three or more consecutive numbers written A–B."""
    return [_item_text(item) for item in _id_items(ids)]


def _item_text(item: list[str]) -> str:
    """One item of `_id_items` as printed: "F03–F09" for a range, else the id."""
    return f"{item[0]}–{item[-1]}" if len(item) > 1 else item[0]


def _id_items(ids: Iterable[str]) -> list[list[str]]:
    """The items `compact_ids` prints, each with the ids it stands for (a range, or one id)."""
    unique = sorted(set(ids), key=natural_key)
    parsed = [_TRAILING_NUMBER.fullmatch(i) for i in unique]
    out: list[list[str]] = []
    run: list[str] = []

    def flush() -> None:
        """Close the current run: one item when it is long enough to print as a range, else one per id."""
        out.extend([list(run)] if len(run) >= 3 else [[i] for i in run])
        run.clear()

    previous = None
    for ident, match in zip(unique, parsed, strict=True):
        current = (match.group(1), len(match.group(2)), int(match.group(2))) if match else None
        follows = (
            current is not None
            and previous is not None
            and current[:2] == previous[:2]
            and current[2] == previous[2] + 1
        )
        if not follows:
            flush()
        run.append(ident)
        previous = current
    flush()
    return out


# Longest run of finding ids (or ranges) a citation prints; beyond it the rest are counted. A sentence
# resting on thousands of findings stays readable, and `Sentence.refs` keeps every one of them.
MAX_CITED_IDS = 12


def citation(refs: Sequence[Ref], lang: str = "en") -> str:
    """Refs as printed: " [F01–F03, F07; Colombia/PPP; Peru/Haku Wiñay + Juntos: factor_a, factor_b]"."""
    if not refs:
        return ""
    if hasattr(refs, "id_items"):  # a RefSet: its rows are already unique and in citation order
        return _row_set_citation(refs, lang)
    groups: list[str] = []
    findings = [r.key[0] for r in refs if r.file == "findings.csv"]
    if findings:
        groups.append(_cited_findings(findings, lang))
    groups += _other_groups({file: [r.key for r in refs if r.file == file] for file in REF_FILES[1:]})
    return " [" + "; ".join(groups) + "]"


def _row_set_citation(refs: Any, lang: str) -> str:
    """`citation` of a RefSet: finding runs found on row numbers, other files' keys read directly."""
    groups: list[str] = []
    items, rest = refs.id_items("findings.csv", MAX_CITED_IDS)
    if items:
        groups.append(_findings_text(items, rest, lang))
    groups += _other_groups({file: refs.keys(file) for file in REF_FILES[1:]})
    return " [" + "; ".join(groups) + "]"


def _other_groups(keys_by_file: dict[str, list[tuple[str, ...]]]) -> list[str]:
    """The citation groups of every file but findings.csv: "Colombia/PPP", "Peru/case: a, b"."""
    groups: list[str] = []
    seen: set[str] = set()
    for file in REF_FILES[1:]:
        of_file = [Ref(file, key) for key in keys_by_file.get(file, ())]
        if file == "institutional.csv":
            by_case: dict[tuple[str, str], list[str]] = {}
            for r in of_file:
                by_case.setdefault((r.key[0], r.key[1]), []).append(r.key[2])
            for (country, case), factors in by_case.items():
                shown = ", ".join(escape(f) for f in sorted(set(factors), key=natural_key))
                groups.append(f"{escape(country)}/{escape(case)}: {shown}")
            continue
        for r in of_file:
            label = r.label()
            if label not in seen:
                seen.add(label)
                groups.append(escape(label))
    return groups


def _cited_findings(ids: Sequence[str], lang: str) -> str:
    """Finding ids as printed, compacted into ranges; past MAX_CITED_IDS items the others are counted."""
    items = _id_items(ids)
    return _findings_text(items[:MAX_CITED_IDS], sum(len(item) for item in items[MAX_CITED_IDS:]), lang)


def _findings_text(items: list[list[str]], rest: int, lang: str) -> str:
    """The printed items, then ", … and N more findings" when `rest` findings are not printed."""
    shown = ", ".join(escape(_item_text(item)) for item in items)
    return shown + more_findings(rest, lang) if rest else shown


def more_findings(rest: int, lang: str) -> str:
    """The tail of a citation that prints MAX_CITED_IDS items: ", … and N more findings"."""
    more = number_word(rest, lang, gender("finding"))
    return t(lang, ", … and {more} more {findings}", more=more, findings=noun(rest, "finding", lang))


def _with_citation(text: str, refs: Sequence[Ref], lang: str = "en") -> str:
    """Put the citation before the sentence's final punctuation mark."""
    cite = citation(refs, lang)
    if cite and text and text[-1] in ".:":
        return text[:-1] + cite + text[-1]
    return text + cite


def p_num(p: float, column: str, table: str, **where: object) -> slots.Num:
    """A p-value slot ("p = 0.125" / "p = 0,125", "p < 0.001"): its Count is the value as stated."""
    relation, shown = numbers.p_shown(p)
    kind = "below" if relation == "<" else "value"
    return slots.Num(_count(float(shown), table, f"{kind}:{column}", **where), "p")


def percent_num(value: float, table: str, unit: str = "rows", **where: object) -> slots.Num:
    """A percentage slot ("70%" / "70 %", one decimal unless whole) whose Count is the points stated."""
    return slots.Num(_count(value, table, unit, **where), "percent")
