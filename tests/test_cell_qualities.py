"""The vectorised per-cell quality equals the per-group reading it replaces, on shipped and synthetic data."""

from __future__ import annotations

import pandas as pd
import pytest

from synergies import robustness, synthetic
from synergies.load import Evidence, load_evidence

KEY_SETS = [[], ["country"], ["country", "case"], ["country", "case", "intervention"]]


def _per_group(findings: pd.DataFrame, keys: list[str]) -> dict[tuple, tuple[str, str]]:
    """The former reading: one pandas group at a time."""
    quality = {}
    for key, group in findings.groupby([*keys, "outcome"], sort=False):
        n = group["n"].max() if group["n"].notna().any() else None
        quality[key] = (robustness.sample_size_bin(n), robustness.significance_state(group))
    return quality


def _check(findings: pd.DataFrame) -> None:
    for keys in KEY_SETS:
        fast = robustness.cell_qualities(findings, keys)
        slow = _per_group(findings, keys)
        assert list(fast) == list(slow), keys  # same cells, in the same order
        assert fast == slow, keys


@pytest.mark.parametrize("keys", KEY_SETS)
def test_shipped_data(evidence: Evidence, keys: list[str]) -> None:
    assert robustness.cell_qualities(evidence.findings, keys) == _per_group(evidence.findings, keys)


@pytest.mark.parametrize(
    "options",
    [
        {"n_findings": 400, "n_countries": 6, "with_estimates": True, "seed": 3},
        {"n_findings": 300, "n_countries": 4, "seed": 11},
        {"n_findings": 120, "n_countries": 3, "only_required": True},
    ],
)
def test_synthetic_data(tmp_path, options: dict) -> None:
    ev = load_evidence(synthetic.write_synthetic(tmp_path / "d", **options))
    _check(ev.findings)


def test_the_heatmap_reads_the_vectorised_quality(evidence: Evidence) -> None:
    from synergies import plots

    for keys in KEY_SETS:
        assert plots.cell_quality(evidence, keys) == _per_group(evidence.findings, keys)


def test_every_state_and_class_is_reached() -> None:
    findings = pd.DataFrame(
        {
            "country": ["A", "A", "A", "B", "B", "C", "C"],
            "outcome": ["o", "o", "p", "o", "o", "o", "o"],
            "n": [10, 400, None, 60, 70, None, None],
            "significant": [None, True, None, False, None, None, None],
            "p_value": [None, None, None, None, 0.2, 0.01, None],
        }
    )
    findings["significant"] = findings["significant"].astype("boolean")
    fast = robustness.cell_qualities(findings, ["country"])
    assert fast == _per_group(findings, ["country"])
    assert fast == {
        ("A", "o"): ("large", "significant"),
        ("A", "p"): ("not_reported", "not_reported"),
        ("B", "o"): ("medium", "not_significant"),
        ("C", "o"): ("not_reported", "significant"),
    }
