"""Figures follow the output directory, as the runner and a user typing papermill expect."""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import pytest

from synergies import config

NOTEBOOKS = sorted(config.NOTEBOOKS_DIR.glob("[0-9][0-9]-*.ipynb"))


def test_figures_follow_the_output_directory(tmp_path: Path) -> None:
    assert config.figures_location(tmp_path / "x") == tmp_path / "x" / "figures"
    assert config.figures_location(tmp_path / "x", "") == tmp_path / "x" / "figures"
    assert config.figures_location("scratch") == config.ROOT / "scratch" / "figures"


def test_explicit_figures_directory_wins(tmp_path: Path) -> None:
    assert config.figures_location(tmp_path / "x", tmp_path / "f") == tmp_path / "f"


def test_default_outputs_keep_the_repository_figures() -> None:
    assert config.figures_location("outputs") == config.FIGURES_DIR
    assert config.figures_location(config.ROOT / "outputs" / ".." / "outputs") == config.FIGURES_DIR


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebooks_default_figures_to_the_output_directory(path: Path) -> None:
    """With only `-p output_dir X`, a notebook's figures land under X/figures, never in figures/."""
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    defaults = {
        node.target.id: ast.literal_eval(node.value)
        for node in ast.parse(cell.source).body
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value
    }
    assert defaults["figures_dir"] == ""
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "resolve(figures_dir)" not in code
    if "figures_path" in code:
        assert "figures_location(output_dir, figures_dir)" in code
