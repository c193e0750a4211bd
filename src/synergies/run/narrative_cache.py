"""The narrative a run's kernel built, handed to the runner so that the site does not build it again.

Building the narrative is the slowest step of a run at scale (`synergies.narrative.build`: about
half a minute at 10^5 findings). Notebook 07 builds it to show it (`site.pages.narrative_fragment`),
and the runner used to build it once more, after every notebook had ended and with nothing else to
do, for the site's index and narrative pages. Now the kernel pickles what it built into the run's
staging area and the runner reads it back (`load`), which takes a fraction of the time.

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


def _same(a: Any, b: Any) -> bool:
    """Whether two Evidence field values are equal (tables by content, dtypes included)."""
    import pandas as pd  # only kernels compare: the runner's quick paths stay free of pandas

    if isinstance(a, pd.DataFrame) or isinstance(b, pd.DataFrame):
        return isinstance(a, pd.DataFrame) and isinstance(b, pd.DataFrame) and a.equals(b)
    return bool(a == b)


def _is_served_data(ev: Any) -> bool:
    """Whether `ev` holds exactly the run's validated data (compared with a fresh copy of its pickle).

    Fields are read through `vars`, so the comparison is not recorded as the notebook reading them.
    """
    cache = os.environ.get(kernel_evidence.CACHE_VARIABLE)
    if not cache or not Path(cache).is_file():
        return False
    with open(cache, "rb") as handle:
        served = pickle.load(handle)
    mine, theirs = vars(ev), vars(served)
    return mine.keys() == theirs.keys() and all(_same(mine[k], theirs[k]) for k in mine)


def keep(ev: Any, built: Any) -> bool:
    """In a kernel the runner started: pickle `built` (the narrative of `ev`) for the site; True if kept."""
    target = os.environ.get(NARRATIVE_VARIABLE)
    if not target or not _is_served_data(ev):
        return False
    path = Path(target)
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    with partial.open("wb") as handle:
        pickle.dump(built, handle, protocol=pickle.HIGHEST_PROTOCOL)
    partial.replace(path)  # whole or absent: a kernel stopped mid-write leaves no narrative
    return True


def load(work: Path) -> Any | None:
    """In the runner: the narrative a kernel of this run kept in the work area `work`, or None."""
    path = work / NARRATIVE_CACHE
    if not path.is_file():
        return None
    with path.open("rb") as handle:
        return pickle.load(handle)
