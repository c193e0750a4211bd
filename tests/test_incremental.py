"""Incremental runs of the real notebooks: a change re-runs exactly the notebooks it affects.

One run of notebooks/ on a copy of the shipped data is published once per module; each test
restores it, changes one kind of input (a data file, a notebook, the package's code, a
parameter) and checks that the notebooks whose inputs changed ran again and changed their
outputs, while every other notebook was skipped and kept its outputs byte for byte.

The kernels import the package from a copy (PYTHONPATH), which is also what the runner
fingerprints, so package edits here never touch src/.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from synergies import config, runner
from synergies.run import common

PROGRESS = re.compile(r"^\s+(\S+\.ipynb)\s+(.+?)\s*$", re.MULTILINE)


@dataclass
class Project:
    """A copy of the data, notebooks and package, the published outputs, and a way to run."""

    root: Path
    capfd: pytest.CaptureFixture[str]

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def notebooks(self) -> Path:
        return self.root / "notebooks"

    @property
    def package(self) -> Path:
        return self.root / "src" / "synergies"

    @property
    def out(self) -> Path:
        return self.root / "out"

    def run(self, *extra: str) -> tuple[list[str], list[str]]:
        """Run the runner; return (notebooks executed, notebooks skipped), failing on an error."""
        self.capfd.readouterr()
        code = runner.main(_arguments(self.root, *extra))
        captured = self.capfd.readouterr()
        assert code == 0, captured.err
        progress = PROGRESS.findall(captured.out)
        executed = [name for name, state in progress if not state.startswith("skipped")]
        skipped = [name for name, state in progress if state == "skipped (unchanged)"]
        return executed, skipped

    def manifest(self) -> dict[str, dict]:
        """The published manifest's entries, by notebook."""
        return json.loads((self.out / runner.MANIFEST_NAME).read_text(encoding="utf-8"))["notebooks"]

    def files_of(self, notebook: str) -> dict[str, bytes]:
        """Every file a notebook published (outputs and figures), with its bytes."""
        entry = self.manifest()[notebook]
        files = {rel: (self.out / rel).read_bytes() for rel in entry["outputs"]}
        figures = self.out / "figures"
        files.update({f"figures/{rel}": (figures / rel).read_bytes() for rel in entry["figures"]})
        return files

    def reading(self, data_file: str) -> set[str]:
        """The notebooks whose kernels recorded reading `data_file` (the manifest's data scope)."""
        names = set()
        for name, entry in self.manifest().items():
            scope = entry["inputs"]["data_scope"]
            if scope == "all" or data_file in scope:
                names.add(name)
        return names


def _arguments(root: Path, *extra: str) -> list[str]:
    """Runner arguments for a project directory."""
    directories = ["--data-dir", str(root / "data"), "--output-dir", str(root / "out")]
    return [*directories, "--notebooks-dir", str(root / "notebooks"), *extra]


def _make_project(root: Path) -> None:
    """Copy the shipped data, the notebooks and the package into `root`."""
    shutil.copytree(config.DATA_DIR, root / "data", ignore=shutil.ignore_patterns("README.md", "*.xlsx"))
    shutil.copytree(config.NOTEBOOKS_DIR, root / "notebooks", ignore=shutil.ignore_patterns(".*"))
    package = root / "src" / "synergies"
    shutil.copytree(runner.PACKAGE_DIR, package, ignore=shutil.ignore_patterns("__pycache__"))


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(project path, saved copy) after one complete run, made once for the module."""
    base = tmp_path_factory.mktemp("incremental")
    root, saved = base / "project", base / "saved"
    _make_project(root)
    with pytest.MonkeyPatch.context() as monkeypatch:
        _use_package_copy(monkeypatch, root)
        assert runner.main(_arguments(root)) == 0
    shutil.copytree(root, saved)
    return root, saved


def _use_package_copy(monkeypatch: pytest.MonkeyPatch, root: Path) -> None:
    """Kernels import, and the runner fingerprints, the project's copy of the package."""
    monkeypatch.setenv("PYTHONPATH", str(root / "src"))
    monkeypatch.setattr(common, "PACKAGE_DIR", root / "src" / "synergies")
    monkeypatch.delitem(sys.modules, "synergies.load", raising=False)  # validation as the kernels see it


@pytest.fixture
def project(
    first_run: tuple[Path, Path], capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Project:
    """The project right after its first run (restored from the module's saved copy)."""
    root, saved = first_run
    shutil.rmtree(root)
    shutil.copytree(saved, root)
    _use_package_copy(monkeypatch, root)
    return Project(root=root, capfd=capfd)


def all_notebooks(project: Project) -> set[str]:
    """Every notebook of the project."""
    return {path.name for path in project.notebooks.glob("*.ipynb")}


def test_nothing_changed_runs_nothing_within_a_second(project: Project) -> None:
    started = time.perf_counter()
    executed, skipped = project.run()
    assert time.perf_counter() - started < 1.0
    assert executed == []
    assert set(skipped) == all_notebooks(project)


def test_a_changed_data_file_reruns_only_the_notebooks_that_read_it(project: Project) -> None:
    path = project.data / "institutional.csv"
    rows = list(csv.reader(path.open(encoding="utf-8", newline="")))
    column = rows[0].index("assessment")
    rows[1][column] = "barrier" if rows[1][column] != "barrier" else "enabler"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    readers = project.reading("institutional.csv")
    assert readers and readers != all_notebooks(project)  # else this test shows nothing
    before = {name: project.files_of(name) for name in all_notebooks(project)}

    executed, skipped = project.run()

    assert set(executed) == readers
    assert set(skipped) == all_notebooks(project) - readers
    for name in skipped:
        assert project.files_of(name) == before[name], name
    changed = [name for name in executed if project.files_of(name) != before[name]]
    assert changed, "no output of the notebooks that read institutional.csv changed"


def _change_first_cell(path: Path, column: str, value: str) -> None:
    """Set one cell of a CSV file's first data row (keeping its quoting and line endings)."""
    rows = list(csv.reader(path.open(encoding="utf-8", newline="")))
    rows[1][rows[0].index(column)] = value
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def test_a_changed_optional_file_reruns_exactly_the_notebooks_whose_kernels_read_it(project: Project) -> None:
    """arms.csv is read by some notebooks only; what each kernel read is recorded, not declared."""
    path = project.data / "arms.csv"
    assert path.is_file(), "the shipped data have no arms.csv: change another optional file here"
    rows = list(csv.reader(path.open(encoding="utf-8", newline="")))
    _change_first_cell(path, "note", rows[1][rows[0].index("note")] + " (edited by the test)")
    readers = project.reading("arms.csv")
    assert readers and readers != all_notebooks(project)  # else this test shows nothing

    executed, skipped = project.run()

    assert set(executed) == readers
    assert set(skipped) == all_notebooks(project) - readers


def test_a_file_no_notebook_reads_reruns_none(project: Project) -> None:
    """A file beside the data that is not part of the contract (notes, a spreadsheet) changes nothing."""
    (project.data / "notes.txt").write_text("Where the data came from.\n", encoding="utf-8")
    assert all(entry["inputs"]["data_scope"] != "all" for entry in project.manifest().values())

    executed, skipped = project.run()

    assert executed == []
    assert set(skipped) == all_notebooks(project)


def test_an_edited_notebook_reruns_alone_and_shows_the_edit(project: Project) -> None:
    path = sorted(project.notebooks.glob("*.ipynb"))[-1]
    document = json.loads(path.read_text(encoding="utf-8"))
    first_markdown = next(cell for cell in document["cells"] if cell["cell_type"] == "markdown")
    first_markdown["source"] = [*first_markdown["source"], "\n\nEdited by the incremental test."]
    path.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    others = all_notebooks(project) - {path.name}
    before = {name: project.files_of(name) for name in others}

    executed, skipped = project.run()

    assert executed == [path.name]
    assert set(skipped) == others
    assert "Edited by the incremental test." in (project.out / "html" / f"{path.stem}.html").read_text()
    assert {name: project.files_of(name) for name in others} == before


def test_changed_package_code_reruns_every_notebook_with_the_new_code(project: Project) -> None:
    outputs_module = project.package / "outputs.py"
    source = outputs_module.read_text(encoding="utf-8")
    assert "\nPNG_DPI = " in source, "outputs.PNG_DPI is gone: change another constant here"
    outputs_module.write_text(source + "\nPNG_DPI = 50  # lowered by tests/test_incremental.py\n")
    before = {name: project.files_of(name) for name in all_notebooks(project)}

    executed, skipped = project.run()

    assert skipped == []
    assert set(executed) == all_notebooks(project)
    for name in executed:
        old, new = before[name], project.files_of(name)
        assert old.keys() == new.keys(), name
        pngs = [rel for rel in new if rel.endswith(".png")]
        assert all(new[rel] != old[rel] for rel in pngs), f"{name}: a PNG kept its 200-dpi bytes"
        tables = [rel for rel in new if rel.startswith(("tables/", "narrative/"))]
        assert all(new[rel] == old[rel] for rel in tables), f"{name}: a table changed with the DPI"


def test_a_changed_parameter_reruns_every_notebook_and_changes_the_outputs(project: Project) -> None:
    before = {name: project.files_of(name) for name in all_notebooks(project)}

    executed, skipped = project.run("--lang", "es")

    assert skipped == []
    assert set(executed) == all_notebooks(project)
    assert all(entry["inputs"]["parameter_values"]["lang"] == "es" for entry in project.manifest().values())
    for name in executed:
        html = f"html/{Path(name).stem}.html"
        assert project.files_of(name)[html] != before[name][html], f"{name}: its report did not change"
