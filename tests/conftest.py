"""Shared fixtures: the shipped data, copies of it to break, and synthetic data directories."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from synergies.config import DATA_DIR
from synergies.load import Evidence, load_evidence
from synergies.synthetic import write_synthetic


@pytest.fixture(scope="session")
def evidence() -> Evidence:
    """The shipped Rural Synergies data, loaded once."""
    return load_evidence(DATA_DIR)


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped data directory."""
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target, ignore=shutil.ignore_patterns("README.md", "*.xlsx"))
    return target


@pytest.fixture
def synthetic_dir(tmp_path: Path) -> Path:
    """Other countries, other domains, all optional files except programmes and sources."""
    return write_synthetic(tmp_path / "synthetic")


@pytest.fixture
def minimal_dir(tmp_path: Path) -> Path:
    """Only the two required files, with countries and domains unlike the shipped data."""
    return write_synthetic(tmp_path / "minimal", only_required=True)
