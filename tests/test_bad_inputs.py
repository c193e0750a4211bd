"""A corpus of malformed data directories, each run through `python -m synergies validate DIR`.

Every directory is the shipped data broken in one way. The command must exit 1 and say, on
stderr, which file, row and column (where meaningful) are wrong and what was expected, without
a Python traceback. Positive controls (odd but valid files) must pass. The runs go through a
small process pool, since each one starts Python, pandas and pandera afresh.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import NamedTuple

import pytest
from test_load import BAD_INPUTS, drop_column, edit_text, finding_row, read_rows, set_cell, write_rows

from synergies import __main__ as cli
from synergies.config import DATA_DIR, ROOT
from synergies.load import MAX_ROWS_PER_PROBLEM

# Columns of the shipped findings.csv header: a truncated last row is measured against it.
FINDINGS_COLUMNS = (DATA_DIR / "findings.csv").read_text(encoding="utf-8").splitlines()[0].count(",") + 1


class Case(NamedTuple):
    """How to break a copy of the shipped data, and what the report must then say."""

    build: Callable[[Path], Path | None]  # returns the path to validate when it is not the copy itself
    where: str  # "file, row R, column 'C'" as the report names it ("" for a usage-level problem)
    expected: str  # a part of the "expected ..." text


F08 = finding_row("F08")
MANY_BAD_ROWS = 5000


def _xlsx_saved_as_csv(d: Path) -> None:
    (d / "outcomes.csv").write_bytes(b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)) * 4)


def _utf16_without_bom(d: Path) -> None:
    path = d / "outcomes.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16-le"))


def _nul_byte(d: Path) -> None:
    path = d / "findings.csv"
    path.write_bytes(path.read_bytes().replace(b"\nF08,Peru,", b"\nF08,Pe\x00ru,"))


def _many_bad_rows(d: Path) -> None:
    rows = read_rows(d / "findings.csv")
    extra = [[f"X{i:05d}", *rows[1][1:6], "up", *rows[1][7:]] for i in range(MANY_BAD_ROWS)]
    write_rows(d / "findings.csv", rows + extra)


def _truncated_download(d: Path) -> None:
    """The file ends in the middle of its last row, as after an interrupted download."""
    path = d / "findings.csv"
    text = path.read_text(encoding="utf-8").rstrip("\n")
    path.write_text(text[: text.rindex("\n") + len("F25,Peru,Haku")], encoding="utf-8")


def _mixed_cr_and_lf(d: Path) -> None:
    edit_text(d, "outcomes.csv", lambda t: t.replace("\n", "\r", 3))


def _quoted_line_break_then_stray_quote(d: Path) -> None:
    """A quote inside a value that does not start with one is kept as a character (as Excel does);
    the line break quoted in row 2 does not shift the row numbers after it."""
    set_cell(d, "findings.csv", 2, "note", "Line one,\nline two")
    edit_text(d, "findings.csv", lambda t: t.replace("\nF08,Peru,", '\nF08,Pe"ru",'))


def _signed_number_and_dash(d: Path) -> None:
    set_cell(d, "findings.csv", 2, "note", "-0.5")
    set_cell(d, "findings.csv", 3, "note", "-")


def _only_required_files(d: Path) -> None:
    for path in d.glob("*.csv"):
        if path.name not in ("findings.csv", "outcomes.csv"):
            path.unlink()
    drop_column(d, "outcomes.csv", "label_es")


EXTRA_CASES: dict[str, Case] = {
    "formula @": Case(
        lambda d: set_cell(d, "findings.csv", F08, "note", "@SUM(A1)"),
        f"findings.csv, row {F08}, column 'note'",
        "not a spreadsheet formula",
    ),
    "formula +cmd": Case(
        lambda d: set_cell(d, "institutional.csv", 3, "statement", "+cmd|' /C calc'!A0"),
        "institutional.csv, row 3, column 'statement'",
        "not a spreadsheet formula",
    ),
    "formula -2+3+cmd": Case(
        lambda d: set_cell(d, "cases.csv", 2, "design", "-2+3+cmd|' /C calc'!A0"),
        "cases.csv, row 2, column 'design'",
        "not a spreadsheet formula",
    ),
    "10 MB of junk in a cell": Case(
        lambda d: set_cell(d, "findings.csv", F08, "locator", "junk" * 2_500_000),
        f"findings.csv, row {F08}, column 'locator'",
        "at most 5,000 characters",
    ),
    "NUL byte": Case(
        _nul_byte, f"findings.csv, row {F08}, column 'country'", "text without control characters"
    ),
    "escape character": Case(
        lambda d: set_cell(d, "outcomes.csv", 4, "label_en", "Livestock\x1b[31m"),
        "outcomes.csv, row 4, column 'label_en'",
        "text without control characters",
    ),
    "UTF-16 without a BOM": Case(_utf16_without_bom, "outcomes.csv", "UTF-8 text, but the file is UTF-16"),
    "workbook saved as .csv": Case(
        _xlsx_saved_as_csv, "outcomes.csv", "a CSV file, but this is a spreadsheet"
    ),
    "data directory missing": Case(lambda d: d / "no-such-dir", "no-such-dir", "an existing data directory"),
    "data directory is a file": Case(
        lambda d: d / "findings.csv", "findings.csv", "a directory, but this is a file"
    ),
    "institutional case not in cases.csv": Case(
        lambda d: set_cell(d, "institutional.csv", 5, "case", "PPP + SNARIV"),
        "institutional.csv, row 5, column 'country + case'",
        "a country and case listed in cases.csv",
    ),
    "cases source_id unknown": Case(
        lambda d: set_cell(d, "cases.csv", 3, "source_id", "RS-MEX"),
        "cases.csv, row 3, column 'source_id'",
        "a source_id listed in sources.csv",
    ),
    "duplicate outcome": Case(
        lambda d: set_cell(d, "outcomes.csv", 5, "outcome", "livestock_products"),
        "outcomes.csv, row 5, column 'outcome'",
        "a unique key, but row 4 has the same",
    ),
    "spreadsheet error value as number": Case(
        lambda d: set_cell(d, "findings.csv", F08, "estimate", "#N/A"),
        f"findings.csv, row {F08}, column 'estimate'",
        "a number",
    ),
    "p-value written as an inequality": Case(
        lambda d: set_cell(d, "findings.csv", F08, "p_value", "<0.01"),
        f"findings.csv, row {F08}, column 'p_value'",
        "a number between 0 and 1",
    ),
    "n of zero": Case(
        lambda d: set_cell(d, "findings.csv", F08, "n", "0"),
        f"findings.csv, row {F08}, column 'n'",
        "a whole number greater than 0",
    ),
    "missing required column in an optional file": Case(
        lambda d: drop_column(d, "institutional.csv", "assessment"),
        "institutional.csv, row 1, column 'assessment'",
        "a column named 'assessment' in the header",
    ),
    "truncated download": Case(
        _truncated_download,
        f"findings.csv, row {finding_row('F25')}",
        f"{FINDINGS_COLUMNS} values, one per column of the header, but row",
    ),
    "mixed CR and LF": Case(_mixed_cr_and_lf, "outcomes.csv, row 4", "one line-ending style throughout"),
    "quote inside an unquoted value, after a quoted line break": Case(
        _quoted_line_break_then_stray_quote,
        f"findings.csv, row {F08}, column 'country + case'",
        "a country and case listed in cases.csv",
    ),
    "5000 bad rows": Case(
        _many_bad_rows, "findings.csv, row 27, column 'direction'", "one of increase, decrease"
    ),
}


def _from_validator_case(build, located: tuple[str, int, str], expected: str) -> Case:
    """The in-process loader cases of test_load, as corpus entries for the command line."""
    file, row, column = located
    where = file + (f", row {row}" if row else "") + (f", column '{column}'" if column else "")
    return Case(build, where, expected)


CORPUS: dict[str, Case] = {
    **{kind: _from_validator_case(*spec) for kind, spec in BAD_INPUTS.items()},
    **EXTRA_CASES,
}

# Valid but unusual files: the command must accept them (exit 0).
POSITIVE_CONTROLS: dict[str, Callable[[Path], None]] = {
    "quoted line breaks and commas in a cell": lambda d: set_cell(
        d, "findings.csv", 2, "note", 'Two lines,\r\nwith "quotes", commas\nand breaks.'
    ),
    "CRLF throughout": lambda d: write_rows(d / "findings.csv", read_rows(d / "findings.csv"), "\r\n"),
    "BOM and padded header": lambda d: edit_text(
        d, "outcomes.csv", lambda t: "\ufeff outcome ,  domain" + t[14:]
    ),
    "blank rows": lambda d: edit_text(d, "cases.csv", lambda t: t + "\n,,,,\n\n"),
    "an extra column": lambda d: write_rows(
        d / "domains.csv",
        [[*r, "colour" if i == 0 else "green"] for i, r in enumerate(read_rows(d / "domains.csv"))],
    ),
    "a signed number and a dash in text": _signed_number_and_dash,
    "only the two required files": _only_required_files,
}


class Verdict(NamedTuple):
    """What `python -m synergies validate` did."""

    code: int
    stdout: str
    stderr: str


def _validate(target: Path) -> Verdict:
    """Run the command line on a directory, as a user would."""
    done = subprocess.run(
        [sys.executable, "-m", "synergies", "validate", str(target)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        cwd=ROOT,
    )
    return Verdict(done.returncode, done.stdout, done.stderr)


def _copy_of_shipped_data(target: Path) -> Path:
    """A writable copy of the shipped data, as the `data_copy` fixture makes one."""
    shutil.copytree(DATA_DIR, target, ignore=shutil.ignore_patterns("README.md", "*.xlsx"))
    return target


def _run_all(root: Path, builders: dict[str, Callable[[Path], Path | None]]) -> dict[str, Verdict]:
    """Build every directory, then validate them in parallel."""
    targets = {}
    for i, (name, build) in enumerate(builders.items()):
        copy = _copy_of_shipped_data(root / f"case{i:02d}" / "data")
        returned = build(copy)
        targets[name] = returned if isinstance(returned, Path) else copy
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        return dict(zip(targets, pool.map(_validate, targets.values()), strict=True))


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Verdict]:
    """The command's verdict on every corpus directory and positive control."""
    builders = {name: case.build for name, case in CORPUS.items()} | POSITIVE_CONTROLS
    return _run_all(tmp_path_factory.mktemp("corpus"), builders)


def test_the_corpus_has_at_least_thirty_kinds() -> None:
    assert len(CORPUS) >= 30


@pytest.mark.parametrize("kind", list(CORPUS))
def test_malformed_data_is_rejected_with_a_located_message(verdicts: dict[str, Verdict], kind: str) -> None:
    case, verdict = CORPUS[kind], verdicts[kind]
    assert verdict.code == 1, verdict.stdout + verdict.stderr
    assert "Traceback" not in verdict.stderr
    assert verdict.stdout == ""
    assert "do not follow the data contract" in verdict.stderr
    assert f"{case.where}: " in verdict.stderr, verdict.stderr
    assert case.expected in verdict.stderr, verdict.stderr


@pytest.mark.parametrize("kind", list(POSITIVE_CONTROLS))
def test_unusual_but_valid_data_is_accepted(verdicts: dict[str, Verdict], kind: str) -> None:
    verdict = verdicts[kind]
    assert verdict.code == 0, verdict.stderr
    assert "follows the data contract" in verdict.stdout
    assert verdict.stderr == ""


def test_a_huge_cell_is_not_echoed(verdicts: dict[str, Verdict]) -> None:
    stderr = verdicts["10 MB of junk in a cell"].stderr
    assert "(10,000,000 characters)" in stderr
    assert len(stderr) < 1000


def test_the_report_stays_short_however_many_rows_are_bad(verdicts: dict[str, Verdict]) -> None:
    stderr = verdicts["5000 bad rows"].stderr
    named = [line for line in stderr.splitlines() if "column 'direction': found 'up'" in line]
    assert len(named) == MAX_ROWS_PER_PROBLEM
    assert f"... and {MANY_BAD_ROWS - MAX_ROWS_PER_PROBLEM:,} more rows of findings.csv" in stderr
    assert f"{MANY_BAD_ROWS:,} problems found" in stderr
    assert len(stderr.splitlines()) < 20


@pytest.mark.skipif(
    os.name != "posix" or os.geteuid() == 0, reason="root reads files whatever their mode (CI)"
)
def test_an_unreadable_file_for_real(data_copy: Path) -> None:
    (data_copy / "outcomes.csv").chmod(0)
    try:
        verdict = _validate(data_copy)
    finally:
        (data_copy / "outcomes.csv").chmod(0o644)
    assert verdict.code == 1
    assert "outcomes.csv: expected a readable file (permission denied)" in verdict.stderr


def test_an_unreadable_file_simulated(
    data_copy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same through the command's entry point, with reading refused as chmod 000 would."""
    original = Path.read_bytes

    def refuse(self: Path) -> bytes:
        if self.name == "outcomes.csv":
            raise PermissionError(13, "Permission denied", str(self))
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    assert cli.main(["validate", str(data_copy)]) == 1
    err = capsys.readouterr().err
    assert "outcomes.csv: expected a readable file (permission denied)" in err
    assert "Traceback" not in err
