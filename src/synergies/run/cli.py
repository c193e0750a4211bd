"""The command line of `make run` (scripts/run_pipeline.py): options, messages, the order of a run."""

from __future__ import annotations

import argparse
import errno
import os
from collections.abc import Sequence
from pathlib import Path

from synergies import config, publish
from synergies.run import common, memory
from synergies.run.checks import (
    _check_inputs,
    _check_places,
    _check_targets,
    _refuse_foreign_files,
    _validate_data,
)
from synergies.run.common import (
    DEBUG_VARIABLE,
    DEFAULT_JOBS,
    DEFAULT_TIMEOUT,
    LANGUAGES,
    Options,
    RunError,
    _display,
    _quiet_logging,
    _signal_handling,
    _signals_deferred,
    _tell,
    _tell_error,
    _Terminated,
    _working_directory,
)
from synergies.run.discovery import Notebook, _check_parameters, _discover, _select
from synergies.run.execute import (
    _cache_evidence,
    _Context,
    _execute_all,
    _import_heavy_modules,
    _Kernels,
    _Progress,
)
from synergies.run.plan import _plan, _read_manifest
from synergies.run.publish import _assemble, _staging
from synergies.site.names import INDEX


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
    else:
        figures_dir = config.figures_location(output_dir)  # beside the outputs; figures/ for outputs/
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


def _first_html(options: Options, notebooks: list[Notebook]) -> Path | None:
    """The file to open first: the site's index, else the first notebook's HTML report."""
    if (options.output_dir / "html" / INDEX).is_file():
        return options.output_dir / "html" / INDEX
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
        common._step("recovered")
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
    evidence = _validate_data(options.data_dir)
    _import_heavy_modules()
    with _quiet_logging():
        _check_parameters(plan.to_run)
        with _working_directory(config.ROOT), _staging(options) as staging:
            cache = _cache_evidence(evidence, staging)
            if cache is not None:
                evidence = cache  # the tables are released while the kernels run; the site reads the pickle
                memory.release_memory()  # and their pages handed back, not kept at the load's peak
            context = _Context(options=options, staging=staging, kernels=_Kernels(), evidence_cache=cache)
            _execute_all(plan.to_run, context, progress)
            common._step("executed")
            _assemble(plan, staging, options, evidence)
            common._step("assembled")
            with _signals_deferred() as received:
                staging.publish()
    _tell_where(options, notebooks)
    if received:
        _tell_error("Interrupted after the new outputs were published.")
        return 128 + received[0]
    return 0
