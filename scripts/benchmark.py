"""Measure `make run` against the notebook-execution floor, incremental re-runs and data scale.

`make benchmark` runs this. One run on this machine measures, prints a Markdown report and
writes it to docs/benchmarks.md:

- the floor: as many notebooks as notebooks/ holds, each only importing pandas, matplotlib
  and seaborn, run by the same runner command (`scripts/run_pipeline.py --force`, same data,
  same --jobs, same validation, HTML rendering and publishing), so the only difference from
  a real run is what the notebooks do;
- a cold run (`--force` into a fresh output directory) and its ratio to the floor, the two
  interleaved so that machine load affects both alike;
- a re-run with nothing changed, and re-runs after changing one finding's direction and one
  institutional row in a copy of data/, with the notebooks that re-ran;
- scale: contract-following synthetic data (synergies.synthetic) with 10^3 to 10^6 findings,
  timing load + validate + derive + every aggregate.py table in a fresh process (and, up to
  10^5 findings, the narrative build against the load), and the whole pipeline for the sizes
  asked for, with peak memory and the growth per 10x;
- the import cost of each notebook's imports, in a fresh interpreter.

Short measurements are repeated (best of --repeats); anything slower than --time-limit is
stopped and reported as not finished. Timings vary from machine to machine: compare a run
with the floor measured in the same run, not with another machine's numbers.

Usage: python scripts/benchmark.py [--repeats 3] [--sizes 1000 10000 100000 1000000]
       [--pipeline-sizes 1000 10000 100000 1000000] [--time-limit 900] [--keep DIR]
       [--doc PATH | --no-doc] [--quick]
"""

from __future__ import annotations

import argparse
import ast
import csv
import datetime
import importlib.metadata
import importlib.util
import inspect
import io
import itertools
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from synergies import config

RUN_PIPELINE = config.ROOT / "scripts" / "run_pipeline.py"
DEFAULT_DOC = config.DOCS_DIR / "benchmarks.md"
FLOOR_IMPORTS = ("pandas", "matplotlib", "seaborn")
# Synthetic data with hundreds of countries, cases and arms and 50+ outcomes.
SCALE_SHAPE = {"n_countries": 200, "cases_per_country": 3, "n_outcomes": 60, "n_domains": 8}
DEFAULT_SIZES = (1_000, 10_000, 100_000, 1_000_000)
DEFAULT_PIPELINE_SIZES = (1_000, 10_000, 100_000, 1_000_000)
NARRATIVE_MAX_FINDINGS = 100_000  # the narrative is timed in the stage process up to this size
REPEAT_BELOW_SECONDS = 30.0  # scale measurements shorter than this are repeated
KEY_PACKAGES = (
    "pandas",
    "numpy",
    "pyarrow",
    "pandera",
    "scipy",
    "matplotlib",
    "seaborn",
    "papermill",
    "nbclient",
    "nbconvert",
    "nbformat",
    "ipykernel",
    "jupyter_client",
    "pyzmq",
)
# Targets for a 2-core machine.
COLD_RATIO_TARGET = 1.25
NO_OP_TARGET_SECONDS = 1.0
SCALE_TARGET_SECONDS = 10.0
SCALE_TARGET_MB = 2048.0
NARRATIVE_TARGET_RATIO = 3.0  # narrative.build at most 3x load_evidence, at 10^5 findings
NARRATIVE_TARGET_FINDINGS = 100_000
PIPELINE_TARGET_FINDINGS = 1_000_000
PIPELINE_TARGET_SECONDS = 120.0  # the whole pipeline at 10^6 findings on this 2-core machine
PIPELINE_TARGET_MB = 1536.0  # its largest single process (1.5 GB, MB of 2^20 bytes as elsewhere)
LINEAR_GROWTH_LIMIT = 11.0  # 10x the data may cost at most 10x the time, with 10 % measurement noise
PROGRESS_LINE = re.compile(r"^\s+(\S+\.ipynb)\s+(.+?)\s*$")
MAGIC_LINE = re.compile(r"^\s*[%!]")
Target = tuple[str, str, bool | None]  # what is aimed at, what was measured, met or not


# --------------------------------------------------------------------------------------------
# Measuring one command
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Measured:
    """How one command went: wall time, memory, exit status and what it printed."""

    seconds: float
    cpu_seconds: float  # user + system time of the command and the descendants it waited for
    peak_mb: float  # largest resident set of one process (the command or a descendant it waited for)
    tree_peak_mb: float  # largest sampled sum over the command's process tree; 0 when not sampled
    status: int | None  # None when it was stopped at the time limit
    stdout: str
    stderr: str

    @property
    def finished(self) -> bool:
        """Whether the command ended by itself, successfully."""
        return self.status == 0


def _tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants, in MB (0 once it has gone)."""
    import psutil

    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0.0
    total = 0
    for process in processes:
        try:
            total += process.memory_info().rss
        except psutil.Error:
            continue
    return total / 2**20


def _kill_tree(pid: int) -> None:
    """Kill a process and every descendant (kernels lead their own process groups)."""
    import psutil

    try:
        root = psutil.Process(pid)
        processes = [*root.children(recursive=True), root]
    except psutil.Error:
        return
    for process in processes:
        try:
            process.send_signal(signal.SIGKILL)
        except psutil.Error:
            continue


def measure(argv: Sequence[str], time_limit: float, sample_memory: bool = False) -> Measured:
    """Run a command from the repository root; time it and record its peak memory.

    The peak of one process comes from the kernel's accounting (wait4), which covers the
    command and every descendant it waited for; with `sample_memory`, the sum over the whole
    process tree (runner plus parallel kernels) is also sampled every 0.1 s.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(list(argv), cwd=config.ROOT, stdout=out, stderr=err)
        stopped = threading.Event()
        timed_out = threading.Event()
        tree_peak = [0.0]

        def watch() -> None:
            while not stopped.wait(0.1):
                if sample_memory:
                    tree_peak[0] = max(tree_peak[0], _tree_rss_mb(process.pid))
                if time.perf_counter() - started > time_limit:
                    timed_out.set()
                    _kill_tree(process.pid)
                    return

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        _, wait_status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        stopped.set()
        watcher.join()
        process.returncode = os.waitstatus_to_exitcode(wait_status)
        out.seek(0)
        err.seek(0)
        return Measured(
            seconds=seconds,
            cpu_seconds=usage.ru_utime + usage.ru_stime,
            peak_mb=usage.ru_maxrss / 1024,
            tree_peak_mb=tree_peak[0],
            status=None if timed_out.is_set() else process.returncode,
            stdout=out.read().decode("utf-8", "replace"),
            stderr=err.read().decode("utf-8", "replace"),
        )


def _check(result: Measured, what: str) -> Measured:
    """Stop the benchmark with the command's own message when a run that must succeed failed."""
    if result.status not in (0, None):
        raise SystemExit(f"{what} failed (exit status {result.status}):\n{result.stderr or result.stdout}")
    return result


# --------------------------------------------------------------------------------------------
# The runner, the notebooks and the floor
# --------------------------------------------------------------------------------------------


def pipeline_command(data: Path, output: Path, notebooks: Path, force: bool) -> list[str]:
    """The command `make run` executes, for the given directories (default --jobs)."""
    argv = [sys.executable, str(RUN_PIPELINE), "--data-dir", str(data), "--output-dir", str(output)]
    argv += ["--notebooks-dir", str(notebooks)]
    return [*argv, "--force"] if force else argv


def notebook_paths(notebooks_dir: Path) -> list[Path]:
    """The notebooks the runner would run (NN-name.ipynb), sorted."""
    return sorted(p for p in notebooks_dir.glob("*.ipynb") if re.match(r"^\d{2,}-", p.name))


def reran(result: Measured) -> list[str]:
    """The notebooks a runner run executed, from its progress lines (not `skipped`)."""
    lines = (PROGRESS_LINE.match(line) for line in result.stdout.splitlines())
    return [m.group(1) for m in lines if m and not m.group(2).startswith("skipped")]


def notebooks_reading(output: Path, data_file: str) -> list[str]:
    """Notebooks whose kernels recorded reading `data_file` in the last run into `output`.

    The run manifest keeps, per notebook, the data files behind the tables it read
    (`data_scope`, see synergies.run.kernel_evidence), or "all" when it left no record.
    """
    manifest = json.loads((output / ".run-manifest.json").read_text(encoding="utf-8"))
    names = []
    for name, entry in sorted(manifest["notebooks"].items()):
        scope = entry["inputs"].get("data_scope", "all")
        if scope == "all" or data_file in scope:
            names.append(name)
    return names


def write_floor_notebooks(directory: Path, count: int) -> Path:
    """Write `count` notebooks that only declare the parameters and import pandas, matplotlib, seaborn."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    directory.mkdir(parents=True, exist_ok=True)
    parameters = 'data_dir = "data"\noutput_dir = "outputs"\nfigures_dir = "figures"\nlang = "en"'
    imports = "\n".join(f"import {name}" for name in FLOOR_IMPORTS)
    for number in range(1, count + 1):
        notebook = new_notebook(
            cells=[
                new_markdown_cell("# Floor: imports only"),
                new_code_cell(parameters, metadata={"tags": ["parameters"]}),
                new_code_cell(imports),
            ],
            metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        )
        for index, cell in enumerate(notebook.cells):
            cell["id"] = f"floor-{index}"
        nbformat.write(notebook, directory / f"{number:02d}-floor.ipynb")
    return directory


def flip_first_direction(findings: Path) -> str:
    """Turn the first increase into a decrease (or the reverse) in findings.csv; return the row's id."""
    text = findings.read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    column = rows[0].index("direction")
    for row in rows[1:]:
        if row and row[column] in ("increase", "decrease"):
            row[column] = "decrease" if row[column] == "increase" else "increase"
            _write_rows(findings, rows)
            return row[0]
    raise SystemExit(f"{findings} has no finding with an increase or a decrease to flip")


def change_first_assessment(institutional: Path) -> str:
    """Turn the first enabler into a barrier (or anything else into an enabler); return the case."""
    text = institutional.read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    column = rows[0].index("assessment")
    row = rows[1]
    row[column] = "barrier" if row[column] == "enabler" else "enabler"
    _write_rows(institutional, rows)
    return row[rows[0].index("case")]


def _write_rows(path: Path, rows: list[list[str]]) -> None:
    """Write CSV rows with LF line endings, as the shipped files are written."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


# --------------------------------------------------------------------------------------------
# Runs against the floor, and incremental re-runs
# --------------------------------------------------------------------------------------------


@dataclass
class RunResults:
    """The floor, cold, no-op and changed-input runs of the shipped data."""

    notebooks: list[str]
    floor: list[Measured] = field(default_factory=list)
    cold: list[Measured] = field(default_factory=list)
    no_op: list[float] = field(default_factory=list)
    no_op_reran: list[str] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)


def measure_runs(work: Path, repeats: int, time_limit: float) -> RunResults:
    """Floor and cold runs interleaved, then a no-op re-run and re-runs after changed inputs."""
    notebooks_dir = config.NOTEBOOKS_DIR
    notebooks = notebook_paths(notebooks_dir)
    results = RunResults(notebooks=[p.name for p in notebooks])
    floor_dir = write_floor_notebooks(work / "floor-notebooks", len(notebooks))
    for attempt in range(1, repeats + 1):
        for label, directory, times in (
            ("floor", floor_dir, results.floor),
            ("cold", notebooks_dir, results.cold),
        ):
            output = work / f"{label}-out"
            shutil.rmtree(output, ignore_errors=True)
            command = pipeline_command(config.DATA_DIR, output, directory, force=True)
            result = _check(measure(command, time_limit), f"the {label} run")
            times.append(result)
            _say(f"{label} run {attempt}/{repeats}: {result.seconds:.1f} s (CPU {result.cpu_seconds:.1f} s)")
    cold_output = work / "cold-out"
    for attempt in range(1, repeats + 1):
        command = pipeline_command(config.DATA_DIR, cold_output, notebooks_dir, False)
        result = _check(measure(command, 60), "the no-op re-run")
        results.no_op.append(result.seconds)
        results.no_op_reran = sorted(set(results.no_op_reran) | set(reran(result)))
        _say(f"no-op re-run {attempt}/{repeats}: {result.seconds:.2f} s")
    results.changes = measure_changes(work, notebooks, time_limit)
    return results


def measure_changes(work: Path, notebooks: list[Path], time_limit: float) -> list[dict[str, Any]]:
    """Run a copy of data/ once, then change one finding and one institutional row in turn."""
    data = work / "data-copy"
    shutil.copytree(config.DATA_DIR, data)
    output = work / "changed-out"
    _check(measure(pipeline_command(data, output, config.NOTEBOOKS_DIR, True), time_limit), "the base run")
    changes: list[tuple[str, str, Callable[[Path], str]]] = [
        ("findings.csv", "one finding's direction flipped ({})", flip_first_direction),
        ("institutional.csv", "one institutional assessment changed ({})", change_first_assessment),
    ]
    measured = []
    for data_file, description, change in changes:
        if not (data / data_file).is_file():
            continue
        expected = notebooks_reading(output, data_file)  # what the previous run's kernels read
        what = description.format(change(data / data_file))
        result = _check(
            measure(pipeline_command(data, output, config.NOTEBOOKS_DIR, False), time_limit), what
        )
        ran = reran(result)
        measured.append({"what": what, "seconds": result.seconds, "reran": ran, "expected": expected})
        _say(f"re-run after {what}: {result.seconds:.1f} s, re-ran {', '.join(ran) or 'nothing'}")
    return measured


# --------------------------------------------------------------------------------------------
# Scale
# --------------------------------------------------------------------------------------------


def aggregate_everything(ev: Any) -> dict[str, float]:
    """Build every table aggregate.py offers for `ev`; return the seconds each took.

    Every public function whose first parameter is the Evidence and whose other parameters
    have defaults is called, so tables added later are measured too; the tables built from
    other tables (sign tests, single-versus-combined domains) follow.
    """
    from synergies import aggregate

    seconds: dict[str, float] = {}
    built: dict[str, Any] = {}

    def timed(name: str, function: Callable[..., Any], *args: Any) -> None:
        started = time.perf_counter()
        built[name] = function(*args)
        seconds[name] = time.perf_counter() - started

    for name, function in inspect.getmembers(aggregate, inspect.isfunction):
        if name.startswith("_") or function.__module__ != aggregate.__name__:
            continue
        parameters = list(inspect.signature(function).parameters.values())
        takes_evidence = bool(parameters) and parameters[0].annotation in ("Evidence", aggregate.Evidence)
        if takes_evidence and all(p.default is not p.empty for p in parameters[1:]):
            timed(name, function, ev)
    if "effects_by_domain" in built and hasattr(aggregate, "sign_tests"):
        timed("sign_tests (arms)", aggregate.sign_tests, built["effects_by_domain"], ev)
    if "case_domain_verdicts" in built and hasattr(aggregate, "sign_tests"):
        timed("sign_tests (cases)", aggregate.sign_tests, built["case_domain_verdicts"], ev, "case")
    if "single_vs_combined" in built and hasattr(aggregate, "single_combined_domains"):
        timed("single_combined_domains", aggregate.single_combined_domains, built["single_vs_combined"], ev)
    return seconds


def measure_stages_here(data_dir: str) -> dict[str, Any]:
    """In this process: import, load + validate + derive, every aggregate table (seconds).

    Up to NARRATIVE_MAX_FINDINGS findings it also times `narrative.build` right after the load,
    as notebook 07 calls it, and rendering the built narrative in both languages.
    """
    started = time.perf_counter()
    from synergies import narrative
    from synergies.load import load_evidence

    imported = time.perf_counter()
    ev = load_evidence(data_dir)
    loaded = time.perf_counter()
    stages: dict[str, Any] = {"import": imported - started, "load": loaded - imported}
    if len(ev.findings) <= NARRATIVE_MAX_FINDINGS:
        built = narrative.build(ev)
        stages["narrative_build"] = time.perf_counter() - loaded
        rendering = time.perf_counter()
        for lang in ("en", "es"):
            narrative.render_markdown(built, lang)
        stages["narrative_render"] = time.perf_counter() - rendering
        del built
    aggregating = time.perf_counter()
    stages["tables"] = aggregate_everything(ev)
    stages["aggregate"] = time.perf_counter() - aggregating
    stages["findings"] = len(ev.findings)
    return stages


@dataclass
class ScaleResult:
    """Measurements for one synthetic data size."""

    n_findings: int
    shape: str
    stages: dict[str, Any] | None = None  # best run's in-process timings; None if it did not finish
    stage_seconds: float = 0.0  # the whole child process, interpreter start included
    stage_peak_mb: float = 0.0
    stage_runs: int = 0
    pipeline: Measured | None = None
    pipeline_figures: int = 0
    pipeline_notebooks: dict[str, float] = field(default_factory=dict)  # seconds per notebook
    output_mb: float = 0.0  # everything the run published
    largest_html: tuple[str, float] = ("", 0.0)  # the largest HTML report and its size in MB

    @property
    def work_seconds(self) -> float | None:
        """Load + validate + derive + every aggregate table, in-process (imports excluded)."""
        return None if self.stages is None else self.stages["load"] + self.stages["aggregate"]


def measure_scale(
    work: Path,
    sizes: Sequence[int],
    pipeline_sizes: Sequence[int],
    repeats: int,
    time_limit: float,
    keep: bool = False,
) -> list[ScaleResult]:
    """For each size: write synthetic data, time the stages in a fresh process, then the pipeline."""
    from synergies.synthetic import write_synthetic

    results = []
    for n in sizes:
        data = write_synthetic(work / f"synthetic-{n}", n_findings=n, **SCALE_SHAPE)
        result = ScaleResult(n_findings=n, shape=_shape_text(data))
        command = [sys.executable, str(Path(__file__).resolve()), "--measure-stages", str(data)]
        best: Measured | None = None
        for _ in range(repeats):
            run = measure(command, time_limit)
            result.stage_runs += 1
            if not run.finished:
                break
            if best is None or run.seconds < best.seconds:
                best = run
            if run.seconds > REPEAT_BELOW_SECONDS:
                break
        if best is not None:
            result.stages = json.loads(best.stdout.strip().splitlines()[-1])
            result.stage_seconds, result.stage_peak_mb = best.seconds, best.peak_mb
            _say(
                f"{n:>9,} findings: load + aggregate {result.work_seconds:.2f} s, peak {best.peak_mb:.0f} MB"
            )
        else:
            _say(f"{n:>9,} findings: load + aggregate did not finish within {time_limit:.0f} s")
        if n in pipeline_sizes:
            output = work / f"synthetic-{n}-out"
            command = pipeline_command(data, output, config.NOTEBOOKS_DIR, force=True)
            result.pipeline = measure(command, time_limit, sample_memory=True)
            _record_outputs(result, output)
            if not keep:
                shutil.rmtree(output, ignore_errors=True)
            state = (
                f"{result.pipeline.seconds:.1f} s" if result.pipeline.finished else _failure(result.pipeline)
            )
            _say(f"{n:>9,} findings: whole pipeline {state}")
        results.append(result)
    return results


def _record_outputs(result: ScaleResult, output: Path) -> None:
    """Figures, per-notebook seconds, output size and the largest HTML report of a pipeline run."""
    assert result.pipeline is not None
    result.pipeline_figures = len(list((output / "figures").glob("*.png")))
    result.pipeline_notebooks = notebook_seconds(result.pipeline)
    files = [p for p in output.rglob("*") if p.is_file()]
    result.output_mb = sum(p.stat().st_size for p in files) / 2**20
    reports = [p for p in files if p.suffix == ".html"]
    if reports:
        largest = max(reports, key=lambda p: p.stat().st_size)
        result.largest_html = (largest.name, largest.stat().st_size / 2**20)


def _shape_text(data: Path) -> str:
    """Countries, cases, arms and outcomes of a synthetic data directory, for the report."""
    with (data / "findings.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        keys = [(r["country"], r["case"], r["intervention"], r["outcome"]) for r in reader]
    countries = {k[0] for k in keys}
    cases = {k[:2] for k in keys}
    arms = {k[:3] for k in keys}
    outcomes = {k[3] for k in keys}
    return f"{len(countries)} countries, {len(cases)} cases, {len(arms)} arms, {len(outcomes)} outcomes"


def _failure(result: Measured) -> str:
    """Why a measured command did not finish, in a few words."""
    if result.status is None:
        return f"stopped at the time limit ({result.seconds:.0f} s)"
    lines = [line.strip() for line in result.stderr.splitlines() if line.strip()]
    # The runner's own message starts "Error:"; progress lines may come before it.
    start = next((i for i, line in enumerate(lines) if line.startswith("Error:")), 0)
    reason = " / ".join(lines[start : start + 2]) if lines else "no message"
    return f"failed (exit {result.status}: {reason[:200]})"


# --------------------------------------------------------------------------------------------
# Import cost in the kernels
# --------------------------------------------------------------------------------------------


def notebook_imports(path: Path) -> list[str]:
    """The modules a notebook's code cells import, in order (magics and shell lines skipped)."""
    document = json.loads(path.read_text(encoding="utf-8"))
    modules: list[str] = []
    for cell in document["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        lines = [line for line in source.splitlines() if not MAGIC_LINE.match(line)]
        try:
            tree = ast.parse("\n".join(lines))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules += [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                modules += [_imported_module(node.module, alias.name) for alias in node.names]
    return list(dict.fromkeys(modules))


def _imported_module(package: str, name: str) -> str:
    """The module `from package import name` loads: package.name when that is a module, else package."""
    try:
        return f"{package}.{name}" if importlib.util.find_spec(f"{package}.{name}") else package
    except (ImportError, ValueError):
        return package


def import_seconds(modules: Sequence[str], repeats: int) -> float:
    """Best time to import `modules` together in a fresh interpreter (its start-up excluded)."""
    statements = "".join(f"import {name}\n" for name in modules)
    code = f"import time\nstarted = time.perf_counter()\n{statements}print(time.perf_counter() - started)\n"
    best = float("inf")
    for _ in range(repeats):
        result = _check(measure([sys.executable, "-c", code], 120), f"importing {', '.join(modules)}")
        best = min(best, float(result.stdout.strip().splitlines()[-1]))
    return best


def measure_imports(repeats: int) -> list[tuple[str, str, float]]:
    """(what, modules, seconds): the floor's imports, each notebook's, and each package module alone."""
    rows = [("floor notebook", ", ".join(FLOOR_IMPORTS), import_seconds(FLOOR_IMPORTS, repeats))]
    seen: dict[str, None] = {}
    for path in notebook_paths(config.NOTEBOOKS_DIR):
        modules = notebook_imports(path)
        seen.update(dict.fromkeys(modules))
        rows.append((path.name, ", ".join(modules), import_seconds(modules, repeats)))
    for module in [m for m in seen if m.startswith("synergies.")]:
        rows.append(("alone", module, import_seconds([module], repeats)))
    return rows


# --------------------------------------------------------------------------------------------
# The machine
# --------------------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    """CPU model, cores, memory, operating system, Python and the key packages' versions."""
    cpu = platform.processor() or platform.machine()
    with_cpuinfo = Path("/proc/cpuinfo")
    if with_cpuinfo.is_file():
        names = re.findall(r"^model name\s*:\s*(.+)$", with_cpuinfo.read_text(), re.MULTILINE)
        cpu = names[0].strip() if names else cpu
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    versions = []
    for package in KEY_PACKAGES:
        try:
            versions.append(f"{package} {importlib.metadata.version(package)}")
        except importlib.metadata.PackageNotFoundError:
            continue
    return {
        "CPU": cpu,
        "Cores available": str(
            len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        ),
        "Memory": f"{memory:.1f} GiB",
        "System": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "Packages": ", ".join(versions),
        "Bytecode cache": "off (PYTHONDONTWRITEBYTECODE is set: every kernel compiles src/synergies again)"
        if os.environ.get("PYTHONDONTWRITEBYTECODE")
        else "on",
    }


# --------------------------------------------------------------------------------------------
# The report
# --------------------------------------------------------------------------------------------


def _seconds(values: Sequence[float]) -> str:
    """Best of the runs, with the median when there are several."""
    if not values:
        return "not measured"
    best = min(values)
    if len(values) == 1:
        return f"{best:.2f} s"
    return f"{best:.2f} s (median {statistics.median(values):.2f} s, {len(values)} runs)"


def _verdict(met: bool | None) -> str:
    """Met, missed, or not measured."""
    return {True: "met", False: "**missed**", None: "not measured"}[met]


def _growth(values: Sequence[tuple[int, float | None]]) -> list[str]:
    """Time at 10n over time at n, for consecutive sizes that differ by 10x."""
    factors = []
    for (n0, t0), (n1, t1) in itertools.pairwise(values):
        if t0 and t1 and n1 == 10 * n0:
            factors.append(f"{n0:,} → {n1:,}: ×{t1 / t0:.1f}")
    return factors


def _growth_ok(values: Sequence[tuple[int, float | None]]) -> bool | None:
    """Whether the largest 10x step grew no faster than linearly (within noise)."""
    steps = [(t1 / t0) for (n0, t0), (n1, t1) in itertools.pairwise(values) if t0 and t1 and n1 == 10 * n0]
    return None if not steps else steps[-1] <= LINEAR_GROWTH_LIMIT


def report(
    runs: RunResults | None,
    scale: list[ScaleResult],
    imports: list[tuple[str, str, float]],
    options: argparse.Namespace,
) -> str:
    """The Markdown report: machine, method, results, targets and where the time goes."""
    load_start, load_end = options.load_at_start, os.getloadavg()[0]
    lines = [
        "# Benchmarks",
        "",
        f"Measured on {datetime.date.today().isoformat()} by `make benchmark` (scripts/benchmark.py), "
        "which writes this page; run it again to refresh it. Compare a run only with the floor "
        "measured in the same run: absolute times depend on the machine and on what else it is doing.",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        *(f"| {key} | {value} |" for key, value in machine().items()),
        _row("Load average (1 min) at start / end", f"{load_start:.2f} / {load_end:.2f}"),
        "",
        "Other work on the machine slows every run; the floor and cold runs alternate so that it "
        "affects both, and CPU times are shown beside wall times because they vary less with it.",
        "",
        "## Method",
        "",
        f"- **Floor**: as many notebooks as `notebooks/` holds, each with the `parameters` cell and one cell "
        f"`import {', '.join(FLOOR_IMPORTS)}` only, run by the same command as `make run` "
        "(`scripts/run_pipeline.py --force`, shipped data, default `--jobs`): same data validation, "
        "kernel start-up, papermill execution, normalising, HTML rendering and atomic publishing. "
        "What a real run costs beyond it is what the notebooks themselves do.",
        "- **Cold**: `make run` with nothing cached (`--force` into a fresh output directory); floor and "
        "cold runs alternate so that machine load affects both alike.",
        "- **No-op**: the same command again with nothing changed; **changed input**: a copy of `data/` "
        "run once, then one value changed and the command run again.",
        "- **Scale**: `synergies.synthetic.write_synthetic` data with "
        + ", ".join(f"{k}={v}" for k, v in SCALE_SHAPE.items())
        + "; *load + aggregate* is `load_evidence` (read, validate, derive) plus every aggregate.py "
        "table, timed inside a fresh process (interpreter start and imports excluded; the *process* "
        f"column includes them); up to {NARRATIVE_MAX_FINDINGS:,} findings the same process also times "
        "`narrative.build` right after the load, as notebook 07 calls it, and rendering it in English "
        "and Spanish. Peak memory is the process's maximum resident set (`wait4`); for the "
        "whole pipeline, the largest single process (a kernel or the runner) and the sampled sum over "
        "the runner and its parallel kernels.",
        f"- Command: `python scripts/benchmark.py {' '.join(options.argv)}`"
        if options.argv
        else "- Command: `make benchmark` (`python scripts/benchmark.py`)",
        f"- Times are the best of {options.repeats} runs where repeated (scale runs longer than "
        f"{REPEAT_BELOW_SECONDS:.0f} s run once); anything still running after {options.time_limit:.0f} s is "
        "stopped.",
        "",
    ]
    targets: list[Target] = []
    if runs is not None:
        lines += _runs_section(runs, targets)
    if scale:
        lines += _scale_section(scale, targets)
    if imports:
        lines += _imports_section(imports)
    lines += ["## Targets (2-core machine)", "", "| Target | Measured | |", "|---|---|---|"]
    lines += [_row(target, measured, _verdict(met)) for target, measured, met in targets]
    return "\n".join(lines) + "\n"


def _row(*cells: object) -> str:
    """One Markdown table row."""
    return "| " + " | ".join(str(cell) for cell in cells) + " |"


def _wall_and_cpu(runs: list[Measured]) -> tuple[str, str]:
    """Wall time (best, median) and CPU time of the best run, as table cells."""
    if not runs:
        return "not measured", ""
    best = min(runs, key=lambda r: r.seconds)
    return _seconds([r.seconds for r in runs]), f"{best.cpu_seconds:.1f} s"


def notebook_seconds(result: Measured) -> dict[str, float]:
    """Seconds each executed notebook took, from the runner's progress lines."""
    found = {}
    for line in result.stdout.splitlines():
        match = PROGRESS_LINE.match(line)
        if match and match.group(2).endswith(" s"):
            found[match.group(1)] = float(match.group(2).removesuffix(" s"))
    return found


def _runs_section(runs: RunResults, targets: list[Target]) -> list[str]:
    """Floor, cold, no-op and changed-input rows, per-notebook times, and their targets."""
    count = len(runs.notebooks)
    lines = [
        f"## `make run` on the shipped data ({count} notebooks)",
        "",
        _row("Run", "Wall time", "CPU time (runner + kernels, best run)", "Notebooks executed"),
        _row("---", "---", "---:", "---"),
        _row("Floor (imports only)", *_wall_and_cpu(runs.floor), f"all {count}"),
        _row("Cold (`--force`, fresh output directory)", *_wall_and_cpu(runs.cold), f"all {count}"),
        _row(
            "No-op re-run (nothing changed)", _seconds(runs.no_op), "", ", ".join(runs.no_op_reran) or "none"
        ),
    ]
    for change in runs.changes:
        ran = ", ".join(change["reran"]) or "none"
        lines.append(_row(f"Re-run after {change['what']}", f"{change['seconds']:.2f} s", "", ran))
    ratio = cpu_ratio = None
    if runs.cold and runs.floor:
        best_cold = min(runs.cold, key=lambda r: r.seconds)
        best_floor = min(runs.floor, key=lambda r: r.seconds)
        ratio = best_cold.seconds / best_floor.seconds
        cpu_ratio = best_cold.cpu_seconds / best_floor.cpu_seconds
        lines += ["", f"Cold / floor: **{ratio:.2f}** (wall time, best runs); CPU time {cpu_ratio:.2f}.", ""]
        lines += _notebook_rows(best_cold, best_floor)
    met = None if ratio is None else ratio <= COLD_RATIO_TARGET
    targets.append((f"cold run ≤ {COLD_RATIO_TARGET} × floor", f"{ratio:.2f} ×" if ratio else "-", met))
    no_op = min(runs.no_op) if runs.no_op else None
    met = None if no_op is None else no_op <= NO_OP_TARGET_SECONDS and not runs.no_op_reran
    targets.append((f"no-op re-run ≤ {NO_OP_TARGET_SECONDS:.0f} s", f"{no_op:.2f} s" if no_op else "-", met))
    for change in runs.changes:
        exact = sorted(change["reran"]) == sorted(change["expected"])
        measured = (
            f"re-ran {len(change['reran'])} of {count}; {len(change['expected'])} read the changed file"
        )
        targets.append((f"after {change['what']}, only notebooks reading it re-run", measured, exact))
    return lines


def _notebook_rows(cold: Measured, floor: Measured) -> list[str]:
    """Each notebook's time in the best cold run beside the floor notebooks' median (2 run at a time)."""
    floor_times = list(notebook_seconds(floor).values())
    typical = statistics.median(floor_times) if floor_times else None
    lines = [
        "Per notebook in the best cold run (kernel start to HTML written, two notebooks at a time), "
        f"against the median floor notebook ({typical:.1f} s):"
        if typical
        else "Per notebook:",
        "",
        _row("Notebook", "Time", "Beyond the floor notebook"),
        _row("---", "---:", "---:"),
    ]
    for name, seconds in notebook_seconds(cold).items():
        beyond = f"{seconds - typical:+.1f} s" if typical is not None else ""
        lines.append(_row(name, f"{seconds:.1f} s", beyond))
    return [*lines, ""]


def _scale_section(scale: list[ScaleResult], targets: list[Target]) -> list[str]:
    """Load + aggregate and whole-pipeline rows per size, growth factors and their targets."""
    lines = [
        "## Scale (synthetic data)",
        "",
        _row(
            "Findings",
            "Data",
            "Load + validate + derive",
            "Aggregate (all tables)",
            "Slowest table",
            "Narrative build (× load)",
            "Narrative render (en + es)",
            "Process",
            "Peak memory",
        ),
        _row("---:", "---", "---:", "---:", "---", "---:", "---:", "---:", "---:"),
    ]
    for r in scale:
        if r.stages is None:
            stopped = f"> {r.stage_seconds:.0f} s"
            lines.append(_row(f"{r.n_findings:,}", r.shape, "not finished", *[""] * 4, stopped, ""))
            continue
        table, seconds = max(r.stages["tables"].items(), key=lambda kv: kv[1])
        lines.append(
            _row(
                f"{r.n_findings:,}",
                r.shape,
                f"{r.stages['load']:.2f} s",
                f"{r.stages['aggregate']:.2f} s",
                f"{table} {seconds:.2f} s",
                _narrative_cell(r),
                f"{r.stages['narrative_render']:.2f} s" if "narrative_render" in r.stages else "not timed",
                f"{r.stage_seconds:.2f} s",
                f"{r.stage_peak_mb:.0f} MB",
            )
        )
    work = [(r.n_findings, r.work_seconds) for r in scale]
    lines += ["", "Growth of load + aggregate per 10× findings: " + ("; ".join(_growth(work)) or "-"), ""]
    piped = [r for r in scale if r.pipeline is not None]
    if piped:
        lines += _pipeline_rows(piped, scale)
    largest = max(scale, key=lambda r: r.n_findings)
    if largest.n_findings >= 1_000_000:
        seconds = largest.work_seconds
        measured = f"{seconds:.2f} s" if seconds is not None else "not finished"
        met = None if seconds is None else seconds <= SCALE_TARGET_SECONDS
        what = f"{largest.n_findings:,} findings: load + validate + aggregate ≤ {SCALE_TARGET_SECONDS:.0f} s"
        targets.append((what, measured, met))
        measured = f"{largest.stage_peak_mb:.0f} MB" if largest.stages else "not finished"
        met = None if largest.stages is None else largest.stage_peak_mb <= SCALE_TARGET_MB
        targets.append(
            (f"{largest.n_findings:,} findings: peak memory ≤ {SCALE_TARGET_MB / 1024:.0f} GB", measured, met)
        )
    growth = "; ".join(_growth(work)) or "-"
    targets.append(("load + aggregate grows no faster than linearly", growth, _growth_ok(work)))
    if piped:
        whole = _pipeline_times(piped)
        growth = "; ".join(_growth(whole)) or "-"
        targets.append(("whole pipeline grows no faster than linearly", growth, _growth_ok(whole)))
    targets += _issue_targets(scale)
    return lines


def _narrative_cell(result: ScaleResult) -> str:
    """The narrative build time and its ratio to `load_evidence`, or why it was not timed."""
    stages = result.stages or {}
    if "narrative_build" not in stages:
        return f"not timed (> {NARRATIVE_MAX_FINDINGS:,} findings)"
    return f"{stages['narrative_build']:.2f} s ({stages['narrative_build'] / stages['load']:.1f} ×)"


def _issue_targets(scale: list[ScaleResult]) -> list[Target]:
    """The narrative and whole-pipeline targets, where their sizes were measured."""
    targets: list[Target] = []
    for r in scale:
        stages = r.stages or {}
        if r.n_findings == NARRATIVE_TARGET_FINDINGS and "narrative_build" in stages:
            ratio = stages["narrative_build"] / stages["load"]
            what = (
                f"{r.n_findings:,} findings: `narrative.build` ≤ {NARRATIVE_TARGET_RATIO:.0f} × "
                "`load_evidence` (same process)"
            )
            measured = f"{ratio:.1f} × ({stages['narrative_build']:.2f} s against {stages['load']:.2f} s)"
            targets.append((what, measured, ratio <= NARRATIVE_TARGET_RATIO))
        if r.n_findings == PIPELINE_TARGET_FINDINGS and r.pipeline is not None:
            p = r.pipeline
            what = f"{r.n_findings:,} findings: whole pipeline ≤ {PIPELINE_TARGET_SECONDS:.0f} s"
            measured = f"{p.seconds:.1f} s" if p.finished else _failure(p)
            targets.append((what, measured, p.finished and p.seconds <= PIPELINE_TARGET_SECONDS))
            what = f"{r.n_findings:,} findings: largest process < {PIPELINE_TARGET_MB / 1024:.1f} GB"
            targets.append((what, f"{p.peak_mb:.0f} MB", p.finished and p.peak_mb < PIPELINE_TARGET_MB))
    return targets


def _pipeline_times(piped: list[ScaleResult]) -> list[tuple[int, float | None]]:
    """(findings, seconds) of the whole-pipeline runs; None where it did not finish."""
    return [(r.n_findings, r.pipeline.seconds if r.pipeline and r.pipeline.finished else None) for r in piped]


def _pipeline_rows(piped: list[ScaleResult], scale: list[ScaleResult]) -> list[str]:
    """The whole-pipeline table at scale and its growth."""
    lines = [
        _row(
            "Findings",
            "Whole pipeline (`--force`)",
            "Largest process",
            "All processes (sampled)",
            "PNG figures",
            "Outputs",
            "Largest HTML report",
            "Slowest notebooks",
        ),
        _row("---:", "---:", "---:", "---:", "---:", "---:", "---", "---"),
    ]
    for r in piped:
        p = r.pipeline
        assert p is not None
        state = f"{p.seconds:.1f} s" if p.finished else _failure(p)
        lines.append(
            _row(
                f"{r.n_findings:,}",
                state,
                f"{p.peak_mb:.0f} MB",
                f"{p.tree_peak_mb:.0f} MB",
                r.pipeline_figures,
                f"{r.output_mb:.0f} MB",
                f"{r.largest_html[0]} {r.largest_html[1]:.1f} MB" if r.largest_html[0] else "",
                _slowest(r.pipeline_notebooks),
            )
        )
    from synergies import plots  # for its figure limits; matplotlib only loads when the report is written

    growth = "; ".join(_growth(_pipeline_times(piped))) or "-"
    lines += ["", f"Growth of the whole pipeline per 10× findings: {growth}", ""]
    lines += [
        f"Figures stay readable at any size (README, *Large data*): beyond {plots.MAX_ARMS} arms the "
        "heatmap and verdict matrix pool each country's arms into one row, figures of cases, arm pairs "
        f"and outcomes draw at most {plots.MAX_PAGES} pages, and figures of countries are never cut; "
        "tables keep every row. So the number of figures levels off while the data grow.",
        "",
    ]
    not_run = [f"{r.n_findings:,}" for r in scale if r.pipeline is None]
    if not_run:
        lines += [f"The whole pipeline was not run on {', '.join(not_run)} findings (not asked for).", ""]
    return lines


def _slowest(seconds: dict[str, float], count: int = 2) -> str:
    """The notebooks that took longest, with their times."""
    ranked = sorted(seconds.items(), key=lambda kv: -kv[1])[:count]
    return ", ".join(f"{name.split('-')[0]} {value:.0f} s" for name, value in ranked)


def _imports_section(imports: list[tuple[str, str, float]]) -> list[str]:
    """Import cost per notebook and for the heavy modules, in a fresh interpreter."""
    lines = [
        "## Import cost in a fresh interpreter",
        "",
        "Every notebook pays this in its own kernel before it does any work (best of the runs).",
        "",
        "| Notebook | Imports | Time |",
        "|---|---|---:|",
    ]
    lines += [f"| {what} | {modules} | {seconds:.2f} s |" for what, modules, seconds in imports]
    return [*lines, ""]


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------


def _say(text: str) -> None:
    """Progress for the person waiting, on stderr (stdout carries the report)."""
    print(text, file=sys.stderr, flush=True)


def _argument_parser() -> argparse.ArgumentParser:
    """Describe the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="runs of each short measurement (default 3)")
    parser.add_argument(
        "--sizes", type=int, nargs="*", default=list(DEFAULT_SIZES), help="findings per scale run"
    )
    parser.add_argument(
        "--pipeline-sizes",
        type=int,
        nargs="*",
        default=list(DEFAULT_PIPELINE_SIZES),
        help="sizes to run whole",
    )
    parser.add_argument("--time-limit", type=float, default=900.0, help="seconds before a run is stopped")
    parser.add_argument("--keep", metavar="DIR", help="keep the work directory (outputs, figures) here")
    parser.add_argument("--doc", default=str(DEFAULT_DOC), help="where to write the report")
    parser.add_argument("--no-doc", action="store_true", help="print the report only")
    parser.add_argument(
        "--skip-runs", action="store_true", help="skip the floor, cold and re-run measurements"
    )
    parser.add_argument("--quick", action="store_true", help="one repeat, 10^3 and 10^4 only (a smoke test)")
    parser.add_argument("--measure-stages", metavar="DATA_DIR", help=argparse.SUPPRESS)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Measure, print the report and write it (unless --no-doc)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    options = _argument_parser().parse_args(argv)
    options.argv = argv
    options.load_at_start = os.getloadavg()[0]
    if options.measure_stages:
        print(json.dumps(measure_stages_here(options.measure_stages)))
        return 0
    if options.quick:
        options.repeats, options.sizes, options.pipeline_sizes = 1, [1_000, 10_000], [1_000]
    work = (
        Path(options.keep).resolve()
        if options.keep
        else Path(tempfile.mkdtemp(prefix="synergies-benchmark-"))
    )
    if options.keep:
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
    try:
        runs = None
        if not options.skip_runs and notebook_paths(config.NOTEBOOKS_DIR):
            runs = measure_runs(work, options.repeats, options.time_limit)
        scale = measure_scale(
            work,
            options.sizes,
            options.pipeline_sizes,
            options.repeats,
            options.time_limit,
            bool(options.keep),
        )
        imports = measure_imports(options.repeats)
    finally:
        if not options.keep:
            shutil.rmtree(work, ignore_errors=True)
    text = report(runs, scale, imports, options)
    print(text)
    if not options.no_doc:
        doc = config.resolve(options.doc)
        doc.parent.mkdir(parents=True, exist_ok=True)
        doc.write_text(text, encoding="utf-8")
        _say(f"wrote {doc}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
