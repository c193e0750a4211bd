"""Many countries: the overview names the leading ones and points to the table that lists all."""

from __future__ import annotations

from pathlib import Path

from synergies import narrative
from synergies.load import load_evidence
from synergies.synthetic import write_synthetic
from synergies.text import names


def test_the_overview_summarises_many_countries(tmp_path: Path) -> None:
    data = write_synthetic(tmp_path / "data", n_findings=300, n_countries=20, cases_per_country=1)
    ev = load_evidence(data)
    built = narrative.build(ev)  # verifies every stated number, the leading countries' counts too
    first = built.section("overview").paragraphs[0].sentences[0]
    sizes = ev.findings.groupby("country").size()
    ranked = sorted(sizes.items(), key=lambda item: (-item[1], item[0].casefold()))
    leading = [c for c, _ in ranked[: narrative.MAX_COUNTRIES_NAMED]]
    others = [c for c, _ in ranked[narrative.MAX_COUNTRIES_NAMED :]]
    for lang in ("en", "es"):
        text = first.text(lang)
        assert "`tables/country_domain.csv`" in text
        assert narrative.count_noun(len(sizes), "country", lang) in text
        for country in leading:
            assert f"{narrative.escape(names.country(lang, country))} (" in text, (lang, country)
        for country in others:
            assert narrative.escape(names.country(lang, country)) not in text, (lang, country)
    led = [c for c in first.counts if dict(c.where).get("country")]
    assert sorted(dict(c.where)["country"][0] for c in led) == sorted(leading)


def test_a_few_countries_are_all_named(tmp_path: Path) -> None:
    data = write_synthetic(tmp_path / "data", n_findings=60, n_countries=3)
    ev = load_evidence(data)
    text = narrative.build(ev).section("overview").paragraphs[0].sentences[0].text("en")
    assert "country_domain.csv" not in text
    for country in set(ev.findings["country"]):
        assert narrative.escape(names.country("en", country)) in text


def test_arms_measured_on_different_outcomes_are_counted_within_their_country(tmp_path: Path) -> None:
    """Synthetic countries reuse case names; a count by case alone would add up every country's arms."""
    data = write_synthetic(
        tmp_path / "data", n_findings=120, n_countries=4, cases_per_country=2, n_outcomes=60
    )
    built = narrative.build(load_evidence(data))  # raises CountMismatch if a count ignores the country
    assert any("cannot be compared outcome by outcome" in s.text("en") for s in built.sentences())
