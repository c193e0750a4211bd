"""The loader: the shipped data load and derive correctly, tolerable variations are accepted,
and every kind of bad input raises DataError naming the file, the row and the column.

Each bad input is built from a copy of the shipped data (`data_copy`), changed in one place,
so a test fails if the loader stops catching exactly that problem.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from synergies import contract
from synergies.load import MAX_ROWS_PER_PROBLEM, DataError, Problem, derive_effect, load_evidence

# --------------------------------------------------------------------------- editing helpers
# Rows are numbered as a spreadsheet shows them: the header is row 1, F01 is row 2 of findings.csv.


def read_rows(path: Path) -> list[list[str]]:
    """A CSV file as a list of records, header first."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def write_rows(path: Path, rows: list[list[str]], line_end: str = "\n") -> None:
    """Write records as CSV UTF-8, quoting only where needed."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=line_end).writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")


def set_cell(data_dir: Path, file: str, row: int, column: str, value: str) -> None:
    """Put `value` in one cell, addressed by spreadsheet row and column name."""
    rows = read_rows(data_dir / file)
    rows[row - 1][rows[0].index(column)] = value
    write_rows(data_dir / file, rows)


def drop_column(data_dir: Path, file: str, column: str) -> None:
    """Remove a column from the header and every row."""
    rows = read_rows(data_dir / file)
    at = rows[0].index(column)
    write_rows(data_dir / file, [r[:at] + r[at + 1 :] for r in rows])


def copy_row(data_dir: Path, file: str, row: int) -> None:
    """Append a copy of one row at the end of the file."""
    rows = read_rows(data_dir / file)
    write_rows(data_dir / file, [*rows, list(rows[row - 1])])


def edit_text(data_dir: Path, file: str, change: Callable[[str], str]) -> None:
    """Apply a text change to a whole file (for problems the csv module would not write)."""
    path = data_dir / file
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8", newline="")


def problems_of(data_dir: Path) -> tuple[list[Problem], str]:
    """The problems and the report of a directory that must fail to load."""
    with pytest.raises(DataError) as caught:
        load_evidence(data_dir)
    return caught.value.problems, caught.value.report()


def finding_row(finding_id: str) -> int:
    """Spreadsheet row of a shipped finding (F01 is row 2)."""
    return int(finding_id[1:]) + 1


# --------------------------------------------------------------------------- the shipped data


def test_shipped_data_validates_with_the_documented_counts(evidence) -> None:
    assert len(evidence.findings) == 25
    assert len(evidence.cases) == 4
    assert len(evidence.institutional) == 13  # Mexico's second cell names two factors
    assert len(evidence.claims) == 16
    assert evidence.missing_optional == []
    assert evidence.findings["finding_id"].is_unique


def test_mexico_is_an_evidence_gap(evidence) -> None:
    mexico = evidence.cases[evidence.cases["country"] == "Mexico"]
    assert len(mexico) == 1
    assert not mexico["has_impact_evaluation"].iloc[0]
    assert (evidence.findings["country"] == "Mexico").sum() == 0
    assert evidence.cases.loc[evidence.cases["country"] != "Mexico", "has_impact_evaluation"].all()


@pytest.mark.parametrize(
    ("finding_id", "case", "outcome", "direction", "effect"),
    [
        ("F07", "PPP", "poverty", "decrease", "beneficial"),  # less poverty
        ("F05", "PPP", "food_crop_products", "decrease", "adverse"),  # fewer food crops
        ("F10", "FEST + UNIDOS", "mild_food_insecurity", "increase", "unclear"),  # ambiguous outcome
        ("F25", "Haku Wiñay + Juntos", "powerful_others_index", "decrease", "beneficial"),
    ],
)
def test_derived_effects_of_named_rows(evidence, finding_id, case, outcome, direction, effect) -> None:
    row = evidence.findings.set_index("finding_id").loc[finding_id]
    assert (row["case"], row["outcome"], row["direction"]) == (case, outcome, direction)
    assert row["effect"] == effect


def test_every_finding_gets_its_outcomes_domain_and_polarity(evidence) -> None:
    codebook = evidence.outcomes.set_index("outcome")
    f = evidence.findings
    assert f["domain"].tolist() == codebook.loc[f["outcome"], "domain"].tolist()
    assert f["better"].tolist() == codebook.loc[f["outcome"], "better"].tolist()
    assert set(f["effect"]) <= set(contract.EFFECTS)


@pytest.mark.parametrize(
    ("direction", "better", "effect"),
    [
        ("increase", "higher", "beneficial"),
        ("increase", "lower", "adverse"),
        ("increase", "ambiguous", "unclear"),
        ("decrease", "higher", "adverse"),
        ("decrease", "lower", "beneficial"),
        ("decrease", "ambiguous", "unclear"),
        ("no_change", "higher", "no_change"),
        ("no_change", "lower", "no_change"),
        ("no_change", "ambiguous", "no_change"),
    ],
)
def test_derive_effect_truth_table(direction, better, effect) -> None:
    result = derive_effect(pd.Series([direction]), pd.Series([better]))
    assert result.tolist() == [effect]


def test_derive_effect_keeps_the_index() -> None:
    index = [10, 3, 7]
    result = derive_effect(
        pd.Series(["increase", "decrease", "no_change"], index=index),
        pd.Series(["higher", "higher", "lower"], index=index),
    )
    assert result.to_dict() == {10: "beneficial", 3: "adverse", 7: "no_change"}


# --------------------------------------------------------------------------- defaults


def test_defaults_when_every_optional_file_is_absent(data_copy: Path) -> None:
    for name in contract.OPTIONAL_FILES:
        (data_copy / name).unlink()
    drop_column(data_copy, "outcomes.csv", "label_en")
    drop_column(data_copy, "outcomes.csv", "label_es")
    ev = load_evidence(data_copy)

    assert ev.missing_optional == list(contract.OPTIONAL_FILES)
    assert ev.institutional is None and ev.factors is None
    assert ev.programmes is None and ev.sources is None
    # Domains in the order they first appear in the codebook, labelled by their keys.
    first_seen = list(dict.fromkeys(row[1] for row in read_rows(data_copy / "outcomes.csv")[1:]))
    assert ev.domain_order == first_seen
    assert ev.domains["label_en"].tolist() == first_seen
    assert ev.domains["label_es"].tolist() == first_seen
    # Cases from the findings: the Mexican gap is unknown without cases.csv.
    assert sorted(zip(ev.cases["country"], ev.cases["case"], strict=True)) == [
        ("Colombia", "FEST + UNIDOS"),
        ("Colombia", "PPP"),
        ("Peru", "Haku Wiñay + Juntos"),
    ]
    assert ev.cases["has_impact_evaluation"].all()
    # Outcome labels fall back to the outcome key.
    assert (ev.outcomes["label_en"] == ev.outcomes["outcome"]).all()
    assert (ev.outcomes["label_es"] == ev.outcomes["outcome"]).all()


def test_empty_labels_fall_back_to_keys(data_copy: Path) -> None:
    set_cell(data_copy, "outcomes.csv", 2, "label_es", "")
    set_cell(data_copy, "domains.csv", 2, "label_en", "")
    ev = load_evidence(data_copy)
    assert ev.outcomes.loc[0, "label_es"] == ev.outcomes.loc[0, "outcome"] == "productive_assets"
    assert ev.domains.set_index("domain").loc["productive", "label_en"] == "productive"


def test_domains_follow_their_order_column(data_copy: Path) -> None:
    set_cell(data_copy, "domains.csv", 2, "order", "99")
    ev = load_evidence(data_copy)
    assert ev.domain_order[-1] == "productive"


def test_only_the_two_required_files(minimal_dir: Path) -> None:
    ev = load_evidence(minimal_dir)
    assert len(ev.findings) > 0 and len(ev.domains) > 0 and len(ev.cases) > 0
    assert ev.given == {"findings.csv", "outcomes.csv"}


# --------------------------------------------------------------------------- tolerated variations


def test_stray_white_space_is_trimmed_in_cells_and_header(data_copy: Path, evidence) -> None:
    for name in ("findings.csv", "outcomes.csv", "cases.csv"):
        rows = read_rows(data_copy / name)
        write_rows(data_copy / name, [[f"  {cell}\t " for cell in row] for row in rows])
    ev = load_evidence(data_copy)
    pd.testing.assert_frame_equal(ev.findings, evidence.findings)
    pd.testing.assert_frame_equal(ev.cases, evidence.cases)


def test_a_utf8_bom_is_accepted(data_copy: Path, evidence) -> None:
    """Excel's 'CSV UTF-8' starts every file with a byte order mark."""
    for path in data_copy.glob("*.csv"):
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    ev = load_evidence(data_copy)
    assert ev.findings.columns[0] == "finding_id"
    pd.testing.assert_frame_equal(ev.findings, evidence.findings)


def test_booleans_in_any_letter_case(data_copy: Path) -> None:
    set_cell(data_copy, "cases.csv", 4, "has_impact_evaluation", "FALSE")
    set_cell(data_copy, "cases.csv", 2, "has_impact_evaluation", "True")
    set_cell(data_copy, "findings.csv", 2, "significant", "TRUE")
    set_cell(data_copy, "findings.csv", 3, "significant", "False")
    ev = load_evidence(data_copy)
    flags = ev.cases.set_index("country")["has_impact_evaluation"]
    assert not flags["Mexico"]
    assert flags["Colombia"].all()
    assert ev.findings["significant"].iloc[:3].tolist()[:2] == [True, False]
    assert pd.isna(ev.findings["significant"].iloc[2])


def test_numbers_are_converted(data_copy: Path) -> None:
    set_cell(data_copy, "findings.csv", 2, "estimate", "-0.25")
    set_cell(data_copy, "findings.csv", 2, "std_error", "1e-2")
    set_cell(data_copy, "findings.csv", 2, "p_value", "0.04")
    set_cell(data_copy, "findings.csv", 2, "n", "812")
    first = load_evidence(data_copy).findings.iloc[0]
    assert (first["estimate"], first["std_error"], first["p_value"], first["n"]) == (-0.25, 0.01, 0.04, 812)


def test_an_unknown_extra_column_is_accepted(data_copy: Path) -> None:
    rows = read_rows(data_copy / "findings.csv")
    write_rows(data_copy / "findings.csv", [[*r, "reviewer" if i == 0 else "AB"] for i, r in enumerate(rows)])
    ev = load_evidence(data_copy)
    assert (ev.findings["reviewer"] == "AB").all()


@pytest.mark.parametrize("line_end", ["\r\n", "\r"], ids=["CRLF", "CR"])
def test_one_line_ending_style_throughout_is_accepted(data_copy: Path, line_end: str) -> None:
    write_rows(data_copy / "findings.csv", read_rows(data_copy / "findings.csv"), line_end)
    assert len(load_evidence(data_copy).findings) == 25


def test_a_line_break_inside_quotes_is_one_row(data_copy: Path) -> None:
    """A quoted value may hold line breaks; rows after it keep their spreadsheet numbers."""
    set_cell(data_copy, "findings.csv", 2, "note", "First line of the note,\nsecond line.")
    set_cell(data_copy, "findings.csv", 4, "direction", "up")
    problems, _ = problems_of(data_copy)
    assert [(p.row, p.column) for p in problems] == [(4, "direction")]
    set_cell(data_copy, "findings.csv", 4, "direction", "increase")
    assert load_evidence(data_copy).findings.loc[0, "note"] == "First line of the note,\nsecond line."


def test_blank_rows_are_ignored_but_counted(data_copy: Path) -> None:
    edit_text(data_copy, "findings.csv", lambda t: t.replace("\nF03,", "\n\n,,,\nF03,") + "\n\n")
    assert len(load_evidence(data_copy).findings) == 25
    set_cell(data_copy, "findings.csv", 6, "direction", "up")  # F03 is now row 6
    problems, _ = problems_of(data_copy)
    assert [(p.row, p.value) for p in problems] == [(6, "up")]


def test_short_rows_are_padded_with_empty_cells(data_copy: Path) -> None:
    """A row that stops after its last filled cell (hand-edited files do) is read as if padded."""
    rows = read_rows(data_copy / "findings.csv")
    rows[1] = rows[1][:7]
    write_rows(data_copy / "findings.csv", rows)
    assert load_evidence(data_copy).findings.loc[0, "source_id"] == ""


def test_an_empty_unnamed_column_is_ignored(data_copy: Path) -> None:
    """Excel writes trailing empty columns when cells beside the table were ever formatted."""
    rows = read_rows(data_copy / "outcomes.csv")
    write_rows(data_copy / "outcomes.csv", [[*r, ""] for r in rows])
    assert "" not in load_evidence(data_copy).outcomes.columns


def test_a_long_cell_within_the_limit_is_accepted(data_copy: Path) -> None:
    set_cell(data_copy, "findings.csv", 2, "note", "é" * contract.MAX_CELL_CHARS)
    assert len(load_evidence(data_copy).findings.loc[0, "note"]) == contract.MAX_CELL_CHARS


# --------------------------------------------------------------------------- bad inputs, one kind each
# (build, where): `where` is (file, row, column) that the single problem must name; row 0 and
# column "" mean the problem concerns the whole file or row.

F08 = finding_row("F08")


def _unterminated_quote(d: Path) -> None:
    edit_text(d, "findings.csv", lambda t: t.replace("\nF25,Peru,", '\nF25,"Peru,'))


def _quote_closed_mid_value(d: Path) -> None:
    edit_text(d, "findings.csv", lambda t: t.replace("\nF03,Colombia,PPP,", '\nF03,"Colombia"x,PPP,'))


def _too_many_fields(d: Path) -> None:
    edit_text(d, "findings.csv", lambda t: t.replace("\nF08,Peru,", "\nF08,Peru,Cusco,"))


def _latin1(d: Path) -> None:
    path = d / "findings.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("latin-1"))


def _duplicate_header(d: Path) -> None:
    edit_text(d, "outcomes.csv", lambda t: t.replace("label_es,note", "label_es,label_en", 1))


def _file_is_directory(d: Path) -> None:
    (d / "sources.csv").unlink()
    (d / "sources.csv").mkdir()


BAD_INPUTS: dict[str, tuple[Callable[[Path], None], tuple[str, int, str], str]] = {
    "missing file": (
        lambda d: (d / "outcomes.csv").unlink(),
        ("outcomes.csv", 0, ""),
        "this required file",
    ),
    "missing required column": (
        lambda d: drop_column(d, "findings.csv", "direction"),
        ("findings.csv", 1, "direction"),
        "a column named 'direction' in the header",
    ),
    "empty required cell": (
        lambda d: set_cell(d, "findings.csv", F08, "intervention", "  "),
        ("findings.csv", F08, "intervention"),
        "a value, but the cell is empty",
    ),
    "duplicate finding_id": (
        lambda d: set_cell(d, "findings.csv", F08, "finding_id", "F03"),
        ("findings.csv", F08, "finding_id"),
        "a unique key, but row 4 has the same",
    ),
    "duplicate case": (
        lambda d: copy_row(d, "cases.csv", 3),
        ("cases.csv", 6, "country + case"),
        "a unique key, but row 3 has the same",
    ),
    "unknown outcome": (
        lambda d: set_cell(d, "findings.csv", F08, "outcome", "incomes"),
        ("findings.csv", F08, "outcome"),
        "an outcome listed in outcomes.csv",
    ),
    "unknown domain": (
        lambda d: set_cell(d, "outcomes.csv", 3, "domain", "productivity"),
        ("outcomes.csv", 3, "domain"),
        "listed in domains.csv",
    ),
    "bad direction": (
        lambda d: set_cell(d, "findings.csv", F08, "direction", "up"),
        ("findings.csv", F08, "direction"),
        "one of increase, decrease, no_change",
    ),
    "bad arm": (
        lambda d: set_cell(d, "findings.csv", F08, "arm", "both"),
        ("findings.csv", F08, "arm"),
        "one of single, combined",
    ),
    "bad better": (
        lambda d: set_cell(d, "outcomes.csv", 3, "better", "more"),
        ("outcomes.csv", 3, "better"),
        "one of higher, lower, ambiguous",
    ),
    "p_value outside 0..1": (
        lambda d: set_cell(d, "findings.csv", F08, "p_value", "1.5"),
        ("findings.csv", F08, "p_value"),
        "a number between 0 and 1",
    ),
    "non-numeric estimate": (
        lambda d: set_cell(d, "findings.csv", F08, "estimate", "large"),
        ("findings.csv", F08, "estimate"),
        "a number",
    ),
    "decimal comma": (
        lambda d: set_cell(d, "findings.csv", F08, "estimate", "0,5"),
        ("findings.csv", F08, "estimate"),
        "a number",
    ),
    "negative std_error": (
        lambda d: set_cell(d, "findings.csv", F08, "std_error", "-0.1"),
        ("findings.csv", F08, "std_error"),
        "a number greater than 0",
    ),
    "non-integer n": (
        lambda d: set_cell(d, "findings.csv", F08, "n", "812.5"),
        ("findings.csv", F08, "n"),
        "a whole number greater than 0",
    ),
    "bad boolean": (
        lambda d: set_cell(d, "cases.csv", 4, "has_impact_evaluation", "no"),
        ("cases.csv", 4, "has_impact_evaluation"),
        "true or false",
    ),
    "non-integer domain order": (
        lambda d: set_cell(d, "domains.csv", 3, "order", "second"),
        ("domains.csv", 3, "order"),
        "a whole number",
    ),
    "unknown source_id": (
        lambda d: set_cell(d, "findings.csv", F08, "source_id", "RS-XX"),
        ("findings.csv", F08, "source_id"),
        "a source_id listed in sources.csv",
    ),
    "case absent from cases.csv": (
        lambda d: set_cell(d, "findings.csv", F08, "case", "Haku Wiñay"),
        ("findings.csv", F08, "country + case"),
        "a country and case listed in cases.csv",
    ),
    "unknown factor": (
        lambda d: set_cell(d, "institutional.csv", 2, "factor", "goodwill"),
        ("institutional.csv", 2, "factor"),
        "a factor listed in factors.csv",
    ),
    "inconsistent arm": (
        lambda d: set_cell(d, "findings.csv", finding_row("F14"), "arm", "single"),
        ("findings.csv", finding_row("F14"), "arm"),
        "'combined' as on row 10, the first row of intervention 'FEST + UNIDOS' in this case",
    ),
    "bad level": (
        lambda d: set_cell(d, "institutional.csv", 2, "level", "regional"),
        ("institutional.csv", 2, "level"),
        "one of national, local",
    ),
    "bad assessment": (
        lambda d: set_cell(d, "institutional.csv", 2, "assessment", "neutral"),
        ("institutional.csv", 2, "assessment"),
        "one of enabler, barrier, mixed",
    ),
    "bad sector": (
        lambda d: set_cell(d, "programmes.csv", 2, "sector", "health"),
        ("programmes.csv", 2, "sector"),
        "one of social_protection, productive_development",
    ),
    "formula": (
        lambda d: set_cell(d, "findings.csv", F08, "note", "=1+1"),
        ("findings.csv", F08, "note"),
        "not a spreadsheet formula",
    ),
    "control character": (
        lambda d: set_cell(d, "findings.csv", F08, "note", "bell\x07"),
        ("findings.csv", F08, "note"),
        "text without control characters",
    ),
    "cell too long": (
        lambda d: set_cell(d, "findings.csv", F08, "note", "x" * (contract.MAX_CELL_CHARS + 1)),
        ("findings.csv", F08, "note"),
        "at most 5,000 characters",
    ),
    "semicolons": (
        lambda d: edit_text(d, "findings.csv", lambda t: t.replace(",", ";")),
        ("findings.csv", 1, ""),
        "commas between columns, but the header uses semicolons",
    ),
    "tabs": (
        lambda d: edit_text(d, "factors.csv", lambda t: t.replace(",", "\t")),
        ("factors.csv", 1, ""),
        "commas between columns, but the header uses tabs",
    ),
    "latin-1 bytes": (_latin1, ("findings.csv", 7, ""), "UTF-8 text, but byte 0xF1 on line 7"),
    "UTF-16": (
        lambda d: (d / "cases.csv").write_bytes((d / "cases.csv").read_text("utf-8").encode("utf-16")),
        ("cases.csv", 0, ""),
        "UTF-8 text, but the file is UTF-16",
    ),
    "empty file": (
        lambda d: (d / "findings.csv").write_bytes(b""),
        ("findings.csv", 0, ""),
        "the file is empty",
    ),
    "header only": (
        lambda d: edit_text(d, "findings.csv", lambda t: t.split("\n")[0] + "\n"),
        ("findings.csv", 2, ""),
        "at least one data row",
    ),
    "duplicate header": (_duplicate_header, ("outcomes.csv", 1, "label_en"), "each column name once"),
    "blank first line": (
        lambda d: edit_text(d, "cases.csv", lambda t: "\n" + t),
        ("cases.csv", 1, ""),
        "the column names on row 1, but row 1 is empty",
    ),
    "column name in other words": (
        lambda d: edit_text(d, "findings.csv", lambda t: t.replace("finding_id", "Finding ID", 1)),
        ("findings.csv", 1, "finding_id"),
        "a column named 'finding_id' in the header",
    ),
    "unnamed column with data": (
        lambda d: write_rows(
            d / "sources.csv", [[*r, "x" if i else ""] for i, r in enumerate(read_rows(d / "sources.csv"))]
        ),
        ("sources.csv", 1, ""),
        "a name for every column that holds data, but column 6 has none",
    ),
    "too many fields in a row": (_too_many_fields, ("findings.csv", F08, ""), "at most 19 fields"),
    "unterminated quote": (
        _unterminated_quote,
        ("findings.csv", finding_row("F25"), ""),
        "the one opened in this row never is",
    ),
    "quote closed mid-value": (_quote_closed_mid_value, ("findings.csv", 4, ""), "double quotes only around"),
    "mixed line endings": (
        lambda d: edit_text(d, "findings.csv", lambda t: t.replace("\n", "\r\n", 5)),
        ("findings.csv", 6, ""),
        "one line-ending style throughout",
    ),
    "file is a directory": (
        _file_is_directory,
        ("sources.csv", 0, ""),
        "a CSV file, but this is a directory",
    ),
}


@pytest.mark.parametrize("kind", list(BAD_INPUTS))
def test_bad_input_is_reported_with_file_row_and_column(data_copy: Path, kind: str) -> None:
    build, (file, row, column), expected = BAD_INPUTS[kind]
    build(data_copy)
    problems, report = problems_of(data_copy)
    assert len(problems) == 1, report
    problem = problems[0]
    assert (problem.file, problem.row, problem.column) == (file, row, column)
    assert expected in problem.expected
    assert str(problem) in report
    where = file + (f", row {row}" if row else "") + (f", column '{column}'" if column else "")
    assert str(problem).startswith(f"{where}: ")


def test_at_least_twenty_kinds_of_bad_input() -> None:
    assert len(BAD_INPUTS) >= 20


def test_the_message_shows_the_bad_value_and_what_was_expected(data_copy: Path) -> None:
    set_cell(data_copy, "findings.csv", F08, "arm", "both")
    _, report = problems_of(data_copy)
    assert f"findings.csv, row {F08}, column 'arm': found 'both'; expected one of single, combined" in report


def test_a_huge_cell_is_cut_in_the_message(data_copy: Path) -> None:
    set_cell(data_copy, "findings.csv", F08, "note", "junk" * 2_500_000)
    problems, report = problems_of(data_copy)
    assert [p.expected for p in problems] == ["at most 5,000 characters"]
    assert "(10,000,000 characters)" in report
    assert len(report) < 1000


def test_the_data_directory_missing(tmp_path: Path) -> None:
    problems, report = problems_of(tmp_path / "nowhere")
    assert [p.expected for p in problems] == ["an existing data directory"]
    assert "nowhere" in report


def test_the_data_directory_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "data.csv").write_text("a,b\n")
    problems, _ = problems_of(tmp_path / "data.csv")
    assert [p.expected for p in problems] == ["a directory, but this is a file"]


def test_an_unreadable_file(data_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Simulated, since chmod 000 does not stop root (as in CI); see the real one below."""
    original = Path.read_bytes

    def refuse(self: Path) -> bytes:
        if self.name == "findings.csv":
            raise PermissionError(13, "Permission denied", str(self))
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    problems, _ = problems_of(data_copy)
    assert [(p.file, p.expected) for p in problems] == [
        ("findings.csv", "a readable file (permission denied)")
    ]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads files whatever their mode")
def test_an_unreadable_file_for_real(data_copy: Path) -> None:
    (data_copy / "findings.csv").chmod(0)
    try:
        problems, _ = problems_of(data_copy)
    finally:
        (data_copy / "findings.csv").chmod(0o644)
    assert [p.expected for p in problems] == ["a readable file (permission denied)"]


# --------------------------------------------------------------------------- reporting


def test_several_problems_in_several_files_are_all_reported(data_copy: Path) -> None:
    set_cell(data_copy, "findings.csv", 2, "direction", "up")
    set_cell(data_copy, "findings.csv", 5, "p_value", "2")
    set_cell(data_copy, "findings.csv", 9, "outcome", "incomes")  # cross-file, beside per-file ones
    set_cell(data_copy, "outcomes.csv", 3, "better", "more")
    set_cell(data_copy, "institutional.csv", 4, "level", "regional")
    (data_copy / "sources.csv").write_text("", encoding="utf-8")
    problems, report = problems_of(data_copy)
    located = {(p.file, p.row, p.column) for p in problems}
    assert located == {
        ("findings.csv", 2, "direction"),
        ("findings.csv", 5, "p_value"),
        ("findings.csv", 9, "outcome"),
        ("outcomes.csv", 3, "better"),
        ("institutional.csv", 4, "level"),
        ("sources.csv", 0, ""),
    }
    assert report.endswith("6 problems found. Fix them and run `make validate` again.")


def test_the_report_names_ten_rows_per_kind_then_counts_the_rest(data_copy: Path) -> None:
    rows = read_rows(data_copy / "findings.csv")
    at = rows[0].index("direction")
    for row in rows[1:]:
        row[at] = "up"
    write_rows(data_copy / "findings.csv", rows)
    problems, report = problems_of(data_copy)
    assert len(problems) == 25
    listed = [line for line in report.splitlines() if "column 'direction': found 'up'" in line]
    assert len(listed) == MAX_ROWS_PER_PROBLEM
    assert "... and 15 more rows of findings.csv with the same problem" in report


def test_row_specific_messages_are_grouped_by_kind(data_copy: Path) -> None:
    """Duplicates name the first row in their message, yet count as one kind in the report."""
    rows = read_rows(data_copy / "findings.csv")
    write_rows(data_copy / "findings.csv", rows + rows[1:])
    problems, report = problems_of(data_copy)
    assert len([p for p in problems if p.column == "finding_id"]) == 25
    assert "... and 15 more rows of findings.csv with the same problem" in report
    assert len(report.splitlines()) < 40


def test_problem_text_format() -> None:
    problem = Problem("findings.csv", 8, "arm", "both", "one of single, combined")
    assert str(problem) == "findings.csv, row 8, column 'arm': found 'both'; expected one of single, combined"
    assert str(Problem("cases.csv", 0, "", None, "a CSV file")) == "cases.csv: expected a CSV file"
    assert (
        str(Problem("f.csv", 3, "note", "", "a value"))
        == "f.csv, row 3, column 'note': found an empty cell; expected a value"
    )
    assert "found 'a\\nb'" in str(Problem("f.csv", 3, "note", "a\nb", "x"))


def test_invisible_characters_are_shown_as_escapes_and_accents_as_they_are(data_copy: Path) -> None:
    """A zero-width space makes 'Colombia' another country; the message must show why."""
    set_cell(data_copy, "findings.csv", F08, "country", "Peru\u200b")
    set_cell(data_copy, "findings.csv", F08 + 1, "country", "Perú")
    _, report = problems_of(data_copy)
    assert f"row {F08}, column 'country + case': found 'Peru\\u200b / Haku Wiñay + Juntos'" in report
    assert f"row {F08 + 1}, column 'country + case': found 'Perú / FEST + UNIDOS'" in report


def test_a_near_miss_column_name_is_shown(data_copy: Path) -> None:
    edit_text(data_copy, "outcomes.csv", lambda t: t.replace("better", "Better", 1))
    problems, _ = problems_of(data_copy)
    assert [(p.column, p.value) for p in problems] == [("better", "Better")]
