"""The figure registry draws, describes and saves every page of every figure the notebooks show."""

from __future__ import annotations

from pathlib import Path

import pytest

from synergies import aggregate, combination, magnitude, plots, robustness
from synergies.config import ROOT
from synergies.load import Evidence


def _data(ev: Evidence) -> dict[str, object]:
    """What each registry entry is drawn from, built the way the notebooks build it."""
    by_domain = aggregate.effects_by_domain(ev)
    comparison = aggregate.single_vs_combined(ev)
    grid = robustness.robustness_grid(ev)
    aligned = magnitude.aligned_estimates(ev)
    cases = magnitude.case_estimates(aligned)
    return {
        "effect_directions": aggregate.arm_outcome_cells(ev),
        "verdicts": by_domain,
        "sign_tests": aggregate.sign_tests(by_domain, ev),
        "sign_tests_by_case": aggregate.sign_tests(aggregate.case_domain_verdicts(ev), ev, unit="case"),
        "country_domain": aggregate.country_domain(ev),
        "robustness": (grid, robustness.domain_robustness(grid)),
        "single_vs_combined": comparison,
        "single_vs_combined_domains": aggregate.single_combined_domains(comparison, ev),
        "combination": combination.combination_outcomes(ev),
        "institutional_matrix": aggregate.institutional_matrix(ev),
        "forest": (aligned, cases, magnitude.pooled_estimates(cases)),
        "albatross": magnitude.albatross_points(ev),
    }


def test_every_registered_figure_is_saved_under_the_names_the_repository_ships(
    evidence: Evidence, tmp_path: Path
) -> None:
    data = _data(evidence)
    assert set(data) == set(plots.FIGURES)  # a new figure needs its data here too
    saved = {}
    for name, table in data.items():
        for files, alt in plots.save_figures(name, evidence, table, "es", tmp_path):
            assert files.png.exists() and files.svg.exists()
            assert files.alt.read_text(encoding="utf-8").strip() == alt.strip() != ""
            saved[files.png.name] = name
    shipped = {p.name for p in (ROOT / "figures").glob("*.png")}
    assert shipped <= set(saved), f"registry misses {sorted(shipped - set(saved))}"


def test_pages_come_from_the_same_entry_that_draws_them(evidence: Evidence) -> None:
    cells = aggregate.arm_outcome_cells(evidence)
    assert plots.figure_pages("effect_directions", evidence, cells) == plots.heatmap_pages(evidence)
    assert plots.figure_pages("sign_tests", evidence, None) == [None]
    assert plots.figure("verdicts").table == "effects_by_domain.csv"


def test_an_unknown_figure_name_lists_the_known_ones() -> None:
    with pytest.raises(KeyError, match="effect_directions"):
        plots.figure("effect-direction")


def test_data_without_pairs_or_institutions_save_no_pages_of_those_figures(
    minimal_dir: Path, tmp_path: Path
) -> None:
    from synergies.load import load_evidence

    ev = load_evidence(minimal_dir)
    data = _data(ev)
    assert data["institutional_matrix"] is None  # minimal data: no institutional.csv
    assert plots.save_figures("institutional_matrix", ev, None, "en", tmp_path) == []
    for name in ("single_vs_combined", "single_vs_combined_domains", "combination"):
        if len(data[name]) == 0:
            assert plots.save_figures(name, ev, data[name], "en", tmp_path) == []
    assert plots.save_figures("verdicts", ev, data["verdicts"], "en", tmp_path)


def test_forest_and_albatross_plots_are_registered_with_language_free_pages(tmp_path: Path) -> None:
    """Notebook 04's figures come from the registry: the files and words it drew by hand, en and es."""
    from matplotlib.text import Text

    from synergies import magnitude_plots
    from synergies.load import load_evidence
    from synergies.synthetic import write_synthetic

    ev = load_evidence(write_synthetic(tmp_path / "data", with_estimates=True))
    data = _data(ev)
    pages = plots.figure_pages("forest", ev, data["forest"])
    assert pages and pages == magnitude_plots.forest_pages(ev, *data["forest"], "es")
    assert plots.figure_pages("albatross", ev, data["albatross"]) == [None]
    for lang in ("en", "es"):
        saved = plots.save_figures("forest", ev, data["forest"], lang, tmp_path / lang)
        assert [files.png.stem for files, _ in saved] == [p.name for p in pages]
        for (files, alt), page in zip(saved, pages, strict=True):
            assert (
                alt
                == magnitude_plots.alt_forest(ev, page, lang)
                == files.alt.read_text(encoding="utf-8").strip()
            )
        ((files, alt),) = plots.save_figures("albatross", ev, data["albatross"], lang, tmp_path / lang)
        left_out = magnitude.albatross_left_out(ev, data["albatross"])
        assert files.png.stem == "albatross"
        assert alt == magnitude_plots.alt_albatross(ev, data["albatross"], left_out, lang)
    # One set of pages draws in either language: the rows' labels are written when drawn.
    words = {
        lang: " ".join(
            t.get_text()
            for t in plots.figure("forest").draw(ev, data["forest"], lang, pages[-1]).findobj(Text)
        )
        for lang in ("en", "es")
    }
    assert "Pooled, " in words["en"] and "Pooled, " not in words["es"]
    no_estimates = load_evidence(write_synthetic(tmp_path / "plain"))
    plain = _data(no_estimates)
    assert plots.save_figures("forest", no_estimates, plain["forest"], "en", tmp_path / "plain-out") == []
    assert (
        plots.save_figures("albatross", no_estimates, plain["albatross"], "en", tmp_path / "plain-out") == []
    )
