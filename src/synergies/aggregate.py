"""Tallies, within-arm verdicts, sign tests and comparisons computed from checked Evidence.

Counting is by direction of effect, never by significance (Cochrane Handbook ch. 12).
Every table returned here is tidy, deterministic and sorted in display order:
countries and cases alphabetically, single arms before combined ones, domains in the
codebook's order, outcomes in the codebook's order.
"""

from __future__ import annotations

import math

import pandas as pd

from synergies.contract import EFFECTS
from synergies.load import Evidence

VERDICT_THRESHOLD = 0.70  # Boon & Thomson's "clear majority" within an arm and domain
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


# --------------------------------------------------------------------------- ordering


def _text_key(series: pd.Series) -> pd.Series:
    return series.astype(str).str.casefold()


def sort_display(frame: pd.DataFrame, ev: Evidence) -> pd.DataFrame:
    """Sort rows in display order using whichever of the ordering columns the frame has."""
    keys: list[str] = []
    work = frame.copy()
    for col in ("country", "case"):
        if col in work:
            work[f"_{col}"] = _text_key(work[col])
            keys.append(f"_{col}")
    if "arm" in work:
        work["_arm"] = work["arm"].map({"single": 0, "combined": 1}).fillna(2)
        keys.append("_arm")
    for col in ("intervention", "single_arm", "combined_arm"):
        if col in work:
            work[f"_{col}"] = _text_key(work[col])
            keys.append(f"_{col}")
    if "domain" in work:
        rank = {d: i for i, d in enumerate(ev.domain_order)}
        work["_domain"] = work["domain"].map(rank).fillna(len(rank))
        keys.append("_domain")
    if "outcome" in work:
        rank = {o: i for i, o in enumerate(ev.outcomes["outcome"])}
        work["_outcome"] = work["outcome"].map(rank).fillna(len(rank))
        keys.append("_outcome")
    if not keys:
        return frame.reset_index(drop=True)
    work = work.sort_values(keys, kind="stable")
    return work.drop(columns=keys).reset_index(drop=True)


# --------------------------------------------------------------------------- arms and gaps


def arms(ev: Evidence) -> pd.DataFrame:
    """Every intervention arm with its finding count, plus one row per case with no findings.

    A case without findings (or flagged `has_impact_evaluation=false`) keeps a row with an
    empty intervention, so figures and tables show it as an evidence gap instead of dropping it.
    """
    counted = ev.findings.groupby(ARM_KEYS, sort=False).size().rename("n_findings").reset_index()
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
    measured = set(ev.findings[["country", "domain"]].drop_duplicates().itertuples(index=False, name=None))
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
    counts = frame.groupby([*by, "effect"], sort=False).size().unstack("effect", fill_value=0)
    for effect in EFFECTS:
        if effect not in counts:
            counts[effect] = 0
    counts = counts[list(EFFECTS)].astype(int)
    counts["total"] = counts.sum(axis=1)
    counts.columns.name = None
    return counts.reset_index()


def verdicts(counts: pd.DataFrame, threshold: float = VERDICT_THRESHOLD) -> pd.Series:
    """The effect direction plot's within-group rule, applied row by row.

    Outcomes with a discernible direction (beneficial, adverse, no change) vote; when at
    least `threshold` of them agree the verdict is that direction, else "conflicting".
    Outcomes of ambiguous desirability (unclear) cannot vote; a group with only those is
    "unclear". Ties at exactly the threshold count as agreement.
    """
    voting = counts["beneficial"] + counts["adverse"] + counts["no_change"]
    verdict = pd.Series("conflicting", index=counts.index, dtype=object)
    for effect in ("beneficial", "adverse", "no_change"):
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
    table = tally(ev.findings, ["country", "case", "domain"])
    table["n_arms"] = (
        ev.findings.groupby(["country", "case", "domain"], sort=False)["intervention"]
        .nunique()
        .reindex(pd.MultiIndex.from_frame(table[["country", "case", "domain"]]))
        .to_numpy()
    )
    table["verdict"] = verdicts(table, threshold)
    return sort_display(table, ev)


# --------------------------------------------------------------------------- sign test


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a proportion; (nan, nan) when n is 0."""
    if n == 0:
        return (math.nan, math.nan)
    from scipy.stats import norm

    z = float(norm.ppf(0.5 + confidence / 2))
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = (z / (1 + z * z / n)) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (max(0.0, centre - half), min(1.0, centre + half))


def sign_test(n_beneficial: int, n_adverse: int) -> tuple[float, float, float, float]:
    """Two-sided exact sign test and proportion beneficial with its Wilson 95 % interval.

    Returns (p_value, proportion, ci_low, ci_high); all nan when no unit has a direction.
    """
    n = n_beneficial + n_adverse
    if n == 0:
        return (math.nan, math.nan, math.nan, math.nan)
    from scipy.stats import binomtest

    p_value = float(binomtest(n_beneficial, n, 0.5, alternative="two-sided").pvalue)
    low, high = wilson_interval(n_beneficial, n)
    return (p_value, n_beneficial / n, low, high)


def sign_tests(verdict_table: pd.DataFrame, ev: Evidence, unit: str = "arm") -> pd.DataFrame:
    """Per domain, a sign test over units' verdicts; units that are not clearly one way are counted.

    `verdict_table` is `effects_by_domain` (unit "arm") or `case_domain_verdicts` (unit
    "case"). Conflicting, no-change and unclear units cannot vote but are reported, never
    silently dropped. `n_evaluations` counts the distinct cases behind the votes, so a reader
    sees when several arms of one evaluation were counted as separate units.
    """
    rows = []
    for domain in ev.domain_order:
        units = verdict_table[verdict_table["domain"] == domain]
        n_ben = int((units["verdict"] == "beneficial").sum())
        n_adv = int((units["verdict"] == "adverse").sum())
        n_conf = int((units["verdict"] == "conflicting").sum())
        n_none = int((units["verdict"] == "no_change").sum())
        n_unclear = int((units["verdict"] == "unclear").sum())
        voters = units[units["verdict"].isin(["beneficial", "adverse"])]
        p_value, proportion, low, high = sign_test(n_ben, n_adv)
        rows.append(
            {
                "domain": domain,
                "n_beneficial": n_ben,
                "n_adverse": n_adv,
                "n_conflicting": n_conf,
                "p_value": p_value,
                "proportion": proportion,
                "ci_low": low,
                "ci_high": high,
                "n_no_change": n_none,
                "n_unclear": n_unclear,
                "n_units": len(units),
                "n_evaluations": voters[["country", "case"]].drop_duplicates().shape[0],
                "unit": unit,
            }
        )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- comparisons


def country_domain(ev: Evidence) -> pd.DataFrame:
    """Country × domain tallies of findings, every domain listed for every country (zeros kept)."""
    counts = tally(ev.findings, ["country", "domain"])
    countries = sorted(set(ev.findings["country"].unique()) | set(ev.cases["country"]), key=str.casefold)
    grid = pd.MultiIndex.from_product([countries, ev.domain_order], names=["country", "domain"])
    table = counts.set_index(["country", "domain"]).reindex(grid, fill_value=0).reset_index()
    arms_per = ev.findings.groupby(["country", "domain"])["intervention"].nunique()
    table["n_arms"] = [
        int(arms_per.get((c, d), 0)) for c, d in zip(table["country"], table["domain"], strict=True)
    ]
    return sort_display(table, ev)


def single_vs_combined(ev: Evidence) -> pd.DataFrame:
    """For each case with both kinds of arm, every outcome either arm measured, side by side.

    `comparable` is True only where both arms measured the same outcome; elsewhere the arms
    cannot be compared and the table says which one is missing.
    """
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
    """One row per arm × outcome: its domain, its effect (or "conflicting") and its finding ids."""
    grouped = findings.groupby(["country", "case", "intervention", "arm", "outcome"], sort=False)
    per = grouped.agg(
        domain=("domain", "first"),
        first_effect=("effect", "first"),
        n_effects=("effect", "nunique"),
        finding_ids=("finding_id", ";".join),
    ).reset_index()
    per["effect"] = per["first_effect"].where(per["n_effects"] == 1, "conflicting")
    return per.drop(columns=["first_effect", "n_effects"])


def institutional_matrix(ev: Evidence) -> pd.DataFrame | None:
    """Case × factor rows of the institutional analysis in display order; None if not given."""
    if ev.institutional is None:
        return None
    return sort_display(ev.institutional, ev)


def factor_summary(ev: Evidence) -> pd.DataFrame | None:
    """Per factor: in how many cases it appears and how often as enabler, barrier or mixed."""
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
    """
    keys = [*ARM_KEYS, "domain", "outcome"]
    table = tally(ev.findings, keys)
    table["effect"] = combine_effects(table)
    grouped = ev.findings.sort_values("finding_id", kind="stable").groupby(keys, sort=False)
    directions = grouped["direction"].first().where(grouped["direction"].nunique() == 1, "mixed")
    ids = grouped["finding_id"].agg(";".join)
    index = pd.MultiIndex.from_frame(table[keys])
    table["direction"] = directions.reindex(index).to_numpy()
    table["finding_ids"] = ids.reindex(index).to_numpy()
    columns = [*keys, "effect", "direction", *EFFECTS, "total", "finding_ids"]
    return sort_display(table[columns], ev)


def data_overview(ev: Evidence) -> pd.DataFrame:
    """What the data hold, as (item, count) rows: findings, countries, cases, arms, outcomes, domains."""
    f = ev.findings
    arm_table = f[ARM_KEYS].drop_duplicates()
    cases_with = f[["country", "case"]].drop_duplicates()
    rows = [
        ("findings", len(f)),
        ("countries", len(set(f["country"].unique()) | set(ev.cases["country"]))),
        ("countries_with_findings", f["country"].nunique()),
        ("cases", len(ev.cases)),
        ("cases_with_findings", len(cases_with)),
        ("arms", len(arm_table)),
        ("single_arms", int((arm_table["arm"] == "single").sum())),
        ("combined_arms", int((arm_table["arm"] == "combined").sum())),
        ("outcomes_in_codebook", len(ev.outcomes)),
        ("outcomes_measured", f["outcome"].nunique()),
        ("domains", len(ev.domains)),
        ("domains_measured", f["domain"].nunique()),
        *((effect, int((f["effect"] == effect).sum())) for effect in EFFECTS),
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
    for kind in ("single", "combined"):
        index = pd.MultiIndex.from_frame(table[["country", "case", f"{kind}_arm", "domain"]])
        table[f"{kind}_verdict"] = verdict.reindex(index).fillna("").to_numpy()
    return sort_display(table[columns], ev)


# --------------------------------------------------------------------------- narrative tables


def country_domain_verdicts(ev: Evidence, threshold: float = VERDICT_THRESHOLD) -> pd.DataFrame:
    """Country × domain: how many cases point each way, and their shared verdict or "mixed".

    Built on `case_domain_verdicts`, so each evaluation counts once; one row per pair with findings.
    """
    cases = case_domain_verdicts(ev, threshold)
    verdict_names = [*EFFECTS, "conflicting"]
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
    shared = cases.groupby(["country", "domain"], sort=False)["verdict"].agg(
        lambda s: s.iloc[0] if s.nunique() == 1 else "mixed"
    )
    table["verdict"] = shared.reindex(pd.MultiIndex.from_frame(table[["country", "domain"]])).to_numpy()
    return sort_display(table, ev)


def national_barrier_local_enabler_rows(ev: Evidence) -> pd.DataFrame | None:
    """Institutional rows of cases that have a national barrier and a local enabler: those two kinds only.

    These cases show coordination working locally while national arrangements hinder it.
    None when institutional.csv is not given.
    """
    inst = ev.institutional
    if inst is None:
        return None
    national_barrier = (inst["level"] == "national") & (inst["assessment"] == "barrier")
    local_enabler = (inst["level"] == "local") & (inst["assessment"] == "enabler")
    keys = inst[["country", "case"]].apply(tuple, axis=1)
    both = set(keys[national_barrier]) & set(keys[local_enabler])
    rows = inst[keys.isin(both) & (national_barrier | local_enabler)]
    return sort_display(rows, ev)
