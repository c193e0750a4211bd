"""Interface words in English and Spanish, and labels of data keys from the codebook.

Data labels (outcomes, domains, factors) come from the data's own label_en / label_es
columns; this module holds only the words the project itself writes.
"""

from __future__ import annotations

import pandas as pd

LANGS = ("en", "es")

WORDS: dict[str, dict[str, str]] = {
    # effects and verdicts
    "beneficial": {"en": "beneficial", "es": "beneficioso"},
    "adverse": {"en": "adverse", "es": "adverso"},
    "no_change": {"en": "no change", "es": "sin cambio"},
    "unclear": {"en": "unclear", "es": "incierto"},
    "conflicting": {"en": "conflicting", "es": "contradictorio"},
    "not_measured": {"en": "not measured", "es": "no medido"},
    "no_impact_evaluation": {"en": "no impact evaluation", "es": "sin evaluación de impacto"},
    # arms and directions
    "single": {"en": "single", "es": "individual"},
    "combined": {"en": "combined", "es": "combinado"},
    "increase": {"en": "increase", "es": "aumento"},
    "decrease": {"en": "decrease", "es": "disminución"},
    # institutional analysis
    "enabler": {"en": "enabler", "es": "facilitador"},
    "barrier": {"en": "barrier", "es": "barrera"},
    "mixed": {"en": "mixed", "es": "mixto"},
    "national": {"en": "national", "es": "nacional"},
    "local": {"en": "local", "es": "local"},
    # sectors
    "social_protection": {"en": "social protection", "es": "protección social"},
    "productive_development": {"en": "productive development", "es": "desarrollo productivo"},
    # axis and table words
    "country": {"en": "Country", "es": "País"},
    "case": {"en": "Case", "es": "Caso"},
    "intervention": {"en": "Intervention arm", "es": "Brazo de intervención"},
    "domain": {"en": "Domain", "es": "Dominio"},
    "outcome": {"en": "Outcome", "es": "Resultado"},
    "factor": {"en": "Factor", "es": "Factor"},
    "source": {"en": "Source", "es": "Fuente"},
}


def check_lang(lang: str) -> str:
    """Return `lang` if supported, else raise a ValueError that names the choices."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}, not {lang!r}")
    return lang


def word(key: str, lang: str) -> str:
    """The project's own word for `key` in `lang`; the key itself if there is none."""
    return WORDS.get(key, {}).get(check_lang(lang), key.replace("_", " "))


def labels(frame: pd.DataFrame, key: str, lang: str) -> dict[str, str]:
    """Map each key of a codebook-like frame (outcomes, domains, factors) to its label in `lang`."""
    column = f"label_{check_lang(lang)}"
    if column not in frame.columns:
        return dict(zip(frame[key], frame[key], strict=True))
    values = frame[column].where(frame[column].astype(bool), frame[key])
    return dict(zip(frame[key], values, strict=True))
