"""Every notebook in notebooks/ is committed clean, parameterised the same way, and named by convention."""

from __future__ import annotations

import ast
import io
import re
import subprocess
import tokenize
from functools import cache
from pathlib import Path

import nbformat
import pytest
import yaml

from synergies import vocabulary
from synergies.config import NOTEBOOKS_DIR, ROOT
from synergies.i18n import LANGS

NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
REQUIRED_PARAMETERS = vocabulary.PARAMETER_NAMES
NAME_PATTERN = re.compile(r"^\d{2}-[a-z]+(-[a-z0-9]+)+\.ipynb$")  # NN-verb-object.ipynb
VENV_BIN = ROOT / ".venv" / "bin"


@cache
def notebook(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=nbformat.NO_CONVERT)


def parameter_cells(nb: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [c for c in nb.cells if c.cell_type == "code" and "parameters" in c.metadata.get("tags", [])]


def parameters(nb: nbformat.NotebookNode) -> dict[str, tuple[str, object, str]]:
    """name -> (annotation as written, default value, inline comment) of the parameters cell."""
    source = parameter_cells(nb)[0].source
    comments = {
        token.start[0]: token.string.lstrip("#").strip()
        for token in tokenize.generate_tokens(io.StringIO(source).readline)
        if token.type == tokenize.COMMENT
    }
    found = {}
    for statement in ast.parse(source).body:
        assert isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name), (
            f"line {statement.lineno} of the parameters cell: only `name: type = value  # comment` lines"
        )
        assert statement.value is not None, f"{statement.target.id} needs a default value"
        annotation = ast.get_source_segment(source, statement.annotation)
        default = ast.literal_eval(statement.value)  # papermill can only override literals
        found[statement.target.id] = (annotation, default, comments.get(statement.end_lineno, ""))
    return found


@pytest.fixture(scope="module")
def help_listings() -> dict[Path, subprocess.CompletedProcess]:
    """`papermill --help-notebook` of every notebook, started all at once (each takes ~2 s)."""
    processes = {
        path: subprocess.Popen(
            [str(VENV_BIN / "papermill"), "--help-notebook", str(path.relative_to(ROOT))],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        for path in NOTEBOOKS
    }
    listings = {}
    for path, process in processes.items():
        out, err = process.communicate(timeout=120)
        listings[path] = subprocess.CompletedProcess(process.args, process.returncode, out, err)
    return listings


def test_notebooks_exist() -> None:
    assert NOTEBOOKS, f"{NOTEBOOKS_DIR} has no notebook"


# --------------------------------------------------------------------------- per notebook

parametrize = pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)


@parametrize
def test_is_valid_nbformat_4(path: Path) -> None:
    nb = notebook(path)
    assert nb.nbformat == 4
    nbformat.validate(nb)


@parametrize
def test_file_name_is_number_verb_object(path: Path) -> None:
    assert NAME_PATTERN.match(path.name), f"{path.name}: expected NN-verb-object.ipynb, e.g. 01-validate-data"


@parametrize
def test_first_cell_is_a_markdown_title(path: Path) -> None:
    first = notebook(path).cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# "), "first cell: a `# Title`"


@parametrize
def test_kernel_is_python3(path: Path) -> None:
    assert notebook(path).metadata.get("kernelspec", {}).get("name") == "python3"


@parametrize
def test_committed_without_outputs_or_run_metadata(path: Path) -> None:
    nb = notebook(path)
    assert "papermill" not in nb.metadata, "an executed copy was saved over the source"
    for index, cell in enumerate(nb.cells):
        assert "papermill" not in cell.metadata, f"cell {index}: papermill metadata"
        assert "injected-parameters" not in cell.metadata.get("tags", []), f"cell {index}: injected cell"
        if cell.cell_type == "code":
            assert cell.outputs == [], f"cell {index} has outputs: strip them (nbstripout)"
            assert cell.execution_count is None, f"cell {index} has an execution count: strip it"


@parametrize
def test_one_parameters_cell_with_the_shared_parameters(path: Path) -> None:
    nb = notebook(path)
    assert len(parameter_cells(nb)) == 1, "exactly one code cell tagged `parameters`"
    found = parameters(nb)
    missing = [name for name in REQUIRED_PARAMETERS if name not in found]
    assert not missing, f"parameters cell lacks {missing}"
    for name, (annotation, _default, comment) in found.items():
        assert annotation, f"{name}: needs a type hint"
        assert comment, f"{name}: needs an inline `# comment` saying what it is"
    assert found["lang"][1] in LANGS


@parametrize
def test_papermill_lists_each_parameter_with_type_and_comment(
    path: Path, help_listings: dict[Path, subprocess.CompletedProcess]
) -> None:
    done = help_listings[path]
    assert done.returncode == 0, done.stderr
    listing = done.stdout
    for name, (annotation, _default, comment) in parameters(notebook(path)).items():
        pattern = rf"^  {re.escape(name)}: {re.escape(annotation)} \(default .*\)\s+{re.escape(comment)}$"
        assert re.search(pattern, listing, re.MULTILINE), f"papermill does not show {name}: {annotation}"


# ------------------------------------------------------------------ as the nbstripout hook leaves them


def nbstripout_args() -> list[str]:
    """The nbstripout arguments of .pre-commit-config.yaml, so the test and the hook agree."""
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hook = next(h for repo in config["repos"] for h in repo["hooks"] if h["id"] == "nbstripout")
    return [*hook["entry"].split(), *hook.get("args", [])]


def test_notebooks_are_as_the_nbstripout_hook_leaves_them() -> None:
    if not NOTEBOOKS:
        pytest.skip("no notebook to check (test_notebooks_exist fails)")
    command = [*nbstripout_args(), "--verify", *(str(p.relative_to(ROOT)) for p in NOTEBOOKS)]
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT)
    assert done.returncode == 0, (
        f"{done.stdout}{done.stderr}"
        "Clean them with: .venv/bin/pre-commit run nbstripout --files notebooks/*.ipynb"
    )


def test_readme_documents_the_parameter_names_in_their_one_home() -> None:
    """README lists the notebook parameters as `synergies.vocabulary.PARAMETER_NAMES` holds them."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    listed = ", ".join(f"`{name}`" for name in vocabulary.PARAMETER_NAMES)
    assert f"({listed})" in readme, f"README.md should list the notebook parameters as ({listed})"
