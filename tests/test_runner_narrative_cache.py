"""The narrative notebook 07's kernel builds is handed to the runner's site build, never a stale one."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from synergies.config import DATA_DIR
from synergies.load import load_evidence
from synergies.run import kernel_evidence, narrative_cache
from synergies.site import pages


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A work area as the runner makes it: the validated data pickled, the variables set."""
    work = tmp_path / "work"
    work.mkdir()
    cache = work / "evidence.pickle"
    ev = load_evidence(DATA_DIR)
    cache.write_bytes(pickle.dumps(ev, protocol=pickle.HIGHEST_PROTOCOL))
    narrative_cache.write_digest(ev, cache)
    monkeypatch.setenv(kernel_evidence.CACHE_VARIABLE, str(cache))
    monkeypatch.setenv(narrative_cache.NARRATIVE_VARIABLE, str(work / narrative_cache.NARRATIVE_CACHE))
    return work


def _served_copy(work: Path):
    return pickle.loads((work / "evidence.pickle").read_bytes())


def test_the_fragment_keeps_the_narrative_of_the_served_data(served: Path) -> None:
    ev = _served_copy(served)
    pages.narrative_fragment(ev, "en")
    kept = narrative_cache.load(served)
    assert isinstance(kept, pages.SiteNarrative) and kept.lang == "en"
    assert kept.body_html == pages.narrative_fragment(_served_copy(served), "en")


def test_changed_data_are_not_kept_for_the_site(served: Path) -> None:
    ev = _served_copy(served)
    ev.findings = ev.findings.iloc[1:]  # a notebook that filtered its data first
    pages.narrative_fragment(ev, "en")
    assert narrative_cache.load(served) is None
    ev = _served_copy(served)
    column = ev.findings["direction"]
    other = next(v for v in column.unique() if v != column.iloc[0])
    ev.findings.loc[ev.findings.index[0], "direction"] = other  # or changed one value
    pages.narrative_fragment(ev, "en")
    assert narrative_cache.load(served) is None


def test_nothing_is_kept_outside_the_runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(narrative_cache.NARRATIVE_VARIABLE, raising=False)
    ev = load_evidence(DATA_DIR)
    assert narrative_cache.keep(ev, "anything") is False
    assert narrative_cache.load(tmp_path) is None


def test_the_site_from_a_kept_narrative_is_the_site_built_afresh(served: Path, tmp_path: Path) -> None:
    from synergies import config

    ev = _served_copy(served)
    fresh = pages.build(ev, tmp_path / "fresh", config.FIGURES_DIR, "en")
    pages.narrative_fragment(ev, "en")
    kept = pages.build(ev, tmp_path / "kept", config.FIGURES_DIR, "en", view=narrative_cache.load(served))
    assert [p.read_bytes() for p in kept] == [p.read_bytes() for p in fresh]
