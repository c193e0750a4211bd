"""Fingerprints, the run manifest and the plan: which notebooks run and which keep their outputs."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from synergies import config
from synergies.run import common
from synergies.run.common import (
    MANIFEST_FORMAT,
    MANIFEST_NAME,
    Options,
    _display,
    _sha256_bytes,
    _sha256_file,
)
from synergies.run.discovery import Notebook
from synergies.run.kernel_evidence import EVERYTHING


def _visible_files(directory: Path) -> list[Path]:
    """Every regular file under `directory`, skipping hidden and cache entries, sorted."""
    if not directory.is_dir():
        return []
    found = []
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
        found += [Path(root) / f for f in files if not f.startswith(".") and f[-4:] != ".pyc"]
    return sorted(found)


class _Hasher:
    """Hashes files once per run, since several notebooks share data files and the package."""

    def __init__(self) -> None:
        self._files: dict[Path, str] = {}
        self._package: str | None = None

    def file(self, path: Path) -> str:
        """SHA-256 of one file (cached)."""
        if path not in self._files:
            # a FIFO or device would block the read: it is not data (checks.py names it if needed)
            regular = path.is_file() or not path.exists()  # is_file follows links; False for a FIFO
            self._files[path] = _sha256_file(path) if regular else "not a regular file"
        return self._files[path]

    def package(self) -> str:
        """SHA-256 over every source file of the synergies package, names included."""
        if self._package is None:
            digest = hashlib.sha256()
            for path in _visible_files(common.PACKAGE_DIR):
                digest.update(path.relative_to(common.PACKAGE_DIR).as_posix().encode() + b"\0")
                digest.update(self.file(path).encode() + b"\0")
            self._package = digest.hexdigest()
        return self._package


def _parameters(options: Options) -> dict[str, str]:
    """The parameters as published (paths relative to the repo root): what outputs mention."""
    return {
        "data_dir": _display(options.data_dir),
        "output_dir": _display(options.output_dir),
        "figures_dir": _display(options.figures_dir),
        "lang": options.lang,
    }


# Which data files each attribute of synergies.load.Evidence is made from (load.py `_assemble`).
# A notebook's outputs depend on the files behind the attributes it read (the kernel records
# them, synergies.run.kernel_evidence); any other attribute (`given`, `warnings`, ...) or an
# unknown one stands for every contract file. tests/test_runner_caching.py checks this against
# the Evidence fields, so a new table cannot be forgotten here.
EVIDENCE_FILES: dict[str, tuple[str, ...]] = {
    "data_dir": (),
    "findings": ("findings.csv", "outcomes.csv"),  # domain and better come from outcomes.csv
    "outcomes": ("outcomes.csv",),
    "domains": ("domains.csv", "outcomes.csv"),  # built from outcomes.csv when domains.csv is absent
    "domain_order": ("domains.csv", "outcomes.csv"),
    "cases": ("cases.csv", "findings.csv"),  # built from findings.csv when cases.csv is absent
    "institutional": ("institutional.csv",),
    "factors": ("factors.csv",),
    "programmes": ("programmes.csv",),
    "sources": ("sources.csv",),
    "arms": ("arms.csv",),
    "claims": ("claims.csv",),
}
EVIDENCE_RECORD = "evidence-reads.txt"  # in each notebook's staging area, written by its kernel


def _contract_files() -> list[str]:
    """Every file name of the data contract, in contract order: what load_evidence may read."""
    from synergies import contract

    return [spec.name for spec in contract.FILES]


def _read_scope(record: Path) -> list[str] | None:
    """The data files behind the Evidence attributes a kernel recorded; None = every data file.

    No record means the notebook never loaded the run's validated data (it may read any file).
    """
    try:
        names = record.read_text(encoding="utf-8").split()
    except OSError:
        return None
    if EVERYTHING in names:
        return None
    files: set[str] = set()
    for name in names:
        files.update(EVIDENCE_FILES.get(name, _contract_files()))
    return sorted(files)


def _data_files(notebook: Notebook, options: Options, scope: list[str] | None = None) -> list[str]:
    """The data files a notebook's outputs depend on, relative to the data directory.

    `scope` is what its kernel recorded reading through `load_evidence` (kernel_evidence), the
    truth whenever there is one. A notebook that left no record read its data some other way:
    then the files `metadata.synergies.inputs` names, or, naming none, every visible file.
    """
    if scope is not None:
        return sorted(scope)
    if notebook.inputs is not None:
        return list(notebook.inputs)
    return [p.relative_to(options.data_dir).as_posix() for p in _visible_files(options.data_dir)]


def _data_fingerprint(options: Options, hasher: _Hasher) -> dict[str, str]:
    """SHA-256 of every contract file ("missing" when absent): whether the data need validating."""
    return {name: hasher.file(options.data_dir / name) for name in _contract_files()}


def _fingerprint(
    notebook: Notebook, options: Options, hasher: _Hasher, scope: list[str] | None = None
) -> dict[str, Any]:
    """What a notebook's outputs are made from; equal fingerprints mean equal outputs.

    `scope` is the data files the notebook read last time (None: all of them): with the same
    code, notebook, parameters and file contents it reads the same files again.
    """
    parameters = _parameters(options)
    return {
        "data_scope": scope if scope is not None else "all",
        "notebook": hasher.file(notebook.path),
        "package": hasher.package(),
        "parameters": _sha256_bytes(json.dumps(parameters, sort_keys=True).encode()),
        "parameter_values": parameters,
        "data": {
            name: hasher.file(options.data_dir / name) for name in _data_files(notebook, options, scope)
        },
    }


def _read_manifest(output_dir: Path) -> dict[str, dict[str, Any]]:
    """The entries of the last successful run's manifest; empty when there is none to trust."""
    try:
        document = json.loads((output_dir / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(document, dict) or document.get("format") != MANIFEST_FORMAT:
        return {}
    entries = document.get("notebooks")
    if not isinstance(entries, dict):
        return {}
    return {name: entry for name, entry in entries.items() if _entry_is_valid(entry)}


def _entry_is_valid(entry: object) -> bool:
    """Whether a manifest entry has the shape this runner writes."""
    return (
        isinstance(entry, dict)
        and isinstance(entry.get("inputs"), dict)
        and isinstance(entry["inputs"].get("parameter_values"), dict)
        and isinstance(entry["inputs"]["parameter_values"].get("figures_dir"), str)
        and isinstance(entry.get("outputs"), dict)
        and isinstance(entry.get("figures"), dict)
    )


def _entry_figures_dir(entry: dict[str, Any], options: Options) -> Path:
    """Where a manifest entry's figures are now: inside the output directory they move with it."""
    values = entry["inputs"]["parameter_values"]
    old_output, old_figures = config.resolve(values["output_dir"]), config.resolve(values["figures_dir"])
    if old_figures.is_relative_to(old_output):
        return options.output_dir / old_figures.relative_to(old_output)
    return old_figures


def _same_places(entry: dict[str, Any], options: Options) -> bool:
    """Whether an entry was published to this run's output and figures directories."""
    values = entry["inputs"]["parameter_values"]
    current = _parameters(options)
    return all(values.get(key) == current[key] for key in ("output_dir", "figures_dir"))


def _entry_files(entry: dict[str, Any], options: Options) -> dict[Path, str]:
    """The published files of a manifest entry, as absolute path -> recorded SHA-256."""
    files = {options.output_dir / rel: sha for rel, sha in entry["outputs"].items()}
    figures_dir = _entry_figures_dir(entry, options)
    files.update({figures_dir / rel: sha for rel, sha in entry["figures"].items()})
    return files


def _is_intact(entry: dict[str, Any], options: Options, hasher: _Hasher) -> bool:
    """Whether every file a manifest entry lists is still published, byte for byte."""
    return all(hasher.file(path) == sha for path, sha in _entry_files(entry, options).items())


def _read_validated(output_dir: Path) -> dict[str, str]:
    """The contract files' fingerprint the last successful run validated (empty when unknown)."""
    try:
        document = json.loads((output_dir / MANIFEST_NAME).read_text(encoding="utf-8"))
        data = document["data"] if document.get("format") == MANIFEST_FORMAT else {}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}
    return data if isinstance(data, dict) else {}


def _manifest_text(entries: dict[str, dict[str, Any]], data: dict[str, str] | None = None) -> str:
    """The manifest as written: sorted keys, no timestamps, so that equal runs give equal bytes."""
    document = {"format": MANIFEST_FORMAT, "notebooks": entries, "data": data or {}}
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


@dataclass
class _Plan:
    """Which notebooks run, which keep their published outputs, and whether anything changes."""

    notebooks: list[Notebook]  # every notebook, in order
    to_run: list[Notebook] = field(default_factory=list)
    reused: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> manifest entry
    fingerprints: dict[str, dict[str, Any]] = field(default_factory=dict)
    dropped: bool = False  # some published outputs disappear (notebook removed or stale)
    hasher: _Hasher = field(default_factory=lambda: _Hasher())  # one hash per file per run
    data: dict[str, str] = field(default_factory=dict)  # the contract files' fingerprint now
    data_changed: bool = False  # differs from the last validated one: validate, rebuild the site

    @property
    def nothing_to_do(self) -> bool:
        """True when the published outputs are already exactly what this run would produce."""
        return not self.to_run and not self.dropped and not self.data_changed


def _plan(
    notebooks: list[Notebook],
    selected: list[Notebook],
    previous: dict[str, dict[str, Any]],
    options: Options,
) -> _Plan:
    """Decide, from the last manifest and the fingerprints, what to run and what to reuse."""
    plan = _Plan(notebooks=notebooks)
    hasher = plan.hasher
    plan.data = _data_fingerprint(options, hasher)
    plan.data_changed = plan.data != _read_validated(options.output_dir)
    chosen = {nb.name for nb in selected}
    for notebook in notebooks:
        entry = previous.get(notebook.name)
        reusable = entry is not None and _same_places(entry, options) and _is_intact(entry, options, hasher)
        if notebook.name in chosen:
            scope = entry["inputs"].get("data_scope") if entry is not None else None
            fingerprint = _fingerprint(notebook, options, hasher, scope if isinstance(scope, list) else None)
            plan.fingerprints[notebook.name] = fingerprint
            if reusable and not options.force and entry["inputs"] == fingerprint:
                plan.reused[notebook.name] = entry
            else:
                plan.to_run.append(notebook)
        elif reusable:  # --only: another notebook's published outputs stay as they are
            plan.reused[notebook.name] = entry
    plan.dropped = any(name not in plan.reused for name in previous)
    return plan
