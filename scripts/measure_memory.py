"""Measure the peak memory of each process of one pipeline run at scale: the runner and every kernel.

Issue 11 asks that at 10^6 synthetic findings the whole pipeline take at most 120 s on a 2-core
machine and that its largest process (the runner or any notebook's kernel) stay under 1.5 GB.
`scripts/benchmark.py` reports the largest process of a run; this script says which process it
was. It writes contract-following synthetic data (`synergies.synthetic.write_synthetic`, with the
benchmark's shape: 200 countries, 3 cases each, 60 outcomes, 8 domains), runs
`scripts/run_pipeline.py --force` on it, and polls /proc every 0.05 s for the peak resident set
(VmHWM) of the runner and of each kernel, named by its notebook (from the staging area the runner
gives the kernel in its environment). It prints one table per run: peak MB per process, seconds per
notebook (the runner's progress lines) and the wall time.

A measuring script, not a test: peaks vary from run to run by tens of MB, so run it several times.

Usage: python scripts/measure_memory.py [--findings 1000000] [--runs 1] [--work DIR] [--keep]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
RUN_PIPELINE = ROOT / "scripts" / "run_pipeline.py"
SHAPE = {"n_countries": 200, "cases_per_country": 3, "n_outcomes": 60, "n_domains": 8}
TARGET_MB = 1536.0
TARGET_SECONDS = 120.0
POLL_SECONDS = 0.05
RECORD_VARIABLE = "SYNERGIES_EVIDENCE_READS"  # set by the runner for each kernel: <work>/<notebook>/...
PROGRESS_LINE = re.compile(r"^\s+(\S+\.ipynb)\s+([\d.]+) s\s*$")


def _peak_mb(pid: int) -> float | None:
    """VmHWM (peak resident set) of a live process, in MB of 2^20 bytes; None once it has gone."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def _notebook_of(pid: int) -> str | None:
    """The notebook a kernel runs, from the staging area in its environment; None for other processes."""
    try:
        record = psutil.Process(pid).environ().get(RECORD_VARIABLE)
    except psutil.Error:
        return None
    return Path(record).parent.name if record else None


def measure_run(data: Path, output: Path) -> tuple[dict[str, float], dict[str, float], float, int, str]:
    """Run the pipeline once; return (peak MB per process, seconds per notebook, wall, status, stderr)."""
    command = [sys.executable, str(RUN_PIPELINE), "--data-dir", str(data), "--output-dir", str(output)]
    command.append("--force")
    peaks: dict[str, float] = {}
    names: dict[int, str] = {}
    stopped = threading.Event()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        runner = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=err)

        def poll() -> None:
            while not stopped.is_set():
                try:
                    children = psutil.Process(runner.pid).children(recursive=True)
                except psutil.Error:
                    children = []
                for process, name in [(runner.pid, "runner"), *((c.pid, None) for c in children)]:
                    if name is None:
                        name = names.get(process) or _notebook_of(process)
                        if name is None:
                            continue
                        names[process] = name
                    peak = _peak_mb(process)
                    if peak is not None:
                        peaks[name] = max(peaks.get(name, 0.0), peak)
                stopped.wait(POLL_SECONDS)

        watcher = threading.Thread(target=poll, daemon=True)
        watcher.start()
        _, status, usage = os.wait4(runner.pid, 0)
        wall = time.perf_counter() - started
        stopped.set()
        watcher.join()
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    # The kernel's own accounting: the largest of the runner and every descendant it waited for.
    peaks["(largest, wait4)"] = usage.ru_maxrss / 1024
    seconds = {}
    for line in stdout.splitlines():
        match = PROGRESS_LINE.match(line)
        if match:
            seconds[match.group(1).removesuffix(".ipynb")] = float(match.group(2))
    return peaks, seconds, wall, os.waitstatus_to_exitcode(status), stderr


def report(n: int, run: int, peaks: dict[str, float], seconds: dict[str, float], wall: float) -> str:
    """A Markdown table of one run: each process's peak and each notebook's seconds, then the totals."""
    lines = [f"### {n:,} findings, run {run}", "", "| process | peak MB | seconds |", "|---|---:|---:|"]
    for name in ["runner", *sorted(k for k in peaks if k not in ("runner", "(largest, wait4)"))]:
        if name in peaks:
            secs = f"{seconds[name]:.1f}" if name in seconds else ""
            lines.append(f"| {name} | {peaks[name]:.0f} | {secs} |")
    largest = max(v for k, v in peaks.items() if k != "(largest, wait4)")
    which = max((k for k in peaks if k != "(largest, wait4)"), key=lambda k: peaks[k])
    lines.append(f"| (largest, wait4) | {peaks['(largest, wait4)']:.0f} | |")
    lines += [
        "",
        f"wall {wall:.1f} s (target {TARGET_SECONDS:.0f} s); largest process {which} {largest:.0f} MB "
        f"(target < {TARGET_MB:.0f} MB)",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Write the synthetic data once, run the pipeline --runs times, print each run's table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--findings", type=int, default=1_000_000, help="synthetic findings (default 10^6)")
    parser.add_argument("--runs", type=int, default=1, help="pipeline runs to measure (default 1)")
    parser.add_argument("--work", type=Path, help="where data and outputs go (default: a temporary dir)")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "src"))
    from synergies.synthetic import write_synthetic

    work = args.work or Path(tempfile.mkdtemp(prefix="measure-memory-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        data = work / f"synthetic-{args.findings}"
        if not (data / "findings.csv").is_file():
            write_synthetic(data, n_findings=args.findings, **SHAPE)
        for run in range(1, args.runs + 1):
            peaks, seconds, wall, status, stderr = measure_run(data, work / "out")
            if status != 0:
                print(f"run {run} failed (exit status {status}):\n{stderr}", file=sys.stderr)
                return 1
            print(report(args.findings, run, peaks, seconds, wall), flush=True)
            print(flush=True)
    finally:
        if not args.keep and args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
