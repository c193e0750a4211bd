"""Magnitudes where the data carry them: aligned estimates, one estimate per evaluation, pooled estimates.

Direction is the common denominator of the synthesis (`aggregate`); this module adds sizes
for the findings that report an `estimate` with its `effect_measure` (data/README.md,
"Estimates and their measure"). Three steps, each a tidy table:

1. `aligned_estimates`: every finding with an estimate, **sign-aligned with the codebook** so
   that a positive value is good for households (`better` = `lower` changes the sign; a ratio
   is analysed as its natural log, so aligning inverts it), with a 95 % interval. Outcomes of
   `ambiguous` desirability cannot be aligned: they stay in the table, marked, and are left
   out of everything that pools or compares sides.
2. `case_estimates`: **one estimate per evaluation (case), domain and measure**. Arms of one
   case share a comparison group and outcomes share households, so a case's findings are not
   independent. The rule is Borenstein et al. (2009, *Introduction to Meta-Analysis*, ch. 24)
   for several outcomes of one study: the mean of its aligned estimates, with the variance that
   assumes they are perfectly correlated, i.e. a standard error equal to the mean of their
   standard errors. The true correlation is unknown and below 1, so this overstates the
   case's uncertainty (conservative) and never counts one evaluation's households twice.
3. `pooled_estimates`: a **random-effects meta-analysis** of the case estimates of one domain
   and measure, where at least two cases give one, with statsmodels' `combine_effects`. The
   between-case variance tau² is estimated by **Paule–Mandel**: with the handful of
   evaluations these syntheses have, DerSimonian–Laird tends to underestimate tau² and so
   gives intervals that are too narrow, and Paule–Mandel is the estimator Veroniki et al.
   (2016, *Res Synth Methods* 7:55–79) recommend for both continuous and binary outcomes.
   The 95 % interval is the normal one (tau² taken as known), as in most published reviews;
   with few cases it is still optimistic, which the notebook says. `raw` estimates are never
   pooled: their units differ from one outcome to the next.

statsmodels (and through it scipy) is imported only inside `pooled_estimates`, so the other
notebooks start as fast as before; the normal distribution here is the standard library's.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import pandas as pd

from synergies import contract
from synergies.load import Evidence

Z95 = NormalDist().inv_cdf(0.975)  # 1.959963...
POOLED_MEASURES = ("smd", "pp", "log_or", "ratio")  # `raw` is not pooled: units differ between outcomes
LOG_SCALE = ("ratio",)  # analysed as natural logs, shown back as ratios
MIN_CASES_TO_POOL = 2
TAU2_METHOD = "pm"  # statsmodels' name for Paule-Mandel
METHOD = "random effects, Paule-Mandel tau2, normal 95% CI (statsmodels combine_effects)"

# Why a finding with an estimate is not pooled (the `pooled_as` column says it in one word).
NOT_ALIGNED = "ambiguous_outcome"
NO_SE = "no_std_error"
RAW_UNIT = "raw_unit"
# Every reason, in the order the notebook's summary and the forest plot's note give them
# (their words, in every form they are said in: `magnitude_words.NOT_POOLED_WORDS`).
NOT_POOLED = (NOT_ALIGNED, NO_SE, RAW_UNIT)

ALIGNED_COLUMNS = [
    "finding_id",
    "country",
    "case",
    "intervention",
    "arm",
    "domain",
    "outcome",
    "better",
    "effect",
    "effect_measure",
    "estimate",
    "std_error",
    "aligned_estimate",
    "aligned_se",
    "ci_low",
    "ci_high",
    "scale",
    "significant",
    "p_value",
    "p_source",
    "n",
    "pooled_as",
]
CASE_COLUMNS = [
    "domain",
    "effect_measure",
    "country",
    "case",
    "estimate",
    "std_error",
    "ci_low",
    "ci_high",
    "scale",
    "n_findings",
    "finding_ids",
]
POOLED_COLUMNS = [
    "domain",
    "effect_measure",
    "k",
    "estimate",
    "ci_low",
    "ci_high",
    "tau2",
    "i2",
    "method",
    "std_error",
    "q",
    "scale",
    "cases",
    "finding_ids",
]
ALBATROSS_COLUMNS = [
    "finding_id",
    "country",
    "case",
    "intervention",
    "domain",
    "outcome",
    "effect",
    "effect_measure",
    "side",
    "p_value",
    "p_source",
    "n",
]
P_FLOOR = 1e-12  # a reported p of 0 is drawn at this value


def has_measures(ev: Evidence) -> bool:
    """Whether any finding carries an estimate with a measure (else there is nothing to size)."""
    f = ev.findings
    return bool((f["estimate"].notna() & f["effect_measure"].isin(contract.EFFECT_MEASURES)).any())


def two_sided_p(z: pd.Series | np.ndarray) -> np.ndarray:
    """Two-sided normal p-value of z statistics (the standard library's normal, no scipy)."""
    cdf = np.vectorize(NormalDist().cdf, otypes=[float])
    return 2 * (1 - cdf(np.abs(np.asarray(z, dtype=float))))


def _alignment(better: pd.Series) -> pd.Series:
    """+1 when higher is better, -1 when lower is better, NaN when desirability is ambiguous."""
    return better.map({"higher": 1.0, "lower": -1.0}).astype(float)


def aligned_estimates(ev: Evidence) -> pd.DataFrame:
    """One row per finding with an estimate and a measure, aligned so that positive = good for households.

    `aligned_estimate`, `aligned_se`, `ci_low` and `ci_high` are on the analysis scale (the
    natural log for a ratio: `scale` says which); the interval is estimate ± 1.96 SE. `significant`
    is whether that interval excludes no effect, else the source's own judgement, else p < 0.05.
    `p_value` is the reported one, else computed from estimate / SE (`p_source` says which).
    `pooled_as` is the domain's measure when the finding enters a case estimate, else why not.
    Rows are in domain order, then by country, case, arm, intervention and finding.
    """
    f = ev.findings
    rows = f[f["estimate"].notna() & f["effect_measure"].isin(contract.EFFECT_MEASURES)].copy()
    if rows.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in ALIGNED_COLUMNS})
    log = rows["effect_measure"].isin(LOG_SCALE)
    value = rows["estimate"].astype(float)
    value = value.where(~log, np.log(value.where(value > 0)))
    sign = _alignment(rows["better"])
    rows["aligned_estimate"] = value * sign
    rows["aligned_se"] = rows["std_error"].astype(float).where(sign.notna())
    rows["ci_low"] = rows["aligned_estimate"] - Z95 * rows["aligned_se"]
    rows["ci_high"] = rows["aligned_estimate"] + Z95 * rows["aligned_se"]
    rows["scale"] = np.where(log, "log", "natural")
    computed = two_sided_p(value / rows["std_error"].astype(float))
    reported = rows["p_value"].notna()
    rows["p_source"] = np.where(
        reported, "reported", np.where(rows["std_error"].notna(), "estimate_and_se", "")
    )
    rows["p_value"] = rows["p_value"].where(reported, pd.Series(computed, index=rows.index))
    excludes = (rows["ci_low"] > 0) | (rows["ci_high"] < 0)
    by_ci = excludes.where(rows["aligned_se"].notna())
    judged = rows["significant"].astype(object).where(rows["significant"].notna())
    by_p = (rows["p_value"] < 0.05).where(rows["p_value"].notna())
    rows["significant"] = by_ci.combine_first(judged).combine_first(by_p).astype("boolean")
    rows["pooled_as"] = rows["effect_measure"]
    rows.loc[rows["std_error"].isna(), "pooled_as"] = NO_SE
    rows.loc[rows["effect_measure"].eq("raw"), "pooled_as"] = RAW_UNIT
    rows.loc[sign.isna(), "pooled_as"] = NOT_ALIGNED
    order = {d: i for i, d in enumerate(ev.domain_order)}
    rows["_d"] = rows["domain"].map(order)
    rows["_arm"] = rows["arm"].map({a: i for i, a in enumerate(contract.ARMS)})
    rows = rows.sort_values(["_d", "country", "case", "_arm", "intervention", "finding_id"], kind="stable")
    return rows[ALIGNED_COLUMNS].reset_index(drop=True)


def case_estimates(aligned: pd.DataFrame) -> pd.DataFrame:
    """One estimate per case, domain and measure: mean aligned estimate, SE = mean SE (correlation 1).

    Only findings whose `pooled_as` is a poolable measure enter; see the module docstring for
    why the perfectly correlated variance is the conservative choice.
    """
    usable = aligned[aligned["pooled_as"].isin(POOLED_MEASURES)]
    if usable.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in CASE_COLUMNS})
    keys = ["domain", "effect_measure", "country", "case"]
    grouped = usable.groupby(keys, sort=False)
    table = grouped.agg(
        estimate=("aligned_estimate", "mean"),
        std_error=("aligned_se", "mean"),
        n_findings=("finding_id", "size"),
        finding_ids=("finding_id", lambda ids: ";".join(ids)),
    ).reset_index()
    table["ci_low"] = table["estimate"] - Z95 * table["std_error"]
    table["ci_high"] = table["estimate"] + Z95 * table["std_error"]
    table["scale"] = np.where(table["effect_measure"].isin(LOG_SCALE), "log", "natural")
    return table[CASE_COLUMNS]


def _combine(estimates: np.ndarray, variances: np.ndarray, method: str):
    """statsmodels' random-effects combination, imported here so only this code path pays for it."""
    from statsmodels.stats.meta_analysis import combine_effects

    return combine_effects(estimates, variances, method_re=method, use_t=False)


def pooled_estimates(cases: pd.DataFrame, method: str = TAU2_METHOD) -> pd.DataFrame:
    """Random-effects pooled estimate per domain and measure with at least MIN_CASES_TO_POOL cases.

    `estimate`, `ci_low`, `ci_high` and `std_error` are on the measure's own scale (a ratio is
    pooled as a log and shown back as a ratio: `scale` = 'ratio'); `tau2` is on the analysis
    scale; `i2` is a percentage (0-100); `q` is Cochran's Q. `method` may be 'dl'
    (DerSimonian-Laird) for comparison; the default is Paule-Mandel (module docstring).
    """
    rows = []
    if not cases.empty:
        for (domain, measure), group in cases.groupby(["domain", "effect_measure"], sort=False):
            if len(group) < MIN_CASES_TO_POOL:
                continue
            result = _combine(
                group["estimate"].to_numpy(float), group["std_error"].to_numpy(float) ** 2, method
            )
            centre, se = float(result.mean_effect_re), float(result.sd_eff_w_re)
            low, high = centre - Z95 * se, centre + Z95 * se
            log = measure in LOG_SCALE
            rows.append(
                {
                    "domain": domain,
                    "effect_measure": measure,
                    "k": len(group),
                    "estimate": math.exp(centre) if log else centre,
                    "ci_low": math.exp(low) if log else low,
                    "ci_high": math.exp(high) if log else high,
                    "tau2": float(result.tau2),
                    "i2": 100 * max(0.0, float(result.i2)),  # Higgins-Thompson: (Q - df) / Q, at least 0
                    "method": METHOD if method == TAU2_METHOD else METHOD.replace("Paule-Mandel", method),
                    "std_error": se,
                    "q": float(result.q),
                    "scale": "ratio" if log else "natural",
                    "cases": ";".join(f"{r.country}/{r.case}" for r in group.itertuples(index=False)),
                    "finding_ids": ";".join(group["finding_ids"]),
                }
            )
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in POOLED_COLUMNS})
    table = pd.DataFrame(rows, columns=POOLED_COLUMNS)
    domains = {d: i for i, d in enumerate(dict.fromkeys(table["domain"]))}
    rank = table["domain"].map(domains) * 10 + table["effect_measure"].map(contract.EFFECT_MEASURES.index)
    return table.iloc[rank.argsort(kind="stable")].reset_index(drop=True)


def albatross_points(ev: Evidence) -> pd.DataFrame:
    """Findings with a sample size and a p-value (reported, or from estimate and SE), by side for households.

    `side` is +1 for an effect good for households, -1 for a harmful one, from the derived
    `effect`; a `no_change` finding takes the side of its aligned estimate, and without one it
    has no side and is left out, as are findings on ambiguous outcomes. A reported p of 0 is
    drawn at P_FLOOR.
    """
    f = ev.findings
    has_se = (
        f["estimate"].notna() & f["std_error"].notna() & f["effect_measure"].isin(contract.EFFECT_MEASURES)
    )
    rows = f[f["n"].notna() & (f["p_value"].notna() | has_se)].copy()
    if rows.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in ALBATROSS_COLUMNS})
    value = rows["estimate"].astype(float)
    log = rows["effect_measure"].isin(LOG_SCALE)
    value = value.where(~log, np.log(value.where(value > 0)))
    computed = pd.Series(two_sided_p(value / rows["std_error"].astype(float)), index=rows.index)
    reported = rows["p_value"].notna()
    rows["p_source"] = np.where(reported, "reported", "estimate_and_se")
    rows["p_value"] = rows["p_value"].where(reported, computed).clip(lower=P_FLOOR)
    aligned_sign = np.sign(value * _alignment(rows["better"]))
    side = rows["effect"].map({"beneficial": 1.0, "adverse": -1.0})
    side = side.where(~rows["effect"].eq("no_change"), aligned_sign.where(aligned_sign != 0))
    rows["side"] = side
    rows = rows[rows["side"].notna()]
    rows["side"] = rows["side"].astype(int)
    rows["n"] = rows["n"].astype("int64")
    order = {d: i for i, d in enumerate(ev.domain_order)}
    rows = rows.assign(_d=rows["domain"].map(order)).sort_values(["_d", "finding_id"], kind="stable")
    return rows[ALBATROSS_COLUMNS].reset_index(drop=True)


def albatross_left_out(ev: Evidence, points: pd.DataFrame) -> pd.DataFrame:
    """Findings with n and a p-value (or estimate and SE) that the albatross plot cannot place, and why."""
    f = ev.findings
    has_se = (
        f["estimate"].notna() & f["std_error"].notna() & f["effect_measure"].isin(contract.EFFECT_MEASURES)
    )
    candidates = f[f["n"].notna() & (f["p_value"].notna() | has_se)]
    left = candidates[~candidates["finding_id"].isin(points["finding_id"])].copy()
    left["reason"] = np.where(left["better"].eq("ambiguous"), NOT_ALIGNED, "no_change_without_estimate")
    return left[["finding_id", "domain", "outcome", "effect", "reason"]].reset_index(drop=True)


def smd_p_contour(d: float, n: np.ndarray) -> np.ndarray:
    """Two-sided p of a standardised mean difference `d` with total sample `n` in two equal groups.

    Harrison et al. (2017, *Res Synth Methods* 8:281-289): SE(d) ≈ 2 / sqrt(n), so
    z = d·sqrt(n) / 2; the albatross plot draws n against this p for a few values of d.
    """
    return two_sided_p(abs(d) * np.sqrt(np.asarray(n, dtype=float)) / 2)
