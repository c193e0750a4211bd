"""Executing notebooks with papermill: kernels, timeouts, failures named by cell, `--jobs` at a time."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from synergies import config
from synergies.run import kernel_evidence, narrative_cache
from synergies.run.common import (
    KERNEL_NAME,
    OUTPUT_LAYOUT,
    Options,
    RunError,
    _display,
    _one_line,
    _raise_deferred,
    _signals_deferred,
    _tell,
)
from synergies.run.discovery import Notebook
from synergies.run.plan import EVIDENCE_RECORD
from synergies.run.publish import _Staging
from synergies.run.render import _normalise, _write_results

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
# All extensions every kernel loads: the fast exit, and the run's validated data (kernel_evidence).
KERNEL_EXTENSIONS = (KERNEL_EXTENSION, "synergies.run.kernel_evidence")
EVIDENCE_CACHE = "evidence.pickle"  # in the staging work area, removed with it

# A kernel that dies before its first cell because a port it was given was taken meanwhile
# (see `_lost_its_ports`) is started again with new ports, up to this many starts in all.
KERNEL_START_ATTEMPTS = 3
PORT_CLASH = "Address already in use"  # what zmq says when a port it binds is taken


# Seconds a kernel gets to exit after its results are in; after half of it, it is sent SIGTERM.
# A kernel exits in about 0.1 s, but ipykernel 7 sometimes hangs at exit (its control thread
# flushes output into the IOPub thread it has just closed) and jupyter_client's default of 5 s
# then added 2.5 s to about one notebook in eight.
KERNEL_SHUTDOWN_WAIT = 1.0


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


def _kernel_manager_class(
    stderr: Any,
    kernels: _Kernels,
    connection_dir: Path | None = None,
    environment: dict[str, str] | None = None,
) -> type:
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
            extensions = [f"--ext={name}" for name in KERNEL_EXTENSIONS]
            kwargs["extra_arguments"] = [*kwargs.get("extra_arguments", []), *extensions]
            kwargs["stderr"] = stderr
            kwargs["env"] = {
                **KERNEL_ENVIRONMENT,
                **os.environ,
                **kwargs.get("env", {}),
                **(environment or {}),
            }
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
    evidence_cache: Path | None = None  # the run's validated data, pickled (see kernel_evidence)


def _cache_evidence(evidence: Any, staging: _Staging) -> Path | None:
    """Pickle the validated data into staging for the kernels; None when they are not an Evidence.

    Each kernel unpickles its own copy (a notebook may change its tables) in a few hundredths of
    a second, where reading and checking the CSV files again took over a second at 10^5 findings.
    """
    import importlib
    import pickle

    load = importlib.import_module("synergies.load")  # sys.modules first: tests stand one in
    if not isinstance(evidence, getattr(load, "Evidence", ())):
        return None
    staging.work.mkdir(parents=True, exist_ok=True)
    path = staging.work / EVIDENCE_CACHE
    with path.open("wb") as handle:
        pickle.dump(evidence, handle, protocol=pickle.HIGHEST_PROTOCOL)
    narrative_cache.write_digest(evidence, path)  # lets notebook 07 hand its narrative to the site
    return path


def _evidence_environment(context: _Context, area: Path) -> dict[str, str]:
    """The variables that make a kernel serve the cached data and record what it reads."""
    if context.evidence_cache is None:
        return {}
    return {
        kernel_evidence.CACHE_VARIABLE: str(context.evidence_cache),
        kernel_evidence.DATA_VARIABLE: str(context.options.data_dir.resolve()),
        kernel_evidence.RECORD_VARIABLE: str(area / EVIDENCE_RECORD),
        narrative_cache.NARRATIVE_VARIABLE: str(context.staging.work / narrative_cache.NARRATIVE_CACHE),
    }


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
    stderr_log = area / "kernel-stderr.log"
    environment = _evidence_environment(context, area)
    for attempt in range(1, KERNEL_START_ATTEMPTS + 1):
        tracker = _CellTracker()
        with stderr_log.open("wb") as stderr:  # each attempt's kernel writes its own log
            try:
                executed = _papermill(notebook, parameters, tracker, stderr, context, environment)
            except Exception as error:  # reported to the user as one message, not a traceback
                if attempt < KERNEL_START_ATTEMPTS and _lost_its_ports(tracker, stderr_log):
                    continue
                message = _describe_failure(notebook, error, tracker, context.options, stderr_log)
                return _Outcome(notebook, failure=message)
        break
    return _Outcome(notebook, started=started, executed=executed, output=output, figures=figures)


def _lost_its_ports(tracker: _CellTracker, stderr_log: Path) -> bool:
    """Whether a kernel died at start-up because another process took one of its ports.

    jupyter_client picks a kernel's five TCP ports by binding port 0 and closing the socket, and
    the kernel binds them a moment later; any process on the machine (another run side by side,
    or a connection's ephemeral port) can take one in between, and the kernel then dies with
    "Address already in use" before the notebook's first cell. Nothing has run yet, so starting
    a fresh kernel with fresh ports is safe; any other start-up death is reported at once.
    """
    if tracker.index is not None:
        return False
    try:
        text = stderr_log.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return PORT_CLASH in text


def _write_outcome(outcome: _Outcome, options: Options) -> _Outcome:
    """Normalise an executed notebook and write it and its HTML into its staging area."""
    assert outcome.output is not None and outcome.figures is not None
    replacements = {
        str(outcome.output): _display(options.output_dir),
        str(outcome.figures): _display(options.figures_dir),
    }
    try:
        _normalise(outcome.executed, outcome.notebook, replacements, options)
        _write_results(outcome.executed, outcome.notebook, outcome.output, options)
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
    environment: dict[str, str] | None = None,
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
        kernel_manager_class=_kernel_manager_class(
            stderr, context.kernels, context.staging.work / "kernels", environment
        ),
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
        return f"{notebook.name} failed {where}\n  {what}"
    where = notebook.describe_cell(tracker.index)
    if isinstance(error, CellTimeoutError):
        return (
            f"{notebook.name} timed out after {options.timeout} s {where}\n"
            "  Give slow cells more time with --timeout SEC."
        )
    if isinstance(error, DeadKernelError) or "died" in str(error).lower():
        return (
            f"{notebook.name}: the kernel died {where}\n"
            "  The Python process running the notebook stopped (out of memory, a crash in "
            "compiled code, or os._exit)." + _stderr_tail(stderr_log)
        )
    return f"{notebook.name} could not be run ({where})\n  {type(error).__name__}: {_one_line(str(error))}"


def _stderr_tail(stderr_log: Path, count: int = 5) -> str:
    """The last lines the kernel wrote to stderr, if any, to explain why it died."""
    try:
        text = stderr_log.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    lines = [ln for ln in text.splitlines() if ln.strip()][-count:]
    return "".join(f"\n  kernel stderr: {ln}" for ln in lines)


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
