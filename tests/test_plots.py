"""Figures build on any data, stay readable at 200 arms × 60 outcomes, save the same bytes, write safely."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import warnings

import pandas as pd
import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text

from synergies import aggregate, combination, describe, outputs, palette, plots
from synergies.config import DATA_DIR, ROOT
from synergies.load import Evidence, load_evidence
from synergies.synthetic import write_synthetic

MIN_FONT_POINTS = 6.0
MAX_PAGE_INCHES = (26.0, 16.0)  # width, height of one page at 200 arms × 60 outcomes


def texts(fig: Figure) -> list[str]:
    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


def all_figures(ev: Evidence, lang: str) -> dict[str, Figure]:
    """The first page of every figure type the notebooks draw, for one data directory."""
    by_domain = aggregate.effects_by_domain(ev)
    cells = aggregate.arm_outcome_cells(ev)
    countries = aggregate.country_domain(ev)
    comparison = aggregate.single_vs_combined(ev)
    overlap = aggregate.single_combined_domains(comparison, ev)
    matrix = aggregate.institutional_matrix(ev)
    figures = {
        "effect-directions": plots.effect_direction_heatmap(ev, cells, lang, plots.heatmap_pages(ev)[0]),
        "verdicts": plots.verdict_matrix(ev, by_domain, lang),
        "sign-tests": plots.sign_test_figure(ev, aggregate.sign_tests(by_domain, ev), lang),
        "sign-tests-by-case": plots.sign_test_figure(
            ev, aggregate.sign_tests(aggregate.case_domain_verdicts(ev), ev, unit="case"), lang
        ),
        "country-domain": plots.country_domain_figure(ev, countries, lang),
    }
    for page in plots.single_combined_pages(comparison)[:1]:
        figures["single-vs-combined"] = plots.single_combined_figure(ev, comparison, lang, page)
    for page in plots.single_combined_domain_pages(overlap)[:1]:
        figures["single-vs-combined-domains"] = plots.single_combined_domain_figure(ev, overlap, lang, page)
    nested = combination.combination_outcomes(ev)
    for page in plots.combination_pages(nested)[:1]:
        figures["combination"] = plots.combination_figure(ev, nested, lang, page)
    for page in plots.institutional_pages(ev, matrix)[:1]:
        figures["institutional-matrix"] = plots.institutional_figure(ev, matrix, lang, page)
    return figures


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> Evidence:
    """200 intervention arms (10 countries × 10 cases × 2 arms) measured on 60 outcomes in 8 domains."""
    directory = tmp_path_factory.mktemp("big")
    write_synthetic(
        directory, n_findings=2400, n_countries=10, cases_per_country=10, n_outcomes=60, n_domains=8
    )
    return load_evidence(directory)


# --------------------------------------------------------------------------- every figure, any data


@pytest.mark.parametrize(
    ("which", "lang"), [("shipped", "en"), ("shipped", "es"), ("synthetic", "en"), ("minimal", "es")]
)
def test_every_figure_builds_titled_sourced_and_without_missing_glyphs(
    which, lang, synthetic_dir, minimal_dir
):
    ev = load_evidence({"shipped": DATA_DIR, "synthetic": synthetic_dir, "minimal": minimal_dir}[which])
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*[Gg]lyph.*missing.*")
        figures = all_figures(ev, lang)
        for fig in figures.values():
            fig.canvas.draw()  # rendering is where matplotlib reports missing glyphs
    expected = {"effect-directions", "verdicts", "sign-tests", "sign-tests-by-case", "country-domain"}
    assert expected <= set(figures)
    assert ("institutional-matrix" in figures) == (ev.institutional is not None)
    source = "Source:" if lang == "en" else "Fuente:"
    for name, fig in figures.items():
        shown = texts(fig)
        assert any(t.startswith(source) and ev.data_dir.name in t for t in shown), f"{name}: no source line"
        sizes = [t.get_fontsize() for t in fig.findobj(Text) if t.get_text()]
        assert min(sizes) >= MIN_FONT_POINTS, f"{name}: text smaller than {MIN_FONT_POINTS} pt"


def test_heatmap_labels_come_from_the_codebook_in_each_language(evidence):
    cells = aggregate.arm_outcome_cells(evidence)
    english = texts(plots.effect_direction_heatmap(evidence, cells, "en"))
    spanish = texts(plots.effect_direction_heatmap(evidence, cells, "es"))
    outcomes = evidence.outcomes.set_index("outcome")
    assert outcomes.at["productive_assets", "label_en"] in english
    assert outcomes.at["productive_assets", "label_es"] in spanish
    domains = evidence.domains.set_index("domain")
    assert any(domains.at["psychosocial", "label_es"] in t for t in spanish)


def test_heatmap_shows_mexico_as_a_gap_row(evidence):
    shown = texts(plots.effect_direction_heatmap(evidence, aggregate.arm_outcome_cells(evidence), "en"))
    assert "Mexico" in shown and "PROINPRO + PDPs" in shown
    assert "no reported impact results" in shown
    verdicts = texts(plots.verdict_matrix(evidence, aggregate.effects_by_domain(evidence), "en"))
    assert "no reported impact results" in verdicts


def test_heatmap_cell_shows_glyph_and_raw_sign(evidence):
    """F05: food crop products fell (−), which is adverse (▼); F07: poverty fell (−), which is good (▲)."""
    cells = aggregate.arm_outcome_cells(evidence).set_index("outcome")
    assert cells.at["food_crop_products", "effect"] == "adverse"
    assert cells.at["food_crop_products", "direction"] == "decrease"
    assert cells.at["poverty", "effect"] == "beneficial"
    assert cells.at["poverty", "direction"] == "decrease"
    shown = texts(plots.effect_direction_heatmap(evidence, aggregate.arm_outcome_cells(evidence), "en"))
    assert shown.count("▼") >= 1 and shown.count("−") >= 2 and shown.count("▲") >= 21


def test_conflicting_findings_in_one_cell_are_shown_honestly(data_copy):
    """Two findings for one arm and outcome that disagree become one ◄► cell counting both."""
    findings = pd.read_csv(data_copy / "findings.csv", dtype=str, keep_default_na=False)
    extra = findings[findings["finding_id"] == "F03"].assign(finding_id="F99", direction="decrease")
    pd.concat([findings, extra]).to_csv(data_copy / "findings.csv", index=False)
    ev = load_evidence(data_copy)
    cells = aggregate.arm_outcome_cells(ev)
    cell = cells[(cells["intervention"] == "PPP") & (cells["outcome"] == "productive_assets")].iloc[0]
    assert (cell["effect"], cell["direction"], cell["total"]) == ("conflicting", "mixed", 2)
    assert cell["finding_ids"] == "F03;F99"
    shown = texts(plots.effect_direction_heatmap(ev, cells, "en"))
    assert "◄" in shown and "►" in shown and "2" in shown


def test_country_without_findings_is_a_gap_and_zero_cells_are_empty(evidence):
    table = aggregate.country_domain(evidence)
    shown = texts(plots.country_domain_figure(evidence, table, "en"))
    assert "Mexico" in shown and "no reported impact results" in shown
    peru = table[(table["country"] == "Peru") & (table["total"] == 0)]
    assert len(peru) == 2  # food security and finances: drawn as outlined empty cells


def test_sign_test_figure_states_n_and_conflicting_units(evidence):
    table = aggregate.sign_tests(aggregate.effects_by_domain(evidence), evidence)
    shown = texts(plots.sign_test_figure(evidence, table, "en"))
    productive = next(t for t in shown if t.startswith("n = 2:") and "◄► 1" in t)
    assert "p = 0.500" in productive


def test_institutional_figure_needs_the_file_and_counts_shared_factors(evidence, minimal_dir):
    assert plots.institutional_pages(load_evidence(minimal_dir), None) == []
    matrix = aggregate.institutional_matrix(evidence)
    shown = texts(plots.institutional_figure(evidence, matrix, "en"))
    assert "Informal local coordination" in shown  # label from factors.csv, not the key
    assert "Cases (n)" in shown and "3" in shown
    assert "National" in shown and "Local" in shown


def test_single_vs_combined_skips_cleanly_without_pairs():
    empty = pd.DataFrame(columns=["country", "case", "single_arm", "combined_arm", "comparable"])
    assert plots.single_combined_pages(empty) == []
    assert plots.single_combined_domain_pages(empty) == []


# --------------------------------------------------------------------------- size and pages


def test_200_arms_by_60_outcomes_is_paged_and_readable(big, tmp_path):
    arm_table = aggregate.arms(big)
    assert (arm_table["n_findings"] > 0).sum() == 200
    pages = plots.heatmap_pages(big)
    assert len({p.name for p in pages}) == len(pages)
    assert all(len(p.rows) <= plots.MAX_ROWS_PER_PAGE for p in pages)
    assert all(len(p.columns) <= plots.MAX_COLUMNS_PER_PAGE for p in pages)
    shown_rows = sorted(r for p in pages for r in p.rows)
    assert shown_rows == list(range(len(arm_table))), "every arm on exactly one page"
    for page in pages:
        countries = set(arm_table["country"].iloc[list(page.rows)])
        assert all(set(arm_table.index[arm_table["country"] == c]) <= set(page.rows) for c in countries), (
            "countries kept whole on a page"
        )
    cells = aggregate.arm_outcome_cells(big)
    fig = plots.effect_direction_heatmap(big, cells, "en", pages[0])
    width, height = fig.get_size_inches()
    assert width <= MAX_PAGE_INCHES[0] and height <= MAX_PAGE_INCHES[1], (width, height)
    assert min(t.get_fontsize() for t in fig.findobj(Text) if t.get_text()) >= MIN_FONT_POINTS
    saved = outputs.save_figure(
        fig, tmp_path, pages[0].name, describe.alt_effect_directions(big, cells, pages[0], "en")
    )
    assert saved.png.stat().st_size > 0 and pages[0].name.startswith("effect-directions-01-")


def test_many_outcomes_split_by_whole_domains(big):
    pages = plots.heatmap_pages(big, max_rows=1000, max_columns=25)
    assert len(pages) > 1
    for page in pages:
        domains = {d for d, _ in page.columns}
        for domain in domains:
            all_of_domain = [c for c in plots.heatmap_columns(big) if c[0] == domain]
            assert set(all_of_domain) <= set(page.columns), f"{domain} split across pages"


def test_wrapped_lines_fit_their_width():
    label = "Income, poverty and local economic development " * 3 + "Supercalifragilisticexpialidocious"
    for width in (0.3, 0.8, 1.5):
        lines = plots.wrap(label, width, 7.0, max_lines=50)
        assert all(plots.text_width(line, 7.0) <= width + 1e-9 for line in lines)
        assert "".join(lines).replace(" ", "") == label.replace(" ", "")
    assert plots.wrap(label, 0.8, 7.0, max_lines=2)[-1].endswith("…")


# --------------------------------------------------------------------------- saving


def test_saved_files_are_byte_identical_across_runs_and_processes(evidence, tmp_path):
    """Same data, same bytes: twice in this process, and once in a process with another hash seed."""
    cells = aggregate.arm_outcome_cells(evidence)
    first = outputs.save_figure(
        plots.effect_direction_heatmap(evidence, cells, "en"), tmp_path / "a", "fig", "alt"
    )
    second = outputs.save_figure(
        plots.effect_direction_heatmap(evidence, cells, "en"), tmp_path / "b", "fig", "alt"
    )
    script = (
        "from synergies import aggregate, outputs, plots\n"
        "from synergies.load import load_evidence\n"
        f"ev = load_evidence({str(DATA_DIR)!r})\n"
        "fig = plots.effect_direction_heatmap(ev, aggregate.arm_outcome_cells(ev), 'en')\n"
        f"outputs.save_figure(fig, {str(tmp_path / 'c')!r}, 'fig', 'alt')\n"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, "-c", script], check=True, cwd=tmp_path, env=env, timeout=120)
    for suffix in (".png", ".svg", ".alt.txt"):
        a, b, c = ((tmp_path / d / f"fig{suffix}").read_bytes() for d in "abc")
        assert a == b == c, f"{suffix} differs between runs"
    svg = first.svg.read_text(encoding="utf-8")
    png = first.png.read_bytes()
    assert "<dc:date>" not in svg and "Matplotlib v" not in svg
    assert b"Matplotlib version" not in png and b"Software" not in png
    assert second.png.name == "fig.png"


@pytest.mark.parametrize(
    ("hostile", "expected"),
    [
        ("../../etc/passwd", "etc-passwd"),
        ("/absolute/path", "absolute-path"),
        ("a\x00b", "a-b"),
        ("..", "unnamed"),
        ("", "unnamed"),
        ("Perú – Bolivia", "peru-bolivia"),
        ("C:\\Windows\\x", "c-windows-x"),
        ("effects_by_domain", "effects_by_domain"),
    ],
)
def test_safe_name_never_leaves_the_directory(hostile, expected, tmp_path):
    assert outputs.safe_name(hostile) == expected
    fig = Figure(figsize=(1, 1))
    saved = outputs.save_figure(fig, tmp_path, hostile, "alt")
    table = outputs.write_table(pd.DataFrame({"x": [1]}), tmp_path, hostile)
    for path in (saved.png, saved.svg, saved.alt, table):
        assert path.resolve().is_relative_to(tmp_path.resolve())
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [f"{expected}.png", f"{expected}.svg", f"{expected}.alt.txt", "tables"]
    )


def test_page_names_from_data_are_safe(tmp_path):
    directory = write_synthetic(tmp_path / "d", n_findings=400, n_countries=3, cases_per_country=20)
    findings = pd.read_csv(directory / "findings.csv", dtype=str, keep_default_na=False)
    findings["country"] = findings["country"].replace({"Bolivia": "../../Bolivia/..", "Ecuador": "Ecua\\dor"})
    findings.to_csv(directory / "findings.csv", index=False)
    (directory / "cases.csv").unlink()
    (directory / "institutional.csv").unlink()
    ev = load_evidence(directory)
    pages = plots.heatmap_pages(ev, max_rows=30)
    assert len(pages) > 1
    for page in pages:
        assert page.name == outputs.safe_name(page.name) and "/" not in page.name and ".." not in page.name


def test_text_on_fills_keeps_three_to_one_contrast():
    def luminance(hex_colour: str) -> float:
        rgb = [int(hex_colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    def contrast(a: str, b: str) -> float:
        hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
        return (hi + 0.05) / (lo + 0.05)

    pairs = [(palette.EFFECT_TEXT[e], palette.EFFECT_COLOURS[e]) for e in palette.EFFECT_COLOURS]
    pairs += [(palette.ASSESSMENT_TEXT[a], palette.ASSESSMENT_COLOURS[a]) for a in palette.ASSESSMENT_COLOURS]
    pairs += [
        (palette.INK, plots.BAND),
        (palette.INK, palette.NO_EVALUATION_COLOUR),
        (plots.SOURCE_INK, "#FFFFFF"),
    ]
    for text, fill in pairs:
        white = "#FFFFFF" if text.lower() in ("white", "#ffffff") else text
        assert contrast(white, fill) >= 3.0, (text, fill)


def test_package_figures_never_import_pyplot():
    """Figures are built without pyplot, so notebooks never display or leak figures by accident."""
    files = sorted((ROOT / "src" / "synergies" / "plots").glob("*.py"))
    assert len(files) > 5
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        imported += [
            f"{n.module}.{a.name}" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names
        ]
        assert not [name for name in imported if "pyplot" in name], path.name
