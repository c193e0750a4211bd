"""The figure registry: each figure the notebooks draw, by name, with its pages, drawing and alt text.

A notebook asks for a figure by name and gets every page drawn, saved (PNG, SVG, alt text) and
described from the same page, so the picture and its words cannot drift:

    for saved, alt in plots.save_figures("verdicts", ev, by_domain, lang, figures_path):
        display(outputs.figure_image(saved, alt), Markdown(describe.alt_markdown(alt, lang)))

`data` is the one table (or tuple of tables) the figure is drawn from, named in each entry's
`data` field; `table` is the CSV under `tables/` that holds every row, for the pages note.
Figures of one page (the sign tests, the robustness grid, the albatross plot) have a single
page `None` and are saved under `stem`; the forest plots page by domain and measure
(`ForestPage`, named like `Page`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure

from synergies import magnitude, outputs
from synergies.load import Evidence
from synergies.plots.domains import country_domain_figure, country_domain_pages, verdict_matrix
from synergies.plots.heatmap import effect_direction_heatmap, heatmap_pages
from synergies.plots.institutional import institutional_figure, institutional_pages
from synergies.plots.magnitude import (
    ForestPage,
    albatross_figure,
    alt_albatross,
    alt_forest,
    forest_pages,
    forest_plot,
)
from synergies.plots.paging import Page, arm_pages
from synergies.plots.robustness import robustness_figure
from synergies.plots.sign_tests import sign_test_figure
from synergies.plots.single_combined import (
    combination_figure,
    combination_pages,
    single_combined_domain_figure,
    single_combined_domain_pages,
    single_combined_figure,
    single_combined_pages,
)


def _describe():
    """`synergies.describe` (imported late: it imports `plots` for the page limits)."""
    from synergies import describe

    return describe


AnyPage = Page | ForestPage  # what a figure's pages are; both carry the file name `name`


@dataclass(frozen=True)
class FigureSpec:
    """One figure: its default file stem, what it is drawn from, and how to page, draw and describe it."""

    stem: str  # file name of a one-page figure; pages carry their own names (`Page.name`)
    data: str  # what `data` is, e.g. "aggregate.effects_by_domain(ev)"
    table: str  # the CSV under tables/ with every row the figure draws
    pages: Callable[[Evidence, Any], list[AnyPage | None]]
    draw: Callable[[Evidence, Any, str, AnyPage | None], Figure]
    alt: Callable[[Evidence, Any, AnyPage | None, str], str]


FIGURES: dict[str, FigureSpec] = {
    "effect_directions": FigureSpec(
        "effect-directions",
        "aggregate.arm_outcome_cells(ev)",
        "effect_directions.csv",
        lambda ev, cells: list(heatmap_pages(ev)),
        effect_direction_heatmap,
        lambda ev, cells, page, lang: _describe().alt_effect_directions(ev, cells, page, lang),
    ),
    "verdicts": FigureSpec(
        "verdicts",
        "aggregate.effects_by_domain(ev)",
        "effects_by_domain.csv",
        lambda ev, table: list(arm_pages(ev, "verdicts")),
        verdict_matrix,
        lambda ev, table, page, lang: _describe().alt_verdicts(table, page, ev, lang),
    ),
    "sign_tests": FigureSpec(
        "sign-tests",
        "aggregate.sign_tests(by_domain, ev)",
        "sign_tests.csv",
        lambda ev, table: [None],
        lambda ev, table, lang, page: sign_test_figure(ev, table, lang),
        lambda ev, table, page, lang: _describe().alt_sign_tests(table, ev, lang),
    ),
    "sign_tests_by_case": FigureSpec(
        "sign-tests-by-case",
        'aggregate.sign_tests(aggregate.case_domain_verdicts(ev), ev, unit="case")',
        "sign_tests_by_case.csv",
        lambda ev, table: [None],
        lambda ev, table, lang, page: sign_test_figure(ev, table, lang),
        lambda ev, table, page, lang: _describe().alt_sign_tests(table, ev, lang),
    ),
    "country_domain": FigureSpec(
        "country-domain",
        "aggregate.country_domain(ev)",
        "country_domain.csv",
        lambda ev, table: list(country_domain_pages(table)),
        country_domain_figure,
        lambda ev, table, page, lang: _describe().alt_country_domain(table, ev, lang),
    ),
    "robustness": FigureSpec(
        "robustness",
        "(robustness.robustness_grid(ev), robustness.domain_robustness(grid))",
        "robustness.csv",
        lambda ev, data: [None],
        lambda ev, data, lang, page: robustness_figure(ev, data[0], lang),
        lambda ev, data, page, lang: _describe().alt_robustness(data[0], data[1], ev, lang),
    ),
    "single_vs_combined": FigureSpec(
        "single-vs-combined",
        "aggregate.single_vs_combined(ev)",
        "single_vs_combined.csv",
        lambda ev, table: list(single_combined_pages(table)),
        single_combined_figure,
        lambda ev, table, page, lang: _describe().alt_single_combined(table, page, lang),
    ),
    "single_vs_combined_domains": FigureSpec(
        "single-vs-combined-domains",
        "aggregate.single_combined_domains(comparison, ev)",
        "single_vs_combined_domains.csv",
        lambda ev, overlap: list(single_combined_domain_pages(overlap)),
        single_combined_domain_figure,
        lambda ev, overlap, page, lang: _describe().alt_single_combined_domains(overlap, page, lang),
    ),
    "combination": FigureSpec(
        "combination",
        "combination.combination_outcomes(ev)",
        "combination.csv",
        lambda ev, outcomes: list(combination_pages(outcomes)),
        combination_figure,
        lambda ev, outcomes, page, lang: _describe().alt_combination(outcomes, page, lang),
    ),
    "institutional_matrix": FigureSpec(
        "institutional-matrix",
        "aggregate.institutional_matrix(ev)",
        "institutional_matrix.csv",
        lambda ev, matrix: list(institutional_pages(ev, matrix)),
        institutional_figure,
        lambda ev, matrix, page, lang: _describe().alt_institutional(matrix, page, lang),
    ),
    "forest": FigureSpec(
        "forest",
        "(aligned, cases, pooled): magnitude.aligned_estimates(ev), case_estimates(aligned), "
        "pooled_estimates(cases)",
        "aligned_estimates.csv",
        lambda ev, estimates: list(forest_pages(ev, *estimates)),
        lambda ev, estimates, lang, page: forest_plot(ev, page, lang),
        lambda ev, estimates, page, lang: alt_forest(ev, page, lang),
    ),
    "albatross": FigureSpec(
        "albatross",
        "magnitude.albatross_points(ev)",
        "albatross_points.csv",
        lambda ev, points: [None] if len(points) else [],
        lambda ev, points, lang, page: albatross_figure(ev, points, lang),
        lambda ev, points, page, lang: alt_albatross(
            ev, points, magnitude.albatross_left_out(ev, points), lang
        ),
    ),
}


def figure(name: str) -> FigureSpec:
    """The registry entry `name`; an unknown name is an error that lists the known ones."""
    if name not in FIGURES:
        raise KeyError(name, tuple(FIGURES))  # the unknown name, then every known one
    return FIGURES[name]


def figure_pages(name: str, ev: Evidence, data: Any) -> list[AnyPage | None]:
    """The pages figure `name` draws from `data` (empty when the data offer nothing to draw)."""
    return figure(name).pages(ev, data)


def save_figures(
    name: str,
    ev: Evidence,
    data: Any,
    lang: str,
    figures_dir: str | Path,
    pages: list[AnyPage | None] | None = None,
    stem: str | None = None,
) -> list[tuple[outputs.SavedFigure, str]]:
    """Draw, describe and save every page of figure `name`; returns (saved files, alt text) per page.

    Each page's file is `Page.name` (or `stem`, default the entry's, for a figure of one page).
    """
    spec = figure(name)
    saved = []
    for page in figure_pages(name, ev, data) if pages is None else pages:
        fig = spec.draw(ev, data, lang, page)
        alt = spec.alt(ev, data, page, lang)
        file_stem = page.name if page is not None else (stem or spec.stem)
        saved.append((outputs.save_figure(fig, figures_dir, file_stem, alt), alt))
    return saved
