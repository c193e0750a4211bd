"""Every path the project uses, anchored at the repository root so nothing depends on the cwd."""

from __future__ import annotations

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
