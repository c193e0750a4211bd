"""Grid figures: rows grouped by label levels, columns grouped in bands, measured and drawn."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from matplotlib.figure import Figure

from synergies import palette
from synergies.plots.canvas import (
    NOT_REPORTED,
    Canvas,
    Cell,
    LegendItem,
    _draw_cell,
    _draw_footer,
    _draw_header,
    _footer_block,
    _header_block,
)
from synergies.plots.measure import _block_width, line_height, text_width, wrap
from synergies.plots.style import (
    BAND,
    DENSE_CELLS,
    GROUP_GAP,
    GROUP_SIZE,
    INSET,
    LABEL_SIZE,
    MARGIN,
    MIN_WIDTH,
)


@dataclass(frozen=True)
class Row:
    """A grid row: its enclosing group labels (outermost first), its own label, or a gap text."""

    groups: tuple[str, ...]
    label: str
    gap: str = ""  # non-empty: a full-width row saying why the row has no cells


@dataclass(frozen=True)
class Column:
    """A grid column: the header band it belongs to (may be empty) and its own label."""

    group: str
    label: str


@dataclass
class Grid:
    """Everything a grid figure shows; `draw_grid` turns it into a Figure sized to its content."""

    title: str
    subtitle: str
    rows: list[Row]
    columns: list[Column]
    cells: dict[tuple[int, int], Cell]
    label_headers: tuple[str, ...]  # header of each label column: the group levels, then the row labels
    label_caps: tuple[float, ...]  # widest each label column may grow, in inches
    legend: list[LegendItem]
    notes: list[str]
    source: str
    cell_width: float = 0.32
    row_height: float = 0.26
    rotate_labels: bool = True
    footer: tuple[str, tuple[str, ...]] | None = None  # label and one text per column, under the grid
    bold_levels: tuple[int, ...] = (0,)


@dataclass
class _GridLayout:
    label_x: list[float]
    label_w: list[float]
    col_x: list[float]
    col_w: list[float]
    row_y: list[float]
    row_h: list[float]
    wrapped_rows: list[list[list[str]]]
    group_runs: list[list[tuple[int, int, list[str]]]]  # per level: (first row, last row, wrapped label)
    col_groups: list[tuple[int, int, list[str]]]
    col_labels: list[list[str]]
    band_h: float
    header_h: float
    grid_left: float
    grid_right: float


def _runs(keys: Sequence[object]) -> list[tuple[int, int]]:
    """Index ranges (first, last) of consecutive equal keys."""
    runs: list[tuple[int, int]] = []
    for i, key in enumerate(keys):
        if runs and keys[runs[-1][0]] == key:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    return runs


def _label_columns(
    grid: Grid,
) -> tuple[list[float], list[list[list[str]]], list[list[tuple[int, int, list[str]]]]]:
    """Width of each label column and the wrapped labels of rows and row groups."""
    levels = len(grid.label_headers) - 1
    widths, runs_by_level = [], []
    for level in range(levels):
        bold = level in grid.bold_levels
        keys = [row.groups[: level + 1] for row in grid.rows]
        runs = _runs(keys)
        natural = max((text_width(grid.rows[a].groups[level], GROUP_SIZE, bold) for a, _ in runs), default=0)
        header = text_width(grid.label_headers[level], LABEL_SIZE, True)
        width = min(grid.label_caps[level], max(natural, header, 0.4) + 0.05)
        widths.append(width)
        runs_by_level.append(
            [(a, b, wrap(grid.rows[a].groups[level], width, GROUP_SIZE, bold)) for a, b in runs]
        )
    natural = max((text_width(r.label, LABEL_SIZE) for r in grid.rows), default=0)
    header = text_width(grid.label_headers[-1], LABEL_SIZE, True)
    width = min(grid.label_caps[-1], max(natural, header, 0.4) + 0.05)
    widths.append(width)
    wrapped = [[wrap(r.label, width, LABEL_SIZE, max_lines=3)] for r in grid.rows]
    return widths, wrapped, runs_by_level


def _row_heights(grid: Grid, wrapped: list[list[list[str]]], runs_by_level) -> list[float]:
    """Row heights: enough for each row's label, then stretched so every group's label fits its rows."""
    heights = [max(grid.row_height, len(w[0]) * line_height(LABEL_SIZE) + 0.08) for w in wrapped]
    for level_runs in reversed(runs_by_level):
        for first, last, lines in level_runs:
            need = len(lines) * line_height(GROUP_SIZE) + 0.1
            have = sum(heights[first : last + 1])
            if have < need:
                extra = (need - have) / (last - first + 1)
                for i in range(first, last + 1):
                    heights[i] += extra
    return heights


def _group_width(label: str, width: float, max_lines: int = 3, cap: float = 2.0) -> float:
    """Widen a column group until its header label wraps into at most `max_lines` lines (up to `cap`).

    Whatever the cap, the group is at least as wide as its longest word, so a header wraps between
    words and never inside one ("Cons/umpt/ion").
    """
    longest = max((text_width(w, LABEL_SIZE, True) for w in label.split()), default=0.0)
    width = max(width, longest + 0.07)
    while (
        label and width < cap and len(wrap(label, width - 0.06, LABEL_SIZE, True, max_lines=99)) > max_lines
    ):
        width += 0.05
    return width


def _column_layout(grid: Grid, left: float):
    """x positions and widths of columns, wrapped group and column labels, and the header heights."""
    runs = _runs([c.group for c in grid.columns])
    col_x, col_w, col_groups = [], [], []
    x = left
    for k, (first, last) in enumerate(runs):
        n = last - first + 1
        group = grid.columns[first].group
        width = _group_width(group, n * grid.cell_width)
        if k:
            x += GROUP_GAP
        for i in range(n):
            col_x.append(x + i * width / n)
            col_w.append(width / n)
        col_groups.append(
            (first, last, wrap(group, width - 0.06, LABEL_SIZE, True, max_lines=5) if group else [])
        )
        x += width
    band_h = max((len(g[2]) for g in col_groups), default=0) * line_height(LABEL_SIZE)
    band_h = band_h + 0.08 if band_h else 0.0
    if grid.rotate_labels:
        col_labels = [
            wrap(c.label, 1.9, LABEL_SIZE, max_lines=max(1, int((w - 0.02) / line_height(LABEL_SIZE))))
            for c, w in zip(grid.columns, col_w, strict=True)
        ]
        header_h = max((_block_width(lines, LABEL_SIZE) for lines in col_labels), default=0) + 0.1
    else:
        col_labels = [
            wrap(c.label, w - 0.04, LABEL_SIZE, max_lines=4) for c, w in zip(grid.columns, col_w, strict=True)
        ]
        header_h = max((len(lines) for lines in col_labels), default=0) * line_height(LABEL_SIZE) + 0.1
    header_h = max(header_h, line_height(LABEL_SIZE) + 0.1)
    return col_x, col_w, col_groups, col_labels, band_h, header_h, x


def _layout(grid: Grid) -> _GridLayout:
    """Measure everything a grid needs, in inches, before the figure exists."""
    label_w, wrapped, runs_by_level = _label_columns(grid)
    label_x, x = [], MARGIN
    for width in label_w:
        label_x.append(x)
        x += width + 0.08
    grid_left = x + 0.04
    col_x, col_w, col_groups, col_labels, band_h, header_h, grid_right = _column_layout(grid, grid_left)
    row_h = _row_heights(grid, wrapped, runs_by_level)
    return _GridLayout(
        label_x,
        label_w,
        col_x,
        col_w,
        [],
        row_h,
        wrapped,
        runs_by_level,
        col_groups,
        col_labels,
        band_h,
        header_h,
        grid_left,
        grid_right,
    )


def draw_grid(grid: Grid) -> Figure:
    """Lay out and draw a grid figure: title, header band, grouped rows, cells, legend, notes, source."""
    lay = _layout(grid)
    footer_h = 0.0
    if grid.footer:
        footer_h = max(grid.row_height, line_height(LABEL_SIZE) + 0.1)
    width = max(MIN_WIDTH, lay.grid_right + MARGIN)
    title_lines, sub_lines, title_h = _header_block(width, grid.title, grid.subtitle)
    legend_layout, note_lines, source_lines, bottom_h = _footer_block(
        width, grid.legend, grid.notes, grid.source
    )
    body_top = MARGIN + title_h + lay.band_h + lay.header_h
    body_h = sum(lay.row_h)
    height = body_top + body_h + footer_h + 0.15 + bottom_h + MARGIN
    canvas = Canvas(width, height)
    if sum(not row.gap for row in grid.rows) * len(grid.columns) >= DENSE_CELLS:
        canvas.collect_marks()
    _draw_header(canvas, title_lines, sub_lines)
    _draw_column_headers(canvas, grid, lay, MARGIN + title_h)
    _draw_body(canvas, grid, lay, body_top)
    if grid.footer:
        _draw_grid_footer(canvas, grid, lay, body_top + body_h, footer_h)
    _draw_footer(canvas, legend_layout, note_lines, source_lines, body_top + body_h + footer_h + 0.15)
    return canvas.finish()


def _draw_column_headers(canvas: Canvas, grid: Grid, lay: _GridLayout, top: float) -> None:
    """Group band, column labels and the headers of the label columns."""
    for first, last, lines in lay.col_groups:
        if not lines:
            continue
        x0 = lay.col_x[first]
        x1 = lay.col_x[last] + lay.col_w[last]
        canvas.rect(x0 + INSET, top, x1 - x0 - 2 * INSET, lay.band_h - 0.03, facecolor=BAND)
        text_top = top + (lay.band_h - 0.03 - len(lines) * line_height(LABEL_SIZE)) / 2
        canvas.lines(lines, (x0 + x1) / 2, text_top, LABEL_SIZE, ha="center", fontweight="bold")
    label_bottom = top + lay.band_h + lay.header_h - 0.05
    step = line_height(LABEL_SIZE)
    for lines, x, w in zip(lay.col_labels, lay.col_x, lay.col_w, strict=True):
        if grid.rotate_labels:
            for i, line in enumerate(lines):
                lx = x + w / 2 + (i - (len(lines) - 1) / 2) * step
                canvas.text(
                    lx,
                    label_bottom,
                    line,
                    LABEL_SIZE,
                    rotation=90,
                    rotation_mode="anchor",
                    ha="left",
                    va="center",
                )
        else:
            canvas.lines(lines, x + w / 2, label_bottom - len(lines) * step, LABEL_SIZE, ha="center")
    for header, x in zip(grid.label_headers, lay.label_x, strict=True):
        canvas.text(x, label_bottom - step / 2, header, LABEL_SIZE, ha="left", fontweight="bold")
    canvas.hline(MARGIN, lay.grid_right, top + lay.band_h + lay.header_h - 0.01, 0.8)


def _group_label_top(lay: _GridLayout, ys: list[float], first: int, last: int, n_lines: int) -> float:
    """Top of a group label: level with its first row's label, but never running past the group's end."""
    row_lines = len(lay.wrapped_rows[first][0])
    aligned = ys[first] + (lay.row_h[first] - row_lines * line_height(LABEL_SIZE)) / 2
    aligned += 0.55 * (line_height(LABEL_SIZE) - line_height(GROUP_SIZE))
    latest = ys[last + 1] - n_lines * line_height(GROUP_SIZE) - 0.05
    return max(ys[first] + 0.03, min(aligned, latest))


def _draw_body(canvas: Canvas, grid: Grid, lay: _GridLayout, top: float) -> None:
    """Rows: group labels, row labels, cells or gap bars, and rules between groups."""
    ys = [top]
    for h in lay.row_h:
        ys.append(ys[-1] + h)
    levels = len(lay.group_runs)
    ruled: set[int] = set()  # rows above which an outer group's rule is already drawn
    for level, runs in enumerate(lay.group_runs):
        bold = level in grid.bold_levels
        for first, last, lines in runs:
            canvas.lines(
                lines,
                lay.label_x[level],
                _group_label_top(lay, ys, first, last, len(lines)),
                GROUP_SIZE,
                ha="left",
                fontweight="bold" if bold else "normal",
            )
            if first > 0 and first not in ruled:
                ruled.add(first)
                x0 = lay.label_x[level] if level else MARGIN
                canvas.hline(
                    x0,
                    lay.grid_right,
                    ys[first],
                    0.9 if level == 0 else 0.4,
                    palette.INK if level == 0 else palette.GREY,
                )
    for i, row in enumerate(grid.rows):
        y, h = ys[i], lay.row_h[i]
        lines = lay.wrapped_rows[i][0]
        text_top = y + (h - len(lines) * line_height(LABEL_SIZE)) / 2
        canvas.lines(lines, lay.label_x[levels], text_top, LABEL_SIZE, ha="left")
        if row.gap:
            canvas.rect(
                lay.grid_left + INSET,
                y + INSET,
                lay.grid_right - lay.grid_left - 2 * INSET,
                h - 2 * INSET,
                facecolor=palette.NO_EVALUATION_COLOUR,
                edgecolor=palette.GREY,
                linewidth=0.5,
            )
            canvas.text(lay.grid_left + 0.1, y + h / 2, row.gap, LABEL_SIZE, ha="left", fontstyle="italic")
            continue
        for j in range(len(grid.columns)):
            cell = grid.cells.get((i, j), NOT_REPORTED)
            _draw_cell(canvas, cell, lay.col_x[j], y, lay.col_w[j], h)


def _draw_grid_footer(canvas: Canvas, grid: Grid, lay: _GridLayout, top: float, height: float) -> None:
    """A summary row under the grid (e.g. counts per column)."""
    label, texts = grid.footer
    canvas.hline(MARGIN, lay.grid_right, top, 0.8)
    canvas.text(lay.label_x[-1], top + height / 2, label, LABEL_SIZE, ha="left", fontweight="bold")
    for text, x, w in zip(texts, lay.col_x, lay.col_w, strict=True):
        canvas.text(x + w / 2, top + height / 2, text, LABEL_SIZE, ha="center")
