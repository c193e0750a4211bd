"""`python -m synergies run` is the runner's command line, as scripts/run_pipeline.py and make run."""

from __future__ import annotations

import pytest

from synergies.__main__ import main


def test_run_help_lists_the_runner_options(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--help"]) == 0  # the runner turns argparse's exit into a status
    out = capsys.readouterr().out
    assert all(option in out for option in ("--data-dir", "--only", "--force", "--jobs", "--lang"))


def test_run_refuses_a_bad_option_with_the_usage_and_status_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--lang", "xx"]) == 2
    assert "--lang must be" in capsys.readouterr().err


def test_the_top_level_help_names_run_and_validate(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "run" in out and "validate" in out
