"""The coding template: valid example data, a spreadsheet true to the contract, a lossless round trip."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.utils import column_index_from_string

from synergies import contract
from synergies.config import ROOT
from synergies.load import DataError, load_evidence
from synergies.template import (
    README_SHEET,
    TEMPLATE_DIR,
    XLSX_NAME,
    build_workbook,
    sheet_name,
    write_template,
    write_xlsx,
    xlsx_to_csv,
)

XLSX = TEMPLATE_DIR / XLSX_NAME
# The dropdowns each column must offer, spelled out from the contract's vocabularies.
EXPECTED_DROPDOWNS = {
    ("findings.csv", "arm"): contract.ARMS,
    ("findings.csv", "direction"): contract.DIRECTIONS,
    ("findings.csv", "effect_measure"): contract.EFFECT_MEASURES,
    ("findings.csv", "significant"): ("true", "false"),
    ("findings.csv", "direction_alt"): contract.DIRECTIONS,
    ("outcomes.csv", "better"): contract.BETTER,
    ("outcomes.csv", "better_alternative"): contract.BETTER,
    ("cases.csv", "has_impact_evaluation"): ("true", "false"),
    ("cases.csv", "risk_of_bias"): contract.RISK_OF_BIAS,
    ("institutional.csv", "level"): contract.LEVELS,
    ("institutional.csv", "assessment"): contract.ASSESSMENTS,
    ("institutional.csv", "level_basis"): contract.LEVEL_BASES,
    ("factors.csv", "aspect"): contract.FACTOR_ASPECTS,
    ("claims.csv", "kind"): contract.CLAIM_KINDS,
    ("claims.csv", "asserts"): contract.CLAIM_ASSERTS,
    ("claims.csv", "arm"): contract.ARMS,
    ("claims.csv", "level"): contract.LEVELS,
    ("programmes.csv", "sector"): contract.SECTORS,
}


def read_csv(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def dropdowns(workbook: Workbook, spec: contract.FileSpec) -> dict[str, tuple[str, ...]]:
    """Column name -> the values of the list validation on that column's data rows."""
    sheet = workbook[sheet_name(spec)]
    header = [c.value for c in sheet[1]]
    found: dict[str, tuple[str, ...]] = {}
    for validation in sheet.data_validations.dataValidation:
        assert validation.type == "list"
        values = tuple(validation.formula1.strip('"').split(","))
        for cell_range in validation.sqref.ranges:
            assert cell_range.min_col == cell_range.max_col, "one dropdown per column"
            assert cell_range.min_row == 2 and cell_range.max_row >= 1000
            found[header[cell_range.min_col - 1]] = values
    return found


# --------------------------------------------------------------------------- the CSV template


def test_template_directory_is_valid_data() -> None:
    ev = load_evidence(TEMPLATE_DIR)
    assert ev.missing_optional == []
    assert set(ev.findings["arm"]) == set(contract.ARMS)
    assert set(ev.findings["effect"]) == {"beneficial", "no_change", "unclear"}
    assert (~ev.cases["has_impact_evaluation"]).sum() == 1, "the example shows an evidence gap"


@pytest.mark.parametrize("spec", [s for s in contract.FILES if s.name != "factors.csv"], ids=lambda s: s.name)
def test_every_example_row_is_marked_example(spec: contract.FileSpec) -> None:
    header, *rows = read_csv(TEMPLATE_DIR / spec.name)
    assert header == [c.name for c in spec.columns]
    assert rows
    for row in rows:
        assert any("EXAMPLE" in cell for cell in row), f"{spec.name}: unmarked example row {row}"


def test_example_is_fictitious() -> None:
    findings = read_csv(TEMPLATE_DIR / "findings.csv")[1:]
    real_countries = set(load_evidence(ROOT / "data").findings["country"])
    assert {row[1] for row in findings} == {"Exampleland"}
    assert not {row[1] for row in findings} & real_countries


def test_committed_template_matches_the_generator(tmp_path: Path) -> None:
    written = write_template(tmp_path)
    stale = [p.name for p in written if p.read_bytes() != (TEMPLATE_DIR / p.name).read_bytes()]
    assert not stale, f"templates/ is out of date for {stale}: run `make template`"


def test_spreadsheet_is_byte_stable(tmp_path: Path) -> None:
    first, second = write_xlsx(tmp_path / "a.xlsx"), write_xlsx(tmp_path / "b.xlsx")
    assert first.read_bytes() == second.read_bytes() == XLSX.read_bytes()


# --------------------------------------------------------------------------- the spreadsheet


def test_spreadsheet_has_a_readme_and_one_sheet_per_contract_file() -> None:
    workbook = load_workbook(XLSX)
    assert workbook.sheetnames == [README_SHEET, *(sheet_name(s) for s in contract.FILES)]
    for spec in contract.FILES:
        header = [c.value for c in workbook[sheet_name(spec)][1]]
        assert header == [c.name for c in spec.columns], spec.name


def test_readme_sheet_documents_every_column() -> None:
    sheet = load_workbook(XLSX)[README_SHEET]
    documented = {(row[0], row[2]) for row in sheet.iter_rows(values_only=True) if row[0] and row[2]}
    for spec in contract.FILES:
        for column in spec.columns:
            assert (sheet_name(spec), column.name) in documented


def test_dropdowns_offer_exactly_the_contract_values() -> None:
    workbook = load_workbook(XLSX)
    for spec in contract.FILES:
        expected = {col: values for (name, col), values in EXPECTED_DROPDOWNS.items() if name == spec.name}
        assert dropdowns(workbook, spec) == expected, spec.name


def test_every_vocabulary_column_of_the_contract_has_a_dropdown() -> None:
    controlled = {
        (spec.name, col.name)
        for spec in contract.FILES
        for col in spec.columns
        if col.kind in ("enum", "bool")
    }
    assert controlled == set(EXPECTED_DROPDOWNS)


def test_header_marks_required_columns_and_explains_each() -> None:
    sheet = load_workbook(XLSX)["findings"]
    fills = {cell.value: cell.fill.fgColor.rgb for cell in sheet[1]}
    assert fills["arm"] != fills["note"], "required and optional headers look different"
    assert all(cell.comment and cell.comment.text for cell in sheet[1])
    assert sheet.freeze_panes == "A2"


# --------------------------------------------------------------------------- spreadsheet -> CSV


def test_spreadsheet_round_trips_to_the_template_csvs(tmp_path: Path) -> None:
    written = xlsx_to_csv(XLSX, tmp_path)
    assert [p.name for p in written] == [s.name for s in contract.FILES]
    for path in written:
        assert path.read_bytes() == (TEMPLATE_DIR / path.name).read_bytes(), path.name
    load_evidence(tmp_path)


def save(workbook: Workbook, path: Path) -> Path:
    workbook.save(path)
    return path


def test_spreadsheet_values_as_excel_stores_them_convert_to_contract_text(tmp_path: Path) -> None:
    workbook = build_workbook()
    findings = workbook["findings"]
    findings["L2"] = True  # Excel turns a typed or picked "true" into a boolean
    findings["M2"] = 1200.0  # and whole numbers may come back as floats
    workbook["cases"]["G2"] = 2024.0
    findings.append([])  # a blank row in the middle of the data
    findings.append(["EX-06", "Exampleland", "EXAMPLE Programme A + Programme B", "EXAMPLE Programme A"])
    findings["E8"], findings["F8"], findings["G8"] = "single", "example_household_income", "decrease"
    programmes = workbook["programmes"]
    programmes.delete_rows(2, programmes.max_row)  # an optional sheet left with its header only
    out = tmp_path / "data"
    written = xlsx_to_csv(save(workbook, tmp_path / "filled.xlsx"), out)
    assert "programmes.csv" not in {p.name for p in written}
    rows = read_csv(out / "findings.csv")
    assert rows[1][11:13] == ["true", "1200"]
    assert [r[0] for r in rows[1:]] == ["EX-01", "EX-02", "EX-03", "EX-04", "EX-05", "EX-06"]
    assert read_csv(out / "cases.csv")[1][6] == "2024"
    ev = load_evidence(out)
    assert "programmes.csv" in ev.missing_optional
    assert len(ev.findings) == 6


def test_bad_spreadsheet_values_are_caught_by_validation(tmp_path: Path) -> None:
    workbook = build_workbook()
    workbook["findings"]["E2"] = "both"  # not an arm
    workbook["findings"]["O2"] = "=HYPERLINK(1)"  # a formula
    out = tmp_path / "data"
    xlsx_to_csv(save(workbook, tmp_path / "bad.xlsx"), out)
    with pytest.raises(DataError) as err:
        load_evidence(out)
    report = str(err.value)
    assert "findings.csv, row 2, column 'arm': found 'both'; expected one of single, combined" in report
    assert "column 'locator'" in report and "formula" in report


def test_missing_required_sheet_is_reported_by_validation(tmp_path: Path) -> None:
    workbook = build_workbook()
    workbook.remove(workbook["outcomes"])
    out = tmp_path / "data"
    xlsx_to_csv(save(workbook, tmp_path / "no-outcomes.xlsx"), out)
    with pytest.raises(DataError, match=r"outcomes\.csv: expected this required file"):
        load_evidence(out)


def test_conversion_refuses_to_overwrite_unless_asked(tmp_path: Path) -> None:
    xlsx_to_csv(XLSX, tmp_path)
    with pytest.raises(FileExistsError):
        xlsx_to_csv(XLSX, tmp_path)
    workbook = build_workbook()
    workbook["sources"].delete_rows(2, workbook["sources"].max_row)
    for spec in ("findings", "cases", "institutional", "programmes"):
        column = [c.value for c in workbook[spec][1]].index("source_id") + 1
        for row in range(2, workbook[spec].max_row + 1):
            workbook[spec].cell(row=row, column=column).value = None
    xlsx_to_csv(save(workbook, tmp_path / "no-sources.xlsx"), tmp_path, overwrite=True)
    assert not (tmp_path / "sources.csv").exists(), "a file the workbook no longer gives is removed"
    load_evidence(tmp_path)


def test_conversion_script(tmp_path: Path) -> None:
    command = [sys.executable, str(ROOT / "scripts" / "xlsx_to_csv.py"), str(XLSX), str(tmp_path / "d")]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "make validate" in done.stdout
    again = subprocess.run(command, capture_output=True, text=True, check=False)
    assert again.returncode == 1 and "--overwrite" in again.stderr


def test_column_letters_used_above_match_the_contract() -> None:
    findings = [c.name for c in contract.FINDINGS.columns]
    assert findings[column_index_from_string("E") - 1] == "arm"
    assert findings[column_index_from_string("L") - 1] == "significant"
    assert findings[column_index_from_string("M") - 1] == "n"
    assert findings[column_index_from_string("O") - 1] == "locator"
    assert [c.name for c in contract.CASES.columns][column_index_from_string("G") - 1] == "year"
