"""IPython extension the runner loads in every kernel: the validated data, and a record of what was read.

The runner validates the data once per run (`synergies.load.load_evidence`) and pickles the
result into its staging area. In a kernel it starts, this extension makes `load_evidence` of
that same data directory return a fresh copy of the pickle (about 0.03 s at 10^5 findings
instead of 1.3 s of reading and checking, in each of the nine kernels) and records which of
the Evidence's tables the notebook touched, one name a line, in a file the runner reads
afterwards. The runner turns those names into data files (`synergies.run.plan.EVIDENCE_FILES`)
and fingerprints exactly those: a changed arms.csv re-runs the notebooks that looked at the
arms, not the others.

Outside the runner (JupyterLab, papermill by hand) the variables are not set and nothing
changes: `load_evidence` reads and checks the files as always.
"""

from __future__ import annotations

import importlib
import os
import pickle
from pathlib import Path
from typing import Any

CACHE_VARIABLE = "SYNERGIES_EVIDENCE_CACHE"  # the pickled Evidence
DATA_VARIABLE = "SYNERGIES_EVIDENCE_DATA"  # the data directory it was loaded from (resolved)
RECORD_VARIABLE = "SYNERGIES_EVIDENCE_READS"  # where the names of the tables read are appended
EVERYTHING = "*"  # recorded when the notebook loads data the cache does not hold


class _Recorder:
    """Appends each Evidence attribute name to the record file the first time it is read."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.seen: set[str] = set()

    def note(self, name: str) -> None:
        """Record `name` once, at once (a kernel may be killed before it exits)."""
        if name in self.seen:
            return
        self.seen.add(name)
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(name + "\n")


def _recorded_class(base: type, recorder: _Recorder) -> type:
    """A subclass of Evidence whose public attribute reads are recorded (methods and fields alike)."""

    class RecordedEvidence(base):  # type: ignore[misc, valid-type]
        def __getattribute__(self, name: str) -> Any:
            if not name.startswith("_"):
                recorder.note(name)
            return super().__getattribute__(name)

        def __reduce__(self) -> Any:  # pickles, copies and deep copies are plain Evidence
            state = {key: object.__getattribute__(self, key) for key in vars(self)}
            return (base.__new__, (base,), state)

    RecordedEvidence.__name__ = RecordedEvidence.__qualname__ = base.__name__
    return RecordedEvidence


def install(cache: Path, data_dir: Path, record: Path) -> None:
    """Replace `synergies.load.load_evidence` by one that serves `cache` for `data_dir` and records reads."""
    load = importlib.import_module("synergies.load")  # the module notebooks will import from

    original = load.load_evidence
    recorder = _Recorder(record)
    recorded = _recorded_class(load.Evidence, recorder)

    def load_evidence(path: str | Path) -> Any:
        record.touch()  # a record, even empty, says the notebook loaded its data through here
        if Path(path).resolve() != data_dir:
            recorder.note(EVERYTHING)  # other data: whatever it reads is not fingerprinted here
            return original(path)
        with cache.open("rb") as handle:
            evidence = pickle.load(handle)
        evidence.__class__ = recorded
        return evidence

    load_evidence.__doc__ = original.__doc__
    load_evidence.__wrapped__ = original  # type: ignore[attr-defined]
    load.load_evidence = load_evidence


def load_ipython_extension(ipython: Any) -> None:
    """Called at kernel start (`--ext=synergies.run.kernel_evidence`): install when the runner asks."""
    cache, data, record = (os.environ.get(name) for name in (CACHE_VARIABLE, DATA_VARIABLE, RECORD_VARIABLE))
    if cache and data and record and Path(cache).is_file():
        install(Path(cache), Path(data), Path(record))
