"""The combination panel and arms.csv: hand counts on the shipped data, a synthetic five-arm trial,
data without arms.csv, and the validator's located messages for each bad value."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pandas as pd
import pytest

from synergies import aggregate, combination
from synergies.load import DataError, Evidence, Problem, load_evidence
from synergies.synthetic import write_multi_arm, write_synthetic

LEGACY_COLUMNS = [
    "country",
    "case",
    "single_arm",
    "combined_arm",
    "domain",
    "outcome",
    "single_effect",
    "combined_effect",
    "single_findings",
    "combined_findings",
    "comparable",
]


def rows_of(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def rewrite(path: Path, rows: list[dict[str, str]], header: list[str] | None = None) -> None:
    header = header or list(rows[0])
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def problems_of(data_dir: Path) -> list[Problem]:
    with pytest.raises(DataError) as caught:
        load_evidence(data_dir)
    return caught.value.problems


@pytest.fixture(scope="module")
def multi(tmp_path_factory: pytest.TempPathFactory) -> Evidence:
    return load_evidence(write_multi_arm(tmp_path_factory.mktemp("multi")))


# --------------------------------------------------------------------------- the shipped data


def test_shipped_arms_nest_as_the_sources_say(evidence: Evidence) -> None:
    pairs = combination.arm_pairs(evidence)
    got = {
        (p.base_arm, p.extended_arm, p.nesting, p.added_components, p.added_sectors)
        for p in pairs.itertuples()
    }
    assert got == {
        ("FEST", "FEST + UNIDOS", "nested", "UNIDOS", "social_protection"),
        ("Haku Wiñay", "Haku Wiñay + Soft Skills", "nested", "Soft Skills", "productive_development"),
    }
    direct = pairs.set_index("extended_arm")["direct_contrast"]
    assert direct.to_dict() == {"FEST + UNIDOS": False, "Haku Wiñay + Soft Skills": True}


def test_shipped_arms_carry_sources_and_say_why_a_comparator_is_unknown(evidence: Evidence) -> None:
    arms = evidence.arms
    assert len(arms) == 5
    assert set(arms["source_id"]) <= set(evidence.sources["source_id"])
    assert arms["locator"].ne("").all()
    unknown = arms[arms["comparator"] == "unknown"]
    assert len(unknown) == 4
    assert unknown["note"].str.contains("comparator is unknown").all()
    soft = arms.set_index("intervention").loc["Haku Wiñay + Soft Skills"]
    assert soft["comparator"] == "Haku Wiñay"
    assert combination.split_list(soft["components"]) == ("Haku Wiñay", "Juntos", "Soft Skills")


def test_shipped_combination_outcomes_by_hand(evidence: Evidence) -> None:
    table = combination.combination_outcomes(evidence)
    # FEST 2 + FEST + UNIDOS 7 outcomes, none shared; Haku Wiñay 3 + its add-on's 2 direct contrasts
    assert len(table) == 14
    counts = table["comparison"].value_counts().to_dict()
    assert counts == {"cannot_tell": 12, "combined_better": 2}
    better = table[table["comparison"] == "combined_better"]
    assert set(better["direct_findings"]) == {"F24", "F25"}
    assert set(better["basis"]) == {"direct_contrast"}
    assert table["estimate_difference"].isna().all()  # the brief reports directions only


def test_shipped_combination_domains_by_hand(evidence: Evidence) -> None:
    table = combination.combination_domains(evidence)
    assert len(table) == 7  # FEST pair: 4 domains; Haku Wiñay pair: 3
    better = table[table["comparison"] != "cannot_tell"]
    assert better[["extended_arm", "domain", "comparison"]].values.tolist() == [
        ["Haku Wiñay + Soft Skills", "psychosocial", "combined_better"]
    ]


def test_single_vs_combined_keeps_its_columns_and_adds_comparison(evidence: Evidence) -> None:
    table = aggregate.single_vs_combined(evidence)
    assert list(table.columns[: len(LEGACY_COLUMNS)]) == LEGACY_COLUMNS
    assert {"comparison", "nesting", "single_comparator", "combined_comparator"} <= set(table.columns)
    assert {"single_direction", "combined_direction"} <= set(table.columns)
    assert len(table) == 14
    assert set(table["nesting"]) == {"nested"}
    assert table["comparison"].value_counts().to_dict() == {"cannot_tell": 12, "combined_better": 2}
    f10 = table[table["combined_findings"] == "F10"].iloc[0]
    assert (f10["combined_effect"], f10["combined_direction"]) == ("unclear", "increase")


def test_cases_without_a_comparison_are_named_with_the_reason(evidence: Evidence) -> None:
    table = combination.no_comparison_cases(evidence, aggregate.single_vs_combined(evidence))
    assert table[["case", "reason"]].values.tolist() == [
        ["PPP", "only_single_arms"],
        ["PROINPRO + PDPs", "no_findings"],
    ]


# --------------------------------------------------------------------------- a five-arm trial


def test_nested_and_not_nested_pairs(multi: Evidence) -> None:
    pairs = combination.arm_pairs(multi)
    assert len(pairs) == 10  # five arms, every pair listed once
    nested = pairs[pairs["nesting"] == "nested"]
    assert set(zip(nested["base_arm"], nested["extended_arm"], strict=True)) == {
        ("Basic CCT", "CCT + business grant"),
        ("Basic CCT", "CCT + grant + savings"),
        ("Basic CCT", "GUP without savings"),
        ("CCT + business grant", "CCT + grant + savings"),
        ("CCT + business grant", "GUP without savings"),
        ("Savings only", "CCT + grant + savings"),
    }
    not_nested = pairs[pairs["nesting"] == "not_nested"]
    assert len(not_nested) == 4
    assert not_nested["added_components"].eq("").all()
    table = combination.combination_outcomes(multi)
    keys = set(zip(table["base_arm"], table["extended_arm"], strict=True))
    assert ("CCT + grant + savings", "GUP without savings") not in keys  # never shown as a comparison


def test_several_combined_arms_per_single_arm(multi: Evidence) -> None:
    table = combination.combination_outcomes(multi)
    extended = set(table.loc[table["base_arm"] == "Basic CCT", "extended_arm"])
    assert extended == {"CCT + business grant", "CCT + grant + savings", "GUP without savings"}


def test_outcome_classification_by_direction(multi: Evidence) -> None:
    table = combination.combination_outcomes(multi).set_index(["base_arm", "extended_arm", "outcome"])
    assert table.loc[("Basic CCT", "CCT + business grant", "consumption"), "comparison"] == "same"
    # two unclear effects are never "the same"
    both_unclear = table.loc[("Basic CCT", "CCT + business grant", "off_farm_hours")]
    assert (both_unclear["base_effect"], both_unclear["extended_effect"]) == ("unclear", "unclear")
    assert both_unclear["comparison"] == "cannot_tell"
    assert table.loc[("Basic CCT", "CCT + grant + savings", "consumption"), "comparison"] == "combined_worse"
    assert table.loc[("Basic CCT", "CCT + grant + savings", "debt"), "comparison"] == "combined_worse"
    # an outcome only one arm reported cannot be compared
    assert table.loc[("Basic CCT", "CCT + business grant", "assets"), "comparison"] == "cannot_tell"


def test_direct_contrast_decides_and_brings_its_own_estimate(multi: Evidence) -> None:
    table = combination.combination_outcomes(multi).set_index(["base_arm", "extended_arm", "outcome"])
    row = table.loc[("CCT + business grant", "CCT + grant + savings", "assets")]
    assert (row["direct_effect"], row["direct_findings"], row["comparison"], row["basis"]) == (
        "beneficial",
        "M09",
        "combined_better",
        "direct_contrast",
    )
    assert (row["estimate_difference"], row["difference_se"], row["difference_basis"]) == (
        0.4,
        0.1,
        "direct_contrast",
    )
    # the same finding, measured against a third arm, is no effect of CCT + grant + savings against control
    other = table.loc[("Basic CCT", "CCT + grant + savings", "assets")]
    assert other["extended_comparator"] == "CCT + business grant"
    assert other["comparison"] == "cannot_tell"


def test_difference_of_independent_estimates(multi: Evidence) -> None:
    table = combination.combination_outcomes(multi).set_index(["base_arm", "extended_arm", "outcome"])
    row = table.loc[("Basic CCT", "CCT + business grant", "consumption")]
    assert row["estimate_difference"] == 15.0
    assert row["difference_se"] == pytest.approx(math.sqrt(4**2 + 5**2))
    assert row["difference_basis"] == "independent_estimates"
    missing = table.loc[("Basic CCT", "CCT + grant + savings", "consumption")]  # no estimate for one arm
    assert math.isnan(missing["estimate_difference"]) and missing["difference_basis"] == ""


def test_domain_comparison_needs_a_shared_outcome(multi: Evidence) -> None:
    table = combination.combination_domains(multi).set_index(["base_arm", "extended_arm", "domain"])
    assets = table.loc[("Basic CCT", "CCT + business grant", "assets")]
    assert (assets["base_verdict"], assets["extended_verdict"]) == ("beneficial", "beneficial")
    assert assets["n_shared_outcomes"] == 0
    assert assets["comparison"] == "cannot_tell"  # debt against assets: different outcomes
    assert table.loc[("Basic CCT", "CCT + grant + savings", "assets"), "comparison"] == "combined_worse"
    direct = table.loc[("CCT + business grant", "CCT + grant + savings", "assets")]
    assert (direct["direct_verdict"], direct["comparison"]) == ("beneficial", "combined_better")


def test_single_vs_combined_marks_pairs_that_do_not_nest(multi: Evidence) -> None:
    table = aggregate.single_vs_combined(multi)
    savings = table[table["single_arm"] == "Savings only"]
    assert set(savings.groupby("combined_arm")["comparison"].first().items()) == {
        ("CCT + business grant", "not_nested"),
        ("CCT + grant + savings", "combined_worse"),
        ("GUP without savings", "not_nested"),
    }
    assert table.loc[table["nesting"] == "not_nested", "comparison"].eq("not_nested").all()


def test_a_case_without_a_nested_pair_says_so(tmp_path: Path) -> None:
    directory = write_multi_arm(tmp_path / "m")
    arms = rows_of(directory / "arms.csv")
    for row in arms:
        row["components"] = {"Basic CCT": "CCT", "Savings only": "Savings group"}.get(row["intervention"], "")
    keep = [r for r in arms if r["intervention"] in ("Basic CCT", "Savings only")]
    rewrite(directory / "arms.csv", keep)
    findings = [
        r for r in rows_of(directory / "findings.csv") if r["intervention"] in ("Basic CCT", "Savings only")
    ]
    for r in findings:
        r["arm"] = "single" if r["intervention"] == "Basic CCT" else "combined"
    rewrite(directory / "findings.csv", findings)
    ev = load_evidence(directory)
    table = aggregate.single_vs_combined(ev)
    assert set(table["comparison"]) == {"not_nested"}
    cases = combination.no_comparison_cases(ev, table)
    assert cases["reason"].tolist() == ["no_nested_pair"]


# --------------------------------------------------------------------------- without arms.csv


def test_data_without_arms_run_as_before(synthetic_dir: Path) -> None:
    ev = load_evidence(synthetic_dir)
    assert ev.arms is None
    table = aggregate.single_vs_combined(ev)
    assert list(table.columns[: len(LEGACY_COLUMNS)]) == LEGACY_COLUMNS
    assert set(table["nesting"]) == {"not_coded"}
    assert set(table["single_comparator"]) | set(table["combined_comparator"]) <= {"unknown", ""}
    for r in table.itertuples():
        expected, _ = combination.compare(r.single_effect, r.combined_effect)
        assert r.comparison == expected
    unclear = table[(table["single_effect"] == "unclear") & (table["combined_effect"] == "unclear")]
    assert unclear["comparison"].eq("cannot_tell").all()
    assert combination.combination_outcomes(ev).empty
    assert set(combination.arm_pairs(ev)["nesting"]) == {"not_coded"}


def test_minimal_data_have_no_comparison_tables_but_run(minimal_dir: Path) -> None:
    ev = load_evidence(minimal_dir)
    assert combination.combination_domains(ev).empty
    assert list(combination.combination_domains(ev).columns) == combination.DOMAIN_COLUMNS


def test_compare_rule() -> None:
    assert combination.compare("adverse", "no_change") == ("combined_better", "directions")
    assert combination.compare("beneficial", "beneficial") == ("same", "directions")
    assert combination.compare("no_change", "adverse") == ("combined_worse", "directions")
    for hard in ("unclear", "conflicting", ""):
        assert combination.compare(hard, "beneficial")[0] == "cannot_tell"
        assert combination.compare("beneficial", hard)[0] == "cannot_tell"
    assert combination.compare("unclear", "unclear")[0] == "cannot_tell"
    assert combination.compare("beneficial", "beneficial", "adverse") == ("combined_worse", "direct_contrast")
    assert combination.compare("", "", "unclear") == ("cannot_tell", "direct_contrast")


# --------------------------------------------------------------------------- validator


def _edit_arms(directory: Path, intervention: str, **changes: str) -> int:
    rows = rows_of(directory / "arms.csv")
    index = next(i for i, r in enumerate(rows) if r["intervention"] == intervention)
    rows[index].update(changes)
    rewrite(directory / "arms.csv", rows)
    return index + 2


def located(problems: list[Problem]) -> set[tuple[str, int, str, str | None]]:
    return {(p.file, p.row, p.column, p.value) for p in problems}


def test_comparator_not_an_arm_of_the_case(data_copy: Path) -> None:
    row = _edit_arms(data_copy, "FEST + UNIDOS", comparator="PPP")
    problems = problems_of(data_copy)
    assert located(problems) == {("arms.csv", row, "comparator", "PPP")}
    assert "another arm of case 'FEST + UNIDOS' (Colombia): 'FEST'" in problems[0].expected


def test_comparator_with_a_capital_letter_is_refused(data_copy: Path) -> None:
    row = _edit_arms(data_copy, "FEST", comparator="Control")
    assert located(problems_of(data_copy)) == {("arms.csv", row, "comparator", "Control")}


def test_arm_compared_with_itself(data_copy: Path) -> None:
    row = _edit_arms(data_copy, "PPP", comparator="PPP")
    problems = problems_of(data_copy)
    assert located(problems) == {("arms.csv", row, "comparator", "PPP")}
    assert "not compared with itself" in problems[0].expected


def test_finding_comparator_is_checked(data_copy: Path) -> None:
    rows = rows_of(data_copy / "findings.csv")
    header = [*rows[0], "comparator"]
    for r in rows:
        r["comparator"] = ""
    rows[8]["comparator"] = "FEST"  # F09, FEST + UNIDOS against FEST: fine
    rows[2]["comparator"] = "SNARIV"  # F03, PPP: not an arm
    rewrite(data_copy / "findings.csv", rows, header)
    assert located(problems_of(data_copy)) == {("findings.csv", 4, "comparator", "SNARIV")}


def test_component_not_in_programmes(data_copy: Path) -> None:
    row = _edit_arms(data_copy, "FEST + UNIDOS", components="FEST;Familias en Acción")
    problems = problems_of(data_copy)
    assert located(problems) == {("arms.csv", row, "components", "FEST;Familias en Acción")}
    assert "'Familias en Acción' is not" in problems[0].expected


def test_component_of_another_country(data_copy: Path) -> None:
    row = _edit_arms(data_copy, "PPP", components="PPP;Juntos")
    assert located(problems_of(data_copy)) == {("arms.csv", row, "components", "PPP;Juntos")}


def test_empty_and_repeated_components(data_copy: Path) -> None:
    first = _edit_arms(data_copy, "FEST", components="FEST;;")
    second = _edit_arms(data_copy, "PPP", components="PPP;PPP")
    problems = problems_of(data_copy)
    assert located(problems) == {
        ("arms.csv", first, "components", "FEST;;"),
        ("arms.csv", second, "components", "PPP;PPP"),
    }


def test_comparator_cycle(data_copy: Path) -> None:
    row = _edit_arms(data_copy, "Haku Wiñay", comparator="Haku Wiñay + Soft Skills")
    problems = problems_of(data_copy)
    assert located(problems) == {
        ("arms.csv", row, "comparator", "Haku Wiñay + Soft Skills"),
        ("arms.csv", row + 1, "comparator", "Haku Wiñay"),
    }
    assert all("goes round in a circle" in p.expected for p in problems)


def test_cycle_through_a_finding(data_copy: Path) -> None:
    rows = rows_of(data_copy / "findings.csv")
    header = [*rows[0], "comparator"]
    for r in rows:
        r["comparator"] = ""
    rows[5]["comparator"] = "Haku Wiñay + Soft Skills"  # F06 (row 7): Haku Wiñay against its add-on
    rewrite(data_copy / "findings.csv", rows, header)
    got = located(problems_of(data_copy))
    assert ("findings.csv", 7, "comparator", "Haku Wiñay + Soft Skills") in got
    assert ("arms.csv", 6, "comparator", "Haku Wiñay") in got


def test_arm_without_findings_is_an_error(data_copy: Path) -> None:
    rows = rows_of(data_copy / "arms.csv")
    rows.append({**rows[0], "intervention": "FEST alone"})
    rewrite(data_copy / "arms.csv", rows)
    problems = problems_of(data_copy)
    assert located(problems) == {("arms.csv", len(rows) + 1, "intervention", "FEST alone")}
    assert "check the spelling" in problems[0].expected


def test_arm_without_findings_is_fine_as_a_comparison_group(data_copy: Path) -> None:
    rows = rows_of(data_copy / "arms.csv")
    rows.append({**rows[3], "intervention": "Juntos only", "components": "Juntos", "comparator": "unknown"})
    rows[3]["comparator"] = "Juntos only"
    rewrite(data_copy / "arms.csv", rows)
    ev = load_evidence(data_copy)
    pairs = combination.arm_pairs(ev)
    juntos = pairs[pairs["base_arm"] == "Juntos only"]
    assert set(juntos["extended_arm"]) == {"Haku Wiñay", "Haku Wiñay + Soft Skills"}
    table = combination.combination_outcomes(ev)
    direct = table[(table["base_arm"] == "Juntos only") & (table["extended_arm"] == "Haku Wiñay")]
    assert set(direct["basis"]) == {"direct_contrast"}  # Haku Wiñay against Juntos alone
    assert set(direct["comparison"]) == {"combined_better"}


def test_arms_case_must_be_a_case(data_copy: Path) -> None:
    row = _edit_arms(data_copy, "PPP", case="PPP + SNARIV")
    got = located(problems_of(data_copy))
    assert ("arms.csv", row, "country + case", "Colombia / PPP + SNARIV") in got


def test_required_comparator_column(data_copy: Path) -> None:
    rows = rows_of(data_copy / "arms.csv")
    for r in rows:
        del r["comparator"]
    rewrite(data_copy / "arms.csv", rows)
    got = located(problems_of(data_copy))
    assert ("arms.csv", 1, "comparator", None) in got


def test_shipped_tables_are_deterministic(evidence: Evidence) -> None:
    first = combination.combination_outcomes(evidence)
    second = combination.combination_outcomes(evidence)
    pd.testing.assert_frame_equal(first, second)


def test_many_arms_stay_fast(tmp_path: Path) -> None:
    ev = load_evidence(write_synthetic(tmp_path / "s", n_findings=5000, n_countries=4, cases_per_country=5))
    table = aggregate.single_vs_combined(ev)
    assert len(table) and set(table["comparison"]) <= set(combination.COMPARISONS)


# --------------------------------------------------------------------------- text and figures


@pytest.mark.parametrize("lang", ["en", "es"])
def test_notebook_text_names_cases_without_a_comparison(evidence: Evidence, lang: str) -> None:
    from synergies import describe

    table = aggregate.single_vs_combined(evidence)
    text = describe.no_comparison(combination.no_comparison_cases(evidence, table), lang)
    assert "PPP" in text and "PROINPRO + PDPs" in text
    reason = {"en": "only single arms", "es": "solo brazos individuales"}[lang]
    assert reason in text


def test_notebook_text_says_what_is_unknown(evidence: Evidence) -> None:
    from synergies import describe

    text = describe.combination(
        combination.arm_pairs(evidence),
        combination.combination_outcomes(evidence),
        combination.arm_table(evidence),
        evidence,
        "en",
    )
    assert "2 pairs of arms nest" in text
    assert "What 4 arms are compared with is unknown" in text
    assert "does better on 2, the same on 0 and worse on 0; on 12" in text


def test_single_vs_combined_figure_shows_signs_and_no_comparison_cases(evidence: Evidence) -> None:
    from synergies import plots

    table = aggregate.single_vs_combined(evidence)
    page = plots.single_combined_pages(table)[0]
    fig = plots.single_combined_figure(evidence, table, "en", page)
    texts = [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]
    joined = " ".join(texts)
    assert "−" in texts and "+" in texts  # the sign of change beside the glyphs
    assert "PPP (Colombia): only single arms" in joined
    assert "better" in texts and "cannot tell" in texts


def test_narrative_never_names_a_case_for_an_arm_result(evidence: Evidence) -> None:
    from synergies import narrative

    text = narrative.render_markdown(narrative.build(evidence), "en")
    assert "FEST + UNIDOS points to" not in text
    assert "FEST (an arm of FEST + UNIDOS) points to beneficial effects" in text
    assert "Haku Wiñay + Soft Skills was measured against Haku Wiñay itself" in text
