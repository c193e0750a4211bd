"""Load a data directory, check it against the contract, and derive domains and effects.

`load_evidence` either returns a complete, checked `Evidence` or raises `DataError`
listing every problem at once (file, spreadsheet row, column, value, what was
expected). Nothing downstream ever sees data that failed a check.

Rows are numbered as a spreadsheet shows them: the header is row 1, a value with a
line break inside quotes stays one row, and blank rows count but are otherwise ignored.

Accepted as Excel and editors write them: a UTF-8 byte order mark, white space around
values and column names (trimmed), one line-ending style (LF, CRLF or CR), quoted values
with commas, quotes or line breaks, rows that stop before their last empty cells, empty
unnamed columns, and columns the contract does not name (kept, unchecked). Refused with a
located message: other encodings, other delimiters, stray quotes, rows with extra fields,
mixed line endings, control characters, formulas, over-long cells, and every contract rule.

Every check works on whole columns, so a million findings load in seconds.

For a reader who is not a programmer the report also: counts each row's values before
checking its cells ("row 5 has 14 values, the header has 15" rather than a cascade of
misplaced cells); keeps checking the other files, and the rows before a broken quote, when
one file cannot be parsed; refuses bidirectional-control characters (U+202E, which make text
display in another order than it is stored) in every text cell; and explains a value that
only looks like a known key ("РРР" in Cyrillic for "PPP") by naming the differing characters.
Warnings never stop a run but are shown with the summary: a column that looks like a
misspelt contract column (`notes` for `note`), the coding template's EXAMPLE rows left in
the data, and an optional file with only a header row (it counts as not given).
"""

from __future__ import annotations

import csv
import difflib
import io
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow
import pyarrow.csv

from synergies import contract
from synergies.contract import Column, FileSpec
from synergies.shared_text import share_repeated_text  # noqa: F401  (public here: load.share_repeated_text)

# How many rows to name for one kind of problem before summarising the rest.
MAX_ROWS_PER_PROBLEM = 10
# How many lines a report lists at most, whatever the number of kinds of problem.
MAX_REPORT_LINES = 200

# Characters no cell may hold: C0 controls except tab, line feed and carriage return, and DEL.
_CONTROL_CHARS = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
# A cell a spreadsheet would run as a formula (CSV injection): =..., @..., +cmd, -cmd, -2+3+cmd,
# but not a signed number (-0.5) or a lone dash. Written without \s or look-ahead so that pandas
# runs it in pyarrow's regex engine rather than row by row.
_FORMULA = r"^(?:=|@|[+\-][ \t]*(?:[A-Za-z(]|[0-9.,]+[ \t]*[-+*/^&(]))"
# Where a value is cut in messages, so a pasted 10 MB cell is never echoed.
_SHOWN_CHARS = 60
# Characters a message shows as escapes (\n, \x00, \u200b): line breaks, controls, and the
# invisible ones that make two equal-looking keys differ (zero-width spaces, BOMs, direction marks).
_INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")
# Bidirectional embedding, override and isolate controls ("Trojan Source"): they make a value
# display in another order than it is stored, so an id or a citation could read as another.
_BIDI_CONTROLS = "[\u202a-\u202e\u2066-\u2069]"
# The largest whole number a cell may hold: counts and orders are read as 64-bit floats,
# which hold every whole number exactly only up to 2^53.
MAX_WHOLE_NUMBER = 2**53
# Latin look-alikes of letters of other scripts, for explaining a value that only looks right.
_LOOKALIKES = str.maketrans(
    dict(
        zip(
            "АВЕЅІЈКМНОРСТХУаеіјорсухԁԛԝΑΒΕΖΗΙΚΜΝΟΡΤΥΧονт",
            "ABESIJKMHOPCTXYaeijopcyxdqwABEZHIKMNOPTYXovt",
            strict=True,
        )
    )
)
# Header names people use for the contract's `note` column.
_COLUMN_SYNONYMS = {"notes": "note", "comment": "note", "comments": "note", "remarks": "note"}
# How the coding template marks its fictitious rows (templates/README.md): the word EXAMPLE.
_EXAMPLE_MARK = r"\bEXAMPLE\b"


@dataclass(frozen=True)
class Problem:
    """One violation of the data contract, located as a spreadsheet user would look for it."""

    file: str
    row: int  # spreadsheet row (header = 1); 0 when the problem concerns the whole file
    column: str
    value: str | None  # the offending cell; None when the problem is not about one cell
    expected: str
    # Groups problems of one kind in the report when `expected` names a row (e.g. duplicates).
    kind: str = field(default="", compare=False)

    def sort_key(self) -> tuple[str, int, str, str, str]:
        """Order of the report: by file, then row, then column."""
        return (self.file, self.row, self.column, self.expected, self.value or "")

    def __str__(self) -> str:
        where = self.file
        if self.row:
            where += f", row {self.row}"
        if self.column:
            where += f", column '{self.column}'"
        found = f"found {_show(self.value)}; " if self.value is not None else ""
        return f"{where}: {found}expected {self.expected}"


class DataError(Exception):
    """Raised when a data directory breaks the contract; str() is the full report."""

    def __init__(self, data_dir: Path | str, problems: Iterable[Problem], warnings: Iterable[Problem] = ()):
        self.data_dir = Path(data_dir)
        self.problems = sorted(set(problems), key=Problem.sort_key)
        self.warnings = sorted(set(warnings), key=Problem.sort_key)
        super().__init__(self.report())

    def report(self) -> str:
        """Every problem, at most MAX_ROWS_PER_PROBLEM rows of each kind, then a count."""
        lines = [f"The data in {self.data_dir} do not follow the data contract:"]
        groups: dict[tuple[str, str, str], list[Problem]] = {}
        for p in self.problems:
            groups.setdefault((p.file, p.column, p.kind or p.expected), []).append(p)
        listed = 0
        for group in groups.values():
            if len(lines) >= MAX_REPORT_LINES:
                break
            shown = group[:MAX_ROWS_PER_PROBLEM]
            lines += [f"  - {p}" for p in shown]
            listed += len(shown)
            if len(group) > len(shown):
                rest = len(group) - len(shown)
                lines.append(f"  - ... and {rest:,} more rows of {group[0].file} with the same problem")
                listed += rest
        n = len(self.problems)
        if listed < n:
            lines.append(f"  - ... and {n - listed:,} more problems of other kinds")
        lines += warning_lines(self.warnings)
        lines.append(problem_count(n))
        return "\n".join(lines)


def problem_count(n: int) -> str:
    """The closing line of a report, in correct English for one and for many problems."""
    if n == 1:
        return "1 problem found. Fix it and run `make validate` again."
    return f"{n:,} problems found. Fix them and run `make validate` again."


def warning_lines(warnings: list[Problem]) -> list[str]:
    """The warnings of a check, as report lines (none when there are none)."""
    if not warnings:
        return []
    title = "1 warning (not an error" if len(warnings) == 1 else f"{len(warnings):,} warnings (not errors"
    lines = [f"{title}; check whether it is what you meant):"]
    groups: dict[tuple[str, str, str], list[Problem]] = {}
    for w in warnings:
        groups.setdefault((w.file, w.column, w.kind or w.expected), []).append(w)
    for group in groups.values():
        first = group[0]
        column = f", column '{first.column}'" if first.column else ""
        if len(group) == 1:
            row = f", row {first.row}" if first.row else ""
            lines.append(f"  - {first.file}{row}{column}: {first.expected}")
            continue
        rows = [w.row for w in group]
        shown = ", ".join(str(r) for r in rows[:MAX_ROWS_PER_PROBLEM])
        more = f" and {len(rows) - MAX_ROWS_PER_PROBLEM:,} more" if len(rows) > MAX_ROWS_PER_PROBLEM else ""
        lines.append(f"  - {first.file}, rows {shown}{more}{column}: {first.expected}")
    return lines


@dataclass
class Evidence:
    """A checked data directory: contract tables plus derived columns and defaults."""

    data_dir: Path
    findings: pd.DataFrame  # contract columns + domain, better, effect
    outcomes: pd.DataFrame
    domains: pd.DataFrame  # always present; built from outcomes.csv when domains.csv is absent
    cases: pd.DataFrame  # always present; built from findings.csv when cases.csv is absent
    institutional: pd.DataFrame | None = None
    factors: pd.DataFrame | None = None
    programmes: pd.DataFrame | None = None
    sources: pd.DataFrame | None = None
    given: frozenset[str] = field(default_factory=frozenset)
    arms: pd.DataFrame | None = None  # arms.csv: components and comparator of each arm, when given
    claims: pd.DataFrame | None = None  # conclusions of a source, checked by synergies.claims
    # Things that are not errors but likely mistakes (see the module docstring), in report order.
    warnings: list[Problem] = field(default_factory=list)

    @property
    def missing_optional(self) -> list[str]:
        """Optional contract files this directory does not have, in contract order."""
        return [name for name in contract.OPTIONAL_FILES if name not in self.given]

    @property
    def domain_order(self) -> list[str]:
        """Domain keys in display order: the one place that order is decided."""
        return self.domains["domain"].tolist()


# --------------------------------------------------------------------------- reading


def _show(value: str | None) -> str:
    """A cell value as it should appear in a message: quoted, escaped, and cut if long."""
    if value is None:
        return "nothing"
    if value == "":
        return "an empty cell"
    cut = len(value) > _SHOWN_CHARS
    shown = value[: _SHOWN_CHARS - 3] + "..." if cut else value
    shown = _INVISIBLE.sub(lambda m: repr(m.group())[1:-1], shown)
    suffix = f" ({len(value):,} characters)" if cut else ""
    return f"'{shown}'{suffix}"


def _read_text(path: Path, name: str) -> tuple[str | None, list[Problem]]:
    """Read a file as UTF-8 text (a BOM is accepted), or say why it cannot be read."""
    if path.is_dir():
        return None, [Problem(name, 0, "", None, "a CSV file, but this is a directory")]
    if not path.is_file():
        return None, [Problem(name, 0, "", None, "a CSV file, but this is not a regular file")]
    try:
        raw = path.read_bytes()
    except PermissionError:
        return None, [Problem(name, 0, "", None, "a readable file (permission denied)")]
    except OSError as err:
        return None, [Problem(name, 0, "", None, f"a readable file ({err.strerror})")]
    wrong = _wrong_format(raw, name)
    if wrong:
        return None, wrong
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        return None, [_not_utf8(raw, err.start, name)]
    if not text.strip():
        return None, [Problem(name, 0, "", None, "a header row and data rows, but the file is empty")]
    return text, []


def _wrong_format(raw: bytes, name: str) -> list[Problem]:
    """Recognise the files people save by mistake instead of CSV UTF-8: UTF-16 text, workbooks."""
    save_as = "in Excel use File > Save As > 'CSV UTF-8 (Comma delimited)'"
    head = raw[:1000]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or head.count(b"\x00") > len(head) // 4:
        return [Problem(name, 0, "", None, f"UTF-8 text, but the file is UTF-16 ('Unicode text'); {save_as}")]
    if head.startswith(b"PK\x03\x04") or head.startswith(b"\xd0\xcf\x11\xe0"):
        return [Problem(name, 0, "", None, f"a CSV file, but this is a spreadsheet workbook; {save_as}")]
    if _looks_binary(raw):
        return [
            Problem(
                name,
                0,
                "",
                None,
                "a CSV text file, but this is a binary file (not text at all: an image, an archive, "
                "a program or a damaged file?); put the CSV file saved from your spreadsheet here",
            )
        ]
    return []


def _looks_binary(raw: bytes) -> bool:
    """Whether bytes are not text in any encoding: many control bytes (2 %) in the first 8 KiB.

    Text saved as Latin-1 has accented letters (bytes >= 0x80) but almost no bytes below 0x20
    other than tab and line breaks; binary data has them everywhere (one in nine random bytes).
    A stray control character in a text cell stays a located cell problem.
    """
    head = raw[:8192]
    if not head:
        return False
    controls = sum(head.count(bytes([b])) for b in range(32) if b not in (9, 10, 13)) + head.count(b"\x7f")
    return controls > max(2, len(head) // 50)


def _not_utf8(raw: bytes, at: int, name: str) -> Problem:
    """Locate a byte that is not UTF-8 and show its line as a Latin-1 (Windows) editor would."""
    line = raw[:at].count(b"\n") + 1
    start = max(raw.rfind(b"\n", 0, at) + 1, at - 30)
    end = raw.find(b"\n", at)
    end = min(len(raw) if end < 0 else end, at + 30)
    context = raw[start:end].decode("cp1252", errors="replace").strip()
    return Problem(
        name,
        line,
        "",
        context,
        f"UTF-8 text, but byte 0x{raw[at : at + 1].hex().upper()} on line {line} is not UTF-8 "
        "(the file looks saved as Latin-1/Windows-1252); in Excel use File > Save As > 'CSV UTF-8'",
    )


_TERMINATOR = re.compile(r'"(?:[^"]|"")*"|\r\n|\n|\r')
_LINE_ENDINGS = {"\r\n": "CRLF (Windows)", "\n": "LF (Unix)", "\r": "CR (old Mac)"}


def _line_ending_problem(text: str, name: str) -> list[Problem]:
    """Flag a file whose rows end in different ways (CRLF and LF), ignoring breaks inside quotes."""
    has_crlf = "\r\n" in text
    has_lf = re.search(r"(?<!\r)\n", text) is not None
    has_cr = re.search(r"\r(?!\n)", text) is not None
    if has_crlf + has_lf + has_cr < 2:
        return []
    styles = [m.group() for m in _TERMINATOR.finditer(text) if not m.group().startswith('"')]
    if len(set(styles)) < 2:
        return []
    first = styles[0]
    change = next(i for i, s in enumerate(styles) if s != first)
    return [
        Problem(
            name,
            change + 1,
            "",
            None,
            f"one line-ending style throughout, but rows up to {change} end with {_LINE_ENDINGS[first]} "
            f"and row {change + 1} with {_LINE_ENDINGS[styles[change]]} (re-save the file from one editor)",
        )
    ]


@contextmanager
def _large_csv_fields() -> Iterator[None]:
    """Let the csv module read cells of any length (its default stops at 128 KiB), then restore."""
    previous = csv.field_size_limit()
    csv.field_size_limit(1 << 30)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def _records(text: str, strict: bool = False) -> Iterator[list[str]]:
    """The csv module's reader over the text, with any line endings and quotes as Excel writes them."""
    return csv.reader(io.StringIO(text, newline=""), strict=strict)


def _quote_problem(text: str, name: str) -> list[Problem]:
    """Find a stray double quote: one that is never closed, or closes before its value ends.

    pandas silently joins the following rows into such a value, so this strict pass with
    the csv module runs first, and only on files that contain a quote at all.
    """
    reader = _records(text, strict=True)
    row, line = 0, 0
    try:
        with _large_csv_fields():
            for row, _ in enumerate(reader, start=1):  # noqa: B007 - row is used after the loop
                line = reader.line_num
    except csv.Error as err:
        row, start = row + 1, line + 1
        if "expected after" in str(err):
            where = f"on line {reader.line_num}" if reader.line_num > start else "on the same line"
            what = (
                'double quotes only around a whole value (a quote inside a value is written twice: ""), '
                f"but a quote opened in this row closes {where} in the middle of a value"
            )
        elif "end of data" in str(err) or "EOF" in str(err):
            what = (
                "every double quote that opens a value to be closed, but the one opened in this row never is"
            )
        else:
            what = f"well-formed CSV ({err}); check the quotes"
        return [Problem(name, row, "", None, what)]
    return []


def _too_many_fields(text: str, name: str, width: int) -> list[Problem]:
    """Every row with more fields than the header, found with the csv module once pandas refused."""
    problems = []
    with _large_csv_fields():
        for row, record in enumerate(_records(text), start=1):
            if len(record) > width:
                problems.append(
                    Problem(
                        name,
                        row,
                        "",
                        None,
                        f"at most {width} fields as in the header, but the row has {len(record)} "
                        "(a value with a comma needs double quotes around it)",
                        kind="too many fields",
                    )
                )
    return problems or [Problem(name, 0, "", None, "well-formed CSV; the file could not be parsed")]


def _header(text: str, name: str) -> tuple[list[str], list[Problem]]:
    """The trimmed column names, or why the header cannot be used (other delimiter, duplicates)."""
    end = next((m.end() for m in _TERMINATOR.finditer(text) if not m.group().startswith('"')), len(text))
    with _large_csv_fields():
        columns = [h.strip().strip("\ufeff") for h in next(_records(text[:end]), [])]
    if not any(columns):
        return columns, [Problem(name, 1, "", None, "the column names on row 1, but row 1 is empty")]
    if len(columns) == 1 and (";" in columns[0] or "\t" in columns[0]):
        sep = "semicolons" if ";" in columns[0] else "tabs"
        return columns, [
            Problem(
                name,
                1,
                "",
                None,
                f"commas between columns, but the header uses {sep} "
                "(in Excel use File > Save As > 'CSV UTF-8 (Comma delimited)')",
            )
        ]
    problems = []
    seen: set[str] = set()
    for col in columns:
        if col and col in seen:
            problems.append(Problem(name, 1, col, None, "each column name once, but it appears twice"))
        seen.add(col)
    return columns, problems


def _unnamed_columns(frame: pd.DataFrame, columns: list[str], name: str) -> list[Problem]:
    """An unnamed column is fine while empty (Excel writes those); one holding data needs a name."""
    problems = []
    for position, col in enumerate(columns):
        if col == "" and frame.iloc[:, position].ne("").any():
            problems.append(
                Problem(
                    name,
                    1,
                    "",
                    None,
                    f"a name for every column that holds data, but column {position + 1} has none",
                )
            )
    return problems


def _read_cells(text: str, width: int) -> pd.DataFrame | None:
    """Every record as strings, header first, one column per header field; None if a row is too long.

    pyarrow's reader is fast but refuses short rows and very long cells; pandas' C reader
    then takes over, padding short rows with empty cells. Both refuse rows with extra fields.
    Only a quoted value can hold a line break, so without quotes pyarrow splits rows in parallel.
    """
    data = text.encode("utf-8")
    try:
        names = [str(i) for i in range(width)]
        table = pyarrow.csv.read_csv(
            io.BytesIO(data),
            read_options=pyarrow.csv.ReadOptions(column_names=names, block_size=1 << 23),
            parse_options=pyarrow.csv.ParseOptions(newlines_in_values='"' in text, ignore_empty_lines=False),
            convert_options=pyarrow.csv.ConvertOptions(
                column_types=dict.fromkeys(names, pyarrow.string()),
                null_values=[],
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
        return table.to_pandas().set_axis(range(width), axis=1)
    except pyarrow.ArrowException:
        pass
    try:
        return pd.read_csv(
            io.BytesIO(data),
            header=None,
            names=range(width),
            index_col=False,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            encoding="utf-8",
            engine="c",
        )
    except (pd.errors.ParserError, ValueError):
        return None


def _parse_csv(text: str, name: str) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Parse CSV text into a frame of trimmed strings indexed so that index + 2 is the spreadsheet row."""
    if '"' in text:
        problems = _quote_problem(text, name)
        if problems:
            return None, problems
    columns, problems = _header(text, name)
    if problems:
        return None, problems
    frame = _read_cells(text, len(columns))
    if frame is None:
        return None, _too_many_fields(text, name, len(columns))
    frame = frame.iloc[1:]
    frame.index = frame.index - 1
    for position in frame.columns:
        frame[position] = frame[position].str.strip()
    problems = _unnamed_columns(frame, columns, name)
    frame = frame.loc[:, [col != "" for col in columns]]
    frame.columns = [col for col in columns if col != ""]
    blank = frame.eq("").all(axis=1)
    return frame[~blank], problems


# --------------------------------------------------------------------------- checking one file


def _cell_checks(col: Column) -> list[pa.Check]:
    """The pandera checks for one column, each carrying the text of what is expected."""
    checks: list[pa.Check] = []
    if col.required:
        checks.append(pa.Check(lambda s: s != "", error="a value, but the cell is empty"))
    if col.kind == "enum":
        allowed = set(col.values)
        checks.append(pa.Check(lambda s: (s == "") | s.isin(allowed), error=col.expected))
    elif col.kind in ("number", "positive_number", "probability", "int", "positive_int"):
        checks.append(pa.Check(lambda s, c=col: _numeric_ok(s, c.kind), error=col.expected))
        if col.kind in ("int", "positive_int"):
            checks.append(
                pa.Check(
                    _whole_number_in_range,
                    error=f"a whole number of at most {MAX_WHOLE_NUMBER:,} (larger ones are not exact)",
                )
            )
    elif col.kind == "bool":
        checks.append(
            pa.Check(lambda s: (s == "") | s.str.lower().isin(["true", "false"]), error=col.expected)
        )
    else:
        checks.append(
            pa.Check(
                lambda s: ~s.str.contains(_CONTROL_CHARS, regex=True),
                error="text without control characters",
            )
        )
        checks.append(
            pa.Check(
                lambda s: ~s.str.contains(_FORMULA, regex=True),
                error="plain text, not a spreadsheet formula (remove the leading =, @, + or -)",
            )
        )
        checks.append(
            pa.Check(
                lambda s: ~s.str.contains(_BIDI_CONTROLS, regex=True),
                error="text without bidirectional-control characters (U+202A to U+202E, U+2066 to U+2069), "
                "which make text display in another order than it is stored; delete them",
            )
        )
    checks.append(
        pa.Check(
            lambda s: s.str.len() <= contract.MAX_CELL_CHARS,
            error=f"at most {contract.MAX_CELL_CHARS:,} characters",
        )
    )
    return checks


def _as_number(s: pd.Series) -> pd.Series:
    """Cells as floats, NaN where empty or not a number; converts only filled cells, as most are empty."""
    filled = s != ""
    numbers = pd.Series(float("nan"), index=s.index)
    if filled.any():
        numbers[filled] = pd.to_numeric(s[filled], errors="coerce")
    return numbers


def _whole_number_in_range(s: pd.Series) -> pd.Series:
    """True where a cell is empty, not a number (reported by its own check) or at most 2^53 in size."""
    values = _as_number(s).to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        too_big = np.abs(values) > MAX_WHOLE_NUMBER
    return pd.Series(~too_big, index=s.index)


def _numeric_ok(s: pd.Series, kind: str) -> pd.Series:
    """True where a cell is empty or a number of the required kind (computed in numpy, for speed)."""
    values = _as_number(s).to_numpy(dtype=float)
    ok = np.isfinite(values)
    with np.errstate(invalid="ignore"):
        if kind == "positive_number":
            ok &= values > 0
        elif kind == "probability":
            ok &= (values >= 0) & (values <= 1)
        elif kind in ("int", "positive_int"):
            ok &= np.mod(values, 1) == 0
            if kind == "positive_int":
                ok &= values > 0
    return pd.Series(ok, index=s.index) | (s == "")


def _schema(spec: FileSpec, present: list[str]) -> pa.DataFrameSchema:
    """A pandera schema for the columns of `spec` that the file actually has."""
    return pa.DataFrameSchema(
        {
            c.name: pa.Column(checks=_cell_checks(c), nullable=False)
            for c in spec.columns
            if c.name in present
        },
        strict=False,
    )


def _cell_problems(frame: pd.DataFrame, spec: FileSpec) -> list[Problem]:
    """Every cell that breaks its column's rule, from one lazy pandera validation."""
    try:
        _schema(spec, list(frame.columns)).validate(frame, lazy=True)
    except pa.errors.SchemaErrors as err:
        cases = err.failure_cases.dropna(subset=["index"])
        rows = (cases["index"].astype("int64") + 2).tolist()
        columns, values, expected = (
            cases[c].astype(str).tolist() for c in ("column", "failure_case", "check")
        )
        problems = [Problem(spec.name, *cell) for cell in zip(rows, columns, values, expected, strict=True)]
        return [_with_lookalike_hint(p, spec) for p in problems]
    return []


def _with_lookalike_hint(problem: Problem, spec: FileSpec) -> Problem:
    """Add to a refused enum value that only looks like an allowed one which characters differ."""
    column = next((c for c in spec.columns if c.name == problem.column), None)
    if column is None or column.kind != "enum" or problem.value is None:
        return problem
    hint = _lookalike_hint(problem.value, column.values)
    if not hint:
        return problem
    return replace(problem, expected=problem.expected + hint)


def _lookalike_hint(value: str, candidates: Iterable[str]) -> str:
    """When `value` differs from a candidate only by look-alike characters, say which ones.

    "РРР" typed with a Cyrillic keyboard shows exactly like "PPP" but is another value; the
    message names the characters by code point so the difference can be seen and fixed.
    """
    if value.isascii():
        return ""
    skeleton = unicodedata.normalize("NFKC", value).translate(_LOOKALIKES)
    known = set(candidates)
    if skeleton not in known:
        return ""
    odd: dict[str, int] = {}
    for char in value:
        if not char.isascii():
            odd[char] = odd.get(char, 0) + 1
    named = ", ".join(
        f"U+{ord(c):04X} {unicodedata.name(c, 'unnamed character')}" + (f" ({n} times)" if n > 1 else "")
        for c, n in odd.items()
    )
    return (
        f" (it looks like '{skeleton}' but is different text: it contains {named} where "
        f"'{skeleton}' has plain Latin letters; type it again with a Latin keyboard layout)"
    )


def _duplicate_keys(frame: pd.DataFrame, spec: FileSpec) -> list[Problem]:
    """Rows whose key repeats an earlier row's, each pointing at the first row with that key."""
    keyed = frame[list(spec.key)]
    if len(spec.key) == 1 and keyed.iloc[:, 0].is_unique:  # the usual case, found in one hash pass
        return []
    repeated = keyed.duplicated(keep=False) & keyed.ne("").all(axis=1)
    if not repeated.any():
        return []
    rows = keyed[repeated]
    first_row = rows.index.to_series().groupby([rows[k] for k in spec.key], sort=False).transform("min") + 2
    later = rows.duplicated(keep="first")
    column = " + ".join(spec.key)
    return [
        Problem(
            spec.name,
            i + 2,
            column,
            " / ".join(rows.loc[i]),
            f"a unique key, but row {first_row[i]} has the same",
            kind="duplicate key",
        )
        for i in later[later].index
    ]


def _near_miss(wanted: str, columns: Iterable[str]) -> str | None:
    """A header name that differs from a missing column only in case, spaces or hyphens, if any."""

    def simple(name: str) -> str:
        return re.sub(r"[\s\-]+", "_", _INVISIBLE.sub("", name)).lower()

    return next((c for c in columns if simple(c) == wanted), None)


def _check_file(frame: pd.DataFrame, spec: FileSpec) -> list[Problem]:
    """Every per-file rule: required columns, cell values, unique keys."""
    problems = [
        Problem(spec.name, 1, col, _near_miss(col, frame.columns), f"a column named '{col}' in the header")
        for col in spec.required_columns
        if col not in frame.columns
    ]
    if frame.empty and spec.required:
        problems.append(
            Problem(spec.name, 2, "", None, "at least one data row, but the file has only a header")
        )
    if frame.empty:
        return problems
    problems += _cell_problems(frame, spec)
    if spec.key and all(k in frame.columns for k in spec.key):
        problems += _duplicate_keys(frame, spec)
    return problems + _paired_column_problems(frame, spec)


def _paired_column_problems(frame: pd.DataFrame, spec: FileSpec) -> list[Problem]:
    """Rules between two columns of one row: an alternative polarity must differ from `better`, and a
    risk-of-bias rating other than `unknown` must name the tool or appraisal it comes from."""
    problems: list[Problem] = []
    if spec.name == "outcomes.csv" and {"better", "better_alternative"} <= set(frame.columns):
        same = (frame["better_alternative"] != "") & (frame["better_alternative"] == frame["better"])
        problems += [
            Problem(
                spec.name,
                i + 2,
                "better_alternative",
                frame.at[i, "better_alternative"],
                "a reading other than the row's `better` (it would change nothing), or an empty cell",
            )
            for i in same[same].index
        ]
    if spec.name == "cases.csv" and "risk_of_bias" in frame.columns:
        tool = frame["rob_tool"] if "rob_tool" in frame.columns else pd.Series("", index=frame.index)
        rated = frame["risk_of_bias"].isin(["low", "some_concerns", "high"]) & (tool == "")
        problems += [
            Problem(
                spec.name,
                i + 2,
                "rob_tool",
                "",
                f"the tool or appraisal behind risk_of_bias '{frame.at[i, 'risk_of_bias']}' "
                "(e.g. RoB 2, ROBINS-I, the source's own appraisal)",
            )
            for i in rated[rated].index
        ]
    return problems


# --------------------------------------------------------------------------- cross-file checks


def _unknown_references(
    frame: pd.DataFrame, name: str, fk: contract.ForeignKey, target: pd.DataFrame
) -> list[Problem]:
    """Rows of `frame` whose filled-in reference is not a key of the target file."""
    values = frame[list(fk.columns)]
    if len(fk.columns) == 1:
        listed = values.iloc[:, 0].isin(target[fk.target_columns[0]])
    else:
        known = pd.MultiIndex.from_frame(target[list(fk.target_columns)])
        listed = pd.MultiIndex.from_frame(values).isin(known)
    bad = values.ne("").all(axis=1) & ~listed
    what = " and ".join(fk.target_columns)
    article = "an" if what[0] in "aeiou" else "a"
    problems = [
        Problem(
            name, i + 2, " + ".join(fk.columns), " / ".join(row), f"{article} {what} listed in {fk.target}"
        )
        for i, row in zip(bad[bad].index, values[bad].itertuples(index=False, name=None), strict=True)
    ]
    if any(not (p.value or "").isascii() for p in problems):
        keys = {" / ".join(k) for k in target[list(fk.target_columns)].itertuples(index=False, name=None)}
        problems = [replace(p, expected=p.expected + _lookalike_hint(p.value or "", keys)) for p in problems]
    return problems


def _mixed_arms(findings: pd.DataFrame) -> list[Problem]:
    """Rows whose arm differs from the arm on the first row of the same intervention in the same case."""
    valid = findings[findings["arm"].isin(contract.ARMS)]
    groups = valid.groupby(["country", "case", "intervention"], sort=False)
    first_arm = groups["arm"].transform("first")
    first_row = valid.index.to_series().groupby(groups.ngroup()).transform("min")
    differs = valid["arm"] != first_arm
    return [
        Problem(
            "findings.csv",
            i + 2,
            "arm",
            valid.at[i, "arm"],
            f"'{first_arm[i]}' as on row {first_row[i] + 2}, the first row of intervention "
            f"'{valid.at[i, 'intervention']}' in this case (an intervention is one arm)",
            kind="mixed arms",
        )
        for i in differs[differs].index
    ]


def _check_keys(tables: dict[str, pd.DataFrame]) -> list[Problem]:
    """Every value that refers to another file must be a key of that file (when it is given)."""
    problems: list[Problem] = []
    for name, frame in tables.items():
        for fk in contract.SPECS[name].foreign_keys:
            target = tables.get(fk.target)
            if target is None or not set(fk.columns) <= set(frame.columns):
                continue
            if set(fk.target_columns) <= set(target.columns):
                problems += _unknown_references(frame, name, fk, target)
    findings = tables.get("findings.csv")
    if findings is not None and {"country", "case", "intervention", "arm"} <= set(findings.columns):
        problems += _mixed_arms(findings)
    if findings is not None:
        problems += _alternative_directions(findings)
    for name, frame in tables.items():
        for ref in contract.SPECS[name].list_references:
            if ref.column in frame.columns:
                problems += _unknown_list_items(frame, name, ref, tables)
    if findings is not None and {"country", "case", "intervention"} <= set(findings.columns):
        problems += _comparator_problems(tables)
    return problems


# --------------------------------------------------------------------------- arms and comparators

_ARM_KEY = ("country", "case", "intervention")


def _case_arms(tables: dict[str, pd.DataFrame]) -> dict[tuple[str, str], set[str]]:
    """Per (country, case), every arm named in findings.csv or arms.csv."""
    named: dict[tuple[str, str], set[str]] = {}
    for name in ("findings.csv", "arms.csv"):
        frame = tables.get(name)
        if frame is None or not set(_ARM_KEY) <= set(frame.columns):
            continue
        for country, case, arm in frame[list(_ARM_KEY)].drop_duplicates().itertuples(index=False):
            named.setdefault((country, case), set()).add(arm)
    return named


def _comparator_value_problems(
    frame: pd.DataFrame, name: str, arms_of: dict[tuple[str, str], set[str]]
) -> list[Problem]:
    """Comparators that are neither a vocabulary word nor another arm of the row's own case."""
    known = pd.MultiIndex.from_tuples(
        [(country, case, arm) for (country, case), names in arms_of.items() for arm in names],
        names=["country", "case", "comparator"],
    )
    is_arm = pd.MultiIndex.from_frame(frame[["country", "case", "comparator"]]).isin(known)
    ok = frame["comparator"].eq("") | frame["comparator"].isin(contract.COMPARATORS)
    ok |= is_arm & frame["comparator"].ne(frame["intervention"])
    problems = []
    bad = frame[~ok]
    for i, country, case, arm, comparator in zip(
        bad.index, bad["country"], bad["case"], bad["intervention"], bad["comparator"], strict=True
    ):
        others = sorted(arms_of.get((country, case), set()) - {arm}, key=str.casefold)
        listed = ", ".join(f"'{o}'" for o in others[:10]) or "none"
        own = " (an arm is not compared with itself)" if comparator == arm else ""
        problems.append(
            Problem(
                name,
                i + 2,
                "comparator",
                comparator,
                f"{', '.join(contract.COMPARATORS)} or another arm of case '{case}' ({country}): "
                f"{listed}{own}",
                kind="unknown comparator",
            )
        )
    return problems


def _component_problems(arms: pd.DataFrame, programmes: pd.DataFrame | None) -> list[Problem]:
    """Component lists with an empty item, a repeated item, or a programme programmes.csv does not list."""
    known: set[tuple[str, str]] | None = None
    if programmes is not None and {"country", "programme"} <= set(programmes.columns):
        known = set(zip(programmes["country"], programmes["programme"], strict=True))
    problems = []
    for i, country, listed in zip(arms.index, arms["country"], arms["components"], strict=True):
        if listed == "":
            continue
        items = [item.strip() for item in listed.split(contract.LIST_SEPARATOR)]
        if "" in items:
            expected = "programme names separated by single ';', but the list has an empty item"
        elif len(set(items)) < len(items):
            expected = "each programme once in the list, but one is repeated"
        else:
            missing = [item for item in items if known is not None and (country, item) not in known]
            if not missing:
                continue
            expected = (
                f"programmes of {country} listed in programmes.csv, but "
                + ", ".join(f"'{m}'" for m in missing)
                + (" is not" if len(missing) == 1 else " are not")
            )
        problems.append(Problem("arms.csv", i + 2, "components", listed, expected, kind="components"))
    return problems


def _cycle_problems(tables: dict[str, pd.DataFrame]) -> list[Problem]:
    """Rows whose comparator leads, arm to arm, back to their own arm (A against B, B against A).

    Each distinct (arm, comparator arm) pair of arms.csv and findings.csv is an edge of a graph;
    an edge lies on a cycle when its target can reach its source. The graph has one node per arm.
    """
    coded: dict[str, pd.DataFrame] = {}
    for name in ("arms.csv", "findings.csv"):
        frame = tables.get(name)
        if frame is not None and "comparator" in frame.columns:
            keep = ~frame["comparator"].isin(["", *contract.COMPARATORS]) & frame["comparator"].ne(
                frame["intervention"]
            )  # comparing an arm with itself is reported as a bad value
            coded[name] = frame.loc[keep, [*_ARM_KEY, "comparator"]]
    targets: dict[tuple[str, str, str], set[tuple[str, str, str]]] = {}
    for frame in coded.values():
        for country, case, arm, comparator in frame.drop_duplicates().itertuples(index=False):
            targets.setdefault((country, case, arm), set()).add((country, case, comparator))

    def path(start: tuple[str, str, str], goal: tuple[str, str, str]) -> list[tuple[str, str, str]] | None:
        came_from: dict[tuple[str, str, str], list[tuple[str, str, str]]] = {start: [start]}
        todo = [start]
        while todo:
            node = todo.pop()
            if node == goal:
                return came_from[node]
            for nxt in sorted(targets.get(node, ())):
                if nxt not in came_from:
                    came_from[nxt] = [*came_from[node], nxt]
                    todo.append(nxt)
        return None

    circles: dict[tuple[tuple[str, str, str], tuple[str, str, str]], str] = {}
    for source, ends in targets.items():
        for target in ends:
            found = path(target, source)
            if found is not None:
                circles[(source, target)] = " -> ".join(f"'{node[2]}'" for node in [source, *found])
    problems = []
    for name, frame in coded.items():
        for i, country, case, arm, comparator in frame.itertuples(name=None):
            chain = circles.get(((country, case, arm), (country, case, comparator)))
            if chain is not None:
                problems.append(
                    Problem(
                        name,
                        i + 2,
                        "comparator",
                        comparator,
                        "comparisons that end at control, status_quo or unknown, "
                        f"but {chain} goes round in a circle",
                        kind="comparator cycle",
                    )
                )
    return problems


def _unused_arm_problems(tables: dict[str, pd.DataFrame]) -> list[Problem]:
    """arms.csv rows describing an arm that has no findings and that no other arm is compared with."""
    arms = tables["arms.csv"]
    findings = tables["findings.csv"]
    used = set(findings[list(_ARM_KEY)].itertuples(index=False, name=None))
    for frame in (arms, findings):
        if "comparator" in frame.columns:
            used |= set(frame[["country", "case", "comparator"]].itertuples(index=False, name=None))
    keys = arms[list(_ARM_KEY)].itertuples(index=False, name=None)
    return [
        Problem(
            "arms.csv",
            i + 2,
            "intervention",
            key[2],
            f"an arm of case '{key[1]}' ({key[0]}) that has findings in findings.csv or that another arm "
            "is compared with, but this one is neither (check the spelling against findings.csv)",
            kind="arm without findings",
        )
        for i, key in zip(arms.index, keys, strict=True)
        if key not in used
    ]


def _comparator_problems(tables: dict[str, pd.DataFrame]) -> list[Problem]:
    """The cross-file rules of arms.csv and of findings.csv `comparator` (see data/README.md)."""
    arms = tables.get("arms.csv")
    findings = tables["findings.csv"]
    if findings.empty:
        return []  # a findings file with no rows is already reported; nothing to compare
    if arms is not None and not set(_ARM_KEY) | {"comparator"} <= set(arms.columns):
        return []  # a missing required column is already reported
    arms_of = _case_arms(tables)
    problems: list[Problem] = []
    if "comparator" in findings.columns:
        problems += _comparator_value_problems(findings, "findings.csv", arms_of)
    if arms is not None:
        problems += _comparator_value_problems(arms, "arms.csv", arms_of)
        if "components" in arms.columns:
            problems += _component_problems(arms, tables.get("programmes.csv"))
        problems += _unused_arm_problems(tables)
    problems += _cycle_problems(tables)
    return problems


def _estimate_problems(findings: pd.DataFrame | None) -> list[Problem]:
    """Rows whose estimate cannot be read: no measure, a ratio not above 0, a raw unit not named, a sign
    that contradicts `direction`, or a standard error without an estimate.

    Only cells that passed their own column's check are judged, so one bad cell gives one message.
    The sign rule: `increase` needs an estimate above 0 (above 1 for a ratio), `decrease` below;
    `no_change` takes any sign, as a null result is rarely exactly zero.
    """
    if findings is None or findings.empty or not {"estimate", "effect_measure"} <= set(findings.columns):
        return []  # data without the measure column load as before: their estimates are kept, not read
    column = findings.get
    empty = pd.Series("", index=findings.index)
    estimate = _as_number(findings["estimate"])
    std_error = _as_number(column("std_error", empty))
    measure = findings["effect_measure"]
    direction = column("direction", empty)
    note = column("note", empty)
    has_estimate = estimate.notna()
    problems: list[Problem] = []

    def add(mask: pd.Series, col: str, values: pd.Series, expected: str, kind: str) -> None:
        problems.extend(
            Problem("findings.csv", i + 2, col, str(values[i]), expected, kind=kind) for i in mask[mask].index
        )

    names = ", ".join(contract.EFFECT_MEASURES)
    add(
        has_estimate & measure.eq(""),
        "effect_measure",
        measure,
        f"one of {names}: the metric of the estimate given in column 'estimate'",
        "estimate without measure",
    )
    ratio = measure.eq("ratio")
    add(
        has_estimate & ratio & (estimate <= 0),
        "estimate",
        findings["estimate"],
        "a ratio greater than 0 (effect_measure 'ratio' is on its natural scale; "
        "a log odds ratio is 'log_or')",
        "ratio not positive",
    )
    add(
        has_estimate & measure.eq("raw") & note.eq(""),
        "note",
        note,
        "the unit of the estimate (effect_measure 'raw' is in the source's own unit, named in 'note')",
        "raw without unit",
    )
    known = measure.isin(contract.EFFECT_MEASURES) & ~(ratio & (estimate <= 0))
    change = np.log(estimate.where(estimate > 0)).where(ratio, estimate)
    add(
        has_estimate & known & direction.eq("increase") & (change <= 0),
        "estimate",
        findings["estimate"],
        "an estimate above 0 (above 1 for a ratio), as direction is 'increase'",
        "sign against direction",
    )
    add(
        has_estimate & known & direction.eq("decrease") & (change >= 0),
        "estimate",
        findings["estimate"],
        "an estimate below 0 (below 1 for a ratio), as direction is 'decrease'",
        "sign against direction",
    )
    add(
        (std_error > 0) & findings["estimate"].eq(""),
        "estimate",
        findings["estimate"],
        "an estimate, as column 'std_error' gives its standard error",
        "standard error without estimate",
    )
    return problems


def _alternative_directions(findings: pd.DataFrame) -> list[Problem]:
    """A second source's direction needs that source, and must differ from the first (a disagreement)."""
    if "direction_alt" not in findings.columns:
        return []
    problems = []
    alt = findings["direction_alt"]
    source = (
        findings["alt_source_id"] if "alt_source_id" in findings.columns else pd.Series("", index=alt.index)
    )
    for i in alt.index[(alt != "") & (source == "")]:
        problems.append(
            Problem(
                "findings.csv",
                i + 2,
                "alt_source_id",
                "",
                "the source_id of the source that reports direction_alt, as direction_alt is filled in",
            )
        )
    if "direction" in findings.columns:
        for i in alt.index[(alt != "") & (alt == findings["direction"])]:
            problems.append(
                Problem(
                    "findings.csv",
                    i + 2,
                    "direction_alt",
                    alt[i],
                    "a direction other than the row's direction (direction_alt records a disagreement "
                    "between sources; leave it empty when they agree)",
                )
            )
    return problems


def split_list(cell: str) -> list[str]:
    """The items of a `;`-separated cell, trimmed, empty items dropped, in the order written."""
    return [item.strip() for item in cell.split(contract.LIST_SEPARATOR) if item.strip()]


def case_items(
    cell: str, known: Iterable[tuple[str, str]]
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Resolve the items of a `cases` cell to (country, case) pairs: `Country/Case`, or a case name
    that only one country has. Returns the resolved pairs and (item, why) for items that fail."""
    known = set(known)
    by_name: dict[str, list[str]] = {}
    for country, case in sorted(known):
        by_name.setdefault(case, []).append(country)
    resolved, failed = [], []
    for item in split_list(cell):
        country, sep, case = item.partition(contract.CASE_SEPARATOR)
        if sep and (country.strip(), case.strip()) in known:
            resolved.append((country.strip(), case.strip()))
        elif item in by_name and len(by_name[item]) == 1:
            resolved.append((by_name[item][0], item))
        elif item in by_name:
            failed.append((item, f"Country/Case, as the case '{item}' exists in {', '.join(by_name[item])}"))
        else:
            failed.append((item, ""))
    return resolved, failed


def _unknown_list_items(
    frame: pd.DataFrame, name: str, ref: contract.ListReference, tables: dict[str, pd.DataFrame]
) -> list[Problem]:
    """Items of a `;`-separated reference cell that none of the given target files lists."""
    given = [
        (file, cols)
        for file, cols in ref.targets
        if file in tables and set(cols) <= set(tables[file].columns)
    ]
    if not given:
        return []
    listed = " or ".join(dict.fromkeys(file for file, _ in given))
    problems = []
    if len(given[0][1]) == 2:
        known = set()
        for file, cols in given:
            known |= set(tables[file][list(cols)].itertuples(index=False, name=None))
        for i, cell in frame[ref.column].items():
            for item, why in case_items(cell, known)[1]:
                expected = why or f"a Country/Case listed in {listed} (write Country/Case, e.g. Peru/Juntos)"
                problems.append(
                    Problem(name, i + 2, ref.column, item, expected, kind=f"unknown {ref.column}")
                )
        return problems
    known_values: set[str] = set()
    for file, cols in given:
        known_values |= set(tables[file][cols[0]])
    what = ref.column.removesuffix("s") if ref.column != "countries" else "country"
    article = "an" if what[0] in "aeiou" else "a"
    for i, cell in frame[ref.column].items():
        for item in split_list(cell):
            if item not in known_values:
                problems.append(
                    Problem(
                        name,
                        i + 2,
                        ref.column,
                        item,
                        f"{article} {what} listed in {listed} (items separated by ';')",
                        kind=f"unknown {ref.column}",
                    )
                )
    return problems


# --------------------------------------------------------------------------- deriving


def derive_effect(direction: pd.Series, better: pd.Series) -> pd.Series:
    """Effect for the people concerned, from the change's sign and the codebook's polarity.

    beneficial = increase & higher or decrease & lower; adverse = the opposite;
    no_change whatever `better` says; unclear = a change on an ambiguous outcome.
    """
    effect = pd.Series("unclear", index=direction.index, dtype=object)
    up, down = direction.eq("increase"), direction.eq("decrease")
    higher, lower = better.eq("higher"), better.eq("lower")
    effect[(up & higher) | (down & lower)] = "beneficial"
    effect[(up & lower) | (down & higher)] = "adverse"
    effect[direction.eq("no_change")] = "no_change"
    return effect.astype("str")


def _default_domains(outcomes: pd.DataFrame) -> pd.DataFrame:
    """Domains in the order they first appear in the codebook, labelled by their keys."""
    keys = list(dict.fromkeys(outcomes["domain"]))
    return pd.DataFrame(
        {"domain": keys, "order": range(1, len(keys) + 1), "label_en": keys, "label_es": keys}
    )


def _default_cases(findings: pd.DataFrame) -> pd.DataFrame:
    """One case per (country, case) of the findings, all with an impact evaluation."""
    cases = findings[["case", "country"]].drop_duplicates().reset_index(drop=True)
    cases["has_impact_evaluation"] = "true"
    return cases


def _fill_labels(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    """Make label_en and label_es present and non-empty, falling back to the key."""
    for col in ("label_en", "label_es"):
        if col not in frame.columns:
            frame[col] = frame[key]
        else:
            frame[col] = frame[col].where(frame[col] != "", frame[key])
    return frame


def _as_flag(series: pd.Series) -> pd.Series:
    """true/false in any letter case as a nullable boolean; an empty cell is <NA>."""
    lower = series.str.lower()
    flags = pd.Series(pd.NA, index=series.index, dtype="boolean")
    flags[lower == "true"] = True
    flags[lower == "false"] = False
    return flags


def _as_bool(series: pd.Series, default: bool) -> pd.Series:
    """true/false in any letter case as booleans; an empty cell takes the default."""
    return _as_flag(series).fillna(default).astype(bool)


# --------------------------------------------------------------------------- reporting layer


def _simple_name(name: str) -> str:
    """A column name in lower case with spaces and hyphens as underscores, for comparing names."""
    return re.sub(r"[\s\-]+", "_", _INVISIBLE.sub("", name)).strip("_").lower()


def _unknown_column_warnings(frame: pd.DataFrame, spec: FileSpec) -> list[Problem]:
    """Columns the contract does not name but that look like one it does (`notes`, `Source ID`).

    They are kept unchecked, as every extra column is, but a misspelt optional column would
    otherwise be silently ignored: the warning names the likely contract column.
    """
    names = [c.name for c in spec.columns]
    required = {c.name for c in spec.columns if c.required}
    warnings = []
    for col in frame.columns:
        if col in names:
            continue
        simple = _simple_name(col)
        likely = _COLUMN_SYNONYMS.get(simple) or (simple if simple in names else None)
        if likely is None:
            close = difflib.get_close_matches(simple, names, n=1, cutoff=0.8)
            likely = close[0] if close else None
        if likely is None or likely in frame.columns or likely in required:
            continue  # nothing alike, the real column is there too, or a missing-column error says it
        warnings.append(
            Problem(
                spec.name,
                1,
                col,
                None,
                f"'{col}' is not a column of the data contract, so it is not used; "
                f"if it is meant to be '{likely}', rename the header to '{likely}'",
                kind="unknown column",
            )
        )
    return warnings


def _example_row_warnings(frame: pd.DataFrame, spec: FileSpec) -> list[Problem]:
    """Rows copied from the coding template: templates/ marks each of them with the word EXAMPLE."""
    if frame.empty:
        return []
    marked = pd.Series(False, index=frame.index)
    for col in frame.columns:
        cells = frame[col]
        hit = cells.str.contains("EXAMPLE", regex=False)
        if hit.any():
            marked |= hit & cells.str.contains(_EXAMPLE_MARK, regex=True)
    return [
        Problem(
            spec.name,
            i + 2,
            "",
            None,
            "fictitious rows of the coding template (marked EXAMPLE) are still in the data; "
            "delete them before analysing real evaluations",
            kind="example row",
        )
        for i in marked[marked].index
    ]


def _short_rows(text: str, frame: pd.DataFrame, problems: list[Problem]) -> list[Problem]:
    """Replace the cell errors of a row that has fewer values than the header by one count.

    A row that stops early is accepted while the cells it leaves out may be empty (Excel writes
    such rows); when its cells then break the rules, the likely cause is a missing or merged
    value that shifted the others, so "row 5 has 14 values, the header has 15" is the message.
    """
    rows_with_problems = {p.row for p in problems if p.row >= 2 and p.column}
    if not rows_with_problems:
        return problems
    widths: dict[int, int] = {}
    with _large_csv_fields():
        records = _records(text)
        width = len(next(records, []))
        for row, record in enumerate(records, start=2):
            if row in rows_with_problems and 0 < len(record) < width:
                widths[row] = len(record)
    if not widths:
        return problems
    name = problems[0].file
    kept = [p for p in problems if p.row not in widths]
    kept += [
        Problem(
            name,
            row,
            "",
            None,
            f"{width} values, one per column of the header, but row {row} has {count}: a value is "
            "missing or two were written as one, so the values after it sit in the wrong columns",
            kind="field count",
        )
        for row, count in widths.items()
    ]
    return kept


def _without_consequences_of_short_rows(problems: list[Problem]) -> list[Problem]:
    """Drop the other problems of a row reported as short: its values sit in the wrong columns."""
    short = {(p.file, p.row) for p in problems if p.kind == "field count"}
    if not short:
        return problems
    return [p for p in problems if p.kind == "field count" or (p.file, p.row) not in short]


def _physical_lines(text: str) -> list[str]:
    """The text's lines with their endings (LF, CRLF or CR), as the csv module counts them."""
    return [line for line in re.split(r"(?<=\n)|(?<=\r)(?!\n)", text) if line]


def _check_rows_before(text: str, spec: FileSpec, found: list[Problem]) -> list[Problem]:
    """When a stray quote stops a file from being parsed, still check every row before it.

    The report promises every problem at once: the rows before the broken one are read and
    checked on their own (they are not used for checks across files, being incomplete).
    """
    if '"' not in text or not any(p.row >= 2 for p in found):
        return []
    reader = _records(text, strict=True)
    good_lines = 0
    try:
        with _large_csv_fields():
            for _ in reader:
                good_lines = reader.line_num
    except csv.Error:
        pass
    else:
        return []  # the file parses: its problem was not a quote
    prefix = "".join(_physical_lines(text)[:good_lines])
    frame, problems = _parse_csv(prefix, spec.name) if prefix else (None, [])
    if frame is None or frame.empty or problems:
        return []
    return _short_rows(prefix, frame, _check_file(frame, spec))


# --------------------------------------------------------------------------- entry point


def load_evidence(data_dir: str | Path) -> Evidence:
    """Read, check and derive a data directory; raise DataError listing every problem."""
    data_dir = Path(data_dir)
    if not data_dir.exists():
        raise DataError(data_dir, [Problem(str(data_dir), 0, "", None, "an existing data directory")])
    if not data_dir.is_dir():
        raise DataError(data_dir, [Problem(str(data_dir), 0, "", None, "a directory, but this is a file")])
    if not os.access(data_dir, os.R_OK | os.X_OK):
        what = f"a data directory you can read, but permission is denied (chmod u+rx '{data_dir}')"
        raise DataError(data_dir, [Problem(str(data_dir), 0, "", None, what)])
    tables: dict[str, pd.DataFrame] = {}
    problems: list[Problem] = []
    warnings: list[Problem] = []
    for spec in contract.FILES:
        path = data_dir / spec.name
        if not path.exists() and not path.is_symlink():
            if spec.required:
                problems.append(Problem(spec.name, 0, "", None, "this required file in the data directory"))
            continue
        frame, found = _load_table(path, spec)
        problems += found
        if frame is None:
            continue
        warnings += _unknown_column_warnings(frame, spec) + _example_row_warnings(frame, spec)
        if frame.empty and not spec.required:
            warnings.append(
                Problem(
                    spec.name,
                    2,
                    "",
                    None,
                    "it has only a header row, so it counts as not given (add data rows or delete the file)",
                )
            )
            continue
        tables[spec.name] = frame
    problems += _estimate_problems(tables.get("findings.csv"))
    problems = _without_consequences_of_short_rows(problems + _check_keys(tables))
    if problems:
        raise DataError(data_dir, problems, warnings)
    evidence = _assemble(data_dir, tables)
    evidence.warnings = sorted(set(warnings), key=Problem.sort_key)
    return evidence


def _load_table(path: Path, spec: FileSpec) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Read, parse and check one file; the frame is None when the file cannot be parsed at all."""
    text, problems = _read_text(path, spec.name)
    if text is None:
        return None, problems
    problems += _line_ending_problem(text, spec.name)
    frame, found = _parse_csv(text, spec.name)
    problems += found
    if frame is None:
        return None, problems + _check_rows_before(text, spec, found)
    return frame, problems + _short_rows(text, frame, _check_file(frame, spec))


def _assemble(data_dir: Path, tables: dict[str, pd.DataFrame]) -> Evidence:
    """Build the Evidence from checked tables: defaults, labels, derived columns."""

    def with_optional_columns(name: str) -> pd.DataFrame | None:
        frame = tables.get(name)
        if frame is None:
            return None
        frame = frame.reset_index(drop=True)
        for col in contract.SPECS[name].columns:
            if col.name not in frame.columns:
                frame[col.name] = ""
        return frame

    outcomes = _fill_labels(with_optional_columns("outcomes.csv"), "outcome")
    findings = with_optional_columns("findings.csv")
    domains = with_optional_columns("domains.csv")
    if domains is None:
        domains = _default_domains(outcomes)
    else:
        domains["order"] = pd.to_numeric(domains["order"]).astype(int)
        domains = domains.sort_values(["order", "domain"], kind="stable").reset_index(drop=True)
    domains = _fill_labels(domains, "domain")
    # Domains named in the codebook but absent from domains.csv cannot occur (checked);
    # domains listed but unused stay, so an empty domain shows as a gap.
    cases = with_optional_columns("cases.csv")
    if cases is None:
        cases = _default_cases(findings)
    cases["has_impact_evaluation"] = _as_bool(cases["has_impact_evaluation"], default=True)

    # As findings["outcome"].map(...), looking each distinct outcome up once for both columns.
    codes, measured = pd.factorize(findings["outcome"])
    row = np.append(pd.Index(outcomes["outcome"]).get_indexer(measured), -1)[codes]
    for col in ("domain", "better"):
        findings[col] = pd.Series(outcomes[col].array.take(row, allow_fill=True), index=findings.index)
    findings["effect"] = derive_effect(findings["direction"], findings["better"])
    # A second source's reading of the same result: its effect, and whether the two disagree.
    alt = findings["direction_alt"]
    findings["effect_alt"] = derive_effect(alt, findings["better"]).where(alt != "", "")
    findings["contested"] = (alt != "") & (alt != findings["direction"])
    for col in ("estimate", "std_error", "p_value"):
        findings[col] = _as_number(findings[col])
    findings["n"] = _as_number(findings["n"]).astype("Int64")
    findings["significant"] = _as_flag(findings["significant"])

    factors = with_optional_columns("factors.csv")
    if factors is not None:
        factors = _fill_labels(factors, "factor")
    return Evidence(
        data_dir=data_dir,
        findings=findings,
        outcomes=outcomes,
        domains=domains,
        cases=cases,
        institutional=with_optional_columns("institutional.csv"),
        factors=factors,
        programmes=with_optional_columns("programmes.csv"),
        sources=with_optional_columns("sources.csv"),
        given=frozenset(tables),
        arms=with_optional_columns("arms.csv"),
        claims=with_optional_columns("claims.csv"),
    )
