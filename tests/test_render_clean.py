"""The report renderer's fast path: HTML already clean is kept, anything else goes through bleach."""

from __future__ import annotations

import pandas as pd
import pytest

from synergies.load import Evidence
from synergies.run import render
from synergies.site import tables

ATTACKS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<img src="x" onerror="alert(1)">',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="java\tscript:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="JavaScript:alert(1)">x</a>',
    "<svg onload=alert(1)>",
    "<style>body{}</style>",
    "<!-- a comment --><p>x</p>",
    "<p>a < b</p>",
    "<p>a & b</p>",
    "<iframe src=x></iframe>",
    '<p style="color:red">x</p>',
    "<p>x</p><scr<script>ipt>",
    "<p onclick='x'>y</p>",
    '<div class="a" onmouseover="x">y</div>',
]


@pytest.mark.parametrize("html", ATTACKS)
def test_markup_bleach_would_change_is_never_taken_as_clean(html: str) -> None:
    assert not render._already_clean(html)
    cleaned = render._clean_html(html)
    assert "<script" not in cleaned and "onerror" not in cleaned and "javascript" not in cleaned.lower()
    assert "onload" not in cleaned and "onclick" not in cleaned and "<iframe" not in cleaned


@pytest.mark.parametrize(
    "html",
    [
        "",
        "<p>plain text</p>",
        '<table class="t"><thead><tr><th class="" scope="col">A &amp; B</th></tr></thead></table>',
        '<p>see <a href="../tables/x.csv">tables/x.csv</a> and <a href="https://example.org/a">here</a></p>',
        '<h2 id="x">It&#x27;s &lt;script&gt;</h2><br/><br>',
    ],
)
def test_clean_html_of_the_allowed_shape_is_kept_as_it_is(html: str) -> None:
    assert render._already_clean(html)
    assert render._clean_html(html) == html


def test_a_people_table_with_hostile_text_passes_the_fast_path_and_stays_inert(evidence: Evidence) -> None:
    frame = pd.DataFrame({"note": ["<script>alert(1)</script>", "<img src=x onerror=alert(2)>", "a & b"]})
    page = tables.for_people(frame, evidence, "en").html()
    assert render._already_clean(page)  # our own table needs no bleach
    assert "<script" not in page and "<img" not in page


def test_a_page_is_finished_without_beautifulsoup() -> None:
    html = '<img src="a.png"><div class="jp-RenderedImage jp-OutputArea-output x">'
    html += '<img alt="y" src="b.png"></div>'
    done = render._finish_page(html)
    assert done.count("alt=") == 2 and render.NO_ALT in done
    assert 'jp-OutputArea-output x" tabindex="0"' in done
