"""The sign-test figure: share of beneficial verdicts per domain, its Wilson interval and the votes."""

from __future__ import annotations

import functools
import math
from dataclasses import replace

import pandas as pd
from matplotlib.figure import Figure

from synergies import palette
from synergies import text as tl
from synergies.i18n import labels, word
from synergies.load import Evidence
from synergies.plots.canvas import (
    Canvas,
    Cell,
    LegendItem,
    _draw_footer,
    _draw_header,
    _footer_block,
    _header_block,
)
from synergies.plots.measure import _block_width, line_height, text_width, wrap
from synergies.plots.rows import _findings_source
from synergies.plots.style import LABEL_SIZE, MARGIN, MIN_WIDTH, SMALL_SIZE
from synergies.text import numbers


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
        word("proportion_beneficial", lang, level=numbers.percent(lang, 95)),
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
        LegendItem(
            replace(bare, glyph="├─┤", colour=palette.INK),
            word("legend_interval", lang, level=numbers.percent(lang, 95)),
        ),
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
        tl.t(lang, "n = {n}:", n=int(t.n_beneficial + t.n_adverse)),
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
