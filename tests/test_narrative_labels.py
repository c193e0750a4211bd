"""Outcome labels of any shape read right in every narrative sentence (issue 12).

A label is data: a noun phrase ("Food crop products"), a clause ("Recovered from the 2016/17
drought", "A household member has a job"), a phrase opening with an acronym ("PROINPRO
adoption"), or text with Markdown and HTML punctuation. The narrative names every outcome as a
name, in italics and verbatim ("the outcome *Recovered from the 2016/17 drought*"), so no label
is lower-cased into "an increase in recovered from ..." and no acronym loses its capital.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import mistune
import pandas as pd
import pytest

from synergies import narrative
from synergies.load import load_evidence


def read(path: Path) -> pd.DataFrame:
    """A CSV file as strings, exactly as written."""
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def save(frame: pd.DataFrame, path: Path) -> None:
    """Write a frame back as the contract expects (no index, LF line ends)."""
    frame.to_csv(path, index=False, lineterminator="\n")


# outcome key → (English label, Spanish label): the outcomes the shipped narrative names in
# change lists (adverse, unclear), arm comparisons, subgroup and contested findings.
LABELS = {
    "food_crop_products": ("Food crop products", "Productos agrícolas alimentarios"),
    "mild_food_insecurity": ("Recovered from the 2016/17 drought", "Se recuperó de la sequía de 2016/17"),
    "secondary_activity_work": ("SISBÉN enrolment", "SISBÉN: hogar inscrito"),
    "empowerment": ("A household member has a job", "Un miembro del hogar tiene empleo"),
    "productive_assets": ("Yield *per* ha_ <5 t", "Rendimiento *por* ha_ <5 t"),
}


@pytest.fixture
def relabelled(data_copy: Path) -> dict[str, str]:
    """The narrative in each language, built from the shipped data with the labels above."""
    outcomes = read(data_copy / "outcomes.csv")
    for key, labels in LABELS.items():
        assert (outcomes["outcome"] == key).sum() == 1, key
        outcomes.loc[outcomes["outcome"] == key, ["label_en", "label_es"]] = list(labels)
    save(outcomes, data_copy / "outcomes.csv")
    built = narrative.build(load_evidence(data_copy))
    return {lang: narrative.render_markdown(built, lang) for lang in ("en", "es")}


def _lowered(label: str) -> str:
    """The label with its first letter lower-cased: what a noun-phrase template used to print."""
    return label[:1].lower() + label[1:]


@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_label_appears_verbatim_in_italics(relabelled: dict[str, str], lang: str) -> None:
    text = relabelled[lang]
    for key, labels in LABELS.items():
        label = labels[0 if lang == "en" else 1]
        assert f"*{narrative.escape(label)}*" in text, (key, label)
        assert _lowered(label) not in text, (key, label)  # never case-changed


@pytest.mark.parametrize("lang", ["en", "es"])
def test_no_clause_is_glued_into_a_noun_phrase(relabelled: dict[str, str], lang: str) -> None:
    text = relabelled[lang].casefold()
    for phrase in ("in recovered", "in a household", "on a household", "in sisbén"):
        assert phrase not in text
    for phrase in ("de se recuperó", "de un miembro", "en un miembro", "de sisbén"):
        assert phrase not in text
    assert "sISBÉN" not in relabelled[lang]
    # the outcome is introduced as a name: "the outcome *X*" / "el resultado *X*"
    named = "the outcome *" if lang == "en" else "el resultado *"
    assert named in relabelled[lang]


@pytest.mark.parametrize("lang", ["en", "es"])
def test_labels_with_markup_survive_rendering(relabelled: dict[str, str], lang: str) -> None:
    rendered = mistune.html(relabelled[lang])
    assert "<5 t" not in rendered  # the "<" is escaped, never a tag
    plain = html.unescape(re.sub(r"<[^>]+>", "", rendered))
    for labels in LABELS.values():
        assert labels[0 if lang == "en" else 1] in plain
