"""What the runner fingerprints: the data files behind what each kernel read, served once validated.

tests/test_incremental.py runs the real notebooks; these tests check the pieces without a kernel:
the map from Evidence attributes to data files, the record a kernel writes, and the cached
`load_evidence` a kernel is given.
"""

from __future__ import annotations

import dataclasses
import importlib
import pickle
from pathlib import Path

import pytest

from synergies import config, contract
from synergies.run import kernel_evidence, plan

# The module as sys.modules holds it now (other tests re-import it), which the extension patches.
load = importlib.import_module("synergies.load")


def test_every_evidence_attribute_has_its_data_files() -> None:
    """A new Evidence table must say which files it is made from, or caching would miss them."""
    fields = {field.name for field in dataclasses.fields(load.Evidence)}
    properties = {name for name, value in vars(load.Evidence).items() if isinstance(value, property)}
    unmapped = (fields | properties) - set(plan.EVIDENCE_FILES) - {"given", "warnings", "missing_optional"}
    assert not unmapped, f"add these Evidence attributes to synergies.run.plan.EVIDENCE_FILES: {unmapped}"
    named = {name for files in plan.EVIDENCE_FILES.values() for name in files}
    assert named <= set(contract.SPECS), named - set(contract.SPECS)


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        ("arms\n", ["arms.csv"]),
        ("findings\ncases\n", ["cases.csv", "findings.csv", "outcomes.csv"]),
        ("", []),  # loaded, read nothing: no data file can change its outputs
        ("warnings\n", sorted(spec.name for spec in contract.FILES)),  # every file's warnings
        ("arms\n*\n", None),  # it loaded another directory too: every file counts
    ],
)
def test_a_kernel_record_becomes_the_data_files_read(tmp_path: Path, record: str, expected: object) -> None:
    path = tmp_path / plan.EVIDENCE_RECORD
    path.write_text(record, encoding="utf-8")
    assert plan._read_scope(path) == expected


def test_a_notebook_that_never_loaded_the_data_depends_on_every_file(tmp_path: Path) -> None:
    assert plan._read_scope(tmp_path / "absent.txt") is None


@pytest.fixture(autouse=True)
def _current_load(monkeypatch: pytest.MonkeyPatch) -> None:
    """Use the synergies.load module that sys.modules holds when the test runs."""
    monkeypatch.setitem(globals(), "load", importlib.import_module("synergies.load"))


@pytest.fixture
def cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[load.Evidence, Path]:
    """The shipped data validated and pickled, and `load_evidence` replaced as in a kernel."""
    monkeypatch.setattr(load, "load_evidence", load.load_evidence)  # restored after the test
    evidence = load.load_evidence(config.DATA_DIR)
    cache = tmp_path / "evidence.pickle"
    cache.write_bytes(pickle.dumps(evidence))
    record = tmp_path / "area" / plan.EVIDENCE_RECORD
    record.parent.mkdir()
    kernel_evidence.install(cache, config.DATA_DIR.resolve(), record)
    return evidence, record


def test_the_kernel_gets_its_own_copy_of_the_validated_data_and_what_it_reads_is_recorded(
    cached: tuple[load.Evidence, Path],
) -> None:
    evidence, record = cached
    first = load.load_evidence(str(config.DATA_DIR))
    assert isinstance(first, load.Evidence)
    assert record.read_text(encoding="utf-8") == ""  # loaded, nothing read yet
    assert first.findings.equals(evidence.findings)
    first.findings.loc[0, "note"] = "changed by the notebook"
    second = load.load_evidence(config.DATA_DIR)
    assert second.findings.loc[0, "note"] == evidence.findings.loc[0, "note"]  # a fresh copy
    _ = second.arms, second.domain_order, second.findings
    assert record.read_text(encoding="utf-8").split() == ["findings", "arms", "domain_order", "domains"]
    assert plan._read_scope(record) == ["arms.csv", "domains.csv", "findings.csv", "outcomes.csv"]
    assert isinstance(pickle.loads(pickle.dumps(second)), load.Evidence)  # a notebook may pickle it


def test_other_data_are_read_and_checked_as_always_and_count_as_reading_everything(
    cached: tuple[load.Evidence, Path], tmp_path: Path
) -> None:
    _, record = cached
    with pytest.raises(load.DataError):
        load.load_evidence(tmp_path / "no-such-directory")
    assert plan._read_scope(record) is None


def test_outside_the_runner_the_extension_changes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    original = load.load_evidence
    monkeypatch.setattr(load, "load_evidence", original)
    for name in (
        kernel_evidence.CACHE_VARIABLE,
        kernel_evidence.DATA_VARIABLE,
        kernel_evidence.RECORD_VARIABLE,
    ):
        monkeypatch.delenv(name, raising=False)
    kernel_evidence.load_ipython_extension(None)
    assert load.load_evidence is original
