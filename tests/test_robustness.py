"""The robustness grid: hand counts on the shipped data, known answers on synthetic data, and
scenarios that cannot run listed with why; the new contract columns validated with located messages."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest

from synergies import contract, robustness
from synergies.load import DataError, Evidence, load_evidence


def write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def known_dir(tmp_path: Path) -> Path:
    """One domain, four arms in three cases, with n, significance, ratings and one alternative polarity.

    C1/A: up1+ (n 400, significant), up2+ (n 400, not significant), up3- (n 400): 2 of 3 beneficial.
    C1/AB: up1+ (n 30, significant), amb+ (n 30; ambiguous, alternative lower).
    C2/B (rated high): up1+ (n 100, p 0.01), up2+ (n 100, p 0.2).  C3/D: up1- (n 20).
    """
    d = tmp_path / "known"
    d.mkdir()
    write(
        d / "outcomes.csv",
        ["outcome", "domain", "better", "better_alternative"],
        [["up1", "d1", "higher", ""], ["up2", "d1", "higher", ""], ["up3", "d1", "higher", ""],
         ["amb", "d1", "ambiguous", "lower"]],
    )  # fmt: skip
    header = ["finding_id", "country", "case", "intervention", "arm", "outcome", "direction",
              "p_value", "significant", "n"]  # fmt: skip
    write(
        d / "findings.csv",
        header,
        [
            ["K1", "X", "C1", "A", "single", "up1", "increase", "", "true", "400"],
            ["K2", "X", "C1", "A", "single", "up2", "increase", "", "false", "400"],
            ["K3", "X", "C1", "A", "single", "up3", "decrease", "", "false", "400"],
            ["K4", "X", "C1", "AB", "combined", "up1", "increase", "", "true", "30"],
            ["K5", "X", "C1", "AB", "combined", "amb", "increase", "", "", "30"],
            ["K6", "X", "C2", "B", "single", "up1", "increase", "0.01", "", "100"],
            ["K7", "X", "C2", "B", "single", "up2", "increase", "0.2", "", "100"],
            ["K8", "Y", "C3", "D", "single", "up1", "decrease", "", "", "20"],
        ],
    )
    write(
        d / "cases.csv",
        ["case", "country", "risk_of_bias", "rob_tool"],
        [["C1", "X", "low", "RoB 2"], ["C2", "X", "high", "ROBINS-I"], ["C3", "Y", "unknown", ""]],
    )
    return d


# scenario: (n_beneficial, n_adverse, n_conflicting, p_value, verdict), all counted by hand
KNOWN = {
    "baseline": (2, 1, 1, 1.0, "conflicting"),  # A conflicting (67 % < 70 %), AB, B beneficial, D adverse
    "threshold_60": (3, 1, 0, 0.625, "beneficial"),  # A beneficial at 60 %; 3 of 4 units
    "threshold_80": (2, 1, 1, 1.0, "conflicting"),
    "unit_case": (2, 1, 0, 1.0, "conflicting"),  # C1 pools 3+ 1- (75 %): beneficial; C2 +, C3 -
    "unit_finding": (5, 2, 0, 58 / 128, "beneficial"),  # 5 of 7 findings with a direction = 71 %
    "unclear_in_denominator": (1, 1, 2, 1.0, "conflicting"),  # AB: 1+ of 2 = 50 %
    "alternative_amb": (1, 1, 2, 1.0, "conflicting"),  # AB: amb rise read as adverse
    "exclude_high_risk_of_bias": (1, 1, 1, 1.0, "conflicting"),  # B left out
    "exclude_small_samples": (1, 0, 1, 1.0, "conflicting"),  # AB and D (n < 50) left out
    "significant_only": (3, 0, 0, 0.25, "beneficial"),  # K1, K4, K6 (p 0.01): the biased count
}


@pytest.fixture
def known(tmp_path: Path) -> Evidence:
    return load_evidence(known_dir(tmp_path))


def test_every_scenario_gives_the_hand_counts(known: Evidence) -> None:
    grid = robustness.robustness_grid(known)
    assert list(grid.columns[:8]) == robustness.ROBUSTNESS_COLUMNS[:8] == [
        "domain", "scenario", "scenario_group", "n_beneficial", "n_adverse", "n_conflicting",
        "p_value", "verdict",
    ]  # fmt: skip
    assert set(grid["scenario"]) == set(KNOWN)
    for row in grid.itertuples(index=False):
        n_ben, n_adv, n_conf, p, verdict = KNOWN[row.scenario]
        got = (row.n_beneficial, row.n_adverse, row.n_conflicting, row.verdict)
        assert got == (n_ben, n_adv, n_conf, verdict), row.scenario
        assert math.isclose(row.p_value, p), row.scenario
        assert row.runnable


def test_the_biased_comparator_never_counts_as_robustness(known: Evidence) -> None:
    grid = robustness.robustness_grid(known)
    flags = dict(zip(grid["scenario"], grid["counts_for_robustness"], strict=True))
    assert not flags["significant_only"] and not flags["baseline"]
    summary = robustness.domain_robustness(grid).iloc[0]
    assert summary["n_scenarios"] == len(KNOWN) - 2
    assert summary["significant_only_verdict"] == "beneficial"
    changed = dict(summary["changes"])
    assert summary["changed_by"] == ";".join(f"{k}={v}" for k, v in summary["changes"])
    assert changed == {"threshold_60": "beneficial", "unit_finding": "beneficial"}
    assert summary["n_same"] == summary["n_scenarios"] - 2


def test_shipped_data_hand_counts(evidence: Evidence) -> None:
    """Food security: FEST + UNIDOS (severe food insecurity down, mild up), PPP (moderate down, mild up)."""
    grid = robustness.robustness_grid(evidence).set_index(["domain", "scenario"])
    food = grid.loc["food_security_education"]
    assert tuple(food.loc["baseline", ["n_beneficial", "n_adverse", "n_conflicting", "verdict"]]) == (
        2, 0, 0, "beneficial"
    )  # fmt: skip
    mild = food.loc["alternative_mild_food_insecurity"]
    assert (mild["n_beneficial"], mild["n_conflicting"], mild["verdict"]) == (0, 2, "conflicting")
    assert math.isnan(mild["p_value"])
    productive = grid.loc["productive"]
    # PPP: assets+, livestock+, food crops- = 67 %: conflicting at 70 %, beneficial at 60 %.
    assert productive.loc["baseline", "verdict"] == "conflicting"
    assert productive.loc["threshold_60", "verdict"] == "beneficial"
    psych = grid.loc["psychosocial"]
    assert psych.loc["baseline", "n_beneficial"] == 4 and psych.loc["unit_case", "n_beneficial"] == 3
    assert math.isclose(psych.loc["baseline", "p_value"], 0.125)
    assert math.isclose(psych.loc["unit_case", "p_value"], 0.25)
    assert psych.loc["unit_finding", "n_beneficial"] == 9
    for scenario in ("exclude_high_risk_of_bias", "exclude_small_samples", "significant_only"):
        assert not grid.loc[("productive", scenario), "runnable"]
        assert grid.loc[("productive", scenario), "verdict"] == "not_run"


def test_minimal_data_say_which_scenarios_cannot_run_and_why(minimal_dir: Path) -> None:
    ev = load_evidence(minimal_dir)
    grid = robustness.robustness_grid(ev)
    why = dict(zip(grid["scenario"], grid["why_not"], strict=True))
    assert "better_alternative" in why["alternative_polarity"]
    assert "risk_of_bias" in why["exclude_high_risk_of_bias"]
    assert "(n)" in why["exclude_small_samples"]
    assert "significant" in why["significant_only"]
    runnable = set(grid.loc[grid["runnable"], "scenario"])
    assert runnable == {"baseline", "threshold_60", "threshold_80", "unit_case", "unit_finding",
                        "unclear_in_denominator"}  # fmt: skip
    assert set(grid["domain"]) == set(ev.domain_order)
    assert len(grid) == len(ev.domain_order) * len(set(grid["scenario"]))


def test_same_data_same_grid(known: Evidence) -> None:
    first = robustness.robustness_grid(known).to_csv(index=False)
    assert robustness.robustness_grid(known).to_csv(index=False) == first


def test_domain_verdict_rule() -> None:
    assert robustness.domain_verdict(7, 0, 0, 3, 0, 0.7) == "beneficial"
    assert robustness.domain_verdict(6, 0, 0, 4, 0, 0.7) == "conflicting"
    assert robustness.domain_verdict(0, 0, 0, 0, 2, 0.7) == "unclear"
    assert robustness.domain_verdict(0, 0, 0, 0, 0, 0.7) == "no_units"
    assert robustness.domain_verdict(0, 3, 1, 0, 5, 0.7) == "adverse"


def test_source_without_null_results_is_flagged(evidence: Evidence, known: Evidence) -> None:
    flagged = robustness.sources_without_nulls(evidence)
    assert flagged[["source_id", "n_findings"]].values.tolist() == [["RS-BRIEF", 25]]
    assert robustness.sources_without_nulls(known)["source_id"].tolist() == [""]


def test_bad_quality_columns_are_located(tmp_path: Path) -> None:
    d = known_dir(tmp_path)
    write(d / "cases.csv", ["case", "country", "risk_of_bias", "rob_tool"],
          [["C1", "X", "Low", "RoB 2"], ["C2", "X", "high", ""], ["C3", "Y", "unknown", ""]])  # fmt: skip
    write(d / "outcomes.csv", ["outcome", "domain", "better", "better_alternative"],
          [["up1", "d1", "higher", "higher"], ["up2", "d1", "higher", ""], ["up3", "d1", "higher", ""],
           ["amb", "d1", "ambiguous", "worse"]])  # fmt: skip
    with pytest.raises(DataError) as err:
        load_evidence(d)
    found = {(p.file, p.row, p.column, p.value) for p in err.value.problems}
    assert ("cases.csv", 2, "risk_of_bias", "Low") in found
    assert ("cases.csv", 3, "rob_tool", "") in found
    assert ("outcomes.csv", 2, "better_alternative", "higher") in found
    assert ("outcomes.csv", 5, "better_alternative", "worse") in found
    assert len(found) == 4
    assert set(contract.RISK_OF_BIAS) == {"low", "some_concerns", "high", "unknown"}
