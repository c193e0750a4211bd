"""The arm comparison's one-pass tallies agree with the pandas groupings and filters they replace."""

from __future__ import annotations

import pytest

from synergies.load import Evidence, load_evidence
from synergies.narrative.arms import (
    _case_arm_verdicts,
    _case_findings,
    _evaluated_cases,
    _pair_refs,
    _pairs,
)
from synergies.narrative.facts import _Facts
from synergies.synthetic import write_multi_arm, write_synthetic


@pytest.fixture(scope="module", params=["synthetic", "multi_arm"])
def ev(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Evidence:
    """Synthetic data of several countries and arms, and data with direct and not-nested pairs."""
    root = tmp_path_factory.mktemp(request.param)
    if request.param == "multi_arm":
        return load_evidence(write_multi_arm(root / "m"))
    return load_evidence(write_synthetic(root / "d", n_findings=900, n_countries=9, seed=7))


def test_pairs_hold_the_rows_a_groupby_gives(ev: Evidence) -> None:
    facts = _Facts.of(ev)
    table = facts.comparison
    seen = 0
    grouped = table.groupby(["country", "case", "single_arm", "combined_arm"], sort=False)
    by_case: dict[tuple[str, str], list] = {}
    for (country, case, single, combined), rows in grouped:
        by_case.setdefault((country, case), []).append(((single, combined), rows))
    for key, expected in by_case.items():
        mine = _pairs(facts, *key)
        assert [pair for pair, _ in mine] == [pair for pair, _ in expected]
        for (_, rows), (_, frame) in zip(mine, expected, strict=True):
            for column, values in rows.items():
                assert values == frame[column].tolist()
            assert _pair_refs(facts, rows) == facts.rows.findings(
                i
                for c in ("single_findings", "combined_findings")
                for v in frame[c]
                for i in v.split(";")
                if i
            )
            seen += 1
    assert seen == len(grouped)
    assert _pairs(facts, "no such country", "no case") == []


def test_case_tallies_match_the_case_frames(ev: Evidence) -> None:
    facts = _Facts.of(ev)
    for country in facts.countries:
        arms = facts.arms[facts.arms["country"] == country]  # the pandas reading the tallies replace
        evaluated = list(dict.fromkeys(arms.loc[arms["n_findings"] > 0, "case"]))
        assert _evaluated_cases(facts, country) == evaluated
        for case in evaluated:
            rows = ev.findings[(ev.findings["country"] == country) & (ev.findings["case"] == case)]
            tally = _case_findings(facts, country, case)
            assert tally["kind"] == rows["arm"].iloc[0]
            sizes = rows.groupby(["intervention", "domain"], sort=False).size().to_dict()
            assert {k: len(v) for k, v in tally["by_arm_domain"].items()} == sizes
            verdicts = facts.part("arm_verdicts", country=country, case=case)
            expected = {
                arm: dict(zip(g["domain"], g["verdict"], strict=True))
                for arm, g in verdicts.groupby("intervention")
            }
            assert _case_arm_verdicts(facts, country, case) == expected


def test_an_unknown_finding_id_in_a_pair_is_a_clear_error(ev: Evidence) -> None:
    facts = _Facts.of(ev)
    rows = {"single_findings": ["NO-SUCH-ID"], "combined_findings": [""]}
    with pytest.raises(ValueError, match="NO-SUCH-ID"):
        _pair_refs(facts, rows)
