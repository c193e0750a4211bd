"""How robust is each domain's verdict? The vote count recomputed under other reasonable choices.

A vote count by direction rests on choices a reviewer may question: the 70 % "clear majority"
threshold, what counts as a unit (an arm, an evaluation, a finding), whether findings of
ambiguous desirability dilute a majority, the codebook's judgement calls on polarity, and
whether weak or small studies are kept. `robustness_grid` recomputes every domain's verdict
and sign test under each documented scenario (`SCENARIOS`, explained in `data/README.md`)
with the machinery of `synergies.aggregate` (`tally`, `verdicts`, `sign_tests`), so a
scenario differs from the baseline by exactly one choice.

A scenario that the data cannot support (no sample sizes, no risk-of-bias ratings, no
alternative polarities, no significance) is listed with `runnable` False and the reason in
`why_not`, never silently dropped. The significant-only scenario is the comparator the
Cochrane Handbook (12.2.2.1) warns against: it is shown so a reader sees what a
significance-based count would have said, and it never counts towards robustness.

The domain verdict is the within-arm rule lifted to the domain: among the units with a
discernible verdict (beneficial, adverse, no change or conflicting; unclear units cannot
vote), when at least the threshold share agree the domain takes that direction, otherwise it
is conflicting; a domain whose units are all unclear is unclear, one with no unit is no_units.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from synergies import aggregate
from synergies.i18n import labels, word
from synergies.load import Evidence, derive_effect
from synergies.text import numbers

ROBUSTNESS_COLUMNS = [
    "domain",
    "scenario",
    "scenario_group",
    "n_beneficial",
    "n_adverse",
    "n_conflicting",
    "p_value",
    "verdict",
    "n_no_change",
    "n_unclear",
    "n_units",
    "unit",
    "threshold",
    "threshold_percent",
    "n_findings",
    "runnable",
    "why_not",
    "counts_for_robustness",
    "same_as_baseline",
]
DOMAIN_VERDICTS = ("beneficial", "adverse", "no_change", "conflicting", "unclear", "no_units", "not_run")
SMALL_SAMPLE = 50  # Hilton Boon & Thomson's smallest sample-size bin: fewer than 50
LARGE_SAMPLE = 300  # and their largest: more than 300
SAMPLE_SIZE_BINS = ("large", "medium", "small", "not_reported")
SIGNIFICANCE_LEVEL = 0.05  # used only when a finding gives a p-value but no `significant` flag
HIGH_RISK = "high"
THRESHOLD_GROUPS = ("baseline", "threshold")  # scenarios whose label names their verdict threshold


@dataclass(frozen=True)
class Scenario:
    """One documented alternative choice: its key, its group and how it changes the baseline."""

    key: str
    group: str
    threshold: float = aggregate.VERDICT_THRESHOLD
    unit: str = "arm"  # arm | case | finding
    unclear_votes: bool = False
    filter: str = ""  # "" | high_rob | small_n | significant
    alternative: str = ""  # outcome whose better_alternative replaces better; "*" = all of them

    @property
    def counts_for_robustness(self) -> bool:
        """False for the biased comparator (significant-only) and for the baseline itself."""
        return self.group not in ("baseline", "biased_comparator")


BASE_SCENARIOS: tuple[Scenario, ...] = (
    Scenario("baseline", "baseline"),
    Scenario("threshold_60", "threshold", threshold=0.60),
    Scenario("threshold_80", "threshold", threshold=0.80),
    Scenario("unit_case", "counting_unit", unit="case"),
    Scenario("unit_finding", "counting_unit", unit="finding"),
    Scenario("unclear_in_denominator", "unclear", unclear_votes=True),
    Scenario("exclude_high_risk_of_bias", "study_quality", filter="high_rob"),
    Scenario("exclude_small_samples", "sample_size", filter="small_n"),
    Scenario("significant_only", "biased_comparator", filter="significant"),
)


def scenarios(ev: Evidence) -> list[Scenario]:
    """The scenarios for these data: the fixed ones plus one per alternative polarity (and all at once).

    Polarity scenarios come from `outcomes.csv` `better_alternative`, in codebook order; without
    any, one placeholder scenario (`alternative_polarity`) is listed as not runnable.
    """
    alternatives = _alternatives(ev)
    polarity = [Scenario(f"alternative_{o}", "polarity", alternative=o) for o in alternatives]
    if len(alternatives) > 1:
        polarity.append(Scenario("alternative_all", "polarity", alternative="*"))
    if not polarity:
        polarity = [Scenario("alternative_polarity", "polarity", alternative="*")]
    base = list(BASE_SCENARIOS)
    at = next(i for i, s in enumerate(base) if s.group == "study_quality")
    return [*base[:at], *polarity, *base[at:]]


def _alternatives(ev: Evidence) -> dict[str, str]:
    """Outcome -> its alternative polarity, for measured outcomes whose codebook row gives one."""
    outcomes = ev.outcomes
    if "better_alternative" not in outcomes:
        return {}
    given = outcomes[outcomes["better_alternative"].fillna("") != ""]
    measured = set(ev.findings["outcome"].unique())  # distinct values first: iterating every row is slow
    return {o: b for o, b in zip(given["outcome"], given["better_alternative"], strict=True) if o in measured}


# --------------------------------------------------------------------------- which findings a scenario keeps


def _why_not(ev: Evidence, scenario: Scenario) -> str:
    """Why a scenario cannot run on these data, or "" when it can."""
    f = ev.findings
    if scenario.group == "polarity" and not _alternatives(ev):
        return "no measured outcome has a better_alternative in outcomes.csv"
    if scenario.filter == "high_rob" and not _rated(ev).any():
        return "no case has a risk_of_bias rating other than unknown in cases.csv"
    if scenario.filter == "small_n" and not f["n"].notna().any():
        return "no finding gives its sample size (n) in findings.csv"
    if scenario.filter == "significant" and not significance_known(f).any():
        return "no finding gives significant or p_value in findings.csv"
    return ""


def _rated(ev: Evidence) -> pd.Series:
    """Per case of cases.csv, whether it carries a real rating (low, some_concerns or high)."""
    if "risk_of_bias" not in ev.cases:
        return pd.Series(False, index=ev.cases.index)
    return ev.cases["risk_of_bias"].fillna("").isin(["low", "some_concerns", "high"])


def significance_known(findings: pd.DataFrame) -> pd.Series:
    """Per finding: whether the source gives a `significant` flag or a p-value."""
    return findings["significant"].notna() | findings["p_value"].notna()


def significant(findings: pd.DataFrame) -> pd.Series:
    """Per finding: the source's `significant` flag, else p_value < 0.05, else False (not known)."""
    by_p = findings["p_value"] < SIGNIFICANCE_LEVEL
    return findings["significant"].astype("boolean").fillna(by_p).fillna(False).astype(bool)


def sample_size_bin(n: float | None) -> str:
    """Hilton Boon & Thomson's sample-size class of `n`: large (> 300), medium (50-300), small (< 50), or
    not_reported when n is missing."""
    if n is None or pd.isna(n):
        return "not_reported"
    return "large" if n > LARGE_SAMPLE else "medium" if n >= SMALL_SAMPLE else "small"


def significance_state(findings: pd.DataFrame) -> str:
    """One group of findings' significance as a figure shows it: significant if any finding is,
    not_significant if some give it and none is, else not_reported."""
    if not len(findings) or not significance_known(findings).any():
        return "not_reported"
    return "significant" if significant(findings).any() else "not_significant"


def cell_qualities(findings: pd.DataFrame, keys: list[str]) -> dict[tuple, tuple[str, str]]:
    """Per group of `findings` by `keys` + outcome: (sample-size class of its largest n, significance).

    The same result as calling both per group, from one groupby over all findings (a heatmap
    page at 10^5 findings has some 20,000 cells; a loop over groups took half a minute a page).
    Keys are tuples, as `DataFrame.groupby` with a list gives them; groups with a missing key
    are left out, as there.
    """
    by = [*keys, "outcome"]
    frame = findings[by].assign(
        _n=pd.to_numeric(findings["n"], errors="coerce"),
        _known=significance_known(findings).to_numpy(),
        _significant=significant(findings).to_numpy(),
    )
    grouped = frame.groupby(by, sort=False).agg(
        n=("_n", "max"), known=("_known", "any"), significant=("_significant", "any")
    )
    states = np.where(
        ~grouped["known"].to_numpy(bool),
        "not_reported",
        np.where(grouped["significant"].to_numpy(bool), "significant", "not_significant"),
    )
    index = grouped.index if isinstance(grouped.index, pd.MultiIndex) else [(k,) for k in grouped.index]
    bins = [sample_size_bin(n) for n in grouped["n"].tolist()]
    return {tuple(key): (size, str(state)) for key, size, state in zip(index, bins, states, strict=True)}


def high_risk_cases(ev: Evidence) -> set[tuple[str, str]]:
    """(country, case) of the cases rated at high risk of bias."""
    if "risk_of_bias" not in ev.cases:
        return set()
    high = ev.cases[ev.cases["risk_of_bias"] == HIGH_RISK]
    return set(zip(high["country"], high["case"], strict=True))


def scenario_findings(ev: Evidence, scenario: Scenario) -> pd.DataFrame:
    """The findings a scenario counts, with `effect` re-derived where it swaps a polarity."""
    f = ev.findings
    if scenario.filter == "high_rob":
        high = high_risk_cases(ev)
        f = f[[(c, k) not in high for c, k in zip(f["country"], f["case"], strict=True)]]
    elif scenario.filter == "small_n":
        f = f[~(f["n"].fillna(SMALL_SAMPLE) < SMALL_SAMPLE).astype(bool)]  # unknown n is kept
    elif scenario.filter == "significant":
        f = f[significant(f).to_numpy()]
    if scenario.alternative:
        alternatives = _alternatives(ev)
        swap = (
            alternatives
            if scenario.alternative == "*"
            else {scenario.alternative: alternatives[scenario.alternative]}
        )
        better = f["outcome"].map(swap).fillna(f["better"])
        f = f.assign(better=better, effect=derive_effect(f["direction"], better).to_numpy())
    return f.reset_index(drop=True)


# --------------------------------------------------------------------------- verdicts under a scenario


def unit_verdicts(ev: Evidence, scenario: Scenario, findings: pd.DataFrame) -> pd.DataFrame:
    """One row per counted unit and domain with its verdict, as `aggregate.sign_tests` takes them."""
    if scenario.unit == "finding":
        units = findings[["country", "case", "domain", "effect"]].rename(columns={"effect": "verdict"})
        return units.reset_index(drop=True)
    keys = [*aggregate.ARM_KEYS, "domain"] if scenario.unit == "arm" else ["country", "case", "domain"]
    table = aggregate.tally(findings, keys)
    table["verdict"] = aggregate.verdicts(table, scenario.threshold, unclear_votes=scenario.unclear_votes)
    return table


def domain_verdict(
    n_beneficial: int, n_adverse: int, n_no_change: int, n_conflicting: int, n_unclear: int, threshold: float
) -> str:
    """The domain's verdict from its units' verdicts: a `threshold` majority of the units that can vote.

    Conflicting units vote against every direction (they sit in the denominator); unclear units
    cannot vote. Ties at exactly the threshold count as agreement, as in `aggregate.verdicts`.
    """
    voting = n_beneficial + n_adverse + n_no_change + n_conflicting
    if voting == 0:
        return "unclear" if n_unclear else "no_units"
    for verdict, n in (("beneficial", n_beneficial), ("adverse", n_adverse), ("no_change", n_no_change)):
        if n / voting >= threshold - 1e-12:
            return verdict
    return "conflicting"


def robustness_grid(ev: Evidence) -> pd.DataFrame:
    """Every domain × scenario: votes, two-sided sign test p, the domain verdict and whether it can run.

    Columns start with domain, scenario, scenario_group, n_beneficial, n_adverse, n_conflicting,
    p_value, verdict (`ROBUSTNESS_COLUMNS`). Rows come domain by domain in display order, the
    scenarios in `scenarios(ev)` order. `same_as_baseline` compares the verdict with the
    baseline's; it is empty for scenarios that did not run.
    """
    rows = []
    for scenario in scenarios(ev):
        why = _why_not(ev, scenario)
        if why:
            rows += [_not_run(domain, scenario, why) for domain in ev.domain_order]
            continue
        findings = scenario_findings(ev, scenario)
        units = unit_verdicts(ev, scenario, findings)
        tests = aggregate.sign_tests(units, ev, unit=scenario.unit)
        n_findings = findings.groupby("domain").size()
        for t in tests.itertuples(index=False):
            rows.append(
                {
                    "domain": t.domain,
                    "scenario": scenario.key,
                    "scenario_group": scenario.group,
                    "n_beneficial": t.n_beneficial,
                    "n_adverse": t.n_adverse,
                    "n_conflicting": t.n_conflicting,
                    "p_value": t.p_value,
                    "verdict": domain_verdict(
                        t.n_beneficial,
                        t.n_adverse,
                        t.n_no_change,
                        t.n_conflicting,
                        t.n_unclear,
                        scenario.threshold,
                    ),
                    "n_no_change": t.n_no_change,
                    "n_unclear": t.n_unclear,
                    "n_units": t.n_units,
                    "unit": scenario.unit,
                    "threshold": scenario.threshold,
                    "threshold_percent": round(scenario.threshold * 100),
                    "n_findings": int(n_findings.get(t.domain, 0)),
                    "runnable": True,
                    "why_not": "",
                    "counts_for_robustness": scenario.counts_for_robustness,
                }
            )
    table = pd.DataFrame(rows, columns=ROBUSTNESS_COLUMNS[:-1])
    for col in (
        "n_beneficial",
        "n_adverse",
        "n_conflicting",
        "n_no_change",
        "n_unclear",
        "n_units",
        "n_findings",
    ):
        table[col] = table[col].astype("Int64")
    table["runnable"] = table["runnable"].astype(bool)
    table["counts_for_robustness"] = table["counts_for_robustness"].astype(bool)
    base = table[table["scenario"] == "baseline"].set_index("domain")["verdict"]
    same = table["verdict"] == table["domain"].map(base)
    table["same_as_baseline"] = same.astype("boolean").where(table["runnable"], pd.NA)
    order = {d: i for i, d in enumerate(ev.domain_order)}
    table["_d"] = table["domain"].map(order)
    table["_s"] = np.arange(len(table))
    table = table.sort_values(["_d", "_s"], kind="stable").drop(columns=["_d", "_s"])
    return table.reset_index(drop=True)[ROBUSTNESS_COLUMNS]


def _not_run(domain: str, scenario: Scenario, why: str) -> dict[str, object]:
    return {
        "domain": domain,
        "scenario": scenario.key,
        "scenario_group": scenario.group,
        "n_beneficial": pd.NA,
        "n_adverse": pd.NA,
        "n_conflicting": pd.NA,
        "p_value": math.nan,
        "verdict": "not_run",
        "n_no_change": pd.NA,
        "n_unclear": pd.NA,
        "n_units": pd.NA,
        "unit": scenario.unit,
        "threshold": scenario.threshold,
        "threshold_percent": round(scenario.threshold * 100),
        "n_findings": pd.NA,
        "runnable": False,
        "why_not": why,
        "counts_for_robustness": scenario.counts_for_robustness,
    }


# --------------------------------------------------------------------------- per-domain summary


def domain_robustness(grid: pd.DataFrame) -> pd.DataFrame:
    """Per domain: the baseline verdict, in how many of the counted scenarios it holds, what changes it.

    Counted scenarios are the runnable ones other than the baseline and the biased comparator.
    `changed_by` lists "scenario=verdict" pairs in grid order (";"-separated, for reading; code uses
    `changes`, the same pairs as a tuple, since outcome keys may hold any character); `p_min` and
    `p_max` span the sign-test p over the baseline and counted scenarios.
    """
    rows = []
    for domain, g in grid.groupby("domain", sort=False):
        base = g[g["scenario"] == "baseline"].iloc[0]
        counted = g[g["counts_for_robustness"] & g["runnable"]]
        changed = counted[~counted["same_as_baseline"].astype(bool)]
        biased = g[(g["scenario_group"] == "biased_comparator") & g["runnable"]]
        ps = pd.concat([g.loc[g["scenario"] == "baseline", "p_value"], counted["p_value"]]).dropna()
        rows.append(
            {
                "domain": domain,
                "baseline_verdict": base["verdict"],
                "baseline_p_value": base["p_value"],
                "n_scenarios": len(counted),
                "n_same": int(counted["same_as_baseline"].astype(bool).sum()),
                "changed_by": ";".join(
                    f"{s}={v}" for s, v in zip(changed["scenario"], changed["verdict"], strict=True)
                ),
                "changes": tuple(zip(changed["scenario"], changed["verdict"], strict=True)),
                "p_min": ps.min() if len(ps) else math.nan,
                "p_max": ps.max() if len(ps) else math.nan,
                "not_run": ";".join(g.loc[~g["runnable"], "scenario"]),
                "significant_only_verdict": biased["verdict"].iloc[0] if len(biased) else "",
            }
        )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- reporting bias


def sources_without_nulls(ev: Evidence) -> pd.DataFrame:
    """Sources whose findings contain no null result: every one reports a change (none is no_change).

    A source that lists only changes likely reports selected results, and a direction count
    built on it inherits that selection (Cochrane Handbook 12.2.2.1); Hilton Boon & Thomson advise
    against the sign test when publication bias is suspected. Findings without `source_id`
    are grouped under "". Columns: source_id, n_findings, n_no_change (always 0 here).
    """
    f = ev.findings
    by = f.assign(source_id=f["source_id"].fillna(""), null=f["direction"].eq("no_change"))
    table = by.groupby("source_id", sort=True).agg(
        n_findings=("finding_id", "size"), n_no_change=("null", "sum")
    )
    table = table.reset_index()
    table["n_no_change"] = table["n_no_change"].astype(int)
    return table[table["n_no_change"] == 0].reset_index(drop=True)


def scenario_label(ev: Evidence, scenario: str, lang: str) -> str:
    """A scenario's label: its word, or for a polarity scenario the outcome and its alternative reading."""
    prefix = "alternative_"
    outcome = scenario[len(prefix) :] if scenario.startswith(prefix) else ""
    if outcome and outcome not in ("all", "polarity"):
        row = ev.outcomes[ev.outcomes["outcome"] == outcome]
        reading = str(row["better_alternative"].iloc[0]) if len(row) else ""
        return word("scenario_alternative", lang).format(
            outcome=labels(ev.outcomes, "outcome", lang).get(outcome, outcome),
            reading=word(f"reading_{reading}", lang),
        )
    if scenario == "exclude_small_samples":
        return word("scenario_exclude_small_samples", lang, n=SMALL_SAMPLE)
    threshold = next(
        (s.threshold for s in BASE_SCENARIOS if s.key == scenario and s.group in THRESHOLD_GROUPS), None
    )
    if threshold is not None:  # the threshold as the language writes a percentage (70% / 70 %)
        return word(f"scenario_{scenario}", lang, threshold=numbers.percent(lang, round(threshold * 100)))
    return word(f"scenario_{scenario}", lang)
