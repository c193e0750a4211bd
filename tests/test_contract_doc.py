"""data/README.md documents exactly the contract of contract.py, and the effect rule of load.py."""

from __future__ import annotations

import itertools
import re

import pandas as pd
import pytest

from synergies import contract
from synergies.config import DATA_DIR
from synergies.load import derive_effect

README = (DATA_DIR / "README.md").read_text(encoding="utf-8")
VOCABULARIES = {
    "ARMS": contract.ARMS,
    "DIRECTIONS": contract.DIRECTIONS,
    "BETTER": contract.BETTER,
    "EFFECTS": contract.EFFECTS,
    "LEVELS": contract.LEVELS,
    "ASSESSMENTS": contract.ASSESSMENTS,
    "SECTORS": contract.SECTORS,
    "RISK_OF_BIAS": contract.RISK_OF_BIAS,
    "EFFECT_MEASURES": contract.EFFECT_MEASURES,
}


def chapter(heading: str) -> str:
    """The text under the `## heading`, up to the next `## `."""
    match = re.search(rf"^## {re.escape(heading)}$(.*?)(?=^## |\Z)", README, re.M | re.S)
    assert match, f"data/README.md has no section '## {heading}'"
    return match.group(1)


def file_section(name: str) -> str:
    """The text under the `### `name`` heading of a contract file, up to the next heading."""
    match = re.search(rf"^### `{re.escape(name)}`.*?$(.*?)(?=^#{{2,3}} |\Z)", README, re.M | re.S)
    assert match, f"data/README.md has no section '### `{name}`'"
    return match.group(1)


def table_rows(text: str) -> list[list[str]]:
    """Cells of the first markdown table in `text`, without its header and separator rows."""
    lines = [line.strip() for line in text.splitlines()]
    start = next(i for i, line in enumerate(lines) if line.startswith("|"))
    table = list(itertools.takewhile(lambda line: line.startswith("|"), lines[start:]))
    return [[c.strip() for c in line.strip("|").split("|")] for line in table[2:]]


def ticked(cell: str) -> set[str]:
    """The `code` spans of a table cell."""
    return set(re.findall(r"`([^`]+)`", cell))


def documented_columns(spec: contract.FileSpec) -> dict[str, list[str]]:
    """Column name -> its row (required, allowed values, meaning) in the file's dictionary table."""
    rows = table_rows(file_section(spec.name))
    return {row[0].strip("`"): row[1:] for row in rows}


@pytest.mark.parametrize("spec", contract.FILES, ids=lambda s: s.name)
def test_every_file_has_a_section_saying_whether_it_is_required(spec: contract.FileSpec) -> None:
    heading = re.search(rf"^### `{re.escape(spec.name)}` \((required|optional)\)$", README, re.M)
    assert heading, f"no '### `{spec.name}` (required|optional)' heading"
    assert (heading.group(1) == "required") == spec.required


@pytest.mark.parametrize("spec", contract.FILES, ids=lambda s: s.name)
def test_dictionary_lists_exactly_the_contract_columns_in_order(spec: contract.FileSpec) -> None:
    assert list(documented_columns(spec)) == [c.name for c in spec.columns]


@pytest.mark.parametrize("spec", contract.FILES, ids=lambda s: s.name)
def test_required_flags_agree(spec: contract.FileSpec) -> None:
    documented = {name: row[0] for name, row in documented_columns(spec).items()}
    for column in spec.columns:
        assert documented[column.name] == ("yes" if column.required else "no"), column.name


@pytest.mark.parametrize("spec", contract.FILES, ids=lambda s: s.name)
def test_allowed_values_of_vocabulary_columns_agree(spec: contract.FileSpec) -> None:
    documented = documented_columns(spec)
    for column in spec.columns:
        allowed = ticked(documented[column.name][1])
        if column.kind == "enum":
            assert allowed == set(column.values), column.name
        elif column.kind == "bool":
            assert allowed == {"true", "false"}, column.name


@pytest.mark.parametrize("spec", contract.FILES, ids=lambda s: s.name)
def test_keys_and_references_are_documented(spec: contract.FileSpec) -> None:
    glance = next(r for r in table_rows(chapter("Files at a glance")) if r[0] == f"`{spec.name}`")
    assert ("**yes**" if spec.required else "no") == glance[1]
    assert ticked(glance[3]) == set(spec.key)
    assert ticked(glance[4]) == {fk.target for fk in spec.foreign_keys}


@pytest.mark.parametrize("name", VOCABULARIES)
def test_every_controlled_value_appears(name: str) -> None:
    for value in VOCABULARIES[name]:
        assert f"`{value}`" in README, f"{name}: `{value}` is not in data/README.md"


def test_effect_table_is_the_loader_rule() -> None:
    rows = table_rows(chapter("How effects are derived"))
    documented = {(r[0].strip("`"), r[1].strip("`")): r[2].strip("`") for r in rows}
    pairs = list(itertools.product(contract.DIRECTIONS, contract.BETTER))
    assert set(documented) == set(pairs)
    directions, betters = (pd.Series(list(x)) for x in zip(*pairs, strict=True))
    derived = dict(zip(pairs, derive_effect(directions, betters), strict=True))
    assert documented == derived


def test_optional_files_are_explained() -> None:
    rows = table_rows(chapter("Optional files and what happens without them"))
    assert [r[0].strip("`") for r in rows] == list(contract.OPTIONAL_FILES)


def test_max_cell_length_is_the_contract_one() -> None:
    assert f"{contract.MAX_CELL_CHARS:,} characters" in README
