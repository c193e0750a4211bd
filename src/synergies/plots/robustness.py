"""The robustness grid: scenarios × domains, drawn with seaborn's heatmap."""

from __future__ import annotations

import matplotlib
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from synergies import aggregate, palette, robustness
from synergies.i18n import labels, word
from synergies.load import Evidence
from synergies.plots.canvas import _header_block
from synergies.plots.measure import line_height, text_width, wrap
from synergies.plots.style import (
    FONT,
    LABEL_SIZE,
    MARGIN,
    MIN_WIDTH,
    SMALL_SIZE,
    STYLE,
    SUBTITLE_SIZE,
    TITLE_SIZE,
)
from synergies.text import numbers

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
    # A long scenario label (a data-defined alternative polarity names its outcomes) wraps between
    # words, never cut; every row grows to the tallest label, as seaborn draws rows of one height.
    wrapped = [wrap(y, label_w - 0.1, LABEL_SIZE, max_lines=4) for y in y_labels]
    y_labels = ["\n".join(lines) for lines in wrapped]
    most = max((len(lines) for lines in wrapped), default=1)
    cell_h = max(cell_h, most * line_height(LABEL_SIZE) + 0.08)
    header_h = max((len(x.split("\n")) for x in x_labels), default=1) * line_height(SMALL_SIZE) + 0.15
    width = max(MIN_WIDTH, label_w + cell_w * len(domains) + 2 * MARGIN)
    title_lines, sub_lines, title_h = _header_block(
        width, word("title_robustness", lang), word("subtitle_robustness", lang)
    )
    note = word("note_robustness", lang, threshold=numbers.percent(lang, aggregate.VERDICT_THRESHOLD * 100))
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
