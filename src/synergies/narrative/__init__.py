"""The country-comparison narrative: prose in English and Spanish, generated from the evidence.

`build(ev)` turns the aggregate tables into a `Narrative` (sections → paragraphs →
sentences). Each sentence holds its wording as data (`slots`: a catalogue message whose typed
slots are numbers, lists, labels and data text, rendered per language when the text is asked
for), the rows it rests on (a `refs.RefSet`: row numbers per file) and, in its number slots,
every number it states (`Count`, with the query that reproduces it); `build` checks them:
`narrative.verify` recomputes every stated number from the table its `Count` names and raises
`verify.CountMismatch`, naming the sentence, when they differ. `render_markdown` prints one
language with compact citations; `write` saves both. The wording helpers (plurals, number words with gender,
lists joined with y/e and o/u) and `escape` (data text rendered as text in Markdown and
HTML) are public so they can be tested on their own.

Layout (one job per module): `model` (the structure: Narrative, Section, Paragraph, Sentence,
Ref, Count; escaping and citations), `slots` (typed slots and their rendering), `refs` (row
sets and the per-file row index), `phrases` (fixed phrases and limits), `facts` (the view of
the data every sentence draws on), `tally` (the country sections' findings tally), `overview`
(overview, tracing, references), `country` (one country's section), `arms` (single against
combined arms), `across` (across countries),
`institutions` (institutional factors across countries), `caveats`, `magnitudes` (the magnitude
sentences' bodies, which notebook 04 renders too), `robust` (robustness and reporting bias),
`compose` (`build`), `render` (`render_markdown`, `write`), `verify` (the count checker). This
module re-exports the public API.
"""

from __future__ import annotations

from synergies.narrative import verify
from synergies.narrative.compose import build
from synergies.narrative.facts import _Facts
from synergies.narrative.model import (
    MAX_CITED_IDS,
    Count,
    Narrative,
    Paragraph,
    Ref,
    Section,
    Sentence,
    _cited_findings,
    _count,
    _id_items,
    _item_text,
    citation,
    compact_ids,
    escape,
    natural_key,
)
from synergies.narrative.phrases import (
    ALPHA,
    EFFECT_ADJECTIVES,
    FILE_STEM,
    MAX_CASES_LISTED,
    MAX_COUNTRIES_NAMED,
    MAX_LISTED,
    MISSING_CONSEQUENCES,
    NARRATIVE_DIR,
    REF_FILES,
    TITLES,
    VERDICT_VERBS,
)
from synergies.narrative.render import output_paths, render_markdown, write
from synergies.text.grammar import (
    NOUNS,
    capitalise,
    conjunction,
    count_noun,
    digits,
    gender,
    join_list,
    noun,
    number_word,
    pick,
)

__all__ = [
    "ALPHA",
    "EFFECT_ADJECTIVES",
    "FILE_STEM",
    "MAX_CASES_LISTED",
    "MAX_CITED_IDS",
    "MAX_COUNTRIES_NAMED",
    "MAX_LISTED",
    "MISSING_CONSEQUENCES",
    "NARRATIVE_DIR",
    "NOUNS",
    "REF_FILES",
    "TITLES",
    "VERDICT_VERBS",
    "Count",
    "Narrative",
    "Paragraph",
    "Ref",
    "Section",
    "Sentence",
    "_Facts",
    "_cited_findings",
    "_count",
    "_id_items",
    "_item_text",
    "build",
    "capitalise",
    "citation",
    "compact_ids",
    "conjunction",
    "count_noun",
    "digits",
    "escape",
    "gender",
    "join_list",
    "natural_key",
    "noun",
    "number_word",
    "output_paths",
    "pick",
    "render_markdown",
    "verify",
    "write",
]
