"""Run the analysis notebooks with papermill and publish their outputs atomically, with a cache.

`make run` calls `main` (through scripts/run_pipeline.py). A run:

1. finds `notebooks/NN-*.ipynb`, picks the ones `--only` names, and fingerprints each one's
   inputs (notebook, data files it reads, package source, parameters);
2. skips notebooks whose fingerprint and published outputs match the manifest of the last
   successful run (a run where nothing changed returns at once, without heavy imports);
3. otherwise validates the data (`synergies.load.load_evidence`), checks every notebook's
   `parameters` cell, and executes the changed notebooks, `--jobs` at a time, each into its
   own area of a hidden staging directory beside the output directory;
4. normalises each executed notebook (no timings, fixed cell ids, published paths instead of
   staging paths), renders it to HTML without code, assembles the complete new tree from the
   fresh results plus the unchanged notebooks' published files, writes the manifest, and
   swaps the staging directories in for the published ones.

Any failure, timeout, Ctrl-C or SIGTERM leaves the published outputs as they were and removes
the staging directories. A run that is killed outright (kill -9, out of memory, power loss)
cannot clean up; the next run does it: every run holds a lock per output directory (a second
run waits for the first) and, before anything else, finishes or undoes whatever publish a
killed run left behind (`synergies.publish` documents the states and what recovery does).

Relative paths on the command line are taken from the current directory, as for any command;
without an option the repository's own `data/`, `notebooks/`, `outputs/` and `figures/` are
used, wherever the command is run from (`python -m synergies validate` does the same).

Before anything reads a data file (to fingerprint it or to validate it), every input is checked
to be a regular, readable file: a FIFO or a link to /dev/zero would otherwise block for ever.

Heavy modules (papermill, nbformat, nbconvert) are imported lazily,
once, without the optional packages they would load for nothing (UNUSED_AT_IMPORT); every
kernel loads `synergies.kernel_exit`, so that it exits without a final garbage collection.
scripts/benchmark.py measures all this against a floor of notebooks that only import.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import hashlib
import itertools
import json
import logging
import os
import re
import shutil
import signal
import stat
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from synergies import config, publish, vocabulary

PARAMETER_NAMES = vocabulary.PARAMETER_NAMES
LANGUAGES = vocabulary.LANGS
KERNEL_NAME = "python3"
DEFAULT_TIMEOUT = 600
DEFAULT_JOBS = 2
MANIFEST_NAME = ".run-manifest.json"
MANIFEST_FORMAT = 1
PACKAGE_DIR = Path(__file__).resolve().parent
# The lab HTML template, extended to put each figure's alt text on its <img>.
HTML_TEMPLATE = PACKAGE_DIR / "html_template" / "report"
NOTEBOOK_NAME = re.compile(r"^\d{2,}-.+\.ipynb$")
# Sub-folders every output directory has; `figures` only when the figures live inside it.
OUTPUT_LAYOUT = tuple(sub for sub in config.OUTPUT_SUBDIRS if sub != "figures")
# Files a target directory may hold that the runner did not make; they are carried over.
PLACEHOLDERS = (".gitkeep",)
# Set for every kernel so that the same inputs give the same outputs (set order, file dates).
KERNEL_ENVIRONMENT = {
    "PYTHONHASHSEED": "0",
    "SOURCE_DATE_EPOCH": "0",
    "PYDEVD_DISABLE_FILE_VALIDATION": "1",
}
# Optional packages that slow the import of papermill for nothing the runner uses: jsonschema
# (imported by nbformat) compiles 38 grammars of rfc3987_syntax at import (over 1 s of every run)
# for an IRI format check nbformat never asks for. They are hidden while the runner imports.
UNUSED_AT_IMPORT = ("rfc3987_syntax",)
# IPython extension loaded in every kernel: makes the kernel's exit fast (see synergies.kernel_exit).
KERNEL_EXTENSION = "synergies.kernel_exit"
# Seconds a kernel gets to exit after its results are in; after half of it, it is sent SIGTERM.
# A kernel exits in about 0.1 s, but ipykernel 7 sometimes hangs at exit (its control thread
# flushes output into the IOPub thread it has just closed) and jupyter_client's default of 5 s
# then added 2.5 s to about one notebook in eight.
KERNEL_SHUTDOWN_WAIT = 1.0
QUIET_LOGGERS = ("papermill", "nbclient", "nbconvert", "traitlets", "jupyter_client", "asyncio")
DEBUG_VARIABLE = "SYNERGIES_DEBUG"
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


class RunError(Exception):
    """A problem the user can fix; str() is the complete message, shown without traceback."""


class _Terminated(KeyboardInterrupt):
    """SIGTERM, handled like Ctrl-C so that the same clean-up runs."""


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Options:
    """Everything a run needs, with every path absolute."""

    data_dir: Path
    output_dir: Path
    figures_dir: Path
    notebooks_dir: Path
    lang: str = "en"
    only: tuple[str, ...] = ()
    force: bool = False
    jobs: int = DEFAULT_JOBS
    timeout: int = DEFAULT_TIMEOUT

    @property
    def figures_inside_output(self) -> bool:
        """Whether the figures directory is part of the output directory (one tree to swap)."""
        return self.output_dir in self.figures_dir.parents


def _positive_int(text: str) -> int:
    """Parse a strictly positive integer for argparse, so --jobs 0 is refused clearly."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number of at least 1, got {value}")
    return value


def _argument_parser() -> argparse.ArgumentParser:
    """Describe the command line of scripts/run_pipeline.py."""
    parser = argparse.ArgumentParser(
        prog="run_pipeline.py",
        description="Run the analysis notebooks on a data directory and publish their outputs.",
    )
    directory = {"metavar": "DIR"}
    parser.add_argument("--data-dir", help="CSV data (default: the repository's data)", **directory)
    parser.add_argument("--output-dir", help="outputs (default: the repository's outputs)", **directory)
    parser.add_argument(
        "--figures-dir",
        help="figures (default: figures if --output-dir is the default, else OUTPUT_DIR/figures)",
        **directory,
    )
    parser.add_argument(
        "--notebooks-dir", help="notebooks to run (default: the repository's notebooks)", **directory
    )
    parser.add_argument(
        "--lang", default="en", metavar="LANG", help=f"narrative language: {' or '.join(LANGUAGES)}"
    )
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="NB",
        help="run only this notebook (02, 02-plot-effects or the file name); repeatable",
    )
    parser.add_argument("--force", action="store_true", help="re-run even unchanged notebooks")
    parser.add_argument(
        "--jobs",
        type=_positive_int,
        default=DEFAULT_JOBS,
        metavar="N",
        help=f"notebooks run at a time (default: {DEFAULT_JOBS})",
    )
    parser.add_argument(
        "--timeout",
        type=_positive_int,
        default=DEFAULT_TIMEOUT,
        metavar="SEC",
        help=f"longest a single cell may run, in seconds (default: {DEFAULT_TIMEOUT})",
    )
    return parser


def _absolute(text: str | None, default: Path) -> Path:
    """An absolute, normalised path (no `..`): relative ones from the current directory, as any
    command takes them; `default` (a repository directory) when the option is not given."""
    if text is None:
        return default
    return Path(os.path.normpath(Path.cwd() / Path(text).expanduser()))


def parse_options(argv: Sequence[str] | None = None) -> Options:
    """Turn command-line arguments into Options; relative paths are taken from the current directory."""
    parser = _argument_parser()
    args = parser.parse_args(argv)
    if args.lang not in LANGUAGES:
        parser.error(f"--lang must be {' or '.join(LANGUAGES)}, not {args.lang!r}")
    output_dir = _absolute(args.output_dir, config.OUTPUTS_DIR)
    if args.figures_dir is not None:
        figures_dir = _absolute(args.figures_dir, config.FIGURES_DIR)
    elif output_dir == config.OUTPUTS_DIR:
        figures_dir = config.FIGURES_DIR
    else:
        figures_dir = output_dir / "figures"
    return Options(
        data_dir=_absolute(args.data_dir, config.DATA_DIR),
        output_dir=output_dir,
        figures_dir=figures_dir,
        notebooks_dir=_absolute(args.notebooks_dir, config.NOTEBOOKS_DIR),
        lang=args.lang,
        only=tuple(args.only),
        force=args.force,
        jobs=args.jobs,
        timeout=args.timeout,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the pipeline as the command line asks and return the exit status (the only entry)."""
    try:
        options = parse_options(argv)
    except SystemExit as stop:  # argparse has printed the usage and the reason
        return stop.code if isinstance(stop.code, int) else 2
    try:
        with _signal_handling():
            return _run(options)
    except RunError as error:
        _tell_error(f"Error: {error}")
        return 1
    except publish.Busy as busy:
        _tell_error(
            f"Error: another run is writing {busy}; wait for it to finish, or choose another --output-dir."
        )
        return 1
    except OSError as error:
        if error.errno not in (errno.EACCES, errno.EPERM, errno.EROFS) or os.environ.get(DEBUG_VARIABLE):
            return _unexpected(error)
        where = Path(error.filename) if error.filename else options.output_dir
        _tell_error(f"Error: {publish.permission_hint(error, where)}\nThe previous outputs are unchanged.")
        return 1
    except KeyboardInterrupt as stop:
        what = "Terminated" if isinstance(stop, _Terminated) else "Interrupted"
        _tell_error(f"{what}: no notebook output was published; the previous outputs are unchanged.")
        return 143 if isinstance(stop, _Terminated) else 130
    except Exception as error:  # a bug in the runner: one line, the traceback only on request
        return _unexpected(error)


def _unexpected(error: Exception) -> int:
    """Report a bug in the runner in one line (the traceback with SYNERGIES_DEBUG=1)."""
    if os.environ.get(DEBUG_VARIABLE):
        raise error
    _tell_error(
        f"Error: the runner failed unexpectedly: {type(error).__name__}: {error}\n"
        f"Set {DEBUG_VARIABLE}=1 to see the traceback. The previous outputs are unchanged."
    )
    return 1


def _tell(line: str = "") -> None:
    """Print one line for the user on stdout, at once."""
    print(line, flush=True)


def _tell_error(text: str) -> None:
    """Print a message for the user on stderr, at once."""
    print(text, file=sys.stderr, flush=True)


def _display(path: Path) -> str:
    """Show `path` relative to the repository root when it is inside it, else absolute."""
    try:
        return path.relative_to(config.ROOT).as_posix() or "."
    except ValueError:
        return path.as_posix()


# --------------------------------------------------------------------------------------------
# Signals
# --------------------------------------------------------------------------------------------


def _raise_terminated(signum: int, frame: object) -> None:
    """SIGTERM handler: unwind like Ctrl-C so that every `finally` clean-up runs."""
    raise _Terminated()


@contextlib.contextmanager
def _signal_handling() -> Iterator[None]:
    """Turn SIGTERM into an exception for the duration of a run (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def _signals_deferred() -> Iterator[list[int]]:
    """Hold Ctrl-C and SIGTERM back while a block that must not be cut short runs.

    The caller gets the list of signals that arrived; `_raise_deferred` raises the first.
    """
    received: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield received
        return
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    for sig in handlers:
        signal.signal(sig, lambda signum, frame: received.append(signum))
    try:
        yield received
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)


def _raise_deferred(received: list[int]) -> None:
    """Raise the exception for the first signal a deferred block held back, if any."""
    if received:
        raise _Terminated() if received[0] == signal.SIGTERM else KeyboardInterrupt()


@contextlib.contextmanager
def _quiet_logging() -> Iterator[None]:
    """Silence papermill, nbclient, nbconvert and jupyter_client logs: the runner reports."""
    loggers = [logging.getLogger(name) for name in QUIET_LOGGERS]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


@contextlib.contextmanager
def _working_directory(path: Path) -> Iterator[None]:
    """Run in `path`, so that papermill's own chdir (process-wide) is the same in every thread."""
    previous = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(previous)


# --------------------------------------------------------------------------------------------
# Notebooks
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Notebook:
    """A notebook file and what the runner needs to know about it before running it."""

    path: Path
    inputs: tuple[str, ...] | None  # data files it reads; None = every file in the data dir
    first_lines: tuple[str, ...]  # first non-blank line of every cell, to name a failing cell
    parameters_index: int  # index of the cell tagged `parameters`, -1 when there is none
    has_injected_cell: bool  # already holds papermill's `injected-parameters` cell

    @property
    def name(self) -> str:
        """The file name, e.g. 02-plot-effects.ipynb."""
        return self.path.name

    @property
    def stem(self) -> str:
        """The name without .ipynb, used for the HTML file and the staging area."""
        return self.path.stem

    def describe_cell(self, executed_index: int | None) -> str:
        """Name a cell of the executed notebook by its position and first line in the source."""
        if executed_index is None:
            return "before its first cell ran"
        index = executed_index
        if not self.has_injected_cell and self.parameters_index >= 0:
            if executed_index == self.parameters_index + 1:
                return "the cell papermill injected with the parameters"
            if executed_index > self.parameters_index:
                index -= 1
        count = len(self.first_lines)
        line = self.first_lines[index] if 0 <= index < count else ""
        return f"cell {index + 1} of {count} (index {index}): `{line}`"


def _first_line(source: str | list[str]) -> str:
    """The first non-blank line of a cell's source, shortened for a one-line message."""
    text = "".join(source) if isinstance(source, list) else source
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    return line if len(line) <= 70 else line[:69] + "…"


def _cell_tags(cell: dict[str, Any]) -> list[str]:
    """The tags of a notebook cell (JSON form)."""
    return list(cell.get("metadata", {}).get("tags", []) or [])


def _read_notebook(path: Path) -> Notebook:
    """Read the facts the runner needs from a notebook's JSON (fast: no nbformat)."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        cells = document["cells"]
        metadata = document.get("metadata", {})
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise RunError(f"{_display(path)} is not a readable notebook: {error}") from None
    tags = [_cell_tags(cell) for cell in cells]
    parameters_index = next((i for i, t in enumerate(tags) if "parameters" in t), -1)
    return Notebook(
        path=path,
        inputs=_declared_inputs(path, metadata),
        first_lines=tuple(_first_line(cell.get("source", "")) for cell in cells),
        parameters_index=parameters_index,
        has_injected_cell=any("injected-parameters" in t for t in tags),
    )


def _declared_inputs(path: Path, metadata: dict[str, Any]) -> tuple[str, ...] | None:
    """The data files `metadata.synergies.inputs` names, or None when it names none."""
    inputs = (metadata.get("synergies") or {}).get("inputs")
    if inputs is None:
        return None
    valid = isinstance(inputs, list) and all(
        isinstance(name, str) and name and not Path(name).is_absolute() and ".." not in name
        for name in inputs
    )
    if not valid:
        raise RunError(
            f"{_display(path)}: metadata.synergies.inputs must be a list of data file names "
            f'inside the data directory, e.g. ["findings.csv"]; found {inputs!r}'
        )
    return tuple(sorted(set(inputs)))


def _discover(notebooks_dir: Path) -> list[Notebook]:
    """The notebooks named NN-verb-object.ipynb in `notebooks_dir`, sorted by name."""
    if not notebooks_dir.is_dir():
        raise RunError(f"There is no notebooks directory at {_display(notebooks_dir)}.")
    paths = sorted(p for p in notebooks_dir.iterdir() if NOTEBOOK_NAME.match(p.name))
    if not paths:
        raise RunError(f"{_display(notebooks_dir)} holds no notebook named NN-name.ipynb.")
    return [_read_notebook(path) for path in paths]


def _matches(notebook: Notebook, wanted: str) -> bool:
    """Whether `wanted` ("02", "02-plot-effects" or a file name) names `notebook`."""
    name = Path(wanted).name.removesuffix(".ipynb")
    return name in (notebook.stem, notebook.stem.split("-", 1)[0])


def _select(notebooks: list[Notebook], only: tuple[str, ...]) -> list[Notebook]:
    """The notebooks `--only` names (all of them without --only), in notebook order."""
    if not only:
        return notebooks
    unknown = [w for w in only if not any(_matches(nb, w) for nb in notebooks)]
    if unknown:
        names = ", ".join(nb.stem for nb in notebooks)
        raise RunError(f"--only {' '.join(unknown)}: no such notebook. The notebooks are {names}.")
    return [nb for nb in notebooks if any(_matches(nb, w) for w in only)]


# --------------------------------------------------------------------------------------------
# Fingerprints and the manifest
# --------------------------------------------------------------------------------------------


def _sha256_bytes(data: bytes) -> str:
    """Hex SHA-256 of some bytes."""
    return hashlib.sha256(data).hexdigest()


def _sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file's content; "missing" when it cannot be read."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return "missing"
    return digest.hexdigest()


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
            for path in _visible_files(PACKAGE_DIR):
                digest.update(path.relative_to(PACKAGE_DIR).as_posix().encode() + b"\0")
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


# --------------------------------------------------------------------------------------------
# Plan
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# Checks before running
# --------------------------------------------------------------------------------------------


def _check_targets(options: Options) -> None:
    """Refuse output/figures directories whose replacement would destroy something else."""
    out, fig = options.output_dir, options.figures_dir
    if out == fig or fig in out.parents:
        raise RunError("--figures-dir must be a different directory from --output-dir, not above it.")
    protected = {
        "the repository": config.ROOT,
        "the data directory": options.data_dir,
        "the notebooks directory": options.notebooks_dir,
        "the package": PACKAGE_DIR,
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

    A FIFO, a device (a link to /dev/zero or /dev/urandom) or a directory named like a data
    file would make hashing or reading block or fail; they are refused here, with the path.
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
    names = sorted({name for nb in notebooks for name in _data_files(nb, options)})
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
        return "a directory, not a file"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO), not a file; reading it would wait for ever"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device (such as /dev/zero), not a file"
    if not stat.S_ISREG(mode):
        return "not a regular file"
    if not os.access(path, os.R_OK):
        return f"not readable (permission denied); chmod u+r '{path}'"
    return None


def _all_files(directory: Path) -> list[Path]:
    """Every file under `directory`, hidden ones included."""
    if not directory.is_dir():
        return []
    return sorted(Path(root) / f for root, _, files in os.walk(directory) for f in files)


def _validate_data(data_dir: Path) -> None:
    """Check the data against the contract before anything runs; the report names every problem."""
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


def _check_parameters(notebooks: list[Notebook]) -> None:
    """Make a missing `parameters` cell or an undeclared parameter an error (papermill warns)."""
    import papermill

    problems = []
    for notebook in notebooks:
        if notebook.parameters_index < 0:
            problems.append(f"{notebook.name} has no cell tagged `parameters`.")
            continue
        declared = papermill.inspect_notebook(str(notebook.path))
        missing = [name for name in PARAMETER_NAMES if name not in declared]
        if missing:
            problems.append(f"{notebook.name}: its `parameters` cell does not define {', '.join(missing)}.")
    if problems:
        expected = ", ".join(PARAMETER_NAMES)
        raise RunError(
            "\n".join(problems)
            + f"\nEvery notebook needs one code cell tagged `parameters` that sets {expected} "
            "(as strings). No notebook was run; the previous outputs are unchanged."
        )


# --------------------------------------------------------------------------------------------
# Staging and publishing
# --------------------------------------------------------------------------------------------


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


# Fault injection (scripts/fault_inject.py, tests): the run kills itself with SIGKILL when it
# reaches the named step, to prove that the next run recovers from a crash at that point.
CRASH_VARIABLE = "SYNERGIES_CRASH_AT"


def _step(name: str) -> None:
    """A named point of a run; with SYNERGIES_CRASH_AT=name the process dies there (kill -9)."""
    if os.environ.get(CRASH_VARIABLE) == name:
        os.kill(os.getpid(), signal.SIGKILL)


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
        _step("journal")
        publish.write_journal(journal_dir, journal, "swapping")
        swapped: list[tuple[Path, Path, Path | None]] = []
        try:
            for staging, target in self.pairs():
                old = self._set_aside(target, staging)  # if this fails, nothing moved for this pair
                swapped.append((staging, target, old))
                _step(f"set-aside {target.name}")
                _rename(staging, target)
                _step(f"swapped {target.name}")
        except OSError as error:
            try:
                self._roll_back(swapped, error)
            finally:
                publish.remove_journal(journal_dir)
        publish.write_journal(journal_dir, journal, "done")
        _step("done")
        for _, _, old in swapped:
            if old is not None:
                publish.remove_tree(old)
                _step("old removed")
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


# --------------------------------------------------------------------------------------------
# Executing one notebook
# --------------------------------------------------------------------------------------------


class _Kernels:
    """The kernels this run started, so that a failure or Ctrl-C can stop all of them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._managers: list[Any] = []
        self.stopping = False

    def add(self, manager: Any) -> None:
        """Remember a kernel that has just started (or kill it if the run is stopping)."""
        with self._lock:
            self._managers.append(manager)
            if self.stopping:
                _kill_kernel(manager)

    def stop_all(self) -> None:
        """Kill every running kernel; their notebooks end with a dead-kernel error."""
        with self._lock:
            self.stopping = True
            for manager in self._managers:
                _kill_kernel(manager)


def _kill_kernel(manager: Any) -> None:
    """Kill a kernel process and its children (the kernel leads its own process group)."""
    process = getattr(getattr(manager, "provisioner", None), "process", None)
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except OSError:
        with contextlib.suppress(OSError):
            process.kill()


def _kernel_manager_class(stderr: Any, kernels: _Kernels, connection_dir: Path | None = None) -> type:
    """A kernel manager that encrypts the kernel's sockets, keeps its stderr off the terminal, exits fast.

    ipykernel >= 7 warns on stderr "Kernel is running over TCP without encryption" unless the
    manager provisions CurveZMQ keys; `transport_encryption = "auto"` does so whenever the
    kernelspec supports it. Anything else the kernel process writes to stderr (not notebook
    output, which travels over the sockets) goes to a log the runner shows if the kernel dies.
    The kernel's connection file is written into `connection_dir` (inside staging) rather than
    the system temporary directory, so that a run killed outright leaves none behind there.
    """
    import zmq
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import default

    class QuietKernelManager(AsyncKernelManager):
        @default("transport_encryption")
        def _transport_encryption_default(self) -> str:
            return "auto" if zmq.has("curve") else "disabled"

        @default("shutdown_wait_time")
        def _shutdown_wait_time_default(self) -> float:
            return KERNEL_SHUTDOWN_WAIT

        async def start_kernel(self, **kwargs: Any) -> None:
            kwargs.setdefault("cwd", str(config.ROOT))
            kwargs["extra_arguments"] = [*kwargs.get("extra_arguments", []), f"--ext={KERNEL_EXTENSION}"]
            kwargs["stderr"] = stderr
            kwargs["env"] = {**KERNEL_ENVIRONMENT, **os.environ, **kwargs.get("env", {})}
            if connection_dir is not None and not self.connection_file:
                connection_dir.mkdir(parents=True, exist_ok=True)
                handle, name = tempfile.mkstemp(prefix="kernel-", suffix=".json", dir=connection_dir)
                os.close(handle)
                self.connection_file = name
            await super().start_kernel(**kwargs)
            kernels.add(self)

    return QuietKernelManager


class _CellTracker:
    """nbclient hook that remembers the cell being executed, to name it if it times out."""

    def __init__(self) -> None:
        self.index: int | None = None

    def __call__(self, cell: Any = None, cell_index: int | None = None, **_: Any) -> None:
        self.index = cell_index


@dataclass
class _Outcome:
    """How one notebook's execution ended: the executed notebook to write, or why it failed."""

    notebook: Notebook
    started: float = 0.0  # time.monotonic() when it started
    executed: Any = None  # the executed notebook, written by `_write_outcome`
    output: Path | None = None  # its staging output and figures directories
    figures: Path | None = None
    failure: str | None = None


@dataclass(frozen=True)
class _Context:
    """What every notebook execution of a run shares."""

    options: Options
    staging: _Staging
    kernels: _Kernels


def _area(context: _Context, notebook: Notebook) -> tuple[Path, Path, Path]:
    """Create a notebook's own staging area: (area, output dir, figures dir)."""
    area = context.staging.work / notebook.stem
    output, figures = area / "outputs", area / "figures"
    for sub in OUTPUT_LAYOUT:
        (output / sub).mkdir(parents=True, exist_ok=True)
    figures.mkdir(parents=True, exist_ok=True)
    return area, output, figures


def _execute(notebook: Notebook, context: _Context) -> _Outcome:
    """Execute one notebook into its staging area; return it executed, or why it failed.

    Writing the notebook and its HTML is left to the main thread (`_write_outcome`), so that
    this thread can start the next notebook's kernel while it does.
    """
    if context.kernels.stopping:
        return _Outcome(notebook, failure="not run: the run is stopping")
    started = time.monotonic()
    area, output, figures = _area(context, notebook)
    parameters = {
        "data_dir": _display(context.options.data_dir),
        "output_dir": str(output),
        "figures_dir": str(figures),
        "lang": context.options.lang,
    }
    tracker = _CellTracker()
    stderr_log = area / "kernel-stderr.log"
    with stderr_log.open("wb") as stderr:
        try:
            executed = _papermill(notebook, parameters, tracker, stderr, context)
        except Exception as error:  # reported to the user as one message, not a traceback
            message = _describe_failure(notebook, error, tracker, context.options, stderr_log)
            return _Outcome(notebook, failure=message)
    return _Outcome(notebook, started=started, executed=executed, output=output, figures=figures)


def _write_outcome(outcome: _Outcome, options: Options) -> _Outcome:
    """Normalise an executed notebook and write it and its HTML into its staging area."""
    assert outcome.output is not None and outcome.figures is not None
    replacements = {
        str(outcome.output): _display(options.output_dir),
        str(outcome.figures): _display(options.figures_dir),
    }
    try:
        _normalise(outcome.executed, outcome.notebook, replacements, options)
        _write_results(outcome.executed, outcome.notebook, outcome.output)
    except Exception as error:
        failure = f"{outcome.notebook.name} ran, but writing its results failed: {_one_line(repr(error))}"
        return _Outcome(outcome.notebook, failure=failure)
    outcome.executed = None  # release it: at scale an executed notebook can hold hundreds of MB
    return outcome


def _papermill(
    notebook: Notebook,
    parameters: dict[str, str],
    tracker: _CellTracker,
    stderr: Any,
    context: _Context,
) -> Any:
    """Call papermill's Python API with the runner's fixed settings; return the executed notebook."""
    import papermill

    return papermill.execute_notebook(
        str(notebook.path),
        None,  # the runner writes the notebook itself, once normalised
        parameters=parameters,
        kernel_name=KERNEL_NAME,
        cwd=str(config.ROOT),
        progress_bar=False,
        log_output=False,
        request_save_on_cell_execute=False,
        execution_timeout=context.options.timeout,
        # passed through to nbclient.NotebookClient:
        record_timing=False,
        coalesce_streams=True,  # same stream outputs however the kernel chunked them
        kernel_manager_class=_kernel_manager_class(stderr, context.kernels, context.staging.work / "kernels"),
        on_cell_execute=tracker,
    )


def _describe_failure(
    notebook: Notebook, error: Exception, tracker: _CellTracker, options: Options, stderr_log: Path
) -> str:
    """One message naming the notebook, the cell and the error, with no traceback."""
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    if isinstance(error, PapermillExecutionError):
        where = notebook.describe_cell(error.cell_index)
        what = f"{error.ename}: {_one_line(error.evalue)}".rstrip(": ")
        return f"{notebook.name} failed in {where}\n  {what}"
    where = notebook.describe_cell(tracker.index)
    if isinstance(error, CellTimeoutError):
        return (
            f"{notebook.name} timed out after {options.timeout} s in {where}\n"
            "  Give slow cells more time with --timeout SEC."
        )
    if isinstance(error, DeadKernelError) or "died" in str(error).lower():
        return (
            f"{notebook.name}: the kernel died in {where}\n"
            "  The Python process running the notebook stopped (out of memory, a crash in "
            "compiled code, or os._exit)." + _stderr_tail(stderr_log)
        )
    return f"{notebook.name} could not be run ({where})\n  {type(error).__name__}: {_one_line(str(error))}"


def _one_line(text: str) -> str:
    """A short single-line version of an error value, without terminal colours."""
    lines = [ln.strip() for ln in ANSI_ESCAPE.sub("", str(text)).splitlines() if ln.strip()]
    line = " / ".join(lines[:3])
    return line if len(line) <= 300 else line[:299] + "…"


def _stderr_tail(stderr_log: Path, count: int = 5) -> str:
    """The last lines the kernel wrote to stderr, if any, to explain why it died."""
    try:
        text = stderr_log.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    lines = [ln for ln in text.splitlines() if ln.strip()][-count:]
    return "".join(f"\n  kernel stderr: {ln}" for ln in lines)


# --------------------------------------------------------------------------------------------
# Normalising and rendering
# --------------------------------------------------------------------------------------------

TIMING_KEYS = ("start_time", "end_time", "duration")


def _normalise(nb: Any, notebook: Notebook, replacements: dict[str, str], options: Options) -> None:
    """Make an executed notebook depend only on its inputs: no timings, ids or staging paths."""
    papermill_meta = nb.metadata.setdefault("papermill", {})
    for key in TIMING_KEYS:
        papermill_meta.pop(key, None)
    papermill_meta["input_path"] = _display(notebook.path)
    papermill_meta["output_path"] = _display(options.output_dir / "notebooks" / notebook.name)
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{index:03d}"
        cell.metadata.pop("execution", None)
        for key in TIMING_KEYS:
            cell.metadata.get("papermill", {}).pop(key, None)
    pairs = sorted(_with_resolved(replacements).items(), key=lambda kv: -len(kv[0]))
    _replace_strings(nb, pairs)


def _with_resolved(replacements: dict[str, str]) -> dict[str, str]:
    """Add the symlink-resolved spelling of every path to replace (e.g. /tmp on macOS)."""
    extended = dict(replacements)
    for old, new in replacements.items():
        extended.setdefault(str(Path(old).resolve()), new)
    return extended


def _replace_strings(node: Any, pairs: list[tuple[str, str]]) -> Any:
    """Replace staging paths by published ones in every string of a notebook, in place."""
    if isinstance(node, str):
        for old, new in pairs:
            node = node.replace(old, new)
        return node
    if isinstance(node, dict):
        for key, value in node.items():
            node[key] = _replace_strings(value, pairs)
    elif isinstance(node, list):
        node[:] = [_replace_strings(value, pairs) for value in node]
    return node


def _write_results(nb: Any, notebook: Notebook, output: Path) -> None:
    """Write the executed notebook and its code-free HTML into the notebook's staging area."""
    import nbformat

    nbformat.write(nb, output / "notebooks" / notebook.name)
    html = _render_html(nb, notebook.stem)
    (output / "html" / f"{notebook.stem}.html").write_text(html, encoding="utf-8")


# Tags a report needs; anything else (script, style, iframe, form, svg, ...) is stripped.
REPORT_TAGS = (
    "a abbr b blockquote br caption code col colgroup dd del details div dl dt em figcaption "
    "figure h1 h2 h3 h4 h5 h6 hr i img ins kbd li mark ol p pre q s small span strong sub "
    "summary sup table tbody td tfoot th thead tr u ul"
)
HTML_TAGS = frozenset(REPORT_TAGS.split())
HTML_ATTRIBUTES = {
    "*": ["class", "id", "title", "lang", "dir"],
    "a": ["href", "title", "rel"],
    "img": ["src", "alt", "width", "height"],
    "td": ["colspan", "rowspan", "align"],
    "th": ["colspan", "rowspan", "align"],
    "col": ["span"],
}
SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)


def _clean_html(html: str) -> str:
    """Sanitise HTML from notebook outputs and Markdown so that data text cannot inject script.

    nbconvert's own `clean_html` escapes headings, paragraphs and table headers, which spoils
    the report; this keeps the tags a report needs and drops scripts, styles and handlers.
    """
    import bleach

    html = SCRIPT_OR_STYLE.sub("", str(html))
    return bleach.clean(
        html,
        tags=HTML_TAGS,
        attributes=HTML_ATTRIBUTES,
        protocols=["http", "https", "mailto", "data"],
        strip=True,
        strip_comments=True,
    )


def _render_html(nb: Any, stem: str) -> str:
    """Render an executed notebook as HTML without code or prompts, without re-executing it."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name=HTML_TEMPLATE.name,
        extra_template_basedirs=[str(HTML_TEMPLATE.parent)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        sanitize_html=True,
        filters={"clean_html": _clean_html},
    )
    counter = itertools.count(1)
    # the template gives JavaScript and widget outputs random uuid4() ids; make them stable
    exporter.environment.globals["uuid4"] = lambda: f"{stem}-output-{next(counter)}"
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": stem}})
    return body


# --------------------------------------------------------------------------------------------
# Running the notebooks
# --------------------------------------------------------------------------------------------


class _Progress:
    """Prints one line per selected notebook, always in notebook order."""

    def __init__(self, notebooks: list[Notebook]) -> None:
        self._names = [nb.name for nb in notebooks]
        self._width = max(len(name) for name in self._names)
        self._lines: dict[str, str] = {}
        self._printed = 0

    def report(self, name: str, text: str) -> None:
        """Record a notebook's result and print every line that is now next in order."""
        self._lines[name] = text
        while self._printed < len(self._names) and self._names[self._printed] in self._lines:
            current = self._names[self._printed]
            _tell(f"  {current:<{self._width}}  {self._lines[current]}")
            self._printed += 1


@contextlib.contextmanager
def _unused_modules_hidden() -> Iterator[None]:
    """Make the packages in UNUSED_AT_IMPORT unimportable while the block runs, then restore them."""
    hidden = [name for name in UNUSED_AT_IMPORT if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # `import name` now raises ImportError
    try:
        yield
    finally:
        for name in hidden:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]


def _import_heavy_modules() -> None:
    """Import what the run needs once, in the main thread, without the optional packages it never uses."""
    with _unused_modules_hidden():
        import bleach  # noqa: F401
        import jupyter_client.manager  # noqa: F401
        import nbclient.exceptions  # noqa: F401
        import nbconvert  # noqa: F401
        import nbformat  # noqa: F401
        import papermill  # noqa: F401


def _execute_all(notebooks: list[Notebook], context: _Context, progress: _Progress) -> None:
    """Run notebooks `--jobs` at a time, writing each one's results here as it ends; stop all on a failure."""
    kernels = context.kernels
    pool = ThreadPoolExecutor(max_workers=context.options.jobs, thread_name_prefix="notebook")
    futures: list[Future[_Outcome]] = [pool.submit(_execute, nb, context) for nb in notebooks]
    try:
        for future in as_completed(futures):
            outcome = future.result()
            if outcome.failure is None:
                outcome = _write_outcome(outcome, context.options)
            if outcome.failure is not None:
                raise RunError(
                    f"{outcome.failure}\n"
                    "No notebook output was published; the previous outputs are unchanged."
                )
            progress.report(outcome.notebook.name, f"{time.monotonic() - outcome.started:5.1f} s")
    except BaseException:
        with _signals_deferred() as received:
            kernels.stop_all()
            pool.shutdown(wait=True, cancel_futures=True)
        _raise_deferred(received)
        raise
    pool.shutdown(wait=True)


def _assemble(plan: _Plan, staging: _Staging, options: Options) -> None:
    """Build the complete new tree in staging: fresh results, reused files, manifest."""
    owners: dict[Path, str] = {}
    entries: dict[str, dict[str, Any]] = {}
    for notebook in plan.notebooks:
        if notebook.name in plan.reused:
            entry = plan.reused[notebook.name]
            _copy_reused(notebook, entry, staging, options, owners)
            entries[notebook.name] = entry
        elif notebook in plan.to_run:
            entry = _move_fresh(notebook, staging, owners)
            entries[notebook.name] = {"inputs": plan.fingerprints[notebook.name], **entry}
    shutil.rmtree(staging.work)
    for sub in OUTPUT_LAYOUT:
        (staging.output / sub).mkdir(exist_ok=True)
    for target, place in ((options.output_dir, staging.output), (options.figures_dir, staging.figures)):
        for name in PLACEHOLDERS:
            if (target / name).is_file():
                shutil.copyfile(target / name, place / name)
    (staging.output / MANIFEST_NAME).write_text(_manifest_text(entries), encoding="utf-8")


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


def _first_html(options: Options, notebooks: list[Notebook]) -> Path | None:
    """The HTML report of the first notebook that has one: the file to open first."""
    for notebook in notebooks:
        path = options.output_dir / "html" / f"{notebook.stem}.html"
        if path.is_file():
            return path
    return None


def _tell_where(options: Options, notebooks: list[Notebook]) -> None:
    """Final lines: where the outputs are and which file to open first."""
    where = f"Outputs are in {_display(options.output_dir)}/"
    if not options.figures_inside_output:
        where += f" (figures in {_display(options.figures_dir)}/)"
    _tell(where + ".")
    first = _first_html(options, notebooks)
    if first is not None:
        _tell(f"Open first: {_display(first)}")


def _run(options: Options) -> int:
    """Plan, validate, execute, assemble and publish; return the exit status."""
    notebooks = _discover(options.notebooks_dir)
    selected = _select(notebooks, options.only)
    _check_targets(options)
    _check_places(options)
    targets = [publish.real_target(options.output_dir)]
    if not options.figures_inside_output:
        targets.append(publish.real_target(options.figures_dir))
    for target in targets:
        target.parent.mkdir(parents=True, exist_ok=True)
    with publish.locked(targets, _tell):
        publish.recover(targets[0], targets, _tell)
        _step("recovered")
        return _run_locked(options, notebooks, selected)


def _run_locked(options: Options, notebooks: list[Notebook], selected: list[Notebook]) -> int:
    """The run proper, with the output directories locked and any crashed publish recovered."""
    _check_inputs(selected, options)
    previous = _read_manifest(options.output_dir)
    _refuse_foreign_files(options, previous)
    plan = _plan(notebooks, selected, previous, options)
    progress = _Progress(selected)
    for notebook in selected:
        if notebook.name in plan.reused:
            progress.report(notebook.name, "skipped (unchanged)")
    if plan.nothing_to_do:
        _tell_where(options, notebooks)
        return 0
    _validate_data(options.data_dir)
    _import_heavy_modules()
    with _quiet_logging():
        _check_parameters(plan.to_run)
        with _working_directory(config.ROOT), _staging(options) as staging:
            context = _Context(options=options, staging=staging, kernels=_Kernels())
            _execute_all(plan.to_run, context, progress)
            _step("executed")
            _assemble(plan, staging, options)
            _step("assembled")
            with _signals_deferred() as received:
                staging.publish()
    _tell_where(options, notebooks)
    if received:
        _tell_error("Interrupted after the new outputs were published.")
        return 128 + received[0]
    return 0
