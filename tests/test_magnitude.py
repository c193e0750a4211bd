"""Magnitudes: the estimate rules of the contract, alignment, one estimate per case, pooling by hand."""

from __future__ import annotations

import csv
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from synergies import magnitude
from synergies.load import DataError, load_evidence
from synergies.synthetic import write_synthetic


def _write(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _data(tmp_path: Path, findings: list[dict[str, str]]) -> Path:
    """A two-file data directory: outcomes up (higher better), down (lower better), odd (ambiguous)."""
    outcomes = [
        {"outcome": "up", "domain": "income", "better": "higher"},
        {"outcome": "down", "domain": "income", "better": "lower"},
        {"outcome": "odd", "domain": "income", "better": "ambiguous"},
    ]
    base = {"country": "A", "intervention": "P", "arm": "single", "effect_measure": "", "estimate": ""}
    rows = [{**base, "std_error": "", "note": "", **f} for f in findings]
    _write(tmp_path / "outcomes.csv", outcomes)
    _write(tmp_path / "findings.csv", rows)
    return tmp_path


def _finding(fid: str, case: str, outcome: str, direction: str, estimate: str, se: str, measure: str = "smd"):
    return {
        "finding_id": fid,
        "case": case,
        "outcome": outcome,
        "direction": direction,
        "estimate": estimate,
        "std_error": se,
        "effect_measure": measure,
    }


# ------------------------------------------------------------------ contract


@pytest.mark.parametrize(
    ("finding", "expected"),
    [
        (
            _finding("F1", "C", "up", "increase", "0.2", "0.1", ""),
            "findings.csv, row 2, column 'effect_measure': found an empty cell; expected one of smd, pp",
        ),
        (
            _finding("F1", "C", "up", "increase", "-1.5", "0.1", "ratio"),
            "findings.csv, row 2, column 'estimate': found '-1.5'; expected a ratio greater than 0",
        ),
        (
            _finding("F1", "C", "up", "increase", "120", "30", "raw"),
            "findings.csv, row 2, column 'note': found an empty cell; expected the unit of the estimate",
        ),
        (
            _finding("F1", "C", "up", "increase", "-0.2", "0.1"),
            "findings.csv, row 2, column 'estimate': found '-0.2'; expected an estimate above 0",
        ),
        (
            _finding("F1", "C", "up", "decrease", "1.2", "0.1", "ratio"),
            "findings.csv, row 2, column 'estimate': found '1.2'; expected an estimate below 0 (below 1",
        ),
        (
            _finding("F1", "C", "up", "increase", "", "0.1"),
            "findings.csv, row 2, column 'estimate': found an empty cell; expected an estimate, as column",
        ),
        (
            _finding("F1", "C", "up", "increase", "0.2", "0", "smd"),
            "findings.csv, row 2, column 'std_error': found '0'; expected a number greater than 0",
        ),
        (
            _finding("F1", "C", "up", "increase", "0.2", "0.1", "SD"),
            "findings.csv, row 2, column 'effect_measure': found 'SD'; expected one of smd, pp, log_or",
        ),
    ],
    ids=["no-measure", "ratio-negative", "raw-no-unit", "sign", "ratio-sign", "se-alone", "se-zero", "vocab"],
)
def test_estimate_rules_give_located_messages(tmp_path: Path, finding: dict, expected: str) -> None:
    with pytest.raises(DataError) as err:
        load_evidence(_data(tmp_path, [finding]))
    assert expected in str(err.value)
    assert len(err.value.problems) == 1, str(err.value)


def test_no_change_takes_any_sign_and_raw_with_unit_loads(tmp_path: Path) -> None:
    ev = load_evidence(
        _data(
            tmp_path,
            [
                _finding("F1", "C", "up", "no_change", "-0.01", "0.05"),
                {**_finding("F2", "C", "up", "increase", "120", "30", "raw"), "note": "pesos a month"},
            ],
        )
    )
    assert list(ev.findings["effect_measure"]) == ["smd", "raw"]


def test_estimates_without_the_measure_column_load_as_before(tmp_path: Path) -> None:
    path = _data(tmp_path, [_finding("F1", "C", "up", "increase", "-3", "0.1")])
    rows = list(csv.DictReader((path / "findings.csv").open(encoding="utf-8")))
    for row in rows:
        del row["effect_measure"]
    _write(path / "findings.csv", rows)
    ev = load_evidence(path)
    assert ev.findings["estimate"].tolist() == [-3.0]
    assert not magnitude.has_measures(ev)
    assert magnitude.aligned_estimates(ev).empty


# ------------------------------------------------------------------ alignment and the per-case rule


def test_alignment_negates_lower_is_better_and_leaves_ambiguous_out(tmp_path: Path) -> None:
    ev = load_evidence(
        _data(
            tmp_path,
            [
                _finding("F1", "C", "up", "increase", "0.30", "0.10"),
                _finding("F2", "C", "down", "decrease", "-0.20", "0.05"),
                _finding("F3", "C", "odd", "increase", "0.40", "0.10"),
                _finding("F4", "C", "down", "increase", "2", "0.1", "ratio"),
            ],
        )
    )
    a = magnitude.aligned_estimates(ev).set_index("finding_id")
    assert a.at["F1", "aligned_estimate"] == pytest.approx(0.30)
    assert a.at["F2", "aligned_estimate"] == pytest.approx(0.20)  # a fall in a bad outcome is good
    assert math.isnan(a.at["F3", "aligned_estimate"]) and a.at["F3", "pooled_as"] == "ambiguous_outcome"
    assert a.at["F4", "aligned_estimate"] == pytest.approx(-math.log(2))  # a doubling of a bad outcome
    assert a.at["F2", "ci_low"] == pytest.approx(0.20 - 1.959964 * 0.05, abs=1e-6)
    assert bool(a.at["F2", "significant"]) and bool(a.at["F1", "significant"])  # z = 4 and z = 3
    assert a.at["F1", "p_source"] == "estimate_and_se"
    assert a.at["F1", "p_value"] == pytest.approx(2 * (1 - 0.998650), abs=1e-5)  # z = 3


@pytest.mark.parametrize("lang", ["en", "es"])
def test_summary_and_forest_note_give_the_same_reasons_for_not_pooling(tmp_path: Path, lang: str) -> None:
    """One list of reasons (`magnitude.NOT_POOLED`) drives the notebook's summary, the figure's note and
    the people's table of aligned estimates, each in its form of the one table of reason words."""
    from synergies import magnitude_plots, magnitude_text, magnitude_words
    from synergies.site.tables import column_label, for_people

    ev = load_evidence(
        _data(
            tmp_path,
            [
                _finding("F1", "C1", "up", "increase", "0.30", "0.10"),
                _finding("F2", "C2", "up", "increase", "0.20", "0.10"),
                _finding("F3", "C1", "odd", "increase", "0.40", "0.10"),
                _finding("F4", "C1", "up", "increase", "0.25", ""),
                {**_finding("F5", "C2", "up", "increase", "120", "30", "raw"), "note": "kg of maize"},
            ],
        )
    )
    aligned = magnitude.aligned_estimates(ev)
    cases = magnitude.case_estimates(aligned)
    pooled = magnitude.pooled_estimates(cases)
    reasons = set(aligned["pooled_as"]) - set(magnitude.POOLED_MEASURES)
    assert reasons == set(magnitude.NOT_POOLED) == set(magnitude_words.NOT_POOLED_WORDS)
    assert all(
        set(words) == set(magnitude_words.FORMS) for words in magnitude_words.NOT_POOLED_WORDS.values()
    )
    counts = dict.fromkeys(magnitude.NOT_POOLED, 1)
    summary = magnitude_text.summary(ev, aligned, pooled, lang)
    (page,) = magnitude_plots.forest_pages(ev, aligned, cases, pooled, lang)
    note = magnitude_plots.alt_forest(ev, page, lang)
    for form, text in (("clause", summary), ("note", note)):
        parts = magnitude_text.not_pooled_parts(counts, form, lang)
        assert len(parts) == 3 and all(part in text for part in parts), (form, text)
        assert [text.index(part) for part in parts] == sorted(text.index(part) for part in parts)
    cells = set(for_people(aligned, ev, lang).frame[column_label("pooled_as", lang)])
    assert {magnitude_words.cell_word(r, lang) for r in magnitude.NOT_POOLED} <= cells
    assert magnitude_words.cell_word("smd", lang) == magnitude_text.measure_label("smd", lang) in cells


def test_one_estimate_per_case_is_the_mean_with_correlation_one(tmp_path: Path) -> None:
    ev = load_evidence(
        _data(
            tmp_path,
            [
                _finding("F1", "C1", "up", "increase", "0.30", "0.10"),
                _finding("F2", "C1", "down", "decrease", "-0.10", "0.20"),
                _finding("F3", "C2", "up", "increase", "0.05", "0.08"),
                _finding("F4", "C2", "up", "increase", "0.5", "0.1", "pp"),
            ],
        )
    )
    cases = magnitude.case_estimates(magnitude.aligned_estimates(ev))
    c1 = cases[(cases["case"] == "C1") & (cases["effect_measure"] == "smd")].iloc[0]
    assert c1["estimate"] == pytest.approx(0.20) and c1["n_findings"] == 2
    # var(mean) with r = 1 is ((0.10 + 0.20) / 2)^2: the SE is the mean SE, above the independent one.
    assert c1["std_error"] == pytest.approx(0.15)
    assert c1["std_error"] > math.sqrt(0.10**2 + 0.20**2) / 2
    pooled = magnitude.pooled_estimates(cases)
    assert pooled[["domain", "effect_measure", "k"]].values.tolist() == [["income", "smd", 2]]
    assert list(pooled.columns[:9]) == [
        "domain", "effect_measure", "k", "estimate", "ci_low", "ci_high", "tau2", "i2", "method",
    ]  # fmt: skip


# ------------------------------------------------------------------ pooling against independent computations


def _cases(estimates, ses) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "domain": "d",
            "effect_measure": "smd",
            "country": "X",
            "case": [f"c{i}" for i in range(len(estimates))],
            "estimate": estimates,
            "std_error": ses,
            "finding_ids": [f"F{i}" for i in range(len(estimates))],
        }
    )


def _dersimonian_laird(y: np.ndarray, v: np.ndarray) -> dict[str, float]:
    """The textbook formulas (DerSimonian and Laird 1986; Higgins and Thompson 2002), written out."""
    w = 1 / v
    fixed = np.sum(w * y) / np.sum(w)
    q = float(np.sum(w * (y - fixed) ** 2))
    df = len(y) - 1
    c = np.sum(w) - np.sum(w**2) / np.sum(w)
    tau2 = max(0.0, (q - df) / c)
    w_star = 1 / (v + tau2)
    mean = float(np.sum(w_star * y) / np.sum(w_star))
    se = float(math.sqrt(1 / np.sum(w_star)))
    i2 = max(0.0, (q - df) / q) * 100
    return {"estimate": mean, "se": se, "tau2": tau2, "q": q, "i2": i2}


def test_dersimonian_laird_agrees_with_the_textbook_formulas() -> None:
    y = np.array([0.10, 0.35, -0.05, 0.42, 0.20])
    se = np.array([0.08, 0.12, 0.10, 0.15, 0.06])
    expected = _dersimonian_laird(y, se**2)
    got = magnitude.pooled_estimates(_cases(y, se), method="dl").iloc[0]
    assert expected["tau2"] > 0  # the example is heterogeneous, so tau2 is really estimated
    assert got["estimate"] == pytest.approx(expected["estimate"], rel=1e-9)
    assert got["std_error"] == pytest.approx(expected["se"], rel=1e-9)
    assert got["tau2"] == pytest.approx(expected["tau2"], rel=1e-9)
    assert got["q"] == pytest.approx(expected["q"], rel=1e-9)
    assert got["i2"] == pytest.approx(expected["i2"], rel=1e-9)
    assert got["ci_low"] == pytest.approx(expected["estimate"] - 1.959964 * expected["se"], abs=1e-6)
    assert got["k"] == 5


def test_paule_mandel_sets_the_generalised_q_to_its_degrees_of_freedom() -> None:
    """Paule and Mandel (1982): tau2 solves sum w_i(tau2) (y_i - mu(tau2))^2 = k - 1."""
    y = np.array([0.10, 0.35, -0.05, 0.42, 0.20])
    se = np.array([0.08, 0.12, 0.10, 0.15, 0.06])
    got = magnitude.pooled_estimates(_cases(y, se)).iloc[0]
    w = 1 / (se**2 + got["tau2"])
    mu = np.sum(w * y) / np.sum(w)
    assert np.sum(w * (y - mu) ** 2) == pytest.approx(len(y) - 1, rel=1e-6)
    assert got["estimate"] == pytest.approx(mu, rel=1e-9)
    assert "Paule-Mandel" in got["method"]


def test_homogeneous_estimates_give_tau2_and_i2_zero() -> None:
    got = magnitude.pooled_estimates(_cases([0.2, 0.21, 0.19], [0.1, 0.1, 0.1])).iloc[0]
    assert got["tau2"] == 0 and got["i2"] == 0
    assert got["estimate"] == pytest.approx(0.2)


def test_published_bcg_example() -> None:
    """The BCG vaccine trials (Colditz et al. 1994), log risk ratios, as metafor documents them:
    DerSimonian-Laird estimate -0.7141 (95 % CI -1.0644 to -0.3638), tau2 0.3088, Q 152.23."""
    trials = [
        (4, 119, 11, 128), (6, 300, 29, 274), (3, 228, 11, 209), (62, 13536, 248, 12619),
        (33, 5036, 47, 5761), (180, 1361, 372, 1079), (8, 2537, 10, 619), (505, 87886, 499, 87892),
        (29, 7470, 45, 7232), (17, 1699, 65, 1600), (186, 50448, 141, 27197), (5, 2493, 3, 2338),
        (27, 16886, 29, 17825),
    ]  # fmt: skip
    y = np.array([math.log((a / (a + b)) / (c / (c + d))) for a, b, c, d in trials])
    v = np.array([1 / a - 1 / (a + b) + 1 / c - 1 / (c + d) for a, b, c, d in trials])
    got = magnitude.pooled_estimates(_cases(y, np.sqrt(v)), method="dl").iloc[0]
    assert got["estimate"] == pytest.approx(-0.7141, abs=5e-4)
    assert (got["ci_low"], got["ci_high"]) == pytest.approx((-1.0644, -0.3638), abs=5e-4)
    assert got["tau2"] == pytest.approx(0.3088, abs=5e-4)
    assert got["q"] == pytest.approx(152.2330, abs=5e-3)
    assert got["i2"] == pytest.approx(92.12, abs=0.01)


def test_one_case_is_not_pooled_and_ratios_are_pooled_on_the_log_scale() -> None:
    assert magnitude.pooled_estimates(_cases([0.2], [0.1])).empty
    cases = _cases([math.log(1.2), math.log(1.5)], [0.1, 0.1]).assign(effect_measure="ratio")
    got = magnitude.pooled_estimates(cases).iloc[0]
    assert got["estimate"] == pytest.approx(math.sqrt(1.2 * 1.5))  # equal weights: the geometric mean
    assert got["scale"] == "ratio" and got["ci_low"] < got["estimate"] < got["ci_high"]


# ------------------------------------------------------------------ albatross and import cost


def test_albatross_sides_and_contours(tmp_path: Path) -> None:
    rows = [
        {**_finding("F1", "C", "down", "decrease", "-0.2", "0.05"), "n": "400"},
        {**_finding("F2", "C", "up", "decrease", "-0.1", "0.05"), "n": "400", "p_value": "0.04"},
        {**_finding("F3", "C", "odd", "increase", "0.3", "0.05"), "n": "400"},
        {
            **_finding("F4", "C", "up", "no_change", "", ""),
            "n": "300",
            "p_value": "0.7",
            "effect_measure": "",
        },
    ]
    for row in rows:
        row.setdefault("p_value", "")
    ev = load_evidence(_data(tmp_path, rows))
    points = magnitude.albatross_points(ev).set_index("finding_id")
    assert points.loc["F1", "side"] == 1 and points.loc["F2", "side"] == -1
    assert points.loc["F2", "p_value"] == 0.04 and points.loc["F1", "p_source"] == "estimate_and_se"
    left = magnitude.albatross_left_out(ev, points.reset_index()).set_index("finding_id")
    assert left.loc["F3", "reason"] == "ambiguous_outcome"
    assert left.loc["F4", "reason"] == "no_change_without_estimate"
    # d = 0.2 with n = 400 in two equal groups: z = 0.2 * 20 / 2 = 2, p = 0.0455.
    assert magnitude.smd_p_contour(0.2, np.array([400]))[0] == pytest.approx(0.0455, abs=1e-4)


def test_synthetic_data_with_estimates_pool_in_every_domain(tmp_path: Path) -> None:
    ev = load_evidence(write_synthetic(tmp_path / "d", with_estimates=True))
    pooled = magnitude.pooled_estimates(magnitude.case_estimates(magnitude.aligned_estimates(ev)))
    assert set(pooled["domain"]) == set(ev.domain_order)
    assert (pooled["k"] >= 2).all() and (pooled["i2"].between(0, 100)).all() and (pooled["tau2"] >= 0).all()


def test_only_the_magnitude_path_imports_statsmodels() -> None:
    """statsmodels (and scipy under it) costs a second per kernel: importing the package costs none."""
    code = (
        "import sys, synergies, synergies.aggregate, synergies.narrative, synergies.describe, "
        "synergies.plots, synergies.magnitude, synergies.magnitude_plots\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'statsmodels', 'scipy'}))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_notebook_sizes_synthetic_estimates_end_to_end(tmp_path: Path) -> None:
    """Synthetic estimates with SEs through notebook 04: tables with rows, forest and albatross figures."""
    import nbformat

    from synergies.config import NOTEBOOKS_DIR, ROOT

    data = write_synthetic(tmp_path / "data", with_estimates=True)
    out, figures = tmp_path / "out", tmp_path / "figures"
    command = [
        str(ROOT / ".venv" / "bin" / "papermill"),
        str(NOTEBOOKS_DIR / "04-estimate-magnitudes.ipynb"),
        str(tmp_path / "executed.ipynb"),
        *("-p", "data_dir", str(data), "-p", "output_dir", str(out), "-p", "figures_dir", str(figures)),
        *("-p", "lang", "es", "-k", "python3", "--no-progress-bar", "--log-level", "ERROR"),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    pooled = pd.read_csv(out / "tables" / "pooled_estimates.csv")
    assert len(pooled) >= 4 and list(pooled.columns[:3]) == ["domain", "effect_measure", "k"]
    assert len(pd.read_csv(out / "tables" / "aligned_estimates.csv")) > 0
    names = {p.name for p in figures.glob("*.png")}
    assert "albatross.png" in names and any(n.startswith("forest-") for n in names)
    assert all((figures / n.replace(".png", ".alt.txt")).stat().st_size > 50 for n in names)
    executed = nbformat.read(tmp_path / "executed.ipynb", as_version=4)
    markdown = " ".join(
        o["data"].get("text/markdown", "") for c in executed.cells if c.cell_type == "code" for o in c.outputs
    )
    assert "Paule–Mandel" in markdown and "IC 95 %" in markdown


def test_shipped_data_write_header_only_tables_and_no_figures(tmp_path: Path) -> None:
    from synergies.config import DATA_DIR

    ev = load_evidence(DATA_DIR)
    aligned = magnitude.aligned_estimates(ev)
    cases = magnitude.case_estimates(aligned)
    pooled = magnitude.pooled_estimates(cases)
    assert aligned.empty and cases.empty and pooled.empty and magnitude.albatross_points(ev).empty
    assert list(pooled.columns) == magnitude.POOLED_COLUMNS
    from synergies import magnitude_plots

    assert magnitude_plots.forest_pages(ev, aligned, cases, pooled, "en") == []


def test_narrative_gives_a_cited_paragraph_per_pooled_domain(tmp_path: Path) -> None:
    from synergies import narrative

    ev = load_evidence(write_synthetic(tmp_path / "d", with_estimates=True))
    pooled = magnitude.pooled_estimates(magnitude.case_estimates(magnitude.aligned_estimates(ev)))
    section = narrative.build(ev).section("magnitudes")
    sentences = [s for p in section.paragraphs for s in p.sentences if s.refs]
    assert len(sentences) == len(pooled)
    for sentence, row in zip(sentences, pooled.itertuples(index=False), strict=True):
        assert {r.key[0] for r in sentence.refs} == set(row.finding_ids.split(";"))
        counted = {c.unit: c.value for c in sentence.counts}  # every number stated is counted
        assert counted["value:k"] == row.k and any(unit.endswith(":estimate") for unit in counted)
        assert {c.table for c in sentence.counts} == {"pooled_estimates"}
        assert f"across {row.k} evaluations" in sentence.en and f"en {row.k} evaluaciones" in sentence.es
        assert magnitude_text_value(row.estimate) in sentence.en
    markdown = narrative.render_markdown(narrative.build(ev), "es")
    assert "## Tamaño de los efectos donde se reporta" in markdown and "Paule–Mandel" in markdown


def magnitude_text_value(x: float) -> str:
    from synergies.magnitude_text import fmt_number

    return fmt_number(x, "en")


def test_narrative_says_in_one_sentence_why_there_are_no_sizes() -> None:
    from synergies import narrative
    from synergies.config import DATA_DIR

    built = narrative.build(load_evidence(DATA_DIR))
    assert "magnitudes" not in [s.key for s in built.sections]
    caveats = [s.en for p in built.section("caveats").paragraphs for s in p.sentences]
    assert sum("no magnitude can be shown or pooled" in s for s in caveats) == 1


def test_forest_pages_stay_within_the_row_limit_and_count_what_is_cut(tmp_path: Path) -> None:
    from synergies import magnitude_plots

    rows = [_finding(f"F{i:03d}", "C1", "up", "increase", "0.2", "0.1") for i in range(1, 90)]
    rows += [_finding(f"G{i:03d}", "C2", "up", "increase", "0.1", "0.1") for i in range(1, 4)]
    ev = load_evidence(_data(tmp_path, rows))
    aligned = magnitude.aligned_estimates(ev)
    cases = magnitude.case_estimates(aligned)
    pooled = magnitude.pooled_estimates(cases)
    pages = magnitude_plots.forest_pages(ev, aligned, cases, pooled, "en", max_rows=20, max_pages=3)
    assert len(pages) == 3 and all(len(p.rows) <= 21 for p in pages)  # 20 rows, + the pooled row at the end
    drawn = sum(r.kind == "finding" for p in pages for r in p.rows)
    assert pages[-1].left_out_rows > 0 and drawn < 92
    assert "more rows beyond page 3" in magnitude_plots.alt_forest(ev, pages[-1], "en")
    fig = magnitude_plots.forest_plot(ev, pages[0], "es")
    assert fig.get_size_inches()[1] < 10
