"""Figures of magnitudes: a forest plot per domain and measure, and an albatross plot.

Both reuse the layout machinery of `synergies.plots` (the inch-based Canvas, measured word
wrap, title, footer and source line) and the one palette, and add a numeric axes where the
estimates go. Meaning never rests on colour alone: in the forest plot a filled marker is a
result whose 95 % interval excludes no effect and a hollow one is not, and the side of the
zero line says good or bad for households; in the albatross plot the side of the centre says
it and the marker's shape repeats it (▲ good, ▼ harmful).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

from synergies import magnitude, palette
from synergies.i18n import check_lang, labels
from synergies.load import Evidence
from synergies.magnitude_text import (
    fmt_number,
    fmt_p_tick,
    interval,
    measure_label,
    measure_unit,
    not_pooled_parts,
)
from synergies.plots.canvas import Canvas, _draw_footer, _draw_header, _footer_block, _header_block
from synergies.plots.measure import text_width, wrap
from synergies.plots.rows import arm_label, source_line
from synergies.plots.style import (
    BAND,
    LABEL_SIZE,
    MARGIN,
    MAX_PAGES,
    MAX_ROWS_PER_PAGE,
    MIN_WIDTH,
    SMALL_SIZE,
    SOURCE_INK,
    STYLE,
)
from synergies.text import numbers, t, tn
from synergies.text.names import country as country_name

ROW_H = 0.22  # inches per forest row
PLOT_W = 3.6  # width of the estimate axis, inches
LABEL_W_MAX = 4.0
VALUE_W = 1.5  # the "estimate [low, high]" column
SMD_CONTOURS = (0.1, 0.25, 0.5)
# Where a ratio axis (drawn on the log scale) puts its ticks: values readers recognise.
RATIO_TICKS = (
    0.1,
    0.2,
    0.25,
    0.5,
    0.67,
    0.8,
    0.9,
    1.0,
    1.1,
    1.25,
    1.5,
    2.0,
    3.0,
    4.0,
    5.0,
    10.0,
)  # small, moderate and large standardised effects


@dataclass
class ForestRow:
    """One line of a forest plot: a case heading, a finding, a case estimate or the pooled estimate.

    A row holds the data's codes, not words: `row_label` writes its label in the language the
    figure is drawn in, so one set of pages serves every language.
    """

    kind: str  # case | finding | case_estimate | pooled
    estimate: float = math.nan
    low: float = math.nan
    high: float = math.nan
    significant: bool | None = None
    finding_id: str = ""
    country: str = ""  # case: the case's country and name
    case: str = ""
    intervention: str = ""  # finding: its arm (intervention and arm type) and outcome
    arm: str = ""
    outcome: str = ""
    k: int = 0  # pooled: how many evaluations


@dataclass
class ForestPage:
    """One forest figure: a domain and measure, some of its cases, the pooled estimate on the last page."""

    name: str
    domain: str
    measure: str
    rows: list[ForestRow] = field(default_factory=list)
    page: int = 1
    pages: int = 1
    left_out_rows: int = 0  # rows beyond the last drawn page (all in the table)
    not_drawn: dict[str, int] = field(default_factory=dict)  # why findings of the domain are absent


def _shown(measure: str, value: float) -> float:
    """A value of the analysis scale as readers see it (a ratio, for log-scale measures)."""
    return math.exp(value) if measure in magnitude.LOG_SCALE else value


def forest_pages(
    ev: Evidence,
    aligned: pd.DataFrame,
    cases: pd.DataFrame,
    pooled: pd.DataFrame,
    lang: str | None = None,
    max_rows: int = MAX_ROWS_PER_PAGE,
    max_pages: int = MAX_PAGES,
) -> list[ForestPage]:
    """Pages of forest plots, one series per domain and measure with a drawable finding.

    Drawn: findings with an aligned estimate and a standard error in a poolable measure, grouped
    by case (case heading, its arms' findings, then the case's one estimate), and the pooled
    estimate last. Cases are kept whole on a page; beyond `max_pages` pages of one domain and
    measure the rest are counted in the last page's note and are in the table.

    Pages are the same in every language (labels are written when a page is drawn), so the figure
    registry pages them once; `lang`, which callers written before gave, is only checked.
    """
    if lang is not None:
        check_lang(lang)
    pages: list[ForestPage] = []
    drawable = aligned[aligned["pooled_as"].isin(magnitude.POOLED_MEASURES)]
    for domain in ev.domain_order:
        in_domain = aligned[aligned["domain"] == domain]
        not_drawn = in_domain[~in_domain["pooled_as"].isin(magnitude.POOLED_MEASURES)]
        reasons = not_drawn["pooled_as"].value_counts().to_dict()
        for measure in magnitude.POOLED_MEASURES:
            rows_here = drawable[(drawable["domain"] == domain) & (drawable["effect_measure"] == measure)]
            if rows_here.empty:
                continue
            blocks: list[list[ForestRow]] = []
            case_table = cases[(cases["domain"] == domain) & (cases["effect_measure"] == measure)]
            for (country, case), group in rows_here.groupby(["country", "case"], sort=False):
                block = [ForestRow("case", country=country, case=case)]
                for r in group.itertuples(index=False):
                    block.append(
                        ForestRow(
                            "finding",
                            r.aligned_estimate,
                            r.ci_low,
                            r.ci_high,
                            bool(r.significant) if pd.notna(r.significant) else None,
                            r.finding_id,
                            intervention=r.intervention,
                            arm=r.arm,
                            outcome=r.outcome,
                        )
                    )
                one = case_table[(case_table["country"] == country) & (case_table["case"] == case)]
                if len(group) > 1 and not one.empty:
                    c = one.iloc[0]
                    block.append(ForestRow("case_estimate", c["estimate"], c["ci_low"], c["ci_high"]))
                # A case longer than a page is cut into page-long pieces, each under its heading.
                body = block[1:]
                step = max_rows - 1
                for start in range(0, len(body), step):
                    blocks.append([block[0], *body[start : start + step]])
            chunks: list[list[ForestRow]] = [[]]
            for block in blocks:
                if chunks[-1] and len(chunks[-1]) + len(block) > max_rows:
                    chunks.append([])
                chunks[-1].extend(block)
            left_out = sum(len(c) for c in chunks[max_pages:])
            chunks = chunks[:max_pages]
            hit = pooled[(pooled["domain"] == domain) & (pooled["effect_measure"] == measure)]
            if not hit.empty:
                p = hit.iloc[0]
                low, high, centre = (
                    (math.log(p["ci_low"]), math.log(p["ci_high"]), math.log(p["estimate"]))
                    if measure in magnitude.LOG_SCALE
                    else (p["ci_low"], p["ci_high"], p["estimate"])
                )
                chunks[-1].append(ForestRow("pooled", centre, low, high, k=int(p["k"])))
            base = f"forest-{domain}-{measure}"
            for i, chunk in enumerate(chunks, start=1):
                pages.append(
                    ForestPage(
                        name=base if len(chunks) == 1 else f"{base}-{i}",
                        domain=domain,
                        measure=measure,
                        rows=chunk,
                        page=i,
                        pages=len(chunks),
                        left_out_rows=left_out if i == len(chunks) else 0,
                        not_drawn=reasons,
                    )
                )
    return pages


def _not_drawn_note(page: ForestPage, lang: str) -> str:
    """Which findings of the domain with an estimate are not on the figure, and why."""
    parts = not_pooled_parts(page.not_drawn, "note", lang)
    note = ""
    if parts:
        note = t(lang, "Not drawn, in the table: {parts}.", parts="; ".join(parts))
    if page.left_out_rows:
        note += " " + tn(
            lang,
            "{n} more row beyond page {page} is in aligned_estimates.csv.",
            "{n} more rows beyond page {page} are in aligned_estimates.csv.",
            page.left_out_rows,
            page=page.page,
        )
    return note.strip()


def row_label(ev: Evidence, row: ForestRow, lang: str, outcome_label: dict[str, str] | None = None) -> str:
    """The label of a forest row in `lang`: 'Peru / Haku Wiñay', 'F07 · Haku Wiñay (single) · Income'.

    `outcome_label` is `labels(ev.outcomes, "outcome", lang)`, for a caller labelling many rows.
    """
    if row.kind == "case":
        return t(lang, "{country} / {case}", country=country_name(lang, row.country), case=row.case)
    if row.kind == "finding":
        if outcome_label is None:
            outcome_label = labels(ev.outcomes, "outcome", lang)
        return t(
            lang,
            "{finding} · {arm} · {outcome}",
            finding=row.finding_id,
            arm=arm_label(row.intervention, row.arm, lang),
            outcome=outcome_label.get(row.outcome, row.outcome),
        )
    if row.kind == "case_estimate":
        return t(lang, "Evaluation estimate (mean, r = 1)")
    return tn(
        lang, "Pooled, {n} evaluation (random effects)", "Pooled, {n} evaluations (random effects)", row.k
    )


def _label_width(row: ForestRow, label: str) -> float:
    """Inches a row label needs: bold for case headings and the pooled row, indented for the others."""
    bold = row.kind in ("case", "pooled")
    return text_width(label, LABEL_SIZE, bold) + (0.0 if bold else 0.12)


def forest_plot(ev: Evidence, page: ForestPage, lang: str) -> Figure:
    """A forest plot of one page: estimates aligned so that right of the zero line is good for households."""
    check_lang(lang)
    domain_label = labels(ev.domains, "domain", lang).get(page.domain, page.domain)
    outcome_label = labels(ev.outcomes, "outcome", lang)
    row_labels = [row_label(ev, r, lang, outcome_label) for r in page.rows]
    label_w = min(
        LABEL_W_MAX,
        max(_label_width(r, label) for r, label in zip(page.rows, row_labels, strict=True)) + 0.1,
    )
    width = max(MIN_WIDTH, 2 * MARGIN + label_w + PLOT_W + VALUE_W + 0.2)
    title = t(lang, "Estimated effects on {domain}", domain=domain_label)
    if page.pages > 1:
        title += " " + t(lang, "(page {page} of {pages})", page=page.page, pages=page.pages)
    subtitle = t(
        lang,
        "{measure}, sign-aligned with the codebook: right of the line is good for households (the sign "
        "of outcomes where lower is better is reversed). Intervals at {confidence}.",
        confidence=numbers.percent(lang, 95),
        measure=_sentence_start(measure_label(page.measure, lang)),
    )
    key = t(
        lang,
        "● interval excludes no effect (significant at 5%) · ○ it does not · ◆ one estimate per "
        "evaluation, or pooled (random effects, Paule–Mandel)",
    )
    source = source_line(ev, lang, "findings.csv, outcomes.csv", "aligned_estimates.csv")
    title_lines, sub_lines, head_h = _header_block(width, title, subtitle)
    layout, note_lines, source_lines, foot_h = _footer_block(
        width, [], [key, _not_drawn_note(page, lang)], source
    )
    body_h = ROW_H * (len(page.rows) + 0.5)
    axis_h = 0.55
    height = MARGIN + head_h + body_h + axis_h + foot_h + MARGIN
    canvas = Canvas(width, height)
    top = _draw_header(canvas, title_lines, sub_lines)
    plot_left = MARGIN + label_w + 0.1
    values_left = plot_left + PLOT_W + 0.15
    for i, (row, label) in enumerate(zip(page.rows, row_labels, strict=True)):
        y = top + ROW_H * (i + 0.75)
        bold = row.kind in ("case", "pooled")
        indent = 0.0 if row.kind in ("case", "pooled") else 0.12
        text = wrap(label, label_w - indent, LABEL_SIZE, bold, max_lines=1)[0]
        canvas.text(
            MARGIN + indent,
            y,
            text,
            LABEL_SIZE,
            ha="left",
            fontweight="bold" if bold else "normal",
        )
        if not math.isnan(row.estimate):
            shown = [_shown(page.measure, v) for v in (row.estimate, row.low, row.high)]
            canvas.text(
                values_left,
                y,
                t(
                    lang,
                    "{estimate} [{low}, {high}]",
                    estimate=fmt_number(shown[0], lang),
                    low=fmt_number(shown[1], lang),
                    high=fmt_number(shown[2], lang),
                ),
                LABEL_SIZE,
                ha="left",
            )
    # The estimate axis spans the body rows; y in row units, growing downwards like the canvas.
    frac = (plot_left / width, 1 - (top + body_h) / height, PLOT_W / width, body_h / height)
    with matplotlib.rc_context(STYLE):
        ax = canvas.fig.add_axes(frac)
    ax.set_ylim(len(page.rows) + 0.5 - 0.25, -0.25)
    values = [v for r in page.rows for v in (r.low, r.high, r.estimate) if not math.isnan(v)]
    lo, hi = min([0.0, *values]), max([0.0, *values])
    pad = (hi - lo) * 0.06 or 0.1
    ax.set_xlim(lo - pad, hi + pad)
    ax.axvline(0, color=palette.INK, linewidth=0.8)
    for i, row in enumerate(page.rows):
        y = i + 0.5
        if row.kind == "case":
            ax.axhspan(i + 0.05, i + 0.95, color=BAND, linewidth=0, zorder=0)
            continue
        if math.isnan(row.estimate):
            continue
        side = palette.BLUE if row.estimate > 0 else palette.VERMILLION
        if row.kind == "finding":
            ax.plot([row.low, row.high], [y, y], color=side, linewidth=1.1, solid_capstyle="butt")
            filled = bool(row.significant)
            ax.plot(
                row.estimate, y, "o", markersize=4.5, markeredgecolor=side, markeredgewidth=1.1,
                markerfacecolor=side if filled else "white",
            )  # fmt: skip
        else:
            h = 0.32 if row.kind == "pooled" else 0.24
            colour = palette.INK if row.kind == "pooled" else palette.GREY
            ax.fill(
                [row.low, row.estimate, row.high, row.estimate],
                [y, y - h, y, y + h],
                color=colour,
                linewidth=0,
            )
    ax.yaxis.set_major_locator(NullLocator())
    for spine in ("left", "right", "top"):
        ax.spines[spine].set_visible(False)
    ax.tick_params(axis="x", labelsize=LABEL_SIZE)
    if page.measure in magnitude.LOG_SCALE:
        low, high = ax.get_xlim()
        nice = [r for r in RATIO_TICKS if low <= math.log(r) <= high]
        while len(nice) > 7:  # a wide range: keep 1 and every other tick
            keep = nice.index(1.0) % 2 if 1.0 in nice else 0
            nice = [r for i, r in enumerate(nice) if i % 2 == keep]
        ax.xaxis.set_major_locator(FixedLocator([math.log(r) for r in nice]))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt_number(math.exp(v), lang)))
    else:
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt_number(v, lang)))
    unit = measure_unit(page.measure, lang)
    axis = t(lang, "← worse for households   {unit}   better for households →", unit=unit)
    ax.set_xlabel(axis, fontsize=LABEL_SIZE)
    _draw_footer(canvas, layout, note_lines, source_lines, top + body_h + axis_h)
    return canvas.finish()


def alt_forest(ev: Evidence, page: ForestPage, lang: str) -> str:
    """Alt text: what the figure shows, how many findings, and every estimate drawn with its interval."""
    domain_label = labels(ev.domains, "domain", lang).get(page.domain, page.domain)
    findings = [r for r in page.rows if r.kind == "finding"]
    significant = sum(1 for r in findings if r.significant)
    good = sum(1 for r in findings if r.estimate > 0)
    text = tn(
        lang,
        "Forest plot of {n} estimated effect on {domain} ({measure}), aligned so that positive is good "
        "for households, grouped by evaluation.",
        "Forest plot of {n} estimated effects on {domain} ({measure}), aligned so that positive is good "
        "for households, grouped by evaluation.",
        len(findings),
        domain=domain_label,
        measure=measure_label(page.measure, lang),
    )
    text += " " + t(
        lang,
        "On the good side: {good}; on the harmful side: {bad}; with an interval at {confidence} that "
        "excludes no effect: {significant}.",
        confidence=numbers.percent(lang, 95),
        good=good,
        bad=len(findings) - good,
        significant=significant,
    )
    pooled = [r for r in page.rows if r.kind == "pooled"]
    if pooled:
        p = pooled[0]
        low, high = (_shown(page.measure, v) for v in (p.low, p.high))
        estimate = fmt_number(_shown(page.measure, p.estimate), lang)
        text += " " + t(
            lang,
            "{label}: {estimate} ({interval}).",
            label=row_label(ev, p, lang),
            estimate=estimate,
            interval=interval(low, high, lang),
        )
    note = _not_drawn_note(page, lang)
    return f"{text} {note}".strip()


def _sentence_start(phrase: str) -> str:
    """`phrase` with its first letter capitalised and the rest as written (never lower-cased)."""
    return phrase[:1].upper() + phrase[1:]


# --------------------------------------------------------------------------- albatross plot


def _x(p: np.ndarray | float, side: np.ndarray | float) -> np.ndarray:
    """Horizontal position: -log10(p) on the side of the effect, p = 1 at the centre."""
    return np.asarray(side, dtype=float) * -np.log10(np.asarray(p, dtype=float))


def albatross_figure(ev: Evidence, points: pd.DataFrame, lang: str) -> Figure:
    """Albatross plot (Harrison et al. 2017): p against n, harmful left, good for households right.

    One panel per domain with points, sharing axes; contours show where a standardised mean
    difference of 0.1, 0.25 and 0.5 SD would fall for each sample size (two equal groups), so
    the size of an smd result can be read from its place; for other measures only the sides and
    the p-values are comparable, which the figure says.
    """
    check_lang(lang)
    domain_label = labels(ev.domains, "domain", lang)
    domains = [d for d in ev.domain_order if (points["domain"] == d).any()]
    ncols = min(3, len(domains))
    nrows = math.ceil(len(domains) / ncols)
    panel_w, panel_h = 2.9, 2.5
    width = max(MIN_WIDTH, ncols * panel_w + 2 * MARGIN + 0.4)
    title = t(lang, "Albatross plot: p-value against sample size")
    subtitle = t(
        lang,
        "Left of the centre: harmful for households; right: good for households (aligned with the "
        "codebook). Curves: where a standardised mean difference of 0.1, 0.25 or 0.5 SD lies for each n. "
        "Two-sided p, reported or computed from the estimate and its standard error.",
    )
    key = t(
        lang,
        "▲ good for households · ▼ harmful · dashed lines: p = 0.05. The curves apply to smd results only.",
    )
    source = source_line(ev, lang, "findings.csv, outcomes.csv", "albatross_points.csv")
    title_lines, sub_lines, head_h = _header_block(width, title, subtitle)
    layout, note_lines, source_lines, foot_h = _footer_block(width, [], [key], source)
    grid_h = nrows * (panel_h + 0.35)
    height = MARGIN + head_h + grid_h + foot_h + MARGIN
    canvas = Canvas(width, height)
    top = _draw_header(canvas, title_lines, sub_lines)
    n_all = points["n"].astype(float)
    n_lo = 10 ** math.floor(math.log10(max(n_all.min(), 2) / 1.5))
    n_hi = 10 ** math.ceil(math.log10(n_all.max() * 1.5))
    x_max = max(4.0, math.ceil(float(_x(points["p_value"].min(), 1)) + 0.5))
    grid_n = np.geomspace(n_lo, n_hi, 200)
    # 0.05 is marked by the dashed lines; it gets a label only when the axis is short enough.
    candidates = (1e-10, 1e-5, 1e-3, 0.05) if x_max <= 5 else (1e-10, 1e-5, 1e-3)
    ticks_p = [p for p in candidates if -math.log10(p) <= x_max]
    tick_p = [*reversed(ticks_p), 1.0, *ticks_p]
    tick_x = [math.log10(p) for p in reversed(ticks_p)] + [0.0] + [-math.log10(p) for p in ticks_p]
    inner_left = MARGIN + 0.45
    for i, domain in enumerate(domains):
        row, col = divmod(i, ncols)
        left = inner_left + col * panel_w
        top_i = top + row * (panel_h + 0.35) + 0.25
        frac = (
            left / width,
            1 - (top_i + panel_h - 0.45) / height,
            (panel_w - 0.35) / width,
            (panel_h - 0.45) / height,
        )
        with matplotlib.rc_context(STYLE):
            ax = canvas.fig.add_axes(frac)
        ax.set_yscale("log")
        ax.set_ylim(n_lo, n_hi)
        ax.set_xlim(-x_max, x_max)
        for d in SMD_CONTOURS:
            x = _x(magnitude.smd_p_contour(d, grid_n).clip(min=1e-300), 1)
            for s in (-1, 1):
                ax.plot(s * x, grid_n, color=palette.GREY, linewidth=0.7)
            inside = np.flatnonzero(x <= x_max * 0.97)
            if inside.size:  # label each curve where it leaves the panel, on the right
                j = int(inside[-1])
                contour_label = numbers.decimal(lang, d, len(f"{d:g}".split(".")[-1])) + " "
                ax.text(x[j], grid_n[j], contour_label, fontsize=SMALL_SIZE,
                        color=SOURCE_INK, ha="right", va="top")  # fmt: skip
        for s in (-1, 1):
            ax.axvline(s * -math.log10(0.05), color=palette.GREY, linewidth=0.6, linestyle="--")
        ax.axvline(0, color=palette.INK, linewidth=0.8)
        here = points[points["domain"] == domain]
        for side, marker, colour in ((1, "^", palette.BLUE), (-1, "v", palette.VERMILLION)):
            sel = here[here["side"] == side]
            ax.scatter(_x(sel["p_value"], side), sel["n"].astype(float), marker=marker, s=16, color=colour,
                       edgecolors="white", linewidths=0.3, zorder=3)  # fmt: skip
        ax.xaxis.set_major_locator(FixedLocator(tick_x))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, pos, tp=tick_p: fmt_p_tick(tp[pos], lang)))
        ax.tick_params(labelsize=SMALL_SIZE)
        if row == nrows - 1 or i + ncols >= len(domains):
            ax.set_xlabel(t(lang, "p (two-sided)"), fontsize=LABEL_SIZE)
        ax.set_title(
            tn(
                lang,
                "{domain} ({n} finding)",
                "{domain} ({n} findings)",
                len(here),
                domain=domain_label.get(domain, domain),
            ),
            fontsize=LABEL_SIZE,
        )
        if col == 0:
            ax.set_ylabel(t(lang, "Sample size n"), fontsize=LABEL_SIZE)
    _draw_footer(canvas, layout, note_lines, source_lines, top + grid_h)
    return canvas.finish()


def alt_albatross(ev: Evidence, points: pd.DataFrame, left_out: pd.DataFrame, lang: str) -> str:
    """Alt text of the albatross plot: findings per domain and side, and what was left out."""
    domain_label = labels(ev.domains, "domain", lang)
    parts = []
    for domain in ev.domain_order:
        here = points[points["domain"] == domain]
        if here.empty:
            continue
        good, bad = int((here["side"] == 1).sum()), int((here["side"] == -1).sum())
        sig = int((here["p_value"] < 0.05).sum())
        parts.append(
            t(
                lang,
                "{domain}: {good} good for households, {bad} harmful, {significant} with p < 0.05",
                domain=domain_label.get(domain, domain),
                good=good,
                bad=bad,
                significant=sig,
            )
        )
    text = tn(
        lang,
        "Albatross plot of {n} finding, p-value against sample size, harmful left and good for "
        "households right, with curves of standardised mean differences of 0.1, 0.25 and 0.5 SD.",
        "Albatross plot of {n} findings, p-value against sample size, harmful left and good for "
        "households right, with curves of standardised mean differences of 0.1, 0.25 and 0.5 SD.",
        len(points),
    )
    text += " " + "; ".join(parts) + "."
    if len(left_out):
        text += " " + tn(
            lang,
            "{n} finding with n and a p-value is not drawn: it has no side for households.",
            "{n} findings with n and a p-value are not drawn: they have no side for households.",
            len(left_out),
        )
    return text
