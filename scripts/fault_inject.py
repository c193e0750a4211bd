"""Kill runs with SIGKILL at many points and check that the next run recovers to a clean run's bytes.

Usage: .venv/bin/python scripts/fault_inject.py [--workdir DIR] [--delays 0,1,2,4]

On a throw-away project (the tiny notebooks of tests/fixtures/runner, figures in their own
directory so that a publish swaps two trees), for every named step of a run (the runner's
`_step` seam, SYNERGIES_CRASH_AT) and for kills a fixed time after the first kernel started
(inside a notebook):

1. restore the project as published by a clean run of data version 1, write version 2;
2. run with the kill; the process must die by SIGKILL;
3. run again normally: it must succeed, and the output and figures trees must equal, byte for
   byte, those of a clean run of version 2 at the same place; nothing may be left beside them
   (staging, set-aside trees, journal) and no kernel may outlive the killed run for long.

Bounded: about 15 kills, a few minutes on a laptop. Exit status 0 when every case passes.
The data validation is stubbed (as in tests/test_runner.py): it is not what is tested here.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "runner"
STEPS = (
    "recovered",
    "executed",
    "assembled",
    "journal",
    "set-aside out",
    "swapped out",
    "set-aside figs",
    "swapped figs",
    "done",
    "old removed",
)
RUNNER = (
    "import sys, types\n"
    "stub = types.ModuleType('synergies.load')\n"
    "stub.DataError = type('DataError', (Exception,), {})\n"
    "stub.load_evidence = lambda path: None\n"
    "sys.modules['synergies.load'] = stub\n"
    "from synergies.runner import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)


def make_project(root: Path) -> None:
    """Two notebooks (01 reads a.csv, 02 reads b.csv) and version 1 of their data."""
    for sub in ("notebooks", "data"):
        (root / sub).mkdir(parents=True)
    for name in ("01-count-rows.ipynb", "02-echo-lang.ipynb"):
        shutil.copyfile(FIXTURES / name, root / "notebooks" / name)
    write_data(root, 1)


def write_data(root: Path, version: int) -> None:
    """Data version 1 or 2 (every notebook's input changes)."""
    rows = "".join(f"row {i}\n" for i in range(version + 1))
    (root / "data" / "a.csv").write_text("label\n" + rows, encoding="utf-8")
    (root / "data" / "b.csv").write_text(f"x\n{version}\n", encoding="utf-8")


def command(root: Path) -> list[str]:
    """The runner's command line on the project."""
    return [
        sys.executable,
        "-c",
        RUNNER,
        "--data-dir",
        str(root / "data"),
        "--output-dir",
        str(root / "out"),
        "--figures-dir",
        str(root / "figs"),
        "--notebooks-dir",
        str(root / "notebooks"),
    ]


def environment(**extra: str) -> dict[str, str]:
    """The environment of a run: the package from this repository, plus `extra`."""
    return {**os.environ, "PYTHONPATH": str(ROOT / "src"), **extra}


def run(root: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    """One run to its end."""
    return subprocess.run(
        command(root), env=environment(**extra), capture_output=True, text=True, timeout=300
    )


def run_killed_after(root: Path, delay: float) -> int:
    """A run killed with SIGKILL `delay` seconds after its first kernel started; its exit status.

    Counting from the first notebook's staging area (not from the start of the process) puts
    the kill inside a notebook however slow the machine is.
    """
    child = subprocess.Popen(
        command(root), env=environment(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 120
    while not list(root.glob(".out.staging-*/.work/*/kernel-stderr.log")):
        if child.poll() is not None or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    time.sleep(delay)
    if child.poll() is None:
        child.send_signal(signal.SIGKILL)
    return child.wait(timeout=60)


def snapshot(root: Path) -> dict[str, bytes]:
    """The published trees, hidden files included, by relative path."""
    files = {}
    for tree in ("out", "figs"):
        base = root / tree
        if base.is_dir():
            for path in sorted(base.rglob("*")):
                if path.is_file():
                    files[f"{tree}/{path.relative_to(base)}"] = path.read_bytes()
    return files


def leftovers(root: Path) -> list[str]:
    """What must never stay beside the published trees after a successful run."""
    marks = (".staging-", ".old-", ".publish")
    return sorted(p.name for p in root.iterdir() if any(mark in p.name for mark in marks))


def kernels_of(root: Path) -> list[str]:
    """Processes still running with the project's staging path in their command line."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if str(root) in cmdline and "ipykernel" in cmdline:
            found.append(entry.name)
    return found


def wait_for_kernels(root: Path, seconds: float = 10.0) -> list[str]:
    """Kernels of a killed run that are still alive after `seconds` (they poll their parent)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        alive = kernels_of(root)
        if not alive:
            return []
        time.sleep(0.2)
    return kernels_of(root)


def restore(saved: Path, root: Path) -> None:
    """Put the project back as the clean version-1 run left it."""
    shutil.rmtree(root)
    shutil.copytree(saved, root, symlinks=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, help="where to build the project (default: a temporary dir)")
    parser.add_argument(
        "--delays", default="0,1,2,4", help="seconds after the first kernel starts for timed kills"
    )
    args = parser.parse_args(argv)
    base = Path(tempfile.mkdtemp(prefix="fault-inject-", dir=args.workdir))
    root, saved = base / "project", base / "saved"
    make_project(root)
    started = time.monotonic()

    first = run(root)
    if first.returncode != 0:
        print(first.stdout + first.stderr)
        return 1
    shutil.copytree(root, saved, symlinks=True)
    write_data(root, 2)
    clean = run(root)
    if clean.returncode != 0:
        print(clean.stdout + clean.stderr)
        return 1
    reference = snapshot(root)
    print(f"clean runs done ({len(reference)} published files); killing runs at each point:")

    cases: list[tuple[str, str | float]] = [("step", s) for s in STEPS]
    cases += [("after", float(d)) for d in args.delays.split(",") if d]
    failures = 0
    for kind, point in cases:
        restore(saved, root)
        write_data(root, 2)
        if kind == "step":
            killed = run(root, SYNERGIES_CRASH_AT=str(point)).returncode
            label = f"at step {point!r}"
        else:
            killed = run_killed_after(root, float(point))
            label = f"{point:g} s into the notebooks"
        orphans = wait_for_kernels(root)
        state = "outputs missing" if not (root / "out").exists() else "outputs present"
        left = len(leftovers(root))
        again = run(root)
        recovered = [ln.split(": ", 1)[1] for ln in again.stdout.splitlines() if ln.startswith("Recovered")]
        same = snapshot(root) == reference
        ok = again.returncode == 0 and same and not leftovers(root) and not orphans
        if kind == "step" and killed != -signal.SIGKILL:
            ok = False
        failures += not ok
        verdict = "ok  " if ok else "FAIL"
        died = "killed" if killed == -signal.SIGKILL else f"exit {killed}"
        print(
            f"  {verdict} kill {label:<24} {died:<7} then {state}, {left} leftover(s); next run exit "
            f"{again.returncode}, {'identical to a clean run' if same else 'DIFFERENT from a clean run'}"
            + (f"; recovery: {'; '.join(recovered)}" if recovered else "")
            + (f"; {len(orphans)} kernel(s) still alive" if orphans else "")
        )
        if again.returncode != 0:
            print("    " + again.stderr.strip().replace("\n", "\n    "))
    elapsed = time.monotonic() - started
    print(f"{len(cases) - failures} of {len(cases)} kill points recovered in {elapsed:.0f} s.")
    shutil.rmtree(base, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
