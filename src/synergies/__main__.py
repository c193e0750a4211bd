"""Command line: `python -m synergies validate DIR` checks a data directory against the contract;
`python -m synergies run [options]` runs the notebooks as `make run` does (synergies.run.cli)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TextIO

from synergies import contract
from synergies.config import DATA_DIR, ROOT
from synergies.load import DataError, Evidence, load_evidence, warning_lines


def validation_summary(ev: Evidence) -> str:
    """What was checked and what was found, in a few lines for the terminal."""
    f = ev.findings
    lines = [f"{ev.data_dir} follows the data contract."]
    for spec in contract.FILES:
        if spec.name in ev.given:
            table = getattr(ev, spec.name.removesuffix(".csv"))  # Evidence names its tables by file
            rows = "row" if len(table) == 1 else "rows"
            lines.append(f"  {spec.name:<18} {len(table):>7,} {rows} checked")
    missing = ev.missing_optional
    if missing:
        lines.append(f"  not given (optional): {', '.join(missing)}")
    lines.append(
        "  Checked: encoding, delimiter, header, required columns and cells, allowed values, "
        "numbers and ranges, unique keys, and keys across files."
    )
    counts = f["effect"].value_counts()
    effects = ", ".join(f"{counts.get(e, 0)} {e.replace('_', ' ')}" for e in contract.EFFECTS)
    lines.append(
        f"  {len(f):,} findings from {f['country'].nunique()} countries, "
        f"{len(ev.cases)} cases, {f.groupby(['country', 'case', 'intervention']).ngroups} arms, "
        f"{f['outcome'].nunique()} outcomes in {f['domain'].nunique()} of {len(ev.domains)} domains."
    )
    lines.append(f"  Derived effects: {effects}.")
    gaps = ev.cases[
        ~ev.cases.set_index(["country", "case"]).index.isin(f.set_index(["country", "case"]).index.unique())
    ]
    if len(gaps):
        names = "; ".join(f"{r.case} ({r.country})" for r in gaps.itertuples())
        lines.append(f"  Evidence gaps (cases without findings): {names}.")
    lines += warning_lines(ev.warnings)
    return "\n".join(lines)


def data_dir_argument(given: str | None) -> Path:
    """The directory a user means: the repository's data/ when none is given, else the path as
    any command takes it, relative to the current directory (the runner does the same)."""
    if given is None:
        return DATA_DIR
    return Path.cwd() / Path(given).expanduser()


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit code (0 valid, 1 invalid, 2 usage)."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):  # data may hold characters a console cannot show
            stream.reconfigure(errors="backslashreplace")
    arguments = sys.argv[1:] if argv is None else list(argv)
    if arguments[:1] == ["run"]:  # the runner parses its own options (run --help lists them)
        from synergies.run.cli import main as run

        return run(arguments[1:])
    parser = argparse.ArgumentParser(prog="python -m synergies", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="run the notebooks and publish their outputs, as make run (run --help)")
    check = sub.add_parser("validate", help="check a data directory against the data contract")
    check.add_argument(
        "data_dir",
        nargs="?",
        default=None,
        help="data directory (default: the repository's data/); a relative path is taken from "
        "the current directory, as `make run DATA=...` and scripts/run_pipeline.py take it",
    )
    args = parser.parse_args(argv)
    data_dir = data_dir_argument(args.data_dir)
    try:
        evidence = load_evidence(data_dir)
    except DataError as err:
        report = err.report()
        in_repository = ROOT / str(args.data_dir)
        if not data_dir.exists() and in_repository.is_dir():
            report += (
                f"\nThere is no {args.data_dir} in the current directory ({Path.cwd()}); "
                f"relative paths are taken from there. Did you mean {in_repository}?"
            )
        return _emit(report, sys.stderr, 1)
    return _emit(validation_summary(evidence), sys.stdout, 0)


def _emit(text: str, stream: TextIO, code: int) -> int:
    """Print and return the exit code; a reader that stops early (`| head`) is not an error."""
    try:
        print(text, file=stream, flush=True)
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), stream.fileno())  # no second error at exit
    return code


if __name__ == "__main__":
    sys.exit(main())
