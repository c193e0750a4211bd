"""The combination panel: does an arm that adds programmes (A + B) do better than the arm it extends (A)?

An arm's **components** (arms.csv) are the programmes it receives; its **comparator** is what
its estimates are measured against: `control`, `status_quo`, `unknown`, or another arm of the
same case (a finding's own `comparator` in findings.csv overrides its arm's). Two arms of a
case are **nested** when one's components are a strict subset of the other's; only nested
pairs say what adding programmes does. Pairs that are not nested are listed as such, never
read as "single against combined"; without arms.csv every pair is `not_coded` and the
single/combined labels of findings.csv stand in, as before.

Per nested pair, outcome and domain the panel shows the base arm (A) against its comparator,
the extended arm (A + B) against its comparator, and the direct contrast (A + B against A)
where one is coded, then classifies the pair by direction of effect for households:

- a coded direct contrast decides: beneficial → `combined_better`, no change → `same`,
  adverse → `combined_worse`, unclear or conflicting → `cannot_tell`;
- otherwise both arms' effects against their comparators: `cannot_tell` when either is
  missing, `unclear` or conflicting (two unclear effects are never "the same"), else by the
  order beneficial > no change > adverse.

Where both arms have one estimate with a standard error on an outcome against the same
named comparator (control, status_quo or the same arm), the difference of estimates is given
with SE = sqrt(SE_A² + SE_B²), which assumes the two estimates are independent (it overstates
the SE when they share a comparison group, whose covariance the sources rarely report); a
coded direct contrast with its own estimate and SE is used instead whenever there is one.

Grouping and verdicts reuse `synergies.aggregate` (its grouping machinery, tally and verdict rule).
"""

from __future__ import annotations

import functools
import itertools
import math

import numpy as np
import pandas as pd

from synergies import aggregate, contract
from synergies.load import Evidence
from synergies.vocabulary import BASES, COMPARISONS, NESTING, NO_COMPARISON_REASONS  # noqa: F401 (re-exported)

# Which direction of effect ranks higher when two arms are compared outcome by outcome.
EFFECT_RANK = {"beneficial": 2, "no_change": 1, "adverse": 0}
CONTRAST_COMPARISON = {
    "beneficial": "combined_better",
    "no_change": "same",
    "adverse": "combined_worse",
}
FLIPPED = {"beneficial": "adverse", "adverse": "beneficial"}  # an A-against-(A + B) contrast read backwards
SIGN_FLIPPED = {"increase": "decrease", "decrease": "increase"}
ARM_KEY = ["country", "case", "intervention"]

PAIR_COLUMNS = [
    "country",
    "case",
    "base_arm",
    "extended_arm",
    "nesting",
    "base_components",
    "extended_components",
    "added_components",
    "added_sectors",
    "base_comparator",
    "extended_comparator",
    "direct_contrast",
]
OUTCOME_COLUMNS = [
    "country",
    "case",
    "base_arm",
    "extended_arm",
    "added_components",
    "domain",
    "outcome",
    "base_effect",
    "base_direction",
    "base_comparator",
    "base_findings",
    "extended_effect",
    "extended_direction",
    "extended_comparator",
    "extended_findings",
    "direct_effect",
    "direct_direction",
    "direct_findings",
    "comparison",
    "basis",
    "estimate_difference",
    "difference_se",
    "difference_basis",
]
DOMAIN_COLUMNS = [
    "country",
    "case",
    "base_arm",
    "extended_arm",
    "domain",
    "base_verdict",
    "extended_verdict",
    "direct_verdict",
    "n_shared_outcomes",
    "comparison",
    "basis",
    "n_combined_better",
    "n_same",
    "n_combined_worse",
    "n_cannot_tell",
]


# --------------------------------------------------------------------------- arms


def split_list(text: str) -> tuple[str, ...]:
    """The items of a ';'-separated cell, trimmed, in the order given; () for an empty cell."""
    return tuple(item.strip() for item in text.split(contract.LIST_SEPARATOR)) if text else ()


def arm_table(ev: Evidence) -> pd.DataFrame:
    """Every arm: findings.csv's arms first, then arms.csv rows without findings (comparison groups).

    Columns: country, case, intervention, arm (single / combined, "" for a comparison group),
    components (';'-joined as coded, "" when not coded), comparator (arms.csv's, else
    `unknown`), n_findings.
    """
    counted = aggregate.arms(ev)
    counted = counted[counted["intervention"] != ""][[*ARM_KEY, "arm", "n_findings"]]
    coded = ev.arms if ev.arms is not None else pd.DataFrame(columns=[*ARM_KEY, "components", "comparator"])
    coded = coded[[*ARM_KEY, "components", "comparator"]]
    table = counted.merge(coded, on=ARM_KEY, how="outer", sort=False)
    table["arm"] = table["arm"].fillna("")
    table["n_findings"] = table["n_findings"].fillna(0).astype(int)
    table["components"] = table["components"].fillna("")
    table["comparator"] = table["comparator"].fillna("").replace("", "unknown")
    return aggregate.sort_display(table, ev)


def finding_comparators(ev: Evidence) -> pd.Series:
    """What each finding is measured against: its own comparator, else its arm's, else `unknown`."""
    f = ev.findings
    own = f["comparator"] if "comparator" in f else pd.Series("", index=f.index)
    arms = arm_table(ev).set_index(ARM_KEY)["comparator"]
    of_arm = arms.reindex(pd.MultiIndex.from_frame(f[ARM_KEY])).fillna("unknown").to_numpy()
    return pd.Series(np.where(own.to_numpy() != "", own.to_numpy(), of_arm), index=f.index, dtype=object)


def nesting(base: tuple[str, ...], extended: tuple[str, ...]) -> str:
    """`nested` when base's components are a strict subset of extended's; `not_coded` if either is empty."""
    if not base or not extended:
        return "not_coded"
    return "nested" if set(base) < set(extended) else "not_nested"


def _sectors(ev: Evidence, country: str, programmes: tuple[str, ...]) -> str:
    """The sectors of the given programmes (from programmes.csv), ';'-joined, "unknown" where not listed."""
    if ev.programmes is None:
        return ""
    sector = dict(zip(zip(ev.programmes["country"], ev.programmes["programme"], strict=True),
                      ev.programmes["sector"], strict=True))  # fmt: skip
    return contract.LIST_SEPARATOR.join(sector.get((country, p), "unknown") for p in programmes)


def arm_pairs(ev: Evidence) -> pd.DataFrame:
    """Every pair of arms of a case that has findings: nested (base ⊂ extended), not nested, or not coded.

    A nested pair is oriented base → extended. Other pairs keep the order of `arm_table` (single
    before combined, then by name) with empty added columns: they are not a comparison.
    `direct_contrast` is True when a finding of one arm of the pair is measured against the other.
    """
    arms = arm_table(ev)
    comparators = finding_comparators(ev)
    contrasts = set(
        zip(
            ev.findings["country"], ev.findings["case"], ev.findings["intervention"], comparators, strict=True
        )
    )
    rows = []
    for (country, case), group in arms.groupby(["country", "case"], sort=False):
        listed = list(group.itertuples(index=False))
        for a, b in itertools.combinations(listed, 2):
            if a.n_findings == 0 and b.n_findings == 0:
                continue
            first, second = split_list(a.components), split_list(b.components)
            kind = nesting(first, second)
            if kind != "nested" and nesting(second, first) == "nested":
                a, b, first, second, kind = b, a, second, first, "nested"
            added = tuple(p for p in second if p not in first) if kind == "nested" else ()
            rows.append(
                {
                    "country": country,
                    "case": case,
                    "base_arm": a.intervention,
                    "extended_arm": b.intervention,
                    "nesting": kind,
                    "base_components": a.components,
                    "extended_components": b.components,
                    "added_components": contract.LIST_SEPARATOR.join(added),
                    "added_sectors": _sectors(ev, country, added) if added else "",
                    "base_comparator": a.comparator,
                    "extended_comparator": b.comparator,
                    "direct_contrast": (country, case, b.intervention, a.intervention) in contrasts
                    or (country, case, a.intervention, b.intervention) in contrasts,
                }
            )
    return pd.DataFrame(rows, columns=PAIR_COLUMNS)


# --------------------------------------------------------------------------- per outcome


def _cells(ev: Evidence) -> pd.DataFrame:
    """One row per arm × comparator × outcome: effect (shared, else conflicting), ids, estimate and SE.

    The estimate and SE are kept only where the cell has exactly one finding carrying both.
    """
    f = ev.findings.assign(comparator=finding_comparators(ev))
    keys = [*ARM_KEY, "comparator", "outcome"]
    groups = aggregate._group(f, keys)
    cells = groups.keys(f, keys)
    cells["domain"] = groups.first_valid(f["domain"])
    cells["effect"] = groups.shared(f["effect"], "conflicting")
    cells["direction"] = groups.shared(f["direction"], "mixed")
    cells["finding_ids"] = aggregate._join_per_group(groups, f["finding_id"])
    n = np.bincount(groups.ids[groups.ids >= 0], minlength=groups.n)
    for col in ("estimate", "std_error"):
        cells[col] = groups.first_valid(f[col].astype(float)).where(n == 1).astype(float)
    return cells


def _side(cells: pd.DataFrame) -> pd.DataFrame:
    """Cells of one arm merged over comparators, per outcome: effect, comparators, ids, estimate, SE."""
    if cells.empty:
        return pd.DataFrame(
            columns=["outcome", "domain", "effect", "direction", "comparator", "findings", "estimate", "se"]
        )
    rows = []
    for outcome, group in cells.groupby("outcome", sort=False):
        effects = set(group["effect"])
        directions = set(group["direction"])
        one = len(group) == 1
        rows.append(
            {
                "outcome": outcome,
                "domain": group["domain"].iloc[0],
                "effect": effects.pop() if len(effects) == 1 else "conflicting",
                "direction": directions.pop() if len(directions) == 1 else "mixed",
                "comparator": contract.LIST_SEPARATOR.join(dict.fromkeys(group["comparator"])),
                "findings": contract.LIST_SEPARATOR.join(group["finding_ids"]),
                "estimate": group["estimate"].iloc[0] if one else math.nan,
                "se": group["std_error"].iloc[0] if one else math.nan,
            }
        )
    return pd.DataFrame(rows)


def against_other_arm(comparators: str) -> bool:
    """Whether a ';'-joined comparator cell names an arm: then its effect is a contrast with that arm."""
    return any(c not in contract.COMPARATORS for c in split_list(comparators))


def compare(base_effect: str, extended_effect: str, direct_effect: str = "") -> tuple[str, str]:
    """(comparison, basis) for one outcome: the direct contrast if coded, else the two directions."""
    if direct_effect:
        return CONTRAST_COMPARISON.get(direct_effect, "cannot_tell"), "direct_contrast"
    if base_effect not in EFFECT_RANK or extended_effect not in EFFECT_RANK:
        return "cannot_tell", "directions"
    difference = EFFECT_RANK[extended_effect] - EFFECT_RANK[base_effect]
    return (
        "combined_better" if difference > 0 else "combined_worse" if difference < 0 else "same"
    ), "directions"


def _difference(base: dict, extended: dict, direct: dict) -> tuple[float, float, str]:
    """(estimate difference, its SE, where it comes from), or NaNs and "" when the data do not allow one."""
    if direct and not math.isnan(direct["estimate"]) and not math.isnan(direct["se"]):
        return direct["estimate"], direct["se"], "direct_contrast"
    if not base or not extended:
        return math.nan, math.nan, ""
    values = (base["estimate"], base["se"], extended["estimate"], extended["se"])
    same = base["comparator"] == extended["comparator"] and base["comparator"] != "unknown"
    if not same or any(math.isnan(v) for v in values):
        return math.nan, math.nan, ""
    return (
        extended["estimate"] - base["estimate"],
        math.hypot(base["se"], extended["se"]),
        "independent_estimates",
    )


def _pair_sides(here: pd.DataFrame, base: str, extended: str) -> dict[str, pd.DataFrame]:
    """Per outcome: base against its comparator, extended against its comparator, and the direct contrast.

    `here` holds the cells of the pair's case.
    """
    of_base = here[here["intervention"] == base]
    of_ext = here[here["intervention"] == extended]
    backwards = of_base[of_base["comparator"] == extended].assign(
        effect=lambda c: c["effect"].map(lambda e: FLIPPED.get(e, e)),
        direction=lambda c: c["direction"].map(lambda d: SIGN_FLIPPED.get(d, d)),
        estimate=lambda c: -c["estimate"],
    )
    direct = pd.concat([of_ext[of_ext["comparator"] == base], backwards], ignore_index=True)
    return {
        "base": _side(of_base[of_base["comparator"] != extended]),
        "extended": _side(of_ext[of_ext["comparator"] != base]),
        "direct": _side(direct),
    }


def combination_outcomes(ev: Evidence, pairs: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per nested pair and outcome either arm (or their direct contrast) reported: effects and comparison."""
    pairs = arm_pairs(ev) if pairs is None else pairs
    nested = pairs[pairs["nesting"] == "nested"]
    if nested.empty:
        return pd.DataFrame(columns=OUTCOME_COLUMNS)
    cells = _cells(ev)
    cells = cells[
        cells.set_index(["country", "case"]).index.isin(pd.MultiIndex.from_frame(nested[["country", "case"]]))
    ]
    by_case = dict(list(cells.groupby(["country", "case"], sort=False)))
    rows = []
    for p in nested.itertuples(index=False):
        sides = _pair_sides(by_case[(p.country, p.case)], p.base_arm, p.extended_arm)
        by = {name: {r["outcome"]: r for r in side.to_dict("records")} for name, side in sides.items()}
        outcomes = dict.fromkeys(itertools.chain(by["base"], by["extended"], by["direct"]))
        for outcome in outcomes:
            base, ext, direct = (by[name].get(outcome, {}) for name in ("base", "extended", "direct"))
            # an effect measured against a third arm is no effect against the arm's own comparator
            base_effect = "" if against_other_arm(base.get("comparator", "")) else base.get("effect", "")
            ext_effect = "" if against_other_arm(ext.get("comparator", "")) else ext.get("effect", "")
            comparison, basis = compare(base_effect, ext_effect, direct.get("effect", ""))
            difference, se, where = _difference(base, ext, direct)
            rows.append(
                {
                    "country": p.country,
                    "case": p.case,
                    "base_arm": p.base_arm,
                    "extended_arm": p.extended_arm,
                    "added_components": p.added_components,
                    "domain": (base or ext or direct)["domain"],
                    "outcome": outcome,
                    "base_effect": base.get("effect", ""),
                    "base_direction": base.get("direction", ""),
                    "base_comparator": base.get("comparator", ""),
                    "base_findings": base.get("findings", ""),
                    "extended_effect": ext.get("effect", ""),
                    "extended_direction": ext.get("direction", ""),
                    "extended_comparator": ext.get("comparator", ""),
                    "extended_findings": ext.get("findings", ""),
                    "direct_effect": direct.get("effect", ""),
                    "direct_direction": direct.get("direction", ""),
                    "direct_findings": direct.get("findings", ""),
                    "comparison": comparison,
                    "basis": basis,
                    "estimate_difference": difference,
                    "difference_se": se,
                    "difference_basis": where,
                }
            )
    table = pd.DataFrame(rows, columns=OUTCOME_COLUMNS)
    return _sort_pairs(table, ev)


def _sort_pairs(table: pd.DataFrame, ev: Evidence) -> pd.DataFrame:
    """Display order: country, case, base arm, extended arm (by name), domain and outcome (codebook order)."""
    renamed = table.rename(columns={"base_arm": "single_arm", "extended_arm": "combined_arm"})
    ordered = aggregate.sort_display(renamed, ev)
    return ordered.rename(columns={"single_arm": "base_arm", "combined_arm": "extended_arm"})


# --------------------------------------------------------------------------- per domain


def _verdict(findings: pd.DataFrame, domain: str) -> str:
    """The verdict rule of `aggregate.verdicts` over these findings in one domain; "" when none."""
    rows = findings[findings["domain"] == domain]
    if rows.empty:
        return ""
    counts = aggregate.tally(rows.assign(_all=0), ["_all"])
    return str(aggregate.verdicts(counts).iloc[0])


def combination_domains(ev: Evidence, outcomes: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per nested pair and domain: each side's verdict, the comparison by those verdicts, outcome counts.

    The domain's comparison uses the direct contrast's verdict when one is coded, else the two arms'
    verdicts with `compare`'s rule, and only when the arms share an outcome in the domain (verdicts
    on different outcomes are `cannot_tell`); the counts say how the outcome-level comparisons fell.
    """
    outcomes = combination_outcomes(ev) if outcomes is None else outcomes
    if outcomes.empty:
        return pd.DataFrame(columns=DOMAIN_COLUMNS)
    f = ev.findings
    by_id = f.set_index("finding_id")
    comparators = pd.Series(finding_comparators(ev).to_numpy(), index=f["finding_id"])
    rows = []
    for keys, group in outcomes.groupby(
        ["country", "case", "base_arm", "extended_arm", "domain"], sort=False
    ):
        verdicts = {}
        for side in ("base", "extended", "direct"):
            ids = [i for cell in group[f"{side}_findings"] for i in split_list(cell)]
            if side != "direct":  # as outcome by outcome: findings against a third arm do not vote
                ids = [i for i in ids if not against_other_arm(comparators[i])]
            if not ids:
                verdicts[side] = ""
                continue
            chosen = by_id.loc[ids, ["intervention", "domain", "effect"]].reset_index(drop=True)
            if side == "direct":  # a contrast coded backwards (A against A + B) counts reversed
                backwards = chosen["intervention"] == keys[2]
                chosen.loc[backwards, "effect"] = chosen.loc[backwards, "effect"].map(
                    lambda e: FLIPPED.get(e, e)
                )
            verdicts[side] = _verdict(chosen, keys[4])
        shared = int((group["base_effect"].ne("") & group["extended_effect"].ne("")).sum())
        comparison, basis = compare(verdicts["base"], verdicts["extended"], verdicts["direct"])
        if basis == "directions" and not shared:  # verdicts resting on different outcomes do not compare
            comparison = "cannot_tell"
        counts = group["comparison"].value_counts()
        rows.append(
            {
                **dict(zip(["country", "case", "base_arm", "extended_arm", "domain"], keys, strict=True)),
                "base_verdict": verdicts["base"],
                "extended_verdict": verdicts["extended"],
                "direct_verdict": verdicts["direct"],
                "n_shared_outcomes": shared,
                "comparison": comparison,
                "basis": basis,
                **{f"n_{name}": int(counts.get(name, 0)) for name in COMPARISONS[:4]},
            }
        )
    return _sort_pairs(pd.DataFrame(rows, columns=DOMAIN_COLUMNS), ev)


# --------------------------------------------------------------------------- single vs combined


def annotate_single_vs_combined(table: pd.DataFrame, ev: Evidence) -> pd.DataFrame:
    """`aggregate.single_vs_combined`'s rows with what they are compared with and whether they nest.

    Adds single_direction / combined_direction (the shared sign of change, "mixed" when the
    findings differ, "" when none), single_components / combined_components, single_comparator /
    combined_comparator, nesting, comparison and comparison_basis. A pair that arms.csv shows
    not nested (or nested the other way round) gets comparison `not_nested`; without arms.csv
    every pair is `not_coded` and compared by direction, as the single/combined labels imply.
    """
    extra = [
        "single_direction",
        "combined_direction",
        "single_components",
        "combined_components",
        "single_comparator",
        "combined_comparator",
        "nesting",
        "comparison",
        "comparison_basis",
    ]
    if table.empty:
        return table.reindex(columns=[*table.columns, *extra])
    f = ev.findings.assign(comparator=finding_comparators(ev))
    keys = [*ARM_KEY, "outcome"]
    groups = aggregate._group(f, keys)
    per = groups.keys(f, keys)
    per["direction"] = groups.shared(f["direction"], "mixed")
    per["comparator"] = aggregate._join_per_group(groups, f["comparator"])
    per["comparator"] = per["comparator"].map(_distinct_items)
    per = per.set_index(keys)
    arms = arm_table(ev).set_index(ARM_KEY)
    out = table.copy()
    for kind in ("single", "combined"):
        index = pd.MultiIndex.from_frame(
            out[["country", "case", f"{kind}_arm", "outcome"]].set_axis(keys, axis=1)
        )
        found = per.reindex(index)
        out[f"{kind}_direction"] = found["direction"].fillna("").to_numpy()
        arm_index = pd.MultiIndex.from_frame(
            out[["country", "case", f"{kind}_arm"]].set_axis(ARM_KEY, axis=1)
        )
        of_arm = arms.reindex(arm_index)
        out[f"{kind}_components"] = of_arm["components"].fillna("").to_numpy()
        comparator = found["comparator"].fillna(pd.Series(of_arm["comparator"].to_numpy(), index=found.index))
        out[f"{kind}_comparator"] = comparator.fillna("unknown").to_numpy()
    # Rows repeat a few distinct cells (arms' components, comparators), so each distinct one is read
    # once; the columns are taken as lists, as iterating an Arrow-backed column costs per value.
    nest = functools.cache(lambda s, c: nesting(split_list(s), split_list(c)))
    out["nesting"] = [
        nest(s, c)
        for s, c in zip(out["single_components"].tolist(), out["combined_components"].tolist(), strict=True)
    ]
    other_arm = functools.cache(against_other_arm)
    comparisons = []
    columns = [
        "nesting",
        "single_arm",
        "combined_arm",
        "single_effect",
        "combined_effect",
        "single_comparator",
        "combined_comparator",
    ]
    for kind, single, combined, s_effect, c_effect, s_against, c_against in zip(
        *(out[c].tolist() for c in columns), strict=True
    ):
        if kind == "not_nested":
            comparisons.append(("not_nested", ""))
            continue
        direct = c_effect if c_against == single else ""
        if s_against == combined and s_effect:  # the single arm coded against the combined one
            direct, s_effect = FLIPPED.get(s_effect, s_effect), ""
        if other_arm(s_against):  # measured against a third arm: not against its comparator
            s_effect = ""
        if other_arm(c_against):
            c_effect = ""
        comparisons.append(compare(s_effect, c_effect, direct))
    out["comparison"] = [c for c, _ in comparisons]
    out["comparison_basis"] = [b for _, b in comparisons]
    return out


@functools.lru_cache(maxsize=4096)  # a few distinct comparator cells, repeated on every outcome of an arm
def _distinct_items(text: str) -> str:
    """A ';'-joined cell with repeated items dropped, first occurrences kept in order."""
    return contract.LIST_SEPARATOR.join(dict.fromkeys(text.split(";")))


def no_comparison_cases(ev: Evidence, comparison: pd.DataFrame) -> pd.DataFrame:
    """Cases that offer no comparison of an arm with one that adds programmes, each with the reason.

    `comparison` is `annotate_single_vs_combined(aggregate.single_vs_combined(ev), ev)`.
    Reasons: `no_findings` (an evidence gap); `only_single_arms` / `only_combined_arms` (one kind
    of arm, and arms.csv nests none of them); `no_nested_pair` (both kinds, but arms.csv shows
    every pair not nested). A case with a nested pair in arms.csv is compared in the combination
    panel and is not listed, even if it has only one kind of arm.
    """
    columns = ["country", "case", "n_single_arms", "n_combined_arms", "reason"]
    pairs = arm_pairs(ev)
    nested = pairs[pairs["nesting"] == "nested"]
    nested_cases = set(zip(nested["country"], nested["case"], strict=True))
    usable = (
        comparison[comparison["comparison"] != "not_nested"] if "comparison" in comparison else comparison
    )
    compared = set(zip(usable["country"], usable["case"], strict=True))
    paired = set(zip(comparison["country"], comparison["case"], strict=True))
    rows = []
    for (country, case), group in aggregate.arms(ev).groupby(["country", "case"], sort=False):
        if (country, case) in nested_cases or (country, case) in compared:
            continue
        n_single = int((group["arm"] == "single").sum())
        n_combined = int((group["arm"] == "combined").sum())
        if n_single + n_combined == 0:
            reason = "no_findings"
        elif (country, case) in paired:
            reason = "no_nested_pair"
        else:
            reason = "only_single_arms" if n_single else "only_combined_arms"
        rows.append([country, case, n_single, n_combined, reason])
    table = pd.DataFrame(rows, columns=columns)
    return aggregate.sort_display(table, ev) if len(table) else table
