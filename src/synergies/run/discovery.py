"""Finding the notebooks (`NN-name.ipynb`), reading what the runner needs from them, `--only`, parameters."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from synergies.run.common import PARAMETER_NAMES, RunError, _display

NOTEBOOK_NAME = re.compile(r"^\d{2,}-.+\.ipynb$")


@dataclass(frozen=True)
class Notebook:
    """A notebook file and what the runner needs to know about it before running it."""

    path: Path
    inputs: tuple[str, ...] | None  # data files it reads; None = every file in the data dir
    first_lines: tuple[str, ...]  # first non-blank line of every cell, to name a failing cell
    parameters_index: int  # index of the cell tagged `parameters`, -1 when there is none
    has_injected_cell: bool  # already holds papermill's `injected-parameters` cell

    @property
    def name(self) -> str:
        """The file name, e.g. 02-plot-effects.ipynb."""
        return self.path.name

    @property
    def stem(self) -> str:
        """The name without .ipynb, used for the HTML file and the staging area."""
        return self.path.stem

    def describe_cell(self, executed_index: int | None) -> str:
        """Where in the executed notebook something happened, as a phrase: "in cell 2 of 5 (…)".

        The cell is named by its position and first line in the source notebook; a failure before
        any cell ran reads "before its first cell ran".
        """
        if executed_index is None:
            return "before its first cell ran"
        index = executed_index
        if not self.has_injected_cell and self.parameters_index >= 0:
            if executed_index == self.parameters_index + 1:
                return "in the cell papermill injected with the parameters"
            if executed_index > self.parameters_index:
                index -= 1
        count = len(self.first_lines)
        line = self.first_lines[index] if 0 <= index < count else ""
        return f"in cell {index + 1} of {count} (index {index}): `{line}`"


def _first_line(source: str | list[str]) -> str:
    """The first non-blank line of a cell's source, shortened for a one-line message."""
    text = "".join(source) if isinstance(source, list) else source
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    return line if len(line) <= 70 else line[:69] + "…"


def _cell_tags(cell: dict[str, Any]) -> list[str]:
    """The tags of a notebook cell (JSON form)."""
    return list(cell.get("metadata", {}).get("tags", []) or [])


def _read_notebook(path: Path) -> Notebook:
    """Read the facts the runner needs from a notebook's JSON (fast: no nbformat)."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        cells = document["cells"]
        metadata = document.get("metadata", {})
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise RunError(f"{_display(path)} is not a readable notebook: {error}") from None
    tags = [_cell_tags(cell) for cell in cells]
    parameters_index = next((i for i, t in enumerate(tags) if "parameters" in t), -1)
    return Notebook(
        path=path,
        inputs=_declared_inputs(path, metadata),
        first_lines=tuple(_first_line(cell.get("source", "")) for cell in cells),
        parameters_index=parameters_index,
        has_injected_cell=any("injected-parameters" in t for t in tags),
    )


def _declared_inputs(path: Path, metadata: dict[str, Any]) -> tuple[str, ...] | None:
    """The data files `metadata.synergies.inputs` names, or None when it names none."""
    inputs = (metadata.get("synergies") or {}).get("inputs")
    if inputs is None:
        return None
    valid = isinstance(inputs, list) and all(
        isinstance(name, str) and name and not Path(name).is_absolute() and ".." not in name
        for name in inputs
    )
    if not valid:
        raise RunError(
            f"{_display(path)}: metadata.synergies.inputs must be a list of data file names "
            f'inside the data directory, e.g. ["findings.csv"]; found {inputs!r}'
        )
    return tuple(sorted(set(inputs)))


def _discover(notebooks_dir: Path) -> list[Notebook]:
    """The notebooks named NN-verb-object.ipynb in `notebooks_dir`, sorted by name."""
    if not notebooks_dir.is_dir():
        raise RunError(f"There is no notebooks directory at {_display(notebooks_dir)}.")
    paths = sorted(p for p in notebooks_dir.iterdir() if NOTEBOOK_NAME.match(p.name))
    if not paths:
        raise RunError(f"{_display(notebooks_dir)} holds no notebook named NN-name.ipynb.")
    return [_read_notebook(path) for path in paths]


def _matches(notebook: Notebook, wanted: str) -> bool:
    """Whether `wanted` ("02", "02-plot-effects" or a file name) names `notebook`."""
    name = Path(wanted).name.removesuffix(".ipynb")
    return name in (notebook.stem, notebook.stem.split("-", 1)[0])


def _select(notebooks: list[Notebook], only: tuple[str, ...]) -> list[Notebook]:
    """The notebooks `--only` names (all of them without --only), in notebook order."""
    if not only:
        return notebooks
    unknown = [w for w in only if not any(_matches(nb, w) for nb in notebooks)]
    if unknown:
        names = ", ".join(nb.stem for nb in notebooks)
        raise RunError(f"--only {' '.join(unknown)}: no such notebook. The notebooks are {names}.")
    return [nb for nb in notebooks if any(_matches(nb, w) for w in only)]


def _check_parameters(notebooks: list[Notebook]) -> None:
    """Make a missing `parameters` cell or an undeclared parameter an error (papermill warns)."""
    import papermill

    problems = []
    for notebook in notebooks:
        if notebook.parameters_index < 0:
            problems.append(f"{notebook.name} has no cell tagged `parameters`.")
            continue
        declared = papermill.inspect_notebook(str(notebook.path))
        missing = [name for name in PARAMETER_NAMES if name not in declared]
        if missing:
            problems.append(f"{notebook.name}: its `parameters` cell does not define {', '.join(missing)}.")
    if problems:
        expected = ", ".join(PARAMETER_NAMES)
        raise RunError(
            "\n".join(problems)
            + f"\nEvery notebook needs one code cell tagged `parameters` that sets {expected} "
            "(as strings). No notebook was run; the previous outputs are unchanged."
        )
