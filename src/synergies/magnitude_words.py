"""The words of the magnitude analysis, in one table each: measures, and why an estimate is not pooled.

One home for these words, read by every place that says them: notebook 04's sentences and the
narrative's magnitude section (their bodies are built once, in `narrative.magnitudes`), the forest
plot's note (`plots.magnitude`) and the people's tables (`site.tables`, columns `pooled_as` and
`effect_measure`). Each entry is a catalogue msgid (English; the translations are in
`text/locale/<lang>/LC_MESSAGES/synergies.po`). A reason is said in three grammatical forms, one
per place it is said in, each a message of its own with a context naming that place.

This module holds words only: it imports nothing of the narrative, the notebooks' text or the
analysis beyond the reason codes, so anything may import it without a cycle and cheaply.
"""

from __future__ import annotations

from synergies import magnitude
from synergies.text import N_, NNP_, NP_, gettext, pgettext

# Measure -> (name, short unit). The unit of a ratio is empty: "1.07", not "1.07 ratio".
MEASURES = {
    "smd": (N_("standardised mean difference"), NP_("unit", "SD")),
    "pp": (N_("difference in percentage points"), NP_("unit", "pp")),
    "log_or": (N_("log odds ratio"), NP_("unit", "log OR")),
    "ratio": (N_("ratio"), ""),
    "raw": (N_("difference in the source's unit"), ""),
}

# The forms a reason is said in, and the context of each form's messages (msgctxt).
FORMS = {
    "clause": "why estimates are not pooled, as a clause of a sentence",
    "note": "why estimates are not pooled, as a phrase of a figure's note",
    "cell": "why an estimate is not pooled, as a table cell",
}
# Each reason of `magnitude.NOT_POOLED` (the `pooled_as` codes) in each form: as a clause of a
# sentence ("3 have no standard error"), as a phrase of the forest plot's note ("3 without a
# standard error"), both plural messages of {n}, and as a cell of the people's table of aligned
# estimates ("not pooled: no standard error"). Every form has every reason (a test checks it).
NOT_POOLED_WORDS: dict[str, dict[str, tuple[str, str] | str]] = {
    magnitude.NOT_ALIGNED: {
        "clause": NNP_(
            "why estimates are not pooled, as a clause of a sentence",
            "{n} is on an outcome of ambiguous desirability and cannot be aligned",
            "{n} are on outcomes of ambiguous desirability and cannot be aligned",
        ),
        "note": NNP_(
            "why estimates are not pooled, as a phrase of a figure's note",
            "{n} on an outcome of ambiguous desirability (it cannot be aligned)",
            "{n} on outcomes of ambiguous desirability (they cannot be aligned)",
        ),
        "cell": NP_(
            "why an estimate is not pooled, as a table cell", "not pooled: outcome of ambiguous desirability"
        ),
    },
    magnitude.NO_SE: {
        "clause": NNP_(
            "why estimates are not pooled, as a clause of a sentence",
            "{n} has no standard error",
            "{n} have no standard error",
        ),
        "note": NNP_(
            "why estimates are not pooled, as a phrase of a figure's note",
            "{n} without a standard error",
            "{n} without a standard error",
        ),
        "cell": NP_("why an estimate is not pooled, as a table cell", "not pooled: no standard error"),
    },
    magnitude.RAW_UNIT: {
        "clause": NNP_(
            "why estimates are not pooled, as a clause of a sentence",
            "{n} is in a raw unit, and such units differ between outcomes",
            "{n} are in raw units, which differ between outcomes",
        ),
        "note": NNP_(
            "why estimates are not pooled, as a phrase of a figure's note",
            "{n} in a raw unit (units differ between outcomes)",
            "{n} in raw units (units differ between outcomes)",
        ),
        "cell": NP_("why an estimate is not pooled, as a table cell", "not pooled: raw unit"),
    },
}

PLACES = 2  # decimals of estimates and intervals
TAU2_PLACES = 3
# I² bands (the Cochrane Handbook's rough ones): below each bound, the word for it.
HETEROGENEITY_BANDS = (
    (25.0, NP_("heterogeneity", "low")),
    (50.0, NP_("heterogeneity", "moderate")),
    (75.0, NP_("heterogeneity", "substantial")),
    (float("inf"), NP_("heterogeneity", "considerable")),
)


def heterogeneity_level(i2: float) -> str:
    """The msgid (context "heterogeneity") of the band I² falls in: "low" below 25 %, ... "considerable"."""
    return next((word for bound, word in HETEROGENEITY_BANDS if i2 < bound), HETEROGENEITY_BANDS[-1][1])


def cell_word(value: str, lang: str) -> str:
    """A cell of `pooled_as` or `effect_measure` in words, in `lang`.

    A measure by its name ("standardised mean difference"), a reason it is not pooled by the
    reason's table-cell form ("not pooled: raw unit"), anything else as it is.
    """
    if value in MEASURES:
        return gettext(lang, MEASURES[value][0])
    if value in NOT_POOLED_WORDS:
        return pgettext(lang, FORMS["cell"], NOT_POOLED_WORDS[value]["cell"])  # type: ignore[arg-type]
    return value
