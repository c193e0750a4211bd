"""Fixed phrases of the narrative looked up once per language, and its limits (lists, files)."""

from __future__ import annotations

from synergies import i18n, text, vocabulary
from synergies.text import N_, NNP_

ALPHA = vocabulary.ALPHA  # the significance level the power caution refers to
MAX_LISTED = 8  # longest list of individual outcomes or changes spelled out before counting instead
MAX_COUNTRIES_NAMED = 8  # most countries the overview names; beyond it, the leading ones and a table
MAX_CASES_LISTED = 8  # longest list of per-case finding counts spelled out in the caveats
NARRATIVE_DIR = "narrative"
FILE_STEM = "country_comparison"

# The order citations are printed in, and how each file's rows are keyed.
REF_FILES = ("findings.csv", "cases.csv", "programmes.csv", "institutional.csv", "domains.csv", "sources.csv")


def _by_lang(msgids: dict[str, str]) -> dict[str, dict[str, str]]:
    """key → {lang: the catalogue's phrase}: a table of fixed phrases looked up once, at import."""
    return {key: {lang: text.gettext(lang, msgid) for lang in i18n.LANGS} for key, msgid in msgids.items()}


def _pairs_by_lang(context: str, pairs: dict[str, tuple[str, str]]) -> dict[str, dict[str, tuple[str, str]]]:
    """key → {lang: (singular, plural)} of `NNP_`-marked pairs, looked up once, at import."""
    return {
        key: {
            lang: (text.npgettext(lang, context, *pair, 1), text.npgettext(lang, context, *pair, 2))
            for lang in i18n.LANGS
        }
        for key, pair in pairs.items()
    }


# Adjectives describing findings by effect (Spanish agrees with the masculine "hallazgo").
EFFECT_ADJECTIVES = _pairs_by_lang(
    "describing findings by effect",
    {
        "beneficial": NNP_("describing findings by effect", "beneficial", "beneficial"),
        "adverse": NNP_("describing findings by effect", "adverse", "adverse"),
        "no_change": NNP_("describing findings by effect", "with no change", "with no change"),
        "unclear": NNP_("describing findings by effect", "unclear", "unclear"),
        "conflicting": NNP_("describing findings by effect", "conflicting", "conflicting"),
    },
)

# What a unit with a given verdict does: (singular subject, plural subject).
VERDICT_VERBS = _pairs_by_lang(
    "what a unit with this verdict does",
    {
        "beneficial": NNP_(
            "what a unit with this verdict does",
            "points to beneficial effects",
            "point to beneficial effects",
        ),
        "adverse": NNP_(
            "what a unit with this verdict does", "points to adverse effects", "point to adverse effects"
        ),
        "no_change": NNP_("what a unit with this verdict does", "shows no change", "show no change"),
        "unclear": NNP_(
            "what a unit with this verdict does",
            "shows only changes of ambiguous desirability",
            "show only changes of ambiguous desirability",
        ),
        "conflicting": NNP_(
            "what a unit with this verdict does", "gives conflicting findings", "give conflicting findings"
        ),
    },
)

TITLES = _by_lang(
    {
        "document": N_("Country comparison of evaluated effects"),
        "generated": N_("Generated from the data by `synergies.narrative`; edit the data, not this file."),
        "overview": N_("Overview"),
        "comparison": N_("Across countries"),
        "magnitudes": N_("Sizes of effects where reported"),
        "caveats": N_("Caveats"),
        "tracing": N_("How to trace a sentence"),
        "claims": N_("What the brief concludes, and what its evidence shows"),
        "references": N_("References"),
    }
)

# What a reader loses when an optional file is not given.
MISSING_CONSEQUENCES = _by_lang(
    {
        "domains.csv": N_(
            "domains appear in the order they first occur in `outcomes.csv` and are named by their keys."
        ),
        "cases.csv": N_(
            "cases are taken from `findings.csv`, so a case without findings (an evidence "
            "gap) cannot be shown and the programmes of each case are not named."
        ),
        "institutional.csv": N_(
            "there is no institutional analysis, so enablers of and barriers to coordination "
            "are not discussed."
        ),
        "factors.csv": N_("institutional factors, if any, are named by their keys."),
        "programmes.csv": N_(
            "the sector of each programme (social protection or productive development) is not stated."
        ),
        "sources.csv": N_(
            "there is no reference list, and source keys cannot be resolved to full citations."
        ),
        "arms.csv": N_(
            "what each arm receives and what its results are measured against are not coded, so every "
            "comparator is unknown and single and combined arms are paired by their labels only."
        ),
        "claims.csv": N_("no conclusion of a source is coded, so none is checked against the evidence."),
    }
)
