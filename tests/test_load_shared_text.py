"""`load.share_repeated_text`: repeated text held once, with values, dtypes' names and outputs unchanged."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest

from synergies import aggregate, narrative
from synergies.load import load_evidence, share_repeated_text
from synergies.run import narrative_cache
from synergies.shared_text import shared_column


@pytest.fixture(scope="module")
def loaded():
    """The shipped data as load_evidence returns them, and a copy with its repeated text shared."""
    original = load_evidence("data")
    shared = copy.deepcopy(original)
    assert share_repeated_text(shared) is shared
    return original, shared


def _frames(ev):
    return {name: value for name, value in vars(ev).items() if isinstance(value, pd.DataFrame)}


def test_values_missing_values_and_dtype_names_are_unchanged(loaded):
    original, shared = loaded
    assert _frames(original).keys() == _frames(shared).keys()
    for name, before in _frames(original).items():
        after = _frames(shared)[name]
        assert list(after.columns) == list(before.columns), name
        assert [str(t) for t in after.dtypes] == [str(t) for t in before.dtypes], name
        assert after.index.equals(before.index), name
        pd.testing.assert_frame_equal(after, before, check_dtype=False)
        for column in before.columns:
            assert after[column].isna().tolist() == before[column].isna().tolist(), (name, column)


def test_repeated_columns_share_one_object_per_value_and_distinct_ones_stay(loaded):
    original, shared = loaded
    findings = shared.findings
    assert findings["country"].dtype.storage == "python"
    values = findings["country"].to_numpy()
    assert all(value is values[0] for value in values if value == values[0])
    assert findings["finding_id"].dtype == original.findings["finding_id"].dtype  # all distinct: kept


def test_sharing_twice_changes_nothing_and_adds_no_field(loaded):
    _, shared = loaded
    again = copy.deepcopy(shared)
    share_repeated_text(again)
    assert vars(again).keys() == vars(shared).keys()
    for name, frame in _frames(shared).items():
        pd.testing.assert_frame_equal(_frames(again)[name], frame)


def test_the_runners_digest_is_the_same(loaded):
    original, shared = loaded
    assert narrative_cache.digest(shared) == narrative_cache.digest(original)


def test_tables_and_narrative_are_the_same(loaded):
    original, shared = loaded
    for table in ("effects_by_domain", "case_domain_verdicts", "country_domain", "evidence_gaps", "arms"):
        before, after = getattr(aggregate, table)(original), getattr(aggregate, table)(shared)
        assert after.to_csv(index=False) == before.to_csv(index=False), table
    built_before, built_after = narrative.build(original), narrative.build(shared)
    for lang in ("en", "es"):
        assert narrative.render_markdown(built_after, lang) == narrative.render_markdown(built_before, lang)


def test_shared_column_keeps_missing_values_and_leaves_other_columns_alone():
    text = pd.Series(["a", None, "b", "a", "a", None], dtype="str", name="x")
    shared = shared_column(text)
    assert shared is not None and shared.name == "x" and str(shared.dtype) == "str"
    assert shared.isna().tolist() == text.isna().tolist()
    assert shared.dropna().tolist() == text.dropna().tolist()
    assert shared_column(pd.Series(["a", "b", "c"], dtype="str")) is None  # mostly distinct
    assert shared_column(pd.Series([1, 1, 1])) is None  # not text
    assert shared_column(pd.Series([], dtype="str")) is None
    nullable = pd.Series(["a", pd.NA, "a", "a"], dtype=pd.StringDtype("pyarrow", na_value=pd.NA))
    shared = shared_column(nullable)
    assert shared is not None and shared.dtype.na_value is pd.NA and shared.isna().tolist() == [0, 1, 0, 0]
    assert np.array_equal(shared.fillna("?").to_numpy(), nullable.fillna("?").to_numpy())
