"""The coding template for adding an evaluation: example rows for every contract file.

`make template` writes them to `templates/` as one CSV per contract file and as one
spreadsheet (one sheet per file, dropdowns for the controlled values, a README sheet),
all built from `synergies.contract` so the template cannot drift from the loader.
`xlsx_to_csv` turns a filled-in spreadsheet back into a data directory.

The example rows describe a fictitious country, "Exampleland", and a fictitious source,
"EXAMPLE-2024": they show the format and must be deleted before real data are entered.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from synergies import contract, palette
from synergies.config import ROOT
from synergies.contract import Column, FileSpec

TEMPLATE_DIR = ROOT / "templates"
XLSX_NAME = "evaluation-template.xlsx"
README_SHEET = "README"
# Rows of each sheet that get the dropdowns: far more than any evaluation needs.
VALIDATED_ROWS = 10_000
# Fixed times make the spreadsheet byte-identical on every run (zip entries and document properties).
FIXED_PROPERTY_TIME = dt.datetime(2026, 1, 1)
FIXED_ZIP_TIME = (2026, 1, 1, 0, 0, 0)
NUMERIC_KINDS = ("number", "positive_number", "probability", "int", "positive_int")
BOOLEAN_VALUES = (*contract.BOOLEAN_TRUE, *contract.BOOLEAN_FALSE)

_EXAMPLE_NOTE = "EXAMPLE row: fictitious, delete it before entering real data."
_CASE = "EXAMPLE Programme A + Programme B"

# One dict per example row, keyed by contract column; missing columns stay empty.
EXAMPLE_ROWS: dict[str, list[dict[str, str]]] = {
    "findings.csv": [
        {
            "finding_id": "EX-01",
            "country": "Exampleland",
            "case": _CASE,
            "intervention": "EXAMPLE Programme A",
            "arm": "single",
            "outcome": "example_household_income",
            "direction": "increase",
            "estimate": "1250.5",
            "effect_measure": "raw",
            "std_error": "410.2",
            "p_value": "0.002",
            "significant": "true",
            "n": "1200",
            "source_id": "EXAMPLE-2024",
            "locator": "Table 3, column 2",
            "note": _EXAMPLE_NOTE
            + " Programme A alone: the single arm. Unit: Exampleland pesos per household per month.",
        },
        {
            "finding_id": "EX-02",
            "country": "Exampleland",
            "case": _CASE,
            "intervention": "EXAMPLE Programme A + Programme B",
            "arm": "combined",
            "outcome": "example_household_income",
            "direction": "increase",
            "estimate": "1875",
            "effect_measure": "raw",
            "std_error": "455.9",
            "p_value": "0.0001",
            "significant": "true",
            "n": "1180",
            "source_id": "EXAMPLE-2024",
            "locator": "Table 3, column 3",
            "note": _EXAMPLE_NOTE
            + " Both programmes together: the combined arm. Unit: Exampleland pesos per household per month.",
        },
        {
            "finding_id": "EX-03",
            "country": "Exampleland",
            "case": _CASE,
            "intervention": "EXAMPLE Programme A + Programme B",
            "arm": "combined",
            "outcome": "example_severe_food_insecurity",
            "direction": "decrease",
            "source_id": "EXAMPLE-2024",
            "locator": "p. 14",
            "comparator": "EXAMPLE Programme A",
            "note": _EXAMPLE_NOTE
            + " Only the direction is reported: leave the numbers empty. This table compares the two arms"
            " directly, so its comparator is Programme A, overriding the arm's in arms.csv. A second source"
            " reports no change: direction_alt records the disagreement.",
            "direction_alt": "no_change",
            "alt_source_id": "EXAMPLE-2025",
            "alt_locator": "Summary table",
        },
        {
            "finding_id": "EX-04",
            "country": "Exampleland",
            "case": _CASE,
            "intervention": "EXAMPLE Programme A",
            "arm": "single",
            "outcome": "example_severe_food_insecurity",
            "direction": "no_change",
            "estimate": "-0.01",
            "effect_measure": "smd",
            "p_value": "0.62",
            "significant": "false",
            "n": "1200",
            "source_id": "EXAMPLE-2024",
            "locator": "Table 4",
            "note": _EXAMPLE_NOTE + " The source reports no change: direction no_change.",
        },
        {
            "finding_id": "EX-05",
            "country": "Exampleland",
            "case": _CASE,
            "intervention": "EXAMPLE Programme A + Programme B",
            "arm": "combined",
            "outcome": "example_hours_off_farm",
            "direction": "increase",
            "source_id": "EXAMPLE-2024",
            "locator": "Table 5",
            "note": _EXAMPLE_NOTE + " An outcome of ambiguous desirability: shown as unclear. Reported for a"
            " subgroup only.",
            "subgroup": "EXAMPLE women aged 18 to 35",
        },
    ],
    "outcomes.csv": [
        {
            "outcome": "example_household_income",
            "domain": "example_income",
            "better": "higher",
            "label_en": "EXAMPLE household income",
            "label_es": "EJEMPLO ingreso del hogar",
            "note": "EXAMPLE codebook entry: higher household income is better.",
        },
        {
            "outcome": "example_severe_food_insecurity",
            "domain": "example_food_security",
            "better": "lower",
            "label_en": "EXAMPLE severe food insecurity",
            "label_es": "EJEMPLO inseguridad alimentaria severa",
            "note": "EXAMPLE codebook entry: less severe food insecurity is better.",
        },
        {
            "outcome": "example_hours_off_farm",
            "domain": "example_income",
            "better": "ambiguous",
            "better_alternative": "higher",
            "label_en": "EXAMPLE hours worked off the farm",
            "label_es": "EJEMPLO horas de trabajo fuera de la finca",
            "note": (
                "EXAMPLE codebook entry (judgement call): more hours off the farm can mean "
                "diversified income (less risk) or labour drawn away from the farm; the source "
                "does not say which, so better = ambiguous and a change is shown as unclear. "
                "Say what the source says, what you concluded and why. better_alternative names "
                "the other reading (higher: diversified income), which the robustness grid tries."
            ),
        },
    ],
    "domains.csv": [
        {
            "domain": "example_income",
            "order": "1",
            "label_en": "EXAMPLE Income",
            "label_es": "EJEMPLO Ingresos",
            "note": _EXAMPLE_NOTE,
        },
        {
            "domain": "example_food_security",
            "order": "2",
            "label_en": "EXAMPLE Food security",
            "label_es": "EJEMPLO Seguridad alimentaria",
            "note": _EXAMPLE_NOTE,
        },
    ],
    "cases.csv": [
        {
            "case": _CASE,
            "country": "Exampleland",
            "programmes": "EXAMPLE Programme A;EXAMPLE Programme B",
            "has_impact_evaluation": "true",
            "design": "Randomised assignment to a control group, Programme A alone, or Programmes A and B",
            "evaluator": "EXAMPLE University",
            "year": "2024",
            "source_id": "EXAMPLE-2024",
            "risk_of_bias": "some_concerns",
            "rob_tool": "RoB 2",
            "note": _EXAMPLE_NOTE
            + " Risk of bias as the review team rated it with RoB 2; write unknown when no appraisal exists.",
        },
        {
            "case": "EXAMPLE Programme C",
            "country": "Exampleland",
            "programmes": "EXAMPLE Programme C",
            "has_impact_evaluation": "false",
            "source_id": "EXAMPLE-2024",
            "note": _EXAMPLE_NOTE + " A case without impact results: an evidence gap, not zero effects.",
        },
    ],
    "institutional.csv": [
        {
            "case": _CASE,
            "country": "Exampleland",
            "factor": "formal_agreements",
            "level": "national",
            "assessment": "enabler",
            "statement": "A signed agreement set shared targeting criteria for both programmes.",
            "source_id": "EXAMPLE-2024",
            "locator": "Section 4.1",
            "note": _EXAMPLE_NOTE + " The source says 'national': level_basis stated.",
            "level_basis": "stated",
        },
        {
            "case": _CASE,
            "country": "Exampleland",
            "factor": "local_informal_coordination",
            "level": "local",
            "assessment": "barrier",
            "statement": "Local staff of the two programmes had no regular contact.",
            "source_id": "EXAMPLE-2024",
            "locator": "Section 4.2",
            "note": _EXAMPLE_NOTE
            + " The source does not name the level; inferred from its section on field offices.",
            "level_basis": "inferred",
        },
    ],
    "factors.csv": [
        {
            "factor": "formal_agreements",
            "label_en": "Formal agreements",
            "label_es": "Acuerdos formales",
            "description": "Written agreements between institutions, e.g. on targeting criteria.",
            "aspect": "coordination",
        },
        {
            "factor": "local_informal_coordination",
            "label_en": "Informal local coordination",
            "label_es": "Coordinación local informal",
            "description": "Coordination that local staff and institutions build without a formal mandate.",
            "aspect": "coordination",
        },
    ],
    "programmes.csv": [
        {
            "programme": "EXAMPLE Programme A",
            "country": "Exampleland",
            "sector": "social_protection",
            "institution": "EXAMPLE Ministry of Social Development",
            "start_year": "2015",
            "coverage": "National",
            "target_population": "Rural households in extreme poverty",
            "components": "Cash transfer;family accompaniment",
            "source_id": "EXAMPLE-2024",
            "note": _EXAMPLE_NOTE,
        },
        {
            "programme": "EXAMPLE Programme B",
            "country": "Exampleland",
            "sector": "productive_development",
            "institution": "EXAMPLE Ministry of Agriculture",
            "start_year": "2018",
            "coverage": "Three provinces",
            "target_population": "Smallholder farmers",
            "components": "Technical assistance;seed capital",
            "source_id": "EXAMPLE-2024",
            "note": _EXAMPLE_NOTE,
        },
        {
            "programme": "EXAMPLE Programme C",
            "country": "Exampleland",
            "sector": "productive_development",
            "source_id": "EXAMPLE-2024",
            "note": _EXAMPLE_NOTE,
        },
    ],
    "arms.csv": [
        {
            "country": "Exampleland",
            "case": _CASE,
            "intervention": "EXAMPLE Programme A",
            "components": "EXAMPLE Programme A",
            "comparator": "control",
            "source_id": "EXAMPLE-2024",
            "locator": "Section 2, design",
            "note": _EXAMPLE_NOTE + " Compared with the control group, which receives neither programme.",
        },
        {
            "country": "Exampleland",
            "case": _CASE,
            "intervention": "EXAMPLE Programme A + Programme B",
            "components": "EXAMPLE Programme A;EXAMPLE Programme B",
            "comparator": "control",
            "source_id": "EXAMPLE-2024",
            "locator": "Section 2, design",
            "note": _EXAMPLE_NOTE + " Adds Programme B to Programme A: the two arms are nested.",
        },
    ],
    "sources.csv": [
        {
            "source_id": "EXAMPLE-2024",
            "citation": "EXAMPLE: Doe, J. (2024). A fictitious evaluation of Programmes A and B.",
            "url": "https://example.org/evaluation",
            "year": "2024",
            "note": _EXAMPLE_NOTE + " Not a real source.",
        },
        {
            "source_id": "EXAMPLE-2025",
            "citation": "EXAMPLE: Roe, R. (2025). A fictitious summary of the same evaluation.",
            "note": _EXAMPLE_NOTE + " Not a real source.",
        },
    ],
    "claims.csv": [
        {
            "claim_id": "EX-C1",
            "text": "EXAMPLE: Programme A and B together raised household income.",
            "source_id": "EXAMPLE-2024",
            "locator": "Abstract, sentence 3",
            "kind": "effect",
            "asserts": "beneficial",
            "arm": "combined",
            "countries": "Exampleland",
            "outcomes": "example_household_income",
            "note": _EXAMPLE_NOTE + " An effect claim: the combined arm's income effect is beneficial.",
        },
        {
            "claim_id": "EX-C2",
            "text": "EXAMPLE: Adding Programme B to Programme A pays off.",
            "source_id": "EXAMPLE-2024",
            "locator": "Conclusions, paragraph 1",
            "kind": "synergy",
            "asserts": "combined_better",
            "cases": "Exampleland/" + _CASE,
            "note": _EXAMPLE_NOTE + " A synergy claim: the combined arm does better than the single one.",
        },
        {
            "claim_id": "EX-C3",
            "text": "EXAMPLE: Weak local contact hindered coordination.",
            "source_id": "EXAMPLE-2024",
            "locator": "Conclusions, paragraph 2",
            "kind": "institutional",
            "asserts": "barrier",
            "factors": "local_informal_coordination",
            "level": "local",
            "note": _EXAMPLE_NOTE + " An institutional claim about one factor at one level.",
        },
    ],
}


# --------------------------------------------------------------------------- CSV template


def sheet_name(spec: FileSpec) -> str:
    """Spreadsheet sheet name of a contract file: its name without `.csv`."""
    return spec.name.removesuffix(".csv")


def example_table(spec: FileSpec) -> list[list[str]]:
    """Header and example rows of one contract file, columns in contract order."""
    header = [c.name for c in spec.columns]
    rows = [[row.get(name, "") for name in header] for row in EXAMPLE_ROWS[spec.name]]
    return [header, *rows]


def _write_csv(path: Path, table: list[list[str]]) -> None:
    """Write rows as UTF-8 CSV with LF line ends, quoting only where needed."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(table)


def write_csvs(directory: str | Path) -> list[Path]:
    """Write one example CSV per contract file into `directory`; return their paths."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for spec in contract.FILES:
        path = directory / spec.name
        _write_csv(path, example_table(spec))
        paths.append(path)
    return paths


# --------------------------------------------------------------------------- spreadsheet template


def allowed_values(column: Column) -> tuple[str, ...]:
    """The values a dropdown offers for a column: its vocabulary, true/false, or none."""
    if column.kind == "enum":
        return column.values
    if column.kind == "bool":
        return BOOLEAN_VALUES
    return ()


def _cell_value(column: Column, text: str) -> str | int | float | None:
    """An example cell as the spreadsheet should hold it: numbers as numbers, the rest as text."""
    if text == "":
        return None
    if column.kind in NUMERIC_KINDS:
        number = float(text)
        return int(number) if column.kind in ("int", "positive_int") else number
    return text


def _hex(colour: str) -> str:
    return colour.lstrip("#").upper()


def _column_note(spec: FileSpec, column: Column) -> str:
    """The hover note of a header cell: required or optional, what it holds, what it means."""
    need = "Required" if column.required else "Optional"
    return f"{need}; {column.expected}.\n{column.meaning}"


def _add_sheet(workbook: Workbook, spec: FileSpec) -> None:
    """One sheet per contract file: styled header with notes, example rows, dropdowns."""
    sheet = workbook.create_sheet(sheet_name(spec))
    table = example_table(spec)
    sheet.append(table[0])
    for row in table[1:]:
        sheet.append([_cell_value(col, text) for col, text in zip(spec.columns, row, strict=True)])
    required_fill = PatternFill("solid", fgColor=_hex(palette.BLUE))
    optional_fill = PatternFill("solid", fgColor=_hex(palette.FAINT))
    for index, column in enumerate(spec.columns, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True, color=_hex(palette.WHITE if column.required else palette.INK))
        cell.fill = required_fill if column.required else optional_fill
        cell.alignment = Alignment(vertical="top")
        cell.comment = Comment(_column_note(spec, column), "template", width=300, height=120)
        longest = max(len(str(r[index - 1])) for r in table)
        sheet.column_dimensions[get_column_letter(index)].width = min(max(12, longest + 2), 60)
        _add_dropdown(sheet, index, column)
    sheet.freeze_panes = "A2"


def _add_dropdown(sheet: Worksheet, index: int, column: Column) -> None:
    """A list validation on the column's data rows when it has a controlled vocabulary."""
    values = allowed_values(column)
    if not values:
        return
    letter = get_column_letter(index)
    validation = DataValidation(
        type="list",
        formula1='"' + ",".join(values) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=f"Not a valid {column.name}",
        error=f"{column.name} must be {column.expected}.",
        showInputMessage=True,
        promptTitle=column.name,
        prompt=f"One of: {', '.join(values)}",
    )
    validation.add(f"{letter}2:{letter}{VALIDATED_ROWS + 1}")
    sheet.add_data_validation(validation)


README_LINES = (
    "Coding template for adding an evaluation to a Rural Synergies-style data directory",
    "",
    "1. Each sheet is one file of the data contract; the header row holds its columns "
    "(dark = required column, light = optional). Hover over a header for its meaning.",
    "2. The rows marked EXAMPLE (country Exampleland, source EXAMPLE-2024) are fictitious: "
    "delete them, then enter one row per reported effect in `findings`, one per outcome in `outcomes`.",
    "3. Only `findings` and `outcomes` are required; leave the other sheets with just their "
    "header row if you have nothing for them.",
    "4. Code the direction of the change in the outcome itself (increase, decrease, no_change), "
    "not whether it is good: `better` in `outcomes` says which direction is desirable.",
    "5. Convert to CSV files: .venv/bin/python scripts/xlsx_to_csv.py my-evaluation.xlsx my-data",
    "6. Check them: make validate DATA=my-data. Then run: make run DATA=my-data OUT=my-outputs",
    "",
    "Data dictionary (from the contract; data/README.md explains it in full):",
)
README_HEADER = ("sheet", "file required", "column", "column required", "allowed values", "meaning")


def _add_readme(workbook: Workbook) -> None:
    """The README sheet: how to fill the template, then every column of the contract."""
    sheet = workbook.create_sheet(README_SHEET, 0)
    for line in README_LINES:
        sheet.append([line])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(list(README_HEADER))
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
    for spec in contract.FILES:
        for column in spec.columns:
            sheet.append(
                [
                    sheet_name(spec),
                    "yes" if spec.required else "no",
                    column.name,
                    "yes" if column.required else "no",
                    column.expected,
                    column.meaning,
                ]
            )
    for letter, width in zip("ABCDEF", (16, 14, 24, 16, 44, 80), strict=True):
        sheet.column_dimensions[letter].width = width


def build_workbook() -> Workbook:
    """The template spreadsheet: a README sheet, then one sheet per contract file."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    _add_readme(workbook)
    for spec in contract.FILES:
        _add_sheet(workbook, spec)
    workbook.active = 0
    properties = workbook.properties
    properties.creator = properties.lastModifiedBy = "synergies make_template"
    properties.title = "Coding template for adding an evaluation"
    properties.created = properties.modified = FIXED_PROPERTY_TIME
    return workbook


def _workbook_bytes(workbook: Workbook) -> bytes:
    """Serialise a workbook with its own (fixed) properties and fixed zip entry times."""
    raw = io.BytesIO()
    # ExcelWriter, unlike Workbook.save, does not stamp the current time into the properties.
    ExcelWriter(workbook, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED)).save()
    fixed = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(name))
    return fixed.getvalue()


def write_xlsx(path: str | Path) -> Path:
    """Write the template spreadsheet, byte-identical on every run."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_workbook_bytes(build_workbook()))
    return path


def write_template(directory: str | Path = TEMPLATE_DIR) -> list[Path]:
    """Write the whole template (CSV files and spreadsheet) into `directory`."""
    directory = Path(directory)
    return [*write_csvs(directory), write_xlsx(directory / XLSX_NAME)]


# --------------------------------------------------------------------------- spreadsheet -> CSV


def cell_text(value: object) -> str:
    """A spreadsheet cell as CSV text: true/false for booleans, whole numbers without '.0'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date().isoformat()
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value)


def _sheet_table(sheet: Worksheet | ReadOnlyWorksheet) -> list[list[str]]:
    """A sheet's non-empty rows as text, as wide as its widest non-empty row."""
    rows = [[cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    rows = [row for row in rows if any(text.strip() for text in row)]
    width = max((max(i for i, text in enumerate(row) if text.strip()) + 1 for row in rows), default=0)
    return [(row + [""] * width)[:width] for row in rows]


def xlsx_to_csv(xlsx: str | Path, out_dir: str | Path, overwrite: bool = False) -> list[Path]:
    """Write one CSV per contract sheet of a filled-in template; return the paths written.

    A required sheet is always written (so validation names what is missing); an optional
    sheet with only a header is skipped, so that file counts as not given. Cells are not
    checked here: run `make validate` on the result. With `overwrite`, contract CSVs already
    in `out_dir` are replaced and those the workbook does not give are removed.
    """
    out_dir = Path(out_dir)
    existing = [out_dir / spec.name for spec in contract.FILES if (out_dir / spec.name).exists()]
    if existing and not overwrite:
        names = ", ".join(p.name for p in existing)
        raise FileExistsError(f"{out_dir} already has {names}; choose an empty directory or overwrite")
    workbook = load_workbook(xlsx, read_only=True, data_only=False)
    try:
        tables = {
            spec.name: _sheet_table(workbook[sheet_name(spec)])
            for spec in contract.FILES
            if sheet_name(spec) in workbook.sheetnames
        }
    finally:
        workbook.close()
    out_dir.mkdir(parents=True, exist_ok=True)
    for path in existing:
        path.unlink()
    written = []
    for spec in contract.FILES:
        table = tables.get(spec.name, [])
        if not table or (len(table) == 1 and not spec.required):
            continue
        path = out_dir / spec.name
        _write_csv(path, table)
        written.append(path)
    return written
