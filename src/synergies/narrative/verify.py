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

import numpy as np
import pandas as pd

from synergies import aggregate, robustness, vocabulary
from synergies.load import Evidence
from synergies.text import numbers

if TYPE_CHECKING:
    from synergies.narrative.model import Count, Narrative, Sentence

_UNKNOWN = object()  # a query not recomputed yet
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
        self._codes: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}
        self._results: dict[tuple, float | None] = {}
        self._memo: dict[str, object] = {}
        self._plans: dict[tuple[str, tuple[str, ...]], tuple[list[int], dict | None]] = {}

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
        parts = self.parts(name, where)
        if parts is None:
            return None
        if len(parts) == 1:
            return parts[0].tolist()
        return np.sort(np.concatenate(parts)).tolist() if parts else []

    def parts(self, name: str, where: Iterable[tuple[str, tuple[str, ...]]]) -> list[np.ndarray] | None:
        """The row positions matching `where`, one ascending array per combination of allowed values.

        None means every row. The combinations are disjoint, so a count of rows is the sum of their
        lengths and needs no merge; the index per column set (value combination → positions, from
        one groupby) is made the first time a count filters on those columns.
        """
        where = tuple(where)
        columns = tuple([column for column, _ in where])
        plan = self._plans.get((name, columns))
        if plan is None:  # which of these columns the table has, and their index: once per column set
            plan = self._plans[(name, columns)] = self._plan(name, columns)
        kept, index = plan
        if index is None:
            return None
        allowed = [where[i][1] for i in kept]
        if all(len(values) == 1 for values in allowed):  # the usual count: one value per column
            part = index.get(tuple(values[0] for values in allowed) if len(allowed) > 1 else allowed[0][0])
            return [] if part is None else [part]
        combos: list[tuple[str, ...]] = [()]
        for values in allowed:
            combos = [(*c, v) for c in combos for v in values]
        found = [index.get(combo if len(combo) > 1 else combo[0]) for combo in combos]
        return [part for part in found if part is not None]

    def _plan(self, name: str, columns: tuple[str, ...]) -> tuple[list[int], dict | None]:
        """Which filters of `columns` apply to table `name` (those it has) and the index they use.

        The index maps each combination of those columns' values, as text, to its ascending row
        positions (one groupby); it is None when no filter applies or the table is empty (every row).
        """
        table = self[name]
        kept = [i for i, column in enumerate(columns) if column in table.columns]
        if not kept or table.empty:
            return kept, None
        on = [columns[i] for i in kept]
        key = (name, tuple(on))
        if key not in self._index:
            if all(isinstance(table[c].dtype, pd.StringDtype) for c in on):
                self._index[key] = self._text_index(name, on)
            else:  # other columns are matched as text, as `_count` writes the values it filters on
                text = table[on].astype(str)
                self._index[key] = dict(text.groupby(on, sort=False).indices)  # ascending per key
        return kept, self._index[key]

    def _text_index(self, name: str, on: list[str]) -> dict:
        """value (or tuple of values) → ascending row positions, for text columns, from integer codes.

        What `groupby(on).indices` gives (rows with a missing value left out), from the columns' codes
        made once each and one stable argsort per column set, rather than a groupby on every set.
        """
        combined = np.zeros(len(self[name]), dtype=np.int64)
        valid = np.ones(len(combined), dtype=bool)
        for column in on:
            codes, uniques = self.factorized(name, column)
            valid &= codes >= 0
            combined = combined * max(len(uniques), 1) + codes
            if len(uniques) and np.abs(combined).max() >= 2**40:  # renumbered, so as never to overflow
                combined = pd.factorize(combined)[0]
        rows = np.flatnonzero(valid)
        rows = rows[np.argsort(combined[rows], kind="stable")]
        _, starts = np.unique(combined[rows], return_index=True)  # sorted: where each key starts
        bounds = [*starts.tolist(), len(rows)]
        keys = [self.factorized(name, column)[1][self.codes(name, column)[rows[starts]]] for column in on]
        listed = [k.tolist() for k in keys]
        named = listed[0] if len(on) == 1 else list(zip(*listed, strict=True))
        return {key: rows[a:b] for key, a, b in zip(named, bounds[:-1], bounds[1:], strict=True)}

    def n_rows(self, name: str, where: Iterable[tuple[str, tuple[str, ...]]]) -> int:
        """How many rows of table `name` match `where`."""
        parts = self.parts(name, where)
        return len(self[name]) if parts is None else sum(len(part) for part in parts)

    def codes(self, name: str, column: str) -> np.ndarray:
        """Column `column` of table `name` as integer codes, equal values alike, every missing value -1."""
        return self.factorized(name, column)[0]

    def factorized(self, name: str, column: str) -> tuple[np.ndarray, np.ndarray]:
        """`pd.factorize` of column `column` of table `name` (codes, distinct values), made once."""
        key = (name, column)
        if key not in self._codes:
            codes, uniques = pd.factorize(self[name][column])
            self._codes[key] = (codes, np.asarray(uniques, dtype=object))
        return self._codes[key]

    def n_distinct(self, name: str, where: Iterable[tuple[str, tuple[str, ...]]], columns: list[str]) -> int:
        """How many distinct combinations of `columns` the matching rows hold (all missing values as one).

        Counted on integer codes (`codes`), so no row's values are read as Python objects: a distinct
        count over every finding is one numpy call, where a set of tuples took a second at 10^5.
        """
        parts = self.parts(name, where)
        combined = np.zeros(len(self[name]) if parts is None else sum(len(p) for p in parts), dtype=np.int64)
        rows = None if parts is None else (np.concatenate(parts) if parts else np.array([], dtype=np.int64))
        for column in columns:
            codes = self.codes(name, column)
            picked = codes if rows is None else codes[rows]
            combined = combined * (int(codes.max(initial=-1)) + 2) + picked + 1
        return len(np.unique(combined))


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
    positions = tables.positions(name, count.where)  # once for the five columns read
    columns = ("single_effect", "combined_effect", "comparable", "single_comparator", "combined_comparator")
    lists = [tables.column(name, c) for c in columns]
    picked = lists if positions is None else [[values[p] for p in positions] for values in lists]
    kinds = []
    for a, b, comparable, single, combined in zip(*picked, strict=True):
        if not comparable:
            continue
        if _names_an_arm(f"{single};{combined}"):
            kinds.append("unranked")  # an effect measured against another arm is no effect against control
        elif a == b and a in RANK:  # two unclear (or conflicting) effects are never the same
            kinds.append("same")
        elif a not in RANK or b not in RANK:
            kinds.append("unranked")
        else:
            kinds.append("combined" if RANK[b] > RANK[a] else "single")
    return kinds.count(count.unit)


@functools.lru_cache(maxsize=4096)  # a few distinct comparator cells, read for every outcome of a pair
def _names_an_arm(comparators: str) -> bool:
    """Whether ';'-joined comparators name something other than a comparator of the vocabulary."""
    return any(c and c not in vocabulary.COMPARATORS for c in comparators.split(";"))


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


# Tables whose counts are computed by a function of their own rather than by the query language.
_SPECIAL: dict[str, Callable[[Count, Tables], float]] = {
    "arm_pair_tally": _arm_pair_tally,
    "arm_pair_shared_domains": _shared_domains,
    "recurring_domains": _recurring_domains,
}


def recompute(count: Count, tables: Tables) -> float | None:
    """What the count's query gives; None for a bound ("below:"), checked by `holds`.

    Remembered per query in `tables`: sentences repeat many counts (a country's findings, a domain's
    verdicts), and a mismatch is recomputed once more to be reported.
    """
    key = (count.table, count.unit, count.where)
    value = tables._results.get(key, _UNKNOWN)
    if value is _UNKNOWN:
        value = tables._results[key] = _recompute(count, tables)
    return value  # type: ignore[return-value]


def _recompute(count: Count, tables: Tables) -> float | None:
    """`recompute`, not remembered."""
    if count.unit == "rows" and count.table not in _SPECIAL and count.table != "constant":  # most counts
        return tables.n_rows(count.table, count.where)
    if count.table == "constant":
        return constants()[count.unit]
    if count.table in _SPECIAL:
        return _SPECIAL[count.table](count, tables)
    kind, _, columns = count.unit.partition(":")
    cols = columns.split(",") if columns else []
    if kind == "rows":
        return tables.n_rows(count.table, count.where)
    if kind == "distinct":
        return tables.n_distinct(count.table, count.where, cols)
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
