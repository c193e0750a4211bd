"""Write the coding template (one example CSV per contract file and a spreadsheet) to templates/.

Run it with `make template` after changing the data contract (src/synergies/contract.py)
or the example rows (src/synergies/template.py); tests/test_template.py fails until you do.
"""

from __future__ import annotations

import argparse
import sys

from synergies.config import resolve
from synergies.template import TEMPLATE_DIR, write_template


def main(argv: list[str] | None = None) -> int:
    """Write the template into the given directory (default: templates/) and list the files."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", nargs="?", default=str(TEMPLATE_DIR), help="default: templates/")
    args = parser.parse_args(argv)
    for path in write_template(resolve(args.directory)):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
