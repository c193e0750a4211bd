"""The claims check: hand-derived verdicts for every shipped claim, synthetic claims with known
answers, and located errors for claims (and the new finding and institutional columns) that
refer to what the data do not hold."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest

from synergies import claims, contract
from synergies.load import DataError, Evidence, load_evidence

# --------------------------------------------------------------------------- the shipped claims

# Each verdict derived by hand from data/*.csv, with the rows it must cite (a subset where long).
SHIPPED = {
    # No combined arm has an income or poverty finding (PPP's F07 and Haku Wiñay's F08 are single arms).
    "KM1": ("not_testable", set()),
    # Three of four cases have findings; Mexico's PROINPRO + PDPs is the evidence gap.
    "KM2": ("partly_supported", {"F01", "F25", "Mexico/PROINPRO + PDPs"}),
    "KM3": ("not_testable", set()),
    "KM4": ("not_testable", set()),
    # FEST vs FEST + UNIDOS never share an outcome; Haku Wiñay + Soft Skills is measured against Haku
    # Wiñay itself (arms.csv), and both of its findings (F24, F25, Psychological and social) are
    # beneficial: the combination does better there, but in no outcome of Colombia, Productive or
    # Income could it be compared, so the claim is borne out only in part.
    "KM5a": ("partly_supported", {"F24", "F25"}),
    # PPP's Productive verdict is conflicting (assets and livestock up, food crops down: 2 of 3 < 70 %).
    "KM5b": ("partly_supported", {"F03", "F04", "F05", "F06", "F08", "F18", "F23", "F24", "F25"}),
    # Political support only in Mexico, beside barriers; necessity cannot be told.
    "KM6": ("partly_supported", {"Mexico/PROINPRO + PDPs: political_support"}),
    # Budgets (Mexico, Peru), targeting agreements (FEST), target population (Mexico) are all recorded.
    "KM7": (
        "supported",
        {
            "Colombia/FEST + UNIDOS: formal_agreements",
            "Mexico/PROINPRO + PDPs: incentives_budget",
            "Mexico/PROINPRO + PDPs: target_population_alignment",
            "Peru/Haku Wiñay + Juntos: incentives_budget",
        },
    ),
    # FEST (agreements), PPP (SNARIV) and Mexico (STEIA) all record barriers beside the design.
    "KM8": ("supported", {"Colombia/PPP: coordination_architecture", "Colombia/PPP: coordination_level"}),
    "R1": ("not_testable", set()),
    "R2": ("not_testable", set()),
    # Its premise (synergies exist) has no scope: the one direct contrast (F24, F25) favours the combination.
    "R3a": ("supported", {"F24", "F25"}),
    # Differing priorities and budgets are barriers in Mexico and in Peru.
    "R3b": (
        "supported",
        {"Mexico/PROINPRO + PDPs: incentives_budget", "Peru/Haku Wiñay + Juntos: incentives_budget"},
    ),
    "R3c": ("not_testable", set()),
    # Every case has a local row, but Mexico's (target population) is local only by inference.
    "R4a": ("partly_supported", {"Mexico/PROINPRO + PDPs: target_population_alignment"}),
    "R4b": ("partly_supported", {"Peru/Haku Wiñay + Juntos: local_informal_coordination"}),
}


@pytest.fixture(scope="module")
def table(evidence: Evidence) -> pd.DataFrame:
    return claims.check_claims(evidence).set_index("claim_id")


def test_every_shipped_claim_is_checked(evidence: Evidence, table: pd.DataFrame) -> None:
    assert list(table.index) == list(evidence.claims["claim_id"]) == list(SHIPPED)


@pytest.mark.parametrize("claim_id", list(SHIPPED))
def test_shipped_verdict_is_the_hand_derived_one(table: pd.DataFrame, claim_id: str) -> None:
    verdict, rows = SHIPPED[claim_id]
    assert table.at[claim_id, "verdict"] == verdict
    cited = set(table.at[claim_id, "rows"].split(";")) - {""}
    assert rows <= cited, rows - cited
    if not rows:
        assert not cited


def test_the_production_claim_names_the_contested_food_crops(table: pd.DataFrame) -> None:
    reason = table.at["KM5b", "reason"]
    assert "[F05]" in reason and "contested" in reason and "supported" in reason
    assert "RS-CO2" in reason  # the second source, so the reader can look it up


def test_the_interaction_claim_names_what_could_not_be_compared(table: pd.DataFrame) -> None:
    reason = table.at["KM5a", "reason"]
    assert "combined better 2" in reason
    assert "in Colombia, which the claim also names" in reason
    assert "Productive" in reason and "Income, poverty and local economic development" in reason
    assert "Psychological" not in reason  # the domain that was compared is not listed as untested


def test_local_level_claims_say_where_the_level_is_inferred(table: pd.DataFrame) -> None:
    assert "PROINPRO + PDPs (Mexico)" in table.at["R4b", "reason"]  # a reader's name, not the row id
    assert "inference" in table.at["R4b", "reason"]


def test_reasons_name_countries_in_the_reader_language(evidence: Evidence) -> None:
    es = claims.check_claims(evidence, "es").set_index("claim_id")
    assert "PROINPRO + PDPs (México)" in es.at["R4b", "reason"]
    assert "Mexico/PROINPRO + PDPs" in es.at["KM2", "rows"]


def test_table_columns_start_as_the_issue_asks(evidence: Evidence) -> None:
    out = claims.check_claims(evidence)
    assert list(out.columns[:5]) == ["claim_id", "kind", "verdict", "reason", "rows"]
    assert set(out["verdict"]) <= set(contract.CLAIM_VERDICTS)


def test_spanish_reasons_differ_and_verdicts_do_not(evidence: Evidence) -> None:
    en, es = claims.check_claims(evidence, "en"), claims.check_claims(evidence, "es")
    assert en["verdict"].tolist() == es["verdict"].tolist()
    assert en["rows"].tolist() == es["rows"].tolist()
    assert (en["reason"] != es["reason"]).all()


def test_a_reason_is_a_typed_body_rendered_per_language(evidence: Evidence) -> None:
    """A claim's reason is built once, as a body of catalogue messages and typed slots; each language's
    text (tables/claims.csv) is that body rendered, so a new language needs only a catalogue."""
    from synergies.narrative import slots

    checked = claims.check_all(evidence)
    assert [c["claim_id"] for c, _ in checked] == list(evidence.claims["claim_id"])
    for lang in ("en", "es"):
        table = claims.check_claims(evidence, lang, checked)
        assert table["reason"].tolist() == [result.text(lang) for _, result in checked]
        assert table.equals(claims.check_claims(evidence, lang))
    for _, result in checked:
        assert not isinstance(result.reason, str)
        assert any(isinstance(s, slots.Msg) for s in slots.walk(result.reason))
        assert slots.counts(result.reason) == ()  # its numbers are the check's (`Int`), not verify's
        neutral = [s.text for s in slots.walk(result.reason) if isinstance(s, slots.Markup)]
        assert not any(c.isalpha() for text in neutral for c in text), neutral


def test_a_reason_keeps_data_text_as_coded_and_the_narrative_escapes_it_whole(evidence: Evidence) -> None:
    from synergies.narrative import escape, slots

    for _, result in claims.check_all(evidence):
        assert slots.render(slots.Escaped(result.reason), "es") == escape(result.text("es"))


def test_no_claims_file_gives_an_empty_table(minimal_dir: Path) -> None:
    out = claims.check_claims(load_evidence(minimal_dir))
    assert out.empty and list(out.columns) == claims.TABLE_COLUMNS


# --------------------------------------------------------------------------- synthetic claims


def _csv(path: Path, rows: list[dict[str, str]]) -> None:
    header = list(dict.fromkeys(k for row in rows for k in row))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def _finding(fid: str, case: str, intervention: str, arm: str, outcome: str, direction: str, **extra: str):
    return {
        "finding_id": fid,
        "country": "Atlantis",
        "case": case,
        "intervention": intervention,
        "arm": arm,
        "outcome": outcome,
        "direction": direction,
        **extra,
    }


def _claim(cid: str, kind: str, asserts: str, **scope: str) -> dict[str, str]:
    return {"claim_id": cid, "text": f"Synthetic claim {cid}.", "kind": kind, "asserts": asserts, **scope}


@pytest.fixture
def synthetic(tmp_path: Path) -> Path:
    """Two cases in Atlantis: Alpha measures income in both arms (the combination does better),
    Beta has one arm only; institutional rows with a stated and an inferred local level."""
    d = tmp_path / "claims-data"
    d.mkdir()
    _csv(
        d / "findings.csv",
        [
            _finding("A1", "Alpha", "Cash", "single", "income", "no_change"),
            _finding("A2", "Alpha", "Cash + Seeds", "combined", "income", "increase"),
            _finding("A3", "Alpha", "Cash + Seeds", "combined", "debt", "increase"),
            _finding("B1", "Beta", "Seeds", "single", "income", "increase"),
            _finding(
                "B2",
                "Beta",
                "Seeds",
                "single",
                "harvest",
                "decrease",
                direction_alt="increase",
                alt_source_id="S2",
            ),
        ],
    )
    _csv(
        d / "outcomes.csv",
        [
            {"outcome": "income", "domain": "money", "better": "higher"},
            {"outcome": "debt", "domain": "money", "better": "lower"},
            {"outcome": "harvest", "domain": "farm", "better": "higher"},
        ],
    )
    _csv(d / "sources.csv", [{"source_id": "S1"}, {"source_id": "S2"}])
    _csv(
        d / "cases.csv",
        [
            {"country": "Atlantis", "case": "Alpha"},
            {"country": "Atlantis", "case": "Beta"},
            {"country": "Atlantis", "case": "Gamma", "has_impact_evaluation": "false"},
        ],
    )
    inst = [
        ("Alpha", "money", "national", "enabler", "stated"),
        ("Alpha", "staff", "local", "barrier", "stated"),
        ("Beta", "money", "national", "barrier", "inferred"),
        ("Beta", "staff", "local", "enabler", "inferred"),
        ("Gamma", "politics", "national", "enabler", "stated"),
        ("Gamma", "redesign", "national", "unstated", "stated"),
    ]
    _csv(
        d / "institutional.csv",
        [
            {"country": "Atlantis", "case": c, "factor": f, "level": lv, "assessment": a, "level_basis": b}
            for c, f, lv, a, b in inst
        ],
    )
    return d


def _verdicts(d: Path, rows: list[dict[str, str]]) -> dict[str, tuple[str, str, str]]:
    _csv(d / "claims.csv", rows)
    out = claims.check_claims(load_evidence(d))
    return {r.claim_id: (r.verdict, r.reason, r.rows) for r in out.itertuples()}


def test_effect_claims_with_known_answers(synthetic: Path) -> None:
    got = _verdicts(
        synthetic,
        [
            _claim("up", "effect", "beneficial", arm="combined", outcomes="income"),
            _claim("down", "effect", "adverse", arm="combined", outcomes="income"),
            _claim("mixed", "effect", "beneficial", domains="money"),
            _claim("none", "effect", "beneficial", cases="Gamma"),
            _claim("farm", "effect", "beneficial", domains="farm"),
        ],
    )
    assert got["up"][0] == "supported" and got["up"][2] == "A2"
    assert got["down"][0] == "contradicted"
    # Alpha's single arm has no change on income: one of three arm-domain verdicts is not beneficial.
    assert got["mixed"][0] == "partly_supported" and "Cash (Atlantis)" in got["mixed"][1]
    assert got["none"][0] == "not_testable" and got["none"][2] == ""
    # B2 is contested: the first source's fall contradicts, the second source's rise would support.
    assert got["farm"][0] == "contradicted"
    assert "B2" in got["farm"][1] and "S2" in got["farm"][1] and "supported" in got["farm"][1]


def test_synergy_claims_with_known_answers(synthetic: Path) -> None:
    got = _verdicts(
        synthetic,
        [
            _claim("better", "synergy", "combined_better", cases="Alpha"),
            _claim("not", "synergy", "combined_not_better", cases="Alpha"),
            _claim("debt", "synergy", "combined_better", outcomes="debt"),
            _claim("beta", "synergy", "combined_better", cases="Beta"),
        ],
    )
    assert got["better"][:1] == ("supported",) and got["better"][2] == "A1;A2"
    assert got["not"][0] == "contradicted"
    # Only the combined arm measured debt: nothing to compare with.
    assert got["debt"][0] == "not_testable" and "Cash / Cash + Seeds" in got["debt"][1]
    # Beta has no combined arm at all.
    assert got["beta"][0] == "not_testable" and got["beta"][2] == ""


def test_evidence_base_claims(synthetic: Path) -> None:
    got = _verdicts(
        synthetic,
        [
            _claim("all", "effect", "evaluated"),
            _claim("two", "effect", "evaluated", cases="Alpha;Beta"),
            _claim("gap", "effect", "evaluated", cases="Gamma"),
        ],
    )
    assert got["all"][0] == "partly_supported" and "Atlantis/Gamma" in got["all"][2]
    assert got["two"][0] == "supported"
    assert got["gap"][0] == "contradicted"


def test_institutional_claims_with_known_answers(synthetic: Path) -> None:
    got = _verdicts(
        synthetic,
        [
            _claim("en", "institutional", "enabler", factors="money", cases="Alpha"),
            _claim("ba", "institutional", "barrier", factors="money", cases="Alpha"),
            _claim("split", "institutional", "enabler", factors="money"),
            _claim("quiet", "institutional", "enabler", factors="redesign"),
            _claim("absent", "institutional", "enabler", factors="money", cases="Gamma"),
            _claim("local", "institutional", "matters", level="local"),
            _claim("local_stated", "institutional", "matters", level="local", cases="Alpha"),
            _claim("ns", "institutional", "not_sufficient", factors="money"),
            _claim("pol", "institutional", "not_sufficient", factors="politics"),
            _claim("nns", "institutional", "necessary_not_sufficient", factors="money"),
            _claim("nc", "recommendation", "not_coded"),
        ],
    )
    assert got["en"][0] == "supported" and got["en"][2] == "Atlantis/Alpha: money"
    assert got["ba"][0] == "contradicted"
    assert got["split"][0] == "partly_supported"
    assert got["quiet"][0] == "not_testable"  # unstated gives no direction
    assert got["absent"][0] == "not_testable"
    # Gamma has an institutional analysis but no local row; Beta's local row is inferred.
    assert got["local"][0] == "partly_supported" and "Beta (Atlantis)" in got["local"][1]
    assert "Gamma (Atlantis)" in got["local"][1]
    assert got["local_stated"][0] == "supported"
    assert got["ns"][0] == "supported"  # Alpha and Beta both record a barrier
    assert got["pol"][0] == "contradicted"  # Gamma records no barrier
    assert got["nns"][0] == "partly_supported" and "necessary" in got["nns"][1]
    assert got["nc"][0] == "not_testable"


def test_the_check_is_deterministic(synthetic: Path) -> None:
    rows = [_claim("x", "effect", "beneficial"), _claim("y", "institutional", "matters")]
    assert _verdicts(synthetic, rows) == _verdicts(synthetic, rows)


# --------------------------------------------------------------------------- bad references


def test_claims_with_bad_references_get_located_errors(synthetic: Path) -> None:
    _csv(
        synthetic / "claims.csv",
        [
            _claim("c1", "effect", "beneficial", domains="money;moneyy", source_id="S9"),
            _claim("c2", "institutional", "enabler", factors="staff;stafff", cases="Atlantis/Delta"),
            _claim("c3", "effect", "beneficial", countries="Atlantis;Lemuria", outcomes="incom"),
            _claim("c4", "effect", "lots", arm="both"),
        ],
    )
    with pytest.raises(DataError) as err:
        load_evidence(synthetic)
    report = str(err.value)
    for line in (
        "claims.csv, row 2, column 'domains': found 'moneyy'; expected a domain listed in outcomes.csv",
        "claims.csv, row 2, column 'source_id': found 'S9'; expected a source_id listed in sources.csv",
        "claims.csv, row 3, column 'factors': found 'stafff'; expected a factor listed in institutional.csv",
        "claims.csv, row 3, column 'cases': found 'Atlantis/Delta'; expected a Country/Case listed in",
        "claims.csv, row 4, column 'countries': found 'Lemuria'; expected a country listed in findings.csv",
        "claims.csv, row 4, column 'outcomes': found 'incom'; expected an outcome listed in outcomes.csv",
        "claims.csv, row 5, column 'asserts': found 'lots'; expected one of beneficial,",
        "claims.csv, row 5, column 'arm': found 'both'; expected one of single, combined",
    ):
        assert line in report, line
    assert "'money'" not in report and "'staff'" not in report  # the good items of a list pass


def test_an_ambiguous_case_name_asks_for_the_country(synthetic: Path) -> None:
    path = synthetic / "cases.csv"
    path.write_text(path.read_text(encoding="utf-8") + "Lemuria,Alpha,\n", encoding="utf-8")
    _csv(synthetic / "claims.csv", [_claim("c1", "effect", "beneficial", cases="Alpha")])
    with pytest.raises(DataError, match=r"row 2, column 'cases': found 'Alpha'; expected Country/Case"):
        load_evidence(synthetic)


def test_a_case_name_alone_is_enough_when_unique(synthetic: Path) -> None:
    got = _verdicts(synthetic, [_claim("c1", "synergy", "combined_better", cases="Alpha")])
    assert got["c1"][0] == "supported"


# --------------------------------------------------------------------------- the new finding columns


def test_a_second_direction_needs_its_source_and_must_differ(synthetic: Path) -> None:
    path = synthetic / "findings.csv"
    text = path.read_text(encoding="utf-8").replace(",income,increase,,", ",income,increase,increase,", 1)
    text = text.replace(",harvest,decrease,increase,S2", ",harvest,decrease,increase,")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_evidence(synthetic)
    report = str(err.value)
    assert (
        "findings.csv, row 3, column 'direction_alt': found 'increase'; expected a direction other" in report
    )
    assert (
        "findings.csv, row 6, column 'alt_source_id': found an empty cell; expected the source_id" in report
    )


def test_contested_and_subgroup_findings_in_the_shipped_data(evidence: Evidence) -> None:
    f = evidence.findings.set_index("finding_id")
    assert f.at["F05", "contested"] and f.at["F05", "effect_alt"] == "beneficial"
    assert f["contested"].sum() == 1
    assert f.at["F20", "subgroup"] == "female-headed households"


def test_shipped_institutional_rows_as_the_brief_supports(evidence: Evidence) -> None:
    inst = evidence.institutional
    mexico = inst[inst["country"] == "Mexico"].set_index("factor")
    assert mexico.at["incentives_budget", "assessment"] == "barrier"
    assert mexico.at["target_population_alignment", "level"] == "local"
    assert mexico.at["target_population_alignment", "level_basis"] == "inferred"
    peru = inst[inst["country"] == "Peru"].set_index("factor")
    assert peru.at["design_changes", "assessment"] == "unstated"
    assert set(inst["level_basis"]) == {"stated", "inferred"}
    stated = inst[inst["level_basis"] == "stated"]
    assert len(stated) == 4  # 'at national level' once, 'at local level' three times


def test_same_verdicts_whatever_the_row_order(data_copy: Path, evidence: Evidence) -> None:
    for name in ("findings.csv", "institutional.csv", "cases.csv", "outcomes.csv"):
        frame = pd.read_csv(data_copy / name, dtype=str, keep_default_na=False)
        frame.iloc[::-1].to_csv(data_copy / name, index=False)
    shuffled = load_evidence(data_copy)
    for lang in ("en", "es"):
        assert claims.check_claims(shuffled, lang).equals(claims.check_claims(evidence, lang))


# --------------------------------------------------------------------------- the narrative


@pytest.fixture(scope="module")
def told(evidence: Evidence):
    from synergies import narrative

    return narrative.build(evidence)


def test_the_narrative_section_quotes_every_verdict(told, table: pd.DataFrame) -> None:
    section = told.section("claims")
    assert section.title["en"] == "What the brief concludes, and what its evidence shows"
    items = section.paragraphs[1].sentences
    assert len(items) == len(table)
    for sentence, (claim_id, row) in zip(items, table.iterrows(), strict=True):
        assert sentence.en.startswith(f"**{claim_id}**")
        assert claims.word_verdict(row["verdict"], "en") in sentence.en
        assert claims.word_verdict(row["verdict"], "es") in sentence.es
        cited = {r.key[0] if r.file == "findings.csv" else None for r in sentence.refs} - {None}
        assert cited == {i for i in row["rows"].split(";") if i.startswith("F")}


def test_the_coordination_sentence_needs_coordination_factors(told) -> None:
    comparison = " ".join(s.en for p in told.section("comparison").paragraphs for s in p.sentences)
    assert "coordination finds support locally" in comparison
    sentence = next(
        s for p in told.section("comparison").paragraphs for s in p.sentences if "finds support" in s.en
    )
    cited = {r.key for r in sentence.refs}
    # Peru's national barrier is incentives and budgets, a condition: it does not make the pattern.
    assert ("Peru", "Haku Wiñay + Juntos", "incentives_budget") not in cited
    assert ("Colombia", "PPP", "coordination_level") in cited
    assert "inference" in sentence.en and "inferencia" in sentence.es


def test_one_case_factors_are_listed_once(told) -> None:
    sentence = next(
        s for p in told.section("comparison").paragraphs for s in p.sentences if "in one case each" in s.en
    )
    assert {r.key[2] for r in sentence.refs} == {
        "political_support",
        "formal_agreements",
        "target_population_alignment",
        "design_changes",
    }
    assert "without direction" in sentence.en  # Peru's design changes are unstated, not mixed


def test_subgroup_and_contested_findings_are_told(told) -> None:
    caveats = " ".join(s.en for p in told.section("caveats").paragraphs for s in p.sentences)
    assert "female-headed households" in caveats and "subgroup" in caveats
    assert "RS-CO2: increase" in caveats and "contested" in caveats
    colombia = " ".join(s.en for p in told.section("Colombia").paragraphs for s in p.sentences)
    assert (
        "the outcome *Food crop products* under PPP (its direction is contested by another source)"
        in colombia
    )


def test_without_aspects_the_pattern_is_stated_without_the_reading(data_copy: Path) -> None:
    from synergies import narrative

    frame = pd.read_csv(data_copy / "factors.csv", dtype=str, keep_default_na=False)
    frame.drop(columns="aspect").to_csv(data_copy / "factors.csv", index=False)
    built = narrative.build(load_evidence(data_copy))
    comparison = " ".join(s.en for p in built.section("comparison").paragraphs for s in p.sentences)
    assert "barriers at national level" in comparison
    assert "coordination finds support locally" not in comparison


def test_synergy_uses_the_comparison_column_when_the_pairs_carry_one(
    synthetic: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With comparators coded, `single_vs_combined` says how the arms compare and whether they nest."""
    from synergies import aggregate

    plain = aggregate.single_vs_combined

    def annotated(comparison: str):
        return lambda ev: plain(ev).assign(comparison=comparison, comparison_basis="directions")

    rows = [_claim("better", "synergy", "combined_better", cases="Alpha")]
    monkeypatch.setattr(aggregate, "single_vs_combined", annotated("not_nested"))
    got = _verdicts(synthetic, rows)
    assert got["better"][0] == "not_testable" and "nests" in got["better"][1]
    monkeypatch.setattr(aggregate, "single_vs_combined", annotated("combined_worse"))
    assert _verdicts(synthetic, rows)["better"][0] == "contradicted"
