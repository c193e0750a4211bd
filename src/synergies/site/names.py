"""File names of the pages the site builder writes, importable without pandas (the runner's fast path)."""

from __future__ import annotations

import re

INDEX, NARRATIVE, FINDINGS = "index.html", "narrative.html", "findings.html"
# Rows a reader takes in at a glance; a longer table gets search, sorting and pages of this length.
SCREENFUL_ROWS = 20
_FINDINGS_PAGE = re.compile(r"^findings(-\d+)?\.html$")


def is_site_page(name: str) -> bool:
    """Whether a file name of `html/` is one of the pages the site builder writes (not a notebook's page)."""
    return name in (INDEX, NARRATIVE) or bool(_FINDINGS_PAGE.match(name))
