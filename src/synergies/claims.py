"""Check the conclusions a source draws (claims.csv) against the coded evidence it rests on.

Each claim says in coded terms what it asserts (`asserts`) about a scope (arm kind,
countries, cases, domains, outcomes, factors, level). The check never re-derives a verdict
of its own: effect claims use the verdict rule of `aggregate.verdicts` on the findings in
scope, synergy claims the outcome-by-outcome pairs of `aggregate.single_vs_combined`, and
institutional claims the rows of `institutional.csv`. Each claim gets one of
`contract.CLAIM_VERDICTS` with a reason and the rows it rests on:

- **supported**: every unit in scope (arm × domain verdict, compared outcome, case or
  factor) bears the assertion out;
- **partly_supported**: some do and some do not, or part of the assertion cannot be tested;
- **contradicted**: none does, and the data say otherwise;
- **not_testable**: the data hold nothing that could bear it out or refute it, e.g. a claim
  about the interaction of programmes where no outcome was measured for a single and a
  combined arm of one case, or a claim about something no coded file records (`not_coded`).

A finding whose direction two sources report differently (`direction_alt`) is counted as
the first source reads it; the reason says so, and says how the verdict would change if the
other source were right. A level the coders inferred (`level_basis` = `inferred`) cannot on
its own make a claim about that level supported.

A reason is built once, in no language: a typed-slot body (`narrative.slots`: catalogue
messages whose slots are vocabulary words, labels, countries, data text as coded and the check's
own whole numbers, `Int`). `check_claims` renders it in the language asked for (tables/claims.csv)
and the narrative says the same body, escaped as a whole; a new language needs only a catalogue.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

import pandas as pd

from synergies import aggregate, contract, i18n, text
from synergies.load import Evidence, case_items, split_list
from synergies.narrative.slots import (
    Country,
    Data,
    Int,
    Label,
    Markup,
    Seq,
    Slot,
    Word,
    items,
    msg,
    msgn,
    msgp,
    render,
)
from synergies.text import NP_, grammar, t, tn, tp
from synergies.vocabulary import LANGS

# The first columns of tables/claims.csv, in this order; the claim's own text and coding follow.
CLAIM_COLUMNS = ["claim_id", "kind", "verdict", "reason", "rows"]
TABLE_COLUMNS = [*CLAIM_COLUMNS, "asserts", "text", "source_id", "locator"]
# Separator of the row ids in the `rows` column (the contract's list separator).
ROW_SEPARATOR = contract.LIST_SEPARATOR
# Outcome-by-outcome comparisons by direction for households (issue 13's `comparison` values).
COMPARISONS = ("combined_better", "same", "combined_worse", "cannot_tell")
_RANK = {"beneficial": 2, "no_change": 1, "adverse": 0}
_OPPOSITE = {"beneficial": ("adverse",), "adverse": ("beneficial",), "no_change": ("beneficial", "adverse")}


def _data(text: str) -> Data:
    """Data text (an id, an arm's name, a coders' note) as coded: the reason is escaped as a whole."""
    return Data(text, plain=True)


def _joined(parts: Iterable[Slot], separator: str) -> Slot:
    """Parts one after the other, `separator` between them ("; " or ", ", the same in every language)."""
    out: list[Slot] = []
    for part in parts:
        if out:
            out.append(Markup(separator))
        out.append(part)
    return Seq(tuple(out))


def _labels(parts: Iterable[Slot]) -> Slot:
    """Labels of factors, domains or cases as a list after a colon, one from the next by ';'.

    A label may read as a clause ("A household member has a job"), so labels are never joined
    into one noun phrase with "and": each stands alone, verbatim.
    """
    return _joined(parts, "; ")


def _then(first: Slot, *more: Slot) -> Slot:
    """Sentences of a reason one after the other, a space between them."""
    return _joined((first, *more), " ")


class _Names(Mapping):
    """The data's labels of domains, outcomes and factors by language, as `slots.Label` reads them.

    A language's labels are worked out when a reason is first rendered in it.
    """

    def __init__(self, ev: Evidence) -> None:
        self._ev = ev
        self._by_lang: dict[str, dict[str, dict[str, str]]] = {}

    def __getitem__(self, lang: str) -> dict[str, dict[str, str]]:
        if lang not in self._by_lang:
            ev = self._ev
            self._by_lang[lang] = {
                "domain": i18n.labels(ev.domains, "domain", lang),
                "outcome": i18n.labels(ev.outcomes, "outcome", lang),
                "factor": i18n.labels(ev.factors, "factor", lang) if ev.factors is not None else {},
            }
        return self._by_lang[lang]

    def __iter__(self) -> Iterator[str]:
        return iter(LANGS)

    def __len__(self) -> int:
        return len(LANGS)


def _label(kind: str, key: str, names: _Names) -> Label:
    """A domain, outcome or factor by its label in the reader's language, verbatim."""
    return Label(kind, key, names, plain=True)


@dataclass(frozen=True)
class Verdict:
    """The outcome of checking one claim: verdict, reason and the rows it rests on.

    `reason` is a typed-slot body (`narrative.slots`), rendered in any language by `text` (the
    claims table's text) and said by the narrative escaped as a whole; data text in it is as coded.
    """

    verdict: str
    reason: Slot
    rows: tuple[str, ...] = ()

    def text(self, lang: str) -> str:
        """The reason in `lang`, as tables/claims.csv holds it (data text unescaped)."""
        return render(self.reason, lang)


# --------------------------------------------------------------------------- scope


@dataclass(frozen=True)
class Scope:
    """What a claim speaks about, parsed from its row of claims.csv; empty = no restriction."""

    arm: str
    countries: frozenset[str]
    cases: frozenset[tuple[str, str]]
    domains: frozenset[str]
    outcomes: frozenset[str]
    factors: tuple[str, ...]
    level: str

    @classmethod
    def of(cls, claim: pd.Series, ev: Evidence) -> Scope:
        """Parse the list cells of one claim (references were checked when the data were loaded)."""
        known = set(zip(ev.cases["country"], ev.cases["case"], strict=True))
        known |= set(zip(ev.findings["country"], ev.findings["case"], strict=True))
        if ev.institutional is not None:
            known |= set(zip(ev.institutional["country"], ev.institutional["case"], strict=True))
        return cls(
            arm=claim.get("arm", ""),
            countries=frozenset(split_list(claim.get("countries", ""))),
            cases=frozenset(case_items(claim.get("cases", ""), known)[0]),
            domains=frozenset(split_list(claim.get("domains", ""))),
            outcomes=frozenset(split_list(claim.get("outcomes", ""))),
            factors=tuple(dict.fromkeys(split_list(claim.get("factors", "")))),
            level=claim.get("level", ""),
        )

    def place(self, frame: pd.DataFrame) -> pd.Series:
        """Rows of `frame` (with country and case columns) inside the claim's countries and cases."""
        keep = pd.Series(True, index=frame.index)
        if self.countries:
            keep &= frame["country"].isin(self.countries)
        if self.cases:
            pairs = pd.MultiIndex.from_frame(frame[["country", "case"]])
            keep &= pairs.isin(list(self.cases))
        return keep

    def topic(self, frame: pd.DataFrame) -> pd.Series:
        """Rows whose outcome is listed or whose domain is listed; every row when neither is."""
        if not self.domains and not self.outcomes:
            return pd.Series(True, index=frame.index)
        return frame["domain"].isin(self.domains) | frame["outcome"].isin(self.outcomes)


def _case_label(country: str, case: str) -> str:
    """A case as a row id (Country/Case): as coded, since citations and `rows` name it so."""
    return f"{country}{contract.CASE_SEPARATOR}{case}"


def _case_name(country: str, case: str) -> Slot:
    """A case as a reader reads it: 'PROINPRO + PDPs (México)', the country named in the reader's language."""
    return Seq((_data(case), Markup(" ("), Country(country, plain=True), Markup(")")))


def _inst_label(row: object) -> str:
    """An institutional row as the narrative cites it: Country/Case: factor."""
    return f"{row.country}{contract.CASE_SEPARATOR}{row.case}: {row.factor}"  # type: ignore[attr-defined]


def _natural(text: str) -> tuple:
    """Sort key ordering embedded numbers by value (F2 before F10), finding ids before other rows."""
    parts = re.split(r"(\d+)", text)
    return (
        contract.CASE_SEPARATOR in text,
        [(0, int(p), "") if p.isdigit() else (1, 0, p.casefold()) for p in parts],
    )


def _ids(values: Iterable[str]) -> tuple[str, ...]:
    """Row ids without repeats: finding ids first, in natural order, then case and institutional rows."""
    return tuple(sorted(dict.fromkeys(v for v in values if v), key=_natural))


# --------------------------------------------------------------------------- effect claims


def _arm_name(row: object) -> Slot:
    """An arm as a reader reads it: 'PPP (Colombia)', the country named in the reader's language."""
    return _case_name(row.country, row.intervention)  # type: ignore[attr-defined]


def _effect_units(findings: pd.DataFrame, effect_column: str) -> pd.DataFrame:
    """Arm × domain verdicts of the findings given, by the verdict rule of `aggregate.verdicts`."""
    frame = findings if effect_column == "effect" else findings.assign(effect=findings[effect_column])
    table = aggregate.tally(frame, [*aggregate.ARM_KEYS, "domain"])
    table["verdict"] = aggregate.verdicts(table)
    return table


def _effect_verdict(units: pd.DataFrame, findings: pd.DataFrame, asserted: str) -> str:
    """supported / partly / contradicted / not_testable from arm × domain verdicts and their findings."""
    voting = units[units["verdict"] != "unclear"]
    if voting.empty:
        return "not_testable"
    if (voting["verdict"] == asserted).all():
        return "supported"
    if not (findings["effect"] == asserted).any():
        return "contradicted" if findings["effect"].isin(_OPPOSITE[asserted]).any() else "partly_supported"
    return "partly_supported"


def check_effect(claim: pd.Series, ev: Evidence, names: _Names) -> Verdict:
    """Do the findings in scope have the asserted effect? Units are arm × domain verdicts."""
    scope = Scope.of(claim, ev)
    asserted = claim["asserts"]
    f = ev.findings
    inside = scope.place(f) & scope.topic(f)
    if scope.arm:
        inside &= f["arm"] == scope.arm
    found = f[inside]
    if found.empty:
        if scope.arm:
            reason: Slot = msg(
                "No coded finding of a {arm} arm falls in the claim's scope.", arm=Word(scope.arm)
            )
        else:
            reason = msg("No coded finding falls in the claim's scope.")
        others = f[scope.place(f) & scope.topic(f)]
        if scope.arm and not others.empty:
            elsewhere = msgn(
                "Arms of the other kind have {n} finding there ({ids}), but an arm's result is that "
                "arm's own.",
                "Arms of the other kind have {n} findings there ({ids}), but an arm's result is that "
                "arm's own.",
                len(others),
                n=Int(len(others)),
                ids=_data(", ".join(_ids(others["finding_id"]))),
            )
            reason = _then(reason, elsewhere)
        return Verdict("not_testable", reason)
    units = aggregate.sort_display(_effect_units(found, "effect"), ev)
    verdict = _effect_verdict(units, found, asserted)
    rows = _ids(found["finding_id"])
    effect = Word(asserted)
    n = len(units)
    if verdict == "not_testable":
        reason = msgn(
            "The {n} finding in scope has no direction for households: the codebook calls its outcome's "
            "desirability ambiguous.",
            "The {n} findings in scope have no direction for households: the codebook calls their outcomes' "
            "desirability ambiguous.",
            len(found),
            n=Int(len(found)),
        )
    elif verdict == "supported":
        reason = msgn(
            "The {n} arm-domain verdict in scope is {effect} ({findings}).",
            "All {n} arm-domain verdicts in scope are {effect} ({findings}).",
            n,
            n=Int(n),
            effect=effect,
            findings=Int(len(found), "finding"),
        )
    else:
        reason = msgn(
            "{k} of {n} arm-domain verdict in scope is {effect}; not so: {others}.",
            "{k} of {n} arm-domain verdicts in scope are {effect}; not so: {others}.",
            n,
            n=Int(n),
            k=Int(int((units["verdict"] == asserted).sum())),
            effect=effect,
            others=_labels(_deviating_units(units, found, asserted, names)),
        )
    note = _contested_note(found, asserted, verdict)
    return Verdict(verdict, reason if note is None else _then(reason, note), rows)


def _deviating_units(units: pd.DataFrame, found: pd.DataFrame, asserted: str, names: _Names) -> list[Slot]:
    """Per unit not agreeing, e.g. "PPP (Colombia), Productive: conflicting (...: adverse [F05])"."""
    parts = []
    for u in units[(units["verdict"] != asserted) & (units["verdict"] != "unclear")].itertuples():
        mine = found[
            (found["country"] == u.country)
            & (found["case"] == u.case)
            & (found["intervention"] == u.intervention)
            & (found["domain"] == u.domain)
            & (found["effect"] != asserted)
            & (found["effect"] != "unclear")
        ]
        what = _joined(
            (
                Seq(
                    (
                        _label("outcome", r.outcome, names),
                        Markup(": "),
                        Word(r.effect),
                        _data(f" [{r.finding_id}]"),
                    )
                )
                for r in sorted(mine.itertuples(), key=lambda r: _natural(r.finding_id))
            ),
            ", ",
        )
        parts.append(
            msg(
                "{arm}, {domain}: {verdict} ({findings})",
                arm=_arm_name(u),
                domain=_label("domain", u.domain, names),
                verdict=Word(u.verdict),
                findings=what,
            )
        )
    return parts


def _contested_note(found: pd.DataFrame, asserted: str, verdict: str) -> Slot | None:
    """Name the findings in scope whose direction sources dispute, and the verdict the other reading gives."""
    disputed = found[found["contested"].astype(bool)]
    if disputed.empty:
        return None
    disputed = disputed.iloc[
        sorted(range(len(disputed)), key=lambda i: _natural(disputed["finding_id"].iloc[i]))
    ]
    other = found.assign(effect=found["effect"].where(~found["contested"].astype(bool), found["effect_alt"]))
    alt = _effect_verdict(_effect_units(other, "effect"), other, asserted)
    sources = _labels(
        msg(
            "{id}: {source} reports {direction}, {alt_source} {alt_direction}",
            id=_data(r.finding_id),
            source=_data(r.source_id) if r.source_id else msg("one source"),
            direction=Word(r.direction),
            alt_source=_data(r.alt_source_id),
            alt_direction=Word(r.direction_alt),
        )
        for r in disputed.itertuples()
    )
    if alt == verdict:
        tail = msg("the verdict is the same either way")
    else:
        tail = msg("read the other way, the claim would be {verdict}", verdict=verdict_word(alt))
    return msg(
        "The direction of {ids} is contested ({sources}); {tail}.",
        ids=_data(", ".join(disputed["finding_id"])),
        sources=sources,
        tail=tail,
    )


def check_evaluated(claim: pd.Series, ev: Evidence, names: _Names) -> Verdict:
    """Do the cases (and countries) in scope have reported impact results?"""
    scope = Scope.of(claim, ev)
    arms = aggregate.arms(ev)
    cases = arms.groupby(["country", "case"], sort=False)["n_findings"].sum().reset_index()
    cases = cases[scope.place(cases)]
    if cases.empty:
        return Verdict("not_testable", msg("No case falls in the claim's scope."))
    with_results = cases[cases["n_findings"] > 0]
    without = cases[cases["n_findings"] == 0]
    f = ev.findings
    gap_ids = [_case_label(r.country, r.case) for r in without.itertuples()]
    rows = _ids([*f.loc[scope.place(f), "finding_id"], *gap_ids])
    n_countries = cases["country"].nunique()
    if without.empty:
        reason = msg(
            "All the cases in scope ({cases}, in {countries}) have reported impact results.",
            cases=Int(len(cases), "case"),
            countries=Int(int(n_countries), "country"),
        )
        return Verdict("supported", reason, rows)
    verdict = "contradicted" if with_results.empty else "partly_supported"
    reason = msgn(
        "{k} of {total} cases in scope have reported impact results, from {kc} of {nc} countries; {gaps} "
        "has none (an evidence gap).",
        "{k} of {total} cases in scope have reported impact results, from {kc} of {nc} countries; {gaps} "
        "have none (evidence gaps).",
        len(without),
        k=Int(len(with_results)),
        total=Int(len(cases)),
        kc=Int(int(with_results["country"].nunique())),
        nc=Int(int(n_countries)),
        gaps=items(_case_name(r.country, r.case) for r in without.itertuples()),
    )
    return Verdict(verdict, reason, rows)


# --------------------------------------------------------------------------- synergy claims


COMPARISON_CONTEXT = "comparison of a combined arm with a single arm"  # the msgctxt of COMPARISON_WORDS
COMPARISON_WORDS = {
    "combined_better": NP_("comparison of a combined arm with a single arm", "combined better"),
    "same": NP_("comparison of a combined arm with a single arm", "same"),
    "combined_worse": NP_("comparison of a combined arm with a single arm", "combined worse"),
    "cannot_tell": NP_("comparison of a combined arm with a single arm", "cannot tell"),
}


def comparison(single_effect: str, combined_effect: str) -> str:
    """Combined against single on one outcome, by direction for households (beneficial > no change > adverse).

    `cannot_tell` when either effect is unclear, conflicting or missing: two unclear effects are
    never "the same". Used only when `single_vs_combined` has no `comparison` column of its own.
    """
    if single_effect not in _RANK or combined_effect not in _RANK:
        return "cannot_tell"
    diff = _RANK[combined_effect] - _RANK[single_effect]
    return "combined_better" if diff > 0 else "combined_worse" if diff < 0 else "same"


def check_synergy(claim: pd.Series, ev: Evidence, names: _Names) -> Verdict:
    """Does the combination do better (or not) than a programme alone, outcome by outcome, in scope?"""
    scope = Scope.of(claim, ev)
    table = aggregate.single_vs_combined(ev)
    if not table.empty:
        table = table[scope.place(table) & scope.topic(table)]
    if table.empty:
        return Verdict(
            "not_testable",
            msg(
                "No case in scope has both a single and a combined arm with findings, so no combination can "
                "be compared with a programme alone."
            ),
        )
    pairs = table[["country", "case", "single_arm", "combined_arm"]].drop_duplicates()
    pair_names = items(_data(f"{p.single_arm} / {p.combined_arm} ({p.country})") for p in pairs.itertuples())
    if "comparison" in table.columns:  # what each arm is compared with and whether the arms nest
        nested = table["comparison"] != "not_nested"
        if not nested.any():
            reason = msg(
                "No pair of arms in scope nests one in the other ({pairs}), so no combination can be "
                "compared with a programme it contains.",
                pairs=pair_names,
            )
            return Verdict("not_testable", reason, _finding_ids(table))
        direct = table.get("comparison_basis", pd.Series("", index=table.index)) == "direct_contrast"
        comparable = table[nested & (table["comparable"].astype(bool) | direct)]
    else:
        comparable = table[table["comparable"].astype(bool)]
    if comparable.empty:
        reason = msg(
            "No outcome in scope was measured for both the single and the combined arm of a case ({pairs}), "
            "so the interaction cannot be compared on a common outcome.",
            pairs=pair_names,
        )
        return Verdict("not_testable", reason, _finding_ids(table))
    if "comparison" in comparable.columns:
        compared = comparable["comparison"]
    else:
        compared = pd.Series(
            [
                comparison(s, c)
                for s, c in zip(comparable["single_effect"], comparable["combined_effect"], strict=True)
            ],
            index=comparable.index,
        )
    rows = _finding_ids(comparable)
    ranked = compared[compared != "cannot_tell"]
    n = len(compared)
    if ranked.empty:
        reason = msgn(
            "Both arms measured {n} outcome in scope, but it cannot be ranked: an effect is unclear or "
            "conflicting.",
            "Both arms measured {n} outcomes in scope, but none can be ranked: an effect is unclear or "
            "conflicting.",
            n,
            n=Int(n),
        )
        return Verdict("not_testable", reason, rows)
    better = ranked == "combined_better"
    agree = better if claim["asserts"] == "combined_better" else ~better
    if agree.all() and len(ranked) == n:
        verdict = "supported"
    elif not agree.any():
        verdict = "contradicted"
    else:
        verdict = "partly_supported"
    counts = _joined(
        (
            Seq((msgp(COMPARISON_CONTEXT, COMPARISON_WORDS[k]), Markup(" "), Int(int((compared == k).sum()))))
            for k in COMPARISONS
        ),
        ", ",
    )
    reason = msgn(
        "Of the {n} outcome both arms measured in scope: {counts}.",
        "Of {n} outcomes both arms measured in scope: {counts}.",
        n,
        n=Int(n),
        counts=counts,
    )
    untested = _untested_scope(scope, comparable, ev, names)
    if untested and verdict == "supported":
        verdict = "partly_supported"  # what was compared agrees, but the claim speaks of more
    return Verdict(verdict, _then(reason, *untested), rows)


def _untested_scope(scope: Scope, compared: pd.DataFrame, ev: Evidence, names: _Names) -> list[Slot]:
    """The countries and domains a synergy claim names where no outcome could be compared (none: []).

    A claim about the combination in several domains or countries is only partly borne out when
    the comparisons that agree with it come from some of them only.
    """
    parts: list[Slot] = []
    countries = sorted(scope.countries - set(compared["country"]), key=str.casefold)
    if countries:
        parts.append(
            msg(
                "No outcome could be compared in {names}, which the claim also names.",
                names=items(Country(c, plain=True) for c in countries),
            )
        )
    order = {d: i for i, d in enumerate(ev.domain_order)}
    domains = sorted(scope.domains - set(compared["domain"]), key=lambda d: (order.get(d, len(order)), d))
    if domains:
        parts.append(
            msgn(
                "The claim also names a domain in which no outcome could be compared: {names}.",
                "The claim also names domains in which no outcome could be compared: {names}.",
                len(domains),
                names=_labels(_label("domain", d, names) for d in domains),
            )
        )
    return parts


def _finding_ids(table: pd.DataFrame) -> tuple[str, ...]:
    """The finding ids of both arms' columns of a `single_vs_combined` table."""
    cells = [*table["single_findings"], *table["combined_findings"]]
    return _ids(i for cell in cells for i in split_list(cell))


# --------------------------------------------------------------------------- institutional claims


def _institutional_rows(scope: Scope, ev: Evidence) -> pd.DataFrame:
    """Institutional rows in the claim's countries, cases, factors and level."""
    inst = ev.institutional
    keep = scope.place(inst)
    if scope.factors:
        keep &= inst["factor"].isin(scope.factors)
    if scope.level:
        keep &= inst["level"] == scope.level
    return inst[keep]


def _no_institutional() -> Verdict:
    return Verdict("not_testable", msg("The data have no institutional analysis (institutional.csv)."))


def _no_rows() -> Verdict:
    return Verdict("not_testable", msg("No institutional row falls in the claim's scope."))


def _by_label(rows: pd.DataFrame) -> pd.DataFrame:
    """Institutional rows ordered by how they are cited (Country/Case: factor), whatever the file's order."""
    order = sorted(range(len(rows)), key=lambda i: _natural(_inst_label(rows.iloc[i])))
    return rows.iloc[order]


def _inferred(rows: pd.DataFrame) -> pd.Series:
    """Rows whose level the coders inferred rather than read in the source."""
    if "level_basis" not in rows.columns:
        return pd.Series(False, index=rows.index)
    return rows["level_basis"] == "inferred"


def check_assessment(claim: pd.Series, ev: Evidence, names: _Names) -> Verdict:
    """Are the factors in scope recorded as the asserted enabler or barrier?"""
    if ev.institutional is None:
        return _no_institutional()
    scope = Scope.of(claim, ev)
    rows = _institutional_rows(scope, ev)
    if rows.empty:
        return _no_rows()
    asserted = claim["asserts"]
    ids = _ids(_inst_label(r) for r in rows.itertuples())
    directional = rows[rows["assessment"].isin(["enabler", "barrier", "mixed"])]
    if directional.empty:
        reason = msgn(
            "The {n} row in scope reports the factor without saying whether it helped or hindered.",
            "The {n} rows in scope report the factor without saying whether it helped or hindered.",
            len(rows),
            n=Int(len(rows)),
        )
        return Verdict("not_testable", reason, ids)
    missing = [_label("factor", f, names) for f in scope.factors if f not in set(rows["factor"])]
    directional = _by_label(directional)
    agree = directional[directional["assessment"] == asserted]
    if len(agree) == len(directional) and not missing:
        verdict = "supported"
    elif agree.empty and not (directional["assessment"] == "mixed").any():
        verdict = "contradicted"
    else:
        verdict = "partly_supported"
    assessment = Word(asserted)
    if agree.empty:
        reason = msgn(
            "The {n} row in scope with a direction does not assess the factor as {assessment}.",
            "None of the {n} rows in scope with a direction assesses the factor as {assessment}.",
            len(directional),
            n=Int(len(directional)),
            assessment=assessment,
        )
    else:
        reason = msgn(
            "{k} of {n} row in scope assesses the factor as {assessment}: {rows}.",
            "{k} of {n} rows in scope assess the factor as {assessment}: {rows}.",
            len(directional),
            n=Int(len(directional)),
            k=Int(len(agree)),
            assessment=assessment,
            rows=items(_data(_inst_label(r)) for r in agree.itertuples()),
        )
    more: list[Slot] = []
    others = directional[directional["assessment"] != asserted]
    if not others.empty:
        listed = items(
            Seq((_data(_inst_label(r)), Markup(" ("), Word(r.assessment), Markup(")")))
            for r in others.itertuples()
        )
        more.append(msg("Otherwise: {rows}.", rows=listed))
    if missing:
        more.append(msg("Not recorded in scope: {factors}.", factors=_labels(missing)))
    return Verdict(verdict, _then(reason, *more), ids)


def check_matters(claim: pd.Series, ev: Evidence, names: _Names) -> Verdict:
    """Did the factors (or, without factors, each case's factors at the level) help or hinder coordination?

    Units are the listed factors, else the cases in scope that have an institutional analysis.
    A unit shown only by rows whose level the coders inferred counts as partly shown.
    """
    if ev.institutional is None:
        return _no_institutional()
    scope = Scope.of(claim, ev)
    rows = _institutional_rows(scope, ev)
    units: list[tuple[Slot, pd.Series]]
    if scope.factors:
        units = [(_label("factor", f, names), rows["factor"] == f) for f in scope.factors]
    else:
        analysed = _by_label(ev.institutional[scope.place(ev.institutional)])[
            ["country", "case"]
        ].drop_duplicates()
        units = [
            (_case_name(r.country, r.case), (rows["country"] == r.country) & (rows["case"] == r.case))
            for r in analysed.itertuples()
        ]
    if rows.empty or not units:
        return _no_rows()
    inferred = _inferred(rows) if scope.level else pd.Series(False, index=rows.index)
    shown: list[Slot] = []
    only_inferred: list[Slot] = []
    absent: list[Slot] = []
    for name, mine in units:
        if not mine.any():
            absent.append(name)
        elif inferred[mine].all():
            only_inferred.append(name)
        else:
            shown.append(name)
    ids = _ids(_inst_label(r) for r in rows.itertuples())
    n, k = len(units), len(shown) + len(only_inferred)
    verdict = "supported" if len(shown) == n else "partly_supported"
    level = msg(" at {level} level", level=Word(scope.level)) if scope.level else Markup("")
    if scope.factors:
        reason = msgn(
            "{k} of the {n} factor the claim names is recorded{level} as bearing on coordination in scope.",
            "{k} of the {n} factors the claim names are recorded{level} as bearing on coordination in scope.",
            n,
            n=Int(n),
            k=Int(k),
            level=level,
        )
    else:
        reason = msgn(
            "{k} of the {n} case with an institutional analysis in scope records a factor{level} that bore "
            "on coordination.",
            "{k} of the {n} cases with an institutional analysis in scope record a factor{level} that bore "
            "on coordination.",
            n,
            n=Int(n),
            k=Int(k),
            level=level,
        )
    more: list[Slot] = []
    if only_inferred:
        more.append(
            msg(
                "The level is the coders' inference, not stated by the source, for: {units}.",
                units=_labels(only_inferred),
            )
        )
    if absent:
        more.append(msg("Nothing is recorded for: {units}.", units=_labels(absent)))
    return Verdict(verdict, _then(reason, *more), ids)


def check_not_sufficient(claim: pd.Series, ev: Evidence, names: _Names) -> Verdict:
    """Where the factors are present, does coordination still meet barriers in the same case?"""
    if ev.institutional is None:
        return _no_institutional()
    scope = Scope.of(claim, ev)
    rows = _institutional_rows(scope, ev)
    if rows.empty:
        return _no_rows()
    inst = ev.institutional
    cases = _by_label(rows)[["country", "case"]].drop_duplicates()
    hindered: list[Slot] = []
    unhindered: list[Slot] = []
    ids = [_inst_label(r) for r in rows.itertuples()]
    for c in cases.itertuples():
        of_case = (inst["country"] == c.country) & (inst["case"] == c.case)
        barriers = inst[of_case & (inst["assessment"] == "barrier")]
        (hindered if not barriers.empty else unhindered).append(_case_name(c.country, c.case))
        ids += [_inst_label(r) for r in barriers.itertuples()]
    n = len(cases)
    if not unhindered:
        verdict = "supported"
    elif not hindered:
        verdict = "contradicted"
    else:
        verdict = "partly_supported"
    if hindered:
        reason = msgn(
            "{n} case records the factor; coordination still met barriers in {k} of them ({cases}).",
            "{n} cases record the factor; coordination still met barriers in {k} of them ({cases}).",
            n,
            n=Int(n),
            k=Int(len(hindered)),
            cases=items(hindered),
        )
    else:
        reason = msgn(
            "{n} case records the factor, and it records no barrier to coordination.",
            "{n} cases record the factor, and none of them records a barrier to coordination.",
            n,
            n=Int(n),
        )
    more: list[Slot] = []
    if unhindered and hindered:
        more.append(msg("No barrier is recorded in {cases}.", cases=items(unhindered)))
    if claim["asserts"] == "necessary_not_sufficient" and verdict != "contradicted":
        verdict = "partly_supported"
        more.append(
            msg(
                "Whether the factor is necessary cannot be tested: institutional rows record what each case "
                "had, not how coordination fared without it."
            )
        )
    return Verdict(verdict, _then(reason, *more), _ids(ids))


def check_not_coded(claim: pd.Series, ev: Evidence, names: _Names) -> Verdict:
    """A claim about something no coded file records cannot be tested; the reason quotes its note."""
    note = claim.get("note", "")
    if note:
        reason = msg(
            "The claim asserts something no coded file records (coders' note: {note})", note=_data(note)
        )
    else:
        reason = msg("The claim asserts something no coded file records.")
    return Verdict("not_testable", reason)


CHECKS = {
    "beneficial": check_effect,
    "adverse": check_effect,
    "no_change": check_effect,
    "evaluated": check_evaluated,
    "combined_better": check_synergy,
    "combined_not_better": check_synergy,
    "enabler": check_assessment,
    "barrier": check_assessment,
    "matters": check_matters,
    "not_sufficient": check_not_sufficient,
    "necessary_not_sufficient": check_not_sufficient,
    "not_coded": check_not_coded,
}


def check_claim(claim: pd.Series, ev: Evidence, names: Mapping | None = None) -> Verdict:
    """The verdict on one claim (a row of ev.claims), its reason a body to render in any language.

    `names` is the data's labels by language (`_Names(ev)`), shared by the claims of one check.
    """
    return CHECKS[claim["asserts"]](claim, ev, _Names(ev) if names is None else names)


def check_all(ev: Evidence) -> list[tuple[pd.Series, Verdict]]:
    """Each claim of claims.csv (in its order) with its verdict; empty without claims.csv."""
    if ev.claims is None:
        return []
    names = _Names(ev)
    return [(claim, check_claim(claim, ev, names)) for _, claim in ev.claims.iterrows()]


def check_claims(
    ev: Evidence, lang: str = "en", checked: list[tuple[pd.Series, Verdict]] | None = None
) -> pd.DataFrame:
    """tables/claims.csv: one row per claim, in the order of claims.csv, reasons in `lang`; empty without
    claims.csv. `checked` is `check_all(ev)` when the caller has it (the narrative renders it twice)."""
    text.check_lang(lang)
    if ev.claims is None:
        return pd.DataFrame(columns=TABLE_COLUMNS)
    rows = []
    for claim, result in check_all(ev) if checked is None else checked:
        rows.append(
            {
                "claim_id": claim["claim_id"],
                "kind": claim["kind"],
                "verdict": result.verdict,
                "reason": result.text(lang),
                "rows": ROW_SEPARATOR.join(result.rows),
                "asserts": claim["asserts"],
                "text": claim["text"],
                "source_id": claim["source_id"],
                "locator": claim["locator"],
            }
        )
    return pd.DataFrame(rows, columns=TABLE_COLUMNS)


VERDICT_WORDS = {
    "supported": NP_("verdict on a claim", "supported"),
    "partly_supported": NP_("verdict on a claim", "partly supported"),
    "contradicted": NP_("verdict on a claim", "contradicted"),
    "not_testable": NP_("verdict on a claim", "not testable with these data"),
}


def verdict_word(verdict: str) -> Slot:
    """A verdict in words ("partly supported"), as a slot rendered in the reader's language."""
    return msgp("verdict on a claim", VERDICT_WORDS[verdict])


def word_verdict(verdict: str, lang: str) -> str:
    """A verdict in words, in `lang`."""
    return render(verdict_word(verdict), lang)


def verdict_counts(table: pd.DataFrame) -> dict[str, int]:
    """How many claims got each verdict, every verdict listed (zeros kept), in the contract's order."""
    return {v: int((table["verdict"] == v).sum()) for v in contract.CLAIM_VERDICTS}


# --------------------------------------------------------------------------- for readers


def summary_markdown(table: pd.DataFrame, lang: str = "en") -> str:
    """One paragraph: how many claims were checked and how many got each verdict."""
    from synergies.narrative import escape  # the one Markdown escaper of the project

    if table.empty:
        return t(lang, "The data directory has no `claims.csv`, so no claim was checked.")
    parts = ", ".join(
        f"{word_verdict(v, lang)} {grammar.digits(n, lang)}" for v, n in verdict_counts(table).items()
    )
    sources = sorted(set(table["source_id"]) - {""})
    return tn(
        lang,
        "{n} claim ({sources}) checked against the coded data: {parts}.",
        "{n} claims ({sources}) checked against the coded data: {parts}.",
        len(table),
        sources=escape(", ".join(sources)) if sources else "—",
        parts=parts,
    )


def markdown_table(table: pd.DataFrame, lang: str = "en") -> str:
    """The verdicts as a Markdown table for a notebook: claim, verdict, what it says, why."""
    from synergies.narrative import escape

    if table.empty:
        return ""
    head = [
        tp(lang, "column of the claims table", "Claim"),
        tp(lang, "column of the claims table", "Verdict"),
        tp(lang, "column of the claims table", "What the source concludes"),
        tp(lang, "column of the claims table", "Why"),
    ]
    lines = ["| " + " | ".join(head) + " |", "|---|---|---|---|"]
    for r in table.itertuples(index=False):
        where = f" ({escape(r.locator)})" if r.locator else ""
        lines.append(
            f"| {escape(r.claim_id)} | {word_verdict(r.verdict, lang)} | {escape(r.text)}{where} | "
            f"{escape(r.reason)} |"
        )
    return "\n".join(lines)
