"""The caveats, magnitudes and claims sections as typed-slot bodies: every size stated is counted."""

from __future__ import annotations

from collections import namedtuple

import pytest

from synergies import narrative, synthetic
from synergies.load import load_evidence
from synergies.narrative import magnitudes, slots
from synergies.narrative.facts import _Facts


@pytest.fixture(scope="module")
def sized(tmp_path_factory: pytest.TempPathFactory):
    """Synthetic data whose findings carry estimates, and their narrative."""
    ev = load_evidence(
        synthetic.write_synthetic(tmp_path_factory.mktemp("sized"), 600, 12, with_estimates=True)
    )
    return ev, narrative.build(ev)


def test_every_number_of_a_pooled_sentence_is_a_counted_slot(sized) -> None:
    _, built = sized
    sentences = built.section("magnitudes").paragraphs[1].sentences
    assert sentences
    for sentence in sentences:
        units = sorted(c.unit.partition(":")[2] for c in sentence.counts)
        # estimate, its interval, k, I² and tau², each from pooled_estimates (checked by verify on build)
        assert units == ["ci_high", "ci_low", "estimate", "i2", "k", "tau2"], sentence.en
        assert {c.table for c in sentence.counts} == {"pooled_estimates"}
        assert "*" not in sentence.en.split(":")[0]  # the domain leads unitalicised, as in notebook 04


def test_the_summary_counts_what_it_states(sized) -> None:
    _, built = sized
    summary = built.section("magnitudes").paragraphs[0].sentences[0]
    assert [c.table for c in summary.counts] and {c.table for c in summary.counts} == {"findings"}
    stated = [str(int(c.value)) for c in summary.counts]
    for number in stated:
        assert number in summary.en


def test_an_estimate_that_rounds_to_zero_reads_unsigned(sized) -> None:
    ev, _ = sized
    f = _Facts.of(ev)
    domain = ev.domain_order[0]
    Row = namedtuple("Row", "domain effect_measure scale estimate ci_low ci_high k i2 tau2")
    row = Row(domain, "smd", "natural", -0.004, -0.05, 0.04, 3, 12.4, 0.0004)
    body = magnitudes.pooled_body(row, f.labels)
    for lang in ("en", "es"):
        text = slots.render(body, lang)
        assert "-0" not in text.replace("-0,05", "").replace("-0.05", ""), text
    units = {c.unit for c in slots.counts(body)}
    assert "below:estimate" in units  # the stated 0.00 is an upper bound of the negative estimate
    assert slots.render(body, "en").count("12%") == 1 and "12\u00a0%" in slots.render(body, "es")


def test_claims_items_keep_their_spanish_reason() -> None:
    from synergies.config import DATA_DIR

    ev = load_evidence(DATA_DIR)
    if ev.claims is None:
        pytest.skip("the shipped data have no claims.csv")
    built = narrative.build(ev)
    item = built.section("claims").paragraphs[1].sentences[0]
    assert item.en != item.es and item.en.startswith("**")


def test_summary_counts_name_findings_by_id_when_their_columns_cannot(tmp_path) -> None:
    import pandas as pd

    directory = synthetic.write_synthetic(tmp_path / "d", 300, 6, with_estimates=True)
    findings = pd.read_csv(directory / "findings.csv", dtype=str, keep_default_na=False)
    with_se = findings["effect_measure"].isin(["smd", "pp"]) & findings["std_error"].ne("")
    findings.loc[findings.index[with_se][:12], "std_error"] = ""  # estimates without a standard error
    findings.to_csv(directory / "findings.csv", index=False)
    built = narrative.build(load_evidence(directory))  # verify recomputes every count on build
    summary = built.section("magnitudes").paragraphs[0].sentences[0]
    assert "no standard error" in summary.en
    # findings.csv's columns cannot say "no standard error", so those counts name their findings
    assert any(c.where and c.where[0][0] == "finding_id" for c in summary.counts)


def test_notebook_04_and_the_narrative_say_the_bodies_of_one_builder(sized) -> None:
    """The magnitude section says `narrative.magnitudes`' very bodies, the ones notebook 04 renders."""
    from synergies import magnitude

    ev, built = sized
    aligned = magnitude.aligned_estimates(ev)
    pooled = magnitude.pooled_estimates(magnitude.case_estimates(aligned))
    section = built.section("magnitudes")
    assert section.paragraphs[0].sentences[0].body == magnitudes.summary_body(ev.findings, aligned, pooled)
    assert section.paragraphs[-1].sentences[0].body == magnitudes.method_body()
    said = [s.body for p in section.paragraphs[1:-1] for s in p.sentences]
    names = _Facts.of(ev).labels
    assert said and set(said) == {magnitudes.pooled_body(r, names) for r in pooled.itertuples(index=False)}


@pytest.mark.parametrize("lang", ["en", "es"])
def test_notebook_04_renders_the_builders_bodies_and_cites_its_rows(sized, lang: str) -> None:
    from synergies import magnitude, magnitude_text

    ev, _ = sized
    aligned = magnitude.aligned_estimates(ev)
    pooled = magnitude.pooled_estimates(magnitude.case_estimates(aligned))
    summary = magnitude_text.summary(ev, aligned, pooled, lang)
    assert summary == slots.render(magnitudes.summary_body(ev.findings, aligned, pooled), lang)
    assert magnitude_text.method_note(lang) == slots.render(magnitudes.method_body(), lang)
    names = _Facts.of(ev).labels
    for r in pooled.itertuples(index=False):
        uncited = slots.render(magnitudes.pooled_body(r, names), lang)
        assert magnitude_text.pooled_sentence(ev, r, lang, cited=False) == uncited
        cited = magnitude_text.pooled_sentence(ev, r, lang)
        assert cited == f"{uncited[:-1]} {magnitude_text.cite(r.finding_ids)}."


def test_the_summary_gives_each_reason_in_its_clause_form_in_the_reasons_order(sized) -> None:
    from synergies import magnitude, magnitude_text

    ev, _ = sized
    aligned = magnitude.aligned_estimates(ev)
    pooled = magnitude.pooled_estimates(magnitude.case_estimates(aligned))
    counts = aligned["pooled_as"].value_counts().to_dict()
    for lang in ("en", "es"):
        summary = magnitude_text.summary(ev, aligned, pooled, lang)
        parts = magnitude_text.not_pooled_parts(counts, "clause", lang)
        assert parts and all(part in summary for part in parts)
        assert [summary.index(p) for p in parts] == sorted(summary.index(p) for p in parts)


def test_no_estimates_says_why_in_one_sentence(tmp_path) -> None:
    """Without a measure the sentence names the missing column; without estimates it says so."""
    import pandas as pd

    from synergies import magnitude_text

    directory = synthetic.write_synthetic(tmp_path / "d", 60, 3, with_estimates=True)
    ev = load_evidence(directory)
    bare = ev.findings.assign(effect_measure="")
    assert "`effect_measure`" in slots.render(magnitudes.no_estimates_body(bare), "en")
    none = ev.findings.assign(estimate=pd.Series(float("nan"), index=ev.findings.index))
    assert slots.render(magnitudes.no_estimates_body(none), "en").startswith("No finding reports an estimate")
    assert magnitude_text.no_estimates(ev, "es") == slots.render(
        magnitudes.no_estimates_body(ev.findings), "es"
    )
