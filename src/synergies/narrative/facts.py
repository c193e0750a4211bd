"""The view of the data every sentence draws on: aggregate tables, labels, per-country groups."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import pandas as pd

from synergies import aggregate, i18n
from synergies.load import Evidence
from synergies.narrative import slots
from synergies.narrative.model import Ref, Sentence
from synergies.narrative.refs import RefSet, RowIndex

# =========================================================================== facts


@dataclass
class _Facts:
    """The evidence plus every aggregate table and label the sentences draw on, computed once."""

    ev: Evidence
    arms: pd.DataFrame
    arm_verdicts: pd.DataFrame
    case_verdicts: pd.DataFrame
    country_verdicts: pd.DataFrame
    tests_arm: pd.DataFrame
    tests_case: pd.DataFrame
    gaps: pd.DataFrame
    comparison: pd.DataFrame
    factors: pd.DataFrame | None
    contrasts: pd.DataFrame | None
    labels: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)
    _groups: dict[str, dict] = field(default_factory=dict)
    rows: RowIndex = field(init=False)
    _extra: dict[str, pd.DataFrame] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.rows = RowIndex(self.ev)

    @classmethod
    def of(cls, ev: Evidence) -> _Facts:
        """Compute every table once from the evidence."""
        arm_verdicts = aggregate.effects_by_domain(ev)
        case_verdicts = aggregate.case_domain_verdicts(ev)
        facts = cls(
            ev=ev,
            arms=aggregate.arms(ev),
            arm_verdicts=arm_verdicts,
            case_verdicts=case_verdicts,
            country_verdicts=aggregate.country_domain_verdicts(ev),
            tests_arm=aggregate.sign_tests(arm_verdicts, ev, unit="arm"),
            tests_case=aggregate.sign_tests(case_verdicts, ev, unit="case"),
            gaps=aggregate.evidence_gaps(ev),
            comparison=aggregate.single_vs_combined(ev),
            factors=aggregate.factor_summary(ev),
            contrasts=aggregate.national_barrier_local_enabler_rows(ev),
        )
        for lang in i18n.LANGS:
            facts.labels[lang] = {
                "domain": i18n.labels(ev.domains, "domain", lang),
                "outcome": i18n.labels(ev.outcomes, "outcome", lang),
                "factor": i18n.labels(ev.factors, "factor", lang) if ev.factors is not None else {},
            }
        return facts

    def table(self, name: str, make: Callable[[], pd.DataFrame]) -> pd.DataFrame:
        """A further table some sentences need (the robustness grid, pooled estimates), made once.

        `tables` hands it to the count checker under `name`, so it is not computed twice.
        """
        if name not in self._extra:
            self._extra[name] = make()
        return self._extra[name]

    def tables(self) -> dict[str, pd.DataFrame | None]:
        """The tables already computed here, by the names counts use (see `verify.Tables`)."""
        return self._extra | {
            "effects_by_domain": self.arm_verdicts,
            "case_domain_verdicts": self.case_verdicts,
            "country_domain_verdicts": self.country_verdicts,
            "sign_tests_arm": self.tests_arm,
            "sign_tests_case": self.tests_case,
            "evidence_gaps": self.gaps,
            "single_vs_combined": self.comparison,
            "factor_summary": self.factors,
            "national_barrier_local_enabler_rows": self.contrasts,
        }

    @property
    def findings(self) -> pd.DataFrame:
        """All findings of the evidence."""
        return self.ev.findings

    @property
    def countries(self) -> list[str]:
        """Every country of the findings or the cases, alphabetically (found once)."""
        if "countries" not in self._groups:
            names = set(self.findings["country"].unique()) | set(self.ev.cases["country"].unique())
            self._groups["countries"] = sorted(names, key=str.casefold)
        return list(self._groups["countries"])

    # ----------------------------------------------------------------------- typed slots and sentences

    def label(self, kind: str, key: str) -> slots.Label:
        """A slot naming a domain, outcome or factor by its label in the reader's language."""
        return slots.Label(kind, key, self.labels)

    def outcomes_slot(self, keys: Sequence[str]) -> slots.Msg:
        """ "the outcome *A*" / "the outcomes *A* and *B*": labels named as outcomes, as a slot."""
        return slots.msgn(
            "the outcome {outcomes}",
            "the outcomes {outcomes}",
            len(keys),
            outcomes=slots.items(self.label("outcome", k) for k in keys),
        )

    def say(self, body: slots.Slot, refs: RefSet | Iterable[Ref] = ()) -> Sentence:
        """A sentence with this body, citing these rows (a RefSet, or Refs looked up in the row index)."""
        return Sentence(body, refs if isinstance(refs, RefSet) else self.rows.of(refs))

    def domain_rank(self, domains: Iterable[str]) -> list[str]:
        """Domains in display order."""
        if "domain_rank" not in self._groups:  # the order is read from the domains table: once
            self._groups["domain_rank"] = {d: i for i, d in enumerate(self.ev.domain_order)}
        order = self._groups["domain_rank"]
        return sorted(set(domains), key=lambda d: (order.get(d, len(order)), d))

    def part(self, table: str, **key: str) -> pd.DataFrame:
        """The rows of one of these tables with the given column values, from a grouping made once.

        The narrative's tallies per country, case and domain: each table is split by a set of columns
        the first time a sentence asks, so a sentence never re-filters a whole table (200 countries
        times a dozen sentences would otherwise each scan every row).
        """
        columns = tuple(key)
        name = f"{table}:{','.join(columns)}"
        frame = {"findings": self.findings, "institutional": self.ev.institutional}.get(table)
        if table not in ("findings", "institutional"):
            frame = getattr(self, table)
        if name not in self._groups:
            if frame is None or frame.empty:
                self._groups[name] = {}
            else:
                by = list(columns) if len(columns) > 1 else columns[0]
                self._groups[name] = dict(list(frame.groupby(by, sort=False)))
        wanted = tuple(key.values()) if len(columns) > 1 else next(iter(key.values()))
        found = self._groups[name].get(wanted)
        if found is None:
            return frame.iloc[0:0] if frame is not None else pd.DataFrame()
        return found

    def gap_cases(self, country: str) -> list[str]:
        """Cases of a country without findings (evidence gaps), alphabetically."""
        return list(self.part("gaps", kind="case_without_findings", country=country).get("case", []))


def _case_ref(country: str, case: str) -> Ref:
    """Ref to a case row of cases.csv."""
    return Ref("cases.csv", (country, case))


def _institutional_refs(frame: pd.DataFrame) -> list[Ref]:
    """Refs to the institutional rows in `frame`."""
    return [Ref("institutional.csv", (r.country, r.case, r.factor)) for r in frame.itertuples()]
