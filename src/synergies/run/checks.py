"""Checks before anything runs: output places, foreign files, unreadable inputs, the data contract."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from synergies import config, publish
from synergies.run import common
from synergies.run.common import (
    MANIFEST_NAME,
    OUTPUT_LAYOUT,
    PLACEHOLDERS,
    Options,
    RunError,
    _all_files,
    _display,
    _tell,
)
from synergies.run.discovery import Notebook
from synergies.run.plan import _contract_files, _data_files, _entry_files
from synergies.site.names import is_site_page


def _check_targets(options: Options) -> None:
    """Refuse output/figures directories whose replacement would destroy something else."""
    out, fig = options.output_dir, options.figures_dir
    if out == fig or fig in out.parents:
        raise RunError("--figures-dir must be a different directory from --output-dir, not above it.")
    protected = {
        "the repository": config.ROOT,
        "the data directory": options.data_dir,
        "the notebooks directory": options.notebooks_dir,
        "the package": common.PACKAGE_DIR,
    }
    for target in (out, fig):
        if target.exists() and not target.is_dir():
            raise RunError(f"{_display(target)} exists and is not a directory.")
        for what, place in protected.items():
            if (
                target == place
                or target in place.parents
                or (place != config.ROOT and place in target.parents)
            ):
                raise RunError(
                    f"{_display(target)} cannot be an output directory: it would "
                    f"overlap {what} ({_display(place)})."
                )


# File types a figures directory holds when the runner made it (NAME.png, NAME.svg, NAME.alt.txt).
FIGURE_SUFFIXES = (".png", ".svg", ".txt", ".pdf")


def _looks_published(path: Path, target: Path, options: Options) -> bool:
    """Content check: whether a file sits where the runner puts its outputs, with such a type.

    Used when the manifest is missing or damaged: an output directory holds only the layout's
    sub-folders (notebooks/, html/, tables/, narrative/, figures/), a figures directory only images
    and alt texts. A file elsewhere (notes.txt at the top) is never the runner's.
    """
    rel = path.relative_to(target)
    if rel.name in (MANIFEST_NAME, publish.MARKER_NAME, *PLACEHOLDERS):
        return True
    if target == options.figures_dir or (
        options.figures_inside_output and options.figures_dir in path.parents
    ):
        return path.suffix.lower() in FIGURE_SUFFIXES
    return len(rel.parts) > 1 and rel.parts[0] in OUTPUT_LAYOUT


def _refuse_foreign_files(options: Options, previous: dict[str, dict[str, Any]]) -> None:
    """Refuse to replace a directory holding files the runner did not make (they would be lost).

    Files the manifest does not list are still the runner's when the tree carries the runner's
    marker and every such file passes the content check (a deleted or truncated manifest);
    without the marker (a copy made without hidden files) --force says they may be replaced.
    """
    known = {options.output_dir / MANIFEST_NAME, options.output_dir / publish.MARKER_NAME}
    known.add(options.figures_dir / publish.MARKER_NAME)
    known.update(p for p in _all_files(options.output_dir / "html") if is_site_page(p.name))
    for entry in previous.values():
        known.update(_entry_files(entry, options))
    for target in (options.output_dir, options.figures_dir):
        foreign = [p for p in _all_files(target) if p not in known and p.name not in PLACEHOLDERS]
        if not foreign:
            continue
        outside = [p for p in foreign if not _looks_published(p, target, options)]
        marked = (target / publish.MARKER_NAME).is_file()
        if not outside and (marked or options.force):
            _tell(
                f"{_display(target)}: {len(foreign):,} published file(s) are not in the run manifest "
                "(it is missing or damaged); they are rebuilt and replaced."
            )
            continue
        shown_files = outside or foreign
        shown = ", ".join(_display(p) for p in shown_files[:3])
        more = f" and {len(shown_files) - 3} more" if len(shown_files) > 3 else ""
        advice = (
            "Each run replaces the whole directory, so move them away or choose another "
            "--output-dir / --figures-dir."
        )
        if not outside:
            advice = (
                "They look like the outputs of an earlier run whose hidden .run-manifest.json is "
                "missing (for example a copy made without hidden files). If so, run again with "
                "--force (make run RUN_ARGS=--force) to rebuild and replace them; otherwise move "
                "them away or choose another --output-dir / --figures-dir."
            )
        raise RunError(f"{_display(target)} holds files this runner did not make ({shown}{more}). {advice}")


def _check_places(options: Options) -> None:
    """Refuse, before anything runs, output places that could not be published (with what to do).

    A mount point cannot be renamed (EBUSY): the runner does not write into it, it says to use
    a directory inside it. An output directory inside another output tree would be deleted
    by the next run into that tree. The parent must be writable: staging is created there.
    """
    for target in (options.output_dir, options.figures_dir):
        real = publish.real_target(target)
        shown = _display(target)
        if publish.is_mount_point(real):
            raise RunError(
                f"{shown} is a mount point (for example a Docker volume). Each run replaces its "
                "output directory whole, which cannot be done to a mount point. Use a directory "
                f"inside it, e.g. --output-dir {shown}/outputs (make run OUT={shown}/outputs)."
            )
        for ancestor in real.parents:
            if ancestor == options.output_dir and target == options.figures_dir:
                break  # figures inside this run's own output directory
            default = ancestor in (config.OUTPUTS_DIR, config.FIGURES_DIR) and ancestor != real
            if default or (ancestor / MANIFEST_NAME).is_file() or (ancestor / publish.MARKER_NAME).is_file():
                raise RunError(
                    f"{shown} is inside {_display(ancestor)}, the output tree of another run, "
                    "which each run replaces whole (the next run there would delete it, or refuse "
                    "to). Choose a directory outside it, e.g. "
                    f"--output-dir {_display(ancestor.parent / (ancestor.name + '-' + real.name))}."
                )
        parent = real.parent
        while not parent.exists() and parent != parent.parent:
            parent = parent.parent
        if not os.access(parent, os.W_OK | os.X_OK):
            raise RunError(
                f"Cannot write the outputs into {shown}: the runner needs to create files in "
                f"{_display(parent)}, which is not writable for you. Make it writable "
                f"(chmod u+w '{_display(parent)}') or choose another --output-dir (OUT=...)."
            )


def _check_inputs(notebooks: list[Notebook], options: Options) -> None:
    """Every input a run will read must be a readable regular file, checked before any is opened.

    A FIFO, a device (a link to /dev/zero or /dev/urandom) or a socket named like a data file
    would make hashing or reading block for ever; they are refused here, with the path. A
    directory or a missing file cannot block and is left to the validation's report.
    """
    data_dir = options.data_dir
    if not data_dir.is_dir():
        return  # the validation reports a missing data directory with the contract's wording
    if not os.access(data_dir, os.R_OK | os.X_OK):
        raise RunError(
            f"The data directory {_display(data_dir)} cannot be read (permission denied). "
            f"Give yourself access (chmod u+rx '{_display(data_dir)}') or copy the data elsewhere."
        )
    problems = []
    names = sorted({name for nb in notebooks for name in _data_files(nb, options)} | set(_contract_files()))
    for path in [nb.path for nb in notebooks] + [data_dir / name for name in names]:
        problem = _not_a_readable_file(path)
        if problem:
            problems.append(f"  - {_display(path)}: {problem}")
    if problems:
        raise RunError(
            "Some inputs are not readable regular files:\n"
            + "\n".join(problems)
            + "\nReplace each with an ordinary file (save it again from your spreadsheet or editor). "
            "No notebook was run; the previous outputs are unchanged."
        )


def _not_a_readable_file(path: Path) -> str | None:
    """Why `path` cannot be read as an ordinary file, or None (a missing file is left to validation)."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return None if not path.is_symlink() else "a symbolic link to a file that does not exist"
    except OSError as error:
        return f"cannot be examined ({error.strerror})"
    if stat.S_ISDIR(mode):
        return None  # cannot block: the validation reports it in the contract's words
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO), not a file; reading it would wait for ever"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device (such as /dev/zero), not a file"
    if not stat.S_ISREG(mode):
        return "not a regular file"
    if not os.access(path, os.R_OK):
        return f"not readable (permission denied); chmod u+r '{path}'"
    return None


def _validate_data(data_dir: Path) -> Any:
    """Check the data against the contract before anything runs; the report names every problem.

    Returns what `load_evidence` returned: the kernels and the site are handed it, not re-reading.
    """
    import importlib

    load = importlib.import_module("synergies.load")  # sys.modules first: tests stand one in
    try:
        evidence = load.load_evidence(data_dir)
    except load.DataError as error:
        raise RunError(f"{error}\nNo notebook was run; the previous outputs are unchanged.") from None
    warning_lines = getattr(load, "warning_lines", None)
    if warning_lines is not None:
        for line in warning_lines(getattr(evidence, "warnings", [])):
            _tell(line)
    return evidence
