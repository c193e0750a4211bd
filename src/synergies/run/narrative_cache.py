"""The narrative a run's kernel built, handed to the runner so that the site does not build it again.

What is handed over is the site's view of it (`site.pages.SiteNarrative`: title, the index's
sentences and the narrative page, as HTML in the run's language), a few megabytes, where the whole
structure at 10^6 findings took the runner 40 s and 3 GB to read back.

Building the narrative is one of the slowest steps of a run at scale (`synergies.narrative.build`:
about a minute at 10^6 findings; docs/benchmarks.md). Notebook 07 builds it to show it
(`site.pages.narrative_fragment`), and the runner used to build it once more, after every notebook
had ended and with nothing else to do, for the site's index and narrative pages. Now the kernel
pickles what it built into the run's staging area and the runner reads it back (`load`), which takes
a fraction of the time.

The kernel keeps it only when the data it was built from are exactly the run's validated data
(the pickle the runner served, `synergies.run.kernel_evidence`): a notebook that filtered or changed
its tables first does not decide what the site says. Outside the runner the variable is not set and
nothing is written.
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path
from typing import Any

from synergies.run import kernel_evidence

NARRATIVE_VARIABLE = "SYNERGIES_NARRATIVE_CACHE"  # where a kernel pickles the narrative it built
NARRATIVE_CACHE = "narrative.pickle"  # in the staging work area, removed with it


DIGEST_NAME = "evidence.digest"  # beside the evidence pickle: the digest of the data it holds


def digest(ev: Any) -> str:
    """A digest of an Evidence's content: every field, tables by their values, dtypes and labels.

    Fields are read through `vars`, so in a kernel this is not recorded as the notebook reading them.
    About a second at 10^6 findings, with no copy of the data.
    """
    import hashlib

    import pandas as pd  # only called where pandas is loaded already

    total = hashlib.sha256()
    for name, value in vars(ev).items():
        total.update(name.encode() + b"\0")
        if isinstance(value, pd.DataFrame):
            total.update(repr((list(value.columns), [str(t) for t in value.dtypes])).encode())
            total.update(pd.util.hash_pandas_object(value, index=True).to_numpy().tobytes())
        else:
            total.update(repr(sorted(value) if isinstance(value, frozenset) else value).encode())
        total.update(b"\0")
    return total.hexdigest()


def write_digest(ev: Any, cache: Path) -> None:
    """In the runner: record beside the evidence pickle `cache` the digest of the data it holds.

    Data a digest cannot be taken of (a table holding unhashable values) get none: the site then
    builds its narrative itself.
    """
    try:
        value = digest(ev)
    except (TypeError, ValueError):
        return
    cache.with_name(DIGEST_NAME).write_text(value, encoding="utf-8")


def _is_served_data(ev: Any) -> bool:
    """Whether `ev` holds exactly the run's validated data (its digest is the one the runner wrote).

    A digest, not a comparison with a fresh copy of the pickle: at 10^6 findings the copy added
    half a gigabyte to the kernel.
    """
    cache = os.environ.get(kernel_evidence.CACHE_VARIABLE)
    if not cache:
        return False
    recorded = Path(cache).with_name(DIGEST_NAME)
    if not recorded.is_file():
        return False
    try:
        return recorded.read_text(encoding="utf-8") == digest(ev)
    except (TypeError, ValueError):
        return False


def keep(ev: Any, view: Any) -> bool:
    """In a kernel the runner started: pickle `view` (the site's view of `ev`'s narrative); True if kept."""
    target = os.environ.get(NARRATIVE_VARIABLE)
    if not target or not _is_served_data(ev):
        return False
    path = Path(target)
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    with partial.open("wb") as handle:
        pickle.dump(view, handle, protocol=pickle.HIGHEST_PROTOCOL)
    partial.replace(path)  # whole or absent: a kernel stopped mid-write leaves no narrative
    return True


def load(work: Path) -> Any | None:
    """In the runner: the site's narrative a kernel of this run kept in the work area `work`, or None."""
    path = work / NARRATIVE_CACHE
    if not path.is_file():
        return None
    with path.open("rb") as handle:
        return pickle.load(handle)
