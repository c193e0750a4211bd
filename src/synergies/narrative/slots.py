"""A sentence's wording as data: a catalogue message plus typed slots, rendered per language.

A sentence is not stored as finished English and Spanish strings. Its body is a `Msg`: a template
key (the English msgid, with its plural form and context when it has them) and named slots, each
typed by what it holds:

- `Num`: a number the sentence states. It *is* its `Count` (the query that reproduces it), so the
  number printed is always the number verified: text and counts cannot drift apart.
- `Items`: a list, joined by the language's rules (y→e, o→u, a negative list's repeated preposition).
- `Label`: a domain, outcome or factor key, printed as its label in the reader's language.
- `Country`, `Word`, `Data`: a country (CLDR name), a vocabulary value (catalogue phrase), data text
  (escaped); `Cap` capitalises a slot that starts a sentence, `Escaped` escapes a rendered phrase
  as data; a nested `Msg` is a phrase of its own.
- `Int`: a whole number a finished check worked out (a claim's tally), in digits, carrying no Count.

No sentence holds finished text in one language: a claim's reason too is a body
(`claims.check_claim`), rendered for the claims table and escaped as a whole in the narrative.

`render(slot, lang)` turns any of them into Markdown for one language, at render time; `counts(slot)`
walks a body for its numbers, which `verify` checks on every build. Adding a language means adding a
catalogue, not touching a sentence builder.
"""

from __future__ import annotations

import html
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Union

from synergies import i18n
from synergies.text import fill, gettext, ngettext, npgettext, numbers, pgettext
from synergies.text import names as country_names
from synergies.text.grammar import capitalise, gender, join_list, noun, number_word

if TYPE_CHECKING:
    from synergies.narrative.model import Count

# What a Num slot can print: grouped digits, a number word (up to ten, with gender), a percentage of
# points, a p-value ("p = 0.125", or "p < 0.001" for a "below:" count) or a fixed-places decimal.
STYLES = ("digits", "word", "percent", "p", "decimal")


def _escape(text: object) -> str:
    """Data text made safe for Markdown (the one rule, in `model.escape`)."""
    from synergies.narrative.model import escape

    return escape(text)


@dataclass(frozen=True)
class Num:
    """A number the sentence states, written in one `style`, and the Count that verifies it.

    `noun` prints the noun agreeing with the number after it ("three findings", "3,546 findings");
    `agree` names the noun a number word takes its gender from when the noun is not printed ("una");
    `alone` writes a number word that stands without a noun (Spanish "uno", not "un").
    """

    count: Count
    style: str = "digits"
    noun: str | None = None
    agree: str | None = None
    alone: bool = False
    places: int = 0

    def __post_init__(self) -> None:
        if self.style not in STYLES:
            raise ValueError(f"unknown number style {self.style!r}: expected one of {STYLES}")

    @property
    def value(self) -> float:
        """The number itself."""
        return self.count.value


@dataclass(frozen=True)
class Int:
    """A whole number a finished check worked out (a claim's tally, a figure note's count), uncounted.

    Printed in grouped digits by the language's rule, with its `noun` agreeing when it has one
    ("3 findings"). It carries no Count, so `verify` does not recompute it: a narrative sentence's own
    numbers are `Num`s. The numbers of a claim's reason are the claims check's (`claims`), checked by
    its tests against hand-derived verdicts.
    """

    value: int
    noun: str | None = None


@dataclass(frozen=True)
class Label:
    """A category key (domain, outcome, factor) printed as its label, in italics, in the reader's language.

    `names` is the narrative's one table of labels ({lang: {kind: {key: label}}}), shared by every slot.
    """

    kind: str
    key: str
    names: Mapping[str, Mapping[str, Mapping[str, str]]] = field(compare=False, repr=False, hash=False)
    plain: bool = False  # the label as it is, neither escaped nor in italics (inside an `Escaped`)


@dataclass(frozen=True)
class Country:
    """A country named by its CLDR name in the reader's language (`text.names`).

    `plain` prints the name unescaped, inside a body escaped as a whole (an `Escaped`).
    """

    name: str
    plain: bool = False


@dataclass(frozen=True)
class Word:
    """A vocabulary value (a sector, an assessment) as the catalogue writes it (`i18n.word`)."""

    key: str


@dataclass(frozen=True)
class Data:
    """Text from the data (a case or arm name, a note), printed as it is coded, escaped.

    `plain` prints it unescaped, inside a body escaped as a whole (an `Escaped`) or printed as text.
    """

    text: str
    plain: bool = False


@dataclass(frozen=True)
class Markup:
    """Language-neutral Markdown the builder composed from escaped data (an id in bold, a code span)."""

    text: str


@dataclass(frozen=True)
class Escaped:
    """A slot rendered, then escaped as data text as a whole (a name composed from a phrase and a label)."""

    slot: Slot


@dataclass(frozen=True)
class Cap:
    """A slot whose first letter is upper-cased (it starts a sentence)."""

    slot: Slot


@dataclass(frozen=True)
class Seq:
    """Parts printed one after the other (a sentence and a clause the builder adds to it)."""

    parts: tuple[Slot, ...]


@dataclass(frozen=True)
class Items:
    """A list joined as the language joins lists: "A, B and C" / "A, B e I".

    `kind` is "and", "or" or "nor" (a list after a negation). `later` is the (context, msgid) wrapping
    every item after the first: Spanish repeats a preposition there ("sobre A ni sobre B").
    """

    items: tuple[Slot, ...]
    kind: str = "and"
    later: tuple[str, str] | None = None

    def __len__(self) -> int:
        return len(self.items)


@dataclass(frozen=True)
class Msg:
    """A catalogue message and its named slots: the unit of translated wording.

    `plural` and `n` make it a plural message: `n` is a whole number or the name of the `Num` slot
    whose value picks the form. `context` is the gettext context (msgctxt). Slots are stored as sorted
    (name, slot) pairs, so equal wording compares and hashes equal.
    """

    msgid: str
    slots: tuple[tuple[str, Slot], ...] = ()
    plural: str | None = None
    n: int | str | None = None
    context: str | None = None

    def slot(self, name: str) -> Slot:
        """The slot called `name`."""
        return dict(self.slots)[name]


Slot = Union[Num, Int, Label, Country, Word, Data, Markup, Escaped, Cap, Seq, Items, Msg]  # noqa: UP007 (runtime alias)


def msg(msgid: str, /, **slots: Slot) -> Msg:
    """A singular message with its slots."""
    return Msg(msgid, tuple(sorted(slots.items())))


def msgn(singular: str, plural: str, n: int | str, /, **slots: Slot) -> Msg:
    """A plural message: `n` is a whole number or the name of the Num slot that picks the form."""
    return Msg(singular, tuple(sorted(slots.items())), plural, n)


def msgp(context: str, msgid: str, /, **slots: Slot) -> Msg:
    """A singular message in the sense `context` names."""
    return Msg(msgid, tuple(sorted(slots.items())), context=context)


def msgnp(context: str, singular: str, plural: str, n: int | str, /, **slots: Slot) -> Msg:
    """A plural message in the sense `context` names."""
    return Msg(singular, tuple(sorted(slots.items())), plural, n, context)


def items(values: object, kind: str = "and", later: tuple[str, str] | None = None) -> Items:
    """An Items slot from any iterable of slots."""
    return Items(tuple(values), kind, later)  # type: ignore[arg-type]


# =========================================================================== rendering


def render(slot: Slot, lang: str) -> str:
    """The slot as Markdown in `lang`."""
    kind = type(slot)
    if kind is Msg:
        return _render_msg(slot, lang)  # type: ignore[arg-type]
    if kind is Num:
        return _render_num(slot, lang)  # type: ignore[arg-type]
    if kind is Data:
        return slot.text if slot.plain else _escape(slot.text)  # type: ignore[union-attr]
    if kind is Label:
        label = slot.names[lang][slot.kind].get(slot.key, slot.key)  # type: ignore[union-attr]
        return label if slot.plain else f"*{_escape(label)}*"  # type: ignore[union-attr]
    if kind is Country:
        name = country_names.country(lang, slot.name)  # type: ignore[union-attr]
        return name if slot.plain else _escape(name)  # type: ignore[union-attr]
    if kind is Int:
        shown = numbers.integer(lang, slot.value)  # type: ignore[union-attr]
        return f"{shown} {noun(slot.value, slot.noun, lang)}" if slot.noun else shown  # type: ignore[union-attr]
    if kind is Word:
        return i18n.word(slot.key, lang)  # type: ignore[union-attr]
    if kind is Markup:
        return slot.text  # type: ignore[union-attr]
    if kind is Escaped:
        return _escape(render(slot.slot, lang))  # type: ignore[union-attr]
    if kind is Cap:
        return capitalise(render(slot.slot, lang))  # type: ignore[union-attr]
    if kind is Items:
        return _render_items(slot, lang)  # type: ignore[arg-type]
    if kind is Seq:
        return "".join(render(part, lang) for part in slot.parts)  # type: ignore[union-attr]
    raise TypeError(f"not a narrative slot: {slot!r}")


def _render_msg(m: Msg, lang: str) -> str:
    """Translate the template (picking the plural form) and fill every slot."""
    if m.plural is None:
        template = gettext(lang, m.msgid) if m.context is None else pgettext(lang, m.context, m.msgid)
    else:
        n = m.n if isinstance(m.n, int) else int(m.slot(str(m.n)).value)  # type: ignore[union-attr]
        if m.context is None:
            template = ngettext(lang, m.msgid, m.plural, n)
        else:
            template = npgettext(lang, m.context, m.msgid, m.plural, n)
    return fill(lang, template, **{name: render(value, lang) for name, value in m.slots})


def _render_num(num: Num, lang: str) -> str:
    """The number as its style writes it in `lang`, with its noun when it has one."""
    value = num.count.value
    if num.style == "percent":
        return numbers.percent(lang, value, 0 if float(value).is_integer() else 1)
    if num.style == "p":
        relation = "<" if num.count.unit.startswith("below:") else "="
        return f"p {relation} {numbers.decimal(lang, value, numbers.P_PLACES)}"
    if num.style == "decimal":
        return numbers.decimal(lang, value, num.places)
    n = int(value)
    if num.style == "word":
        key = num.noun or num.agree
        genus = gender(key, lang) if key else "m"
        shown = number_word(n, lang, genus, before_noun=not num.alone)
    else:
        shown = numbers.integer(lang, n)
    return f"{shown} {noun(n, num.noun, lang)}" if num.noun else shown


def _render_items(slot: Items, lang: str) -> str:
    """Each item rendered, later items wrapped when the list asks, joined by the language's rule."""
    texts = [render(item, lang) for item in slot.items]
    if slot.later is not None and len(texts) > 1:
        context, msgid = slot.later
        wrap = pgettext(lang, context, msgid)
        texts = texts[:1] + [fill(lang, wrap, item=text) for text in texts[1:]]
    return join_list(texts, lang, slot.kind)


# =========================================================================== reading a body


def walk(slot: Slot) -> Iterator[Slot]:
    """Every slot of a body, depth first in slot-name order (the body itself first)."""
    yield slot
    kind = type(slot)
    if kind is Msg:
        for _, child in slot.slots:  # type: ignore[union-attr]
            yield from walk(child)
    elif kind is Items:
        for child in slot.items:  # type: ignore[union-attr]
            yield from walk(child)
    elif kind is Seq:
        for child in slot.parts:  # type: ignore[union-attr]
            yield from walk(child)
    elif kind is Cap or kind is Escaped:
        yield from walk(slot.slot)  # type: ignore[union-attr]


def counts(body: Slot) -> tuple[Count, ...]:
    """The Counts of every number a body states, in `walk`'s order.

    Walked with a stack rather than through `walk`'s nested generators: the count checker reads every
    sentence's counts, about a million slots at 10^5 findings, and each generator level costs a call.
    """
    found = []
    stack = [body]
    while stack:
        slot = stack.pop()
        kind = type(slot)
        if kind is Num:
            found.append(slot.count)  # type: ignore[union-attr]
        elif kind is Msg:
            stack.extend([child for _, child in reversed(slot.slots)])  # type: ignore[union-attr]
        elif kind is Items:
            stack.extend(reversed(slot.items))  # type: ignore[union-attr]
        elif kind is Seq:
            stack.extend(reversed(slot.parts))  # type: ignore[union-attr]
        elif kind is Cap or kind is Escaped:
            stack.append(slot.slot)  # type: ignore[union-attr]
    return tuple(found)


def plain(text: str) -> str:
    """Rendered Markdown without its escapes and emphasis marks (for messages naming a sentence)."""
    return html.unescape(text.replace("\\", "").replace("*", ""))
