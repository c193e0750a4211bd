"""How the message catalogues are extracted, updated and compiled (`make catalogues`).

One home for the pybabel settings that `scripts/catalogues.py` runs and `tests/test_text.py`
checks: the keywords (which call arguments are message ids and contexts), the files, and the
options that keep the catalogue files stable under merges (sorted entries, file-only locations,
no creation date churn).
"""

from __future__ import annotations

from pathlib import Path

from synergies.text import DOMAIN, LANGS, LOCALE_DIR

ROOT = Path(__file__).resolve().parents[3]
MAPPING = ROOT / "babel.cfg"
TEMPLATE = LOCALE_DIR / "messages.pot"
TRANSLATED = tuple(lang for lang in LANGS if lang != "en")  # English is the source language

# pybabel keyword specs: `name:2` = message id is the 2nd argument, `2c` = context, `2,3` = plural.
KEYWORDS = (
    "gettext:2",
    "pgettext:2c,3",
    "ngettext:2,3",
    "npgettext:2c,3,4",
    "t:2",
    "tp:2c,3",
    "tn:2,3",
    "N_:1",
    "NP_:1c,2",
    "NN_:1,2",
    "NNP_:1c,2,3",
    # the narrative's typed-slot messages (synergies.narrative.slots), rendered at render time
    "msg:1",
    "msgn:1,2",
    "msgp:1c,2",
    "msgnp:1c,2,3",
)
COMMENT_TAG = "Translators:"  # a comment starting so, above a call, reaches the translator


def _rel(path: Path) -> str:
    """`path` relative to the repository root (pybabel runs there, so locations stay relative)."""
    return path.relative_to(ROOT).as_posix()


def po_path(lang: str) -> Path:
    """The editable catalogue of `lang`."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(lang: str) -> Path:
    """The compiled catalogue of `lang` the package reads."""
    return po_path(lang).with_suffix(".mo")


def extract_args() -> list[str]:
    """`pybabel extract` arguments (run from ROOT) that write the template from the sources."""
    args = ["extract", "--no-default-keywords", "-F", _rel(MAPPING), "-o", _rel(TEMPLATE)]
    for keyword in KEYWORDS:
        args += ["-k", keyword]
    args += ["--sort-output", "--add-location=file", "--add-comments", COMMENT_TAG]
    args += ["--project", "synergies", "--copyright-holder", "synergies contributors", "--no-wrap"]
    return [*args, "--omit-header", "."]


def update_args(lang: str) -> list[str]:
    """`pybabel update` arguments that merge the template into `lang`'s catalogue."""
    return [
        "update",
        "-i",
        _rel(TEMPLATE),
        "-o",
        _rel(po_path(lang)),
        "-l",
        lang,
        "-D",
        DOMAIN,
        "--no-wrap",
        "--ignore-obsolete",
        "--no-fuzzy-matching",
        "--ignore-pot-creation-date",
    ]


def compile_args(lang: str) -> list[str]:
    """`pybabel compile` arguments that write `lang`'s `.mo` (fuzzy entries never compiled)."""
    return ["compile", "-i", _rel(po_path(lang)), "-o", _rel(mo_path(lang)), "-l", lang, "-D", DOMAIN]
