"""Dense pages draw their cell marks as collected outlines: fewer artists, the same picture."""

from __future__ import annotations

import io

import numpy as np
import pytest
from matplotlib.collections import PathCollection
from matplotlib.text import Text
from PIL import Image

from synergies import palette
from synergies.plots import canvas as canvas_module
from synergies.plots.canvas import Cell, effect_cell
from synergies.plots.grid import Column, Grid, Row, draw_grid
from synergies.plots.style import DENSE_CELLS

EFFECTS = ("beneficial", "adverse", "no_change", "unclear")


def _grid(n_rows: int, n_cols: int) -> Grid:
    cells: dict[tuple[int, int], Cell] = {}
    for i in range(n_rows):
        for j in range(n_cols):
            if (i + j) % 5:
                sign = "+−±"[(i * j) % 3]
                cells[(i, j)] = effect_cell(EFFECTS[(i + 2 * j) % 4], sign=sign, corner=str((i + j) % 13))
    return Grid(
        title="Dense",
        subtitle="",
        rows=[Row((f"Group {i // 10}",), f"Row {i}") for i in range(n_rows)],
        columns=[Column(f"Band {j // 8}", f"Column {j}") for j in range(n_cols)],
        cells=cells,
        label_headers=("Group", "Row"),
        label_caps=(1.5, 1.5),
        legend=[],
        notes=[],
        source="Source",
    )


def _pixels(fig) -> np.ndarray:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    return np.asarray(Image.open(buffer).convert("L"), dtype=float)


def test_small_pages_keep_one_text_per_mark() -> None:
    fig = draw_grid(_grid(10, 12))
    assert not [c for c in fig.axes[0].collections if isinstance(c, PathCollection)]


def test_dense_pages_collect_marks_and_look_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    n_rows, n_cols = 25, DENSE_CELLS // 25 + 1
    dense = draw_grid(_grid(n_rows, n_cols))
    marks = [c for c in dense.axes[0].collections if isinstance(c, PathCollection)]
    drawn = sum(len(c.get_offsets()) for c in marks)
    assert drawn > 2 * DENSE_CELLS * 0.8  # a glyph, a sign and a count in four cells of five
    glyphs = {"▲", "▼", "◆", "?"} & {t.get_text() for t in dense.findobj(Text)}
    assert not glyphs  # no cell glyph is left as a text
    monkeypatch.setattr(canvas_module.Canvas, "collect_marks", lambda self: None)
    plain = draw_grid(_grid(n_rows, n_cols))
    a, b = _pixels(dense), _pixels(plain)
    assert a.shape == b.shape
    difference = np.abs(a - b)
    assert difference.mean() < 2.0  # anti-aliasing and hinting only
    assert (difference > 96).mean() < 0.01


def test_marks_keep_their_colours() -> None:
    dense = draw_grid(_grid(25, DENSE_CELLS // 25 + 1))
    colours = set()
    for c in dense.axes[0].collections:
        if isinstance(c, PathCollection):
            colours |= {tuple(np.round(rgba, 3)) for rgba in c.get_facecolors()}
    from matplotlib.colors import to_rgba

    expected = {tuple(np.round(to_rgba(palette.EFFECT_TEXT[e]), 3)) for e in EFFECTS}
    assert expected <= colours
