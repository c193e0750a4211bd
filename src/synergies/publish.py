"""Crash-safe publishing for the runner: one lock per output directory, a journal, self-recovery.

The runner (synergies.runner) builds a run's complete new tree in hidden staging directories
beside the published ones and then swaps them in. This module makes that swap survive a crash
at any instant (kill -9, out of memory, power loss) and makes two runs into one directory
take turns.

Names, for a published directory T (e.g. `outputs/`) in its parent P, with a run's token X:

- `P/.T.staging-X/`   the new tree while it is built (hidden, git-ignored);
- `P/.T.old-X/`       the previous tree, set aside during the swap;
- `P/.T.publish.json` the journal of a swap in progress (beside the output directory only);
- `TMP/synergies-locks/T-HASH.lock` the lock file of T (HASH from T's real path; an empty file
  in the system temporary directory, so that nothing is left beside the outputs; the lock is
  the kernel's and is released however the process ends);
- `T/.synergies-outputs` the marker saying the tree was published by this runner.

A publish goes through these states; `recover` (run at the start of every run, under the lock)
finds which one a crashed run stopped in and finishes it:

1. *building*: staging directories exist, no journal. The published tree is intact.
   Recovery: delete the staging directories (the new outputs were never complete).
2. *swapping*: the journal exists with `"state": "swapping"`; for each (staging, target, old)
   pair the target may have been set aside to `old` and the staging tree may have been
   renamed in. Recovery rolls back: a new tree already in place goes back to staging, every
   `old` goes back to its target, then staging and journal are deleted. The user has the
   previous outputs exactly, and the next run rebuilds what changed.
3. *swapped*: the journal says `"state": "done"`: every new tree is in place. Recovery rolls
   forward: delete the `old` trees and the journal.
4. *idle*: no journal, no staging, no old tree.

Without a journal, an `old` tree whose target is missing (a crash of an earlier runner
version between its two renames) is moved back; one whose target exists is deleted. Kernel
connection files live inside the staging directory, so they go with it.

The journal is written with write-to-temporary, fsync and rename, so it is either the old or
the new state, never a truncated one; a journal that cannot be parsed is treated as
*swapping* with the pairs derived from the names on disk.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

MARKER_NAME = ".synergies-outputs"
MARKER_TEXT = (
    "This directory is published by the synergies runner (make run / scripts/run_pipeline.py).\n"
    "Each run replaces it whole: keep your own files elsewhere.\n"
)
JOURNAL_FORMAT = 1


def staging_prefix(target: Path) -> str:
    """The name prefix of a target's staging directories (`.T.staging-`)."""
    return f".{target.name}.staging-"


def old_prefix(target: Path) -> str:
    """The name prefix of a target's set-aside previous trees (`.T.old-`)."""
    return f".{target.name}.old-"


def journal_path(output_dir: Path) -> Path:
    """Where the journal of a swap into `output_dir` lives (beside it)."""
    return output_dir.with_name(f".{output_dir.name}.publish.json")


LOCK_DIRECTORY = "synergies-locks"


def lock_path(target: Path) -> Path:
    """The lock file of a published directory: one per real path, in the system temporary directory.

    Not beside the directory, where it would be a file the run leaves outside its outputs, and
    not inside it, since the directory is replaced by a rename (a lock on a replaced file
    would lock nothing). The directory is world-writable and sticky, as /tmp itself.
    """
    real = os.path.realpath(target)
    digest = hashlib.sha256(real.encode("utf-8", "surrogateescape")).hexdigest()[:16]
    directory = Path(tempfile.gettempdir()) / LOCK_DIRECTORY
    if not directory.is_dir():
        with contextlib.suppress(FileExistsError):
            directory.mkdir(mode=0o777)
        with contextlib.suppress(OSError):
            directory.chmod(0o1777)
    return directory / f"{Path(real).name[:40]}-{digest}.lock"


def real_target(target: Path) -> Path:
    """The directory that is actually replaced: a symlink's target, so that the link is kept."""
    return Path(os.path.realpath(target)) if target.is_symlink() else target


# --------------------------------------------------------------------------------------------
# Removing trees, whatever their modes
# --------------------------------------------------------------------------------------------


def _make_writable_and_retry(function: Callable[..., object], path: str, _excinfo: object) -> None:
    """rmtree error handler: give the owner write access to the parent (read-only trees), retry."""
    parent = os.path.dirname(path)
    with contextlib.suppress(OSError):
        os.chmod(parent, os.stat(parent).st_mode | stat.S_IRWXU)
        if os.path.isdir(path) and not os.path.islink(path):
            os.chmod(path, os.stat(path).st_mode | stat.S_IRWXU)
    with contextlib.suppress(FileNotFoundError):
        function(path)


def remove_tree(path: Path) -> None:
    """Delete a directory tree, read-only parts included; missing is fine, errors are ignored."""
    if not path.exists() and not path.is_symlink():
        return
    if path.is_symlink() or not path.is_dir():
        with contextlib.suppress(OSError):
            path.unlink()
        return
    with contextlib.suppress(OSError):
        path.chmod(path.stat().st_mode | stat.S_IRWXU)
    if sys.version_info >= (3, 12):  # pragma: no cover - the project runs 3.11
        shutil.rmtree(path, onexc=_make_writable_and_retry)
    else:
        shutil.rmtree(path, onerror=_make_writable_and_retry)
    if path.exists():
        shutil.rmtree(path, ignore_errors=True)


# --------------------------------------------------------------------------------------------
# The lock
# --------------------------------------------------------------------------------------------


class Busy(Exception):
    """Another run holds the lock of an output directory."""


@contextlib.contextmanager
def locked(targets: list[Path], tell: Callable[[str], None], wait: bool = True) -> Iterator[None]:
    """Hold the lock of every target directory for the block; wait (with a message) if taken.

    The locks are `fcntl` locks (through filelock): the kernel releases them when the process
    ends, however it ends, so a killed run never leaves a stale lock. Targets are locked in a
    fixed order, so two runs never wait on each other.
    """
    from filelock import FileLock, Timeout

    locks = []
    try:
        for target in sorted(set(targets)):
            lock = FileLock(str(lock_path(target)), timeout=0)
            try:
                lock.acquire()
            except Timeout:
                if not wait:
                    raise Busy(str(target)) from None
                tell(
                    f"Another run is writing {target}; waiting for it to finish "
                    "(press Ctrl-C to stop waiting)..."
                )
                lock.acquire(timeout=-1, poll_interval=0.1)
            locks.append(lock)
        yield
    finally:
        for lock in reversed(locks):
            lock.release()


# --------------------------------------------------------------------------------------------
# The journal and recovery
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pair:
    """One directory of a swap: the new tree, where it goes, where the previous tree is set aside."""

    staging: Path
    target: Path
    old: Path


def write_journal(output_dir: Path, pairs: list[Pair], state: str) -> None:
    """Record the swap atomically: a temporary file, fsync, rename over the journal."""
    document = {
        "format": JOURNAL_FORMAT,
        "state": state,
        "pairs": [{"staging": str(p.staging), "target": str(p.target), "old": str(p.old)} for p in pairs],
    }
    path = journal_path(output_dir)
    temporary = path.with_name(path.name + ".tmp")
    with temporary.open("w", encoding="utf-8") as handle:
        handle.write(json.dumps(document, indent=2) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    _sync_directory(path.parent)


def remove_journal(output_dir: Path) -> None:
    """Delete the journal (the swap is over)."""
    with contextlib.suppress(FileNotFoundError):
        journal_path(output_dir).unlink()
    _sync_directory(output_dir.parent)


def _sync_directory(directory: Path) -> None:
    """Flush a directory's entries to disk (renames survive a power loss); best effort."""
    with contextlib.suppress(OSError):
        descriptor = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def _read_journal(output_dir: Path) -> tuple[str, list[Pair]] | None:
    """(state, pairs) of a journal, None when there is none, ("swapping", []) when unreadable."""
    path = journal_path(output_dir)
    if not path.exists():
        return None
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        pairs = [Pair(Path(p["staging"]), Path(p["target"]), Path(p["old"])) for p in document["pairs"]]
        return str(document["state"]), pairs
    except (OSError, ValueError, KeyError, TypeError):
        return "swapping", []


def _siblings(target: Path, prefix: str) -> list[Path]:
    """Entries beside `target` whose names start with `prefix`."""
    parent = target.parent
    if not parent.is_dir():
        return []
    with contextlib.suppress(OSError):
        return sorted(p for p in parent.iterdir() if p.name.startswith(prefix))
    return []


def recover(output_dir: Path, targets: list[Path], tell: Callable[[str], None]) -> list[str]:
    """Finish whatever publish a crashed run left (see the module docstring); return what was done.

    `output_dir` names the journal; `targets` are every directory the run publishes (real
    paths, symlinks resolved). Must be called with the lock held.
    """
    done: list[str] = []
    tmp = journal_path(output_dir).with_name(journal_path(output_dir).name + ".tmp")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    journal = _read_journal(output_dir)
    if journal is not None:
        state, pairs = journal
        if state == "done":
            for pair in pairs:
                if pair.old.exists():
                    remove_tree(pair.old)
            done.append("finished removing the previous outputs of an interrupted publish")
        else:
            for pair in reversed(pairs):
                _roll_back(pair)
            done.append("put back the previous outputs of an interrupted publish")
        remove_journal(output_dir)
    for target in targets:
        for old in _siblings(target, old_prefix(target)):
            if not target.exists() and not target.is_symlink():
                os.rename(old, target)
                done.append(f"put back {target.name} from {old.name}")
            else:
                remove_tree(old)
                done.append(f"removed {old.name}")
        for staging in _siblings(target, staging_prefix(target)):
            remove_tree(staging)
            done.append(f"removed {staging.name}")
    for message in done:
        tell(f"Recovered from an interrupted run: {message}.")
    return done


def _roll_back(pair: Pair) -> None:
    """Undo one pair of an unfinished swap: the new tree back to staging, the old one back."""
    if pair.old.exists():
        if pair.target.exists() and not pair.staging.exists():
            os.rename(pair.target, pair.staging)  # the new tree was in: take it out
        if not pair.target.exists():
            os.rename(pair.old, pair.target)
    remove_tree(pair.staging)


# --------------------------------------------------------------------------------------------
# Checks on where the outputs go
# --------------------------------------------------------------------------------------------


def is_mount_point(path: Path) -> bool:
    """Whether `path` is a mount point (a Docker volume, a USB disk): it cannot be renamed."""
    return path.is_dir() and os.path.ismount(path)


def permission_hint(error: OSError, path: Path) -> str:
    """A plain sentence for a permission or read-only problem on `path`, with what to do."""
    if error.errno == errno.EROFS:
        return f"{path} is on a read-only file system; choose an --output-dir (OUT=...) on a writable disk."
    if error.errno in (errno.EACCES, errno.EPERM):
        return (
            f"permission denied on {path}; give yourself write access (chmod u+w '{path}') "
            "or choose another --output-dir (OUT=...)."
        )
    return f"{error.strerror or error} ({path})"
