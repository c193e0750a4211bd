"""Outcome labels reach the figures as the codebook writes them: verbatim, wrapped between words."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text

from synergies import aggregate, plots
from synergies.load import load_evidence

CLAUSES = {
    "en": ("Recovered from the 2016/17 drought in Sofala", "A household member has a job in Lima"),
    "es": ("Se recuperó de la sequía de 2016/17 en Sofala", "Un miembro del hogar tiene empleo en Lima"),
}


def _tokens(fig: Figure) -> set[str]:
    return {token for t in fig.findobj(Text) for token in t.get_text().split()}


@pytest.fixture
def clause_labels(data_copy: Path):
    """The shipped data with two measured outcomes relabelled as clauses, in both languages."""
    outcomes = pd.read_csv(data_copy / "outcomes.csv", dtype=str, keep_default_na=False)
    findings = pd.read_csv(data_copy / "findings.csv", dtype=str, keep_default_na=False)
    measured = [o for o in outcomes["outcome"] if o in set(findings["outcome"])][:2]
    for outcome, en, es in zip(measured, *CLAUSES.values(), strict=True):
        row = outcomes["outcome"] == outcome
        outcomes.loc[row, "label_en"], outcomes.loc[row, "label_es"] = en, es
    outcomes.to_csv(data_copy / "outcomes.csv", index=False)
    return load_evidence(data_copy)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_clause_like_outcome_labels_are_drawn_verbatim_and_never_cut_inside_a_word(clause_labels, lang):
    ev = clause_labels
    cells = aggregate.arm_outcome_cells(ev)
    comparison = aggregate.single_vs_combined(ev)
    figures = [plots.effect_direction_heatmap(ev, cells, lang)]
    figures += [
        plots.single_combined_figure(ev, comparison, lang, p) for p in plots.single_combined_pages(comparison)
    ]
    for fig in figures:
        tokens = _tokens(fig)
        for label in CLAUSES[lang]:
            words = label.split()
            missing = [w for w in words if w not in tokens]
            assert not missing, f"{label!r}: {missing} not drawn as whole words with their case"


def test_a_long_scenario_label_wraps_in_the_robustness_figure_instead_of_being_cut(data_copy: Path):
    """An alternative reading names its outcome's label; a clause-long label wraps, all words kept."""
    outcomes = pd.read_csv(data_copy / "outcomes.csv", dtype=str, keep_default_na=False)
    findings = pd.read_csv(data_copy / "findings.csv", dtype=str, keep_default_na=False)
    has_alternative = outcomes["better_alternative"].astype(bool) & outcomes["outcome"].isin(
        findings["outcome"]
    )
    outcome = outcomes.loc[has_alternative, "outcome"].iloc[0]
    label = "Dedication of household members to work in secondary activities away from the farm"
    outcomes.loc[outcomes["outcome"] == outcome, "label_en"] = label
    outcomes.to_csv(data_copy / "outcomes.csv", index=False)
    from synergies import robustness

    ev = load_evidence(data_copy)
    grid = robustness.robustness_grid(ev)
    scenario = next(
        s for s in dict.fromkeys(grid["scenario"]) if label in robustness.scenario_label(ev, s, "en")
    )
    wanted = robustness.scenario_label(ev, scenario, "en")
    fig = plots.robustness_figure(ev, grid, "en")
    ticks = [t.get_text() for ax in fig.axes for t in ax.get_yticklabels()]
    drawn = next(t for t in ticks if label.split()[0] in t)
    assert "…" not in drawn and "\n" in drawn  # wrapped, not cut
    assert " ".join(drawn.split()) == wanted


# Phrases that say an arm measured (or did not measure) an outcome; "measured against a comparator"
# is another matter and allowed.
NOT_MEASURED_WORDS = {
    "en": ("not measured", "did not measure", "arm measured", "arms measured", "measured by", "measured in"),
    "es": ("no midió", "midió", "midieron", "medido por", "medidos por", "no medido"),
}


@pytest.mark.parametrize("lang", ["en", "es"])
def test_figures_say_reported_where_a_result_is_reported_never_measured(evidence, lang):
    """An empty cell means the source reported no result, which is not that nothing was measured."""
    from test_plots_registry import _data

    coded = [str(v) for frame in (evidence.cases, evidence.findings) for v in frame.to_numpy().ravel()]
    coded_text = "\n".join(v for v in coded if len(v) > 20)  # e.g. a case's design, as its source says

    def package_text(line: str) -> bool:
        return bool(line.strip()) and line.strip() not in coded_text

    for name, data in _data(evidence).items():
        spec = plots.figure(name)
        for page in spec.pages(evidence, data):
            lines = [t.get_text() for t in spec.draw(evidence, data, lang, page).findobj(Text)]
            shown = " ".join(line for line in lines if package_text(line))
            hits = [w for w in NOT_MEASURED_WORDS[lang] if w in shown.lower()]
            assert not hits, f"{name} ({lang}) says {hits}: {shown[:300]}"
