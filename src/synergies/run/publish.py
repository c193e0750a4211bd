"""Staging a run's new tree beside the published one, assembling it and swapping it in atomically.

The lock, the journal and crash recovery live in `synergies.publish`; this module drives them.
"""

from __future__ import annotations

import contextlib
import errno
import os
import pickle
import shutil
import stat
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from synergies import publish
from synergies.run import common, narrative_cache
from synergies.run.common import (
    MANIFEST_NAME,
    OUTPUT_LAYOUT,
    PLACEHOLDERS,
    Options,
    RunError,
    _all_files,
    _display,
    _one_line,
    _raise_deferred,
    _sha256_file,
    _signals_deferred,
)
from synergies.run.discovery import Notebook
from synergies.run.plan import EVIDENCE_RECORD, _fingerprint, _manifest_text, _Plan, _read_scope


def _directory_mode(target: Path) -> int:
    """The permissions the published directory has now (always writable for its owner, so that a
    read-only published tree can be replaced and removed), or a new directory would get."""
    if target.is_dir():
        return (target.stat().st_mode & 0o7777) | stat.S_IRWXU
    umask = os.umask(0o022)  # reading the umask means setting it; called before any thread starts
    os.umask(umask)
    return 0o777 & ~umask


def _rename(source: Path, target: Path) -> None:
    """Rename a directory (one place, so tests can make it fail)."""
    os.rename(source, target)


@dataclass
class _Staging:
    """Hidden directories beside the targets that receive a run's complete new outputs."""

    options: Options
    output: Path = field(init=False)
    figures: Path = field(init=False)
    leftovers: list[Path] = field(default_factory=list)

    def create(self) -> None:
        """Create the staging directories (remembered at once, so clean_up always finds them)."""
        self.output = self._make(self.options.output_dir)
        if self.options.figures_inside_output:
            self.figures = self.output / self.options.figures_dir.relative_to(self.options.output_dir)
            self.figures.mkdir(parents=True)
        else:
            self.figures = self._make(self.options.figures_dir)
        for tree in {self.output, self.figures}:
            (tree / publish.MARKER_NAME).write_text(publish.MARKER_TEXT, encoding="utf-8")

    def _make(self, target: Path) -> Path:
        """Create `.NAME.staging-XXXX` beside `target`, on the same file system (atomic rename).

        A symlinked target is replaced where the link points, so the link itself is kept.
        """
        target = publish.real_target(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        path = Path(tempfile.mkdtemp(prefix=publish.staging_prefix(target), dir=target.parent))
        self.leftovers.append(path)
        path.chmod(_directory_mode(target))  # mkdtemp makes it private (0700)
        return path

    @property
    def work(self) -> Path:
        """Where each notebook runs, in its own sub-directory (removed before publishing)."""
        return self.output / ".work"

    def pairs(self) -> list[tuple[Path, Path]]:
        """(staging, target) directories to swap, output directory first (symlinks resolved)."""
        pairs = [(self.output, publish.real_target(self.options.output_dir))]
        if not self.options.figures_inside_output:
            pairs.append((self.figures, publish.real_target(self.options.figures_dir)))
        return pairs

    def publish(self) -> None:
        """Swap every staging directory in for its target, or put everything back as it was.

        The journal (see synergies.publish) records the swap first, so that a run killed in
        the middle is rolled back by the next one; it is marked done once every tree is in.
        """
        journal = [
            publish.Pair(staging, target, self._old_name(target, staging)) for staging, target in self.pairs()
        ]
        journal_dir = publish.real_target(self.options.output_dir)
        common._step("journal")
        publish.write_journal(journal_dir, journal, "swapping")
        swapped: list[tuple[Path, Path, Path | None]] = []
        try:
            for staging, target in self.pairs():
                old = self._set_aside(target, staging)  # if this fails, nothing moved for this pair
                swapped.append((staging, target, old))
                common._step(f"set-aside {target.name}")
                _rename(staging, target)
                common._step(f"swapped {target.name}")
        except OSError as error:
            try:
                self._roll_back(swapped, error)
            finally:
                publish.remove_journal(journal_dir)
        publish.write_journal(journal_dir, journal, "done")
        common._step("done")
        for _, _, old in swapped:
            if old is not None:
                publish.remove_tree(old)
                common._step("old removed")
        publish.remove_journal(journal_dir)

    @staticmethod
    def _old_name(target: Path, staging: Path) -> Path:
        """Where the published `target` is set aside: .NAME.old-XXXX, XXXX from the staging name."""
        token = staging.name.rsplit("-", 1)[-1]
        return target.with_name(f"{publish.old_prefix(target)}{token}")

    def _set_aside(self, target: Path, staging: Path) -> Path | None:
        """Rename the published `target` out of the way (to .NAME.old-XXXX), if it exists."""
        if not target.exists():
            return None
        old = self._old_name(target, staging)
        _rename(target, old)  # never in `leftovers`: it is only deleted once the swap succeeded
        return old

    def _roll_back(self, swapped: list[tuple[Path, Path, Path | None]], error: OSError) -> None:
        """Undo a partial swap (latest first) and raise; say where the old outputs are if stuck."""
        try:
            for staging, target, old in reversed(swapped):
                if not staging.exists():  # the new tree was already swapped in: take it out
                    _rename(target, staging)
                if old is not None:
                    _rename(old, target)
        except OSError as second:
            kept = ", ".join(_display(old) for _, _, old in swapped if old is not None and old.exists())
            raise RunError(
                f"Could not publish the new outputs ({error}) nor put the previous ones back "
                f"({second}). The previous outputs are in {kept or 'place'}."
            ) from None
        hint = ""
        if error.errno == errno.EBUSY:
            hint = (
                " The output directory is probably a mount point (a Docker volume): use a "
                "directory inside it, e.g. --output-dir VOLUME/outputs."
            )
        raise RunError(
            f"Could not publish the new outputs ({error}); the previous outputs are unchanged.{hint}"
        )

    def clean_up(self) -> None:
        """Remove whatever staging or set-aside directory is left."""
        for path in self.leftovers:
            publish.remove_tree(path)


@contextlib.contextmanager
def _staging(options: Options) -> Iterator[_Staging]:
    """Create the staging directories and always remove what is left of them afterwards."""
    staging = _Staging(options)
    try:
        with _signals_deferred() as received:
            staging.create()
        _raise_deferred(received)
        yield staging
    finally:
        with _signals_deferred() as received:
            staging.clean_up()
        _raise_deferred(received)


def _assemble(plan: _Plan, staging: _Staging, options: Options, evidence: Any = None) -> None:
    """Build the complete new tree in staging: fresh results, reused files, site, manifest.

    A fresh notebook's data fingerprint covers the files behind what its kernel recorded reading.
    `evidence` is the validated data, or the path of their pickle in the work area (read back
    here, before the work area goes), so that the runner does not hold them while kernels run.
    """
    if isinstance(evidence, Path):
        with evidence.open("rb") as handle:
            evidence = pickle.load(handle)
    owners: dict[Path, str] = {}
    entries: dict[str, dict[str, Any]] = {}
    for notebook in plan.notebooks:
        if notebook.name in plan.reused:
            entry = plan.reused[notebook.name]
            _copy_reused(notebook, entry, staging, options, owners)
            entries[notebook.name] = entry
        elif notebook in plan.to_run:
            scope = _read_scope(staging.work / notebook.stem / EVIDENCE_RECORD)
            fingerprint = _fingerprint(notebook, options, plan.hasher, scope)
            entry = _move_fresh(notebook, staging, owners)
            entries[notebook.name] = {"inputs": fingerprint, **entry}
    view = narrative_cache.load(staging.work)  # the site's narrative a kernel built, if one kept it
    shutil.rmtree(staging.work)
    for sub in OUTPUT_LAYOUT:
        (staging.output / sub).mkdir(exist_ok=True)
    for target, place in ((options.output_dir, staging.output), (options.figures_dir, staging.figures)):
        for name in PLACEHOLDERS:
            if (target / name).is_file():
                shutil.copyfile(target / name, place / name)
    _build_site(staging, options, evidence, view)
    (staging.output / MANIFEST_NAME).write_text(_manifest_text(entries, plan.data), encoding="utf-8")


def _build_site(staging: _Staging, options: Options, evidence: Any, view: Any = None) -> None:
    """Write the site's index, narrative and findings pages (synergies.site.pages) into the new tree.

    `evidence` is the run's validated data (`checks._validate_data`), not read a second time;
    `view` the site's view of its narrative when a kernel of this run kept it
    (`run.narrative_cache`), else None.
    """
    import importlib

    load = importlib.import_module("synergies.load")  # the module in sys.modules (tests use a stand-in)
    if not isinstance(evidence, getattr(load, "Evidence", ())):
        return  # notebooks run on data that are not a contract directory: chapter pages only
    from synergies.site import pages

    try:
        pages.build(
            evidence,
            staging.output / "html",
            staging.figures,
            options.lang,
            published_html=options.output_dir / "html",
            published_figures=options.figures_dir,
            notebooks_dir=options.notebooks_dir,
            data_name=_display(options.data_dir),
            view=view,
        )
    except Exception as error:  # reported as one message; nothing is published
        raise RunError(
            f"The notebooks ran, but writing the report site failed: {_one_line(repr(error))}\n"
            "No notebook output was published; the previous outputs are unchanged."
        ) from None


def _claim(destination: Path, notebook: str, owners: dict[Path, str]) -> None:
    """Record who writes a file; two notebooks writing the same file is an error."""
    if destination in owners:
        raise RunError(
            f"{owners[destination]} and {notebook} both write "
            f"{destination.name}; notebooks must write different files. "
            "No notebook output was published; the previous outputs are unchanged."
        )
    owners[destination] = notebook


def _move_fresh(notebook: Notebook, staging: _Staging, owners: dict[Path, str]) -> dict[str, dict[str, str]]:
    """Move a notebook's fresh files into the new tree; return their manifest record."""
    area = staging.work / notebook.stem
    record: dict[str, dict[str, str]] = {"outputs": {}, "figures": {}}
    for kind, source_root, target_root in (
        ("outputs", area / "outputs", staging.output),
        ("figures", area / "figures", staging.figures),
    ):
        for source in _all_files(source_root):
            rel = source.relative_to(source_root)
            destination = target_root / rel
            _claim(destination, notebook.name, owners)
            record[kind][rel.as_posix()] = _sha256_file(source)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(source, destination)
    return record


def _copy_reused(
    notebook: Notebook,
    entry: dict[str, Any],
    staging: _Staging,
    options: Options,
    owners: dict[Path, str],
) -> None:
    """Copy an unchanged notebook's published files (checked intact) into the new tree."""
    for kind, published_root, target_root in (
        ("outputs", options.output_dir, staging.output),
        ("figures", options.figures_dir, staging.figures),
    ):
        for rel in entry[kind]:
            destination = target_root / rel
            _claim(destination, notebook.name, owners)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(published_root / rel, destination)  # content only: no read-only mode
