"""Verdicts, sign tests, intervals and comparisons, checked against hand counts and the literature."""

from __future__ import annotations

import csv
import math
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from synergies import aggregate as ag
from synergies.config import DATA_DIR
from synergies.load import load_evidence


def counts(beneficial=0, adverse=0, no_change=0, unclear=0) -> pd.DataFrame:
    return pd.DataFrame(
        [{"beneficial": beneficial, "adverse": adverse, "no_change": no_change, "unclear": unclear}]
    )


@pytest.mark.parametrize(
    ("tallies", "expected"),
    [
        ({"beneficial": 1}, "beneficial"),
        ({"beneficial": 7, "adverse": 3}, "beneficial"),  # exactly 70 % agrees
        ({"beneficial": 2, "adverse": 1}, "conflicting"),  # 67 % is below the threshold
        ({"adverse": 4, "beneficial": 1}, "adverse"),
        ({"no_change": 3}, "no_change"),
        ({"beneficial": 1, "adverse": 1}, "conflicting"),
        ({"beneficial": 1, "unclear": 5}, "beneficial"),  # unclear outcomes cannot vote
        ({"unclear": 2}, "unclear"),
    ],
)
def test_within_arm_verdict_follows_the_70_percent_rule(tallies, expected):
    assert ag.verdicts(counts(**tallies)).iloc[0] == expected


def test_verdict_threshold_is_a_parameter():
    assert ag.verdicts(counts(beneficial=2, adverse=1), threshold=0.6).iloc[0] == "beneficial"
    assert ag.verdicts(counts(beneficial=7, adverse=3), threshold=0.8).iloc[0] == "conflicting"


def test_cochrane_worked_example_10_of_12():
    """Cochrane Handbook 12.4.2.3: 10 of 12 favour, 83 % (95 % CI 55 % to 95 %), P = 0.039."""
    p_value, proportion, low, high = ag.sign_test(10, 2)
    assert round(proportion * 100) == 83
    assert (round(low * 100), round(high * 100)) == (55, 95)
    assert round(p_value, 3) == 0.039


def test_hilton_boon_and_thomson_sign_test_arithmetic():
    """Hilton Boon & Thomson 2021: 9 improving, 0 worsening gives p ≈ 0.004; 5 against 1 gives ≈ 0.22."""
    assert round(ag.sign_test(9, 0)[0], 3) == 0.004
    assert round(ag.sign_test(5, 1)[0], 2) == 0.22


def test_wilson_interval_edges():
    assert all(math.isnan(x) for x in ag.wilson_interval(0, 0))
    low, high = ag.wilson_interval(0, 5)
    assert low == 0.0 and 0.4 < high < 0.45
    low, high = ag.wilson_interval(5, 5)
    assert high == 1.0 and 0.55 < low < 0.6
    assert all(math.isnan(x) for x in ag.sign_test(0, 0))


@pytest.mark.parametrize("n", [*range(1, 41), 51, 100, 151, 300])
def test_sign_test_p_value_agrees_with_scipy(n):
    """The integer-arithmetic p-value is scipy's binomtest(k, n, 0.5) to 1e-12 (exact), 1 at k = n/2."""
    from scipy.stats import binomtest

    for k in range(n + 1):
        p_value = ag.sign_test(k, n - k)[0]
        expected = binomtest(k, n, 0.5, alternative="two-sided").pvalue
        assert p_value == pytest.approx(expected, rel=1e-12, abs=0), (k, n)
        assert 0 < p_value <= 1
        if 2 * k == n:
            assert p_value == expected == 1.0


@pytest.mark.parametrize("confidence", [0.5, 0.8, 0.9, 0.95, 0.99])
def test_wilson_interval_agrees_with_scipy(confidence):
    from scipy.stats import norm

    z = float(norm.ppf(0.5 + confidence / 2))
    for successes, n in [(0, 1), (1, 1), (10, 12), (3, 7), (50, 100), (1, 300)]:
        p = successes / n
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = (z / (1 + z * z / n)) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
        expected = (max(0.0, centre - half), min(1.0, centre + half))
        got = ag.wilson_interval(successes, n, confidence)
        assert got == pytest.approx(expected, rel=1e-12, abs=1e-15)
        if confidence == 0.95:
            assert got == expected  # the 95 % interval keeps scipy's bits (the tables were written with it)


def test_aggregate_imports_no_scipy():
    """scipy is a test-only dependency: the analysis must not import it (0.8 s per kernel)."""
    code = "import sys, synergies.aggregate, synergies.narrative, synergies.describe, synergies.plots\n"
    code += "print(sorted(m for m in sys.modules if m.split('.')[0] == 'scipy'))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def _hand_counts(data_dir: Path) -> Counter:
    """Arm × domain × effect counts computed with the csv module only, independently of pandas."""
    with (data_dir / "outcomes.csv").open(encoding="utf-8") as handle:
        codebook = {r["outcome"]: (r["domain"], r["better"]) for r in csv.DictReader(handle)}
    tally: Counter = Counter()
    with (data_dir / "findings.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            domain, better = codebook[row["outcome"]]
            direction = row["direction"]
            if direction == "no_change":
                effect = "no_change"
            elif better == "ambiguous":
                effect = "unclear"
            elif (direction == "increase") == (better == "higher"):
                effect = "beneficial"
            else:
                effect = "adverse"
            tally[(row["country"], row["case"], row["intervention"], domain, effect)] += 1
    return tally


@pytest.mark.parametrize("which", ["shipped", "synthetic", "minimal"])
def test_effects_by_domain_matches_hand_counts(which, synthetic_dir, minimal_dir):
    data_dir = {"shipped": DATA_DIR, "synthetic": synthetic_dir, "minimal": minimal_dir}[which]
    table = ag.effects_by_domain(load_evidence(data_dir))
    assert list(table.columns) == ag.EFFECTS_BY_DOMAIN_COLUMNS
    expected = _hand_counts(data_dir)
    got: Counter = Counter()
    for row in table.itertuples():
        for effect in ("beneficial", "adverse", "no_change", "unclear"):
            if getattr(row, effect):
                got[(row.country, row.case, row.intervention, row.domain, effect)] = getattr(row, effect)
        assert row.total == row.beneficial + row.adverse + row.no_change + row.unclear
    assert got == expected


def test_shipped_effects_by_domain_verdicts(evidence):
    table = ag.effects_by_domain(evidence).set_index(["intervention", "domain"])
    # PPP productive: assets and livestock up (beneficial), food crops down (adverse): 2 of 3 < 70 %.
    assert table.loc[("PPP", "productive"), "verdict"] == "conflicting"
    assert table.loc[("FEST + UNIDOS", "psychosocial"), "beneficial"] == 3
    assert len(table) == 13


def test_arms_keep_the_case_without_evaluation(evidence):
    arms = ag.arms(evidence)
    mexico = arms[arms["country"] == "Mexico"]
    assert len(mexico) == 1
    assert mexico["n_findings"].iloc[0] == 0 and not mexico["has_impact_evaluation"].iloc[0]
    assert arms["country"].tolist() == sorted(arms["country"], key=str.casefold)


def test_sign_tests_count_conflicting_and_evaluations(evidence):
    by_arm = ag.sign_tests(ag.effects_by_domain(evidence), evidence)
    assert list(by_arm.columns[:8]) == ag.SIGN_TEST_COLUMNS
    productive = by_arm.set_index("domain").loc["productive"]
    assert (productive.n_beneficial, productive.n_adverse, productive.n_conflicting) == (2, 0, 1)
    psych = by_arm.set_index("domain").loc["psychosocial"]
    # Four arms vote, but they come from three evaluations: the table says so.
    assert psych.n_beneficial == 4 and psych.n_evaluations == 3
    by_case = ag.sign_tests(ag.case_domain_verdicts(evidence), evidence, unit="case")
    assert by_case.set_index("domain").loc["psychosocial", "n_beneficial"] == 3


def test_single_vs_combined_is_honest_about_different_outcomes(evidence):
    table = ag.single_vs_combined(evidence)
    assert set(table["case"]) == {"FEST + UNIDOS", "Haku Wiñay + Juntos"}
    assert not table["comparable"].any()


def test_single_vs_combined_compares_shared_outcomes(data_copy):
    findings = data_copy / "findings.csv"
    text = findings.read_text(encoding="utf-8")
    extra = "F99,Colombia,FEST + UNIDOS,FEST + UNIDOS,combined,productive_assets,decrease,,,,,,RS-BRIEF,,\n"
    findings.write_text(text + extra, encoding="utf-8")
    table = ag.single_vs_combined(load_evidence(data_copy))
    row = table[(table["outcome"] == "productive_assets") & (table["case"] == "FEST + UNIDOS")].iloc[0]
    assert row.comparable and (row.single_effect, row.combined_effect) == ("beneficial", "adverse")
    assert (row.single_findings, row.combined_findings) == ("F01", "F99")


def test_country_domain_lists_every_domain_for_every_country(evidence):
    table = ag.country_domain(evidence)
    assert len(table) == 3 * 5
    mexico = table[table["country"] == "Mexico"]
    assert mexico["total"].sum() == 0
    assert table["total"].sum() == len(evidence.findings)


def test_factor_summary_counts_shared_factors(evidence):
    table = ag.factor_summary(evidence).set_index("factor")
    assert table.loc["local_informal_coordination", "n_cases"] == 3
    assert table.loc["local_informal_coordination", "n_local"] == 3
    assert table["n_enabler"].sum() + table["n_barrier"].sum() + table["n_mixed"].sum() == 12


def test_evidence_gaps_name_cases_and_unmeasured_domains(evidence):
    gaps = ag.evidence_gaps(evidence)
    assert ("case_without_findings", "Mexico") in set(zip(gaps["kind"], gaps["country"], strict=True))
    peru = gaps[(gaps["country"] == "Peru") & (gaps["kind"] == "domain_not_measured")]
    assert set(peru["domain"]) == {"food_security_education", "finance_risk"}


def test_institutional_parts_are_none_without_the_file(minimal_dir):
    ev = load_evidence(minimal_dir)
    assert ag.institutional_matrix(ev) is None and ag.factor_summary(ev) is None
