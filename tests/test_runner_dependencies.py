"""Dependencies honest: every package src/ imports is a declared runtime dependency, dev tools never.

The imports are read from the source (AST), so an import inside a function counts as much as
one at the top: both run when a user runs the notebooks.
"""

from __future__ import annotations

import ast
import functools
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

from synergies import config

SOURCE = config.ROOT / "src" / "synergies"


def _name(requirement: str) -> str:
    """The normalised distribution name of a requirement string ("pandas>=2.2" -> "pandas")."""
    return re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _project() -> dict[str, object]:
    return tomllib.loads((config.ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def runtime() -> set[str]:
    """The runtime dependencies pyproject.toml declares."""
    return {_name(req) for req in _project()["dependencies"]}  # type: ignore[union-attr]


def dev_only() -> set[str]:
    """The dev extras that are not also runtime dependencies."""
    extras = _project()["optional-dependencies"]["dev"]  # type: ignore[index]
    return {_name(req) for req in extras} - runtime()


def imported_top_levels() -> dict[str, list[str]]:
    """Every top-level module src/ imports (absolute imports only), with the files importing it."""
    found: dict[str, list[str]] = {}
    for path in sorted(SOURCE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                found.setdefault(name.split(".")[0], []).append(path.relative_to(config.ROOT).as_posix())
    return found


@functools.cache
def _modules() -> dict[str, list[str]]:
    """Top-level module -> installed distributions (slow to build: once per session)."""
    return importlib.metadata.packages_distributions()


def _distributions(module: str) -> set[str]:
    """The installed distributions that provide a top-level module."""
    mapping = _modules()
    return {name.lower().replace("_", "-") for name in mapping.get(module, [])}


def test_every_imported_package_is_a_declared_runtime_dependency() -> None:
    declared = runtime()
    undeclared = {}
    for module, files in imported_top_levels().items():
        if module == "synergies" or module in sys.stdlib_module_names:
            continue
        distributions = _distributions(module)
        assert distributions, f"{module} (imported by {files[0]}) is not installed"
        if distributions & declared:
            continue
        undeclared[module] = sorted(set(files))
    assert not undeclared, f"imported by src/ but not declared in pyproject.toml dependencies: {undeclared}"


def test_no_dev_only_package_is_imported_at_run_time() -> None:
    dev = dev_only()
    used = {
        module: files
        for module, files in imported_top_levels().items()
        if module not in sys.stdlib_module_names and _distributions(module) & dev
    }
    assert not used, f"dev-only packages imported by src/ (they are not installed for users): {used}"


def test_the_scan_sees_the_imports_it_checks() -> None:
    """The scan is not vacuous: it finds the runtime packages the package is known to use."""
    found = imported_top_levels()
    for module in ("pandas", "matplotlib", "papermill", "babel", "filelock"):
        assert module in found, module
    assert Path(found["papermill"][0]).name.endswith(".py")
