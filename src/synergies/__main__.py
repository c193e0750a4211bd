"""Command line: `python -m synergies validate DIR` checks a data directory against the contract."""

from __future__ import annotations

import argparse
import sys

from synergies import contract
from synergies.config import resolve
from synergies.load import DataError, Evidence, load_evidence


def validation_summary(ev: Evidence) -> str:
    """What was checked and what was found, in a few lines for the terminal."""
    f = ev.findings
    lines = [f"{ev.data_dir} follows the data contract."]
    for spec in contract.FILES:
        if spec.name in ev.given:
            table = {
                "findings.csv": ev.findings,
                "outcomes.csv": ev.outcomes,
                "domains.csv": ev.domains,
                "cases.csv": ev.cases,
                "institutional.csv": ev.institutional,
                "factors.csv": ev.factors,
                "programmes.csv": ev.programmes,
                "sources.csv": ev.sources,
            }[spec.name]
            lines.append(f"  {spec.name:<18} {len(table):>7,} rows checked")
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
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit code (0 valid, 1 invalid, 2 usage)."""
    parser = argparse.ArgumentParser(prog="python -m synergies", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("validate", help="check a data directory against the data contract")
    check.add_argument("data_dir", nargs="?", default="data", help="data directory (default: data)")
    args = parser.parse_args(argv)
    try:
        evidence = load_evidence(resolve(args.data_dir))
    except DataError as err:
        print(err.report(), file=sys.stderr)
        return 1
    print(validation_summary(evidence))
    return 0


if __name__ == "__main__":
    sys.exit(main())
