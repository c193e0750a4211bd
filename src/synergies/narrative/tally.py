"""The country sections' findings tally, made once from integer codes of the findings' columns.

`findings_tally(f)` is, per country, its findings' citation numbers by domain, effect and change
(see its docstring for the shape). It used to be one Python pass appending row by row to nested
dicts, a third of a second or more at 10^5 findings; here every column is factorised once, rows are
grouped by combined integer codes (numpy: one stable argsort per grouping) and each group's list is
one slice of a list, so the Python work is per group rather than per row. Lists keep table order and
dicts insert keys in order of first appearance, exactly as the row-by-row pass did.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from synergies.narrative.arms import _finding_numbers
from synergies.narrative.facts import _Facts

_COLUMNS = ("country", "domain", "effect", "outcome", "direction", "intervention")
NO_FINDINGS: dict = {"ids": [], "domains": {}, "domain_effect": {}, "effects": {}}


class _Codes:
    """The findings' key columns as integer codes (numbered by first appearance) and their values."""

    def __init__(self, findings: pd.DataFrame) -> None:
        self.codes: dict[str, np.ndarray] = {}
        self.values: dict[str, list] = {}
        for column in _COLUMNS:
            codes, uniques = pd.factorize(findings[column], use_na_sentinel=False)
            self.codes[column] = codes.astype(np.int64)
            self.values[column] = list(uniques)

    def groups(self, columns: Sequence[str]) -> tuple[np.ndarray, np.ndarray, list[tuple]]:
        """Rows grouped by `columns`: row positions by group, group bounds, each group's key values.

        Groups are numbered by first appearance and rows keep table order within a group.
        """
        combined = np.zeros(len(self.codes[columns[0]]), dtype=np.int64)
        for column in columns:
            combined = combined * len(self.values[column]) + self.codes[column]
        group, uniques = pd.factorize(combined)
        order = np.argsort(group, kind="stable")
        bounds = np.concatenate([[0], np.cumsum(np.bincount(group, minlength=len(uniques)))]).tolist()
        parts: list[list] = []
        rest = np.asarray(uniques, dtype=np.int64)
        for column in reversed(columns):
            width = len(self.values[column])
            values = self.values[column]
            parts.append([values[c] for c in (rest % width).tolist()])
            rest = rest // width
        keys = list(zip(*reversed(parts), strict=True))
        return order, np.asarray(bounds), keys


def findings_tally(f: _Facts) -> dict[str, dict]:
    """Per country: its findings' citation numbers by domain, effect and change (made once, cached).

    country → {"ids": [n...], "domains": {domain: [n...]}, "domain_effect": {(domain, effect): [n...]},
    "effects": {effect: {"ids", "domains": {domain: count}, "changes": {(outcome, direction): [arm...]},
    "contested": {outcome...}}}}; the numbers are the findings' citation numbers (`refs.RowIndex`).
    """
    key = "country.findings"
    if key not in f._groups:
        f._groups[key] = _tally(f) if len(f.findings) else {}
    return f._groups[key]


def _tally(f: _Facts) -> dict[str, dict]:
    """`findings_tally`, computed."""
    fr = f.findings
    numbers = np.asarray(_finding_numbers(f)[0], dtype=np.int64)
    contested = fr["contested"].to_numpy(dtype=bool) if "contested" in fr else np.zeros(len(fr), dtype=bool)
    codes = _Codes(fr)
    arms = np.asarray(codes.codes["intervention"])
    arm_values = codes.values["intervention"]

    def lists(columns: Sequence[str], values: np.ndarray) -> list[tuple[tuple, list]]:
        """(key values, the values of its rows in table order) per group of `columns`."""
        order, bounds, keys = codes.groups(columns)
        picked = values[order].tolist()
        starts, ends = bounds[:-1].tolist(), bounds[1:].tolist()
        return [(k, picked[a:b]) for k, a, b in zip(keys, starts, ends, strict=True)]

    tally: dict[str, dict] = {}
    for (country,), ids in lists(["country"], numbers):
        tally[country] = {"ids": ids, "domains": {}, "domain_effect": {}, "effects": {}}
    for (country, domain), ids in lists(["country", "domain"], numbers):
        tally[country]["domains"][domain] = ids
    for (country, domain, effect), ids in lists(["country", "domain", "effect"], numbers):
        tally[country]["domain_effect"][(domain, effect)] = ids
    for (country, effect), ids in lists(["country", "effect"], numbers):
        tally[country]["effects"][effect] = {"ids": ids, "domains": {}, "changes": {}, "contested": set()}
    _, bounds, keys = codes.groups(["country", "effect", "domain"])
    for (country, effect, domain), n in zip(keys, np.diff(bounds).tolist(), strict=True):
        tally[country]["effects"][effect]["domains"][domain] = n
    changes = lists(["country", "effect", "outcome", "direction"], arms)
    for (country, effect, outcome, direction), picked in changes:
        tally[country]["effects"][effect]["changes"][(outcome, direction)] = [arm_values[a] for a in picked]
    disputed = np.flatnonzero(contested)
    if len(disputed):
        outcome_values = codes.values["outcome"]
        rows = zip(
            *(codes.codes[c][disputed].tolist() for c in ("country", "effect", "outcome")), strict=True
        )
        country_values, effect_values = codes.values["country"], codes.values["effect"]
        for c, e, o in rows:
            tally[country_values[c]]["effects"][effect_values[e]]["contested"].add(outcome_values[o])
    return tally
