"""The country sections' one-pass tallies agree with plain pandas counts, and keep the old orders."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from synergies import narrative
from synergies.load import Evidence, load_evidence
from synergies.narrative.country import _country_tally, _institutional_rows, _sorted_institutional
from synergies.narrative.facts import _Facts
from synergies.synthetic import write_synthetic


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> Evidence:
    """Synthetic data of several countries, cases and domains."""
    return load_evidence(
        write_synthetic(tmp_path_factory.mktemp("many") / "d", n_findings=900, n_countries=9, seed=7)
    )


def test_findings_tally_counts_what_pandas_counts(many: Evidence) -> None:
    facts = _Facts.of(many)
    findings = many.findings
    for country, rows in findings.groupby("country"):
        tally = _country_tally(facts, country)
        assert len(tally["ids"]) == len(rows)
        assert {d: len(v) for d, v in tally["domains"].items()} == rows["domain"].value_counts().to_dict()
        for effect, of_effect in rows.groupby("effect"):
            mine = tally["effects"][effect]
            assert len(mine["ids"]) == len(of_effect)
            assert mine["domains"] == of_effect["domain"].value_counts().to_dict()
            pairs = of_effect.groupby(["outcome", "direction"]).size().to_dict()
            assert {k: len(v) for k, v in mine["changes"].items()} == pairs
    assert _country_tally(facts, "no such country")["ids"] == []


def _pandas_order(facts: _Facts, rows: pd.DataFrame) -> list[tuple]:
    """The order the section used to sort institutional rows in (assign, sort_values, drop)."""
    rank = {k: i for i, k in enumerate(facts.ev.factors["factor"])}
    work = rows.assign(
        _rank=rows["factor"].map(rank).fillna(len(rank)),
        _level=rows["level"].map({"national": 0, "local": 1}),
        _name=rows["factor"].str.casefold(),
    )
    return _institutional_rows(work.sort_values(["_rank", "_level", "_name"], kind="stable"))


def test_institutional_rows_sort_as_the_frame_sort_did(evidence: Evidence) -> None:
    facts = _Facts.of(evidence)
    rows = evidence.institutional
    extra = rows.iloc[:3].assign(
        factor=["zeta_unknown", "Alpha_unknown", "alpha_unknown"]
    )  # outside the list
    every = pd.concat([rows.iloc[::-1], extra], ignore_index=True)
    assert _sorted_institutional(facts, _institutional_rows(every)) == _pandas_order(facts, every)


def test_two_one_case_factors_are_listed_as_any_list_of_long_items(data_copy: Path) -> None:
    """With exactly two factors of one case each, the list reads 'A, and B' (as every list whose items
    hold commas), where the sentence used to write 'A; and B'; three or more still read 'A; B; and C'."""
    inst = pd.read_csv(data_copy / "institutional.csv", dtype=str, keep_default_na=False)
    built = narrative.build(load_evidence(data_copy))
    single = [s for s in built.sentences() if s.en.startswith("Other factors appear in one case each")]
    assert len(single) == 1 and "; and " in single[0].en
    named = sorted({r.key[2] for r in single[0].refs})
    keep = inst[~inst["factor"].isin(named[2:])]
    keep.to_csv(data_copy / "institutional.csv", index=False, lineterminator="\n")
    built = narrative.build(load_evidence(data_copy))
    two = [s for s in built.sentences() if s.en.startswith("Other factors appear in one case each")]
    assert len(two) == 1 and len({r.key[2] for r in two[0].refs}) == 2
    assert "; " not in two[0].en.split(" [")[0] and ", and " in two[0].en
