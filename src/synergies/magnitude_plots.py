"""The magnitude figures (forest and albatross plots) now live in `synergies.plots.magnitude`.

This module keeps `from synergies import magnitude_plots; magnitude_plots.forest_plot(...)` working
for notebooks and scripts written before the move.
"""

from __future__ import annotations

from synergies.plots.magnitude import (
    ForestPage,
    ForestRow,
    albatross_figure,
    alt_albatross,
    alt_forest,
    forest_pages,
    forest_plot,
)

__all__ = [
    "ForestPage",
    "ForestRow",
    "albatross_figure",
    "alt_albatross",
    "alt_forest",
    "forest_pages",
    "forest_plot",
]
