"""Notebooks 01-06 run with papermill on other data, from any directory, and write the tables they promise.

Their hygiene (one parameters cell, no outputs, valid nbformat, python3 kernel) is checked
for every notebook in tests/test_notebook_hygiene.py; here they are executed, once each,
on a directory holding only the two required files.
"""

from __future__ import annotations

import csv
import json
import subprocess
from collections import Counter

import nbformat
import pytest

from synergies import contract
from synergies.aggregate import EFFECTS_BY_DOMAIN_COLUMNS, SIGN_TEST_COLUMNS
from synergies.config import NOTEBOOKS_DIR, ROOT
from synergies.synthetic import write_synthetic

PAPERMILL = ROOT / ".venv" / "bin" / "papermill"
# Notebook -> (language it is run in, tables it must write).
EXPECTED = {
    "01-describe-data": ("en", {"data_overview", "polarity_decisions", "evidence_gaps"}),
    "02-plot-effect-directions": ("es", {"effect_directions", "arms"}),
    "03-summarise-domains": (
        "en",
        {
            "effects_by_domain",
            "case_domain_verdicts",
            "sign_tests",
            "sign_tests_by_case",
            "country_domain",
            "robustness",
        },
    ),
    "04-estimate-magnitudes": (
        "es",
        {"pooled_estimates", "aligned_estimates", "case_estimates", "albatross_points"},
    ),  # header-only: the minimal data have no estimates
    "05-compare-single-combined": (
        "es",
        {
            "single_vs_combined",
            "single_vs_combined_domains",
            "combination_pairs",
            "combination",
            "combination_domains",
        },
    ),
    "06-map-institutions": ("en", set()),  # the minimal data have no institutional.csv
}
SHIPPED_NAMES = ("Colombia", "Mexico", "Peru", "FEST", "UNIDOS", "PPP", "Haku", "PROINPRO")


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> dict:
    """Every notebook executed once, all at the same time, from a directory outside the repository."""
    base = tmp_path_factory.mktemp("notebooks")
    data = write_synthetic(base / "minimal", only_required=True)
    out, figures, executed = base / "out", base / "figures", base / "executed"
    executed.mkdir()
    processes = {}
    for stem, (lang, _) in EXPECTED.items():
        command = [
            str(PAPERMILL),
            str(NOTEBOOKS_DIR / f"{stem}.ipynb"),
            str(executed / f"{stem}.ipynb"),
            *("-p", "data_dir", str(data), "-p", "output_dir", str(out)),
            *("-p", "figures_dir", str(figures), "-p", "lang", lang),
            *("-k", "python3", "--no-progress-bar", "--log-level", "ERROR"),
        ]
        processes[stem] = subprocess.Popen(command, cwd=base, stderr=subprocess.PIPE, text=True)
    errors = {}
    for stem, process in processes.items():
        _, err = process.communicate(timeout=300)
        if process.returncode:
            errors[stem] = err[-3000:]
    return {"data": data, "out": out, "figures": figures, "executed": executed, "errors": errors}


def outputs_of(nb: nbformat.NotebookNode) -> list[dict]:
    return [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]


@pytest.mark.parametrize("stem", EXPECTED)
def test_notebook_runs_and_writes_its_tables(run, stem):
    assert stem not in run["errors"], run["errors"].get(stem)
    nb = nbformat.read(run["executed"] / f"{stem}.ipynb", as_version=4)
    assert not [o for o in outputs_of(nb) if o.output_type == "error"]
    written = {p.stem for p in (run["out"] / "tables").glob("*.csv")}
    assert EXPECTED[stem][1] <= written


def test_no_notebook_writes_a_table_another_one_writes(run):
    """Notebooks run in parallel and never read each other's outputs, so each table has one writer."""
    tables = [t for _, names in EXPECTED.values() for t in names]
    assert len(tables) == len(set(tables))
    written = {p.stem for p in (run["out"] / "tables").glob("*.csv")}
    assert written == set(tables)


def test_effects_by_domain_counts_match_a_plain_count_of_the_csv_files(run):
    """Recount effects from findings.csv and outcomes.csv with the csv module, independently of pandas."""
    with (run["data"] / "outcomes.csv").open(encoding="utf-8") as f:
        codebook = {r["outcome"]: (r["domain"], r["better"]) for r in csv.DictReader(f)}
    expected: Counter = Counter()
    with (run["data"] / "findings.csv").open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            domain, better = codebook[r["outcome"]]
            direction = r["direction"]
            if direction == "no_change":
                effect = "no_change"
            elif better == "ambiguous":
                effect = "unclear"
            elif (direction == "increase") == (better == "higher"):
                effect = "beneficial"
            else:
                effect = "adverse"
            expected[(r["country"], r["case"], r["intervention"], r["arm"], domain, effect)] += 1
    with (run["out"] / "tables" / "effects_by_domain.csv").open(encoding="utf-8") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames[: len(EFFECTS_BY_DOMAIN_COLUMNS)] == EFFECTS_BY_DOMAIN_COLUMNS
        rows = list(reader)
    found: Counter = Counter()
    for r in rows:
        key = (r["country"], r["case"], r["intervention"], r["arm"], r["domain"])
        counts = {e: int(r[e]) for e in contract.EFFECTS}
        assert int(r["total"]) == sum(counts.values())
        assert r["verdict"] in (*contract.EFFECTS, "conflicting")
        for effect, n in counts.items():
            if n:
                found[(*key, effect)] = n
    assert found == expected
    assert sum(expected.values()) == sum(int(r["total"]) for r in rows)


def test_sign_test_tables_count_arms_and_evaluations(run):
    tables = run["out"] / "tables"
    for name, unit in (("sign_tests", "arm"), ("sign_tests_by_case", "case")):
        with (tables / f"{name}.csv").open(encoding="utf-8") as f:
            reader = csv.DictReader(f)
            assert reader.fieldnames[: len(SIGN_TEST_COLUMNS)] == SIGN_TEST_COLUMNS
            rows = list(reader)
        assert rows and {r["unit"] for r in rows} == {unit}
    nb = nbformat.read(run["executed"] / "03-summarise-domains.ipynb", as_version=4)
    shown = " ".join(o.get("data", {}).get("text/markdown", "") for o in outputs_of(nb))
    assert "Power" in shown


def test_every_figure_has_png_svg_and_alt_text(run):
    pngs = sorted(run["figures"].glob("*.png"))
    names = {p.stem for p in pngs}
    assert {"effect-directions", "verdicts", "sign-tests", "sign-tests-by-case", "country-domain"} <= names
    assert any(n.startswith("single-vs-combined") for n in names)
    for png in pngs:
        assert png.with_suffix(".svg").is_file()
        alt = png.with_name(f"{png.stem}.alt.txt")
        assert alt.is_file() and len(alt.read_text(encoding="utf-8").strip()) > 20


def test_missing_institutional_file_is_said_not_hidden(run):
    nb = nbformat.read(run["executed"] / "06-map-institutions.ipynb", as_version=4)
    shown = " ".join(o.get("data", {}).get("text/markdown", "") for o in outputs_of(nb))
    assert "no institutional.csv" in shown
    assert not list(run["figures"].glob("institutional-matrix*"))


@pytest.mark.parametrize("stem", EXPECTED)
def test_source_notebook_holds_no_claims_about_the_shipped_data(stem):
    """Interpretation that depends on the data is generated by the package, never typed into a notebook."""
    nb = nbformat.read(NOTEBOOKS_DIR / f"{stem}.ipynb", as_version=4)
    text = "\n".join(c.source for c in nb.cells)
    assert not [name for name in SHIPPED_NAMES if name in text]
    setup = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "%autoreload 2" in setup and "resolve(data_dir)" in setup and "load_evidence(" in setup
    assert "seaborn" not in setup


@pytest.mark.parametrize("stem", EXPECTED)
def test_notebook_declares_the_data_files_it_reads(stem):
    metadata = json.loads((NOTEBOOKS_DIR / f"{stem}.ipynb").read_text(encoding="utf-8"))["metadata"]
    inputs = metadata["synergies"]["inputs"]
    assert {"findings.csv", "outcomes.csv"} <= set(inputs) <= set(contract.SPECS)
