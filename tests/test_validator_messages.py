"""Validator messages a non-programmer can act on, and the same bytes under a Spanish locale.

Each test breaks a copy of the shipped data the way a newcomer would and reads the report
as they would: which file, which row, what to do.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from synergies import config
from synergies.load import DataError, load_evidence

PYTHON = sys.executable


def report(data_dir: Path) -> str:
    """The validator's report for a data directory that must fail."""
    with pytest.raises(DataError) as caught:
        load_evidence(data_dir)
    return caught.value.report()


def edit_line(path: Path, number: int, old: str, new: str) -> None:
    """Replace the first `old` on line `number` (1 = header) of a CSV file."""
    lines = path.read_text(encoding="utf-8").split("\n")
    assert old in lines[number - 1], lines[number - 1]
    lines[number - 1] = lines[number - 1].replace(old, new, 1)
    path.write_text("\n".join(lines), encoding="utf-8")


def test_a_header_only_optional_file_counts_as_not_given_with_a_warning(data_copy: Path) -> None:
    path = data_copy / "institutional.csv"
    path.write_text(path.read_text(encoding="utf-8").split("\n")[0] + "\n", encoding="utf-8")
    evidence = load_evidence(data_copy)
    assert evidence.institutional is None and "institutional.csv" not in evidence.given
    assert any("only a header row, so it counts as not given" in w.expected for w in evidence.warnings)


def test_whole_numbers_too_large_to_store_are_refused_with_their_cell(data_copy: Path) -> None:
    edit_line(data_copy / "findings.csv", 2, ",RS-BRIEF", "99999999999999999999,RS-BRIEF")
    edit_line(data_copy / "domains.csv", 2, ",1,", ",1e19,")
    text = report(data_copy)
    assert (
        "findings.csv, row 2, column 'n': found '99999999999999999999'; expected a whole number of at most"
        in text
    )
    assert "domains.csv, row 2, column 'order': found '1e19'" in text
    assert "Traceback" not in text


def test_bidirectional_overrides_are_refused_and_shown_escaped(data_copy: Path) -> None:
    edit_line(data_copy / "findings.csv", 3, "F02", "F\u202e02")
    text = report(data_copy)
    assert "row 3, column 'finding_id': found 'F\\u202e02'" in text
    assert "bidirectional-control characters" in text
    assert "\u202e" not in text


def test_a_lookalike_key_is_explained_by_code_point(data_copy: Path) -> None:
    edit_line(data_copy / "findings.csv", 4, ",PPP,PPP,", ",\u0420\u0420\u0420,PPP,")
    text = report(data_copy)
    assert "it looks like 'Colombia / PPP' but is different text" in text
    assert "U+0420 CYRILLIC CAPITAL LETTER ER (3 times)" in text


def test_a_row_one_value_short_gets_one_message_with_the_counts(data_copy: Path) -> None:
    edit_line(data_copy / "findings.csv", 5, ",increase,", ",")
    text = report(data_copy)
    columns = (config.DATA_DIR / "findings.csv").read_text(encoding="utf-8").splitlines()[0].count(",") + 1
    expected = f"findings.csv, row 5: expected {columns} values, one per column of the header, but row 5 has"
    assert f"{expected} {columns - 1}" in text
    assert "row 5, column" not in text  # no cascade of misplaced cells
    assert "1 problem found. Fix it and run `make validate` again." in text


def test_a_broken_quote_hides_neither_other_files_nor_earlier_rows(data_copy: Path) -> None:
    edit_line(data_copy / "findings.csv", 3, ",single,", ',"single,')
    edit_line(data_copy / "findings.csv", 2, ",increase,", ",upward,")
    edit_line(data_copy / "outcomes.csv", 2, "higher", "upward")
    text = report(data_copy)
    assert "findings.csv, row 3: expected double quotes only around a whole value" in text
    assert "findings.csv, row 2, column 'direction': found 'upward'" in text
    assert "outcomes.csv, row 2, column 'better': found 'upward'" in text
    assert "3 problems found. Fix them" in text


def test_misspelt_columns_and_example_rows_are_warned_about(data_copy: Path) -> None:
    edit_line(data_copy / "outcomes.csv", 1, ",note", ",Notes")
    edit_line(data_copy / "sources.csv", 1, "note", "comments")
    header = (data_copy / "findings.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    template = pd.read_csv(config.ROOT / "templates" / "findings.csv", dtype=str, keep_default_na=False)
    row = template.reindex(columns=header, fill_value="").head(1)  # the template row, in the data's columns
    with (data_copy / "findings.csv").open("a", encoding="utf-8", newline="") as handle:
        row.to_csv(handle, header=False, index=False, lineterminator="\n")
    shutil.copyfile(
        config.ROOT / "templates" / "outcomes.csv", data_copy / "extra.csv"
    )  # not a contract file
    text = report(data_copy)  # the template row's outcome and case are not in this data: errors
    assert (
        "'Notes' is not a column of the data contract, so it is not used; if it is meant to be 'note'" in text
    )
    assert "sources.csv, row 1, column 'comments'" in text
    assert "findings.csv, row 27: fictitious rows of the coding template (marked EXAMPLE)" in text
    assert "2 warnings" not in text and "3 warnings (not errors" in text


def test_the_template_itself_validates_with_a_warning_for_its_example_rows() -> None:
    evidence = load_evidence(config.ROOT / "templates")
    kinds = {w.kind for w in evidence.warnings}
    assert kinds == {"example row"}


def test_binary_garbage_is_called_binary_not_latin_1(data_copy: Path) -> None:
    (data_copy / "programmes.csv").write_bytes(bytes(range(256)) * 12)
    text = report(data_copy)
    assert "programmes.csv: expected a CSV text file, but this is a binary file" in text
    assert "Latin-1" not in text


def test_the_summary_says_row_and_rows(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(config.ROOT / "templates", data, ignore=shutil.ignore_patterns("*.md", "*.xlsx"))
    claims = (data / "claims.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (data / "claims.csv").write_text("".join(claims[:2]), encoding="utf-8")  # a file of one row
    done = subprocess.run(
        [PYTHON, "-m", "synergies", "validate", "data"], cwd=tmp_path, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert re.search(r"claims\.csv +1 row checked", done.stdout), done.stdout
    assert re.search(r"findings\.csv +5 rows checked", done.stdout), done.stdout
    assert f"{data} follows the data contract." in done.stdout  # resolved from the current directory


def test_validate_takes_a_relative_path_from_the_current_directory(tmp_path: Path) -> None:
    done = subprocess.run(
        [PYTHON, "-m", "synergies", "validate", "data"], cwd=tmp_path, capture_output=True, text=True
    )
    assert done.returncode == 1
    assert f"{tmp_path / 'data'}" in done.stderr
    assert f"Did you mean {config.ROOT / 'data'}?" in done.stderr


def test_an_unreadable_data_directory_is_a_located_problem(
    data_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode: Path(path) != data_copy and real_access(path, mode))
    text = report(data_copy)
    assert "permission is denied (chmod u+rx" in text


# --- make ----------------------------------------------------------------------------------------------


def make_dry_run(target: str, *arguments: str) -> list[str]:
    """The shell words of the command `make -n TARGET` would run for the target itself.

    The set-up recipe may come first when .venv is older than the lock file, so the command is
    found by what it runs, not by its place.
    """
    done = subprocess.run(["make", "-n", target, *arguments], cwd=config.ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    marker = {"run": "run_pipeline.py", "validate": "synergies validate", "lab": "jupyter lab"}[target]
    return shlex.split(next(line for line in done.stdout.splitlines() if marker in line))


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_variables_with_spaces_and_quotes_stay_one_argument() -> None:
    words = make_dry_run("run", 'DATA=my data\'s "dir"', "OUT=out put")
    assert words[words.index("--data-dir") + 1] == 'my data\'s "dir"'
    assert words[words.index("--output-dir") + 1] == "out put"
    words = make_dry_run("validate", "DATA=a b")
    assert words[-1] == "a b"
    words = make_dry_run("lab")
    assert ("--allow-root" in words) == (os.geteuid() == 0)


# --- locale ----------------------------------------------------------------------------------------------

FIGURE_SCRIPT = """
import hashlib, locale, sys
from pathlib import Path
from synergies import aggregate, outputs, plots
from synergies.load import load_evidence
ev = load_evidence(sys.argv[1])
matrix = aggregate.institutional_matrix(ev)
page = plots.institutional_pages(ev, matrix)[0]
fig = plots.institutional_figure(ev, matrix, "es", page)
saved = outputs.save_figure(fig, sys.argv[2], "institutions", "alt")
print(locale.setlocale(locale.LC_CTYPE))
for path in (saved.png, saved.svg):
    print(hashlib.sha256(path.read_bytes()).hexdigest())
"""


@pytest.fixture(scope="module")
def spanish_locale(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory holding a generated es_ES.UTF-8 locale (LOCPATH), or skip saying why."""
    localedef = shutil.which("localedef")
    if localedef is None:
        pytest.skip("localedef is not installed (Debian package `locales`), so no Spanish locale")
    directory = tmp_path_factory.mktemp("locales")
    done = subprocess.run(
        [localedef, "-i", "es_ES", "-f", "UTF-8", str(directory / "es_ES.UTF-8")],
        capture_output=True,
        text=True,
    )
    if not (directory / "es_ES.UTF-8").exists():
        pytest.skip(f"localedef could not generate es_ES.UTF-8: {done.stderr.strip()[:200]}")
    return directory


def test_figures_have_the_same_bytes_under_a_spanish_locale(spanish_locale: Path, tmp_path: Path) -> None:
    results = []
    for name, extra in (
        ("c", {"LC_ALL": "C.UTF-8"}),
        ("es", {"LC_ALL": "es_ES.UTF-8", "LANG": "es_ES.UTF-8", "LOCPATH": str(spanish_locale)}),
    ):
        env = {**os.environ, **extra, "PYTHONPATH": str(config.ROOT / "src")}
        done = subprocess.run(
            [PYTHON, "-c", FIGURE_SCRIPT, str(config.DATA_DIR), str(tmp_path / name)],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
        results.append(done.stdout.split())
    assert results[0][0] == "C.UTF-8" and results[1][0] == "es_ES.UTF-8"  # the locale really applied
    assert results[0][1:] == results[1][1:]
