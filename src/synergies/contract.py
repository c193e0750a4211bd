"""The data contract in code: every file, column, allowed value and cross-file key, in one place.

`data/README.md` documents the same contract for people; `tests/test_contract_doc.py`
keeps the two in step. The loader (`synergies.load`) turns these specs into pandera
schemas and cross-file checks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Controlled vocabularies: their one home is synergies.vocabulary; re-exported for the schema.
from synergies.vocabulary import (  # noqa: F401
    ARMS,
    ASSESSMENTS,
    BETTER,
    BOOLEAN_FALSE,
    BOOLEAN_TRUE,
    CASE_SEPARATOR,
    CLAIM_ASSERTS,
    CLAIM_KINDS,
    CLAIM_VERDICTS,
    COMPARATORS,
    DIRECTIONS,
    EFFECT_MEASURES,
    EFFECTS,
    FACTOR_ASPECTS,
    LEVEL_BASES,
    LEVELS,
    LIST_SEPARATOR,
    RISK_OF_BIAS,
    SECTORS,
)

# Longest text a cell may hold: generous for notes, small enough to catch pasted junk.
MAX_CELL_CHARS = 5000


@dataclass(frozen=True)
class Column:
    """One column of a contract file: whether it must be present, and what its cells may hold."""

    name: str
    required: bool
    kind: str = "text"  # text | enum | number | positive_number | probability | bool | int | positive_int
    values: tuple[str, ...] = ()
    meaning: str = ""

    @property
    def expected(self) -> str:
        """Plain-language description of an acceptable value, used in error messages."""
        return {
            "text": "text",
            "enum": "one of " + ", ".join(self.values),
            "number": "a number",
            "positive_number": "a number greater than 0",
            "probability": "a number between 0 and 1",
            "bool": "true or false",
            "int": "a whole number",
            "positive_int": "a whole number greater than 0",
        }[self.kind]


@dataclass(frozen=True)
class ForeignKey:
    """Values of `columns` in this file must be a key of `target` (when `target` is given)."""

    columns: tuple[str, ...]
    target: str
    target_columns: tuple[str, ...]


@dataclass(frozen=True)
class ListReference:
    """Each `;`-separated item of `column` must be a value of one of `targets` (file, columns).

    The allowed items are the union over the target files that are given; with none given
    the column is not checked. A two-column target (country, case) is written `Country/Case`,
    or the case alone when no other country has a case of that name.
    """

    column: str
    targets: tuple[tuple[str, tuple[str, ...]], ...]

    @property
    def target_files(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(name for name, _ in self.targets))


@dataclass(frozen=True)
class FileSpec:
    """One CSV file of a data directory."""

    name: str
    required: bool
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = field(default_factory=tuple)
    meaning: str = ""
    list_references: tuple[ListReference, ...] = field(default_factory=tuple)

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


FINDINGS = FileSpec(
    name="findings.csv",
    required=True,
    meaning="One row per reported effect.",
    key=("finding_id",),
    columns=(
        Column("finding_id", True, meaning="Stable unique key; citations point at it."),
        Column("country", True, meaning="Country where the evaluated programme runs."),
        Column("case", True, meaning="The evaluated case: a programme or a set of coordinated ones."),
        Column(
            "intervention",
            True,
            meaning="The arm whose effect this row reports, as the source names it.",
        ),
        Column(
            "arm",
            True,
            "enum",
            ARMS,
            "combined = two or more coordinated programmes; single = one.",
        ),
        Column("outcome", True, meaning="What was measured: a key of outcomes.csv."),
        Column("direction", True, "enum", DIRECTIONS, "Sign of the change in the outcome itself."),
        Column("estimate", False, "number", meaning="Point estimate in the source's unit."),
        Column(
            "effect_measure",
            False,
            "enum",
            EFFECT_MEASURES,
            "Metric of `estimate`; required when an estimate is given.",
        ),
        Column("std_error", False, "positive_number", meaning="Standard error of the estimate."),
        Column("p_value", False, "probability", meaning="p-value as reported."),
        Column("significant", False, "bool", meaning="Significance as the source judged it."),
        Column("n", False, "positive_int", meaning="Sample size behind the estimate."),
        Column("source_id", False, meaning="Where the finding comes from: a key of sources.csv."),
        Column("locator", False, meaning="Page, table or section in that source."),
        Column("note", False, meaning="Coder's remark."),
        Column(
            "comparator",
            False,
            meaning="What this estimate is measured against, overriding the arm's comparator in arms.csv.",
        ),
        Column(
            "subgroup",
            False,
            meaning="The population subgroup the result is reported for; empty = the arm's whole sample.",
        ),
        Column(
            "direction_alt",
            False,
            "enum",
            DIRECTIONS,
            "The direction another source reports for the same result, where sources disagree.",
        ),
        Column("alt_source_id", False, meaning="The source of direction_alt: a key of sources.csv."),
        Column("alt_locator", False, meaning="Where in that source."),
    ),
    foreign_keys=(
        ForeignKey(("outcome",), "outcomes.csv", ("outcome",)),
        ForeignKey(("source_id",), "sources.csv", ("source_id",)),
        ForeignKey(("country", "case"), "cases.csv", ("country", "case")),
        ForeignKey(("alt_source_id",), "sources.csv", ("source_id",)),
    ),
)

OUTCOMES = FileSpec(
    name="outcomes.csv",
    required=True,
    meaning="The outcome codebook: domain and desirable direction of each outcome.",
    key=("outcome",),
    columns=(
        Column("outcome", True, meaning="Key used by findings.csv."),
        Column("domain", True, meaning="Outcome domain the heatmaps group by."),
        Column("better", True, "enum", BETTER, "Which direction of change is desirable."),
        Column(
            "better_alternative",
            False,
            "enum",
            BETTER,
            "The other defensible reading of a judgement call; the robustness grid tries it.",
        ),
        Column("label_en", False, meaning="English display label (the key is shown if empty)."),
        Column("label_es", False, meaning="Spanish display label (the key is shown if empty)."),
        Column("note", False, meaning="Why `better` was coded so; expected when ambiguous."),
    ),
    foreign_keys=(ForeignKey(("domain",), "domains.csv", ("domain",)),),
)

DOMAINS = FileSpec(
    name="domains.csv",
    required=False,
    meaning="Outcome domains in display order.",
    key=("domain",),
    columns=(
        Column("domain", True, meaning="Key used by outcomes.csv."),
        Column("order", True, "int", meaning="Display order (ascending)."),
        Column("label_en", False, meaning="English label."),
        Column("label_es", False, meaning="Spanish label."),
        Column("note", False, meaning="Coder's remark."),
    ),
)

CASES = FileSpec(
    name="cases.csv",
    required=False,
    meaning="Evaluated cases; a case with no findings is an evidence gap.",
    key=("country", "case"),
    columns=(
        Column("case", True, meaning="Case name, as in findings.csv."),
        Column("country", True, meaning="Country; a case is identified by country and case."),
        Column("programmes", False, meaning="Programmes in the case, separated by ';'."),
        Column("has_impact_evaluation", False, "bool", meaning="false = no impact results reported."),
        Column("design", False, meaning="Evaluation design."),
        Column("evaluator", False, meaning="Who evaluated it."),
        Column("year", False, "int", meaning="Year of the evaluation or its report."),
        Column("source_id", False, meaning="A key of sources.csv."),
        Column(
            "risk_of_bias",
            False,
            "enum",
            RISK_OF_BIAS,
            "Risk of bias of the evaluation; unknown when no appraisal is available.",
        ),
        Column("rob_tool", False, meaning="Tool or appraisal the rating comes from (RoB 2, ROBINS-I, ...)."),
        Column("note", False, meaning="Coder's remark."),
    ),
    foreign_keys=(ForeignKey(("source_id",), "sources.csv", ("source_id",)),),
)

INSTITUTIONAL = FileSpec(
    name="institutional.csv",
    required=False,
    meaning="Institutional analysis: enablers of and barriers to coordination, by case.",
    columns=(
        Column("case", True, meaning="Case name."),
        Column("country", True, meaning="Country of the case."),
        Column("factor", True, meaning="Factor, from a controlled vocabulary (factors.csv if given)."),
        Column("level", True, "enum", LEVELS, "Where the factor operates."),
        Column("assessment", True, "enum", ASSESSMENTS, "Whether it helped or hindered coordination."),
        Column("statement", False, meaning="What the source says, paraphrased."),
        Column("source_id", False, meaning="A key of sources.csv."),
        Column("locator", False, meaning="Where in the source."),
        Column("note", False, meaning="Coder's remark."),
        Column(
            "level_basis",
            False,
            "enum",
            LEVEL_BASES,
            "Whether the source states the level or the coders inferred it.",
        ),
    ),
    foreign_keys=(
        ForeignKey(("country", "case"), "cases.csv", ("country", "case")),
        ForeignKey(("factor",), "factors.csv", ("factor",)),
        ForeignKey(("source_id",), "sources.csv", ("source_id",)),
    ),
)

FACTORS = FileSpec(
    name="factors.csv",
    required=False,
    meaning="Controlled vocabulary of institutional factors, with labels.",
    key=("factor",),
    columns=(
        Column("factor", True, meaning="Key used by institutional.csv."),
        Column("label_en", False, meaning="English label."),
        Column("label_es", False, meaning="Spanish label."),
        Column("description", False, meaning="What the factor covers."),
        Column(
            "aspect",
            False,
            "enum",
            FACTOR_ASPECTS,
            "Whether the factor is coordination itself or a condition for it.",
        ),
    ),
)

PROGRAMMES = FileSpec(
    name="programmes.csv",
    required=False,
    meaning="Programme metadata.",
    key=("country", "programme"),
    columns=(
        Column("programme", True, meaning="Programme name, as in cases.csv `programmes`."),
        Column("country", True, meaning="Country."),
        Column("sector", True, "enum", SECTORS, "Social protection or productive development."),
        Column("institution", False, meaning="Institution that runs it."),
        Column("start_year", False, "int", meaning="Year it started."),
        Column("coverage", False, meaning="Where it operates."),
        Column("target_population", False, meaning="Whom it serves."),
        Column("components", False, meaning="Its components, separated by ';'."),
        Column("source_id", False, meaning="A key of sources.csv."),
        Column("note", False, meaning="Coder's remark, e.g. where sources disagree."),
    ),
    foreign_keys=(ForeignKey(("source_id",), "sources.csv", ("source_id",)),),
)

SOURCES = FileSpec(
    name="sources.csv",
    required=False,
    meaning="Bibliography.",
    key=("source_id",),
    columns=(
        Column("source_id", True, meaning="Key used by the other files."),
        Column("citation", False, meaning="Full citation."),
        Column("url", False, meaning="Where to read it."),
        Column("year", False, "int", meaning="Year of publication."),
        Column("note", False, meaning="Coder's remark."),
    ),
)

ARMS_FILE = FileSpec(
    name="arms.csv",
    required=False,
    meaning="Intervention arms: the programmes each receives and what its estimates are measured against.",
    key=("country", "case", "intervention"),
    columns=(
        Column("country", True, meaning="Country of the case."),
        Column("case", True, meaning="Case name, as in findings.csv."),
        Column("intervention", True, meaning="The arm, named as in findings.csv `intervention`."),
        Column("components", False, meaning="Programmes the arm receives, separated by ';'."),
        Column(
            "comparator",
            True,
            meaning="control, status_quo, unknown, or another arm (intervention) of the same case.",
        ),
        Column("source_id", False, meaning="Where components and comparator come from."),
        Column("locator", False, meaning="Page, table or section in that source."),
        Column("note", False, meaning="Coder's remark; says why when the comparator is unknown."),
    ),
    foreign_keys=(
        ForeignKey(("country", "case"), "cases.csv", ("country", "case")),
        ForeignKey(("source_id",), "sources.csv", ("source_id",)),
    ),
)

CLAIMS = FileSpec(
    name="claims.csv",
    required=False,
    meaning="Conclusions a source draws, and what each asserts in coded terms (see synergies.claims).",
    key=("claim_id",),
    columns=(
        Column("claim_id", True, meaning="Stable unique key of the claim."),
        Column("text", True, meaning="The claim as the source words it, paraphrased."),
        Column("source_id", False, meaning="The document making the claim: a key of sources.csv."),
        Column("locator", False, meaning="Where in that document."),
        Column("kind", True, "enum", CLAIM_KINDS, "What kind of conclusion the claim is."),
        Column("asserts", True, "enum", CLAIM_ASSERTS, "What the claim asserts, in coded terms."),
        Column("arm", False, "enum", ARMS, "Only arms of this kind; empty = any arm."),
        Column("countries", False, meaning="Countries the claim speaks about, separated by ';'."),
        Column("cases", False, meaning="Cases it speaks about, as Country/Case, separated by ';'."),
        Column("domains", False, meaning="Outcome domains it speaks about, separated by ';'."),
        Column("outcomes", False, meaning="Outcomes it speaks about, separated by ';'."),
        Column("factors", False, meaning="Institutional factors it speaks about, separated by ';'."),
        Column("level", False, "enum", LEVELS, "Only institutional rows at this level; empty = any."),
        Column("note", False, meaning="Coder's remark: how the claim was read."),
    ),
    foreign_keys=(ForeignKey(("source_id",), "sources.csv", ("source_id",)),),
    list_references=(
        ListReference(
            "countries",
            (
                ("findings.csv", ("country",)),
                ("cases.csv", ("country",)),
                ("institutional.csv", ("country",)),
            ),
        ),
        ListReference(
            "cases",
            (
                ("findings.csv", ("country", "case")),
                ("cases.csv", ("country", "case")),
                ("institutional.csv", ("country", "case")),
            ),
        ),
        ListReference("domains", (("outcomes.csv", ("domain",)), ("domains.csv", ("domain",)))),
        ListReference("outcomes", (("outcomes.csv", ("outcome",)),)),
        ListReference("factors", (("factors.csv", ("factor",)), ("institutional.csv", ("factor",)))),
    ),
)

FILES: tuple[FileSpec, ...] = (
    FINDINGS,
    OUTCOMES,
    DOMAINS,
    CASES,
    INSTITUTIONAL,
    FACTORS,
    PROGRAMMES,
    SOURCES,
    ARMS_FILE,
    CLAIMS,
)
SPECS = {spec.name: spec for spec in FILES}
OPTIONAL_FILES = tuple(spec.name for spec in FILES if not spec.required)
