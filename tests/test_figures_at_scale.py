"""Beyond MAX_ARMS arms figures pool arms by country; beyond MAX_PAGES pages others leave rows to tables."""

from __future__ import annotations

import csv
from collections import Counter, defaultdict

import pytest
from matplotlib.text import Text

from synergies import aggregate, describe, plots
from synergies.load import Evidence, load_evidence
from synergies.synthetic import write_synthetic

N_COUNTRIES = 45  # × 6 cases: 270 cases (over MAX_PAGES pages) and 540 arms (over MAX_ARMS)


@pytest.fixture(scope="module")
def many_arms(tmp_path_factory) -> Evidence:
    directory = tmp_path_factory.mktemp("many-arms")
    write_synthetic(
        directory, n_findings=5000, n_countries=N_COUNTRIES, cases_per_country=6, n_outcomes=24, n_domains=6
    )
    return load_evidence(directory)


def texts(fig) -> str:
    return "\n".join(t.get_text() for t in fig.findobj(Text))


def hand_verdicts(ev: Evidence, by: tuple[str, ...]) -> dict[tuple[str, ...], str]:
    """Pool findings.csv by `by` (country, then domain or outcome) and apply the 70 % rule by hand."""
    with (ev.data_dir / "outcomes.csv").open(encoding="utf-8") as handle:
        outcomes = {r["outcome"]: r for r in csv.DictReader(handle)}
    counts: dict[tuple[str, ...], Counter] = defaultdict(Counter)
    with (ev.data_dir / "findings.csv").open(encoding="utf-8") as handle:
        for r in csv.DictReader(handle):
            o = outcomes[r["outcome"]]
            if r["direction"] == "no_change":
                effect = "no_change"
            elif o["better"] == "ambiguous":
                effect = "unclear"
            else:
                good = (r["direction"] == "increase") == (o["better"] == "higher")
                effect = "beneficial" if good else "adverse"
            key = tuple(o["domain"] if k == "domain" else r[k] for k in by)
            counts[key][effect] += 1
    result = {}
    for key, c in counts.items():
        voting = c["beneficial"] + c["adverse"] + c["no_change"]
        verdict = "unclear" if voting == 0 else "conflicting"
        for effect in ("beneficial", "adverse", "no_change"):
            if voting and c[effect] / voting >= 0.7:
                verdict = effect
        result[key] = verdict
    return result


def test_200_arms_stay_one_row_each(tmp_path):
    write_synthetic(
        tmp_path, n_findings=2400, n_countries=10, cases_per_country=10, n_outcomes=60, n_domains=8
    )
    ev = load_evidence(tmp_path)
    for pages in (plots.heatmap_pages(ev), plots.arm_pages(ev, "verdicts")):
        assert {p.level for p in pages} == {"arm"} and not pages[0].not_drawn
        assert sorted(r for p in pages for r in p.rows) == list(range(len(aggregate.arms(ev))))


def test_more_arms_than_fit_in_max_pages_are_pooled_by_country(many_arms):
    n_rows = len(plots.country_rows(many_arms))
    assert n_rows == N_COUNTRIES + 1  # the gap case's country has no findings but keeps its row
    for pages in (plots.heatmap_pages(many_arms), plots.arm_pages(many_arms, "verdicts")):
        assert {p.level for p in pages} == {"country"}
        assert sorted(r for p in pages for r in p.rows) == list(range(n_rows)), "every country once"
        assert all(len(p.rows) <= plots.MAX_ROWS_PER_PAGE for p in pages)
        assert all("-by-country" in p.name for p in pages)


@pytest.mark.parametrize("by", [("country", "domain"), ("country", "outcome")])
def test_pooled_verdicts_match_a_hand_count(many_arms, by):
    if by[1] == "domain":
        table = aggregate.pool_by(aggregate.effects_by_domain(many_arms), list(by), many_arms)
    else:
        cells = aggregate.arm_outcome_cells(many_arms)
        table = aggregate.pool_by(cells, ["country", "domain", "outcome"], many_arms)
    got = {tuple(getattr(r, k) for k in by): r.verdict for r in table.itertuples(index=False)}
    assert got == hand_verdicts(many_arms, by)
    assert table["total"].sum() == len(many_arms.findings)


def test_pooled_figures_draw_countries_and_say_why(many_arms):
    cells = aggregate.arm_outcome_cells(many_arms)
    page = plots.heatmap_pages(many_arms)[0]
    heatmap = texts(plots.effect_direction_heatmap(many_arms, cells, "es", page))
    assert f"Los datos tienen {plots.arms_with_findings(many_arms)} brazos de intervención" in heatmap
    assert "Programme A + Transfer" not in heatmap, "no case rows once arms are pooled"
    assert "Bolivia" in heatmap
    by_domain = aggregate.effects_by_domain(many_arms)
    countries = plots.country_rows(many_arms)
    gap = countries.index[countries["n_findings"] == 0][0]  # the country whose only case has no evaluation
    verdict_page = next(p for p in plots.arm_pages(many_arms, "verdicts") if gap in p.rows)
    verdicts = texts(plots.verdict_matrix(many_arms, by_domain, "en", verdict_page))
    assert verdicts.count("no reported impact results") == 2, "the gap row and the legend"
    alt = describe.alt_verdicts(by_domain, verdict_page, many_arms, "en")
    assert alt.startswith("Verdict matrix by country:")
    assert f"No findings: {countries['country'][gap]}." in alt
    note = describe.pages_note(plots.heatmap_pages(many_arms), "effect_directions.csv", "en")
    assert "pools the arms of each country" in note and "tables/effect_directions.csv" in note


def test_figures_of_cases_and_pairs_draw_at_most_max_pages_and_count_the_rest(many_arms):
    matrix = aggregate.institutional_matrix(many_arms)
    cases = plots.institutional_cases(many_arms, matrix)
    pages = plots.institutional_pages(many_arms, matrix)
    assert len(pages) == plots.MAX_PAGES
    drawn = sum(len(p.rows) for p in pages)
    assert pages[0].not_drawn == len(cases) - drawn > 0
    figure = texts(plots.institutional_figure(many_arms, matrix, "en", pages[0]))
    assert f"rows left out: {len(cases) - drawn}" in figure and "tables/institutional_matrix.csv" in figure
    alt = describe.alt_institutional(matrix, pages[0], "en")
    assert f"{len(cases) - drawn} more rows are not drawn" in alt
    note = describe.pages_note(pages, "institutional_matrix.csv", "es")
    assert "Solo se dibujan las primeras 5 páginas" in note


def test_country_rows_are_never_cut(tmp_path):
    n_countries = plots.MAX_PAGES * plots.MAX_ROWS_PER_PAGE + 10
    write_synthetic(tmp_path, n_findings=n_countries * 3, n_countries=n_countries, cases_per_country=1)
    ev = load_evidence(tmp_path)
    pages = plots.country_domain_pages(aggregate.country_domain(ev))
    assert len(pages) > plots.MAX_PAGES and not pages[0].not_drawn
    heatmap = plots.heatmap_pages(ev)
    assert heatmap[0].level == "country" and not heatmap[0].not_drawn
    assert sum(len(p.rows) for p in heatmap) == len(plots.country_rows(ev))


def test_small_data_figures_say_nothing_about_scale(evidence):
    assert describe.pages_note(plots.heatmap_pages(evidence), "effect_directions.csv", "en") == ""


def test_pages_of_countries_are_balanced(many_arms):
    pages = plots.heatmap_pages(many_arms, max_rows=40)  # 46 countries: 23 + 23, not 40 + 6
    assert [len(p.rows) for p in pages] == [23, 23]


def test_large_counts_in_notebook_text_are_grouped(many_arms):
    counts = many_arms.findings["effect"].value_counts()
    text = describe.effects_summary(many_arms, "en")
    assert f"beneficial {int(counts['beneficial']):,}," in text and int(counts["beneficial"]) >= 1000
