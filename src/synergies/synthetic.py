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
