"""The project's controlled vocabularies and fixed method choices: the one home of each.

Every module (contract, load, aggregate, plots, describe, narrative, runner, tests) imports these
names from here; `synergies.contract` re-exports the data vocabularies for the schema. Their
words in English and Spanish are catalogue entries (`synergies.text`), keyed by these values.
"""

from __future__ import annotations

# --------------------------------------------------------------------------- data vocabularies
ARMS = ("single", "combined")  # arm types: one programme, or several coordinated
DIRECTIONS = ("increase", "decrease", "no_change")  # sign of the change in the outcome itself
BETTER = ("higher", "lower", "ambiguous")  # which direction is good for households (codebook)
EFFECTS = ("beneficial", "adverse", "no_change", "unclear")  # a finding's effect for households
LEVELS = ("national", "local")  # where an institutional factor operates, in display order
# Whether a factor helped or hindered coordination; `unstated`: the source reports that it affected
# coordination without saying which way (not `mixed`, which says it did both).
ASSESSMENTS = ("enabler", "barrier", "mixed", "unstated")
LEVEL_BASES = ("stated", "inferred")  # whether a row's level is what the source says or the coders' inference
# What a factor is about: coordination itself (its architecture, level or practice), or a
# condition that favours or hinders it (politics, incentives, targeting, design).
FACTOR_ASPECTS = ("coordination", "condition")
# Claims (claims.csv): what kind of conclusion a claim is, what it asserts in coded terms,
# and the verdicts of the check (synergies.claims).
CLAIM_KINDS = ("effect", "synergy", "institutional", "recommendation")
CLAIM_ASSERTS = (
    "beneficial",
    "adverse",
    "no_change",
    "evaluated",
    "combined_better",
    "combined_not_better",
    "enabler",
    "barrier",
    "matters",
    "not_sufficient",
    "necessary_not_sufficient",
    "not_coded",
)
CLAIM_VERDICTS = ("supported", "partly_supported", "contradicted", "not_testable")
# Separator of the list cells of claims.csv (countries, cases, domains, outcomes, factors),
# and between country and case in one item of `cases`.
LIST_SEPARATOR = ";"
CASE_SEPARATOR = "/"
SECTORS = ("social_protection", "productive_development")
# Risk of bias (or critical appraisal) of one evaluation, as the tool named in `rob_tool` rates it.
# RoB 2's "low / some concerns / high"; ROBINS-I's "low / moderate / serious / critical" map to
# low / some_concerns / high / high (data/README.md). `unknown` = the source gives no appraisal.
RISK_OF_BIAS = ("low", "some_concerns", "high", "unknown")
# The metric of a finding's `estimate` (data/README.md, "Estimates and their measure"):
# standardised mean difference in SD units, percentage points, log odds ratio, a ratio on its
# natural scale (its std_error is that of the ratio's natural log), or a raw unit named in `note`.
EFFECT_MEASURES = ("smd", "pp", "log_or", "ratio", "raw")
BOOLEAN_TRUE = ("true",)
BOOLEAN_FALSE = ("false",)
# What an arm's results are measured against (arms.csv and findings.csv `comparator`), besides
# another arm of the same case named by its intervention: a group receiving none of the arm's
# programmes, the services the group would have received anyway, or not said by the source.
COMPARATORS = ("control", "status_quo", "unknown")
LIST_SEPARATOR = ";"  # between the items of arms.csv `components` (and cases.csv `programmes`)

# --------------------------------------------------------------------------- the combination panel
NESTING = ("nested", "not_nested", "not_coded")  # how two arms' components relate
# An arm that adds programmes against the arm it extends, by direction of effect for households.
COMPARISONS = ("combined_better", "same", "combined_worse", "cannot_tell", "not_nested")
BASES = ("direct_contrast", "directions")  # what a comparison rests on
# Why a case offers no comparison, in the order notebook 04 lists them.
NO_COMPARISON_REASONS = ("only_single_arms", "only_combined_arms", "no_nested_pair", "no_findings")

# --------------------------------------------------------------------------- derived orders
CONFLICTING = "conflicting"  # the verdict when a clear majority is missing
VERDICTS = (*EFFECTS, CONFLICTING)  # every verdict of a unit (arm, case, country) in a domain
VOTING = ("beneficial", "adverse")  # verdicts that vote in a sign test
DISCERNIBLE = ("beneficial", "adverse", "no_change")  # effects with a discernible direction

# --------------------------------------------------------------------------- method constants
ALPHA = 0.05  # the conventional significance level the sign tests' power caution refers to

# --------------------------------------------------------------------------- languages and runs
LANGS = ("en", "es")  # output languages; each but English has a catalogue in text/locale
# The parameters every notebook declares in its `parameters` cell, in this order: the runner
# passes them, tests/test_notebook_hygiene.py requires them, README.md documents them.
PARAMETER_NAMES = ("data_dir", "output_dir", "figures_dir", "lang")

# The key of pandas.DataFrame.attrs under which outputs.write_table records the name of the CSV a
# frame was written to, with what identifies that very frame (pandas copies attrs to every frame
# derived from it); site.tables names that CSV under a table shown in part only for that frame
# (outputs.written_table).
TABLE_NAME_ATTR = "synergies_table"
