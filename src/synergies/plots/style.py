"""Figure style and limits: the font, sizes and lengths in inches, and how much one page shows."""

from __future__ import annotations

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
# A page with at least this many cells draws their marks as collected outlines, not one text each
# (Canvas.collect_marks): the same look, several times faster to draw and save. Pages of the shipped
# data stay far below it.
DENSE_CELLS = 1000

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
