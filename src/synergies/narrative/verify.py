"""The narrative checks its own numbers: every `Count` recomputed from the table it names.

A sentence's numbers are slots that carry their query (`Count`: a table, a filter and a unit).
`check(narrative, ev, tables)` re-runs each query on the aggregate tables the narrative was built
from and raises `CountMismatch`, naming the sentence and the count, when a stated number is not
what the table gives. `narrative.build` calls it on every build, so a wording change that breaks a
count fails the build instead of publishing a wrong number; the tests call the same function.

The query language (`Count.unit`): "rows" (matching rows), "distinct:col[,col]" (distinct
combinations), "value:col" (the value in the one matching row, as stated: three decimals),
"below:col" (the stated value is an upper bound), "max:col", "min_size:cols" / "max_size:cols"
(smallest / largest group). Table "constant" holds the method's constants, named by the unit.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING

import pandas as pd

from synergies import aggregate, robustness, vocabulary
from synergies.load import Evidence
from synergies.text import numbers

if TYPE_CHECKING:
    from synergies.narrative.model import Count, Narrative, Sentence

_MISSING = object()  # all missing values count as one when counting distinct rows (as drop_duplicates)
RANK = {"beneficial": 2, "no_change": 1, "adverse": 0}  # desirability order of comparable effects


class CountMismatch(ValueError):
    """A number a sentence states that its table does not give."""


@functools.cache
def constants() -> dict[str, float]:
    """The method constants a sentence may state, by name."""
    return {
        "verdict_threshold_percent": round(aggregate.VERDICT_THRESHOLD * 100),
        "alpha": vocabulary.ALPHA,
        "small_sample": robustness.SMALL_SAMPLE,  # Boon & Thomson's smallest sample-size class: n < 50
        "max_units_without_significance": _max_units_without_significance(),
    }


def _max_units_without_significance() -> int:
    """The most unanimous units with which a two-sided sign test still cannot fall below ALPHA."""
    n = 1
    while aggregate.sign_test(n, 0)[0] >= vocabulary.ALPHA:
        n += 1
    return n - 1


class Tables:
    """The named tables counts refer to, computed lazily (or handed over by the narrative's facts)."""

    def __init__(self, ev: Evidence, given: Mapping[str, pd.DataFrame | None] | None = None) -> None:
        self.ev = ev
        self._cache: dict[str, pd.DataFrame] = {k: v for k, v in (given or {}).items() if v is not None}
        self._index: dict[tuple[str, tuple[str, ...]], dict] = {}
        self._lists: dict[tuple[str, str], list] = {}
        self._memo: dict[str, object] = {}
        self._shape: dict[str, tuple[frozenset, bool]] = {}

    def builders(self) -> dict[str, Callable[[], pd.DataFrame]]:
        """How to compute each named table from the evidence."""
        ev = self.ev
        return {
            "findings": lambda: ev.findings,
            "cases": lambda: ev.cases,
            "institutional": lambda: ev.institutional if ev.institutional is not None else pd.DataFrame(),
            "evidence_gaps": lambda: aggregate.evidence_gaps(ev),
            "country_domain_verdicts": lambda: aggregate.country_domain_verdicts(ev),
            "case_domain_verdicts": lambda: aggregate.case_domain_verdicts(ev),
            "effects_by_domain": lambda: aggregate.effects_by_domain(ev),
            "sign_tests_arm": lambda: aggregate.sign_tests(self["effects_by_domain"], ev, "arm"),
            "sign_tests_case": lambda: aggregate.sign_tests(self["case_domain_verdicts"], ev, "case"),
            "factor_summary": lambda: aggregate.factor_summary(ev),
            "single_vs_combined": lambda: aggregate.single_vs_combined(ev),
            "national_barrier_local_enabler_rows": lambda: aggregate.national_barrier_local_enabler_rows(ev),
            "coordination_contrast_rows": lambda: aggregate.national_barrier_local_enabler_rows(
                ev, "coordination"
            ),
            "missing_optional": lambda: pd.DataFrame({"file": list(ev.missing_optional)}),
            "robustness": lambda: robustness.robustness_grid(ev),
            "claims": lambda: _claims(ev),
            "pooled_estimates": lambda: _pooled_estimates(ev),
        }

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self._cache:
            builders = self.builders()
            if name not in builders:
                raise CountMismatch(f"a count names the unknown table {name!r}")
            self._cache[name] = builders[name]()
        return self._cache[name]

    def rows(
        self, name: str, where: Iterable[tuple[str, tuple[str, ...]]], columns: list[str] | None = None
    ) -> pd.DataFrame:
        """The rows (and `columns`, or all) of table `name` whose columns hold the allowed values."""
        table = self[name]
        positions = self.positions(name, where)
        picked = table if columns is None else table[columns]
        return picked if positions is None else picked.iloc[positions]

    def column(self, name: str, column: str) -> list:
        """Column `column` of table `name` as a plain list, made once: counts read it by position.

        A count touches a few rows; taking them from a list is a lookup, where selecting them from
        the frame would cost pandas' fixed overhead per count (thousands of counts per narrative).
        """
        key = (name, column)
        if key not in self._lists:
            self._lists[key] = self[name][column].tolist()
        return self._lists[key]

    def values(self, name: str, where: Iterable[tuple[str, tuple[str, ...]]], column: str) -> list:
        """The values of `column` in the rows of table `name` matching `where`, in table order."""
        values = self.column(name, column)
        positions = self.positions(name, where)
        return values if positions is None else [values[p] for p in positions]

    def positions(self, name: str, where: Iterable[tuple[str, tuple[str, ...]]]) -> list[int] | None:
        """Row positions of table `name` matching `where` (None: every row), from an index per column set."""
        shape = self._shape.get(name)
        if shape is None:  # a table's columns and emptiness, read once: counts ask thousands of times
            table = self[name]
            shape = self._shape[name] = (frozenset(table.columns), table.empty)
        known, empty = shape
        where = [(c, v) for c, v in where if c in known]
        if not where or empty:
            return None
        columns = tuple(c for c, _ in where)
        key = (name, columns)
        if key not in self._index:
            table = self[name]
            text = table[list(columns)].astype(str)
            indices = text.groupby(list(columns), sort=False).indices
            self._index[key] = {k: v.tolist() for k, v in indices.items()}  # ascending positions per key
        index = self._index[key]
        combos: list[tuple[str, ...]] = [()]
        for _, allowed in where:
            combos = [(*c, v) for c in combos for v in allowed]
        found = [index.get(combo if len(combo) > 1 else combo[0], []) for combo in combos]
        return found[0] if len(found) == 1 else sorted(p for part in found for p in part)


def _missing(value: object) -> bool:
    """Whether a cell value is missing (None, pd.NA or NaN): pd.isna's answer for a scalar, cheaper."""
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value)


def _claims(ev: Evidence) -> pd.DataFrame:
    """tables/claims.csv as notebook 08 writes it (in English: the verdicts, not the wording, count)."""
    from synergies import claims

    return claims.check_claims(ev, "en")


def _pooled_estimates(ev: Evidence) -> pd.DataFrame:
    """The pooled magnitudes notebook 04 writes; imported here so only a count on them loads statsmodels."""
    from synergies import magnitude

    return magnitude.pooled_estimates(magnitude.case_estimates(magnitude.aligned_estimates(ev)))


def _arm_pair_tally(count: Count, tables: Tables) -> float:
    """How many comparable outcomes of one arm pair are the same, better for one arm, or unranked."""
    name = "single_vs_combined"
    column = functools.partial(tables.values, name, count.where)
    kinds = []
    for a, b, comparable, single, combined in zip(
        column("single_effect"),
        column("combined_effect"),
        column("comparable"),
        column("single_comparator"),
        column("combined_comparator"),
        strict=True,
    ):
        if not comparable:
            continue
        comparators = f"{single};{combined}"
        if any(c and c not in vocabulary.COMPARATORS for c in comparators.split(";")):
            kinds.append("unranked")  # an effect measured against another arm is no effect against control
        elif a == b and a in RANK:  # two unclear (or conflicting) effects are never the same
            kinds.append("same")
        elif a not in RANK or b not in RANK:
            kinds.append("unranked")
        else:
            kinds.append("combined" if RANK[b] > RANK[a] else "single")
    return kinds.count(count.unit)


def _shared_domains(count: Count, tables: Tables) -> float:
    """Domains both arms of a pair have findings in."""
    where = dict(count.where)
    pair = [("country", where["country"]), ("case", where["case"])]
    arms = tables.values("findings", pair, "intervention")
    domains = tables.values("findings", pair, "domain")
    single = {d for a, d in zip(arms, domains, strict=True) if a in where["single_arm"]}
    combined = {d for a, d in zip(arms, domains, strict=True) if a in where["combined_arm"]}
    return len(single & combined)


def _recurring_domains(count: Count, tables: Tables) -> float:
    """Domains whose beneficial case verdicts come from exactly this set of countries."""
    if "recurring_domains" not in tables._memo:  # one grouping for every such count
        cv = tables["case_domain_verdicts"]
        beneficial = cv[cv["verdict"] == "beneficial"]
        tables._memo["recurring_domains"] = list(
            beneficial.groupby("domain")["country"].agg(lambda s: tuple(sorted(set(s))))
        )
    hits = tables._memo["recurring_domains"]
    wanted = tuple(sorted(dict(count.where)["countries"]))
    return sum(1 for countries in hits if countries == wanted)


def recompute(count: Count, tables: Tables) -> float | None:
    """What the count's query gives; None for a bound ("below:"), checked by `holds`."""
    if count.table == "constant":
        return constants()[count.unit]
    special = {
        "arm_pair_tally": _arm_pair_tally,
        "arm_pair_shared_domains": _shared_domains,
        "recurring_domains": _recurring_domains,
    }
    if count.table in special:
        return special[count.table](count, tables)
    kind, _, columns = count.unit.partition(":")
    cols = columns.split(",") if columns else []
    if kind == "rows":
        positions = tables.positions(count.table, count.where)
        return len(tables[count.table]) if positions is None else len(positions)
    if kind == "distinct":
        picked = [tables.values(count.table, count.where, c) for c in cols]
        if len(picked) == 1:  # one column: a set of the values, all missing values counted as one
            found = set(picked[0])
            missing = sum(1 for v in found if _missing(v))
            return len(found) - missing + bool(missing)
        combos = zip(*picked, strict=True)
        return len({tuple(_MISSING if _missing(v) else v for v in combo) for combo in combos})
    if kind in ("value", "below"):
        picked = tables.values(count.table, count.where, cols[0])
        if len(picked) != 1:
            raise CountMismatch(f"{count} selects {len(picked)} rows, not one")
        value = float(picked[0])
        return float(numbers.rounded(value, numbers.P_PLACES)) if kind == "value" else value
    rows = tables.rows(count.table, count.where, cols)
    if kind == "max":
        return float(rows[cols[0]].max()) if len(rows) else 0
    sizes = rows.groupby(cols).size()
    if kind in ("min_size", "max_size"):
        return float(sizes.min() if kind == "min_size" else sizes.max())
    raise CountMismatch(f"{count} has the unknown unit {count.unit!r}")


def holds(count: Count, tables: Tables) -> bool:
    """Whether the number the sentence states is what its query gives."""
    value = recompute(count, tables)
    if count.unit.startswith("below:"):
        return value is not None and value < count.value
    return value is not None and math.isclose(float(count.value), float(value))


def mismatches(sentences: Iterable[Sentence], tables: Tables) -> list[tuple[Sentence, Count, float | None]]:
    """Every (sentence, count, recomputed value) whose stated number its table does not give."""
    wrong = []
    for sentence in sentences:
        for count in sentence.counts:
            if not holds(count, tables):
                wrong.append((sentence, count, recompute(count, tables)))
    return wrong


def check(narrative: Narrative, ev: Evidence, given: Mapping[str, pd.DataFrame | None] | None = None) -> None:
    """Raise CountMismatch naming the first sentences whose numbers their tables do not give."""
    wrong = mismatches(narrative.sentences(), Tables(ev, given))
    if wrong:
        lines = [f"- {s.en!r}: states {c.value} for {c}, the table gives {v}" for s, c, v in wrong[:5]]
        more = f" (and {len(wrong) - 5} more)" if len(wrong) > 5 else ""
        raise CountMismatch(
            "narrative sentences state numbers their tables do not give:\n" + "\n".join(lines) + more
        )
