"""Every path the project uses, anchored at the repository root so nothing depends on the cwd."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = ROOT / "data"
NOTEBOOKS_DIR = ROOT / "notebooks"
FIGURES_DIR = ROOT / "figures"
OUTPUTS_DIR = ROOT / "outputs"
DOCS_DIR = ROOT / "docs"

# Sub-folders of every output directory.
OUTPUT_SUBDIRS = ("notebooks", "html", "figures", "tables", "narrative")


def resolve(path: str | Path) -> Path:
    """Return `path` as an absolute path; relative paths are taken from the repository root."""
    p = Path(path).expanduser()
    return p if p.is_absolute() else (ROOT / p)


def figures_location(output_dir: str | Path, figures_dir: str | Path = "") -> Path:
    """Where figures go: `figures_dir` when given, else beside the other outputs of `output_dir`.

    The shipped `outputs/` keeps its figures in the repository's `figures/` (what the README shows);
    any other output directory gets its own `figures/` sub-folder, so `papermill ... -p output_dir X`
    never writes into the repository's figures.
    """
    if str(figures_dir):
        return resolve(figures_dir)
    output = Path(os.path.normpath(resolve(output_dir)))
    return FIGURES_DIR if output == OUTPUTS_DIR else output / "figures"
