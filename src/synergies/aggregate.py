"""Tallies, within-arm verdicts, sign tests and comparisons computed from checked Evidence.

Counting is by direction of effect, never by significance (Cochrane Handbook ch. 12).
Every table returned here is tidy, deterministic and sorted in display order:
countries and cases alphabetically, single arms before combined ones, domains in the
codebook's order, outcomes in the codebook's order.
"""

from __future__ import annotations

import functools
import itertools
import math
import statistics
import weakref
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from synergies import vocabulary
from synergies.load import Evidence
from synergies.vocabulary import EFFECTS

VERDICT_THRESHOLD = 0.70  # Hilton Boon & Thomson's "clear majority" within an arm and domain
# The standard normal's 97.5th percentile correctly rounded (as scipy gives it); NormalDist's is 1 ulp low.
Z_975 = 1.959963984540054
ARM_KEYS = ["country", "case", "intervention", "arm"]
EFFECTS_BY_DOMAIN_COLUMNS = [*ARM_KEYS, "domain", *EFFECTS, "total", "verdict"]
SIGN_TEST_COLUMNS = [
    "domain",
    "n_beneficial",
    "n_adverse",
    "n_conflicting",
    "p_value",
    "proportion",
    "ci_low",
    "ci_high",
]


# --------------------------------------------------------------------------- factorising

# pd.factorize results per immutable Arrow column (its id and keep_missing), while that column lives.
_FACTORIZED: dict[tuple[int, bool], tuple[np.ndarray, pd.Index]] = {}


def _factorize(column: pd.Series, keep_missing: bool = False) -> tuple[np.ndarray, pd.Index]:
    """pd.factorize(column), remembered for Arrow-backed columns: every table groups the findings by
    the same columns, and Arrow data cannot change in place (an edited column gets new data)."""
    keep_missing = keep_missing and column.hasnans  # without missing values both ways agree
    if not isinstance(column.array, pd.arrays.ArrowExtensionArray):
        return pd.factorize(column, use_na_sentinel=not keep_missing)
    data = column.array.__arrow_array__()
    key = (id(data), keep_missing)
    if key not in _FACTORIZED:
        codes, uniques = pd.factorize(column, use_na_sentinel=not keep_missing)
        codes.flags.writeable = False
        _FACTORIZED[key] = (codes, uniques)
        weakref.finalize(data, _FACTORIZED.pop, key, None)  # forget it when the data are freed
    return _FACTORIZED[key]


# --------------------------------------------------------------------------- ordering


def _text_key(series: pd.Series) -> pd.Series:
    return series.astype(str).str.casefold()


def _text_rank(column: pd.Series) -> np.ndarray:
    """Per row, the rank of its case-folded text (equal texts tie, missing last), from distinct values."""
    codes, uniques = pd.factorize(column)
    folded, _ = pd.factorize(_text_key(pd.Series(uniques)), sort=True)
    ranks = np.append(np.where(folded < 0, len(uniques), folded), len(uniques))
    return ranks[codes]  # code -1 (missing) takes the appended last rank


def _listed_rank(column: pd.Series, order: Iterable[str]) -> np.ndarray:
    """Per row, the position of its value in `order`; values not listed, or missing, come after all listed."""
    rank = {value: i for i, value in enumerate(order)}
    codes, uniques = pd.factorize(column)
    ranks = np.array([rank.get(u, len(rank)) for u in uniques] + [len(rank)], dtype=np.int64)
    return ranks[codes]


def sort_display(frame: pd.DataFrame, ev: Evidence) -> pd.DataFrame:
    """Sort rows in display order using whichever of the ordering columns the frame has.

    Keys are ranked on distinct values and sorted as integers (one stable lexsort), which orders
    rows exactly as a stable multi-column sort on the case-folded texts and ranks would.
    """
    keys: list[np.ndarray] = []
    for col in ("country", "case"):
        if col in frame:
            keys.append(_text_rank(frame[col]))
    if "arm" in frame:
        keys.append(_listed_rank(frame["arm"], ["single", "combined"]))
    for col in ("intervention", "single_arm", "combined_arm"):
        if col in frame:
            keys.append(_text_rank(frame[col]))
    if "domain" in frame:
        keys.append(_listed_rank(frame["domain"], ev.domain_order))
    if "outcome" in frame:
        keys.append(_listed_rank(frame["outcome"], ev.outcomes["outcome"]))
    if not keys:
        return frame.reset_index(drop=True)
    order = np.lexsort(keys[::-1])  # lexsort is stable and takes its primary key last
    return frame.take(order).reset_index(drop=True)


# --------------------------------------------------------------------------- grouping


@dataclass(frozen=True)
class _Groups:
    """Rows grouped by key columns without pandas' per-group machinery: group numbers and first rows."""

    ids: np.ndarray  # group of each row; -1 where a key is missing (pandas drops those rows too)
    first: np.ndarray  # position of each group's first row
    keep_missing: bool = False  # whether a missing key value formed groups of its own

    @property
    def n(self) -> int:
        return len(self.first)

    def keys(self, frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
        """The key values of every group, one row per group, typed as groupby types its result's index."""
        columns = {}
        for key in keys:
            codes, uniques = _factorize(frame[key], self.keep_missing)
            columns[key] = pd.Index(uniques).infer_objects().take(codes[self.first])
        return pd.DataFrame(columns)

    def rows_in_order(self, within: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Row positions sorted by group (within a group by `within`, else row order), and group bounds."""
        rows = np.arange(len(self.ids)) if within is None else within
        rows = rows[self.ids[rows] >= 0]
        ids = self.ids[rows]
        if self.n <= 2**32:  # two stable 16-bit radix sorts (low half, then high half) beat one argsort
            rows = rows[np.argsort((ids & 0xFFFF).astype(np.uint16), kind="stable")]
            rows = rows[np.argsort((self.ids[rows] >> 16).astype(np.uint16), kind="stable")]
        else:
            rows = rows[np.argsort(ids, kind="stable")]
        bounds = np.concatenate([[0], np.cumsum(np.bincount(self.ids[rows], minlength=self.n))])
        return rows, bounds

    def nunique(self, column: pd.Series) -> np.ndarray:
        """Distinct non-missing values of `column` per group, like groupby(...).nunique()."""
        codes, uniques = _factorize(column)
        valid = (self.ids >= 0) & (codes >= 0)
        pairs = pd.unique(self.ids[valid] * max(len(uniques), 1) + codes[valid])
        return np.bincount(pairs // max(len(uniques), 1), minlength=self.n)

    def shared(self, column: pd.Series, otherwise: str) -> pd.Series:
        """Per group, the one non-missing value its rows share, else `otherwise` (first() if nunique is 1)."""
        codes, uniques = _factorize(column)
        valid = (self.ids >= 0) & (codes >= 0)
        value = np.full(self.n, -1)
        value[self.ids[valid]] = codes[valid]  # any row will do where the group shares one value
        values = pd.Series(uniques).reindex(value).reset_index(drop=True)
        return values.where(self.nunique(column) == 1, otherwise)

    def first_valid(self, column: pd.Series) -> pd.Series:
        """Per group, the first non-missing value in row order, like groupby(...).first()."""
        present = np.flatnonzero((self.ids >= 0) & column.notna().to_numpy())
        first = np.full(self.n, len(column))
        np.minimum.at(first, self.ids[present], present)
        found = first < len(column)
        values = column.take(np.where(found, first, 0)).reset_index(drop=True)
        return values.where(found)


def _group(
    frame: pd.DataFrame, keys: list[str], keep_missing: bool = False, unstack_over: np.ndarray | None = None
) -> _Groups:
    """Group rows by `keys`, numbered by first appearance, or as `unstack` orders the groups it counts.

    Each key is factorised (values numbered by first appearance) and the codes combined into one integer
    per row. Rows with a missing key are dropped as groupby drops them, or with `keep_missing` grouped
    as drop_duplicates() would. `unstack_over` marks the rows a groupby(...).size().unstack() counts:
    it orders groups key by key, by each value's first appearance among those rows.
    """
    n = len(frame)
    columns = [_factorize(frame[key], keep_missing) for key in keys]
    missing = np.zeros(n, dtype=bool)
    for codes, _ in columns:
        missing |= codes < 0
    counted = None if unstack_over is None else unstack_over & ~missing
    combined = np.zeros(n, dtype=np.int64)
    size = 1
    for codes, uniques in columns:
        width = max(len(uniques), 1)
        if counted is not None and not counted.all():
            codes = _renumber(codes, width, counted)
        if size * width >= 2**62:  # renumber the combinations so far, in the same order, to stay in int64
            combined, done = pd.factorize(combined, sort=True)
            size = max(len(done), 1)
        combined = combined * width + codes
        size *= width
    valid = np.flatnonzero(~missing)
    codes, uniques = pd.factorize(combined[valid])
    seen = np.maximum.accumulate(codes) if len(codes) else codes
    first = valid[np.flatnonzero(np.r_[True, seen[1:] > seen[:-1]])] if len(codes) else valid
    if unstack_over is not None:
        order = np.argsort(uniques)
        rank = np.empty(len(uniques), dtype=np.int64)
        rank[order] = np.arange(len(uniques))
        codes, first = rank[codes], first[order]
    ids = np.full(n, -1, dtype=np.int64)
    ids[valid] = codes
    return _Groups(ids=ids, first=first, keep_missing=keep_missing)


def _renumber(codes: np.ndarray, width: int, rows: np.ndarray) -> np.ndarray:
    """Codes as `unstack` numbers a level: unchanged if every value occurs in `rows`, else renumbered by
    first appearance there (MultiIndex.remove_unused_levels), values absent there last; -1 stays -1."""
    seen = pd.unique(codes[rows])
    if len(seen) == width:
        return codes
    rank = np.empty(width, dtype=np.int64)
    rank[np.concatenate([seen, np.setdiff1d(np.arange(width), seen)])] = np.arange(width)
    return np.where(codes >= 0, rank[codes], -1)


def _join_per_group(groups: _Groups, values: pd.Series, within: np.ndarray | None = None) -> list[str]:
    """Per group, its rows' values joined with ";" (in row order, or in the order `within` gives)."""
    rows, bounds = groups.rows_in_order(within)
    texts = values.to_numpy()[rows].tolist()
    return [";".join(texts[a:b]) for a, b in itertools.pairwise(bounds)]


# --------------------------------------------------------------------------- arms and gaps


def arms(ev: Evidence) -> pd.DataFrame:
    """Every intervention arm with its finding count, plus one row per case with no findings.

    A case without findings (or flagged `has_impact_evaluation=false`) keeps a row with an
    empty intervention, so figures and tables show it as an evidence gap instead of dropping it.
    """
    groups = _group(ev.findings, ARM_KEYS)  # as groupby(ARM_KEYS, sort=False).size()
    counted = groups.keys(ev.findings, ARM_KEYS)
    counted["n_findings"] = np.bincount(groups.ids[groups.ids >= 0], minlength=groups.n)
    cases = ev.cases[["country", "case", "has_impact_evaluation"]]
    table = counted.merge(cases, on=["country", "case"], how="left")
    table["has_impact_evaluation"] = table["has_impact_evaluation"].fillna(True).astype(bool)
    with_findings = set(zip(counted["country"], counted["case"], strict=True))
    gaps = cases[[(c, k) not in with_findings for c, k in zip(cases["country"], cases["case"], strict=True)]]
    gap_rows = gaps.assign(intervention="", arm="", n_findings=0)
    gap_rows["has_impact_evaluation"] = False
    table = pd.concat([table, gap_rows[table.columns]], ignore_index=True)
    table["n_findings"] = table["n_findings"].astype(int)
    return sort_display(table, ev)


def evidence_gaps(ev: Evidence) -> pd.DataFrame:
    """Cases with no impact findings, and country × domain cells with no finding at all."""
    rows = [
        {"kind": "case_without_findings", "country": r.country, "case": r.case, "domain": ""}
        for r in arms(ev).itertuples()
        if r.n_findings == 0
    ]
    pairs = _group(ev.findings, ["country", "domain"], keep_missing=True).keys(
        ev.findings, ["country", "domain"]
    )
    measured = set(pairs.itertuples(index=False, name=None))
    countries = sorted(ev.findings["country"].unique(), key=str.casefold)
    for country in countries:
        for domain in ev.domain_order:
            if (country, domain) not in measured:
                rows.append({"kind": "domain_not_measured", "country": country, "case": "", "domain": domain})
    table = pd.DataFrame(rows, columns=["kind", "country", "case", "domain"])
    return sort_display(table, ev) if not table.empty else table


# --------------------------------------------------------------------------- verdicts


def tally(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Count findings of each effect per group, with a total; groups keep their keys as columns."""
    return _tally(frame, by)[0]


def _tally(frame: pd.DataFrame, by: list[str]) -> tuple[pd.DataFrame, _Groups, np.ndarray]:
    """`tally`, its groups and which of them it kept (those with an effect), for tables that add columns.

    Rows come in the order `groupby(sort=False).size().unstack("effect")` gives them; one bincount
    replaces pandas' per-group machinery.
    """
    codes, uniques = _factorize(frame["effect"])  # other effects than EFFECTS keep a group, uncounted
    codes = np.array([EFFECTS.index(u) if u in EFFECTS else len(EFFECTS) for u in uniques] + [-1])[codes]
    groups = _group(frame, by, unstack_over=codes >= 0)
    counted = (groups.ids >= 0) & (codes >= 0)
    width = len(EFFECTS) + 1
    cells = np.bincount(groups.ids[counted] * width + codes[counted], minlength=groups.n * width)
    cells = cells.reshape(groups.n, width)
    kept = cells.sum(axis=1) > 0
    table = groups.keys(frame, by)[kept].reset_index(drop=True)
    for i, effect in enumerate(EFFECTS):
        table[effect] = cells[kept, i].astype(int)
    table["total"] = table[list(EFFECTS)].sum(axis=1)
    return table, groups, kept


def verdicts(
    counts: pd.DataFrame, threshold: float = VERDICT_THRESHOLD, unclear_votes: bool = False
) -> pd.Series:
    """The effect direction plot's within-group rule, applied row by row.

    Outcomes with a discernible direction (beneficial, adverse, no change) vote; when at
    least `threshold` of them agree the verdict is that direction, else "conflicting".
    Outcomes of ambiguous desirability (unclear) cannot vote; a group with only those is
    "unclear". Ties at exactly the threshold count as agreement. With `unclear_votes` (a
    robustness scenario) unclear findings stay in the denominator, so they dilute a majority.
    """
    voting = counts["beneficial"] + counts["adverse"] + counts["no_change"]
    if unclear_votes:
        voting = voting + counts["unclear"].where(voting > 0, 0)
    verdict = pd.Series("conflicting", index=counts.index, dtype=object)
    for effect in vocabulary.DISCERNIBLE:
        share = counts[effect] / voting.where(voting > 0)
        verdict[share >= threshold - 1e-12] = effect
    verdict[voting == 0] = "unclear"
    return verdict.astype(str)


def effects_by_domain(ev: Evidence, threshold: float = VERDICT_THRESHOLD) -> pd.DataFrame:
    """Arm × domain tallies with the within-domain verdict; one row per pair with findings."""
    table = tally(ev.findings, [*ARM_KEYS, "domain"])
    table["verdict"] = verdicts(table, threshold)
    return sort_display(table[EFFECTS_BY_DOMAIN_COLUMNS], ev)


def case_domain_verdicts(ev: Evidence, threshold: float = VERDICT_THRESHOLD) -> pd.DataFrame:
    """Case × domain tallies pooling all arms of one evaluation, so each evaluation votes once."""
    table, groups, kept = _tally(ev.findings, ["country", "case", "domain"])
    table["n_arms"] = groups.nunique(ev.findings["intervention"])[kept]
    table["verdict"] = verdicts(table, threshold)
    return sort_display(table, ev)


# --------------------------------------------------------------------------- sign test


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a proportion; (nan, nan) when n is 0."""
    if n == 0:
        return (math.nan, math.nan)
    z = Z_975 if confidence == 0.95 else statistics.NormalDist().inv_cdf(0.5 + confidence / 2)
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = (z / (1 + z * z / n)) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (max(0.0, centre - half), min(1.0, centre + half))


@functools.lru_cache(maxsize=65536)  # the robustness grid tests the same few (k, n) again and again
def sign_test(n_beneficial: int, n_adverse: int) -> tuple[float, float, float, float]:
    """Two-sided exact sign test and proportion beneficial with its Wilson 95 % interval.

    Returns (p_value, proportion, ci_low, ci_high); all nan when no unit has a direction. The p-value
    is exact: both tails of Binomial(n, 1/2) summed in integers and divided once (1 at k = n/2).
    """
    n = n_beneficial + n_adverse
    if n == 0:
        return (math.nan, math.nan, math.nan, math.nan)
    term = tail = 1  # C(n, 0); each next coefficient from the last, as summing math.comb is quadratic
    for i in range(min(n_beneficial, n_adverse)):
        term = term * (n - i) // (i + 1)
        tail += term
    p_value = min(1.0, 2 * tail / 2**n)
    low, high = wilson_interval(n_beneficial, n)
    return (p_value, n_beneficial / n, low, high)


def _pair_codes(frame: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """One integer per row naming its combination of `columns` (missing values alike, as drop_duplicates)."""
    combined = np.zeros(len(frame), dtype=np.int64)
    for column in columns:
        codes, uniques = pd.factorize(frame[column])
        combined = combined * (len(uniques) + 1) + codes + 1
    return combined


def sign_tests(verdict_table: pd.DataFrame, ev: Evidence, unit: str = "arm") -> pd.DataFrame:
    """Per domain, a sign test over units' verdicts; units that are not clearly one way are counted.

    `verdict_table` is `effects_by_domain` (unit "arm") or `case_domain_verdicts` (unit
    "case"). Conflicting, no-change and unclear units cannot vote but are reported, never
    silently dropped. `n_evaluations` counts the distinct cases behind the votes, so a reader
    sees when several arms of one evaluation were counted as separate units.
    """
    # One factorisation of the domain and verdict columns, then integer counts per domain: filtering
    # the table once per domain and verdict cost pandas' overhead dozens of times per table, and the
    # robustness grid asks for a table per scenario.
    domains, domain_names = pd.factorize(verdict_table["domain"])
    verdict_codes, verdict_names = pd.factorize(verdict_table["verdict"])
    verdict_of = {v: i for i, v in enumerate(verdict_names)}
    voting = np.isin(verdict_codes, [verdict_of[v] for v in vocabulary.VOTING if v in verdict_of])
    evaluation = _pair_codes(verdict_table, ["country", "case"])
    domain_code = {d: i for i, d in enumerate(domain_names)}
    rows = []
    for domain in ev.domain_order:
        mine = np.flatnonzero(domains == domain_code.get(domain, -2))
        known = verdict_codes[mine]
        counts = np.bincount(known[known >= 0], minlength=len(verdict_names))
        n_of = {v: int(counts[i]) for v, i in verdict_of.items()}
        n_ben, n_adv = n_of.get("beneficial", 0), n_of.get("adverse", 0)
        p_value, proportion, low, high = sign_test(n_ben, n_adv)
        rows.append(
            {
                "domain": domain,
                "n_beneficial": n_ben,
                "n_adverse": n_adv,
                "n_conflicting": n_of.get("conflicting", 0),
                "p_value": p_value,
                "proportion": proportion,
                "ci_low": low,
                "ci_high": high,
                "n_no_change": n_of.get("no_change", 0),
                "n_unclear": n_of.get("unclear", 0),
                "n_units": len(mine),
                "n_evaluations": len(np.unique(evaluation[mine[voting[mine]]])),
                "unit": unit,
            }
        )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- comparisons


def country_domain(ev: Evidence) -> pd.DataFrame:
    """Country × domain tallies of findings, every domain listed for every country (zeros kept)."""
    keys = ["country", "domain"]
    counts, groups, _ = _tally(ev.findings, keys)
    countries = sorted(set(ev.findings["country"].unique()) | set(ev.cases["country"]), key=str.casefold)
    grid = pd.MultiIndex.from_product([countries, ev.domain_order], names=keys)
    table = counts.set_index(keys).reindex(grid, fill_value=0).reset_index()
    arms_per = pd.Series(
        groups.nunique(ev.findings["intervention"]),
        index=pd.MultiIndex.from_frame(groups.keys(ev.findings, keys)),
    )
    table["n_arms"] = arms_per.reindex(pd.MultiIndex.from_frame(table[keys]), fill_value=0).to_numpy()
    return sort_display(table, ev)


def single_vs_combined(ev: Evidence) -> pd.DataFrame:
    """For each case with both kinds of arm, every outcome either arm measured, side by side.

    `comparable` is True only where both arms measured the same outcome; elsewhere the arms
    cannot be compared and the table says which one is missing. The columns after `comparable`
    (signs of change, components, comparators, nesting, `comparison`) come from
    `combination.annotate_single_vs_combined`.
    """
    from synergies.combination import annotate_single_vs_combined  # it builds on this module

    return annotate_single_vs_combined(_single_vs_combined(ev), ev)


def _single_vs_combined(ev: Evidence) -> pd.DataFrame:
    """The pairing of `single_vs_combined`: every single with every combined arm of the same case."""
    columns = [
        "country",
        "case",
        "single_arm",
        "combined_arm",
        "domain",
        "outcome",
        "single_effect",
        "combined_effect",
        "single_findings",
        "combined_findings",
        "comparable",
    ]
    per_arm = _arm_outcome_effects(ev.findings)
    arm_keys = ["country", "case", "intervention"]
    singles = per_arm[per_arm["arm"] == "single"].drop(columns="arm")
    combos = per_arm[per_arm["arm"] == "combined"].drop(columns="arm")
    pairs = (
        singles[arm_keys]
        .drop_duplicates()
        .rename(columns={"intervention": "single_arm"})
        .merge(
            combos[arm_keys].drop_duplicates().rename(columns={"intervention": "combined_arm"}),
            on=["country", "case"],
        )
    )
    if pairs.empty:
        return pd.DataFrame(columns=columns)
    side = {}
    for kind, frame in (("single", singles), ("combined", combos)):
        side[kind] = pairs.merge(
            frame.rename(
                columns={
                    "intervention": f"{kind}_arm",
                    "effect": f"{kind}_effect",
                    "finding_ids": f"{kind}_findings",
                    "domain": f"{kind}_domain",
                }
            ),
            on=["country", "case", f"{kind}_arm"],
        )
    keys = ["country", "case", "single_arm", "combined_arm", "outcome"]
    table = side["single"].merge(side["combined"], on=keys, how="outer")
    table["domain"] = table["single_domain"].fillna(table["combined_domain"])
    table["comparable"] = table["single_effect"].notna() & table["combined_effect"].notna()
    for col in ("single_effect", "combined_effect", "single_findings", "combined_findings"):
        table[col] = table[col].fillna("")
    return sort_display(table[columns], ev)


def _arm_outcome_effects(findings: pd.DataFrame) -> pd.DataFrame:
    """One row per arm × outcome: its domain, its effect (or "conflicting") and its finding ids.

    Rows and ids come in order of first appearance, as `groupby(sort=False)` would give them.
    """
    keys = ["country", "case", "intervention", "arm", "outcome"]
    groups = _group(findings, keys)
    per = groups.keys(findings, keys)
    per["domain"] = groups.first_valid(findings["domain"])
    per["finding_ids"] = _join_per_group(groups, findings["finding_id"])
    per["effect"] = groups.shared(findings["effect"], "conflicting")
    return per


def institutional_matrix(ev: Evidence) -> pd.DataFrame | None:
    """Case × factor rows of the institutional analysis in display order; None if not given."""
    if ev.institutional is None:
        return None
    return sort_display(ev.institutional, ev)


def factor_summary(ev: Evidence) -> pd.DataFrame | None:
    """Per factor: in how many cases it appears and how often as enabler, barrier, mixed or unstated."""
    inst = ev.institutional
    if inst is None:
        return None
    rows = []
    for factor, group in inst.groupby("factor", sort=False):
        rows.append(
            {
                "factor": factor,
                "n_cases": group[["country", "case"]].drop_duplicates().shape[0],
                "n_countries": group["country"].nunique(),
                "n_enabler": int((group["assessment"] == "enabler").sum()),
                "n_barrier": int((group["assessment"] == "barrier").sum()),
                "n_mixed": int((group["assessment"] == "mixed").sum()),
                "n_unstated": int((group["assessment"] == "unstated").sum()),
                "n_national": int((group["level"] == "national").sum()),
                "n_local": int((group["level"] == "local").sum()),
            }
        )
    table = pd.DataFrame(rows)
    order = list(ev.factors["factor"]) if ev.factors is not None else []
    rank = {f: i for i, f in enumerate(order)}
    table["_rank"] = table["factor"].map(rank).fillna(len(rank))
    table["_name"] = table["factor"].str.casefold()
    table = table.sort_values(["n_cases", "_rank", "_name"], ascending=[False, True, True], kind="stable")
    return table.drop(columns=["_rank", "_name"]).reset_index(drop=True)


# --------------------------------------------------------------------------- figure and overview tables


def combine_effects(counts: pd.DataFrame) -> pd.Series:
    """The one effect a group of findings shares, or "conflicting" when they differ (row by row)."""
    present = counts[list(EFFECTS)].gt(0)
    single = present.sum(axis=1).eq(1)
    shared = present.idxmax(axis=1).astype(str)
    return shared.where(single, "conflicting").astype(str)


def arm_outcome_cells(ev: Evidence) -> pd.DataFrame:
    """Arm × outcome cells of the effect-direction heatmap: effect counts, the shared effect and sign.

    `effect` is the effect every finding in the cell shares, else "conflicting"; `direction`
    is the shared direction of change, else "mixed". Cells without findings are absent.
    `n_contested` counts the cell's findings whose direction two sources report differently
    (findings.csv, direction_alt) and `subgroups` the subgroups its findings are reported for.
    """
    keys = [*ARM_KEYS, "domain", "outcome"]
    f = ev.findings
    table, groups, kept = _tally(f, keys)  # one grouping for the counts, directions and ids
    table["effect"] = combine_effects(table)
    table["direction"] = groups.shared(f["direction"], "mixed")[kept].to_numpy()
    by_id = np.asarray(f["finding_id"].reset_index(drop=True).sort_values(kind="stable").index)
    ids = _join_per_group(groups, f["finding_id"], within=by_id)  # each cell's ids in id order
    table["finding_ids"] = np.array(ids, dtype=object)[kept]
    valid = groups.ids >= 0
    contested = f["contested"].to_numpy(dtype=bool)
    table["n_contested"] = np.bincount(groups.ids[valid & contested], minlength=groups.n)[kept].astype(int)
    table["subgroups"] = _distinct_per_group(groups, f["subgroup"])[kept]
    columns = [*keys, "effect", "direction", *EFFECTS, "total", "finding_ids", "n_contested", "subgroups"]
    return sort_display(table[columns], ev)


def _distinct_per_group(groups: _Groups, values: pd.Series) -> np.ndarray:
    """Per group, its rows' distinct non-empty values joined with ";" in row order ("" when none)."""
    out = np.full(groups.n, "", dtype=object)
    filled = np.flatnonzero((groups.ids >= 0) & (values.to_numpy() != ""))
    for g, value in zip(groups.ids[filled], values.to_numpy()[filled], strict=True):
        if value not in out[g].split(";"):
            out[g] = f"{out[g]};{value}" if out[g] else value
    return out


def data_overview(ev: Evidence) -> pd.DataFrame:
    """What the data hold, as (item, count) rows: findings, countries, cases, arms, outcomes, domains."""
    f = ev.findings
    arm_table = _group(f, ARM_KEYS, keep_missing=True).keys(f, ARM_KEYS)  # as drop_duplicates()
    cases_with = _group(f, ["country", "case"], keep_missing=True).first
    distinct = {col: _factorize(f[col], keep_missing=True)[1] for col in ("country", "outcome", "domain")}
    codes, names = _factorize(f["effect"])
    per_effect = dict(zip(names, np.bincount(codes[codes >= 0], minlength=len(names)), strict=True))
    rows = [
        ("findings", len(f)),
        ("countries", len(set(distinct["country"]) | set(ev.cases["country"]))),
        ("countries_with_findings", int(distinct["country"].notna().sum())),  # as nunique()
        ("cases", len(ev.cases)),
        ("cases_with_findings", len(cases_with)),
        ("arms", len(arm_table)),
        ("single_arms", int((arm_table["arm"] == "single").sum())),
        ("combined_arms", int((arm_table["arm"] == "combined").sum())),
        ("outcomes_in_codebook", len(ev.outcomes)),
        ("outcomes_measured", int(distinct["outcome"].notna().sum())),
        ("domains", len(ev.domains)),
        ("domains_measured", int(distinct["domain"].notna().sum())),
        *((effect, int(per_effect.get(effect, 0))) for effect in EFFECTS),
    ]
    return pd.DataFrame(rows, columns=["item", "count"])


def polarity_decisions(ev: Evidence) -> pd.DataFrame:
    """The codebook's polarity per outcome (which direction is better, and why) with its finding count."""
    n = ev.findings.groupby("outcome").size()
    table = ev.outcomes[["outcome", "domain", "better", "label_en", "label_es", "note"]].copy()
    table["n_findings"] = table["outcome"].map(n).fillna(0).astype(int)
    return sort_display(table, ev)


def single_combined_domains(comparison: pd.DataFrame, ev: Evidence) -> pd.DataFrame:
    """Per case, arm pair and domain: outcomes measured by each arm and by both, and each arm's verdict.

    `comparison` is `single_vs_combined(ev)`. A domain where both arms have outcomes but
    none in common shows that the arms met in a domain without being comparable in it;
    the verdicts (from `effects_by_domain`, "" where the arm has no finding in the domain)
    then rest on different outcomes.
    """
    keys = ["country", "case", "single_arm", "combined_arm", "domain"]
    counts = ["single_outcomes", "combined_outcomes", "shared_outcomes"]
    columns = [*keys, *counts, "single_verdict", "combined_verdict"]
    if comparison.empty:
        return pd.DataFrame(columns=columns)
    work = comparison.assign(
        single_outcomes=comparison["single_effect"].ne(""),
        combined_outcomes=comparison["combined_effect"].ne(""),
        shared_outcomes=comparison["comparable"].astype(bool),
    )
    table = work.groupby(keys, sort=False)[counts].sum().astype(int).reset_index()
    verdict = effects_by_domain(ev).set_index(["country", "case", "intervention", "domain"])["verdict"]
    for kind in vocabulary.ARMS:
        index = pd.MultiIndex.from_frame(table[["country", "case", f"{kind}_arm", "domain"]])
        table[f"{kind}_verdict"] = verdict.reindex(index).fillna("").to_numpy()
    return sort_display(table[columns], ev)


# --------------------------------------------------------------------------- narrative tables


def country_domain_verdicts(ev: Evidence, threshold: float = VERDICT_THRESHOLD) -> pd.DataFrame:
    """Country × domain: how many cases point each way, and their shared verdict or "mixed".

    Built on `case_domain_verdicts`, so each evaluation counts once; one row per pair with findings.
    """
    cases = case_domain_verdicts(ev, threshold)
    verdict_names = list(vocabulary.VERDICTS)
    counts = (
        cases.groupby(["country", "domain"], sort=False)["verdict"]
        .value_counts()
        .unstack(fill_value=0)
        .reindex(columns=verdict_names, fill_value=0)
        .astype(int)
    )
    counts.columns = [f"n_{name}" for name in verdict_names]
    table = counts.reset_index()
    table.columns.name = None
    table["n_cases"] = table[[f"n_{name}" for name in verdict_names]].sum(axis=1)
    grouped = cases.groupby(["country", "domain"], sort=False)["verdict"]
    shared = grouped.first().where(grouped.nunique() == 1, "mixed")
    table["verdict"] = shared.reindex(pd.MultiIndex.from_frame(table[["country", "domain"]])).to_numpy()
    return sort_display(table, ev)


def national_barrier_local_enabler_rows(ev: Evidence, aspect: str | None = None) -> pd.DataFrame | None:
    """Institutional rows of cases that have a national barrier and a local enabler: those two kinds only.

    With `aspect` (e.g. "coordination"), only factors of that aspect in factors.csv count, so
    the rows show coordination itself hindered nationally and sustained locally, not any
    barrier beside any enabler. None when institutional.csv is not given.
    """
    inst = ev.institutional
    if inst is None:
        return None
    national_barrier = (inst["level"] == "national") & (inst["assessment"] == "barrier")
    local_enabler = (inst["level"] == "local") & (inst["assessment"] == "enabler")
    if aspect is not None:
        factors = ev.factors
        of_aspect = set() if factors is None else set(factors.loc[factors["aspect"] == aspect, "factor"])
        national_barrier &= inst["factor"].isin(of_aspect)
        local_enabler &= inst["factor"].isin(of_aspect)
    keys = inst[["country", "case"]].apply(tuple, axis=1)
    both = set(keys[national_barrier]) & set(keys[local_enabler])
    rows = inst[keys.isin(both) & (national_barrier | local_enabler)]
    return sort_display(rows, ev)


def pool_by(
    table: pd.DataFrame, by: list[str], ev: Evidence, threshold: float = VERDICT_THRESHOLD
) -> pd.DataFrame:
    """Sum a table's effect counts over groups `by` and judge the pooled findings by the verdict rule.

    For figures with too many arms to draw one row each: `arm_outcome_cells` or
    `effects_by_domain` pooled by country. `n_arms` counts the rows pooled; `direction`
    (when the table has it) is the shared direction of change, else "mixed".
    """
    grouped = table.groupby(by, sort=False)
    pooled = grouped[[*EFFECTS, "total"]].sum()
    pooled["n_arms"] = grouped.size()
    if "direction" in table:
        shared = grouped["direction"].nunique() == 1
        pooled["direction"] = grouped["direction"].first().where(shared, "mixed")
    pooled = pooled.reset_index()
    pooled["verdict"] = verdicts(pooled, threshold)
    return sort_display(pooled, ev)
