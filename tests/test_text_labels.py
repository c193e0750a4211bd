"""Sentences outside the narrative work with ANY label: clause-like, with Markdown characters, any case.

A label of the codebook may be a noun ("Income"), a clause ("A household member has a job"), a
past participle ("Recovered from the 2016/17 drought") or carry `*_<`. The sentence builders of
describe, magnitude_text and claims put every label verbatim (never case-changed) where a clause
and a noun phrase both read right: first in an entry, before a colon, or standing alone in a
list, never after a preposition ("in", "on", "de", "sobre") inside a noun phrase.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from synergies import aggregate, claims, combination, describe, magnitude_text, robustness
from synergies.load import Evidence, load_evidence
from synergies.narrative import escape

ROOT = Path(__file__).resolve().parents[1]
# (English, Spanish) label stems; each key of a file gets one, numbered so that labels stay unique.
DOMAIN_LABELS = (
    ("Recovered from the 2016/17 drought", "Se recuperó de la sequía de 2016/17"),
    ("A household member has a job", "Un miembro del hogar tiene empleo"),
    ("PROINPRO adoption", "Adopción de PROINPRO"),
    ("Costs *_< fall", "Los costos *_< bajan"),
    ("Household income", "Ingreso del hogar"),
)
OUTCOME_STEM = (
    "Members got back on their feet after the flood *_< no.",
    "Los miembros salieron adelante tras la riada *_< n.º",
)
FACTOR_STEM = ("Ministries share a register *_< no.", "Los ministerios comparten un registro *_< n.º")
# A word that, right before a label, would put the label inside a noun phrase.
PREPOSITION = re.compile(
    r"(?:\b(?:in|on|of|for|under|en|sobre|de|del|para|bajo)|\ba|\bthe|\bel|\bla)\s*\**$", re.I
)


@pytest.fixture(scope="module")
def labelled(tmp_path_factory: pytest.TempPathFactory) -> Evidence:
    """The shipped data with every domain, outcome and factor relabelled as a clause in both languages."""
    data = tmp_path_factory.mktemp("labels") / "data"
    shutil.copytree(ROOT / "data", data)
    domains = pd.read_csv(data / "domains.csv", dtype=str, keep_default_na=False)
    domains["label_en"] = [DOMAIN_LABELS[i % 5][0] + (f" {i}" if i >= 5 else "") for i in range(len(domains))]
    domains["label_es"] = [DOMAIN_LABELS[i % 5][1] + (f" {i}" if i >= 5 else "") for i in range(len(domains))]
    domains.to_csv(data / "domains.csv", index=False)
    for file, (en, es) in (("outcomes.csv", OUTCOME_STEM), ("factors.csv", FACTOR_STEM)):
        frame = pd.read_csv(data / file, dtype=str, keep_default_na=False)
        frame["label_en"] = [f"{en} {i + 1}" for i in range(len(frame))]
        frame["label_es"] = [f"{es} {i + 1}" for i in range(len(frame))]
        frame.to_csv(data / file, index=False)
    return load_evidence(data)


def _labels(ev: Evidence, lang: str) -> list[str]:
    frames = [ev.domains, ev.outcomes] + ([ev.factors] if ev.factors is not None else [])
    return [str(v) for frame in frames for v in frame[f"label_{lang}"]]


def _texts(ev: Evidence, lang: str) -> list[str]:
    """Every sentence describe, magnitude_text and claims write on these data."""
    by_domain = aggregate.effects_by_domain(ev)
    by_case = aggregate.case_domain_verdicts(ev)
    signs_by_arm = aggregate.sign_tests(by_domain, ev, unit="arm")
    signs_by_case = aggregate.sign_tests(by_case, ev, unit="case")
    comparison = aggregate.single_vs_combined(ev)
    overlap = aggregate.single_combined_domains(comparison, ev)
    pairs = combination.arm_pairs(ev)
    nested = combination.combination_outcomes(ev, pairs)
    grid = robustness.robustness_grid(ev)
    summary = robustness.domain_robustness(grid)
    texts = [
        describe.overview(ev, lang),
        describe.polarity(ev, lang),
        describe.gaps(ev, lang),
        describe.sign_test_caution(signs_by_arm, signs_by_case, ev, lang),
        describe.alt_sign_tests(signs_by_arm, ev, lang),
        describe.single_combined(comparison, overlap, ev, lang),
        describe.combination(pairs, nested, combination.arm_table(ev), ev, lang),
        describe.institutional(aggregate.factor_summary(ev), ev, lang),
        describe.robustness_summary(summary, grid, ev, lang),
        describe.alt_robustness(grid, summary, ev, lang),
    ]
    pooled = SimpleNamespace(
        domain=ev.domain_order[0],
        effect_measure="smd",
        estimate=0.12,
        ci_low=0.01,
        ci_high=0.23,
        scale="natural",
        k=2,
        i2=10.0,
        tau2=0.001,
        finding_ids="F01;F02",
    )
    texts.append(magnitude_text.pooled_sentence(ev, pooled, lang))
    texts += claims.check_claims(ev, lang)["reason"].tolist()
    return texts


@pytest.mark.parametrize("lang", ["en", "es"])
def test_labels_stand_where_a_clause_reads_right(labelled: Evidence, lang: str) -> None:
    texts = _texts(labelled, lang)
    seen = 0
    for label in _labels(labelled, lang):
        for form in {label, escape(label)}:
            for text in texts:
                for match in re.finditer(re.escape(form), text):
                    seen += 1
                    before = text[: match.start()]
                    assert not PREPOSITION.search(before), (
                        f"{form!r} inside a noun phrase: …{before[-50:]}{form}"
                    )
    assert seen > 20, "the sentences should name the relabelled domains, outcomes and factors"


@pytest.mark.parametrize("lang", ["en", "es"])
def test_labels_are_never_case_changed(labelled: Evidence, lang: str) -> None:
    everything = "\n".join(_texts(labelled, lang))
    for label in _labels(labelled, lang):
        for form in {label, escape(label)}:
            changed = {form.lower(), form[0].lower() + form[1:]} - {form}
            for variant in changed:
                assert variant not in everything, f"{form!r} appears case-changed as {variant!r}"


def test_spanish_sentences_around_any_label_are_spanish(labelled: Evidence) -> None:
    from test_text_leaks import ENGLISH  # the suite's word list of English that Spanish never uses

    # Data-borne text stays as coded: labels, case and arm names, the coders' notes on claims.
    data = [*_labels(labelled, "es"), *labelled.cases["case"], *labelled.findings["intervention"]]
    data += [str(note) for note in labelled.claims["note"] if note]
    forms = sorted({form for value in data for form in (str(value), escape(value))}, key=len, reverse=True)
    leaks = []
    for text in _texts(labelled, "es"):
        plain = text
        for form in forms:  # longest first, so no value is cut by a shorter one
            plain = plain.replace(form, " ")
        # citations, `code`, file names and column names (risk_of_bias) are the data's own words
        plain = re.sub(r"\[[^\]]*\]|`[^`]*`|\b[\w.-]+\.csv\b|\b[a-z]+(?:_[a-z]+)+\b", " ", plain)
        words = set(re.findall(r"[a-z]+", plain.casefold())) & ENGLISH
        if words:
            leaks.append(f"{sorted(words)} in {text[:120]!r}")
    assert not leaks, leaks


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_p_value_range_reads_as_numbers(evidence: Evidence, lang: str) -> None:
    grid = robustness.robustness_grid(evidence)
    text = describe.robustness_summary(robustness.domain_robustness(grid), grid, evidence, lang)
    ranges = re.findall(r"(?:from|de) (\S+) (?:to|a) (\S+)", text)
    assert ranges and all(not low.startswith("=") and not high.startswith("=") for low, high in ranges), (
        ranges
    )
