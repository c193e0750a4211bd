"""What every stage of a run shares: options, the user-facing error, messages, signals, hashing.

One home for the runner's constants and the seams tests use (`PACKAGE_DIR`, `_step`).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import signal
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from synergies import config, vocabulary

PARAMETER_NAMES = vocabulary.PARAMETER_NAMES


LANGUAGES = vocabulary.LANGS


KERNEL_NAME = "python3"


DEFAULT_TIMEOUT = 600


DEFAULT_JOBS = 2


MANIFEST_NAME = ".run-manifest.json"


MANIFEST_FORMAT = 2  # 2: data fingerprinted from what each kernel read, not declared


PACKAGE_DIR = Path(__file__).resolve().parent.parent  # src/synergies, whose source is fingerprinted


# Sub-folders every output directory has; `figures` only when the figures live inside it.
OUTPUT_LAYOUT = tuple(sub for sub in config.OUTPUT_SUBDIRS if sub != "figures")


# Files a target directory may hold that the runner did not make; they are carried over.
PLACEHOLDERS = (".gitkeep",)


QUIET_LOGGERS = ("papermill", "nbclient", "nbconvert", "traitlets", "jupyter_client", "asyncio")
DEBUG_VARIABLE = "SYNERGIES_DEBUG"


ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


class RunError(Exception):
    """A problem the user can fix; str() is the complete message, shown without traceback."""


class _Terminated(KeyboardInterrupt):
    """SIGTERM, handled like Ctrl-C so that the same clean-up runs."""


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


def _one_line(text: str) -> str:
    """A short single-line version of an error value, without terminal colours."""
    lines = [ln.strip() for ln in ANSI_ESCAPE.sub("", str(text)).splitlines() if ln.strip()]
    line = " / ".join(lines[:3])
    return line if len(line) <= 300 else line[:299] + "…"


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


def _all_files(directory: Path) -> list[Path]:
    """Every file under `directory`, hidden ones included."""
    if not directory.is_dir():
        return []
    return sorted(Path(root) / f for root, _, files in os.walk(directory) for f in files)


# Fault injection (scripts/fault_inject.py, tests): the run kills itself with SIGKILL when it
# reaches the named step, to prove that the next run recovers from a crash at that point.
CRASH_VARIABLE = "SYNERGIES_CRASH_AT"


def _step(name: str) -> None:
    """A named point of a run; with SYNERGIES_CRASH_AT=name the process dies there (kill -9)."""
    if os.environ.get(CRASH_VARIABLE) == name:
        os.kill(os.getpid(), signal.SIGKILL)


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
