"""The effect-direction heatmap after Boon & Thomson 2021 (sample size, significance, risk of bias,
design), the sign-test legend, the robustness figure and the sentences that go with them."""

from __future__ import annotations

from pathlib import Path

import pytest
from matplotlib.figure import Figure
from test_robustness import known_dir

from synergies import aggregate, describe, palette, plots, robustness
from synergies.load import Evidence, load_evidence


@pytest.fixture
def known(tmp_path: Path) -> Evidence:
    return load_evidence(known_dir(tmp_path))


def texts(fig: Figure) -> list[tuple[str, float]]:
    return [(t.get_text(), t.get_fontsize()) for ax in fig.axes for t in ax.texts]


def test_cells_know_their_sample_size_class_and_significance(known: Evidence) -> None:
    quality = plots.cell_quality(known, plots.ARM_ROW_KEYS)
    assert quality[("X", "C1", "A", "up1")] == ("large", "significant")  # n 400, significant
    assert quality[("X", "C1", "A", "up2")] == ("large", "not_significant")
    assert quality[("X", "C1", "AB", "up1")] == ("small", "significant")  # n 30
    assert quality[("X", "C1", "AB", "amb")] == ("small", "not_reported")
    assert quality[("X", "C2", "B", "up1")] == ("medium", "significant")  # p 0.01, no flag
    assert quality[("X", "C2", "B", "up2")] == ("medium", "not_significant")  # p 0.2
    assert robustness.sample_size_bin(300) == "medium" and robustness.sample_size_bin(301) == "large"
    assert robustness.sample_size_bin(50) == "medium" and robustness.sample_size_bin(49) == "small"
    assert robustness.sample_size_bin(None) == "not_reported"


def test_heatmap_draws_sizes_outlines_stars_and_ratings(known: Evidence) -> None:
    fig = plots.effect_direction_heatmap(known, aggregate.arm_outcome_cells(known))
    drawn = texts(fig)
    sizes = {size for text, size in drawn if text == "▲"}
    assert {plots.GLYPH_SIZES["large"], plots.GLYPH_SIZES["medium"], plots.GLYPH_SIZES["small"]} <= sizes
    assert any(text == "△" for text, _ in drawn)  # not significant: outlined
    assert any(text == "+*" for text, _ in drawn)  # significant: starred sign
    for symbol in ("+", "×", "?"):  # low (C1), high (C2), unknown (C3)
        assert any(text == symbol for text, _ in drawn), symbol
    labels = {text for text, _ in drawn}
    assert {"Risk of bias", "n > 300", "n 50–300", "n < 50", "high risk of bias"} <= labels


def test_heatmap_without_optional_files_has_no_rating_column(minimal_dir: Path) -> None:
    ev = load_evidence(minimal_dir)
    fig = plots.effect_direction_heatmap(ev, aggregate.arm_outcome_cells(ev))
    labels = {text for text, _ in texts(fig)}
    assert "Risk of bias" not in labels and "Design" not in labels
    sizes = {size for text, size in texts(fig) if text in ("▲", "▼", "◆")}
    assert sizes == {plots.GLYPH_SIZES["not_reported"]}


def test_shipped_heatmap_shows_design_and_unknown_ratings(evidence: Evidence) -> None:
    fig = plots.effect_direction_heatmap(evidence, aggregate.arm_outcome_cells(evidence))
    drawn = [text for text, _ in texts(fig)]
    assert "Design" in drawn and drawn.count("?") >= 5 + 3  # five arm rows, three unclear cells
    alt = describe.alt_effect_directions(
        evidence, aggregate.arm_outcome_cells(evidence), plots.heatmap_pages(evidence)[0], "en"
    )
    assert "25 cells without n" in alt and "25 not reported" in alt and "unknown (no appraisal) 5" in alt


@pytest.mark.parametrize("label", ["Consumption", "Seguridad alimentaria", "Ingresos"])
def test_group_headers_wrap_between_words(label: str) -> None:
    width = plots._group_width(label, 0.32)
    lines = plots.wrap(label, width - 0.06, plots.LABEL_SIZE, True, max_lines=5)
    assert all(line in label.split() or " " in line for line in lines)
    assert " ".join(lines) == label


def test_sign_test_legend_shows_only_what_the_figure_draws(evidence: Evidence, known: Evidence) -> None:
    table = aggregate.sign_tests(aggregate.effects_by_domain(evidence), evidence)
    items = plots.sign_test_legend(table, "en")
    assert all(item.cell.fill is None for item in items)  # the figure has no coloured cells
    assert [i.cell.glyph for i in items] == ["●", "├─┤", ""]
    assert not any("no change" in i.text or "unclear" in i.text for i in items)
    unclear = aggregate.sign_tests(aggregate.effects_by_domain(known), known)
    unclear.loc[0, "n_unclear"] = 1
    assert any("unclear" in i.text for i in plots.sign_test_legend(unclear, "en"))


def test_no_change_and_conflicting_differ_in_colour_and_glyph() -> None:
    assert palette.EFFECT_COLOURS["no_change"] != palette.EFFECT_COLOURS["conflicting"]
    assert palette.EFFECT_GLYPHS["no_change"] != palette.EFFECT_GLYPHS["conflicting"]


def test_risk_of_bias_markers_pair_colour_with_symbol() -> None:
    assert set(palette.ROB_COLOURS) == set(palette.ROB_SYMBOLS) == {"low", "some_concerns", "high", "unknown"}
    assert len(set(palette.ROB_SYMBOLS.values())) == 4 and len(set(palette.ROB_COLOURS.values())) == 4


@pytest.mark.parametrize("lang", ["en", "es"])
def test_robustness_figure_marks_every_cell_with_a_glyph(evidence: Evidence, lang: str) -> None:
    grid = robustness.robustness_grid(evidence)
    fig = plots.robustness_figure(evidence, grid, lang)
    cells = [t.get_text() for t in fig.axes[0].texts]
    assert len(cells) == len(grid)
    glyphs = set(plots.ROBUSTNESS_GLYPHS.values())
    assert all(text.split()[0] in glyphs for text in cells)


def test_robustness_sentences_name_what_changes_a_verdict(evidence: Evidence, minimal_dir: Path) -> None:
    grid = robustness.robustness_grid(evidence)
    text = describe.robustness_summary(robustness.domain_robustness(grid), grid, evidence, "en")
    food = next(line for line in text.splitlines() if "Food security" in line)
    assert "Mild food insecurity: alternative reading, lower is better (conflicting)" in food
    assert "holds in 9 of 12" in food
    assert "Not run on these data" in text and "sample size (n)" in text
    es = describe.robustness_summary(robustness.domain_robustness(grid), grid, evidence, "es")
    assert "No calculados" in es and "tamaño de muestra" in es
    minimal = load_evidence(minimal_dir)
    mgrid = robustness.robustness_grid(minimal)
    mtext = describe.robustness_summary(robustness.domain_robustness(mgrid), mgrid, minimal, "en")
    assert "better_alternative" in mtext and "risk_of_bias" in mtext


def test_reporting_bias_caveat(evidence: Evidence, tmp_path: Path) -> None:
    caveat = describe.reporting_bias_caveat(robustness.sources_without_nulls(evidence), evidence, "en")
    assert "RS-BRIEF (25 findings)" in caveat and "12.2.2.1" in caveat and "sign test" in caveat
    d = known_dir(tmp_path)
    findings = (d / "findings.csv").read_text(encoding="utf-8").replace("up3,decrease", "up3,no_change")
    (d / "findings.csv").write_text(findings, encoding="utf-8")
    ev = load_evidence(d)
    assert robustness.sources_without_nulls(ev).empty
    assert describe.reporting_bias_caveat(robustness.sources_without_nulls(ev), ev, "en") == ""
