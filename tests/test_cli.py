"""The command line: `python -m synergies validate DIR` and `make validate DATA=DIR`.

Exit codes: 0 the data follow the contract, 1 they do not (report on stderr), 2 usage error.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from test_load import set_cell

from synergies import __main__ as cli
from synergies import contract
from synergies.config import DATA_DIR, ROOT


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """Run a command as a user would, capturing its output."""
    return subprocess.run(list(args), capture_output=True, text=True, encoding="utf-8", cwd=cwd, timeout=300)


def validate(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """`python -m synergies validate ...`."""
    return run(sys.executable, "-m", "synergies", "validate", *args, cwd=cwd)


# --------------------------------------------------------------------------- python -m synergies


def test_valid_data_exit_0_with_a_summary() -> None:
    done = validate(str(DATA_DIR))
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    out = done.stdout
    assert out.startswith(f"{DATA_DIR} follows the data contract.")
    shipped = {"findings.csv": 25, "cases.csv": 4, "institutional.csv": 13, "arms.csv": 5, "claims.csv": 16}
    for name, rows in shipped.items():
        assert any(line.split() == [name, str(rows), "rows", "checked"] for line in out.splitlines()), out
    assert "25 findings from 2 countries, 4 cases, 5 arms" in out
    assert "Derived effects: 21 beneficial, 1 adverse, 0 no change, 3 unclear." in out
    assert "Evidence gaps (cases without findings): PROINPRO + PDPs (Mexico)." in out
    assert "not given (optional)" not in out


def test_the_default_directory_is_the_shipped_data(tmp_path: Path) -> None:
    done = validate(cwd=tmp_path)  # from anywhere: `data` is then taken from the repository root
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"{DATA_DIR} follows the data contract.")


def test_a_relative_path_is_taken_from_the_current_directory(data_copy: Path) -> None:
    done = validate("data", cwd=data_copy.parent)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"{data_copy} follows the data contract.")


def test_invalid_data_exit_1_with_the_report_on_stderr(data_copy: Path) -> None:
    set_cell(data_copy, "findings.csv", 9, "arm", "both")
    set_cell(data_copy, "outcomes.csv", 3, "better", "more")
    done = validate(str(data_copy))
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.startswith(f"The data in {data_copy} do not follow the data contract:\n")
    assert "findings.csv, row 9, column 'arm': found 'both'; expected one of single, combined" in done.stderr
    assert "outcomes.csv, row 3, column 'better': found 'more'; expected one of higher, lower, ambiguous" in (
        done.stderr
    )
    assert done.stderr.rstrip().endswith("2 problems found. Fix them and run `make validate` again.")
    assert "Traceback" not in done.stderr


def test_a_missing_directory_exit_1(tmp_path: Path) -> None:
    done = validate(str(tmp_path / "nowhere"))
    assert done.returncode == 1
    assert f"{tmp_path / 'nowhere'}: expected an existing data directory" in done.stderr


@pytest.mark.parametrize(
    "args",
    [[], ["check"], ["validate", "a", "b"], ["validate", "--strict"]],
    ids=["no command", "unknown command", "two directories", "unknown option"],
)
def test_usage_errors_exit_2(args: list[str]) -> None:
    done = run(sys.executable, "-m", "synergies", *args)
    assert done.returncode == 2
    assert "usage: python -m synergies" in done.stderr
    assert "Traceback" not in done.stderr


def test_help_exit_0() -> None:
    done = run(sys.executable, "-m", "synergies", "validate", "--help")
    assert done.returncode == 0
    assert "data directory (default: the repository's data/)" in done.stdout


def test_only_required_files_are_summarised_with_what_is_missing(
    minimal_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["validate", str(minimal_dir)]) == 0
    out = capsys.readouterr().out
    assert f"not given (optional): {', '.join(contract.OPTIONAL_FILES)}" in out
    assert "Evidence gaps" not in out


def test_main_returns_the_exit_code(data_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["validate", str(data_copy)]) == 0
    (data_copy / "findings.csv").unlink()
    assert cli.main(["validate", str(data_copy)]) == 1
    assert "findings.csv: expected this required file in the data directory" in capsys.readouterr().err
    with pytest.raises(SystemExit) as usage:
        cli.main([])
    assert usage.value.code == 2


def test_output_into_a_closed_pipe_is_not_an_error() -> None:
    """`python -m synergies validate | head -1` must not end in a BrokenPipeError traceback."""
    shell = f"'{sys.executable}' -m synergies validate data | head -n 1"
    done = run("sh", "-c", shell)
    assert "follows the data contract" in done.stdout
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr


# --------------------------------------------------------------------------- make validate


@pytest.fixture(scope="module")
def make() -> list[str]:
    """`make -s`, told never to redo the venv set-up (`-o` the stamp): a test must not install."""
    program = shutil.which("make")
    if program is None:
        pytest.skip("make is not installed")
    if not (ROOT / ".venv" / ".installed").exists():
        pytest.skip("the Makefile's .venv is not set up here")
    return [program, "-s", "-o", ".venv/.installed"]


def test_make_validate_on_valid_data(make: list[str], data_copy: Path) -> None:
    done = run(*make, "validate", f"DATA={data_copy}")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"{data_copy} follows the data contract.")


def test_make_validate_defaults_to_the_shipped_data(make: list[str]) -> None:
    done = run(*make, "validate")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"{DATA_DIR} follows the data contract.")


def test_make_validate_on_invalid_data_fails_with_the_report(make: list[str], data_copy: Path) -> None:
    set_cell(data_copy, "findings.csv", 9, "direction", "up")
    done = run(*make, "validate", f"DATA={data_copy}")
    assert done.returncode != 0
    assert "findings.csv, row 9, column 'direction': found 'up'" in done.stderr
    assert "Traceback" not in done.stderr


def test_every_contract_file_is_a_table_of_the_evidence() -> None:
    """validate's summary counts each given file's rows through the Evidence field named like the file."""
    import dataclasses

    from synergies import contract
    from synergies.load import Evidence

    fields = {f.name for f in dataclasses.fields(Evidence)}
    assert {spec.name.removesuffix(".csv") for spec in contract.FILES} <= fields
