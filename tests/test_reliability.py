"""Crashes, odd files and places, concurrent runs: the runner recovers by itself or says what to do.

Publishing states are simulated through the runner's own seams (`synergies.run.common._step`, the names
`synergies.publish` documents) without kernels; a few tests run the tiny fixture notebook
(tests/fixtures/runner) in real kernels, one at a time, on a throw-away project.
scripts/fault_inject.py does the same with real SIGKILLs at every step of whole runs.
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
from pathlib import Path

import pytest

from synergies import config, publish, runner
from synergies.run import checks, cli, common
from synergies.run import publish as run_publish

FIXTURES = Path(__file__).parent / "fixtures" / "runner"


class StubDataError(Exception):
    """Stands in for synergies.load.DataError."""


class Crash(BaseException):
    """A simulated kill -9: nothing after it runs (no except OSError, no clean-up)."""


def stub_validation() -> types.ModuleType:
    """A synergies.load whose load_evidence accepts anything (the runner is under test here)."""
    module = types.ModuleType("synergies.load")
    module.DataError = StubDataError
    module.load_evidence = lambda path: object()
    return module


def make_project(root: Path) -> None:
    """One notebook (01 reads a.csv), its data, and a stand-in package to fingerprint."""
    for sub in ("notebooks", "data", "package"):
        (root / sub).mkdir(parents=True)
    shutil.copyfile(FIXTURES / "01-count-rows.ipynb", root / "notebooks" / "01-count-rows.ipynb")
    (root / "data" / "a.csv").write_text("label\nfirst\nUS$ 5 and US$ 10\n", encoding="utf-8")
    (root / "package" / "module.py").write_text("VERSION = 1\n", encoding="utf-8")


def argv(root: Path, out: Path | None = None, *extra: str) -> list[str]:
    """The runner's command line for the project."""
    out = out or root / "out"
    return [
        "--data-dir",
        str(root / "data"),
        "--output-dir",
        str(out),
        "--notebooks-dir",
        str(root / "notebooks"),
        *extra,
    ]


def snapshot(*roots: Path) -> dict[str, bytes]:
    """Every file under the given directories (relative path -> bytes), hidden files included."""
    files = {}
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.is_file():
                files[f"{root.name}/{path.relative_to(root)}"] = path.read_bytes()
    return files


def leftovers(directory: Path) -> list[str]:
    """What a run may leave beside its outputs: staging, set-aside trees, a journal."""
    return sorted(
        p.name
        for p in directory.iterdir()
        if ".staging-" in p.name or ".old-" in p.name or ".publish" in p.name
    )


@pytest.fixture(scope="module")
def clean_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(project, saved copy) after one successful run, made once for the module."""
    base = tmp_path_factory.mktemp("reliability")
    root, saved = base / "project", base / "saved"
    make_project(root)
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setitem(sys.modules, "synergies.load", stub_validation())
        monkeypatch.setattr(common, "PACKAGE_DIR", root / "package")
        assert runner.main(argv(root)) == 0
    shutil.copytree(root, saved, symlinks=True)
    return root, saved


@pytest.fixture
def project(
    clean_run: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> Iterator[Path]:
    """The project right after the clean run (restored at the same path for each test)."""
    root, saved = clean_run
    publish.remove_tree(root)
    shutil.copytree(saved, root, symlinks=True)
    monkeypatch.setitem(sys.modules, "synergies.load", stub_validation())
    monkeypatch.setattr(common, "PACKAGE_DIR", root / "package")
    capfd.readouterr()
    yield root


def run(
    root: Path, capfd: pytest.CaptureFixture[str], *extra: str, out: Path | None = None
) -> tuple[int, str, str]:
    """Run in-process; (status, stdout, stderr)."""
    capfd.readouterr()
    code = runner.main(argv(root, out, *extra))
    captured = capfd.readouterr()
    return code, captured.out, captured.err


# --- a crash at each step of publishing ----------------------------------------------------------------

STEPS = ["journal", "set-aside out", "swapped out", "set-aside figs", "swapped figs", "done", "old removed"]


def staged(tmp_path: Path, version: str) -> tuple[run_publish._Staging, Path, Path]:
    """A published version 'old' of out/ and figs/, and a complete staging of `version`."""
    out, figs = tmp_path / "out", tmp_path / "figs"
    options = runner.Options(
        data_dir=tmp_path / "data", output_dir=out, figures_dir=figs, notebooks_dir=tmp_path / "nb"
    )
    for target in (out, figs):
        target.mkdir()
        (target / "file.txt").write_text("old\n", encoding="utf-8")
    staging = run_publish._Staging(options)
    staging.create()
    for tree in (staging.output, staging.figures):
        (tree / "file.txt").write_text(f"{version}\n", encoding="utf-8")
    return staging, out, figs


@pytest.mark.parametrize("step", STEPS)
def test_a_crash_at_any_step_of_publishing_is_recovered_by_the_next_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    staging, out, figs = staged(tmp_path, "new")

    def crash_at(name: str) -> None:
        if name == step:
            raise Crash(name)

    monkeypatch.setattr(common, "_step", crash_at)
    with pytest.raises(Crash):
        staging.publish()
    told: list[str] = []
    publish.recover(out, [out, figs], told.append)

    versions = {(target / "file.txt").read_text() for target in (out, figs)}
    assert len(versions) == 1, "both trees come from the same run, never a mix"
    expected = "new\n" if step in ("done", "old removed") else "old\n"
    assert versions == {expected}
    assert leftovers(tmp_path) == []
    assert told and all(line.startswith("Recovered from an interrupted run") for line in told)


def test_recovery_without_a_journal_puts_a_lone_old_tree_back(tmp_path: Path) -> None:
    out = tmp_path / "out"
    old = tmp_path / ".out.old-abc123"
    old.mkdir()
    (old / "kept.txt").write_text("previous\n", encoding="utf-8")
    (tmp_path / ".out.staging-abc123").mkdir()
    (tmp_path / ".out.staging-abc123" / "kernels").mkdir()
    (tmp_path / ".out.staging-abc123" / "kernels" / "kernel-1.json").write_text("{}", encoding="utf-8")
    publish.recover(out, [out], lambda line: None)
    assert (out / "kept.txt").read_text() == "previous\n"
    assert leftovers(tmp_path) == []


def test_a_truncated_journal_is_rolled_back(tmp_path: Path) -> None:
    _, out, figs = staged(tmp_path, "new")
    publish.journal_path(out).write_text('{"format": 1, "sta', encoding="utf-8")
    publish.recover(out, [out, figs], lambda line: None)
    assert (out / "file.txt").read_text() == "old\n"
    assert leftovers(tmp_path) == []


def test_a_read_only_published_tree_can_be_replaced_and_removed(tmp_path: Path) -> None:
    staging, out, figs = staged(tmp_path, "new")
    for target in (out, figs):
        (target / "file.txt").chmod(0o444)
        target.chmod(0o555)
    assert run_publish._directory_mode(out) & 0o700 == 0o700  # staging never inherits read-only
    staging.publish()
    assert (out / "file.txt").read_text() == "new\n"
    assert leftovers(tmp_path) == []


# --- whole runs ----------------------------------------------------------------------------------------


def crash_run(root: Path, step: str) -> subprocess.CompletedProcess[str]:
    """Run the runner in a child that kills itself with SIGKILL at `step`."""
    script = (
        "import sys, types\n"
        "stub = types.ModuleType('synergies.load')\n"
        "stub.DataError = type('DataError', (Exception,), {})\n"
        "stub.load_evidence = lambda path: None\n"
        "sys.modules['synergies.load'] = stub\n"
        "from synergies import runner\n"
        "from synergies.run import common\n"
        "from pathlib import Path\n"
        f"common.PACKAGE_DIR = Path({str(root / 'package')!r})\n"
        "sys.exit(runner.main(sys.argv[1:]))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(config.ROOT / "src"), runner.CRASH_VARIABLE: step}
    return subprocess.run(
        [sys.executable, "-c", script, *argv(root, None, "--force")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_run_killed_between_the_two_renames_leaves_the_next_run_unstuck(
    project: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(project / "out")
    done = crash_run(project, "set-aside out")
    assert done.returncode == -signal.SIGKILL
    assert not (project / "out").exists()  # the state the issue reports: outputs/ is gone

    code, out, err = run(project, capfd)
    assert code == 0, err
    assert "Recovered from an interrupted run: put back the previous outputs" in out
    assert snapshot(project / "out") == before  # put back, unchanged inputs: nothing to redo
    assert leftovers(project) == []


def test_a_missing_or_truncated_manifest_does_not_leave_the_user_stuck(
    project: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(project / "out")
    manifest = project / "out" / runner.MANIFEST_NAME
    manifest.write_text('{"format": 1, "noteb', encoding="utf-8")
    code, out, err = run(project, capfd)
    assert code == 0, err
    assert "not in the run manifest" in out  # recognised by the marker and the content check
    assert snapshot(project / "out") == before

    manifest.unlink()
    (project / "out" / publish.MARKER_NAME).unlink()  # a copy made without hidden files
    code, out, err = run(project, capfd)
    assert code == 1
    assert "--force" in err and "look like the outputs of an earlier run" in err
    code, out, err = run(project, capfd, "--force")
    assert code == 0, err
    assert snapshot(project / "out") == before


def test_files_outside_the_layout_are_still_refused_without_a_manifest(
    project: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    (project / "out" / runner.MANIFEST_NAME).unlink()
    (project / "out" / "my-notes.txt").write_text("mine\n", encoding="utf-8")
    code, _, err = run(project, capfd, "--force")
    assert code == 1
    assert "my-notes.txt" in err and "did not make" in err
    assert (project / "out" / "my-notes.txt").read_text() == "mine\n"


@pytest.fixture
def alarm() -> Iterator[None]:
    """Fail instead of hanging for ever if a test blocks (the bug a FIFO used to cause)."""

    def hung(signum: int, frame: object) -> None:
        raise AssertionError("the run blocked")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(30)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_an_input_that_is_not_a_regular_file_is_refused_before_it_is_read(
    project: Path, capfd: pytest.CaptureFixture[str], alarm: None, kind: str
) -> None:
    data = project / "data" / "a.csv"
    data.unlink()
    if kind == "fifo":
        os.mkfifo(data)
    else:
        data.symlink_to("/dev/zero")
    started = time.monotonic()
    code, _, err = run(project, capfd)
    assert code == 1
    assert time.monotonic() - started < 10
    assert f"{data}: " in err
    assert {"fifo": "named pipe (FIFO)", "dev-zero": "a device"}[kind] in err
    assert "Traceback" not in err


def test_an_unreadable_data_directory_and_permission_errors_get_plain_messages(
    project: Path, capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = project / "data"
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode: Path(path) != data and real_access(path, mode))
    code, _, err = run(project, capfd)
    assert code == 1
    assert f"The data directory {data} cannot be read" in err and "chmod u+rx" in err
    monkeypatch.setattr(os, "access", real_access)

    def denied(options: runner.Options) -> int:
        raise PermissionError(13, "Permission denied", str(project / "out" / "tables"))

    monkeypatch.setattr(cli, "_run", denied)
    code, _, err = run(project, capfd)
    assert code == 1
    assert f"permission denied on {project / 'out' / 'tables'}" in err
    assert "unexpectedly" not in err


def test_an_output_directory_whose_parent_is_read_only_is_refused_before_running(
    project: Path, capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode: Path(path) != project and real_access(path, mode))
    code, out, err = run(project, capfd, "--force")
    assert code == 1
    assert "not writable for you" in err and "chmod u+w" in err
    assert "01-count-rows" not in out  # nothing ran


def test_a_mount_point_is_refused_with_a_hint(
    project: Path, capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    out = project / "out"
    monkeypatch.setattr(publish.os.path, "ismount", lambda path: Path(path) == out)
    code, stdout, err = run(project, capfd, "--force")
    assert code == 1
    assert "is a mount point" in err and f"--output-dir {out}/outputs" in err
    assert "01-count-rows" not in stdout


def test_a_symlinked_output_directory_stays_a_symlink(
    project: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    real = project / "real-out"
    (project / "out").rename(real)
    (project / "out").symlink_to(real)
    (project / "data" / "a.csv").write_text("label\nchanged\n", encoding="utf-8")
    code, _, err = run(project, capfd)
    assert code == 0, err
    assert (project / "out").is_symlink()
    assert (real / "tables" / "rows.csv").read_text() == "rows\n1\n"
    assert leftovers(project) == []


def test_an_output_directory_inside_another_output_tree_is_refused(
    project: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(project, capfd, out=project / "out" / "es")
    assert code == 1
    assert f"is inside {project / 'out'}, the output tree of another run" in err
    assert not (project / "out" / "es").exists()
    with pytest.raises(runner.RunError, match="the output tree of another run"):
        checks._check_places(runner.parse_options(["--output-dir", str(config.OUTPUTS_DIR / "es")]))


def test_a_second_run_waits_for_the_lock_with_a_message(
    project: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    holder = hold_lock(project / "out", seconds=1.5)
    try:
        code, out, err = run(project, capfd)
    finally:
        holder.wait(timeout=30)
    assert code == 0, err
    assert "Another run is writing" in out and "waiting for it to finish" in out
    holder = hold_lock(project / "out", seconds=1.5)
    try:
        with pytest.raises(publish.Busy), publish.locked([project / "out"], print, wait=False):
            pass
    finally:
        holder.wait(timeout=30)


def hold_lock(target: Path, seconds: float) -> subprocess.Popen[str]:
    """Another process that holds the lock of `target` for `seconds` (returns once it holds it)."""
    script = (
        "import sys, time\n"
        "from filelock import FileLock\n"
        "lock = FileLock(sys.argv[1])\n"
        "lock.acquire()\n"
        "print('held', flush=True)\n"
        "time.sleep(float(sys.argv[2]))\n"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", script, str(publish.lock_path(target)), str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None and child.stdout.readline().strip() == "held"
    return child


def test_two_concurrent_runs_publish_one_after_the_other(project: Path) -> None:
    script = (
        "import sys, types\n"
        "stub = types.ModuleType('synergies.load')\n"
        "stub.DataError = type('DataError', (Exception,), {})\n"
        "stub.load_evidence = lambda path: None\n"
        "sys.modules['synergies.load'] = stub\n"
        "from synergies import runner\n"
        "from synergies.run import common\n"
        "from pathlib import Path\n"
        f"common.PACKAGE_DIR = Path({str(project / 'package')!r})\n"
        "sys.exit(runner.main(sys.argv[1:]))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(config.ROOT / "src")}
    command = [sys.executable, "-c", script, *argv(project, None, "--force", "--lang")]
    children = [
        subprocess.Popen([*command, lang], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for lang in ("en", "es")
    ]
    results = [child.communicate(timeout=180) for child in children]
    assert [child.returncode for child in children] == [0, 0], results
    assert any("waiting for it to finish" in out for out, _ in results)
    manifest = json.loads((project / "out" / runner.MANIFEST_NAME).read_text())
    entry = manifest["notebooks"]["01-count-rows.ipynb"]
    for rel, sha in entry["outputs"].items():  # the tree is exactly one run's, as its manifest says
        assert common._sha256_file(project / "out" / rel) == sha
    lang = entry["inputs"]["parameter_values"]["lang"]
    assert (project / "out" / "narrative" / "rows.md").read_text().endswith(f"({lang})\n")
    assert leftovers(project) == []


def test_kernel_connection_files_are_kept_inside_staging(
    project: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    notebook = json.loads((FIXTURES / "01-count-rows.ipynb").read_text(encoding="utf-8"))
    notebook["cells"].append(
        {
            "cell_type": "code",
            "execution_count": None,
            "id": "argv",
            "metadata": {},
            "outputs": [],
            "source": 'import sys\nPath(output_dir, "tables", "argv.txt").write_text(" ".join(sys.argv))',
        }
    )
    (project / "notebooks" / "01-count-rows.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    code, _, err = run(project, capfd)
    assert code == 0, err
    arguments = (project / "out" / "tables" / "argv.txt").read_text().split()
    connection = Path(arguments[arguments.index("-f") + 1])
    assert connection.parent.name == "kernels" and ".out.staging-" in str(connection)
    assert not connection.exists()


def test_two_dollar_signs_in_data_stay_text_in_the_report(project: Path) -> None:
    html = (project / "out" / "html" / "01-count-rows.html").read_text(encoding="utf-8")
    assert "US$ 5 and US$ 10" in html
    assert "MathJax" not in html and "mathjax" not in html
