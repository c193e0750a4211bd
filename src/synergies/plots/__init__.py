"""Figures: effect directions, verdicts, sign tests, country × domain, single vs combined, institutions.

Each public figure function takes Evidence and/or an `aggregate` table plus `lang` and
returns a matplotlib Figure built without pyplot (no global state, nothing displayed by
accident). Layout is computed in inches from measured text: labels wrap, rows and columns
grow with the data instead of squeezing, and beyond MAX_ROWS_PER_PAGE rows or
MAX_COLUMNS_PER_PAGE outcome columns a grid is split into pages (by country, then case;
by domain for columns) so every page stays readable. Meaning never rests on colour alone:
every coloured cell carries a glyph, and text on a fill keeps at least 3:1 contrast.

Where things live (each figure module holds its pages, its cells and its drawing):

- `style`: font, sizes, lengths and the page limits; `measure`: text width and word wrap;
- `canvas`: the inch-based Canvas, grid cells, legends, title and footer blocks;
- `grid`: rows and columns grouped by labels, measured and drawn; `paging`: pages of a table;
- `rows`: arm rows, gap rows, the source line and notes shared by the figures of arms;
- one module per figure: `heatmap`, `domains` (verdict matrix, country × domain),
  `sign_tests`, `single_combined` (with the combination figure), `institutional`, `robustness`,
  `magnitude` (forest and albatross plots);
- `registry`: the figures by name, each with its pages, drawing, alt text and file name.

Every name below is re-exported so `from synergies import plots; plots.effect_direction_heatmap(...)`
keeps working.
"""

from __future__ import annotations

from synergies.plots.canvas import (
    GLYPH_SCALE,
    GLYPH_SPACING,
    NOT_MEASURED,
    NOT_REPORTED,
    SWATCH_H,
    SWATCH_W,
    Canvas,
    Cell,
    LegendItem,
    _draw_footer,
    _draw_header,
    _footer_block,
    _header_block,
    effect_cell,
    effect_legend,
    effect_legend_plain,
)
from synergies.plots.domains import country_domain_figure, country_domain_pages, verdict_matrix
from synergies.plots.grid import Column, Grid, Row, _group_width, draw_grid
from synergies.plots.heatmap import (
    GLYPH_SIZES,
    CellMarks,
    _row_ratings,
    cell_marks,
    cell_quality,
    effect_direction_heatmap,
    heatmap_columns,
    heatmap_pages,
    marked_cell,
    rob_cell,
)
from synergies.plots.institutional import (
    institutional_cases,
    institutional_columns,
    institutional_figure,
    institutional_pages,
)
from synergies.plots.measure import line_height, text_width, wrap
from synergies.plots.paging import (
    Page,
    arm_pages,
    arms_with_findings,
    country_rows,
    page_label,
    pooled_by_country,
    row_sets,
    table_pages,
)
from synergies.plots.robustness import ROBUSTNESS_GLYPHS, robustness_figure
from synergies.plots.rows import (
    ARM_ROW_KEYS,
    _grid_rows,
    _row_keys,
    arm_label,
    effect_counts_text,
    gap_text,
    source_line,
)
from synergies.plots.sign_tests import sign_test_figure, sign_test_legend
from synergies.plots.single_combined import (
    COMBINATION_NOTE,
    COMPARISON_NOTE,
    COMPARISON_WORDS,
    NO_COMPARISON_REASONS,
    PAIR_KEYS,
    arm_pairs,
    combination_figure,
    combination_pages,
    comparator_phrase,
    comparison_word,
    no_comparison_notes,
    single_combined_domain_figure,
    single_combined_domain_pages,
    single_combined_figure,
    single_combined_pages,
)
from synergies.plots.style import (
    BAND,
    FONT,
    GLYPH_SIZE,
    GROUP_GAP,
    GROUP_SIZE,
    INSET,
    LABEL_SIZE,
    LINE,
    MARGIN,
    MAX_ARMS,
    MAX_COLUMNS_PER_PAGE,
    MAX_PAGES,
    MAX_ROWS_PER_PAGE,
    MIN_WIDTH,
    SIGN_SIZE,
    SMALL_SIZE,
    SOURCE_INK,
    SOURCE_SIZE,
    STYLE,
    SUBTITLE_SIZE,
    TITLE_SIZE,
)

__all__ = [
    "ARM_ROW_KEYS",
    "BAND",
    "COMBINATION_NOTE",
    "COMPARISON_NOTE",
    "COMPARISON_WORDS",
    "FONT",
    "GLYPH_SCALE",
    "GLYPH_SIZE",
    "GLYPH_SIZES",
    "GLYPH_SPACING",
    "GROUP_GAP",
    "GROUP_SIZE",
    "INSET",
    "LABEL_SIZE",
    "LINE",
    "MARGIN",
    "MAX_ARMS",
    "MAX_COLUMNS_PER_PAGE",
    "MAX_PAGES",
    "MAX_ROWS_PER_PAGE",
    "MIN_WIDTH",
    "NOT_MEASURED",
    "NOT_REPORTED",
    "NO_COMPARISON_REASONS",
    "PAIR_KEYS",
    "ROBUSTNESS_GLYPHS",
    "SIGN_SIZE",
    "SMALL_SIZE",
    "SOURCE_INK",
    "SOURCE_SIZE",
    "STYLE",
    "SUBTITLE_SIZE",
    "SWATCH_H",
    "SWATCH_W",
    "TITLE_SIZE",
    "Canvas",
    "Cell",
    "CellMarks",
    "Column",
    "Grid",
    "LegendItem",
    "Page",
    "Row",
    "_draw_footer",
    "_draw_header",
    "_footer_block",
    "_grid_rows",
    "_group_width",
    "_header_block",
    "_row_keys",
    "_row_ratings",
    "arm_label",
    "arm_pages",
    "arm_pairs",
    "arms_with_findings",
    "cell_marks",
    "cell_quality",
    "combination_figure",
    "combination_pages",
    "comparator_phrase",
    "comparison_word",
    "country_domain_figure",
    "country_domain_pages",
    "country_rows",
    "draw_grid",
    "effect_cell",
    "effect_counts_text",
    "effect_direction_heatmap",
    "effect_legend",
    "effect_legend_plain",
    "gap_text",
    "heatmap_columns",
    "heatmap_pages",
    "institutional_cases",
    "institutional_columns",
    "institutional_figure",
    "institutional_pages",
    "line_height",
    "marked_cell",
    "no_comparison_notes",
    "page_label",
    "pooled_by_country",
    "rob_cell",
    "robustness_figure",
    "row_sets",
    "sign_test_figure",
    "sign_test_legend",
    "single_combined_domain_figure",
    "single_combined_domain_pages",
    "single_combined_figure",
    "single_combined_pages",
    "source_line",
    "table_pages",
    "text_width",
    "verdict_matrix",
    "wrap",
]

# The magnitude figures and the registry come last: they build on the modules above.
from synergies.plots.magnitude import (
    ForestPage,
    ForestRow,
    albatross_figure,
    alt_albatross,
    alt_forest,
    forest_pages,
    forest_plot,
)
from synergies.plots.registry import FIGURES, FigureSpec, figure, figure_pages, save_figures

__all__ += [
    "ForestPage",
    "ForestRow",
    "albatross_figure",
    "alt_albatross",
    "alt_forest",
    "forest_pages",
    "forest_plot",
]
__all__ += ["FIGURES", "FigureSpec", "figure", "figure_pages", "save_figures"]
