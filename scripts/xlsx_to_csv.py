"""Turn a filled-in coding template (.xlsx) into a data directory of contract CSV files.

    .venv/bin/python scripts/xlsx_to_csv.py my-evaluation.xlsx my-data
    make validate DATA=my-data

Sheets are matched to contract files by name (findings, outcomes, ...); the README sheet
and any other sheet are ignored. An optional sheet holding only its header is not written.
"""

from __future__ import annotations

import argparse
import sys

from synergies.config import resolve
from synergies.template import xlsx_to_csv


def main(argv: list[str] | None = None) -> int:
    """Convert the workbook; exit 1 with a message if the target already holds contract files."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("xlsx", help="the filled-in template, e.g. my-evaluation.xlsx")
    parser.add_argument("data_dir", help="directory to write the CSV files into")
    parser.add_argument(
        "--overwrite", action="store_true", help="replace the contract CSV files already in data_dir"
    )
    args = parser.parse_args(argv)
    try:
        written = xlsx_to_csv(resolve(args.xlsx), resolve(args.data_dir), overwrite=args.overwrite)
    except FileExistsError as err:
        print(f"{err} (add --overwrite to replace them)", file=sys.stderr)
        return 1
    for path in written:
        print(f"wrote {path}")
    print(f"Next: make validate DATA={args.data_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
