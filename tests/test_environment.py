"""The environment files agree: pyproject.toml, environment.yml, requirements.lock, pre-commit, citation."""

from __future__ import annotations

import re
import tomllib

import pytest
import yaml

from synergies.config import ROOT

# Names conda and pip share but that are not project dependencies.
NOT_PACKAGES = {"python", "pip"}
REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(.*?)\s*$")


def normalise(name: str) -> str:
    """Package name as pip compares them (PEP 503): lowercase, runs of -_. as one dash."""
    return re.sub(r"[-_.]+", "-", name).lower()


def split_requirement(spec: str) -> tuple[str, str]:
    """Split 'pandas>=2.2' (pip) or 'python=3.11' (conda) into name and version constraint."""
    match = REQUIREMENT.match(spec.split(";")[0])
    assert match, f"cannot read the requirement {spec!r}"
    return normalise(match.group(1)), match.group(2).replace(" ", "")


def pyproject_requirements() -> dict[str, str]:
    """Top-level dependencies plus the dev extra, name -> constraint."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    specs = [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    return dict(split_requirement(s) for s in specs)


def conda_requirements() -> dict[str, str]:
    """The conda packages of environment.yml (not python, pip or the pip section), name -> constraint."""
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    pairs = dict(split_requirement(s) for s in conda)
    return {name: constraint for name, constraint in pairs.items() if name not in NOT_PACKAGES}


def locked_versions() -> dict[str, set[str]]:
    """Every `name==version` pin of requirements.lock (a name may have several, by Python version)."""
    pins: dict[str, set[str]] = {}
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;]+)", line)
        if match:
            pins.setdefault(normalise(match.group(1)), set()).add(match.group(2))
    return pins


def test_environment_yml_lists_the_same_packages_as_pyproject() -> None:
    conda, pip = conda_requirements(), pyproject_requirements()
    assert sorted(conda) == sorted(pip), (
        f"only in environment.yml: {sorted(set(conda) - set(pip))}; "
        f"only in pyproject.toml: {sorted(set(pip) - set(conda))}"
    )


def test_environment_yml_uses_the_same_lower_bounds_as_pyproject() -> None:
    conda, pip = conda_requirements(), pyproject_requirements()
    differ = {name: (conda[name], pip[name]) for name in pip if conda.get(name) != pip[name]}
    assert not differ, f"environment.yml vs pyproject.toml constraints differ: {differ}"


def test_environment_yml_pins_python_311_from_conda_forge_and_installs_the_package() -> None:
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    assert env["channels"][0] == "conda-forge"
    assert "python=3.11" in env["dependencies"]
    pip_sections = [d["pip"] for d in env["dependencies"] if isinstance(d, dict)]
    assert pip_sections == [["-e ."]]


def test_requirements_lock_pins_every_top_level_package() -> None:
    pins = locked_versions()
    unpinned = sorted(name for name in pyproject_requirements() if name not in pins)
    assert not unpinned, f"requirements.lock has no `==` pin for {unpinned}; run uv pip compile again"


@pytest.mark.parametrize("name", sorted(pyproject_requirements()))
def test_locked_version_satisfies_the_lower_bound(name: str) -> None:
    bound = pyproject_requirements()[name]
    assert bound.startswith(">="), f"{name}: expected a lower bound, found {bound!r}"
    minimum = tuple(int(p) for p in bound[2:].split("."))
    for version in locked_versions()[name]:
        release = tuple(int(p) for p in re.findall(r"\d+", version)[: len(minimum)])
        assert release >= minimum, f"{name}=={version} is below {bound}"


def test_pre_commit_uses_the_venv_tools_offline() -> None:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}
    assert {"nbstripout", "ruff-check", "ruff-format"} <= set(hooks)
    for hook_id in ("nbstripout", "ruff-check", "ruff-format"):
        executable = hooks[hook_id]["entry"].split()[0]
        assert executable.startswith(".venv/bin/"), f"{hook_id} should run the locked tool in .venv"
        assert (ROOT / executable).exists(), f"{executable} is missing; run `make setup`"


def test_citation_cff_names_the_project_version_and_licence() -> None:
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert citation["cff-version"] == "1.2.0"
    assert {"message", "title", "authors", "version", "license"} <= set(citation)
    assert str(citation["version"]) == project["version"]
    assert citation["license"] == "MIT"
    assert all("name" in a or "family-names" in a for a in citation["authors"])


def test_licences_are_present() -> None:
    assert "MIT License" in (ROOT / "LICENSE").read_text(encoding="utf-8")
    data_licence = (ROOT / "LICENSE-data.md").read_text(encoding="utf-8")
    assert "CC BY 4.0" in data_licence and "Rural Synergies" in data_licence
