"""The heatmap's marks are decided by one function from the cell's data, apart from the drawing."""

from __future__ import annotations

import pytest

from synergies import palette, plots
from synergies.text import numbers
from synergies.vocabulary import EFFECTS


@pytest.mark.parametrize("effect", EFFECTS)
def test_every_effect_keeps_its_glyph_and_a_plain_cell_has_no_marks(effect: str) -> None:
    marks = plots.cell_marks(effect, "increase", 1)
    assert marks.glyph == palette.EFFECT_GLYPHS[effect]
    assert marks.suffix == ""
    cell = plots.marked_cell(marks, "en")
    assert cell.fill == palette.EFFECT_COLOURS[effect]
    assert cell.corner == ""  # one finding: no count
    assert cell.glyph_size == plots.GLYPH_SIZES["not_reported"]


def test_conflicting_cells_carry_no_sign_and_others_carry_the_raw_sign() -> None:
    assert plots.cell_marks("conflicting", "increase", 2).sign == ""
    assert plots.cell_marks("adverse", "increase", 1).sign == "+"  # adverse for households, value up
    assert plots.cell_marks("beneficial", "decrease", 1).sign == "−"
    assert plots.cell_marks("unclear", "mixed", 1).sign == "±"
    assert plots.cell_marks("no_change", "no_change", 1).sign == "0"


def test_significance_fills_or_hollows_the_glyph_and_marks_come_in_reading_order() -> None:
    hollow = plots.cell_marks("beneficial", "increase", 1, significance="not_significant")
    assert hollow.glyph == palette.OUTLINE_GLYPHS["▲"]
    assert not hollow.significant
    starred = plots.cell_marks(
        "beneficial", "increase", 1, significance="significant", contested=True, subgroup=True
    )
    assert starred.glyph == "▲"
    assert starred.suffix == palette.SIGNIFICANT_MARK + palette.CONTESTED_MARK + palette.SUBGROUP_MARK
    assert plots.marked_cell(starred, "en").sign == "+" + starred.suffix
    two_part = plots.cell_marks("conflicting", "", 1, significance="not_significant")
    assert two_part.glyph == "◁▷"  # both triangles of ◄► hollow


def test_sample_size_sizes_the_glyph_and_the_count_goes_in_the_corner_by_the_language_rule() -> None:
    sizes = {
        b: plots.marked_cell(plots.cell_marks("beneficial", "increase", 1, b), "en").glyph_size
        for b in ("small", "medium", "large")
    }
    assert sizes["small"] < sizes["medium"] < sizes["large"]
    assert plots.marked_cell(plots.cell_marks("beneficial", "increase", 3), "en").corner == "3"
    big = plots.cell_marks("beneficial", "increase", 12345)
    assert plots.marked_cell(big, "en").corner == "12,345"
    assert plots.marked_cell(big, "es").corner == numbers.integer("es", 12345)  # the language's grouping
