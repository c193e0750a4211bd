"""Figures: effect directions, verdicts, sign tests, country × domain, single vs combined, institutions.

Each public figure function takes Evidence and/or an `aggregate` table plus `lang` and
returns a matplotlib Figure built without pyplot (no global state, nothing displayed by
accident). Layout is computed in inches from measured text: labels wrap, rows and columns
grow with the data instead of squeezing, and beyond MAX_ROWS_PER_PAGE rows or
MAX_COLUMNS_PER_PAGE outcome columns a grid is split into pages (by country, then case;
by domain for columns) so every page stays readable. Meaning never rests on colour alone:
every coloured cell carries a glyph, and text on a fill keeps at least 3:1 contrast.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

import matplotlib
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PatchCollection
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Rectangle
from matplotlib.textpath import text_to_path

from synergies import aggregate, palette, robustness, vocabulary
from synergies import text as tl
from synergies.i18n import labels, word
from synergies.load import Evidence
from synergies.outputs import safe_name
from synergies.text import numbers
from synergies.text.names import country as country_name

FONT = "DejaVu Sans"  # ships with matplotlib and has ▲ ▼ ◆ ◄ ► − ±
STYLE = {
    "font.family": FONT,
    "text.parse_math": False,  # a "$" in data is text, never mathematics
    "axes.unicode_minus": True,
    "svg.hashsalt": "synergies",
    "svg.fonttype": "path",
}

# Readability limits, in rows and columns of one page. Beyond them a grid is split into pages.
MAX_ROWS_PER_PAGE = 40
MAX_COLUMNS_PER_PAGE = 60
# Figures with one row per intervention arm draw each arm up to MAX_ARMS arms (about five pages) and
# beyond it pool the arms of each country into one row. Figures with one row per case, arm pair or
# outcome draw at most MAX_PAGES pages and leave the other rows to their table. Figures with one row
# per country are never cut: countries are the coarsest level the data contract has.
MAX_ARMS = 200
MAX_PAGES = 5

# Font sizes (points) and fixed lengths (inches).
TITLE_SIZE, SUBTITLE_SIZE, LABEL_SIZE, GROUP_SIZE = 11.0, 8.0, 7.0, 7.5
GLYPH_SIZE, SIGN_SIZE, SMALL_SIZE, SOURCE_SIZE = 8.5, 7.0, 6.0, 6.5
MARGIN = 0.2
MIN_WIDTH = 7.0
LINE = 1.3  # line height as a multiple of the font size
INSET = 0.025  # white gap around each cell
GROUP_GAP = 0.08  # extra space between column groups
SOURCE_INK = "#555555"  # 7.5:1 on white
BAND = "#EEEEEE"


# --------------------------------------------------------------------------- text measurement


@lru_cache(maxsize=4096)
def _advance(char: str, bold: bool) -> float:
    """Advance width of one character at 1 point, in points, from the font's own metrics."""
    prop = FontProperties(family=FONT, size=100, weight="bold" if bold else "normal")
    width, _, _ = text_to_path.get_text_width_height_descent(char, prop, ismath=False)
    return width / 100


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width in inches of one line of `text` in the figure font.

    The sum of the characters' advances: exact without kerning, and never narrower than the
    drawn text (kerning only tightens), so wrapped labels always fit. Fast enough to measure
    every candidate line of every label.
    """
    if "\n" in text:
        return max(text_width(line, size, bold) for line in text.split("\n"))
    return sum(_advance(c, bold) for c in text) * size / 72


def line_height(size: float) -> float:
    """Height in inches of one line of text at `size` points."""
    return size * LINE / 72


def _split_word(token: str, width: float, size: float, bold: bool) -> list[str]:
    """Break a word longer than `width` into pieces that fit, so no label runs out of its box."""
    pieces, current = [], ""
    for char in token:
        if current and text_width(current + char, size, bold) > width:
            pieces.append(current)
            current = char
        else:
            current += char
    return [*pieces, current] if current else pieces


def _ellipsize(text: str, width: float, size: float, bold: bool) -> str:
    """Cut `text` so that it and a trailing ellipsis fit in `width`."""
    while text and text_width(text + "…", size, bold) > width:
        text = text[:-1].rstrip()
    return text + "…"


def wrap(text: str, width: float, size: float, bold: bool = False, max_lines: int = 6) -> list[str]:
    """Greedy word wrap by measured width; a line break in `text` is kept; overflow ends with an ellipsis."""
    lines: list[str] = []
    for paragraph in str(text).split("\n"):
        current = ""
        for token in paragraph.split():
            for piece in (
                _split_word(token, width, size, bold) if text_width(token, size, bold) > width else [token]
            ):
                candidate = f"{current} {piece}" if current else piece
                if not current or text_width(candidate, size, bold) <= width:
                    current = candidate
                else:
                    lines.append(current)
                    current = piece
        lines.append(current)
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], _ellipsize(lines[max_lines - 1], width, size, bold)]
    return lines


def _block_width(lines: Iterable[str], size: float, bold: bool = False) -> float:
    return max((text_width(line, size, bold) for line in lines), default=0.0)


# --------------------------------------------------------------------------- canvas


class Canvas:
    """A figure whose one axes spans it in inches, y growing downwards: every figure draws on one."""

    def __init__(self, width: float, height: float):
        with matplotlib.rc_context(STYLE):
            self.fig = Figure(figsize=(width, height), facecolor="white")
            FigureCanvasAgg(self.fig)
            self.ax = self.fig.add_axes((0, 0, 1, 1))
        self.ax.set_xlim(0, width)
        self.ax.set_ylim(height, 0)
        self.ax.set_axis_off()
        self.width, self.height = width, height
        self.patches: list[Rectangle] = []

    def finish(self) -> Figure:
        """Add the collected rectangles as one collection (fast to draw) and return the figure."""
        self.ax.add_collection(PatchCollection(self.patches, match_original=True, zorder=1))
        return self.fig

    def text(self, x: float, y: float, s: str, size: float, **kwargs) -> None:
        """One line of plain text (never parsed as mathematics)."""
        kwargs.setdefault("color", palette.INK)
        kwargs.setdefault("va", "center_baseline")
        self.ax.text(x, y, s, fontsize=size, fontfamily=FONT, parse_math=False, **kwargs)

    def lines(self, lines: Sequence[str], x: float, top: float, size: float, **kwargs) -> float:
        """Stacked lines from `top` down; returns the y just below them."""
        step = line_height(size)
        for i, line in enumerate(lines):
            self.text(x, top + (i + 0.55) * step, line, size, **kwargs)
        return top + len(lines) * step

    def rect(self, x: float, y: float, w: float, h: float, **kwargs) -> None:
        """A rectangle from its top-left corner, in inches."""
        kwargs.setdefault("linewidth", 0)
        self.patches.append(Rectangle((x, y), w, h, **kwargs))

    def hline(self, x0: float, x1: float, y: float, width: float, colour: str = palette.INK) -> None:
        """A horizontal rule."""
        self.ax.plot([x0, x1], [y, y], color=colour, linewidth=width, solid_capstyle="butt")


# --------------------------------------------------------------------------- cells and legends


@dataclass(frozen=True)
class Cell:
    """What one grid cell shows: a fill (None = not measured: outline only) and glyph text on it."""

    fill: str | None = None
    glyph: str = ""
    colour: str = palette.INK
    sign: str = ""  # raw sign of the change, drawn beside the glyph
    corner: str = ""  # small count in the top-right corner
    note: str = ""  # small second line, e.g. counts
    segments: tuple[tuple[float, str, str], ...] = ()  # stacked bar: (share of width, colour, glyph)
    outline: bool = True
    glyph_size: float = 0.0  # points; 0 = GLYPH_SIZE (the effect-direction heatmap sizes glyphs by n)


NOT_MEASURED = Cell()


def effect_cell(effect: str, sign: str = "", corner: str = "", note: str = "") -> Cell:
    """A cell coloured and marked for an effect or a verdict (including conflicting)."""
    return Cell(
        fill=palette.EFFECT_COLOURS[effect],
        glyph=palette.EFFECT_GLYPHS[effect],
        colour=palette.EFFECT_TEXT[effect],
        sign=sign,
        corner=corner,
        note=note,
    )


def _draw_cell(canvas: Canvas, cell: Cell, x: float, y: float, w: float, h: float) -> None:
    """Draw a cell in the box (x, y, w, h): fill or outline, glyph and sign, corner count, note line."""
    bx, by, bw, bh = x + INSET, y + INSET, w - 2 * INSET, h - 2 * INSET
    if cell.segments:
        if cell.outline:
            canvas.rect(bx, by, bw, bh, facecolor="none", edgecolor=palette.FAINT, linewidth=0.6)
        bar_h = min(0.2, bh * 0.5)
        left = bx + 0.03
        for share, colour, glyph in cell.segments:
            seg_w = share * (bw - 0.06)
            canvas.rect(left, by + 0.04, seg_w, bar_h, facecolor=colour)
            text_colour = (
                palette.INK if colour in (palette.GREY, palette.EFFECT_COLOURS["unclear"]) else "white"
            )
            if glyph and seg_w >= text_width(glyph, SMALL_SIZE) + 0.03:
                canvas.text(
                    left + seg_w / 2, by + 0.04 + bar_h / 2, glyph, SMALL_SIZE, ha="center", color=text_colour
                )
            left += seg_w
        if cell.note:
            canvas.text(
                bx + 0.03, by + 0.04 + bar_h + (bh - bar_h - 0.04) / 2, cell.note, SMALL_SIZE, ha="left"
            )
        return
    if cell.fill is None:
        if cell.outline:
            canvas.rect(bx, by, bw, bh, facecolor="none", edgecolor=palette.FAINT, linewidth=0.6)
    else:
        canvas.rect(bx, by, bw, bh, facecolor=cell.fill)
    centre_y = by + bh / 2 if not cell.note else by + bh * 0.33
    if cell.glyph or cell.sign:
        size = cell.glyph_size or GLYPH_SIZE
        glyph_w = _glyph_width(cell.glyph, size)
        sign_w = text_width(cell.sign, SIGN_SIZE) + (0.02 if cell.sign else 0)
        shift = (text_width(cell.corner, SMALL_SIZE) + 0.02) / 2 if cell.corner else 0.0
        start = max(bx + 0.01, bx + bw / 2 - (glyph_w + sign_w) / 2 - shift)
        _draw_glyph(canvas, start, centre_y, cell.glyph, cell.colour, size)
        if cell.sign:
            canvas.text(start + glyph_w + 0.02, centre_y, cell.sign, SIGN_SIZE, ha="left", color=cell.colour)
    if cell.corner:
        canvas.text(bx + bw - 0.015, by + 0.045, cell.corner, SMALL_SIZE, ha="right", color=cell.colour)
    if cell.note:
        canvas.text(bx + bw / 2, by + bh * 0.74, cell.note, SMALL_SIZE, ha="center", color=cell.colour)


GLYPH_SPACING = 0.012  # between the characters of a two-part glyph such as ◄► or +−
GLYPH_SCALE = {"◄": 1.15, "►": 1.15}  # these triangles are drawn smaller than ▲ ▼ in DejaVu Sans


def _glyph_width(glyph: str, size: float = GLYPH_SIZE) -> float:
    """Width of a glyph drawn by `_draw_glyph`, its characters spaced apart."""
    widths = (text_width(c, size * GLYPH_SCALE.get(c, 1)) for c in glyph)
    return sum(widths) + GLYPH_SPACING * max(len(glyph) - 1, 0)


def _draw_glyph(
    canvas: Canvas, left: float, y: float, glyph: str, colour: str, size: float = GLYPH_SIZE
) -> None:
    """Draw a glyph from `left`, character by character, so two-part glyphs do not run together."""
    for char in glyph:
        char_size = size * GLYPH_SCALE.get(char, 1)
        canvas.text(left, y, char, char_size, ha="left", color=colour)
        left += text_width(char, char_size) + GLYPH_SPACING


@dataclass(frozen=True)
class LegendItem:
    """One legend entry: a sample cell and what it means."""

    cell: Cell
    text: str
    gap: bool = False  # draw the sample as a gap row (no evaluation) instead of a cell


SWATCH_W, SWATCH_H = 0.34, 0.24


def _legend_layout(
    items: Sequence[LegendItem], width: float
) -> list[list[tuple[LegendItem, list[str], float]]]:
    """Flow legend items into lines that fit `width`; each item keeps its wrapped text and its width."""
    rows: list[list[tuple[LegendItem, list[str], float]]] = [[]]
    used = 0.0
    for item in items:
        text_lines = wrap(item.text, width - SWATCH_W - 0.1, LABEL_SIZE, max_lines=3)
        item_w = SWATCH_W + 0.07 + _block_width(text_lines, LABEL_SIZE) + 0.25
        if rows[-1] and used + item_w > width:
            rows.append([])
            used = 0.0
        rows[-1].append((item, text_lines, item_w))
        used += item_w
    return [row for row in rows if row]


def _legend_height(layout: list[list[tuple[LegendItem, list[str], float]]]) -> float:
    return sum(
        max(SWATCH_H, max(len(t) for _, t, _ in row) * line_height(LABEL_SIZE)) + 0.06 for row in layout
    )


def _draw_legend(canvas: Canvas, layout, x: float, top: float) -> float:
    """Draw a flowed legend from `top`; returns the y below it."""
    y = top
    for row in layout:
        row_h = max(SWATCH_H, max(len(t) for _, t, _ in row) * line_height(LABEL_SIZE))
        left = x
        for item, text_lines, item_w in row:
            sy = y + (row_h - SWATCH_H) / 2
            if item.gap:
                canvas.rect(
                    left + INSET,
                    sy + INSET,
                    SWATCH_W - 2 * INSET,
                    SWATCH_H - 2 * INSET,
                    facecolor=palette.NO_EVALUATION_COLOUR,
                    edgecolor=palette.GREY,
                    linewidth=0.5,
                )
            else:
                _draw_cell(canvas, item.cell, left, sy, SWATCH_W, SWATCH_H)
            text_top = y + (row_h - len(text_lines) * line_height(LABEL_SIZE)) / 2
            canvas.lines(text_lines, left + SWATCH_W + 0.07, text_top, LABEL_SIZE, ha="left")
            left += item_w
        y += row_h + 0.06
    return y


def effect_legend(lang: str, effects: Sequence[str], gap_text: str = "") -> list[LegendItem]:
    """Legend entries for effects (glyph and colour), not-measured cells and, if given, the gap row."""
    samples = {"beneficial": "+", "adverse": "−", "no_change": "0", "unclear": "+", "conflicting": ""}
    items = [LegendItem(effect_cell(e, sign=samples[e]), word(f"legend_{e}", lang)) for e in effects]
    items.append(LegendItem(NOT_MEASURED, word("legend_not_measured", lang)))
    if gap_text:
        items.append(LegendItem(NOT_MEASURED, gap_text, gap=True))
    return items


def effect_legend_plain(lang: str, effects: Sequence[str], gap_text: str = "") -> list[LegendItem]:
    """Effect legend without signs, for figures whose cells carry no sign of change."""
    items = [LegendItem(effect_cell(e), word(f"legend_{e}", lang)) for e in effects]
    items.append(LegendItem(NOT_MEASURED, word("legend_not_measured", lang)))
    if gap_text:
        items.append(LegendItem(NOT_MEASURED, gap_text, gap=True))
    return items


# --------------------------------------------------------------------------- the grid


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


def _header_block(canvas_width: float, title: str, subtitle: str) -> tuple[list[str], list[str], float]:
    """Wrapped title and subtitle and the height they take."""
    title_lines = wrap(title, canvas_width - 2 * MARGIN, TITLE_SIZE, True, max_lines=3)
    sub_lines = wrap(subtitle, canvas_width - 2 * MARGIN, SUBTITLE_SIZE, max_lines=4) if subtitle else []
    height = len(title_lines) * line_height(TITLE_SIZE) + len(sub_lines) * line_height(SUBTITLE_SIZE) + 0.12
    return title_lines, sub_lines, height


def _footer_block(canvas_width: float, legend: Sequence[LegendItem], notes: Sequence[str], source: str):
    """Legend layout, wrapped notes and source, and the height they take."""
    inner = canvas_width - 2 * MARGIN
    layout = _legend_layout(legend, inner) if legend else []
    note_lines = [wrap(n, inner, LABEL_SIZE, max_lines=12) for n in notes if n]
    source_lines = wrap(source, inner, SOURCE_SIZE, max_lines=4)
    height = (
        (_legend_height(layout) + 0.1 if layout else 0)
        + sum(len(n) * line_height(LABEL_SIZE) + 0.05 for n in note_lines)
        + len(source_lines) * line_height(SOURCE_SIZE)
        + 0.15
    )
    return layout, note_lines, source_lines, height


def _draw_header(canvas: Canvas, title_lines, sub_lines) -> float:
    y = canvas.lines(title_lines, MARGIN, MARGIN, TITLE_SIZE, ha="left", fontweight="bold")
    return canvas.lines(sub_lines, MARGIN, y + 0.02, SUBTITLE_SIZE, ha="left") + 0.1


def _draw_footer(canvas: Canvas, layout, note_lines, source_lines, top: float) -> None:
    y = top
    if layout:
        y = _draw_legend(canvas, layout, MARGIN, y) + 0.1
    for lines in note_lines:
        y = canvas.lines(lines, MARGIN, y, LABEL_SIZE, ha="left") + 0.05
    canvas.lines(source_lines, MARGIN, y, SOURCE_SIZE, ha="left", color=SOURCE_INK)


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
            cell = grid.cells.get((i, j), NOT_MEASURED)
            _draw_cell(canvas, cell, lay.col_x[j], y, lay.col_w[j], h)


def _draw_grid_footer(canvas: Canvas, grid: Grid, lay: _GridLayout, top: float, height: float) -> None:
    """A summary row under the grid (e.g. counts per column)."""
    label, texts = grid.footer
    canvas.hline(MARGIN, lay.grid_right, top, 0.8)
    canvas.text(lay.label_x[-1], top + height / 2, label, LABEL_SIZE, ha="left", fontweight="bold")
    for text, x, w in zip(texts, lay.col_x, lay.col_w, strict=True):
        canvas.text(x + w / 2, top + height / 2, text, LABEL_SIZE, ha="center")


# --------------------------------------------------------------------------- shared helpers


def source_line(ev: Evidence, lang: str, files: str, count: str) -> str:
    """'Source: <data dir>, <files> (<count>).' — the provenance line under every figure."""
    return f"{word('source', lang)}: {ev.data_dir.name}, {files} ({count})."


def _findings_source(ev: Evidence, lang: str) -> str:
    return source_line(ev, lang, "findings.csv, outcomes.csv", word("findings_n", lang, n=len(ev.findings)))


def arm_label(intervention: str, arm: str, lang: str) -> str:
    """Row label of an arm: its name and, in brackets, whether it is single or combined."""
    return f"{intervention} ({word(arm, lang)})"


def gap_text(ev: Evidence, country: str, case: str, lang: str) -> str:
    """Why a case has no cells: no impact evaluation, or an evaluation whose findings were not coded."""
    match = ev.cases[(ev.cases["country"] == country) & (ev.cases["case"] == case)]
    evaluated = bool(match["has_impact_evaluation"].iloc[0]) if len(match) else False
    return word("no_findings_coded" if evaluated else "no_impact_evaluation", lang)


def _arm_rows(ev: Evidence, arm_table: pd.DataFrame, lang: str) -> list[Row]:
    """Grid rows of arms grouped by country and case, with a gap row for each case without findings."""
    rows = []
    for r in arm_table.itertuples(index=False):
        groups = (country_name(lang, r.country), r.case)  # displayed: the country as CLDR names it
        if r.n_findings == 0:
            rows.append(Row(groups, "", gap_text(ev, r.country, r.case, lang)))
        else:
            rows.append(Row(groups, arm_label(r.intervention, r.arm, lang)))
    return rows


def _page_title(title: str, page: Page | None, lang: str) -> str:
    if page is None or page.count == 1:
        return title
    suffix = word("page_of", lang, page=page.number, pages=page.count)
    return f"{title} — {suffix}: {page.label}" if page.label else f"{title} — {suffix}"


# --------------------------------------------------------------------------- pages


@dataclass(frozen=True)
class Page:
    """One page of a grid figure: which rows of its table and which columns it shows."""

    number: int
    count: int
    name: str  # file-name stem, safe
    label: str  # the countries on the page, when there are several pages
    rows: tuple[int, ...]  # positions in the table the figure draws rows from
    columns: tuple[tuple[str, str], ...] = field(default=())  # heatmap only: (domain, outcome or "")
    omitted: int = 0  # table rows left out of every page (see the figure's note)
    level: str = "arm"  # "country" when a figure with one row per arm pools its arms by country
    not_drawn: int = 0  # rows beyond MAX_PAGES pages: in the figure's table, not drawn


def _pack(groups: list[list[int]], limit: int) -> list[list[int]]:
    """Pack groups of items into pages of at most `limit`, keeping a group whole whenever it fits."""
    pages: list[list[int]] = [[]]
    for items in groups:
        if len(pages[-1]) + len(items) <= limit:
            pages[-1].extend(items)
        elif len(items) <= limit:
            pages.append(list(items))
        else:
            for start in range(0, len(items), limit):
                chunk = items[start : start + limit]
                if pages[-1] and len(pages[-1]) + len(chunk) > limit:
                    pages.append([])
                pages[-1].extend(chunk)
    return [p for p in pages if p]


def _groups(table: pd.DataFrame, levels: Sequence[str], limit: int, positions: list[int]) -> list[list[int]]:
    """Consecutive row groups by the first level, split by the next level when a group exceeds `limit`."""
    if not levels:
        return [positions]
    keys = [table[levels[0]].iloc[p] for p in positions]
    groups = []
    for first, last in _runs(keys):
        members = positions[first : last + 1]
        groups += _groups(table, levels[1:], limit, members) if len(members) > limit else [members]
    return groups


def row_sets(
    table: pd.DataFrame, levels: Sequence[str] = ("country", "case"), limit: int = MAX_ROWS_PER_PAGE
):
    """Split a table's rows into pages of at most `limit`: whole countries if they fit, else whole cases.

    A table with one row per country is spread evenly, so no page is left with a row or two.
    """
    positions = list(range(len(table)))
    if len(table) <= limit:
        return [positions]
    groups = _groups(table, levels, limit, positions)
    if all(len(group) == 1 for group in groups):
        size = math.ceil(len(positions) / math.ceil(len(positions) / limit))
        return [positions[start : start + size] for start in range(0, len(positions), size)]
    return _pack(groups, limit)


def _country_label(table: pd.DataFrame, rows: Sequence[int]) -> str:
    countries = list(dict.fromkeys(table["country"].iloc[list(rows)])) if len(rows) else [""]
    return countries[0] if len(countries) == 1 else f"{countries[0]} – {countries[-1]}"


def table_pages(
    table: pd.DataFrame,
    stem: str,
    limit: int = MAX_ROWS_PER_PAGE,
    omitted: int = 0,
    max_pages: int | None = MAX_PAGES,
    level: str = "arm",
) -> list[Page]:
    """Pages over a table with a country column; one page named `stem` when everything fits.

    At most `max_pages` pages (None: no limit); rows beyond them are counted in `not_drawn`.
    """
    sets = row_sets(table, limit=limit) if len(table) else [[]]
    sets = sets[:max_pages]
    not_drawn = len(table) - sum(len(rows) for rows in sets)
    many = len(sets) > 1
    pages = []
    for number, rows in enumerate(sets, start=1):
        label = _country_label(table, rows) if many else ""
        name = f"{stem}-{number:02d}-{safe_name(label)}" if many else stem
        pages.append(
            Page(
                number, len(sets), name, label, tuple(rows), omitted=omitted, level=level, not_drawn=not_drawn
            )
        )
    return pages


def country_rows(ev: Evidence) -> pd.DataFrame:
    """One row per country in display order, with its number of findings (0: a gap row)."""
    arm_table = aggregate.arms(ev)
    return arm_table.groupby("country", sort=False)["n_findings"].sum().reset_index()


def arms_with_findings(ev: Evidence) -> int:
    """How many intervention arms have findings (the rows a figure of arms would draw, gaps aside)."""
    return int((aggregate.arms(ev)["n_findings"] > 0).sum())


def pooled_by_country(ev: Evidence) -> bool:
    """Whether figures with one row per arm pool the arms by country: more than MAX_ARMS arms."""
    return arms_with_findings(ev) > MAX_ARMS


def heatmap_columns(ev: Evidence) -> list[tuple[str, str]]:
    """Heatmap columns: measured outcomes in domain and codebook order; an empty domain keeps one column."""
    measured = set(ev.findings["outcome"])
    by_domain = ev.outcomes.groupby("domain", sort=False)["outcome"].agg(list)
    columns = []
    for domain in ev.domain_order:
        outcomes = [o for o in by_domain.get(domain, []) if o in measured]
        columns += [(domain, o) for o in outcomes] if outcomes else [(domain, "")]
    return columns


def heatmap_pages(
    ev: Evidence, max_rows: int = MAX_ROWS_PER_PAGE, max_columns: int = MAX_COLUMNS_PER_PAGE
) -> list[Page]:
    """Pages of the effect-direction heatmap: one if it fits, else by groups of countries and of domains.

    Rows are the arms of `aggregate.arms(ev)`; every row page shows the same columns, so
    pages line up; columns split by whole domains only beyond `max_columns` outcomes.
    """
    arm_table = aggregate.arms(ev)
    rows_by_page = row_sets(arm_table, limit=max_rows)
    columns = heatmap_columns(ev)
    domains = [[i for i, (d, _) in enumerate(columns) if d == domain] for domain in ev.domain_order]
    cols_by_page = _pack([d for d in domains if d], max_columns)
    level, stem, table = "arm", "effect-directions", arm_table
    if pooled_by_country(ev):
        level, stem, table = "country", "effect-directions-by-country", country_rows(ev)
        rows_by_page = row_sets(table, levels=("country",), limit=max_rows)
    count = len(rows_by_page) * len(cols_by_page)
    pages = []
    for r, rows in enumerate(rows_by_page):
        for c, cols in enumerate(cols_by_page):
            number = r * len(cols_by_page) + c + 1
            label = _country_label(table, rows) if count > 1 else ""
            name = f"{stem}-{number:02d}-{safe_name(label)}" if count > 1 else stem
            chosen = tuple(columns[i] for i in cols)
            pages.append(Page(number, count, name, label, tuple(rows), chosen, level=level))
    return pages


def arm_pages(ev: Evidence, stem: str, max_rows: int = MAX_ROWS_PER_PAGE) -> list[Page]:
    """Row pages over `aggregate.arms(ev)` for figures with one row per arm, e.g. the verdict matrix.

    Beyond MAX_ARMS arms they are pages over `country_rows(ev)` instead (level "country").
    """
    if pooled_by_country(ev):
        return table_pages(country_rows(ev), f"{stem}-by-country", max_rows, max_pages=None, level="country")
    return table_pages(aggregate.arms(ev), stem, max_rows, max_pages=None)


def _arm_index(arm_table: pd.DataFrame) -> dict[tuple[str, str, str], int]:
    """Row position of each arm (country, case, intervention) that has findings."""
    return {
        (r.country, r.case, r.intervention): i
        for i, r in enumerate(arm_table.itertuples(index=False))
        if r.n_findings
    }


# --------------------------------------------------------------------------- figure 2: effect directions


def effect_direction_heatmap(
    ev: Evidence, cells_table: pd.DataFrame, lang: str = "en", page: Page | None = None
) -> Figure:
    """Arms × outcomes: each cell shows the effect for households (glyph, colour) and the raw sign of change.

    Following Boon & Thomson's 2021 revision of the effect direction plot, the glyph's size shows
    the sample size (`GLYPH_SIZES`), its fill the significance where the source gives it (shown,
    never counted), and each arm row carries its evaluation's design and a risk-of-bias marker
    (symbol and colour) when `cases.csv` gives them. `cells_table` is
    `aggregate.arm_outcome_cells(ev)`; `page` one of `heatmap_pages(ev)` (the first when omitted).
    """
    page = page or heatmap_pages(ev)[0]
    outcome_label = labels(ev.outcomes, "outcome", lang)
    domain_label = labels(ev.domains, "domain", lang)
    columns = [
        Column(domain_label[d], outcome_label[o] if o else word("no_domain_outcome", lang))
        for d, o in page.columns
    ]
    signs = {**palette.SIGN_GLYPHS, "mixed": "±"}
    notes = [word("note_sign", lang)]
    rows, row_index, headers, caps, keys = _grid_rows(ev, page, lang)
    t = cells_table
    if page.level == "country":
        t = aggregate.pool_by(t, ["country", "domain", "outcome"], ev).rename(columns={"verdict": "effect"})
        title, subtitle = word("title_effect_directions_country", lang), word("subtitle_pooled", lang)
        notes.append(_pooled_note(ev, lang))
    else:
        title, subtitle = word("title_effect_directions", lang), word("subtitle_effect_directions", lang)
    ratings = _row_ratings(ev, page)
    first = 1 if ratings else 0  # the risk-of-bias column comes before the outcomes
    if ratings:
        columns.insert(0, Column("", word("risk_of_bias", lang)))
        rows, headers, caps = _with_design(ev, rows, headers, caps, lang)
    col_index = {o: j + first for j, (_, o) in enumerate(page.columns) if o}
    quality = cell_quality(ev, keys)
    cells, shown = {}, {"size": set(), "significance": set()}
    contested = t["n_contested"] if "n_contested" in t else pd.Series(0, index=t.index)
    subgroups = t["subgroups"] if "subgroups" in t else pd.Series("", index=t.index)
    keyed = zip(
        _row_keys(t, keys),
        t["outcome"],
        t["effect"],
        t["direction"],
        t["total"],
        contested,
        subgroups,
        strict=True,
    )
    marked = False
    for row_key, outcome, effect, direction, total, n_contested, subgroup in keyed:
        i, j = row_index.get(row_key), col_index.get(outcome)
        if i is None or j is None:
            continue
        size_bin, significance = quality.get((*row_key, outcome), ("not_reported", "not_reported"))
        shown["size"].add(size_bin)
        shown["significance"].add(significance)
        marks = (palette.CONTESTED_MARK if n_contested else "") + (palette.SUBGROUP_MARK if subgroup else "")
        marked = marked or bool(marks)
        cells[(i, j)] = _effect_cell_with_quality(
            effect, signs, direction, total, size_bin, significance, marks
        )
    for i, rating in ratings.items():
        if rating:
            cells[(i, 0)] = rob_cell(rating)
    legend = effect_legend(lang, list(palette.EFFECT_GLYPHS), word("no_impact_evaluation", lang))
    legend += _quality_legend(shown, sorted(set(ratings.values()), key=_ROB_ORDER.index), lang)
    reported = shown["size"] - {"not_reported"} or shown["significance"] - {"not_reported"}
    notes.append(word("note_quality" if reported or ratings else "note_no_quality", lang))
    notes += _contested_notes(ev, lang) + _subgroup_notes(ev, lang)
    grid = Grid(
        title=_page_title(title, page, lang),
        subtitle=subtitle,
        rows=rows,
        columns=columns,
        cells=cells,
        label_headers=headers,
        label_caps=caps,
        legend=legend,
        notes=notes,
        source=_findings_source(ev, lang),
        cell_width=0.38 if marked or "significant" in shown["significance"] else 0.32,  # room for marks
    )
    return draw_grid(grid)


# Glyph sizes in points by sample-size class (Boon & Thomson 2021: > 300, 50-300, < 50); a cell whose
# findings give no n keeps the standard size, between small and medium, explained in the legend.
GLYPH_SIZES = {"large": 12.5, "medium": 10.0, "small": 5.5, "not_reported": GLYPH_SIZE}
_ROB_ORDER = ["low", "some_concerns", "high", "unknown", ""]


def cell_quality(ev: Evidence, keys: list[str]) -> dict[tuple, tuple[str, str]]:
    """Per heatmap cell (row key + outcome): the sample-size class of its largest n and its significance.

    Keys are a page's row keys (`_grid_rows`), so pooled country rows take the largest n of the
    country's findings on that outcome.
    """
    f = ev.findings
    quality = {}
    for key, group in f.groupby([*keys, "outcome"], sort=False):
        n = group["n"].max() if group["n"].notna().any() else None
        quality[key] = (robustness.sample_size_bin(n), robustness.significance_state(group))
    return quality


def _effect_cell_with_quality(
    effect: str,
    signs: dict[str, str],
    direction: str,
    total: int,
    size_bin: str,
    significance: str,
    marks: str = "",
) -> Cell:
    """An effect cell whose glyph is sized by n, outlined when not significant, starred when significant.

    `marks` (the contested and subgroup marks) follow the sign and the significance mark.
    """
    sign = "" if effect == "conflicting" else signs[direction]
    if significance == "significant":
        sign += palette.SIGNIFICANT_MARK
    sign += marks
    cell = effect_cell(effect, sign=sign, corner=str(total) if total > 1 else "")
    glyph = cell.glyph
    if significance == "not_significant":
        glyph = "".join(palette.OUTLINE_GLYPHS.get(c, c) for c in glyph)
    return replace(cell, glyph=glyph, glyph_size=GLYPH_SIZES[size_bin])


def rob_cell(rating: str) -> Cell:
    """The risk-of-bias marker of one evaluation: robvis colour-blind colour and a symbol."""
    return Cell(
        fill=palette.ROB_COLOURS[rating],
        glyph=palette.ROB_SYMBOLS[rating],
        colour=palette.ROB_TEXT[rating],
        outline=rating == "unknown",
    )


def _row_ratings(ev: Evidence, page: Page) -> dict[int, str]:
    """Row -> its case's risk_of_bias ("" when not given), for arm pages of data that rate any case.

    Empty when no case carries a rating, or on pooled country pages (a country is no evaluation).
    """
    if page.level == "country" or "risk_of_bias" not in ev.cases:
        return {}
    keys = zip(ev.cases["country"], ev.cases["case"], strict=True)
    rating = dict(zip(keys, ev.cases["risk_of_bias"].fillna(""), strict=True))
    if not any(rating.values()):
        return {}
    arm_table = aggregate.arms(ev).iloc[list(page.rows)].reset_index(drop=True)
    return {
        i: rating.get((r.country, r.case), "")
        for i, r in enumerate(arm_table.itertuples(index=False))
        if r.n_findings
    }


def _with_design(ev: Evidence, rows: list[Row], headers: tuple, caps: tuple, lang: str):
    """Rows with their case's design as a label level between case and arm, when any case gives one."""
    designs = ev.cases["design"].fillna("") if "design" in ev.cases else pd.Series(dtype=str)
    if not designs.astype(bool).any():
        return rows, headers, caps
    design = dict(zip(zip(ev.cases["country"], ev.cases["case"], strict=True), designs, strict=True))
    rows = [replace(r, groups=(*r.groups, design.get(r.groups[:2], ""))) for r in rows]
    return rows, (*headers[:2], word("design", lang), headers[2]), (*caps[:2], 1.9, caps[2])


def _quality_legend(shown: dict[str, set[str]], ratings: list[str], lang: str) -> list[LegendItem]:
    """Legend items for what the page contains: sample-size classes, significance marks, ratings."""
    items = []
    if shown["size"] - {"not_reported"}:  # with no n anywhere, the note says so instead
        for size_bin in (b for b in robustness.SAMPLE_SIZE_BINS if b in shown["size"]):
            sample = replace(effect_cell("beneficial"), glyph_size=GLYPH_SIZES[size_bin])
            items.append(LegendItem(sample, word(f"size_{size_bin}", lang)))
    if "significant" in shown["significance"]:
        sample = effect_cell("beneficial", sign=palette.SIGNIFICANT_MARK)
        items.append(LegendItem(sample, word("legend_significant", lang)))
    if "not_significant" in shown["significance"]:
        sample = replace(effect_cell("beneficial"), glyph=palette.OUTLINE_GLYPHS["▲"])
        items.append(LegendItem(sample, word("legend_not_significant", lang)))
    for rating in ratings:
        cell = rob_cell(rating) if rating else NOT_MEASURED
        items.append(LegendItem(cell, word(f"rob_{rating}" if rating else "rob_not_given", lang)))
    return items


def _contested_notes(ev: Evidence, lang: str) -> list[str]:
    """The note explaining the contested mark, naming the findings whose sources disagree (at most 10)."""
    ids = ev.findings.loc[ev.findings["contested"].astype(bool), "finding_id"].tolist()
    if not ids:
        return []
    shown = ", ".join(ids[:10]) + (f", … (+{len(ids) - 10})" if len(ids) > 10 else "")
    return [word("note_contested", lang, ids=shown)]


def _subgroup_notes(ev: Evidence, lang: str) -> list[str]:
    """The note explaining the subgroup mark: which findings hold for a subgroup only (at most 10)."""
    rows = ev.findings[ev.findings["subgroup"] != ""]
    if rows.empty:
        return []
    items = [f"{r.finding_id} ({r.subgroup})" for r in rows.head(10).itertuples()]
    shown = ", ".join(items) + (f", … (+{len(rows) - 10})" if len(rows) > 10 else "")
    return [word("note_subgroup", lang, ids=shown)]


ARM_ROW_KEYS = ["country", "case", "intervention"]  # what identifies a row of `_arm_index`


def _grid_rows(ev: Evidence, page: Page, lang: str):
    """A page of arms, or of countries pooling their arms: rows, row index, label headers and caps, keys."""
    if page.level == "country":
        countries = country_rows(ev).iloc[list(page.rows)]
        rows = [
            Row((), country_name(lang, c), _country_gap(ev, c, lang) if n == 0 else "")
            for c, n in zip(countries["country"], countries["n_findings"], strict=True)
        ]
        row_index = {(c,): i for i, c in enumerate(countries["country"])}
        return rows, row_index, (word("country", lang),), (1.6,), ["country"]
    arm_table = aggregate.arms(ev).iloc[list(page.rows)].reset_index(drop=True)
    headers = (word("country", lang), word("case", lang), word("intervention", lang))
    return _arm_rows(ev, arm_table, lang), _arm_index(arm_table), headers, (1.1, 1.5, 1.9), ARM_ROW_KEYS


def _row_keys(table: pd.DataFrame, keys: list[str]) -> list[tuple]:
    """Each row's key in a grid's row index (see `_grid_rows`)."""
    return list(zip(*(table[k] for k in keys), strict=True))


def _pooled_note(ev: Evidence, lang: str) -> str:
    """The note of a figure pooling arms by country: how many arms there are, and where each one's are."""
    return word("note_pooled", lang, n=arms_with_findings(ev))


def _not_drawn_notes(page: Page, table_file: str, lang: str) -> list[str]:
    """The figure note saying how many rows beyond MAX_PAGES pages are left to the table, if any."""
    if not page.not_drawn:
        return []
    return [word("note_not_drawn", lang, n=page.not_drawn, pages=MAX_PAGES, table=f"tables/{table_file}")]


# ---------------------------------------------------------------- figure 3: verdicts, sign tests, countries


def effect_counts_text(row) -> str:
    """Compact non-zero effect counts with glyphs, e.g. '2▲ 1?'."""
    effects = vocabulary.EFFECTS
    return " ".join(f"{getattr(row, e)}{palette.EFFECT_GLYPHS[e]}" for e in effects if getattr(row, e))


def verdict_matrix(ev: Evidence, table: pd.DataFrame, lang: str = "en", page: Page | None = None) -> Figure:
    """Arms × domains: the within-domain verdict (glyph, colour) with the findings' counts below it.

    `table` is `aggregate.effects_by_domain(ev)`; `page` one of `arm_pages(ev, ...)`.
    """
    page = page or arm_pages(ev, "verdicts")[0]
    domain_label = labels(ev.domains, "domain", lang)
    col_index = {d: j for j, d in enumerate(ev.domain_order)}
    threshold = numbers.percent(lang, aggregate.VERDICT_THRESHOLD * 100)
    notes = [word("note_verdict_rule", lang, threshold=threshold)]
    rows, row_index, headers, caps, keys = _grid_rows(ev, page, lang)
    if page.level == "country":
        table = aggregate.pool_by(table, ["country", "domain"], ev)
        title, subtitle = word("title_verdicts_country", lang), word("subtitle_pooled", lang)
        notes.append(_pooled_note(ev, lang))
    else:
        title, subtitle = word("title_verdicts", lang), word("subtitle_verdicts", lang)
    cells = {}
    for key, t in zip(_row_keys(table, keys), table.itertuples(index=False), strict=True):
        i = row_index.get(key)
        if i is not None:
            cells[(i, col_index[t.domain])] = effect_cell(t.verdict, note=effect_counts_text(t))
    grid = Grid(
        title=_page_title(title, page, lang),
        subtitle=subtitle,
        rows=rows,
        columns=[Column("", domain_label[d]) for d in ev.domain_order],
        cells=cells,
        label_headers=headers,
        label_caps=caps,
        legend=effect_legend_plain(lang, list(palette.EFFECT_GLYPHS), word("no_impact_evaluation", lang)),
        notes=notes,
        source=_findings_source(ev, lang),
        cell_width=0.85,
        row_height=0.42,
        rotate_labels=False,
    )
    return draw_grid(grid)


def country_domain_figure(
    ev: Evidence, table: pd.DataFrame, lang: str = "en", page: Page | None = None
) -> Figure:
    """Countries × domains: findings stacked by effect, with glyph counts; empty cells and countries are gaps.

    `table` is `aggregate.country_domain(ev)`; `page` one of `country_domain_pages(table)`
    (more than one only beyond MAX_ROWS_PER_PAGE countries).
    """
    all_countries = _countries(table)
    page = page or country_domain_pages(table)[0]
    countries = all_countries["country"].iloc[list(page.rows)].tolist()
    col_index = {d: j for j, d in enumerate(ev.domain_order)}
    biggest = max(int(table["total"].max()) if len(table) else 0, 1)
    totals = table.groupby("country", sort=False)["total"].sum()
    rows = [
        Row((), country_name(lang, country), _country_gap(ev, country, lang) if totals[country] == 0 else "")
        for country in countries
    ]
    cells = {}
    for t in table[table["country"].isin(countries) & (table["total"] > 0)].itertuples(index=False):
        segments = tuple(
            (getattr(t, e) / biggest, palette.EFFECT_COLOURS[e], palette.EFFECT_GLYPHS[e])
            for e in vocabulary.EFFECTS
            if getattr(t, e)
        )
        cell = Cell(segments=segments, note=effect_counts_text(t), outline=False)
        cells[(countries.index(t.country), col_index[t.domain])] = cell
    domain_label = labels(ev.domains, "domain", lang)
    grid = Grid(
        title=_page_title(word("title_country_domain", lang), page, lang),
        subtitle=word("subtitle_country_domain", lang),
        rows=rows,
        columns=[Column("", domain_label[d]) for d in ev.domain_order],
        cells=cells,
        label_headers=(word("country", lang),),
        label_caps=(1.6,),
        legend=effect_legend_plain(lang, list(vocabulary.EFFECTS), word("no_impact_evaluation", lang)),
        notes=[word("note_country_domain", lang, n=biggest)],
        source=_findings_source(ev, lang),
        cell_width=1.05,
        row_height=0.5,
        rotate_labels=False,
    )
    return draw_grid(grid)


def _countries(table: pd.DataFrame) -> pd.DataFrame:
    """The distinct countries of a table, in its order, as a one-column frame."""
    return pd.DataFrame({"country": list(dict.fromkeys(table["country"]))})


def _country_gap(ev: Evidence, country: str, lang: str) -> str:
    """Why a country has no findings: none of its cases had an impact evaluation, or none was coded."""
    cases = ev.cases[ev.cases["country"] == country]
    evaluated = bool(cases["has_impact_evaluation"].any())
    return word("no_findings" if evaluated else "no_impact_evaluation", lang)


def sign_test_figure(ev: Evidence, table: pd.DataFrame, lang: str = "en") -> Figure:
    """Per domain: share of units with a beneficial verdict, Wilson 95 % CI, votes and conflicting units."""
    unit = str(table["unit"].iloc[0]) if len(table) else "arm"
    domain_label = labels(ev.domains, "domain", lang)
    label_w = min(
        2.2, max((text_width(domain_label[d], LABEL_SIZE) for d in table["domain"]), default=0.5) + 0.05
    )
    wrapped = [wrap(domain_label[d], label_w, LABEL_SIZE, max_lines=3) for d in table["domain"]]
    counts = [_vote_text(t, lang) for t in table.itertuples(index=False)]
    counts_w = max(
        [_block_width([c], LABEL_SIZE) for c in counts] + [text_width(word("units", lang), LABEL_SIZE, True)]
    )
    plot_x, plot_w = MARGIN + label_w + 0.15, 3.2
    counts_x = plot_x + plot_w + 0.25
    width = max(MIN_WIDTH, counts_x + counts_w + MARGIN)
    row_h = [max(0.34, len(w) * line_height(LABEL_SIZE) + 0.1) for w in wrapped]
    title_lines, sub_lines, title_h = _header_block(
        width, word(f"title_sign_tests_{unit}", lang), word("subtitle_sign_tests", lang)
    )
    legend = sign_test_legend(table, lang)
    notes = [word(f"note_sign_test_{unit}", lang)]
    legend_layout, note_lines, source_lines, bottom_h = _footer_block(
        width, legend, notes, _findings_source(ev, lang)
    )
    header_h = line_height(LABEL_SIZE) + 0.12
    axis_h = 0.2 + 2 * line_height(LABEL_SIZE)
    body_top = MARGIN + title_h + header_h
    height = body_top + sum(row_h) + axis_h + 0.15 + bottom_h + MARGIN
    canvas = Canvas(width, height)
    _draw_header(canvas, title_lines, sub_lines)
    head_y = MARGIN + title_h + header_h / 2
    canvas.text(MARGIN, head_y, word("domain", lang), LABEL_SIZE, ha="left", fontweight="bold")
    canvas.text(counts_x, head_y, word("units", lang), LABEL_SIZE, ha="left", fontweight="bold")
    canvas.hline(MARGIN, width - MARGIN, body_top - 0.02, 0.8)
    body_h = sum(row_h)

    def to_x(p: float) -> float:
        return plot_x + p * plot_w

    for tick in (0, 0.25, 0.5, 0.75, 1):
        canvas.ax.plot([to_x(tick)] * 2, [body_top, body_top + body_h], color=palette.FAINT, linewidth=0.5)
    canvas.ax.plot(
        [to_x(0.5)] * 2,
        [body_top, body_top + body_h],
        color=palette.INK,
        linewidth=0.8,
        linestyle=(0, (4, 3)),
    )
    y = body_top
    for t, lines, h, count in zip(table.itertuples(index=False), wrapped, row_h, counts, strict=True):
        centre = y + h / 2
        canvas.lines(lines, MARGIN, centre - len(lines) * line_height(LABEL_SIZE) / 2, LABEL_SIZE, ha="left")
        if math.isnan(t.proportion):
            canvas.text(
                to_x(0.5),
                centre,
                word("no_votes", lang),
                SMALL_SIZE,
                ha="center",
                fontstyle="italic",
                backgroundcolor="white",
            )
        else:
            canvas.ax.plot(
                [to_x(t.ci_low), to_x(t.ci_high)],
                [centre, centre],
                color=palette.INK,
                linewidth=1.6,
                solid_capstyle="butt",
            )
            for end in (t.ci_low, t.ci_high):
                canvas.ax.plot(
                    [to_x(end)] * 2, [centre - 0.05, centre + 0.05], color=palette.INK, linewidth=1.2
                )
            canvas.ax.plot(
                [to_x(t.proportion)],
                [centre],
                marker="o",
                markersize=6,
                color=palette.BLUE,
                markeredgecolor=palette.INK,
                markeredgewidth=0.8,
            )
        canvas.text(counts_x, centre, count, LABEL_SIZE, ha="left")
        y += h
    canvas.hline(plot_x, plot_x + plot_w, y, 0.8)
    for tick in (0, 0.25, 0.5, 0.75, 1):
        canvas.ax.plot([to_x(tick)] * 2, [y, y + 0.05], color=palette.INK, linewidth=0.8)
        tick_y = y + 0.05 + line_height(LABEL_SIZE) / 2
        canvas.text(to_x(tick), tick_y, numbers.shortest(lang, tick), LABEL_SIZE, ha="center")
    canvas.text(
        to_x(0.5),
        y + 0.1 + 1.5 * line_height(LABEL_SIZE),
        word("proportion_beneficial", lang),
        LABEL_SIZE,
        ha="center",
    )
    _draw_footer(canvas, legend_layout, note_lines, source_lines, y + axis_h + 0.15)
    return canvas.finish()


def sign_test_legend(table: pd.DataFrame, lang: str) -> list[LegendItem]:
    """What the sign-test figure draws, and only that: the share dot, its interval and the vote glyphs.

    The figure has no coloured cells, so the legend shows none; the glyphs of units that do not
    vote (no change, unclear) are explained only when some domain has them.
    """
    bare = Cell(outline=False)
    items = [
        LegendItem(replace(bare, glyph="●", colour=palette.BLUE), word("legend_share", lang)),
        LegendItem(replace(bare, glyph="├─┤", colour=palette.INK), word("legend_interval", lang)),
        LegendItem(bare, word("legend_votes", lang)),
    ]
    for effect in ("no_change", "unclear"):
        if table.get(f"n_{effect}", pd.Series(dtype=int)).sum():
            items.append(LegendItem(bare, word(f"legend_votes_{effect}", lang)))
    return items


def _vote_text(t, lang: str = "en") -> str:
    """Votes of one domain row of a sign-test table: 'n = 2: ▲ 2  ▼ 0  ◄► 1  p = 0.500'."""
    n = functools.partial(numbers.integer, lang)
    parts = [
        f"n = {n(t.n_beneficial + t.n_adverse)}:",
        f"▲ {n(t.n_beneficial)}",
        f"▼ {n(t.n_adverse)}",
        f"◄► {n(t.n_conflicting)}",
    ]
    if getattr(t, "n_no_change", 0):
        parts.append(f"◆ {n(t.n_no_change)}")
    if getattr(t, "n_unclear", 0):
        parts.append(f"? {n(t.n_unclear)}")
    if not math.isnan(t.p_value):
        parts.append(numbers.p_value(lang, t.p_value))
    return "   ".join(parts)


# --------------------------------------------------------------------------- figure 4: single vs combined


def single_combined_pages(
    table: pd.DataFrame, limit: int = MAX_ROWS_PER_PAGE, max_pages: int = 3
) -> list[Page]:
    """Pages of the outcome-level single-vs-combined figure over `aggregate.single_vs_combined(ev)`.

    When showing every outcome would take more than `max_pages` pages, only the outcomes
    both arms measured are drawn (the comparable ones); the rest stay in the table and
    the figure says how many were left out.
    """
    if table.empty:
        return []
    if len(table) <= limit * max_pages:
        return table_pages(table, "single-vs-combined", limit)
    comparable = table.index[table["comparable"].astype(bool)].tolist()
    if not comparable:
        return []
    shown = table.loc[comparable].reset_index(drop=True)
    pages = table_pages(shown, "single-vs-combined", limit, omitted=len(table) - len(comparable))
    return [replace(p, rows=tuple(comparable[i] for i in p.rows)) for p in pages]


def single_combined_figure(
    ev: Evidence, table: pd.DataFrame, lang: str = "en", page: Page | None = None
) -> Figure:
    """Outcome by outcome, the single and the combined arm of each case side by side; empty = not measured.

    `table` is `aggregate.single_vs_combined(ev)`; `page` one of `single_combined_pages(table)`.
    """
    page = page or single_combined_pages(table)[0]
    outcome_label = labels(ev.outcomes, "outcome", lang)
    domain_label = labels(ev.domains, "domain", lang)
    rows, cells = [], {}
    shown = table.iloc[list(page.rows)]
    for i, t in enumerate(shown.itertuples(index=False)):
        pair = f"{t.country} · {t.case}\n{_pair_label(t, lang)}"
        rows.append(Row((pair, domain_label[t.domain]), outcome_label[t.outcome]))
        directions = (getattr(t, "single_direction", ""), getattr(t, "combined_direction", ""))
        for j, (effect, direction) in enumerate(
            zip((t.single_effect, t.combined_effect), directions, strict=True)
        ):
            if effect:
                cells[(i, j)] = effect_cell(effect, sign=_sign(effect, direction))
        if "comparison" in shown:
            cells[(i, 2)] = Cell(note=comparison_word(t.comparison, lang), outline=False)
    notes = [word("note_sign", lang), word("note_single_combined", lang)]
    if "comparison" in shown:
        notes.append(tl.t(lang, COMPARISON_NOTE))
        notes += _comparators_note(shown, lang)
    if page.omitted:
        notes.append(word("note_omitted_outcomes", lang, n=page.omitted))
    notes += _not_drawn_notes(page, "single_vs_combined.csv", lang)
    if page.number == page.count:
        notes += no_comparison_notes(ev, table, lang)
    columns = [Column("", word("single_arm", lang)), Column("", word("combined_arm", lang))]
    if "comparison" in shown:
        columns.append(Column("", tl.t(lang, "Combined against single")))
    grid = Grid(
        title=_page_title(word("title_single_combined", lang), page, lang),
        subtitle=word("subtitle_single_combined", lang),
        rows=rows,
        columns=columns,
        cells=cells,
        label_headers=(word("case", lang), word("domain", lang), word("outcome", lang)),
        label_caps=(2.0, 1.5, 2.0),
        legend=effect_legend(lang, list(palette.EFFECT_GLYPHS)),
        notes=notes,
        source=_findings_source(ev, lang),
        cell_width=0.9,
        rotate_labels=False,
    )
    return draw_grid(grid)


# What `comparison` says, in the figures' third column and in notes (combination.COMPARISONS).
COMPARISON_WORDS = {
    "combined_better": tl.N_("better"),
    "same": tl.N_("same"),
    "combined_worse": tl.N_("worse"),
    "cannot_tell": tl.N_("cannot tell"),
    "not_nested": tl.N_("not nested"),
}
COMPARISON_NOTE = tl.N_(
    "Last column: the arm with more programmes against the other, by effect for households "
    "(beneficial > no change > adverse), or by their direct contrast where one is coded. "
    "Cannot tell: an effect is missing, unclear or conflicting; two unclear effects are never the same. "
    "Not nested: arms.csv shows that neither arm adds programmes to the other."
)
NO_COMPARISON_REASONS = {
    "only_single_arms": tl.N_("only single arms"),
    "only_combined_arms": tl.N_("only combined arms"),
    "no_nested_pair": tl.N_("no arm adds programmes to another"),
    "no_findings": tl.N_("no impact findings"),
}


def _sign(effect: str, direction: str) -> str:
    """The raw sign of change drawn beside an effect glyph, as in the effect-direction heatmap."""
    if effect == "conflicting" or not direction:
        return ""
    return {**palette.SIGN_GLYPHS, "mixed": "±"}[direction]


def comparison_word(comparison: str, lang: str) -> str:
    """The short word of a `comparison` value in `lang`."""
    return tl.gettext(lang, COMPARISON_WORDS[comparison]) if comparison in COMPARISON_WORDS else ""


def _comparators_note(shown: pd.DataFrame, lang: str) -> list[str]:
    """A note naming what the drawn arms are compared with, so an unknown comparator is shown as unknown."""
    parts = []
    for kind in ("single", "combined"):
        pairs = shown[[f"{kind}_arm", f"{kind}_comparator"]].drop_duplicates()
        parts += [
            comparator_phrase(arm, comparator, lang) for arm, comparator in pairs.itertuples(index=False)
        ]
    return [tl.t(lang, "Compared with: {list}.", list="; ".join(dict.fromkeys(parts)))] if parts else []


def comparator_phrase(arm: str, comparator: str, lang: str) -> str:
    """'FEST: comparator unknown', 'Basic CCT against the control group', 'A + B against A'."""
    if comparator in ("", "unknown"):
        return tl.t(lang, "{arm}: comparator unknown", arm=arm)
    words = {"control": tl.N_("the control group"), "status_quo": tl.N_("the status quo")}
    against = ", ".join(tl.gettext(lang, words[c]) if c in words else c for c in comparator.split(";"))
    return tl.t(lang, "{arm} against {comparator}", arm=arm, comparator=against)


def no_comparison_notes(ev: Evidence, table: pd.DataFrame, lang: str) -> list[str]:
    """One note naming each case that offers no comparison, with its reason (none when every case does)."""
    from synergies.combination import no_comparison_cases

    cases = no_comparison_cases(ev, table)
    if cases.empty:
        return []
    named = [
        tl.t(
            lang,
            "{case} ({country}): {reason}",
            case=r.case,
            country=country_name(lang, r.country),
            reason=tl.gettext(lang, NO_COMPARISON_REASONS[r.reason]),
        )
        for r in cases.itertuples(index=False)
    ]
    return [tl.t(lang, "Not in this figure, with the reason: {list}.", list="; ".join(named))]


def _pair_label(t, lang: str) -> str:
    """'FEST (single) / FEST + UNIDOS (combined)' for a row naming a single and a combined arm."""
    return f"{arm_label(t.single_arm, 'single', lang)} / {arm_label(t.combined_arm, 'combined', lang)}"


def combination_pages(outcomes: pd.DataFrame, limit: int = MAX_ROWS_PER_PAGE) -> list[Page]:
    """Pages of the combination figure over `combination.combination_outcomes(ev)`; none without pairs."""
    return table_pages(outcomes, "combination", limit) if len(outcomes) else []


def combination_figure(
    ev: Evidence, outcomes: pd.DataFrame, lang: str = "en", page: Page | None = None
) -> Figure:
    """Per nested pair and outcome: the base arm, the arm that adds programmes, their direct contrast, and
    the comparison; each effect with its sign of change, as in the heatmap.

    `outcomes` is `combination.combination_outcomes(ev)`; `page` one of `combination_pages(outcomes)`.
    """
    page = page or combination_pages(outcomes)[0]
    outcome_label = labels(ev.outcomes, "outcome", lang)
    domain_label = labels(ev.domains, "domain", lang)
    shown = outcomes.iloc[list(page.rows)]
    rows, cells = [], {}
    for i, t in enumerate(shown.itertuples(index=False)):
        pair = tl.t(
            lang,
            "{country} · {case}\n{extended} against {base}\n(adds {added})",
            country=country_name(lang, t.country),
            case=t.case,
            extended=t.extended_arm,
            base=t.base_arm,
            added=t.added_components.replace(";", ", "),
        )
        rows.append(Row((pair, domain_label[t.domain]), outcome_label[t.outcome]))
        sides = (
            (t.base_effect, t.base_direction),
            (t.extended_effect, t.extended_direction),
            (t.direct_effect, t.direct_direction),
        )
        for j, (effect, direction) in enumerate(sides):
            if effect:
                cells[(i, j)] = effect_cell(effect, sign=_sign(effect, direction))
        cells[(i, 3)] = Cell(note=comparison_word(t.comparison, lang), outline=False)
    parts = []
    for kind in ("base", "extended"):
        pairs = shown[[f"{kind}_arm", f"{kind}_comparator"]].drop_duplicates()
        parts += [
            comparator_phrase(arm, against, lang) for arm, against in pairs.itertuples(index=False) if against
        ]
    notes = [word("note_sign", lang), tl.t(lang, COMBINATION_NOTE)]
    if parts:
        notes.append(tl.t(lang, "Compared with: {list}.", list="; ".join(dict.fromkeys(parts))))
    notes += _not_drawn_notes(page, "combination.csv", lang)
    grid = Grid(
        title=_page_title(tl.t(lang, "Does adding programmes to an arm change its effects?"), page, lang),
        subtitle=tl.t(
            lang,
            "Rows: every outcome of a pair of arms of one case in which one arm receives all the other's "
            "programmes and more (arms.csv).",
        ),
        rows=rows,
        columns=[
            Column("", tl.t(lang, "Base arm")),
            Column("", tl.t(lang, "Arm adding programmes")),
            Column("", tl.t(lang, "Direct contrast")),
            Column("", tl.t(lang, "Adding programmes")),
        ],
        cells=cells,
        label_headers=(word("case", lang), word("domain", lang), word("outcome", lang)),
        label_caps=(2.2, 1.5, 2.0),
        legend=effect_legend(lang, list(palette.EFFECT_GLYPHS)),
        notes=notes,
        source=_findings_source(ev, lang),
        cell_width=0.9,
        rotate_labels=False,
    )
    return draw_grid(grid)


COMBINATION_NOTE = tl.N_(
    "Each arm's effect is against its own comparator; the direct contrast is the arm adding programmes "
    "measured against the base arm itself (e.g. an add-on assigned at random among the base arm's "
    "participants) and decides the last column where it is coded. Otherwise the two effects are compared "
    "by direction for households (beneficial > no change > adverse); cannot tell: an effect is missing, "
    "unclear, conflicting or measured against a third arm."
)


PAIR_KEYS = ["country", "case", "single_arm", "combined_arm"]


def arm_pairs(overlap: pd.DataFrame) -> pd.DataFrame:
    """The distinct (country, case, single arm, combined arm) pairs of `single_combined_domains`."""
    return overlap[PAIR_KEYS].drop_duplicates().reset_index(drop=True)


def single_combined_domain_pages(overlap: pd.DataFrame, limit: int = MAX_ROWS_PER_PAGE) -> list[Page]:
    """Pages of the domain-level single-vs-combined figure, one row per arm pair; none without pairs."""
    return table_pages(arm_pairs(overlap), "single-vs-combined-domains", limit) if len(overlap) else []


def single_combined_domain_figure(
    ev: Evidence, overlap: pd.DataFrame, lang: str = "en", page: Page | None = None
) -> Figure:
    """Per case and domain: each arm's verdict and how many outcomes it measured, and how many both measured.

    `overlap` is `aggregate.single_combined_domains(...)`; `page` one of
    `single_combined_domain_pages(overlap)`.
    """
    page = page or single_combined_domain_pages(overlap)[0]
    pairs = arm_pairs(overlap).iloc[list(page.rows)].reset_index(drop=True)
    domain_label = labels(ev.domains, "domain", lang)
    domains = [d for d in ev.domain_order if d in set(overlap["domain"])]
    kinds = (word("single_arm", lang), word("combined_arm", lang), word("outcomes_in_common", lang))
    columns = [Column(domain_label[d], kind) for d in domains for kind in kinds]
    measured = overlap.set_index(["country", "case", "single_arm", "combined_arm", "domain"])
    rows, cells = [], {}
    for i, p in enumerate(pairs.itertuples(index=False)):
        rows.append(Row((country_name(lang, p.country), p.case), _pair_label(p, lang)))
        for k, domain in enumerate(domains):
            key = (p.country, p.case, p.single_arm, p.combined_arm, domain)
            cells[(i, 3 * k + 2)] = Cell(outline=False)  # blank unless both arms measured the domain
            if key not in measured.index:
                continue
            m = measured.loc[key]
            for j, (verdict, n) in enumerate(
                ((m.single_verdict, m.single_outcomes), (m.combined_verdict, m.combined_outcomes))
            ):
                if n:
                    cells[(i, 3 * k + j)] = effect_cell(verdict, corner=str(n))
            if m.single_outcomes and m.combined_outcomes:
                cells[(i, 3 * k + 2)] = Cell(glyph=str(m.shared_outcomes), outline=False)
    grid = Grid(
        title=_page_title(word("title_single_combined_domains", lang), page, lang),
        subtitle=word("subtitle_single_combined_domains", lang),
        rows=rows,
        columns=columns,
        cells=cells,
        label_headers=(word("country", lang), word("case", lang), word("arms", lang)),
        label_caps=(1.1, 1.5, 2.2),
        legend=effect_legend_plain(lang, list(palette.EFFECT_GLYPHS)),
        notes=[
            word("note_single_combined_domains", lang),
            *_not_drawn_notes(page, "single_vs_combined_domains.csv", lang),
        ],
        source=_findings_source(ev, lang),
        cell_width=0.34,
    )
    return draw_grid(grid)


# --------------------------------------------------------------------------- figure 5: institutions


def institutional_columns(ev: Evidence, matrix: pd.DataFrame) -> list[tuple[str, str]]:
    """(level, factor) columns: national before local, factors in factors.csv order, then by name."""
    order = list(ev.factors["factor"]) if ev.factors is not None else []
    rank = {f: i for i, f in enumerate(order)}
    pairs = set(zip(matrix["level"], matrix["factor"], strict=True))
    levels = [lv for lv in vocabulary.LEVELS if any(p[0] == lv for p in pairs)]
    return [
        (level, factor)
        for level in levels
        for factor in sorted(
            {f for lv, f in pairs if lv == level}, key=lambda f: (rank.get(f, len(rank)), f.casefold())
        )
    ]


def institutional_cases(ev: Evidence, matrix: pd.DataFrame) -> pd.DataFrame:
    """Every case (from cases.csv and institutional.csv) in display order, flagged if it was analysed."""
    cases = pd.concat([ev.cases[["country", "case"]], matrix[["country", "case"]]]).drop_duplicates()
    cases = aggregate.sort_display(cases, ev)
    analysed = set(zip(matrix["country"], matrix["case"], strict=True))
    cases["analysed"] = [(c, k) in analysed for c, k in zip(cases["country"], cases["case"], strict=True)]
    return cases


def institutional_pages(ev: Evidence, matrix: pd.DataFrame | None) -> list[Page]:
    """Pages of the institutional matrix, one row per case; none when there is no institutional.csv."""
    if matrix is None:
        return []
    return table_pages(institutional_cases(ev, matrix), "institutional-matrix")


def country_domain_pages(table: pd.DataFrame) -> list[Page]:
    """Pages of the country × domain figure, one row per country of `aggregate.country_domain(ev)`."""
    return table_pages(_countries(table), "country-domain", max_pages=None)


def institutional_figure(
    ev: Evidence, matrix: pd.DataFrame, lang: str = "en", page: Page | None = None
) -> Figure:
    """Cases × factors by level: enablers (+), barriers (−), mixed (±); a gap row for cases not analysed.

    `matrix` is `aggregate.institutional_matrix(ev)`; `page` one of
    `table_pages(institutional_cases(ev, matrix), ...)`.
    """
    all_cases = institutional_cases(ev, matrix)
    page = page or institutional_pages(ev, matrix)[0]
    cases = all_cases.iloc[list(page.rows)]
    factor_label = labels(ev.factors, "factor", lang) if ev.factors is not None else {}
    columns_keys = institutional_columns(ev, matrix)
    columns = [Column(word(level, lang).capitalize(), factor_label.get(f, f)) for level, f in columns_keys]
    col_index = {key: j for j, key in enumerate(columns_keys)}
    gap = word("no_institutional_analysis", lang)
    rows = [
        Row((country_name(lang, r.country),), r.case, "" if r.analysed else gap)
        for r in cases.itertuples(index=False)
    ]
    row_index = {(r.country, r.case): i for i, r in enumerate(cases.itertuples(index=False))}
    cells = {}
    grouped = matrix.groupby(["country", "case", "level", "factor"], sort=False)["assessment"]
    for (country, case, level, factor), assessments in grouped:
        if (country, case) in row_index:
            cells[(row_index[(country, case)], col_index[(level, factor)])] = _assessment_cell(
                list(assessments)
            )
    n_cases = (
        matrix.drop_duplicates(["country", "case", "level", "factor"]).groupby(["level", "factor"]).size()
    )
    footer = (word("cases_n", lang), tuple(str(int(n_cases[key])) for key in columns_keys))
    legend = [LegendItem(_assessment_cell([a]), word(f"legend_{a}", lang)) for a in vocabulary.ASSESSMENTS]
    legend += [LegendItem(NOT_MEASURED, word("not_reported", lang)), LegendItem(NOT_MEASURED, gap, gap=True)]
    n_rows = word("rows_n", lang, n=len(matrix))
    files = "institutional.csv" + (", factors.csv" if ev.factors is not None else "")
    grid = Grid(
        title=_page_title(word("title_institutional", lang), page, lang),
        subtitle=word("subtitle_institutional", lang),
        rows=rows,
        columns=columns,
        cells=cells,
        label_headers=(word("country", lang), word("case", lang)),
        label_caps=(1.2, 1.9),
        legend=legend,
        notes=[
            word("note_institutional", lang),
            *_inferred_level_notes(matrix, lang),
            *_not_drawn_notes(page, "institutional_matrix.csv", lang),
        ],
        source=source_line(ev, lang, files, n_rows),
        cell_width=0.42,
        row_height=0.3,
        footer=footer,
    )
    return draw_grid(grid)


def _inferred_level_notes(matrix: pd.DataFrame, lang: str) -> list[str]:
    """A note counting the statements whose level the coders inferred (institutional.csv, level_basis)."""
    if "level_basis" not in matrix.columns:
        return []
    n = int((matrix["level_basis"] == "inferred").sum())
    return [word("note_inferred_levels", lang, n=n, total=len(matrix))] if n else []


def _assessment_cell(assessments: list[str]) -> Cell:
    """One case × factor cell: the shared assessment, or grey with every glyph when statements differ."""
    distinct = list(dict.fromkeys(sorted(assessments, key=vocabulary.ASSESSMENTS.index)))
    corner = str(len(assessments)) if len(assessments) > 1 else ""
    if len(distinct) == 1:
        a = distinct[0]
        return Cell(
            fill=palette.ASSESSMENT_COLOURS[a],
            glyph=palette.ASSESSMENT_GLYPHS[a],
            colour=palette.ASSESSMENT_TEXT[a],
            corner=corner,
        )
    glyphs = "".join(palette.ASSESSMENT_GLYPHS[a] for a in distinct)
    return Cell(
        fill=palette.ASSESSMENT_COLOURS["mixed"],
        glyph=glyphs,
        colour=palette.ASSESSMENT_TEXT["mixed"],
        corner=corner,
    )


# --------------------------------------------------------------------------- robustness grid

ROBUSTNESS_GLYPHS = {**palette.EFFECT_GLYPHS, "no_units": "·", "not_run": "–"}


def robustness_figure(ev: Evidence, grid: pd.DataFrame, lang: str = "en") -> Figure:
    """Scenarios × domains: the domain verdict under each scenario as glyph and colour, with its p-value.

    `grid` is `robustness.robustness_grid(ev)`. Drawn with seaborn's heatmap on a categorical colour
    map; meaning never rests on colour alone (every cell carries its verdict's glyph), rules separate
    the scenario groups, and scenarios that could not run are white cells marked – (the table says why).
    """
    import seaborn as sns  # only this figure needs seaborn; keep the package import light
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    verdicts = list(robustness.DOMAIN_VERDICTS)
    colours = {**palette.EFFECT_COLOURS, "no_units": palette.FAINT, "not_run": palette.WHITE}
    keys = list(dict.fromkeys(grid["scenario"]))
    groups = grid.drop_duplicates("scenario").set_index("scenario")["scenario_group"]
    domains = [d for d in ev.domain_order if d in set(grid["domain"])]
    table = grid.set_index(["scenario", "domain"])
    codes = pd.DataFrame(0, index=keys, columns=domains, dtype=int)
    annot = pd.DataFrame("", index=keys, columns=domains, dtype=object)
    for k in keys:
        for d in domains:
            row = table.loc[(k, d)]
            codes.loc[k, d] = verdicts.index(row["verdict"])
            annot.loc[k, d] = _robustness_annotation(row["verdict"], row["p_value"], lang)
    cell_w, cell_h = 1.0, 0.34
    domain_label = labels(ev.domains, "domain", lang)
    x_labels = ["\n".join(wrap(domain_label[d], cell_w - 0.08, SMALL_SIZE, max_lines=4)) for d in domains]
    y_labels = [robustness.scenario_label(ev, k, lang) for k in keys]
    label_w = min(3.2, max((text_width(y, LABEL_SIZE) for y in y_labels), default=1.0) + 0.15)
    y_labels = [
        _ellipsize(y, label_w - 0.1, LABEL_SIZE, False) if text_width(y, LABEL_SIZE) > label_w - 0.1 else y
        for y in y_labels
    ]
    header_h = max((len(x.split("\n")) for x in x_labels), default=1) * line_height(SMALL_SIZE) + 0.15
    width = max(MIN_WIDTH, label_w + cell_w * len(domains) + 2 * MARGIN)
    title_lines, sub_lines, title_h = _header_block(
        width, word("title_robustness", lang), word("subtitle_robustness", lang)
    )
    note = word("note_robustness", lang).format(threshold=f"{aggregate.VERDICT_THRESHOLD:.0%}")
    note_lines = wrap(note, width - 2 * MARGIN, LABEL_SIZE, max_lines=12)
    present = [v for v in verdicts if v in set(grid["verdict"])]
    legend_h, body_h = 0.4, cell_h * len(keys)
    height = (
        MARGIN
        + title_h
        + header_h
        + body_h
        + legend_h
        + len(note_lines) * line_height(LABEL_SIZE)
        + 2 * MARGIN
    )
    with matplotlib.rc_context(STYLE):
        fig = Figure(figsize=(width, height), facecolor="white")
        FigureCanvasAgg(fig)
        top = MARGIN + title_h + header_h
        box = (
            (MARGIN + label_w) / width,
            1 - (top + body_h) / height,
            cell_w * len(domains) / width,
            body_h / height,
        )
        ax = fig.add_axes(box)
        sns.heatmap(
            codes,
            ax=ax,
            cmap=ListedColormap([colours[v] for v in verdicts]),
            vmin=-0.5,
            vmax=len(verdicts) - 0.5,
            annot=annot,
            fmt="",
            annot_kws={"fontsize": SMALL_SIZE + 0.5, "fontfamily": FONT},
            cbar=False,
            linewidths=1.0,
            linecolor="white",
        )
        for text in ax.texts:  # seaborn numbers its annotations row by row
            i, j = divmod(ax.texts.index(text), len(domains))
            text.set_color(palette.EFFECT_TEXT.get(verdicts[codes.iloc[i, j]], palette.INK))
        for i in range(1, len(keys)):
            if groups[keys[i]] != groups[keys[i - 1]]:
                ax.axhline(i, color=palette.INK, linewidth=0.8)
        ax.xaxis.tick_top()
        ax.set_xticklabels(x_labels, rotation=0, fontsize=SMALL_SIZE, fontfamily=FONT)
        ax.set_yticklabels(y_labels, rotation=0, fontsize=LABEL_SIZE, fontfamily=FONT)
        ax.tick_params(length=0)
        ax.set_xlabel("")
        ax.set_ylabel("")
        for label, key in zip(ax.get_yticklabels(), keys, strict=True):
            if key == "baseline":
                label.set_fontweight("bold")
            if groups[key] == "biased_comparator":
                label.set_fontstyle("italic")
        y = MARGIN
        for lines, size, bold in ((title_lines, TITLE_SIZE, True), (sub_lines, SUBTITLE_SIZE, False)):
            for line in lines:
                fig.text(
                    MARGIN / width,
                    1 - (y + 0.55 * line_height(size)) / height,
                    line,
                    fontsize=size,
                    fontweight="bold" if bold else "normal",
                    va="center_baseline",
                    color=palette.INK,
                )
                y += line_height(size)
        handles = [
            Patch(
                facecolor=colours[v], edgecolor=palette.GREY, label=f"{ROBUSTNESS_GLYPHS[v]} {word(v, lang)}"
            )
            for v in present
        ]
        legend_top = top + body_h + 0.12
        fig.legend(
            handles=handles,
            loc="upper left",
            bbox_to_anchor=(MARGIN / width, 1 - legend_top / height),
            ncol=len(handles),
            frameon=False,
            fontsize=LABEL_SIZE,
            handlelength=1.2,
            borderaxespad=0,
        )
        y = legend_top + legend_h
        for line in note_lines:
            fig.text(
                MARGIN / width,
                1 - (y + 0.55 * line_height(LABEL_SIZE)) / height,
                line,
                fontsize=LABEL_SIZE,
                va="center_baseline",
                color=palette.INK,
            )
            y += line_height(LABEL_SIZE)
    return fig


def _robustness_annotation(verdict: str, p_value: float, lang: str) -> str:
    """A robustness cell's text: the verdict's glyph and, when there are votes, the sign-test p."""
    glyph = ROBUSTNESS_GLYPHS[verdict]
    return glyph if pd.isna(p_value) else f"{glyph}  {numbers.p_value(lang, float(p_value))}"
