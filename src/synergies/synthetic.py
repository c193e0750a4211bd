"""Synthetic data directories that follow the contract: for tests, examples and benchmarks.

They exercise what the shipped data do not: other countries and domains, many arms,
missing optional files. Values are random but fixed by the seed, so files are reproducible.
"""

from __future__ import annotations

import csv
from pathlib import Path
from statistics import NormalDist

import numpy as np

from synergies import contract

DOMAIN_NAMES = [
    ("health", "Health", "Salud"),
    ("education", "Education", "Educación"),
    ("nutrition", "Nutrition", "Nutrición"),
    ("labour", "Labour", "Trabajo"),
    ("housing", "Housing", "Vivienda"),
    ("women_empowerment", "Women's empowerment", "Empoderamiento de las mujeres"),
    ("resilience", "Resilience", "Resiliencia"),
    ("agriculture", "Agriculture", "Agricultura"),
]
COUNTRY_NAMES = [
    "Bolivia",
    "Ecuador",
    "Guatemala",
    "Honduras",
    "Kenya",
    "Malawi",
    "Nicaragua",
    "Paraguay",
    "Rwanda",
    "Senegal",
    "Tanzania",
    "Zambia",
]


def _write(path: Path, header: list[str], rows: list[list[object]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def country_name(i: int) -> str:
    """Real-looking names for the first countries, numbered ones beyond."""
    return COUNTRY_NAMES[i] if i < len(COUNTRY_NAMES) else f"Country {i + 1:03d}"


def _synthetic_estimate(rng: np.random.Generator, direction: str, i: int) -> dict[str, str]:
    """Estimate, standard error, p-value, n and measure for one synthetic finding (some left empty).

    Mostly standardised mean differences, some percentage points and ratios; about one in
    eight findings reports a direction only, as many real sources do.
    """
    if rng.random() < 0.125:
        return {}
    measure = ("smd", "smd", "smd", "pp", "ratio")[i % 5]
    scale = {"smd": 0.15, "pp": 4.0, "ratio": 0.15}[measure]
    size = abs(rng.normal(scale, scale / 2)) + scale / 20
    if direction == "no_change":
        size = rng.normal(0, scale / 10)
    sign = -1.0 if direction == "decrease" else 1.0
    se = scale * rng.uniform(0.3, 0.9)
    change = sign * size
    z = abs(change) / se
    p = 2 * (1 - NormalDist().cdf(z))
    estimate = round(float(np.exp(change)), 4) if measure == "ratio" else round(float(change), 4)
    row = {
        "estimate": f"{estimate:g}",
        "effect_measure": measure,
        "std_error": f"{se:.4g}",
        "p_value": f"{max(p, 1e-6):.4g}",
        "significant": "true" if p < 0.05 else "false",
        "n": str(int(rng.integers(150, 4000))),
        "note": "",
    }
    if i % 3 == 0:
        row.pop("p_value")  # the p-value is then computed from the estimate and its SE
    return row


def write_synthetic(
    directory: str | Path,
    n_findings: int = 60,
    n_countries: int = 3,
    cases_per_country: int = 2,
    n_outcomes: int = 12,
    n_domains: int = 4,
    seed: int = 7,
    only_required: bool = False,
    with_estimates: bool = False,
) -> Path:
    """Write a contract-following data directory and return its path.

    Each case has a single arm and a combined arm; findings are spread over cases and
    outcomes at random. With `only_required`, only findings.csv and outcomes.csv are written.
    With `with_estimates`, most findings carry an estimate, a standard error, a p-value and n in
    one of the effect measures (signs agree with `direction`); the rest report a direction only.
    """
    rng = np.random.default_rng(seed)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    domains = [
        DOMAIN_NAMES[i]
        if i < len(DOMAIN_NAMES)
        else (f"domain_{i + 1:02d}", f"Domain {i + 1}", f"Dominio {i + 1}")
        for i in range(n_domains)
    ]
    outcomes = []
    for j in range(n_outcomes):
        domain = domains[j % n_domains][0]
        better = contract.BETTER[j % 5 % 3] if j % 7 else "ambiguous"
        outcomes.append(
            [f"outcome_{j + 1:03d}", domain, better, f"Outcome {j + 1}", f"Resultado {j + 1}", ""]
        )
    _write(
        directory / "outcomes.csv", ["outcome", "domain", "better", "label_en", "label_es", "note"], outcomes
    )

    cases = [
        (country_name(c), f"Programme {chr(65 + k % 26)}{k // 26 or ''} + Transfer")
        for c in range(n_countries)
        for k in range(cases_per_country)
    ]
    case_idx = rng.integers(0, len(cases), n_findings)
    combined = rng.random(n_findings) < 0.5
    outcome_idx = rng.integers(0, n_outcomes, n_findings)
    direction_idx = rng.choice(3, n_findings, p=[0.55, 0.25, 0.20])
    rows = []
    for i in range(n_findings):
        country, case = cases[case_idx[i]]
        single = case.split(" + ")[0]
        row = {
            "finding_id": f"S{i + 1:07d}",
            "country": country,
            "case": case,
            "intervention": case if combined[i] else single,
            "arm": "combined" if combined[i] else "single",
            "outcome": outcomes[outcome_idx[i]][0],
            "direction": contract.DIRECTIONS[direction_idx[i]],
        }
        if with_estimates:
            row.update(_synthetic_estimate(rng, row["direction"], i))
        rows.append([row.get(c.name, "") for c in contract.FINDINGS.columns])
    header = [c.name for c in contract.FINDINGS.columns]
    _write(directory / "findings.csv", header, rows)
    if only_required:
        return directory

    _write(
        directory / "domains.csv",
        ["domain", "order", "label_en", "label_es"],
        [[d, i + 1, en, es] for i, (d, en, es) in enumerate(domains)],
    )
    gap_case = (country_name(n_countries), "Pilot without evaluation")
    case_rows = [
        [case, country, f"{case.split(' + ')[0]};Transfer", "true", "", "", "", "", ""]
        for country, case in cases
    ]
    case_rows.append([gap_case[1], gap_case[0], "Pilot", "false", "", "", "", "", ""])
    case_header = [c.name for c in contract.CASES.columns]
    case_rows = [row + [""] * (len(case_header) - len(row)) for row in case_rows]  # optional columns empty
    _write(directory / "cases.csv", case_header, case_rows)
    factors = ["political_support", "incentives_budget", "local_informal_coordination"]
    inst_rows = []
    for k, (country, case) in enumerate(cases):
        factor = factors[k % len(factors)]
        assessment = contract.ASSESSMENTS[k % 3]
        level = "local" if factor == "local_informal_coordination" else "national"
        inst_rows.append([case, country, factor, level, assessment, f"Statement {k + 1}.", "", "", ""])
    _write(directory / "institutional.csv", [c.name for c in contract.INSTITUTIONAL.columns], inst_rows)
    return directory


# A multi-arm graduation trial, arms named freely as sources name them: (arm, single/combined, components).
MULTI_ARMS = (
    ("Basic CCT", "single", "CCT"),
    ("CCT + business grant", "combined", "CCT;Business grant"),
    ("CCT + grant + savings", "combined", "CCT;Business grant;Savings group"),
    ("GUP without savings", "combined", "CCT;Business grant;Coaching"),
    ("Savings only", "single", "Savings group"),
)
# (finding id, arm, outcome, direction, estimate, std_error, comparator override)
MULTI_FINDINGS = (
    ("M01", "Basic CCT", "consumption", "increase", "10", "4", ""),
    ("M02", "CCT + business grant", "consumption", "increase", "25", "5", ""),
    ("M03", "CCT + grant + savings", "consumption", "no_change", "", "", ""),
    ("M04", "GUP without savings", "consumption", "increase", "30", "6", ""),
    ("M05", "Savings only", "consumption", "increase", "", "", ""),
    ("M06", "Basic CCT", "off_farm_hours", "increase", "", "", ""),
    ("M07", "CCT + business grant", "off_farm_hours", "increase", "", "", ""),
    ("M08", "CCT + business grant", "assets", "increase", "", "", ""),
    ("M09", "CCT + grant + savings", "assets", "increase", "0.4", "0.1", "CCT + business grant"),
    ("M10", "Basic CCT", "debt", "decrease", "", "", ""),
    ("M11", "CCT + grant + savings", "debt", "increase", "", "", ""),
    ("M12", "Savings only", "debt", "decrease", "", "", ""),
)


def write_multi_arm(directory: str | Path) -> Path:
    """A data directory with one five-arm trial, every arm coded in arms.csv, and return its path.

    It holds nested pairs (Basic CCT inside CCT + business grant inside CCT + grant + savings),
    pairs that are not nested (Savings only against the rest; CCT + grant + savings against
    GUP without savings), shared and unshared outcomes, two unclear effects on one outcome,
    estimates with standard errors against the control group, and one finding coded as a direct
    contrast with another arm. Fixed values, so tests can count by hand.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    country, case = "Exampleland", "Graduation trial"
    _write(
        directory / "outcomes.csv",
        ["outcome", "domain", "better"],
        [
            ["consumption", "income", "higher"],
            ["off_farm_hours", "income", "ambiguous"],
            ["assets", "assets", "higher"],
            ["debt", "assets", "lower"],
        ],
    )
    arm_of = {name: kind for name, kind, _ in MULTI_ARMS}
    header = [c.name for c in contract.FINDINGS.columns]
    rows = []
    for fid, arm, outcome, direction, estimate, se, comparator in MULTI_FINDINGS:
        row = dict(
            finding_id=fid,
            country=country,
            case=case,
            intervention=arm,
            arm=arm_of[arm],
            outcome=outcome,
            direction=direction,
            estimate=estimate,
            std_error=se,
            comparator=comparator,
        )
        if estimate:  # consumption in the trial's currency, assets as a standardised difference
            raw = outcome == "consumption"
            row["effect_measure"] = "raw" if raw else "smd"
            row["note"] = "Unit: Exampleland pesos per household per month." if raw else ""
        rows.append([row.get(name, "") for name in header])
    _write(directory / "findings.csv", header, rows)
    programmes = [
        ("CCT", "social_protection"),
        ("Business grant", "productive_development"),
        ("Savings group", "productive_development"),
        ("Coaching", "productive_development"),
    ]
    _write(
        directory / "programmes.csv",
        ["programme", "country", "sector"],
        [[name, country, sector] for name, sector in programmes],
    )
    _write(
        directory / "arms.csv",
        [c.name for c in contract.ARMS_FILE.columns],
        [[country, case, name, components, "control", "", "", ""] for name, _, components in MULTI_ARMS],
    )
    return directory
