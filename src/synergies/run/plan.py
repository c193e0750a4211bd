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
            self._files[path] = _sha256_file(path)
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


def _data_files(notebook: Notebook, options: Options) -> list[str]:
    """The data files a notebook reads, relative to the data directory."""
    if notebook.inputs is not None:
        return list(notebook.inputs)
    return [p.relative_to(options.data_dir).as_posix() for p in _visible_files(options.data_dir)]


def _fingerprint(notebook: Notebook, options: Options, hasher: _Hasher) -> dict[str, Any]:
    """What a notebook's outputs are made from; equal fingerprints mean equal outputs."""
    parameters = _parameters(options)
    return {
        "notebook": hasher.file(notebook.path),
        "package": hasher.package(),
        "parameters": _sha256_bytes(json.dumps(parameters, sort_keys=True).encode()),
        "parameter_values": parameters,
        "data": {name: hasher.file(options.data_dir / name) for name in _data_files(notebook, options)},
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


def _manifest_text(entries: dict[str, dict[str, Any]]) -> str:
    """The manifest as written: sorted keys, no timestamps, so that equal runs give equal bytes."""
    document = {"format": MANIFEST_FORMAT, "notebooks": entries}
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


@dataclass
class _Plan:
    """Which notebooks run, which keep their published outputs, and whether anything changes."""

    notebooks: list[Notebook]  # every notebook, in order
    to_run: list[Notebook] = field(default_factory=list)
    reused: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> manifest entry
    fingerprints: dict[str, dict[str, Any]] = field(default_factory=dict)
    dropped: bool = False  # some published outputs disappear (notebook removed or stale)

    @property
    def nothing_to_do(self) -> bool:
        """True when the published outputs are already exactly what this run would produce."""
        return not self.to_run and not self.dropped


def _plan(
    notebooks: list[Notebook],
    selected: list[Notebook],
    previous: dict[str, dict[str, Any]],
    options: Options,
) -> _Plan:
    """Decide, from the last manifest and the fingerprints, what to run and what to reuse."""
    hasher = _Hasher()
    plan = _Plan(notebooks=notebooks)
    chosen = {nb.name for nb in selected}
    for notebook in notebooks:
        entry = previous.get(notebook.name)
        reusable = entry is not None and _same_places(entry, options) and _is_intact(entry, options, hasher)
        if notebook.name in chosen:
            fingerprint = _fingerprint(notebook, options, hasher)
            plan.fingerprints[notebook.name] = fingerprint
            if reusable and not options.force and entry["inputs"] == fingerprint:
                plan.reused[notebook.name] = entry
            else:
                plan.to_run.append(notebook)
        elif reusable:  # --only: another notebook's published outputs stay as they are
            plan.reused[notebook.name] = entry
    plan.dropped = any(name not in plan.reused for name in previous)
    return plan
