"""The count checker's row index and integer-code counts agree with plain pandas filtering."""

from __future__ import annotations

import random

import pandas as pd
import pytest

from synergies import aggregate
from synergies.load import Evidence, load_evidence
from synergies.narrative import verify
from synergies.narrative.model import Count, natural_key
from synergies.narrative.refs import _citation_order, _simple_order
from synergies.synthetic import write_synthetic


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> Evidence:
    """Synthetic data of several countries, cases and domains."""
    directory = tmp_path_factory.mktemp("index") / "d"
    return load_evidence(write_synthetic(directory, n_findings=1500, n_countries=6, seed=5))


def _pandas_rows(frame: pd.DataFrame, where: dict[str, tuple[str, ...]]) -> pd.DataFrame:
    """The rows whose columns (as text) hold one of the allowed values; filters on absent columns ignored."""
    keep = pd.Series(True, index=frame.index)
    for column, allowed in where.items():
        if column in frame.columns:
            keep &= frame[column].astype(str).isin(allowed)
    return frame[keep]


def test_rows_and_distinct_counts_are_what_pandas_counts(many: Evidence) -> None:
    tables = verify.Tables(many)
    findings = many.findings
    countries = sorted(findings["country"].unique())
    domains = sorted(findings["domain"].unique())
    queries = [
        {},
        {"country": (countries[0],)},
        {"country": (countries[0], countries[2]), "effect": ("adverse", "beneficial")},
        {"country": (countries[1],), "domain": (domains[0],), "effect": ("unclear",)},
        {"country": ("no such country",)},
        {"no_such_column": ("x",), "domain": (domains[1],)},
    ]
    for query in queries:
        where = tuple(sorted(query.items()))
        expected = _pandas_rows(findings, query)
        assert tables.n_rows("findings", where) == len(expected)
        positions = tables.positions("findings", where)
        if positions is not None:
            assert positions == [findings.index.get_loc(i) for i in expected.index]
        for columns in (["domain"], ["country", "case"], ["outcome", "direction", "intervention"]):
            distinct = len(expected[columns].drop_duplicates())
            assert tables.n_distinct("findings", where, columns) == distinct


def test_distinct_counts_count_every_missing_value_once() -> None:
    frame = pd.DataFrame({"a": ["x", None, "y", float("nan"), "x"], "b": [1.0, 2.0, None, 2.0, 1.0]})
    tables = verify.Tables(None, {"t": frame})  # type: ignore[arg-type]
    assert tables.n_distinct("t", (), ["a"]) == 3
    assert tables.n_distinct("t", (), ["a", "b"]) == len(frame.drop_duplicates())
    assert verify.recompute(Count(3, "t", "distinct:a"), tables) == 3


def test_a_wrong_count_is_still_found(many: Evidence) -> None:
    tables = verify.Tables(many)
    country = many.findings["country"].iloc[0]
    n = int((many.findings["country"] == country).sum())
    right = Count(n, "findings", "rows", (("country", (country,)),))
    wrong = Count(n + 1, "findings", "rows", (("country", (country,)),))
    assert verify.holds(right, tables)
    assert not verify.holds(wrong, tables)


def test_sign_tests_count_what_a_filter_per_domain_counts(many: Evidence) -> None:
    table = aggregate.effects_by_domain(many)
    tests = aggregate.sign_tests(table, many).set_index("domain")
    for domain in many.domain_order:
        units = table[table["domain"] == domain]
        voters = units[units["verdict"].isin(["beneficial", "adverse", "no_change"])]
        assert tests.loc[domain, "n_units"] == len(units)
        assert tests.loc[domain, "n_beneficial"] == (units["verdict"] == "beneficial").sum()
        assert tests.loc[domain, "n_evaluations"] == len(voters[["country", "case"]].drop_duplicates())


def test_citation_order_of_simple_ids_is_the_natural_order() -> None:
    rng = random.Random(3)
    prefixes = ["F", "f", "G", "", "Ab", "aB"]
    ids = [rng.choice(prefixes) + str(rng.randint(0, 999)).zfill(rng.choice([1, 3, 5])) for _ in range(3000)]
    ids = [i for i in ids if i[0:1].isalpha()] + ["7", "07"]
    assert _simple_order(ids) == sorted(range(len(ids)), key=lambda i: natural_key(ids[i]))
    assert _citation_order([(i,) for i in ids]) == _simple_order(ids)
    for odd in (["F1", "F١"], ["F1", "x"], ["F1" + "9" * 20]):
        assert _simple_order(odd) is None  # left to the general sort


def test_the_text_index_is_what_a_groupby_on_text_gives() -> None:
    frame = pd.DataFrame(
        {"a": ["x", None, "y", "x", "y", "x"], "b": ["1", "2", "2", None, "2", "1"]}, dtype="str"
    )
    tables = verify.Tables(None, {"t": frame})  # type: ignore[arg-type]
    for on in (["a"], ["a", "b"], ["b", "a"]):
        expected = frame[on].astype(str).groupby(on, sort=False).indices
        found = tables._text_index("t", on)
        assert {k: v.tolist() for k, v in found.items()} == {k: v.tolist() for k, v in expected.items()}
