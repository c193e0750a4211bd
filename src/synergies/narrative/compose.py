"""`build`: every section in reading order, then every stated number verified against its table."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

from synergies.load import Evidence, share_repeated_text
from synergies.narrative import verify
from synergies.narrative.across import _comparison_section
from synergies.narrative.caveats import _caveats_section, _claims_section, _magnitude_section
from synergies.narrative.country import _country_section
from synergies.narrative.facts import _Facts
from synergies.narrative.model import Narrative, natural_key
from synergies.narrative.overview import _overview, _references_section, _tracing_section
from synergies.narrative.phrases import TITLES

# =========================================================================== public API


@contextlib.contextmanager
def _collection_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while the narrative allocates its many small slot objects.

    Building allocates hundreds of thousands of acyclic objects (slots, counts, tallies); each
    allocation burst triggers collections that scan every live object, the loaded evidence
    included. At 10^5 findings that was about a fifth of the build. Memory is still freed by
    reference counting; the collector resumes when the build ends.

    Before it resumes, every object alive is moved to the oldest generation (`gc.freeze` then
    `gc.unfreeze`, two list splices): otherwise the first young collection after the build would
    scan all the objects the build left, a few tenths of a second at 10^5 findings. They are still
    collected, with the oldest generation, should any become cyclic garbage.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.unfreeze()
        if enabled:
            gc.enable()


# From this many findings the build first shares `ev`'s repeated text (see `build`). Measured on
# synthetic data (200 countries): at 10^6 findings sharing cut notebook 07's peak memory from about
# 1,850 MB to 1,370 MB and the build from about 71 s to 56 s; at 10^5 it made the build about
# 25 % slower (pandas reads Python-stored strings more slowly than Arrow ones) and saves little.
# The crossover lies between the two and was not measured more finely.
SHARE_TEXT_FROM_FINDINGS = 300_000


def build(ev: Evidence) -> Narrative:
    """The country-comparison narrative of `ev` in both languages, each sentence with its rows and numbers.

    The build walks every row, so with SHARE_TEXT_FROM_FINDINGS findings or more it first stores
    `ev`'s mostly repeated text columns as shared strings, in place (`load.share_repeated_text`:
    same values and dtypes, so the same outputs and the same digest of the data, far less memory).
    """
    if len(ev.findings) >= SHARE_TEXT_FROM_FINDINGS:
        share_repeated_text(ev)
    with _collection_paused():
        return _build(ev)


def _build(ev: Evidence) -> Narrative:
    """`build`, with the collector paused."""
    f = _Facts.of(ev)
    try:
        sections = [_overview(f)]
        sections += [_country_section(f, country) for country in f.countries]
        sections.append(_comparison_section(f))
        magnitudes = _magnitude_section(f)
        if magnitudes:
            sections.append(magnitudes)
        checked = _claims_section(f)
        if checked:
            sections.append(checked)
        sections += [_caveats_section(f), _tracing_section(f)]
        references = _references_section(f)
        if references:
            sections.append(references)
    finally:
        natural_key.cache_clear()  # one entry per finding id: keep it for one narrative only
    built = Narrative(TITLES["document"], tuple(sections))
    verify.check(built, ev, f.tables())  # every stated number against its table, or CountMismatch
    return built
