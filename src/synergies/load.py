"""Load a data directory, check it against the contract, and derive domains and effects.

`load_evidence` either returns a complete, checked `Evidence` or raises `DataError`
listing every problem at once (file, spreadsheet row, column, value, what was
expected). Nothing downstream ever sees data that failed a check.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from synergies import contract
from synergies.contract import Column, FileSpec

# How many rows to name for one kind of problem before summarising the rest.
MAX_ROWS_PER_PROBLEM = 10

_CONTROL_CHARS = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
# A cell a spreadsheet would run as a formula (CSV injection): =..., @..., +cmd, -cmd.
_FORMULA = r"^(?:=|@|[+\-]\s*[A-Za-z(])"


@dataclass(frozen=True)
class Problem:
    """One violation of the data contract, located as a spreadsheet user would look for it."""

    file: str
    row: int  # spreadsheet row (header = 1); 0 when the problem concerns the whole file
    column: str
    value: str | None  # the offending cell; None when the problem is not about one cell
    expected: str

    def sort_key(self) -> tuple[str, int, str, str, str]:
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

    def __init__(self, data_dir: Path | str, problems: Iterable[Problem]):
        self.data_dir = Path(data_dir)
        self.problems = sorted(set(problems), key=Problem.sort_key)
        super().__init__(self.report())

    def report(self) -> str:
        lines = [f"The data in {self.data_dir} do not follow the data contract:"]
        groups: dict[tuple[str, str, str], list[Problem]] = {}
        for p in self.problems:
            groups.setdefault((p.file, p.column, p.expected), []).append(p)
        count = 0
        for group in groups.values():
            for p in group[:MAX_ROWS_PER_PROBLEM]:
                lines.append(f"  - {p}")
                count += 1
            if len(group) > MAX_ROWS_PER_PROBLEM:
                rest = len(group) - MAX_ROWS_PER_PROBLEM
                lines.append(f"  - ... and {rest:,} more rows of {group[0].file} with the same problem")
        n = len(self.problems)
        lines.append(f"{n:,} problem{'s' if n != 1 else ''} found. Fix them and run `make validate` again.")
        return "\n".join(lines)


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
    shown = value if len(value) <= 60 else value[:57] + "..."
    shown = shown.encode("unicode_escape").decode("ascii") if re.search(_CONTROL_CHARS, shown) else shown
    suffix = f" ({len(value):,} characters)" if len(value) > 60 else ""
    return f"'{shown}'{suffix}"


def _read_text(path: Path, name: str) -> tuple[str | None, list[Problem]]:
    """Read a file as UTF-8 text (a BOM is accepted), or say why it cannot be read."""
    if path.is_dir():
        return None, [Problem(name, 0, "", None, "a CSV file, but this is a directory")]
    try:
        raw = path.read_bytes()
    except PermissionError:
        return None, [Problem(name, 0, "", None, "a readable file (permission denied)")]
    except OSError as err:
        return None, [Problem(name, 0, "", None, f"a readable file ({err.strerror})")]
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        byte = raw[err.start : err.start + 1].hex().upper()
        return None, [
            Problem(
                name,
                line,
                "",
                None,
                f"UTF-8 text, but byte 0x{byte} on line {line} is not UTF-8 (save the file as 'CSV UTF-8')",
            )
        ]
    if not text.strip():
        return None, [Problem(name, 0, "", None, "a header row and data rows, but the file is empty")]
    return text, []


_TERMINATOR = re.compile(r'"(?:[^"]|"")*"|\r\n|\n|\r')


def _line_ending_problem(text: str, name: str) -> list[Problem]:
    """Flag a file whose rows end in different ways (CRLF and LF), ignoring breaks inside quotes."""
    has_crlf = "\r\n" in text
    has_lf = re.search(r"(?<!\r)\n", text) is not None
    has_cr = re.search(r"\r(?!\n)", text) is not None
    if has_crlf + has_lf + has_cr < 2:
        return []
    styles: list[str] = []
    for m in _TERMINATOR.finditer(text):
        token = m.group()
        if token.startswith('"'):
            continue
        styles.append(token)
    kinds = {"\r\n": "CRLF (Windows)", "\n": "LF (Unix)", "\r": "CR (old Mac)"}
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
            f"one line-ending style throughout, but rows up to {change} end with {kinds[first]} "
            f"and row {change + 1} with {kinds[styles[change]]} (re-save the file from one editor)",
        )
    ]


def _parse_csv(text: str, name: str) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Parse CSV text into a frame of trimmed strings, or report where the parsing fails."""
    header = next(csv.reader(io.StringIO(text)), [])
    columns = [h.strip() for h in header]
    problems: list[Problem] = []
    if len(columns) == 1 and (";" in columns[0] or "\t" in columns[0]):
        sep = "semicolons" if ";" in columns[0] else "tabs"
        return None, [Problem(name, 1, "", None, f"commas between columns, but the header uses {sep}")]
    seen: set[str] = set()
    for col in columns:
        if col in seen:
            problems.append(Problem(name, 1, col, None, "each column name once, but it appears twice"))
        if col == "":
            problems.append(Problem(name, 1, "", None, "a name for every column, but one is empty"))
        seen.add(col)
    if problems:
        return None, problems
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=True,
            engine="c",
        )
    except (pd.errors.ParserError, ValueError):
        return None, _locate_parse_error(text, name, len(columns))
    frame.columns = columns
    for col in columns:
        frame[col] = frame[col].str.strip()
    return frame, []


def _locate_parse_error(text: str, name: str, width: int) -> list[Problem]:
    """Find the row that breaks CSV parsing (extra fields, a stray quote) with the csv module."""
    csv.field_size_limit(1 << 30)
    reader = csv.reader(io.StringIO(text), strict=True)
    row = 0
    try:
        for row, record in enumerate(reader, start=1):
            if len(record) > width:
                return [
                    Problem(
                        name,
                        row,
                        "",
                        None,
                        f"{width} fields as in the header, but the row has {len(record)} "
                        "(a comma in a value needs the value in double quotes)",
                    )
                ]
    except csv.Error as err:
        return [Problem(name, row + 1, "", None, f"well-formed CSV ({err}); check the quotes")]
    return [Problem(name, 0, "", None, "well-formed CSV; the file could not be parsed")]


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
            lambda s: s.str.len() <= contract.MAX_CELL_CHARS,
            error=f"at most {contract.MAX_CELL_CHARS:,} characters",
        )
    )
    return checks


def _numeric_ok(s: pd.Series, kind: str) -> pd.Series:
    """True where a cell is empty or a number of the required kind."""
    values = pd.to_numeric(s.where(s != ""), errors="coerce")
    ok = values.notna() & values.abs().ne(float("inf"))
    if kind == "positive_number":
        ok &= values > 0
    elif kind == "probability":
        ok &= values.between(0, 1)
    elif kind in ("int", "positive_int"):
        ok &= values.mod(1).eq(0)
        if kind == "positive_int":
            ok &= values > 0
    return ok | (s == "")


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


def _check_file(frame: pd.DataFrame, spec: FileSpec) -> list[Problem]:
    """Every per-file rule: required columns, cell values, unique keys."""
    problems: list[Problem] = []
    missing = [c for c in spec.required_columns if c not in frame.columns]
    for col in missing:
        problems.append(Problem(spec.name, 1, col, None, f"a column named '{col}' in the header"))
    if frame.empty and spec.required:
        problems.append(
            Problem(spec.name, 2, "", None, "at least one data row, but the file has only a header")
        )
    if frame.empty:
        return problems
    try:
        _schema(spec, list(frame.columns)).validate(frame, lazy=True)
    except pa.errors.SchemaErrors as err:
        cases = err.failure_cases
        for column, index, value, expected in zip(
            cases["column"], cases["index"], cases["failure_case"], cases["check"], strict=True
        ):
            if pd.isna(index):
                continue
            problems.append(Problem(spec.name, int(index) + 2, str(column), str(value), str(expected)))
    if spec.key and all(k in frame.columns for k in spec.key):
        keyed = frame[list(spec.key)]
        dup = keyed.duplicated(keep="first") & keyed.ne("").all(axis=1)
        first_row = {tuple(k): i + 2 for i, k in reversed(list(enumerate(keyed.itertuples(index=False))))}
        for i in dup[dup].index:
            key = tuple(keyed.loc[i])
            shown = " / ".join(key)
            col = spec.key[-1] if len(spec.key) == 1 else " + ".join(spec.key)
            problems.append(
                Problem(
                    spec.name,
                    i + 2,
                    col,
                    shown,
                    f"a unique key, but row {first_row[key]} has the same",
                )
            )
    return problems


# --------------------------------------------------------------------------- cross-file checks


def _check_keys(tables: dict[str, pd.DataFrame]) -> list[Problem]:
    """Every value that refers to another file must be a key of that file (when it is given)."""
    problems: list[Problem] = []
    for name, frame in tables.items():
        spec = contract.SPECS[name]
        for fk in spec.foreign_keys:
            target = tables.get(fk.target)
            if target is None or not all(c in frame.columns for c in fk.columns):
                continue
            if not all(c in target.columns for c in fk.target_columns):
                continue
            known = set(target[list(fk.target_columns)].itertuples(index=False, name=None))
            values = frame[list(fk.columns)]
            filled = values.ne("").all(axis=1)
            keys = pd.Series(list(values.itertuples(index=False, name=None)), index=values.index)
            bad = filled & ~keys.isin(known)
            column = " + ".join(fk.columns)
            what = " and ".join(fk.target_columns)
            for i in bad[bad].index:
                problems.append(
                    Problem(name, i + 2, column, " / ".join(keys[i]), f"a {what} listed in {fk.target}")
                )
    findings = tables.get("findings.csv")
    if findings is not None and {"country", "case", "intervention", "arm"} <= set(findings.columns):
        arms = findings.groupby(["country", "case", "intervention"], sort=False)["arm"]
        mixed = arms.transform("nunique") > 1
        for i in mixed[mixed].index:
            problems.append(
                Problem(
                    "findings.csv",
                    i + 2,
                    "arm",
                    findings.at[i, "arm"],
                    f"the same arm on every row of intervention '{findings.at[i, 'intervention']}' "
                    "in this case, but its rows disagree",
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


def _as_bool(series: pd.Series, default: bool) -> pd.Series:
    return series.str.lower().map({"true": True, "false": False}).fillna(default).astype(bool)


# --------------------------------------------------------------------------- entry point


def load_evidence(data_dir: str | Path) -> Evidence:
    """Read, check and derive a data directory; raise DataError listing every problem."""
    data_dir = Path(data_dir)
    if not data_dir.exists():
        raise DataError(data_dir, [Problem(str(data_dir), 0, "", None, "an existing data directory")])
    if not data_dir.is_dir():
        raise DataError(data_dir, [Problem(str(data_dir), 0, "", None, "a directory, but this is a file")])
    tables: dict[str, pd.DataFrame] = {}
    problems: list[Problem] = []
    for spec in contract.FILES:
        path = data_dir / spec.name
        if not path.exists():
            if spec.required:
                problems.append(Problem(spec.name, 0, "", None, "this required file in the data directory"))
            continue
        text, found = _read_text(path, spec.name)
        problems += found
        if text is None:
            continue
        found = _line_ending_problem(text, spec.name)
        problems += found
        frame, found = _parse_csv(text, spec.name)
        problems += found
        if frame is None:
            continue
        problems += _check_file(frame, spec)
        tables[spec.name] = frame
    if not problems:
        problems += _check_keys(tables)
    if problems:
        raise DataError(data_dir, problems)
    return _assemble(data_dir, tables)


def _assemble(data_dir: Path, tables: dict[str, pd.DataFrame]) -> Evidence:
    """Build the Evidence from checked tables: defaults, labels, derived columns."""

    def with_optional_columns(name: str) -> pd.DataFrame | None:
        frame = tables.get(name)
        if frame is None:
            return None
        frame = frame.copy()
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
        domains["order"] = domains["order"].astype(int)
        domains = domains.sort_values(["order", "domain"], kind="stable").reset_index(drop=True)
    domains = _fill_labels(domains, "domain")
    # Domains named in the codebook but absent from domains.csv cannot occur (checked);
    # domains listed but unused stay, so an empty domain shows as a gap.
    cases = with_optional_columns("cases.csv")
    if cases is None:
        cases = _default_cases(findings)
    cases["has_impact_evaluation"] = _as_bool(cases["has_impact_evaluation"], default=True)

    polarity = outcomes.set_index("outcome")
    findings["domain"] = findings["outcome"].map(polarity["domain"])
    findings["better"] = findings["outcome"].map(polarity["better"])
    findings["effect"] = derive_effect(findings["direction"], findings["better"])
    for col in ("estimate", "std_error", "p_value"):
        findings[col] = pd.to_numeric(findings[col].where(findings[col] != ""), errors="coerce")
    findings["n"] = pd.to_numeric(findings["n"].where(findings["n"] != ""), errors="coerce").astype("Int64")
    findings["significant"] = findings["significant"].str.lower().map({"true": True, "false": False})

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
    )
