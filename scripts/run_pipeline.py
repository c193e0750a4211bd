"""Run the analysis notebooks and publish their outputs: `make run` calls this.

Usage: python scripts/run_pipeline.py --data-dir DIR [--output-dir DIR] [--figures-dir DIR]
       [--lang en|es] [--only NB ...] [--force] [--jobs N] [--timeout SEC]
"""

from __future__ import annotations

import sys

from synergies.runner import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
