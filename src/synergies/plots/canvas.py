"""The canvas every figure draws on, the cells of grid figures, legends, and title and footer blocks."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PatchCollection, PathCollection
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Rectangle
from matplotlib.path import Path
from matplotlib.text import Text
from matplotlib.textpath import TextPath
from matplotlib.transforms import IdentityTransform

from synergies import palette
from synergies.i18n import word
from synergies.plots.measure import _block_width, line_height, text_width, wrap
from synergies.plots.style import (
    FONT,
    GLYPH_SIZE,
    INSET,
    LABEL_SIZE,
    MARGIN,
    SIGN_SIZE,
    SMALL_SIZE,
    SOURCE_INK,
    SOURCE_SIZE,
    STYLE,
    SUBTITLE_SIZE,
    TITLE_SIZE,
)


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
        # Cell marks (glyphs, signs, counts) collected as shapes when the page is dense, else None.
        self.marks: dict[tuple[str, float, str], list[tuple[float, float, str]]] | None = None

    def collect_marks(self) -> None:
        """Draw the cell marks that follow as filled outlines, a few collections, not one text each.

        A page of thousands of cells (DENSE_CELLS) spent most of its drawing and saving time on
        the per-text work of matplotlib (layout, font lookup, one SVG element per glyph). Each mark
        is placed where the text would be (`_pen_offset`, matplotlib's own layout) and drawn from
        the same font's outline, so the page looks the same; smaller pages keep their texts.
        """
        self.marks = {}

    def finish(self) -> Figure:
        """Add the collected rectangles (and marks) as collections (fast to draw) and return the figure."""
        self.ax.add_collection(PatchCollection(self.patches, match_original=True, zorder=1))
        for (s, size, ha), placed in sorted((self.marks or {}).items()):
            path = _mark_path(s, size, ha)
            marks = PathCollection(
                [path],
                sizes=[1.0],  # 1 point of the path is 1/72 inch at any dpi
                offsets=[(x, y) for x, y, _ in placed],
                offset_transform=self.ax.transData,
                transform=IdentityTransform(),  # the path is in points, scaled by `sizes` alone
                facecolors=[colour for _, _, colour in placed],
                edgecolors="none",
                linewidths=0,
                zorder=3,  # where texts are drawn
            )
            self.ax.add_collection(marks, autolim=False)
        return self.fig

    def mark(self, x: float, y: float, s: str, size: float, ha: str, colour: str) -> None:
        """A short text in a cell (glyph, sign, count): a text, or a collected shape on a dense page."""
        if self.marks is None or not s.strip():
            self.text(x, y, s, size, ha=ha, color=colour)
            return
        self.marks.setdefault((s, size, ha), []).append((x, y, colour))

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


@dataclass(frozen=True)
class Cell:
    """What one grid cell shows: a fill (None = no reported result: outline only) and glyph text on it."""

    fill: str | None = None
    glyph: str = ""
    colour: str = palette.INK
    sign: str = ""  # raw sign of the change, drawn beside the glyph
    corner: str = ""  # small count in the top-right corner
    note: str = ""  # small second line, e.g. counts
    segments: tuple[tuple[float, str, str], ...] = ()  # stacked bar: (share of width, colour, glyph)
    outline: bool = True
    glyph_size: float = 0.0  # points; 0 = GLYPH_SIZE (the effect-direction heatmap sizes glyphs by n)


# An empty cell: the source reported no result there (which is not to say it was not measured).
NOT_REPORTED = Cell()
NOT_MEASURED = NOT_REPORTED  # the former name, kept for code that imports it


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
                canvas.mark(left + seg_w / 2, by + 0.04 + bar_h / 2, glyph, SMALL_SIZE, "center", text_colour)
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
            canvas.mark(start + glyph_w + 0.02, centre_y, cell.sign, SIGN_SIZE, "left", cell.colour)
    if cell.corner:
        canvas.mark(bx + bw - 0.015, by + 0.045, cell.corner, SMALL_SIZE, "right", cell.colour)
    if cell.note:
        canvas.mark(bx + bw / 2, by + bh * 0.74, cell.note, SMALL_SIZE, "center", cell.colour)


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
        canvas.mark(left, y, char, char_size, "left", colour)
        left += text_width(char, char_size) + GLYPH_SPACING


@functools.cache
def _pen_offset(s: str, size: float, ha: str) -> tuple[float, float]:
    """Where matplotlib puts the pen of `s` relative to its anchor, in points (Canvas.text's alignment)."""
    with matplotlib.rc_context(STYLE):
        fig = Figure(dpi=72)
        renderer = FigureCanvasAgg(fig).get_renderer()
        text = Text(0, 0, s, fontsize=size, fontfamily=FONT, ha=ha, va="center_baseline", parse_math=False)
        text.set_figure(fig)
        _, info, _ = text._get_layout(renderer)
    ((_, _, (x, y)),) = info  # the one line: (text, (width, ascent, descent), pen position)
    return float(x), float(y)


@functools.cache
def _mark_path(s: str, size: float, ha: str) -> Path:
    """The outline of `s` in `size` points, placed as Canvas.text would place it about its anchor."""
    x, y = _pen_offset(s, size, ha)
    with matplotlib.rc_context(STYLE):
        outline = TextPath((x, y), s, size=size, prop=FontProperties(family=FONT))
    return Path(outline.vertices.copy(), outline.codes.copy())


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
    """Legend entries for effects (glyph, colour), empty cells (not reported) and the gap row if given."""
    samples = {"beneficial": "+", "adverse": "−", "no_change": "0", "unclear": "+", "conflicting": ""}
    items = [LegendItem(effect_cell(e, sign=samples[e]), word(f"legend_{e}", lang)) for e in effects]
    items.append(LegendItem(NOT_REPORTED, word("legend_not_measured", lang)))
    if gap_text:
        items.append(LegendItem(NOT_REPORTED, gap_text, gap=True))
    return items


def effect_legend_plain(lang: str, effects: Sequence[str], gap_text: str = "") -> list[LegendItem]:
    """Effect legend without signs, for figures whose cells carry no sign of change."""
    items = [LegendItem(effect_cell(e), word(f"legend_{e}", lang)) for e in effects]
    items.append(LegendItem(NOT_REPORTED, word("legend_not_measured", lang)))
    if gap_text:
        items.append(LegendItem(NOT_REPORTED, gap_text, gap=True))
    return items


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
