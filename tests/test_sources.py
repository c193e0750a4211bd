"""The shipped bibliography points readers at well-formed addresses of the primary publishers."""

from __future__ import annotations

from urllib.parse import urlsplit

import pandas as pd
import pytest

from synergies import config, narrative
from synergies.load import load_evidence

SOURCES = pd.read_csv(config.DATA_DIR / "sources.csv", dtype=str, keep_default_na=False)
# Hosts that re-publish other people's documents: a source's URL should be its publisher's page.
MIRROR_HOSTS = ("fdocuments", "vdocument", "readkong", "pdfslide", "studylib", "scribd", "dev.")


WITH_URL = SOURCES[SOURCES["url"] != ""].to_dict("records")


@pytest.mark.parametrize("row", WITH_URL, ids=lambda r: r["source_id"])
def test_every_url_is_well_formed(row: dict[str, str]) -> None:
    url = row["url"]
    parts = urlsplit(url)
    assert parts.scheme == "https", f"{row['source_id']}: {url!r} should use https"
    assert parts.netloc and "." in parts.netloc, f"{row['source_id']}: {url!r} has no host"
    assert url == url.strip() and " " not in url, f"{row['source_id']}: {url!r} holds spaces"
    assert url[-1] not in "&?=#", f"{row['source_id']}: {url!r} ends in {url[-1]!r}, so it was cut"
    assert not parts.netloc.startswith(MIRROR_HOSTS) and not any(
        host in parts.netloc for host in MIRROR_HOSTS[:-1]
    ), f"{row['source_id']}: {url!r} is a mirror site, not the publisher"


def test_markdown_narrative_holds_no_html_entities() -> None:
    """`&` in data text is escaped the Markdown way, so the .md source reads as written."""
    built = narrative.build(load_evidence(config.DATA_DIR))
    for lang in ("en", "es"):
        text = narrative.render_markdown(built, lang)
        assert "&amp;" not in text, lang


def test_ampersand_stays_literal_after_markdown_rendering() -> None:
    import mistune

    html = mistune.html(narrative.escape("Thomson & Thomas <b>"))
    assert "Thomson &amp; Thomas &lt;b&gt;" in html and "<b>" not in html
