"""The notebook runner: layout, manifest cache, atomic publishing, failures and determinism.

Tiny fixture notebooks (tests/fixtures/runner) run in real kernels on a throw-away project
in tmp_path; the data validation is replaced by a stub, and the package fingerprint is taken
from a stand-in directory so that edits elsewhere in src/ cannot change what these tests see.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import types
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from synergies import config, runner
from synergies.run import common, discovery, execute
from synergies.run import publish as run_publish

FIXTURES = Path(__file__).parent / "fixtures" / "runner"
TRACEBACK = "Traceback (most recent call last)"


class StubDataError(Exception):
    """Stands in for synergies.load.DataError: str() is the report."""


@dataclass
class Project:
    """A throw-away project: notebooks, data, outputs, and a way to run the runner on it."""

    root: Path
    capfd: pytest.CaptureFixture[str]
    validation: types.ModuleType

    @property
    def notebooks(self) -> Path:
        return self.root / "notebooks"

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def out(self) -> Path:
        return self.root / "out"

    def add(self, fixture: str, as_name: str | None = None) -> Path:
        """Copy a fixture notebook into the project's notebooks directory."""
        target = self.notebooks / (as_name or fixture)
        shutil.copyfile(FIXTURES / fixture, target)
        return target

    def run(self, *extra: str) -> tuple[int, str, str]:
        """Run the runner in-process; return (exit status, stdout, stderr) as the user sees them."""
        self.capfd.readouterr()
        argv = ["--data-dir", str(self.data), "--output-dir", str(self.out)]
        argv += ["--notebooks-dir", str(self.notebooks), *extra]
        code = runner.main(argv)
        captured = self.capfd.readouterr()
        return code, captured.out, captured.err


def snapshot(*roots: Path) -> dict[str, bytes]:
    """Every file under the given directories, by path, with its bytes."""
    files = {}
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.is_file():
                files[str(path)] = path.read_bytes()
    return files


def leftovers(directory: Path) -> list[str]:
    """Staging or set-aside directories a run left behind."""
    return sorted(p.name for p in directory.iterdir() if ".staging-" in p.name or ".old-" in p.name)


def assert_no_traceback(*texts: str) -> None:
    """The user never sees a Python traceback."""
    for text in texts:
        assert TRACEBACK not in text


def make_validation() -> types.ModuleType:
    """A stand-in for synergies.load whose load_evidence fails when `report` is set."""
    validation = types.ModuleType("synergies.load")
    validation.DataError = StubDataError
    validation.report = None

    def load_evidence(path: Path) -> object:
        if validation.report:
            raise StubDataError(validation.report)
        return object()

    validation.load_evidence = load_evidence
    return validation


def make_project(root: Path) -> None:
    """Two independent notebooks (01 reads a.csv, 02 reads b.csv), data, a stand-in package."""
    for sub in ("notebooks", "data", "package"):
        (root / sub).mkdir(parents=True)
    for name in ("01-count-rows.ipynb", "02-echo-lang.ipynb"):
        shutil.copyfile(FIXTURES / name, root / "notebooks" / name)
    (root / "data" / "a.csv").write_text("label\nfirst\n<script>alert(1)</script>\n", encoding="utf-8")
    (root / "data" / "b.csv").write_text("x\n1\n", encoding="utf-8")
    (root / "package" / "module.py").write_text("VERSION = 1\n", encoding="utf-8")


def use_project(root: Path, capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Project:
    """Point the runner's validation and package fingerprint at the project's stand-ins."""
    validation = make_validation()
    monkeypatch.setitem(sys.modules, "synergies.load", validation)
    monkeypatch.setattr(common, "PACKAGE_DIR", root / "package")
    return Project(root=root, capfd=capfd, validation=validation)


@pytest.fixture
def project(tmp_path: Path, capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Project:
    """A project that has never been run."""
    make_project(tmp_path / "project")
    return use_project(tmp_path / "project", capfd, monkeypatch)


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(project path, saved copy) of a project after one successful run, made once per module.

    Tests restore the copy at the same path, so the absolute paths in its manifest stay valid
    and each test need not run both notebooks again.
    """
    base = tmp_path_factory.mktemp("published")
    root, saved = base / "project", base / "saved"
    make_project(root)
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setitem(sys.modules, "synergies.load", make_validation())
        monkeypatch.setattr(common, "PACKAGE_DIR", root / "package")
        argv = ["--data-dir", str(root / "data"), "--output-dir", str(root / "out")]
        assert runner.main([*argv, "--notebooks-dir", str(root / "notebooks")]) == 0
    shutil.copytree(root, saved)
    return root, saved


@pytest.fixture
def published(
    first_run: tuple[Path, Path], capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Project:
    """The project right after one successful run (restored from the module's saved copy)."""
    root, saved = first_run
    shutil.rmtree(root)
    shutil.copytree(saved, root)
    return use_project(root, capfd, monkeypatch)


# --- options ------------------------------------------------------------------------------------


def test_defaults_are_the_repository_and_given_paths_are_from_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    default = runner.parse_options([])
    assert default.output_dir == config.ROOT / "outputs"
    assert default.figures_dir == config.ROOT / "figures"
    assert default.data_dir == config.ROOT / "data"
    assert (default.lang, default.jobs, default.timeout, default.force) == ("en", 2, 600, False)
    other = runner.parse_options(["--output-dir", "scratch/run1", "--data-dir", "mine"])
    assert other.figures_dir == tmp_path / "scratch" / "run1" / "figures"
    assert other.data_dir == tmp_path / "mine"
    monkeypatch.chdir(config.ROOT)
    assert runner.parse_options(["--output-dir", "outputs"]).figures_dir == config.ROOT / "figures"


def test_an_unknown_language_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert runner.main(["--lang", "fr"]) == 2
    assert "--lang must be en or es, not 'fr'" in capsys.readouterr().err


def test_only_accepts_number_stem_or_file_name(project: Project) -> None:
    notebooks = discovery._discover(project.notebooks)
    for wanted in ("02", "02-echo-lang", "02-echo-lang.ipynb", "notebooks/02-echo-lang.ipynb"):
        assert [nb.name for nb in discovery._select(notebooks, (wanted,))] == ["02-echo-lang.ipynb"]
    code, _, err = project.run("--only", "07")
    assert code == 1
    assert "--only 07: no such notebook" in err


# --- success, cache, determinism ------------------------------------------------------------------


def test_first_run_publishes_the_layout_the_manifest_and_clean_notebooks(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    from papermill import engines

    seen: list[dict[str, object]] = []

    class Spy(engines.PapermillNotebookClient):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)
            seen.append({"record_timing": self.record_timing, "timeout": self.timeout})

    monkeypatch.setattr(engines, "PapermillNotebookClient", Spy)
    code, out, err = project.run("--timeout", "30")

    assert code == 0, err
    assert seen == [{"record_timing": False, "timeout": 30}] * 2
    lines = out.splitlines()
    assert lines[0].split()[0] == "01-count-rows.ipynb" and lines[0].endswith(" s")
    assert lines[1].split()[0] == "02-echo-lang.ipynb"
    assert lines[-1] == f"Open first: {project.out}/html/01-count-rows.html"
    assert err == ""  # nothing else: no TCP warning, no log lines
    assert_no_traceback(out, err)

    out_dir = project.out
    for sub in ("notebooks", "html", "tables", "narrative", "figures"):
        assert (out_dir / sub).is_dir()
    assert (out_dir / "tables" / "rows.csv").read_text() == "rows\n2\n"
    assert (out_dir / "tables" / "cwd.txt").read_text() == str(config.ROOT)
    assert (out_dir / "figures" / "lang.svg").is_file()
    assert leftovers(project.root) == []

    manifest_text = (out_dir / runner.MANIFEST_NAME).read_text()
    manifest = json.loads(manifest_text)
    assert manifest_text == json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    entry = manifest["notebooks"]["02-echo-lang.ipynb"]
    assert set(entry["inputs"]) == {
        "notebook",
        "package",
        "parameters",
        "parameter_values",
        "data",
        "data_scope",
    }
    assert entry["inputs"]["data_scope"] == "all"  # no kernel record (stand-in data): the declared inputs
    assert list(entry["inputs"]["data"]) == ["b.csv"]
    assert entry["inputs"]["parameter_values"]["lang"] == "en"
    assert sorted(entry["outputs"]) == [
        "html/02-echo-lang.html",
        "notebooks/02-echo-lang.ipynb",
        "tables/cwd.txt",
        "tables/lang.csv",
    ]
    assert list(entry["figures"]) == ["lang.svg"]

    executed_text = (out_dir / "notebooks" / "01-count-rows.ipynb").read_text()
    executed = json.loads(executed_text)
    for word in ("start_time", "end_time", "duration", ".staging-", "iopub.status"):
        assert word not in executed_text
    assert [cell["id"] for cell in executed["cells"]][:2] == ["cell-000", "cell-001"]
    assert executed["metadata"]["papermill"]["input_path"] == str(project.notebooks / "01-count-rows.ipynb")
    assert f"wrote {out_dir}/tables/rows.csv" in executed_text

    html = (out_dir / "html" / "01-count-rows.html").read_text()
    assert "alert(1)" not in html  # data text cannot inject script into the report
    assert "rows = Path(data_dir" not in html  # code is hidden
    assert ">Labels<" in html and "<h1" in html and "<th>label</th>" in html
    assert ".staging-" not in html


def test_an_unchanged_rerun_does_nothing_within_a_second(published: Project) -> None:
    before = snapshot(published.out)
    inode = published.out.stat().st_ino
    started = time.perf_counter()
    code, out, err = published.run()
    elapsed = time.perf_counter() - started

    assert code == 0, err
    assert elapsed < 1.0
    assert "01-count-rows.ipynb  skipped (unchanged)" in out
    assert "02-echo-lang.ipynb   skipped (unchanged)" in out
    assert snapshot(published.out) == before
    assert published.out.stat().st_ino == inode  # not even swapped


def test_two_runs_give_byte_identical_outputs(published: Project) -> None:
    first = snapshot(published.out)
    code, out, err = published.run("--force", "--jobs", "1")
    assert code == 0, err
    assert "skipped" not in out
    assert snapshot(published.out) == first


def test_changing_a_data_file_reruns_only_the_notebook_that_reads_it(published: Project) -> None:
    table_01 = (published.out / "tables" / "rows.csv").read_bytes()
    svg_before = (published.out / "figures" / "lang.svg").read_text()
    (published.data / "b.csv").write_text("x\n1\n2\n3\n", encoding="utf-8")

    code, out, err = published.run()

    assert code == 0, err
    assert "01-count-rows.ipynb  skipped (unchanged)" in out
    assert "02-echo-lang.ipynb" in out and "02-echo-lang.ipynb   skipped" not in out
    assert (published.out / "figures" / "lang.svg").read_text() != svg_before
    assert (published.out / "tables" / "rows.csv").read_bytes() == table_01
    assert leftovers(published.root) == []


def test_changing_a_notebook_or_the_package_reruns_what_depends_on_it(published: Project) -> None:
    notebook = published.notebooks / "01-count-rows.ipynb"
    document = json.loads(notebook.read_text())
    document["cells"][2]["source"] = ["Counted again.\n"]
    notebook.write_text(json.dumps(document, indent=1) + "\n")

    code, out, err = published.run()
    assert code == 0, err
    assert "02-echo-lang.ipynb   skipped (unchanged)" in out
    assert "Counted again." in (published.out / "html" / "01-count-rows.html").read_text()

    (common.PACKAGE_DIR / "module.py").write_text("VERSION = 2\n", encoding="utf-8")
    code, out, err = published.run()
    assert code == 0, err
    assert "skipped" not in out


def test_changing_the_language_reruns_and_changes_the_outputs(published: Project) -> None:
    code, out, err = published.run("--lang", "es")
    assert code == 0, err
    assert "skipped" not in out
    assert (published.out / "tables" / "lang.csv").read_text() == "lang\nes\n"
    assert (published.out / "narrative" / "rows.md").read_text() == "2 rows (es)\n"


def test_only_runs_the_named_notebook_and_keeps_the_others_outputs(published: Project) -> None:
    rows_before = (published.out / "tables" / "rows.csv").read_bytes()
    (published.data / "a.csv").write_text("label\none\ntwo\nthree\n", encoding="utf-8")
    (published.data / "b.csv").write_text("x\n9\n", encoding="utf-8")

    code, out, err = published.run("--only", "02")
    assert code == 0, err
    assert "01-count-rows" not in out.split("Outputs")[0]
    assert (published.out / "tables" / "rows.csv").read_bytes() == rows_before  # kept, stale
    assert (published.out / "html" / "01-count-rows.html").is_file()

    code, out, err = published.run()  # the full run then catches up with 01 only
    assert code == 0, err
    assert "02-echo-lang.ipynb   skipped (unchanged)" in out
    assert (published.out / "tables" / "rows.csv").read_text() == "rows\n3\n"


# --- failures leave the published outputs alone ---------------------------------------------------


def assert_nothing_published(project: Project, before: dict[str, bytes], out: str, err: str) -> None:
    """The previous outputs are byte for byte as they were, and no staging directory is left."""
    assert snapshot(project.out) == before
    assert leftovers(project.root) == []
    assert "previous outputs are unchanged" in err
    assert_no_traceback(out, err)


def test_a_failing_notebook_is_named_with_its_cell_and_error(published: Project) -> None:
    before = snapshot(published.out)
    (published.data / "b.csv").write_text("x\n2\n", encoding="utf-8")  # 02 would change too
    published.add("fail.ipynb", "03-fail.ipynb")

    code, out, err = published.run()

    assert code == 1
    assert '03-fail.ipynb failed in cell 4 of 4 (index 3): `raise ValueError("boom")`' in err
    assert "ValueError: boom" in err
    assert_nothing_published(published, before, out, err)


def test_a_cell_that_runs_too_long_times_out(published: Project) -> None:
    before = snapshot(published.out)
    published.add("sleep.ipynb", "03-sleep.ipynb")

    code, out, err = published.run("--timeout", "3")

    assert code == 1
    assert "03-sleep.ipynb timed out after 3 s in cell 3 of 3 (index 2): `import time`" in err
    assert "--timeout" in err
    assert_nothing_published(published, before, out, err)


def _taken_port_for_kernels(monkeypatch: pytest.MonkeyPatch, starts: int | None) -> Iterator[int]:
    """Hand the first `starts` kernels (all when None) a shell port another socket listens on.

    This is what a run side by side with another one meets when the other process takes a port
    between jupyter_client choosing it and the kernel binding it.
    """
    import socket

    from jupyter_client.connect import LocalPortCache

    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    taken = holder.getsockname()[1]
    original = LocalPortCache.find_available_port
    handed = {"kernels": 0}

    def find_available_port(self: LocalPortCache, ip: str) -> int:
        port = original(self, ip)
        # the provisioner asks for five ports per kernel, the shell port first
        first_of_a_kernel = getattr(self, "_asked", 0) % 5 == 0
        self._asked = getattr(self, "_asked", 0) + 1
        if first_of_a_kernel and (starts is None or handed["kernels"] < starts):
            handed["kernels"] += 1
            return taken
        return port

    monkeypatch.setattr(LocalPortCache, "find_available_port", find_available_port)
    try:
        yield taken
    finally:
        holder.close()


def test_a_kernel_whose_port_was_taken_is_started_again(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    for _ in _taken_port_for_kernels(monkeypatch, starts=1):
        code, out, err = project.run("--jobs", "1")

    assert code == 0, err
    assert "01-count-rows.ipynb" in out and "02-echo-lang.ipynb" in out
    assert (project.out / "notebooks" / "01-count-rows.ipynb").is_file()


def test_a_port_that_stays_taken_is_reported_after_a_few_starts(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    for _ in _taken_port_for_kernels(monkeypatch, starts=None):
        code, out, err = project.run("--jobs", "1")

    assert code == 1
    assert "01-count-rows.ipynb: the kernel died before its first cell ran" in err
    assert execute.PORT_CLASH in err
    assert_no_traceback(out, err)
    assert not (project.out / "notebooks").exists()


def test_a_dead_kernel_is_reported(published: Project) -> None:
    before = snapshot(published.out)
    published.add("die.ipynb", "03-die.ipynb")

    code, out, err = published.run()

    assert code == 1
    assert "03-die.ipynb: the kernel died in cell 3 of 3 (index 2): `import os`" in err
    assert_nothing_published(published, before, out, err)


@pytest.mark.parametrize(
    ("fixture", "message"),
    [
        ("no-parameters.ipynb", "03-bad.ipynb has no cell tagged `parameters`"),
        ("unknown-parameter.ipynb", "03-bad.ipynb: its `parameters` cell does not define lang"),
    ],
)
def test_parameter_problems_stop_the_run_before_anything_executes(
    project: Project, monkeypatch: pytest.MonkeyPatch, fixture: str, message: str
) -> None:
    import papermill

    def must_not_run(*args: object, **kwargs: object) -> None:
        raise AssertionError("a notebook was executed")

    monkeypatch.setattr(papermill, "execute_notebook", must_not_run)
    project.add(fixture, "03-bad.ipynb")

    code, out, err = project.run()

    assert code == 1
    assert message in err
    assert "No notebook was run" in err
    assert not project.out.exists()
    assert leftovers(project.root) == []
    assert_no_traceback(out, err)


def test_invalid_data_stops_the_run_with_the_report(published: Project) -> None:
    before = snapshot(published.out)
    (published.data / "a.csv").write_text("label\n=cmd()\n", encoding="utf-8")
    published.validation.report = "The data do not follow the contract:\n  - a.csv, row 2: formula"

    code, out, err = published.run()

    assert code == 1
    assert published.validation.report in err
    assert "No notebook was run" in err
    assert_nothing_published(published, before, out, err)


def test_a_failed_second_swap_rolls_the_first_back(
    published: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    figures = published.root / "figs"
    code, _, err = published.run("--figures-dir", str(figures))
    assert code == 0, err
    before = snapshot(published.out, figures)
    (published.data / "b.csv").write_text("x\n5\n", encoding="utf-8")
    real_rename = run_publish._rename

    def failing_rename(source: Path, target: Path) -> None:
        if target == figures and ".staging-" in source.name:
            raise OSError("disk full")
        real_rename(source, target)

    monkeypatch.setattr(run_publish, "_rename", failing_rename)
    code, _, err = published.run("--figures-dir", str(figures))

    assert code == 1
    assert "Could not publish the new outputs (disk full)" in err
    assert snapshot(published.out, figures) == before
    assert leftovers(published.root) == []


def test_files_the_runner_did_not_make_are_never_replaced(project: Project) -> None:
    project.out.mkdir()
    (project.out / "notes.txt").write_text("mine\n", encoding="utf-8")
    code, _, err = project.run()
    assert code == 1
    assert "holds files this runner did not make" in err
    assert (project.out / "notes.txt").read_text() == "mine\n"


@pytest.mark.parametrize(("signum", "status"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_an_interrupt_stops_the_kernels_and_leaves_nothing_behind(
    tmp_path: Path, signum: int, status: int
) -> None:
    notebooks, data, out = tmp_path / "notebooks", tmp_path / "data", tmp_path / "out"
    notebooks.mkdir()
    data.mkdir()
    shutil.copyfile(FIXTURES / "sleep.ipynb", notebooks / "01-sleep.ipynb")
    script = (
        "import signal, sys, types\n"
        "signal.signal(signal.SIGINT, signal.default_int_handler)\n"
        "stub = types.ModuleType('synergies.load')\n"
        "stub.DataError = type('DataError', (Exception,), {})\n"
        "stub.load_evidence = lambda path: None\n"
        "sys.modules['synergies.load'] = stub\n"
        "from synergies.runner import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    argv = ["--data-dir", str(data), "--output-dir", str(out), "--notebooks-dir", str(notebooks)]
    env = {**os.environ, "PYTHONPATH": str(config.ROOT / "src")}
    process = subprocess.Popen(
        [sys.executable, "-c", script, *argv],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    while not list(tmp_path.glob(".out.staging-*/.work/01-sleep/kernel-stderr.log")):
        assert time.monotonic() < deadline and process.poll() is None, process.communicate()
        time.sleep(0.1)
    time.sleep(1.5)  # the kernel is now in the sleeping cell
    process.send_signal(signum)
    stdout, stderr = process.communicate(timeout=30)

    assert process.returncode == status
    assert "previous outputs are unchanged" in stderr
    assert_no_traceback(stdout, stderr)
    assert "TCP" not in stderr
    assert not out.exists()
    assert leftovers(tmp_path) == []


# --- start-up and shut-down costs ------------------------------------------------------------------


def test_kernels_load_the_fast_exit_extension(project: Project) -> None:
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    parameters = 'data_dir = "data"\noutput_dir = "outputs"\nfigures_dir = "figures"\nlang = "en"'
    check = (
        "import sys\nfrom pathlib import Path\n"
        'Path(output_dir, "tables", "extension.txt").write_text(str("synergies.kernel_exit" in sys.modules))'
    )
    notebook = new_notebook(
        cells=[new_code_cell(parameters, metadata={"tags": ["parameters"]}), new_code_cell(check)],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    )
    for index, cell in enumerate(notebook.cells):
        cell["id"] = f"cell-{index}"
    for path in project.notebooks.iterdir():
        path.unlink()
    nbformat.write(notebook, project.notebooks / "01-check-extension.ipynb")

    code, _, err = project.run()

    assert code == 0, err
    assert (project.out / "tables" / "extension.txt").read_text() == "True"


def test_the_fast_exit_extension_freezes_the_heap_at_exit(monkeypatch: pytest.MonkeyPatch) -> None:
    import atexit
    import gc

    from synergies import kernel_exit

    registered: list[object] = []
    monkeypatch.setattr(atexit, "register", registered.append)
    kernel_exit.load_ipython_extension(object())
    assert registered == [gc.freeze]


def test_papermill_is_imported_without_the_unused_grammar_package() -> None:
    script = (
        "import sys\n"
        "from synergies.run import execute\n"
        "execute._import_heavy_modules()\n"
        "assert 'papermill' in sys.modules and 'nbformat' in sys.modules\n"
        "assert 'rfc3987_syntax' not in sys.modules\n"
        "import nbformat\n"
        "nbformat.validate(nbformat.v4.new_notebook())\n"
        "import rfc3987_syntax  # importable again once the runner has imported what it needs\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_a_kernel_that_hangs_at_exit_is_stopped_within_a_second() -> None:
    manager = execute._kernel_manager_class(None, execute._Kernels())(kernel_name="python3")
    assert manager.shutdown_wait_time == execute.KERNEL_SHUTDOWN_WAIT <= 1.0
